/*
 * json.c - a snapshot to JSON and back, with cJSON.  The document is
 * described key by key in docs/snapshot.md and docs/snapshot.schema.json.
 *
 * Byte counts and inodes are written as exact integers (cJSON would print
 * a double); addresses as "0x..." strings, which JavaScript cannot round.
 */
#include "internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* smaps_rollup alone has these; a snapshot holds per-region counts. */
#define ROLLUP_ONLY ((1u << MS_PSS_ANON) | (1u << MS_PSS_FILE) | (1u << MS_PSS_SHMEM))

/* Every item goes through put() or push(), which remember a failure, so an
 * allocation that fails gives no document rather than one with holes. */
struct writer {
	bool failed;
};

static void put(struct writer *w, cJSON *o, const char *key, cJSON *item)
{
	/* keys are string constants: cJSON need not copy them */
	if (!o || !item || !cJSON_AddItemToObjectCS(o, key, item)) {
		cJSON_Delete(item);
		w->failed = true;
	}
}

static void push(struct writer *w, cJSON *a, cJSON *item)
{
	if (!a || !item || !cJSON_AddItemToArray(a, item)) {
		cJSON_Delete(item);
		w->failed = true;
	}
}

static cJSON *u64(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return cJSON_CreateRaw(buf);
}

char *ms_address_string(uint64_t addr, char *buf)
{
	snprintf(buf, MS_ADDRESS_LEN, "0x%" PRIx64, addr);
	return buf;
}

static cJSON *hex(uint64_t v)
{
	char buf[MS_ADDRESS_LEN];

	return cJSON_CreateString(ms_address_string(v, buf));
}

static cJSON *int_or_null(long long v)
{
	return v < 0 ? cJSON_CreateNull() : u64((uint64_t)v);
}

static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *dev(unsigned major, unsigned minor)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%02x:%02x", major, minor);
	return cJSON_CreateString(buf);
}

static void put_counts(struct writer *w, cJSON *o, const struct ms_counts *c)
{
	uint64_t uss;

	for (int f = 0; f < MS_FIELD_COUNT; f++)
		if (!(ROLLUP_ONLY & (1u << f)))
			put(w, o, ms_field_json_key(f),
			    ms_counts_has(c, f) ? u64(c->v[f]) : cJSON_CreateNull());
	put(w, o, "uss", ms_counts_uss(c, &uss) ? u64(uss) : cJSON_CreateNull());
}

static cJSON *vmflags_json(struct writer *w, const char *flags)
{
	const char *p = flags, *end, *word;
	size_t len;
	cJSON *a;

	if (!flags)
		return cJSON_CreateNull();
	a = cJSON_CreateArray();
	end = flags + strlen(flags);
	while (a && ms_scan_word(&p, end, &word, &len)) {
		char code[8];

		snprintf(code, sizeof(code), "%.*s", (int)(len < 7 ? len : 7), word);
		push(w, a, cJSON_CreateString(code));
	}
	return a;
}

static cJSON *i64_or_null(int64_t v)
{
	return v < 0 ? cJSON_CreateNull() : u64((uint64_t)v);
}

/* pagemap's counts of one region: pages, but uss_exact and pss_exact bytes */
static cJSON *pages_json(struct writer *w, const struct ms_residency *res)
{
	cJSON *o = cJSON_CreateObject();

	put(w, o, "present", u64(res->present));
	put(w, o, "swapped", u64(res->swapped));
	put(w, o, "exclusive", u64(res->exclusive));
	put(w, o, "file", u64(res->file));
	put(w, o, "soft_dirty", u64(res->soft_dirty));
	put(w, o, "markers", u64(res->markers));
	put(w, o, "zero", i64_or_null(res->zero));
	put(w, o, "thp", i64_or_null(res->thp));
	put(w, o, "ksm", i64_or_null(res->ksm));
	put(w, o, "uss_exact", i64_or_null(res->uss_exact));
	put(w, o, "pss_exact", i64_or_null(res->pss_exact));
	return o;
}

