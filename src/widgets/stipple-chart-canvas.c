/* stipple-chart-canvas.c
 *
 * StippleChartCanvas, the drawn part of the needle graphs: three strips
 * stacked over one time axis: needle position, depth reached by each
 * stroke, stroke rate. This file holds the object, its state (trace,
 * levels, window), the layout of the strips, the theme's colours and the
 * frame: the background and level lines drawn once into render nodes
 * (stipple-chart-canvas-axes.c), under and over the columns rasterised
 * into tiles (stipple-chart-canvas-columns.c).
 *
 * Depth grows downwards, as the needle goes into the skin.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-chart-canvas-private.h"

/* Top of the position strip: the needle fully drawn into the cartridge. */
#define RETRACTED_UM   (-500)
#define MAX_RATE_MHZ   200000

G_DEFINE_FINAL_TYPE (StippleChartCanvas, stipple_chart_canvas, GTK_TYPE_WIDGET)

/* Okabe–Ito colours, told apart with deuteranopia and protanopia; every
 * line also has its own dash pattern (stipple-chart-canvas-axes.c) so
 * colour is never the only cue. */
static const GdkRGBA light_waveform = { 0x00 / 255., 0x72 / 255., 0xb2 / 255., 1 };
static const GdkRGBA dark_waveform = { 0x56 / 255., 0xb4 / 255., 0xe9 / 255., 1 };
static const GdkRGBA commanded_colour = { 0x00 / 255., 0x9e / 255., 0x73 / 255., 1 };
static const GdkRGBA limit_colour = { 0xd5 / 255., 0x5e / 255., 0x00 / 255., 1 };

/**
 * stipple_chart_canvas_new:
 *
 * Returns: (transfer full): a new canvas, showing nothing until a trace
 *   is set
 */
GtkWidget *
stipple_chart_canvas_new (void)
{
  return g_object_new (STIPPLE_TYPE_CHART_CANVAS, NULL);
}

static void
update_ranges (StippleChartCanvas *self)
{
  double deepest = MAX (MAX (self->limit_um, self->commanded_um), 1000);
  double depth_scale = ceil (deepest * 1.15 / 500) * 500;
  double half;

  self->value_top[STIPPLE_CHART_STRIP_POSITION] = RETRACTED_UM;
  self->value_bottom[STIPPLE_CHART_STRIP_POSITION] = depth_scale;

  /* Close around the commanded depth, so the spread shows, but wide
   * enough to show the limit too; without a commanded depth, everything
   * from the skin down. */
  if (self->commanded_um > 0)
    {
      half = MAX (MAX (3.0 * self->tolerance_um,
                       ABS (self->limit_um - self->commanded_um) + self->tolerance_um / 2.0),
                  150);
      self->value_top[STIPPLE_CHART_STRIP_DEPTH] = self->commanded_um - half;
      self->value_bottom[STIPPLE_CHART_STRIP_DEPTH] = self->commanded_um + half;
    }
  else
    {
      self->value_top[STIPPLE_CHART_STRIP_DEPTH] = 0;
      self->value_bottom[STIPPLE_CHART_STRIP_DEPTH] = depth_scale;
    }

  self->value_top[STIPPLE_CHART_STRIP_RATE] = MAX_RATE_MHZ;
  self->value_bottom[STIPPLE_CHART_STRIP_RATE] = 0;
}

static gboolean
update_layout (StippleChartCanvas *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  double plot_width, available, y;
  static const double shares[STIPPLE_CHART_N_STRIPS] = { 0.5, 0.27, 0.23 };

  if (width == self->width && height == self->height && scale == self->scale)
    return FALSE;

  self->width = width;
  self->height = height;
  self->scale = scale;

  plot_width = MAX (width - MARGIN_LEFT - MARGIN_RIGHT, 1);
  available = MAX (height - MARGIN_TOP - MARGIN_BOTTOM - 2 * STRIP_GAP, 3);
  y = MARGIN_TOP;
  for (guint i = 0; i < STIPPLE_CHART_N_STRIPS; i++)
    {
      double h = floor (available * shares[i]);

      graphene_rect_init (&self->strips[i], MARGIN_LEFT, y, plot_width, h);
      y += h + STRIP_GAP;
    }

  self->n_columns = (guint) plot_width * (guint) scale;
  self->background_dirty = TRUE;

  return TRUE;
}

/**
 * stipple_chart_canvas_value_to_y:
 * @self: a canvas
 * @strip: which strip
 * @value: a value of @strip (micrometres, or millihertz for the rate)
 *
 * Values beyond the strip are drawn at its edge.
 *
 * Returns: the vertical position of @value, logical pixels from the top
 */
