/* stipple-proto.h: the pen wire format, encoded and decoded
 *
 * One codec for both ends of the USB cable: the host's transports and the
 * pen firmware model use the same functions, so they cannot disagree about
 * a byte. docs/pen-protocol.md is the specification; this is its code.
 *
 * C only: no GLib, no heap, no undefined behaviour on any input. Every
 * decoder reads only the bytes it is given and validates every field
 * before it writes its output.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stipple-proto-sample.h"

#ifdef __cplusplus
extern "C" {
#endif

/* USB identity. 0x1209 is pid.codes' shared vendor ID; 0x0001 is its
 * test PID. A shipping pen registers its own product ID. */
#define STIPPLE_PROTO_USB_VID            0x1209
#define STIPPLE_PROTO_USB_PID_TEST       0x0001
#define STIPPLE_PROTO_USB_CLASS          0xff
#define STIPPLE_PROTO_USB_SUBCLASS       0x53   /* 'S' */
#define STIPPLE_PROTO_USB_PROTOCOL       0x01
#define STIPPLE_PROTO_EP_OUT             0x01   /* commands */
#define STIPPLE_PROTO_EP_IN              0x81   /* replies and telemetry */

#define STIPPLE_PROTO_VERSION            1

/* Frame: version, type, sequence (u16), payload length (u16), payload,
 * CRC-32 of everything before it. Little-endian. One frame is one USB
 * transfer and never exceeds STIPPLE_PROTO_MAX_FRAME bytes. */
#define STIPPLE_PROTO_HEADER_SIZE        6
#define STIPPLE_PROTO_CRC_SIZE           4
#define STIPPLE_PROTO_OVERHEAD           (STIPPLE_PROTO_HEADER_SIZE + STIPPLE_PROTO_CRC_SIZE)
#define STIPPLE_PROTO_MAX_FRAME          512
#define STIPPLE_PROTO_MAX_PAYLOAD        (STIPPLE_PROTO_MAX_FRAME - STIPPLE_PROTO_OVERHEAD)

/* Fixed-size text fields on the wire (serial, cartridge id and lot):
 * printable ASCII, NUL-padded. Decoded strings carry one more byte for
 * the terminating NUL. */
#define STIPPLE_PROTO_TEXT_SIZE          16

/* Telemetry */
#define STIPPLE_PROTO_SAMPLE_SIZE        16
#define STIPPLE_PROTO_TELEMETRY_HEADER   12
#define STIPPLE_PROTO_TELEMETRY_MAX_SAMPLES \
  ((STIPPLE_PROTO_MAX_PAYLOAD - STIPPLE_PROTO_TELEMETRY_HEADER) / STIPPLE_PROTO_SAMPLE_SIZE)
#define STIPPLE_PROTO_SAMPLE_FLAGS_MASK \
  (STIPPLE_PROTO_SAMPLE_CONTACT | STIPPLE_PROTO_SAMPLE_RUNNING)

/* Timing the pen promises (docs/pen-protocol.md, "Timing"). */
#define STIPPLE_PROTO_REPLY_TIMEOUT_US   50000
#define STIPPLE_PROTO_WATCHDOG_US        250000

/* Message types. A reply's type is its command's type with bit 7 set. */
typedef enum
{
  STIPPLE_PROTO_MSG_IDENTIFY         = 0x01,
  STIPPLE_PROTO_MSG_CARTRIDGE_INFO   = 0x02,
  STIPPLE_PROTO_MSG_SET_TREATMENT    = 0x03,
  STIPPLE_PROTO_MSG_GET_TREATMENT    = 0x04,
  STIPPLE_PROTO_MSG_ARM              = 0x05,
  STIPPLE_PROTO_MSG_DISARM           = 0x06,
  STIPPLE_PROTO_MSG_EMERGENCY_STOP   = 0x07,
  STIPPLE_PROTO_MSG_HEARTBEAT        = 0x08,
  STIPPLE_PROTO_MSG_STATUS           = 0x09,
  STIPPLE_PROTO_MSG_TELEMETRY_START  = 0x0a,
  STIPPLE_PROTO_MSG_TELEMETRY_STOP   = 0x0b,
  STIPPLE_PROTO_MSG_REPLY            = 0x80,   /* bit set on every reply */
  STIPPLE_PROTO_MSG_TELEMETRY        = 0x40,   /* pen to host, unsolicited */
} StippleProtoMsgType;

#define STIPPLE_PROTO_MSG_FIRST_COMMAND  STIPPLE_PROTO_MSG_IDENTIFY
#define STIPPLE_PROTO_MSG_LAST_COMMAND   STIPPLE_PROTO_MSG_TELEMETRY_STOP

/* What the codec says about bytes it was given (not what the pen says
 * about a command: that is StippleProtoResult). */
