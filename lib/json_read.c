/*
 * json_read.c - a snapshot document back into a struct ms_snapshot.  Every
 * key the writer puts is checked for its type; the first problem is named
 * by its place ("regions[12].rss: expected an integer or null").
 */
#include "internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROLLUP_ONLY ((1u << MS_PSS_ANON) | (1u << MS_PSS_FILE) | (1u << MS_PSS_SHMEM))

struct reader {
	struct ms_snapshot *snap;
	char where[64];   /* "regions[12]" */
	char *err;
	size_t errlen;
};

static int bad(struct reader *rd, const char *key, const char *what)
{
	return ms_fail(rd->err, rd->errlen, -EBADMSG, "%s%s%s: %s", rd->where,
		       rd->where[0] ? "." : "", key, what);
}

static const cJSON *get(struct reader *rd, const cJSON *o, const char *key, int *rc)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v && *rc == 0)
		*rc = bad(rd, key, "missing");
	return v;
}

/* A non-negative integer, or null (*v = -1) when nullable. */
static int get_int(struct reader *rd, const cJSON *o, const char *key,
		   bool nullable, long long *v)
{
	int rc = 0;
	const cJSON *j = get(rd, o, key, &rc);

	if (!j)
		return rc;
	if (nullable && cJSON_IsNull(j)) {
		*v = -1;
		return 0;
	}
	if (!cJSON_IsNumber(j) || j->valuedouble < 0 || j->valuedouble > 9.007199254740992e15 ||
	    floor(j->valuedouble) != j->valuedouble)
		return bad(rd, key, nullable ? "expected an integer or null" : "expected an integer");
	*v = (long long)j->valuedouble;
	return 0;
}

static int get_str(struct reader *rd, const cJSON *o, const char *key,
		   bool nullable, const char **v)
{
	int rc = 0;
	const cJSON *j = get(rd, o, key, &rc);

	if (!j)
		return rc;
	if (nullable && cJSON_IsNull(j)) {
		*v = NULL;
		return 0;
	}
	if (!cJSON_IsString(j))
		return bad(rd, key, nullable ? "expected a string or null" : "expected a string");
	*v = j->valuestring;
	return 0;
}

static int get_hex(struct reader *rd, const cJSON *o, const char *key, uint64_t *v)
{
	int rc = 0;
	const cJSON *j = get(rd, o, key, &rc);
	const char *p;

	if (!j)
		return rc;
	p = cJSON_IsString(j) ? j->valuestring + 2 : NULL;
	if (!p || strncmp(j->valuestring, "0x", 2) != 0 || !ms_scan_hex(&p, p + strlen(p), v) || *p)
		return bad(rd, key, "expected a hex string such as \"0x7f00\"");
	return 0;
}

static int get_counts(struct reader *rd, const cJSON *o, struct ms_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (int f = 0; f < MS_FIELD_COUNT; f++) {
		long long v;
		int rc;

		if (ROLLUP_ONLY & (1u << f))
			continue;
		rc = get_int(rd, o, ms_field_json_key(f), true, &v);
		if (rc < 0)
			return rc;
		if (v >= 0) {
			c->v[f] = (uint64_t)v;
			c->have |= 1u << f;
		}
	}
	return 0;
}

static int get_dev(struct reader *rd, const cJSON *o, unsigned *maj, unsigned *min)
{
	uint64_t a, b;
	const char *s, *p;
	int rc = get_str(rd, o, "dev", false, &s);

	if (rc < 0)
		return rc;
	p = s;
	if (!ms_scan_hex(&p, s + strlen(s), &a) || !ms_scan_char(&p, s + strlen(s), ':') ||
	    !ms_scan_hex(&p, s + strlen(s), &b) || *p || a > UINT32_MAX || b > UINT32_MAX)
		return bad(rd, "dev", "expected \"major:minor\" in hex");
	*maj = (unsigned)a;
	*min = (unsigned)b;
	return 0;
}

