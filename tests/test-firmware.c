/* test-firmware.c: the pen firmware model, spoken to in bytes
 *
 * Every exchange goes through the codec and the model's byte interface,
 * as the host's USB transport would; times are explicit, so the watchdog
 * and the waveform are checked to the microsecond.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-test-firmware"

#include "config.h"

#include <string.h>

#include <glib.h>

#include "stipple-firmware.h"

#define MS 1000u
#define T0 ((guint64) 5 * G_USEC_PER_SEC)   /* power-on, not at zero on purpose */

typedef struct
{
  StippleFirmware fw;
  guint16 seq;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  StippleFirmwareConfig config;

  stipple_firmware_config_init_default (&config);
  if (data != NULL)
    config.cartridge_use_count = GPOINTER_TO_UINT (data);
  stipple_firmware_init (&f->fw, &config, T0);
  f->seq = 0;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
}

static guint16
send_command (Fixture                     *f,
              guint8                       type,
              const StippleProtoTreatment *treatment,
              guint64                      now)
{
  StippleProtoCommand c = { 0 };
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  size_t n;

  c.type = type;
  c.seq = ++f->seq;
  if (treatment != NULL)
    c.treatment = *treatment;
  g_assert_cmpint (stipple_proto_command_encode (&c, buf, sizeof buf, &n), ==,
                   STIPPLE_PROTO_STATUS_OK);
  stipple_firmware_receive (&f->fw, buf, n, now);

  return c.seq;
}

/* Reads one IN packet that must be the reply to the last command. */
static StippleProtoReply
read_reply (Fixture *f,
            guint8   command_type,
            guint64  now)
{
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  StippleProtoReply r;
  size_t n;

  n = stipple_firmware_transmit (&f->fw, buf, sizeof buf, now);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r), ==, STIPPLE_PROTO_STATUS_OK);
  g_assert_cmpuint (r.type, ==, command_type | STIPPLE_PROTO_MSG_REPLY);
  g_assert_cmpuint (r.seq, ==, f->seq);

  return r;
}

static StippleProtoReply
exchange (Fixture                     *f,
          guint8                       type,
          const StippleProtoTreatment *treatment,
          guint64                      now)
{
  send_command (f, type, treatment, now);
  return read_reply (f, type, now);
}

static StippleProtoTreatment
make_treatment (guint16 depth_um,
                guint16 rate_hz)
{
  return (StippleProtoTreatment) { .zone_id = 8, .depth_um = depth_um, .rate_hz = rate_hz, .passes = 2 };
}

static void
arm_at (Fixture *f,
        guint16  depth_um,
        guint16  rate_hz,
        guint64  now)
{
  StippleProtoTreatment t = make_treatment (depth_um, rate_hz);

  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_SET_TREATMENT, &t, now).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, now).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  g_assert_true (stipple_firmware_is_armed (&f->fw));
  g_assert_true (stipple_firmware_is_running (&f->fw));
}

static void
test_identify (Fixture       *f,
               gconstpointer  data)
{
  StippleProtoReply r = exchange (f, STIPPLE_PROTO_MSG_IDENTIFY, NULL, T0 + 10);

  g_assert_cmpuint (r.result, ==, STIPPLE_PROTO_RESULT_OK);
  g_assert_cmpstr (r.body.identity.serial, ==, "STP-EMU-0001");
  g_assert_cmpuint (r.body.identity.firmware_version, ==, 0x0100);
  g_assert_cmpuint (r.body.identity.protocol_version, ==, STIPPLE_PROTO_VERSION);
  g_assert_cmpuint (r.body.identity.depth_max_um, ==, 2500);
  g_assert_cmpuint (r.body.identity.depth_step_um, ==, 50);
  g_assert_cmpuint (r.body.identity.rate_min_hz, ==, 90);
  g_assert_cmpuint (r.body.identity.rate_max_hz, ==, 150);
  g_assert_cmpuint (r.body.identity.sample_rate_hz, ==, 8000);
  g_assert_cmpuint (r.body.identity.samples_per_packet, ==, 16);

  r = exchange (f, STIPPLE_PROTO_MSG_CARTRIDGE_INFO, NULL, T0 + 20);
  g_assert_cmpuint (r.result, ==, STIPPLE_PROTO_RESULT_OK);
  g_assert_cmpstr (r.body.cartridge.id, ==, "CRT16-000042");
  g_assert_cmpstr (r.body.cartridge.lot, ==, "L2611A");
  g_assert_cmpuint (r.body.cartridge.needle_count, ==, 16);
  g_assert_cmpuint (r.body.cartridge.max_depth_um, ==, 2000);
  g_assert_cmpuint (r.body.cartridge.flags, ==, 0);

  /* Nothing more to send */
  {
    guint8 buf[STIPPLE_PROTO_MAX_FRAME];
    g_assert_cmpuint (stipple_firmware_transmit (&f->fw, buf, sizeof buf, T0 + 30), ==, 0);
  }
}

