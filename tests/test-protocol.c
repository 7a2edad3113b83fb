/* test-protocol.c: the pen codec against docs/pen-protocol.md
 *
 * The test vectors are read from the protocol document itself, so the
 * document and the codec cannot drift apart: every vector there must be
 * known here with its decoded fields, and every one known here must be
 * there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-test-protocol"

#include "config.h"

#include <string.h>

#include <glib.h>

#include "stipple-proto.h"

typedef enum
{
  KIND_COMMAND,
  KIND_REPLY,
  KIND_TELEMETRY,
} Kind;

typedef struct
{
  const char *name;
  Kind kind;
  StippleProtoCommand command;
  StippleProtoReply reply;
  StippleProtoTelemetry telemetry;
} Vector;

static const StippleProtoTreatment treatment = { .zone_id = 8, .depth_um = 1500, .rate_hz = 120, .passes = 3 };

static Vector *
command_vector (const char *name,
                uint8_t     type,
                uint16_t    seq)
{
  Vector *v = g_new0 (Vector, 1);

  v->name = name;
  v->kind = KIND_COMMAND;
  v->command.type = type;
  v->command.seq = seq;
  if (type == STIPPLE_PROTO_MSG_SET_TREATMENT)
    v->command.treatment = treatment;

  return v;
}

static Vector *
reply_vector (const char *name,
              uint8_t     command_type,
              uint16_t    seq,
              uint8_t     result)
{
  Vector *v = g_new0 (Vector, 1);

  v->name = name;
  v->kind = KIND_REPLY;
  v->reply.type = command_type | STIPPLE_PROTO_MSG_REPLY;
  v->reply.seq = seq;
  v->reply.result = result;

  return v;
}

#define CR (STIPPLE_PROTO_SAMPLE_CONTACT | STIPPLE_PROTO_SAMPLE_RUNNING)

static Vector *
telemetry_vector (const char *name,
                  uint32_t    packet_seq,
                  uint32_t    dropped)
{
  Vector *v = g_new0 (Vector, 1);

  v->name = name;
  v->kind = KIND_TELEMETRY;
  v->telemetry.packet_seq = packet_seq;
  v->telemetry.dropped = dropped;
  v->telemetry.count = 2;

  return v;
}

/* The values section 9 of the document describes, one by one. */
static GPtrArray *
expected_vectors (void)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_free);
  Vector *v;

  g_ptr_array_add (all, command_vector ("identify", STIPPLE_PROTO_MSG_IDENTIFY, 1));
  g_ptr_array_add (all, command_vector ("cartridge-info", STIPPLE_PROTO_MSG_CARTRIDGE_INFO, 2));
  g_ptr_array_add (all, command_vector ("set-treatment", STIPPLE_PROTO_MSG_SET_TREATMENT, 3));
  g_ptr_array_add (all, command_vector ("get-treatment", STIPPLE_PROTO_MSG_GET_TREATMENT, 4));
  g_ptr_array_add (all, command_vector ("arm", STIPPLE_PROTO_MSG_ARM, 5));
  g_ptr_array_add (all, command_vector ("heartbeat", STIPPLE_PROTO_MSG_HEARTBEAT, 6));
  g_ptr_array_add (all, command_vector ("status", STIPPLE_PROTO_MSG_STATUS, 7));
  g_ptr_array_add (all, command_vector ("telemetry-start", STIPPLE_PROTO_MSG_TELEMETRY_START, 8));
  g_ptr_array_add (all, command_vector ("telemetry-stop", STIPPLE_PROTO_MSG_TELEMETRY_STOP, 9));
  g_ptr_array_add (all, command_vector ("disarm", STIPPLE_PROTO_MSG_DISARM, 10));
  g_ptr_array_add (all, command_vector ("emergency-stop", STIPPLE_PROTO_MSG_EMERGENCY_STOP, 11));

  v = reply_vector ("identify-reply", STIPPLE_PROTO_MSG_IDENTIFY, 1, STIPPLE_PROTO_RESULT_OK);
  g_strlcpy (v->reply.body.identity.serial, "STP-EMU-0001", sizeof v->reply.body.identity.serial);
  v->reply.body.identity.firmware_version = 0x0100;
  v->reply.body.identity.protocol_version = 1;
  v->reply.body.identity.samples_per_packet = 16;
  v->reply.body.identity.depth_min_um = 0;
  v->reply.body.identity.depth_max_um = 2500;
  v->reply.body.identity.depth_step_um = 50;
  v->reply.body.identity.rate_min_hz = 90;
  v->reply.body.identity.rate_max_hz = 150;
  v->reply.body.identity.sample_rate_hz = 8000;
  g_ptr_array_add (all, v);

  v = reply_vector ("cartridge-info-reply", STIPPLE_PROTO_MSG_CARTRIDGE_INFO, 2, STIPPLE_PROTO_RESULT_OK);
  g_strlcpy (v->reply.body.cartridge.id, "CRT16-000042", sizeof v->reply.body.cartridge.id);
  g_strlcpy (v->reply.body.cartridge.lot, "L2611A", sizeof v->reply.body.cartridge.lot);
  v->reply.body.cartridge.needle_count = 16;
  v->reply.body.cartridge.max_depth_um = 2000;
  g_ptr_array_add (all, v);

  v = reply_vector ("set-treatment-reply", STIPPLE_PROTO_MSG_SET_TREATMENT, 3, STIPPLE_PROTO_RESULT_OK);
  v->reply.body.treatment = treatment;
  g_ptr_array_add (all, v);
  g_ptr_array_add (all, reply_vector ("set-treatment-reply-above-cap", STIPPLE_PROTO_MSG_SET_TREATMENT, 3,
                                      STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CAP));
  v = reply_vector ("get-treatment-reply", STIPPLE_PROTO_MSG_GET_TREATMENT, 4, STIPPLE_PROTO_RESULT_OK);
  v->reply.body.treatment = treatment;
  g_ptr_array_add (all, v);
  g_ptr_array_add (all, reply_vector ("arm-reply", STIPPLE_PROTO_MSG_ARM, 5, STIPPLE_PROTO_RESULT_OK));
  g_ptr_array_add (all, reply_vector ("arm-reply-cartridge-reused", STIPPLE_PROTO_MSG_ARM, 5,
                                      STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED));

  v = reply_vector ("heartbeat-reply", STIPPLE_PROTO_MSG_HEARTBEAT, 6, STIPPLE_PROTO_RESULT_OK);
  v->reply.body.status.state = STIPPLE_PROTO_STATE_ARMED;
  v->reply.body.status.flags = STIPPLE_PROTO_STATUS_FLAG_RUNNING | STIPPLE_PROTO_STATUS_FLAG_CONTACT
                               | STIPPLE_PROTO_STATUS_FLAG_TELEMETRY | STIPPLE_PROTO_STATUS_FLAG_CARTRIDGE;
  v->reply.body.status.disarm_reason = STIPPLE_PROTO_DISARM_NONE;
  v->reply.body.status.stroke_count = 1234;
  g_ptr_array_add (all, v);

  v = reply_vector ("status-reply", STIPPLE_PROTO_MSG_STATUS, 7, STIPPLE_PROTO_RESULT_OK);
  v->reply.body.status.state = STIPPLE_PROTO_STATE_CONFIGURED;
  v->reply.body.status.flags = STIPPLE_PROTO_STATUS_FLAG_CARTRIDGE;
  v->reply.body.status.disarm_reason = STIPPLE_PROTO_DISARM_WATCHDOG;
  v->reply.body.status.stroke_count = 36000;
  v->reply.body.status.dropped_samples = 32;
  g_ptr_array_add (all, v);

  g_ptr_array_add (all, reply_vector ("telemetry-start-reply", STIPPLE_PROTO_MSG_TELEMETRY_START, 8,
                                      STIPPLE_PROTO_RESULT_OK));
  g_ptr_array_add (all, reply_vector ("telemetry-stop-reply", STIPPLE_PROTO_MSG_TELEMETRY_STOP, 9,
                                      STIPPLE_PROTO_RESULT_OK));
  g_ptr_array_add (all, reply_vector ("disarm-reply", STIPPLE_PROTO_MSG_DISARM, 10, STIPPLE_PROTO_RESULT_OK));
  g_ptr_array_add (all, reply_vector ("emergency-stop-reply", STIPPLE_PROTO_MSG_EMERGENCY_STOP, 11,
                                      STIPPLE_PROTO_RESULT_OK));
  g_ptr_array_add (all, reply_vector ("unknown-command-reply", 0x20, 12, STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND));

  g_ptr_array_add (all, reply_vector ("unsupported-version-reply", STIPPLE_PROTO_MSG_IDENTIFY, 13,
                                      STIPPLE_PROTO_RESULT_UNSUPPORTED_VERSION));

  /* One stream of a pen with 2 samples per packet, armed at 1500 µm and
   * 120 strokes/s: packet 8 lost on the way, 48 samples lost before 10. */
  v = telemetry_vector ("telemetry", 7, 0);
  v->telemetry.samples[0] = (StippleProtoSample) { 1000000, 1500, 39000, CR, 41 };
  v->telemetry.samples[1] = (StippleProtoSample) { 1000125, 1498, 38948, CR, 41 };
  g_ptr_array_add (all, v);

  v = telemetry_vector ("telemetry-after-gap", 9, 0);
  v->telemetry.samples[0] = (StippleProtoSample) { 1000500, 1445, 37570, CR, 41 };
  v->telemetry.samples[1] = (StippleProtoSample) { 1000625, 1412, 36712, CR, 41 };
  g_ptr_array_add (all, v);

  v = telemetry_vector ("telemetry-after-loss", 10, 48);
  v->telemetry.samples[0] = (StippleProtoSample) { 1006750, 910, 23660, CR, 42 };
  v->telemetry.samples[1] = (StippleProtoSample) { 1006875, 988, 25688, CR, 42 };
  g_ptr_array_add (all, v);

  return all;
}

