/*
 * pagewalk.h - reading one region's pagemap entries, for residency.c, which
 * does the whole process: pagescan.c reads them (pread, PAGEMAP_SCAN),
 * pagedecode.c counts them, kpage.c looks up their frames, pagewalk.c
 * splits a large region between two threads.  Not installed.
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
	bool one_thread;     /* no second thread for a large region */
};

#define ENTRIES_A_READ (128u << 10) /* entries a pread: 1 MiB, 512 MiB of memory */
#define PFN_BATCH (1u << 20)        /* frames looked up at once (8 MiB) */
#define PSS_SHIFT 12                /* PSS in fixed point, as the kernel sums it */

/* One thread's decoding: its buffers and what it has counted so far. */
struct decoder {
	const struct walk *w;
	struct ms_residency res; /* counts; -1 fields are filled in at the end */
	size_t runcap;
	uint64_t *entries;       /* ENTRIES_A_READ of them: a pread's worth */
	uint64_t *pfns;          /* PFN_BATCH frames of present pages, when w->kflags */
	size_t nr_pfns;          /* up to PFN_BATCH */
	uint64_t pss_shifted;    /* pss_exact << PSS_SHIFT, summed exactly */
	uint64_t done;           /* decoded up to this address (for runs) */
	int64_t zero, huge;      /* from PAGEMAP_SCAN's categories */
	uint64_t unowned;        /* present pages neither exclusive nor a file's */
	bool pfn_hidden;         /* present pages came without frame numbers */
};

MS_HIDDEN int ms_decoder_init(struct decoder *d, const struct walk *w);
/* Ready for the region that starts at start (buffers are kept). */
MS_HIDDEN void ms_decoder_reset(struct decoder *d, uint64_t start);
MS_HIDDEN void ms_decoder_release(struct decoder *d);

/* pagedecode.c: counts n entries of the pages from addr on (and keeps the
 * frames, and the runs, when asked) */
MS_HIDDEN int ms_decode(struct decoder *d, uint64_t addr, const uint64_t *e, size_t n);
/* Pages [start, end) in state st, joined to the last run where they meet
 * it; with MS_RES_RUNS only. */
MS_HIDDEN int ms_add_run(struct decoder *d, uint64_t start, uint64_t end,
			 enum ms_page_state st);
/* Adds the counts of h (the other thread's) to d's. */
MS_HIDDEN void ms_decoder_merge(struct decoder *d, const struct decoder *h);

/* kpage.c: the frames of the present pages among n entries, kept to be
 * looked up; looks up those kept (kpageflags and kpagecount). */
MS_HIDDEN int ms_collect_pfns(struct decoder *d, const uint64_t *e, size_t n);
MS_HIDDEN int ms_flush_pfns(struct decoder *d);

/* pagescan.c: reads and decodes [start, end), through PAGEMAP_SCAN when
 * scan, else with pread alone. */
MS_HIDDEN int ms_walk_range(struct decoder *d, uint64_t start, uint64_t end, bool scan);

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
