/*
 * classify.c - one class for every region, and the mapped files (objects)
 * they belong to.  The rules, in the order they are tried, are written
 * down in docs/classes.md; keep the two in step.
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
static bool is_real_file(const struct ms_region *r)
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

/* Used only when some thread's stack pointer could not be read: glibc puts
 * a no-access guard directly below each thread stack it maps. */
static bool looks_like_thread_stack(const struct ms_region *r,
				    const struct ms_region *prev)
{
	return prev && prev->end == r->start && r->path[0] == '\0' &&
	       strcmp(r->perms, "rw-p") == 0 && prev->path[0] == '\0' &&
	       strcmp(prev->perms, "---p") == 0 && prev->end - prev->start <= (64u << 10);
}

/* Every rule but those of ELF images, which need the objects. */
static enum ms_class base_class(const struct ms_region *r,
				const struct ms_region *prev,
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
	    (holds_sp(r, sps) || (sps->unknown && looks_like_thread_stack(r, prev))))
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

/* ---- objects ---- */

struct objtab {
	size_t *slot;   /* object index + 1; 0 is empty */
	size_t mask;
	size_t cap;     /* of snap->objects */
	signed char *elf; /* per object: 1 ELF, 0 not, -1 could not look */
};

static size_t obj_hash(const struct ms_region *r)
{
	uint64_t h = r->inode * 0x9e3779b97f4a7c15ull;

	return (size_t)(h ^ (h >> 29) ^ ((uint64_t)r->dev_major << 20) ^ r->dev_minor);
}

static bool same_file(const struct ms_object *o, const struct ms_region *r)
{
	return o->inode == r->inode && o->dev_major == r->dev_major &&
	       o->dev_minor == r->dev_minor && strcmp(o->path, r->path) == 0;
}

/* Reads the first bytes of the mapped file: "\177ELF" or not.  The path is
 * opened below PID/root (the process's own view of the file system); a
 * deleted file only through map_files/START-END. */
