/* Parquet writer benchmark driver (bench/write_parquet.sh, `make bench`).
 *
 * Builds the benchmark table in memory -- id int64, s1 and s2 strings with
 * 10 % nulls, d double, dec decimal(18,3), ts timestamp[us], b bool, n int32,
 * the same values as the DuckDB and Polars generators in pq_write_others.mjs
 * -- in batches of 122,880 rows, then times writing it to OUT with the
 * codec, on a pool of THREADS workers (0 = none). Prints one JSON line.
 * MODE "stream" makes each batch just before writing it and drops it after
 * (write_s then sums the write calls and rss_kb shows the writer's own
 * memory); "dict" hands s1 and s2 over in dictionary form (int32 indices
 * into one dictionary column per string column, shared by every batch, as a
 * reader of dictionary-encoded pages would); "stream,dict" does both.
 *
 *   bench_pq_write OUT ROWS CODEC [THREADS] [MODE] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

/* Dictionary form: s1 = "name-K" for K < 100000, s2 = "city-K" for K < 1000. */
static struct hy_column *dicts[2];

static void make_dicts(void)
{
	struct hy_error err = {0};
	struct hy_dtype st = hy_dtype_simple(HY_STRING);
	char buf[32];

	for (int d = 0; d < 2; d++) {
		struct hy_builder *b;
		int64_t n = d == 0 ? 100000 : 1000;

		if (hy_builder_create(&st, &b, &err) != 0)
			die("builder", &err);
		for (int64_t k = 0; k < n; k++) {
			int len = snprintf(buf, sizeof(buf), d == 0 ? "name-%lld" : "city-%lld",
					   (long long)k);
			if (hy_builder_append_str(b, buf, (size_t)len, &err) != 0)
				die("append", &err);
		}
		if (hy_builder_finish(b, &dicts[d], &err) != 0)
			die("finish", &err);
		hy_builder_destroy(b);
	}
}

/* s1 / s2 of rows [first, first + n) as dictionary-form columns. */
static struct hy_column *dict_column(int d, int64_t first, int64_t n)
{
	struct hy_dtype it = hy_dtype_simple(HY_INT32);
	struct hy_builder *b;
	struct hy_column *idx, *out;
	struct hy_error err = {0};
	int rc = 0;

	if (hy_builder_create(&it, &b, &err) != 0)
		die("builder", &err);
	for (int64_t i = first; i < first + n; i++) {
		if (i % 10 == (d == 0 ? 3 : 7))
			rc |= hy_builder_append_null(b, &err);
		else
			rc |= hy_builder_append_i64(b, d == 0 ? i * 7919 % 100000 : i % 1000, &err);
	}
	if (rc != 0 || hy_builder_finish(b, &idx, &err) != 0 ||
	    hy_column_create_dictionary(idx, dicts[d], &out, &err) != 0)
		die("dictionary column", &err);
	hy_builder_destroy(b);
	hy_column_unref(idx);
	return out;
}

static bool dict_mode;

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
	if (dict_mode)
		for (int d = 0; d < 2; d++) {
			hy_column_unref(cols[1 + d]);
			cols[1 + d] = dict_column(d, first, n);
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
	double t0, t1, t2, tw = 0;
	int codec, level;
	bool stream = false;
	struct rusage ru;

	if (argc < 4) {
		fprintf(stderr, "usage: bench_pq_write OUT ROWS CODEC [THREADS] [MODE]\n");
		return 2;
	}
	rows = atoll(argv[2]);
	if (hy_pq_codec_parse(argv[3], &codec, &level, &err) != 0)
		die("codec", &err);
	if (argc > 4 && atoi(argv[4]) > 0 &&
	    hy_pool_create(&pool, (size_t)atoi(argv[4]), "bench", &err) != 0)
		die("pool", &err);
	if (argc > 5) {
		stream = strstr(argv[5], "stream") != NULL;
		dict_mode = strstr(argv[5], "dict") != NULL;
	}
	s = make_schema();
	if (dict_mode)
		make_dicts();
	nb = (rows + BATCH_ROWS - 1) / BATCH_ROWS;
	batches = calloc((size_t)nb + 1, sizeof(*batches));
	t0 = now();
	for (int64_t i = 0; i < nb && !stream; i++) {
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
	for (int64_t i = 0; i < nb; i++) {
		if (stream) {
			int64_t first = i * BATCH_ROWS;
			batches[i] = make_batch(
				s, first, rows - first < BATCH_ROWS ? rows - first : BATCH_ROWS);
		}
		double tb = now();
		if (hy_pq_writer_write(w, batches[i], &err) != 0)
			die("write", &err);
		tw += now() - tb;
		if (stream) {
			hy_batch_unref(batches[i]);
			batches[i] = NULL;
		}
	}
	double tb = now();
	if (hy_pq_writer_finish(w, &err) != 0)
		die("finish", &err);
	t2 = now();
	tw += t2 - tb;
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"tool\":\"hygge\",\"rows\":%lld,\"codec\":\"%s\",\"mode\":\"%s\","
	       "\"gen_s\":%.3f,\"write_s\":%.3f,\"bytes\":%llu,\"table_bytes\":%lld,"
	       "\"rss_kb\":%ld}\n",
	       (long long)rows, argv[3], argc > 5 ? argv[5] : "table", t1 - t0,
	       stream ? tw : t2 - t1, (unsigned long long)hy_pq_writer_bytes(w), (long long)table,
	       ru.ru_maxrss);
	hy_pq_writer_close(w);
	hy_pq_sink_close(&sink);
	for (int64_t i = 0; i < nb; i++)
		hy_batch_unref(batches[i]);
	free(batches);
	hy_column_unref(dicts[0]);
	hy_column_unref(dicts[1]);
	hy_schema_unref(s);
	hy_pool_destroy(pool);
	return 0;
}
