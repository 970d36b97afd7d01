/* Logical types and refcounted schemas. */
#include "hygge/types.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hygge/alloc.h"

static const char *const type_names[HY_TYPE_COUNT] = {
	[HY_NULL] = "null",         [HY_BOOL] = "bool",
	[HY_INT8] = "int8",         [HY_INT16] = "int16",
	[HY_INT32] = "int32",       [HY_INT64] = "int64",
	[HY_UINT8] = "uint8",       [HY_UINT16] = "uint16",
	[HY_UINT32] = "uint32",     [HY_UINT64] = "uint64",
	[HY_FLOAT32] = "float32",   [HY_FLOAT64] = "float64",
	[HY_DECIMAL] = "decimal",   [HY_STRING] = "string",
	[HY_BINARY] = "binary",     [HY_FIXED_BINARY] = "fixed_binary",
	[HY_UUID] = "uuid",         [HY_DATE] = "date",
	[HY_TIME] = "time",         [HY_TIMESTAMP] = "timestamp",
	[HY_DURATION] = "duration",
};

const char *hy_type_name(enum hy_type_id id)
{
	if ((unsigned)id >= HY_TYPE_COUNT)
		return "unknown";
	return type_names[id];
}

const char *hy_time_unit_name(enum hy_time_unit unit)
{
	switch (unit) {
	case HY_UNIT_SECOND: return "s";
	case HY_UNIT_MILLI: return "ms";
	case HY_UNIT_MICRO: return "us";
	case HY_UNIT_NANO: return "ns";
	}
	return "unknown";
}

struct hy_dtype hy_dtype_simple(enum hy_type_id id)
{
	struct hy_dtype t;

	/* memset, not `= {0}`: padding and the whole tz array must be zero so
	 * that types compare equal however they were built. */
	memset(&t, 0, sizeof(t));
	t.id = id;
	switch (id) {
	case HY_DECIMAL: t.precision = HY_DECIMAL_MAX_PRECISION; break;
	case HY_FIXED_BINARY: t.width = 1; break;
	case HY_UUID: t.width = 16; break;
	case HY_TIME:
	case HY_TIMESTAMP:
	case HY_DURATION: t.unit = HY_UNIT_MICRO; break;
	default: break;
	}
	return t;
}

int hy_dtype_decimal(int precision, int scale, struct hy_dtype *out, struct hy_error *err)
{
	if (precision < 1 || precision > HY_DECIMAL_MAX_PRECISION)
		return hy_error_set(err, HY_EINVAL, "decimal precision %d is outside 1..%d",
				    precision, HY_DECIMAL_MAX_PRECISION);
	if (scale < 0 || scale > precision)
		return hy_error_set(err, HY_EINVAL,
				    "decimal scale %d is outside 0..%d (the precision)", scale,
				    precision);
	*out = hy_dtype_simple(HY_DECIMAL);
	out->precision = precision;
	out->scale = scale;
	return 0;
}

int hy_dtype_fixed_binary(int width, struct hy_dtype *out, struct hy_error *err)
{
	if (width < 1 || width > HY_FIXED_BINARY_MAX)
		return hy_error_set(err, HY_EINVAL, "fixed binary width %d is outside 1..%d", width,
				    HY_FIXED_BINARY_MAX);
	*out = hy_dtype_simple(HY_FIXED_BINARY);
	out->width = width;
	return 0;
}

static int check_unit(enum hy_time_unit unit, struct hy_error *err)
{
	if ((unsigned)unit > HY_UNIT_NANO)
		return hy_error_set(err, HY_EINVAL, "unknown time unit %d", (int)unit);
	return 0;
}

int hy_dtype_time(enum hy_time_unit unit, struct hy_dtype *out, struct hy_error *err)
{
	HY_TRY(check_unit(unit, err));
	*out = hy_dtype_simple(HY_TIME);
	out->unit = unit;
	return 0;
}

int hy_dtype_timestamp(enum hy_time_unit unit, const char *tz, struct hy_dtype *out,
		       struct hy_error *err)
{
	size_t len = tz == NULL ? 0 : strlen(tz);

	HY_TRY(check_unit(unit, err));
	if (len >= HY_TZ_MAX)
		return hy_error_set(err, HY_EINVAL, "time zone name of %zu bytes is longer than %d",
				    len, HY_TZ_MAX - 1);
	*out = hy_dtype_simple(HY_TIMESTAMP);
	out->unit = unit;
	if (len > 0)
		memcpy(out->tz, tz, len);
	return 0;
}

