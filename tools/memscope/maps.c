/*
 * maps.c - "memscope maps PID": a row per region.
 */
#include "cli.h"

#include <errno.h>

#include <stdlib.h>
#include <string.h>

static const int columns[] = { MS_SIZE, MS_RSS, MS_PSS, FIELD_USS, MS_SWAP };

static void print_header(const struct opts *o)
{
	int w = o->bytes ? 12 : 6;

	printf("%-25s %-5s %-12s %*s %*s %*s %*s %*s %s\n", "ADDRESS", "PERMS", "CLASS",
	       w, "SIZE", w, "RSS", w, "PSS", w, "USS", w, "SWAP", "NAME");
}

static void row_counts(struct row *row, const struct opts *o, const struct ms_counts *c)
{
	int w = o->bytes ? 12 : 6;
	char buf[32];

	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++) {
		row_str(row, " ", 0);
		row_rstr(row, size_cell(buf, sizeof(buf), o, c, columns[i]), w);
	}
}

/* The rows are made while the read goes on, into memory: they reach stdout
 * only when the whole snapshot was taken. */
struct rows {
	const struct opts *o;
	struct row row;
	FILE *mem;     /* NULL when memory ran out */
	char *text;    /* mem's buffer */
	size_t len;
};

static void print_region(const struct ms_region *r, void *arg)
{
	struct rows *rows = arg;
	struct row *row = &rows->row;

	if (!r) { /* the read starts again: so do the rows */
		if (rows->mem)
			fclose(rows->mem);
		free(rows->text);
		rows->text = NULL;
		rows->mem = open_memstream(&rows->text, &rows->len);
		return;
	}
	if (!rows->mem)
		return;

	row_range(row, r->start, r->end);
	row_str(row, r->perms, 6);
	row_str(row, ms_class_name(r->class), 12);
	row_counts(row, rows->o, &r->c);
	row_put(row, r->path, r->deleted ? " (deleted)" : "", rows->mem);
}

int cmd_maps(const struct opts *o)
{
	struct rows rows = { .o = o };
	struct ms_snapshot *snap = NULL;
	char count[24];
	int status;

	if (o->json) {
		status = take_snapshot(o, 0, NULL, NULL, &snap);
		if (status == EXIT_OK)
			status = emit_json(o, snap, 0);
		ms_snapshot_free(snap);
		return status;
	}
	rows.mem = open_memstream(&rows.text, &rows.len);
	if (!rows.mem) {
		error("cannot make the table: %s", strerror(errno));
		return EXIT_FAIL;
	}
	status = take_snapshot(o, 0, print_region, &rows, &snap);
	if (status == EXIT_OK && (!rows.mem || fclose(rows.mem) != 0)) {
		error("cannot make the table: %s", strerror(ENOMEM));
		ms_snapshot_free(snap);
		status = EXIT_FAIL;
	} else if (rows.mem && status != EXIT_OK) {
		fclose(rows.mem);
	}
	if (status == EXIT_OK) {
		print_header(o);
		fwrite_unlocked(rows.text, 1, rows.len, stdout);
		snprintf(count, sizeof(count), "%zu", snap->totals.count);
		row_str(&rows.row, "total", 32);
		row_str(&rows.row, count, 12);
		row_counts(&rows.row, o, &snap->totals.c);
		row_put(&rows.row, "", "", stdout);
		ms_snapshot_free(snap);
		status = finish_output(EXIT_OK);
	}
	free(rows.text);
	return status;
}
