/*
 * cli.c - options, messages and output that memscope's commands share.
 */
#include "cli.h"
#include "ps.h"
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The one description of each option: --help prints it, the command table
 * says which commands take it, and tests check that the man page names the
 * same options. */
static const struct optdoc {
	struct option opt;   /* opt.val: the short option, or a code above 255 */
	unsigned bit;        /* its O_ bit; 0: every command takes it */
	const char *arg, *help;
} optdocs[] = {
	{ { "bytes", no_argument, NULL, 256 + 'b' }, O_BYTES, NULL,
	  "print sizes in bytes, not human units" },
	{ { "json", no_argument, NULL, 256 + 'j' }, O_JSON, NULL,
	  "print JSON (watch: a line a sample)" },
	{ { "output", required_argument, NULL, 'o' }, O_OUTPUT, "FILE",
	  "write to FILE (a temporary file, then rename)" },
	{ { "pretty", no_argument, NULL, 256 + 'P' }, O_PRETTY, NULL, "indent the JSON" },
	{ { "pages", no_argument, NULL, 256 + 'g' }, O_PAGES, NULL,
	  "add pagemap's page counts to every region" },
	{ { "class", required_argument, NULL, 256 + 'c' }, O_CLASS, "CLASS",
	  "only the regions of this class" },
	{ { "region", required_argument, NULL, 256 + 'r' }, O_REGION, "ADDR",
	  "only the region holding this address" },
	{ { "map", no_argument, NULL, 256 + 'm' }, O_MAP, NULL,
	  "a bar per region: # in RAM, + mostly, : partly, s swapped, . not" },
	{ { "color", required_argument, NULL, 256 + 'C' }, O_COLOR, "WHEN",
	  "colour always, never or auto (a terminal, no NO_COLOR)" },
	{ { "working-set", required_argument, NULL, 256 + 'w' }, O_WORKING_SET, "SECONDS",
	  "clear the referenced bits, wait, read: Referenced is the working set" },
	{ { "exact", no_argument, NULL, 256 + 'x' }, O_EXACT, NULL,
	  "USS and PSS page by page, from kpageflags (root)" },
	{ { "pread", no_argument, NULL, 256 + 'R' }, O_PREAD, NULL,
	  "read pagemap with pread, not the PAGEMAP_SCAN ioctl" },
	{ { "fast", no_argument, NULL, 256 + 'F' }, O_FAST, NULL,
	  "Rss and Swap from maps and pagemap alone, under the cost of smaps" },
	{ { "proc", required_argument, NULL, 256 + 'p' }, O_PROC, "DIR",
	  "read the /proc tree at DIR (a saved copy, for example)" },
	{ { "fail-if", required_argument, NULL, 256 + 'f' }, O_FAIL_IF, "EXPR",
	  "exit 1 when EXPR holds: 'total.rss > +10MiB', 'heap.uss >= +5%'" },
	{ { "regions", required_argument, NULL, 256 + 'n' }, O_REGIONS, "N",
	  "list at most N changed regions (25; 0: all)" },
	{ { "timeout", required_argument, NULL, 256 + 't' }, O_TIMEOUT, "SECONDS",
	  "give up on a URL after SECONDS (10)" },
	{ { "insecure", no_argument, NULL, 256 + 'k' }, O_INSECURE, NULL,
	  "do not check the TLS certificate of an https:// URL" },
	{ { "cacert", required_argument, NULL, 256 + 'A' }, O_CACERT, "FILE",
	  "check an https:// URL's certificate against the CAs in FILE" },
	{ { "interval", required_argument, NULL, 256 + 'i' }, O_INTERVAL, "TIME",
	  "between samples: 1s, 100ms, 0.5 (watch 1s, run 100ms)" },
	{ { "count", required_argument, NULL, 256 + 'N' }, O_COUNT, "N",
	  "stop after N samples" },
	{ { "svg", required_argument, NULL, 256 + 's' }, O_SVG, "FILE",
	  "write Rss per class over time as an SVG chart" },
	{ { "sort", required_argument, NULL, 256 + 'S' }, O_SORT, "FIELD",
	  "order by FIELD: pss (the default), rss, uss, swap, pid, user, comm, ..." },
	{ { "top", required_argument, NULL, 256 + 'T' }, O_TOP, "N",
	  "show the first N rows only (the totals stay of all)" },
	{ { "user", required_argument, NULL, 256 + 'u' }, O_USER, "USER",
	  "only the processes of USER (a name or a uid)" },
	{ { "name", required_argument, NULL, 256 + 'e' }, O_NAME, "REGEX",
	  "only the processes whose comm or command line REGEX matches" },
	{ { "group-by", required_argument, NULL, 256 + 'G' }, O_GROUP_BY, "WHAT",
	  "a row per comm, user or cgroup: the processes summed" },
	{ { "classes", required_argument, NULL, 256 + 'K' }, O_CLASSES, "WHAT",
	  "a column per class: rss (from pagemap, fast), pss or uss (from smaps)" },
	{ { "objects", no_argument, NULL, 256 + 'O' }, O_OBJECTS, NULL,
	  "a row per mapped file, summed over the processes (reads every smaps)" },
	{ { "pagetypes", no_argument, NULL, 256 + 'y' }, O_PAGETYPES, NULL,
	  "free blocks per migrate type too (pagetypeinfo, root; locks each zone)" },
	{ { "help", no_argument, NULL, 'h' }, 0, NULL, "print this help and exit" },
	{ { "version", no_argument, NULL, 'V' }, 0, NULL, "print the version and exit" },
};
#define NR_OPTS (sizeof(optdocs) / sizeof(optdocs[0]))

