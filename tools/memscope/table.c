/*
 * table.c - table rows and cells, the terminal, and JSON to stdout or -o.
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

void row_range(struct row *r, uint64_t start, uint64_t end)
{
	row_hex(r, start);
	row_str(r, "-", 0);
	row_hex(r, end);
	do
		row_str(r, " ", 0);
	while (r->len < 26);
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
		p = jw_digits(p, v);
		return memcpy(buf, p, (size_t)(tmp + sizeof(tmp) - p) < len ?
			      (size_t)(tmp + sizeof(tmp) - p) : len);
	}
	return human_size(buf, len, v);
}

const char *size_cell(char *buf, size_t len, const struct opts *o,
		      const struct ms_counts *c, int field)
{
	uint64_t v;

	if (field == FIELD_USS ? !ms_counts_uss(c, &v) : !ms_counts_get(c, field, &v))
		return "-";
	return bytes_cell(buf, len, o, v);
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
