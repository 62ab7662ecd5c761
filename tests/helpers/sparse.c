/*
 * sparse.c - a large reservation with a little of it touched, for the
 * residency benchmark: RESERVED GiB mapped (MAP_NORESERVE), TOUCHED GiB of
 * it written, in 16 MiB pieces spread evenly across it.  4 KiB pages only.
 * Prints "ready" and waits until its standard input closes.
 *
 * usage: sparse RESERVED_GIB TOUCHED_GIB
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t gib = 1ul << 30, piece = 16ul << 20;
	long reserved = argc == 3 ? strtol(argv[1], NULL, 10) : 0;
	long touched = argc == 3 ? strtol(argv[2], NULL, 10) : -1;
	size_t pieces, stride;
	char *base, buf[64];

	if (reserved <= 0 || touched < 0 || touched > reserved || reserved > 1024) {
		fprintf(stderr, "usage: sparse RESERVED_GIB TOUCHED_GIB\n");
		return 2;
	}
	base = mmap(NULL, (size_t)reserved * gib, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED) {
		perror("sparse: mmap");
		return 1;
	}
	madvise(base, (size_t)reserved * gib, MADV_NOHUGEPAGE);
	pieces = (size_t)touched * gib / piece;
	stride = pieces ? (size_t)reserved * gib / pieces : 0;
	for (size_t i = 0; i < pieces; i++)
		memset(base + i * stride, 1, piece);
	printf("ready %lx %lx\n", (unsigned long)base, (unsigned long)base + (size_t)reserved * gib);
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
