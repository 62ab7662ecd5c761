/*
 * unit_json.c - snapshots to JSON and back; documents that are not
 * snapshots are refused with a reason.
 */
#define _GNU_SOURCE
#include "testlib.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static void same_counts(const struct ms_counts *a, const struct ms_counts *b)
{
	ck_assert_uint_eq(a->have, b->have);
	for (int f = 0; f < MS_FIELD_COUNT; f++)
		if (ms_counts_has(a, f))
			ck_assert_uint_eq(a->v[f], b->v[f]);
}

START_TEST(round_trip)
{
	struct ms_snapshot *a = tl_layout(), *b;
	char *text = ms_snapshot_to_json(a, 0), *again, err[256] = "";

	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(ms_snapshot_from_json(text, strlen(text), &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(a->nr_regions, b->nr_regions);
	ck_assert_uint_eq(a->nr_objects, b->nr_objects);
	ck_assert_int_eq(a->pid, b->pid);
	ck_assert_str_eq(a->comm, b->comm);
	ck_assert_str_eq(a->argv[0], b->argv[0]);
	ck_assert_str_eq(a->exe, b->exe);
	ck_assert_int_eq(a->uid, b->uid);
	for (size_t i = 0; i < a->nr_regions; i++) {
		const struct ms_region *x = &a->regions[i], *y = &b->regions[i];

		ck_assert_uint_eq(x->start, y->start);
		ck_assert_uint_eq(x->end, y->end);
		ck_assert_str_eq(x->perms, y->perms);
		ck_assert_str_eq(x->path, y->path);
		ck_assert_int_eq(x->deleted, y->deleted);
		ck_assert_int_eq(x->class, y->class);
		ck_assert_int_eq(x->object, y->object);
		ck_assert_uint_eq(x->dev_major, y->dev_major);
		ck_assert_uint_eq(x->inode, y->inode);
		ck_assert_str_eq(x->vmflags, y->vmflags);
		same_counts(&x->c, &y->c);
	}
	same_counts(&a->totals.c, &b->totals.c);
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		same_counts(&a->classes[c].c, &b->classes[c].c);
	/* and the text is the same text again */
	again = ms_snapshot_to_json(b, 0);
	ck_assert_str_eq(text, again);
	free(again);
	free(text);
	ms_snapshot_free(a);
	ms_snapshot_free(b);
}
END_TEST

/* The contract other programs read: hex strings, integers, null. */
START_TEST(document_shape)
{
	struct ms_snapshot *s = tl_layout();
	char *text = ms_snapshot_to_json(s, MS_JSON_PRETTY);
	cJSON *doc = cJSON_Parse(text), *r, *k;
	static const char *const keys[] = { "start", "end", "perms", "offset", "dev", "inode",
		"path", "deleted", "class", "vmflags", "size", "rss", "pss", "pss_dirty",
		"shared_clean", "shared_dirty", "private_clean", "private_dirty", "uss",
		"referenced", "anonymous", "swap", "swap_pss", "locked" };

	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "schema")->valuestring, MS_SNAPSHOT_SCHEMA);
	for (const char *const *key = (const char *const[]){ "pid", "comm", "page_size",
		"taken_at", "regions", "totals", "classes", NULL }; *key; key++)
		ck_assert_msg(cJSON_HasObjectItem(doc, *key), "no %s", *key);
	r = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "regions"), 0);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ck_assert_msg(cJSON_HasObjectItem(r, keys[i]), "region lacks %s", keys[i]);
	ck_assert_str_eq(cJSON_GetObjectItem(r, "start")->valuestring, "0x5627ab1f8000");
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(r, "rss")));
	ck_assert(cJSON_IsArray(cJSON_GetObjectItem(r, "vmflags")));
	k = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "classes"), "thread-stack");
	ck_assert_int_eq(cJSON_GetObjectItem(k, "count")->valueint, 1);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "classes")), 14);
	cJSON_Delete(doc);
	free(text);
	ms_snapshot_free(s);
}
END_TEST

