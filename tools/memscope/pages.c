/*
 * pages.c - "memscope pages PID": per region, how many of its pages are in
 * RAM, swapped, this process's alone, backed by a file; with --map, where.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct view {
	const struct opts *o;
	const struct ms_snapshot *s;
	uint64_t page;
	int bar;              /* --map: cells a bar */
	bool colour;
};

static void cell(struct row *row, const struct view *v, uint64_t bytes)
{
	char buf[32];

	row_str(row, " ", 0);
	row_rstr(row, bytes_cell(buf, sizeof(buf), v->o, bytes), v->o->bytes ? 12 : 6);
}

static void cell_known(struct row *row, const struct view *v, int64_t bytes)
{
	if (bytes < 0) {
		row_str(row, " ", 0);
		row_rstr(row, "-", v->o->bytes ? 12 : 6);
	} else {
		cell(row, v, (uint64_t)bytes);
	}
}

static void percent(struct row *row, uint64_t part, uint64_t whole)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "%u%%", whole ? (unsigned)(part * 100 / whole) : 0);
	row_str(row, " ", 0);
	row_rstr(row, buf, 4);
}

static void head(const struct view *v)
{
	int w = v->o->bytes ? 12 : 6;

	if (v->o->map)
		printf("%-25s %-12s %*s %4s  %-*s NAME\n", "ADDRESS", "CLASS", w, "SIZE", "RES",
		       v->bar, "PAGES");
	else
		printf("%-25s %-5s %-12s %*s %*s %4s %*s %*s %*s %*s %*s NAME\n", "ADDRESS",
		       "PERMS", "CLASS", w, "SIZE", w, "RAM", "RES", w, "SWAP", w, "EXCL", w,
		       "FILE", w, "USS*", w, "PSS*");
}

/* One character a cell: what most of its pages are. */
static char cell_char(uint64_t present, uint64_t swapped, uint64_t pages)
{
	if (present == pages)
		return '#';
	if (present * 2 >= pages)
		return '+';
	if (swapped * 2 >= pages)
		return 's';
	return present ? ':' : '.';
}

static void draw_bar(struct row *row, const struct view *v, const struct ms_region *r,
		     const struct ms_residency *res)
{
	uint64_t start = ms_region_start(r), pages = (ms_region_end(r) - start) / v->page;
	const struct ms_run *runs;
	size_t k = 0, nr_runs = ms_residency_runs(res, &runs);

	row_str(row, " [", 0);
	for (int c = 0; c < v->bar; c++) {
		/* a cell's pages; a region of fewer pages than cells stretches */
		uint64_t first = pages * (uint64_t)c / (uint64_t)v->bar;
		uint64_t last = pages * (uint64_t)(c + 1) / (uint64_t)v->bar;
		uint64_t from, to, present = 0, swapped = 0, n;
		char ch[2] = { 0, 0 };

		if (last <= first)
			last = first + 1;
		from = start + first * v->page;
		to = start + last * v->page;
		n = last - first;
		if (k > 0 && runs[k - 1].end > from)
			k--; /* a stretched page is drawn again */
		while (k < nr_runs && runs[k].end <= from)
			k++;
		for (size_t j = k; j < nr_runs && runs[j].start < to; j++) {
			uint64_t a = runs[j].start > from ? runs[j].start : from;
			uint64_t b = runs[j].end < to ? runs[j].end : to;

			if (runs[j].state == MS_PAGE_PRESENT)
				present += (b - a) / v->page;
			else if (runs[j].state == MS_PAGE_SWAPPED)
				swapped += (b - a) / v->page;
		}
		ch[0] = cell_char(present, swapped, n);
		if (v->colour && ch[0] != '.')
			row_str(row, ch[0] == 's' ? "\033[33m" : "\033[32m", 0);
		row_str(row, ch, 0);
		if (v->colour && ch[0] != '.')
			row_str(row, "\033[0m", 0);
	}
	row_str(row, "]", 0);
}

