/*
 * render.c - a collection as Prometheus text, both the classic format
 * (0.0.4) and OpenMetrics 1.0.0: every family with HELP and TYPE, its
 * samples together, units in the names, label values valid UTF-8 and
 * escaped whatever bytes a process chose for its name.  A figure we could
 * not read has no sample: absent, never 0.  docs/exporter.md lists them.
 */
#include "exporter.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->s, cap))) {
			b->failed = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
	} else if ((size_t)n < sizeof(small)) {
		buf_add(b, small, (size_t)n);
	} else {
		char *big = malloc((size_t)n + 1);

		if (!big) {
			b->failed = true;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		buf_add(b, big, (size_t)n);
		free(big);
	}
}

char *buf_finish(struct buf *b, size_t *len)
{
	if (!b->failed && !b->s)
		buf_add(b, "", 0);
	if (b->failed) {
		free(b->s);
		b->s = NULL;
		errno = ENOMEM;
	}
	if (len)
		*len = b->failed ? 0 : b->len;
	return b->s;
}

/* The length of the UTF-8 sequence at s (1-4), or 0 when it is none
 * (overlong forms, surrogates and code points past U+10FFFF are none). */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
		   (c & 0xf8) == 0xf0 ? 4 : 0;

	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 2 && c < 0xc2) || (n == 3 && c == 0xe0 && s[1] < 0xa0) ||
	    (n == 3 && c == 0xed && s[1] >= 0xa0) || (n == 4 && c == 0xf0 && s[1] < 0x90) ||
	    (n == 4 && (c > 0xf4 || (c == 0xf4 && s[1] >= 0x90))))
		return 0;
	return n;
}

char *utf8_clean(const char *s)
{
	struct buf b = { 0 };

	while (*s) {
		size_t n = utf8_seq((const unsigned char *)s);

		if (n)
			buf_add(&b, s, n);
		else
			buf_add(&b, "\xef\xbf\xbd", 3); /* U+FFFD */
		s += n ? n : 1;
	}
	return buf_finish(&b, NULL);
}

/* A label value (valid UTF-8 already) with \, " and newline escaped. */
static void label_value(struct buf *b, const char *v)
{
	for (const char *s = v; *s; s++) {
		const char *esc = *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : *s == '\n' ? "\\n" : NULL;

		if (esc)
			buf_add(b, esc, 2);
		else
			buf_add(b, s, 1);
	}
}

/* ---- families ---- */

struct out {
	struct buf b;
	bool om;                 /* OpenMetrics */
};

/* HELP and TYPE; a counter's family is named without _total in OpenMetrics */
static void family(struct out *o, const char *name, const char *type, const char *help)
{
	size_t n = strlen(name);

	if (o->om && strcmp(type, "counter") == 0 && n > 6 && strcmp(name + n - 6, "_total") == 0)
		n -= 6;
	buf_printf(&o->b, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, name, help, (int)n, name,
		   type);
}

/* name{k1="v1",k2="v2"} value: labels given as pairs, NULL-ended */
static void sample(struct out *o, const char *name, double value, ...)
{
	const char *k;
	va_list ap;
	bool first = true;

	buf_add(&o->b, name, strlen(name));
	va_start(ap, value);
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);

		buf_printf(&o->b, "%s%s=\"", first ? "{" : ",", k);
		label_value(&o->b, v);
		buf_add(&o->b, "\"", 1);
		first = false;
	}
	va_end(ap);
	if (value == (double)(uint64_t)value)
		buf_printf(&o->b, "%s %.0f\n", first ? "" : "}", value);
	else
		buf_printf(&o->b, "%s %.6f\n", first ? "" : "}", value);
}

/* ---- process groups ---- */

static const char *const fig_names[NR_GFIG] = { "resident", "proportional", "unique", "swap",
	"virtual" };