static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  StippleProtoTreatment ok = make_treatment (1000, 120);
  StippleProtoTreatment t, applied;
  struct
  {
    guint16 depth, rate;
    guint8 passes;
    guint8 result;
  } cases[] = {
    { 2550, 120, 2, STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CAP },
    { 65535, 120, 2, STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CAP },
    { 2050, 120, 2, STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CARTRIDGE },
    { 2500, 120, 2, STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CARTRIDGE },
    { 1025, 120, 2, STIPPLE_PROTO_RESULT_DEPTH_INVALID },
    { 1000, 89, 2, STIPPLE_PROTO_RESULT_RATE_OUT_OF_RANGE },
    { 1000, 151, 2, STIPPLE_PROTO_RESULT_RATE_OUT_OF_RANGE },
    { 1000, 120, 0, STIPPLE_PROTO_RESULT_PASSES_INVALID },
  };
  guint64 now = T0;

  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_GET_TREATMENT, NULL, now).result, ==,
                    STIPPLE_PROTO_RESULT_NOT_CONFIGURED);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, now).result, ==,
                    STIPPLE_PROTO_RESULT_NOT_CONFIGURED);
  g_assert_false (stipple_firmware_is_armed (&f->fw));

  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_SET_TREATMENT, &ok, now).result, ==,
                    STIPPLE_PROTO_RESULT_OK);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      StippleProtoReply r;

      t = make_treatment (cases[i].depth, cases[i].rate);
      t.passes = cases[i].passes;
      r = exchange (f, STIPPLE_PROTO_MSG_SET_TREATMENT, &t, now += MS);
      g_assert_cmpuint (r.result, ==, cases[i].result);

      /* Refused means not applied: the earlier treatment stands. */
      g_assert_true (stipple_firmware_get_treatment (&f->fw, &applied));
      g_assert_cmpuint (applied.depth_um, ==, 1000);
      g_assert_cmpuint (applied.rate_hz, ==, 120);
      r = exchange (f, STIPPLE_PROTO_MSG_GET_TREATMENT, NULL, now);
      g_assert_cmpuint (r.result, ==, STIPPLE_PROTO_RESULT_OK);
      g_assert_cmpuint (r.body.treatment.depth_um, ==, 1000);
    }

  /* The extremes are allowed */
  t = make_treatment (2000, 150);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_SET_TREATMENT, &t, now).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  t = make_treatment (0, 90);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_SET_TREATMENT, &t, now).result, ==,
                    STIPPLE_PROTO_RESULT_OK);

  /* No setting changes while armed */
  arm_at (f, 500, 100, now);
  t = make_treatment (600, 100);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_SET_TREATMENT, &t, now).result, ==,
                    STIPPLE_PROTO_RESULT_ARMED);
  g_assert_true (stipple_firmware_get_treatment (&f->fw, &applied));
  g_assert_cmpuint (applied.depth_um, ==, 500);
  /* Arming again changes nothing */
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, now + MS).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_DISARM, NULL, now + 2 * MS).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
  g_assert_false (stipple_firmware_is_running (&f->fw));
}

static void
test_watchdog (Fixture       *f,
               gconstpointer  data)
{
  guint64 armed = T0 + 100 * MS;
  StippleProtoReply r;

  arm_at (f, 1500, 120, armed);

  stipple_firmware_tick (&f->fw, armed + 249 * MS);
  g_assert_true (stipple_firmware_is_armed (&f->fw));
  stipple_firmware_tick (&f->fw, armed + 251 * MS);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
  g_assert_false (stipple_firmware_is_running (&f->fw));

  r = exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, armed + 260 * MS);
  g_assert_cmpuint (r.body.status.state, ==, STIPPLE_PROTO_STATE_CONFIGURED);
  g_assert_cmpuint (r.body.status.disarm_reason, ==, STIPPLE_PROTO_DISARM_WATCHDOG);
  g_assert_false (r.body.status.flags & STIPPLE_PROTO_STATUS_FLAG_RUNNING);
  /* 120 strokes/s for the 250 ms the pen was armed */
  g_assert_cmpuint (r.body.status.stroke_count, ==, 30);

  /* Heartbeats keep it armed; other commands do not. */
  armed += 500 * MS;
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, armed).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  r = exchange (f, STIPPLE_PROTO_MSG_HEARTBEAT, NULL, armed + 200 * MS);
  g_assert_cmpuint (r.body.status.state, ==, STIPPLE_PROTO_STATE_ARMED);
  g_assert_true (r.body.status.flags & STIPPLE_PROTO_STATUS_FLAG_RUNNING);
  exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, armed + 400 * MS);
  stipple_firmware_tick (&f->fw, armed + 449 * MS);
  g_assert_true (stipple_firmware_is_armed (&f->fw));
  /* Exactly 250 ms of silence is enough */
  stipple_firmware_tick (&f->fw, armed + 450 * MS);
  g_assert_false (stipple_firmware_is_armed (&f->fw));

  /* A heartbeat that arrives late finds the pen disarmed and says so. */
  armed += 1000 * MS;
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, armed).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  r = exchange (f, STIPPLE_PROTO_MSG_HEARTBEAT, NULL, armed + 300 * MS);
  g_assert_cmpuint (r.body.status.state, ==, STIPPLE_PROTO_STATE_CONFIGURED);
  g_assert_cmpuint (r.body.status.disarm_reason, ==, STIPPLE_PROTO_DISARM_WATCHDOG);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
}

static void
test_emergency_stop (Fixture       *f,
                     gconstpointer  data)
{
  guint64 now = T0 + 10 * MS;
  StippleProtoReply r;

  arm_at (f, 1000, 120, now);
  /* Even while refusing everything else, and unanswerable */
  stipple_firmware_set_fault (&f->fw, STIPPLE_FIRMWARE_FAULT_NAK, 5);
  r = exchange (f, STIPPLE_PROTO_MSG_EMERGENCY_STOP, NULL, now + 50 * MS);
  g_assert_cmpuint (r.result, ==, STIPPLE_PROTO_RESULT_OK);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
  stipple_firmware_set_fault (&f->fw, STIPPLE_FIRMWARE_FAULT_NAK, 0);

  /* The settings are gone: arming needs them sent again. */
  g_assert_false (stipple_firmware_get_treatment (&f->fw, &(StippleProtoTreatment) { 0 }));
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, now + 60 * MS).result, ==,
                    STIPPLE_PROTO_RESULT_NOT_CONFIGURED);
  r = exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, now + 70 * MS);
  g_assert_cmpuint (r.body.status.state, ==, STIPPLE_PROTO_STATE_IDLE);
  g_assert_cmpuint (r.body.status.disarm_reason, ==, STIPPLE_PROTO_DISARM_EMERGENCY_STOP);

  /* With the reply queue full */
  arm_at (f, 1000, 120, now + 100 * MS);
  for (guint i = 0; i < STIPPLE_FIRMWARE_REPLY_QUEUE; i++)
    send_command (f, STIPPLE_PROTO_MSG_HEARTBEAT, NULL, now + 101 * MS);
  send_command (f, STIPPLE_PROTO_MSG_DISARM, NULL, now + 102 * MS);
  g_assert_true (stipple_firmware_is_armed (&f->fw));
  g_assert_cmpuint (f->fw.commands_unanswered, ==, 1);
  send_command (f, STIPPLE_PROTO_MSG_EMERGENCY_STOP, NULL, now + 103 * MS);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
  g_assert_cmpuint (f->fw.commands_unanswered, ==, 2);
}

