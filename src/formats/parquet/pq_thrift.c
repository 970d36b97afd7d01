/* Thrift compact protocol: a bounds-checked decoder with a skipper for
 * unknown fields, and a small encoder for the writer.
 *
 * Every size read from the wire is checked against the bytes left before it
 * is used (each list element takes at least one byte, each map entry two), so
 * no count can make a caller allocate more than a multiple of the input.
 * Nesting (structs, lists, maps) is capped by HY_PQ_THRIFT_MAX_DEPTH. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pq_int.h"

void hy__pq_tdec_init(struct hy__pq_tdec *d, const void *buf, size_t len, struct hy_error *err)
{
	memset(d, 0, sizeof(*d));
	d->buf = buf;
	d->len = len;
	d->err = err;
}

int hy__pq_tfail(struct hy__pq_tdec *d, int code, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	/* After the first failure the struct frames d->cur points at may be
	 * gone; the first error wins anyway. */
	if (d->failed)
		return code;
	d->failed = code;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (d->cur != NULL)
		return HY__PQ_FAIL(d->err, code, "thrift: field %d of %s: %s (byte %zu)",
				   d->cur->id, d->cur->sname, what, d->pos);
	return HY__PQ_FAIL(d->err, code, "thrift: %s (byte %zu)", what, d->pos);
}

static size_t left(const struct hy__pq_tdec *d)
{
	return d->len - d->pos;
}

int hy__pq_read_varint(struct hy__pq_tdec *d, uint64_t *out)
{
	uint64_t v = 0;

	*out = 0;
	for (int i = 0; i < 10; i++) {
		uint8_t b;

		if (d->pos >= d->len)
			return hy__pq_tfail(d, HY_EFORMAT, "varint runs past the end");
		b = d->buf[d->pos++];
		if (i == 9 && b > 1)
			return hy__pq_tfail(d, HY_EFORMAT, "varint overflows 64 bits");
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if ((b & 0x80) == 0) {
			*out = v;
			return 0;
		}
	}
	return hy__pq_tfail(d, HY_EFORMAT, "varint longer than 10 bytes"); /* not reached */
}

static int64_t unzigzag(uint64_t u)
{
	return (int64_t)((u >> 1) ^ (~(u & 1) + 1));
}

int hy__pq_read_i8(struct hy__pq_tdec *d, int8_t *out)
{
	if (left(d) < 1)
		return hy__pq_tfail(d, HY_EFORMAT, "i8 runs past the end");
	*out = (int8_t)d->buf[d->pos++];
	return 0;
}

static int read_zigzag(struct hy__pq_tdec *d, int bits, int64_t *out)
{
	uint64_t u = 0;

	*out = 0;
	HY_TRY(hy__pq_read_varint(d, &u));
	if (bits < 64 && (u >> bits) != 0)
		return hy__pq_tfail(d, HY_EFORMAT, "varint %llu does not fit an i%d",
				    (unsigned long long)u, bits);
	*out = unzigzag(u);
	return 0;
}

int hy__pq_read_i16(struct hy__pq_tdec *d, int16_t *out)
{
	int64_t v = 0;

	HY_TRY(read_zigzag(d, 16, &v));
	*out = (int16_t)v;
	return 0;
}

int hy__pq_read_i32(struct hy__pq_tdec *d, int32_t *out)
{
	int64_t v = 0;

	HY_TRY(read_zigzag(d, 32, &v));
	*out = (int32_t)v;
	return 0;
}

int hy__pq_read_i64(struct hy__pq_tdec *d, int64_t *out)
{
	return read_zigzag(d, 64, out);
}

int hy__pq_read_double(struct hy__pq_tdec *d, double *out)
{
	uint64_t bits = 0;

	if (left(d) < 8)
		return hy__pq_tfail(d, HY_EFORMAT, "double needs 8 bytes, %zu left", left(d));
	for (int i = 7; i >= 0; i--)
		bits = bits << 8 | d->buf[d->pos + (size_t)i];
	d->pos += 8;
	memcpy(out, &bits, sizeof(*out));
	return 0;
}

