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

G_END_DECLS