static cJSON *read_json(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = calloc(1, 1 << 20);
	cJSON *doc;

	ck_assert_ptr_nonnull(f);
	fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	doc = cJSON_Parse(text);
	free(text);
	ck_assert_ptr_nonnull(doc);
	return doc;
}

/* Every key the schema requires is in the document, and every key of the
 * document is one the schema names: docs and code agree. */
static void same_keys(const cJSON *schema_required, const cJSON *extra_required,
		      const cJSON *obj, const char *what)
{
	const cJSON *k;
	int n = 0;

	cJSON_ArrayForEach(k, schema_required) {
		ck_assert_msg(cJSON_HasObjectItem(obj, k->valuestring), "%s lacks %s", what,
			      k->valuestring);
		n++;
	}
	cJSON_ArrayForEach(k, extra_required) {
		ck_assert_msg(cJSON_HasObjectItem(obj, k->valuestring), "%s lacks %s", what,
			      k->valuestring);
		n++;
	}
	ck_assert_msg(cJSON_GetArraySize(obj) == n, "%s has %d keys, the schema names %d", what,
		      cJSON_GetArraySize(obj), n);
}

START_TEST(schema_matches)
{
	cJSON *schema = read_json(DOCS "/snapshot.schema.json");
	cJSON *defs = cJSON_GetObjectItem(schema, "$defs");
	const cJSON *counts = cJSON_GetObjectItem(cJSON_GetObjectItem(defs, "counts"), "required");
	struct ms_snapshot *s = tl_layout();
	char *text = ms_snapshot_to_json(s, 0);
	cJSON *doc = cJSON_Parse(text);

	same_keys(cJSON_GetObjectItem(schema, "required"), NULL, doc, "the document");
	same_keys(cJSON_GetObjectItem(cJSON_GetObjectItem(defs, "region"), "required"), counts,
		  cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "regions"), 0), "a region");
	same_keys(cJSON_GetObjectItem(cJSON_GetObjectItem(defs, "object"), "required"), counts,
		  cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "objects"), 0), "an object");
	same_keys(cJSON_GetObjectItem(cJSON_GetObjectItem(defs, "total"), "required"), counts,
		  cJSON_GetObjectItem(doc, "totals"), "totals");
	cJSON_Delete(doc);
	cJSON_Delete(schema);
	free(text);
	ms_snapshot_free(s);
}
END_TEST

/* pages survive the trip, and their keys are the schema's */
START_TEST(pages_round_trip)
{
	cJSON *schema = read_json(DOCS "/snapshot.schema.json"), *doc, *r;
	struct ms_ctx *ctx = ms_ctx_new(NULL);
	struct ms_snapshot *a, *b;
	char err[256] = "", *text;

	ck_assert_int_eq(ms_snapshot_take(ctx, getpid(), 0, &a, err, sizeof(err)), 0);
	ck_assert_int_eq(ms_residency_read(ctx, a, 0, err, sizeof(err)), 0);
	text = ms_snapshot_to_json(a, 0);
	ck_assert_int_eq(ms_snapshot_from_json(text, strlen(text), &b, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(b->res);
	ck_assert_str_eq(b->res_method, a->res_method);
	for (size_t i = 0; i < a->nr_regions; i++) {
		ck_assert_uint_eq(b->res[i].present, a->res[i].present);
		ck_assert_uint_eq(b->res[i].exclusive, a->res[i].exclusive);
		ck_assert_int_eq(b->res[i].uss_exact, a->res[i].uss_exact);
		ck_assert_int_eq(b->res[i].zero, a->res[i].zero);
	}
	doc = cJSON_Parse(text);
	r = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "regions"), 0);
	same_keys(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(schema, "$defs"),
							  "pages"), "required"),
		  NULL, cJSON_GetObjectItem(r, "pages"), "pages");
	cJSON_Delete(doc);
	cJSON_Delete(schema);
	free(text);
	ms_snapshot_free(a);
	ms_snapshot_free(b);
	ms_ctx_free(ctx);
}
END_TEST

