/* stipple-telemetry-codec.h: how needle samples are packed in the patient file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "stipple-proto-sample.h"

G_BEGIN_DECLS

/* The value of telemetry_block.encoding for this codec. */
#define STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB 1

GBytes   *stipple_telemetry_encode (const StippleProtoSample  *samples,
                                    guint                      n_samples);
gboolean  stipple_telemetry_decode (GBytes                    *data,
                                    guint                      n_samples,
                                    StippleProtoSample        *samples,
                                    GError                   **error);

G_END_DECLS
