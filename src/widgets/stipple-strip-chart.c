/* stipple-strip-chart.c
 *
 * The device's event thread pushes samples into a StippleSampleRing; this
 * widget drains it on the main thread. While the live graphs are on screen
 * the frame clock asks for a frame when samples are waiting and the canvas
 * takes them as it starts drawing, so a frame shows every sample that came
 * before it was drawn, not only those there when the frame began. A slow
 * timer drains too, so that the zone figures stay complete when the
 * graphs are hidden. The canvas redraws only the columns that changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-chart"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "stipple-chart-canvas.h"
#include "stipple-strip-chart.h"

/* 2^19 samples: over a minute at 8,000 samples/s, twice the widest window. */
#define HISTORY_SAMPLES (1u << 19)
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

typedef enum
{
  FIGURE_STROKES,
  FIGURE_TIME,
  FIGURE_DEPTH,
  FIGURE_OUT_OF_TOLERANCE,
  FIGURE_RATE,
  N_FIGURES
} Figure;

struct _StippleStripChart
{
  GtkWidget          parent_instance;

  StippleSampleRing *ring;
  guint64            overflow_at_start;
  guint64            not_drawn;
  StippleChartTrace *live;
  StippleChartTrace *replay;

  guint              commanded_um;
  /* The session's own count for the zone, when the owner gives one: the
   * figures then say what the zone list, the summary and the report say. */
  gboolean           have_zone_totals;
  guint64            zone_strokes;
  guint64            zone_time_us;
  guint              limit_um;
  guint              tolerance_um;
  double             window_s;
  gboolean           paused;
  gint64             replay_last_frame_us;
  gint64             live_drawn_us;
  gint64             ticked_us;

  guint              tick_id;
  guint              drain_id;
  gint64             figures_updated_us;

  GtkWidget         *box;
  GtkWidget         *pause_button;
  GtkWidget         *window_label;
  GtkWidget         *behind_label;
  GtkWidget         *canvas;
  GtkWidget         *figures[N_FIGURES];
  GtkWidget         *figures_title;
  GtkWidget         *scrubber;
  gulong             scrubber_handler;
};

G_DEFINE_FINAL_TYPE (StippleStripChart, stipple_strip_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_COMMANDED_DEPTH,
  PROP_DEPTH_LIMIT,
  PROP_TOLERANCE,
  PROP_WINDOW,
  PROP_PAUSED,
  PROP_REPLAYING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Zoom steps of the time axis, seconds. */
static const double zoom_steps[] = { 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30 };

/**
 * stipple_strip_chart_new:
 *
 * Returns: (transfer full): new needle graphs, waiting for a ring or a
 *   replay
 */
GtkWidget *
stipple_strip_chart_new (void)
{
  return g_object_new (STIPPLE_TYPE_STRIP_CHART, NULL);
}

static StippleChartTrace *
shown_trace (StippleStripChart *self)
{
  return self->replay != NULL ? self->replay : self->live;
}

/**
 * stipple_strip_chart_get_trace:
 * @self: a strip chart
 *
 * Returns: (transfer none): the trace on screen: the replay if one is
 *   set, the live trace otherwise
 */
StippleChartTrace *
stipple_strip_chart_get_trace (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), NULL);

  return shown_trace (self);
}

/**
 * stipple_strip_chart_get_canvas:
 * @self: a strip chart
 *
 * Returns: (transfer none): the drawn graphs
 */
GtkWidget *
stipple_strip_chart_get_canvas (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), NULL);

  return self->canvas;
}

/**
 * stipple_strip_chart_get_stats:
 * @self: a strip chart
 *
 * Returns: (transfer none): the zone figures shown beside the graphs
 */
const StippleStrokeStats *
stipple_strip_chart_get_stats (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), NULL);

  return stipple_chart_trace_get_stats (shown_trace (self));
}

static void
set_figure (StippleStripChart *self,
            Figure             figure,
            const char        *text)
{
  if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (self->figures[figure])), text) != 0)
    gtk_label_set_text (GTK_LABEL (self->figures[figure]), text);
}

/**
 * stipple_strip_chart_format_duration:
 * @us: a time, microseconds
 *
 * Returns: (transfer full): "1:05" from a minute on, "0.4 s" under one: a
 *   zone treated for a few strokes never reads "0:00"
 */
