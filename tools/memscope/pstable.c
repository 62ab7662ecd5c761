/*
 * pstable.c - what "memscope ps" prints: the table (a row per process or
 * per group, a totals row, a footer on what could not be read) and the
 * document (memscope-ps/1, docs/ps.md).
 */
#include "ps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const group_names[] = { [BY_COMM - BY_PID] = "comm",
	[BY_USER - BY_PID] = "user", [BY_CGROUP - BY_PID] = "cgroup" };

/* ---- JSON ---- */

static void groups_json(struct jw *w, const struct ps_view *v)
{
	char buf[24];

	jw_str(w, "group_by", group_names[v->group_by - BY_PID]);
	jw_open(w, "groups", '[');
	for (size_t i = 0; i < v->shown; i++) {
		const struct group *g = &v->groups[i];

		jw_open(w, NULL, '{');
		jw_str(w, "key", ps_group_key(g->first, v->group_by, buf, sizeof(buf)));
		jw_u64(w, "processes", g->s.count);
		jw_u64(w, "unreadable", g->s.unreadable);
		ps_figures_json(w, NULL, &g->s);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static const char *const kinds[] = { "exe", "lib", "file" };

/* The figures of a file: rss, pss, uss, swap, swap_pss (the others are
 * smaps_rollup's alone). */
static void object_json(struct jw *w, const struct ms_object *ob)
{
	const struct ms_counts *c = ms_object_counts(ob);
	char dev[16];
	uint64_t v;

	jw_open(w, NULL, '{');
	jw_str(w, "path", ms_object_path(ob));
	snprintf(dev, sizeof(dev), "%02x:%02x", ms_object_dev_major(ob), ms_object_dev_minor(ob));
	jw_str(w, "dev", dev);
	jw_u64(w, "inode", ms_object_inode(ob));
	jw_str(w, "kind", kinds[ms_object_kind(ob)]);
	jw_u64(w, "processes", ms_object_count(ob));
	for (size_t k = 0; k < 5; k++) {
		int f = (int[]){ MS_RSS, MS_PSS, FIELD_USS, MS_SWAP, MS_SWAP_PSS }[k];
		bool known = f == FIELD_USS ? ms_counts_uss(c, &v) : ms_counts_get(c, f, &v);

		if (known)
			jw_u64(w, (const char *[]){ "rss", "pss", "uss", "swap", "swap_pss" }[k], v);
		else
			jw_raw(w, (const char *[]){ "rss", "pss", "uss", "swap", "swap_pss" }[k], "null");
	}
	jw_close(w, '}');
}

int ps_print_json(const struct opts *o, const struct ps_view *v)
{
	struct jw w = { .pretty = o->pretty };
	size_t rows = v->group_by || o->objects ? v->n : v->shown; /* groups: every row */
	char *text;

	jw_open(&w, NULL, '{');
	jw_str(&w, "schema", MS_PS_SCHEMA);
	jw_double(&w, "taken_at", ms_ps_taken_at(v->ps));
	if (o->classes != -2)
		jw_str(&w, "classes_source", o->classes == MS_RSS ? "maps+pagemap" : "smaps");
	jw_open(&w, "processes", '[');
	for (size_t i = 0; i < rows; i++)
		ps_row_json(&w, v->rows[i], o->classes != -2, true);
	jw_close(&w, ']');
	if (v->group_by)
		groups_json(&w, v);
	if (o->objects) {
		jw_open(&w, "objects", '[');
		for (size_t i = 0; i < v->shown; i++)
			object_json(&w, v->objects[i]);
		jw_close(&w, ']');
	}
	jw_open(&w, "totals", '{');
	ps_figures_json(&w, NULL, &v->all);
	jw_close(&w, '}');
	jw_u64(&w, "unreadable", v->all.unreadable);
	jw_close(&w, '}');
	if (!(text = jw_finish(&w))) {
		error("cannot make the JSON: %s", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	puts(text);
	free(text);
	return finish_output(EXIT_OK);
}

/* ---- the table ---- */

/* The figures of p, or the sums s when p is NULL: "-" where unknown. */
static void print_figures(const struct opts *o, const struct ms_proc *p, const struct sums *s)
{
	int w = o->bytes ? 12 : 7;
	char cell[32];

	for (size_t k = 0; k < NR_COLUMNS; k++) {
		uint64_t v = p ? 0 : s->v[k];
		bool known = p ? ps_figure(p, ps_keys[k].field, &v) : s->known[k];

		printf(" %*s", w, known ? bytes_cell(cell, sizeof(cell), o, v) : "-");
	}
}

/* --classes: which classes have a column (those some row shown has; a
 * process gone or unreadable before its classes were read has none) */
static bool class_shown(const struct ps_view *v, int c)
{
	uint64_t x;

	for (size_t i = 0; i < v->shown; i++) {
		const struct ms_counts *cc = ms_proc_class(v->rows[i], c);

		if (cc && ms_counts_get(cc, MS_SIZE, &x) && x)
			return true;
	}
	return false;
}

static int class_width(const struct opts *o, int c)
{
	int w = o->bytes ? 12 : 7, n = (int)strlen(ms_class_name(c));

	return n > w ? n : w;
}

/* PID, USER, a column per class, COMMAND */
static void print_classes_head(const struct opts *o, const struct ps_view *v)
{
	printf("%s per class, %s\n", o->classes == MS_RSS ? "RSS" : o->classes == MS_PSS ? "PSS" :
	       "USS", o->classes == MS_RSS ? "from maps and pagemap (without smaps)" : "from smaps");
	printf("%7s %-10s", "PID", "USER");
	for (int c = 0; c < MS_CLASS_COUNT; c++) {
		char name[32];

		if (!class_shown(v, c))
			continue;
		snprintf(name, sizeof(name), "%s", ms_class_name(c));
		for (char *q = name; *q; q++)
			*q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
		printf(" %*s", class_width(o, c), name);
	}
	printf(" COMMAND\n");
}

static void print_classes_row(const struct opts *o, const struct ps_view *v,
			      const struct ms_proc *p)
{
	for (int c = 0; c < MS_CLASS_COUNT; c++) {
		const struct ms_counts *cc = ms_proc_class(p, c);
		char cell[32];

		if (class_shown(v, c))
			printf(" %*s", class_width(o, c), !cc ? "-" :
			       size_cell(cell, sizeof(cell), o, cc, o->classes));
	}
}

static void print_head(const struct opts *o, const struct ps_view *v)
{
	int w = o->bytes ? 12 : 7;

	if (o->classes != -2) {
		print_classes_head(o, v);
		return;
	}
	if (v->group_by)
		printf("%-24s %6s", v->group_by == BY_USER ? "USER" : v->group_by == BY_COMM ? "COMM" :
		       "CGROUP", "COUNT");
	else
		printf("%7s %-10s", "PID", "USER");
	printf(" %*s %*s %*s %*s%s\n", w, "RSS", w, "PSS", w, "USS", w, "SWAP",
	       v->group_by ? "" : " COMMAND");
}

/* A name cut to width with '+' at its end, as ps cuts a user name; made
 * printable first. */
static const char *cut(const char *name, int width, char *buf, size_t len)
{
	char *copy;

	snprintf(buf, len, "%s", safe_name(name, &copy));
	free(copy);
	if ((int)strlen(buf) > width && width < (int)len)
		strcpy(buf + width - 1, "+");
	return buf;
}

/* The command line (or [comm] without one), cut at room bytes (0: whole). */
static void print_command(const struct ms_proc *p, int room)
{
	const char *cmd = ms_proc_cmdline(p);
	char *copy, *bracketed = NULL;
	const char *text;

	if (!*cmd && asprintf(&bracketed, "[%s]", ms_proc_comm(p)) < 0)
		bracketed = NULL;
	text = safe_name(bracketed ? bracketed : cmd, &copy);
	printf(" %.*s\n", room > 0 ? room : (int)strlen(text), text);
	free(copy);
	free(bracketed);
}

static void print_row(const struct opts *o, const struct ps_view *v, const struct ms_proc *p,
		      int room)
{
	char user[64];

	if (ms_proc_user(p))
		cut(ms_proc_user(p), 10, user, sizeof(user));
	else
		snprintf(user, sizeof(user), "%lld", ms_proc_uid(p));
	printf("%7d %-10s", (int)ms_proc_pid(p), ms_proc_uid(p) < 0 ? "-" : user);
	if (o->classes != -2)
		print_classes_row(o, v, p);
	else
		print_figures(o, p, NULL);
	print_command(p, room);
}

static void print_group(const struct opts *o, const struct ps_view *v, const struct group *g)
{
	char key[24], name[64];

	printf("%-24s %6zu", cut(ps_group_key(g->first, v->group_by, key, sizeof(key)), 24, name,
				 sizeof(name)), g->s.count);
	print_figures(o, NULL, &g->s);
	putchar('\n');
}

static void print_totals(const struct opts *o, const struct ps_view *v)
{
	const struct sums *s = &v->all;

	printf(v->group_by ? "%-24s %6s" : "%7s %-10s", v->group_by ? "total" : "",
	       v->group_by ? "" : "total");
	print_figures(o, NULL, s);
	printf(" %zu processes%s", s->count - s->unreadable, s->unreadable ? " readable" : "");
	if (v->shown < (v->group_by ? v->nr_groups : v->n))
		printf(", %zu %s shown", v->shown, v->group_by ? "groups" : "rows");
	putchar('\n');
	if (s->unreadable)
		printf("\n%zu %s could not be read (%s)%s\n", s->unreadable,
		       s->unreadable == 1 ? "process" : "processes", s->why,
		       s->denied_only && geteuid() != 0 ? ": run as root to see all" : "");
}

/* --objects: RSS PSS USS SWAP, how many processes, the kind and the path */
static void print_objects(const struct opts *o, const struct ps_view *v)
{
	int w = o->bytes ? 12 : 7;

	printf("%*s %*s %*s %*s %6s %-4s PATH\n", w, "RSS", w, "PSS", w, "USS", w, "SWAP", "PROCS",
	       "KIND");
	for (size_t i = 0; i < v->shown; i++) {
		const struct ms_object *ob = v->objects[i];
		const int fields[] = { MS_RSS, MS_PSS, FIELD_USS, MS_SWAP };
		char cell[32], *copy;

		for (size_t k = 0; k < 4; k++)
			printf("%*s ", w, size_cell(cell, sizeof(cell), o, ms_object_counts(ob), fields[k]));
		printf("%6zu %-4s %s\n", ms_object_count(ob), kinds[ms_object_kind(ob)],
		       safe_name(ms_object_path(ob), &copy));
		free(copy);
	}
	if (v->all.unreadable)
		printf("\nthe files of %zu %s that could not be read are not counted (%s)%s\n",
		       v->all.unreadable, v->all.unreadable == 1 ? "process" : "processes", v->all.why,
		       v->all.denied_only && geteuid() != 0 ? ": run as root to see all" : "");
}

int ps_print_table(const struct opts *o, const struct ps_view *v)
{
	/* on a terminal, a row a line: the command is cut where the line ends */
	int room = terminal_columns() - 8 - 11 - NR_COLUMNS * (o->bytes ? 13 : 8) - 1;

	if (o->objects) {
		print_objects(o, v);
		return finish_output(EXIT_OK);
	}
	if (!isatty(STDOUT_FILENO))
		room = 0; /* whole */
	else if (room < 8)
		room = 8;
	print_head(o, v);
	for (size_t i = 0; i < v->shown; i++) {
		if (v->group_by)
			print_group(o, v, &v->groups[i]);
		else
			print_row(o, v, v->rows[i], room);
	}
	if (o->classes == -2)
		print_totals(o, v);
	return finish_output(EXIT_OK);
}
