/*
 * probe-subject.c - the process memscope-probe watches: it runs one
 * scenario step by step, and after each step writes a report (probe.h) and
 * waits for the go-ahead.  It never prints and never uses stdio, so its heap
 * holds what the scenario allocates and nothing else.
 *
 * Built with -fno-builtin-malloc and friends: the compiler may otherwise
 * drop a malloc whose block is never used, or a malloc/free pair.
 *
 * usage (from memscope-probe only):
 *   probe-subject SCENARIO MMAP_THRESHOLD TRIM_THRESHOLD TOP_PAD ARENA_MAX THREADS
 * where -1 leaves a malloc parameter as glibc sets it.
 */
#include "config.h"
#include "probe.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <time.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define KiB (1ul << 10)
#define MiB (1ul << 20)
#define GiB (1ul << 30)

static struct probe_report rep;
static int step_no;
static long params[5]; /* mmap threshold, trim threshold, top pad, arena max, threads */
static void *volatile sink[4096]; /* blocks live here: nothing is optimised away */

static void write_all(const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(PROBE_REPORT_FD, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1); /* the probe is gone */
		p += n;
		len -= (size_t)n;
	}
}

static void wait_go(void)
{
	char c;
	ssize_t n;

	do
		n = read(PROBE_GO_FD, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(0); /* the probe is done with us */
}

/* Reports the step just done, then waits until the probe has measured it. */
static void step(bool last, uint64_t result, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void step(bool last, uint64_t result, const char *fmt, ...)
{
	struct mallinfo2 mi = mallinfo2();
	struct rusage ru;
	va_list ap;

	rep.magic = PROBE_MAGIC;
	rep.step = step_no++;
	rep.last = last;
	rep.result = result;
	rep.brk = (uint64_t)(uintptr_t)sbrk(0);
	va_start(ap, fmt);
	vsnprintf(rep.what, sizeof(rep.what), fmt, ap); /* plain formats: no malloc */
	va_end(ap);
	getrusage(RUSAGE_SELF, &ru);
	rep.minflt = (uint64_t)ru.ru_minflt;
	/* with jemalloc, mallinfo2() is glibc's, of an arena nobody uses */
	if (!rep.jemalloc)
		rep.mi = (struct probe_mallinfo){ mi.arena, mi.hblks, mi.hblkhd, mi.uordblks,
						  mi.fordblks, mi.keepcost };
	write_all(&rep, sizeof(rep));
	wait_go();
	/* what a step sets is its own */
	rep.error = 0;
	rep.touched = 0;
	rep.zeros = 0;
	rep.child = 0;
	memset(rep.focus, 0, sizeof(rep.focus));
}

#define REPORT(...) step(false, 0, __VA_ARGS__)
#define ADDR(p) ((uint64_t)(uintptr_t)(p))

/* Writes a byte in every page of [p, p + len); rep.touched counts the
 * pages' bytes. */
static void touch(char *p, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t first = (uintptr_t)p & ~(page - 1), end = (uintptr_t)p + len;

	for (size_t i = 0; i < len; i += page)
		((volatile char *)p)[i] = 1;
	((volatile char *)p)[len - 1] = 1;
	rep.touched = (end - first + page - 1) / page * page;
}

/* 4 KiB pages only: with transparent huge pages one touch could map 2 MiB */
static void no_huge_pages(void *p, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), a = (uintptr_t)p & ~(page - 1);

	madvise((void *)a, len + ((uintptr_t)p - a), MADV_NOHUGEPAGE);
}

/* ---- the scenarios ---- */

static void walkthrough(void)
{
	void *a, *b, *c, *d;

	sink[0] = a = malloc(30 * KiB);
	step(false, ADDR(a), "A = malloc(30 KiB)");
	sink[1] = b = malloc(40 * KiB);
	step(false, ADDR(b), "B = malloc(40 KiB)");
	sink[2] = c = malloc(200 * KiB);
	rep.focus[0] = ADDR(c);
	step(false, ADDR(c), "C = malloc(200 KiB)");
	sink[3] = d = malloc(100 * KiB);
	step(false, ADDR(d), "D = malloc(100 KiB)");
	free(c);
	rep.focus[0] = ADDR(c);
	REPORT("free(C)");
	free(b);
	REPORT("free(B)");
	free(d);
	step(true, 0, "free(D)");
}

static void lazy(void)
{
	size_t size = 1 * GiB;
	char *p = malloc(size), *q, *m;

	sink[0] = p;
	if (!p)
		rep.error = errno;
	else
		no_huge_pages(p, size);
	rep.focus[0] = ADDR(p);
	step(false, ADDR(p), "P = malloc(1 GiB); madvise(P, MADV_NOHUGEPAGE)");
	if (!p)
		return;
	q = (char *)(((uintptr_t)p + 4 * KiB - 1) & ~(uintptr_t)(4 * KiB - 1)); /* whole pages */
	rep.focus[0] = ADDR(p);
	touch(q + 64 * KiB, 1);
	REPORT("write 1 byte of P");
	rep.focus[0] = ADDR(p);
	touch(q + 1 * MiB, 1 * MiB);
	REPORT("write 1 MiB of P");
	rep.focus[0] = ADDR(p);
	touch(q + 2 * MiB, 64 * MiB);
	REPORT("write 64 MiB of P");
	free(p);
	REPORT("free(P)");
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		rep.error = errno;
		step(true, 0, "M = mmap(1 GiB)");
		return;
	}
	no_huge_pages(m, size);
	rep.focus[0] = ADDR(m);
	step(false, ADDR(m), "M = mmap(1 GiB); madvise(M, MADV_NOHUGEPAGE)");
	rep.zeros = 1;
	for (size_t i = 0; i < 64 * MiB; i += 4 * KiB)
		if (((volatile char *)m)[i] != 0)
			rep.zeros = 0;
	rep.focus[0] = ADDR(m);
	REPORT("read 64 MiB of M");
	rep.focus[0] = ADDR(m);
	touch(m, 64 * MiB);
	REPORT("write the same 64 MiB of M");
	munmap(m, size);
	step(true, 0, "munmap(M)");
}

