/* The process logger.
 *
 * Concurrency design: all state below is owned by `lock`. A line is formatted
 * into static buffers and written to every sink while the lock is held, so
 * lines from different threads never interleave and the buffers need no
 * allocation (logging must work when memory has run out, and it reports
 * nothing itself: a sink that fails to take a line loses it). The lock is
 * almost a leaf: nothing called under it takes another hygge lock, except the
 * optional console hook, whose own lock must be held around nothing else. Sinks are slow only
 * when the console is; that is the price of whole lines and a stable order. */
#include "hygge/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hygge/isotime.h"

#define ANSI_RESET "\033[0m"
#define ANSI_WHITE "\033[37m"
#define ANSI_BLUE  "\033[34m"
#define ANSI_GREEN "\033[32m"

#define FLOW_MAX     256  /* bytes of a flow name shown in a line */
#define LOG_PATH_MAX 4096 /* longest log file path accepted */
/* A JSON line escapes each message byte to at most 6 bytes ("\u00XX"). */
#define LINE_BUF_MAX (HY_LOG_LINE_MAX * 6 + 2 * FLOW_MAX * 6 + 256)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Everything here is guarded by `lock`. */
static struct {
	FILE *console;
	enum hy_log_format console_format;
	bool colour;
	enum hy_log_level level;
	int fd; /* the log file, -1 when none */
	enum hy_log_format file_format;
	bool console_plain, file_plain; /* drop emoji from that sink's lines */
	hy_log_clock_fn clock;
	void *clock_ctx;
	void (*console_hook)(void *ctx, bool before);
	void *console_hook_ctx;
} state = {NULL,  HY_LOG_TEXT, false, HY_LOG_INFO, -1,   HY_LOG_TEXT,
	   false, false,       NULL,  NULL,        NULL, NULL};
static char msg_buf[HY_LOG_LINE_MAX];
static char plain_buf[HY_LOG_LINE_MAX]; /* msg_buf without emoji */
static char line_buf[LINE_BUF_MAX];

const char *hy_log_level_name(enum hy_log_level level)
{
	switch (level) {
	case HY_LOG_DEBUG: return "debug";
	case HY_LOG_INFO: return "info";
	case HY_LOG_WARN: return "warning";
	case HY_LOG_ERROR: return "error";
	}
	return "info";
}

static int64_t system_clock(void *ctx, int *utc_offset_seconds)
{
	int64_t now = hy_time_now_utc_micros();

	(void)ctx;
	*utc_offset_seconds = hy_time_local_offset_at(now);
	return now;
}

/* ---- setup ---- */

/* mkdir -p for the directory part of `path`. */
static int make_parent_dirs(const char *path, struct hy_error *err)
{
	char dir[LOG_PATH_MAX];
	size_t len = strlen(path);
	char *slash;

	if (len >= sizeof(dir))
		return hy_error_set(err, HY_ELIMIT, "log file path is longer than %d bytes",
				    LOG_PATH_MAX - 1);
	memcpy(dir, path, len + 1);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = 0;
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != 0)
			continue;
		char saved = *p;

		*p = 0;
		if (mkdir(dir, 0777) != 0 && errno != EEXIST)
			return hy_error_set_errno(err, HY_EIO, errno,
						  "cannot create log directory %s", dir);
		*p = saved;
		if (saved == 0)
			break;
	}
	return 0;
}

static bool console_is_terminal(const struct hy_log_config *config)
{
	int fd = config->console != NULL ? fileno(config->console) : -1;

	return fd >= 0 && isatty(fd);
}

static bool want_colour(const struct hy_log_config *config)
{
	int fd;

	if (config->console == NULL || config->colour == HY_LOG_COLOUR_NEVER)
		return false;
	if (config->colour == HY_LOG_COLOUR_ALWAYS)
		return true;
	fd = fileno(config->console);
	return fd >= 0 && isatty(fd);
}

