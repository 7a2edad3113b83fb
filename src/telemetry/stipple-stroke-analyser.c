/* stipple-stroke-analyser.c
 *
 * Peaks are found with hysteresis rather than from a threshold crossing:
 * the needle's retracted position and the depth change from zone to zone
 * and pen to pen, but every stroke is a rise and a fall of some hundreds
 * of micrometres.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-telemetry"

#include "config.h"

#include <math.h>
#include <string.h>

#include "stipple-stroke-analyser.h"

#define TREATING (STIPPLE_PROTO_SAMPLE_CONTACT | STIPPLE_PROTO_SAMPLE_RUNNING)

/**
 * stipple_stroke_analyser_init:
 * @self: the analyser to set up
 * @commanded_um: the depth the pen was told to reach
 * @tolerance_um: how far from @commanded_um a stroke may end and still
 *   count as in tolerance
 */
void
stipple_stroke_analyser_init (StippleStrokeAnalyser *self,
                              int32_t                commanded_um,
                              int32_t                tolerance_um)
{
  memset (self, 0, sizeof *self);
  stipple_stroke_analyser_set_target (self, commanded_um, tolerance_um);
}

/**
 * stipple_stroke_analyser_set_target:
 * @self: an analyser
 * @commanded_um: the depth the pen is now told to reach
 * @tolerance_um: the accepted deviation, micrometres
 *
 * Applies to strokes from now on; figures so far are kept, since a
 * clinician may change depth between passes over the same zone.
 */
void
stipple_stroke_analyser_set_target (StippleStrokeAnalyser *self,
                                    int32_t                commanded_um,
                                    int32_t                tolerance_um)
{
  self->commanded_um = commanded_um;
  self->tolerance_um = tolerance_um < 0 ? -tolerance_um : tolerance_um;
}

/**
 * stipple_stroke_analyser_reset_stats:
 * @self: an analyser
 *
 * Starts the figures of a new zone. The stroke detector keeps its state,
 * so a stroke under way is not lost.
 */
void
stipple_stroke_analyser_reset_stats (StippleStrokeAnalyser *self)
{
  memset (&self->stats, 0, sizeof self->stats);
}

static void
count_stroke (StippleStrokeAnalyser *self,
              StippleStroke         *stroke)
{
  StippleStrokeStats *stats = &self->stats;
  double delta;

  stroke->in_skin = (self->extreme_flags & STIPPLE_PROTO_SAMPLE_CONTACT) != 0 && stroke->peak_um > 0;
  stroke->in_tolerance = false;
  if (!stroke->in_skin)
    return;

  stroke->in_tolerance = (int64_t) stroke->peak_um >= (int64_t) self->commanded_um - self->tolerance_um
                         && (int64_t) stroke->peak_um <= (int64_t) self->commanded_um + self->tolerance_um;

  stats->strokes++;
  if (!stroke->in_tolerance)
    stats->out_of_tolerance++;

  delta = stroke->peak_um - stats->mean_um;
  stats->mean_um += delta / (double) stats->strokes;
  stats->m2_um2 += delta * (stroke->peak_um - stats->mean_um);
}

/**
 * stipple_stroke_analyser_add:
 * @self: an analyser
 * @t_us: @sample's time on the unwrapped pen time line
 * @sample: the next sample, in pen order
 * @stroke: (out): the stroke completed by @sample, if any
 *
 * A stroke is reported once the needle has come back up far enough to be
 * sure the peak is behind it, a few samples after the peak itself.
 *
 * Returns: %true if @stroke was filled in
 */
bool
stipple_stroke_analyser_add (StippleStrokeAnalyser    *self,
                             uint64_t                  t_us,
                             const StippleProtoSample *sample,
                             StippleStroke            *stroke)
{
  int32_t position = sample->position_um;
  bool completed = false;

  if (self->have_last_sample
      && (sample->flags & TREATING) == TREATING
      && (self->last_flags & TREATING) == TREATING
      && t_us > self->last_sample_time_us
      && t_us - self->last_sample_time_us <= STIPPLE_STROKE_MAX_SAMPLE_GAP_US)
    self->stats.time_in_zone_us += t_us - self->last_sample_time_us;
  self->have_last_sample = true;
  self->last_sample_time_us = t_us;
  self->last_flags = sample->flags;

  if (!self->have_extreme)
    {
      /* Start as if falling, so a stroke counts once a full rise is seen. */
      self->have_extreme = true;
      self->rising = false;
      self->extreme_um = position;
      self->extreme_time_us = t_us;
      self->extreme_flags = sample->flags;
      return false;
    }

  if (self->rising)
    {
      if (position > self->extreme_um)
        {
          self->extreme_um = position;
          self->extreme_time_us = t_us;
          self->extreme_flags = sample->flags;
        }
      else if ((int64_t) position < (int64_t) self->extreme_um - STIPPLE_STROKE_HYSTERESIS_UM)
        {
          stroke->peak_time_us = self->extreme_time_us;
          stroke->peak_um = self->extreme_um;
          stroke->interval_us = 0;
          if (self->have_last_peak
              && self->extreme_time_us > self->last_peak_time_us
              && self->extreme_time_us - self->last_peak_time_us <= STIPPLE_STROKE_MAX_INTERVAL_US)
            stroke->interval_us = (uint32_t) (self->extreme_time_us - self->last_peak_time_us);
          self->have_last_peak = true;
          self->last_peak_time_us = self->extreme_time_us;
          count_stroke (self, stroke);
          completed = true;

          self->rising = false;
          self->extreme_um = position;
          self->extreme_time_us = t_us;
          self->extreme_flags = sample->flags;
        }
    }
  else
    {
      if (position < self->extreme_um)
        {
          self->extreme_um = position;
          self->extreme_time_us = t_us;
          self->extreme_flags = sample->flags;
        }
      else if ((int64_t) position > (int64_t) self->extreme_um + STIPPLE_STROKE_HYSTERESIS_UM)
        {
          self->rising = true;
          self->extreme_um = position;
          self->extreme_time_us = t_us;
          self->extreme_flags = sample->flags;
        }
    }

  return completed;
}

/**
 * stipple_stroke_stats_get_mean_um:
 * @stats: zone figures
 *
 * Returns: the mean depth reached by strokes into skin, or 0 without any
 */
double
stipple_stroke_stats_get_mean_um (const StippleStrokeStats *stats)
{
  return stats->strokes > 0 ? stats->mean_um : 0.0;
}

/**
 * stipple_stroke_stats_get_sd_um:
 * @stats: zone figures
 *
 * Returns: the sample standard deviation of the depth reached, or 0 with
 *   fewer than two strokes
 */
double
stipple_stroke_stats_get_sd_um (const StippleStrokeStats *stats)
{
  if (stats->strokes < 2)
    return 0.0;

  return sqrt (stats->m2_um2 / (double) (stats->strokes - 1));
}