static int pooled(struct reader *rd, const char *s, const char **out)
{
	*out = s ? ms_pool_strndup(rd->snap->pool, s, strlen(s)) : NULL;
	return s && !*out ? -ENOMEM : 0;
}

static int get_vmflags(struct reader *rd, const cJSON *o, const char **out)
{
	char buf[512] = "";
	size_t len = 0;
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "vmflags"), *e;

	if (!a || cJSON_IsNull(a)) {
		*out = NULL;
		return 0;
	}
	if (!cJSON_IsArray(a))
		return bad(rd, "vmflags", "expected an array of strings or null");
	cJSON_ArrayForEach(e, a) {
		if (!cJSON_IsString(e) || strlen(e->valuestring) > 4 || len + 6 > sizeof(buf))
			return bad(rd, "vmflags", "expected two-letter codes");
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "",
					e->valuestring);
	}
	return pooled(rd, buf, out);
}

static int get_region(struct reader *rd, const cJSON *o, struct ms_region *r)
{
	const char *perms, *path, *cls;
	long long offset, inode, object, thp, pkey;
	const cJSON *del = cJSON_GetObjectItemCaseSensitive(o, "deleted");
	int c, rc;

	memset(r, 0, sizeof(*r));
	if ((rc = get_hex(rd, o, "start", &r->start)) < 0 ||
	    (rc = get_hex(rd, o, "end", &r->end)) < 0 ||
	    (rc = get_str(rd, o, "perms", false, &perms)) < 0 ||
	    (rc = get_int(rd, o, "offset", false, &offset)) < 0 ||
	    (rc = get_dev(rd, o, &r->dev_major, &r->dev_minor)) < 0 ||
	    (rc = get_int(rd, o, "inode", false, &inode)) < 0 ||
	    (rc = get_str(rd, o, "path", false, &path)) < 0 ||
	    (rc = get_str(rd, o, "class", false, &cls)) < 0 ||
	    (rc = get_int(rd, o, "object", true, &object)) < 0 ||
	    (rc = get_int(rd, o, "thp_eligible", true, &thp)) < 0 ||
	    (rc = get_int(rd, o, "protection_key", true, &pkey)) < 0 ||
	    (rc = get_vmflags(rd, o, &r->vmflags)) < 0 ||
	    (rc = get_counts(rd, o, &r->c)) < 0)
		return rc;
	if (r->end < r->start)
		return bad(rd, "end", "below start");
	if (strlen(perms) != 4)
		return bad(rd, "perms", "expected four characters such as \"rw-p\"");
	if (!cJSON_IsBool(del))
		return bad(rd, "deleted", "expected true or false");
	c = ms_class_from_name(cls);
	if (c < 0)
		return bad(rd, "class", "not a class memscope knows");
	if (object >= (long long)rd->snap->nr_objects)
		return bad(rd, "object", "no such object");
	memcpy(r->perms, perms, 5);
	r->offset = (uint64_t)offset;
	r->inode = (uint64_t)inode;
	r->deleted = cJSON_IsTrue(del);
	r->class = (enum ms_class)c;
	r->object = (int)object;
	r->thp_eligible = (int)thp;
	r->protection_key = (int)pkey;
	return pooled(rd, path, &r->path);
}

