/* stipple-chart-canvas.c
 *
 * Three strips stacked over one time axis: needle position, depth reached
 * by each stroke, stroke rate. Axes, grid, labels and legend change only
 * with the size, the theme or the levels, so they are drawn once into a
 * render node; a frame reuses that node and draws, with cairo, one
 * min/max pair per pixel column.
 *
 * Depth grows downwards, as the needle goes into the skin.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "stipple-chart-canvas.h"

#define MARGIN_LEFT    64
#define MARGIN_RIGHT   14
#define MARGIN_TOP     26
#define MARGIN_BOTTOM  24
#define STRIP_GAP      26
/* Top of the position strip: the needle fully drawn into the cartridge. */
#define RETRACTED_UM   (-500)
#define MAX_RATE_MHZ   200000

struct _StippleChartCanvas
{
  GtkWidget          parent_instance;

  StippleChartTrace *trace;
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

  GskRenderNode     *background;
  gboolean           background_dirty;
  gint64             draw_count;
};

G_DEFINE_FINAL_TYPE (StippleChartCanvas, stipple_chart_canvas, GTK_TYPE_WIDGET)

/* Okabe–Ito colours, told apart with deuteranopia and protanopia; every
 * line also has its own dash pattern so colour is never the only cue. */
static const GdkRGBA light_waveform = { 0x00 / 255., 0x72 / 255., 0xb2 / 255., 1 };
static const GdkRGBA dark_waveform = { 0x56 / 255., 0xb4 / 255., 0xe9 / 255., 1 };
static const GdkRGBA commanded_colour = { 0x00 / 255., 0x9e / 255., 0x73 / 255., 1 };
static const GdkRGBA limit_colour = { 0xd5 / 255., 0x5e / 255., 0x00 / 255., 1 };
static const double commanded_dash[] = { 8, 4 };
static const double limit_dash[] = { 2, 3 };

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

static double
nice_step (double range,
           double max_ticks)
{
  double raw = range / MAX (max_ticks, 1);
  double magnitude = pow (10, floor (log10 (raw)));

  if (raw <= magnitude)
    return magnitude;
  if (raw <= 2 * magnitude)
    return 2 * magnitude;
  if (raw <= 5 * magnitude)
    return 5 * magnitude;
  return 10 * magnitude;
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

static void
set_source (cairo_t       *cr,
            const GdkRGBA *colour,
            double         alpha)
{
  cairo_set_source_rgba (cr, colour->red, colour->green, colour->blue, colour->alpha * alpha);
}

static inline double
snap (StippleChartCanvas *self,
      double              v)
{
  return round (v * self->scale) / self->scale;
}

static void
fill (GtkSnapshot   *snapshot,
      const GdkRGBA *colour,
      double         alpha,
      double         x,
      double         y,
      double         width,
      double         height)
{
  GdkRGBA c = *colour;

  c.alpha *= alpha;
  gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (x, y, width, height));
}

static void
hline (StippleChartCanvas *self,
       GtkSnapshot        *snapshot,
       const GdkRGBA      *colour,
       double              alpha,
       double              x,
       double              y,
       double              width)
{
  fill (snapshot, colour, alpha, x, snap (self, y), width, 1);
}

static PangoLayout *
small_layout (StippleChartCanvas *self,
              const char         *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);

  return layout;
}

typedef enum
{
  ALIGN_LEFT,
  ALIGN_CENTER,
  ALIGN_RIGHT,
} Align;

/* Draws @text with its vertical centre at @y; returns its width. */
static int
draw_text (StippleChartCanvas *self,
           GtkSnapshot        *snapshot,
           const GdkRGBA      *colour,
           double              alpha,
           const char         *text,
           double              x,
           double              y,
           Align               align)
{
  g_autoptr(PangoLayout) layout = small_layout (self, text);
  GdkRGBA c = *colour;
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (align == ALIGN_CENTER)
    x -= w / 2.0;
  else if (align == ALIGN_RIGHT)
    x -= w;
  c.alpha *= alpha;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x), round (y - h / 2.0)));
  gtk_snapshot_append_layout (snapshot, layout, &c);
  gtk_snapshot_restore (snapshot);

  return w;
}

static char *
format_value (StippleChartStrip strip,
              double            value,
              double            step)
{
  if (strip == STIPPLE_CHART_STRIP_RATE)
    /* TRANSLATORS: strokes per second, on the stroke rate axis */
    return g_strdup_printf (_("%.0f/s"), value / 1000);

  /* The skin line reads 0, never "-0.0". */
  if (fabs (value) < step / 2)
    value = 0;

  /* TRANSLATORS: millimetres, on the depth axes */
  return g_strdup_printf (step >= 100 ? _("%.1f mm") : _("%.2f mm"), value / 1000);
}

