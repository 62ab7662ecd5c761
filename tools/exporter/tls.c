/*
 * tls.c - TLS on libmicrohttpd and GnuTLS: the certificate picked per
 * connection, read anew whenever its files change, so that a renewed
 * certificate is served without a restart; the versions min_version and
 * max_version allow; and the client's certificate checked as
 * client_auth_type says, here, since libmicrohttpd leaves it to us.
 */
#include "web.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* GnuTLS's callback has no argument of ours: the one configuration */
static struct web *tls_web;

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void cert_set_free(struct cert_set *s)
{
	while (s) {
		struct cert_set *older = s->older;

		for (unsigned i = 0; i < s->npcert; i++)
			gnutls_pcert_deinit(&s->pcert[i]);
		gnutls_privkey_deinit(s->key);
		free(s);
		s = older;
	}
}

/* The files read into a new set; NULL and err */
static struct cert_set *read_certs(const struct web *w, char *err, size_t errlen)
{
	struct cert_set *s = calloc(1, sizeof(*s));
	gnutls_datum_t key = { 0 };
	int rc;

	if (!s) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	s->npcert = 8;
	rc = gnutls_pcert_list_import_x509_file(s->pcert, &s->npcert, w->cert_file,
						GNUTLS_X509_FMT_PEM, NULL, NULL, 0);
	if (rc < 0) {
		s->npcert = 0;
		snprintf(err, errlen, "cannot read '%s': %s", w->cert_file, gnutls_strerror(rc));
	} else if ((rc = gnutls_load_file(w->key_file, &key)) < 0 ||
		   (rc = gnutls_privkey_init(&s->key)) < 0 ||
		   (rc = gnutls_privkey_import_x509_raw(s->key, &key, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", w->key_file, gnutls_strerror(rc));
	}
	gnutls_free(key.data);
	if (rc < 0) {
		cert_set_free(s);
		return NULL;
	}
	return s;
}

/* Reads the files again when they changed; the old set stays for the
 * handshakes that hold it.  Under w->lock. */
static void refresh(struct web *w)
{
	struct stat cs, ks;
	struct cert_set *s;
	char err[256];

	if (stat(w->cert_file, &cs) < 0 || stat(w->key_file, &ks) < 0 ||
	    (same_file(&cs, &w->cert_st) && same_file(&ks, &w->key_st)))
		return;
	if (!(s = read_certs(w, err, sizeof(err)))) {
		error("%s; serving the certificate read before", err);
		w->cert_st = cs; /* said once a change */
		w->key_st = ks;
		return;
	}
	s->older = w->certs;
	w->certs = s;
	w->cert_st = cs;
	w->key_st = ks;
}

static int pick_cert(gnutls_session_t session, const gnutls_datum_t *req_ca, int nreq,
		     const gnutls_pk_algorithm_t *algos, int nalgos, gnutls_pcert_st **pcert,
		     unsigned int *npcert, gnutls_privkey_t *key)
{
	struct web *w = tls_web;

	(void)session, (void)req_ca, (void)nreq, (void)algos, (void)nalgos;
	pthread_mutex_lock(&w->lock);
	refresh(w);
	*pcert = w->certs->pcert;
	*npcert = w->certs->npcert;
	*key = w->certs->key;
	pthread_mutex_unlock(&w->lock);
	return 0;
}

static void priorities(struct web *w)
{
	static const char *const names[] = { "+VERS-TLS1.0", "+VERS-TLS1.1", "+VERS-TLS1.2",
		"+VERS-TLS1.3" };
	size_t len = (size_t)snprintf(w->priorities, sizeof(w->priorities), "NORMAL:-VERS-ALL");

	for (int v = w->min_version; v <= w->max_version; v++)
		len += (size_t)snprintf(w->priorities + len, sizeof(w->priorities) - len, ":%s",
					names[v]);
}

int web_tls_load(struct web *w, char *err, size_t errlen)
{
	gnutls_datum_t ca = { 0 };
	int rc;

	if (!(w->certs = read_certs(w, err, errlen)))
		return -1;
	stat(w->cert_file, &w->cert_st);
	stat(w->key_file, &w->key_st);
	priorities(w);
	if (w->client_auth == 0)
		return 0;
	if ((rc = gnutls_load_file(w->client_ca_file, &ca)) < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", w->client_ca_file, gnutls_strerror(rc));
		return -1;
	}
	w->ca_pem = strndup((const char *)ca.data, ca.size);
	gnutls_free(ca.data);
	if (!w->ca_pem) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	return 0;
}

void web_tls_free(struct web *w)
{
	cert_set_free(w->certs);
	w->certs = NULL;
	free(w->ca_pem);
	if (tls_web == w)
		tls_web = NULL;
}

void web_tls_options(struct exporter *ex, struct MHD_OptionItem *opts, size_t n)
{
	struct web *w = ex->web;
	size_t i = 0;

	tls_web = w;
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_CERT_CALLBACK, 0, (void *)pick_cert };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0, w->priorities };
	if (w->ca_pem) /* libmicrohttpd then asks the client for a certificate */
		opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0, w->ca_pem };
	opts[i] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	(void)n;
}

int web_check_client(struct exporter *ex, struct MHD_Connection *conn)
{
	const struct web *w = ex->web;
	const union MHD_ConnectionInfo *info;
	unsigned int nr = 0, status = 0;
	bool required = w->client_auth == 2 || w->client_auth == 4;
	bool verify = w->client_auth >= 3;

	if (!w->tls || w->client_auth == 0)
		return 0;
	info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!info || !gnutls_certificate_get_peers(info->tls_session, &nr) || nr == 0) {
		if (!required)
			return 0;
		return http_error(ex, conn, MHD_HTTP_FORBIDDEN, "a client certificate is required\n")
		       == MHD_YES ? 1 : -1;
	}
	if (verify && (gnutls_certificate_verify_peers2(info->tls_session, &status) < 0 || status))
		return http_error(ex, conn, MHD_HTTP_FORBIDDEN,
				  "the client certificate is not one the CAs signed\n") == MHD_YES ? 1 : -1;
	return 0;
}
