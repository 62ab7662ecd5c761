/*
 * unit_stream.c - a snapshot taken with MS_SNAP_STREAM, and the document
 * ms_snapshot_write_json() writes while it reads, against the snapshot and
 * document of an ordinary read of the same process: the same regions in
 * the same order, the same sums, the same document.
 */
#define _GNU_SOURCE
#include "testlib.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More regions than a streaming read keeps (1024), and a file whose
 * executable part comes only after 300 regions: past the 256 regions an
 * unopened file waits for one, so it is settled as no ELF image first. */
#define REGIONS 3000

static void add(FILE *f, uint64_t start, const char *perms, const char *path, uint64_t kb)
{
	fprintf(f, "%llx-%llx %s 00000000 %s %s %s\n", (unsigned long long)start,
		(unsigned long long)(start + kb * 1024), perms, path[0] ? "fe:01" : "00:00",
		path[0] ? "77" : "0", path);
	fprintf(f, "Size: %llu kB\nRss: 4 kB\nPss: 2 kB\nShared_Clean: 4 kB\n"
		"Shared_Dirty: 0 kB\nPrivate_Clean: 0 kB\nPrivate_Dirty: 0 kB\nSwap: 0 kB\n"
		"VmFlags: rd mr mw me\n", (unsigned long long)kb);
}

/* A process of REGIONS regions: anonymous ones, and every tenth of one of
 * seven files, /lib/late.so first read-only, executable 300 regions on;
 * the bss of /lib/two.so is the first region after the read is cut back
 * (its data segment the one kept). */
static char *big_tree(void)
{
	char *root = tl_tree_new(), *text = NULL, path[32];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < REGIONS; i++) {
		uint64_t start = 0x10000000ull + (uint64_t)i * 0x3000;

		snprintf(path, sizeof(path), "/lib/f%d.so", i % 7);
		if (i == 5 || i == 305)
			add(f, start, i == 5 ? "r--p" : "r-xp", "/lib/late.so", 8);
		else if (i == 1022 || i == 1023) /* code and data; the bss next */
			add(f, start, i == 1022 ? "r-xp" : "rw-p", "/lib/two.so", i == 1022 ? 8 : 12);
		else if (i % 10 == 0)
			add(f, start, i % 20 ? "r--p" : "r-xp", path, 8);
		else
			add(f, start, "rw-p", "", 4 + (uint64_t)(i % 3) * 4);
	}
	fclose(f);
	tl_process(root, 4243, text);
	free(text);
	return root;
}

struct heard {
	const struct ms_snapshot *whole;
	size_t n;
	int restarts;
};

static void same_region(const struct ms_region *a, const struct ms_region *b)
{
	ck_assert_uint_eq(a->start, b->start);
	ck_assert_uint_eq(a->end, b->end);
	ck_assert_str_eq(a->perms, b->perms);
	ck_assert_str_eq(a->path, b->path);
	ck_assert_str_eq(a->vmflags, b->vmflags);
	ck_assert_int_eq(a->class, b->class);
	ck_assert_int_eq(a->object, b->object);
	ck_assert_uint_eq(a->c.v[MS_RSS], b->c.v[MS_RSS]);
}

static void hear(const struct ms_region *r, void *arg)
{
	struct heard *h = arg;

	if (!r) {
		h->n = 0, h->restarts++;
		return;
	}
	ck_assert_uint_lt(h->n, h->whole->nr_regions);
	same_region(r, &h->whole->regions[h->n++]);
}

static void same_total(const struct ms_total *a, const struct ms_total *b)
{
	ck_assert_uint_eq(a->count, b->count);
	ck_assert_uint_eq(a->c.have, b->c.have);
	ck_assert_mem_eq(a->c.v, b->c.v, sizeof(a->c.v));
}

