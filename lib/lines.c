/*
 * lines.c - a /proc file read line by line.
 *
 * For smaps of a large process the kernel's work (walking page tables,
 * printing text) costs as much as our parsing.  So after the first
 * INLINE_READS reads a second thread takes over the read() calls and fills a
 * ring of chunks while this thread parses: the two run side by side on two
 * cores.  A small file never starts the thread.  Lines are handed out in
 * place; only a line that spans two chunks is copied, into a buffer that
 * grows up to MS_LINE_MAX.
 *
 * A buffer in memory (the fuzz targets' input) goes through the same code:
 * it is handed out in pieces of a chosen size, as read() hands out a file,
 * so lines that span pieces take the carry path too.  Only the filling of
 * a chunk differs, never the per-line work.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (128u << 10)
#define INLINE_READS 2 /* chunks, 256 KiB: a few hundred regions */

static char *slot_data(struct ms_lines *lr, unsigned i)
{
	return lr->chunks + (size_t)(i % MS_LINES_CHUNKS) * CHUNK;
}

int ms_lines_init(struct ms_lines *lr, int fd, bool threads)
{
	memset(lr, 0, sizeof(*lr));
	lr->fd = fd;
	lr->no_thread = !threads;
	lr->chunks = malloc((size_t)MS_LINES_CHUNKS * CHUNK);
	lr->cur = lr->chunks; /* empty: cur_len is 0 */
	return lr->chunks ? 0 : -ENOMEM;
}

int ms_lines_init_mem(struct ms_lines *lr, const char *buf, size_t len, size_t piece)
{
	memset(lr, 0, sizeof(*lr));
	lr->fd = -1;
	lr->from_mem = true;
	lr->mem = buf;
	lr->mem_left = len;
	lr->piece = piece ? piece : len;
	lr->cur = buf; /* empty: cur_len is 0 */
	return 0;
}

/* The next piece of a buffer into cur: 1, or 0 at the end. */
static int next_piece(struct ms_lines *lr)
{
	size_t n = lr->mem_left < lr->piece ? lr->mem_left : lr->piece;

	lr->cur = lr->mem;
	lr->cur_len = n;
	lr->pos = 0;
	lr->mem += n;
	lr->mem_left -= n;
	lr->eof = n == 0;
	return n > 0;
}

/*
 * Fills a chunk with as many reads as fit: a seq_file hands out about a page
 * a read, and a chunk a read would mean a thread hand-over per page.  The
 * end or an error met after some bytes is kept for the next call.
 */