int hy__pq_read_binary(struct hy__pq_tdec *d, const uint8_t **ptr, size_t *len)
{
	uint64_t n = 0;

	*ptr = NULL;
	*len = 0;
	HY_TRY(hy__pq_read_varint(d, &n));
	if (n > left(d))
		return hy__pq_tfail(d, HY_EFORMAT, "binary length %llu exceeds the %zu bytes left",
				    (unsigned long long)n, left(d));
	*ptr = d->buf + d->pos;
	*len = (size_t)n;
	d->pos += (size_t)n;
	return 0;
}

int hy__pq_read_list_header(struct hy__pq_tdec *d, uint8_t *elem_type, uint32_t *count)
{
	uint8_t b;
	uint64_t n = 0;

	*elem_type = 0;
	*count = 0;
	if (left(d) < 1)
		return hy__pq_tfail(d, HY_EFORMAT, "list header runs past the end");
	b = d->buf[d->pos++];
	*elem_type = b & 0x0f;
	n = b >> 4;
	if (n == 15)
		HY_TRY(hy__pq_read_varint(d, &n));
	if (n > left(d) || n > UINT32_MAX)
		return hy__pq_tfail(d, HY_EFORMAT, "list size %llu exceeds the %zu bytes left",
				    (unsigned long long)n, left(d));
	if (n > 0 && (*elem_type < HY__PQ_T_TRUE || *elem_type > HY__PQ_T_STRUCT))
		return hy__pq_tfail(d, HY_EFORMAT, "invalid list element type %u", *elem_type);
	*count = (uint32_t)n;
	return 0;
}

int hy__pq_read_bool_elem(struct hy__pq_tdec *d, bool *out)
{
	if (left(d) < 1)
		return hy__pq_tfail(d, HY_EFORMAT, "bool runs past the end");
	/* 1 is true; writers differ on false (2 or 0). */
	*out = d->buf[d->pos++] == 1;
	return 0;
}

static int skip_value(struct hy__pq_tdec *d, uint8_t type, bool elem);

