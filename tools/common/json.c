/*
 * json.c - values as every memscope document writes them: an address is a
 * lowercase "0x..." string, as libmemscope writes it.
 */
#include "common.h"

#include <cjson/cJSON.h>
#include <memscope.h>

struct cJSON *json_hex(uint64_t v)
{
	char buf[MS_ADDRESS_LEN];

	return cJSON_CreateString(ms_address_string(v, buf));
}
