/* One option table per home, store, connection and the other sections of a
 * project (behaviour.md §2.2-§2.13), and the readers that apply them plus
 * the cross-field rules no table can say (connection vs server, table vs
 * query, credentials, row_marker). The same tables print docs/config.md. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cfg_int.h"
#include "hygge/cfgtypes.h"

#define BIG INT64_MAX

static const char *const formats[] = {"parquet", "csv", "ndjson", NULL};
static const char *const codecs[] = {"snappy", "gzip", "lz4", "brotli", "zstd", NULL};
static const char *const if_exists_values[] = {"fail", "append", "replace", NULL};
static const char *const credentials[] = {"managed_identity", "service_principal", "storage_key",
					  "default", NULL};
static const char *const detections[] = {"timestamp", "sequential", NULL};
static const char *const locations[] = {"store", "home", NULL};
static const char *const run_types[] = {"full_drop", "incremental", NULL};
static const char *const cases[] = {"pascal", "camel", "snake", NULL};
static const char *const algos[] = {"sha256", NULL};
static const char *const ts_sources[] = {"now_utc", "now_local", NULL};
static const char *const ts_types[] = {"datetime", "string", NULL};

/* A key that is accepted and checked elsewhere (or not at all). */
#define OPT_KEY(nm, knd, hlp)                                                                      \
	{                                                                                          \
		.name = (nm), .kind = (knd), .offset = HY_OPT_NO_OFFSET, .help = (hlp)             \
	}
#define OPT_TYPE(hlp) OPT_KEY("type", HY_OPT_KIND_STR, hlp)

/* ---- homes ------------------------------------------------------------ */

#define F struct hy_file_cfg
static const struct hy_option parquet_home_options[] = {
	OPT_TYPE("parquet (the default type)"),
	HY_OPT_STR("path", F, path, NULL, HY_OPT_REQUIRED,
		   "Parquet file or directory; entities are appended as a subfolder"),
	HY_OPT_INT("batch_size", F, batch_size, 10000, 1, BIG, "Rows per batch read"),
	HY_OPT_INT("row_multiplier", F, row_multiplier, 300000, 1, BIG,
		   "Rows between progress lines"),
	HY_OPT_NODE("options", HY_OPT_KIND_MAP, F, options, HY_OPT_OPTIONAL,
		    "Extra runtime options"),
	OPT_KEY("connection", HY_OPT_KIND_ANY, "Accepted and unused (reference compatibility)"),
	OPT_KEY("table", HY_OPT_KIND_ANY, "Accepted and unused (reference compatibility)"),
	{0},
};

static const struct hy_option local_home_options[] = {
	OPT_TYPE("local"),
	HY_OPT_STR("path", F, path, NULL, HY_OPT_REQUIRED,
		   "File or directory; entities are appended as a subfolder"),
	HY_OPT_ENUM("format", F, format, formats, HY_FORMAT_PARQUET, "File format"),
	HY_OPT_NODE("format_options", HY_OPT_KIND_MAP, F, format_options, HY_OPT_OPTIONAL,
		    "Reader options, e.g. CSV separator"),
	HY_OPT_INT("batch_size", F, batch_size, 50000, 1, BIG, "Rows per batch read"),
	HY_OPT_NODE("options", HY_OPT_KIND_MAP, F, options, HY_OPT_OPTIONAL,
		    "Extra runtime options"),
	{0},
};
#undef F

#define D struct hy_db_cfg
#define MSSQL_CONNECTION_KEYS                                                                      \
	HY_OPT_STR("connection", D, connection, NULL, HY_OPT_OPTIONAL,                             \
		   "Name of a pool in hygge.yml connections:"),                                    \
		HY_OPT_STR("server", D, server, NULL, HY_OPT_OPTIONAL,                             \
			   "Server for a direct connection (with database)"),                      \
		HY_OPT_STR("database", D, database, NULL, HY_OPT_OPTIONAL,                         \
			   "Database for a direct connection (with server)"),                      \
		HY_OPT_STR("driver", D, driver, "ODBC Driver 18 for SQL Server", HY_OPT_OPTIONAL,  \
			   "Driver name (kept for compatibility)"),                                \
		HY_OPT_STR("encrypt", D, encrypt, "Yes", HY_OPT_OPTIONAL,                          \
			   "Encrypt the connection"),                                              \
		HY_OPT_STR("trust_cert", D, trust_cert, "Yes", HY_OPT_OPTIONAL,                    \
			   "Trust the server certificate"),                                        \
		HY_OPT_INT("timeout", D, timeout, 30, 1, BIG, "Login timeout in seconds")
#define PG_CONNECTION_KEYS                                                                         \
	HY_OPT_STR("connection", D, connection, NULL, HY_OPT_OPTIONAL,                             \
		   "Name of a pool in hygge.yml connections:"),                                    \
		HY_OPT_STR("host", D, server, NULL, HY_OPT_OPTIONAL,                               \
			   "Host for a direct connection (with database)"),                        \
		HY_OPT_INT("port", D, port, 5432, 1, 65535, "Port"),                               \
		HY_OPT_STR("database", D, database, NULL, HY_OPT_OPTIONAL,                         \
			   "Database for a direct connection (with host)"),                        \
		HY_OPT_STR("user", D, user, NULL, HY_OPT_OPTIONAL, "User name"),                   \
		HY_OPT_STR("password", D, password, NULL, HY_OPT_OPTIONAL, "Password"),            \
		HY_OPT_INT("timeout", D, timeout, 30, 1, BIG, "Connect timeout in seconds")

static const struct hy_option mssql_home_options[] = {
	OPT_TYPE("mssql"),
	MSSQL_CONNECTION_KEYS,
	HY_OPT_STR("table", D, table, NULL, HY_OPT_OPTIONAL,
		   "Table to read, e.g. dbo.Users or dbo.{entity}"),
	HY_OPT_STR("query", D, query, NULL, HY_OPT_OPTIONAL, "Custom SQL; overrides table"),
	HY_OPT_INT("batch_size", D, batch_size, 25000, 1, BIG, "Rows per batch read"),
	HY_OPT_INT("row_multiplier", D, row_multiplier, 250000, 1000, BIG,
		   "Rows between progress lines"),
	HY_OPT_NODE("options", HY_OPT_KIND_MAP, D, options, HY_OPT_OPTIONAL,
		    "Extra runtime options"),
	{0},
};

