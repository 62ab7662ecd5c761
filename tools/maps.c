/*
 * maps.c - "memscope maps PID": a row per region.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const int columns[] = { MS_SIZE, MS_RSS, MS_PSS, FIELD_USS, MS_SWAP };

static void print_header(const struct opts *o)
{
	int w = o->bytes ? 12 : 6;

	printf("%-25s %-5s %-12s %*s %*s %*s %*s %*s %s\n", "ADDRESS", "PERMS", "CLASS",
	       w, "SIZE", w, "RSS", w, "PSS", w, "USS", w, "SWAP", "NAME");
}

static void print_counts(const struct opts *o, const struct ms_counts *c)
{
	int w = o->bytes ? 12 : 6;
	char buf[32];

	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		printf(" %*s", w, size_cell(buf, sizeof(buf), o, c, columns[i]));
}

static void print_region(const struct opts *o, const struct ms_region *r)
{
	char range[48];

	snprintf(range, sizeof(range), "%" PRIx64 "-%" PRIx64, r->start, r->end);
	printf("%-25s %-5s %-12s", range, r->perms, ms_class_name(r->class));
	print_counts(o, &r->c);
	printf(" %s%s\n", r->path, r->deleted ? " (deleted)" : "");
}

int cmd_maps(const struct opts *o)
{
	struct ms_snapshot *snap;
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
		print_region(o, &snap->regions[i]);
	printf("%-25s %-5s %-12zu", "total", "", snap->totals.count);
	print_counts(o, &snap->totals.c);
	putchar('\n');
	ms_snapshot_free(snap);
	return finish_output(EXIT_OK);
}
