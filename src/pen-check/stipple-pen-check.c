/* stipple-pen-check.c: a pen's conformance to docs/pen-protocol.md
 *
 * Talks to one pen over libusb, synchronously, and runs the clauses of
 * the protocol document that a host can check from the cable: framing
 * and the order of frame checks, refusals, the state table, the
 * watchdog, the reply queue, telemetry rate and loss reporting, reply
 * times. Prints one line per clause, "PASS <section> <clause> <title>"
 * or "FAIL <section> <clause> <title>: <what was seen>", and exits 1 if
 * any clause failed (2 if the pen could not be checked at all).
 *
 * Time is the host's monotonic clock. A pen receives a command no
 * earlier than the host starts sending it and no later than the OUT
 * transfer completes, so every timing verdict below is drawn only where
 * that uncertainty cannot change it: a slow host makes a check longer,
 * never wrong.
 *
 * The check arms the pen: use a new test cartridge, it counts as used
 * afterwards. Keep the pen off the skin.
 *
 * Kept in one file, over the usual 1,000 lines: a program of its own,
 * whose clauses follow the protocol document's sections in order, so
 * that a pen maker reads a failed clause's code next to its text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-pen-check"

#include "config.h"

#include <glib.h>
#include <libusb.h>
#include <stdio.h>
#include <string.h>

#include "stipple-proto.h"

/* docs/pen-protocol.md, section 7 */
#define REPLY_DEADLINE_US   20000
#define REPLY_TIMEOUT_MS    100
#define WATCHDOG_US         STIPPLE_PROTO_WATCHDOG_US
#define HEARTBEAT_PERIOD_US 100000
#define SAMPLE_PERIOD_US    125
#define MIN_SAMPLE_QUEUE    256
#define MIN_REPLY_QUEUE     8

typedef struct
{
  const char *id;          /* "6.9" */
  const char *title;
  gboolean    checked;
  gboolean    failed;
  char       *why;
} Clause;

static Clause clauses[] = {
  { "1.1", "bcdDevice is the firmware version in BCD" },
  { "2.1", "a reply carries its command's sequence number" },
  { "2.2", "a reserved byte not zero is refused BAD_LENGTH" },
  { "2.3", "serial and cartridge id are not empty" },
  { "2.4", "a transfer that is not a frame is discarded unanswered" },
  { "2.5", "another version is answered UNSUPPORTED_VERSION, type | 0x80" },
  { "2.6", "frame checks in the documented order" },
  { "3.1", "an unknown command is answered UNKNOWN_COMMAND" },
  { "3.2", "a reply-typed command is answered UNKNOWN_COMMAND" },
  { "3.4", "identity: protocol 1, 8000 samples/s, 1-30 per packet, stable" },
  { "3.6", "status state and RUNNING agree" },
  { "4.2", "EMERGENCY_STOP is never answered BUSY" },
  { "5.1", "telemetry at 8000 samples/s (to a few percent), 125 us apart" },
  { "5.2", "every packet carries the identity's samples per packet" },
  { "5.4", "telemetry frames carry sequence 0, none while stopped" },
  { "5.5", "a full sample queue loses samples and reports them" },
  { "5.6", "the lost field is exact" },
  { "5.7", "TELEMETRY_START numbers from 0, again while streaming changes nothing" },
  { "5.8", "nothing follows the TELEMETRY_STOP reply" },
  { "5.9", "a reply goes before pending telemetry" },
  { "6.1", "SET_TREATMENT limits checked in the documented order" },
  { "6.2", "a refused treatment changes nothing" },
  { "6.3", "the treatment is read back exactly as sent" },
  { "6.4", "ARM without a treatment is NOT_CONFIGURED" },
  { "6.5", "ARM while armed is OK and does not feed the watchdog" },
  { "6.9", "the watchdog disarms at 250 ms, fed only by valid HEARTBEATs" },
  { "6.10", "a late HEARTBEAT finds the pen disarmed and says so" },
  { "6.11", "EMERGENCY_STOP disarms and clears the treatment" },
  { "6.14", "8 replies are queued; a full queue still obeys EMERGENCY_STOP" },
  { "6.15", "a repeated command leaves the same state" },
  { "6.16", "state table" },
  { "7.1", "replies within 20 ms" },
};

typedef struct
{
  libusb_device_handle *handle;
  guint16               seq;
  StippleProtoIdentity  identity;
  StippleProtoCartridge cartridge;
  StippleProtoTreatment good;          /* a treatment the pen must accept */
  gboolean              verbose;
  /* best reply time seen per command type, µs */
  gint64                best_latency[STIPPLE_PROTO_MSG_LAST_COMMAND + 1];
  /* telemetry seen while a reply was awaited, and the losses it reported */
  guint                 stray_telemetry;
  guint64               stray_lost;
  gboolean              io_failed;
} Check;

static Clause *
clause (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (clauses); i++)
    if (strcmp (clauses[i].id, id) == 0)
      return &clauses[i];
  g_error ("no clause %s", id);
}

static void
pass (const char *id)
{
  clause (id)->checked = TRUE;
}

G_GNUC_PRINTF (2, 3)
static void
fail (const char *id,
      const char *format,
      ...)
{
  Clause *c = clause (id);
  va_list args;

  c->checked = TRUE;
  if (c->failed)
    return;
  c->failed = TRUE;
  va_start (args, format);
  c->why = g_strdup_vprintf (format, args);
  va_end (args);
}

/* expect: marks @id failed with the message unless @cond holds. */
#define expect(id, cond, ...) \
  G_STMT_START { if (cond) pass (id); else fail (id, __VA_ARGS__); } G_STMT_END

/* ---- I/O ---------------------------------------------------------------- */

static gboolean
send_bytes (Check        *c,
            const guint8 *buf,
            gsize         len,
            gint64       *started,
            gint64       *completed)
{
  int done = 0;
  int r;

  if (started != NULL)
    *started = g_get_monotonic_time ();
  r = libusb_bulk_transfer (c->handle, STIPPLE_PROTO_EP_OUT, (guint8 *) buf, (int) len, &done,
                            1000);
  if (completed != NULL)
    *completed = g_get_monotonic_time ();
  if (r != 0 || (gsize) done != len)
    {
      g_printerr ("stipple-pen-check: sending to the pen failed: %s\n", libusb_strerror (r));
      c->io_failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

/* One IN transfer, or 0 bytes after @timeout_ms. */
static gsize
read_frame (Check  *c,
            guint8  buf[STIPPLE_PROTO_MAX_FRAME],
            guint   timeout_ms)
{
  int n = 0;
  int r = libusb_bulk_transfer (c->handle, STIPPLE_PROTO_EP_IN, buf, STIPPLE_PROTO_MAX_FRAME,
                                &n, timeout_ms);

  if (r == LIBUSB_ERROR_TIMEOUT)
    return 0;
  if (r != 0)
    {
      g_printerr ("stipple-pen-check: reading from the pen failed: %s\n", libusb_strerror (r));
      c->io_failed = TRUE;
      return 0;
    }
  return (gsize) n;
}

static gboolean
is_telemetry (const guint8 *buf,
              gsize         len)
{
  return len >= STIPPLE_PROTO_OVERHEAD && buf[1] == STIPPLE_PROTO_MSG_TELEMETRY;
}

/* Reads until the reply with @seq arrives; telemetry in between is
 * counted, other replies are a 2.1 failure. Returns FALSE on time-out. */
static gboolean
await_reply (Check             *c,
             guint16            seq,
             StippleProtoReply *reply,
             gint64            *arrived)
{
  gint64 deadline = g_get_monotonic_time () + REPLY_TIMEOUT_MS * 1000;
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];

  while (!c->io_failed)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      gsize n;

      if (left <= 0)
        return FALSE;
      n = read_frame (c, buf, (guint) MAX (left / 1000, 1));
      if (n == 0)
        continue;
      if (arrived != NULL)
        *arrived = g_get_monotonic_time ();
      if (is_telemetry (buf, n))
        {
          c->stray_telemetry++;
          if (n >= STIPPLE_PROTO_HEADER_SIZE + 8)
            c->stray_lost += (guint32) (buf[10] | buf[11] << 8 | buf[12] << 16 | (guint32) buf[13] << 24);
          continue;
        }
      if (stipple_proto_reply_decode (buf, n, reply) != STIPPLE_PROTO_STATUS_OK)
        {
          fail ("2.1", "a reply that does not decode (%" G_GSIZE_FORMAT " bytes)", n);
          continue;
        }
      if (reply->seq != seq)
        {
          fail ("2.1", "reply 0x%02x with sequence %u while waiting for %u", reply->type,
                reply->seq, seq);
          continue;
        }
      pass ("2.1");
      return TRUE;
    }
  return FALSE;
}

