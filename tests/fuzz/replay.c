/*
 * replay.c - a fuzz target without libFuzzer, for make check: calls
 * LLVMFuzzerTestOneInput() on every file of the folders in REPLAY_DIRS
 * (colon-separated: the seed corpus and the regressions), or of the files
 * and folders given as arguments.  A target aborts on a bug, so a crash
 * or an abort fails the test, under ASan and valgrind as well.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The input in a buffer of its exact size, so that a read past its end is
 * caught, as libFuzzer does. */
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf;
	size_t n;

	if (!f || fstat(fileno(f), &st) < 0) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
	fclose(f);
	if (!buf || n != (size_t)st.st_size) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		free(buf);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
	free(buf);
	return 0;
}

/* A file, or every file of a folder in name order; the number run. */
static long run_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	long count = 0;
	int n;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: no %s\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path) < 0 ? -1 : 1;
	n = scandir(path, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char file[4096];

		snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && stat(file, &st) == 0 && S_ISREG(st.st_mode))
			count = count < 0 || run_file(file) < 0 ? -1 : count + 1;
		free(names[i]);
	}
	free(names);
	return n < 0 ? -1 : count;
}

int main(int argc, char **argv)
{
	char dirs[] = REPLAY_DIRS, *save = NULL;
	long total = 0;

	for (int i = 1; i < argc && total >= 0; i++) {
		long n = run_path(argv[i]);

		total = n < 0 ? -1 : total + n;
	}
	for (char *d = strtok_r(dirs, ":", &save); argc == 1 && d && total >= 0;
	     d = strtok_r(NULL, ":", &save)) {
		long n = run_path(d);

		total = n < 0 ? -1 : total + n;
	}
	if (total <= 0) {
		fprintf(stderr, "replay: %s\n", total ? "an input could not be read" : "no input");
		return 1;
	}
	printf("%s: %ld inputs\n", argv[0], total);
	return 0;
}
