/*
 * probe.c - memscope-probe: runs a scenario of malloc, brk, mmap, touch,
 * free and trim in a process of its own (probe-subject), step by step, and
 * after each step measures that process from outside with libmemscope.
 *
 * The system calls of each step are counted by the kernel's syscall
 * tracepoints (perf_event_open), where the kernel lets us (root, or
 * CAP_PERFMON with tracefs readable); elsewhere they are inferred from what
 * changed in the address space.
 */
#include "probe-step.h"
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct probe_opts {
	const char *scenario;
	bool json, pause, hold;
	long mmap_threshold, trim_threshold, top_pad, arena_max, threads; /* -1: unset */
	const char *allocator; /* "glibc" or "jemalloc" */
};

#define PROBE_SCENARIO(name, function, kernel, summary) { name, summary, kernel },
static const struct scenario {
	const char *name, *summary;
	bool kernel; /* the kernel's views measured too */
} scenarios[] = { PROBE_SCENARIOS(PROBE_SCENARIO) };
#define NR_SCENARIOS (sizeof(scenarios) / sizeof(*scenarios))

static int probe_usage(void)
{
	fputs("usage: memscope-probe SCENARIO [options]\n"
	      "\n"
	      "Runs a scenario step by step in a process of its own and shows what each\n"
	      "step did to that process's address space, measured from outside.\n"
	      "\n"
	      "scenarios:\n", stdout);
	for (size_t i = 0; i < NR_SCENARIOS; i++)
		printf("  %-12s %s\n", scenarios[i].name, scenarios[i].summary);
	fputs("\n"
	      "options:\n"
	      "  --json                one JSON object per step (JSON Lines)\n"
	      "  --pause               after each line, wait for a newline on stdin\n"
	      "  --hold                at the end, stay until stdin closes\n"
	      "  --mmap-threshold N    mallopt(M_MMAP_THRESHOLD, N) first (N: bytes, or 128K, 1M)\n"
	      "  --trim-threshold N    mallopt(M_TRIM_THRESHOLD, N) first\n"
	      "  --top-pad N           mallopt(M_TOP_PAD, N) first\n"
	      "  --arena-max N         mallopt(M_ARENA_MAX, N) first\n"
	      "  --threads N           threads for the threads scenario (1 to 256; 4)\n"
	      "  --allocator NAME      glibc (the default) or jemalloc (preloaded; Debian's libjemalloc2)\n"
	      "  --help                print this help and exit\n"
	      "  --version             print the version and exit\n",
	      stdout);
	return finish_output(EXIT_OK);
}

/* "131072", "128K", "128KiB", "1M": bytes up to INT_MAX; -1 when malformed. */
static long parse_size(const char *s)
{
	size_t n = strspn(s, "0123456789");
	int shift = 0;
	char num[24];
	long v;

	if (n == 0 || n >= sizeof(num))
		return -1;
	switch (s[n]) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	}
	if (shift && strcmp(s + n + 1, "") != 0 && strcmp(s + n + 1, "iB") != 0)
		return -1;
	if (!shift && s[n])
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	v = parse_long(num, 0, INT_MAX >> shift);
	return v < 0 ? -1 : v << shift;
}

/* The value of a numeric option: sizes, or a count of threads. */
static int parse_number(int c, const char *name, const char *arg, struct probe_opts *o)
{
	long *num = c == 'm' ? &o->mmap_threshold : c == 't' ? &o->trim_threshold :
		    c == 'T' ? &o->top_pad : c == 'a' ? &o->arena_max : &o->threads;

	*num = c == 'n' ? parse_long(arg, 1, 256) : parse_size(arg);
	return *num < 0 ? misuse("bad value '%s' for --%s", arg, name) : -1;
}

static const struct scenario *find_scenario(const char *name)
{
	for (size_t i = 0; i < NR_SCENARIOS; i++)
		if (strcmp(name, scenarios[i].name) == 0)
			return &scenarios[i];
	return NULL;
}