int hy_log_setup(const struct hy_log_config *config, struct hy_error *err)
{
	int fd = -1, old_fd;

	if (config->file_path != NULL) {
		HY_TRY(make_parent_dirs(config->file_path, err));
		fd = open(config->file_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
		if (fd < 0)
			return hy_error_set_errno(err, HY_EIO, errno, "cannot open log file %s",
						  config->file_path);
	}
	pthread_mutex_lock(&lock);
	if (state.console != NULL)
		fflush(state.console);
	old_fd = state.fd;
	state.console = config->console;
	state.console_format = config->console_format;
	state.colour = config->console_format == HY_LOG_TEXT && want_colour(config);
	state.level = config->level;
	state.fd = fd;
	state.file_format = config->file_format;
	state.file_plain = config->emoji_on_terminal_only;
	state.console_plain = config->emoji_on_terminal_only && !console_is_terminal(config);
	state.clock = config->clock != NULL ? config->clock : system_clock;
	state.clock_ctx = config->clock_ctx;
	state.console_hook = config->console_hook;
	state.console_hook_ctx = config->console_hook_ctx;
	pthread_mutex_unlock(&lock);
	if (old_fd >= 0)
		close(old_fd);
	return 0;
}

void hy_log_shutdown(void)
{
	int old_fd;

	pthread_mutex_lock(&lock);
	if (state.console != NULL)
		fflush(state.console);
	old_fd = state.fd;
	state.console = NULL;
	state.fd = -1;
	state.level = HY_LOG_INFO;
	state.clock = NULL;
	state.clock_ctx = NULL;
	state.console_hook = NULL;
	state.console_hook_ctx = NULL;
	pthread_mutex_unlock(&lock);
	if (old_fd >= 0)
		close(old_fd);
}

bool hy_log_enabled(enum hy_log_level level)
{
	bool on;

	pthread_mutex_lock(&lock);
	on = level >= state.level && (state.console != NULL || state.fd >= 0);
	pthread_mutex_unlock(&lock);
	return on;
}

/* ---- line building (all under the lock) ---- */

struct line {
	char *p;
	size_t len, cap; /* cap keeps one byte for the final '\n' */
};

static void put(struct line *l, const char *s, size_t n)
{
	if (n > l->cap - l->len)
		n = l->cap - l->len;
	memcpy(l->p + l->len, s, n);
	l->len += n;
}

static void puts_(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_valid(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 2;
	else if (c >= 0xe0 && c <= 0xef)
		need = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 4;
	else
		return 0;
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < need; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	}
	return need;
}

/* A JSON string body; invalid UTF-8 becomes U+FFFD so the line stays JSON. */
static void put_json(struct line *l, const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		char esc[8];
		size_t k;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(l, esc, 2);
			i++;
		} else if (c < 0x20) {
			const char *named = c == '\n'   ? "\\n"
					    : c == '\r' ? "\\r"
					    : c == '\t' ? "\\t"
					    : c == '\b' ? "\\b"
					    : c == '\f' ? "\\f"
							: NULL;

			if (named != NULL) {
				puts_(l, named);
			} else {
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				puts_(l, esc);
			}
			i++;
		} else if ((k = utf8_valid(s + i, n - i)) == 0) {
			puts_(l, "\\ufffd");
			i++;
		} else {
			put(l, text + i, k);
			i += k;
		}
	}
}

static size_t flow_len(const char *flow)
{
	size_t n = strlen(flow);

	return n > FLOW_MAX ? FLOW_MAX : n;
}

static void build_text(struct line *l, const struct hy_civil *c, const char *flow,
		       enum hy_log_style style, const char *msg, bool colour)
{
	char stamp[16];
	const char *col = style == HY_LOG_START ? ANSI_BLUE
			  : style == HY_LOG_OK  ? ANSI_GREEN
						: NULL;

	snprintf(stamp, sizeof(stamp), "%02d:%02d:%02d  ", c->hour % 100, c->minute % 100,
		 c->second % 100);
	puts_(l, stamp);
	if (flow != NULL) {
		if (colour)
			puts_(l, ANSI_WHITE);
		puts_(l, "[");
		put(l, flow, flow_len(flow));
		puts_(l, "]");
		if (colour)
			puts_(l, ANSI_RESET);
		puts_(l, " ");
	}
	if (colour && col != NULL)
		puts_(l, col);
	puts_(l, msg);
	if (colour && col != NULL)
		puts_(l, ANSI_RESET);
}

static void build_json(struct line *l, const char *iso, enum hy_log_level level, const char *flow,
		       const char *msg)
{
	puts_(l, "{\"time\":\"");
	puts_(l, iso);
	puts_(l, "\",\"level\":\"");
	puts_(l, hy_log_level_name(level));
	if (flow != NULL) {
		puts_(l, "\",\"flow\":\"");
		put_json(l, flow, flow_len(flow));
	}
	puts_(l, "\",\"message\":\"");
	put_json(l, msg, strlen(msg));
	puts_(l, "\"}");
}

static void write_fd(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* nowhere to report it; the line is lost */
		p += w;
		n -= (size_t)w;
	}
}

/* Formats the message into msg_buf, cutting an over-long one at a UTF-8
 * boundary and marking the cut with "...". */
static void format_message(const char *word, const char *fmt, va_list ap)
{
	size_t off = 0;
	int n;

	if (word != NULL) {
		off = strlen(word);
		memcpy(msg_buf, word, off);
	}
	n = vsnprintf(msg_buf + off, sizeof(msg_buf) - off, fmt, ap);
	if (n < 0) {
		msg_buf[off] = 0;
	} else if ((size_t)n >= sizeof(msg_buf) - off) {
		size_t cut = sizeof(msg_buf) - 4;

		while (cut > 0 && ((unsigned char)msg_buf[cut] & 0xc0) == 0x80)
			cut--;
		memcpy(msg_buf + cut, "...", 4);
	}
}

/* Pictographs, dingbats and the joiners that build emoji. The text symbols
 * the messages use (✓ U+2713, ✔ U+2714, • U+2022, → U+2192) are not. */
static bool is_emoji(uint32_t cp)
{
	if (cp == 0x2713 || cp == 0x2714)
		return false;
	return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
	       (cp >= 0x2300 && cp <= 0x23FF) || (cp >= 0x2B00 && cp <= 0x2BFF) || cp == 0xFE0F ||
	       cp == 0x200D || cp == 0x20E3;
}

