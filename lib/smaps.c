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
#include <inttypes.h>
#include <stdio.h>
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

bool ms_counts_add(struct ms_counts *sum, const struct ms_counts *c)
{
	bool ok = true;

	for (int f = 0; f < MS_FIELD_COUNT; f++)
		ok &= !__builtin_add_overflow(sum->v[f], c->v[f], &sum->v[f]) &&
		      sum->v[f] <= INT64_MAX;
	sum->have &= c->have; /* a sum with an unknown part is unknown */
	return ok;
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
	if (kb > INT64_MAX / 1024) /* a difference of two counts is an int64_t */
		return -EBADMSG;
	*bytes = kb * 1024;
	return 0;
}

bool ms_perms_ok(const char *perms, size_t len)
{
	return len == 4 && (perms[0] == 'r' || perms[0] == '-') &&
	       (perms[1] == 'w' || perms[1] == '-') && (perms[2] == 'x' || perms[2] == '-') &&
	       (perms[3] == 'p' || perms[3] == 's');
}

bool ms_vmflag_ok(const char *word, size_t len)
{
	if (len < 1 || len > MS_VMFLAG_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (word[i] <= ' ' || word[i] > '~')
			return false;
	return true;
}

/* The words of a VmFlags line, checked; trailing blanks dropped. */
static int parse_vmflags(struct ms_region *r, const char *p, const char *end,
			 struct ms_pool *pool)
{
	const char *q = p, *word;
	size_t len, n = 0;

	while (ms_scan_word(&q, end, &word, &len))
		if (++n > MS_VMFLAGS_MAX || !ms_vmflag_ok(word, len))
			return -EBADMSG;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	r->vmflags = ms_pool_strndup(pool, p, (size_t)(end - p));
	return r->vmflags ? 0 : -ENOMEM;
}

/* "THPeligible:    1", "ProtectionKey:  0", "VmFlags: rd wr mr". */
static int parse_other(struct ms_region *r, const struct smaps_key *k,
		       const char *p, const char *end, struct ms_pool *pool)
{
	uint64_t v;

	ms_scan_blanks(&p, end);
	if (k->kind == KEY_VMFLAGS)
		return parse_vmflags(r, p, end, pool);
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
	      ms_scan_hex(p, end, &r->end) &&
	      ms_scan_word(p, end, &perms, &plen) && ms_perms_ok(perms, plen)))
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

/* One read of a file, and what its errors say. */
struct parser {
	enum ms_parse_mode mode;
	const char *file;           /* "smaps" */
	struct ms_region_vec *vec;
	struct ms_pool *pool;
	unsigned hint;              /* the key expected next */
	unsigned long header_line;  /* of the last record */
	uint64_t swap;              /* Swap of the records before */
	char *err;
	size_t errlen;
	bool said;                  /* err already says what is wrong */
};

/* "smaps line 3: " and, of a region (not the rollup's range), "the region
 * 1000-3000 has ", then what is wrong. */
__attribute__((format(printf, 4, 5)))
static int fail_at(struct parser *ps, unsigned long line, const struct ms_region *r,
		   const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ps->said = true;
	if (!r || ps->mode == MS_PARSE_ROLLUP)
		return ms_fail(ps->err, ps->errlen, -EBADMSG, "%s line %lu: %s", ps->file, line,
			       what);
	return ms_fail(ps->err, ps->errlen, -EBADMSG, "%s line %lu: the region %" PRIx64 "-%"
		       PRIx64 " has %s", ps->file, line, r->start, r->end, what);
}

/*
 * The kernel prints the mappings in ascending order, but lets go of the
 * process's memory lock between two reads: two mappings that merge in
 * between (an mprotect of the page between them, say) can come out again
 * as one that starts below the end of the last one printed.  That is
 * -EAGAIN, with the reason in err: a live read starts again, a saved file
 * is malformed.  smaps_rollup's range is empty when the process has no
 * mapping.
 */