double
stipple_chart_canvas_value_to_y (StippleChartCanvas *self,
                                 StippleChartStrip   strip,
                                 gint32              value)
{
  const graphene_rect_t *area;
  double f;

  g_return_val_if_fail (STIPPLE_IS_CHART_CANVAS (self), 0);
  g_return_val_if_fail (strip < STIPPLE_CHART_N_STRIPS, 0);

  area = &self->strips[strip];
  f = (value - self->value_top[strip]) / (self->value_bottom[strip] - self->value_top[strip]);

  return area->origin.y + CLAMP (f, 0.0, 1.0) * area->size.height;
}

static gint64
first_column (StippleChartCanvas *self)
{
  return stipple_chart_trace_get_end_column (self->trace) - (gint64) self->n_columns + 1;
}

/**
 * stipple_chart_canvas_column_to_x:
 * @self: a canvas showing a trace
 * @column: an absolute decimator column
 *
 * Returns: the left edge of @column, logical pixels from the left
 */
double
stipple_chart_canvas_column_to_x (StippleChartCanvas *self,
                                  gint64              column)
{
  g_return_val_if_fail (STIPPLE_IS_CHART_CANVAS (self), 0);
  g_return_val_if_fail (self->trace != NULL, 0);

  return MARGIN_LEFT + (double) (column - first_column (self)) / self->scale;
}

/**
 * stipple_chart_canvas_get_strip_area:
 * @self: a canvas
 * @strip: which strip
 * @area: (out): where @strip is drawn, logical pixels
 *
 * Returns: %FALSE if the canvas has not been laid out yet
 */
gboolean
stipple_chart_canvas_get_strip_area (StippleChartCanvas *self,
                                     StippleChartStrip   strip,
                                     graphene_rect_t    *area)
{
  g_return_val_if_fail (STIPPLE_IS_CHART_CANVAS (self), FALSE);
  g_return_val_if_fail (strip < STIPPLE_CHART_N_STRIPS, FALSE);

  *area = self->strips[strip];
  return self->width > 0;
}

/**
 * stipple_chart_canvas_get_draw_count:
 * @self: a canvas
 *
 * Returns: how many frames the canvas has drawn
 */
gint64
stipple_chart_canvas_get_draw_count (StippleChartCanvas *self)
{
  g_return_val_if_fail (STIPPLE_IS_CHART_CANVAS (self), 0);

  return self->draw_count;
}

/**
 * stipple_chart_canvas_get_columns_redrawn:
 * @self: a canvas
 *
 * Returns: how many device pixel columns of the strips the canvas has
 *   rasterised, all strips and frames together
 */
gint64
stipple_chart_canvas_get_columns_redrawn (StippleChartCanvas *self)
{
  g_return_val_if_fail (STIPPLE_IS_CHART_CANVAS (self), 0);

  return self->columns_redrawn;
}

/**
 * stipple_chart_canvas_set_prepare_func:
 * @self: a canvas
 * @func: (nullable): called as each frame starts drawing
 * @user_data: for @func
 *
 * The strip chart takes the samples waiting in its ring here, so that a
 * frame draws every sample that arrived before it was drawn, not only
 * those there at the start of the frame.
 */
void
stipple_chart_canvas_set_prepare_func (StippleChartCanvas            *self,
                                       StippleChartCanvasPrepareFunc  func,
                                       gpointer                       user_data)
{
  g_return_if_fail (STIPPLE_IS_CHART_CANVAS (self));

  self->prepare = func;
  self->prepare_data = user_data;
}

static void
update_colours (StippleChartCanvas *self)
{
  GdkRGBA fg;
  gboolean dark;

  /* Deprecated from GTK 4.10 for gtk_widget_get_color(), which 4.8 lacks. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  if (gdk_rgba_equal (&fg, &self->fg))
    return;

  /* Light text means a dark theme. */
  dark = 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
  self->fg = fg;
  self->waveform = dark ? dark_waveform : light_waveform;
  self->commanded = commanded_colour;
  self->limit = limit_colour;
  self->background_dirty = TRUE;
}

/**
 * stipple_chart_canvas_update_geometry:
 * @self: a canvas
 *
 * Gives the trace the canvas's width in device pixels and its window.
 */
void
stipple_chart_canvas_update_geometry (StippleChartCanvas *self)
{
  g_return_if_fail (STIPPLE_IS_CHART_CANVAS (self));

  update_layout (self);
  if (self->trace != NULL && self->n_columns > 0)
    stipple_chart_trace_set_geometry (self->trace, self->n_columns, self->window_us);
}

