/*
 * layout.c - a process whose memory layout is known exactly, for the live
 * tests.  It builds the regions below, prints one line per region it owns
 *
 *   region NAME START END CLASS RSS PSS     (hex addresses, bytes)
 *
 * then "ready", and waits until its standard input closes.  The owned
 * regions sit inside one no-access reservation, one guard page apart, so the
 * kernel cannot merge them with each other or with anything else.
 *
 * usage: layout DIR   (DIR: where its files go; it deletes them on exit)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static long page;
static char *arena, *next_slot;
static char dir[4096];

static void die(const char *what)
{
	fprintf(stderr, "layout: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void report(const char *name, const void *start, size_t len,
		   const char *cls, size_t rss, size_t pss)
{
	printf("region %s %lx %lx %s %zu %zu\n", name, (unsigned long)start,
	       (unsigned long)start + len, cls, rss, pss);
}

/* The next free place in the reservation, a guard page after the last. */
static void *slot(size_t pages)
{
	char *at = next_slot;

	next_slot += (pages + 1) * (size_t)page;
	return at;
}

static void touch(char *p, size_t pages)
{
	for (size_t i = 0; i < pages; i++)
		p[i * (size_t)page] = 1;
}

static void *map_at(size_t pages, int prot, int flags, int fd)
{
	void *p = mmap(slot(pages), pages * (size_t)page, prot, flags | MAP_FIXED, fd, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static int make_file(const char *name, size_t pages)
{
	char path[8192];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)(pages * (size_t)page)) < 0)
		die(path);
	return fd;
}

/* 8 pages, 4 touched, then guard markers on pages 4 and 5 (MADV_GUARD_INSTALL,
 * Linux 6.15+): pagemap shows them as swap entries that are not swap. */
