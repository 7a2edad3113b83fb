/* stipple-chart-trace.c
 *
 * Live and replay share one path from samples to pixel columns: pen clock
 * → stroke analyser → decimators. A live trace keeps the last few tens of
 * seconds of samples; a replay trace reads the stored session. Both save
 * the pen clock and the analyser every CHECKPOINT_SAMPLES samples, so
 * redrawing a window (after a zoom, a resize or a scrub) starts from the
 * checkpoint just before the window instead of the start of the session,
 * and still gives the very columns and figures of a continuous pass.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-chart-trace.h"
#include "stipple-pen-clock.h"

#define CHECKPOINT_SAMPLES 4096
/* Until the widget is allocated, any width will do. */
#define DEFAULT_COLUMNS 256
#define DEFAULT_WINDOW_US (10 * G_USEC_PER_SEC)

typedef struct
{
  /* The first sample after the checkpoint and its unwrapped time. */
  guint64               index;
  guint64               t_us;
  StipplePenClock       clock;
  StippleStrokeAnalyser analyser;
} Checkpoint;

struct _StippleChartTrace
{
  gboolean                replay;
  GBytes                 *replay_bytes;

  /* Live: a ring of capacity samples; replay: the stored array. */
  StippleProtoSample     *samples;
  guint64                 capacity;
  guint64                 n_samples;

  Checkpoint             *checkpoints;
  guint64                 n_checkpoint_slots;

  StipplePenClock         clock;
  StippleStrokeAnalyser   analyser;
  gint32                  commanded_um;
  gint32                  tolerance_um;
  guint64                 first_t_us;
  guint64                 newest_t_us;
  guint32                 rate_mhz;

  gboolean                frozen;
  guint64                 end_t_us;
  guint                   n_columns;
  guint64                 window_us;
  StippleDecimatorColumn *storage[STIPPLE_CHART_N_STRIPS];
  StippleDecimator        strips[STIPPLE_CHART_N_STRIPS];
};

G_DEFINE_QUARK (stipple-chart-error-quark, stipple_chart_error)

static inline const StippleProtoSample *
sample_at (StippleChartTrace *self,
           guint64            index)
{
  return self->replay ? &self->samples[index] : &self->samples[index & (self->capacity - 1)];
}

static guint64
oldest_index (StippleChartTrace *self)
{
  if (self->replay || self->n_samples <= self->capacity)
    return 0;

  return self->n_samples - self->capacity;
}

static void
allocate_strips (StippleChartTrace *self,
                 guint              n_columns,
                 guint64            window_us)
{
  for (guint i = 0; i < STIPPLE_CHART_N_STRIPS; i++)
    {
      g_free (self->storage[i]);
      self->storage[i] = g_new (StippleDecimatorColumn, n_columns);
      if (!stipple_decimator_init (&self->strips[i], self->storage[i], n_columns, window_us))
        g_assert_not_reached ();
    }
  self->n_columns = n_columns;
  self->window_us = window_us;
}

static StippleChartTrace *
trace_new (void)
{
  StippleChartTrace *self = g_new0 (StippleChartTrace, 1);

  stipple_pen_clock_init (&self->clock);
  self->commanded_um = 0;
  self->tolerance_um = 100;
  stipple_stroke_analyser_init (&self->analyser, self->commanded_um, self->tolerance_um);
  allocate_strips (self, DEFAULT_COLUMNS, DEFAULT_WINDOW_US);

  return self;
}

/* Everything a sample contributes to the figures and to the graphs. */
static inline void
feed (StippleChartTrace        *self,
      StippleStrokeAnalyser    *analyser,
      guint32                  *rate_mhz,
      guint64                   t_us,
      const StippleProtoSample *sample,
      gboolean                  draw)
{
  StippleStroke stroke;

  if (stipple_stroke_analyser_add (analyser, t_us, sample, &stroke))
    {
      if (stroke.interval_us > 0)
        {
          guint32 rate = (guint32) (G_GUINT64_CONSTANT (1000000000) / stroke.interval_us);

          *rate_mhz = rate;
          if (draw)
            stipple_decimator_add (&self->strips[STIPPLE_CHART_STRIP_RATE], stroke.peak_time_us,
                                   (gint32) rate);
        }
      if (draw && stroke.in_skin)
        stipple_decimator_add (&self->strips[STIPPLE_CHART_STRIP_DEPTH], stroke.peak_time_us,
                               stroke.peak_um);
    }
  if (draw)
    stipple_decimator_add (&self->strips[STIPPLE_CHART_STRIP_POSITION], t_us, sample->position_um);
}