static void
test_usb_events (Fixture       *f,
                 gconstpointer  data)
{
  guint64 now = T0;
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  StippleProtoTreatment t;
  StippleProtoReply r;

  arm_at (f, 1000, 120, now);
  exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL, now);
  send_command (f, STIPPLE_PROTO_MSG_STATUS, NULL, now + 5 * MS);
  stipple_firmware_usb_reset (&f->fw, now + 10 * MS);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
  /* Queues emptied, telemetry stopped, treatment kept */
  g_assert_cmpuint (stipple_firmware_transmit (&f->fw, buf, sizeof buf, now + 20 * MS), ==, 0);
  g_assert_true (stipple_firmware_get_treatment (&f->fw, &t));
  g_assert_cmpuint (t.depth_um, ==, 1000);
  r = exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, now + 30 * MS);
  g_assert_cmpuint (r.body.status.disarm_reason, ==, STIPPLE_PROTO_DISARM_USB_RESET);
  g_assert_false (r.body.status.flags & STIPPLE_PROTO_STATUS_FLAG_TELEMETRY);

  now += 100 * MS;
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, now).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  stipple_firmware_usb_suspend (&f->fw, now + 10 * MS);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
  r = exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, now + 20 * MS);
  g_assert_cmpuint (r.body.status.disarm_reason, ==, STIPPLE_PROTO_DISARM_USB_SUSPEND);

  now += 100 * MS;
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, now).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  send_command (f, STIPPLE_PROTO_MSG_STATUS, NULL, now + 1 * MS);
  stipple_firmware_unplug (&f->fw, now + 10 * MS);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
  g_assert_false (stipple_firmware_is_running (&f->fw));
  g_assert_false (stipple_firmware_is_connected (&f->fw));
  /* A pen without power neither answers nor listens */
  g_assert_cmpuint (stipple_firmware_transmit (&f->fw, buf, sizeof buf, now + 20 * MS), ==, 0);
  send_command (f, STIPPLE_PROTO_MSG_ARM, NULL, now + 30 * MS);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
  g_assert_cmpuint (stipple_firmware_transmit (&f->fw, buf, sizeof buf, now + 40 * MS), ==, 0);

  /* Plugged in again: a fresh pen */
  stipple_firmware_init (&f->fw, &f->fw.config, now + 1000 * MS);
  g_assert_true (stipple_firmware_is_connected (&f->fw));
  r = exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, now + 1001 * MS);
  g_assert_cmpuint (r.body.status.state, ==, STIPPLE_PROTO_STATE_IDLE);
}

static void
test_cartridge_reused (Fixture       *f,
                       gconstpointer  data)
{
  StippleProtoTreatment t = make_treatment (1000, 120);
  StippleProtoReply r;

  r = exchange (f, STIPPLE_PROTO_MSG_CARTRIDGE_INFO, NULL, T0);
  g_assert_cmpuint (r.body.cartridge.flags, ==, STIPPLE_PROTO_CARTRIDGE_REUSED);
  g_assert_cmpuint (r.body.cartridge.use_count, ==, 1);
  r = exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, T0);
  g_assert_true (r.body.status.flags & STIPPLE_PROTO_STATUS_FLAG_REUSED);

  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_SET_TREATMENT, &t, T0).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, T0).result, ==,
                    STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
  /* Refusing to arm does not count as a use */
  r = exchange (f, STIPPLE_PROTO_MSG_CARTRIDGE_INFO, NULL, T0);
  g_assert_cmpuint (r.body.cartridge.use_count, ==, 1);
}

static void
test_cartridge_single_use (Fixture       *f,
                           gconstpointer  data)
{
  StippleProtoCartridge fresh = { .id = "CRT12-7", .lot = "L1", .needle_count = 12, .max_depth_um = 1000 };
  StippleProtoTreatment t = make_treatment (1500, 120);
  guint64 now = T0;
  StippleProtoReply r;

  /* New cartridge: the first arm records a use, arming again (the next
   * pass) does not. */
  arm_at (f, 1500, 120, now);
  exchange (f, STIPPLE_PROTO_MSG_DISARM, NULL, now + MS);
  arm_at (f, 1500, 120, now + 2 * MS);
  r = exchange (f, STIPPLE_PROTO_MSG_CARTRIDGE_INFO, NULL, now + 3 * MS);
  g_assert_cmpuint (r.body.cartridge.use_count, ==, 1);
  g_assert_cmpuint (r.body.cartridge.flags, ==, 0);

  /* Removing it while armed disarms */
  stipple_firmware_remove_cartridge (&f->fw, now + 4 * MS);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
  r = exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, now + 5 * MS);
  g_assert_cmpuint (r.body.status.disarm_reason, ==, STIPPLE_PROTO_DISARM_CARTRIDGE_REMOVED);
  g_assert_false (r.body.status.flags & STIPPLE_PROTO_STATUS_FLAG_CARTRIDGE);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_CARTRIDGE_INFO, NULL, now).result, ==,
                    STIPPLE_PROTO_RESULT_NO_CARTRIDGE);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, now).result, ==,
                    STIPPLE_PROTO_RESULT_NO_CARTRIDGE);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_SET_TREATMENT, &t, now).result, ==,
                    STIPPLE_PROTO_RESULT_NO_CARTRIDGE);

  /* A shallower cartridge: the treatment set for the old one no longer
   * arms, a new one within its maximum does. */
  stipple_firmware_insert_cartridge (&f->fw, &fresh, now + 6 * MS);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, now + 7 * MS).result, ==,
                    STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CARTRIDGE);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_SET_TREATMENT, &t, now + 8 * MS).result, ==,
                    STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CARTRIDGE);
  arm_at (f, 1000, 120, now + 9 * MS);
  r = exchange (f, STIPPLE_PROTO_MSG_CARTRIDGE_INFO, NULL, now + 10 * MS);
  g_assert_cmpstr (r.body.cartridge.id, ==, "CRT12-7");
  g_assert_cmpuint (r.body.cartridge.use_count, ==, 1);

  /* The same cartridge taken out and put back is a reused one. */
  fresh.use_count = r.body.cartridge.use_count;
  stipple_firmware_insert_cartridge (&f->fw, &fresh, now + 11 * MS);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, now + 12 * MS).result, ==,
                    STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED);
}