static guint16
next_seq (Check *c)
{
  if (++c->seq == 0)
    c->seq = 1;
  return c->seq;
}

static gboolean
send_command (Check                       *c,
              guint8                       type,
              const StippleProtoTreatment *treatment,
              gint64                      *completed)
{
  StippleProtoCommand command = { 0 };
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  size_t len;

  command.type = type;
  command.seq = next_seq (c);
  if (treatment != NULL)
    command.treatment = *treatment;
  if (stipple_proto_command_encode (&command, buf, sizeof buf, &len) != STIPPLE_PROTO_STATUS_OK)
    g_error ("cannot encode command 0x%02x", type);
  return send_bytes (c, buf, len, NULL, completed);
}

/* Sends a command and waits for its reply; records the reply time. A
 * missing reply is returned as result 0xff. */
static StippleProtoReply
exchange_full (Check                       *c,
               guint8                       type,
               const StippleProtoTreatment *treatment,
               gint64                      *sent_at)
{
  StippleProtoReply reply = { 0 };
  gint64 completed = 0, arrived = 0;

  reply.result = 0xff;
  if (!send_command (c, type, treatment, &completed))
    return reply;
  if (sent_at != NULL)
    *sent_at = completed;
  if (!await_reply (c, c->seq, &reply, &arrived))
    {
      fail ("7.1", "no reply to command 0x%02x within %d ms", type, REPLY_TIMEOUT_MS);
      reply.result = 0xff;
      return reply;
    }
  if (type <= STIPPLE_PROTO_MSG_LAST_COMMAND &&
      (c->best_latency[type] == 0 || arrived - completed < c->best_latency[type]))
    c->best_latency[type] = MAX (arrived - completed, 1);
  if (type == STIPPLE_PROTO_MSG_EMERGENCY_STOP)
    expect ("4.2", reply.result != STIPPLE_PROTO_RESULT_BUSY, "EMERGENCY_STOP answered BUSY");
  if (reply.type != (type | STIPPLE_PROTO_MSG_REPLY))
    fail ("2.1", "command 0x%02x answered with type 0x%02x", type, reply.type);
  return reply;
}

static StippleProtoReply
exchange (Check                       *c,
          guint8                       type,
          const StippleProtoTreatment *treatment)
{
  return exchange_full (c, type, treatment, NULL);
}

/* Sends a hand-made frame: version, type and payload as given, the
 * length field and CRC right unless told otherwise. */
static StippleProtoReply
exchange_raw (Check        *c,
              guint8        version,
              guint8        type,
              const guint8 *payload,
              gsize         payload_len)
{
  StippleProtoReply reply = { 0 };
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  size_t len;
  guint32 crc;

  g_assert (stipple_proto_frame_encode (type, next_seq (c), payload, payload_len, buf,
                                        sizeof buf, &len) == STIPPLE_PROTO_STATUS_OK);
  buf[0] = version;
  crc = stipple_proto_crc32 (buf, len - STIPPLE_PROTO_CRC_SIZE);
  for (guint i = 0; i < 4; i++)
    buf[len - 4 + i] = (guint8) (crc >> (8 * i));
  reply.result = 0xff;
  if (!send_bytes (c, buf, len, NULL, NULL))
    return reply;
  if (!await_reply (c, c->seq, &reply, NULL))
    reply.result = 0xff;
  return reply;
}

static void
drain (Check *c,
       guint  quiet_ms)
{
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];

  while (!c->io_failed && read_frame (c, buf, quiet_ms) > 0)
    ;
}

static StippleProtoPenStatus
status (Check *c)
{
  StippleProtoReply r = exchange (c, STIPPLE_PROTO_MSG_STATUS, NULL);

  if (r.result != STIPPLE_PROTO_RESULT_OK)
    {
      memset (&r.body.status, 0, sizeof r.body.status);
      r.body.status.state = 0xff;
    }
  return r.body.status;
}

static gboolean
treatment_equal (const StippleProtoTreatment *a,
                 const StippleProtoTreatment *b)
{
  return a->zone_id == b->zone_id && a->depth_um == b->depth_um &&
         a->rate_hz == b->rate_hz && a->passes == b->passes;
}

static const char *
result_name (guint8 result)
{
  return result == 0xff ? "no reply" : stipple_proto_result_to_string (result);
}

/* Checks a result and the state that follows against the state table. */
static void
expect_transition (Check       *c,
                   const char  *what,
                   guint8       result,
                   guint8       want_result,
                   guint8       want_state)
{
  StippleProtoPenStatus s;

  if (result != want_result)
    {
      fail ("6.16", "%s: %s, the table says %s", what, result_name (result),
            result_name (want_result));
      return;
    }
  s = status (c);
  expect ("6.16", s.state == want_state, "%s: state %u afterwards, the table says %u", what,
          s.state, want_state);
  expect ("3.6", (s.state == STIPPLE_PROTO_STATE_ARMED) ==
                 ((s.flags & STIPPLE_PROTO_STATUS_FLAG_RUNNING) != 0),
          "state %u with RUNNING %s", s.state,
          (s.flags & STIPPLE_PROTO_STATUS_FLAG_RUNNING) ? "set" : "clear");
}

/* ---- the checks ----------------------------------------------------------- */

