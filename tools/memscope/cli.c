/*
 * cli.c - options, messages and output that memscope's commands share.
 */
#include "cli.h"
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The one description of each option: --help prints it, and tests check
 * that the man page names the same options. */
static const struct optdoc {
	struct option opt;   /* opt.val: the short option, or a code above 255 */
	const char *arg, *help;
} optdocs[] = {
	{ { "bytes", no_argument, NULL, 256 + 'b' }, NULL, "print sizes in bytes, not human units" },
	{ { "json", no_argument, NULL, 256 + 'j' }, NULL,
	  "print JSON (maps, summary, pages, diff; watch: a line a sample)" },
	{ { "output", required_argument, NULL, 'o' }, "FILE",
	  "snap, run: write to FILE (a temporary file, then rename)" },
	{ { "pretty", no_argument, NULL, 256 + 'P' }, NULL, "indent the JSON" },
	{ { "pages", no_argument, NULL, 256 + 'g' }, NULL,
	  "snap: add pagemap's page counts to every region" },
	{ { "class", required_argument, NULL, 256 + 'c' }, "CLASS",
	  "pages: only the regions of this class" },
	{ { "region", required_argument, NULL, 256 + 'r' }, "ADDR",
	  "pages: only the region holding this address" },
	{ { "map", no_argument, NULL, 256 + 'm' }, NULL,
	  "pages: a bar per region: # in RAM, + mostly, : partly, s swapped, . not" },
	{ { "color", required_argument, NULL, 256 + 'C' }, "WHEN",
	  "layout, pages --map: colour always, never or auto (a terminal, no NO_COLOR)" },
	{ { "working-set", required_argument, NULL, 256 + 'w' }, "SECONDS",
	  "summary, snap: clear the referenced bits, wait, then read: Referenced is the working set" },
	{ { "exact", no_argument, NULL, 256 + 'x' }, NULL,
	  "pages: USS and PSS page by page, from kpageflags (root)" },
	{ { "pread", no_argument, NULL, 256 + 'R' }, NULL,
	  "read pagemap with pread, not the PAGEMAP_SCAN ioctl" },
	{ { "proc", required_argument, NULL, 256 + 'p' }, "DIR",
	  "read the /proc tree at DIR (a saved copy, for example)" },
	{ { "fail-if", required_argument, NULL, 256 + 'f' }, "EXPR",
	  "diff: exit 1 when EXPR holds, e.g. 'total.rss > +10MiB', 'heap.uss >= +5%'" },
	{ { "regions", required_argument, NULL, 256 + 'n' }, "N",
	  "diff: list at most N changed regions (25; 0: all)" },
	{ { "timeout", required_argument, NULL, 256 + 't' }, "SECONDS",
	  "diff: give up on a URL after SECONDS (10)" },
	{ { "insecure", no_argument, NULL, 256 + 'k' }, NULL,
	  "diff: do not check the TLS certificate of an https:// URL" },
	{ { "interval", required_argument, NULL, 256 + 'i' }, "TIME",
	  "watch, run: between samples: 1s, 100ms, 0.5 (watch 1s, run 100ms)" },
	{ { "count", required_argument, NULL, 256 + 'N' }, "N",
	  "watch: stop after N samples" },
	{ { "svg", required_argument, NULL, 256 + 's' }, "FILE",
	  "watch, run: write Rss per class over time as an SVG chart" },
	{ { "help", no_argument, NULL, 'h' }, NULL, "print this help and exit" },
	{ { "version", no_argument, NULL, 'V' }, NULL, "print the version and exit" },
};
#define NR_OPTS (sizeof(optdocs) / sizeof(optdocs[0]))

void usage(FILE *out)
{
	fputs("usage: memscope COMMAND [OPTIONS] PID|A B|-- COMMAND\n\n"
	      "Shows where a process's memory is and how much of it is in RAM.\n\n"
	      "commands:\n"
	      "  maps PID      a row per region: range, perms, class, size, Rss, Pss, USS, swap, name\n"
	      "  summary PID   per class, per mapped object, and in total\n"
	      "  snap PID      the whole snapshot as JSON\n"
	      "  pages PID     per region: pages in RAM, swapped, exclusive (pagemap)\n"
	      "  layout PID    the address space drawn from high addresses to low\n\n"
	      "options:\n", out);
	for (size_t i = 0; i < NR_OPTS; i++) {
		const struct optdoc *d = &optdocs[i];
		char left[40], shortopt[8] = "    ";

		if (d->opt.val < 256)
			snprintf(shortopt, sizeof(shortopt), "-%c, ", d->opt.val);
		snprintf(left, sizeof(left), "%s--%s%s%s", shortopt, d->opt.name,
			 d->arg ? " " : "", d->arg ? d->arg : "");
		fprintf(out, "  %-22s %s\n", left, d->help);
	}
	fputs("\nexit status: 0 ok, 1 could not inspect the process (gone, permission),\n"
	      "2 usage or bad input; diff: 1 a --fail-if held, 2 the check could not run\n"
	      "(an input unreadable, the output unwritable); run: the command's.\n"
	      "See memscope(1).\n", out);
}

