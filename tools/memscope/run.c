/*
 * run.c - "memscope run [OPTIONS] -- COMMAND ARGS...": runs a command,
 * samples the memory of it and every process it starts, per class, until
 * it exits; prints the peak and final figures per class (what
 * /usr/bin/time -v does for max Rss, by class), writes the series (-o FILE,
 * --svg FILE), and exits with the command's status.
 *
 * Sampling at an interval misses a process that lives less than one, and
 * any peak between two samples.  So the command and its children are
 * traced (ptrace: fork, clone, exec and exit events, and a seccomp filter
 * that stops only the calls that give memory back: munmap, brk, mremap,
 * madvise).  Memory grows between those calls and shrinks only through
 * them or at exit, so a sample taken just before each of them, and at each
 * exit with the address space still whole, sees every peak of a
 * single-threaded process.  A command that is itself being traced, or that
 * traces others, cannot run here; as another user than root the command
 * runs with no_new_privs (a setuid program in it gains nothing).
 */
#include "series.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

struct run {
	pthread_mutex_t mu;
	pid_t *procs;            /* processes alive (thread-group leaders) */
	size_t nr_procs, cap;
	struct series s;
	double t0, interval;
	pthread_cond_t wake;     /* on CLOCK_MONOTONIC: the sampler's ticks */
	bool done;
	struct sample final;     /* the tree when the command exited */
	bool have_final;
	int err;                 /* -ENOMEM while sampling */
	struct ms_ctx *ctx;      /* /proc, the command's; read-only, so shared */
};

/* ---- the processes ---- */

static void add_proc(struct run *r, pid_t pid)
{
	pthread_mutex_lock(&r->mu);
	if (r->nr_procs == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		pid_t *v = realloc(r->procs, cap * sizeof(*v));

		if (!v) {
			r->err = -ENOMEM;
			pthread_mutex_unlock(&r->mu);
			return;
		}
		r->procs = v;
		r->cap = cap;
	}
	r->procs[r->nr_procs++] = pid;
	pthread_mutex_unlock(&r->mu);
}

/* Whether pid is one of the run's processes; with drop, no longer. */
static bool find_proc(struct run *r, pid_t pid, bool drop)
{
	size_t i = 0;
	bool found;

	pthread_mutex_lock(&r->mu);
	while (i < r->nr_procs && r->procs[i] != pid)
		i++;
	found = i < r->nr_procs;
	if (found && drop)
		r->procs[i] = r->procs[--r->nr_procs];
	pthread_mutex_unlock(&r->mu);
	return found;
}

/* A task that clone made: a process of its own, or a thread? */
static bool is_leader(pid_t tid)
{
	char path[64], line[256];
	FILE *f;
	long tgid = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %ld", &tgid) == 1)
			break;
	if (f)
		fclose(f);
	return tgid == tid;
}

/* ---- samples ---- */

/* Every process alive now, summed, into the series; returns the sample. */
static struct sample take_sample(struct run *r)
{
	struct sample x;
	pid_t *procs;
	size_t n;

	memset(&x, 0, sizeof(x));
	pthread_mutex_lock(&r->mu);
	n = r->nr_procs;
	procs = malloc((n ? n : 1) * sizeof(*procs));
	if (procs)
		memcpy(procs, r->procs, n * sizeof(*procs));
	pthread_mutex_unlock(&r->mu);
	x.t = now_seconds(CLOCK_MONOTONIC) - r->t0;
	x.taken_at = now_seconds(CLOCK_REALTIME);
	for (size_t i = 0; procs && i < n; i++) {
		struct ms_snapshot *snap;
		char err[256];

		int rc = ms_snapshot_take(r->ctx, procs[i], 0, &snap, err, sizeof(err));

		if (rc == -ESTALE) /* it exec'd during the read: read the new program */
			rc = ms_snapshot_take(r->ctx, procs[i], 0, &snap, err, sizeof(err));
		/* a process that exits meanwhile is left out (its exit sample has it) */
		if (rc == 0) {
			sample_add(&x, snap);
			ms_snapshot_free(snap);
		}
	}
	pthread_mutex_lock(&r->mu);
	if (!procs || (x.processes && series_push(&r->s, &x) < 0))
		r->err = -ENOMEM;
	pthread_mutex_unlock(&r->mu);
	free(procs);
	return x;
}

/* Waits until when (CLOCK_MONOTONIC seconds); false once the command is
 * done. */
