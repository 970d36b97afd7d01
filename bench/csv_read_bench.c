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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void die(const char *what, const struct hy_error *err)
{
	fprintf(stderr, "bench_csv_read: %s: %s\n", what, err->msg);
	exit(1);
}

/* A cheap reduction over every value of the column (nulls' slots included:
 * they hold zeros, and the sum only has to depend on every value). */
static uint64_t touch(const struct hy_column *col)
{
	int64_t off = col->offset, n = col->length;
	uint64_t sum = (uint64_t)col->null_count;

	switch (col->type.id) {
	case HY_BOOL: {
		const uint8_t *bits = col->values->data;

		for (int64_t i = off; i < off + n; i++)
			sum += (bits[i >> 3] >> (i & 7)) & 1u;
		break;
	}
	case HY_INT32: {
		const int32_t *v = (const int32_t *)(const void *)col->values->data + off;

		for (int64_t i = 0; i < n; i++)
			sum += (uint64_t)(int64_t)v[i];
		break;
	}
	case HY_INT64:
	case HY_FLOAT64:
	case HY_DECIMAL:
	case HY_TIMESTAMP: {
		/* 8-byte values (decimal(18,3) is int64 storage); doubles by bits. */
		const uint64_t *v = (const uint64_t *)(const void *)col->values->data + off;

		for (int64_t i = 0; i < n; i++)
			sum += v[i];
		break;
	}
	case HY_STRING: {
		const int32_t *o = (const int32_t *)(const void *)col->values->data + off;
		const uint8_t *d = col->data->data;

		for (int64_t i = o[0]; i < o[n]; i++)
			sum += d[i];
		sum += (uint64_t)(o[n] - o[0]);
		break;
	}
	default:
		fprintf(stderr, "bench_csv_read: unexpected column type %d\n", (int)col->type.id);
		exit(1);
	}
	return sum;
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
		for (size_t c = 0; c < hy_schema_nfields(b->schema); c++)
			check += touch(b->cols[c]);
		rows += b->nrows;
		batches++;
		hy_batch_unref(b);
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