static int check_range(struct parser *ps, const struct ms_region *r, unsigned long line)
{
	const struct ms_region *prev = ps->vec->n > 1 ? r - 1 : NULL;

	if (r->end < r->start || (r->end == r->start && ps->mode != MS_PARSE_ROLLUP))
		return fail_at(ps, line, NULL, "the range %" PRIx64 "-%" PRIx64
			       " is empty or backwards", r->start, r->end);
	if (prev && r->start < prev->end) {
		fail_at(ps, line, NULL, "%" PRIx64 "-%" PRIx64 " overlaps or comes before %"
			PRIx64 "-%" PRIx64, r->start, r->end, prev->start, prev->end);
		return -EAGAIN;
	}
	return 0;
}

/*
 * Counts that another count of the same record bounds, as fs/proc/task_mmu.c
 * makes them: every page the walk meets adds its size to Rss and to one of
 * Shared/Private_Clean/Dirty, and to Referenced, Anonymous, KSM, *PmdMapped
 * when it is one; its share (at most its size) to Pss, and to Pss_* and
 * Locked.  Hugetlb pages are left out of Rss but are pages of the region,
 * as are the swap entries SwapPss shares out.  Swap has no bound: a mapping
 * of a whole shmem file counts all the file's swapped pages, and fallocate
 * can give it pages past its size.
 */
static const unsigned char bounded[][2] = {
	{ MS_RSS, MS_SIZE }, { MS_SHARED_HUGETLB, MS_SIZE }, { MS_PRIVATE_HUGETLB, MS_SIZE },
	{ MS_SWAP_PSS, MS_SIZE }, { MS_SWAP_PSS, MS_SWAP }, { MS_PSS, MS_RSS },
	{ MS_SHARED_CLEAN, MS_RSS }, { MS_SHARED_DIRTY, MS_RSS }, { MS_PRIVATE_CLEAN, MS_RSS },
	{ MS_PRIVATE_DIRTY, MS_RSS }, { MS_REFERENCED, MS_RSS }, { MS_ANONYMOUS, MS_RSS },
	{ MS_KSM, MS_RSS }, { MS_ANON_HUGE, MS_RSS }, { MS_SHMEM_PMD, MS_RSS },
	{ MS_FILE_PMD, MS_RSS }, { MS_LAZYFREE, MS_ANONYMOUS }, { MS_PSS_DIRTY, MS_PSS },
	{ MS_PSS_ANON, MS_PSS }, { MS_PSS_FILE, MS_PSS }, { MS_PSS_SHMEM, MS_PSS },
	{ MS_LOCKED, MS_PSS },
};
#define NR_BOUNDED (sizeof(bounded) / sizeof(bounded[0]))

/* Unrolled, without a branch: this runs for every record.  A field not
 * read is 0 (parse_header() clears the region), which exceeds nothing. */
static bool bounds_hold(const struct ms_counts *c, uint32_t have)
{
	uint32_t bad = 0;

#pragma GCC unroll 32
	for (size_t i = 0; i < NR_BOUNDED; i++) {
		unsigned f = bounded[i][0], b = bounded[i][1];

		bad |= (uint32_t)(c->v[f] > c->v[b]) & (have >> b);
	}
	return !(bad & 1);
}

/* Bytes: 64 PiB, more RAM or swap than any machine has, so that sums of
 * counts that nothing else bounds cannot wrap. */
#define COUNT_MAX (1ull << 56)
/* Bounds of bounds: with all of them read, the table's pairs say it all. */
#define BOUNDS ((1u << MS_SIZE) | (1u << MS_RSS) | (1u << MS_PSS) | (1u << MS_ANONYMOUS))
#define PARTS ((1u << MS_SHARED_CLEAN) | (1u << MS_SHARED_DIRTY) | \
	       (1u << MS_PRIVATE_CLEAN) | (1u << MS_PRIVATE_DIRTY) | (1u << MS_RSS))

static uint64_t in_kb(uint64_t bytes)
{
	return bytes / 1024;
}

/* KernelPageSize and MMUPageSize: a power of two from 4 KiB to 16 GiB
 * (powerpc's largest huge page). */
static int check_pages(struct parser *ps, const struct ms_region *r)
{
	for (int f = MS_KERNEL_PAGE; f <= MS_MMU_PAGE; f++) {
		uint64_t v = r->c.v[f];

		if (ms_counts_has(&r->c, f) && (v < 4096 || v > (16ull << 30) || (v & (v - 1))))
			return fail_at(ps, ps->header_line, r, "%s %" PRIu64 " kB, no page size",
				       ms_field_smaps_key(f), in_kb(v));
	}
	return 0;
}

