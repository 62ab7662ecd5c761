/*
 * api.c - the JSON endpoints, each the very document the command line
 * prints: /api/v1/processes is "memscope ps --json", /api/v1/snapshot/PID
 * is "memscope snap PID" (?pages=1: "snap --pages"), /api/v1/kernel is
 * "memscope kernel --json".  The first two show address layouts and
 * command lines, which the kernel shows only to ptrace-capable readers:
 * they answer only with --web.enable-process-api, and the command line
 * only when the watch's show_cmdline allows it.
 */
#include "exporter.h"
#include "psdoc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

static const char JSON_TYPE[] = "application/json";

/* A read's failure as its HTTP status: 404 gone, 403 not ours to read. */
static unsigned status_of(int rc)
{
	switch (read_reason(rc)) {
	case READ_PERMISSION: return MHD_HTTP_FORBIDDEN;
	case READ_GONE: return MHD_HTTP_NOT_FOUND;
	default: return rc == -ENODATA ? MHD_HTTP_NOT_FOUND : MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

static bool show_cmdline(struct exporter *ex)
{
	bool show;

	pthread_mutex_lock(&ex->lock);
	show = ex->watch->show_cmdline;
	pthread_mutex_unlock(&ex->lock);
	return show;
}

int api_reply_json(struct exporter *ex, struct MHD_Connection *conn, char *text)
{
	if (!text)
		return http_error(ex, conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot make the JSON: %s\n",
				  strerror(ENOMEM));
	return http_reply(ex, conn, MHD_HTTP_OK, JSON_TYPE, text, strlen(text));
}

int api_processes(struct exporter *ex, struct MHD_Connection *conn)
{
	struct ms_ps *ps = NULL;
	const struct ms_proc **rows;
	struct sums all;
	struct jw w = { 0 };
	char err[256];
	int rc = ms_ps_take(ex->ctx, MS_PS_CGROUP, &ps, err, sizeof(err)), field = MS_PSS;
	bool cmdline = show_cmdline(ex);
	size_t n;

	if (rc < 0)
		return http_error(ex, conn, status_of(rc), "cannot read the processes: %s\n", err);
	n = ms_ps_count(ps);
	if (!(rows = malloc((n + 1) * sizeof(*rows)))) {
		ms_ps_free(ps);
		return http_error(ex, conn, 500, "cannot read the processes: %s\n", strerror(ENOMEM));
	}
	for (size_t i = 0; i < n; i++)
		rows[i] = ms_ps_proc(ps, i);
	qsort_r(rows, n, sizeof(*rows), ps_compare, &field); /* as memscope ps sorts */
	ps_add_up(rows, n, &all);
	jw_open(&w, NULL, '{');
	jw_str(&w, "schema", MS_PS_SCHEMA);
	jw_double(&w, "taken_at", ms_ps_taken_at(ps));
	jw_open(&w, "processes", '[');
	for (size_t i = 0; i < n; i++)
		ps_row_json(&w, rows[i], false, cmdline);
	jw_close(&w, ']');
	jw_open(&w, "totals", '{');
	ps_figures_json(&w, NULL, &all);
	jw_close(&w, '}');
	jw_u64(&w, "unreadable", all.unreadable);
	jw_close(&w, '}');
	free(rows);
	ms_ps_free(ps);
	return api_reply_json(ex, conn, jw_finish(&w));
}

/* The snapshot document with its argv null: the command line may hold
 * secrets. */
static char *without_argv(char *text)
{
	cJSON *doc = cJSON_Parse(text);
	char *out = NULL;

	free(text);
	if (doc && cJSON_ReplaceItemInObject(doc, "argv", cJSON_CreateNull()))
		out = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	return out;
}

static int snapshot_pages(struct exporter *ex, struct MHD_Connection *conn, pid_t pid,
			  bool pages)
{
	struct ms_snapshot *snap = NULL;
	char err[256];
	char *text;
	int rc = ms_snapshot_take(ex->ctx, pid, pages ? MS_SNAP_KEEP_OPEN : 0, &snap, err,
				  sizeof(err));

	if (rc == 0 && pages)
		rc = ms_residency_read(ex->ctx, snap, 0, err, sizeof(err));
	if (rc < 0) {
		ms_snapshot_free(snap);
		return http_error(ex, conn, status_of(rc), "cannot read process %d: %s\n", (int)pid,
				  err);
	}
	text = ms_snapshot_to_json(snap, 0);
	ms_snapshot_free(snap);
	if (text && !show_cmdline(ex))
		text = without_argv(text);
	return api_reply_json(ex, conn, text);
}

int api_snapshot(struct exporter *ex, struct MHD_Connection *conn, const char *arg)
{
	const char *q = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "pages");
	pid_t pid;
	int rc;

	if (!parse_pid(arg, &pid))
		return http_error(ex, conn, MHD_HTTP_BAD_REQUEST, "not a process ID\n");
	if (q && strcmp(q, "0") != 0 && strcmp(q, "1") != 0)
		return http_error(ex, conn, MHD_HTTP_BAD_REQUEST, "pages takes 0 or 1\n");
	if (!q || strcmp(q, "1") != 0)
		return snapshot_pages(ex, conn, pid, false);
	/* a page-by-page read: one at a time, the others told to come back */
	if (pthread_mutex_trylock(&ex->pages) != 0)
		return http_error(ex, conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				  "another page-by-page read is running; try again\n");
	rc = snapshot_pages(ex, conn, pid, true);
	pthread_mutex_unlock(&ex->pages);
	return rc;
}

/* The document without what only root may read (slabinfo, vmallocinfo),
 * unless --collector.kernel.privileged: those views null, errors saying why. */
static char *unprivileged(char *text)
{
	static const char *const views[2][2] = { { "slab", "slabinfo" }, { "vmalloc", "vmallocinfo" } };
	cJSON *doc = cJSON_Parse(text), *errors = cJSON_GetObjectItemCaseSensitive(doc, "errors");
	char *out = NULL;
	bool ok = doc && cJSON_IsObject(errors);

	free(text);
	for (int i = 0; ok && i < 2; i++) {
		char why[128];

		snprintf(why, sizeof(why), "%s: not served (memscope-exporter --collector.kernel.privileged)",
			 views[i][1]);
		cJSON_DeleteItemFromObjectCaseSensitive(errors, views[i][1]);
		ok = cJSON_ReplaceItemInObjectCaseSensitive(doc, views[i][0], cJSON_CreateNull()) &&
		     cJSON_AddStringToObject(errors, views[i][1], why);
	}
	if (ok)
		out = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	return out;
}

int api_kernel(struct exporter *ex, struct MHD_Connection *conn)
{
	struct ms_kernel *k = NULL;
	char err[256];
	int rc = ms_kernel_take(ex->ctx, 0, &k, err, sizeof(err));
	char *text;

	if (rc < 0)
		return http_error(ex, conn, status_of(rc), "cannot read the kernel's views: %s\n", err);
	text = ms_kernel_to_json(k, 0);
	ms_kernel_free(k);
	if (text && !ex->set.privileged)
		text = unprivileged(text);
	return api_reply_json(ex, conn, text);
}
