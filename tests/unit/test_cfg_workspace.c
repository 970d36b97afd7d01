/* The workspace loader (include/hygge/workspace.h) and the typed readers
 * (include/hygge/cfgtypes.h): behaviour.md §2, decisions.md D5, D6, D17, D18. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hy_test.h"
#include "hygge/cfgtypes.h"
#include "hygge/config.h"
#include "hygge/workspace.h"

#define SHOP HY_TEST_DATA_DIR "/config/projects/shop"

static const char *no_env(const char *name, void *user)
{
	(void)name;
	(void)user;
	return NULL;
}

static struct hy_workspace_options defaults(const char *start)
{
	struct hy_workspace_options o = {.start_dir = start,
					 .run_type_override = -1,
					 .continue_on_error = -1,
					 .getenv = no_env};
	return o;
}

static const struct hy_entity_flow *find(const struct hy_workspace *ws, const char *name)
{
	for (size_t i = 0; i < ws->nflows; i++)
		if (strcmp(ws->flows[i].name, name) == 0)
			return &ws->flows[i];
	fail_msg("no flow %s", name);
	return NULL;
}

/* A temporary project: pairs of (relative path, content), NULL-terminated. */
static char *make_project(const char *const *files)
{
	char tmpl[] = "/tmp/hygge-ws-XXXXXX", *dir = mkdtemp(tmpl);

	assert_non_null(dir);
	for (size_t i = 0; files[i] != NULL; i += 2) {
		char path[PATH_MAX];
		FILE *f;

		for (const char *p = strchr(files[i], '/'); p != NULL; p = strchr(p + 1, '/')) {
			snprintf(path, sizeof(path), "%s/%.*s", dir, (int)(p - files[i]), files[i]);
			(void)mkdir(path, 0700);
		}
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(files[i + 1], f);
		fclose(f);
	}
	return strdup(dir);
}

static void remove_project(char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

/* Loads a temporary project and returns the status; err gets the message. */
static int load_files(const char *const *files, struct hy_workspace_options *o,
		      struct hy_workspace **ws, struct hy_error *err)
{
	char *dir = make_project(files);
	int rc;

	o->start_dir = dir;
	rc = hy_workspace_load(o, ws, err);
	remove_project(dir);
	return rc;
}

static void expect_error(const char *const *files, const char *want)
{
	struct hy_workspace_options o = defaults(NULL);
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};

	assert_int_equal(load_files(files, &o, &ws, &err), HY_ECONFIG);
	if (strstr(err.msg, want) == NULL)
		fail_msg("message '%s' lacks '%s'", err.msg, want);
	hy_workspace_destroy(ws);
}

static void test_shop_flows_and_names(void **state)
{
	struct hy_workspace_options o = defaults(SHOP "/flows/users");
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};
	static const char *const names[] = {"catalog_prices", "catalog_products", "mirror_Account",
					    "orders",         "pg_events",        "users_accounts",
					    "users_contacts"};
	char *root = realpath(SHOP, NULL);

	(void)state;
	assert_int_equal(hy_workspace_load(&o, &ws, &err), 0);
	assert_string_equal(ws->root, root);
	assert_string_equal(ws->name, "shop");
	assert_string_equal(ws->flows_dir, "flows");
	assert_int_equal(ws->nflows, 7);
	for (size_t i = 0; i < ws->nflows; i++)
		assert_string_equal(ws->flows[i].name, names[i]);
	assert_int_equal(ws->nbase, 5);
	assert_string_equal(ws->base_names[0], "catalog");
	assert_int_equal(ws->nall, 7);
	assert_int_equal(ws->nwarnings, 0);
	assert_int_equal(ws->nconnections, 2);
	assert_int_equal(ws->concurrency, 4); /* hygge.yml options (D5) */
	assert_false(ws->continue_on_error);
	assert_string_equal(find(ws, "orders")->base_flow, "orders");
	assert_null(find(ws, "orders")->entity);
	assert_string_equal(find(ws, "users_accounts")->entity, "accounts");
	hy_workspace_destroy(ws);
	free(root);
}

