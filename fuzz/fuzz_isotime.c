/* Fuzz target for the ISO-8601 and date parsers: any input must either parse
 * to an instant that formats and parses back to the same instant, or fail
 * with a message; never crash, hang or read past `size`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hygge/isotime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hy_time_parsed p, again;
	struct hy_error err = {0};
	char iso[HY_TIME_ISO_MAX], date[HY_DATE_TEXT_MAX];
	char *text;
	int64_t days;

	if (size > 256)
		return 0;
	/* The parsers take (ptr, len); the copy keeps ASan's bounds exact. */
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	if (hy_time_parse_iso(text, size, &p, &err) == 0) {
		int offset = p.has_offset ? p.offset_seconds : HY_TIME_NO_OFFSET;

		if (hy_time_format_iso(p.utc_micros, offset, iso, &err) == 0) {
			hy_error_init(&err);
			if (hy_time_parse_iso(iso, strlen(iso), &again, &err) != 0 ||
			    again.utc_micros != p.utc_micros)
				abort();
		}
	}
	hy_error_init(&err);
	if (hy_date_parse(text, size, &days, &err) == 0) {
		if (hy_date_format(days, date, &err) != 0 || strcmp(date, text) != 0)
			abort();
	}
	free(text);
	return 0;
}
