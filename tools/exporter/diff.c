/*
 * diff.c - POST /api/v1/diff: two snapshot documents in, as the form
 * fields "a" and "b" (multipart/form-data, libmicrohttpd's post processor),
 * and the memscope-diff/1 document of "memscope diff --json A B" out, from
 * the same code (tools/common/diffdoc.c), so the page never compares in a
 * second implementation.  A body is bounded (MAX_BODY), one diff runs at a
 * time, and a request from a page of another origin is refused: a form
 * elsewhere cannot make this exporter work for it.
 */
#include "exporter.h"
#include "diffdoc.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BODY ((uint64_t)64 << 20)

struct upload {
	struct exporter *ex;
	struct MHD_PostProcessor *pp;
	struct buf side[2];      /* "a" and "b" */
	char *name[2];           /* their file names, if given */
	uint64_t body;           /* bytes so far */
};

static enum MHD_Result field(void *cls, enum MHD_ValueKind kind, const char *key,
			     const char *filename, const char *type, const char *encoding,
			     const char *data, uint64_t off, size_t size)
{
	struct upload *up = cls;
	int i = strcmp(key, "a") == 0 ? 0 : strcmp(key, "b") == 0 ? 1 : -1;

	(void)kind, (void)type, (void)encoding, (void)off;
	if (i < 0) /* another field: not ours */
		return MHD_YES;
	if (filename && !up->name[i])
		up->name[i] = strdup(filename);
	buf_add(&up->side[i], data, size);
	return up->side[i].failed ? MHD_NO : MHD_YES;
}

/* Sets whether a diff is under way; whether one was. */
static bool claim(struct exporter *ex, bool on)
{
	bool was;

	pthread_mutex_lock(&ex->lock);
	was = ex->diffing;
	ex->diffing = on;
	pthread_mutex_unlock(&ex->lock);
	return was;
}

void diff_upload_free(struct upload *up)
{
	if (!up)
		return;
	if (up->pp)
		MHD_destroy_post_processor(up->pp);
	for (int i = 0; i < 2; i++) {
		free(up->side[i].s);
		free(up->name[i]);
	}
	claim(up->ex, false);
	free(up);
}

/* A page of another origin: its Origin header names another host than
 * the one asked (a browser sends it with every POST). */
static bool cross_origin(struct MHD_Connection *conn)
{
	const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	const char *sep = origin ? strstr(origin, "://") : NULL;

	if (!origin)
		return false;
	return !sep || !host || strcmp(sep + 3, host) != 0;
}

/* Before the body: the checks that need none of it, then *up to read it
 * into; MHD_YES with *up NULL when an answer was queued. */
int diff_begin(struct exporter *ex, struct MHD_Connection *conn, struct upload **up)
{
	const char *len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_CONTENT_LENGTH);

	*up = NULL;
	if (cross_origin(conn))
		return http_error(ex, conn, MHD_HTTP_FORBIDDEN, "a page of another origin\n");
	if (len && strtoull(len, NULL, 10) > MAX_BODY)
		return http_error(ex, conn, MHD_HTTP_CONTENT_TOO_LARGE,
				  "two snapshots of %llu MiB at most\n",
				  (unsigned long long)(MAX_BODY >> 20));
	if (claim(ex, true)) /* another's: leave it set */
		return http_error(ex, conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				  "another diff is running; try again\n");
	if (!(*up = calloc(1, sizeof(**up)))) {
		claim(ex, false);
		return MHD_NO;
	}
	(*up)->ex = ex;
	(*up)->pp = MHD_create_post_processor(conn, 64 * 1024, field, *up);
	if (!(*up)->pp) {
		diff_upload_free(*up);
		*up = NULL;
		return http_error(ex, conn, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
				  "a form (multipart/form-data) with the fields a and b\n");
	}
	return MHD_YES;
}

/* A part of the body; MHD_NO (the connection closed) past MAX_BODY. */
int diff_feed(struct upload *up, const char *data, size_t len)
{
	up->body += len;
	if (up->body > MAX_BODY)
		return MHD_NO;
	return MHD_post_process(up->pp, data, len);
}

/* side i's snapshot, or an HTTP status with err saying why */
static unsigned read_side(struct upload *up, int i, struct ms_snapshot **snap, char *err,
			  size_t errlen)
{
	char why[256] = "";
	int rc;

	if (!up->side[i].s) {
		snprintf(err, errlen, "no field '%c'", "ab"[i]);
		return MHD_HTTP_BAD_REQUEST;
	}
	rc = ms_snapshot_from_json(up->side[i].s, up->side[i].len, snap, why, sizeof(why));
	if (rc == -ENOMEM) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	if (rc == 0)
		return 0;
	snprintf(err, errlen, "'%c' is not a snapshot: %s", "ab"[i], why);
	return MHD_HTTP_BAD_REQUEST;
}

/* The body is in: the document, or why not. */
int diff_answer(struct exporter *ex, struct MHD_Connection *conn, struct upload *up)
{
	struct ms_snapshot *snap[2] = { NULL, NULL };
	const char *sources[2] = { up->name[0] ? up->name[0] : "a", up->name[1] ? up->name[1] : "b" };
	struct ms_diff *d = NULL;
	struct jw w = { 0 };
	char err[320];
	unsigned status = 0;

	for (int i = 0; i < 2 && !status; i++)
		status = read_side(up, i, &snap[i], err, sizeof(err));
	if (!status && ms_snapshot_diff(snap[0], snap[1], &d) < 0) {
		snprintf(err, sizeof(err), "cannot compare: %s", strerror(ENOMEM));
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	if (!status) {
		diff_json_begin(&w, sources, snap[0], snap[1], d);
		jw_open(&w, "fail_if", '[');
		jw_close(&w, ']');
		jw_close(&w, '}');
	}
	ms_diff_free(d);
	ms_snapshot_free(snap[0]);
	ms_snapshot_free(snap[1]);
	if (status)
		return http_error(ex, conn, status, "%s\n", err);
	return api_reply_json(ex, conn, jw_finish(&w));
}
