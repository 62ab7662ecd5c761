/*
 * unit_live.c - live processes with known layouts, read by the library and
 * by the memscope command, checked against what the helpers know and
 * against the kernel's own smaps and smaps_rollup.
 */
#define _GNU_SOURCE
#include "testlib.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* the machine's page size, in bytes */
#define PAGE ((uint64_t)sysconf(_SC_PAGESIZE))

struct helper {
	pid_t pid;
	int in;     /* its stdin: closing it ends the helper */
	FILE *out;  /* its report */
};

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

static void helper_start(struct helper *h, char *const argv[])
{
	int in[2], out[2];

	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	h->pid = fork();
	ck_assert_int_ge(h->pid, 0);
	if (h->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	h->in = in[1];
	h->out = fdopen(out[0], "r");
}

/* Reads report lines until "ready"; each goes to fn. */
static void helper_wait(struct helper *h, void (*fn)(const char *line, void *arg), void *arg)
{
	char line[512];

	while (fgets(line, sizeof(line), h->out)) {
		if (strcmp(line, "ready\n") == 0)
			return;
		if (fn)
			fn(line, arg);
	}
	ck_abort_msg("the helper ended before it was ready");
}

static void helper_stop(struct helper *h)
{
	int status;

	close(h->in);
	fclose(h->out);
	ck_assert_int_eq(waitpid(h->pid, &status, 0), h->pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "helper failed");
}

static struct ms_snapshot *live(pid_t pid)
{
	struct ms_snapshot *s;
	char err[256] = "";

	ck_assert_msg(tl_take("/proc", pid, 0, &s, err, sizeof(err)) == 0, "%s", err);
	return s;
}

/* Runs "memscope snap PID" and reads its JSON back with the library. */
static struct ms_snapshot *live_cli(pid_t pid)
{
	char cmd[PATH_MAX + 64], err[256] = "", *text = NULL;
	size_t cap = 0, len = 0, n;
	struct ms_snapshot *s;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s' snap %d", env_or("MEMSCOPE", "memscope"),
		 (int)pid);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			text = realloc(text, cap);
		}
		n = fread(text + len, 1, cap - len, p);
		len += n;
	} while (n > 0);
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_msg(ms_snapshot_from_json(text, len, &s, err, sizeof(err)) == 0, "%s", err);
	free(text);
	return s;
}

/* ---- the layout helper ---- */

struct layout {
	char dir[64];
	struct ms_snapshot *s;
	const char *how;
	int regions;
	uint64_t thread[2], brk[2], malloc200k, shared;
	pid_t child;
};

static void check_line(const char *line, void *arg)
{
	struct layout *l = arg;
	char name[64], cls[32];
	unsigned long start, end, rss, pss;
	const struct ms_region *r;
	uint64_t uss;

	if (sscanf(line, "thread %lx %lx", &start, &end) == 2) {
		l->thread[0] = start, l->thread[1] = end;
	} else if (sscanf(line, "brk %lx %lx", &start, &end) == 2) {
		l->brk[0] = start, l->brk[1] = end;
	} else if (sscanf(line, "malloc200k %lx", &start) == 1) {
		l->malloc200k = start;
	} else if (sscanf(line, "child %d", &l->child) == 1 ||
		   sscanf(line, "markers %lx %lu", &start, &rss) == 2) {
	} else {
		ck_assert_int_eq(sscanf(line, "region %63s %lx %lx %31s %lu %lu", name, &start,
					&end, cls, &rss, &pss), 6);
		r = tl_region_at(l->s, start);
		ck_assert_msg(r, "%s: %s at %lx is missing", l->how, name, start);
		ck_assert_msg(r->end == end, "%s: %s ends at %lx", l->how, name,
			      (unsigned long)r->end);
		ck_assert_msg(strcmp(ms_class_name(r->class), cls) == 0, "%s: %s is %s, not %s",
			      l->how, name, ms_class_name(r->class), cls);
		ck_assert_msg(r->c.v[MS_RSS] == rss, "%s: %s rss %lu, expected %lu", l->how,
			      name, (unsigned long)r->c.v[MS_RSS], rss);
		ck_assert_msg(r->c.v[MS_PSS] == pss, "%s: %s pss %lu, expected %lu", l->how,
			      name, (unsigned long)r->c.v[MS_PSS], pss);
		ck_assert(ms_counts_uss(&r->c, &uss));
		/* what the child maps too is shared; the rest is ours alone */
		ck_assert_uint_eq(uss, strcmp(name, "anon-shared-32") ? rss : 0);
		ck_assert_uint_eq(r->c.v[MS_SWAP], 0);
		if (strcmp(name, "anon-shared-32") == 0)
			l->shared = start;
		l->regions++;
	}
}