static const char *const fig_help[NR_GFIG] = {
	"Resident bytes of the group's processes, summed (smaps_rollup Rss)",
	"Proportional set size: each shared page divided among its sharers (smaps_rollup Pss)",
	"Unique set size: pages no other process maps (smaps_rollup Private_Clean + Private_Dirty)",
	"Bytes swapped out (smaps_rollup Swap)",
	"Virtual address space (stat vsize)" };

static void group_figures(struct out *o, const struct collection *c)
{
	char name[64];

	for (int k = 0; k < NR_GFIG; k++) {
		snprintf(name, sizeof(name), "memscope_group_%s_bytes", fig_names[k]);
		family(o, name, "gauge", fig_help[k]);
		for (size_t i = 0; i < c->ngroups; i++)
			if (c->groups[i].known[k])
				sample(o, name, (double)c->groups[i].v[k], "group", c->groups[i].name,
				       NULL);
	}
	family(o, "memscope_group_processes", "gauge", "Processes in the group");
	for (size_t i = 0; i < c->ngroups; i++)
		sample(o, "memscope_group_processes", (double)c->groups[i].procs, "group",
		       c->groups[i].name, NULL);
	family(o, "memscope_group_unreadable_processes", "gauge",
	       "Processes of the group whose smaps_rollup could not be read: the group's byte "
	       "figures are absent while any is");
	for (size_t i = 0; i < c->ngroups; i++)
		sample(o, "memscope_group_unreadable_processes", (double)c->groups[i].unreadable,
		       "group", c->groups[i].name, NULL);
}

static const char *const class_help[4] = {
	"Resident bytes of the group's regions of the class (maps and pagemap, or smaps Rss)",
	"Proportional set size of the group's regions of the class (smaps Pss)",
	"Unique set size of the group's regions of the class (smaps Private_Clean + Private_Dirty)",
	"Bytes of the group's regions of the class swapped out (pagemap, or smaps Swap)" };
static const char *const pid_help[4] = {
	"Resident bytes of the process (smaps_rollup Rss)",
	"Proportional set size of the process (smaps_rollup Pss)",
	"Unique set size of the process (smaps_rollup Private_Clean + Private_Dirty)",
	"Bytes of the process swapped out (smaps_rollup Swap)" };

static void class_figures(struct out *o, const struct collection *c)
{
	char name[64];

	for (int k = 0; k < 4; k++) {
		snprintf(name, sizeof(name), "memscope_class_%s_bytes", fig_names[k]);
		family(o, name, "gauge", class_help[k]);
		for (size_t i = 0; i < c->ngroups; i++) {
			const struct group *g = &c->groups[i];

			for (int cl = 0; g->classes && g->classes->known[k] && cl < MS_CLASS_COUNT; cl++)
				sample(o, name, (double)g->classes->v[cl][k], "group", g->name,
				       "class", ms_class_name(cl), NULL);
		}
	}
}

static void pid_figures(struct out *o, const struct collection *c)
{
	char name[64], pid[16];

	for (int k = 0; k < 4; k++) {
		snprintf(name, sizeof(name), "memscope_process_%s_bytes", fig_names[k]);
		family(o, name, "gauge", pid_help[k]);
		for (size_t i = 0; i < c->ngroups; i++) {
			const struct group *g = &c->groups[i];

			for (size_t j = 0; j < g->npids; j++) {
				char *comm = g->pids[j].known[k] ? utf8_clean(g->pids[j].comm) : NULL;

				snprintf(pid, sizeof(pid), "%d", (int)g->pids[j].pid);
				if (comm)
					sample(o, name, (double)g->pids[j].v[k], "group", g->name, "pid",
					       pid, "comm", comm, NULL);
				free(comm);
			}
		}
	}
}

/* ---- the kernel ---- */

static bool view_known(const struct ms_kernel *k, enum ms_kernel_view v)
{
	int e;

	return ms_kernel_error(k, v, &e) == NULL;
}

