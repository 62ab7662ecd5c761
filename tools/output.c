/*
 * output.c - table rows, and JSON written whole or not at all.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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

/* Writes text and a newline to fd, and closes it.  0 or -errno. */
static int put_and_close(int fd, const char *text, bool sync)
{
	int rc = write_all(fd, text, strlen(text));

	if (rc == 0)
		rc = write_all(fd, "\n", 1);
	if (rc == 0 && sync && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* mkstemp makes 0600 and ours: the file gets what the file it replaces had,
 * its owner and group when we may give them (root may; its owner may give
 * a group of theirs, else EPERM and the group is the caller's, as with any
 * editor that saves by rename) and then its mode, setgid and sticky bits
 * too (a change of owner clears setgid); a new file what a plain create
 * would give.  0 or -errno. */
static int take_over(int fd, const struct stat *old)
{
	mode_t mask;

	if (!old) {
		mask = umask(0);
		umask(mask);
		return fchmod(fd, 0666 & ~mask) < 0 ? -errno : 0;
	}
	if ((geteuid() == 0 || old->st_uid == geteuid()) &&
	    fchown(fd, old->st_uid, old->st_gid) < 0 && (errno != EPERM || geteuid() == 0))
		return -errno;
	return fchmod(fd, old->st_mode & 07777) < 0 ? -errno : 0;
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
	rc = take_over(fd, old);
	if (rc < 0)
		close(fd);
	else
		rc = put_and_close(fd, text, true);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* A file of more than one name (hard links) is written over where it is: a
 * rename would give this name a new file and leave the others the old one.
 * The text is whole before the file is cut. */
static int write_over(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);

	return fd < 0 ? -errno : put_and_close(fd, text, true);
}

static int write_file(const char *path, const char *real, const char *text);

/* A device, a FIFO, an open descriptor (/dev/stdout, /dev/fd/N, a shell's
 * >(cmd)): written where it is, never replaced (a rename would turn
 * /dev/null into a file, leave a FIFO's reader waiting, and put a new file
 * in place of one the shell opened for '>>').  Opened by the name given,
 * for /proc's links lead to the open file itself, which may have no path
 * (pipe:[...]); appended to, as the shell has truncated what '>' opened
 * and '>>' wants the end.  real: where a path that names no descriptor
 * leads, so that a regular file found there now (it was none when we
 * looked) is handled as one; NULL for a descriptor. */
static int write_in_place(const char *path, const char *text, const char *real)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (real && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		close(fd);
		return write_file(path, real, text);
	}
	return put_and_close(fd, text, false);
}

/* A regular file or a new one, where path's links lead (real). */
static int write_file(const char *path, const char *real, const char *text)
{
	struct stat st;

	if (lstat(real, &st) < 0)
		return replace(real, text, NULL);  /* new, or an error mkstemp will name */
	if (!S_ISREG(st.st_mode))
		return write_in_place(path, text, NULL);  /* it changed since we looked */
	if (st.st_nlink > 1)
		return write_over(real, text);
	return replace(real, text, &st);
}

/* Whether path's folder is a process's table of descriptors (/proc/N/fd,
 * /proc/N/task/M/fd; /dev/fd leads there): its links are /proc's own, that
 * lead to an open file, not to the text they read as. */
static bool in_fd_folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	char *real = dir ? realpath(dir, NULL) : NULL;
	const char *base = real ? strrchr(real, '/') : NULL;
	struct statfs fs;
	bool yes;

	yes = base && strcmp(base, "/fd") == 0 && statfs(real, &fs) == 0 &&
	      fs.f_type == PROC_SUPER_MAGIC;
	free(real);
	free(dir);
	return yes;
}

/* Where path leads: the symbolic links of its last part followed (a
 * relative target is relative to the link's folder), so that the new file
 * takes the target's place and the link stays; a dangling link leads to
 * the file to make.  *names_fd when a link of the chain is one of /proc's
 * to an open descriptor: the chain stops there.  A new string, or NULL and
 * errno. */
static char *follow_links(const char *path, bool *names_fd)
{
	char *cur = strdup(path);

	*names_fd = false;
	for (int hops = 0; cur; hops++) {
		char target[PATH_MAX], *next = NULL;
		const char *slash = strrchr(cur, '/');
		struct stat st;
		ssize_t n;

		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
			return cur;
		if (in_fd_folder(cur)) {
			*names_fd = true;
			return cur;
		}
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

/* stat() follows every link, /proc's too: what is there in the end decides
 * how it is written, and a descriptor is written in place whatever it is. */
int write_atomically(const char *path, const char *text)
{
	bool names_fd;
	char *real = follow_links(path, &names_fd);
	struct stat st;
	bool exists = stat(path, &st) == 0;
	int rc;

	if (!real)
		return -errno;
	if (exists && S_ISDIR(st.st_mode))
		rc = -EISDIR;
	else if (names_fd || (exists && !S_ISREG(st.st_mode)))
		rc = write_in_place(path, text, names_fd ? NULL : real);
	else
		rc = write_file(path, real, text);
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
