/*
 * elf.c - the writable PT_LOAD segments of a mapped ELF file, read once per
 * object, and the bss extent they give a data segment.
 *
 * The file is whatever the process mapped: any bytes at all.  So the reads
 * are bounded (the ELF header, then a program header table that must lie
 * inside the file and be small), every field is checked before it is used,
 * and a file that does not add up has no headers (the caller falls back).
 * Little-endian ELF only, 64-bit and 32-bit; fields are decoded byte by
 * byte, so the host's own byte order does not matter.
 */
#include "internal.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Real tables hold a dozen entries; glibc's loader allocates them on its
 * stack.  A larger one is no library anybody loads. */
#define PHDRS_MAX (64u << 10)

static uint64_t le(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* Where the table is, from the ELF header; -ENOEXEC when it is not one we
 * read, or points outside the file. */
static int table_of(const unsigned char *eh, size_t len, uint64_t size, bool *is64,
		    uint64_t *off, size_t *bytes)
{
	uint64_t phoff, entsize, num;

	if (len < EI_NIDENT || eh[EI_DATA] != ELFDATA2LSB ||
	    (eh[EI_CLASS] != ELFCLASS64 && eh[EI_CLASS] != ELFCLASS32))
		return -ENOEXEC;
	*is64 = eh[EI_CLASS] == ELFCLASS64;
	if (len < (*is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return -ENOEXEC;
	phoff = *is64 ? le(eh + offsetof(Elf64_Ehdr, e_phoff), 8) :
			le(eh + offsetof(Elf32_Ehdr, e_phoff), 4);
	entsize = le(eh + (*is64 ? offsetof(Elf64_Ehdr, e_phentsize) :
			   offsetof(Elf32_Ehdr, e_phentsize)), 2);
	num = le(eh + (*is64 ? offsetof(Elf64_Ehdr, e_phnum) : offsetof(Elf32_Ehdr, e_phnum)), 2);
	/* as glibc's loader: entries of exactly its size; PN_XNUM (the count
	 * kept elsewhere) is no shared library's */
	if (entsize != (*is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) || num == 0 ||
	    num >= PN_XNUM || num * entsize > PHDRS_MAX || phoff > size ||
	    num * entsize > size - phoff)
		return -ENOEXEC;
	*off = phoff;
	*bytes = (size_t)(num * entsize);
	return 0;
}

/* One entry; false when it is no writable PT_LOAD.  -ENOEXEC when its
 * numbers cannot describe a mapping. */
static int load_of(const unsigned char *ph, bool is64, struct ms_elf_load *l)
{
	uint64_t type = le(ph, 4), flags;

	if (is64) {
		flags = le(ph + offsetof(Elf64_Phdr, p_flags), 4);
		l->offset = le(ph + offsetof(Elf64_Phdr, p_offset), 8);
		l->vaddr = le(ph + offsetof(Elf64_Phdr, p_vaddr), 8);
		l->filesz = le(ph + offsetof(Elf64_Phdr, p_filesz), 8);
		l->memsz = le(ph + offsetof(Elf64_Phdr, p_memsz), 8);
	} else {
		flags = le(ph + offsetof(Elf32_Phdr, p_flags), 4);
		l->offset = le(ph + offsetof(Elf32_Phdr, p_offset), 4);
		l->vaddr = le(ph + offsetof(Elf32_Phdr, p_vaddr), 4);
		l->filesz = le(ph + offsetof(Elf32_Phdr, p_filesz), 4);
		l->memsz = le(ph + offsetof(Elf32_Phdr, p_memsz), 4);
	}
	if (type != PT_LOAD || !(flags & PF_W))
		return 0;
	if (l->filesz > l->memsz || l->vaddr + l->memsz < l->vaddr ||
	    l->offset + l->filesz < l->offset)
		return -ENOEXEC;
	return 1;
}

/* The writable PT_LOADs of the table; the first MS_ELF_LOADS are kept. */
static int loads_of(int fd, bool is64, uint64_t off, size_t bytes, struct ms_elf *e)
{
	size_t entsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	unsigned char *tab = malloc(bytes);
	ssize_t n;
	int rc = 0;

	if (!tab)
		return -ENOMEM;
	n = pread(fd, tab, bytes, (off_t)off);
	if (n != (ssize_t)bytes)
		rc = n < 0 ? -errno : -ENOEXEC;
	for (size_t i = 0; rc == 0 && i < bytes; i += entsize) {
		struct ms_elf_load l;
		int w = load_of(tab + i, is64, &l);

		if (w < 0)
			rc = w;
		else if (w && e->n < MS_ELF_LOADS)
			e->w[e->n++] = l;
	}
	free(tab);
	return rc;
}

int ms_elf_read(int fd, struct ms_elf *e)
{
	unsigned char eh[sizeof(Elf64_Ehdr)];
	struct stat st;
	uint64_t off;
	size_t bytes;
	bool is64;
	ssize_t n;
	int rc;

	memset(e, 0, sizeof(*e));
	/* a device or a FIFO put where the file was: no reading it */
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return 0;
	n = pread(fd, eh, sizeof(eh), 0);
	if (n < 0)
		return -errno;
	e->magic = n >= SELFMAG && memcmp(eh, ELFMAG, SELFMAG) == 0;
	if (!e->magic || table_of(eh, (size_t)n, (uint64_t)st.st_size, &is64, &off, &bytes) < 0)
		return 0;
	rc = loads_of(fd, is64, off, bytes, e);
	e->known = rc == 0;
	if (rc < 0)
		e->n = 0;
	/* a table that cannot be read is one we do without */
	return rc == -ENOMEM ? rc : 0;
}

static uint64_t page_up(uint64_t v, uint64_t page)
{
	return (v + page - 1) & ~(page - 1);
}

bool ms_elf_bss(const struct ms_elf *e, const struct ms_region *data, uint64_t page,
		uint64_t *lo, uint64_t *hi)
{
	for (unsigned i = 0; e->known && i < e->n; i++) {
		const struct ms_elf_load *l = &e->w[i];
		uint64_t bias;

		/* the loader maps file page to memory page: a segment whose
		 * address and offset differ within a page is no loaded one */
		if ((l->vaddr - l->offset) & (page - 1))
			continue;
		/* the region maps the file part of this segment (RELRO may have
		 * split off its start, so any page of it does) */
		if (data->offset < (l->offset & ~(page - 1)) ||
		    data->offset >= l->offset + l->filesz)
			continue;
		/* address - offset is the same all through a segment */
		bias = data->start - data->offset + l->offset - l->vaddr;
		*lo = page_up(bias + l->vaddr + l->filesz, page);
		*hi = page_up(bias + l->vaddr + l->memsz, page);
		return *lo <= *hi; /* not so when a hostile header wraps */
	}
	return false;
}