/* "maps, summary and pages": the commands that take the option bit. */
static const char *takers(unsigned bit, char *buf, size_t len)
{
	size_t n = 0, used = 0, seen = 0;

	for (size_t i = 0; i < nr_commands; i++)
		n += (commands[i].takes & bit) != 0;
	buf[0] = '\0';
	for (size_t i = 0; i < nr_commands && used < len; i++) {
		if (!(commands[i].takes & bit))
			continue;
		seen++;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 seen == 1 ? "" : seen == n ? " and " : ", ", commands[i].name);
	}
	return buf;
}

#define LEFT 26 /* the width of the column of names */

/* "  --name ARG   help", and with_takers the commands that take it: on the
 * same line where it fits in 80 columns, else on the next. */
static void print_option(FILE *out, const struct optdoc *d, bool with_takers)
{
	char left[48], shortopt[8] = "    ", names[128] = "";
	int width;

	if (d->opt.val < 256)
		snprintf(shortopt, sizeof(shortopt), "-%c, ", d->opt.val);
	snprintf(left, sizeof(left), "%s--%s%s%s", shortopt, d->opt.name,
		 d->arg ? " " : "", d->arg ? d->arg : "");
	width = fprintf(out, "  %-*s %s", LEFT, left, d->help);
	if (with_takers && d->bit) {
		takers(d->bit, names, sizeof(names));
		if (width + 3 + (int)strlen(names) >= 80)
			fprintf(out, "\n  %-*s", LEFT, "");
		fprintf(out, " (%s)", names);
	}
	fputc('\n', out);
}

static void usage_of(FILE *out, const struct command *cmd)
{
	fprintf(out, "usage: memscope %s [OPTIONS]%s%s\n\n%s.\n\noptions:\n", cmd->name,
		*cmd->operands ? " " : "", cmd->operands, cmd->summary);
	for (size_t i = 0; i < NR_OPTS; i++)
		if (!optdocs[i].bit || (cmd->takes & optdocs[i].bit))
			print_option(out, &optdocs[i], false);
	fputs("\nSee memscope(1).\n", out);
}

void usage(FILE *out, const struct command *cmd)
{
	if (cmd) {
		usage_of(out, cmd);
		return;
	}
	fputs("usage: memscope COMMAND [OPTIONS] PID|A B|-- COMMAND\n\n"
	      "Shows where a process's memory is and how much of it is in RAM.\n\n"
	      "commands:\n", out);
	for (size_t i = 0; i < nr_commands; i++) {
		char left[48];

		snprintf(left, sizeof(left), "%s %s", commands[i].name, commands[i].operands);
		fprintf(out, "  %-*s %s\n", LEFT, left, commands[i].summary);
	}
	fputs("\noptions (the commands that take each):\n", out);
	for (size_t i = 0; i < NR_OPTS; i++)
		print_option(out, &optdocs[i], true);
	fputs("\nexit status: 0 ok, 1 could not inspect the process (gone, permission),\n"
	      "2 usage or bad input; diff: 1 a --fail-if held, 2 the check could not run\n"
	      "(an input unreadable, the output unwritable); run: the command's.\n"
	      "'memscope COMMAND --help' lists what one command takes.  See memscope(1).\n", out);
}

