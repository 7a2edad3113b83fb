/* test-strip-chart.c: the needle graphs, as drawn and as read aloud
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "stipple-chart-canvas.h"
#include "stipple-pen-clock.h"
#include "stipple-strip-chart.h"
#include "stipple-test-a11y.h"
#include "stipple-test-needle.h"
#include "stipple-test-wait.h"

#define RING_SAMPLES 16384

static const StippleTestNeedle needle = {
  .samples_per_s = 8000, .strokes_per_s = 120, .depth_um = 1000, .retract_um = -300,
  /* Near the wrap of the pen clock, so the graphs cross it. */
  .start_us = 4294967295u - 3000000u,
  .lift_period_us = 4000000, .lift_us = 600000,
};

typedef struct
{
  GtkWidget         *window;
  StippleStripChart *chart;
  StippleSampleRing  ring;
  StippleProtoSample storage[RING_SAMPLES];
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 560);
  fixture->chart = STIPPLE_STRIP_CHART (stipple_strip_chart_new ());
  stipple_strip_chart_set_commanded_depth (fixture->chart, 1000);
  stipple_strip_chart_set_depth_limit (fixture->chart, 1500);
  stipple_strip_chart_set_tolerance (fixture->chart, 100);
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->chart));
  g_assert_true (stipple_sample_ring_init (&fixture->ring, fixture->storage, RING_SAMPLES));

  gtk_window_present (GTK_WINDOW (fixture->window));
  stipple_test_wait_mapped (GTK_WIDGET (fixture->chart));
  stipple_test_iterate (50);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
}

/* Pushes samples [first, first + n) into the ring, waiting for room: the
 * chart must drain it from the main loop meanwhile. */
static void
push_samples (StippleSampleRing *ring,
              guint64            first,
              guint64            n)
{
  StippleProtoSample batch[64];

  for (guint64 i = 0; i < n; i += G_N_ELEMENTS (batch))
    {
      guint64 count = MIN (G_N_ELEMENTS (batch), n - i);

      for (guint64 k = 0; k < count; k++)
        stipple_test_needle_sample (&needle, first + i + k, &batch[k]);
      /* The producer has no main loop: it looks for room every 0.1 ms,
       * and the main thread's time-out bounds the wait. */
      while (stipple_sample_ring_get_writable (ring) < count)
        g_usleep (100);
      g_assert_cmpuint (stipple_sample_ring_push_batch (ring, batch, count), ==, count);
    }
}

typedef struct
{
  StippleSampleRing *ring;
  guint64            first;
  guint64            n;
  gboolean           paced;
} Producer;

static gpointer
producer_thread (gpointer data)
{
  Producer *producer = data;

  if (!producer->paced)
    {
      push_samples (producer->ring, producer->first, producer->n);
      return NULL;
    }

  /* As a pen does: 8 samples a millisecond, on the clock. A busy machine
   * only makes the packets later. */
  for (guint64 i = 0; i < producer->n; i += 8)
    {
      g_usleep (1000);
      push_samples (producer->ring, producer->first + i, MIN (8, producer->n - i));
    }
  return NULL;
}

/* Feeds samples from another thread, as the device's event thread does,
 * and lets the chart's own frame clock and timer take them. */
static void
feed_from_thread (Fixture *fixture,
                  guint64  first,
                  guint64  n)
{
  StippleChartTrace *trace = stipple_strip_chart_get_trace (fixture->chart);
  guint64 target = stipple_chart_trace_get_n_ingested (trace) + n;
  Producer producer = { &fixture->ring, first, n };
  GThread *thread = g_thread_new ("pen", producer_thread, &producer);

  WAIT_FOR_SECONDS (30, stipple_chart_trace_get_n_ingested (trace) >= target);
  g_thread_join (thread);
}

static GBytes *
needle_bytes (guint64 n)
{
  StippleProtoSample *samples = g_new (StippleProtoSample, n);

  for (guint64 i = 0; i < n; i++)
    stipple_test_needle_sample (&needle, i, &samples[i]);

  return g_bytes_new_take (samples, n * sizeof *samples);
}

/* Device pixels: on a HiDPI screen, scale of them to a logical pixel. */
typedef struct
{
  int     width;
  int     height;
  int     scale;
  guint8 *pixels;
} Picture;

static void
picture_free (Picture *picture)
{
  g_free (picture->pixels);
  g_free (picture);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Picture, picture_free)

/* The canvas, rendered the way a frame renders it, as ARGB32 pixels at
 * the screen's scale. */
static Picture *
render (GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  Picture *picture = g_new0 (Picture, 1);
  graphene_rect_t bounds;

  /* Snapshotting through the parent draws the canvas now, as it is,
   * rather than the last frame shown. */
  g_assert_true (gtk_widget_compute_bounds (widget, parent, &bounds));
  picture->scale = gtk_widget_get_scale_factor (widget);
  picture->width = gtk_widget_get_width (widget) * picture->scale;
  picture->height = gtk_widget_get_height (widget) * picture->scale;
  g_assert_cmpint (picture->width, >, 0);
  gtk_snapshot_scale (snapshot, picture->scale, picture->scale);
  gtk_widget_snapshot_child (parent, widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (bounds.origin.x * picture->scale,
                                                              bounds.origin.y * picture->scale,
                                                              picture->width, picture->height));
  gsk_renderer_unrealize (renderer);

  picture->pixels = g_malloc ((gsize) picture->width * picture->height * 4);
  gdk_texture_download (texture, picture->pixels, picture->width * 4);

  return picture;
}

