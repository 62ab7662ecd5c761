/*
 * memscope.h - libmemscope: where a Linux process's memory is, and how much
 * of it is in RAM.
 *
 * Rules that hold for every function here (see memscope(3)):
 *  - Functions returning int return 0 or a negative errno.  -ESRCH means the
 *    process is gone (a zombie, or exited while it was read), -ESTALE that it
 *    was replaced by exec while it was read, -ENODATA that it is a kernel
 *    thread, -EACCES or -EPERM that we may not read it, -EBADMSG that a /proc
 *    file did not parse, -ENOENT that a saved tree lacks a file.  A read is
 *    of one address space from start to end, or it fails: docs/whole.md.
 *  - Functions returning a pointer return NULL and set errno.
 *  - Where a person needs the reason, the caller passes a buffer (err, errlen)
 *    that receives one lowercase line.
 *  - The library keeps no global state, never prints and never exits.  A
 *    context does not change once made, so threads may share one; a
 *    snapshot is used by one thread at a time.
 */
#ifndef MEMSCOPE_H
#define MEMSCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the JSON snapshot document ("schema" key). */
#define MS_SNAPSHOT_SCHEMA "memscope-snapshot/1"

/* ------------------------------------------------------------------ */
/* Context                                                              */

struct ms_ctx;

/*
 * Threads.  A read may start one thread of its own beside the caller's,
 * and joins it before it returns: ms_snapshot_take() reads a large smaps
 * (past 256 KiB, a few hundred regions) in a second thread while the
 * caller's parses, and ms_residency_read() walks a region of 64 MiB or
 * more in two threads, the second started on another CPU than the
 * caller's (then free to run wherever the caller may); ms_ps_take() reads
 * the second half of 128 processes or more in a second thread.  The threads
 * inherit the caller's signal mask and call nothing of the caller's.
 * MS_CTX_ONE_THREAD keeps every read of a context on the caller's thread.
 */
enum ms_ctx_flags {
	MS_CTX_ONE_THREAD = 1 << 0, /* start no thread: slower on large processes */
};

/*
 * Opens the /proc tree at proc_root (NULL means "/proc"); a saved fixture
 * tree works as well as the live one.  flags from enum ms_ctx_flags.  The
 * caller frees it with ms_ctx_free().  Returns NULL and sets errno when the
 * root cannot be opened, or flags has an unknown bit (EINVAL).  Nothing in
 * a context changes after it is made, so threads may share one.
 */
