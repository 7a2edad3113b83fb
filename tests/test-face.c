/* test-face.c: the face map's geometry and drawing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <math.h>

#include "stipple-face.h"

static StippleFaceGeometry *geometry;

/* A point well inside @zone: the centre of the largest run of inside
 * points on the middle rows of its box. */
static gboolean
inside_point (StippleZone  zone,
              double      *px,
              double      *py)
{
  StippleFaceRect b;
  double best = 0;

  stipple_face_geometry_get_bounds (geometry, zone, &b);
  for (int row = 1; row < 10; row++)
    {
      double y = b.y + b.height * row / 10.0;
      double start = -1;

      for (int col = 0; col <= 100; col++)
        {
          double x = b.x + b.width * col / 100.0;
          gboolean in = stipple_face_geometry_zone_contains (geometry, zone, x, y);

          if (in && start < 0)
            start = x;
          if ((!in || col == 100) && start >= 0)
            {
              if (x - start > best)
                {
                  best = x - start;
                  *px = (start + x) / 2;
                  *py = y;
                }
              start = -1;
            }
        }
    }

  return best > 0;
}

static void
test_geometry (void)
{
  double aspect = stipple_face_geometry_get_aspect (geometry);

  g_assert_cmpfloat (aspect, >, 0.5);
  g_assert_cmpfloat (aspect, <, 1.0);

  for (StippleZone z = 1; z < STIPPLE_N_ZONES; z++)
    {
      StippleFaceRect b;
      double x = 0, y = 0;

      g_assert_true (stipple_face_geometry_get_bounds (geometry, z, &b));
      /* Normalised, and not degenerate. */
      g_assert_cmpfloat (b.x, >=, 0);
      g_assert_cmpfloat (b.y, >=, 0);
      g_assert_cmpfloat (b.x + b.width, <=, 1);
      g_assert_cmpfloat (b.y + b.height, <=, 1);
      g_assert_cmpfloat (b.width * b.height, >, 0.0005);
      /* Hit testing finds the zone where it is. */
      g_assert_true (inside_point (z, &x, &y));
      g_assert_cmpint (stipple_face_geometry_hit (geometry, x, y), ==, z);
    }

  /* Left and right are the patient's: the left cheek is on the viewer's right. */
  {
    StippleFaceRect left, right;

    stipple_face_geometry_get_bounds (geometry, STIPPLE_ZONE_CHEEK_LEFT, &left);
    stipple_face_geometry_get_bounds (geometry, STIPPLE_ZONE_CHEEK_RIGHT, &right);
    g_assert_cmpfloat (left.x, >, right.x + right.width / 2);
  }

  /* Zones do not overlap. */
  for (int i = 0; i <= 60; i++)
    for (int j = 0; j <= 80; j++)
      {
        double x = i / 60.0, y = j / 80.0;
        guint n = 0;

        for (StippleZone z = 1; z < STIPPLE_N_ZONES; z++)
          n += stipple_face_geometry_zone_contains (geometry, z, x, y);
        g_assert_cmpuint (n, <=, 1);
      }

  /* Outside the figure there is no zone. */
  g_assert_cmpint (stipple_face_geometry_hit (geometry, 0.01, 0.01), ==, STIPPLE_ZONE_NONE);
}

