/*
 * flip.c - a process whose mappings change all the time, as a JIT's or a
 * garbage collector's do: N adjacent pages, made read-only and writable
 * again one after another, so the kernel splits and merges the mapping
 * without pause.  Prints "ready" and flips until its standard input closes.
 *
 * usage: flip N
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), n = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
	char *base, buf[64];

	if (n <= 0 || n > 1000000) {
		fprintf(stderr, "usage: flip N\n");
		return 2;
	}
	base = mmap(NULL, (size_t)(n * page), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		perror("flip: mmap");
		return 1;
	}
	for (long i = 0; i < n; i += 2) /* every other page read-only: n/2 regions */
		mprotect(base + i * page, (size_t)page, PROT_READ);
	fcntl(0, F_SETFL, O_NONBLOCK);
	printf("ready\n");
	fflush(stdout);
	for (long i = 0;; i = (i + 1) % n) {
		mprotect(base + i * page, (size_t)page, PROT_READ | PROT_WRITE);
		mprotect(base + i * page, (size_t)page, i % 2 ? PROT_READ | PROT_WRITE : PROT_READ);
		if (i == 0 && read(0, buf, sizeof(buf)) == 0)
			return 0;
	}
}
