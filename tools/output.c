/*
 * output.c - table rows, and JSON written whole or not at all.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

void row_str(struct row *r, const char *s, int width)
{
	size_t n = strlen(s);

	if (n > sizeof(r->buf) / 4)
		n = sizeof(r->buf) / 4;
	memcpy(r->buf + r->len, s, n);
	r->len += n;
	for (; (int)n < width; n++)
		r->buf[r->len++] = ' ';
}

void row_rstr(struct row *r, const char *s, int width)
{
	size_t n = strlen(s);

	for (; width > (int)n; width--)
		r->buf[r->len++] = ' ';
	row_str(r, s, 0);
}

void row_hex(struct row *r, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16], *p = tmp + sizeof(tmp);

	do
		*--p = digits[v & 15];
	while (v >>= 4);
	memcpy(r->buf + r->len, p, (size_t)(tmp + sizeof(tmp) - p));
	r->len += (size_t)(tmp + sizeof(tmp) - p);
}

void row_put(struct row *r, const char *tail, const char *tail2, FILE *f)
{
	size_t n1 = strlen(tail), n2 = strlen(tail2);

	if (n1 + n2) {
		r->buf[r->len++] = ' ';
		if (r->len + n1 + n2 + 1 > sizeof(r->buf)) { /* a very long name */
			fwrite_unlocked(r->buf, 1, r->len, f);
			fwrite_unlocked(tail, 1, n1, f);
			r->len = 0;
			n1 = 0;
		}
		memcpy(r->buf + r->len, tail, n1);
		memcpy(r->buf + r->len + n1, tail2, n2);
		r->len += n1 + n2;
	}
	r->buf[r->len++] = '\n';
	fwrite_unlocked(r->buf, 1, r->len, f);
	r->len = 0;
}

const char *bytes_cell(char *buf, size_t len, const struct opts *o, uint64_t v)
{
	if (o->bytes) {
		char tmp[24], *p = tmp + sizeof(tmp);

		*--p = '\0';
		p = put_uint(p, v);
		return memcpy(buf, p, (size_t)(tmp + sizeof(tmp) - p) < len ?
			      (size_t)(tmp + sizeof(tmp) - p) : len);
	}
	return human_size(buf, len, v);
}

const char *size_cell(char *buf, size_t len, const struct opts *o,
		      const struct ms_counts *c, int field)
{
	uint64_t v;

	if (field == FIELD_USS ? !ms_counts_uss(c, &v) : !ms_counts_has(c, field))
		return "-";
	return bytes_cell(buf, len, o, field == FIELD_USS ? v : c->v[field]);
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* mkstemp makes 0600; the file gets the mode of the file it replaces, or
 * the one a plain create would give. */
static mode_t create_mode(const struct stat *old)
{
	mode_t mask;

	if (old)
		return old->st_mode & 0777;
	mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

/* PATH.XXXXXX beside PATH, written and synced, then renamed over PATH: a
 * reader sees the old file or the new one, never a part. */
static int replace(const char *path, const char *text, const struct stat *old)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 8);
	int fd, rc;

	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", 8);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		return rc;
	}
	rc = write_all(fd, text, strlen(text));
	if (rc == 0)
		rc = write_all(fd, "\n", 1);
	if (rc == 0 && fchmod(fd, create_mode(old)) < 0)
		rc = -errno;
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* A device, a FIFO: written as a shell's '>' would, never replaced (a
 * rename would turn /dev/null into a file, and leave a FIFO's reader
 * waiting).  Truncation means nothing to them. */
static int write_in_place(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	struct stat st;
	int rc;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		/* it became a file since we looked: that one is replaced */
		close(fd);
		return replace(path, text, &st);
	}
	rc = write_all(fd, text, strlen(text));
	if (rc == 0)
		rc = write_all(fd, "\n", 1);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* Where path leads: the symbolic links of its last part followed (a
 * relative target is relative to the link's folder), so that the new file
 * takes the target's place and the link stays; a dangling link leads to
 * the file to make.  A new string, or NULL and errno. */
static char *follow_links(const char *path)
{
	char *cur = strdup(path);

	for (int hops = 0; cur; hops++) {
		char target[PATH_MAX], *next = NULL;
		const char *slash = strrchr(cur, '/');
		struct stat st;
		ssize_t n;

		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
			return cur;
		n = hops < 40 ? readlink(cur, target, sizeof(target) - 1) : -1;
		if (n < 0) {
			int e = hops < 40 ? errno : ELOOP;

			free(cur);
			errno = e;
			return NULL;
		}
		target[n] = '\0';
		if (target[0] == '/' || !slash)
			next = strdup(target);
		else if (asprintf(&next, "%.*s%s", (int)(slash - cur + 1), cur, target) < 0)
			next = NULL;
		free(cur);
		cur = next;
	}
	errno = ENOMEM;
	return NULL;
}

int write_atomically(const char *path, const char *text)
{
	char *real = follow_links(path);
	struct stat st;
	int rc;

	if (!real)
		return -errno;
	if (lstat(real, &st) < 0)
		rc = replace(real, text, NULL);  /* new, or an error mkstemp will name */
	else if (S_ISREG(st.st_mode))
		rc = replace(real, text, &st);
	else if (S_ISDIR(st.st_mode))
		rc = -EISDIR;
	else
		rc = write_in_place(real, text);
	free(real);
	return rc;
}

int emit_json(const struct opts *o, const struct ms_snapshot *snap, unsigned flags)
{
	char *text = ms_snapshot_to_json(snap, flags | (o->pretty ? MS_JSON_PRETTY : 0));
	int rc;

	if (!text) {
		error("cannot make the JSON: %s", strerror(errno));
		return EXIT_FAIL;
	}
	if (o->output) {
		rc = write_atomically(o->output, text);
		free(text);
		if (rc < 0) {
			error("cannot write '%s': %s", o->output, strerror(-rc));
			return EXIT_FAIL;
		}
		return EXIT_OK;
	}
	fputs(text, stdout);
	putchar('\n');
	free(text);
	return finish_output(EXIT_OK);
}

int terminal_columns(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	if (cols && atoi(cols) >= 40)
		return atoi(cols);
	return 100;
}

bool use_colour(const struct opts *o)
{
	if (o->color >= 0)
		return o->color;
	return isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
}

bool use_utf8(void)
{
	const char *vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };

	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return strcasestr(v, "utf-8") || strcasestr(v, "utf8");
	}
	return false;
}