int hy_dtype_duration(enum hy_time_unit unit, struct hy_dtype *out, struct hy_error *err)
{
	HY_TRY(check_unit(unit, err));
	*out = hy_dtype_simple(HY_DURATION);
	out->unit = unit;
	return 0;
}

int hy_dtype_validate(const struct hy_dtype *type, struct hy_error *err)
{
	struct hy_dtype check;

	switch (type->id) {
	case HY_DECIMAL: return hy_dtype_decimal(type->precision, type->scale, &check, err);
	case HY_FIXED_BINARY: return hy_dtype_fixed_binary(type->width, &check, err);
	case HY_UUID:
		if (type->width != 16)
			return hy_error_set(err, HY_EINVAL, "uuid width must be 16, not %d",
					    type->width);
		return 0;
	case HY_TIME:
	case HY_DURATION: return check_unit(type->unit, err);
	case HY_TIMESTAMP:
		HY_TRY(check_unit(type->unit, err));
		if (memchr(type->tz, '\0', sizeof(type->tz)) == NULL)
			return hy_error_set(err, HY_EINVAL, "time zone name is not terminated");
		return 0;
	default:
		if ((unsigned)type->id >= HY_TYPE_COUNT)
			return hy_error_set(err, HY_EINVAL, "unknown type id %d", (int)type->id);
		return 0;
	}
}

bool hy_dtype_eq(const struct hy_dtype *a, const struct hy_dtype *b)
{
	if (a->id != b->id)
		return false;
	switch (a->id) {
	case HY_DECIMAL: return a->precision == b->precision && a->scale == b->scale;
	case HY_FIXED_BINARY:
	case HY_UUID: return a->width == b->width;
	case HY_TIME:
	case HY_DURATION: return a->unit == b->unit;
	case HY_TIMESTAMP: return a->unit == b->unit && strncmp(a->tz, b->tz, HY_TZ_MAX) == 0;
	default: return true;
	}
}

int hy_dtype_format(const struct hy_dtype *type, char *buf, size_t size)
{
	const char *name = hy_type_name(type->id);
	const char *unit = hy_time_unit_name(type->unit);

	switch (type->id) {
	case HY_DECIMAL:
		return snprintf(buf, size, "decimal(%d,%d)", (int)type->precision,
				(int)type->scale);
	case HY_FIXED_BINARY: return snprintf(buf, size, "fixed_binary(%d)", (int)type->width);
	case HY_TIME:
	case HY_DURATION: return snprintf(buf, size, "%s[%s]", name, unit);
	case HY_TIMESTAMP:
		if (type->tz[0] == '\0')
			return snprintf(buf, size, "timestamp[%s]", unit);
		return snprintf(buf, size, "timestamp[%s, %.*s]", unit, HY_TZ_MAX - 1, type->tz);
	default: return snprintf(buf, size, "%s", name);
	}
}

int hy_dtype_bit_width(const struct hy_dtype *type)
{
	switch (type->id) {
	case HY_BOOL: return 1;
	case HY_INT8:
	case HY_UINT8: return 8;
	case HY_INT16:
	case HY_UINT16: return 16;
	case HY_INT32:
	case HY_UINT32:
	case HY_FLOAT32:
	case HY_DATE: return 32;
	case HY_INT64:
	case HY_UINT64:
	case HY_FLOAT64:
	case HY_TIMESTAMP:
	case HY_DURATION: return 64;
	case HY_TIME: return type->unit <= HY_UNIT_MILLI ? 32 : 64;
	case HY_DECIMAL: return type->precision <= HY_DECIMAL64_MAX_PRECISION ? 64 : 128;
	case HY_FIXED_BINARY:
	case HY_UUID: return type->width * 8;
	case HY_NULL:
	case HY_STRING:
	case HY_BINARY: return 0;
	}
	return 0;
}

int hy_dtype_byte_width(const struct hy_dtype *type)
{
	return type->id == HY_BOOL ? 0 : hy_dtype_bit_width(type) / 8;
}

bool hy_dtype_is_var_width(const struct hy_dtype *type)
{
	return type->id == HY_STRING || type->id == HY_BINARY;
}

/* ---- schema ---- */

struct hy_schema {
	atomic_long refs;
	size_t nfields;
	struct hy_field *fields;
	/* Fields sorted by name: duplicate detection at build time and O(log n)
	 * lookup afterwards, without a hash table. */
	const struct hy_field **by_name;
};

static int cmp_field_name(const void *a, const void *b)
{
	const struct hy_field *fa = *(const struct hy_field *const *)a;
	const struct hy_field *fb = *(const struct hy_field *const *)b;

	return strcmp(fa->name, fb->name);
}