static bool is(const struct opts *o, const char *command)
{
	return strcmp(o->cmd->name, command) == 0;
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
	for (size_t i = 0; i < NR_OPTS; i++) {
		char names[128];
		unsigned bit = optdocs[i].bit;

		if ((o->given & bit) && !(o->cmd->takes & bit))
			return misuse("--%s goes with %s, not '%s'", optdocs[i].opt.name,
				      takers(bit, names, sizeof(names)), o->cmd->name);
	}
	if (o->pread && is(o, "snap") && !o->pages)
		return misuse("%s", "--pread goes with 'snap --pages', not 'snap' alone");
	if (o->classes != -2 && (o->objects || o->group_by))
		return misuse("%s", "--classes is a column per class of each process: not with "
			      "--objects or --group-by");
	if (o->objects && (o->group_by || o->user || o->by_name))
		return misuse("%s", "--objects sums the files of every process: not with --group-by, "
			      "--user or --name");
	if (o->fast && o->working_set >= 0)
		return misuse("%s", "--working-set needs smaps' Referenced: not with --fast");
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
	if (is(o, "report")) {
		if (argc - optind < 1 || argc - optind > 2)
			return misuse("%s", "'report' takes one snapshot or two: memscope report [OPTIONS] A [B]");
		o->sides[0] = argv[optind];
		o->sides[1] = optind + 1 < argc ? argv[optind + 1] : NULL;
		return check_combinations(o);
	}
	if (is(o, "ps") || is(o, "kernel")) {
		if (optind < argc)
			return misuse("unexpected argument '%s'", argv[optind]);
		return check_combinations(o);
	}
	if (optind >= argc)
		return misuse("'%s' needs a PID", o->cmd->name);
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
	case 256 + 'A': o->cacert = optarg; return 0;
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

/* The options of ps; -1 when c is none of them. */
static int parse_ps(int c, struct opts *o)
{
	char why[128];
	int rc;

	switch (c) {
	case 256 + 'S': o->sort = optarg; return 0;
	case 256 + 'T':
		if ((o->top = parse_long(optarg, 1, LONG_MAX)) < 0)
			return misuse("--top takes a number of rows, not '%s'", optarg);
		return 0;
	case 256 + 'u': o->user = optarg; return 0;
	case 256 + 'O': o->objects = true; return 0;
	case 256 + 'K':
		o->classes = !strcmp(optarg, "rss") ? MS_RSS : !strcmp(optarg, "pss") ? MS_PSS :
			     !strcmp(optarg, "uss") ? FIELD_USS : -2;
		if (o->classes == -2)
			return misuse("--classes takes rss, pss or uss, not '%s'", optarg);
		return 0;
	case 256 + 'G':
		o->group_by = !strcmp(optarg, "comm") ? BY_COMM : !strcmp(optarg, "user") ? BY_USER :
			      !strcmp(optarg, "cgroup") ? BY_CGROUP : 0;
		if (!o->group_by)
			return misuse("--group-by takes comm, user or cgroup, not '%s'", optarg);
		return 0;
	case 256 + 'e':
		if (o->by_name)
			regfree(&o->name);
		rc = regcomp(&o->name, optarg, REG_EXTENDED | REG_NOSUB);
		o->by_name = rc == 0;
		if (rc != 0) {
			regerror(rc, &o->name, why, sizeof(why));
			why[0] = (char)tolower((unsigned char)why[0]); /* our messages' case */
			return misuse("--name takes a regular expression, not '%s': %s", optarg, why);
		}
		return 0;
	}
	return -1;
}

static int parse_working_set(const char *arg, struct opts *o)
{
	char *end;

	o->working_set = strtod(arg, &end);
	if (end == arg || *end || !(o->working_set >= 0 && o->working_set <= 86400))
		return misuse("--working-set takes seconds (0 to 86400), not '%s'", arg);
	return 0;
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
	while ((c = getopt_long(argc, argv, is(o, "run") ? "+:o:hV" : ":o:hV", longopts,
				NULL)) != -1) {
		int rc;

		for (size_t i = 0; i < NR_OPTS; i++)
			if (optdocs[i].opt.val == c)
				o->given |= optdocs[i].bit;
		rc = parse_comparing(c, o);
		if (rc < 0)
			rc = parse_ps(c, o);
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
		case 256 + 'F': o->fast = true; break;
		case 256 + 'y': o->pagetypes = true; break;
		case 256 + 'x': o->exact = true; break;
		case 256 + 'w':
			if (parse_working_set(optarg, o) != 0)
				return EXIT_USAGE;
			break;
		case 256 + 'C':
			if (strcmp(optarg, "always") && strcmp(optarg, "never") &&
			    strcmp(optarg, "auto"))
				return misuse("--color takes always, never or auto, not '%s'", optarg);
			o->color = optarg[0] == 'a' && optarg[1] == 'l' ? 1 : optarg[0] == 'n' ? 0 : -1;
			break;
		case 'h': usage(stdout, o->cmd); return finish_output(EXIT_OK);
		case 'V': return print_version();
		default:
			return option_misuse(c, argv[optind - 1]);
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

int open_context(struct opts *o)
{
	o->ctx = ms_ctx_new(o->proc);
	if (o->ctx)
		return EXIT_OK;
	error("cannot open '%s': %s", o->proc ? o->proc : "/proc", strerror(errno));
	/* a --proc that is not there is a bad argument; /proc itself, the machine */
	return o->proc ? EXIT_USAGE : EXIT_FAIL;
}

/* A read of process pid that failed with rc: says so (what we could not do
 * to it, and why) and gives the exit status. */
static int read_failed(int rc, char *err, size_t errlen, const char *what, pid_t pid)
{
	if (rc == -EACCES || rc == -EPERM)
		snprintf(err, errlen, "permission denied");
	error("cannot %s process '%d': %s", what, (int)pid, err[0] ? err : strerror(-rc));
	/* a file that does not parse is bad input, like a bad argument */
	return rc == -EBADMSG || rc == -E2BIG ? EXIT_USAGE : EXIT_FAIL;
}

int take_snapshot(const struct opts *o, unsigned flags, ms_region_fn *each, void *arg,
		  struct ms_snapshot **snap)
{
	char err[256] = "";
	int rc = 0;

	*snap = NULL;
	if (o->working_set >= 0)
		rc = start_working_set(o, o->ctx, err, sizeof(err));
	if (rc == 0)
		rc = ms_snapshot_take_each(o->ctx, o->pid, flags, each, arg, snap, err, sizeof(err));
	return rc == 0 ? EXIT_OK : read_failed(rc, err, sizeof(err), "inspect", o->pid);
}

/* A snapshot document written as it is read (stream_snapshot()). */
struct doc_out {
	const struct opts *o;
	unsigned json_flags;
	char err[256];
	int read_rc;     /* 0, or why the read failed (else the output did) */
};

static int put_doc(int fd, void *arg)
{
	struct doc_out *d = arg;
	struct spool sp;
	int rc;

	spool_init(&sp, fd);
	rc = ms_snapshot_write_json(d->o->ctx, d->o->pid, 0, d->json_flags, spool_write, &sp,
				    d->err, sizeof(d->err));
	/* the spool's own error is the output's; but -ESPIPE is a read that
	 * started again, which the library has said */
	d->read_rc = sp.err && sp.err != -ESPIPE ? 0 : rc;
	if (rc == 0)
		rc = spool_write("\n", 1, &sp);
	if (rc == 0)
		rc = spool_finish(&sp);
	spool_release(&sp);
	return rc;
}

int stream_snapshot(const struct opts *o, unsigned json_flags)
{
	struct doc_out d = { .o = o, .json_flags = json_flags | (o->pretty ? MS_JSON_PRETTY : 0) };
	int rc = 0;

	if (o->working_set >= 0)
		rc = d.read_rc = start_working_set(o, o->ctx, d.err, sizeof(d.err));
	if (rc == 0 && o->output) {
		rc = write_atomically_with(o->output, put_doc, &d);
	} else if (rc == 0) {
		fflush(stdout);
		rc = put_doc(STDOUT_FILENO, &d);
	}
	if (rc == 0)
		return EXIT_OK;
	if (d.read_rc < 0)
		return read_failed(d.read_rc, d.err, sizeof(d.err), "inspect", o->pid);
	if (rc != -EPIPE)
		error("cannot write '%s': %s", o->output ? o->output : "the output", strerror(-rc));
	return EXIT_FAIL;
}

int read_residency(const struct opts *o, struct ms_snapshot *snap, unsigned flags)
{
	char err[256] = "";
	int rc = ms_residency_read(o->ctx, snap, flags | (o->pread ? MS_RES_PREAD : 0), err,
				   sizeof(err));

	return rc == 0 ? EXIT_OK : read_failed(rc, err, sizeof(err), "read the pages of", o->pid);
}
