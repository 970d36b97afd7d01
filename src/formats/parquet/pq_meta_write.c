/* The writer's metadata: how each hygge type maps to a Parquet physical,
 * logical and converted type (parquet.md section 8), the sort order of its
 * statistics (section 9), and the Thrift encoding of SchemaElement,
 * Statistics, ColumnIndex and OffsetIndex (sections 3 and 10). */
#include <string.h>

#include "pq_writer_int.h"

static void set_int(struct hy__pqw_leaf *l, int bits, bool is_signed, int ct)
{
	l->logical.kind = HY_PQ_LT_INTEGER;
	l->logical.bit_width = (int8_t)bits;
	l->logical.is_signed = is_signed;
	l->converted = ct;
}

/* Bytes of the smallest FLBA holding `precision` digits (parquet.md section 8). */
static int32_t decimal_flba_width(int precision)
{
	static const int digits[17] = {0,  2,  4,  6,  9,  11, 14, 16, 18,
				       21, 23, 26, 28, 31, 33, 35, 38};

	for (int32_t n = 1; n <= 16; n++)
		if (digits[n] >= precision)
			return n;
	return 16;
}

/* Times and timestamps: target unit and the factor from the source unit. */
static void set_unit(struct hy__pqw_leaf *l, int src, int target)
{
	static const int64_t per_sec[4] = {1, 1000, 1000000, 1000000000};

	l->logical.unit = target == HY_UNIT_MILLI   ? HY_PQ_UNIT_MILLIS
			  : target == HY_UNIT_MICRO ? HY_PQ_UNIT_MICROS
						    : HY_PQ_UNIT_NANOS;
	l->mul = 1;
	l->div = 1;
	if (per_sec[target] >= per_sec[src])
		l->mul = per_sec[target] / per_sec[src];
	else
		l->div = per_sec[src] / per_sec[target];
}

static void map_time(struct hy__pqw_leaf *l, const struct hy_dtype *t, int ts_unit)
{
	l->logical.kind = HY_PQ_LT_TIME;
	/* A hygge time is a wall-clock time of day without a zone: not adjusted
	 * to UTC (DuckDB reads adjusted times as TIME WITH TIME ZONE). The
	 * converted type is still written, as DuckDB does. */
	l->logical.adjusted_to_utc = false;
	if (t->unit <= HY_UNIT_MILLI) {
		l->ptype = HY_PQ_INT32;
		l->conv = HY__PQW_I32;
		l->order = HY__PQW_ORD_S32;
		l->converted = HY_PQ_CT_TIME_MILLIS;
		set_unit(l, (int)t->unit, HY_UNIT_MILLI);
		return;
	}
	l->ptype = HY_PQ_INT64;
	l->conv = HY__PQW_I64;
	l->order = HY__PQW_ORD_S64;
	if (t->unit == HY_UNIT_NANO && ts_unit == HY_UNIT_NANO) {
		set_unit(l, HY_UNIT_NANO, HY_UNIT_NANO);
	} else {
		l->converted = HY_PQ_CT_TIME_MICROS;
		set_unit(l, (int)t->unit, HY_UNIT_MICRO);
	}
}

static void map_timestamp(struct hy__pqw_leaf *l, const struct hy_dtype *t, int ts_unit)
{
	l->ptype = HY_PQ_INT64;
	l->conv = HY__PQW_I64;
	l->order = HY__PQW_ORD_S64;
	l->logical.kind = HY_PQ_LT_TIMESTAMP;
	l->logical.adjusted_to_utc = t->tz[0] != '\0';
	if (t->unit == HY_UNIT_NANO && ts_unit == HY_UNIT_NANO) {
		set_unit(l, HY_UNIT_NANO, HY_UNIT_NANO);
	} else {
		/* The spec asks for TIMESTAMP_MICROS even when not adjusted to UTC. */
		l->converted = HY_PQ_CT_TIMESTAMP_MICROS;
		set_unit(l, (int)t->unit, HY_UNIT_MICRO);
	}
}

