/*
 * unit_jsonw.c - the project's one JSON writer (lib/jsonw.c) on its own:
 * the edges of each kind of value, written exactly; keys up to their limit
 * and no further; strings escaped and made valid UTF-8; the nesting kept.
 */
#include "testlib.h"
#include "../lib/jsonw.h"

#include <check.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The document, which must be there, compared with want. */
static void is(struct jw *w, const char *want)
{
	char *got = jw_finish(w);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(numbers_at_their_edges)
{
	struct jw w = { 0 };

	jw_open(&w, NULL, '[');
	jw_u64(&w, NULL, 0);
	jw_u64(&w, NULL, 9);
	jw_u64(&w, NULL, 10);
	jw_u64(&w, NULL, UINT64_MAX);
	jw_i64(&w, NULL, -1);
	jw_i64(&w, NULL, INT64_MIN);
	jw_i64(&w, NULL, INT64_MAX);
	jw_count(&w, NULL, -5);
	jw_count(&w, NULL, 4096);
	jw_hex(&w, NULL, 0);
	jw_hex(&w, NULL, 15);
	jw_hex(&w, NULL, 16);
	jw_hex(&w, NULL, UINT64_MAX);
	jw_double(&w, NULL, 0.1);
	jw_double(&w, NULL, 1.0 / 0.0);
	jw_close(&w, ']');
	is(&w, "[0,9,10,18446744073709551615,-1,-9223372036854775808,9223372036854775807,"
	       "null,4096,\"0x0\",\"0xf\",\"0x10\",\"0xffffffffffffffff\",0.1,null]");
}
END_TEST

START_TEST(keys_up_to_their_limit)
{
	char longest[JW_KEY_MAX + 2], want[2 * JW_KEY_MAX + 16];
	struct jw w = { 0 };

	memset(longest, 'k', JW_KEY_MAX);
	longest[JW_KEY_MAX] = '\0';
	jw_open(&w, NULL, '{');
	jw_u64(&w, longest, 1);
	jw_raw(&w, "b", "true");
	jw_close(&w, '}');
	snprintf(want, sizeof(want), "{\"%s\":1,\"b\":true}", longest);
	is(&w, want);

	/* one byte more is a mistake of the program's: the document fails */
	w = (struct jw){ 0 };
	strcat(longest, "k");
	jw_open(&w, NULL, '{');
	jw_u64(&w, longest, 1);
	jw_close(&w, '}');
	ck_assert_ptr_null(jw_finish(&w));
}
END_TEST

START_TEST(strings_escaped_and_valid)
{
	struct jw w = { 0 };

	jw_open(&w, NULL, '[');
	jw_str(&w, NULL, "a\"b\\c\n\t\x01\x1f");
	jw_str(&w, NULL, "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");   /* é € 😀 kept */
	jw_str(&w, NULL, "\xff\xc0\xaf\xed\xa0\x80\xe2\x82");        /* none valid */
	jw_str(&w, NULL, NULL);
	jw_str(&w, NULL, "");
	jw_close(&w, ']');
	is(&w, "[\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\",\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\","
	       "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	       "\xef\xbf\xbd\xef\xbf\xbd\",null,\"\"]");
}
END_TEST

START_TEST(nesting_kept)
{
	struct jw w = { .pretty = true };

	jw_open(&w, NULL, '{');
	jw_open(&w, "a", '[');
	jw_close(&w, ']');
	jw_open(&w, "o", '{');
	jw_u64(&w, "n", 1);
	jw_close(&w, '}');
	jw_close(&w, '}');
	is(&w, "{\n\t\"a\":\t[],\n\t\"o\":\t{\n\t\t\"n\":\t1\n\t}\n}");

	w = (struct jw){ 0 }; /* a bracket left open */
	jw_open(&w, NULL, '[');
	ck_assert_ptr_null(jw_finish(&w));
	w = (struct jw){ 0 }; /* one closed too many */
	jw_close(&w, ']');
	ck_assert_ptr_null(jw_finish(&w));
	w = (struct jw){ 0 }; /* deeper than JW_DEPTH_MAX */
	for (int i = 0; i < JW_DEPTH_MAX; i++)
		jw_open(&w, NULL, '[');
	ck_assert_ptr_null(jw_finish(&w));
}
END_TEST

int main(void)
{
	const TTest *const tests[] = { numbers_at_their_edges, keys_up_to_their_limit,
				       strings_escaped_and_valid, nesting_kept, NULL };

	return tl_main("jsonw", 10, tests);
}
