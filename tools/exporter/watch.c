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
	ynode_one_line(l->err);
	return -1;
}

/* What glibc's regcomp() is given is bounded, for some patterns take it
 * gigabytes and minutes, or overflow its stack:
 * - it writes counted repetitions out, x{1000} as a thousand x's and x+
 *   as xx*, each copy costing memory and time that grow faster than their
 *   number: ((x{1000}){1000}) takes gigabytes, (){32767} overflows the
 *   stack, twenty nested (...)+ take a second and a gigabyte;
 * - its closure of what matches nothing takes time exponential in the
 *   loops over what may match nothing behind alternatives: (|(a*)+) twenty
 *   times over, 120 bytes, takes seconds, each one more doubling them;
 * - each anchor (^, $, \b...) copies what may follow it without matching
 *   a character, once for each way through it: \b then (a?|b?) 150 times
 *   over takes 2 GB, and \b.?{0,255} seconds.
 * So a pattern is taken up to RE_MAX bytes long, and up to RE_MAX
 * characters and operators with its repetitions written out (a bracket
 * expression or an escaped character counting as one); with no quantifier
 * but {n} after what may match nothing ((a*)+ says no more than a*); and
 * with anchors or back-references only if anchors x forks^3 is at most
 * RE_FORKS, forks being |, ?, *, +, groups, optional copies and anchors
 * (^ and $ with some 160 of them, say).  Then regcomp() takes a few
 * milliseconds and megabytes, tens at worst. */
#define RE_MAX 1024
#define RE_TEXT_(n) #n
#define RE_TEXT(n) RE_TEXT_(n)
#define RE_FORKS (1u << 23)

/* The end of the bracket expression at s, as glibc reads it: a first ']'
 * (after '^') is a member, and "[.", "[=", "[:" run to ".]", "=]", ":]". */
static const char *bracket_end(const char *s)
{
	s += 1 + (s[1] == '^');
	s += *s == ']';
	while (*s && *s != ']') {
		if (s[0] == '[' && s[1] && strchr(".=:", s[1])) {
			char d = s[1];

			for (s += 2; *s && !(s[0] == d && s[1] == ']'); s++)
				;
			s += *s ? 2 : 0;
		} else {
			s++;
		}
	}
	return *s ? s + 1 : s;
}

/* A quantifier: the copies glibc makes of what it repeats, at least one
 * (what is repeated no times is built first), the optional ones among
 * them (1 for a loop), and whether it may repeat nothing.  x+ is xx*. */
struct quantifier {
	size_t copies, optional;
	bool none;
};

/* The quantifier at s ("*", "+", "?", "{m}", "{m,}", "{m,n}" or "{,n}"),
 * its end into *end; false when s is none.  Numbers stop growing past
 * 100000. */
static bool quantifier(const char *s, const char **end, struct quantifier *q)
{
	size_t num[2] = { 0, 0 }, digits[2] = { 0, 0 }, i = 0;

	if (*s == '*' || *s == '+' || *s == '?') {
		*q = (struct quantifier){ *s == '+' ? 2 : 1, 1, *s != '+' };
		*end = s + 1;
		return true;
	}
	if (*s != '{')
		return false;
	for (s++; (*s >= '0' && *s <= '9') || (*s == ',' && i == 0); s++) {
		if (*s == ',') {
			i = 1;
			continue;
		}
		digits[i]++;
		if (num[i] < 100000)
			num[i] = num[i] * 10 + (size_t)(*s - '0');
	}
	if (*s != '}')
		return false;
	*end = s + 1;
	if (i == 1 && digits[1] == 0) /* a loop */
		*q = (struct quantifier){ num[0] + 1, 1, num[0] == 0 };
	else if (i == 1 && num[1] > num[0])
		*q = (struct quantifier){ num[1], num[1] - num[0], num[0] == 0 };
	else
		*q = (struct quantifier){ num[0], 0, num[0] == 0 };
	q->copies += q->copies == 0;
	return true;
}