static void
draw_value_grid (StippleChartCanvas *self,
                 GtkSnapshot        *snapshot,
                 StippleChartStrip   strip)
{
  const graphene_rect_t *area = &self->strips[strip];
  double lo = MIN (self->value_top[strip], self->value_bottom[strip]);
  double hi = MAX (self->value_top[strip], self->value_bottom[strip]);
  double step = nice_step (hi - lo, MAX (area->size.height / 28, 1));

  for (double v = ceil (lo / step) * step; v <= hi + step / 1e6; v += step)
    {
      double y = stipple_chart_canvas_value_to_y (self, strip, (gint32) v);
      g_autofree char *label = format_value (strip, v, step);

      hline (self, snapshot, &self->fg, 0.12, area->origin.x, MIN (y, area->origin.y + area->size.height - 1),
             area->size.width);
      draw_text (self, snapshot, &self->fg, 0.75, label, area->origin.x - 6, y, ALIGN_RIGHT);
    }
}

static void
draw_time_grid (StippleChartCanvas *self,
                GtkSnapshot        *snapshot)
{
  const graphene_rect_t *top = &self->strips[0];
  const graphene_rect_t *bottom = &self->strips[STIPPLE_CHART_N_STRIPS - 1];
  double right = top->origin.x + top->size.width;
  double window_s = self->window_us / 1e6;
  double step = nice_step (window_s, MAX (top->size.width / 80, 1));
  double px_per_s = top->size.width / window_s;
  int decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;

  for (int k = 0; k * step <= window_s + step / 1e6; k++)
    {
      double x = MIN (snap (self, right - k * step * px_per_s), right - 1);
      g_autofree char *label = NULL;

      for (guint i = 0; i < STIPPLE_CHART_N_STRIPS; i++)
        fill (snapshot, &self->fg, 0.12, x, self->strips[i].origin.y, 1, self->strips[i].size.height);

      if (k == 0)
        label = g_strdup (C_("graph time axis", "0 s"));
      else
        /* TRANSLATORS: seconds before the right edge of the graph */
        label = g_strdup_printf (_("−%.*f s"), decimals, k * step);
      draw_text (self, snapshot, &self->fg, 0.75, label,
                 x, bottom->origin.y + bottom->size.height + MARGIN_BOTTOM / 2.0,
                 k == 0 ? ALIGN_RIGHT : ALIGN_CENTER);
    }
}

static void
draw_horizontal (StippleChartCanvas *self,
                 cairo_t            *cr,
                 StippleChartStrip   strip,
                 gint32              value)
{
  const graphene_rect_t *area = &self->strips[strip];
  double lo = MIN (self->value_top[strip], self->value_bottom[strip]);
  double hi = MAX (self->value_top[strip], self->value_bottom[strip]);
  double y;

  if (value < lo || value > hi)
    return;

  y = round (stipple_chart_canvas_value_to_y (self, strip, value));
  cairo_move_to (cr, area->origin.x, y);
  cairo_line_to (cr, area->origin.x + area->size.width, y);
  cairo_stroke (cr);
}

static void
draw_level_lines (StippleChartCanvas *self,
                  cairo_t            *cr,
                  StippleChartStrip   strip)
{
  if (strip == STIPPLE_CHART_STRIP_RATE)
    return;

  cairo_set_line_width (cr, 2);
  if (self->commanded_um > 0)
    {
      set_source (cr, &self->commanded, 1);
      cairo_set_dash (cr, commanded_dash, G_N_ELEMENTS (commanded_dash), 0);
      draw_horizontal (self, cr, strip, self->commanded_um);
    }
  if (self->limit_um > 0)
    {
      set_source (cr, &self->limit, 1);
      cairo_set_dash (cr, limit_dash, G_N_ELEMENTS (limit_dash), 0);
      draw_horizontal (self, cr, strip, self->limit_um);
    }
  cairo_set_dash (cr, NULL, 0, 0);
}

#define SWATCH 18

