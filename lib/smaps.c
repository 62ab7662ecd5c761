/*
 * smaps.c - parsers of /proc/PID/maps, smaps and smaps_rollup.
 *
 * The format is in the kernel's Documentation/filesystems/proc.rst: a header
 * line per mapping ("start-end perms offset maj:min inode   name"), in smaps
 * followed by "Key:   N kB" lines and a last "VmFlags:" line.  Header lines
 * start with a lowercase hex digit, keys with an uppercase letter.  Keys we
 * do not know are passed over, so a newer kernel does not break us.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The snapshot document's key of each field. */
static const char *const json_keys[MS_FIELD_COUNT] = {
	[MS_SIZE] = "size",
	[MS_KERNEL_PAGE] = "kernel_page_size",
	[MS_MMU_PAGE] = "mmu_page_size",
	[MS_RSS] = "rss",
	[MS_PSS] = "pss",
	[MS_PSS_DIRTY] = "pss_dirty",
	[MS_PSS_ANON] = "pss_anon",
	[MS_PSS_FILE] = "pss_file",
	[MS_PSS_SHMEM] = "pss_shmem",
	[MS_SHARED_CLEAN] = "shared_clean",
	[MS_SHARED_DIRTY] = "shared_dirty",
	[MS_PRIVATE_CLEAN] = "private_clean",
	[MS_PRIVATE_DIRTY] = "private_dirty",
	[MS_REFERENCED] = "referenced",
	[MS_ANONYMOUS] = "anonymous",
	[MS_KSM] = "ksm",
	[MS_LAZYFREE] = "lazyfree",
	[MS_ANON_HUGE] = "anon_huge_pages",
	[MS_SHMEM_PMD] = "shmem_pmd_mapped",
	[MS_FILE_PMD] = "file_pmd_mapped",
	[MS_SHARED_HUGETLB] = "shared_hugetlb",
	[MS_PRIVATE_HUGETLB] = "private_hugetlb",
	[MS_SWAP] = "swap",
	[MS_SWAP_PSS] = "swap_pss",
	[MS_LOCKED] = "locked",
};

const char *ms_field_json_key(enum ms_field f)
{
	return (unsigned)f < MS_FIELD_COUNT ? json_keys[f] : NULL;
}

bool ms_counts_uss(const struct ms_counts *c, uint64_t *uss)
{
	if (!ms_counts_has(c, MS_PRIVATE_CLEAN) || !ms_counts_has(c, MS_PRIVATE_DIRTY))
		return false;
	*uss = c->v[MS_PRIVATE_CLEAN] + c->v[MS_PRIVATE_DIRTY];
	return true;
}

void ms_counts_add(struct ms_counts *sum, const struct ms_counts *c)
{
	for (int f = 0; f < MS_FIELD_COUNT; f++)
		sum->v[f] += c->v[f];
	sum->have &= c->have; /* a sum with an unknown part is unknown */
}

/*
 * The keys of a smaps record in the order the kernel prints them.  The key
 * after the last one found is tried first, so most lines cost one compare.
 */
enum key_kind { KEY_KB, KEY_THP, KEY_PKEY, KEY_VMFLAGS };

/* A byte count's key, and its first 16 bytes as the kernel pads them. */
#define KB_KEY(k, f) { k, sizeof(k) - 1, KEY_KB, f, k ":               " }
#define OTHER_KEY(k, kind) { k, sizeof(k) - 1, kind, 0, NULL }

static const struct smaps_key {
	const char *name;
	unsigned char len, kind, field;
	const char *padded; /* the first 16 bytes of a line of this key */
} keys[] = {
	KB_KEY("Size", MS_SIZE),
	KB_KEY("KernelPageSize", MS_KERNEL_PAGE),
	KB_KEY("MMUPageSize", MS_MMU_PAGE),
	KB_KEY("Rss", MS_RSS),
	KB_KEY("Pss", MS_PSS),
	KB_KEY("Pss_Dirty", MS_PSS_DIRTY),
	KB_KEY("Pss_Anon", MS_PSS_ANON),
	KB_KEY("Pss_File", MS_PSS_FILE),
	KB_KEY("Pss_Shmem", MS_PSS_SHMEM),
	KB_KEY("Shared_Clean", MS_SHARED_CLEAN),
	KB_KEY("Shared_Dirty", MS_SHARED_DIRTY),
	KB_KEY("Private_Clean", MS_PRIVATE_CLEAN),
	KB_KEY("Private_Dirty", MS_PRIVATE_DIRTY),
	KB_KEY("Referenced", MS_REFERENCED),
	KB_KEY("Anonymous", MS_ANONYMOUS),
	KB_KEY("KSM", MS_KSM),
	KB_KEY("LazyFree", MS_LAZYFREE),
	KB_KEY("AnonHugePages", MS_ANON_HUGE),
	KB_KEY("ShmemPmdMapped", MS_SHMEM_PMD),
	KB_KEY("FilePmdMapped", MS_FILE_PMD),
	KB_KEY("Shared_Hugetlb", MS_SHARED_HUGETLB),
	KB_KEY("Private_Hugetlb", MS_PRIVATE_HUGETLB),
	KB_KEY("Swap", MS_SWAP),
	KB_KEY("SwapPss", MS_SWAP_PSS),
	KB_KEY("Locked", MS_LOCKED),
	OTHER_KEY("THPeligible", KEY_THP),
	OTHER_KEY("ProtectionKey", KEY_PKEY),
	OTHER_KEY("VmFlags", KEY_VMFLAGS),
};
#define NR_KEYS (sizeof(keys) / sizeof(keys[0]))

