/* fuzz-reply.c: any bytes through the reply decoder
 *
 * This is what the host runs on whatever a pen sends. An accepted reply
 * must encode again to exactly its bytes, and its text fields must be
 * terminated printable ASCII.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-fuzz-reply"

#include "config.h"

#include "fuzz-common.h"
#include "stipple-proto.h"

static void
check_text (const char *text)
{
  size_t n = strnlen (text, STIPPLE_PROTO_TEXT_SIZE + 1);

  FUZZ_CHECK (n <= STIPPLE_PROTO_TEXT_SIZE);
  for (size_t i = 0; i < n; i++)
    FUZZ_CHECK (text[i] >= 0x20 && text[i] <= 0x7e);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  StippleProtoReply reply;
  uint8_t out[STIPPLE_PROTO_MAX_FRAME];
  size_t len = 0;

  if (stipple_proto_reply_decode (data, size, &reply) != STIPPLE_PROTO_STATUS_OK)
    return 0;

  FUZZ_CHECK (reply.type & STIPPLE_PROTO_MSG_REPLY);
  if (reply.result == STIPPLE_PROTO_RESULT_OK)
    {
      uint8_t command = reply.type & (uint8_t) ~STIPPLE_PROTO_MSG_REPLY;

      if (command == STIPPLE_PROTO_MSG_IDENTIFY)
        check_text (reply.body.identity.serial);
      if (command == STIPPLE_PROTO_MSG_CARTRIDGE_INFO)
        {
          check_text (reply.body.cartridge.id);
          check_text (reply.body.cartridge.lot);
        }
    }
  FUZZ_CHECK (stipple_proto_reply_encode (&reply, out, sizeof out, &len)
              == STIPPLE_PROTO_STATUS_OK);
  FUZZ_CHECK (len == size && memcmp (out, data, size) == 0);

  return 0;
}