static const struct hy_option postgres_home_options[] = {
	OPT_TYPE("postgres"),
	PG_CONNECTION_KEYS,
	HY_OPT_STR("table", D, table, NULL, HY_OPT_OPTIONAL, "Table to read; {entity} allowed"),
	HY_OPT_STR("query", D, query, NULL, HY_OPT_OPTIONAL, "Custom SQL; overrides table"),
	HY_OPT_STR("schema", D, schema, "public", HY_OPT_OPTIONAL, "Schema of table"),
	HY_OPT_INT("batch_size", D, batch_size, 25000, 1, BIG, "Rows per batch read"),
	HY_OPT_INT("row_multiplier", D, row_multiplier, 250000, 1000, BIG,
		   "Rows between progress lines"),
	HY_OPT_NODE("options", HY_OPT_KIND_MAP, D, options, HY_OPT_OPTIONAL,
		    "Extra runtime options"),
	{0},
};

/* ---- stores ----------------------------------------------------------- */

static const struct hy_option mssql_store_options[] = {
	OPT_TYPE("mssql"),
	MSSQL_CONNECTION_KEYS,
	HY_OPT_STR("table", D, table, NULL, HY_OPT_REQUIRED,
		   "Destination table, e.g. dbo.{entity}"),
	HY_OPT_INT("batch_size", D, batch_size, 102400, 1, BIG, "Rows per insert batch"),
	HY_OPT_INT("parallel_workers", D, parallel_workers, 8, 1, 16, "Parallel insert workers"),
	HY_OPT_STR("table_hints", D, table_hints, NULL, HY_OPT_OPTIONAL,
		   "Raw text inside WITH (...), e.g. TABLOCK"),
	HY_OPT_ENUM("if_exists", D, if_exists, if_exists_values, HY_IF_EXISTS_FAIL,
		    "When the table exists"),
	HY_OPT_STR("write_strategy", D, write_strategy, "temp_swap", HY_OPT_OPTIONAL,
		   "Ignored: hygge always loads a staging table and swaps"),
	HY_OPT_NODE("options", HY_OPT_KIND_MAP, D, options, HY_OPT_OPTIONAL,
		    "Extra runtime options"),
	{0},
};

static const struct hy_option postgres_store_options[] = {
	OPT_TYPE("postgres"),
	PG_CONNECTION_KEYS,
	HY_OPT_STR("table", D, table, NULL, HY_OPT_REQUIRED, "Destination table; {entity} allowed"),
	HY_OPT_STR("schema", D, schema, "public", HY_OPT_OPTIONAL, "Schema of table"),
	HY_OPT_INT("batch_size", D, batch_size, 102400, 1, BIG, "Rows per COPY batch"),
	HY_OPT_INT("parallel_workers", D, parallel_workers, 8, 1, 16, "Parallel load workers"),
	HY_OPT_ENUM("if_exists", D, if_exists, if_exists_values, HY_IF_EXISTS_FAIL,
		    "When the table exists"),
	HY_OPT_NODE("options", HY_OPT_KIND_MAP, D, options, HY_OPT_OPTIONAL,
		    "Extra runtime options"),
	{0},
};
#undef D

#define F struct hy_file_cfg
static const struct hy_option parquet_store_options[] = {
	OPT_TYPE("parquet (the default type)"),
	HY_OPT_STR("path", F, path, NULL, HY_OPT_REQUIRED,
		   "Destination directory; entities are appended as a subfolder"),
	HY_OPT_INT("batch_size", F, batch_size, 100000, 1, BIG, "Rows per file"),
	HY_OPT_ENUM("compression", F, compression, codecs, HY_CODEC_SNAPPY, "Parquet codec"),
	HY_OPT_STR("file_pattern", F, file_pattern, "{sequence:020d}.parquet", HY_OPT_OPTIONAL,
		   "File names: {sequence[:fmt]}, {name}, {flow_name}"),
	HY_OPT_NODE("polish", HY_OPT_KIND_MAP, F, polish, HY_OPT_OPTIONAL,
		    "Column and value rules (see polish)"),
	HY_OPT_NODE("options", HY_OPT_KIND_MAP, F, options, HY_OPT_OPTIONAL,
		    "Extra runtime options"),
	{0},
};

static const struct hy_option local_store_options[] = {
	OPT_TYPE("local"),
	HY_OPT_STR("path", F, path, NULL, HY_OPT_REQUIRED,
		   "Destination directory; entities are appended as a subfolder"),
	HY_OPT_ENUM("format", F, format, formats, HY_FORMAT_PARQUET, "File format"),
	HY_OPT_NODE("format_options", HY_OPT_KIND_MAP, F, format_options, HY_OPT_OPTIONAL,
		    "Writer options, e.g. compression"),
	HY_OPT_INT("batch_size", F, batch_size, 100000, 1, BIG, "Rows per file"),
	HY_OPT_STR("file_pattern", F, file_pattern, "", HY_OPT_OPTIONAL,
		   "File names; empty means {sequence:020d}.<ext>"),
	HY_OPT_NODE("polish", HY_OPT_KIND_MAP, F, polish, HY_OPT_OPTIONAL,
		    "Column and value rules (see polish)"),
	HY_OPT_NODE("options", HY_OPT_KIND_MAP, F, options, HY_OPT_OPTIONAL,
		    "Extra runtime options"),
	{0},
};
#undef F

#define S struct hy_sqlite_cfg
static const struct hy_option sqlite_store_options[] = {
	OPT_TYPE("sqlite"),
	HY_OPT_STR("path", S, path, NULL, HY_OPT_REQUIRED, "Database file"),
	HY_OPT_STR("table", S, table, NULL, HY_OPT_REQUIRED, "Destination table; {entity} allowed"),
	HY_OPT_INT("batch_size", S, batch_size, 100000, 1, BIG, "Rows per insert batch"),
	HY_OPT_NODE("options", HY_OPT_KIND_MAP, S, options, HY_OPT_OPTIONAL,
		    "Extra runtime options"),
	{0},
};
#undef S

