/*
 * json_read.c - a snapshot document back into a struct ms_snapshot.  Every
 * key the writer puts is checked for its type and range, and the document
 * against itself (regions in order and apart, every total the sum of its
 * regions); the first problem is named by its place ("regions[12].rss:
 * expected an integer or null").  A snapshot may come from a URL: nothing
 * in it is trusted.
 */
#include "internal.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
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
	const char *text; /* the document, whose numbers cJSON rounds */
	size_t len;
	size_t *nums;     /* where each number of the text starts, in order */
	size_t nr_nums;
};

static int bad(struct reader *rd, const char *key, const char *what)
{
	return ms_fail(rd->err, rd->errlen, -EBADMSG, "%s%s%s: %s", rd->where,
		       rd->where[0] && key[0] ? "." : "", key, what);
}

static const cJSON *get(struct reader *rd, const cJSON *o, const char *key, int *rc)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v && *rc == 0)
		*rc = bad(rd, key, "missing");
	return v;
}

/* cJSON's number: what parse_number() takes, from a '-' or a digit on */
static bool num_char(char c)
{
	return c && strchr("0123456789+-.eE", c);
}

/* The integer j stands for, exactly: its text when that is digits alone
 * (cJSON keeps a double, which rounds above 2^53: an inode, an offset),
 * else its double when whole and at most 2^53.  0, -ERANGE (digits, 2^64
 * or more) or -EINVAL (no such integer). */
static int exact(const struct reader *rd, const cJSON *j, uint64_t *v)
{
	if (j->valueint >= 0 && (size_t)j->valueint < rd->nr_nums) {
		const char *p = rd->text + rd->nums[j->valueint], *end = p;
		const char *stop = rd->text + rd->len;

		while (end < stop && *end >= '0' && *end <= '9')
			end++;
		if (end > p && (end == stop || !num_char(*end)))
			return ms_scan_dec(&p, end, v) && p == end ? 0 : -ERANGE;
	}
	if (j->valuedouble < 0 || j->valuedouble > 0x1p53 ||
	    floor(j->valuedouble) != j->valuedouble)
		return -EINVAL;
	*v = (uint64_t)j->valuedouble;
	return 0;
}

/* A non-negative integer up to max; when nullable, null is *known false. */
static int get_uint(struct reader *rd, const cJSON *o, const char *key, bool nullable,
		    uint64_t max, uint64_t *v, bool *known)
{
	int rc = 0;
	const cJSON *j = get(rd, o, key, &rc);
	char what[64];

	*v = 0;
	*known = false;
	if (!j)
		return rc;
	if (nullable && cJSON_IsNull(j))
		return 0;
	rc = cJSON_IsNumber(j) ? exact(rd, j, v) : -EINVAL;
	if (rc == -EINVAL)
		return bad(rd, key, nullable ? "expected an integer or null" : "expected an integer");
	if (rc < 0 || *v > max) {
		snprintf(what, sizeof(what), "out of range (at most %llu)", (unsigned long long)max);
		return bad(rd, key, what);
	}
	*known = true;
	return 0;
}

/* A non-negative integer up to max, or null (*v = -1) when nullable. */
static int get_int(struct reader *rd, const cJSON *o, const char *key, bool nullable,
		   long long max, long long *v)
{
	uint64_t u;
	bool known;
	int rc = get_uint(rd, o, key, nullable, (uint64_t)max, &u, &known);

	*v = known ? (long long)u : -1;
	return rc;
}

