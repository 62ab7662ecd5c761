/*
 * snap.c - "memscope snap PID [-o FILE]": the whole snapshot as JSON.
 */
#include "cli.h"

int cmd_snap(const struct opts *o)
{
	struct ms_snapshot *snap = NULL;
	int status = take_snapshot(o, o->pages ? MS_SNAP_KEEP_OPEN : 0, NULL, NULL, &snap);

	if (status != EXIT_OK)
		return status;
	if (o->pages)
		status = read_residency(o, snap, 0);
	if (status == EXIT_OK)
		status = emit_json(o, snap, 0);
	ms_snapshot_free(snap);
	return status;
}
