/*
 * serve.c - a tiny HTTP/1.0 server on loopback for the diff tests: serves
 * FILE at any path (404 at /missing), optionally behind basic
 * authentication, or (--silent) accepts connections and never answers.
 * Prints "port N" once listening; runs until its standard input closes.
 *
 * usage: serve FILE [--auth USER:PASSWORD] [--silent]
 */
#define _GNU_SOURCE /* strcasestr, accept4 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static void base64(const char *in, char *out)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(in), o = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)in[i] << 16;

		v |= i + 1 < n ? (unsigned char)in[i + 1] << 8 : 0;
		v |= i + 2 < n ? (unsigned char)in[i + 2] : 0;
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? abc[v & 63] : '=';
	}
	out[o] = '\0';
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void answer(int fd, const char *file, const char *want_auth)
{
	char req[8192] = "", head[256], *body = NULL;
	size_t got = 0, len = 0;
	FILE *f;

	while (got < sizeof(req) - 1 && !strstr(req, "\r\n\r\n")) {
		ssize_t n = read(fd, req + got, sizeof(req) - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
		req[got] = '\0';
	}
	req[got] = '\0';
	if (want_auth) {
		char *h = strcasestr(req, "\r\nAuthorization: Basic ");

		if (!h || strncmp(h + 23, want_auth, strlen(want_auth)) != 0) {
			const char *no = "HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic "
					 "realm=\"memscope\"\r\nContent-Length: 0\r\n\r\n";

			send_all(fd, no, strlen(no));
			return;
		}
	}
	if (strncmp(req, "GET /missing", 12) == 0) {
		const char *nf = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";

		send_all(fd, nf, strlen(nf));
		return;
	}
	f = fopen(file, "r");
	if (f) {
		body = malloc(1 << 26);
		len = body ? fread(body, 1, 1 << 26, f) : 0;
		fclose(f);
	}
	snprintf(head, sizeof(head), "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\n\r\n", len);
	send_all(fd, head, strlen(head));
	send_all(fd, body, len);
	free(body);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	char want[256], *auth = NULL;
	int silent = 0, s;

	if (argc < 2) {
		fprintf(stderr, "usage: serve FILE [--auth USER:PASSWORD] [--silent]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--silent") == 0)
			silent = 1;
		else if (strcmp(argv[i], "--auth") == 0 && i + 1 < argc && strlen(argv[i + 1]) < 180)
			base64(argv[++i], want), auth = want;
	}
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 16) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) < 0) {
		perror("serve");
		return 1;
	}
	printf("port %d\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = { { .fd = s, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
		char buf[64];

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents && read(0, buf, sizeof(buf)) <= 0)
			return 0;
		if (p[0].revents & POLLIN) {
			int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);

			if (c < 0)
				continue;
			if (silent)
				continue; /* held open, never answered */
			answer(c, argv[1], auth);
			close(c);
		}
	}
}