static void check_layout(struct layout *l)
{
	const struct ms_region *r = tl_region_at(l->s, l->thread[0]);
	char path[128];
	size_t i;

	ck_assert_int_eq(l->regions, 12);
	ck_assert_msg(r && r->end == l->thread[1], "%s: no thread stack region", l->how);
	ck_assert_str_eq(ms_class_name(r->class), "thread-stack");
	ck_assert_str_eq(ms_class_name(r[-1].class), "guard");
	r = tl_region_holding(l->s, l->brk[1] - 1);
	ck_assert_msg(r && r->class == MS_CLASS_HEAP && r->end == l->brk[1], "%s: heap", l->how);
	ck_assert_uint_ge(r->c.v[MS_RSS], l->brk[1] - l->brk[0]);
	r = tl_region_holding(l->s, l->malloc200k);
	ck_assert_msg(r && r->class == MS_CLASS_ANON, "%s: the 200 KiB malloc", l->how);
	ck_assert_uint_ge(r->end - l->malloc200k, 200 << 10);
	ck_assert_uint_ge(r->c.v[MS_RSS], 200 << 10);
	for (i = 0; i < l->s->nr_regions; i++)
		if (strstr(l->s->regions[i].path, "deleted.dat"))
			break;
	ck_assert_msg(i < l->s->nr_regions && l->s->regions[i].deleted, "%s: deleted", l->how);
	snprintf(path, sizeof(path), "%s/a b\\012c", l->dir);
	for (i = 0; i < l->s->nr_regions && strcmp(l->s->regions[i].path, path); i++)
		;
	ck_assert_msg(i < l->s->nr_regions, "%s: no region named '%s'", l->how, path);
	for (i = 0; i < l->s->nr_objects && l->s->objects[i].kind != MS_OBJECT_EXE; i++)
		;
	ck_assert_msg(i < l->s->nr_objects && strstr(l->s->objects[i].path, "layout"),
		      "%s: the executable", l->how);
}

struct report {
	char *lines[64];
	int n;
};

static void keep_line(const char *line, void *arg)
{
	struct report *rep = arg;

	ck_assert_int_lt(rep->n, 64);
	rep->lines[rep->n++] = strdup(line);
}

