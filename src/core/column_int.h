/* Private to the batch module (column.c, column_builder.c, batch.c,
 * column_stats.c, arrow_export.c): bitmap helpers and raw constructors. */
#ifndef HYGGE_COLUMN_INT_H
#define HYGGE_COLUMN_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "hygge/batch.h"

static inline bool hy__bit_get(const uint8_t *bits, int64_t i)
{
	return (bits[i >> 3] >> (i & 7)) & 1;
}

static inline void hy__bit_set(uint8_t *bits, int64_t i, bool v)
{
	if (v)
		bits[i >> 3] |= (uint8_t)(1u << (i & 7));
	else
		bits[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}

/* Copies n bits from src (starting at bit src_off) to dst (at dst_off); bits
 * of dst outside the range keep their value. */
void hy__bitmap_copy(uint8_t *dst, int64_t dst_off, const uint8_t *src, int64_t src_off, int64_t n);
/* Set bits in [off, off+n). */
int64_t hy__bitmap_count_set(const uint8_t *bits, int64_t off, int64_t n);

/* A column struct that takes over the caller's references to the buffers and
 * dictionary passed in, even on failure (they are dropped then). null_count
 * < 0 means "count it from the validity bitmap". */
int hy__column_create(const struct hy_dtype *type, int64_t length, int64_t offset,
		      int64_t null_count, struct hy_rcbuf *validity, struct hy_rcbuf *values,
		      struct hy_rcbuf *data, struct hy_column *dictionary, struct hy_column **out,
		      struct hy_error *err);

#endif /* HYGGE_COLUMN_INT_H */