/* Any uint64_t: an inode, an offset. */
static int get_u64(struct reader *rd, const cJSON *o, const char *key, uint64_t *v)
{
	bool known;

	return get_uint(rd, o, key, false, UINT64_MAX, v, &known);
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

/* Byte counts, below 2^63 so that a difference of two is an int64_t; and
 * uss, which the writer derives, must be what it derives. */
static int get_counts(struct reader *rd, const cJSON *o, struct ms_counts *c)
{
	uint64_t uss, want;
	bool known;
	int rc;

	memset(c, 0, sizeof(*c));
	for (int f = 0; f < MS_FIELD_COUNT; f++) {
		if (ROLLUP_ONLY & (1u << f))
			continue;
		rc = get_uint(rd, o, ms_field_json_key(f), true, INT64_MAX, &c->v[f], &known);
		if (rc < 0)
			return rc;
		if (known)
			c->have |= 1u << f;
	}
	if (!cJSON_GetObjectItemCaseSensitive(o, "uss")) /* optional; "USS" is not it */
		return 0;
	if ((rc = get_uint(rd, o, "uss", true, UINT64_MAX, &uss, &known)) < 0)
		return rc;
	if (known != ms_counts_uss(c, &want) || (known && uss != want))
		return bad(rd, "uss", "not private_clean + private_dirty");
	return 0;
}

/* A region's counts within each other as smaps has them: each of Rss's
 * parts at most Rss, Rss at most Size, Pss at most Rss... */
static int counts_bounded(struct reader *rd, const struct ms_counts *c)
{
	char what[64];
	int f, b;

	if (ms_counts_bounded(c, c->have, &f, &b))
		return 0;
	if (b < 0)
		return bad(rd, "rss", "not shared_clean + shared_dirty + private_clean + private_dirty");
	snprintf(what, sizeof(what), "more than its %s", ms_field_json_key(b));
	return bad(rd, ms_field_json_key(f), what);
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
	char buf[MS_VMFLAGS_MAX * (MS_VMFLAG_LEN + 1)] = "";
	size_t len = 0, n = 0;
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "vmflags"), *e;

	if (!a || cJSON_IsNull(a)) {
		*out = NULL;
		return 0;
	}
	if (!cJSON_IsArray(a))
		return bad(rd, "vmflags", "expected an array of strings or null");
	cJSON_ArrayForEach(e, a) {
		if (!cJSON_IsString(e) || !ms_vmflag_ok(e->valuestring, strlen(e->valuestring)) ||
		    ++n > MS_VMFLAGS_MAX)
			return bad(rd, "vmflags", "expected at most 64 codes of 1 to 4 printable "
				   "characters");
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "",
					e->valuestring);
	}
	return pooled(rd, buf, out);
}

static int get_region(struct reader *rd, const cJSON *o, struct ms_region *r)
{
	const char *perms, *path, *cls;
	long long object, thp, pkey;
	const cJSON *del = cJSON_GetObjectItemCaseSensitive(o, "deleted");
	int c, rc;

	memset(r, 0, sizeof(*r));
	if ((rc = get_hex(rd, o, "start", &r->start)) < 0 ||
	    (rc = get_hex(rd, o, "end", &r->end)) < 0 ||
	    (rc = get_str(rd, o, "perms", false, &perms)) < 0 ||
	    (rc = get_u64(rd, o, "offset", &r->offset)) < 0 ||
	    (rc = get_dev(rd, o, &r->dev_major, &r->dev_minor)) < 0 ||
	    (rc = get_u64(rd, o, "inode", &r->inode)) < 0 ||
	    (rc = get_str(rd, o, "path", false, &path)) < 0 ||
	    (rc = get_str(rd, o, "class", false, &cls)) < 0 ||
	    (rc = get_int(rd, o, "object", true, INT_MAX, &object)) < 0 ||
	    (rc = get_int(rd, o, "thp_eligible", true, INT_MAX, &thp)) < 0 ||
	    (rc = get_int(rd, o, "protection_key", true, INT_MAX, &pkey)) < 0 ||
	    (rc = get_vmflags(rd, o, &r->vmflags)) < 0 ||
	    (rc = get_counts(rd, o, &r->c)) < 0)
		return rc;
	if (r->end < r->start)
		return bad(rd, "end", "below start");
	if (r->end == r->start) /* the kernel maps no empty range */
		return bad(rd, "end", "equal to start (an empty region)");
	if (ms_counts_has(&r->c, MS_SIZE) && r->c.v[MS_SIZE] != r->end - r->start)
		return bad(rd, "size", "not end - start");
	if ((rc = counts_bounded(rd, &r->c)) < 0)
		return rc;
	if (!ms_perms_ok(perms, strlen(perms)))
		return bad(rd, "perms", "expected [r-][w-][x-][ps], such as \"rw-p\"");
	if (!cJSON_IsBool(del))
		return bad(rd, "deleted", "expected true or false");
	c = ms_class_from_name(cls);
	if (c < 0)
		return bad(rd, "class", "not a class memscope knows");
	if (object >= (long long)rd->snap->nr_objects)
		return bad(rd, "object", "no such object");
	memcpy(r->perms, perms, 5);
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
	bool known;
	int rc;

	memset(res, 0, sizeof(*res));
	if (!cJSON_IsObject(p))
		return bad(rd, "pages", "expected an object (the document has pages_method)");
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		if ((rc = get_uint(rd, p, counts[i], false, UINT64_MAX, cv[i], &known)) < 0)
			return rc;
	}
	for (size_t i = 0; i < sizeof(maybe) / sizeof(maybe[0]); i++) {
		if ((rc = get_int(rd, p, maybe[i], true, INT64_MAX, &v)) < 0)
			return rc;
		*mv[i] = v;
	}
	return 0;
}

