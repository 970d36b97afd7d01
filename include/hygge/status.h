/* Status codes and the caller-owned error record used by every hygge function.
 *
 * Convention: a function returns 0 (HY_OK) on success or a negative-free
 * `enum hy_status` value on failure, and fills the `struct hy_error` its caller
 * passed in. The first error written wins: later hy_error_set() calls on an
 * error that already holds a cause are ignored, so the root cause is never
 * overwritten while the failure travels up. Outer layers add context in front
 * with hy_error_prefix() ("flow users: store local: <cause>").
 */
#ifndef HYGGE_STATUS_H
#define HYGGE_STATUS_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define HY_WUR               __attribute__((warn_unused_result))
#define HY_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define HY_WUR
#define HY_PRINTF(fmt, args)
#endif

/* Append-only: values are part of the ABI and appear in logs. */
enum hy_status {
	HY_OK = 0,
	HY_ENOMEM = 1,       /* an allocation failed */
	HY_EINVAL = 2,       /* a bad argument from the caller */
	HY_EIO = 3,          /* the operating system refused a read/write/rename */
	HY_ECONFIG = 4,      /* the project configuration is wrong */
	HY_EFORMAT = 5,      /* input data is malformed (a broken file, a bad row) */
	HY_EUNSUPPORTED = 6, /* valid input hygge does not handle */
	HY_ELIMIT = 7,       /* a named cap was exceeded (buffer, page size, ...) */
	HY_ESHUTDOWN = 8,    /* a queue or pool was shut down */
	HY_ECANCELLED = 9,   /* the user interrupted the run */
	HY_ETIMEOUT = 10,    /* an operation ran out of time */
	HY_ENOTFOUND = 11,   /* a file, table, key or column does not exist */
	HY_ECONNECT = 12,    /* a connection failed or was dropped */
	HY_EAGAIN = 13,      /* would block (non-blocking calls) */
	HY_ESTATE = 14,      /* a call made in the wrong state (a programming error) */
};

#define HY_ERROR_MSG_MAX 1024

/* Caller-owned; initialise with hy_error_init() or `= {0}`. */
struct hy_error {
	int code;      /* enum hy_status; 0 while no error was recorded */
	int sys_errno; /* errno at the failure, 0 when not an OS error */
	char msg[HY_ERROR_MSG_MAX];
};

/* Stable lower-case name of a status ("ok", "out of memory", ...). Never NULL. */
const char *hy_status_name(int status);

void hy_error_init(struct hy_error *err);

/* Records `code` and a formatted message unless `err` already holds an error
 * (first error wins). `err` may be NULL. Returns `code` so callers can write
 * `return hy_error_set(err, HY_EIO, "...")`. */
int hy_error_set(struct hy_error *err, int code, const char *fmt, ...) HY_PRINTF(3, 4);
int hy_error_setv(struct hy_error *err, int code, const char *fmt, va_list ap) HY_PRINTF(3, 0);

/* Like hy_error_set() and appends ": <strerror(sys_errno)>", keeping sys_errno. */
int hy_error_set_errno(struct hy_error *err, int code, int sys_errno, const char *fmt, ...)
	HY_PRINTF(4, 5);

/* Puts formatted context and ": " in front of the message already recorded.
 * Does nothing when no error is recorded. The message is truncated at the end
 * when it would overflow, so the context always shows. */
void hy_error_prefix(struct hy_error *err, const char *fmt, ...) HY_PRINTF(2, 3);

/* Forwards a failure from a status-returning expression. */
#define HY_TRY(expr)                                                                               \
	do {                                                                                       \
		int hy_try_rc_ = (expr);                                                           \
		if (hy_try_rc_ != 0)                                                               \
			return hy_try_rc_;                                                         \
	} while (0)

#ifndef NDEBUG
#include <assert.h>
#define HY_ASSERT(cond) assert(cond)
#else
#define HY_ASSERT(cond) ((void)0)
#endif

#endif /* HYGGE_STATUS_H */
