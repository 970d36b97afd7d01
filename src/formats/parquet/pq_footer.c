/* Byte-range sources and the footer: magic, length, encryption detection,
 * then the FileMetaData decode (pq_meta.c).
 *
 * Layout: "PAR1" | column chunks | FileMetaData | u32 LE length | "PAR1".
 * The footer is found with one read of the last HY_PQ_FOOTER_TAIL_READ bytes
 * (a second one when the footer is larger), so a remote source costs one or
 * two requests. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hygge/alloc.h"
#include "pq_int.h"

static int mem_read_at(void *ctx, uint64_t off, void *buf, size_t len, struct hy_error *err)
{
	(void)err;
	memcpy(buf, (const uint8_t *)ctx + off, len);
	return 0;
}

void hy_pq_source_init_memory(struct hy_pq_source *src, const void *data, size_t len)
{
	memset(src, 0, sizeof(*src));
	src->read_at = mem_read_at;
	src->size = len;
	src->ctx = (void *)data; /* read only: mem_read_at never writes */
}

struct file_source {
	int fd;
};

static int file_read_at(void *ctx, uint64_t off, void *buf, size_t len, struct hy_error *err)
{
	struct file_source *fs = ctx;
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pread(fs->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hy_error_set_errno(err, HY_EIO, errno, "read at offset %llu",
						  (unsigned long long)off);
		if (n == 0)
			return HY__PQ_FAIL(err, HY_EFORMAT,
					   "unexpected end of file at offset %llu (truncated "
					   "while being read?)",
					   (unsigned long long)off);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static void file_close(void *ctx)
{
	struct file_source *fs = ctx;

	close(fs->fd);
	hy_free(fs);
}

int hy_pq_source_open_file(struct hy_pq_source *src, const char *path, struct hy_error *err)
{
	struct file_source *fs;
	struct stat st;
	int fd;

	memset(src, 0, sizeof(*src));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hy_error_set_errno(err, errno == ENOENT ? HY_ENOTFOUND : HY_EIO, errno,
					  "open");
	if (fstat(fd, &st) != 0) {
		int e = errno;

		close(fd);
		return hy_error_set_errno(err, HY_EIO, e, "stat");
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return HY__PQ_FAIL(err, HY_EIO, "not a regular file");
	}
	fs = hy_malloc(sizeof(*fs));
	if (fs == NULL) {
		close(fd);
		return HY__PQ_FAIL(err, HY_ENOMEM, "out of memory opening a file");
	}
	fs->fd = fd;
	src->read_at = file_read_at;
	src->size = (uint64_t)st.st_size;
	src->ctx = fs;
	src->close = file_close;
	return 0;
}

void hy_pq_source_close(struct hy_pq_source *src)
{
	if (src->close != NULL)
		src->close(src->ctx);
	memset(src, 0, sizeof(*src));
}

/* Reads [off, off+len) after checking it lies inside the source. */
static int source_read(const struct hy_pq_source *src, uint64_t off, void *buf, size_t len,
		       struct hy_error *err)
{
	if (off > src->size || len > src->size - off)
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "parquet: read of %zu bytes at %llu passes the end of the "
				   "%llu-byte file",
				   len, (unsigned long long)off, (unsigned long long)src->size);
	return src->read_at(src->ctx, off, buf, len, err);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Checks both magics (the leading one when the tail read covers it) and the
 * footer length; *flen is the FileMetaData length. */
static int check_tail(const struct hy_pq_source *src, const uint8_t *tail, size_t tail_len,
		      uint32_t *flen, struct hy_error *err)
{
	const uint8_t *magic = tail + tail_len - 4;

	if (memcmp(magic, "PARE", 4) == 0 ||
	    (tail_len == src->size && memcmp(tail, "PARE", 4) == 0))
		return HY__PQ_FAIL(err, HY_EUNSUPPORTED, HY__PQ_ENCRYPTED_MSG);
	if (memcmp(magic, "PAR1", 4) != 0)
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "parquet: not a Parquet file (no PAR1 magic at the end)");
	if (tail_len == src->size && memcmp(tail, "PAR1", 4) != 0)
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "parquet: not a Parquet file (no PAR1 magic at the start)");
	*flen = le32(tail + tail_len - 8);
	if ((uint64_t)*flen + 12 > src->size)
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "parquet: footer length %u does not fit the %llu-byte file",
				   *flen, (unsigned long long)src->size);
	if (*flen > HY_PQ_MAX_FOOTER_BYTES)
		return HY__PQ_FAIL(err, HY_ELIMIT,
				   "parquet: footer of %u bytes passes the limit of %u MiB", *flen,
				   HY_PQ_MAX_FOOTER_BYTES >> 20);
	return 0;
}