/* No count of pages beyond the pages of the region. */
static int pages_fit(struct reader *rd, const struct ms_region *r,
		     const struct ms_residency *res, long page_size)
{
	uint64_t pages = (r->end - r->start) / (uint64_t)page_size;
	uint64_t size = r->end - r->start;

	if (res->present > pages || res->swapped > pages || res->exclusive > pages ||
	    res->file > pages || res->soft_dirty > pages || res->markers > pages ||
	    res->zero > (int64_t)(pages & INT64_MAX) || res->thp > (int64_t)(pages & INT64_MAX) ||
	    res->ksm > (int64_t)(pages & INT64_MAX) ||
	    res->uss_exact > (int64_t)(size & INT64_MAX) ||
	    res->pss_exact > (int64_t)(size & INT64_MAX))
		return bad(rd, "pages", "more pages than the region has");
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

	if (!cJSON_GetObjectItemCaseSensitive(doc, "pages_method"))
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
		if ((rc = get_pages(rd, e, &s->res[i])) < 0 ||
		    (rc = pages_fit(rd, &s->regions[i], &s->res[i], s->page_size)) < 0)
			return rc;
		i++;
	}
	rd->where[0] = '\0';
	return 0;
}

static int get_object(struct reader *rd, const cJSON *o, struct ms_object *ob)
{
	const char *path, *kind;
	long long count;
	int rc;

	memset(ob, 0, sizeof(*ob));
	if ((rc = get_str(rd, o, "path", false, &path)) < 0 ||
	    (rc = get_dev(rd, o, &ob->dev_major, &ob->dev_minor)) < 0 ||
	    (rc = get_u64(rd, o, "inode", &ob->inode)) < 0 ||
	    (rc = get_str(rd, o, "kind", false, &kind)) < 0 ||
	    (rc = get_int(rd, o, "count", false, INT_MAX, &count)) < 0 ||
	    (rc = get_counts(rd, o, &ob->c)) < 0)
		return rc;
	if (strcmp(kind, "exe") && strcmp(kind, "lib") && strcmp(kind, "file"))
		return bad(rd, "kind", "expected \"exe\", \"lib\" or \"file\"");
	ob->kind = kind[0] == 'e' ? MS_OBJECT_EXE : kind[0] == 'l' ? MS_OBJECT_LIB : MS_OBJECT_FILE;
	ob->count = (size_t)count;
	return pooled(rd, path, &ob->path);
}

