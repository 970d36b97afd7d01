/* The process logger: what every part of hygge says to the user.
 *
 * One logger per process, configured by the CLI with hy_log_setup(). Library
 * code calls hy_log_info() and friends and never writes to stdout/stderr
 * itself: lines go only to the sinks the caller configured (none until then).
 *
 * Text lines are "HH:MM:SS  [flow] message" (local time, two spaces, the
 * "[flow] " prefix only for flow-scoped lines, no level name), as in the
 * reference (behaviour.md §5.1). On a colour console the flow prefix is white,
 * START-styled messages blue and OK-styled ones green; the log file never gets
 * escape codes. JSON lines are one object per line:
 *   {"time":"2025-11-27T01:02:03.123456+01:00","level":"info","flow":"f","message":"..."}
 *
 * Thread-safe: one mutex; each line is formatted and written whole under it,
 * the file sink with a single write() on an O_APPEND descriptor. */
#ifndef HYGGE_LOG_H
#define HYGGE_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hygge/status.h"

enum hy_log_level {
	HY_LOG_DEBUG = 10,
	HY_LOG_INFO = 20,
	HY_LOG_WARN = 30,
	HY_LOG_ERROR = 40,
};

/* How a message is coloured on a colour console (the text is unchanged). */
enum hy_log_style {
	HY_LOG_PLAIN = 0,
	HY_LOG_START = 1, /* blue: "START ...", "[1 of 3] STARTING flow ..." */
	HY_LOG_OK = 2,    /* green: "OK ...", "[1 of 3] FINISHED flow ..." */
};

enum hy_log_colour {
	HY_LOG_COLOUR_AUTO = 0, /* colours when the console sink is a terminal */
	HY_LOG_COLOUR_ALWAYS = 1,
	HY_LOG_COLOUR_NEVER = 2,
};

enum hy_log_format {
	HY_LOG_TEXT = 0,
	HY_LOG_JSON = 1,
};

/* Longest line written; longer messages are cut at a UTF-8 boundary and end
 * in "...". Keeps logging allocation-free, so it works when memory is out. */
#define HY_LOG_LINE_MAX 8192

/* The current instant in µs since the epoch (UTC); stores the local UTC offset
 * in seconds that applies to it. Tests inject a fixed clock. */
typedef int64_t (*hy_log_clock_fn)(void *ctx, int *utc_offset_seconds);

struct hy_log_config {
	FILE *console; /* borrowed; NULL: no console sink */
	enum hy_log_format console_format;
	enum hy_log_colour colour;
	enum hy_log_level level; /* lines below it are dropped (both sinks) */
	const char *file_path;   /* NULL: no file; else appended to, no colours;
				  * missing parent directories are created */
	enum hy_log_format file_format;
	/* false (default): messages are written as given. true: emoji (📊, ✨,
	 * ⚠️, ...) and the spaces after them are dropped from the file's lines
	 * and from the console's unless it is a terminal, so logs read by
	 * programs and editors stay plain text. Text symbols such as ✓, • and →
	 * stay. */
	bool emoji_on_terminal_only;
	hy_log_clock_fn clock; /* NULL: the system clock and local zone */
	void *clock_ctx;
	/* Optional. Called with the logger's lock held just before (before =
	 * true) and just after (false) each line written to the console, so a
	 * live display on the same terminal can clear itself and redraw below
	 * the line (the CLI's progress display, docs/internals/run.md). It must
	 * not log; it may take a lock of its own that is held around nothing
	 * else (the logger's lock stays outermost). */
	void (*console_hook)(void *ctx, bool before);
	void *console_hook_ctx;
};

/* Replaces the logger's configuration. The file is opened before anything
 * changes: on failure (HY_EIO, naming the path) the previous configuration
 * stays. Safe to call while other threads log. Allocates nothing. */
int hy_log_setup(const struct hy_log_config *config, struct hy_error *err) HY_WUR;
/* Flushes, closes the file and drops all sinks. */
void hy_log_shutdown(void);

/* Whether a line at `level` would be written; lets callers skip costly work. */
bool hy_log_enabled(enum hy_log_level level);

/* `flow` scopes the line ("[flow] " prefix, "flow" in JSON); NULL for none. */
void hy_log_write(enum hy_log_level level, enum hy_log_style style, const char *flow,
		  const char *fmt, ...) HY_PRINTF(4, 5);
void hy_log_vwrite(enum hy_log_level level, enum hy_log_style style, const char *flow,
		   const char *fmt, va_list ap) HY_PRINTF(4, 0);

void hy_log_debug(const char *flow, const char *fmt, ...) HY_PRINTF(2, 3);
void hy_log_info(const char *flow, const char *fmt, ...) HY_PRINTF(2, 3);
void hy_log_warn(const char *flow, const char *fmt, ...) HY_PRINTF(2, 3);
void hy_log_error(const char *flow, const char *fmt, ...) HY_PRINTF(2, 3);
/* The reference's start()/success() helpers: info lines "START <msg>" in the
 * START style and "OK <msg>" in the OK style. */
void hy_log_start(const char *flow, const char *fmt, ...) HY_PRINTF(2, 3);
void hy_log_success(const char *flow, const char *fmt, ...) HY_PRINTF(2, 3);

/* Lower-case level name as written in JSON: "debug", "info", "warning", "error". */
const char *hy_log_level_name(enum hy_log_level level);

#endif /* HYGGE_LOG_H */