static void ledger(struct out *o, const struct ms_kernel *k)
{
	uint64_t v;

	family(o, "memscope_kernel_memory_total_bytes", "gauge", "RAM the kernel manages (meminfo MemTotal)");
	if (ms_kernel_meminfo(k, "MemTotal", &v))
		sample(o, "memscope_kernel_memory_total_bytes", (double)v, NULL);
	family(o, "memscope_kernel_memory_bytes", "gauge",
	       "MemTotal split into parts that do not overlap (the ledger of memscope kernel; "
	       "docs/kernel.md names each part's source)");
	for (size_t i = 0; i < ms_kernel_nr_parts(k); i++) {
		const char *label, *source, *part = ms_kernel_part(k, i, &v, &label, &source);

		sample(o, "memscope_kernel_memory_bytes", (double)v, "part", part, NULL);
	}
	sample(o, "memscope_kernel_memory_bytes", (double)ms_kernel_unaccounted(k), "part",
	       "unaccounted", NULL);
}

static void buddy(struct out *o, const struct ms_kernel *k, bool types)
{
	char node[16], order[16];
	const char *name = types ? "memscope_kernel_pagetype_free_blocks" : "memscope_kernel_free_blocks";

	family(o, name, "gauge", types ? "Free blocks of 2^order pages per migrate type (pagetypeinfo)" :
	       "Free blocks of 2^order pages (buddyinfo)");
	for (size_t i = 0; i < ms_kernel_nr_zones(k); i++) {
		const struct ms_zone *z = ms_kernel_zone(k, i);

		snprintf(node, sizeof(node), "%d", ms_zone_node(z));
		for (unsigned t = 0; t < (types ? ms_zone_nr_types(z) : 1); t++)
			for (unsigned ord = 0; ord < ms_zone_nr_orders(z); ord++) {
				snprintf(order, sizeof(order), "%u", ord);
				if (types)
					sample(o, name, (double)ms_zone_type_free_blocks(z, t, ord), "node", node,
					       "zone", ms_zone_name(z), "type", ms_zone_type(z, t), "order",
					       order, NULL);
				else
					sample(o, name, (double)ms_zone_free_blocks(z, ord), "node", node,
					       "zone", ms_zone_name(z), "order", order, NULL);
			}
	}
}

/* meminfo's slab totals: anyone may read them */
static void slab_totals(struct out *o, const struct ms_kernel *k)
{
	uint64_t v;

	family(o, "memscope_kernel_slab_bytes", "gauge", "Bytes in slab caches (meminfo Slab)");
	if (ms_kernel_meminfo(k, "Slab", &v))
		sample(o, "memscope_kernel_slab_bytes", (double)v, NULL);
	family(o, "memscope_kernel_slab_reclaimable_bytes", "gauge", "Slab the kernel can reclaim (meminfo SReclaimable)");
	if (ms_kernel_meminfo(k, "SReclaimable", &v))
		sample(o, "memscope_kernel_slab_reclaimable_bytes", (double)v, NULL);
}

/* slabinfo (root only): the largest caches */
static void slab_caches(struct out *o, const struct ms_kernel *k, long top)
{
	family(o, "memscope_kernel_slab_cache_bytes", "gauge", "Bytes of the largest slab caches (slabinfo: slabs x pages per slab x page size; --kernel.top of them)");
	for (size_t i = 0; i < ms_kernel_nr_caches(k) && i < (size_t)top; i++) {
		const struct ms_slab_cache *sc = ms_kernel_cache(k, i);
		char *name = utf8_clean(ms_cache_name(sc));

		if (name)
			sample(o, "memscope_kernel_slab_cache_bytes", (double)ms_cache_bytes(sc), "cache", name, NULL);
		free(name);
	}
}

static void vmalloc(struct out *o, const struct ms_kernel *k)
{
	uint64_t areas, bytes, ram;

	family(o, "memscope_kernel_vmalloc_bytes", "gauge", "RAM of vmalloc areas by kind (vmallocinfo pages=, times the page size)");
	for (int kind = 0; kind < MS_VM_KIND_COUNT; kind++)
		if (ms_kernel_vmalloc(k, kind, &areas, &bytes, &ram))
			sample(o, "memscope_kernel_vmalloc_bytes", (double)ram, "kind", ms_vmalloc_kind_name(kind), NULL);
}

