/*
 * listen.c - the sockets of --web.listen-address: "host:port",
 * "[v6address]:port" or ":port" (every address), a host name giving each
 * of its addresses (localhost: 127.0.0.1 and ::1).  Port 0 takes a free
 * port, which the exporter then says.
 */
#include "exporter.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* addr split into host (NULL: every address) and port, in buf */
static int split(const char *addr, char *buf, size_t len, const char **host, const char **port)
{
	char *colon;

	if (strlen(addr) >= len)
		return -1;
	strcpy(buf, addr);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close || close[1] != ':')
			return -1;
		*close = '\0';
		*host = buf + 1;
		*port = close + 2;
	} else {
		if (!(colon = strrchr(buf, ':')) || strchr(buf, ':') != colon)
			return -1; /* a v6 address needs its brackets */
		*colon = '\0';
		*host = buf[0] ? buf : NULL;
		*port = colon + 1;
	}
	return parse_long(*port, 0, 65535) < 0 ? -1 : 0;
}

static int bound_socket(const struct addrinfo *ai)
{
	int one = 1, fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6) /* [::] is v6 alone: 0.0.0.0 is its own address */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

int listen_on(const char *addr, int *fds, int max)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *res, *ai;
	const char *host, *port;
	char buf[300];
	int n = 0, rc;

	if (split(addr, buf, sizeof(buf), &host, &port) < 0) {
		error("bad listen address '%s': give host:port, [v6address]:port or :port", addr);
		return -1;
	}
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		error("cannot listen on '%s': %s", addr, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai && n < max; ai = ai->ai_next) {
		int fd = bound_socket(ai);

		if (fd < 0) {
			error("cannot listen on '%s': %s", addr, strerror(-fd));
			while (n > 0)
				close(fds[--n]);
			freeaddrinfo(res);
			return -1;
		}
		fds[n++] = fd;
	}
	freeaddrinfo(res);
	return n;
}
