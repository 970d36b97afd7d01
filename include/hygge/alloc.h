/* Allocation wrappers. Every hygge allocation goes through these so tests can
 * make the N-th allocation fail and check that each constructor cleans up and
 * returns HY_ENOMEM. The failure hook is process-wide and thread-safe. */
#ifndef HYGGE_ALLOC_H
#define HYGGE_ALLOC_H

#include <stddef.h>

/* Same contracts as the libc functions; the caller frees with hy_free(). */
void *hy_malloc(size_t size);
void *hy_calloc(size_t count, size_t size);
void *hy_realloc(void *ptr, size_t size);
/* Rounds `size` up to a multiple of 64 and aligns the block to 64 bytes, as the
 * Arrow columnar format recommends for buffers. Free with hy_free(). */
void *hy_aligned_alloc(size_t size);
char *hy_strdup(const char *s);
char *hy_strndup(const char *s, size_t n);
/* printf into a new string; NULL on failure. Free with hy_free(). */
char *hy_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hy_free(void *ptr);

/* Test hook: the n-th allocation from now (1-based) fails, once; the ones
 * before and after it succeed. n = 0 disables. Tests loop n = 1, 2, ... until
 * the constructor under test succeeds, checking a clean HY_ENOMEM each time. */
void hy_alloc_fail_after(long n);
void hy_alloc_fail_reset(void);
/* Allocations attempted since the last hy_alloc_fail_after()/reset. */
long hy_alloc_count(void);

#endif /* HYGGE_ALLOC_H */
