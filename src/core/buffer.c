/* Growable byte buffer with a hard cap, and string views. */
#include "hygge/buffer.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hygge/alloc.h"

void hy_buf_init(struct hy_buf *buf, size_t max)
{
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->max = max;
}

void hy_buf_reset(struct hy_buf *buf)
{
	hy_free(buf->data);
	hy_buf_init(buf, buf->max);
}

void hy_buf_clear(struct hy_buf *buf)
{
	buf->len = 0;
	if (buf->data != NULL)
		buf->data[0] = 0;
}

int hy_buf_reserve(struct hy_buf *buf, size_t extra, struct hy_error *err)
{
	size_t need, cap;
	uint8_t *grown;

	if (extra > buf->max || buf->len > buf->max - extra)
		return hy_error_set(err, HY_ELIMIT, "buffer would grow past its limit of %zu bytes",
				    buf->max);
	need = buf->len + extra;
	if (need <= buf->cap && buf->data != NULL)
		return 0;
	/* Double, but never past max: the cap is a promise about memory. */
	cap = buf->cap < 64 ? 64 : buf->cap;
	while (cap < need)
		cap = cap > buf->max / 2 ? buf->max : cap * 2;
	if (cap > buf->max)
		cap = buf->max;
	grown = hy_realloc(buf->data, cap + 1);
	if (grown == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory growing a buffer to %zu bytes",
				    cap);
	buf->data = grown;
	buf->cap = cap;
	buf->data[buf->len] = 0;
	return 0;
}

int hy_buf_append(struct hy_buf *buf, const void *data, size_t len, struct hy_error *err)
{
	HY_TRY(hy_buf_reserve(buf, len, err));
	if (len > 0)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = 0;
	return 0;
}

int hy_buf_append_byte(struct hy_buf *buf, uint8_t byte, struct hy_error *err)
{
	return hy_buf_append(buf, &byte, 1, err);
}

int hy_buf_appendf(struct hy_buf *buf, struct hy_error *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return hy_error_set(err, HY_EINVAL, "bad format string");
	HY_TRY(hy_buf_reserve(buf, (size_t)n, err));
	va_start(ap, fmt);
	vsnprintf((char *)buf->data + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
	return 0;
}

uint8_t *hy_buf_detach(struct hy_buf *buf, size_t *len)
{
	uint8_t *data = buf->data;

	if (len != NULL)
		*len = buf->len;
	hy_buf_init(buf, buf->max);
	return data;
}

struct hy_str hy_str_from_cstr(const char *s)
{
	return (struct hy_str){s, s == NULL ? 0 : strlen(s)};
}

bool hy_str_eq(struct hy_str a, struct hy_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool hy_str_eq_cstr(struct hy_str a, const char *b)
{
	return hy_str_eq(a, hy_str_from_cstr(b));
}

int hy_str_cmp(struct hy_str a, struct hy_str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n == 0 ? 0 : memcmp(a.ptr, b.ptr, n);

	if (c != 0)
		return c < 0 ? -1 : 1;
	return a.len < b.len ? -1 : a.len > b.len ? 1 : 0;
}

bool hy_str_starts_with(struct hy_str s, struct hy_str prefix)
{
	return s.len >= prefix.len && hy_str_eq(hy_str_sub(s, 0, prefix.len), prefix);
}

struct hy_str hy_str_sub(struct hy_str s, size_t start, size_t len)
{
	if (start > s.len)
		start = s.len;
	if (len > s.len - start)
		len = s.len - start;
	return (struct hy_str){s.ptr + start, len};
}

struct hy_str hy_str_trim(struct hy_str s)
{
	while (s.len > 0 && isspace((unsigned char)s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	while (s.len > 0 && isspace((unsigned char)s.ptr[s.len - 1]))
		s.len--;
	return s;
}

char *hy_str_dup(struct hy_str s)
{
	return hy_strndup(s.ptr == NULL ? "" : s.ptr, s.len);
}
