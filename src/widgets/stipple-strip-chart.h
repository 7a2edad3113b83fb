/* stipple-strip-chart.h: live needle graphs and zone figures, and replay
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "stipple-chart-trace.h"
#include "stipple-sample-ring.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_STRIP_CHART (stipple_strip_chart_get_type ())

G_DECLARE_FINAL_TYPE (StippleStripChart, stipple_strip_chart, STIPPLE, STRIP_CHART, GtkWidget)

/* Zoom range of the time axis, seconds. */
#define STIPPLE_STRIP_CHART_MIN_WINDOW 0.1
#define STIPPLE_STRIP_CHART_MAX_WINDOW 30.0

GtkWidget                *stipple_strip_chart_new                  (void);

void                      stipple_strip_chart_set_ring             (StippleStripChart  *self,
                                                                    StippleSampleRing  *ring);
StippleSampleRing        *stipple_strip_chart_get_ring             (StippleStripChart  *self);
guint64                   stipple_strip_chart_drain                (StippleStripChart  *self);
guint64                   stipple_strip_chart_get_samples_not_drawn (StippleStripChart *self);

void                      stipple_strip_chart_set_commanded_depth  (StippleStripChart  *self,
                                                                    guint               depth_um);
guint                     stipple_strip_chart_get_commanded_depth  (StippleStripChart  *self);
void                      stipple_strip_chart_set_depth_limit      (StippleStripChart  *self,
                                                                    guint               limit_um);
guint                     stipple_strip_chart_get_depth_limit      (StippleStripChart  *self);
void                      stipple_strip_chart_set_tolerance        (StippleStripChart  *self,
                                                                    guint               tolerance_um);
guint                     stipple_strip_chart_get_tolerance        (StippleStripChart  *self);
void                      stipple_strip_chart_reset_zone           (StippleStripChart  *self);

void                      stipple_strip_chart_set_window           (StippleStripChart  *self,
                                                                    double              seconds);
double                    stipple_strip_chart_get_window           (StippleStripChart  *self);
void                      stipple_strip_chart_set_paused           (StippleStripChart  *self,
                                                                    gboolean            paused);
gboolean                  stipple_strip_chart_get_paused           (StippleStripChart  *self);

gboolean                  stipple_strip_chart_set_replay           (StippleStripChart  *self,
                                                                    GBytes             *samples,
                                                                    GError            **error);
void                      stipple_strip_chart_stop_replay          (StippleStripChart  *self);
gboolean                  stipple_strip_chart_get_replaying        (StippleStripChart  *self);
void                      stipple_strip_chart_set_replay_position  (StippleStripChart  *self,
                                                                    guint64             position_us);
guint64                   stipple_strip_chart_get_replay_position  (StippleStripChart  *self);
guint64                   stipple_strip_chart_get_replay_duration  (StippleStripChart  *self);

StippleChartTrace        *stipple_strip_chart_get_trace            (StippleStripChart  *self);
GtkWidget                *stipple_strip_chart_get_canvas           (StippleStripChart  *self);
const StippleStrokeStats *stipple_strip_chart_get_stats            (StippleStripChart  *self);
void                      stipple_strip_chart_update_figures       (StippleStripChart  *self);
void                      stipple_strip_chart_set_zone_totals      (StippleStripChart  *self,
                                                                    guint64             strokes,
                                                                    guint64             time_in_zone_us);
char                     *stipple_strip_chart_format_duration      (guint64             us);

G_END_DECLS
