/*
 * json.c - values as every memscope document writes them: an address is a
 * lowercase "0x..." string, as libmemscope writes it.
 */
#include "common.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <memscope.h>

/* Byte counts go out as their exact digits: cJSON's numbers are doubles,
 * which round past 2^53. */
struct cJSON *json_int(int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return cJSON_CreateRaw(buf);
}

struct cJSON *json_uint(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return cJSON_CreateRaw(buf);
}

struct cJSON *json_hex(uint64_t v)
{
	char buf[MS_ADDRESS_LEN];

	return cJSON_CreateString(ms_address_string(v, buf));
}