#define L struct hy_lake_cfg
#define LAKE_KEYS(url_default, url_req, path_req, path_help)                                       \
	HY_OPT_STR("account_url", L, account_url, url_default, url_req,                            \
		   "e.g. https://acct.dfs.core.windows.net"),                                      \
		HY_OPT_STR("filesystem", L, filesystem, NULL, HY_OPT_REQUIRED,                     \
			   "Container (OneLake: workspace)"),                                      \
		HY_OPT_STR("path", L, path, NULL, path_req, path_help),                            \
		HY_OPT_ENUM("credential", L, credential, credentials, HY_CRED_MANAGED_IDENTITY,    \
			    "How to authenticate"),                                                \
		HY_OPT_STR("tenant_id", L, tenant_id, NULL, HY_OPT_OPTIONAL,                       \
			   "service_principal: tenant"),                                           \
		HY_OPT_STR("client_id", L, client_id, NULL, HY_OPT_OPTIONAL,                       \
			   "service_principal: client id"),                                        \
		HY_OPT_STR("client_secret", L, client_secret, NULL, HY_OPT_OPTIONAL,               \
			   "service_principal: client secret"),                                    \
		HY_OPT_STR("storage_account_key", L, storage_account_key, NULL, HY_OPT_OPTIONAL,   \
			   "storage_key: the account key"),                                        \
		HY_OPT_ENUM("compression", L, compression, codecs, HY_CODEC_SNAPPY,                \
			    "Parquet codec"),                                                      \
		HY_OPT_STR("file_pattern", L, file_pattern, "{sequence:020d}.parquet",             \
			   HY_OPT_OPTIONAL, "File names; also {timestamp}"),                       \
		HY_OPT_INT("batch_size", L, batch_size, 100000, 1, BIG, "Rows per file"),          \
		OPT_KEY("incremental", HY_OPT_KIND_ANY,                                            \
			"true/false: overrides the run type for this store"),                      \
		HY_OPT_NODE("polish", HY_OPT_KIND_MAP, L, polish, HY_OPT_OPTIONAL,                 \
			    "Column and value rules (see polish)"),                                \
		HY_OPT_NODE("options", HY_OPT_KIND_MAP, L, options, HY_OPT_OPTIONAL,               \
			    "Extra runtime options")
#define ONELAKE_URL "https://onelake.dfs.fabric.microsoft.com"
#define SCHEMA_KEYS                                                                                \
	OPT_KEY("schema", HY_OPT_KIND_STR, "Schema folder (<schema>.schema)"),                     \
		OPT_KEY("schema_name", HY_OPT_KIND_STR, "Alias of schema")

static const struct hy_option adls_store_options[] = {
	OPT_TYPE("adls"),
	LAKE_KEYS(NULL, HY_OPT_REQUIRED, HY_OPT_REQUIRED,
		  "Base path; must contain the entity as a segment, e.g. raw/{entity}/"),
	{0},
};

static const struct hy_option onelake_store_options[] = {
	OPT_TYPE("onelake"),
	LAKE_KEYS(ONELAKE_URL, HY_OPT_OPTIONAL, HY_OPT_OPTIONAL,
		  "Default Files/{entity}/ or Files/<schema>.schema/{entity}/"),
	SCHEMA_KEYS,
	{0},
};

static const struct hy_option open_mirroring_store_options[] = {
	OPT_TYPE("open_mirroring"),
	LAKE_KEYS(ONELAKE_URL, HY_OPT_OPTIONAL, HY_OPT_OPTIONAL,
		  "Ignored: tables land in <mirror>/Files/LandingZone/[<schema>.schema/]<entity>/"),
	SCHEMA_KEYS,
	HY_OPT_STR("mirror_name", L, mirror_name, NULL, HY_OPT_REQUIRED,
		   "Mirrored database (GUID)"),
	OPT_KEY("key_columns", HY_OPT_KIND_ANY, "Key column or list of key columns (required)"),
	HY_OPT_INT("row_marker", L, row_marker, 0, 0, 4,
		   "Required: 0 insert, 1 update, 2 delete, 4 upsert"),
	HY_OPT_ENUM("file_detection", L, file_detection, detections, HY_DETECT_TIMESTAMP,
		    "How Fabric orders files"),
	HY_OPT_INT("starting_sequence", L, starting_sequence, 1, 1, BIG, "First file number"),
	HY_OPT_FLOAT("folder_deletion_wait_seconds", L, folder_deletion_wait_seconds, 120.0, 0, 900,
		     "Wait after dropping a table folder (full_drop)"),
	HY_OPT_STR("partner_name", L, partner_name, NULL, HY_OPT_OPTIONAL,
		   "For _partnerEvents.json"),
	HY_OPT_STR("source_type", L, source_type, NULL, HY_OPT_OPTIONAL, "For _partnerEvents.json"),
	HY_OPT_STR("source_version", L, source_version, NULL, HY_OPT_OPTIONAL,
		   "For _partnerEvents.json"),
	HY_OPT_BOOL("mirror_journal", L, mirror_journal, false, "Mirror the journal into Fabric"),
	HY_OPT_STR("journal_table_name", L, journal_table_name, "__hygge_journal", HY_OPT_OPTIONAL,
		   "Table of the mirrored journal"),
	{0},
};
#undef L

/* ---- the type list ---------------------------------------------------- */

static const struct hy_cfg_type type_defs[] = {
	{"parquet", HY_CFG_HOME, HY_FAM_FILE, "local",
	 "Parquet files (runs as local, format parquet)", parquet_home_options, true},
	{"local", HY_CFG_HOME, HY_FAM_FILE, "local", "Parquet, CSV or NDJSON files",
	 local_home_options, true},
	{"mssql", HY_CFG_HOME, HY_FAM_DB, "mssql", "SQL Server table or query", mssql_home_options,
	 false},
	{"postgres", HY_CFG_HOME, HY_FAM_DB, "postgres", "PostgreSQL table or query",
	 postgres_home_options, false},
	{"parquet", HY_CFG_STORE, HY_FAM_FILE, "local",
	 "Parquet files (runs as local, format parquet)", parquet_store_options, true},
	{"local", HY_CFG_STORE, HY_FAM_FILE, "local", "Parquet, CSV or NDJSON files",
	 local_store_options, true},
	{"mssql", HY_CFG_STORE, HY_FAM_DB, "mssql", "SQL Server table", mssql_store_options, false},
	{"postgres", HY_CFG_STORE, HY_FAM_DB, "postgres", "PostgreSQL table",
	 postgres_store_options, false},
	{"sqlite", HY_CFG_STORE, HY_FAM_SQLITE, "sqlite", "SQLite table", sqlite_store_options,
	 true},
	{"adls", HY_CFG_STORE, HY_FAM_LAKE, "adls", "Azure Data Lake Storage Gen2",
	 adls_store_options, false},
	{"onelake", HY_CFG_STORE, HY_FAM_LAKE, "onelake", "Microsoft Fabric OneLake files",
	 onelake_store_options, false},
	{"open_mirroring", HY_CFG_STORE, HY_FAM_LAKE, "openmirroring",
	 "Microsoft Fabric Open Mirroring landing zone", open_mirroring_store_options, false},
};
#define NTYPES (sizeof(type_defs) / sizeof(type_defs[0]))

