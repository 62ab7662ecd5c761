/*
 * web.h - the web configuration's insides, shared by its reader
 * (webconfig.c), TLS (tls.c) and basic authentication (auth.c).
 */
#ifndef MEMSCOPE_EXPORTER_WEB_H
#define MEMSCOPE_EXPORTER_WEB_H

#include "exporter.h"

#include <crypt.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <sys/stat.h>

struct web_user {
	char *name, *hash;       /* hash: bcrypt's "$2y$..." */
};
struct web_header {
	char *name, *value;
};
/* a certificate and key, loaded from the files at one moment */
struct cert_set {
	gnutls_pcert_st pcert[8];
	unsigned npcert;
	gnutls_privkey_t key;
	struct cert_set *older;  /* kept: a handshake may still use them */
};
#define AUTH_CACHE 256
struct auth_entry {
	unsigned char key[32];   /* SHA-256 of user, hash and password */
	bool used, ok;
};

struct web {
	bool tls;
	char *cert_file, *key_file, *client_ca_file;
	int client_auth;         /* 0 NoClientCert .. 4 RequireAndVerifyClientCert */
	int min_version, max_version; /* 0 TLS10 .. 3 TLS13 */
	char priorities[160];
	char *ca_pem;            /* client_ca_file's text, for libmicrohttpd */
	struct web_header *headers;
	size_t nheaders;
	struct web_user *users;
	size_t nusers;
	pthread_mutex_t lock;    /* certs, the files' identity, the cache */
	struct cert_set *certs;
	struct stat cert_st, key_st;
	struct auth_entry cache[AUTH_CACHE];
	size_t cache_next;
	pthread_mutex_t bcrypt;  /* one bcrypt at a time, as exporter-toolkit */
	struct crypt_data crypt; /* under bcrypt */
};

/* tls.c: the certificate and key first read, the client CAs; 0 or -1 and err */
int web_tls_load(struct web *w, char *err, size_t errlen);
void web_tls_free(struct web *w);
/* The client's certificate as client_auth_type wants it: 0 when it may
 * go on, else a response was queued (1) or could not be (-1). */
int web_check_client(struct exporter *ex, struct MHD_Connection *conn);
/* auth.c: basic authentication, the same answers */
int web_check_user(struct exporter *ex, struct MHD_Connection *conn);

#endif
