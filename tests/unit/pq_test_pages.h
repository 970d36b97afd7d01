/* Test-only: walks the page headers of a parquet file from offset 4 to the
 * footer, without a footer parser: just enough Thrift compact protocol to
 * read PageHeader's sizes, its v1/v2/dictionary headers, and skip the rest.
 * The ColumnMetaData copy writers put after each chunk's pages, and the
 * page index before the footer, parse as "pages" of 0 bytes, which callers
 * skip. Not for untrusted input beyond
 * the test corpus: it checks bounds but not every Thrift rule. */
#ifndef PQ_TEST_PAGES_H
#define PQ_TEST_PAGES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tpage {
	int type, usize, csize, num_values, encoding, num_nulls, def_len, rep_len, is_compressed;
	int dict_values;
	size_t body; /* offset of the body in the file */
};

static inline int t_varint(const uint8_t *p, size_t n, size_t *pos, uint64_t *v)
{
	uint64_t x = 0;
	for (unsigned s = 0; s < 64; s += 7) {
		if (*pos >= n)
			return -1;
		uint8_t b = p[(*pos)++];
		x |= (uint64_t)(b & 0x7f) << s;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

static inline int t_i32(const uint8_t *p, size_t n, size_t *pos, int *out)
{
	uint64_t v;
	if (t_varint(p, n, pos, &v))
		return -1;
	*out = (int)(int64_t)((v >> 1) ^ (0 - (v & 1)));
	return 0;
}

static inline int t_skip(const uint8_t *p, size_t n, size_t *pos, int type, int depth);

static inline int t_struct(const uint8_t *p, size_t n, size_t *pos, int depth, struct tpage *pg,
			   int which)
{
	int id = 0;
	if (depth > 16)
		return -1;
	for (;;) {
		if (*pos >= n)
			return -1;
		uint8_t b = p[(*pos)++];
		int type = b & 0x0f, v;
		if (b == 0)
			return 0;
		if (b >> 4)
			id += b >> 4;
		else if (t_i32(p, n, pos, &id))
			return -1;
		if (pg != NULL && type == 5 && which >= 0) {
			if (t_i32(p, n, pos, &v))
				return -1;
			if (which == 0 && id == 1)
				pg->type = v;
			if (which == 0 && id == 2)
				pg->usize = v;
			if (which == 0 && id == 3)
				pg->csize = v;
			if (which == 1 && id == 1)
				pg->num_values = v;
			if (which == 1 && id == 2)
				pg->encoding = v;
			if (which == 2 && id == 1)
				pg->dict_values = v;
			if (which == 3 && id == 1)
				pg->num_values = v;
			if (which == 3 && id == 2)
				pg->num_nulls = v;
			if (which == 3 && id == 4)
				pg->encoding = v;
			if (which == 3 && id == 5)
				pg->def_len = v;
			if (which == 3 && id == 6)
				pg->rep_len = v;
			continue;
		}
		if (pg != NULL && which == 3 && id == 7 && (type == 1 || type == 2)) {
			pg->is_compressed = type == 1;
			continue;
		}
		if (pg != NULL && which == 0 && type == 12 && (id == 5 || id == 7 || id == 8)) {
			if (t_struct(p, n, pos, depth + 1, pg, id == 5 ? 1 : id == 7 ? 2 : 3))
				return -1;
			continue;
		}
		if (t_skip(p, n, pos, type, depth + 1))
			return -1;
	}
}

static inline int t_skip(const uint8_t *p, size_t n, size_t *pos, int type, int depth)
{
	uint64_t v;
	switch (type) {
	case 1:
	case 2: return 0;
	case 3:
		if (*pos >= n)
			return -1;
		(*pos)++;
		return 0;
	case 4:
	case 5:
	case 6: return t_varint(p, n, pos, &v);
	case 7:
		if (n - *pos < 8)
			return -1;
		*pos += 8;
		return 0;
	case 8:
		if (t_varint(p, n, pos, &v) || v > n - *pos)
			return -1;
		*pos += v;
		return 0;
	case 9:
	case 10: {
		if (*pos >= n)
			return -1;
		uint8_t h = p[(*pos)++];
		uint64_t cnt = h >> 4;
		if (cnt == 15 && t_varint(p, n, pos, &cnt))
			return -1;
		for (uint64_t i = 0; i < cnt; i++)
			if (t_skip(p, n, pos, h & 0x0f, depth + 1))
				return -1;
		return 0;
	}
	case 11: {
		if (t_varint(p, n, pos, &v))
			return -1;
		if (v == 0)
			return 0;
		if (*pos >= n)
			return -1;
		uint8_t kv = p[(*pos)++];
		for (uint64_t i = 0; i < v; i++)
			if (t_skip(p, n, pos, kv >> 4, depth + 1) ||
			    t_skip(p, n, pos, kv & 15, depth + 1))
				return -1;
		return 0;
	}
	case 12: return t_struct(p, n, pos, depth, NULL, -1);
	default: return -1;
	}
}

/* Reads the page header at *pos; on success *pos is the body offset. */
static inline int t_page(const uint8_t *p, size_t n, size_t *pos, struct tpage *pg)
{
	memset(pg, 0, sizeof(*pg));
	pg->is_compressed = 1;
	if (t_struct(p, n, pos, 0, pg, 0))
		return -1;
	pg->body = *pos;
	if (pg->csize < 0 || (size_t)pg->csize > n - *pos || pg->usize < 0)
		return -1;
	return 0;
}

/* Loads `name` from the parquet-testing corpus copied under tests/data
 * (with or without its data/ folder); NULL when it is absent. */
static inline uint8_t *t_load(const char *name, size_t *n, size_t *footer)
{
	char path[512];
	FILE *f;
	uint8_t *p;
	long sz;
	uint32_t flen;

	snprintf(path, sizeof(path), "%s/parquet-testing/data/%s", HY_TEST_DATA_DIR, name);
	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(path, sizeof(path), "%s/parquet-testing/%s", HY_TEST_DATA_DIR, name);
		f = fopen(path, "rb");
	}
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 12) {
		fclose(f);
		return NULL;
	}
	rewind(f);
	p = malloc((size_t)sz);
	if (p == NULL || fread(p, 1, (size_t)sz, f) != (size_t)sz) {
		fclose(f);
		free(p);
		return NULL;
	}
	fclose(f);
	flen = (uint32_t)p[sz - 8] | (uint32_t)p[sz - 7] << 8 | (uint32_t)p[sz - 6] << 16 |
	       (uint32_t)p[sz - 5] << 24;
	if (flen > (uint64_t)sz - 12) {
		free(p);
		return NULL;
	}
	*n = (size_t)sz;
	*footer = (size_t)sz - 8 - flen;
	return p;
}

#endif /* PQ_TEST_PAGES_H */
