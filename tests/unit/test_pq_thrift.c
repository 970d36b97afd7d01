/* The Thrift compact protocol decoder and encoder, and page headers. */
#include <stdio.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/buffer.h"
#include "pq_int.h"

#define DEC(d, bytes, err) hy__pq_tdec_init((d), (bytes), sizeof(bytes), (err))

static void test_varint(void **state)
{
	static const uint8_t zero[] = {0x00}, small[] = {0x7f}, two[] = {0x80, 0x01};
	static const uint8_t max[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
	static const uint8_t over[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
	static const uint8_t cut[] = {0x80, 0x80};
	struct hy_error err = {0};
	struct hy__pq_tdec d;
	uint64_t v;

	(void)state;
	DEC(&d, zero, &err);
	assert_int_equal(hy__pq_read_varint(&d, &v), 0);
	assert_int_equal(v, 0);
	DEC(&d, small, &err);
	assert_int_equal(hy__pq_read_varint(&d, &v), 0);
	assert_int_equal(v, 127);
	DEC(&d, two, &err);
	assert_int_equal(hy__pq_read_varint(&d, &v), 0);
	assert_int_equal(v, 128);
	assert_int_equal(d.pos, 2);
	DEC(&d, max, &err);
	assert_int_equal(hy__pq_read_varint(&d, &v), 0);
	assert_true(v == UINT64_MAX);
	DEC(&d, over, &err);
	assert_int_equal(hy__pq_read_varint(&d, &v), HY_EFORMAT);
	assert_string_equal(err.msg, "thrift: varint overflows 64 bits (byte 10)");
	hy_error_init(&err);
	DEC(&d, cut, &err);
	assert_int_equal(hy__pq_read_varint(&d, &v), HY_EFORMAT);
	assert_string_equal(err.msg, "thrift: varint runs past the end (byte 2)");
}

static void test_zigzag_ranges(void **state)
{
	static const uint8_t m1[] = {0x01}, p1[] = {0x02}, m2[] = {0x03};
	static const uint8_t i32max[] = {0xfe, 0xff, 0xff, 0xff, 0x0f};
	static const uint8_t i32min[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
	static const uint8_t too_big[] = {0x80, 0x80, 0x80, 0x80, 0x10};
	static const uint8_t i64min[] = {0xff, 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff, 0x01};
	static const uint8_t i16over[] = {0x80, 0x80, 0x04};
	struct hy_error err = {0};
	struct hy__pq_tdec d;
	int32_t v32;
	int64_t v64;
	int16_t v16;

	(void)state;
	DEC(&d, m1, &err);
	assert_int_equal(hy__pq_read_i32(&d, &v32), 0);
	assert_int_equal(v32, -1);
	DEC(&d, p1, &err);
	assert_int_equal(hy__pq_read_i32(&d, &v32), 0);
	assert_int_equal(v32, 1);
	DEC(&d, m2, &err);
	assert_int_equal(hy__pq_read_i64(&d, &v64), 0);
	assert_int_equal(v64, -2);
	DEC(&d, i32max, &err);
	assert_int_equal(hy__pq_read_i32(&d, &v32), 0);
	assert_int_equal(v32, INT32_MAX);
	DEC(&d, i32min, &err);
	assert_int_equal(hy__pq_read_i32(&d, &v32), 0);
	assert_int_equal(v32, INT32_MIN);
	DEC(&d, i64min, &err);
	assert_int_equal(hy__pq_read_i64(&d, &v64), 0);
	assert_true(v64 == INT64_MIN);
	DEC(&d, too_big, &err);
	assert_int_equal(hy__pq_read_i32(&d, &v32), HY_EFORMAT);
	assert_string_equal(err.msg, "thrift: varint 4294967296 does not fit an i32 (byte 5)");
	hy_error_init(&err);
	DEC(&d, i16over, &err);
	assert_int_equal(hy__pq_read_i16(&d, &v16), HY_EFORMAT);
}

/* A hand-built struct with every wire type, short and long field ids. */
static void test_every_type(void **state)
{
	static const uint8_t bytes[] = {0x11,             /* 1: true */
					0x12,             /* 2: false */
					0x13, 0xfe,       /* 3: i8 -2 */
					0x14, 0x03,       /* 4: i16 -2 */
					0x15, 0xd8, 0x04, /* 5: i32 300 */
					0x16, 0x01,       /* 6: i64 -1 */
					0x17, 0,    0,    0,    0,
					0,    0,    0xf8, 0x3f,      /* 7: double 1.5 */
					0x18, 0x03, 'a',  'b',  'c', /* 8: binary */
					0x05, 0xd8, 0x04, 0x07,      /* 300 (long form): i32 -4 */
					0x06, 0x01, 0x02,            /* -1 (long form): i64 1 */
					0x00};
	struct hy_error err = {0};
	struct hy__pq_tdec d;
	struct hy__pq_field f;
	bool b1 = false, b2 = true;
	int8_t i8 = 0;
	int16_t i16 = 0;
	int32_t i32 = 0, far = 0;
	int64_t i64 = 0, neg_id = 0;
	double dbl = 0;
	const uint8_t *p = NULL;
	size_t n = 0;

	(void)state;
	DEC(&d, bytes, &err);
	assert_int_equal(hy__pq_struct_begin(&d, &f, "Test"), 0);
	for (;;) {
		assert_int_equal(hy__pq_field_next(&d, &f), 0);
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: assert_int_equal(hy__pq_get_bool(&d, &f, &b1), 0); break;
		case 2: assert_int_equal(hy__pq_get_bool(&d, &f, &b2), 0); break;
		case 3: assert_int_equal(hy__pq_get_i8(&d, &f, &i8), 0); break;
		case 4: assert_int_equal(hy__pq_get_i16(&d, &f, &i16), 0); break;
		case 5: assert_int_equal(hy__pq_get_i32(&d, &f, &i32), 0); break;
		case 6: assert_int_equal(hy__pq_get_i64(&d, &f, &i64), 0); break;
		case 7: assert_int_equal(hy__pq_get_double(&d, &f, &dbl), 0); break;
		case 8: assert_int_equal(hy__pq_get_binary(&d, &f, &p, &n), 0); break;
		case 300: assert_int_equal(hy__pq_get_i32(&d, &f, &far), 0); break;
		case -1: assert_int_equal(hy__pq_get_i64(&d, &f, &neg_id), 0); break;
		default: fail_msg("unexpected field %d", f.id);
		}
	}
	assert_int_equal(hy__pq_struct_require(&d, &f, 0x1fe, NULL, 0), 0);
	hy__pq_struct_end(&d, &f);
	assert_int_equal(d.pos, sizeof(bytes));
	assert_true(b1);
	assert_false(b2);
	assert_int_equal(i8, -2);
	assert_int_equal(i16, -2);
	assert_int_equal(i32, 300);
	assert_int_equal(i64, -1);
	assert_true(dbl == 1.5);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "abc", 3);
	assert_int_equal(far, -4);
	assert_int_equal(neg_id, 1);
	assert_int_equal(d.depth, 0);
	assert_null(d.cur);
}

/* Unknown fields of every kind are skipped, then a known field is read. */
static void test_skip_unknown(void **state)
{
	static const uint8_t bytes[] = {
		0x1c,                         /* 1: struct */
		0x19, 0x2c,                   /*   1: list<struct>, 2 elements */
		0x1b, 0x01, 0x85,             /*     { 1: map<binary,i32> size 1 */
		0x02, 0x01, 'x',  0x00, 0x00, /*       "\x01x" -> 0 } */
		0x00,                         /*     {} */
		0x11,                         /*   2: true */
		0x00,                         /* end of the struct */
		0x1a, 0x31, 0x01, 0x02, 0x00, /* 2: set<bool> {true, false, false} */
		0x1b, 0x00,                   /* 3: empty map */
		0x19, 0x37,                   /* 4: list<double>, 3 elements */
		0,    0,    0,    0,    0,    0,    0, 0, 0, 0,  0,  0,    0,
		0,    0,    0,    0,    0,    0,    0, 0, 0, 0,  0,  0x13, 0x05, /* 5: i8 */
		0x0d, 0xd0, 0x0f, /* 1000 (long form): uuid */
		1,    2,    3,    4,    5,    6,    7, 8, 9, 10, 11, 12,   13,
		14,   15,   16,   0x05, 0xd2, 0x0f, /* 1001 (long form): i32 -4 */
		0x07, 0x00};
	struct hy_error err = {0};
	struct hy__pq_tdec d;
	struct hy__pq_field f;
	int32_t v = 0;

	(void)state;
	DEC(&d, bytes, &err);
	assert_int_equal(hy__pq_struct_begin(&d, &f, "Test"), 0);
	for (;;) {
		assert_int_equal(hy__pq_field_next(&d, &f), 0);
		if (f.type == HY__PQ_T_STOP)
			break;
		if (f.id == 1001)
			assert_int_equal(hy__pq_get_i32(&d, &f, &v), 0);
		else
			assert_int_equal(hy__pq_skip(&d, f.type), 0);
	}
	hy__pq_struct_end(&d, &f);
	assert_int_equal(v, -4);
	assert_int_equal(d.pos, sizeof(bytes));
}

static void test_sizes_checked(void **state)
{
	/* field 4, list<i32> of size 0xffffffff, then 0 bytes */
	static const uint8_t list[] = {0x49, 0xf5, 0xff, 0xff, 0xff, 0xff, 0x0f};
	static const uint8_t bin[] = {0x18, 0x05, 'a', 'b', 0x00};
	static const uint8_t map[] = {0x1b, 0x03, 0x55, 0x02, 0x02, 0x00};
	struct hy_error err = {0};
	struct hy__pq_tdec d;
	struct hy__pq_field f;
	uint32_t n;
	bool ok;
	const uint8_t *p;
	size_t len;

	(void)state;
	DEC(&d, list, &err);
	assert_int_equal(hy__pq_struct_begin(&d, &f, "ColumnMetaData"), 0);
	assert_int_equal(hy__pq_field_next(&d, &f), 0);
	assert_int_equal(hy__pq_get_list(&d, &f, HY__PQ_T_I32, &n, &ok), HY_EFORMAT);
	assert_string_equal(err.msg, "thrift: field 4 of ColumnMetaData: list size 4294967295 "
				     "exceeds the 0 bytes left (byte 7)");

	hy_error_init(&err);
	DEC(&d, bin, &err);
	assert_int_equal(hy__pq_struct_begin(&d, &f, "KeyValue"), 0);
	assert_int_equal(hy__pq_field_next(&d, &f), 0);
	assert_int_equal(hy__pq_get_binary(&d, &f, &p, &len), HY_EFORMAT);
	assert_string_equal(err.msg, "thrift: field 1 of KeyValue: binary length 5 exceeds the "
				     "3 bytes left (byte 2)");

	hy_error_init(&err);
	DEC(&d, map, &err);
	assert_int_equal(hy__pq_struct_begin(&d, &f, "X"), 0);
	assert_int_equal(hy__pq_field_next(&d, &f), 0);
	assert_int_equal(hy__pq_skip(&d, f.type), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "map size 3 exceeds"));
}

