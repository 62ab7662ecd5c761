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
 * control character (U+0080 to U+009F are C1), else 0. */
static size_t printable_len(const unsigned char *p)
{
	size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2;
	uint32_t cp = n == 1 ? p[0] : p[0] & (0xffu >> (n + 1));
	static const uint32_t least[] = { 0, 0, 0xa0, 0x800, 0x10000 };

	if (n == 1)
		return cp >= 0x20 && cp != 0x7f;
	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	return cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0 : n;
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