/* What re_check() counts of a pattern, or of a part of it, with its
 * counted repetitions written out: its characters and operators, the
 * forks among them (|, ?, *, +, (, anchors, optional copies), and the
 * anchors and back-references (\b and \B count twice: glibc makes each an
 * alternative of two anchors). */
struct re_count {
	size_t size, forks, anchors;
};

static void re_add(struct re_count *to, struct re_count n, size_t times)
{
	to->size += n.size * times;
	to->forks += n.forks * times;
	to->anchors += n.anchors * times;
}

/* The counts of the atom at s (a character or an escape), which may match
 * nothing when it is an anchor or a back-reference. */
static struct re_count re_atom(const char *s)
{
	if (*s == '\\' && (s[1] == 'b' || s[1] == 'B'))
		return (struct re_count){ 1, 3, 2 };
	if (*s == '^' || *s == '$' || (*s == '\\' && s[1] && strchr("<>`'123456789", s[1])))
		return (struct re_count){ 1, 1, 1 };
	return (struct re_count){ 1, 0, 0 };
}

/* A group re_check() is in: the counts when it opened, whether its branch
 * before it may match nothing, and whether a branch of the group before
 * it did. */
struct re_group {
	struct re_count start;
	bool before, some;
};

enum { RE_OK, RE_LARGE, RE_EMPTY_REPEATED, RE_FORKED };

/* Whether pattern s is one regcomp() may be given.  last: the counts of
 * what a quantifier there repeats (size 0: nothing), empty: whether it may
 * match nothing, before: whether the branch before it may, some: whether a
 * branch before in the group may. */
static int re_check(const char *s)
{
	struct re_group open[RE_MAX + 2];
	struct re_count total = { 0, 0, 0 }, last = { 0, 0, 0 }, one;
	size_t depth = 0;
	bool before = true, empty = true, some = false;
	struct quantifier q;
	const char *end;

	while (*s && total.size <= RE_MAX) {
		if (*s == '(' && depth <= RE_MAX) {
			open[depth++] = (struct re_group){ total, before && empty, some };
			re_add(&total, (struct re_count){ 1, 1, 0 }, 1);
			before = empty = true, some = false, last.size = 0, s++;
		} else if (*s == ')' && depth) {
			empty = some || (before && empty), depth--, total.size++;
			last = (struct re_count){ total.size - open[depth].start.size,
				total.forks - open[depth].start.forks,
				total.anchors - open[depth].start.anchors };
			before = open[depth].before, some = open[depth].some, s++;
		} else if (*s == '|') {
			some |= before && empty, total.size++, total.forks++;
			before = empty = true, last.size = 0, s++;
		} else if (last.size && quantifier(s, &end, &q)) {
			if (empty && q.optional)
				return RE_EMPTY_REPEATED;
			one = (struct re_count){ 1, q.optional, 0 };
			re_add(&total, last, q.copies - 1), re_add(&total, one, 1);
			re_add(&one, last, q.copies), last = one;
			empty |= q.none, s = end;
		} else { /* a character, '.', '^', '$', an escape, a bracket expression */
			last = *s == '[' ? (struct re_count){ 1, 0, 0 } : re_atom(s);
			re_add(&total, last, 1);
			before = before && empty, empty = last.anchors > 0;
			s = *s == '[' ? bracket_end(s) : s + 1 + (*s == '\\' && s[1]);
		}
	}
	if (total.size > RE_MAX)
		return RE_LARGE;
	return (uint64_t)total.anchors * total.forks * total.forks * total.forks > RE_FORKS ?
	       RE_FORKED : RE_OK;
}

/* Pattern item compiled into list (its size checked first). */
static int compile(struct wload *l, const struct ynode *item, const char *key,
		   struct pattern_list *list)
{
	regex_t *r = realloc(list->res, (list->nres + 1) * sizeof(*r));
	char why[128];
	int rc;