static const struct hy_cfg_type *const type_list[] = {
	&type_defs[0],  &type_defs[1],  &type_defs[2], &type_defs[3], &type_defs[4],
	&type_defs[5],  &type_defs[6],  &type_defs[7], &type_defs[8], &type_defs[9],
	&type_defs[10], &type_defs[11], NULL,
};
static const char *const home_names[] = {"parquet", "local", "mssql", "postgres", NULL};
static const char *const store_names[] = {"parquet",  "local",          "mssql",
					  "postgres", "sqlite",         "adls",
					  "onelake",  "open_mirroring", NULL};

const struct hy_cfg_type *const *hy_cfg_types(void)
{
	return type_list;
}

const char *const *hy_cfg_type_names(enum hy_cfg_role role)
{
	return role == HY_CFG_HOME ? home_names : store_names;
}

const struct hy_cfg_type *hy_cfg_type_find(enum hy_cfg_role role, const char *name)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (type_defs[i].role == role && strcmp(type_defs[i].name, name) == 0)
			return &type_defs[i];
	return NULL;
}

static const char *role_name(enum hy_cfg_role role)
{
	return role == HY_CFG_HOME ? "home" : "store";
}

int hy_cfg_type_require_runtime(const struct hy_cfg_type *def, struct hy_error *err)
{
	if (def->runtime)
		return 0;
	return HY_CFG_FAIL(err, HY_EUNSUPPORTED, "%s type '%s' is not available in this build",
			   role_name(def->role), def->name);
}

/* ---- connections, journal, watermark, polish, flow, project ----------- */

#define C struct hy_connection_config
static const struct hy_option mssql_connection_options[] = {
	OPT_TYPE("mssql or postgres"),
	HY_OPT_STR("server", C, server, NULL, HY_OPT_REQUIRED, "Server name"),
	HY_OPT_STR("database", C, database, NULL, HY_OPT_REQUIRED, "Database"),
	HY_OPT_STR("driver", C, driver, "ODBC Driver 18 for SQL Server", HY_OPT_OPTIONAL,
		   "Driver name (kept for compatibility)"),
	HY_OPT_STR("encrypt", C, encrypt, "Yes", HY_OPT_OPTIONAL, "Encrypt the connection"),
	HY_OPT_STR("trust_cert", C, trust_cert, "Yes", HY_OPT_OPTIONAL,
		   "Trust the server certificate"),
	HY_OPT_INT("timeout", C, timeout, 30, 1, BIG, "Login timeout in seconds"),
	HY_OPT_INT("pool_size", C, pool_size, 0, 1, BIG,
		   "Connections in the pool (default and cap: concurrency)"),
	{0},
};
static const struct hy_option postgres_connection_options[] = {
	OPT_TYPE("mssql or postgres"),
	HY_OPT_STR("host", C, server, NULL, HY_OPT_REQUIRED, "Host name"),
	HY_OPT_INT("port", C, port, 5432, 1, 65535, "Port"),
	HY_OPT_STR("database", C, database, NULL, HY_OPT_REQUIRED, "Database"),
	HY_OPT_STR("user", C, user, NULL, HY_OPT_OPTIONAL, "User name"),
	HY_OPT_STR("password", C, password, NULL, HY_OPT_OPTIONAL, "Password"),
	HY_OPT_INT("timeout", C, timeout, 30, 1, BIG, "Connect timeout in seconds"),
	HY_OPT_INT("pool_size", C, pool_size, 0, 1, BIG,
		   "Connections in the pool (default and cap: concurrency)"),
	{0},
};
#undef C

const struct hy_option *hy_cfg_connection_options(const char *type)
{
	if (strcmp(type, "mssql") == 0)
		return mssql_connection_options;
	if (strcmp(type, "postgres") == 0)
		return postgres_connection_options;
	return NULL;
}

const struct hy_option hy_cfg_journal_options[] = {
	HY_OPT_STR("path", struct hy_journal_config, path, NULL, HY_OPT_OPTIONAL,
		   "Directory of journal.parquet (beats location)"),
	HY_OPT_ENUM("location", struct hy_journal_config, location, locations, 0,
		    "Next to the store's or the home's data"),
	{0},
};

const struct hy_option hy_cfg_watermark_options[] = {
	HY_OPT_STR("primary_key", struct hy_watermark_config, primary_key, NULL, HY_OPT_OPTIONAL,
		   "Key column; rows repeated within a run are kept once"),
	HY_OPT_STR("watermark_column", struct hy_watermark_config, watermark_column, NULL,
		   HY_OPT_REQUIRED, "Column whose maximum is remembered"),
	OPT_KEY("lookback", HY_OPT_KIND_ANY,
		"Duration (15m, 2h, 1d) or count subtracted from the last watermark"),
	{0},
};

