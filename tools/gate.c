/*
 * gate.c - "--fail-if SCOPE.FIELD OP VALUE": a threshold on the change from
 * snapshot A to snapshot B, for CI.
 *
 *   SCOPE  a class name, or "total"
 *   FIELD  a byte field of the snapshot (size, rss, pss, uss, swap, and the
 *          other smaps keys in their JSON spelling), or "count" (regions)
 *   OP     >  >=  <  <=
 *   VALUE  a signed change with a unit: +10MiB, -512KiB, +0, +1.5GiB, +3
 *          (count), or a percentage of A: +5%, -10%
 *
 * "total.rss > +10MiB" holds when Rss grew by more than 10 MiB.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	double bytes;
} units[] = {
	{ "B", 1 }, { "KiB", 1024.0 }, { "MiB", 1048576.0 }, { "GiB", 1073741824.0 },
	{ "TiB", 1099511627776.0 }, { "kB", 1e3 }, { "KB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 },
	{ "TB", 1e12 },
};

static int bad(char *err, size_t len, const char *fmt, const char *what)
{
	snprintf(err, len, fmt, what);
	return -EINVAL;
}

static int parse_scope(const char *s, size_t n, struct gate *g, char *err, size_t len)
{
	char name[32];

	if (n == 0 || n >= sizeof(name))
		return bad(err, len, "%s", "SCOPE.FIELD is missing");
	memcpy(name, s, n);
	name[n] = '\0';
	g->class = strcmp(name, "total") == 0 ? -1 : ms_class_from_name(name);
	if (g->class < -1 || (g->class == -1 && strcmp(name, "total") != 0))
		return bad(err, len, "unknown scope '%s' (a class, or total)", name);
	return 0;
}

static int parse_field(const char *s, size_t n, struct gate *g, char *err, size_t len)
{
	char name[32];

	if (n == 0 || n >= sizeof(name))
		return bad(err, len, "%s", "the field is missing");
	memcpy(name, s, n);
	name[n] = '\0';
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

static int parse_value(const char *s, struct gate *g, char *err, size_t len)
{
	char *end;
	double v;

	if (*s != '+' && *s != '-')
		return bad(err, len, "the value '%s' needs a sign: it is a change (+10MiB, -5%%)", s);
	errno = 0;
	v = strtod(s, &end);
	if (end == s + 1 || errno || !isfinite(v) || !isdigit((unsigned char)s[1]))
		return bad(err, len, "bad value '%s'", s);
	g->percent = strcmp(end, "%") == 0;
	if (g->percent || (*end == '\0' && (g->field == GATE_COUNT || v == 0))) {
		g->value = v;
		return 0;
	}
	if (g->field == GATE_COUNT)
		return bad(err, len, "a count takes no unit: '%s'", s);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].name) == 0) {
			g->value = v * units[i].bytes;
			return 0;
		}
	return bad(err, len, *end ? "unknown unit in '%s' (B, KiB, MiB, GiB, TiB, kB, MB, GB, "
		   "TB, %%)" : "'%s' needs a unit (B, KiB, MiB, GiB, TiB, kB, MB, GB, TB, %%)", s);
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
static bool value_of(const struct gate *g, const struct ms_total *t, double *v)
{
	uint64_t u;

	if (g->field == GATE_COUNT) {
		*v = (double)t->count;
		return true;
	}
	if (g->field == FIELD_USS) {
		if (!ms_counts_uss(&t->c, &u))
			return false;
		*v = (double)u;
		return true;
	}
	if (!ms_counts_has(&t->c, (enum ms_field)g->field))
		return false;
	*v = (double)t->c.v[g->field];
	return true;
}

int gate_eval(struct gate *g, const struct ms_snapshot *a, const struct ms_snapshot *b,
	      char *err, size_t len)
{
	const struct ms_total *ta = g->class < 0 ? &a->totals : &a->classes[g->class];
	const struct ms_total *tb = g->class < 0 ? &b->totals : &b->classes[g->class];
	double va, vb;

	if (!value_of(g, ta, &va) || !value_of(g, tb, &vb))
		return bad(err, len, "'%s': the field is unknown in a snapshot (null)", g->text);
	g->delta = vb - va;
	g->threshold = g->percent ? va * g->value / 100.0 : g->value;
	switch (g->op) {
	case GATE_GT: g->holds = g->delta > g->threshold; break;
	case GATE_GE: g->holds = g->delta >= g->threshold; break;
	case GATE_LT: g->holds = g->delta < g->threshold; break;
	default: g->holds = g->delta <= g->threshold; break;
	}
	return 0;
}
