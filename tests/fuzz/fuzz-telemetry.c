/* fuzz-telemetry.c: any bytes through the telemetry decoder
 *
 * An accepted packet must encode again to exactly its bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-fuzz-telemetry"

#include "config.h"

#include "fuzz-common.h"
#include "stipple-proto.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static StippleProtoTelemetry telemetry;
  uint8_t out[STIPPLE_PROTO_MAX_FRAME];
  size_t len = 0;

  if (stipple_proto_telemetry_decode (data, size, &telemetry) != STIPPLE_PROTO_STATUS_OK)
    return 0;

  FUZZ_CHECK (telemetry.count <= STIPPLE_PROTO_TELEMETRY_MAX_SAMPLES);
  FUZZ_CHECK (stipple_proto_telemetry_encode (&telemetry, out, sizeof out, &len)
              == STIPPLE_PROTO_STATUS_OK);
  FUZZ_CHECK (len == size && memcmp (out, data, size) == 0);

  return 0;
}