static void test_shop_resolved_values(void **state)
{
	struct hy_workspace_options o = defaults(SHOP);
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};
	const struct hy_entity_flow *f;
	char want[PATH_MAX * 2], *root = realpath(SHOP, NULL);

	(void)state;
	assert_int_equal(hy_workspace_load(&o, &ws, &err), 0);

	/* String shorthand, entity appended, D18 absolute paths. */
	f = find(ws, "users_accounts");
	assert_string_equal(f->home.type, "parquet");
	assert_int_equal(f->home.def->family, HY_FAM_FILE);
	assert_string_equal(f->home.u.file.path, "data/users/accounts");
	snprintf(want, sizeof(want), "%s/data/users/accounts", root);
	assert_string_equal(f->home.u.file.abs_path, want);
	assert_int_equal(f->home.u.file.batch_size, 10000);
	assert_string_equal(f->store.u.file.path, "lake/accounts");
	assert_int_equal(f->store.u.file.compression, HY_CODEC_SNAPPY);
	assert_string_equal(f->store.u.file.file_pattern, "{sequence:020d}.parquet");
	assert_int_equal(f->queue_size, 10);
	assert_int_equal(f->timeout, 3600); /* D6 */
	assert_int_equal(f->run_type, HY_RUN_FULL_DROP);
	assert_false(f->watermark.present);
	assert_true(f->journal.present); /* from hygge.yml */
	assert_int_equal(f->journal.location, 0);

	/* A flow without entities: no append; watermark with lookback. */
	f = find(ws, "orders");
	assert_string_equal(f->home.type, "local");
	assert_int_equal(f->home.u.file.format, HY_FORMAT_CSV);
	assert_int_equal(f->home.u.file.batch_size, 50000);
	assert_string_equal(f->store.u.file.path, "lake/orders");
	assert_int_equal(f->store.u.file.compression, HY_CODEC_ZSTD);
	assert_int_equal(f->run_type, HY_RUN_INCREMENTAL);
	assert_true(f->watermark.present);
	assert_string_equal(f->watermark.primary_key, "id");
	assert_string_equal(f->watermark.watermark_column, "updated_at");
	assert_int_equal(f->watermark.lookback_seconds, 900);
	assert_string_equal(f->journal.path, ".journal");
	snprintf(want, sizeof(want), "%s/.journal", root);
	assert_string_equal(f->journal.abs_path, want);

	/* Entity files: defaults merged (batch_size into the store), home.path joined. */
	f = find(ws, "catalog_prices");
	assert_string_equal(f->home.u.file.path, "data/catalog/current/prices");
	assert_string_equal(f->store.type, "sqlite");
	assert_string_equal(f->store.u.sqlite.table, "prices");
	assert_int_equal(f->store.u.sqlite.batch_size, 500);
	snprintf(want, sizeof(want), "%s/out/catalog.sqlite", root);
	assert_string_equal(f->store.u.sqlite.abs_path, want);
	f = find(ws, "catalog_products");
	assert_string_equal(f->home.u.file.path, "data/catalog/products");
	assert_int_equal(f->run_type, HY_RUN_INCREMENTAL);
	assert_int_equal(f->journal.location, 1); /* entity beats hygge.yml */

	/* Database home, Open Mirroring path under <mirror>/Files/LandingZone/ (D11). */
	f = find(ws, "mirror_Account");
	assert_string_equal(f->home.u.db.table, "dbo.Account");
	assert_string_equal(f->home.u.db.connection, "warehouse");
	assert_int_equal(f->home.u.db.batch_size, 25000);
	assert_string_equal(f->home.u.db.driver, "ODBC Driver 18 for SQL Server");
	assert_string_equal(f->store.def->impl, "openmirroring");
	assert_string_equal(f->store.u.lake.path, "99999999-8888-7777-6666-555555555555/Files/"
						  "LandingZone/sales.schema/Account/");
	assert_int_equal(f->store.u.lake.row_marker, 4);
	assert_int_equal(f->store.u.lake.key_columns->kind, HY_CFG_STR);
	assert_true(f->store.u.lake.folder_deletion_wait_seconds == 120.0);
	assert_string_equal(f->store.u.lake.account_url,
			    "https://onelake.dfs.fabric.microsoft.com");
	assert_string_equal(f->store.u.lake.journal_table_name, "__hygge_journal");

	/* PostgreSQL: env default, {entity} in query and table, entity timeout and
	 * batch_size, an enum in any case, a numeric string. */
	f = find(ws, "pg_events");
	assert_string_equal(f->home.u.db.server, "localhost");
	assert_int_equal(f->home.u.db.port, 5432);
	assert_string_equal(f->home.u.db.query, "select * from events where active");
	assert_string_equal(f->store.u.db.table, "copy_events");
	assert_int_equal(f->store.u.db.batch_size, 2000);
	assert_int_equal(f->store.u.db.if_exists, HY_IF_EXISTS_APPEND);
	assert_int_equal(f->queue_size, 25);
	assert_int_equal(f->timeout, 120);
	assert_string_equal(f->journal.path, "journals/events");
	hy_workspace_destroy(ws);
	free(root);
}

