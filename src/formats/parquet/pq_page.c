/* PageHeader and its DataPageHeader, DataPageHeaderV2 and
 * DictionaryPageHeader: decoding (for the page reader) and encoding (for the
 * writer), plus the names of the enumerations for messages. Statistics in
 * page headers are skipped, so neither direction allocates on its own. */
#include <string.h>

#include "pq_int.h"

#define BIT(id)  ((uint64_t)1 << (id))
#define NAMES(a) (a), sizeof(a) / sizeof((a)[0])

static int get_enum(struct hy__pq_tdec *d, struct hy__pq_field *f, int *out)
{
	int32_t v = 0;

	if (f->type != HY__PQ_T_I32)
		return hy__pq_skip(d, f->type);
	HY_TRY(hy__pq_get_i32(d, f, &v));
	*out = v;
	return 0;
}

/* A struct field whose content is skipped; *present tells whether it was one. */
static int skip_struct_field(struct hy__pq_tdec *d, struct hy__pq_field *f, bool *present)
{
	HY_TRY(hy__pq_get_struct(d, f, present));
	if (!*present)
		return 0;
	HY_TRY(hy__pq_skip(d, HY__PQ_T_STRUCT));
	hy__pq_mark_seen(f);
	return 0;
}

static int data_v1_read(struct hy__pq_tdec *d, struct hy_pq_data_page_header *h)
{
	static const char *const names[] = {NULL, "num_values", "encoding",
					    "definition_level_encoding",
					    "repetition_level_encoding"};
	struct hy__pq_field f;

	HY_TRY(hy__pq_struct_begin(d, &f, "DataPageHeader"));
	for (;;) {
		HY_TRY(hy__pq_field_next(d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: HY_TRY(hy__pq_get_i32(d, &f, &h->num_values)); break;
		case 2: HY_TRY(get_enum(d, &f, &h->encoding)); break;
		case 3: HY_TRY(get_enum(d, &f, &h->definition_level_encoding)); break;
		case 4: HY_TRY(get_enum(d, &f, &h->repetition_level_encoding)); break;
		case 5: HY_TRY(skip_struct_field(d, &f, &h->has_statistics)); break;
		default: HY_TRY(hy__pq_skip(d, f.type));
		}
	}
	HY_TRY(hy__pq_struct_require(d, &f, 0x1e, NAMES(names)));
	f.id = 1;
	if (h->num_values < 0)
		return hy__pq_tfail(d, HY_EFORMAT, "negative num_values %d", h->num_values);
	hy__pq_struct_end(d, &f);
	return 0;
}

static int data_v2_read(struct hy__pq_tdec *d, struct hy_pq_data_page_header_v2 *h)
{
	static const char *const names[] = {NULL,
					    "num_values",
					    "num_nulls",
					    "num_rows",
					    "encoding",
					    "definition_levels_byte_length",
					    "repetition_levels_byte_length"};
	struct hy__pq_field f;

	h->is_compressed = true; /* the IDL default */
	HY_TRY(hy__pq_struct_begin(d, &f, "DataPageHeaderV2"));
	for (;;) {
		HY_TRY(hy__pq_field_next(d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: HY_TRY(hy__pq_get_i32(d, &f, &h->num_values)); break;
		case 2: HY_TRY(hy__pq_get_i32(d, &f, &h->num_nulls)); break;
		case 3: HY_TRY(hy__pq_get_i32(d, &f, &h->num_rows)); break;
		case 4: HY_TRY(get_enum(d, &f, &h->encoding)); break;
		case 5: HY_TRY(hy__pq_get_i32(d, &f, &h->definition_levels_byte_length)); break;
		case 6: HY_TRY(hy__pq_get_i32(d, &f, &h->repetition_levels_byte_length)); break;
		case 7: HY_TRY(hy__pq_get_bool(d, &f, &h->is_compressed)); break;
		case 8: HY_TRY(skip_struct_field(d, &f, &h->has_statistics)); break;
		default: HY_TRY(hy__pq_skip(d, f.type));
		}
	}
	HY_TRY(hy__pq_struct_require(d, &f, 0x7e, NAMES(names)));
	if (h->num_values < 0 || h->num_nulls < 0 || h->num_rows < 0 ||
	    h->definition_levels_byte_length < 0 || h->repetition_levels_byte_length < 0)
		return hy__pq_tfail(d, HY_EFORMAT, "negative count or length");
	if (h->num_nulls > h->num_values)
		return hy__pq_tfail(d, HY_EFORMAT, "num_nulls %d exceeds num_values %d",
				    h->num_nulls, h->num_values);
	hy__pq_struct_end(d, &f);
	return 0;
}

static int dict_read(struct hy__pq_tdec *d, struct hy_pq_dictionary_page_header *h)
{
	static const char *const names[] = {NULL, "num_values", "encoding"};
	struct hy__pq_field f;

	HY_TRY(hy__pq_struct_begin(d, &f, "DictionaryPageHeader"));
	for (;;) {
		HY_TRY(hy__pq_field_next(d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: HY_TRY(hy__pq_get_i32(d, &f, &h->num_values)); break;
		case 2: HY_TRY(get_enum(d, &f, &h->encoding)); break;
		case 3: HY_TRY(hy__pq_get_bool(d, &f, &h->is_sorted)); break;
		default: HY_TRY(hy__pq_skip(d, f.type));
		}
	}
	h->has_is_sorted = f.seen & BIT(3);
	HY_TRY(hy__pq_struct_require(d, &f, BIT(1) | BIT(2), NAMES(names)));
	f.id = 1;
	/* ARROW-RS-GH-6229-DICTHEADER: never size anything from a negative count. */
	if (h->num_values < 0)
		return hy__pq_tfail(d, HY_EFORMAT, "negative num_values %d", h->num_values);
	hy__pq_struct_end(d, &f);
	return 0;
}

static int sub_header(struct hy__pq_tdec *d, struct hy__pq_field *f, struct hy_pq_page_header *h)
{
	bool ok;

	HY_TRY(hy__pq_get_struct(d, f, &ok));
	if (!ok)
		return 0;
	switch (f->id) {
	case 5: HY_TRY(data_v1_read(d, &h->data)); break;
	case 6: HY_TRY(hy__pq_skip(d, HY__PQ_T_STRUCT)); break;
	case 7: HY_TRY(dict_read(d, &h->dictionary)); break;
	case 8: HY_TRY(data_v2_read(d, &h->data_v2)); break;
	}
	hy__pq_mark_seen(f);
	return 0;
}

/* The header a known page type needs, and sizes that add up. */
static int page_check(const struct hy_pq_page_header *h, struct hy_error *err)
{
	if (h->uncompressed_page_size < 0 || h->compressed_page_size < 0)
		return HY__PQ_FAIL(err, HY_EFORMAT, "parquet page header: negative page size");
	if ((h->type == HY_PQ_PAGE_DATA && !h->has_data) ||
	    (h->type == HY_PQ_PAGE_DICTIONARY && !h->has_dictionary) ||
	    (h->type == HY_PQ_PAGE_DATA_V2 && !h->has_data_v2))
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "parquet page header: page of type %d without its header",
				   h->type);
	if (h->type == HY_PQ_PAGE_DATA_V2 &&
	    (int64_t)h->data_v2.definition_levels_byte_length +
			    h->data_v2.repetition_levels_byte_length >
		    h->compressed_page_size)
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "parquet page header: level lengths %d + %d exceed the "
				   "compressed page size %d",
				   h->data_v2.repetition_levels_byte_length,
				   h->data_v2.definition_levels_byte_length,
				   h->compressed_page_size);
	return 0;
}

int hy_pq_page_header_decode(const void *buf, size_t len, struct hy_pq_page_header *h,
			     size_t *consumed, struct hy_error *err)
{
	static const char *const names[] = {NULL, "type", "uncompressed_page_size",
					    "compressed_page_size"};
	struct hy__pq_tdec d;
	struct hy__pq_field f;
	int32_t crc = 0;

	memset(h, 0, sizeof(*h));
	*consumed = 0;
	hy__pq_tdec_init(&d, buf, len, err);
	HY_TRY(hy__pq_struct_begin(&d, &f, "PageHeader"));
	for (;;) {
		HY_TRY(hy__pq_field_next(&d, &f));
		if (f.type == HY__PQ_T_STOP)
			break;
		switch (f.id) {
		case 1: HY_TRY(get_enum(&d, &f, &h->type)); break;
		case 2: HY_TRY(hy__pq_get_i32(&d, &f, &h->uncompressed_page_size)); break;
		case 3: HY_TRY(hy__pq_get_i32(&d, &f, &h->compressed_page_size)); break;
		case 4: HY_TRY(hy__pq_get_i32(&d, &f, &crc)); break;
		case 5:
		case 6:
		case 7:
		case 8: HY_TRY(sub_header(&d, &f, h)); break;
		default: HY_TRY(hy__pq_skip(&d, f.type));
		}
	}
	h->crc = (uint32_t)crc;
	h->has_crc = f.seen & BIT(4);
	h->has_data = f.seen & BIT(5);
	h->has_index = f.seen & BIT(6);
	h->has_dictionary = f.seen & BIT(7);
	h->has_data_v2 = f.seen & BIT(8);
	HY_TRY(hy__pq_struct_require(&d, &f, 0xe, NAMES(names)));
	hy__pq_struct_end(&d, &f);
	HY_TRY(page_check(h, err));
	*consumed = d.pos;
	return 0;
}

int hy__pq_page_header_encode(struct hy__pq_tenc *e, const struct hy_pq_page_header *h)
{
	HY_TRY(hy__pq_tenc_begin(e));
	HY_TRY(hy__pq_tenc_i32(e, 1, h->type));
	HY_TRY(hy__pq_tenc_i32(e, 2, h->uncompressed_page_size));
	HY_TRY(hy__pq_tenc_i32(e, 3, h->compressed_page_size));
	if (h->has_crc)
		HY_TRY(hy__pq_tenc_i32(e, 4, (int32_t)h->crc));
	if (h->has_data) {
		HY_TRY(hy__pq_tenc_struct(e, 5));
		HY_TRY(hy__pq_tenc_i32(e, 1, h->data.num_values));
		HY_TRY(hy__pq_tenc_i32(e, 2, h->data.encoding));
		HY_TRY(hy__pq_tenc_i32(e, 3, h->data.definition_level_encoding));
		HY_TRY(hy__pq_tenc_i32(e, 4, h->data.repetition_level_encoding));
		HY_TRY(hy__pq_tenc_end(e));
	}
	if (h->has_dictionary) {
		HY_TRY(hy__pq_tenc_struct(e, 7));
		HY_TRY(hy__pq_tenc_i32(e, 1, h->dictionary.num_values));
		HY_TRY(hy__pq_tenc_i32(e, 2, h->dictionary.encoding));
		if (h->dictionary.has_is_sorted)
			HY_TRY(hy__pq_tenc_bool(e, 3, h->dictionary.is_sorted));
		HY_TRY(hy__pq_tenc_end(e));
	}
	if (h->has_data_v2) {
		const struct hy_pq_data_page_header_v2 *v2 = &h->data_v2;

		HY_TRY(hy__pq_tenc_struct(e, 8));
		HY_TRY(hy__pq_tenc_i32(e, 1, v2->num_values));
		HY_TRY(hy__pq_tenc_i32(e, 2, v2->num_nulls));
		HY_TRY(hy__pq_tenc_i32(e, 3, v2->num_rows));
		HY_TRY(hy__pq_tenc_i32(e, 4, v2->encoding));
		HY_TRY(hy__pq_tenc_i32(e, 5, v2->definition_levels_byte_length));
		HY_TRY(hy__pq_tenc_i32(e, 6, v2->repetition_levels_byte_length));
		HY_TRY(hy__pq_tenc_bool(e, 7, v2->is_compressed));
		HY_TRY(hy__pq_tenc_end(e));
	}
	return hy__pq_tenc_end(e);
}

const char *hy_pq_type_name(int type)
{
	static const char *const names[] = {
		"BOOLEAN", "INT32",  "INT64",      "INT96",
		"FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};

	return type >= 0 && type < 8 ? names[type] : "unknown";
}

const char *hy_pq_codec_name(int codec)
{
	static const char *const names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
					    "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};

	return codec >= 0 && codec < 8 ? names[codec] : "unknown";
}

const char *hy_pq_encoding_name(int encoding)
{
	static const char *const names[] = {"PLAIN",
					    "GROUP_VAR_INT",
					    "PLAIN_DICTIONARY",
					    "RLE",
					    "BIT_PACKED",
					    "DELTA_BINARY_PACKED",
					    "DELTA_LENGTH_BYTE_ARRAY",
					    "DELTA_BYTE_ARRAY",
					    "RLE_DICTIONARY",
					    "BYTE_STREAM_SPLIT",
					    "ALP"};

	return encoding >= 0 && encoding < 11 ? names[encoding] : "unknown";
}
