/*
 * unit_elf.c - the bss of an ELF image is what its program headers say,
 * not whatever anonymous memory sits above its data segment: made-up
 * processes with small ELF files written for them (well-formed, 32-bit,
 * malformed, absent), and live processes with memory mapped directly above
 * a library's bss (tests/helpers/bssnext).
 */
#define _GNU_SOURCE
#include "testlib.h"
#include "config.h"

#include <check.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PID 40
#define LIB "/usr/lib/libt.so"
#define BASE 0x7f0000000000ull

/* ---- a little ELF file, written byte by byte (little endian) ---- */

struct seg {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

static void put(unsigned char *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static void put_phdr(unsigned char *p, bool is64, const struct seg *s)
{
	put(p, s->type, 4);
	if (is64) {
		put(p + 4, s->flags, 4), put(p + 8, s->offset, 8);
		put(p + 16, s->vaddr, 8), put(p + 24, s->vaddr, 8);
		put(p + 32, s->filesz, 8), put(p + 40, s->memsz, 8), put(p + 48, 0x1000, 8);
	} else {
		put(p + 4, s->offset, 4), put(p + 8, s->vaddr, 4), put(p + 12, s->vaddr, 4);
		put(p + 16, s->filesz, 4), put(p + 20, s->memsz, 4);
		put(p + 24, s->flags, 4), put(p + 28, 0x1000, 4);
	}
}

/* The header and n program headers at the start of buf (zeroed, 16 KiB). */
static void make_elf(unsigned char *buf, bool is64, const struct seg *v, unsigned n)
{
	size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32;

	memset(buf, 0, 0x4000);
	memcpy(buf, ELFMAG, SELFMAG);
	buf[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	buf[EI_DATA] = ELFDATA2LSB;
	buf[EI_VERSION] = EV_CURRENT;
	put(buf + 16, ET_DYN, 2);
	put(buf + 18, is64 ? EM_X86_64 : EM_386, 2);
	put(buf + 20, EV_CURRENT, 4);
	put(buf + (is64 ? 32 : 28), eh, is64 ? 8 : 4);      /* e_phoff */
	put(buf + (is64 ? 52 : 40), eh, 2);                 /* e_ehsize */
	put(buf + (is64 ? 54 : 42), ph, 2);                 /* e_phentsize */
	put(buf + (is64 ? 56 : 44), n, 2);                  /* e_phnum */
	for (unsigned i = 0; i < n; i++)
		put_phdr(buf + eh + i * ph, is64, &v[i]);
}

/* Laid out as Python's _bz2 is: the data segment starts with its RELRO
 * part (the page at 0x2000) and its file part ends at 0x34d0, inside the
 * page at 0x3000; bss bytes of bss follow. */
static void lib_elf(unsigned char *buf, bool is64, uint64_t bss)
{
	const struct seg v[] = {
		{ PT_LOAD, PF_R, 0, 0, 0x5a8, 0x5a8 },
		{ PT_LOAD, PF_R | PF_X, 0x1000, 0x1000, 0x765, 0x765 },
		{ PT_LOAD, PF_R | PF_W, 0x2d90, 0x2d90, 0x740, 0x740 + bss },
		{ PT_DYNAMIC, PF_R | PF_W, 0x2da0, 0x2da0, 0x1c0, 0x1c0 },
		{ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0 },
		{ PT_GNU_RELRO, PF_R, 0x2d90, 0x2d90, 0x270, 0x270 },
	};

	make_elf(buf, is64, v, sizeof(v) / sizeof(v[0]));
}

/* ---- a made-up process: the library's segments, then anonymous regions ---- */

#define REC(lo, hi, perms, off, dev, inode, name) \
	lo "-" hi " " perms " " off " " dev " " inode "    " name "\nRss: 4 kB\n"
#define SEGS                                                                 \
	REC("7f0000000000", "7f0000001000", "r--p", "00000000", "08:01", "77", LIB) \
	REC("7f0000001000", "7f0000002000", "r-xp", "00001000", "08:01", "77", LIB) \
	REC("7f0000002000", "7f0000003000", "r--p", "00002000", "08:01", "77", LIB) \
	REC("7f0000003000", "7f0000004000", "rw-p", "00003000", "08:01", "77", LIB)
#define ANON(lo, hi) REC(lo, hi, "rw-p", "00000000", "00:00", "0", "")

/* A snapshot of the process with these regions; the library's file holds
 * len bytes of elf (none at all when elf is NULL). */
static struct ms_snapshot *take(const unsigned char *elf, size_t len, const char *smaps)
{
	char *root = tl_tree_new(), err[256] = "";
	struct ms_snapshot *s;

	tl_process(root, PID, smaps);
	if (elf)
		tl_write(root, PID, "root" LIB, (const char *)elf, len);
	ck_assert_msg(tl_take(root, PID, 0, &s, err, sizeof(err)) == 0, "%s", err);
	tl_tree_remove(root);
	return s;
}

static const char *class_at(const struct ms_snapshot *s, uint64_t start)
{
	const struct ms_region *r = tl_region_at(s, start);

	ck_assert_msg(r, "no region at %llx", (unsigned long long)start);
	return ms_class_name(r->class);
}

/* Bytes of the library's object (the object of its first region) in bss. */
static uint64_t bss_of(const struct ms_snapshot *s, uint64_t lib)
{
	int o = tl_region_at(s, lib)->object;
	uint64_t sum = 0;

	ck_assert_int_ge(o, 0);
	for (size_t i = 0; i < s->nr_regions; i++)
		if (s->regions[i].object == o && s->regions[i].class == MS_CLASS_BSS)
			sum += s->regions[i].end - s->regions[i].start;
	return sum;
}

/* 8 bytes of bss fit in the data segment's last page: 3 MiB mapped above
 * it is the process's, not the library's. */
START_TEST(tiny_bss_leaves_what_is_above)
{
	static unsigned char elf[0x4000];
	struct ms_snapshot *s;

	lib_elf(elf, true, 8);
	s = take(elf, sizeof(elf), SEGS ANON("7f0000004000", "7f0000304000"));
	ck_assert_str_eq(class_at(s, BASE + 0x3000), "data");
	ck_assert_str_eq(class_at(s, BASE + 0x4000), "anon");
	ck_assert_int_eq(tl_region_at(s, BASE + 0x4000)->object, -1);
	ck_assert_uint_eq(bss_of(s, BASE), 0);
	ms_snapshot_free(s);
}
END_TEST

START_TEST(elf32_too)
{
	static unsigned char elf[0x4000];
	struct ms_snapshot *s;

	lib_elf(elf, false, 8);
	s = take(elf, sizeof(elf), SEGS ANON("7f0000004000", "7f0000304000"));
	ck_assert_str_eq(class_at(s, BASE + 0x4000), "anon");
	ms_snapshot_free(s);
}
END_TEST

/* A bss of three pages and a bit ends at 0x7000: the region that is just
 * that is bss, and so are the parts of one split in two. */
START_TEST(bss_the_headers_cover)
{
	static unsigned char elf[0x4000];
	struct ms_snapshot *s;

	lib_elf(elf, true, 0x3000);
	s = take(elf, sizeof(elf), SEGS ANON("7f0000004000", "7f0000007000"));
	ck_assert_str_eq(class_at(s, BASE + 0x4000), "bss");
	ck_assert_uint_eq(bss_of(s, BASE), 0x3000);
	ms_snapshot_free(s);
	s = take(elf, sizeof(elf), SEGS ANON("7f0000004000", "7f0000005000")
		 ANON("7f0000005000", "7f0000007000") ANON("7f0000007000", "7f0000009000"));
	ck_assert_str_eq(class_at(s, BASE + 0x4000), "bss");
	ck_assert_str_eq(class_at(s, BASE + 0x5000), "bss");
	ck_assert_str_eq(class_at(s, BASE + 0x7000), "anon");
	ck_assert_uint_eq(bss_of(s, BASE), 0x3000);
	ms_snapshot_free(s);
}
END_TEST

/* The kernel merged the bss with 3 MiB mapped after it: one region, more
 * than the bss.  It is anon (docs/classes.md says why). */
START_TEST(merged_region_is_anon)
{
	static unsigned char elf[0x4000];
	struct ms_snapshot *s;

	lib_elf(elf, true, 0x3000);
	s = take(elf, sizeof(elf), SEGS ANON("7f0000004000", "7f0000307000"));
	ck_assert_str_eq(class_at(s, BASE + 0x4000), "anon");
	ck_assert_uint_eq(bss_of(s, BASE), 0);
	ms_snapshot_free(s);
}
END_TEST

/* A writable mapping of the file at an offset no writable segment holds
 * (a hostile process can map anything): data, with no bss above it. */
START_TEST(data_outside_a_segment)
{
	static unsigned char elf[0x4000];
	struct ms_snapshot *s;

	lib_elf(elf, true, 0x3000);
	s = take(elf, sizeof(elf), SEGS
		 REC("7f0000010000", "7f0000011000", "rw-p", "00000000", "08:01", "77", LIB)
		 ANON("7f0000011000", "7f0000012000"));
	ck_assert_str_eq(class_at(s, BASE + 0x10000), "data");
	ck_assert_str_eq(class_at(s, BASE + 0x11000), "anon");
	ms_snapshot_free(s);
}
END_TEST

/* Headers that do not add up are not read: the placement decides, as it
 * did before memscope read them.  Each must be harmless too (ASan,
 * valgrind). */
START_TEST(malformed_falls_back)
{
	static unsigned char elf[0x4000];
	struct ms_snapshot *s;
	struct {
		const char *what;
		size_t at, n, len;
		uint64_t v;
	} bad[] = {
		{ "e_phnum past the file", 56, 2, 0x4000, 0xfff0 },
		{ "e_phnum PN_XNUM", 56, 2, 0x4000, PN_XNUM },
		{ "e_phoff past the file", 32, 8, 0x4000, 0x4000 },
		{ "e_phoff wrapping", 32, 8, 0x4000, ~0ull - 8 },
		{ "e_phentsize", 54, 2, 0x4000, 48 },
		{ "big endian", EI_DATA, 1, 0x4000, ELFDATA2MSB },
		{ "no class", EI_CLASS, 1, 0x4000, ELFCLASSNONE },
		{ "filesz > memsz", 64 + 2 * 56 + 32, 8, 0x4000, 0x10000 },
		{ "memsz wrapping", 64 + 2 * 56 + 40, 8, 0x4000, ~0ull - 0x100 },
		{ "the header alone", 0, 0, 64, 0 },
		{ "half a header", 0, 0, 40, 0 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lib_elf(elf, true, 8);
		put(elf + bad[i].at, bad[i].v, bad[i].n);
		s = take(elf, bad[i].len, SEGS ANON("7f0000004000", "7f0000304000"));
		ck_assert_msg(strcmp(class_at(s, BASE + 0x4000), "bss") == 0, "%s: %s",
			      bad[i].what, class_at(s, BASE + 0x4000));
		ck_assert_int_eq(s->objects[tl_region_at(s, BASE)->object].kind, MS_OBJECT_LIB);
		ms_snapshot_free(s);
	}
}
END_TEST

/* No file to read (a saved tree without it, no permission): the
 * executable segment makes it an ELF image, the placement its bss. */
START_TEST(no_file_falls_back)
{
	struct ms_snapshot *s = take(NULL, 0, SEGS ANON("7f0000004000", "7f0000304000"));

	ck_assert_str_eq(class_at(s, BASE + 0x3000), "data");
	ck_assert_str_eq(class_at(s, BASE + 0x4000), "bss");
	ms_snapshot_free(s);
}
END_TEST

/* ---- live: tests/helpers/bssnext ---- */

struct placed {
	uint64_t lib[2], anon[2];
};

/* Runs bssnext with the library; *p from its report.  Returns its pid, its
 * standard input in *in (closing it ends it). */
static pid_t bssnext(const char *lib, struct placed *p, int *in)
{
	char *argv[] = { HELPERS "/bssnext", (char *)lib, "3072", NULL }, line[256];
	int to[2], from[2];
	unsigned long a, b;
	pid_t pid;
	FILE *out;

	ck_assert_int_eq(pipe2(to, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(from, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	out = fdopen(from[0], "r");
	while (fgets(line, sizeof(line), out) && strcmp(line, "ready\n") != 0) {
		if (sscanf(line, "lib %lx %lx", &a, &b) == 2)
			p->lib[0] = a, p->lib[1] = b;
		else if (sscanf(line, "anon %lx %lx", &a, &b) == 2)
			p->anon[0] = a, p->anon[1] = b;
	}
	fclose(out);
	ck_assert_msg(p->anon[0] && p->anon[0] == p->lib[1], "bssnext placed nothing");
	*in = to[1];
	return pid;
}

static void stop(pid_t pid, int in)
{
	int status;

	close(in);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The library's bss is at most max bytes, and the 3 MiB is anon. */
static void check_live(const char *lib, uint64_t max)
{
	struct placed p = { { 0 }, { 0 } };
	struct ms_snapshot *s;
	char err[256] = "";
	int in;
	pid_t pid = bssnext(lib, &p, &in);
	const struct ms_region *r;

	ck_assert_msg(tl_take("/proc", pid, 0, &s, err, sizeof(err)) == 0, "%s", err);
	stop(pid, in);
	ck_assert_uint_le(bss_of(s, p.lib[0]), max);
	for (uint64_t a = p.anon[0]; a < p.anon[1]; a = r->end) {
		r = tl_region_holding(s, a);
		ck_assert_ptr_nonnull(r);
		ck_assert_msg(r->class == MS_CLASS_ANON && r->object == -1,
			      "%llx-%llx: %s", (unsigned long long)r->start,
			      (unsigned long long)r->end, ms_class_name(r->class));
	}
	ms_snapshot_free(s);
}

START_TEST(live_tiny_bss)
{
	check_live(HELPERS "/" LT_OBJDIR "libbss8.so", 2 * (uint64_t)getpagesize());
}
END_TEST

/* The bss is a region of its own, which the kernel may merge with the
 * memory mapped after it: bss of its size or none, never the 3 MiB. */
START_TEST(live_bss_of_pages)
{
	check_live(HELPERS "/" LT_OBJDIR "libbss3p.so", 4 * (uint64_t)getpagesize());
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		tiny_bss_leaves_what_is_above, elf32_too, bss_the_headers_cover,
		merged_region_is_anon, data_outside_a_segment, malformed_falls_back,
		no_file_falls_back, live_tiny_bss, live_bss_of_pages, NULL,
	};

	return tl_main("elf", 30, tests);
}
