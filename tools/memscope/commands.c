/*
 * commands.c - the command table: what each command is called, what it
 * takes, what it does.  --help, the dispatcher and the check of options
 * all read it, so a command added here is added everywhere.
 */
#include "cli.h"

#include <string.h>

#define SNAPSHOT_OPTS (O_PROC | O_PRETTY)

const struct command commands[] = {
	{ "maps", "PID", "a row per region: range, perms, class, size, Rss, Pss, USS, swap",
	  cmd_maps, SNAPSHOT_OPTS | O_BYTES | O_JSON | O_FAST, true },
	{ "summary", "PID", "per class, per mapped object, and in total",
	  cmd_summary, SNAPSHOT_OPTS | O_BYTES | O_JSON | O_WORKING_SET | O_FAST, true },
	{ "snap", "PID", "the whole snapshot as JSON",
	  cmd_snap, SNAPSHOT_OPTS | O_OUTPUT | O_PAGES | O_PREAD | O_WORKING_SET, true },
	{ "pages", "PID", "per region: pages in RAM, swapped, exclusive (pagemap)",
	  cmd_pages, SNAPSHOT_OPTS | O_BYTES | O_JSON | O_CLASS | O_REGION | O_MAP | O_COLOR |
	  O_EXACT | O_PREAD, true },
	{ "layout", "PID", "the address space drawn from high addresses to low",
	  cmd_layout, O_PROC | O_COLOR, true },
	{ "diff", "A B", "what changed between two snapshots (files, -, PIDs, URLs)",
	  cmd_diff, O_BYTES | O_JSON | O_FAIL_IF | O_REGIONS | O_TIMEOUT | O_INSECURE | O_CACERT, true },
	{ "report", "A [B]", "a page for a browser: a snapshot drawn, or two and their diff (HTML)",
	  cmd_report, O_OUTPUT | O_TIMEOUT | O_INSECURE | O_CACERT, true },
	{ "watch", "PID", "a sample per interval: memory per class, and the change",
	  cmd_watch, O_PROC | O_BYTES | O_JSON | O_INTERVAL | O_COUNT | O_SVG, true },
	{ "ps", "", "a row per process: RSS, PSS, USS and swap (smaps_rollup)",
	  cmd_ps, O_PROC | O_BYTES | O_JSON | O_PRETTY | O_SORT | O_TOP | O_USER | O_NAME |
	  O_GROUP_BY | O_OBJECTS | O_CLASSES, true },
	{ "kernel", "", "where the rest of RAM is: a ledger of MemTotal, free blocks, slab, vmalloc",
	  cmd_kernel, O_PROC | O_BYTES | O_JSON | O_PRETTY | O_TOP | O_PAGETYPES, true },
	{ "run", "-- COMMAND [ARGS...]", "runs a command; its processes' peak and final memory",
	  cmd_run, O_BYTES | O_OUTPUT | O_INTERVAL | O_SVG, true },
};
const size_t nr_commands = sizeof(commands) / sizeof(commands[0]);

const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < nr_commands; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}
