/* The SQLite destination engine (include/hygge/store_sqlite.h).
 *
 * One connection, one write transaction per run. The transaction starts with
 * BEGIN IMMEDIATE at the first non-empty batch (so a run without rows takes no
 * lock) and ends in finish (COMMIT) or abort (ROLLBACK). full_drop loads a
 * staging table `<table>__hygge_tmp` inside that same transaction and swaps it
 * in just before COMMIT, so no other connection ever sees the staging table or
 * a half-loaded one, and a crash at any point leaves the old table (SQLite's
 * journal undoes the unfinished transaction). Why WAL, which pragmas and the
 * type mapping: docs/internals/stores-sqlite.md.
 *
 * Rows go through two statements prepared once per batch schema, a 32-row
 * `INSERT INTO t (cols) VALUES (?, ...), ...` for full groups and a one-row
 * one for the tail, bound column by column straight from the column buffers:
 * strings and blobs (dictionary entries for dictionary columns) point into
 * the batch (SQLITE_STATIC: the batch outlives the step), dates, times,
 * timestamps, decimals and UUIDs are formatted into a scratch slot per
 * parameter. No allocation per row or per value.
 */
#include "hygge/store_sqlite.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hygge/alloc.h"
#include "hygge/buffer.h"
#include "hygge/isotime.h"
#include "hygge/log.h"

#define TABLE_NAME_MAX 4096       /* bytes of a table name, as for field names */
#define SQL_MAX        (64 << 20) /* bytes of one generated statement */
#define CACHE_KIB      65536      /* page cache for the load: 64 MiB */
#define PAGE_SIZE      16384      /* bytes per page of a database hygge creates */
#define WARN_MAX       1024       /* bytes of one warning line */
#define SCRATCH_MAX    64         /* longest formatted value: a 38-digit decimal */
#define GROUP_ROWS     32         /* rows per multi-row INSERT (see insert_rows) */

/* SQLite type affinities (https://sqlite.org/datatype3.html §3.1), as the
 * single letters used below. The declared types hygge writes are the
 * affinity names themselves, so what we create reads back unambiguously. */
enum affinity {
	AFF_NONE = 'B', /* declared "BLOB" or nothing: values kept as given */
	AFF_INTEGER = 'I',
	AFF_REAL = 'R',
	AFF_TEXT = 'T',
	AFF_NUMERIC = 'N',
	AFF_ANY = '*', /* hygge's null type: fits any column */
};

enum bind_kind {
	BK_NULL,
	BK_INT,  /* signed ints, duration */
	BK_UINT, /* unsigned ints; above INT64_MAX is an error */
	BK_BOOL,
	BK_REAL,
	BK_DEC,
	BK_TEXT,
	BK_BLOB, /* binary, fixed binary */
	BK_UUID,
	BK_DATE,
	BK_TIME,
	BK_TS,
};

enum sink_state {
	ST_IDLE,    /* open, no transaction yet */
	ST_LOADING, /* BEGIN IMMEDIATE done, rows going in */
	ST_DONE,    /* finished (published or nothing to publish) or aborted */
	ST_FAILED,  /* a write or finish failed: only abort/close remain */
};

/* A column of the table being loaded, as the database declares it. */
struct table_col {
	char *name;
	char *decl; /* declared type, "" when none */
	enum affinity aff;
};

/* How one batch column is bound: its kind from the schema, its buffers
 * (read directly, not through the hy_column accessors, which cost a call and
 * a type switch per value) set per batch, and the last date it rendered. */
struct bind_col {
	enum bind_kind kind;
	enum hy_time_unit unit;
	int scale;
	int width; /* bytes per value; 0 for bool, strings and variable binary */
	bool zoned;
	/* per batch: element i of the column is row i - off */
	int64_t off;
	const uint8_t *valid;  /* validity bitmap, NULL when no row is null */
	const uint8_t *values; /* fixed-width values, bits, offsets or indices */
	const int32_t *offs;   /* string/binary offsets (the dictionary's when `dict`) */
	const char *data;      /* string/binary bytes (the dictionary's when `dict`) */
	bool dict;             /* `values` holds int32 indices into offs/data */
	/* cache: the text of day `last_day` (dates and timestamps) */
	bool have_day;
	int64_t last_day;
	char last_date[10];
};

struct hy_sqlite_sink {
	sqlite3 *db;
	char *path;
	char *table;
	char *tmp;    /* <table>__hygge_tmp */
	char *qtable; /* quoted identifiers */
	char *qtmp;
	enum hy_sqlite_run_type run_type;
	int busy_ms;
	hy_sqlite_warn_fn warn;
	void *warn_ctx;
	char *log_flow;
	enum sink_state state;
	bool wal_after_commit; /* a new database: WAL is set after the first commit */

	struct table_col *cols; /* the load target's columns (tmp or table) */
	size_t ncols;
	bool target_exists;

	sqlite3_stmt *insert;            /* one row */
	sqlite3_stmt *insert_group;      /* `group` rows; NULL when group is 1 */
	struct hy_schema *insert_schema; /* schema the statements and binds were built for */
	struct bind_col *binds;
	size_t nbinds;
	int group;
	char *scratch; /* group * nbinds * SCRATCH_MAX bytes: formatted values */
	int64_t rows;
};

bool hy_sqlite_status_is_transient(int status)
{
	return status == HY_ETIMEOUT;
}

/* ---- names and SQL text ---- */

/* Appends `name` as a double-quoted identifier, inner quotes doubled. */
static int append_ident(struct hy_buf *b, const char *name, struct hy_error *err)
{
	HY_TRY(hy_buf_append_byte(b, '"', err));
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			HY_TRY(hy_buf_append_byte(b, '"', err));
		HY_TRY(hy_buf_append_byte(b, (uint8_t)*p, err));
	}
	return hy_buf_append_byte(b, '"', err);
}

static int quote_ident(const char *name, char **out, struct hy_error *err)
{
	struct hy_buf b;
	int rc;

	hy_buf_init(&b, SQL_MAX);
	rc = append_ident(&b, name, err);
	if (rc != 0) {
		hy_buf_reset(&b);
		return rc;
	}
	*out = (char *)hy_buf_detach(&b, NULL);
	return 0;
}

