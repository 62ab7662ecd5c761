/*
 * probe-step.h - one step of memscope-probe as the probe measured it from
 * outside (probe-step.c), and how it is shown.
 */
#ifndef MEMSCOPE_PROBE_STEP_H
#define MEMSCOPE_PROBE_STEP_H

#include "config.h"
#include "memscope.h"
#include "probe.h"

#include <stdbool.h>
#include <stdio.h>

/* System calls counted by the kernel's syscall tracepoints. */
enum { CALL_BRK, CALL_MMAP, CALL_MUNMAP, CALL_MPROTECT, CALL_MREMAP, CALL_MADVISE, CALL_COUNT };
extern const char *const probe_call_names[CALL_COUNT];

/* What one step shows: the subject's report, and the snapshots around it. */
struct probe_view {
	const char *scenario;
	const char *allocator;                      /* "glibc" or "jemalloc" */
	pid_t pid;
	const struct probe_report *rep, *prev_rep;  /* prev_rep NULL at the baseline */
	const struct ms_snapshot *snap, *prev;      /* prev NULL at the baseline */
	const struct ms_snapshot *child;            /* of rep->child, or NULL */
	const struct ms_kernel *kernel, *prev_kernel; /* a kernel scenario's views, else NULL */
	bool have_calls;                            /* calls[] were counted */
	uint64_t calls[CALL_COUNT];                 /* during the step */
};

/* One line for people, or one JSON object (a line), on out.  Returns 0 or
 * -errno. */
int probe_print_human(FILE *out, const struct probe_view *v);
int probe_print_json(FILE *out, const struct probe_view *v);

/* "+64M", "-4.0K", "+0": now - was in human units, in buf (24 bytes) */
const char *probe_delta(char *buf, uint64_t now, uint64_t was);

/* The kernel's side of a step (probe-kernel.c): after the line's other
 * fields, or as the document's "kernel" (null when not measured). */
struct jw;
void probe_kernel_human(FILE *out, const struct probe_view *v);
void probe_kernel_json(struct jw *w, const struct probe_view *v);

#endif
