/* stipple-proto.c: the pen wire format, encoded and decoded
 *
 * Every multi-byte field is little-endian and is assembled byte by byte,
 * so the code neither depends on the host's byte order nor reads through
 * unaligned pointers. Decoders check every length before they read and
 * every field before they accept it: a decoder given any bytes at all
 * either fills its output with a message that re-encodes to exactly those
 * bytes, or returns an error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-proto"

#include "config.h"

#include <string.h>

#include "stipple-proto.h"

/* Payload sizes, docs/pen-protocol.md "Messages" */
#define TREATMENT_SIZE  8
#define IDENTITY_SIZE   32
#define CARTRIDGE_SIZE  38
#define STATUS_SIZE     12

/* CRC-32/ISO-HDLC (the CRC of zlib, Ethernet and PNG): reflected
 * polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF. A
 * lookup table keeps telemetry decoding cheap at 8,000 samples/s. */
static const uint32_t crc_table[256] = {
  0x00000000, 0x77073096, 0xee0e612c, 0x990951ba, 0x076dc419, 0x706af48f,
  0xe963a535, 0x9e6495a3, 0x0edb8832, 0x79dcb8a4, 0xe0d5e91e, 0x97d2d988,
  0x09b64c2b, 0x7eb17cbd, 0xe7b82d07, 0x90bf1d91, 0x1db71064, 0x6ab020f2,
  0xf3b97148, 0x84be41de, 0x1adad47d, 0x6ddde4eb, 0xf4d4b551, 0x83d385c7,
  0x136c9856, 0x646ba8c0, 0xfd62f97a, 0x8a65c9ec, 0x14015c4f, 0x63066cd9,
  0xfa0f3d63, 0x8d080df5, 0x3b6e20c8, 0x4c69105e, 0xd56041e4, 0xa2677172,
  0x3c03e4d1, 0x4b04d447, 0xd20d85fd, 0xa50ab56b, 0x35b5a8fa, 0x42b2986c,
  0xdbbbc9d6, 0xacbcf940, 0x32d86ce3, 0x45df5c75, 0xdcd60dcf, 0xabd13d59,
  0x26d930ac, 0x51de003a, 0xc8d75180, 0xbfd06116, 0x21b4f4b5, 0x56b3c423,
  0xcfba9599, 0xb8bda50f, 0x2802b89e, 0x5f058808, 0xc60cd9b2, 0xb10be924,
  0x2f6f7c87, 0x58684c11, 0xc1611dab, 0xb6662d3d, 0x76dc4190, 0x01db7106,
  0x98d220bc, 0xefd5102a, 0x71b18589, 0x06b6b51f, 0x9fbfe4a5, 0xe8b8d433,
  0x7807c9a2, 0x0f00f934, 0x9609a88e, 0xe10e9818, 0x7f6a0dbb, 0x086d3d2d,
  0x91646c97, 0xe6635c01, 0x6b6b51f4, 0x1c6c6162, 0x856530d8, 0xf262004e,
  0x6c0695ed, 0x1b01a57b, 0x8208f4c1, 0xf50fc457, 0x65b0d9c6, 0x12b7e950,
  0x8bbeb8ea, 0xfcb9887c, 0x62dd1ddf, 0x15da2d49, 0x8cd37cf3, 0xfbd44c65,
  0x4db26158, 0x3ab551ce, 0xa3bc0074, 0xd4bb30e2, 0x4adfa541, 0x3dd895d7,
  0xa4d1c46d, 0xd3d6f4fb, 0x4369e96a, 0x346ed9fc, 0xad678846, 0xda60b8d0,
  0x44042d73, 0x33031de5, 0xaa0a4c5f, 0xdd0d7cc9, 0x5005713c, 0x270241aa,
  0xbe0b1010, 0xc90c2086, 0x5768b525, 0x206f85b3, 0xb966d409, 0xce61e49f,
  0x5edef90e, 0x29d9c998, 0xb0d09822, 0xc7d7a8b4, 0x59b33d17, 0x2eb40d81,
  0xb7bd5c3b, 0xc0ba6cad, 0xedb88320, 0x9abfb3b6, 0x03b6e20c, 0x74b1d29a,
  0xead54739, 0x9dd277af, 0x04db2615, 0x73dc1683, 0xe3630b12, 0x94643b84,
  0x0d6d6a3e, 0x7a6a5aa8, 0xe40ecf0b, 0x9309ff9d, 0x0a00ae27, 0x7d079eb1,
  0xf00f9344, 0x8708a3d2, 0x1e01f268, 0x6906c2fe, 0xf762575d, 0x806567cb,
  0x196c3671, 0x6e6b06e7, 0xfed41b76, 0x89d32be0, 0x10da7a5a, 0x67dd4acc,
  0xf9b9df6f, 0x8ebeeff9, 0x17b7be43, 0x60b08ed5, 0xd6d6a3e8, 0xa1d1937e,
  0x38d8c2c4, 0x4fdff252, 0xd1bb67f1, 0xa6bc5767, 0x3fb506dd, 0x48b2364b,
  0xd80d2bda, 0xaf0a1b4c, 0x36034af6, 0x41047a60, 0xdf60efc3, 0xa867df55,
  0x316e8eef, 0x4669be79, 0xcb61b38c, 0xbc66831a, 0x256fd2a0, 0x5268e236,
  0xcc0c7795, 0xbb0b4703, 0x220216b9, 0x5505262f, 0xc5ba3bbe, 0xb2bd0b28,
  0x2bb45a92, 0x5cb36a04, 0xc2d7ffa7, 0xb5d0cf31, 0x2cd99e8b, 0x5bdeae1d,
  0x9b64c2b0, 0xec63f226, 0x756aa39c, 0x026d930a, 0x9c0906a9, 0xeb0e363f,
  0x72076785, 0x05005713, 0x95bf4a82, 0xe2b87a14, 0x7bb12bae, 0x0cb61b38,
  0x92d28e9b, 0xe5d5be0d, 0x7cdcefb7, 0x0bdbdf21, 0x86d3d2d4, 0xf1d4e242,
  0x68ddb3f8, 0x1fda836e, 0x81be16cd, 0xf6b9265b, 0x6fb077e1, 0x18b74777,
  0x88085ae6, 0xff0f6a70, 0x66063bca, 0x11010b5c, 0x8f659eff, 0xf862ae69,
  0x616bffd3, 0x166ccf45, 0xa00ae278, 0xd70dd2ee, 0x4e048354, 0x3903b3c2,
  0xa7672661, 0xd06016f7, 0x4969474d, 0x3e6e77db, 0xaed16a4a, 0xd9d65adc,
  0x40df0b66, 0x37d83bf0, 0xa9bcae53, 0xdebb9ec5, 0x47b2cf7f, 0x30b5ffe9,
  0xbdbdf21c, 0xcabac28a, 0x53b39330, 0x24b4a3a6, 0xbad03605, 0xcdd70693,
  0x54de5729, 0x23d967bf, 0xb3667a2e, 0xc4614ab8, 0x5d681b02, 0x2a6f2b94,
  0xb40bbe37, 0xc30c8ea1, 0x5a05df1b, 0x2d02ef8d,
};

