/* bench-codec.c: how small and how fast the needle-data encodings are
 *
 * - bytes a sample of encoding 2 on the pen model's data (16 treatments:
 *   600 to 2000 µm, 90 to 150 strokes a second, four one-second blocks
 *   each, recorded from src/pen/ as the host receives them) and on the
 *   demo file's needle data (stipple_store_fill_demo() into a new file,
 *   the blocks as stored); goal: 0.7 at most;
 * - encoding 1 on the same samples, for comparison;
 * - the order-0 entropy of encoding 2's residuals, what a coder taking
 *   them one at a time could at best reach (deflate also finds the
 *   strokes' repeats, so it may come in under it);
 * - encoding and decoding speed on the model's blocks, the median of
 *   five runs of a second or more;
 * - thinned data (encoding 3) on bench-clinic-year's needle model, a
 *   30 s session in the store's blocks: bytes a stroke the stroke
 *   analyser reports, and how many times smaller than the same session
 *   in encoding 2.
 *
 * Usage: bench-codec [DIRECTORY]   (default: a new folder in the temp dir)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-bench-codec"

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "stipple-store.h"
#include "stipple-stroke-analyser.h"
#include "stipple-telemetry-codec.h"
#include "stipple-test-needle.h"
#include "stipple-test-pen-record.h"

#define BLOCK STIPPLE_STORE_TELEMETRY_BLOCK
#define BLOCKS_PER_TREATMENT 4
#define RUNS 5
#define THIN_SECONDS 30

typedef struct
{
  guint   n_samples;
  gsize   bytes[3];        /* by encoding; [0] unused */
  double  entropy_bits;    /* summed over blocks, bits a sample × samples */
} Tally;

static volatile guint32 sink;

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
tally_block (Tally                    *tally,
             const StippleProtoSample *samples,
             guint                     n,
             gsize                     stored_bytes)
{
  g_autoptr(GBytes) old = stipple_telemetry_encode (STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB,
                                                    samples, n);

  if (stored_bytes == 0)
    {
      g_autoptr(GBytes) data = stipple_telemetry_encode (STIPPLE_TELEMETRY_ENCODING_WAVEFORM,
                                                         samples, n);

      stored_bytes = g_bytes_get_size (data);
    }
  tally->n_samples += n;
  tally->bytes[STIPPLE_TELEMETRY_ENCODING_WAVEFORM] += stored_bytes;
  tally->bytes[STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB] += g_bytes_get_size (old);
  if (n > 1)
    tally->entropy_bits += stipple_telemetry_residual_entropy (samples, n) * n;
}

/* The demo file's blocks, as stored. */
static void
tally_demo (const char *dir,
            Tally      *tally)
{
  g_autofree char *path = g_build_filename (dir, "demo.stipple", NULL);
  g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, BLOCK);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  {
    g_autoptr(StippleStore) store = stipple_store_open (path, &error);

    if (store == NULL || !stipple_store_fill_demo (store, now, &error))
      g_error ("cannot make the demo file: %s", error->message);
  }

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT n_samples, encoding, data FROM telemetry_block",
                          -1, &stmt, NULL) != SQLITE_OK)
    g_error ("cannot read the demo file: %s", sqlite3_errmsg (db));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      guint n = sqlite3_column_int (stmt, 0);
      g_autoptr(GBytes) data = g_bytes_new (sqlite3_column_blob (stmt, 2),
                                            sqlite3_column_bytes (stmt, 2));

      if (sqlite3_column_int (stmt, 1) != STIPPLE_TELEMETRY_ENCODING_WAVEFORM || n > BLOCK ||
          !stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_WAVEFORM, data, n, samples,
                                     &error))
        g_error ("a demo block is not in encoding 2, or does not decode");
      tally_block (tally, samples, n, g_bytes_get_size (data));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
}

/* bench-store's waveform: 120 Hz to 1.5 mm with ±2 µm of noise on the
 * position and 0 to 15 counts on the load, noisier than the pen. */
