/*
 * ps.c - "memscope ps": a row per process with its RSS, PSS, USS and swap,
 * as procrank and smem show them, from one smaps_rollup read a process
 * (the library's process table, lib/ps.c).  A process we may not read
 * shows "-" and is counted in a footer, never shown as 0.
 */
#include "cli.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What a row can be ordered by: a figure (enum ms_field, FIELD_USS) or a
 * fact.  Figures go largest first, facts in ascending order. */
enum { BY_PID = -10, BY_PPID, BY_USER, BY_COMM };
static const struct key {
	const char *name;
	int field;
} keys[] = {
	{ "rss", MS_RSS }, { "pss", MS_PSS }, { "uss", FIELD_USS }, { "swap", MS_SWAP },
	{ "swap_pss", MS_SWAP_PSS }, { "pss_anon", MS_PSS_ANON }, { "pss_file", MS_PSS_FILE },
	{ "pss_shmem", MS_PSS_SHMEM }, { "pid", BY_PID }, { "ppid", BY_PPID },
	{ "user", BY_USER }, { "comm", BY_COMM },
};
#define NR_KEYS (sizeof(keys) / sizeof(keys[0]))
#define NR_FIGURES 8 /* the first keys: the figures of a row, as JSON names them */
#define NR_COLUMNS 4 /* the first figures: the columns of the table */

/* A figure of p; false when unknown (the process unreadable, or the
 * kernel without that key). */
static bool figure(const struct ms_proc *p, int field, uint64_t *v)
{
	const struct ms_counts *c = ms_proc_counts(p);

	if (!c)
		return false;
	return field == FIELD_USS ? ms_counts_uss(c, v) : ms_counts_get(c, field, v);
}

static int compare_facts(const struct ms_proc *x, const struct ms_proc *y, int by)
{
	const char *a = by == BY_USER ? ms_proc_user(x) : ms_proc_comm(x);
	const char *b = by == BY_USER ? ms_proc_user(y) : ms_proc_comm(y);

	if (by == BY_PPID && ms_proc_ppid(x) != ms_proc_ppid(y))
		return ms_proc_ppid(x) < ms_proc_ppid(y) ? -1 : 1;
	if (by == BY_USER && (!a || !b) && a != b) /* a uid without a name: last */
		return a ? -1 : 1;
	if (by == BY_USER && !a && ms_proc_uid(x) != ms_proc_uid(y))
		return ms_proc_uid(x) < ms_proc_uid(y) ? -1 : 1;
	if ((by == BY_USER || by == BY_COMM) && a && b && strcmp(a, b))
		return strcmp(a, b);
	return 0;
}

static int compare(const void *pa, const void *pb, void *arg)
{
	const struct ms_proc *x = *(const struct ms_proc *const *)pa;
	const struct ms_proc *y = *(const struct ms_proc *const *)pb;
	int by = *(const int *)arg, rc;
	uint64_t a, b;

	if (by > BY_COMM) { /* a figure */
		bool ka = figure(x, by, &a), kb = figure(y, by, &b);

		if (ka != kb) /* unknown last */
			return ka ? -1 : 1;
		if (ka && a != b)
			return a > b ? -1 : 1;
	} else if ((rc = compare_facts(x, y, by)) != 0) {
		return rc;
	}
	return (ms_proc_pid(x) > ms_proc_pid(y)) - (ms_proc_pid(x) < ms_proc_pid(y));
}

/* The field --sort names; 0, or a usage error said. */
static int sort_field(const struct opts *o, int *field)
{
	const char *name = o->sort ? o->sort : "pss";

	for (size_t i = 0; i < NR_KEYS; i++)
		if (strcmp(keys[i].name, name) == 0) {
			*field = keys[i].field;
			return 0;
		}
	return misuse("--sort takes pss, rss, uss, swap, swap_pss, pss_anon, pss_file, pss_shmem, "
		      "pid, ppid, user or comm, not '%s'", name);
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
	qsort_r(*rows, *n, sizeof(**rows), compare, &field);
	return EXIT_OK;
}

/* The sums of the selected rows that could be read: a figure is unknown
 * when any of them lacks it. */
struct sums {
	uint64_t v[NR_FIGURES];
	bool known[NR_FIGURES];
	size_t unreadable;
	const char *why;        /* the first reason */
	bool denied_only;       /* every reason is a permission */
};

static void add_up(const struct ms_proc *const *rows, size_t n, struct sums *s)
{
	*s = (struct sums){ .denied_only = true };
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

			s->known[k] &= figure(rows[i], keys[k].field, &v);
			s->v[k] += s->known[k] ? v : 0;
		}
	}
}

/* ---- JSON ---- */

static void figures_json(struct jw *w, const struct ms_proc *p, const struct sums *s)
{
	for (size_t k = 0; k < NR_FIGURES; k++) {
		uint64_t v;

		if (p ? figure(p, keys[k].field, &v) : s->known[k])
			jw_u64(w, keys[k].name, p ? v : s->v[k]);
		else
			jw_raw(w, keys[k].name, "null");
	}
}

static void row_json(struct jw *w, const struct ms_proc *p)
{
	jw_open(w, NULL, '{');
	jw_u64(w, "pid", (uint64_t)ms_proc_pid(p));
	jw_u64(w, "ppid", (uint64_t)ms_proc_ppid(p));
	jw_str(w, "comm", ms_proc_comm(p));
	jw_str(w, "cmdline", ms_proc_cmdline(p));
	jw_count(w, "uid", ms_proc_uid(p));
	jw_str(w, "user", ms_proc_user(p));
	jw_str(w, "state", (char[]){ ms_proc_state(p), '\0' });
	jw_i64(w, "threads", ms_proc_threads(p));
	if (ms_proc_started_at(p) < 0)
		jw_raw(w, "started_at", "null");
	else
		jw_double(w, "started_at", ms_proc_started_at(p));
	jw_str(w, "cgroup", ms_proc_cgroup(p));
	figures_json(w, p, NULL);
	jw_str(w, "error", ms_proc_error(p));
	jw_close(w, '}');
}