static void sbrk_scenario(void)
{
	char *base = sbrk(64 * KiB);

	rep.focus[0] = ADDR(base);
	step(false, ADDR(base), "sbrk(64 KiB)");
	touch(base, 64 * KiB);
	rep.focus[0] = ADDR(base);
	REPORT("write those 64 KiB");
	rep.focus[0] = ADDR(base);
	step(false, ADDR(sbrk(64 * KiB)), "sbrk(64 KiB) again");
	sbrk(-(intptr_t)(128 * KiB));
	step(true, 0, "sbrk(-128 KiB)");
}

static void threshold(void)
{
	void *p = malloc(256 * KiB), *q;

	sink[0] = p;
	rep.focus[0] = ADDR(p);
	step(false, ADDR(p), "P = malloc(256 KiB)");
	free(p);
	rep.focus[0] = ADDR(p);
	REPORT("free(P)");
	sink[0] = q = malloc(256 * KiB);
	rep.focus[0] = ADDR(q);
	step(false, ADDR(q), "Q = malloc(256 KiB)");
	free(q);
	step(true, 0, "free(Q)");
}

enum { TRIM_BLOCKS = 32, TRIM_KEEP = 8 };

/* The heap's top is filled with one more block, so that what malloc_trim
 * gives back lies below the top and [heap] keeps its size. */
static void trim(void)
{
	void *blk[TRIM_BLOCKS], *fence = NULL;
	size_t top;

	for (int i = 0; i < TRIM_BLOCKS; i++) {
		sink[i] = blk[i] = malloc(32 * KiB);
		touch(blk[i], 32 * KiB);
	}
	top = mallinfo2().keepcost;
	if (top > 4 * KiB)
		sink[TRIM_BLOCKS] = fence = malloc(top - 64);
	rep.touched = 0;
	rep.focus[0] = ADDR(blk[0]);
	REPORT("%d blocks = malloc(32 KiB), written; a block fills the top", TRIM_BLOCKS);
	for (int i = 0; i < TRIM_BLOCKS - TRIM_KEEP; i++)
		free(blk[i]);
	rep.focus[0] = ADDR(blk[0]);
	REPORT("free the lower %d blocks (the top %d stay)", TRIM_BLOCKS - TRIM_KEEP, TRIM_KEEP);
	rep.focus[0] = ADDR(blk[0]);
	step(false, (uint64_t)malloc_trim(0), "malloc_trim(0)");
	for (int i = TRIM_BLOCKS - TRIM_KEEP; i < TRIM_BLOCKS; i++)
		free(blk[i]);
	free(fence);
	step(true, 0, "free the top %d blocks and the fence", TRIM_KEEP);
}

