/* stipple-face.c
 *
 * The face map: a stylised front view of face, neck and décolletage, as
 * vector paths in normalised coordinates (data/face-map.txt, made by
 * build-aux/face-map.py), drawn with cairo. The widget on screen and the
 * figure in the PDF report draw with the same function, so what the
 * clinician saw is what the chart shows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-face"

#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "stipple-face.h"
#include "stipple-i18n.h"

typedef enum
{
  SEG_MOVE,
  SEG_LINE,
  SEG_CURVE,
  SEG_CLOSE,
} SegKind;

typedef struct
{
  SegKind kind;
  double  p[6];
} Seg;

typedef struct
{
  char   *kind;
  GArray *segs;
} Outline;

struct _StippleFaceGeometry
{
  double           aspect;
  GArray          *zones[STIPPLE_N_ZONES];
  StippleFaceRect  bounds[STIPPLE_N_ZONES];
  GPtrArray       *outlines;
};

/* Viridis in ten bands, shallow (light) to deep (dark): ordered for the
 * common colour-vision deficiencies and in greyscale print. */
static const guint32 band_colors[STIPPLE_FACE_N_BANDS] = {
  0xfde725, 0xb5de2b, 0x6ece58, 0x35b779, 0x1f9e89,
  0x26828e, 0x31688e, 0x3e4989, 0x482878, 0x440154,
};

/* Okabe–Ito vermillion: what is above its limit. */
static const double above_limit_rgb[3] = { 0.835, 0.369, 0.0 };
/* Okabe–Ito blue: the selected zone. */
static const double selected_rgb[3] = { 0.0, 0.447, 0.698 };

G_DEFINE_QUARK (stipple-face-error-quark, stipple_face_error)

static void
outline_free (gpointer p)
{
  Outline *outline = p;

  g_free (outline->kind);
  g_array_unref (outline->segs);
  g_free (outline);
}

/**
 * stipple_face_geometry_free:
 * @geometry: (transfer full) (nullable): a geometry
 */
void
stipple_face_geometry_free (StippleFaceGeometry *geometry)
{
  if (geometry == NULL)
    return;

  for (guint z = 0; z < STIPPLE_N_ZONES; z++)
    g_clear_pointer (&geometry->zones[z], g_array_unref);
  g_ptr_array_unref (geometry->outlines);
  g_free (geometry);
}

static gboolean
parse_numbers (char    **words,
               guint     count,
               double   *out)
{
  for (guint i = 0; i < count; i++)
    {
      char *end = NULL;

      if (words[i + 1] == NULL)
        return FALSE;
      out[i] = g_ascii_strtod (words[i + 1], &end);
      if (end == words[i + 1] || *end != '\0' || !isfinite (out[i]))
        return FALSE;
    }

  return words[count + 1] == NULL;
}

static void
compute_bounds (StippleFaceGeometry *self)
{
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

      for (guint i = 0; i < self->zones[z]->len; i++)
        {
          const Seg *seg = &g_array_index (self->zones[z], Seg, i);
          guint n = seg->kind == SEG_CURVE ? 3 : seg->kind == SEG_CLOSE ? 0 : 1;

          for (guint k = 0; k < n; k++)
            {
              x0 = MIN (x0, seg->p[2 * k]);
              x1 = MAX (x1, seg->p[2 * k]);
              y0 = MIN (y0, seg->p[2 * k + 1]);
              y1 = MAX (y1, seg->p[2 * k + 1]);
            }
        }
      self->bounds[z] = (StippleFaceRect) { x0, y0, x1 - x0, y1 - y0 };
    }
}

/**
 * stipple_face_geometry_new:
 * @data: the path file
 * @error: return location for a #GError
 *
 * Reads the face map's paths: an `aspect` line, then `zone KEY` and
 * `outline KIND` sections of path commands (`M x y`, `L x y`,
 * `C x1 y1 x2 y2 x y`, `Z`) in normalised coordinates. Every zone of
 * stipple-zones.h must be there.
 *
 * Returns: (transfer full) (nullable): the geometry, or %NULL with @error set
 */
