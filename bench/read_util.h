/* What the read benchmark drivers (pq_read_bench.c, csv_read_bench.c) share:
 * a monotonic clock, dying with a message, and the reduction that touches
 * every value of a column so that nothing is left undecoded. Each driver
 * defines `bench_name` (its program name, for messages) before including
 * this. */
#ifndef HYGGE_BENCH_READ_UTIL_H
#define HYGGE_BENCH_READ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hygge/batch.h"
#include "hygge/status.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct hy_error *err)
{
	fprintf(stderr, "%s: %s: %s\n", bench_name, what, err->msg);
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
		fprintf(stderr, "%s: unexpected column type %d\n", bench_name, (int)col->type.id);
		exit(1);
	}
	return sum;
}

/* Counts one batch read and touches its values; drops it. */
static void consume(struct hy_batch *b, uint64_t *check, int64_t *rows, int64_t *batches)
{
	for (size_t c = 0; c < hy_schema_nfields(b->schema); c++)
		*check += touch(b->cols[c]);
	*rows += b->nrows;
	(*batches)++;
	hy_batch_unref(b);
}

#endif /* HYGGE_BENCH_READ_UTIL_H */
