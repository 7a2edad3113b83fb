/* stipple-firmware.c: a model of the pen's firmware (the pen emulator)
 *
 * Time only moves when a caller says so: every entry point first brings
 * the model up to its now_us (needle samples, the watchdog), then acts.
 * The needle's position is a function of time since arming rather than
 * a state stepped sample by sample, so a caller may jump ahead by any
 * amount and still get the samples a real pen would have measured.
 *
 * Kept in one file, over the usual 1,000 lines: it is the pen's one
 * state machine, which a pen maker reads beside docs/pen-protocol.md
 * from top to bottom (frames, commands, the state table, the watchdog,
 * telemetry); cut by entry point, the state it shares would be spread
 * over files a firmware port would have to put back together.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-firmware"

#include "config.h"

#include <math.h>
#include <string.h>

#include "stipple-firmware.h"

/**
 * stipple_firmware_config_init_default:
 * @config: (out): the configuration to fill
 *
 * Describes a plausible pen: depth 0 to 2.5 mm in 0.05 mm steps, 90 to
 * 150 strokes/s, with a new 16-needle cartridge rated to 2.0 mm.
 */
void
stipple_firmware_config_init_default (StippleFirmwareConfig *config)
{
  if (config == NULL)
    return;

  memset (config, 0, sizeof *config);
  strcpy (config->serial, "STP-EMU-0001");
  config->firmware_version = 0x0100;
  config->hard_cap_um = 2500;
  config->depth_min_um = 0;
  config->depth_step_um = 50;
  config->rate_min_hz = 90;
  config->rate_max_hz = 150;
  strcpy (config->cartridge_id, "CRT16-000042");
  strcpy (config->cartridge_lot, "L2611A");
  config->needle_count = 16;
  config->cartridge_max_um = 2000;
  config->cartridge_use_count = 0;
  config->seed = 1;
}

/* Text fields go on the wire as printable ASCII; a configuration with
 * anything else is made sendable rather than refused, since a pen has no
 * one to refuse it to. */
static void
sanitize_text (char *text)
{
  text[STIPPLE_PROTO_TEXT_SIZE] = '\0';
  for (size_t i = 0; text[i] != '\0'; i++)
    if ((unsigned char) text[i] < 0x20 || (unsigned char) text[i] > 0x7e)
      text[i] = '?';
}

/* splitmix32: a counter-based generator, so stroke n's variance needs no
 * state from stroke n - 1 and a jump in time costs nothing. */
static uint32_t
mix32 (uint32_t x)
{
  x += 0x9e3779b9u;
  x = (x ^ (x >> 16)) * 0x85ebca6bu;
  x = (x ^ (x >> 13)) * 0xc2b2ae35u;
  return x ^ (x >> 16);
}

static int32_t
stroke_depth (const StippleFirmware *fw,
              uint32_t               stroke)
{
  uint32_t r = mix32 (fw->config.seed ^ mix32 (stroke));
  int32_t spread = 2 * STIPPLE_FIRMWARE_DEPTH_VARIANCE_UM + 1;
  int32_t depth = (int32_t) fw->treatment.depth_um + (int32_t) (r % (uint32_t) spread)
                  - STIPPLE_FIRMWARE_DEPTH_VARIANCE_UM;

  /* The hard cap is the needle's mechanical stop: no variance passes it. */
  return depth > (int32_t) fw->config.hard_cap_um ? (int32_t) fw->config.hard_cap_um : depth;
}

/* What the pen measures at @t, with the arming state it has at @t. */
static StippleProtoSample
sample_at (const StippleFirmware *fw,
           uint64_t               t)
{
  StippleProtoSample s = { 0 };

  s.timestamp_us = (uint32_t) (t - fw->boot_us);
  s.position_um = STIPPLE_FIRMWARE_RETRACTED_UM;
  s.stroke_count = fw->stroke_count;

  if (fw->armed && t >= fw->armed_us)
    {
      /* Strokes in micro-strokes: elapsed µs × strokes/s. */
      uint64_t travel = (t - fw->armed_us) * fw->treatment.rate_hz;
      uint64_t stroke = travel / 1000000u;
      double phase = (double) (travel % 1000000u) / 1e6;
      double lift = (1.0 - cos (2.0 * M_PI * phase)) / 2.0;
      int32_t peak = stroke_depth (fw, (uint32_t) stroke);

      s.position_um = STIPPLE_FIRMWARE_RETRACTED_UM
                      + (int32_t) lround ((peak - STIPPLE_FIRMWARE_RETRACTED_UM) * lift);
      s.stroke_count = (uint32_t) stroke;
      s.flags |= STIPPLE_PROTO_SAMPLE_RUNNING;
    }

  if (fw->on_skin && s.position_um > 0)
    {
      int64_t load = (int64_t) s.position_um * STIPPLE_FIRMWARE_LOAD_PER_UM;

      s.load = load > 65535 ? 65535 : (uint16_t) load;
      s.flags |= STIPPLE_PROTO_SAMPLE_CONTACT;
    }

  return s;
}

