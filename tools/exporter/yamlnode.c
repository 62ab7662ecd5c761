/*
 * yamlnode.c - a YAML file as a small tree of maps, sequences and scalars,
 * from libyaml's parser events, so that each configuration file is walked
 * by code that says what it means.  Anchors and aliases are refused: a
 * configuration has no use for them, and they make "billion laughs".
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

static int fail(struct loader *ld, unsigned long line, const char *what)
{
	snprintf(ld->err, ld->errlen, "'%s': line %lu: %s", ld->path, line, what);
	return -1;
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
			return n->kind == Y_MAP && n->n % 2 ? fail(ld, n->line, "a key without value") : 0;
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
	yaml_parser_initialize(&ld.parser);
	yaml_parser_set_input_file(&ld.parser, f);
	rc = document(&ld, root);
	yaml_parser_delete(&ld.parser);
	fclose(f);
	if (rc < 0) {
		ynode_free(*root);
		*root = NULL;
	}
	return rc;
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
