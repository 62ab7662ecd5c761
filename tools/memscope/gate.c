/*
 * gate.c - "--fail-if SCOPE.FIELD OP VALUE": a threshold on the change from
 * snapshot A to snapshot B, for CI.
 *
 *   SCOPE  a class name, or "total"
 *   FIELD  a byte field of the snapshot (size, rss, pss, uss, swap, and the
 *          other smaps keys in their JSON spelling), or "count" (regions)
 *   OP     >  >=  <  <=
 *   VALUE  a signed change with a unit: +10MiB, -512KiB, +0, +1.5GiB, +20M
 *          (as memscope prints it), +3 (count), or a percentage of A: +5%
 *
 * "total.rss > +10MiB" holds when Rss grew by more than 10 MiB.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What memscope prints (K ... E: 1024^n, as human_size() makes them), the
 * IEC names of the same, and the SI ones (1000^n). */
static const struct {
	const char *name;
	double bytes;
} units[] = {
	{ "B", 1 }, { "K", 0x1p10 }, { "M", 0x1p20 }, { "G", 0x1p30 }, { "T", 0x1p40 },
	{ "P", 0x1p50 }, { "E", 0x1p60 }, { "KiB", 0x1p10 }, { "MiB", 0x1p20 },
	{ "GiB", 0x1p30 }, { "TiB", 0x1p40 }, { "PiB", 0x1p50 }, { "EiB", 0x1p60 },
	{ "kB", 1e3 }, { "KB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 }, { "TB", 1e12 },
	{ "PB", 1e15 }, { "EB", 1e18 },
};

#define UNIT_LIST "B, K or KiB, M or MiB, G, T, P, E, kB, MB, GB, TB, PB, EB, %%"

/* A change is of two counts that are uint64_t: it cannot be 2^64 or more
 * either way, and a threshold that far is a typing error. */
#define TOO_FAR 0x1p64

/* err made of fmt and what, a part of the expression: its control bytes
 * written \ooo, so that the message stays one line (tests/fuzz/failif.c) */
static int bad(char *err, size_t len, const char *fmt, const char *what)
{
	char *copy;

	snprintf(err, len, fmt, safe_name(what, &copy));
	free(copy);
	return -EINVAL;
}

/* The n bytes at s as a string in name[32]; what names the part when there
 * is none (or too long a one to be a name). */
static int take_name(const char *s, size_t n, char name[32], const char *what, char *err,
		     size_t len)
{
	if (n == 0 || n >= 32)
		return bad(err, len, "%s", what);
	memcpy(name, s, n);
	name[n] = '\0';
	return 0;
}

static int parse_scope(const char *s, size_t n, struct gate *g, char *err, size_t len)
{
	char name[32];

	if (take_name(s, n, name, "SCOPE.FIELD is missing", err, len) < 0)
		return -EINVAL;
	g->class = strcmp(name, "total") == 0 ? -1 : ms_class_from_name(name);
	if (g->class < -1 || (g->class == -1 && strcmp(name, "total") != 0))
		return bad(err, len, "unknown scope '%s' (a class, or total)", name);
	return 0;
}

static int parse_field(const char *s, size_t n, struct gate *g, char *err, size_t len)
{
	char name[32];

	if (take_name(s, n, name, "the field is missing", err, len) < 0)
		return -EINVAL;
	if (strcmp(name, "count") == 0) {
		g->field = GATE_COUNT;
		return 0;
	}
	if (strcmp(name, "uss") == 0) {
		g->field = FIELD_USS;
		return 0;
	}
	for (int f = 0; f < MS_FIELD_COUNT; f++)
		if (strcmp(name, ms_field_json_key(f)) == 0 && f != MS_KERNEL_PAGE &&
		    f != MS_MMU_PAGE) {
			g->field = f;
			return 0;
		}
	return bad(err, len, "unknown field '%s' (size, rss, pss, uss, swap, count, ...)", name);
}

static int set_value(struct gate *g, double v, const char *s, char *err, size_t len)
{
	if (fabs(v) >= TOO_FAR) /* a percentage too: a typing error */
		return bad(err, len, g->percent ? "'%s' is too large a percentage" :
			   "'%s' is too large: a change is less than 16E (2^64 bytes)", s);
	g->value = v;
	return 0;
}

/* SIGN DIGITS[.DIGITS] then a unit, "%" or nothing: strict, so that no
 * exponent, hex float, "inf" or "nan" of strtod's passes for a size. */
static int parse_value(const char *s, struct gate *g, char *err, size_t len)
{
	const char *end = s + 1;
	char num[64];
	double v;

	if (*s != '+' && *s != '-')
		return bad(err, len, "the value '%s' needs a sign: it is a change (+10MiB, -5%%)", s);
	if (!isdigit((unsigned char)*end))
		return bad(err, len, "bad value '%s'", s);
	while (isdigit((unsigned char)*end))
		end++;
	if (*end == '.' && isdigit((unsigned char)end[1]))
		for (end++; isdigit((unsigned char)*end);)
			end++;
	if ((size_t)(end - s) >= sizeof(num))
		return bad(err, len, "bad value '%s'", s);
	memcpy(num, s, (size_t)(end - s));
	num[end - s] = '\0';
	v = strtod(num, NULL);
	g->percent = strcmp(end, "%") == 0;
	if (g->percent || (*end == '\0' && (g->field == GATE_COUNT || v == 0)))
		return set_value(g, v, s, err, len);
	if (g->field == GATE_COUNT)
		return bad(err, len, "a count takes no unit: '%s'", s);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].name) == 0)
			return set_value(g, v * units[i].bytes, s, err, len);
	return bad(err, len, *end ? "unknown unit in '%s' (" UNIT_LIST ")" :
		   "'%s' needs a unit (" UNIT_LIST ")", s);
}

