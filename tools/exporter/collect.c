/*
 * collect.c - one collection at a time: the process table and the kernel's
 * views read once, grouped and rendered, then shared by every scrape that
 * asks while it runs and, for --scrape.cache-ttl, after it.  Many
 * Prometheus servers scraping one host thus cost the watched processes
 * one read of their smaps_rollup, not one each (the kernel holds each
 * process's mmap_lock while it writes it).
 */
#include "exporter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double clock_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void collection_free(struct collection *c)
{
	if (!c)
		return;
	groups_free(c);
	ms_ps_free(c->ps);
	ms_kernel_free(c->kernel);
	free(c->text);
	free(c->openmetrics);
	free(c);
}

static void read_processes(struct exporter *ex, struct collection *c, const struct watch *w)
{
	double t0 = clock_seconds(CLOCK_MONOTONIC);
	int rc = ms_ps_take(ex->ctx, w->needs_cgroup ? MS_PS_CGROUP : 0, &c->ps, c->ps_err,
			    sizeof(c->ps_err));

	if (rc == 0 && (rc = groups_collect(ex, w, c, ex->set.deadline)) < 0)
		snprintf(c->ps_err, sizeof(c->ps_err), "cannot group the processes: %s",
			 strerror(-rc));
	if (rc < 0 && c->ps) { /* no part passed off as the whole */
		groups_free(c);
		c->groups = NULL;
		c->ngroups = 0;
		ms_ps_free(c->ps);
		c->ps = NULL;
	}
	if (rc < 0)
		error("cannot read the processes: %s", c->ps_err);
	c->seconds[0] = clock_seconds(CLOCK_MONOTONIC) - t0;
}

static void read_kernel(struct exporter *ex, struct collection *c)
{
	double t0 = clock_seconds(CLOCK_MONOTONIC);

	if (ms_kernel_take(ex->ctx, ex->set.pagetypes ? MS_KERNEL_PAGETYPES : 0, &c->kernel,
			   c->kernel_err, sizeof(c->kernel_err)) < 0)
		error("cannot read the kernel's views: %s", c->kernel_err);
	c->seconds[1] = clock_seconds(CLOCK_MONOTONIC) - t0;
}

/* A new collection under watch w (the caller holds a reference to w's
 * exporter state through the lock's protocol: w is not freed meanwhile). */
static struct collection *collect(struct exporter *ex, const struct watch *w)
{
	struct collection *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->refs = 1;
	c->taken_at = clock_seconds(CLOCK_REALTIME);
	if (ex->set.processes)
		read_processes(ex, c, w);
	if (ex->set.kernel || ex->set.pagetypes)
		read_kernel(ex, c);
	return c;
}

struct collection *collection_get(struct exporter *ex)
{
	struct collection *c;
	struct watch *w;

	pthread_mutex_lock(&ex->lock);
	while (ex->collecting)
		pthread_cond_wait(&ex->done, &ex->lock);
	c = ex->last;
	if (c && clock_seconds(CLOCK_MONOTONIC) - c->taken_at_mono <= ex->set.cache_ttl) {
		c->refs++;
		pthread_mutex_unlock(&ex->lock);
		return c;
	}
	ex->collecting = true;
	w = ex->watch; /* a reload waits until this collection is done */
	pthread_mutex_unlock(&ex->lock);

	c = collect(ex, w);

	pthread_mutex_lock(&ex->lock);
	if (c) {
		for (int r = 0; r < NR_READ_REASONS; r++)
			ex->errors_total[r] += c->errors[r];
		c->taken_at_mono = clock_seconds(CLOCK_MONOTONIC);
		if (render(ex, c) < 0) {
			collection_free(c);
			c = NULL;
		}
	}
	if (c) {
		if (ex->last && --ex->last->refs == 0)
			collection_free(ex->last);
		ex->last = c;
		c->refs++;
	}
	ex->collecting = false;
	pthread_cond_broadcast(&ex->done);
	pthread_mutex_unlock(&ex->lock);
	if (!c)
		errno = ENOMEM;
	return c;
}

void collection_put(struct exporter *ex, struct collection *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&ex->lock);
	if (--c->refs == 0)
		collection_free(c);
	pthread_mutex_unlock(&ex->lock);
}

void collection_drop(struct exporter *ex)
{
	pthread_mutex_lock(&ex->lock);
	if (ex->last && --ex->last->refs == 0)
		collection_free(ex->last);
	ex->last = NULL;
	pthread_mutex_unlock(&ex->lock);
}

/* Loads --config anew: the new watch replaces the old once no collection
 * runs; a bad file keeps the old one.  0, or -1 (said). */
int watch_reload(struct exporter *ex)
{
	struct watch *w = NULL;
	char err[512];

	if (watch_load(ex->set.config, &w, err, sizeof(err)) < 0) {
		error("%s; keeping the configuration loaded before", err);
		pthread_mutex_lock(&ex->lock);
		ex->reload_ok = false;
		pthread_mutex_unlock(&ex->lock);
		return -1;
	}
	pthread_mutex_lock(&ex->lock);
	while (ex->collecting)
		pthread_cond_wait(&ex->done, &ex->lock);
	watch_free(ex->watch);
	ex->watch = w;
	ex->reload_ok = true;
	ex->reload_at = clock_seconds(CLOCK_REALTIME);
	pthread_mutex_unlock(&ex->lock);
	collection_drop(ex); /* the next scrape sees the new groups */
	return 0;
}
