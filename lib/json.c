/*
 * json.c - a snapshot to JSON (jsonw.c writes it; json_read.c reads it
 * back).  The document is described key by key in docs/snapshot.md and
 * docs/snapshot.schema.json.
 *
 * Byte counts and inodes are written as exact integers; addresses as
 * "0x..." strings, which JavaScript cannot round.
 */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* smaps_rollup alone has these; a snapshot holds per-region counts. */
#define ROLLUP_ONLY ((1u << MS_PSS_ANON) | (1u << MS_PSS_FILE) | (1u << MS_PSS_SHMEM))

char *ms_address_string(uint64_t addr, char *buf)
{
	snprintf(buf, MS_ADDRESS_LEN, "0x%" PRIx64, addr);
	return buf;
}

/* "fe:01": major and minor in hex, two digits at least (as maps prints) */
static void dev(struct jw *w, const char *key, unsigned major, unsigned minor)
{
	char buf[24];

	if (major < 256 && minor < 256) {
		static const char digits[] = "0123456789abcdef";

		buf[0] = digits[major >> 4], buf[1] = digits[major & 15], buf[2] = ':';
		buf[3] = digits[minor >> 4], buf[4] = digits[minor & 15], buf[5] = '\0';
	} else {
		snprintf(buf, sizeof(buf), "%02x:%02x", major, minor);
	}
	jw_str(w, key, buf);
}

static void put_counts(struct jw *w, const struct ms_counts *c)
{
	uint64_t uss;

	for (int f = 0; f < MS_FIELD_COUNT; f++)
		if (!(ROLLUP_ONLY & (1u << f)))
			jw_count(w, ms_field_json_key(f),
				 ms_counts_has(c, f) ? (int64_t)c->v[f] : -1);
	if (ms_counts_uss(c, &uss))
		jw_u64(w, "uss", uss);
	else
		jw_raw(w, "uss", "null");
}

/* "rd ex mr": ["rd", "ex", "mr"]; the codes are checked where they are
 * read (ms_vmflag_ok()) */
static void vmflags(struct jw *w, const char *flags)
{
	const char *p = flags, *end, *word;
	size_t len;

	if (!flags) {
		jw_raw(w, "vmflags", "null");
		return;
	}
	jw_open(w, "vmflags", '[');
	end = flags + strlen(flags);
	while (ms_scan_word(&p, end, &word, &len)) {
		char code[MS_VMFLAG_LEN + 1];

		len = len < MS_VMFLAG_LEN ? len : MS_VMFLAG_LEN;
		memcpy(code, word, len);
		code[len] = '\0';
		jw_str(w, NULL, code);
	}
	jw_close(w, ']');
}

/* pagemap's counts of one region: pages, but uss_exact and pss_exact bytes */
static void pages(struct jw *w, const struct ms_residency *res)
{
	jw_open(w, "pages", '{');
	jw_u64(w, "present", res->present);
	jw_u64(w, "swapped", res->swapped);
	jw_u64(w, "exclusive", res->exclusive);
	jw_u64(w, "file", res->file);
	jw_u64(w, "soft_dirty", res->soft_dirty);
	jw_u64(w, "markers", res->markers);
	jw_count(w, "zero", res->zero);
	jw_count(w, "thp", res->thp);
	jw_count(w, "ksm", res->ksm);
	jw_count(w, "uss_exact", res->uss_exact);
	jw_count(w, "pss_exact", res->pss_exact);
	jw_close(w, '}');
}

static void region(struct jw *w, const struct ms_region *r, const struct ms_residency *res)
{
	jw_open(w, NULL, '{');
	jw_hex(w, "start", r->start);
	jw_hex(w, "end", r->end);
	jw_str(w, "perms", r->perms);
	jw_u64(w, "offset", r->offset);
	dev(w, "dev", r->dev_major, r->dev_minor);
	jw_u64(w, "inode", r->inode);
	jw_str(w, "path", r->path);
	jw_raw(w, "deleted", r->deleted ? "true" : "false");
	jw_str(w, "class", ms_class_name(r->class));
	jw_count(w, "object", r->object);
	vmflags(w, r->vmflags);
	jw_count(w, "thp_eligible", r->thp_eligible);
	jw_count(w, "protection_key", r->protection_key);
	put_counts(w, &r->c);
	if (res)
		pages(w, res);
	jw_close(w, '}');
}

static const char *const kind_names[] = { "exe", "lib", "file" };

static void object(struct jw *w, const struct ms_object *ob)
{
	jw_open(w, NULL, '{');
	jw_str(w, "path", ob->path);
	dev(w, "dev", ob->dev_major, ob->dev_minor);
	jw_u64(w, "inode", ob->inode);
	jw_str(w, "kind", kind_names[ob->kind]);
	jw_u64(w, "count", ob->count);
	put_counts(w, &ob->c);
	jw_close(w, '}');
}

static void total(struct jw *w, const char *key, const struct ms_total *t)
{
	jw_open(w, key, '{');
	jw_u64(w, "count", t->count);
	put_counts(w, &t->c);
	jw_close(w, '}');
}

