/* FileMetaData and the structs inside it, decoded from Thrift compact bytes
 * into the C structs of hygge/parquet.h, and freed again.
 *
 * Each decoder walks the fields of one struct: known ids with the expected
 * wire type are read, everything else (unknown ids, known ids with the wrong
 * wire type, as in dict-page-offset-zero.parquet) is skipped, and required
 * fields are checked at the end. Every allocation hangs off the metadata
 * object from the moment it is made, so an early return leaves a half-built
 * object that hy_pq_metadata_destroy() frees. */
#include <string.h>

#include "hygge/alloc.h"
#include "pq_int.h"

#define BIT(id)  ((uint64_t)1 << (id))
#define NAMES(a) (a), sizeof(a) / sizeof((a)[0])

struct ctx {
	struct hy__pq_tdec d;
	struct hy_pq_metadata *md;
	struct hy_error *err;
};

int hy__pq_md_calloc(struct hy_pq_metadata *md, size_t count, size_t size, void **out,
		     struct hy_error *err)
{
	void *p;

	*out = NULL;
	if (count == 0 || size == 0)
		return 0;
	if (count > (HY_PQ_MAX_METADATA_MEMORY - md->mem_used) / size)
		return HY__PQ_FAIL(err, HY_ELIMIT,
				   "parquet: decoded metadata would pass its limit of %u MiB",
				   HY_PQ_MAX_METADATA_MEMORY >> 20);
	p = hy_calloc(count, size);
	if (p == NULL)
		return HY__PQ_FAIL(err, HY_ENOMEM, "parquet: out of memory decoding metadata");
	md->mem_used += count * size;
	*out = p;
	return 0;
}

int hy__pq_md_bytes(struct hy_pq_metadata *md, const void *p, size_t len, struct hy_pq_bytes *out,
		    struct hy_error *err)
{
	void *copy;

	HY_TRY(hy__pq_md_calloc(md, len + 1, 1, &copy, err));
	if (copy == NULL) /* len + 1 wrapped to 0 */
		return HY__PQ_FAIL(err, HY_ELIMIT, "parquet: string too long");
	memcpy(copy, p, len);
	out->ptr = copy;
	out->len = len;
	return 0;
}

/* A binary field copied into md; absent or mistyped leaves *out alone. */
static int get_bytes(struct ctx *c, struct hy__pq_field *f, struct hy_pq_bytes *out)
{
	const uint8_t *p = NULL;
	size_t n = 0;

	HY_TRY(hy__pq_get_binary(&c->d, f, &p, &n));
	if (p == NULL)
		return 0;
	return hy__pq_md_bytes(c->md, p, n, out, c->err);
}

static int get_enum(struct ctx *c, struct hy__pq_field *f, int *out)
{
	int32_t v;

	if (f->type != HY__PQ_T_I32)
		return hy__pq_skip(&c->d, f->type);
	HY_TRY(hy__pq_get_i32(&c->d, f, &v));
	*out = v;
	return 0;
}

typedef int (*elem_fn)(struct ctx *c, void *elem);

/* A list<struct> field: list_alloc() reads the header and allocates the
 * zeroed array (NULL when empty or mistyped), which the caller stores at once
 * so that destroy finds it; list_fill() decodes the elements, counting each
 * before decoding it so that destroy also frees a half-decoded one. */
static int list_alloc(struct ctx *c, struct hy__pq_field *f, size_t size, void **arr, uint32_t *n)
{
	bool ok;

	*arr = NULL;
	HY_TRY(hy__pq_get_list(&c->d, f, HY__PQ_T_STRUCT, n, &ok));
	if (!ok)
		return 0;
	return hy__pq_md_calloc(c->md, *n, size, arr, c->err);
}

static int list_fill(struct ctx *c, void *arr, uint32_t n, size_t size, elem_fn fn, size_t *count)
{
	if (arr == NULL) /* an empty or skipped list */
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		*count = i + 1;
		HY_TRY(fn(c, (char *)arr + (size_t)i * size));
	}
	return 0;
}

#define STRUCT_LIST(c, f, dst, count, fn)                                                          \
	do {                                                                                       \
		void *arr_;                                                                        \
		uint32_t n_ = 0;                                                                   \
		HY_TRY(list_alloc((c), (f), sizeof(*(dst)), &arr_, &n_));                          \
		(dst) = arr_;                                                                      \
		HY_TRY(list_fill((c), arr_, n_, sizeof(*(dst)), (fn), &(count)));                  \
	} while (0)

