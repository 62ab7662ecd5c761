/*
 * psfloor.c - the floor of "memscope ps": exactly the reads it makes, and
 * nothing else.  For each process directory of /proc: open it, and read
 * through it stat, status, cmdline and smaps_rollup (each opened,
 * read to its end in 4 KiB reads, closed); the root's stat once, for the
 * boot time.  (The table reads no cgroup: only --json and --group-by
 * cgroup show it.)  Prints how many processes it read.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void slurp(int dir, const char *name)
{
	char buf[4096];
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

int main(void)
{
	static const char *const files[] = { "stat", "status", "cmdline", "smaps_rollup" };
	int root = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fdopendir(dup(root));
	struct dirent *e;
	long n = 0;

	if (root < 0 || !d)
		return 1;
	slurp(root, "stat");
	while ((e = readdir(d))) {
		int dir;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		dir = openat(root, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dir < 0)
			continue;
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			slurp(dir, files[i]);
		close(dir);
		n++;
	}
	closedir(d);
	printf("%ld\n", n);
	return 0;
}