/* Whether the device pixel at logical (x, y) is @rgb, opaque or nearly so. */
static gboolean
pixel_is (const Picture *picture,
          double         x,
          double         y,
          guint32        rgb)
{
  int dx = (int) floor (x * picture->scale), dy = (int) floor (y * picture->scale);
  const guint8 *p = picture->pixels + ((gsize) dy * picture->width + dx) * 4;
  int b = p[0], g = p[1], r = p[2], a = p[3];

  if (a < 200)
    return FALSE;

  return ABS (r - (int) (rgb >> 16 & 0xff)) <= 40
         && ABS (g - (int) (rgb >> 8 & 0xff)) <= 40
         && ABS (b - (int) (rgb & 0xff)) <= 40;
}

static int
column_rows_of (const Picture *picture,
                int            x,
                int            y0,
                int            y1,
                guint32        rgb)
{
  int rows = 0;

  for (int y = y0; y < y1; y++)
    rows += pixel_is (picture, x, y, rgb);

  return rows;
}

static void
test_accessible (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkWidget *root = GTK_WIDGET (fixture->window);
  GtkWidget *canvas;

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (fixture->chart), GTK_ACCESSIBLE_ROLE_GROUP);
  canvas = stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_IMG, "Needle Graphs");
  g_assert_true (canvas == stipple_strip_chart_get_canvas (fixture->chart));
  gtk_test_accessible_assert_property (canvas, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Needle position, depth reached per stroke and stroke rate over 10 seconds");

  g_assert_nonnull (stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_BUTTON, "Pause Graphs"));
  g_assert_nonnull (stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_BUTTON, "Show More Time"));
  g_assert_nonnull (stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_BUTTON, "Show Less Time"));
  for (guint i = 0; i < 5; i++)
    {
      static const char *captions[] = {
        "Strokes", "Time in zone", "Mean depth", "Out of tolerance", "Stroke rate",
      };
      g_assert_nonnull (stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_LABEL, captions[i]));
    }
  /* The scrubber is for replays only. */
  g_assert_null (stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_SLIDER, "Replay Position"));
}

/* Live, the graphs are redrawn at most 30 times a second, however many
 * frames the display has: counted over a second of samples as a pen
 * sends them. A busy machine draws fewer, never more. */
static void
test_live_rate (Fixture       *fixture,
                gconstpointer  data)
{
  StippleChartCanvas *canvas;
  StippleChartTrace *trace;
  Producer producer = { &fixture->ring, 0, 8000, TRUE };
  GThread *thread;
  gint64 draws, drawn, started, elapsed;

  stipple_strip_chart_set_ring (fixture->chart, &fixture->ring);
  trace = stipple_strip_chart_get_trace (fixture->chart);
  canvas = STIPPLE_CHART_CANVAS (stipple_strip_chart_get_canvas (fixture->chart));
  draws = stipple_chart_canvas_get_draw_count (canvas);
  started = g_get_monotonic_time ();
  thread = g_thread_new ("pen", producer_thread, &producer);
  WAIT_FOR_SECONDS (30, stipple_chart_trace_get_n_ingested (trace) >= producer.n);
  elapsed = g_get_monotonic_time () - started;
  g_thread_join (thread);
  drawn = stipple_chart_canvas_get_draw_count (canvas) - draws;

  g_test_message ("%" G_GINT64_FORMAT " redraws in %.2f s", drawn, elapsed / 1e6);
  g_assert_cmpint (drawn, >, 1);
  /* Two frames of a 60 Hz display may come 4 ms early. */
  g_assert_cmpint (drawn, <=, 2 + elapsed / (G_USEC_PER_SEC / 30 - 4000));
}

