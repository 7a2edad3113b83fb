/* test-telemetry-codec.c: the patient file's needle-data encodings
 *
 * Encoding 2 must give back exactly what it was given, whatever that is,
 * and be small on what the pen sends; encoding 1, what files written
 * before it hold, must still read; a damaged block must be refused.
 * Encoding 3, thinned data, must keep every stroke and every figure the
 * stroke analyser finds in the whole session, and be far smaller.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-test-telemetry-codec"

#include "config.h"

#include <string.h>

#include "stipple-store.h"
#include "stipple-stroke-analyser.h"
#include "stipple-telemetry-codec.h"
#include "stipple-test-needle.h"
#include "stipple-test-pen-record.h"

/* The goal for encoding 2 on the pen's own data. */
#define MAX_BYTES_PER_SAMPLE 0.7

/* The report's figures for the needle model: 900 µm ± 100 µm. */
#define COMMANDED_UM 900
#define TOLERANCE_UM 100

/* Thinned data must take at most this share of encoding 2's bytes. */
#define MAX_THINNED_SHARE 0.25

static const guint encodings[] = {
  STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB,
  STIPPLE_TELEMETRY_ENCODING_WAVEFORM,
};

/* Encodes @in, decodes it and checks that every byte came back. */
static gsize
round_trip (guint                     encoding,
            const StippleProtoSample *in,
            guint                     n)
{
  g_autoptr(GBytes) data = stipple_telemetry_encode (encoding, in, n);
  g_autofree StippleProtoSample *out = g_new0 (StippleProtoSample, MAX (n, 1));
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (data);
  g_assert_true (stipple_telemetry_decode (encoding, data, n, out, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (in, n * sizeof *in, out, n * sizeof *out);
  return g_bytes_get_size (data);
}

static void
round_trip_both (const StippleProtoSample *in,
                 guint                     n)
{
  for (guint e = 0; e < G_N_ELEMENTS (encodings); e++)
    round_trip (encodings[e], in, n);
}

static void
test_model (void)
{
  static const guint depths[] = { 250, 600, 1000, 1500, 2000 };
  static const guint rates[] = { 90, 113, 120, 150 };
  guint n = STIPPLE_STORE_TELEMETRY_BLOCK;
  g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, 3 * n);

  for (guint d = 0; d < G_N_ELEMENTS (depths); d++)
    for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
      {
        stipple_test_pen_record (depths[d], rates[r], d * 7 + r + 1, 0, samples, 3 * n);
        /* Three blocks as the store cuts them, the first, a middle one
         * and the last starting at any phase of a stroke. */
        for (guint b = 0; b < 3; b++)
          {
            gsize bytes = round_trip (STIPPLE_TELEMETRY_ENCODING_WAVEFORM, samples + b * n, n);
            double per_sample = (double) bytes / n;

            round_trip (STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB, samples + b * n, n);
            g_test_message ("%u µm, %u Hz, block %u: %.3f bytes a sample",
                            depths[d], rates[r], b, per_sample);
            g_assert_cmpfloat (per_sample, <=, MAX_BYTES_PER_SAMPLE);
          }
      }
}

/* The pen lifted off the skin and put back: the contact flag and the
 * load come and go. */
static void
test_model_lifted (void)
{
  guint n = STIPPLE_STORE_TELEMETRY_BLOCK;
  g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, n);
  gsize bytes;
  guint changes = 0;

  stipple_test_pen_record (1200, 120, 9, 2000, samples, n);
  for (guint i = 1; i < n; i++)
    changes += samples[i].flags != samples[i - 1].flags;
  g_assert_cmpuint (changes, >, 100);

  bytes = round_trip (STIPPLE_TELEMETRY_ENCODING_WAVEFORM, samples, n);
  round_trip (STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB, samples, n);
  g_assert_cmpfloat ((double) bytes / n, <=, MAX_BYTES_PER_SAMPLE);
}

/* Encoding 2 must beat encoding 1 by far on the pen's data. The order-0
 * entropy of its residuals is no bound for deflate, which also finds the
 * strokes' repeats, but it must say "nothing left" for a block that
 * never changes and much more for noise than for the needle. */
static void
test_model_against_floor (void)
{
  guint n = STIPPLE_STORE_TELEMETRY_BLOCK;
  g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, n);
  g_autofree StippleProtoSample *noise = g_new (StippleProtoSample, n);
  gsize old_bytes, new_bytes;
  double floor_bits;

  stipple_test_pen_record (1500, 120, 1, 0, samples, n);
  old_bytes = round_trip (STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB, samples, n);
  new_bytes = round_trip (STIPPLE_TELEMETRY_ENCODING_WAVEFORM, samples, n);
  floor_bits = stipple_telemetry_residual_entropy (samples, n);
  g_test_message ("encoding 1: %.3f, encoding 2: %.3f, residual entropy %.3f bytes a sample",
                  (double) old_bytes / n, (double) new_bytes / n, floor_bits / 8);
  g_assert_cmpuint (new_bytes * 3, <, old_bytes);

  for (guint i = 0; i < n; i++)
    {
      noise[i] = samples[i];
      noise[i].position_um = (gint32) g_test_rand_int ();
      noise[i].load = g_test_rand_int ();
    }
  g_assert_cmpfloat (stipple_telemetry_residual_entropy (noise, n), >, floor_bits + 20);
  for (guint i = 0; i < n; i++)
    noise[i] = samples[0];
  /* Only the first sample, predicted from nothing, is left. */
  g_assert_cmpfloat (stipple_telemetry_residual_entropy (noise, n), <, 0.01);
}