static gboolean
check_identity (Check                *c,
                libusb_device_handle *handle)
{
  struct libusb_device_descriptor desc;
  StippleProtoReply a, b;
  guint major, minor;

  a = exchange (c, STIPPLE_PROTO_MSG_IDENTIFY, NULL);
  b = exchange (c, STIPPLE_PROTO_MSG_IDENTIFY, NULL);
  if (a.result != STIPPLE_PROTO_RESULT_OK || b.result != STIPPLE_PROTO_RESULT_OK)
    {
      g_printerr ("stipple-pen-check: the pen does not identify itself (%s)\n",
                  result_name (a.result));
      return FALSE;
    }
  c->identity = a.body.identity;
  expect ("3.4", memcmp (&a.body.identity, &b.body.identity, sizeof a.body.identity) == 0,
          "two IDENTIFY replies differ");
  expect ("3.4", c->identity.protocol_version == 1, "protocol version %u",
          c->identity.protocol_version);
  expect ("3.4", c->identity.sample_rate_hz == 8000, "sample rate %u",
          c->identity.sample_rate_hz);
  expect ("3.4", c->identity.samples_per_packet >= 1 && c->identity.samples_per_packet <= 30,
          "%u samples per packet", c->identity.samples_per_packet);
  expect ("3.4", c->identity.depth_step_um >= 1 &&
                 c->identity.depth_min_um <= c->identity.depth_max_um &&
                 c->identity.rate_min_hz <= c->identity.rate_max_hz,
          "depth %u-%u step %u, rate %u-%u", c->identity.depth_min_um,
          c->identity.depth_max_um, c->identity.depth_step_um, c->identity.rate_min_hz,
          c->identity.rate_max_hz);
  expect ("2.3", c->identity.serial[0] != '\0', "empty serial");

  major = c->identity.firmware_version >> 8;
  minor = c->identity.firmware_version & 0xff;
  if (libusb_get_device_descriptor (libusb_get_device (handle), &desc) == 0)
    expect ("1.1", major < 100 && minor < 100 &&
                   desc.bcdDevice == ((major / 10) << 12 | (major % 10) << 8 |
                                      (minor / 10) << 4 | (minor % 10)),
            "bcdDevice 0x%04x for firmware %u.%u", desc.bcdDevice, major, minor);
  return TRUE;
}

static gboolean
check_cartridge (Check *c)
{
  StippleProtoReply r = exchange (c, STIPPLE_PROTO_MSG_CARTRIDGE_INFO, NULL);
  const StippleProtoIdentity *id = &c->identity;
  guint top;

  if (r.result != STIPPLE_PROTO_RESULT_OK || (r.body.cartridge.flags & STIPPLE_PROTO_CARTRIDGE_REUSED))
    {
      g_printerr ("stipple-pen-check: insert a new cartridge (CARTRIDGE_INFO: %s%s)\n",
                  result_name (r.result),
                  r.result == STIPPLE_PROTO_RESULT_OK ? ", used before" : "");
      return FALSE;
    }
  c->cartridge = r.body.cartridge;
  expect ("2.3", c->cartridge.id[0] != '\0', "empty cartridge id");

  /* The deepest setting the pen must take: on its step, within both
   * maxima, and the slowest rate. */
  top = MIN (id->depth_max_um, c->cartridge.max_depth_um);
  if (top < id->depth_min_um)
    {
      g_printerr ("stipple-pen-check: the cartridge's maximum is below the pen's minimum\n");
      return FALSE;
    }
  c->good.zone_id = 0x5a5a;
  c->good.depth_um = (guint16) (id->depth_min_um +
                                (top - id->depth_min_um) / id->depth_step_um * id->depth_step_um);
  c->good.rate_hz = id->rate_min_hz;
  c->good.passes = 3;
  return TRUE;
}

static void
check_framing (Check *c)
{
  static const guint8 status_payload[1] = { 0 };
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  StippleProtoCommand command = { .type = STIPPLE_PROTO_MSG_STATUS };
  StippleProtoReply r;
  size_t len;

  /* 2.4: too short, a length that disagrees, a bad CRC: then STATUS,
   * whose reply must be the next thing the pen says. */
  command.seq = next_seq (c);
  g_assert (stipple_proto_command_encode (&command, buf, sizeof buf, &len) == STIPPLE_PROTO_STATUS_OK);
  send_bytes (c, buf, 5, NULL, NULL);
  buf[4] = 1;
  send_bytes (c, buf, len, NULL, NULL);
  buf[4] = 0;
  buf[len - 1] ^= 0x80;
  send_bytes (c, buf, len, NULL, NULL);
  r = exchange (c, STIPPLE_PROTO_MSG_STATUS, NULL);
  expect ("2.4", r.result == STIPPLE_PROTO_RESULT_OK && r.seq == c->seq,
          "a transfer that was not a frame was answered (%s)", result_name (r.result));

  /* 2.5: an IDENTIFY of version 2 */
  r = exchange_raw (c, 2, STIPPLE_PROTO_MSG_IDENTIFY, NULL, 0);
  expect ("2.5", r.result == STIPPLE_PROTO_RESULT_UNSUPPORTED_VERSION &&
                 r.type == (STIPPLE_PROTO_MSG_IDENTIFY | STIPPLE_PROTO_MSG_REPLY),
          "version 2 IDENTIFY answered %s with type 0x%02x", result_name (r.result), r.type);

  /* 2.6: each pair of faults is answered by the earlier check. */
  r = exchange_raw (c, 2, 0x20, status_payload, 1);
  expect ("2.6", r.result == STIPPLE_PROTO_RESULT_UNSUPPORTED_VERSION && r.type == 0xa0,
          "version 2, unknown type, payload: %s (type 0x%02x), not UNSUPPORTED_VERSION",
          result_name (r.result), r.type);
  r = exchange_raw (c, 1, 0x20, status_payload, 1);
  expect ("2.6", r.result == STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND && r.type == 0xa0,
          "unknown type with a payload: %s (type 0x%02x), not UNKNOWN_COMMAND",
          result_name (r.result), r.type);
  r = exchange_raw (c, 1, STIPPLE_PROTO_MSG_STATUS, status_payload, 1);
  expect ("2.6", r.result == STIPPLE_PROTO_RESULT_BAD_LENGTH,
          "STATUS with a payload: %s, not BAD_LENGTH", result_name (r.result));
  {
    /* Zero passes (a rule-1 refusal) and a reserved byte: step 6 first. */
    guint8 t[8] = { 1, 0, 0, 0, 0, 0, 0, 1 };

    r = exchange_raw (c, 1, STIPPLE_PROTO_MSG_SET_TREATMENT, t, sizeof t);
    expect ("2.6", r.result == STIPPLE_PROTO_RESULT_BAD_LENGTH,
            "invalid treatment with a reserved byte set: %s, not BAD_LENGTH",
            result_name (r.result));
    expect ("2.2", r.result == STIPPLE_PROTO_RESULT_BAD_LENGTH,
            "reserved byte set: %s", result_name (r.result));
    r = exchange_raw (c, 1, STIPPLE_PROTO_MSG_SET_TREATMENT, t, 7);
    expect ("2.6", r.result == STIPPLE_PROTO_RESULT_BAD_LENGTH,
            "7-byte treatment: %s, not BAD_LENGTH", result_name (r.result));
  }

  r = exchange_raw (c, 1, 0x0c, NULL, 0);
  expect ("3.1", r.result == STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND && r.type == 0x8c,
          "type 0x0c: %s (type 0x%02x)", result_name (r.result), r.type);
  r = exchange_raw (c, 1, 0x81, NULL, 0);
  expect ("3.2", r.result == STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND && r.type == 0x81,
          "type 0x81: %s (type 0x%02x)", result_name (r.result), r.type);
  r = exchange_raw (c, 1, STIPPLE_PROTO_MSG_TELEMETRY, NULL, 0);
  expect ("3.2", r.result == STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND && r.type == 0xc0,
          "type 0x40: %s (type 0x%02x)", result_name (r.result), r.type);
}

