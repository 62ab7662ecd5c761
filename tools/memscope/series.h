/*
 * series.h - memory per class over time, for watch and run (series.c), and
 * its chart (svg.c).
 */
#ifndef MEMSCOPE_SERIES_H
#define MEMSCOPE_SERIES_H

#include "cli.h"

#include <signal.h>
#include <time.h>

/* The byte fields the tables and the JSON show. */
#define SERIES_FIELDS 5
extern const int series_field[SERIES_FIELDS];          /* MS_SIZE ... FIELD_USS */
extern const char *const series_field_name[SERIES_FIELDS];

/* Regions and those fields summed over processes (or their peaks). */
struct sum {
	size_t count;                 /* regions */
	uint64_t v[SERIES_FIELDS];    /* bytes, as series_field */
	unsigned known;               /* bit i: v[i] is known in every process */
};

/* One sample: the sums over the processes sampled at one moment. */
struct sample {
	double t;                                /* seconds since the start */
	double taken_at;                         /* unix seconds */
	struct sum classes[MS_CLASS_COUNT];
	struct sum total;
	int processes;
};

struct series {
	struct sample *v;
	size_t n, cap;
};

/* Adds a snapshot's classes and totals to x (a field unknown in any
 * process is unknown in the sum). */
void sample_add(struct sample *x, const struct ms_snapshot *snap);
/* Appends a copy of x; 0 or -ENOMEM. */
int series_push(struct series *s, const struct sample *x);
void series_free(struct series *s);

/* Per class, the largest value of each field over the samples (a class
 * absent everywhere stays zero). */
void series_peak(const struct series *s, struct sample *peak);

/* Field (MS_RSS, FIELD_USS, ...) of a sum into *v; false when unknown. */
bool series_get(const struct sum *t, int field, uint64_t *v);

/* A sample as a JSON object: {"t", "processes", "classes": {...}, "total"}. */
char *sample_json(const struct sample *x, const struct sample *since, pid_t pid);

/* The series of run as one JSON document (memscope-series/1): the command,
 * its wait status, the samples, the peak and the final figures (fin may be
 * NULL). */
char *series_json(const struct series *s, const struct sample *peak, const struct sample *fin,
		  char **argv, int status);

/* The series as an SVG chart: Rss per class over time, stacked.  0 or
 * -errno; written to a temporary file, then renamed. */
int series_svg(const struct series *s, const char *title, const char *path);

/* Seconds on clock. */
double now_seconds(clockid_t clock);
/* Sleeps until when (CLOCK_MONOTONIC seconds, absolute: samples do not
 * drift); false when *quit was set meanwhile (by a signal). */
bool sleep_until(double when, const volatile sig_atomic_t *quit);

#endif
