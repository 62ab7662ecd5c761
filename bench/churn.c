/*
 * churn.c - the worst case for "memscope run": N times, map 1 MiB, write
 * it, unmap it.  Every munmap stops the process for a sample.
 *
 * usage: churn N
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;

	for (int i = 0; i < n; i++) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED)
			return 1;
		memset(p, 1, 1 << 20);
		munmap(p, 1 << 20);
	}
	return 0;
}
