/*
 * ps.h - what the parts of "memscope ps" share: the figures of a row and
 * their names, the sums of a set of rows, and groups of rows.
 */
#ifndef MEMSCOPE_PS_H
#define MEMSCOPE_PS_H

#include "cli.h"

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

/* --group-by: the rows of one comm, user or cgroup, summed. */
struct group {
	const struct ms_proc *first; /* a row of it: ps_group_key() names it */
	struct sums s;
};
/* rows (reordered here) into groups, in --sort's order; an exit status. */
int ps_group(int by, int field, const struct ms_proc **rows, size_t n, struct group **groups,
	     size_t *nr_groups);
/* What a row is grouped by: its comm, user (or uid) or cgroup. */
const char *ps_group_key(const struct ms_proc *p, int by, char *buf, size_t len);

/* The table, or the document, of rows[0..shown) (of n selected) or of the
 * groups; all sums the selected rows.  An exit status. */
struct ps_view {
	const struct ms_ps *ps;
	const struct ms_proc *const *rows;
	size_t n, shown;
	const struct group *groups;
	size_t nr_groups;
	int group_by;           /* 0, or BY_COMM, BY_USER, BY_CGROUP */
	const struct ms_object **objects; /* --objects: in --sort's order */
	size_t nr_objects;
	struct sums all;
};
/* --objects: the table's mapped files into v, in --sort's order (field);
 * an exit status. */
int ps_objects(const struct ms_ps *ps, int field, struct ps_view *v);
int ps_print_table(const struct opts *o, const struct ps_view *v);
int ps_print_json(const struct opts *o, const struct ps_view *v);

#endif