static ssize_t read_chunk(struct ms_lines *lr, char *buf)
{
	size_t len = 0;

	while (lr->rd_end == 0 && len + 16384 <= CHUNK) {
		ssize_t n = read(lr->fd, buf + len, CHUNK - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			lr->rd_end = n < 0 ? -errno : 1;
		else
			len += (size_t)n;
	}
	if (len)
		return (ssize_t)len;
	return lr->rd_end < 0 ? lr->rd_end : 0;
}

/* The reader thread: fills free slots until the end, an error, or stop. */
static void *reader(void *arg)
{
	struct ms_lines *lr = arg;

	for (;;) {
		ssize_t n;

		pthread_mutex_lock(&lr->mu);
		while (lr->head - lr->tail == MS_LINES_CHUNKS && !lr->stop)
			pthread_cond_wait(&lr->freed, &lr->mu);
		if (lr->stop) {
			pthread_mutex_unlock(&lr->mu);
			return NULL;
		}
		pthread_mutex_unlock(&lr->mu);
		n = read_chunk(lr, slot_data(lr, lr->head));
		pthread_mutex_lock(&lr->mu);
		lr->lens[lr->head % MS_LINES_CHUNKS] = n;
		lr->head++;
		pthread_cond_signal(&lr->filled);
		pthread_mutex_unlock(&lr->mu);
		if (n <= 0)
			return NULL;
	}
}

static void start_reader(struct ms_lines *lr)
{
	if (pthread_mutex_init(&lr->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&lr->filled, NULL) == 0) {
		if (pthread_cond_init(&lr->freed, NULL) == 0) {
			if (pthread_create(&lr->thread, NULL, reader, lr) == 0) {
				lr->threaded = true;
				return;
			}
			pthread_cond_destroy(&lr->freed);
		}
		pthread_cond_destroy(&lr->filled);
	}
	pthread_mutex_destroy(&lr->mu); /* no thread: go on reading inline */
}

/* The next chunk into cur: 1, 0 at the end, or a negative errno. */
static int next_chunk(struct ms_lines *lr)
{
	ssize_t n;

	if (lr->from_mem)
		return next_piece(lr);
	if (!lr->threaded && !lr->no_thread && ++lr->reads > INLINE_READS)
		start_reader(lr);
	if (!lr->threaded) {
		n = read_chunk(lr, lr->chunks);
		lr->cur = lr->chunks;
	} else {
		pthread_mutex_lock(&lr->mu);
		if (lr->taken) { /* the chunk we parsed last is free again */
			lr->tail++;
			lr->taken = false;
			pthread_cond_signal(&lr->freed);
		}
		while (lr->head == lr->tail)
			pthread_cond_wait(&lr->filled, &lr->mu);
		n = lr->lens[lr->tail % MS_LINES_CHUNKS];
		lr->cur = slot_data(lr, lr->tail);
		lr->taken = n > 0;
		pthread_mutex_unlock(&lr->mu);
	}
	lr->cur_len = n > 0 ? (size_t)n : 0;
	lr->pos = 0;
	if (n <= 0)
		lr->eof = true;
	return n < 0 ? (int)n : n > 0;
}

void ms_lines_release(struct ms_lines *lr)
{
	if (lr->threaded) {
		pthread_mutex_lock(&lr->mu);
		lr->stop = true;
		pthread_cond_signal(&lr->freed);
		pthread_mutex_unlock(&lr->mu);
		pthread_join(lr->thread, NULL);
		pthread_cond_destroy(&lr->filled);
		pthread_cond_destroy(&lr->freed);
		pthread_mutex_destroy(&lr->mu);
		lr->threaded = false;
	}
	if (lr->fd >= 0)
		close(lr->fd);
	lr->fd = -1;
	free(lr->chunks);
	free(lr->carry);
	lr->chunks = lr->carry = NULL;
}

/* Appends to the line that spans chunks. */
static int carry(struct ms_lines *lr, const char *s, size_t n)
{
	if (lr->carry_len + n > lr->carry_cap) {
		size_t cap = lr->carry_cap ? lr->carry_cap : 4096;
		char *nb;

		while (cap < lr->carry_len + n)
			cap *= 2;
		if (cap > MS_LINE_MAX)
			return -E2BIG;
		nb = realloc(lr->carry, cap);
		if (!nb)
			return -ENOMEM;
		lr->carry = nb;
		lr->carry_cap = cap;
	}
	memcpy(lr->carry + lr->carry_len, s, n);
	lr->carry_len += n;
	return 0;
}

int ms_lines_next(struct ms_lines *lr, const char **line, size_t *len)
{
	int rc;

	if (lr->carried) { /* the last line handed out was the carry */
		lr->carry_len = 0;
		lr->carried = false;
	}
	for (;;) {
		const char *start = lr->cur + lr->pos, *nl;
		size_t left = lr->cur_len - lr->pos;

		nl = left ? memchr(start, '\n', left) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - start);

			lr->pos += n + 1;
			lr->lineno++;
			if (!lr->carry_len) {
				*line = start;
				*len = n;
				return 1;
			}
			rc = carry(lr, start, n);
			if (rc < 0)
				return rc;
			break;
		}
		rc = left ? carry(lr, start, left) : 0;
		lr->pos = lr->cur_len;
		if (rc < 0)
			return rc;
		rc = lr->eof ? 0 : next_chunk(lr);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			if (!lr->carry_len)
				return 0;
			lr->lineno++;
			lr->unterminated = true;
			break;
		}
	}
	*line = lr->carry;
	*len = lr->carry_len;
	lr->carried = true;
	return 1;
}