static void map_decimal(struct hy__pqw_leaf *l, const struct hy_dtype *t)
{
	l->logical.kind = HY_PQ_LT_DECIMAL;
	l->logical.precision = t->precision;
	l->logical.scale = t->scale;
	l->converted = HY_PQ_CT_DECIMAL;
	if (t->precision <= 9) {
		l->ptype = HY_PQ_INT32;
		l->conv = HY__PQW_DEC64_32;
		l->order = HY__PQW_ORD_S32;
	} else if (t->precision <= 18) {
		l->ptype = HY_PQ_INT64;
		l->conv = HY__PQW_I64;
		l->order = HY__PQW_ORD_S64;
	} else {
		l->ptype = HY_PQ_FIXED_LEN_BYTE_ARRAY;
		l->type_length = decimal_flba_width(t->precision);
		l->conv = HY__PQW_DEC128;
		l->order = HY__PQW_ORD_DEC_BE;
	}
}

static void map_int(struct hy__pqw_leaf *l, enum hy_type_id id)
{
	bool is64 = id == HY_INT64 || id == HY_UINT64;

	l->ptype = is64 ? HY_PQ_INT64 : HY_PQ_INT32;
	l->order = is64 ? HY__PQW_ORD_S64 : HY__PQW_ORD_S32;
	switch (id) {
	case HY_INT8:
		l->conv = HY__PQW_I8;
		set_int(l, 8, true, HY_PQ_CT_INT_8);
		break;
	case HY_INT16:
		l->conv = HY__PQW_I16;
		set_int(l, 16, true, HY_PQ_CT_INT_16);
		break;
	case HY_INT32: l->conv = HY__PQW_I32; break;
	case HY_INT64: l->conv = HY__PQW_I64; break;
	case HY_UINT8:
		l->conv = HY__PQW_U8;
		set_int(l, 8, false, HY_PQ_CT_UINT_8);
		break;
	case HY_UINT16:
		l->conv = HY__PQW_U16;
		set_int(l, 16, false, HY_PQ_CT_UINT_16);
		break;
	case HY_UINT32:
		l->conv = HY__PQW_I32;
		set_int(l, 32, false, HY_PQ_CT_UINT_32);
		break;
	default:
		l->conv = HY__PQW_I64;
		set_int(l, 64, false, HY_PQ_CT_UINT_64);
		break;
	}
	if (id == HY_UINT8 || id == HY_UINT16 || id == HY_UINT32)
		l->order = HY__PQW_ORD_U32;
	if (id == HY_UINT64)
		l->order = HY__PQW_ORD_U64;
}

