/*
 * probe.h - what memscope-probe and the process it watches say to each
 * other.  The scenarios run in probe-subject, a program of their own: it
 * links nothing but libc, prints nothing and measures nothing, so the heap
 * and the mappings it shows are the scenario's alone (and, unlike the
 * probe, it is never built with sanitizers, whose allocators replace
 * glibc's malloc).  memscope-probe starts it, reads a report after each
 * step from one pipe, measures it from outside with libmemscope, and lets
 * it go on by writing a byte to the other pipe.
 */
#ifndef MEMSCOPE_PROBE_H
#define MEMSCOPE_PROBE_H

#include <stdint.h>

/*
 * The scenarios, one table for both programs: X(NAME, FUNCTION, KERNEL,
 * SUMMARY).  memscope-probe lists them in --help and refuses any other
 * name, and measures the kernel's views too where KERNEL is 1;
 * probe-subject runs FUNCTION for NAME.
 */
#define PROBE_SCENARIOS(X) \
	X("walkthrough", walkthrough, 0, "malloc 30, 40, 200 and 100 KiB, then free three of them") \
	X("lazy", lazy, 0, "reserve 1 GiB (malloc, then mmap); Rss grows only as pages are written") \
	X("sbrk", sbrk_scenario, 0, "move the program break by hand; [heap] follows") \
	X("threshold", threshold, 0, "256 KiB from mmap, then, after a free, from the heap") \
	X("trim", trim, 0, "free below the top keeps Rss; malloc_trim(0) returns it") \
	X("fragment", fragment, 0, "a large heap with little in use") \
	X("threads", threads, 0, "thread stacks with guard pages, and per-thread arenas") \
	X("shared", shared, 0, "shared and copy-on-write memory across fork: Rss, Pss, USS") \
	X("coalesce", coalesce, 0, "two neighbouring chunks freed merge; their joint size is served in place") \
	X("edge", edge, 0, "the mmap threshold's edge: one byte under it the heap, at it a mapping") \
	X("purge", purge, 0, "freed memory given back: glibc trims, jemalloc purges; a large block mapped") \
	X("thp", thp, 1, "64 MiB in transparent huge pages: order-9 blocks taken from the buddy allocator") \
	X("slab", slab, 1, "files created and removed: the dentry and inode slab caches grow and shrink") \
	X("vmalloc", vmalloc_scenario, 1, "a 4 MiB BPF array map: a vmalloc area appears, and goes")

/* The allocators a scenario can run with: glibc's own malloc, or another
 * preloaded into the subject (LD_PRELOAD).  The subject exits with
 * PROBE_NO_ALLOCATOR before its baseline when it cannot load one. */
#define PROBE_JEMALLOC "libjemalloc.so.2" /* Debian's libjemalloc2 */
enum { PROBE_NO_ALLOCATOR = 3 };

/* The subject's ends of the two pipes, after dup2. */
enum { PROBE_GO_FD = 3, PROBE_REPORT_FD = 4 };

#define PROBE_MAGIC 0x6d7370u /* "msp" */
#define PROBE_FOCUS 2         /* regions a step points at */

/* What glibc's malloc_info would say; mallinfo2()'s fields, bytes. */
struct probe_mallinfo {
	uint64_t arena;    /* bytes from brk in the main arena (heap size) */
	uint64_t hblks;    /* blocks malloc made with mmap */
	uint64_t hblkhd;   /* bytes in them */
	uint64_t uordblks; /* bytes handed out and not freed */
	uint64_t fordblks; /* free bytes the arenas keep */
	uint64_t keepcost; /* free bytes at the top of the heap */
};

/* One step, as the subject saw it, written after the step is done. */
struct probe_report {
	uint32_t magic;
	int32_t step;                  /* 0: the baseline, before any step */
	int32_t last;                  /* no step follows */
	int32_t error;                 /* errno of a call that failed, else 0 */
	char what[120];                /* "A = malloc(30 KiB)" */
	uint64_t result;               /* what the step's call returned, or 0 */
	uint64_t brk;                  /* sbrk(0) after the step */
	uint64_t focus[PROBE_FOCUS];   /* addresses in the regions the step is about */
	uint64_t touched;              /* bytes the step wrote (lazy) */
	int64_t child;                 /* pid of a child the subject made, or 0 */
	int32_t threads;               /* threads running, the main one too */
	int32_t zeros;                 /* 1: fresh memory read back as zeros */
	uint64_t minflt;               /* minor page faults so far (getrusage) */
	int32_t jemalloc;              /* 1: malloc is jemalloc's, mi is not known */
	struct probe_mallinfo mi;
};

#endif
