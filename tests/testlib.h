/*
 * testlib.h - what the C tests share: fixture trees made on the fly, and
 * looking regions up.
 */
#ifndef MEMSCOPE_TESTLIB_H
#define MEMSCOPE_TESTLIB_H

#include "internal.h" /* the tests look inside what the library gives */

/* A new empty /proc tree in a temporary folder, with stat (btime) and
 * sys/kernel/osrelease; free with tl_tree_remove(). */
char *tl_tree_new(void);
void tl_tree_remove(char *root);
/* Writes root/PID/NAME (making folders) with len bytes of text
 * (len (size_t)-1: strlen). */
void tl_write(const char *root, int pid, const char *name, const char *text, size_t len);
/* Writes a process PID with this smaps (and the maps it implies). */
void tl_process(const char *root, int pid, const char *smaps);

/* The region that starts at start, NULL when none. */
const struct ms_region *tl_region_at(const struct ms_snapshot *s, uint64_t start);
/* The region that holds addr. */
const struct ms_region *tl_region_holding(const struct ms_snapshot *s, uint64_t addr);
/* Takes a snapshot of root/PID; returns the errno-style result. */
int tl_take(const char *root, int pid, unsigned flags, struct ms_snapshot **out,
	    char *err, size_t errlen);

/* ms_rollup_read() into *c, a copy the test keeps. */
int tl_rollup(struct ms_ctx *ctx, pid_t pid, struct ms_counts *c, char *err, size_t errlen);

/* The saved layout process (tests/data/proc/4242), read; the test frees it. */
struct ms_snapshot *tl_layout(void);

/* Runs the tests (a NULL-terminated list) as one suite, each with timeout
 * seconds; the exit status for main(). */
#include <check.h>
int tl_main(const char *name, double timeout, const TTest *const tests[]);

#endif
