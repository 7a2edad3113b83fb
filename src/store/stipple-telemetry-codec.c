/* stipple-telemetry-codec.c
 *
 * Three encodings of a block of needle samples; docs/patient-file.md
 * describes the first two and docs/stroke-encoding.md the third byte by
 * byte, so that blocks can be decoded without Stipple.
 *
 * Encoding 1 stores each field column by column as the difference from
 * the previous sample, zigzag-folded, as LEB128 varints, deflated. About
 * 2.3 bytes a sample: the needle's motion is smooth but never still.
 *
 * Encoding 2 uses what the signal is. The clock steps evenly, the flags
 * and the stroke counter change a few hundred times a second at most:
 * each is a first value, a step and the samples that break the step.
 * The needle follows a raised cosine at the stroke rate, and a sampled
 * sinusoid obeys x[i] = k x[i-1] - x[i-2] + c with k = 2 cos (2π f / fs)
 * and c set by its midpoint: the block's k and c, fitted by least
 * squares, predict each position from the two before it, and only the
 * rounding left over is stored. The load is the contact force, nearly a
 * straight line in the tip's depth while in contact: a fitted line
 * predicts it. Residuals are zigzag-folded varints, deflated at level 9.
 * Every prediction is computed in 64-bit integers and every residual
 * taken modulo 2^32, so any samples at all round-trip exactly; a field
 * the predictor does not fit (or a block the pen was idle in) falls back
 * to plain differences, chosen per block and field by an estimate of the
 * coded size.
 *
 * Encoding 3 holds thinned data: the samples of a block that the stroke
 * analyser needs to find the same strokes and zone figures as in the
 * whole block (stipple_telemetry_thin() says which), after a version
 * byte and their count, in encoding 1's columns, deflated at level 9.
 * docs/stroke-encoding.md describes it byte by byte.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "stipple-store.h"
#include "stipple-stroke-analyser.h"
#include "stipple-telemetry-codec.h"

/* Encoding 2's prediction modes (one byte each for position and load). */
enum
{
  MODE_DELTA = 0,
  MODE_MODEL = 1,
};

/* Encoding 3's first byte. */
#define STROKES_VERSION 1

/* The flags the stroke analyser counts time in the zone under. */
#define TREATING (STIPPLE_PROTO_SAMPLE_CONTACT | STIPPLE_PROTO_SAMPLE_RUNNING)

/* Fixed-point scales of the fitted coefficients. */
#define K_SHIFT 16
#define B_SHIFT 8

typedef struct
{
  guint8   position_mode;
  gint32   k;
  gint32   c;
  guint8   load_mode;
  gint32   a;
  gint32   b;
  guint32 *position_zz;
  guint32 *load_zz;
} Plan;

static inline guint64
zigzag (gint64 v)
{
  return ((guint64) v << 1) ^ (guint64) (v >> 63);
}

static inline gint64
unzigzag (guint64 v)
{
  return (gint64) (v >> 1) ^ -(gint64) (v & 1);
}

static inline guint32
zigzag32 (gint32 v)
{
  return ((guint32) v << 1) ^ (v < 0 ? G_MAXUINT32 : 0);
}

static inline gint32
unzigzag32 (guint32 v)
{
  return (gint32) ((v >> 1) ^ (0u - (v & 1)));
}

/* floor (v / 2^shift) for any v the predictors can produce, without
 * relying on how the compiler shifts negative numbers. */
static inline gint64
floor_shift (gint64 v,
             guint  shift)
{
  return v >= 0 ? v >> shift : -((-v - 1) >> shift) - 1;
}

static inline void
put_varint (GByteArray *out,
            guint64     v)
{
  guint8 buf[10];
  guint n = 0;

  do
    {
      guint8 byte = v & 0x7f;
      v >>= 7;
      buf[n++] = byte | (v != 0 ? 0x80 : 0);
    }
  while (v != 0);
  g_byte_array_append (out, buf, n);
}

static inline gboolean
get_varint (const guint8 **p,
            const guint8  *end,
            guint64       *v)
{
  guint64 result = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 byte;

      if (*p >= end)
        return FALSE;
      byte = *(*p)++;
      result |= (guint64) (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0)
        {
          *v = result;
          return TRUE;
        }
    }
  return FALSE;
}

