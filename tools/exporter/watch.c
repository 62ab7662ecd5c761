/*
 * watch.c - what to watch (--config): named groups of processes, each
 * selected by comm, exe, command line, user and cgroup, the first rule a
 * process matches naming its group (process-exporter's model), so that the
 * number of series stays bounded.  Unknown keys are errors: a misspelt key
 * would otherwise quietly watch something else.  docs/exporter.md.
 */
#include "exporter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const template_words[NR_TEMPLATE_WORDS] = { "{{.Comm}}", "{{.ExeBase}}",
	"{{.ExeFull}}", "{{.Username}}", "{{.Cgroup}}" };

size_t template_word(const char *s)
{
	size_t i = 0;

	while (i < NR_TEMPLATE_WORDS && strncmp(s, template_words[i], strlen(template_words[i])) != 0)
		i++;
	return i;
}

struct wload {
	const char *path;
	char *err;
	size_t errlen;
};

static int bad(struct wload *l, const struct ynode *n, const char *fmt, const char *what)
{
	char msg[200];

	snprintf(msg, sizeof(msg), fmt, what);
	snprintf(l->err, l->errlen, "'%s': line %lu: %s", l->path, n ? n->line : 1ul, msg);
	return -1;
}

/* A scalar, or a sequence of scalars, into list (regexes with res). */
static int patterns(struct wload *l, const struct ynode *n, const char *key, bool res,
		    struct pattern_list *list)
{
	size_t count = n->kind == Y_SEQ ? n->n : 1;

	if (n->kind == Y_MAP)
		return bad(l, n, "%s: a word or a list of words", key);
	for (size_t i = 0; i < count; i++) {
		const struct ynode *item = n->kind == Y_SEQ ? n->kids[i] : n;

		if (item->kind != Y_SCALAR)
			return bad(l, item, "%s: a word or a list of words", key);
		if (res) {
			regex_t *r = realloc(list->res, (list->nres + 1) * sizeof(*r));
			char why[128];
			int rc;

			if (!r)
				return bad(l, item, "%s", strerror(ENOMEM));
			list->res = r;
			if ((rc = regcomp(&r[list->nres], item->value, REG_EXTENDED | REG_NOSUB))) {
				regerror(rc, &r[list->nres], why, sizeof(why));
				return bad(l, item, "not a regular expression: %s", why);
			}
			list->nres++;
		} else {
			char **w = realloc(list->words, (list->nwords + 1) * sizeof(*w));

			if (w)
				list->words = w;
			if (!w || !(w[list->nwords] = strdup(item->value)))
				return bad(l, item, "%s", strerror(ENOMEM));
			list->nwords++;
		}
	}
	return 0;
}

/* A name: text and the template words alone. */
static int rule_name(struct wload *l, const struct ynode *n, struct watch_rule *r)
{
	const char *s;

	if (n->kind != Y_SCALAR || !n->value[0])
		return bad(l, n, "%s: a group's name, or a template", "name");
	for (s = n->value; (s = strstr(s, "{{"));) {
		size_t i = template_word(s);

		if (i == NR_TEMPLATE_WORDS)
			return bad(l, n, "%s: templates take {{.Comm}}, {{.ExeBase}}, {{.ExeFull}}, "
				   "{{.Username}} and {{.Cgroup}}", "name");
		s += strlen(template_words[i]);
	}
	r->name = strdup(n->value);
	return r->name ? 0 : bad(l, n, "%s", strerror(ENOMEM));
}

static int rule_number(struct wload *l, const struct ynode *v, const char *key, long *out)
{
	char *end;

	errno = 0;
	*out = v->kind == Y_SCALAR ? strtol(v->value, &end, 10) : -1;
	if (v->kind != Y_SCALAR || errno || *end || end == v->value || *out < 0 || *out > 100000)
		return bad(l, v, "%s: a whole number from 0 to 100000", key);
	return 0;
}