enum { FRAG_BLOCKS = 1024, FRAG_KEEP_EVERY = 16 };

static void fragment(void)
{
	void *blk[FRAG_BLOCKS];

	for (int i = 0; i < FRAG_BLOCKS; i++) {
		sink[i] = blk[i] = malloc(4 * KiB);
		touch(blk[i], 4 * KiB);
	}
	rep.touched = 0;
	rep.focus[0] = ADDR(blk[0]);
	REPORT("%d blocks = malloc(4 KiB), written", FRAG_BLOCKS);
	for (int i = 0; i < FRAG_BLOCKS; i++)
		if (i % FRAG_KEEP_EVERY != 0)
			free(blk[i]);
	rep.focus[0] = ADDR(blk[0]);
	REPORT("free all but every %dth block", FRAG_KEEP_EVERY);
	rep.focus[0] = ADDR(blk[0]);
	step(false, (uint64_t)malloc_trim(0), "malloc_trim(0)");
	for (int i = 0; i < FRAG_BLOCKS; i += FRAG_KEEP_EVERY)
		free(blk[i]);
	step(true, 0, "free the rest");
}

/* ---- threads ---- */

struct crew {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int phase;  /* 0 wait, 1 malloc, 2 exit */
	int done;   /* threads through the current phase */
};