/**
 * stipple_proto_crc32:
 * @data: (array length=len): bytes
 * @len: their number
 *
 * Computes CRC-32/ISO-HDLC; its check value, the CRC of the ASCII bytes
 * "123456789", is 0xCBF43926.
 *
 * Returns: the CRC
 */
uint32_t
stipple_proto_crc32 (const uint8_t *data,
                     size_t         len)
{
  uint32_t crc = 0xffffffffu;

  if (data == NULL)
    return 0;

  for (size_t i = 0; i < len; i++)
    crc = crc_table[(crc ^ data[i]) & 0xffu] ^ (crc >> 8);

  return crc ^ 0xffffffffu;
}

/* A bounded cursor: reading past the end sets a flag instead of reading,
 * so decoders check once at the end rather than before every field. */
typedef struct
{
  const uint8_t *p;
  size_t         len;
  size_t         pos;
  int            overrun;
} Reader;

static uint8_t
read_u8 (Reader *r)
{
  if (r->len - r->pos < 1)
    {
      r->overrun = 1;
      return 0;
    }
  return r->p[r->pos++];
}

static uint16_t
read_u16 (Reader *r)
{
  uint16_t lo = read_u8 (r);
  uint16_t hi = read_u8 (r);

  return (uint16_t) (lo | (hi << 8));
}

static uint32_t
read_u32 (Reader *r)
{
  uint32_t lo = read_u16 (r);
  uint32_t hi = read_u16 (r);

  return lo | (hi << 16);
}

static int32_t
read_i32 (Reader *r)
{
  uint32_t v = read_u32 (r);

  /* Two's complement by arithmetic: converting an out-of-range unsigned
   * value to a signed type is implementation-defined, this is not. */
  if (v <= (uint32_t) INT32_MAX)
    return (int32_t) v;
  return -(int32_t) (~v) - 1;
}

/* Printable ASCII, then NUL padding to the end of the field. */
static int
read_text (Reader *r,
           char    out[STIPPLE_PROTO_TEXT_SIZE + 1])
{
  int ended = 0;

  for (size_t i = 0; i < STIPPLE_PROTO_TEXT_SIZE; i++)
    {
      uint8_t c = read_u8 (r);

      if (c == 0)
        ended = 1;
      else if (ended || c < 0x20 || c > 0x7e)
        return 0;
      out[i] = (char) c;
    }
  out[STIPPLE_PROTO_TEXT_SIZE] = '\0';

  return 1;
}

