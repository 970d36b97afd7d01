/* libFuzzer target: bytes as a whole Parquet file; every page of every
 * column chunk is read (headers, CRC, decompression, levels) and PLAIN
 * values decoded. Either works or fails cleanly. */
#include <stddef.h>
#include <stdint.h>

#include "hygge/parquet.h"
#include "../src/formats/parquet/pq_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
		struct hy__pq_plain v;
		bool eof;

		rc = hy__pq_pages_next(&pr, &pg, &eof, &err);
		if (rc != 0 || eof)
			break;
		if (pg.header.type == HY_PQ_PAGE_DICTIONARY)
			dict_size = pg.num_present;
		if (pg.encoding == HY_PQ_ENC_PLAIN || pg.header.type == HY_PQ_PAGE_DICTIONARY) {
			rc = hy__pq_plain_decode(se->type, se->type_length, pg.values,
						 pg.values_len, pg.num_present, scratch, &v, &err);
		} else if (pg.encoding == HY_PQ_ENC_RLE_DICTIONARY ||
			   pg.encoding == HY_PQ_ENC_PLAIN_DICTIONARY) {
			hy_buf_clear(scratch);
			rc = hy_buf_reserve(scratch, (size_t)pg.num_present * sizeof(uint32_t),
					    &err);
			if (rc == 0)
				rc = hy__pq_dict_indices(pg.values, pg.values_len,
							 (uint32_t *)(void *)scratch->data,
							 pg.num_present, dict_size, &err);
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
