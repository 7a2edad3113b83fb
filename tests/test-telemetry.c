/* test-telemetry.c: the sample ring, pen clock, decimator and strokes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>

#include "stipple-decimator.h"
#include "stipple-pen-clock.h"
#include "stipple-sample-ring.h"
#include "stipple-stroke-analyser.h"
#include "stipple-test-needle.h"

/* Every field of sample n is derived from n, so a sample read while
 * half written (torn) or out of order cannot pass check_sample(). */
static void
make_sample (uint64_t            n,
             StippleProtoSample *sample)
{
  sample->timestamp_us = (uint32_t) (n * 125);
  sample->position_um = (int32_t) (n * 2654435761u);
  sample->load = (uint16_t) (n * 31);
  sample->flags = (uint16_t) (n >> 16);
  sample->stroke_count = (uint32_t) (n ^ 0x5a5a5a5au);
}

static uint64_t
check_sample (const StippleProtoSample *sample)
{
  uint64_t n = sample->stroke_count ^ 0x5a5a5a5au;
  StippleProtoSample expected;

  /* Recover the high bits from flags, then compare everything. */
  n |= (uint64_t) sample->flags << 16;
  make_sample (n, &expected);
  g_assert_cmpuint (sample->timestamp_us, ==, expected.timestamp_us);
  g_assert_cmpint (sample->position_um, ==, expected.position_um);
  g_assert_cmpuint (sample->load, ==, expected.load);
  g_assert_cmpuint (sample->flags, ==, expected.flags);

  return n;
}

static void
test_ring_init (void)
{
  StippleProtoSample storage[8];
  StippleSampleRing ring;

  g_assert_false (stipple_sample_ring_init (&ring, storage, 0));
  g_assert_false (stipple_sample_ring_init (&ring, storage, 6));
  g_assert_false (stipple_sample_ring_init (&ring, NULL, 8));
  g_assert_true (stipple_sample_ring_init (&ring, storage, 8));
  g_assert_cmpuint (stipple_sample_ring_get_capacity (&ring), ==, 8);
  g_assert_cmpuint (stipple_sample_ring_get_readable (&ring), ==, 0);
  g_assert_cmpuint (stipple_sample_ring_get_writable (&ring), ==, 8);
}

static void
test_ring_overflow_single (void)
{
  StippleProtoSample storage[8], in[10], out[10];
  StippleSampleRing ring;

  g_assert_true (stipple_sample_ring_init (&ring, storage, 8));
  for (guint i = 0; i < 10; i++)
    make_sample (i, &in[i]);

  /* Full: the two newest are counted, the unread eight are kept. */
  g_assert_cmpuint (stipple_sample_ring_push_batch (&ring, in, 10), ==, 8);
  g_assert_cmpuint (stipple_sample_ring_get_overflowed (&ring), ==, 2);
  g_assert_cmpuint (stipple_sample_ring_push_batch (&ring, in, 1), ==, 0);
  g_assert_cmpuint (stipple_sample_ring_get_overflowed (&ring), ==, 3);

  g_assert_cmpuint (stipple_sample_ring_pop_batch (&ring, out, 3), ==, 3);
  g_assert_cmpuint (stipple_sample_ring_push_batch (&ring, in + 8, 2), ==, 2);
  g_assert_cmpuint (stipple_sample_ring_pop_batch (&ring, out + 3, 10), ==, 7);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (check_sample (&out[i]), ==, i);
  g_assert_cmpuint (stipple_sample_ring_pop_batch (&ring, out, 10), ==, 0);
}

typedef struct
{
  StippleSampleRing *ring;
  uint64_t           total;
  /* Wait for room instead of overflowing. */
  gboolean           wait_for_room;
  uint64_t           pushed;
} Producer;

static gpointer
producer_thread (gpointer data)
{
  Producer *producer = data;
  StippleProtoSample batch[64];
  GRand *rand = g_rand_new_with_seed (7);
  uint64_t n = 0;

  while (n < producer->total)
    {
      size_t count = MIN ((uint64_t) g_rand_int_range (rand, 1, 65), producer->total - n);

      for (size_t i = 0; i < count; i++)
        make_sample (n + i, &batch[i]);
      if (producer->wait_for_room)
        {
          while (stipple_sample_ring_get_writable (producer->ring) < count)
            g_thread_yield ();
          g_assert_cmpuint (stipple_sample_ring_push_batch (producer->ring, batch, count), ==, count);
        }
      else
        {
          producer->pushed += stipple_sample_ring_push_batch (producer->ring, batch, count);
        }
      n += count;
    }

  g_rand_free (rand);
  return NULL;
}

