/* Typed configuration of homes, stores, connections, journals, watermarks and
 * polish rules (behaviour.md §2.9-§2.13), read from YAML through one option
 * table per type (include/hygge/option.h).
 *
 * A home or store config is a `type` name, the type's description
 * (`struct hy_cfg_type`: its option table, family and whether a runtime is
 * built in) and a union holding the struct of its family. `src/homes/` and
 * `src/stores/` look their ops up by `type` and read the member of the union
 * that their family names:
 *
 *   family        types                                  union member
 *   HY_FAM_FILE   parquet, local (home and store)        .file
 *   HY_FAM_DB     mssql, postgres (home and store)       .db
 *   HY_FAM_SQLITE sqlite (store)                         .sqlite
 *   HY_FAM_LAKE   adls, onelake, open_mirroring (store)  .lake
 *
 * Strings and nodes in these structs borrow from the configuration tree they
 * were read from (for workspace flows: the entity flow's tree, see
 * include/hygge/workspace.h), so the tree must outlive them.
 */
#ifndef HYGGE_CFGTYPES_H
#define HYGGE_CFGTYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "hygge/config.h"
#include "hygge/endpoint.h" /* enum hy_run_type */
#include "hygge/option.h"
#include "hygge/status.h"

enum hy_cfg_role { HY_CFG_HOME = 0, HY_CFG_STORE = 1 };

enum hy_cfg_family { HY_FAM_FILE = 0, HY_FAM_DB, HY_FAM_SQLITE, HY_FAM_LAKE };

/* Index values of the ENUM options below (positions in their value lists). */
enum hy_file_format { HY_FORMAT_PARQUET = 0, HY_FORMAT_CSV, HY_FORMAT_NDJSON };
enum hy_compression {
	HY_CODEC_SNAPPY = 0,
	HY_CODEC_GZIP,
	HY_CODEC_LZ4,
	HY_CODEC_BROTLI,
	HY_CODEC_ZSTD
};
enum hy_if_exists { HY_IF_EXISTS_FAIL = 0, HY_IF_EXISTS_APPEND, HY_IF_EXISTS_REPLACE };
enum hy_credential {
	HY_CRED_MANAGED_IDENTITY = 0,
	HY_CRED_SERVICE_PRINCIPAL,
	HY_CRED_STORAGE_KEY,
	HY_CRED_DEFAULT
};
enum hy_file_detection { HY_DETECT_TIMESTAMP = 0, HY_DETECT_SEQUENTIAL };

/* Files: parquet and local homes and stores. */
struct hy_file_cfg {
	const char *path;     /* after entity placeholders, as written (relative or absolute) */
	const char *abs_path; /* `path` joined onto the project root (D18); NULL until resolved */
	int format;           /* enum hy_file_format; always parquet for type parquet */
	const struct hy_cfg_node *format_options; /* mapping or NULL (local only) */
	int64_t batch_size;
	int64_t row_multiplier;            /* homes */
	int compression;                   /* stores: enum hy_compression */
	const char *file_pattern;          /* stores; "" means {sequence:020d}.<ext> */
	const struct hy_cfg_node *polish;  /* stores: mapping validated by hy_cfg_polish_check */
	const struct hy_cfg_node *options; /* mapping or NULL */
};

/* SQL Server and PostgreSQL homes and stores. */
struct hy_db_cfg {
	const char *connection; /* a name in hygge.yml connections:, or NULL */
	const char *server;     /* mssql: server; postgres: host */
	int64_t port;           /* postgres */
	const char *database;
	const char *user, *password;               /* postgres */
	const char *table;                         /* after {entity} */
	const char *query;                         /* homes, after {entity} */
	const char *schema;                        /* postgres */
	const char *driver, *encrypt, *trust_cert; /* mssql */
	int64_t timeout;                           /* login timeout, seconds */
	int64_t batch_size;
	int64_t row_multiplier;   /* homes */
	int64_t parallel_workers; /* stores */
	const char *table_hints;  /* mssql store */
	int if_exists;            /* stores: enum hy_if_exists */
	const char *write_strategy;
	const struct hy_cfg_node *options;
};

struct hy_sqlite_cfg {
	const char *path, *abs_path;
	const char *table; /* after {entity} */
	int64_t batch_size;
	const struct hy_cfg_node *options;
};

/* ADLS Gen2, OneLake and Open Mirroring stores. */
struct hy_lake_cfg {
	const char *account_url, *filesystem;
	const char *path; /* after {entity}; built for onelake without path and open_mirroring */
	int credential;   /* enum hy_credential */
	const char *tenant_id, *client_id, *client_secret, *storage_account_key;
	int compression;
	const char *file_pattern;
	int64_t batch_size;
	int incremental;    /* -1 unset, 0 false, 1 true (overrides the run type, §3.13) */
	const char *schema; /* schema or schema_name */
	const struct hy_cfg_node *polish, *options;
	/* open_mirroring */
	const char *mirror_name;
	const struct hy_cfg_node *key_columns; /* sequence of strings (a string becomes one) */
	int64_t row_marker;                    /* 0, 1, 2 or 4 */
	int file_detection;                    /* enum hy_file_detection */
	int64_t starting_sequence;
	double folder_deletion_wait_seconds;
	const char *partner_name, *source_type, *source_version;
	bool mirror_journal;
	const char *journal_table_name;
};

struct hy_cfg_type {
	const char *name; /* as written in YAML: "parquet", "open_mirroring" */
	enum hy_cfg_role role;
	enum hy_cfg_family family;
	const char *impl;    /* implementation name shown by --dry-run: "local", "openmirroring" */
	const char *summary; /* one line for docs/config.md */
	const struct hy_option *options;
	bool runtime; /* a home/store runtime for this type is built in */
};

