/* stipple-stroke-analyser.h: strokes and zone figures from the waveform
 *
 * Finds each stroke's deepest point in the needle position waveform and
 * keeps the figures a clinician checks for the zone being treated:
 * strokes delivered into skin, time in the zone, mean depth reached and
 * its spread, and strokes out of tolerance of the commanded depth.
 * The live graphs and the session report use this same code.
 *
 * C only: no GLib, no heap. The whole state is this plain struct, so a
 * copy of it is a checkpoint that a replay can resume from.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "stipple-proto-sample.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A stroke is a rise of the needle followed by a fall of at least this
 * much: larger than sensor noise, smaller than the shallowest stroke
 * (0.25 mm into skin from a retracted needle). */
#define STIPPLE_STROKE_HYSTERESIS_UM        100
/* Peaks further apart than this are not one stroke train (the pen
 * stopped, or was lifted): no stroke rate across the gap. */
#define STIPPLE_STROKE_MAX_INTERVAL_US      100000
/* Longest gap between two samples still counted as time in the zone;
 * longer gaps are lost samples or a paused pen, not treatment. */
#define STIPPLE_STROKE_MAX_SAMPLE_GAP_US    20000

typedef struct
{
  /* When the needle was deepest, on the unwrapped pen time line. */
  uint64_t peak_time_us;
  /* How deep it went, micrometres; positive is into skin. */
  int32_t  peak_um;
  /* Time since the previous stroke's peak, or 0 across a gap. */
  uint32_t interval_us;
  /* The needle touched skin at its deepest point. */
  bool     in_skin;
  /* In skin and within the commanded depth ± tolerance. */
  bool     in_tolerance;
} StippleStroke;

typedef struct
{
  /* Strokes into skin; strokes in the air are not treatment. */
  uint64_t strokes;
  uint64_t out_of_tolerance;
  /* Time with the motor running and the needle on skin. */
  uint64_t time_in_zone_us;
  /* Running mean and sum of squared deviations (Welford) of the depth
   * reached by strokes into skin, micrometres. */
  double   mean_um;
  double   m2_um2;
} StippleStrokeStats;

typedef struct
{
  int32_t            commanded_um;
  int32_t            tolerance_um;

  /* Peak detector. */
  bool               rising;
  bool               have_extreme;
  int32_t            extreme_um;
  uint64_t           extreme_time_us;
  uint16_t           extreme_flags;
  bool               have_last_peak;
  uint64_t           last_peak_time_us;

  /* Time in zone. */
  bool               have_last_sample;
  uint64_t           last_sample_time_us;
  uint16_t           last_flags;

  StippleStrokeStats stats;
} StippleStrokeAnalyser;

void   stipple_stroke_analyser_init        (StippleStrokeAnalyser    *self,
                                            int32_t                   commanded_um,
                                            int32_t                   tolerance_um);
void   stipple_stroke_analyser_set_target  (StippleStrokeAnalyser    *self,
                                            int32_t                   commanded_um,
                                            int32_t                   tolerance_um);
void   stipple_stroke_analyser_reset_stats (StippleStrokeAnalyser    *self);
bool   stipple_stroke_analyser_add         (StippleStrokeAnalyser    *self,
                                            uint64_t                  t_us,
                                            const StippleProtoSample *sample,
                                            StippleStroke            *stroke);

double stipple_stroke_stats_get_mean_um    (const StippleStrokeStats *stats);
double stipple_stroke_stats_get_sd_um      (const StippleStrokeStats *stats);

#ifdef __cplusplus
}
#endif