/* Loss counters saturate: "at least 4294967295 samples lost" stays true,
 * a counter that wrapped to a small number would not. */
static void
count_lost (StippleFirmware *fw,
            uint64_t         lost)
{
  fw->dropped_pending = lost >= UINT32_MAX - fw->dropped_pending
                        ? UINT32_MAX : fw->dropped_pending + (uint32_t) lost;
  fw->dropped_total = lost >= UINT32_MAX - fw->dropped_total
                      ? UINT32_MAX : fw->dropped_total + (uint32_t) lost;
}

static void
push_sample (StippleFirmware          *fw,
             const StippleProtoSample *s)
{
  /* A full queue loses its oldest sample, and says so in the next packet. */
  if (fw->sample_count == STIPPLE_FIRMWARE_SAMPLE_QUEUE)
    {
      fw->sample_head = (fw->sample_head + 1) % STIPPLE_FIRMWARE_SAMPLE_QUEUE;
      fw->sample_count--;
      count_lost (fw, 1);
    }
  fw->samples[(fw->sample_head + fw->sample_count) % STIPPLE_FIRMWARE_SAMPLE_QUEUE] = *s;
  fw->sample_count++;
}

/* Measures every sample due before @end. */
static void
sample_until (StippleFirmware *fw,
              uint64_t         end)
{
  uint64_t due;

  if (!fw->telemetry || fw->next_sample_us >= end)
    return;

  due = (end - 1 - fw->next_sample_us) / STIPPLE_FIRMWARE_SAMPLE_PERIOD_US + 1;
  if (due > STIPPLE_FIRMWARE_SAMPLE_QUEUE)
    {
      /* These would only push each other out of the queue: count them
       * as lost without measuring them. */
      uint64_t skip = due - STIPPLE_FIRMWARE_SAMPLE_QUEUE;

      count_lost (fw, skip + fw->sample_count);
      fw->sample_count = 0;
      fw->next_sample_us += skip * STIPPLE_FIRMWARE_SAMPLE_PERIOD_US;
    }

  while (fw->next_sample_us < end)
    {
      StippleProtoSample s = sample_at (fw, fw->next_sample_us);

      push_sample (fw, &s);
      fw->next_sample_us += STIPPLE_FIRMWARE_SAMPLE_PERIOD_US;
    }
}

static void
disarm (StippleFirmware *fw,
        uint8_t          reason,
        uint64_t         when)
{
  if (!fw->armed)
    return;

  fw->stroke_count = sample_at (fw, when).stroke_count;
  fw->armed = 0;
  fw->disarm_reason = reason;
  fw->disarmed_us = when;
}

/* Brings the model to @now: samples measured, watchdog applied. Time
 * never runs backwards. */
static void
advance (StippleFirmware *fw,
         uint64_t         now)
{
  if (now < fw->now_us)
    now = fw->now_us;

  if (fw->armed)
    {
      uint64_t deadline = fw->heartbeat_us + STIPPLE_PROTO_WATCHDOG_US;

      if (deadline <= now)
        {
          sample_until (fw, deadline);
          disarm (fw, STIPPLE_PROTO_DISARM_WATCHDOG, deadline);
        }
    }

  sample_until (fw, now + 1);
  fw->now_us = now;
}

static void
stop_telemetry (StippleFirmware *fw)
{
  fw->telemetry = 0;
  fw->sample_count = 0;
  fw->sample_head = 0;
  fw->dropped_pending = 0;
}

/**
 * stipple_firmware_init:
 * @fw: (out caller-allocates): the pen
 * @config: what pen it is and which cartridge it holds
 * @now_us: the time of power-on
 *
 * Powers the pen on: disarmed, no treatment, telemetry off, on the skin.
 * Also how a test plugs an unplugged pen back in.
 */
