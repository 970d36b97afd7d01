/* libFuzzer target: bytes as a whole Parquet file; every page of every
 * column chunk is read (headers, CRC, decompression, levels) and PLAIN
 * values and dictionary indices decoded. Either works or fails cleanly. */
#include <stddef.h>
#include <stdint.h>

#include "hygge/parquet.h"
#include "pq_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int plain(int type, int32_t tlen, const struct hy__pq_page *pg, struct hy_buf *scratch,
		 struct hy_error *err)
{
	size_t n = pg->num_present, width = 0;
	int rc;

	hy_buf_clear(scratch);
	if (type == HY_PQ_BYTE_ARRAY) {
		struct hy_buf data;

		HY_TRY(hy_buf_reserve(scratch, (n + 1) * sizeof(int32_t), err));
		hy_buf_init(&data, 1 << 24);
		((int32_t *)(void *)scratch->data)[0] = 0;
		rc = hy_pq_plain_decode_byte_array(pg->values, pg->values_len, n,
						   (int32_t *)(void *)scratch->data, &data, NULL,
						   err);
		hy_buf_reset(&data);
		return rc;
	}
	switch (type) {
	case HY_PQ_BOOLEAN: width = 1; break;
	case HY_PQ_INT32:
	case HY_PQ_FLOAT: width = 4; break;
	case HY_PQ_INT64:
	case HY_PQ_DOUBLE: width = 8; break;
	case HY_PQ_INT96: width = 12; break;
	default: width = tlen > 0 ? (size_t)tlen : 1; break;
	}
	if (n > (1u << 20))
		return 0;
	HY_TRY(hy_buf_reserve(scratch, n * width + 1, err));
	if (type == HY_PQ_BOOLEAN)
		return hy_pq_plain_decode_bool(pg->values, pg->values_len, n, scratch->data, NULL,
					       err);
	return hy_pq_plain_decode_fixed(pg->values, pg->values_len, n, width, scratch->data, NULL,
					err);
}

static void chunk(const struct hy_pq_source *src, const struct hy_pq_metadata *md, size_t g,
		  size_t c, struct hy_buf *scratch)
{
	const struct hy_pq_schema_element *se = &md->schema[md->leaves[c].schema_index];
	struct hy__pq_pages pr;
	struct hy_error err = {0};
	int rc = hy__pq_pages_open(&pr, src, md, g, c, &err);

	uint32_t dict_size = 0;

	pr.verify_crc = (g + c) % 2 == 0;
	while (rc == 0) {
		struct hy__pq_page pg;
		bool eof;

		rc = hy__pq_pages_next(&pr, &pg, &eof, &err);
		if (rc != 0 || eof)
			break;
		if (pg.header.type == HY_PQ_PAGE_DICTIONARY)
			dict_size = pg.num_present;
		if (pg.encoding == HY_PQ_ENC_PLAIN || pg.header.type == HY_PQ_PAGE_DICTIONARY) {
			rc = plain(se->type, se->type_length, &pg, scratch, &err);
		} else if (pg.encoding == HY_PQ_ENC_RLE_DICTIONARY ||
			   pg.encoding == HY_PQ_ENC_PLAIN_DICTIONARY) {
			hy_buf_clear(scratch);
			rc = hy_buf_reserve(scratch, (size_t)pg.num_present * sizeof(uint32_t),
					    &err);
			if (rc == 0)
				rc = hy_pq_dict_indices_decode(
					pg.values, pg.values_len, pg.num_present, dict_size,
					(uint32_t *)(void *)scratch->data, &err);
		}
	}
	hy__pq_pages_close(&pr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hy_pq_source src;
	struct hy_pq_metadata *md = NULL;
	struct hy_error err = {0};
	struct hy_buf scratch;

	hy_pq_source_init_memory(&src, data, size);
	if (hy_pq_metadata_read(&src, &md, &err) != 0)
		return 0;
	hy_buf_init(&scratch, 1 << 24);
	for (size_t g = 0; g < md->num_row_groups && g < 8; g++)
		for (size_t c = 0; c < md->num_leaves && c < 32; c++)
			chunk(&src, md, g, c, &scratch);
	hy_buf_reset(&scratch);
	hy_pq_metadata_destroy(md);
	return 0;
}