static void facts(struct jw *w, const struct ms_snapshot *s)
{
	jw_u64(w, "pid", (uint64_t)s->pid);
	jw_str(w, "comm", s->comm ? s->comm : "");
	if (!s->argv) { /* not shown: memscope-exporter without show_cmdline */
		jw_raw(w, "argv", "null");
	} else {
		jw_open(w, "argv", '[');
		for (size_t i = 0; s->argv[i]; i++)
			jw_str(w, NULL, s->argv[i]);
		jw_close(w, ']');
	}
	jw_str(w, "exe", s->exe);
	jw_count(w, "uid", s->uid);
	jw_count(w, "start_ticks", s->start_ticks);
	if (s->started_at < 0)
		jw_raw(w, "started_at", "null");
	else
		jw_double(w, "started_at", s->started_at);
	jw_double(w, "taken_at", s->taken_at);
	jw_str(w, "kernel", s->kernel);
	jw_u64(w, "page_size", (uint64_t)s->page_size);
	jw_str(w, "source", s->have_smaps ? "smaps" : s->fast ? "maps+pagemap" : "maps");
	if (s->res) {
		jw_str(w, "pages_method", s->res_method);
		jw_str(w, "pages_pfn_why", s->res_pfn_why);
	}
}

/* What comes before the regions: the facts, known when they start. */
static void head(struct jw *w, const struct ms_snapshot *s, bool summary)
{
	jw_open(w, NULL, '{');
	jw_str(w, "schema", summary ? MS_SUMMARY_SCHEMA : MS_SNAPSHOT_SCHEMA);
	facts(w, s);
	if (!summary)
		jw_open(w, "regions", '[');
}

/* What comes after them: the sums, and how long the read took. */
static void tail(struct jw *w, const struct ms_snapshot *s, bool summary)
{
	if (!summary)
		jw_close(w, ']');
	jw_open(w, "objects", '[');
	for (size_t i = 0; i < s->nr_objects; i++)
		object(w, &s->objects[i]);
	jw_close(w, ']');
	total(w, "totals", &s->totals);
	jw_open(w, "classes", '{');
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		total(w, ms_class_name(c), &s->classes[c]);
	jw_close(w, '}');
	jw_u64(w, "took_ns", s->took_ns);
	jw_close(w, '}');
}

char *ms_snapshot_to_json(const struct ms_snapshot *s, unsigned flags)
{
	struct jw w = { .pretty = flags & MS_JSON_PRETTY };
	bool summary = flags & MS_JSON_SUMMARY;

	if (!summary && ms_streamed(s)) {
		errno = EINVAL;
		return NULL;
	}
	head(&w, s, summary);
	for (size_t i = 0; !summary && i < s->nr_regions && !w.failed; i++)
		region(&w, &s->regions[i], s->res ? &s->res[i] : NULL);
	tail(&w, s, summary);
	return jw_finish(&w);
}

/* ---- the same document, written while the process is read ---- */

#define STREAM_PIECE (64u << 10)

struct stream {
	struct jw w;
	bool summary;
	ms_write_fn *write;
	void *arg;
	int rc;          /* what write() said first, or -ENOMEM */
	bool restarted;  /* rc is write()'s refusal to start again */
};

/* Hands what is written so far to write(), and starts a new piece. */
static void put(struct stream *st)
{
	if (st->w.failed && !st->rc)
		st->rc = -ENOMEM;
	if (!st->rc && st->w.len)
		st->rc = st->write(st->w.buf, st->w.len, st->arg);
	st->w.len = 0;
}

static void stream_begin(const struct ms_snapshot *snap, void *arg)
{
	struct stream *st = arg;

	head(&st->w, snap, st->summary);
}

static void stream_region(const struct ms_region *r, void *arg)
{
	struct stream *st = arg;

	if (!r) { /* the read starts again, and so does the document */
		st->w = (struct jw){ .buf = st->w.buf, .cap = st->w.cap, .pretty = st->w.pretty };
		if (!st->rc) {
			st->rc = st->write(NULL, 0, st->arg);
			st->restarted = st->rc < 0;
		}
		return;
	}
	if (st->summary || st->rc)
		return;
	region(&st->w, r, NULL);
	if (st->w.len >= STREAM_PIECE)
		put(st);
}

int ms_snapshot_write_json(struct ms_ctx *ctx, pid_t pid, unsigned flags, unsigned json_flags,
			   ms_write_fn *write, void *arg, char *err, size_t errlen)
{
	struct stream st = { .w.pretty = json_flags & MS_JSON_PRETTY,
			     .summary = json_flags & MS_JSON_SUMMARY, .write = write, .arg = arg };
	const struct ms_take_hooks hooks = { stream_region, stream_begin, &st };
	struct ms_snapshot *snap;
	int rc;

	if (flags & ~MS_SNAP_MAPS_ONLY)
		return ms_fail(err, errlen, -EINVAL, "unknown flags %#x", flags);
	rc = ms_snapshot_take_hooked(ctx, pid, flags | MS_SNAP_STREAM, &hooks, &snap, err,
				     errlen);
	if (rc == 0 && !st.rc) {
		tail(&st.w, snap, st.summary);
		put(&st);
	}
	if (rc == 0 && st.rc)
		rc = st.restarted ? ms_fail(err, errlen, -EAGAIN, "its mappings changed under "
					    "the read, and what was written cannot be taken back") :
		     st.rc == -ENOMEM ? ms_fail(err, errlen, -ENOMEM, "out of memory") :
		     ms_fail(err, errlen, st.rc, "cannot write the document: %s",
			     strerror(-st.rc));
	ms_snapshot_free(snap);
	free(st.w.buf);
	return rc;
}
