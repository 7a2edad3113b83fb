/* stipple-telemetry-codec.h: how needle samples are packed in the patient file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "stipple-proto-sample.h"

G_BEGIN_DECLS

/* Values of telemetry_block.encoding (docs/patient-file.md). */
#define STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB 1
#define STIPPLE_TELEMETRY_ENCODING_WAVEFORM   2
/* Thinned needle data: only made by stipple_telemetry_thin(). */
#define STIPPLE_TELEMETRY_ENCODING_STROKES    3

/* What new blocks are written in. */
#define STIPPLE_TELEMETRY_ENCODING_CURRENT STIPPLE_TELEMETRY_ENCODING_WAVEFORM

gboolean  stipple_telemetry_encoding_is_known (guint                      encoding);
GBytes   *stipple_telemetry_encode            (guint                      encoding,
                                               const StippleProtoSample  *samples,
                                               guint                      n_samples);
gboolean  stipple_telemetry_decode            (guint                      encoding,
                                               GBytes                    *data,
                                               guint                      n_samples,
                                               StippleProtoSample        *samples,
                                               GError                   **error);
double    stipple_telemetry_residual_entropy  (const StippleProtoSample  *samples,
                                               guint                      n_samples);

/* Thins a session's needle data to its strokes. @samples: every sample of
 * the session in order, as decoded; @block_lengths: how many of them each
 * original block holds (they add up to @n_samples), @n_blocks of them.
 * Returns a GPtrArray of GBytes (element-type GBytes, free func
 * g_bytes_unref), one encoding-3 block per original block, in order, and
 * sets *@thinned_lengths (GArray of guint, one per block) to how many
 * samples each decodes to (>= 1 and <= that block's original length). */
GPtrArray *stipple_telemetry_thin (const StippleProtoSample *samples,
                                   guint                     n_samples,
                                   const guint              *block_lengths,
                                   guint                     n_blocks,
                                   GArray                  **thinned_lengths);

G_END_DECLS