static void
run_concurrent (gboolean wait_for_room)
{
  enum { CAPACITY = 1024, TOTAL = 2000000 };
  g_autofree StippleProtoSample *storage = g_new (StippleProtoSample, CAPACITY);
  StippleProtoSample out[100];
  StippleSampleRing ring;
  Producer producer = { &ring, TOTAL, wait_for_room, 0 };
  GRand *rand = g_rand_new_with_seed (11);
  GThread *thread;
  uint64_t received = 0, expected_next = 0, gaps = 0;
  gboolean done = FALSE;

  g_assert_true (stipple_sample_ring_init (&ring, storage, CAPACITY));
  thread = g_thread_new ("producer", producer_thread, &producer);

  while (!done)
    {
      size_t n;

      /* The producer's last push is visible once it has finished. */
      done = received + stipple_sample_ring_get_overflowed (&ring) == TOTAL;
      n = stipple_sample_ring_pop_batch (&ring, out, g_rand_int_range (rand, 1, 101));
      for (size_t i = 0; i < n; i++)
        {
          uint64_t seq = check_sample (&out[i]);

          /* In order, never twice; a gap only where samples overflowed. */
          g_assert_cmpuint (seq, >=, expected_next);
          if (seq != expected_next)
            gaps++;
          expected_next = seq + 1;
        }
      received += n;
      if (n > 0)
        done = FALSE;
      /* A reader late now and then, so that the ring overflows: the
       * fault this test makes, not a wait for anything. */
      if (!wait_for_room && g_rand_int_range (rand, 0, 50) == 0)
        g_usleep (200);
    }

  g_thread_join (thread);
  g_assert_cmpuint (stipple_sample_ring_get_readable (&ring), ==, 0);
  g_assert_cmpuint (received + stipple_sample_ring_get_overflowed (&ring), ==, TOTAL);

  if (wait_for_room)
    {
      g_assert_cmpuint (stipple_sample_ring_get_overflowed (&ring), ==, 0);
      g_assert_cmpuint (gaps, ==, 0);
      g_assert_cmpuint (received, ==, TOTAL);
    }
  else
    {
      /* A consumer that naps while 2 million samples stream in falls
       * behind: the ring must have said so, and kept what it reported. */
      g_assert_cmpuint (stipple_sample_ring_get_overflowed (&ring), >, 0);
      /* What was lost shows as a gap, or, when only the last samples
       * found the ring full, as a tail never received. */
      g_assert_true (gaps > 0 || expected_next < TOTAL);
      g_assert_cmpuint (received, ==, producer.pushed);
    }

  g_rand_free (rand);
}

static void
test_ring_concurrent (void)
{
  run_concurrent (TRUE);
}

static void
test_ring_concurrent_overflow (void)
{
  run_concurrent (FALSE);
}

static void
test_pen_clock (void)
{
  StipplePenClock clock;

  stipple_pen_clock_init (&clock);
  g_assert_cmpuint (stipple_pen_clock_unwrap (&clock, 4294967000u), ==, 4294967000u);
  g_assert_cmpuint (stipple_pen_clock_unwrap (&clock, 4294967200u), ==, 4294967200u);
  /* The counter wraps: time moves on by the 196 µs it really did. */
  g_assert_cmpuint (stipple_pen_clock_unwrap (&clock, 100), ==, G_GUINT64_CONSTANT (4294967396));
  /* Out of order by a little: a small step back, not 71 minutes ahead. */
  g_assert_cmpuint (stipple_pen_clock_unwrap (&clock, 50), ==, G_GUINT64_CONSTANT (4294967346));
  /* A second wrap, in big steps. */
  for (int i = 0; i < 8; i++)
    stipple_pen_clock_unwrap (&clock, 50 + (uint32_t) (i + 1) * 0x40000000u);
  g_assert_cmpuint (stipple_pen_clock_unwrap (&clock, 60), ==, G_GUINT64_CONSTANT (3) * 4294967296u + 60);

  /* Never below zero. */
  stipple_pen_clock_init (&clock);
  g_assert_cmpuint (stipple_pen_clock_unwrap (&clock, 10), ==, 10);
  g_assert_cmpuint (stipple_pen_clock_unwrap (&clock, 4294967286u), ==, 0);

  /* An hour at 8 kHz across the wrap stays evenly spaced. */
  stipple_pen_clock_init (&clock);
  for (uint64_t i = 0; i < 3600 * 8000; i += 997)
    g_assert_cmpuint (stipple_pen_clock_unwrap (&clock, (uint32_t) (4000000000u + i * 125)),
                      ==, 4000000000u + i * 125);
}

typedef struct
{
  uint64_t t;
  int32_t  value;
} Point;

