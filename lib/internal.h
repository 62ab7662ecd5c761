/*
 * internal.h - what the library's files share and do not export.
 */
#ifndef MEMSCOPE_INTERNAL_H
#define MEMSCOPE_INTERNAL_H

#include "memscope.h"

#include <pthread.h>
#include <stdarg.h>

#define MS_HIDDEN __attribute__((visibility("hidden")))

struct ms_ctx {
	int rootfd;   /* the /proc root, O_DIRECTORY */
	char *root;
	long page_size;
	long hertz;   /* clock ticks per second, for stat's starttime */
	bool live;    /* the root is a procfs: processes can change under a read */
	bool one_thread; /* MS_CTX_ONE_THREAD: no thread of ours beside the caller's */
};

/* ---- what memscope.h declares and only the library sees (access.c
 * gives each field to callers) ---- */
struct ms_counts {
	uint64_t v[MS_FIELD_COUNT]; /* bytes, indexed by enum ms_field */
	uint32_t have;              /* bit (1u << field) set: v[field] was read */
};


struct ms_region {
	uint64_t start, end;    /* maps: address range, [start, end) */
	uint64_t offset;        /* maps: file offset, bytes */
	uint64_t inode;         /* maps: inode, 0 when anonymous */
	unsigned dev_major, dev_minor; /* maps: device, hex in the file */
	char perms[5];          /* maps: "rwxp" / "r--s" ... */
	bool deleted;           /* maps: the name ended in " (deleted)" */
	const char *path;       /* maps: name as printed (a newline is "\012"),
				   without " (deleted)"; "" when none.  Lives as
				   long as the snapshot. */
	enum ms_class class;
	int object;             /* index into snapshot objects, -1 for none */
	struct ms_counts c;     /* smaps: byte counts */
	int thp_eligible;       /* smaps: THPeligible, -1 when absent */
	int protection_key;     /* smaps: ProtectionKey, -1 when absent */
	const char *vmflags;    /* smaps: VmFlags, space-separated two-letter
				   codes; NULL when absent */
};

/* A mapped file and the sum of all its regions (its segments and bss). */
struct ms_object {
	const char *path;        /* as in ms_region.path */
	uint64_t inode;
	unsigned dev_major, dev_minor;
	enum ms_object_kind kind;
	size_t count;            /* regions */
	struct ms_counts c;      /* summed; a field is unknown if unknown in
				    any region */
};

/* Sums over a set of regions. */
struct ms_total {
	size_t count;
	struct ms_counts c;
};

/* Page counts of one region; "pagemap" is /proc/PID/pagemap, "kpageflags"
 * and "kpagecount" are /proc's (root only). -1 is unknown. */
struct ms_residency {
	uint64_t present;     /* pagemap bit 63: pages in RAM */
	uint64_t swapped;     /* bit 62, less markers: pages in swap */
	uint64_t file;        /* bit 61 of present pages: file or shared anonymous */
	uint64_t exclusive;   /* bit 56: present pages no other process maps */
	uint64_t soft_dirty;  /* bit 55: written since clear_refs 4 */
	uint64_t markers;     /* bit 62 with bit 58 (guard) or 57 (uffd-wp) */
	int64_t zero;         /* present pages that are the shared zero page:
				 kpageflags, else PAGEMAP_SCAN's PFNZERO */
	int64_t thp;          /* present pages in huge pages: kpageflags THP,
				 else PAGEMAP_SCAN's HUGE */
	int64_t ksm;          /* present pages merged by KSM: kpageflags */
	int64_t uss_exact;    /* bytes of present pages mapped once: kpagecount */
	int64_t pss_exact;    /* bytes, each present page divided by its map
				 count: kpagecount */
	struct ms_run *runs;  /* with MS_RES_RUNS: the region as runs */
	size_t nr_runs;
};

struct ms_snapshot {
	char *schema;            /* MS_SNAPSHOT_SCHEMA when taken here */
	pid_t pid;
	char *comm;              /* stat: comm */
	char **argv;             /* cmdline: NULL-terminated; empty for
				    kernel threads and zombies */
	char *exe;               /* readlink exe; NULL when unreadable */
	long long uid;           /* status: Uid (real); -1 when unknown */
	long long start_ticks;   /* stat: starttime, clock ticks since boot;
				    -1 when unknown */
	double started_at;       /* unix seconds: stat btime + start_ticks /
				    HZ; < 0 when unknown */
	double taken_at;         /* unix seconds, when the read began */
	uint64_t took_ns;        /* how long the read took, nanoseconds */
	char *kernel;            /* sys/kernel/osrelease */
	long page_size;          /* bytes */
	bool have_smaps;         /* false: read from maps, counts unknown */