static bool is(const struct opts *o, const char *command)
{
	return strcmp(o->command, command) == 0;
}

/* -o and --svg name a file: a folder is refused before any work is done
 * (run would run its command first).  0, or -1 said. */
static int writable(const char *path)
{
	struct stat st;

	if (path && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		error("cannot write '%s': it is a folder", path);
		return -1;
	}
	return 0;
}

/* Options that belong to other commands, or exclude each other. */
static int check_combinations(const struct opts *o)
{
	if (o->output && !is(o, "snap") && !is(o, "run"))
		return misuse("--output goes with 'snap' and 'run', not '%s'", o->command);
	if ((o->nr_fail_if || o->regions >= 0 || o->timeout || o->insecure) && !is(o, "diff"))
		return misuse("--fail-if, --regions, --timeout and --insecure go with 'diff', not '%s'",
			      o->command);
	if ((o->interval > 0 || o->svg) && !is(o, "watch") && !is(o, "run"))
		return misuse("--interval and --svg go with 'watch' and 'run', not '%s'", o->command);
	if (o->count && !is(o, "watch"))
		return misuse("--count goes with 'watch', not '%s'", o->command);
	if (o->json && is(o, "snap"))
		return misuse("'%s' always prints JSON; --json goes with maps, summary and pages",
			      o->command);
	if (o->pages && !is(o, "snap"))
		return misuse("--pages goes with 'snap', not '%s'", o->command);
	if ((o->class >= 0 || o->region || o->map || o->exact) && !is(o, "pages"))
		return misuse("--class, --region, --map and --exact go with 'pages', not '%s'",
			      o->command);
	if (o->pread && !is(o, "pages") && !o->pages)
		return misuse("--pread goes with 'pages' and 'snap --pages', not '%s'", o->command);
	if (o->working_set >= 0 && !is(o, "summary") && !is(o, "snap"))
		return misuse("--working-set goes with 'summary' and 'snap', not '%s'", o->command);
	if (o->class >= 0 && o->region)
		return misuse("%s", "--class and --region exclude each other");
	if (o->map && o->json)
		return misuse("%s", "--map draws for people; --json is for programs: not both");
	return writable(o->output) < 0 ? EXIT_USAGE : writable(o->svg) < 0 ? EXIT_USAGE : -1;
}

/* What follows the options: a PID, two sides (diff), or a command (run). */
static int operands(int argc, char **argv, struct opts *o)
{
	if (is(o, "run")) {
		if (optind >= argc)
			return misuse("%s", "'run' needs a command: memscope run [OPTIONS] -- COMMAND");
		o->run_argv = &argv[optind];
		return check_combinations(o);
	}
	if (is(o, "diff")) {
		if (argc - optind != 2)
			return misuse("%s", "'diff' compares two: memscope diff [OPTIONS] A B");
		o->sides[0] = argv[optind];
		o->sides[1] = argv[optind + 1];
		return check_combinations(o);
	}
	if (optind >= argc)
		return misuse("'%s' needs a PID", o->command);
	if (optind + 1 < argc)
		return misuse("unexpected argument '%s'", argv[optind + 1]);
	if (!parse_pid(argv[optind], &o->pid))
		return misuse("bad pid '%s'", argv[optind]);
	return check_combinations(o);
}

/* The options of diff, watch and run; -1 when c is none of them. */
static int parse_comparing(int c, struct opts *o)
{
	switch (c) {
	case 256 + 'f': {
		const char **v = realloc(o->fail_if, (size_t)(o->nr_fail_if + 1) * sizeof(*v));

		if (!v)
			return misuse("%s", "out of memory");
		o->fail_if = v;
		o->fail_if[o->nr_fail_if++] = optarg;
		return 0;
	}
	case 256 + 'n':
		if ((o->regions = parse_long(optarg, 0, LONG_MAX)) < 0)
			return misuse("--regions takes a count, not '%s'", optarg);
		return 0;
	case 256 + 't':
		if ((o->timeout = parse_long(optarg, 1, 3600)) < 0)
			return misuse("--timeout takes seconds (1 to 3600), not '%s'", optarg);
		return 0;
	case 256 + 'k': o->insecure = true; return 0;
	case 256 + 'i':
		if ((o->interval = parse_interval(optarg)) < 0)
			return misuse("--interval takes a time (1s, 100ms, 0.5; 1ms to 1 day), not '%s'",
				      optarg);
		return 0;
	case 256 + 'N':
		if ((o->count = parse_long(optarg, 1, LONG_MAX)) < 0)
			return misuse("--count takes a number of samples, not '%s'", optarg);
		return 0;
	case 256 + 's': o->svg = optarg; return 0;
	}
	return -1;
}

