/* Parquet leaf types -> hygge types (parquet.md section 8, docs/types.md
 * "Parquet"): logicalType when present and usable, then converted_type, then
 * the physical type. Also picks how pq_reader.c turns the physical values
 * into the hygge column's storage (enum hy__pq_conv). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hygge/types.h"
#include "pq_int.h"

/* The first reason wins. */
static void note_set(char *note, size_t size, const char *fmt, ...) HY_PRINTF(3, 4);
static void note_set(char *note, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (note == NULL || size == 0 || note[0] != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(note, size, fmt, ap);
	va_end(ap);
}

/* The mapping of the bare physical type. */
static int physical(const struct hy_pq_schema_element *se, struct hy_dtype *out, int *conv,
		    struct hy_error *err)
{
	switch (se->type) {
	case HY_PQ_BOOLEAN:
		*out = hy_dtype_simple(HY_BOOL);
		*conv = HY__PQ_CV_BOOL;
		return 0;
	case HY_PQ_INT32:
		*out = hy_dtype_simple(HY_INT32);
		*conv = HY__PQ_CV_COPY;
		return 0;
	case HY_PQ_INT64:
		*out = hy_dtype_simple(HY_INT64);
		*conv = HY__PQ_CV_COPY;
		return 0;
	case HY_PQ_FLOAT:
		*out = hy_dtype_simple(HY_FLOAT32);
		*conv = HY__PQ_CV_COPY;
		return 0;
	case HY_PQ_DOUBLE:
		*out = hy_dtype_simple(HY_FLOAT64);
		*conv = HY__PQ_CV_COPY;
		return 0;
	case HY_PQ_BYTE_ARRAY:
		*out = hy_dtype_simple(HY_BINARY);
		*conv = HY__PQ_CV_BYTES;
		return 0;
	case HY_PQ_INT96:
		/* Spark/Hive write UTC instants (section 8.1) */
		*conv = HY__PQ_CV_INT96;
		return hy_dtype_timestamp(HY_UNIT_MICRO, "UTC", out, err);
	case HY_PQ_FIXED_LEN_BYTE_ARRAY:
		*conv = HY__PQ_CV_COPY;
		if (se->type_length <= 0 || se->type_length > HY_FIXED_BINARY_MAX)
			return hy_error_set(err, HY_EFORMAT,
					    "FIXED_LEN_BYTE_ARRAY of type_length %d",
					    (int)se->type_length);
		return hy_dtype_fixed_binary(se->type_length, out, err);
	}
	return hy_error_set(err, HY_EFORMAT, "invalid physical type %d", se->type);
}

/* Decimal of the given precision/scale over physical type `type`; false
 * (with a note) when it cannot be one. */
static bool decimal(const struct hy_pq_schema_element *se, int precision, int scale,
		    struct hy_dtype *out, int *conv, char *note, size_t note_size)
{
	struct hy_error e = {0};
	bool wide = precision > HY_DECIMAL64_MAX_PRECISION;

	if (hy_dtype_decimal(precision, scale, out, &e) != 0) {
		note_set(note, note_size, "DECIMAL annotation ignored: %s", e.msg);
		return false;
	}
	switch (se->type) {
	case HY_PQ_INT32: *conv = wide ? HY__PQ_CV_I32_I128 : HY__PQ_CV_I32_I64; return true;
	case HY_PQ_INT64: *conv = wide ? HY__PQ_CV_I64_I128 : HY__PQ_CV_COPY; return true;
	case HY_PQ_FIXED_LEN_BYTE_ARRAY:
	case HY_PQ_BYTE_ARRAY: *conv = wide ? HY__PQ_CV_DEC128 : HY__PQ_CV_DEC64; return true;
	}
	note_set(note, note_size, "DECIMAL annotation on %s ignored", hy_pq_type_name(se->type));
	return false;
}

static bool integer(const struct hy_pq_schema_element *se, int bits, bool is_signed,
		    struct hy_dtype *out, int *conv, char *note, size_t note_size)
{
	static const enum hy_type_id s[] = {HY_INT8, HY_INT16, HY_INT32, HY_INT64};
	static const enum hy_type_id u[] = {HY_UINT8, HY_UINT16, HY_UINT32, HY_UINT64};
	static const int cs[] = {HY__PQ_CV_I32_I8, HY__PQ_CV_I32_I16, HY__PQ_CV_COPY,
				 HY__PQ_CV_COPY};
	static const int cu[] = {HY__PQ_CV_I32_U8, HY__PQ_CV_I32_U16, HY__PQ_CV_COPY,
				 HY__PQ_CV_COPY};
	int k = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : bits == 64 ? 3 : -1;

	if (k < 0 || (k < 3 && se->type != HY_PQ_INT32) || (k == 3 && se->type != HY_PQ_INT64)) {
		note_set(note, note_size, "INTEGER annotation on %s ignored (bit width %d)",
			 hy_pq_type_name(se->type), bits);
		return false;
	}
	*out = hy_dtype_simple(is_signed ? s[k] : u[k]);
	*conv = is_signed ? cs[k] : cu[k];
	return true;
}

static bool want(const struct hy_pq_schema_element *se, int type, const char *what, char *note,
		 size_t note_size)
{
	if (se->type == type)
		return true;
	note_set(note, note_size, "%s annotation on %s ignored", what, hy_pq_type_name(se->type));
	return false;
}

static bool time_unit(int unit, enum hy_time_unit *out)
{
	switch (unit) {
	case HY_PQ_UNIT_MILLIS: *out = HY_UNIT_MILLI; return true;
	case HY_PQ_UNIT_MICROS: *out = HY_UNIT_MICRO; return true;
	case HY_PQ_UNIT_NANOS: *out = HY_UNIT_NANO; return true;
	}
	return false;
}

/* logicalType; false when absent or unusable. */
static bool logical(const struct hy_pq_schema_element *se, struct hy_dtype *out, int *conv,
		    char *note, size_t note_size)
{
	const struct hy_pq_logical_type *lt = &se->logical;
	struct hy_error e = {0};
	enum hy_time_unit unit;

	switch (lt->kind) {
	case HY_PQ_LT_NONE: return false;
	case HY_PQ_LT_STRING:
	case HY_PQ_LT_ENUM:
	case HY_PQ_LT_JSON:
		if (!want(se, HY_PQ_BYTE_ARRAY, "STRING/ENUM/JSON", note, note_size))
			return false;
		*out = hy_dtype_simple(HY_STRING);
		*conv = HY__PQ_CV_BYTES;
		return true;
	case HY_PQ_LT_BSON:
		if (!want(se, HY_PQ_BYTE_ARRAY, "BSON", note, note_size))
			return false;
		*out = hy_dtype_simple(HY_BINARY);
		*conv = HY__PQ_CV_BYTES;
		return true;
	case HY_PQ_LT_UUID:
		if (!want(se, HY_PQ_FIXED_LEN_BYTE_ARRAY, "UUID", note, note_size) ||
		    se->type_length != 16)
			return false;
		*out = hy_dtype_simple(HY_UUID);
		*conv = HY__PQ_CV_COPY;
		return true;
	case HY_PQ_LT_FLOAT16:
		if (!want(se, HY_PQ_FIXED_LEN_BYTE_ARRAY, "FLOAT16", note, note_size) ||
		    se->type_length != 2)
			return false;
		*out = hy_dtype_simple(HY_FLOAT32);
		*conv = HY__PQ_CV_F16;
		return true;
	case HY_PQ_LT_DECIMAL:
		return decimal(se, lt->precision, lt->scale, out, conv, note, note_size);
	case HY_PQ_LT_DATE:
		if (!want(se, HY_PQ_INT32, "DATE", note, note_size))
			return false;
		*out = hy_dtype_simple(HY_DATE);
		*conv = HY__PQ_CV_COPY;
		return true;
	case HY_PQ_LT_TIME:
		if (!time_unit(lt->unit, &unit) ||
		    !want(se, unit == HY_UNIT_MILLI ? HY_PQ_INT32 : HY_PQ_INT64, "TIME", note,
			  note_size))
			return false;
		*conv = HY__PQ_CV_COPY;
		return hy_dtype_time(unit, out, &e) == 0;
	case HY_PQ_LT_TIMESTAMP:
		if (!time_unit(lt->unit, &unit) ||
		    !want(se, HY_PQ_INT64, "TIMESTAMP", note, note_size))
			return false;
		*conv = HY__PQ_CV_COPY;
		return hy_dtype_timestamp(unit, lt->adjusted_to_utc ? "UTC" : "", out, &e) == 0;
	case HY_PQ_LT_INTEGER:
		return integer(se, lt->bit_width, lt->is_signed, out, conv, note, note_size);
	case HY_PQ_LT_UNKNOWN:
		*out = hy_dtype_simple(HY_NULL);
		*conv = HY__PQ_CV_NULL;
		return true;
	case HY_PQ_LT_VARIANT:
	case HY_PQ_LT_GEOMETRY:
	case HY_PQ_LT_GEOGRAPHY:
	case HY_PQ_LT_FILE:
		note_set(note, note_size, "logical type %s read as its physical type",
			 lt->kind == HY_PQ_LT_GEOMETRY    ? "GEOMETRY (WKB)"
			 : lt->kind == HY_PQ_LT_GEOGRAPHY ? "GEOGRAPHY (WKB)"
			 : lt->kind == HY_PQ_LT_VARIANT   ? "VARIANT"
							  : "FILE");
		return false;
	}
	note_set(note, note_size, "unknown logical type (union member %d) read as %s",
		 (int)lt->member_id, hy_pq_type_name(se->type));
	return false;
}

static bool converted(const struct hy_pq_schema_element *se, struct hy_dtype *out, int *conv,
		      char *note, size_t note_size)
{
	struct hy_error e = {0};

	switch (se->converted_type) {
	case HY_PQ_CT_UTF8:
	case HY_PQ_CT_ENUM:
	case HY_PQ_CT_JSON:
		if (!want(se, HY_PQ_BYTE_ARRAY, "UTF8/ENUM/JSON", note, note_size))
			return false;
		*out = hy_dtype_simple(HY_STRING);
		*conv = HY__PQ_CV_BYTES;
		return true;
	case HY_PQ_CT_BSON: return false; /* binary, as the physical type */
	case HY_PQ_CT_DECIMAL:
		return decimal(se, se->has_precision ? se->precision : 0,
			       se->has_scale ? se->scale : 0, out, conv, note, note_size);
	case HY_PQ_CT_DATE:
		if (!want(se, HY_PQ_INT32, "DATE", note, note_size))
			return false;
		*out = hy_dtype_simple(HY_DATE);
		*conv = HY__PQ_CV_COPY;
		return true;
	case HY_PQ_CT_TIME_MILLIS:
		if (!want(se, HY_PQ_INT32, "TIME_MILLIS", note, note_size))
			return false;
		*conv = HY__PQ_CV_COPY;
		return hy_dtype_time(HY_UNIT_MILLI, out, &e) == 0;
	case HY_PQ_CT_TIME_MICROS:
		if (!want(se, HY_PQ_INT64, "TIME_MICROS", note, note_size))
			return false;
		*conv = HY__PQ_CV_COPY;
		return hy_dtype_time(HY_UNIT_MICRO, out, &e) == 0;
	case HY_PQ_CT_TIMESTAMP_MILLIS:
	case HY_PQ_CT_TIMESTAMP_MICROS:
		/* a legacy ConvertedType alone means isAdjustedToUTC = true */
		if (!want(se, HY_PQ_INT64, "TIMESTAMP", note, note_size))
			return false;
		*conv = HY__PQ_CV_COPY;
		return hy_dtype_timestamp(se->converted_type == HY_PQ_CT_TIMESTAMP_MILLIS
						  ? HY_UNIT_MILLI
						  : HY_UNIT_MICRO,
					  "UTC", out, &e) == 0;
	case HY_PQ_CT_UINT_8: return integer(se, 8, false, out, conv, note, note_size);
	case HY_PQ_CT_UINT_16: return integer(se, 16, false, out, conv, note, note_size);
	case HY_PQ_CT_UINT_32: return integer(se, 32, false, out, conv, note, note_size);
	case HY_PQ_CT_UINT_64: return integer(se, 64, false, out, conv, note, note_size);
	case HY_PQ_CT_INT_8: return integer(se, 8, true, out, conv, note, note_size);
	case HY_PQ_CT_INT_16: return integer(se, 16, true, out, conv, note, note_size);
	case HY_PQ_CT_INT_32: return integer(se, 32, true, out, conv, note, note_size);
	case HY_PQ_CT_INT_64: return integer(se, 64, true, out, conv, note, note_size);
	case HY_PQ_CT_INTERVAL:
		note_set(note, note_size,
			 "INTERVAL read as fixed_binary(12): months, days, milliseconds as u32 LE");
		return false;
	}
	return false;
}

int hy__pq_leaf_map(const struct hy_pq_metadata *md, size_t leaf, struct hy_dtype *out, int *conv,
		    char *note, size_t note_size, struct hy_error *err)
{
	const struct hy_pq_schema_element *se;

	if (note != NULL && note_size > 0)
		note[0] = 0;
	if (leaf >= md->num_leaves)
		return hy_error_set(err, HY_EINVAL, "parquet: no leaf %zu", leaf);
	se = &md->schema[md->leaves[leaf].schema_index];
	if (se->logical.kind != HY_PQ_LT_NONE && logical(se, out, conv, note, note_size))
		return 0;
	/* An unusable logicalType falls back to converted_type only when the
	 * logical type is not known at all (the converted type then still says
	 * what the writer meant). */
	if (converted(se, out, conv, note, note_size))
		return 0;
	return physical(se, out, conv, err);
}

int hy_pq_leaf_dtype(const struct hy_pq_metadata *md, size_t leaf, struct hy_dtype *out, char *note,
		     size_t note_size, struct hy_error *err)
{
	int conv;

	return hy__pq_leaf_map(md, leaf, out, &conv, note, note_size, err);
}