static void
check_limits (Check *c)
{
  const StippleProtoIdentity *id = &c->identity;
  StippleProtoTreatment t, held;
  StippleProtoReply r;
  struct { const char *what; guint8 want; StippleProtoTreatment t; } cases[8];
  guint n = 0;

  r = exchange (c, STIPPLE_PROTO_MSG_SET_TREATMENT, &c->good);
  if (r.result != STIPPLE_PROTO_RESULT_OK)
    {
      fail ("6.1", "a valid treatment (%u um, %u/s) refused: %s", c->good.depth_um,
            c->good.rate_hz, result_name (r.result));
      return;
    }
  expect ("6.3", treatment_equal (&r.body.treatment, &c->good),
          "SET_TREATMENT reply says %u um, %u/s, %u passes, zone %u", r.body.treatment.depth_um,
          r.body.treatment.rate_hz, r.body.treatment.passes, r.body.treatment.zone_id);
  r = exchange (c, STIPPLE_PROTO_MSG_GET_TREATMENT, NULL);
  held = r.body.treatment;
  expect ("6.3", r.result == STIPPLE_PROTO_RESULT_OK && treatment_equal (&r.body.treatment, &c->good),
          "GET_TREATMENT says %u um, %u/s, %u passes, zone %u (%s)", r.body.treatment.depth_um,
          r.body.treatment.rate_hz, r.body.treatment.passes, r.body.treatment.zone_id,
          result_name (r.result));

  /* Each case breaks one rule and every later one. */
  if (id->rate_max_hz < G_MAXUINT16 && id->depth_max_um < G_MAXUINT16 - 1)
    {
      t = c->good;
      t.passes = 0;
      t.rate_hz = id->rate_max_hz + 1;
      t.depth_um = id->depth_max_um + 1;
      cases[n++] = (typeof (cases[0])) { "zero passes, rate and depth too high",
                                         STIPPLE_PROTO_RESULT_PASSES_INVALID, t };
      t.passes = 1;
      cases[n++] = (typeof (cases[0])) { "rate and depth too high",
                                         STIPPLE_PROTO_RESULT_RATE_OUT_OF_RANGE, t };
      t.rate_hz = id->rate_max_hz;
      cases[n++] = (typeof (cases[0])) { "depth above the cap, off the step",
                                         STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CAP, t };
    }
  if (id->rate_min_hz > 0)
    {
      t = c->good;
      t.rate_hz = id->rate_min_hz - 1;
      cases[n++] = (typeof (cases[0])) { "rate too low", STIPPLE_PROTO_RESULT_RATE_OUT_OF_RANGE, t };
    }
  if (id->depth_step_um > 1)
    {
      t = c->good;
      t.depth_um = id->depth_min_um + id->depth_step_um / 2;
      cases[n++] = (typeof (cases[0])) { "depth off the step", STIPPLE_PROTO_RESULT_DEPTH_INVALID, t };
    }
  if (id->depth_min_um > 0)
    {
      t = c->good;
      t.depth_um = id->depth_min_um - 1;
      cases[n++] = (typeof (cases[0])) { "depth below the minimum", STIPPLE_PROTO_RESULT_DEPTH_INVALID, t };
    }
  if (c->cartridge.max_depth_um < id->depth_max_um)
    {
      guint d = c->good.depth_um + id->depth_step_um;

      if (d <= id->depth_max_um && d > c->cartridge.max_depth_um)
        {
          t = c->good;
          t.depth_um = (guint16) d;
          cases[n++] = (typeof (cases[0])) { "depth above the cartridge's maximum",
                                             STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CARTRIDGE, t };
        }
    }

  for (guint i = 0; i < n; i++)
    {
      r = exchange (c, STIPPLE_PROTO_MSG_SET_TREATMENT, &cases[i].t);
      expect ("6.1", r.result == cases[i].want, "%s: %s, not %s", cases[i].what,
              result_name (r.result), result_name (cases[i].want));
      r = exchange (c, STIPPLE_PROTO_MSG_GET_TREATMENT, NULL);
      /* Against what the pen said it held before: 6.3 judges that. */
      expect ("6.2", r.result == STIPPLE_PROTO_RESULT_OK && treatment_equal (&r.body.treatment, &held),
              "after a refused treatment (%s) the pen holds %u um, %u/s", cases[i].what,
              r.body.treatment.depth_um, r.body.treatment.rate_hz);
    }
}