/* name -> GBytes, from the ```vector NAME fences of the document */
static GHashTable *
document_vectors (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "docs", "pen-protocol.md", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *vectors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) g_bytes_unref);
  g_autoptr(GByteArray) current = NULL;
  g_autofree char *current_name = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (current == NULL)
        {
          if (g_str_has_prefix (line, "```vector "))
            {
              current_name = g_strdup (line + strlen ("```vector "));
              current = g_byte_array_new ();
            }
          continue;
        }

      if (g_str_has_prefix (line, "```"))
        {
          g_assert_false (g_hash_table_contains (vectors, current_name));
          g_hash_table_insert (vectors, g_steal_pointer (&current_name),
                               g_byte_array_free_to_bytes (g_steal_pointer (&current)));
          continue;
        }

      for (const char *p = line; *p != '\0';)
        {
          int hi, lo;

          if (*p == ' ')
            {
              p++;
              continue;
            }
          hi = g_ascii_xdigit_value (p[0]);
          lo = p[1] != '\0' ? g_ascii_xdigit_value (p[1]) : -1;
          if (hi < 0 || lo < 0)
            g_error ("vector %s: not hex: %s", current_name, line);
          g_byte_array_append (current, (guint8[]) { (guint8) (hi << 4 | lo) }, 1);
          p += 2;
        }
    }
  g_assert_null (current);

  return vectors;
}

static void
assert_sample_equal (const StippleProtoSample *a,
                     const StippleProtoSample *b)
{
  g_assert_cmpuint (a->timestamp_us, ==, b->timestamp_us);
  g_assert_cmpint (a->position_um, ==, b->position_um);
  g_assert_cmpuint (a->load, ==, b->load);
  g_assert_cmpuint (a->flags, ==, b->flags);
  g_assert_cmpuint (a->stroke_count, ==, b->stroke_count);
}