static int get_pages(struct reader *rd, const cJSON *o, struct ms_residency *res)
{
	static const char *const counts[] = { "present", "swapped", "exclusive", "file",
					      "soft_dirty", "markers" };
	static const char *const maybe[] = { "zero", "thp", "ksm", "uss_exact", "pss_exact" };
	uint64_t *cv[] = { &res->present, &res->swapped, &res->exclusive, &res->file,
			   &res->soft_dirty, &res->markers };
	int64_t *mv[] = { &res->zero, &res->thp, &res->ksm, &res->uss_exact, &res->pss_exact };
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "pages");
	long long v;
	int rc;

	memset(res, 0, sizeof(*res));
	if (!cJSON_IsObject(p))
		return bad(rd, "pages", "expected an object (the document has pages_method)");
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		if ((rc = get_int(rd, p, counts[i], false, &v)) < 0)
			return rc;
		*cv[i] = (uint64_t)v;
	}
	for (size_t i = 0; i < sizeof(maybe) / sizeof(maybe[0]); i++) {
		if ((rc = get_int(rd, p, maybe[i], true, &v)) < 0)
			return rc;
		*mv[i] = v;
	}
	return 0;
}

/* pages_method says the regions have pages objects; the strings are kept
 * in the pool, as the library's own are static. */
static int get_residency(struct reader *rd, const cJSON *doc)
{
	struct ms_snapshot *s = rd->snap;
	const cJSON *regions = cJSON_GetObjectItemCaseSensitive(doc, "regions"), *e;
	const char *method, *why;
	size_t i = 0;
	int rc;

	if (!cJSON_HasObjectItem(doc, "pages_method"))
		return 0;
	if ((rc = get_str(rd, doc, "pages_method", false, &method)) < 0 ||
	    (rc = get_str(rd, doc, "pages_pfn_why", true, &why)) < 0 ||
	    (rc = pooled(rd, method, &s->res_method)) < 0 ||
	    (rc = pooled(rd, why, &s->res_pfn_why)) < 0)
		return rc;
	s->res = calloc(s->nr_regions ? s->nr_regions : 1, sizeof(*s->res));
	if (!s->res)
		return -ENOMEM;
	cJSON_ArrayForEach(e, regions) {
		snprintf(rd->where, sizeof(rd->where), "regions[%zu]", i);
		if ((rc = get_pages(rd, e, &s->res[i++])) < 0)
			return rc;
	}
	rd->where[0] = '\0';
	return 0;
}

static int get_object(struct reader *rd, const cJSON *o, struct ms_object *ob)
{
	const char *path, *kind;
	long long inode, count;
	int rc;

	memset(ob, 0, sizeof(*ob));
	if ((rc = get_str(rd, o, "path", false, &path)) < 0 ||
	    (rc = get_dev(rd, o, &ob->dev_major, &ob->dev_minor)) < 0 ||
	    (rc = get_int(rd, o, "inode", false, &inode)) < 0 ||
	    (rc = get_str(rd, o, "kind", false, &kind)) < 0 ||
	    (rc = get_int(rd, o, "count", false, &count)) < 0 ||
	    (rc = get_counts(rd, o, &ob->c)) < 0)
		return rc;
	if (strcmp(kind, "exe") && strcmp(kind, "lib") && strcmp(kind, "file"))
		return bad(rd, "kind", "expected \"exe\", \"lib\" or \"file\"");
	ob->kind = kind[0] == 'e' ? MS_OBJECT_EXE : kind[0] == 'l' ? MS_OBJECT_LIB : MS_OBJECT_FILE;
	ob->inode = (uint64_t)inode;
	ob->count = (size_t)count;
	return pooled(rd, path, &ob->path);
}

static int get_total(struct reader *rd, const cJSON *o, struct ms_total *t)
{
	long long count;
	int rc;

	if (!cJSON_IsObject(o))
		return bad(rd, "", "expected an object");
	rc = get_int(rd, o, "count", false, &count);
	t->count = (size_t)count;
	return rc < 0 ? rc : get_counts(rd, o, &t->c);
}

/* Reads an array of n items with fn into *vec (calloc'ed).  *vec and *n
 * are set first, so that a caller may free *vec whatever happens. */