static void guarded(void)
{
	char *g = map_at(8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	int markers = madvise(g + 4 * page, 2 * (size_t)page, 102 /* MADV_GUARD_INSTALL */) == 0;

	touch(g, 4);
	report("guarded-4-of-8", g, 8 * page, "anon", 4 * page, 4 * page);
	printf("markers %lx %d\n", (unsigned long)g, markers ? 2 : 0);
}

static void anon_regions(void)
{
	char *a = map_at(64, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *b = map_at(256, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	/* shared, so it does not merge with the reservation around it */
	char *g = map_at(16, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS, -1);

	touch(a, 10);
	touch(b, 256);
	report("anon-10-of-64", a, 64 * page, "anon", 10 * page, 10 * page);
	report("anon-256", b, 256 * page, "anon", 256 * page, 256 * page);
	guarded();
	report("guard-16", g, 16 * page, "guard", 0, 0);
}

/* 64 MiB reserved, 16 MiB of it touched: 4,096 pages present.  In a
 * reservation of its own, since it is larger than the shared one.  The
 * touched part lies across the middle, where the residency reader cuts a
 * region this large in two for its threads. */
static void big_region(void)
{
	size_t len = 64u << 20;
	char *res = mmap(NULL, len + 2 * (size_t)page, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *big;

	if (res == MAP_FAILED)
		die("mmap");
	big = mmap(res + page, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		   -1, 0);
	if (big == MAP_FAILED)
		die("mmap");
	/* no huge pages: the counts are of 4 KiB pages */
	madvise(big, len, MADV_NOHUGEPAGE);
	memset(big + (24u << 20), 1, 16u << 20);
	report("anon-16m-of-64m", big, len, "anon", 16u << 20, 16u << 20);
}

/* Written through the mapping: write faults map one page each (reads would
 * map their neighbours too, "fault-around"). */
static void file_regions(void)
{
	int fd = make_file("shared.dat", 8);
	char *s = map_at(8, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	char *d, *w, *r;

	touch(s, 3);
	report("file-shared-3-of-8", s, 8 * page, "file-shared", 3 * page, 3 * page);
	close(fd);

	fd = make_file("deleted.dat", 4);
	d = map_at(4, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
	touch(d, 2); /* copy-on-write: anonymous pages of a file mapping */
	report("deleted-2-of-4", d, 4 * page, "file-private", 2 * page, 2 * page);
	close(fd);
	snprintf(dir + strlen(dir), 32, "/deleted.dat");
	unlink(dir);
	*strrchr(dir, '/') = '\0';

	fd = make_file("a b\nc", 2);
	w = map_at(2, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	touch(w, 1);
	report("weird-name", w, 2 * page, "file-shared", 1 * page, 1 * page);
	close(fd);

	fd = make_file("data.bin", 4); /* a data file mapped read-only: not code */
	r = map_at(4, PROT_READ, MAP_PRIVATE, fd);
	report("data-file", r, 4 * page, "file-private", 0, 0);
	close(fd);
}

/* Shared anonymous memory touched by this process and a child: each page is
 * mapped twice, so Pss is half of Rss. */
static pid_t shared_regions(void)
{
	char *sh = map_at(32, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
	int ready[2];
	pid_t child;
	char c;

	touch(sh, 32);
	if (pipe(ready) < 0)
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		touch(sh, 32);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (read(ready[0], &c, 1) != 1)
		die("child");
	close(ready[0]);
	close(ready[1]);
	report("anon-shared-32", sh, 32 * page, "anon-shared", 32 * page, 16 * page);
	return child;
}

static void shm_regions(void)
{
	int id = shmget(IPC_PRIVATE, 4 * (size_t)page, IPC_CREAT | 0600);
	char *shm, *mfd;
	int fd;

	if (id < 0)
		die("shmget");
	shm = shmat(id, slot(4), SHM_REMAP);
	if (shm == (void *)-1)
		die("shmat");
	shmctl(id, IPC_RMID, NULL); /* gone with the last detach */
	touch(shm, 4);
	report("sysv-4", shm, 4 * page, "sysv-shm", 4 * page, 4 * page);

	fd = memfd_create("ms-memfd", 0);
	if (fd < 0 || ftruncate(fd, 8 * page) < 0)
		die("memfd");
	mfd = map_at(8, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	touch(mfd, 5);
	report("memfd-5-of-8", mfd, 8 * page, "anon-shared", 5 * page, 5 * page);
	close(fd);
}

static int thread_pipe[2], tid_pipe[2];

static void *thread_main(void *arg)
{
	pid_t tid = gettid();
	char c;

	(void)arg;
	if (write(tid_pipe[1], &tid, sizeof(tid)) != sizeof(tid))
		return NULL;
	/* blocked in read(): /proc/PID/task/TID/syscall shows its stack pointer */
	if (read(thread_pipe[0], &c, 1) < 0)
		return NULL;
	return NULL;
}

/* Waits (a second at most) until the thread sleeps in its read(). */
static void wait_blocked(pid_t tid)
{
	char path[64], buf[256];

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	for (int i = 0; i < 1000; i++) {
		FILE *f = fopen(path, "r");
		char *paren = f && fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;

		if (f)
			fclose(f);
		if (paren && paren[2] == 'S')
			return;
		usleep(1000);
	}
}

static void thread_region(pthread_t *t)
{
	pthread_attr_t attr;
	void *stack;
	size_t size;

	pid_t tid;

	if (pipe(thread_pipe) < 0 || pipe(tid_pipe) < 0 ||
	    pthread_create(t, NULL, thread_main, NULL) != 0)
		die("pthread_create");
	if (read(tid_pipe[0], &tid, sizeof(tid)) != sizeof(tid))
		die("thread");
	wait_blocked(tid);
	if (pthread_getattr_np(*t, &attr) != 0 || pthread_attr_getstack(&attr, &stack, &size) != 0)
		die("pthread_getattr_np");
	pthread_attr_destroy(&attr);
	printf("thread %lx %lx\n", (unsigned long)stack, (unsigned long)stack + size);
}

/* The heap grown by 64 pages with brk, all touched; and a 200 KiB malloc,
 * which glibc serves with a mapping of its own. */
static char *big;

static void heap_regions(void)
{
	char *old = sbrk(0), *end;

	if (sbrk(64 * page) == (void *)-1)
		die("sbrk");
	end = sbrk(0);
	memset(old, 1, (size_t)(end - old));
	printf("brk %lx %lx\n", (unsigned long)old, (unsigned long)end);
	big = malloc(200 << 10);
	if (!big)
		die("malloc");
	memset(big, 1, 200 << 10);
	printf("malloc200k %lx\n", (unsigned long)big);
}

int main(int argc, char **argv)
{
	pthread_t t;
	pid_t child;
	char buf[64];

	if (argc != 2 || strlen(argv[1]) > 2048) {
		fprintf(stderr, "usage: layout DIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	page = sysconf(_SC_PAGESIZE);
	arena = mmap(NULL, 1024 * (size_t)page, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena == MAP_FAILED)
		die("mmap");
	next_slot = arena + page;
	/* the child first: what is mapped later is this process's alone */
	child = shared_regions();
	anon_regions();
	big_region();
	file_regions();
	shm_regions();
	heap_regions();
	thread_region(&t);
	printf("child %d\nready\n", (int)child);
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	free(big);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	snprintf(buf, sizeof(buf), "x");
	if (write(thread_pipe[1], buf, 1) == 1)
		pthread_join(t, NULL);
	for (const char *const *f = (const char *const[]){ "shared.dat", "a b\nc", "data.bin", NULL };
	     *f; f++) {
		char path[8192];

		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		unlink(path);
	}
	return 0;
}
