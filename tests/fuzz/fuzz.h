/*
 * fuzz.h - the entry point every fuzz target has: libFuzzer calls it, and
 * so does replay.c in a normal build, once a file of the corpus.
 */
#ifndef MEMSCOPE_FUZZ_H
#define MEMSCOPE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
