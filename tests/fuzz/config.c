/*
 * config.c - fuzz target: memscope-exporter's YAML configurations, read
 * through libyaml (tools/exporter/yamlnode.c): what to watch (watch.c,
 * --config) when the input's first byte is even, the web configuration
 * (webconfig.c, --web.config.file) when it is odd (the seeds begin with
 * '0' and '1'); the rest is the file.  A file must be taken, or refused in
 * one line, "'config': line N: WHY", N a line the file can have, and soon:
 * a regular expression glibc would take long over is refused before
 * regcomp() (libFuzzer's -timeout catches one that is not).  What is taken
 * must be a configuration the exporter can run with: groups with a name of
 * known template words, each regular expression matching or not (never an
 * error), numbers in range, the exe link and the cgroup read when a
 * selector or a name uses them and only then; TLS with a certificate, a
 * key and the CAs its client check needs, headers a file may set, once
 * each, on one line, users once each with a bcrypt hash.  The web
 * configuration is read for its keys alone (web_parse()): the files it
 * names are never read, and tls.c is not linked (its two functions stand
 * here, and say so if called for more than freeing nothing).  Anything
 * else aborts.
 */
#define _GNU_SOURCE
#include "web.h"
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NAME "config"

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz config: %s: '%s'\n", what, detail);
	abort();
}

int web_tls_load(struct web *w, char *err, size_t errlen)
{
	(void)w, (void)err, (void)errlen;
	fail("web_parse() read the files", "tls_server_config");
	return -1;
}

void web_tls_free(struct web *w)
{
	if (w->certs || w->ca_pem)
		fail("certificates that were never to be read", "tls_server_config");
}

/* A refusal: "'config': line N: WHY", one line, N at most one past the
 * file's line breaks (each at least a byte). */
static void check_refused(const char *err, size_t size)
{
	const char *prefix = "'" NAME "': line ";
	unsigned long line;
	char *end;

	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail("a refusal that names no file and line", err);
	line = strtoul(err + strlen(prefix), &end, 10);
	if (line < 1 || line > size + 1 || strncmp(end, ": ", 2) != 0 || !end[2])
		fail("a refusal with no line of the file, or no reason", err);
	for (const char *s = err; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			fail("a refusal not on one line", err);
}

static void check_rule(const struct watch_rule *r, bool *exe, bool *cgroup)
{
	const char *s = r->name;
	const struct pattern_list *res[2] = { &r->cmdline, &r->cgroup };

	if (!s || !s[0])
		fail("a group without a name", "");
	while ((s = strstr(s, "{{"))) {
		size_t i = template_word(s);

		if (i == NR_TEMPLATE_WORDS)
			fail("a name with an unknown template word", r->name);
		s += strlen(template_words[i]);
	}
	if (r->classes < CLASSES_NONE || r->classes > CLASSES_ALL || r->pids < 0 ||
	    r->pids > 100000)
		fail("classes or pids out of range", r->name);
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < res[k]->nres; i++) {
			int rc = regexec(&res[k]->res[i], "/usr/bin/python3 -m http.server 8080",
					 0, NULL, 0);

			if (rc != 0 && rc != REG_NOMATCH)
				fail("a regular expression that cannot match", r->name);
		}
	*exe |= r->exe.nwords || strstr(r->name, "{{.Exe");
	*cgroup |= r->cgroup.nres || strstr(r->name, "{{.Cgroup}}");
}

static void check_watch(const struct watch *w)
{
	bool exe = false, cgroup = false;

	for (size_t i = 0; i < w->n; i++)
		check_rule(&w->rules[i], &exe, &cgroup);
	if (exe != w->needs_exe || cgroup != w->needs_cgroup)
		fail("a group reading what the watch does not read, or the reverse", "");
	if (w->max_groups < 1 || w->max_groups > 100000)
		fail("max_groups out of range", "");
}

static void check_web(const struct web *w)
{
	static const char *const settable = "Strict-Transport-Security X-Content-Type-Options "
		"X-Frame-Options X-XSS-Protection Content-Security-Policy ";

	if (w->tls && (!w->cert_file || !w->key_file || w->client_auth < 0 || w->client_auth > 4 ||
		       (w->client_auth && !w->client_ca_file)))
		fail("TLS without the files it needs", "tls_server_config");
	if (w->min_version < 0 || w->min_version > w->max_version || w->max_version > 3)
		fail("TLS versions out of order", "tls_server_config");
	for (size_t i = 0; i < w->nheaders; i++) {
		const char *at = strstr(settable, w->headers[i].name);

		if (!w->headers[i].name[0] || !at || (at > settable && at[-1] != ' ') ||
		    at[strlen(w->headers[i].name)] != ' ')
			fail("a header a file may not set", w->headers[i].name);
		if (strpbrk(w->headers[i].value, "\r\n"))
			fail("a header value of two lines", w->headers[i].name);
		for (size_t k = 0; k < i; k++)
			if (strcasecmp(w->headers[k].name, w->headers[i].name) == 0)
				fail("a header given twice", w->headers[i].name);
	}
	for (size_t i = 0; i < w->nusers; i++) {
		if (strlen(w->users[i].hash) != 60 || strncmp(w->users[i].hash, "$2", 2) != 0)
			fail("a user without a bcrypt hash", w->users[i].name);
		for (size_t k = 0; k < i; k++)
			if (strcmp(w->users[k].name, w->users[i].name) == 0)
				fail("a user given twice", w->users[i].name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	struct watch *watch = NULL;
	struct web *web = NULL;
	int rc;

	if (size == 0)
		return 0;
	if (data[0] % 2 == 0)
		rc = watch_parse(NAME, data + 1, size - 1, &watch, err, sizeof(err));
	else
		rc = web_parse(NAME, data + 1, size - 1, &web, err, sizeof(err));
	if (rc < 0 && (watch || web))
		fail("a refusal that hands out a configuration", err);
	if (rc < 0)
		check_refused(err, size - 1);
	else if (watch)
		check_watch(watch);
	else if (web)
		check_web(web);
	else
		fail("taken without a configuration", "");
	watch_free(watch);
	web_free(web);
	return 0;
}
