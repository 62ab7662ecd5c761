/*
 * main.c - the command line: "memscope COMMAND [OPTIONS] PID"; the command
 * comes from the table in commands.c.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int run_command(const struct command *cmd, int argc, char **argv)
{
	struct opts o = { .cmd = cmd, .class = -1, .color = -1, .working_set = -1, .regions = -1,
			  .classes = -2 };
	int status = parse_options(argc, argv, &o);

	/* -1: the options hold; else --help, --version or a usage error */
	if (status < 0 && (!cmd->reads_proc || (status = open_context(&o)) == EXIT_OK))
		status = cmd->run(&o);
	ms_ctx_free(o.ctx);
	free(o.fail_if);
	if (o.by_name)
		regfree(&o.name);
	return status;
}

int main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	const struct command *cmd;

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	set_program_name("memscope");
	if (argc < 2) {
		usage(stderr, NULL);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout, NULL);
		return finish_output(EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		return print_version();
	cmd = find_command(argv[1]);
	if (cmd)
		return run_command(cmd, argc - 1, argv + 1);
	return misuse("unknown command '%s'", argv[1]);
}
