/* Status names and the first-error-wins error record. */
#include "hygge/status.h"

#include <stdio.h>
#include <string.h>

const char *hy_status_name(int status)
{
	switch (status) {
	case HY_OK: return "ok";
	case HY_ENOMEM: return "out of memory";
	case HY_EINVAL: return "invalid argument";
	case HY_EIO: return "input/output error";
	case HY_ECONFIG: return "configuration error";
	case HY_EFORMAT: return "malformed data";
	case HY_EUNSUPPORTED: return "not supported";
	case HY_ELIMIT: return "limit exceeded";
	case HY_ESHUTDOWN: return "shut down";
	case HY_ECANCELLED: return "cancelled";
	case HY_ETIMEOUT: return "timed out";
	case HY_ENOTFOUND: return "not found";
	case HY_ECONNECT: return "connection failed";
	case HY_EAGAIN: return "would block";
	case HY_ESTATE: return "invalid state";
	}
	return "unknown status";
}

void hy_error_init(struct hy_error *err)
{
	memset(err, 0, sizeof(*err));
}

int hy_error_setv(struct hy_error *err, int code, const char *fmt, va_list ap)
{
	if (err == NULL || err->code != 0)
		return code;
	err->code = code;
	err->sys_errno = 0;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return code;
}

int hy_error_set(struct hy_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hy_error_setv(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int hy_error_set_errno(struct hy_error *err, int code, int sys_errno, const char *fmt, ...)
{
	va_list ap;
	size_t used;

	if (err == NULL || err->code != 0)
		return code;
	va_start(ap, fmt);
	hy_error_setv(err, code, fmt, ap);
	va_end(ap);
	err->sys_errno = sys_errno;
	used = strlen(err->msg);
	snprintf(err->msg + used, sizeof(err->msg) - used, ": %s", strerror(sys_errno));
	return code;
}

static void append_bounded(char *msg, size_t used, const char *text)
{
	size_t room = HY_ERROR_MSG_MAX - 1 - used;
	size_t n = strlen(text);

	if (n > room)
		n = room;
	memcpy(msg + used, text, n);
	msg[used + n] = '\0';
}

void hy_error_prefix(struct hy_error *err, const char *fmt, ...)
{
	char head[HY_ERROR_MSG_MAX];
	char body[HY_ERROR_MSG_MAX];
	va_list ap;

	if (err == NULL || err->code == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(body, err->msg, sizeof(body));
	/* Assembled by hand: the context always fits, the cause is cut at the end. */
	append_bounded(err->msg, 0, head);
	append_bounded(err->msg, strlen(err->msg), ": ");
	append_bounded(err->msg, strlen(err->msg), body);
}