static void
check_state_table (Check *c)
{
  StippleProtoReply r;
  StippleProtoPenStatus s;

  /* IDLE */
  r = exchange (c, STIPPLE_PROTO_MSG_EMERGENCY_STOP, NULL);
  expect_transition (c, "EMERGENCY_STOP", r.result, STIPPLE_PROTO_RESULT_OK, STIPPLE_PROTO_STATE_IDLE);
  r = exchange (c, STIPPLE_PROTO_MSG_GET_TREATMENT, NULL);
  expect_transition (c, "GET_TREATMENT in IDLE", r.result, STIPPLE_PROTO_RESULT_NOT_CONFIGURED,
                     STIPPLE_PROTO_STATE_IDLE);
  r = exchange (c, STIPPLE_PROTO_MSG_ARM, NULL);
  expect ("6.4", r.result == STIPPLE_PROTO_RESULT_NOT_CONFIGURED, "ARM in IDLE: %s",
          result_name (r.result));
  expect_transition (c, "ARM in IDLE", r.result, STIPPLE_PROTO_RESULT_NOT_CONFIGURED,
                     STIPPLE_PROTO_STATE_IDLE);
  for (guint8 type = STIPPLE_PROTO_MSG_IDENTIFY; type <= STIPPLE_PROTO_MSG_TELEMETRY_STOP; type++)
    {
      g_autofree char *what = NULL;

      if (type == STIPPLE_PROTO_MSG_SET_TREATMENT || type == STIPPLE_PROTO_MSG_GET_TREATMENT ||
          type == STIPPLE_PROTO_MSG_ARM || type == STIPPLE_PROTO_MSG_TELEMETRY_START)
        continue;
      what = g_strdup_printf ("command 0x%02x in IDLE", type);
      r = exchange (c, type, NULL);
      expect_transition (c, what, r.result, STIPPLE_PROTO_RESULT_OK, STIPPLE_PROTO_STATE_IDLE);
    }

  /* CONFIGURED */
  r = exchange (c, STIPPLE_PROTO_MSG_SET_TREATMENT, &c->good);
  expect_transition (c, "SET_TREATMENT in IDLE", r.result, STIPPLE_PROTO_RESULT_OK,
                     STIPPLE_PROTO_STATE_CONFIGURED);
  {
    /* The same command again, same sequence number: a retry. c->seq
     * has moved on with expect_transition()'s STATUS. */
    StippleProtoCommand command = { .type = STIPPLE_PROTO_MSG_SET_TREATMENT, .seq = c->seq - 1 };
    guint8 buf[STIPPLE_PROTO_MAX_FRAME];
    size_t len;

    command.treatment = c->good;
    g_assert (stipple_proto_command_encode (&command, buf, sizeof buf, &len) == STIPPLE_PROTO_STATUS_OK);
    if (send_bytes (c, buf, len, NULL, NULL) && await_reply (c, command.seq, &r, NULL))
      expect ("6.15", r.result == STIPPLE_PROTO_RESULT_OK &&
                      treatment_equal (&r.body.treatment, &c->good),
              "a repeated SET_TREATMENT: %s", result_name (r.result));
    else
      fail ("6.15", "no reply to a repeated SET_TREATMENT");
  }
  for (guint8 type = STIPPLE_PROTO_MSG_IDENTIFY; type <= STIPPLE_PROTO_MSG_TELEMETRY_STOP; type++)
    {
      g_autofree char *what = NULL;

      if (type == STIPPLE_PROTO_MSG_SET_TREATMENT || type == STIPPLE_PROTO_MSG_ARM ||
          type == STIPPLE_PROTO_MSG_EMERGENCY_STOP || type == STIPPLE_PROTO_MSG_TELEMETRY_START)
        continue;
      what = g_strdup_printf ("command 0x%02x in CONFIGURED", type);
      r = exchange (c, type, NULL);
      expect_transition (c, what, r.result, STIPPLE_PROTO_RESULT_OK,
                         STIPPLE_PROTO_STATE_CONFIGURED);
    }
  r = exchange (c, STIPPLE_PROTO_MSG_DISARM, NULL);
  expect ("6.15", r.result == STIPPLE_PROTO_RESULT_OK, "DISARM while disarmed: %s",
          result_name (r.result));

  /* ARMED: every command, a heartbeat between them keeps it so. */
  r = exchange (c, STIPPLE_PROTO_MSG_ARM, NULL);
  expect_transition (c, "ARM in CONFIGURED", r.result, STIPPLE_PROTO_RESULT_OK,
                     STIPPLE_PROTO_STATE_ARMED);
  r = exchange (c, STIPPLE_PROTO_MSG_ARM, NULL);
  expect ("6.5", r.result == STIPPLE_PROTO_RESULT_OK, "ARM while armed: %s", result_name (r.result));
  expect_transition (c, "ARM in ARMED", r.result, STIPPLE_PROTO_RESULT_OK, STIPPLE_PROTO_STATE_ARMED);
  r = exchange (c, STIPPLE_PROTO_MSG_SET_TREATMENT, &c->good);
  expect ("6.1", r.result == STIPPLE_PROTO_RESULT_ARMED, "SET_TREATMENT while armed: %s",
          result_name (r.result));
  expect_transition (c, "SET_TREATMENT in ARMED", r.result, STIPPLE_PROTO_RESULT_ARMED,
                     STIPPLE_PROTO_STATE_ARMED);
  for (guint8 type = STIPPLE_PROTO_MSG_IDENTIFY; type <= STIPPLE_PROTO_MSG_TELEMETRY_STOP; type++)
    {
      g_autofree char *what = NULL;

      if (type == STIPPLE_PROTO_MSG_SET_TREATMENT || type == STIPPLE_PROTO_MSG_ARM ||
          type == STIPPLE_PROTO_MSG_DISARM || type == STIPPLE_PROTO_MSG_EMERGENCY_STOP ||
          type == STIPPLE_PROTO_MSG_TELEMETRY_START)
        continue;
      exchange (c, STIPPLE_PROTO_MSG_HEARTBEAT, NULL);
      what = g_strdup_printf ("command 0x%02x in ARMED", type);
      r = exchange (c, type, NULL);
      expect_transition (c, what, r.result, STIPPLE_PROTO_RESULT_OK, STIPPLE_PROTO_STATE_ARMED);
    }
  r = exchange (c, STIPPLE_PROTO_MSG_DISARM, NULL);
  expect_transition (c, "DISARM in ARMED", r.result, STIPPLE_PROTO_RESULT_OK,
                     STIPPLE_PROTO_STATE_CONFIGURED);
  s = status (c);
  expect ("6.16", s.disarm_reason == STIPPLE_PROTO_DISARM_HOST, "DISARM gave reason %u",
          s.disarm_reason);

  /* The same cartridge arms again (the next pass); then the stop. */
  r = exchange (c, STIPPLE_PROTO_MSG_ARM, NULL);
  expect_transition (c, "ARM again with the same cartridge", r.result, STIPPLE_PROTO_RESULT_OK,
                     STIPPLE_PROTO_STATE_ARMED);
  r = exchange (c, STIPPLE_PROTO_MSG_EMERGENCY_STOP, NULL);
  expect ("6.11", r.result == STIPPLE_PROTO_RESULT_OK, "EMERGENCY_STOP: %s", result_name (r.result));
  s = status (c);
  expect ("6.11", s.state == STIPPLE_PROTO_STATE_IDLE &&
                  s.disarm_reason == STIPPLE_PROTO_DISARM_EMERGENCY_STOP,
          "after EMERGENCY_STOP: state %u, reason %u", s.state, s.disarm_reason);
  r = exchange (c, STIPPLE_PROTO_MSG_GET_TREATMENT, NULL);
  expect ("6.11", r.result == STIPPLE_PROTO_RESULT_NOT_CONFIGURED,
          "the treatment survived EMERGENCY_STOP (%s)", result_name (r.result));
}

static gboolean
arm (Check  *c,
     gint64 *armed_at)
{
  StippleProtoReply r;

  r = exchange (c, STIPPLE_PROTO_MSG_SET_TREATMENT, &c->good);
  if (r.result != STIPPLE_PROTO_RESULT_OK && r.result != STIPPLE_PROTO_RESULT_ARMED)
    return FALSE;
  exchange (c, STIPPLE_PROTO_MSG_DISARM, NULL);
  r = exchange_full (c, STIPPLE_PROTO_MSG_ARM, NULL, armed_at);
  return r.result == STIPPLE_PROTO_RESULT_OK;
}

/* Polls STATUS from @fed (the completion of the last command that fed
 * the watchdog; @fed_start when it was sent) until the pen disarms.
 * Armed in a reply that arrived before @fed_start + 250 ms is required;
 * disarmed in a STATUS sent after @fed + 250 ms is required. */
static void
watch_watchdog (Check      *c,
                const char *what,
                gint64      fed_start,
                gint64      fed)
{
  gint64 end = fed + WATCHDOG_US + 500000;

  while (!c->io_failed && g_get_monotonic_time () < end)
    {
      gint64 sent = g_get_monotonic_time ();
      StippleProtoPenStatus s = status (c);
      gint64 back = g_get_monotonic_time ();
      gboolean armed = s.state == STIPPLE_PROTO_STATE_ARMED;

      if (s.state == 0xff)
        continue;
      if (!armed && back < fed_start + WATCHDOG_US)
        {
          fail ("6.9", "%s: disarmed %" G_GINT64_FORMAT " ms after it was fed (reason %u)",
                what, (back - fed_start) / 1000, s.disarm_reason);
          return;
        }
      if (armed && sent >= fed + WATCHDOG_US)
        {
          /* Then wait for it to disarm, so that the next check starts
           * from a disarmed pen. */
          fail ("6.9", "%s: still armed %" G_GINT64_FORMAT " ms after it was last fed", what,
                (sent - fed) / 1000);
          continue;
        }
      if (!armed && clause ("6.9")->failed)
        return;
      if (!armed)
        {
          expect ("6.9", s.disarm_reason == STIPPLE_PROTO_DISARM_WATCHDOG,
                  "%s: disarmed with reason %u, not the watchdog", what, s.disarm_reason);
          return;
        }
    }
  if (!c->io_failed)
    fail ("6.9", "%s: never disarmed", what);
}