void
stipple_firmware_init (StippleFirmware             *fw,
                       const StippleFirmwareConfig *config,
                       uint64_t                     now_us)
{
  StippleFirmwareConfig local;

  if (fw == NULL)
    return;

  /* @config may be the pen's own copy (a power cycle): copy it first. */
  if (config != NULL)
    local = *config;
  else
    stipple_firmware_config_init_default (&local);
  memset (fw, 0, sizeof *fw);
  fw->config = local;
  sanitize_text (fw->config.serial);
  sanitize_text (fw->config.cartridge_id);
  sanitize_text (fw->config.cartridge_lot);
  sanitize_text (fw->config.armed_cartridge_id);

  fw->connected = 1;
  fw->boot_us = now_us;
  fw->now_us = now_us;
  fw->on_skin = 1;
  fw->nak_result = STIPPLE_PROTO_RESULT_BUSY;
  fw->cartridge_present = fw->config.cartridge_id[0] != '\0';
  fw->cartridge_use_count = fw->config.cartridge_use_count;
  fw->cartridge_reused = fw->cartridge_present && fw->cartridge_use_count > 0;

  /* Still the insertion the pen recorded a use on before it lost power:
   * the same treatment, not a reuse (docs/pen-protocol.md, 6 rule 4). */
  if (fw->cartridge_present && fw->config.armed_cartridge_id[0] != '\0' &&
      strcmp (fw->config.armed_cartridge_id, fw->config.cartridge_id) == 0)
    {
      fw->cartridge_reused = 0;
      fw->cartridge_counted = 1;
    }
}

static void
queue_reply (StippleFirmware         *fw,
             const StippleProtoReply *reply)
{
  uint32_t slot;
  size_t len = 0;

  if (fw->reply_count == STIPPLE_FIRMWARE_REPLY_QUEUE)
    {
      fw->commands_unanswered++;
      return;
    }

  slot = (fw->reply_head + fw->reply_count) % STIPPLE_FIRMWARE_REPLY_QUEUE;
  /* Every reply this model builds is encodable and under 64 bytes. */
  if (stipple_proto_reply_encode (reply, fw->replies[slot], STIPPLE_FIRMWARE_REPLY_MAX, &len)
      != STIPPLE_PROTO_STATUS_OK)
    return;
  fw->reply_len[slot] = (uint8_t) len;
  fw->reply_count++;
}

static void
queue_result (StippleFirmware *fw,
              uint8_t          type,
              uint16_t         seq,
              uint8_t          result)
{
  StippleProtoReply reply;

  memset (&reply, 0, sizeof reply);
  reply.type = type | STIPPLE_PROTO_MSG_REPLY;
  reply.seq = seq;
  reply.result = result;
  queue_reply (fw, &reply);
}

static uint8_t
check_treatment (const StippleFirmware       *fw,
                 const StippleProtoTreatment *t)
{
  const StippleFirmwareConfig *c = &fw->config;
  uint16_t step = c->depth_step_um > 0 ? c->depth_step_um : 1;

  if (fw->armed)
    return STIPPLE_PROTO_RESULT_ARMED;
  if (t->passes == 0)
    return STIPPLE_PROTO_RESULT_PASSES_INVALID;
  if (t->rate_hz < c->rate_min_hz || t->rate_hz > c->rate_max_hz)
    return STIPPLE_PROTO_RESULT_RATE_OUT_OF_RANGE;
  if (t->depth_um > c->hard_cap_um)
    return STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CAP;
  if (t->depth_um < c->depth_min_um || (t->depth_um - c->depth_min_um) % step != 0)
    return STIPPLE_PROTO_RESULT_DEPTH_INVALID;
  if (!fw->cartridge_present)
    return STIPPLE_PROTO_RESULT_NO_CARTRIDGE;
  if (t->depth_um > c->cartridge_max_um)
    return STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CARTRIDGE;

  return STIPPLE_PROTO_RESULT_OK;
}

static uint8_t
arm (StippleFirmware *fw,
     uint64_t         now)
{
  if (fw->armed)
    return STIPPLE_PROTO_RESULT_OK;
  if (!fw->configured)
    return STIPPLE_PROTO_RESULT_NOT_CONFIGURED;
  if (!fw->cartridge_present)
    return STIPPLE_PROTO_RESULT_NO_CARTRIDGE;
  if (fw->cartridge_reused)
    return STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED;
  /* The cartridge may have been changed since the treatment was set. */
  if (fw->treatment.depth_um > fw->config.cartridge_max_um)
    return STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CARTRIDGE;

  if (!fw->cartridge_counted)
    {
      /* Written to the cartridge's memory and the pen's own, so that a
       * power loss neither forgets the use nor ends the treatment. */
      if (fw->cartridge_use_count < UINT16_MAX)
        fw->cartridge_use_count++;
      fw->cartridge_counted = 1;
      fw->config.cartridge_use_count = fw->cartridge_use_count;
      memcpy (fw->config.armed_cartridge_id, fw->config.cartridge_id,
              sizeof fw->config.armed_cartridge_id);
    }
  fw->armed = 1;
  fw->armed_us = now;
  fw->heartbeat_us = now;
  fw->stroke_count = 0;

  return STIPPLE_PROTO_RESULT_OK;
}