static inline gboolean
get_u32 (const guint8 **p,
         const guint8  *end,
         guint32       *v)
{
  guint64 wide;

  if (!get_varint (p, end, &wide) || wide > G_MAXUINT32)
    return FALSE;
  *v = (guint32) wide;
  return TRUE;
}

static inline gboolean
get_s32 (const guint8 **p,
         const guint8  *end,
         gint32        *v)
{
  guint32 folded;

  if (!get_u32 (p, end, &folded))
    return FALSE;
  *v = unzigzag32 (folded);
  return TRUE;
}

/* Runs @converter over all of @in; fails rather than let a damaged (or
 * hostile) blob inflate past @limit bytes. */
static gboolean
convert_all (GConverter    *converter,
             const guint8  *in,
             gsize          in_len,
             GByteArray    *out,
             gsize          limit,
             GError       **error)
{
  gsize out_used = out->len;

  for (;;)
    {
      gsize bytes_read = 0, bytes_written = 0;
      GConverterResult res;

      if (out_used > limit)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "too long");
          return FALSE;
        }
      if (out->len - out_used < 16384)
        g_byte_array_set_size (out, out->len + MAX (in_len, 16384));

      res = g_converter_convert (converter, in, in_len,
                                 out->data + out_used, out->len - out_used,
                                 G_CONVERTER_INPUT_AT_END, &bytes_read, &bytes_written, error);
      if (res == G_CONVERTER_ERROR)
        return FALSE;
      in += bytes_read;
      in_len -= bytes_read;
      out_used += bytes_written;
      if (res == G_CONVERTER_FINISHED)
        break;
    }
  g_byte_array_set_size (out, out_used);
  return out_used <= limit;
}

static GBytes *
deflate_bytes (GByteArray *raw,
               int         level)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, level);
  gboolean ok;

  ok = convert_all (G_CONVERTER (zlib), raw->data, raw->len, out, G_MAXSIZE, NULL);
  /* Deflating memory into memory cannot fail. */
  g_assert (ok);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Encoding 1's columns, before deflate. */
static void
put_delta_columns (GByteArray               *raw,
                   const StippleProtoSample *samples,
                   guint                     n_samples)
{
  /* Differences wrap like the pen's counters do: the clock and stroke
   * counter are modulo 2^32 and are restored modulo 2^32. */
  for (guint i = 0; i < n_samples; i++)
    {
      guint32 prev = i ? samples[i - 1].timestamp_us : 0;
      put_varint (raw, zigzag ((gint32) (samples[i].timestamp_us - prev)));
    }
  for (guint i = 0; i < n_samples; i++)
    {
      gint64 prev = i ? samples[i - 1].position_um : 0;
      put_varint (raw, zigzag ((gint64) samples[i].position_um - prev));
    }
  for (guint i = 0; i < n_samples; i++)
    {
      gint64 prev = i ? samples[i - 1].load : 0;
      put_varint (raw, zigzag ((gint64) samples[i].load - prev));
    }
  for (guint i = 0; i < n_samples; i++)
    put_varint (raw, samples[i].flags);
  for (guint i = 0; i < n_samples; i++)
    {
      guint32 prev = i ? samples[i - 1].stroke_count : 0;
      put_varint (raw, zigzag ((gint32) (samples[i].stroke_count - prev)));
    }
}

static GBytes *
encode_delta_zlib (const StippleProtoSample *samples,
                   guint                     n_samples)
{
  g_autoptr(GByteArray) raw = g_byte_array_sized_new (n_samples * 5 + 16);

  put_delta_columns (raw, samples, n_samples);
  return deflate_bytes (raw, 6);
}

/* A zigzag-folded difference, as a number to add modulo 2^64. */
static inline guint64
v_wide (guint64 v)
{
  return (guint64) unzigzag (v);
}

