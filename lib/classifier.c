/*
 * classifier.c - classes and sums, region by region while smaps is still
 * being read, so that the work is done beside the kernel's.
 *
 * A region is "done" when its record is complete: it has its base class
 * and its object.  It is "final" when the kind of its object is known (so
 * ELF segments get code/rodata/data, and a bss can follow a data segment):
 * then it is summed and handed to the caller.  Regions become final in
 * address order; one whose object is not settled yet (its file could not be
 * opened, and no executable part of it was seen) waits, with all after it.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ms_classifier_init(struct ms_classifier *cl, struct ms_snapshot *snap, int piddir,
		       long page)
{
	const uint32_t all = (1u << MS_FIELD_COUNT) - 1;

	cl->snap = snap;
	cl->piddir = piddir;
	cl->page = page > 0 && !(page & (page - 1)) ? (uint64_t)page : 4096;
	cl->bss_end = 0;
	cl->done = cl->final = 0;
	memset(&cl->objs, 0, sizeof(cl->objs));
	memset(&snap->totals, 0, sizeof(snap->totals));
	memset(snap->classes, 0, sizeof(snap->classes));
	snap->totals.c.have = all;
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		snap->classes[c].c.have = all;
	return ms_thread_sps(piddir, snap->pid, &cl->sps);
}

void ms_classifier_release(struct ms_classifier *cl)
{
	free(cl->sps.v);
	free(cl->prev_strings);
	ms_objtab_release(&cl->objs);
}

/* Whether r, directly above prev, is the bss of prev's object.  With the
 * object's program headers only what their bss extent covers is: a region
 * that holds more (the kernel merged the bss with later anonymous memory,
 * or something else was mapped there) is anon, so no object is charged
 * for memory it does not own.  Without them the placement decides. */
static bool is_bss(struct ms_classifier *cl, const struct ms_region *r,
		   const struct ms_region *prev)
{
	const struct ms_elf *e;
	uint64_t lo, hi;

	if (!prev || prev->object < 0 || prev->end != r->start || !ms_is_bss_shaped(r))
		return false;
	e = &cl->objs.hdr[prev->object];
	if (prev->class == MS_CLASS_BSS) /* a bss split in two (mlock, madvise) */
		return r->end <= cl->bss_end;
	if (!ms_is_bss_of(r, prev))
		return false;
	cl->bss_end = 0; /* nothing to continue below, unless the headers say */
	if (!e->known)
		return true;
	if (!ms_elf_bss(e, prev, cl->page, &lo, &hi) || r->start != lo || r->end > hi)
		return false;
	cl->bss_end = hi;
	return true;
}

static int finalize(struct ms_classifier *cl, struct ms_region *r,
		    const struct ms_region *prev)
{
	struct ms_snapshot *snap = cl->snap;
	bool ok;

	if (r->object >= 0 && snap->objects[r->object].kind != MS_OBJECT_FILE &&
	    r->class != MS_CLASS_GUARD)
		r->class = ms_segment_class(r);
	else if (is_bss(cl, r, prev))
		r->class = MS_CLASS_BSS, r->object = prev->object;
	snap->totals.count++;
	ok = ms_counts_add(&snap->totals.c, &r->c);
	snap->classes[r->class].count++;
	ok &= ms_counts_add(&snap->classes[r->class].c, &r->c);
	if (r->object >= 0) {
		snap->objects[r->object].count++;
		ok &= ms_counts_add(&snap->objects[r->object].c, &r->c);
	}
	if (!ok)
		return -EOVERFLOW;
	if (cl->each)
		cl->each(r, cl->arg);
	return 0;
}

/* An object whose file could not be opened waits for an executable part
 * this many regions at most (the loader maps an image's parts side by
 * side), then it is no ELF image: what waits behind it stays bounded. */
#define WAIT_MAX 256

/* Finalizes regions in order, up to the first whose object is unsettled. */
static int advance(struct ms_classifier *cl, struct ms_region *v)
{
	for (; cl->final < cl->done; cl->final++) {
		struct ms_region *r = &v[cl->final];

		if (r->object >= 0 && cl->objs.elf[r->object] < 0) {
			if (cl->done - cl->final < WAIT_MAX)
				return 0;
			ms_obj_settle(cl->snap, &cl->objs, r->object, false);
		}
		if (finalize(cl, r, cl->final ? r - 1 : NULL) < 0)
			return -EOVERFLOW;
	}
	return 0;
}

/* A copy of s in prev_strings at *at; NULL stays NULL. */
static const char *keep_string(struct ms_classifier *cl, const char *s, size_t *at)
{
	size_t len = s ? strlen(s) + 1 : 0;
	const char *copy = s ? memcpy(cl->prev_strings + *at, s, len) : NULL;

	*at += len;
	return copy;
}

/* Regions kept at most, streaming, before they are cut back */
#define STREAM_KEEP 1024

/* Streaming: once STREAM_KEEP regions are final and none waits, only the
 * last stays, as the neighbour of the next; the strings of the others go. */
static int cut_back(struct ms_classifier *cl)
{
	struct ms_region *v = cl->vec->v, *last = &v[cl->final - 1];
	size_t need = strlen(last->path) + 1 + (last->vmflags ? strlen(last->vmflags) + 1 : 0);
	size_t at = 0;

	if (need > cl->prev_cap) {
		char *nb = realloc(cl->prev_strings, need);

		if (!nb)
			return -ENOMEM;
		cl->prev_strings = nb;
		cl->prev_cap = need;
	}
	last->path = keep_string(cl, last->path, &at);
	last->vmflags = keep_string(cl, last->vmflags, &at);
	v[0] = *last;
	cl->vec->n = cl->done = cl->final = 1;
	ms_pool_reset(cl->scratch);
	return 0;
}

int ms_classifier_add(struct ms_classifier *cl, struct ms_region *v, size_t i)
{
	struct ms_region *r = &v[i];

	r->class = ms_base_class(r, i ? r - 1 : NULL, &cl->sps);
	r->object = -1;
	if (ms_is_real_file(r)) {
		r->object = ms_obj_find(cl->snap, &cl->objs, cl->piddir, r);
		if (r->object < 0)
			return r->object;
		if (cl->objs.elf[r->object] < 0 && r->perms[2] == 'x')
			ms_obj_settle(cl->snap, &cl->objs, r->object, true);
	}
	cl->done = i + 1;
	if (advance(cl, v) < 0)
		return -EOVERFLOW;
	if (cl->stream && cl->final >= STREAM_KEEP && cl->final == cl->done)
		return cut_back(cl);
	return 0;
}

int ms_classifier_finish(struct ms_classifier *cl, struct ms_region *v)
{
	for (size_t o = 0; o < cl->snap->nr_objects; o++)
		if (cl->objs.elf[o] < 0)
			ms_obj_settle(cl->snap, &cl->objs, (int)o, false);
	return advance(cl, v);
}
