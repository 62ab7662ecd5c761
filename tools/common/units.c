/*
 * units.c - sizes for people: "4.0K", "12M", "128G".
 */
#include "common.h"

#include <string.h>

const char *human_size(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "KMGTPE";
	char tmp[32], *p = tmp + sizeof(tmp);

	*--p = '\0';
	if (bytes < 1024) {
		if (bytes)
			*--p = 'B';
		p = jw_digits(p, bytes);
	} else {
		/* unit by the highest bit set: 2^10 K, 2^20 M, ... */
		unsigned shift = (unsigned)(63 - __builtin_clzll(bytes)) / 10 * 10;
		unsigned __int128 half = (unsigned __int128)1 << (shift - 1);
		uint64_t tenths = (uint64_t)(((unsigned __int128)bytes * 10 + half) >> shift);

		*--p = units[shift / 10 - 1];
		/* three significant digits at most: 4.0K, 12M, 128G */
		if (tenths < 100) {
			*--p = (char)('0' + tenths % 10);
			*--p = '.';
			p = jw_digits(p, tenths / 10);
		} else {
			p = jw_digits(p, (uint64_t)(((unsigned __int128)bytes + half) >> shift));
		}
	}
	return memcpy(buf, p, (size_t)(tmp + sizeof(tmp) - p) < len ?
		      (size_t)(tmp + sizeof(tmp) - p) : len);
}
