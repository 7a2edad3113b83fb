/* stipple-decimator.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-telemetry"

#include "config.h"

#include <string.h>

#include "stipple-decimator.h"

/**
 * stipple_decimator_init:
 * @self: the decimator to set up
 * @storage: room for @n_columns columns, owned by the caller
 * @n_columns: the graph's width in pixels (device pixels on HiDPI)
 * @window_us: the time the width spans
 *
 * Returns: %false if a size is zero or too large to map time exactly
 */
bool
stipple_decimator_init (StippleDecimator       *self,
                        StippleDecimatorColumn *storage,
                        size_t                  n_columns,
                        uint64_t                window_us)
{
  if (self == NULL || storage == NULL || n_columns == 0 || window_us == 0)
    return false;
  /* column_of() multiplies a remainder below window_us by n_columns. */
  if (window_us > UINT64_MAX / n_columns)
    return false;

  self->columns = storage;
  self->n_columns = n_columns;
  self->window_us = window_us;
  stipple_decimator_reset (self);

  return true;
}

/**
 * stipple_decimator_reset:
 * @self: a decimator
 *
 * Forgets every column.
 */
void
stipple_decimator_reset (StippleDecimator *self)
{
  memset (self->columns, 0, self->n_columns * sizeof *self->columns);
  self->newest = -1;
}

/**
 * stipple_decimator_column_of:
 * @self: a decimator
 * @t_us: a time on the unwrapped pen time line
 *
 * Exact integer arithmetic, so a reference computation (or a replay) puts
 * a sample in the very same column.
 *
 * Returns: the absolute column that @t_us falls in
 */
int64_t
stipple_decimator_column_of (const StippleDecimator *self,
                             uint64_t                t_us)
{
  uint64_t whole = t_us / self->window_us;
  uint64_t part = t_us % self->window_us;

  return (int64_t) (whole * self->n_columns + part * self->n_columns / self->window_us);
}

/**
 * stipple_decimator_time_of:
 * @self: a decimator
 * @column: an absolute column
 *
 * Returns: the earliest time that falls in @column
 */
uint64_t
stipple_decimator_time_of (const StippleDecimator *self,
                           int64_t                 column)
{
  uint64_t whole, part;

  if (column <= 0)
    return 0;

  whole = (uint64_t) column / self->n_columns;
  part = (uint64_t) column % self->n_columns;

  /* Ceiling division: the first t with floor (t * n / w) >= part. */
  return whole * self->window_us + (part * self->window_us + self->n_columns - 1) / self->n_columns;
}

/**
 * stipple_decimator_add:
 * @self: a decimator
 * @t_us: when @value was measured
 * @value: the value
 *
 * Adds @value to its column. A value older than the oldest column still
 * kept is ignored: it would be off the left edge of the graph.
 */
void
stipple_decimator_add (StippleDecimator *self,
                       uint64_t          t_us,
                       int32_t           value)
{
  int64_t column = stipple_decimator_column_of (self, t_us);
  StippleDecimatorColumn *slot;

  if (column > self->newest)
    self->newest = column;
  else if (column <= self->newest - (int64_t) self->n_columns)
    return;

  slot = &self->columns[(uint64_t) column % self->n_columns];
  if (slot->count == 0 || slot->column != column)
    {
      slot->column = column;
      slot->min = value;
      slot->max = value;
      slot->count = 1;
      return;
    }

  if (value < slot->min)
    slot->min = value;
  if (value > slot->max)
    slot->max = value;
  if (slot->count < UINT32_MAX)
    slot->count++;
}

/**
 * stipple_decimator_get:
 * @self: a decimator
 * @column: an absolute column
 *
 * Returns: (nullable): the values of @column, or %NULL if it holds none
 *   or has already been forgotten
 */
const StippleDecimatorColumn *
stipple_decimator_get (const StippleDecimator *self,
                       int64_t                 column)
{
  const StippleDecimatorColumn *slot;

  if (column < 0 || column > self->newest || column <= self->newest - (int64_t) self->n_columns)
    return NULL;

  slot = &self->columns[(uint64_t) column % self->n_columns];
  if (slot->count == 0 || slot->column != column)
    return NULL;

  return slot;
}
