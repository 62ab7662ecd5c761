/*
 * access.c - what a snapshot holds, one accessor a fact, so that a caller
 * depends on no struct's size or layout: a new smaps key is a new enum
 * ms_field value, and nothing a caller holds changes size (memscope(3),
 * Versions).  Each takes what the library gave and never fails but for an
 * index out of range (NULL) or a count not read (false).
 */
#include "internal.h"

#include <stdlib.h>

/* ---- snapshots ---- */

pid_t ms_snapshot_pid(const struct ms_snapshot *s) { return s->pid; }
const char *ms_snapshot_comm(const struct ms_snapshot *s) { return s->comm; }
const char *const *ms_snapshot_argv(const struct ms_snapshot *s)
{
	static const char *const none[] = { NULL };

	return s->argv ? (const char *const *)s->argv : none;
}
const char *ms_snapshot_exe(const struct ms_snapshot *s) { return s->exe; }
long long ms_snapshot_uid(const struct ms_snapshot *s) { return s->uid; }
long long ms_snapshot_start_ticks(const struct ms_snapshot *s) { return s->start_ticks; }
double ms_snapshot_started_at(const struct ms_snapshot *s) { return s->started_at; }
double ms_snapshot_taken_at(const struct ms_snapshot *s) { return s->taken_at; }
uint64_t ms_snapshot_took_ns(const struct ms_snapshot *s) { return s->took_ns; }
const char *ms_snapshot_kernel(const struct ms_snapshot *s) { return s->kernel; }
long ms_snapshot_page_size(const struct ms_snapshot *s) { return s->page_size; }
bool ms_snapshot_has_smaps(const struct ms_snapshot *s) { return s->have_smaps; }
size_t ms_snapshot_nr_regions(const struct ms_snapshot *s) { return s->nr_regions; }
size_t ms_snapshot_nr_objects(const struct ms_snapshot *s) { return s->nr_objects; }

const struct ms_region *ms_snapshot_region(const struct ms_snapshot *s, size_t i)
{
	return s->regions && i < s->nr_regions ? &s->regions[i] : NULL;
}

const struct ms_object *ms_snapshot_object(const struct ms_snapshot *s, size_t i)
{
	return i < s->nr_objects ? &s->objects[i] : NULL;
}

const struct ms_total *ms_snapshot_totals(const struct ms_snapshot *s) { return &s->totals; }

const struct ms_total *ms_snapshot_class(const struct ms_snapshot *s, enum ms_class c)
{
	return (unsigned)c < MS_CLASS_COUNT ? &s->classes[c] : NULL;
}

const struct ms_residency *ms_snapshot_residency(const struct ms_snapshot *s, size_t i)
{
	return s->res && i < s->nr_regions ? &s->res[i] : NULL;
}

const char *ms_snapshot_pages_method(const struct ms_snapshot *s) { return s->res_method; }
const char *ms_snapshot_pages_pfn_why(const struct ms_snapshot *s) { return s->res_pfn_why; }

/* ---- regions ---- */

uint64_t ms_region_start(const struct ms_region *r) { return r->start; }
uint64_t ms_region_end(const struct ms_region *r) { return r->end; }
uint64_t ms_region_size(const struct ms_region *r) { return r ? r->end - r->start : 0; }
uint64_t ms_region_offset(const struct ms_region *r) { return r->offset; }
uint64_t ms_region_inode(const struct ms_region *r) { return r->inode; }
unsigned ms_region_dev_major(const struct ms_region *r) { return r->dev_major; }
unsigned ms_region_dev_minor(const struct ms_region *r) { return r->dev_minor; }
const char *ms_region_perms(const struct ms_region *r) { return r->perms; }
bool ms_region_deleted(const struct ms_region *r) { return r->deleted; }
const char *ms_region_path(const struct ms_region *r) { return r->path; }
enum ms_class ms_region_class(const struct ms_region *r) { return r->class; }
int ms_region_object(const struct ms_region *r) { return r->object; }
int ms_region_thp_eligible(const struct ms_region *r) { return r->thp_eligible; }
int ms_region_protection_key(const struct ms_region *r) { return r->protection_key; }
const char *ms_region_vmflags(const struct ms_region *r) { return r->vmflags; }
const struct ms_counts *ms_region_counts(const struct ms_region *r) { return &r->c; }

/* ---- objects and totals ---- */

const char *ms_object_path(const struct ms_object *o) { return o->path; }
uint64_t ms_object_inode(const struct ms_object *o) { return o->inode; }
unsigned ms_object_dev_major(const struct ms_object *o) { return o->dev_major; }
unsigned ms_object_dev_minor(const struct ms_object *o) { return o->dev_minor; }
enum ms_object_kind ms_object_kind(const struct ms_object *o) { return o->kind; }
size_t ms_object_count(const struct ms_object *o) { return o->count; }
const struct ms_counts *ms_object_counts(const struct ms_object *o) { return &o->c; }
size_t ms_total_count(const struct ms_total *t) { return t->count; }
const struct ms_counts *ms_total_counts(const struct ms_total *t) { return &t->c; }

/* ---- counts ---- */

