/*
 * webconfig.c - --web.config.file, in exporter-toolkit's format, so that
 * one file (and promtool check web-config) serves every exporter of a
 * host: tls_server_config, http_server_config and basic_auth_users.
 * Unknown keys are errors: a misspelt client_auth_type would otherwise
 * leave the port open to anyone.
 */
#include "web.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const auth_types[] = { "NoClientCert", "RequestClientCert",
	"RequireAnyClientCert", "VerifyClientCertIfGiven", "RequireAndVerifyClientCert" };
static const char *const versions[] = { "TLS10", "TLS11", "TLS12", "TLS13" };
/* the response headers exporter-toolkit lets a file set */
static const char *const settable[] = { "Strict-Transport-Security", "X-Content-Type-Options",
	"X-Frame-Options", "X-XSS-Protection", "Content-Security-Policy" };

struct wctx {
	const char *path;
	char *err;
	size_t errlen;
};

static int bad(struct wctx *c, const struct ynode *n, const char *what, const char *key)
{
	snprintf(c->err, c->errlen, "'%s': line %lu: %s%s%s", c->path, n ? n->line : 1ul, key,
		 key[0] ? ": " : "", what);
	ynode_one_line(c->err);
	return -1;
}

static int scalar(struct wctx *c, const struct ynode *v, const char *key, char **out)
{
	if (v->kind != Y_SCALAR)
		return bad(c, v, "a single value", key);
	free(*out);
	*out = strdup(v->value);
	return *out ? 0 : bad(c, v, strerror(ENOMEM), key);
}

static int one_of(struct wctx *c, const struct ynode *v, const char *key,
		  const char *const *names, int n, int *out)
{
	for (int i = 0; v->kind == Y_SCALAR && i < n; i++)
		if (strcmp(v->value, names[i]) == 0)
			return *out = i, 0;
	return bad(c, v, "not a value it takes", key);
}

static int tls_key(struct wctx *c, const char *key, const struct ynode *v, struct web *w)
{
	if (strcmp(key, "cert_file") == 0)
		return scalar(c, v, key, &w->cert_file);
	if (strcmp(key, "key_file") == 0)
		return scalar(c, v, key, &w->key_file);
	if (strcmp(key, "client_ca_file") == 0)
		return scalar(c, v, key, &w->client_ca_file);
	if (strcmp(key, "client_auth_type") == 0)
		return one_of(c, v, key, auth_types, 5, &w->client_auth);
	if (strcmp(key, "min_version") == 0)
		return one_of(c, v, key, versions, 4, &w->min_version);
	if (strcmp(key, "max_version") == 0)
		return one_of(c, v, key, versions, 4, &w->max_version);
	if (strcmp(key, "prefer_server_cipher_suites") == 0) /* GnuTLS's choice stands */
		return v->kind == Y_SCALAR ? 0 : bad(c, v, "true or false", key);
	if (strcmp(key, "cipher_suites") == 0 || strcmp(key, "curve_preferences") == 0 ||
	    strcmp(key, "client_allowed_sans") == 0 || strcmp(key, "cert") == 0 ||
	    strcmp(key, "key") == 0)
		return bad(c, v, "not supported by memscope-exporter", key);
	return bad(c, v, "unknown key in tls_server_config", key);
}

static int header(struct wctx *c, const char *name, const struct ynode *v, struct web *w)
{
	size_t i = 0;

	while (i < 5 && strcasecmp(name, settable[i]) != 0)
		i++;
	if (i == 5)
		return bad(c, v, "a header the file may not set (Strict-Transport-Security, "
			   "X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, "
			   "Content-Security-Policy)", name);
	if (v->kind != Y_SCALAR || strpbrk(v->value, "\r\n"))
		return bad(c, v, "a one-line value", name);
	for (size_t k = 0; k < w->nheaders; k++) /* names are the same in any case */
		if (strcmp(w->headers[k].name, settable[i]) == 0)
			return bad(c, v, "given twice", name);
	w->headers[w->nheaders].name = strdup(settable[i]);
	w->headers[w->nheaders].value = strdup(v->value);
	if (!w->headers[w->nheaders].name || !w->headers[w->nheaders].value)
		return bad(c, v, strerror(ENOMEM), name);
	w->nheaders++;
	return 0;
}

static int http_key(struct wctx *c, const char *key, const struct ynode *v, struct web *w)
{
	if (strcmp(key, "http2") == 0) /* libmicrohttpd speaks HTTP/1.1 */
		return v->kind == Y_SCALAR ? 0 : bad(c, v, "true or false", key);
	if (strcmp(key, "headers") != 0)
		return bad(c, v, "unknown key in http_server_config", key);
	if (v->kind != Y_MAP)
		return bad(c, v, "a map of header names and values", key);
	if (!(w->headers = calloc(v->n / 2 + 1, sizeof(*w->headers))))
		return bad(c, v, strerror(ENOMEM), key);
	for (size_t i = 0; i + 1 < v->n; i += 2)
		if (header(c, v->kids[i]->value, v->kids[i + 1], w) < 0)
			return -1;
	return 0;
}

