/*
 * spool.c - output that can be taken back while it is small.
 *
 * A read of a process may start again (its mappings merged under it), and
 * what was written of it must then be forgotten.  What is written is held
 * in memory up to SPOOL_HOLD bytes, so most documents reach their reader
 * whole or not at all; past that it goes out as it comes, so memory stays
 * flat, and a start again cuts a regular file back to where the output
 * began.  A pipe or a terminal cannot take back what it was given: then
 * starting again fails.
 */
#include "common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPOOL_HOLD (1u << 20)

void spool_init(struct spool *sp, int fd)
{
	struct stat st;

	memset(sp, 0, sizeof(*sp));
	sp->fd = fd;
	sp->start = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		sp->start = lseek(fd, 0, SEEK_CUR);
}

void spool_release(struct spool *sp)
{
	free(sp->buf);
	sp->buf = NULL;
}

static int send_held(struct spool *sp)
{
	int rc = write_all(sp->fd, sp->buf, sp->len);

	sp->sent |= sp->len > 0;
	sp->len = 0;
	return rc;
}

/* buf NULL: forget what was written. */
static int take_back(struct spool *sp)
{
	sp->len = 0;
	if (!sp->sent)
		return 0;
	if (sp->start < 0)
		return -ESPIPE;
	if (ftruncate(sp->fd, sp->start) < 0 || lseek(sp->fd, sp->start, SEEK_SET) < 0)
		return -errno;
	sp->sent = false;
	return 0;
}

int spool_write(const char *buf, size_t len, void *arg)
{
	struct spool *sp = arg;

	if (sp->err)
		return sp->err;
	if (!buf)
		return sp->err = take_back(sp);
	if (sp->len + len > sp->cap && sp->len + len <= SPOOL_HOLD) {
		size_t cap = sp->cap ? sp->cap : 64u << 10;
		char *nb;

		while (cap < sp->len + len)
			cap *= 2;
		if (!(nb = realloc(sp->buf, cap)))
			return sp->err = -ENOMEM;
		sp->buf = nb;
		sp->cap = cap;
	}
	if (sp->len + len > SPOOL_HOLD) { /* too much to hold: out it goes */
		sp->err = send_held(sp);
		if (!sp->err)
			sp->err = write_all(sp->fd, buf, len);
		return sp->err;
	}
	memcpy(sp->buf + sp->len, buf, len);
	sp->len += len;
	return 0;
}

int spool_finish(struct spool *sp)
{
	if (!sp->err)
		sp->err = send_held(sp);
	return sp->err;
}

static ssize_t cookie_write(void *arg, const char *buf, size_t len)
{
	return spool_write(buf, len, arg) < 0 ? -1 : (ssize_t)len;
}

FILE *spool_file(struct spool *sp)
{
	return fopencookie(sp, "w", (cookie_io_functions_t){ .write = cookie_write });
}
