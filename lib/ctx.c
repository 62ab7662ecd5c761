/*
 * ctx.c - the context: which /proc tree, and this machine's constants.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

struct ms_ctx *ms_ctx_new(const char *proc_root)
{
	return ms_ctx_open(proc_root, 0);
}

struct ms_ctx *ms_ctx_open(const char *proc_root, unsigned flags)
{
	struct ms_ctx *ctx;
	struct statfs fs;

	if (flags & ~(unsigned)MS_CTX_ONE_THREAD) {
		errno = EINVAL;
		return NULL;
	}
	if (!proc_root)
		proc_root = "/proc";
	if (!(ctx = calloc(1, sizeof(*ctx))))
		return NULL;
	ctx->one_thread = flags & MS_CTX_ONE_THREAD;
	ctx->root = strdup(proc_root);
	ctx->rootfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!ctx->root || ctx->rootfd < 0) {
		int e = ctx->root ? errno : ENOMEM;

		ms_ctx_free(ctx);
		errno = e;
		return NULL;
	}
	/* only a live procfs can show a process exiting under a read */
	ctx->live = fstatfs(ctx->rootfd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
	ctx->page_size = sysconf(_SC_PAGESIZE);
	/* libproc2's procps_hertz_get() answers the same, but linking libproc2
	 * (and the libsystemd it pulls in) costs every start 0.6 ms */
	ctx->hertz = sysconf(_SC_CLK_TCK);
	if (ctx->hertz <= 0)
		ctx->hertz = 100;
	return ctx;
}

void ms_ctx_free(struct ms_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->rootfd >= 0)
		close(ctx->rootfd);
	free(ctx->root);
	free(ctx);
}

const char *ms_ctx_proc_root(const struct ms_ctx *ctx)
{
	return ctx->root;
}

long ms_ctx_page_size(const struct ms_ctx *ctx)
{
	return ctx->page_size;
}

int ms_fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}