typedef struct
{
  uint8_t *p;
  size_t   cap;
  size_t   pos;
  int      overrun;
} Writer;

static void
write_u8 (Writer  *w,
          uint8_t  v)
{
  if (w->cap - w->pos < 1)
    {
      w->overrun = 1;
      return;
    }
  w->p[w->pos++] = v;
}

static void
write_u16 (Writer   *w,
           uint16_t  v)
{
  write_u8 (w, (uint8_t) (v & 0xff));
  write_u8 (w, (uint8_t) (v >> 8));
}

static void
write_u32 (Writer   *w,
           uint32_t  v)
{
  write_u16 (w, (uint16_t) (v & 0xffff));
  write_u16 (w, (uint16_t) (v >> 16));
}

static void
write_i32 (Writer  *w,
           int32_t  v)
{
  write_u32 (w, (uint32_t) v);
}

/* Returns 0 if @text does not fit a text field or is not printable ASCII. */
static int
write_text (Writer     *w,
            const char *text)
{
  size_t n = 0;

  while (n <= STIPPLE_PROTO_TEXT_SIZE && text[n] != '\0')
    n++;
  if (n > STIPPLE_PROTO_TEXT_SIZE)
    return 0;

  for (size_t i = 0; i < STIPPLE_PROTO_TEXT_SIZE; i++)
    {
      uint8_t c = i < n ? (uint8_t) text[i] : 0;

      if (i < n && (c < 0x20 || c > 0x7e))
        return 0;
      write_u8 (w, c);
    }

  return 1;
}

/**
 * stipple_proto_status_to_string:
 * @status: a codec status
 *
 * Returns: a short English description of @status, for logs
 */
const char *
stipple_proto_status_to_string (StippleProtoStatus status)
{
  switch (status)
    {
    case STIPPLE_PROTO_STATUS_OK: return "ok";
    case STIPPLE_PROTO_STATUS_TRUNCATED: return "message truncated";
    case STIPPLE_PROTO_STATUS_OVERSIZED: return "message longer than its frame";
    case STIPPLE_PROTO_STATUS_BAD_CRC: return "checksum mismatch";
    case STIPPLE_PROTO_STATUS_BAD_VERSION: return "unsupported protocol version";
    case STIPPLE_PROTO_STATUS_BAD_TYPE: return "unexpected message type";
    case STIPPLE_PROTO_STATUS_BAD_PAYLOAD: return "invalid message payload";
    case STIPPLE_PROTO_STATUS_NO_SPACE: return "buffer too small";
    case STIPPLE_PROTO_STATUS_INVALID: return "message cannot be encoded";
    default: return "unknown codec status";
    }
}

/**
 * stipple_proto_result_to_string:
 * @result: a result code from a pen's reply
 *
 * Returns: a short English description of @result, for logs; the host
 *   builds the clinician's message from the code itself
 */
const char *
stipple_proto_result_to_string (StippleProtoResult result)
{
  switch (result)
    {
    case STIPPLE_PROTO_RESULT_OK: return "ok";
    case STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND: return "unknown command";
    case STIPPLE_PROTO_RESULT_BAD_LENGTH: return "command payload has the wrong length";
    case STIPPLE_PROTO_RESULT_UNSUPPORTED_VERSION: return "unsupported protocol version";
    case STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CAP: return "depth above the pen's maximum";
    case STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CARTRIDGE: return "depth above the cartridge's maximum";
    case STIPPLE_PROTO_RESULT_DEPTH_INVALID: return "depth not a setting the pen offers";
    case STIPPLE_PROTO_RESULT_RATE_OUT_OF_RANGE: return "stroke rate out of range";
    case STIPPLE_PROTO_RESULT_PASSES_INVALID: return "number of passes invalid";
    case STIPPLE_PROTO_RESULT_NOT_CONFIGURED: return "no treatment set";
    case STIPPLE_PROTO_RESULT_ARMED: return "pen is armed";
    case STIPPLE_PROTO_RESULT_NO_CARTRIDGE: return "no cartridge inserted";
    case STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED: return "single-use cartridge already used";
    case STIPPLE_PROTO_RESULT_BUSY: return "pen busy";
    default: return "unknown result";
    }
}

/**
 * stipple_proto_is_command:
 * @type: a message type
 *
 * Returns: non-zero if @type is a command this protocol version defines
 */
int
stipple_proto_is_command (uint8_t type)
{
  return type >= STIPPLE_PROTO_MSG_FIRST_COMMAND && type <= STIPPLE_PROTO_MSG_LAST_COMMAND;
}

/**
 * stipple_proto_reply_body_size:
 * @reply_type: a reply's message type
 *
 * Returns: the size of the body that follows the result byte in a
 *   successful reply of @reply_type (0 for replies without a body and
 *   for types that are not replies)
 */