static void schema_free(struct hy_schema *s)
{
	if (s == NULL)
		return;
	if (s->fields != NULL)
		for (size_t i = 0; i < s->nfields; i++)
			hy_free(s->fields[i].name);
	hy_free(s->fields);
	hy_free(s->by_name);
	hy_free(s);
}

static int copy_field(struct hy_field *dst, const struct hy_field *src, size_t i,
		      struct hy_error *err)
{
	size_t len;

	if (src->name == NULL || src->name[0] == '\0')
		return hy_error_set(err, HY_EINVAL, "field %zu has no name", i);
	len = strnlen(src->name, HY_MAX_FIELD_NAME);
	if (len >= HY_MAX_FIELD_NAME)
		return hy_error_set(err, HY_ELIMIT, "field %zu: name longer than %d bytes", i,
				    HY_MAX_FIELD_NAME - 1);
	if (hy_dtype_validate(&src->type, err) != 0) {
		hy_error_prefix(err, "field %s", src->name);
		return err != NULL ? err->code : HY_EINVAL;
	}
	dst->name = hy_strndup(src->name, len);
	if (dst->name == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory copying field %s", src->name);
	dst->type = src->type;
	dst->nullable = src->nullable;
	return 0;
}

int hy_schema_create(const struct hy_field *fields, size_t nfields, struct hy_schema **out,
		     struct hy_error *err)
{
	struct hy_schema *s = NULL;
	int rc = 0;

	*out = NULL;
	if (nfields > HY_MAX_FIELDS)
		return hy_error_set(err, HY_ELIMIT, "schema of %zu fields has more than %d",
				    nfields, HY_MAX_FIELDS);
	s = hy_calloc(1, sizeof(*s));
	if (s == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory creating a schema");
		goto out;
	}
	atomic_init(&s->refs, 1);
	s->fields = hy_calloc(nfields, sizeof(*s->fields));
	s->by_name = hy_calloc(nfields, sizeof(const struct hy_field *));
	if (s->fields == NULL || s->by_name == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory creating a schema");
		goto out;
	}
	for (; s->nfields < nfields; s->nfields++) {
		rc = copy_field(&s->fields[s->nfields], &fields[s->nfields], s->nfields, err);
		if (rc != 0)
			goto out;
		s->by_name[s->nfields] = &s->fields[s->nfields];
	}
	if (nfields > 1)
		qsort(s->by_name, nfields, sizeof(const struct hy_field *), cmp_field_name);
	for (size_t i = 1; i < nfields; i++) {
		if (strcmp(s->by_name[i - 1]->name, s->by_name[i]->name) == 0) {
			rc = hy_error_set(err, HY_EINVAL, "duplicate field name %s",
					  s->by_name[i]->name);
			goto out;
		}
	}
	*out = s;
	s = NULL;
out:
	schema_free(s);
	return rc;
}

struct hy_schema *hy_schema_ref(struct hy_schema *schema)
{
	if (schema != NULL)
		atomic_fetch_add_explicit(&schema->refs, 1, memory_order_relaxed);
	return schema;
}

void hy_schema_unref(struct hy_schema *schema)
{
	if (schema == NULL)
		return;
	/* acq_rel: the freeing thread must see every other owner's writes. */
	if (atomic_fetch_sub_explicit(&schema->refs, 1, memory_order_acq_rel) == 1)
		schema_free(schema);
}

size_t hy_schema_nfields(const struct hy_schema *schema)
{
	return schema->nfields;
}

const struct hy_field *hy_schema_field(const struct hy_schema *schema, size_t i)
{
	HY_ASSERT(i < schema->nfields);
	return &schema->fields[i];
}

long hy_schema_find(const struct hy_schema *schema, const char *name)
{
	struct hy_field key = {.name = (char *)name};
	const struct hy_field *pkey = &key;
	const struct hy_field **hit;

	if (schema->nfields == 0)
		return -1;
	hit = bsearch(&pkey, schema->by_name, schema->nfields, sizeof(const struct hy_field *),
		      cmp_field_name);
	return hit == NULL ? -1 : (long)(*hit - schema->fields);
}

bool hy_schema_eq(const struct hy_schema *a, const struct hy_schema *b)
{
	if (a == b)
		return true;
	if (a->nfields != b->nfields)
		return false;
	for (size_t i = 0; i < a->nfields; i++) {
		const struct hy_field *fa = &a->fields[i], *fb = &b->fields[i];

		if (strcmp(fa->name, fb->name) != 0 || fa->nullable != fb->nullable ||
		    !hy_dtype_eq(&fa->type, &fb->type))
			return false;
	}
	return true;
}
