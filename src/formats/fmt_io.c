/* Block source and buffered sink shared by the CSV and NDJSON readers and
 * writers. A file is read in blocks of block_size bytes into one reused
 * buffer; a memory source hands out slices of the caller's bytes of the same
 * size, so the parsers see the same block boundaries either way. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fmt_int.h"
#include "hygge/alloc.h"

#define SINK_BUF_MAX   (64u << 20) /* one rendered row may not exceed this */
#define SINK_THRESHOLD (1u << 20)

int hy__src_open_path(struct hy__src *s, const char *path, size_t block_size, struct hy_error *err)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->block_size = block_size ? block_size : HY_FMT_DEFAULT_BLOCK;
	s->name = hy_strdup(path);
	s->block = hy_malloc(s->block_size);
	if (s->name == NULL || s->block == NULL) {
		hy__src_close(s);
		return hy_error_set(err, HY_ENOMEM, "out of memory opening %s", path);
	}
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		int e = errno;

		hy__src_close(s);
		return hy_error_set_errno(err, e == ENOENT ? HY_ENOTFOUND : HY_EIO, e, "open %s",
					  path);
	}
	return 0;
}

int hy__src_open_mem(struct hy__src *s, const void *data, size_t size, const char *name,
		     size_t block_size, struct hy_error *err)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->mem = data;
	s->mem_size = size;
	s->block_size = block_size ? block_size : HY_FMT_DEFAULT_BLOCK;
	s->name = hy_strdup(name ? name : "<memory>");
	if (s->name == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory opening %s", name);
	return 0;
}

int hy__src_fill(struct hy__src *s, struct hy_error *err)
{
	if (s->pos < s->len || s->eof)
		return 0;
	s->pos = 0;
	s->len = 0;
	if (s->fd < 0) {
		size_t n = s->mem_size - s->mem_pos;

		if (n > s->block_size)
			n = s->block_size;
		s->buf = s->mem + s->mem_pos;
		s->mem_pos += n;
		s->len = n;
	} else {
		ssize_t n;

		do
			n = read(s->fd, s->block, s->block_size);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return hy_error_set_errno(err, HY_EIO, errno, "read %s", s->name);
		s->buf = s->block;
		s->len = (size_t)n;
	}
	if (s->len == 0)
		s->eof = true;
	return 0;
}

int hy__src_rewind(struct hy__src *s, struct hy_error *err)
{
	s->pos = s->len = 0;
	s->eof = false;
	s->mem_pos = 0;
	if (s->fd >= 0 && lseek(s->fd, 0, SEEK_SET) < 0)
		return hy_error_set_errno(err, HY_EIO, errno, "seek %s", s->name);
	return 0;
}

void hy__src_close(struct hy__src *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	hy_free(s->block);
	hy_free(s->name);
	s->block = NULL;
	s->name = NULL;
}

int hy__sink_open(struct hy__sink *s, int fd, const char *path, struct hy_error *err)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	hy_buf_init(&s->buf, SINK_BUF_MAX);
	s->name = path ? hy_strdup(path) : hy_asprintf("fd %d", fd);
	if (s->name == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory opening a writer");
	if (path == NULL) {
		s->fd = fd;
		return 0;
	}
	s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (s->fd < 0) {
		int e = errno;

		hy__sink_close(s);
		return hy_error_set_errno(err, HY_EIO, e, "create %s", path);
	}
	s->own_fd = true;
	return 0;
}

int hy__sink_flush(struct hy__sink *s, struct hy_error *err)
{
	size_t done = 0;

	while (done < s->buf.len) {
		ssize_t n = write(s->fd, s->buf.data + done, s->buf.len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hy_error_set_errno(err, HY_EIO, errno, "write %s", s->name);
		done += (size_t)n;
	}
	hy_buf_clear(&s->buf);
	return 0;
}

int hy__sink_maybe_flush(struct hy__sink *s, struct hy_error *err)
{
	return s->buf.len >= SINK_THRESHOLD ? hy__sink_flush(s, err) : 0;
}

void hy__sink_close(struct hy__sink *s)
{
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	hy_buf_reset(&s->buf);
	hy_free(s->name);
	s->name = NULL;
}
