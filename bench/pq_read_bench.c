/* Parquet reader benchmark driver (bench/read_parquet.sh, `make bench`).
 *
 * Opens FILE with the streaming reader (every column, default batch size),
 * on a pool of THREADS workers (0 = serial), and reads every batch to the
 * end, touching every value so that nothing is left undecoded: integers,
 * decimals, timestamps and doubles are summed, booleans popcounted, string
 * bytes summed, nulls counted. Prints one JSON line with the time from open
 * to the last batch and a checksum (the same for every run of one file, in
 * either output form).
 *
 *   bench_pq_read FILE [THREADS] [dict]
 *
 * "dict" sets keep_dictionary: dictionary-encoded string chunks come out
 * as indices + dictionary, and the reduction resolves every row through the
 * dictionary (as a consumer that needs the bytes would). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hygge/batch.h"
#include "hygge/parquet.h"
#include "hygge/pool.h"

static const char bench_name[] = "bench_pq_read";

#include "read_util.h"

int main(int argc, char **argv)
{
	struct hy_pq_reader_options o = {0};
	struct hy_pq_reader *r = NULL;
	struct hy_pool *pool = NULL;
	struct hy_error err = {0};
	struct hy_batch *b = NULL;
	int64_t rows = 0, batches = 0;
	uint64_t check = 0;
	int threads;
	double t0, t1;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_pq_read FILE [THREADS]\n");
		return 2;
	}
	threads = argc > 2 ? atoi(argv[2]) : 0;
	o.keep_dictionary = argc > 3 && strcmp(argv[3], "dict") == 0;
	if (threads > 0 && hy_pool_create(&pool, (size_t)threads, "bench", &err) != 0)
		die("pool", &err);
	o.pool = pool;
	t0 = now();
	if (hy_pq_reader_open_file(&r, argv[1], &o, &err) != 0)
		die(argv[1], &err);
	for (;;) {
		if (hy_pq_reader_next_batch(r, &b, &err) != 0)
			die("next_batch", &err);
		if (b == NULL)
			break;
		consume(b, &check, &rows, &batches);
	}
	t1 = now();
	printf("{\"tool\":\"hygge%s\",\"threads\":%d,\"rows\":%lld,\"batches\":%lld,\"read_s\":%."
	       "3f,"
	       "\"check\":\"%llx\"}\n",
	       o.keep_dictionary ? "-dict" : "", threads, (long long)rows, (long long)batches,
	       t1 - t0, (unsigned long long)check);
	hy_pq_reader_close(r);
	hy_pool_destroy(pool);
	return 0;
}
