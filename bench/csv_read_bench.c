/* CSV reader benchmark driver (the CSV-only figures of
 * docs/internals/performance.md, "CSV reader").
 *
 * Opens FILE with the streaming CSV reader (schema inferred, as `hygge go`
 * does), on a pool of THREADS workers (0 = the calling thread only), reads
 * every batch of BATCH rows to the end and touches every value (sums, string
 * bytes, popcounts) so that nothing is left unread. Prints one JSON line with
 * the wall time from open to the last batch, the CPU time of the process and
 * a checksum (the same for every thread count: parallel and serial results
 * must be identical).
 *
 *   bench_csv_read FILE [THREADS] [BATCH] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "hygge/batch.h"
#include "hygge/formats.h"
#include "hygge/pool.h"

static const char bench_name[] = "bench_csv_read";

#include "read_util.h"

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct hy_csv_options o;
	struct hy_csv_reader *r = NULL;
	struct hy_pool *pool = NULL;
	struct hy_error err = {0};
	struct hy_batch *b = NULL;
	int64_t rows = 0, batches = 0, batch;
	uint64_t check = 0;
	int threads;
	double t0, t1, c0, c1;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_csv_read FILE [THREADS] [BATCH]\n");
		return 2;
	}
	threads = argc > 2 ? atoi(argv[2]) : 0;
	batch = argc > 3 ? atoll(argv[3]) : 1000000;
	if (threads > 0 && hy_pool_create(&pool, (size_t)threads, "bench", &err) != 0)
		die("pool", &err);
	hy_csv_options_init(&o);
	o.pool = pool;
	t0 = now();
	c0 = cpu_seconds();
	if (hy_csv_reader_open(&r, argv[1], &o, &err) != 0)
		die(argv[1], &err);
	for (;;) {
		if (hy_csv_reader_next_batch(r, batch, &b, &err) != 0)
			die("next_batch", &err);
		if (b == NULL)
			break;
		consume(b, &check, &rows, &batches);
	}
	t1 = now();
	c1 = cpu_seconds();
	printf("{\"tool\":\"hygge\",\"threads\":%d,\"rows\":%lld,\"batches\":%lld,"
	       "\"read_s\":%.3f,\"cpu_s\":%.3f,\"check\":\"%llx\"}\n",
	       threads, (long long)rows, (long long)batches, t1 - t0, c1 - c0,
	       (unsigned long long)check);
	hy_csv_reader_close(r);
	hy_pool_destroy(pool);
	return 0;
}
