/*
 * psobjects.c - the mapped files of every process at once (MS_PS_OBJECTS),
 * as Android's librank shows them: which library or file costs the most
 * across the machine, and how many processes map it.
 *
 * Each readable process is read whole (its smaps, as a streamed snapshot:
 * memory stays flat) and its objects kept; once all are read they are
 * sorted by file (device, inode, path) and each file's entries summed.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ms_psobjects_add(struct ms_ctx *ctx, int piddir, pid_t pid, struct ms_psobjects *into)
{
	const struct ms_take_hooks hooks = { 0 };
	struct ms_snapshot *snap;
	char err[256];
	int rc = ms_snapshot_take_dir(ctx, piddir, pid, MS_SNAP_STREAM, &hooks, &snap, err, sizeof(err));

	if (rc < 0) /* gone since its rollup, or unreadable now: its files are not counted */
		return rc == -ENOMEM ? rc : 0;
	for (size_t i = 0; i < snap->nr_objects && rc == 0; i++) {
		struct ms_object ob = snap->objects[i];

		if (into->n == into->cap) {
			size_t cap = into->cap ? into->cap * 2 : 256;
			struct ms_object *v = realloc(into->v, cap * sizeof(*v));

			if (!v) {
				rc = -ENOMEM;
				break;
			}
			into->v = v;
			into->cap = cap;
		}
		ob.path = ms_pool_strndup(into->pool, ob.path, strlen(ob.path));
		ob.count = 1; /* a process */
		if (!ob.path)
			rc = -ENOMEM;
		else
			into->v[into->n++] = ob;
	}
	ms_snapshot_free(snap);
	return rc;
}

static int by_file(const void *a, const void *b)
{
	const struct ms_object *x = a, *y = b;

	if (x->dev_major != y->dev_major)
		return x->dev_major < y->dev_major ? -1 : 1;
	if (x->dev_minor != y->dev_minor)
		return x->dev_minor < y->dev_minor ? -1 : 1;
	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return strcmp(x->path, y->path);
}

int ms_psobjects_fold(struct ms_psobjects *o)
{
	size_t n = 0;
	bool ok = true;

	if (o->n)
		qsort(o->v, o->n, sizeof(*o->v), by_file);
	for (size_t i = 0; i < o->n; i++) {
		if (n && by_file(&o->v[n - 1], &o->v[i]) == 0) {
			ok &= ms_counts_add(&o->v[n - 1].c, &o->v[i].c);
			o->v[n - 1].count++;
		} else {
			o->v[n++] = o->v[i];
		}
	}
	o->n = n;
	return ok ? 0 : -EOVERFLOW;
}