static void
check_decimator (size_t   n_columns,
                 uint64_t window_us,
                 guint    seed)
{
  g_autofree StippleDecimatorColumn *storage = g_new (StippleDecimatorColumn, n_columns);
  g_autofree Point *points = NULL;
  GRand *rand = g_rand_new_with_seed (seed);
  StippleDecimator decimator;
  guint n_points = 40000;
  uint64_t t = 4294000000u;
  int64_t newest;
  guint checked = 0;

  g_assert_true (stipple_decimator_init (&decimator, storage, n_columns, window_us));
  points = g_new (Point, n_points);
  for (guint i = 0; i < n_points; i++)
    {
      /* Uneven spacing, repeated times and gaps wider than a column. */
      guint step = g_rand_int_range (rand, 0, 200) == 0 ? g_rand_int_range (rand, 0, 40000)
                                                       : g_rand_int_range (rand, 0, 400);
      t += step;
      points[i].t = t;
      points[i].value = g_rand_int_range (rand, -600, 2600);
      stipple_decimator_add (&decimator, t, points[i].value);
    }

  newest = decimator.newest;
  g_assert_cmpint (newest, ==, (int64_t) ((unsigned __int128) t * n_columns / window_us));

  /* Brute force: every kept column against a scan of all points, with
   * the column computed independently in 128-bit arithmetic. */
  for (int64_t column = newest - (int64_t) n_columns + 1; column <= newest; column++)
    {
      const StippleDecimatorColumn *got = stipple_decimator_get (&decimator, column);
      int32_t min = G_MAXINT32, max = G_MININT32;
      guint count = 0;

      for (guint i = 0; i < n_points; i++)
        if ((int64_t) ((unsigned __int128) points[i].t * n_columns / window_us) == column)
          {
            min = MIN (min, points[i].value);
            max = MAX (max, points[i].value);
            count++;
          }

      if (count == 0)
        {
          g_assert_null (got);
          continue;
        }
      g_assert_nonnull (got);
      g_assert_cmpint (got->min, ==, min);
      g_assert_cmpint (got->max, ==, max);
      g_assert_cmpuint (got->count, ==, count);
      checked++;
    }
  g_assert_cmpuint (checked, >, n_columns / 2);

  /* Columns off the left edge are gone. */
  g_assert_null (stipple_decimator_get (&decimator, newest - (int64_t) n_columns));

  /* The inverse mapping agrees with the forward one. */
  for (int i = 0; i < 1000; i++)
    {
      int64_t column = newest - g_rand_int_range (rand, 0, (gint32) MIN (newest / 2, 1000000));
      uint64_t start = stipple_decimator_time_of (&decimator, column);

      g_assert_cmpint (stipple_decimator_column_of (&decimator, start), ==, column);
      g_assert_cmpint (stipple_decimator_column_of (&decimator, start - 1), ==, column - 1);
    }

  g_rand_free (rand);
}

static void
test_decimator_reference (void)
{
  /* The graph of the issue, a window that does not divide evenly, HiDPI. */
  check_decimator (1920, 10000000, 1);
  check_decimator (997, 7000000, 2);
  check_decimator (3840, 10000000, 3);
  check_decimator (300, 250000, 4);
}

static void
test_decimator_init (void)
{
  StippleDecimatorColumn storage[4];
  StippleDecimator decimator;

  g_assert_false (stipple_decimator_init (&decimator, storage, 0, 1000));
  g_assert_false (stipple_decimator_init (&decimator, storage, 4, 0));
  g_assert_false (stipple_decimator_init (&decimator, storage, 4, G_MAXUINT64));
  g_assert_true (stipple_decimator_init (&decimator, storage, 4, 1000));
  g_assert_null (stipple_decimator_get (&decimator, 0));
  stipple_decimator_add (&decimator, 999, 5);
  g_assert_nonnull (stipple_decimator_get (&decimator, 3));
  stipple_decimator_reset (&decimator);
  g_assert_null (stipple_decimator_get (&decimator, 3));
}