static int get_total(struct reader *rd, const cJSON *o, struct ms_total *t)
{
	long long count;
	int rc;

	if (!cJSON_IsObject(o))
		return bad(rd, "", "expected an object");
	rc = get_int(rd, o, "count", false, INT_MAX, &count);
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
	long long pid, page;
	const cJSON *argv = cJSON_GetObjectItemCaseSensitive(doc, "argv"), *e;
	const cJSON *taken = cJSON_GetObjectItemCaseSensitive(doc, "taken_at");
	const cJSON *started = cJSON_GetObjectItemCaseSensitive(doc, "started_at");
	size_t i = 0;
	int rc;

	if ((rc = get_int(rd, doc, "pid", false, INT_MAX, &pid)) < 0 ||
	    (rc = get_str(rd, doc, "comm", false, &comm)) < 0 ||
	    (rc = get_str(rd, doc, "exe", true, &exe)) < 0 ||
	    (rc = get_int(rd, doc, "uid", true, UINT32_MAX, &s->uid)) < 0 ||
	    (rc = get_int(rd, doc, "start_ticks", true, INT64_MAX, &s->start_ticks)) < 0 ||
	    (rc = get_u64(rd, doc, "took_ns", &s->took_ns)) < 0 ||
	    (rc = get_str(rd, doc, "kernel", true, &kernel)) < 0 ||
	    (rc = get_int(rd, doc, "page_size", false, 1 << 30, &page)) < 0 ||
	    (rc = get_str(rd, doc, "source", false, &source)) < 0)
		return rc;
	if (pid == 0)
		return bad(rd, "pid", "out of range (a pid is 1 or more)");
	if (page == 0 || (page & (page - 1)))
		return bad(rd, "page_size", "not a power of two");
	if (!cJSON_IsNumber(taken) || !isfinite(taken->valuedouble) || taken->valuedouble < 0)
		return bad(rd, "taken_at", "expected a number of seconds");
	if (!cJSON_IsNull(started) && (!cJSON_IsNumber(started) ||
				       !isfinite(started->valuedouble) || started->valuedouble < 0))
		return bad(rd, "started_at", "expected a number of seconds or null");
	if (!cJSON_IsArray(argv) && !cJSON_IsNull(argv))
		return bad(rd, "argv", "expected an array of strings or null");
	s->pid = (pid_t)pid;
	s->page_size = (long)page;
	s->have_smaps = strcmp(source, "smaps") == 0;
	s->fast = strcmp(source, "maps+pagemap") == 0;
	s->taken_at = taken->valuedouble;
	s->started_at = cJSON_IsNumber(started) ? started->valuedouble : -1;
	s->comm = strdup(comm);
	s->exe = exe ? strdup(exe) : NULL;
	s->kernel = kernel ? strdup(kernel) : NULL;
	if (cJSON_IsArray(argv)) /* null: not shown, and written back so */
		s->argv = calloc((size_t)cJSON_GetArraySize(argv) + 1, sizeof(char *));
	if (!s->comm || (cJSON_IsArray(argv) && !s->argv) || (exe && !s->exe) || (kernel && !s->kernel))
		return -ENOMEM;
	cJSON_ArrayForEach(e, argv) {
		if (!cJSON_IsString(e))
			return bad(rd, "argv", "expected an array of strings");
		if (!(s->argv[i++] = strdup(e->valuestring)))
			return -ENOMEM;
	}
	return 0;
}

/* The regions ascending by address and apart, as maps lists them. */
static int check_order(struct reader *rd)
{
	const struct ms_snapshot *s = rd->snap;
	char what[64];

	for (size_t i = 1; i < s->nr_regions; i++) {
		const struct ms_region *prev = &s->regions[i - 1], *r = &s->regions[i];

		if (r->start >= prev->end)
			continue;
		snprintf(rd->where, sizeof(rd->where), "regions[%zu]", i);
		snprintf(what, sizeof(what), r->start < prev->start ?
			 "below regions[%zu] (unsorted)" : "overlaps regions[%zu]", i - 1);
		return bad(rd, "", what);
	}
	return 0;
}

/* A total as read (got) against the sum of its regions (want). */
static int same_sum(struct reader *rd, const struct ms_total *got, const struct ms_total *want)
{
	if (got->count != want->count)
		return bad(rd, "count", "not the number of regions");
	for (int f = 0; f < MS_FIELD_COUNT; f++) {
		bool has = ms_counts_has(&got->c, f), must = ms_counts_has(&want->c, f);
		const char *key = ms_field_json_key(f);

		if (ROLLUP_ONLY & (1u << f))
			continue;
		if (has && !must)
			return bad(rd, key, "known, but a region's is null");
		if (!has && must)
			return bad(rd, key, "null, but every region has it");
		if (has && got->c.v[f] != want->c.v[f])
			return bad(rd, key, "not the sum of the regions");
	}
	return 0;
}

/* Every total, class and object is the sum of its regions, as the writer
 * made it: one that is not would be printed as a figure that is not true. */
static int check_sums(struct reader *rd)
{
	const struct ms_snapshot *s = rd->snap;
	const struct ms_counts none = { .have = (1u << MS_FIELD_COUNT) - 1 };
	struct ms_total tot = { 0, none }, cls[MS_CLASS_COUNT];
	struct ms_total *obj = calloc(s->nr_objects ? s->nr_objects : 1, sizeof(*obj));
	int rc = 0;

	if (!obj)
		return -ENOMEM;
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		cls[c] = tot;
	for (size_t i = 0; i < s->nr_objects; i++)
		obj[i] = tot;
	for (size_t i = 0; i < s->nr_regions && rc == 0; i++) {
		const struct ms_region *r = &s->regions[i];

		tot.count++;
		cls[r->class].count++;
		if (!ms_counts_add(&tot.c, &r->c) || !ms_counts_add(&cls[r->class].c, &r->c))
			rc = ms_fail(rd->err, rd->errlen, -EBADMSG,
				     "regions: their byte counts add up to 2^64 or more");
		if (r->object >= 0) {
			obj[r->object].count++;
			(void)ms_counts_add(&obj[r->object].c, &r->c); /* a part of tot */
		}
	}
	strcpy(rd->where, "totals");
	if (rc == 0)
		rc = same_sum(rd, &s->totals, &tot);
	for (int c = 0; c < MS_CLASS_COUNT && rc == 0; c++) {
		snprintf(rd->where, sizeof(rd->where), "classes.%s", ms_class_name(c));
		rc = same_sum(rd, &s->classes[c], &cls[c]);
	}
	for (size_t i = 0; i < s->nr_objects && rc == 0; i++) {
		snprintf(rd->where, sizeof(rd->where), "objects[%zu]", i);
		rc = same_sum(rd, &(struct ms_total){ s->objects[i].count, s->objects[i].c }, &obj[i]);
	}
	free(obj);
	return rc;
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
	if ((rc = check_order(rd)) < 0)
		return rc;
	return check_sums(rd);
}

