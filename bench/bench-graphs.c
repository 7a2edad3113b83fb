/* bench-graphs.c: the needle graphs at 8,000 samples/s
 *
 * A pen thread produces a needle waveform at 8,000 samples/s in real
 * time, in 1 ms packets as USB would deliver them, into the sample ring;
 * the strip chart drains and draws it in a real window from the frame
 * clock, with a 10 s window 1,920 pixels wide. Measured:
 *
 *   draw time    the paint phase of each frame that redrew the graphs
 *                (snapshot, render, hand-over to the display server),
 *                and the graphs alone rendered offscreen, each frame
 *                with a 60 Hz frame's worth of new samples
 *   latency      for every sample, from when the pen measured it to the
 *                end of the first frame that drew it; and the age of the
 *                newest sample when each frame is done
 *   CPU          of the UI thread (ingest, drawing and GTK's rendering), of
 *                the process, and of the graphs' own code (ingest and
 *                snapshot, timed)
 *   lost         samples the ring could not take
 *   memory       RSS after the first simulated minute (when the history
 *                is full) and after a simulated hour, fed as fast as the
 *                UI thread takes it
 *
 * Usage: bench-graphs [SECONDS]     measure, SECONDS of live data (10)
 *        bench-graphs --demo [SECONDS] [--dark] [--window SECONDS]
 *                                   show a window with live simulated data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* RUSAGE_THREAD */
#define _GNU_SOURCE

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "stipple-chart-canvas.h"
#include "stipple-strip-chart.h"
#include "stipple-test-needle.h"

#define RATE 8000
#define PACKET 8
#define RING_SAMPLES 16384
#define PLOT_WIDTH 1920
/* The canvas margins around the plot: axis labels left, a little right. */
#define CANVAS_MARGINS (64 + 14)

static const StippleTestNeedle needle = {
  .samples_per_s = RATE, .strokes_per_s = 120, .depth_um = 1000, .retract_um = -400,
  /* Ten minutes before the pen clock wraps, so the hour crosses it. */
  .start_us = 4294967295u - 600000000u,
  .lift_period_us = 6000000, .lift_us = 800000,
};

typedef struct
{
  StippleSampleRing  ring;
  StippleProtoSample storage[RING_SAMPLES];

  /* Samples with index below this were there before the clock started. */
  guint64            prefill;
  gint64             t0_us;
  volatile gint      stop;
  guint64            produced;
  GThread           *thread;
} Pen;

static gpointer
pen_thread (gpointer data)
{
  Pen *pen = data;
  struct timespec next;
  guint64 i = pen->prefill;

  clock_gettime (CLOCK_MONOTONIC, &next);
  while (!g_atomic_int_get (&pen->stop))
    {
      StippleProtoSample packet[PACKET];

      next.tv_nsec += 1000000;
      if (next.tv_nsec >= 1000000000)
        {
          next.tv_nsec -= 1000000000;
          next.tv_sec++;
        }
      clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);

      /* A packet leaves the pen once its last sample is measured. */
      while (pen->t0_us + (gint64) ((i + PACKET - pen->prefill) * G_USEC_PER_SEC / RATE)
             <= g_get_monotonic_time ())
        {
          for (guint k = 0; k < PACKET; k++)
            stipple_test_needle_sample (&needle, i + k, &packet[k]);
          /* Never waits: what does not fit is counted by the ring. */
          stipple_sample_ring_push_batch (&pen->ring, packet, PACKET);
          i += PACKET;
        }
    }
  pen->produced = i;

  return NULL;
}

static void
pen_start (Pen    *pen,
           guint64 prefill)
{
  pen->prefill = prefill;
  pen->t0_us = g_get_monotonic_time ();
  g_atomic_int_set (&pen->stop, 0);
  pen->thread = g_thread_new ("pen", pen_thread, pen);
}