static void test_depth_cap(void **state)
{
	uint8_t bytes[2 * HY_PQ_THRIFT_MAX_DEPTH + 4];
	struct hy_error err = {0};
	struct hy__pq_tdec d;
	struct hy__pq_field f;

	(void)state;
	/* struct { 1: struct { 1: struct { ... */
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = 0x1c;
	DEC(&d, bytes, &err);
	assert_int_equal(hy__pq_struct_begin(&d, &f, "Deep"), 0);
	assert_int_equal(hy__pq_field_next(&d, &f), 0);
	assert_int_equal(hy__pq_skip(&d, f.type), HY_ELIMIT);
	assert_non_null(strstr(err.msg, "nesting deeper than 64"));

	/* nested lists too */
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = 0x19;
	hy_error_init(&err);
	DEC(&d, bytes, &err);
	assert_int_equal(hy__pq_struct_begin(&d, &f, "Deep"), 0);
	assert_int_equal(hy__pq_field_next(&d, &f), 0);
	assert_int_equal(hy__pq_skip(&d, f.type), HY_ELIMIT);
}

static void test_lists_and_quirks(void **state)
{
	static const uint8_t bytes[] = {
		0x19, 0x00, /* 1: empty list with element type 0 (hyparquet-writer) */
		0x19, 0x31, 0x01, 0x02, 0x00, /* 2: list<bool> true, false, false(0) */
		0x19, 0x15, 0x02,             /* 3: list<i32> {1}, read as an i32 field: skipped */
		0x15, 0x04,                   /* 4: i32 2 */
		0x00};
	static const uint8_t dup[] = {0x15, 0x02, 0x05, 0x02, 0x04, 0x00};
	struct hy_error err = {0};
	struct hy__pq_tdec d;
	struct hy__pq_field f;
	uint32_t n = 99;
	bool ok = false, b[3];
	int32_t v3 = 77, v4 = 0;

	(void)state;
	DEC(&d, bytes, &err);
	assert_int_equal(hy__pq_struct_begin(&d, &f, "Test"), 0);
	assert_int_equal(hy__pq_field_next(&d, &f), 0);
	assert_int_equal(hy__pq_get_list(&d, &f, HY__PQ_T_STRUCT, &n, &ok), 0);
	assert_true(ok);
	assert_int_equal(n, 0);
	assert_int_equal(hy__pq_field_next(&d, &f), 0);
	assert_int_equal(hy__pq_get_list(&d, &f, HY__PQ_T_TRUE, &n, &ok), 0);
	assert_true(ok);
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(hy__pq_read_bool_elem(&d, &b[i]), 0);
	assert_true(b[0]);
	assert_false(b[1]);
	assert_false(b[2]);
	assert_int_equal(hy__pq_field_next(&d, &f), 0);
	assert_int_equal(hy__pq_get_i32(&d, &f, &v3), 0); /* mistyped: skipped */
	assert_int_equal(v3, 77);
	assert_int_equal(hy__pq_field_next(&d, &f), 0);
	assert_int_equal(hy__pq_get_i32(&d, &f, &v4), 0);
	assert_int_equal(v4, 2);
	assert_int_equal(f.seen, (1 << 1) | (1 << 2) | (1 << 4));
	assert_int_equal(hy__pq_struct_require(&d, &f, 1 << 3, NULL, 0), HY_EFORMAT);
	assert_string_equal(err.msg,
			    "thrift: field 3 of Test: required field ? is missing (byte 12)");

	/* the same field twice is refused (it would leak what the first decoded) */
	hy_error_init(&err);
	DEC(&d, dup, &err);
	assert_int_equal(hy__pq_struct_begin(&d, &f, "Dup"), 0);
	assert_int_equal(hy__pq_field_next(&d, &f), 0);
	assert_int_equal(hy__pq_get_i32(&d, &f, &v4), 0);
	assert_int_equal(hy__pq_field_next(&d, &f), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "field 1 of Dup: field appears twice"));
}

