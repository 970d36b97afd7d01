/* The named table behind the home and store registries (registry.h). */
#include "hygge/registry.h"

#include <string.h>

/* Index of `name` or -1; the caller holds the lock. */
static long find_locked(const struct hy_registry *r, const char *name)
{
	for (size_t i = 0; i < r->count; i++) {
		if (strcmp(r->names[i], name) == 0)
			return (long)i;
	}
	return -1;
}

int hy_registry_add(struct hy_registry *r, const char *name, const void *item, struct hy_error *err)
{
	int rc = 0;

	pthread_mutex_lock(&r->lock);
	if (find_locked(r, name) >= 0) {
		rc = HY_EINVAL;
	} else if (r->count == HY_REGISTRY_MAX) {
		rc = HY_ELIMIT;
	} else {
		r->names[r->count] = name;
		r->items[r->count] = item;
		r->count++;
	}
	pthread_mutex_unlock(&r->lock);
	if (rc == HY_EINVAL)
		return hy_error_set(err, rc, "%s type '%s' is already registered", r->what, name);
	if (rc == HY_ELIMIT)
		return hy_error_set(err, rc, "more than %d %s types", HY_REGISTRY_MAX, r->what);
	return 0;
}

const void *hy_registry_find(struct hy_registry *r, const char *name)
{
	const void *item = NULL;
	long i;

	if (name == NULL)
		return NULL;
	pthread_mutex_lock(&r->lock);
	i = find_locked(r, name);
	if (i >= 0)
		item = r->items[i];
	pthread_mutex_unlock(&r->lock);
	return item;
}

bool hy_registry_remove(struct hy_registry *r, const char *name)
{
	size_t tail;
	long i;

	if (name == NULL)
		return false;
	pthread_mutex_lock(&r->lock);
	i = find_locked(r, name);
	if (i >= 0) {
		tail = r->count - (size_t)i - 1;
		memmove(&r->names[i], &r->names[i + 1], tail * sizeof(r->names[0]));
		memmove(&r->items[i], &r->items[i + 1], tail * sizeof(r->items[0]));
		r->count--;
	}
	pthread_mutex_unlock(&r->lock);
	return i >= 0;
}