int hy__pqw_leaf_init(struct hy__pqw_leaf *l, const struct hy_field *field,
		      const struct hy_pq_writer_options *opts, struct hy_error *err)
{
	const struct hy_dtype *t = &field->type;

	memset(l, 0, sizeof(*l));
	l->field = field;
	l->converted = HY_PQ_CT_NONE;
	l->mul = l->div = 1;
	l->optional = field->nullable || t->id == HY_NULL;
	switch (t->id) {
	case HY_NULL:
		l->ptype = HY_PQ_INT32;
		l->conv = HY__PQW_NULL;
		l->logical.kind = HY_PQ_LT_UNKNOWN;
		break;
	case HY_BOOL:
		l->ptype = HY_PQ_BOOLEAN;
		l->conv = HY__PQW_BOOL;
		l->order = HY__PQW_ORD_BOOL;
		break;
	case HY_INT8:
	case HY_INT16:
	case HY_INT32:
	case HY_INT64:
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
	case HY_UINT64: map_int(l, t->id); break;
	case HY_FLOAT32:
		l->ptype = HY_PQ_FLOAT;
		l->conv = HY__PQW_F32;
		l->order = HY__PQW_ORD_F32;
		break;
	case HY_FLOAT64:
		l->ptype = HY_PQ_DOUBLE;
		l->conv = HY__PQW_F64;
		l->order = HY__PQW_ORD_F64;
		break;
	case HY_DECIMAL: map_decimal(l, t); break;
	case HY_STRING:
		l->logical.kind = HY_PQ_LT_STRING;
		l->converted = HY_PQ_CT_UTF8;
		l->utf8 = true;
		/* fall through */
	case HY_BINARY:
		l->ptype = HY_PQ_BYTE_ARRAY;
		l->conv = HY__PQW_BYTES;
		l->order = HY__PQW_ORD_BYTES;
		break;
	case HY_UUID: l->logical.kind = HY_PQ_LT_UUID; /* fall through */
	case HY_FIXED_BINARY:
		l->ptype = HY_PQ_FIXED_LEN_BYTE_ARRAY;
		l->type_length = t->width;
		l->conv = HY__PQW_FIXED;
		/* Statistics of wide values would bloat the footer: none past 64. */
		l->order = t->width <= HY_PQW_STATS_TRUNCATE ? HY__PQW_ORD_BYTES : HY__PQW_ORD_NONE;
		break;
	case HY_DATE:
		l->ptype = HY_PQ_INT32;
		l->conv = HY__PQW_I32;
		l->order = HY__PQW_ORD_S32;
		l->logical.kind = HY_PQ_LT_DATE;
		l->converted = HY_PQ_CT_DATE;
		break;
	case HY_TIME: map_time(l, t, opts->timestamp_unit); break;
	case HY_TIMESTAMP: map_timestamp(l, t, opts->timestamp_unit); break;
	case HY_DURATION:
		/* Parquet has no duration type (Arrow keeps the unit in ARROW:schema,
		 * which hygge does not write yet): a plain INT64 in the source unit. */
		l->ptype = HY_PQ_INT64;
		l->conv = HY__PQW_I64;
		l->order = HY__PQW_ORD_S64;
		break;
	default:
		return HY__PQ_FAIL(err, HY_EUNSUPPORTED,
				   "parquet writer: field '%s' has type %s, which has no Parquet "
				   "mapping",
				   field->name, hy_type_name(t->id));
	}
	switch (l->ptype) {
	case HY_PQ_BOOLEAN: l->width = 1; break;
	case HY_PQ_INT32:
	case HY_PQ_FLOAT: l->width = 4; break;
	case HY_PQ_INT64:
	case HY_PQ_DOUBLE: l->width = 8; break;
	case HY_PQ_FIXED_LEN_BYTE_ARRAY: l->width = (size_t)l->type_length; break;
	default: l->width = 0; break;
	}
	/* BOOLEAN: never a dictionary (parquet.md section 6.4). */
	l->dictionary =
		opts->dict_limit > 0 && l->ptype != HY_PQ_BOOLEAN && l->conv != HY__PQW_NULL;
	return 0;
}

/* ---- comparisons ---- */

static int sgn(int64_t d)
{
	return (d > 0) - (d < 0);
}

int hy__pqw_cmp(int order, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	switch (order) {
	case HY__PQW_ORD_BOOL: return sgn((int64_t)a[0] - (int64_t)b[0]);
	case HY__PQW_ORD_S32: {
		int32_t x, y;
		memcpy(&x, a, 4);
		memcpy(&y, b, 4);
		return (x > y) - (x < y);
	}
	case HY__PQW_ORD_U32: {
		uint32_t x, y;
		memcpy(&x, a, 4);
		memcpy(&y, b, 4);
		return (x > y) - (x < y);
	}
	case HY__PQW_ORD_S64: {
		int64_t x, y;
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		return (x > y) - (x < y);
	}
	case HY__PQW_ORD_U64: {
		uint64_t x, y;
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		return (x > y) - (x < y);
	}
	case HY__PQW_ORD_F32: {
		float x, y;
		memcpy(&x, a, 4);
		memcpy(&y, b, 4);
		return (x > y) - (x < y);
	}
	case HY__PQW_ORD_F64: {
		double x, y;
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		return (x > y) - (x < y);
	}
	case HY__PQW_ORD_DEC_BE: {
		/* same width: flip the sign bit, then unsigned bytes */
		if ((a[0] ^ 0x80) != (b[0] ^ 0x80))
			return (a[0] ^ 0x80) < (b[0] ^ 0x80) ? -1 : 1;
		int c = alen > 1 ? memcmp(a + 1, b + 1, alen - 1) : 0;
		return sgn(c);
	}
	default: {
		size_t n = alen < blen ? alen : blen;
		int c = n > 0 ? memcmp(a, b, n) : 0;

		if (c != 0)
			return sgn(c);
		return (alen > blen) - (alen < blen);
	}
	}
}

/* ---- Thrift ---- */