static gboolean
decode_delta_zlib (const guint8       *p,
                   const guint8       *end,
                   guint               n_samples,
                   StippleProtoSample *samples)
{
  for (guint field = 0; field < 5; field++)
    for (guint i = 0; i < n_samples; i++)
      {
        guint64 v;

        if (!get_varint (&p, end, &v))
          return FALSE;
        switch (field)
          {
          case 0:
            samples[i].timestamp_us = (i ? samples[i - 1].timestamp_us : 0)
                                      + (guint32) unzigzag (v);
            break;
          case 1:
            /* Summed modulo 2^64, kept modulo 2^32. */
            samples[i].position_um =
              (gint32) (guint32) ((guint64) (i ? samples[i - 1].position_um : 0) + v_wide (v));
            break;
          case 2:
            samples[i].load = (guint16) ((guint64) (i ? samples[i - 1].load : 0) + v_wide (v));
            break;
          case 3:
            samples[i].flags = (guint16) v;
            break;
          default:
            samples[i].stroke_count = (i ? samples[i - 1].stroke_count : 0)
                                      + (guint32) unzigzag (v);
            break;
          }
      }

  return p == end;
}

/* Encoding 2: a steady field ----------------------------------------- */

/* The step most samples take (a majority vote: exact when more than half
 * agree, which is the case worth coding for). */
static guint32
common_step (const guint32 *v,
             guint          n)
{
  guint32 candidate = 0;
  guint votes = 0;

  for (guint i = 1; i < n; i++)
    {
      guint32 step = v[i] - v[i - 1];

      if (votes == 0)
        candidate = step;
      if (step == candidate)
        votes++;
      else
        votes--;
    }
  return candidate;
}

/* first, step, then the samples that do not take the step: how many,
 * and for each the samples since the last one and the difference. */
static void
put_steady (GByteArray    *out,
            const guint32 *v,
            guint          n)
{
  guint32 step = common_step (v, n);
  guint exceptions = 0;
  guint last = 0;

  for (guint i = 1; i < n; i++)
    exceptions += v[i] - v[i - 1] != step;

  put_varint (out, v[0]);
  put_varint (out, step);
  put_varint (out, exceptions);
  for (guint i = 1; i < n; i++)
    {
      guint32 off = v[i] - v[i - 1] - step;

      if (off == 0)
        continue;
      put_varint (out, i - last - 1);
      put_varint (out, zigzag32 ((gint32) off));
      last = i;
    }
}

static gboolean
get_steady (const guint8 **p,
            const guint8  *end,
            guint32       *v,
            guint          n)
{
  guint32 step, exceptions;
  guint i = 1;

  if (!get_u32 (p, end, &v[0]) ||
      !get_u32 (p, end, &step) ||
      !get_u32 (p, end, &exceptions) ||
      exceptions > n - 1)
    return FALSE;

  for (guint32 e = 0; e < exceptions; e++)
    {
      guint32 gap;
      gint32 off;

      if (!get_u32 (p, end, &gap) || !get_s32 (p, end, &off) ||
          i >= n || gap > n - 1 - i)
        return FALSE;
      for (; gap > 0; gap--, i++)
        v[i] = v[i - 1] + step;
      v[i] = v[i - 1] + step + (guint32) off;
      i++;
    }
  for (; i < n; i++)
    v[i] = v[i - 1] + step;
  return TRUE;
}

/* Encoding 2: predictors ---------------------------------------------- */

static inline gint64
predict_position (guint8                    mode,
                  gint32                    k,
                  gint32                    c,
                  const StippleProtoSample *samples,
                  guint                     i)
{
  if (i == 0)
    return 0;
  if (mode == MODE_DELTA || i == 1)
    return samples[i - 1].position_um;
  return floor_shift ((gint64) k * samples[i - 1].position_um + c + (1 << (K_SHIFT - 1)), K_SHIFT)
         - samples[i - 2].position_um;
}

static inline gint64
predict_load (guint8                    mode,
              gint32                    a,
              gint32                    b,
              const StippleProtoSample *samples,
              guint                     i)
{
  gint64 load;

  if (mode == MODE_DELTA)
    return i ? samples[i - 1].load : 0;
  if ((samples[i].flags & STIPPLE_PROTO_SAMPLE_CONTACT) == 0)
    return 0;
  load = a + floor_shift ((gint64) b * samples[i].position_um + (1 << (B_SHIFT - 1)), B_SHIFT);
  return CLAMP (load, 0, G_MAXUINT16);
}

/* An estimate of the coded size of @zz in bits: its order-0 entropy,
 * large values counted at their varint's length. */
