/*
 * jsonw.h - the one JSON writer of the project: the library's snapshot
 * documents and the programs' own (diff, watch, run, the probe) are written
 * by jsonw.c, value by value into a growing buffer.  Integers are exact to
 * 2^64 - 1, strings valid UTF-8 whatever bytes a name holds.  The library
 * keeps it hidden; the programs link their own copy (tools/common).
 */
#ifndef MEMSCOPE_JSONW_H
#define MEMSCOPE_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_API __attribute__((visibility("hidden")))

#define JW_DEPTH_MAX 16
#define JW_KEY_MAX 32 /* bytes of a key at most */
struct jw {
	char *buf;
	size_t len, cap;
	bool failed;                  /* out of memory, or the nesting is wrong */
	bool pretty;                  /* a value a line, indented by tabs */
	int depth;
	unsigned count[JW_DEPTH_MAX]; /* values so far at each depth */
	bool named;                   /* jw_name() wrote the next value's key */
};
/* key is NULL for a value in an array, or the document itself; else one
 * of the project's own names (never one a process chose), written
 * unescaped.
 * jw_open() takes '{' or '[', jw_close() '}' or ']'. */
JW_API void jw_open(struct jw *w, const char *key, char bracket);
/* A key that is not one of ours (a name in a file the kernel wrote),
 * escaped; the next value is written with key NULL. */
JW_API void jw_name(struct jw *w, const char *name);
JW_API void jw_close(struct jw *w, char bracket);
JW_API void jw_u64(struct jw *w, const char *key, uint64_t v);
JW_API void jw_i64(struct jw *w, const char *key, int64_t v);
JW_API void jw_hex(struct jw *w, const char *key, uint64_t v); /* "0x..." */
JW_API void jw_count(struct jw *w, const char *key, int64_t v); /* null below 0 */
JW_API void jw_double(struct jw *w, const char *key, double v);
JW_API void jw_str(struct jw *w, const char *key, const char *s); /* NULL: null */
JW_API void jw_raw(struct jw *w, const char *key, const char *text); /* "true", "null" */
/* Opens an object for p, true; or writes null when p is NULL, false. */
JW_API bool jw_object_or_null(struct jw *w, const char *key, const void *p);
/* The length of the well-formed UTF-8 sequence at p (RFC 3629: no
 * overlong form, no surrogate, nothing past U+10FFFF), or 0. */
JW_API size_t jw_utf8_len(const unsigned char *p);
/* v in decimal, written so that it ends just before end; returns its start. */
JW_API char *jw_digits(char *end, uint64_t v);
/* The document, NUL-terminated, for free(); NULL (errno ENOMEM) when any
 * write failed or a bracket is left open. */
JW_API char *jw_finish(struct jw *w);

#endif