const struct hy_option hy_cfg_polish_options[] = {
	OPT_KEY("columns", HY_OPT_KIND_MAP, "Column name rules (see polish.columns)"),
	OPT_KEY("hash_ids", HY_OPT_KIND_LIST, "Hash columns (see polish.hash_ids[])"),
	OPT_KEY("constants", HY_OPT_KIND_LIST, "Constant columns (see polish.constants[])"),
	OPT_KEY("timestamps", HY_OPT_KIND_LIST, "Load-time columns (see polish.timestamps[])"),
	OPT_KEY("add_row_marker", HY_OPT_KIND_MAP, "Legacy row marker (see polish.add_row_marker)"),
	{0},
};
const struct hy_option hy_cfg_polish_columns_options[] = {
	{.name = "remove_special",
	 .kind = HY_OPT_KIND_BOOL,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.b = false,
	 .help = "Drop characters other than letters, digits, space, _ and -"},
	{.name = "remove_spaces",
	 .kind = HY_OPT_KIND_BOOL,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.b = false,
	 .help = "Delete spaces"},
	{.name = "case",
	 .kind = HY_OPT_KIND_ENUM,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.e = -1,
	 .values = cases,
	 .help = "Rename columns: pascal, camel or snake (default: unchanged)"},
	{0},
};
const struct hy_option hy_cfg_polish_hash_options[] = {
	{.name = "name",
	 .kind = HY_OPT_KIND_STR,
	 .offset = HY_OPT_NO_OFFSET,
	 .required = true,
	 .help = "New column"},
	{.name = "from_columns",
	 .kind = HY_OPT_KIND_LIST,
	 .offset = HY_OPT_NO_OFFSET,
	 .required = true,
	 .help = "Columns hashed together"},
	{.name = "algo",
	 .kind = HY_OPT_KIND_ENUM,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.e = 0,
	 .values = algos,
	 .help = "Hash algorithm"},
	{.name = "hex",
	 .kind = HY_OPT_KIND_BOOL,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.b = true,
	 .help = "Hex text (else binary)"},
	{0},
};
const struct hy_option hy_cfg_polish_constant_options[] = {
	{.name = "name",
	 .kind = HY_OPT_KIND_STR,
	 .offset = HY_OPT_NO_OFFSET,
	 .required = true,
	 .help = "New column"},
	{.name = "value",
	 .kind = HY_OPT_KIND_ANY,
	 .offset = HY_OPT_NO_OFFSET,
	 .required = true,
	 .help = "Its value in every row"},
	{0},
};
const struct hy_option hy_cfg_polish_timestamp_options[] = {
	{.name = "name",
	 .kind = HY_OPT_KIND_STR,
	 .offset = HY_OPT_NO_OFFSET,
	 .required = true,
	 .help = "New column"},
	{.name = "source",
	 .kind = HY_OPT_KIND_ENUM,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.e = 0,
	 .values = ts_sources,
	 .help = "Clock"},
	{.name = "type",
	 .kind = HY_OPT_KIND_ENUM,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.e = 0,
	 .values = ts_types,
	 .help = "Column type"},
	{.name = "format",
	 .kind = HY_OPT_KIND_STR,
	 .offset = HY_OPT_NO_OFFSET,
	 .help = "strftime format for type string (default ISO-8601)"},
	{0},
};
const struct hy_option hy_cfg_polish_row_marker_options[] = {
	{.name = "enabled",
	 .kind = HY_OPT_KIND_BOOL,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.b = false,
	 .help = "Add __rowMarker__ unless a constant defines it"},
	{.name = "value",
	 .kind = HY_OPT_KIND_INT,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.i = 4,
	 .min = 0,
	 .max = 4,
	 .help = "Its value"},
	{0},
};

const struct hy_option hy_cfg_flow_options[] = {
	OPT_KEY("home", HY_OPT_KIND_ANY, "Where data comes from: a path or a mapping (required)"),
	OPT_KEY("store", HY_OPT_KIND_ANY, "Where data goes: a path or a mapping (required)"),
	{.name = "queue_size",
	 .kind = HY_OPT_KIND_INT,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.i = 10,
	 .min = 1,
	 .max = 100,
	 .help = "Batches between reader and writer (and at most 8 MiB of them)"},
	{.name = "timeout",
	 .kind = HY_OPT_KIND_INT,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.i = 3600,
	 .min = 1,
	 .max = BIG,
	 .help = "Seconds per extraction attempt"},
	{.name = "run_type",
	 .kind = HY_OPT_KIND_ENUM,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.e = 0,
	 .values = run_types,
	 .help = "full_drop replaces the destination, incremental appends"},
	{.name = "full_drop",
	 .kind = HY_OPT_KIND_BOOL,
	 .offset = HY_OPT_NO_OFFSET,
	 .help = "Legacy: true means full_drop, false incremental; beats run_type"},
	OPT_KEY("entities", HY_OPT_KIND_LIST, "Entity names or mappings (see entity)"),
	OPT_KEY("defaults", HY_OPT_KIND_MAP, "Keys merged into every entities/*.yml file"),
	OPT_KEY("watermark", HY_OPT_KIND_MAP, "Incremental watermark (see watermark)"),
	OPT_KEY("journal", HY_OPT_KIND_MAP, "Run history (see journal)"),
	OPT_KEY("options", HY_OPT_KIND_MAP, "Extra flow options"),
	OPT_KEY("name", HY_OPT_KIND_ANY, "Ignored: the flow's name is its directory"),
	{0},
};

const struct hy_option hy_cfg_entity_options[] = {
	{.name = "name",
	 .kind = HY_OPT_KIND_STR,
	 .offset = HY_OPT_NO_OFFSET,
	 .required = true,
	 .help = "Entity name (flow <flow>_<name>)"},
	OPT_KEY("home", HY_OPT_KIND_MAP, "Keys laid over the flow's home; path is joined"),
	OPT_KEY("store", HY_OPT_KIND_MAP, "Keys laid over the flow's store"),
	OPT_KEY("run_type", HY_OPT_KIND_STR, "Replaces the flow's run_type"),
	OPT_KEY("watermark", HY_OPT_KIND_MAP, "Replaces the flow's watermark"),
	OPT_KEY("journal", HY_OPT_KIND_MAP, "Replaces the flow's journal"),
	OPT_KEY("timeout", HY_OPT_KIND_ANY, "Replaces the flow's timeout (seconds)"),
	OPT_KEY("if_exists", HY_OPT_KIND_ANY, "Copied into the store"),
	OPT_KEY("batch_size", HY_OPT_KIND_ANY, "Copied into the store"),
	OPT_KEY("parallel_workers", HY_OPT_KIND_ANY, "Copied into the store"),
	OPT_KEY("folder_deletion_wait_seconds", HY_OPT_KIND_ANY, "Copied into the store"),
	OPT_KEY("columns", HY_OPT_KIND_ANY, "Accepted and unused (written by hygge init)"),
	OPT_KEY("source_config", HY_OPT_KIND_ANY, "Accepted and unused (written by hygge init)"),
	OPT_KEY("key_column", HY_OPT_KIND_ANY, "Accepted and unused (written by hygge init)"),
	{0},
};