static int print_json(const struct opts *o, const struct ms_ps *ps,
		      const struct ms_proc *const *rows, size_t shown, const struct sums *s)
{
	struct jw w = { .pretty = o->pretty };
	char *text;

	jw_open(&w, NULL, '{');
	jw_str(&w, "schema", MS_PS_SCHEMA);
	jw_double(&w, "taken_at", ms_ps_taken_at(ps));
	jw_open(&w, "processes", '[');
	for (size_t i = 0; i < shown; i++)
		row_json(&w, rows[i]);
	jw_close(&w, ']');
	jw_open(&w, "totals", '{');
	figures_json(&w, NULL, s);
	jw_close(&w, '}');
	jw_u64(&w, "unreadable", s->unreadable);
	jw_close(&w, '}');
	if (!(text = jw_finish(&w))) {
		error("cannot make the JSON: %s", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	puts(text);
	free(text);
	return finish_output(EXIT_OK);
}

/* ---- the table ---- */

static void print_head(const struct opts *o)
{
	int w = o->bytes ? 12 : 7;

	printf("%7s %-10s %*s %*s %*s %*s COMMAND\n", "PID", "USER", w, "RSS", w, "PSS", w,
	       "USS", w, "SWAP");
}

/* USER: the name, cut to 10 with '+' as ps does, or the uid. */
static const char *user_cell(const struct ms_proc *p, char *buf, size_t len)
{
	const char *name = ms_proc_user(p);
	char *copy;

	if (!name) {
		if (ms_proc_uid(p) < 0)
			return "-";
		snprintf(buf, len, "%lld", ms_proc_uid(p));
		return buf;
	}
	snprintf(buf, len, "%s", safe_name(name, &copy));
	free(copy);
	if (strlen(buf) > 10)
		strcpy(buf + 9, "+");
	return buf;
}

/* The command line (or [comm] without one), cut to the terminal's width. */
static void print_command(const struct ms_proc *p, int room)
{
	const char *cmd = ms_proc_cmdline(p);
	char *copy, *bracketed = NULL;
	const char *text;

	if (!*cmd && asprintf(&bracketed, "[%s]", ms_proc_comm(p)) < 0)
		bracketed = NULL;
	text = safe_name(bracketed ? bracketed : cmd, &copy);
	printf("%.*s\n", room > 0 ? room : (int)strlen(text), text);
	free(copy);
	free(bracketed);
}

static void print_row(const struct opts *o, const struct ms_proc *p, int room)
{
	int w = o->bytes ? 12 : 7;
	char user[64], cell[32];

	printf("%7d %-10s", (int)ms_proc_pid(p), user_cell(p, user, sizeof(user)));
	for (size_t k = 0; k < NR_COLUMNS; k++) {
		uint64_t v;

		printf(" %*s", w, figure(p, keys[k].field, &v) ? bytes_cell(cell, sizeof(cell), o, v) :
		       "-");
	}
	putchar(' ');
	print_command(p, room);
}

static void print_totals(const struct opts *o, const struct sums *s, size_t n, size_t shown)
{
	int w = o->bytes ? 12 : 7;
	char cell[32];

	printf("%7s %-10s", "", "total");
	for (size_t k = 0; k < NR_COLUMNS; k++)
		printf(" %*s", w, s->known[k] ? bytes_cell(cell, sizeof(cell), o, s->v[k]) : "-");
	printf(" %zu processes%s", n - s->unreadable, s->unreadable ? " readable" : "");
	if (shown < n)
		printf(", %zu shown", shown);
	putchar('\n');
	if (s->unreadable)
		printf("\n%zu %s could not be read (%s)%s\n", s->unreadable,
		       s->unreadable == 1 ? "process" : "processes", s->why,
		       s->denied_only && geteuid() != 0 ? ": run as root to see all" : "");
}

static int print_table(const struct opts *o, const struct ms_proc *const *rows, size_t n,
		       size_t shown, const struct sums *s)
{
	/* on a terminal, a row a line: the command is cut where the line ends */
	int room = terminal_columns() - 8 - 11 - NR_COLUMNS * (o->bytes ? 13 : 8) - 1;

	if (!isatty(STDOUT_FILENO))
		room = 0; /* whole */
	else if (room < 8)
		room = 8;
	print_head(o);
	for (size_t i = 0; i < shown; i++)
		print_row(o, rows[i], room);
	print_totals(o, s, n, shown);
	return finish_output(EXIT_OK);
}

int cmd_ps(const struct opts *o)
{
	char err[256] = "";
	struct ms_ps *ps;
	const struct ms_proc **rows = NULL;
	size_t n = 0, shown;
	struct sums s;
	int field = MS_PSS, status = sort_field(o, &field);

	if (status != EXIT_OK) /* before the scan: a usage error costs nothing */
		return status;
	if (ms_ps_take(o->ctx, 0, &ps, err, sizeof(err)) < 0) {
		error("cannot read the processes of '%s': %s", o->proc ? o->proc : "/proc", err);
		return EXIT_FAIL;
	}
	status = select_rows(o, ps, field, &rows, &n);
	if (status == EXIT_OK) {
		shown = o->top && (size_t)o->top < n ? (size_t)o->top : n;
		add_up(rows, n, &s);
		status = o->json ? print_json(o, ps, rows, shown, &s) :
			 print_table(o, rows, n, shown, &s);
	}
	free(rows);
	ms_ps_free(ps);
	return status;
}
