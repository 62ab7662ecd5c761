/*
 * sides.c - a side of "memscope diff": a snapshot file, "-" (standard
 * input), a live PID (snapshotted now), or an http:// or https:// URL
 * (fetched by memscope-fetch, so that libcurl loads only then).
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_DOC (1ll << 30)

/* All of fd into a new buffer (NUL-terminated); -errno. */
static int slurp(int fd, char **buf, size_t *len)
{
	size_t cap = 1 << 16, used = 0;
	char *b = malloc(cap);

	if (!b)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (used + 1 == cap) {
			char *nb = cap >= MAX_DOC ? NULL : realloc(b, cap * 2);

			if (!nb) {
				free(b);
				return cap >= MAX_DOC ? -EFBIG : -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
		n = read(fd, b + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(b);
			return -e;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	b[used] = '\0';
	*buf = b;
	*len = used;
	return 0;
}

static bool is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static bool is_pid(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n <= 10 && s[n] == '\0' && strtoul(s, NULL, 10) <= INT_MAX &&
	       strtoul(s, NULL, 10) > 0;
}

/* The helper's one line of complaint, passed on as ours; or ours. */
static void fetch_error(const char *url, const char *helper_err, int status)
{
	static const char helper[] = "memscope-fetch: ";
	size_t n;

	if (strncmp(helper_err, helper, sizeof(helper) - 1) == 0)
		helper_err += sizeof(helper) - 1;
	n = strcspn(helper_err, "\n");
	if (n > 0)
		error("%.*s", (int)n, helper_err);
	else
		error("cannot fetch '%s': memscope-fetch ended with status %d", url, status);
}

static int fetch(const struct opts *o, const char *url, char **buf, size_t *len)
{
	char path[PATH_MAX], timeout[24], *err = NULL;
	char *argv[8] = { path };
	int out[2], errp[2], status = 0, n = 1, rc;
	size_t errlen;
	pid_t pid;

#ifndef HAVE_LIBCURL
	error("cannot fetch '%s': this memscope is built without libcurl (configure --with-libcurl)",
	      url);
	return -ENOTSUP;
#endif
	if ((rc = find_helper("memscope-fetch", "MEMSCOPE_FETCH", path, sizeof(path))) < 0) {
		error("cannot fetch '%s': no memscope-fetch ('%s': %s)", url, path, strerror(-rc));
		return rc;
	}
	snprintf(timeout, sizeof(timeout), "%ld", o->timeout ? o->timeout : 10);
	if (o->insecure)
		argv[n++] = (char *)"--insecure";
	if (o->cacert) {
		argv[n++] = (char *)"--cacert";
		argv[n++] = (char *)o->cacert;
	}
	argv[n++] = (char *)"--timeout";
	argv[n++] = timeout;
	argv[n++] = (char *)url;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		return -errno;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		dup2(errp[1], STDERR_FILENO);
		execv(path, argv);
		_exit(127);
	}
	close(out[1]);
	close(errp[1]);
	rc = pid < 0 ? -errno : slurp(out[0], buf, len);
	if (pid > 0 && slurp(errp[0], &err, &errlen) < 0)
		err = NULL;
	close(out[0]);
	close(errp[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		fetch_error(url, err ? err : "", status);
		free(*buf);
		rc = -EIO;
	} else if (rc < 0) {
		error("cannot fetch '%s': %s", url, strerror(-rc));
	}
	free(err);
	return rc;
}

int load_side(const struct opts *o, const char *spec, struct ms_snapshot **snap)
{
	char err[256] = "", *buf = NULL;
	size_t len = 0;
	int rc, fd;

	*snap = NULL;
	if (is_pid(spec)) {
		struct opts live = *o;

		live.pid = (pid_t)strtol(spec, NULL, 10);
		return take_snapshot(&live, 0, NULL, NULL, snap);
	}
	if (is_url(spec)) {
		rc = fetch(o, spec, &buf, &len);
	} else if (strcmp(spec, "-") == 0) {
		rc = slurp(STDIN_FILENO, &buf, &len);
		if (rc < 0)
			error("cannot read standard input: %s", strerror(-rc));
	} else {
		fd = open(spec, O_RDONLY | O_CLOEXEC);
		rc = fd < 0 ? -errno : slurp(fd, &buf, &len);
		if (fd >= 0)
			close(fd);
		if (rc < 0)
			error("cannot read '%s': %s", spec, strerror(-rc));
	}
	if (rc < 0)
		return EXIT_USAGE;
	rc = ms_snapshot_from_json(buf, len, snap, err, sizeof(err));
	free(buf);
	if (rc < 0) {
		error("cannot read %s%s%s: %s", strcmp(spec, "-") ? "'" : "",
		      strcmp(spec, "-") ? spec : "standard input", strcmp(spec, "-") ? "'" : "",
		      err[0] ? err : strerror(-rc));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
