/*
 * pagewalk.h - reading one region's pagemap entries (pagewalk.c), shared
 * with residency.c, which does the whole process.  Not installed.
 */
#ifndef MEMSCOPE_PAGEWALK_H
#define MEMSCOPE_PAGEWALK_H

#include "internal.h"
#include "pagemap.h"

/* What all threads of a walk share; read-only while they run. */
struct walk {
	int fd;              /* /proc/PID/pagemap */
	uint64_t page;       /* bytes */
	unsigned flags;      /* MS_RES_* */
	int kflags, kcount;  /* /proc/kpageflags, kpagecount; -1 when closed */
};

/* One thread's decoding: its buffers and what it has counted so far. */
struct decoder {
	const struct walk *w;
	struct ms_residency res; /* counts; -1 fields are filled in at the end */
	size_t runcap;
	uint64_t *entries;       /* a pread's worth */
	uint64_t *pfns;          /* frames of present pages, when w->kflags */
	size_t nr_pfns;
	uint64_t pss_shifted;    /* pss_exact << 12, summed exactly */
	uint64_t done;           /* decoded up to this address (for runs) */
	int64_t zero, huge;      /* from PAGEMAP_SCAN's categories */
	uint64_t unowned;        /* present pages neither exclusive nor a file's */
	bool pfn_hidden;         /* present pages came without frame numbers */
};

MS_HIDDEN int ms_decoder_init(struct decoder *d, const struct walk *w);
/* Ready for the region that starts at start (buffers are kept). */
MS_HIDDEN void ms_decoder_reset(struct decoder *d, uint64_t start);
MS_HIDDEN void ms_decoder_release(struct decoder *d);

/* Whether the kernel has PAGEMAP_SCAN for w->fd (asked at addr, a page of
 * the process's). */
MS_HIDDEN bool ms_scan_works(const struct walk *w, uint64_t addr);

/*
 * Reads and decodes [start, end): with pread where PAGEMAP_SCAN finds
 * populated pages, when scan (ms_scan_works() says whether it can), else
 * with pread alone.  -EFAULT when pagemap has no entries there (past the
 * address space, or the process is gone).  helper (may be NULL) is a second decoder
 * for a second thread on a large region; its counts are added to d's.
 */
MS_HIDDEN int ms_walk_region(struct decoder *d, struct decoder *helper, uint64_t start,
			     uint64_t end, bool scan);
/* The region is done: frames looked up, absent pages up to end added. */
MS_HIDDEN int ms_decoder_finish(struct decoder *d, uint64_t end);

#endif