size_t
stipple_proto_reply_body_size (uint8_t reply_type)
{
  if ((reply_type & STIPPLE_PROTO_MSG_REPLY) == 0)
    return 0;

  switch (reply_type & (uint8_t) ~STIPPLE_PROTO_MSG_REPLY)
    {
    case STIPPLE_PROTO_MSG_IDENTIFY: return IDENTITY_SIZE;
    case STIPPLE_PROTO_MSG_CARTRIDGE_INFO: return CARTRIDGE_SIZE;
    case STIPPLE_PROTO_MSG_SET_TREATMENT:
    case STIPPLE_PROTO_MSG_GET_TREATMENT: return TREATMENT_SIZE;
    case STIPPLE_PROTO_MSG_HEARTBEAT:
    case STIPPLE_PROTO_MSG_STATUS: return STATUS_SIZE;
    default: return 0;
    }
}

/**
 * stipple_proto_frame_decode:
 * @buf: (array length=len): one transfer's bytes
 * @len: their number
 * @frame: (out): the frame's header and a pointer to its payload in @buf
 *
 * Checks the framing and CRC of one transfer. @frame is filled when the
 * result is %STIPPLE_PROTO_STATUS_OK, and also for
 * %STIPPLE_PROTO_STATUS_BAD_VERSION so that a pen can answer a frame of
 * another version by its type and sequence number.
 *
 * Returns: %STIPPLE_PROTO_STATUS_OK or why the bytes are not a frame
 */
StippleProtoStatus
stipple_proto_frame_decode (const uint8_t     *buf,
                            size_t             len,
                            StippleProtoFrame *frame)
{
  Reader r = { buf, len, 0, 0 };
  StippleProtoFrame f;
  uint32_t crc;

  if (buf == NULL || frame == NULL)
    return STIPPLE_PROTO_STATUS_TRUNCATED;
  if (len > STIPPLE_PROTO_MAX_FRAME)
    return STIPPLE_PROTO_STATUS_OVERSIZED;
  if (len < STIPPLE_PROTO_OVERHEAD)
    return STIPPLE_PROTO_STATUS_TRUNCATED;

  f.version = read_u8 (&r);
  f.type = read_u8 (&r);
  f.seq = read_u16 (&r);
  f.length = read_u16 (&r);
  f.payload = buf + STIPPLE_PROTO_HEADER_SIZE;

  if ((size_t) f.length + STIPPLE_PROTO_OVERHEAD > len)
    return STIPPLE_PROTO_STATUS_TRUNCATED;
  if ((size_t) f.length + STIPPLE_PROTO_OVERHEAD < len)
    return STIPPLE_PROTO_STATUS_OVERSIZED;

  r.pos = STIPPLE_PROTO_HEADER_SIZE + (size_t) f.length;
  crc = read_u32 (&r);
  if (crc != stipple_proto_crc32 (buf, STIPPLE_PROTO_HEADER_SIZE + (size_t) f.length))
    return STIPPLE_PROTO_STATUS_BAD_CRC;

  *frame = f;
  if (f.version != STIPPLE_PROTO_VERSION)
    return STIPPLE_PROTO_STATUS_BAD_VERSION;

  return STIPPLE_PROTO_STATUS_OK;
}

/**
 * stipple_proto_frame_encode:
 * @type: message type
 * @seq: sequence number
 * @payload: (array length=payload_len) (nullable): payload bytes
 * @payload_len: their number, at most %STIPPLE_PROTO_MAX_PAYLOAD
 * @buf: (out): where the frame goes
 * @cap: bytes available at @buf
 * @out_len: (out): the frame's length
 *
 * Frames a payload in the current protocol version.
 *
 * Returns: %STIPPLE_PROTO_STATUS_OK, %STIPPLE_PROTO_STATUS_INVALID for an
 *   oversized payload, or %STIPPLE_PROTO_STATUS_NO_SPACE
 */
StippleProtoStatus
stipple_proto_frame_encode (uint8_t        type,
                            uint16_t       seq,
                            const uint8_t *payload,
                            size_t         payload_len,
                            uint8_t       *buf,
                            size_t         cap,
                            size_t        *out_len)
{
  Writer w = { buf, cap, 0, 0 };
  size_t body;

  if (buf == NULL || out_len == NULL || (payload == NULL && payload_len > 0))
    return STIPPLE_PROTO_STATUS_INVALID;
  if (payload_len > STIPPLE_PROTO_MAX_PAYLOAD)
    return STIPPLE_PROTO_STATUS_INVALID;
  if (cap < payload_len + STIPPLE_PROTO_OVERHEAD)
    return STIPPLE_PROTO_STATUS_NO_SPACE;

  write_u8 (&w, STIPPLE_PROTO_VERSION);
  write_u8 (&w, type);
  write_u16 (&w, seq);
  write_u16 (&w, (uint16_t) payload_len);
  /* memmove: callers may build the payload in place after the header. */
  if (payload_len > 0)
    memmove (buf + w.pos, payload, payload_len);
  w.pos += payload_len;
  body = w.pos;
  write_u32 (&w, stipple_proto_crc32 (buf, body));

  if (w.overrun)
    return STIPPLE_PROTO_STATUS_NO_SPACE;

  *out_len = w.pos;
  return STIPPLE_PROTO_STATUS_OK;
}

