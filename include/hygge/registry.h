/* A small named table of pointers, shared by the home and store registries:
 * the runtime finds a type's ops by name and never names a concrete type.
 * Registration happens at start-up, lookups from every flow thread, so every
 * call takes the table's lock (a leaf lock: nothing is called under it). */
#ifndef HYGGE_REGISTRY_H
#define HYGGE_REGISTRY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "hygge/status.h"

#define HY_REGISTRY_MAX 64

struct hy_registry {
	pthread_mutex_t lock;
	const char *what;                   /* immutable: "home", "store" (messages) */
	const char *names[HY_REGISTRY_MAX]; /* lock; borrowed from the items */
	const void *items[HY_REGISTRY_MAX]; /* lock; borrowed, never freed here */
	size_t count;                       /* lock */
};

/* A static initialiser: `static struct hy_registry r = HY_REGISTRY_INIT("home");` */
#define HY_REGISTRY_INIT(what_)                                                                    \
	{                                                                                          \
		PTHREAD_MUTEX_INITIALIZER, (what_), {0}, {0}, 0                                    \
	}

/* Adds `item` under `name` (both borrowed: they must outlive the table).
 * HY_EINVAL "<what> type '<name>' is already registered"; HY_ELIMIT past
 * HY_REGISTRY_MAX. */
int hy_registry_add(struct hy_registry *r, const char *name, const void *item,
		    struct hy_error *err) HY_WUR;
/* The item registered under `name`, or NULL (also for a NULL name). */
const void *hy_registry_find(struct hy_registry *r, const char *name);
/* Removes `name`; false when it was not there. */
bool hy_registry_remove(struct hy_registry *r, const char *name);

#endif /* HYGGE_REGISTRY_H */