/* Collects telemetry by reading every packet the pen has, as a host
 * with transfers always posted would. */
typedef struct
{
  GArray *samples;
  guint packets;
  guint32 next_seq;
  guint64 dropped;
  guint replies;
} Stream;

static void
drain (Fixture *f,
       Stream  *s,
       guint64  now)
{
  g_autofree StippleProtoTelemetry *t = g_new0 (StippleProtoTelemetry, 1);
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  size_t n;

  while ((n = stipple_firmware_transmit (&f->fw, buf, sizeof buf, now)) > 0)
    {
      if (buf[1] & STIPPLE_PROTO_MSG_REPLY)
        {
          s->replies++;
          continue;
        }
      g_assert_cmpint (stipple_proto_telemetry_decode (buf, n, t), ==, STIPPLE_PROTO_STATUS_OK);
      g_assert_cmpuint (t->packet_seq, ==, s->next_seq);
      s->next_seq = t->packet_seq + 1;
      s->packets++;
      s->dropped += t->dropped;
      g_array_append_vals (s->samples, t->samples, t->count);
    }
}

static void
test_telemetry_sequence (Fixture       *f,
                         gconstpointer  data)
{
  Stream s = { g_array_new (FALSE, FALSE, sizeof (StippleProtoSample)) };
  guint64 start = T0 + 3 * MS + 40;   /* off the sample grid */

  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL, start).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  for (guint64 now = start; now <= start + 100 * MS; now += 500)
    drain (f, &s, now);

  /* 100 ms at 8 kHz, whole packets only */
  g_assert_cmpuint (s.packets, ==, 800 / 16);
  g_assert_cmpuint (s.samples->len, ==, 800);
  g_assert_cmpuint (s.dropped, ==, 0);
  for (guint i = 0; i < s.samples->len; i++)
    {
      StippleProtoSample *x = &g_array_index (s.samples, StippleProtoSample, i);

      g_assert_cmpuint (x->timestamp_us, ==, 3 * MS + 125 + i * 125);
      g_assert_cmpint (x->position_um, ==, STIPPLE_FIRMWARE_RETRACTED_UM);
      g_assert_cmpuint (x->flags, ==, 0);
    }

  /* A reply goes before telemetry that is already waiting. */
  stipple_firmware_tick (&f->fw, start + 110 * MS);
  send_command (f, STIPPLE_PROTO_MSG_STATUS, NULL, start + 110 * MS);
  {
    StippleProtoReply r = read_reply (f, STIPPLE_PROTO_MSG_STATUS, start + 110 * MS);
    g_assert_true (r.body.status.flags & STIPPLE_PROTO_STATUS_FLAG_TELEMETRY);
  }

  /* Stopping and starting again numbers packets from 0. */
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_STOP, NULL, start + 111 * MS).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL, start + 200 * MS).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  s.next_seq = 0;
  drain (f, &s, start + 210 * MS);
  g_assert_cmpuint (s.next_seq, ==, 5);

  g_array_unref (s.samples);
}

/* Sends a HEARTBEAT frame with @version and @payload_len payload bytes,
 * as a host of another version or a broken one would. */
static void
send_raw_heartbeat (Fixture *f,
                    guint8   version,
                    gsize    payload_len,
                    guint64  now)
{
  guint8 payload[4] = { 0 };
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  size_t n;
  guint32 crc;

  g_assert_cmpuint (payload_len, <=, sizeof payload);
  g_assert_cmpint (stipple_proto_frame_encode (STIPPLE_PROTO_MSG_HEARTBEAT, ++f->seq, payload,
                                               payload_len, buf, sizeof buf, &n), ==,
                   STIPPLE_PROTO_STATUS_OK);
  buf[0] = version;
  crc = stipple_proto_crc32 (buf, n - STIPPLE_PROTO_CRC_SIZE);
  for (guint i = 0; i < 4; i++)
    buf[n - 4 + i] = (guint8) (crc >> (8 * i));
  stipple_firmware_receive (&f->fw, buf, n, now);
}

/* Only a valid heartbeat feeds the watchdog, but every valid one does:
 * refused BUSY, or dropped because the reply queue is full. */
static void
test_watchdog_feeding (Fixture       *f,
                       gconstpointer  data)
{
  guint64 armed = T0 + 100 * MS;
  StippleProtoReply r;

  arm_at (f, 1500, 120, armed);
  stipple_firmware_set_fault (&f->fw, STIPPLE_FIRMWARE_FAULT_NAK, 3);
  for (guint i = 1; i <= 3; i++)
    {
      r = exchange (f, STIPPLE_PROTO_MSG_HEARTBEAT, NULL, armed + i * 200 * MS);
      g_assert_cmpuint (r.result, ==, STIPPLE_PROTO_RESULT_BUSY);
    }
  stipple_firmware_tick (&f->fw, armed + 849 * MS);
  g_assert_true (stipple_firmware_is_armed (&f->fw));

  /* A full reply queue: the heartbeats go unanswered, and still count. */
  armed += 600 * MS;
  for (guint i = 0; i < STIPPLE_FIRMWARE_REPLY_QUEUE; i++)
    send_command (f, STIPPLE_PROTO_MSG_STATUS, NULL, armed);
  for (guint i = 1; i <= 3; i++)
    send_command (f, STIPPLE_PROTO_MSG_HEARTBEAT, NULL, armed + i * 200 * MS);
  g_assert_cmpuint (f->fw.commands_unanswered, ==, 3);
  stipple_firmware_tick (&f->fw, armed + 849 * MS);
  g_assert_true (stipple_firmware_is_armed (&f->fw));
  {
    guint8 buf[STIPPLE_PROTO_MAX_FRAME];

    while (stipple_firmware_transmit (&f->fw, buf, sizeof buf, armed + 849 * MS) > 0)
      ;
  }

  /* Another version, a payload, ARM again, STATUS: none of them. */
  armed += 900 * MS;
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_DISARM, NULL, armed).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, armed).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  send_raw_heartbeat (f, 2, 0, armed + 100 * MS);
  send_raw_heartbeat (f, 1, 2, armed + 150 * MS);
  {
    guint8 buf[STIPPLE_PROTO_MAX_FRAME];
    StippleProtoReply r2;
    size_t n;

    n = stipple_firmware_transmit (&f->fw, buf, sizeof buf, armed + 150 * MS);
    g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r2), ==, STIPPLE_PROTO_STATUS_OK);
    g_assert_cmpuint (r2.result, ==, STIPPLE_PROTO_RESULT_UNSUPPORTED_VERSION);
    n = stipple_firmware_transmit (&f->fw, buf, sizeof buf, armed + 150 * MS);
    g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r2), ==, STIPPLE_PROTO_STATUS_OK);
    g_assert_cmpuint (r2.result, ==, STIPPLE_PROTO_RESULT_BAD_LENGTH);
  }
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, armed + 200 * MS).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  send_command (f, STIPPLE_PROTO_MSG_STATUS, NULL, armed + 210 * MS);
  stipple_firmware_tick (&f->fw, armed + 249 * MS);
  g_assert_true (stipple_firmware_is_armed (&f->fw));
  stipple_firmware_tick (&f->fw, armed + 250 * MS);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
}

