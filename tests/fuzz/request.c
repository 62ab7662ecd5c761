/*
 * request.c - fuzz target: what memscope-exporter reads of a request's
 * text (tools/exporter/request.c).  The input's first line is a path, the
 * rest an Accept header.  A path taken for one of the page's files must be
 * "/" or a plain name under it: no "..", no hidden name, no empty part, one
 * folder deep at most, a known type; an Accept header's weight for a type
 * must come from an entry that names it.  Anything else aborts.
 */
#define _GNU_SOURCE
#include "exporter.h"
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz request: %s: '%s'\n", what, text);
	abort();
}

static void check_path(const char *url)
{
	const char *type, *folder;

	if (!ui_path(url) || strcmp(url, "/") == 0)
		return;
	type = ui_type(url + 1);
	if (url[0] != '/' || strstr(url, "..") || strstr(url, "//") || strstr(url, "/.") ||
	    strspn(url, "/abcdefghijklmnopqrstuvwxyz0123456789_-.") != strlen(url))
		fail("a path outside the page's names", url);
	folder = strchr(url + 1, '/');
	if (folder && strchr(folder + 1, '/'))
		fail("a path two folders deep", url);
	if (!type || (!strstr(type, "text/") && !strstr(type, "image/")))
		fail("a page file of no known type", url);
}

static void check_accept(const char *accept)
{
	static const char *const asked[] = { "application/openmetrics-text", "text/plain", "gzip" };

	for (size_t i = 0; i < 3; i++) {
		double q = http_accept_q(accept, asked[i]);

		if (q != -1 && !strcasestr(accept, asked[i]))
			fail("a weight for a type the header does not name", accept);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *nl;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	check_path(text);
	check_accept(nl ? nl + 1 : "");
	free(text);
	return 0;
}
