/* What homes and stores share: the run type, the context a flow hands to a
 * home or store when it opens one, and the transient/terminal classification
 * of failures that drives the flow's retries (decisions.md D2).
 *
 * The runtime (src/run/) knows homes and stores only through the ops tables of
 * hygge/home.h and hygge/store.h and this header; it never names a type. */
#ifndef HYGGE_ENDPOINT_H
#define HYGGE_ENDPOINT_H

#include <stdbool.h>

#include "hygge/pool.h"
#include "hygge/status.h"

/* How a store publishes (architecture.md §4). */
enum hy_run_type {
	HY_RUN_INCREMENTAL = 0, /* append */
	HY_RUN_FULL_DROP = 1,   /* replace the destination's contents at publish */
};

/* "incremental" / "full_drop". Never NULL. */
static inline const char *hy_run_type_name(enum hy_run_type type)
{
	return type == HY_RUN_FULL_DROP ? "full_drop" : "incremental";
}

/* Handed to a home's or store's open(); borrowed for the duration of the call
 * (copy what you keep). */
struct hy_endpoint_context {
	const char *flow_name;        /* the entity flow, e.g. "users_to_lake" or "sf_Account";
				       * use it as the log scope: hy_log_info(ctx->flow_name, ...) */
	const char *base_flow;        /* the flow folder name */
	const char *entity;           /* NULL for an entity-less flow */
	const char *coordinator_name; /* project name (D5) */
	enum hy_run_type run_type;
	int attempt; /* 1-based extraction attempt that opens it (homes are reopened per attempt) */
	/* The run's shared CPU pool (one thread per core, architecture.md §5) for
	 * parallel column decode/encode; borrowed for the run; NULL = none
	 * (work on the calling thread). */
	struct hy_pool *pool;
};

/* Failure classes for the retry decision (D2). A type's ops table may carry
 * its own classifier; without one, hy_error_default_transient() decides. */
enum hy_failure_class {
	HY_FAILURE_TERMINAL = 0,  /* bad config, missing column, permission: fail at once */
	HY_FAILURE_TRANSIENT = 1, /* may pass when retried: the flow tries again */
};

/* The default classification by status code. Engines report:
 *   HY_ECONNECT  connection refused or lost, SQL Server deadlock victim (1205),
 *                throttling (HTTP 429/503, SQL 40501, 40613, 49918-49920)
 *   HY_ETIMEOUT  a network or lock timeout inside the engine
 * and both are transient; every other status is terminal. (The flow's own
 * per-attempt extraction timeout is terminal: it is not the engine's.) */
static inline enum hy_failure_class hy_error_default_class(const struct hy_error *err)
{
	if (err == NULL)
		return HY_FAILURE_TERMINAL;
	return err->code == HY_ECONNECT || err->code == HY_ETIMEOUT ? HY_FAILURE_TRANSIENT
								    : HY_FAILURE_TERMINAL;
}

/* A type's own classifier, for errors its functions reported. */
typedef enum hy_failure_class (*hy_classify_fn)(const struct hy_error *err);

#endif /* HYGGE_ENDPOINT_H */