/* A power loss with the cartridge left in does not end its treatment;
 * taking it out does. */
static void
test_cartridge_power_cycle (Fixture       *f,
                            gconstpointer  data)
{
  StippleProtoCartridge cartridge;
  guint64 now = T0 + 10 * MS;
  StippleProtoReply r;

  arm_at (f, 1500, 120, now);
  stipple_firmware_power_cycle (&f->fw, now + 100 * MS);
  f->seq = 0;
  g_assert_false (stipple_firmware_is_armed (&f->fw));
  r = exchange (f, STIPPLE_PROTO_MSG_CARTRIDGE_INFO, NULL, now + 110 * MS);
  g_assert_cmpuint (r.result, ==, STIPPLE_PROTO_RESULT_OK);
  g_assert_cmpuint (r.body.cartridge.use_count, ==, 1);
  g_assert_cmpuint (r.body.cartridge.flags, ==, 0);
  r = exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, now + 110 * MS);
  g_assert_cmpuint (r.body.status.state, ==, STIPPLE_PROTO_STATE_IDLE);
  g_assert_false (r.body.status.flags & STIPPLE_PROTO_STATUS_FLAG_REUSED);
  arm_at (f, 1500, 120, now + 120 * MS);
  r = exchange (f, STIPPLE_PROTO_MSG_CARTRIDGE_INFO, NULL, now + 130 * MS);
  g_assert_cmpuint (r.body.cartridge.use_count, ==, 1);

  /* Out and in again: used before, whether or not the power goes. */
  g_assert_true (stipple_firmware_get_cartridge (&f->fw, &cartridge));
  stipple_firmware_remove_cartridge (&f->fw, now + 140 * MS);
  stipple_firmware_insert_cartridge (&f->fw, &cartridge, now + 150 * MS);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, now + 160 * MS).result, ==,
                    STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED);
  stipple_firmware_power_cycle (&f->fw, now + 200 * MS);
  f->seq = 0;
  r = exchange (f, STIPPLE_PROTO_MSG_CARTRIDGE_INFO, NULL, now + 210 * MS);
  g_assert_cmpuint (r.body.cartridge.flags, ==, STIPPLE_PROTO_CARTRIDGE_REUSED);
  {
    StippleProtoTreatment t = make_treatment (1500, 120);

    g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_SET_TREATMENT, &t, now + 220 * MS).result, ==,
                      STIPPLE_PROTO_RESULT_OK);
  }
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, now + 230 * MS).result, ==,
                    STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED);

  /* Powered up without a cartridge, then given a new one. */
  stipple_firmware_remove_cartridge (&f->fw, now + 240 * MS);
  stipple_firmware_power_cycle (&f->fw, now + 250 * MS);
  f->seq = 0;
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_CARTRIDGE_INFO, NULL, now + 260 * MS).result, ==,
                    STIPPLE_PROTO_RESULT_NO_CARTRIDGE);
}

/* A retried TELEMETRY_START is harmless; nothing follows a STOP's reply. */
static void
test_telemetry_start_stop (Fixture       *f,
                           gconstpointer  data)
{
  Stream s = { g_array_new (FALSE, FALSE, sizeof (StippleProtoSample)) };
  guint64 start = T0 + 7 * MS;
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  StippleProtoReply r;

  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL, start).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  drain (f, &s, start + 10 * MS);
  g_assert_cmpuint (s.next_seq, ==, 5);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL, start + 10 * MS).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  /* drain() asserts the sequence goes on from 5 */
  drain (f, &s, start + 20 * MS);
  g_assert_cmpuint (s.next_seq, ==, 10);
  g_assert_cmpuint (s.dropped, ==, 0);

  /* Samples wait when the STOP arrives: the reply comes, then nothing. */
  stipple_firmware_tick (&f->fw, start + 23 * MS);
  r = exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_STOP, NULL, start + 23 * MS);
  g_assert_cmpuint (r.result, ==, STIPPLE_PROTO_RESULT_OK);
  g_assert_cmpuint (stipple_firmware_transmit (&f->fw, buf, sizeof buf, start + 100 * MS), ==, 0);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_STOP, NULL, start + 101 * MS).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  r = exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, start + 102 * MS);
  g_assert_false (r.body.status.flags & STIPPLE_PROTO_STATUS_FLAG_TELEMETRY);
  /* Discarded, not lost */
  g_assert_cmpuint (r.body.status.dropped_samples, ==, 0);

  g_array_unref (s.samples);
}

