/*
 * maps.c - "memscope maps PID": a row per region.
 */
#include "cli.h"

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

static void print_region(struct row *row, const struct opts *o, const struct ms_region *r)
{
	size_t start = row->len;

	row_hex(row, r->start);
	row_str(row, "-", 0);
	row_hex(row, r->end);
	do
		row_str(row, " ", 0);
	while (row->len - start < 26);
	row_str(row, r->perms, 6);
	row_str(row, ms_class_name(r->class), 12);
	row_counts(row, o, &r->c);
	row_put(row, r->path, r->deleted ? " (deleted)" : "");
}

int cmd_maps(const struct opts *o)
{
	struct ms_snapshot *snap;
	struct row row = { .len = 0 };
	char count[24];
	int status = take_snapshot(o, 0, &snap);

	if (status != EXIT_OK)
		return status;
	if (o->json) {
		status = emit_json(o, snap, 0);
		ms_snapshot_free(snap);
		return status;
	}
	print_header(o);
	for (size_t i = 0; i < snap->nr_regions; i++)
		print_region(&row, o, &snap->regions[i]);
	snprintf(count, sizeof(count), "%zu", snap->totals.count);
	row_str(&row, "total", 32);
	row_str(&row, count, 12);
	row_counts(&row, o, &snap->totals.c);
	row_put(&row, "", "");
	ms_snapshot_free(snap);
	return finish_output(EXIT_OK);
}
