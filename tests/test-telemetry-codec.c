/* test-telemetry-codec.c: the patient file's needle-data encodings
 *
 * Encoding 2 must give back exactly what it was given, whatever that is,
 * and be small on what the pen sends; encoding 1, what files written
 * before it hold, must still read; a damaged block must be refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-test-telemetry-codec"

#include "config.h"

#include <string.h>

#include "stipple-store.h"
#include "stipple-telemetry-codec.h"
#include "stipple-test-pen-record.h"

/* The goal for encoding 2 on the pen's own data. */
#define MAX_BYTES_PER_SAMPLE 0.7

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

  return g_test_run ();
}