StippleFaceGeometry *
stipple_face_geometry_new (GBytes  *data,
                           GError **error)
{
  g_autoptr(StippleFaceGeometry) self = g_new0 (StippleFaceGeometry, 1);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *current = NULL;
  gsize size;
  const char *bytes;

  g_return_val_if_fail (data != NULL, NULL);

  self->outlines = g_ptr_array_new_with_free_func (outline_free);
  bytes = g_bytes_get_data (data, &size);
  text = g_strndup (bytes, size);
  lines = g_strsplit (text, "\n", -1);

  for (guint n = 0; lines[n] != NULL; n++)
    {
      g_auto(GStrv) words = NULL;
      g_autofree char *line = g_strstrip (g_strdup (lines[n]));
      Seg seg = { 0 };

      if (*line == '\0' || *line == '#')
        continue;
      words = g_strsplit_set (line, " \t", -1);

      if (g_str_equal (words[0], "aspect"))
        {
          if (!parse_numbers (words, 1, &self->aspect) || self->aspect <= 0)
            goto bad;
          continue;
        }
      if (g_str_equal (words[0], "zone"))
        {
          StippleZone zone = stipple_zone_from_key (words[1]);

          if (zone == STIPPLE_ZONE_NONE || words[2] != NULL || self->zones[zone] != NULL)
            goto bad;
          current = self->zones[zone] = g_array_new (FALSE, FALSE, sizeof (Seg));
          continue;
        }
      if (g_str_equal (words[0], "outline"))
        {
          Outline *outline = g_new0 (Outline, 1);

          outline->kind = g_strdup (words[1] ? words[1] : "");
          outline->segs = g_array_new (FALSE, FALSE, sizeof (Seg));
          g_ptr_array_add (self->outlines, outline);
          current = outline->segs;
          continue;
        }

      if (current == NULL)
        goto bad;
      if (g_str_equal (words[0], "M") && parse_numbers (words, 2, seg.p))
        seg.kind = SEG_MOVE;
      else if (g_str_equal (words[0], "L") && parse_numbers (words, 2, seg.p))
        seg.kind = SEG_LINE;
      else if (g_str_equal (words[0], "C") && parse_numbers (words, 6, seg.p))
        seg.kind = SEG_CURVE;
      else if (g_str_equal (words[0], "Z") && words[1] == NULL)
        seg.kind = SEG_CLOSE;
      else
        goto bad;
      g_array_append_val (current, seg);
      continue;

    bad:
      g_set_error (error, STIPPLE_FACE_ERROR, STIPPLE_FACE_ERROR_PARSE,
                   "face map, line %u: cannot read “%s”", n + 1, line);
      return NULL;
    }

  if (self->aspect <= 0)
    {
      g_set_error_literal (error, STIPPLE_FACE_ERROR, STIPPLE_FACE_ERROR_PARSE,
                           "face map: no aspect line");
      return NULL;
    }
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    if (self->zones[z] == NULL || self->zones[z]->len == 0)
      {
        g_set_error (error, STIPPLE_FACE_ERROR, STIPPLE_FACE_ERROR_MISSING_ZONE,
                     "face map: no path for the zone “%s”", stipple_zone_get_key (z));
        return NULL;
      }

  compute_bounds (self);
  return g_steal_pointer (&self);
}

/**
 * stipple_face_geometry_get_default:
 *
 * The face map in Stipple's resources, read once.
 *
 * Returns: (transfer none): the face map
 */
StippleFaceGeometry *
stipple_face_geometry_get_default (void)
{
  static StippleFaceGeometry *geometry;

  if (g_once_init_enter (&geometry))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) data = g_resources_lookup_data (RESOURCE_PATH "/face-map.txt",
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      StippleFaceGeometry *loaded = NULL;

      /* The file is ours, compiled in: failing to read it is a bug. */
      if (data == NULL || (loaded = stipple_face_geometry_new (data, &error)) == NULL)
        g_error ("The built-in face map cannot be read: %s", error->message);
      g_once_init_leave (&geometry, loaded);
    }

  return geometry;
}