static void
test_live (Fixture       *fixture,
           gconstpointer  data)
{
  GtkWidget *root = GTK_WIDGET (fixture->window);
  StippleStrokeAnalyser reference;
  StipplePenClock clock;
  const StippleStrokeStats *stats;
  guint64 n = 8000 * 5;
  g_autofree char *strokes = NULL;
  g_autofree char *out = NULL;
  g_autofree char *depth = NULL;
  gint64 draws;

  stipple_strip_chart_set_ring (fixture->chart, &fixture->ring);
  draws = stipple_chart_canvas_get_draw_count (STIPPLE_CHART_CANVAS (stipple_strip_chart_get_canvas (fixture->chart)));
  feed_from_thread (fixture, 0, n);
  /* The last samples reach the screen with the next frame. */
  WAIT_FOR (stipple_strip_chart_get_samples_not_drawn (fixture->chart) == 0);
  /* The frame clock drew while samples came in. */
  g_assert_cmpint (stipple_chart_canvas_get_draw_count (STIPPLE_CHART_CANVAS (stipple_strip_chart_get_canvas (fixture->chart))),
                   >, draws);

  /* The figures are those of the analyser run over the same samples. */
  stipple_stroke_analyser_init (&reference, 1000, 100);
  stipple_pen_clock_init (&clock);
  for (guint64 i = 0; i < n; i++)
    {
      StippleProtoSample sample;
      StippleStroke stroke;

      stipple_test_needle_sample (&needle, i, &sample);
      stipple_stroke_analyser_add (&reference, stipple_pen_clock_unwrap (&clock, sample.timestamp_us),
                                   &sample, &stroke);
    }
  stats = stipple_strip_chart_get_stats (fixture->chart);
  g_assert_cmpuint (stats->strokes, ==, reference.stats.strokes);
  g_assert_cmpuint (stats->out_of_tolerance, ==, reference.stats.out_of_tolerance);
  g_assert_cmpuint (stats->time_in_zone_us, ==, reference.stats.time_in_zone_us);
  /* 5 s at 120 strokes/s, lifted from 3.4 s to 4 s. */
  g_assert_cmpuint (stats->strokes, >=, 520);
  g_assert_cmpuint (stats->strokes, <=, 530);

  /* ...and the labels beside the graphs say so. */
  stipple_strip_chart_update_figures (fixture->chart);
  strokes = g_strdup_printf ("%" G_GUINT64_FORMAT, stats->strokes);
  out = g_strdup_printf ("%" G_GUINT64_FORMAT, stats->out_of_tolerance);
  g_assert_nonnull (stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_LABEL, strokes));
  /* Under a minute, to a tenth of a second: "4.3 s", never "0:04". */
  {
    g_autofree char *time = stipple_strip_chart_format_duration (stats->time_in_zone_us);

    g_assert_true (g_str_has_prefix (time, "4.") && g_str_has_suffix (time, " s"));
    g_assert_nonnull (stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_LABEL, time));
  }
  /* Every 50th stroke 0.25 mm too deep, the others within 0.02 mm. */
  g_assert_cmpfloat (ABS (stipple_stroke_stats_get_mean_um (stats) - 1005), <, 3);
  g_assert_cmpfloat (ABS (stipple_stroke_stats_get_sd_um (stats) - 37), <, 5);
  depth = g_strdup_printf ("%.2f ± %.2f mm", stipple_stroke_stats_get_mean_um (stats) / 1000,
                           stipple_stroke_stats_get_sd_um (stats) / 1000);
  g_assert_cmpstr (depth, ==, "1.01 ± 0.04 mm");
  g_assert_nonnull (stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_LABEL, depth));
  {
    guint32 rate = stipple_chart_trace_get_rate_mhz (stipple_strip_chart_get_trace (fixture->chart));
    g_autofree char *text = g_strdup_printf ("%.0f/s", rate / 1000.0);

    /* 120 strokes/s, give or take the sampling of each peak. */
    g_assert_cmpuint (rate, >=, 110000);
    g_assert_cmpuint (rate, <=, 130000);
    g_assert_nonnull (stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_LABEL, text));
  }
  g_assert_nonnull (stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_LABEL, out));

  /* A new zone starts its figures from nothing; the graphs go on. */
  stipple_strip_chart_reset_zone (fixture->chart);
  g_assert_cmpuint (stipple_strip_chart_get_stats (fixture->chart)->strokes, ==, 0);
  g_assert_true (stipple_chart_trace_has_samples (stipple_strip_chart_get_trace (fixture->chart)));

  stipple_strip_chart_set_ring (fixture->chart, NULL);
}

static void
test_hidden (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWidget *canvas = stipple_strip_chart_get_canvas (fixture->chart);
  gint64 draws;

  /* Hidden graphs draw nothing but still take every sample, so the zone
   * figures stay complete and the ring does not overflow. */
  stipple_strip_chart_set_ring (fixture->chart, &fixture->ring);
  gtk_widget_set_visible (GTK_WIDGET (fixture->chart), FALSE);
  WAIT_FOR (!gtk_widget_get_mapped (GTK_WIDGET (fixture->chart)));
  draws = stipple_chart_canvas_get_draw_count (STIPPLE_CHART_CANVAS (canvas));

  feed_from_thread (fixture, 0, 3 * RING_SAMPLES);
  g_assert_cmpuint (stipple_strip_chart_get_samples_not_drawn (fixture->chart), ==, 0);
  g_assert_cmpint (stipple_chart_canvas_get_draw_count (STIPPLE_CHART_CANVAS (canvas)), ==, draws);
  g_assert_cmpuint (stipple_strip_chart_get_stats (fixture->chart)->strokes, >, 600);

  /* Shown again, it draws again. */
  gtk_widget_set_visible (GTK_WIDGET (fixture->chart), TRUE);
  stipple_test_wait_mapped (GTK_WIDGET (fixture->chart));
  feed_from_thread (fixture, 3 * RING_SAMPLES, 8000);
  WAIT_FOR (stipple_chart_canvas_get_draw_count (STIPPLE_CHART_CANVAS (canvas)) > draws);

  stipple_strip_chart_set_ring (fixture->chart, NULL);
}

