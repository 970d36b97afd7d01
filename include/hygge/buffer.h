/* Growable byte buffer with a mandatory cap, and string views.
 *
 * A buffer never grows past the `max` it was given: an append that would pass
 * it fails with HY_ELIMIT, so a hostile size in an input file cannot make
 * hygge allocate without bound. */
#ifndef HYGGE_BUFFER_H
#define HYGGE_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/status.h"

/* Caller-owned struct; the bytes it points to are owned by the buffer and
 * freed by hy_buf_reset(). `data` is NUL-terminated whenever cap > 0, so
 * text can be handed to C string functions without a copy. */
struct hy_buf {
	uint8_t *data;
	size_t len; /* bytes in use */
	size_t cap; /* bytes allocated, excluding the hidden NUL */
	size_t max; /* hard cap on len */
};

void hy_buf_init(struct hy_buf *buf, size_t max);
/* Frees the bytes; the buffer can be used again with the same cap. */
void hy_buf_reset(struct hy_buf *buf);
/* Keeps the allocation, sets len to 0. */
void hy_buf_clear(struct hy_buf *buf);
/* Makes room for `extra` more bytes. HY_ELIMIT past max, HY_ENOMEM. */
int hy_buf_reserve(struct hy_buf *buf, size_t extra, struct hy_error *err) HY_WUR;
int hy_buf_append(struct hy_buf *buf, const void *data, size_t len, struct hy_error *err) HY_WUR;
int hy_buf_append_byte(struct hy_buf *buf, uint8_t byte, struct hy_error *err) HY_WUR;
int hy_buf_appendf(struct hy_buf *buf, struct hy_error *err, const char *fmt, ...) HY_WUR
	HY_PRINTF(3, 4);
/* Hands the bytes to the caller (free with hy_free()) and empties the buffer. */
uint8_t *hy_buf_detach(struct hy_buf *buf, size_t *len);

/* A borrowed, not necessarily NUL-terminated, run of bytes. */
struct hy_str {
	const char *ptr;
	size_t len;
};

#define HY_STR_LIT(s) ((struct hy_str){(s), sizeof(s) - 1})
struct hy_str hy_str_from_cstr(const char *s);
bool hy_str_eq(struct hy_str a, struct hy_str b);
bool hy_str_eq_cstr(struct hy_str a, const char *b);
int hy_str_cmp(struct hy_str a, struct hy_str b);
bool hy_str_starts_with(struct hy_str s, struct hy_str prefix);
/* Sub-view [start, start+len) clamped to the view. */
struct hy_str hy_str_sub(struct hy_str s, size_t start, size_t len);
/* Strips ASCII white space at both ends. */
struct hy_str hy_str_trim(struct hy_str s);
/* A NUL-terminated copy; NULL on allocation failure. Free with hy_free(). */
char *hy_str_dup(struct hy_str s);

#endif /* HYGGE_BUFFER_H */
