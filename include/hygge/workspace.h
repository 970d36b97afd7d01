/* The workspace: a project folder (hygge.yml + flows/<flow>/flow.yml +
 * flows/<flow>/entities/<entity>.yml) read into a list of entity flows, each with
 * its home, store, run type, queue size, timeout, watermark and journal
 * resolved and validated (behaviour.md §2, decisions.md D5, D6, D17, D18).
 *
 * Loading happens in two stages, as in the reference:
 *  1. every flow directory is read (flow.yml, entities, types checked); an
 *     error here is "Failed to load flow <name>: <detail>";
 *  2. for each entity that passes the --flow/--entity filter the entity is
 *     merged into the flow, --var overrides and the run-type override are
 *     applied, placeholders are resolved and everything is read through the
 *     type's option table; an error is "Failed to create entity '<e>' in
 *     flow '<f>': <detail>" or "Failed to create flow '<f>': <detail>".
 * Every detail has the house form "file:line:col: key.path: message".
 *
 * Nothing here touches the disk except to read the configuration. */
#ifndef HYGGE_WORKSPACE_H
#define HYGGE_WORKSPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/cfgtypes.h"
#include "hygge/config.h"
#include "hygge/status.h"

struct hy_entity_flow {
	char *name;               /* "<flow>" or "<flow>_<entity>" */
	char *base_flow;          /* the flow directory's name */
	char *entity;             /* NULL for a flow without entities */
	struct hy_cfg_node *tree; /* the merged flow config; every string below borrows from it */
	struct hy_home_config home;
	struct hy_store_config store;
	enum hy_run_type run_type;
	int64_t queue_size;
	int64_t timeout; /* seconds per extraction attempt (D6) */
	struct hy_watermark_config watermark;
	struct hy_journal_config journal; /* entity > flow > hygge.yml */
	/* Strings built while resolving (paths joined onto the root); freed with the flow. */
	char **owned;
	size_t nowned;
};

struct hy_workspace {
	char *root;                  /* absolute folder of hygge.yml */
	char *name;                  /* project name */
	char *flows_dir;             /* as written ("flows") */
	char *flows_path;            /* absolute */
	struct hy_cfg_node *project; /* hygge.yml, expanded */
	struct hy_connection_config *connections;
	size_t nconnections;
	struct hy_journal_config journal;
	int64_t concurrency; /* resolved (behaviour.md §3.1, D5) */
	bool continue_on_error;
	/* Every base flow and every entity flow of the project, sorted, whether
	 * or not the filter picked it (for messages and `hygge debug`). */
	char **base_names;
	size_t nbase;
	char **all_flow_names;
	size_t nall;
	/* The entity flows to run, in flow-directory then entity order. */
	struct hy_entity_flow *flows;
	size_t nflows;
	/* Warnings (unknown keys, deprecated values), house form, each once. */
	char **warnings;
	size_t nwarnings;
	/* Internal: per-flow templates (stage 1). */
	struct hy__ws_flow *templates;
	size_t ntemplates;
};

struct hy_workspace_options {
	const char *start_dir; /* where discovery starts; NULL: the CWD */
	/* --var overrides: mapping base flow -> tree (hy_cfg_var_parse), or NULL. */
	const struct hy_cfg_node *vars;
	int run_type_override;     /* -1 none, else enum hy_run_type (beats full_drop:, D17) */
	const char *const *filter; /* base or entity flow names; NULL or empty: all */
	size_t nfilter;
	int64_t concurrency;     /* 0: not given on the command line */
	int continue_on_error;   /* -1: not given, 0/1 */
	hy_cfg_getenv_fn getenv; /* NULL: getenv() */
	void *getenv_user;
};

/* Loads and validates the project. *out is freed with hy_workspace_destroy()
 * (also filled, partly, on failure, so callers can show warnings). Errors:
 * HY_ECONFIG (with the messages of behaviour.md §2.14), HY_EIO, HY_ENOMEM. */
int hy_workspace_load(const struct hy_workspace_options *opts, struct hy_workspace **out,
		      struct hy_error *err) HY_WUR;
void hy_workspace_destroy(struct hy_workspace *ws);

/* HY_EUNSUPPORTED "store type 'adls' is not available in this build" for
 * the first flow whose home or store type has no runtime yet, prefixed with
 * "Failed to create flow '<f>': ". */
int hy_workspace_require_runtimes(const struct hy_workspace *ws, struct hy_error *err) HY_WUR;

#endif /* HYGGE_WORKSPACE_H */
