/*
 * sharers.c - two processes of known memory, for memscope ps: a parent
 * and its child share SHARED_MIB of anonymous shared memory (shmem, each
 * page mapped by both: each one's Pss_Shmem is half of it), and each
 * writes a private mapping of its own, PRIVATE_MIB for the parent and
 * twice that for the child.  With "pageout", each then asks the kernel to
 * swap its private mapping out (MADV_PAGEOUT; without swap it stays).
 * The parent also reads, and never writes, 1 MiB of its own: the shared
 * zero page, mapped there, which smaps' Rss leaves out.
 * Prints "PARENT_PID CHILD_PID" and "ready", and waits until its standard
 * input closes; the child dies with it.  Linked statically, it shares no
 * page with a process outside the two, so their PSS holds still.
 *
 * usage: sharers PRIVATE_MIB SHARED_MIB [pageout]
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

static char *written(size_t bytes, int flags)
{
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("sharers: mmap");
		exit(1);
	}
	madvise(p, bytes, MADV_NOHUGEPAGE); /* Rss by 4 KiB pages, as smaps counts them */
	memset(p, 0x5a, bytes);
	return p;
}

static void own_part(size_t bytes, int pageout, int ready[2], char token)
{
	char *own = written(bytes, MAP_PRIVATE);

	if (pageout)
		madvise(own, bytes, MADV_PAGEOUT);
	if (write(ready[1], &token, 1) != 1)
		exit(1);
}

static void read_zero(size_t bytes)
{
	volatile char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);

	if (p == MAP_FAILED) {
		perror("sharers: mmap");
		exit(1);
	}
	madvise((void *)p, bytes, MADV_NOHUGEPAGE); /* the 4 KiB zero page, not the huge one */
	for (size_t i = 0; i < bytes; i += 4096)
		(void)p[i];
}

int main(int argc, char **argv)
{
	long priv = argc >= 3 ? strtol(argv[1], NULL, 10) : 0;
	long shared = argc >= 3 ? strtol(argv[2], NULL, 10) : 0;
	int pageout = argc == 4 && strcmp(argv[3], "pageout") == 0, ready[2];
	char buf[64], *common;
	pid_t child;

	if (priv <= 0 || shared <= 0 || priv > 1024 || shared > 1024 || (argc == 4 && !pageout)) {
		fprintf(stderr, "usage: sharers PRIVATE_MIB SHARED_MIB [pageout]\n");
		return 2;
	}
	common = written((size_t)shared << 20, MAP_SHARED);
	if (pipe(ready) < 0 || (child = fork()) < 0) {
		perror("sharers");
		return 1;
	}
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (size_t i = 0; i < (size_t)shared << 20; i += 4096) /* its own mapping of each page */
			((volatile char *)common)[i];
		own_part((size_t)priv << 21, pageout, ready, 'c');
		for (;;)
			pause();
	}
	own_part((size_t)priv << 20, pageout, ready, 'p');
	read_zero(1 << 20);
	for (int got = 0, n; got < 2; got += n) /* both parts written */
		if ((n = (int)read(ready[0], buf, (size_t)(2 - got))) <= 0)
			return 1;
	printf("%d %d\nready\n", (int)getpid(), (int)child);
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	kill(child, SIGKILL);
	return 0;
}
