/*
 * pagescan.c - one range's pagemap entries, read
 * (Documentation/admin-guide/mm/pagemap.rst).
 *
 * pagemap has one 64-bit entry per virtual page.  Reading all of it walks
 * every page, populated or not: for a 64 GiB reservation, 128 MiB of
 * entries.  PAGEMAP_SCAN (6.7+) skips the holes, so it tells where to
 * pread (scan_range()).  It does not report the exclusive bit, so the
 * entries there are read all the same.  Every entry, however found, goes
 * through ms_decode() (pagedecode.c).
 *
 * Each pread or ioctl covers at most ENTRIES_A_READ pages: the kernel holds
 * the process's mmap lock for reading while it walks, and a bounded walk
 * lets the process's own mmap calls through between two of them.
 */
#include "config.h"

#include "pagewalk.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define SCAN_VEC 512 /* runs a PAGEMAP_SCAN call returns at most */

/* [start, end) with pread alone, ENTRIES_A_READ entries a call. */
static int walk_pread(struct decoder *d, uint64_t start, uint64_t end)
{
	const uint64_t page = d->w->page;
	int rc;

	if ((rc = ms_add_run(d, d->done, start, MS_PAGE_ABSENT)) < 0)
		return rc;
	while (start < end) {
		uint64_t pages = (end - start) / page;
		size_t n = pages < ENTRIES_A_READ ? (size_t)pages : ENTRIES_A_READ;
		ssize_t got;

		do
			got = pread(d->w->fd, d->entries, n * PM_ENTRY_BYTES,
				    (off_t)(start / page * PM_ENTRY_BYTES));
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -errno;
		if ((size_t)got != n * PM_ENTRY_BYTES)
			return -EFAULT;
		if ((rc = ms_decode(d, start, d->entries, n)) < 0)
			return rc;
		start += n * page;
		d->done = start;
	}
	return 0;
}

/* ---- PAGEMAP_SCAN ---- */

/*
 * One PAGEMAP_SCAN call over [start, end) for pages in any of the anyof
 * categories, up to max pages (0: no limit), runs into vec.  *walk_end is
 * where the kernel stopped.  -ENOTTY when the kernel has no PAGEMAP_SCAN.
 */
static int scan_once(const struct walk *w, uint64_t start, uint64_t end, uint64_t anyof,
		     uint64_t max, struct ms_page_region *vec, size_t len, uint64_t *walk_end)
{
	/* never PAGE_IS_WRITTEN: on some kernels it is set on untouched pages
	 * of a populated page table */
	struct ms_pm_scan_arg arg = {
		.size = sizeof(arg), .start = start, .end = end,
		.vec = (uintptr_t)vec, .vec_len = len, .max_pages = max,
		.category_anyof_mask = anyof,
		.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_PFNZERO | PAGE_IS_HUGE,
	};
	int n;

	/* the kernel fills it; valgrind, which does not know this ioctl, would
	 * take the runs for garbage */
	memset(vec, 0, len * sizeof(*vec));
	n = ioctl(w->fd, MS_PAGEMAP_SCAN, &arg);
	if (n < 0)
		return errno == EINVAL || errno == ENOTTY || errno == EOPNOTSUPP ? -ENOTTY : -errno;
	if (n == 0 && arg.walk_end <= start && start < end)
		return -EIO; /* no progress: do not spin */
	*walk_end = arg.walk_end;
	return n;
}

bool ms_scan_works(const struct walk *w, uint64_t addr)
{
	struct ms_page_region run;
	uint64_t walk_end;

	return scan_once(w, addr, addr + w->page, PAGE_IS_PRESENT, 1, &run, 1, &walk_end) != -ENOTTY;
}

/* The shared zero page among [start, end)'s present pages: only a page
 * that is neither exclusive nor a file's can be it (pagemap has no bit for
 * it), so the scan runs only where decode() found such pages. */
static int count_zero(struct decoder *d, uint64_t start, uint64_t end)
{
	struct ms_page_region vec[SCAN_VEC];
	uint64_t at = start;

	while (at < end) {
		int n = scan_once(d->w, at, end, PAGE_IS_PFNZERO, 0, vec, SCAN_VEC, &at);

		if (n < 0)
			return n;
		for (int i = 0; i < n; i++)
			d->zero += (int64_t)((vec[i].end - vec[i].start) / d->w->page);
	}
	return 0;
}

/* pread of [start, end), and the zero pages among it where there may be
 * some. */
static int read_block(struct decoder *d, uint64_t start, uint64_t end)
{
	uint64_t unowned = d->unowned;
	int rc = walk_pread(d, start, end);

	if (rc == 0 && d->unowned != unowned && !d->pfns) /* kpageflags tells, else */
		rc = count_zero(d, start, end);
	return rc;
}

/*
 * A run of huge pages (a transparent huge page mapped by its PMD, or
 * hugetlb) from start: its end is where the first page of other categories
 * is, which a scan with room for one run stops at, cheaply, PMD by PMD.
 * 1 when the page there is no longer huge (it changed under us).
 */
static int read_huge(struct decoder *d, uint64_t start, uint64_t end, uint64_t *next)
{
	struct ms_page_region run;
	uint64_t walk_end, pages;
	int n = scan_once(d->w, start, end, PAGE_IS_PRESENT | PAGE_IS_SWAPPED, ENTRIES_A_READ, &run, 1,
			  &walk_end);

	if (n <= 0 || !(run.categories & PAGE_IS_HUGE))
		return n < 0 ? n : 1; /* no longer huge: changed under us */
	pages = (run.end - run.start) / d->w->page;
	if (run.categories & PAGE_IS_PRESENT)
		d->huge += (int64_t)pages;
	if (run.categories & PAGE_IS_PFNZERO) /* the huge zero page */
		d->zero += (int64_t)pages;
	*next = run.end;
	return walk_pread(d, run.start, run.end);
}

/*
 * [start, end) through PAGEMAP_SCAN.  A scan that stops at the first
 * populated page finds it, skipping holes a page table at a time; then that
 * page's page table (2 MiB of address space) is read with pread, which alone
 * has the exclusive bit.  A full scan first would walk every populated page
 * twice, the scan's walk adding about half again to the pread's.  A range
 * smaller than a page table is read at once.  -ENOTTY when the kernel has
 * no PAGEMAP_SCAN.
 */
static int scan_range(struct decoder *d, uint64_t start, uint64_t end)
{
	const uint64_t table = d->w->page / PM_ENTRY_BYTES * d->w->page; /* a page table maps */
	uint64_t at = start;

	if (end - start < table) /* one pread; too small for a huge page */
		return read_block(d, start, end);
	while (at < end) {
		struct ms_page_region first;
		uint64_t next;
		int rc = scan_once(d->w, at, end, PAGE_IS_PRESENT | PAGE_IS_SWAPPED, 1, &first, 1,
				   &next);

		if (rc == 1 && (first.categories & PAGE_IS_HUGE))
			rc = read_huge(d, first.start, end, &next);
		if (rc == 1) {
			next = (first.start / table + 1) * table;
			next = next < end ? next : end;
			rc = read_block(d, first.start, next);
		}
		if (rc < 0)
			return rc;
		at = next;
	}
	return 0;
}

int ms_walk_range(struct decoder *d, uint64_t start, uint64_t end, bool scan)
{
	return scan ? scan_range(d, start, end) : walk_pread(d, start, end);
}

