/*
 * output.c - sizes for people, and JSON written whole or not at all.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *human_size(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "KMGTPE";
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 "%s", bytes, bytes ? "B" : "");
		return buf;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	/* three significant digits at most: 4.0K, 12.5M, 128G */
	snprintf(buf, len, v < 9.95 ? "%.1f%c" : "%.0f%c", v, units[u]);
	return buf;
}

const char *size_cell(char *buf, size_t len, const struct opts *o,
		      const struct ms_counts *c, int field)
{
	uint64_t v;

	if (field == FIELD_USS ? !ms_counts_uss(c, &v) : !ms_counts_has(c, field))
		return "-";
	if (field != FIELD_USS)
		v = c->v[field];
	if (o->bytes) {
		snprintf(buf, len, "%" PRIu64, v);
		return buf;
	}
	return human_size(buf, len, v);
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

/* mkstemp makes 0600; the file gets the mode a plain create would give. */
static mode_t create_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

/* FILE.XXXXXX beside FILE, written and synced, then renamed over FILE: a
 * reader sees the old file or the new one, never a part. */
static int write_atomically(const char *path, const char *text)
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
	if (rc == 0 && fchmod(fd, create_mode()) < 0)
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