/* A value that could not be read is null, never 0. */
START_TEST(unknown_is_null)
{
	char *root = tl_tree_new(), err[256] = "", *text;
	struct ms_snapshot *s;
	cJSON *doc, *r;

	tl_process(root, 20, "1000-2000 rw-p 00000000 00:00 0 \nSize: 4 kB\nRss:  4 kB\n");
	ck_assert_int_eq(tl_take(root, 20, 0, &s, err, sizeof(err)), 0);
	text = ms_snapshot_to_json(s, 0);
	doc = cJSON_Parse(text);
	r = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "regions"), 0);
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(r, "rss")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r, "pss")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r, "uss")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r, "vmflags")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "totals"), "pss")));
	cJSON_Delete(doc);
	free(text);
	ms_snapshot_free(s);
	tl_tree_remove(root);
}
END_TEST

static void refused(const char *text, int code, const char *needle)
{
	struct ms_snapshot *s = (void *)1;
	char err[256] = "";

	ck_assert_int_eq(ms_snapshot_from_json(text, strlen(text), &s, err, sizeof(err)), code);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, needle), "error '%s' lacks '%s'", err, needle);
}

/* Replaces the first "from" in the layout's JSON by "to". */
static char *edited(const char *from, const char *to)
{
	struct ms_snapshot *s = tl_layout();
	char *text = ms_snapshot_to_json(s, 0), *at = strstr(text, from), *out;

	ck_assert_ptr_nonnull(at);
	out = malloc(strlen(text) + strlen(to) + 1);
	sprintf(out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	free(text);
	ms_snapshot_free(s);
	return out;
}

START_TEST(bad_documents)
{
	char *t;

	refused("", -EBADMSG, "not JSON: empty");
	refused("{\"schema\": }", -EBADMSG, "error at byte");
	refused("{\"schema\": \"memscope-snap", -EBADMSG, "truncated");
	refused("[1, 2]", -EBADMSG, "not a JSON object");
	refused("{\"schema\": \"something/1\"}", -EBADMSG, "not a memscope snapshot");
	refused("{\"schema\": \"memscope-snapshot/2\"}", -EPROTO, "newer");
	refused("{\"schema\": \"memscope-snapshot/1\"}", -EBADMSG, "pid: missing");
	t = edited("\"start\":\"0x5627ab1f8000\"", "\"start\":5627");
	refused(t, -EBADMSG, "regions[0].start: expected a hex string");
	free(t);
	t = edited("\"rss\":4096", "\"rss\":\"4096\"");
	refused(t, -EBADMSG, "rss: expected an integer or null");
	free(t);
	t = edited("\"class\":\"rodata\"", "\"class\":\"sparkly\"");
	refused(t, -EBADMSG, "regions[0].class");
	free(t);
	t = edited("\"rss\":4096", "\"rss\":-4096");
	refused(t, -EBADMSG, "rss");
	free(t);
}
END_TEST

/* objects or regions of the wrong shape: refused, and nothing freed twice
 * (the reader once left a pointer unset when an array was not one) */
START_TEST(bad_arrays)
{
	static const struct {
		const char *from, *to, *needle;
	} cases[] = {
		{ "\"objects\":[", "\"objectz\":[", "objects: expected an array" },
		{ "\"objects\":[", "\"objects\":7,\"z\":[", "objects: expected an array" },
		{ "\"objects\":[", "\"objects\":{},\"z\":[", "objects: expected an array" },
		{ "\"regions\":[", "\"regions\":\"many\",\"z\":[", "regions: expected an array" },
		{ "\"regions\":[", "\"regions\":null,\"z\":[", "regions: expected an array" },
		{ "\"regions\":[", "\"regionz\":[", "regions: expected an array" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = edited(cases[i].from, cases[i].to);

		refused(t, -EBADMSG, cases[i].needle);
		free(t);
	}
}
END_TEST

/* Integers above 2^53 (an inode, an offset near 2^64) read back exactly:
 * cJSON's double would round them. */
START_TEST(big_integers)
{
	static const uint64_t values[] = { UINT64_MAX, UINT64_MAX - 4095, (1ull << 63) + 1,
					   (1ull << 53) + 1, 0 };
	struct ms_snapshot *a = tl_layout(), *b;
	char err[256] = "", *text;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		a->regions[0].inode = values[i];
		a->regions[1].offset = values[i];
		a->took_ns = values[i];
		a->objects[0].inode = values[i];
		text = ms_snapshot_to_json(a, 0);
		ck_assert_msg(ms_snapshot_from_json(text, strlen(text), &b, err, sizeof(err)) == 0,
			      "%s", err);
		ck_assert_uint_eq(b->regions[0].inode, values[i]);
		ck_assert_uint_eq(b->regions[1].offset, values[i]);
		ck_assert_uint_eq(b->took_ns, values[i]);
		ck_assert_uint_eq(b->objects[0].inode, values[i]);
		ms_snapshot_free(b);
		free(text);
	}
	ms_snapshot_free(a);
}
END_TEST

/* A name may hold any byte: control bytes are escaped, bytes that are not
 * well-formed UTF-8 become U+FFFD, well-formed ones stay; the document
 * reads back and writes again the same. */
START_TEST(names_any_bytes)
{
	static const char name[] = "a\x01\"\\\xff\xc0\x80\xed\xa0\x80\xe2\x82\xac\xf0\x9f\x98\x80z\xe2\x82";
	static const char written[] = "\"a\\u0001\\\"\\\\\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
				      "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xe2\x82\xac\xf0\x9f\x98\x80z"
				      "\xef\xbf\xbd\xef\xbf\xbd\"";
	struct ms_snapshot *a = tl_layout(), *b;
	char err[256] = "", *text, *again;

	free(a->comm);
	a->comm = strdup(name);
	text = ms_snapshot_to_json(a, 0);
	ck_assert_msg(strstr(text, written), "%.300s", text);
	ck_assert_msg(ms_snapshot_from_json(text, strlen(text), &b, err, sizeof(err)) == 0, "%s",
		      err);
	again = ms_snapshot_to_json(b, 0);
	ck_assert_str_eq(again, text);
	free(again);
	free(text);
	ms_snapshot_free(b);
	ms_snapshot_free(a);
}
END_TEST

/* Every VmFlags code a kernel has printed ("??" for a bit without one,
 * before 3.x gave them names; dw, nl, mp since removed), ones to come of
 * one and four bytes, and the longest list read. */
static const char all_vmflags[] =
	"rd wr ex sh mr mw me ms gd pf dw lo io sr rr dc de ac nr ht sf nl ar wf dd sd mm hg "
	"nh mg um uw ss sl bt mt ui dp lf gu mp ?? x abcd 0z ~! a1 b2 c3 d4 e5 f6 g7 h8 i9 j0 "
	"k1 l2 m3 n4 o5 p6";

/* A process at the edges of what smaps and stat can say: addresses up to
 * the top of 64 bits, an offset and an inode of 2^64 - 1 and a device of
 * the most bits, Swap just below the 64 PiB read, every VmFlags code, and
 * names of control bytes, escapes and bytes that are no UTF-8. */
static char *extreme_tree(void)
{
	char *root = tl_tree_new(), smaps[4096];

	snprintf(smaps, sizeof(smaps),
		 "1000-3000 r--s fffffffffffff000 fff:fffff 18446744073709551615   "
		 "/a\001\033[31mred\x7f\xff\xfe\xc0\x80 \"q\" \\\n"
		 "Size: 8 kB\nRss: 8 kB\nPss: 8 kB\nShared_Clean: 0 kB\nShared_Dirty: 0 kB\n"
		 "Private_Clean: 8 kB\nPrivate_Dirty: 0 kB\nSwap: 70368744177663 kB\n"
		 "THPeligible: 1\nProtectionKey: 15\nVmFlags: %s \n"
		 "fffffffffffe0000-ffffffffffffe000 ---p 00000000 00:00 0 \n"
		 "Size: 120 kB\nRss: 0 kB\nSwap: 0 kB\nVmFlags: \n", all_vmflags);
	tl_process(root, 77, smaps);
	tl_write(root, 77, "stat", "77 (\x1b]0;x\x07) (\xff) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
		 "18446744073709551615 0 0 0\n", (size_t)-1);
	tl_write(root, 77, "cmdline", "\x01\x1b[2J\0\xff\xfe\0\"\\\0", 11);
	return root;
}

START_TEST(extremes_round_trip)
{
	char *root = extreme_tree(), err[256] = "", *text, *again;
	struct ms_snapshot *a, *b;

	ck_assert_msg(tl_take(root, 77, 0, &a, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(a->regions[0].vmflags, all_vmflags);
	for (unsigned flags = 0; flags <= MS_JSON_PRETTY; flags += MS_JSON_PRETTY) {
		text = ms_snapshot_to_json(a, flags);
		ck_assert_msg(ms_snapshot_from_json(text, strlen(text), &b, err, sizeof(err)) == 0,
			      "%s", err);
		again = ms_snapshot_to_json(b, flags);
		ck_assert_str_eq(again, text);
		ck_assert_uint_eq(b->regions[0].offset, 0xfffffffffffff000ull);
		ck_assert_uint_eq(b->regions[0].inode, UINT64_MAX);
		ck_assert_uint_eq(b->regions[0].dev_major, 0xfff);
		ck_assert_uint_eq(b->regions[0].dev_minor, 0xfffff);
		ck_assert_uint_eq(b->regions[0].c.v[MS_SWAP], (1ull << 56) - 1024);
		ck_assert_uint_eq(b->totals.c.v[MS_SWAP], (1ull << 56) - 1024);
		ck_assert_uint_eq(b->regions[1].end, 0xffffffffffffe000ull);
		ck_assert_str_eq(b->regions[0].vmflags, all_vmflags);
		ck_assert_str_eq(b->regions[1].vmflags, "");
		ck_assert_int_eq(b->regions[0].protection_key, 15);
		ck_assert_str_eq(b->regions[0].perms, "r--s");
		ck_assert_str_eq(b->argv[2], "\"\\");
		free(again);
		free(text);
		ms_snapshot_free(b);
	}
	ms_snapshot_free(a);
	tl_tree_remove(root);
}
END_TEST

/* What no kernel prints is refused where it is read, so that nothing
 * memscope writes fails to read back. */
START_TEST(extremes_refused)
{
	static const char *const bad[] = {
		"1000-3000 r?-p 00000000 00:00 0 \nSize: 8 kB\n",     /* perms */
		"1000-3000 rw-\x01 00000000 00:00 0 \nSize: 8 kB\n",
		"1000-3000 rw-p 00000000 00:00 0 \nSize: 8 kB\nVmFlags: rd abcde\n",
		"1000-3000 rw-p 00000000 00:00 0 \nSize: 8 kB\nVmFlags: rd \x01x\n",
		"1000-3000 rw-p 00000000 00:00 0 \nSize: 8 kB\nVmFlags: rd \xc3\xa9\n",
		/* two counts that each fit, and their sum does not */
		"1000-3000 rw-p 00000000 00:00 0 \nSize: 8 kB\nSwap: 70368744177663 kB\n"
		"4000-6000 rw-p 00000000 00:00 0 \nSize: 8 kB\nSwap: 1 kB\n",
	};
	char vm[512] = "1000-3000 rw-p 00000000 00:00 0 \nSize: 8 kB\nVmFlags:";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *root = tl_tree_new(), err[256] = "";
		struct ms_snapshot *s = NULL;

		tl_process(root, 78, bad[i]);
		ck_assert_int_eq(tl_take(root, 78, 0, &s, err, sizeof(err)), -EBADMSG);
		ck_assert_ptr_null(s);
		tl_tree_remove(root);
	}
	for (int i = 0; i < 65; i++) /* one code more than may be read */
		strcat(vm, " rd");
	strcat(vm, "\n");
	{
		char *root = tl_tree_new(), err[256] = "";
		struct ms_snapshot *s = NULL;

		tl_process(root, 78, vm);
		ck_assert_int_eq(tl_take(root, 78, 0, &s, err, sizeof(err)), -EBADMSG);
		tl_tree_remove(root);
	}
}
END_TEST

/* The layout's document, parsed, for a test to change. */
static cJSON *layout_doc(void)
{
	struct ms_snapshot *s = tl_layout();
	char *text = ms_snapshot_to_json(s, 0);
	cJSON *doc = cJSON_Parse(text);

	ck_assert_ptr_nonnull(doc);
	free(text);
	ms_snapshot_free(s);
	return doc;
}

static cJSON *at(cJSON *doc, const char *array, int i)
{
	cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, array), i);

	ck_assert_ptr_nonnull(e);
	return e;
}