static void test_encoder_bytes(void **state)
{
	static const uint8_t want[] = {0x15, 0x02, 0x11, 0x05, 0xd0, 0x0f, 0x02, 0x00};
	struct hy_error err = {0};
	struct hy_buf buf;
	struct hy__pq_tenc e;

	(void)state;
	hy_buf_init(&buf, 1 << 10);
	hy__pq_tenc_init(&e, &buf, &err);
	assert_int_equal(hy__pq_tenc_begin(&e), 0);
	assert_int_equal(hy__pq_tenc_i32(&e, 1, 1), 0);
	assert_int_equal(hy__pq_tenc_bool(&e, 2, true), 0);
	assert_int_equal(hy__pq_tenc_i32(&e, 1000, 1), 0); /* long form */
	assert_int_equal(hy__pq_tenc_end(&e), 0);
	assert_int_equal(buf.len, sizeof(want));
	assert_memory_equal(buf.data, want, sizeof(want));
	assert_int_equal(hy__pq_tenc_end(&e), HY_ESTATE);
	hy_buf_reset(&buf);

	/* the cap of the output buffer holds */
	hy_error_init(&err);
	hy_buf_init(&buf, 4);
	hy__pq_tenc_init(&e, &buf, &err);
	assert_int_equal(hy__pq_tenc_begin(&e), 0);
	assert_int_equal(hy__pq_tenc_binary(&e, 1, "hello", 5), HY_ELIMIT);
	hy_buf_reset(&buf);
}

