/* fuzz-firmware.c: the pen firmware model under a hostile host
 *
 * The input is a script of operations: raw OUT transfers, well-formed
 * commands with arbitrary fields (so that the fuzzer reaches the armed
 * states without having to forge CRCs), IN transfers, the passing of
 * time, and bus events and fault knobs. After every step the pen's
 * safety rules must hold: it is never armed outside its own limits, and
 * everything it sends is a valid frame.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-fuzz-firmware"

#include "config.h"

#include "fuzz-common.h"
#include "stipple-firmware.h"

typedef struct
{
  const uint8_t *p;
  size_t         left;
} Input;

static uint8_t
take (Input *in)
{
  if (in->left == 0)
    return 0;
  in->left--;
  return *in->p++;
}

static void
check_safe (const StippleFirmware *fw)
{
  StippleProtoTreatment t;
  StippleProtoCartridge c;

  if (!stipple_firmware_is_armed (fw))
    {
      FUZZ_CHECK (!stipple_firmware_is_running (fw));
      return;
    }

  FUZZ_CHECK (stipple_firmware_get_treatment (fw, &t));
  FUZZ_CHECK (stipple_firmware_get_cartridge (fw, &c));
  FUZZ_CHECK (t.depth_um <= fw->config.hard_cap_um);
  FUZZ_CHECK (t.depth_um <= c.max_depth_um);
  FUZZ_CHECK (t.rate_hz >= fw->config.rate_min_hz && t.rate_hz <= fw->config.rate_max_hz);
  FUZZ_CHECK (t.passes > 0);
  FUZZ_CHECK ((c.flags & STIPPLE_PROTO_CARTRIDGE_REUSED) == 0);
  FUZZ_CHECK (fw->now_us - fw->heartbeat_us < STIPPLE_PROTO_WATCHDOG_US);
}

static void
check_packet (const StippleFirmware *fw,
              const uint8_t         *buf,
              size_t                 len)
{
  static StippleProtoTelemetry telemetry;
  StippleProtoReply reply;

  if (buf[1] & STIPPLE_PROTO_MSG_REPLY)
    {
      FUZZ_CHECK (stipple_proto_reply_decode (buf, len, &reply) == STIPPLE_PROTO_STATUS_OK);
      return;
    }

  FUZZ_CHECK (stipple_proto_telemetry_decode (buf, len, &telemetry) == STIPPLE_PROTO_STATUS_OK);
  FUZZ_CHECK (telemetry.count == STIPPLE_FIRMWARE_SAMPLES_PER_PACKET);
  for (uint8_t i = 0; i < telemetry.count; i++)
    {
      const StippleProtoSample *s = &telemetry.samples[i];

      FUZZ_CHECK (s->position_um >= STIPPLE_FIRMWARE_RETRACTED_UM);
      FUZZ_CHECK (s->position_um <= fw->config.hard_cap_um);
      if (i > 0)
        FUZZ_CHECK (s->timestamp_us - telemetry.samples[i - 1].timestamp_us
                    == STIPPLE_FIRMWARE_SAMPLE_PERIOD_US);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static StippleFirmware fw;
  StippleFirmwareConfig config;
  Input in = { data, size };
  uint64_t now = 1000000;
  uint8_t buf[STIPPLE_PROTO_MAX_FRAME];
  int on_skin = 1;

  stipple_firmware_config_init_default (&config);
  stipple_firmware_init (&fw, &config, now);

  while (in.left > 0)
    {
      uint8_t op = take (&in);

      switch (op % 5)
        {
        case 0:   /* a raw OUT transfer */
          {
            size_t len = take (&in);

            if (len > in.left)
              len = in.left;
            stipple_firmware_receive (&fw, in.p, len, now);
            in.p += len;
            in.left -= len;
          }
          break;

        case 1:   /* an IN transfer */
          {
            size_t cap = (op & 0x80) ? (size_t) take (&in) : sizeof buf;
            size_t len = stipple_firmware_transmit (&fw, buf, cap, now);

            FUZZ_CHECK (len <= cap);
            if (len > 0)
              check_packet (&fw, buf, len);
          }
          break;

        case 2:   /* time passes, up to about half a second */
          {
            uint32_t dt = take (&in);

            dt = (dt << 8 | take (&in)) * 8u;
            now += dt;
            stipple_firmware_tick (&fw, now);
          }
          break;

        case 3:   /* the bus and the test knobs */
          {
            uint8_t k = take (&in);
            StippleProtoCartridge cartridge = { .id = "CRT-F", .lot = "F", .needle_count = 9 };

            switch (k % 9)
              {
              case 0: stipple_firmware_set_fault (&fw, STIPPLE_FIRMWARE_FAULT_DROP, k >> 4); break;
              case 1: stipple_firmware_set_fault (&fw, STIPPLE_FIRMWARE_FAULT_STALL, 1); break;
              case 2: stipple_firmware_clear_halt (&fw); break;
              case 3: stipple_firmware_set_fault (&fw, STIPPLE_FIRMWARE_FAULT_NAK, k >> 4); break;
              case 4: stipple_firmware_usb_reset (&fw, now); break;
              case 5: stipple_firmware_usb_suspend (&fw, now); break;
              case 6: stipple_firmware_set_on_skin (&fw, on_skin = !on_skin, now); break;
              case 7: stipple_firmware_remove_cartridge (&fw, now); break;
              default:
                cartridge.max_depth_um = (uint16_t) (k * 16);
                cartridge.use_count = k >> 7;
                stipple_firmware_insert_cartridge (&fw, &cartridge, now);
                break;
              }
          }
          break;

        default:  /* a well-formed command with arbitrary fields */
          {
            StippleProtoCommand command = { 0 };
            size_t len = 0;

            command.type = (uint8_t) (STIPPLE_PROTO_MSG_FIRST_COMMAND
                                      + take (&in) % STIPPLE_PROTO_MSG_LAST_COMMAND);
            command.seq = take (&in);
            if (command.type == STIPPLE_PROTO_MSG_SET_TREATMENT)
              {
                command.treatment.zone_id = take (&in);
                command.treatment.depth_um = (uint16_t) (take (&in) << 8 | take (&in));
                command.treatment.rate_hz = take (&in);
                command.treatment.passes = take (&in);
              }
            FUZZ_CHECK (stipple_proto_command_encode (&command, buf, sizeof buf, &len)
                        == STIPPLE_PROTO_STATUS_OK);
            stipple_firmware_receive (&fw, buf, len, now);
          }
          break;
        }

      check_safe (&fw);
    }

  return 0;
}