typedef enum
{
  STIPPLE_PROTO_STATUS_OK = 0,
  STIPPLE_PROTO_STATUS_TRUNCATED,     /* shorter than a frame, or than its length field says */
  STIPPLE_PROTO_STATUS_OVERSIZED,     /* longer than its length field says or a frame may be */
  STIPPLE_PROTO_STATUS_BAD_CRC,
  STIPPLE_PROTO_STATUS_BAD_VERSION,   /* intact frame of another protocol version */
  STIPPLE_PROTO_STATUS_BAD_TYPE,      /* intact frame of a type this decoder does not take */
  STIPPLE_PROTO_STATUS_BAD_PAYLOAD,   /* payload size or a field's value is invalid */
  STIPPLE_PROTO_STATUS_NO_SPACE,      /* encoder: the output buffer is too small */
  STIPPLE_PROTO_STATUS_INVALID,       /* encoder: the message given cannot be encoded */
} StippleProtoStatus;

/* The pen's answer to a command: first byte of every reply payload. */
typedef enum
{
  STIPPLE_PROTO_RESULT_OK                    = 0x00,
  STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND       = 0x01,
  STIPPLE_PROTO_RESULT_BAD_LENGTH            = 0x02,
  STIPPLE_PROTO_RESULT_UNSUPPORTED_VERSION   = 0x03,
  STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CAP       = 0x10,
  STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CARTRIDGE = 0x11,
  STIPPLE_PROTO_RESULT_DEPTH_INVALID         = 0x12,
  STIPPLE_PROTO_RESULT_RATE_OUT_OF_RANGE     = 0x13,
  STIPPLE_PROTO_RESULT_PASSES_INVALID        = 0x14,
  STIPPLE_PROTO_RESULT_NOT_CONFIGURED        = 0x20,
  STIPPLE_PROTO_RESULT_ARMED                 = 0x21,
  STIPPLE_PROTO_RESULT_NO_CARTRIDGE          = 0x22,
  STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED      = 0x23,
  STIPPLE_PROTO_RESULT_BUSY                  = 0x30,
} StippleProtoResult;

/* Pen state (STATUS and HEARTBEAT replies). */
typedef enum
{
  STIPPLE_PROTO_STATE_IDLE       = 0,   /* no treatment set */
  STIPPLE_PROTO_STATE_CONFIGURED = 1,   /* treatment set, needle stopped */
  STIPPLE_PROTO_STATE_ARMED      = 2,   /* needle running */
} StippleProtoState;

#define STIPPLE_PROTO_STATE_LAST STIPPLE_PROTO_STATE_ARMED

/* Status flags */
#define STIPPLE_PROTO_STATUS_FLAG_RUNNING       (1u << 0)
#define STIPPLE_PROTO_STATUS_FLAG_CONTACT       (1u << 1)
#define STIPPLE_PROTO_STATUS_FLAG_TELEMETRY     (1u << 2)
#define STIPPLE_PROTO_STATUS_FLAG_CARTRIDGE     (1u << 3)
#define STIPPLE_PROTO_STATUS_FLAG_REUSED        (1u << 4)
#define STIPPLE_PROTO_STATUS_FLAGS_MASK         0x1fu

/* Why the pen last left the armed state. */
typedef enum
{
  STIPPLE_PROTO_DISARM_NONE              = 0,   /* not disarmed since power-on */
  STIPPLE_PROTO_DISARM_HOST              = 1,
  STIPPLE_PROTO_DISARM_EMERGENCY_STOP    = 2,
  STIPPLE_PROTO_DISARM_WATCHDOG          = 3,
  STIPPLE_PROTO_DISARM_USB_RESET         = 4,
  STIPPLE_PROTO_DISARM_USB_SUSPEND       = 5,
  STIPPLE_PROTO_DISARM_CARTRIDGE_REMOVED = 6,
} StippleProtoDisarmReason;

#define STIPPLE_PROTO_DISARM_LAST STIPPLE_PROTO_DISARM_CARTRIDGE_REMOVED

/* Cartridge flags */
#define STIPPLE_PROTO_CARTRIDGE_REUSED          (1u << 0)
#define STIPPLE_PROTO_CARTRIDGE_FLAGS_MASK      0x01u

typedef struct
{
  uint16_t zone_id;      /* the host's zone; the pen stores and echoes it */
  uint16_t depth_um;
  uint16_t rate_hz;      /* strokes per second */
  uint8_t  passes;
} StippleProtoTreatment;