START_TEST(stream_hears_every_region)
{
	char *root = big_tree(), err[256] = "";
	struct ms_ctx *ctx = ms_ctx_new(root);
	struct ms_snapshot *whole, *streamed;
	struct heard h = { 0 };

	ck_assert_msg(ms_snapshot_take(ctx, 4243, 0, &whole, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(whole->nr_regions, REGIONS);
	h.whole = whole;
	ck_assert_msg(ms_snapshot_take_each(ctx, 4243, MS_SNAP_STREAM, hear, &h, &streamed, err,
					    sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(h.n, REGIONS);
	ck_assert_int_eq(h.restarts, 0);
	ck_assert_ptr_null(streamed->regions);
	ck_assert_uint_eq(streamed->nr_regions, REGIONS);
	same_total(&streamed->totals, &whole->totals);
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		same_total(&streamed->classes[c], &whole->classes[c]);
	ck_assert_uint_eq(streamed->nr_objects, whole->nr_objects);
	for (size_t i = 0; i < whole->nr_objects; i++) {
		ck_assert_str_eq(streamed->objects[i].path, whole->objects[i].path);
		ck_assert_int_eq(streamed->objects[i].kind, whole->objects[i].kind);
		ck_assert_uint_eq(streamed->objects[i].count, whole->objects[i].count);
	}
	ck_assert_int_eq(tl_region_at(whole, 0x10000000ull + 1024 * 0x3000)->class, MS_CLASS_BSS);
	/* late.so waited too long for its executable part: a plain file */
	ck_assert_int_eq(tl_region_at(whole, 0x10000000ull + 5 * 0x3000)->class,
			 MS_CLASS_FILE_PRIVATE);
	ms_snapshot_free(streamed);
	ms_snapshot_free(whole);
	ms_ctx_free(ctx);
	tl_tree_remove(root);
}
END_TEST

/* Such a snapshot has no regions to diff, walk or write whole. */
START_TEST(streamed_refuses_what_needs_regions)
{
	char *root = big_tree(), err[256] = "", *text;
	struct ms_ctx *ctx = ms_ctx_new(root);
	struct ms_snapshot *s;
	struct ms_diff *d = (void *)1;

	ck_assert_msg(ms_snapshot_take(ctx, 4243, MS_SNAP_STREAM, &s, err, sizeof(err)) == 0,
		      "%s", err);
	errno = 0;
	ck_assert_ptr_null(ms_snapshot_to_json(s, 0));
	ck_assert_int_eq(errno, EINVAL);
	text = ms_snapshot_to_json(s, MS_JSON_SUMMARY);
	ck_assert_ptr_nonnull(strstr(text, "\"memscope-summary/1\""));
	free(text);
	ck_assert_int_eq(ms_snapshot_diff(s, s, &d), -EINVAL);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(ms_residency_read(ctx, s, 0, err, sizeof(err)), -EINVAL);
	ms_snapshot_free(s);
	ck_assert_int_eq(ms_snapshot_take(ctx, 4243, 1u << 20, &s, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(s);
	ms_ctx_free(ctx);
	tl_tree_remove(root);
}
END_TEST

struct sink {
	char *text;
	size_t len;
	FILE *f;
	size_t pieces;
	int fail_after; /* a write error once this many pieces came; 0 never */
};

static int collect(const char *buf, size_t len, void *arg)
{
	struct sink *s = arg;

	ck_assert_ptr_nonnull(buf); /* a fixture tree never starts again */
	if (s->fail_after && s->pieces == (size_t)s->fail_after)
		return -ENOSPC;
	s->pieces++;
	fwrite(buf, 1, len, s->f);
	return 0;
}

/* The document without what differs between two reads: when and how long. */
static char *timeless(const char *text)
{
	struct ms_snapshot *s;
	char err[256] = "", *again;

	ck_assert_msg(ms_snapshot_from_json(text, strlen(text), &s, err, sizeof(err)) == 0,
		      "%s", err);
	s->taken_at = 0, s->took_ns = 0;
	again = ms_snapshot_to_json(s, 0);
	ms_snapshot_free(s);
	return again;
}

START_TEST(streamed_document_is_the_document)
{
	char *root = big_tree(), err[256] = "", *text, *a, *b;
	struct ms_ctx *ctx = ms_ctx_new(root);
	struct ms_snapshot *whole;
	struct sink s = { 0 };

	for (unsigned flags = 0; flags <= MS_JSON_PRETTY; flags += MS_JSON_PRETTY) {
		s.f = open_memstream(&s.text, &s.len);
		s.pieces = 0;
		ck_assert_msg(ms_snapshot_write_json(ctx, 4243, 0, flags, collect, &s, err,
						     sizeof(err)) == 0, "%s", err);
		fclose(s.f);
		ck_assert_uint_gt(s.pieces, 2); /* written as it was read */
		ck_assert_msg(ms_snapshot_take(ctx, 4243, 0, &whole, err, sizeof(err)) == 0, "%s",
			      err);
		text = ms_snapshot_to_json(whole, flags);
		/* byte for byte but the clock: the same keys in the same order */
		ck_assert_uint_eq(strlen(text) / 100, s.len / 100);
		a = timeless(text), b = timeless(s.text);
		ck_assert_str_eq(a, b);
		free(a), free(b), free(text), free(s.text);
		ms_snapshot_free(whole);
	}
	ms_ctx_free(ctx);
	tl_tree_remove(root);
}
END_TEST

/* A write that fails stops the document where it was: what came is no
 * document, and the error is the writer's. */
START_TEST(write_error_leaves_it_unclosed)
{
	char *root = big_tree(), err[256] = "";
	struct ms_ctx *ctx = ms_ctx_new(root);
	struct sink s = { .fail_after = 2 };

	s.f = open_memstream(&s.text, &s.len);
	ck_assert_int_eq(ms_snapshot_write_json(ctx, 4243, 0, 0, collect, &s, err, sizeof(err)),
			 -ENOSPC);
	fclose(s.f);
	ck_assert_str_eq(err, "cannot write the document: No space left on device");
	ck_assert_uint_gt(s.len, 0);
	ck_assert_int_eq(ms_snapshot_from_json(s.text, s.len, &(struct ms_snapshot *){ NULL },
					       err, sizeof(err)), -EBADMSG);
	free(s.text);
	ck_assert_int_eq(ms_snapshot_write_json(ctx, 4243, MS_SNAP_KEEP_OPEN, 0, collect, &s, err,
						sizeof(err)), -EINVAL);
	ck_assert_int_eq(ms_snapshot_write_json(ctx, 99999, 0, 0, collect, &s, err, sizeof(err)),
			 -ESRCH);
	ms_ctx_free(ctx);
	tl_tree_remove(root);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		stream_hears_every_region,
		streamed_refuses_what_needs_regions,
		streamed_document_is_the_document,
		write_error_leaves_it_unclosed,
		NULL
	};

	return tl_main("stream", 120, tests);
}
