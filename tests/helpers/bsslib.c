/*
 * bsslib.c - a shared library with a bss of BSS_BYTES and next to nothing
 * else, for tests/unit_elf.c: built twice, with 8 bytes (as Python's _bz2
 * has) and with a bss of a few pages.
 */
#include <stddef.h>

char bsslib_zeroes[BSS_BYTES];

int bsslib_get(size_t i);

/* exported, so that neither the array nor the library is empty */
int bsslib_get(size_t i)
{
	return bsslib_zeroes[i % BSS_BYTES];
}
