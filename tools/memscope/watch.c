/*
 * watch.c - "memscope watch PID": samples a process at an interval and shows
 * memory per class with the change since the first sample; --json streams
 * one object per sample (JSON Lines); --svg draws the series at the end.
 * Ends after --count samples, when the process exits, or on SIGINT/SIGTERM.
 */
#include "series.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

double now_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool sleep_until(double when, const volatile sig_atomic_t *quit)
{
	struct timespec ts = { .tv_sec = (time_t)when };

	ts.tv_nsec = (long)((when - (double)ts.tv_sec) * 1e9);
	while (!*quit && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	return !*quit;
}

static void row(const struct opts *o, const char *name, const struct sum *t,
		const struct sum *t0)
{
	static const int fields[] = { MS_RSS, MS_PSS, FIELD_USS, MS_SWAP };
	char buf[32], d[32];

	printf("%-14s", name);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint64_t v, w;

		if (!series_get(t, fields[i], &v)) {
			printf(" %10s %10s", "-", "-");
			continue;
		}
		printf(" %10s", bytes_cell(buf, sizeof(buf), o, v));
		if (!series_get(t0, fields[i], &w) || v == w)
			printf(" %10s", v == w ? "0" : "-");
		else if (o->bytes)
			printf(" %+10lld", (long long)v - (long long)w);
		else {
			snprintf(d, sizeof(d), "%c%s", v > w ? '+' : '-',
				 human_size(buf, sizeof(buf), v > w ? v - w : w - v));
			printf(" %10s", d);
		}
	}
	printf(" %6zu\n", t->count);
}

static void table(const struct opts *o, const struct sample *x, const struct sample *x0,
		  size_t n, bool tty)
{
	if (tty)
		fputs("\033[H\033[2J", stdout); /* a fresh screen, as watch(1) */
	else if (n > 1)
		putchar('\n');
	printf("memscope watch %d   sample %zu, %.1f s   (change since the first sample)\n",
	       (int)o->pid, n, x->t);
	printf("%-14s %10s %10s %10s %10s %10s %10s %10s %10s %6s\n", "CLASS", "RSS", "+/-", "PSS",
	       "+/-", "USS", "+/-", "SWAP", "+/-", "COUNT");
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		if (x->classes[c].count || x0->classes[c].count)
			row(o, ms_class_name((enum ms_class)c), &x->classes[c], &x0->classes[c]);
	row(o, "total", &x->total, &x0->total);
	fflush(stdout);
}

/* One snapshot into x; an exit status (the process gone: EXIT_FAIL, quietly
 * when it had been watched before: -1).  *start is the watched process's
 * start time, set by the first sample: a process of another start at its
 * PID is another process, the PID recycled after the watched one exited. */
static int sample_once(const struct opts *o, double t0, struct sample *x,
		       bool first, long long *start)
{
	struct ms_snapshot *snap = NULL;
	char err[256];
	int rc;

	memset(x, 0, sizeof(*x));
	rc = ms_snapshot_take(o->ctx, o->pid, 0, &snap, err, sizeof(err));
	if (rc == -ESTALE) /* it exec'd during the read: watch the new program */
		rc = ms_snapshot_take(o->ctx, o->pid, 0, &snap, err, sizeof(err));
	if (rc == 0 && first)
		*start = ms_snapshot_start_ticks(snap);
	else if (rc == 0 && ms_snapshot_start_ticks(snap) != *start) {
		ms_snapshot_free(snap);
		rc = -ESRCH;
	}
	if (rc < 0) {
		if (first || rc != -ESRCH)
			error("cannot inspect process '%d': %s", (int)o->pid,
			      rc == -EACCES ? "permission denied" : err);
		return first || rc != -ESRCH ? EXIT_FAIL : -1;
	}
	x->t = now_seconds(CLOCK_MONOTONIC) - t0;
	x->taken_at = ms_snapshot_taken_at(snap);
	sample_add(x, snap);
	ms_snapshot_free(snap);
	return EXIT_OK;
}

static int emit(const struct opts *o, const struct series *s, bool tty)
{
	const struct sample *x = &s->v[s->n - 1];

	if (o->json) {
		char *text = sample_json(x, &s->v[0], o->pid);

		if (!text)
			return EXIT_FAIL;
		puts(text);
		free(text);
		fflush(stdout);
	} else {
		table(o, x, &s->v[0], s->n, tty);
	}
	return ferror(stdout) ? EXIT_FAIL : EXIT_OK;
}

int cmd_watch(const struct opts *o)
{
	struct series s = { NULL, 0, 0 };
	double interval = o->interval > 0 ? o->interval : 1.0;
	double t0 = now_seconds(CLOCK_MONOTONIC);
	bool tty = isatty(STDOUT_FILENO) && !o->json;
	struct sample x;
	long long start = -1;
	int status = EXIT_OK;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (long k = 0; status == EXIT_OK && (!o->count || k < o->count); k++) {
		if (k > 0 && !sleep_until(t0 + (double)k * interval, &stop))
			break;
		status = sample_once(o, t0, &x, k == 0, &start);
		if (status < 0) { /* it exited: the series ends here */
			error("process '%d' exited", (int)o->pid);
			status = EXIT_OK;
			break;
		}
		if (status == EXIT_OK && series_push(&s, &x) < 0)
			status = EXIT_FAIL;
		if (status == EXIT_OK)
			status = emit(o, &s, tty);
	}
	if (status == EXIT_OK && o->svg && s.n) {
		char title[64];
		int rc;

		snprintf(title, sizeof(title), "memscope watch %d: Rss per class", (int)o->pid);
		if ((rc = series_svg(&s, title, o->svg)) < 0) {
			error("cannot write '%s': %s", o->svg, strerror(-rc));
			status = EXIT_FAIL;
		}
	}
	series_free(&s);
	return finish_output(status);
}