struct hy_home_config {
	const char *type;
	const struct hy_cfg_type *def;
	const struct hy_cfg_node *node; /* the mapping it was read from */
	union {
		struct hy_file_cfg file;
		struct hy_db_cfg db;
	} u;
};

struct hy_store_config {
	const char *type;
	const struct hy_cfg_type *def;
	const struct hy_cfg_node *node;
	union {
		struct hy_file_cfg file;
		struct hy_db_cfg db;
		struct hy_sqlite_cfg sqlite;
		struct hy_lake_cfg lake;
	} u;
};

struct hy_connection_config {
	const char *name;
	const char *type; /* "mssql" or "postgres" */
	const char *server, *database, *user, *password;
	int64_t port;
	const char *driver, *encrypt, *trust_cert;
	int64_t timeout;
	int64_t pool_size; /* 0 when not set */
	const struct hy_cfg_node *node;
};

struct hy_journal_config {
	bool present;
	const char *path;     /* explicit directory, or NULL */
	const char *abs_path; /* `path` joined onto the project root */
	int location;         /* 0 store, 1 home */
	const struct hy_cfg_node *node;
};

/* decisions.md "Incremental boundary": `lookback` is a duration ("15m",
 * "2h", "1d", "30s", "1w") subtracted from a time watermark, or a count
 * subtracted from an integer one. */
struct hy_watermark_config {
	bool present;
	const char *primary_key; /* NULL when not set */
	const char *watermark_column;
	const char *lookback;     /* as written, NULL when not set */
	int64_t lookback_seconds; /* a duration, else 0 */
	int64_t lookback_count;   /* a count, else 0 */
	const struct hy_cfg_node *node;
};

/* Receives the text of a warning (house form) while reading. */
struct hy_cfg_reader {
	hy_cfg_warn_fn warn; /* may be NULL */
	void *user;
};

/* Every type, homes first, NULL-terminated (for docs/config.md). */
const struct hy_cfg_type *const *hy_cfg_types(void);
/* The type called `name` for `role`, or NULL. */
const struct hy_cfg_type *hy_cfg_type_find(enum hy_cfg_role role, const char *name);
/* NULL-terminated names of `role`'s types (for suggestions). */
const char *const *hy_cfg_type_names(enum hy_cfg_role role);

/* The other tables, for docs/config.md and the readers below. */
const struct hy_option *hy_cfg_connection_options(const char *type);
extern const struct hy_option hy_cfg_journal_options[];
extern const struct hy_option hy_cfg_watermark_options[];
extern const struct hy_option hy_cfg_polish_options[];
extern const struct hy_option hy_cfg_polish_columns_options[];
extern const struct hy_option hy_cfg_polish_hash_options[];
extern const struct hy_option hy_cfg_polish_constant_options[];
extern const struct hy_option hy_cfg_polish_timestamp_options[];
extern const struct hy_option hy_cfg_polish_row_marker_options[];
extern const struct hy_option hy_cfg_flow_options[];
extern const struct hy_option hy_cfg_entity_options[];
extern const struct hy_option hy_cfg_project_options[];
extern const struct hy_option hy_cfg_project_opts_options[];

/* Reads a home/store mapping (placeholders already applied) into *out:
 * defaults, kinds, bounds, the type's cross-field rules (connection vs
 * server, table vs query, credentials, row_marker, ...). `path` names the
 * mapping ("home"). An absent `type` is parquet; an unknown one is
 * "Unknown home config type: X" with a suggestion. */
int hy_cfg_home_read(const struct hy_cfg_node *map, struct hy_cfg_path *path,
		     const struct hy_cfg_reader *rd, struct hy_home_config *out,
		     struct hy_error *err) HY_WUR;
int hy_cfg_store_read(const struct hy_cfg_node *map, struct hy_cfg_path *path,
		      const struct hy_cfg_reader *rd, struct hy_store_config *out,
		      struct hy_error *err) HY_WUR;
/* The type of a home/store mapping without reading the rest (stage one of
 * loading a flow): "Unknown store config type: X (did you mean ...)". */
int hy_cfg_type_check(const struct hy_cfg_node *map, enum hy_cfg_role role,
		      struct hy_cfg_path *path, const struct hy_cfg_type **out,
		      struct hy_error *err) HY_WUR;

int hy_cfg_connection_read(const char *name, const struct hy_cfg_node *map,
			   struct hy_cfg_path *path, const struct hy_cfg_reader *rd,
			   struct hy_connection_config *out, struct hy_error *err) HY_WUR;
int hy_cfg_journal_read(const struct hy_cfg_node *map, struct hy_cfg_path *path,
			const struct hy_cfg_reader *rd, struct hy_journal_config *out,
			struct hy_error *err) HY_WUR;
int hy_cfg_watermark_read(const struct hy_cfg_node *map, struct hy_cfg_path *path,
			  const struct hy_cfg_reader *rd, struct hy_watermark_config *out,
			  struct hy_error *err) HY_WUR;
/* Validates a `polish:` mapping (behaviour.md §2.12) with its tables. */
int hy_cfg_polish_check(const struct hy_cfg_node *map, struct hy_cfg_path *path,
			const struct hy_cfg_reader *rd, struct hy_error *err) HY_WUR;

/* "store type 'adls' is not available in this build" when `def` has no
 * runtime; 0 otherwise. HY_EUNSUPPORTED. */
int hy_cfg_type_require_runtime(const struct hy_cfg_type *def, struct hy_error *err) HY_WUR;

#endif /* HYGGE_CFGTYPES_H */
