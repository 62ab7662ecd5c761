/*
 * stir.c - a process that changes without pause while it is read, for
 * tests/race.sh:
 *
 *   stir maps N     keeps about N mappings of its own, unmapping the oldest
 *                   and mapping a new one (1 to 8 pages, some touched,
 *                   read-write or read-only) all the time, and splits and
 *                   merges some with mprotect on the way
 *   stir threads N  keeps up to N threads that start, sleep a moment (up to
 *                   2 ms) and end, each on a stack of a size of its own, so
 *                   that glibc's cache of stacks does not hide the mapping
 *                   and unmapping
 *   stir procs N    keeps up to N children that start, map and write some
 *                   memory, live a moment (up to 16 ms) and exit; one in
 *                   four execs itself first ("stir child"), and some are
 *                   zombies for a moment before they are reaped
 *
 * Prints "ready" and stirs until its standard input closes; then prints
 * "stirred N mappings|threads|processes" (how many it made) and exits.
 * The children die with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long page;
static const char *self;

static void die(const char *what)
{
	fprintf(stderr, "stir: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* xorshift: the same sequence each run */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void nap_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = us % 1000000 * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* True once standard input is closed; never blocks. */
static int input_closed(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char buf[64];

	if (poll(&p, 1, 0) <= 0)
		return 0;
	return read(0, buf, sizeof(buf)) == 0;
}

static void ready(void)
{
	printf("ready\n");
	fflush(stdout);
}

static int stirred(unsigned long n, const char *what)
{
	printf("stirred %lu %s\n", n, what);
	return 0;
}

/* ---- maps */
struct slot {
	char *at;
	size_t pages;
};

static int stir_maps(long n)
{
	struct slot *ring = calloc((size_t)n, sizeof(*ring));
	uint32_t seed = 0x9e3779b9u;

	if (!ring)
		die("calloc");
	for (unsigned long i = 0;; i++) {
		struct slot *s = &ring[i % (unsigned long)n];
		uint32_t r = next_rand(&seed);

		if (s->at)
			munmap(s->at, s->pages * (size_t)page);
		s->pages = 1 + r % 8;
		s->at = mmap(NULL, s->pages * (size_t)page, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (s->at == MAP_FAILED)
			die("mmap");
		for (size_t k = 0; k < s->pages; k += 1 + (r >> 8) % 3)
			s->at[k * (size_t)page] = 1;
		if (r & 0x10000) /* read-only: no merge with a read-write neighbour */
			mprotect(s->at, s->pages * (size_t)page, PROT_READ);
		if (s->pages > 2 && (r & 0x20000)) { /* split in three, then one again */
			mprotect(s->at + page, (size_t)page, PROT_NONE);
			mprotect(s->at + page, (size_t)page,
				 r & 0x10000 ? PROT_READ : PROT_READ | PROT_WRITE);
		}
		if (i == (unsigned long)n)
			ready();
		if (i % 256 == 0 && i > (unsigned long)n && input_closed())
			return stirred(i + 1, "mappings");
	}
}

/* ---- threads */
static void *brief(void *arg)
{
	volatile char mark[256];

	mark[0] = 1; /* its stack touched */
	nap_us((long)(uintptr_t)arg);
	return (void *)(uintptr_t)mark[0];
}

static int stir_threads(long n)
{
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	char *alive = calloc((size_t)n, 1);
	uint32_t seed = 0x2545f491u;

	if (!t || !alive)
		die("calloc");
	for (unsigned long i = 0;; i++) {
		long k = (long)(i % (unsigned long)n);
		uint32_t r = next_rand(&seed);
		pthread_attr_t attr;

		if (alive[k])
			pthread_join(t[k], NULL);
		pthread_attr_init(&attr);
		/* 64 KiB to 1 MiB, a page apart */
		pthread_attr_setstacksize(&attr, (size_t)(16 + r % 241) * 4096);
		alive[k] = pthread_create(&t[k], &attr, brief, (void *)(uintptr_t)(r >> 12 & 2047)) == 0;
		pthread_attr_destroy(&attr);
		if (i == (unsigned long)n)
			ready();
		if (k == 0 && i > (unsigned long)n && input_closed()) {
			for (long j = 0; j < n; j++)
				if (alive[j])
					pthread_join(t[j], NULL);
			return stirred(i + 1, "threads");
		}
	}
}

/* ---- processes */
static void child_life(uint32_t r)
{
	size_t pages = 1 + r % 64;
	char *p = mmap(NULL, pages * (size_t)page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		memset(p, 1, pages * (size_t)page);
	nap_us((long)(r >> 8 & 16383));
}

static int stir_procs(long n)
{
	uint32_t seed = 0x6a09e667u;
	unsigned long born = 0;
	long alive = 0;
	pid_t pid;

	for (;;) {
		while (alive < n) {
			uint32_t r = next_rand(&seed);

			pid = fork();
			if (pid < 0 && errno == EAGAIN)
				break;
			if (pid < 0)
				die("fork");
			if (pid == 0) {
				char arg[16];

				prctl(PR_SET_PDEATHSIG, SIGKILL);
				if (r % 4 == 0) {
					snprintf(arg, sizeof(arg), "%u", (unsigned)r);
					execl(self, "stir", "child", arg, (char *)NULL);
				}
				child_life(r);
				_exit(0);
			}
			alive++;
			if (++born == (unsigned long)n)
				ready();
		}
		nap_us(next_rand(&seed) % 1000); /* who exited meanwhile: zombies */
		while (alive > 0 && waitpid(-1, NULL, WNOHANG) > 0)
			alive--;
		if (input_closed())
			return stirred(born, "processes");
	}
}

int main(int argc, char **argv)
{
	long n = argc == 3 ? strtol(argv[2], NULL, 10) : 0;

	page = sysconf(_SC_PAGESIZE);
	self = argv[0];
	if (argc == 3 && strcmp(argv[1], "child") == 0) { /* an exec'd child */
		child_life((uint32_t)strtoul(argv[2], NULL, 10));
		return 0;
	}
	if (n > 0 && n <= 100000) {
		fcntl(0, F_SETFL, O_NONBLOCK);
		if (strcmp(argv[1], "maps") == 0)
			return stir_maps(n);
		if (strcmp(argv[1], "threads") == 0)
			return stir_threads(n);
		if (strcmp(argv[1], "procs") == 0)
			return stir_procs(n);
	}
	fprintf(stderr, "usage: stir maps|threads|procs N\n");
	return 2;
}