/* Where a record lacks a bound (it was cut short), the bound's own bound. */
static int next_bound(int b)
{
	return b == MS_PSS || b == MS_ANONYMOUS ? MS_RSS : b == MS_RSS ? MS_SIZE : -1;
}

/* Rss's parts, in kB: below 2^56 when each is at most Rss, so no sum wraps. */
static uint64_t parts_kb(const uint64_t *v)
{
	return in_kb(v[MS_SHARED_CLEAN]) + in_kb(v[MS_SHARED_DIRTY]) +
	       in_kb(v[MS_PRIVATE_CLEAN]) + in_kb(v[MS_PRIVATE_DIRTY]);
}

bool ms_counts_bounded(const struct ms_counts *c, uint32_t have, int *field, int *bound)
{
	const uint64_t *v = c->v;
	bool all = (have & BOUNDS) == BOUNDS && bounds_hold(c, have);

	for (size_t i = 0; !all && i < NR_BOUNDED; i++) {
		int f = bounded[i][0], b = bounded[i][1];

		while (b >= 0 && !(have & (1u << b)))
			b = next_bound(b);
		if (b >= 0 && (have & (1u << f)) && v[f] > v[b]) {
			*field = f;
			*bound = b;
			return false;
		}
	}
	/* parts not read are 0: a record cut short has no more than Rss */
	if ((have & (1u << MS_RSS)) && ((have & PARTS) == PARTS ? in_kb(v[MS_RSS]) != parts_kb(v) :
					 in_kb(v[MS_RSS]) < parts_kb(v))) {
		*field = MS_RSS;
		*bound = -1;
		return false;
	}
	return true;
}

/* What rollup sums: each below COUNT_MAX. */
static int check_rollup(struct parser *ps, const struct ms_region *r, uint32_t have)
{
	for (int f = 0; f < MS_FIELD_COUNT; f++)
		if ((have & (1u << f)) && r->c.v[f] >= COUNT_MAX)
			return fail_at(ps, ps->header_line, r, "%s %" PRIu64 " kB, 64 PiB or more",
				       ms_field_smaps_key(f), in_kb(r->c.v[f]));
	return 0;
}

/* Counts no region can have, which would make sums wrap or lie. */
static int check_record(struct parser *ps, const struct ms_region *r)
{
	uint32_t have = r->c.have;
	const uint64_t *v = r->c.v;
	int f, b;

	if (ps->mode == MS_PARSE_ROLLUP) { /* a sum over all regions: no Size */
		have &= ~(1u << MS_SIZE);
		if (check_rollup(ps, r, have) < 0)
			return -EBADMSG;
	} else if (v[MS_SIZE] != r->end - r->start) {
		return fail_at(ps, ps->header_line, r, "Size %" PRIu64 " kB, not the %" PRIu64
			       " kB of its range", in_kb(v[MS_SIZE]), in_kb(r->end - r->start));
	} else if (have & (1u << MS_SWAP)) {
		ps->swap += v[MS_SWAP] < COUNT_MAX ? v[MS_SWAP] : COUNT_MAX;
		if (ps->swap >= COUNT_MAX)
			return fail_at(ps, ps->header_line, r,
				       "Swap %" PRIu64 " kB, 64 PiB or more%s", in_kb(v[MS_SWAP]),
				       ps->swap > v[MS_SWAP] ? " with the regions above" : "");
	}
	if (check_pages(ps, r) < 0)
		return -EBADMSG;
	if (ms_counts_bounded(&r->c, have, &f, &b))
		return 0;
	if (b < 0)
		return fail_at(ps, ps->header_line, r, "Rss %" PRIu64 " kB, not the %" PRIu64
			       " kB of Shared_Clean + Shared_Dirty + Private_Clean + Private_Dirty",
			       in_kb(v[MS_RSS]), parts_kb(v));
	return fail_at(ps, ps->header_line, r, "%s %" PRIu64 " kB, more than its %s %" PRIu64 " kB",
		       ms_field_smaps_key(f), in_kb(v[f]), ms_field_smaps_key(b), in_kb(v[b]));
}

