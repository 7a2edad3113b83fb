/* stipple-strip-chart-live.c
 *
 * The live graphs. The device's event thread pushes samples into a
 * StippleSampleRing; this file drains it on the main thread. While the
 * live graphs are on screen the frame clock asks for a frame when samples
 * are waiting and the canvas takes them as it starts drawing, so a frame
 * shows every sample that came before it was drawn, not only those there
 * when the frame began. A slow timer drains too, so that the zone figures
 * stay complete when the graphs are hidden. The canvas redraws only the
 * columns that changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-chart"

#include "config.h"

#include "stipple-strip-chart-private.h"

#define DRAIN_BATCH 512
/* Without frames, drain often enough that a 16,384-sample ring at 8 kHz
 * never fills. */
#define HIDDEN_DRAIN_MS 100
#define FIGURES_INTERVAL_US (250 * 1000)
/* Live, the graphs are redrawn at most 30 times a second. The whole plot
 * scrolls, so each redraw repaints all of it; at 60 a second, software
 * rendering alone took 15 % of the window's thread on a clinic-class PC,
 * time its keys and its emergency stop share. The waveform's shape does
 * not change between two such frames (docs/graphs.md). */
#define LIVE_FRAME_US (G_USEC_PER_SEC / 30)
/* Two frames of a 60 Hz display come a little early now and then. */
#define LIVE_FRAME_SLACK_US 4000

/* Ring to trace, nothing else: this runs as the canvas draws. */
static guint64
take_samples (StippleStripChart *self)
{
  StippleProtoSample batch[DRAIN_BATCH];
  guint64 taken = 0;
  size_t n;

  if (self->ring == NULL)
    return 0;

  while ((n = stipple_sample_ring_pop_batch (self->ring, batch, G_N_ELEMENTS (batch))) > 0)
    {
      stipple_chart_trace_ingest (self->live, batch, n);
      taken += n;
    }

  return taken;
}

/* What the samples taken change beside the graphs. */
static void
update_labels (StippleStripChart *self)
{
  guint64 not_drawn;

  if (self->ring == NULL)
    return;

  not_drawn = stipple_sample_ring_get_overflowed (self->ring) - self->overflow_at_start;
  if (not_drawn != self->not_drawn)
    {
      self->not_drawn = not_drawn;
      stipple_strip_chart_update_behind_label (self);
    }

  if (g_get_monotonic_time () - self->figures_updated_us >= FIGURES_INTERVAL_US && self->replay == NULL)
    stipple_strip_chart_update_figures (self);
}

static gboolean
drawing_live (StippleStripChart *self)
{
  return self->ring != NULL && self->replay == NULL && !self->paused;
}

void
stipple_strip_chart_prepare_cb (StippleChartCanvas *canvas,
                                gpointer            user_data)
{
  StippleStripChart *self = user_data;

  if (drawing_live (self))
    take_samples (self);
}

/**
 * stipple_strip_chart_drain:
 * @self: a strip chart
 *
 * Takes every sample waiting in the ring. The widget does this by itself
 * from the frame clock; tests and benchmarks call it to be exact.
 *
 * Returns: how many samples were taken
 */
guint64
stipple_strip_chart_drain (StippleStripChart *self)
{
  guint64 taken;

  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), 0);

  taken = take_samples (self);
  if (taken > 0 && drawing_live (self))
    gtk_widget_queue_draw (self->canvas);
  update_labels (self);

  return taken;
}

/**
 * stipple_strip_chart_get_samples_not_drawn:
 * @self: a strip chart
 *
 * Returns: how many samples the ring could not take since it was set,
 *   because the graphs fell behind
 */
guint64
stipple_strip_chart_get_samples_not_drawn (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), 0);

  return self->not_drawn;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  StippleStripChart *self = STIPPLE_STRIP_CHART (widget);

  self->ticked_us = g_get_monotonic_time ();
  /* Drawn live, the canvas takes the samples itself as it draws this
   * frame, as late as it can; the labels show what earlier frames took. */
  if (drawing_live (self))
    {
      gint64 frame_time = gdk_frame_clock_get_frame_time (frame_clock);

      if (stipple_sample_ring_get_readable (self->ring) > 0 &&
          frame_time - self->live_drawn_us >= LIVE_FRAME_US - LIVE_FRAME_SLACK_US)
        {
          self->live_drawn_us = frame_time;
          gtk_widget_queue_draw (self->canvas);
        }
      update_labels (self);
    }
  else
    stipple_strip_chart_drain (self);
  stipple_strip_chart_advance_replay (self, gdk_frame_clock_get_frame_time (frame_clock));

  return G_SOURCE_CONTINUE;
}

static gboolean
drain_cb (gpointer user_data)
{
  StippleStripChart *self = user_data;

  /* On screen the frame clock drains; this covers hidden graphs, and a
   * frame clock that a minimised or covered window may stop. While the
   * frame clock runs, a drain here would be a redraw beyond its 30 a
   * second. */
  if (self->tick_id == 0 || g_get_monotonic_time () - self->ticked_us > HIDDEN_DRAIN_MS * 1000)
    stipple_strip_chart_drain (self);

  return G_SOURCE_CONTINUE;
}

void
stipple_strip_chart_update_sources (StippleStripChart *self)
{
  gboolean active = self->ring != NULL || (self->replay != NULL && !self->paused);
  gboolean mapped = gtk_widget_get_mapped (GTK_WIDGET (self));

  if (active && mapped && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
  else if ((!active || !mapped) && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }

  if (self->ring != NULL && self->drain_id == 0)
    self->drain_id = g_timeout_add (HIDDEN_DRAIN_MS, drain_cb, self);
  else if (self->ring == NULL)
    g_clear_handle_id (&self->drain_id, g_source_remove);
}

/**
 * stipple_strip_chart_set_ring:
 * @self: a strip chart
 * @ring: (nullable) (transfer none): the ring the device's event thread
 *   fills, or %NULL to stop taking samples; it must stay alive until
 *   another ring (or %NULL) is set or @self is destroyed
 *
 * The live graphs start afresh with a new ring: a new ring means a new
 * pen connection, with a new pen clock.
 */
void
stipple_strip_chart_set_ring (StippleStripChart *self,
                              StippleSampleRing *ring)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));

  if (ring == self->ring)
    return;

  self->ring = ring;
  self->overflow_at_start = ring != NULL ? stipple_sample_ring_get_overflowed (ring) : 0;
  self->not_drawn = 0;
  stipple_strip_chart_update_behind_label (self);

  if (ring != NULL)
    {
      StippleChartTrace *old = self->live;

      self->live = stipple_chart_trace_new_live (HISTORY_SAMPLES);
      stipple_chart_trace_set_target (self->live, self->commanded_um, self->tolerance_um);
      stipple_chart_trace_set_frozen (self->live, self->paused && self->replay == NULL);
      if (self->replay == NULL)
        stipple_chart_canvas_set_trace (STIPPLE_CHART_CANVAS (self->canvas), self->live);
      stipple_chart_trace_free (old);
      stipple_strip_chart_update_figures (self);
    }

  stipple_strip_chart_update_sources (self);
}

/**
 * stipple_strip_chart_get_ring:
 * @self: a strip chart
 *
 * Returns: (transfer none) (nullable): the ring being drained
 */
StippleSampleRing *
stipple_strip_chart_get_ring (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), NULL);

  return self->ring;
}
