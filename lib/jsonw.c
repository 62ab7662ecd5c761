/*
 * jsonw.c - JSON written straight into a growing buffer, one value after
 * another: no tree of items to build and free (with cJSON, that was most of
 * what a snapshot of 50,000 regions cost).  Integers are exact to 2^64 - 1;
 * strings are escaped as cJSON escapes them; with pretty, a key a line,
 * indented by tabs.  A failed allocation is remembered and ends the
 * document: jw_finish() gives NULL, never a document with holes.
 */
#include "jsonw.h"
#include "memscope.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool grow(struct jw *w, size_t more)
{
	size_t cap;
	char *nb;

	if (w->failed)
		return false;
	cap = w->cap ? w->cap : 4096;
	while (cap < w->len + more)
		cap *= 2;
	if (!(nb = realloc(w->buf, cap))) {
		w->failed = true;
		return false;
	}
	w->buf = nb;
	w->cap = cap;
	return true;
}

/* Room for more bytes: almost always there already. */
static inline bool reserve(struct jw *w, size_t more)
{
	return w->len + more <= w->cap || grow(w, more);
}

static inline void add(struct jw *w, const char *s, size_t n)
{
	if (reserve(w, n)) {
		memcpy(w->buf + w->len, s, n);
		w->len += n;
	}
}

static void newline(struct jw *w)
{
	if (reserve(w, 1 + (size_t)w->depth)) {
		w->buf[w->len++] = '\n';
		memset(w->buf + w->len, '\t', (size_t)w->depth);
		w->len += (size_t)w->depth;
	}
}

/* The length of the well-formed UTF-8 sequence at p (RFC 3629: no
 * overlong form, no surrogate, nothing past U+10FFFF), or 0. */
size_t jw_utf8_len(const unsigned char *p)
{
	size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2;
	uint32_t cp = p[0] & (0x7fu >> n);
	static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };

	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0; /* a continuation byte, or a lead that is never valid */
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) /* the NUL at the end too */
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Escapes quote, backslash and control bytes as cJSON does; a byte that
 * is not part of well-formed UTF-8 (a file name may hold any byte but '/')
 * becomes U+FFFD, so that the document is valid JSON for every reader. */
static void string(struct jw *w, const char *s)
{
	static const char hexdigits[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	add(w, "\"", 1);
	while (*p) {
		const unsigned char *run = p;
		size_t n;

		while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		add(w, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		if (*p >= 0x80) {
			n = jw_utf8_len(p);
			if (n)
				add(w, (const char *)p, n);
			else /* as the bytes it reads back as, so it writes again the same */
				add(w, "\xef\xbf\xbd", 3);
			p += n ? n : 1;
			continue;
		}
		if (*p == '"' || *p == '\\') {
			char e[2] = { '\\', (char)*p };

			add(w, e, 2);
		} else {
			const char *named = strchr("\bb\ff\nn\rr\tt", *p);
			char e[6] = { '\\', 'u', '0', '0', hexdigits[*p >> 4], hexdigits[*p & 15] };

			if (named)
				add(w, (char[]){ '\\', named[1] }, 2);
			else
				add(w, e, 6);
		}
		p++;
	}
	add(w, "\"", 1);
}

/* What comes before a value: a comma after the one before, the line and
 * indentation, the key.  Keys are the project's own names, which need no
 * escaping and are JW_KEY_MAX bytes at most (a longer one fails the
 * document): copied byte by byte in one pass, as most of a document is
 * keys and a call to strlen() and memcpy() for each cost more than the
 * copy. */
static void lead(struct jw *w, const char *key)
{
	char *p, *end;

	if (w->named) { /* jw_name() wrote the key */
		w->named = false;
		return;
	}
	if (!reserve(w, JW_KEY_MAX + 5 + (w->pretty ? 1 + (size_t)w->depth : 0)))
		return;
	if (w->count[w->depth]++)
		w->buf[w->len++] = ',';
	if (w->pretty && w->depth)
		newline(w);
	if (!key)
		return;
	p = w->buf + w->len;
	end = p + 1 + JW_KEY_MAX;
	*p++ = '"';
	while (*key && p < end)
		*p++ = *key++;
	w->failed |= *key != '\0';
	*p++ = '"';
	*p++ = ':';
	if (w->pretty)
		*p++ = '\t';
	w->len = (size_t)(p - w->buf);
}

void jw_name(struct jw *w, const char *name)
{
	lead(w, NULL);
	string(w, name);
	add(w, ":\t", w->pretty ? 2 : 1);
	w->named = true;
}

void jw_open(struct jw *w, const char *key, char bracket)
{
	lead(w, key);
	add(w, &bracket, 1);
	if (w->depth + 1 >= JW_DEPTH_MAX) {
		w->failed = true;
		return;
	}
	w->count[++w->depth] = 0;
}

void jw_close(struct jw *w, char bracket)
{
	bool empty = w->count[w->depth] == 0;

	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	w->depth--;
	if (w->pretty && !empty)
		newline(w);
	add(w, &bracket, 1);
}

/* An address as ms_address_string() writes it, without printf. */
void jw_hex(struct jw *w, const char *key, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = 1;
	char *p;

	lead(w, key);
	for (uint64_t rest = v >> 4; rest; rest >>= 4)
		n++;
	if (!reserve(w, n + 4))
		return;
	p = w->buf + w->len + n + 4;
	w->len += n + 4;
	*--p = '"';
	do
		*--p = digits[v & 15];
	while (v >>= 4);
	memcpy(p - 3, "\"0x", 3);
}

bool jw_object_or_null(struct jw *w, const char *key, const void *p)
{
	if (p)
		jw_open(w, key, '{');
	else
		jw_raw(w, key, "null");
	return p != NULL;
}

void jw_raw(struct jw *w, const char *key, const char *text)
{
	lead(w, key);
	add(w, text, strlen(text));
}

char *jw_digits(char *end, uint64_t v)
{
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

/* v in decimal, written where the document ends, after minus when
 * negative: no copy from a buffer of its own. */
static void number(struct jw *w, uint64_t v, bool negative)
{
	size_t n = 1 + negative;

	for (uint64_t rest = v / 10; rest; rest /= 10)
		n++;
	if (!reserve(w, n))
		return;
	w->len += n;
	if (negative)
		*(jw_digits(w->buf + w->len, v) - 1) = '-';
	else
		jw_digits(w->buf + w->len, v);
}

void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	lead(w, key);
	number(w, v, false);
}

void jw_i64(struct jw *w, const char *key, int64_t v)
{
	lead(w, key);
	number(w, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

/* A count that may be unknown: null below 0. */
void jw_count(struct jw *w, const char *key, int64_t v)
{
	if (v < 0)
		jw_raw(w, key, "null");
	else
		jw_u64(w, key, (uint64_t)v);
}

/* As cJSON prints a double: the shortest of 15 or 17 digits that reads back. */
void jw_double(struct jw *w, const char *key, double v)
{
	char buf[32];

	if (!isfinite(v)) {
		jw_raw(w, key, "null");
		return;
	}
	snprintf(buf, sizeof(buf), "%1.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%1.17g", v);
	jw_raw(w, key, buf);
}

void jw_str(struct jw *w, const char *key, const char *s)
{
	lead(w, key);
	if (s)
		string(w, s);
	else
		add(w, "null", 4);
}

char *jw_finish(struct jw *w)
{
	if (w->depth != 0)
		w->failed = true;
	if (!w->failed && reserve(w, 1))
		w->buf[w->len] = '\0';
	if (w->failed) {
		free(w->buf);
		w->buf = NULL;
		errno = ENOMEM;
	}
	return w->buf;
}