static void
test_random (void)
{
  for (guint round = 0; round < 40; round++)
    {
      guint n = g_test_rand_int_range (1, STIPPLE_STORE_TELEMETRY_BLOCK + 1);
      g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, n);

      for (guint i = 0; i < n; i++)
        {
          samples[i].timestamp_us = g_test_rand_int ();
          samples[i].position_um = (gint32) g_test_rand_int ();
          samples[i].load = g_test_rand_int ();
          samples[i].flags = g_test_rand_int ();
          samples[i].stroke_count = g_test_rand_int ();
        }
      round_trip_both (samples, n);
    }
}

/* The pen's signal with everything a predictor does not expect: clock
 * wraps, gaps and jumps back, flags every sample, counters jumping,
 * positions and loads at their limits. */
static void
test_adversarial (void)
{
  guint n = STIPPLE_STORE_TELEMETRY_BLOCK;
  g_autofree StippleProtoSample *model = g_new (StippleProtoSample, n);
  g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, n);

  stipple_test_pen_record (1000, 150, 3, 0, model, n);
  for (guint variant = 0; variant < 8; variant++)
    {
      memcpy (samples, model, n * sizeof *samples);
      for (guint i = 0; i < n; i++)
        {
          StippleProtoSample *s = &samples[i];

          switch (variant)
            {
            case 0:
              /* The pen's clock wraps in the middle of the block. */
              s->timestamp_us = G_MAXUINT32 - 125 * (n / 2) + 125 * i;
              break;
            case 1:
              /* Lost samples, and a clock that steps back. */
              s->timestamp_us += i > n / 3 ? 100000 : 0;
              s->timestamp_us -= i > n / 2 ? 400000 : 0;
              break;
            case 2:
              s->flags = i;
              s->stroke_count = (i % 3) ? G_MAXUINT32 - i : i * 977;
              break;
            case 3:
              s->position_um = (i & 1) ? G_MAXINT32 : G_MININT32;
              s->load = (i & 2) ? G_MAXUINT16 : 0;
              s->flags = STIPPLE_PROTO_SAMPLE_CONTACT;
              break;
            case 4:
              /* Contact without load and load without contact. */
              s->flags ^= STIPPLE_PROTO_SAMPLE_CONTACT;
              break;
            case 5:
              /* A tip stuck far out: the prediction overflows 32 bits. */
              s->position_um = (i % 100 < 50) ? G_MAXINT32 - (gint32) i : G_MININT32 + (gint32) i;
              break;
            case 6:
              /* The sensor saturates. */
              s->position_um *= 40;
              s->load = s->position_um > 0 ? MIN (G_MAXUINT16, s->position_um * 26) : 0;
              break;
            default:
              /* Every field constant. */
              memset (s, 0xff, sizeof *s);
              break;
            }
        }
      round_trip_both (samples, n);
    }
}

static void
test_edges (void)
{
  StippleProtoSample one = {
    .timestamp_us = G_MAXUINT32, .position_um = G_MININT32, .load = G_MAXUINT16,
    .flags = G_MAXUINT16, .stroke_count = G_MAXUINT32,
  };
  guint n = STIPPLE_STORE_TELEMETRY_BLOCK;
  g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, n);
  StippleProtoSample none[1];
  g_autoptr(GBytes) empty = NULL;

  round_trip_both (&one, 1);

  /* Two and three samples: the position's predictor needs two before. */
  stipple_test_pen_record (700, 100, 5, 0, samples, n);
  round_trip_both (samples, 2);
  round_trip_both (samples, 3);
  round_trip_both (samples, n);

  /* A whole block across the wrap of the clock. */
  for (guint i = 0; i < n; i++)
    samples[i].timestamp_us = G_MAXUINT32 - 62 - 125 * 4000 + 125 * i;
  round_trip_both (samples, n);

  empty = stipple_telemetry_encode (STIPPLE_TELEMETRY_ENCODING_WAVEFORM, none, 0);
  g_assert_true (stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_WAVEFORM, empty, 0, none,
                                           NULL));
  g_assert_false (stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_WAVEFORM, empty, 1, none,
                                            NULL));
}

/* Ten samples written by Stipple before encoding 2 existed (encoding 1,
 * zlib level 6): files hold blocks like it and must read forever. */