static int rule_key(struct wload *l, const char *key, const struct ynode *v,
		    struct watch_rule *r, struct watch *w)
{
	if (strcmp(key, "name") == 0)
		return rule_name(l, v, r);
	if (strcmp(key, "comm") == 0)
		return patterns(l, v, key, false, &r->comm);
	if (strcmp(key, "exe") == 0)
		return w->needs_exe = true, patterns(l, v, key, false, &r->exe);
	if (strcmp(key, "user") == 0)
		return patterns(l, v, key, false, &r->user);
	if (strcmp(key, "cmdline") == 0)
		return patterns(l, v, key, true, &r->cmdline);
	if (strcmp(key, "cgroup") == 0)
		return w->needs_cgroup = true, patterns(l, v, key, true, &r->cgroup);
	if (strcmp(key, "pids") == 0)
		return rule_number(l, v, key, &r->pids);
	if (strcmp(key, "classes") == 0) {
		const char *c = v->kind == Y_SCALAR ? v->value : "";

		r->classes = strcmp(c, "none") == 0 ? CLASSES_NONE : strcmp(c, "resident") == 0 ?
			     CLASSES_RESIDENT : strcmp(c, "all") == 0 ? CLASSES_ALL : -1;
		return r->classes < 0 ? bad(l, v, "%s: none, resident or all", key) : 0;
	}
	return bad(l, v, "unknown key '%s' in a group", key);
}

static int rule(struct wload *l, const struct ynode *n, struct watch *w)
{
	struct watch_rule *r;

	if (n->kind != Y_MAP)
		return bad(l, n, "%s: each group is a map of keys", "groups");
	r = &w->rules[w->n++];
	for (size_t i = 0; i + 1 < n->n; i += 2)
		if (rule_key(l, n->kids[i]->value, n->kids[i + 1], r, w) < 0)
			return -1;
	if (!r->name)
		return bad(l, n, "%s: a group needs a name", "groups");
	w->needs_exe |= strstr(r->name, "{{.Exe") != NULL;
	w->needs_cgroup |= strstr(r->name, "{{.Cgroup}}") != NULL;
	return 0;
}

static void patterns_free(struct pattern_list *p)
{
	for (size_t i = 0; i < p->nwords; i++)
		free(p->words[i]);
	for (size_t i = 0; i < p->nres; i++)
		regfree(&p->res[i]);
	free(p->words);
	free(p->res);
}

static void rules_free(struct watch_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rules[i].name);
		patterns_free(&rules[i].comm);
		patterns_free(&rules[i].exe);
		patterns_free(&rules[i].user);
		patterns_free(&rules[i].cmdline);
		patterns_free(&rules[i].cgroup);
	}
	free(rules);
}

static int top_key(struct wload *l, const char *key, const struct ynode *v, struct watch *w)
{
	if (strcmp(key, "groups") == 0) {
		if (v->kind != Y_SEQ)
			return bad(l, v, "%s: a list of groups", key);
		rules_free(w->rules, w->n);
		w->n = 0;
		if (!(w->rules = calloc(v->n + 1, sizeof(*w->rules))))
			return bad(l, v, "%s", strerror(ENOMEM));
		for (size_t i = 0; i < v->n; i++)
			if (rule(l, v->kids[i], w) < 0)
				return -1;
		return 0;
	}
	if (strcmp(key, "show_cmdline") == 0)
		return ynode_bool(v, &w->show_cmdline) ? 0 : bad(l, v, "%s: true or false", key);
	if (strcmp(key, "max_groups") == 0)
		return rule_number(l, v, key, &w->max_groups) < 0 ? -1 :
		       w->max_groups ? 0 : bad(l, v, "%s: at least 1", key);
	return bad(l, v, "unknown key '%s'", key);
}

/* every process by its comm, no classes */
static int defaults(struct watch *w)
{
	w->max_groups = 1000;
	if (!(w->rules = calloc(1, sizeof(*w->rules))) || !(w->rules[0].name = strdup("{{.Comm}}")))
		return -1;
	w->n = 1;
	return 0;
}

int watch_load(const char *path, struct watch **out, char *err, size_t errlen)
{
	struct wload l = { .path = path, .err = err, .errlen = errlen };
	struct watch *w = calloc(1, sizeof(*w));
	struct ynode *root = NULL;
	int rc = 0;

	*out = NULL;
	if (!w || defaults(w) < 0) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		watch_free(w);
		return -1;
	}
	if (path && (rc = ynode_load(path, &root, err, errlen)) == 0 && root) {
		if (root->kind != Y_MAP)
			rc = bad(&l, root, "%s", "a map of keys (groups, show_cmdline, max_groups)");
		for (size_t i = 0; rc == 0 && i + 1 < root->n; i += 2)
			rc = top_key(&l, root->kids[i]->value, root->kids[i + 1], w);
	}
	ynode_free(root);
	if (rc < 0) {
		watch_free(w);
		return -1;
	}
	*out = w;
	return 0;
}

void watch_free(struct watch *w)
{
	if (!w)
		return;
	rules_free(w->rules, w->n);
	free(w);
}
