/*
 * pagemap-peers.c - the bare ways of counting a process's present pages,
 * for bench/pages.sh to set memscope beside:
 *
 *   pagemap-peers scan PID     PAGEMAP_SCAN over the whole address space
 *   pagemap-peers pread PID    pagemap of each mapping, in 1 MiB preads
 *   pagemap-peers pread8 PID   pagemap of each mapping, 8 bytes a pread
 *
 * Prints the number of present pages.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../lib/pagemap.h"

static long page;

static uint64_t scan(int fd)
{
	struct ms_page_region vec[512];
	struct ms_pm_scan_arg arg = {
		.size = sizeof(arg), .start = 0, .end = UINT64_C(0x7ffffffff000),
		.vec = (uintptr_t)vec, .vec_len = 512,
		.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
		.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
	};
	uint64_t present = 0;

	for (;;) {
		int n = ioctl(fd, MS_PAGEMAP_SCAN, &arg);

		if (n < 0) {
			perror("PAGEMAP_SCAN");
			exit(1);
		}
		for (int i = 0; i < n; i++)
			if (vec[i].categories & PAGE_IS_PRESENT)
				present += (vec[i].end - vec[i].start) / (uint64_t)page;
		if (arg.walk_end >= arg.end)
			return present;
		arg.start = arg.walk_end;
	}
}

static uint64_t by_pread(int fd, int pid, size_t entries)
{
	static uint64_t buf[131072];
	char path[64], line[4096];
	uint64_t present = 0;
	FILE *maps;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "r");
	while (maps && fgets(line, sizeof(line), maps)) {
		unsigned long start, end;

		if (sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		for (unsigned long a = start, n; a < end; a += n * (size_t)page) {
			ssize_t got;

			n = (end - a) / (size_t)page < entries ? (end - a) / (size_t)page : entries;
			got = pread(fd, buf, n * 8, (off_t)(a / (size_t)page * 8));
			for (ssize_t i = 0; i < got / 8; i++)
				present += buf[i] >> 63;
		}
	}
	if (maps)
		fclose(maps);
	return present;
}

int main(int argc, char **argv)
{
	char path[64];
	int pid = argc == 3 ? atoi(argv[2]) : 0, fd;

	page = sysconf(_SC_PAGESIZE);
	if (pid <= 0) {
		fprintf(stderr, "usage: pagemap-peers scan|pread|pread8 PID\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	if (strcmp(argv[1], "scan") == 0)
		printf("%lu\n", (unsigned long)scan(fd));
	else if (strcmp(argv[1], "pread") == 0)
		printf("%lu\n", (unsigned long)by_pread(fd, pid, 131072));
	else
		printf("%lu\n", (unsigned long)by_pread(fd, pid, 1));
	return 0;
}
