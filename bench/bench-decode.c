/* bench-decode.c: how fast the pen codec decodes
 *
 * Decodes commands (what a pen's firmware parses), replies and telemetry
 * packets (what the host parses, 500 packets a second at 8 kHz) in a
 * tight loop and reports messages per second: the median of several
 * timed runs of each family. The telemetry is real: 16-sample packets
 * recorded from the pen firmware model with the needle running.
 *
 * Usage: bench-decode [SECONDS-PER-RUN]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-bench-decode"

#include "config.h"

#include <glib.h>
#include <stdlib.h>

#include "stipple-firmware.h"

#define RUNS 5
#define SET_SIZE 64

typedef struct
{
  guint8 bytes[STIPPLE_PROTO_MAX_FRAME];
  gsize len;
} Message;

typedef enum
{
  FAMILY_COMMAND,
  FAMILY_REPLY,
  FAMILY_TELEMETRY,
} Family;

static volatile guint32 sink;

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The pen's own traffic: every command, and its replies, recorded from
 * the firmware model; then telemetry with the needle running. */
static void
record (Message *commands,
        Message *replies,
        Message *telemetry)
{
  StippleFirmware *fw = g_new0 (StippleFirmware, 1);
  StippleProtoTreatment t = { .zone_id = 8, .depth_um = 1500, .rate_hz = 120, .passes = 3 };
  guint64 now = G_USEC_PER_SEC;
  guint n_telemetry = 0;

  stipple_firmware_init (fw, NULL, now);
  for (guint i = 0; i < SET_SIZE; i++)
    {
      static const guint8 order[] = {
        STIPPLE_PROTO_MSG_IDENTIFY, STIPPLE_PROTO_MSG_CARTRIDGE_INFO,
        STIPPLE_PROTO_MSG_SET_TREATMENT, STIPPLE_PROTO_MSG_GET_TREATMENT, STIPPLE_PROTO_MSG_ARM,
        STIPPLE_PROTO_MSG_HEARTBEAT, STIPPLE_PROTO_MSG_STATUS, STIPPLE_PROTO_MSG_HEARTBEAT,
      };
      StippleProtoCommand c = {
        .type = order[i % G_N_ELEMENTS (order)], .seq = (guint16) i, .treatment = t,
      };

      if (stipple_proto_command_encode (&c, commands[i].bytes, STIPPLE_PROTO_MAX_FRAME,
                                        &commands[i].len) != STIPPLE_PROTO_STATUS_OK)
        g_error ("cannot encode a command");
      stipple_firmware_receive (fw, commands[i].bytes, commands[i].len, now);
      replies[i].len = stipple_firmware_transmit (fw, replies[i].bytes, STIPPLE_PROTO_MAX_FRAME,
                                                  now);
      if (replies[i].len == 0)
        g_error ("the pen did not reply");
    }

  stipple_firmware_receive (fw, commands[4].bytes, commands[4].len, now);   /* ARM */
  stipple_firmware_transmit (fw, telemetry[0].bytes, STIPPLE_PROTO_MAX_FRAME, now);
  {
    StippleProtoCommand start = { .type = STIPPLE_PROTO_MSG_TELEMETRY_START };
    guint8 buf[STIPPLE_PROTO_MAX_FRAME];
    size_t len;

    stipple_proto_command_encode (&start, buf, sizeof buf, &len);
    stipple_firmware_receive (fw, buf, len, now);
    stipple_firmware_transmit (fw, buf, sizeof buf, now);
  }
  while (n_telemetry < SET_SIZE)
    {
      now += 2000;
      telemetry[n_telemetry].len = stipple_firmware_transmit (fw, telemetry[n_telemetry].bytes,
                                                              STIPPLE_PROTO_MAX_FRAME, now);
      if (telemetry[n_telemetry].len > 0)
        n_telemetry++;
    }

  g_free (fw);
}