static int get_array(struct reader *rd, const cJSON *doc, const char *key,
		     size_t size, void **vec, size_t *n,
		     int (*fn)(struct reader *, const cJSON *, void *))
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, key), *e;
	size_t i = 0;

	*vec = NULL;
	*n = 0;
	if (!cJSON_IsArray(a))
		return bad(rd, key, "expected an array");
	*n = (size_t)cJSON_GetArraySize(a);
	*vec = calloc(*n ? *n : 1, size);
	if (!*vec)
		return -ENOMEM;
	cJSON_ArrayForEach(e, a) {
		int rc;

		snprintf(rd->where, sizeof(rd->where), "%s[%zu]", key, i);
		rc = cJSON_IsObject(e) ? fn(rd, e, (char *)*vec + i * size) :
					 bad(rd, "", "expected an object");
		if (rc < 0)
			return rc;
		i++;
	}
	rd->where[0] = '\0';
	return 0;
}

static int region_fn(struct reader *rd, const cJSON *o, void *r)
{
	return get_region(rd, o, r);
}

static int object_fn(struct reader *rd, const cJSON *o, void *ob)
{
	return get_object(rd, o, ob);
}

static int get_schema(struct reader *rd, const cJSON *doc)
{
	static const char prefix[] = "memscope-snapshot/";
	const char *schema, *p;
	uint64_t version;
	int rc = get_str(rd, doc, "schema", false, &schema);

	if (rc < 0)
		return rc;
	p = schema + sizeof(prefix) - 1;
	if (strncmp(schema, prefix, sizeof(prefix) - 1) != 0 ||
	    !ms_scan_dec(&p, p + strlen(p), &version) || *p)
		return bad(rd, "schema", "not a memscope snapshot");
	if (version > 1)
		return ms_fail(rd->err, rd->errlen, -EPROTO,
			       "schema: version %llu is newer than this memscope reads (1)",
			       (unsigned long long)version);
	rd->snap->schema = strdup(schema);
	return rd->snap->schema ? 0 : -ENOMEM;
}

static int get_facts(struct reader *rd, const cJSON *doc)
{
	struct ms_snapshot *s = rd->snap;
	const char *comm, *exe, *kernel, *source;
	long long pid, took, page;
	const cJSON *argv = cJSON_GetObjectItemCaseSensitive(doc, "argv"), *e;
	const cJSON *taken = cJSON_GetObjectItemCaseSensitive(doc, "taken_at");
	const cJSON *started = cJSON_GetObjectItemCaseSensitive(doc, "started_at");
	size_t i = 0;
	int rc;

	if ((rc = get_int(rd, doc, "pid", false, &pid)) < 0 ||
	    (rc = get_str(rd, doc, "comm", false, &comm)) < 0 ||
	    (rc = get_str(rd, doc, "exe", true, &exe)) < 0 ||
	    (rc = get_int(rd, doc, "uid", true, &s->uid)) < 0 ||
	    (rc = get_int(rd, doc, "start_ticks", true, &s->start_ticks)) < 0 ||
	    (rc = get_int(rd, doc, "took_ns", false, &took)) < 0 ||
	    (rc = get_str(rd, doc, "kernel", true, &kernel)) < 0 ||
	    (rc = get_int(rd, doc, "page_size", false, &page)) < 0 ||
	    (rc = get_str(rd, doc, "source", false, &source)) < 0)
		return rc;
	if (!cJSON_IsNumber(taken))
		return bad(rd, "taken_at", "expected a number");
	if (!cJSON_IsNumber(started) && !cJSON_IsNull(started))
		return bad(rd, "started_at", "expected a number or null");
	if (!cJSON_IsArray(argv))
		return bad(rd, "argv", "expected an array of strings");
	s->pid = (pid_t)pid;
	s->took_ns = (uint64_t)took;
	s->page_size = (long)page;
	s->have_smaps = strcmp(source, "smaps") == 0;
	s->taken_at = taken->valuedouble;
	s->started_at = cJSON_IsNumber(started) ? started->valuedouble : -1;
	s->comm = strdup(comm);
	s->exe = exe ? strdup(exe) : NULL;
	s->kernel = kernel ? strdup(kernel) : NULL;
	s->argv = calloc((size_t)cJSON_GetArraySize(argv) + 1, sizeof(char *));
	if (!s->comm || !s->argv || (exe && !s->exe) || (kernel && !s->kernel))
		return -ENOMEM;
	cJSON_ArrayForEach(e, argv) {
		if (!cJSON_IsString(e))
			return bad(rd, "argv", "expected an array of strings");
		if (!(s->argv[i++] = strdup(e->valuestring)))
			return -ENOMEM;
	}
	return 0;
}

