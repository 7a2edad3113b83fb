/* stipple-pen-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-pen"

#include "config.h"

#include "stipple-pen-error.h"

G_DEFINE_QUARK (stipple-pen-error-quark, stipple_pen_error)