static void
test_encoding_1_fixture (void)
{
  static const guint8 block[] = {
    0x78, 0x9c, 0xfb, 0x7f, 0x7f, 0xd9, 0x4c, 0xa6, 0x5f, 0x8c, 0xe8, 0xf0, 0x3a, 0x8b, 0xd7,
    0x3d, 0xc6, 0x4f, 0x4c, 0x6d, 0x2c, 0xb3, 0x58, 0xd7, 0xb1, 0x1d, 0x62, 0xbf, 0xc6, 0xf1,
    0x8a, 0x93, 0x81, 0x81, 0x61, 0x05, 0xd7, 0x8f, 0x80, 0x8e, 0x8c, 0x19, 0xf5, 0x2b, 0xa6,
    0x31, 0xee, 0x58, 0xcb, 0x78, 0xe2, 0x08, 0x23, 0x13, 0x13, 0x13, 0x33, 0x04, 0x04, 0x31,
    0x80, 0x00, 0x13, 0x10, 0x03, 0x00, 0xc8, 0x5d, 0x1c, 0x04,
  };
  StippleProtoSample expected[10], out[10];
  g_autoptr(GBytes) data = g_bytes_new_static (block, sizeof block);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 10; i++)
    expected[i] = (StippleProtoSample) {
      .timestamp_us = 4000000000u + 125 * i,
      .position_um = -300 + (gint32) (i * i * 37),
      .load = i > 2 ? (i * i * 37 - 300) * 20 : 0,
      .flags = STIPPLE_PROTO_SAMPLE_RUNNING | (i > 2 ? STIPPLE_PROTO_SAMPLE_CONTACT : 0),
      .stroke_count = 41 + i / 6,
    };

  g_assert_true (stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB, data, 10, out,
                                           &error));
  g_assert_no_error (error);
  g_assert_cmpmem (expected, sizeof expected, out, sizeof out);
}

static void
assert_corrupt (guint    encoding,
                GBytes  *data,
                guint    n)
{
  g_autofree StippleProtoSample *out = g_new (StippleProtoSample, MAX (n, 1));
  g_autoptr(GError) error = NULL;

  g_assert_false (stipple_telemetry_decode (encoding, data, n, out, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT);
}

/* @raw deflated as a block would be: a well-formed zlib stream holding
 * whatever the test wants the decoder to parse. */
static GBytes *
deflate_raw (const guint8 *raw,
             gsize         len)
{
  g_autoptr(GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr(GInputStream) mem = g_memory_input_stream_new_from_data (raw, len, NULL);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (mem, G_CONVERTER (zlib));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  g_assert_cmpint (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                           NULL, NULL), >=, 0);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_corrupt (void)
{
  /* Raw streams of encoding 2 for 3 samples, each wrong in one way:
   * timestamp (first, step, exceptions), flags, strokes, modes,
   * residuals. */
  static const struct
  {
    const char *what;
    guint8      raw[32];
    gsize       len;
  } cases[] = {
    { "well formed", { 1, 125, 0,  2, 0, 0,  7, 1, 0,  0, 0,  0, 0, 0,  0, 0, 0 }, 17 },
    { "too many exceptions", { 1, 125, 3,  2, 0, 0,  7, 1, 0,  0, 0,  0, 0, 0,  0, 0, 0 }, 17 },
    { "exception past the end", { 1, 125, 1, 2, 2,  2, 0, 0,  7, 1, 0,  0, 0,  0, 0, 0,  0, 0, 0 }, 19 },
    { "flags over 16 bits", { 1, 125, 0,  0x80, 0x80, 0x04, 0, 0,  7, 1, 0,  0, 0,  0, 0, 0,  0, 0, 0 }, 19 },
    { "a value over 32 bits", { 0x80, 0x80, 0x80, 0x80, 0x10, 125, 0,  2, 0, 0,  7, 1, 0,  0, 0,  0, 0, 0,  0, 0, 0 }, 21 },
    { "an unknown mode", { 1, 125, 0,  2, 0, 0,  7, 1, 0,  2, 0,  0, 0, 0,  0, 0, 0 }, 17 },
    { "load below 0", { 1, 125, 0,  2, 0, 0,  7, 1, 0,  0, 0,  0, 0, 0,  1, 0, 0 }, 17 },
    { "load above 65535", { 1, 125, 0,  2, 0, 0,  7, 1, 0,  0, 0,  0, 0, 0,  0x80, 0x80, 0x08, 0, 0 }, 19 },
    { "a residual missing", { 1, 125, 0,  2, 0, 0,  7, 1, 0,  0, 0,  0, 0, 0,  0, 0 }, 16 },
    { "a byte too many", { 1, 125, 0,  2, 0, 0,  7, 1, 0,  0, 0,  0, 0, 0,  0, 0, 0, 0 }, 18 },
    { "a model mode cut short", { 1, 125, 0,  2, 0, 0,  7, 1, 0,  1, 4 }, 11 },
    { "a varint never ending", { 1, 125, 0,  2, 0, 0,  7, 1, 0,  0, 0,  0, 0x80, 0x80 }, 14 },
  };
  guint n = 500;
  g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, n);
  StippleProtoSample three[3];

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GBytes) data = deflate_raw (cases[c].raw, cases[c].len);

      g_test_message ("%s", cases[c].what);
      if (c == 0)
        {
          g_assert_true (stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_WAVEFORM, data, 3,
                                                   three, NULL));
          g_assert_cmpuint (three[2].timestamp_us, ==, 251);
          g_assert_cmpuint (three[1].flags, ==, 2);
          g_assert_cmpuint (three[2].stroke_count, ==, 9);
          continue;
        }
      assert_corrupt (STIPPLE_TELEMETRY_ENCODING_WAVEFORM, data, 3);
    }

  stipple_test_pen_record (1000, 120, 2, 500, samples, n);
  for (guint e = 0; e < G_N_ELEMENTS (encodings); e++)
    {
      g_autoptr(GBytes) data = stipple_telemetry_encode (encodings[e], samples, n);
      gsize len;
      const guint8 *bytes = g_bytes_get_data (data, &len);
      g_autofree guint8 *copy = g_memdup2 (bytes, len);

      /* The wrong count, an encoding nobody wrote, every cut. */
      assert_corrupt (encodings[e], data, n - 1);
      assert_corrupt (encodings[e], data, n + 1);
      assert_corrupt (7, data, n);
      for (gsize cut = 0; cut < len; cut++)
        {
          g_autoptr(GBytes) part = g_bytes_new_from_bytes (data, 0, cut);

          assert_corrupt (encodings[e], part, n);
        }
      /* Every byte flipped: refused or decoded, never a crash. */
      for (gsize at = 0; at < len; at++)
        {
          g_autoptr(GBytes) flipped = NULL;
          g_autofree StippleProtoSample *out = g_new (StippleProtoSample, n);
          g_autoptr(GError) error = NULL;

          copy[at] ^= 0x5a;
          flipped = g_bytes_new (copy, len);
          if (!stipple_telemetry_decode (encodings[e], flipped, n, out, &error))
            g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT);
          copy[at] ^= 0x5a;
        }
    }

  /* Random raw streams behind a good zlib wrapper reach the parser
   * itself. */
  for (guint round = 0; round < 2000; round++)
    {
      guint8 raw[64];
      gsize len = g_test_rand_int_range (0, sizeof raw + 1);
      g_autoptr(GBytes) data = NULL;
      StippleProtoSample out[4];

      for (gsize i = 0; i < len; i++)
        raw[i] = g_test_rand_int_range (0, 4) ? g_test_rand_int_range (0, 8) : g_test_rand_int ();
      data = deflate_raw (raw, len);
      for (guint e = 0; e < G_N_ELEMENTS (encodings); e++)
        stipple_telemetry_decode (encodings[e], data, g_test_rand_int_range (1, 5), out, NULL);
    }
}

