/* stipple-strip-chart-private.h: what the strip chart's files share
 *
 * The instance struct and the functions one file of StippleStripChart
 * calls in another: the object and its controls (stipple-strip-chart.c),
 * the live graphs fed from the ring (stipple-strip-chart-live.c), the
 * replay of a stored session (stipple-strip-chart-replay.c) and the
 * labels beside the graphs (stipple-strip-chart-figures.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-chart-canvas.h"
#include "stipple-strip-chart.h"

G_BEGIN_DECLS

/* 2^19 samples: over a minute at 8,000 samples/s, twice the widest window. */
#define HISTORY_SAMPLES (1u << 19)

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

  /* Child widgets, built in stipple_strip_chart_init(); the box is the
   * one child, unparented in dispose, and holds all the others. */
  GtkWidget         *box;
  GtkWidget         *pause_button;
  GtkWidget         *window_label;
  GtkWidget         *behind_label;
  GtkWidget         *canvas;
  GtkWidget         *figures[N_FIGURES];
  GtkWidget         *figures_title;
  GtkWidget         *scrubber;
  gulong             scrubber_handler;

  /* Borrowed: the ring the device's event thread fills; its owner keeps
   * it alive until another ring (or none) is set. */
  StippleSampleRing *ring;

  /* Owned: the traces, and the sources that drain and draw. */
  StippleChartTrace *live;
  StippleChartTrace *replay;
  guint              tick_id;
  guint              drain_id;

  /* State */
  guint64            overflow_at_start;
  guint64            not_drawn;
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
  gint64             figures_updated_us;
};

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

/* stipple-strip-chart.c */
void               stipple_strip_chart_notify                   (StippleStripChart  *self,
                                                                 guint               prop_id);
StippleChartTrace *stipple_strip_chart_shown_trace              (StippleStripChart  *self);
void               stipple_strip_chart_update_pause_button      (StippleStripChart  *self);

/* stipple-strip-chart-live.c */
void               stipple_strip_chart_update_sources           (StippleStripChart  *self);
void               stipple_strip_chart_prepare_cb               (StippleChartCanvas *canvas,
                                                                 gpointer            user_data);

/* stipple-strip-chart-replay.c */
void               stipple_strip_chart_advance_replay           (StippleStripChart  *self,
                                                                 gint64              frame_time_us);
void               stipple_strip_chart_scrubber_value_changed_cb (GtkRange          *range,
                                                                  StippleStripChart *self);

/* stipple-strip-chart-figures.c */
void               stipple_strip_chart_update_behind_label      (StippleStripChart  *self);
GtkWidget         *stipple_strip_chart_build_figures            (StippleStripChart  *self);

G_END_DECLS
