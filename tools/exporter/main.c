/*
 * main.c - memscope-exporter: Prometheus metrics of process groups and of
 * the kernel's allocators, and the documents memscope prints, over HTTP
 * (docs/exporter.md).  Its flags are those of every Prometheus exporter.
 * The main thread waits for signals: SIGHUP reloads --config, SIGTERM and
 * SIGINT stop it.
 */
#include "exporter.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_LISTEN "127.0.0.1:18742"

static int usage(void)
{
	fputs("usage: memscope-exporter [options]\n"
	      "\n"
	      "Serves Prometheus metrics of process groups (resident, proportional, unique,\n"
	      "swap and virtual bytes, per class where asked) and of the kernel's memory, and\n"
	      "the JSON documents memscope prints, over HTTP.\n"
	      "\n"
	      "options:\n"
	      "  --web.listen-address ADDR         where to listen: host:port, [v6]:port or :port;\n"
	      "                                    repeatable (" DEFAULT_LISTEN ")\n"
	      "  --web.config.file FILE            TLS and basic authentication (exporter-toolkit's format)\n"
	      "  --web.telemetry-path PATH         the metrics' path (/metrics)\n"
	      "  --web.ui-dir DIR                  the page's files (" WEB_DIR ")\n"
	      "  --web.enable-process-api          serve /api/v1/processes and /api/v1/snapshot/PID,\n"
	      "                                    which show address layouts and command lines\n"
	      "  --web.max-connections N           connections at once (64)\n"
	      "  --web.max-connections-per-ip N    connections at once from one address (32)\n"
	      "  --web.timeout SECONDS             an idle connection's life (10)\n"
	      "  --config FILE                     what to watch (YAML); reloaded on SIGHUP\n"
	      "  --collector.NAME                  turn a collector on: processes, kernel, pagetypeinfo\n"
	      "  --no-collector.NAME               turn it off (processes and kernel are on,\n"
	      "                                    pagetypeinfo off: it holds each zone's lock)\n"
	      "  --collector.kernel.privileged     serve what slabinfo and vmallocinfo show (root-only\n"
	      "                                    files): the slab caches and vmalloc (off)\n"
	      "  --no-collector.kernel.privileged  do not\n"
	      "  --scrape.cache-ttl TIME           scrapes within TIME share a collection (1s)\n"
	      "  --scrape.timeout TIME             per-class reads stop after TIME (10s)\n"
	      "  --kernel.top N                    the largest slab caches given a series (10)\n"
	      "  --proc DIR                        read DIR, not /proc (a host's /proc elsewhere)\n"
	      "  --once                            print one scrape to stdout and exit\n"
	      "  --help                            print this help and exit\n"
	      "  --version                         print the version and exit\n",
	      stdout);
	return finish_output(EXIT_OK);
}

enum { O_LISTEN = 256, O_WEBCONFIG, O_UIDIR, O_TELEMETRY, O_PROCAPI, O_MAXCONN, O_PERIP, O_TIMEOUT,
       O_CONFIG, O_TTL, O_DEADLINE, O_TOP, O_PROC, O_ONCE, O_VERSION, O_HELP,
       O_ON_PROC, O_OFF_PROC, O_ON_KERNEL, O_OFF_KERNEL, O_ON_PT, O_OFF_PT, O_ON_PRIV, O_OFF_PRIV };