static void test_filter_and_no_match(void **state)
{
	struct hy_workspace_options o = defaults(SHOP);
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};
	const char *filter[] = {"users", "catalog_products"};

	(void)state;
	o.filter = filter;
	o.nfilter = 2;
	assert_int_equal(hy_workspace_load(&o, &ws, &err), 0);
	assert_int_equal(ws->nflows, 3);
	assert_string_equal(ws->flows[0].name, "catalog_products");
	assert_string_equal(ws->flows[1].name, "users_accounts");
	assert_int_equal(ws->nall, 7);
	hy_workspace_destroy(ws);

	filter[0] = "nope";
	o.nfilter = 1;
	assert_int_equal(hy_workspace_load(&o, &ws, &err), HY_ECONFIG);
	assert_string_equal(err.msg,
			    "No flows matched filter: nope. Available base flows: catalog, mirror, "
			    "orders, pg, users. Available entity flows: catalog_prices, "
			    "catalog_products, mirror_Account, orders, pg_events, users_accounts, "
			    "users_contacts.");
	hy_workspace_destroy(ws);
}

static void test_overrides(void **state)
{
	struct hy_workspace_options o = defaults(SHOP);
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};
	struct hy_cfg_node *vars = NULL;
	const struct hy_entity_flow *f;

	(void)state;
	assert_int_equal(hy_cfg_var_parse(&vars, "flow.users.store.path=elsewhere", &err), 0);
	assert_int_equal(hy_cfg_var_parse(&vars, "flow.users.store.compression=gzip", &err), 0);
	assert_int_equal(hy_cfg_var_parse(&vars, "flow.orders.queue_size=7", &err), 0);
	o.vars = vars;
	o.concurrency = 2;
	o.continue_on_error = 1;
	o.run_type_override = HY_RUN_FULL_DROP;
	assert_int_equal(hy_workspace_load(&o, &ws, &err), 0);
	assert_int_equal(ws->concurrency, 2); /* the command line beats hygge.yml */
	assert_true(ws->continue_on_error);
	f = find(ws, "users_contacts");
	assert_string_equal(f->store.u.file.path, "elsewhere/contacts");
	assert_int_equal(f->store.u.file.compression, HY_CODEC_GZIP);
	f = find(ws, "orders");
	assert_int_equal(f->queue_size, 7);
	assert_int_equal(f->run_type, HY_RUN_FULL_DROP); /* beats run_type: incremental */
	assert_int_equal(ws->nwarnings, 0);
	hy_workspace_destroy(ws);

	/* A --var for a flow that does not exist warns, with a suggestion. */
	assert_int_equal(hy_cfg_var_parse(&vars, "flow.user.queue_size=5", &err), 0);
	o.vars = vars;
	assert_int_equal(hy_workspace_load(&o, &ws, &err), 0);
	assert_int_equal(ws->nwarnings, 1);
	assert_string_equal(ws->warnings[0], "--var flow.user.queue_size=5: no flow named 'user'; "
					     "the override is ignored (did you mean 'users'?)");
	hy_workspace_destroy(ws);

	/* A --var value is validated like the file's. */
	hy_cfg_node_destroy(vars);
	vars = NULL;
	assert_int_equal(hy_cfg_var_parse(&vars, "flow.orders.queue_size=500", &err), 0);
	o = defaults(SHOP);
	o.vars = vars;
	assert_int_equal(hy_workspace_load(&o, &ws, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "Failed to create flow 'orders': --var "
				     "flow.orders.queue_size=500: queue_size: must be between 1 "
				     "and 100, got 500");
	hy_workspace_destroy(ws);
	hy_cfg_node_destroy(vars);
}

