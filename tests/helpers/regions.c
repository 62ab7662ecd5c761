/*
 * regions.c - a process with N separate mappings, for the consistency test
 * and the benchmark.  Mapping i is two pages; mappings alternate between
 * read-write and read-only, so the kernel cannot merge neighbours, and
 * i % 3 of its pages are touched (0, 1 or 2).  Prints "ready" and waits
 * until its standard input closes.  SIGUSR1 makes it exec itself as
 * "regions 1": the same process with another address space.
 *
 * usage: regions N
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static char *self;

static void exec_small(int sig)
{
	char *argv[] = { "regions", "1", NULL };

	(void)sig;
	execv(self, argv); /* async-signal-safe */
	_exit(127);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), n = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
	char *base, buf[64];

	if (n <= 0 || n > 10000000) {
		fprintf(stderr, "usage: regions N\n");
		return 2;
	}
	base = mmap(NULL, (size_t)(2 * n * page), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		perror("regions: mmap");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		char *r = base + 2 * i * page;

		for (long k = 0; k < i % 3; k++)
			r[k * page] = 1;
		if (i % 2 && mprotect(r, (size_t)(2 * page), PROT_READ) < 0) {
			perror("regions: mprotect (vm.max_map_count?)");
			return 1;
		}
	}
	self = argv[0];
	signal(SIGUSR1, exec_small);
	printf("ready\n");
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
