/* fuzz-common.h: what every fuzz target shares
 *
 * The protocol's targets are plain C without GLib, so that build-aux/fuzz
 * can build them with clang's libFuzzer alone (fuzz-codec.c, for the
 * store's needle-data codec, also takes GLib and GIO); the same sources
 * are replayed over the committed corpus in every meson test run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* A finding: say what and stop, so that libFuzzer keeps the input. */
#define FUZZ_CHECK(cond) \
  do { \
    if (!(cond)) \
      { \
        fprintf (stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        abort (); \
      } \
  } while (0)