static void
execute (StippleFirmware           *fw,
         const StippleProtoCommand *command,
         uint64_t                   now)
{
  StippleProtoReply reply;

  memset (&reply, 0, sizeof reply);
  reply.type = command->type | STIPPLE_PROTO_MSG_REPLY;
  reply.seq = command->seq;
  fw->commands_executed++;

  switch (command->type)
    {
    case STIPPLE_PROTO_MSG_IDENTIFY:
      {
        StippleProtoIdentity *id = &reply.body.identity;

        memcpy (id->serial, fw->config.serial, sizeof id->serial);
        id->firmware_version = fw->config.firmware_version;
        id->protocol_version = STIPPLE_PROTO_VERSION;
        id->samples_per_packet = STIPPLE_FIRMWARE_SAMPLES_PER_PACKET;
        id->depth_min_um = fw->config.depth_min_um;
        id->depth_max_um = fw->config.hard_cap_um;
        id->depth_step_um = fw->config.depth_step_um;
        id->rate_min_hz = fw->config.rate_min_hz;
        id->rate_max_hz = fw->config.rate_max_hz;
        id->sample_rate_hz = STIPPLE_FIRMWARE_SAMPLE_RATE_HZ;
      }
      break;

    case STIPPLE_PROTO_MSG_CARTRIDGE_INFO:
      if (!stipple_firmware_get_cartridge (fw, &reply.body.cartridge))
        reply.result = STIPPLE_PROTO_RESULT_NO_CARTRIDGE;
      break;

    case STIPPLE_PROTO_MSG_SET_TREATMENT:
      reply.result = check_treatment (fw, &command->treatment);
      if (reply.result == STIPPLE_PROTO_RESULT_OK)
        {
          fw->treatment = command->treatment;
          fw->configured = 1;
          reply.body.treatment = fw->treatment;
        }
      break;

    case STIPPLE_PROTO_MSG_GET_TREATMENT:
      if (fw->configured)
        reply.body.treatment = fw->treatment;
      else
        reply.result = STIPPLE_PROTO_RESULT_NOT_CONFIGURED;
      break;

    case STIPPLE_PROTO_MSG_ARM:
      reply.result = arm (fw, now);
      break;

    case STIPPLE_PROTO_MSG_DISARM:
      disarm (fw, STIPPLE_PROTO_DISARM_HOST, now);
      break;

    case STIPPLE_PROTO_MSG_EMERGENCY_STOP:
      disarm (fw, STIPPLE_PROTO_DISARM_EMERGENCY_STOP, now);
      fw->configured = 0;
      memset (&fw->treatment, 0, sizeof fw->treatment);
      break;

    case STIPPLE_PROTO_MSG_HEARTBEAT:
      fw->heartbeat_us = now;
      stipple_firmware_get_status (fw, &reply.body.status);
      break;

    case STIPPLE_PROTO_MSG_STATUS:
      stipple_firmware_get_status (fw, &reply.body.status);
      break;

    case STIPPLE_PROTO_MSG_TELEMETRY_START:
      if (!fw->telemetry)
        {
          uint64_t since_boot = now - fw->boot_us;
          uint64_t k = (since_boot + STIPPLE_FIRMWARE_SAMPLE_PERIOD_US - 1)
                       / STIPPLE_FIRMWARE_SAMPLE_PERIOD_US;

          stop_telemetry (fw);
          fw->telemetry = 1;
          fw->packet_seq = 0;
          /* Samples are measured on the pen's 125 µs grid. */
          fw->next_sample_us = fw->boot_us + k * STIPPLE_FIRMWARE_SAMPLE_PERIOD_US;
          sample_until (fw, now + 1);
        }
      break;

    case STIPPLE_PROTO_MSG_TELEMETRY_STOP:
      stop_telemetry (fw);
      break;

    default:
      reply.result = STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND;
      break;
    }

  queue_reply (fw, &reply);
}