static void
test_telemetry_loss (Fixture       *f,
                     gconstpointer  data)
{
  Stream s = { g_array_new (FALSE, FALSE, sizeof (StippleProtoSample)) };
  guint64 start = T0;
  StippleProtoReply r;
  StippleProtoSample *first;

  exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL, start);
  /* The host posts nothing for 100 ms: 801 samples due, 256 kept. */
  drain (f, &s, start + 100 * MS);
  g_assert_cmpuint (s.samples->len, ==, 256);
  g_assert_cmpuint (s.dropped, ==, 801 - 256);
  /* The loss is reported in the very first packet */
  first = &g_array_index (s.samples, StippleProtoSample, 0);
  g_assert_cmpuint (first->timestamp_us, ==, 100 * MS - 255 * 125);

  r = exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, start + 100 * MS);
  g_assert_cmpuint (r.body.status.dropped_samples, ==, 801 - 256);

  /* A long silence costs no time and is counted the same way. */
  drain (f, &s, start + 100 * MS + (guint64) 3600 * G_USEC_PER_SEC);
  g_assert_cmpuint (s.dropped, ==, (801 - 256) + (3600 * 8000 - 256));

  /* Ten days: more than 2^32 samples. The count stops at its maximum
   * rather than wrap round to a small, reassuring number. */
  drain (f, &s, start + (guint64) 10 * 24 * 3600 * G_USEC_PER_SEC);
  r = exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, start + (guint64) 10 * 24 * 3600 * G_USEC_PER_SEC);
  g_assert_cmpuint (r.body.status.dropped_samples, ==, G_MAXUINT32);
  g_array_unref (s.samples);
}

static void
test_waveform (Fixture       *f,
               gconstpointer  data)
{
  const guint16 depth = 1500, rate = 120;
  Stream s = { g_array_new (FALSE, FALSE, sizeof (StippleProtoSample)) };
  guint64 armed = T0 + 50 * MS;
  guint strokes = 0, crossings = 0, distinct_peaks = 0;
  gint32 peak = G_MININT32, last_peak = 0, lowest = G_MAXINT32;
  gdouble first_crossing = 0, last_crossing = 0;

  exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL, armed);
  arm_at (f, depth, rate, armed);
  for (guint64 now = armed; now < armed + 1000 * MS; now += MS)
    {
      if ((now - armed) % (100 * MS) == 0)
        exchange (f, STIPPLE_PROTO_MSG_HEARTBEAT, NULL, now);
      drain (f, &s, now);
    }
  g_assert_cmpuint (s.dropped, ==, 0);
  g_assert_cmpuint (s.samples->len, >=, 7900);

  for (guint i = 1; i < s.samples->len; i++)
    {
      StippleProtoSample *prev = &g_array_index (s.samples, StippleProtoSample, i - 1);
      StippleProtoSample *x = &g_array_index (s.samples, StippleProtoSample, i);

      g_assert_true (x->flags & STIPPLE_PROTO_SAMPLE_RUNNING);
      /* Contact exactly while the tip is past the face, load with depth */
      g_assert_cmpint (!!(x->flags & STIPPLE_PROTO_SAMPLE_CONTACT), ==, x->position_um > 0);
      g_assert_cmpuint (x->load, ==,
                        x->position_um > 0 ? x->position_um * STIPPLE_FIRMWARE_LOAD_PER_UM : 0);
      lowest = MIN (lowest, x->position_um);

      if (x->stroke_count != prev->stroke_count)
        {
          /* A stroke ended: its deepest point is the commanded depth,
           * within the variance and the 125 µs sampling. */
          g_assert_cmpuint (x->stroke_count, ==, prev->stroke_count + 1);
          g_assert_cmpint (ABS (peak - depth), <=, STIPPLE_FIRMWARE_DEPTH_VARIANCE_UM + 5);
          if (peak != last_peak)
            distinct_peaks++;
          last_peak = peak;
          peak = G_MININT32;
          strokes++;
        }
      peak = MAX (peak, x->position_um);

      if (prev->position_um <= 0 && x->position_um > 0)
        {
          last_crossing = x->timestamp_us;
          if (crossings == 0)
            first_crossing = x->timestamp_us;
          crossings++;
        }
    }

  /* The needle retracts fully on every stroke */
  g_assert_cmpint (lowest, <=, STIPPLE_FIRMWARE_RETRACTED_UM + 2);
  /* One second at the set rate */
  g_assert_cmpuint (strokes, >=, rate - 2);
  g_assert_cmpuint (strokes, <=, rate);
  g_assert_cmpfloat_with_epsilon ((crossings - 1) / ((last_crossing - first_crossing) / 1e6), rate, 0.5);
  /* The depth varies a little from stroke to stroke */
  g_assert_cmpuint (distinct_peaks, >, strokes / 2);

  /* Lifted off the skin: the needle moves but touches nothing. */
  stipple_firmware_set_on_skin (&f->fw, 0, armed + 1000 * MS);
  g_array_set_size (s.samples, 0);
  exchange (f, STIPPLE_PROTO_MSG_HEARTBEAT, NULL, armed + 1000 * MS);
  for (guint64 now = armed + 1000 * MS; now <= armed + 1050 * MS; now += MS)
    drain (f, &s, now);
  g_assert_cmpuint (s.dropped, ==, 0);
  g_assert_cmpuint (s.samples->len, >, 300);
  {
    gint32 deepest = G_MININT32;

    for (guint i = 0; i < s.samples->len; i++)
      {
        StippleProtoSample *x = &g_array_index (s.samples, StippleProtoSample, i);

        if (x->timestamp_us <= armed + 1000 * MS - T0)
          continue;
        deepest = MAX (deepest, x->position_um);
        g_assert_false (x->flags & STIPPLE_PROTO_SAMPLE_CONTACT);
        g_assert_cmpuint (x->load, ==, 0);
      }
    g_assert_cmpint (deepest, >, depth - 50);
  }

  g_array_unref (s.samples);
}

/* At the hard cap the variance only goes shallower: the cap is the
 * needle's mechanical stop. */
static void
test_waveform_hard_cap (Fixture       *f,
                        gconstpointer  data)
{
  StippleProtoCartridge deep = { .id = "CRT36-1", .lot = "L9", .needle_count = 36, .max_depth_um = 2500 };
  Stream s = { g_array_new (FALSE, FALSE, sizeof (StippleProtoSample)) };
  gint32 deepest = G_MININT32;

  stipple_firmware_insert_cartridge (&f->fw, &deep, T0);
  exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL, T0);
  arm_at (f, 2500, 150, T0);
  for (guint64 now = T0; now <= T0 + 200 * MS; now += MS)
    drain (f, &s, now);
  g_assert_cmpuint (s.samples->len, >, 1500);
  for (guint i = 0; i < s.samples->len; i++)
    deepest = MAX (deepest, g_array_index (s.samples, StippleProtoSample, i).position_um);
  g_assert_cmpint (deepest, <=, 2500);
  g_assert_cmpint (deepest, >=, 2490);
  g_array_unref (s.samples);
}

