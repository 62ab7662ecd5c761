/*
 * request.c - what a request asks for, read from its text alone: the
 * weight an Accept header gives a media type or an encoding, and whether a
 * path names one of the page's files.  No libmicrohttpd here, so that the
 * fuzz target (tests/fuzz/request.c) reads them as the exporter does.
 */
#include "exporter.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The q of the media type's entry in an Accept header; -1 when absent. */
double http_accept_q(const char *accept, const char *type)
{
	size_t tl = strlen(type);

	for (const char *s = accept; s && *s; s = strchr(s, ',') ? strchr(s, ',') + 1 : NULL) {
		const char *q, *end = strchr(s, ',');

		while (*s == ' ')
			s++;
		if (strncasecmp(s, type, tl) != 0 || (s[tl] && s[tl] != ';' && s[tl] != ',' && s[tl] != ' '))
			continue;
		q = strstr(s, "q=");
		return q && (!end || q < end) ? strtod(q + 2, NULL) : 1.0;
	}
	return -1;
}

static const char *const types[][2] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
};

/* The content type of a name the page may have; NULL for any other name:
 * [a-z0-9_-]+ words, one '/' at most, one '.' before the extension. */
const char *ui_type(const char *name)
{
	size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-");
	const char *ext;

	if (n && name[n] == '/')
		name += n + 1, n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-");
	ext = name + n;
	if (!n || *ext != '.')
		return NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(ext, types[i][0]) == 0)
			return types[i][1];
	return NULL;
}

bool ui_path(const char *url)
{
	/* a path is "/..." (an empty one, or "*", read nothing past its end) */
	return url[0] == '/' && (url[1] == '\0' || ui_type(url + 1));
}