static void test_cli_run_type_beats_legacy_full_drop(void **state)
{
	static const char *const files[] = {
		"hygge.yml",
		"name: p\n",
		"flows/a/flow.yml",
		"home: in\nstore: out\nfull_drop: true\nrun_type: incremental\n",
		"flows/b/flow.yml",
		"home: in\nstore: out\nfull_drop: false\n",
		NULL};
	struct hy_workspace_options o = defaults(NULL);
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(load_files(files, &o, &ws, &err), 0);
	assert_int_equal(find(ws, "a")->run_type, HY_RUN_FULL_DROP); /* full_drop beats run_type */
	assert_int_equal(find(ws, "b")->run_type, HY_RUN_INCREMENTAL);
	assert_int_equal(ws->concurrency, 8);
	hy_workspace_destroy(ws);
	o = defaults(NULL);
	o.run_type_override = HY_RUN_INCREMENTAL;
	assert_int_equal(load_files(files, &o, &ws, &err), 0);
	assert_int_equal(find(ws, "a")->run_type, HY_RUN_INCREMENTAL); /* D17 */
	hy_workspace_destroy(ws);
}

static void test_concurrency_from_pools(void **state)
{
	static const char *const files[] = {
		"hygge.yml",
		"connections:\n  a: {type: mssql, server: s, database: d, pool_size: 3}\n"
		"  b: {type: mssql, server: s, database: d}\n"
		"options: {continue_on_error: yes}\n",
		"flows/f/flow.yml", "home: in\nstore: out\n", NULL};
	struct hy_workspace_options o = defaults(NULL);
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(load_files(files, &o, &ws, &err), 0);
	assert_int_equal(ws->concurrency, 5); /* a pool without pool_size counts as 5 */
	assert_true(ws->continue_on_error);   /* D5 */
	assert_int_equal(ws->connections[0].pool_size, 3);
	assert_int_equal(ws->connections[1].timeout, 30);
	hy_workspace_destroy(ws);
}

static void test_warnings_once_with_suggestion(void **state)
{
	static const char *const files[] = {
		"hygge.yml", "name: p\nflow_dir: x\n", "flows/f/flow.yml",
		"home: in\nstore:\n  path: out\n  compresion: gzip\nentities: [a, b]\n", NULL};
	struct hy_workspace_options o = defaults(NULL);
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(load_files(files, &o, &ws, &err), 0);
	assert_int_equal(ws->nflows, 2);
	assert_int_equal(ws->nwarnings, 2);
	assert_string_equal(ws->warnings[0],
			    "hygge.yml:2:1: unknown key 'flow_dir' is ignored (did you mean "
			    "'flows_dir'?)");
	assert_string_equal(ws->warnings[1], "flows/f/flow.yml:4:3: store: unknown key "
					     "'compresion' is ignored (did you mean "
					     "'compression'?)");
	hy_workspace_destroy(ws);
}

