/* stipple-chart-canvas-columns.c
 *
 * The chart canvas's columns, one min/max pair per device pixel,
 * rasterised once into tiles: images TILE_COLUMNS columns wide, each
 * holding a fixed range of absolute columns, so that scrolling only moves
 * them. A frame compares each column with the one its tile shows and
 * redraws the pixels of the few that differ (new columns on the right,
 * columns leaving on the left); the result is, pixel for pixel, what
 * drawing the whole window afresh gives. Each tile goes to GTK as a cairo
 * node that paints its image: GTK 4.8's cairo renderer composites that
 * directly, where a texture node would first be converted pixel by pixel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-chart"

#include "config.h"

#include "stipple-chart-canvas-private.h"

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
      top = stipple_chart_canvas_snap (self, top);
      bottom = MAX (stipple_chart_canvas_snap (self, bottom), top + min_height);
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
    stipple_chart_canvas_set_source (cr, &self->fg, 0.75);
  else
    stipple_chart_canvas_set_source (cr, &self->waveform, 1);
}

void
stipple_chart_canvas_layer_clear (Layer *layer)
{
  for (guint i = 0; i < layer->n_tiles; i++)
    g_clear_pointer (&layer->tiles[i].surface, cairo_surface_destroy);
  g_clear_pointer (&layer->tiles, g_free);
  g_clear_pointer (&layer->drawn, g_free);
  layer->n_tiles = 0;
  layer->n_drawn = 0;
}

/* Forgets everything drawn: the next frame draws every column afresh. */
void
stipple_chart_canvas_layers_reset (StippleChartCanvas *self)
{
  for (guint i = 0; i < STIPPLE_CHART_N_STRIPS; i++)
    {
      Layer *layer = &self->layers[i];

      stipple_chart_canvas_layer_clear (layer);
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
void
stipple_chart_canvas_layer_update (StippleChartCanvas *self,
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
void
stipple_chart_canvas_append_layer (StippleChartCanvas *self,
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
      stipple_chart_canvas_append_surface (snapshot, tile->surface,
                                           MARGIN_LEFT + (double) (index * TILE_COLUMNS - first)
                                                         / self->scale,
                                           area->origin.y, (double) TILE_COLUMNS / self->scale,
                                           area->size.height);
    }
  gtk_snapshot_pop (snapshot);
}