static void
test_bad_files (void)
{
  const char *bad[] = {
    "zone forehead\nM 0 0\n",                               /* no aspect */
    "aspect 0.8\nzone elbow\nM 0 0\nZ\n",                   /* unknown zone */
    "aspect 0.8\nzone forehead\nM 0 zero\n",                /* not a number */
    "aspect 0.8\nM 0 0\n",                                  /* a path outside a section */
    "aspect 0.8\nzone forehead\nQ 0 0 1 1\n",               /* unknown command */
    "aspect 0.8\nzone forehead\nM 0 0\nL 1 1\nZ\n",         /* zones missing */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) data = g_bytes_new_static (bad[i], strlen (bad[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(StippleFaceGeometry) g = stipple_face_geometry_new (data, &error);

      g_assert_null (g);
      g_assert_nonnull (error);
    }
}

static void
pixel (cairo_surface_t *surface,
       int              x,
       int              y,
       double          *rgb)
{
  unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 p = *(guint32 *) (data + y * stride + x * 4);

  rgb[0] = ((p >> 16) & 0xff) / 255.0;
  rgb[1] = ((p >> 8) & 0xff) / 255.0;
  rgb[2] = (p & 0xff) / 255.0;
}

static gboolean
close_to (const double *a,
          const double *b)
{
  return fabs (a[0] - b[0]) < 0.03 && fabs (a[1] - b[1]) < 0.03 && fabs (a[2] - b[2]) < 0.03;
}

static void
test_drawing (void)
{
  const int width = 600, height = 700;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  StippleFaceDrawing d;
  StippleFaceRect r;
  double cx, cy, rgb[3], expected[3];
  int px, py;

  stipple_face_drawing_init (&d);
  d.depth_um[STIPPLE_ZONE_CHEEK_LEFT] = 1000;
  d.limit_um[STIPPLE_ZONE_CHEEK_LEFT] = 1000;
  d.depth_um[STIPPLE_ZONE_FOREHEAD] = 750;
  d.limit_um[STIPPLE_ZONE_FOREHEAD] = 500;
  d.selected = STIPPLE_ZONE_CHEEK_LEFT;
  d.legend = TRUE;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  stipple_face_draw (geometry, cr, width, height, &d);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (g_getenv ("STIPPLE_KEEP_FACE") != NULL)
    cairo_surface_write_to_png (surface, g_getenv ("STIPPLE_KEEP_FACE"));

  r = stipple_face_layout (geometry, width, height, TRUE);

  /* A planned zone has its depth's colour inside. */
  g_assert_true (inside_point (STIPPLE_ZONE_CHEEK_LEFT, &cx, &cy));
  px = (int) (r.x + cx * r.width);
  py = (int) (r.y + cy * r.height);
  pixel (surface, px, py, rgb);
  stipple_face_depth_color (1000, expected);
  g_assert_true (close_to (rgb, expected));

  /* A zone without plan is neutral: grey, not a colour of the scale. */
  g_assert_true (inside_point (STIPPLE_ZONE_NECK, &cx, &cy));
  pixel (surface, (int) (r.x + cx * r.width), (int) (r.y + cy * r.height), rgb);
  g_assert_cmpfloat (fabs (rgb[0] - rgb[1]), <, 0.02);
  g_assert_cmpfloat (fabs (rgb[1] - rgb[2]), <, 0.02);
  g_assert_cmpfloat (rgb[0], <, 0.95);

  /* The selected zone is outlined: walking left from inside the cheek,
   * the outline's blue comes before the background. */
  {
    gboolean outlined = FALSE;
    double blue[3] = { 0.0, 0.447, 0.698 };

    g_assert_true (inside_point (STIPPLE_ZONE_CHEEK_LEFT, &cx, &cy));
    for (int x = (int) (r.x + cx * r.width); x > 0 && !outlined; x--)
      {
        pixel (surface, x, (int) (r.y + cy * r.height), rgb);
        outlined = close_to (rgb, blue);
      }
    g_assert_true (outlined);
  }

  /* The forehead, above its limit, is hatched: its inside is not one flat colour. */
  {
    guint vermillion = 0;

    g_assert_true (inside_point (STIPPLE_ZONE_FOREHEAD, &cx, &cy));
    for (int dx = -30; dx <= 30; dx++)
      {
        pixel (surface, (int) (r.x + cx * r.width) + dx, (int) (r.y + cy * r.height), rgb);
        vermillion += rgb[0] > 0.7 && rgb[1] < 0.5 && rgb[2] < 0.2;
      }
    g_assert_cmpuint (vermillion, >, 3);
  }

  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  gsize len;
  int status;

  g_test_init (&argc, &argv, NULL);

  path = g_test_build_filename (G_TEST_DIST, "..", "data", "face-map.txt", NULL);
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  data = g_bytes_new_take (g_steal_pointer (&contents), len);
  geometry = stipple_face_geometry_new (data, &error);
  g_assert_no_error (error);

  g_test_add_func ("/stipple/face/geometry", test_geometry);
  g_test_add_func ("/stipple/face/bad-files", test_bad_files);
  g_test_add_func ("/stipple/face/drawing", test_drawing);

  status = g_test_run ();
  stipple_face_geometry_free (geometry);

  return status;
}