/* Sets key of o to the JSON text raw. */
static void set(cJSON *o, const char *key, const char *raw)
{
	ck_assert(cJSON_ReplaceItemInObject(o, key, cJSON_CreateRaw(raw)));
}

/* Adds add to the integer at key of o. */
static void bump(cJSON *o, const char *key, long long add)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.0f", cJSON_GetObjectItem(o, key)->valuedouble + (double)add);
	set(o, key, buf);
}

static void refused_doc(cJSON *doc, const char *needle)
{
	char *text = cJSON_PrintUnformatted(doc);

	refused(text, -EBADMSG, needle);
	free(text);
	cJSON_Delete(doc);
}

START_TEST(out_of_range)
{
	cJSON *doc;

	doc = layout_doc();
	set(at(doc, "regions", 0), "inode", "18446744073709551616");
	refused_doc(doc, "regions[0].inode: out of range");
	doc = layout_doc();
	set(at(doc, "regions", 2), "rss", "9223372036854775808");
	refused_doc(doc, "regions[2].rss: out of range");
	doc = layout_doc();
	set(doc, "pid", "2147483648");
	refused_doc(doc, "pid: out of range");
	doc = layout_doc();
	set(doc, "pid", "0");
	refused_doc(doc, "pid: out of range");
	doc = layout_doc();
	set(doc, "page_size", "4095");
	refused_doc(doc, "page_size: not a power of two");
	doc = layout_doc();
	set(at(doc, "regions", 0), "protection_key", "4294967296");
	refused_doc(doc, "regions[0].protection_key: out of range");
	doc = layout_doc();
	set(at(doc, "regions", 0), "object", "99");
	refused_doc(doc, "regions[0].object: no such object");
	doc = layout_doc();
	set(at(doc, "regions", 0), "offset", "1e300");
	refused_doc(doc, "regions[0].offset: expected an integer");
	doc = layout_doc();
	set(doc, "taken_at", "1e999");
	refused_doc(doc, "taken_at");
}
END_TEST