static int probe_elf(int piddir, const struct ms_region *r)
{
	char name[PATH_MAX + 8], magic[4];
	size_t j = 4;
	int fd = -1;

	memcpy(name, "root", 4);
	for (const char *p = r->path; *p && j < sizeof(name) - 1; p++) {
		bool nl = p[0] == '\\' && strncmp(p, "\\012", 4) == 0;

		name[j++] = nl ? '\n' : *p;
		p += nl ? 3 : 0;
	}
	name[j] = '\0';
	if (!r->deleted)
		fd = openat(piddir, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(name, sizeof(name), "map_files/%llx-%llx",
			 (unsigned long long)r->start, (unsigned long long)r->end);
		fd = openat(piddir, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	}
	if (fd < 0)
		return -1;
	j = pread(fd, magic, 4, 0) == 4 && memcmp(magic, "\177ELF", 4) == 0;
	close(fd);
	return (int)j;
}

static int obj_grow(struct ms_snapshot *snap, struct objtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64, mask = cap * 2 - 1;
	struct ms_object *nv = realloc(snap->objects, cap * sizeof(*nv));
	signed char *elf = realloc(t->elf, cap);
	size_t *slot = calloc(mask + 1, sizeof(*slot));

	if (nv)
		snap->objects = nv;
	if (elf)
		t->elf = elf;
	if (!nv || !elf || !slot) {
		free(slot);
		return -ENOMEM;
	}
	for (size_t i = 0; i < snap->nr_objects; i++) {
		const struct ms_object *o = &snap->objects[i];
		struct ms_region key = { .inode = o->inode, .dev_major = o->dev_major,
					 .dev_minor = o->dev_minor };
		size_t h = obj_hash(&key) & mask;

		while (slot[h])
			h = (h + 1) & mask;
		slot[h] = i + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->mask = mask;
	t->cap = cap;
	return 0;
}

/* The object of a file region, created (and probed) on first sight. */
static int obj_find(struct ms_snapshot *snap, struct objtab *t, int piddir,
		    const struct ms_region *r)
{
	size_t h;
	struct ms_object *o;

	if (snap->nr_objects == t->cap && obj_grow(snap, t) < 0)
		return -ENOMEM;
	for (h = obj_hash(r) & t->mask; t->slot[h]; h = (h + 1) & t->mask)
		if (same_file(&snap->objects[t->slot[h] - 1], r))
			return (int)(t->slot[h] - 1);
	t->slot[h] = snap->nr_objects + 1;
	o = &snap->objects[snap->nr_objects];
	memset(o, 0, sizeof(*o));
	o->path = r->path;
	o->inode = r->inode;
	o->dev_major = r->dev_major;
	o->dev_minor = r->dev_minor;
	o->kind = MS_OBJECT_FILE;
	t->elf[snap->nr_objects] = (signed char)probe_elf(piddir, r);
	return (int)snap->nr_objects++;
}

static bool is_exe(const struct ms_snapshot *snap, const char *path)
{
	size_t n;

	if (!snap->exe)
		return false;
	n = strlen(path);
	return strncmp(snap->exe, path, n) == 0 &&
	       (snap->exe[n] == '\0' || strcmp(snap->exe + n, " (deleted)") == 0);
}

/* Objects we could not open are ELF images when the loader mapped some part
 * of them executable. */
static void settle_kinds(struct ms_snapshot *snap, struct objtab *t)
{
	for (size_t i = 0; i < snap->nr_regions; i++) {
		const struct ms_region *r = &snap->regions[i];

		if (r->object >= 0 && t->elf[r->object] < 0 && r->perms[2] == 'x')
			t->elf[r->object] = 1;
	}
	for (size_t o = 0; o < snap->nr_objects; o++)
		if (t->elf[o] > 0)
			snap->objects[o].kind = is_exe(snap, snap->objects[o].path) ?
						MS_OBJECT_EXE : MS_OBJECT_LIB;
}

static enum ms_class segment_class(const struct ms_region *r)
{
	if (r->perms[2] == 'x')
		return MS_CLASS_CODE;
	if (r->perms[1] == 'w')
		return MS_CLASS_DATA;
	return MS_CLASS_RODATA; /* includes RELRO, made read-only after relocation */
}

/* ELF segments get code/rodata/data; the anonymous rest of a data segment
 * (the bss beyond the file's last page) sits directly above it. */
static void classify_images(struct ms_snapshot *snap)
{
	for (size_t i = 0; i < snap->nr_regions; i++) {
		struct ms_region *r = &snap->regions[i];
		const struct ms_region *prev = i ? &snap->regions[i - 1] : NULL;

		if (r->object >= 0 && snap->objects[r->object].kind != MS_OBJECT_FILE &&
		    r->class != MS_CLASS_GUARD)
			r->class = segment_class(r);
		else if (r->class == MS_CLASS_ANON && r->path[0] == '\0' && prev &&
			 prev->class == MS_CLASS_DATA && prev->end == r->start &&
			 strcmp(r->perms, "rw-p") == 0) {
			r->class = MS_CLASS_BSS;
			r->object = prev->object;
		}
	}
}

int ms_classify(struct ms_snapshot *snap, int piddir)
{
	struct objtab t = { 0 };
	struct ms_sps sps;
	int rc = ms_thread_sps(piddir, snap->pid, &sps);

	for (size_t i = 0; rc == 0 && i < snap->nr_regions; i++) {
		struct ms_region *r = &snap->regions[i];

		r->class = base_class(r, i ? &snap->regions[i - 1] : NULL, &sps);
		r->object = -1;
		if (is_real_file(r)) {
			r->object = obj_find(snap, &t, piddir, r);
			if (r->object < 0)
				rc = r->object;
		}
	}
	if (rc == 0) {
		settle_kinds(snap, &t);
		classify_images(snap);
	}
	free(sps.v);
	free(t.slot);
	free(t.elf);
	return rc;
}

/* Totals, per class and per object: sums of the regions. */
void ms_sum(struct ms_snapshot *snap)
{
	const uint32_t all = (1u << MS_FIELD_COUNT) - 1;

	memset(&snap->totals, 0, sizeof(snap->totals));
	memset(snap->classes, 0, sizeof(snap->classes));
	snap->totals.c.have = all;
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		snap->classes[c].c.have = all;
	for (size_t o = 0; o < snap->nr_objects; o++) {
		memset(&snap->objects[o].c, 0, sizeof(snap->objects[o].c));
		snap->objects[o].c.have = all;
		snap->objects[o].count = 0;
	}
	for (size_t i = 0; i < snap->nr_regions; i++) {
		const struct ms_region *r = &snap->regions[i];

		snap->totals.count++;
		ms_counts_add(&snap->totals.c, &r->c);
		snap->classes[r->class].count++;
		ms_counts_add(&snap->classes[r->class].c, &r->c);
		if (r->object >= 0) {
			snap->objects[r->object].count++;
			ms_counts_add(&snap->objects[r->object].c, &r->c);
		}
	}
}
