/* Counting semaphore: limits how many flows run at once (`concurrency`).
 *
 * A plain mutex + condition variable semaphore with a fixed number of
 * permits. Acquirers block while none is free; release hands one back and
 * wakes one waiter. Wake-up order is not FIFO (whoever takes the lock first
 * wins), which is fine for flow slots. hy_sem_shutdown() wakes every waiter
 * with HY_ESHUTDOWN, for a run being cancelled.
 *
 * HY_EAGAIN and HY_ETIMEOUT leave `err` untouched (they are outcomes of
 * polling, not failures); HY_ESHUTDOWN and HY_EINVAL are recorded in it. */
#ifndef HYGGE_SEM_H
#define HYGGE_SEM_H

#include <stddef.h>

#include "hygge/status.h"

struct hy_sem;

/* Creates a semaphore with `count` (>= 1) permits, all free. On success *out
 * is owned by the caller: free with hy_sem_destroy(). On failure *out is
 * NULL. HY_ENOMEM, HY_EINVAL. */
int hy_sem_create(struct hy_sem **out, size_t count, struct hy_error *err) HY_WUR;

/* Frees the semaphore. Call once no thread uses it. Accepts NULL. */
void hy_sem_destroy(struct hy_sem *sem);

/* Takes one permit, blocking while none is free. HY_ESHUTDOWN once shut down. */
int hy_sem_acquire(struct hy_sem *sem, struct hy_error *err) HY_WUR;

/* Takes one permit if one is free now; HY_EAGAIN otherwise. */
int hy_sem_try_acquire(struct hy_sem *sem, struct hy_error *err) HY_WUR;

/* Like hy_sem_acquire() but gives up after `timeout_ms` milliseconds on the
 * monotonic clock with HY_ETIMEOUT. */
int hy_sem_acquire_timed(struct hy_sem *sem, long timeout_ms, struct hy_error *err) HY_WUR;

/* Returns a permit taken by a successful acquire. Releasing more permits
 * than were taken is a programming error: ignored (asserted in debug). */
void hy_sem_release(struct hy_sem *sem);

/* Wakes every blocked acquirer with HY_ESHUTDOWN; later acquires fail too.
 * Release still works, so holders can hand back their permits. Idempotent. */
void hy_sem_shutdown(struct hy_sem *sem);

/* Permits free right now (a snapshot). */
size_t hy_sem_available(struct hy_sem *sem);

#endif /* HYGGE_SEM_H */
