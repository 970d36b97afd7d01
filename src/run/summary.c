/* The words of a run: counts with thousands separators, the completion
 * summary of behaviour.md §5.3 (HEAD, narrative style) and the exit code. */
#include <stdio.h>
#include <string.h>

#include "hygge/buffer.h"
#include "hygge/isotime.h"
#include "hygge/log.h"
#include "hygge/run.h"
#include "run_int.h"

const char *hy_flow_status_name(enum hy_flow_status status)
{
	switch (status) {
	case HY_FLOW_PASS: return "pass";
	case HY_FLOW_SKIP: return "skip";
	case HY_FLOW_FAIL: return "fail";
	case HY_FLOW_PENDING: break;
	}
	return "pending";
}

char *hy_run_format_count(int64_t n, char out[32])
{
	char digits[24];
	uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
	int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)u);
	char *p = out;

	if (n < 0)
		*p++ = '-';
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			*p++ = ',';
		*p++ = digits[i];
	}
	*p = 0;
	return out;
}

/* "{:,.0f}" of a non-negative rate. */
static char *format_rate(double rate, char out[32])
{
	return hy_run_format_count(rate > 9e18 ? INT64_MAX : (int64_t)(rate + 0.5), out);
}

void hy__run_format_time(double seconds, struct hy_buf *words)
{
	struct hy_error err = {0};

	hy_buf_clear(words);
	if (hy_duration_words(seconds > 0 ? seconds : 0, words, &err) != 0) {
		hy_buf_clear(words);
		if (hy_buf_appendf(words, &err, "%.2f seconds", seconds) != 0)
			hy_buf_clear(words);
	}
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

static void log_all_good(const struct hy_run_result *r, const char *time, double rate)
{
	char a[32], b[32];
	size_t shown = 0;

	hy_log_info(NULL, "%s", "");
	if (r->passed == 0)
		hy_log_info(NULL, "✨ All flows skipped - no data moved");
	else if (r->passed == 1 && r->skipped == 0)
		hy_log_info(NULL, "✨ All done! Your data is home.");
	else
		hy_log_info(NULL, "✨ All done! Your data is cozy and settled.");
	hy_log_info(NULL, "%s", "");
	hy_log_info(NULL, "📊 Summary:");
	if (r->skipped == 0)
		hy_log_info(NULL, "   • %zu flow%s completed successfully", r->passed,
			    plural(r->passed));
	else
		hy_log_info(NULL, "   • %zu completed, %zu skipped (%zu total)", r->passed,
			    r->skipped, r->nflows);
	if (r->rows > 0)
		hy_log_info(NULL, "   • %s rows moved to their new home",
			    hy_run_format_count(r->rows, a));
	if (rate > 0)
		hy_log_info(NULL, "   • Finished in %s (%s rows/s)", time, format_rate(rate, b));
	else
		hy_log_info(NULL, "   • Finished in %s", time);
	hy_log_info(NULL, "%s", "");
	if (r->passed == 0 || r->passed > HY_RUN_SETTLED_LIST_UP_TO)
		return;
	hy_log_info(NULL, "🏡 Your data is settled:");
	for (size_t i = 0; i < r->nflows && shown < r->passed; i++) {
		if (r->flows[i].status != HY_FLOW_PASS)
			continue;
		hy_log_info(NULL, "   ✓ %s (%s rows)", r->flows[i].name,
			    hy_run_format_count(r->flows[i].rows, a));
		shown++;
	}
	hy_log_info(NULL, "%s", "");
}

/* "<p> succeeded, <f> failed, <s> skipped (<t> total)" without zero parts. */
static void counts_line(const struct hy_run_result *r, char *out, size_t size)
{
	size_t len = 0;
	const struct {
		size_t n;
		const char *word;
	} parts[] = {{r->passed, "succeeded"}, {r->failed, "failed"}, {r->skipped, "skipped"}};

	out[0] = 0;
	for (size_t i = 0; i < 3; i++) {
		if (parts[i].n == 0)
			continue;
		len += (size_t)snprintf(out + len, size - len, "%s%zu %s", len > 0 ? ", " : "",
					parts[i].n, parts[i].word);
		if (len >= size)
			return;
	}
	snprintf(out + len, size - len, " (%zu total)", r->nflows);
}

/* The first line of a message. */
static int first_line_len(const char *msg)
{
	const char *nl = strchr(msg, '\n');

	return nl != NULL ? (int)(nl - msg) : (int)strlen(msg);
}

static void log_failures(const struct hy_run_result *r, const char *time)
{
	char line[160], a[32];

	hy_log_info(NULL, "⚠️  Some flows need attention");
	hy_log_info(NULL, "%s", "");
	hy_log_info(NULL, "📊 Summary:");
	counts_line(r, line, sizeof(line));
	hy_log_info(NULL, "   • %s", line);
	if (r->rows > 0)
		hy_log_info(NULL, "   • %s rows processed", hy_run_format_count(r->rows, a));
	hy_log_info(NULL, "   • Ran for %s", time);
	hy_log_info(NULL, "%s", "");
	hy_log_info(NULL, "❌ Flows that need attention:");
	for (size_t i = 0; i < r->nflows; i++) {
		const struct hy_flow_result *f = &r->flows[i];

		if (f->status != HY_FLOW_FAIL)
			continue;
		hy_log_info(NULL, "   • %s", f->name);
		hy_log_info(NULL, "     %.*s", first_line_len(f->error.msg), f->error.msg);
	}
	hy_log_info(NULL, "%s", "");
	hy_log_info(NULL, "💡 Next steps:");
	hy_log_info(NULL, "   • Check the error messages above");
	hy_log_info(NULL, "   • Run: hygge debug");
	hy_log_info(NULL, "   • Fix the issues and try again");
	hy_log_info(NULL, "%s", "");
}

void hy__run_log_summary_timed(const struct hy_run_result *r, const char *time)
{
	double rate = r->elapsed_s > 0 ? (double)r->rows / r->elapsed_s : 0;

	if (time == NULL) /* out of memory in hy_run_log_summary */
		time = "";
	if (r->failed == 0)
		log_all_good(r, time, rate);
	else
		log_failures(r, time);
}

void hy_run_log_summary(const struct hy_run_result *r)
{
	struct hy_buf words;

	hy_buf_init(&words, HY__TIME_WORDS_MAX);
	hy__run_format_time(r->elapsed_s, &words);
	hy__run_log_summary_timed(r, (const char *)words.data);
	hy_buf_reset(&words);
}

int hy_run_exit_code(const struct hy_run_result *r)
{
	if (r->cancelled)
		return 130;
	return r->failed > 0 ? 1 : 0;
}

/* ---- JSON ---- */

/* A JSON string (quotes included); bytes >= 0x80 pass through (the messages
 * are UTF-8 already). */
static int put_json_string(struct hy_buf *out, const char *s, struct hy_error *err)
{
	HY_TRY(hy_buf_append_byte(out, '"', err));
	for (const unsigned char *p = (const unsigned char *)s; *p != 0; p++) {
		if (*p == '"' || *p == '\\')
			HY_TRY(hy_buf_appendf(out, err, "\\%c", *p));
		else if (*p == '\n')
			HY_TRY(hy_buf_append(out, "\\n", 2, err));
		else if (*p < 0x20)
			HY_TRY(hy_buf_appendf(out, err, "\\u%04x", *p));
		else
			HY_TRY(hy_buf_append_byte(out, *p, err));
	}
	return hy_buf_append_byte(out, '"', err);
}

static int put_flow_json(struct hy_buf *out, const struct hy_flow_result *f, struct hy_error *err)
{
	HY_TRY(hy_buf_append(out, "{\"name\":", 8, err));
	HY_TRY(put_json_string(out, f->name != NULL ? f->name : "", err));
	HY_TRY(hy_buf_appendf(out, err,
			      ",\"status\":\"%s\",\"rows\":%lld,\"duration_s\":%.3f,"
			      "\"attempts\":%d,\"flow_run_id\":\"%s\",\"entity_run_id\":\"%s\","
			      "\"error\":",
			      hy_flow_status_name(f->status), (long long)f->rows, f->duration_s,
			      f->attempts, f->flow_run_id, f->entity_run_id));
	if (f->status == HY_FLOW_FAIL)
		HY_TRY(put_json_string(out, f->error.msg, err));
	else
		HY_TRY(hy_buf_append(out, "null", 4, err));
	return hy_buf_append_byte(out, '}', err);
}

int hy_run_result_json(const struct hy_run_result *r, struct hy_buf *out, struct hy_error *err)
{
	HY_TRY(hy_buf_appendf(out, err,
			      "{\"event\":\"summary\",\"coordinator_run_id\":\"%s\",\"passed\":%zu,"
			      "\"failed\":%zu,\"skipped\":%zu,\"total\":%zu,\"rows\":%lld,"
			      "\"elapsed_s\":%.3f,\"cancelled\":%s,\"exit_code\":%d,\"flows\":[",
			      r->coordinator_run_id, r->passed, r->failed, r->skipped, r->nflows,
			      (long long)r->rows, r->elapsed_s, r->cancelled ? "true" : "false",
			      hy_run_exit_code(r)));
	for (size_t i = 0; i < r->nflows; i++) {
		if (i > 0)
			HY_TRY(hy_buf_append_byte(out, ',', err));
		HY_TRY(put_flow_json(out, &r->flows[i], err));
	}
	return hy_buf_append(out, "]}", 2, err);
}
