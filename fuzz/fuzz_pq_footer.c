/* libFuzzer target: bytes as a whole Parquet file (footer framing, then the
 * FileMetaData decode and schema build), and the same bytes as a bare
 * FileMetaData. Either parses or fails cleanly; destroy frees everything. */
#include <stddef.h>
#include <stdint.h>

#include "hygge/parquet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hy_pq_source src;
	struct hy_pq_metadata *md = NULL;
	struct hy_error err = {0};

	hy_pq_source_init_memory(&src, data, size);
	if (hy_pq_metadata_read(&src, &md, &err) == 0) {
		/* walk what a reader would use */
		for (size_t g = 0; g < md->num_row_groups; g++) {
			for (size_t c = 0; c < md->row_groups[g].num_columns; c++) {
				uint64_t start, len;
				struct hy_error e2 = {0};

				if (hy_pq_chunk_range(&md->row_groups[g].columns[c], size, &start,
						      &len, &e2) == 0 &&
				    start + len > size)
					__builtin_trap(); /* a range past the file */
			}
		}
		hy_pq_metadata_destroy(md);
	}
	hy_error_init(&err);
	if (hy_pq_metadata_parse(data, size, &md, &err) == 0)
		hy_pq_metadata_destroy(md);
	return 0;
}