	struct ms_region *regions;  /* ascending by address */
	size_t nr_regions;
	struct ms_object *objects;
	size_t nr_objects;
	struct ms_total totals;
	struct ms_total classes[MS_CLASS_COUNT];

	/* ms_residency_read() fills these; NULL until then */
	struct ms_residency *res;   /* one per region */
	const char *res_method;     /* "pagemap-scan" or "pread" */
	const char *res_pfn_why;    /* why zero/thp/ksm/uss_exact/pss_exact are
				       unknown; NULL when they are known */

	struct ms_pool *pool;    /* private: storage of strings */
	int mm;                  /* private: with MS_SNAP_KEEP_OPEN, the address
				    space read, as an fd + 1 (0: none);
				    ms_snapshot_free() closes it: never copy a
				    snapshot by value */
	/* a field added at the end stays out of the ABI (lib/abi/opaque.suppr) */
	bool fast;               /* MS_SNAP_FAST: maps, with Rss and Swap from
				    pagemap (source "maps+pagemap") */
	uint64_t mm_sig;         /* private: with mm, its ms_mm's sig */
};

struct ms_proc {
	pid_t pid, ppid;
	char state;
	long threads;
	long long start_ticks;
	uint64_t vsize;          /* stat: the address space's size, bytes */
	double started_at;       /* < 0 when unknown */
	long long uid;           /* -1 when unknown */
	const char *comm, *cmdline, *user, *cgroup; /* in the table's pool */
	struct ms_counts c;      /* smaps_rollup, without its Size */
	struct ms_counts *classes; /* MS_PS_CLASSES*: MS_CLASS_COUNT of them, in
				    the table's pool; NULL when not read */
	const char *error;       /* NULL when c was read */
	int rc;
};

/* MS_PS_OBJECTS: the objects of every process read, then folded: one per
 * file, its count the processes that map it (psobjects.c). */
struct ms_psobjects {
	struct ms_object *v;
	size_t n, cap;
	struct ms_pool *pool;    /* where their paths are copied */
};
/* Adds the objects of process pid (its smaps read whole); a process that
 * cannot be read now adds none.  0 or -ENOMEM. */
MS_HIDDEN int ms_psobjects_add(struct ms_ctx *ctx, int piddir, pid_t pid, struct ms_psobjects *into);
/* Sorts and sums the entries of each file; -EOVERFLOW past 2^63. */
MS_HIDDEN int ms_psobjects_fold(struct ms_psobjects *o);

struct ms_ps {
	struct ms_proc *v;       /* ascending by PID */
	size_t n, cap;
	size_t unreadable;
	double taken_at;
	struct ms_counts totals;
	struct ms_pool *pool;
	struct ms_pool *more;    /* the strings of the rows a second thread read */
	struct ms_psobjects objects; /* with MS_PS_OBJECTS: by file */
};

/* A region that differs.  a or b is NULL for an added or removed one (a
 * count there is 0).  Deltas are b - a in bytes. */
struct ms_change {
	enum ms_change_kind kind;
	const struct ms_region *a, *b; /* point into the two snapshots */
	int64_t d[MS_FIELD_COUNT];     /* per field; valid where have has its bit */
	uint32_t have;
	int64_t d_uss;                 /* valid when have_uss */
	bool have_uss;
	uint64_t weight;               /* the larger of |size change|, |Rss change| */
};

struct ms_diff {
	struct ms_change *changes;  /* largest change first */
	size_t nr_changes;
};

/* Writes one line into err (when given); returns code, so callers can
 * "return ms_fail(err, errlen, -EBADMSG, ...)". */