static void test_env_expansion(void **state)
{
	static const char *const files[] = {
		"hygge.yml", "name: p\n", "flows/f/flow.yml",
		"home: in\nstore:\n  path: ${LAKE}/x\n  batch_size: ${N:-7}\n", NULL};
	struct hy_workspace_options o = defaults(NULL);
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(load_files(files, &o, &ws, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "Failed to load flow f: flows/f/flow.yml:3:9: store.path: "
				     "Environment variable 'LAKE' is not set and no default");
	hy_workspace_destroy(ws);
}

static void test_load_errors(void **state)
{
	(void)state;
	expect_error((const char *const[]){"hygge.yml", "flows_dir: nowhere\n", NULL},
		     "Flows directory not found: ");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/x/other.yml", "a: 1\n",
					   NULL},
		     "No flows found in directory: ");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\n", NULL},
		     "Failed to load flow f: flows/f/flow.yml:1:1: 'store' is required");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: {}\nstore: out\n", NULL},
		     "Failed to load flow f: flows/f/flow.yml:1:7: home: home must not be empty");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: {type: msql, table: t}\nstore: out\n", NULL},
		     "home.type: Unknown home config type: msql (did you mean 'mssql'?)");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: out\nqueue_size: 0\n", NULL},
		     "flows/f/flow.yml:3:13: queue_size: must be between 1 and 100, got 0");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: out\njournal: {location: stor}\n",
					   NULL},
		     "journal.location: 'stor' is not one of store, home (did you mean 'store'?)");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: out\nentities: [a, 3]\n", NULL},
		     "entities[1]: Entity must be string or dict, got an integer");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: out\n", "flows/f/entities/e.yml",
					   "home: {path: x}\n", NULL},
		     "flows/f/entities/e.yml:1:1: Entity in flow f missing 'name' field");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: out\nentities: [a, b, a]\n", NULL},
		     "flows/f/flow.yml:3:18: duplicate entity 'a', first defined at "
		     "flows/f/flow.yml:3:12");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: out\n", "flows/f/entities/a.yml",
					   "name: ../up\n", NULL},
		     "flows/f/entities/a.yml:1:7: entity name '../up' must not contain '/'");
	expect_error((const char *const[]){"hygge.yml", "connections: {c: {type: oracle}}\n",
					   "flows/f/flow.yml", "home: in\nstore: out\n", NULL},
		     "Failed to initialize connection pool 'c': hygge.yml:1:25: "
		     "connections.c.type: Unknown connection type: oracle");
}

static void test_create_errors(void **state)
{
	(void)state;
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: {type: mssql, table: t}\nstore: out\n", NULL},
		     "Failed to create flow 'f': flows/f/flow.yml:1:7: home: Must provide either "
		     "'connection' (named pool) or both 'server' and 'database' (direct "
		     "connection)");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: {type: mssql, server: s, database: d}\n"
					   "store: out\n",
					   NULL},
		     "home: Must provide either 'table' or 'query'");
	expect_error(
		(const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
				      "home: {type: postgres, host: h, table: t}\nstore: out\n",
				      NULL},
		"both 'host' and 'database'");
	expect_error((const char *const[]){"hygge.yml",
					   "connections: {warehouse: {type: mssql, "
					   "server: s, database: d}}\n",
					   "flows/f/flow.yml",
					   "home: {type: mssql, connection: warehose, table: t}\n"
					   "store: out\n",
					   NULL},
		     "home.connection: connection 'warehose' is not defined in hygge.yml "
		     "connections (did you mean 'warehouse'?)");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: {type: mssql, server: s, database: d, "
					   "table: t, if_exists: skip}\n",
					   NULL},
		     "store.if_exists: 'skip' is not one of fail, append, replace");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: {type: mssql, server: s, database: d, "
					   "table: t, parallel_workers: 17}\n",
					   NULL},
		     "store.parallel_workers: must be between 1 and 16, got 17");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: {type: adls, account_url: u, "
					   "filesystem: f, path: 'x/{entity}', credential: "
					   "service_principal, tenant_id: t}\n",
					   NULL},
		     "credential 'service_principal' requires tenant_id, client_id and "
		     "client_secret");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: {type: open_mirroring, filesystem: w, "
					   "mirror_name: m, row_marker: 3, key_columns: [id]}\n",
					   NULL},
		     "store.row_marker: row_marker must be one of 0 (insert), 1 (update), 2 "
		     "(delete), 4 (upsert), got 3");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: {type: open_mirroring, filesystem: w, "
					   "mirror_name: m, row_marker: 4, key_columns: []}\n",
					   NULL},
		     "store.key_columns: key_columns must not be empty");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: {type: open_mirroring, filesystem: w, "
					   "mirror_name: m, row_marker: 4, "
					   "folder_deletion_wait_seconds: 901, key_columns: k}\n",
					   NULL},
		     "store.folder_deletion_wait_seconds: must be between 0 and 900, got 901");
	expect_error(
		(const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
				      "home: {type: mssql, server: s, database: d, table: t}\n"
				      "store: {type: mssql, server: s, database: d, table: t}\n"
				      "journal: {location: store}\n",
				      NULL},
		"journal: Journal location='store' requires store_path, but none provided");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: out\nwatermark: {primary_key: id, "
					   "watermark_column: ts, lookback: soon}\n",
					   NULL},
		     "watermark.lookback: 'soon' is not a duration (15m, 2h, 1d, 30s, 1w) or a "
		     "count");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: {path: out, polish: {columns: {case: "
					   "kebab}}}\n",
					   NULL},
		     "store.polish.columns.case: 'kebab' is not one of pascal, camel, snake");
	expect_error((const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
					   "home: in\nstore: {path: out, polish: {hash_ids: "
					   "[{name: h}]}}\n",
					   NULL},
		     "store.polish.hash_ids[0]: 'from_columns' is required");
	expect_error(
		(const char *const[]){"hygge.yml", "name: p\n", "flows/f/flow.yml",
				      "home: {type: local, path: in, format: xml}\nstore: out\n",
				      NULL},
		"home.format: 'xml' is not one of parquet, csv, ndjson");
}