/**
 * stipple_firmware_receive:
 * @fw: the pen
 * @data: (array length=len): one transfer the host sent on the bulk OUT
 *   endpoint
 * @len: its length
 * @now_us: when it arrived
 *
 * Acts on one command and queues its reply. A transfer that is not a
 * frame is discarded unanswered, as docs/pen-protocol.md requires.
 */
void
stipple_firmware_receive (StippleFirmware *fw,
                          const uint8_t   *data,
                          size_t           len,
                          uint64_t         now_us)
{
  StippleProtoFrame frame;
  StippleProtoCommand command;
  StippleProtoStatus status;

  if (fw == NULL || !fw->connected)
    return;

  advance (fw, now_us);
  now_us = fw->now_us;

  status = stipple_proto_frame_decode (data, len, &frame);
  if (status == STIPPLE_PROTO_STATUS_BAD_VERSION)
    {
      queue_result (fw, frame.type, frame.seq, STIPPLE_PROTO_RESULT_UNSUPPORTED_VERSION);
      return;
    }
  if (status != STIPPLE_PROTO_STATUS_OK)
    {
      fw->frames_discarded++;
      return;
    }
  if (!stipple_proto_is_command (frame.type))
    {
      queue_result (fw, frame.type, frame.seq, STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND);
      return;
    }
  if (stipple_proto_command_decode (data, len, &command) != STIPPLE_PROTO_STATUS_OK)
    {
      queue_result (fw, frame.type, frame.seq, STIPPLE_PROTO_RESULT_BAD_LENGTH);
      return;
    }

  /* A valid heartbeat proves the host alive, whatever becomes of it
   * next: dropped for a full queue or refused BUSY, it still feeds the
   * watchdog (docs/pen-protocol.md, 2.1 step 7). */
  if (command.type == STIPPLE_PROTO_MSG_HEARTBEAT)
    fw->heartbeat_us = now_us;

  if (command.type == STIPPLE_PROTO_MSG_EMERGENCY_STOP)
    {
      /* Obeyed whatever else is wrong: refused commands, a full reply
       * queue. */
      execute (fw, &command, now_us);
      return;
    }
  if (fw->reply_count == STIPPLE_FIRMWARE_REPLY_QUEUE)
    {
      fw->commands_unanswered++;
      return;
    }
  if (fw->nak > 0)
    {
      fw->nak--;
      queue_result (fw, command.type, command.seq, fw->nak_result);
      return;
    }

  execute (fw, &command, now_us);
}

/* Builds the next IN packet into @out without consuming it. */
static size_t
peek_packet (StippleFirmware *fw,
             uint8_t          out[STIPPLE_PROTO_MAX_FRAME],
             int             *is_reply)
{
  size_t len = 0;

  if (fw->reply_count > 0)
    {
      len = fw->reply_len[fw->reply_head];
      memcpy (out, fw->replies[fw->reply_head], len);
      *is_reply = 1;
      return len;
    }

  if (fw->telemetry && fw->sample_count >= STIPPLE_FIRMWARE_SAMPLES_PER_PACKET)
    {
      StippleProtoTelemetry packet;

      packet.packet_seq = fw->packet_seq;
      packet.dropped = fw->dropped_pending;
      packet.count = STIPPLE_FIRMWARE_SAMPLES_PER_PACKET;
      for (uint32_t i = 0; i < packet.count; i++)
        packet.samples[i] = fw->samples[(fw->sample_head + i) % STIPPLE_FIRMWARE_SAMPLE_QUEUE];
      if (stipple_proto_telemetry_encode (&packet, out, STIPPLE_PROTO_MAX_FRAME, &len)
          != STIPPLE_PROTO_STATUS_OK)
        return 0;
      *is_reply = 0;
      return len;
    }

  return 0;
}

static void
consume_packet (StippleFirmware *fw,
                int              is_reply)
{
  if (is_reply)
    {
      fw->reply_head = (fw->reply_head + 1) % STIPPLE_FIRMWARE_REPLY_QUEUE;
      fw->reply_count--;
      return;
    }

  fw->sample_head = (fw->sample_head + STIPPLE_FIRMWARE_SAMPLES_PER_PACKET)
                    % STIPPLE_FIRMWARE_SAMPLE_QUEUE;
  fw->sample_count -= STIPPLE_FIRMWARE_SAMPLES_PER_PACKET;
  fw->dropped_pending = 0;
  fw->packet_seq++;
}

