/*
 * anon.c - MIB mebibytes of private anonymous memory, every page written,
 * for the ledger's test: the machine's AnonPages grows by that much while
 * it lives.  Prints "ready" and waits until its standard input closes.
 *
 * usage: anon MIB
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long mib = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
	size_t len = (size_t)mib << 20;
	char *p, buf[64];

	if (mib <= 0 || mib > 65536) {
		fprintf(stderr, "usage: anon MIB\n");
		return 2;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("anon: mmap");
		return 1;
	}
	memset(p, 1, len);
	printf("ready\n");
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