static int users(struct wctx *c, const struct ynode *v, struct web *w)
{
	if (v->kind != Y_MAP)
		return bad(c, v, "a map of user names and bcrypt hashes", "basic_auth_users");
	if (!(w->users = calloc(v->n / 2 + 1, sizeof(*w->users))))
		return bad(c, v, strerror(ENOMEM), "basic_auth_users");
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *h = v->kids[i + 1];
		struct web_user *u = &w->users[w->nusers];

		if (h->kind != Y_SCALAR || strncmp(h->value, "$2", 2) != 0 || strlen(h->value) != 60)
			return bad(c, h, "a bcrypt hash ($2y$...)", v->kids[i]->value);
		if (!(u->name = strdup(v->kids[i]->value)) || !(u->hash = strdup(h->value)))
			return bad(c, h, strerror(ENOMEM), "basic_auth_users");
		w->nusers++;
	}
	return 0;
}

static int section(struct wctx *c, const char *key, const struct ynode *v, struct web *w)
{
	int (*each)(struct wctx *, const char *, const struct ynode *, struct web *);

	if (strcmp(key, "basic_auth_users") == 0)
		return users(c, v, w);
	if (strcmp(key, "tls_server_config") == 0)
		each = tls_key, w->tls = true;
	else if (strcmp(key, "http_server_config") == 0)
		each = http_key;
	else
		return bad(c, v, "unknown key", key);
	if (v->kind != Y_MAP)
		return bad(c, v, "a map of keys", key);
	for (size_t i = 0; i + 1 < v->n; i += 2)
		if (each(c, v->kids[i]->value, v->kids[i + 1], w) < 0)
			return -1;
	return 0;
}

/* What the keys together must make sense of. */
static int whole(struct wctx *c, struct web *w)
{
	if (w->tls && (!w->cert_file || !w->key_file))
		return bad(c, NULL, "tls_server_config needs cert_file and key_file", "");
	if (w->tls && w->client_auth > 0 && !w->client_ca_file)
		return bad(c, NULL, "needs client_ca_file here: the client's certificate is asked for "
			   "through its CAs", auth_types[w->client_auth]);
	if (w->tls && w->min_version > w->max_version)
		return bad(c, NULL, "min_version is above max_version", "");
	return 0;
}

/* The web configuration a file's tree describes (root NULL: an empty
 * file), its files not read yet; root freed.  rc: how reading the file
 * went (-1: err says why). */
static int web_from(struct wctx *c, int rc, struct ynode *root, struct web **out)
{
	struct web *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (rc == 0 && !w) {
		snprintf(c->err, c->errlen, "%s", strerror(ENOMEM));
		rc = -1;
	}
	if (w) {
		w->min_version = 2; /* TLS 1.2, as exporter-toolkit */
		w->max_version = 3;
		pthread_mutex_init(&w->lock, NULL);
		pthread_mutex_init(&w->bcrypt, NULL);
	}
	if (rc == 0 && root && root->kind != Y_MAP)
		rc = bad(c, root, "a map of keys", "");
	for (size_t i = 0; rc == 0 && root && i + 1 < root->n; i += 2)
		rc = section(c, root->kids[i]->value, root->kids[i + 1], w);
	if (rc == 0)
		rc = whole(c, w);
	ynode_free(root);
	if (rc < 0) {
		web_free(w);
		return -1;
	}
	*out = w;
	return 0;
}

int web_load(const char *path, struct web **out, char *err, size_t errlen)
{
	struct wctx c = { .path = path, .err = err, .errlen = errlen };
	struct ynode *root = NULL;
	int rc = ynode_load(path, &root, err, errlen);

	if (web_from(&c, rc, root, out) < 0)
		return -1;
	if ((*out)->tls && web_tls_load(*out, err, errlen) < 0) {
		web_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int web_parse(const char *name, const void *text, size_t len, struct web **out, char *err,
	      size_t errlen)
{
	struct wctx c = { .path = name, .err = err, .errlen = errlen };
	struct ynode *root = NULL;
	int rc = ynode_parse(name, text, len, &root, err, errlen);

	return web_from(&c, rc, root, out);
}

void web_free(struct web *w)
{
	if (!w)
		return;
	web_tls_free(w);
	for (size_t i = 0; i < w->nusers; i++) {
		free(w->users[i].name);
		free(w->users[i].hash);
	}
	for (size_t i = 0; i < w->nheaders; i++) {
		free(w->headers[i].name);
		free(w->headers[i].value);
	}
	free(w->users);
	free(w->headers);
	free(w->cert_file);
	free(w->key_file);
	free(w->client_ca_file);
	pthread_mutex_destroy(&w->lock);
	pthread_mutex_destroy(&w->bcrypt);
	free(w);
}

bool web_tls(const struct web *w) { return w->tls; }
size_t web_nr_headers(const struct web *w) { return w->nheaders; }

void web_header(const struct web *w, size_t i, const char **name, const char **value)
{
	*name = w->headers[i].name;
	*value = w->headers[i].value;
}