static void
check_watchdog (Check *c)
{
  guint8 payload[2] = { 0 };
  StippleProtoReply r;
  gint64 armed_at, fed_start = 0, fed = 0, last;
  gboolean conclusive = FALSE;

  /* Heartbeats every 100 ms keep it armed for a second. A host that could
   * not keep time (a gap of 200 ms) proves nothing: try again. */
  for (guint attempt = 0; attempt < 3 && !conclusive; attempt++)
    {
      if (!arm (c, &armed_at))
        {
          fail ("6.9", "the pen does not arm");
          return;
        }
      conclusive = TRUE;
      last = armed_at;
      for (guint i = 0; i < 10; i++)
        {
          gint64 due = last + HEARTBEAT_PERIOD_US;

          while (g_get_monotonic_time () < due)
            g_usleep (1000);
          fed_start = g_get_monotonic_time ();
          if (fed_start - last > 2 * HEARTBEAT_PERIOD_US)
            conclusive = FALSE;
          r = exchange_full (c, STIPPLE_PROTO_MSG_HEARTBEAT, NULL, &fed);
          last = fed;
          if (conclusive && r.result == STIPPLE_PROTO_RESULT_OK &&
              r.body.status.state != STIPPLE_PROTO_STATE_ARMED)
            {
              fail ("6.9", "disarmed (reason %u) though a HEARTBEAT came every 100 ms",
                    r.body.status.disarm_reason);
              return;
            }
        }
    }
  if (!conclusive)
    {
      fail ("6.9", "this computer could not send a heartbeat every 100 ms");
      return;
    }
  watch_watchdog (c, "after the last HEARTBEAT", fed_start, fed);

  /* 6.10: a heartbeat now finds it disarmed. */
  r = exchange (c, STIPPLE_PROTO_MSG_HEARTBEAT, NULL);
  expect ("6.10", r.result == STIPPLE_PROTO_RESULT_OK &&
                  r.body.status.state == STIPPLE_PROTO_STATE_CONFIGURED &&
                  r.body.status.disarm_reason == STIPPLE_PROTO_DISARM_WATCHDOG,
          "late HEARTBEAT: %s, state %u, reason %u", result_name (r.result),
          r.body.status.state, r.body.status.disarm_reason);

  /* Neither a HEARTBEAT with a payload, nor one of another version, nor
   * ARM while armed, nor STATUS feeds it. */
  {
    gint64 arm_start = g_get_monotonic_time ();

    if (!arm (c, &armed_at))
      {
        fail ("6.9", "the pen does not arm again");
        return;
      }
    r = exchange_raw (c, 1, STIPPLE_PROTO_MSG_HEARTBEAT, payload, sizeof payload);
    expect ("6.9", r.result == STIPPLE_PROTO_RESULT_BAD_LENGTH, "HEARTBEAT with a payload: %s",
            result_name (r.result));
    r = exchange_raw (c, 2, STIPPLE_PROTO_MSG_HEARTBEAT, NULL, 0);
    expect ("6.9", r.result == STIPPLE_PROTO_RESULT_UNSUPPORTED_VERSION,
            "HEARTBEAT of version 2: %s", result_name (r.result));
    r = exchange (c, STIPPLE_PROTO_MSG_ARM, NULL);
    expect ("6.5", r.result == STIPPLE_PROTO_RESULT_OK, "ARM while armed: %s", result_name (r.result));
    /* The ARM that armed it was sent after arm_start at the earliest. */
    watch_watchdog (c, "fed only by invalid HEARTBEATs and ARM while armed", arm_start, armed_at);
    if (!clause ("6.9")->failed)
      pass ("6.5");
  }
}

static void
check_reply_queue (Check *c)
{
  StippleProtoReply r;
  guint16 first;
  guint got = 0;
  StippleProtoPenStatus s;
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];

  if (!arm (c, NULL))
    {
      fail ("6.14", "the pen does not arm");
      return;
    }
  first = c->seq + 1;
  for (guint i = 0; i < MIN_REPLY_QUEUE; i++)
    send_command (c, STIPPLE_PROTO_MSG_STATUS, NULL, NULL);
  send_command (c, STIPPLE_PROTO_MSG_EMERGENCY_STOP, NULL, NULL);

  for (guint i = 0; i < MIN_REPLY_QUEUE + 1 && !c->io_failed; i++)
    {
      gsize n = read_frame (c, buf, REPLY_TIMEOUT_MS);

      if (n == 0)
        break;
      if (is_telemetry (buf, n) || stipple_proto_reply_decode (buf, n, &r) != STIPPLE_PROTO_STATUS_OK)
        continue;
      if (r.seq == (guint16) (first + got) && got < MIN_REPLY_QUEUE)
        got++;
    }
  expect ("6.14", got == MIN_REPLY_QUEUE, "%u of %u queued replies came back", got,
          MIN_REPLY_QUEUE);
  drain (c, 20);
  s = status (c);
  expect ("6.14", s.state == STIPPLE_PROTO_STATE_IDLE &&
                  s.disarm_reason == STIPPLE_PROTO_DISARM_EMERGENCY_STOP,
          "EMERGENCY_STOP behind %u commands not obeyed: state %u, reason %u", MIN_REPLY_QUEUE,
          s.state, s.disarm_reason);
}

typedef struct
{
  gboolean have_last;
  StippleProtoSample last;
  guint32  next_seq;
  guint64  samples;
  guint64  lost;
  guint64  packets;
  gint64   first_host_us;
  gint64   last_host_us;
  guint64  pen_span_us;
  /* per packet: host time of arrival minus pen time of its last
   * sample, both from the first packet (µs) */
  GArray  *offsets;
  GArray  *arrivals;
} Stream;