const struct hy_option hy_cfg_project_options[] = {
	OPT_KEY("name", HY_OPT_KIND_STR, "Project name (default: the folder's name)"),
	OPT_KEY("flows_dir", HY_OPT_KIND_STR, "Folder of flows (default: flows)"),
	OPT_KEY("connections", HY_OPT_KIND_MAP, "Named database pools (see connections)"),
	OPT_KEY("options", HY_OPT_KIND_MAP, "Run options (see options)"),
	OPT_KEY("journal", HY_OPT_KIND_MAP, "Journal for flows without their own"),
	{0},
};

const struct hy_option hy_cfg_project_opts_options[] = {
	{.name = "concurrency",
	 .kind = HY_OPT_KIND_INT,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.i = 0,
	 .min = 1,
	 .max = 1024,
	 .help = "Flows at once (default: largest pool_size, else 8); --concurrency beats it"},
	{.name = "continue_on_error",
	 .kind = HY_OPT_KIND_BOOL,
	 .offset = HY_OPT_NO_OFFSET,
	 .def.b = false,
	 .help = "Keep running other flows when one fails"},
	OPT_KEY("log_level", HY_OPT_KIND_STR, "Written by hygge init; not read"),
	{0},
};

/* ---- readers ---------------------------------------------------------- */

static int read_table(const struct hy_cfg_node *map, const struct hy_option *table, void *out,
		      struct hy_cfg_path *path, const struct hy_cfg_reader *rd,
		      struct hy_error *err)
{
	return hy_cfg_options_read(map, table, out, path, rd != NULL ? rd->warn : NULL,
				   rd != NULL ? rd->user : NULL, err);
}

static void warn_at(const struct hy_cfg_reader *rd, const struct hy_cfg_node *at,
		    const struct hy_cfg_path *path, const char *text)
{
	struct hy_error msg = {0};

	if (rd == NULL || rd->warn == NULL)
		return;
	(void)hy_cfg_error(&msg, at, path, "%s", text);
	rd->warn(rd->user, msg.msg);
}

int hy_cfg_type_check(const struct hy_cfg_node *map, enum hy_cfg_role role,
		      struct hy_cfg_path *path, const struct hy_cfg_type **out,
		      struct hy_error *err)
{
	const struct hy_cfg_node *node = hy_cfg_map_get(map, "type");
	const char *name = "parquet", *near;
	size_t mark;
	int rc = 0;

	if (map == NULL || map->kind != HY_CFG_MAP)
		return HY_CFG_ERROR(err, map, path, "expected a mapping, got %s",
				    hy_cfg_kind_name(map != NULL ? map->kind : HY_CFG_NULL));
	if (map->count == 0)
		return HY_CFG_ERROR(err, map, path, "%s must not be empty", role_name(role));
	mark = hy_cfg_path_push(path, "type");
	if (node != NULL && node->kind != HY_CFG_NULL)
		rc = hy_cfg_to_str(node, path, &name, err);
	if (rc == 0) {
		*out = hy_cfg_type_find(role, name);
		if (*out == NULL) {
			near = hy_cfg_suggest(name, hy_cfg_type_names(role));
			if (near != NULL)
				rc = HY_CFG_ERROR(
					err, node, path,
					"Unknown %s config type: %.100s (did you mean '%s'?)",
					role_name(role), name, near);
			else
				rc = HY_CFG_ERROR(err, node, path, "Unknown %s config type: %.100s",
						  role_name(role), name);
		}
	}
	hy_cfg_path_pop(path, mark);
	return rc;
}

/* Exactly one of a named pool or server+database (behaviour.md §2.9). */
static int check_db_connection(const struct hy_cfg_node *map, struct hy_cfg_path *path,
			       const struct hy_db_cfg *db, const char *server_key,
			       struct hy_error *err)
{
	bool direct = db->server != NULL || db->database != NULL;

	if (db->connection != NULL && direct)
		return HY_CFG_ERROR(
			err, map, path,
			"Cannot specify both 'connection' and '%s/database'. Use one or "
			"the other.",
			server_key);
	if (db->connection == NULL && (db->server == NULL || db->database == NULL))
		return HY_CFG_ERROR(
			err, map, path,
			"Must provide either 'connection' (named pool) or both '%s' and "
			"'database' (direct connection)",
			server_key);
	return 0;
}

static int read_db(const struct hy_cfg_node *map, struct hy_cfg_path *path,
		   const struct hy_cfg_reader *rd, const struct hy_cfg_type *def,
		   struct hy_db_cfg *db, struct hy_error *err)
{
	bool pg = strcmp(def->name, "postgres") == 0;

	memset(db, 0, sizeof(*db));
	HY_TRY(read_table(map, def->options, db, path, rd, err));
	HY_TRY(check_db_connection(map, path, db, pg ? "host" : "server", err));
	if (def->role == HY_CFG_HOME && db->table == NULL && db->query == NULL)
		return HY_CFG_ERROR(err, map, path, "Must provide either 'table' or 'query'");
	if (def->role == HY_CFG_STORE && db->write_strategy != NULL &&
	    strcmp(db->write_strategy, "direct_insert") == 0)
		warn_at(rd, hy_cfg_map_get(map, "write_strategy"), path,
			"write_strategy 'direct_insert' is deprecated and ignored: hygge loads a "
			"staging table and publishes it in one transaction");
	return 0;
}

/* A strings-only list (or one string) that is not empty. */
static int check_key_columns(const struct hy_cfg_node *map, struct hy_cfg_path *path,
			     struct hy_lake_cfg *lake, struct hy_error *err)
{
	const struct hy_cfg_node *node = hy_cfg_map_get(map, "key_columns");
	size_t mark = hy_cfg_path_push(path, "key_columns");
	const char *s;
	int rc = 0;

