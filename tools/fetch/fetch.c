/*
 * fetch.c - memscope-fetch: writes what an http:// or https:// URL serves
 * to stdout.  memscope runs it for "memscope diff URL ...", so that libcurl
 * and its dependencies load only when a URL is used (git keeps libcurl out
 * of git itself with its remote helpers for the same reason).
 *
 *   memscope-fetch [--insecure] [--timeout SECONDS] URL
 *
 * Basic authentication comes from a netrc file ($NETRC, else ~/.netrc), or
 * from MEMSCOPE_HTTP_USER and MEMSCOPE_HTTP_PASSWORD in the environment:
 * never from the command line, where other users could read it.
 * Exit status: 0 fetched, 1 could not (the message, one line, on stderr),
 * 2 usage.
 */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BODY (1ll << 30) /* a snapshot of 50,000 regions is about 40 MB */

static size_t out(char *data, size_t size, size_t n, void *arg)
{
	(void)arg;
	return fwrite(data, size, n, stdout);
}

static int fail(const char *url, const char *what)
{
	fflush(stdout);
	/* curl's messages start with a capital; ours do not, but an acronym
	 * ("SSL certificate problem") stays as it is */
	bool lower = what[0] >= 'A' && what[0] <= 'Z' && !(what[1] >= 'A' && what[1] <= 'Z');

	fprintf(stderr, "memscope: cannot fetch '%s': %c%s\n", url,
		lower ? what[0] - 'A' + 'a' : what[0], what[0] ? what + 1 : what);
	return 1;
}

/* Options every fetch gets: where, how long, which protocols, whose
 * credentials. */
static void set_options(CURL *c, const char *url, long timeout, bool insecure, char *errbuf)
{
	const char *user = getenv("MEMSCOPE_HTTP_USER");
	const char *password = getenv("MEMSCOPE_HTTP_PASSWORD");
	const char *netrc = getenv("NETRC");

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MAX_BODY);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "memscope/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, out);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	if (insecure) {
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

int main(int argc, char **argv)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	bool insecure = false;
	long timeout = 10;
	const char *url = NULL;
	CURLcode rc;
	CURL *c;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--insecure") == 0)
			insecure = true;
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			timeout = strtol(argv[++i], NULL, 10);
		else if (!url && argv[i][0] != '-')
			url = argv[i];
		else
			url = NULL, i = argc;
	}
	if (!url || timeout <= 0) {
		fputs("usage: memscope-fetch [--insecure] [--timeout SECONDS] URL\n", stderr);
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || !(c = curl_easy_init()))
		return fail(url, "libcurl does not start");
	set_options(c, url, timeout, insecure, errbuf);
	rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return fail(url, "no answer within the timeout");
	if (rc != CURLE_OK)
		return fail(url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	if (fflush(stdout) != 0)
		return fail(url, strerror(errno));
	return 0;
}