const char *ms_field_smaps_key(enum ms_field f)
{
	for (size_t i = 0; i < NR_KEYS; i++)
		if (keys[i].kind == KEY_KB && keys[i].field == f)
			return keys[i].name;
	return NULL;
}

/* The key of a "Key: value" line; NULL for a key of a newer kernel. */
static const struct smaps_key *find_key(const char *line, size_t len, unsigned *hint,
					const char **value)
{
	const struct smaps_key *k = &keys[*hint % NR_KEYS];
	const char *colon;
	size_t klen;

	if (len > k->len && line[k->len] == ':' && memcmp(line, k->name, k->len) == 0) {
		klen = k->len;
	} else {
		colon = memchr(line, ':', len);
		if (!colon)
			return NULL;
		klen = (size_t)(colon - line);
		for (unsigned i = 1; i <= NR_KEYS; i++) {
			k = &keys[(*hint + i) % NR_KEYS];
			if (k->len == klen && memcmp(line, k->name, klen) == 0)
				break;
		}
		if (k->len != klen || memcmp(line, k->name, klen) != 0)
			k = NULL;
	}
	if (k)
		*hint = (unsigned)(k - keys) + 1;
	*value = line + klen + 1;
	return k;
}

/* "   1234 kB": the one place where kB become bytes. */
static int parse_kb(const char *p, const char *end, uint64_t *bytes)
{
	uint64_t kb = 0;

	ms_scan_blanks(&p, end);
	if (end - p < 4 || end - p > 3 + 19 || memcmp(end - 3, " kB", 3) != 0)
		return -EBADMSG;
	for (end -= 3; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -EBADMSG;
		kb = kb * 10 + (uint64_t)(*p - '0');
	}
	if (kb > UINT64_MAX / 1024)
		return -EBADMSG;
	*bytes = kb * 1024;
	return 0;
}

/* "THPeligible:    1", "ProtectionKey:  0", "VmFlags: rd wr mr". */
static int parse_other(struct ms_region *r, const struct smaps_key *k,
		       const char *p, const char *end, struct ms_pool *pool)
{
	uint64_t v;

	ms_scan_blanks(&p, end);
	if (k->kind == KEY_VMFLAGS) {
		while (end > p && end[-1] == ' ')
			end--;
		r->vmflags = ms_pool_strndup(pool, p, (size_t)(end - p));
		return r->vmflags ? 0 : -ENOMEM;
	}
	if (!ms_scan_dec(&p, end, &v) || p != end || v > 1u << 30)
		return -EBADMSG;
	*(k->kind == KEY_THP ? &r->thp_eligible : &r->protection_key) = (int)v;
	return 0;
}

/*
 * The common line, parsed in place in the read buffer.  The kernel prints
 * "%-16s%8llu kB\n": the key we expect next padded to 16 bytes, a number
 * right-aligned in 8, " kB\n".  Returns the bytes used, or 0 to let the
 * general path (which finds the line's end first) take it.
 */
static inline size_t fast_kb_line(struct ms_region *r, const char *p, size_t left,
				  unsigned *hint)
{
	const struct smaps_key *k = &keys[*hint < NR_KEYS ? *hint : 0];
	uint64_t kb = 0;
	int i = 16;

	if (k->kind != KEY_KB || left < 28 || memcmp(p, k->padded, 16) != 0 ||
	    memcmp(p + 24, " kB\n", 4) != 0)
		return 0;
	while (i < 23 && p[i] == ' ')
		i++;
	for (; i < 24; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		kb = kb * 10 + (uint64_t)(p[i] - '0');
	}
	r->c.v[k->field] = kb * 1024; /* as parse_kb() */
	r->c.have |= 1u << k->field;
	*hint = (unsigned)(k - keys) + 1;
	return 28;
}

static int parse_field(struct ms_region *r, const char *line, size_t len,
		       struct ms_pool *pool, unsigned *hint)
{
	const char *value, *end = line + len;
	const struct smaps_key *k = find_key(line, len, hint, &value);
	int rc;

	if (!k)
		return memchr(line, ':', len) && line[0] != ':' ? 0 : -EBADMSG;
	if (k->kind != KEY_KB)
		return parse_other(r, k, value, end, pool);
	rc = parse_kb(value, end, &r->c.v[k->field]);
	if (rc == 0)
		r->c.have |= 1u << k->field;
	return rc;
}

