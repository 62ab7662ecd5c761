/*
 * memscope.c - the command line: "memscope COMMAND [OPTIONS] PID".
 */
#include "cli.h"
#include "config.h"

#include <stdlib.h>
#include <string.h>

static const struct command {
	const char *name;
	int (*run)(const struct opts *o);
} commands[] = {
	{ "maps", cmd_maps },
	{ "summary", cmd_summary },
	{ "snap", cmd_snap },
	{ "pages", cmd_pages },
	{ "layout", cmd_layout },
	{ "diff", cmd_diff },
	{ "watch", cmd_watch },
	{ "run", cmd_run },
};

int main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	struct opts o = { .class = -1, .color = -1, .working_set = -1, .regions = -1 };
	int status;

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return finish_output(EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		puts("memscope " PACKAGE_VERSION);
		return finish_output(EXIT_OK);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			o.command = commands[i].name;
			status = parse_options(argc - 1, argv + 1, &o);
			if (status < 0)
				status = commands[i].run(&o);
			free(o.fail_if);
			return status;
		}
	}
	error("unknown command '%s'", argv[1]);
	fputs("Try 'memscope --help'.\n", stderr);
	return EXIT_USAGE;
}
