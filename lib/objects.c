/*
 * objects.c - the mapped files of a process: found by device and inode in a
 * hash table, and looked at once each to tell an ELF image from data.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


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

/* Opens the file the region maps: map_files/START-END is the very file
 * mapped (an upgraded or deleted library too), but needs privilege; else
 * the path below PID/root (the process's own view of the file system),
 * unless the file was deleted.  -1 when neither opens. */
static int open_mapped(int piddir, const struct ms_region *r)
{
	char name[PATH_MAX + 8];
	size_t j = 4;
	int fd;

	snprintf(name, sizeof(name), "map_files/%llx-%llx",
		 (unsigned long long)r->start, (unsigned long long)r->end);
	fd = openat(piddir, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0 || r->deleted)
		return fd;
	memcpy(name, "root", 4);
	for (const char *p = r->path; *p && j < sizeof(name) - 1; p++) {
		bool nl = p[0] == '\\' && strncmp(p, "\\012", 4) == 0;

		name[j++] = nl ? '\n' : *p;
		p += nl ? 3 : 0;
	}
	name[j] = '\0';
	return openat(piddir, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
}

/* Looks at the mapped file once: "\177ELF" or not, and an ELF's program
 * headers into *e.  1 ELF, 0 not, -1 unknown (not opened), or -ENOMEM. */
static int probe_elf(int piddir, const struct ms_region *r, struct ms_elf *e)
{
	int fd = open_mapped(piddir, r), rc;

	memset(e, 0, sizeof(*e));
	if (fd < 0)
		return -1;
	rc = ms_elf_read(fd, e);
	close(fd);
	if (rc == -ENOMEM)
		return rc;
	return rc < 0 ? -1 : e->magic;
}

static int obj_grow(struct ms_snapshot *snap, struct ms_objtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64, mask = cap * 2 - 1;
	struct ms_object *nv = realloc(snap->objects, cap * sizeof(*nv));
	signed char *elf = realloc(t->elf, cap);
	struct ms_elf *hdr = realloc(t->hdr, cap * sizeof(*hdr));
	size_t *slot = calloc(mask + 1, sizeof(*slot));

	if (nv)
		snap->objects = nv;
	if (elf)
		t->elf = elf;
	if (hdr)
		t->hdr = hdr;
	if (!nv || !elf || !hdr || !slot) {
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
int ms_obj_find(struct ms_snapshot *snap, struct ms_objtab *t, int piddir,
		const struct ms_region *r)
{
	size_t h;
	struct ms_object *o;
	int elf;

	if (snap->nr_objects == t->cap && obj_grow(snap, t) < 0)
		return -ENOMEM;
	for (h = obj_hash(r) & t->mask; t->slot[h]; h = (h + 1) & t->mask)
		if (same_file(&snap->objects[t->slot[h] - 1], r))
			return (int)(t->slot[h] - 1);
	o = &snap->objects[snap->nr_objects];
	memset(o, 0, sizeof(*o));
	/* the region's strings may go before the snapshot does (streaming) */
	o->path = ms_pool_strndup(snap->pool, r->path, strlen(r->path));
	if (!o->path)
		return -ENOMEM;
	t->slot[h] = snap->nr_objects + 1;
	o->inode = r->inode;
	o->dev_major = r->dev_major;
	o->dev_minor = r->dev_minor;
	o->kind = MS_OBJECT_FILE;
	o->c.have = (1u << MS_FIELD_COUNT) - 1; /* sums start known, at zero */
	t->elf[snap->nr_objects] = -1;
	elf = probe_elf(piddir, r, &t->hdr[snap->nr_objects]);
	if (elf == -ENOMEM) {
		t->slot[h] = 0; /* the last in its chain: as it was */
		return elf;
	}
	if (elf >= 0)
		ms_obj_settle(snap, t, (int)snap->nr_objects, elf);
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

void ms_objtab_release(struct ms_objtab *t)
{
	free(t->slot);
	free(t->elf);
	free(t->hdr);
	memset(t, 0, sizeof(*t));
}

/* An object whose file we could not open is an ELF image when the loader
 * mapped part of it executable; at the end, one with no such part is not. */
void ms_obj_settle(struct ms_snapshot *snap, struct ms_objtab *t, int o, bool elf)
{
	t->elf[o] = elf;
	if (elf)
		snap->objects[o].kind = is_exe(snap, snap->objects[o].path) ?
					MS_OBJECT_EXE : MS_OBJECT_LIB;
}
