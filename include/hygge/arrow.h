/* Arrow C data interface: export a batch to any Arrow consumer, import one
 * from any Arrow producer.
 *
 * struct ArrowSchema and struct ArrowArray are an ABI defined by the Arrow
 * project (https://arrow.apache.org/docs/format/CDataInterface.html); they are
 * declared as the specification declares them, with its guard macros, so that
 * this header can sit next to arrow/c/abi.h or nanoarrow.h in either order. Their names break the
 * house `hy_` rule on purpose: the ABI fixes them.
 *
 * Type mapping, ownership and the decimal decision: docs/internals/core.md.
 */
#ifndef HYGGE_ARROW_H
#define HYGGE_ARROW_H

#include <stdint.h>

#include "hygge/batch.h"
#include "hygge/status.h"

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE           2
#define ARROW_FLAG_MAP_KEYS_SORTED    4

struct ArrowSchema {
	/* Array type description */
	const char *format;
	const char *name;
	const char *metadata;
	int64_t flags;
	int64_t n_children;
	struct ArrowSchema **children;
	struct ArrowSchema *dictionary;

	/* Release callback */
	void (*release)(struct ArrowSchema *);
	/* Opaque producer-specific data */
	void *private_data;
};

struct ArrowArray {
	/* Array data description */
	int64_t length;
	int64_t null_count;
	int64_t offset;
	int64_t n_buffers;
	int64_t n_children;
	const void **buffers;
	struct ArrowArray **children;
	struct ArrowArray *dictionary;

	/* Release callback */
	void (*release)(struct ArrowArray *);
	/* Opaque producer-specific data */
	void *private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */

/* The C stream interface, unused by hygge so far, is declared too because
 * Arrow's own abi.h declares both, and nanoarrow skips both when it sees
 * ARROW_FLAG_DICTIONARY_ORDERED: without it, including nanoarrow.h after this
 * header would leave struct ArrowArrayStream undefined. */
#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
	/* The stream's type, the same for every array; 0 or an errno code. The
	 * schema is released independently of the stream. */
	int (*get_schema)(struct ArrowArrayStream *, struct ArrowSchema *out);
	/* The next array (released = end of stream); 0 or an errno code. */
	int (*get_next)(struct ArrowArrayStream *, struct ArrowArray *out);
	/* Description of the last error, valid until the next call; may be NULL. */
	const char *(*get_last_error)(struct ArrowArrayStream *);
	/* Releases the stream's own resources, not the arrays it returned. */
	void (*release)(struct ArrowArrayStream *);
	/* Opaque producer-specific data */
	void *private_data;
};

#endif /* ARROW_C_STREAM_INTERFACE */

/* Exports `batch` as a struct array ("+s") with one child per column. The
 * caller owns both outputs and must call their release callbacks (as the
 * specification requires of any consumer); the array keeps the batch's
 * buffers alive through references, so the batch may be unref'd first, and
 * the buffers are shared, not copied (except decimals of 18 digits or fewer,
 * widened to decimal128). A slice keeps its offset in each child. On failure
 * both outputs are left released (release == NULL) and nothing leaks. */
int hy_batch_export_arrow(struct hy_batch *batch, struct ArrowSchema *out_schema,
			  struct ArrowArray *out_array, struct hy_error *err) HY_WUR;

/* Imports a struct array and its schema as a batch (one reference in
 * `*out`). Move semantics: this function takes ownership of both structs
 * whatever it returns, marks them released (release = NULL) in the caller's
 * memory, releases the schema before returning and the array when the last
 * column that shares its buffers is gone. Buffers are shared, not copied,
 * except decimal128 values of 18 digits or fewer (narrowed to int64).
 * HY_EUNSUPPORTED for Arrow types hygge has no mapping for (the message names
 * the column and format), HY_EINVAL for a malformed array. */
int hy_batch_import_arrow(struct ArrowSchema *schema, struct ArrowArray *array,
			  struct hy_batch **out, struct hy_error *err) HY_WUR;

#endif /* HYGGE_ARROW_H */
