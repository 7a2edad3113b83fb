/* stipple-chart-canvas.c
 *
 * Three strips stacked over one time axis: needle position, depth reached
 * by each stroke, stroke rate. Axes, grid, labels, legend and level lines
 * change only with the size, the theme or the levels, so they are drawn
 * once into render nodes that every frame reuses.
 *
 * The columns, one min/max pair per device pixel, are rasterised once into
 * tiles: images TILE_COLUMNS columns wide, each holding a fixed range of
 * absolute columns, so that scrolling only moves them. A frame compares
 * each column with the one its tile shows and redraws the pixels of the
 * few that differ (new columns on the right, columns leaving on the
 * left); the result is, pixel for pixel, what drawing the whole window
 * afresh gives. Each tile goes to GTK as a cairo node that paints its
 * image: GTK 4.8's cairo renderer composites that directly, where a
 * texture node would first be converted pixel by pixel.
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

  StippleChartTrace *trace;
  StippleChartCanvasPrepareFunc prepare;
  gpointer           prepare_data;
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
  /* The level lines that go over the waveform. */
  GskRenderNode     *overlay;
  gboolean           background_dirty;

  Layer              layers[STIPPLE_CHART_N_STRIPS];
  gboolean           layers_dirty;
  gint64             layers_first;
  gint64             draw_count;
  gint64             columns_redrawn;
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
set_source (cairo_t       *cr,
            const GdkRGBA *colour,
            double         alpha)
{
  cairo_set_source_rgba (cr, colour->red, colour->green, colour->blue, colour->alpha * alpha);
}

/* @surface, an image at the widget's scale, drawn at @x, @y. The
 * recording keeps a snapshot of the image: drawing into the image
 * afterwards leaves this frame's picture as it was. */
static void
append_surface (GtkSnapshot     *snapshot,
                cairo_surface_t *surface,
                double           x,
                double           y,
                double           width,
                double           height)
{
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x, y, width, height));

  cairo_set_source_surface (cr, surface, x, y);
  cairo_paint (cr);
  cairo_destroy (cr);
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

/* A level line two pixels thick across @strip, rasterised once with the
 * background, not every frame. */
static void
append_level_line (StippleChartCanvas *self,
                   GtkSnapshot        *snapshot,
                   StippleChartStrip   strip,
                   gint32              value,
                   const GdkRGBA      *colour,
                   const double       *dash,
                   int                 n_dash)
{
  const graphene_rect_t *area = &self->strips[strip];
  double lo = MIN (self->value_top[strip], self->value_bottom[strip]);
  double hi = MAX (self->value_top[strip], self->value_bottom[strip]);
  cairo_surface_t *surface;
  cairo_t *cr;
  double y;

  if (value <= 0 || value < lo || value > hi)
    return;

  y = round (stipple_chart_canvas_value_to_y (self, strip, value));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) area->size.width * self->scale,
                                        2 * self->scale);
  cairo_surface_set_device_scale (surface, self->scale, self->scale);
  cr = cairo_create (surface);
  cairo_translate (cr, -area->origin.x, -(y - 1));
  set_source (cr, colour, 1);
  cairo_set_line_width (cr, 2);
  cairo_set_dash (cr, dash, n_dash, 0);
  cairo_move_to (cr, area->origin.x, y);
  cairo_line_to (cr, area->origin.x + area->size.width, y);
  cairo_stroke (cr);
  cairo_destroy (cr);

  append_surface (snapshot, surface, area->origin.x, y - 1, area->size.width, 2);
  cairo_surface_destroy (surface);
}

