/* Homes: where data lives. One file per type under src/homes/, behind the ops
 * table below; the runtime finds a type by name in the registry
 * (hy_home_registry_find) and never names a concrete type.
 *
 * Life of a home in a flow (one extraction attempt):
 *
 *   open(config, ctx)        on the flow's thread
 *   next_batch() * n         on the producer thread, until *out == NULL
 *   interrupt()              from the flow's thread, at any time, only when
 *                            the attempt is being abandoned (timeout, cancel)
 *   close()                  on the flow's thread, once the producer returned
 *
 * A retry opens a fresh home: homes keep no state between attempts.
 * One home object is used by one thread at a time, except interrupt(). */
#ifndef HYGGE_HOME_H
#define HYGGE_HOME_H

#include <stddef.h>

#include "hygge/batch.h"
#include "hygge/endpoint.h"
#include "hygge/registry.h"
#include "hygge/status.h"

struct hy_home;   /* the type's own object */
struct hy_option; /* hygge/option.h */
struct hy_watermark_config;

/* What an incremental run resumes after (behaviour.md §3.17): read only rows
 * whose `column` is greater than `last` (hy_watermark_value_parse() of the
 * journal's value, lookback applied). Borrowed for the call. A home without
 * set_watermark gets every row and the flow filters them itself. */
struct hy_watermark {
	const char *column;
	struct hy_value last;
	const struct hy_watermark_config *config; /* primary_key, lookback */
};

struct hy_home_ops {
	const char *type; /* "local", "parquet", "mssql", "postgres", ... */
	/* The type's option table (hygge/option.h); NULL until the type binds one. */
	const struct hy_option *options;
	/* `config` is the type's parsed config struct (opaque here), borrowed for
	 * the call. On success *out belongs to the caller: free with close(). */
	int (*open)(struct hy_home **out, const void *config, const struct hy_endpoint_context *ctx,
		    struct hy_error *err);
	/* The next batch (one reference, for the caller) or *out == NULL at the
	 * end. Empty batches are allowed (the flow skips them). */
	int (*next_batch)(struct hy_home *home, struct hy_batch **out, struct hy_error *err);
	/* Optional (NULL): push `column > last` down into the read (called
	 * after open, before the first next_batch, on every attempt). */
	int (*set_watermark)(struct hy_home *home, const struct hy_watermark *wm,
			     struct hy_error *err);
	/* Optional (NULL): makes a next_batch() blocked now or later return soon
	 * with an error (any status: the flow reports the timeout or the
	 * cancellation, not this error). Called from another thread while
	 * next_batch may run; must not free anything. A home whose next_batch can
	 * block for long (network reads) must have one: the flow waits for the
	 * producer to return before it closes the home. */
	void (*interrupt)(struct hy_home *home);
	/* Optional (NULL = hy_error_default_class). */
	hy_classify_fn classify;
	/* Frees. NULL is a no-op. */
	void (*close)(struct hy_home *home);
};

/* ---- registry ---- */

/* Most types one registry holds. */
#define HY_HOME_REGISTRY_MAX HY_REGISTRY_MAX

/* Adds a type. `ops` is borrowed for the life of the process (a static
 * table). HY_EINVAL when a required function or the type name is missing or
 * the name is taken; HY_ELIMIT past HY_HOME_REGISTRY_MAX. Thread-safe, but
 * register before runs start. */
int hy_home_register(const struct hy_home_ops *ops, struct hy_error *err) HY_WUR;

/* The ops of `type`, or NULL. Thread-safe. */
const struct hy_home_ops *hy_home_registry_find(const char *type);

/* Registers every home type built into hygge (idempotent): the CLI calls it
 * once at start. */
int hy_homes_register_builtin(struct hy_error *err) HY_WUR;

/* Removes a type (tests). Returns whether it was there. */
bool hy_home_unregister(const char *type);

#endif /* HYGGE_HOME_H */
