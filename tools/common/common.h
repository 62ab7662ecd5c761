/*
 * common.h - what every memscope program shares: exit statuses, messages,
 * numbers and units on the command line, JSON values, files written whole,
 * and finding the helper programs.  The programs' own headers include it first.
 */
#ifndef MEMSCOPE_COMMON_H
#define MEMSCOPE_COMMON_H

#include "config.h" /* first: it sets _GNU_SOURCE */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* USS is not a smaps key; its field number beside enum ms_field */
#define FIELD_USS (-1)

/* One meaning each, in every program. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* ---- messages (messages.c) ---- */
/* The name messages begin with ("memscope", "memscope-probe"); main sets it. */
void set_program_name(const char *name);
const char *program_name(void);
/* Prints "PROGRAM: MESSAGE" and a newline to stderr, stdout flushed first. */
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* error(), then "Try 'PROGRAM --help'."; gives EXIT_USAGE. */
#define misuse(...) (error(__VA_ARGS__), try_help())
/* Says "Try 'PROGRAM --help'." and returns EXIT_USAGE. */
int try_help(void);
/* Prints "PROGRAM VERSION"; an exit status (finish_output). */
int print_version(void);
/* Flushes stdout; EXIT_FAIL with a message when the output was lost. */
int finish_output(int status);

/* ---- names a process chose, for a terminal (safe.c) ---- */
/* s as it may be printed: itself when it holds only printable ASCII; else
 * a copy in *copy (the caller frees it) with control characters and bytes
 * that are no UTF-8 written as \ooo.  *copy is NULL when no copy was made. */
const char *safe_name(const char *s, char **copy);

/* The usage error for an option getopt did not take (its optstring begun
 * with ':'): c ':' for one without its value, else one unknown. */
int option_misuse(int c, const char *option);

/* ---- numbers on the command line (numbers.c) ---- */
/* A PID: a positive decimal number up to INT_MAX and nothing else. */
bool parse_pid(const char *s, pid_t *pid);
/* A whole decimal number in [min, max]; -1 when it is not one. */
long parse_long(const char *s, long min, long max);
/* A time: "1s", "100ms", "0.5" (seconds), "2m", from 1 ms to a day, in
 * seconds; -1 when malformed or out of range. */
double parse_interval(const char *s);

/* ---- units (units.c) ---- */
/* "1.5M", "12K", "0"; "-" for unknown.  buf of at least 16 bytes. */
const char *human_size(char *buf, size_t len, uint64_t bytes);

/* ---- files (files.c) ---- */
/* Writes text and a newline to path, destroying nothing: a regular file
 * (or a new path) through a temporary file beside it, synced, then renamed,
 * so it is never half-written, with the old one's mode and owner; one of
 * several hard links written over in place; a symbolic link is followed
 * and its target written so; a device, a FIFO or an open descriptor
 * (/dev/stdout, /dev/fd/N) is appended to in place, never replaced; a
 * folder is -EISDIR.  0 or -errno. */
int write_atomically(const char *path, const char *text);
/* The same with what put() writes to fd (0 or -errno; its error is
 * returned as is, and a regular file is then left as it was). */
typedef int put_fn(int fd, void *arg);
int write_atomically_with(const char *path, put_fn *put, void *arg);
/* write(2) until all of s[0..len) is written; 0 or -errno. */
int write_all(int fd, const char *s, size_t len);

/* ---- output taken back while it is small (spool.c) ---- */
struct spool {
	int fd;
	char *buf;       /* held, not sent yet */
	size_t len, cap;
	bool sent;       /* part of the output reached fd */
	off_t start;     /* where the output began in fd; -1: it cannot be cut */
	int err;         /* the first error, -errno; then every call gives it */
};
void spool_init(struct spool *sp, int fd);
/* An ms_write_fn: buf NULL takes back what was written, or -ESPIPE. */
int spool_write(const char *buf, size_t len, void *arg);
/* Sends what is held; 0 or the first error. */
int spool_finish(struct spool *sp);
void spool_release(struct spool *sp);
/* A stream that writes into sp (fopencookie). */
FILE *spool_file(struct spool *sp);

/* ---- JSON: the project's one writer (lib/jsonw.c, linked here too) ---- */
#include "jsonw.h"

/* ---- helper programs (helper.c) ---- */
/* The path of a helper program: $env, beside this program, or installed;
 * 0 or -errno (path then holds the last place tried). */
int find_helper(const char *name, const char *env, char *path, size_t len);

#endif