/* Takes one telemetry frame into @s and checks it against 5.x. */
static void
stream_take (Check        *c,
             Stream       *s,
             const guint8 *buf,
             gsize         len)
{
  g_autofree StippleProtoTelemetry *t = g_new0 (StippleProtoTelemetry, 1);
  gint64 now = g_get_monotonic_time ();

  if (stipple_proto_telemetry_decode (buf, len, t) != STIPPLE_PROTO_STATUS_OK)
    {
      fail ("5.2", "a telemetry frame that does not decode");
      return;
    }
  expect ("5.4", buf[2] == 0 && buf[3] == 0, "telemetry frame with sequence number %u",
          buf[2] | buf[3] << 8);
  expect ("5.2", t->count == c->identity.samples_per_packet,
          "packet %u carries %u samples, the identity says %u", t->packet_seq, t->count,
          c->identity.samples_per_packet);
  if (s->packets == 0)
    {
      expect ("5.7", t->packet_seq == s->next_seq, "first packet numbered %u, not %u",
              t->packet_seq, s->next_seq);
      s->first_host_us = now;
    }

  for (guint i = 0; i < t->count; i++)
    {
      const StippleProtoSample *x = &t->samples[i];

      if (s->have_last && i == 0 && (gint32) (t->packet_seq - s->next_seq) < 0)
        {
          fail ("5.7", "the packet sequence went back from %u to %u", s->next_seq - 1,
                t->packet_seq);
          s->have_last = FALSE;
        }
      if (s->have_last)
        {
          guint32 step = x->timestamp_us - s->last.timestamp_us;
          guint32 gap = t->packet_seq - s->next_seq;
          guint64 expected = (i == 0 ? (guint64) gap * t->count + t->dropped : 0) + 1;

          if (i == 0 && gap > 0 && s->packets > 0)
            g_printerr ("stipple-pen-check: %u telemetry packets lost on the way\n", gap);
          expect ("5.6", (guint64) step == expected * SAMPLE_PERIOD_US,
                  "packet %u sample %u: %u us after the one before, lost field %u, "
                  "sequence gap %u", t->packet_seq, i, step, t->dropped, gap);
          s->pen_span_us += step;
        }
      s->last = *x;
      s->have_last = TRUE;
    }
  if (s->offsets != NULL)
    {
      gint64 arrival = now - s->first_host_us;
      gint64 offset = arrival - (gint64) s->pen_span_us;

      g_array_append_val (s->arrivals, arrival);
      g_array_append_val (s->offsets, offset);
    }
  s->next_seq = t->packet_seq + 1;
  s->samples += t->count;
  s->lost += t->dropped;
  s->packets++;
  s->last_host_us = now;
}

/* Reads telemetry for @ms, everything that arrives going into @s. */
static void
stream_read (Check  *c,
             Stream *s,
             guint   ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  StippleProtoReply r;

  while (!c->io_failed && g_get_monotonic_time () < end)
    {
      gsize n = read_frame (c, buf, 20);

      if (n == 0)
        continue;
      if (is_telemetry (buf, n))
        stream_take (c, s, buf, n);
      else if (stipple_proto_reply_decode (buf, n, &r) == STIPPLE_PROTO_STATUS_OK)
        fail ("2.1", "an unexpected reply 0x%02x (sequence %u)", r.type, r.seq);
    }
}

static void
check_telemetry (Check *c)
{
  Stream s = { 0 };
  StippleProtoReply r;
  StippleProtoPenStatus before, after;
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  gint64 pause_start, pause_end;
  guint64 lost_before;

  exchange (c, STIPPLE_PROTO_MSG_TELEMETRY_STOP, NULL);
  drain (c, 20);
  before = status (c);
  c->stray_lost = 0;

  /* Half a second of streaming, read as fast as it comes. */
  r = exchange (c, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL);
  expect ("5.7", r.result == STIPPLE_PROTO_RESULT_OK, "TELEMETRY_START: %s", result_name (r.result));
  c->stray_telemetry = 0;
  s.next_seq = 0;
  s.offsets = g_array_new (FALSE, FALSE, sizeof (gint64));
  s.arrivals = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint attempt = 1; ; attempt++)
    {
      /* The pen's clock against ours. A packet arrives some time after
       * its last sample; the shortest such delay in the first third of the
       * stream and in the last third differ by how far the pen's clock
       * drifts from ours, plus how far behind we fell, which is never
       * more than a full queue (older samples are lost, and reported).
       * So a fast pen is caught to 5 ms, a slow one to a queue and 5 ms:
       * a few percent over a second. */
      gint64 span, first = G_MAXINT64, last = G_MAXINT64, behind;
      gboolean steady;

      stream_read (c, &s, 1000);
      if (s.packets < 10)
        {
          fail ("5.1", "%" G_GUINT64_FORMAT " telemetry packets in a second", s.packets);
          g_array_unref (s.offsets);
          g_array_unref (s.arrivals);
          return;
        }
      span = s.last_host_us - s.first_host_us;
      for (guint i = 0; i < s.offsets->len; i++)
        {
          gint64 arrival = g_array_index (s.arrivals, gint64, i);
          gint64 offset = g_array_index (s.offsets, gint64, i);

          if (arrival < span / 3)
            first = MIN (first, offset);
          else if (arrival > span - span / 3)
            last = MIN (last, offset);
        }
      behind = (MIN_SAMPLE_QUEUE + 2 * c->identity.samples_per_packet) * SAMPLE_PERIOD_US;
      steady = first != G_MAXINT64 && last != G_MAXINT64 &&
               last - first >= -(span / 1000 + 5000) &&
               last - first <= span / 1000 + 5000 + behind;

      /* A host that could not read for the whole first third of the
       * second (a machine busy on every core) looks like a pen whose
       * clock runs fast: the pen is measured once more, on the stream as
       * it goes on, before it is blamed. */
      if (steady || attempt == 2)
        {
          expect ("5.1", steady,
                  "the pen's clock drifted %" G_GINT64_FORMAT " us from ours in %"
                  G_GINT64_FORMAT " us%s", last - first, span,
                  attempt == 2 ? ", twice running" : "");
          break;
        }
      g_printerr ("stipple-pen-check: the pen's clock seemed to drift %" G_GINT64_FORMAT
                  " us in %" G_GINT64_FORMAT " us; measuring again\n", last - first, span);
      g_array_set_size (s.offsets, 0);
      g_array_set_size (s.arrivals, 0);
      s.packets = 0;
      s.pen_span_us = 0;
    }
  g_clear_pointer (&s.offsets, g_array_unref);
  g_clear_pointer (&s.arrivals, g_array_unref);

  /* Started again while streaming: the numbering goes on. */
  r = exchange (c, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL);
  expect ("5.7", r.result == STIPPLE_PROTO_RESULT_OK, "TELEMETRY_START again: %s",
          result_name (r.result));
  {
    guint64 packets = s.packets;

    stream_read (c, &s, 50);
    expect ("5.7", s.packets > packets, "no telemetry after a second TELEMETRY_START");
  }

  /* A reply goes first: at most one packet already on its way. */
  c->stray_telemetry = 0;
  r = exchange (c, STIPPLE_PROTO_MSG_STATUS, NULL);
  expect ("5.9", c->stray_telemetry <= 1, "%u telemetry packets came before a reply",
          c->stray_telemetry);
  expect ("3.6", r.result == STIPPLE_PROTO_RESULT_OK &&
                 (r.body.status.flags & STIPPLE_PROTO_STATUS_FLAG_TELEMETRY),
          "STATUS while streaming without the TELEMETRY flag");
  stream_read (c, &s, 30);

  /* Read nothing for 100 ms: the queue overflows, and says so. */
  lost_before = s.lost;
  pause_start = g_get_monotonic_time ();
  g_usleep (100000);
  pause_end = g_get_monotonic_time ();
  stream_read (c, &s, 100);
  /* How many samples the pen kept cannot be told from here (it depends
   * on how far behind we were when the pause began): only that it lost
   * some, said so, and (below) counted them in STATUS. */
  expect ("5.5", s.lost > lost_before, "%" G_GINT64_FORMAT " us without reading lost no sample",
          pause_end - pause_start);

  /* Stop: the reply, then nothing. */
  r = exchange (c, STIPPLE_PROTO_MSG_TELEMETRY_STOP, NULL);
  expect ("5.8", r.result == STIPPLE_PROTO_RESULT_OK, "TELEMETRY_STOP: %s", result_name (r.result));
  {
    guint after_stop = 0;
    gint64 end = g_get_monotonic_time () + 50000;

    while (!c->io_failed && g_get_monotonic_time () < end)
      {
        gsize n = read_frame (c, buf, 10);

        if (n > 0 && is_telemetry (buf, n))
          after_stop++;
      }
    expect ("5.8", after_stop == 0, "%u telemetry packets after the TELEMETRY_STOP reply",
            after_stop);
    expect ("5.4", after_stop == 0, "telemetry while stopped");
  }
  r = exchange (c, STIPPLE_PROTO_MSG_TELEMETRY_STOP, NULL);
  expect ("6.15", r.result == STIPPLE_PROTO_RESULT_OK, "TELEMETRY_STOP while stopped: %s",
          result_name (r.result));
  after = status (c);
  expect ("3.6", !(after.flags & STIPPLE_PROTO_STATUS_FLAG_TELEMETRY),
          "TELEMETRY flag after TELEMETRY_STOP");
  /* Every loss a packet reported is in STATUS. STATUS may count more: a
   * check that falls behind again (on a busy machine) lets the queue
   * overflow once more just before TELEMETRY_STOP, and that loss has no
   * packet left to report it in. */
  expect ("5.5", after.dropped_samples - before.dropped_samples >= s.lost + c->stray_lost,
          "STATUS counts %u samples lost, the packets reported %" G_GUINT64_FORMAT,
          after.dropped_samples - before.dropped_samples, s.lost + c->stray_lost);
}