static double
estimate_bits (const guint32 *zz,
               guint          n)
{
  guint counts[65] = { 0, };
  double bits = 0;

  for (guint i = 0; i < n; i++)
    {
      if (zz[i] < 64)
        {
          counts[zz[i]]++;
          continue;
        }
      counts[64]++;
      bits += zz[i] < (1u << 14) ? 16 : zz[i] < (1u << 21) ? 24 : 40;
    }
  for (guint v = 0; v < G_N_ELEMENTS (counts); v++)
    if (counts[v] > 0)
      bits += counts[v] * log2 ((double) n / counts[v]);
  return bits;
}

static gint32
clamp_s32 (double v)
{
  if (!(v > G_MININT32))
    return G_MININT32;
  if (v > G_MAXINT32)
    return G_MAXINT32;
  return (gint32) lround (v);
}

/* The oscillator through the block: least squares of
 * x[i] + x[i-2] = k x[i-1] + c. */
static void
fit_position (const StippleProtoSample *samples,
              guint                     n,
              gint32                   *k,
              gint32                   *c)
{
  double sz = 0, sy = 0, szz = 0, szy = 0, m, kk;

  *k = 2 << K_SHIFT;
  *c = 0;
  if (n < 3)
    return;

  for (guint i = 2; i < n; i++)
    {
      double z = samples[i - 1].position_um;
      double y = (double) samples[i].position_um + samples[i - 2].position_um;

      sz += z;
      sy += y;
      szz += z * z;
      szy += z * y;
    }
  m = n - 2;
  szz -= sz * sz / m;
  szy -= sz * sy / m;
  if (szz < 1e-6)
    return;
  kk = szy / szz;
  *k = clamp_s32 (ldexp (kk, K_SHIFT));
  *c = clamp_s32 (ldexp ((sy - ldexp (*k, -K_SHIFT) * sz) / m, K_SHIFT));
}

/* The load's line in the tip's depth, over the samples in contact. */
static void
fit_load (const StippleProtoSample *samples,
          guint                     n,
          gint32                   *a,
          gint32                   *b)
{
  double sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;

  *a = 0;
  *b = 0;
  for (guint i = 0; i < n; i++)
    {
      double x = samples[i].position_um, y = samples[i].load;

      if ((samples[i].flags & STIPPLE_PROTO_SAMPLE_CONTACT) == 0)
        continue;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      m++;
    }
  if (m == 0)
    return;
  sxx -= sx * sx / m;
  sxy -= sx * sy / m;
  if (sxx >= 1e-6)
    *b = clamp_s32 (ldexp (sxy / sxx, B_SHIFT));
  *a = clamp_s32 ((sy - ldexp (*b, -B_SHIFT) * sx) / m);
}

/* Chooses each field's mode and computes its residuals. */
static void
plan_block (const StippleProtoSample *samples,
            guint                     n,
            Plan                     *plan)
{
  g_autofree guint32 *zz = g_new (guint32, n);

  plan->position_zz = g_new (guint32, n);
  plan->load_zz = g_new (guint32, n);

  fit_position (samples, n, &plan->k, &plan->c);
  for (guint i = 0; i < n; i++)
    {
      gint64 model = predict_position (MODE_MODEL, plan->k, plan->c, samples, i);
      gint64 delta = predict_position (MODE_DELTA, 0, 0, samples, i);

      plan->position_zz[i] = zigzag32 ((gint32) ((guint32) samples[i].position_um - (guint32) model));
      zz[i] = zigzag32 ((gint32) ((guint32) samples[i].position_um - (guint32) delta));
    }
  plan->position_mode = MODE_MODEL;
  if (estimate_bits (zz, n) < estimate_bits (plan->position_zz, n))
    {
      plan->position_mode = MODE_DELTA;
      plan->k = plan->c = 0;
      memcpy (plan->position_zz, zz, n * sizeof *zz);
    }

  fit_load (samples, n, &plan->a, &plan->b);
  for (guint i = 0; i < n; i++)
    {
      gint64 model = predict_load (MODE_MODEL, plan->a, plan->b, samples, i);
      gint64 delta = predict_load (MODE_DELTA, 0, 0, samples, i);

      plan->load_zz[i] = zigzag32 ((gint32) (samples[i].load - model));
      zz[i] = zigzag32 ((gint32) (samples[i].load - delta));
    }
  plan->load_mode = MODE_MODEL;
  if (estimate_bits (zz, n) < estimate_bits (plan->load_zz, n))
    {
      plan->load_mode = MODE_DELTA;
      plan->a = plan->b = 0;
      memcpy (plan->load_zz, zz, n * sizeof *zz);
    }
}