static void
tally_noisy (Tally *tally)
{
  g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, BLOCK);
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  guint64 i = 0;

  for (guint b = 0; b < 16; b++)
    {
      for (guint j = 0; j < BLOCK; j++, i++)
        {
          double phase = fmod (i * 120.0 / 8000.0, 1.0);
          gint32 position = (gint32) lround (-300 + 1800 * (0.5 - 0.5 * cos (2 * G_PI * phase)));
          StippleProtoSample *s = &samples[j];

          s->timestamp_us = i * 125;
          s->position_um = position + g_rand_int_range (rand, -2, 3);
          s->load = 0;
          s->flags = STIPPLE_PROTO_SAMPLE_RUNNING;
          if (position > 0)
            {
              s->load = (guint16) (9000 + position * 20 + g_rand_int_range (rand, 0, 16));
              s->flags |= STIPPLE_PROTO_SAMPLE_CONTACT;
            }
          s->stroke_count = (guint32) (i * 120 / 8000);
        }
      tally_block (tally, samples, BLOCK, 0);
    }
}

/* Millions of samples a second (samples a µs) encoded, or decoded from
 * @encoded: the median of RUNS runs. */
static double
speed (StippleProtoSample  *samples,
       guint                n_blocks,
       GBytes             **encoded,
       gboolean             encode)
{
  double rates[RUNS];
  g_autofree StippleProtoSample *out = g_new (StippleProtoSample, BLOCK);

  for (guint run = 0; run < RUNS; run++)
    {
      gint64 start = g_get_monotonic_time ();
      guint64 done = 0;
      gint64 elapsed;

      do
        {
          for (guint b = 0; b < n_blocks; b++)
            {
              if (encode)
                {
                  g_autoptr(GBytes) data =
                    stipple_telemetry_encode (STIPPLE_TELEMETRY_ENCODING_WAVEFORM,
                                              samples + (gsize) b * BLOCK, BLOCK);

                  sink += g_bytes_get_size (data);
                }
              else
                {
                  if (!stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_WAVEFORM, encoded[b],
                                                 BLOCK, out, NULL))
                    g_error ("a block did not decode");
                  sink += out[BLOCK - 1].position_um;
                }
            }
          done += (guint64) n_blocks * BLOCK;
          elapsed = g_get_monotonic_time () - start;
        }
      while (elapsed < G_USEC_PER_SEC);
      rates[run] = (double) done / elapsed;
    }
  qsort (rates, RUNS, sizeof *rates, compare_double);
  return rates[RUNS / 2];
}

/* bench-clinic-year's session thinned: bytes of encoding 3 a stroke,
 * and encoding 2's bytes over encoding 3's. */
static void
thinned_figures (double *bytes_per_stroke,
                 double *ratio)
{
  StippleTestNeedle needle = { 8000, 120, 900, -200, 0, 4000000, 600000 };
  guint n = THIN_SECONDS * needle.samples_per_s;
  guint n_blocks = (n + BLOCK - 1) / BLOCK;
  g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, n);
  g_autofree guint *block_lengths = g_new (guint, n_blocks);
  g_autoptr(GArray) thinned_lengths = NULL;
  g_autoptr(GPtrArray) blocks = NULL;
  StippleStrokeAnalyser analyser;
  gsize full_bytes = 0, thinned_bytes = 0;
  guint strokes = 0;

  for (guint i = 0; i < n; i++)
    {
      StippleStroke stroke;

      stipple_test_needle_sample (&needle, i, &samples[i]);
      if (i == 0)
        stipple_stroke_analyser_init (&analyser, needle.depth_um, 100);
      strokes += stipple_stroke_analyser_add (&analyser, stipple_test_needle_time_of (&needle, i),
                                              &samples[i], &stroke);
    }
  for (guint b = 0; b < n_blocks; b++)
    {
      g_autoptr(GBytes) data = NULL;

      block_lengths[b] = MIN (BLOCK, n - b * BLOCK);
      data = stipple_telemetry_encode (STIPPLE_TELEMETRY_ENCODING_WAVEFORM,
                                       samples + (gsize) b * BLOCK, block_lengths[b]);
      full_bytes += g_bytes_get_size (data);
    }
  blocks = stipple_telemetry_thin (samples, n, block_lengths, n_blocks, &thinned_lengths);
  for (guint b = 0; b < blocks->len; b++)
    thinned_bytes += g_bytes_get_size (g_ptr_array_index (blocks, b));

  *bytes_per_stroke = (double) thinned_bytes / MAX (strokes, 1);
  *ratio = (double) full_bytes / thinned_bytes;
}