static void
assert_reply_equal (const StippleProtoReply *a,
                    const StippleProtoReply *b)
{
  g_assert_cmpuint (a->type, ==, b->type);
  g_assert_cmpuint (a->seq, ==, b->seq);
  g_assert_cmpuint (a->result, ==, b->result);
  if (a->result != STIPPLE_PROTO_RESULT_OK)
    return;

  switch (a->type & ~STIPPLE_PROTO_MSG_REPLY)
    {
    case STIPPLE_PROTO_MSG_IDENTIFY:
      g_assert_cmpstr (a->body.identity.serial, ==, b->body.identity.serial);
      g_assert_cmpuint (a->body.identity.firmware_version, ==, b->body.identity.firmware_version);
      g_assert_cmpuint (a->body.identity.protocol_version, ==, b->body.identity.protocol_version);
      g_assert_cmpuint (a->body.identity.samples_per_packet, ==,
                        b->body.identity.samples_per_packet);
      g_assert_cmpuint (a->body.identity.depth_min_um, ==, b->body.identity.depth_min_um);
      g_assert_cmpuint (a->body.identity.depth_max_um, ==, b->body.identity.depth_max_um);
      g_assert_cmpuint (a->body.identity.depth_step_um, ==, b->body.identity.depth_step_um);
      g_assert_cmpuint (a->body.identity.rate_min_hz, ==, b->body.identity.rate_min_hz);
      g_assert_cmpuint (a->body.identity.rate_max_hz, ==, b->body.identity.rate_max_hz);
      g_assert_cmpuint (a->body.identity.sample_rate_hz, ==, b->body.identity.sample_rate_hz);
      break;
    case STIPPLE_PROTO_MSG_CARTRIDGE_INFO:
      g_assert_cmpstr (a->body.cartridge.id, ==, b->body.cartridge.id);
      g_assert_cmpstr (a->body.cartridge.lot, ==, b->body.cartridge.lot);
      g_assert_cmpuint (a->body.cartridge.needle_count, ==, b->body.cartridge.needle_count);
      g_assert_cmpuint (a->body.cartridge.flags, ==, b->body.cartridge.flags);
      g_assert_cmpuint (a->body.cartridge.max_depth_um, ==, b->body.cartridge.max_depth_um);
      g_assert_cmpuint (a->body.cartridge.use_count, ==, b->body.cartridge.use_count);
      break;
    case STIPPLE_PROTO_MSG_SET_TREATMENT:
    case STIPPLE_PROTO_MSG_GET_TREATMENT:
      g_assert_cmpuint (a->body.treatment.zone_id, ==, b->body.treatment.zone_id);
      g_assert_cmpuint (a->body.treatment.depth_um, ==, b->body.treatment.depth_um);
      g_assert_cmpuint (a->body.treatment.rate_hz, ==, b->body.treatment.rate_hz);
      g_assert_cmpuint (a->body.treatment.passes, ==, b->body.treatment.passes);
      break;
    case STIPPLE_PROTO_MSG_HEARTBEAT:
    case STIPPLE_PROTO_MSG_STATUS:
      g_assert_cmpuint (a->body.status.state, ==, b->body.status.state);
      g_assert_cmpuint (a->body.status.flags, ==, b->body.status.flags);
      g_assert_cmpuint (a->body.status.disarm_reason, ==, b->body.status.disarm_reason);
      g_assert_cmpuint (a->body.status.stroke_count, ==, b->body.status.stroke_count);
      g_assert_cmpuint (a->body.status.dropped_samples, ==, b->body.status.dropped_samples);
      break;
    default:
      break;
    }
}

/* Decodes @bytes as @v's kind, compares with @v, encodes @v, compares
 * with @bytes. */
