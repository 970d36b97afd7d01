/* Parquet writer benchmark driver (bench/write_parquet.sh, `make bench`).
 *
 * Builds the benchmark table in memory -- id int64, s1 and s2 strings with
 * 10 % nulls, d double, dec decimal(18,3), ts timestamp[us], b bool, n int32,
 * the same values as the DuckDB and Polars generators in pq_write_others.mjs
 * -- in batches of 122,880 rows, then times writing it to OUT with the
 * codec, on a pool of THREADS workers (0 = none). Prints one JSON line.
 *
 *   bench_pq_write OUT ROWS CODEC [THREADS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hygge/batch.h"
#include "hygge/parquet_writer.h"
#include "hygge/pool.h"

#define BATCH_ROWS 122880
#define NCOLS      8

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what, const struct hy_error *err)
{
	fprintf(stderr, "bench_pq_write: %s: %s\n", what, err->msg);
	exit(1);
}

static struct hy_schema *make_schema(void)
{
	struct hy_field f[NCOLS];
	struct hy_schema *s = NULL;
	struct hy_error err = {0};
	struct hy_dtype dec, ts;

	if (hy_dtype_decimal(18, 3, &dec, &err) != 0 ||
	    hy_dtype_timestamp(HY_UNIT_MICRO, NULL, &ts, &err) != 0)
		die("types", &err);
	f[0] = (struct hy_field){(char *)"id", hy_dtype_simple(HY_INT64), false};
	f[1] = (struct hy_field){(char *)"s1", hy_dtype_simple(HY_STRING), true};
	f[2] = (struct hy_field){(char *)"s2", hy_dtype_simple(HY_STRING), true};
	f[3] = (struct hy_field){(char *)"d", hy_dtype_simple(HY_FLOAT64), false};
	f[4] = (struct hy_field){(char *)"dec", dec, false};
	f[5] = (struct hy_field){(char *)"ts", ts, false};
	f[6] = (struct hy_field){(char *)"b", hy_dtype_simple(HY_BOOL), false};
	f[7] = (struct hy_field){(char *)"n", hy_dtype_simple(HY_INT32), false};
	if (hy_schema_create(f, NCOLS, &s, &err) != 0)
		die("schema", &err);
	return s;
}

static struct hy_batch *make_batch(struct hy_schema *s, int64_t first, int64_t n)
{
	struct hy_builder *b[NCOLS];
	struct hy_column *cols[NCOLS];
	struct hy_batch *batch = NULL;
	struct hy_error err = {0};
	char buf[32];
	int rc = 0;

	for (int c = 0; c < NCOLS; c++)
		if (hy_builder_create(&hy_schema_field(s, (size_t)c)->type, &b[c], &err) != 0 ||
		    hy_builder_reserve(b[c], n, c == 1 || c == 2 ? n * 12 : 0, &err) != 0)
			die("builder", &err);
	for (int64_t i = first; i < first + n && rc == 0; i++) {
		int len;

		rc |= hy_builder_append_i64(b[0], i, &err);
		if (i % 10 == 3) {
			rc |= hy_builder_append_null(b[1], &err);
		} else {
			len = snprintf(buf, sizeof(buf), "name-%lld",
				       (long long)(i * 7919 % 100000));
			rc |= hy_builder_append_str(b[1], buf, (size_t)len, &err);
		}
		if (i % 10 == 7) {
			rc |= hy_builder_append_null(b[2], &err);
		} else {
			len = snprintf(buf, sizeof(buf), "city-%lld", (long long)(i % 1000));
			rc |= hy_builder_append_str(b[2], buf, (size_t)len, &err);
		}
		rc |= hy_builder_append_f64(b[3], (double)i / 7.0, &err);
		rc |= hy_builder_append_i64(b[4], i * 1001, &err);
		rc |= hy_builder_append_i64(b[5], 1704067200000000LL + i * 1000000LL, &err);
		rc |= hy_builder_append_bool(b[6], i % 3 == 0, &err);
		rc |= hy_builder_append_i64(b[7], i * 31 % 1000000, &err);
	}
	if (rc != 0)
		die("append", &err);
	for (int c = 0; c < NCOLS; c++) {
		if (hy_builder_finish(b[c], &cols[c], &err) != 0)
			die("finish", &err);
		hy_builder_destroy(b[c]);
	}
	if (hy_batch_create(s, cols, n, &batch, &err) != 0)
		die("batch", &err);
	for (int c = 0; c < NCOLS; c++)
		hy_column_unref(cols[c]);
	return batch;
}

int main(int argc, char **argv)
{
	struct hy_pq_writer_options o;
	struct hy_pq_writer *w = NULL;
	struct hy_pq_sink sink;
	struct hy_pool *pool = NULL;
	struct hy_error err = {0};
	struct hy_schema *s;
	struct hy_batch **batches;
	int64_t rows, nb, table = 0;
	double t0, t1, t2;
	int codec, level;

	if (argc < 4) {
		fprintf(stderr, "usage: bench_pq_write OUT ROWS CODEC [THREADS]\n");
		return 2;
	}
	rows = atoll(argv[2]);
	if (hy_pq_codec_parse(argv[3], &codec, &level, &err) != 0)
		die("codec", &err);
	if (argc > 4 && atoi(argv[4]) > 0 &&
	    hy_pool_create(&pool, (size_t)atoi(argv[4]), "bench", &err) != 0)
		die("pool", &err);
	s = make_schema();
	nb = (rows + BATCH_ROWS - 1) / BATCH_ROWS;
	batches = calloc((size_t)nb + 1, sizeof(*batches));
	t0 = now();
	for (int64_t i = 0; i < nb; i++) {
		int64_t first = i * BATCH_ROWS;
		batches[i] =
			make_batch(s, first, rows - first < BATCH_ROWS ? rows - first : BATCH_ROWS);
		for (int c = 0; c < NCOLS; c++) {
			const struct hy_column *col = batches[i]->cols[c];
			table += (col->validity ? col->validity->size : 0) + col->values->size +
				 (col->data ? col->data->size : 0);
		}
	}
	t1 = now();
	hy_pq_writer_options_init(&o);
	o.codec = codec;
	o.level = level;
	o.pool = pool;
	if (hy_pq_sink_open_file(&sink, argv[1], &err) != 0 ||
	    hy_pq_writer_open(&w, s, &o, &sink, &err) != 0)
		die("open", &err);
	for (int64_t i = 0; i < nb; i++)
		if (hy_pq_writer_write(w, batches[i], &err) != 0)
			die("write", &err);
	if (hy_pq_writer_finish(w, &err) != 0)
		die("finish", &err);
	t2 = now();
	printf("{\"tool\":\"hygge\",\"rows\":%lld,\"codec\":\"%s\",\"gen_s\":%.3f,\"write_s\":%.3f,"
	       "\"bytes\":%llu,\"table_bytes\":%lld}\n",
	       (long long)rows, argv[3], t1 - t0, t2 - t1,
	       (unsigned long long)hy_pq_writer_bytes(w), (long long)table);
	hy_pq_writer_close(w);
	hy_pq_sink_close(&sink);
	for (int64_t i = 0; i < nb; i++)
		hy_batch_unref(batches[i]);
	free(batches);
	hy_schema_unref(s);
	hy_pool_destroy(pool);
	return 0;
}
