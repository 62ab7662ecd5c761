/*
 * many.c - N processes for the process table's benchmark: it forks N - 1
 * children, each with KIB of memory of its own written, prints "ready",
 * and waits until its standard input closes; the children die with it.
 *
 *   many N KIB
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc == 3 ? strtol(argv[1], NULL, 10) : 0;
	long kib = argc == 3 ? strtol(argv[2], NULL, 10) : -1;
	char buf[64];

	if (n < 1 || n > 100000 || kib < 0 || kib > 1 << 20) {
		fprintf(stderr, "usage: many N KIB\n");
		return 2;
	}
	for (long i = 1; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("many: fork");
			return 1;
		}
		if (pid == 0) {
			char *own = malloc((size_t)kib << 10);

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (own)
				memset(own, 1, (size_t)kib << 10);
			for (;;)
				pause();
		}
	}
	printf("ready\n");
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0; /* the children get SIGKILL as it exits (PR_SET_PDEATHSIG) */
}