/* Encodes the payload into the space after the header, then frames it in
 * place, so no message is ever copied through a second buffer. */
static StippleProtoStatus
finish_frame (uint8_t   type,
              uint16_t  seq,
              Writer   *w,
              uint8_t  *buf,
              size_t    cap,
              size_t   *out_len)
{
  if (w->overrun)
    return STIPPLE_PROTO_STATUS_NO_SPACE;

  return stipple_proto_frame_encode (type, seq, w->p, w->pos, buf, cap, out_len);
}

static int
payload_writer (Writer  *w,
                uint8_t *buf,
                size_t   cap)
{
  if (buf == NULL || cap < STIPPLE_PROTO_OVERHEAD)
    return 0;

  w->p = buf + STIPPLE_PROTO_HEADER_SIZE;
  w->cap = cap - STIPPLE_PROTO_OVERHEAD;
  if (w->cap > STIPPLE_PROTO_MAX_PAYLOAD)
    w->cap = STIPPLE_PROTO_MAX_PAYLOAD;
  w->pos = 0;
  w->overrun = 0;

  return 1;
}

static void
write_treatment (Writer                      *w,
                 const StippleProtoTreatment *t)
{
  write_u16 (w, t->zone_id);
  write_u16 (w, t->depth_um);
  write_u16 (w, t->rate_hz);
  write_u8 (w, t->passes);
  write_u8 (w, 0);
}

static int
read_treatment (Reader                *r,
                StippleProtoTreatment *t)
{
  t->zone_id = read_u16 (r);
  t->depth_um = read_u16 (r);
  t->rate_hz = read_u16 (r);
  t->passes = read_u8 (r);

  return read_u8 (r) == 0;
}

/**
 * stipple_proto_command_decode:
 * @buf: (array length=len): one OUT transfer
 * @len: its length
 * @command: (out): the command
 *
 * Decodes a command frame. The values of a treatment are not judged
 * here: whether a depth is allowed is the pen's decision, answered with
 * a result code.
 *
 * Returns: %STIPPLE_PROTO_STATUS_OK or why the bytes are not a command
 */
StippleProtoStatus
stipple_proto_command_decode (const uint8_t       *buf,
                              size_t               len,
                              StippleProtoCommand *command)
{
  StippleProtoFrame f;
  StippleProtoStatus status;
  StippleProtoCommand c;
  Reader r;

  if (command == NULL)
    return STIPPLE_PROTO_STATUS_INVALID;

  status = stipple_proto_frame_decode (buf, len, &f);
  if (status != STIPPLE_PROTO_STATUS_OK)
    return status;
  if (!stipple_proto_is_command (f.type))
    return STIPPLE_PROTO_STATUS_BAD_TYPE;

  memset (&c, 0, sizeof c);
  c.type = f.type;
  c.seq = f.seq;

  r = (Reader) { f.payload, f.length, 0, 0 };
  if (f.type == STIPPLE_PROTO_MSG_SET_TREATMENT)
    {
      if (f.length != TREATMENT_SIZE || !read_treatment (&r, &c.treatment))
        return STIPPLE_PROTO_STATUS_BAD_PAYLOAD;
    }
  else if (f.length != 0)
    return STIPPLE_PROTO_STATUS_BAD_PAYLOAD;

  if (r.overrun)
    return STIPPLE_PROTO_STATUS_BAD_PAYLOAD;

  *command = c;
  return STIPPLE_PROTO_STATUS_OK;
}

/**
 * stipple_proto_command_encode:
 * @command: the command
 * @buf: (out): where the frame goes
 * @cap: bytes available, %STIPPLE_PROTO_MAX_FRAME always suffices
 * @out_len: (out): the frame's length
 *
 * Returns: %STIPPLE_PROTO_STATUS_OK, %STIPPLE_PROTO_STATUS_INVALID for a
 *   type that is not a command, or %STIPPLE_PROTO_STATUS_NO_SPACE
 */
StippleProtoStatus
stipple_proto_command_encode (const StippleProtoCommand *command,
                              uint8_t                   *buf,
                              size_t                     cap,
                              size_t                    *out_len)
{
  Writer w;

  if (command == NULL || out_len == NULL || !stipple_proto_is_command (command->type))
    return STIPPLE_PROTO_STATUS_INVALID;
  if (!payload_writer (&w, buf, cap))
    return buf == NULL ? STIPPLE_PROTO_STATUS_INVALID : STIPPLE_PROTO_STATUS_NO_SPACE;

  if (command->type == STIPPLE_PROTO_MSG_SET_TREATMENT)
    write_treatment (&w, &command->treatment);

  return finish_frame (command->type, command->seq, &w, buf, cap, out_len);
}

