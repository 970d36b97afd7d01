/* Helpers shared by `hygge go` and `hygge debug`. */
#include "cli_project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push(char ***list, size_t *n, const char *s, size_t len)
{
	char **grown = realloc(*list, (*n + 1) * sizeof(char *));
	char *copy = malloc(len + 1);

	if (grown == NULL || copy == NULL) {
		free(copy);
		if (grown != NULL)
			*list = grown;
		printf("Error: out of memory\n");
		return 1;
	}
	memcpy(copy, s, len);
	copy[len] = '\0';
	*list = grown;
	(*list)[(*n)++] = copy;
	return 0;
}

static int add_part(const char *s, size_t len, bool entity, char ***list, size_t *n)
{
	const char *dot;
	char buf[1024];

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	if (!entity)
		return push(list, n, s, len);
	dot = memchr(s, '.', len);
	if (dot == NULL) {
		printf("Error: Invalid --entity format: %.*s. Use flow.entity (e.g., "
		       "salesforce.Involvement)\n",
		       (int)len, s);
		return 1;
	}
	snprintf(buf, sizeof(buf), "%.*s_%.*s", (int)(dot - s), s,
		 (int)(len - (size_t)(dot - s) - 1), dot + 1);
	return push(list, n, buf, strlen(buf));
}

int cli_split_names(const char *const *values, bool entity, char ***list, size_t *n)
{
	for (size_t i = 0; values != NULL && values[i] != NULL; i++) {
		const char *s = values[i];

		for (;;) {
			const char *comma = strchr(s, ',');
			size_t len = comma != NULL ? (size_t)(comma - s) : strlen(s);

			if (add_part(s, len, entity, list, n))
				return 1;
			if (comma == NULL)
				break;
			s = comma + 1;
		}
	}
	return 0;
}

void cli_names_free(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void cli_print_warnings(const struct hy_workspace *ws)
{
	if (ws == NULL)
		return;
	for (size_t i = 0; i < ws->nwarnings; i++)
		fprintf(stderr, "Warning: %s\n", ws->warnings[i]);
	fflush(stderr);
}