static void
stipple_chart_canvas_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  StippleChartCanvas *self = STIPPLE_CHART_CANVAS (widget);
  gboolean have_samples;

  if (gtk_widget_get_width (widget) <= 0 || gtk_widget_get_height (widget) <= 0)
    return;

  /* As late as possible, so the frame shows every sample there is. */
  if (self->prepare != NULL)
    self->prepare (self, self->prepare_data);

  stipple_chart_canvas_update_geometry (self);
  update_colours (self);
  if (self->background == NULL || self->background_dirty)
    {
      g_clear_pointer (&self->background, gsk_render_node_unref);
      g_clear_pointer (&self->overlay, gsk_render_node_unref);
      self->background = stipple_chart_canvas_render_background (self);
      self->overlay = stipple_chart_canvas_render_overlay (self);
      self->background_dirty = FALSE;
      /* A new size, scale, window, theme or levels: new columns. */
      self->layers_dirty = TRUE;
    }

  /* A snapshot with nothing drawn in it ends as no node at all. */
  if (self->background != NULL)
    gtk_snapshot_append_node (snapshot, self->background);
  have_samples = self->trace != NULL && stipple_chart_trace_has_samples (self->trace);
  if (!have_samples)
    {
      const graphene_rect_t *area = &self->strips[STIPPLE_CHART_STRIP_POSITION];

      stipple_chart_canvas_draw_text (self, snapshot, &self->fg, 0.6, _("No needle samples yet"),
                                      area->origin.x + area->size.width / 2,
                                      area->origin.y + area->size.height / 2, ALIGN_CENTER);
    }
  else
    {
      gint64 first = first_column (self);
      gint64 last = first + self->n_columns - 1;

      if (self->layers_dirty || first < self->layers_first)
        stipple_chart_canvas_layers_reset (self);
      self->layers_first = first;

      for (guint i = 0; i < STIPPLE_CHART_N_STRIPS; i++)
        {
          stipple_chart_canvas_layer_update (self, i, first, last);
          stipple_chart_canvas_append_layer (self, snapshot, i, first, last);
        }
    }
  if (self->overlay != NULL)
    gtk_snapshot_append_node (snapshot, self->overlay);

  self->draw_count++;
}

static void
stipple_chart_canvas_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  stipple_chart_canvas_update_geometry (STIPPLE_CHART_CANVAS (widget));
}

static void
stipple_chart_canvas_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 320;
      *natural = 720;
    }
  else
    {
      *minimum = 260;
      *natural = 380;
    }
}

/**
 * stipple_chart_canvas_set_trace:
 * @self: a canvas
 * @trace: (nullable) (transfer none): what to draw; must outlive its use
 *   here
 */
void
stipple_chart_canvas_set_trace (StippleChartCanvas *self,
                                StippleChartTrace  *trace)
{
  g_return_if_fail (STIPPLE_IS_CHART_CANVAS (self));

  self->trace = trace;
  self->layers_dirty = TRUE;
  stipple_chart_canvas_update_geometry (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * stipple_chart_canvas_set_levels:
 * @self: a canvas
 * @commanded_um: commanded depth, or 0 for none
 * @limit_um: the zone's depth limit, or 0 for none
 * @tolerance_um: accepted deviation from the commanded depth
 */
void
stipple_chart_canvas_set_levels (StippleChartCanvas *self,
                                 gint32              commanded_um,
                                 gint32              limit_um,
                                 gint32              tolerance_um)
{
  g_return_if_fail (STIPPLE_IS_CHART_CANVAS (self));

  self->commanded_um = commanded_um;
  self->limit_um = limit_um;
  self->tolerance_um = tolerance_um;
  update_ranges (self);
  self->background_dirty = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * stipple_chart_canvas_set_window:
 * @self: a canvas
 * @window_us: the time across the width
 */
void
stipple_chart_canvas_set_window (StippleChartCanvas *self,
                                 guint64             window_us)
{
  g_return_if_fail (STIPPLE_IS_CHART_CANVAS (self));
  g_return_if_fail (window_us > 0);

  self->window_us = window_us;
  self->background_dirty = TRUE;
  stipple_chart_canvas_update_geometry (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
stipple_chart_canvas_dispose (GObject *object)
{
  StippleChartCanvas *self = STIPPLE_CHART_CANVAS (object);

  g_clear_pointer (&self->background, gsk_render_node_unref);
  g_clear_pointer (&self->overlay, gsk_render_node_unref);
  for (guint i = 0; i < STIPPLE_CHART_N_STRIPS; i++)
    stipple_chart_canvas_layer_clear (&self->layers[i]);

  G_OBJECT_CLASS (stipple_chart_canvas_parent_class)->dispose (object);
}

static void
stipple_chart_canvas_class_init (StippleChartCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_chart_canvas_dispose;

  widget_class->snapshot = stipple_chart_canvas_snapshot;
  widget_class->size_allocate = stipple_chart_canvas_size_allocate;
  widget_class->measure = stipple_chart_canvas_measure;

  gtk_widget_class_set_css_name (widget_class, "chart-canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
stipple_chart_canvas_init (StippleChartCanvas *self)
{
  self->window_us = 10 * G_USEC_PER_SEC;
  self->tolerance_um = 100;
  self->layers_first = G_MININT64;
  self->layers_dirty = TRUE;
  update_ranges (self);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}