/**
 * stipple_firmware_transmit:
 * @fw: the pen
 * @buf: (out): where the packet goes
 * @cap: bytes available at @buf; %STIPPLE_PROTO_MAX_FRAME always suffices
 * @now_us: when the host's IN transfer is served
 *
 * Serves one IN transfer: the oldest unread reply, else a telemetry
 * packet once 16 samples are queued. Brings the model to @now_us first.
 * A packet larger than @cap stays queued.
 *
 * Returns: the packet's length, or 0 if there is nothing to send (or the
 *   endpoint is halted)
 */
size_t
stipple_firmware_transmit (StippleFirmware *fw,
                           uint8_t         *buf,
                           size_t           cap,
                           uint64_t         now_us)
{
  uint8_t packet[STIPPLE_PROTO_MAX_FRAME];

  if (fw == NULL || !fw->connected)
    return 0;

  advance (fw, now_us);
  if (fw->halted || buf == NULL)
    return 0;

  for (;;)
    {
      int is_reply = 0;
      size_t len = peek_packet (fw, packet, &is_reply);

      if (len == 0 || len > cap)
        return 0;

      consume_packet (fw, is_reply);
      if (fw->drop > 0)
        {
          fw->drop--;
          continue;
        }
      if (is_reply && fw->drop_replies > 0)
        {
          fw->drop_replies--;
          continue;
        }

      memcpy (buf, packet, len);
      if (fw->corrupt > 0)
        {
          fw->corrupt--;
          /* Inside the payload, so the frame keeps its length and only
           * the CRC can tell. */
          buf[STIPPLE_PROTO_HEADER_SIZE + (len - STIPPLE_PROTO_OVERHEAD) / 2] ^= 0x10;
        }
      return len;
    }
}

/**
 * stipple_firmware_tick:
 * @fw: the pen
 * @now_us: the time
 *
 * Lets time pass without I/O: the needle moves, samples are measured and
 * an armed pen whose heartbeat stopped disarms.
 */
void
stipple_firmware_tick (StippleFirmware *fw,
                       uint64_t         now_us)
{
  if (fw == NULL || !fw->connected)
    return;

  advance (fw, now_us);
}

/**
 * stipple_firmware_usb_reset:
 * @fw: the pen
 * @now_us: the time of the bus reset
 *
 * Disarms at once, stops telemetry, empties the reply and sample queues
 * and clears an endpoint halt. The treatment stays applied.
 */
void
stipple_firmware_usb_reset (StippleFirmware *fw,
                            uint64_t         now_us)
{
  if (fw == NULL || !fw->connected)
    return;

  advance (fw, now_us);
  disarm (fw, STIPPLE_PROTO_DISARM_USB_RESET, fw->now_us);
  stop_telemetry (fw);
  fw->reply_count = 0;
  fw->reply_head = 0;
  fw->halted = 0;
}

/**
 * stipple_firmware_usb_suspend:
 * @fw: the pen
 * @now_us: the time the bus suspended
 *
 * Disarms at once and stops telemetry.
 */
void
stipple_firmware_usb_suspend (StippleFirmware *fw,
                              uint64_t         now_us)
{
  if (fw == NULL || !fw->connected)
    return;

  advance (fw, now_us);
  disarm (fw, STIPPLE_PROTO_DISARM_USB_SUSPEND, fw->now_us);
  stop_telemetry (fw);
}

/**
 * stipple_firmware_unplug:
 * @fw: the pen
 * @now_us: the time of unplugging
 *
 * The pen loses power: the needle stops and every later call does
 * nothing until stipple_firmware_init() plugs it in again.
 */
void
stipple_firmware_unplug (StippleFirmware *fw,
                         uint64_t         now_us)
{
  if (fw == NULL || !fw->connected)
    return;

  advance (fw, now_us);
  fw->armed = 0;
  stop_telemetry (fw);
  fw->reply_count = 0;
  fw->connected = 0;
}

/**
 * stipple_firmware_power_cycle:
 * @fw: the pen
 * @now_us: the time power comes back
 *
 * Unplugs the pen and plugs it in again with the cartridge it held: what
 * it keeps in non-volatile memory survives (the cartridge's use count, the
 * cartridge the pen was using), everything else is lost.
 */
void
stipple_firmware_power_cycle (StippleFirmware *fw,
                              uint64_t         now_us)
{
  if (fw == NULL)
    return;

  stipple_firmware_unplug (fw, now_us);
  if (!fw->cartridge_present)
    fw->config.cartridge_id[0] = '\0';
  stipple_firmware_init (fw, &fw->config, now_us);
}