/* The record above a new header, or the last, is complete. */
static int end_record(struct parser *ps, ms_complete_fn *complete, void *arg)
{
	struct ms_region_vec *vec = ps->vec;
	int rc = check_record(ps, &vec->v[vec->n - 1]);

	return rc == 0 && complete ? complete(arg, vec->v, vec->n - 1) : rc;
}

/* A line the fast path did not take.  No line of /proc holds a NUL byte:
 * one there would end a name early, or hide the lines after it. */
static int parse_line(struct parser *ps, const char *line, size_t len, unsigned long lineno)
{
	struct ms_region_vec *vec = ps->vec;
	const char *nul = memchr(line, '\0', len);
	struct ms_region *r;
	int rc;

	if (nul)
		return fail_at(ps, lineno, NULL, "a NUL byte at column %zu",
			       (size_t)(nul - line) + 1);
	if (is_header(line, len)) {
		r = vec_push(vec);
		if (!r)
			return -ENOMEM;
		ps->hint = 0;
		ps->header_line = lineno;
		rc = parse_header(line, len, r, ps->pool);
		return rc < 0 ? rc : check_range(ps, r, lineno);
	}
	if (vec->n == 0)
		return -EBADMSG; /* a field before any header */
	r = &vec->v[vec->n - 1];
	return parse_field(r, line, len, ps->pool, &ps->hint);
}

static int parse_lines(struct parser *ps, struct ms_lines *lr, ms_complete_fn *complete,
		       void *arg)
{
	struct ms_region_vec *vec = ps->vec;
	const char *line;
	size_t len;
	int rc = 0;

	while (rc == 0) {
		const char *p;
		size_t used, left = vec->n ? ms_lines_peek(lr, &p) : 0;

		if (left && (used = fast_kb_line(&vec->v[vec->n - 1], p, left, &ps->hint))) {
			ms_lines_skip(lr, used);
			continue;
		}
		rc = ms_lines_next(lr, &line, &len);
		if (rc <= 0)
			break;
		if (vec->n && is_header(line, len)) /* the last record ended */
			rc = end_record(ps, complete, arg);
		if (rc >= 0)
			rc = parse_line(ps, line, len, lr->lineno);
		if (rc == -EBADMSG && !ps->said)
			rc = ms_fail(ps->err, ps->errlen, rc, "%s line %lu: cannot parse '%.*s'%s",
				     ps->file, lr->lineno, len > 60 ? 60 : (int)len, line,
				     lr->unterminated ? " (the file ends mid-line)" : "");
	}
	if (rc == 0 && vec->n)
		rc = end_record(ps, complete, arg);
	if (rc == -E2BIG)
		ms_fail(ps->err, ps->errlen, rc, "%s line %lu: longer than %u bytes", ps->file,
			lr->lineno + 1, MS_LINE_MAX);
	return rc;
}

static const char *const file_names[] = {
	[MS_PARSE_MAPS] = "maps", [MS_PARSE_SMAPS] = "smaps", [MS_PARSE_ROLLUP] = "smaps_rollup",
};

static int parse(struct ms_lines *lr, enum ms_parse_mode mode, const struct ms_parse_into *into,
		 char *err, size_t errlen)
{
	struct parser ps = { .mode = mode, .file = file_names[mode], .vec = into->vec,
			     .pool = into->pool, .err = err, .errlen = errlen };
	int rc = parse_lines(&ps, lr, into->complete, into->arg);

	ms_lines_release(lr);
	return rc;
}

int ms_smaps_parse(int fd, enum ms_parse_mode mode, bool threads,
		   const struct ms_parse_into *into, char *err, size_t errlen)
{
	struct ms_lines lr;
	int rc = ms_lines_init(&lr, fd, threads);

	if (rc < 0) {
		ms_lines_release(&lr);
		return rc;
	}
	return parse(&lr, mode, into, err, errlen);
}

int ms_smaps_parse_mem(const char *buf, size_t len, size_t piece, enum ms_parse_mode mode,
		       const struct ms_parse_into *into, char *err, size_t errlen)
{
	struct ms_lines lr;

	ms_lines_init_mem(&lr, buf, len, piece);
	return parse(&lr, mode, into, err, errlen);
}