/* A blob that inflates far past what any block could hold is refused
 * before it takes the memory. */
static void
test_inflate_limit (void)
{
  gsize len = 8 * 1024 * 1024;
  g_autofree guint8 *zeros = g_malloc0 (len);
  g_autoptr(GBytes) bomb = deflate_raw (zeros, len);

  for (guint e = 0; e < G_N_ELEMENTS (encodings); e++)
    assert_corrupt (encodings[e], bomb, 10);
  assert_corrupt (STIPPLE_TELEMETRY_ENCODING_STROKES, bomb, 10);
}

/* Encoding 3 ----------------------------------------------------------- */

/* The analyser over a session's blocks, each block's times computed from
 * its first sample, and the blocks placed one after another by the pen
 * clock, as the store does. */
static void
analyse (const StippleProtoSample *samples,
         const guint              *block_lengths,
         guint                     n_blocks,
         GArray                   *strokes,
         StippleStrokeStats       *stats)
{
  StippleStrokeAnalyser analyser;
  gint64 end_us = 0;
  guint32 last_clock = 0;
  guint at = 0;

  stipple_stroke_analyser_init (&analyser, COMMANDED_UM, TOLERANCE_UM);
  for (guint b = 0; b < n_blocks; b++)
    {
      const StippleProtoSample *block = samples + at;
      gint64 start_us = b ? end_us + (guint32) (block[0].timestamp_us - last_clock) : 0;

      for (guint i = 0; i < block_lengths[b]; i++)
        {
          StippleStroke stroke;
          gint64 t_us = start_us + (guint32) (block[i].timestamp_us - block[0].timestamp_us);

          if (stipple_stroke_analyser_add (&analyser, t_us, &block[i], &stroke))
            g_array_append_val (strokes, stroke);
        }
      last_clock = block[block_lengths[b] - 1].timestamp_us;
      end_us = start_us + (guint32) (last_clock - block[0].timestamp_us);
      at += block_lengths[b];
    }
  *stats = analyser.stats;
}

static gboolean
same_sample (const StippleProtoSample *a,
             const StippleProtoSample *b)
{
  return a->timestamp_us == b->timestamp_us && a->position_um == b->position_um &&
         a->load == b->load && a->flags == b->flags && a->stroke_count == b->stroke_count;
}

