/* stipple-telemetry-codec.c
 *
 * A block of samples is stored column by column: each field as the
 * difference from the previous sample, zigzag-folded and written as a
 * LEB128 varint, then deflated (zlib format). Needle motion is smooth and
 * the clock ticks evenly, so most differences fit in one byte and repeat;
 * deflate takes the rest. docs/patient-file.md describes the layout so
 * that the blocks can be decoded without Stipple.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "stipple-store.h"
#include "stipple-telemetry-codec.h"

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

static gboolean
convert_all (GConverter    *converter,
             const guint8  *in,
             gsize          in_len,
             GByteArray    *out,
             GError       **error)
{
  gsize out_used = out->len;

  for (;;)
    {
      gsize bytes_read = 0, bytes_written = 0;
      GConverterResult res;

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
  return TRUE;
}

/**
 * stipple_telemetry_encode:
 * @samples: (array length=n_samples): samples in the order measured
 * @n_samples: how many
 *
 * Returns: (transfer full): the encoded block
 */
GBytes *
stipple_telemetry_encode (const StippleProtoSample *samples,
                          guint                     n_samples)
{
  g_autoptr(GByteArray) raw = g_byte_array_sized_new (n_samples * 5 + 16);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 6);
  gboolean ok;

  g_return_val_if_fail (samples != NULL || n_samples == 0, NULL);

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

  ok = convert_all (G_CONVERTER (zlib), raw->data, raw->len, out, NULL);
  /* Deflating memory into memory cannot fail. */
  g_assert (ok);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
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
 * @data: an encoded block
 * @n_samples: how many samples it holds
 * @samples: (out caller-allocates) (array length=n_samples): where to put them
 * @error: return location for a #GError
 *
 * Returns: whether the block was whole and held @n_samples samples
 */
gboolean
stipple_telemetry_decode (GBytes              *data,
                          guint                n_samples,
                          StippleProtoSample  *samples,
                          GError             **error)
{
  g_autoptr(GZlibDecompressor) zlib = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  const guint8 *p, *end;
  gsize len;
  const guint8 *in = g_bytes_get_data (data, &len);

  g_return_val_if_fail (data != NULL, FALSE);

  if (!convert_all (G_CONVERTER (zlib), in, len, raw, NULL))
    return bad_block (error);

  p = raw->data;
  end = raw->data + raw->len;

  for (guint field = 0; field < 5; field++)
    for (guint i = 0; i < n_samples; i++)
      {
        guint64 v;

        if (!get_varint (&p, end, &v))
          return bad_block (error);
        switch (field)
          {
          case 0:
            samples[i].timestamp_us = (i ? samples[i - 1].timestamp_us : 0)
                                      + (guint32) unzigzag (v);
            break;
          case 1:
            samples[i].position_um = (gint32) ((i ? samples[i - 1].position_um : 0) + unzigzag (v));
            break;
          case 2:
            samples[i].load = (guint16) ((i ? samples[i - 1].load : 0) + unzigzag (v));
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

  if (p != end)
    return bad_block (error);
  return TRUE;
}
