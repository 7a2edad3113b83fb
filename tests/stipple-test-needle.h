/* stipple-test-needle.h: a needle waveform with known strokes
 *
 * Tests and benchmarks need samples whose strokes are known in advance:
 * stroke j peaks at (j + 0.5) periods at depth_um plus a small spread,
 * and every 50th stroke goes 250 µm too deep. The needle follows a
 * raised cosine between retracted and that peak. Everything is computed
 * from the sample index, so the same index always gives the same sample.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "stipple-proto-sample.h"

typedef struct
{
  uint32_t samples_per_s;   /* 8000 */
  double   strokes_per_s;   /* 120 */
  int32_t  depth_um;        /* commanded depth */
  int32_t  retract_um;      /* needle position when fully drawn in */
  uint32_t start_us;        /* pen clock of sample 0 */
  /* Contact is lost for off_us in every period_us (0: always on skin). */
  uint64_t lift_period_us;
  uint64_t lift_us;
} StippleTestNeedle;

static inline int32_t
stipple_test_needle_stroke_depth (const StippleTestNeedle *needle,
                                  uint64_t                 stroke)
{
  int32_t spread = (int32_t) ((stroke * 7919u) % 41u) - 20;

  if (stroke % 50 == 49)
    spread += 250;

  return needle->depth_um + spread;
}

/* Microseconds from sample 0 to sample i. */
static inline uint64_t
stipple_test_needle_time_of (const StippleTestNeedle *needle,
                             uint64_t                 i)
{
  return i * 1000000u / needle->samples_per_s;
}

static inline bool
stipple_test_needle_on_skin (const StippleTestNeedle *needle,
                             uint64_t                 t_us)
{
  if (needle->lift_period_us == 0)
    return true;

  return t_us % needle->lift_period_us < needle->lift_period_us - needle->lift_us;
}

static inline void
stipple_test_needle_sample (const StippleTestNeedle *needle,
                            uint64_t                 i,
                            StippleProtoSample      *sample)
{
  uint64_t t_us = stipple_test_needle_time_of (needle, i);
  double strokes = t_us * needle->strokes_per_s / 1e6;
  uint64_t stroke = (uint64_t) strokes;
  double phase = strokes - (double) stroke;
  int32_t peak = stipple_test_needle_stroke_depth (needle, stroke);
  /* A few micrometres of sensor noise, the same for the same index. */
  int32_t noise = (int32_t) ((i * 2654435761u) >> 13 & 7) - 3;
  bool on_skin = stipple_test_needle_on_skin (needle, t_us);

  sample->timestamp_us = needle->start_us + (uint32_t) t_us;
  sample->position_um = needle->retract_um
                        + (int32_t) lround ((peak - needle->retract_um)
                                            * (1.0 - cos (2.0 * M_PI * phase)) / 2.0)
                        + noise;
  sample->load = on_skin ? 20000 + (uint16_t) (i % 97) : 0;
  sample->flags = STIPPLE_PROTO_SAMPLE_RUNNING | (on_skin ? STIPPLE_PROTO_SAMPLE_CONTACT : 0);
  sample->stroke_count = (uint32_t) stroke;
}
