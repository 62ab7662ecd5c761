/*
 * exporter.h - what the parts of memscope-exporter share: its settings,
 * the configuration files it reads (what to watch, and the web
 * configuration), one collection of figures, and the HTTP side.
 */
#ifndef MEMSCOPE_EXPORTER_H
#define MEMSCOPE_EXPORTER_H

#include "common.h"
#include "memscope.h"

#include <pthread.h>
#include <regex.h>
#include <time.h>

/* ---- a YAML document as a tree (yamlnode.c) ---- */
enum ynode_kind { Y_SCALAR, Y_MAP, Y_SEQ };
struct ynode {
	enum ynode_kind kind;
	char *value;             /* Y_SCALAR */
	struct ynode **kids;     /* Y_SEQ: items; Y_MAP: key, value, key, value... */
	size_t n;
	unsigned long line;      /* 1-based, for messages */
};
/* Reads path into a tree (*root NULL for an empty file); 0, or -1 with err
 * saying why ("FILE: line N: ..."). */
int ynode_load(const char *path, struct ynode **root, char *err, size_t errlen);
/* The same from len bytes of text, named name in messages. */
int ynode_parse(const char *name, const void *text, size_t len, struct ynode **root, char *err,
		size_t errlen);
/* A message about a file made one line: control characters (a quoted key
 * may hold a newline) become '?'. */
void ynode_one_line(char *msg);
void ynode_free(struct ynode *n);
/* "true"/"false" into *b; false when it is neither */
bool ynode_bool(const struct ynode *n, bool *b);

/* ---- what to watch (watch.c) ---- */
enum { CLASSES_NONE, CLASSES_RESIDENT, CLASSES_ALL };
struct pattern_list {
	char **words;            /* comm, exe, user: equal to one of them */
	size_t nwords;
	regex_t *res;            /* cmdline, cgroup: every one matches */
	size_t nres;
};
struct watch_rule {
	char *name;              /* a template: {{.Comm}} {{.ExeBase}} ... */
	struct pattern_list comm, exe, user, cmdline, cgroup;
	int classes;             /* CLASSES_* */
	long pids;               /* per-PID series for up to this many */
};
struct watch {
	struct watch_rule *rules;
	size_t n;
	bool show_cmdline;       /* the command line in the process API */
	long max_groups;         /* past this, "other" */
	bool needs_cgroup, needs_exe;
};
/* The words a group's name may hold: {{.Comm}} {{.ExeBase}} {{.ExeFull}}
 * {{.Username}} {{.Cgroup}}, in that order; the index of the one s starts
 * with, or NR_TEMPLATE_WORDS. */
#define NR_TEMPLATE_WORDS 5
extern const char *const template_words[NR_TEMPLATE_WORDS];
size_t template_word(const char *s);
/* path NULL: the default (every process by comm).  0, or -1 and err. */
int watch_load(const char *path, struct watch **out, char *err, size_t errlen);
/* The same from len bytes of text, named name in messages. */
int watch_parse(const char *name, const void *text, size_t len, struct watch **out,
		char *err, size_t errlen);
void watch_free(struct watch *w);

/* ---- one collection of figures (collect.c, groups.c) ---- */
enum { READ_PERMISSION, READ_GONE, READ_DEADLINE, READ_OTHER, NR_READ_REASONS };
extern const char *const read_reasons[NR_READ_REASONS];

/* the figures of a group, or of a process: rss pss uss swap vsize */
enum { G_RSS, G_PSS, G_USS, G_SWAP, G_VSIZE, NR_GFIG };
struct gclass {
	uint64_t v[MS_CLASS_COUNT][4]; /* rss pss uss swap per class */
	bool known[4];
};
struct gproc {                   /* a per-PID series */
	pid_t pid;
	const char *comm;        /* in the table */
	uint64_t v[4];
	bool known[4];
};
struct group {
	char *name;              /* valid UTF-8 */
	const struct watch_rule *rule;
	size_t procs, unreadable;
	uint64_t v[NR_GFIG];
	bool known[NR_GFIG];     /* false: some process's figure unknown */
	struct gclass *classes;  /* NULL: not asked for, or not whole */
	struct gproc *pids;
	size_t npids;
};
struct collection {
	int refs;                /* under the cache's lock */
	double taken_at;         /* unix seconds */
	double taken_at_mono;    /* when it was done, CLOCK_MONOTONIC */
	double seconds[2];       /* how long each collector took: processes, kernel */
	struct ms_ps *ps;
	struct group *groups;
	size_t ngroups;
	size_t scanned;
	unsigned long errors[NR_READ_REASONS]; /* of this collection */
	struct ms_kernel *kernel;
	char kernel_err[256];
	char ps_err[256];
	char *text, *openmetrics; /* the two renderings */
	size_t text_len, openmetrics_len;
};

struct settings {
	const char *proc;        /* --proc */
	const char *config;      /* --config */
	const char *web_config;  /* --web.config.file */
	const char *telemetry;   /* --web.telemetry-path */
	const char *ui_dir;      /* --web.ui-dir: the page's files */
	const char **listen;     /* --web.listen-address, repeated */
	size_t nlisten;
	bool processes, kernel, pagetypes; /* the collectors */
	bool privileged;         /* --collector.kernel.privileged: slabinfo, vmallocinfo */
	bool process_api;        /* --web.enable-process-api */
	bool once;
	double cache_ttl;        /* --scrape.cache-ttl, seconds */
	double deadline;         /* --scrape.timeout, seconds */
	long kernel_top;         /* --kernel.top: slab caches shown */
	long max_conns, max_per_ip, conn_timeout;
};