static void
test_fault_drop_corrupt (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree StippleProtoTelemetry *t = g_new0 (StippleProtoTelemetry, 1);
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  StippleProtoReply r;
  size_t n;

  /* A dropped reply never arrives; the next one does. */
  stipple_firmware_set_fault (&f->fw, STIPPLE_FIRMWARE_FAULT_DROP, 1);
  send_command (f, STIPPLE_PROTO_MSG_STATUS, NULL, T0);
  g_assert_cmpuint (stipple_firmware_transmit (&f->fw, buf, sizeof buf, T0), ==, 0);
  exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, T0);

  /* A corrupt reply fails its CRC; the next one is intact. */
  stipple_firmware_set_fault (&f->fw, STIPPLE_FIRMWARE_FAULT_CORRUPT, 1);
  send_command (f, STIPPLE_PROTO_MSG_IDENTIFY, NULL, T0);
  n = stipple_firmware_transmit (&f->fw, buf, sizeof buf, T0);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r), ==, STIPPLE_PROTO_STATUS_BAD_CRC);
  exchange (f, STIPPLE_PROTO_MSG_IDENTIFY, NULL, T0);

  /* In telemetry both show as a gap in the packet sequence. */
  exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL, T0);
  stipple_firmware_set_fault (&f->fw, STIPPLE_FIRMWARE_FAULT_DROP, 2);
  n = stipple_firmware_transmit (&f->fw, buf, sizeof buf, T0 + 6 * MS);
  g_assert_cmpint (stipple_proto_telemetry_decode (buf, n, t), ==, STIPPLE_PROTO_STATUS_OK);
  g_assert_cmpuint (t->packet_seq, ==, 2);
  stipple_firmware_set_fault (&f->fw, STIPPLE_FIRMWARE_FAULT_CORRUPT, 1);
  n = stipple_firmware_transmit (&f->fw, buf, sizeof buf, T0 + 8 * MS);
  g_assert_cmpint (stipple_proto_telemetry_decode (buf, n, t), ==, STIPPLE_PROTO_STATUS_BAD_CRC);
  n = stipple_firmware_transmit (&f->fw, buf, sizeof buf, T0 + 10 * MS);
  g_assert_cmpint (stipple_proto_telemetry_decode (buf, n, t), ==, STIPPLE_PROTO_STATUS_OK);
  g_assert_cmpuint (t->packet_seq, ==, 4);
}

static void
test_fault_stall (Fixture       *f,
                  gconstpointer  data)
{
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];

  stipple_firmware_set_fault (&f->fw, STIPPLE_FIRMWARE_FAULT_STALL, 1);
  g_assert_true (stipple_firmware_is_halted (&f->fw));
  send_command (f, STIPPLE_PROTO_MSG_STATUS, NULL, T0);
  g_assert_cmpuint (stipple_firmware_transmit (&f->fw, buf, sizeof buf, T0 + MS), ==, 0);
  g_assert_cmpuint (stipple_firmware_transmit (&f->fw, buf, sizeof buf, T0 + 2 * MS), ==, 0);
  /* The reply waited behind the halt */
  stipple_firmware_clear_halt (&f->fw);
  g_assert_false (stipple_firmware_is_halted (&f->fw));
  read_reply (f, STIPPLE_PROTO_MSG_STATUS, T0 + 3 * MS);

  /* A bus reset clears it too */
  stipple_firmware_set_fault (&f->fw, STIPPLE_FIRMWARE_FAULT_STALL, 1);
  stipple_firmware_usb_reset (&f->fw, T0 + 4 * MS);
  g_assert_false (stipple_firmware_is_halted (&f->fw));
  exchange (f, STIPPLE_PROTO_MSG_STATUS, NULL, T0 + 5 * MS);

  /* A buffer too small for the packet leaves it queued */
  send_command (f, STIPPLE_PROTO_MSG_IDENTIFY, NULL, T0 + 6 * MS);
  g_assert_cmpuint (stipple_firmware_transmit (&f->fw, buf, 16, T0 + 6 * MS), ==, 0);
  read_reply (f, STIPPLE_PROTO_MSG_IDENTIFY, T0 + 6 * MS);
}

static void
test_fault_nak (Fixture       *f,
                gconstpointer  data)
{
  StippleProtoTreatment t = make_treatment (1000, 120);
  StippleProtoReply r;

  stipple_firmware_set_fault (&f->fw, STIPPLE_FIRMWARE_FAULT_NAK, 1);
  r = exchange (f, STIPPLE_PROTO_MSG_SET_TREATMENT, &t, T0);
  g_assert_cmpuint (r.result, ==, STIPPLE_PROTO_RESULT_BUSY);
  /* Refused means not executed */
  g_assert_false (stipple_firmware_get_treatment (&f->fw, &t));
  t = make_treatment (1000, 120);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_SET_TREATMENT, &t, T0).result, ==,
                    STIPPLE_PROTO_RESULT_OK);

  stipple_firmware_set_nak_result (&f->fw, STIPPLE_PROTO_RESULT_NO_CARTRIDGE);
  stipple_firmware_set_fault (&f->fw, STIPPLE_FIRMWARE_FAULT_NAK, 2);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, T0).result, ==,
                    STIPPLE_PROTO_RESULT_NO_CARTRIDGE);
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, T0).result, ==,
                    STIPPLE_PROTO_RESULT_NO_CARTRIDGE);
  g_assert_false (stipple_firmware_is_armed (&f->fw));
  g_assert_cmpuint (exchange (f, STIPPLE_PROTO_MSG_ARM, NULL, T0).result, ==,
                    STIPPLE_PROTO_RESULT_OK);
  g_assert_true (stipple_firmware_is_armed (&f->fw));
}

