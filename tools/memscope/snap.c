/*
 * snap.c - "memscope snap PID [-o FILE]": the whole snapshot as JSON.
 */
#include "cli.h"

int cmd_snap(const struct opts *o)
{
	struct ms_snapshot *snap = NULL;
	int status;

	if (!o->pages)
		return stream_snapshot(o, 0);
	/* the pages are read once the regions are known: every region is kept */
	status = take_snapshot(o, MS_SNAP_KEEP_OPEN, NULL, NULL, &snap);
	if (status != EXIT_OK)
		return status;
	status = read_residency(o, snap, 0);
	if (status == EXIT_OK)
		status = emit_json(o, snap, 0);
	ms_snapshot_free(snap);
	return status;
}