/* SQLite's rules for the affinity of a declared type, in its order. */
static enum affinity decl_affinity(const char *decl)
{
	char up[64];
	size_t n = strlen(decl);

	if (n >= sizeof(up))
		n = sizeof(up) - 1;
	for (size_t i = 0; i < n; i++)
		up[i] = (char)(decl[i] >= 'a' && decl[i] <= 'z' ? decl[i] - 32 : decl[i]);
	up[n] = 0;
	if (strstr(up, "INT"))
		return AFF_INTEGER;
	if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		return AFF_TEXT;
	if (strstr(up, "BLOB") || n == 0)
		return AFF_NONE;
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return AFF_REAL;
	return AFF_NUMERIC;
}

/* The declared type hygge gives a column of `type`; docs/types.md. */
static enum affinity dtype_affinity(const struct hy_dtype *type)
{
	switch (type->id) {
	case HY_NULL: return AFF_ANY;
	case HY_BOOL:
	case HY_INT8:
	case HY_INT16:
	case HY_INT32:
	case HY_INT64:
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
	case HY_UINT64:
	case HY_DURATION: return AFF_INTEGER;
	case HY_FLOAT32:
	case HY_FLOAT64: return AFF_REAL;
	case HY_BINARY:
	case HY_FIXED_BINARY: return AFF_NONE;
	case HY_DECIMAL:
	case HY_STRING:
	case HY_UUID:
	case HY_DATE:
	case HY_TIME:
	case HY_TIMESTAMP: return AFF_TEXT;
	}
	return AFF_NONE;
}

static const char *affinity_decl(enum affinity aff)
{
	switch (aff) {
	case AFF_INTEGER: return "INTEGER";
	case AFF_REAL: return "REAL";
	case AFF_TEXT: return "TEXT";
	case AFF_NONE: return "BLOB";
	case AFF_NUMERIC: return "NUMERIC";
	case AFF_ANY: return "";
	}
	return "";
}

/* Whether an existing column of affinity `have` takes values of `type`
 * without changing them behind the user's back. Affinity converts values on
 * the way in: an integer into a REAL column becomes a float (big ones lose
 * digits), a number into a TEXT column text, and a string that looks like a
 * number ("00123") into a NUMERIC column a number. Those pairs are conflicts.
 * NUMERIC columns (DATETIME, DATE, BOOLEAN, DECIMAL(p,s) made by other tools)
 * accept numbers, and the text forms of dates, times, timestamps and UUIDs,
 * which never parse as numbers; decimals too, as the user's own declaration
 * asks SQLite to store them as numbers. */
static bool type_fits(enum affinity have, const struct hy_dtype *type)
{
	enum affinity want = dtype_affinity(type);

	if (want == AFF_ANY || have == want || have == AFF_NONE)
		return true;
	if (have != AFF_NUMERIC)
		return false;
	switch (type->id) {
	case HY_STRING:
	case HY_BINARY:
	case HY_FIXED_BINARY: return false;
	default: return true;
	}
}

static enum bind_kind dtype_bind_kind(const struct hy_dtype *type)
{
	switch (type->id) {
	case HY_NULL: return BK_NULL;
	case HY_BOOL: return BK_BOOL;
	case HY_INT8:
	case HY_INT16:
	case HY_INT32:
	case HY_INT64:
	case HY_DURATION: return BK_INT;
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
	case HY_UINT64: return BK_UINT;
	case HY_FLOAT32:
	case HY_FLOAT64: return BK_REAL;
	case HY_DECIMAL: return BK_DEC;
	case HY_STRING: return BK_TEXT;
	case HY_BINARY:
	case HY_FIXED_BINARY: return BK_BLOB;
	case HY_UUID: return BK_UUID;
	case HY_DATE: return BK_DATE;
	case HY_TIME: return BK_TIME;
	case HY_TIMESTAMP: return BK_TS;
	}
	return BK_NULL;
}

/* ---- SQLite errors ---- */

/* Turns a SQLite failure into a status and a message that says what the user
 * can do. Busy/locked is the one transient class (HY_ETIMEOUT). */
static int sql_fail(struct hy_sqlite_sink *s, int rc, const char *what, struct hy_error *err)
{
	const char *msg = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	int ext = s->db ? sqlite3_extended_errcode(s->db) : rc;
	int sys = s->db ? sqlite3_system_errno(s->db) : 0;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return hy_error_set(err, HY_ETIMEOUT,
				    "%s: database is locked: %s (another process is writing; "
				    "retry later; waited %d ms)",
				    what, s->path, s->busy_ms);
	case SQLITE_READONLY:
		if (ext == SQLITE_READONLY_DIRECTORY)
			return hy_error_set(err, HY_EIO,
					    "%s: the directory of %s is read-only (SQLite needs "
					    "to create its journal next to the database)",
					    what, s->path);
		return hy_error_set(err, HY_EIO,
				    "%s: database is read-only: %s (check the permissions of "
				    "the file and its directory) (%s)",
				    what, s->path, msg);
	case SQLITE_CANTOPEN:
		if (sys != 0)
			return hy_error_set_errno(err, HY_EIO, sys,
						  "%s: cannot open %s or its journal (%s)", what,
						  s->path, msg);
		return hy_error_set(err, HY_EIO, "%s: cannot open %s or its journal (%s)", what,
				    s->path, msg);
	case SQLITE_FULL:
		return hy_error_set(err, HY_EIO,
				    "%s: disk full: %s (or the database reached its size limit)",
				    what, s->path);
	case SQLITE_IOERR:
		if (sys != 0)
			return hy_error_set_errno(err, HY_EIO, sys, "%s: I/O error on %s (%s)",
						  what, s->path, msg);
		return hy_error_set(err, HY_EIO, "%s: I/O error on %s (%s)", what, s->path, msg);
	case SQLITE_NOMEM: return hy_error_set(err, HY_ENOMEM, "%s: SQLite: %s", what, msg);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return hy_error_set(err, HY_EFORMAT, "%s: %s is not a usable SQLite database (%s)",
				    what, s->path, msg);
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH: return hy_error_set(err, HY_EFORMAT, "%s: %s", what, msg);
	case SQLITE_TOOBIG: return hy_error_set(err, HY_ELIMIT, "%s: %s", what, msg);
	default: return hy_error_set(err, HY_EIO, "%s: %s", what, msg);
	}
}