static void
test_overflow (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *text = NULL;

  stipple_strip_chart_set_ring (fixture->chart, &fixture->ring);

  /* The UI thread is busy: nothing drains while 20,000 samples arrive. */
  for (guint64 i = 0; i < 20000; i += 500)
    {
      StippleProtoSample batch[500];

      for (guint k = 0; k < 500; k++)
        stipple_test_needle_sample (&needle, i + k, &batch[k]);
      stipple_sample_ring_push_batch (&fixture->ring, batch, 500);
    }

  g_assert_cmpuint (stipple_strip_chart_drain (fixture->chart), ==, RING_SAMPLES);
  g_assert_cmpuint (stipple_strip_chart_get_samples_not_drawn (fixture->chart), ==, 20000 - RING_SAMPLES);
  text = g_strdup_printf ("Graph fell behind: %d samples not drawn", 20000 - RING_SAMPLES);
  g_assert_nonnull (stipple_test_find_accessible (GTK_WIDGET (fixture->window),
                                                  GTK_ACCESSIBLE_ROLE_LABEL, text));

  /* A new pen connection starts the count afresh. */
  stipple_strip_chart_set_ring (fixture->chart, NULL);
  stipple_strip_chart_set_ring (fixture->chart, &fixture->ring);
  g_assert_cmpuint (stipple_strip_chart_get_samples_not_drawn (fixture->chart), ==, 0);
  g_assert_null (stipple_test_find_accessible (GTK_WIDGET (fixture->window),
                                               GTK_ACCESSIBLE_ROLE_LABEL, text));
  stipple_strip_chart_set_ring (fixture->chart, NULL);
}

/* Whether a per-stroke depth mark is drawn within 3 logical pixels of
 * @x. */
static gboolean
depth_mark_near (StippleChartCanvas *canvas,
                 StippleChartTrace  *trace,
                 int                 x)
{
  const StippleDecimator *depth = stipple_chart_trace_get_strip (trace, STIPPLE_CHART_STRIP_DEPTH);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (canvas));
  gint64 first = stipple_chart_trace_get_end_column (trace) - stipple_chart_trace_get_n_columns (trace) + 1;
  gint64 column = first + (gint64) ((x - stipple_chart_canvas_column_to_x (canvas, first)) * scale);

  for (gint64 c = column - 3 * scale; c <= column + 3 * scale; c++)
    if (c >= first && stipple_decimator_get (depth, c) != NULL)
      return TRUE;

  return FALSE;
}

/* Renders the canvas and checks the level lines and every 7th column of
 * the waveform against the trace; @waveform is the waveform's colour. */
static void
check_picture (Fixture *fixture,
               guint32  waveform)
{
  GtkWidget *widget = stipple_strip_chart_get_canvas (fixture->chart);
  StippleChartCanvas *canvas = STIPPLE_CHART_CANVAS (widget);
  StippleChartTrace *trace;
  const StippleDecimator *position;
  g_autoptr(Picture) picture = NULL;
  graphene_rect_t depth_area, position_area;
  int commanded_y, limit_y, x, checked = 0;
  guint present = 0;
  gint64 first;

  picture = render (widget);
  trace = stipple_strip_chart_get_trace (fixture->chart);

  g_assert_true (stipple_chart_canvas_get_strip_area (canvas, STIPPLE_CHART_STRIP_DEPTH, &depth_area));
  g_assert_true (stipple_chart_canvas_get_strip_area (canvas, STIPPLE_CHART_STRIP_POSITION, &position_area));

  /* The commanded depth: a dashed bluish green line at 1.00 mm, with a
   * dash from the left edge every 12 pixels, under the per-stroke marks:
   * looked at where no mark is. Nothing of it a few pixels off. */
  commanded_y = (int) round (stipple_chart_canvas_value_to_y (canvas, STIPPLE_CHART_STRIP_DEPTH, 1000));
  x = (int) depth_area.origin.x + 3;
  while (depth_mark_near (canvas, trace, x) || depth_mark_near (canvas, trace, x + 7))
    {
      x += 12;
      g_assert_cmpfloat (x + 7, <, depth_area.origin.x + depth_area.size.width);
    }
  g_assert_true (pixel_is (picture, x, commanded_y, 0x009e73));
  g_assert_cmpint (column_rows_of (picture, x, (int) depth_area.origin.y,
                                   (int) (depth_area.origin.y + depth_area.size.height), 0x009e73), <=, 3);
  g_assert_false (pixel_is (picture, x, commanded_y - 4, 0x009e73));
  g_assert_false (pixel_is (picture, x, commanded_y + 4, 0x009e73));
  /* In the gap of the dash, no line. */
  g_assert_false (pixel_is (picture, x + 7, commanded_y, 0x009e73));
  /* Over the waveform too. */
  commanded_y = (int) round (stipple_chart_canvas_value_to_y (canvas, STIPPLE_CHART_STRIP_POSITION, 1000));
  g_assert_true (pixel_is (picture, (int) position_area.origin.x + 3, commanded_y, 0x009e73));

  /* The zone limit: a vermillion dotted line at 1.50 mm. */
  limit_y = (int) round (stipple_chart_canvas_value_to_y (canvas, STIPPLE_CHART_STRIP_DEPTH, 1500));
  g_assert_true (pixel_is (picture, (int) depth_area.origin.x + 1, limit_y, 0xd55e00));
  g_assert_false (pixel_is (picture, (int) depth_area.origin.x + 1, limit_y - 4, 0xd55e00));

  /* The waveform: each column painted blue from its shallowest to its
   * deepest sample, reaching to its left neighbour, and not beyond. */
  position = stipple_chart_trace_get_strip (trace, STIPPLE_CHART_STRIP_POSITION);
  first = stipple_chart_trace_get_end_column (trace) - stipple_chart_trace_get_n_columns (trace) + 1;
  for (gint64 c = first + 1; c < first + stipple_chart_trace_get_n_columns (trace); c += 7)
    {
      const StippleDecimatorColumn *column = stipple_decimator_get (position, c);
      const StippleDecimatorColumn *left = stipple_decimator_get (position, c - 1);
      double cx = stipple_chart_canvas_column_to_x (canvas, c);
      int top, bottom;

      if (column == NULL || left == NULL)
        continue;
      top = (int) ceil (stipple_chart_canvas_value_to_y (canvas, STIPPLE_CHART_STRIP_POSITION,
                                                         MIN (column->min, left->max)));
      bottom = (int) floor (stipple_chart_canvas_value_to_y (canvas, STIPPLE_CHART_STRIP_POSITION,
                                                             MAX (column->max, left->min)));
      /* Away from the level lines drawn over it. */
      for (int y = top + 1; y < bottom - 1; y++)
        if (ABS (y - commanded_y) > 2)
          g_assert_true (pixel_is (picture, cx, y, waveform));
      g_assert_false (pixel_is (picture, cx, top - 3, waveform));
      g_assert_false (pixel_is (picture, cx, bottom + 3, waveform));
      checked++;
    }
  /* At least 3 s of the window, one column a device pixel. */
  for (gint64 c = first; c < first + stipple_chart_trace_get_n_columns (trace); c++)
    present += stipple_decimator_get (position, c) != NULL;
  g_assert_cmpuint (present, >, stipple_chart_trace_get_n_columns (trace) / 4);
  g_assert_cmpint (checked, >=, present / 7 - 2);
  g_assert_cmpuint (stipple_chart_trace_get_n_columns (trace), ==,
                    (guint) (position_area.size.width * gtk_widget_get_scale_factor (widget)));
}