bool ms_counts_has(const struct ms_counts *c, enum ms_field f)
{
	return (unsigned)f < MS_FIELD_COUNT && (c->have & (1u << f));
}

void ms_counts_free(struct ms_counts *c)
{
	free(c);
}

bool ms_counts_get(const struct ms_counts *c, enum ms_field f, uint64_t *v)
{
	if ((unsigned)f >= MS_FIELD_COUNT || !(c->have & (1u << f)))
		return false;
	*v = c->v[f];
	return true;
}

/* ---- pages ---- */

int64_t ms_residency_get(const struct ms_residency *r, enum ms_pages_item item)
{
	switch (item) {
	case MS_PAGES_PRESENT: return (int64_t)r->present;
	case MS_PAGES_SWAPPED: return (int64_t)r->swapped;
	case MS_PAGES_FILE: return (int64_t)r->file;
	case MS_PAGES_EXCLUSIVE: return (int64_t)r->exclusive;
	case MS_PAGES_SOFT_DIRTY: return (int64_t)r->soft_dirty;
	case MS_PAGES_MARKERS: return (int64_t)r->markers;
	case MS_PAGES_ZERO: return r->zero;
	case MS_PAGES_THP: return r->thp;
	case MS_PAGES_KSM: return r->ksm;
	case MS_PAGES_USS_EXACT: return r->uss_exact;
	case MS_PAGES_PSS_EXACT: return r->pss_exact;
	}
	return -1;
}

size_t ms_residency_runs(const struct ms_residency *r, const struct ms_run **runs)
{
	*runs = r->runs;
	return r->nr_runs;
}

/* ---- differences ---- */

size_t ms_diff_count(const struct ms_diff *d) { return d->nr_changes; }

const struct ms_change *ms_diff_change(const struct ms_diff *d, size_t i)
{
	return i < d->nr_changes ? &d->changes[i] : NULL;
}

enum ms_change_kind ms_change_kind(const struct ms_change *ch) { return ch->kind; }
const struct ms_region *ms_change_a(const struct ms_change *ch) { return ch->a; }
const struct ms_region *ms_change_b(const struct ms_change *ch) { return ch->b; }

const struct ms_region *ms_change_region(const struct ms_change *ch)
{
	return ch->b ? ch->b : ch->a;
}
uint64_t ms_change_weight(const struct ms_change *ch) { return ch->weight; }

bool ms_change_delta(const struct ms_change *ch, enum ms_field f, int64_t *d)
{
	if ((unsigned)f >= MS_FIELD_COUNT || !(ch->have & (1u << f)))
		return false;
	*d = ch->d[f];
	return true;
}

bool ms_change_uss(const struct ms_change *ch, int64_t *d)
{
	if (!ch->have_uss)
		return false;
	*d = ch->d_uss;
	return true;
}

/* ---- the process table ---- */

size_t ms_ps_count(const struct ms_ps *ps) { return ps->n; }
const struct ms_proc *ms_ps_proc(const struct ms_ps *ps, size_t i)
{
	return i < ps->n ? &ps->v[i] : NULL;
}
size_t ms_ps_unreadable(const struct ms_ps *ps) { return ps->unreadable; }
size_t ms_ps_nr_objects(const struct ms_ps *ps) { return ps->objects.n; }
const struct ms_object *ms_ps_object(const struct ms_ps *ps, size_t i)
{
	return i < ps->objects.n ? &ps->objects.v[i] : NULL;
}
double ms_ps_taken_at(const struct ms_ps *ps) { return ps->taken_at; }
const struct ms_counts *ms_ps_totals(const struct ms_ps *ps) { return &ps->totals; }

pid_t ms_proc_pid(const struct ms_proc *p) { return p->pid; }
pid_t ms_proc_ppid(const struct ms_proc *p) { return p->ppid; }
const char *ms_proc_comm(const struct ms_proc *p) { return p->comm; }
const char *ms_proc_cmdline(const struct ms_proc *p) { return p->cmdline; }
long long ms_proc_uid(const struct ms_proc *p) { return p->uid; }
const char *ms_proc_user(const struct ms_proc *p) { return p->user; }
char ms_proc_state(const struct ms_proc *p) { return p->state; }
long ms_proc_threads(const struct ms_proc *p) { return p->threads; }
uint64_t ms_proc_vsize(const struct ms_proc *p) { return p->vsize; }
long long ms_proc_start_ticks(const struct ms_proc *p) { return p->start_ticks; }
double ms_proc_started_at(const struct ms_proc *p) { return p->started_at; }
const char *ms_proc_cgroup(const struct ms_proc *p) { return p->cgroup; }
const struct ms_counts *ms_proc_counts(const struct ms_proc *p)
{
	return p->error ? NULL : &p->c;
}
const char *ms_proc_error(const struct ms_proc *p) { return p->error; }
const struct ms_counts *ms_proc_class(const struct ms_proc *p, enum ms_class c)
{
	return p->classes && (unsigned)c < MS_CLASS_COUNT ? &p->classes[c] : NULL;
}
int ms_proc_errno(const struct ms_proc *p) { return p->error ? p->rc : 0; }