static void
plan_clear (Plan *plan)
{
  g_clear_pointer (&plan->position_zz, g_free);
  g_clear_pointer (&plan->load_zz, g_free);
}

static GBytes *
encode_waveform (const StippleProtoSample *samples,
                 guint                     n)
{
  g_autoptr(GByteArray) raw = g_byte_array_sized_new (n * 2 + 64);
  g_autofree guint32 *column = g_new (guint32, MAX (n, 1));
  Plan plan = { 0, };

  /* An empty block is an empty stream. */
  if (n == 0)
    return deflate_bytes (raw, 9);

  for (guint i = 0; i < n; i++)
    column[i] = samples[i].timestamp_us;
  put_steady (raw, column, n);
  for (guint i = 0; i < n; i++)
    column[i] = samples[i].flags;
  put_steady (raw, column, n);
  for (guint i = 0; i < n; i++)
    column[i] = samples[i].stroke_count;
  put_steady (raw, column, n);

  plan_block (samples, n, &plan);
  g_byte_array_append (raw, &plan.position_mode, 1);
  if (plan.position_mode == MODE_MODEL)
    {
      put_varint (raw, zigzag32 (plan.k));
      put_varint (raw, zigzag32 (plan.c));
    }
  g_byte_array_append (raw, &plan.load_mode, 1);
  if (plan.load_mode == MODE_MODEL)
    {
      put_varint (raw, zigzag32 (plan.a));
      put_varint (raw, zigzag32 (plan.b));
    }
  for (guint i = 0; i < n; i++)
    put_varint (raw, plan.position_zz[i]);
  for (guint i = 0; i < n; i++)
    put_varint (raw, plan.load_zz[i]);
  plan_clear (&plan);

  return deflate_bytes (raw, 9);
}

static gboolean
get_mode (const guint8 **p,
          const guint8  *end,
          guint8        *mode,
          gint32        *p1,
          gint32        *p2)
{
  *p1 = *p2 = 0;
  if (*p >= end)
    return FALSE;
  *mode = *(*p)++;
  if (*mode == MODE_DELTA)
    return TRUE;
  return *mode == MODE_MODEL && get_s32 (p, end, p1) && get_s32 (p, end, p2);
}

