/* Private to src/stores/: the ops table each built-in store type exports,
 * for the registry's built-in list. */
#ifndef HYGGE_STORES_INT_H
#define HYGGE_STORES_INT_H

#include "hygge/store.h"

extern const struct hy_store_ops hy_store_local_ops;   /* store_local.c: type local */
extern const struct hy_store_ops hy_store_parquet_ops; /* store_local.c: type parquet */
extern const struct hy_store_ops hy_store_sqlite_ops;  /* store_sqlite_ops.c: type sqlite */

#endif /* HYGGE_STORES_INT_H */
