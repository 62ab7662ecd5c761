/*
 * probe-step.c - what one step of memscope-probe did to the address space:
 * the regions added, removed and resized between two snapshots, the system
 * calls the step needed, and the figures before and after; as a line for
 * people or as a JSON object (docs/probes.md has every key).
 */
#include "probe-step.h"
#include "common.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const char *const probe_call_names[CALL_COUNT] = { "brk", "mmap", "munmap", "mprotect",
						   "mremap", "madvise" };

/* The regions added, removed and resized (in range: a change of Rss alone
 * is not a change of the address space). */
struct changes {
	struct ms_diff *d;
	size_t added, removed, resized;
};

static bool resized(const struct ms_change *ch)
{
	const struct ms_region *a = ms_change_a(ch), *b = ms_change_b(ch);

	return a && b && (ms_region_start(a) != ms_region_start(b) ||
			  ms_region_end(a) != ms_region_end(b));
}

static bool listed(const struct ms_change *ch)
{
	return !ms_change_a(ch) || !ms_change_b(ch) || resized(ch);
}

static int diff(const struct ms_snapshot *a, const struct ms_snapshot *b, struct changes *c)
{
	int rc = ms_snapshot_diff(a, b, &c->d);

	c->added = c->removed = c->resized = 0;
	for (size_t k = 0; rc == 0 && k < ms_diff_count(c->d); k++) {
		const struct ms_change *ch = ms_diff_change(c->d, k);

		c->added += !ms_change_a(ch);
		c->removed += !ms_change_b(ch);
		c->resized += resized(ch);
	}
	return rc;
}

static const struct ms_region *region_at(const struct ms_snapshot *s, uint64_t addr)
{
	for (size_t i = 0; s && addr && i < ms_snapshot_nr_regions(s); i++) {
		const struct ms_region *r = ms_snapshot_region(s, i);

		if (ms_region_start(r) <= addr && addr < ms_region_end(r))
			return r;
	}
	return NULL;
}

static const struct ms_region *heap_of(const struct ms_snapshot *s)
{
	for (size_t i = 0; s && i < ms_snapshot_nr_regions(s); i++)
		if (ms_region_class(ms_snapshot_region(s, i)) == MS_CLASS_HEAP)
			return ms_snapshot_region(s, i);
	return NULL;
}

static uint64_t heap_size(const struct ms_snapshot *s)
{
	return ms_region_size(heap_of(s));
}

static uint64_t field(const struct ms_counts *c, enum ms_field f)
{
	uint64_t v = 0;

	ms_counts_get(c, f, &v);
	return v;
}

static uint64_t uss(const struct ms_counts *c)
{
	uint64_t v = 0;

	ms_counts_uss(c, &v);
	return v;
}

/* The calls the address space says the step needed. */
static unsigned inferred(const struct probe_view *v, const struct changes *c)
{
	unsigned calls = 0;

	if (!v->prev)
		return 0;
	if (v->rep->brk != v->prev_rep->brk)
		calls |= 1u << CALL_BRK;
	for (size_t k = 0; k < ms_diff_count(c->d); k++) {
		const struct ms_change *ch = ms_diff_change(c->d, k);
		uint64_t was = ms_region_size(ms_change_a(ch)), now = ms_region_size(ms_change_b(ch));

		if (ms_region_class(ms_change_region(ch)) == MS_CLASS_HEAP || !listed(ch))
			continue;
		calls |= 1u << (now > was ? CALL_MMAP : CALL_MUNMAP);
	}
	return calls;
}

/* ---- for people ---- */

static const char *size(char *buf, uint64_t bytes)
{
	return human_size(buf, 16, bytes);
}

const char *probe_delta(char *buf, uint64_t now, uint64_t was)
{
	char tmp[16];

	if (now == was)
		return "+0";
	snprintf(buf, 24, "%c%s", now > was ? '+' : '-', size(tmp, now > was ? now - was : was - now));
	return buf;
}

/*
 * The calls counted, and any the address space shows that the counters did
 * not see (they follow the main thread only); inferred alone without them.
 */
