/* stipple-strip-chart-replay.c
 *
 * The replay of a stored session: the trace read from the patient file
 * in place of the live one, the scrubber under the graphs, and playback
 * advanced by the frame clock. The same samples give the same picture as
 * they gave live.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-strip-chart-private.h"

void
stipple_strip_chart_advance_replay (StippleStripChart *self,
                                    gint64             frame_time_us)
{
  guint64 position, duration;

  if (self->replay == NULL || self->paused)
    {
      self->replay_last_frame_us = 0;
      return;
    }

  if (self->replay_last_frame_us != 0 && frame_time_us > self->replay_last_frame_us)
    {
      duration = stipple_chart_trace_get_duration (self->replay);
      position = stipple_chart_trace_get_position (self->replay)
                 + (guint64) (frame_time_us - self->replay_last_frame_us);
      stipple_strip_chart_set_replay_position (self, MIN (position, duration));
      if (position >= duration)
        stipple_strip_chart_set_paused (self, TRUE);
    }
  self->replay_last_frame_us = frame_time_us;
}

static void
sync_scrubber (StippleStripChart *self)
{
  g_signal_handler_block (self->scrubber, self->scrubber_handler);
  gtk_range_set_value (GTK_RANGE (self->scrubber),
                       stipple_chart_trace_get_position (self->replay) / (double) G_USEC_PER_SEC);
  g_signal_handler_unblock (self->scrubber, self->scrubber_handler);
}

/* What follows a replay shown or taken away: the controls, the sources,
 * the figures and the picture, then the properties it changed. */
static void
replay_switched (StippleStripChart *self)
{
  stipple_strip_chart_update_pause_button (self);
  stipple_strip_chart_update_sources (self);
  stipple_strip_chart_update_figures (self);
  gtk_widget_queue_draw (self->canvas);

  stipple_strip_chart_notify (self, PROP_PAUSED);
  stipple_strip_chart_notify (self, PROP_REPLAYING);
}

/**
 * stipple_strip_chart_set_replay:
 * @self: a strip chart
 * @samples: a stored session's telemetry: an array of #StippleProtoSample
 * @error: return location for a #StippleChartError
 *
 * Shows a past session instead of the live pen, with the same drawing as
 * live: the same samples give the same picture. Playback starts paused
 * with the first window of the session on screen. The commanded depth,
 * limit and tolerance are those set on @self.
 *
 * Returns: %FALSE if @samples cannot be replayed
 */
gboolean
stipple_strip_chart_set_replay (StippleStripChart  *self,
                                GBytes             *samples,
                                GError            **error)
{
  StippleChartTrace *replay;
  guint64 duration;

  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), FALSE);
  g_return_val_if_fail (samples != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  replay = stipple_chart_trace_new_replay (samples, error);
  if (replay == NULL)
    return FALSE;

  stipple_chart_trace_set_target (replay, self->commanded_um, self->tolerance_um);
  stipple_chart_canvas_set_trace (STIPPLE_CHART_CANVAS (self->canvas), replay);
  stipple_chart_trace_free (self->replay);
  self->replay = replay;

  duration = stipple_chart_trace_get_duration (replay);
  gtk_range_set_range (GTK_RANGE (self->scrubber), 0, MAX (duration / (double) G_USEC_PER_SEC, 0.001));
  gtk_widget_set_visible (self->scrubber, TRUE);
  gtk_label_set_text (GTK_LABEL (self->figures_title), _("Replayed Session"));
  stipple_strip_chart_update_behind_label (self);

  self->paused = TRUE;
  stipple_chart_trace_seek (replay, MIN (duration, (guint64) (self->window_s * G_USEC_PER_SEC)));
  sync_scrubber (self);
  replay_switched (self);

  return TRUE;
}

/**
 * stipple_strip_chart_stop_replay:
 * @self: a strip chart
 *
 * Goes back to the live graphs.
 */
void
stipple_strip_chart_stop_replay (StippleStripChart *self)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));

  if (self->replay == NULL)
    return;

  stipple_chart_canvas_set_trace (STIPPLE_CHART_CANVAS (self->canvas), self->live);
  g_clear_pointer (&self->replay, stipple_chart_trace_free);
  gtk_widget_set_visible (self->scrubber, FALSE);
  gtk_label_set_text (GTK_LABEL (self->figures_title), _("This Zone"));

  self->paused = FALSE;
  stipple_chart_trace_set_frozen (self->live, FALSE);
  stipple_strip_chart_update_behind_label (self);
  replay_switched (self);
}

/**
 * stipple_strip_chart_get_replaying:
 * @self: a strip chart
 *
 * Returns: whether a past session is on screen
 */
gboolean
stipple_strip_chart_get_replaying (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), FALSE);

  return self->replay != NULL;
}

/**
 * stipple_strip_chart_set_replay_position:
 * @self: a strip chart showing a replay
 * @position_us: microseconds from the start of the session to show at
 *   the right edge of the graphs
 */
void
stipple_strip_chart_set_replay_position (StippleStripChart *self,
                                         guint64            position_us)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));
  g_return_if_fail (self->replay != NULL);

  stipple_chart_trace_seek (self->replay, position_us);
  sync_scrubber (self);
  stipple_strip_chart_update_figures (self);
  gtk_widget_queue_draw (self->canvas);
}

/**
 * stipple_strip_chart_get_replay_position:
 * @self: a strip chart showing a replay
 *
 * Returns: the time at the right edge of the graphs, microseconds from
 *   the start of the session
 */
guint64
stipple_strip_chart_get_replay_position (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), 0);
  g_return_val_if_fail (self->replay != NULL, 0);

  return stipple_chart_trace_get_position (self->replay);
}

/**
 * stipple_strip_chart_get_replay_duration:
 * @self: a strip chart showing a replay
 *
 * Returns: the length of the replayed session, microseconds
 */
guint64
stipple_strip_chart_get_replay_duration (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), 0);
  g_return_val_if_fail (self->replay != NULL, 0);

  return stipple_chart_trace_get_duration (self->replay);
}

void
stipple_strip_chart_scrubber_value_changed_cb (GtkRange          *range,
                                               StippleStripChart *self)
{
  if (self->replay == NULL)
    return;

  stipple_chart_trace_seek (self->replay, (guint64) (gtk_range_get_value (range) * G_USEC_PER_SEC));
  stipple_strip_chart_update_figures (self);
  gtk_widget_queue_draw (self->canvas);
}
