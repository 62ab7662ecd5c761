/*
 * pagemap.h - the kernel's pagemap interface (Documentation/admin-guide/mm/
 * pagemap.rst), carried here because Debian 12's kernel headers predate
 * PAGEMAP_SCAN (Linux 6.7).  Not installed.
 */
#ifndef MEMSCOPE_PAGEMAP_H
#define MEMSCOPE_PAGEMAP_H

#include <linux/ioctl.h>
#include <stdint.h>

/* /proc/PID/pagemap: one 64-bit entry per virtual page; its bits */
#define PM_ENTRY_BYTES      8
#define PM_SOFT_DIRTY_BIT   55
#define PM_EXCLUSIVE_BIT    56 /* mapped once (4.2+) */
#define PM_UFFD_WP_BIT      57 /* userfaultfd write-protect (5.13+) */
#define PM_GUARD_BIT        58 /* MADV_GUARD_INSTALL marker (6.15+) */
#define PM_FILE_BIT         61 /* file page or shared anonymous */
#define PM_SWAP_BIT         62 /* any swap-format entry */
#define PM_PRESENT_BIT      63
#define PM_PFN_MASK     ((UINT64_C(1) << PM_SOFT_DIRTY_BIT) - 1) /* bits 0-54; 0 without
								     CAP_SYS_ADMIN */
#define PM_SOFT_DIRTY   (UINT64_C(1) << PM_SOFT_DIRTY_BIT)
#define PM_EXCLUSIVE    (UINT64_C(1) << PM_EXCLUSIVE_BIT)
#define PM_UFFD_WP      (UINT64_C(1) << PM_UFFD_WP_BIT)
#define PM_GUARD        (UINT64_C(1) << PM_GUARD_BIT)
#define PM_FILE         (UINT64_C(1) << PM_FILE_BIT)
#define PM_SWAP         (UINT64_C(1) << PM_SWAP_BIT)
#define PM_PRESENT      (UINT64_C(1) << PM_PRESENT_BIT)

/* PAGEMAP_SCAN (6.7+): runs of pages with the same categories */
#define PAGE_IS_WPALLOWED  (1 << 0)
#define PAGE_IS_WRITTEN    (1 << 1)
#define PAGE_IS_FILE       (1 << 2)
#define PAGE_IS_PRESENT    (1 << 3)
#define PAGE_IS_SWAPPED    (1 << 4)
#define PAGE_IS_PFNZERO    (1 << 5)
#define PAGE_IS_HUGE       (1 << 6)
#define PAGE_IS_SOFT_DIRTY (1 << 7)

struct ms_page_region {
	uint64_t start, end;  /* [start, end) */
	uint64_t categories;  /* PAGE_IS_* */
};

struct ms_pm_scan_arg {
	uint64_t size;                 /* sizeof(struct ms_pm_scan_arg) */
	uint64_t flags;
	uint64_t start, end;
	uint64_t walk_end;             /* where the walk stopped (out) */
	uint64_t vec, vec_len;         /* struct ms_page_region[vec_len] */
	uint64_t max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask;
	uint64_t return_mask;
};

#define MS_PAGEMAP_SCAN _IOWR('f', 16, struct ms_pm_scan_arg)

#endif
