/*
 * kpage.c - what the kernel knows of the frames behind present pages, as
 * root: /proc/kpageflags (THP, KSM, the zero page) and /proc/kpagecount
 * (how many map each frame: USS and PSS counted page by page).
 * Documentation/admin-guide/mm/pagemap.rst.
 */
#include "config.h"

#include "pagewalk.h"

#include <errno.h>
#include <linux/kernel-page-flags.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KPAGE_ENTRY_BYTES 8 /* one 64-bit entry a frame, in both files */
#define FRAMES_A_READ 512   /* frames one pread of each file covers, at most */

/* LSD radix sort, 16 bits a pass: a frame number fits in 48 bits, and
 * qsort's comparisons would cost more than the lookups they serve. */
static int sort_pfns(uint64_t *v, size_t n)
{
	uint64_t *buf = malloc(n * sizeof(*buf)), *src = v, *dst = buf, *t;
	size_t *count = malloc((1u << 16) * sizeof(*count));

	if (!buf || !count) {
		free(buf);
		free(count);
		return -ENOMEM;
	}
	for (unsigned shift = 0; shift < 48; shift += 16) {
		size_t sum = 0;

		memset(count, 0, (1u << 16) * sizeof(*count));
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xffff]++;
		for (size_t k = 0; k < (1u << 16); k++) {
			size_t c = count[k];

			count[k] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
		t = src, src = dst, dst = t;
	}
	memcpy(v, src, n * sizeof(*v)); /* three passes: src is buf */
	free(buf);
	free(count);
	return 0;
}

static int pread_all(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n;

	do
		n = pread(fd, buf, len, off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* Flags and map counts of n consecutive frames (at most FRAMES_A_READ):
 * one pread each. */
static int lookup_run(struct decoder *d, uint64_t first, size_t n)
{
	uint64_t fl[FRAMES_A_READ], cnt[FRAMES_A_READ];
	off_t off = (off_t)(first * KPAGE_ENTRY_BYTES);
	int rc;

	if (n > FRAMES_A_READ)
		return -EINVAL;
	if ((rc = pread_all(d->w->kflags, fl, n * KPAGE_ENTRY_BYTES, off)) < 0 ||
	    (rc = pread_all(d->w->kcount, cnt, n * KPAGE_ENTRY_BYTES, off)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		d->res.thp += (fl[i] >> KPF_THP) & 1;
		d->res.ksm += (fl[i] >> KPF_KSM) & 1;
		d->res.zero += (fl[i] >> KPF_ZERO_PAGE) & 1;
		if (cnt[i] == 1)
			d->res.uss_exact += (int64_t)d->w->page;
		if (cnt[i])
			d->pss_shifted += (d->w->page << PSS_SHIFT) / cnt[i];
	}
	return 0;
}

/* Frames sorted and merged into runs of consecutive frames (the same frame
 * twice, mapped twice here, is looked up twice). */
int ms_flush_pfns(struct decoder *d)
{
	size_t i = 0;
	int rc = sort_pfns(d->pfns, d->nr_pfns);

	while (rc == 0 && i < d->nr_pfns) {
		size_t n = 1;

		while (i + n < d->nr_pfns && n < FRAMES_A_READ && d->pfns[i + n] == d->pfns[i] + n)
			n++;
		rc = lookup_run(d, d->pfns[i], n);
		i += n;
	}
	d->nr_pfns = 0;
	return rc;
}

/* The frames of the present pages, for kpageflags and kpagecount. */
int ms_collect_pfns(struct decoder *d, const uint64_t *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t pfn = e[i] & PM_PFN_MASK;
		int rc;

		if (!(e[i] & PM_PRESENT))
			continue;
		if (!pfn) { /* hidden: pagemap was opened without CAP_SYS_ADMIN */
			d->pfn_hidden = true;
			continue;
		}
		if (d->nr_pfns == PFN_BATCH && (rc = ms_flush_pfns(d)) < 0)
			return rc;
		d->pfns[d->nr_pfns++] = pfn;
	}
	return 0;
}

