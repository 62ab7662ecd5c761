/*
 * groups.c - "memscope ps --group-by comm|user|cgroup": the rows that share
 * a name, summed; each group counts its processes, and those it could not
 * read apart, as the whole table does.
 */
#include "ps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *ps_group_key(const struct ms_proc *p, int by, char *buf, size_t len)
{
	const char *name = by == BY_USER ? ms_proc_user(p) : by == BY_CGROUP ? ms_proc_cgroup(p) :
			   ms_proc_comm(p);

	if (name)
		return name;
	if (by == BY_USER && ms_proc_uid(p) >= 0) { /* a uid without a name */
		snprintf(buf, len, "%lld", ms_proc_uid(p));
		return buf;
	}
	return "-";
}

static int by_key(const void *pa, const void *pb, void *arg)
{
	const struct ms_proc *x = *(const struct ms_proc *const *)pa;
	const struct ms_proc *y = *(const struct ms_proc *const *)pb;
	char a[24], b[24];
	int by = *(const int *)arg;

	return strcmp(ps_group_key(x, by, a, sizeof(a)), ps_group_key(y, by, b, sizeof(b)));
}

struct order {
	int field, by;
};

/* Largest first by a figure (unknown last), else by name. */
static int by_sums(const void *pa, const void *pb, void *arg)
{
	const struct group *x = pa, *y = pb;
	const struct order *o = arg;
	char a[24], b[24];

	for (size_t k = 0; k < NR_FIGURES; k++) {
		if (ps_keys[k].field != o->field)
			continue;
		if (x->s.known[k] != y->s.known[k])
			return x->s.known[k] ? -1 : 1;
		if (x->s.known[k] && x->s.v[k] != y->s.v[k])
			return x->s.v[k] > y->s.v[k] ? -1 : 1;
	}
	return strcmp(ps_group_key(x->first, o->by, a, sizeof(a)),
		      ps_group_key(y->first, o->by, b, sizeof(b)));
}

int ps_group(int by, int field, const struct ms_proc **rows, size_t n, struct group **groups,
	     size_t *nr_groups)
{
	struct group *g = malloc((n + 1) * sizeof(*g));
	size_t count = 0;

	if (!g) {
		error("%s", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	qsort_r(rows, n, sizeof(*rows), by_key, &by);
	for (size_t i = 0, end; i < n; i = end) {
		char a[24], b[24];
		const char *key = ps_group_key(rows[i], by, a, sizeof(a));

		for (end = i + 1; end < n && !strcmp(key, ps_group_key(rows[end], by, b, sizeof(b)));)
			end++;
		g[count].first = rows[i];
		ps_add_up(rows + i, end - i, &g[count++].s);
	}
	qsort_r(g, count, sizeof(*g), by_sums, &(struct order){ field, by });
	*groups = g;
	*nr_groups = count;
	return EXIT_OK;
}

/* Objects by a figure, the largest first (unknown last); else by path. */
static int by_object(const void *pa, const void *pb, void *arg)
{
	const struct ms_object *x = *(const struct ms_object *const *)pa;
	const struct ms_object *y = *(const struct ms_object *const *)pb;
	int field = *(const int *)arg;
	uint64_t a, b;
	bool ka, kb;

	if (field > BY_CGROUP) { /* a figure */
		ka = field == FIELD_USS ? ms_counts_uss(ms_object_counts(x), &a) :
		     ms_counts_get(ms_object_counts(x), field, &a);
		kb = field == FIELD_USS ? ms_counts_uss(ms_object_counts(y), &b) :
		     ms_counts_get(ms_object_counts(y), field, &b);
		if (ka != kb)
			return ka ? -1 : 1;
		if (ka && a != b)
			return a > b ? -1 : 1;
	}
	return strcmp(ms_object_path(x), ms_object_path(y));
}

int ps_objects(const struct ms_ps *ps, int field, struct ps_view *v)
{
	size_t n = ms_ps_nr_objects(ps);
	const struct ms_object **objects = malloc((n + 1) * sizeof(*objects));

	if (!objects) {
		error("%s", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++)
		objects[i] = ms_ps_object(ps, i);
	qsort_r(objects, n, sizeof(*objects), by_object, &field);
	v->objects = objects;
	v->nr_objects = n;
	return EXIT_OK;
}