/**
 * stipple_proto_reply_decode:
 * @buf: (array length=len): one IN transfer
 * @len: its length
 * @reply: (out): the reply
 *
 * Decodes a reply frame. A reply with a result other than OK carries no
 * body. A reply to a command this version does not define is accepted
 * as long as it reports an error, since the pen answers unknown
 * commands with %STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND.
 *
 * Returns: %STIPPLE_PROTO_STATUS_OK or why the bytes are not a reply
 */
StippleProtoStatus
stipple_proto_reply_decode (const uint8_t     *buf,
                            size_t             len,
                            StippleProtoReply *reply)
{
  StippleProtoFrame f;
  StippleProtoStatus status;
  StippleProtoReply rep;
  uint8_t command_type;
  Reader r;
  int ok = 1;

  if (reply == NULL)
    return STIPPLE_PROTO_STATUS_INVALID;

  status = stipple_proto_frame_decode (buf, len, &f);
  if (status != STIPPLE_PROTO_STATUS_OK)
    return status;
  if ((f.type & STIPPLE_PROTO_MSG_REPLY) == 0)
    return STIPPLE_PROTO_STATUS_BAD_TYPE;

  command_type = f.type & (uint8_t) ~STIPPLE_PROTO_MSG_REPLY;
  memset (&rep, 0, sizeof rep);
  rep.type = f.type;
  rep.seq = f.seq;

  r = (Reader) { f.payload, f.length, 0, 0 };
  if (f.length < 1)
    return STIPPLE_PROTO_STATUS_BAD_PAYLOAD;
  rep.result = read_u8 (&r);

  if (rep.result != STIPPLE_PROTO_RESULT_OK)
    {
      if (f.length != 1)
        return STIPPLE_PROTO_STATUS_BAD_PAYLOAD;
      *reply = rep;
      return STIPPLE_PROTO_STATUS_OK;
    }

  if (!stipple_proto_is_command (command_type))
    return STIPPLE_PROTO_STATUS_BAD_TYPE;
  if (f.length != 1 + stipple_proto_reply_body_size (f.type))
    return STIPPLE_PROTO_STATUS_BAD_PAYLOAD;

  switch (command_type)
    {
    case STIPPLE_PROTO_MSG_IDENTIFY:
      {
        StippleProtoIdentity *id = &rep.body.identity;

        ok = read_text (&r, id->serial);
        id->firmware_version = read_u16 (&r);
        id->protocol_version = read_u8 (&r);
        id->samples_per_packet = read_u8 (&r);
        id->depth_min_um = read_u16 (&r);
        id->depth_max_um = read_u16 (&r);
        id->depth_step_um = read_u16 (&r);
        id->rate_min_hz = read_u16 (&r);
        id->rate_max_hz = read_u16 (&r);
        id->sample_rate_hz = read_u16 (&r);
      }
      break;

    case STIPPLE_PROTO_MSG_CARTRIDGE_INFO:
      {
        StippleProtoCartridge *cart = &rep.body.cartridge;

        ok = read_text (&r, cart->id);
        ok = read_text (&r, cart->lot) && ok;
        cart->needle_count = read_u8 (&r);
        cart->flags = read_u8 (&r);
        cart->max_depth_um = read_u16 (&r);
        cart->use_count = read_u16 (&r);
        ok = ok && (cart->flags & ~STIPPLE_PROTO_CARTRIDGE_FLAGS_MASK) == 0;
      }
      break;

    case STIPPLE_PROTO_MSG_SET_TREATMENT:
    case STIPPLE_PROTO_MSG_GET_TREATMENT:
      ok = read_treatment (&r, &rep.body.treatment);
      break;

    case STIPPLE_PROTO_MSG_HEARTBEAT:
    case STIPPLE_PROTO_MSG_STATUS:
      {
        StippleProtoPenStatus *st = &rep.body.status;

        st->state = read_u8 (&r);
        st->flags = read_u8 (&r);
        st->disarm_reason = read_u8 (&r);
        ok = read_u8 (&r) == 0;
        st->stroke_count = read_u32 (&r);
        st->dropped_samples = read_u32 (&r);
        ok = ok
             && st->state <= STIPPLE_PROTO_STATE_LAST
             && (st->flags & ~STIPPLE_PROTO_STATUS_FLAGS_MASK) == 0
             && st->disarm_reason <= STIPPLE_PROTO_DISARM_LAST;
      }
      break;

    default:
      break;
    }

  if (!ok || r.overrun || r.pos != r.len)
    return STIPPLE_PROTO_STATUS_BAD_PAYLOAD;

  *reply = rep;
  return STIPPLE_PROTO_STATUS_OK;
}

