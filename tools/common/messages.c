/*
 * messages.c - one shape for every message: "PROGRAM: what went wrong",
 * one line, to stderr.
 */
#include "common.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

static const char *program = "memscope";

void set_program_name(const char *name)
{
	program = name;
}

const char *program_name(void)
{
	return program;
}

void error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int try_help(void)
{
	fprintf(stderr, "Try '%s --help'.\n", program);
	return EXIT_USAGE;
}

int print_version(void)
{
	printf("%s %s\n", program, PACKAGE_VERSION);
	return finish_output(EXIT_OK);
}

int finish_output(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			error("cannot write the output: %s", strerror(errno));
		return EXIT_FAIL;
	}
	return status;
}

int option_misuse(int c, const char *option)
{
	if (c == ':')
		return misuse("'%s' needs a value", option);
	return misuse("unknown option '%s'", option);
}
