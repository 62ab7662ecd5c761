/*
 * kernel.c - the kernel's views of memory, read under the context's root.
 *
 * libproc2 has meminfo and slabinfo readers, but they open /proc/meminfo
 * and /proc/slabinfo by a fixed path (no saved trees) and know a fixed set
 * of keys; so these few line formats are parsed here (kparse.c, kslab.c).
 */
#include "kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const view_file[MS_KV_COUNT] = {
	[MS_KV_MEMINFO] = "meminfo",	   [MS_KV_BUDDYINFO] = "buddyinfo",
	[MS_KV_ZONEINFO] = "zoneinfo",	   [MS_KV_PAGETYPEINFO] = "pagetypeinfo",
	[MS_KV_SLABINFO] = "slabinfo",	   [MS_KV_VMALLOCINFO] = "vmallocinfo",
};

typedef int parse_fn(struct ms_lines *lr, struct ms_kernel *k, char *err, size_t errlen);

static parse_fn *const view_parse[MS_KV_COUNT] = {
	[MS_KV_MEMINFO] = ms_meminfo_parse,	      [MS_KV_BUDDYINFO] = ms_buddyinfo_parse,
	[MS_KV_ZONEINFO] = ms_zoneinfo_parse,	      [MS_KV_PAGETYPEINFO] = ms_pagetypeinfo_parse,
	[MS_KV_SLABINFO] = ms_slabinfo_parse,	      [MS_KV_VMALLOCINFO] = ms_vmallocinfo_parse,
};

struct ms_kernel *ms_kernel_new(long page_size)
{
	struct ms_kernel *k = calloc(1, sizeof(*k));

	if (k && !(k->pool = ms_pool_new())) {
		free(k);
		k = NULL;
	}
	if (k)
		k->page_size = page_size;
	return k;
}

void ms_kernel_free(struct ms_kernel *k)
{
	if (!k)
		return;
	free(k->mem);
	free(k->zones);
	free(k->caches);
	free(k->callers);
	free(k->release);
	ms_pool_free(k->pool);
	free(k);
}

int ms_kgrow(void *v, size_t *cap, size_t n, size_t size, size_t first)
{
	void **array = v, *nv;
	size_t more = *cap ? *cap * 2 : first;

	if (n < *cap)
		return 0;
	nv = reallocarray(*array, more, size);
	if (!nv)
		return -ENOMEM;
	*array = nv;
	*cap = more;
	return 0;
}

struct ms_zone *ms_kernel_zone_get(struct ms_kernel *k, int node, const char *name, size_t len)
{
	struct ms_zone *z;

	for (size_t i = 0; i < k->nr_zones; i++) {
		z = &k->zones[i];
		if (z->node == node && strlen(z->name) == len && memcmp(z->name, name, len) == 0)
			return z;
	}
	if (ms_kgrow(&k->zones, &k->cap_zones, k->nr_zones, sizeof(*k->zones), 8) < 0)
		return NULL;
	z = &k->zones[k->nr_zones];
	*z = (struct ms_zone){ .node = node, .page_size = k->page_size,
			       .name = ms_pool_strndup(k->pool, name, len) };
	if (!z->name)
		return NULL;
	for (int c = 0; c < MS_ZONE_COUNT_MAX; c++)
		z->count[c] = -1;
	k->nr_zones++;
	return z;
}

bool ms_mem(const struct ms_kernel *k, const char *key, uint64_t *v)
{
	for (size_t i = 0; i < k->nr_mem; i++)
		if (strcmp(k->mem[i].key, key) == 0) {
			*v = k->mem[i].v;
			return true;
		}
	return false;
}

/* The view's reason, kept in the pool; rc returned. */
static int unknown(struct ms_kernel *k, enum ms_kernel_view v, int rc, const char *why)
{
	k->rc[v] = rc;
	k->why[v] = ms_pool_strndup(k->pool, why, strlen(why));
	return k->why[v] ? rc : -ENOMEM;
}

/* A view that failed part way: what it had read is not kept. */
static void forget(struct ms_kernel *k, enum ms_kernel_view v)
{
	for (size_t i = 0; i < k->nr_zones; i++) {
		struct ms_zone *z = &k->zones[i];

		if (v == MS_KV_BUDDYINFO)
			z->nr_orders = 0;
		for (int c = 0; v == MS_KV_ZONEINFO && c < MS_ZONE_COUNT_MAX; c++)
			z->count[c] = -1;
		if (v == MS_KV_PAGETYPEINFO)
			z->nr_types = 0;
	}
	if (v == MS_KV_SLABINFO)
		k->nr_caches = 0;
	if (v == MS_KV_VMALLOCINFO) {
		memset(k->kinds, 0, sizeof(k->kinds));
		k->vpages = k->stacks = (struct ms_vm_sum){ 0 };
		k->nr_callers = 0;
	}
}

