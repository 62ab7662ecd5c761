/*
 * recycle.c - one PID, taken by one process after another, for
 * tests/race.sh: run in a PID namespace of its own (unshare --pid --fork
 * --mount-proc), where it may choose the PIDs of its children (clone3's
 * set_tid, else ns_last_pid).  It places a process of layout "a" at PID
 * (and says so, as below), prints "ready", then reads commands from its
 * standard input, a line each:
 *
 *   a, b   the process at PID killed and reaped, and a new one of that
 *          layout placed at PID; prints "at PID a|b SERIAL" once it is
 *          ready
 *
 * Layout a is NA regions of two pages of private memory, the first page of
 * each written; b is NB regions of two pages of shared memory (anonymous),
 * both written; they alternate read-write and read-only, so no two merge.
 * Each process also maps the file DIR/a.map or DIR/b.map, calls itself
 * recycle-a or recycle-b, and before it says it is ready writes the ranges
 * of its maps ("START-END", a line each, as /proc/PID/maps has them) to
 * DIR/SERIAL.maps; then it changes no more.
 * It ends when its standard input closes; its processes die with it.
 * If it cannot place a process at PID it says why ("cannot ...") and
 * exits 3.
 *
 * usage: recycle PID DIR NA NB
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char maps_text[8 << 20], ranges[4 << 20]; /* bss: mapped from the start */

/* ---- the process at PID */
static int fail(const char *what)
{
	fprintf(stderr, "recycle: %s: %s\n", what, strerror(errno));
	return 1;
}

/* DIR/SERIAL.maps: the start and end of each line of its maps. */
static int write_ranges(const char *dir, const char *serial)
{
	char path[4096], tmp[4200];
	size_t len = 0, out = 0;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return fail("/proc/self/maps");
	while ((n = read(fd, maps_text + len, sizeof(maps_text) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	for (size_t i = 0; i < len;) {
		size_t w = strcspn(maps_text + i, " \n");

		if (out + w + 1 > sizeof(ranges))
			return fail("too many mappings");
		memcpy(ranges + out, maps_text + i, w);
		out += w;
		ranges[out++] = '\n';
		while (i < len && maps_text[i] != '\n')
			i++;
		i++;
	}
	snprintf(path, sizeof(path), "%s/%s.maps", dir, serial);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, ranges, out) != (ssize_t)out || close(fd) < 0 || rename(tmp, path) < 0)
		return fail(path);
	return 0;
}

static int be(char which, const char *dir, const char *serial, int ready, long n)
{
	long page = sysconf(_SC_PAGESIZE);
	char path[4096], *base, *file;
	int fd;

	if (n <= 0 || n > 30000)
		return 2;
	prctl(PR_SET_NAME, which == 'a' ? "recycle-a" : "recycle-b");
	base = mmap(NULL, (size_t)(2 * n * page), PROT_READ | PROT_WRITE,
		    (which == 'a' ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return fail("mmap");
	madvise(base, (size_t)(2 * n * page), MADV_NOHUGEPAGE);
	for (long i = 0; i < n; i++) {
		char *r = base + 2 * i * page;

		r[0] = 1;
		if (which == 'b')
			r[page] = 1;
		if (i % 2 && mprotect(r, (size_t)(2 * page), PROT_READ) < 0)
			return fail("mprotect");
	}
	snprintf(path, sizeof(path), "%s/%c.map", dir, which);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, page) < 0)
		return fail(path);
	file = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
	if (file == MAP_FAILED)
		return fail("mmap");
	close(fd);
	(void)*(volatile char *)file;
	if (write_ranges(dir, serial) != 0)
		return 1;
	if (write(ready, "r", 1) != 1)
		return 1;
	close(ready);
	for (;;)
		pause();
}

/* ---- the controller */
static const char *self, *dir, *counts[2];
static pid_t target, current;
static int serial;

/* A child at target: 0 in the child, its PID (target) in the parent, or
 * -1 with the reason in errno. */
static pid_t place(void)
{
	static int old_way;

	for (int tries = 0; tries < 2000; tries++) {
		struct clone_args args;
		pid_t pid;
		int fd;

		if (!old_way) {
			memset(&args, 0, sizeof(args));
			args.exit_signal = SIGCHLD;
			args.set_tid = (uint64_t)(uintptr_t)&target;
			args.set_tid_size = 1;
			pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
			if (pid >= 0)
				return pid;
			if (errno == ENOSYS || errno == E2BIG || errno == EINVAL) {
				old_way = 1; /* before Linux 5.5 */
				continue;
			}
			if (errno != EEXIST)
				return -1;
		} else {
			char last[16];
			int len = snprintf(last, sizeof(last), "%d", (int)target - 1);

			fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
			if (fd < 0 || write(fd, last, (size_t)len) != len) {
				if (fd >= 0)
					close(fd);
				return -1;
			}
			close(fd);
			pid = fork();
			if (pid < 0)
				return -1;
			if (pid == 0 && getpid() != target)
				_exit(0);
			if (pid == 0 || pid == target)
				return pid;
			waitpid(pid, NULL, 0); /* another took it: again */
		}
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	errno = EEXIST;
	return -1;
}

static void end_current(void)
{
	if (current > 0) {
		kill(current, SIGKILL);
		waitpid(current, NULL, 0);
		current = 0;
	}
}

static int spawn(char which)
{
	char name[2] = { which, 0 }, num[16], fdnum[16], c;
	int ready[2];
	pid_t pid;

	end_current();
	if (pipe(ready) < 0)
		return fail("pipe");
	snprintf(num, sizeof(num), "%d", ++serial);
	snprintf(fdnum, sizeof(fdnum), "%d", ready[1]);
	pid = place();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		execl(self, "recycle", "be", name, dir, num, fdnum, counts[which == 'b'], (char *)NULL);
		_exit(127);
	}
	close(ready[1]);
	if (pid < 0) {
		printf("cannot place a process at PID %d: %s\n", (int)target, strerror(errno));
		fflush(stdout);
		close(ready[0]);
		return 3;
	}
	current = pid;
	if (read(ready[0], &c, 1) != 1) {
		printf("cannot place a process at PID %d: it did not start\n", (int)target);
		fflush(stdout);
		close(ready[0]);
		return 3;
	}
	close(ready[0]);
	printf("at %d %c %d\n", (int)pid, which, serial);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	char line[64];
	int rc;

	self = argv[0];
	if (argc == 7 && strcmp(argv[1], "be") == 0)
		return be(argv[2][0], argv[3], argv[4], atoi(argv[5]), strtol(argv[6], NULL, 10));
	if (argc != 5 || atoi(argv[1]) <= 1 || atoi(argv[3]) <= 0 || atoi(argv[4]) <= 0) {
		fprintf(stderr, "usage: recycle PID DIR NA NB\n");
		return 2;
	}
	target = (pid_t)atoi(argv[1]);
	dir = argv[2];
	counts[0] = argv[3];
	counts[1] = argv[4];
	signal(SIGPIPE, SIG_IGN);
	rc = spawn('a');
	if (rc)
		return rc;
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		if (line[0] == 'a' || line[0] == 'b') {
			rc = spawn(line[0]);
			if (rc)
				return rc;
		}
	}
	end_current();
	return 0;
}
