/*
 * maps.c - "memscope maps PID": a row per region.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --fast leaves out what it cannot fill: PSS and USS */
static const int columns[] = { MS_SIZE, MS_RSS, MS_PSS, FIELD_USS, MS_SWAP };
static const int fast_columns[] = { MS_SIZE, MS_RSS, MS_SWAP };

static void print_header(const struct opts *o, FILE *f)
{
	int w = o->bytes ? 12 : 6;

	if (o->fast)
		fprintf(f, "%s\n%-25s %-5s %-12s %*s %*s %*s %s\n", FAST_NOTE, "ADDRESS", "PERMS",
			"CLASS", w, "SIZE", w, "RSS", w, "SWAP", "NAME");
	else
		fprintf(f, "%-25s %-5s %-12s %*s %*s %*s %*s %*s %s\n", "ADDRESS", "PERMS", "CLASS",
			w, "SIZE", w, "RSS", w, "PSS", w, "USS", w, "SWAP", "NAME");
}

static void row_counts(struct row *row, const struct opts *o, const struct ms_counts *c)
{
	const int *cols = o->fast ? fast_columns : columns;
	size_t n = o->fast ? 3 : sizeof(columns) / sizeof(columns[0]);
	int w = o->bytes ? 12 : 6;
	char buf[32];

	for (size_t i = 0; i < n; i++) {
		row_str(row, " ", 0);
		row_rstr(row, size_cell(buf, sizeof(buf), o, c, cols[i]), w);
	}
}

/* The rows go out while the read goes on, through a spool: a table of a
 * few thousand rows reaches stdout whole or not at all, a larger one as it
 * comes, and memory stays flat. */
struct rows {
	const struct opts *o;
	struct row row;
	struct spool sp;
	FILE *out;     /* writes into sp */
};

static void print_region(const struct ms_region *r, void *arg)
{
	struct rows *rows = arg;
	struct row *row = &rows->row;
	char *copy;

	if (!r) { /* the read starts again: so do the rows */
		fflush(rows->out);
		if (spool_write(NULL, 0, &rows->sp) == 0)
			print_header(rows->o, rows->out);
		return;
	}
	if (rows->sp.err)
		return;
	row_range(row, ms_region_start(r), ms_region_end(r));
	row_str(row, ms_region_perms(r), 6);
	row_str(row, ms_class_name(ms_region_class(r)), 12);
	row_counts(row, rows->o, ms_region_counts(r));
	row_put(row, safe_name(ms_region_path(r), &copy), ms_region_deleted(r) ? " (deleted)" : "",
		rows->out);
	free(copy);
}

static void print_total(struct rows *rows, const struct ms_snapshot *snap)
{
	const struct ms_total *t = ms_snapshot_totals(snap);
	char count[24];

	snprintf(count, sizeof(count), "%zu", ms_total_count(t));
	row_str(&rows->row, "total", 32);
	row_str(&rows->row, count, 12);
	row_counts(&rows->row, rows->o, ms_total_counts(t));
	row_put(&rows->row, "", "", rows->out);
}

/* --fast: every region is read before its Rss is known, so the rows come
 * once the read is whole (the document too). */
static int fast_maps(const struct opts *o)
{
	struct rows rows = { .o = o, .out = stdout };
	struct ms_snapshot *snap = NULL;
	int status = take_snapshot(o, MS_SNAP_FAST, NULL, NULL, &snap);

	if (status == EXIT_OK && o->json)
		status = emit_json(o, snap, 0);
	else if (status == EXIT_OK) {
		print_header(o, stdout);
		for (size_t i = 0; i < ms_snapshot_nr_regions(snap); i++)
			print_region(ms_snapshot_region(snap, i), &rows);
		print_total(&rows, snap);
		status = finish_output(EXIT_OK);
	}
	ms_snapshot_free(snap);
	return status;
}

int cmd_maps(const struct opts *o)
{
	struct rows rows = { .o = o };
	struct ms_snapshot *snap = NULL;
	int status, rc;

	if (o->fast)
		return fast_maps(o);
	if (o->json)
		return stream_snapshot(o, 0);
	fflush(stdout);
	spool_init(&rows.sp, STDOUT_FILENO);
	rows.out = spool_file(&rows.sp);
	if (!rows.out) {
		error("cannot make the table: %s", strerror(errno));
		return EXIT_FAIL;
	}
	print_header(o, rows.out);
	status = take_snapshot(o, MS_SNAP_STREAM, print_region, &rows, &snap);
	if (status == EXIT_OK)
		print_total(&rows, snap);
	fclose(rows.out);
	rc = status == EXIT_OK ? spool_finish(&rows.sp) : 0;
	if (rc == -ESPIPE) {
		error("cannot inspect process '%d': its mappings changed under the read, and "
		      "the rows written cannot be taken back", (int)o->pid);
	} else if (rc < 0 && rc != -EPIPE) {
		error("cannot write the output: %s", strerror(-rc));
	}
	spool_release(&rows.sp);
	ms_snapshot_free(snap);
	return rc < 0 ? EXIT_FAIL : status;
}