	if (node == NULL || node->kind == HY_CFG_NULL) {
		hy_cfg_path_pop(path, mark);
		return HY_CFG_ERROR(err, map, path,
				    "'key_columns' is required for open_mirroring stores");
	}
	if (node->kind == HY_CFG_SEQ) {
		if (node->count == 0)
			rc = HY_CFG_ERROR(err, node, path, "key_columns must not be empty");
		for (size_t i = 0; rc == 0 && i < node->count; i++) {
			size_t m = hy_cfg_path_push_index(path, i);

			rc = hy_cfg_to_str(node->items[i], path, &s, err);
			if (rc == 0 && s[0] == '\0')
				rc = HY_CFG_ERROR(err, node->items[i], path,
						  "key column must not be empty");
			hy_cfg_path_pop(path, m);
		}
	} else {
		rc = hy_cfg_to_str(node, path, &s, err);
		if (rc == 0 && s[0] == '\0')
			rc = HY_CFG_ERROR(err, node, path, "key_columns must not be empty");
	}
	hy_cfg_path_pop(path, mark);
	lake->key_columns = node;
	return rc;
}

static int check_credentials(const struct hy_cfg_node *map, struct hy_cfg_path *path,
			     const struct hy_lake_cfg *lake, struct hy_error *err)
{
	if (lake->credential == HY_CRED_SERVICE_PRINCIPAL &&
	    (lake->tenant_id == NULL || lake->client_id == NULL || lake->client_secret == NULL))
		return HY_CFG_ERROR(err, map, path,
				    "credential 'service_principal' requires tenant_id, client_id "
				    "and client_secret");
	if (lake->credential == HY_CRED_STORAGE_KEY && lake->storage_account_key == NULL)
		return HY_CFG_ERROR(err, map, path,
				    "credential 'storage_key' requires storage_account_key");
	return 0;
}

static int read_lake(const struct hy_cfg_node *map, struct hy_cfg_path *path,
		     const struct hy_cfg_reader *rd, const struct hy_cfg_type *def,
		     struct hy_lake_cfg *lake, struct hy_error *err)
{
	const struct hy_cfg_node *node;
	bool om = strcmp(def->name, "open_mirroring") == 0;
	size_t mark;
	int rc = 0;

	memset(lake, 0, sizeof(*lake));
	lake->incremental = -1;
	HY_TRY(read_table(map, def->options, lake, path, rd, err));
	HY_TRY(check_credentials(map, path, lake, err));
	node = hy_cfg_map_get(map, "incremental");
	if (node != NULL && node->kind != HY_CFG_NULL) {
		bool b = false;

		mark = hy_cfg_path_push(path, "incremental");
		rc = hy_cfg_to_bool(node, path, &b, err);
		hy_cfg_path_pop(path, mark);
		HY_TRY(rc);
		lake->incremental = b ? 1 : 0;
	}
	if (def->options == adls_store_options)
		return 0;
	HY_TRY(hy_cfg_get_str(map, "schema", path, NULL, &lake->schema, err));
	if (lake->schema == NULL)
		HY_TRY(hy_cfg_get_str(map, "schema_name", path, NULL, &lake->schema, err));
	if (!om)
		return 0;
	node = hy_cfg_map_get(map, "row_marker");
	if (node == NULL || node->kind == HY_CFG_NULL)
		return HY_CFG_ERROR(err, node != NULL ? node : map, path,
				    "'row_marker' is required for open_mirroring stores (0 insert, "
				    "1 update, 2 delete, 4 upsert)");
	if (lake->row_marker == 3) {
		mark = hy_cfg_path_push(path, "row_marker");
		rc = HY_CFG_ERROR(err, node, path,
				  "row_marker must be one of 0 (insert), 1 (update), 2 (delete), 4 "
				  "(upsert), got 3");
		hy_cfg_path_pop(path, mark);
		return rc;
	}
	return check_key_columns(map, path, lake, err);
}

static int read_file(const struct hy_cfg_node *map, struct hy_cfg_path *path,
		     const struct hy_cfg_reader *rd, const struct hy_cfg_type *def,
		     struct hy_file_cfg *file, struct hy_error *err)
{
	memset(file, 0, sizeof(*file));
	file->format = HY_FORMAT_PARQUET;
	HY_TRY(read_table(map, def->options, file, path, rd, err));
	if (file->path[0] == '\0') {
		size_t mark = hy_cfg_path_push(path, "path");
		int rc = HY_CFG_ERROR(err, hy_cfg_map_get(map, "path"), path,
				      "path must not be empty");

		hy_cfg_path_pop(path, mark);
		return rc;
	}
	if (file->polish != NULL) {
		size_t mark = hy_cfg_path_push(path, "polish");
		int rc = hy_cfg_polish_check(file->polish, path, rd, err);

		hy_cfg_path_pop(path, mark);
		HY_TRY(rc);
	}
	return 0;
}

int hy_cfg_home_read(const struct hy_cfg_node *map, struct hy_cfg_path *path,
		     const struct hy_cfg_reader *rd, struct hy_home_config *out,
		     struct hy_error *err)
{
	const struct hy_cfg_type *def;

	memset(out, 0, sizeof(*out));
	HY_TRY(hy_cfg_type_check(map, HY_CFG_HOME, path, &def, err));
	out->def = def;
	out->type = def->name;
	out->node = map;
	if (def->family == HY_FAM_FILE)
		return read_file(map, path, rd, def, &out->u.file, err);
	return read_db(map, path, rd, def, &out->u.db, err);
}

int hy_cfg_store_read(const struct hy_cfg_node *map, struct hy_cfg_path *path,
		      const struct hy_cfg_reader *rd, struct hy_store_config *out,
		      struct hy_error *err)
{
	const struct hy_cfg_type *def;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	HY_TRY(hy_cfg_type_check(map, HY_CFG_STORE, path, &def, err));
	out->def = def;
	out->type = def->name;
	out->node = map;
	switch (def->family) {
	case HY_FAM_FILE: return read_file(map, path, rd, def, &out->u.file, err);
	case HY_FAM_DB: return read_db(map, path, rd, def, &out->u.db, err);
	case HY_FAM_SQLITE:
		rc = read_table(map, def->options, &out->u.sqlite, path, rd, err);
		break;
	case HY_FAM_LAKE: rc = read_lake(map, path, rd, def, &out->u.lake, err); break;
	}
	if (rc == 0 && def->family == HY_FAM_LAKE && out->u.lake.polish != NULL) {
		size_t mark = hy_cfg_path_push(path, "polish");

		rc = hy_cfg_polish_check(out->u.lake.polish, path, rd, err);
		hy_cfg_path_pop(path, mark);
	}
	return rc;
}