static void print_calls(FILE *out, const struct probe_view *v, const struct changes *c)
{
	unsigned guess = inferred(v, c), seen = 0;
	bool any = false;

	fputs(" | ", out);
	for (int k = 0; v->have_calls && k < CALL_COUNT; k++)
		if (v->calls[k]) {
			fprintf(out, "%s%s x%" PRIu64, any ? " " : "", probe_call_names[k], v->calls[k]);
			seen |= 1u << k;
			any = true;
		}
	if (v->have_calls && any && !v->prev)
		fputs(" since exec", out);
	if (v->have_calls && !any && !(guess & ~seen))
		fputs(v->prev ? "no system call" : "-", out);
	if (!v->have_calls && !guess) /* nothing counted, nothing to see */
		fputs(v->prev ? "no system call (inferred)" : "system calls not counted", out);
	if (!v->prev || !(guess & ~seen))
		return;
	fputs(any ? " + " : "", out);
	any = false;
	for (int k = 0; k < CALL_COUNT; k++)
		if (guess & ~seen & (1u << k)) {
			fprintf(out, "%s%s", any ? " " : "", probe_call_names[k]);
			any = true;
		}
	fputs(!v->have_calls ? " (inferred)" : v->rep->threads > 1 ?
	      " (inferred: other threads)" : " (inferred)", out);
}

static void print_changes(FILE *out, const struct changes *c)
{
	char a[16], b[16], d[24];
	size_t shown = 0;

	fprintf(out, " | mappings +%zu -%zu ~%zu", c->added, c->removed, c->resized);
	for (size_t k = 0; k < ms_diff_count(c->d); k++) {
		const struct ms_change *ch = ms_diff_change(c->d, k);
		const struct ms_region *r = ms_change_region(ch);
		uint64_t was = ms_region_size(ms_change_a(ch));

		if (!listed(ch))
			continue;
		if (shown++ == 3) {
			fputs(", ...", out);
			break;
		}
		if (ms_change_a(ch) && ms_change_b(ch))
			fprintf(out, "%s~%s %s->%s (%s)", shown > 1 ? ", " : ": ",
				ms_class_name(ms_region_class(r)), size(a, was),
				size(b, ms_region_size(r)), probe_delta(d, ms_region_size(r), was));
		else
			fprintf(out, "%s%c%s %s", shown > 1 ? ", " : ": ",
				ms_change_b(ch) ? '+' : '-', ms_class_name(ms_region_class(r)),
				size(a, ms_region_size(r)));
	}
}

static void print_focus(FILE *out, const struct probe_view *v)
{
	char a[16], b[16], d[16], e[16];

	for (int i = 0; i < PROBE_FOCUS; i++) {
		const struct ms_region *r = region_at(v->snap, v->rep->focus[i]);
		const struct ms_region *k = region_at(v->child, v->rep->focus[i]);

		if (!r)
			continue;
		fprintf(out, " | %s %s %s: Rss %s Pss %s USS %s", i ? "and" : "its region",
			ms_class_name(ms_region_class(r)), size(a, ms_region_size(r)),
			size(b, field(ms_region_counts(r), MS_RSS)),
			size(d, field(ms_region_counts(r), MS_PSS)), size(e, uss(ms_region_counts(r))));
		if (k)
			fprintf(out, " (child: Rss %s Pss %s USS %s)",
				size(a, field(ms_region_counts(k), MS_RSS)),
				size(b, field(ms_region_counts(k), MS_PSS)),
				size(d, uss(ms_region_counts(k))));
	}
}