static gboolean
decode_waveform (const guint8       *p,
                 const guint8       *end,
                 guint               n,
                 StippleProtoSample *samples)
{
  g_autofree guint32 *column = NULL;
  guint8 position_mode, load_mode;
  gint32 k, c, a, b;

  if (n == 0)
    return p == end;

  column = g_new (guint32, n);
  if (!get_steady (&p, end, column, n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    samples[i].timestamp_us = column[i];
  if (!get_steady (&p, end, column, n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (column[i] > G_MAXUINT16)
        return FALSE;
      samples[i].flags = (guint16) column[i];
    }
  if (!get_steady (&p, end, column, n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    samples[i].stroke_count = column[i];

  if (!get_mode (&p, end, &position_mode, &k, &c) ||
      !get_mode (&p, end, &load_mode, &a, &b))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      gint32 off;

      if (!get_s32 (&p, end, &off))
        return FALSE;
      samples[i].position_um =
        (gint32) ((guint32) predict_position (position_mode, k, c, samples, i) + (guint32) off);
    }
  for (guint i = 0; i < n; i++)
    {
      gint32 off;
      gint64 load;

      if (!get_s32 (&p, end, &off))
        return FALSE;
      load = predict_load (load_mode, a, b, samples, i) + off;
      if (load < 0 || load > G_MAXUINT16)
        return FALSE;
      samples[i].load = (guint16) load;
    }

  return p == end;
}

/* Encoding 3: strokes ----------------------------------------------- */

static GBytes *
encode_strokes (const StippleProtoSample *samples,
                guint                     n)
{
  g_autoptr(GByteArray) raw = g_byte_array_sized_new (n * 8 + 16);
  guint8 version = STROKES_VERSION;

  g_byte_array_append (raw, &version, 1);
  put_varint (raw, n);
  put_delta_columns (raw, samples, n);
  return deflate_bytes (raw, 9);
}

static gboolean
decode_strokes (const guint8       *p,
                const guint8       *end,
                guint               n,
                StippleProtoSample *samples)
{
  guint64 count;

  if (n == 0 || p >= end || *p++ != STROKES_VERSION)
    return FALSE;
  if (!get_varint (&p, end, &count) || count != n)
    return FALSE;
  return decode_delta_zlib (p, end, n, samples);
}

static inline gboolean
is_treating (const StippleProtoSample *sample)
{
  return (sample->flags & TREATING) == TREATING;
}

/* Whether the analyser counts the time from @a to @b, the next sample,
 * as time in the zone; @ta and @tb are their times in their block. */
static inline gboolean
counts_in_zone (const StippleProtoSample *a,
                const StippleProtoSample *b,
                guint64                   ta,
                guint64                   tb)
{
  return is_treating (a) && is_treating (b) && tb > ta &&
         tb - ta <= STIPPLE_STROKE_MAX_SAMPLE_GAP_US;
}

/* The peak detector's turning points: every peak and trough it reports
 * (the extreme it held when it changed direction), and the extreme it
 * holds after the last sample. */
static void
keep_turning_points (const StippleProtoSample *samples,
                     guint                     n,
                     guint8                   *keep)
{
  StippleStrokeAnalyser analyser;
  guint extreme = 0;

  if (n == 0)
    return;

  /* Only the detector's state is used: it does not depend on time. */
  stipple_stroke_analyser_init (&analyser, 0, 0);
  for (guint i = 0; i < n; i++)
    {
      gboolean had_extreme = analyser.have_extreme;
      gboolean was_rising = analyser.rising;
      gint32 was_um = analyser.extreme_um;
      StippleStroke stroke;

      stipple_stroke_analyser_add (&analyser, i, &samples[i], &stroke);
      if (had_extreme && analyser.rising != was_rising)
        keep[extreme] = TRUE;
      if (!had_extreme || analyser.rising != was_rising || analyser.extreme_um != was_um)
        extreme = i;
    }
  keep[extreme] = TRUE;
}

/* What time in the zone needs, within one block: both samples of every
 * change of flags and of every step the analyser does not count while
 * treating, and while it counts, no two kept samples further apart than
 * it counts. Times are the block's as the store gives them, the pen
 * clock since the block's first sample, modulo 2^32. */
static void
keep_zone_time (const StippleProtoSample *block,
                guint                     n,
                guint8                   *keep)
{
  guint last = 0;

  keep[0] = TRUE;
  keep[n - 1] = TRUE;
  for (guint i = 1; i < n; i++)
    {
      guint64 t0 = (guint32) (block[i - 1].timestamp_us - block[0].timestamp_us);
      guint64 t1 = (guint32) (block[i].timestamp_us - block[0].timestamp_us);

      if (block[i].flags != block[i - 1].flags ||
          (is_treating (&block[i]) && !counts_in_zone (&block[i - 1], &block[i], t0, t1)))
        keep[i - 1] = keep[i] = TRUE;
    }

  /* Between two kept samples now, the flags are the same throughout and
   * either not treating, or every step counts: then the step from one
   * kept sample to the next counts the same time if it is short enough. */
  for (guint i = 1; i < n; i++)
    {
      guint64 t_last = (guint32) (block[last].timestamp_us - block[0].timestamp_us);
      guint64 t0 = (guint32) (block[i - 1].timestamp_us - block[0].timestamp_us);
      guint64 t1 = (guint32) (block[i].timestamp_us - block[0].timestamp_us);

      if (counts_in_zone (&block[i - 1], &block[i], t0, t1) &&
          t1 - t_last > STIPPLE_STROKE_MAX_SAMPLE_GAP_US)
        {
          keep[i - 1] = TRUE;
          last = i - 1;
        }
      if (keep[i])
        last = i;
    }
}

/**
 * stipple_telemetry_thin:
 * @samples: (array length=n_samples): every sample of a session in order,
 *   as decoded
 * @n_samples: how many
 * @block_lengths: (array length=n_blocks): how many of @samples each of
 *   the session's blocks holds, in order; each at least 1, adding up to
 *   @n_samples
 * @n_blocks: how many blocks
 * @thinned_lengths: (out) (element-type guint): how many samples each
 *   returned block holds
 *
 * Thins a session's needle data to its strokes: each block becomes an
 * encoding-3 block holding some of its samples, unchanged and in order,
 * always its first and its last. A #StippleStrokeAnalyser given the kept
 * samples of the whole session, with each block's times computed from
 * its first sample as the store does, reports the same strokes (peak
 * time, depth, interval, in skin, in tolerance) and ends with the same
 * figures as given all of them.
 *
 * Returns: (transfer full) (element-type GBytes): one encoding-3 block
 *   for each of @block_lengths, in order
 */
GPtrArray *
stipple_telemetry_thin (const StippleProtoSample *samples,
                        guint                     n_samples,
                        const guint              *block_lengths,
                        guint                     n_blocks,
                        GArray                  **thinned_lengths)
{
  g_autoptr(GPtrArray) blocks = NULL;
  g_autoptr(GArray) lengths = NULL;
  g_autofree guint8 *keep = NULL;
  g_autofree StippleProtoSample *kept = NULL;
  guint64 total = 0;
  guint longest = 0;
  guint start = 0;

  g_return_val_if_fail (samples != NULL || n_samples == 0, NULL);
  g_return_val_if_fail (block_lengths != NULL || n_blocks == 0, NULL);
  g_return_val_if_fail (thinned_lengths != NULL, NULL);
  for (guint b = 0; b < n_blocks; b++)
    {
      g_return_val_if_fail (block_lengths[b] > 0, NULL);
      total += block_lengths[b];
      longest = MAX (longest, block_lengths[b]);
    }
  g_return_val_if_fail (total == n_samples, NULL);

  keep = g_new0 (guint8, MAX (n_samples, 1));
  kept = g_new (StippleProtoSample, MAX (longest, 1));
  blocks = g_ptr_array_new_full (n_blocks, (GDestroyNotify) g_bytes_unref);
  lengths = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_blocks);

  keep_turning_points (samples, n_samples, keep);
  for (guint b = 0; b < n_blocks; b++)
    {
      guint n = 0;

      keep_zone_time (samples + start, block_lengths[b], keep + start);
      for (guint i = 0; i < block_lengths[b]; i++)
        if (keep[start + i])
          kept[n++] = samples[start + i];
      g_ptr_array_add (blocks, encode_strokes (kept, n));
      g_array_append_val (lengths, n);
      start += block_lengths[b];
    }

  *thinned_lengths = g_steal_pointer (&lengths);
  return g_steal_pointer (&blocks);
}

/* Public entry points -------------------------------------------------- */

/**
 * stipple_telemetry_encoding_is_known:
 * @encoding: a value of telemetry_block.encoding
 *
 * Returns: whether this Stipple decodes blocks in @encoding
 */
gboolean
stipple_telemetry_encoding_is_known (guint encoding)
{
  return encoding == STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB ||
         encoding == STIPPLE_TELEMETRY_ENCODING_WAVEFORM ||
         encoding == STIPPLE_TELEMETRY_ENCODING_STROKES;
}

/**
 * stipple_telemetry_encode:
 * @encoding: %STIPPLE_TELEMETRY_ENCODING_CURRENT for a new block; the
 *   older encoding only to compare or to test. Not
 *   %STIPPLE_TELEMETRY_ENCODING_STROKES: thinned blocks are made by
 *   stipple_telemetry_thin()
 * @samples: (array length=n_samples): samples in the order measured
 * @n_samples: how many
 *
 * Any samples at all are encoded so that they decode exactly.
 *
 * Returns: (transfer full): the encoded block
 */
GBytes *
stipple_telemetry_encode (guint                     encoding,
                          const StippleProtoSample *samples,
                          guint                     n_samples)
{
  g_return_val_if_fail (stipple_telemetry_encoding_is_known (encoding), NULL);
  g_return_val_if_fail (encoding != STIPPLE_TELEMETRY_ENCODING_STROKES, NULL);
  g_return_val_if_fail (samples != NULL || n_samples == 0, NULL);

  if (encoding == STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB)
    return encode_delta_zlib (samples, n_samples);
  return encode_waveform (samples, n_samples);
}

static gboolean
bad_block (GError **error)
{
  g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT,
                       _("A block of recorded needle data is damaged and cannot be shown."));
  return FALSE;
}

/**
 * stipple_telemetry_decode:
 * @encoding: the block's telemetry_block.encoding
 * @data: an encoded block
 * @n_samples: how many samples it holds
 * @samples: (out caller-allocates) (array length=n_samples): where to put them
 * @error: return location for a #GError
 *
 * A block that is damaged, does not hold @n_samples samples or is in an
 * encoding this Stipple does not know fails with
 * %STIPPLE_STORE_ERROR_CORRUPT; @samples is then undefined.
 *
 * Returns: whether the block was whole and held @n_samples samples
 */
gboolean
stipple_telemetry_decode (guint                encoding,
                          GBytes              *data,
                          guint                n_samples,
                          StippleProtoSample  *samples,
                          GError             **error)
{
  g_autoptr(GZlibDecompressor) zlib = NULL;
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  const guint8 *in;
  gsize len;
  /* No well-formed block inflates to more: ten bytes for each of five
   * varints a sample (encoding 2: at most 40), and the headers. */
  gsize limit = (gsize) n_samples * 50 + 128;
  gboolean ok;

  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (samples != NULL || n_samples == 0, FALSE);

  if (!stipple_telemetry_encoding_is_known (encoding))
    return bad_block (error);

  in = g_bytes_get_data (data, &len);
  zlib = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
  if (!convert_all (G_CONVERTER (zlib), in, len, raw, limit, NULL))
    return bad_block (error);

  if (encoding == STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB)
    ok = decode_delta_zlib (raw->data, raw->data + raw->len, n_samples, samples);
  else if (encoding == STIPPLE_TELEMETRY_ENCODING_STROKES)
    ok = decode_strokes (raw->data, raw->data + raw->len, n_samples, samples);
  else
    ok = decode_waveform (raw->data, raw->data + raw->len, n_samples, samples);
  if (!ok)
    return bad_block (error);
  return TRUE;
}

static double
entropy_bits (GHashTable *counts,
              guint       n)
{
  GHashTableIter iter;
  gpointer value;
  double bits = 0;

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      guint count = GPOINTER_TO_UINT (value);

      bits += count * log2 ((double) n / count);
    }
  return bits;
}

static void
count_values (GHashTable *counts,
              guint32     v)
{
  gpointer key = GUINT_TO_POINTER (v);

  g_hash_table_insert (counts, key,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, key)) + 1));
}