/**
 * stipple_proto_reply_encode:
 * @reply: the reply; its body is encoded only when its result is OK
 * @buf: (out): where the frame goes
 * @cap: bytes available, %STIPPLE_PROTO_MAX_FRAME always suffices
 * @out_len: (out): the frame's length
 *
 * Returns: %STIPPLE_PROTO_STATUS_OK, %STIPPLE_PROTO_STATUS_INVALID for a
 *   reply that cannot be sent (not a reply type, a successful reply to an
 *   unknown command, text that is not printable ASCII of at most 16
 *   bytes, undefined flags), or %STIPPLE_PROTO_STATUS_NO_SPACE
 */
StippleProtoStatus
stipple_proto_reply_encode (const StippleProtoReply *reply,
                            uint8_t                 *buf,
                            size_t                   cap,
                            size_t                  *out_len)
{
  Writer w;
  uint8_t command_type;
  int ok = 1;

  if (reply == NULL || out_len == NULL || (reply->type & STIPPLE_PROTO_MSG_REPLY) == 0)
    return STIPPLE_PROTO_STATUS_INVALID;
  command_type = reply->type & (uint8_t) ~STIPPLE_PROTO_MSG_REPLY;
  if (reply->result == STIPPLE_PROTO_RESULT_OK && !stipple_proto_is_command (command_type))
    return STIPPLE_PROTO_STATUS_INVALID;
  if (!payload_writer (&w, buf, cap))
    return buf == NULL ? STIPPLE_PROTO_STATUS_INVALID : STIPPLE_PROTO_STATUS_NO_SPACE;

  write_u8 (&w, reply->result);

  if (reply->result == STIPPLE_PROTO_RESULT_OK)
    switch (command_type)
      {
      case STIPPLE_PROTO_MSG_IDENTIFY:
        {
          const StippleProtoIdentity *id = &reply->body.identity;

          ok = write_text (&w, id->serial);
          write_u16 (&w, id->firmware_version);
          write_u8 (&w, id->protocol_version);
          write_u8 (&w, id->samples_per_packet);
          write_u16 (&w, id->depth_min_um);
          write_u16 (&w, id->depth_max_um);
          write_u16 (&w, id->depth_step_um);
          write_u16 (&w, id->rate_min_hz);
          write_u16 (&w, id->rate_max_hz);
          write_u16 (&w, id->sample_rate_hz);
        }
        break;

      case STIPPLE_PROTO_MSG_CARTRIDGE_INFO:
        {
          const StippleProtoCartridge *cart = &reply->body.cartridge;

          ok = write_text (&w, cart->id);
          ok = ok && write_text (&w, cart->lot);
          ok = ok && (cart->flags & ~STIPPLE_PROTO_CARTRIDGE_FLAGS_MASK) == 0;
          write_u8 (&w, cart->needle_count);
          write_u8 (&w, cart->flags);
          write_u16 (&w, cart->max_depth_um);
          write_u16 (&w, cart->use_count);
        }
        break;

      case STIPPLE_PROTO_MSG_SET_TREATMENT:
      case STIPPLE_PROTO_MSG_GET_TREATMENT:
        write_treatment (&w, &reply->body.treatment);
        break;

      case STIPPLE_PROTO_MSG_HEARTBEAT:
      case STIPPLE_PROTO_MSG_STATUS:
        {
          const StippleProtoPenStatus *st = &reply->body.status;

          ok = st->state <= STIPPLE_PROTO_STATE_LAST
               && (st->flags & ~STIPPLE_PROTO_STATUS_FLAGS_MASK) == 0
               && st->disarm_reason <= STIPPLE_PROTO_DISARM_LAST;
          write_u8 (&w, st->state);
          write_u8 (&w, st->flags);
          write_u8 (&w, st->disarm_reason);
          write_u8 (&w, 0);
          write_u32 (&w, st->stroke_count);
          write_u32 (&w, st->dropped_samples);
        }
        break;

      default:
        break;
      }

  if (!ok)
    return STIPPLE_PROTO_STATUS_INVALID;

  return finish_frame (reply->type, reply->seq, &w, buf, cap, out_len);
}

/**
 * stipple_proto_telemetry_decode:
 * @buf: (array length=len): one IN transfer
 * @len: its length
 * @telemetry: (out): the packet and its samples
 *
 * Returns: %STIPPLE_PROTO_STATUS_OK or why the bytes are not a
 *   telemetry packet
 */
