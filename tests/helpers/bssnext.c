/*
 * bssnext.c - loads a shared library and maps anonymous read-write memory
 * directly above the end of its bss, as a Python process's allocator may
 * find itself: the region memscope must not charge to the library.
 * Prints "lib START END" (the library's mapping, END the page-rounded end of
 * its bss), "anon START END" and "ready", then waits until its standard
 * input closes.
 *
 * usage: bssnext LIBRARY KIB
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct span {
	const char *path;
	uintptr_t start, end;
};

static int find_span(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct span *s = arg;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

	(void)size;
	if (!info->dlpi_name || strcmp(info->dlpi_name, s->path) != 0)
		return 0;
	s->start = UINTPTR_MAX, s->end = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;

		if (ph->p_type != PT_LOAD)
			continue;
		s->start = lo < s->start ? lo & ~(page - 1) : s->start;
		s->end = hi > s->end ? (hi + page - 1) & ~(page - 1) : s->end;
	}
	return 1;
}

/* The loader puts a library at the top of the highest gap it fits, so the
 * space above it is taken.  A reservation made first sits at the top of a
 * large gap; when the library lands right below it, the reservation makes
 * way.  A library that lands in some higher, smaller gap is unloaded and
 * its gap plugged, and the next try goes lower. */
static void *place(const char *path, size_t len, struct span *s)
{
	for (int tries = 0; tries < 64; tries++) {
		void *top = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				 -1, 0);
		void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL), *p;

		if (top == MAP_FAILED || !h || !dl_iterate_phdr(find_span, s)) {
			fprintf(stderr, "bssnext: %s\n", h ? "cannot map" : dlerror());
			return NULL;
		}
		munmap(top, len);
		if (s->end == (uintptr_t)top) {
			p = mmap(top, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
			if (p == top)
				return p;
			if (p != MAP_FAILED)
				munmap(p, len); /* a kernel before 4.17 took it for a hint */
		}
		dlclose(h);
		mmap((void *)s->start, s->end - s->start, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	}
	fprintf(stderr, "bssnext: found no place above the library\n");
	return NULL;
}

int main(int argc, char **argv)
{
	long kib = argc == 3 ? strtol(argv[2], NULL, 10) : 0;
	struct span s = { .path = argc == 3 ? argv[1] : NULL };
	size_t len = (size_t)kib << 10;
	char *p, buf[64];

	if (kib <= 0 || kib > (1l << 20) || len % (size_t)sysconf(_SC_PAGESIZE)) {
		fprintf(stderr, "usage: bssnext LIBRARY KIB\n");
		return 2;
	}
	p = place(argv[1], len, &s);
	if (!p)
		return 1;
	memset(p, 1, len); /* resident, as the allocator's pools are */
	printf("lib %lx %lx\nanon %lx %lx\nready\n", (unsigned long)s.start,
	       (unsigned long)s.end, (unsigned long)p, (unsigned long)p + len);
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