static bool wait_until(struct run *r, double when)
{
	struct timespec ts = { .tv_sec = (time_t)when };
	bool go_on;

	ts.tv_nsec = (long)((when - (double)ts.tv_sec) * 1e9);
	pthread_mutex_lock(&r->mu);
	while (!r->done && pthread_cond_timedwait(&r->wake, &r->mu, &ts) == 0)
		;
	go_on = !r->done;
	pthread_mutex_unlock(&r->mu);
	return go_on;
}

static void *sampler(void *arg)
{
	struct run *r = arg;

	for (long k = 0; wait_until(r, r->t0 + (double)k * r->interval); k++)
		take_sample(r);
	return NULL;
}

/* The sampler stops at once, not at its next tick. */
static void stop_sampler(struct run *r)
{
	pthread_mutex_lock(&r->mu);
	r->done = 1;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->mu);
}

/* ---- tracing ---- */

/* A filter that stops the calls that give memory back (SECCOMP_RET_TRACE)
 * and lets everything else through; other architectures: none. */
static void stop_at_releases(void)
{
#if defined(__x86_64__) || defined(__aarch64__)
#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#else
#define ARCH AUDIT_ARCH_AARCH64
#endif
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_munmap, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_brk, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mremap, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_madvise, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	if (geteuid() != 0)
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog); /* best effort: without it, the
							      interval and the exits */
#endif
}

/* The child: traced from its exec on; an exec that fails sends errno. */
static void child(char **argv, int errfd)
{
	int e;

	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	raise(SIGSTOP);
	stop_at_releases();
	execvp(argv[0], argv);
	e = errno;
	if (write(errfd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

#define OPTIONS (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | \
		 PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_TRACESECCOMP | \
		 PTRACE_O_EXITKILL)

/* One stop of a traced task, handled; it goes on afterwards. */
static void on_stop(struct run *r, pid_t tid, int status, pid_t cmd)
{
	int event = status >> 16, sig = WSTOPSIG(status), inject = 0;
	unsigned long msg = 0;
	siginfo_t si;

	if (sig == SIGTRAP && event) {
		ptrace(PTRACE_GETEVENTMSG, tid, NULL, &msg);
		if ((event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK) ||
		    (event == PTRACE_EVENT_CLONE && is_leader((pid_t)msg)))
			add_proc(r, (pid_t)msg);
		if (event == PTRACE_EVENT_SECCOMP)
			take_sample(r); /* about to give memory back: the peak so far */
		if (event == PTRACE_EVENT_EXIT && find_proc(r, tid, false)) {
			/* stopped at its exit, its memory still whole: its last sample */
			struct sample x = take_sample(r);

			if (tid == cmd) {
				r->final = x;
				r->have_final = true;
			}
			find_proc(r, tid, true);
		}
	} else if (sig != SIGSTOP && ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) == 0) {
		/* a signal for the task: delivered.  Not a SIGSTOP (a new task
		 * starts with one) nor a group stop (GETSIGINFO fails): those are
		 * let go, so job control does not stop a traced command */
		inject = sig;
	}
	ptrace(PTRACE_CONT, tid, NULL, (void *)(long)inject);
}

/* Waits for every traced task; the command's wait status and usage. */
static void trace(struct run *r, pid_t cmd, int *cmd_status, struct rusage *cmd_ru)
{
	for (;;) {
		struct rusage ru;
		int status;
		pid_t tid = wait4(-1, &status, __WALL, &ru);

		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: nobody left */
		}
		if (WIFSTOPPED(status)) {
			on_stop(r, tid, status, cmd);
			continue;
		}
		find_proc(r, tid, true); /* killed before its exit stop, perhaps */
		if (tid == cmd) {
			*cmd_status = status;
			*cmd_ru = ru;
		}
	}
}

/* Starts the command stopped and traced; its pid, or -1 (reported). */
static pid_t start(char **argv, int *errfd)
{
	int p[2], status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		child(argv, p[1]);
	close(p[1]);
	*errfd = p[0];
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)OPTIONS) < 0) {
		error("cannot start '%s': %s", argv[0], strerror(errno));
		if (pid > 0)
			kill(pid, SIGKILL);
		return -1;
	}
	return pid;
}

/* ---- the report ---- */

static void report_row(const struct opts *o, FILE *f, const char *name, const struct sum *p,
		       const struct sum *fin)
{
	static const int fields[] = { MS_SIZE, MS_RSS, MS_PSS, FIELD_USS };
	char buf[32];

	fprintf(f, "%-14s", name);
	for (int k = 0; k < 2; k++)
		for (size_t i = k; i < 4; i++) { /* the final size is not shown */
			uint64_t v;

			fprintf(f, " %10s", series_get(k ? fin : p, fields[i], &v) ?
				bytes_cell(buf, sizeof(buf), o, v) : "-");
		}
	fputc('\n', f);
}

