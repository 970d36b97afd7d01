/* The home registry: a fixed table of ops, filled by registration functions
 * (no constructors before main). Registration happens at start-up; lookups
 * come from every flow thread, so both take `lock` (a leaf lock: nothing is
 * called under it). */
#include "hygge/home.h"

#include "homes_int.h"

#include <pthread.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const struct hy_home_ops *table[HY_HOME_REGISTRY_MAX]; /* lock */
static size_t count;                                          /* lock */

/* Index of `type` in the table or -1; caller holds the lock. */
static long find_locked(const char *type)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(table[i]->type, type) == 0)
			return (long)i;
	}
	return -1;
}

int hy_home_register(const struct hy_home_ops *ops, struct hy_error *err)
{
	int rc = 0;

	if (ops == NULL || ops->type == NULL || ops->type[0] == 0 || ops->open == NULL ||
	    ops->next_batch == NULL || ops->close == NULL)
		return hy_error_set(err, HY_EINVAL,
				    "a home type needs a name, open, next_batch and close");
	pthread_mutex_lock(&lock);
	if (find_locked(ops->type) >= 0)
		rc = HY_EINVAL;
	else if (count == HY_HOME_REGISTRY_MAX)
		rc = HY_ELIMIT;
	else
		table[count++] = ops;
	pthread_mutex_unlock(&lock);
	if (rc == HY_EINVAL)
		return hy_error_set(err, rc, "home type '%s' is already registered", ops->type);
	if (rc == HY_ELIMIT)
		return hy_error_set(err, rc, "more than %d home types", HY_HOME_REGISTRY_MAX);
	return 0;
}

const struct hy_home_ops *hy_home_registry_find(const char *type)
{
	const struct hy_home_ops *ops = NULL;
	long i;

	if (type == NULL)
		return NULL;
	pthread_mutex_lock(&lock);
	i = find_locked(type);
	if (i >= 0)
		ops = table[i];
	pthread_mutex_unlock(&lock);
	return ops;
}

bool hy_home_unregister(const char *type)
{
	long i;

	if (type == NULL)
		return false;
	pthread_mutex_lock(&lock);
	i = find_locked(type);
	if (i >= 0) {
		memmove(&table[i], &table[i + 1],
			(count - (size_t)i - 1) * sizeof(const struct hy_home_ops *));
		count--;
	}
	pthread_mutex_unlock(&lock);
	return i >= 0;
}

/* The home types built into hygge, in the order `hygge debug` lists them.
 * Each type's file exports its ops table; add it here. */
static const struct hy_home_ops *const builtin[] = {
	&hy_home_parquet_ops, &hy_home_local_ops,
	/* mssql, postgres come with their engines */
};

int hy_homes_register_builtin(struct hy_error *err)
{
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		if (builtin[i] == NULL || hy_home_registry_find(builtin[i]->type) == builtin[i])
			continue;
		HY_TRY(hy_home_register(builtin[i], err));
	}
	return 0;
}
