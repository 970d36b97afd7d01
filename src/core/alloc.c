/* Allocation wrappers with a failure-injection hook for tests.
 *
 * The hook is two atomics rather than a lock: allocation is on hot paths and
 * the hook is off in production (fail_at == 0 costs one relaxed load). */
#include "hygge/alloc.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_long fail_at;  /* 0 = off; else the 1-based allocation to fail */
static atomic_long attempts; /* allocations since the hook was last set */

static int should_fail(void)
{
	long n = atomic_fetch_add_explicit(&attempts, 1, memory_order_relaxed) + 1;
	long target = atomic_load_explicit(&fail_at, memory_order_relaxed);

	return target != 0 && n == target;
}

void hy_alloc_fail_after(long n)
{
	atomic_store(&attempts, 0);
	atomic_store(&fail_at, n);
}

void hy_alloc_fail_reset(void)
{
	hy_alloc_fail_after(0);
}

long hy_alloc_count(void)
{
	return atomic_load(&attempts);
}

void *hy_malloc(size_t size)
{
	if (should_fail())
		return NULL;
	return malloc(size == 0 ? 1 : size);
}

void *hy_calloc(size_t count, size_t size)
{
	if (should_fail())
		return NULL;
	if (count == 0 || size == 0)
		count = size = 1;
	return calloc(count, size);
}

void *hy_realloc(void *ptr, size_t size)
{
	if (should_fail())
		return NULL;
	return realloc(ptr, size == 0 ? 1 : size);
}

void *hy_aligned_alloc(size_t size)
{
	void *p = NULL;
	size_t rounded;

	if (should_fail())
		return NULL;
	if (size > SIZE_MAX - 63)
		return NULL;
	rounded = (size + 63) & ~(size_t)63;
	if (rounded == 0)
		rounded = 64;
	if (posix_memalign(&p, 64, rounded) != 0)
		return NULL;
	return p;
}

char *hy_strndup(const char *s, size_t n)
{
	char *copy = hy_malloc(n + 1);

	if (copy == NULL)
		return NULL;
	memcpy(copy, s, n);
	copy[n] = '\0';
	return copy;
}

char *hy_strdup(const char *s)
{
	return hy_strndup(s, strlen(s));
}

char *hy_asprintf(const char *fmt, ...)
{
	va_list ap, ap2;
	char *out;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (out = hy_malloc((size_t)n + 1)) == NULL) {
		va_end(ap2);
		return NULL;
	}
	vsnprintf(out, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return out;
}

void hy_free(void *ptr)
{
	free(ptr);
}
