/*
 * probe-step.c - what one step of memscope-probe did to the address space:
 * the regions added, removed and resized between two snapshots, the system
 * calls the step needed, and the figures before and after; as a line for
 * people or as a JSON object (docs/probes.md has every key).
 */
#include "probe-step.h"
#include "common.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const char *const probe_call_names[CALL_COUNT] = { "brk", "mmap", "munmap", "mprotect",
						   "mremap", "madvise" };

/* The regions added, removed and resized (in range: a change of Rss alone
 * is not a change of the address space). */
struct changes {
	struct ms_diff d;
	size_t added, removed, resized;
};

static bool resized(const struct ms_change *ch)
{
	return ch->a && ch->b && (ch->a->start != ch->b->start || ch->a->end != ch->b->end);
}

static bool listed(const struct ms_change *ch)
{
	return !ch->a || !ch->b || resized(ch);
}

static int diff(const struct ms_snapshot *a, const struct ms_snapshot *b, struct changes *c)
{
	int rc = ms_snapshot_diff(a, b, &c->d);

	c->added = c->removed = c->resized = 0;
	for (size_t k = 0; rc == 0 && k < c->d.nr_changes; k++) {
		const struct ms_change *ch = &c->d.changes[k];

		c->added += !ch->a;
		c->removed += !ch->b;
		c->resized += resized(ch);
	}
	return rc;
}

static const struct ms_region *region_at(const struct ms_snapshot *s, uint64_t addr)
{
	for (size_t i = 0; s && addr && i < s->nr_regions; i++)
		if (s->regions[i].start <= addr && addr < s->regions[i].end)
			return &s->regions[i];
	return NULL;
}

static const struct ms_region *heap_of(const struct ms_snapshot *s)
{
	for (size_t i = 0; s && i < s->nr_regions; i++)
		if (s->regions[i].class == MS_CLASS_HEAP)
			return &s->regions[i];
	return NULL;
}

static uint64_t heap_size(const struct ms_snapshot *s)
{
	const struct ms_region *h = heap_of(s);

	return h ? h->end - h->start : 0;
}

static uint64_t field(const struct ms_counts *c, enum ms_field f)
{
	return ms_counts_has(c, f) ? c->v[f] : 0;
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
	for (size_t k = 0; k < c->d.nr_changes; k++) {
		const struct ms_change *ch = &c->d.changes[k];
		const struct ms_region *r = ch->b ? ch->b : ch->a;
		uint64_t was = ch->a ? ch->a->end - ch->a->start : 0;
		uint64_t now = ch->b ? ch->b->end - ch->b->start : 0;

		if (r->class == MS_CLASS_HEAP || !listed(ch))
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

static const char *delta(char *buf, uint64_t now, uint64_t was)
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
	for (size_t k = 0; k < c->d.nr_changes; k++) {
		const struct ms_change *ch = &c->d.changes[k];
		const struct ms_region *r = ch->b ? ch->b : ch->a;

		if (!listed(ch))
			continue;
		if (shown++ == 3) {
			fputs(", ...", out);
			break;
		}
		if (ch->a && ch->b)
			fprintf(out, "%s~%s %s->%s (%s)", shown > 1 ? ", " : ": ",
				ms_class_name(r->class), size(a, ch->a->end - ch->a->start),
				size(b, r->end - r->start),
				delta(d, r->end - r->start, ch->a->end - ch->a->start));
		else
			fprintf(out, "%s%c%s %s", shown > 1 ? ", " : ": ", ch->b ? '+' : '-',
				ms_class_name(r->class), size(a, r->end - r->start));
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
			ms_class_name(r->class), size(a, r->end - r->start),
			size(b, field(&r->c, MS_RSS)), size(d, field(&r->c, MS_PSS)),
			size(e, uss(&r->c)));
		if (k)
			fprintf(out, " (child: Rss %s Pss %s USS %s)", size(a, field(&k->c, MS_RSS)),
				size(b, field(&k->c, MS_PSS)), size(d, uss(&k->c)));
	}
}

