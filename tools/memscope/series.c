/*
 * series.c - samples of memory per class over time: sums over processes,
 * peaks, and one JSON object per sample (docs/watch-run.md has the keys).
 */
#include "series.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

const int series_field[SERIES_FIELDS] = { MS_SIZE, MS_RSS, MS_PSS, FIELD_USS, MS_SWAP };
const char *const series_field_name[SERIES_FIELDS] = { "size", "rss", "pss", "uss", "swap" };

bool series_get(const struct ms_total *t, int field, uint64_t *v)
{
	if (field == FIELD_USS)
		return ms_counts_uss(&t->c, v);
	if (!ms_counts_has(&t->c, (enum ms_field)field))
		return false;
	*v = t->c.v[field];
	return true;
}

static void add_total(struct ms_total *sum, const struct ms_total *t, bool first)
{
	sum->count += t->count;
	for (int f = 0; f < MS_FIELD_COUNT; f++)
		sum->c.v[f] += t->c.v[f];
	sum->c.have = first ? t->c.have : sum->c.have & t->c.have;
}

void sample_add(struct sample *x, const struct ms_snapshot *snap)
{
	bool first = x->processes == 0;

	for (int c = 0; c < MS_CLASS_COUNT; c++)
		add_total(&x->classes[c], &snap->classes[c], first);
	add_total(&x->total, &snap->totals, first);
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

static void peak_total(struct ms_total *peak, const struct ms_total *t)
{
	if (t->count > peak->count)
		peak->count = t->count;
	for (int f = 0; f < MS_FIELD_COUNT; f++)
		if (ms_counts_has(&t->c, f) && t->c.v[f] >= peak->c.v[f]) {
			peak->c.v[f] = t->c.v[f];
			peak->c.have |= 1u << f;
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
static cJSON *figures(const struct ms_total *t, const struct ms_total *since)
{
	cJSON *o = cJSON_CreateObject();

	for (int i = 0; i < SERIES_FIELDS; i++) {
		uint64_t v, w;

		if (!series_get(t, series_field[i], &v))
			cJSON_AddNullToObject(o, series_field_name[i]);
		else if (!since)
			cJSON_AddItemToObject(o, series_field_name[i], json_uint(v));
		else if (!series_get(since, series_field[i], &w))
			cJSON_AddNullToObject(o, series_field_name[i]);
		else
			cJSON_AddItemToObject(o, series_field_name[i], json_int((int64_t)(v - w)));
	}
	cJSON_AddItemToObject(o, "count", since ? json_int((int64_t)t->count - (int64_t)since->count) :
			      json_uint(t->count));
	return o;
}

static cJSON *totals(const struct sample *x, const struct sample *since)
{
	cJSON *o = cJSON_CreateObject(), *classes = cJSON_CreateObject();

	for (int c = 0; c < MS_CLASS_COUNT; c++)
		cJSON_AddItemToObject(classes, ms_class_name((enum ms_class)c),
				      figures(&x->classes[c], since ? &since->classes[c] : NULL));
	cJSON_AddItemToObject(o, "classes", classes);
	cJSON_AddItemToObject(o, "total", figures(&x->total, since ? &since->total : NULL));
	return o;
}

char *series_json(const struct series *s, const struct sample *peak, const struct sample *fin,
		  char **argv, int status)
{
	cJSON *o = cJSON_CreateObject(), *cmd = cJSON_CreateArray(), *v = cJSON_CreateArray();
	cJSON *p = totals(peak, NULL);
	char *text;

	cJSON_AddStringToObject(o, "schema", "memscope-series/1");
	for (char **a = argv; a && *a; a++)
		cJSON_AddItemToArray(cmd, cJSON_CreateString(*a));
	cJSON_AddItemToObject(o, "command", cmd);
	if (WIFEXITED(status))
		cJSON_AddNumberToObject(o, "exit_status", WEXITSTATUS(status));
	else
		cJSON_AddNullToObject(o, "exit_status");
	if (WIFSIGNALED(status))
		cJSON_AddNumberToObject(o, "signal", WTERMSIG(status));
	else
		cJSON_AddNullToObject(o, "signal");
	for (size_t i = 0; i < s->n; i++) {
		cJSON *x = totals(&s->v[i], NULL);

		cJSON_AddNumberToObject(x, "t", s->v[i].t);
		cJSON_AddNumberToObject(x, "taken_at", s->v[i].taken_at);
		cJSON_AddNumberToObject(x, "processes", s->v[i].processes);
		cJSON_AddItemToArray(v, x);
	}
	cJSON_AddItemToObject(o, "samples", v);
	cJSON_AddNumberToObject(p, "processes", peak->processes);
	cJSON_AddItemToObject(o, "peak", p);
	cJSON_AddItemToObject(o, "final", fin ? totals(fin, NULL) : cJSON_CreateNull());
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

char *sample_json(const struct sample *x, const struct sample *since, pid_t pid)
{
	cJSON *o = totals(x, NULL);
	char *text;

	cJSON_AddStringToObject(o, "schema", "memscope-sample/1");
	if (pid > 0)
		cJSON_AddNumberToObject(o, "pid", pid);
	cJSON_AddNumberToObject(o, "t", x->t);
	cJSON_AddNumberToObject(o, "taken_at", x->taken_at);
	cJSON_AddNumberToObject(o, "processes", x->processes);
	if (since)
		cJSON_AddItemToObject(o, "since_start", totals(x, since));
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}