static int exec_sql(struct hy_sqlite_sink *s, const char *sql, const char *what,
		    struct hy_error *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sql_fail(s, rc, what, err);
}

/* ---- warnings ---- */

static void warn(struct hy_sqlite_sink *s, const char *fmt, ...) HY_PRINTF(2, 3);
static void warn(struct hy_sqlite_sink *s, const char *fmt, ...)
{
	char line[WARN_MAX];
	int n = snprintf(line, sizeof(line), "sqlite %s table %s: ", s->path, s->table);
	va_list ap;

	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0; /* a path that long: keep the cause */
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (s->warn != NULL)
		s->warn(s->warn_ctx, line);
	else
		hy_log_warn(s->log_flow, "%s", line);
}

/* ---- open ---- */

/* mkdir -p for the directory part of `path`; existing directories are fine. */
static int make_parent_dirs(const char *path, struct hy_error *err)
{
	char *dir = hy_strdup(path);
	char *slash;
	int rc = 0;

	if (dir == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		goto out;
	*slash = 0;
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != 0)
			continue;
		char saved = *p;

		*p = 0;
		if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
			rc = hy_error_set_errno(err, HY_EIO, errno, "cannot create directory %s",
						dir);
			goto out;
		}
		*p = saved;
		if (saved == 0)
			break;
	}
out:
	hy_free(dir);
	return rc;
}

static int check_config(const struct hy_sqlite_sink_config *c, struct hy_error *err)
{
	if (c->path == NULL || c->path[0] == 0)
		return hy_error_set(err, HY_ECONFIG, "path is empty");
	if (c->table == NULL || c->table[0] == 0)
		return hy_error_set(err, HY_ECONFIG, "table name is empty");
	if (strlen(c->table) >= TABLE_NAME_MAX)
		return hy_error_set(err, HY_ECONFIG, "table name is longer than %d bytes",
				    TABLE_NAME_MAX - 1);
	if (c->run_type != HY_SQLITE_INCREMENTAL && c->run_type != HY_SQLITE_FULL_DROP)
		return hy_error_set(err, HY_EINVAL, "unknown run type %d", (int)c->run_type);
	return 0;
}

static int copy_names(struct hy_sqlite_sink *s, const struct hy_sqlite_sink_config *c,
		      struct hy_error *err)
{
	s->path = hy_strdup(c->path);
	s->table = hy_strdup(c->table);
	s->tmp = hy_asprintf("%s%s", c->table, HY_SQLITE_TMP_SUFFIX);
	if (c->log_flow != NULL)
		s->log_flow = hy_strdup(c->log_flow);
	if (s->path == NULL || s->table == NULL || s->tmp == NULL ||
	    (c->log_flow != NULL && s->log_flow == NULL))
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	HY_TRY(quote_ident(s->table, &s->qtable, err));
	return quote_ident(s->tmp, &s->qtmp, err);
}

/* Connection settings; each is explained in docs/internals/stores-sqlite.md. */
static int configure(struct hy_sqlite_sink *s, enum hy_sqlite_journal journal, struct hy_error *err)
{
	char sql[64];

	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, s->busy_ms);
	/* Takes effect only for a database still empty (created by this open),
	 * so before WAL, which fixes the page size; a no-op for any other. */
	snprintf(sql, sizeof(sql), "PRAGMA page_size=%d", PAGE_SIZE);
	HY_TRY(exec_sql(s, sql, "set the page size", err));
	/* A new database loads under SQLite's rollback journal and switches to
	 * WAL after its first commit: new pages need no journal, while WAL
	 * would write every row twice (docs/internals/stores-sqlite.md). */
	if (journal == HY_SQLITE_JOURNAL_WAL && !s->wal_after_commit)
		HY_TRY(exec_sql(s, "PRAGMA journal_mode=WAL", "set the journal mode", err));
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%d", CACHE_KIB);
	HY_TRY(exec_sql(s, sql, "set the cache size", err));
	/* One commit per run, so a full sync costs once; durability of the
	 * published table matters more than that one fsync. */
	HY_TRY(exec_sql(s, "PRAGMA synchronous=FULL", "set synchronous", err));
	/* The rename in full_drop must not re-parse other objects' SQL: a view on
	 * the dropped table would otherwise fail the rename ("no such table"). */
	return exec_sql(s, "PRAGMA legacy_alter_table=ON", "set legacy_alter_table", err);
}

/* Whether `path` holds no database yet: missing or empty, and no WAL beside
 * it with content. A path too long to name its WAL here answers no (the
 * WAL path is then taken). */
static bool is_new_database(const char *path)
{
	struct stat st;
	char wal[4096];
	int n;

	if (stat(path, &st) == 0 && st.st_size > 0)
		return false;
	n = snprintf(wal, sizeof(wal), "%s-wal", path);
	if (n < 0 || (size_t)n >= sizeof(wal))
		return false;
	return stat(wal, &st) != 0 || st.st_size == 0;
}

static int open_db(struct hy_sqlite_sink *s, enum hy_sqlite_journal journal, struct hy_error *err)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int rc;

	s->wal_after_commit = journal == HY_SQLITE_JOURNAL_WAL && is_new_database(s->path);
	rc = sqlite3_open_v2(s->path, &s->db, flags, NULL);

	if (rc != SQLITE_OK) {
		if (s->db == NULL)
			return hy_error_set(err, HY_ENOMEM, "out of memory opening SQLite");
		return sql_fail(s, rc, "open", err);
	}
	/* SQLite falls back to read-only when the file is not writable; say so
	 * now rather than at the first insert. */
	if (sqlite3_db_readonly(s->db, "main") == 1)
		return hy_error_set(err, HY_EIO,
				    "open: database is read-only: %s (no write permission on the "
				    "file)",
				    s->path);
	return configure(s, journal, err);
}