static int skip_struct(struct hy__pq_tdec *d)
{
	struct hy__pq_field f;

	HY_TRY(hy__pq_struct_begin(d, &f, "(skipped struct)"));
	for (;;) {
		HY_TRY(hy__pq_field_next(d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		HY_TRY(skip_value(d, f.type, false));
	}
	hy__pq_struct_end(d, &f);
	return 0;
}

static int skip_elems(struct hy__pq_tdec *d, uint8_t type, uint64_t count)
{
	if (d->depth >= HY_PQ_THRIFT_MAX_DEPTH)
		return hy__pq_tfail(d, HY_ELIMIT, "nesting deeper than %d", HY_PQ_THRIFT_MAX_DEPTH);
	d->depth++;
	for (uint64_t i = 0; i < count; i++)
		HY_TRY(skip_value(d, type, true));
	d->depth--;
	return 0;
}

static int skip_map(struct hy__pq_tdec *d)
{
	uint64_t n = 0;
	uint8_t kv;

	HY_TRY(hy__pq_read_varint(d, &n));
	if (n == 0)
		return 0;
	if (n > left(d) / 2)
		return hy__pq_tfail(d, HY_EFORMAT, "map size %llu exceeds the %zu bytes left",
				    (unsigned long long)n, left(d));
	if (left(d) < 1)
		return hy__pq_tfail(d, HY_EFORMAT, "map header runs past the end");
	kv = d->buf[d->pos++];
	if (d->depth >= HY_PQ_THRIFT_MAX_DEPTH)
		return hy__pq_tfail(d, HY_ELIMIT, "nesting deeper than %d", HY_PQ_THRIFT_MAX_DEPTH);
	d->depth++;
	for (uint64_t i = 0; i < n; i++) {
		HY_TRY(skip_value(d, kv >> 4, true));
		HY_TRY(skip_value(d, kv & 0x0f, true));
	}
	d->depth--;
	return 0;
}

static int skip_value(struct hy__pq_tdec *d, uint8_t type, bool elem)
{
	uint64_t u = 0;
	const uint8_t *p;
	size_t n;
	uint8_t et = 0;
	uint32_t count;

	switch (type) {
	case HY__PQ_T_TRUE:
	case HY__PQ_T_FALSE:
		/* A bool field keeps its value in the header; a bool element takes a byte. */
		if (elem && left(d) < 1)
			return hy__pq_tfail(d, HY_EFORMAT, "bool runs past the end");
		d->pos += elem ? 1 : 0;
		return 0;
	case HY__PQ_T_I8:
		if (left(d) < 1)
			return hy__pq_tfail(d, HY_EFORMAT, "i8 runs past the end");
		d->pos++;
		return 0;
	case HY__PQ_T_I16:
	case HY__PQ_T_I32:
	case HY__PQ_T_I64: return hy__pq_read_varint(d, &u);
	case HY__PQ_T_DOUBLE:
		if (left(d) < 8)
			return hy__pq_tfail(d, HY_EFORMAT, "double needs 8 bytes, %zu left",
					    left(d));
		d->pos += 8;
		return 0;
	case HY__PQ_T_BINARY: return hy__pq_read_binary(d, &p, &n);
	case HY__PQ_T_LIST:
	case HY__PQ_T_SET:
		HY_TRY(hy__pq_read_list_header(d, &et, &count));
		return skip_elems(d, et, count);
	case HY__PQ_T_MAP: return skip_map(d);
	case HY__PQ_T_STRUCT: return skip_struct(d);
	case 13: /* uuid in newer Thrift: 16 raw bytes */
		if (left(d) < 16)
			return hy__pq_tfail(d, HY_EFORMAT, "uuid needs 16 bytes, %zu left",
					    left(d));
		d->pos += 16;
		return 0;
	}
	return hy__pq_tfail(d, HY_EFORMAT, "invalid wire type %u", type);
}

int hy__pq_skip(struct hy__pq_tdec *d, uint8_t type)
{
	return skip_value(d, type, false);
}

int hy__pq_struct_begin(struct hy__pq_tdec *d, struct hy__pq_field *f, const char *sname)
{
	memset(f, 0, sizeof(*f));
	if (d->depth >= HY_PQ_THRIFT_MAX_DEPTH)
		return hy__pq_tfail(d, HY_ELIMIT, "nesting deeper than %d", HY_PQ_THRIFT_MAX_DEPTH);
	d->depth++;
	memset(f, 0, sizeof(*f));
	f->sname = sname;
	f->outer = d->cur;
	d->cur = f;
	return 0;
}

void hy__pq_struct_end(struct hy__pq_tdec *d, struct hy__pq_field *f)
{
	d->cur = f->outer;
	d->depth--;
}

int hy__pq_field_next(struct hy__pq_tdec *d, struct hy__pq_field *f)
{
	uint8_t b, delta;

	if (left(d) < 1)
		return hy__pq_tfail(d, HY_EFORMAT, "struct %s runs past the end (no STOP)",
				    f->sname);
	b = d->buf[d->pos++];
	f->type = b & 0x0f;
	if (b == 0)
		return 0;
	delta = b >> 4;
	if (delta == 0) {
		HY_TRY(hy__pq_read_i16(d, &f->id));
	} else {
		if (f->last_id > INT16_MAX - delta)
			return hy__pq_tfail(d, HY_EFORMAT, "field id past 32767");
		f->id = (int16_t)(f->last_id + delta);
	}
	f->last_id = f->id;
	if (f->type == HY__PQ_T_STOP || f->type > 13)
		return hy__pq_tfail(d, HY_EFORMAT, "invalid wire type %u", f->type);
	/* A repeated field would leak (or double) what the first one decoded. */
	if (f->id >= 0 && f->id < 64 && (f->seen >> f->id & 1))
		return hy__pq_tfail(d, HY_EFORMAT, "field appears twice");
	return 0;
}

void hy__pq_mark_seen(struct hy__pq_field *f)
{
	if (f->id >= 0 && f->id < 64)
		f->seen |= (uint64_t)1 << f->id;
}

int hy__pq_struct_require(struct hy__pq_tdec *d, struct hy__pq_field *f, uint64_t mask,
			  const char *const *names, size_t num_names)
{
	uint64_t missing = mask & ~f->seen;

	if (missing == 0)
		return 0;
	for (int id = 0; id < 64; id++) {
		if (missing & ((uint64_t)1 << id)) {
			const char *name = (size_t)id < num_names && names[id] ? names[id] : "?";

			f->id = (int16_t)id;
			return hy__pq_tfail(d, HY_EFORMAT, "required field %s is missing", name);
		}
	}
	return 0;
}

static bool is_bool(uint8_t type)
{
	return type == HY__PQ_T_TRUE || type == HY__PQ_T_FALSE;
}

int hy__pq_get_bool(struct hy__pq_tdec *d, struct hy__pq_field *f, bool *out)
{
	if (!is_bool(f->type))
		return hy__pq_skip(d, f->type);
	*out = f->type == HY__PQ_T_TRUE;
	hy__pq_mark_seen(f);
	return 0;
}

/* The integer getters share one shape: check the wire type, read, mark. */
#define GET_INT(fn, ctype, wire, reader)                                                           \
	int fn(struct hy__pq_tdec *d, struct hy__pq_field *f, ctype *out)                          \
	{                                                                                          \
		if (f->type != (wire))                                                             \
			return hy__pq_skip(d, f->type);                                            \
		HY_TRY(reader(d, out));                                                            \
		hy__pq_mark_seen(f);                                                               \
		return 0;                                                                          \
	}

GET_INT(hy__pq_get_i8, int8_t, HY__PQ_T_I8, hy__pq_read_i8)
GET_INT(hy__pq_get_i16, int16_t, HY__PQ_T_I16, hy__pq_read_i16)
GET_INT(hy__pq_get_i32, int32_t, HY__PQ_T_I32, hy__pq_read_i32)
GET_INT(hy__pq_get_i64, int64_t, HY__PQ_T_I64, hy__pq_read_i64)
GET_INT(hy__pq_get_double, double, HY__PQ_T_DOUBLE, hy__pq_read_double)

int hy__pq_get_binary(struct hy__pq_tdec *d, struct hy__pq_field *f, const uint8_t **ptr,
		      size_t *len)
{
	if (f->type != HY__PQ_T_BINARY)
		return hy__pq_skip(d, f->type);
	HY_TRY(hy__pq_read_binary(d, ptr, len));
	hy__pq_mark_seen(f);
	return 0;
}

int hy__pq_get_struct(struct hy__pq_tdec *d, struct hy__pq_field *f, bool *ok)
{
	*ok = f->type == HY__PQ_T_STRUCT;
	if (!*ok)
		return hy__pq_skip(d, f->type);
	return 0;
}

int hy__pq_get_list(struct hy__pq_tdec *d, struct hy__pq_field *f, uint8_t elem_type,
		    uint32_t *count, bool *ok)
{
	uint8_t et = 0;
	uint32_t n = 0;

	*ok = false;
	*count = 0;
	if (f->type != HY__PQ_T_LIST && f->type != HY__PQ_T_SET)
		return hy__pq_skip(d, f->type);
	HY_TRY(hy__pq_read_list_header(d, &et, &n));
	/* An empty list may name any element type (hyparquet-writer writes 0). */
	if (n > 0 && et != elem_type && !(is_bool(et) && is_bool(elem_type)))
		return skip_elems(d, et, n);
	*ok = true;
	*count = n;
	hy__pq_mark_seen(f);
	return 0;
}

/* Encoder. */

void hy__pq_tenc_init(struct hy__pq_tenc *e, struct hy_buf *out, struct hy_error *err)
{
	memset(e, 0, sizeof(*e));
	e->out = out;
	e->err = err;
}

int hy__pq_tenc_varint(struct hy__pq_tenc *e, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v != 0)
			tmp[n] |= 0x80;
		n++;
	} while (v != 0);
	return hy_buf_append(e->out, tmp, n, e->err);
}