int probe_print_human(FILE *out, const struct probe_view *v)
{
	const struct ms_counts *now = ms_total_counts(ms_snapshot_totals(v->snap));
	const struct ms_counts *was = v->prev ? ms_total_counts(ms_snapshot_totals(v->prev)) : now;
	uint64_t faults = v->prev_rep ? v->rep->minflt - v->prev_rep->minflt : v->rep->minflt;
	char a[16], b[24];
	struct changes c;

	if (diff(v->prev ? v->prev : v->snap, v->snap, &c) < 0)
		return -ENOMEM;
	fprintf(out, "#%d %s", v->rep->step, v->rep->what);
	if (v->rep->result)
		fprintf(out, " = 0x%" PRIx64, v->rep->result);
	if (v->rep->error)
		fprintf(out, " failed: %s", strerror(v->rep->error));
	print_calls(out, v, &c);
	fprintf(out, " | heap %s", heap_of(v->snap) ? size(a, heap_size(v->snap)) : "none");
	if (v->prev)
		fprintf(out, " (%s)", probe_delta(b, heap_size(v->snap), heap_size(v->prev)));
	if (v->prev)
		print_changes(out, &c);
	else
		fprintf(out, " | %zu mappings", ms_snapshot_nr_regions(v->snap));
	fprintf(out, " | Rss %s", size(a, field(now, MS_RSS)));
	if (v->prev)
		fprintf(out, " (%s)", probe_delta(b, field(now, MS_RSS), field(was, MS_RSS)));
	if (v->rep->jemalloc)
		fprintf(out, " | jemalloc");
	else
		fprintf(out, " | malloc: in use %s, free %s", size(a, v->rep->mi.uordblks),
			size(b, v->rep->mi.fordblks));
	fprintf(out, " | %s%" PRIu64 " minor faults", v->prev ? "+" : "", faults);
	print_focus(out, v);
	if (v->rep->zeros)
		fputs(" | read back as zeros", out);
	if (v->rep->threads > 1)
		fprintf(out, " | %d threads", v->rep->threads);
	probe_kernel_human(out, v);
	fputc('\n', out);
	ms_diff_free(c.d);
	return ferror(out) ? -EIO : 0;
}

/* ---- JSON ---- */

/* A byte field, or null when smaps did not have it. */
static void bytes(struct jw *w, const char *key, const struct ms_counts *c, enum ms_field f)
{
	uint64_t v;

	if (ms_counts_get(c, f, &v))
		jw_u64(w, key, v);
	else
		jw_raw(w, key, "null");
}

static void uss_json(struct jw *w, const struct ms_counts *c)
{
	uint64_t u;

	if (ms_counts_uss(c, &u))
		jw_u64(w, "uss", u);
	else
		jw_raw(w, "uss", "null");
}

/* The region's keys, into the object open in w. */
static void region_keys(struct jw *w, const struct ms_region *r)
{
	jw_hex(w, "start", ms_region_start(r));
	jw_hex(w, "end", ms_region_end(r));
	jw_u64(w, "size", ms_region_size(r));
	jw_str(w, "class", ms_class_name(ms_region_class(r)));
	jw_str(w, "perms", ms_region_perms(r));
	jw_str(w, "name", ms_region_path(r));
	bytes(w, "rss", ms_region_counts(r), MS_RSS);
	bytes(w, "pss", ms_region_counts(r), MS_PSS);
	uss_json(w, ms_region_counts(r));
	bytes(w, "anon_huge", ms_region_counts(r), MS_ANON_HUGE);
}

/* The region as an object, or null. */
static void region_json(struct jw *w, const char *key, const struct ms_region *r)
{
	if (!jw_object_or_null(w, key, r))
		return;
	region_keys(w, r);
	jw_close(w, '}');
}

static void mallinfo_json(struct jw *w, const struct probe_report *r)
{
	if (r->jemalloc) { /* glibc's mallinfo2() knows nothing of it */
		jw_raw(w, "mallinfo", "null");
		return;
	}
	jw_open(w, "mallinfo", '{');
	jw_u64(w, "arena", r->mi.arena);
	jw_u64(w, "hblks", r->mi.hblks);
	jw_u64(w, "hblkhd", r->mi.hblkhd);
	jw_u64(w, "uordblks", r->mi.uordblks);
	jw_u64(w, "fordblks", r->mi.fordblks);
	jw_u64(w, "keepcost", r->mi.keepcost);
	jw_close(w, '}');
}

static void figures(struct jw *w, const char *key, const struct ms_snapshot *s,
		    const struct probe_report *r)
{
	const struct ms_counts *t;

	if (!jw_object_or_null(w, key, s))
		return;
	t = ms_total_counts(ms_snapshot_totals(s));
	jw_u64(w, "mappings", ms_snapshot_nr_regions(s));
	bytes(w, "virtual", t, MS_SIZE);
	bytes(w, "rss", t, MS_RSS);
	bytes(w, "pss", t, MS_PSS);
	uss_json(w, t);
	bytes(w, "swap", t, MS_SWAP);
	region_json(w, "heap", heap_of(s));
	jw_hex(w, "brk", r->brk);
	jw_u64(w, "minor_faults", r->minflt);
	mallinfo_json(w, r);
	jw_u64(w, "threads", (uint64_t)r->threads);
	jw_close(w, '}');
}

