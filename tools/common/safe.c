/*
 * safe.c - names a process chose, made safe for a terminal.
 *
 * A process names itself (comm, argv) and the files it maps, and a name may
 * hold any byte but '/' and NUL: an escape sequence in one would recolour,
 * retitle or rewrite the reader's terminal.  Printed as text, a control
 * character (C0, DEL, C1) and a byte that is not part of well-formed UTF-8
 * become \ooo, as the kernel writes a newline in maps (\012); the rest is
 * printed as it is.  JSON escapes by its own rules (lib/jsonw.c), SVG by
 * XML's (svg.c).
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

/* The length of the character at p when it is well-formed UTF-8 and no
 * control character, else 0. */
static size_t printable_len(const unsigned char *p)
{
	size_t n;

	if (p[0] < 0x80)
		return p[0] >= 0x20 && p[0] != 0x7f;
	n = jw_utf8_len(p);
	/* the C1 controls, U+0080 to U+009F, are C2 80 to C2 9F */
	return n == 2 && p[0] == 0xc2 && p[1] < 0xa0 ? 0 : n;
}

static bool plain(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

const char *safe_name(const char *s, char **copy)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out;
	size_t j = 0;

	*copy = NULL;
	if (!s || plain(s))
		return s;
	out = malloc(strlen(s) * 4 + 1);
	if (!out)
		return "(a name that cannot be shown)";
	while (*p) {
		size_t n = printable_len(p);

		if (n) {
			memcpy(out + j, p, n);
			j += n, p += n;
			continue;
		}
		out[j++] = '\\';
		out[j++] = (char)('0' + (*p >> 6));
		out[j++] = (char)('0' + ((*p >> 3) & 7));
		out[j++] = (char)('0' + (*p & 7));
		p++;
	}
	out[j] = '\0';
	return *copy = out;
}
