/*
 * churn.c - processes forked and exiting all the time, for the exporter's
 * load test: TOTAL processes forked evenly over SECONDS, at most ALIVE at
 * once.  Each calls itself churnN (N from 0 to 7), dies with its parent,
 * maps and writes 0 to 768 KiB of its own, maps and unmaps a page every
 * 5 ms for 20 ms to 2.4 s, and exits; one in five does so in a second thread
 * after its main thread has exited.  Prints "churned N processes in S s,
 * at most M at once" once all have exited.
 *
 * usage: churn TOTAL SECONDS ALIVE
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double end_of_life;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Maps, touches and unmaps a page every 5 ms until end. */
static void live_until(double end)
{
	while (now() < end) {
		struct timespec nap = { 0, 5000000 };
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != MAP_FAILED) {
			p[0] = 1;
			munmap(p, 4096);
		}
		nanosleep(&nap, NULL);
	}
}

static void *thread_main(void *arg)
{
	(void)arg;
	live_until(end_of_life);
	_exit(0);
}

static void child(unsigned n)
{
	char name[16];
	pthread_t t;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	snprintf(name, sizeof(name), "churn%u", n % 8);
	prctl(PR_SET_NAME, name);
	if (n % 4) {
		size_t len = (size_t)(n % 4) << 18;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != MAP_FAILED)
			memset(p, (int)n, len);
	}
	end_of_life = now() + (double)(n * 7919 % 2400 + 20) / 1000;
	/* the main thread gone, a thread lives on with the memory */
	if (n % 5 == 0 && pthread_create(&t, NULL, thread_main, NULL) == 0)
		pthread_exit(NULL);
	live_until(end_of_life);
	_exit(0);
}

int main(int argc, char **argv)
{
	double t0 = now(), span, reaped;
	unsigned total, alive, forked = 0, running = 0, most = 0;

	if (argc != 4 || !(total = (unsigned)strtol(argv[1], NULL, 10)) ||
	    !((span = strtod(argv[2], NULL)) > 0) || (int)(alive = (unsigned)strtol(argv[3], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: churn TOTAL SECONDS ALIVE\n");
		return 2;
	}
	reaped = t0;
	for (;;) {
		double t = now();

		/* ahead of the schedule: wait, reaping now and then */
		if (t0 + forked * span / total > t) {
			struct timespec ms = { 0, 1000000 };

			nanosleep(&ms, NULL);
			if (now() - reaped < 0.05 && running < alive)
				continue;
		} else if (running < alive) {
			pid_t pid = fork();

			if (pid < 0) {
				perror("churn: fork");
				return 1;
			}
			if (pid == 0)
				child(forked);
			running++;
			most = running > most ? running : most;
			if (++forked == total)
				break;
			continue;
		} else {
			struct timespec ms = { 0, 1000000 };

			nanosleep(&ms, NULL);
		}
		while (running && waitpid(-1, NULL, WNOHANG) > 0)
			running--;
		reaped = now();
	}
	while (running && wait(NULL) > 0)
		running--;
	printf("churned %u processes in %.1f s, at most %u at once\n", forked, now() - t0, most);
	return 0;
}