/* The code point at s (n bytes left) and its length; an invalid byte is
 * taken as itself, one byte long. */
static uint32_t utf8_next(const unsigned char *s, size_t n, size_t *len)
{
	size_t want = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : 4;
	uint32_t cp = want == 1   ? s[0]
		      : want == 2 ? s[0] & 0x1Fu
		      : want == 3 ? s[0] & 0x0Fu
				  : s[0] & 0x07u;

	if (want > n) {
		*len = 1;
		return s[0];
	}
	for (size_t i = 1; i < want; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*len = 1;
			return s[0];
		}
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	*len = want;
	return cp;
}

/* plain_buf = msg_buf without emoji and the spaces right after each. */
static void strip_emoji(void)
{
	const unsigned char *s = (const unsigned char *)msg_buf;
	size_t n = strlen(msg_buf), i = 0, o = 0;

	while (i < n) {
		size_t len;
		uint32_t cp = utf8_next(s + i, n - i, &len);

		if (!is_emoji(cp)) {
			memcpy(plain_buf + o, s + i, len);
			o += len;
			i += len;
			continue;
		}
		i += len;
		while (i < n && s[i] == ' ')
			i++;
	}
	plain_buf[o] = 0;
}

static void emit(enum hy_log_level level, enum hy_log_style style, const char *flow,
		 const char *word, const char *fmt, va_list ap)
{
	struct hy_civil civil = {0};
	char iso[HY_TIME_ISO_MAX] = "";
	struct line l;
	int64_t now;
	int offset = 0;

	if (flow != NULL && flow[0] == 0)
		flow = NULL;
	pthread_mutex_lock(&lock);
	if (level < state.level || (state.console == NULL && state.fd < 0))
		goto out;
	now = state.clock(state.clock_ctx, &offset);
	/* A clock outside years 1..9999 leaves the zero time: still log. */
	if (hy_time_to_civil(now, offset, &civil, NULL) != 0 ||
	    hy_time_format_iso(now, offset, iso, NULL) != 0)
		civil = (struct hy_civil){0};
	format_message(word, fmt, ap);
	if ((state.console != NULL && state.console_plain) || (state.fd >= 0 && state.file_plain))
		strip_emoji();
	if (state.console != NULL) {
		const char *msg = state.console_plain ? plain_buf : msg_buf;

		l = (struct line){line_buf, 0, sizeof(line_buf) - 1};
		if (state.console_format == HY_LOG_JSON)
			build_json(&l, iso, level, flow, msg);
		else
			build_text(&l, &civil, flow, style, msg, state.colour);
		line_buf[l.len++] = '\n';
		if (state.console_hook != NULL)
			state.console_hook(state.console_hook_ctx, true);
		fwrite(line_buf, 1, l.len, state.console);
		fflush(state.console);
		if (state.console_hook != NULL)
			state.console_hook(state.console_hook_ctx, false);
	}
	if (state.fd >= 0) {
		const char *msg = state.file_plain ? plain_buf : msg_buf;

		l = (struct line){line_buf, 0, sizeof(line_buf) - 1};
		if (state.file_format == HY_LOG_JSON)
			build_json(&l, iso, level, flow, msg);
		else
			build_text(&l, &civil, flow, style, msg, false);
		line_buf[l.len++] = '\n';
		write_fd(state.fd, line_buf, l.len);
	}
out:
	pthread_mutex_unlock(&lock);
}

/* ---- entry points ---- */

void hy_log_vwrite(enum hy_log_level level, enum hy_log_style style, const char *flow,
		   const char *fmt, va_list ap)
{
	emit(level, style, flow, NULL, fmt, ap);
}

void hy_log_write(enum hy_log_level level, enum hy_log_style style, const char *flow,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(level, style, flow, NULL, fmt, ap);
	va_end(ap);
}

#define HY_LOG_ENTRY(fn, level, style, word)                                                       \
	void fn(const char *flow, const char *fmt, ...)                                            \
	{                                                                                          \
		va_list ap;                                                                        \
                                                                                                   \
		va_start(ap, fmt);                                                                 \
		emit(level, style, flow, word, fmt, ap);                                           \
		va_end(ap);                                                                        \
	}

HY_LOG_ENTRY(hy_log_debug, HY_LOG_DEBUG, HY_LOG_PLAIN, NULL)
HY_LOG_ENTRY(hy_log_info, HY_LOG_INFO, HY_LOG_PLAIN, NULL)
HY_LOG_ENTRY(hy_log_warn, HY_LOG_WARN, HY_LOG_PLAIN, NULL)
HY_LOG_ENTRY(hy_log_error, HY_LOG_ERROR, HY_LOG_PLAIN, NULL)
HY_LOG_ENTRY(hy_log_start, HY_LOG_INFO, HY_LOG_START, "START ")
HY_LOG_ENTRY(hy_log_success, HY_LOG_INFO, HY_LOG_OK, "OK ")
