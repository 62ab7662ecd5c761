/*
 * static.c - the page (web/, docs/web.md): its files served from
 * --web.ui-dir, opened once at start.  Only names of one shape are looked
 * up (lowercase words, one folder deep at most, a known extension), so no
 * request reaches outside the folder or a hidden file; a file is read whole
 * when asked for, so an edited page is served as it is now, and its ETag
 * lets a browser revalidate with a 304.
 */
#include "exporter.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE (8 << 20)

int ui_open(struct exporter *ex)
{
	ex->ui_fd = open(ex->set.ui_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ex->ui_fd < 0)
		error("the page is not served: cannot open '%s': %s", ex->set.ui_dir, strerror(errno));
	return ex->ui_fd;
}

/* The file read whole into *body; 0, or an HTTP status. */
static unsigned read_page(int dir, const char *name, char **body, struct stat *st)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	ssize_t got = 0;

	*body = NULL;
	if (fd < 0)
		return errno == ENOENT || errno == ELOOP ? MHD_HTTP_NOT_FOUND : MHD_HTTP_FORBIDDEN;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_size > MAX_FILE) {
		close(fd);
		return MHD_HTTP_NOT_FOUND;
	}
	*body = malloc((size_t)st->st_size + 1);
	for (ssize_t n = 1; *body && got < st->st_size && n > 0; got += n > 0 ? n : 0)
		n = read(fd, *body + got, (size_t)(st->st_size - got));
	close(fd);
	if (!*body || got != st->st_size) {
		free(*body);
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	return 0;
}

int ui_serve(struct exporter *ex, struct MHD_Connection *conn, const char *url)
{
	const char *name = strcmp(url, "/") == 0 ? "index.html" : url + 1, *match;
	struct stat st;
	char *body, etag[64];
	unsigned status = read_page(ex->ui_fd, name, &body, &st);
	struct MHD_Response *r;
	int rc;

	if (status)
		return http_error(ex, conn, status, "not found\n");
	snprintf(etag, sizeof(etag), "\"%jx-%jx.%lx\"", (uintmax_t)st.st_size,
		 (uintmax_t)st.st_mtim.tv_sec, (unsigned long)st.st_mtim.tv_nsec);
	match = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (match && strcmp(match, etag) == 0) {
		free(body);
		body = NULL;
		st.st_size = 0;
		status = MHD_HTTP_NOT_MODIFIED;
	}
	r = MHD_create_response_from_buffer((size_t)st.st_size, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	http_headers(ex, r, ui_type(name));
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	rc = MHD_queue_response(conn, status ? status : MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}