/**
 * stipple_firmware_clear_halt:
 * @fw: the pen
 *
 * The host's CLEAR_FEATURE(ENDPOINT_HALT) on the IN endpoint.
 */
void
stipple_firmware_clear_halt (StippleFirmware *fw)
{
  if (fw == NULL)
    return;

  fw->halted = 0;
}

/**
 * stipple_firmware_is_armed:
 * @fw: the pen
 *
 * Returns: non-zero while the pen is armed
 */
int
stipple_firmware_is_armed (const StippleFirmware *fw)
{
  return fw != NULL && fw->connected && fw->armed;
}

/**
 * stipple_firmware_is_running:
 * @fw: the pen
 *
 * Returns: non-zero while the needle motor runs, which it does exactly
 *   while the pen is armed
 */
int
stipple_firmware_is_running (const StippleFirmware *fw)
{
  return stipple_firmware_is_armed (fw) && fw->treatment.rate_hz > 0;
}

/**
 * stipple_firmware_is_halted:
 * @fw: the pen
 *
 * Returns: non-zero while the IN endpoint is halted (the host's
 *   transfers on it fail with a stall)
 */
int
stipple_firmware_is_halted (const StippleFirmware *fw)
{
  return fw != NULL && fw->connected && fw->halted;
}

/**
 * stipple_firmware_is_connected:
 * @fw: the pen
 *
 * Returns: zero once the pen has been unplugged
 */
int
stipple_firmware_is_connected (const StippleFirmware *fw)
{
  return fw != NULL && fw->connected;
}

/**
 * stipple_firmware_get_treatment:
 * @fw: the pen
 * @treatment: (out): the treatment applied
 *
 * Returns: non-zero if a treatment is applied; @treatment is zeroed if not
 */
int
stipple_firmware_get_treatment (const StippleFirmware *fw,
                                StippleProtoTreatment *treatment)
{
  if (fw == NULL || treatment == NULL)
    return 0;

  if (!fw->configured)
    {
      memset (treatment, 0, sizeof *treatment);
      return 0;
    }
  *treatment = fw->treatment;
  return 1;
}

/**
 * stipple_firmware_get_status:
 * @fw: the pen
 * @status: (out): what a STATUS reply would say now
 */
void
stipple_firmware_get_status (const StippleFirmware *fw,
                             StippleProtoPenStatus *status)
{
  StippleProtoSample now;

  if (fw == NULL || status == NULL)
    return;

  memset (status, 0, sizeof *status);
  now = sample_at (fw, fw->now_us);

  if (fw->armed)
    status->state = STIPPLE_PROTO_STATE_ARMED;
  else if (fw->configured)
    status->state = STIPPLE_PROTO_STATE_CONFIGURED;
  else
    status->state = STIPPLE_PROTO_STATE_IDLE;

  if (fw->armed)
    status->flags |= STIPPLE_PROTO_STATUS_FLAG_RUNNING;
  if (now.flags & STIPPLE_PROTO_SAMPLE_CONTACT)
    status->flags |= STIPPLE_PROTO_STATUS_FLAG_CONTACT;
  if (fw->telemetry)
    status->flags |= STIPPLE_PROTO_STATUS_FLAG_TELEMETRY;
  if (fw->cartridge_present)
    status->flags |= STIPPLE_PROTO_STATUS_FLAG_CARTRIDGE;
  if (fw->cartridge_present && fw->cartridge_reused)
    status->flags |= STIPPLE_PROTO_STATUS_FLAG_REUSED;

  status->disarm_reason = fw->disarm_reason;
  status->stroke_count = now.stroke_count;
  status->dropped_samples = fw->dropped_total;
}

/**
 * stipple_firmware_get_cartridge:
 * @fw: the pen
 * @cartridge: (out): the inserted cartridge, as CARTRIDGE_INFO reports it
 *
 * Returns: non-zero if a cartridge is inserted
 */
int
stipple_firmware_get_cartridge (const StippleFirmware *fw,
                                StippleProtoCartridge *cartridge)
{
  if (fw == NULL || cartridge == NULL)
    return 0;

  memset (cartridge, 0, sizeof *cartridge);
  if (!fw->cartridge_present)
    return 0;

  memcpy (cartridge->id, fw->config.cartridge_id, sizeof cartridge->id);
  memcpy (cartridge->lot, fw->config.cartridge_lot, sizeof cartridge->lot);
  cartridge->needle_count = fw->config.needle_count;
  cartridge->flags = fw->cartridge_reused ? STIPPLE_PROTO_CARTRIDGE_REUSED : 0;
  cartridge->max_depth_um = fw->config.cartridge_max_um;
  cartridge->use_count = fw->cartridge_use_count;

  return 1;
}

