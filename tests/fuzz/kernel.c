/*
 * kernel.c - fuzz target: the parsers of the kernel's views (meminfo,
 * buddyinfo, zoneinfo, pagetypeinfo, slabinfo, vmallocinfo), fed from
 * memory.  The first byte picks the file (bits 0-2) and the size of the
 * pieces the rest is handed out in (bits 3-5: all at once, or 1 to 4096
 * bytes), as read() hands out a file.  Whatever was read, the ledger must
 * add up and the document must be JSON: anything else aborts.
 */
#include "kernel.h"
#include "fuzz.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

typedef int parse_fn(struct ms_lines *lr, struct ms_kernel *k, char *err, size_t errlen);

static parse_fn *const parsers[8] = { ms_meminfo_parse,	    ms_buddyinfo_parse,
				      ms_zoneinfo_parse,    ms_pagetypeinfo_parse,
				      ms_slabinfo_parse,    ms_vmallocinfo_parse,
				      ms_meminfo_parse,     ms_zoneinfo_parse };
static const size_t pieces[8] = { 0, 1, 2, 3, 16, 61, 256, 4096 };

static void fail(const char *what, const char *err)
{
	fprintf(stderr, "fuzz kernel: %s (err '%s')\n", what, err);
	abort();
}

/* The parts and what they leave are MemTotal, exactly. */
static void check_ledger(struct ms_kernel *k, const char *err)
{
	uint64_t total, sum = 0;

	if (ms_ledger_build(k) < 0)
		return; /* no MemTotal */
	ms_mem(k, "MemTotal", &total);
	for (size_t i = 0; i < k->nr_parts; i++)
		sum += k->parts[i].bytes;
	if (sum + k->unaccounted - k->overcounted != total || (k->unaccounted && k->overcounted))
		fail("the ledger does not add up", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_kernel *k = ms_kernel_new(4096);
	struct ms_lines lr;
	char err[256] = "", *doc;
	cJSON *j;
	int rc;

	if (!k || size < 1)
		goto out;
	ms_lines_init_mem(&lr, (const char *)data + 1, size - 1, pieces[data[0] >> 3 & 7]);
	rc = parsers[data[0] & 7](&lr, k, err, sizeof(err));
	ms_lines_release(&lr);
	if (rc < 0 && rc != -EBADMSG && rc != -ENOMEM && rc != -E2BIG)
		fail("an error no parser returns", err);
	if (rc == -EBADMSG && !err[0])
		fail("a parse failed without saying why", err);
	check_ledger(k, err);
	doc = ms_kernel_to_json(k, data[0] >> 6 & 1 ? MS_JSON_PRETTY : 0);
	if (!doc)
		fail("no document", err);
	j = cJSON_Parse(doc);
	if (!j)
		fail("the document is not JSON", err);
	cJSON_Delete(j);
	free(doc);
out:
	ms_kernel_free(k);
	return 0;
}
