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

int hy__src_more(struct hy__src *s, size_t want, struct hy_error *err)
{
	size_t have = s->len - s->pos;

	if (s->eof) {
		s->drained = true;
		return 0;
	}
	if (want < have)
		want = have;
	if (s->win_cap < want + s->block_size) {
		size_t cap = s->win_cap ? s->win_cap : 64;
		uint8_t *w;

		while (cap < want + s->block_size)
			cap *= 2;
		w = hy_malloc(cap);
		if (w == NULL)
			return hy_error_set(err, HY_ENOMEM, "out of memory reading %s", s->name);
		if (have > 0)
			memcpy(w, s->buf + s->pos, have);
		hy_free(s->win);
		s->win = w;
		s->win_cap = cap;
	} else if (have > 0 && (s->buf != s->win || s->pos > 0)) {
		memmove(s->win, s->buf + s->pos, have);
	}
	s->buf = s->win;
	s->pos = 0;
	s->len = have;
	while (s->len < want && !s->drained) {
		size_t room = s->win_cap - s->len, n;

		if (room > s->block_size)
			room = s->block_size;
		if (s->fd < 0) {
			n = s->mem_size - s->mem_pos;
			if (n > room)
				n = room;
			if (n > 0)
				memcpy(s->win + s->len, s->mem + s->mem_pos, n);
			s->mem_pos += n;
		} else {
			ssize_t got;

			do
				got = read(s->fd, s->win + s->len, room);
			while (got < 0 && errno == EINTR);
			if (got < 0)
				return hy_error_set_errno(err, HY_EIO, errno, "read %s", s->name);
			n = (size_t)got;
		}
		s->len += n;
		if (n == 0)
			s->drained = true;
	}
	return 0;
}

int hy__src_rewind(struct hy__src *s, struct hy_error *err)
{
	s->pos = s->len = 0;
	s->eof = false;
	s->drained = false;
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
	hy_free(s->win);
	hy_free(s->name);
	s->win = NULL;
	s->win_cap = 0;
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
