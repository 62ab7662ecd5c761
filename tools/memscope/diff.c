/*
 * diff.c - "memscope diff A B": what changed from snapshot A to snapshot B,
 * per class and region by region, and --fail-if thresholds for CI.
 *
 * Exit status: 0, or 1 when a --fail-if expression held; every other
 * problem (a side that cannot be read, a malformed expression, output that
 * cannot be written, no memory) is 2, so that 1 means one thing to a
 * pipeline.
 */
#include "cli.h"
#include "diffdoc.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* "+64K", "-1.2M", "0"; with --bytes "+65536": a sign and a magnitude. */
static const char *sign_cell(char *buf, size_t len, const struct opts *o, bool neg, uint64_t m)
{
	char tmp[24];

	if (m == 0)
		return "0";
	if (o->bytes)
		snprintf(buf, len, "%c%" PRIu64, neg ? '-' : '+', m);
	else
		snprintf(buf, len, "%c%s", neg ? '-' : '+', human_size(tmp, sizeof(tmp), m));
	return buf;
}

static const char *signed_cell(char *buf, size_t len, const struct opts *o, int64_t v)
{
	return sign_cell(buf, len, o, v < 0, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

/* A gate's delta or threshold, whole bytes up to 2^64 - 1 either way: a
 * cast to int64_t would print 2^63 as "-8.0E". */
static const char *amount_cell(char *buf, size_t len, const struct opts *o, double v)
{
	double m = fabs(round(v));

	return sign_cell(buf, len, o, v < 0, m >= 0x1p64 ? UINT64_MAX : (uint64_t)m);
}

/* ---- for people ---- */

static void total_row(const struct opts *o, const char *name, const struct ms_total *a,
		      const struct ms_total *b)
{
	char buf[32];
	int64_t va, vb, rss = 0;

	printf("%-14s", name);
	for (int i = 0; i < DIFF_NR_SHOWN; i++) {
		bool known = diff_get(ms_total_counts(a), diff_shown[i], &va) &&
			     diff_get(ms_total_counts(b), diff_shown[i], &vb);

		printf(" %10s", known ? signed_cell(buf, sizeof(buf), o, vb - va) : "-");
	}
	printf(" %+7lld", (long long)ms_total_count(b) - (long long)ms_total_count(a));
	printf(" %10s\n", diff_get(ms_total_counts(b), MS_RSS, &rss) ? bytes_cell(buf, sizeof(buf), o,
			  (uint64_t)rss) : "-");
}

static void change_row(const struct opts *o, const struct ms_change *ch)
{
	const struct ms_region *r = ms_change_region(ch);
	char buf[32], range[48], *copy;

	snprintf(range, sizeof(range), "%" PRIx64 "-%" PRIx64, ms_region_start(r), ms_region_end(r));
	printf("%-8s %-13s %-27s", diff_kind_name(ms_change_kind(ch)), ms_class_name(ms_region_class(r)),
	       range);
	printf(" %10s", signed_cell(buf, sizeof(buf), o, diff_size_change(ch)));
	for (int i = 1; i < DIFF_NR_SHOWN; i++) {
		int64_t d;
		bool known = diff_field_change(ch, i, &d);

		printf(" %10s", known ? signed_cell(buf, sizeof(buf), o, d) : "-");
	}
	printf(" %s%s\n", safe_name(ms_region_path(r), &copy),
	       ms_region_deleted(r) ? " (deleted)" : "");
	free(copy);
}

static void print_human(const struct opts *o, const struct ms_snapshot *a,
			const struct ms_snapshot *b, const struct ms_diff *d)
{
	size_t limit = o->regions < 0 ? 25 : o->regions > 0 ? (size_t)o->regions : ms_diff_count(d);

	printf("A: %s (pid %d)   B: %s (pid %d)\n\n", o->sides[0], (int)ms_snapshot_pid(a),
	       o->sides[1], (int)ms_snapshot_pid(b));
	printf("%-14s %10s %10s %10s %10s %10s %7s %10s\n", "CLASS", "SIZE", "RSS", "PSS", "USS",
	       "SWAP", "COUNT", "RSS IN B");
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		if (ms_total_count(ms_snapshot_class(a, c)) || ms_total_count(ms_snapshot_class(b, c)))
			total_row(o, ms_class_name((enum ms_class)c), ms_snapshot_class(a, c),
				  ms_snapshot_class(b, c));
	total_row(o, "total", ms_snapshot_totals(a), ms_snapshot_totals(b));
	if (!ms_diff_count(d)) {
		puts("\nno region changed");
		return;
	}
	printf("\n%zu region%s changed, largest change first\n", ms_diff_count(d),
	       ms_diff_count(d) == 1 ? "" : "s");
	printf("%-8s %-13s %-27s %10s %10s %10s %10s %10s NAME\n", "CHANGE", "CLASS", "ADDRESS",
	       "SIZE", "RSS", "PSS", "USS", "SWAP");
	for (size_t k = 0; k < ms_diff_count(d) && k < limit; k++)
		change_row(o, ms_diff_change(d, k));
	if (limit < ms_diff_count(d))
		printf("... and %zu more (--regions 0 lists all)\n", ms_diff_count(d) - limit);
}

/* ---- JSON ---- */

/* A gate's delta or threshold: whole bytes exactly, a part of a byte (a
 * percentage of A) as a number. */
static void amount(struct jw *w, const char *key, double v)
{
	char buf[24], *p;

	if (v != floor(v) || fabs(v) >= 0x1p64) {
		jw_double(w, key, v);
		return;
	}
	p = jw_digits(buf + sizeof(buf) - 1, (uint64_t)fabs(v));
	buf[sizeof(buf) - 1] = '\0';
	if (v < 0)
		*--p = '-';
	jw_raw(w, key, p);
}

static void gates_json(struct jw *w, const struct gate *gates, int n)
{
	jw_open(w, "fail_if", '[');
	for (int i = 0; i < n; i++) {
		jw_open(w, NULL, '{');
		jw_str(w, "expr", gates[i].text);
		jw_raw(w, "holds", gates[i].holds ? "true" : "false");
		amount(w, "delta", gates[i].delta);
		amount(w, "threshold", gates[i].threshold);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static int print_json(const struct opts *o, const struct ms_snapshot *a,
		      const struct ms_snapshot *b, const struct ms_diff *d,
		      const struct gate *gates)
{
	struct jw w = { 0 };
	char *text;

	diff_json_begin(&w, o->sides, a, b, d);
	gates_json(&w, gates, o->nr_fail_if);
	jw_close(&w, '}');
	text = jw_finish(&w);
	if (!text) {
		error("cannot make the JSON: %s", strerror(ENOMEM));
		return EXIT_USAGE;
	}
	puts(text);
	free(text);
	return EXIT_OK;
}

/* ---- the command ---- */

/* Evaluates every expression; the ones that held are named on stderr. */
static int check_gates(const struct opts *o, struct gate *gates, const struct ms_snapshot *a,
		       const struct ms_snapshot *b, bool *held)
{
	char err[256];

	*held = false;
	for (int i = 0; i < o->nr_fail_if; i++) {
		if (gate_eval(&gates[i], a, b, err, sizeof(err)) < 0) {
			error("--fail-if %s", err);
			return EXIT_USAGE;
		}
		*held |= gates[i].holds;
	}
	return EXIT_OK;
}

/* Each --fail-if parsed into gates[i]; an exit status, a bad one said.
 * An expression is shown with its control bytes as \ooo: one line. */
static int parse_gates(const struct opts *o, struct gate *gates)
{
	char err[256], *copy;

	for (int i = 0; i < o->nr_fail_if; i++)
		if (gate_parse(o->fail_if[i], &gates[i], err, sizeof(err)) < 0) {
			error("bad --fail-if '%s': %s", safe_name(o->fail_if[i], &copy), err);
			free(copy);
			return EXIT_USAGE;
		}
	return EXIT_OK;
}

/* After the output, the expressions that held, one line each. */
static void report_gates(const struct opts *o, const struct gate *gates)
{
	char d[32], t[32], *copy;

	for (int i = 0; i < o->nr_fail_if; i++)
		if (gates[i].holds) {
			error("fail-if '%s' held: the change was %s, the threshold %s",
			      safe_name(gates[i].text, &copy), amount_cell(d, sizeof(d), o, gates[i].delta),
			      amount_cell(t, sizeof(t), o, gates[i].threshold));
			free(copy);
		}
}

int cmd_diff(const struct opts *o)
{
	struct ms_snapshot *a = NULL, *b = NULL;
	struct gate *gates = calloc((size_t)o->nr_fail_if + 1, sizeof(*gates));
	struct ms_diff *d = NULL;
	bool held = false;
	int status = gates ? EXIT_OK : EXIT_USAGE;

	if (status == EXIT_OK)
		status = parse_gates(o, gates);
	if (status == EXIT_OK && strcmp(o->sides[0], "-") == 0 && strcmp(o->sides[1], "-") == 0) {
		error("only one side can be '-' (standard input)");
		status = EXIT_USAGE;
	}
	/* 1 means an expression held: a side that cannot be had is 2 */
	if (status == EXIT_OK && load_side(o, o->sides[0], &a) != EXIT_OK)
		status = EXIT_USAGE;
	if (status == EXIT_OK && load_side(o, o->sides[1], &b) != EXIT_OK)
		status = EXIT_USAGE;
	if (status == EXIT_OK && ms_snapshot_diff(a, b, &d) < 0) {
		error("cannot compare: %s", strerror(ENOMEM));
		status = EXIT_USAGE;
	}
	if (status == EXIT_OK)
		status = check_gates(o, gates, a, b, &held);
	if (status == EXIT_OK && o->json)
		status = print_json(o, a, b, d, gates);
	else if (status == EXIT_OK)
		print_human(o, a, b, d);
	/* lost output is a check that did not run, not one that held */
	if (status == EXIT_OK && finish_output(EXIT_OK) != EXIT_OK)
		status = EXIT_USAGE;
	if (status == EXIT_OK && held) {
		report_gates(o, gates);
		status = EXIT_FAIL;
	}
	ms_diff_free(d);
	ms_snapshot_free(a);
	ms_snapshot_free(b);
	free(gates);
	return status;
}