typedef struct
{
  char     serial[STIPPLE_PROTO_TEXT_SIZE + 1];
  uint16_t firmware_version;          /* major << 8 | minor */
  uint8_t  protocol_version;
  uint8_t  samples_per_packet;        /* telemetry packets the pen fills */
  uint16_t depth_min_um;
  uint16_t depth_max_um;              /* the pen's hard cap */
  uint16_t depth_step_um;
  uint16_t rate_min_hz;
  uint16_t rate_max_hz;
  uint16_t sample_rate_hz;
} StippleProtoIdentity;

typedef struct
{
  char     id[STIPPLE_PROTO_TEXT_SIZE + 1];
  char     lot[STIPPLE_PROTO_TEXT_SIZE + 1];
  uint8_t  needle_count;
  uint8_t  flags;                     /* STIPPLE_PROTO_CARTRIDGE_* */
  uint16_t max_depth_um;
  uint16_t use_count;                 /* treatments recorded on the cartridge */
} StippleProtoCartridge;

typedef struct
{
  uint8_t  state;                     /* StippleProtoState */
  uint8_t  flags;                     /* STIPPLE_PROTO_STATUS_FLAG_* */
  uint8_t  disarm_reason;             /* StippleProtoDisarmReason */
  uint32_t stroke_count;              /* strokes since last armed */
  uint32_t dropped_samples;           /* telemetry samples lost since power-on */
} StippleProtoPenStatus;

typedef struct
{
  uint8_t  type;                      /* a command StippleProtoMsgType */
  uint16_t seq;
  /* SET_TREATMENT only */
  StippleProtoTreatment treatment;
} StippleProtoCommand;

typedef struct
{
  uint8_t  type;                      /* command type | STIPPLE_PROTO_MSG_REPLY */
  uint16_t seq;                       /* the command's */
  uint8_t  result;                    /* StippleProtoResult */
  /* Set only when result is OK; which member depends on type:
   * IDENTIFY identity, CARTRIDGE_INFO cartridge, SET_TREATMENT and
   * GET_TREATMENT treatment, STATUS and HEARTBEAT status; the others
   * carry no body. */
  union
  {
    StippleProtoIdentity  identity;
    StippleProtoCartridge cartridge;
    StippleProtoTreatment treatment;
    StippleProtoPenStatus status;
  } body;
} StippleProtoReply;

typedef struct
{
  uint32_t packet_seq;                /* 0 for the first packet after TELEMETRY_START */
  uint32_t dropped;                   /* samples lost just before this packet's first */
  uint8_t  count;
  StippleProtoSample samples[STIPPLE_PROTO_TELEMETRY_MAX_SAMPLES];
} StippleProtoTelemetry;

/* An intact frame; payload points into the decoded buffer. */
typedef struct
{
  uint8_t        version;
  uint8_t        type;
  uint16_t       seq;
  uint16_t       length;
  const uint8_t *payload;
} StippleProtoFrame;

uint32_t           stipple_proto_crc32             (const uint8_t         *data,
                                                    size_t                 len);

const char        *stipple_proto_status_to_string  (StippleProtoStatus     status);
const char        *stipple_proto_result_to_string  (StippleProtoResult     result);
int                stipple_proto_is_command        (uint8_t                type);
size_t             stipple_proto_reply_body_size   (uint8_t                reply_type);

StippleProtoStatus stipple_proto_frame_decode      (const uint8_t         *buf,
                                                    size_t                 len,
                                                    StippleProtoFrame     *frame);
StippleProtoStatus stipple_proto_frame_encode      (uint8_t                type,
                                                    uint16_t               seq,
                                                    const uint8_t         *payload,
                                                    size_t                 payload_len,
                                                    uint8_t               *buf,
                                                    size_t                 cap,
                                                    size_t                *out_len);

StippleProtoStatus stipple_proto_command_decode    (const uint8_t         *buf,
                                                    size_t                 len,
                                                    StippleProtoCommand   *command);
StippleProtoStatus stipple_proto_command_encode    (const StippleProtoCommand *command,
                                                    uint8_t               *buf,
                                                    size_t                 cap,
                                                    size_t                *out_len);

StippleProtoStatus stipple_proto_reply_decode      (const uint8_t         *buf,
                                                    size_t                 len,
                                                    StippleProtoReply     *reply);
StippleProtoStatus stipple_proto_reply_encode      (const StippleProtoReply *reply,
                                                    uint8_t               *buf,
                                                    size_t                 cap,
                                                    size_t                *out_len);

StippleProtoStatus stipple_proto_telemetry_decode  (const uint8_t         *buf,
                                                    size_t                 len,
                                                    StippleProtoTelemetry *telemetry);
StippleProtoStatus stipple_proto_telemetry_encode  (const StippleProtoTelemetry *telemetry,
                                                    uint8_t               *buf,
                                                    size_t                 cap,
                                                    size_t                *out_len);

#ifdef __cplusplus
}
#endif
