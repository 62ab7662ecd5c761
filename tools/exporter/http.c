/*
 * http.c - the exporter's HTTP side on libmicrohttpd: a daemon per listen
 * socket, a thread per connection under a connection limit, a per-IP limit
 * and a timeout (libmicrohttpd has none by default), GET and HEAD on the
 * documented paths alone, the metrics in the format the Accept header
 * prefers, gzip when asked.
 */
#include "exporter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_DAEMONS 32

static struct MHD_Daemon *daemons[MAX_DAEMONS];
static size_t nr_daemons;

static const char TEXT_TYPE[] = "text/plain; version=0.0.4; charset=utf-8";
static const char OM_TYPE[] = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/* The page's scripts and styles come from its own files alone, and it
 * talks to this exporter alone (docs/web.md). */
static const char *const default_headers[][2] = {
	{ "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
	  "img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; "
	  "frame-ancestors 'none'" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "no-referrer" },
};
#define NR_DEFAULT_HEADERS (sizeof(default_headers) / sizeof(default_headers[0]))

void http_headers(struct exporter *ex, struct MHD_Response *r, const char *type)
{
	bool set[NR_DEFAULT_HEADERS] = { false };

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	for (size_t i = 0; ex->web && i < web_nr_headers(ex->web); i++) {
		const char *name, *value;

		web_header(ex->web, i, &name, &value);
		MHD_add_response_header(r, name, value);
		for (size_t k = 0; k < NR_DEFAULT_HEADERS; k++)
			set[k] |= strcmp(name, default_headers[k][0]) == 0;
	}
	for (size_t k = 0; k < NR_DEFAULT_HEADERS; k++)
		if (!set[k]) /* unless the web config says otherwise */
			MHD_add_response_header(r, default_headers[k][0], default_headers[k][1]);
}

int http_reply(struct exporter *ex, struct MHD_Connection *conn, unsigned status,
	       const char *type, char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	int rc;

	if (!r) {
		free(body);
		return MHD_NO;
	}
	http_headers(ex, r, type);
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

int http_error(struct exporter *ex, struct MHD_Connection *conn, unsigned status,
	       const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return MHD_NO;
	return http_reply(ex, conn, status, "text/plain; charset=utf-8", text, (size_t)n);
}

static bool wants_openmetrics(struct MHD_Connection *conn)
{
	const char *a = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	double om = http_accept_q(a, "application/openmetrics-text"), text = http_accept_q(a, "text/plain");

	return om > 0 && om >= text;
}

/* body gzipped into *out; 0 or -1 */
static int gzip(const char *body, size_t len, char **out, size_t *outlen)
{
	z_stream z = { 0 };
	size_t cap;
	int rc;

	if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	cap = deflateBound(&z, len);
	if (!(*out = malloc(cap))) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)body;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)*out;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH);
	*outlen = cap - z.avail_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(*out);
		return -1;
	}
	return 0;
}

static bool wants_gzip(struct MHD_Connection *conn)
{
	const char *a = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_ACCEPT_ENCODING);

	return http_accept_q(a, "gzip") > 0;
}

static int metrics(struct exporter *ex, struct MHD_Connection *conn)
{
	struct collection *c = collection_get(ex);
	bool om = wants_openmetrics(conn);
	struct MHD_Response *r;
	char *body;
	size_t len;
	int rc;

	if (!c)
		return http_error(ex, conn, 500, "cannot collect: %s\n", strerror(errno));
	len = om ? c->openmetrics_len : c->text_len;
	if (wants_gzip(conn) && gzip(om ? c->openmetrics : c->text, len, &body, &len) == 0) {
		r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (r)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	} else {
		r = MHD_create_response_from_buffer(len, om ? c->openmetrics : c->text,
						    MHD_RESPMEM_MUST_COPY);
	}
	collection_put(ex, c);
	if (!r)
		return MHD_NO;
	http_headers(ex, r, om ? OM_TYPE : TEXT_TYPE);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept, Accept-Encoding");
	rc = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

static int landing(struct exporter *ex, struct MHD_Connection *conn)
{
	char *page = NULL;
	int n = asprintf(&page, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
			 "<title>memscope-exporter</title></head><body>\n"
			 "<h1>memscope-exporter %s</h1>\n<ul>\n"
			 "<li><a href=\"%s\">metrics</a></li>\n"
			 "<li><a href=\"/api/v1/kernel\">/api/v1/kernel</a>: the kernel's views</li>\n"
			 "%s<li><a href=\"/-/healthy\">/-/healthy</a></li>\n</ul>\n</body></html>\n",
			 PACKAGE_VERSION, ex->set.telemetry, ex->set.process_api ?
			 "<li><a href=\"/api/v1/processes\">/api/v1/processes</a>: every process"
			 "</li>\n<li>/api/v1/snapshot/PID: one process's regions</li>\n" :
			 "<li>the process API is off (--web.enable-process-api)</li>\n");

	return n < 0 ? MHD_NO : http_reply(ex, conn, MHD_HTTP_OK, "text/html; charset=utf-8", page,
					   (size_t)n);
}

static const char DIFF_PATH[] = "/api/v1/diff";

/* 405, with the methods a path takes */
static int not_allowed(struct exporter *ex, struct MHD_Connection *conn, const char *methods)
{
	char *text = NULL;
	int n = asprintf(&text, "only %s\n", methods);
	struct MHD_Response *r = n < 0 ? NULL :
		MHD_create_response_from_buffer((size_t)n, text, MHD_RESPMEM_MUST_FREE);
	int rc;

	if (!r) {
		free(text);
		return MHD_NO;
	}
	http_headers(ex, r, "text/plain; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, strcmp(methods, "POST") == 0 ? "POST" :
				"GET, HEAD");
	rc = MHD_queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, r);
	MHD_destroy_response(r);
	return rc;
}