int parse_options(int argc, char **argv, struct opts *o)
{
	struct option longopts[NR_OPTS + 1];
	int c;

	for (size_t i = 0; i < NR_OPTS; i++)
		longopts[i] = optdocs[i].opt;
	memset(&longopts[NR_OPTS], 0, sizeof(longopts[0]));
	opterr = 0;
	/* run's command keeps its own options; elsewhere options may follow */
	while ((c = getopt_long(argc, argv, is(o, "run") ? "+o:hV" : "o:hV", longopts,
				NULL)) != -1) {
		int rc = parse_comparing(c, o);

		if (rc == 0)
			continue;
		if (rc > 0)
			return rc;
		switch (c) {
		case 256 + 'b': o->bytes = true; break;
		case 256 + 'j': o->json = true; break;
		case 'o': o->output = optarg; break;
		case 256 + 'P': o->pretty = true; break;
		case 256 + 'p': o->proc = optarg; break;
		case 256 + 'g': o->pages = true; break;
		case 256 + 'c':
			o->class = ms_class_from_name(optarg);
			if (o->class < 0)
				return misuse("unknown class '%s'", optarg);
			break;
		case 256 + 'r': o->region = optarg; break;
		case 256 + 'm': o->map = true; break;
		case 256 + 'R': o->pread = true; break;
		case 256 + 'x': o->exact = true; break;
		case 256 + 'w': {
			char *end;

			o->working_set = strtod(optarg, &end);
			if (end == optarg || *end || !(o->working_set >= 0 && o->working_set <= 86400))
				return misuse("--working-set takes seconds (0 to 86400), not '%s'",
					      optarg);
			break;
		}
		case 256 + 'C':
			if (strcmp(optarg, "always") && strcmp(optarg, "never") &&
			    strcmp(optarg, "auto"))
				return misuse("--color takes always, never or auto, not '%s'", optarg);
			o->color = optarg[0] == 'a' && optarg[1] == 'l' ? 1 : optarg[0] == 'n' ? 0 : -1;
			break;
		case 'h': usage(stdout); return finish_output(EXIT_OK);
		case 'V': return print_version();
		default:
			return misuse("unknown option '%s'", argv[optind - 1]);
		}
	}
	return operands(argc, argv, o);
}

/* --working-set: the referenced bits cleared, then the wait. */
static int start_working_set(const struct opts *o, struct ms_ctx *ctx, char *err, size_t len)
{
	struct timespec wait = { .tv_sec = (time_t)o->working_set };
	int rc = ms_clear_refs(ctx, o->pid, err, len);

	wait.tv_nsec = (long)((o->working_set - (double)wait.tv_sec) * 1e9);
	if (rc == 0)
		while (nanosleep(&wait, &wait) < 0 && errno == EINTR)
			;
	return rc;
}

int take_snapshot(const struct opts *o, unsigned flags, ms_region_fn *each, void *arg,
		  struct ms_snapshot **snap)
{
	char err[256] = "";
	struct ms_ctx *ctx = ms_ctx_new(o->proc);
	int rc = 0;

	if (!ctx) {
		error("cannot open '%s': %s", o->proc ? o->proc : "/proc", strerror(errno));
		return o->proc ? EXIT_USAGE : EXIT_FAIL;
	}
	if (o->working_set >= 0)
		rc = start_working_set(o, ctx, err, sizeof(err));
	if (rc == 0)
		rc = ms_snapshot_take_each(ctx, o->pid, flags, each, arg, snap, err, sizeof(err));
	ms_ctx_free(ctx);
	if (rc == 0)
		return EXIT_OK;
	if (rc == -EACCES || rc == -EPERM)
		snprintf(err, sizeof(err), "permission denied");
	error("cannot inspect process '%d': %s", (int)o->pid, err[0] ? err : strerror(-rc));
	/* a file that does not parse is bad input, like a bad argument */
	return rc == -EBADMSG || rc == -E2BIG ? EXIT_USAGE : EXIT_FAIL;
}

int read_residency(const struct opts *o, struct ms_snapshot *snap, unsigned flags)
{
	char err[256] = "";
	struct ms_ctx *ctx = ms_ctx_new(o->proc);
	int rc;

	if (!ctx) {
		error("cannot open '%s': %s", o->proc ? o->proc : "/proc", strerror(errno));
		return EXIT_FAIL;
	}
	rc = ms_residency_read(ctx, snap, flags | (o->pread ? MS_RES_PREAD : 0), err,
			       sizeof(err));
	ms_ctx_free(ctx);
	if (rc == 0)
		return EXIT_OK;
	error("cannot read the pages of process '%d': %s", (int)o->pid,
	      err[0] ? err : strerror(-rc));
	return EXIT_FAIL;
}

