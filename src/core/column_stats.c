/* Min/max statistics over a column or a slice, for parquet statistics and
 * incremental watermarks. One pass, no allocation. */
#include <math.h>
#include <string.h>

#include "column_int.h"

static enum hy_value_kind kind_of(enum hy_type_id id)
{
	switch (id) {
	case HY_BOOL: return HY_VALUE_BOOL;
	case HY_INT8:
	case HY_INT16:
	case HY_INT32:
	case HY_INT64:
	case HY_DATE:
	case HY_TIME:
	case HY_TIMESTAMP:
	case HY_DURATION: return HY_VALUE_I64;
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
	case HY_UINT64: return HY_VALUE_U64;
	case HY_FLOAT32:
	case HY_FLOAT64: return HY_VALUE_F64;
	case HY_DECIMAL: return HY_VALUE_DEC;
	case HY_STRING:
	case HY_BINARY:
	case HY_FIXED_BINARY:
	case HY_UUID: return HY_VALUE_STR;
	case HY_NULL: break;
	}
	return HY_VALUE_NONE;
}

static int cmp_bytes(struct hy_str a, struct hy_str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n == 0 ? 0 : memcmp(a.ptr, b.ptr, n); /* memcmp compares unsigned bytes */

	if (c != 0)
		return c < 0 ? -1 : 1;
	return a.len < b.len ? -1 : a.len > b.len;
}

#define CMP3(x, y) ((x) < (y) ? -1 : (x) > (y))

int hy_value_cmp(const struct hy_value *a, const struct hy_value *b)
{
	if (a->kind == HY_VALUE_NONE || b->kind == HY_VALUE_NONE)
		return CMP3(a->kind != HY_VALUE_NONE, b->kind != HY_VALUE_NONE);
	HY_ASSERT(a->kind == b->kind);
	switch (a->kind) {
	case HY_VALUE_BOOL: return CMP3(a->v.b, b->v.b);
	case HY_VALUE_I64: return CMP3(a->v.i64, b->v.i64);
	case HY_VALUE_U64: return CMP3(a->v.u64, b->v.u64);
	case HY_VALUE_F64: return CMP3(a->v.f64, b->v.f64);
	case HY_VALUE_DEC: return CMP3(a->v.dec, b->v.dec);
	case HY_VALUE_STR: return cmp_bytes(a->v.str, b->v.str);
	case HY_VALUE_NONE: break;
	}
	return 0;
}

static void read_value(const struct hy_column *col, int64_t row, struct hy_value *out)
{
	switch (out->kind) {
	case HY_VALUE_BOOL: out->v.b = hy_column_get_bool(col, row); break;
	case HY_VALUE_I64: out->v.i64 = hy_column_get_i64(col, row); break;
	case HY_VALUE_U64: out->v.u64 = hy_column_get_u64(col, row); break;
	case HY_VALUE_F64: out->v.f64 = hy_column_get_f64(col, row); break;
	case HY_VALUE_DEC: out->v.dec = hy_column_get_decimal(col, row); break;
	case HY_VALUE_STR: out->v.str = hy_column_get_bytes(col, row); break;
	case HY_VALUE_NONE: break;
	}
}

int hy_column_min_max(const struct hy_column *col, struct hy_value *min, struct hy_value *max,
		      struct hy_error *err)
{
	struct hy_value cur;
	enum hy_value_kind kind = kind_of(col->type.id);

	memset(min, 0, sizeof(*min));
	memset(max, 0, sizeof(*max));
	min->type = max->type = col->type.id;
	if (kind == HY_VALUE_NONE)
		return hy_error_set(err, HY_EUNSUPPORTED, "no min/max for %s columns",
				    hy_type_name(col->type.id));
	memset(&cur, 0, sizeof(cur));
	cur.kind = kind;
	cur.type = col->type.id;
	/* Generic over the accessors: stats run once per row group, and the
	 * accessor switch is cheap next to encoding. */
	for (int64_t i = 0; i < col->length; i++) {
		if (hy_column_is_null(col, i))
			continue;
		read_value(col, i, &cur);
		if (kind == HY_VALUE_F64 && isnan(cur.v.f64))
			continue;
		if (min->kind == HY_VALUE_NONE || hy_value_cmp(&cur, min) < 0)
			*min = cur;
		if (max->kind == HY_VALUE_NONE || hy_value_cmp(&cur, max) > 0)
			*max = cur;
	}
	return 0;
}