int hy_cfg_connection_read(const char *name, const struct hy_cfg_node *map,
			   struct hy_cfg_path *path, const struct hy_cfg_reader *rd,
			   struct hy_connection_config *out, struct hy_error *err)
{
	static const char *const conn_types[] = {"mssql", "postgres", NULL};
	const struct hy_cfg_node *node;
	const char *type = NULL, *near;
	size_t mark;
	int rc;

	memset(out, 0, sizeof(*out));
	out->name = name;
	out->node = map;
	if (map == NULL || map->kind != HY_CFG_MAP)
		return HY_CFG_ERROR(err, map, path, "expected a mapping, got %s",
				    hy_cfg_kind_name(map != NULL ? map->kind : HY_CFG_NULL));
	HY_TRY(hy_cfg_require(map, "type", path, (struct hy_cfg_node **)&node, err));
	mark = hy_cfg_path_push(path, "type");
	rc = hy_cfg_to_str(node, path, &type, err);
	if (rc == 0 && hy_cfg_connection_options(type) == NULL) {
		near = hy_cfg_suggest(type, conn_types);
		rc = near != NULL ? HY_CFG_ERROR(err, node, path,
						 "Unknown connection type: %.100s (did you mean "
						 "'%s'?)",
						 type, near)
				  : HY_CFG_ERROR(err, node, path, "Unknown connection type: %.100s",
						 type);
	}
	hy_cfg_path_pop(path, mark);
	HY_TRY(rc);
	out->type = type;
	return read_table(map, hy_cfg_connection_options(type), out, path, rd, err);
}

int hy_cfg_journal_read(const struct hy_cfg_node *map, struct hy_cfg_path *path,
			const struct hy_cfg_reader *rd, struct hy_journal_config *out,
			struct hy_error *err)
{
	memset(out, 0, sizeof(*out));
	if (map == NULL || map->kind == HY_CFG_NULL)
		return 0;
	HY_TRY(read_table(map, hy_cfg_journal_options, out, path, rd, err));
	out->present = true;
	out->node = map;
	return 0;
}

/* "15m" "2h" "1d" "30s" "1w" -> seconds; false when not a duration. */
static bool parse_duration(const char *s, int64_t *seconds)
{
	int64_t n = 0, unit;
	const char *p = s;

	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (INT64_MAX - 9) / 10 / 604800)
			return false;
		n = n * 10 + (*p - '0');
	}
	while (*p == ' ')
		p++;
	switch (*p) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 604800; break;
	default: return false;
	}
	if (p[1] != '\0')
		return false;
	*seconds = n * unit;
	return true;
}

int hy_cfg_watermark_read(const struct hy_cfg_node *map, struct hy_cfg_path *path,
			  const struct hy_cfg_reader *rd, struct hy_watermark_config *out,
			  struct hy_error *err)
{
	const struct hy_cfg_node *node;
	size_t mark;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (map == NULL || map->kind == HY_CFG_NULL)
		return 0;
	HY_TRY(read_table(map, hy_cfg_watermark_options, out, path, rd, err));
	out->present = true;
	out->node = map;
	node = hy_cfg_map_get(map, "lookback");
	if (node == NULL || node->kind == HY_CFG_NULL)
		return 0;
	mark = hy_cfg_path_push(path, "lookback");
	if (node->kind == HY_CFG_INT) {
		rc = hy_cfg_to_int(node, path, 0, INT64_MAX, &out->lookback_count, err);
		out->lookback = node->text;
	} else if (hy_cfg_to_str(node, path, &out->lookback, err) != 0) {
		rc = HY_ECONFIG;
	} else if (!parse_duration(out->lookback, &out->lookback_seconds)) {
		rc = hy_cfg_to_int(node, path, 0, INT64_MAX, &out->lookback_count, err);
		if (rc != 0) {
			hy_error_init(err);
			rc = HY_CFG_ERROR(err, node, path,
					  "'%.100s' is not a duration (15m, 2h, 1d, 30s, 1w) or a "
					  "count",
					  out->lookback);
		}
	}
	hy_cfg_path_pop(path, mark);
	return rc;
}

/* Each item of a polish list is a mapping read with `table`. */
static int check_list(const struct hy_cfg_node *map, const char *key, const struct hy_option *table,
		      struct hy_cfg_path *path, const struct hy_cfg_reader *rd,
		      struct hy_error *err)
{
	const struct hy_cfg_node *list = hy_cfg_map_get(map, key);
	size_t mark;
	int rc = 0;

	if (list == NULL || list->kind == HY_CFG_NULL)
		return 0;
	mark = hy_cfg_path_push(path, key);
	for (size_t i = 0; rc == 0 && i < list->count; i++) {
		size_t m = hy_cfg_path_push_index(path, i);

		rc = read_table(list->items[i], table, NULL, path, rd, err);
		hy_cfg_path_pop(path, m);
	}
	hy_cfg_path_pop(path, mark);
	return rc;
}

int hy_cfg_polish_check(const struct hy_cfg_node *map, struct hy_cfg_path *path,
			const struct hy_cfg_reader *rd, struct hy_error *err)
{
	const struct hy_cfg_node *sub;
	size_t mark;
	int rc = 0;

	HY_TRY(read_table(map, hy_cfg_polish_options, NULL, path, rd, err));
	if ((sub = hy_cfg_map_get(map, "columns")) != NULL) {
		mark = hy_cfg_path_push(path, "columns");
		rc = read_table(sub, hy_cfg_polish_columns_options, NULL, path, rd, err);
		hy_cfg_path_pop(path, mark);
		HY_TRY(rc);
	}
	if ((sub = hy_cfg_map_get(map, "add_row_marker")) != NULL) {
		mark = hy_cfg_path_push(path, "add_row_marker");
		rc = read_table(sub, hy_cfg_polish_row_marker_options, NULL, path, rd, err);
		hy_cfg_path_pop(path, mark);
		HY_TRY(rc);
	}
	HY_TRY(check_list(map, "hash_ids", hy_cfg_polish_hash_options, path, rd, err));
	HY_TRY(check_list(map, "constants", hy_cfg_polish_constant_options, path, rd, err));
	return check_list(map, "timestamps", hy_cfg_polish_timestamp_options, path, rd, err);
}