static void
append (StippleChartTrace        *self,
        const StippleProtoSample *sample,
        gboolean                  draw)
{
  guint64 index = self->n_samples;
  StipplePenClock before = self->clock;
  guint64 t_us = stipple_pen_clock_unwrap (&self->clock, sample->timestamp_us);

  if (index % CHECKPOINT_SAMPLES == 0)
    {
      Checkpoint *checkpoint = &self->checkpoints[(index / CHECKPOINT_SAMPLES) % self->n_checkpoint_slots];

      checkpoint->index = index;
      checkpoint->t_us = t_us;
      checkpoint->clock = before;
      checkpoint->analyser = self->analyser;
    }

  if (!self->replay)
    self->samples[index & (self->capacity - 1)] = *sample;
  if (index == 0)
    self->first_t_us = t_us;
  self->n_samples++;
  self->newest_t_us = t_us;

  feed (self, &self->analyser, &self->rate_mhz, t_us, sample, draw);
}

/* The latest usable checkpoint at or before @t_us, or the oldest one. */
static const Checkpoint *
find_checkpoint (StippleChartTrace *self,
                 guint64            t_us)
{
  guint64 lo = (oldest_index (self) + CHECKPOINT_SAMPLES - 1) / CHECKPOINT_SAMPLES;
  guint64 hi = (self->n_samples - 1) / CHECKPOINT_SAMPLES;

  /* A live ring may have overwritten the samples after its oldest slot. */
  if (lo > hi)
    return NULL;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo + 1) / 2;

      if (self->checkpoints[mid % self->n_checkpoint_slots].t_us <= t_us)
        lo = mid;
      else
        hi = mid - 1;
    }

  return &self->checkpoints[lo % self->n_checkpoint_slots];
}

/* Recomputes every column of the window that ends at end_t_us. */
static void
rebuild (StippleChartTrace *self)
{
  const StippleDecimator *position = &self->strips[STIPPLE_CHART_STRIP_POSITION];
  const Checkpoint *checkpoint;
  StipplePenClock clock;
  StippleStrokeAnalyser analyser;
  guint32 rate_mhz = 0;
  gint64 first_column;

  for (guint i = 0; i < STIPPLE_CHART_N_STRIPS; i++)
    stipple_decimator_reset (&self->strips[i]);

  if (self->n_samples == 0)
    return;

  first_column = stipple_decimator_column_of (position, self->end_t_us) - (gint64) self->n_columns + 1;
  checkpoint = find_checkpoint (self, stipple_decimator_time_of (position, first_column));
  if (checkpoint == NULL)
    return;

  clock = checkpoint->clock;
  analyser = checkpoint->analyser;
  for (guint64 i = checkpoint->index; i < self->n_samples; i++)
    {
      const StippleProtoSample *sample = sample_at (self, i);
      guint64 t_us = stipple_pen_clock_unwrap (&clock, sample->timestamp_us);

      if (t_us > self->end_t_us)
        break;
      feed (self, &analyser, &rate_mhz, t_us, sample, TRUE);
    }

  /* A replay shows the figures as they stood at the scrub position. */
  if (self->replay)
    {
      self->analyser = analyser;
      self->rate_mhz = rate_mhz;
    }
}

/**
 * stipple_chart_trace_new_live:
 * @history_samples: how many samples to keep for redrawing; a power of
 *   two, enough for the widest window at the pen's sample rate
 *
 * Returns: (transfer full): a trace fed with stipple_chart_trace_ingest()
 */
StippleChartTrace *
stipple_chart_trace_new_live (guint history_samples)
{
  StippleChartTrace *self;

  g_return_val_if_fail (history_samples >= CHECKPOINT_SAMPLES, NULL);
  g_return_val_if_fail ((history_samples & (history_samples - 1)) == 0, NULL);

  self = trace_new ();
  self->capacity = history_samples;
  self->samples = g_new (StippleProtoSample, history_samples);
  self->n_checkpoint_slots = history_samples / CHECKPOINT_SAMPLES;
  self->checkpoints = g_new0 (Checkpoint, self->n_checkpoint_slots);

  return self;
}

static void
analyse_replay (StippleChartTrace *self)
{
  guint64 n = self->capacity;

  stipple_pen_clock_init (&self->clock);
  stipple_stroke_analyser_init (&self->analyser, self->commanded_um, self->tolerance_um);
  self->n_samples = 0;
  for (guint64 i = 0; i < n; i++)
    append (self, &self->samples[i], FALSE);
  self->end_t_us = self->newest_t_us;
}

/**
 * stipple_chart_trace_new_replay:
 * @samples: a stored session's telemetry, an array of #StippleProtoSample
 * @error: return location for a #StippleChartError
 *
 * Analyses the whole session once, keeping checkpoints along it. The
 * position starts at the end of the session.
 *
 * Returns: (transfer full) (nullable): a trace to scrub with
 *   stipple_chart_trace_seek(), or %NULL if @samples is not telemetry
 */