/* A member says it is through a phase, then waits for the next one. */
static void crew_next(struct crew *c, int phase)
{
	pthread_mutex_lock(&c->mu);
	c->done++;
	pthread_cond_broadcast(&c->cond);
	while (c->phase < phase)
		pthread_cond_wait(&c->cond, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

static void *crew_member(void *arg)
{
	struct crew *c = arg;
	void *p;

	crew_next(c, 1);
	p = malloc(1 * KiB); /* a thread's first malloc picks its arena */
	crew_next(c, 2);
	free(p);
	return NULL;
}

static void crew_wait(struct crew *c, int done)
{
	pthread_mutex_lock(&c->mu);
	while (c->done < done)
		pthread_cond_wait(&c->cond, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

static void crew_phase(struct crew *c, int phase)
{
	pthread_mutex_lock(&c->mu);
	c->phase = phase;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->mu);
}

static void threads(void)
{
	int n = params[4] > 0 ? (int)params[4] : 4, started = 0;
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	struct crew c = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };

	sink[0] = t;
	REPORT("the list of %d threads = calloc()", n);
	for (int i = 0; t && i < n; i++) {
		int rc = pthread_create(&t[i], NULL, crew_member, &c);

		if (rc) {
			rep.error = rc;
			break;
		}
		started++;
	}
	crew_wait(&c, started);
	rep.threads = started + 1;
	REPORT("pthread_create() x %d", n);
	crew_phase(&c, 1);
	crew_wait(&c, 2 * started);
	rep.threads = started + 1;
	REPORT("each thread: malloc(1 KiB)");
	crew_phase(&c, 2);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	rep.threads = 1;
	step(true, 0, "the threads exit; pthread_join() x %d", started);
}

/* ---- shared ---- */

static void child_wait(int fd)
{
	char c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
}

/* Once the child has done its part: the step, about S and P in both. */
static void child_step(int from_child, pid_t child, char *sh, char *pv, const char *what)
{
	child_wait(from_child);
	rep.child = child;
	rep.focus[0] = ADDR(sh);
	rep.focus[1] = ADDR(pv);
	REPORT("%s", what);
}

static void shared(void)
{
	size_t size = 4 * MiB;
	char *sh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *pv = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int to_child[2], from_child[2];
	pid_t child;

	if (sh == MAP_FAILED || pv == MAP_FAILED || pipe(to_child) || pipe(from_child)) {
		rep.error = errno;
		step(true, 0, "mmap(4 MiB shared), mmap(4 MiB private)");
		return;
	}
	no_huge_pages(pv, size);
	touch(sh, size);
	touch(pv, size);
	rep.focus[0] = ADDR(sh);
	rep.focus[1] = ADDR(pv);
	REPORT("S = mmap(4 MiB, MAP_SHARED), P = mmap(4 MiB, MAP_PRIVATE), both written; "
	       "madvise(P, MADV_NOHUGEPAGE)");
	child = fork();
	if (child == 0) {
		volatile char sum = 0;

		for (size_t i = 0; i < size; i += 4 * KiB)
			sum += sh[i]; /* maps the same pages */
		for (size_t i = 0; i < size; i += 4 * KiB)
			sum += pv[i]; /* maps the parent's pages, copy-on-write */
		write(from_child[1], "r", 1);
		child_wait(to_child[0]);
		touch(pv, size); /* each write copies a page */
		write(from_child[1], "w", 1);
		child_wait(to_child[0]);
		_exit(0);
	}
	if (child < 0) {
		rep.error = errno;
		step(true, 0, "fork()");
		return;
	}
	child_step(from_child[0], child, sh, pv, "fork(); the child reads S and P");
	write(to_child[1], "g", 1);
	child_step(from_child[0], child, sh, pv, "the child writes P: copy on write");
	write(to_child[1], "g", 1);
	waitpid(child, NULL, 0);
	step(true, 0, "the child exits");
}

/* Free neighbours merge (glibc consolidates a freed chunk with the free
 * chunks beside it), so one request of their joint size is served where
 * the first was, with no system call.  A fence keeps B from the top, into
 * which it would merge instead. */
static void coalesce(void)
{
	void *a, *b, *c, *d;

	sink[0] = a = malloc(64 * KiB);
	rep.focus[0] = ADDR(a);
	step(false, ADDR(a), "A = malloc(64 KiB)");
	sink[1] = b = malloc(64 * KiB);
	rep.focus[0] = ADDR(b);
	step(false, ADDR(b), "B = malloc(64 KiB), just above A");
	sink[2] = c = malloc(1 * KiB);
	step(false, ADDR(c), "C = malloc(1 KiB): a fence between B and the top");
	free(a);
	rep.focus[0] = ADDR(a);
	REPORT("free(A)");
	free(b);
	rep.focus[0] = ADDR(a);
	REPORT("free(B): merged with A, one free chunk of 128 KiB");
	sink[3] = d = malloc(128 * KiB);
	rep.focus[0] = ADDR(d);
	rep.focus[1] = ADDR(a);
	step(false, ADDR(d), "D = malloc(128 KiB): where A was, no system call");
	free(d);
	free(c);
	step(true, 0, "free(D), free(C)");
}

/* A request whose chunk (the request, a size word, rounded up to the
 * alignment) is just under the mmap threshold comes from the heap; one a
 * byte larger is at it, and gets a mapping of its own.  The threshold is
 * fixed (128 KiB unless --mmap-threshold says) and the top kept bare
 * (M_TOP_PAD 0 unless --top-pad says), so that the heap's top cannot
 * serve the second request. */
static void edge(void)
{
	size_t word = sizeof(size_t), threshold = params[0] >= 0 ? (size_t)params[0] : 128 * KiB;
	size_t under = threshold - 2 * word - word; /* chunk: threshold - 2 words */
	void *a, *b;

	if (params[0] < 0 && mallopt(M_MMAP_THRESHOLD, (int)threshold) != 1)
		rep.error = EINVAL;
	if (params[2] < 0 && mallopt(M_TOP_PAD, 0) != 1)
		rep.error = EINVAL;
	step(false, threshold, "mmap threshold %zu bytes, fixed; M_TOP_PAD %ld", threshold,
	     params[2] < 0 ? 0 : params[2]);
	sink[0] = a = malloc(under);
	rep.focus[0] = ADDR(a);
	step(false, ADDR(a), "A = malloc(%zu): its chunk is just under the threshold", under);
	sink[1] = b = malloc(under + 1);
	rep.focus[0] = ADDR(b);
	step(false, ADDR(b), "B = malloc(%zu): its chunk is the threshold", under + 1);
	free(b);
	rep.focus[0] = ADDR(b);
	REPORT("free(B)");
	free(a);
	step(true, 0, "free(A)");
}

typedef int mallctl_fn(const char *name, void *old, size_t *oldlen, void *new, size_t newlen);

enum { PURGE_BLOCKS = 64 };

/* Gives back what free kept: malloc_trim(0) for glibc, a purge of every
 * arena for jemalloc (which has no trim: glibc's would find nothing). */
static void give_back(void)
{
	mallctl_fn *mallctl = rep.jemalloc ? (mallctl_fn *)dlsym(RTLD_DEFAULT, "mallctl") : NULL;

	if (!rep.jemalloc) {
		step(false, (uint64_t)malloc_trim(0), "malloc_trim(0)");
		return;
	}
	/* 4096 is MALLCTL_ARENAS_ALL */
	if (!mallctl || mallctl("arena.4096.purge", NULL, NULL, NULL, 0) != 0)
		rep.error = EINVAL;
	REPORT("mallctl(\"arena.4096.purge\"): every arena purged");
}

/* Freed memory stays with the allocator until it gives it back; a block
 * far past the threshold gets a mapping of its own either way. */
static void purge(void)
{
	void *blk[PURGE_BLOCKS], *fence, *big;

	for (int i = 0; i < PURGE_BLOCKS; i++) {
		sink[i] = blk[i] = malloc(64 * KiB);
		touch(blk[i], 64 * KiB);
	}
	sink[PURGE_BLOCKS] = fence = malloc(1 * KiB);
	rep.touched = PURGE_BLOCKS * 64 * KiB;
	rep.focus[0] = ADDR(blk[0]);
	REPORT("%d blocks = malloc(64 KiB), written; a small block above them", PURGE_BLOCKS);
	for (int i = 0; i < PURGE_BLOCKS; i++)
		free(blk[i]);
	rep.focus[0] = ADDR(blk[0]);
	REPORT("free the %d blocks", PURGE_BLOCKS);
	rep.focus[0] = ADDR(blk[0]);
	give_back();
	sink[0] = big = malloc(64 * MiB);
	if (big)
		touch(big, 64 * MiB);
	else
		rep.error = errno;
	rep.focus[0] = ADDR(big);
	step(false, ADDR(big), "B = malloc(64 MiB), written");
	free(big);
	rep.focus[0] = ADDR(big);
	REPORT("free(B)");
	free(fence);
	step(true, 0, "free the small block");
}

/* ---- the kernel's allocators, measured from outside with its views ---- */

/* 64 MiB at a 2 MiB boundary, asked to be in huge pages (THP is in madvise
 * mode on many machines): each fault takes an order-9 block from the buddy
 * allocator and maps it whole; munmap gives the blocks back. */
static void thp(void)
{
	size_t len = 64 * MiB, align = 2 * MiB;
	char *raw = mmap(NULL, len + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0), *m;

	if (raw == MAP_FAILED) {
		rep.error = errno;
		step(true, 0, "M = mmap(64 MiB)");
		return;
	}
	m = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
	if (m > raw)
		munmap(raw, (size_t)(m - raw));
	munmap(m + len, (size_t)(raw + align - m));
	if (madvise(m, len, MADV_HUGEPAGE) != 0)
		rep.error = errno;
	rep.focus[0] = ADDR(m);
	step(false, ADDR(m), "M = mmap(64 MiB) at a 2 MiB boundary; madvise(M, MADV_HUGEPAGE)");
	touch(m, len);
	rep.focus[0] = ADDR(m);
	REPORT("write M: a fault a 2 MiB block, each an order-9 block of the buddy allocator");
	munmap(m, len);
	rep.focus[0] = ADDR(m);
	step(true, 0, "munmap(M): the blocks go back");
}

enum { SLAB_FILES = 20000 };

/* Files made and removed in a folder of our own in the current one: a
 * dentry and an inode each, from their slab caches; echo 2 > drop_caches
 * (root) frees the unused ones, the whole machine's. */
static void slab(void)
{
	char dir[] = "probe-slab-XXXXXX", name[32];
	int dfd, fd;

	if (!mkdtemp(dir) || (dfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC)) < 0) {
		rep.error = errno;
		step(true, 0, "mkdtemp(\"probe-slab-XXXXXX\")");
		return;
	}
	step(false, 0, "D = mkdtemp(\"%s\")", dir);
	for (int i = 0; i < SLAB_FILES && !rep.error; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		fd = openat(dfd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0)
			rep.error = errno;
		else
			close(fd);
	}
	REPORT("create %d files in D", SLAB_FILES);
	for (int i = 0; i < SLAB_FILES; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		unlinkat(dfd, name, 0);
	}
	REPORT("remove them");
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "2", 1) != 1)
		rep.error = errno;
	if (fd >= 0)
		close(fd);
	nanosleep(&(struct timespec){ 0, 300 * 1000 * 1000 }, NULL);
	REPORT("echo 2 > /proc/sys/vm/drop_caches, then 0.3 s: unused dentries and inodes freed "
	       "(after an RCU grace period)");
	close(dfd);
	rmdir(dir);
	step(true, 0, "rmdir(D)");
}

