/*
 * report.c - "memscope report A [B]": the page of memscope-exporter
 * (web/) as one HTML file with one or two snapshots, and their diff,
 * inside it, for a CI artifact or a bug report: it opens in a browser from
 * disk, with no server and no network.  The page itself was inlined when
 * memscope was built (embed.sh: report_head, report_tail); the data goes
 * between them as a JSON block, which a browser never runs.
 */
#include "cli.h"
#include "diffdoc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const char report_head[], report_tail[];

/* {"schema": "memscope-report/1", "snapshots": [A, B], "diff": D or null} */
static char *report_json(const struct opts *o, struct ms_snapshot *const snap[2], int n)
{
	struct ms_diff *d = NULL;
	struct jw w = { 0 };
	char *text;

	if (n == 2 && ms_snapshot_diff(snap[0], snap[1], &d) < 0)
		return NULL;
	jw_open(&w, NULL, '{');
	jw_str(&w, "schema", "memscope-report/1");
	jw_open(&w, "snapshots", '[');
	for (int i = 0; i < n; i++) {
		text = ms_snapshot_to_json(snap[i], 0);
		jw_raw(&w, NULL, text ? text : "null");
		w.failed |= !text;
		free(text);
	}
	jw_close(&w, ']');
	jw_name(&w, "diff");
	if (d) {
		diff_json_begin(&w, o->sides, snap[0], snap[1], d);
		jw_open(&w, "fail_if", '[');
		jw_close(&w, ']');
		jw_close(&w, '}');
	} else {
		jw_raw(&w, NULL, "null");
	}
	jw_close(&w, '}');
	ms_diff_free(d);
	return jw_finish(&w);
}

/* The JSON as the text of a <script> element: '<' (so never "</script"
 * nor "<!--"), U+2028 and U+2029 escaped; each is inside a string. */
static int put_json(int fd, const char *s)
{
	static const char *const subst[] = { "\\u003c", "\\u2028", "\\u2029" };
	const char *run = s;
	int rc = 0;

	for (; *s && rc == 0; s++) {
		int k = *s == '<' ? 0 : memcmp(s, "\xe2\x80\xa8", 3) == 0 ? 1 :
			memcmp(s, "\xe2\x80\xa9", 3) == 0 ? 2 : -1;

		if (k < 0)
			continue;
		rc = write_all(fd, run, (size_t)(s - run));
		if (rc == 0)
			rc = write_all(fd, subst[k], strlen(subst[k]));
		s += k ? 2 : 0;
		run = s + 1;
	}
	return rc ? rc : write_all(fd, run, strlen(run));
}

/* the page with arg, the memscope-report/1 document, inside */
static int put_report(int fd, void *arg)
{
	static const char open_tag[] = "<script type=\"application/json\" id=\"memscope-data\">";
	int rc = write_all(fd, report_head, strlen(report_head));

	if (rc == 0)
		rc = write_all(fd, open_tag, strlen(open_tag));
	if (rc == 0)
		rc = put_json(fd, arg);
	if (rc == 0)
		rc = write_all(fd, "</script>\n", 10);
	return rc ? rc : write_all(fd, report_tail, strlen(report_tail));
}

int cmd_report(const struct opts *o)
{
	struct ms_snapshot *snap[2] = { NULL, NULL };
	int n = o->sides[1] ? 2 : 1, status = EXIT_OK, rc;
	char *json = NULL;

	for (int i = 0; i < n && status == EXIT_OK; i++)
		status = load_side(o, o->sides[i], &snap[i]);
	if (status == EXIT_OK && !(json = report_json(o, snap, n))) {
		error("cannot make the report: %s", strerror(ENOMEM));
		status = EXIT_USAGE;
	}
	/* as every command's: output that cannot be written is 1 */
	if (status == EXIT_OK && o->output && (rc = write_atomically_with(o->output, put_report, json)) < 0) {
		error("cannot write '%s': %s", o->output, strerror(-rc));
		status = EXIT_FAIL;
	} else if (status == EXIT_OK && !o->output) {
		if ((rc = put_report(STDOUT_FILENO, json)) < 0 && rc != -EPIPE)
			error("cannot write the output: %s", strerror(-rc));
		status = finish_output(rc < 0 ? EXIT_FAIL : EXIT_OK);
	}
	free(json);
	ms_snapshot_free(snap[0]);
	ms_snapshot_free(snap[1]);
	return status;
}
