/* The canonical text of a column value (tests/oracle/golden.mjs renders the
 * same from two independent Parquet readers; docs/internals/parquet.md,
 * "Golden test"): values joined by "\n" in file order, md5 of the whole.
 *
 *   null                 \N
 *   bool                 true / false
 *   integers             decimal
 *   float32/64           the value as a float64: 16 lowercase hex digits of
 *                        its IEEE-754 bits (big-endian); every NaN is "NaN"
 *   decimal(p,s)         the exact value with s fraction digits ("-1.50")
 *   string               the UTF-8 bytes as they are
 *   binary, fixed, uuid  lowercase hex
 *   date, time, timestamp, duration   the integer in the type's unit */
#ifndef HY_PQ_RENDER_H
#define HY_PQ_RENDER_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "hygge/batch.h"
#include "hygge/buffer.h"
#include "hygge/types.h"

static inline void pqr_i128(hy_i128 v, int scale, char *out)
{
	char tmp[64];
	int n = 0, k = 0;
	hy_u128 u = v < 0 ? (hy_u128)0 - (hy_u128)v : (hy_u128)v;

	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u != 0 || n <= scale);
	if (v < 0)
		out[k++] = '-';
	while (n > 0) {
		out[k++] = tmp[--n];
		if (n == scale && scale > 0)
			out[k++] = '.';
	}
	out[k] = 0;
}

/* Appends the canonical text of `row` to `out`. */
static inline int pqr_value(const struct hy_column *col, int64_t row, struct hy_buf *out,
			    struct hy_error *err)
{
	char t[96];

	if (hy_column_is_null(col, row))
		return hy_buf_append(out, "\\N", 2, err);
	switch (col->type.id) {
	case HY_NULL: return hy_buf_append(out, "\\N", 2, err);
	case HY_BOOL:
		return hy_buf_appendf(out, err, "%s",
				      hy_column_get_bool(col, row) ? "true" : "false");
	case HY_INT8:
	case HY_INT16:
	case HY_INT32:
	case HY_INT64:
	case HY_DATE:
	case HY_TIME:
	case HY_TIMESTAMP:
	case HY_DURATION:
		return hy_buf_appendf(out, err, "%lld", (long long)hy_column_get_i64(col, row));
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
	case HY_UINT64:
		return hy_buf_appendf(out, err, "%llu",
				      (unsigned long long)hy_column_get_u64(col, row));
	case HY_FLOAT32:
	case HY_FLOAT64: {
		double d = hy_column_get_f64(col, row);
		uint64_t bits;

		if (isnan(d))
			return hy_buf_append(out, "NaN", 3, err);
		memcpy(&bits, &d, 8);
		return hy_buf_appendf(out, err, "%016llx", (unsigned long long)bits);
	}
	case HY_DECIMAL:
		pqr_i128(hy_column_get_decimal(col, row), col->type.scale, t);
		return hy_buf_appendf(out, err, "%s", t);
	case HY_STRING: {
		struct hy_str s = hy_column_get_bytes(col, row);

		return hy_buf_append(out, s.ptr, s.len, err);
	}
	case HY_BINARY:
	case HY_FIXED_BINARY:
	case HY_UUID: {
		struct hy_str s = hy_column_get_bytes(col, row);

		for (size_t i = 0; i < s.len; i++)
			HY_TRY(hy_buf_appendf(out, err, "%02x", (unsigned)(uint8_t)s.ptr[i]));
		return 0;
	}
	}
	return hy_error_set(err, HY_EINVAL, "no rendering for %s", hy_type_name(col->type.id));
}

/* Rows, non-null rows and the md5 of one column over all batches. */
struct pqr_digest {
	EVP_MD_CTX *md;
	int64_t rows, nonnull;
	struct hy_buf line;
	char hex[33];
};

static inline void pqr_begin(struct pqr_digest *d)
{
	memset(d, 0, sizeof(*d));
	d->md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(d->md, EVP_md5(), NULL);
	hy_buf_init(&d->line, (size_t)1 << 31);
}

static inline int pqr_add(struct pqr_digest *d, const struct hy_column *col, struct hy_error *err)
{
	for (int64_t r = 0; r < col->length; r++) {
		hy_buf_clear(&d->line);
		if (d->rows > 0)
			HY_TRY(hy_buf_append(&d->line, "\n", 1, err));
		HY_TRY(pqr_value(col, r, &d->line, err));
		EVP_DigestUpdate(d->md, d->line.data, d->line.len);
		d->rows++;
		d->nonnull += !hy_column_is_null(col, r);
	}
	return 0;
}

static inline void pqr_end(struct pqr_digest *d)
{
	unsigned char h[16];
	unsigned int n = 0;

	EVP_DigestFinal_ex(d->md, h, &n);
	EVP_MD_CTX_free(d->md);
	for (int i = 0; i < 16; i++)
		snprintf(d->hex + 2 * i, 3, "%02x", h[i]);
	hy_buf_reset(&d->line);
}

#endif /* HY_PQ_RENDER_H */