int probe_print_human(FILE *out, const struct probe_view *v)
{
	const struct ms_counts *now = &v->snap->totals.c;
	const struct ms_counts *was = v->prev ? &v->prev->totals.c : now;
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
		fprintf(out, " (%s)", delta(b, heap_size(v->snap), heap_size(v->prev)));
	if (v->prev)
		print_changes(out, &c);
	else
		fprintf(out, " | %zu mappings", v->snap->nr_regions);
	fprintf(out, " | Rss %s", size(a, field(now, MS_RSS)));
	if (v->prev)
		fprintf(out, " (%s)", delta(b, field(now, MS_RSS), field(was, MS_RSS)));
	fprintf(out, " | malloc: in use %s, free %s", size(a, v->rep->mi.uordblks),
		size(b, v->rep->mi.fordblks));
	fprintf(out, " | %s%" PRIu64 " minor faults", v->prev ? "+" : "", faults);
	print_focus(out, v);
	if (v->rep->zeros)
		fputs(" | read back as zeros", out);
	if (v->rep->threads > 1)
		fprintf(out, " | %d threads", v->rep->threads);
	fputc('\n', out);
	ms_diff_free(&c.d);
	return ferror(out) ? -EIO : 0;
}

/* ---- JSON ---- */

static void num(cJSON *o, const char *key, uint64_t v)
{
	cJSON_AddItemToObject(o, key, json_uint(v));
}

