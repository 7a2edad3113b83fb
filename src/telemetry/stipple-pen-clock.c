/* stipple-pen-clock.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-telemetry"

#include "config.h"

#include "stipple-pen-clock.h"

/**
 * stipple_pen_clock_init:
 * @clock: the clock to reset
 *
 * Forgets every earlier timestamp. Call it when a pen connects: a pen
 * that restarted has restarted its clock too.
 */
void
stipple_pen_clock_init (StipplePenClock *clock)
{
  clock->last_us = 0;
  clock->started = false;
}

/**
 * stipple_pen_clock_unwrap:
 * @clock: a clock
 * @timestamp_us: the pen's 32-bit timestamp of the next sample
 *
 * The first timestamp is taken as it is. After that, the difference from
 * the previous timestamp is read modulo 2^32 as a signed step, so a wrap
 * moves time on by the small step it really was, and a sample that comes
 * slightly out of order steps back instead of jumping 71 minutes ahead.
 * Time never goes below zero.
 *
 * Returns: @timestamp_us on the 64-bit microsecond time line of this pen
 */
uint64_t
stipple_pen_clock_unwrap (StipplePenClock *clock,
                          uint32_t         timestamp_us)
{
  int32_t step;

  if (!clock->started)
    {
      clock->started = true;
      clock->last_us = timestamp_us;
      return clock->last_us;
    }

  step = (int32_t) (timestamp_us - (uint32_t) clock->last_us);
  if (step < 0 && (uint64_t) -(int64_t) step > clock->last_us)
    clock->last_us = 0;
  else
    clock->last_us += (int64_t) step;

  return clock->last_us;
}