StippleChartTrace *
stipple_chart_trace_new_replay (GBytes  *samples,
                                GError **error)
{
  StippleChartTrace *self;
  gsize size;

  g_return_val_if_fail (samples != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  size = g_bytes_get_size (samples);
  if (size == 0)
    {
      g_set_error_literal (error, STIPPLE_CHART_ERROR, STIPPLE_CHART_ERROR_NO_SAMPLES,
                           _("This session has no needle recording to replay"));
      return NULL;
    }
  if (size % sizeof (StippleProtoSample) != 0)
    {
      g_set_error_literal (error, STIPPLE_CHART_ERROR, STIPPLE_CHART_ERROR_DAMAGED,
                           _("The needle recording of this session is damaged and cannot be replayed"));
      return NULL;
    }

  self = trace_new ();
  self->replay = TRUE;
  self->replay_bytes = g_bytes_ref (samples);
  self->samples = (StippleProtoSample *) g_bytes_get_data (samples, NULL);
  self->capacity = size / sizeof (StippleProtoSample);
  self->n_checkpoint_slots = self->capacity / CHECKPOINT_SAMPLES + 1;
  self->checkpoints = g_new0 (Checkpoint, self->n_checkpoint_slots);
  analyse_replay (self);
  rebuild (self);

  return self;
}

/**
 * stipple_chart_trace_free:
 * @self: (transfer full): a trace
 */
void
stipple_chart_trace_free (StippleChartTrace *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < STIPPLE_CHART_N_STRIPS; i++)
    g_free (self->storage[i]);
  g_free (self->checkpoints);
  if (self->replay)
    g_bytes_unref (self->replay_bytes);
  else
    g_free (self->samples);
  g_free (self);
}

/**
 * stipple_chart_trace_is_replay:
 * @self: a trace
 *
 * Returns: %TRUE for a stored session, %FALSE for a live one
 */
gboolean
stipple_chart_trace_is_replay (StippleChartTrace *self)
{
  return self->replay;
}

/**
 * stipple_chart_trace_set_target:
 * @self: a trace
 * @commanded_um: the depth the pen is told to reach
 * @tolerance_um: accepted deviation from it
 *
 * Live, the new target applies to strokes from now on. A replay has one
 * target for the whole session and is analysed again.
 */
void
stipple_chart_trace_set_target (StippleChartTrace *self,
                                gint32             commanded_um,
                                gint32             tolerance_um)
{
  self->commanded_um = commanded_um;
  self->tolerance_um = tolerance_um;

  if (!self->replay)
    {
      stipple_stroke_analyser_set_target (&self->analyser, commanded_um, tolerance_um);
      return;
    }

  {
    guint64 end_t_us = self->end_t_us;

    analyse_replay (self);
    self->end_t_us = end_t_us;
    rebuild (self);
  }
}

/**
 * stipple_chart_trace_reset_stats:
 * @self: a live trace
 *
 * Starts the figures of a new zone; the graphs go on.
 */
void
stipple_chart_trace_reset_stats (StippleChartTrace *self)
{
  g_return_if_fail (!self->replay);

  stipple_stroke_analyser_reset_stats (&self->analyser);
}

/**
 * stipple_chart_trace_set_geometry:
 * @self: a trace
 * @n_columns: the graph's width in device pixels
 * @window_us: the time the width spans
 *
 * Redraws the window from the samples kept.
 */
void
stipple_chart_trace_set_geometry (StippleChartTrace *self,
                                  guint              n_columns,
                                  guint64            window_us)
{
  g_return_if_fail (n_columns > 0);
  g_return_if_fail (window_us > 0);

  if (n_columns == self->n_columns && window_us == self->window_us)
    return;

  allocate_strips (self, n_columns, window_us);
  rebuild (self);
}

/**
 * stipple_chart_trace_get_n_columns:
 * @self: a trace
 *
 * Returns: the width of the graphs in columns
 */
guint
stipple_chart_trace_get_n_columns (StippleChartTrace *self)
{
  return self->n_columns;
}

/**
 * stipple_chart_trace_ingest:
 * @self: a live trace
 * @samples: samples in pen order
 * @n_samples: how many
 *
 * Adds samples to the figures, to the history and, unless the graphs are
 * frozen, to the graphs.
 */
void
stipple_chart_trace_ingest (StippleChartTrace        *self,
                            const StippleProtoSample *samples,
                            gsize                     n_samples)
{
  g_return_if_fail (!self->replay);

  for (gsize i = 0; i < n_samples; i++)
    append (self, &samples[i], !self->frozen);

  if (!self->frozen && n_samples > 0)
    self->end_t_us = self->newest_t_us;
}