/**
 * stipple_firmware_set_fault:
 * @fw: the pen
 * @fault: which fault
 * @count: how many packets or commands it affects (see
 *   #StippleFirmwareFault); 0 turns it off
 *
 * Sets a fault knob for tests.
 */
void
stipple_firmware_set_fault (StippleFirmware      *fw,
                            StippleFirmwareFault  fault,
                            uint32_t              count)
{
  if (fw == NULL)
    return;

  switch (fault)
    {
    case STIPPLE_FIRMWARE_FAULT_DROP:
      fw->drop = count;
      break;
    case STIPPLE_FIRMWARE_FAULT_CORRUPT:
      fw->corrupt = count;
      break;
    case STIPPLE_FIRMWARE_FAULT_STALL:
      fw->halted = count != 0;
      break;
    case STIPPLE_FIRMWARE_FAULT_NAK:
      fw->nak = count;
      break;
    case STIPPLE_FIRMWARE_FAULT_DROP_REPLY:
      fw->drop_replies = count;
      break;
    default:
      break;
    }
}

/**
 * stipple_firmware_set_nak_result:
 * @fw: the pen
 * @result: the result %STIPPLE_FIRMWARE_FAULT_NAK refuses commands with
 */
void
stipple_firmware_set_nak_result (StippleFirmware    *fw,
                                 StippleProtoResult  result)
{
  if (fw == NULL)
    return;

  fw->nak_result = (uint8_t) result;
}

/**
 * stipple_firmware_set_on_skin:
 * @fw: the pen
 * @on_skin: zero to lift the pen off the skin, non-zero to put it back
 * @now_us: when
 *
 * Off the skin the needle still moves but touches nothing: no contact,
 * no load.
 */
void
stipple_firmware_set_on_skin (StippleFirmware *fw,
                              int              on_skin,
                              uint64_t         now_us)
{
  if (fw == NULL || !fw->connected)
    return;

  advance (fw, now_us);
  fw->on_skin = on_skin != 0;
}

/**
 * stipple_firmware_insert_cartridge:
 * @fw: the pen
 * @cartridge: the cartridge: id, lot, needle count, maximum depth and
 *   the use count its memory holds (flags are ignored)
 * @now_us: when
 *
 * Replaces the inserted cartridge. One with a use count above zero is a
 * reused single-use cartridge: reported, and the pen will not arm.
 */
void
stipple_firmware_insert_cartridge (StippleFirmware             *fw,
                                   const StippleProtoCartridge *cartridge,
                                   uint64_t                     now_us)
{
  if (fw == NULL || cartridge == NULL || !fw->connected)
    return;

  stipple_firmware_remove_cartridge (fw, now_us);
  memcpy (fw->config.cartridge_id, cartridge->id, sizeof fw->config.cartridge_id);
  memcpy (fw->config.cartridge_lot, cartridge->lot, sizeof fw->config.cartridge_lot);
  sanitize_text (fw->config.cartridge_id);
  sanitize_text (fw->config.cartridge_lot);
  fw->config.needle_count = cartridge->needle_count;
  fw->config.cartridge_max_um = cartridge->max_depth_um;
  fw->config.cartridge_use_count = cartridge->use_count;
  fw->cartridge_present = 1;
  fw->cartridge_use_count = cartridge->use_count;
  fw->cartridge_reused = cartridge->use_count > 0;
  fw->cartridge_counted = 0;
}

/**
 * stipple_firmware_remove_cartridge:
 * @fw: the pen
 * @now_us: when
 *
 * Removes the cartridge; an armed pen disarms.
 */
void
stipple_firmware_remove_cartridge (StippleFirmware *fw,
                                   uint64_t         now_us)
{
  if (fw == NULL || !fw->connected)
    return;

  advance (fw, now_us);
  disarm (fw, STIPPLE_PROTO_DISARM_CARTRIDGE_REMOVED, fw->now_us);
  if (fw->cartridge_present)
    fw->config.armed_cartridge_id[0] = '\0';
  fw->cartridge_present = 0;
  fw->cartridge_reused = 0;
  fw->cartridge_counted = 0;
}
