/*
 * yamlnode.c - a YAML file as a small tree of maps, sequences and scalars,
 * from libyaml's parser events, so that each configuration file is walked
 * by code that says what it means.  Anchors and aliases are refused: a
 * configuration has no use for them, and they make "billion laughs".  So
 * is a key given twice in a map, which YAML forbids and libyaml lets by.
 */
#include "exporter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 32

struct loader {
	yaml_parser_t parser;
	const char *path;
	char *err;
	size_t errlen;
};

void ynode_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			*s = '?';
}

static int fail(struct loader *ld, unsigned long line, const char *what)
{
	snprintf(ld->err, ld->errlen, "'%s': line %lu: %s", ld->path, line, what);
	ynode_one_line(ld->err);
	return -1;
}

static int key_order(const void *a, const void *b)
{
	const struct ynode *x = *(struct ynode *const *)a, *y = *(struct ynode *const *)b;
	int c = strcmp(x->value, y->value);

	return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

/* A key given twice in map n, said with both lines: a second value would
 * quietly replace the first (or, in a list the file builds, add to it). */
static int twice(struct loader *ld, const struct ynode *n)
{
	size_t nkeys = n->n / 2;
	struct ynode **keys = malloc((nkeys + 1) * sizeof(*keys));
	char what[160];
	int rc = 0;

	if (!keys)
		return fail(ld, n->line, strerror(ENOMEM));
	for (size_t i = 0; i < nkeys; i++)
		keys[i] = n->kids[2 * i];
	qsort(keys, nkeys, sizeof(*keys), key_order);
	for (size_t i = 1; rc == 0 && i < nkeys; i++)
		if (strcmp(keys[i - 1]->value, keys[i]->value) == 0) {
			snprintf(what, sizeof(what), "key '%s' given twice (first on line %lu)",
				 keys[i]->value, keys[i - 1]->line);
			rc = fail(ld, keys[i]->line, what);
		}
	free(keys);
	return rc;
}

static int add_kid(struct ynode *parent, struct ynode *kid)
{
	struct ynode **k = realloc(parent->kids, (parent->n + 1) * sizeof(*k));

	if (!k)
		return -1;
	parent->kids = k;
	k[parent->n++] = kid;
	return 0;
}

static int node(struct loader *ld, yaml_event_t *ev, struct ynode **out, int depth);

/* The items of a sequence or the keys and values of a map, up to its end. */
static int children(struct loader *ld, struct ynode *n, yaml_event_type_t end, int depth)
{
	for (;;) {
		yaml_event_t ev;
		struct ynode *kid = NULL;

		if (!yaml_parser_parse(&ld->parser, &ev))
			return fail(ld, ld->parser.problem_mark.line + 1, ld->parser.problem ?
				    ld->parser.problem : "malformed YAML");
		if (ev.type == end) {
			yaml_event_delete(&ev);
			if (n->kind == Y_MAP && n->n % 2)
				return fail(ld, n->line, "a key without value");
			return n->kind == Y_MAP ? twice(ld, n) : 0;
		}
		if (node(ld, &ev, &kid, depth + 1) < 0 || add_kid(n, kid) < 0) {
			ynode_free(kid);
			return ld->err[0] ? -1 : fail(ld, n->line, strerror(ENOMEM));
		}
		if (n->kind == Y_MAP && n->n % 2 && kid->kind != Y_SCALAR)
			return fail(ld, kid->line, "a key that is not a plain word");
	}
}

/* The node that event ev begins (ev is consumed). */
static int node(struct loader *ld, yaml_event_t *ev, struct ynode **out, int depth)
{
	struct ynode *n = calloc(1, sizeof(*n));
	yaml_event_type_t type = ev->type;
	int rc = 0;

	*out = n;
	if (!n) {
		yaml_event_delete(ev);
		return -1;
	}
	n->line = ev->start_mark.line + 1;
	if (depth > MAX_DEPTH)
		rc = fail(ld, n->line, "nested too deep");
	else if (type == YAML_ALIAS_EVENT ||
		 (type == YAML_SCALAR_EVENT && ev->data.scalar.anchor) ||
		 (type == YAML_MAPPING_START_EVENT && ev->data.mapping_start.anchor) ||
		 (type == YAML_SEQUENCE_START_EVENT && ev->data.sequence_start.anchor))
		rc = fail(ld, n->line, "anchors and aliases are not taken");
	else if (type == YAML_SCALAR_EVENT) {
		n->kind = Y_SCALAR;
		n->value = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		rc = n->value ? 0 : -1;
	}
	yaml_event_delete(ev);
	if (rc < 0 || type == YAML_SCALAR_EVENT)
		return rc;
	if (type == YAML_MAPPING_START_EVENT)
		n->kind = Y_MAP;
	else if (type == YAML_SEQUENCE_START_EVENT)
		n->kind = Y_SEQ;
	else
		return fail(ld, n->line, "unexpected YAML");
	return children(ld, n, n->kind == Y_MAP ? YAML_MAPPING_END_EVENT :
			YAML_SEQUENCE_END_EVENT, depth);
}

/* Events up to the document's root node; *root NULL for an empty stream. */
static int document(struct loader *ld, struct ynode **root)
{
	*root = NULL;
	for (;;) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&ld->parser, &ev))
			return fail(ld, ld->parser.problem_mark.line + 1, ld->parser.problem ?
				    ld->parser.problem : "malformed YAML");
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
			yaml_event_delete(&ev);
			continue;
		case YAML_STREAM_END_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			yaml_event_delete(&ev);
			return 0;
		default:
			return node(ld, &ev, root, 0) < 0 && !ld->err[0] ?
			       fail(ld, 1, strerror(ENOMEM)) : ld->err[0] ? -1 : 0;
		}
	}
}

/* The document ld's parser reads into *root, the parser then deleted. */
static int load(struct loader *ld, struct ynode **root)
{
	int rc = document(ld, root);

	yaml_parser_delete(&ld->parser);
	if (rc < 0) {
		ynode_free(*root);
		*root = NULL;
	}
	return rc;
}

int ynode_load(const char *path, struct ynode **root, char *err, size_t errlen)
{
	struct loader ld = { .path = path, .err = err, .errlen = errlen };
	FILE *f = fopen(path, "rb");
	int rc;

	*root = NULL;
	err[0] = '\0';
	if (!f) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!yaml_parser_initialize(&ld.parser)) {
		fclose(f);
		return fail(&ld, 1, strerror(ENOMEM));
	}
	yaml_parser_set_input_file(&ld.parser, f);
	rc = load(&ld, root);
	fclose(f);
	return rc;
}

int ynode_parse(const char *name, const void *text, size_t len, struct ynode **root, char *err,
		size_t errlen)
{
	struct loader ld = { .path = name, .err = err, .errlen = errlen };

	*root = NULL;
	err[0] = '\0';
	if (!yaml_parser_initialize(&ld.parser))
		return fail(&ld, 1, strerror(ENOMEM));
	yaml_parser_set_input_string(&ld.parser, text, len);
	return load(&ld, root);
}

void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	free(n->value);
	free(n);
}

bool ynode_bool(const struct ynode *n, bool *b)
{
	if (!n || n->kind != Y_SCALAR)
		return false;
	if (strcmp(n->value, "true") == 0 || strcmp(n->value, "false") == 0) {
		*b = n->value[0] == 't';
		return true;
	}
	return false;
}