char *
stipple_strip_chart_format_duration (guint64 us)
{
  guint64 seconds = us / G_USEC_PER_SEC;

  if (us > 0 && us < 60 * G_USEC_PER_SEC)
    /* Translators: a time under a minute, seconds */
    return g_strdup_printf (_("%.1f s"), us / 1e6);
  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02u", seconds / 60, (guint) (seconds % 60));
}

/**
 * stipple_strip_chart_set_zone_totals:
 * @self: a strip chart
 * @strokes: strokes delivered in the zone this session
 * @time_in_zone_us: time on the skin in the zone this session
 *
 * Makes the zone figures show the session's own count for the zone (the
 * pen's stroke counter), the number the zone list and the report show,
 * rather than the strokes this widget saw drawn since the zone was chosen.
 */
void
stipple_strip_chart_set_zone_totals (StippleStripChart *self,
                                     guint64            strokes,
                                     guint64            time_in_zone_us)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));

  self->have_zone_totals = TRUE;
  self->zone_strokes = strokes;
  self->zone_time_us = time_in_zone_us;
  stipple_strip_chart_update_figures (self);
}

/**
 * stipple_strip_chart_update_figures:
 * @self: a strip chart
 *
 * Brings the zone figures beside the graphs up to date now. The widget
 * does this by itself a few times a second.
 */
void
stipple_strip_chart_update_figures (StippleStripChart *self)
{
  StippleChartTrace *trace;
  const StippleStrokeStats *stats;
  g_autofree char *strokes = NULL;
  g_autofree char *time = NULL;
  g_autofree char *depth = NULL;
  g_autofree char *out = NULL;
  g_autofree char *rate = NULL;

  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));

  trace = shown_trace (self);
  stats = stipple_chart_trace_get_stats (trace);
  if (self->have_zone_totals && self->replay == NULL)
    {
      strokes = g_strdup_printf ("%" G_GUINT64_FORMAT, self->zone_strokes);
      time = stipple_strip_chart_format_duration (self->zone_time_us);
    }
  else
    {
      strokes = g_strdup_printf ("%" G_GUINT64_FORMAT, stats->strokes);
      time = stipple_strip_chart_format_duration (stats->time_in_zone_us);
    }
  if (stats->strokes == 0)
    depth = g_strdup (C_("no mean depth", "—"));
  else
    /* TRANSLATORS: mean depth ± standard deviation, millimetres */
    depth = g_strdup_printf (_("%.2f ± %.2f mm"), stipple_stroke_stats_get_mean_um (stats) / 1000,
                             stipple_stroke_stats_get_sd_um (stats) / 1000);
  out = g_strdup_printf ("%" G_GUINT64_FORMAT, stats->out_of_tolerance);
  /* TRANSLATORS: strokes per second */
  rate = g_strdup_printf (_("%.0f/s"), stipple_chart_trace_get_rate_mhz (trace) / 1000.0);

  set_figure (self, FIGURE_STROKES, strokes);
  set_figure (self, FIGURE_TIME, time);
  set_figure (self, FIGURE_DEPTH, depth);
  set_figure (self, FIGURE_OUT_OF_TOLERANCE, out);
  set_figure (self, FIGURE_RATE, rate);

  if (stats->out_of_tolerance > 0)
    gtk_widget_add_css_class (self->figures[FIGURE_OUT_OF_TOLERANCE], "warning");
  else
    gtk_widget_remove_css_class (self->figures[FIGURE_OUT_OF_TOLERANCE], "warning");

  self->figures_updated_us = g_get_monotonic_time ();
}

static void
update_behind_label (StippleStripChart *self)
{
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->behind_label, self->not_drawn > 0 && self->replay == NULL);
  if (self->not_drawn == 0)
    return;

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Graph fell behind: %" PRIu64 " sample not drawn",
                                       "Graph fell behind: %" PRIu64 " samples not drawn",
                                       self->not_drawn),
                          self->not_drawn);
  gtk_label_set_text (GTK_LABEL (self->behind_label), text);
}

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
      update_behind_label (self);
    }

  if (g_get_monotonic_time () - self->figures_updated_us >= FIGURES_INTERVAL_US && self->replay == NULL)
    stipple_strip_chart_update_figures (self);
}

static gboolean
drawing_live (StippleStripChart *self)
{
  return self->ring != NULL && self->replay == NULL && !self->paused;
}

