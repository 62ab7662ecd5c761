/*
 * layout.c - "memscope layout PID": the address space drawn from high
 * addresses to low, as textbook figures draw it (kernel, stack, the mmap
 * area, heap, bss, data, code), with what of each region is in RAM.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

struct pen {
	const struct opts *o;
	int width;       /* inside the box */
	bool colour, utf8;
};

/* ANSI colours by class: images blue, writable image parts magenta, heap
 * yellow, stacks green, shared memory red, files cyan, the rest plain. */
static const char *class_colour(enum ms_class c)
{
	switch (c) {
	case MS_CLASS_CODE: case MS_CLASS_RODATA: return "\033[34m";
	case MS_CLASS_DATA: case MS_CLASS_BSS: return "\033[35m";
	case MS_CLASS_HEAP: return "\033[33m";
	case MS_CLASS_STACK: case MS_CLASS_THREAD_STACK: return "\033[32m";
	case MS_CLASS_ANON_SHARED: case MS_CLASS_SYSV_SHM: return "\033[31m";
	case MS_CLASS_FILE_PRIVATE: case MS_CLASS_FILE_SHARED: return "\033[36m";
	case MS_CLASS_GUARD: return "\033[2m";
	default: return "";
	}
}

static void edge(const struct pen *p, uint64_t addr, bool first, bool last)
{
	const char *l = p->utf8 ? (first ? "┌" : last ? "└" : "├") : "+";
	const char *r = p->utf8 ? (first ? "┐" : last ? "┘" : "┤") : "+";

	printf("%016llx %s", (unsigned long long)addr, l);
	for (int i = 0; i < p->width; i++)
		fputs(p->utf8 ? "─" : "-", stdout);
	printf("%s\n", r);
}

/* A filled bar of what is resident: Rss / size. */
static void resident_bar(const struct pen *p, const struct ms_region *r, int cells)
{
	uint64_t size = ms_region_end(r) - ms_region_start(r), rss;
	int full = 0;

	if (ms_counts_get(ms_region_counts(r), MS_RSS, &rss) && size)
		full = (int)((rss * (uint64_t)cells + size / 2) / size);
	for (int i = 0; i < cells; i++)
		fputs(i < full ? (p->utf8 ? "█" : "#") : (p->utf8 ? "░" : "."), stdout);
}

/* "│ class   size  ████░░░░ 42%  name                │" */
static void block(const struct pen *p, const struct ms_region *r)
{
	char label[512], size[16], pct[8] = "  ?%", *copy;
	uint64_t bytes = ms_region_end(r) - ms_region_start(r), rss;
	int cells = 10, room;

	human_size(size, sizeof(size), bytes);
	if (ms_counts_get(ms_region_counts(r), MS_RSS, &rss) && bytes)
		snprintf(pct, sizeof(pct), "%3u%%", (unsigned)(rss * 100 / bytes));
	room = p->width - 2 - 12 - 1 - 6 - 2 - cells - 1 - 4 - 2;
	snprintf(label, sizeof(label), "%s%s", safe_name(ms_region_path(r), &copy),
		 ms_region_deleted(r) ? " (deleted)" : "");
	free(copy);
	if ((int)strlen(label) > room && room > 4) /* keep the file's own name */
		memmove(label, label + strlen(label) - room, (size_t)room + 1), label[0] = '<';
	printf("%16s %s ", "", p->utf8 ? "│" : "|");
	if (p->colour)
		fputs(class_colour(ms_region_class(r)), stdout);
	printf("%-12s %6s  ", ms_class_name(ms_region_class(r)), size);
	resident_bar(p, r, cells);
	printf(" %s  %-*.*s", pct, room, room, label);
	if (p->colour)
		fputs("\033[0m", stdout);
	printf(" %s\n", p->utf8 ? "│" : "|");
}

/* The unmapped space between two regions, squeezed to one line.  Above
 * the top half's boundary is the kernel's (x86-64, arm64: addresses with
 * the top bit set), which the process cannot map: said so, not "unmapped". */
static void gap(const struct pen *p, uint64_t low, uint64_t high)
{
	char size[16], text[96];
	int len, left;

	human_size(size, sizeof(size), high - low);
	len = snprintf(text, sizeof(text), high > UINT64_C(1) << 63 && low < UINT64_C(1) << 63 ?
		       " %s: the rest of user space, then the kernel's " : " %s unmapped ", size);
	left = (p->width - len) / 2;
	printf("%16s %s", "", p->utf8 ? "┆" : ":");
	for (int i = 0; i < p->width; i++)
		fputs(i >= left && i < left + len ? (char[2]){ text[i - left], 0 } :
		      (p->utf8 ? "·" : "."), stdout);
	printf("%s\n", p->utf8 ? "┆" : ":");
}

int cmd_layout(const struct opts *o)
{
	struct pen p = { .o = o, .colour = use_colour(o), .utf8 = use_utf8() };
	struct ms_snapshot *s = NULL;
	int status = take_snapshot(o, 0, NULL, NULL, &s);
	char *comm;
	size_t n;

	if (status != EXIT_OK)
		return status;
	n = ms_snapshot_nr_regions(s);
	p.width = terminal_columns() - 19;
	if (p.width < 50)
		p.width = 50;
	printf("process %d (%s): %zu regions, from the highest address down\n",
	       (int)ms_snapshot_pid(s), safe_name(ms_snapshot_comm(s), &comm), n);
	free(comm);
	for (size_t k = n; k-- > 0;) {
		const struct ms_region *r = ms_snapshot_region(s, k);
		const struct ms_region *below = k ? ms_snapshot_region(s, k - 1) : NULL;

		edge(&p, ms_region_end(r), k + 1 == n, false);
		block(&p, r);
		if (below && ms_region_end(below) != ms_region_start(r)) {
			edge(&p, ms_region_start(r), false, false);
			gap(&p, ms_region_end(below), ms_region_start(r));
		}
	}
	if (n)
		edge(&p, ms_region_start(ms_snapshot_region(s, 0)), false, true);
	ms_snapshot_free(s);
	return finish_output(EXIT_OK);
}