/**
 * stipple_chart_trace_set_frozen:
 * @self: a live trace
 * @frozen: whether the graphs stand still
 *
 * A frozen trace keeps counting figures and keeping history, but its
 * graphs stay as they were so a clinician can look at them. Thawing
 * jumps back to the newest samples.
 */
void
stipple_chart_trace_set_frozen (StippleChartTrace *self,
                                gboolean           frozen)
{
  g_return_if_fail (!self->replay);

  if (self->frozen == !!frozen)
    return;

  self->frozen = !!frozen;
  if (!self->frozen && self->end_t_us != self->newest_t_us)
    {
      self->end_t_us = self->newest_t_us;
      rebuild (self);
    }
}

/**
 * stipple_chart_trace_get_duration:
 * @self: a trace
 *
 * Returns: microseconds from the first sample to the newest one
 */
guint64
stipple_chart_trace_get_duration (StippleChartTrace *self)
{
  return self->n_samples > 0 ? self->newest_t_us - self->first_t_us : 0;
}

/**
 * stipple_chart_trace_seek:
 * @self: a replay trace
 * @position_us: microseconds since the first sample
 *
 * Puts the right edge of the graphs at @position_us; the figures are
 * those of the session up to that moment.
 */
void
stipple_chart_trace_seek (StippleChartTrace *self,
                          guint64            position_us)
{
  g_return_if_fail (self->replay);

  position_us = MIN (position_us, stipple_chart_trace_get_duration (self));
  if (self->first_t_us + position_us == self->end_t_us)
    return;

  self->end_t_us = self->first_t_us + position_us;
  rebuild (self);
}

/**
 * stipple_chart_trace_get_position:
 * @self: a trace
 *
 * Returns: the time at the right edge of the graphs, in microseconds
 *   since the first sample
 */
guint64
stipple_chart_trace_get_position (StippleChartTrace *self)
{
  return self->n_samples > 0 ? self->end_t_us - self->first_t_us : 0;
}

/**
 * stipple_chart_trace_has_samples:
 * @self: a trace
 *
 * Returns: whether any sample has arrived
 */
gboolean
stipple_chart_trace_has_samples (StippleChartTrace *self)
{
  return self->n_samples > 0;
}

/**
 * stipple_chart_trace_get_n_ingested:
 * @self: a trace
 *
 * Returns: how many samples the trace has seen in all
 */
guint64
stipple_chart_trace_get_n_ingested (StippleChartTrace *self)
{
  return self->n_samples;
}

/**
 * stipple_chart_trace_get_newest:
 * @self: a trace
 * @sample: (out): the newest sample
 *
 * Returns: %FALSE before the first sample
 */
gboolean
stipple_chart_trace_get_newest (StippleChartTrace  *self,
                                StippleProtoSample *sample)
{
  if (self->n_samples == 0)
    return FALSE;

  *sample = *sample_at (self, self->n_samples - 1);
  return TRUE;
}

/**
 * stipple_chart_trace_get_end_column:
 * @self: a trace
 *
 * Returns: the absolute column at the right edge of the graphs
 */
gint64
stipple_chart_trace_get_end_column (StippleChartTrace *self)
{
  return stipple_decimator_column_of (&self->strips[STIPPLE_CHART_STRIP_POSITION], self->end_t_us);
}

/**
 * stipple_chart_trace_get_strip:
 * @self: a trace
 * @strip: which graph
 *
 * Returns: (transfer none): the columns of @strip
 */
const StippleDecimator *
stipple_chart_trace_get_strip (StippleChartTrace *self,
                               StippleChartStrip  strip)
{
  g_return_val_if_fail (strip < STIPPLE_CHART_N_STRIPS, NULL);

  return &self->strips[strip];
}

/**
 * stipple_chart_trace_get_stats:
 * @self: a trace
 *
 * Returns: (transfer none): the zone figures
 */
const StippleStrokeStats *
stipple_chart_trace_get_stats (StippleChartTrace *self)
{
  return &self->analyser.stats;
}

/**
 * stipple_chart_trace_get_rate_mhz:
 * @self: a trace
 *
 * Returns: the stroke rate at the newest sample (at the scrub position
 *   in a replay), in strokes per 1000 s; 0 once strokes have stopped
 */
guint32
stipple_chart_trace_get_rate_mhz (StippleChartTrace *self)
{
  guint64 now = self->replay ? self->end_t_us : self->newest_t_us;
  const StippleStrokeAnalyser *analyser = &self->analyser;

  if (!analyser->have_last_peak || now < analyser->last_peak_time_us
      || now - analyser->last_peak_time_us > STIPPLE_STROKE_MAX_INTERVAL_US)
    return 0;

  return self->rate_mhz;
}
