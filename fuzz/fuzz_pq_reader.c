/* libFuzzer target: bytes as a whole Parquet file through the streaming
 * reader (footer, schema mapping, pages, every encoding and codec, levels,
 * conversions into hygge columns), every batch read. A file with LIST/MAP
 * columns is read again projected to its other columns. The size of the
 * batches comes from the input's length. Either works or fails cleanly. */
#include <stddef.h>
#include <stdint.h>

#include "hygge/alloc.h"
#include "hygge/batch.h"
#include "hygge/parquet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_all(const struct hy_pq_source *src, const struct hy_pq_reader_options *o)
{
	struct hy_pq_reader *r = NULL;
	struct hy_error err = {0};
	int64_t rows = 0;

	if (hy_pq_reader_open(&r, src, o, &err) != 0) {
		if (err.msg[0] == 0)
			__builtin_trap(); /* an error without a message */
		return;
	}
	for (;;) {
		struct hy_batch *b = NULL;

		if (hy_pq_reader_next_batch(r, &b, &err) != 0) {
			if (err.msg[0] == 0)
				__builtin_trap();
			break;
		}
		if (b == NULL)
			break;
		if (b->nrows <= 0 || b->nrows > o->max_batch_rows)
			__builtin_trap();
		rows += b->nrows;
		hy_batch_unref(b);
	}
	(void)rows;
	hy_pq_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hy_pq_source src;
	struct hy_pq_reader_options o = {.max_batch_rows = 1 + (int64_t)(size % 97),
					 .verify_crc = size % 2 == 0};
	struct hy_pq_metadata *md = NULL;
	struct hy_error err = {0};

	hy_pq_source_init_memory(&src, data, size);
	read_all(&src, &o);
	/* the flat and struct columns of a file that also has LIST/MAP ones */
	if (hy_pq_metadata_read(&src, &md, &err) == 0) {
		const char **cols = hy_calloc(md->num_leaves + 1, sizeof(*cols));
		size_t n = 0, repeated = 0;

		for (size_t i = 0; cols != NULL && i < md->num_leaves; i++) {
			if (md->leaves[i].shape != HY_PQ_LEAF_REPEATED)
				cols[n++] = md->leaves[i].path;
			else
				repeated++;
		}
		if (cols != NULL && n > 0 && repeated > 0) {
			o.columns = cols;
			o.num_columns = n;
			read_all(&src, &o);
		}
		hy_free(cols);
		hy_pq_metadata_destroy(md);
	}
	return 0;
}
