/*
 * ps.c - "memscope ps": a row per process with its RSS, PSS, USS and swap,
 * as procrank and smem show them, from one smaps_rollup read a process
 * (the library's process table, lib/ps.c).  A process we may not read
 * shows "-" and is counted in a footer, never shown as 0.
 */
#include "ps.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The field --sort names; 0, or a usage error said. */
static int sort_field(const struct opts *o, int *field)
{
	const char *name = o->sort ? o->sort : "pss";

	for (size_t i = 0; i < ps_nr_keys; i++)
		if (strcmp(ps_keys[i].name, name) == 0) {
			*field = ps_keys[i].field;
			return 0;
		}
	return misuse("--sort takes pss, rss, uss, swap, swap_pss, pss_anon, pss_file, pss_shmem, "
		      "pid, ppid, user, comm or cgroup, not '%s'", name);
}

/* --user: a name, or a uid in decimal. */
static bool user_matches(const struct opts *o, const struct ms_proc *p)
{
	const char *name = ms_proc_user(p);
	char *end;
	long uid = strtol(o->user, &end, 10);

	if (name && strcmp(name, o->user) == 0)
		return true;
	return *o->user && !*end && uid >= 0 && uid == ms_proc_uid(p);
}

static bool selected(const struct opts *o, const struct ms_proc *p)
{
	if (o->user && !user_matches(o, p))
		return false;
	return !o->by_name || regexec(&o->name, ms_proc_comm(p), 0, NULL, 0) == 0 ||
	       regexec(&o->name, ms_proc_cmdline(p), 0, NULL, 0) == 0;
}

/* A --user that names no user at all is a mistake, not an empty table. */
static int check_user(const struct opts *o, const struct ms_ps *ps)
{
	struct passwd pw, *found = NULL;
	char buf[4096], *end;

	if (!o->user)
		return EXIT_OK;
	if (*o->user && (strtol(o->user, &end, 10), !*end))
		return EXIT_OK;
	for (size_t i = 0; i < ms_ps_count(ps); i++) {
		const char *name = ms_proc_user(ms_ps_proc(ps, i));

		if (name && strcmp(name, o->user) == 0)
			return EXIT_OK;
	}
	if (!o->proc && getpwnam_r(o->user, &pw, buf, sizeof(buf), &found) == 0 && found)
		return EXIT_OK;
	return misuse("no user '%s'", o->user);
}

/* The rows --user and --name select, in --sort's order. */
static int select_rows(const struct opts *o, const struct ms_ps *ps, int field,
		       const struct ms_proc ***rows, size_t *n)
{
	int status = check_user(o, ps);

	if (status != EXIT_OK)
		return status;
	*rows = malloc((ms_ps_count(ps) + 1) * sizeof(**rows));
	if (!*rows) {
		error("%s", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	*n = 0;
	for (size_t i = 0; i < ms_ps_count(ps); i++)
		if (selected(o, ms_ps_proc(ps, i)))
			(*rows)[(*n)++] = ms_ps_proc(ps, i);
	qsort_r(*rows, *n, sizeof(**rows), ps_compare, &field);
	return EXIT_OK;
}

/* The rows selected, shown or grouped. */
static int show(const struct opts *o, const struct ms_ps *ps, int field)
{
	struct ps_view v = { .ps = ps, .group_by = o->group_by };
	const struct ms_proc **rows = NULL;
	struct group *groups = NULL;
	int status = select_rows(o, ps, field, &rows, &v.n);

	if (status == EXIT_OK) {
		ps_add_up(rows, v.n, &v.all);
		v.rows = rows;
		if (o->objects)
			status = ps_objects(ps, field, &v);
		else if (o->group_by)
			status = ps_group(o->group_by, field, rows, v.n, &groups, &v.nr_groups);
		v.groups = groups;
		v.shown = o->objects ? v.nr_objects : o->group_by ? v.nr_groups : v.n;
		v.shown = o->top && (size_t)o->top < v.shown ? (size_t)o->top : v.shown;
	}
	if (status == EXIT_OK)
		status = o->json ? ps_print_json(o, &v) : ps_print_table(o, &v);
	free(groups);
	free(v.objects);
	free(rows);
	return status;
}

/* A progress line on a terminal's stderr, once the scan has taken
 * MEMSCOPE_PROGRESS_AFTER seconds (1), at most ten times a second; wiped
 * when the scan ends. */
struct ticker {
	double start, last, after;
	bool shown;
};

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void tick(size_t done, size_t total, void *arg)
{
	struct ticker *t = arg;
	double now = seconds();

	if (done == total) {
		if (t->shown)
			fputs("\r\033[K", stderr);
		return;
	}
	if (now - t->start < t->after || now - t->last < 0.1)
		return;
	fprintf(stderr, "\rreading processes: %zu of %zu", done, total);
	t->last = now;
	t->shown = true;
}

static int take_table(const struct opts *o, unsigned flags, struct ms_ps **ps, char *err,
		      size_t errlen)
{
	const char *after = getenv("MEMSCOPE_PROGRESS_AFTER");
	struct ticker t = { .start = seconds(), .after = after && *after ? atof(after) : 1 };

	return ms_ps_take_progress(o->ctx, flags, isatty(STDERR_FILENO) ? tick : NULL, &t, ps, err,
				   errlen);
}

int cmd_ps(const struct opts *o)
{
	char err[256] = "";
	struct ms_ps *ps;
	int field = MS_PSS, status = sort_field(o, &field);

	if (status != EXIT_OK) /* before the scan: a usage error costs nothing */
		return status;
	/* the table shows no cgroup: read it only where it is shown or grouped by */
	if (take_table(o, (o->json || o->group_by == BY_CGROUP ? MS_PS_CGROUP : 0) |
		       (o->objects ? MS_PS_OBJECTS : 0) | (o->classes == MS_RSS ? MS_PS_CLASSES : 0) |
		       (o->classes == MS_PSS || o->classes == FIELD_USS ? MS_PS_CLASSES_SMAPS : 0),
		       &ps, err, sizeof(err)) < 0) {
		error("cannot read the processes of '%s': %s", o->proc ? o->proc : "/proc", err);
		return EXIT_FAIL;
	}
	status = show(o, ps, field);
	ms_ps_free(ps);
	return status;
}