static void
check_vector (const Vector *v,
              GBytes       *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  guint8 out[STIPPLE_PROTO_MAX_FRAME];
  size_t out_len = 0;

  g_test_message ("vector %s (%" G_GSIZE_FORMAT " bytes)", v->name, len);

  switch (v->kind)
    {
    case KIND_COMMAND:
      {
        StippleProtoCommand c;

        g_assert_cmpint (stipple_proto_command_decode (data, len, &c), ==, STIPPLE_PROTO_STATUS_OK);
        g_assert_cmpuint (c.type, ==, v->command.type);
        g_assert_cmpuint (c.seq, ==, v->command.seq);
        g_assert_cmpuint (c.treatment.zone_id, ==, v->command.treatment.zone_id);
        g_assert_cmpuint (c.treatment.depth_um, ==, v->command.treatment.depth_um);
        g_assert_cmpuint (c.treatment.rate_hz, ==, v->command.treatment.rate_hz);
        g_assert_cmpuint (c.treatment.passes, ==, v->command.treatment.passes);
        g_assert_cmpint (stipple_proto_command_encode (&v->command, out, sizeof out, &out_len), ==,
                         STIPPLE_PROTO_STATUS_OK);
        /* A command is neither a reply nor telemetry. */
        {
          StippleProtoReply r;
          StippleProtoTelemetry t;

          g_assert_cmpint (stipple_proto_reply_decode (data, len, &r), ==,
                           STIPPLE_PROTO_STATUS_BAD_TYPE);
          g_assert_cmpint (stipple_proto_telemetry_decode (data, len, &t), ==,
                           STIPPLE_PROTO_STATUS_BAD_TYPE);
        }
      }
      break;

    case KIND_REPLY:
      {
        StippleProtoReply r;
        StippleProtoCommand c;

        g_assert_cmpint (stipple_proto_reply_decode (data, len, &r), ==, STIPPLE_PROTO_STATUS_OK);
        assert_reply_equal (&r, &v->reply);
        g_assert_cmpint (stipple_proto_reply_encode (&v->reply, out, sizeof out, &out_len), ==,
                         STIPPLE_PROTO_STATUS_OK);
        g_assert_cmpint (stipple_proto_command_decode (data, len, &c), ==,
                         STIPPLE_PROTO_STATUS_BAD_TYPE);
      }
      break;

    case KIND_TELEMETRY:
      {
        StippleProtoTelemetry *t = g_new0 (StippleProtoTelemetry, 1);

        g_assert_cmpint (stipple_proto_telemetry_decode (data, len, t), ==,
                         STIPPLE_PROTO_STATUS_OK);
        g_assert_cmpuint (t->packet_seq, ==, v->telemetry.packet_seq);
        g_assert_cmpuint (t->dropped, ==, v->telemetry.dropped);
        g_assert_cmpuint (t->count, ==, v->telemetry.count);
        for (guint i = 0; i < t->count; i++)
          assert_sample_equal (&t->samples[i], &v->telemetry.samples[i]);
        g_assert_cmpint (stipple_proto_telemetry_encode (&v->telemetry, out, sizeof out, &out_len), ==,
                         STIPPLE_PROTO_STATUS_OK);
        g_free (t);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  g_assert_cmpmem (out, out_len, data, len);
}

static void
test_document_vectors (void)
{
  g_autoptr(GPtrArray) expected = expected_vectors ();
  g_autoptr(GHashTable) document = document_vectors ();

  g_assert_cmpuint (g_hash_table_size (document), ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      const Vector *v = g_ptr_array_index (expected, i);
      GBytes *bytes = g_hash_table_lookup (document, v->name);

      if (bytes == NULL)
        g_error ("docs/pen-protocol.md has no test vector %s", v->name);
      check_vector (v, bytes);
    }
}

/* The document's telemetry vectors are one stream, and must add up as a
 * host would reckon them: 125 µs between samples, a sequence gap of g
 * packets is g × k samples, the lost field is exactly what the
 * timestamps say is missing, and the needle moves no faster than a pen
 * can move it. */
static void
test_document_telemetry_stream (void)
{
  const char *names[] = { "telemetry", "telemetry-after-gap", "telemetry-after-loss" };
  g_autoptr(GHashTable) document = document_vectors ();
  g_autofree StippleProtoTelemetry *t = g_new0 (StippleProtoTelemetry, 1);
  StippleProtoSample last = { 0 };
  guint32 last_seq = 0;
  guint k = 0;
  gboolean gap_seen = FALSE, loss_seen = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GBytes *bytes = g_hash_table_lookup (document, names[i]);
      gsize len;
      const guint8 *data;

      g_assert_nonnull (bytes);
      data = g_bytes_get_data (bytes, &len);
      g_assert_cmpint (stipple_proto_telemetry_decode (data, len, t), ==, STIPPLE_PROTO_STATUS_OK);
      g_assert_cmpuint (t->count, >, 0);
      if (k == 0)
        k = t->count;
      /* Every packet carries the pen's samples per packet. */
      g_assert_cmpuint (t->count, ==, k);

      for (guint j = 0; j < t->count; j++)
        {
          const StippleProtoSample *x = &t->samples[j];

          g_assert_cmpint (x->load > 0, ==, (x->flags & STIPPLE_PROTO_SAMPLE_CONTACT) != 0);
          if (i == 0 && j == 0)
            {
              last = *x;
              continue;
            }
          if (j == 0)
            {
              guint32 missing = (x->timestamp_us - last.timestamp_us) / 125 - 1;
              guint32 gap = t->packet_seq - last_seq - 1;

              g_assert_cmpuint ((x->timestamp_us - last.timestamp_us) % 125, ==, 0);
              g_assert_cmpuint (missing, ==, gap * k + t->dropped);
              gap_seen |= gap > 0;
              loss_seen |= t->dropped > 0;
            }
          else
            {
              g_assert_cmpuint (x->timestamp_us - last.timestamp_us, ==, 125);
              /* 1800 µm of travel at 150 strokes/s peaks near 106 µm in
               * 125 µs. */
              g_assert_cmpint (ABS (x->position_um - last.position_um), <=, 110);
            }
          g_assert_cmpuint (x->stroke_count, >=, last.stroke_count);
          last = *x;
        }
      last_seq = t->packet_seq;
    }

  g_assert_true (gap_seen);
  g_assert_true (loss_seen);
}

/* Every single-bit error in every vector is caught, and no decoder
 * accepts a vector with a byte missing or one too many. */
/* The document's tables of message types and result codes name the same
 * values as the header. */
static void
test_document_tables (void)
{
  static const struct
  {
    guint value;
    const char *name;
  } rows[] = {
    { STIPPLE_PROTO_MSG_IDENTIFY, "IDENTIFY" },
    { STIPPLE_PROTO_MSG_CARTRIDGE_INFO, "CARTRIDGE_INFO" },
    { STIPPLE_PROTO_MSG_SET_TREATMENT, "SET_TREATMENT" },
    { STIPPLE_PROTO_MSG_GET_TREATMENT, "GET_TREATMENT" },
    { STIPPLE_PROTO_MSG_ARM, "ARM" },
    { STIPPLE_PROTO_MSG_DISARM, "DISARM" },
    { STIPPLE_PROTO_MSG_EMERGENCY_STOP, "EMERGENCY_STOP" },
    { STIPPLE_PROTO_MSG_HEARTBEAT, "HEARTBEAT" },
    { STIPPLE_PROTO_MSG_STATUS, "STATUS" },
    { STIPPLE_PROTO_MSG_TELEMETRY_START, "TELEMETRY_START" },
    { STIPPLE_PROTO_MSG_TELEMETRY_STOP, "TELEMETRY_STOP" },
    { STIPPLE_PROTO_MSG_TELEMETRY, "TELEMETRY (pen to host" },
    { STIPPLE_PROTO_RESULT_OK, "OK" },
    { STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND, "UNKNOWN_COMMAND" },
    { STIPPLE_PROTO_RESULT_BAD_LENGTH, "BAD_LENGTH" },
    { STIPPLE_PROTO_RESULT_UNSUPPORTED_VERSION, "UNSUPPORTED_VERSION" },
    { STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CAP, "DEPTH_ABOVE_CAP" },
    { STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CARTRIDGE, "DEPTH_ABOVE_CARTRIDGE" },
    { STIPPLE_PROTO_RESULT_DEPTH_INVALID, "DEPTH_INVALID" },
    { STIPPLE_PROTO_RESULT_RATE_OUT_OF_RANGE, "RATE_OUT_OF_RANGE" },
    { STIPPLE_PROTO_RESULT_PASSES_INVALID, "PASSES_INVALID" },
    { STIPPLE_PROTO_RESULT_NOT_CONFIGURED, "NOT_CONFIGURED" },
    { STIPPLE_PROTO_RESULT_ARMED, "ARMED" },
    { STIPPLE_PROTO_RESULT_NO_CARTRIDGE, "NO_CARTRIDGE" },
    { STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED, "CARTRIDGE_REUSED" },
    { STIPPLE_PROTO_RESULT_BUSY, "BUSY" },
  };
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "docs", "pen-protocol.md", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *check = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *row = g_strdup_printf ("| `0x%02X` | %s", rows[i].value, rows[i].name);

      if (strstr (text, row) == NULL)
        g_error ("docs/pen-protocol.md has no table row \"%s\"", row);
    }

  /* The CRC's check value, as the document states it */
  check = g_strdup_printf ("0x%08X", stipple_proto_crc32 ((const guint8 *) "123456789", 9));
  g_assert_nonnull (strstr (text, check));
}

