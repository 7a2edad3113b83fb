/* fuzz-frame.c: any bytes through the frame decoder
 *
 * A frame the decoder accepts must frame again to exactly its bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-fuzz-frame"

#include "config.h"

#include "fuzz-common.h"
#include "stipple-proto.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  StippleProtoFrame frame;
  uint8_t out[STIPPLE_PROTO_MAX_FRAME];
  size_t len = 0;

  if (stipple_proto_frame_decode (data, size, &frame) != STIPPLE_PROTO_STATUS_OK)
    return 0;

  FUZZ_CHECK (frame.version == STIPPLE_PROTO_VERSION);
  FUZZ_CHECK (frame.payload == data + STIPPLE_PROTO_HEADER_SIZE);
  FUZZ_CHECK ((size_t) frame.length + STIPPLE_PROTO_OVERHEAD == size);
  FUZZ_CHECK (stipple_proto_frame_encode (frame.type, frame.seq, frame.payload, frame.length,
                                          out, sizeof out, &len) == STIPPLE_PROTO_STATUS_OK);
  FUZZ_CHECK (len == size && memcmp (out, data, size) == 0);

  return 0;
}