static void
prepare_cb (StippleChartCanvas *canvas,
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

static void
advance_replay (StippleStripChart *self,
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
  advance_replay (self, gdk_frame_clock_get_frame_time (frame_clock));

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

static void
update_sources (StippleStripChart *self)
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

static void
stipple_strip_chart_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (stipple_strip_chart_parent_class)->map (widget);
  update_sources (STIPPLE_STRIP_CHART (widget));
}

static void
stipple_strip_chart_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (stipple_strip_chart_parent_class)->unmap (widget);
  update_sources (STIPPLE_STRIP_CHART (widget));
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
  update_behind_label (self);

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

  update_sources (self);
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

static void
levels_changed (StippleStripChart *self)
{
  stipple_chart_trace_set_target (self->live, self->commanded_um, self->tolerance_um);
  if (self->replay != NULL)
    stipple_chart_trace_set_target (self->replay, self->commanded_um, self->tolerance_um);
  stipple_chart_canvas_set_levels (STIPPLE_CHART_CANVAS (self->canvas),
                                   self->commanded_um, self->limit_um, self->tolerance_um);
  stipple_strip_chart_update_figures (self);
}

/**
 * stipple_strip_chart_set_commanded_depth:
 * @self: a strip chart
 * @depth_um: the depth the pen is set to, micrometres (0: none)
 *
 * Drawn as a dashed line; strokes are checked against it from now on.
 */
void
stipple_strip_chart_set_commanded_depth (StippleStripChart *self,
                                         guint              depth_um)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));
  g_return_if_fail (depth_um <= G_MAXINT32);

  if (self->commanded_um == depth_um)
    return;

  self->commanded_um = depth_um;
  levels_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMMANDED_DEPTH]);
}

/**
 * stipple_strip_chart_get_commanded_depth:
 * @self: a strip chart
 *
 * Returns: the commanded depth, micrometres
 */
guint
stipple_strip_chart_get_commanded_depth (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), 0);

  return self->commanded_um;
}

/**
 * stipple_strip_chart_set_depth_limit:
 * @self: a strip chart
 * @limit_um: the zone's depth limit, micrometres (0: none)
 *
 * Drawn as a dotted line.
 */
void
stipple_strip_chart_set_depth_limit (StippleStripChart *self,
                                     guint              limit_um)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));
  g_return_if_fail (limit_um <= G_MAXINT32);

  if (self->limit_um == limit_um)
    return;

  self->limit_um = limit_um;
  levels_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPTH_LIMIT]);
}

/**
 * stipple_strip_chart_get_depth_limit:
 * @self: a strip chart
 *
 * Returns: the zone's depth limit, micrometres
 */
guint
stipple_strip_chart_get_depth_limit (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), 0);

  return self->limit_um;
}

/**
 * stipple_strip_chart_set_tolerance:
 * @self: a strip chart
 * @tolerance_um: how far from the commanded depth a stroke may end and
 *   still be in tolerance, micrometres
 */
void
stipple_strip_chart_set_tolerance (StippleStripChart *self,
                                   guint              tolerance_um)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));
  g_return_if_fail (tolerance_um <= G_MAXINT32);

  if (self->tolerance_um == tolerance_um)
    return;

  self->tolerance_um = tolerance_um;
  levels_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOLERANCE]);
}

/**
 * stipple_strip_chart_get_tolerance:
 * @self: a strip chart
 *
 * Returns: the depth tolerance, micrometres
 */
guint
stipple_strip_chart_get_tolerance (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), 0);

  return self->tolerance_um;
}

/**
 * stipple_strip_chart_reset_zone:
 * @self: a strip chart
 *
 * Starts the figures of a new zone. The graphs go on.
 */
void
stipple_strip_chart_reset_zone (StippleStripChart *self)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));

  stipple_chart_trace_reset_stats (self->live);
  stipple_strip_chart_update_figures (self);
}

static void
update_window_label (StippleStripChart *self)
{
  g_autofree char *text = NULL;
  g_autofree char *description = NULL;

  /* TRANSLATORS: the time across the graphs, seconds */
  text = g_strdup_printf (_("%g s"), self->window_s);
  gtk_label_set_text (GTK_LABEL (self->window_label), text);

  description = g_strdup_printf (_("Needle position, depth reached per stroke and stroke rate over %g seconds"),
                                 self->window_s);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

/**
 * stipple_strip_chart_set_window:
 * @self: a strip chart
 * @seconds: the time across the graphs; clamped to
 *   %STIPPLE_STRIP_CHART_MIN_WINDOW … %STIPPLE_STRIP_CHART_MAX_WINDOW
 */
void
stipple_strip_chart_set_window (StippleStripChart *self,
                                double             seconds)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));

  seconds = CLAMP (seconds, STIPPLE_STRIP_CHART_MIN_WINDOW, STIPPLE_STRIP_CHART_MAX_WINDOW);
  if (seconds == self->window_s)
    return;

  self->window_s = seconds;
  stipple_chart_canvas_set_window (STIPPLE_CHART_CANVAS (self->canvas),
                                   (guint64) (seconds * G_USEC_PER_SEC + 0.5));
  update_window_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW]);
}