/* A BPF array map of 1024 values of 4 KiB (root): the kernel allocates
 * its 4 MiB with vmalloc.  Closed, it is freed after an RCU grace period,
 * in a work item: the last step waits a little for it. */
static void vmalloc_scenario(void)
{
	union bpf_attr attr;
	struct timespec wait = { 0, 300 * 1000 * 1000 };
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4096;
	attr.max_entries = 1024;
	fd = (int)syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		rep.error = errno;
	step(false, fd < 0 ? 0 : (uint64_t)fd,
	     "M = bpf(BPF_MAP_CREATE): an array of 1024 values of 4 KiB");
	if (fd >= 0)
		close(fd);
	nanosleep(&wait, NULL);
	step(true, 0, "close(M), then 0.3 s: the map is freed after an RCU grace period");
}

#define SUBJECT_SCENARIO(name, function, kernel, summary) { name, function },
static const struct {
	const char *name;
	void (*run)(void);
} scenarios[] = { PROBE_SCENARIOS(SUBJECT_SCENARIO) };

/* mallopt first, as the user asked: before the baseline */
static void set_malloc_params(void)
{
	static const int param[] = { M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, M_TOP_PAD, M_ARENA_MAX };

	for (int i = 0; i < 4; i++)
		if (params[i] >= 0 && mallopt(param[i], (int)params[i]) != 1)
			rep.error = EINVAL;
}