/**
 * stipple_telemetry_residual_entropy:
 * @samples: (array length=n_samples): samples in the order measured
 * @n_samples: how many
 *
 * What encoding 2 leaves for its entropy coder: the order-0 entropy of
 * each field's residuals after its prediction (the clock's, the flags'
 * and the stroke counter's departures from their steps; the position's
 * and the load's prediction errors), summed. No coder that takes the
 * residuals one at a time, each on its own, can do better.
 *
 * Returns: bits per sample
 */
double
stipple_telemetry_residual_entropy (const StippleProtoSample *samples,
                                    guint                     n_samples)
{
  Plan plan = { 0, };
  double bits = 0;
  guint32 steps[3];

  g_return_val_if_fail (samples != NULL, 0);
  g_return_val_if_fail (n_samples > 1, 0);

  {
    guint32 *columns[3];

    for (guint f = 0; f < 3; f++)
      columns[f] = g_new (guint32, n_samples);
    for (guint i = 0; i < n_samples; i++)
      {
        columns[0][i] = samples[i].timestamp_us;
        columns[1][i] = samples[i].flags;
        columns[2][i] = samples[i].stroke_count;
      }
    for (guint f = 0; f < 3; f++)
      {
        g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);

        steps[f] = common_step (columns[f], n_samples);
        for (guint i = 1; i < n_samples; i++)
          count_values (counts, columns[f][i] - columns[f][i - 1] - steps[f]);
        bits += entropy_bits (counts, n_samples - 1);
        g_free (columns[f]);
      }
  }

  plan_block (samples, n_samples, &plan);
  {
    g_autoptr(GHashTable) position = g_hash_table_new (NULL, NULL);
    g_autoptr(GHashTable) load = g_hash_table_new (NULL, NULL);

    for (guint i = 0; i < n_samples; i++)
      {
        count_values (position, plan.position_zz[i]);
        count_values (load, plan.load_zz[i]);
      }
    bits += entropy_bits (position, n_samples) + entropy_bits (load, n_samples);
  }
  plan_clear (&plan);

  return bits / n_samples;
}