static int kv_read(struct ctx *c, void *elem)
{
	static const char *const names[] = {NULL, "key"};
	struct hy_pq_kv *kv = elem;
	struct hy__pq_field f;

	HY_TRY(hy__pq_struct_begin(&c->d, &f, "KeyValue"));
	for (;;) {
		HY_TRY(hy__pq_field_next(&c->d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: HY_TRY(get_bytes(c, &f, &kv->key)); break;
		case 2: HY_TRY(get_bytes(c, &f, &kv->value)); break;
		default: HY_TRY(hy__pq_skip(&c->d, f.type));
		}
	}
	HY_TRY(hy__pq_struct_require(&c->d, &f, BIT(1), NAMES(names)));
	hy__pq_struct_end(&c->d, &f);
	return 0;
}

/* A union of empty structs (TimeUnit, ColumnOrder): the member id read, 0
 * when none, -1 when the member is not one of 1..known. */
static int read_union_id(struct ctx *c, const char *sname, int known, int *out)
{
	struct hy__pq_field f;

	*out = 0;
	HY_TRY(hy__pq_struct_begin(&c->d, &f, sname));
	for (;;) {
		HY_TRY(hy__pq_field_next(&c->d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		if (*out == 0)
			*out = f.id >= 1 && f.id <= known && f.type == HY__PQ_T_STRUCT ? f.id : -1;
		HY_TRY(hy__pq_skip(&c->d, f.type));
	}
	hy__pq_struct_end(&c->d, &f);
	return 0;
}

/* The fields of DECIMAL, TIME/TIMESTAMP and INTEGER. */
static int logical_params(struct ctx *c, struct hy_pq_logical_type *lt)
{
	static const char *const dec_names[] = {NULL, "scale", "precision"};
	static const char *const time_names[] = {NULL, "isAdjustedToUTC", "unit"};
	static const char *const int_names[] = {NULL, "bitWidth", "isSigned"};
	struct hy__pq_field f;
	const char *sname = lt->kind == HY_PQ_LT_DECIMAL   ? "DecimalType"
			    : lt->kind == HY_PQ_LT_INTEGER ? "IntType"
							   : "TimeType";
	bool ok;

	HY_TRY(hy__pq_struct_begin(&c->d, &f, sname));
	for (;;) {
		HY_TRY(hy__pq_field_next(&c->d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		if (lt->kind == HY_PQ_LT_DECIMAL && f.id == 1)
			HY_TRY(hy__pq_get_i32(&c->d, &f, &lt->scale));
		else if (lt->kind == HY_PQ_LT_DECIMAL && f.id == 2)
			HY_TRY(hy__pq_get_i32(&c->d, &f, &lt->precision));
		else if (lt->kind == HY_PQ_LT_INTEGER && f.id == 1)
			HY_TRY(hy__pq_get_i8(&c->d, &f, &lt->bit_width));
		else if (lt->kind == HY_PQ_LT_INTEGER && f.id == 2)
			HY_TRY(hy__pq_get_bool(&c->d, &f, &lt->is_signed));
		else if (lt->kind != HY_PQ_LT_DECIMAL && lt->kind != HY_PQ_LT_INTEGER && f.id == 1)
			HY_TRY(hy__pq_get_bool(&c->d, &f, &lt->adjusted_to_utc));
		else if (lt->kind != HY_PQ_LT_DECIMAL && lt->kind != HY_PQ_LT_INTEGER &&
			 f.id == 2) {
			HY_TRY(hy__pq_get_struct(&c->d, &f, &ok));
			if (ok) {
				HY_TRY(read_union_id(c, "TimeUnit", 3, &lt->unit));
				hy__pq_mark_seen(&f);
			}
		} else
			HY_TRY(hy__pq_skip(&c->d, f.type));
	}
	if (lt->kind == HY_PQ_LT_DECIMAL)
		HY_TRY(hy__pq_struct_require(&c->d, &f, BIT(1) | BIT(2), NAMES(dec_names)));
	else if (lt->kind == HY_PQ_LT_INTEGER)
		HY_TRY(hy__pq_struct_require(&c->d, &f, BIT(1) | BIT(2), NAMES(int_names)));
	else
		HY_TRY(hy__pq_struct_require(&c->d, &f, BIT(1) | BIT(2), NAMES(time_names)));
	hy__pq_struct_end(&c->d, &f);
	return 0;
}

static bool logical_known(int16_t id)
{
	return (id >= 1 && id <= 8) || (id >= 10 && id <= 19);
}

/* The LogicalType union. An unknown member is recorded as unrecognized (the
 * column then reads as its physical type), never an error. */
static int logical_read(struct ctx *c, struct hy_pq_logical_type *lt)
{
	struct hy__pq_field f;

	HY_TRY(hy__pq_struct_begin(&c->d, &f, "LogicalType"));
	for (;;) {
		HY_TRY(hy__pq_field_next(&c->d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		if (lt->kind != HY_PQ_LT_NONE || f.type != HY__PQ_T_STRUCT) {
			HY_TRY(hy__pq_skip(&c->d, f.type)); /* a second member: ignore */
			continue;
		}
		lt->member_id = f.id;
		lt->kind = logical_known(f.id) ? f.id : HY_PQ_LT_UNRECOGNIZED;
		if (lt->kind == HY_PQ_LT_DECIMAL || lt->kind == HY_PQ_LT_TIME ||
		    lt->kind == HY_PQ_LT_TIMESTAMP || lt->kind == HY_PQ_LT_INTEGER)
			HY_TRY(logical_params(c, lt));
		else
			HY_TRY(hy__pq_skip(&c->d, f.type));
	}
	hy__pq_struct_end(&c->d, &f);
	return 0;
}

static int schema_read(struct ctx *c, void *elem)
{
	static const char *const names[] = {NULL, NULL, NULL, NULL, "name"};
	struct hy_pq_schema_element *se = elem;
	struct hy__pq_field f;
	bool ok;

	se->type = -1;
	se->repetition = -1;
	se->converted_type = HY_PQ_CT_NONE;
	HY_TRY(hy__pq_struct_begin(&c->d, &f, "SchemaElement"));
	for (;;) {
		HY_TRY(hy__pq_field_next(&c->d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: HY_TRY(get_enum(c, &f, &se->type)); break;
		case 2: HY_TRY(hy__pq_get_i32(&c->d, &f, &se->type_length)); break;
		case 3: HY_TRY(get_enum(c, &f, &se->repetition)); break;
		case 4: HY_TRY(get_bytes(c, &f, &se->name)); break;
		case 5: HY_TRY(hy__pq_get_i32(&c->d, &f, &se->num_children)); break;
		case 6: HY_TRY(get_enum(c, &f, &se->converted_type)); break;
		case 7: HY_TRY(hy__pq_get_i32(&c->d, &f, &se->scale)); break;
		case 8: HY_TRY(hy__pq_get_i32(&c->d, &f, &se->precision)); break;
		case 9: HY_TRY(hy__pq_get_i32(&c->d, &f, &se->field_id)); break;
		case 10:
			HY_TRY(hy__pq_get_struct(&c->d, &f, &ok));
			if (ok) {
				HY_TRY(logical_read(c, &se->logical));
				hy__pq_mark_seen(&f);
			}
			break;
		default: HY_TRY(hy__pq_skip(&c->d, f.type));
		}
	}
	se->has_type = f.seen & BIT(1);
	se->has_num_children = f.seen & BIT(5);
	se->has_scale = f.seen & BIT(7);
	se->has_precision = f.seen & BIT(8);
	se->has_field_id = f.seen & BIT(9);
	HY_TRY(hy__pq_struct_require(&c->d, &f, BIT(4), NAMES(names)));
	hy__pq_struct_end(&c->d, &f);
	return 0;
}

static int stats_read(struct ctx *c, struct hy_pq_statistics *st)
{
	struct hy__pq_field f;

	HY_TRY(hy__pq_struct_begin(&c->d, &f, "Statistics"));
	for (;;) {
		HY_TRY(hy__pq_field_next(&c->d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: HY_TRY(get_bytes(c, &f, &st->max)); break;
		case 2: HY_TRY(get_bytes(c, &f, &st->min)); break;
		case 3: HY_TRY(hy__pq_get_i64(&c->d, &f, &st->null_count)); break;
		case 4: HY_TRY(hy__pq_get_i64(&c->d, &f, &st->distinct_count)); break;
		case 5: HY_TRY(get_bytes(c, &f, &st->max_value)); break;
		case 6: HY_TRY(get_bytes(c, &f, &st->min_value)); break;
		case 7: HY_TRY(hy__pq_get_bool(&c->d, &f, &st->is_max_value_exact)); break;
		case 8: HY_TRY(hy__pq_get_bool(&c->d, &f, &st->is_min_value_exact)); break;
		default: HY_TRY(hy__pq_skip(&c->d, f.type));
		}
	}
	st->has_null_count = f.seen & BIT(3);
	st->has_distinct_count = f.seen & BIT(4);
	st->has_is_max_value_exact = f.seen & BIT(7);
	st->has_is_min_value_exact = f.seen & BIT(8);
	hy__pq_struct_end(&c->d, &f);
	return 0;
}

static int enc_stats_read(struct ctx *c, void *elem)
{
	static const char *const names[] = {NULL, "page_type", "encoding", "count"};
	struct hy_pq_encoding_stats *es = elem;
	struct hy__pq_field f;

	HY_TRY(hy__pq_struct_begin(&c->d, &f, "PageEncodingStats"));
	for (;;) {
		HY_TRY(hy__pq_field_next(&c->d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: HY_TRY(get_enum(c, &f, &es->page_type)); break;
		case 2: HY_TRY(get_enum(c, &f, &es->encoding)); break;
		case 3: HY_TRY(hy__pq_get_i32(&c->d, &f, &es->count)); break;
		default: HY_TRY(hy__pq_skip(&c->d, f.type));
		}
	}
	HY_TRY(hy__pq_struct_require(&c->d, &f, BIT(1) | BIT(2) | BIT(3), NAMES(names)));
	hy__pq_struct_end(&c->d, &f);
	return 0;
}

static int i32_list(struct ctx *c, struct hy__pq_field *f, int32_t **arr, size_t *count)
{
	uint32_t n;
	bool ok;
	void *p;

	HY_TRY(hy__pq_get_list(&c->d, f, HY__PQ_T_I32, &n, &ok));
	if (!ok)
		return 0;
	HY_TRY(hy__pq_md_calloc(c->md, n, sizeof(**arr), &p, c->err));
	if (p == NULL)
		return 0;
	*arr = p;
	*count = n;
	for (uint32_t i = 0; i < n; i++)
		HY_TRY(hy__pq_read_i32(&c->d, &(*arr)[i]));
	return 0;
}

static int string_list(struct ctx *c, struct hy__pq_field *f, struct hy_pq_bytes **arr,
		       size_t *count)
{
	uint32_t n;
	bool ok;
	void *p;

	HY_TRY(hy__pq_get_list(&c->d, f, HY__PQ_T_BINARY, &n, &ok));
	if (!ok)
		return 0;
	HY_TRY(hy__pq_md_calloc(c->md, n, sizeof(**arr), &p, c->err));
	if (p == NULL)
		return 0;
	*arr = p;
	*count = n;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *s;
		size_t len;

		HY_TRY(hy__pq_read_binary(&c->d, &s, &len));
		HY_TRY(hy__pq_md_bytes(c->md, s, len, &(*arr)[i], c->err));
	}
	return 0;
}

static int column_meta_read(struct ctx *c, struct hy_pq_column_meta *m)
{
	static const char *const names[] = {NULL,
					    "type",
					    "encodings",
					    "path_in_schema",
					    "codec",
					    "num_values",
					    "total_uncompressed_size",
					    "total_compressed_size",
					    NULL,
					    "data_page_offset"};
	struct hy__pq_field f;
	bool ok;

	HY_TRY(hy__pq_struct_begin(&c->d, &f, "ColumnMetaData"));
	for (;;) {
		HY_TRY(hy__pq_field_next(&c->d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: HY_TRY(get_enum(c, &f, &m->type)); break;
		case 2: HY_TRY(i32_list(c, &f, &m->encodings, &m->num_encodings)); break;
		case 3: HY_TRY(string_list(c, &f, &m->path, &m->path_len)); break;
		case 4: HY_TRY(get_enum(c, &f, &m->codec)); break;
		case 5: HY_TRY(hy__pq_get_i64(&c->d, &f, &m->num_values)); break;
		case 6: HY_TRY(hy__pq_get_i64(&c->d, &f, &m->total_uncompressed_size)); break;
		case 7: HY_TRY(hy__pq_get_i64(&c->d, &f, &m->total_compressed_size)); break;
		case 8: STRUCT_LIST(c, &f, m->kv, m->num_kv, kv_read); break;
		case 9: HY_TRY(hy__pq_get_i64(&c->d, &f, &m->data_page_offset)); break;
		case 10: HY_TRY(hy__pq_get_i64(&c->d, &f, &m->index_page_offset)); break;
		case 11: HY_TRY(hy__pq_get_i64(&c->d, &f, &m->dictionary_page_offset)); break;
		case 12:
			HY_TRY(hy__pq_get_struct(&c->d, &f, &ok));
			if (ok) {
				HY_TRY(stats_read(c, &m->statistics));
				hy__pq_mark_seen(&f);
			}
			break;
		case 13:
			STRUCT_LIST(c, &f, m->encoding_stats, m->num_encoding_stats,
				    enc_stats_read);
			break;
		case 14: HY_TRY(hy__pq_get_i64(&c->d, &f, &m->bloom_filter_offset)); break;
		/* Field 15 holds a list<struct> in a Dremio file: get_i32 skips it. */
		case 15: HY_TRY(hy__pq_get_i32(&c->d, &f, &m->bloom_filter_length)); break;
		default: HY_TRY(hy__pq_skip(&c->d, f.type));
		}
	}
	m->has_index_page_offset = f.seen & BIT(10);
	m->has_dictionary_page_offset = f.seen & BIT(11);
	m->has_statistics = f.seen & BIT(12);
	m->has_bloom_filter_offset = f.seen & BIT(14);
	m->has_bloom_filter_length = f.seen & BIT(15);
	HY_TRY(hy__pq_struct_require(&c->d, &f, 0x2fe, NAMES(names)));
	hy__pq_struct_end(&c->d, &f);
	return 0;
}

static int column_chunk_read(struct ctx *c, void *elem)
{
	struct hy_pq_column_chunk *cc = elem;
	struct hy__pq_field f;
	bool ok;

	HY_TRY(hy__pq_struct_begin(&c->d, &f, "ColumnChunk"));
	for (;;) {
		HY_TRY(hy__pq_field_next(&c->d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: HY_TRY(get_bytes(c, &f, &cc->file_path)); break;
		/* Required by the IDL but meaningless: accepted when missing. */
		case 2: HY_TRY(hy__pq_get_i64(&c->d, &f, &cc->file_offset)); break;
		case 3:
			HY_TRY(hy__pq_get_struct(&c->d, &f, &ok));
			if (ok) {
				HY_TRY(column_meta_read(c, &cc->meta));
				hy__pq_mark_seen(&f);
			}
			break;
		case 4: HY_TRY(hy__pq_get_i64(&c->d, &f, &cc->offset_index_offset)); break;
		case 5: HY_TRY(hy__pq_get_i32(&c->d, &f, &cc->offset_index_length)); break;
		case 6: HY_TRY(hy__pq_get_i64(&c->d, &f, &cc->column_index_offset)); break;
		case 7: HY_TRY(hy__pq_get_i32(&c->d, &f, &cc->column_index_length)); break;
		case 8:
		case 9:
			/* Encryption: only its presence matters (we refuse it). */
			HY_TRY(hy__pq_skip(&c->d, f.type));
			hy__pq_mark_seen(&f);
			break;
		default: HY_TRY(hy__pq_skip(&c->d, f.type));
		}
	}
	cc->has_meta_data = f.seen & BIT(3);
	cc->has_offset_index_offset = f.seen & BIT(4);
	cc->has_offset_index_length = f.seen & BIT(5);
	cc->has_column_index_offset = f.seen & BIT(6);
	cc->has_column_index_length = f.seen & BIT(7);
	cc->has_crypto_metadata = f.seen & BIT(8);
	cc->has_encrypted_column_metadata = f.seen & BIT(9);
	hy__pq_struct_end(&c->d, &f);
	return 0;
}

static int sorting_read(struct ctx *c, void *elem)
{
	static const char *const names[] = {NULL, "column_idx", "descending", "nulls_first"};
	struct hy_pq_sorting_column *sc = elem;
	struct hy__pq_field f;

	HY_TRY(hy__pq_struct_begin(&c->d, &f, "SortingColumn"));
	for (;;) {
		HY_TRY(hy__pq_field_next(&c->d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: HY_TRY(hy__pq_get_i32(&c->d, &f, &sc->column_idx)); break;
		case 2: HY_TRY(hy__pq_get_bool(&c->d, &f, &sc->descending)); break;
		case 3: HY_TRY(hy__pq_get_bool(&c->d, &f, &sc->nulls_first)); break;
		default: HY_TRY(hy__pq_skip(&c->d, f.type));
		}
	}
	HY_TRY(hy__pq_struct_require(&c->d, &f, BIT(1) | BIT(2) | BIT(3), NAMES(names)));
	hy__pq_struct_end(&c->d, &f);
	return 0;
}

static int row_group_read(struct ctx *c, void *elem)
{
	static const char *const names[] = {NULL, "columns", "total_byte_size", "num_rows"};
	struct hy_pq_row_group *rg = elem;
	struct hy__pq_field f;

	HY_TRY(hy__pq_struct_begin(&c->d, &f, "RowGroup"));
	for (;;) {
		HY_TRY(hy__pq_field_next(&c->d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: STRUCT_LIST(c, &f, rg->columns, rg->num_columns, column_chunk_read); break;
		case 2: HY_TRY(hy__pq_get_i64(&c->d, &f, &rg->total_byte_size)); break;
		case 3: HY_TRY(hy__pq_get_i64(&c->d, &f, &rg->num_rows)); break;
		case 4:
			STRUCT_LIST(c, &f, rg->sorting_columns, rg->num_sorting_columns,
				    sorting_read);
			break;
		case 5: HY_TRY(hy__pq_get_i64(&c->d, &f, &rg->file_offset)); break;
		case 6: HY_TRY(hy__pq_get_i64(&c->d, &f, &rg->total_compressed_size)); break;
		case 7: HY_TRY(hy__pq_get_i16(&c->d, &f, &rg->ordinal)); break;
		default: HY_TRY(hy__pq_skip(&c->d, f.type));
		}
	}
	rg->has_file_offset = f.seen & BIT(5);
	rg->has_total_compressed_size = f.seen & BIT(6);
	rg->has_ordinal = f.seen & BIT(7);
	HY_TRY(hy__pq_struct_require(&c->d, &f, BIT(1) | BIT(2) | BIT(3), NAMES(names)));
	hy__pq_struct_end(&c->d, &f);
	return 0;
}

static int column_orders_read(struct ctx *c, struct hy__pq_field *f)
{
	struct hy_pq_metadata *md = c->md;
	uint32_t n;
	bool ok;
	void *p;

	HY_TRY(hy__pq_get_list(&c->d, f, HY__PQ_T_STRUCT, &n, &ok));
	if (!ok)
		return 0;
	HY_TRY(hy__pq_md_calloc(md, n, sizeof(*md->column_orders), &p, c->err));
	if (p == NULL)
		return 0;
	md->column_orders = p;
	md->num_column_orders = n;
	for (uint32_t i = 0; i < n; i++)
		HY_TRY(read_union_id(c, "ColumnOrder", 3, &md->column_orders[i]));
	return 0;
}

static int file_meta_read(struct ctx *c)
{
	static const char *const names[] = {NULL, "version", "schema", "num_rows", "row_groups"};
	struct hy_pq_metadata *md = c->md;
	struct hy__pq_field f;

	HY_TRY(hy__pq_struct_begin(&c->d, &f, "FileMetaData"));
	for (;;) {
		HY_TRY(hy__pq_field_next(&c->d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: HY_TRY(hy__pq_get_i32(&c->d, &f, &md->version)); break;
		case 2: STRUCT_LIST(c, &f, md->schema, md->num_schema, schema_read); break;
		case 3: HY_TRY(hy__pq_get_i64(&c->d, &f, &md->num_rows)); break;
		case 4:
			STRUCT_LIST(c, &f, md->row_groups, md->num_row_groups, row_group_read);
			break;
		case 5: STRUCT_LIST(c, &f, md->kv, md->num_kv, kv_read); break;
		case 6: HY_TRY(get_bytes(c, &f, &md->created_by)); break;
		case 7: HY_TRY(column_orders_read(c, &f)); break;
		case 8:
		case 9:
			HY_TRY(hy__pq_skip(&c->d, f.type));
			hy__pq_mark_seen(&f);
			break;
		default: HY_TRY(hy__pq_skip(&c->d, f.type));
		}
	}
	md->has_encryption_algorithm = f.seen & BIT(8);
	md->has_footer_signing_key_metadata = f.seen & BIT(9);
	HY_TRY(hy__pq_struct_require(&c->d, &f, 0x1e, NAMES(names)));
	hy__pq_struct_end(&c->d, &f);
	return 0;
}

static void bytes_free(struct hy_pq_bytes *b)
{
	hy_free(b->ptr);
}

static void kv_free(struct hy_pq_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bytes_free(&kv[i].key);
		bytes_free(&kv[i].value);
	}
	hy_free(kv);
}

static void column_meta_free(struct hy_pq_column_meta *m)
{
	hy_free(m->encodings);
	for (size_t i = 0; i < m->path_len; i++)
		bytes_free(&m->path[i]);
	hy_free(m->path);
	kv_free(m->kv, m->num_kv);
	bytes_free(&m->statistics.max);
	bytes_free(&m->statistics.min);
	bytes_free(&m->statistics.max_value);
	bytes_free(&m->statistics.min_value);
	hy_free(m->encoding_stats);
}

static void row_group_free(struct hy_pq_row_group *rg)
{
	for (size_t i = 0; i < rg->num_columns; i++) {
		bytes_free(&rg->columns[i].file_path);
		column_meta_free(&rg->columns[i].meta);
	}
	hy_free(rg->columns);
	hy_free(rg->sorting_columns);
}

void hy_pq_metadata_destroy(struct hy_pq_metadata *md)
{
	if (md == NULL)
		return;
	for (size_t i = 0; i < md->num_schema; i++)
		bytes_free(&md->schema[i].name);
	hy_free(md->schema);
	for (size_t i = 0; i < md->num_row_groups; i++)
		row_group_free(&md->row_groups[i]);
	hy_free(md->row_groups);
	kv_free(md->kv, md->num_kv);
	bytes_free(&md->created_by);
	hy_free(md->column_orders);
	for (size_t i = 0; i < md->num_leaves; i++) {
		hy_free(md->leaves[i].path);
		hy_free(md->leaves[i].parts);
	}
	hy_free(md->leaves);
	hy_free(md);
}

static bool is_encrypted(const struct hy_pq_metadata *md)
{
	if (md->has_encryption_algorithm || md->has_footer_signing_key_metadata)
		return true;
	for (size_t i = 0; i < md->num_row_groups; i++)
		for (size_t j = 0; j < md->row_groups[i].num_columns; j++)
			if (md->row_groups[i].columns[j].has_crypto_metadata ||
			    md->row_groups[i].columns[j].has_encrypted_column_metadata)
				return true;
	return false;
}

int hy__pq_metadata_decode(const void *footer, size_t len, bool refuse_encrypted,
			   struct hy_pq_metadata **out, struct hy_error *err)
{
	struct ctx c = {.err = err};
	int rc;

	*out = NULL;
	c.md = hy_calloc(1, sizeof(*c.md));
	if (c.md == NULL)
		return HY__PQ_FAIL(err, HY_ENOMEM, "parquet: out of memory decoding metadata");
	hy__pq_tdec_init(&c.d, footer, len, err);
	rc = file_meta_read(&c);
	if (rc == 0 && refuse_encrypted && is_encrypted(c.md))
		rc = HY__PQ_FAIL(err, HY_EUNSUPPORTED, HY__PQ_ENCRYPTED_MSG);
	if (rc == 0)
		rc = hy__pq_schema_build(c.md, err);
	if (rc != 0) {
		hy_pq_metadata_destroy(c.md);
		return rc;
	}
	*out = c.md;
	return 0;
}

int hy_pq_metadata_parse(const void *footer, size_t len, struct hy_pq_metadata **out,
			 struct hy_error *err)
{
	return hy__pq_metadata_decode(footer, len, false, out, err);
}