/* How deep the first len bytes of text go in arrays and objects. */
static size_t depth_at(const char *text, size_t len)
{
	size_t depth = 0, deepest = 0;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == '"') {
			for (i++; i < len && text[i] != '"'; i++)
				i += text[i] == '\\';
		} else if (text[i] == '[' || text[i] == '{') {
			if (++depth > deepest)
				deepest = depth;
		} else if ((text[i] == ']' || text[i] == '}') && depth) {
			depth--;
		}
	}
	return deepest;
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
	if (depth_at(text, at < len ? at + 1 : len) > CJSON_NESTING_LIMIT)
		return ms_fail(err, errlen, -EBADMSG, "not JSON: nested deeper than %d levels",
			       CJSON_NESTING_LIMIT);
	return ms_fail(err, errlen, -EBADMSG, "not JSON: error at byte %zu", at);
}

/* Where each number of the text starts, in the order cJSON meets them: the
 * text outside strings, from a '-' or a digit on (true, false and null are
 * skipped as words). */
static int find_numbers(struct reader *rd)
{
	size_t cap = 0;

	for (size_t i = 0; i < rd->len; i++) {
		char c = rd->text[i];

		if (c == '"') {
			for (i++; i < rd->len && rd->text[i] != '"'; i++)
				i += rd->text[i] == '\\';
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			if (rd->nr_nums == cap) {
				size_t *v = realloc(rd->nums, (cap = cap ? 2 * cap : 256) * sizeof(*v));

				if (!v)
					return -ENOMEM;
				rd->nums = v;
			}
			rd->nums[rd->nr_nums++] = i;
			while (i + 1 < rd->len && num_char(rd->text[i + 1]))
				i++;
		} else if (isalpha((unsigned char)c)) {
			while (i + 1 < rd->len && isalpha((unsigned char)rd->text[i + 1]))
				i++;
		}
	}
	return 0;
}

/* Each number item's valueint becomes the index of its text in rd->nums:
 * the tree in document order is the order of the text.  cJSON nests at
 * most CJSON_NESTING_LIMIT deep, so the recursion is bounded. */
static void mark_numbers(cJSON *item, size_t *k)
{
	for (; item; item = item->next) {
		if (cJSON_IsNumber(item))
			item->valueint = *k < INT_MAX ? (int)(*k)++ : -1;
		mark_numbers(item->child, k);
	}
}

int ms_snapshot_from_json(const char *text, size_t len, struct ms_snapshot **out,
			  char *err, size_t errlen)
{
	struct reader rd = { .err = err, .errlen = errlen, .text = text, .len = len };
	const char *end = NULL;
	size_t k = 0;
	cJSON *doc;
	int rc;

	*out = NULL;
	doc = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!doc)
		return not_json(text, len, end, err, errlen);
	rc = find_numbers(&rd);
	mark_numbers(doc, &k);
	rd.snap = rc == 0 ? calloc(1, sizeof(*rd.snap)) : NULL;
	if (rd.snap)
		rd.snap->pool = ms_pool_new();
	rc = rd.snap && rd.snap->pool ? get_doc(&rd, doc) : -ENOMEM;
	cJSON_Delete(doc);
	free(rd.nums);
	if (rc < 0) {
		if (rc == -ENOMEM)
			ms_fail(err, errlen, rc, "out of memory");
		ms_snapshot_free(rd.snap);
		return rc;
	}
	*out = rd.snap;
	return 0;
}
