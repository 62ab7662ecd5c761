/*
 * summary.c - "memscope summary PID": per class, per object, in total;
 * readable at a glance, as macOS vmmap -summary is.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* with --working-set, Referenced (what was touched since) comes last */
static const int columns[] = { MS_SIZE, MS_RSS, MS_PSS, FIELD_USS, MS_SWAP, MS_REFERENCED };

static size_t nr_columns(const struct opts *o)
{
	return sizeof(columns) / sizeof(columns[0]) - (o->working_set < 0);
}
static const char *const kinds[] = { "exe", "lib", "file" };

static void print_row(const struct opts *o, const char *label, size_t count,
		      const struct ms_counts *c)
{
	int w = o->bytes ? 12 : 7;
	char buf[32];

	printf("%-14s %6zu", label, count);
	for (size_t i = 0; i < nr_columns(o); i++)
		printf(" %*s", w, size_cell(buf, sizeof(buf), o, c, columns[i]));
}

static void print_head(const struct opts *o, const char *first)
{
	int w = o->bytes ? 12 : 7;

	printf("%-14s %6s %*s %*s %*s %*s %*s", first, "COUNT", w, "VIRTUAL",
	       w, "RSS", w, "PSS", w, "USS", w, "SWAP");
	if (o->working_set >= 0)
		printf(" %*s", w, "WSS");
	printf("%s\n", strcmp(first, "KIND") ? "" : " PATH");
}

static int by_rss(const void *a, const void *b)
{
	const struct ms_object *x = *(const struct ms_object *const *)a;
	const struct ms_object *y = *(const struct ms_object *const *)b;

	if (x->c.v[MS_RSS] != y->c.v[MS_RSS])
		return x->c.v[MS_RSS] < y->c.v[MS_RSS] ? 1 : -1;
	return strcmp(x->path, y->path);
}

/* Mapped files, most resident first; the name last, since it is long. */
static int print_objects(const struct opts *o, const struct ms_snapshot *s)
{
	const struct ms_object **v = malloc((s->nr_objects + 1) * sizeof(*v));

	if (!v)
		return EXIT_FAIL;
	for (size_t i = 0; i < s->nr_objects; i++)
		v[i] = &s->objects[i];
	qsort(v, s->nr_objects, sizeof(*v), by_rss);
	putchar('\n');
	print_head(o, "KIND");
	for (size_t i = 0; i < s->nr_objects; i++) {
		char *copy;

		print_row(o, kinds[v[i]->kind], v[i]->count, &v[i]->c);
		printf(" %s\n", safe_name(v[i]->path, &copy));
		free(copy);
	}
	free(v);
	return EXIT_OK;
}

static void print_title(const struct opts *o, const struct ms_snapshot *s)
{
	char when[32];
	time_t t = (time_t)s->taken_at;
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
	char *comm, *exe;

	printf("process %d (%s)%s%s, %zu regions, taken %s\n", (int)s->pid,
	       safe_name(s->comm, &comm), s->exe ? " " : "", s->exe ? safe_name(s->exe, &exe) : "",
	       s->nr_regions, when);
	free(comm);
	free(s->exe ? exe : NULL);
	if (o->working_set >= 0)
		printf("WSS: what it touched in the %g s after its referenced bits were cleared\n",
		       o->working_set);
	putchar('\n');
}

int cmd_summary(const struct opts *o)
{
	struct ms_snapshot *snap = NULL;
	int status = take_snapshot(o, MS_SNAP_STREAM, NULL, NULL, &snap);

	if (status != EXIT_OK)
		return status;
	if (o->json) {
		status = emit_json(o, snap, MS_JSON_SUMMARY);
		ms_snapshot_free(snap);
		return status;
	}
	print_title(o, snap);
	print_head(o, "CLASS");
	for (int c = 0; c < MS_CLASS_COUNT; c++) {
		if (!snap->classes[c].count)
			continue;
		print_row(o, ms_class_name(c), snap->classes[c].count, &snap->classes[c].c);
		putchar('\n');
	}
	print_row(o, "total", snap->totals.count, &snap->totals.c);
	putchar('\n');
	status = print_objects(o, snap);
	ms_snapshot_free(snap);
	return finish_output(status);
}
