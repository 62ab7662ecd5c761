/*
 * cli.h - what memscope's commands share: the command table, the options,
 * the context, and output.
 */
#ifndef MEMSCOPE_CLI_H
#define MEMSCOPE_CLI_H

#include "common.h" /* first: it sets _GNU_SOURCE */
#include "memscope.h"

#include <regex.h>
#include <stdio.h>

/* The options, a bit each: a command names those it takes (commands.c),
 * and any other is refused, never ignored. */
enum {
	O_BYTES = 1u << 0, O_JSON = 1u << 1, O_OUTPUT = 1u << 2, O_PRETTY = 1u << 3,
	O_PAGES = 1u << 4, O_CLASS = 1u << 5, O_REGION = 1u << 6, O_MAP = 1u << 7,
	O_COLOR = 1u << 8, O_WORKING_SET = 1u << 9, O_EXACT = 1u << 10, O_PREAD = 1u << 11,
	O_PROC = 1u << 12, O_FAIL_IF = 1u << 13, O_REGIONS = 1u << 14, O_TIMEOUT = 1u << 15,
	O_INSECURE = 1u << 16, O_INTERVAL = 1u << 17, O_COUNT = 1u << 18, O_SVG = 1u << 19,
	O_SORT = 1u << 20, O_TOP = 1u << 21, O_USER = 1u << 22, O_NAME = 1u << 23,
	O_GROUP_BY = 1u << 24, O_FAST = 1u << 25, O_OBJECTS = 1u << 26, O_CLASSES = 1u << 27,
	O_PAGETYPES = 1u << 28, O_CACERT = 1u << 29,
};

struct opts;

/* A line of the command table: it feeds --help, the dispatcher, and the
 * check of which options go with which command. */
struct command {
	const char *name;
	const char *operands;  /* "PID", "A B", "-- COMMAND [ARGS...]" */
	const char *summary;   /* what --help says of it */
	int (*run)(const struct opts *o);
	unsigned takes;        /* the O_ bits of the options it takes */
	bool reads_proc;       /* it needs the /proc tree: the context */
};
extern const struct command commands[];
extern const size_t nr_commands;
/* The command of that name, or NULL. */
const struct command *find_command(const char *name);

struct opts {
	const struct command *cmd;
	unsigned given;       /* the O_ bits of the options given */
	struct ms_ctx *ctx;   /* the /proc tree (--proc), opened once; NULL for
			       * a command that reads no process */
	const char *proc;     /* --proc DIR, NULL for /proc */
	const char *output;   /* -o FILE */
	bool bytes;           /* --bytes */
	bool json;            /* --json */
	bool pretty;          /* --pretty */
	bool pages;           /* --pages: snap adds pagemap's counts */
	bool map;             /* --map: pages draws a bar per region */
	bool pread;           /* --pread: pagemap without PAGEMAP_SCAN */
	bool fast;            /* --fast: Rss and Swap from maps and pagemap */
	bool exact;           /* --exact: pages looks every page up (root) */
	int class;            /* --class: pages shows this class only; -1 all */
	const char *region;   /* --region ADDR: pages shows the region holding it */
	int color;            /* --color: 1 always, 0 never, -1 when a terminal */
	double working_set;   /* --working-set SECONDS; < 0 when not asked */
	pid_t pid;
	/* diff */
	const char *sides[2]; /* A and B: a file, "-", a PID or a URL */
	const char **fail_if; /* --fail-if EXPR, in order */
	int nr_fail_if;
	bool insecure;        /* --insecure: do not check TLS certificates */
	const char *cacert;   /* --cacert: the CAs to check them against */
	long timeout;         /* --timeout SECONDS for URLs */
	long regions;         /* --regions N: list at most N (0: all) */
	/* watch, run */
	double interval;      /* --interval, seconds */
	long count;           /* --count N samples; 0: until the end */
	const char *svg;      /* --svg FILE: the series as a chart */
	char **run_argv;      /* run: the command */
	/* ps */
	const char *sort;     /* --sort FIELD; NULL: pss */
	long top;             /* --top N; 0: every row */
	const char *user;     /* --user NAME|UID */
	regex_t name;         /* --name REGEX, compiled when by_name */
	bool by_name;
	bool objects;         /* --objects: ps sums mapped files across processes */
	int classes;          /* --classes: MS_RSS, MS_PSS or FIELD_USS; -2 not asked */
	int group_by;         /* --group-by: 0, or BY_COMM, BY_USER, BY_CGROUP (ps.h) */
	/* kernel */
	bool pagetypes;       /* --pagetypes: free blocks per migrate type too */
};