/**
 * stipple_face_geometry_get_aspect:
 * @geometry: a geometry
 *
 * Returns: the figure's width divided by its height
 */
double
stipple_face_geometry_get_aspect (const StippleFaceGeometry *geometry)
{
  g_return_val_if_fail (geometry != NULL, 1.0);

  return geometry->aspect;
}

/**
 * stipple_face_geometry_get_bounds:
 * @geometry: a geometry
 * @zone: a zone
 * @bounds: (out): the zone's bounding box, normalised
 *
 * Returns: whether @zone is a zone
 */
gboolean
stipple_face_geometry_get_bounds (const StippleFaceGeometry *geometry,
                                  StippleZone                zone,
                                  StippleFaceRect           *bounds)
{
  g_return_val_if_fail (geometry != NULL && bounds != NULL, FALSE);

  if (stipple_zone_get_info (zone) == NULL)
    return FALSE;

  *bounds = geometry->bounds[zone];
  return TRUE;
}

static void
append_path (cairo_t      *cr,
             const GArray *segs,
             double        x,
             double        y,
             double        w,
             double        h)
{
  for (guint i = 0; i < segs->len; i++)
    {
      const Seg *s = &g_array_index (segs, Seg, i);

      switch (s->kind)
        {
        case SEG_MOVE:
          cairo_move_to (cr, x + s->p[0] * w, y + s->p[1] * h);
          break;
        case SEG_LINE:
          cairo_line_to (cr, x + s->p[0] * w, y + s->p[1] * h);
          break;
        case SEG_CURVE:
          cairo_curve_to (cr, x + s->p[0] * w, y + s->p[1] * h, x + s->p[2] * w, y + s->p[3] * h,
                          x + s->p[4] * w, y + s->p[5] * h);
          break;
        case SEG_CLOSE:
        default:
          cairo_close_path (cr);
          break;
        }
    }
}

/**
 * stipple_face_geometry_zone_contains:
 * @geometry: a geometry
 * @zone: a zone
 * @nx: normalised x
 * @ny: normalised y
 *
 * Returns: whether the point lies inside @zone's path
 */
gboolean
stipple_face_geometry_zone_contains (const StippleFaceGeometry *geometry,
                                     StippleZone                zone,
                                     double                     nx,
                                     double                     ny)
{
  const StippleFaceRect *b;
  cairo_surface_t *surface;
  cairo_t *cr;
  gboolean inside;

  g_return_val_if_fail (geometry != NULL, FALSE);

  if (stipple_zone_get_info (zone) == NULL)
    return FALSE;

  b = &geometry->bounds[zone];
  if (nx < b->x || ny < b->y || nx > b->x + b->width || ny > b->y + b->height)
    return FALSE;

  /* Scaled up, so cairo's fixed-point tolerance is far below a pixel. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cr = cairo_create (surface);
  append_path (cr, geometry->zones[zone], 0, 0, 10000, 10000);
  inside = cairo_in_fill (cr, nx * 10000, ny * 10000);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  return inside;
}

/**
 * stipple_face_geometry_hit:
 * @geometry: a geometry
 * @nx: normalised x
 * @ny: normalised y
 *
 * Returns: the zone under the point, or %STIPPLE_ZONE_NONE
 */
StippleZone
stipple_face_geometry_hit (const StippleFaceGeometry *geometry,
                           double                     nx,
                           double                     ny)
{
  g_return_val_if_fail (geometry != NULL, STIPPLE_ZONE_NONE);

  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    if (stipple_face_geometry_zone_contains (geometry, z, nx, ny))
      return z;

  return STIPPLE_ZONE_NONE;
}

/**
 * stipple_face_depth_color:
 * @depth_um: a depth
 * @rgb: (out caller-allocates) (array fixed-size=3): its colour
 *
 * The colour of @depth_um's band on the scale.
 */
void
stipple_face_depth_color (guint   depth_um,
                          double *rgb)
{
  guint band = depth_um == 0 ? 0 : MIN ((depth_um - 1) / STIPPLE_FACE_BAND_UM, STIPPLE_FACE_N_BANDS - 1);
  guint32 c = band_colors[band];

  rgb[0] = ((c >> 16) & 0xff) / 255.0;
  rgb[1] = ((c >> 8) & 0xff) / 255.0;
  rgb[2] = (c & 0xff) / 255.0;
}

/**
 * stipple_face_drawing_init:
 * @drawing: (out caller-allocates): what to draw
 *
 * No plans, no selection, black ink on white paper.
 */
void
stipple_face_drawing_init (StippleFaceDrawing *drawing)
{
  g_return_if_fail (drawing != NULL);

  memset (drawing, 0, sizeof *drawing);
  drawing->bg[0] = drawing->bg[1] = drawing->bg[2] = 1.0;
}

#define LEGEND_WIDTH 124.0

/**
 * stipple_face_layout:
 * @geometry: a geometry
 * @width: the area's width
 * @height: the area's height
 * @legend: whether a legend takes the area's right side
 *
 * Returns: where the figure itself goes: as large as fits, centred
 */
StippleFaceRect
stipple_face_layout (const StippleFaceGeometry *geometry,
                     double                     width,
                     double                     height,
                     gboolean                   legend)
{
  double avail_w = MAX (1.0, width - (legend ? LEGEND_WIDTH : 0));
  double h = MIN (height, avail_w / geometry->aspect);
  double w = h * geometry->aspect;

  return (StippleFaceRect) { (avail_w - w) / 2, (height - h) / 2, w, h };
}

static void
set_rgb (cairo_t      *cr,
         const double *rgb,
         double        alpha)
{
  cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], alpha);
}