static void test_onelake_default_path_and_entity_segment(void **state)
{
	static const char *const files[] = {
		"hygge.yml",
		"name: p\n",
		"flows/f/flow.yml",
		"home: in\nstore: {type: onelake, filesystem: ws, schema_name: crm, "
		"file_pattern: '{flow_name}-{sequence}.parquet'}\nentities: [Lead]\n",
		"flows/g/flow.yml",
		"home: in\nstore: {type: adls, account_url: u, filesystem: f, path: "
		"'raw/{entity}/', credential: storage_key, storage_account_key: k, incremental: "
		"no}\nentities: [Lead]\n",
		NULL};
	struct hy_workspace_options o = defaults(NULL);
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};
	const struct hy_entity_flow *f;

	(void)state;
	assert_int_equal(load_files(files, &o, &ws, &err), 0);
	f = find(ws, "f_Lead");
	assert_string_equal(f->store.u.lake.path, "Files/crm.schema/Lead/");
	assert_string_equal(f->store.u.lake.schema, "crm");
	assert_string_equal(f->store.u.lake.file_pattern, "f_Lead-{sequence}.parquet");
	assert_int_equal(f->store.u.lake.incremental, -1);
	f = find(ws, "g_Lead");
	assert_string_equal(f->store.u.lake.path, "raw/Lead/");
	assert_int_equal(f->store.u.lake.credential, HY_CRED_STORAGE_KEY);
	assert_int_equal(f->store.u.lake.incremental, 0);
	hy_workspace_destroy(ws);
}