static void report(const struct opts *o, const struct run *r, const struct sample *peak,
		   int status, const struct rusage *ru, double secs)
{
	const struct sample *fin = r->have_final ? &r->final : r->s.n ? &r->s.v[r->s.n - 1] : peak;
	char buf[32];

	fprintf(stderr, "memscope run: '%s' %s %d after %.2f s; %zu samples, %d process%s at most\n",
		o->run_argv[0], WIFSIGNALED(status) ? "was killed by signal" : "exited with status",
		WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), secs, r->s.n,
		peak->processes, peak->processes == 1 ? "" : "es");
	fprintf(stderr, "%-14s %10s %10s %10s %10s %10s %10s %10s\n", "CLASS", "PEAK SIZE",
		"PEAK RSS", "PEAK PSS", "PEAK USS", "FINAL RSS", "FINAL PSS", "FINAL USS");
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		if (peak->classes[c].count)
			report_row(o, stderr, ms_class_name((enum ms_class)c), &peak->classes[c],
				   &fin->classes[c]);
	report_row(o, stderr, "total", &peak->total, &fin->total);
	fprintf(stderr, "max Rss of the command alone (getrusage): %s\n",
		bytes_cell(buf, sizeof(buf), o, (uint64_t)ru->ru_maxrss * 1024));
}

/* -o FILE: the series as JSON; --svg FILE: as a chart.  0 or -1
 * (reported). */
static int write_series(const struct opts *o, const struct series *s, const struct sample *peak,
			const struct sample *fin, int status)
{
	char *text = o->output ? series_json(s, peak, fin, o->run_argv, status) : NULL;
	int rc = 0;

	if (o->output && (!text || (rc = write_atomically(o->output, text)) < 0)) {
		error("cannot write '%s': %s", o->output, strerror(text ? -rc : ENOMEM));
		rc = -1;
	}
	free(text);
	if (rc == 0 && o->svg) {
		char title[128];

		snprintf(title, sizeof(title), "memscope run %s: Rss per class", o->run_argv[0]);
		if ((rc = series_svg(s, title, o->svg)) < 0) {
			error("cannot write '%s': %s", o->svg, strerror(-rc));
			rc = -1;
		}
	}
	return rc;
}

int cmd_run(const struct opts *o)
{
	struct run r = { .mu = PTHREAD_MUTEX_INITIALIZER };
	pthread_condattr_t attr;
	struct rusage ru;
	struct sample peak;
	pthread_t thread;
	int status = 0, errfd = -1, exec_errno = 0, rc = EXIT_OK;
	bool sampling;
	pid_t cmd;

	memset(&ru, 0, sizeof(ru));
	r.ctx = o->ctx;
	r.interval = o->interval > 0 ? o->interval : 0.1;
	if ((cmd = start(o->run_argv, &errfd)) < 0)
		return EXIT_FAIL;
	add_proc(&r, cmd);
	/* as time(1): ^C and ^\ are the command's to act on; the report follows */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&r.wake, &attr);
	pthread_condattr_destroy(&attr);
	r.t0 = now_seconds(CLOCK_MONOTONIC);
	sampling = pthread_create(&thread, NULL, sampler, &r) == 0;
	ptrace(PTRACE_CONT, cmd, NULL, NULL);
	trace(&r, cmd, &status, &ru);
	stop_sampler(&r);
	if (sampling)
		pthread_join(thread, NULL);
	pthread_cond_destroy(&r.wake);
	if (read(errfd, &exec_errno, sizeof(exec_errno)) == sizeof(exec_errno)) {
		error("cannot run '%s': %s", o->run_argv[0], strerror(exec_errno));
		rc = 127;
	}
	close(errfd);
	series_peak(&r.s, &peak);
	if (rc == EXIT_OK && r.err) {
		error("cannot keep the samples: %s", strerror(-r.err));
		rc = EXIT_FAIL;
	}
	if (rc == EXIT_OK) {
		report(o, &r, &peak, status, &ru, now_seconds(CLOCK_MONOTONIC) - r.t0);
		if (write_series(o, &r.s, &peak, r.have_final ? &r.final : NULL, status) < 0)
			rc = EXIT_FAIL;
		else
			rc = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	}
	series_free(&r.s);
	free(r.procs);
	return rc;
}
