/*
 * lines.c - a /proc file read line by line.
 *
 * One large read() takes many records from a seq_file at once; the buffer
 * grows for a line longer than it (up to MS_LINE_MAX) instead of cutting it.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINES_START (256u << 10)

int ms_lines_init(struct ms_lines *lr, int fd)
{
	memset(lr, 0, sizeof(*lr));
	lr->fd = fd;
	lr->cap = LINES_START;
	lr->buf = malloc(lr->cap);
	return lr->buf ? 0 : -ENOMEM;
}

void ms_lines_release(struct ms_lines *lr)
{
	if (lr->fd >= 0)
		close(lr->fd);
	free(lr->buf);
	lr->fd = -1;
	lr->buf = NULL;
}

/* Moves the unread tail to the front, grows when full, reads once more. */
static int lines_fill(struct ms_lines *lr)
{
	ssize_t n;

	if (lr->pos > 0) {
		memmove(lr->buf, lr->buf + lr->pos, lr->len - lr->pos);
		lr->len -= lr->pos;
		lr->pos = 0;
	}
	if (lr->len == lr->cap) {
		char *nb;

		if (lr->cap >= MS_LINE_MAX)
			return -E2BIG;
		nb = realloc(lr->buf, lr->cap * 2);
		if (!nb)
			return -ENOMEM;
		lr->buf = nb;
		lr->cap *= 2;
	}
	do
		n = read(lr->fd, lr->buf + lr->len, lr->cap - lr->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		lr->eof = true;
	lr->len += (size_t)n;
	return 0;
}

int ms_lines_next(struct ms_lines *lr, const char **line, size_t *len)
{
	for (;;) {
		char *start = lr->buf + lr->pos;
		char *nl = memchr(start, '\n', lr->len - lr->pos);
		int rc;

		if (nl) {
			*line = start;
			*len = (size_t)(nl - start);
			lr->pos += *len + 1;
			lr->lineno++;
			return 1;
		}
		if (lr->eof) {
			if (lr->pos == lr->len)
				return 0;
			*line = start;
			*len = lr->len - lr->pos;
			lr->pos = lr->len;
			lr->unterminated = true;
			lr->lineno++;
			return 1;
		}
		rc = lines_fill(lr);
		if (rc < 0)
			return rc;
	}
}
