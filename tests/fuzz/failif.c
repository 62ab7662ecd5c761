/*
 * failif.c - fuzz target: the --fail-if grammar (tools/memscope/gate.c),
 * which reads what a CI job's author typed.  The input is the expression.
 * gate_parse() must take it or say why in one line; what it takes must be
 * a real threshold (a class or the total, a known field, a finite change
 * below 2^64 either way), and parsing it again must give the same: anything
 * else aborts.
 */
#include "cli.h"
#include "fuzz.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz failif: %s: '%s'\n", what, text);
	abort();
}

/* A gate that parsed is one memscope diff can evaluate. */
static void check_taken(const struct gate *g, const char *text)
{
	struct gate again;
	char err[256];

	if (g->class < -1 || g->class >= MS_CLASS_COUNT)
		fail("a class out of range", text);
	if (g->op != GATE_GT && g->op != GATE_GE && g->op != GATE_LT && g->op != GATE_LE)
		fail("no such operator", text);
	if (!isfinite(g->value) || fabs(g->value) >= 0x1p64)
		fail("a change that is no finite amount", text);
	if (gate_parse(text, &again, err, sizeof(err)) != 0 || again.class != g->class ||
	    again.field != g->field || again.op != g->op || again.percent != g->percent ||
	    again.value != g->value)
		fail("parsed twice, read two ways", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[256] = "";
	struct gate g;
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = gate_parse(text, &g, err, sizeof(err));
	if (rc == 0)
		check_taken(&g, text);
	else if (rc != -EINVAL)
		fail("an error gate_parse() does not return", text);
	else if (!err[0] || strchr(err, '\n'))
		fail("refused without a one-line reason", text);
	free(text);
	return 0;
}
