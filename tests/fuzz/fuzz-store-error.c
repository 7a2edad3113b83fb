/* fuzz-store-error.c: the store's error domain, for build-aux/fuzz
 *
 * The codec target is built there from the codec's source alone, without
 * the rest of the store; this is the one symbol of the store it needs.
 * The meson build links the real store instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "stipple-store.h"

G_DEFINE_QUARK (stipple-store-error-quark, stipple_store_error)