int hy_sqlite_sink_open(struct hy_sqlite_sink **out, const struct hy_sqlite_sink_config *config,
			struct hy_error *err)
{
	struct hy_sqlite_sink *s = NULL;
	int rc;

	*out = NULL;
	rc = check_config(config, err);
	if (rc != 0)
		goto out;
	s = hy_calloc(1, sizeof(*s));
	if (s == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory");
		goto out;
	}
	s->run_type = config->run_type;
	s->busy_ms = config->busy_timeout_ms == 0  ? HY_SQLITE_DEFAULT_BUSY_MS
		     : config->busy_timeout_ms < 0 ? 0
						   : config->busy_timeout_ms;
	s->warn = config->warn;
	s->warn_ctx = config->warn_ctx;
	rc = copy_names(s, config, err);
	if (rc == 0)
		rc = make_parent_dirs(s->path, err);
	if (rc == 0)
		rc = open_db(s, config->journal, err);
out:
	if (rc != 0) {
		hy_error_prefix(err, "sqlite %s table %s", config->path ? config->path : "",
				config->table ? config->table : "");
		hy_sqlite_sink_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* ---- the load target's columns ---- */

static void free_cols(struct hy_sqlite_sink *s)
{
	for (size_t i = 0; i < s->ncols; i++) {
		hy_free(s->cols[i].name);
		hy_free(s->cols[i].decl);
	}
	hy_free(s->cols);
	s->cols = NULL;
	s->ncols = 0;
}

static int add_col(struct hy_sqlite_sink *s, const char *name, const char *decl,
		   struct hy_error *err)
{
	struct table_col *grown = hy_realloc(s->cols, (s->ncols + 1) * sizeof(*grown));
	struct table_col c;

	if (grown == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	s->cols = grown;
	c.name = hy_strdup(name);
	c.decl = hy_strdup(decl);
	if (c.name == NULL || c.decl == NULL) {
		hy_free(c.name);
		hy_free(c.decl);
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	}
	c.aff = decl_affinity(decl);
	s->cols[s->ncols++] = c;
	return 0;
}

static struct table_col *find_col(struct hy_sqlite_sink *s, const char *name)
{
	/* SQLite column names are case-insensitive (ASCII). */
	for (size_t i = 0; i < s->ncols; i++)
		if (sqlite3_stricmp(s->cols[i].name, name) == 0)
			return &s->cols[i];
	return NULL;
}

/* Reads the columns of `table` in the main schema; none when it is missing. */
static int load_cols(struct hy_sqlite_sink *s, const char *table, struct hy_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	free_cols(s);
	rc = sqlite3_prepare_v2(s->db, "SELECT name, type FROM pragma_table_info(?1, 'main')", -1,
				&st, NULL);
	if (rc != SQLITE_OK)
		return sql_fail(s, rc, "read the table's columns", err);
	rc = sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *decl = (const char *)sqlite3_column_text(st, 1);

		if (add_col(s, name ? name : "", decl ? decl : "", err) != 0) {
			sqlite3_finalize(st);
			return HY_ENOMEM;
		}
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE) {
		rc = sql_fail(s, rc, "read the table's columns", err);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	s->target_exists = s->ncols > 0;
	return 0;
}

/* ---- schema: create, check, evolve ---- */

static const char *target_name(const struct hy_sqlite_sink *s)
{
	return s->run_type == HY_SQLITE_FULL_DROP ? s->tmp : s->table;
}

static const char *target_qname(const struct hy_sqlite_sink *s)
{
	return s->run_type == HY_SQLITE_FULL_DROP ? s->qtmp : s->qtable;
}

static int append_col_def(struct hy_buf *b, const struct hy_field *f, struct hy_error *err)
{
	const char *decl = affinity_decl(dtype_affinity(&f->type));

	HY_TRY(append_ident(b, f->name, err));
	if (decl[0] != 0)
		HY_TRY(hy_buf_appendf(b, err, " %s", decl));
	return 0;
}

static int create_target(struct hy_sqlite_sink *s, const struct hy_schema *schema,
			 struct hy_error *err)
{
	struct hy_buf b;
	size_t n = hy_schema_nfields(schema);
	int rc;

	hy_buf_init(&b, SQL_MAX);
	rc = hy_buf_appendf(&b, err, "CREATE TABLE %s (", target_qname(s));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (i > 0)
			rc = hy_buf_append(&b, ", ", 2, err);
		if (rc == 0)
			rc = append_col_def(&b, hy_schema_field(schema, i), err);
	}
	if (rc == 0)
		rc = hy_buf_append(&b, ")", 1, err);
	if (rc == 0)
		rc = exec_sql(s, (const char *)b.data, "create the table", err);
	hy_buf_reset(&b);
	if (rc == 0)
		rc = load_cols(s, target_name(s), err);
	return rc;
}

static int check_conflicts(struct hy_sqlite_sink *s, const struct hy_schema *schema,
			   struct hy_error *err)
{
	for (size_t i = 0; i < hy_schema_nfields(schema); i++) {
		const struct hy_field *f = hy_schema_field(schema, i);
		const struct table_col *c = find_col(s, f->name);
		enum affinity want = dtype_affinity(&f->type);
		char tname[96];

		if (c == NULL || type_fits(c->aff, &f->type))
			continue;
		hy_dtype_format(&f->type, tname, sizeof(tname));
		return hy_error_set(err, HY_ECONFIG,
				    "column \"%s\": the table declares it %s but the data is %s "
				    "(stored as %s); change the column or load into another table",
				    c->name, c->decl[0] ? c->decl : "(no type)", tname,
				    affinity_decl(want)[0] ? affinity_decl(want) : "NULL");
	}
	return 0;
}

/* ALTER TABLE ADD COLUMN for each field the table lacks, then one warning
 * naming them. */
static int add_missing(struct hy_sqlite_sink *s, const struct hy_schema *schema,
		       struct hy_error *err)
{
	struct hy_buf sql, names;
	int rc = 0;
	size_t added = 0;

	hy_buf_init(&sql, SQL_MAX);
	hy_buf_init(&names, SQL_MAX);
	for (size_t i = 0; rc == 0 && i < hy_schema_nfields(schema); i++) {
		const struct hy_field *f = hy_schema_field(schema, i);

		if (find_col(s, f->name) != NULL)
			continue;
		hy_buf_clear(&sql);
		rc = hy_buf_appendf(&sql, err, "ALTER TABLE %s ADD COLUMN ", target_qname(s));
		if (rc == 0)
			rc = append_col_def(&sql, f, err);
		if (rc == 0)
			rc = exec_sql(s, (const char *)sql.data, "add a column", err);
		if (rc == 0)
			rc = add_col(s, f->name, affinity_decl(dtype_affinity(&f->type)), err);
		if (rc == 0)
			rc = hy_buf_appendf(&names, err, "%s\"%s\"", added ? ", " : "", f->name);
		added++;
	}
	if (rc == 0 && added > 0) {
		warn(s, "added %zu new column%s to the table: %s (earlier rows hold NULL there)",
		     added, added == 1 ? "" : "s", (const char *)names.data);
	}
	hy_buf_reset(&sql);
	hy_buf_reset(&names);
	return rc;
}

static void drop_statements(struct hy_sqlite_sink *s)
{
	sqlite3_finalize(s->insert);
	sqlite3_finalize(s->insert_group);
	s->insert = s->insert_group = NULL;
	hy_schema_unref(s->insert_schema);
	s->insert_schema = NULL;
}

/* INSERT INTO target (cols) VALUES (?, ...), ... with `rows` row tuples. */
static int prepare_rows(struct hy_sqlite_sink *s, const struct hy_schema *schema, int rows,
			sqlite3_stmt **out, struct hy_error *err)
{
	size_t n = hy_schema_nfields(schema);
	struct hy_buf b;
	int rc;

	hy_buf_init(&b, SQL_MAX);
	rc = hy_buf_appendf(&b, err, "INSERT INTO %s (", target_qname(s));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (i > 0)
			rc = hy_buf_append(&b, ", ", 2, err);
		if (rc == 0)
			rc = append_ident(&b, hy_schema_field(schema, i)->name, err);
	}
	if (rc == 0)
		rc = hy_buf_append(&b, ") VALUES ", 9, err);
	for (int r = 0; rc == 0 && r < rows; r++) {
		rc = hy_buf_append(&b, r == 0 ? "(?" : ", (?", r == 0 ? 2 : 4, err);
		for (size_t i = 1; rc == 0 && i < n; i++)
			rc = hy_buf_append(&b, ", ?", 3, err);
		if (rc == 0)
			rc = hy_buf_append(&b, ")", 1, err);
	}
	if (rc == 0) {
		int src = sqlite3_prepare_v3(s->db, (const char *)b.data, (int)b.len,
					     SQLITE_PREPARE_PERSISTENT, out, NULL);

		if (src != SQLITE_OK)
			rc = sql_fail(s, src, "prepare the insert", err);
	}
	hy_buf_reset(&b);
	return rc;
}

/* Rows per multi-row statement: up to GROUP_ROWS, within SQLite's limit on
 * parameters per statement (32766 since 3.32, 999 before). */
static int group_rows(struct hy_sqlite_sink *s, size_t ncols)
{
	int limit = sqlite3_limit(s->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
	size_t group = ncols ? (size_t)limit / ncols : 1;

	return group >= GROUP_ROWS ? GROUP_ROWS : group < 1 ? 1 : (int)group;
}

static int prepare_insert(struct hy_sqlite_sink *s, struct hy_schema *schema, struct hy_error *err)
{
	size_t n = hy_schema_nfields(schema);
	int group = group_rows(s, n);

	drop_statements(s);
	hy_free(s->binds);
	hy_free(s->scratch);
	s->nbinds = 0;
	s->binds = hy_calloc(n ? n : 1, sizeof(*s->binds));
	s->scratch = hy_malloc((size_t)group * (n ? n : 1) * SCRATCH_MAX);
	if (s->binds == NULL || s->scratch == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	HY_TRY(prepare_rows(s, schema, 1, &s->insert, err));
	if (group > 1)
		HY_TRY(prepare_rows(s, schema, group, &s->insert_group, err));
	for (size_t i = 0; i < n; i++) {
		const struct hy_dtype *t = &hy_schema_field(schema, i)->type;
		struct bind_col *bc = &s->binds[i];

		bc->kind = dtype_bind_kind(t);
		bc->unit = t->unit;
		bc->scale = t->scale;
		bc->width = hy_dtype_byte_width(t);
		bc->zoned = t->tz[0] != 0;
	}
	s->nbinds = n;
	s->group = group;
	s->insert_schema = hy_schema_ref(schema);
	return 0;
}

/* Makes the target table fit `schema`: created at the run's first batch when
 * missing, checked and widened otherwise; then a fresh insert statement. */
static int adopt_schema(struct hy_sqlite_sink *s, struct hy_schema *schema, struct hy_error *err)
{
	if (!s->target_exists)
		HY_TRY(create_target(s, schema, err));
	HY_TRY(check_conflicts(s, schema, err));
	HY_TRY(add_missing(s, schema, err));
	return prepare_insert(s, schema, err);
}

static int begin_load(struct hy_sqlite_sink *s, struct hy_error *err)
{
	char sql[TABLE_NAME_MAX * 2 + 64];

	HY_TRY(exec_sql(s, "BEGIN IMMEDIATE", "begin the load", err));
	s->state = ST_LOADING;
	if (s->run_type == HY_SQLITE_FULL_DROP) {
		/* A staging table left by some earlier tool or crash is ours to
		 * replace; inside the transaction nobody else sees this. */
		snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", s->qtmp);
		HY_TRY(exec_sql(s, sql, "drop a stale staging table", err));
		free_cols(s);
		s->target_exists = false;
		return 0;
	}
	return load_cols(s, s->table, err);
}

/* ---- values ---- */

static char *put_digits(char *p, uint64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

static char *put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

static const int frac_digits[] = {0, 3, 6, 9};

/* Splits `v` units into whole seconds (rounded down) and the fraction, with
 * a constant divisor per unit: a division by a variable costs ten times
 * more, and this runs for every time and timestamp value. */
static int64_t split_seconds(int64_t v, enum hy_time_unit unit, int64_t *frac)
{
	int64_t secs;

	switch (unit) {
	case HY_UNIT_MILLI: secs = v / 1000; break;
	case HY_UNIT_MICRO: secs = v / 1000000; break;
	case HY_UNIT_NANO: secs = v / 1000000000; break;
	default: *frac = 0; return v;
	}
	*frac = v - secs * (int64_t)(unit == HY_UNIT_MILLI   ? 1000
				     : unit == HY_UNIT_MICRO ? 1000000
							     : 1000000000);
	if (*frac < 0) {
		secs--;
		*frac += unit == HY_UNIT_MILLI   ? 1000
			 : unit == HY_UNIT_MICRO ? 1000000
						 : 1000000000;
	}
	return secs;
}

/* "YYYY-MM-DD"; false outside years 1..9999. */
static bool format_date(int64_t days, char *p, char **end)
{
	int64_t year;
	int month, day;

	hy_civil_from_days(days, &year, &month, &day);
	if (year < 1 || year > 9999)
		return false;
	p = put_digits(p, (uint64_t)year, 4);
	*p++ = '-';
	p = put2(p, month);
	*p++ = '-';
	*end = put2(p, day);
	return true;
}

/* A date through the column's one-entry cache: rows of one load often share
 * their day, and the calendar conversion is the dearest part of a
 * timestamp. */
static bool cached_date(struct bind_col *bc, int64_t days, char *p, char **end)
{
	if (bc->have_day && bc->last_day == days) {
		memcpy(p, bc->last_date, 10);
		*end = p + 10;
		return true;
	}
	if (!format_date(days, p, end))
		return false;
	memcpy(bc->last_date, p, 10);
	bc->last_day = days;
	bc->have_day = true;
	return true;
}

/* "HH:MM:SS[.fff|.ffffff|.fffffffff]" for `secs` since midnight and the
 * fraction: the fraction has the unit's digits, always, so text order is
 * time order. */
static char *format_tod(int64_t secs, int64_t frac, enum hy_time_unit unit, char *p)
{
	int sod = (int)secs;

	p = put2(p, sod / 3600);
	*p++ = ':';
	p = put2(p, sod / 60 % 60);
	*p++ = ':';
	p = put2(p, sod % 60);
	if (frac_digits[unit] > 0) {
		*p++ = '.';
		p = put_digits(p, (uint64_t)frac, frac_digits[unit]);
	}
	return p;
}

static bool format_timestamp(struct bind_col *bc, int64_t v, char *p, int *len)
{
	int64_t frac, secs = split_seconds(v, bc->unit, &frac);
	int64_t days = secs / 86400, sod = secs % 86400;
	char *start = p;

	if (sod < 0) {
		sod += 86400;
		days--;
	}
	if (!cached_date(bc, days, p, &p))
		return false;
	*p++ = 'T';
	p = format_tod(sod, frac, bc->unit, p);
	if (bc->zoned) { /* the value is UTC; the scratch slot is not a C string */
		static const char utc[6] = {'+', '0', '0', ':', '0', '0'};

		memcpy(p, utc, sizeof(utc));
		p += sizeof(utc);
	}
	*len = (int)(p - start);
	return true;
}

/* Writes the `n` digits (least significant first) as the decimal text of a
 * number with `scale` fraction digits: "-0.05", "12", "3.10". */
static int put_decimal(char *digits, int n, bool negative, int scale, char *out)
{
	int len = 0;

	while (n <= scale)
		digits[n++] = '0';
	if (negative)
		out[len++] = '-';
	for (int i = n - 1; i >= 0; i--) {
		out[len++] = digits[i];
		if (i == scale && scale > 0)
			out[len++] = '.';
	}
	return len;
}

/* Exact decimal text of `unscaled` / 10^scale, for up to 18 digits: 64-bit
 * arithmetic, which is several times cheaper than the 128-bit kind. */
static int format_decimal64(int64_t unscaled, int scale, char *out)
{
	char digits[24];
	int n = 0;
	uint64_t mag = unscaled < 0 ? 0 - (uint64_t)unscaled : (uint64_t)unscaled;

	do {
		digits[n++] = (char)('0' + (int)(mag % 10));
		mag /= 10;
	} while (mag != 0);
	return put_decimal(digits, n, unscaled < 0, scale, out);
}

static int format_decimal128(hy_i128 unscaled, int scale, char *out)
{
	char digits[48];
	int n = 0;
	hy_u128 mag = unscaled < 0 ? (hy_u128)(-(unscaled + 1)) + 1 : (hy_u128)unscaled;

	do {
		digits[n++] = (char)('0' + (int)(mag % 10));
		mag /= 10;
	} while (mag != 0);
	return put_decimal(digits, n, unscaled < 0, scale, out);
}

static int format_uuid(const uint8_t *b, char *out)
{
	static const char hex[] = "0123456789abcdef";
	int len = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[len++] = '-';
		out[len++] = hex[b[i] >> 4];
		out[len++] = hex[b[i] & 15];
	}
	return len;
}

static int value_error(struct hy_sqlite_sink *s, size_t c, int64_t row, const char *what,
		       struct hy_error *err)
{
	return hy_error_set(err, HY_EUNSUPPORTED, "column \"%s\" row %lld: %s",
			    hy_schema_field(s->insert_schema, c)->name, (long long)row, what);
}

/* Points `bc` at the buffers of `col` for the rows of one batch. */
static void bind_batch_column(struct bind_col *bc, const struct hy_column *col)
{
	const struct hy_column *dict = col->dictionary;

	bc->off = col->offset;
	bc->valid = col->validity != NULL ? col->validity->data : NULL;
	bc->values = col->values != NULL ? col->values->data : NULL;
	bc->offs = NULL;
	bc->data = "";
	bc->dict = false;
	if (dict != NULL) {
		/* Offsets of the dictionary's own first row; the batch rows hold
		 * int32 indices into it. */
		bc->dict = true;
		bc->offs = (const int32_t *)dict->values->data + dict->offset;
		if (dict->data != NULL)
			bc->data = (const char *)dict->data->data;
	} else if (bc->kind == BK_TEXT || (bc->kind == BK_BLOB && bc->width == 0)) {
		bc->offs = (const int32_t *)bc->values;
		if (col->data != NULL)
			bc->data = (const char *)col->data->data;
	}
}

static int64_t load_int(const struct bind_col *bc, int64_t i)
{
	switch (bc->width) {
	case 1: return ((const int8_t *)bc->values)[i];
	case 2: return ((const int16_t *)bc->values)[i];
	case 4: return ((const int32_t *)bc->values)[i];
	default: return ((const int64_t *)bc->values)[i];
	}
}

static uint64_t load_uint(const struct bind_col *bc, int64_t i)
{
	switch (bc->width) {
	case 1: return ((const uint8_t *)bc->values)[i];
	case 2: return ((const uint16_t *)bc->values)[i];
	case 4: return ((const uint32_t *)bc->values)[i];
	default: return ((const uint64_t *)bc->values)[i];
	}
}

/* Bytes of element `i` of a string, binary or fixed binary column, the
 * dictionary resolved (not for null rows: their index was never checked). */
static const char *load_bytes(const struct bind_col *bc, int64_t i, int *len)
{
	int64_t k = i;

	if (bc->offs == NULL) {
		*len = bc->width;
		return (const char *)bc->values + i * bc->width;
	}
	if (bc->dict)
		k = ((const int32_t *)bc->values)[i];
	*len = bc->offs[k + 1] - bc->offs[k];
	return bc->data + bc->offs[k];
}

/* Binds one value: element `i` of the column behind `bc` to parameter `p`;
 * formatted text goes to `scratch` (SCRATCH_MAX bytes), which stays untouched
 * until the step. Returns a SQLite code, or -1 after recording a value error
 * for row `r` of column `c` in `err`. */
static int bind_value(struct hy_sqlite_sink *s, sqlite3_stmt *st, int p, size_t c, int64_t r,
		      int64_t i, char *scratch, struct hy_error *err)
{
	struct bind_col *bc = &s->binds[c];
	const char *ptr;
	char *end;
	int len;

	if (bc->valid != NULL && !((bc->valid[i >> 3] >> (i & 7)) & 1))
		return sqlite3_bind_null(st, p);
	if (bc->values == NULL) /* only a null-type column has no values buffer */
		return sqlite3_bind_null(st, p);
	switch (bc->kind) {
	case BK_INT: return sqlite3_bind_int64(st, p, load_int(bc, i));
	case BK_UINT: {
		uint64_t u = load_uint(bc, i);

		if (u > (uint64_t)INT64_MAX) {
			char what[96];

			snprintf(what, sizeof(what),
				 "%" PRIu64 " does not fit SQLite's signed 64-bit INTEGER", u);
			value_error(s, c, r, what, err);
			return -1;
		}
		return sqlite3_bind_int64(st, p, (sqlite3_int64)u);
	}
	case BK_BOOL: return sqlite3_bind_int(st, p, (bc->values[i >> 3] >> (i & 7)) & 1);
	case BK_REAL: {
		double d = bc->width == 4 ? ((const float *)bc->values)[i]
					  : ((const double *)bc->values)[i];

		return isnan(d) ? sqlite3_bind_null(st, p) : sqlite3_bind_double(st, p, d);
	}
	case BK_DEC:
		if (bc->width == 8) {
			len = format_decimal64(((const int64_t *)bc->values)[i], bc->scale,
					       scratch);
		} else {
			hy_i128 v;

			memcpy(&v, bc->values + i * 16, sizeof(v));
			len = format_decimal128(v, bc->scale, scratch);
		}
		return sqlite3_bind_text(st, p, scratch, len, SQLITE_STATIC);
	case BK_TEXT:
		ptr = load_bytes(bc, i, &len);
		return sqlite3_bind_text(st, p, len ? ptr : "", len, SQLITE_STATIC);
	case BK_BLOB:
		ptr = load_bytes(bc, i, &len);
		if (len == 0)
			return sqlite3_bind_zeroblob(st, p, 0);
		return sqlite3_bind_blob(st, p, ptr, len, SQLITE_STATIC);
	case BK_UUID:
		len = format_uuid(bc->values + i * 16, scratch);
		return sqlite3_bind_text(st, p, scratch, len, SQLITE_STATIC);
	case BK_DATE:
		if (!cached_date(bc, ((const int32_t *)bc->values)[i], scratch, &end)) {
			value_error(s, c, r, "date outside years 1..9999", err);
			return -1;
		}
		return sqlite3_bind_text(st, p, scratch, (int)(end - scratch), SQLITE_STATIC);
	case BK_TIME: {
		int64_t frac, secs = split_seconds(load_int(bc, i), bc->unit, &frac);

		len = (int)(format_tod(secs, frac, bc->unit, scratch) - scratch);
		return sqlite3_bind_text(st, p, scratch, len, SQLITE_STATIC);
	}
	case BK_TS:
		if (!format_timestamp(bc, ((const int64_t *)bc->values)[i], scratch, &len)) {
			value_error(s, c, r, "timestamp outside years 1..9999", err);
			return -1;
		}
		return sqlite3_bind_text(st, p, scratch, len, SQLITE_STATIC);
	case BK_NULL: break;
	}
	return sqlite3_bind_null(st, p);
}

/* Binds rows [r, r+rows) to `st` (rows * nbinds parameters) and runs it.
 * Column by column: one column's buffers and cache stay hot, and its kind
 * is the same branch for every row. */
static int insert_group(struct hy_sqlite_sink *s, sqlite3_stmt *st, int64_t r, int rows,
			struct hy_error *err)
{
	int rc = SQLITE_OK, stride = (int)s->nbinds;
	size_t slot_stride = s->nbinds * SCRATCH_MAX;

	for (size_t c = 0; c < s->nbinds && rc == SQLITE_OK; c++) {
		const struct bind_col *bc = &s->binds[c];
		char *scratch = s->scratch + c * SCRATCH_MAX;
		int p = (int)c + 1;

		if (bc->kind == BK_NULL) {
			for (int k = 0; k < rows && rc == SQLITE_OK; k++, p += stride)
				rc = sqlite3_bind_null(st, p);
			continue;
		}
		for (int k = 0; k < rows && rc == SQLITE_OK; k++, p += stride) {
			rc = bind_value(s, st, p, c, r + k, bc->off + r + k, scratch, err);
			scratch += slot_stride;
		}
	}
	if (rc == -1)
		return HY_EUNSUPPORTED;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		char what[96];

		if (rows == 1)
			snprintf(what, sizeof(what), "insert row %lld of a batch", (long long)r);
		else
			snprintf(what, sizeof(what), "insert rows %lld..%lld of a batch",
				 (long long)r, (long long)(r + rows - 1));
		return sql_fail(s, rc, what, err);
	}
	s->rows += rows;
	return 0;
}

/* Full groups through the multi-row statement, which halves SQLite's work per
 * row (one VDBE run and one reset per group instead of per row); the tail
 * row by row. */
static int insert_rows(struct hy_sqlite_sink *s, const struct hy_batch *batch, struct hy_error *err)
{
	int64_t r = 0;

	for (size_t c = 0; c < s->nbinds; c++)
		bind_batch_column(&s->binds[c], batch->cols[c]);
	if (s->insert_group != NULL)
		for (; r + s->group <= batch->nrows; r += s->group)
			HY_TRY(insert_group(s, s->insert_group, r, s->group, err));
	for (; r < batch->nrows; r++)
		HY_TRY(insert_group(s, s->insert, r, 1, err));
	return 0;
}

int hy_sqlite_sink_write(struct hy_sqlite_sink *s, struct hy_batch *batch, struct hy_error *err)
{
	int rc = 0;

	if (s->state == ST_DONE || s->state == ST_FAILED)
		return hy_error_set(err, HY_ESTATE, "sqlite %s table %s: write after the run %s",
				    s->path, s->table, s->state == ST_DONE ? "ended" : "failed");
	if (batch == NULL) {
		rc = hy_error_set(err, HY_EINVAL, "cannot write a null batch");
		goto out;
	}
	if (batch->nrows == 0)
		return 0;
	if (hy_schema_nfields(batch->schema) == 0) {
		rc = hy_error_set(err, HY_EINVAL, "a batch with rows but no columns");
		goto out;
	}
	if (s->state == ST_IDLE)
		rc = begin_load(s, err);
	if (rc == 0 && s->insert_schema != batch->schema &&
	    (s->insert_schema == NULL || !hy_schema_eq(s->insert_schema, batch->schema)))
		rc = adopt_schema(s, batch->schema, err);
	if (rc == 0)
		rc = insert_rows(s, batch, err);
out:
	if (rc != 0) {
		s->state = ST_FAILED;
		hy_error_prefix(err, "sqlite %s table %s", s->path, s->table);
	}
	return rc;
}

/* ---- finish / abort / close ---- */

static void rollback(struct hy_sqlite_sink *s)
{
	drop_statements(s);
	/* SQLite may already have rolled back on its own (disk full, I/O). */
	if (s->db != NULL && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int publish(struct hy_sqlite_sink *s, struct hy_error *err)
{
	char sql[TABLE_NAME_MAX * 4 + 64];

	drop_statements(s);
	if (s->run_type == HY_SQLITE_FULL_DROP) {
		snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", s->qtable);
		HY_TRY(exec_sql(s, sql, "drop the old table", err));
		snprintf(sql, sizeof(sql), "ALTER TABLE %s RENAME TO %s", s->qtmp, s->qtable);
		HY_TRY(exec_sql(s, sql, "rename the staging table", err));
	}
	HY_TRY(exec_sql(s, "COMMIT", "commit", err));
	if (s->wal_after_commit) {
		/* Best effort, without waiting: a reader that opened the new file
		 * keeps the rollback journal for now, and the next run's open sets
		 * WAL as for any existing database. The data is committed either
		 * way. */
		sqlite3_busy_timeout(s->db, 0);
		sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
		sqlite3_busy_timeout(s->db, s->busy_ms);
		s->wal_after_commit = false;
	}
	return 0;
}

int hy_sqlite_sink_finish(struct hy_sqlite_sink *s, struct hy_error *err)
{
	int rc = 0;

	if (s->state == ST_DONE || s->state == ST_FAILED)
		return hy_error_set(err, HY_ESTATE, "sqlite %s table %s: finish after the run %s",
				    s->path, s->table, s->state == ST_DONE ? "ended" : "failed");
	if (s->state == ST_LOADING)
		rc = publish(s, err);
	if (rc != 0) {
		rollback(s);
		s->state = ST_FAILED;
		hy_error_prefix(err, "sqlite %s table %s", s->path, s->table);
		return rc;
	}
	s->state = ST_DONE;
	return 0;
}

void hy_sqlite_sink_abort(struct hy_sqlite_sink *s)
{
	if (s == NULL)
		return;
	rollback(s);
	s->state = ST_DONE;
}

void hy_sqlite_sink_close(struct hy_sqlite_sink *s)
{
	if (s == NULL)
		return;
	hy_sqlite_sink_abort(s);
	sqlite3_close(s->db);
	free_cols(s);
	hy_free(s->binds);
	hy_free(s->scratch);
	hy_free(s->path);
	hy_free(s->table);
	hy_free(s->tmp);
	hy_free(s->qtable);
	hy_free(s->qtmp);
	hy_free(s->log_flow);
	hy_free(s);
}

int64_t hy_sqlite_sink_rows(const struct hy_sqlite_sink *s)
{
	return s->rows;
}