static int write_logical(struct hy__pq_tenc *e, const struct hy_pq_logical_type *lt)
{
	HY_TRY(hy__pq_tenc_struct(e, 10));
	HY_TRY(hy__pq_tenc_struct(e, (int16_t)lt->kind));
	switch (lt->kind) {
	case HY_PQ_LT_DECIMAL:
		HY_TRY(hy__pq_tenc_i32(e, 1, lt->scale));
		HY_TRY(hy__pq_tenc_i32(e, 2, lt->precision));
		break;
	case HY_PQ_LT_TIME:
	case HY_PQ_LT_TIMESTAMP:
		HY_TRY(hy__pq_tenc_bool(e, 1, lt->adjusted_to_utc));
		HY_TRY(hy__pq_tenc_struct(e, 2));
		HY_TRY(hy__pq_tenc_struct(e, (int16_t)lt->unit)); /* MILLIS 1, MICROS 2, NANOS 3 */
		HY_TRY(hy__pq_tenc_end(e));
		HY_TRY(hy__pq_tenc_end(e));
		break;
	case HY_PQ_LT_INTEGER:
		HY_TRY(hy__pq_tenc_i8(e, 1, lt->bit_width));
		HY_TRY(hy__pq_tenc_bool(e, 2, lt->is_signed));
		break;
	default: break;
	}
	HY_TRY(hy__pq_tenc_end(e));
	return hy__pq_tenc_end(e);
}

int hy__pqw_write_schema_element(struct hy__pq_tenc *e, const struct hy__pqw_leaf *l)
{
	const char *name = l->field->name;

	HY_TRY(hy__pq_tenc_begin(e));
	HY_TRY(hy__pq_tenc_i32(e, 1, l->ptype));
	if (l->ptype == HY_PQ_FIXED_LEN_BYTE_ARRAY)
		HY_TRY(hy__pq_tenc_i32(e, 2, l->type_length));
	HY_TRY(hy__pq_tenc_i32(e, 3, l->optional ? HY_PQ_OPTIONAL : HY_PQ_REQUIRED));
	HY_TRY(hy__pq_tenc_binary(e, 4, name, strlen(name)));
	if (l->converted != HY_PQ_CT_NONE)
		HY_TRY(hy__pq_tenc_i32(e, 6, l->converted));
	if (l->logical.kind == HY_PQ_LT_DECIMAL) {
		HY_TRY(hy__pq_tenc_i32(e, 7, l->logical.scale));
		HY_TRY(hy__pq_tenc_i32(e, 8, l->logical.precision));
	}
	if (l->logical.kind != HY_PQ_LT_NONE)
		HY_TRY(write_logical(e, &l->logical));
	return hy__pq_tenc_end(e);
}

/* Orders whose deprecated min/max (signed comparison) are valid. */
static bool signed_order(int order)
{
	return order == HY__PQW_ORD_BOOL || order == HY__PQW_ORD_S32 || order == HY__PQW_ORD_S64 ||
	       order == HY__PQW_ORD_F32 || order == HY__PQW_ORD_F64;
}

static bool is_float(int order)
{
	return order == HY__PQW_ORD_F32 || order == HY__PQW_ORD_F64;
}

int hy__pqw_write_stats(struct hy__pq_tenc *e, int16_t id, const struct hy__pqw_leaf *l,
			const struct hy__pqw_stats *s)
{
	bool mm = s->has_minmax && l->order != HY__PQW_ORD_NONE;

	HY_TRY(hy__pq_tenc_struct(e, id));
	if (mm && signed_order(l->order)) {
		HY_TRY(hy__pq_tenc_binary(e, 1, s->max.data, s->max.len));
		HY_TRY(hy__pq_tenc_binary(e, 2, s->min.data, s->min.len));
	}
	HY_TRY(hy__pq_tenc_i64(e, 3, s->null_count));
	if (mm) {
		HY_TRY(hy__pq_tenc_binary(e, 5, s->max.data, s->max.len));
		HY_TRY(hy__pq_tenc_binary(e, 6, s->min.data, s->min.len));
		HY_TRY(hy__pq_tenc_bool(e, 7, s->max_exact));
		HY_TRY(hy__pq_tenc_bool(e, 8, s->min_exact));
	}
	if (is_float(l->order))
		HY_TRY(hy__pq_tenc_i64(e, 9, s->nan_count));
	return hy__pq_tenc_end(e);
}