/* A byte field, or null when smaps did not have it. */
static void bytes(cJSON *o, const char *key, const struct ms_counts *c, enum ms_field f)
{
	if (ms_counts_has(c, f))
		num(o, key, c->v[f]);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *region_json(const struct ms_region *r)
{
	cJSON *o = cJSON_CreateObject();
	uint64_t u;

	cJSON_AddItemToObject(o, "start", json_hex(r->start));
	cJSON_AddItemToObject(o, "end", json_hex(r->end));
	num(o, "size", r->end - r->start);
	cJSON_AddStringToObject(o, "class", ms_class_name(r->class));
	cJSON_AddStringToObject(o, "perms", r->perms);
	cJSON_AddStringToObject(o, "name", r->path);
	bytes(o, "rss", &r->c, MS_RSS);
	bytes(o, "pss", &r->c, MS_PSS);
	if (ms_counts_uss(&r->c, &u))
		num(o, "uss", u);
	else
		cJSON_AddNullToObject(o, "uss");
	return o;
}

static cJSON *figures(const struct ms_snapshot *s, const struct probe_report *r)
{
	cJSON *o = cJSON_CreateObject(), *mi = cJSON_CreateObject();
	const struct ms_region *h = heap_of(s);
	const struct ms_counts *t = &s->totals.c;
	uint64_t u;

	num(o, "mappings", s->nr_regions);
	bytes(o, "virtual", t, MS_SIZE);
	bytes(o, "rss", t, MS_RSS);
	bytes(o, "pss", t, MS_PSS);
	if (ms_counts_uss(t, &u))
		num(o, "uss", u);
	else
		cJSON_AddNullToObject(o, "uss");
	bytes(o, "swap", t, MS_SWAP);
	cJSON_AddItemToObject(o, "heap", h ? region_json(h) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "brk", json_hex(r->brk));
	num(o, "minor_faults", r->minflt);
	num(mi, "arena", r->mi.arena);
	num(mi, "hblks", r->mi.hblks);
	num(mi, "hblkhd", r->mi.hblkhd);
	num(mi, "uordblks", r->mi.uordblks);
	num(mi, "fordblks", r->mi.fordblks);
	num(mi, "keepcost", r->mi.keepcost);
	cJSON_AddItemToObject(o, "mallinfo", mi);
	num(o, "threads", (uint64_t)r->threads);
	return o;
}

/* The calls the tracepoints counted, or null where they could not. */
static cJSON *calls_json(const struct probe_view *v)
{
	cJSON *o;

	if (!v->have_calls)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	for (int k = 0; k < CALL_COUNT; k++)
		num(o, probe_call_names[k], v->calls[k]);
	return o;
}

static void changes_json(cJSON *o, const struct changes *c)
{
	cJSON *added = cJSON_AddArrayToObject(o, "added");
	cJSON *removed = cJSON_AddArrayToObject(o, "removed");
	cJSON *grown = cJSON_AddArrayToObject(o, "resized");

	for (size_t k = 0; k < c->d.nr_changes; k++) {
		const struct ms_change *ch = &c->d.changes[k];

		if (!ch->a) {
			cJSON_AddItemToArray(added, region_json(ch->b));
		} else if (!ch->b) {
			cJSON_AddItemToArray(removed, region_json(ch->a));
		} else if (resized(ch)) {
			cJSON *r = region_json(ch->b);

			cJSON_AddItemToObject(r, "start_before", json_hex(ch->a->start));
			cJSON_AddItemToObject(r, "end_before", json_hex(ch->a->end));
			num(r, "size_before", ch->a->end - ch->a->start);
			cJSON_AddItemToArray(grown, r);
		}
	}
}

/* The addresses the step is about, and the regions that hold them now (null:
 * none does). */
static cJSON *focus_json(const struct probe_view *v)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; i < PROBE_FOCUS; i++) {
		const struct ms_region *r = region_at(v->snap, v->rep->focus[i]);
		const struct ms_region *k = region_at(v->child, v->rep->focus[i]);
		cJSON *o;

		if (!v->rep->focus[i])
			continue;
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "address", json_hex(v->rep->focus[i]));
		cJSON_AddItemToObject(o, "region", r ? region_json(r) : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "child", k ? region_json(k) : cJSON_CreateNull());
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *step_json(const struct probe_view *v, const struct changes *c)
{
	cJSON *o = cJSON_CreateObject();
	unsigned g = inferred(v, c);
	cJSON *guess;

	cJSON_AddStringToObject(o, "schema", "memscope-probe/1");
	cJSON_AddStringToObject(o, "scenario", v->scenario);
	num(o, "step", (uint64_t)v->rep->step);
	cJSON_AddStringToObject(o, "what", v->rep->what);
	num(o, "pid", (uint64_t)v->pid);
	cJSON_AddItemToObject(o, "result", v->rep->result ? json_hex(v->rep->result) : cJSON_CreateNull());
	if (v->rep->error)
		cJSON_AddStringToObject(o, "error", strerror(v->rep->error));
	else
		cJSON_AddNullToObject(o, "error");
	cJSON_AddItemToObject(o, "calls", calls_json(v));
	guess = cJSON_AddArrayToObject(o, "calls_inferred");
	for (int k = 0; k < CALL_COUNT; k++)
		if (g & (1u << k))
			cJSON_AddItemToArray(guess, cJSON_CreateString(probe_call_names[k]));
	cJSON_AddItemToObject(o, "before", v->prev ? figures(v->prev, v->prev_rep) :
					   cJSON_CreateNull());
	cJSON_AddItemToObject(o, "after", figures(v->snap, v->rep));
	changes_json(o, c);
	cJSON_AddItemToObject(o, "focus", focus_json(v));
	num(o, "touched", v->rep->touched);
	cJSON_AddBoolToObject(o, "zeros", v->rep->zeros);
	if (v->rep->child)
		num(o, "child", (uint64_t)v->rep->child);
	else
		cJSON_AddNullToObject(o, "child");
	cJSON_AddBoolToObject(o, "last", v->rep->last);
	return o;
}

int probe_print_json(FILE *out, const struct probe_view *v)
{
	struct changes c;
	cJSON *o;
	char *text;
	int rc = 0;

	if (diff(v->prev ? v->prev : v->snap, v->snap, &c) < 0)
		return -ENOMEM;
	o = step_json(v, &c);
	text = o ? cJSON_PrintUnformatted(o) : NULL;
	if (!text)
		rc = -ENOMEM;
	else if (fprintf(out, "%s\n", text) < 0)
		rc = -EIO;
	free(text);
	cJSON_Delete(o);
	ms_diff_free(&c.d);
	return rc;
}
