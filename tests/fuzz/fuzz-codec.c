/* fuzz-codec.c: any bytes through the patient file's needle-data codec
 *
 * The one target that needs GLib: the codec is part of the store. The
 * first byte chooses what the rest is:
 *
 * - bit 0 clear: a stored block. Bits 1 and 2 pick encoding 1, 2 or 3,
 *   the next two bytes how many samples it claims (1 to 8000), the rest
 *   is the blob. It must be refused with a "damaged" error or decode;
 *   what it decodes to must encode and decode again to the same samples
 *   (encodings 1 and 2), or thin to a block that decodes (encoding 3).
 * - bit 0 set: samples, 16 bytes each as in memory (at most 8000). Both
 *   full-rate encodings must give them back exactly; thinned, they must
 *   decode to a subsequence that begins with the first sample.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-fuzz-codec"

#include "config.h"

#include "fuzz-common.h"
#include "stipple-store.h"
#include "stipple-telemetry-codec.h"

#define MAX_SAMPLES 8000

static StippleProtoSample samples[MAX_SAMPLES];
static StippleProtoSample again[MAX_SAMPLES];

static void
check_round_trip (guint                     encoding,
                  const StippleProtoSample *in,
                  guint                     n)
{
  GBytes *data = stipple_telemetry_encode (encoding, in, n);
  GError *error = NULL;
  gboolean ok;

  FUZZ_CHECK (data != NULL);
  ok = stipple_telemetry_decode (encoding, data, n, again, &error);
  FUZZ_CHECK (ok && error == NULL);
  FUZZ_CHECK (memcmp (in, again, n * sizeof *in) == 0);
  g_bytes_unref (data);
}

/* Thinned as one block: it decodes to at most @n samples, the first of
 * them the block's first, each one of @in in order. */
static void
check_thin (const StippleProtoSample *in,
            guint                     n)
{
  GArray *lengths = NULL;
  GPtrArray *blocks = stipple_telemetry_thin (in, n, &n, 1, &lengths);
  GError *error = NULL;
  guint kept, j = 0;

  FUZZ_CHECK (blocks != NULL && blocks->len == 1 && lengths->len == 1);
  kept = g_array_index (lengths, guint, 0);
  FUZZ_CHECK (kept >= 1 && kept <= n);
  FUZZ_CHECK (stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_STROKES,
                                        g_ptr_array_index (blocks, 0), kept, again, &error));
  FUZZ_CHECK (error == NULL);
  FUZZ_CHECK (memcmp (&again[0], &in[0], sizeof *in) == 0);
  for (guint i = 0; i < kept; i++)
    {
      while (j < n && memcmp (&again[i], &in[j], sizeof *in) != 0)
        j++;
      FUZZ_CHECK (j < n);
      j++;
    }
  g_ptr_array_unref (blocks);
  g_array_unref (lengths);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size < 1)
    return 0;

  if (data[0] & 1)
    {
      guint n = MIN ((size - 1) / sizeof (StippleProtoSample), MAX_SAMPLES);

      if (n == 0)
        return 0;
      memcpy (samples, data + 1, n * sizeof *samples);
      check_round_trip (STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB, samples, n);
      check_round_trip (STIPPLE_TELEMETRY_ENCODING_WAVEFORM, samples, n);
      check_thin (samples, n);
    }
  else
    {
      static const guint encodings[] = {
        STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB,
        STIPPLE_TELEMETRY_ENCODING_WAVEFORM,
        STIPPLE_TELEMETRY_ENCODING_STROKES,
      };
      guint encoding = encodings[((data[0] >> 1) & 3) % G_N_ELEMENTS (encodings)];
      guint n;
      GBytes *blob;
      GError *error = NULL;

      if (size < 3)
        return 0;
      n = 1 + (data[1] | (guint) data[2] << 8) % MAX_SAMPLES;
      blob = g_bytes_new (data + 3, size - 3);
      if (stipple_telemetry_decode (encoding, blob, n, samples, &error))
        {
          FUZZ_CHECK (error == NULL);
          if (encoding == STIPPLE_TELEMETRY_ENCODING_STROKES)
            check_thin (samples, n);
          else
            check_round_trip (encoding, samples, n);
        }
      else
        {
          FUZZ_CHECK (g_error_matches (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT));
          g_error_free (error);
        }
      g_bytes_unref (blob);
    }

  return 0;
}
