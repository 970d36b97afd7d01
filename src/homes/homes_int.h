/* Private to src/homes/: the ops table each built-in home type exports, for
 * the registry's built-in list. */
#ifndef HYGGE_HOMES_INT_H
#define HYGGE_HOMES_INT_H

#include "hygge/home.h"

extern const struct hy_home_ops hy_home_local_ops;   /* home_local.c: type local */
extern const struct hy_home_ops hy_home_parquet_ops; /* home_local.c: type parquet */

#endif /* HYGGE_HOMES_INT_H */