/* What the exporter holds while it runs. */
struct exporter {
	struct settings set;
	struct ms_ctx *ctx;
	pthread_mutex_t lock;    /* all below */
	pthread_cond_t done;
	struct watch *watch;     /* replaced on SIGHUP */
	struct collection *last;
	bool collecting;
	unsigned long errors_total[NR_READ_REASONS];
	bool reload_ok;
	double reload_at;        /* the last successful load */
	pthread_mutex_t pages;   /* one page-by-page read at a time */
	struct web *web;         /* NULL: plain HTTP, no users */
	int ui_fd;               /* the page's folder, or -1 */
	bool diffing;            /* a diff upload is under way (under lock) */
};

/* A collection no older than the cache allows, shared: collected now by
 * this caller, or by another already at it; NULL with errno on failure.
 * Release it with collection_put(). */
struct collection *collection_get(struct exporter *ex);
void collection_put(struct exporter *ex, struct collection *c);
/* Forgets the cached collection: the next scrape collects anew. */
void collection_drop(struct exporter *ex);
/* Loads --config anew; a bad file keeps the old watch.  0, or -1 (said). */
int watch_reload(struct exporter *ex);
/* The groups of ps under watch w, with their figures, into c. */
int groups_collect(struct exporter *ex, const struct watch *w, struct collection *c,
		   double deadline);
void groups_free(struct collection *c);
/* the clock's time in seconds */
double clock_seconds(clockid_t clock);
/* the reason of a negative errno */
int read_reason(int rc);

/* ---- the metrics text (render.c) ---- */
/* Both renderings of c, into c->text and c->openmetrics; 0 or -ENOMEM. */
int render(struct exporter *ex, struct collection *c);
/* s as a label value: valid UTF-8 (a bad byte becomes U+FFFD) in a new
 * string; NULL without memory. */
char *utf8_clean(const char *s);

/* ---- growing strings ---- */
struct buf {
	char *s;
	size_t len, cap;
	bool failed;             /* out of memory: s is NULL at the end */
};
void buf_add(struct buf *b, const char *s, size_t n);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *buf_finish(struct buf *b, size_t *len);

/* ---- the web configuration (webconfig.c, tls.c, auth.c) ---- */
struct web;
/* Reads path (exporter-toolkit's format); 0, or -1 and err. */
int web_load(const char *path, struct web **out, char *err, size_t errlen);
/* The same from len bytes of text, named name in messages, read for its
 * keys alone: the certificates and CAs it names are not read, so that it
 * serves no TLS (for tests). */
int web_parse(const char *name, const void *text, size_t len, struct web **out, char *err,
	      size_t errlen);
void web_free(struct web *w);
bool web_tls(const struct web *w);
size_t web_nr_headers(const struct web *w);
void web_header(const struct web *w, size_t i, const char **name, const char **value);
struct MHD_Connection;
struct MHD_OptionItem;
/* The client's certificate and credentials as the configuration wants
 * them: 0 when the request may go on; else a response was queued (1) or
 * could not be (-1). */
int web_check(struct exporter *ex, struct MHD_Connection *conn);
void web_tls_options(struct exporter *ex, struct MHD_OptionItem *opts, size_t n);

/* ---- HTTP (http.c, api.c, listen.c) ---- */
/* Starts a daemon for each listen address, saying where each listens; 0
 * or -1 (said). */
int http_start(struct exporter *ex);
void http_stop(void);
struct MHD_Response;
/* The headers every response has: its type, the web config's, and the
 * defaults (a Content-Security-Policy, nosniff) it does not replace. */
void http_headers(struct exporter *ex, struct MHD_Response *r, const char *type);
/* Queues a response; MHD_YES or MHD_NO */
int http_reply(struct exporter *ex, struct MHD_Connection *conn, unsigned status,
	       const char *type, char *body, size_t len);
int http_error(struct exporter *ex, struct MHD_Connection *conn, unsigned status,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The JSON endpoints: /api/v1/processes, /api/v1/snapshot/PID, /api/v1/kernel */
int api_processes(struct exporter *ex, struct MHD_Connection *conn);
int api_snapshot(struct exporter *ex, struct MHD_Connection *conn, const char *pid);
int api_kernel(struct exporter *ex, struct MHD_Connection *conn);
/* text (NULL: no memory) as a JSON answer, freed */
int api_reply_json(struct exporter *ex, struct MHD_Connection *conn, char *text);
/* POST /api/v1/diff (diff.c): before the body, the checks and *up to read
 * it into (NULL when an answer was queued); each part of the body; the
 * answer once it is all in; the upload freed when the request ends. */
struct upload;
int diff_begin(struct exporter *ex, struct MHD_Connection *conn, struct upload **up);
int diff_feed(struct upload *up, const char *data, size_t len);
int diff_answer(struct exporter *ex, struct MHD_Connection *conn, struct upload *up);
void diff_upload_free(struct upload *up);
/* What a request asks for (request.c): the q of type's entry in an
 * Accept header (-1 when absent); the content type of a name the page may
 * have (NULL for any other name); whether url names one of its files ("/"
 * its index). */
double http_accept_q(const char *accept, const char *type);
const char *ui_type(const char *name);
bool ui_path(const char *url);
/* The page (static.c): its folder opened (the fd, or -1 said); the file
 * served. */
int ui_open(struct exporter *ex);
int ui_serve(struct exporter *ex, struct MHD_Connection *conn, const char *url);
/* Sockets for "host:port", "[v6]:port", ":port", listening; their number
 * into *n, or -1 (said). */
int listen_on(const char *addr, int *fds, int max);

#endif