static void
check_latency (Check *c)
{
  for (guint type = STIPPLE_PROTO_MSG_FIRST_COMMAND; type <= STIPPLE_PROTO_MSG_LAST_COMMAND; type++)
    {
      if (c->best_latency[type] == 0)
        continue;
      expect ("7.1", c->best_latency[type] <= REPLY_DEADLINE_US,
              "command 0x%02x: the fastest reply took %" G_GINT64_FORMAT " ms", type,
              c->best_latency[type] / 1000);
    }
}

/* ---- main ----------------------------------------------------------------- */

static libusb_device_handle *
open_pen (libusb_context *ctx,
          guint16         vendor_id,
          guint16         product_id)
{
  libusb_device **list = NULL;
  libusb_device_handle *handle = NULL;
  ssize_t n = libusb_get_device_list (ctx, &list);

  for (ssize_t i = 0; i < n && handle == NULL; i++)
    {
      struct libusb_device_descriptor desc;

      if (libusb_get_device_descriptor (list[i], &desc) != 0 ||
          desc.idVendor != vendor_id || desc.idProduct != product_id)
        continue;
      if (libusb_open (list[i], &handle) != 0)
        handle = NULL;
    }
  if (list != NULL)
    libusb_free_device_list (list, TRUE);

  return handle;
}

static gboolean
parse_id (const char *text,
          guint16    *vendor_id,
          guint16    *product_id)
{
  guint v = 0, p = 0;
  char end;

  if (text == NULL || sscanf (text, "%4x:%4x%c", &v, &p, &end) != 2)
    return FALSE;
  *vendor_id = (guint16) v;
  *product_id = (guint16) p;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *device = NULL;
  gboolean verbose = FALSE;
  GOptionEntry entries[] = {
    { "device", 'd', 0, G_OPTION_ARG_STRING, &device,
      "The pen's USB ids (default 1209:0001)", "VVVV:PPPP" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Say what is being checked", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  libusb_context *ctx = NULL;
  Check check = { 0 };
  Check *c = &check;
  guint16 vendor_id = STIPPLE_PROTO_USB_VID, product_id = STIPPLE_PROTO_USB_PID_TEST;
  guint failed = 0;
  int r;

  context = g_option_context_new ("- check a pen against the Stipple pen protocol");
  g_option_context_set_description (context,
    "Runs every clause of docs/pen-protocol.md a host can check on the cable and prints\n"
    "one PASS or FAIL line per clause. The pen is armed: use a new test cartridge and\n"
    "keep the pen off the skin. Exit status: 0 all passed, 1 a clause failed, 2 the pen\n"
    "could not be checked.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("stipple-pen-check: %s\n", error->message);
      return 2;
    }
  if (device != NULL && !parse_id (device, &vendor_id, &product_id))
    {
      g_printerr ("stipple-pen-check: not a USB id: %s (expected VVVV:PPPP)\n", device);
      return 2;
    }
  c->verbose = verbose;

  r = libusb_init (&ctx);
  if (r != 0)
    {
      g_printerr ("stipple-pen-check: cannot use USB: %s\n", libusb_strerror (r));
      return 2;
    }
  c->handle = open_pen (ctx, vendor_id, product_id);
  if (c->handle == NULL)
    {
      g_printerr ("stipple-pen-check: no pen %04x:%04x that this user may open\n",
                  vendor_id, product_id);
      libusb_exit (ctx);
      return 2;
    }
  r = libusb_claim_interface (c->handle, 0);
  if (r != 0)
    {
      g_printerr ("stipple-pen-check: cannot claim the pen: %s\n", libusb_strerror (r));
      libusb_close (c->handle);
      libusb_exit (ctx);
      return 2;
    }

  /* From a known state: stopped, nothing pending. */
  drain (c, 20);
  exchange (c, STIPPLE_PROTO_MSG_TELEMETRY_STOP, NULL);
  exchange (c, STIPPLE_PROTO_MSG_EMERGENCY_STOP, NULL);
  drain (c, 20);

  if (check_identity (c, c->handle) && check_cartridge (c))
    {
      const struct { const char *name; void (*run) (Check *); } steps[] = {
        { "framing", check_framing },
        { "limits", check_limits },
        { "state table", check_state_table },
        { "watchdog", check_watchdog },
        { "reply queue", check_reply_queue },
        { "telemetry", check_telemetry },
        { "reply times", check_latency },
      };

      for (guint i = 0; i < G_N_ELEMENTS (steps) && !c->io_failed; i++)
        {
          if (c->verbose)
            g_printerr ("stipple-pen-check: %s\n", steps[i].name);
          steps[i].run (c);
        }
      exchange (c, STIPPLE_PROTO_MSG_EMERGENCY_STOP, NULL);
    }
  else
    {
      c->io_failed = TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (clauses); i++)
    {
      Clause *cl = &clauses[i];
      g_autofree char *section = g_strndup (cl->id, strcspn (cl->id, "."));

      if (!cl->checked)
        continue;
      if (cl->failed)
        {
          failed++;
          g_print ("FAIL %s %s %s: %s\n", section, cl->id, cl->title, cl->why);
        }
      else
        {
          g_print ("PASS %s %s %s\n", section, cl->id, cl->title);
        }
      g_free (cl->why);
    }

  libusb_release_interface (c->handle, 0);
  libusb_close (c->handle);
  libusb_exit (ctx);

  if (c->io_failed)
    return 2;
  return failed > 0 ? 1 : 0;
}
