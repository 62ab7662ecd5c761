/*
 * smaps.c - fuzz target: the parser of maps, smaps and smaps_rollup, fed
 * from memory.  The first byte picks the file (bits 0-1: maps, smaps,
 * smaps_rollup, smaps) and the size of the pieces the rest is handed to
 * the parser in (bits 2-4: all at once, or 1 to 4096 bytes), as read()
 * hands out a file.  What a read promises is checked, and a read in
 * pieces must come out as the read in one go, and what was read, written
 * as a snapshot document, must read back: anything else aborts.
 */
#include "internal.h"
#include "fuzz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const enum ms_parse_mode modes[4] = { MS_PARSE_MAPS, MS_PARSE_SMAPS, MS_PARSE_ROLLUP,
					     MS_PARSE_SMAPS };
static const size_t pieces[8] = { 0, 1, 2, 3, 16, 61, 256, 4096 };

struct read {
	enum ms_parse_mode mode;
	int rc;
	struct ms_region_vec vec;
	struct ms_pool *pool;
	size_t completed;
	char err[256];
};

static void fail(const struct read *rd, const char *what)
{
	fprintf(stderr, "fuzz smaps: %s (rc %d, err '%s')\n", what, rd->rc, rd->err);
	abort();
}

/* Regions are complete one by one, in order. */
static int complete(void *arg, struct ms_region *v, size_t i)
{
	struct read *rd = arg;

	(void)v;
	if (i != rd->completed++)
		fail(rd, "a region completed out of order");
	return 0;
}

static void parse(struct read *rd, const char *text, size_t len, size_t piece,
		  enum ms_parse_mode mode)
{
	memset(rd, 0, sizeof(*rd));
	rd->mode = mode;
	rd->pool = ms_pool_new();
	if (!rd->pool)
		abort();
	rd->rc = ms_smaps_parse_mem(text, len, piece, mode,
				    &(struct ms_parse_into){ &rd->vec, rd->pool, complete, rd },
				    rd->err, sizeof(rd->err));
}

static void release(struct read *rd)
{
	free(rd->vec.v);
	ms_pool_free(rd->pool);
}

/* A failure says where, in one line. */
static void check_error(const struct read *rd)
{
	static const char *const files[] = { "maps line ", "smaps line ", "smaps_rollup line " };

	if (rd->rc != -EBADMSG && rd->rc != -E2BIG && rd->rc != -ENOMEM && rd->rc != -EAGAIN)
		fail(rd, "an unexpected error");
	if (rd->rc != -ENOMEM && (strncmp(rd->err, files[rd->mode], strlen(files[rd->mode])) ||
				  strchr(rd->err, '\n')))
		fail(rd, "an error that does not name its line in one line");
}

/* What a read that succeeds promises: ranges in order, counts in kB that
 * the region can hold, sums (as the snapshot's totals) that do not wrap. */
static void check_counts(const struct read *rd, const struct ms_region *r, uint64_t *sum)
{
	for (int f = 0; f < MS_FIELD_COUNT; f++) {
		uint64_t v = r->c.v[f];
		bool page = f == MS_KERNEL_PAGE || f == MS_MMU_PAGE;

		if (!ms_counts_has(&r->c, f)) {
			if (v && f != MS_SIZE)
				fail(rd, "a count that was not read");
			continue;
		}
		if (f != MS_SIZE && v % 1024) /* Size is the range's */
			fail(rd, "a count that is no whole kB");
		if (rd->mode == MS_PARSE_ROLLUP ? f != MS_SIZE && v >= 1ull << 56 :
		    !page && f != MS_SWAP && v > r->c.v[MS_SIZE])
			fail(rd, "a count larger than the region");
		if (!page && __builtin_add_overflow(sum[f], v, &sum[f]))
			fail(rd, "a sum of counts wraps");
	}
}

/* Rss = Shared_Clean + Shared_Dirty + Private_Clean + Private_Dirty, when
 * all were read; at most, when some were; in sums that do not wrap. */
static bool rss_is_its_parts(const struct ms_counts *c)
{
	static const enum ms_field parts[] = { MS_SHARED_CLEAN, MS_SHARED_DIRTY,
					       MS_PRIVATE_CLEAN, MS_PRIVATE_DIRTY };
	uint64_t sum = 0;
	bool all = true;

	if (!ms_counts_has(c, MS_RSS))
		return true;
	for (int i = 0; i < 4; i++) {
		if (!ms_counts_has(c, parts[i]))
			all = false;
		else if (__builtin_add_overflow(sum, c->v[parts[i]], &sum))
			return false;
	}
	return all ? sum == c->v[MS_RSS] : sum <= c->v[MS_RSS];
}

