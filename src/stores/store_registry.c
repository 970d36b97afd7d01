/* The store registry: ops tables by type name in the core's named table
 * (registry.h: locking, limits, messages), filled by registration functions
 * (no constructors before main). */
#include "hygge/store.h"

#include "stores_int.h"

#include "hygge/registry.h"

static struct hy_registry registry = HY_REGISTRY_INIT("store");

int hy_store_register(const struct hy_store_ops *ops, struct hy_error *err)
{
	if (ops == NULL || ops->type == NULL || ops->type[0] == 0 || ops->open == NULL ||
	    ops->write == NULL || ops->finish == NULL || ops->abort == NULL || ops->close == NULL)
		return hy_error_set(
			err, HY_EINVAL,
			"a store type needs a name, open, write, finish, abort and close");
	return hy_registry_add(&registry, ops->type, ops, err);
}

const struct hy_store_ops *hy_store_registry_find(const char *type)
{
	return hy_registry_find(&registry, type);
}

bool hy_store_unregister(const char *type)
{
	return hy_registry_remove(&registry, type);
}

/* The store types built into hygge, in the order `hygge debug` lists them.
 * Each type's file exports its ops table; add it here. */
static const struct hy_store_ops *const builtin[] = {
	&hy_store_parquet_ops, &hy_store_local_ops, &hy_store_sqlite_ops,
	/* mssql, postgres, adls, onelake, open_mirroring bind their engines here */
};

int hy_stores_register_builtin(struct hy_error *err)
{
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		if (builtin[i] == NULL || hy_store_registry_find(builtin[i]->type) == builtin[i])
			continue;
		HY_TRY(hy_store_register(builtin[i], err));
	}
	return 0;
}