static bool header_numbers(const char **p, const char *end, struct ms_region *r)
{
	uint64_t maj, min;
	const char *perms;
	size_t plen;

	if (!(ms_scan_hex(p, end, &r->start) && ms_scan_char(p, end, '-') &&
	      ms_scan_hex(p, end, &r->end) && r->end >= r->start &&
	      ms_scan_word(p, end, &perms, &plen) && plen == 4))
		return false;
	memcpy(r->perms, perms, 4);
	r->perms[4] = '\0';
	ms_scan_blanks(p, end);
	if (!(ms_scan_hex(p, end, &r->offset) && (ms_scan_blanks(p, end), true) &&
	      ms_scan_hex(p, end, &maj) && ms_scan_char(p, end, ':') &&
	      ms_scan_hex(p, end, &min) && (ms_scan_blanks(p, end), true) &&
	      ms_scan_dec(p, end, &r->inode)))
		return false;
	r->dev_major = (unsigned)maj;
	r->dev_minor = (unsigned)min;
	/* known from the range alone, so a maps-only read has it too */
	r->c.v[MS_SIZE] = r->end - r->start;
	r->c.have = 1u << MS_SIZE;
	return *p == end || **p == ' ';
}

/* "start-end perms offset maj:min inode   name": fills r, path in pool. */
static int parse_header(const char *line, size_t len, struct ms_region *r,
			struct ms_pool *pool)
{
	static const char deleted[] = " (deleted)";
	const size_t dlen = sizeof(deleted) - 1;
	const char *p = line, *end = line + len;

	memset(r, 0, sizeof(*r));
	r->object = -1;
	r->thp_eligible = -1;
	r->protection_key = -1;
	if (!header_numbers(&p, end, r))
		return -EBADMSG;
	/* the kernel pads to a column; names start with '/', '[' or a letter */
	ms_scan_blanks(&p, end);
	len = (size_t)(end - p);
	if (len > dlen && memcmp(end - dlen, deleted, dlen) == 0) {
		r->deleted = true;
		len -= dlen;
	}
	r->path = len ? ms_pool_strndup(pool, p, len) : "";
	return r->path ? 0 : -ENOMEM;
}

static struct ms_region *vec_push(struct ms_region_vec *vec)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 256;
		struct ms_region *nv = realloc(vec->v, cap * sizeof(*nv));

		if (!nv)
			return NULL;
		vec->v = nv;
		vec->cap = cap;
	}
	return &vec->v[vec->n++];
}

/* Header lines start with a lowercase hex digit, keys with a capital. */
static bool is_header(const char *line, size_t len)
{
	return len && ((line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f'));
}

static int parse_line(struct ms_region_vec *vec, const char *line, size_t len,
		      struct ms_pool *pool, unsigned *hint)
{
	struct ms_region *r;

	if (is_header(line, len)) {
		r = vec_push(vec);
		if (!r)
			return -ENOMEM;
		*hint = 0;
		return parse_header(line, len, r, pool);
	}
	if (vec->n == 0)
		return -EBADMSG; /* a field before any header */
	r = &vec->v[vec->n - 1];
	return parse_field(r, line, len, pool, hint);
}

int ms_smaps_parse(int fd, bool smaps, struct ms_region_vec *vec,
		   struct ms_pool *pool, ms_complete_fn *complete, void *arg,
		   char *err, size_t errlen)
{
	const char *file = smaps ? "smaps" : "maps";
	struct ms_lines lr;
	const char *line;
	size_t len;
	unsigned hint = 0;
	int rc = ms_lines_init(&lr, fd);

	while (rc == 0) {
		const char *p;
		size_t used, left = vec->n ? ms_lines_peek(&lr, &p) : 0;

		if (left && (used = fast_kb_line(&vec->v[vec->n - 1], p, left, &hint))) {
			ms_lines_skip(&lr, used);
			continue;
		}
		rc = ms_lines_next(&lr, &line, &len);
		if (rc <= 0)
			break;
		if (complete && vec->n && is_header(line, len)) /* the last record ended */
			rc = complete(arg, vec->v, vec->n - 1);
		if (rc >= 0)
			rc = parse_line(vec, line, len, pool, &hint);
		if (rc == -EBADMSG)
			rc = ms_fail(err, errlen, rc, "%s line %lu: cannot parse '%.*s'%s",
				     file, lr.lineno, len > 60 ? 60 : (int)len,
				     line, lr.unterminated ? " (the file ends mid-line)" : "");
	}
	if (rc == 0 && complete && vec->n)
		rc = complete(arg, vec->v, vec->n - 1);
	if (rc == -E2BIG)
		ms_fail(err, errlen, rc, "%s line %lu: longer than %u bytes", file,
			lr.lineno + 1, MS_LINE_MAX);
	ms_lines_release(&lr);
	return rc;
}
