/* The SQLite destination engine: loads hygge batches into one table of a
 * SQLite database file through libsqlite3.
 *
 * This is the engine the `sqlite` store type wraps; it knows nothing of the
 * store base (buffering to batch_size, polish) or of configuration. Life of a
 * run:
 *
 *   hy_sqlite_sink_open()    parent directories created, database opened
 *   hy_sqlite_sink_write()*  first non-empty batch: BEGIN IMMEDIATE, table
 *                            created or evolved; rows inserted
 *   hy_sqlite_sink_finish()  publish: COMMIT (incremental) or drop + rename +
 *                            COMMIT (full_drop), all in one transaction
 *   hy_sqlite_sink_abort()   ROLLBACK: the database is exactly as it was
 *   hy_sqlite_sink_close()   frees; rolls back whatever was not finished
 *
 * Nothing is visible to other connections before finish returns 0, and a
 * failed run leaves no trace (no `__hygge_tmp` table, no partial rows).
 * Design, type mapping and error classes: docs/internals/stores-sqlite.md and
 * docs/types.md.
 *
 * Errors: every message starts with `sqlite <path> table <table>: `. Status
 * HY_ETIMEOUT means the database stayed locked by another connection past the
 * busy timeout: the only transient failure (retrying later may succeed, see
 * hy_sqlite_status_is_transient()). Everything else is terminal: HY_EIO
 * (read-only file or directory, disk full, I/O error), HY_ECONFIG (bad table
 * name, a column type that conflicts with the existing table), HY_EUNSUPPORTED
 * (a value SQLite cannot hold, e.g. a uint64 above INT64_MAX), HY_EFORMAT
 * (not a database, a constraint of an existing table violated), HY_ENOMEM,
 * HY_ESTATE (calls out of order).
 *
 * One sink is used by one thread at a time (the flow's consumer thread).
 */
#ifndef HYGGE_STORE_SQLITE_H
#define HYGGE_STORE_SQLITE_H

#include <stdbool.h>
#include <stdint.h>

#include "hygge/batch.h"
#include "hygge/status.h"

enum hy_sqlite_run_type {
	HY_SQLITE_INCREMENTAL = 0, /* append to the table in one transaction */
	HY_SQLITE_FULL_DROP = 1,   /* load <table>__hygge_tmp, then swap it in */
};

enum hy_sqlite_journal {
	/* set journal_mode=WAL: readers never wait for the load. A new database
	 * (missing or empty file) gets it right after its first load commits,
	 * which runs under the rollback journal and so writes its rows once. */
	HY_SQLITE_JOURNAL_WAL = 0,
	HY_SQLITE_JOURNAL_KEEP = 1, /* leave the database's journal mode alone (network shares) */
};

#define HY_SQLITE_DEFAULT_BUSY_MS 5000
#define HY_SQLITE_TMP_SUFFIX      "__hygge_tmp"

/* Receives each warning (a new column added, ...) as one line of text, valid
 * during the call only. */
typedef void (*hy_sqlite_warn_fn)(void *ctx, const char *message);

struct hy_sqlite_sink_config {
	const char *path;  /* database file; missing parent directories are created at open */
	const char *table; /* final table name, `{entity}` already substituted; not empty */
	enum hy_sqlite_run_type run_type;
	/* How long to wait for another connection's lock before failing with
	 * HY_ETIMEOUT: 0 means HY_SQLITE_DEFAULT_BUSY_MS, a negative value does
	 * not wait at all. */
	int busy_timeout_ms;
	enum hy_sqlite_journal journal;
	/* Warnings go to `warn` when set, else to hy_log_warn(log_flow, ...). */
	hy_sqlite_warn_fn warn;
	void *warn_ctx;
	const char *log_flow; /* flow name for the log line; may be NULL */
};

struct hy_sqlite_sink;

/* Creates the parent directories of `path`, opens (or creates) the database,
 * sets the connection's pragmas (WAL unless HY_SQLITE_JOURNAL_KEEP; for a new
 * database after its first commit) and checks that it is writable. Holds no
 * lock once it returns: a run that never writes a row changes nothing but the
 * directories and, for a new path, an empty database file. Call it only for a
 * real run (a dry run creates nothing). `config` is copied. `*out` is freed
 * with hy_sqlite_sink_close(). */
int hy_sqlite_sink_open(struct hy_sqlite_sink **out, const struct hy_sqlite_sink_config *config,
			struct hy_error *err) HY_WUR;

/* Inserts the batch's rows (borrowed; the caller keeps its reference). Empty
 * batches are skipped. The first non-empty batch starts the run's write
 * transaction and creates (full_drop: the staging table; incremental: the
 * table when missing) or evolves the table. A batch with columns the table
 * lacks adds them (ALTER TABLE ADD COLUMN, with a warning); table columns the
 * batch lacks get NULL (or their declared default). After a failure the only
 * calls left are abort and close. */
int hy_sqlite_sink_write(struct hy_sqlite_sink *sink, struct hy_batch *batch,
			 struct hy_error *err) HY_WUR;

/* Publishes atomically. incremental: COMMIT. full_drop: DROP TABLE <table>,
 * ALTER TABLE <table>__hygge_tmp RENAME TO <table>, COMMIT, in one
 * transaction. A run with zero rows publishes nothing: an existing table is
 * kept as it was (full_drop included, as decisions.md D10 does for Open
 * Mirroring). On failure the transaction is rolled back. */
int hy_sqlite_sink_finish(struct hy_sqlite_sink *sink, struct hy_error *err) HY_WUR;

/* Rolls back the run: the database is left as it was before the run. Safe to
 * call in any state, more than once. */
void hy_sqlite_sink_abort(struct hy_sqlite_sink *sink);

/* Aborts what was not finished, closes the database, frees. NULL is a no-op. */
void hy_sqlite_sink_close(struct hy_sqlite_sink *sink);

/* Rows inserted in this run so far (published once finish returned 0). */
int64_t hy_sqlite_sink_rows(const struct hy_sqlite_sink *sink);

/* True for the statuses this engine reports for failures that may pass when
 * retried later (the database was locked): HY_ETIMEOUT. */
bool hy_sqlite_status_is_transient(int status);

#endif /* HYGGE_STORE_SQLITE_H */