/* jemalloc in this process: preloaded into this program run again (it
 * cannot be loaded later: its thread-local storage is initial-exec), or
 * exit with PROBE_NO_ALLOCATOR when it is not there once run again.  The
 * subject never writes to stderr; the loader's own line about a library
 * it cannot preload goes nowhere, and the probe says what failed. */
static void use_jemalloc(char **argv)
{
	static char preload[] = "LD_PRELOAD=" PROBE_JEMALLOC, again[] = "MEMSCOPE_PROBE_AGAIN=1";
	char *env[] = { preload, again, NULL };
	int null;

	if (dlsym(RTLD_DEFAULT, "mallctl")) {
		rep.jemalloc = 1;
		return;
	}
	if (getenv("MEMSCOPE_PROBE_AGAIN"))
		_exit(PROBE_NO_ALLOCATOR);
	null = open("/dev/null", O_WRONLY);
	if (null < 0 || dup2(null, 2) < 0)
		_exit(PROBE_NO_ALLOCATOR);
	execve("/proc/self/exe", argv, env);
	_exit(PROBE_NO_ALLOCATOR);
}

int main(int argc, char **argv)
{
	if (argc != 8)
		return 2;
	if (strcmp(argv[7], "jemalloc") == 0)
		use_jemalloc(argv);
	for (int i = 0; i < 5; i++)
		params[i] = strtol(argv[i + 2], NULL, 10);
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (strcmp(argv[1], scenarios[i].name) != 0)
			continue;
		set_malloc_params();
		rep.threads = 1;
		step(false, 0, "baseline");
		scenarios[i].run();
		return 0;
	}
	return 2;
}
