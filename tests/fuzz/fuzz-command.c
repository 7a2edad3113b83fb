/* fuzz-command.c: any bytes through the command decoder
 *
 * This is what a pen's firmware runs on whatever arrives on its OUT
 * endpoint. An accepted command must encode again to exactly its bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-fuzz-command"

#include "config.h"

#include "fuzz-common.h"
#include "stipple-proto.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  StippleProtoCommand command;
  uint8_t out[STIPPLE_PROTO_MAX_FRAME];
  size_t len = 0;

  if (stipple_proto_command_decode (data, size, &command) != STIPPLE_PROTO_STATUS_OK)
    return 0;

  FUZZ_CHECK (stipple_proto_is_command (command.type));
  FUZZ_CHECK (stipple_proto_command_encode (&command, out, sizeof out, &len)
              == STIPPLE_PROTO_STATUS_OK);
  FUZZ_CHECK (len == size && memcmp (out, data, size) == 0);

  return 0;
}