static void
test_bad_frames (Fixture       *f,
                 gconstpointer  data)
{
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  guint8 payload[4] = { 0 };
  StippleProtoReply r;
  size_t n;

  /* Not a frame: discarded unanswered */
  stipple_proto_frame_encode (STIPPLE_PROTO_MSG_STATUS, 40, NULL, 0, buf, sizeof buf, &n);
  buf[n - 1] ^= 1;
  stipple_firmware_receive (&f->fw, buf, n, T0);
  stipple_firmware_receive (&f->fw, buf, 3, T0);
  stipple_firmware_receive (&f->fw, NULL, 0, T0);
  g_assert_cmpuint (f->fw.frames_discarded, ==, 3);
  g_assert_cmpuint (stipple_firmware_transmit (&f->fw, buf, sizeof buf, T0), ==, 0);

  /* Unknown command */
  stipple_proto_frame_encode (0x33, 41, NULL, 0, buf, sizeof buf, &n);
  stipple_firmware_receive (&f->fw, buf, n, T0);
  n = stipple_firmware_transmit (&f->fw, buf, sizeof buf, T0);
  g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r), ==, STIPPLE_PROTO_STATUS_OK);
  g_assert_cmpuint (r.type, ==, 0xb3);
  g_assert_cmpuint (r.seq, ==, 41);
  g_assert_cmpuint (r.result, ==, STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND);

  /* Known command, wrong payload */
  stipple_proto_frame_encode (STIPPLE_PROTO_MSG_ARM, 42, payload, sizeof payload, buf, sizeof buf, &n);
  stipple_firmware_receive (&f->fw, buf, n, T0);
  n = stipple_firmware_transmit (&f->fw, buf, sizeof buf, T0);
  g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r), ==, STIPPLE_PROTO_STATUS_OK);
  g_assert_cmpuint (r.result, ==, STIPPLE_PROTO_RESULT_BAD_LENGTH);
  g_assert_false (stipple_firmware_is_armed (&f->fw));

  /* Another protocol version */
  stipple_proto_frame_encode (STIPPLE_PROTO_MSG_IDENTIFY, 43, NULL, 0, buf, sizeof buf, &n);
  buf[0] = 7;
  {
    guint32 crc = stipple_proto_crc32 (buf, 6);

    for (guint i = 0; i < 4; i++)
      buf[6 + i] = (guint8) (crc >> (8 * i));
  }
  stipple_firmware_receive (&f->fw, buf, n, T0);
  n = stipple_firmware_transmit (&f->fw, buf, sizeof buf, T0);
  g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r), ==, STIPPLE_PROTO_STATUS_OK);
  g_assert_cmpuint (r.type, ==, STIPPLE_PROTO_MSG_IDENTIFY | STIPPLE_PROTO_MSG_REPLY);
  g_assert_cmpuint (r.seq, ==, 43);
  g_assert_cmpuint (r.result, ==, STIPPLE_PROTO_RESULT_UNSUPPORTED_VERSION);
}

/* Same seed, same needle; another seed, another needle. */
static void
test_deterministic (void)
{
  StippleFirmwareConfig config;
  guint8 a[STIPPLE_PROTO_MAX_FRAME], b[STIPPLE_PROTO_MAX_FRAME];
  Fixture *x = g_new0 (Fixture, 1), *y = g_new0 (Fixture, 1);
  gboolean differ = FALSE;

  stipple_firmware_config_init_default (&config);
  stipple_firmware_init (&x->fw, &config, T0);
  stipple_firmware_init (&y->fw, &config, T0);
  for (Fixture *f = x; f != NULL; f = f == x ? y : NULL)
    {
      exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL, T0);
      arm_at (f, 1200, 100, T0);
    }
  for (guint64 now = T0; now < T0 + 200 * MS; now += 2 * MS)
    {
      size_t na = stipple_firmware_transmit (&x->fw, a, sizeof a, now);
      size_t nb = stipple_firmware_transmit (&y->fw, b, sizeof b, now);

      g_assert_cmpmem (a, na, b, nb);
    }

  config.seed = 2;
  stipple_firmware_init (&y->fw, &config, T0);
  y->seq = 0;
  stipple_firmware_init (&x->fw, NULL, T0);
  x->seq = 0;
  for (Fixture *f = x; f != NULL; f = f == x ? y : NULL)
    {
      exchange (f, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL, T0);
      arm_at (f, 1200, 100, T0);
    }
  for (guint64 now = T0; now < T0 + 200 * MS; now += 2 * MS)
    {
      size_t na = stipple_firmware_transmit (&x->fw, a, sizeof a, now);
      size_t nb = stipple_firmware_transmit (&y->fw, b, sizeof b, now);

      differ |= na != nb || memcmp (a, b, na) != 0;
    }
  g_assert_true (differ);

  g_free (x);
  g_free (y);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/stipple/firmware/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("identify", test_identify, NULL);
  ADD ("limits", test_limits, NULL);
  ADD ("watchdog", test_watchdog, NULL);
  ADD ("watchdog-feeding", test_watchdog_feeding, NULL);
  ADD ("emergency-stop", test_emergency_stop, NULL);
  ADD ("usb-events", test_usb_events, NULL);
  ADD ("cartridge-reused", test_cartridge_reused, GUINT_TO_POINTER (1));
  ADD ("cartridge-single-use", test_cartridge_single_use, NULL);
  ADD ("cartridge-power-cycle", test_cartridge_power_cycle, NULL);
  ADD ("telemetry-sequence", test_telemetry_sequence, NULL);
  ADD ("telemetry-loss", test_telemetry_loss, NULL);
  ADD ("telemetry-start-stop", test_telemetry_start_stop, NULL);
  ADD ("waveform", test_waveform, NULL);
  ADD ("waveform-hard-cap", test_waveform_hard_cap, NULL);
  ADD ("fault-drop-corrupt", test_fault_drop_corrupt, NULL);
  ADD ("fault-stall", test_fault_stall, NULL);
  ADD ("fault-nak", test_fault_nak, NULL);
  ADD ("bad-frames", test_bad_frames, NULL);
  g_test_add_func ("/stipple/firmware/deterministic", test_deterministic);

#undef ADD

  return g_test_run ();
}
