/*
 * fast.c - under the smaps floor: each region's Rss and Swap from maps and
 * one PAGEMAP_SCAN walk of the address space (MS_SNAP_FAST), without smaps,
 * whose text the kernel spends most of its time writing.
 *
 * PAGEMAP_SCAN (6.7+, Documentation/admin-guide/mm/pagemap.rst) returns
 * runs of pages alike: present, swapped, the shared zero page.  A run may
 * span regions, and is cut at their edges here.  Without it (or with
 * MS_SNAP_PREAD) pagemap's entries are read region by region.  Where the figures cannot
 * equal smaps' (docs/ps.md, "Under the smaps floor"): a hugetlb or PFN
 * mapping, whose pages smaps' Rss leaves out and pagemap shows present; a
 * swapped shmem page, which smaps counts and pagemap's swap bit misses; a
 * process that changes between maps and the walk (the address space is
 * checked whole, as for every read, but not still between the two).
 */
#include "config.h"

#include "internal.h"
#include "pagemap.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define RUNS 512 /* runs one PAGEMAP_SCAN call returns at most */
#define FAST_FIELDS ((1u << MS_SIZE) | (1u << MS_RSS) | (1u << MS_SWAP))

/* The run [start, end) of categories cat into the regions it covers, from
 * *i on (runs come in ascending order, so *i only moves on). */
static void spread(struct ms_region *r, size_t n, size_t *i, uint64_t start, uint64_t end,
		   uint64_t cat)
{
	while (*i < n && r[*i].end <= start)
		(*i)++;
	for (size_t j = *i; j < n && r[j].start < end; j++) {
		uint64_t from = start > r[j].start ? start : r[j].start;
		uint64_t to = end < r[j].end ? end : r[j].end;

		/* the shared zero page is mapped, yet smaps' Rss leaves it out */
		if ((cat & PAGE_IS_PRESENT) && !(cat & PAGE_IS_PFNZERO))
			r[j].c.v[MS_RSS] += to - from;
		if (cat & PAGE_IS_SWAPPED)
			r[j].c.v[MS_SWAP] += to - from;
	}
}

/* The walk over the regions' span; -ENOTTY without PAGEMAP_SCAN.  A region
 * in the upper half of the address space ([vsyscall], which smaps shows
 * with no Rss) is past where PAGEMAP_SCAN may go (EFAULT): the span ends
 * before it. */
static int walk(int fd, struct ms_region *r, size_t n)
{
	struct ms_page_region runs[RUNS];
	uint64_t start, end;
	size_t i = 0;

	while (n && r[n - 1].start >= UINT64_C(1) << 63)
		n--;
	if (!n)
		return 0;
	start = r[0].start, end = r[n - 1].end;

	while (start < end) {
		struct ms_pm_scan_arg arg = {
			.size = sizeof(arg), .start = start, .end = end,
			.vec = (uintptr_t)runs, .vec_len = RUNS,
			.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
			.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_PFNZERO,
		};
		int got;

		memset(runs, 0, sizeof(runs)); /* filled by the kernel; valgrind cannot know */
		do
			got = ioctl(fd, MS_PAGEMAP_SCAN, &arg);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return errno == EINVAL || errno == ENOTTY ? -ENOTTY : -errno;
		for (int k = 0; k < got; k++)
			spread(r, n, &i, runs[k].start, runs[k].end, runs[k].categories);
		if (arg.walk_end <= start) /* no progress: never loop */
			return -EIO;
		start = arg.walk_end;
	}
	return 0;
}

/* Without PAGEMAP_SCAN: every region's entries read, ENTRIES at a time.
 * The zero page cannot be told from others here (its frame number is
 * hidden without CAP_SYS_ADMIN), so a page of it counts as present. */
#define ENTRIES 4096
static int walk_pread(int fd, struct ms_region *r, size_t n, uint64_t page)
{
	uint64_t e[ENTRIES];

	while (n && r[n - 1].start >= UINT64_C(1) << 63) /* as walk() */
		n--;
	for (size_t j = 0; j < n; j++)
		for (uint64_t at = r[j].start; at < r[j].end;) {
			uint64_t left = (r[j].end - at) / page;
			size_t want = left < ENTRIES ? (size_t)left : ENTRIES;
			ssize_t got = pread(fd, e, want * PM_ENTRY_BYTES,
					    (off_t)(at / page * PM_ENTRY_BYTES));

			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				return -errno;
			if ((size_t)got != want * PM_ENTRY_BYTES)
				return -ESRCH; /* the address space ended under the read */
			for (size_t k = 0; k < want; k++) {
				if (e[k] & PM_PRESENT)
					r[j].c.v[MS_RSS] += page;
				else if (e[k] & PM_SWAP)
					r[j].c.v[MS_SWAP] += page;
			}
			at += want * page;
		}
	return 0;
}

/* The sums again, of the counts the walk gave. */
static int sum_again(struct ms_snapshot *snap)
{
	const uint32_t all = (1u << MS_FIELD_COUNT) - 1;
	bool ok = true;

	memset(&snap->totals.c, 0, sizeof(snap->totals.c));
	snap->totals.c.have = all;
	for (int c = 0; c < MS_CLASS_COUNT; c++) {
		memset(&snap->classes[c].c, 0, sizeof(snap->classes[c].c));
		snap->classes[c].c.have = all;
	}
	for (size_t o = 0; o < snap->nr_objects; o++) {
		memset(&snap->objects[o].c, 0, sizeof(snap->objects[o].c));
		snap->objects[o].c.have = all;
	}
	for (size_t k = 0; k < snap->nr_regions; k++) {
		const struct ms_region *r = &snap->regions[k];

		ok &= ms_counts_add(&snap->totals.c, &r->c);
		ok &= ms_counts_add(&snap->classes[r->class].c, &r->c);
		if (r->object >= 0 && (size_t)r->object < snap->nr_objects)
			ok &= ms_counts_add(&snap->objects[r->object].c, &r->c);
	}
	return ok ? 0 : -EOVERFLOW;
}

int ms_fast_fill(struct ms_ctx *ctx, int piddir, struct ms_snapshot *snap, bool scan,
		 char *err, size_t errlen)
{
	int fd, rc = 0;

	for (size_t k = 0; k < snap->nr_regions; k++) {
		struct ms_region *r = &snap->regions[k];

		r->c.v[MS_RSS] = r->c.v[MS_SWAP] = 0;
		r->c.have |= FAST_FIELDS;
	}
	if (snap->nr_regions == 0)
		return sum_again(snap);
	fd = ms_pid_openat(piddir, "pagemap");
	if (fd < 0)
		return fd == -ESRCH ? ms_gone(ctx, snap->pid, "pagemap", err, errlen) :
		       ms_fail(err, errlen, fd, "cannot open pagemap: %s", strerror(-fd));
	rc = scan ? walk(fd, snap->regions, snap->nr_regions) : -ENOTTY;
	if (rc == -ENOTTY)
		rc = walk_pread(fd, snap->regions, snap->nr_regions, (uint64_t)ctx->page_size);
	close(fd);
	if (rc < 0)
		return ms_fail(err, errlen, rc, rc == -ESRCH ? "the process exited while it was read" :
			       "cannot scan pagemap: %s", strerror(-rc));
	rc = sum_again(snap);
	return rc < 0 ? ms_fail(err, errlen, -EBADMSG, "the sums of its counts pass 2^63 bytes") : 0;
}