int gate_parse(const char *text, struct gate *g, char *err, size_t len)
{
	const char *p = text, *dot, *op, *field_end;
	int rc;

	memset(g, 0, sizeof(*g));
	g->text = text;
	while (isspace((unsigned char)*p))
		p++;
	dot = strchr(p, '.');
	op = strpbrk(p, "<>");
	if (!dot || !op || dot > op)
		return bad(err, len, "%s", "expected SCOPE.FIELD OP VALUE, e.g. 'total.rss > +10MiB'");
	if ((rc = parse_scope(p, (size_t)(dot - p), g, err, len)) < 0)
		return rc;
	for (field_end = op; field_end > dot + 1 && isspace((unsigned char)field_end[-1]);)
		field_end--;
	if ((rc = parse_field(dot + 1, (size_t)(field_end - dot - 1), g, err, len)) < 0)
		return rc;
	g->op = op[0] == '>' ? (op[1] == '=' ? GATE_GE : GATE_GT) :
		(op[1] == '=' ? GATE_LE : GATE_LT);
	p = op + 1 + (op[1] == '=');
	while (isspace((unsigned char)*p))
		p++;
	return parse_value(p, g, err, len);
}

/* The value of the gate's field in a total; false when unknown. */
static bool value_of(const struct gate *g, const struct ms_total *t, uint64_t *v)
{
	if (g->field == GATE_COUNT) {
		*v = ms_total_count(t);
		return true;
	}
	if (g->field == FIELD_USS)
		return ms_counts_uss(ms_total_counts(t), v);
	return ms_counts_get(ms_total_counts(t), (enum ms_field)g->field, v);
}

int gate_eval(struct gate *g, const struct ms_snapshot *a, const struct ms_snapshot *b,
	      char *err, size_t len)
{
	const struct ms_total *ta = g->class < 0 ? ms_snapshot_totals(a) :
				    ms_snapshot_class(a, g->class);
	const struct ms_total *tb = g->class < 0 ? ms_snapshot_totals(b) :
				    ms_snapshot_class(b, g->class);
	uint64_t va, vb;

	if (!value_of(g, ta, &va) || !value_of(g, tb, &vb))
		return bad(err, len, "'%s': the field is unknown in a snapshot (null)", g->text);
	/* the difference of the integers, rounded once (not each of them) */
	g->delta = vb >= va ? (double)(vb - va) : -(double)(va - vb);
	g->threshold = g->percent ? (double)va * g->value / 100.0 : g->value;
	switch (g->op) {
	case GATE_GT: g->holds = g->delta > g->threshold; break;
	case GATE_GE: g->holds = g->delta >= g->threshold; break;
	case GATE_LT: g->holds = g->delta < g->threshold; break;
	default: g->holds = g->delta <= g->threshold; break;
	}
	return 0;
}
