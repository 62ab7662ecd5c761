/*
 * groups.c - the processes of one table into the watch's groups: each
 * process named by the first rule it matches, the groups' figures summed
 * from smaps_rollup, and, for the groups that ask, figures per class (from
 * maps and pagemap, or from smaps) and per process.  A group with a
 * process we could not read has those figures unknown, never a part
 * passed off as the whole.
 */
#include "exporter.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *const read_reasons[NR_READ_REASONS] = { "permission", "gone", "deadline", "other" };

int read_reason(int rc)
{
	return rc == -EACCES || rc == -EPERM ? READ_PERMISSION :
	       rc == -ESRCH || rc == -ENOENT ? READ_GONE : rc == -ETIME ? READ_DEADLINE : READ_OTHER;
}

/* What a process is matched and named by. */
struct facts {
	const struct ms_proc *p;
	const char *exe;         /* NULL: unread or unreadable */
	char uid[24];
};

/* One process with its group's name. */
struct member {
	char *name;
	const struct ms_proc *p;
	const struct watch_rule *rule;
};

static const char *base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool any_word(const struct pattern_list *l, const char *s, bool paths)
{
	for (size_t i = 0; i < l->nwords; i++)
		if (s && strcmp(l->words[i], paths && !strchr(l->words[i], '/') ? base(s) : s) == 0)
			return true;
	return l->nwords == 0;
}

static bool every_re(const struct pattern_list *l, const char *s)
{
	for (size_t i = 0; i < l->nres; i++)
		if (!s || regexec(&l->res[i], s, 0, NULL, 0) != 0)
			return false;
	return true;
}

static bool matches(const struct watch_rule *r, const struct facts *f)
{
	const char *user = ms_proc_user(f->p);

	return any_word(&r->comm, ms_proc_comm(f->p), false) && any_word(&r->exe, f->exe, true) &&
	       (any_word(&r->user, user, false) || any_word(&r->user, f->uid, false)) &&
	       every_re(&r->cmdline, ms_proc_cmdline(f->p)) &&
	       every_re(&r->cgroup, ms_proc_cgroup(f->p));
}

/* A template word's value for f. */
static const char *word_value(size_t word, const struct facts *f)
{
	const char *comm = ms_proc_comm(f->p), *user = ms_proc_user(f->p);

	switch (word) {
	case 1: return f->exe ? base(f->exe) : comm;
	case 2: return f->exe ? f->exe : comm;
	case 3: return user ? user : f->uid;
	case 4: return ms_proc_cgroup(f->p) ? ms_proc_cgroup(f->p) : "";
	default: return comm;
	}
}

/* The group's name: the rule's template filled, as valid UTF-8. */
static char *expand(const char *name, const struct facts *f)
{
	struct buf b = { 0 };
	char *raw, *clean;

	while (*name) {
		size_t i = template_word(name);

		if (i < NR_TEMPLATE_WORDS) {
			buf_add(&b, word_value(i, f), strlen(word_value(i, f)));
			name += strlen(template_words[i]);
		} else {
			buf_add(&b, name++, 1);
		}
	}
	if (!(raw = buf_finish(&b, NULL)))
		return NULL;
	clean = utf8_clean(raw[0] ? raw : "unknown");
	free(raw);
	return clean;
}