/* The calls the tracepoints counted, or null where they could not. */
static void calls_json(struct jw *w, const struct probe_view *v)
{
	if (!jw_object_or_null(w, "calls", v->have_calls ? v : NULL))
		return;
	for (int k = 0; k < CALL_COUNT; k++)
		jw_u64(w, probe_call_names[k], v->calls[k]);
	jw_close(w, '}');
}

/* "added", "removed" and "resized": the regions of each kind of change. */
static void changes_json(struct jw *w, const struct changes *c)
{
	static const char *const keys[] = { "added", "removed", "resized" };

	for (int kind = 0; kind < 3; kind++) {
		jw_open(w, keys[kind], '[');
		for (size_t k = 0; k < ms_diff_count(c->d); k++) {
			const struct ms_change *ch = ms_diff_change(c->d, k);
			const struct ms_region *was = ms_change_a(ch);
			int is = !was ? 0 : !ms_change_b(ch) ? 1 : resized(ch) ? 2 : -1;

			if (is != kind)
				continue;
			jw_open(w, NULL, '{');
			region_keys(w, ms_change_region(ch));
			if (kind == 2) {
				jw_hex(w, "start_before", ms_region_start(was));
				jw_hex(w, "end_before", ms_region_end(was));
				jw_u64(w, "size_before", ms_region_size(was));
			}
			jw_close(w, '}');
		}
		jw_close(w, ']');
	}
}

/* The addresses the step is about, and the regions that hold them now (null:
 * none does). */
static void focus_json(struct jw *w, const struct probe_view *v)
{
	jw_open(w, "focus", '[');
	for (int i = 0; i < PROBE_FOCUS; i++) {
		if (!v->rep->focus[i])
			continue;
		jw_open(w, NULL, '{');
		jw_hex(w, "address", v->rep->focus[i]);
		region_json(w, "region", region_at(v->snap, v->rep->focus[i]));
		region_json(w, "child", region_at(v->child, v->rep->focus[i]));
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* What the step did: its report, and the calls counted or inferred. */
static void step_head(struct jw *w, const struct probe_view *v, const struct changes *c)
{
	unsigned g = inferred(v, c);

	jw_str(w, "schema", "memscope-probe/1");
	jw_str(w, "scenario", v->scenario);
	jw_str(w, "allocator", v->allocator);
	jw_u64(w, "step", (uint64_t)v->rep->step);
	jw_str(w, "what", v->rep->what);
	jw_u64(w, "pid", (uint64_t)v->pid);
	if (v->rep->result)
		jw_hex(w, "result", v->rep->result);
	else
		jw_raw(w, "result", "null");
	jw_str(w, "error", v->rep->error ? strerror(v->rep->error) : NULL);
	calls_json(w, v);
	jw_open(w, "calls_inferred", '[');
	for (int k = 0; k < CALL_COUNT; k++)
		if (g & (1u << k))
			jw_str(w, NULL, probe_call_names[k]);
	jw_close(w, ']');
}

static char *step_json(const struct probe_view *v, const struct changes *c)
{
	struct jw w = { 0 };

	jw_open(&w, NULL, '{');
	step_head(&w, v, c);
	figures(&w, "before", v->prev, v->prev_rep);
	figures(&w, "after", v->snap, v->rep);
	changes_json(&w, c);
	focus_json(&w, v);
	jw_u64(&w, "touched", v->rep->touched);
	jw_raw(&w, "zeros", v->rep->zeros ? "true" : "false");
	if (v->rep->child)
		jw_u64(&w, "child", (uint64_t)v->rep->child);
	else
		jw_raw(&w, "child", "null");
	probe_kernel_json(&w, v);
	jw_raw(&w, "last", v->rep->last ? "true" : "false");
	jw_close(&w, '}');
	return jw_finish(&w);
}

int probe_print_json(FILE *out, const struct probe_view *v)
{
	struct changes c;
	char *text;
	int rc = 0;

	if (diff(v->prev ? v->prev : v->snap, v->snap, &c) < 0)
		return -ENOMEM;
	text = step_json(v, &c);
	if (!text)
		rc = -ENOMEM;
	else if (fprintf(out, "%s\n", text) < 0)
		rc = -EIO;
	free(text);
	ms_diff_free(c.d);
	return rc;
}