static void
test_corruption (void)
{
  g_autoptr(GHashTable) document = document_vectors ();
  GHashTableIter iter;
  GBytes *bytes;
  guint checked = 0;

  g_hash_table_iter_init (&iter, document);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &bytes))
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      g_autofree guint8 *copy = g_malloc (len + 1);
      StippleProtoFrame f;

      memcpy (copy, data, len);
      copy[len] = 0;
      g_assert_cmpint (stipple_proto_frame_decode (copy, len, &f), ==, STIPPLE_PROTO_STATUS_OK);
      g_assert_cmpint (stipple_proto_frame_decode (copy, len - 1, &f), ==,
                       STIPPLE_PROTO_STATUS_TRUNCATED);
      g_assert_cmpint (stipple_proto_frame_decode (copy, len + 1, &f), ==,
                       STIPPLE_PROTO_STATUS_OVERSIZED);

      for (gsize bit = 0; bit < len * 8; bit++)
        {
          StippleProtoStatus status;

          copy[bit / 8] ^= (guint8) (1u << (bit % 8));
          status = stipple_proto_frame_decode (copy, len, &f);
          /* Flips in the length field change the frame's claimed size;
           * anywhere else the CRC catches them. */
          if (bit / 8 == 4 || bit / 8 == 5)
            g_assert_true (status == STIPPLE_PROTO_STATUS_TRUNCATED || status == STIPPLE_PROTO_STATUS_OVERSIZED);
          else
            g_assert_cmpint (status, ==, STIPPLE_PROTO_STATUS_BAD_CRC);
          copy[bit / 8] ^= (guint8) (1u << (bit % 8));
          checked++;
        }
    }

  g_test_message ("%u single-bit errors caught", checked);
  g_assert_cmpuint (checked, >, 1000);
}

static void
test_crc (void)
{
  /* CRC-32/ISO-HDLC's catalogued check value */
  g_assert_cmphex (stipple_proto_crc32 ((const guint8 *) "123456789", 9), ==, 0xcbf43926);
  g_assert_cmphex (stipple_proto_crc32 ((const guint8 *) "", 0), ==, 0);
}

/* Re-frames @payload under @type, so that a test can build a frame whose
 * CRC is right and whose content is wrong. */
static gsize
frame (guint8        type,
       guint16       seq,
       const guint8 *payload,
       gsize         payload_len,
       guint8       *out)
{
  size_t n = 0;

  g_assert_cmpint (stipple_proto_frame_encode (type, seq, payload, payload_len, out,
                                               STIPPLE_PROTO_MAX_FRAME, &n), ==, STIPPLE_PROTO_STATUS_OK);
  return n;
}

static void
test_framing_errors (void)
{
  guint8 buf[STIPPLE_PROTO_MAX_FRAME + 8] = { 0 };
  guint8 payload[STIPPLE_PROTO_MAX_PAYLOAD + 1] = { 0 };
  StippleProtoFrame f;
  StippleProtoCommand c;
  size_t n;

  g_assert_cmpint (stipple_proto_frame_decode (buf, 0, &f), ==, STIPPLE_PROTO_STATUS_TRUNCATED);
  g_assert_cmpint (stipple_proto_frame_decode (NULL, 10, &f), ==, STIPPLE_PROTO_STATUS_TRUNCATED);
  g_assert_cmpint (stipple_proto_frame_decode (buf, sizeof buf, &f), ==,
                   STIPPLE_PROTO_STATUS_OVERSIZED);

  /* The largest frame there is */
  n = frame (0x55, 9, payload, STIPPLE_PROTO_MAX_PAYLOAD, buf);
  g_assert_cmpuint (n, ==, STIPPLE_PROTO_MAX_FRAME);
  g_assert_cmpint (stipple_proto_frame_decode (buf, n, &f), ==, STIPPLE_PROTO_STATUS_OK);
  g_assert_cmpuint (f.length, ==, STIPPLE_PROTO_MAX_PAYLOAD);
  g_assert_cmpint (stipple_proto_frame_encode (0x55, 9, payload, STIPPLE_PROTO_MAX_PAYLOAD + 1, buf,
                                               sizeof buf, &n), ==, STIPPLE_PROTO_STATUS_INVALID);
  g_assert_cmpint (stipple_proto_frame_encode (0x55, 9, payload, 4, buf, 13, &n), ==,
                   STIPPLE_PROTO_STATUS_NO_SPACE);

  /* Another version: intact, reported, and still readable so that the
   * pen can answer it by type and sequence number. */
  n = frame (STIPPLE_PROTO_MSG_STATUS, 77, NULL, 0, buf);
  buf[0] = 2;
  {
    uint32_t crc = stipple_proto_crc32 (buf, 6);
    buf[6] = crc & 0xff;
    buf[7] = (crc >> 8) & 0xff;
    buf[8] = (crc >> 16) & 0xff;
    buf[9] = crc >> 24;
  }
  memset (&f, 0, sizeof f);
  g_assert_cmpint (stipple_proto_frame_decode (buf, n, &f), ==, STIPPLE_PROTO_STATUS_BAD_VERSION);
  g_assert_cmpuint (f.version, ==, 2);
  g_assert_cmpuint (f.type, ==, STIPPLE_PROTO_MSG_STATUS);
  g_assert_cmpuint (f.seq, ==, 77);
  g_assert_cmpint (stipple_proto_command_decode (buf, n, &c), ==, STIPPLE_PROTO_STATUS_BAD_VERSION);

  /* Intact frames that are not valid commands */
  n = frame (0x0c, 1, NULL, 0, buf);
  g_assert_cmpint (stipple_proto_command_decode (buf, n, &c), ==, STIPPLE_PROTO_STATUS_BAD_TYPE);
  n = frame (0x00, 1, NULL, 0, buf);
  g_assert_cmpint (stipple_proto_command_decode (buf, n, &c), ==, STIPPLE_PROTO_STATUS_BAD_TYPE);
  n = frame (STIPPLE_PROTO_MSG_ARM, 1, payload, 1, buf);
  g_assert_cmpint (stipple_proto_command_decode (buf, n, &c), ==, STIPPLE_PROTO_STATUS_BAD_PAYLOAD);
  n = frame (STIPPLE_PROTO_MSG_SET_TREATMENT, 1, payload, 7, buf);
  g_assert_cmpint (stipple_proto_command_decode (buf, n, &c), ==, STIPPLE_PROTO_STATUS_BAD_PAYLOAD);
  payload[7] = 1;   /* reserved byte */
  n = frame (STIPPLE_PROTO_MSG_SET_TREATMENT, 1, payload, 8, buf);
  g_assert_cmpint (stipple_proto_command_decode (buf, n, &c), ==, STIPPLE_PROTO_STATUS_BAD_PAYLOAD);
  payload[7] = 0;
  n = frame (STIPPLE_PROTO_MSG_SET_TREATMENT, 1, payload, 8, buf);
  g_assert_cmpint (stipple_proto_command_decode (buf, n, &c), ==, STIPPLE_PROTO_STATUS_OK);
}