static void
pen_stop (Pen *pen)
{
  g_atomic_int_set (&pen->stop, 1);
  g_thread_join (pen->thread);
}

/* When the pen measured sample i. */
static gint64
measured_at (Pen    *pen,
             guint64 i)
{
  return pen->t0_us + ((gint64) i - (gint64) pen->prefill) * G_USEC_PER_SEC / RATE;
}

static guint64
index_of (guint32 timestamp_us)
{
  /* Within this benchmark the clock wraps at most once. */
  guint64 t = (guint32) (timestamp_us - needle.start_us);

  return (t * RATE + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
}

typedef struct
{
  Pen               *pen;
  StippleStripChart *chart;
  StippleChartCanvas *canvas;
  gint64             layout_done_us;
  gint64             draws_before;
  gboolean           measuring;
  GArray            *paint_ms;
  GArray            *latency_ms;
  GArray            *newest_ms;
  guint64            last_drawn;
  guint              frames;
} Frames;

/* After the update phase (where the chart drains the ring) and after the
 * layout phase if there is one: what follows is the paint phase. */
static void
before_paint_phase_cb (GdkFrameClock *clock,
                       Frames        *frames)
{
  frames->layout_done_us = g_get_monotonic_time ();
  frames->draws_before = stipple_chart_canvas_get_draw_count (frames->canvas);
}

static void
paint_cb (GdkFrameClock *clock,
          Frames        *frames)
{
  gint64 now = g_get_monotonic_time ();
  StippleProtoSample newest;
  guint64 drawn;

  if (!frames->measuring || stipple_chart_canvas_get_draw_count (frames->canvas) == frames->draws_before)
    return;
  if (!stipple_chart_trace_get_newest (stipple_strip_chart_get_trace (frames->chart), &newest))
    return;

  frames->frames++;
  {
    double ms = (now - frames->layout_done_us) / 1000.0;
    g_array_append_val (frames->paint_ms, ms);
  }

  /* Every sample up to the newest was on screen for the first time. */
  drawn = index_of (newest.timestamp_us);
  {
    double ms = (now - measured_at (frames->pen, drawn)) / 1000.0;
    g_array_append_val (frames->newest_ms, ms);
  }
  for (guint64 i = MAX (frames->last_drawn + 1, frames->pen->prefill); i <= drawn; i++)
    {
      double ms = (now - measured_at (frames->pen, i)) / 1000.0;
      g_array_append_val (frames->latency_ms, ms);
    }
  frames->last_drawn = MAX (frames->last_drawn, drawn);
}

/* The canvas's own snapshot, timed by wrapping its class vfunc: how long
 * the graphs take to build a frame, before GTK renders it. */
static void (*canvas_snapshot) (GtkWidget *, GtkSnapshot *);
static GArray *snapshot_ms;
/* From one frame of the graphs to the next: the frame clock's rhythm. */
static GArray *interval_ms;
static gint64 last_snapshot_us;

static void
timed_canvas_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  gint64 start = g_get_monotonic_time ();
  double ms;

  canvas_snapshot (widget, snapshot);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  if (snapshot_ms != NULL)
    {
      g_array_append_val (snapshot_ms, ms);
      if (last_snapshot_us != 0)
        {
          double interval = (start - last_snapshot_us) / 1000.0;
          g_array_append_val (interval_ms, interval);
        }
    }
  last_snapshot_us = start;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  p)
{
  if (values->len == 0)
    return 0;
  qsort (values->data, values->len, sizeof (double), compare_double);
  return g_array_index (values, double, MIN ((guint) (p * values->len), values->len - 1));
}