static void
append_level_lines (StippleChartCanvas *self,
                    GtkSnapshot        *snapshot,
                    StippleChartStrip   strip)
{
  append_level_line (self, snapshot, strip, self->commanded_um, &self->commanded,
                     commanded_dash, G_N_ELEMENTS (commanded_dash));
  append_level_line (self, snapshot, strip, self->limit_um, &self->limit,
                     limit_dash, G_N_ELEMENTS (limit_dash));
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

static int
text_width (StippleChartCanvas *self,
            const char         *text)
{
  g_autoptr(PangoLayout) layout = small_layout (self, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  return w;
}

/* Right-aligned on the first graph's title line, never over its title: in
 * a narrow window the values go (they are beside the graphs anyway), then
 * the legend itself. */
static void
draw_legend (StippleChartCanvas *self,
             GtkSnapshot        *snapshot,
             const char         *title)
{
  g_autofree char *commanded_full = g_strdup_printf (_("Commanded %.2f mm"), self->commanded_um / 1000.0);
  g_autofree char *limit_full = g_strdup_printf (_("Zone limit %.2f mm"), self->limit_um / 1000.0);
  const char *commanded_short = _("Commanded");
  const char *limit_short = _("Zone limit");
  double y = MARGIN_TOP / 2.0;
  double right = MARGIN_LEFT + self->strips[0].size.width + 16;
  double title_end = self->strips[0].origin.x + text_width (self, title) + 12;

  for (guint level = 0; level < 2; level++)
    {
      const char *commanded = level == 0 ? commanded_full : commanded_short;
      const char *limit = level == 0 ? limit_full : limit_short;
      double x = right - legend_width (self, _("Needle"));

      if (self->commanded_um > 0)
        x -= legend_width (self, commanded);
      if (self->limit_um > 0)
        x -= legend_width (self, limit);
      if (x < title_end)
        continue;

      x += draw_legend_entry (self, snapshot, x, y, &self->waveform, NULL, _("Needle"));
      if (self->commanded_um > 0)
        x += draw_legend_entry (self, snapshot, x, y, &self->commanded, commanded_dash, commanded);
      if (self->limit_um > 0)
        draw_legend_entry (self, snapshot, x, y, &self->limit, limit_dash, limit);
      return;
    }
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

  draw_legend (self, snapshot, _(titles[STIPPLE_CHART_STRIP_POSITION]));

  /* The depth strip's level lines go under its marks. */
  append_level_lines (self, snapshot, STIPPLE_CHART_STRIP_DEPTH);

  return gtk_snapshot_free_to_node (snapshot);
}

/* The position strip's level lines go over the waveform, so that the
 * commanded depth shows against it. */
static GskRenderNode *
render_overlay (StippleChartCanvas *self)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  append_level_lines (self, snapshot, STIPPLE_CHART_STRIP_POSITION);

  return gtk_snapshot_free_to_node (snapshot);
}

static inline gint64
floor_div (gint64 a,
           gint64 b)
{
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static inline guint
ring_slot (gint64 column,
           guint  n)
{
  gint64 r = column % (gint64) n;

  return (guint) (r < 0 ? r + n : r);
}

/* How each strip's columns are drawn. */
typedef struct
{
  /* Least height of a column, logical pixels; 0: one device pixel. */
  double   min_height;
  /* Logical pixels a mark reaches either side of its column. */
  double   widen;
  /* Whether a column reaches to its left neighbour. */
  gboolean connect;
} ColumnStyle;

static const ColumnStyle column_styles[STIPPLE_CHART_N_STRIPS] = {
  /* Each column from its shallowest to its deepest sample, at least a
   * pixel high so that a still needle still shows; a continuous signal,
   * so each column reaches to its left neighbour and a steep stroke seen
   * zoomed in is a line, not a row of dashes. */
  [STIPPLE_CHART_STRIP_POSITION] = { 0, 0, TRUE },
  /* Marks three pixels across, so that a single stroke shows. */
  [STIPPLE_CHART_STRIP_DEPTH] = { 3, 1, FALSE },
  /* Rates of neighbouring strokes differ by a sample's worth of jitter:
   * thin, lighter marks keep that from reading as a heavy line. */
  [STIPPLE_CHART_STRIP_RATE] = { 2, 0, FALSE },
};

/* What the graph shows in @column: the decimator's values inside the
 * window, nothing outside it. */
static inline const StippleDecimatorColumn *
column_value (const StippleDecimator *strip,
              gint64                  first,
              gint64                  last,
              gint64                  column)
{
  if (column < first || column > last)
    return NULL;

  return stipple_decimator_get (strip, column);
}

/* Adds the rectangles of columns [from, to] to @cr's path, x measured
 * from column @origin. Columns are whole device pixels wide and high, so
 * that cairo fills them as boxes: far cheaper than an antialiased
 * polygon, and as exact at one column a pixel. */
static void
add_columns (StippleChartCanvas *self,
             cairo_t            *cr,
             StippleChartStrip   which,
             gint64              first,
             gint64              last,
             gint64              from,
             gint64              to,
             gint64              origin)
{
  const StippleDecimator *strip = stipple_chart_trace_get_strip (self->trace, which);
  const ColumnStyle *style = &column_styles[which];
  const StippleDecimatorColumn *previous = NULL;
  double px = 1.0 / self->scale;
  double min_height = style->min_height > 0 ? style->min_height : px;

  if (style->connect)
    previous = column_value (strip, first, last, from - 1);

  for (gint64 column = from; column <= to; column++)
    {
      const StippleDecimatorColumn *c = column_value (strip, first, last, column);
      gint32 lo, hi;
      double top, bottom;

      if (c == NULL)
        {
          previous = NULL;
          continue;
        }

      lo = c->min;
      hi = c->max;
      if (style->connect && previous != NULL)
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
      cairo_rectangle (cr, (column - origin) * px - style->widen, top,
                       px + 2 * style->widen, bottom - top);
    }
}

static void
set_column_source (StippleChartCanvas *self,
                   cairo_t            *cr,
                   StippleChartStrip   strip)
{
  if (strip == STIPPLE_CHART_STRIP_RATE)
    set_source (cr, &self->fg, 0.75);
  else
    set_source (cr, &self->waveform, 1);
}

static void
layer_clear (Layer *layer)
{
  for (guint i = 0; i < layer->n_tiles; i++)
    g_clear_pointer (&layer->tiles[i].surface, cairo_surface_destroy);
  g_clear_pointer (&layer->tiles, g_free);
  g_clear_pointer (&layer->drawn, g_free);
  layer->n_tiles = 0;
  layer->n_drawn = 0;
}

/* Forgets everything drawn: the next frame draws every column afresh. */
static void
layers_reset (StippleChartCanvas *self)
{
  for (guint i = 0; i < STIPPLE_CHART_N_STRIPS; i++)
    {
      Layer *layer = &self->layers[i];

      layer_clear (layer);
      layer->spill = (int) ceil (column_styles[i].widen * self->scale);
      layer->connect = column_styles[i].connect ? 1 : 0;
      /* Every tile that can show, and those just off either edge. */
      layer->n_tiles = self->n_columns / TILE_COLUMNS + 4;
      layer->tiles = g_new0 (Tile, layer->n_tiles);
      for (guint k = 0; k < layer->n_tiles; k++)
        layer->tiles[k].index = G_MININT64;
      layer->n_drawn = self->n_columns + 2 * (layer->spill + 1);
      /* Zeroed: no slot holds a drawn column. */
      layer->drawn = g_new0 (StippleDecimatorColumn, layer->n_drawn);
    }
  self->layers_dirty = FALSE;
}

static Tile *
layer_get_tile (StippleChartCanvas *self,
                Layer              *layer,
                StippleChartStrip   strip,
                gint64              index)
{
  Tile *tile = &layer->tiles[ring_slot (index, layer->n_tiles)];

  if (tile->index == index)
    return tile;

  /* The slot's tile has scrolled out of sight: reuse its image. */
  if (tile->surface == NULL)
    {
      tile->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, TILE_COLUMNS,
                                                  (int) self->strips[strip].size.height * self->scale);
      cairo_surface_set_device_scale (tile->surface, self->scale, self->scale);
    }
  else
    {
      cairo_t *cr = cairo_create (tile->surface);

      cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
      cairo_paint (cr);
      cairo_destroy (cr);
    }
  tile->index = index;

  return tile;
}

/* Redraws the device pixel columns [from, to] of @strip's tiles from the
 * decimator: clears them, then fills every column that reaches them. */
static void
layer_redraw (StippleChartCanvas *self,
              StippleChartStrip   strip,
              gint64              first,
              gint64              last,
              gint64              from,
              gint64              to)
{
  Layer *layer = &self->layers[strip];
  double px = 1.0 / self->scale;

  for (gint64 index = floor_div (from, TILE_COLUMNS); index <= floor_div (to, TILE_COLUMNS); index++)
    {
      Tile *tile = layer_get_tile (self, layer, strip, index);
      gint64 origin = index * TILE_COLUMNS;
      gint64 a = MAX (from, origin);
      gint64 b = MIN (to, origin + TILE_COLUMNS - 1);
      cairo_t *cr = cairo_create (tile->surface);

      cairo_rectangle (cr, (a - origin) * px, 0, (b - a + 1) * px, self->strips[strip].size.height);
      cairo_clip (cr);
      cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
      cairo_paint (cr);
      cairo_set_operator (cr, CAIRO_OPERATOR_OVER);

      /* Whole pixels: cairo fills boxes, without antialiasing. */
      cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
      cairo_translate (cr, 0, -self->strips[strip].origin.y);
      add_columns (self, cr, strip, first, last, a - layer->spill, b + layer->spill, origin);
      set_column_source (self, cr, strip);
      cairo_fill (cr);
      cairo_destroy (cr);

      self->columns_redrawn += b - a + 1;
    }
}

/* Brings @strip's tiles up to date with the window [first, last]:
 * compares each column that reaches a visible pixel with what was drawn
 * for it and redraws the pixels of those that differ. Pixels left of the
 * window are never shown again: a window that moves back starts afresh. */
static void
layer_update (StippleChartCanvas *self,
              StippleChartStrip   strip,
              gint64              first,
              gint64              last)
{
  const StippleDecimator *decimator = stipple_chart_trace_get_strip (self->trace, strip);
  Layer *layer = &self->layers[strip];
  gint64 run_from = 0, run_to = -1;
  gboolean run = FALSE;

  for (gint64 column = first - layer->spill - layer->connect; column <= last + layer->spill; column++)
    {
      const StippleDecimatorColumn *now = column_value (decimator, first, last, column);
      StippleDecimatorColumn *was = &layer->drawn[ring_slot (column, layer->n_drawn)];
      gboolean drawn = was->count > 0 && was->column == column;
      gint64 from, to;

      if (now == NULL ? !drawn : drawn && was->min == now->min && was->max == now->max)
        continue;

      if (now != NULL)
        *was = *now;
      else
        was->count = 0;

      /* The pixels this column's drawing reaches; nothing left of the
       * window shows. */
      from = MAX (column - layer->spill, first);
      to = column + layer->spill + layer->connect;
      if (run && from <= run_to + 1 + 2 * layer->spill)
        run_to = MAX (run_to, to);
      else
        {
          if (run)
            layer_redraw (self, strip, first, last, run_from, run_to);
          run = TRUE;
          run_from = from;
          run_to = to;
        }
    }
  if (run)
    layer_redraw (self, strip, first, last, run_from, run_to);
}

/* The tiles of @strip that show, clipped to the strip. */
static void
append_layer (StippleChartCanvas *self,
              GtkSnapshot        *snapshot,
              StippleChartStrip   strip,
              gint64              first,
              gint64              last)
{
  const graphene_rect_t *area = &self->strips[strip];
  Layer *layer = &self->layers[strip];

  gtk_snapshot_push_clip (snapshot, area);
  for (gint64 index = floor_div (first, TILE_COLUMNS); index <= floor_div (last, TILE_COLUMNS); index++)
    {
      Tile *tile = &layer->tiles[ring_slot (index, layer->n_tiles)];

      /* Never drawn: nothing in it. */
      if (tile->index != index)
        continue;
      append_surface (snapshot, tile->surface,
                      MARGIN_LEFT + (double) (index * TILE_COLUMNS - first) / self->scale,
                      area->origin.y, (double) TILE_COLUMNS / self->scale, area->size.height);
    }
  gtk_snapshot_pop (snapshot);
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
      self->background = render_background (self);
      self->overlay = render_overlay (self);
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

      draw_text (self, snapshot, &self->fg, 0.6, _("No needle samples yet"),
                 area->origin.x + area->size.width / 2, area->origin.y + area->size.height / 2,
                 ALIGN_CENTER);
    }
  else
    {
      gint64 first = first_column (self);
      gint64 last = first + self->n_columns - 1;

      if (self->layers_dirty || first < self->layers_first)
        layers_reset (self);
      self->layers_first = first;

      for (guint i = 0; i < STIPPLE_CHART_N_STRIPS; i++)
        {
          layer_update (self, i, first, last);
          append_layer (self, snapshot, i, first, last);
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
    layer_clear (&self->layers[i]);

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
