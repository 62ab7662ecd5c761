/*
 * snapshot.c - fuzz target: ms_snapshot_from_json() on any text.  What it
 * reads, memscope writes back (plain and indented) and must read again,
 * and that second read must write the same text: everything memscope
 * writes, it reads back.  A difference aborts.  The diff of the two reads
 * and the summary document run too, for the sanitizers.
 */
#include "memscope.h"
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what, const char *err, const char *text)
{
	fprintf(stderr, "fuzz snapshot: %s: %s\n--- the document written:\n%.2000s\n", what, err,
		text);
	abort();
}

/* Written with flags, read back, written again: the same text. */
static void round_trip(const struct ms_snapshot *snap, unsigned flags)
{
	char *text = ms_snapshot_to_json(snap, flags), *again, err[256] = "";
	struct ms_snapshot *back;
	struct ms_diff *d;

	if (!text)
		abort(); /* out of memory: libFuzzer's limits are far below */
	if (ms_snapshot_from_json(text, strlen(text), &back, err, sizeof(err)) < 0)
		fail("what memscope wrote does not read back", err, text);
	again = ms_snapshot_to_json(back, flags);
	if (!again)
		abort();
	if (strcmp(text, again) != 0)
		fail("read back, it writes differently", again, text);
	if (ms_snapshot_diff(snap, back, &d) == 0)
		ms_diff_free(d);
	free(again);
	free(text);
	ms_snapshot_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_snapshot *snap;
	char err[256], *summary;

	if (ms_snapshot_from_json((const char *)data, size, &snap, err, sizeof(err)) < 0)
		return 0;
	round_trip(snap, 0);
	round_trip(snap, MS_JSON_PRETTY);
	summary = ms_snapshot_to_json(snap, MS_JSON_SUMMARY);
	free(summary);
	ms_snapshot_free(snap);
	return 0;
}
