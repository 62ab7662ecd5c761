/*
 * mainexit.c - a process whose main thread exits while another thread runs
 * on with the memory: its PID shows a zombie, its other thread does not.
 * The other thread prints "ready" and waits until standard input closes.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *wait_for_input(void *arg)
{
	char buf[64];

	(void)arg;
	printf("ready\n");
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	_exit(0);
}

int main(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, wait_for_input, NULL) != 0)
		return 1;
	pthread_exit(NULL);
}
