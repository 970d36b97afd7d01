/* Arrow C data interface: export of batches and import of struct arrays.
 *
 * Export shares hygge's buffers: each exported child holds a reference to its
 * hy_column, which holds the buffers, so an ArrowArray outlives the batch it
 * came from and its release callback only drops references. Import is the
 * mirror: the whole ArrowArray moves into a refcounted holder and every
 * wrapped buffer holds a reference to it; the producer's release runs when the
 * last hygge column sharing those buffers is gone. Mapping table and the
 * decimal decision: docs/internals/core.md. */
#include "hygge/arrow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "column_int.h"
#include "hygge/alloc.h"

#define FORMAT_MAX 96 /* "tsu:" + a HY_TZ_MAX zone, "d:38,38" ... */

static const char uuid_ext_name[] = "arrow.uuid";
static const char ext_name_key[] = "ARROW:extension:name";
static const char ext_meta_key[] = "ARROW:extension:metadata";

static char unit_char(enum hy_time_unit unit)
{
	static const char chars[] = {'s', 'm', 'u', 'n'};

	return chars[unit];
}

static void format_of(const struct hy_dtype *t, char *buf)
{
	static const char *const simple[HY_TYPE_COUNT] = {
		[HY_NULL] = "n",   [HY_BOOL] = "b",   [HY_INT8] = "c",    [HY_INT16] = "s",
		[HY_INT32] = "i",  [HY_INT64] = "l",  [HY_UINT8] = "C",   [HY_UINT16] = "S",
		[HY_UINT32] = "I", [HY_UINT64] = "L", [HY_FLOAT32] = "f", [HY_FLOAT64] = "g",
		[HY_STRING] = "u", [HY_BINARY] = "z", [HY_UUID] = "w:16", [HY_DATE] = "tdD",
	};

	switch (t->id) {
	case HY_DECIMAL:
		snprintf(buf, FORMAT_MAX, "d:%d,%d", (int)t->precision, (int)t->scale);
		break;
	case HY_FIXED_BINARY: snprintf(buf, FORMAT_MAX, "w:%d", (int)t->width); break;
	case HY_TIME: snprintf(buf, FORMAT_MAX, "tt%c", unit_char(t->unit)); break;
	case HY_DURATION: snprintf(buf, FORMAT_MAX, "tD%c", unit_char(t->unit)); break;
	case HY_TIMESTAMP:
		snprintf(buf, FORMAT_MAX, "ts%c:%.*s", unit_char(t->unit), HY_TZ_MAX - 1, t->tz);
		break;
	default: snprintf(buf, FORMAT_MAX, "%s", simple[t->id]); break;
	}
}

/* ---- schema export ---- */

struct schema_priv {
	char *format;
	char *name;
	char *metadata;
	struct ArrowSchema *child_store;
	struct ArrowSchema **child_ptrs;
	struct ArrowSchema dict_store;
};

static void release_schema(struct ArrowSchema *s)
{
	struct schema_priv *p = s->private_data;

	for (int64_t i = 0; i < s->n_children; i++)
		if (s->children[i]->release != NULL)
			s->children[i]->release(s->children[i]);
	if (s->dictionary != NULL && s->dictionary->release != NULL)
		s->dictionary->release(s->dictionary);
	if (p != NULL) {
		hy_free(p->format);
		hy_free(p->name);
		hy_free(p->metadata);
		hy_free(p->child_store);
		hy_free(p->child_ptrs);
		hy_free(p);
	}
	s->release = NULL;
}

/* Arrow's metadata encoding: int32 count, then per pair int32 length + bytes
 * for the key and the value (native endianness). */