/**
 * stipple_strip_chart_get_window:
 * @self: a strip chart
 *
 * Returns: the time across the graphs, seconds
 */
double
stipple_strip_chart_get_window (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), 0);

  return self->window_s;
}

static void
zoom (StippleStripChart *self,
      int                direction)
{
  guint i;

  /* The next step out (direction > 0) or in from the current window. */
  if (direction > 0)
    {
      for (i = 0; i < G_N_ELEMENTS (zoom_steps) - 1 && zoom_steps[i] <= self->window_s; i++)
        ;
    }
  else
    {
      for (i = G_N_ELEMENTS (zoom_steps) - 1; i > 0 && zoom_steps[i] >= self->window_s; i--)
        ;
    }
  stipple_strip_chart_set_window (self, zoom_steps[i]);
}

static void
update_pause_button (StippleStripChart *self)
{
  const char *label;

  if (self->replay != NULL)
    label = self->paused ? _("Play Replay") : _("Pause Replay");
  else
    label = self->paused ? _("Resume Graphs") : _("Pause Graphs");

  gtk_button_set_icon_name (GTK_BUTTON (self->pause_button),
                            self->paused ? "media-playback-start-symbolic"
                                         : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (self->pause_button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

/**
 * stipple_strip_chart_set_paused:
 * @self: a strip chart
 * @paused: whether the graphs stand still
 *
 * Live, paused graphs stay as they are while the figures go on counting;
 * resuming jumps to the newest samples. In a replay, this stops and
 * starts playback.
 */
void
stipple_strip_chart_set_paused (StippleStripChart *self,
                                gboolean           paused)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));

  paused = !!paused;
  if (self->paused == paused)
    return;

  self->paused = paused;
  if (self->replay == NULL)
    stipple_chart_trace_set_frozen (self->live, paused);
  else if (!paused && stipple_chart_trace_get_position (self->replay)
                      >= stipple_chart_trace_get_duration (self->replay))
    /* Playing from the end starts over. */
    stipple_strip_chart_set_replay_position (self, 0);
  self->replay_last_frame_us = 0;

  update_pause_button (self);
  update_sources (self);
  gtk_widget_queue_draw (self->canvas);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

/**
 * stipple_strip_chart_get_paused:
 * @self: a strip chart
 *
 * Returns: whether the graphs are paused
 */
gboolean
stipple_strip_chart_get_paused (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), FALSE);

  return self->paused;
}

static void
sync_scrubber (StippleStripChart *self)
{
  g_signal_handler_block (self->scrubber, self->scrubber_handler);
  gtk_range_set_value (GTK_RANGE (self->scrubber),
                       stipple_chart_trace_get_position (self->replay) / (double) G_USEC_PER_SEC);
  g_signal_handler_unblock (self->scrubber, self->scrubber_handler);
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
  update_behind_label (self);

  self->paused = TRUE;
  stipple_chart_trace_seek (replay, MIN (duration, (guint64) (self->window_s * G_USEC_PER_SEC)));
  sync_scrubber (self);
  update_pause_button (self);
  update_sources (self);
  stipple_strip_chart_update_figures (self);
  gtk_widget_queue_draw (self->canvas);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLAYING]);

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
  update_behind_label (self);
  update_pause_button (self);
  update_sources (self);
  stipple_strip_chart_update_figures (self);
  gtk_widget_queue_draw (self->canvas);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLAYING]);
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

static void
scrubber_value_changed_cb (GtkRange          *range,
                           StippleStripChart *self)
{
  if (self->replay == NULL)
    return;

  stipple_chart_trace_seek (self->replay, (guint64) (gtk_range_get_value (range) * G_USEC_PER_SEC));
  stipple_strip_chart_update_figures (self);
  gtk_widget_queue_draw (self->canvas);
}

static void
pause_clicked_cb (GtkButton         *button,
                  StippleStripChart *self)
{
  stipple_strip_chart_set_paused (self, !self->paused);
}

static void
zoom_in_clicked_cb (GtkButton         *button,
                    StippleStripChart *self)
{
  zoom (self, -1);
}