static cJSON *region_json(struct writer *w, const struct ms_region *r,
			  const struct ms_residency *res)
{
	cJSON *o = cJSON_CreateObject();

	put(w, o, "start", hex(r->start));
	put(w, o, "end", hex(r->end));
	put(w, o, "perms", cJSON_CreateString(r->perms));
	put(w, o, "offset", u64(r->offset));
	put(w, o, "dev", dev(r->dev_major, r->dev_minor));
	put(w, o, "inode", u64(r->inode));
	put(w, o, "path", cJSON_CreateString(r->path));
	put(w, o, "deleted", cJSON_CreateBool(r->deleted));
	put(w, o, "class", cJSON_CreateString(ms_class_name(r->class)));
	put(w, o, "object", int_or_null(r->object));
	put(w, o, "vmflags", vmflags_json(w, r->vmflags));
	put(w, o, "thp_eligible", int_or_null(r->thp_eligible));
	put(w, o, "protection_key", int_or_null(r->protection_key));
	put_counts(w, o, &r->c);
	if (res)
		put(w, o, "pages", pages_json(w, res));
	return o;
}

static const char *const kind_names[] = { "exe", "lib", "file" };

static cJSON *object_json(struct writer *w, const struct ms_object *ob)
{
	cJSON *o = cJSON_CreateObject();

	put(w, o, "path", cJSON_CreateString(ob->path));
	put(w, o, "dev", dev(ob->dev_major, ob->dev_minor));
	put(w, o, "inode", u64(ob->inode));
	put(w, o, "kind", cJSON_CreateString(kind_names[ob->kind]));
	put(w, o, "count", u64(ob->count));
	put_counts(w, o, &ob->c);
	return o;
}

static cJSON *total_json(struct writer *w, const struct ms_total *t)
{
	cJSON *o = cJSON_CreateObject();

	put(w, o, "count", u64(t->count));
	put_counts(w, o, &t->c);
	return o;
}

static void put_facts(struct writer *w, cJSON *o, const struct ms_snapshot *s)
{
	cJSON *argv = cJSON_CreateArray();

	put(w, o, "pid", u64((uint64_t)s->pid));
	put(w, o, "comm", cJSON_CreateString(s->comm ? s->comm : ""));
	for (size_t i = 0; argv && s->argv && s->argv[i]; i++)
		push(w, argv, cJSON_CreateString(s->argv[i]));
	put(w, o, "argv", argv);
	put(w, o, "exe", str_or_null(s->exe));
	put(w, o, "uid", int_or_null(s->uid));
	put(w, o, "start_ticks", int_or_null(s->start_ticks));
	put(w, o, "started_at", s->started_at < 0 ? cJSON_CreateNull() :
	    cJSON_CreateNumber(s->started_at));
	put(w, o, "taken_at", cJSON_CreateNumber(s->taken_at));
	put(w, o, "took_ns", u64(s->took_ns));
	put(w, o, "kernel", str_or_null(s->kernel));
	put(w, o, "page_size", u64((uint64_t)s->page_size));
	put(w, o, "source", cJSON_CreateString(s->have_smaps ? "smaps" : "maps"));
	if (s->res) {
		put(w, o, "pages_method", cJSON_CreateString(s->res_method));
		put(w, o, "pages_pfn_why", str_or_null(s->res_pfn_why));
	}
}

static cJSON *snapshot_json(struct writer *w, const struct ms_snapshot *s, bool summary)
{
	cJSON *o = cJSON_CreateObject(), *a;

	put(w, o, "schema", cJSON_CreateString(summary ? MS_SUMMARY_SCHEMA : MS_SNAPSHOT_SCHEMA));
	put_facts(w, o, s);
	if (!summary) {
		a = cJSON_CreateArray();
		for (size_t i = 0; a && i < s->nr_regions; i++)
			push(w, a, region_json(w, &s->regions[i], s->res ? &s->res[i] : NULL));
		put(w, o, "regions", a);
	}
	a = cJSON_CreateArray();
	for (size_t i = 0; a && i < s->nr_objects; i++)
		push(w, a, object_json(w, &s->objects[i]));
	put(w, o, "objects", a);
	put(w, o, "totals", total_json(w, &s->totals));
	a = cJSON_CreateObject();
	for (int c = 0; a && c < MS_CLASS_COUNT; c++)
		put(w, a, ms_class_name(c), total_json(w, &s->classes[c]));
	put(w, o, "classes", a);
	return o;
}

char *ms_snapshot_to_json(const struct ms_snapshot *snap, unsigned flags)
{
	struct writer w = { .failed = false };
	cJSON *doc = snapshot_json(&w, snap, flags & MS_JSON_SUMMARY);
	char *text = NULL;

	if (doc && !w.failed)
		text = flags & MS_JSON_PRETTY ? cJSON_Print(doc) : cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (!text)
		errno = ENOMEM;
	return text;
}