static int
legend_width (StippleChartCanvas *self,
              const char         *text)
{
  g_autoptr(PangoLayout) layout = small_layout (self, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  return SWATCH + 6 + w + 16;
}

static int
draw_legend_entry (StippleChartCanvas *self,
                   GtkSnapshot        *snapshot,
                   double              x,
                   double              y,
                   const GdkRGBA      *colour,
                   const double       *dash,
                   const char         *text)
{
  if (dash == NULL)
    fill (snapshot, colour, 1, x, y - 5, SWATCH, 10);
  else
    /* The line's own dash pattern, as drawn on the graph. */
    for (double d = 0; d < SWATCH; d += dash[0] + dash[1])
      fill (snapshot, colour, 1, x + d, y - 1, MIN (dash[0], SWATCH - d), 2);

  return SWATCH + 6 + draw_text (self, snapshot, &self->fg, 0.85, text, x + SWATCH + 6, y, ALIGN_LEFT) + 16;
}

static void
draw_legend (StippleChartCanvas *self,
             GtkSnapshot        *snapshot)
{
  g_autofree char *commanded = g_strdup_printf (_("Commanded %.2f mm"), self->commanded_um / 1000.0);
  g_autofree char *limit = g_strdup_printf (_("Zone limit %.2f mm"), self->limit_um / 1000.0);
  double y = MARGIN_TOP / 2.0;
  double x = MARGIN_LEFT + self->strips[0].size.width + 16;

  /* Right-aligned: measure the entries first. */
  x -= legend_width (self, _("Needle"));
  if (self->commanded_um > 0)
    x -= legend_width (self, commanded);
  if (self->limit_um > 0)
    x -= legend_width (self, limit);

  x += draw_legend_entry (self, snapshot, x, y, &self->waveform, NULL, _("Needle"));
  if (self->commanded_um > 0)
    x += draw_legend_entry (self, snapshot, x, y, &self->commanded, commanded_dash, commanded);
  if (self->limit_um > 0)
    draw_legend_entry (self, snapshot, x, y, &self->limit, limit_dash, limit);
}

/* Everything that changes only with the size, the theme, the window or
 * the levels, as one render node reused frame after frame. */
static GskRenderNode *
render_background (StippleChartCanvas *self)
{
  static const char *titles[STIPPLE_CHART_N_STRIPS] = {
    N_("Needle position"),
    N_("Depth reached per stroke"),
    N_("Stroke rate"),
  };
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  for (guint i = 0; i < STIPPLE_CHART_N_STRIPS; i++)
    {
      const graphene_rect_t *area = &self->strips[i];

      fill (snapshot, &self->fg, 0.04, area->origin.x, area->origin.y, area->size.width, area->size.height);
      draw_text (self, snapshot, &self->fg, 0.9, _(titles[i]),
                 area->origin.x, area->origin.y - STRIP_GAP / 2.0, ALIGN_LEFT);
      draw_value_grid (self, snapshot, i);
    }
  draw_time_grid (self, snapshot);

  /* The skin surface, where depth is counted from. */
  {
    const graphene_rect_t *area = &self->strips[STIPPLE_CHART_STRIP_POSITION];
    double y = stipple_chart_canvas_value_to_y (self, STIPPLE_CHART_STRIP_POSITION, 0);

    hline (self, snapshot, &self->fg, 0.5, area->origin.x, y, area->size.width);
    /* In the margin, under the axis label, where the needle never hides it. */
    draw_text (self, snapshot, &self->fg, 0.75, _("skin"), area->origin.x - 6, y + 14, ALIGN_RIGHT);
  }

  /* The tolerance band behind the per-stroke depths. */
  if (self->commanded_um > 0)
    {
      const graphene_rect_t *area = &self->strips[STIPPLE_CHART_STRIP_DEPTH];
      double y0 = stipple_chart_canvas_value_to_y (self, STIPPLE_CHART_STRIP_DEPTH,
                                                   self->commanded_um - self->tolerance_um);
      double y1 = stipple_chart_canvas_value_to_y (self, STIPPLE_CHART_STRIP_DEPTH,
                                                   self->commanded_um + self->tolerance_um);

      fill (snapshot, &self->commanded, 0.15, area->origin.x, y0, area->size.width, y1 - y0);
    }

  draw_legend (self, snapshot);

  return gtk_snapshot_free_to_node (snapshot);
}

/* Columns are whole device pixels wide and high, so that cairo fills
 * them as boxes: far cheaper than an antialiased polygon, and as exact at
 * one column a pixel. */
static void
draw_columns (StippleChartCanvas *self,
              cairo_t            *cr,
              StippleChartStrip   which,
              gint64              first,
              double              min_height,
              double              widen,
              gboolean            connect)
{
  const StippleDecimator *strip = stipple_chart_trace_get_strip (self->trace, which);
  const StippleDecimatorColumn *previous = NULL;
  double px = 1.0 / self->scale;

  for (guint i = 0; i < self->n_columns; i++)
    {
      const StippleDecimatorColumn *c = stipple_decimator_get (strip, first + i);
      gint32 lo, hi;
      double top, bottom;

      if (c == NULL)
        {
          previous = NULL;
          continue;
        }

      lo = c->min;
      hi = c->max;
      /* A continuous signal: reach to the neighbouring column, so that a
       * steep stroke zoomed in is a line, not a row of dashes. */
      if (connect && previous != NULL)
        {
          lo = MIN (lo, previous->max);
          hi = MAX (hi, previous->min);
        }
      previous = c;

      top = stipple_chart_canvas_value_to_y (self, which, lo);
      bottom = stipple_chart_canvas_value_to_y (self, which, hi);
      if (top > bottom)
        {
          double t = top;
          top = bottom;
          bottom = t;
        }
      top = snap (self, top);
      bottom = MAX (snap (self, bottom), top + min_height);
      cairo_rectangle (cr, MARGIN_LEFT + i * px - widen, top, px + 2 * widen, bottom - top);
    }
}

/* One strip: its columns and its level lines. The lines go over the
 * waveform, so the commanded depth shows against it, but under the
 * per-stroke marks, which are what that strip is for. */
static void
draw_strip (StippleChartCanvas *self,
            cairo_t            *cr,
            StippleChartStrip   strip)
{
  if (strip == STIPPLE_CHART_STRIP_DEPTH)
    draw_level_lines (self, cr, strip);

  if (self->trace != NULL && stipple_chart_trace_has_samples (self->trace))
    {
      gint64 first = first_column (self);

      /* Whole pixels: cairo fills boxes, without antialiasing. */
      cairo_save (cr);
      cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
      cairo_rectangle (cr, MARGIN_LEFT, self->strips[strip].origin.y,
                       self->strips[strip].size.width, self->strips[strip].size.height);
      cairo_clip (cr);
      switch (strip)
        {
        case STIPPLE_CHART_STRIP_POSITION:
          /* Each column from its shallowest to its deepest sample, at
           * least a pixel high so that a still needle still shows. */
          draw_columns (self, cr, strip, first, 1.0 / self->scale, 0, TRUE);
          set_source (cr, &self->waveform, 1);
          break;

        case STIPPLE_CHART_STRIP_DEPTH:
          /* Marks three pixels across, so that a single stroke shows. */
          draw_columns (self, cr, strip, first, 3, 1, FALSE);
          set_source (cr, &self->waveform, 1);
          break;

        case STIPPLE_CHART_STRIP_RATE:
        case STIPPLE_CHART_N_STRIPS:
        default:
          /* Rates of neighbouring strokes differ by a sample's worth of
           * jitter: thin, lighter marks keep that from reading as a
           * heavy line. */
          draw_columns (self, cr, strip, first, 2, 0, FALSE);
          set_source (cr, &self->fg, 0.75);
          break;
        }
      cairo_fill (cr);
      cairo_restore (cr);
    }

  if (strip != STIPPLE_CHART_STRIP_DEPTH)
    draw_level_lines (self, cr, strip);
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
  cairo_t *cr;

  if (gtk_widget_get_width (widget) <= 0 || gtk_widget_get_height (widget) <= 0)
    return;

  stipple_chart_canvas_update_geometry (self);
  update_colours (self);
  if (self->background == NULL || self->background_dirty)
    {
      g_clear_pointer (&self->background, gsk_render_node_unref);
      self->background = render_background (self);
      self->background_dirty = FALSE;
    }

  gtk_snapshot_append_node (snapshot, self->background);
  if (self->trace == NULL || !stipple_chart_trace_has_samples (self->trace))
    {
      const graphene_rect_t *area = &self->strips[STIPPLE_CHART_STRIP_POSITION];

      draw_text (self, snapshot, &self->fg, 0.6, _("No needle samples yet"),
                 area->origin.x + area->size.width / 2, area->origin.y + area->size.height / 2,
                 ALIGN_CENTER);
    }

  /* A cairo node a strip: each is rasterised on its own, so the area
   * redrawn every frame is the strips only, not the axes between them. */
  for (guint i = 0; i < STIPPLE_CHART_N_STRIPS; i++)
    {
      graphene_rect_t bounds = self->strips[i];

      /* The level lines are two pixels thick, centred on their value. */
      graphene_rect_inset (&bounds, 0, -1);
      cr = gtk_snapshot_append_cairo (snapshot, &bounds);
      draw_strip (self, cr, i);
      cairo_destroy (cr);
    }

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
  update_ranges (self);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}