static void
zoom_out_clicked_cb (GtkButton         *button,
                     StippleStripChart *self)
{
  zoom (self, 1);
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           StippleStripChart        *self)
{
  if (dy == 0)
    return FALSE;

  zoom (self, dy > 0 ? 1 : -1);
  return TRUE;
}

static GtkWidget *
icon_button (const char *icon_name,
             const char *label,
             GCallback   callback,
             gpointer    data)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  g_signal_connect (button, "clicked", callback, data);

  return button;
}

static GtkWidget *
build_figures (StippleStripChart *self)
{
  static const char *captions[N_FIGURES] = {
    N_("Strokes"),
    N_("Time in zone"),
    N_("Mean depth"),
    N_("Out of tolerance"),
    N_("Stroke rate"),
  };
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_valign (grid, GTK_ALIGN_START);
  gtk_widget_set_margin_top (grid, 24);

  self->figures_title = gtk_label_new (_("This Zone"));
  gtk_widget_add_css_class (self->figures_title, "heading");
  gtk_label_set_xalign (GTK_LABEL (self->figures_title), 0);
  gtk_grid_attach (GTK_GRID (grid), self->figures_title, 0, 0, 2, 1);

  for (guint i = 0; i < N_FIGURES; i++)
    {
      GtkWidget *caption = gtk_label_new (_(captions[i]));
      GtkWidget *value = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (caption), 0);
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_label_set_width_chars (GTK_LABEL (value), 14);
      gtk_label_set_selectable (GTK_LABEL (value), FALSE);
      gtk_widget_add_css_class (value, "numeric");
      /* A screen reader says which figure a number is. */
      gtk_accessible_update_relation (GTK_ACCESSIBLE (value),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, caption, NULL,
                                      -1);
      gtk_grid_attach (GTK_GRID (grid), caption, 0, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value, 1, i + 1, 1, 1);
      self->figures[i] = value;
    }

  return grid;
}