START_TEST(regions_in_order)
{
	cJSON *doc, *r;

	/* the second region starts inside the first (and its size says so) */
	doc = layout_doc();
	r = at(doc, "regions", 1);
	bump(r, "size", (long long)(strtoull(cJSON_GetObjectItem(r, "start")->valuestring, NULL, 16) -
				    0x5627ab1f8800ull));
	set(r, "start", "\"0x5627ab1f8800\"");
	refused_doc(doc, "regions[1]: overlaps regions[0]");
	/* or its size is not its range */
	doc = layout_doc();
	bump(at(doc, "regions", 1), "size", 4096);
	refused_doc(doc, "regions[1].size: not end - start");
	/* the first two the other way round */
	doc = layout_doc();
	r = cJSON_DetachItemFromArray(cJSON_GetObjectItem(doc, "regions"), 1);
	cJSON_InsertItemInArray(cJSON_GetObjectItem(doc, "regions"), 0, r);
	refused_doc(doc, "regions[1]: below regions[0] (unsorted)");
}
END_TEST

START_TEST(sums_agree)
{
	cJSON *doc;

	doc = layout_doc();
	bump(cJSON_GetObjectItem(doc, "totals"), "rss", 4096);
	refused_doc(doc, "totals.rss: not the sum of the regions");
	doc = layout_doc();
	bump(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "classes"), "rodata"), "pss", -1);
	refused_doc(doc, "classes.rodata.pss: not the sum of the regions");
	doc = layout_doc();
	bump(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "classes"), "heap"), "count", 1);
	refused_doc(doc, "classes.heap.count: not the number of regions");
	doc = layout_doc();
	bump(cJSON_GetObjectItem(doc, "totals"), "count", -1);
	refused_doc(doc, "totals.count: not the number of regions");
	doc = layout_doc();
	set(cJSON_GetObjectItem(doc, "totals"), "swap", "null");
	refused_doc(doc, "totals.swap: null, but every region has it");
	doc = layout_doc();
	set(at(doc, "regions", 0), "swap", "null");
	refused_doc(doc, "totals.swap: known, but a region's is null");
	doc = layout_doc();
	bump(at(doc, "objects", 0), "size", 4096);
	refused_doc(doc, "objects[0].size: not the sum of the regions");
	doc = layout_doc();
	bump(at(doc, "objects", 0), "count", 1);
	refused_doc(doc, "objects[0].count: not the number of regions");
	doc = layout_doc();
	bump(at(doc, "regions", 0), "uss", 4096);
	refused_doc(doc, "regions[0].uss: not private_clean + private_dirty");
	/* a region moved to another class: its class and the other disagree */
	doc = layout_doc();
	set(at(doc, "regions", 0), "class", "\"code\"");
	refused_doc(doc, "classes.code.count: not the number of regions");
}
END_TEST

