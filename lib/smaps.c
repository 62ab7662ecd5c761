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

static const struct {
	const char *key;  /* smaps */
	const char *json; /* snapshot document */
} fields[MS_FIELD_COUNT] = {
	[MS_SIZE] = { "Size", "size" },
	[MS_KERNEL_PAGE] = { "KernelPageSize", "kernel_page_size" },
	[MS_MMU_PAGE] = { "MMUPageSize", "mmu_page_size" },
	[MS_RSS] = { "Rss", "rss" },
	[MS_PSS] = { "Pss", "pss" },
	[MS_PSS_DIRTY] = { "Pss_Dirty", "pss_dirty" },
	[MS_PSS_ANON] = { "Pss_Anon", "pss_anon" },
	[MS_PSS_FILE] = { "Pss_File", "pss_file" },
	[MS_PSS_SHMEM] = { "Pss_Shmem", "pss_shmem" },
	[MS_SHARED_CLEAN] = { "Shared_Clean", "shared_clean" },
	[MS_SHARED_DIRTY] = { "Shared_Dirty", "shared_dirty" },
	[MS_PRIVATE_CLEAN] = { "Private_Clean", "private_clean" },
	[MS_PRIVATE_DIRTY] = { "Private_Dirty", "private_dirty" },
	[MS_REFERENCED] = { "Referenced", "referenced" },
	[MS_ANONYMOUS] = { "Anonymous", "anonymous" },
	[MS_KSM] = { "KSM", "ksm" },
	[MS_LAZYFREE] = { "LazyFree", "lazyfree" },
	[MS_ANON_HUGE] = { "AnonHugePages", "anon_huge_pages" },
	[MS_SHMEM_PMD] = { "ShmemPmdMapped", "shmem_pmd_mapped" },
	[MS_FILE_PMD] = { "FilePmdMapped", "file_pmd_mapped" },
	[MS_SHARED_HUGETLB] = { "Shared_Hugetlb", "shared_hugetlb" },
	[MS_PRIVATE_HUGETLB] = { "Private_Hugetlb", "private_hugetlb" },
	[MS_SWAP] = { "Swap", "swap" },
	[MS_SWAP_PSS] = { "SwapPss", "swap_pss" },
	[MS_LOCKED] = { "Locked", "locked" },
};

const char *ms_field_smaps_key(enum ms_field f)
{
	return (unsigned)f < MS_FIELD_COUNT ? fields[f].key : NULL;
}

const char *ms_field_json_key(enum ms_field f)
{
	return (unsigned)f < MS_FIELD_COUNT ? fields[f].json : NULL;
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
 * Finds key in the table.  The kernel prints the keys in one order, so the
 * key after the last one found is tried first: one compare a line.
 */
static int field_lookup(const char *key, size_t len, unsigned *hint)
{
	for (unsigned i = 0; i < MS_FIELD_COUNT; i++) {
		unsigned f = (*hint + i) % MS_FIELD_COUNT;

		if (strncmp(fields[f].key, key, len) == 0 && fields[f].key[len] == '\0') {
			*hint = f + 1;
			return (int)f;
		}
	}
	return -1;
}

int ms_counts_line(struct ms_counts *c, const char *line, size_t len,
		   unsigned *hint)
{
	const char *p = line, *end = line + len;
	const char *colon = memchr(line, ':', len);
	uint64_t kb;
	int f;

	if (!colon || colon == line)
		return -EBADMSG;
	f = field_lookup(line, (size_t)(colon - line), hint);
	if (f < 0)
		return 0;
	p = colon + 1;
	ms_scan_blanks(&p, end);
	if (!ms_scan_dec(&p, end, &kb))
		return -EBADMSG;
	ms_scan_blanks(&p, end);
	/* the one place where kB become bytes */
	if (end - p != 2 || p[0] != 'k' || p[1] != 'B' || kb > UINT64_MAX / 1024)
		return -EBADMSG;
	c->v[f] = kb * 1024;
	c->have |= 1u << f;
	return 1;
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

/* "THPeligible:    1", "ProtectionKey:  0", "VmFlags: rd wr mr". */
static int parse_other(struct ms_region *r, const char *line, size_t len,
		       struct ms_pool *pool)
{
	const char *colon = memchr(line, ':', len);
	const char *p, *end = line + len;
	size_t klen;
	uint64_t v;

	if (!colon)
		return -EBADMSG;
	klen = (size_t)(colon - line);
	p = colon + 1;
	ms_scan_blanks(&p, end);
	if (klen == 7 && memcmp(line, "VmFlags", 7) == 0) {
		while (end > p && end[-1] == ' ')
			end--;
		r->vmflags = ms_pool_strndup(pool, p, (size_t)(end - p));
		return r->vmflags ? 0 : -ENOMEM;
	}
	if ((klen == 11 && memcmp(line, "THPeligible", 11) == 0) ||
	    (klen == 13 && memcmp(line, "ProtectionKey", 13) == 0)) {
		if (!ms_scan_dec(&p, end, &v) || p != end || v > 1u << 30)
			return -EBADMSG;
		*(klen == 11 ? &r->thp_eligible : &r->protection_key) = (int)v;
	}
	return 0; /* a key of a newer kernel */
}

static int parse_line(struct ms_region_vec *vec, const char *line, size_t len,
		      struct ms_pool *pool, unsigned *hint)
{
	struct ms_region *r;
	int rc;

	if (len && ((line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f'))) {
		r = vec_push(vec);
		if (!r)
			return -ENOMEM;
		*hint = 0;
		return parse_header(line, len, r, pool);
	}
	if (vec->n == 0)
		return -EBADMSG; /* a field before any header */
	r = &vec->v[vec->n - 1];
	rc = ms_counts_line(&r->c, line, len, hint);
	if (rc == 0)
		rc = parse_other(r, line, len, pool);
	return rc < 0 ? rc : 0;
}

int ms_smaps_parse(int fd, bool smaps, struct ms_region_vec *vec,
		   struct ms_pool *pool, char *err, size_t errlen)
{
	const char *file = smaps ? "smaps" : "maps";
	struct ms_lines lr;
	const char *line;
	size_t len;
	unsigned hint = 0;
	int rc = ms_lines_init(&lr, fd);

	while (rc == 0 && (rc = ms_lines_next(&lr, &line, &len)) > 0) {
		rc = parse_line(vec, line, len, pool, &hint);
		if (rc == -EBADMSG)
			rc = ms_fail(err, errlen, rc, "%s line %lu: cannot parse '%.*s'%s",
				     file, lr.lineno, len > 60 ? 60 : (int)len,
				     line, lr.unterminated ? " (the file ends mid-line)" : "");
	}
	if (rc == -E2BIG)
		ms_fail(err, errlen, rc, "%s line %lu: longer than %u bytes", file,
			lr.lineno + 1, MS_LINE_MAX);
	ms_lines_release(&lr);
	return rc;
}
