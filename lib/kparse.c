/*
 * kparse.c - meminfo, buddyinfo, zoneinfo and pagetypeinfo, as
 * Documentation/filesystems/proc.rst and mm/vmstat.c write them.  Each is
 * hostile input like any other /proc file: a line that should hold a
 * number and does not fails the read, naming the line.
 */
#include "kernel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ms_kbad(struct ms_lines *lr, const char *file, char *err, size_t errlen)
{
	return ms_fail(err, errlen, -EBADMSG, "%s: line %lu does not parse", file, lr->lineno);
}

bool ms_word_is(const char *w, size_t len, const char *s)
{
	return len == strlen(s) && memcmp(w, s, len) == 0;
}

static int add_meminfo(struct ms_kernel *k, const char *key, size_t len, uint64_t v, bool kb)
{
	struct ms_meminfo_item *it;

	for (size_t i = 0; i < k->nr_mem; i++)
		if (strlen(k->mem[i].key) == len && memcmp(k->mem[i].key, key, len) == 0)
			return 0; /* the first of a repeated key counts */
	if (ms_kgrow(&k->mem, &k->cap_mem, k->nr_mem, sizeof(*k->mem), 64) < 0)
		return -ENOMEM;
	it = &k->mem[k->nr_mem];
	it->key = ms_pool_strndup(k->pool, key, len);
	if (!it->key)
		return -ENOMEM;
	it->v = v;
	it->kb = kb;
	k->nr_mem++;
	return 0;
}

/* "MemTotal:       24683792 kB", "HugePages_Total:       0" */
int ms_meminfo_parse(struct ms_lines *lr, struct ms_kernel *k, char *err, size_t errlen)
{
	const char *line, *p, *end, *colon, *unit;
	size_t len, ulen;
	uint64_t v;
	int rc;

	while ((rc = ms_lines_next(lr, &line, &len)) > 0) {
		end = line + len;
		colon = memchr(line, ':', len);
		if (!colon || colon == line || colon - line > 64)
			return ms_kbad(lr, "meminfo", err, errlen);
		p = colon + 1;
		ms_scan_blanks(&p, end);
		if (!ms_scan_dec(&p, end, &v))
			return ms_kbad(lr, "meminfo", err, errlen);
		bool kb = ms_scan_word(&p, end, &unit, &ulen);

		if ((kb && !ms_word_is(unit, ulen, "kB")) || ms_scan_word(&p, end, &unit, &ulen) ||
		    (kb && v > UINT64_MAX / 1024))
			return ms_kbad(lr, "meminfo", err, errlen);
		rc = add_meminfo(k, line, (size_t)(colon - line), kb ? v * 1024 : v, kb);
		if (rc < 0)
			return rc;
	}
	if (rc == 0 && k->nr_mem == 0)
		return ms_fail(err, errlen, -EBADMSG, "meminfo: the file is empty");
	return rc;
}

/* "Node 0, zone      DMA" at p: the node and the zone's name, p past them. */
static bool node_zone(const char **p, const char *end, int *node, const char **name,
		      size_t *nlen)
{
	const char *w;
	size_t wl;
	uint64_t n;

	if (!ms_scan_word(p, end, &w, &wl) || !ms_word_is(w, wl, "Node"))
		return false;
	ms_scan_blanks(p, end);
	if (!ms_scan_dec(p, end, &n) || n > 1u << 20 || !ms_scan_char(p, end, ','))
		return false;
	if (!ms_scan_word(p, end, &w, &wl) || !ms_word_is(w, wl, "zone"))
		return false;
	if (!ms_scan_word(p, end, name, nlen) || *nlen > 32)
		return false;
	if ((*name)[*nlen - 1] == ',') /* pagetypeinfo: "zone DMA, type ..." */
		(*nlen)--;
	*node = (int)n;
	return *nlen > 0;
}

/* Up to MS_ORDERS_MAX numbers to the end of the line; their count, or -1.
 * pagetypeinfo writes a count past 100000 as ">100000": taken as 100000,
 * at least what there is. */
static int numbers(const char *p, const char *end, uint64_t *v)
{
	int n = 0;

	for (ms_scan_blanks(&p, end); p < end; ms_scan_blanks(&p, end)) {
		ms_scan_char(&p, end, '>');
		if (n == MS_ORDERS_MAX || !ms_scan_dec(&p, end, &v[n]) || v[n] > 1ull << 32)
			return -1;
		n++;
	}
	return n;
}

/* "Node 0, zone   Normal   3103   5770 ..." a line a zone */
int ms_buddyinfo_parse(struct ms_lines *lr, struct ms_kernel *k, char *err, size_t errlen)
{
	const char *line, *p, *name;
	size_t len, nlen;
	int node, rc, n;
	uint64_t v[MS_ORDERS_MAX];

	while ((rc = ms_lines_next(lr, &line, &len)) > 0) {
		struct ms_zone *z;

		p = line;
		if (!node_zone(&p, line + len, &node, &name, &nlen) ||
		    (n = numbers(p, line + len, v)) <= 0)
			return ms_kbad(lr, "buddyinfo", err, errlen);
		z = ms_kernel_zone_get(k, node, name, nlen);
		if (!z)
			return -ENOMEM;
		if (z->nr_orders)
			return ms_kbad(lr, "buddyinfo", err, errlen); /* the zone twice */
		z->nr_orders = (unsigned)n;
		memcpy(z->free_blocks, v, sizeof(v[0]) * (size_t)n);
	}
	return rc;
}