/* The kernel's views; those only root may read (slabinfo, vmallocinfo)
 * only with --collector.kernel.privileged, pagetypeinfo only with its
 * collector. */
static void kernel(struct out *o, struct exporter *ex, const struct ms_kernel *k)
{
	if (ex->set.kernel) {
		ledger(o, k);
		if (view_known(k, MS_KV_BUDDYINFO))
			buddy(o, k, false);
		slab_totals(o, k);
	}
	if (ex->set.kernel && ex->set.privileged && view_known(k, MS_KV_SLABINFO))
		slab_caches(o, k, ex->set.kernel_top);
	if (ex->set.kernel && ex->set.privileged && view_known(k, MS_KV_VMALLOCINFO))
		vmalloc(o, k);
	if (ex->set.pagetypes && view_known(k, MS_KV_PAGETYPEINFO))
		buddy(o, k, true);
}

/* ---- the exporter itself ---- */

static void self(struct out *o, struct exporter *ex, const struct collection *c)
{
	static const char *const collectors[2] = { "processes", "kernel" };

	family(o, "memscope_exporter_build_info", "gauge", "The exporter's version; always 1");
	sample(o, "memscope_exporter_build_info", 1, "version", PACKAGE_VERSION, NULL);
	family(o, "memscope_exporter_scrape_duration_seconds", "gauge", "How long each collector of the last collection took");
	for (int i = 0; i < 2; i++)
		if (i == 0 ? ex->set.processes : ex->set.kernel || ex->set.pagetypes)
			sample(o, "memscope_exporter_scrape_duration_seconds", c->seconds[i], "collector",
			       collectors[i], NULL);
	family(o, "memscope_exporter_collector_success", "gauge", "1 when the collector read what it reads, else 0 (the exporter's log says why)");
	if (ex->set.processes)
		sample(o, "memscope_exporter_collector_success", !c->ps_err[0], "collector", "processes", NULL);
	if (ex->set.kernel)
		sample(o, "memscope_exporter_collector_success", c->kernel != NULL, "collector", "kernel", NULL);
	family(o, "memscope_exporter_processes_scanned", "gauge", "Processes with an address space the last collection listed, readable or not");
	sample(o, "memscope_exporter_processes_scanned", (double)c->scanned, NULL);
	family(o, "memscope_exporter_read_errors_total", "counter", "Reads that failed since the start, by reason (a process's figures absent)");
	for (int r = 0; r < NR_READ_REASONS; r++)
		sample(o, "memscope_exporter_read_errors_total", (double)ex->errors_total[r], "reason",
		       read_reasons[r], NULL);
	family(o, "memscope_exporter_config_last_reload_successful", "gauge", "1 when the last load of --config succeeded");
	sample(o, "memscope_exporter_config_last_reload_successful", ex->reload_ok, NULL);
	family(o, "memscope_exporter_config_last_reload_success_timestamp_seconds", "gauge", "When --config was last loaded successfully, unix seconds");
	sample(o, "memscope_exporter_config_last_reload_success_timestamp_seconds", ex->reload_at, NULL);
}

static int one(struct exporter *ex, const struct collection *c, bool om, char **text, size_t *len)
{
	struct out o = { .om = om };

	if (c->ps) {
		group_figures(&o, c);
		class_figures(&o, c);
		pid_figures(&o, c);
	}
	if (c->kernel)
		kernel(&o, ex, c->kernel);
	self(&o, ex, c);
	if (om)
		buf_add(&o.b, "# EOF\n", 6);
	*text = buf_finish(&o.b, len);
	return *text ? 0 : -ENOMEM;
}

int render(struct exporter *ex, struct collection *c)
{
	int rc = one(ex, c, false, &c->text, &c->text_len);

	return rc < 0 ? rc : one(ex, c, true, &c->openmetrics, &c->openmetrics_len);
}