MS_HIDDEN int ms_fail(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- fast.c: Rss and Swap without smaps (MS_SNAP_FAST) ---- */
/* Fills each region's Rss and Swap of snap (read from maps) from pagemap,
 * by PAGEMAP_SCAN when scan, and sums them again; 0 or an error said. */
MS_HIDDEN int ms_fast_fill(struct ms_ctx *ctx, int piddir, struct ms_snapshot *snap, bool scan,
			   char *err, size_t errlen);

/* Unix seconds, now. */
MS_HIDDEN double ms_now_real(void);

/* ---- users.c: names of uids ---- */
struct ms_users {
	char *passwd;            /* the passwd file of a --proc tree's init;
				    NULL: the system's (getpwuid_r) */
	bool system;
	struct ms_user_seen { long long uid; const char *name; } *seen;
	size_t n;
};
/* Where names come from: the system's for the live /proc, else the
 * passwd file under the tree's process 1 (none: numbers stay numbers). */
MS_HIDDEN void ms_users_open(struct ms_ctx *ctx, struct ms_users *u);
/* uid's name, copied into pool; NULL when it has none.  Each uid is
 * looked up once. */
MS_HIDDEN const char *ms_users_name(struct ms_users *u, long long uid, struct ms_pool *pool);
MS_HIDDEN void ms_users_close(struct ms_users *u);

/* ---- pool.c: strings that live as long as a snapshot ---- */
struct ms_pool;
MS_HIDDEN struct ms_pool *ms_pool_new(void);
MS_HIDDEN void ms_pool_free(struct ms_pool *pool);
/* Forgets every string, keeping one block for the next ones. */
MS_HIDDEN void ms_pool_reset(struct ms_pool *pool);
/* size bytes in pool, aligned for 64-bit integers and pointers; NULL when
 * out of memory. */
MS_HIDDEN void *ms_pool_alloc(struct ms_pool *pool, size_t size);
/* A NUL-terminated copy of s[0..len) in pool; NULL when out of memory. */
MS_HIDDEN char *ms_pool_strndup(struct ms_pool *pool, const char *s, size_t len);

/* ---- scan.c: cursor-advancing parsers; on failure *p is unchanged ---- */
MS_HIDDEN bool ms_scan_hex(const char **p, const char *end, uint64_t *v);
MS_HIDDEN bool ms_scan_dec(const char **p, const char *end, uint64_t *v);
MS_HIDDEN bool ms_scan_char(const char **p, const char *end, char c);
MS_HIDDEN void ms_scan_blanks(const char **p, const char *end);
/* Advances past the next run of non-blanks; false when there is none. */
MS_HIDDEN bool ms_scan_word(const char **p, const char *end,
			    const char **word, size_t *len);

/* ---- lines.c: a /proc file read line by line, lines of any length ---- */
#define MS_LINE_MAX (16u << 20) /* longer: -E2BIG, not an endless read */
#define MS_LINES_CHUNKS 8

struct ms_lines {
	int fd;
	char *chunks;           /* MS_LINES_CHUNKS chunks */
	const char *cur;        /* the chunk being parsed */
	size_t cur_len, pos;
	char *carry;            /* a line that spans chunks */
	size_t carry_len, carry_cap;
	bool carried;           /* the last line returned was carry */
	bool eof;
	bool unterminated;      /* the last line returned had no newline */
	unsigned long lineno;
	unsigned reads;         /* chunks read inline, before the reader thread */
	int rd_end;             /* reading met: 0 nothing yet, 1 the end, or -errno */
	/* the reader thread: fills chunk head % N, we parse tail % N */
	bool threaded, stop, taken;
	unsigned head, tail;
	ssize_t lens[MS_LINES_CHUNKS];
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
	/* or a buffer in memory, handed out piece by piece */
	bool from_mem;
	bool no_thread;         /* read inline to the end */
	const char *mem;        /* the next piece */
	size_t mem_left, piece;
};

/* Takes fd (closed by ms_lines_release). Returns 0 or -ENOMEM. */
MS_HIDDEN int ms_lines_init(struct ms_lines *lr, int fd, bool threads);
/* Reads buf[0..len) (not copied: it must outlive lr) in pieces of piece
 * bytes, 0 for all at once.  Returns 0. */
MS_HIDDEN int ms_lines_init_mem(struct ms_lines *lr, const char *buf, size_t len,
				size_t piece);
MS_HIDDEN void ms_lines_release(struct ms_lines *lr);
/* 1 and a line (without its newline; valid until the next call), 0 at the
 * end, or a negative errno. */
MS_HIDDEN int ms_lines_next(struct ms_lines *lr, const char **line, size_t *len);
/* For a parser's fast path: the unread bytes of the current chunk (0 when a
 * line is being carried over), and a skip past one line taken from them. */
static inline size_t ms_lines_peek(const struct ms_lines *lr, const char **p)
{
	if (lr->carried || lr->carry_len)
		return 0;
	*p = lr->cur + lr->pos;
	return lr->cur_len - lr->pos;
}

static inline void ms_lines_skip(struct ms_lines *lr, size_t n)
{
	lr->pos += n;
	lr->lineno++;
}

/* ---- pid.c: one process, opened once ---- */
/* openat(rootfd, "PID", O_DIRECTORY|O_NOFOLLOW); -ESRCH when there is none. */
MS_HIDDEN int ms_pid_open(struct ms_ctx *ctx, pid_t pid);
/* openat(dirfd, name) for reading; ENOENT becomes -ESRCH (the process went). */
MS_HIDDEN int ms_pid_openat(int dirfd, const char *name);
/* Reads a small file whole, NUL-terminated, into *out (malloc'ed). */
MS_HIDDEN int ms_read_small(int dirfd, const char *name, char **out, size_t *len);
/* Reads the process's stat into *stat (malloc'ed); a process gone, or a
 * stat we may not read, is said in err as every reader says it. */
MS_HIDDEN int ms_read_stat(const struct ms_ctx *ctx, int piddir, pid_t pid, char **stat,
			   char *err, size_t errlen);
/* A file of the process that is not there (-ESRCH from the calls above):
 * -ESRCH, it exited, or in a saved tree -ENOENT, it was not saved; err says
 * which. */
MS_HIDDEN int ms_gone(const struct ms_ctx *ctx, pid_t pid, const char *file, char *err,
		      size_t errlen);
/* The address space a read is of (pid.c says how). */
struct ms_mm {
	int fd;       /* its maps, kept until the read is checked; -1 for a saved tree */
	uint64_t sig; /* stat's figures of the address space the PID had just
			 before the open (pid.c); 0 when not read */
};
/* The address space a read begins on, into mm; with sig, its figures too (a
 * read of more than one file of it needs them: an exec by a vfork child
 * leaves the one held alive).  0 or a negative errno, with the reason in
 * err. */
MS_HIDDEN int ms_mm_open(struct ms_ctx *ctx, int piddir, bool sig, struct ms_mm *mm,
			 char *err, size_t errlen);
/* After a read: 0 when the address space mm was opened on lives and is the
 * PID's still; -ESRCH (exited) or -ESTALE (replaced by exec), with the
 * reason in err. */
MS_HIDDEN int ms_mm_check(struct ms_ctx *ctx, int piddir, const struct ms_mm *mm, char *err,
			  size_t errlen);

/* ---- smaps.c ---- */
struct ms_region_vec {
	struct ms_region *v;
	size_t n, cap;
};
enum ms_parse_mode {
	MS_PARSE_MAPS,    /* /proc/PID/maps: a header line a region */
	MS_PARSE_SMAPS,   /* smaps: a header and its "Key: N kB" lines */
	MS_PARSE_ROLLUP,  /* smaps_rollup: one record, whose range is no size */
};
/* Called when region i of vec is complete; a negative errno stops the read. */
typedef int ms_complete_fn(void *arg, struct ms_region *v, size_t i);
#include "jsonw.h"

/* Where a parse puts what it reads: regions in vec, strings in pool;
 * complete (may be NULL) hears of each region once its counts are checked. */
struct ms_parse_into {
	struct ms_region_vec *vec;
	struct ms_pool *pool;
	ms_complete_fn *complete;
	void *arg;
};
/* Parses fd (closed here) into *into; with threads, a large file is read
 * in a second thread.  -EBADMSG or -E2BIG come with a line
 * in err. */
MS_HIDDEN int ms_smaps_parse(int fd, enum ms_parse_mode mode, bool threads,
			     const struct ms_parse_into *into, char *err, size_t errlen);
/* The same from buf[0..len), handed to the parser in pieces of piece bytes
 * (0: at once), as a file is by read(): for the fuzz targets. */
MS_HIDDEN int ms_smaps_parse_mem(const char *buf, size_t len, size_t piece,
				 enum ms_parse_mode mode, const struct ms_parse_into *into,
				 char *err, size_t errlen);
/* sum += c; false when a sum passes 2^63 - 1, as no count may (a difference
 * of two is an int64_t). */
MS_HIDDEN bool ms_counts_add(struct ms_counts *sum, const struct ms_counts *c);
/* What smaps and a snapshot document may hold, the same rule for both, so
 * that everything written reads back: perms as the kernel prints them
 * ([r-][w-][x-][ps]); VmFlags as words of 1 to 4 bytes of printable ASCII
 * (the kernel prints two letters, "??" once), MS_VMFLAGS_MAX at most. */
#define MS_VMFLAGS_MAX 64
#define MS_VMFLAG_LEN 4
MS_HIDDEN bool ms_perms_ok(const char *perms, size_t len);
MS_HIDDEN bool ms_vmflag_ok(const char *word, size_t len);
/* A region's counts (those in have) within each other, as the kernel makes
 * them: smaps and a snapshot read back are held to the same.  False with
 * the first count (*field) that passes what bounds it (*bound), or with
 * *field MS_RSS and *bound -1 when Rss is not the sum of its four parts. */
MS_HIDDEN bool ms_counts_bounded(const struct ms_counts *c, uint32_t have, int *field,
				 int *bound);

/* ---- procinfo.c: pid, comm, argv, exe, uid, start ---- */
#define MS_PF_KTHREAD 0x00200000 /* stat's flags (include/linux/sched.h): a kernel thread */
/* Field 22 of a stat line (comm may hold spaces and ')'); -EBADMSG. */
MS_HIDDEN int ms_stat_start_ticks(const char *stat, long long *ticks);
/* Field n (>= 3) of a stat line, after the comm: as a word, and as a
 * decimal number; false when it is not there (or not a number). */
MS_HIDDEN bool ms_stat_field(const char *stat, int n, const char **w, size_t *len);
MS_HIDDEN bool ms_stat_number(const char *stat, int n, uint64_t *v);
/* status: the real uid; -1 when unknown. */
MS_HIDDEN long long ms_status_uid(int piddir);
/* The root's stat: btime, the boot in unix seconds; -1 when unknown. */
MS_HIDDEN double ms_boot_time(struct ms_ctx *ctx);
/* sys/kernel/osrelease under the root, without its newline (malloc'ed);
 * NULL when it cannot be read */
MS_HIDDEN char *ms_read_osrelease(struct ms_ctx *ctx);
/* 0 for a process (of directory piddir, whose stat is stat) with a user
 * address space; -ENODATA for a kernel thread, -ESRCH for a zombie (or a
 * main thread that exited before the others), with the reason in err;
 * -EBADMSG. */
MS_HIDDEN int ms_stat_has_memory(int piddir, const char *stat, char *err, size_t errlen);
MS_HIDDEN int ms_procinfo_read(struct ms_ctx *ctx, int piddir,
			       struct ms_snapshot *snap, char *err, size_t errlen);

/* ---- threads.c: stack pointers of the threads other than the main one ---- */
struct ms_sps {
	uint64_t *v;
	size_t n;
	size_t unknown; /* threads whose stack pointer could not be read */
	uint64_t default_stack; /* limits: soft RLIMIT_STACK, bytes; 0 unknown */
};
MS_HIDDEN int ms_thread_sps(int piddir, pid_t pid, struct ms_sps *sps);

/* ---- residency.c ---- */
MS_HIDDEN void ms_residency_free(struct ms_snapshot *snap);

/* ---- classify.c: the rules ---- */
MS_HIDDEN bool ms_is_real_file(const struct ms_region *r);
MS_HIDDEN enum ms_class ms_base_class(const struct ms_region *r,
				      const struct ms_region *prev,
				      const struct ms_sps *sps);
MS_HIDDEN enum ms_class ms_segment_class(const struct ms_region *r);
MS_HIDDEN bool ms_is_bss_shaped(const struct ms_region *r);
MS_HIDDEN bool ms_is_bss_of(const struct ms_region *r, const struct ms_region *prev);

/* ---- elf.c: the program headers of a mapped file ---- */
struct ms_elf_load {         /* a writable PT_LOAD */
	uint64_t vaddr, offset, filesz, memsz;
};
#define MS_ELF_LOADS 4       /* kept per file; glibc's objects have one */
struct ms_elf {
	bool magic;          /* the file starts with \177ELF */
	bool known;          /* its program headers were read and add up */
	unsigned n;
	struct ms_elf_load w[MS_ELF_LOADS];
};
/* Reads the ELF header and program headers of the open file fd, bounded and
 * checked; a file that is no ELF, or one that does not add up, leaves
 * known false.  0, or a negative errno when fd cannot be read at all. */
MS_HIDDEN int ms_elf_read(int fd, struct ms_elf *e);
/* The bss [*lo, *hi) that the headers give the segment the data region
 * maps, page-rounded as the loader maps it; false when they give none. */
MS_HIDDEN bool ms_elf_bss(const struct ms_elf *e, const struct ms_region *data,
			  uint64_t page, uint64_t *lo, uint64_t *hi);

/* ---- objects.c: the mapped files ---- */
struct ms_objtab {
	size_t *slot;      /* object index + 1; 0 is empty */
	size_t mask;
	size_t cap;        /* of snap->objects */
	signed char *elf;  /* per object: 1 ELF, 0 not, -1 not known yet */
	struct ms_elf *hdr; /* per object: its program headers, read once */
};
/* The object of a file region, made (and its file looked at) on first sight. */
MS_HIDDEN int ms_obj_find(struct ms_snapshot *snap, struct ms_objtab *t, int piddir,
			  const struct ms_region *r);
MS_HIDDEN void ms_obj_settle(struct ms_snapshot *snap, struct ms_objtab *t, int o, bool elf);
MS_HIDDEN void ms_objtab_release(struct ms_objtab *t);

/* ---- snapshot.c ---- */
/* Taken with MS_SNAP_STREAM: it kept no region. */
static inline bool ms_streamed(const struct ms_snapshot *snap)
{
	return !snap->regions && snap->nr_regions;
}
struct ms_take_hooks {
	ms_region_fn *each;   /* as ms_snapshot_take_each()'s */
	/* each try: the facts are read, the regions come next */
	void (*begin)(const struct ms_snapshot *snap, void *arg);
	void *arg;            /* of both */
};
/* ms_snapshot_take_each(), and begin() called on each try; _dir() of the
 * process whose directory piddir is (held open by the caller: a PID
 * recycled since reads as gone, never as the next process). */
MS_HIDDEN int ms_snapshot_take_dir(struct ms_ctx *ctx, int piddir, pid_t pid, unsigned flags,
				  const struct ms_take_hooks *hooks, struct ms_snapshot **out,
				  char *err, size_t errlen);
MS_HIDDEN int ms_snapshot_take_hooked(struct ms_ctx *ctx, pid_t pid, unsigned flags,
				      const struct ms_take_hooks *hooks,
				      struct ms_snapshot **out, char *err, size_t errlen);

/* ---- classifier.c: classes and sums while smaps is read ---- */
struct ms_classifier {
	struct ms_snapshot *snap;
	int piddir;
	struct ms_sps sps;
	struct ms_objtab objs;
	uint64_t page;     /* bytes; the loader rounds segments to it */
	uint64_t bss_end;  /* of the last bss its object's headers gave */
	size_t done;   /* regions with a base class and object */
	size_t final;  /* regions classified, summed and handed out */
	ms_region_fn *each;
	void *arg;
	/* MS_SNAP_STREAM: the regions are not kept.  Once nothing waits, vec
	 * is cut back to the last final region (the next one's neighbour), and
	 * scratch, which holds their strings, is emptied; that region's own
	 * strings move to prev_strings first. */
	bool stream;
	struct ms_region_vec *vec;
	struct ms_pool *scratch;
	char *prev_strings;
	size_t prev_cap;
	const struct ms_take_hooks *hooks;
};
MS_HIDDEN int ms_classifier_init(struct ms_classifier *cl, struct ms_snapshot *snap,
				 int piddir, long page);
/* Region i of v is complete (v may move between calls).  0, -ENOMEM, or
 * -EOVERFLOW when a sum passes 2^63 - 1 bytes. */
MS_HIDDEN int ms_classifier_add(struct ms_classifier *cl, struct ms_region *v, size_t i);
/* The end: what is unsettled is no ELF image; the rest becomes final. */
MS_HIDDEN int ms_classifier_finish(struct ms_classifier *cl, struct ms_region *v);
MS_HIDDEN void ms_classifier_release(struct ms_classifier *cl);

#endif