static void
test_reply_errors (void)
{
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  guint8 payload[64] = { 0 };
  StippleProtoReply r;
  gsize n;

  /* An error reply has no body */
  payload[0] = STIPPLE_PROTO_RESULT_BUSY;
  n = frame (STIPPLE_PROTO_MSG_STATUS | STIPPLE_PROTO_MSG_REPLY, 1, payload, 13, buf);
  g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r), ==, STIPPLE_PROTO_STATUS_BAD_PAYLOAD);
  n = frame (STIPPLE_PROTO_MSG_STATUS | STIPPLE_PROTO_MSG_REPLY, 1, payload, 1, buf);
  g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r), ==, STIPPLE_PROTO_STATUS_OK);
  g_assert_cmpuint (r.result, ==, STIPPLE_PROTO_RESULT_BUSY);

  /* A reply without its result byte */
  n = frame (STIPPLE_PROTO_MSG_ARM | STIPPLE_PROTO_MSG_REPLY, 1, payload, 0, buf);
  g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r), ==, STIPPLE_PROTO_STATUS_BAD_PAYLOAD);

  /* A successful reply to a command that does not exist */
  payload[0] = STIPPLE_PROTO_RESULT_OK;
  n = frame (0x20 | STIPPLE_PROTO_MSG_REPLY, 1, payload, 1, buf);
  g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r), ==, STIPPLE_PROTO_STATUS_BAD_TYPE);

  /* Status body: state, flags, reason and the reserved byte are checked */
  for (guint field = 1; field <= 4; field++)
    {
      static const guint8 bad[] = { 0, 3, 0x20, 7, 1 };

      memset (payload, 0, sizeof payload);
      payload[field] = bad[field];
      n = frame (STIPPLE_PROTO_MSG_STATUS | STIPPLE_PROTO_MSG_REPLY, 1, payload, 13, buf);
      g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r), ==,
                       STIPPLE_PROTO_STATUS_BAD_PAYLOAD);
    }

  /* Text: control characters and text after the padding are refused */
  memset (payload, 0, sizeof payload);
  memcpy (payload + 1, "STP\n", 4);
  n = frame (STIPPLE_PROTO_MSG_IDENTIFY | STIPPLE_PROTO_MSG_REPLY, 1, payload, 33, buf);
  g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r), ==, STIPPLE_PROTO_STATUS_BAD_PAYLOAD);
  memcpy (payload + 1, "STP\0X", 5);
  n = frame (STIPPLE_PROTO_MSG_IDENTIFY | STIPPLE_PROTO_MSG_REPLY, 1, payload, 33, buf);
  g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r), ==, STIPPLE_PROTO_STATUS_BAD_PAYLOAD);
  /* Sixteen characters fill the field exactly, without a NUL */
  memcpy (payload + 1, "ABCDEFGHIJKLMNOP", 16);
  n = frame (STIPPLE_PROTO_MSG_IDENTIFY | STIPPLE_PROTO_MSG_REPLY, 1, payload, 33, buf);
  g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r), ==, STIPPLE_PROTO_STATUS_OK);
  g_assert_cmpstr (r.body.identity.serial, ==, "ABCDEFGHIJKLMNOP");

  /* The encoder refuses what the decoder would refuse */
  memset (&r, 0, sizeof r);
  r.type = STIPPLE_PROTO_MSG_IDENTIFY | STIPPLE_PROTO_MSG_REPLY;
  g_strlcpy (r.body.identity.serial, "tab\there", sizeof r.body.identity.serial);
  g_assert_cmpint (stipple_proto_reply_encode (&r, buf, sizeof buf, &n), ==,
                   STIPPLE_PROTO_STATUS_INVALID);
  r.type = STIPPLE_PROTO_MSG_IDENTIFY;
  g_assert_cmpint (stipple_proto_reply_encode (&r, buf, sizeof buf, &n), ==,
                   STIPPLE_PROTO_STATUS_INVALID);
  r.type = STIPPLE_PROTO_MSG_STATUS | STIPPLE_PROTO_MSG_REPLY;
  memset (&r.body, 0, sizeof r.body);
  r.body.status.state = 3;
  g_assert_cmpint (stipple_proto_reply_encode (&r, buf, sizeof buf, &n), ==,
                   STIPPLE_PROTO_STATUS_INVALID);
  r.body.status.state = 0;
  g_assert_cmpint (stipple_proto_reply_encode (&r, buf, 20, &n), ==, STIPPLE_PROTO_STATUS_NO_SPACE);
  g_assert_cmpint (stipple_proto_reply_encode (&r, buf, 23, &n), ==, STIPPLE_PROTO_STATUS_OK);
  g_assert_cmpuint (n, ==, 23);
}