/* Parses argv after the command; returns -1 when all is well, or the exit
 * status to leave with (after --help, or a usage error). */
int parse_options(int argc, char **argv, struct opts *o);
/* memscope --help (cmd NULL), or the help of one command. */
void usage(FILE *out, const struct command *cmd);
/* Opens the /proc tree the options name into o->ctx; an exit status: a
 * --proc that cannot be opened is bad input (2), /proc itself 1. */
int open_context(struct opts *o);

/* Takes the snapshot of o->pid; an exit status, EXIT_OK with *snap set.
 * each (may be NULL) hears of every region while the read goes on. */
int take_snapshot(const struct opts *o, unsigned flags, ms_region_fn *each, void *arg,
		  struct ms_snapshot **snap);

/* A line of a table, built without printf: maps prints 50,000 of them and
 * printf's formatting would cost more than the kernel's work. */
struct row {
	char buf[4096];
	size_t len;
};
void row_str(struct row *r, const char *s, int width);   /* left-aligned */
void row_rstr(struct row *r, const char *s, int width);  /* right-aligned */
void row_hex(struct row *r, uint64_t v);
/* "start-end" in hex, padded to the column after it (as pmap and maps do). */
void row_range(struct row *r, uint64_t start, uint64_t end);
/* Writes the row, then " ", tail (may be long), tail2 and a newline, to f. */
void row_put(struct row *r, const char *tail, const char *tail2, FILE *f);
/* bytes as --bytes or human units want them. */
const char *bytes_cell(char *buf, size_t len, const struct opts *o, uint64_t bytes);
/* A byte count as --bytes or human units want it; "-" when unknown. */
const char *size_cell(char *buf, size_t len, const struct opts *o,
		      const struct ms_counts *c, int field);

/* What --fast says above its table: the columns it leaves out, and why. */
#define FAST_NOTE "fast read: RSS and SWAP from pagemap, without smaps; PSS, USS and " \
	"the other counts need smaps (run without --fast)"

/* Writes a JSON document to stdout (or -o FILE, atomically). */
int emit_json(const struct opts *o, const struct ms_snapshot *snap, unsigned flags);
/* The snapshot document (json_flags, and --pretty) written to --output or
 * stdout while the process is read: memory stays flat.  On stdout, a read
 * that fails leaves what was written unclosed; a file is written whole or
 * not at all. */
int stream_snapshot(const struct opts *o, unsigned json_flags);
int cmd_maps(const struct opts *o);
int cmd_summary(const struct opts *o);
int cmd_snap(const struct opts *o);
int cmd_pages(const struct opts *o);
int cmd_layout(const struct opts *o);
int cmd_diff(const struct opts *o);
int cmd_watch(const struct opts *o);
int cmd_run(const struct opts *o);
int cmd_ps(const struct opts *o);
int cmd_kernel(const struct opts *o);
int cmd_report(const struct opts *o);

/* A side of diff or report (a file, "-", a PID, a URL) as a snapshot; an
 * exit status: EXIT_OK, EXIT_FAIL for a process gone or not ours to read,
 * EXIT_USAGE for any other side that cannot be had. */
int load_side(const struct opts *o, const char *spec, struct ms_snapshot **snap);

/* ---- --fail-if (gate.c) ---- */
enum gate_op { GATE_GT, GATE_GE, GATE_LT, GATE_LE };
#define GATE_COUNT (-2) /* the field "count": regions */

struct gate {
	const char *text;
	int class;           /* a class, or -1: the total */
	int field;           /* enum ms_field, FIELD_USS or GATE_COUNT */
	enum gate_op op;
	bool percent;        /* value is a percentage of A */
	double value;        /* the change: bytes (a count for count) */
	double delta, threshold; /* gate_eval(): B - A, and what it is held to */
	bool holds;
};
/* 0, or -EINVAL with err saying what is wrong. */
int gate_parse(const char *text, struct gate *g, char *err, size_t len);
/* Sets delta, threshold and holds; -EINVAL when a value is unknown. */
int gate_eval(struct gate *g, const struct ms_snapshot *a, const struct ms_snapshot *b,
	      char *err, size_t len);

/* The width of the terminal on stdout, else $COLUMNS, else 100. */
int terminal_columns(void);
/* Whether to colour stdout: --color, else a terminal without NO_COLOR. */
bool use_colour(const struct opts *o);
/* Whether the terminal takes UTF-8 (the locale says so). */
bool use_utf8(void);

/* Reads pagemap into snap with the flags the options ask for; an exit
 * status. */
int read_residency(const struct opts *o, struct ms_snapshot *snap, unsigned flags);

#endif