static void
draw_text (cairo_t    *cr,
           const char *text,
           double      cx,
           double      cy,
           double      size,
           gboolean    bold,
           gboolean    centred)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_new ();
  int w, h;

  /* Built field by field, never through a string: "%.1f" in the user's
   * locale (1,5 in German) is no size Pango can read. */
  pango_font_description_set_family_static (desc, "Sans");
  pango_font_description_set_weight (desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, centred ? cx - w / 2.0 : cx, cy - h / 2.0);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (desc);
  g_object_unref (layout);
}

static double
text_width (cairo_t    *cr,
            const char *text,
            double      size,
            gboolean    bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_new ();
  int w;

  pango_font_description_set_family_static (desc, "Sans");
  pango_font_description_set_weight (desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, NULL);
  pango_font_description_free (desc);
  g_object_unref (layout);

  return w;
}

static void
draw_hatch (cairo_t               *cr,
            const StippleFaceRect *r,
            double                 spacing)
{
  for (double d = -r->height; d < r->width; d += spacing)
    {
      cairo_move_to (cr, r->x + d, r->y + r->height);
      cairo_line_to (cr, r->x + d + r->height, r->y);
    }
}

static void
draw_legend (cairo_t                  *cr,
             const StippleFaceDrawing *d,
             double                    x,
             double                    height)
{
  double box = MIN (18.0, (height - 60) / (STIPPLE_FACE_N_BANDS + 3));
  double y = MAX (0, (height - box * (STIPPLE_FACE_N_BANDS + 3) - 20) / 2);
  double font = MAX (8.0, box * 0.62);
  double room = LEGEND_WIDTH - 16 - box * 1.4;
  const char *words[] = { _("No plan"), _("Above limit"), _("Depth") };
  double widest = 0;

  /* Every label whole, in every language ("Über Grenzwert", never
   * "Über Grenzwer"): set smaller where the widest would not fit. */
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    widest = MAX (widest, text_width (cr, words[i], font, i == 2));
  if (widest > room)
    font = MAX (5.0, font * room / widest);

  set_rgb (cr, d->fg, 0.9);
  draw_text (cr, _("Depth"), x + 8, y + box / 2, font, TRUE, FALSE);
  y += box * 1.2;

  for (guint band = 0; band < STIPPLE_FACE_N_BANDS; band++)
    {
      double rgb[3];
      g_autofree char *label = g_strdup_printf (_("%.2f mm"),
                                                (band + 1) * STIPPLE_FACE_BAND_UM / 1000.0);

      stipple_face_depth_color ((band + 1) * STIPPLE_FACE_BAND_UM, rgb);
      set_rgb (cr, rgb, 1.0);
      cairo_rectangle (cr, x + 8, y, box * 1.4, box - 2);
      cairo_fill (cr);
      set_rgb (cr, d->fg, 0.85);
      draw_text (cr, label, x + 14 + box * 1.4, y + (box - 2) / 2, font, FALSE, FALSE);
      y += box;
    }

  y += box * 0.4;
  set_rgb (cr, d->fg, 0.12);
  cairo_rectangle (cr, x + 8, y, box * 1.4, box - 2);
  cairo_fill (cr);
  set_rgb (cr, d->fg, 0.85);
  draw_text (cr, _("No plan"), x + 14 + box * 1.4, y + (box - 2) / 2, font, FALSE, FALSE);
  y += box;

  {
    StippleFaceRect r = { x + 8, y, box * 1.4, box - 2 };

    cairo_save (cr);
    cairo_rectangle (cr, r.x, r.y, r.width, r.height);
    cairo_clip (cr);
    set_rgb (cr, above_limit_rgb, 1.0);
    cairo_set_line_width (cr, 1.5);
    draw_hatch (cr, &r, 4);
    cairo_stroke (cr);
    cairo_restore (cr);
    set_rgb (cr, above_limit_rgb, 1.0);
    cairo_set_line_width (cr, 2);
    cairo_rectangle (cr, r.x, r.y, r.width, r.height);
    cairo_stroke (cr);
    set_rgb (cr, d->fg, 0.85);
    draw_text (cr, _("Above limit"), x + 14 + box * 1.4, y + (box - 2) / 2, font, FALSE, FALSE);
  }
}

