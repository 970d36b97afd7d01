/* libFuzzer target: bytes as a run of page headers (as in a column chunk:
 * header, body of compressed_page_size bytes, next header ...), then as an
 * arbitrary Thrift struct to skip. */
#include <stddef.h>
#include <stdint.h>

#include "hygge/parquet.h"
#include "pq_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hy__pq_tdec d;
	struct hy_error err = {0};
	size_t pos = 0;

	while (pos < size) {
		struct hy_pq_page_header h;
		size_t used;

		hy_error_init(&err);
		if (hy_pq_page_header_decode(data + pos, size - pos, &h, &used, &err) != 0)
			break;
		if ((uint64_t)h.compressed_page_size > size - pos - used)
			break;
		pos += used + (size_t)h.compressed_page_size;
	}
	hy_error_init(&err);
	hy__pq_tdec_init(&d, data, size, &err);
	if (hy__pq_skip(&d, HY__PQ_T_STRUCT) == 0 && d.pos > size)
		__builtin_trap(); /* consumed more than it had */
	return 0;
}
