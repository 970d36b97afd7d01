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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct hy_error *err)
{
	fprintf(stderr, "bench_pq_read: %s: %s\n", what, err->msg);
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
		if (col->dictionary != NULL) {
			const struct hy_column *dc = col->dictionary;
			const int32_t *ix = (const int32_t *)(const void *)col->values->data + off;
			const int32_t *o =
				(const int32_t *)(const void *)dc->values->data + dc->offset;
			const uint8_t *d = dc->data->data;

			for (int64_t i = 0; i < n; i++) {
				if (hy_column_is_null(col, i))
					continue;
				for (int32_t k = o[ix[i]]; k < o[ix[i] + 1]; k++)
					sum += d[k];
				sum += (uint64_t)(o[ix[i] + 1] - o[ix[i]]);
			}
			break;
		}
		const int32_t *o = (const int32_t *)(const void *)col->values->data + off;
		const uint8_t *d = col->data->data;

		for (int64_t i = o[0]; i < o[n]; i++)
			sum += d[i];
		sum += (uint64_t)(o[n] - o[0]);
		break;
	}
	default:
		fprintf(stderr, "bench_pq_read: unexpected column type %d\n", (int)col->type.id);
		exit(1);
	}
	return sum;
}

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
		for (size_t c = 0; c < hy_schema_nfields(b->schema); c++)
			check += touch(b->cols[c]);
		rows += b->nrows;
		batches++;
		hy_batch_unref(b);
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