/**
 * stipple_face_draw:
 * @geometry: a geometry
 * @cr: where to draw, with (0, 0) at the area's top left
 * @width: the area's width
 * @height: the area's height
 * @drawing: the plan to show
 *
 * Draws the face with each zone filled by its planned depth's colour,
 * zones above their limit hatched and outlined (never by colour alone),
 * the selected zone outlined, the patient's right and left marked.
 */
void
stipple_face_draw (const StippleFaceGeometry *geometry,
                   cairo_t                   *cr,
                   double                     width,
                   double                     height,
                   const StippleFaceDrawing  *d)
{
  StippleFaceRect r;
  double unit;

  g_return_if_fail (geometry != NULL && cr != NULL && d != NULL);

  r = stipple_face_layout (geometry, width, height, d->legend);
  unit = r.height / 400.0;

  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  /* Silhouette and hair, quietly, so the zones stand out. */
  for (guint i = 0; i < geometry->outlines->len; i++)
    {
      const Outline *o = g_ptr_array_index (geometry->outlines, i);

      if (!g_str_equal (o->kind, "silhouette") && !g_str_equal (o->kind, "hair"))
        continue;
      append_path (cr, o->segs, r.x, r.y, r.width, r.height);
      set_rgb (cr, d->fg, g_str_equal (o->kind, "hair") ? 0.14 : 0.05);
      cairo_fill_preserve (cr);
      set_rgb (cr, d->fg, 0.45);
      cairo_set_line_width (cr, MAX (1.0, unit * 1.2));
      cairo_stroke (cr);
    }

  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      gboolean planned = d->depth_um[z] > 0;
      gboolean above = planned && d->limit_um[z] > 0 && d->depth_um[z] > d->limit_um[z];
      double rgb[3];

      append_path (cr, geometry->zones[z], r.x, r.y, r.width, r.height);
      if (planned)
        {
          stipple_face_depth_color (d->depth_um[z], rgb);
          set_rgb (cr, rgb, 1.0);
        }
      else
        set_rgb (cr, d->fg, 0.12);
      cairo_fill_preserve (cr);
      /* Zones part with a line of paper. */
      set_rgb (cr, d->bg, 0.9);
      cairo_set_line_width (cr, MAX (1.0, unit * 1.5));
      cairo_stroke (cr);

      if (above)
        {
          StippleFaceRect b = geometry->bounds[z];

          b = (StippleFaceRect) { r.x + b.x * r.width, r.y + b.y * r.height,
                                  b.width * r.width, b.height * r.height };
          cairo_save (cr);
          append_path (cr, geometry->zones[z], r.x, r.y, r.width, r.height);
          cairo_clip (cr);
          set_rgb (cr, above_limit_rgb, 0.9);
          cairo_set_line_width (cr, MAX (1.0, unit * 1.6));
          draw_hatch (cr, &b, MAX (4.0, unit * 7));
          cairo_stroke (cr);
          cairo_restore (cr);
          append_path (cr, geometry->zones[z], r.x, r.y, r.width, r.height);
          set_rgb (cr, above_limit_rgb, 1.0);
          cairo_set_line_width (cr, MAX (2.0, unit * 3));
          cairo_stroke (cr);
        }
    }

  /* Eyes, brows, lips: lines, enough to read the face at a glance. */
  for (guint i = 0; i < geometry->outlines->len; i++)
    {
      const Outline *o = g_ptr_array_index (geometry->outlines, i);

      if (g_str_equal (o->kind, "silhouette") || g_str_equal (o->kind, "hair"))
        continue;
      append_path (cr, o->segs, r.x, r.y, r.width, r.height);
      set_rgb (cr, d->fg, 0.6);
      cairo_set_line_width (cr, MAX (1.0, unit * 1.3));
      cairo_stroke (cr);
    }

  if (stipple_zone_get_info (d->focused) != NULL && d->focused != d->selected)
    {
      double dash[] = { unit * 6, unit * 4 };

      append_path (cr, geometry->zones[d->focused], r.x, r.y, r.width, r.height);
      set_rgb (cr, d->fg, 0.9);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_set_line_width (cr, MAX (1.5, unit * 2));
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  if (stipple_zone_get_info (d->selected) != NULL)
    {
      /* Ink under colour: the outline reads on any fill, in any style. */
      append_path (cr, geometry->zones[d->selected], r.x, r.y, r.width, r.height);
      set_rgb (cr, d->fg, 1.0);
      cairo_set_line_width (cr, MAX (4.0, unit * 6));
      cairo_stroke_preserve (cr);
      set_rgb (cr, selected_rgb, 1.0);
      cairo_set_line_width (cr, MAX (2.0, unit * 3));
      cairo_stroke (cr);
    }

  if (d->labels)
    for (guint z = 1; z < STIPPLE_N_ZONES; z++)
      {
        const StippleFaceRect *b = &geometry->bounds[z];
        double cx = r.x + (b->x + b->width / 2) * r.width;
        double cy = r.y + (b->y + b->height / 2) * r.height;

        if (d->depth_um[z] == 0)
          continue;
        set_rgb (cr, d->fg, 1.0);
        {
          g_autofree char *depth = g_strdup_printf ("%.2f", d->depth_um[z] / 1000.0);
          double rgb[3];

          stipple_face_depth_color (d->depth_um[z], rgb);
          /* Dark bands take paper-coloured text. */
          if (rgb[0] * 0.299 + rgb[1] * 0.587 + rgb[2] * 0.114 < 0.5)
            set_rgb (cr, d->bg, 1.0);
          draw_text (cr, depth, cx, cy, MAX (6.0, unit * 9), TRUE, TRUE);
        }
      }

  /* The patient's right is on the viewer's left. */
  set_rgb (cr, d->fg, 0.75);
  draw_text (cr, C_("patient's right", "R"), r.x + unit * 14, r.y + unit * 14, MAX (9.0, unit * 16),
             TRUE, TRUE);
  draw_text (cr, C_("patient's left", "L"), r.x + r.width - unit * 14, r.y + unit * 14,
             MAX (9.0, unit * 16), TRUE, TRUE);

  if (d->legend)
    draw_legend (cr, d, width - LEGEND_WIDTH, height);

  cairo_restore (cr);
}