static guint64
decode_all (Family         family,
            const Message *set,
            guint64        rounds)
{
  StippleProtoTelemetry *telemetry = g_new0 (StippleProtoTelemetry, 1);
  guint64 decoded = 0;
  guint32 acc = 0;

  for (guint64 r = 0; r < rounds; r++)
    for (guint i = 0; i < SET_SIZE; i++)
      {
        StippleProtoStatus status;

        switch (family)
          {
          case FAMILY_COMMAND:
            {
              StippleProtoCommand c;

              status = stipple_proto_command_decode (set[i].bytes, set[i].len, &c);
              acc += c.seq;
            }
            break;
          case FAMILY_REPLY:
            {
              StippleProtoReply rep;

              status = stipple_proto_reply_decode (set[i].bytes, set[i].len, &rep);
              acc += rep.result + rep.seq;
            }
            break;
          default:
            status = stipple_proto_telemetry_decode (set[i].bytes, set[i].len, telemetry);
            acc += (guint32) telemetry->samples[telemetry->count - 1].position_um;
            break;
          }
        if (status != STIPPLE_PROTO_STATUS_OK)
          g_error ("decoding failed: %s", stipple_proto_status_to_string (status));
        decoded++;
      }

  sink += acc;
  g_free (telemetry);

  return decoded;
}

/* Messages per second, the median of RUNS runs of about @seconds each. */
static double
measure (Family         family,
         const Message *set,
         double         seconds,
         guint64       *decoded_total)
{
  double rates[RUNS];
  guint64 rounds = 1;

  /* Calibrate: grow the round count until one run takes ~seconds. */
  for (;;)
    {
      gint64 start = g_get_monotonic_time ();
      double elapsed;

      decode_all (family, set, rounds);
      elapsed = (g_get_monotonic_time () - start) / 1e6;
      if (elapsed >= seconds / 4)
        {
          rounds = (guint64) (rounds * seconds / elapsed) + 1;
          break;
        }
      rounds *= 4;
    }

  *decoded_total = 0;
  for (guint run = 0; run < RUNS; run++)
    {
      gint64 start = g_get_monotonic_time ();
      guint64 decoded = decode_all (family, set, rounds);
      double elapsed = (g_get_monotonic_time () - start) / 1e6;

      rates[run] = decoded / elapsed;
      *decoded_total += decoded;
    }

  qsort (rates, RUNS, sizeof (double), compare_double);
  return rates[RUNS / 2];
}

int
main (int   argc,
      char *argv[])
{
  static Message commands[SET_SIZE], replies[SET_SIZE], telemetry[SET_SIZE];
  static const char *names[] = { "command", "reply", "telemetry" };
  const Message *sets[] = { commands, replies, telemetry };
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 0.2;
  g_autofree char *loadavg = NULL;
  double telemetry_rate = 0;

  if (seconds <= 0)
    seconds = 0.2;

  record (commands, replies, telemetry);

  if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
    g_print ("# load average at start: %s", loadavg);
  g_print ("# %u CPUs online; %d runs per family of about %.2f s each, median reported\n",
           g_get_num_processors (), RUNS, seconds);

  for (Family f = FAMILY_COMMAND; f <= FAMILY_TELEMETRY; f++)
    {
      guint64 total = 0;
      double rate = measure (f, sets[f], seconds, &total);

      g_print ("decode_%s_messages: %" G_GUINT64_FORMAT " count\n", names[f], total);
      g_print ("decode_%s: %.0f messages/s\n", names[f], rate);
      if (f == FAMILY_TELEMETRY)
        telemetry_rate = rate;
    }

  g_print ("decode_telemetry_samples: %.0f samples/s\n",
           telemetry_rate * STIPPLE_FIRMWARE_SAMPLES_PER_PACKET);
  /* How many pens at 8,000 samples/s one core could decode */
  g_print ("decode_telemetry_headroom: %.0f x\n",
           telemetry_rate * STIPPLE_FIRMWARE_SAMPLES_PER_PACKET / STIPPLE_FIRMWARE_SAMPLE_RATE_HZ);

  return 0;
}
