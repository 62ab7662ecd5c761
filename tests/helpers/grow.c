/*
 * grow.c - a process that grows on request, for the page's tests: a brk
 * heap, a thread, and a 64 MiB anonymous mapping of which 1 MiB is touched;
 * each SIGUSR1 touches the next 8 MiB and prints "touched N" (MiB in all).
 * With NAME it also calls itself NAME (the kernel keeps 15 bytes) and maps
 * the file DIR/NAME, whose directories it makes (a NAME may hold '/').
 * It prints, as /proc/self/maps has them,
 *
 *   region heap|thread-stack|grow|named START END    (0x hex)
 *
 * then "ready", and waits until its standard input closes.
 *
 * usage: grow DIR [NAME]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB (1024 * 1024)
#define GROW_SIZE (64 * MIB)
#define STEP (8 * MIB)

static char *grow_area;
static volatile size_t touched;
static int thread_pipe[2], ready_pipe[2];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Prints the maps range holding addr as "region NAME START END". */
static void print_region(const char *name, const void *addr)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long start, end, a = (unsigned long)addr;
	char line[4096];

	if (!f)
		die("/proc/self/maps");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 && start <= a && a < end) {
			printf("region %s 0x%lx 0x%lx\n", name, start, end);
			fclose(f);
			return;
		}
	fprintf(stderr, "grow: %s at %p is in no region\n", name, addr);
	exit(1);
}

/* In a signal handler: only memset and write, both async-signal-safe. */
static void touch_more(int sig)
{
	char msg[32];
	int n;

	(void)sig;
	if (touched + STEP <= GROW_SIZE) {
		memset(grow_area + touched, 1, STEP);
		touched += STEP;
	}
	n = snprintf(msg, sizeof(msg), "touched %zu\n", touched / MIB);
	if (write(1, msg, (size_t)n) < 0)
		_exit(1);
}

static void *thread_main(void *arg)
{
	volatile char mark = 1;
	const volatile char *where = &mark;
	char c;

	(void)arg;
	if (write(ready_pipe[1], &where, sizeof(where)) != sizeof(where))
		return NULL;
	if (read(thread_pipe[0], &c, 1) < 0)
		return NULL;
	return NULL;
}

/* DIR/NAME made (its directories too) and mapped, a page of it read. */
static void map_named(const char *dir, const char *name)
{
	char path[4096], *slash;
	const char *p;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		die("name");
	for (slash = path + strlen(dir) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		if (mkdir(path, 0755) < 0 && access(path, F_OK) < 0)
			die("mkdir");
		*slash = '/';
	}
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 4096) < 0)
		die("open");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	close(fd);
	(void)*(const volatile char *)p;
	print_region("named", p);
	prctl(PR_SET_NAME, name, 0, 0, 0);
}

int main(int argc, char **argv)
{
	const volatile char *thread_stack;
	pthread_t t;
	char buf[64], *heap;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: grow DIR [NAME]\n");
		return 2;
	}
	heap = sbrk(256 * 1024); /* the heap's first bytes, [heap] alone */
	if (heap == (void *)-1)
		die("sbrk");
	memset(heap, 1, 256 * 1024);
	print_region("heap", heap);
	if (pipe(thread_pipe) < 0 || pipe(ready_pipe) < 0 ||
	    pthread_create(&t, NULL, thread_main, NULL) != 0)
		die("pthread_create");
	if (read(ready_pipe[0], &thread_stack, sizeof(thread_stack)) != sizeof(thread_stack))
		die("thread");
	print_region("thread-stack", (const void *)thread_stack);
	grow_area = mmap(NULL, GROW_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (grow_area == MAP_FAILED)
		die("mmap");
	memset(grow_area, 1, MIB);
	touched = MIB;
	print_region("grow", grow_area);
	if (argc == 3)
		map_named(argv[1], argv[2]);
	signal(SIGUSR1, touch_more);
	printf("ready\n");
	fflush(stdout);
	for (ssize_t n; (n = read(0, buf, sizeof(buf))) != 0;)
		if (n < 0 && errno != EINTR)
			break;
	if (write(thread_pipe[1], "", 1) == 1)
		pthread_join(t, NULL);
	return 0;
}