static void
test_picture (Fixture       *fixture,
              gconstpointer  data)
{
  stipple_strip_chart_set_ring (fixture->chart, &fixture->ring);
  feed_from_thread (fixture, 0, 8000 * 3);
  check_picture (fixture, 0x0072b2);
  stipple_strip_chart_set_ring (fixture->chart, NULL);
}

static void
assert_same_pixels (const Picture *a,
                    const Picture *b)
{
  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  g_assert_cmpmem (a->pixels, (gsize) a->width * a->height * 4,
                   b->pixels, (gsize) b->width * b->height * 4);
}

/* Five frames of a 60th of a second each, drawn by the frame clock: each
 * takes every sample there is and rasterises only the columns that
 * changed (fewer than @most, of the 3 × n_columns of the strips); the
 * picture is then the very one a full redraw gives. */
static void
check_frames_equal_full_redraw (Fixture *fixture,
                                guint64 *n,
                                gint64   most)
{
  GtkWidget *widget = stipple_strip_chart_get_canvas (fixture->chart);
  StippleChartCanvas *canvas = STIPPLE_CHART_CANVAS (widget);
  g_autoptr(Picture) incremental = NULL;
  g_autoptr(Picture) full = NULL;
  gint64 before;

  for (guint frame = 0; frame < 5; frame++)
    {
      gint64 draws = stipple_chart_canvas_get_draw_count (canvas);
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      before = stipple_chart_canvas_get_columns_redrawn (canvas);
      push_samples (&fixture->ring, *n, 8000 / 60);
      *n += 8000 / 60;
      while (stipple_chart_canvas_get_draw_count (canvas) == draws)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_main_context_iteration (NULL, TRUE);
        }
      g_assert_cmpuint (stipple_sample_ring_get_readable (&fixture->ring), ==, 0);
      g_assert_cmpuint (stipple_chart_trace_get_n_ingested (stipple_strip_chart_get_trace (fixture->chart)), ==, *n);
      g_assert_cmpint (stipple_chart_canvas_get_columns_redrawn (canvas) - before, >, 0);
      g_assert_cmpint (stipple_chart_canvas_get_columns_redrawn (canvas) - before, <, most);
    }
  incremental = render (widget);

  /* The same levels set again: everything redrawn from the trace. */
  before = stipple_chart_canvas_get_columns_redrawn (canvas);
  stipple_chart_canvas_set_levels (canvas, 1000, 1500, 100);
  full = render (widget);
  g_assert_cmpint (stipple_chart_canvas_get_columns_redrawn (canvas) - before, >,
                   stipple_chart_trace_get_n_columns (stipple_strip_chart_get_trace (fixture->chart)));
  assert_same_pixels (incremental, full);
}

/* The canvas keeps the columns it has rasterised and, each frame, draws
 * only those that changed: that must give the very picture a full redraw
 * gives, and zoom, resize and theme changes must redraw everything. */