static int read_view(struct ms_ctx *ctx, struct ms_kernel *k, enum ms_kernel_view v)
{
	char why[256];
	struct ms_lines lr;
	int fd = openat(ctx->rootfd, view_file[v], O_RDONLY | O_CLOEXEC);
	int rc;

	k->asked[v] = true;
	if (fd < 0) {
		rc = -errno;
		ms_fail(why, sizeof(why), rc, "%s: %s", view_file[v],
			rc == -EACCES || rc == -EPERM ? "permission denied (root only)"
			: rc == -ENOENT		      ? "no such file"
						      : strerror(-rc));
		return unknown(k, v, rc, why);
	}
	if (ms_lines_init(&lr, fd, false) < 0) {
		close(fd);
		return -ENOMEM;
	}
	rc = view_parse[v](&lr, k, why, sizeof(why));
	ms_lines_release(&lr);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0 && rc != -EBADMSG)
		ms_fail(why, sizeof(why), rc, "%s: %s", view_file[v], strerror(-rc));
	if (rc < 0)
		forget(k, v);
	return rc < 0 ? unknown(k, v, rc, why) : 0;
}

static int by_bytes(const void *a, const void *b)
{
	const struct ms_slab_cache *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int by_ram(const void *a, const void *b)
{
	const struct ms_vm_caller *x = a, *y = b;

	if (x->s.ram != y->s.ram)
		return x->s.ram < y->s.ram ? 1 : -1;
	if (x->s.bytes != y->s.bytes)
		return x->s.bytes < y->s.bytes ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Reads every view asked for; 0 when meminfo was read. */
static int read_views(struct ms_ctx *ctx, struct ms_kernel *k, unsigned flags, char *err,
		      size_t errlen)
{
	/* the small files first, one right after another: the ledger mixes them */
	static const enum ms_kernel_view order[] = { MS_KV_BUDDYINFO, MS_KV_ZONEINFO,
						     MS_KV_MEMINFO, MS_KV_PAGETYPEINFO,
						     MS_KV_SLABINFO, MS_KV_VMALLOCINFO };

	k->taken_at = ms_now_real();
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum ms_kernel_view v = order[i];
		int rc;

		if (v == MS_KV_PAGETYPEINFO && !(flags & MS_KERNEL_PAGETYPES))
			continue;
		rc = read_view(ctx, k, v);
		if (rc == -ENOMEM)
			return ms_fail(err, errlen, rc, "out of memory");
	}
	if (k->why[MS_KV_MEMINFO])
		return ms_fail(err, errlen, k->rc[MS_KV_MEMINFO], "%s", k->why[MS_KV_MEMINFO]);
	if (k->nr_caches)
		qsort(k->caches, k->nr_caches, sizeof(*k->caches), by_bytes);
	if (k->nr_callers)
		qsort(k->callers, k->nr_callers, sizeof(*k->callers), by_ram);
	k->release = ms_read_osrelease(ctx);
	return 0;
}

int ms_kernel_take(struct ms_ctx *ctx, unsigned flags, struct ms_kernel **out, char *err,
		   size_t errlen)
{
	struct ms_kernel *k = NULL;
	int rc = 0;

	*out = NULL;
	if (flags & ~(unsigned)MS_KERNEL_PAGETYPES)
		return ms_fail(err, errlen, -EINVAL, "unknown flags");
	/* Parts past MemTotal mean the files changed between the reads: read
	 * again, a few times, before saying so. */
	for (int tries = 0; tries < 4 && (!k || k->overcounted); tries++) {
		ms_kernel_free(k);
		k = ms_kernel_new(ctx->page_size);
		if (!k)
			return ms_fail(err, errlen, -ENOMEM, "out of memory");
		rc = read_views(ctx, k, flags, err, errlen);
		if (rc == 0 && (rc = ms_ledger_build(k)) < 0)
			ms_fail(err, errlen, rc, "meminfo: no MemTotal");
		if (rc < 0 || !ctx->live)
			break;
	}
	if (rc < 0) {
		ms_kernel_free(k);
		return rc;
	}
	*out = k;
	return 0;
}
