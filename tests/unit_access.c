/*
 * unit_access.c - every accessor gives what the snapshot holds: the saved
 * layout process, its pages and a diff, read through both.
 */
#define _GNU_SOURCE
#include "testlib.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>


/* Each field through ms_counts_get(), against the struct. */
static void same_counts(const struct ms_counts *c)
{
	for (int f = 0; f < MS_FIELD_COUNT; f++) {
		uint64_t v = 12345;

		ck_assert_int_eq(ms_counts_get(c, f, &v), ms_counts_has(c, f));
		ck_assert_uint_eq(v, ms_counts_has(c, f) ? c->v[f] : 12345);
	}
	ck_assert(!ms_counts_get(c, MS_FIELD_COUNT, &(uint64_t){ 0 }));
}

START_TEST(snapshot_facts)
{
	struct ms_snapshot *s = tl_layout();

	ck_assert_int_eq(ms_snapshot_pid(s), s->pid);
	ck_assert_str_eq(ms_snapshot_comm(s), s->comm);
	ck_assert_str_eq(ms_snapshot_argv(s)[0], s->argv[0]);
	ck_assert_ptr_eq(ms_snapshot_exe(s), s->exe);
	ck_assert_int_eq(ms_snapshot_uid(s), s->uid);
	ck_assert_int_eq(ms_snapshot_start_ticks(s), s->start_ticks);
	ck_assert(ms_snapshot_started_at(s) == s->started_at);
	ck_assert(ms_snapshot_taken_at(s) == s->taken_at);
	ck_assert_uint_eq(ms_snapshot_took_ns(s), s->took_ns);
	ck_assert_ptr_eq(ms_snapshot_kernel(s), s->kernel);
	ck_assert_int_eq(ms_snapshot_page_size(s), s->page_size);
	ck_assert(ms_snapshot_has_smaps(s));
	ck_assert_uint_eq(ms_snapshot_nr_regions(s), s->nr_regions);
	ck_assert_uint_eq(ms_snapshot_nr_objects(s), s->nr_objects);
	ck_assert_ptr_eq(ms_snapshot_region(s, 1), &s->regions[1]);
	ck_assert_ptr_null(ms_snapshot_region(s, s->nr_regions));
	ck_assert_ptr_eq(ms_snapshot_object(s, 0), &s->objects[0]);
	ck_assert_ptr_null(ms_snapshot_object(s, s->nr_objects));
	ck_assert_uint_eq(ms_total_count(ms_snapshot_totals(s)), s->totals.count);
	same_counts(ms_total_counts(ms_snapshot_totals(s)));
	for (int c = 0; c < MS_CLASS_COUNT; c++) {
		ck_assert_uint_eq(ms_total_count(ms_snapshot_class(s, c)), s->classes[c].count);
		same_counts(ms_total_counts(ms_snapshot_class(s, c)));
	}
	ck_assert_ptr_null(ms_snapshot_class(s, MS_CLASS_COUNT));
	ck_assert_ptr_null(ms_snapshot_residency(s, 0));
	ck_assert_ptr_null(ms_snapshot_pages_method(s));
	ms_snapshot_free(s);
}
END_TEST

START_TEST(regions_and_objects)
{
	struct ms_snapshot *s = tl_layout();

	for (size_t i = 0; i < s->nr_regions; i++) {
		const struct ms_region *r = ms_snapshot_region(s, i);

		ck_assert_uint_eq(ms_region_start(r), r->start);
		ck_assert_uint_eq(ms_region_end(r), r->end);
		ck_assert_uint_eq(ms_region_size(r), r->end - r->start);
		ck_assert_uint_eq(ms_region_offset(r), r->offset);
		ck_assert_uint_eq(ms_region_inode(r), r->inode);
		ck_assert_uint_eq(ms_region_dev_major(r), r->dev_major);
		ck_assert_uint_eq(ms_region_dev_minor(r), r->dev_minor);
		ck_assert_str_eq(ms_region_perms(r), r->perms);
		ck_assert_int_eq(ms_region_deleted(r), r->deleted);
		ck_assert_str_eq(ms_region_path(r), r->path);
		ck_assert_int_eq(ms_region_class(r), r->class);
		ck_assert_int_eq(ms_region_object(r), r->object);
		ck_assert_int_eq(ms_region_thp_eligible(r), r->thp_eligible);
		ck_assert_int_eq(ms_region_protection_key(r), r->protection_key);
		ck_assert_ptr_eq(ms_region_vmflags(r), r->vmflags);
		same_counts(ms_region_counts(r));
	}
	for (size_t i = 0; i < s->nr_objects; i++) {
		const struct ms_object *o = ms_snapshot_object(s, i);

		ck_assert_str_eq(ms_object_path(o), o->path);
		ck_assert_uint_eq(ms_object_inode(o), o->inode);
		ck_assert_uint_eq(ms_object_dev_major(o), o->dev_major);
		ck_assert_uint_eq(ms_object_dev_minor(o), o->dev_minor);
		ck_assert_int_eq(ms_object_kind(o), o->kind);
		ck_assert_uint_eq(ms_object_count(o), o->count);
		same_counts(ms_object_counts(o));
	}
	ms_snapshot_free(s);
}
END_TEST

START_TEST(pages_and_changes)
{
	struct ms_snapshot *a = tl_layout(), *b = tl_layout();
	struct ms_residency res = { .present = 1, .swapped = 2, .file = 3, .exclusive = 4,
				    .soft_dirty = 5, .markers = 6, .zero = 7, .thp = -1, .ksm = 9,
				    .uss_exact = 10, .pss_exact = 11 };
	const int64_t want[] = { 1, 2, 3, 4, 5, 6, 7, -1, 9, 10, 11 };
	const struct ms_run *runs = (void *)1;
	struct ms_diff *d;
	int64_t v;

	for (int k = MS_PAGES_PRESENT; k <= MS_PAGES_PSS_EXACT; k++)
		ck_assert_int_eq(ms_residency_get(&res, k), want[k]);
	ck_assert_uint_eq(ms_residency_runs(&res, &runs), 0);
	ck_assert_ptr_null(runs);
	b->regions[2].c.v[MS_RSS] += 4096, b->regions[2].c.v[MS_SHARED_CLEAN] += 4096;
	ck_assert_int_eq(ms_snapshot_diff(a, b, &d), 0);
	ck_assert_uint_eq(ms_diff_count(d), 1);
	ck_assert_ptr_null(ms_diff_change(d, 1));
	ck_assert_int_eq(ms_change_kind(ms_diff_change(d, 0)), MS_CHANGE_GROWN);
	ck_assert_ptr_eq(ms_change_a(ms_diff_change(d, 0)), &a->regions[2]);
	ck_assert_ptr_eq(ms_change_b(ms_diff_change(d, 0)), &b->regions[2]);
	ck_assert_ptr_eq(ms_change_region(ms_diff_change(d, 0)), &b->regions[2]);
	ck_assert_uint_eq(ms_region_size(NULL), 0);
	ck_assert_uint_eq(ms_change_weight(ms_diff_change(d, 0)), 4096);
	ck_assert(ms_change_delta(ms_diff_change(d, 0), MS_RSS, &v) && v == 4096);
	ck_assert(ms_change_uss(ms_diff_change(d, 0), &v) && v == 0);
	ck_assert(!ms_change_delta(ms_diff_change(d, 0), MS_FIELD_COUNT, &v));
	ms_diff_free(d);
	ms_snapshot_free(a);
	ms_snapshot_free(b);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = { snapshot_facts, regions_and_objects, pages_and_changes, NULL };

	return tl_main("access", 60, tests);
}