/* -1 to go on, or the exit status. */
static int parse(int argc, char **argv, struct probe_opts *o)
{
	static const struct option longs[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pause", no_argument, NULL, 'p' },
		{ "hold", no_argument, NULL, 'H' },
		{ "mmap-threshold", required_argument, NULL, 'm' },
		{ "trim-threshold", required_argument, NULL, 't' },
		{ "top-pad", required_argument, NULL, 'T' },
		{ "arena-max", required_argument, NULL, 'a' },
		{ "threads", required_argument, NULL, 'n' },
		{ "allocator", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, li = 0, rc = -1;

	*o = (struct probe_opts){ .mmap_threshold = -1, .trim_threshold = -1, .top_pad = -1,
				  .arena_max = -1, .threads = -1, .allocator = "glibc" };
	opterr = 0;
	while (rc < 0 && (c = getopt_long(argc, argv, ":", longs, &li)) != -1) {
		switch (c) {
		case 'j': o->json = true; break;
		case 'p': o->pause = true; break;
		case 'H': o->hold = true; break;
		case 'A':
			if (strcmp(optarg, "glibc") && strcmp(optarg, "jemalloc"))
				return misuse("--allocator takes glibc or jemalloc, not '%s'", optarg);
			o->allocator = optarg;
			break;
		case 'h': return probe_usage();
		case 'V': return print_version();
		case 'm': case 't': case 'T': case 'a': case 'n':
			rc = parse_number(c, longs[li].name, optarg, o);
			break;
		default: return option_misuse(c, argv[optind - 1]);
		}
	}
	if (rc >= 0)
		return rc;
	if (optind != argc - 1)
		return misuse(optind == argc ? "which scenario? (memscope-probe --help lists them)" :
			      "one scenario at a time");
	o->scenario = argv[optind];
	return find_scenario(o->scenario) ? -1 : misuse("unknown scenario '%s'", o->scenario);
}

/* ---- the subject ---- */

struct subject {
	pid_t pid;
	int status;                /* once reaped, its wait status */
	bool reaped;
	int go, report;            /* our ends of the pipes */
	int counters[CALL_COUNT];  /* perf events, -1 when not counted */
	uint64_t counted[CALL_COUNT];
};

static pid_t spawn(const char *path, const struct probe_opts *o, struct subject *s)
{
	int go[2], rep[2];
	char args[5][24];
	const long vals[5] = { o->mmap_threshold, o->trim_threshold, o->top_pad, o->arena_max,
			       o->threads };
	char *argv[9] = { (char *)"probe-subject", (char *)o->scenario };
	pid_t pid;

	for (int i = 0; i < 5; i++) {
		snprintf(args[i], sizeof(args[i]), "%ld", vals[i]);
		argv[i + 2] = args[i];
	}
	argv[7] = (char *)o->allocator;
	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(rep, O_CLOEXEC) < 0) {
		close(go[0]), close(go[1]);
		return -errno;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char c;
		/* out of the way first: a pipe may already sit on 3 or 4, and
		 * dup2 onto itself would keep close-on-exec */
		int g = fcntl(go[0], F_DUPFD, 10), r = fcntl(rep[1], F_DUPFD, 10);

		/* exec once the counters are on (enable_on_exec) */
		if (g < 0 || r < 0 || read(g, &c, 1) != 1 || dup2(g, PROBE_GO_FD) < 0 ||
		    dup2(r, PROBE_REPORT_FD) < 0)
			_exit(127);
		execv(path, argv);
		_exit(127);
	}
	close(go[0]);
	close(rep[1]);
	if (pid < 0) {
		close(go[1]), close(rep[0]);
		return -errno;
	}
	s->pid = pid;
	s->go = go[1];
	s->report = rep[0];
	return pid;
}

/* ---- counting system calls ---- */

static long tracepoint_id(const char *call)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[128], buf[32];

	for (size_t i = 0; i < 2; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/events/syscalls/sys_enter_%s/id", roots[i], call);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f)) {
			fclose(f);
			return strtol(buf, NULL, 10);
		}
		fclose(f);
	}
	return -1;
}

