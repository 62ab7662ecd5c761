/*
 * psdoc.c - the process table's rows: their figures, order, sums and JSON,
 * shared by "memscope ps" and memscope-exporter so that both write one
 * document.
 */
#include "psdoc.h"

#include <errno.h>
#include <string.h>

const struct ps_key ps_keys[] = {
	{ "rss", MS_RSS }, { "pss", MS_PSS }, { "uss", FIELD_USS }, { "swap", MS_SWAP },
	{ "swap_pss", MS_SWAP_PSS }, { "pss_anon", MS_PSS_ANON }, { "pss_file", MS_PSS_FILE },
	{ "pss_shmem", MS_PSS_SHMEM }, { "pid", BY_PID }, { "ppid", BY_PPID },
	{ "user", BY_USER }, { "comm", BY_COMM }, { "cgroup", BY_CGROUP },
};
const size_t ps_nr_keys = sizeof(ps_keys) / sizeof(ps_keys[0]);

bool ps_figure(const struct ms_proc *p, int field, uint64_t *v)
{
	const struct ms_counts *c = ms_proc_counts(p);

	if (!c)
		return false;
	return field == FIELD_USS ? ms_counts_uss(c, v) : ms_counts_get(c, field, v);
}

/* The name a fact gives: user, comm or cgroup; NULL when it has none. */
static const char *fact(const struct ms_proc *p, int by)
{
	return by == BY_USER ? ms_proc_user(p) : by == BY_CGROUP ? ms_proc_cgroup(p) :
	       ms_proc_comm(p);
}

static int compare_facts(const struct ms_proc *x, const struct ms_proc *y, int by)
{
	const char *a = fact(x, by), *b = fact(y, by);

	if (by == BY_PPID && ms_proc_ppid(x) != ms_proc_ppid(y))
		return ms_proc_ppid(x) < ms_proc_ppid(y) ? -1 : 1;
	if (by == BY_PID || by == BY_PPID)
		return 0;
	if (!a || !b) /* no name: last; users by uid among themselves */
		return a != b ? (a ? -1 : 1) : by != BY_USER || ms_proc_uid(x) == ms_proc_uid(y) ? 0 :
		       ms_proc_uid(x) < ms_proc_uid(y) ? -1 : 1;
	return strcmp(a, b);
}

int ps_compare(const void *pa, const void *pb, void *arg)
{
	const struct ms_proc *x = *(const struct ms_proc *const *)pa;
	const struct ms_proc *y = *(const struct ms_proc *const *)pb;
	int by = *(const int *)arg, rc;
	uint64_t a, b;

	if (by > BY_COMM) { /* a figure */
		bool ka = ps_figure(x, by, &a), kb = ps_figure(y, by, &b);

		if (ka != kb) /* unknown last */
			return ka ? -1 : 1;
		if (ka && a != b)
			return a > b ? -1 : 1;
	} else if ((rc = compare_facts(x, y, by)) != 0) {
		return rc;
	}
	return (ms_proc_pid(x) > ms_proc_pid(y)) - (ms_proc_pid(x) < ms_proc_pid(y));
}

void ps_add_up(const struct ms_proc *const *rows, size_t n, struct sums *s)
{
	*s = (struct sums){ .count = n, .denied_only = true };
	for (size_t k = 0; k < NR_FIGURES; k++)
		s->known[k] = true;
	for (size_t i = 0; i < n; i++) {
		int e = ms_proc_errno(rows[i]);

		if (!ms_proc_counts(rows[i])) {
			s->why = s->unreadable++ ? s->why : ms_proc_error(rows[i]);
			s->denied_only &= e == -EACCES || e == -EPERM;
			continue;
		}
		for (size_t k = 0; k < NR_FIGURES; k++) {
			uint64_t v;

			s->known[k] &= ps_figure(rows[i], ps_keys[k].field, &v);
			s->v[k] += s->known[k] ? v : 0;
		}
	}
}

/* p's figures, or the sums s when p is NULL */
void ps_figures_json(struct jw *w, const struct ms_proc *p, const struct sums *s)
{
	for (size_t k = 0; k < NR_FIGURES; k++) {
		uint64_t v;

		if (p ? ps_figure(p, ps_keys[k].field, &v) : s->known[k])
			jw_u64(w, ps_keys[k].name, p ? v : s->v[k]);
		else
			jw_raw(w, ps_keys[k].name, "null");
	}
}

/* --classes: rss, pss, uss and swap of each class, null where unknown */
static void classes_json(struct jw *w, const struct ms_proc *p)
{
	if (!jw_object_or_null(w, "classes", ms_proc_class(p, 0)))
		return;
	for (int c = 0; c < MS_CLASS_COUNT; c++) {
		const struct ms_counts *cc = ms_proc_class(p, c);
		const int fields[] = { MS_RSS, MS_PSS, FIELD_USS, MS_SWAP };
		const char *const names[] = { "rss", "pss", "uss", "swap" };

		jw_open(w, ms_class_name(c), '{');
		for (size_t k = 0; k < 4; k++) {
			uint64_t v;

			if (fields[k] == FIELD_USS ? ms_counts_uss(cc, &v) : ms_counts_get(cc, fields[k], &v))
				jw_u64(w, names[k], v);
			else
				jw_raw(w, names[k], "null");
		}
		jw_close(w, '}');
	}
	jw_close(w, '}');
}

void ps_row_json(struct jw *w, const struct ms_proc *p, bool classes, bool cmdline)
{
	jw_open(w, NULL, '{');
	jw_u64(w, "pid", (uint64_t)ms_proc_pid(p));
	jw_u64(w, "ppid", (uint64_t)ms_proc_ppid(p));
	jw_str(w, "comm", ms_proc_comm(p));
	jw_str(w, "cmdline", cmdline ? ms_proc_cmdline(p) : NULL);
	jw_count(w, "uid", ms_proc_uid(p));
	jw_str(w, "user", ms_proc_user(p));
	jw_str(w, "state", (char[]){ ms_proc_state(p), '\0' });
	jw_i64(w, "threads", ms_proc_threads(p));
	if (ms_proc_started_at(p) < 0)
		jw_raw(w, "started_at", "null");
	else
		jw_double(w, "started_at", ms_proc_started_at(p));
	jw_str(w, "cgroup", ms_proc_cgroup(p));
	ps_figures_json(w, p, NULL);
	if (classes)
		classes_json(w, p);
	jw_str(w, "error", ms_proc_error(p));
	jw_close(w, '}');
}