static char *uuid_metadata(void)
{
	size_t klen1 = sizeof(ext_name_key) - 1, vlen1 = sizeof(uuid_ext_name) - 1;
	size_t klen2 = sizeof(ext_meta_key) - 1;
	size_t size = 4 + 4 + klen1 + 4 + vlen1 + 4 + klen2 + 4;
	char *m = hy_malloc(size), *p = m;
	int32_t n;

	if (m == NULL)
		return NULL;
#define PUT_I32(v)    (n = (int32_t)(v), memcpy(p, &n, 4), p += 4)
#define PUT_STR(s, l) (memcpy(p, (s), (l)), p += (l))
	PUT_I32(2);
	PUT_I32(klen1);
	PUT_STR(ext_name_key, klen1);
	PUT_I32(vlen1);
	PUT_STR(uuid_ext_name, vlen1);
	PUT_I32(klen2);
	PUT_STR(ext_meta_key, klen2);
	PUT_I32(0);
#undef PUT_I32
#undef PUT_STR
	return m;
}

/* Makes `out` a released-safe node: whatever fails, out->release frees what
 * was built. */
static int schema_node(struct ArrowSchema *out, const char *format, const char *name, int64_t flags,
		       bool uuid, int64_t n_children, struct hy_error *err)
{
	struct schema_priv *p = hy_calloc(1, sizeof(*p));

	memset(out, 0, sizeof(*out));
	if (p == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory exporting a schema");
	out->private_data = p;
	out->release = release_schema;
	out->flags = flags;
	p->format = hy_strdup(format);
	p->name = name == NULL ? NULL : hy_strdup(name);
	p->metadata = uuid ? uuid_metadata() : NULL;
	p->child_store = hy_calloc((size_t)n_children, sizeof(*p->child_store));
	p->child_ptrs = hy_calloc((size_t)n_children, sizeof(struct ArrowSchema *));
	if (p->format == NULL || (name != NULL && p->name == NULL) ||
	    (uuid && p->metadata == NULL) || p->child_store == NULL || p->child_ptrs == NULL) {
		release_schema(out);
		return hy_error_set(err, HY_ENOMEM, "out of memory exporting a schema");
	}
	for (int64_t i = 0; i < n_children; i++)
		p->child_ptrs[i] = &p->child_store[i];
	out->format = p->format;
	out->name = p->name;
	out->metadata = p->metadata;
	out->n_children = n_children;
	out->children = p->child_ptrs;
	return 0;
}

static int export_field_schema(const struct hy_field *f, const struct hy_column *col,
			       struct ArrowSchema *out, struct hy_error *err)
{
	char format[FORMAT_MAX];
	int64_t flags = f->nullable ? ARROW_FLAG_NULLABLE : 0;
	bool uuid = f->type.id == HY_UUID;
	struct schema_priv *p;

	format_of(&f->type, format);
	if (col->dictionary == NULL)
		return schema_node(out, format, f->name, flags, uuid, 0, err);
	/* Dictionary form: the field is int32 indices, its dictionary the values. */
	HY_TRY(schema_node(out, "i", f->name, flags, false, 0, err));
	p = out->private_data;
	out->dictionary = &p->dict_store;
	return schema_node(&p->dict_store, format, NULL, 0, false, 0, err);
}

/* ---- array export ---- */

struct array_priv {
	struct hy_column *col; /* the reference that keeps the buffers alive */
	const void *buffers[3];
	uint8_t *owned[2]; /* widened decimal values and their realigned bitmap */
	struct ArrowArray *child_store;
	struct ArrowArray **child_ptrs;
	struct ArrowArray dict_store;
};

static void release_array(struct ArrowArray *a)
{
	struct array_priv *p = a->private_data;

	for (int64_t i = 0; i < a->n_children; i++)
		if (a->children[i]->release != NULL)
			a->children[i]->release(a->children[i]);
	if (a->dictionary != NULL && a->dictionary->release != NULL)
		a->dictionary->release(a->dictionary);
	if (p != NULL) {
		hy_column_unref(p->col);
		hy_free(p->owned[0]);
		hy_free(p->owned[1]);
		hy_free(p->child_store);
		hy_free(p->child_ptrs);
		hy_free(p);
	}
	a->release = NULL;
}

static int array_node(struct ArrowArray *out, struct hy_error *err)
{
	struct array_priv *p = hy_calloc(1, sizeof(*p));

	memset(out, 0, sizeof(*out));
	if (p == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory exporting an array");
	out->private_data = p;
	out->release = release_array;
	out->buffers = p->buffers;
	return 0;
}

/* decimal128 for every precision (see the doc): int64 storage is widened into
 * a new 16-byte-per-value buffer holding just the column's rows, so the
 * bitmap is realigned to offset 0 as well. */
static int widen_decimal(const struct hy_column *col, struct ArrowArray *out, struct hy_error *err)
{
	struct array_priv *p = out->private_data;
	const int64_t *src = (const int64_t *)col->values->data + col->offset;
	int64_t n = col->length;

	p->owned[0] = hy_aligned_alloc((size_t)n * 16);
	if (p->owned[0] == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory widening decimals");
	for (int64_t i = 0; i < n; i++) {
		hy_i128 v = src[i];

		memcpy(p->owned[0] + i * 16, &v, 16);
	}
	if (col->validity != NULL) {
		p->owned[1] = hy_aligned_alloc((size_t)(n + 7) / 8);
		if (p->owned[1] == NULL)
			return hy_error_set(err, HY_ENOMEM, "out of memory widening decimals");
		memset(p->owned[1], 0, (size_t)(n + 7) / 8);
		hy__bitmap_copy(p->owned[1], 0, col->validity->data, col->offset, n);
	}
	p->buffers[0] = p->owned[1];
	p->buffers[1] = p->owned[0];
	out->offset = 0;
	return 0;
}

static int export_column(struct hy_column *col, struct ArrowArray *out, struct hy_error *err)
{
	struct array_priv *p;

	HY_TRY(array_node(out, err));
	p = out->private_data;
	p->col = hy_column_ref(col);
	out->length = col->length;
	out->null_count = col->null_count;
	out->offset = col->offset;
	p->buffers[0] = col->validity == NULL ? NULL : col->validity->data;
	if (col->type.id == HY_NULL) {
		out->n_buffers = 0;
		out->offset = 0;
		return 0;
	}
	p->buffers[1] = col->values->data;
	if (col->dictionary != NULL) {
		out->n_buffers = 2;
		out->dictionary = &p->dict_store;
		return export_column(col->dictionary, &p->dict_store, err);
	}
	if (hy_dtype_is_var_width(&col->type)) {
		out->n_buffers = 3;
		p->buffers[2] = col->data->data;
		return 0;
	}
	out->n_buffers = 2;
	if (col->type.id == HY_DECIMAL && col->type.precision <= HY_DECIMAL64_MAX_PRECISION)
		return widen_decimal(col, out, err);
	return 0;
}

int hy_batch_export_arrow(struct hy_batch *batch, struct ArrowSchema *out_schema,
			  struct ArrowArray *out_array, struct hy_error *err)
{
	int64_t n = (int64_t)hy_schema_nfields(batch->schema);
	struct array_priv *p;
	int rc;

	memset(out_array, 0, sizeof(*out_array));
	rc = schema_node(out_schema, "+s", "", 0, false, n, err);
	for (int64_t i = 0; i < n && rc == 0; i++)
		rc = export_field_schema(hy_schema_field(batch->schema, (size_t)i), batch->cols[i],
					 out_schema->children[i], err);
	if (rc == 0)
		rc = array_node(out_array, err);
	if (rc != 0)
		goto out;
	p = out_array->private_data;
	p->child_store = hy_calloc((size_t)n, sizeof(*p->child_store));
	p->child_ptrs = hy_calloc((size_t)n, sizeof(struct ArrowArray *));
	if (p->child_store == NULL || p->child_ptrs == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory exporting a batch");
		goto out;
	}
	for (int64_t i = 0; i < n; i++)
		p->child_ptrs[i] = &p->child_store[i];
	out_array->length = batch->nrows;
	out_array->n_buffers = 1; /* the struct's own validity: absent, no nulls */
	out_array->n_children = n;
	out_array->children = p->child_ptrs;
	for (int64_t i = 0; i < n && rc == 0; i++)
		rc = export_column(batch->cols[i], p->child_ptrs[i], err);
out:
	if (rc != 0) {
		if (out_schema->release != NULL)
			out_schema->release(out_schema);
		if (out_array->release != NULL)
			out_array->release(out_array);
		hy_error_prefix(err, "arrow export");
	}
	return rc;
}

/* ---- import ---- */

/* The moved ArrowArray, alive while any hygge buffer wraps its memory. */
struct import_holder {
	atomic_long refs;
	struct ArrowArray array;
};

static void holder_unref(struct import_holder *h)
{
	if (atomic_fetch_sub_explicit(&h->refs, 1, memory_order_acq_rel) != 1)
		return;
	if (h->array.release != NULL)
		h->array.release(&h->array);
	hy_free(h);
}

static void foreign_release(struct hy_rcbuf *buf)
{
	holder_unref(buf->owner);
}

static struct hy_rcbuf *wrap_foreign(struct import_holder *h, const void *data, int64_t size)
{
	struct hy_rcbuf *buf = hy_rcbuf_wrap((uint8_t *)data, size, foreign_release, h);

	if (buf != NULL)
		atomic_fetch_add_explicit(&h->refs, 1, memory_order_relaxed);
	return buf;
}

static bool has_uuid_extension(const char *m)
{
	int32_t n, klen, vlen;
	const char *p = m;

	if (m == NULL)
		return false;
	memcpy(&n, p, 4);
	p += 4;
	for (int32_t i = 0; i < n; i++) {
		memcpy(&klen, p, 4);
		if (klen < 0)
			return false;
		p += 4;
		const char *key = p;
		p += klen;
		memcpy(&vlen, p, 4);
		if (vlen < 0)
			return false;
		p += 4;
		if ((size_t)klen == sizeof(ext_name_key) - 1 &&
		    memcmp(key, ext_name_key, klen) == 0 &&
		    (size_t)vlen == sizeof(uuid_ext_name) - 1 &&
		    memcmp(p, uuid_ext_name, vlen) == 0)
			return true;
		p += vlen;
	}
	return false;
}

static int unit_of(char c, enum hy_time_unit *unit)
{
	switch (c) {
	case 's': *unit = HY_UNIT_SECOND; return 0;
	case 'm': *unit = HY_UNIT_MILLI; return 0;
	case 'u': *unit = HY_UNIT_MICRO; return 0;
	case 'n': *unit = HY_UNIT_NANO; return 0;
	default: return -1;
	}
}

/* `dec_bits` receives 64 or 128 for decimals. */
static int parse_format(const char *fmt, const char *metadata, struct hy_dtype *t, int *dec_bits,
			struct hy_error *err)
{
	static const char simple[] = "nbcsilCSILfguz";
	static const enum hy_type_id simple_ids[] = {
		HY_NULL,   HY_BOOL,   HY_INT8,   HY_INT16,   HY_INT32,   HY_INT64,  HY_UINT8,
		HY_UINT16, HY_UINT32, HY_UINT64, HY_FLOAT32, HY_FLOAT64, HY_STRING, HY_BINARY};
	enum hy_time_unit unit;
	const char *c;
	long p, s, bits = 128, width;
	char *end;

	if (fmt[0] != '\0' && fmt[1] == '\0' && (c = strchr(simple, fmt[0])) != NULL) {
		*t = hy_dtype_simple(simple_ids[c - simple]);
		return 0;
	}
	if (fmt[0] == 'd' && fmt[1] == ':') {
		/* "d:P,S" or "d:P,S,BITS"; out-of-range numbers fail in
		 * hy_dtype_decimal, junk fails the separator checks. */
		p = strtol(fmt + 2, &end, 10);
		if (*end++ != ',')
			goto unsupported;
		s = strtol(end, &end, 10);
		if (*end == ',')
			bits = strtol(end + 1, &end, 10);
		if (*end != '\0' || p > INT32_MAX || p < INT32_MIN || s > INT32_MAX ||
		    s < INT32_MIN ||
		    (bits != 128 && !(bits == 64 && p <= HY_DECIMAL64_MAX_PRECISION)))
			goto unsupported;
		*dec_bits = (int)bits;
		return hy_dtype_decimal((int)p, (int)s, t, err);
	}
	if (fmt[0] == 'w' && fmt[1] == ':' && fmt[2] != '\0' &&
	    (width = strtol(fmt + 2, &end, 10), *end == '\0') && width <= HY_FIXED_BINARY_MAX) {
		if (width == 16 && has_uuid_extension(metadata)) {
			*t = hy_dtype_simple(HY_UUID);
			return 0;
		}
		return hy_dtype_fixed_binary((int)width, t, err);
	}
	if (strcmp(fmt, "tdD") == 0) {
		*t = hy_dtype_simple(HY_DATE);
		return 0;
	}
	if (fmt[0] == 't' && fmt[1] == 't' && fmt[2] != '\0' && fmt[3] == '\0' &&
	    unit_of(fmt[2], &unit) == 0)
		return hy_dtype_time(unit, t, err);
	if (fmt[0] == 't' && fmt[1] == 'D' && fmt[2] != '\0' && fmt[3] == '\0' &&
	    unit_of(fmt[2], &unit) == 0)
		return hy_dtype_duration(unit, t, err);
	if (fmt[0] == 't' && fmt[1] == 's' && fmt[2] != '\0' && fmt[3] == ':' &&
	    unit_of(fmt[2], &unit) == 0)
		return hy_dtype_timestamp(unit, fmt + 4, t, err);
unsupported:
	return hy_error_set(err, HY_EUNSUPPORTED, "Arrow format \"%.40s\" has no hygge type", fmt);
}

/* What one imported child is, and where its rows sit. */
struct import_ctx {
	struct import_holder *holder;
	struct hy_dtype type;
	int dec_bits;
	int64_t offset; /* child offset + the struct's offset */
	int64_t length;
	int64_t null_count; /* -1: count */
};

static int64_t values_size(const struct hy_dtype *t, int64_t rows)
{
	if (t->id == HY_BOOL)
		return (rows + 7) / 8;
	if (hy_dtype_is_var_width(t))
		return (rows + 1) * 4;
	return rows * hy_dtype_byte_width(t);
}

static struct hy_rcbuf *empty_buffer(void)
{
	return hy_rcbuf_create(0); /* zeroed: offsets [0] for strings */
}

static int narrow_decimal(const struct import_ctx *x, const void *src, struct hy_rcbuf **out,
			  struct hy_error *err)
{
	int64_t *dst;

	/* Same offset as the shared bitmap; rows before it stay zero. */
	*out = hy_rcbuf_create((x->offset + x->length) * 8);
	if (*out == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory narrowing decimals");
	dst = (int64_t *)(*out)->data;
	for (int64_t i = x->offset; i < x->offset + x->length; i++) {
		hy_i128 v;

		memcpy(&v, (const uint8_t *)src + i * 16, 16);
		dst[i] = (int64_t)v;
	}
	return 0;
}

/* A plain column over the array's buffers. */
static int import_plain(const struct import_ctx *x, const struct ArrowArray *a,
			struct hy_column **out, struct hy_error *err)
{
	struct hy_rcbuf *validity = NULL, *values = NULL, *data = NULL;
	bool var = hy_dtype_is_var_width(&x->type);
	bool use_validity;
	int64_t want = x->type.id == HY_NULL ? 0 : var ? 3 : 2;
	int64_t rows = x->offset + x->length, data_size = 0;

	*out = NULL;
	if (a->n_buffers != want)
		return hy_error_set(err, HY_EINVAL, "%lld buffers where %s needs %lld",
				    (long long)a->n_buffers, hy_type_name(x->type.id),
				    (long long)want);
	if (x->type.id == HY_NULL)
		return hy__column_create(&x->type, x->length, 0, x->length, NULL, NULL, NULL, NULL,
					 out, err);
	/* The spec lets a buffer be NULL only when it would hold 0 bytes (the
	 * bitmap also when there are no nulls). */
	if (a->buffers[1] == NULL && rows > 0)
		return hy_error_set(err, HY_EINVAL, "the values buffer is NULL");
	if (var && a->buffers[1] != NULL)
		data_size = ((const int32_t *)a->buffers[1])[rows];
	if (var && a->buffers[2] == NULL && data_size > 0)
		return hy_error_set(err, HY_EINVAL, "the data buffer is NULL");
	use_validity = a->buffers[0] != NULL && x->null_count != 0;

	if (use_validity)
		validity = wrap_foreign(x->holder, a->buffers[0], (rows + 7) / 8);
	if (a->buffers[1] == NULL)
		values = empty_buffer();
	else if (x->type.id == HY_DECIMAL && x->dec_bits == 128 &&
		 x->type.precision <= HY_DECIMAL64_MAX_PRECISION)
		(void)narrow_decimal(x, a->buffers[1], &values, err);
	else
		values = wrap_foreign(x->holder, a->buffers[1], values_size(&x->type, rows));
	if (var)
		data = a->buffers[2] == NULL ? empty_buffer()
					     : wrap_foreign(x->holder, a->buffers[2], data_size);
	if ((use_validity && validity == NULL) || values == NULL || (var && data == NULL)) {
		hy_rcbuf_unref(validity);
		hy_rcbuf_unref(values);
		hy_rcbuf_unref(data);
		return hy_error_set(err, HY_ENOMEM, "out of memory importing an array");
	}
	return hy__column_create(&x->type, x->length, x->offset, use_validity ? x->null_count : 0,
				 validity, values, data, NULL, out, err);
}

static int import_child(struct import_holder *h, const struct ArrowSchema *s,
			const struct ArrowArray *a, int64_t parent_off, int64_t parent_len,
			struct hy_column **out, struct hy_dtype *type, struct hy_error *err)
{
	struct import_ctx x = {.holder = h, .offset = a->offset + parent_off, .length = parent_len};
	struct hy_column *dict = NULL, *indices = NULL;
	int rc;

	*out = NULL;
	/* Offsets are capped too: narrowing decimals allocates offset+length. */
	if (a->offset < 0 || a->offset > HY_MAX_COLUMN_ROWS ||
	    a->length < parent_off + parent_len || a->n_children != 0)
		return hy_error_set(err, HY_EINVAL, "child array of %lld rows at offset %lld",
				    (long long)a->length, (long long)a->offset);
	x.null_count = parent_off == 0 && parent_len == a->length ? a->null_count : -1;
	if (s->dictionary == NULL) {
		HY_TRY(parse_format(s->format, s->metadata, &x.type, &x.dec_bits, err));
		*type = x.type;
		return import_plain(&x, a, out, err);
	}
	/* Dictionary-encoded strings: int32 indices + a plain dictionary. */
	if (strcmp(s->format, "i") != 0 || a->dictionary == NULL)
		return hy_error_set(err, HY_EUNSUPPORTED,
				    "dictionary with \"%.20s\" indices (only int32)", s->format);
	struct import_ctx dx = {.holder = h,
				.offset = a->dictionary->offset,
				.length = a->dictionary->length,
				.null_count = a->dictionary->null_count};
	if (dx.offset < 0 || dx.length < 0 || dx.offset > HY_MAX_COLUMN_ROWS ||
	    dx.length > HY_MAX_COLUMN_ROWS)
		return hy_error_set(err, HY_EINVAL, "dictionary of %lld rows at offset %lld",
				    (long long)dx.length, (long long)dx.offset);
	HY_TRY(parse_format(s->dictionary->format, NULL, &dx.type, &dx.dec_bits, err));
	if (!hy_dtype_is_var_width(&dx.type))
		return hy_error_set(err, HY_EUNSUPPORTED, "dictionary of %s values",
				    hy_type_name(dx.type.id));
	*type = dx.type;
	x.type = hy_dtype_simple(HY_INT32);
	rc = import_plain(&dx, a->dictionary, &dict, err);
	if (rc == 0)
		rc = import_plain(&x, a, &indices, err);
	if (rc == 0)
		rc = hy_column_create_dictionary(indices, dict, out, err);
	hy_column_unref(indices);
	hy_column_unref(dict);
	return rc;
}

static int check_struct(const struct ArrowSchema *s, const struct ArrowArray *a,
			struct hy_error *err)
{
	if (s->release == NULL || a->release == NULL)
		return hy_error_set(err, HY_EINVAL, "an already released schema or array");
	if (strcmp(s->format, "+s") != 0)
		return hy_error_set(err, HY_EUNSUPPORTED,
				    "top-level format \"%.20s\" (a batch is a struct, \"+s\")",
				    s->format);
	if (s->n_children != a->n_children || s->n_children > HY_MAX_FIELDS || a->length < 0 ||
	    a->offset < 0 || a->length > HY_MAX_COLUMN_ROWS)
		return hy_error_set(err, HY_EINVAL, "struct array of %lld rows and %lld children",
				    (long long)a->length, (long long)a->n_children);
	if (a->null_count > 0 ||
	    (a->null_count < 0 && a->n_buffers > 0 && a->buffers[0] != NULL &&
	     hy__bitmap_count_set(a->buffers[0], a->offset, a->length) != a->length))
		return hy_error_set(err, HY_EUNSUPPORTED, "null rows at the struct level");
	return 0;
}

static int import_batch(struct import_holder *h, const struct ArrowSchema *s, struct hy_batch **out,
			struct hy_error *err)
{
	const struct ArrowArray *a = &h->array;
	size_t n = (size_t)s->n_children;
	struct hy_field *fields = hy_calloc(n, sizeof(*fields));
	struct hy_column **cols = hy_calloc(n, sizeof(struct hy_column *));
	struct hy_schema *schema = NULL;
	int rc = 0;

	if (fields == NULL || cols == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory importing a batch");
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct ArrowSchema *cs = s->children[i];

		fields[i].name = (char *)(cs->name == NULL ? "" : cs->name);
		fields[i].nullable = (cs->flags & ARROW_FLAG_NULLABLE) != 0;
		rc = import_child(h, cs, a->children[i], a->offset, a->length, &cols[i],
				  &fields[i].type, err);
		if (rc != 0)
			hy_error_prefix(err, "column %zu (%.100s)", i, fields[i].name);
	}
	if (rc == 0)
		rc = hy_schema_create(fields, n, &schema, err);
	if (rc == 0)
		rc = hy_batch_create(schema, cols, a->length, out, err);
out:
	if (cols != NULL)
		for (size_t i = 0; i < n; i++)
			hy_column_unref(cols[i]);
	hy_free(cols);
	hy_free(fields);
	hy_schema_unref(schema);
	return rc;
}

int hy_batch_import_arrow(struct ArrowSchema *schema, struct ArrowArray *array,
			  struct hy_batch **out, struct hy_error *err)
{
	struct import_holder *h = NULL;
	int rc;

	*out = NULL;
	rc = check_struct(schema, array, err);
	if (rc == 0) {
		h = hy_malloc(sizeof(*h));
		if (h == NULL) {
			hy_error_set(err, HY_ENOMEM, "out of memory importing a batch");
			rc = HY_ENOMEM; /* spelled out for the static analyser */
		}
	}
	if (rc != 0) {
		if (array->release != NULL)
			array->release(array);
		goto out;
	}
	/* Move: the caller's struct is marked released, ours is the owner. */
	atomic_init(&h->refs, 1);
	h->array = *array;
	array->release = NULL;
	rc = import_batch(h, schema, out, err);
	holder_unref(h); /* the columns hold the rest */
out:
	if (schema->release != NULL)
		schema->release(schema);
	if (rc != 0)
		hy_error_prefix(err, "arrow import");
	return rc;
}
