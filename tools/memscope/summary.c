/*
 * summary.c - "memscope summary PID": per class, per object, in total;
 * readable at a glance, as macOS vmmap -summary is.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* with --working-set, Referenced (what was touched since) comes last;
 * --fast has Rss and Swap alone (fast_columns) */
static const struct column {
	int field;
	const char *name;
} columns[] = { { MS_SIZE, "VIRTUAL" }, { MS_RSS, "RSS" }, { MS_PSS, "PSS" },
		{ FIELD_USS, "USS" }, { MS_SWAP, "SWAP" }, { MS_REFERENCED, "WSS" } },
  fast_columns[] = { { MS_SIZE, "VIRTUAL" }, { MS_RSS, "RSS" }, { MS_SWAP, "SWAP" } };

static size_t nr_columns(const struct opts *o)
{
	return o->fast ? sizeof(fast_columns) / sizeof(fast_columns[0]) :
	       sizeof(columns) / sizeof(columns[0]) - (o->working_set < 0);
}

static const struct column *column(const struct opts *o, size_t i)
{
	return o->fast ? &fast_columns[i] : &columns[i];
}
static const char *const kinds[] = { "exe", "lib", "file" };

static void print_row(const struct opts *o, const char *label, size_t count,
		      const struct ms_counts *c)
{
	int w = o->bytes ? 12 : 7;
	char buf[32];

	printf("%-14s %6zu", label, count);
	for (size_t i = 0; i < nr_columns(o); i++)
		printf(" %*s", w, size_cell(buf, sizeof(buf), o, c, column(o, i)->field));
}

static void print_head(const struct opts *o, const char *first)
{
	int w = o->bytes ? 12 : 7;

	printf("%-14s %6s", first, "COUNT");
	for (size_t i = 0; i < nr_columns(o); i++)
		printf(" %*s", w, column(o, i)->name);
	printf("%s\n", strcmp(first, "KIND") ? "" : " PATH");
}

static int by_rss(const void *a, const void *b)
{
	const struct ms_object *x = *(const struct ms_object *const *)a;
	const struct ms_object *y = *(const struct ms_object *const *)b;
	uint64_t rx = 0, ry = 0;

	ms_counts_get(ms_object_counts(x), MS_RSS, &rx);
	ms_counts_get(ms_object_counts(y), MS_RSS, &ry);
	if (rx != ry)
		return rx < ry ? 1 : -1;
	return strcmp(ms_object_path(x), ms_object_path(y));
}

/* Mapped files, most resident first; the name last, since it is long. */
static int print_objects(const struct opts *o, const struct ms_snapshot *s)
{
	size_t n = ms_snapshot_nr_objects(s);
	const struct ms_object **v = malloc((n + 1) * sizeof(*v));

	if (!v)
		return EXIT_FAIL;
	for (size_t i = 0; i < n; i++)
		v[i] = ms_snapshot_object(s, i);
	qsort(v, n, sizeof(*v), by_rss);
	putchar('\n');
	print_head(o, "KIND");
	for (size_t i = 0; i < n; i++) {
		char *copy;

		print_row(o, kinds[ms_object_kind(v[i])], ms_object_count(v[i]), ms_object_counts(v[i]));
		printf(" %s\n", safe_name(ms_object_path(v[i]), &copy));
		free(copy);
	}
	free(v);
	return EXIT_OK;
}

static void print_title(const struct opts *o, const struct ms_snapshot *s)
{
	char when[32];
	time_t t = (time_t)ms_snapshot_taken_at(s);
	const char *exe_name = ms_snapshot_exe(s);
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
	char *comm, *exe;

	printf("process %d (%s)%s%s, %zu regions, taken %s\n", (int)ms_snapshot_pid(s),
	       safe_name(ms_snapshot_comm(s), &comm), exe_name ? " " : "",
	       exe_name ? safe_name(exe_name, &exe) : "", ms_snapshot_nr_regions(s), when);
	free(comm);
	free(exe_name ? exe : NULL);
	if (o->fast)
		printf("%s\n", FAST_NOTE);
	if (o->working_set >= 0)
		printf("WSS: what it touched in the %g s after its referenced bits were cleared\n",
		       o->working_set);
	putchar('\n');
}

int cmd_summary(const struct opts *o)
{
	struct ms_snapshot *snap = NULL;
	int status = take_snapshot(o, o->fast ? MS_SNAP_FAST : MS_SNAP_STREAM, NULL, NULL, &snap);

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
		const struct ms_total *t = ms_snapshot_class(snap, c);

		if (!ms_total_count(t))
			continue;
		print_row(o, ms_class_name(c), ms_total_count(t), ms_total_counts(t));
		putchar('\n');
	}
	print_row(o, "total", ms_total_count(ms_snapshot_totals(snap)),
		  ms_total_counts(ms_snapshot_totals(snap)));
	putchar('\n');
	status = print_objects(o, snap);
	ms_snapshot_free(snap);
	return finish_output(status);
}