static int put_zigzag(struct hy__pq_tenc *e, int64_t v)
{
	return hy__pq_tenc_varint(e, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

int hy__pq_tenc_field(struct hy__pq_tenc *e, uint8_t type, int16_t id)
{
	int16_t *last;
	int delta;

	if (e->depth == 0)
		return HY__PQ_FAIL(e->err, HY_ESTATE, "thrift encoder: field outside a struct");
	last = &e->last_id[e->depth - 1];
	delta = id - *last;
	*last = id;
	if (delta > 0 && delta <= 15)
		return hy_buf_append_byte(e->out, (uint8_t)(delta << 4 | type), e->err);
	HY_TRY(hy_buf_append_byte(e->out, type, e->err));
	return put_zigzag(e, id);
}

int hy__pq_tenc_begin(struct hy__pq_tenc *e)
{
	if (e->depth >= HY_PQ_THRIFT_MAX_DEPTH)
		return HY__PQ_FAIL(e->err, HY_ELIMIT, "thrift encoder: nesting deeper than %d",
				   HY_PQ_THRIFT_MAX_DEPTH);
	e->last_id[e->depth++] = 0;
	return 0;
}

int hy__pq_tenc_struct(struct hy__pq_tenc *e, int16_t id)
{
	HY_TRY(hy__pq_tenc_field(e, HY__PQ_T_STRUCT, id));
	return hy__pq_tenc_begin(e);
}

int hy__pq_tenc_end(struct hy__pq_tenc *e)
{
	if (e->depth == 0)
		return HY__PQ_FAIL(e->err, HY_ESTATE, "thrift encoder: end without begin");
	e->depth--;
	return hy_buf_append_byte(e->out, HY__PQ_T_STOP, e->err);
}

int hy__pq_tenc_bool(struct hy__pq_tenc *e, int16_t id, bool v)
{
	return hy__pq_tenc_field(e, v ? HY__PQ_T_TRUE : HY__PQ_T_FALSE, id);
}

int hy__pq_tenc_i8(struct hy__pq_tenc *e, int16_t id, int8_t v)
{
	HY_TRY(hy__pq_tenc_field(e, HY__PQ_T_I8, id));
	return hy_buf_append_byte(e->out, (uint8_t)v, e->err);
}

int hy__pq_tenc_i16(struct hy__pq_tenc *e, int16_t id, int16_t v)
{
	HY_TRY(hy__pq_tenc_field(e, HY__PQ_T_I16, id));
	return put_zigzag(e, v);
}

int hy__pq_tenc_i32(struct hy__pq_tenc *e, int16_t id, int32_t v)
{
	HY_TRY(hy__pq_tenc_field(e, HY__PQ_T_I32, id));
	return put_zigzag(e, v);
}

int hy__pq_tenc_i64(struct hy__pq_tenc *e, int16_t id, int64_t v)
{
	HY_TRY(hy__pq_tenc_field(e, HY__PQ_T_I64, id));
	return put_zigzag(e, v);
}

int hy__pq_tenc_double(struct hy__pq_tenc *e, int16_t id, double v)
{
	uint64_t bits;
	uint8_t le[8];

	memcpy(&bits, &v, sizeof(bits));
	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)(bits >> (8 * i));
	HY_TRY(hy__pq_tenc_field(e, HY__PQ_T_DOUBLE, id));
	return hy_buf_append(e->out, le, sizeof(le), e->err);
}

int hy__pq_tenc_elem_binary(struct hy__pq_tenc *e, const void *p, size_t len)
{
	HY_TRY(hy__pq_tenc_varint(e, len));
	return hy_buf_append(e->out, p, len, e->err);
}

int hy__pq_tenc_binary(struct hy__pq_tenc *e, int16_t id, const void *p, size_t len)
{
	HY_TRY(hy__pq_tenc_field(e, HY__PQ_T_BINARY, id));
	return hy__pq_tenc_elem_binary(e, p, len);
}

int hy__pq_tenc_list(struct hy__pq_tenc *e, int16_t id, uint8_t elem_type, uint32_t count)
{
	HY_TRY(hy__pq_tenc_field(e, HY__PQ_T_LIST, id));
	if (count < 15)
		return hy_buf_append_byte(e->out, (uint8_t)(count << 4 | elem_type), e->err);
	HY_TRY(hy_buf_append_byte(e->out, (uint8_t)(0xf0 | elem_type), e->err));
	return hy__pq_tenc_varint(e, count);
}

int hy__pq_tenc_elem_i32(struct hy__pq_tenc *e, int32_t v)
{
	return put_zigzag(e, v);
}

int hy__pq_tenc_elem_i64(struct hy__pq_tenc *e, int64_t v)
{
	return put_zigzag(e, v);
}

int hy__pq_tenc_elem_bool(struct hy__pq_tenc *e, bool v)
{
	return hy_buf_append_byte(e->out, v ? 1 : 2, e->err);
}