static void accepted_doc(cJSON *doc)
{
	char *text = cJSON_PrintUnformatted(doc), err[256] = "";
	struct ms_snapshot *s = NULL;

	ck_assert_msg(ms_snapshot_from_json(text, strlen(text), &s, err, sizeof(err)) == 0,
		      "%s", err);
	ms_snapshot_free(s);
	free(text);
	cJSON_Delete(doc);
}

/* Renames key of o, keeping its value. */
static void rename_key(cJSON *o, const char *from, const char *to)
{
	cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(o, from);

	ck_assert_ptr_nonnull(v);
	cJSON_AddItemToObject(o, to, v);
}

/* Keys are matched in their case: "RSS" is no rss, and an optional key in
 * another case is passed over like any key the reader does not know (it
 * once took "USS" for uss, then said "uss: missing"). */
START_TEST(keys_in_their_case)
{
	cJSON *doc;

	doc = layout_doc();
	rename_key(at(doc, "regions", 0), "uss", "USS");
	accepted_doc(doc);
	doc = layout_doc();
	rename_key(cJSON_GetObjectItem(doc, "totals"), "uss", "Uss");
	accepted_doc(doc);
	doc = layout_doc();
	cJSON_AddStringToObject(doc, "PAGES_METHOD", "pread");
	accepted_doc(doc);
	doc = layout_doc();
	rename_key(at(doc, "regions", 0), "rss", "RSS");
	refused_doc(doc, "regions[0].rss: missing");
}
END_TEST