static void
test_incremental (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *widget = stipple_strip_chart_get_canvas (fixture->chart);
  StippleChartCanvas *canvas = STIPPLE_CHART_CANVAS (widget);
  AdwStyleManager *style = adw_style_manager_get_default ();
  guint64 n = 8000 * 12;
  guint n_columns;

  /* More than the 10 s window, drawn frame by frame as it came: the
   * graphs have scrolled through all their tiles. */
  stipple_strip_chart_set_ring (fixture->chart, &fixture->ring);
  feed_from_thread (fixture, 0, n);
  WAIT_FOR (stipple_strip_chart_get_samples_not_drawn (fixture->chart) == 0);
  check_picture (fixture, 0x0072b2);
  n_columns = stipple_chart_trace_get_n_columns (stipple_strip_chart_get_trace (fixture->chart));

  check_frames_equal_full_redraw (fixture, &n, 60);
  check_picture (fixture, 0x0072b2);

  /* Zoomed in, a column a few samples: there each column reaches to its
   * left neighbour, and the columns leaving the window on the left must
   * lose that reach. */
  stipple_strip_chart_set_window (fixture->chart, 0.25);
  feed_from_thread (fixture, n, 4000);
  n += 4000;
  check_frames_equal_full_redraw (fixture, &n, 3 * n_columns / 2);
  stipple_strip_chart_set_window (fixture->chart, 10);

  /* Zoomed in, and out again, while samples go on arriving. */
  stipple_strip_chart_set_window (fixture->chart, 2);
  feed_from_thread (fixture, n, 8000);
  n += 8000;
  check_picture (fixture, 0x0072b2);
  stipple_strip_chart_set_window (fixture->chart, 10);
  feed_from_thread (fixture, n, 8000);
  n += 8000;
  check_picture (fixture, 0x0072b2);

  /* Wider: more columns, every one drawn. */
  gtk_widget_set_size_request (widget, 1300, -1);
  WAIT_FOR (stipple_chart_trace_get_n_columns (stipple_strip_chart_get_trace (fixture->chart)) > n_columns);
  feed_from_thread (fixture, n, 4000);
  n += 4000;
  check_picture (fixture, 0x0072b2);

  /* A dark theme: the waveform redrawn sky blue, no blue column left. */
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  WAIT_FOR (adw_style_manager_get_dark (style));
  feed_from_thread (fixture, n, 4000);
  check_picture (fixture, 0x56b4e9);
  {
    g_autoptr(Picture) dark = render (widget);
    graphene_rect_t area;
    int blue = 0;

    g_assert_true (stipple_chart_canvas_get_strip_area (canvas, STIPPLE_CHART_STRIP_POSITION, &area));
    for (int x = (int) area.origin.x; x < area.origin.x + area.size.width; x++)
      for (int y = (int) area.origin.y; y < area.origin.y + area.size.height; y += 3)
        blue += pixel_is (dark, x, y, 0x0072b2);
    g_assert_cmpint (blue, ==, 0);
  }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  WAIT_FOR (!adw_style_manager_get_dark (style));

  stipple_strip_chart_set_ring (fixture->chart, NULL);
}

/* The same checks on a screen of scale 2, in a child process: the scale
 * is the display's, chosen when GTK starts. */
static void
test_picture_hidpi (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture;

      fixture_set_up (&fixture, NULL);
      g_assert_cmpint (gtk_widget_get_scale_factor (GTK_WIDGET (fixture.chart)), ==, 2);
      test_picture (&fixture, NULL);
      fixture_tear_down (&fixture, NULL);
      fixture_set_up (&fixture, NULL);
      test_incremental (&fixture, NULL);
      fixture_tear_down (&fixture, NULL);
      return;
    }

  g_setenv ("GDK_SCALE", "2", TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("GDK_SCALE");
  g_test_trap_assert_passed ();
}