static void
test_telemetry_limits (void)
{
  g_autofree StippleProtoTelemetry *t = g_new0 (StippleProtoTelemetry, 1);
  g_autofree StippleProtoTelemetry *back = g_new0 (StippleProtoTelemetry, 1);
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  size_t n;

  /* A full packet fits in one 512-byte transfer and survives the trip,
   * including the extremes of every field. */
  t->packet_seq = G_MAXUINT32;
  t->dropped = G_MAXUINT32;
  t->count = STIPPLE_PROTO_TELEMETRY_MAX_SAMPLES;
  for (guint i = 0; i < t->count; i++)
    t->samples[i] = (StippleProtoSample) { G_MAXUINT32 - i, i % 2 ? G_MININT32 : G_MAXINT32,
                                           (guint16) (i * 2000), (guint16) (i % 4), i };
  g_assert_cmpint (stipple_proto_telemetry_encode (t, buf, sizeof buf, &n), ==,
                   STIPPLE_PROTO_STATUS_OK);
  g_assert_cmpuint (n, <=, STIPPLE_PROTO_MAX_FRAME);
  g_assert_cmpint (stipple_proto_telemetry_decode (buf, n, back), ==, STIPPLE_PROTO_STATUS_OK);
  g_assert_cmpuint (back->packet_seq, ==, G_MAXUINT32);
  g_assert_cmpuint (back->count, ==, t->count);
  for (guint i = 0; i < t->count; i++)
    assert_sample_equal (&back->samples[i], &t->samples[i]);

  /* One sample too many cannot be sent */
  t->count++;
  g_assert_cmpint (stipple_proto_telemetry_encode (t, buf, sizeof buf, &n), ==,
                   STIPPLE_PROTO_STATUS_INVALID);

  /* Undefined sample flags */
  t->count = 1;
  t->samples[0].flags = 0x4;
  g_assert_cmpint (stipple_proto_telemetry_encode (t, buf, sizeof buf, &n), ==,
                   STIPPLE_PROTO_STATUS_INVALID);
  t->samples[0].flags = 0;
  g_assert_cmpint (stipple_proto_telemetry_encode (t, buf, sizeof buf, &n), ==,
                   STIPPLE_PROTO_STATUS_OK);
  buf[6 + 12 + 10] = 0x04;
  {
    uint32_t crc = stipple_proto_crc32 (buf, n - 4);
    buf[n - 4] = crc & 0xff;
    buf[n - 3] = (crc >> 8) & 0xff;
    buf[n - 2] = (crc >> 16) & 0xff;
    buf[n - 1] = crc >> 24;
  }
  g_assert_cmpint (stipple_proto_telemetry_decode (buf, n, back), ==,
                   STIPPLE_PROTO_STATUS_BAD_PAYLOAD);

  /* A count that disagrees with the payload length */
  {
    guint8 payload[12 + 16] = { 0 };
    guint8 frame_buf[STIPPLE_PROTO_MAX_FRAME];

    payload[8] = 2;
    n = frame (STIPPLE_PROTO_MSG_TELEMETRY, 0, payload, sizeof payload, frame_buf);
    g_assert_cmpint (stipple_proto_telemetry_decode (frame_buf, n, back), ==,
                     STIPPLE_PROTO_STATUS_BAD_PAYLOAD);
    payload[8] = 1;
    n = frame (STIPPLE_PROTO_MSG_TELEMETRY, 0, payload, sizeof payload, frame_buf);
    g_assert_cmpint (stipple_proto_telemetry_decode (frame_buf, n, back), ==,
                     STIPPLE_PROTO_STATUS_OK);
    /* Telemetry's header sequence field is always zero */
    n = frame (STIPPLE_PROTO_MSG_TELEMETRY, 1, payload, sizeof payload, frame_buf);
    g_assert_cmpint (stipple_proto_telemetry_decode (frame_buf, n, back), ==,
                     STIPPLE_PROTO_STATUS_BAD_PAYLOAD);
    payload[9] = 1;   /* reserved */
    n = frame (STIPPLE_PROTO_MSG_TELEMETRY, 0, payload, sizeof payload, frame_buf);
    g_assert_cmpint (stipple_proto_telemetry_decode (frame_buf, n, back), ==,
                     STIPPLE_PROTO_STATUS_BAD_PAYLOAD);
  }
}