static void
test_strokes (void)
{
  StippleTestNeedle needle = {
    .samples_per_s = 8000, .strokes_per_s = 120, .depth_um = 1000, .retract_um = -300,
    .start_us = 4294000000u,
  };
  StippleStrokeAnalyser analyser;
  StipplePenClock clock;
  uint64_t n_samples = 8000 * 5, strokes = 0, expected_out = 0;
  double sum = 0, sum2 = 0;
  gboolean seen_wrap = FALSE;

  stipple_stroke_analyser_init (&analyser, 1000, 100);
  stipple_pen_clock_init (&clock);

  for (uint64_t i = 0; i < n_samples; i++)
    {
      StippleProtoSample sample;
      StippleStroke stroke;
      uint64_t t;

      stipple_test_needle_sample (&needle, i, &sample);
      t = stipple_pen_clock_unwrap (&clock, sample.timestamp_us);
      seen_wrap |= t > G_MAXUINT32;
      if (!stipple_stroke_analyser_add (&analyser, t, &sample, &stroke))
        continue;

      {
        /* Which stroke this is comes from when its peak was, and its
         * depth must match what the waveform was built with. */
        uint64_t j = (uint64_t) ((stroke.peak_time_us - needle.start_us) * needle.strokes_per_s / 1e6);
        int32_t depth = stipple_test_needle_stroke_depth (&needle, j);

        g_assert_cmpuint (j, ==, strokes);
        g_assert_cmpint (ABS (stroke.peak_um - depth), <=, 5);
        g_assert_true (stroke.in_skin);
        g_assert_cmpint (stroke.in_tolerance, ==, ABS (depth - 1000) <= 100);
        /* Sensor noise on the flat top moves a peak by a sample or two. */
        if (j > 0)
          g_assert_cmpuint (ABS ((int) stroke.interval_us - 8333), <=, 400);
        else
          g_assert_cmpuint (stroke.interval_us, ==, 0);
        expected_out += ABS (depth - 1000) > 100;
        sum += stroke.peak_um;
        sum2 += (double) stroke.peak_um * stroke.peak_um;
        strokes++;
      }
    }

  g_assert_true (seen_wrap);
  /* 600 strokes in 5 s; the last one has not come back up yet. */
  g_assert_cmpuint (strokes, >=, 599);
  g_assert_cmpuint (strokes, <=, 600);
  g_assert_cmpuint (analyser.stats.strokes, ==, strokes);
  g_assert_cmpuint (analyser.stats.out_of_tolerance, ==, expected_out);
  g_assert_cmpuint (expected_out, ==, strokes / 50);
  g_assert_cmpfloat_with_epsilon (stipple_stroke_stats_get_mean_um (&analyser.stats),
                                  sum / strokes, 1e-6);
  g_assert_cmpfloat_with_epsilon (stipple_stroke_stats_get_sd_um (&analyser.stats),
                                  sqrt ((sum2 - sum * sum / strokes) / (strokes - 1)), 1e-6);
  g_assert_cmpuint (analyser.stats.time_in_zone_us, ==, stipple_test_needle_time_of (&needle, n_samples - 1));
}

static void
test_strokes_lifted (void)
{
  /* Lifted off the skin for 0.5 s of every 2 s: those strokes are in
   * the air and count neither as strokes nor as time in the zone. */
  StippleTestNeedle needle = {
    .samples_per_s = 8000, .strokes_per_s = 100, .depth_um = 500, .retract_um = -300,
    .lift_period_us = 2000000, .lift_us = 500000,
  };
  StippleStrokeAnalyser analyser;
  uint64_t air = 0, skin = 0;

  stipple_stroke_analyser_init (&analyser, 500, 100);
  for (uint64_t i = 0; i < 8000 * 4; i++)
    {
      StippleProtoSample sample;
      StippleStroke stroke;

      stipple_test_needle_sample (&needle, i, &sample);
      if (stipple_stroke_analyser_add (&analyser, sample.timestamp_us, &sample, &stroke))
        {
          g_assert_cmpint (stroke.in_skin, ==, stipple_test_needle_on_skin (&needle, stroke.peak_time_us));
          if (stroke.in_skin)
            skin++;
          else
            air++;
        }
    }

  g_assert_cmpuint (air, ==, 100);
  g_assert_cmpuint (skin, >=, 299);
  g_assert_cmpuint (analyser.stats.strokes, ==, skin);
  g_assert_cmpuint (ABS ((gint64) analyser.stats.time_in_zone_us - 3000000), <=, 1000);

  /* A new zone starts from nothing. */
  stipple_stroke_analyser_reset_stats (&analyser);
  g_assert_cmpuint (analyser.stats.strokes, ==, 0);
  g_assert_cmpfloat (stipple_stroke_stats_get_sd_um (&analyser.stats), ==, 0.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/telemetry/ring/init", test_ring_init);
  g_test_add_func ("/stipple/telemetry/ring/overflow", test_ring_overflow_single);
  g_test_add_func ("/stipple/telemetry/ring/concurrent", test_ring_concurrent);
  g_test_add_func ("/stipple/telemetry/ring/concurrent-overflow", test_ring_concurrent_overflow);
  g_test_add_func ("/stipple/telemetry/pen-clock", test_pen_clock);
  g_test_add_func ("/stipple/telemetry/decimator/init", test_decimator_init);
  g_test_add_func ("/stipple/telemetry/decimator/reference", test_decimator_reference);
  g_test_add_func ("/stipple/telemetry/strokes", test_strokes);
  g_test_add_func ("/stipple/telemetry/strokes-lifted", test_strokes_lifted);

  return g_test_run ();
}
