/*
 * pagewalk.c - a region's pages, walked by two threads when it is large.
 *
 * pread costs the kernel time per populated page (it looks up each page's
 * map count for the exclusive bit), and one thread keeps one core busy.  A
 * large region is cut into chunks that two threads take in turn, each
 * walking its chunks whole; chunks rather than halves, so that a region
 * populated only at one end still keeps both busy.  Counts add up; runs
 * are kept per chunk and joined in order at the end.
 */
#include "config.h"

#include "pagewalk.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#define SPLIT_MIN_PAGES (16u << 10) /* smaller regions are not worth a thread */
#define CHUNKS 128                  /* a region's chunks, at most */
#define CHUNK_MIN (32u << 20)       /* bytes; a multiple of 2 MiB */

struct split {
	uint64_t start, end, size;  /* the region; a chunk's bytes */
	cpu_set_t cpus;             /* where the caller may run */
	bool pinned;                /* the helper starts away from the caller */
	size_t nr, next;            /* chunks; the first not yet taken */
	bool scan;
	struct ms_residency *runs;  /* a chunk's runs, when they are kept */
	int rc;                     /* the first error of either thread */
	const struct decoder *caller;
	pthread_mutex_t mu;
};

struct worker {
	struct split *s;
	struct decoder *d;
};

static bool take_chunk(struct split *s, size_t *i)
{
	bool ok;

	pthread_mutex_lock(&s->mu);
	ok = s->rc == 0 && s->next < s->nr;
	*i = s->next;
	s->next += ok;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

static int walk_chunk(struct decoder *d, struct split *s, size_t i)
{
	uint64_t from = s->start + i * s->size;
	uint64_t to = s->end - from > s->size ? from + s->size : s->end;
	int rc;

	d->done = from;
	rc = ms_walk_range(d, from, to, s->scan);
	if (rc == 0)
		rc = ms_add_run(d, d->done, to, MS_PAGE_ABSENT);
	if (rc == 0 && s->runs) { /* the chunk's runs, out of the decoder */
		s->runs[i].runs = d->res.runs;
		s->runs[i].nr_runs = d->res.nr_runs;
		d->res.runs = NULL;
		d->res.nr_runs = d->runcap = 0;
	}
	return rc;
}

static void *work(void *arg)
{
	struct worker *wk = arg;
	size_t i;

	if (wk->s->pinned && wk->d != wk->s->caller)
		pthread_setaffinity_np(pthread_self(), sizeof(wk->s->cpus), &wk->s->cpus);

	while (take_chunk(wk->s, &i)) {
		int rc = walk_chunk(wk->d, wk->s, i);

		if (rc < 0) {
			pthread_mutex_lock(&wk->s->mu);
			if (!wk->s->rc)
				wk->s->rc = rc;
			pthread_mutex_unlock(&wk->s->mu);
		}
	}
	return NULL;
}

/* The chunks' runs, in order, into d (a run cut by a chunk's edge is
 * joined again). */
static int join_runs(struct decoder *d, struct split *s)
{
	int rc = 0;

	for (size_t i = 0; i < s->nr; i++)
		for (size_t k = 0; rc == 0 && k < s->runs[i].nr_runs; k++)
			rc = ms_add_run(d, s->runs[i].runs[k].start, s->runs[i].runs[k].end,
				     s->runs[i].runs[k].state);
	return rc;
}

/*
 * The helper thread, started on another CPU than this thread's.  Left to
 * itself, the scheduler often queues a new thread behind its busy parent
 * until the next load balance: measured, 1 to 4 ms of a 5 ms walk.  Once
 * it runs, the helper may go anywhere the caller may (work()).
 */
static bool start_helper(pthread_t *thread, struct split *s, struct worker *wk)
{
	pthread_attr_t attr;
	bool started;
	int cpu = sched_getcpu();

	pthread_attr_init(&attr);
	if (cpu >= 0 && sched_getaffinity(0, sizeof(s->cpus), &s->cpus) == 0 &&
	    CPU_COUNT(&s->cpus) > 1 && CPU_ISSET(cpu, &s->cpus)) {
		cpu_set_t others = s->cpus;

		CPU_CLR(cpu, &others);
		s->pinned = pthread_attr_setaffinity_np(&attr, sizeof(others), &others) == 0;
	}
	started = pthread_create(thread, &attr, work, wk) == 0;
	pthread_attr_destroy(&attr);
	return started;
}

static int walk_split(struct decoder *d, struct decoder *h, uint64_t start, uint64_t end,
		      bool scan)
{
	uint64_t two_mib = 2u << 20, size = (end - start) / CHUNKS;
	struct split s = { .start = start, .end = end, .scan = scan, .caller = d };
	struct worker helper = { &s, h };
	pthread_t thread;
	bool threaded;
	int rc;

	size = size < CHUNK_MIN ? CHUNK_MIN : (size + two_mib - 1) / two_mib * two_mib;
	s.size = size;
	s.nr = (size_t)((end - start + size - 1) / size);
	if ((d->w->flags & MS_RES_RUNS) && !(s.runs = calloc(s.nr, sizeof(*s.runs))))
		return -ENOMEM;
	pthread_mutex_init(&s.mu, NULL);
	ms_decoder_reset(h, start);
	threaded = start_helper(&thread, &s, &helper);
	work(&(struct worker){ &s, d }); /* without a thread: alone, then */
	if (threaded)
		pthread_join(thread, NULL);
	rc = s.rc;
	if (rc == 0 && h->pfns && h->nr_pfns)
		rc = ms_flush_pfns(h);
	if (rc == 0) {
		ms_decoder_merge(d, h);
		d->done = start;
		if (s.runs)
			rc = join_runs(d, &s);
		d->done = end;
	}
	for (size_t i = 0; s.runs && i < s.nr; i++)
		free(s.runs[i].runs);
	free(s.runs);
	pthread_mutex_destroy(&s.mu);
	return rc;
}

int ms_walk_region(struct decoder *d, struct decoder *helper, uint64_t start, uint64_t end,
		   bool scan)
{
	if (helper && (end - start) / d->w->page >= SPLIT_MIN_PAGES)
		return walk_split(d, helper, start, end, scan);
	return ms_walk_range(d, start, end, scan);
}