static char *read_exe(struct exporter *ex, const struct ms_proc *p, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%d/exe", ms_ctx_proc_root(ex->ctx), (int)ms_proc_pid(p));
	if ((n = readlink(path, buf, len - 1)) < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static int by_name(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int rc = strcmp(x->name, y->name);

	return rc ? rc : (ms_proc_pid(x->p) > ms_proc_pid(y->p)) - (ms_proc_pid(x->p) < ms_proc_pid(y->p));
}

/* Each process of the table a rule matches, named; sorted by name. */
static int members(struct exporter *ex, const struct watch *w, const struct ms_ps *ps,
		   struct member **out, size_t *n)
{
	struct member *m = calloc(ms_ps_count(ps) + 1, sizeof(*m));
	char exe[PATH_MAX];

	*out = m;
	*n = 0;
	if (!m)
		return -ENOMEM;
	for (size_t i = 0; i < ms_ps_count(ps); i++) {
		struct facts f = { .p = ms_ps_proc(ps, i) };
		size_t r = 0;

		f.exe = w->needs_exe ? read_exe(ex, f.p, exe, sizeof(exe)) : NULL;
		snprintf(f.uid, sizeof(f.uid), "%lld", ms_proc_uid(f.p));
		while (r < w->n && !matches(&w->rules[r], &f))
			r++;
		if (r == w->n)
			continue;
		m[*n] = (struct member){ .p = f.p, .rule = &w->rules[r] };
		if (!(m[*n].name = expand(w->rules[r].name, &f)))
			return -ENOMEM;
		(*n)++;
	}
	qsort(m, *n, sizeof(*m), by_name);
	return 0;
}

/* smaps_rollup's figures of p: rss pss uss swap; false when unknown */
static bool rollup_figures(const struct ms_proc *p, uint64_t v[4], bool known[4])
{
	const struct ms_counts *c = ms_proc_counts(p);

	if (!c) {
		memset(known, 0, 4 * sizeof(*known));
		return false;
	}
	known[0] = ms_counts_get(c, MS_RSS, &v[0]);
	known[1] = ms_counts_get(c, MS_PSS, &v[1]);
	known[2] = ms_counts_uss(c, &v[2]);
	known[3] = ms_counts_get(c, MS_SWAP, &v[3]);
	return c != NULL;
}

static void add_process(struct collection *c, struct group *g, const struct ms_proc *p)
{
	uint64_t v[4] = { 0 };
	bool known[4];

	g->procs++;
	g->v[G_VSIZE] += ms_proc_vsize(p);
	if (!rollup_figures(p, v, known)) {
		g->unreadable++;
		c->errors[read_reason(ms_proc_errno(p))]++;
	}
	for (int k = 0; k < 4; k++) {
		g->known[k] &= known[k];
		g->v[k] += v[k];
	}
}

/* Adds one process's classes to g's; a negative errno when it cannot be read
 * whole (or is no longer the process the table read). */
static int add_classes(struct exporter *ex, struct gclass *gc, const struct ms_proc *p,
		       int classes)
{
	struct ms_snapshot *snap = NULL;
	char err[256];
	int rc = ms_snapshot_take(ex->ctx, ms_proc_pid(p), classes == CLASSES_ALL ? 0 : MS_SNAP_FAST,
				  &snap, err, sizeof(err));

	if (rc == 0 && ms_snapshot_start_ticks(snap) != ms_proc_start_ticks(p))
		rc = -ESRCH; /* the PID went to another process */
	for (int cl = 0; rc == 0 && cl < MS_CLASS_COUNT; cl++) {
		const struct ms_counts *cc = ms_total_counts(ms_snapshot_class(snap, cl));
		uint64_t v[4] = { 0 };
		bool known[4] = { ms_counts_get(cc, MS_RSS, &v[0]), ms_counts_get(cc, MS_PSS, &v[1]),
				  ms_counts_uss(cc, &v[2]), ms_counts_get(cc, MS_SWAP, &v[3]) };

		for (int k = 0; k < 4; k++) {
			gc->known[k] &= known[k];
			gc->v[cl][k] += v[k];
		}
	}
	ms_snapshot_free(snap);
	return rc;
}

/* The classes of every process of g (m[0..n)); NULL in g when any fails. */
static int group_classes(struct exporter *ex, struct collection *c, struct group *g,
			 const struct member *m, size_t n, double deadline)
{
	int rc = 0;

	if (!(g->classes = calloc(1, sizeof(*g->classes))))
		return -ENOMEM;
	memset(g->classes->known, 1, sizeof(g->classes->known));
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!ms_proc_counts(m[i].p))
			rc = -EACCES; /* said once, by the table */
		else if (clock_seconds(CLOCK_MONOTONIC) > deadline)
			c->errors[READ_DEADLINE]++, rc = -ETIME;
		else if ((rc = add_classes(ex, g->classes, m[i].p, g->rule->classes)) < 0)
			c->errors[read_reason(rc)]++;
	}
	if (rc < 0) {
		free(g->classes);
		g->classes = NULL;
	}
	return rc == -ENOMEM ? rc : 0;
}

static int by_pss(const void *a, const void *b)
{
	const struct gproc *x = a, *y = b;

	return (x->v[1] < y->v[1]) - (x->v[1] > y->v[1]);
}

/* The largest processes of g (m[0..n)) by PSS, up to the rule's number. */
static int group_pids(struct group *g, const struct member *m, size_t n)
{
	if (!(g->pids = calloc(n, sizeof(*g->pids))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct gproc *gp = &g->pids[g->npids];

		if (!rollup_figures(m[i].p, gp->v, gp->known))
			continue;
		gp->pid = ms_proc_pid(m[i].p);
		gp->comm = ms_proc_comm(m[i].p);
		g->npids++;
	}
	qsort(g->pids, g->npids, sizeof(*g->pids), by_pss);
	if (g->npids > (size_t)g->rule->pids)
		g->npids = (size_t)g->rule->pids;
	return 0;
}

/* m[0..n), all of one name, into group g. */
static int fill_group(struct exporter *ex, struct collection *c, struct group *g,
		      const struct member *m, size_t n, double deadline)
{
	int rc = 0;

	memset(g->known, 1, sizeof(g->known));
	for (size_t i = 0; i < n; i++)
		add_process(c, g, m[i].p);
	if (!g->rule) /* "other": processes of many rules */
		return 0;
	if (g->rule->classes != CLASSES_NONE)
		rc = group_classes(ex, c, g, m, n, deadline);
	if (rc == 0 && g->rule->pids > 0)
		rc = group_pids(g, m, n);
	return rc;
}

/* How many members, from m[i], share m[i]'s group; past the watch's
 * max_groups every remaining member is "other". */
static size_t run_of(const struct member *m, size_t i, size_t n, bool other)
{
	size_t j = i + 1;

	while (j < n && (other || strcmp(m[j].name, m[i].name) == 0))
		j++;
	return j - i;
}

int groups_collect(struct exporter *ex, const struct watch *w, struct collection *c,
		   double deadline)
{
	struct member *m = NULL;
	size_t n = 0;
	int rc = members(ex, w, c->ps, &m, &n);

	deadline += clock_seconds(CLOCK_MONOTONIC);
	if (rc == 0 && !(c->groups = calloc((size_t)w->max_groups + 1, sizeof(*c->groups))))
		rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && i < n;) {
		bool other = c->ngroups == (size_t)w->max_groups;
		size_t run = run_of(m, i, n, other);
		struct group *g = &c->groups[c->ngroups++];

		g->rule = other ? NULL : m[i].rule;
		if (!(g->name = strdup(other ? "other" : m[i].name)))
			rc = -ENOMEM;
		else
			rc = fill_group(ex, c, g, &m[i], run, deadline);
		i += run;
	}
	for (size_t i = 0; i < n; i++)
		free(m[i].name);
	free(m);
	c->scanned = ms_ps_count(c->ps);
	return rc;
}

void groups_free(struct collection *c)
{
	for (size_t i = 0; i < c->ngroups; i++) {
		free(c->groups[i].name);
		free(c->groups[i].classes);
		free(c->groups[i].pids);
	}
	free(c->groups);
}
