/*
 * classify.c - the rules that give a region its class, in the order they
 * are tried.  docs/classes.md says the same in prose: keep the two in step.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const class_names[MS_CLASS_COUNT] = {
	"code", "rodata", "data", "bss", "heap", "stack", "thread-stack",
	"anon", "anon-shared", "file-private", "file-shared", "sysv-shm",
	"kernel", "guard",
};

const char *ms_class_name(enum ms_class c)
{
	return (unsigned)c < MS_CLASS_COUNT ? class_names[c] : NULL;
}

int ms_class_from_name(const char *name)
{
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		if (strcmp(class_names[c], name) == 0)
			return c;
	return -1;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_kernel_name(const char *path)
{
	/* [vvar_vclock] (6.12+) shares the prefix with [vvar] */
	return strcmp(path, "[vdso]") == 0 || starts(path, "[vvar") ||
	       strcmp(path, "[vsyscall]") == 0 || strcmp(path, "[uprobes]") == 0;
}

/* A file on a file system, as opposed to shared memory wearing a path. */
bool ms_is_real_file(const struct ms_region *r)
{
	return r->path[0] == '/' && r->inode != 0 && !starts(r->path, "/SYSV") &&
	       !starts(r->path, "/memfd:") &&
	       !(r->deleted && strcmp(r->path, "/dev/zero") == 0);
}

static bool is_anon_shared(const struct ms_region *r)
{
	return r->perms[3] == 's' &&
	       (r->path[0] == '\0' || starts(r->path, "[anon_shmem:") ||
		starts(r->path, "/memfd:") ||
		(r->deleted && strcmp(r->path, "/dev/zero") == 0));
}

static bool is_anon(const struct ms_region *r)
{
	return r->path[0] == '\0' || starts(r->path, "[anon:") ||
	       (r->path[0] == '[' && r->inode == 0);
}

static bool holds_sp(const struct ms_region *r, const struct ms_sps *sps)
{
	for (size_t i = 0; i < sps->n; i++)
		if (sps->v[i] >= r->start && sps->v[i] < r->end)
			return true;
	return false;
}

/* Used only when some thread's stack pointer could not be read: glibc maps
 * a thread stack of the default size (RLIMIT_STACK) with a no-access guard
 * directly below it. */
static bool looks_like_thread_stack(const struct ms_region *r,
				    const struct ms_region *prev,
				    const struct ms_sps *sps)
{
	return sps->default_stack && r->end - r->start == sps->default_stack &&
	       prev && prev->end == r->start && r->path[0] == '\0' &&
	       strcmp(r->perms, "rw-p") == 0 && prev->path[0] == '\0' &&
	       strcmp(prev->perms, "---p") == 0 && prev->end - prev->start <= (64u << 10);
}

/* Every rule but those of ELF images, which need to know the object. */
enum ms_class ms_base_class(const struct ms_region *r, const struct ms_region *prev,
			    const struct ms_sps *sps)
{
	if (is_kernel_name(r->path))
		return MS_CLASS_KERNEL;
	if (memcmp(r->perms, "---", 3) == 0)
		return MS_CLASS_GUARD;
	if (strcmp(r->path, "[heap]") == 0)
		return MS_CLASS_HEAP;
	if (strcmp(r->path, "[stack]") == 0)
		return MS_CLASS_STACK;
	if (starts(r->path, "[stack:")) /* kernels before 4.5 named them */
		return MS_CLASS_THREAD_STACK;
	if (r->path[0] == '\0' && r->perms[3] == 'p' &&
	    (holds_sp(r, sps) || (sps->unknown && looks_like_thread_stack(r, prev, sps))))
		return MS_CLASS_THREAD_STACK;
	if (starts(r->path, "/SYSV"))
		return MS_CLASS_SYSV_SHM;
	if (is_anon_shared(r))
		return MS_CLASS_ANON_SHARED;
	if (strcmp(r->path, "[anon:.bss]") == 0) /* as Android's linker names it */
		return MS_CLASS_BSS;
	if (is_anon(r))
		return MS_CLASS_ANON;
	return r->perms[3] == 's' ? MS_CLASS_FILE_SHARED : MS_CLASS_FILE_PRIVATE;
}

enum ms_class ms_segment_class(const struct ms_region *r)
{
	if (r->perms[2] == 'x')
		return MS_CLASS_CODE;
	if (r->perms[1] == 'w')
		return MS_CLASS_DATA;
	return MS_CLASS_RODATA; /* includes RELRO, made read-only after relocation */
}

/* The loader maps a bss as nameless private read-write anonymous memory. */
bool ms_is_bss_shaped(const struct ms_region *r)
{
	return r->class == MS_CLASS_ANON && r->path[0] == '\0' && strcmp(r->perms, "rw-p") == 0;
}

/* The placement: the anonymous rest of a data segment (the bss past the
 * file's last page) sits directly above it.  Only the fallback where an
 * object's program headers are not known: anything mapped there later
 * looks the same (classifier.c). */
bool ms_is_bss_of(const struct ms_region *r, const struct ms_region *prev)
{
	return prev && prev->class == MS_CLASS_DATA && prev->end == r->start &&
	       ms_is_bss_shaped(r);
}