static const struct {
	const char *word;
	enum ms_zone_count c;
} zone_words[] = {
	{ "free", MS_ZONE_FREE }, /* after "pages" */
	{ "min", MS_ZONE_MIN },       { "low", MS_ZONE_LOW },
	{ "high", MS_ZONE_HIGH },     { "spanned", MS_ZONE_SPANNED },
	{ "present", MS_ZONE_PRESENT }, { "managed", MS_ZONE_MANAGED },
	{ "count:", MS_ZONE_PCP },    /* one a CPU, under pagesets: summed */
};

/* One line inside a zone: a count we keep, or one we pass over. */
static bool zone_line(struct ms_zone *z, const char *p, const char *end)
{
	const char *w;
	size_t wl;
	uint64_t v;

	if (!ms_scan_word(&p, end, &w, &wl))
		return true;
	if (ms_word_is(w, wl, "pages") && !ms_scan_word(&p, end, &w, &wl))
		return false;
	for (size_t i = 0; i < sizeof(zone_words) / sizeof(zone_words[0]); i++) {
		enum ms_zone_count c = zone_words[i].c;

		if (!ms_word_is(w, wl, zone_words[i].word))
			continue;
		ms_scan_blanks(&p, end);
		if (!ms_scan_dec(&p, end, &v) || v > INT64_MAX >> 16)
			return false;
		if (c == MS_ZONE_PCP && z->count[c] > 0)
			v += (uint64_t)z->count[c];
		z->count[c] = (int64_t)v;
		return true;
	}
	return true;
}

int ms_zoneinfo_parse(struct ms_lines *lr, struct ms_kernel *k, char *err, size_t errlen)
{
	const char *line, *p, *name;
	size_t len, nlen;
	struct ms_zone *z = NULL;
	int node, rc;

	while ((rc = ms_lines_next(lr, &line, &len)) > 0) {
		p = line;
		if (len >= 4 && memcmp(line, "Node", 4) == 0) {
			if (!node_zone(&p, line + len, &node, &name, &nlen))
				return ms_kbad(lr, "zoneinfo", err, errlen);
			z = ms_kernel_zone_get(k, node, name, nlen);
			if (!z)
				return -ENOMEM;
			if (z->count[MS_ZONE_SPANNED] >= 0)
				return ms_kbad(lr, "zoneinfo", err, errlen); /* the zone twice */
		} else if (!z || !zone_line(z, p, line + len)) {
			return ms_kbad(lr, "zoneinfo", err, errlen);
		}
	}
	if (rc == 0 && !z)
		return ms_fail(err, errlen, -EBADMSG, "zoneinfo: no zone in the file");
	return rc;
}

/* "Node    0, zone   Normal, type    Movable   1766   4827 ..." */
static int type_line(struct ms_kernel *k, const char *p, const char *end)
{
	const char *name, *w;
	size_t nlen, wl;
	int node, n;
	uint64_t v[MS_ORDERS_MAX];
	struct ms_zone *z;

	if (!node_zone(&p, end, &node, &name, &nlen))
		return -EBADMSG;
	if (!ms_scan_word(&p, end, &w, &wl))
		return -EBADMSG;
	if (!ms_word_is(w, wl, "type"))
		return 0; /* "Number of blocks type" rows: not kept */
	if (!ms_scan_word(&p, end, &w, &wl) || wl > 32 || (n = numbers(p, end, v)) <= 0)
		return -EBADMSG;
	z = ms_kernel_zone_get(k, node, name, nlen);
	if (!z)
		return -ENOMEM;
	if (z->nr_types == MS_TYPES_MAX)
		return -EBADMSG;
	z->type[z->nr_types] = ms_pool_strndup(k->pool, w, wl);
	if (!z->type[z->nr_types])
		return -ENOMEM;
	memcpy(z->type_free[z->nr_types++], v, sizeof(v[0]) * (size_t)n);
	return 0;
}

int ms_pagetypeinfo_parse(struct ms_lines *lr, struct ms_kernel *k, char *err, size_t errlen)
{
	const char *line, *p;
	size_t len;
	uint64_t v;
	int rc;

	while ((rc = ms_lines_next(lr, &line, &len)) > 0) {
		p = line;
		if (len > 17 && memcmp(line, "Page block order:", 17) == 0) {
			p += 17;
			ms_scan_blanks(&p, line + len);
			if (!ms_scan_dec(&p, line + len, &v) || v >= MS_ORDERS_MAX * 2)
				return ms_kbad(lr, "pagetypeinfo", err, errlen);
			k->page_block_order = (unsigned)v;
		} else if (len >= 4 && memcmp(line, "Node", 4) == 0) {
			rc = type_line(k, p, line + len);
			if (rc == -EBADMSG)
				return ms_kbad(lr, "pagetypeinfo", err, errlen);
			if (rc < 0)
				return rc;
		}
	}
	return rc;
}