static int route(struct exporter *ex, struct MHD_Connection *conn, const char *url)
{
	static const char snap[] = "/api/v1/snapshot/";

	if (strcmp(url, ex->set.telemetry) == 0)
		return metrics(ex, conn);
	if (strcmp(url, "/") == 0 && ex->ui_fd < 0)
		return landing(ex, conn);
	if (strcmp(url, "/-/healthy") == 0)
		return http_reply(ex, conn, MHD_HTTP_OK, "text/plain; charset=utf-8", strdup("OK\n"), 3);
	if (strcmp(url, "/api/v1/kernel") == 0)
		return api_kernel(ex, conn);
	if (ex->set.process_api && strcmp(url, "/api/v1/processes") == 0)
		return api_processes(ex, conn);
	if (ex->set.process_api && strncmp(url, snap, sizeof(snap) - 1) == 0)
		return api_snapshot(ex, conn, url + sizeof(snap) - 1);
	if (ex->set.process_api && strcmp(url, DIFF_PATH) == 0)
		return not_allowed(ex, conn, "POST");
	if (ex->ui_fd >= 0 && ui_path(url))
		return ui_serve(ex, conn, url);
	return http_error(ex, conn, MHD_HTTP_NOT_FOUND, "not found%s\n",
			  strncmp(url, "/api/v1/", 8) == 0 && !ex->set.process_api ?
			  " (the process API is off: --web.enable-process-api)" : "");
}

/* A POST to the diff's path, its headers in: checked, then its body read
 * into *state; ex there once an answer is queued (the body then left
 * unread: libmicrohttpd closes the connection after the answer). */
static int start_upload(struct exporter *ex, struct MHD_Connection *conn, void **state)
{
	struct upload *up = NULL;
	int rc = MHD_YES, denied = ex->web ? web_check(ex, conn) : 0;

	if (denied)
		rc = denied < 0 ? MHD_NO : MHD_YES;
	else if (!ex->set.process_api)
		rc = route(ex, conn, DIFF_PATH); /* 404, saying why */
	else
		rc = diff_begin(ex, conn, &up);
	*state = up ? (void *)up : (void *)ex;
	return rc;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	struct exporter *ex = cls;
	int denied, rc;

	(void)version;
	if (!*state && strcmp(method, "POST") == 0 && strcmp(url, DIFF_PATH) == 0)
		return (enum MHD_Result)start_upload(ex, conn, state);
	if (*state && *state != ex) { /* a diff's body, then its answer */
		if (!*upload_size)
			return (enum MHD_Result)diff_answer(ex, conn, *state);
		rc = diff_feed(*state, upload, *upload_size);
		*upload_size = 0;
		return (enum MHD_Result)rc;
	}
	if (!*state) { /* the headers: answer once they are all in */
		*state = ex;
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return (enum MHD_Result)not_allowed(ex, conn, "GET and HEAD");
		return MHD_YES;
	}
	if (*upload_size) /* a GET with a body: not ours to read */
		return (enum MHD_Result)http_error(ex, conn, MHD_HTTP_BAD_REQUEST, "no body wanted\n");
	if (ex->web && (denied = web_check(ex, conn)) != 0)
		return (enum MHD_Result)(denied < 0 ? MHD_NO : MHD_YES);
	return (enum MHD_Result)route(ex, conn, url);
}

/* Says where a daemon listens (the port chosen when it was 0). */
static void say_where(int fd, bool tls)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		fprintf(stderr, "%s: listening on %s://[%s]:%d\n", program_name(), tls ? "https" : "http",
			host, port);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		fprintf(stderr, "%s: listening on %s://%s:%d\n", program_name(), tls ? "https" : "http",
			host, port);
	}
}

/* A request's end: a diff's upload freed. */
static void completed(void *cls, struct MHD_Connection *conn, void **state,
		      enum MHD_RequestTerminationCode why)
{
	(void)conn, (void)why;
	if (*state && *state != cls)
		diff_upload_free(*state);
	*state = NULL;
}

static struct MHD_Daemon *start_one(struct exporter *ex, int fd)
{
	const struct settings *s = &ex->set;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			 MHD_USE_POLL | MHD_USE_ERROR_LOG;
	struct MHD_OptionItem tls[8] = { { MHD_OPTION_END, 0, NULL } };

	if (ex->web && web_tls(ex->web)) {
		flags |= MHD_USE_TLS;
		web_tls_options(ex, tls, 8);
	}
	return MHD_start_daemon(flags, 0, NULL, NULL, handle, ex,
				MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->max_conns,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)s->max_per_ip,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->conn_timeout,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
				MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024),
				MHD_OPTION_NOTIFY_COMPLETED, completed, ex,
				MHD_OPTION_ARRAY, tls,
				MHD_OPTION_END);
}

int http_start(struct exporter *ex)
{
	for (size_t i = 0; i < ex->set.nlisten; i++) {
		int fds[8], n = listen_on(ex->set.listen[i], fds, 8);

		for (int j = 0; j < n; j++) {
			if (nr_daemons == MAX_DAEMONS || !(daemons[nr_daemons] = start_one(ex, fds[j]))) {
				error("cannot serve on '%s'", ex->set.listen[i]);
				close(fds[j]);
				return -1;
			}
			nr_daemons++;
			say_where(fds[j], ex->web && web_tls(ex->web));
		}
		if (n < 0)
			return -1;
	}
	return 0;
}

void http_stop(void)
{
	while (nr_daemons > 0)
		MHD_stop_daemon(daemons[--nr_daemons]);
}