static const struct option options[] = {
	{ "web.listen-address", required_argument, NULL, O_LISTEN },
	{ "web.config.file", required_argument, NULL, O_WEBCONFIG },
	{ "web.telemetry-path", required_argument, NULL, O_TELEMETRY },
	{ "web.ui-dir", required_argument, NULL, O_UIDIR },
	{ "web.enable-process-api", no_argument, NULL, O_PROCAPI },
	{ "web.max-connections", required_argument, NULL, O_MAXCONN },
	{ "web.max-connections-per-ip", required_argument, NULL, O_PERIP },
	{ "web.timeout", required_argument, NULL, O_TIMEOUT },
	{ "config", required_argument, NULL, O_CONFIG },
	{ "collector.processes", no_argument, NULL, O_ON_PROC },
	{ "no-collector.processes", no_argument, NULL, O_OFF_PROC },
	{ "collector.kernel", no_argument, NULL, O_ON_KERNEL },
	{ "no-collector.kernel", no_argument, NULL, O_OFF_KERNEL },
	{ "collector.pagetypeinfo", no_argument, NULL, O_ON_PT },
	{ "no-collector.pagetypeinfo", no_argument, NULL, O_OFF_PT },
	{ "collector.kernel.privileged", no_argument, NULL, O_ON_PRIV },
	{ "no-collector.kernel.privileged", no_argument, NULL, O_OFF_PRIV },
	{ "scrape.cache-ttl", required_argument, NULL, O_TTL },
	{ "scrape.timeout", required_argument, NULL, O_DEADLINE },
	{ "kernel.top", required_argument, NULL, O_TOP },
	{ "proc", required_argument, NULL, O_PROC },
	{ "once", no_argument, NULL, O_ONCE },
	{ "help", no_argument, NULL, O_HELP },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* A number option's value; -1 (said) when out of range. */
static long number(const char *opt, const char *v, long min, long max)
{
	long n = parse_long(v, min, max);

	if (n < 0)
		error("bad value '%s' for --%s: a whole number from %ld to %ld", v, opt, min, max);
	return n;
}

static int value_option(struct settings *s, int c, const char *v, const char *name)
{
	static const char *listen_buf[64];

	switch (c) {
	case O_LISTEN:
		if (s->nlisten == 64)
			return misuse("too many --web.listen-address");
		s->listen = listen_buf;
		listen_buf[s->nlisten++] = v;
		return 0;
	case O_WEBCONFIG: s->web_config = v; return 0;
	case O_TELEMETRY:
		if (v[0] != '/' || strcmp(v, "/") == 0 || strncmp(v, "/api/", 5) == 0 ||
		    strcmp(v, "/-/healthy") == 0)
			return misuse("bad value '%s' for --web.telemetry-path: a path of its own", v);
		s->telemetry = v;
		return 0;
	case O_CONFIG: s->config = v; return 0;
	case O_UIDIR: s->ui_dir = v; return 0;
	case O_PROC: s->proc = v; return 0;
	case O_TTL: case O_DEADLINE: {
		double t = strcmp(v, "0") == 0 ? 0 : parse_interval(v);

		if (t < 0 || (c == O_DEADLINE && t == 0))
			return misuse("bad time '%s' for --%s", v, name);
		*(c == O_TTL ? &s->cache_ttl : &s->deadline) = t;
		return 0;
	}
	case O_MAXCONN: return (s->max_conns = number(name, v, 1, 10000)) < 0 ? try_help() : 0;
	case O_PERIP: return (s->max_per_ip = number(name, v, 1, 10000)) < 0 ? try_help() : 0;
	case O_TIMEOUT: return (s->conn_timeout = number(name, v, 1, 3600)) < 0 ? try_help() : 0;
	case O_TOP: return (s->kernel_top = number(name, v, 0, 100000)) < 0 ? try_help() : 0;
	}
	return misuse("unknown option");
}

static int switch_option(struct settings *s, int c)
{
	switch (c) {
	case O_PROCAPI: s->process_api = true; break;
	case O_ONCE: s->once = true; break;
	case O_ON_PROC: case O_OFF_PROC: s->processes = c == O_ON_PROC; break;
	case O_ON_KERNEL: case O_OFF_KERNEL: s->kernel = c == O_ON_KERNEL; break;
	case O_ON_PT: case O_OFF_PT: s->pagetypes = c == O_ON_PT; break;
	case O_ON_PRIV: case O_OFF_PRIV: s->privileged = c == O_ON_PRIV; break;
	default: return -1;
	}
	return 0;
}

/* The settings from argv; 0, or the exit status to leave with (-1: help
 * or version printed, exit 0). */
static int parse(int argc, char **argv, struct settings *s)
{
	static const char *default_listen[] = { DEFAULT_LISTEN };
	int c, idx;

	*s = (struct settings){ .telemetry = "/metrics", .ui_dir = WEB_DIR, .processes = true,
				.kernel = true, .cache_ttl = 1, .deadline = 10, .kernel_top = 10, .max_conns = 64,
				.max_per_ip = 32, .conn_timeout = 10 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", options, &idx)) != -1) {
		if (c == O_HELP)
			return usage() == EXIT_OK ? -1 : EXIT_FAIL;
		if (c == O_VERSION)
			return print_version() == EXIT_OK ? -1 : EXIT_FAIL;
		if (c == '?' || c == ':')
			return option_misuse(c, argv[optind - 1]);
		if (switch_option(s, c) < 0 && value_option(s, c, optarg, options[idx].name) != 0)
			return EXIT_USAGE;
	}
	if (optind < argc)
		return misuse("unexpected argument '%s'", argv[optind]);
	if (!s->nlisten) {
		s->listen = default_listen;
		s->nlisten = 1;
	}
	return 0;
}

/* The configuration files and the /proc root: an exit status. */
static int load(struct exporter *ex)
{
	char err[512];

	if (watch_load(ex->set.config, &ex->watch, err, sizeof(err)) < 0) {
		error("%s", err);
		return EXIT_USAGE;
	}
	ex->reload_ok = true;
	ex->reload_at = (double)time(NULL);
	if (ex->set.web_config && web_load(ex->set.web_config, &ex->web, err, sizeof(err)) < 0) {
		error("%s", err);
		return EXIT_USAGE;
	}
	if (!(ex->ctx = ms_ctx_new(ex->set.proc))) {
		error("cannot read '%s': %s", ex->set.proc ? ex->set.proc : "/proc", strerror(errno));
		return errno == ENOENT || errno == ENOTDIR ? EXIT_USAGE : EXIT_FAIL;
	}
	return EXIT_OK;
}

static int once(struct exporter *ex)
{
	struct collection *c = collection_get(ex);
	int status;

	if (!c) {
		error("cannot collect: %s", strerror(errno));
		return EXIT_FAIL;
	}
	fwrite(c->text, 1, c->text_len, stdout);
	status = c->ps_err[0] && ex->set.processes ? EXIT_FAIL : EXIT_OK;
	collection_put(ex, c);
	return finish_output(status);
}

/* Serves until SIGTERM or SIGINT; SIGHUP reloads --config. */
static int serve(struct exporter *ex)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* every thread started after */
	signal(SIGPIPE, SIG_IGN);
	ui_open(ex);
	if (http_start(ex) < 0) {
		http_stop();
		return EXIT_FAIL;
	}
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP) {
		if (!ex->set.config)
			error("SIGHUP: no --config to reload");
		else if (watch_reload(ex) == 0)
			fprintf(stderr, "%s: reloaded '%s'\n", program_name(), ex->set.config);
	}
	http_stop();
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct exporter ex = { .lock = PTHREAD_MUTEX_INITIALIZER, .done = PTHREAD_COND_INITIALIZER,
			       .pages = PTHREAD_MUTEX_INITIALIZER, .ui_fd = -1 };
	int status;

	set_program_name("memscope-exporter");
	if ((status = parse(argc, argv, &ex.set)) != 0)
		return status < 0 ? EXIT_OK : status;
	if ((status = load(&ex)) == EXIT_OK)
		status = ex.set.once ? once(&ex) : serve(&ex);
	collection_drop(&ex);
	watch_free(ex.watch);
	web_free(ex.web);
	ms_ctx_free(ex.ctx);
	if (ex.ui_fd >= 0)
		close(ex.ui_fd);
	return status;
}