int
main (int   argc,
      char *argv[])
{
  static const guint depths[] = { 600, 1000, 1500, 2000 };
  static const guint rates[] = { 90, 113, 120, 150 };
  guint n_blocks = G_N_ELEMENTS (depths) * G_N_ELEMENTS (rates) * BLOCKS_PER_TREATMENT;
  g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, (gsize) n_blocks * BLOCK);
  g_autofree GBytes **encoded = g_new0 (GBytes *, n_blocks);
  g_autofree char *dir = argc > 1 ? g_strdup (argv[1])
                                  : g_dir_make_tmp ("stipple-bench-codec-XXXXXX", NULL);
  g_autofree char *loadavg = NULL;
  Tally model = { 0, }, demo = { 0, }, noisy = { 0, };
  double thinned_per_stroke, thinned_ratio;
  guint b = 0;

  g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL);
  g_print ("# machine: %u CPUs, load average %s", g_get_num_processors (),
           loadavg ? loadavg : "unknown\n");

  for (guint d = 0; d < G_N_ELEMENTS (depths); d++)
    for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
      {
        stipple_test_pen_record (depths[d], rates[r], b + 1, 0, samples + (gsize) b * BLOCK,
                                 BLOCKS_PER_TREATMENT * BLOCK);
        b += BLOCKS_PER_TREATMENT;
      }
  for (b = 0; b < n_blocks; b++)
    {
      encoded[b] = stipple_telemetry_encode (STIPPLE_TELEMETRY_ENCODING_WAVEFORM,
                                             samples + (gsize) b * BLOCK, BLOCK);
      tally_block (&model, samples + (gsize) b * BLOCK, BLOCK, g_bytes_get_size (encoded[b]));
    }
  tally_demo (dir, &demo);
  tally_noisy (&noisy);
  if (argc <= 1)
    g_rmdir (dir);

  g_print ("# model: %u samples in %u blocks (%u treatments); demo: %u samples as stored\n",
           model.n_samples, n_blocks, n_blocks / BLOCKS_PER_TREATMENT, demo.n_samples);
  g_print ("bytes_per_sample_model: %.3f bytes\n",
           (double) model.bytes[STIPPLE_TELEMETRY_ENCODING_WAVEFORM] / model.n_samples);
  g_print ("bytes_per_sample_demo: %.3f bytes\n",
           (double) demo.bytes[STIPPLE_TELEMETRY_ENCODING_WAVEFORM] / demo.n_samples);
  g_print ("bytes_per_sample_encoding1: %.3f bytes (model data)\n",
           (double) model.bytes[STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB] / model.n_samples);
  g_print ("bytes_per_sample_encoding1_demo: %.3f bytes\n",
           (double) demo.bytes[STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB] / demo.n_samples);
  g_print ("entropy_floor: %.3f bytes (model data; order-0 entropy of encoding 2's residuals)\n",
           model.entropy_bits / model.n_samples / 8);
  g_print ("entropy_floor_demo: %.3f bytes\n", demo.entropy_bits / demo.n_samples / 8);
  g_print ("bytes_per_sample_noisy: %.3f bytes (encoding 1: %.3f)\n",
           (double) noisy.bytes[STIPPLE_TELEMETRY_ENCODING_WAVEFORM] / noisy.n_samples,
           (double) noisy.bytes[STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB] / noisy.n_samples);
  g_print ("entropy_floor_noisy: %.3f bytes\n", noisy.entropy_bits / noisy.n_samples / 8);
  thinned_figures (&thinned_per_stroke, &thinned_ratio);
  g_print ("thinned_bytes_per_stroke: %.2f B\n", thinned_per_stroke);
  g_print ("thinned_ratio: %.1f x\n", thinned_ratio);
  g_print ("encode_msamples_per_s: %.2f Msamples/s\n",
           speed (samples, n_blocks, NULL, TRUE));
  g_print ("decode_msamples_per_s: %.2f Msamples/s\n",
           speed (samples, n_blocks, encoded, FALSE));

  for (b = 0; b < n_blocks; b++)
    g_bytes_unref (encoded[b]);
  return 0;
}