static void
test_dark (Fixture       *fixture,
           gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkWidget *widget = stipple_strip_chart_get_canvas (fixture->chart);
  StippleChartCanvas *canvas = STIPPLE_CHART_CANVAS (widget);
  g_autoptr(GBytes) bytes = needle_bytes (8000 * 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(Picture) picture = NULL;
  graphene_rect_t area;
  int x, y, sky = 0, blue = 0;

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  WAIT_FOR (adw_style_manager_get_dark (style));
  g_assert_true (stipple_strip_chart_set_replay (fixture->chart, bytes, &error));
  g_assert_no_error (error);
  picture = render (widget);

  /* On a dark background the waveform is sky blue instead of blue. */
  g_assert_true (stipple_chart_canvas_get_strip_area (canvas, STIPPLE_CHART_STRIP_POSITION, &area));
  y = (int) round (stipple_chart_canvas_value_to_y (canvas, STIPPLE_CHART_STRIP_POSITION, 200));
  for (x = (int) area.origin.x; x < area.origin.x + area.size.width; x++)
    {
      sky += pixel_is (picture, x, y, 0x56b4e9);
      blue += pixel_is (picture, x, y, 0x0072b2);
    }
  g_assert_cmpint (sky, >, 50);
  g_assert_cmpint (blue, ==, 0);

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  WAIT_FOR (!adw_style_manager_get_dark (style));
}

static void
assert_same_columns (StippleChartTrace *a,
                     StippleChartTrace *b)
{
  gint64 end = stipple_chart_trace_get_end_column (a);
  guint n = stipple_chart_trace_get_n_columns (a);
  guint present = 0;

  g_assert_cmpint (end, ==, stipple_chart_trace_get_end_column (b));
  g_assert_cmpuint (n, ==, stipple_chart_trace_get_n_columns (b));
  for (guint s = 0; s < STIPPLE_CHART_N_STRIPS; s++)
    for (gint64 c = end - n + 1; c <= end; c++)
      {
        const StippleDecimatorColumn *x = stipple_decimator_get (stipple_chart_trace_get_strip (a, s), c);
        const StippleDecimatorColumn *y = stipple_decimator_get (stipple_chart_trace_get_strip (b, s), c);

        g_assert_true ((x == NULL) == (y == NULL));
        if (x == NULL)
          continue;
        g_assert_cmpint (x->min, ==, y->min);
        g_assert_cmpint (x->max, ==, y->max);
        g_assert_cmpuint (x->count, ==, y->count);
        present++;
      }
  g_assert_cmpuint (present, >, n);
}

static void
assert_same_picture (GtkWidget *a,
                     GtkWidget *b)
{
  g_autoptr(Picture) pa = render (a);
  g_autoptr(Picture) pb = render (b);

  assert_same_pixels (pa, pb);
}

static void
assert_same_stats (const StippleStrokeStats *a,
                   const StippleStrokeStats *b)
{
  g_assert_cmpuint (a->strokes, ==, b->strokes);
  g_assert_cmpuint (a->out_of_tolerance, ==, b->out_of_tolerance);
  g_assert_cmpuint (a->time_in_zone_us, ==, b->time_in_zone_us);
  g_assert_cmpfloat (a->mean_um, ==, b->mean_um);
  g_assert_cmpfloat (a->m2_um2, ==, b->m2_um2);
}

static void
test_replay_equals_live (Fixture       *fixture,
                         gconstpointer  data)
{
  /* 13 s (past the pen clock wrap, across two lifts), then a replay of
   * the same samples in a second window of the same size. */
  guint64 n = 8000 * 13 + 123;
  g_autoptr(GBytes) bytes = needle_bytes (n);
  g_autoptr(GError) error = NULL;
  Fixture replay;
  StippleChartTrace *live_trace, *replay_trace;
  guint64 middle = 8000 * 7 + 2222;
  StippleProtoSample sample;

  stipple_strip_chart_set_ring (fixture->chart, &fixture->ring);
  fixture_set_up (&replay, NULL);
  g_assert_true (stipple_strip_chart_set_replay (replay.chart, bytes, &error));
  g_assert_no_error (error);
  g_assert_nonnull (stipple_test_find_accessible (replay.window, GTK_ACCESSIBLE_ROLE_SLIDER,
                                                  "Replay Position"));
  g_assert_nonnull (stipple_test_find_accessible (replay.window, GTK_ACCESSIBLE_ROLE_LABEL,
                                                  "Replayed Session"));
  g_assert_cmpuint (stipple_strip_chart_get_replay_duration (replay.chart), ==,
                    stipple_test_needle_time_of (&needle, n - 1));
  /* The scrubber takes room in the replay window: give both canvases
   * the same size. */
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *canvas = stipple_strip_chart_get_canvas (i == 0 ? fixture->chart : replay.chart);

      gtk_widget_set_vexpand (canvas, FALSE);
      gtk_widget_set_valign (canvas, GTK_ALIGN_START);
      gtk_widget_set_size_request (canvas, -1, 400);
    }
  stipple_test_iterate (100);
  g_assert_cmpint (gtk_widget_get_height (stipple_strip_chart_get_canvas (fixture->chart)), ==, 400);
  g_assert_cmpint (gtk_widget_get_height (stipple_strip_chart_get_canvas (replay.chart)), ==, 400);

  live_trace = stipple_strip_chart_get_trace (fixture->chart);
  replay_trace = stipple_strip_chart_get_trace (replay.chart);

  /* Part way through: the replay scrubbed to the newest live sample. */
  feed_from_thread (fixture, 0, middle);
  stipple_strip_chart_set_replay_position (replay.chart, stipple_test_needle_time_of (&needle, middle - 1));
  assert_same_columns (live_trace, replay_trace);
  assert_same_stats (stipple_strip_chart_get_stats (fixture->chart),
                     stipple_strip_chart_get_stats (replay.chart));
  assert_same_picture (stipple_strip_chart_get_canvas (fixture->chart),
                       stipple_strip_chart_get_canvas (replay.chart));

  /* And at the end. */
  feed_from_thread (fixture, middle, n - middle);
  stipple_strip_chart_set_replay_position (replay.chart, stipple_strip_chart_get_replay_duration (replay.chart));
  assert_same_columns (live_trace, replay_trace);
  assert_same_stats (stipple_strip_chart_get_stats (fixture->chart),
                     stipple_strip_chart_get_stats (replay.chart));
  assert_same_picture (stipple_strip_chart_get_canvas (fixture->chart),
                       stipple_strip_chart_get_canvas (replay.chart));

  /* Zoomed in on both, after the fact: redrawn from history and from
   * checkpoints, still the same. */
  stipple_strip_chart_set_window (fixture->chart, 2);
  stipple_strip_chart_set_window (replay.chart, 2);
  assert_same_columns (live_trace, replay_trace);
  assert_same_picture (stipple_strip_chart_get_canvas (fixture->chart),
                       stipple_strip_chart_get_canvas (replay.chart));

  /* Playback moves the position on with the frame clock. */
  stipple_strip_chart_set_replay_position (replay.chart, 1000000);
  stipple_strip_chart_set_paused (replay.chart, FALSE);
  for (guint i = 0; i < 10 * test_slowdown () &&
                    stipple_strip_chart_get_replay_position (replay.chart) <= 1100000; i++)
    stipple_test_iterate (30);
  g_assert_cmpuint (stipple_strip_chart_get_replay_position (replay.chart), >, 1100000);
  stipple_strip_chart_set_paused (replay.chart, TRUE);

  /* Back to live: the live trace again. */
  stipple_strip_chart_stop_replay (replay.chart);
  g_assert_false (stipple_strip_chart_get_replaying (replay.chart));
  g_assert_false (stipple_chart_trace_get_newest (stipple_strip_chart_get_trace (replay.chart), &sample));

  fixture_tear_down (&replay, NULL);
  stipple_strip_chart_set_ring (fixture->chart, NULL);
}

