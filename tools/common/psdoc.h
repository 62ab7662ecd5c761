/*
 * psdoc.h - the process table's rows as every program shows them: their
 * figures and names, their order, their sums, and their JSON (the
 * memscope-ps/1 document of docs/ps.md, which "memscope ps --json" prints
 * and memscope-exporter serves).
 */
#ifndef MEMSCOPE_PSDOC_H
#define MEMSCOPE_PSDOC_H

#include "common.h"
#include "jsonw.h"
#include "memscope.h"

/* What a row can be ordered or grouped by: a figure (enum ms_field,
 * FIELD_USS) or a fact.  Figures go largest first, facts in ascending
 * order. */
enum { BY_PID = -10, BY_PPID, BY_USER, BY_COMM, BY_CGROUP };
struct ps_key {
	const char *name;
	int field;
};
/* The figures first (NR_FIGURES, as JSON names them; the first
 * NR_COLUMNS are the table's), then the facts. */
extern const struct ps_key ps_keys[];
extern const size_t ps_nr_keys;
#define NR_FIGURES 8
#define NR_COLUMNS 4

/* qsort_r's order of two rows (const struct ms_proc **) by *(int *)arg, a
 * key's field; then by PID. */
int ps_compare(const void *a, const void *b, void *arg);
/* A figure of p; false when unknown (the process unreadable, or the
 * kernel without that key). */
bool ps_figure(const struct ms_proc *p, int field, uint64_t *v);

/* The sums of rows that could be read: a figure is unknown when any of
 * them lacks it. */
struct sums {
	uint64_t v[NR_FIGURES];
	bool known[NR_FIGURES];
	size_t count;           /* rows */
	size_t unreadable;      /* rows whose figures are unknown */
	const char *why;        /* the first reason */
	bool denied_only;       /* every reason is a permission */
};
void ps_add_up(const struct ms_proc *const *rows, size_t n, struct sums *s);

/* p's figures as JSON keys, or the sums s when p is NULL; null where unknown */
void ps_figures_json(struct jw *w, const struct ms_proc *p, const struct sums *s);
/* One process as an object of the document's "processes"; its classes
 * with classes, its command line only with cmdline (else null). */
void ps_row_json(struct jw *w, const struct ms_proc *p, bool classes, bool cmdline);

#endif