int hy_pq_metadata_read(const struct hy_pq_source *src, struct hy_pq_metadata **out,
			struct hy_error *err)
{
	uint8_t *tail = NULL, *big = NULL;
	const uint8_t *footer;
	size_t tail_len;
	uint32_t flen = 0;
	int rc;

	*out = NULL;
	if (src->size < 12)
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "parquet: a file of %llu bytes is too small to be Parquet",
				   (unsigned long long)src->size);
	tail_len = src->size < HY_PQ_FOOTER_TAIL_READ ? (size_t)src->size : HY_PQ_FOOTER_TAIL_READ;
	tail = hy_malloc(tail_len);
	if (tail == NULL)
		return HY__PQ_FAIL(err, HY_ENOMEM, "parquet: out of memory reading the footer");
	rc = source_read(src, src->size - tail_len, tail, tail_len, err);
	if (rc == 0)
		rc = check_tail(src, tail, tail_len, &flen, err);
	if (rc != 0)
		goto out;
	if ((size_t)flen + 8 <= tail_len) {
		footer = tail + tail_len - 8 - flen;
	} else {
		big = hy_malloc(flen);
		if (big == NULL) {
			rc = HY__PQ_FAIL(err, HY_ENOMEM,
					 "parquet: out of memory reading the footer");
			goto out;
		}
		rc = source_read(src, src->size - 8 - flen, big, flen, err);
		if (rc != 0)
			goto out;
		footer = big;
	}
	rc = hy__pq_metadata_decode(footer, flen, true, out, err);
out:
	hy_free(big);
	hy_free(tail);
	return rc;
}

int hy_pq_metadata_read_file(const char *path, struct hy_pq_metadata **out, struct hy_error *err)
{
	struct hy_pq_source src;
	int rc;

	*out = NULL;
	rc = hy_pq_source_open_file(&src, path, err);
	if (rc == 0) {
		rc = hy_pq_metadata_read(&src, out, err);
		hy_pq_source_close(&src);
	}
	if (rc != 0)
		hy_error_prefix(err, "%s", path);
	return rc;
}

int hy_pq_chunk_range(const struct hy_pq_column_chunk *cc, uint64_t file_size, uint64_t *start,
		      uint64_t *len, struct hy_error *err)
{
	const struct hy_pq_column_meta *m = &cc->meta;
	int64_t dict = m->has_dictionary_page_offset ? m->dictionary_page_offset : 0;
	int64_t first = m->data_page_offset;

	if (!cc->has_meta_data)
		return HY__PQ_FAIL(err, HY_EFORMAT, "parquet: column chunk without metadata");
	/* dictionary_page_offset 0 means absent (dict-page-offset-zero.parquet);
	 * data_page_offset may be 0 in a dictionary-only chunk. */
	if (dict > 0 && (dict < first || first == 0))
		first = dict;
	if (first < 4 || m->total_compressed_size < 0 || (uint64_t)first > file_size ||
	    (uint64_t)m->total_compressed_size > file_size - (uint64_t)first)
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "parquet: column chunk range [%lld, +%lld) is outside the "
				   "%llu-byte file",
				   (long long)first, (long long)m->total_compressed_size,
				   (unsigned long long)file_size);
	*start = (uint64_t)first;
	*len = (uint64_t)m->total_compressed_size;
	return 0;
}