/* Boundary order of the page min/max values (nulls pages skipped). */
static int boundary_order(const struct hy__pqw_leaf *l, const struct hy__pqw_page *p, size_t n)
{
	bool asc = true, desc = true;
	const struct hy__pqw_page *prev = NULL;

	for (size_t i = 0; i < n; i++) {
		if (p[i].null_page)
			continue;
		if (prev != NULL) {
			int cmin = hy__pqw_cmp(l->order, prev->min, prev->min_len, p[i].min,
					       p[i].min_len);
			int cmax = hy__pqw_cmp(l->order, prev->max, prev->max_len, p[i].max,
					       p[i].max_len);
			if (cmin > 0 || cmax > 0)
				asc = false;
			if (cmin < 0 || cmax < 0)
				desc = false;
		}
		prev = &p[i];
	}
	return asc ? 1 : desc ? 2 : 0;
}

int hy__pqw_column_index(const struct hy__pqw_leaf *l, const struct hy__pqw_page *p, size_t n,
			 struct hy_buf *out, bool *written, struct hy_error *err)
{
	struct hy__pq_tenc e;

	*written = false;
	if (l->order == HY__PQW_ORD_NONE || n > UINT32_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i].all_nan)
			return 0; /* parquet.md section 10: no ColumnIndex then */
	hy__pq_tenc_init(&e, out, err);
	HY_TRY(hy__pq_tenc_begin(&e));
	HY_TRY(hy__pq_tenc_list(&e, 1, HY__PQ_T_TRUE, (uint32_t)n));
	for (size_t i = 0; i < n; i++)
		HY_TRY(hy__pq_tenc_elem_bool(&e, p[i].null_page));
	HY_TRY(hy__pq_tenc_list(&e, 2, HY__PQ_T_BINARY, (uint32_t)n));
	for (size_t i = 0; i < n; i++)
		HY_TRY(hy__pq_tenc_elem_binary(&e, p[i].min, p[i].min_len));
	HY_TRY(hy__pq_tenc_list(&e, 3, HY__PQ_T_BINARY, (uint32_t)n));
	for (size_t i = 0; i < n; i++)
		HY_TRY(hy__pq_tenc_elem_binary(&e, p[i].max, p[i].max_len));
	HY_TRY(hy__pq_tenc_i32(&e, 4, boundary_order(l, p, n)));
	HY_TRY(hy__pq_tenc_list(&e, 5, HY__PQ_T_I64, (uint32_t)n));
	for (size_t i = 0; i < n; i++)
		HY_TRY(hy__pq_tenc_elem_i64(&e, p[i].null_count));
	if (is_float(l->order)) {
		HY_TRY(hy__pq_tenc_list(&e, 8, HY__PQ_T_I64, (uint32_t)n));
		for (size_t i = 0; i < n; i++)
			HY_TRY(hy__pq_tenc_elem_i64(&e, p[i].nan_count));
	}
	HY_TRY(hy__pq_tenc_end(&e));
	*written = true;
	return 0;
}

int hy__pqw_offset_index(const struct hy__pqw_page *p, size_t n, struct hy_buf *out,
			 struct hy_error *err)
{
	struct hy__pq_tenc e;

	if (n > UINT32_MAX)
		return HY__PQ_FAIL(err, HY_ELIMIT, "parquet writer: %zu pages in one chunk", n);
	hy__pq_tenc_init(&e, out, err);
	HY_TRY(hy__pq_tenc_begin(&e));
	HY_TRY(hy__pq_tenc_list(&e, 1, HY__PQ_T_STRUCT, (uint32_t)n));
	for (size_t i = 0; i < n; i++) {
		HY_TRY(hy__pq_tenc_begin(&e));
		HY_TRY(hy__pq_tenc_i64(&e, 1, p[i].offset));
		HY_TRY(hy__pq_tenc_i32(&e, 2, p[i].size));
		HY_TRY(hy__pq_tenc_i64(&e, 3, p[i].first_row));
		HY_TRY(hy__pq_tenc_end(&e));
	}
	return hy__pq_tenc_end(&e);
}
