/* stipple-chart-canvas-private.h: what the chart canvas's files share
 *
 * The instance struct, the layout's margins and the functions one file
 * of StippleChartCanvas calls in another: the object, its layout and its
 * frames (stipple-chart-canvas.c), the background drawn once — axes,
 * grid, labels, legend and level lines (stipple-chart-canvas-axes.c) —
 * and the columns rasterised into tiles (stipple-chart-canvas-columns.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <math.h>

#include "stipple-chart-canvas.h"

G_BEGIN_DECLS

#define MARGIN_LEFT    64
#define MARGIN_RIGHT   14
#define MARGIN_TOP     26
#define MARGIN_BOTTOM  24
#define STRIP_GAP      26
/* Columns of one tile: a few tiles across the graph, and a small copy
 * when the newest one changes. */
#define TILE_COLUMNS   256

typedef struct
{
  /* Which tile this slot holds (columns [index × TILE_COLUMNS, …)), or
   * G_MININT64 for none. */
  gint64           index;
  cairo_surface_t *surface;
} Tile;

/* The rasterised columns of one strip. */
typedef struct
{
  Tile                   *tiles;
  guint                   n_tiles;
  /* The values each column was last drawn with, a ring by absolute
   * column; a slot holding another column means "drawn as empty". */
  StippleDecimatorColumn *drawn;
  guint                   n_drawn;
  /* How far one column's drawing reaches, device pixels: marks wider
   * than a column reach `spill` either side, a connected waveform one
   * column to the right. */
  int                     spill;
  int                     connect;
} Layer;

struct _StippleChartCanvas
{
  GtkWidget          parent_instance;

  /* Borrowed: what to draw, owned by the strip chart, and the function
   * that feeds it as a frame starts. */
  StippleChartTrace *trace;
  StippleChartCanvasPrepareFunc prepare;
  gpointer           prepare_data;

  /* State */
  gint32             commanded_um;
  gint32             limit_um;
  gint32             tolerance_um;
  guint64            window_us;

  /* Layout, in logical pixels; values at the top and bottom of each strip. */
  int                width;
  int                height;
  int                scale;
  graphene_rect_t    strips[STIPPLE_CHART_N_STRIPS];
  double             value_top[STIPPLE_CHART_N_STRIPS];
  double             value_bottom[STIPPLE_CHART_N_STRIPS];
  guint              n_columns;

  /* Colours from the theme and the palette chosen for it. */
  GdkRGBA            fg;
  GdkRGBA            waveform;
  GdkRGBA            commanded;
  GdkRGBA            limit;

  /* Owned: the background and overlay nodes, and the tiles. */
  GskRenderNode     *background;
  /* The level lines that go over the waveform. */
  GskRenderNode     *overlay;
  gboolean           background_dirty;

  Layer              layers[STIPPLE_CHART_N_STRIPS];
  gboolean           layers_dirty;
  gint64             layers_first;
  gint64             draw_count;
  gint64             columns_redrawn;
};

typedef enum
{
  ALIGN_LEFT,
  ALIGN_CENTER,
  ALIGN_RIGHT,
} Align;

/* @v, logical pixels, on the nearest device pixel. */
static inline double
stipple_chart_canvas_snap (StippleChartCanvas *self,
                           double              v)
{
  return round (v * self->scale) / self->scale;
}

/* stipple-chart-canvas-axes.c */
void           stipple_chart_canvas_set_source         (cairo_t            *cr,
                                                        const GdkRGBA      *colour,
                                                        double              alpha);
void           stipple_chart_canvas_append_surface     (GtkSnapshot        *snapshot,
                                                        cairo_surface_t    *surface,
                                                        double              x,
                                                        double              y,
                                                        double              width,
                                                        double              height);
int            stipple_chart_canvas_draw_text          (StippleChartCanvas *self,
                                                        GtkSnapshot        *snapshot,
                                                        const GdkRGBA      *colour,
                                                        double              alpha,
                                                        const char         *text,
                                                        double              x,
                                                        double              y,
                                                        Align               align);
GskRenderNode *stipple_chart_canvas_render_background  (StippleChartCanvas *self);
GskRenderNode *stipple_chart_canvas_render_overlay     (StippleChartCanvas *self);

/* stipple-chart-canvas-columns.c */
void           stipple_chart_canvas_layer_clear        (Layer              *layer);
void           stipple_chart_canvas_layers_reset       (StippleChartCanvas *self);
void           stipple_chart_canvas_layer_update       (StippleChartCanvas *self,
                                                        StippleChartStrip   strip,
                                                        gint64              first,
                                                        gint64              last);
void           stipple_chart_canvas_append_layer       (StippleChartCanvas *self,
                                                        GtkSnapshot        *snapshot,
                                                        StippleChartStrip   strip,
                                                        gint64              first,
                                                        gint64              last);

G_END_DECLS