static void run_layout(bool through_cli)
{
	struct layout l = { .how = through_cli ? "memscope snap" : "library" };
	char helper[PATH_MAX], *argv[] = { helper, l.dir, NULL };
	struct report rep = { .n = 0 };
	struct ms_snapshot *child;
	const struct ms_region *r;
	struct helper h;

	snprintf(helper, sizeof(helper), "%s/layout", env_or("HELPERS", HELPERS));
	strcpy(l.dir, "/tmp/memscope-layout.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(l.dir));
	helper_start(&h, argv);
	helper_wait(&h, keep_line, &rep);
	l.s = through_cli ? live_cli(h.pid) : live(h.pid);
	for (int i = 0; i < rep.n; i++) {
		check_line(rep.lines[i], &l);
		free(rep.lines[i]);
	}
	check_layout(&l);
	/* the child maps the shared memory too: half of it is its own */
	child = live(l.child);
	r = tl_region_at(child, l.shared);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(ms_class_name(r->class), "anon-shared");
	ck_assert_uint_eq(r->c.v[MS_RSS], 32 * PAGE);
	ck_assert_uint_eq(r->c.v[MS_PSS] * 2, r->c.v[MS_RSS]);
	ms_snapshot_free(child);
	ms_snapshot_free(l.s);
	helper_stop(&h);
	rmdir(l.dir);
}

START_TEST(layout_through_library)
{
	run_layout(false);
}
END_TEST

START_TEST(layout_through_cli)
{
	run_layout(true);
}
END_TEST

/* ---- residency ---- */

/* The helper's guard markers: where, and how many it could install. */
static uint64_t markers_at, markers_n;

/* What the helper's report says of a region, and the page it starts. */
struct owned {
	char name[64];
	uint64_t start, pages;
};

static size_t parse_owned(const struct report *rep, struct owned *o, size_t max)
{
	size_t n = 0;

	for (int i = 0; i < rep->n && n < max; i++) {
		unsigned long start, end, rss, pss;
		char cls[32];

		if (sscanf(rep->lines[i], "markers %lx %lu", &start, &rss) == 2) {
			markers_at = start;
			markers_n = rss;
		}
		if (sscanf(rep->lines[i], "region %63s %lx %lx %31s %lu %lu", o[n].name, &start,
			   &end, cls, &rss, &pss) == 6) {
			o[n].start = start;
			o[n].pages = rss / PAGE;
			n++;
		}
	}
	return n;
}

static bool is_shared_memory(const char *name)
{
	return strstr(name, "shared") || strstr(name, "sysv") || strstr(name, "memfd") ||
	       strstr(name, "weird");
}

/* Runs tile the region, alternate in state, and add up to the counts. */
static void check_runs_tile(const struct ms_region *r, const struct ms_residency *res)
{
	uint64_t at = r->start, present = 0, swapped = 0;

	ck_assert_uint_gt(res->nr_runs, 0);
	for (size_t k = 0; k < res->nr_runs; k++) {
		const struct ms_run *run = &res->runs[k];

		ck_assert_uint_eq(run->start, at);
		ck_assert_uint_gt(run->end, run->start);
		if (k > 0)
			ck_assert_int_ne(run->state, res->runs[k - 1].state);
		present += run->state == MS_PAGE_PRESENT ? (run->end - run->start) / PAGE : 0;
		swapped += run->state == MS_PAGE_SWAPPED ? (run->end - run->start) / PAGE : 0;
		at = run->end;
	}
	ck_assert_uint_eq(at, r->end);
	ck_assert_uint_eq(present, res->present);
	ck_assert_uint_eq(swapped, res->swapped);
}

/* The runs of every region: the same both ways, whole. */
static void check_runs(struct ms_ctx *ctx, struct ms_snapshot *s)
{
	struct ms_residency *scan;
	char err[256] = "";

	ck_assert_int_eq(ms_residency_read(ctx, s, MS_RES_RUNS, err, sizeof(err)), 0);
	scan = s->res;
	s->res = NULL; /* kept for the comparison */
	ck_assert_int_eq(ms_residency_read(ctx, s, MS_RES_RUNS | MS_RES_PREAD, err, sizeof(err)),
			 0);
	for (size_t i = 0; i < s->nr_regions; i++) {
		ck_assert_uint_eq(scan[i].nr_runs, s->res[i].nr_runs);
		for (size_t k = 0; k < scan[i].nr_runs; k++) {
			ck_assert_uint_eq(scan[i].runs[k].start, s->res[i].runs[k].start);
			ck_assert_uint_eq(scan[i].runs[k].end, s->res[i].runs[k].end);
			ck_assert_int_eq(scan[i].runs[k].state, s->res[i].runs[k].state);
		}
		if (strcmp(s->regions[i].path, "[vsyscall]") != 0)
			check_runs_tile(&s->regions[i], &s->res[i]);
		free(scan[i].runs);
	}
	free(scan);
}

/* The counts of the helper's own regions: exact, and the same both ways. */
static void check_residency(struct ms_snapshot *s, const struct owned *o, size_t n,
			    bool root)
{
	struct ms_residency scan[64];
	char err[256] = "";
	struct ms_ctx *ctx = ms_ctx_new(NULL);

	ck_assert_int_eq(ms_residency_read(ctx, s, 0, err, sizeof(err)), 0);
	ck_assert_str_eq(s->res_method, "pagemap-scan");
	for (size_t i = 0; i < n; i++)
		scan[i] = s->res[tl_region_at(s, o[i].start) - s->regions];
	ck_assert_int_eq(ms_residency_read(ctx, s, MS_RES_PREAD, err, sizeof(err)), 0);
	ck_assert_str_eq(s->res_method, "pread");
	for (size_t i = 0; i < n; i++) {
		const struct ms_residency *a = &scan[i];
		const struct ms_residency *b = &s->res[tl_region_at(s, o[i].start) - s->regions];
		bool shared_anon = strcmp(o[i].name, "anon-shared-32") == 0;

		ck_assert_msg(a->present == o[i].pages, "%s: %lu present, expected %lu",
			      o[i].name, (unsigned long)a->present, (unsigned long)o[i].pages);
		ck_assert_uint_eq(b->present, a->present);
		ck_assert_uint_eq(b->swapped, a->swapped);
		ck_assert_uint_eq(b->file, a->file);
		ck_assert_uint_eq(b->exclusive, a->exclusive);
		ck_assert_uint_eq(b->markers, a->markers);
		ck_assert_uint_eq(a->markers, o[i].start == markers_at ? markers_n : 0);
		ck_assert_msg(a->exclusive == (shared_anon ? 0 : o[i].pages), "%s: %lu exclusive",
			      o[i].name, (unsigned long)a->exclusive);
		ck_assert_uint_eq(a->file, is_shared_memory(o[i].name) ? o[i].pages : 0);
		ck_assert_uint_eq(a->swapped, 0);
		if (root) {
			ck_assert_int_eq(b->uss_exact, a->uss_exact);
			ck_assert_int_eq(b->pss_exact, a->pss_exact);
			ck_assert_int_eq(a->uss_exact, (int64_t)(a->exclusive * PAGE));
			ck_assert_int_eq(a->pss_exact, (int64_t)(o[i].pages * PAGE) / (shared_anon ? 2 : 1));
			ck_assert_int_eq(a->zero, 0);
			ck_assert_ptr_null(s->res_pfn_why);
		} else {
			ck_assert_int_eq(a->uss_exact, -1);
			ck_assert_int_eq(b->pss_exact, -1);
			ck_assert_int_eq(b->zero, -1); /* pread alone cannot tell */
			ck_assert_ptr_nonnull(s->res_pfn_why);
		}
	}
	check_runs(ctx, s);
	ms_ctx_free(ctx);
}

/* clear_refs: what was referenced is not, until the process touches it. */
static void check_working_set(pid_t pid, const struct owned *o, size_t n)
{
	struct ms_ctx *ctx = ms_ctx_new(NULL);
	struct ms_snapshot *s;
	char err[256] = "";

	ck_assert_msg(ms_clear_refs(ctx, pid, err, sizeof(err)) == 0, "%s", err);
	s = live(pid);
	for (size_t i = 0; i < n; i++) {
		const struct ms_region *r = tl_region_at(s, o[i].start);

		/* shared memory the child maps can still be referenced through it */
		if (strcmp(o[i].name, "anon-shared-32") != 0)
			ck_assert_msg(r->c.v[MS_REFERENCED] == 0, "%s: %lu referenced", o[i].name,
				      (unsigned long)r->c.v[MS_REFERENCED]);
	}
	ms_snapshot_free(s);
	ck_assert_int_eq(ms_clear_refs(ctx, 999999999, err, sizeof(err)), -ESRCH);
	ms_ctx_free(ctx);
}

/* A copy of the file at from, executable, at to: the build tree may be out
 * of an unprivileged user's reach (a clone in root's home, mode 700). */
static void copy_program(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	ssize_t n;

	ck_assert_int_ge(in, 0);
	ck_assert_int_ge(out, 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	ck_assert_int_eq(n, 0);
	close(in);
	ck_assert_int_eq(close(out), 0);
}

static void run_residency(bool as_root)
{
	char helper[PATH_MAX], dir[64] = "/tmp/memscope-pages.XXXXXX";
	char *argv[] = { helper, dir, NULL };
	struct report rep = { .n = 0 };
	struct owned owned[32];
	struct ms_snapshot *s;
	struct helper h;
	size_t n;

	snprintf(helper, sizeof(helper), "%s/layout", env_or("HELPERS", HELPERS));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* root becomes nobody, with a copy of the helper it can run */
	if (!as_root && geteuid() == 0) {
		char copy[PATH_MAX];

		snprintf(copy, sizeof(copy), "%s/layout-copy", dir);
		copy_program(helper, copy);
		snprintf(helper, sizeof(helper), "%s", copy);
		ck_assert_int_eq(chmod(dir, 0755), 0);
		ck_assert_int_eq(chown(dir, 65534, 65534), 0);
		ck_assert_int_eq(setgid(65534), 0);
		ck_assert_int_eq(setuid(65534), 0);
	}
	helper_start(&h, argv);
	helper_wait(&h, keep_line, &rep);
	n = parse_owned(&rep, owned, 32);
	ck_assert_uint_eq(n, 12);
	s = live(h.pid);
	check_residency(s, owned, n, as_root);
	ms_snapshot_free(s);
	check_working_set(h.pid, owned, n);
	for (int i = 0; i < rep.n; i++)
		free(rep.lines[i]);
	helper_stop(&h);
	if (!as_root) {
		char copy[PATH_MAX];

		snprintf(copy, sizeof(copy), "%s/layout-copy", dir);
		unlink(copy);
	}
	rmdir(dir);
}

START_TEST(residency_as_root)
{
	if (geteuid() != 0)
		return; /* the unprivileged case covers it */
	run_residency(true);
}
END_TEST

/* An unprivileged user reads its own dumpable helper: all but the
 * PFN-based figures, which are null with a reason. */
START_TEST(residency_unprivileged)
{
	pid_t child;
	int status;

	if (geteuid() != 0) {
		run_residency(false);
		return;
	}
	child = fork(); /* setuid for good: in a process of its own */
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		run_residency(false);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "as nobody: failed");
}
END_TEST

struct killer {
	pid_t pid;
	unsigned usec;
};

static void *kill_later(void *arg)
{
	const struct killer *k = arg;

	usleep(k->usec);
	kill(k->pid, SIGKILL);
	return NULL;
}

/*
 * A process killed while its pages are walked (an 8 GiB region with 1 GiB
 * in it, two threads, PAGEMAP_SCAN and pread): the read either finished
 * first or says the process exited, never another error or a residency of
 * zeros.  The kill comes at another moment each time.
 */
START_TEST(residency_exit_during_walk)
{
	char helper[PATH_MAX], gib[] = "8", one[] = "1", err[256], line[128];
	char *argv[] = { helper, gib, one, NULL };
	struct ms_ctx *ctx = ms_ctx_new(NULL);
	unsigned delays[] = { 0, 500, 1000, 2000, 3000, 4000, 6000, 9000 }, gone = 0;

	snprintf(helper, sizeof(helper), "%s/sparse", env_or("HELPERS", HELPERS));
	for (size_t i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
		struct helper h;
		struct ms_snapshot *s;
		struct killer k;
		pthread_t t;
		int rc;

		helper_start(&h, argv);
		ck_assert_ptr_nonnull(fgets(line, sizeof(line), h.out));
		ck_assert_msg(strncmp(line, "ready ", 6) == 0, "sparse: %s", line);
		ck_assert_int_eq(ms_snapshot_take(ctx, h.pid, MS_SNAP_MAPS_ONLY, &s, err,
						  sizeof(err)), 0);
		k = (struct killer){ h.pid, delays[i] };
		ck_assert_int_eq(pthread_create(&t, NULL, kill_later, &k), 0);
		rc = ms_residency_read(ctx, s, 0, err, sizeof(err));
		pthread_join(t, NULL);
		ck_assert_msg(rc == 0 || rc == -ESRCH, "killed after %u us: %d %s", delays[i], rc, err);
		if (rc == -ESRCH) {
			ck_assert_str_eq(err, "the process exited while it was read");
			ck_assert_ptr_null(s->res);
			gone++;
		}
		close(h.in);
		fclose(h.out);
		waitpid(h.pid, NULL, 0);
		ms_snapshot_free(s);
	}
	ck_assert_uint_gt(gone, 0); /* the kill at once at least */
	ms_ctx_free(ctx);
}
END_TEST

/*
 * The shared zero page and transparent huge pages, in this process: 32
 * pages of a region read and not written, one written; a 4 MiB region of
 * huge pages where the kernel can make them (smaps' AnonHugePages says how
 * many).  Through PAGEMAP_SCAN's categories, and as root through kpageflags,
 * also on the pread path.
 */
/* 64 pages, of which 32 only read (the shared zero page) and one written;
 * 8 MiB holding 4 MiB of huge pages where the kernel has THP, written. */
static void zero_and_huge(char **zero, char **raw, char **huge)
{
	const size_t page = PAGE, two = 2u << 20;
	volatile char sink = 0;

	*zero = mmap(NULL, 64 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*raw = mmap(NULL, 4 * two, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(*zero != MAP_FAILED && *raw != MAP_FAILED);
	*huge = (char *)(((uintptr_t)*raw + two - 1) / two * two);
	ck_assert_int_eq(madvise(*zero, 64 * page, MADV_NOHUGEPAGE), 0);
	for (size_t i = 0; i < 64; i += 2)
		sink += (*zero)[i * page];
	(*zero)[page] = sink | 1;
	madvise(*huge, 2 * two, MADV_HUGEPAGE); /* a kernel without THP: no huge pages */
	memset(*huge, 1, 2 * two);
}

START_TEST(residency_zero_and_huge)
{
	const size_t page = PAGE, two = 2u << 20;
	unsigned flags[] = { MS_RES_NO_PFN, 0, MS_RES_PREAD };
	struct ms_ctx *ctx = ms_ctx_new(NULL);
	char err[256] = "", *zero, *raw, *huge;
	struct ms_snapshot *s;
	int64_t thp;

	zero_and_huge(&zero, &raw, &huge);
	s = live(getpid());
	thp = (int64_t)(tl_region_holding(s, (uintptr_t)huge)->c.v[MS_ANON_HUGE] / page);
	for (size_t k = 0; k < 3; k++) {
		const struct ms_residency *z, *h;
		bool known = flags[k] != MS_RES_PREAD || geteuid() == 0;

		ck_assert_msg(ms_residency_read(ctx, s, flags[k], err, sizeof(err)) == 0, "%s", err);
		z = &s->res[tl_region_holding(s, (uintptr_t)zero) - s->regions];
		h = &s->res[tl_region_holding(s, (uintptr_t)huge) - s->regions];
		ck_assert_uint_eq(z->present, 33);
		ck_assert_uint_eq(z->exclusive, 1);
		ck_assert_int_eq(z->zero, known ? 32 : -1);
		ck_assert_uint_ge(h->present, 1024);
		ck_assert_uint_eq(h->exclusive, h->present);
		ck_assert_int_eq(h->thp, known ? thp : -1);
		ck_assert_int_eq(h->zero, known ? 0 : -1);
	}
	ms_snapshot_free(s);
	ms_ctx_free(ctx);
	munmap(zero, 64 * page);
	munmap(raw, 4 * two);
}
END_TEST

/* MS_SNAP_FAST: Rss from pagemap, the zero page left out as smaps leaves
 * it out (PAGEMAP_SCAN tells it; pread of pagemap cannot), huge pages
 * counted whole; only Size, Rss and Swap known. */
START_TEST(fast_zero_and_huge)
{
	const size_t page = PAGE, two = 2u << 20;
	struct ms_ctx *ctx = ms_ctx_new(NULL);
	char err[256] = "", *zero, *raw, *huge;
	struct ms_snapshot *full, *fast, *pread;

	zero_and_huge(&zero, &raw, &huge);
	full = live(getpid());
	ck_assert_msg(ms_snapshot_take(ctx, getpid(), MS_SNAP_FAST, &fast, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_msg(ms_snapshot_take(ctx, getpid(), MS_SNAP_FAST | MS_SNAP_PREAD, &pread, err,
				       sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(tl_region_holding(fast, (uintptr_t)zero)->c.v[MS_RSS], page);
	ck_assert_uint_eq(tl_region_holding(full, (uintptr_t)zero)->c.v[MS_RSS], page);
	ck_assert_uint_eq(tl_region_holding(pread, (uintptr_t)zero)->c.v[MS_RSS], 33 * page);
	ck_assert_uint_eq(tl_region_holding(fast, (uintptr_t)huge)->c.v[MS_RSS],
			  tl_region_holding(full, (uintptr_t)huge)->c.v[MS_RSS]);
	ck_assert_uint_eq(tl_region_holding(pread, (uintptr_t)huge)->c.v[MS_RSS],
			  tl_region_holding(full, (uintptr_t)huge)->c.v[MS_RSS]);
	ck_assert(ms_counts_has(&fast->totals.c, MS_RSS) && ms_counts_has(&fast->totals.c, MS_SWAP));
	ck_assert(!ms_counts_has(&fast->totals.c, MS_PSS) && !fast->have_smaps && fast->fast);
	ms_snapshot_free(fast);
	ck_assert_int_eq(ms_snapshot_take(ctx, getpid(), MS_SNAP_FAST | MS_SNAP_STREAM, &fast, err,
					  sizeof(err)), -EINVAL);
	ck_assert_ptr_null(fast);
	ms_snapshot_free(full);
	ms_snapshot_free(pread);
	ms_ctx_free(ctx);
	munmap(zero, 64 * page);
	munmap(raw, 4 * two);
}
END_TEST

/* A process that dies after its snapshot was taken: its pagemap reads
 * short (as it does when the process dies in the middle of the walk), and
 * the read ends with a clean error, not with a residency of zeros. */
START_TEST(residency_exit_mid_scan)
{
	char helper[PATH_MAX], count[] = "5000", err[256] = "", *argv[] = { helper, count, NULL };
	struct ms_ctx *ctx = ms_ctx_new(NULL);
	struct ms_snapshot *s;
	struct helper h;

	snprintf(helper, sizeof(helper), "%s/regions", env_or("HELPERS", HELPERS));
	for (unsigned flags = 0; flags <= MS_RES_PREAD; flags += MS_RES_PREAD) {
		helper_start(&h, argv);
		helper_wait(&h, NULL, NULL);
		ck_assert_int_eq(ms_snapshot_take(ctx, h.pid, MS_SNAP_MAPS_ONLY, &s, err,
						  sizeof(err)), 0);
		kill(h.pid, SIGKILL);
		/* a zombie: /proc/PID is still there, its memory is not */
		while (waitid(P_PID, (id_t)h.pid, &(siginfo_t){ 0 }, WEXITED | WNOWAIT) < 0)
			;
		ck_assert_int_eq(ms_residency_read(ctx, s, flags, err, sizeof(err)), -ESRCH);
		ck_assert_str_eq(err, "it is a zombie (it exited; its memory is gone)");
		ck_assert_ptr_null(s->res);
		close(h.in);
		fclose(h.out);
		waitpid(h.pid, NULL, 0);
		ms_snapshot_free(s);
	}
	ms_ctx_free(ctx);
}
END_TEST

/* ---- threads ---- */

/* The threads of this process now: /proc/self/status "Threads:". */
static int own_threads(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

static void count_threads(const struct ms_region *r, void *arg)
{
	int *most = arg, n = own_threads();

	(void)r;
	if (n > *most)
		*most = n;
}

/*
 * A large smaps is read by a second thread while the caller parses; with
 * MS_CTX_ONE_THREAD all on the caller's, and the snapshot is the same.
 */
START_TEST(one_thread)
{
	char helper[PATH_MAX], count[] = "20000", err[256] = "", *argv[] = { helper, count, NULL };
	struct ms_snapshot *s[2];
	struct helper h;
	int most[2] = { 0, 0 };

	ck_assert_ptr_null(ms_ctx_open(NULL, 1u << 7));
	ck_assert_int_eq(errno, EINVAL);
	snprintf(helper, sizeof(helper), "%s/regions", env_or("HELPERS", HELPERS));
	helper_start(&h, argv);
	helper_wait(&h, NULL, NULL);
	for (int i = 0; i < 2; i++) {
		struct ms_ctx *ctx = ms_ctx_open(NULL, i ? MS_CTX_ONE_THREAD : 0);

		ck_assert_ptr_nonnull(ctx);
		ck_assert_int_eq(ms_snapshot_take_each(ctx, h.pid, 0, count_threads, &most[i], &s[i],
						       err, sizeof(err)), 0);
		ck_assert_int_eq(ms_residency_read(ctx, s[i], 0, err, sizeof(err)), 0);
		ms_ctx_free(ctx);
	}
	ck_assert_msg(most[0] >= 2, "no reader thread seen (%d)", most[0]);
	ck_assert_int_eq(most[1], 1);
	ck_assert_uint_eq(s[0]->nr_regions, s[1]->nr_regions);
	ck_assert_uint_eq(s[0]->totals.c.v[MS_RSS], s[1]->totals.c.v[MS_RSS]);
	ck_assert_uint_eq(s[0]->totals.c.v[MS_SIZE], s[1]->totals.c.v[MS_SIZE]);
	close(h.in);
	fclose(h.out);
	waitpid(h.pid, NULL, 0);
	ms_snapshot_free(s[0]);
	ms_snapshot_free(s[1]);
}
END_TEST

/* ---- gone processes ---- */

START_TEST(gone)
{
	char err[256] = "";
	struct ms_snapshot *s;
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	/* a zombie: it exists, but its memory is gone */
	while (waitid(P_PID, (id_t)pid, &(siginfo_t){ 0 }, WEXITED | WNOWAIT) < 0)
		;
	ck_assert_int_eq(tl_take("/proc", pid, 0, &s, err, sizeof(err)), -ESRCH);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(tl_take("/proc", pid, 0, &s, err, sizeof(err)), -ESRCH);
	ck_assert_str_eq(err, "no such process");
}
END_TEST

/* ---- the kernel's own numbers ---- */

/* The keys compared, read from smaps by sscanf: a second, plain parser. */
static const struct { const char *key; enum ms_field f; } oracle_keys[] = {
	{ "Size", MS_SIZE }, { "Rss", MS_RSS }, { "Pss", MS_PSS },
	{ "Pss_Dirty", MS_PSS_DIRTY }, { "Shared_Clean", MS_SHARED_CLEAN },
	{ "Shared_Dirty", MS_SHARED_DIRTY }, { "Private_Clean", MS_PRIVATE_CLEAN },
	{ "Private_Dirty", MS_PRIVATE_DIRTY }, { "Referenced", MS_REFERENCED },
	{ "Anonymous", MS_ANONYMOUS }, { "Swap", MS_SWAP }, { "SwapPss", MS_SWAP_PSS },
	{ "Locked", MS_LOCKED },
};
#define NR_KEYS (sizeof(oracle_keys) / sizeof(oracle_keys[0]))

struct oracle {
	size_t n;
	unsigned long (*v)[NR_KEYS + 2]; /* start, end, then the keys in kB */
};

static void oracle_read(const char *path, struct oracle *o, size_t cap)
{
	FILE *f = fopen(path, "r");
	char line[4096], key[64];
	unsigned long a, b, kb;

	ck_assert_ptr_nonnull(f);
	o->n = 0;
	o->v = calloc(cap, sizeof(*o->v));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &a, &b) == 2 && strchr(line, ' ') > strchr(line, '-')) {
			ck_assert_uint_lt(o->n, cap);
			o->v[o->n][0] = a;
			o->v[o->n][1] = b;
			o->n++;
		} else if (sscanf(line, "%63[^:]: %lu kB", key, &kb) == 2 && o->n) {
			for (size_t k = 0; k < NR_KEYS; k++)
				if (strcmp(key, oracle_keys[k].key) == 0)
					o->v[o->n - 1][k + 2] = kb;
		} else if (sscanf(line, "[rollup]") == 0 && strstr(line, "[rollup]")) {
			o->v[o->n++][0] = 0;
		}
	}
	fclose(f);
}

static size_t test_regions(void)
{
	const char *v = getenv("MEMSCOPE_TEST_REGIONS");

	return v && *v ? strtoul(v, NULL, 10) : 50000;
}

/* Every region's numbers equal smaps; the sums equal smaps_rollup (Pss
 * within the rounding of the per-region figures, which the kernel truncates
 * to whole kB while the rollup sums the exact values). */
START_TEST(consistency_with_kernel)
{
	size_t n = test_regions();
	char helper[PATH_MAX], count[32], path[64], *argv[] = { helper, count, NULL };
	struct oracle smaps, roll;
	struct ms_snapshot *s;
	struct helper h;
	int fd;

	char dir[64] = "/tmp/memscope-consistency.XXXXXX", from[PATH_MAX];

	/* a copy of its own: other tests run the same helper at the same time,
	 * and their sharing of its pages would move Shared_Clean between reads */
	snprintf(from, sizeof(from), "%s/regions", env_or("HELPERS", HELPERS));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(helper, sizeof(helper), "%s/regions", dir);
	copy_program(from, helper);
	snprintf(count, sizeof(count), "%zu", n);
	/* a fresh copy has dirty page-cache pages; written back between two
	 * reads they would turn from dirty to clean */
	fd = open(helper, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fsync(fd), 0);
	close(fd);
	helper_start(&h, argv);
	helper_wait(&h, NULL, NULL);
	s = live_cli(h.pid);
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)h.pid);
	oracle_read(path, &smaps, n + 4096);
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)h.pid);
	oracle_read(path, &roll, 1);
	helper_stop(&h);
	unlink(helper);
	rmdir(dir);

	ck_assert_uint_ge(s->nr_regions, n);
	ck_assert_uint_eq(s->nr_regions, smaps.n);
	for (size_t i = 0; i < smaps.n; i++) {
		const struct ms_region *r = &s->regions[i];

		ck_assert_uint_eq(r->start, smaps.v[i][0]);
		ck_assert_uint_eq(r->end, smaps.v[i][1]);
		for (size_t k = 0; k < NR_KEYS; k++)
			ck_assert_msg(r->c.v[oracle_keys[k].f] == smaps.v[i][k + 2] * 1024,
				      "region %zu %s: %lu, smaps says %lu kB", i,
				      oracle_keys[k].key,
				      (unsigned long)r->c.v[oracle_keys[k].f], smaps.v[i][k + 2]);
	}
	for (size_t k = 0; k < NR_KEYS; k++) {
		uint64_t ours = s->totals.c.v[oracle_keys[k].f], kernel = roll.v[0][k + 2] * 1024;

		if (oracle_keys[k].f == MS_SIZE)
			continue; /* the rollup has none */
		if (oracle_keys[k].f == MS_PSS || oracle_keys[k].f == MS_PSS_DIRTY ||
		    oracle_keys[k].f == MS_SWAP_PSS)
			ck_assert_msg(ours <= kernel + 1024 && kernel - ours <= 1024 * s->nr_regions,
				      "total %s: %lu, rollup %lu", oracle_keys[k].key,
				      (unsigned long)ours, (unsigned long)kernel);
		else
			ck_assert_msg(ours == kernel, "total %s: %lu, rollup %lu",
				      oracle_keys[k].key, (unsigned long)ours,
				      (unsigned long)kernel);
	}
	free(smaps.v);
	free(roll.v);
	ms_snapshot_free(s);
}
END_TEST

/* Processes with no memory to read: each has its own error and message, on
 * every path (regions, rollup, pages). */
START_TEST(no_memory_to_read)
{
	struct ms_ctx *ctx = ms_ctx_new("/proc");
	struct ms_snapshot *s = NULL, *mine;
	struct ms_counts c;
	char err[256] = "", comm[32] = "";
	FILE *f = fopen("/proc/2/comm", "r");
	siginfo_t info;
	pid_t zombie;

	if (f && fgets(comm, sizeof(comm), f) && strcmp(comm, "kthreadd\n") == 0) {
		ck_assert_int_eq(ms_snapshot_take(ctx, 2, 0, &s, err, sizeof(err)), -ENODATA);
		ck_assert_str_eq(err, "it is a kernel thread, with no user address space");
		ck_assert_int_eq(tl_rollup(ctx, 2, &c, err, sizeof(err)), -ENODATA);
	}
	if (f)
		fclose(f);
	zombie = fork();
	ck_assert_int_ge(zombie, 0);
	if (zombie == 0)
		_exit(0);
	/* it is a zombie until we wait for it */
	ck_assert_int_eq(waitid(P_PID, (id_t)zombie, &info, WEXITED | WNOWAIT), 0);
	ck_assert_int_eq(ms_snapshot_take(ctx, zombie, 0, &s, err, sizeof(err)), -ESRCH);
	ck_assert_str_eq(err, "it is a zombie (it exited; its memory is gone)");
	ck_assert_int_eq(tl_rollup(ctx, zombie, &c, err, sizeof(err)), -ESRCH);
	ck_assert_str_eq(err, "it is a zombie (it exited; its memory is gone)");
	/* pages of a snapshot taken of ourselves, asked as of the zombie */
	ck_assert_int_eq(ms_snapshot_take(ctx, getpid(), MS_SNAP_MAPS_ONLY, &mine, err,
					  sizeof(err)), 0);
	mine->pid = zombie;
	mine->start_ticks = -1;
	ck_assert_int_eq(ms_residency_read(ctx, mine, 0, err, sizeof(err)), -ESRCH);
	ck_assert_str_eq(err, "it is a zombie (it exited; its memory is gone)");
	ms_snapshot_free(mine);
	ck_assert_int_eq(waitpid(zombie, NULL, 0), zombie);
	ms_ctx_free(ctx);
}
END_TEST

/* A saved tree that lacks a file says which: it is no process that exited.
 * (tl_process() saves neither smaps_rollup nor pagemap.) */
START_TEST(saved_tree_without_smaps)
{
	char *root = tl_tree_new(), err[256] = "", path[PATH_MAX];
	struct ms_snapshot *s = NULL;
	struct ms_ctx *ctx = ms_ctx_new(root);
	struct ms_counts c;

	tl_process(root, 21, "1000-2000 rw-p 00000000 00:00 0 \nSize:   4 kB\n");
	ck_assert_int_eq(tl_take(root, 21, 0, &s, err, sizeof(err)), 0);
	ck_assert_int_eq(ms_residency_read(ctx, s, 0, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "the saved tree has no '21/pagemap'");
	ms_snapshot_free(s);
	s = NULL;
	ck_assert_int_eq(tl_rollup(ctx, 21, &c, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "the saved tree has no '21/smaps_rollup'");
	snprintf(path, sizeof(path), "%s/21/smaps", root);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(tl_take(root, 21, 0, &s, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "the saved tree has no '21/smaps'");
	ck_assert_ptr_null(s);
	snprintf(path, sizeof(path), "%s/21/stat", root);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(tl_take(root, 21, 0, &s, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "the saved tree has no '21/stat'");
	ms_ctx_free(ctx);
	tl_tree_remove(root);
}
END_TEST

struct exec_later {
	pid_t pid;
	long delay_ns;
};

static void *exec_later(void *arg)
{
	struct exec_later *x = arg;
	struct timespec delay = { 0, x->delay_ns };

	nanosleep(&delay, NULL);
	kill(x->pid, SIGUSR1);
	return NULL;
}

/* A process that execs while it is read: the read is whole (of either
 * program) or -ESTALE; and an exec between the regions and the pages is
 * seen by the pages. */
START_TEST(exec_during_read)
{
	struct ms_ctx *ctx = ms_ctx_new("/proc");
	char helper[PATH_MAX], n[16], err[256];
	char *argv[] = { helper, n, NULL };
	bool slow = getenv("MEMSCOPE_VALGRIND") != NULL;
	int rounds = slow ? 3 : 12;

	snprintf(helper, sizeof(helper), "%s/regions", env_or("HELPERS", HELPERS));
	snprintf(n, sizeof(n), "%d", slow ? 2000 : 20000);
	for (int i = 0; i < rounds; i++) {
		struct exec_later x = { .delay_ns = (i % 6) * 10000000L };
		struct ms_snapshot *s = NULL;
		struct helper h;
		pthread_t t;
		int rc;

		helper_start(&h, argv);
		helper_wait(&h, NULL, NULL);
		x.pid = h.pid;
		if (i == 0) { /* the regions, then an exec, then the pages */
			ck_assert_int_eq(ms_snapshot_take(ctx, h.pid,
							  MS_SNAP_MAPS_ONLY | MS_SNAP_KEEP_OPEN,
							  &s, err, sizeof(err)), 0);
			kill(h.pid, SIGUSR1);
			helper_wait(&h, NULL, NULL); /* the second program is running */
			ck_assert_int_eq(ms_residency_read(ctx, s, 0, err, sizeof(err)), -ESTALE);
			ck_assert_str_eq(err, "the process was replaced by exec while it was read");
		} else {
			ck_assert_int_eq(pthread_create(&t, NULL, exec_later, &x), 0);
			rc = ms_snapshot_take(ctx, h.pid, 0, &s, err, sizeof(err));
			pthread_join(t, NULL);
			ck_assert_msg(rc == 0 || rc == -ESTALE, "rc %d: %s", rc, err);
			/* whole: every region of the first program, or a few of the
			 * second's */
			ck_assert_msg(rc < 0 || s->nr_regions > (slow ? 2000u : 20000u) ||
				      s->nr_regions < 50, "%zu regions", s ? s->nr_regions : 0);
		}
		ms_snapshot_free(s);
		if (i > 0)
			helper_wait(&h, NULL, NULL); /* the second program's "ready" */
		helper_stop(&h);
	}
	ms_ctx_free(ctx);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		layout_through_library,
		layout_through_cli,
		gone,
		consistency_with_kernel,
		residency_as_root,
		residency_unprivileged,
		residency_exit_mid_scan,
		residency_zero_and_huge,
		fast_zero_and_huge,
		residency_exit_during_walk,
		no_memory_to_read,
		saved_tree_without_smaps,
		exec_during_read,
		one_thread,
		NULL
	};

	return tl_main("live", 600, tests);
}
