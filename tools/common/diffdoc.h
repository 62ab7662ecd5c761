/*
 * diffdoc.h - what changed between two snapshots, as every program shows
 * it: the byte fields a diff compares, and the memscope-diff/1 document of
 * docs/diff.md, which "memscope diff --json" prints, memscope-exporter
 * serves and "memscope report" embeds.
 */
#ifndef MEMSCOPE_DIFFDOC_H
#define MEMSCOPE_DIFFDOC_H

#include "common.h"
#include "jsonw.h"
#include "memscope.h"

/* The byte fields a diff shows, in order (an enum ms_field or FIELD_USS),
 * and their names in the document. */
#define DIFF_NR_SHOWN 5
extern const int diff_shown[DIFF_NR_SHOWN];
extern const char *const diff_shown_names[DIFF_NR_SHOWN];

/* A field of a count set; false when unknown. */
bool diff_get(const struct ms_counts *c, int field, int64_t *v);
/* "added", "removed", "grown", "shrunk" */
const char *diff_kind_name(enum ms_change_kind k);
/* How much a region's size changed: a side that is not there has none. */
int64_t diff_size_change(const struct ms_change *ch);
/* How much shown field i changed, in *d; false when a side lacks it. */
bool diff_field_change(const struct ms_change *ch, int i, int64_t *d);

/* The document up to its "regions", inclusive, inside an object left open:
 * the caller adds "fail_if" and closes it.  sources: how each side was
 * given (a file, a PID, a URL, an upload's name). */
void diff_json_begin(struct jw *w, const char *const sources[2], const struct ms_snapshot *a,
		     const struct ms_snapshot *b, const struct ms_diff *d);

#endif