/* Random messages survive the trip through the encoder and decoder. */
static void
test_round_trip_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261122);
  g_autofree StippleProtoTelemetry *t = g_new0 (StippleProtoTelemetry, 1);
  g_autofree StippleProtoTelemetry *back = g_new0 (StippleProtoTelemetry, 1);
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  guint8 again[STIPPLE_PROTO_MAX_FRAME];

  for (guint round = 0; round < 2000; round++)
    {
      StippleProtoCommand c = { 0 }, c2;
      StippleProtoReply r = { 0 }, r2;
      size_t n, n2;

      c.type = (guint8) g_rand_int_range (rand, STIPPLE_PROTO_MSG_FIRST_COMMAND,
                                          STIPPLE_PROTO_MSG_LAST_COMMAND + 1);
      c.seq = (guint16) g_rand_int (rand);
      if (c.type == STIPPLE_PROTO_MSG_SET_TREATMENT)
        c.treatment = (StippleProtoTreatment) { (guint16) g_rand_int (rand), (guint16) g_rand_int (rand),
                                                (guint16) g_rand_int (rand), (guint8) g_rand_int (rand) };
      g_assert_cmpint (stipple_proto_command_encode (&c, buf, sizeof buf, &n), ==,
                       STIPPLE_PROTO_STATUS_OK);
      g_assert_cmpint (stipple_proto_command_decode (buf, n, &c2), ==, STIPPLE_PROTO_STATUS_OK);
      g_assert_cmpint (stipple_proto_command_encode (&c2, again, sizeof again, &n2), ==,
                       STIPPLE_PROTO_STATUS_OK);
      g_assert_cmpmem (buf, n, again, n2);

      r.type = c.type | STIPPLE_PROTO_MSG_REPLY;
      r.seq = c.seq;
      r.result = g_rand_boolean (rand) ? 0 : (guint8) g_rand_int_range (rand, 1, 256);
      r.body.status.state = (guint8) g_rand_int_range (rand, 0, STIPPLE_PROTO_STATE_LAST + 1);
      r.body.status.flags = (guint8) (g_rand_int (rand) & STIPPLE_PROTO_STATUS_FLAGS_MASK);
      r.body.status.disarm_reason = (guint8) g_rand_int_range (rand, 0, STIPPLE_PROTO_DISARM_LAST + 1);
      r.body.status.stroke_count = g_rand_int (rand);
      r.body.status.dropped_samples = g_rand_int (rand);
      if (c.type == STIPPLE_PROTO_MSG_IDENTIFY)
        g_strlcpy (r.body.identity.serial, "SN-1", sizeof r.body.identity.serial);
      if (c.type == STIPPLE_PROTO_MSG_CARTRIDGE_INFO)
        {
          memset (&r.body.cartridge, 0, sizeof r.body.cartridge);
          r.body.cartridge.flags = (guint8) g_rand_int_range (rand, 0, 2);
          r.body.cartridge.use_count = (guint16) g_rand_int (rand);
        }
      g_assert_cmpint (stipple_proto_reply_encode (&r, buf, sizeof buf, &n), ==,
                       STIPPLE_PROTO_STATUS_OK);
      g_assert_cmpint (stipple_proto_reply_decode (buf, n, &r2), ==, STIPPLE_PROTO_STATUS_OK);
      assert_reply_equal (&r2, &r);
      g_assert_cmpint (stipple_proto_reply_encode (&r2, again, sizeof again, &n2), ==,
                       STIPPLE_PROTO_STATUS_OK);
      g_assert_cmpmem (buf, n, again, n2);

      t->packet_seq = g_rand_int (rand);
      t->dropped = g_rand_int (rand);
      t->count = (guint8) g_rand_int_range (rand, 0, STIPPLE_PROTO_TELEMETRY_MAX_SAMPLES + 1);
      for (guint i = 0; i < t->count; i++)
        t->samples[i] = (StippleProtoSample) { g_rand_int (rand), (gint32) g_rand_int (rand),
                                               (guint16) g_rand_int (rand),
                                               (guint16) (g_rand_int (rand) & STIPPLE_PROTO_SAMPLE_FLAGS_MASK),
                                               g_rand_int (rand) };
      g_assert_cmpint (stipple_proto_telemetry_encode (t, buf, sizeof buf, &n), ==,
                       STIPPLE_PROTO_STATUS_OK);
      g_assert_cmpint (stipple_proto_telemetry_decode (buf, n, back), ==, STIPPLE_PROTO_STATUS_OK);
      g_assert_cmpuint (back->count, ==, t->count);
      for (guint i = 0; i < t->count; i++)
        assert_sample_equal (&back->samples[i], &t->samples[i]);
    }
}

static void
test_strings (void)
{
  /* Every result and status has a description of its own. */
  static const StippleProtoResult results[] = {
    STIPPLE_PROTO_RESULT_OK, STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND, STIPPLE_PROTO_RESULT_BAD_LENGTH,
    STIPPLE_PROTO_RESULT_UNSUPPORTED_VERSION, STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CAP,
    STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CARTRIDGE, STIPPLE_PROTO_RESULT_DEPTH_INVALID,
    STIPPLE_PROTO_RESULT_RATE_OUT_OF_RANGE, STIPPLE_PROTO_RESULT_PASSES_INVALID,
    STIPPLE_PROTO_RESULT_NOT_CONFIGURED, STIPPLE_PROTO_RESULT_ARMED, STIPPLE_PROTO_RESULT_NO_CARTRIDGE,
    STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED, STIPPLE_PROTO_RESULT_BUSY,
  };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      const char *s = stipple_proto_result_to_string (results[i]);

      g_assert_false (g_hash_table_contains (seen, s));
      g_hash_table_add (seen, (gpointer) s);
    }
  g_assert_cmpstr (stipple_proto_result_to_string (0x99), ==, "unknown result");
  for (int s = STIPPLE_PROTO_STATUS_OK; s <= STIPPLE_PROTO_STATUS_INVALID; s++)
    g_assert_cmpstr (stipple_proto_status_to_string (s), !=, "unknown codec status");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/protocol/crc", test_crc);
  g_test_add_func ("/stipple/protocol/document-vectors", test_document_vectors);
  g_test_add_func ("/stipple/protocol/document-telemetry-stream", test_document_telemetry_stream);
  g_test_add_func ("/stipple/protocol/document-tables", test_document_tables);
  g_test_add_func ("/stipple/protocol/corruption", test_corruption);
  g_test_add_func ("/stipple/protocol/framing-errors", test_framing_errors);
  g_test_add_func ("/stipple/protocol/reply-errors", test_reply_errors);
  g_test_add_func ("/stipple/protocol/telemetry-limits", test_telemetry_limits);
  g_test_add_func ("/stipple/protocol/round-trip-random", test_round_trip_random);
  g_test_add_func ("/stipple/protocol/strings", test_strings);

  return g_test_run ();
}