/* Counters on the subject's main thread from its exec on; all or none. */
static bool open_counters(struct subject *s)
{
	for (int k = 0; k < CALL_COUNT; k++)
		s->counters[k] = -1;
	for (int k = 0; k < CALL_COUNT; k++) {
		struct perf_event_attr a = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(a),
					     .disabled = 1, .enable_on_exec = 1 };
		long id = tracepoint_id(probe_call_names[k]);

		if (id < 0)
			goto none;
		a.config = (uint64_t)id;
		s->counters[k] = (int)syscall(SYS_perf_event_open, &a, s->pid, -1, -1,
					      PERF_FLAG_FD_CLOEXEC);
		if (s->counters[k] < 0)
			goto none;
	}
	return true;
none:
	for (int k = 0; k < CALL_COUNT; k++)
		if (s->counters[k] >= 0)
			close(s->counters[k]);
	for (int k = 0; k < CALL_COUNT; k++)
		s->counters[k] = -1;
	return false;
}

/* The calls since the last read, into calls[]. */
static bool read_counters(struct subject *s, uint64_t *calls)
{
	for (int k = 0; k < CALL_COUNT; k++) {
		uint64_t v;

		if (s->counters[k] < 0 || read(s->counters[k], &v, sizeof(v)) != sizeof(v))
			return false;
		calls[k] = v - s->counted[k];
		s->counted[k] = v;
	}
	return true;
}

/* ---- the steps ---- */