static void print_region(struct row *row, const struct view *v, const struct ms_region *r,
			 const struct ms_residency *res)
{
	uint64_t size = ms_region_end(r) - ms_region_start(r), pages = size / v->page;
	uint64_t present = (uint64_t)ms_residency_get(res, MS_PAGES_PRESENT);
	char *copy;

	row_range(row, ms_region_start(r), ms_region_end(r));
	if (!v->o->map)
		row_str(row, ms_region_perms(r), 6);
	row_str(row, ms_class_name(ms_region_class(r)), 12);
	cell(row, v, size);
	if (v->o->map) {
		percent(row, present, pages);
		row_str(row, " ", 0);
		draw_bar(row, v, r, res);
	} else {
		cell(row, v, present * v->page);
		percent(row, present, pages);
		cell(row, v, (uint64_t)ms_residency_get(res, MS_PAGES_SWAPPED) * v->page);
		cell(row, v, (uint64_t)ms_residency_get(res, MS_PAGES_EXCLUSIVE) * v->page);
		cell(row, v, (uint64_t)ms_residency_get(res, MS_PAGES_FILE) * v->page);
		cell_known(row, v, ms_residency_get(res, MS_PAGES_USS_EXACT));
		cell_known(row, v, ms_residency_get(res, MS_PAGES_PSS_EXACT));
	}
	row_put(row, safe_name(ms_region_path(r), &copy), ms_region_deleted(r) ? " (deleted)" : "",
		stdout);
	free(copy);
}

static bool chosen(const struct view *v, const struct ms_region *r, uint64_t addr)
{
	if (v->o->class >= 0)
		return (int)ms_region_class(r) == v->o->class;
	if (v->o->region)
		return ms_region_start(r) <= addr && addr < ms_region_end(r);
	return true;
}

static int print_table(struct view *v, uint64_t addr)
{
	const struct ms_snapshot *s = v->s;
	struct row row = { .len = 0 };
	size_t shown = 0;

	head(v);
	for (size_t i = 0; i < ms_snapshot_nr_regions(s); i++) {
		if (!chosen(v, ms_snapshot_region(s, i), addr))
			continue;
		print_region(&row, v, ms_snapshot_region(s, i), ms_snapshot_residency(s, i));
		shown++;
	}
	if (v->o->region && !shown) {
		error("no region holds address '%s'", v->o->region);
		return EXIT_USAGE;
	}
	if (v->o->map)
		printf("PAGES, a cell each: # all in RAM, + most, : some, s most in swap, . none\n");
	if (ms_snapshot_pages_pfn_why(s) && v->o->exact && !v->o->map)
		printf("USS*, PSS* (exact, page by page) unknown: %s\n",
		       ms_snapshot_pages_pfn_why(s));
	return finish_output(EXIT_OK);
}

static bool parse_addr(const char *s, uint64_t *addr)
{
	char *end;

	errno = 0;
	*addr = strtoull(s, &end, 16);
	return *s && !*end && errno == 0;
}

int cmd_pages(const struct opts *o)
{
	struct view v = { .o = o };
	struct ms_snapshot *snap = NULL;
	uint64_t addr = 0;
	int status;

	if (o->region && !parse_addr(o->region, &addr)) {
		error("bad address '%s'", o->region);
		return EXIT_USAGE;
	}
	if (o->json && (o->region || o->class >= 0)) {
		error("--json prints the whole process: --class and --region are for the table");
		return EXIT_USAGE;
	}
	/* maps is enough to know the regions: smaps would walk the pages twice */
	status = take_snapshot(o, MS_SNAP_MAPS_ONLY | MS_SNAP_KEEP_OPEN, NULL, NULL, &snap);
	if (status == EXIT_OK)
		status = read_residency(o, snap, (o->map ? MS_RES_RUNS : 0) |
					(o->exact ? 0 : MS_RES_NO_PFN));
	if (status == EXIT_OK && o->json) {
		status = emit_json(o, snap, 0);
	} else if (status == EXIT_OK) {
		v.s = snap;
		v.page = (uint64_t)ms_snapshot_page_size(snap);
		v.bar = terminal_columns() - 25 - 1 - 12 - 1 - (o->bytes ? 12 : 6) - 6 - 2 - 20;
		if (v.bar < 10)
			v.bar = 10;
		v.colour = use_colour(o);
		status = print_table(&v, addr);
	}
	ms_snapshot_free(snap);
	return status;
}