/* Thins the session, checks each block decodes to a subsequence of the
 * original one that starts and ends where it does, and that the
 * analyser finds the same strokes and figures in both. Returns the
 * thinned bytes; @n_strokes: how many strokes there were. */
static gsize
thin_and_compare (const StippleProtoSample *samples,
                  guint                     n,
                  const guint              *block_lengths,
                  guint                     n_blocks,
                  guint                    *n_strokes)
{
  g_autoptr(GArray) thinned_lengths = NULL;
  g_autoptr(GPtrArray) blocks = stipple_telemetry_thin (samples, n, block_lengths, n_blocks,
                                                        &thinned_lengths);
  g_autofree StippleProtoSample *thinned = g_new (StippleProtoSample, MAX (n, 1));
  g_autoptr(GArray) strokes = g_array_new (FALSE, FALSE, sizeof (StippleStroke));
  g_autoptr(GArray) thin_strokes = g_array_new (FALSE, FALSE, sizeof (StippleStroke));
  StippleStrokeStats stats, thin_stats;
  guint at = 0, thin_at = 0;
  gsize bytes = 0;

  g_assert_nonnull (blocks);
  g_assert_nonnull (thinned_lengths);
  g_assert_cmpuint (blocks->len, ==, n_blocks);
  g_assert_cmpuint (thinned_lengths->len, ==, n_blocks);

  for (guint b = 0; b < n_blocks; b++)
    {
      guint len = g_array_index (thinned_lengths, guint, b);
      StippleProtoSample *out = thinned + thin_at;
      g_autoptr(GError) error = NULL;
      guint j = 0;

      g_assert_cmpuint (len, >=, 1);
      g_assert_cmpuint (len, <=, block_lengths[b]);
      g_assert_true (stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_STROKES,
                                               g_ptr_array_index (blocks, b), len, out, &error));
      g_assert_no_error (error);
      bytes += g_bytes_get_size (g_ptr_array_index (blocks, b));

      g_assert_true (same_sample (&out[0], &samples[at]));
      g_assert_true (same_sample (&out[len - 1], &samples[at + block_lengths[b] - 1]));
      for (guint i = 0; i < block_lengths[b] && j < len; i++)
        if (same_sample (&samples[at + i], &out[j]))
          j++;
      g_assert_cmpuint (j, ==, len);

      at += block_lengths[b];
      thin_at += len;
    }

  analyse (samples, block_lengths, n_blocks, strokes, &stats);
  analyse (thinned, (const guint *) thinned_lengths->data, n_blocks, thin_strokes, &thin_stats);

  g_assert_cmpuint (thin_strokes->len, ==, strokes->len);
  for (guint i = 0; i < strokes->len; i++)
    {
      const StippleStroke *a = &g_array_index (strokes, StippleStroke, i);
      const StippleStroke *t = &g_array_index (thin_strokes, StippleStroke, i);

      g_assert_cmpuint (t->peak_time_us, ==, a->peak_time_us);
      g_assert_cmpint (t->peak_um, ==, a->peak_um);
      g_assert_cmpuint (t->interval_us, ==, a->interval_us);
      g_assert_cmpint (t->in_skin, ==, a->in_skin);
      g_assert_cmpint (t->in_tolerance, ==, a->in_tolerance);
    }
  g_assert_cmpuint (thin_stats.strokes, ==, stats.strokes);
  g_assert_cmpuint (thin_stats.out_of_tolerance, ==, stats.out_of_tolerance);
  g_assert_cmpuint (thin_stats.time_in_zone_us, ==, stats.time_in_zone_us);
  g_assert_cmpfloat (thin_stats.mean_um, ==, stats.mean_um);
  g_assert_cmpfloat (thin_stats.m2_um2, ==, stats.m2_um2);

  g_test_message ("%u samples in %u blocks thinned to %u; %u strokes, %" G_GUINT64_FORMAT
                  " into skin, %" G_GUINT64_FORMAT " µs in the zone",
                  n, n_blocks, thin_at, strokes->len, stats.strokes, stats.time_in_zone_us);
  if (n_strokes != NULL)
    *n_strokes = strokes->len;
  return bytes;
}

/* The needle model of bench-clinic-year: 30 s at 120 strokes a second,
 * lifted off the skin for 0.6 s every 4 s, in the store's blocks. */
static StippleProtoSample *
model_session (guint  *n,
               guint **block_lengths,
               guint  *n_blocks)
{
  StippleTestNeedle needle = { 8000, 120, 900, -200, 0, 4000000, 600000 };
  StippleProtoSample *samples;

  *n = 30 * needle.samples_per_s;
  samples = g_new (StippleProtoSample, *n);
  for (guint i = 0; i < *n; i++)
    stipple_test_needle_sample (&needle, i, &samples[i]);
  *n_blocks = *n / STIPPLE_STORE_TELEMETRY_BLOCK;
  *block_lengths = g_new (guint, *n_blocks);
  for (guint b = 0; b < *n_blocks; b++)
    (*block_lengths)[b] = STIPPLE_STORE_TELEMETRY_BLOCK;
  return samples;
}

