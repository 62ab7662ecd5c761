/*
 * threads.c - the stack pointer of every thread but the main one.
 *
 * glibc does not name thread stacks, so a region is a thread's stack when
 * the thread's stack pointer lies in it.  task/TID/syscall gives it for a
 * thread that is blocked: "nr arg1 .. arg6 sp pc", "-1 sp pc" outside a
 * system call, or "running" (no stack pointer; counted in sps->unknown).
 * For those, the size glibc gives a thread stack by default (the soft
 * RLIMIT_STACK, from limits) lets the classifier guess.
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The next-to-last word of a syscall line. */
static bool syscall_sp(const char *text, uint64_t *sp)
{
	const char *words[2] = { NULL, NULL };
	const char *p = text, *end = text + strcspn(text, "\n");
	const char *w;
	size_t len;

	while (ms_scan_word(&p, end, &w, &len)) {
		words[0] = words[1];
		words[1] = w;
	}
	if (!words[0] || strncmp(words[0], "0x", 2) != 0)
		return false;
	p = words[0] + 2;
	return ms_scan_hex(&p, end, sp) && *p == ' ';
}

/* limits: "Max stack size            8388608              unlimited   bytes" */
static uint64_t stack_limit(int piddir)
{
	char *text, *line;
	uint64_t v = 0;

	if (ms_read_small(piddir, "limits", &text, NULL) < 0)
		return 0;
	line = strstr(text, "\nMax stack size");
	if (line) {
		const char *p = line + 15, *end = p + strcspn(p, "\n");

		ms_scan_blanks(&p, end);
		if (!ms_scan_dec(&p, end, &v))
			v = 0; /* "unlimited": glibc then picks a size of its own */
	}
	free(text);
	return v;
}

static int add_sp(struct ms_sps *sps, uint64_t sp, size_t *cap)
{
	if (sps->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		uint64_t *nv = realloc(sps->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		sps->v = nv;
		*cap = ncap;
	}
	sps->v[sps->n++] = sp;
	return 0;
}

int ms_thread_sps(int piddir, pid_t pid, struct ms_sps *sps)
{
	int fd = openat(piddir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	char self[24];
	size_t cap = 0;
	DIR *dir;
	int rc = 0;

	memset(sps, 0, sizeof(*sps));
	if (fd < 0) {
		/* no task/ in a fixture: no threads; otherwise we cannot tell */
		sps->unknown = errno != ENOENT;
		return 0;
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	snprintf(self, sizeof(self), "%d", (int)pid);
	while (rc == 0 && (de = readdir(dir))) {
		char name[300], *text;
		uint64_t sp;

		if (de->d_name[0] < '1' || de->d_name[0] > '9' || strcmp(de->d_name, self) == 0)
			continue;
		snprintf(name, sizeof(name), "%s/syscall", de->d_name);
		if (ms_read_small(dirfd(dir), name, &text, NULL) < 0) {
			sps->unknown++; /* exited since readdir, or not permitted */
			continue;
		}
		if (syscall_sp(text, &sp))
			rc = add_sp(sps, sp, &cap);
		else
			sps->unknown++;
		free(text);
	}
	closedir(dir);
	if (rc == 0 && sps->unknown)
		sps->default_stack = stack_limit(piddir);
	return rc;
}