static void
click (GtkWidget  *root,
       const char *label)
{
  GtkWidget *button = stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_BUTTON, label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

static void
test_zoom_and_pause (Fixture       *fixture,
                     gconstpointer  data)
{
  StippleChartTrace *trace, *fresh;
  GtkWidget *root = GTK_WIDGET (fixture->window);
  guint64 strokes;
  gint64 end;
  guint n_columns;
  StippleProtoSample samples[8000];

  stipple_strip_chart_set_ring (fixture->chart, &fixture->ring);
  feed_from_thread (fixture, 0, 8000 * 4);
  trace = stipple_strip_chart_get_trace (fixture->chart);

  /* Zooming is clamped, and the button steps go through the presets. */
  stipple_strip_chart_set_window (fixture->chart, 1000);
  g_assert_cmpfloat (stipple_strip_chart_get_window (fixture->chart), ==, STIPPLE_STRIP_CHART_MAX_WINDOW);
  click (root, "Show Less Time");
  g_assert_cmpfloat (stipple_strip_chart_get_window (fixture->chart), ==, 20);
  stipple_strip_chart_set_window (fixture->chart, 0.7);
  click (root, "Show More Time");
  g_assert_cmpfloat (stipple_strip_chart_get_window (fixture->chart), ==, 1);
  click (root, "Show Less Time");
  g_assert_cmpfloat (stipple_strip_chart_get_window (fixture->chart), ==, 0.5);
  g_assert_nonnull (stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_LABEL, "0.5 s"));

  /* A zoomed window equals one decimated at that zoom from the start. */
  n_columns = stipple_chart_trace_get_n_columns (trace);
  fresh = stipple_chart_trace_new_live (1 << 16);
  stipple_chart_trace_set_target (fresh, 1000, 100);
  stipple_chart_trace_set_geometry (fresh, n_columns, 500000);
  for (guint64 i = 0; i < 8000 * 4; i++)
    {
      stipple_test_needle_sample (&needle, i, &samples[0]);
      stipple_chart_trace_ingest (fresh, samples, 1);
    }
  assert_same_columns (trace, fresh);
  stipple_chart_trace_free (fresh);

  /* Paused, the graphs stand still but the figures go on. */
  click (root, "Pause Graphs");
  g_assert_true (stipple_strip_chart_get_paused (fixture->chart));
  g_assert_nonnull (stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_BUTTON, "Resume Graphs"));
  end = stipple_chart_trace_get_end_column (trace);
  strokes = stipple_strip_chart_get_stats (fixture->chart)->strokes;
  feed_from_thread (fixture, 8000 * 4, 8000);
  g_assert_cmpint (stipple_chart_trace_get_end_column (trace), ==, end);
  g_assert_cmpuint (stipple_strip_chart_get_stats (fixture->chart)->strokes, >, strokes + 100);

  /* Resumed, the graphs jump to the newest sample. */
  stipple_strip_chart_set_paused (fixture->chart, FALSE);
  g_assert_cmpint (stipple_chart_trace_get_end_column (trace), >, end);
  stipple_test_needle_sample (&needle, 8000 * 5 - 1, &samples[0]);
  {
    StippleProtoSample newest;

    g_assert_true (stipple_chart_trace_get_newest (trace, &newest));
    g_assert_cmpuint (newest.timestamp_us, ==, samples[0].timestamp_us);
  }

  stipple_strip_chart_set_ring (fixture->chart, NULL);
}

static void
test_replay_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) damaged = g_bytes_new ("0123456789abcdefg", 17);
  g_autoptr(GError) error = NULL;

  g_assert_false (stipple_strip_chart_set_replay (fixture->chart, empty, &error));
  g_assert_error (error, STIPPLE_CHART_ERROR, STIPPLE_CHART_ERROR_NO_SAMPLES);
  g_clear_error (&error);
  g_assert_false (stipple_strip_chart_set_replay (fixture->chart, damaged, &error));
  g_assert_error (error, STIPPLE_CHART_ERROR, STIPPLE_CHART_ERROR_DAMAGED);
  g_assert_false (stipple_strip_chart_get_replaying (fixture->chart));
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      /* Not a skip: a UI test without a display has not tested anything. */
      g_printerr ("test-strip-chart needs a display; run it through ./build-aux/dev test\n");
      return 1;
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);

#define ADD(path, func) \
  g_test_add ("/stipple/strip-chart/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("accessible", test_accessible);
  ADD ("live", test_live);
  ADD ("live-rate", test_live_rate);
  ADD ("hidden", test_hidden);
  ADD ("overflow", test_overflow);
  ADD ("picture", test_picture);
  ADD ("incremental", test_incremental);
  g_test_add_func ("/stipple/strip-chart/picture-hidpi", test_picture_hidpi);
  ADD ("dark", test_dark);
  ADD ("replay-equals-live", test_replay_equals_live);
  ADD ("zoom-and-pause", test_zoom_and_pause);
  ADD ("replay-errors", test_replay_errors);
#undef ADD

  return g_test_run ();
}
