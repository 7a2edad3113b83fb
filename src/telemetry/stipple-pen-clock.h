/* stipple-pen-clock.h: the pen's 32-bit microsecond clock, unwrapped
 *
 * The pen stamps samples with a 32-bit microsecond counter that wraps
 * every 71.6 minutes, shorter than a long session. The host extends it
 * to 64 bits so that time only moves on across a wrap.
 *
 * C only: no GLib, no heap.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct
{
  uint64_t last_us;
  bool     started;
} StipplePenClock;

void     stipple_pen_clock_init   (StipplePenClock *clock);
uint64_t stipple_pen_clock_unwrap (StipplePenClock *clock,
                                   uint32_t         timestamp_us);

#ifdef __cplusplus
}
#endif
