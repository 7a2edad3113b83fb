/* stipple-decimator.h: one min/max pair per pixel column
 *
 * A graph window of window_us microseconds drawn n_columns pixels wide
 * needs at most one minimum and one maximum per column, whatever the
 * sample rate: drawing cost follows the width, not the data.
 *
 * Column k holds the values with k = floor (t * n_columns / window_us),
 * on an absolute time line, so the same samples land in the same
 * columns however they arrive (live, in batches, or replayed).
 * The decimator keeps the newest n_columns columns in a ring of caller
 * storage; older columns are forgotten as newer ones arrive.
 *
 * C only: no GLib, no heap.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct
{
  /* Which absolute column this slot holds; meaningful when count > 0. */
  int64_t  column;
  int32_t  min;
  int32_t  max;
  uint32_t count;
} StippleDecimatorColumn;

typedef struct
{
  StippleDecimatorColumn *columns;
  size_t                  n_columns;
  uint64_t                window_us;
  /* Newest column seen, or -1 before the first value. */
  int64_t                 newest;
} StippleDecimator;

bool                          stipple_decimator_init       (StippleDecimator       *self,
                                                            StippleDecimatorColumn *storage,
                                                            size_t                  n_columns,
                                                            uint64_t                window_us);
void                          stipple_decimator_reset      (StippleDecimator       *self);
int64_t                       stipple_decimator_column_of  (const StippleDecimator *self,
                                                            uint64_t                t_us);
uint64_t                      stipple_decimator_time_of    (const StippleDecimator *self,
                                                            int64_t                 column);
void                          stipple_decimator_add        (StippleDecimator       *self,
                                                            uint64_t                t_us,
                                                            int32_t                 value);
const StippleDecimatorColumn *stipple_decimator_get        (const StippleDecimator *self,
                                                            int64_t                 column);

#ifdef __cplusplus
}
#endif