	if (!r)
		return bad(l, item, "%s", strerror(ENOMEM));
	list->res = r;
	if (strlen(item->value) > RE_MAX)
		return bad(l, item, "%s: a regular expression longer than " RE_TEXT(RE_MAX)
			   " bytes", key);
	if ((rc = re_check(item->value)) == RE_LARGE)
		return bad(l, item, "%s: a regular expression too large: over " RE_TEXT(RE_MAX)
			   " characters and operators with its repetitions written out", key);
	if (rc == RE_EMPTY_REPEATED)
		return bad(l, item, "%s: a regular expression with a quantifier other than {n} "
			   "after what may match nothing, as in (a*)+, (x|)? or (a?){0,3}", key);
	if (rc == RE_FORKED)
		return bad(l, item, "%s: a regular expression with anchors or back-references "
			   "and too many |, ?, *, + or groups", key);
	if ((rc = regcomp(&r[list->nres], item->value, REG_EXTENDED | REG_NOSUB))) {
		regerror(rc, &r[list->nres], why, sizeof(why));
		return bad(l, item, "not a regular expression: %s", why);
	}
	list->nres++;
	return 0;
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
			if (compile(l, item, key, list) < 0)
				return -1;
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
	free(r->name);
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
		    struct watch_rule *r)
{
	if (strcmp(key, "name") == 0)
		return rule_name(l, v, r);
	if (strcmp(key, "comm") == 0)
		return patterns(l, v, key, false, &r->comm);
	if (strcmp(key, "exe") == 0)
		return patterns(l, v, key, false, &r->exe);
	if (strcmp(key, "user") == 0)
		return patterns(l, v, key, false, &r->user);
	if (strcmp(key, "cmdline") == 0)
		return patterns(l, v, key, true, &r->cmdline);
	if (strcmp(key, "cgroup") == 0)
		return patterns(l, v, key, true, &r->cgroup);
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
		if (rule_key(l, n->kids[i]->value, n->kids[i + 1], r) < 0)
			return -1;
	if (!r->name)
		return bad(l, n, "%s: a group needs a name", "groups");
	/* read for every process only when a selector or the name uses it
	 * (exe: [] selects every process, as no exe: does) */
	w->needs_exe |= r->exe.nwords || strstr(r->name, "{{.Exe");
	w->needs_cgroup |= r->cgroup.nres || strstr(r->name, "{{.Cgroup}}");
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

/* The watch a file's tree describes (root NULL: an empty file), root
 * freed; rc: how reading the file went (-1: err says why). */
static int watch_from(const char *name, int rc, struct ynode *root, struct watch **out,
		      char *err, size_t errlen)
{
	struct wload l = { .path = name, .err = err, .errlen = errlen };
	struct watch *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (rc == 0 && (!w || defaults(w) < 0)) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		rc = -1;
	}
	if (rc == 0 && root && root->kind != Y_MAP)
		rc = bad(&l, root, "%s", "a map of keys (groups, show_cmdline, max_groups)");
	for (size_t i = 0; rc == 0 && root && i + 1 < root->n; i += 2)
		rc = top_key(&l, root->kids[i]->value, root->kids[i + 1], w);
	ynode_free(root);
	if (rc < 0) {
		watch_free(w);
		return -1;
	}
	*out = w;
	return 0;
}

int watch_load(const char *path, struct watch **out, char *err, size_t errlen)
{
	struct ynode *root = NULL;
	int rc = path ? ynode_load(path, &root, err, errlen) : 0;

	return watch_from(path, rc, root, out, err, errlen);
}

int watch_parse(const char *name, const void *text, size_t len, struct watch **out,
		char *err, size_t errlen)
{
	struct ynode *root = NULL;
	int rc = ynode_parse(name, text, len, &root, err, errlen);

	return watch_from(name, rc, root, out, err, errlen);
}

void watch_free(struct watch *w)
{
	if (!w)
		return;
	rules_free(w->rules, w->n);
	free(w);
}