static void test_entity_merge_rules(void **state)
{
	static const char *const files[] = {
		"hygge.yml", "name: p\n",
		/* A string home ignores an entity's home; the store is overlaid. */
		"flows/s/flow.yml",
		"name: ignored\nhome: in\nstore: {type: mssql, server: s, database: d, table: "
		"'dbo.{entity}'}\nentities:\n  - name: a\n    home: {path: elsewhere}\n"
		"    store: {table: custom}\n    if_exists: replace\n    parallel_workers: 3\n"
		"    run_type: incremental\n    watermark: {watermark_column: ts}\n",
		/* An entities/ folder replaces the inline list. */
		"flows/t/flow.yml", "home: {path: in}\nstore: out\nentities: [never]\n",
		"flows/t/entities/b.yml", "name: b\nhome: {path: sub}\n", "flows/t/entities/a.yml",
		"name: a\n", "flows/t/entities/ignored.yaml", "name: c\n", NULL};
	struct hy_workspace_options o = defaults(NULL);
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};
	const struct hy_entity_flow *f;

	(void)state;
	assert_int_equal(load_files(files, &o, &ws, &err), 0);
	assert_int_equal(ws->nflows, 3);
	f = find(ws, "s_a");
	assert_string_equal(f->home.u.file.path, "in/a");
	assert_string_equal(f->store.u.db.table, "custom");
	assert_int_equal(f->store.u.db.if_exists, HY_IF_EXISTS_REPLACE);
	assert_int_equal(f->store.u.db.parallel_workers, 3);
	assert_int_equal(f->run_type, HY_RUN_INCREMENTAL);
	assert_string_equal(f->watermark.watermark_column, "ts");
	assert_string_equal(ws->flows[1].name, "t_a");
	assert_string_equal(ws->flows[1].home.u.file.path, "in/a");
	assert_string_equal(ws->flows[1].store.u.file.path, "out/a");
	assert_string_equal(ws->flows[2].name, "t_b");
	assert_string_equal(ws->flows[2].home.u.file.path, "in/sub"); /* joined, not appended */
	assert_string_equal(ws->flows[2].store.u.file.path, "out/b");
	assert_int_equal(ws->nwarnings, 0);
	hy_workspace_destroy(ws);
}

static void test_runtime_registry(void **state)
{
	struct hy_workspace_options o = defaults(SHOP);
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};
	const struct hy_cfg_type *adls = hy_cfg_type_find(HY_CFG_STORE, "adls");

	(void)state;
	assert_non_null(adls);
	assert_null(hy_cfg_type_find(HY_CFG_HOME, "adls"));
	assert_int_equal(hy_cfg_type_require_runtime(adls, &err), HY_EUNSUPPORTED);
	assert_string_equal(err.msg, "store type 'adls' is not available in this build");
	hy_error_init(&err);
	assert_int_equal(hy_workspace_load(&o, &ws, &err), 0);
	assert_int_equal(hy_workspace_require_runtimes(ws, &err), HY_EUNSUPPORTED);
	/* parquet, local and sqlite have runtimes: the first flow without is mirror's. */
	assert_true(hy_cfg_type_find(HY_CFG_HOME, "parquet")->runtime);
	assert_true(hy_cfg_type_find(HY_CFG_STORE, "sqlite")->runtime);
	assert_string_equal(err.msg, "Failed to create flow 'mirror_Account': home type "
				     "'mssql' is not available in this build");
	hy_workspace_destroy(ws);
}

static void test_every_table_has_help(void **state)
{
	(void)state;
	for (const struct hy_cfg_type *const *t = hy_cfg_types(); *t != NULL; t++) {
		assert_non_null((*t)->summary);
		assert_non_null(hy_cfg_option_find((*t)->options, "type"));
		for (const struct hy_option *opt = (*t)->options; opt->name != NULL; opt++)
			assert_non_null(opt->help);
	}
}

static void test_load_under_alloc_failure(void **state)
{
	struct hy_workspace_options o = defaults(SHOP);
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_workspace_load(&o, &ws, &err);
		hy_workspace_destroy(ws);
		ws = NULL;
	});
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_shop_flows_and_names),
	cmocka_unit_test(test_shop_resolved_values),
	cmocka_unit_test(test_filter_and_no_match),
	cmocka_unit_test(test_overrides),
	cmocka_unit_test(test_cli_run_type_beats_legacy_full_drop),
	cmocka_unit_test(test_concurrency_from_pools),
	cmocka_unit_test(test_warnings_once_with_suggestion),
	cmocka_unit_test(test_env_expansion),
	cmocka_unit_test(test_load_errors),
	cmocka_unit_test(test_create_errors),
	cmocka_unit_test(test_onelake_default_path_and_entity_segment),
	cmocka_unit_test(test_entity_merge_rules),
	cmocka_unit_test(test_runtime_registry),
	cmocka_unit_test(test_every_table_has_help),
	cmocka_unit_test(test_load_under_alloc_failure),
};

HY_TEST_MAIN(tests)
