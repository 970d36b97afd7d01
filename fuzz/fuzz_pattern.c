/* Fuzz target for file-name patterns: compile any text; when it compiles,
 * render it with a few sequence numbers and try to read the sequence back
 * from every rendered name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hygge/pattern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t seqs[] = {0, 1, 42, 1234567, -5, INT64_MAX};
	struct hy_pattern_values v = {0, "store", "flow", "20251127_010203", "users"};
	struct hy_pattern *pat = NULL;
	struct hy_error err = {0};
	struct hy_buf out;
	char *text;

	if (size > HY_PATTERN_TEXT_MAX + 16)
		return 0;
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = 0; /* an embedded NUL just ends the pattern early */
	hy_buf_init(&out, 1 << 20);
	if (hy_pattern_compile(&pat, text, HY_PATTERN_ALL, &err) != 0)
		goto done;
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		int64_t back = -1;

		v.sequence = seqs[i];
		hy_buf_clear(&out);
		if (hy_pattern_render(pat, &v, &out, &err) != 0)
			abort(); /* every value is given, the cap is far away */
		/* Without a spec the number is plain digits, so a rendered name
		 * must match again (a spec whose fill is a digit can legitimately
		 * render names that read back as another number). */
		if ((hy_pattern_fields(pat) & HY_PATTERN_SEQUENCE) && seqs[i] >= 0 &&
		    strchr(text, ':') == NULL && seqs[i] < 1000000000000000000LL &&
		    !hy_pattern_match_sequence(pat, &v, (const char *)out.data, out.len, &back))
			abort();
	}
done:
	hy_pattern_destroy(pat);
	hy_buf_reset(&out);
	free(text);
	return 0;
}