/* An empty copy of region 0 (no counts, no object), put before it twice:
 * two regions at one address, and the sums still agree. */
START_TEST(no_empty_regions)
{
	cJSON *doc = layout_doc(), *r = cJSON_Duplicate(at(doc, "regions", 0), true), *cls;
	char start[64];

	snprintf(start, sizeof(start), "\"%s\"", cJSON_GetObjectItem(r, "start")->valuestring);
	set(r, "end", start);
	for (int f = 0; f < MS_FIELD_COUNT; f++)
		if (cJSON_IsNumber(cJSON_GetObjectItem(r, ms_field_json_key(f))))
			set(r, ms_field_json_key(f), "0");
	set(r, "uss", "0");
	set(r, "object", "null");
	cls = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "classes"),
				  cJSON_GetObjectItem(r, "class")->valuestring);
	bump(cls, "count", 2);
	bump(cJSON_GetObjectItem(doc, "totals"), "count", 2);
	cJSON_InsertItemInArray(cJSON_GetObjectItem(doc, "regions"), 0, cJSON_Duplicate(r, true));
	cJSON_InsertItemInArray(cJSON_GetObjectItem(doc, "regions"), 0, r);
	refused_doc(doc, "regions[0].end: equal to start (an empty region)");
}
END_TEST