static void
stipple_strip_chart_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  StippleStripChart *self = STIPPLE_STRIP_CHART (object);

  switch (prop_id)
    {
    case PROP_COMMANDED_DEPTH:
      g_value_set_uint (value, self->commanded_um);
      break;

    case PROP_DEPTH_LIMIT:
      g_value_set_uint (value, self->limit_um);
      break;

    case PROP_TOLERANCE:
      g_value_set_uint (value, self->tolerance_um);
      break;

    case PROP_WINDOW:
      g_value_set_double (value, self->window_s);
      break;

    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;

    case PROP_REPLAYING:
      g_value_set_boolean (value, self->replay != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_strip_chart_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  StippleStripChart *self = STIPPLE_STRIP_CHART (object);

  switch (prop_id)
    {
    case PROP_COMMANDED_DEPTH:
      stipple_strip_chart_set_commanded_depth (self, g_value_get_uint (value));
      break;

    case PROP_DEPTH_LIMIT:
      stipple_strip_chart_set_depth_limit (self, g_value_get_uint (value));
      break;

    case PROP_TOLERANCE:
      stipple_strip_chart_set_tolerance (self, g_value_get_uint (value));
      break;

    case PROP_WINDOW:
      stipple_strip_chart_set_window (self, g_value_get_double (value));
      break;

    case PROP_PAUSED:
      stipple_strip_chart_set_paused (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_strip_chart_dispose (GObject *object)
{
  StippleStripChart *self = STIPPLE_STRIP_CHART (object);

  g_clear_handle_id (&self->drain_id, g_source_remove);
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  self->ring = NULL;
  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (stipple_strip_chart_parent_class)->dispose (object);
}

static void
stipple_strip_chart_finalize (GObject *object)
{
  StippleStripChart *self = STIPPLE_STRIP_CHART (object);

  stipple_chart_trace_free (self->replay);
  stipple_chart_trace_free (self->live);

  G_OBJECT_CLASS (stipple_strip_chart_parent_class)->finalize (object);
}

static void
stipple_strip_chart_class_init (StippleStripChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_strip_chart_dispose;
  object_class->finalize = stipple_strip_chart_finalize;
  object_class->get_property = stipple_strip_chart_get_property;
  object_class->set_property = stipple_strip_chart_set_property;

  widget_class->map = stipple_strip_chart_map;
  widget_class->unmap = stipple_strip_chart_unmap;

  /**
   * StippleStripChart:commanded-depth:
   *
   * The depth the pen is set to, micrometres; 0 for none.
   */
  properties[PROP_COMMANDED_DEPTH] =
    g_param_spec_uint ("commanded-depth", NULL, NULL, 0, G_MAXINT32, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StippleStripChart:depth-limit:
   *
   * The zone's depth limit, micrometres; 0 for none.
   */
  properties[PROP_DEPTH_LIMIT] =
    g_param_spec_uint ("depth-limit", NULL, NULL, 0, G_MAXINT32, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StippleStripChart:tolerance:
   *
   * How far from the commanded depth a stroke may end and still be in
   * tolerance, micrometres.
   */
  properties[PROP_TOLERANCE] =
    g_param_spec_uint ("tolerance", NULL, NULL, 0, G_MAXINT32, 100,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StippleStripChart:window:
   *
   * The time across the graphs, seconds.
   */
  properties[PROP_WINDOW] =
    g_param_spec_double ("window", NULL, NULL,
                         STIPPLE_STRIP_CHART_MIN_WINDOW, STIPPLE_STRIP_CHART_MAX_WINDOW, 10,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StippleStripChart:paused:
   *
   * Whether the graphs stand still (live) or playback is stopped (replay).
   */
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StippleStripChart:replaying:
   *
   * Whether a past session is on screen.
   */
  properties[PROP_REPLAYING] =
    g_param_spec_boolean ("replaying", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "strip-chart");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
stipple_strip_chart_init (StippleStripChart *self)
{
  GtkWidget *toolbar, *content, *spacer;
  GtkEventController *scroll;

  self->tolerance_um = 100;
  self->window_s = 10;
  self->live = stipple_chart_trace_new_live (HISTORY_SAMPLES);
  stipple_chart_trace_set_target (self->live, 0, self->tolerance_um);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Needle Graphs"),
                                  -1);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_box_append (GTK_BOX (self->box), toolbar);

  self->pause_button = icon_button ("media-playback-pause-symbolic", _("Pause Graphs"),
                                    G_CALLBACK (pause_clicked_cb), self);
  gtk_box_append (GTK_BOX (toolbar), self->pause_button);
  gtk_box_append (GTK_BOX (toolbar),
                  icon_button ("zoom-out-symbolic", _("Show More Time"),
                               G_CALLBACK (zoom_out_clicked_cb), self));
  self->window_label = gtk_label_new (NULL);
  gtk_label_set_width_chars (GTK_LABEL (self->window_label), 6);
  gtk_widget_add_css_class (self->window_label, "numeric");
  gtk_box_append (GTK_BOX (toolbar), self->window_label);
  gtk_box_append (GTK_BOX (toolbar),
                  icon_button ("zoom-in-symbolic", _("Show Less Time"),
                               G_CALLBACK (zoom_in_clicked_cb), self));
  spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (toolbar), spacer);
  self->behind_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->behind_label, "warning");
  gtk_widget_set_visible (self->behind_label, FALSE);
  gtk_box_append (GTK_BOX (toolbar), self->behind_label);

  content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  gtk_widget_set_vexpand (content, TRUE);
  gtk_box_append (GTK_BOX (self->box), content);

  self->canvas = stipple_chart_canvas_new ();
  stipple_chart_canvas_set_prepare_func (STIPPLE_CHART_CANVAS (self->canvas), prepare_cb, self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Needle Graphs"),
                                  -1);
  stipple_chart_canvas_set_trace (STIPPLE_CHART_CANVAS (self->canvas), self->live);
  gtk_box_append (GTK_BOX (content), self->canvas);
  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL
                                            | GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (self->canvas, scroll);

  gtk_box_append (GTK_BOX (content), build_figures (self));

  self->scrubber = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 0.1);
  gtk_scale_set_draw_value (GTK_SCALE (self->scrubber), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->scrubber),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Replay Position"),
                                  -1);
  gtk_widget_set_visible (self->scrubber, FALSE);
  self->scrubber_handler = g_signal_connect (self->scrubber, "value-changed",
                                             G_CALLBACK (scrubber_value_changed_cb), self);
  gtk_box_append (GTK_BOX (self->box), self->scrubber);

  stipple_chart_canvas_set_levels (STIPPLE_CHART_CANVAS (self->canvas), 0, 0, self->tolerance_um);
  stipple_chart_canvas_set_window (STIPPLE_CHART_CANVAS (self->canvas), 10 * G_USEC_PER_SEC);
  update_window_label (self);
  update_pause_button (self);
  stipple_strip_chart_update_figures (self);
}