static int get_doc(struct reader *rd, const cJSON *doc)
{
	struct ms_snapshot *s = rd->snap;
	const cJSON *classes;
	void *v;
	int rc;

	if (!cJSON_IsObject(doc))
		return ms_fail(rd->err, rd->errlen, -EBADMSG, "not a JSON object");
	if ((rc = get_schema(rd, doc)) < 0 || (rc = get_facts(rd, doc)) < 0)
		return rc;
	rc = get_array(rd, doc, "objects", sizeof(struct ms_object), &v, &s->nr_objects, object_fn);
	s->objects = v;
	if (rc < 0)
		return rc;
	rc = get_array(rd, doc, "regions", sizeof(struct ms_region), &v, &s->nr_regions, region_fn);
	s->regions = v;
	if (rc < 0 || (rc = get_residency(rd, doc)) < 0)
		return rc;
	strcpy(rd->where, "totals");
	if ((rc = get_total(rd, cJSON_GetObjectItemCaseSensitive(doc, "totals"), &s->totals)) < 0)
		return rc;
	classes = cJSON_GetObjectItemCaseSensitive(doc, "classes");
	for (int c = 0; c < MS_CLASS_COUNT; c++) {
		snprintf(rd->where, sizeof(rd->where), "classes.%s", ms_class_name(c));
		rc = get_total(rd, cJSON_GetObjectItemCaseSensitive(classes, ms_class_name(c)),
			       &s->classes[c]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Why the text did not parse: empty, not JSON at all, cut short, or wrong
 * at some byte. */
static int not_json(const char *text, size_t len, const char *end, char *err, size_t errlen)
{
	size_t first = 0, last = len;
	size_t at = end && end >= text ? (size_t)(end - text) : 0;

	while (first < len && strchr(" \t\r\n", text[first]))
		first++;
	while (last > first && strchr(" \t\r\n", text[last - 1]))
		last--;
	if (first == last)
		return ms_fail(err, errlen, -EBADMSG, "not JSON: empty");
	if (text[first] != '{' && text[first] != '[')
		return ms_fail(err, errlen, -EBADMSG, "not JSON: it starts with '%c'",
			       text[first]);
	if (text[last - 1] != (text[first] == '{' ? '}' : ']'))
		return ms_fail(err, errlen, -EBADMSG, "not JSON: it ends early (truncated?)");
	return ms_fail(err, errlen, -EBADMSG, "not JSON: error at byte %zu", at);
}

int ms_snapshot_from_json(const char *text, size_t len, struct ms_snapshot **out,
			  char *err, size_t errlen)
{
	struct reader rd = { .err = err, .errlen = errlen };
	const char *end = NULL;
	cJSON *doc;
	int rc;

	*out = NULL;
	doc = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!doc)
		return not_json(text, len, end, err, errlen);
	rd.snap = calloc(1, sizeof(*rd.snap));
	if (rd.snap)
		rd.snap->pool = ms_pool_new();
	rc = rd.snap && rd.snap->pool ? get_doc(&rd, doc) : -ENOMEM;
	cJSON_Delete(doc);
	if (rc < 0) {
		if (rc == -ENOMEM)
			ms_fail(err, errlen, rc, "out of memory");
		ms_snapshot_free(rd.snap);
		return rc;
	}
	*out = rd.snap;
	return 0;
}
