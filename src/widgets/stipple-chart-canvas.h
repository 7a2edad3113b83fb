/* stipple-chart-canvas.h: the drawn part of the needle graphs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "stipple-chart-trace.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_CHART_CANVAS (stipple_chart_canvas_get_type ())

G_DECLARE_FINAL_TYPE (StippleChartCanvas, stipple_chart_canvas, STIPPLE, CHART_CANVAS, GtkWidget)

/* Called as the canvas starts drawing a frame. */
typedef void (*StippleChartCanvasPrepareFunc) (StippleChartCanvas *canvas,
                                               gpointer            user_data);

GtkWidget *stipple_chart_canvas_new            (void);
void       stipple_chart_canvas_set_prepare_func (StippleChartCanvas            *self,
                                                  StippleChartCanvasPrepareFunc  func,
                                                  gpointer                       user_data);
void       stipple_chart_canvas_set_trace      (StippleChartCanvas *self,
                                                StippleChartTrace  *trace);
void       stipple_chart_canvas_set_levels     (StippleChartCanvas *self,
                                                gint32              commanded_um,
                                                gint32              limit_um,
                                                gint32              tolerance_um);
void       stipple_chart_canvas_set_window     (StippleChartCanvas *self,
                                                guint64             window_us);
void       stipple_chart_canvas_update_geometry (StippleChartCanvas *self);
gboolean   stipple_chart_canvas_get_strip_area (StippleChartCanvas *self,
                                                StippleChartStrip   strip,
                                                graphene_rect_t    *area);
double     stipple_chart_canvas_value_to_y     (StippleChartCanvas *self,
                                                StippleChartStrip   strip,
                                                gint32              value);
double     stipple_chart_canvas_column_to_x    (StippleChartCanvas *self,
                                                gint64              column);
gint64     stipple_chart_canvas_get_draw_count (StippleChartCanvas *self);
gint64     stipple_chart_canvas_get_columns_redrawn (StippleChartCanvas *self);

G_END_DECLS
