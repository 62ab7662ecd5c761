/*
 * auth.c - basic authentication against basic_auth_users' bcrypt hashes,
 * through libcrypt's crypt_r.  An unknown user costs a bcrypt as a known
 * one does (against a known user's hash, so at its cost), so timing tells
 * no names; one bcrypt runs at a time, and each answer is remembered by a
 * hash of user, stored hash and password, as exporter-toolkit does, so
 * that a client repeating itself, right or wrong, costs no more bcrypt: a
 * scraper cannot be made to burn the CPU.
 */
#include "web.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

static void cache_key(const char *user, const char *hash, const char *password,
		      unsigned char key[32])
{
	size_t lu = strlen(user) + 1, lh = strlen(hash) + 1, lp = strlen(password);
	char *all = malloc(lu + lh + lp + 1);

	memset(key, 0, 32);
	if (!all)
		return;
	memcpy(all, user, lu);
	memcpy(all + lu, hash, lh);
	memcpy(all + lu + lh, password, lp);
	gnutls_hash_fast(GNUTLS_DIG_SHA256, all, lu + lh + lp, key);
	gnutls_memset(all, 0, lu + lh + lp);
	free(all);
}

/* The remembered answer: 1 yes, 0 no, -1 not remembered.  Under w->lock. */
static int cached(const struct web *w, const unsigned char key[32])
{
	for (size_t i = 0; i < AUTH_CACHE; i++)
		if (w->cache[i].used && gnutls_memcmp(w->cache[i].key, key, 32) == 0)
			return w->cache[i].ok;
	return -1;
}

static void remember(struct web *w, const unsigned char key[32], bool ok)
{
	pthread_mutex_lock(&w->lock);
	memcpy(w->cache[w->cache_next].key, key, 32);
	w->cache[w->cache_next].ok = ok;
	w->cache[w->cache_next].used = true;
	w->cache_next = (w->cache_next + 1) % AUTH_CACHE;
	pthread_mutex_unlock(&w->lock);
}

/* bcrypt of password under hash's salt and cost equals hash */
static bool bcrypt_ok(struct web *w, const char *password, const char *hash)
{
	const char *out;
	bool ok;

	pthread_mutex_lock(&w->bcrypt);
	out = crypt_r(password, hash, &w->crypt);
	ok = out && strlen(out) == strlen(hash) && gnutls_memcmp(out, hash, strlen(hash)) == 0;
	pthread_mutex_unlock(&w->bcrypt);
	return ok;
}

static bool allowed(struct web *w, const char *user, const char *password)
{
	const struct web_user *u = NULL;
	unsigned char key[32];
	int known;
	bool ok;

	for (size_t i = 0; i < w->nusers && !u; i++)
		if (strcmp(w->users[i].name, user) == 0)
			u = &w->users[i];
	/* unknown: a known user's hash, so the same cost, and never a yes */
	cache_key(user, u ? u->hash : w->users[0].hash, password, key);
	pthread_mutex_lock(&w->lock);
	known = cached(w, key);
	pthread_mutex_unlock(&w->lock);
	if (known >= 0)
		return known && u;
	ok = bcrypt_ok(w, password, u ? u->hash : w->users[0].hash) && u;
	remember(w, key, ok);
	return ok;
}

int web_check_user(struct exporter *ex, struct MHD_Connection *conn)
{
	struct web *w = ex->web;
	char *password = NULL, *user;
	struct MHD_Response *r;
	bool ok;
	int rc;

	if (w->nusers == 0)
		return 0;
	user = MHD_basic_auth_get_username_password(conn, &password);
	ok = user && password && allowed(w, user, password);
	if (password)
		gnutls_memset(password, 0, strlen(password));
	MHD_free(user);
	MHD_free(password);
	if (ok)
		return 0;
	if (!(r = MHD_create_response_from_buffer(13, (void *)"unauthorized\n", MHD_RESPMEM_PERSISTENT)))
		return -1;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	rc = MHD_queue_basic_auth_fail_response(conn, "memscope-exporter", r);
	MHD_destroy_response(r);
	return rc == MHD_YES ? 1 : -1;
}

int web_check(struct exporter *ex, struct MHD_Connection *conn)
{
	int rc = web_check_client(ex, conn);

	return rc ? rc : web_check_user(ex, conn);
}