/* Adds add to key of region i and to every sum it is a part of (the
 * totals, its class, its object): only the region's counts are wrong. */
static void bump_region(cJSON *doc, int i, const char *key, long long add)
{
	cJSON *r = at(doc, "regions", i), *obj = cJSON_GetObjectItem(r, "object");

	bump(r, key, add);
	bump(cJSON_GetObjectItem(doc, "totals"), key, add);
	bump(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "classes"),
				 cJSON_GetObjectItem(r, "class")->valuestring), key, add);
	if (cJSON_IsNumber(obj))
		bump(at(doc, "objects", obj->valueint), key, add);
}

/* A region's counts within each other as the smaps parser has them (region
 * 0 has Size 4 kB, Rss 4 kB, Pss 2 kB, Shared_Dirty 4 kB) */
START_TEST(counts_bounded)
{
	cJSON *doc;

	doc = layout_doc();
	bump_region(doc, 0, "rss", 4096);
	refused_doc(doc, "regions[0].rss: more than its size");
	doc = layout_doc();
	bump_region(doc, 0, "pss", 4096);
	refused_doc(doc, "regions[0].pss: more than its rss");
	doc = layout_doc();
	bump_region(doc, 0, "referenced", 4096);
	refused_doc(doc, "regions[0].referenced: more than its rss");
	doc = layout_doc();
	bump_region(doc, 0, "shared_dirty", -4096);
	refused_doc(doc, "regions[0].rss: not shared_clean + shared_dirty + private_clean + "
		    "private_dirty");
	/* what a region may have: Pss up to Rss */
	doc = layout_doc();
	bump_region(doc, 0, "pss", 2048);
	accepted_doc(doc);
}
END_TEST

/* pagemap's counts of a region fit in it */
START_TEST(pages_fit)
{
	struct ms_ctx *ctx = ms_ctx_new(NULL);
	struct ms_snapshot *a;
	char err[256] = "", *text;
	cJSON *doc;

	ck_assert_int_eq(ms_snapshot_take(ctx, getpid(), 0, &a, err, sizeof(err)), 0);
	ck_assert_int_eq(ms_residency_read(ctx, a, 0, err, sizeof(err)), 0);
	text = ms_snapshot_to_json(a, 0);
	doc = cJSON_Parse(text);
	set(cJSON_GetObjectItem(at(doc, "regions", 0), "pages"), "present", "1099511627776");
	refused_doc(doc, "regions[0].pages: more pages than the region has");
	free(text);
	ms_snapshot_free(a);
	ms_ctx_free(ctx);
}
END_TEST

/* cJSON stops at 1000 levels; the reason says so, not "error at byte 1000" */
START_TEST(nested_too_deep)
{
	size_t n = 100000;
	char *text = malloc(2 * n + 1);

	memset(text, '[', n);
	memset(text + n, ']', n);
	text[2 * n] = '\0';
	refused(text, -EBADMSG, "nested deeper than 1000");
	memcpy(text, "{\"a\":", 5);
	text[2 * n - 1] = '}';
	refused(text, -EBADMSG, "nested deeper than 1000");
	text[n] = '\0'; /* cut short: that is what it says */
	refused(text, -EBADMSG, "truncated");
	free(text);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		round_trip,
		document_shape,
		unknown_is_null,
		schema_matches,
		pages_round_trip,
		bad_documents,
		bad_arrays,
		big_integers,
		names_any_bytes,
		out_of_range,
		regions_in_order,
		sums_agree,
		nested_too_deep,
		pages_fit,
		keys_in_their_case,
		no_empty_regions,
		counts_bounded,
		extremes_round_trip,
		extremes_refused,
		NULL
	};

	return tl_main("json", 60, tests);
}