static void
test_strokes_identical (void)
{
  g_autofree guint *block_lengths = NULL;
  g_autofree StippleProtoSample *samples = NULL;
  guint n, n_blocks, n_strokes;

  samples = model_session (&n, &block_lengths, &n_blocks);
  thin_and_compare (samples, n, block_lengths, n_blocks, &n_strokes);
  /* 120 a second for 30 s. */
  g_assert_cmpuint (n_strokes, >=, 3590);
  g_assert_cmpuint (n_strokes, <=, 3600);
}

/* Needle data as nothing well-behaved makes it: strokes of any depth
 * and length, noise, flat tops, plateaus, the pen lifted and stopped,
 * flags flipping, samples lost, a clock that steps back and wraps, and
 * blocks of any length. */
static StippleProtoSample *
random_session (GRand  *rand,
                guint  *n,
                guint **block_lengths,
                guint  *n_blocks)
{
  StippleProtoSample *samples;
  guint32 clock = G_MAXUINT32 - g_rand_int_range (rand, 0, 4000000);
  guint32 stroke_count = g_rand_int (rand);
  guint16 flags = STIPPLE_PROTO_SAMPLE_RUNNING | STIPPLE_PROTO_SAMPLE_CONTACT;
  double phase = 0, rate = 120, depth = 900;
  gint32 quantum = 1 + g_rand_int_range (rand, 0, 3) * 40;
  guint at = 0;

  *n = g_rand_int_range (rand, 20000, 60000);
  samples = g_new (StippleProtoSample, *n);
  for (guint i = 0; i < *n; i++)
    {
      StippleProtoSample *s = &samples[i];
      guint32 step = 125;
      gint32 position;

      switch (g_rand_int_range (rand, 0, 2000))
        {
        case 0:
          /* Samples lost. */
          step = g_rand_int_range (rand, 126, 60000);
          break;
        case 1:
          /* The clock steps back, or stands still. */
          step = g_rand_boolean (rand) ? (guint32) -g_rand_int_range (rand, 1, 500000) : 0;
          break;
        case 2:
          /* Lifted or put down. */
          flags ^= STIPPLE_PROTO_SAMPLE_CONTACT;
          break;
        case 3:
          /* The motor stopped or started. */
          flags ^= STIPPLE_PROTO_SAMPLE_RUNNING;
          break;
        case 4:
          /* Some other bit. */
          flags ^= 1 << g_rand_int_range (rand, 0, 16);
          break;
        case 5:
          rate = g_rand_double_range (rand, 20, 400);
          break;
        case 6:
          depth = g_rand_double_range (rand, -100, 2500);
          break;
        case 7:
          /* A burst of flips, one every sample. */
          flags ^= g_rand_int_range (rand, 0, 4);
          break;
        default:
          break;
        }
      clock += i ? step : 0;
      phase += rate / 8000 * g_rand_double_range (rand, 0.5, 1.5);
      if (phase >= 1)
        {
          phase -= 1;
          stroke_count++;
          depth += g_rand_double_range (rand, -150, 150);
        }
      position = (gint32) lround (-200 + (depth + 200) * (1 - cos (2 * G_PI * phase)) / 2);
      position += g_rand_int_range (rand, -60, 61) * (g_rand_int_range (rand, 0, 20) == 0);
      position += g_rand_int_range (rand, -3, 4);
      position -= position % quantum;

      s->timestamp_us = clock;
      s->position_um = position;
      s->load = (flags & STIPPLE_PROTO_SAMPLE_CONTACT) ? (guint16) g_rand_int (rand) : 0;
      s->flags = flags;
      s->stroke_count = stroke_count;
    }

  *block_lengths = g_new (guint, *n);
  *n_blocks = 0;
  while (at < *n)
    {
      guint len = g_rand_boolean (rand) ? STIPPLE_STORE_TELEMETRY_BLOCK
                                        : g_rand_int_range (rand, 1, STIPPLE_STORE_TELEMETRY_BLOCK);

      len = MIN (len, *n - at);
      (*block_lengths)[(*n_blocks)++] = len;
      at += len;
    }
  return samples;
}

