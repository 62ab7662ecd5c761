/*
 * vforker.c - a vfork child read while it shares its parent's memory, and
 * then execs, for tests/race.sh.  The parent has N regions of two pages,
 * the first page of each written, alternating read-write and read-only so
 * that no two merge.  It prints "ready", then reads commands from its
 * standard input, a line each:
 *
 *   spawn  vfork: the child prints "child PID" and, still in the parent's
 *          memory, waits for the line "exec" on standard input; then it
 *          execs "vforker exec", which prints "execd" and sleeps until it
 *          is killed (or its parent dies).  Once the child has exec'd, the
 *          parent prints "spawned PID" and reaps its children that ended.
 *
 * Commands are read with read(), a byte at a time, so that no buffer
 * takes what the child is to read.  It ends when its standard input
 * closes.
 *
 * usage: vforker N
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* A line of standard input into buf (without its newline); 0 at the end. */
static int read_line(char *buf, size_t size)
{
	size_t n = 0;
	char c;

	while (read(0, &c, 1) == 1) {
		if (c == '\n') {
			buf[n] = '\0';
			return 1;
		}
		if (n + 1 < size)
			buf[n++] = c;
	}
	return 0;
}

/* "child PID\n" written without stdio (whose buffers the parent owns). */
static void say_child(pid_t pid)
{
	char buf[32] = "child ", digits[16];
	size_t n = 6, d = 0;

	do
		digits[d++] = (char)('0' + pid % 10);
	while ((pid /= 10) > 0);
	while (d > 0)
		buf[n++] = digits[--d];
	buf[n++] = '\n';
	if (write(1, buf, n) < 0)
		_exit(1);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), n = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
	char *base, line[64];

	if (argc == 2 && strcmp(argv[1], "exec") == 0) {
		printf("execd\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	if (n <= 0 || n > 100000) {
		fprintf(stderr, "usage: vforker N\n");
		return 2;
	}
	base = mmap(NULL, (size_t)(2 * n * page), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		perror("vforker: mmap");
		return 1;
	}
	madvise(base, (size_t)(2 * n * page), MADV_NOHUGEPAGE);
	for (long i = 0; i < n; i++) {
		base[2 * i * page] = 1;
		if (i % 2 && mprotect(base + 2 * i * page, (size_t)(2 * page), PROT_READ) < 0) {
			perror("vforker: mprotect");
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	while (read_line(line, sizeof(line))) {
		pid_t pid;

		if (strcmp(line, "spawn") != 0)
			continue;
		pid = vfork();
		if (pid == 0) {
			char word[16];

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			say_child(getpid());
			if (!read_line(word, sizeof(word)) || strcmp(word, "exec") != 0)
				_exit(1);
			execl(argv[0], "vforker", "exec", (char *)NULL);
			_exit(127);
		}
		if (pid < 0) {
			perror("vforker: vfork");
			return 1;
		}
		printf("spawned %d\n", (int)pid);
		fflush(stdout);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	return 0;
}
