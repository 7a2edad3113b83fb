/* stipple-test-pen-record.h: needle samples recorded from the pen model
 *
 * Tests and benchmarks of the patient file's codec want what the pen
 * sends while treating: this drives the firmware model (src/pen/) as the
 * host would (a treatment, arm, telemetry on, a heartbeat every 100 ms)
 * and keeps the samples of its telemetry packets. Deterministic: the
 * same arguments give the same samples.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "stipple-firmware.h"

/* Hands @type to @fw and throws its replies away. */
static inline void
stipple_test_pen_record_command (StippleFirmware             *fw,
                                 guint8                       type,
                                 const StippleProtoTreatment *treatment,
                                 guint64                      now)
{
  StippleProtoCommand command = { .type = type };
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  size_t len;

  if (treatment != NULL)
    command.treatment = *treatment;
  if (stipple_proto_command_encode (&command, buf, sizeof buf, &len) != STIPPLE_PROTO_STATUS_OK)
    g_error ("cannot encode a command");
  stipple_firmware_receive (fw, buf, len, now);
  while (stipple_firmware_transmit (fw, buf, sizeof buf, now) > 0)
    ;
}

/**
 * stipple_test_pen_record:
 * @depth_um: the treatment's depth
 * @rate_hz: its stroke rate
 * @seed: the pen's seed for each stroke's depth variance
 * @lift_every: when not 0, the pen leaves the skin for a tenth of every
 *   @lift_every samples
 * @samples: (out caller-allocates) (array length=n): where to put them
 * @n: how many samples to record
 *
 * Records @n consecutive samples of the needle running.
 */
static inline void
stipple_test_pen_record (guint               depth_um,
                         guint               rate_hz,
                         guint32             seed,
                         guint               lift_every,
                         StippleProtoSample *samples,
                         guint               n)
{
  g_autofree StippleFirmware *fw = g_new0 (StippleFirmware, 1);
  g_autofree StippleProtoTelemetry *telemetry = g_new0 (StippleProtoTelemetry, 1);
  StippleFirmwareConfig config;
  StippleProtoTreatment treatment = {
    .zone_id = 8, .depth_um = depth_um, .rate_hz = rate_hz, .passes = 3,
  };
  guint64 now = 3 * G_USEC_PER_SEC;
  guint64 heartbeat = now;
  guint got = 0;

  stipple_firmware_config_init_default (&config);
  config.seed = seed;
  stipple_firmware_init (fw, &config, now);
  stipple_test_pen_record_command (fw, STIPPLE_PROTO_MSG_SET_TREATMENT, &treatment, now);
  stipple_test_pen_record_command (fw, STIPPLE_PROTO_MSG_ARM, NULL, now);
  if (!stipple_firmware_is_armed (fw))
    g_error ("the pen model did not arm at %u µm, %u Hz", depth_um, rate_hz);
  stipple_test_pen_record_command (fw, STIPPLE_PROTO_MSG_TELEMETRY_START, NULL, now);

  while (got < n)
    {
      guint8 buf[STIPPLE_PROTO_MAX_FRAME];
      size_t len;

      now += 1000;
      if (now - heartbeat >= 100000)
        {
          stipple_test_pen_record_command (fw, STIPPLE_PROTO_MSG_HEARTBEAT, NULL, now);
          heartbeat = now;
        }
      if (lift_every != 0)
        stipple_firmware_set_on_skin (fw, got % lift_every < lift_every - lift_every / 10, now);
      while (got < n && (len = stipple_firmware_transmit (fw, buf, sizeof buf, now)) > 0)
        {
          if (stipple_proto_telemetry_decode (buf, len, telemetry) != STIPPLE_PROTO_STATUS_OK)
            continue;
          for (guint i = 0; i < telemetry->count && got < n; i++)
            samples[got++] = telemetry->samples[i];
        }
    }
}