static void
test_strokes_random (void)
{
  for (guint seed = 1; seed <= 24; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      g_autofree guint *block_lengths = NULL;
      g_autofree StippleProtoSample *samples = NULL;
      guint n, n_blocks, n_strokes;

      g_test_message ("seed %u", seed);
      samples = random_session (rand, &n, &block_lengths, &n_blocks);
      thin_and_compare (samples, n, block_lengths, n_blocks, &n_strokes);
      g_assert_cmpuint (n_strokes, >, 0);
    }

  /* Nothing but noise: every field random, positions anywhere or within
   * a few hysteresis widths, the clock stepping anyhow. */
  for (guint round = 0; round < 40; round++)
    {
      guint n = g_test_rand_int_range (1, 3 * STIPPLE_STORE_TELEMETRY_BLOCK);
      g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, n);
      g_autofree guint *block_lengths = g_new (guint, n);
      gint32 spread = round % 4 == 0 ? 0 : 50 * (gint32) round;
      guint n_blocks = 0;

      for (guint i = 0; i < n; i++)
        {
          StippleProtoSample *s = &samples[i];

          s->timestamp_us = i ? samples[i - 1].timestamp_us : (guint32) g_test_rand_int ();
          s->timestamp_us += g_test_rand_int_range (0, 8) ? g_test_rand_int_range (0, 25000)
                                                          : g_test_rand_int ();
          s->position_um = spread ? g_test_rand_int_range (-spread, spread + 1)
                                  : (gint32) g_test_rand_int ();
          s->load = g_test_rand_int ();
          s->flags = g_test_rand_int_range (0, 8) ? STIPPLE_PROTO_SAMPLE_CONTACT |
                                                    STIPPLE_PROTO_SAMPLE_RUNNING
                                                  : (guint16) g_test_rand_int ();
          s->stroke_count = g_test_rand_int ();
        }
      for (guint at = 0; at < n; at += block_lengths[n_blocks++])
        {
          guint len = g_test_rand_int_range (1, 2 * STIPPLE_STORE_TELEMETRY_BLOCK);

          block_lengths[n_blocks] = MIN (n - at, len);
        }
      thin_and_compare (samples, n, block_lengths, n_blocks, NULL);
    }

  /* A single sample, and every block of one sample. */
  {
    StippleTestNeedle needle = { 8000, 120, 900, -200, 0, 0, 0 };
    StippleProtoSample samples[300];
    guint ones[300];
    guint n_strokes;

    for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
      {
        stipple_test_needle_sample (&needle, i, &samples[i]);
        ones[i] = 1;
      }
    thin_and_compare (samples, 1, ones, 1, NULL);
    thin_and_compare (samples, G_N_ELEMENTS (samples), ones, G_N_ELEMENTS (ones), &n_strokes);
    g_assert_cmpuint (n_strokes, ==, 4);
  }
}

static void
test_strokes_corrupt (void)
{
  static const struct
  {
    const char *what;
    guint8      raw[16];
    gsize       len;
  } cases[] = {
    /* Two samples: version, count, then encoding 1's five columns. */
    { "well formed", { 1, 2,  0xfa, 0x01, 2,  9, 4,  6, 0,  3, 1,  0, 2 }, 13 },
    { "an unknown version", { 2, 2,  0xfa, 0x01, 2,  9, 4,  6, 0,  3, 1,  0, 2 }, 13 },
    { "the wrong count", { 1, 3,  0xfa, 0x01, 2,  9, 4,  6, 0,  3, 1,  0, 2 }, 13 },
    { "a count of more than ten bytes",
      { 1, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0 }, 12 },
    { "a field missing", { 1, 2,  0xfa, 0x01, 2,  9, 4,  6, 0,  3, 1,  0 }, 12 },
    { "a byte too many", { 1, 2,  0xfa, 0x01, 2,  9, 4,  6, 0,  3, 1,  0, 2, 0 }, 14 },
    { "nothing after the version", { 1 }, 1 },
    { "nothing at all", { 0 }, 0 },
  };
  g_autofree guint *block_lengths = NULL;
  g_autofree StippleProtoSample *samples = NULL;
  g_autoptr(GArray) thinned_lengths = NULL;
  g_autoptr(GPtrArray) blocks = NULL;
  StippleProtoSample two[2];
  guint n, n_blocks;

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GBytes) data = deflate_raw (cases[c].raw, cases[c].len);

      g_test_message ("%s", cases[c].what);
      if (c == 0)
        {
          g_assert_true (stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_STROKES, data, 2,
                                                   two, NULL));
          g_assert_cmpuint (two[0].timestamp_us, ==, 125);
          g_assert_cmpuint (two[1].timestamp_us, ==, 126);
          g_assert_cmpint (two[0].position_um, ==, -5);
          g_assert_cmpint (two[1].position_um, ==, -3);
          g_assert_cmpuint (two[1].load, ==, 3);
          g_assert_cmpuint (two[0].flags, ==, 3);
          g_assert_cmpuint (two[1].flags, ==, 1);
          g_assert_cmpuint (two[1].stroke_count, ==, 1);
          continue;
        }
      assert_corrupt (STIPPLE_TELEMETRY_ENCODING_STROKES, data, 2);
    }
  /* No block holds no samples. */
  {
    static const guint8 empty[] = { 1, 0 };
    g_autoptr(GBytes) data = deflate_raw (empty, sizeof empty);

    g_assert_false (stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_STROKES, data, 0, two,
                                              NULL));
  }

  samples = model_session (&n, &block_lengths, &n_blocks);
  blocks = stipple_telemetry_thin (samples, 3 * STIPPLE_STORE_TELEMETRY_BLOCK, block_lengths, 3,
                                   &thinned_lengths);
  for (guint b = 0; b < blocks->len; b++)
    {
      GBytes *data = g_ptr_array_index (blocks, b);
      guint len = g_array_index (thinned_lengths, guint, b);
      gsize size;
      const guint8 *bytes = g_bytes_get_data (data, &size);
      g_autofree guint8 *copy = g_memdup2 (bytes, size);

      /* The wrong count, or read as another encoding. */
      assert_corrupt (STIPPLE_TELEMETRY_ENCODING_STROKES, data, len - 1);
      assert_corrupt (STIPPLE_TELEMETRY_ENCODING_STROKES, data, len + 1);
      assert_corrupt (STIPPLE_TELEMETRY_ENCODING_WAVEFORM, data, len);
      assert_corrupt (STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB, data, len);
      for (gsize cut = 0; cut < size; cut++)
        {
          g_autoptr(GBytes) part = g_bytes_new_from_bytes (data, 0, cut);

          assert_corrupt (STIPPLE_TELEMETRY_ENCODING_STROKES, part, len);
        }
      /* Every byte flipped, every bit of the first ones: refused or
       * decoded, never a crash; a flip the zlib checksum sees is
       * refused. */
      for (gsize at = 0; at < size; at++)
        for (guint bit = 0; bit < (at < 8 ? 8 : 1); bit++)
          {
            g_autoptr(GBytes) flipped = NULL;
            g_autofree StippleProtoSample *out = g_new (StippleProtoSample, len);
            g_autoptr(GError) error = NULL;

            copy[at] ^= at < 8 ? 1 << bit : 0x5a;
            flipped = g_bytes_new (copy, size);
            if (!stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_STROKES, flipped, len, out,
                                           &error))
              g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT);
            if (at >= 2)
              g_assert_nonnull (error);
            copy[at] ^= at < 8 ? 1 << bit : 0x5a;
          }
    }

  /* Random raw streams behind a good zlib wrapper reach the parser. */
  for (guint round = 0; round < 2000; round++)
    {
      guint8 raw[64];
      gsize len = g_test_rand_int_range (0, sizeof raw + 1);
      g_autoptr(GBytes) data = NULL;
      StippleProtoSample out[4];
      guint count = g_test_rand_int_range (1, 5);

      for (gsize i = 0; i < len; i++)
        raw[i] = g_test_rand_int_range (0, 4) ? g_test_rand_int_range (0, 8) : g_test_rand_int ();
      if (len > 0 && g_test_rand_bit ())
        raw[0] = 1;
      if (len > 1 && g_test_rand_bit ())
        raw[1] = count;
      data = deflate_raw (raw, len);
      stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_STROKES, data, count, out, NULL);
    }
}

