/*
 * diffdoc.c - the memscope-diff/1 document (docs/diff.md): each class's
 * and the total's figures on both sides and their change, then each region
 * that changed.
 */
#include "diffdoc.h"

const int diff_shown[DIFF_NR_SHOWN] = { MS_SIZE, MS_RSS, MS_PSS, FIELD_USS, MS_SWAP };
const char *const diff_shown_names[DIFF_NR_SHOWN] = { "size", "rss", "pss", "uss", "swap" };

bool diff_get(const struct ms_counts *c, int field, int64_t *v)
{
	uint64_t u;

	if (field == FIELD_USS ? !ms_counts_uss(c, &u) : !ms_counts_get(c, field, &u))
		return false;
	*v = (int64_t)u;
	return true;
}

const char *diff_kind_name(enum ms_change_kind k)
{
	static const char *const names[] = { "added", "removed", "grown", "shrunk" };

	return names[k];
}

int64_t diff_size_change(const struct ms_change *ch)
{
	return (int64_t)ms_region_size(ms_change_b(ch)) - (int64_t)ms_region_size(ms_change_a(ch));
}

bool diff_field_change(const struct ms_change *ch, int i, int64_t *d)
{
	return diff_shown[i] == FIELD_USS ? ms_change_uss(ch, d) : ms_change_delta(ch, diff_shown[i], d);
}

static void num_or_null(struct jw *w, const char *key, bool known, int64_t v)
{
	if (known)
		jw_i64(w, key, v);
	else
		jw_raw(w, key, "null");
}

static void figures(struct jw *w, const struct ms_counts *c)
{
	int64_t v = 0;

	for (int i = 0; i < DIFF_NR_SHOWN; i++) {
		/* known first: the order a call's arguments are evaluated in is
		 * the compiler's */
		bool known = diff_get(c, diff_shown[i], &v);

		num_or_null(w, diff_shown_names[i], known, v);
	}
}

static void total(struct jw *w, const char *key, const struct ms_total *a,
		  const struct ms_total *b)
{
	int64_t va = 0, vb = 0;

	jw_open(w, key, '{');
	for (int side = 0; side < 2; side++) {
		const struct ms_total *t = side ? b : a;

		jw_open(w, side ? "b" : "a", '{');
		figures(w, ms_total_counts(t));
		jw_u64(w, "count", ms_total_count(t));
		jw_close(w, '}');
	}
	jw_open(w, "delta", '{');
	for (int i = 0; i < DIFF_NR_SHOWN; i++) {
		bool known = diff_get(ms_total_counts(a), diff_shown[i], &va) &&
			     diff_get(ms_total_counts(b), diff_shown[i], &vb);

		num_or_null(w, diff_shown_names[i], known, vb - va);
	}
	jw_i64(w, "count", (int64_t)ms_total_count(b) - (int64_t)ms_total_count(a));
	jw_close(w, '}');
	jw_close(w, '}');
}

static void side_region(struct jw *w, const char *key, const struct ms_region *r)
{
	if (!jw_object_or_null(w, key, r))
		return;
	figures(w, ms_region_counts(r));
	jw_hex(w, "start", ms_region_start(r));
	jw_hex(w, "end", ms_region_end(r));
	jw_str(w, "perms", ms_region_perms(r));
	jw_close(w, '}');
}

static void change(struct jw *w, const struct ms_change *ch)
{
	const struct ms_region *r = ms_change_region(ch);

	jw_open(w, NULL, '{');
	jw_str(w, "change", diff_kind_name(ms_change_kind(ch)));
	jw_str(w, "class", ms_class_name(ms_region_class(r)));
	jw_str(w, "name", ms_region_path(r));
	jw_raw(w, "deleted", ms_region_deleted(r) ? "true" : "false");
	side_region(w, "a", ms_change_a(ch));
	side_region(w, "b", ms_change_b(ch));
	jw_open(w, "delta", '{');
	jw_i64(w, "size", diff_size_change(ch));
	for (int i = 1; i < DIFF_NR_SHOWN; i++) {
		int64_t v;
		bool known = diff_field_change(ch, i, &v);

		num_or_null(w, diff_shown_names[i], known, v);
	}
	jw_close(w, '}');
	jw_close(w, '}');
}

static void side(struct jw *w, const char *key, const char *source, const struct ms_snapshot *s)
{
	jw_open(w, key, '{');
	jw_str(w, "source", source);
	jw_u64(w, "pid", (uint64_t)ms_snapshot_pid(s));
	if (ms_snapshot_taken_at(s) > 0)
		jw_double(w, "taken_at", ms_snapshot_taken_at(s));
	else
		jw_raw(w, "taken_at", "null");
	jw_close(w, '}');
}

void diff_json_begin(struct jw *w, const char *const sources[2], const struct ms_snapshot *a,
		     const struct ms_snapshot *b, const struct ms_diff *d)
{
	jw_open(w, NULL, '{');
	jw_str(w, "schema", "memscope-diff/1");
	side(w, "a", sources[0], a);
	side(w, "b", sources[1], b);
	jw_open(w, "classes", '{');
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		total(w, ms_class_name((enum ms_class)c), ms_snapshot_class(a, c),
		      ms_snapshot_class(b, c));
	jw_close(w, '}');
	total(w, "total", ms_snapshot_totals(a), ms_snapshot_totals(b));
	jw_open(w, "regions", '[');
	for (size_t k = 0; k < ms_diff_count(d); k++)
		change(w, ms_diff_change(d, k));
	jw_close(w, ']');
}
