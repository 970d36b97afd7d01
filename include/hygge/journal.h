/* The run journal (behaviour.md §3.18): one Parquet file, journal.parquet,
 * holding one row per entity run, read back for watermarks (§3.17) and for
 * `hygge history`.
 *
 *   hy_journal_open(&j, "/p/.hygge_journal/journal.parquet", err);
 *   hy_journal_record(j, &row, err);        // read + append + temp + rename, locked
 *   hy_journal_last_watermark(j, flow, entity, &wm, err);
 *   hy_journal_query(j, &filter, fn, user, err);
 *   hy_journal_close(j);
 *
 * Contract for callers (docs/internals/run.md, "Journal"): a journal failure
 * never fails a flow. The flow logs a failed record as an error and goes on;
 * a failed watermark lookup is a warning and a full load. A missing journal
 * reads as empty; an unreadable one is an error (HY_EFORMAT / HY_EIO) from
 * query and last_watermark, while record moves it aside to
 * "journal.parquet.corrupt-<YYYYMMDD_HHMMSS>-<pid>", warns, and starts a
 * new journal.
 *
 * Concurrency: record holds the handle's mutex and an exclusive flock() on
 * "<path>.lock" for the whole read-append-rename, so threads sharing a handle,
 * handles in one process and `hygge` processes on one project all serialise.
 * Readers take no lock: the file under `path` is always complete (rename). */
#ifndef HYGGE_JOURNAL_H
#define HYGGE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/status.h"

#define HY_JOURNAL_FILE           "journal.parquet"
#define HY_JOURNAL_DIR            ".hygge_journal"
#define HY_JOURNAL_SCHEMA_VERSION "1.0"

/* Number of columns of the file, in this order (§3.18):
 * entity_run_id, coordinator_run_id, flow_run_id, coordinator, flow, entity,
 * start_time, finish_time, status, run_type, row_count (int64), duration
 * (float64), primary_key, watermark_column, watermark_type, watermark,
 * message, schema_version. Every column is nullable, as the reference's. */
#define HY_JOURNAL_NCOLUMNS 18

/* One entity run. Strings are borrowed; NULL writes a null. On record:
 * row_count 0 is written as null; primary_key, watermark_column,
 * watermark_type and watermark are written only when status is "success"
 * and watermark is not NULL (all four null otherwise); schema_version is
 * always "1.0" (the field is ignored). On read, nulls come back as NULL
 * (row_count 0, duration 0). */
struct hy_journal_row {
	const char *entity_run_id;      /* hy_run_id_entity() */
	const char *coordinator_run_id; /* hy_run_id_coordinator() */
	const char *flow_run_id;        /* hy_run_id_flow() */
	const char *coordinator;
	const char *flow;   /* base flow name */
	const char *entity; /* entity name, or the flow name for entity-less flows */
	const char *start_time, *finish_time; /* hy_time_format_iso(.., 0, ..): "+00:00" */
	const char *status;                   /* "success", "fail", "skip" */
	const char *run_type;                 /* "full_drop", "incremental" */
	int64_t row_count;
	double duration; /* seconds */
	const char *primary_key, *watermark_column, *watermark_type, *watermark;
	const char *message;
	const char *schema_version;
};

struct hy_journal;

/* A handle on the journal file at `path` (".../journal.parquet"). Touches
 * nothing on disk: the directory and the file are created by the first
 * record. *out is the caller's: hy_journal_close(). */
int hy_journal_open(struct hy_journal **out, const char *path, struct hy_error *err) HY_WUR;
void hy_journal_close(struct hy_journal *j);
/* Borrowed; the path given to open. */
const char *hy_journal_path(const struct hy_journal *j);

/* Appends one row (see struct hy_journal_row). Creates missing directories.
 * Errors name the journal path; the old file is untouched on failure. */
int hy_journal_record(struct hy_journal *j, const struct hy_journal_row *row,
		      struct hy_error *err) HY_WUR;

/* The watermark of the latest successful run of (flow, entity) with a
 * non-null watermark, by finish_time descending (§3.17). `found` false when
 * there is none (also for a missing journal). Strings owned by *out:
 * hy_journal_watermark_clear(). */
struct hy_journal_watermark {
	bool found;
	char *primary_key, *watermark_column, *watermark_type, *watermark;
	char *finish_time;
	char *entity_run_id;
};
int hy_journal_last_watermark(struct hy_journal *j, const char *flow, const char *entity,
			      struct hy_journal_watermark *out, struct hy_error *err) HY_WUR;
void hy_journal_watermark_clear(struct hy_journal_watermark *wm);

/* Rows for `hygge history`: newest first by start_time, after the filter. */
struct hy_journal_filter {
	const char *flow;   /* NULL: any */
	const char *entity; /* NULL: any */
	size_t last;        /* at most this many rows; 0: all */
	bool failed_only;   /* status "fail" only */
};
/* Called once per row; the row borrows the journal's memory until the
 * callback returns. A non-zero return stops the query and is returned. */
typedef int (*hy_journal_row_fn)(void *user, const struct hy_journal_row *row);
int hy_journal_query(struct hy_journal *j, const struct hy_journal_filter *filter,
		     hy_journal_row_fn fn, void *user, struct hy_error *err) HY_WUR;

/* ---- location (§3.18, D14) ---- */

struct hy_entity_flow;

/* The local journal file of an entity flow, as a new string (hy_free), or
 * *out = NULL when the flow has no journal. `path:` → <path>/journal.parquet;
 * `location: store` → <store dir>/.hygge_journal/journal.parquet;
 * `location: home` → <home dir>/.hygge_journal/journal.parquet, where the
 * directory is the resolved path without the entity segment the workspace
 * appended (a SQLite store's directory is the database file's folder).
 * HY_EUNSUPPORTED for remote journals (location: store on adls, onelake,
 * open_mirroring), which are not built yet; HY_ECONFIG for a location
 * without a path (the workspace already refuses those). */
int hy_journal_resolve_local(const struct hy_entity_flow *ef, char **out,
			     struct hy_error *err) HY_WUR;

#endif /* HYGGE_JOURNAL_H */