static void check_read(const struct read *rd)
{
	uint64_t sum[MS_FIELD_COUNT] = { 0 }, uss;

	if (rd->rc < 0) {
		check_error(rd);
		return;
	}
	if (rd->completed != rd->vec.n)
		fail(rd, "a region never completed");
	for (size_t i = 0; i < rd->vec.n; i++) {
		const struct ms_region *r = &rd->vec.v[i];

		if (r->end < r->start || (r->end == r->start && rd->mode != MS_PARSE_ROLLUP))
			fail(rd, "a range empty or backwards");
		if (i && r->start < r[-1].end)
			fail(rd, "regions out of order or overlapping");
		if (!r->path || strlen(r->perms) != 4)
			fail(rd, "a region without its name or perms");
		check_counts(rd, r, sum);
		if (ms_counts_uss(&r->c, &uss) && uss < r->c.v[MS_PRIVATE_DIRTY])
			fail(rd, "USS wraps");
		if (!rss_is_its_parts(&r->c))
			fail(rd, "Rss is not the sum of its parts");
	}
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_region(const struct ms_region *a, const struct ms_region *b)
{
	return a->start == b->start && a->end == b->end && a->offset == b->offset &&
	       a->inode == b->inode && a->dev_major == b->dev_major &&
	       a->dev_minor == b->dev_minor && memcmp(a->perms, b->perms, 5) == 0 &&
	       a->deleted == b->deleted && same_str(a->path, b->path) &&
	       a->class == b->class && a->object == b->object &&
	       memcmp(&a->c, &b->c, sizeof(a->c)) == 0 && a->thp_eligible == b->thp_eligible &&
	       a->protection_key == b->protection_key && same_str(a->vmflags, b->vmflags);
}

/* The same text in pieces and at once: the same result, region for region. */
static void compare(const struct read *a, const struct read *b)
{
	if (a->rc != b->rc || strcmp(a->err, b->err) != 0 || a->vec.n != b->vec.n) {
		fprintf(stderr, "fuzz smaps: in one go: rc %d, '%s', %zu regions\n", b->rc,
			b->err, b->vec.n);
		fail(a, "pieces and the whole differ");
	}
	for (size_t i = 0; i < a->vec.n; i++)
		if (!same_region(&a->vec.v[i], &b->vec.v[i]))
			fail(a, "a region differs between pieces and the whole");
}

/* What the parser took, written as a snapshot document, reads back and
 * writes again the same: whatever smaps holds that memscope writes, it
 * reads (every region anonymous here: the classes are not what is tried). */
static void round_trip(const struct read *rd)
{
	struct ms_snapshot s = { .pid = 1, .comm = "fuzz", .uid = -1, .start_ticks = -1,
				 .started_at = -1, .taken_at = 1, .page_size = 4096,
				 .have_smaps = rd->mode != MS_PARSE_MAPS, .regions = rd->vec.v,
				 .nr_regions = rd->vec.n };
	struct ms_snapshot *back;
	char err[256] = "", *text, *again;

	s.totals.c.have = (1u << MS_FIELD_COUNT) - 1; /* sums start known, at 0 */
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		s.classes[c].c.have = s.totals.c.have;
	for (size_t i = 0; i < rd->vec.n; i++) {
		rd->vec.v[i].class = MS_CLASS_ANON;
		rd->vec.v[i].object = -1;
		s.totals.count++;
		if (!ms_counts_add(&s.totals.c, &rd->vec.v[i].c))
			return; /* the snapshot's read refuses it (-EBADMSG) */
	}
	s.classes[MS_CLASS_ANON] = s.totals;
	text = ms_snapshot_to_json(&s, 0);
	if (!text)
		abort();
	if (ms_snapshot_from_json(text, strlen(text), &back, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz smaps: %s\n%.2000s\n", err, text);
		fail(rd, "what memscope wrote of smaps does not read back");
	}
	again = ms_snapshot_to_json(back, 0);
	if (!again || strcmp(again, text) != 0)
		fail(rd, "smaps written, read back and written again differs");
	free(again);
	free(text);
	ms_snapshot_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct read rd, whole;
	enum ms_parse_mode mode;
	size_t piece;

	if (size == 0)
		return 0;
	mode = modes[data[0] & 3];
	piece = pieces[(data[0] >> 2) & 7];
	parse(&rd, (const char *)data + 1, size - 1, piece, mode);
	check_read(&rd);
	if (rd.rc == 0 && memchr(data + 1, '\0', size - 1))
		fail(&rd, "a NUL byte read as text");
	if (piece && rd.rc != -E2BIG) {
		parse(&whole, (const char *)data + 1, size - 1, 0, mode);
		compare(&rd, &whole);
		release(&whole);
	}
	if (rd.rc == 0 && mode != MS_PARSE_ROLLUP)
		round_trip(&rd);
	release(&rd);
	return 0;
}