static double
cpu_seconds (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static double
rss_mib (void)
{
  long pages = 0, resident = 0;
  FILE *statm = fopen ("/proc/self/statm", "r");

  if (statm == NULL)
    return 0;
  if (fscanf (statm, "%ld %ld", &pages, &resident) != 2)
    resident = 0;
  fclose (statm);

  return resident * (double) sysconf (_SC_PAGESIZE) / (1024 * 1024);
}

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

/* Time the UI thread spends taking samples from the ring. */
static gint64 drain_us;

static void
timed_drain (StippleStripChart *chart)
{
  gint64 start = g_get_monotonic_time ();

  stipple_strip_chart_drain (chart);
  drain_us += g_get_monotonic_time () - start;
}

/* Feeds samples [from, to) as fast as the UI thread drains them; with
 * @canvas, draws a frame every 10 simulated seconds. */
static guint
feed_fast (StippleStripChart *chart,
           Pen               *pen,
           guint64            from,
           guint64            to,
           GtkWidget         *canvas)
{
  StippleProtoSample batch[512];
  guint64 next_frame = from + 10 * RATE;
  guint frames = 0;

  for (guint64 i = from; i < to; i += G_N_ELEMENTS (batch))
    {
      guint64 n = MIN (G_N_ELEMENTS (batch), to - i);

      for (guint64 k = 0; k < n; k++)
        stipple_test_needle_sample (&needle, i + k, &batch[k]);
      if (stipple_sample_ring_get_writable (&pen->ring) < n)
        timed_drain (chart);
      stipple_sample_ring_push_batch (&pen->ring, batch, n);

      if (canvas != NULL && i >= next_frame)
        {
          gint64 draws = stipple_chart_canvas_get_draw_count (STIPPLE_CHART_CANVAS (canvas));

          timed_drain (chart);
          gtk_widget_queue_draw (canvas);
          while (stipple_chart_canvas_get_draw_count (STIPPLE_CHART_CANVAS (canvas)) == draws)
            g_main_context_iteration (NULL, TRUE);
          frames++;
          next_frame += 10 * RATE;
        }
    }
  timed_drain (chart);

  return frames;
}

/* The graphs alone, snapshot and rasterised with cairo into an image the
 * size of the canvas, as GTK's cairo renderer does it, without the
 * display server. Each frame brings the samples of one 60 Hz frame, as
 * live, so that the graphs move as they do on screen; taking them from
 * the ring is part of the time. @next is the index of the next sample. */
static void
canvas_render_ms (GtkWidget         *canvas,
                  StippleStripChart *chart,
                  Pen               *pen,
                  guint64           *next,
                  GArray            *ms)
{
  GtkWidget *parent = gtk_widget_get_parent (canvas);
  cairo_surface_t *surface;
  graphene_rect_t bounds;
  cairo_t *cr;

  if (!gtk_widget_compute_bounds (canvas, parent, &bounds))
    return;
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, bounds.size.width, bounds.size.height);
  cr = cairo_create (surface);
  cairo_translate (cr, -bounds.origin.x, -bounds.origin.y);

  for (guint i = 0; i < 300; i++)
    {
      StippleProtoSample frame[RATE / 60 + 1];
      guint64 n;
      GtkSnapshot *snapshot;
      g_autoptr(GskRenderNode) node = NULL;
      gint64 start;
      double elapsed;

      /* 8,000 / 60 = 133.3 samples a frame. */
      n = i % 3 == 2 ? RATE / 60 + 1 : RATE / 60;
      for (guint64 k = 0; k < n; k++)
        stipple_test_needle_sample (&needle, *next + k, &frame[k]);
      stipple_sample_ring_push_batch (&pen->ring, frame, n);
      *next += n;

      start = g_get_monotonic_time ();
      stipple_strip_chart_drain (chart);
      snapshot = gtk_snapshot_new ();
      gtk_widget_queue_draw (canvas);
      gtk_widget_snapshot_child (parent, canvas, snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      cairo_save (cr);
      cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
      cairo_paint (cr);
      cairo_restore (cr);
      gsk_render_node_draw (node, cr);
      cairo_surface_flush (surface);
      elapsed = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (ms, elapsed);
    }

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static double
load_average (void)
{
  double load[1] = { 0 };

  getloadavg (load, 1);
  return load[0];
}

static GtkWidget *
make_window (StippleStripChart **chart,
             int                 width,
             int                 height)
{
  GtkWidget *window = gtk_window_new ();

  *chart = STIPPLE_STRIP_CHART (stipple_strip_chart_new ());
  stipple_strip_chart_set_commanded_depth (*chart, 1000);
  stipple_strip_chart_set_depth_limit (*chart, 1500);
  stipple_strip_chart_set_tolerance (*chart, 100);
  gtk_widget_set_margin_start (GTK_WIDGET (*chart), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (*chart), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (*chart), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (*chart), 12);
  gtk_window_set_title (GTK_WINDOW (window), "Stipple — needle graphs");
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (*chart));

  return window;
}

static int
demo (double   seconds,
      gboolean dark,
      double   window_s)
{
  static Pen pen;
  StippleStripChart *chart;
  GtkWidget *window = make_window (&chart, 1240, 620);

  if (dark)
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  stipple_sample_ring_init (&pen.ring, pen.storage, RING_SAMPLES);
  stipple_strip_chart_set_ring (chart, &pen.ring);
  stipple_strip_chart_set_window (chart, window_s);
  gtk_window_present (GTK_WINDOW (window));

  /* Twelve seconds of treatment already behind, then live. */
  feed_fast (chart, &pen, 0, 12 * RATE, NULL);
  pen_start (&pen, 12 * RATE);
  if (seconds > 0)
    run_for ((guint) (seconds * 1000));
  else
    while (g_list_model_get_n_items (gtk_window_get_toplevels ()) > 0)
      g_main_context_iteration (NULL, TRUE);
  pen_stop (&pen);

  return 0;
}

int
main (int   argc,
      char *argv[])
{
  static Pen pen;
  StippleStripChart *chart;
  GtkWidget *window, *canvas;
  GdkFrameClock *clock;
  Frames frames = { 0 };
  double seconds = 10, cpu_thread, cpu_process, wall_s, rss_minute, rss_hour;
  double snapshot_total_ms = 0;
  GArray *snapshots;
  guint hour_frames;
  guint64 ingested;
  g_autoptr(GArray) render_ms = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 start;
  guint64 lost, hour, next;
  gint64 columns_before, draws_before, columns_redrawn, draws;
  const char *renderer;

  /* Without a GPU (as under Xvfb) the GL renderer would measure a
   * software GL emulation, not the graphs; cairo is what such a machine
   * really uses. */
  g_setenv ("GSK_RENDERER", g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "cairo", TRUE);
  gtk_init ();
  adw_init ();

  if (argc > 1 && g_str_equal (argv[1], "--demo"))
    {
      gboolean dark = FALSE;
      double window_s = 10;

      for (int i = 3; i < argc; i++)
        if (g_str_equal (argv[i], "--dark"))
          dark = TRUE;
        else if (g_str_equal (argv[i], "--window") && i + 1 < argc)
          window_s = g_ascii_strtod (argv[++i], NULL);

      return demo (argc > 2 ? g_ascii_strtod (argv[2], NULL) : 0, dark, window_s);
    }
  if (argc > 1)
    seconds = MAX (g_ascii_strtod (argv[1], NULL), 1);

  {
    GtkWidgetClass *canvas_class = g_type_class_ref (STIPPLE_TYPE_CHART_CANVAS);

    canvas_snapshot = canvas_class->snapshot;
    canvas_class->snapshot = timed_canvas_snapshot;
  }

  window = make_window (&chart, PLOT_WIDTH + CANVAS_MARGINS + 300, 600);
  canvas = stipple_strip_chart_get_canvas (chart);
  gtk_widget_set_size_request (canvas, PLOT_WIDTH + CANVAS_MARGINS, 420);
  gtk_widget_set_hexpand (canvas, FALSE);
  stipple_sample_ring_init (&pen.ring, pen.storage, RING_SAMPLES);
  stipple_strip_chart_set_ring (chart, &pen.ring);
  gtk_window_present (GTK_WINDOW (window));
  run_for (300);

  frames.pen = &pen;
  frames.chart = chart;
  frames.canvas = STIPPLE_CHART_CANVAS (canvas);
  frames.paint_ms = g_array_new (FALSE, FALSE, sizeof (double));
  frames.latency_ms = g_array_new (FALSE, FALSE, sizeof (double));
  frames.newest_ms = g_array_new (FALSE, FALSE, sizeof (double));
  clock = gtk_widget_get_frame_clock (canvas);
  g_signal_connect_after (clock, "update", G_CALLBACK (before_paint_phase_cb), &frames);
  g_signal_connect_after (clock, "layout", G_CALLBACK (before_paint_phase_cb), &frames);
  g_signal_connect_after (clock, "paint", G_CALLBACK (paint_cb), &frames);

  /* A full 10 s window before measuring. */
  feed_fast (chart, &pen, 0, 10 * RATE, NULL);
  renderer = G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window)));

  pen_start (&pen, 10 * RATE);
  run_for (500);
  {
    StippleProtoSample newest;

    /* Latency counts from here: samples already drawn are not counted. */
    stipple_strip_chart_drain (chart);
    if (stipple_chart_trace_get_newest (stipple_strip_chart_get_trace (chart), &newest))
      frames.last_drawn = index_of (newest.timestamp_us);
  }
  frames.measuring = TRUE;
  interval_ms = g_array_new (FALSE, FALSE, sizeof (double));
  columns_before = stipple_chart_canvas_get_columns_redrawn (frames.canvas);
  draws_before = stipple_chart_canvas_get_draw_count (frames.canvas);
  snapshot_ms = g_array_new (FALSE, FALSE, sizeof (double));
  start = g_get_monotonic_time ();
  cpu_thread = cpu_seconds (RUSAGE_THREAD);
  cpu_process = cpu_seconds (RUSAGE_SELF);
  run_for ((guint) (seconds * 1000));
  cpu_thread = cpu_seconds (RUSAGE_THREAD) - cpu_thread;
  cpu_process = cpu_seconds (RUSAGE_SELF) - cpu_process;
  wall_s = (g_get_monotonic_time () - start) / 1e6;
  frames.measuring = FALSE;
  columns_redrawn = stipple_chart_canvas_get_columns_redrawn (frames.canvas) - columns_before;
  draws = stipple_chart_canvas_get_draw_count (frames.canvas) - draws_before;
  pen_stop (&pen);
  stipple_strip_chart_drain (chart);
  lost = stipple_strip_chart_get_samples_not_drawn (chart);
  snapshots = g_steal_pointer (&snapshot_ms);
  for (guint i = 0; i < snapshots->len; i++)
    snapshot_total_ms += g_array_index (snapshots, double, i);

  g_print ("machine: %u cores online, load %.2f, GSK renderer %s (software), "
           "window %d px wide, graphs %u columns\n",
           (guint) sysconf (_SC_NPROCESSORS_ONLN), load_average (), renderer,
           gtk_widget_get_width (window),
           stipple_chart_trace_get_n_columns (stipple_strip_chart_get_trace (chart)));
  g_print ("live: %.1f s of %d samples/s in %d-sample packets every 1 ms, 10 s window; "
           "%u frames redrew the graphs, %u latency samples\n",
           wall_s, RATE, PACKET, frames.frames, frames.latency_ms->len);
  g_print ("graphs_frame_rate: %.1f Hz\n", frames.frames / wall_s);
  g_print ("frame_interval_median: %.2f ms\n", percentile (interval_ms, 0.5));
  g_print ("frame_interval_p99: %.2f ms\n", percentile (interval_ms, 0.99));
  /* Of the 3 × 1,920 pixel columns of the strips. */
  g_print ("columns_rasterised_per_frame: %.1f count\n", draws > 0 ? (double) columns_redrawn / draws : 0);
  g_print ("draw_graphs_snapshot_median: %.3f ms\n", percentile (snapshots, 0.5));
  g_print ("draw_graphs_snapshot_p99: %.3f ms\n", percentile (snapshots, 0.99));
  next = pen.produced;
  canvas_render_ms (canvas, chart, &pen, &next, render_ms);
  g_print ("draw_graphs_rasterised_median: %.3f ms\n", percentile (render_ms, 0.5));
  g_print ("draw_graphs_rasterised_p99: %.3f ms\n", percentile (render_ms, 0.99));
  g_print ("draw_window_paint_phase_median: %.3f ms\n", percentile (frames.paint_ms, 0.5));
  g_print ("draw_window_paint_phase_p99: %.3f ms\n", percentile (frames.paint_ms, 0.99));
  g_print ("pen_to_frame_latency_median: %.2f ms\n", percentile (frames.latency_ms, 0.5));
  g_print ("pen_to_frame_latency_p99: %.2f ms\n", percentile (frames.latency_ms, 0.99));
  g_print ("pen_to_frame_latency_max: %.2f ms\n", percentile (frames.latency_ms, 1.0));
  /* What the graphs add to the wait for the next frame, both from this run. */
  g_print ("latency_over_frame_interval_p99: %.2f ms\n",
           percentile (frames.latency_ms, 0.99) - percentile (interval_ms, 0.99));
  g_print ("newest_sample_age_at_frame_median: %.2f ms\n", percentile (frames.newest_ms, 0.5));
  g_print ("newest_sample_age_at_frame_p99: %.2f ms\n", percentile (frames.newest_ms, 0.99));
  g_print ("cpu_ui_thread: %.2f %%\n", 100 * cpu_thread / wall_s);
  g_print ("cpu_process: %.2f %%\n", 100 * cpu_process / wall_s);
  g_print ("samples_produced: %" G_GUINT64_FORMAT " count\n", pen.produced - pen.prefill);
  g_print ("samples_lost: %" G_GUINT64_FORMAT " count\n", lost);

  /* A simulated hour: 28.8 million samples through the ring and the
   * graphs, a frame drawn every 10 simulated seconds. */
  hour = 3600ull * RATE;
  ingested = stipple_chart_trace_get_n_ingested (stipple_strip_chart_get_trace (chart));
  drain_us = 0;
  start = g_get_monotonic_time ();
  hour_frames = feed_fast (chart, &pen, next, next + 60 * RATE, canvas);
  rss_minute = rss_mib ();
  hour_frames += feed_fast (chart, &pen, next + 60 * RATE, next + hour, canvas);
  rss_hour = rss_mib ();
  ingested = stipple_chart_trace_get_n_ingested (stipple_strip_chart_get_trace (chart)) - ingested;

  g_print ("hour: %" G_GUINT64_FORMAT " samples and %u frames in %.1f s, across the pen clock wrap\n",
           ingested, hour_frames, (g_get_monotonic_time () - start) / 1e6);
  g_print ("ingest_per_sample: %.1f ns\n", drain_us * 1000.0 / ingested);
  g_print ("cpu_graphs_ingest_and_snapshot: %.2f %%\n",
           100 * (snapshot_total_ms / 1000 + drain_us / 1e6 / ingested * RATE * wall_s) / wall_s);
  g_print ("rss_after_1_min: %.1f MiB\n", rss_minute);
  g_print ("rss_after_60_min: %.1f MiB\n", rss_hour);
  g_print ("hour_samples_not_drawn: %" G_GUINT64_FORMAT " count\n", hour - ingested);

  g_array_unref (snapshots);
  g_array_unref (interval_ms);
  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (frames.paint_ms);
  g_array_unref (frames.latency_ms);
  g_array_unref (frames.newest_ms);

  return 0;
}