static int go_on(struct subject *s)
{
	ssize_t n;

	do
		n = write(s->go, "g", 1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -EPIPE;
}

static int read_report(struct subject *s, struct probe_report *r)
{
	size_t got = 0;

	while (got < sizeof(*r)) {
		ssize_t n = read(s->report, (char *)r + got, sizeof(*r) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		got += (size_t)n;
	}
	return r->magic == PROBE_MAGIC ? 0 : -EBADMSG;
}

/* A newline on stdin, or its end. */
static void wait_newline(void)
{
	int c;

	while ((c = getchar()) != EOF && c != '\n')
		;
}

static void wait_eof(void)
{
	while (getchar() != EOF)
		;
}

static int take(struct ms_ctx *ctx, pid_t pid, struct ms_snapshot **snap)
{
	char err[256];
	int rc = ms_snapshot_take(ctx, pid, 0, snap, err, sizeof(err));

	if (rc < 0)
		error("cannot inspect process '%d': %s", (int)pid, err);
	return rc;
}

/* The subject ended before step n: reaped, and why said. */
static void ended(const struct probe_opts *o, struct subject *s, int n)
{
	while (waitpid(s->pid, &s->status, 0) < 0 && errno == EINTR)
		;
	s->reaped = true;
	if (n == 0 && WIFEXITED(s->status) && WEXITSTATUS(s->status) == PROBE_NO_ALLOCATOR)
		error("cannot load %s into the scenario's process (%s: Debian's libjemalloc2)",
		      o->allocator, PROBE_JEMALLOC);
	else
		error("the scenario's process ended before its step %d", n);
}

/* A kernel scenario's views of the machine after a step into *k (the one
 * before freed); 0, or the error said. */
static int take_kernel(const struct probe_opts *o, struct ms_ctx *ctx, struct ms_kernel **k)
{
	char err[256];
	int rc;

	ms_kernel_free(*k);
	*k = NULL;
	if (!find_scenario(o->scenario)->kernel)
		return 0;
	rc = ms_kernel_take(ctx, 0, k, err, sizeof(err));
	if (rc < 0)
		error("cannot read the kernel's views: %s", err);
	return rc;
}

/* A step's lines on stdout; 0, or < 0 said, but for a reader gone (a
 * closed pipe: SIGPIPE is ignored for the subject's pipes), which ends
 * the probe quietly, as memscope ends */
static int print_step(const struct probe_opts *o, const struct probe_view *v)
{
	int rc = o->json ? probe_print_json(stdout, v) : probe_print_human(stdout, v);

	if (rc == 0 && fflush(stdout) != 0)
		rc = errno == EPIPE ? -EPIPE : -EIO;
	else if (rc < 0 && ferror(stdout) && errno == EPIPE)
		rc = -EPIPE;
	if (rc < 0 && rc != -EPIPE)
		error("cannot write the output: %s", strerror(-rc));
	return rc;
}

static int run(const struct probe_opts *o, struct subject *s, bool counting)
{
	struct ms_ctx *ctx = ms_ctx_new(NULL);
	struct probe_report rep[2];
	struct ms_snapshot *snap[2] = { NULL, NULL }, *child = NULL;
	struct ms_kernel *kern[2] = { NULL, NULL };
	int cur = 0, rc = ctx ? 0 : -ENOMEM;

	for (int n = 0; rc == 0; n++, cur ^= 1) {
		struct probe_view v = { .scenario = o->scenario, .allocator = o->allocator,
					.pid = s->pid };

		if ((rc = read_report(s, &rep[cur])) < 0) {
			ended(o, s, n);
			break;
		}
		ms_snapshot_free(snap[cur]);
		snap[cur] = NULL;
		ms_snapshot_free(child);
		child = NULL;
		if ((rc = take(ctx, s->pid, &snap[cur])) < 0 ||
		    (rep[cur].child && (rc = take(ctx, (pid_t)rep[cur].child, &child)) < 0) ||
		    (rc = take_kernel(o, ctx, &kern[cur])) < 0)
			break;
		v.kernel = kern[cur];
		v.prev_kernel = n ? kern[cur ^ 1] : NULL;
		v.rep = &rep[cur];
		v.snap = snap[cur];
		v.prev_rep = n ? &rep[cur ^ 1] : NULL;
		v.prev = n ? snap[cur ^ 1] : NULL;
		v.child = child;
		v.have_calls = counting && read_counters(s, v.calls);
		if ((rc = print_step(o, &v)) < 0)
			break;
		if (rep[cur].last && o->hold)
			wait_eof();
		else if (o->pause)
			wait_newline();
		if (go_on(s) < 0 && !rep[cur].last) {
			error("the scenario's process is gone");
			rc = -EPIPE;
		}
		if (rep[cur].last)
			break;
	}
	ms_snapshot_free(snap[0]);
	ms_snapshot_free(snap[1]);
	ms_snapshot_free(child);
	ms_kernel_free(kern[0]);
	ms_kernel_free(kern[1]);
	ms_ctx_free(ctx);
	return rc;
}

int main(int argc, char **argv)
{
	struct probe_opts o;
	struct subject s = { .pid = -1 };
	char path[PATH_MAX];
	int rc, status;
	bool counting;

	set_program_name("memscope-probe");
	rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	if ((rc = find_helper("probe-subject", "MEMSCOPE_PROBE_SUBJECT", path, sizeof(path))) < 0) {
		error("cannot find probe-subject ('%s'): %s", path, strerror(-rc));
		return EXIT_FAIL;
	}
	if ((rc = spawn(path, &o, &s)) < 0) {
		error("cannot start '%s': %s", path, strerror(-rc));
		return EXIT_FAIL;
	}
	counting = open_counters(&s);
	rc = go_on(&s) < 0 ? -EPIPE : run(&o, &s, counting);
	close(s.go);
	close(s.report);
	for (int k = 0; k < CALL_COUNT; k++)
		if (s.counters[k] >= 0)
			close(s.counters[k]);
	if (rc < 0)
		kill(s.pid, SIGKILL);
	while (!s.reaped && waitpid(s.pid, &status, 0) < 0 && errno == EINTR)
		;
	if (s.reaped)
		status = s.status;
	if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		error("the scenario's process failed (status %d)", status);
		return EXIT_FAIL;
	}
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}
