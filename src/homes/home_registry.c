/* The home registry: ops tables by type name in the core's named table
 * (registry.h: locking, limits, messages), filled by registration functions
 * (no constructors before main). */
#include "hygge/home.h"

#include "homes_int.h"

#include "hygge/registry.h"

static struct hy_registry registry = HY_REGISTRY_INIT("home");

int hy_home_register(const struct hy_home_ops *ops, struct hy_error *err)
{
	if (ops == NULL || ops->type == NULL || ops->type[0] == 0 || ops->open == NULL ||
	    ops->next_batch == NULL || ops->close == NULL)
		return hy_error_set(err, HY_EINVAL,
				    "a home type needs a name, open, next_batch and close");
	return hy_registry_add(&registry, ops->type, ops, err);
}

const struct hy_home_ops *hy_home_registry_find(const char *type)
{
	return hy_registry_find(&registry, type);
}

bool hy_home_unregister(const char *type)
{
	return hy_registry_remove(&registry, type);
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
