/*
 * fetch.c - memscope-fetch: writes what an http:// or https:// URL serves
 * to stdout.  memscope runs it for "memscope diff URL ...", so that libcurl
 * and its dependencies load only when a URL is used (git keeps libcurl out
 * of git itself with its remote helpers for the same reason).
 *
 *   memscope-fetch [--insecure] [--cacert FILE] [--timeout SECONDS] URL
 *
 * Basic authentication comes from a netrc file ($NETRC, else ~/.netrc), or
 * from MEMSCOPE_HTTP_USER and MEMSCOPE_HTTP_PASSWORD in the environment:
 * never from the command line, where other users could read it.
 * Exit status: 0 fetched, 1 could not (the message, one line, on stderr,
 * which memscope passes on as its own), 2 usage.
 */
#include "common.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct fetch_opts {
	const char *url;
	long timeout; /* seconds */
	bool insecure;
	const char *cacert; /* the CAs to check the server against */
};

#define MAX_BODY (1ll << 30) /* a snapshot of 50,000 regions is about 40 MB */

static size_t out(char *data, size_t size, size_t n, void *arg)
{
	(void)arg;
	return fwrite(data, size, n, stdout);
}

static int fail(const char *url, const char *what)
{
	/* curl's messages start with a capital; ours do not, but an acronym
	 * ("SSL certificate problem") stays as it is */
	bool lower = what[0] >= 'A' && what[0] <= 'Z' && !(what[1] >= 'A' && what[1] <= 'Z');

	error("cannot fetch '%s': %c%s", url, lower ? what[0] - 'A' + 'a' : what[0],
	      what[0] ? what + 1 : what);
	return EXIT_FAIL;
}

/* Options every fetch gets: where, how long, which protocols, whose
 * credentials. */
static void set_options(CURL *c, const struct fetch_opts *o, char *errbuf)
{
	const char *user = getenv("MEMSCOPE_HTTP_USER");
	const char *password = getenv("MEMSCOPE_HTTP_PASSWORD");
	const char *netrc = getenv("NETRC");

	curl_easy_setopt(c, CURLOPT_URL, o->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MAX_BODY);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "memscope/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, out);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	if (o->cacert)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
	if (o->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (user && *user) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, password ? password : "");
	} else {
		curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
		if (netrc && *netrc)
			curl_easy_setopt(c, CURLOPT_NETRC_FILE, netrc);
	}
}

static int usage(void)
{
	fputs("usage: memscope-fetch [--insecure] [--cacert FILE] [--timeout SECONDS] URL\n"
	      "\n"
	      "Writes what an http:// or https:// URL serves to standard output, for\n"
	      "memscope diff.  Credentials come from $NETRC (else ~/.netrc), or from\n"
	      "MEMSCOPE_HTTP_USER and MEMSCOPE_HTTP_PASSWORD.\n"
	      "\n"
	      "options:\n"
	      "  --insecure           do not check the server's certificate\n"
	      "  --cacert FILE        check it against the CAs in FILE\n"
	      "  --timeout SECONDS    give up after SECONDS (1 to 3600; 10)\n"
	      "  --help               print this help and exit\n"
	      "  --version            print the version and exit\n",
	      stdout);
	return finish_output(EXIT_OK);
}

/* -1 to go on, or the exit status. */
static int parse(int argc, char **argv, struct fetch_opts *o)
{
	*o = (struct fetch_opts){ .timeout = 10 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0)
			return usage();
		if (strcmp(a, "--version") == 0)
			return print_version();
		if (strcmp(a, "--insecure") == 0) {
			o->insecure = true;
		} else if (strcmp(a, "--cacert") == 0) {
			if (i + 1 == argc)
				return misuse("'--cacert' needs a value");
			o->cacert = argv[++i];
		} else if (strcmp(a, "--timeout") == 0) {
			if (i + 1 == argc)
				return misuse("'--timeout' needs a value");
			if ((o->timeout = parse_long(argv[++i], 1, 3600)) < 0)
				return misuse("--timeout takes seconds (1 to 3600), not '%s'", argv[i]);
		} else if (a[0] == '-') {
			return misuse("unknown option '%s'", a);
		} else if (o->url) {
			return misuse("one URL at a time");
		} else {
			o->url = a;
		}
	}
	return o->url ? -1 : misuse("which URL?");
}

int main(int argc, char **argv)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct fetch_opts o;
	CURLcode rc;
	CURL *c;
	int status;

	set_program_name("memscope-fetch");
	if ((status = parse(argc, argv, &o)) >= 0)
		return status;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || !(c = curl_easy_init()))
		return fail(o.url, "libcurl does not start");
	set_options(c, &o, errbuf);
	rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return fail(o.url, "no answer within the timeout");
	if (rc != CURLE_OK)
		return fail(o.url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	return finish_output(EXIT_OK);
}