StippleProtoStatus
stipple_proto_telemetry_decode (const uint8_t         *buf,
                                size_t                 len,
                                StippleProtoTelemetry *telemetry)
{
  StippleProtoFrame f;
  StippleProtoStatus status;
  uint8_t count;
  Reader r;

  if (telemetry == NULL)
    return STIPPLE_PROTO_STATUS_INVALID;

  status = stipple_proto_frame_decode (buf, len, &f);
  if (status != STIPPLE_PROTO_STATUS_OK)
    return status;
  if (f.type != STIPPLE_PROTO_MSG_TELEMETRY)
    return STIPPLE_PROTO_STATUS_BAD_TYPE;
  /* Telemetry counts its packets in the payload, in 32 bits. */
  if (f.seq != 0 || f.length < STIPPLE_PROTO_TELEMETRY_HEADER)
    return STIPPLE_PROTO_STATUS_BAD_PAYLOAD;

  r = (Reader) { f.payload, f.length, 0, 0 };
  r.pos = 8;
  count = read_u8 (&r);
  if (count > STIPPLE_PROTO_TELEMETRY_MAX_SAMPLES
      || f.length != STIPPLE_PROTO_TELEMETRY_HEADER + (size_t) count * STIPPLE_PROTO_SAMPLE_SIZE)
    return STIPPLE_PROTO_STATUS_BAD_PAYLOAD;
  if (read_u8 (&r) != 0 || read_u8 (&r) != 0 || read_u8 (&r) != 0)
    return STIPPLE_PROTO_STATUS_BAD_PAYLOAD;

  /* Validate every sample before touching the caller's struct. */
  for (uint8_t i = 0; i < count; i++)
    {
      /* flags: bytes 10 and 11 of the sample */
      r.pos = STIPPLE_PROTO_TELEMETRY_HEADER + (size_t) i * STIPPLE_PROTO_SAMPLE_SIZE + 10;
      if ((read_u16 (&r) & ~STIPPLE_PROTO_SAMPLE_FLAGS_MASK) != 0)
        return STIPPLE_PROTO_STATUS_BAD_PAYLOAD;
    }

  r.pos = 0;
  telemetry->packet_seq = read_u32 (&r);
  telemetry->dropped = read_u32 (&r);
  telemetry->count = count;
  r.pos = STIPPLE_PROTO_TELEMETRY_HEADER;
  for (uint8_t i = 0; i < count; i++)
    {
      StippleProtoSample *s = &telemetry->samples[i];

      s->timestamp_us = read_u32 (&r);
      s->position_um = read_i32 (&r);
      s->load = read_u16 (&r);
      s->flags = read_u16 (&r);
      s->stroke_count = read_u32 (&r);
    }

  return r.overrun ? STIPPLE_PROTO_STATUS_BAD_PAYLOAD : STIPPLE_PROTO_STATUS_OK;
}

/**
 * stipple_proto_telemetry_encode:
 * @telemetry: the packet; only its first @telemetry->count samples are sent
 * @buf: (out): where the frame goes
 * @cap: bytes available, %STIPPLE_PROTO_MAX_FRAME always suffices
 * @out_len: (out): the frame's length
 *
 * Returns: %STIPPLE_PROTO_STATUS_OK, %STIPPLE_PROTO_STATUS_INVALID for too
 *   many samples or undefined sample flags, or
 *   %STIPPLE_PROTO_STATUS_NO_SPACE
 */
StippleProtoStatus
stipple_proto_telemetry_encode (const StippleProtoTelemetry *telemetry,
                                uint8_t                     *buf,
                                size_t                       cap,
                                size_t                      *out_len)
{
  Writer w;

  if (telemetry == NULL || out_len == NULL
      || telemetry->count > STIPPLE_PROTO_TELEMETRY_MAX_SAMPLES)
    return STIPPLE_PROTO_STATUS_INVALID;
  for (uint8_t i = 0; i < telemetry->count; i++)
    if ((telemetry->samples[i].flags & ~STIPPLE_PROTO_SAMPLE_FLAGS_MASK) != 0)
      return STIPPLE_PROTO_STATUS_INVALID;
  if (!payload_writer (&w, buf, cap))
    return buf == NULL ? STIPPLE_PROTO_STATUS_INVALID : STIPPLE_PROTO_STATUS_NO_SPACE;

  write_u32 (&w, telemetry->packet_seq);
  write_u32 (&w, telemetry->dropped);
  write_u8 (&w, telemetry->count);
  write_u8 (&w, 0);
  write_u8 (&w, 0);
  write_u8 (&w, 0);
  for (uint8_t i = 0; i < telemetry->count; i++)
    {
      const StippleProtoSample *s = &telemetry->samples[i];

      write_u32 (&w, s->timestamp_us);
      write_i32 (&w, s->position_um);
      write_u16 (&w, s->load);
      write_u16 (&w, s->flags);
      write_u32 (&w, s->stroke_count);
    }

  return finish_frame (STIPPLE_PROTO_MSG_TELEMETRY, 0, &w, buf, cap, out_len);
}