struct ms_ctx *ms_ctx_open(const char *proc_root, unsigned flags);
/* ms_ctx_open(proc_root, 0). */
struct ms_ctx *ms_ctx_new(const char *proc_root);
void ms_ctx_free(struct ms_ctx *ctx);
/* The root given to ms_ctx_new(); lives as long as ctx. */
const char *ms_ctx_proc_root(const struct ms_ctx *ctx);
/* Bytes per page of this machine (sysconf), the unit of pagemap. */
long ms_ctx_page_size(const struct ms_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Byte counts of smaps                                                 */

/*
 * One value per smaps key.  All are bytes (smaps prints kB; the parser
 * multiplies by 1024 in one place).  The comment names the smaps key.
 */
enum ms_field {
	MS_SIZE,            /* Size */
	MS_KERNEL_PAGE,     /* KernelPageSize */
	MS_MMU_PAGE,        /* MMUPageSize */
	MS_RSS,             /* Rss */
	MS_PSS,             /* Pss */
	MS_PSS_DIRTY,       /* Pss_Dirty (6.0+) */
	MS_PSS_ANON,        /* Pss_Anon (smaps_rollup only) */
	MS_PSS_FILE,        /* Pss_File (smaps_rollup only) */
	MS_PSS_SHMEM,       /* Pss_Shmem (smaps_rollup only) */
	MS_SHARED_CLEAN,    /* Shared_Clean */
	MS_SHARED_DIRTY,    /* Shared_Dirty */
	MS_PRIVATE_CLEAN,   /* Private_Clean */
	MS_PRIVATE_DIRTY,   /* Private_Dirty */
	MS_REFERENCED,      /* Referenced */
	MS_ANONYMOUS,       /* Anonymous */
	MS_KSM,             /* KSM (6.7+) */
	MS_LAZYFREE,        /* LazyFree */
	MS_ANON_HUGE,       /* AnonHugePages */
	MS_SHMEM_PMD,       /* ShmemPmdMapped */
	MS_FILE_PMD,        /* FilePmdMapped */
	MS_SHARED_HUGETLB,  /* Shared_Hugetlb */
	MS_PRIVATE_HUGETLB, /* Private_Hugetlb */
	MS_SWAP,            /* Swap */
	MS_SWAP_PSS,        /* SwapPss */
	MS_LOCKED,          /* Locked */
	MS_FIELD_COUNT      /* grows with the keys: never an array size of
			       anything a caller keeps */
};

/*
 * What the library gives, each known only by its functions (memscope(3),
 * Accessors): none has a size a caller could depend on.
 */
struct ms_counts;     /* a byte count per enum ms_field, and which were read */
struct ms_region;     /* a mapping: maps' header, smaps' counts, its class */
struct ms_object;     /* a mapped file and the sums of its regions */
struct ms_total;      /* a count of regions and the sums of their counts */
struct ms_residency;  /* which pages of a region are in RAM (docs/pages.md) */
struct ms_snapshot;   /* one read of a process */
struct ms_change;     /* a region that differs between two snapshots */
struct ms_diff;       /* the changes from one snapshot to another */

/* The smaps key of a field ("Pss_Dirty") and its JSON key ("pss_dirty"). */
const char *ms_field_smaps_key(enum ms_field f);
const char *ms_field_json_key(enum ms_field f);

/*
 * USS: Private_Clean + Private_Dirty, bytes.  Returns false when either is
 * unknown.
 */
bool ms_counts_uss(const struct ms_counts *c, uint64_t *uss);
/* Whether field f was read. */
bool ms_counts_has(const struct ms_counts *c, enum ms_field f);
/* Frees what ms_rollup_read() gave; NULL does nothing. */
void ms_counts_free(struct ms_counts *c);

/* ------------------------------------------------------------------ */
/* Classes (docs/classes.md has the rules)                              */

enum ms_class {
	MS_CLASS_CODE,
	MS_CLASS_RODATA,
	MS_CLASS_DATA,
	MS_CLASS_BSS,
	MS_CLASS_HEAP,
	MS_CLASS_STACK,
	MS_CLASS_THREAD_STACK,
	MS_CLASS_ANON,
	MS_CLASS_ANON_SHARED,
	MS_CLASS_FILE_PRIVATE,
	MS_CLASS_FILE_SHARED,
	MS_CLASS_SYSV_SHM,
	MS_CLASS_KERNEL,
	MS_CLASS_GUARD,
	MS_CLASS_COUNT
};

/* "code", "thread-stack", ...: a public contract; NULL when out of range. */
const char *ms_class_name(enum ms_class c);
/* Inverse of ms_class_name(); -1 when name is no class. */
int ms_class_from_name(const char *name);

/* ------------------------------------------------------------------ */
/* Regions and objects                                                  */

enum ms_object_kind {
	MS_OBJECT_EXE,   /* the ELF image of /proc/PID/exe */
	MS_OBJECT_LIB,   /* any other ELF image: a shared library, ld.so */
	MS_OBJECT_FILE,  /* a mapped file that is no ELF image */
};

/* ------------------------------------------------------------------ */
/* Residency: which pages are in RAM (docs/pages.md)                    */

enum ms_page_state {
	MS_PAGE_ABSENT,   /* never touched, or dropped: no page behind it */
	MS_PAGE_PRESENT,  /* in RAM */
	MS_PAGE_SWAPPED,  /* in swap */
	MS_PAGE_MARKER,   /* a guard-region or userfaultfd marker: no page */
};

/* A run of pages in one state, [start, end). */
struct ms_run {
	uint64_t start, end;
	enum ms_page_state state;
};

enum ms_res_flags {
	MS_RES_PREAD = 1 << 0,  /* read pagemap with pread only, not PAGEMAP_SCAN */
	MS_RES_RUNS = 1 << 1,   /* keep the runs of each region */
	MS_RES_NO_PFN = 1 << 2, /* skip kpageflags and kpagecount */
};

/* ------------------------------------------------------------------ */
/* Snapshots                                                            */

enum ms_snap_flags {
	MS_SNAP_MAPS_ONLY = 1 << 0, /* read maps, not smaps: no byte counts
				       (cheap: no page-table walk) */
	MS_SNAP_KEEP_OPEN = 1 << 1, /* keep the address space read open (one
				       descriptor) until ms_snapshot_free(), so
				       that ms_residency_read() sees an exec
				       since (docs/whole.md) */
	MS_SNAP_STREAM = 1 << 2,    /* keep no region: each() hears them, the
				       snapshot has the facts, objects and sums
				       (regions NULL, nr_regions counted), and
				       memory stays flat however many regions
				       there are.  Such a snapshot has no diff,
				       residency or full document: -EINVAL */
	MS_SNAP_FAST = 1 << 3,      /* under the smaps floor: maps, and each
				       region's Rss and Swap from one
				       PAGEMAP_SCAN walk (pread of pagemap
				       without it); every other count unknown.
				       Not with MS_SNAP_STREAM (-EINVAL).
				       docs/pages.md says where it differs
				       from smaps */
	MS_SNAP_PREAD = 1 << 4,     /* with MS_SNAP_FAST: pread, not
				       PAGEMAP_SCAN */
};

/*
 * Reads /proc/PID of ctx into a new snapshot; the caller frees it with
 * ms_snapshot_free().  Returns 0, -ESRCH (no such process, a zombie, or it
 * exited during the read), -ESTALE (it exec'd during the read), -ENODATA (a
 * kernel thread), -EACCES/-EPERM, -EBADMSG (a file did not parse), -ENOENT
 * (a saved tree lacks smaps), -ENOMEM.  With MS_SNAP_KEEP_OPEN the snapshot
 * holds one descriptor (the process's maps) until it is freed.
 */
int ms_snapshot_take(struct ms_ctx *ctx, pid_t pid, unsigned flags,
		     struct ms_snapshot **out, char *err, size_t errlen);

/* Hears of one region, classified and final; r lives only during the call. */
typedef void ms_region_fn(const struct ms_region *r, void *arg);

/*
 * As ms_snapshot_take(), and calls each(r, arg) for every region in address
 * order as soon as it is final, while the rest is still being read: a caller
 * can format a region while the kernel prints the next ones.  When the call
 * then fails, what each() heard is no snapshot: throw it away.  A read that
 * must start again (the process's mappings merged under it: docs/whole.md)
 * first calls each(NULL, arg): forget what was heard so far.  After a few
 * such tries the call fails with -EAGAIN.
 */
int ms_snapshot_take_each(struct ms_ctx *ctx, pid_t pid, unsigned flags,
			  ms_region_fn *each, void *arg, struct ms_snapshot **out,
			  char *err, size_t errlen);
void ms_snapshot_free(struct ms_snapshot *snap);

/* ------------------------------------------------------------------ */
/* Differences between two snapshots (docs/diff.md)                     */

enum ms_change_kind {
	MS_CHANGE_ADDED,    /* in b only */
	MS_CHANGE_REMOVED,  /* in a only */
	MS_CHANGE_GROWN,    /* in both: larger in b, or as large with more Rss */
	MS_CHANGE_SHRUNK,   /* in both: smaller in b, or as large with less Rss */
};

/*
 * The regions that differ from a to b.  Regions match by start address and
 * name; what is left matches by overlap and name (moved, merged, split);
 * the rest is added or removed.  Regions the same in range and every count
 * are not listed, the largest change first.  Returns 0, -ENOMEM, or
 * -EINVAL for a streamed snapshot; *out (NULL on failure) is freed with
 * ms_diff_free().  The changes point into a and b: keep both while *out is
 * used.
 */
int ms_snapshot_diff(const struct ms_snapshot *a, const struct ms_snapshot *b,
		     struct ms_diff **out);
void ms_diff_free(struct ms_diff *d);

enum ms_json_flags {
	MS_JSON_PRETTY = 1 << 0,  /* indented, a key a line */
	MS_JSON_SUMMARY = 1 << 1, /* no "regions": schema MS_SUMMARY_SCHEMA */
};

/* Version of the summary document (a snapshot without its regions). */
#define MS_SUMMARY_SCHEMA "memscope-summary/1"

/*
 * The snapshot as one JSON document (docs/snapshot.md); flags from enum
 * ms_json_flags.  The caller frees the string with free().  NULL and errno
 * on failure: ENOMEM, or EINVAL for the full document of a snapshot taken
 * with MS_SNAP_STREAM.
 */
char *ms_snapshot_to_json(const struct ms_snapshot *snap, unsigned flags);

/*
 * An address as every memscope document writes it: "0x" and lowercase hex,
 * a string (a JSON number loses precision past 2^53).  buf holds
 * MS_ADDRESS_LEN bytes at least; returns buf.
 */
#define MS_ADDRESS_LEN 19
char *ms_address_string(uint64_t addr, char *buf);

/*
 * Receives a document piece by piece: 0, or a negative errno that stops the
 * writing.  buf NULL: the read starts again (docs/whole.md), forget what
 * was received; a negative errno when that cannot be done (a pipe).
 */
typedef int ms_write_fn(const char *buf, size_t len, void *arg);

/*
 * Reads /proc/PID as ms_snapshot_take() does (flags: MS_SNAP_MAPS_ONLY or
 * 0) and writes the document ms_snapshot_to_json() would write of it
 * (json_flags), streaming: each region is written as its record ends, in
 * pieces of 64 KiB or so, so memory stays flat however many regions there
 * are.  Returns 0 when the document was written whole; else what
 * ms_snapshot_take() returns, or what write() returned, and what write()
 * received ends unclosed (it is no JSON document).
 */
int ms_snapshot_write_json(struct ms_ctx *ctx, pid_t pid, unsigned flags, unsigned json_flags,
			   ms_write_fn *write, void *arg, char *err, size_t errlen);

/*
 * Reads a document written by ms_snapshot_to_json().  Returns 0, -EBADMSG
 * (not JSON, or not a snapshot; err says what is wrong), -EPROTO (a newer
 * schema version), -ENOMEM.
 */
int ms_snapshot_from_json(const char *text, size_t len,
			  struct ms_snapshot **out, char *err, size_t errlen);

/*
 * Reads /proc/PID/smaps_rollup, the kernel's own sums over all regions,
 * into *out (NULL on failure), freed with ms_counts_free().  Returns as
 * ms_snapshot_take().
 */
int ms_rollup_read(struct ms_ctx *ctx, pid_t pid, struct ms_counts **out,
		   char *err, size_t errlen);

/*
 * Reads which pages of every region of snap are in RAM, in swap, shared,
 * from /proc/PID/pagemap (and, as root, /proc/kpageflags and kpagecount)
 * (ms_snapshot_residency()).  The process must still be the one snap was taken of
 * (same start time), else -ESRCH.  PAGEMAP_SCAN (Linux 6.7+) finds the
 * populated ranges; where the kernel lacks it, or with MS_RES_PREAD,
 * pagemap is read whole in 1 MiB preads.  Both give the same counts, but
 * for zero and thp, which only PAGEMAP_SCAN or kpageflags can tell (-1
 * otherwise).
 * Returns 0, -ESRCH (gone, or exited during the read), -EACCES, -ENOMEM.
 */
int ms_residency_read(struct ms_ctx *ctx, struct ms_snapshot *snap, unsigned flags,
		      char *err, size_t errlen);

/*
 * Clears the referenced (accessed) bits of every page of the process
 * (writes "1" to /proc/PID/clear_refs): smaps' Referenced then counts what
 * the process touches from now on, its working set.  This changes what the
 * kernel knows of the process's recent use of its pages, and so what it
 * reclaims first; it needs the right to write there (the owner, or root).
 * Returns 0, -ESRCH, -EACCES.
 */
int ms_clear_refs(struct ms_ctx *ctx, pid_t pid, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* Accessors: each fact of a snapshot through a function, so that a     */
/* caller depends on no struct's size or layout (memscope(3), Versions). */
/* An index out of range gives NULL; a count not read, false.           */

pid_t ms_snapshot_pid(const struct ms_snapshot *s);
const char *ms_snapshot_comm(const struct ms_snapshot *s);
const char *const *ms_snapshot_argv(const struct ms_snapshot *s); /* NULL-terminated */
const char *ms_snapshot_exe(const struct ms_snapshot *s);          /* NULL: unreadable */
long long ms_snapshot_uid(const struct ms_snapshot *s);            /* -1: unknown */
long long ms_snapshot_start_ticks(const struct ms_snapshot *s);    /* -1: unknown */
double ms_snapshot_started_at(const struct ms_snapshot *s);        /* < 0: unknown */
double ms_snapshot_taken_at(const struct ms_snapshot *s);
uint64_t ms_snapshot_took_ns(const struct ms_snapshot *s);
const char *ms_snapshot_kernel(const struct ms_snapshot *s);
long ms_snapshot_page_size(const struct ms_snapshot *s);
bool ms_snapshot_has_smaps(const struct ms_snapshot *s);  /* false: read from maps */
size_t ms_snapshot_nr_regions(const struct ms_snapshot *s);
/* NULL past the end, and for every region of a streamed snapshot */
const struct ms_region *ms_snapshot_region(const struct ms_snapshot *s, size_t i);
size_t ms_snapshot_nr_objects(const struct ms_snapshot *s);
const struct ms_object *ms_snapshot_object(const struct ms_snapshot *s, size_t i);
const struct ms_total *ms_snapshot_totals(const struct ms_snapshot *s);
const struct ms_total *ms_snapshot_class(const struct ms_snapshot *s, enum ms_class c);
/* region i's pages, NULL until ms_residency_read() */
const struct ms_residency *ms_snapshot_residency(const struct ms_snapshot *s, size_t i);
const char *ms_snapshot_pages_method(const struct ms_snapshot *s);
const char *ms_snapshot_pages_pfn_why(const struct ms_snapshot *s);

uint64_t ms_region_start(const struct ms_region *r);
uint64_t ms_region_end(const struct ms_region *r);
uint64_t ms_region_size(const struct ms_region *r);       /* end - start; 0 for NULL */
uint64_t ms_region_offset(const struct ms_region *r);
uint64_t ms_region_inode(const struct ms_region *r);
unsigned ms_region_dev_major(const struct ms_region *r);
unsigned ms_region_dev_minor(const struct ms_region *r);
const char *ms_region_perms(const struct ms_region *r);
bool ms_region_deleted(const struct ms_region *r);
const char *ms_region_path(const struct ms_region *r);
enum ms_class ms_region_class(const struct ms_region *r);
int ms_region_object(const struct ms_region *r);          /* -1: none */
int ms_region_thp_eligible(const struct ms_region *r);    /* -1: absent */
int ms_region_protection_key(const struct ms_region *r);  /* -1: absent */
const char *ms_region_vmflags(const struct ms_region *r); /* NULL: absent */
const struct ms_counts *ms_region_counts(const struct ms_region *r);

const char *ms_object_path(const struct ms_object *o);
uint64_t ms_object_inode(const struct ms_object *o);
unsigned ms_object_dev_major(const struct ms_object *o);
unsigned ms_object_dev_minor(const struct ms_object *o);
enum ms_object_kind ms_object_kind(const struct ms_object *o);
size_t ms_object_count(const struct ms_object *o);
const struct ms_counts *ms_object_counts(const struct ms_object *o);
size_t ms_total_count(const struct ms_total *t);
const struct ms_counts *ms_total_counts(const struct ms_total *t);

/* A field's bytes into *v; false when it was not read. */
bool ms_counts_get(const struct ms_counts *c, enum ms_field f, uint64_t *v);

/* The counts of a region's pages: pages, but the two exact ones bytes.
 * "pagemap" is /proc/PID/pagemap; kpageflags and kpagecount are root's. */
enum ms_pages_item {
	MS_PAGES_PRESENT,    /* pagemap bit 63: in RAM */
	MS_PAGES_SWAPPED,    /* bit 62, less markers: in swap */
	MS_PAGES_FILE,       /* bit 61 of present pages: file or shared anonymous */
	MS_PAGES_EXCLUSIVE,  /* bit 56: present pages no other process maps */
	MS_PAGES_SOFT_DIRTY, /* bit 55: written since clear_refs 4 */
	MS_PAGES_MARKERS,    /* bit 62 with bit 58 (guard) or 57 (uffd-wp) */
	MS_PAGES_ZERO,       /* the shared zero page: kpageflags or PAGEMAP_SCAN */
	MS_PAGES_THP,        /* in huge pages: kpageflags or PAGEMAP_SCAN */
	MS_PAGES_KSM,        /* merged by KSM: kpageflags */
	MS_PAGES_USS_EXACT,  /* bytes of present pages mapped once: kpagecount */
	MS_PAGES_PSS_EXACT,  /* bytes, each page divided by its map count */
};
/* The count; -1 when unknown (zero, thp, ksm, uss_exact, pss_exact). */
int64_t ms_residency_get(const struct ms_residency *r, enum ms_pages_item item);
/* With MS_RES_RUNS, the region as runs of pages alike; 0 without. */
size_t ms_residency_runs(const struct ms_residency *r, const struct ms_run **runs);

size_t ms_diff_count(const struct ms_diff *d);
const struct ms_change *ms_diff_change(const struct ms_diff *d, size_t i);
enum ms_change_kind ms_change_kind(const struct ms_change *ch);
/* the region in a and in b; NULL for an added or a removed one */
const struct ms_region *ms_change_a(const struct ms_change *ch);
const struct ms_region *ms_change_b(const struct ms_change *ch);
/* the region the change is about: b's, or a's when it was removed */
const struct ms_region *ms_change_region(const struct ms_change *ch);
uint64_t ms_change_weight(const struct ms_change *ch);
/* b - a in bytes of a field, or of USS; false when either side lacks it */
bool ms_change_delta(const struct ms_change *ch, enum ms_field f, int64_t *d);
bool ms_change_uss(const struct ms_change *ch, int64_t *d);

/* ------------------------------------------------------------------ */
/* The process table: every process at once (docs/ps.md)                */

/* Version of the process table document ("schema" key). */
#define MS_PS_SCHEMA "memscope-ps/1"

struct ms_proc;  /* one process: who it is, and its smaps_rollup */
struct ms_ps;    /* every process under a context's root */

/*
 * Reads every process under ctx's root that has a user address space
 * (kernel threads and zombies hold none and are left out), in PID order.
 * Each row's facts and figures are read through that process's directory
 * descriptor, so a recycled PID never mixes two processes; smaps_rollup is
 * one record of one address space (see Threads above).  A process we may not read is a row
 * with its figures unknown and the reason (ms_proc_error()); one that
 * exits during the scan is absent.  flags: enum ms_ps_flags.  Fails only when the root
 * cannot be listed (or flags has an unknown bit: -EINVAL); the caller
 * frees *out with ms_ps_free().
 */
enum ms_ps_flags {
	MS_PS_CGROUP = 1 << 0, /* read each process's cgroup too (ms_proc_cgroup()) */
	MS_PS_OBJECTS = 1 << 1, /* read each readable process's smaps too, and sum
				   its mapped files across processes
				   (ms_ps_object()): much slower */
	MS_PS_CLASSES = 1 << 2, /* each readable process's Rss and Swap per class
				   (ms_proc_class()), from maps and pagemap
				   (MS_SNAP_FAST) */
	MS_PS_CLASSES_SMAPS = 1 << 3, /* every count per class instead, from its
					 smaps: slower */
};
int ms_ps_take(struct ms_ctx *ctx, unsigned flags, struct ms_ps **out, char *err,
	       size_t errlen);
/*
 * The same, telling fn how many of the processes listed have been read so
 * far (done of total), from the caller's thread alone, after each process
 * it reads and once at the end (done == total): for a progress line on a
 * slow scan (MS_PS_OBJECTS, MS_PS_CLASSES_SMAPS).  fn must not call the
 * library with this table.
 */
typedef void ms_ps_progress_fn(size_t done, size_t total, void *arg);
int ms_ps_take_progress(struct ms_ctx *ctx, unsigned flags, ms_ps_progress_fn *fn, void *arg,
			struct ms_ps **out, char *err, size_t errlen);
void ms_ps_free(struct ms_ps *ps);
size_t ms_ps_count(const struct ms_ps *ps);
/* Row i; NULL past the end. */
const struct ms_proc *ms_ps_proc(const struct ms_ps *ps, size_t i);
/* Rows whose figures could not be read. */
size_t ms_ps_unreadable(const struct ms_ps *ps);
/* Unix seconds, when the scan began. */
double ms_ps_taken_at(const struct ms_ps *ps);
/* The figures summed over the readable rows. */
const struct ms_counts *ms_ps_totals(const struct ms_ps *ps);
/* With MS_PS_OBJECTS: the mapped files, each summed over the processes
 * that map it (ms_object_count() is how many), by device, inode and path;
 * NULL past the end. */
size_t ms_ps_nr_objects(const struct ms_ps *ps);
const struct ms_object *ms_ps_object(const struct ms_ps *ps, size_t i);

pid_t ms_proc_pid(const struct ms_proc *p);
pid_t ms_proc_ppid(const struct ms_proc *p);
/* stat's comm, as the process set it */
const char *ms_proc_comm(const struct ms_proc *p);
/* cmdline, the arguments joined by spaces; "" when it has none */
const char *ms_proc_cmdline(const struct ms_proc *p);
/* status: the real uid; -1 when unknown */
long long ms_proc_uid(const struct ms_proc *p);
/* the uid's name (from the passwd file under the root's init with a
 * --proc tree, else the system's); NULL when it has none */
const char *ms_proc_user(const struct ms_proc *p);
/* stat: state ('R', 'S', 'D', ...), threads, starttime in clock ticks */
char ms_proc_state(const struct ms_proc *p);
long ms_proc_threads(const struct ms_proc *p);
/* stat: the size of its address space in bytes (ps's VSZ) */
uint64_t ms_proc_vsize(const struct ms_proc *p);
long long ms_proc_start_ticks(const struct ms_proc *p);
/* unix seconds; < 0 when unknown */
double ms_proc_started_at(const struct ms_proc *p);
/* cgroup: the cgroup v2 path ("/user.slice/..."); NULL when unknown, or
 * not asked for (MS_PS_CGROUP) */
const char *ms_proc_cgroup(const struct ms_proc *p);
/* smaps_rollup's counts; NULL when they could not be read */
const struct ms_counts *ms_proc_counts(const struct ms_proc *p);
/* With MS_PS_CLASSES or MS_PS_CLASSES_SMAPS: the counts of class c, read
 * after smaps_rollup; NULL when not asked for or not read */
const struct ms_counts *ms_proc_class(const struct ms_proc *p, enum ms_class c);
/* why not (one lowercase line), and the negative errno; NULL and 0 when
 * the counts were read */
const char *ms_proc_error(const struct ms_proc *p);
int ms_proc_errno(const struct ms_proc *p);

/* ------------------------------------------------------------------ */
/* The kernel's side: where the rest of RAM is (docs/kernel.md)         */

/* Version of the kernel document ("schema" key). */
#define MS_KERNEL_SCHEMA "memscope-kernel/1"

struct ms_kernel;      /* the kernel's views of memory, read at one moment */
struct ms_zone;        /* one zone of one node: its free blocks and limits */
struct ms_slab_cache;  /* one line of slabinfo */

enum ms_kernel_flags {
	MS_KERNEL_PAGETYPES = 1 << 0, /* read pagetypeinfo too: the kernel holds
					 each zone's lock while it writes it */
};

/* The files read, each a view that may be unknown on its own. */
enum ms_kernel_view {
	MS_KV_MEMINFO,
	MS_KV_BUDDYINFO,
	MS_KV_ZONEINFO,
	MS_KV_PAGETYPEINFO,
	MS_KV_SLABINFO,  /* root only */
	MS_KV_VMALLOCINFO, /* root only */
	MS_KV_COUNT
};

/*
 * Reads meminfo, buddyinfo, zoneinfo, slabinfo and vmallocinfo (and
 * pagetypeinfo with MS_KERNEL_PAGETYPES) under ctx's root, and splits
 * MemTotal into the ledger's disjoint parts.  A view that cannot be read
 * is unknown with the reason (ms_kernel_error()); only meminfo is needed:
 * without it the call fails (-EACCES, -ENOENT, -EBADMSG).  -EINVAL for an
 * unknown flag.  The caller frees *out with ms_kernel_free().
 */
int ms_kernel_take(struct ms_ctx *ctx, unsigned flags, struct ms_kernel **out, char *err,
		   size_t errlen);
void ms_kernel_free(struct ms_kernel *k);
/* The document (docs/kernel.md), NUL-terminated, for free(); flags: MS_JSON_PRETTY.
 * NULL and errno (ENOMEM) on failure. */
char *ms_kernel_to_json(const struct ms_kernel *k, unsigned flags);
/* Why view v is unknown (one lowercase line) and *errnum its negative
 * errno; NULL (and 0) when it was read, or not asked for (*errnum 0). */
const char *ms_kernel_error(const struct ms_kernel *k, enum ms_kernel_view v, int *errnum);
/* Unix seconds, when the read began; the page size in bytes */
double ms_kernel_taken_at(const struct ms_kernel *k);
long ms_kernel_page_size(const struct ms_kernel *k);

/* meminfo: the value of key ("MemTotal"), bytes for a kB key, else a count;
 * false when the file has no such key. */
bool ms_kernel_meminfo(const struct ms_kernel *k, const char *key, uint64_t *v);
size_t ms_kernel_nr_meminfo(const struct ms_kernel *k);
/* The i-th key in the file's order, its value (as above) and whether it is
 * bytes; NULL past the end. */
const char *ms_kernel_meminfo_at(const struct ms_kernel *k, size_t i, uint64_t *v,
				 bool *bytes);

/* The ledger: MemTotal as parts that do not overlap, in a fixed order, and
 * what they leave.  A part's name is a stable identifier ("anon"), its
 * label words for a person, its source the files and keys it comes from. */
size_t ms_kernel_nr_parts(const struct ms_kernel *k);
const char *ms_kernel_part(const struct ms_kernel *k, size_t i, uint64_t *bytes,
			   const char **label, const char **source);
/* MemTotal less the parts, never below 0; and how far the parts went past
 * MemTotal (files read moments apart), 0 when they did not. */
uint64_t ms_kernel_unaccounted(const struct ms_kernel *k);
uint64_t ms_kernel_overcounted(const struct ms_kernel *k);

/* Zones: buddyinfo's (those with pages), with zoneinfo's counts. */
enum ms_zone_count {
	MS_ZONE_FREE,     /* zoneinfo: pages free */
	MS_ZONE_MIN,      /* watermarks, pages */
	MS_ZONE_LOW,
	MS_ZONE_HIGH,
	MS_ZONE_SPANNED,  /* pages the zone spans, holes included */
	MS_ZONE_PRESENT,  /* pages of RAM in it */
	MS_ZONE_MANAGED,  /* pages the buddy allocator manages */
	MS_ZONE_PCP,      /* free pages on the per-CPU lists (pagesets' count) */
	MS_ZONE_COUNT_MAX
};
size_t ms_kernel_nr_zones(const struct ms_kernel *k);
const struct ms_zone *ms_kernel_zone(const struct ms_kernel *k, size_t i);
int ms_zone_node(const struct ms_zone *z);
const char *ms_zone_name(const struct ms_zone *z);
/* buddyinfo's columns: orders 0 to n - 1 */
unsigned ms_zone_nr_orders(const struct ms_zone *z);
/* free blocks of 2^order pages; 0 past the last order */
uint64_t ms_zone_free_blocks(const struct ms_zone *z, unsigned order);
/* bytes free in the zone's blocks */
uint64_t ms_zone_free_bytes(const struct ms_zone *z);
/* The share of the zone's free pages in blocks smaller than 2^order pages:
 * free memory an allocation of that order cannot use (the kernel's
 * "unusable free space index"); 0 when nothing is free. */
double ms_zone_unusable(const struct ms_zone *z, unsigned order);
/* zoneinfo's count c in pages; -1 when unknown */
int64_t ms_zone_count(const struct ms_zone *z, enum ms_zone_count c);
/* With MS_KERNEL_PAGETYPES: the migrate types (pagetypeinfo), the name of
 * type t (NULL past the end) and its free blocks per order. */
unsigned ms_zone_nr_types(const struct ms_zone *z);
const char *ms_zone_type(const struct ms_zone *z, unsigned t);
uint64_t ms_zone_type_free_blocks(const struct ms_zone *z, unsigned t, unsigned order);

/* slabinfo (root only): the caches, most bytes first */
size_t ms_kernel_nr_caches(const struct ms_kernel *k);
const struct ms_slab_cache *ms_kernel_cache(const struct ms_kernel *k, size_t i);
const char *ms_cache_name(const struct ms_slab_cache *c);
uint64_t ms_cache_objects(const struct ms_slab_cache *c);
uint64_t ms_cache_active_objects(const struct ms_slab_cache *c);
uint64_t ms_cache_object_size(const struct ms_slab_cache *c);
/* slabs x pages per slab x page size */
uint64_t ms_cache_bytes(const struct ms_slab_cache *c);

/* vmallocinfo (root only): areas by kind, and by the function that asked */
enum ms_vmalloc_kind {
	MS_VM_VMALLOC,  /* vmalloc() and friends */
	MS_VM_VMAP,     /* vmap(): pages of someone else's */
	MS_VM_IOREMAP,  /* device memory: no RAM */
	MS_VM_USER,     /* vmalloc_user(): mappable by a process */
	MS_VM_PERCPU,   /* per-CPU chunks: their RAM is meminfo's Percpu */
	MS_VM_MAP_RAM,  /* vm_map_ram() */
	MS_VM_UNPURGED, /* freed, not yet unmapped: no RAM */
	MS_VM_OTHER,
	MS_VM_KIND_COUNT
};
/* Areas of kind, their bytes of address space and of RAM (pages=); false
 * when vmallocinfo is unknown.  MS_VM_KIND_COUNT sums them all. */
bool ms_kernel_vmalloc(const struct ms_kernel *k, enum ms_vmalloc_kind kind, uint64_t *areas,
		       uint64_t *bytes, uint64_t *ram);
const char *ms_vmalloc_kind_name(enum ms_vmalloc_kind kind);
/* By caller, most RAM first: its name (a symbol, "+offset" cut), NULL past the end */
size_t ms_kernel_nr_callers(const struct ms_kernel *k);
const char *ms_kernel_caller(const struct ms_kernel *k, size_t i, uint64_t *areas,
			     uint64_t *bytes, uint64_t *ram);

#ifdef __cplusplus
}
#endif
#endif /* MEMSCOPE_H */
