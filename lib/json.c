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

static cJSON *u64(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return cJSON_CreateRaw(buf);
}

static cJSON *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return cJSON_CreateString(buf);
}

static void add_counts(cJSON *o, const struct ms_counts *c)
{
	uint64_t uss;

	for (int f = 0; f < MS_FIELD_COUNT; f++) {
		if (ROLLUP_ONLY & (1u << f))
			continue;
		cJSON_AddItemToObject(o, ms_field_json_key(f),
				      ms_counts_has(c, f) ? u64(c->v[f]) : cJSON_CreateNull());
	}
	cJSON_AddItemToObject(o, "uss", ms_counts_uss(c, &uss) ? u64(uss) : cJSON_CreateNull());
}

static cJSON *int_or_null(long long v)
{
	return v < 0 ? cJSON_CreateNull() : u64((uint64_t)v);
}

static cJSON *vmflags_json(const char *flags)
{
	cJSON *a;
	const char *p, *end, *w;
	size_t len;

	if (!flags)
		return cJSON_CreateNull();
	a = cJSON_CreateArray();
	p = flags;
	end = flags + strlen(flags);
	while (a && ms_scan_word(&p, end, &w, &len)) {
		char code[8];

		snprintf(code, sizeof(code), "%.*s", (int)(len < 7 ? len : 7), w);
		cJSON_AddItemToArray(a, cJSON_CreateString(code));
	}
	return a;
}

static cJSON *region_json(const struct ms_region *r)
{
	cJSON *o = cJSON_CreateObject();
	char dev[24];

	snprintf(dev, sizeof(dev), "%02x:%02x", r->dev_major, r->dev_minor);
	cJSON_AddItemToObject(o, "start", hex(r->start));
	cJSON_AddItemToObject(o, "end", hex(r->end));
	cJSON_AddStringToObject(o, "perms", r->perms);
	cJSON_AddItemToObject(o, "offset", u64(r->offset));
	cJSON_AddStringToObject(o, "dev", dev);
	cJSON_AddItemToObject(o, "inode", u64(r->inode));
	cJSON_AddStringToObject(o, "path", r->path);
	cJSON_AddBoolToObject(o, "deleted", r->deleted);
	cJSON_AddStringToObject(o, "class", ms_class_name(r->class));
	cJSON_AddItemToObject(o, "object", int_or_null(r->object));
	cJSON_AddItemToObject(o, "vmflags", vmflags_json(r->vmflags));
	cJSON_AddItemToObject(o, "thp_eligible", int_or_null(r->thp_eligible));
	cJSON_AddItemToObject(o, "protection_key", int_or_null(r->protection_key));
	add_counts(o, &r->c);
	return o;
}

static const char *const kind_names[] = { "exe", "lib", "file" };

static cJSON *object_json(const struct ms_object *ob)
{
	cJSON *o = cJSON_CreateObject();
	char dev[24];

	snprintf(dev, sizeof(dev), "%02x:%02x", ob->dev_major, ob->dev_minor);
	cJSON_AddStringToObject(o, "path", ob->path);
	cJSON_AddStringToObject(o, "dev", dev);
	cJSON_AddItemToObject(o, "inode", u64(ob->inode));
	cJSON_AddStringToObject(o, "kind", kind_names[ob->kind]);
	cJSON_AddItemToObject(o, "count", u64(ob->count));
	add_counts(o, &ob->c);
	return o;
}

static cJSON *total_json(const struct ms_total *t)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "count", u64(t->count));
	add_counts(o, &t->c);
	return o;
}

static cJSON *snapshot_json(const struct ms_snapshot *s, bool summary)
{
	cJSON *o = cJSON_CreateObject(), *a;

	cJSON_AddStringToObject(o, "schema", summary ? MS_SUMMARY_SCHEMA : MS_SNAPSHOT_SCHEMA);
	cJSON_AddItemToObject(o, "pid", u64((uint64_t)s->pid));
	cJSON_AddStringToObject(o, "comm", s->comm ? s->comm : "");
	a = cJSON_AddArrayToObject(o, "argv");
	for (size_t i = 0; s->argv && s->argv[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(s->argv[i]));
	cJSON_AddItemToObject(o, "exe", s->exe ? cJSON_CreateString(s->exe) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "uid", int_or_null(s->uid));
	cJSON_AddItemToObject(o, "start_ticks", int_or_null(s->start_ticks));
	cJSON_AddItemToObject(o, "started_at", s->started_at < 0 ? cJSON_CreateNull() :
			      cJSON_CreateNumber(s->started_at));
	cJSON_AddNumberToObject(o, "taken_at", s->taken_at);
	cJSON_AddItemToObject(o, "took_ns", u64(s->took_ns));
	cJSON_AddItemToObject(o, "kernel", s->kernel ? cJSON_CreateString(s->kernel) :
			      cJSON_CreateNull());
	cJSON_AddItemToObject(o, "page_size", u64((uint64_t)s->page_size));
	cJSON_AddStringToObject(o, "source", s->have_smaps ? "smaps" : "maps");
	a = summary ? NULL : cJSON_AddArrayToObject(o, "regions");
	for (size_t i = 0; a && i < s->nr_regions; i++)
		cJSON_AddItemToArray(a, region_json(&s->regions[i]));
	a = cJSON_AddArrayToObject(o, "objects");
	for (size_t i = 0; i < s->nr_objects; i++)
		cJSON_AddItemToArray(a, object_json(&s->objects[i]));
	cJSON_AddItemToObject(o, "totals", total_json(&s->totals));
	a = cJSON_AddObjectToObject(o, "classes");
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		cJSON_AddItemToObject(a, ms_class_name(c), total_json(&s->classes[c]));
	return o;
}

char *ms_snapshot_to_json(const struct ms_snapshot *snap, unsigned flags)
{
	cJSON *doc = snapshot_json(snap, flags & MS_JSON_SUMMARY);
	char *text = NULL;

	if (doc)
		text = flags & MS_JSON_PRETTY ? cJSON_Print(doc) : cJSON_PrintUnformatted(doc);

	cJSON_Delete(doc);
	if (!text)
		errno = ENOMEM;
	return text;
}
