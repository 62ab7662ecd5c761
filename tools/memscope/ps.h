/*
 * ps.h - what the parts of "memscope ps" share: the figures of a row and
 * their names, the sums of a set of rows, and groups of rows.
 */
#ifndef MEMSCOPE_PS_H
#define MEMSCOPE_PS_H

#include "cli.h"
#include "psdoc.h"

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