/* Thinned data against full-rate encoding 2, bytes a stroke, on the
 * needle model. */
static void
test_strokes_size (void)
{
  g_autofree guint *block_lengths = NULL;
  g_autofree StippleProtoSample *samples = NULL;
  guint n, n_blocks, n_strokes;
  gsize thinned_bytes, full_bytes = 0;
  double thinned_per_stroke, full_per_stroke;

  samples = model_session (&n, &block_lengths, &n_blocks);
  thinned_bytes = thin_and_compare (samples, n, block_lengths, n_blocks, &n_strokes);
  for (guint b = 0; b < n_blocks; b++)
    full_bytes += round_trip (STIPPLE_TELEMETRY_ENCODING_WAVEFORM,
                              samples + b * STIPPLE_STORE_TELEMETRY_BLOCK, block_lengths[b]);

  thinned_per_stroke = (double) thinned_bytes / n_strokes;
  full_per_stroke = (double) full_bytes / n_strokes;
  g_test_message ("encoding 2: %.2f bytes a stroke, encoding 3: %.2f bytes a stroke "
                  "(%.1f times smaller)",
                  full_per_stroke, thinned_per_stroke, full_per_stroke / thinned_per_stroke);
  g_assert_cmpfloat (thinned_per_stroke, <=, full_per_stroke * MAX_THINNED_SHARE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/telemetry-codec/model", test_model);
  g_test_add_func ("/stipple/telemetry-codec/model-lifted", test_model_lifted);
  g_test_add_func ("/stipple/telemetry-codec/model-against-floor", test_model_against_floor);
  g_test_add_func ("/stipple/telemetry-codec/random", test_random);
  g_test_add_func ("/stipple/telemetry-codec/adversarial", test_adversarial);
  g_test_add_func ("/stipple/telemetry-codec/edges", test_edges);
  g_test_add_func ("/stipple/telemetry-codec/encoding-1-fixture", test_encoding_1_fixture);
  g_test_add_func ("/stipple/telemetry-codec/corrupt", test_corrupt);
  g_test_add_func ("/stipple/telemetry-codec/inflate-limit", test_inflate_limit);
  g_test_add_func ("/stipple/telemetry-codec/strokes-identical", test_strokes_identical);
  g_test_add_func ("/stipple/telemetry-codec/strokes-random", test_strokes_random);
  g_test_add_func ("/stipple/telemetry-codec/strokes-corrupt", test_strokes_corrupt);
  g_test_add_func ("/stipple/telemetry-codec/strokes-size", test_strokes_size);

  return g_test_run ();
}
