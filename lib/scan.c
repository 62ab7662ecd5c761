/*
 * scan.c - small parsers that advance a cursor and report failure, so they
 * chain: "ms_scan_hex(&p, e, &a) && ms_scan_char(&p, e, '-') && ...".
 * No sscanf: /proc lines are parsed at hundreds of MB/s here.
 */
#include "internal.h"

#include <string.h>

/* 0-15 for a hex digit, above 15 for anything else */
static inline unsigned hexdigit(char c)
{
	unsigned d = (unsigned)(unsigned char)c - '0';

	if (d < 10)
		return d;
	d = ((unsigned)(unsigned char)c | 0x20) - 'a'; /* 'A' | 0x20 == 'a' */
	return d < 6 ? d + 10 : 16;
}

bool ms_scan_hex(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t n = 0;
	unsigned d;

	if (s == end || hexdigit(*s) > 15)
		return false;
	for (; s < end && (d = hexdigit(*s)) <= 15; s++) {
		if (n >> 60)
			return false; /* would overflow 64 bits */
		n = n << 4 | d;
	}
	*v = n;
	*p = s;
	return true;
}

bool ms_scan_dec(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t n = 0;

	if (s == end || *s < '0' || *s > '9')
		return false;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (n > (UINT64_MAX - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*v = n;
	*p = s;
	return true;
}

bool ms_scan_char(const char **p, const char *end, char c)
{
	if (*p == end || **p != c)
		return false;
	(*p)++;
	return true;
}

void ms_scan_blanks(const char **p, const char *end)
{
	/* /proc pads columns with runs of spaces: eight at a compare */
	while (end - *p >= 8 && memcmp(*p, "        ", 8) == 0)
		*p += 8;
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

bool ms_scan_word(const char **p, const char *end, const char **word,
		  size_t *len)
{
	const char *s;

	ms_scan_blanks(p, end);
	s = *p;
	while (*p < end && **p != ' ' && **p != '\t')
		(*p)++;
	*word = s;
	*len = (size_t)(*p - s);
	return *len > 0;
}
