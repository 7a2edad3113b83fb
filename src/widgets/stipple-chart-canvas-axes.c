/* stipple-chart-canvas-axes.c
 *
 * What the chart canvas draws once and reuses frame after frame: the
 * strips' backgrounds and titles, the value and time grids with their
 * labels, the skin line, the tolerance band, the legend and the level
 * lines (commanded depth, zone limit). They change only with the size,
 * the theme, the window or the levels. Also the small drawing helpers
 * the other files of the canvas share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-chart-canvas-private.h"

static const double commanded_dash[] = { 8, 4 };
static const double limit_dash[] = { 2, 3 };

void
stipple_chart_canvas_set_source (cairo_t       *cr,
                                 const GdkRGBA *colour,
                                 double         alpha)
{
  cairo_set_source_rgba (cr, colour->red, colour->green, colour->blue, colour->alpha * alpha);
}

/* @surface, an image at the widget's scale, drawn at @x, @y. The
 * recording keeps a snapshot of the image: drawing into the image
 * afterwards leaves this frame's picture as it was. */
void
stipple_chart_canvas_append_surface (GtkSnapshot     *snapshot,
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
  fill (snapshot, colour, alpha, x, stipple_chart_canvas_snap (self, y), width, 1);
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

/* Draws @text with its vertical centre at @y; returns its width. */
int
stipple_chart_canvas_draw_text (StippleChartCanvas *self,
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
      stipple_chart_canvas_draw_text (self, snapshot, &self->fg, 0.75, label, area->origin.x - 6, y, ALIGN_RIGHT);
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
      double x = MIN (stipple_chart_canvas_snap (self, right - k * step * px_per_s), right - 1);
      g_autofree char *label = NULL;

      for (guint i = 0; i < STIPPLE_CHART_N_STRIPS; i++)
        fill (snapshot, &self->fg, 0.12, x, self->strips[i].origin.y, 1, self->strips[i].size.height);

      if (k == 0)
        label = g_strdup (C_("graph time axis", "0 s"));
      else
        /* TRANSLATORS: seconds before the right edge of the graph */
        label = g_strdup_printf (_("−%.*f s"), decimals, k * step);
      stipple_chart_canvas_draw_text (self, snapshot, &self->fg, 0.75, label, x,
                                      bottom->origin.y + bottom->size.height + MARGIN_BOTTOM / 2.0,
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
  stipple_chart_canvas_set_source (cr, colour, 1);
  cairo_set_line_width (cr, 2);
  cairo_set_dash (cr, dash, n_dash, 0);
  cairo_move_to (cr, area->origin.x, y);
  cairo_line_to (cr, area->origin.x + area->size.width, y);
  cairo_stroke (cr);
  cairo_destroy (cr);

  stipple_chart_canvas_append_surface (snapshot, surface, area->origin.x, y - 1, area->size.width, 2);
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

static int
text_width (StippleChartCanvas *self,
            const char         *text)
{
  g_autoptr(PangoLayout) layout = small_layout (self, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  return w;
}

#define SWATCH 18

/* The width draw_legend_entry() takes for @text. */
static int
legend_width (StippleChartCanvas *self,
              const char         *text)
{
  return SWATCH + 6 + text_width (self, text) + 16;
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

  return SWATCH + 6 + stipple_chart_canvas_draw_text (self, snapshot, &self->fg, 0.85, text,
                                                      x + SWATCH + 6, y, ALIGN_LEFT) + 16;
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
GskRenderNode *
stipple_chart_canvas_render_background (StippleChartCanvas *self)
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
      stipple_chart_canvas_draw_text (self, snapshot, &self->fg, 0.9, _(titles[i]),
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
    stipple_chart_canvas_draw_text (self, snapshot, &self->fg, 0.75, _("skin"),
                                    area->origin.x - 6, y + 14, ALIGN_RIGHT);
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
GskRenderNode *
stipple_chart_canvas_render_overlay (StippleChartCanvas *self)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  append_level_lines (self, snapshot, STIPPLE_CHART_STRIP_POSITION);

  return gtk_snapshot_free_to_node (snapshot);
}
