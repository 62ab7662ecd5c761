/*
 * pool.c - an arena of strings (and small tables) freed together with
 * their snapshot.
 *
 * Blocks are chained, never moved, so pointers into the pool stay valid while
 * the region array around them grows.
 */
#include "internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define POOL_BLOCK (64u << 10)

struct ms_pool_block {
	struct ms_pool_block *next;
	size_t used, cap;
	char data[];
};

struct ms_pool {
	struct ms_pool_block *head;
};

struct ms_pool *ms_pool_new(void)
{
	return calloc(1, sizeof(struct ms_pool));
}

void ms_pool_free(struct ms_pool *pool)
{
	if (!pool)
		return;
	ms_pool_reset(pool); /* all blocks but the newest */
	free(pool->head);
	free(pool);
}

static struct ms_pool_block *pool_grow(struct ms_pool *pool, size_t need)
{
	size_t cap = need > POOL_BLOCK ? need : POOL_BLOCK;
	struct ms_pool_block *b = malloc(sizeof(*b) + cap);

	if (!b)
		return NULL;
	b->used = 0;
	b->cap = cap;
	b->next = pool->head;
	pool->head = b;
	return b;
}

void ms_pool_reset(struct ms_pool *pool)
{
	struct ms_pool_block *keep = pool->head;

	if (!keep)
		return;
	while (keep->next) {
		struct ms_pool_block *next = keep->next->next;

		free(keep->next);
		keep->next = next;
	}
	keep->used = 0;
}

/* size bytes at an offset that is a multiple of align (a power of two). */
static void *take(struct ms_pool *pool, size_t size, size_t align)
{
	struct ms_pool_block *b = pool->head;
	size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;

	if (!b || at > b->cap || b->cap - at < size) {
		if (!(b = pool_grow(pool, size)))
			return NULL;
		at = 0;
	}
	b->used = at + size;
	return b->data + at;
}

void *ms_pool_alloc(struct ms_pool *pool, size_t size)
{
	return take(pool, size, _Alignof(uint64_t)); /* data[] itself is 8-aligned */
}

char *ms_pool_strndup(struct ms_pool *pool, const char *s, size_t len)
{
	char *dst = take(pool, len + 1, 1);

	if (dst) {
		memcpy(dst, s, len);
		dst[len] = '\0';
	}
	return dst;
}