static void test_encoder_round_trip(void **state)
{
	static const int16_t ids[] = {1, 2, 17, 18, 40, 41, 300, 301, 302, 303, 304};
	struct hy_error err = {0};
	struct hy_buf buf;
	struct hy__pq_tenc e;
	struct hy__pq_tdec d;
	struct hy__pq_field f, inner;
	int32_t i32 = 0, inner_v = 0;
	int64_t i64 = 0;
	int16_t i16 = 0;
	int8_t i8 = 0;
	double dbl = 0;
	bool bt = false, bf = true, ok;
	const uint8_t *p = NULL;
	size_t n = 0;
	uint32_t count;

	(void)state;
	hy_buf_init(&buf, 1 << 16);
	hy__pq_tenc_init(&e, &buf, &err);
	assert_int_equal(hy__pq_tenc_begin(&e), 0);
	assert_int_equal(hy__pq_tenc_i32(&e, ids[0], INT32_MIN), 0);
	assert_int_equal(hy__pq_tenc_i64(&e, ids[1], INT64_MIN), 0);
	assert_int_equal(hy__pq_tenc_i16(&e, ids[2], -300), 0);
	assert_int_equal(hy__pq_tenc_i8(&e, ids[3], -128), 0);
	assert_int_equal(hy__pq_tenc_double(&e, ids[4], -2.25), 0);
	assert_int_equal(hy__pq_tenc_binary(&e, ids[5], "", 0), 0);
	assert_int_equal(hy__pq_tenc_bool(&e, ids[6], true), 0);
	assert_int_equal(hy__pq_tenc_bool(&e, ids[7], false), 0);
	assert_int_equal(hy__pq_tenc_list(&e, ids[8], HY__PQ_T_I32, 20), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(hy__pq_tenc_elem_i32(&e, i - 10), 0);
	assert_int_equal(hy__pq_tenc_list(&e, ids[9], HY__PQ_T_STRUCT, 2), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(hy__pq_tenc_begin(&e), 0);
		assert_int_equal(hy__pq_tenc_i32(&e, 1, 7 * i), 0);
		assert_int_equal(hy__pq_tenc_end(&e), 0);
	}
	assert_int_equal(hy__pq_tenc_struct(&e, ids[10]), 0);
	assert_int_equal(hy__pq_tenc_i32(&e, 16, 42), 0);
	assert_int_equal(hy__pq_tenc_end(&e), 0);
	assert_int_equal(hy__pq_tenc_end(&e), 0);
	assert_int_equal(e.depth, 0);

	hy__pq_tdec_init(&d, buf.data, buf.len, &err);
	assert_int_equal(hy__pq_struct_begin(&d, &f, "RoundTrip"), 0);
	for (;;) {
		assert_int_equal(hy__pq_field_next(&d, &f), 0);
		if (f.type == HY__PQ_T_STOP)
			break;
		if (f.id == ids[0])
			assert_int_equal(hy__pq_get_i32(&d, &f, &i32), 0);
		else if (f.id == ids[1])
			assert_int_equal(hy__pq_get_i64(&d, &f, &i64), 0);
		else if (f.id == ids[2])
			assert_int_equal(hy__pq_get_i16(&d, &f, &i16), 0);
		else if (f.id == ids[3])
			assert_int_equal(hy__pq_get_i8(&d, &f, &i8), 0);
		else if (f.id == ids[4])
			assert_int_equal(hy__pq_get_double(&d, &f, &dbl), 0);
		else if (f.id == ids[5])
			assert_int_equal(hy__pq_get_binary(&d, &f, &p, &n), 0);
		else if (f.id == ids[6])
			assert_int_equal(hy__pq_get_bool(&d, &f, &bt), 0);
		else if (f.id == ids[7])
			assert_int_equal(hy__pq_get_bool(&d, &f, &bf), 0);
		else if (f.id == ids[8]) {
			assert_int_equal(hy__pq_get_list(&d, &f, HY__PQ_T_I32, &count, &ok), 0);
			assert_true(ok);
			assert_int_equal(count, 20);
			for (int i = 0; i < 20; i++) {
				int32_t v;

				assert_int_equal(hy__pq_read_i32(&d, &v), 0);
				assert_int_equal(v, i - 10);
			}
		} else if (f.id == ids[9]) {
			assert_int_equal(hy__pq_get_list(&d, &f, HY__PQ_T_STRUCT, &count, &ok), 0);
			assert_int_equal(count, 2);
			for (uint32_t i = 0; i < count; i++) {
				assert_int_equal(hy__pq_struct_begin(&d, &inner, "Elem"), 0);
				assert_int_equal(hy__pq_field_next(&d, &inner), 0);
				assert_int_equal(hy__pq_get_i32(&d, &inner, &inner_v), 0);
				assert_int_equal(inner_v, 7 * (int)i);
				assert_int_equal(hy__pq_field_next(&d, &inner), 0);
				assert_int_equal(inner.type, HY__PQ_T_STOP);
				hy__pq_struct_end(&d, &inner);
			}
		} else if (f.id == ids[10]) {
			assert_int_equal(hy__pq_get_struct(&d, &f, &ok), 0);
			assert_true(ok);
			assert_int_equal(hy__pq_struct_begin(&d, &inner, "Inner"), 0);
			assert_int_equal(hy__pq_field_next(&d, &inner), 0);
			assert_int_equal(inner.id, 16); /* the delta restarts in a nested struct */
			assert_int_equal(hy__pq_get_i32(&d, &inner, &inner_v), 0);
			assert_int_equal(hy__pq_field_next(&d, &inner), 0);
			hy__pq_struct_end(&d, &inner);
		} else {
			fail_msg("unexpected field %d", f.id);
		}
	}
	hy__pq_struct_end(&d, &f);
	assert_int_equal(d.pos, buf.len);
	assert_int_equal(i32, INT32_MIN);
	assert_true(i64 == INT64_MIN);
	assert_int_equal(i16, -300);
	assert_int_equal(i8, -128);
	assert_true(dbl == -2.25);
	assert_int_equal(n, 0);
	assert_true(bt);
	assert_false(bf);
	assert_int_equal(inner_v, 42);
	hy_buf_reset(&buf);
}

static void encode_header(const struct hy_pq_page_header *h, struct hy_buf *buf)
{
	struct hy_error err = {0};
	struct hy__pq_tenc e;

	hy_buf_init(buf, 1 << 12);
	hy__pq_tenc_init(&e, buf, &err);
	assert_int_equal(hy__pq_page_header_encode(&e, h), 0);
}

static void test_page_header_round_trip(void **state)
{
	struct hy_pq_page_header in[3], out;
	struct hy_error err = {0};
	struct hy_buf buf;
	size_t used;

	(void)state;
	memset(in, 0, sizeof(in));
	in[0] = (struct hy_pq_page_header){
		.type = HY_PQ_PAGE_DATA,
		.uncompressed_page_size = 100,
		.compressed_page_size = 60,
		.crc = 0xdeadbeef,
		.has_crc = true,
		.has_data = true,
		.data = {.num_values = 10,
			 .encoding = HY_PQ_ENC_RLE_DICTIONARY,
			 .definition_level_encoding = HY_PQ_ENC_RLE,
			 .repetition_level_encoding = HY_PQ_ENC_BIT_PACKED}};
	in[1] = (struct hy_pq_page_header){.type = HY_PQ_PAGE_DICTIONARY,
					   .uncompressed_page_size = 0,
					   .compressed_page_size = 0,
					   .has_dictionary = true,
					   .dictionary = {.num_values = 0,
							  .encoding = HY_PQ_ENC_PLAIN_DICTIONARY,
							  .is_sorted = true,
							  .has_is_sorted = true}};
	in[2] = (struct hy_pq_page_header){.type = HY_PQ_PAGE_DATA_V2,
					   .uncompressed_page_size = 2000000,
					   .compressed_page_size = 1000,
					   .has_data_v2 = true,
					   .data_v2 = {.num_values = 513,
						       .num_nulls = 1,
						       .num_rows = 513,
						       .encoding = HY_PQ_ENC_DELTA_BINARY_PACKED,
						       .definition_levels_byte_length = 7,
						       .repetition_levels_byte_length = 0,
						       .is_compressed = false}};
	for (int i = 0; i < 3; i++) {
		encode_header(&in[i], &buf);
		buf.data[buf.len] = 0xab; /* the page body would follow */
		assert_int_equal(hy_pq_page_header_decode(buf.data, buf.len + 1, &out, &used, &err),
				 0);
		assert_int_equal(used, buf.len);
		assert_memory_equal(&out, &in[i], sizeof(out));
		/* every truncation fails cleanly */
		for (size_t cut = 0; cut < buf.len; cut++) {
			struct hy_error e2 = {0};

			assert_int_equal(hy_pq_page_header_decode(buf.data, cut, &out, &used, &e2),
					 HY_EFORMAT);
			assert_true(e2.msg[0] != 0);
		}
		hy_buf_reset(&buf);
	}
}

static void test_page_header_checks(void **state)
{
	struct hy_pq_page_header h = {0}, out;
	struct hy_error err = {0};
	struct hy_buf buf;
	size_t used;

	(void)state;
	/* negative dictionary count (ARROW-RS-GH-6229-DICTHEADER) */
	h = (struct hy_pq_page_header){.type = HY_PQ_PAGE_DICTIONARY,
				       .uncompressed_page_size = 8,
				       .compressed_page_size = 8,
				       .has_dictionary = true,
				       .dictionary = {.num_values = -3}};
	encode_header(&h, &buf);
	assert_int_equal(hy_pq_page_header_decode(buf.data, buf.len, &out, &used, &err),
			 HY_EFORMAT);
	assert_non_null(strstr(err.msg, "field 1 of DictionaryPageHeader: negative num_values -3"));
	hy_buf_reset(&buf);

	/* a data page without its DataPageHeader */
	hy_error_init(&err);
	h = (struct hy_pq_page_header){.type = HY_PQ_PAGE_DATA, .compressed_page_size = 1};
	encode_header(&h, &buf);
	assert_int_equal(hy_pq_page_header_decode(buf.data, buf.len, &out, &used, &err),
			 HY_EFORMAT);
	assert_string_equal(err.msg, "parquet page header: page of type 0 without its header");
	hy_buf_reset(&buf);

	/* v2 level lengths larger than the page */
	hy_error_init(&err);
	h = (struct hy_pq_page_header){.type = HY_PQ_PAGE_DATA_V2,
				       .compressed_page_size = 10,
				       .has_data_v2 = true,
				       .data_v2 = {.num_values = 5,
						   .definition_levels_byte_length = 6,
						   .repetition_levels_byte_length = 6}};
	encode_header(&h, &buf);
	assert_int_equal(hy_pq_page_header_decode(buf.data, buf.len, &out, &used, &err),
			 HY_EFORMAT);
	hy_buf_reset(&buf);

	/* an unknown page type is kept, for the reader to skip by size */
	hy_error_init(&err);
	h = (struct hy_pq_page_header){.type = 25, .compressed_page_size = 3};
	encode_header(&h, &buf);
	assert_int_equal(hy_pq_page_header_decode(buf.data, buf.len, &out, &used, &err), 0);
	assert_int_equal(out.type, 25);
	assert_int_equal(out.compressed_page_size, 3);
	hy_buf_reset(&buf);
}

/* Random bytes and byte flips of real headers never crash the decoder. */
static void test_page_header_noise(void **state)
{
	struct hy_pq_page_header h = {.type = HY_PQ_PAGE_DATA,
				      .uncompressed_page_size = 100,
				      .compressed_page_size = 60,
				      .has_data = true,
				      .data = {.num_values = 10}};
	struct hy_pq_page_header out;
	struct hy_buf buf;
	uint8_t noise[64];
	uint32_t seed = 12345;
	size_t used;

	(void)state;
	encode_header(&h, &buf);
	for (int iter = 0; iter < 5000; iter++) {
		struct hy_error err = {0};
		int rc;

		for (size_t i = 0; i < sizeof(noise); i++) {
			seed = seed * 1103515245u + 12345u;
			noise[i] = (uint8_t)(seed >> 16);
		}
		if (iter % 2 == 0) { /* a real header with 1-3 flipped bytes */
			memcpy(noise, buf.data, buf.len);
			for (int k = 0; k < 1 + iter % 3; k++) {
				seed = seed * 1103515245u + 12345u;
				noise[(seed >> 8) % buf.len] ^= (uint8_t)(1 + (seed >> 24) % 255);
			}
		}
		rc = hy_pq_page_header_decode(noise, iter % 2 == 0 ? buf.len : sizeof(noise), &out,
					      &used, &err);
		assert_true(rc == 0 || rc == HY_EFORMAT || rc == HY_ELIMIT);
		assert_true(rc == 0 || err.msg[0] != 0);
	}
	hy_buf_reset(&buf);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(hy_pq_type_name(HY_PQ_INT96), "INT96");
	assert_string_equal(hy_pq_type_name(-7), "unknown");
	assert_string_equal(hy_pq_codec_name(HY_PQ_CODEC_LZ4_RAW), "LZ4_RAW");
	assert_string_equal(hy_pq_encoding_name(HY_PQ_ENC_BYTE_STREAM_SPLIT), "BYTE_STREAM_SPLIT");
	assert_string_equal(hy_pq_encoding_name(11), "unknown");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_varint),
	cmocka_unit_test(test_zigzag_ranges),
	cmocka_unit_test(test_every_type),
	cmocka_unit_test(test_skip_unknown),
	cmocka_unit_test(test_sizes_checked),
	cmocka_unit_test(test_depth_cap),
	cmocka_unit_test(test_lists_and_quirks),
	cmocka_unit_test(test_encoder_bytes),
	cmocka_unit_test(test_encoder_round_trip),
	cmocka_unit_test(test_page_header_round_trip),
	cmocka_unit_test(test_page_header_checks),
	cmocka_unit_test(test_page_header_noise),
	cmocka_unit_test(test_names),
};
HY_TEST_MAIN(tests)
