/*
 * series.c - samples of memory per class over time: sums over processes,
 * peaks, and one JSON object per sample (docs/watch-run.md has the keys).
 */
#include "series.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

const int series_field[SERIES_FIELDS] = { MS_SIZE, MS_RSS, MS_PSS, FIELD_USS, MS_SWAP };
const char *const series_field_name[SERIES_FIELDS] = { "size", "rss", "pss", "uss", "swap" };

bool series_get(const struct sum *t, int field, uint64_t *v)
{
	for (int i = 0; i < SERIES_FIELDS; i++)
		if (series_field[i] == field) {
			*v = t->v[i];
			return t->known & (1u << i);
		}
	return false;
}

static void add_total(struct sum *sum, const struct ms_total *t, bool first)
{
	const struct ms_counts *c = ms_total_counts(t);

	sum->count += ms_total_count(t);
	for (int i = 0; i < SERIES_FIELDS; i++) {
		uint64_t v = 0;
		bool known = series_field[i] == FIELD_USS ? ms_counts_uss(c, &v) :
			     ms_counts_get(c, series_field[i], &v);

		sum->v[i] += v;
		if (!known || (!first && !(sum->known & (1u << i))))
			sum->known &= ~(1u << i);
		else
			sum->known |= 1u << i;
	}
}

void sample_add(struct sample *x, const struct ms_snapshot *snap)
{
	bool first = x->processes == 0;

	for (int c = 0; c < MS_CLASS_COUNT; c++)
		add_total(&x->classes[c], ms_snapshot_class(snap, c), first);
	add_total(&x->total, ms_snapshot_totals(snap), first);
	x->processes++;
}

int series_push(struct series *s, const struct sample *x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct sample *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *x;
	return 0;
}

void series_free(struct series *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void peak_total(struct sum *peak, const struct sum *t)
{
	if (t->count > peak->count)
		peak->count = t->count;
	for (int i = 0; i < SERIES_FIELDS; i++)
		if ((t->known & (1u << i)) && t->v[i] >= peak->v[i]) {
			peak->v[i] = t->v[i];
			peak->known |= 1u << i;
		}
}

void series_peak(const struct series *s, struct sample *peak)
{
	memset(peak, 0, sizeof(*peak));
	for (size_t i = 0; i < s->n; i++) {
		for (int c = 0; c < MS_CLASS_COUNT; c++)
			peak_total(&peak->classes[c], &s->v[i].classes[c]);
		peak_total(&peak->total, &s->v[i].total);
		if (s->v[i].processes > peak->processes)
			peak->processes = s->v[i].processes;
	}
}

/* {"size": .., "rss": .., "pss": .., "uss": .., "swap": .., "count": ..}, and
 * with since the same as changes. */
static void figures(struct jw *w, const char *key, const struct sum *t,
		    const struct sum *since)
{
	jw_open(w, key, '{');
	for (int i = 0; i < SERIES_FIELDS; i++) {
		uint64_t v, was;

		if (!series_get(t, series_field[i], &v) ||
		    (since && !series_get(since, series_field[i], &was)))
			jw_raw(w, series_field_name[i], "null");
		else if (!since)
			jw_u64(w, series_field_name[i], v);
		else
			jw_i64(w, series_field_name[i], (int64_t)(v - was));
	}
	if (since)
		jw_i64(w, "count", (int64_t)t->count - (int64_t)since->count);
	else
		jw_u64(w, "count", t->count);
	jw_close(w, '}');
}

/* "classes" and "total" of x, into the object open in w. */
static void totals(struct jw *w, const struct sample *x, const struct sample *since)
{
	jw_open(w, "classes", '{');
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		figures(w, ms_class_name((enum ms_class)c), &x->classes[c],
			since ? &since->classes[c] : NULL);
	jw_close(w, '}');
	figures(w, "total", &x->total, since ? &since->total : NULL);
}

static void status_json(struct jw *w, int status)
{
	if (WIFEXITED(status))
		jw_u64(w, "exit_status", (uint64_t)WEXITSTATUS(status));
	else
		jw_raw(w, "exit_status", "null");
	if (WIFSIGNALED(status))
		jw_u64(w, "signal", (uint64_t)WTERMSIG(status));
	else
		jw_raw(w, "signal", "null");
}

char *series_json(const struct series *s, const struct sample *peak, const struct sample *fin,
		  char **argv, int status)
{
	struct jw w = { 0 };

	jw_open(&w, NULL, '{');
	jw_str(&w, "schema", "memscope-series/1");
	jw_open(&w, "command", '[');
	for (char **a = argv; a && *a; a++)
		jw_str(&w, NULL, *a);
	jw_close(&w, ']');
	status_json(&w, status);
	jw_open(&w, "samples", '[');
	for (size_t i = 0; i < s->n; i++) {
		jw_open(&w, NULL, '{');
		totals(&w, &s->v[i], NULL);
		jw_double(&w, "t", s->v[i].t);
		jw_double(&w, "taken_at", s->v[i].taken_at);
		jw_u64(&w, "processes", (uint64_t)s->v[i].processes);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_open(&w, "peak", '{');
	totals(&w, peak, NULL);
	jw_u64(&w, "processes", (uint64_t)peak->processes);
	jw_close(&w, '}');
	if (fin) {
		jw_open(&w, "final", '{');
		totals(&w, fin, NULL);
		jw_close(&w, '}');
	} else {
		jw_raw(&w, "final", "null");
	}
	jw_close(&w, '}');
	return jw_finish(&w);
}

char *sample_json(const struct sample *x, const struct sample *since, pid_t pid)
{
	struct jw w = { 0 };

	jw_open(&w, NULL, '{');
	totals(&w, x, NULL);
	jw_str(&w, "schema", "memscope-sample/1");
	if (pid > 0)
		jw_u64(&w, "pid", (uint64_t)pid);
	jw_double(&w, "t", x->t);
	jw_double(&w, "taken_at", x->taken_at);
	jw_u64(&w, "processes", (uint64_t)x->processes);
	if (since) {
		jw_open(&w, "since_start", '{');
		totals(&w, x, since);
		jw_close(&w, '}');
	}
	jw_close(&w, '}');
	return jw_finish(&w);
}
