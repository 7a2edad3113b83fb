/* test-device-pen.c: StipplePen through the real libusb code, to the pen model
 *
 * The pen firmware model (src/pen/) sits behind an emulated USB device
 * (tests/stipple-test-usb.c under umockdev); StipplePen drives it through
 * the libusb transport exactly as it would a real pen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include "stipple-firmware.h"
#include "stipple-pen.h"
#include "stipple-test-usb-pen.h"
#include "stipple-usb-transport.h"
#include "stipple-zones.h"
#include "stipple-test-wait.h"

/* A device that is not a pen: it must never be opened. */
static gsize
never_transmit (gpointer model, guint8 *buf, gsize cap, guint64 now_us)
{
  g_assert_not_reached ();
  return 0;
}

static void
never_receive (gpointer model, const guint8 *data, gsize len, guint64 now_us)
{
  g_assert_not_reached ();
}

static const StippleTestUsbModel stranger_model = {
  .receive = never_receive,
  .transmit = never_transmit,
};

typedef struct
{
  StippleTestUsb   *bed;
  StippleTestUsbPen model;
  guint             usb_pen;
  guint             usb_stranger;
  StipplePen       *pen;
  GThread          *main_thread;

  GPtrArray        *audit;
  GPtrArray        *faults;
  GArray           *disarms;
  guint             telemetry_batches;
  guint64           telemetry_samples;
  guint64           telemetry_lost;

  /* Written on the USB event thread by the sample function. */
  GMutex            lock;
  guint64           sink_samples;
  guint64           sink_lost;
  guint64           sink_gaps;
  guint64           sink_missing;
  guint32           sink_last_ts;
  gboolean          sink_off_thread;
} Fixture;

static void
audit_cb (StipplePen *pen,
          const char *kind,
          GVariant   *details,
          gint64      timestamp,
          Fixture    *f)
{
  g_assert_true (g_thread_self () == f->main_thread);
  g_assert_true (g_variant_is_of_type (details, G_VARIANT_TYPE_VARDICT));
  g_assert_cmpint (timestamp, >, 0);
  g_ptr_array_add (f->audit, g_strdup (kind));
}

static void
fault_cb (StipplePen *pen, const GError *error, Fixture *f)
{
  g_ptr_array_add (f->faults, g_error_copy (error));
}

static void
disarmed_cb (StipplePen *pen, StipplePenDisarmReason reason, const char *message, Fixture *f)
{
  g_assert_nonnull (message);
  g_array_append_val (f->disarms, reason);
}

static void
telemetry_cb (StipplePen *pen, gpointer samples, guint n_samples, guint lost, Fixture *f)
{
  g_assert_true (g_thread_self () == f->main_thread);
  f->telemetry_batches++;
  f->telemetry_samples += n_samples;
  f->telemetry_lost += lost;
}

static void
sample_cb (const StippleProtoSample *samples, guint n_samples, guint lost, gpointer user_data)
{
  Fixture *f = user_data;

  g_mutex_lock (&f->lock);
  if (g_thread_self () == f->main_thread)
    f->sink_off_thread = FALSE;
  for (guint i = 0; i < n_samples; i++)
    {
      /* Consecutive samples are 125 µs apart unless some were lost in
       * between: the gap says how many (modulo 2³², as the pen's clock). */
      guint32 step = samples[i].timestamp_us - f->sink_last_ts;

      if (f->sink_samples > 0 && step != 125)
        {
          f->sink_gaps++;
          f->sink_missing += step / 125 - 1;
        }
      f->sink_last_ts = samples[i].timestamp_us;
      f->sink_samples++;
    }
  f->sink_lost += lost;
  g_mutex_unlock (&f->lock);
}

static gboolean
audited (Fixture *f, const char *kind)
{
  for (guint i = 0; i < f->audit->len; i++)
    if (g_str_equal (g_ptr_array_index (f->audit, i), kind))
      return TRUE;
  return FALSE;
}

static gboolean
fw_is_armed (Fixture *f)
{
  return stipple_test_usb_pen_is_armed (f->bed, &f->model);
}

static guint64
heartbeats (Fixture *f)
{
  StipplePenLinkStats stats;

  stipple_pen_get_link_stats (f->pen, &stats);
  return stats.heartbeats;
}

static guint64
bad_frames (Fixture *f)
{
  StipplePenTelemetryStats stats;

  stipple_pen_get_telemetry_stats (f->pen, &stats);
  return stats.bad_frames;
}

/* Whether what the host counts as lost, less what the pen dropped itself,
 * is whole packets, @max_packets at most. */
static gboolean
lost_in_whole_packets (Fixture *f, guint max_packets)
{
  StipplePenTelemetryStats stats;
  guint64 pen_dropped;

  stipple_test_usb_lock (f->bed);
  pen_dropped = f->model.firmware.dropped_total;
  stipple_test_usb_unlock (f->bed);
  stipple_pen_get_telemetry_stats (f->pen, &stats);
  return stats.lost >= pen_dropped &&
         (stats.lost - pen_dropped) % STIPPLE_FIRMWARE_SAMPLES_PER_PACKET == 0 &&
         stats.lost - pen_dropped <= max_packets * STIPPLE_FIRMWARE_SAMPLES_PER_PACKET;
}

static guint32
fw_fault_left (Fixture *f, StippleFirmwareFault fault)
{
  guint32 left;

  stipple_test_usb_lock (f->bed);
  left = fault == STIPPLE_FIRMWARE_FAULT_DROP ? f->model.firmware.drop : f->model.firmware.corrupt;
  stipple_test_usb_unlock (f->bed);
  return left;
}

static guint64
fw_now_us (Fixture *f)
{
  return stipple_test_usb_now_us (f->bed);
}

/* The needle keeps running while @n more heartbeats go out, every one of
 * them answered in time: a window counted in heartbeats, not in
 * milliseconds, so that a busy machine lengthens it rather than failing
 * it. It is a window all the same, since what is checked is that nothing
 * happens (no watchdog stop, no fault) while heartbeats come. */
static void
assert_armed_for_heartbeats (Fixture *f, guint n)
{
  guint64 until = heartbeats (f) + n;

  WAIT_FOR (heartbeats (f) >= until || !fw_is_armed (f) ||
            stipple_pen_get_state (f->pen) != STIPPLE_PEN_STATE_ARMED);
  if (!fw_is_armed (f) || stipple_pen_get_state (f->pen) != STIPPLE_PEN_STATE_ARMED)
    {
      StipplePenLinkStats link;
      StippleProtoPenStatus status;

      /* Say who stopped the needle, and how the link kept its time. */
      stipple_pen_get_link_stats (f->pen, &link);
      stipple_test_usb_lock (f->bed);
      stipple_firmware_get_status (&f->model.firmware, &status);
      stipple_test_usb_unlock (f->bed);
      g_error ("the needle stopped after %" G_GUINT64_FORMAT " of %u heartbeats: the pen says "
               "disarm reason %u, the host %u disarms (first reason %d), %u faults (%s); "
               "heartbeat intervals p99 %" G_GINT64_FORMAT " ms, max %" G_GINT64_FORMAT
               " ms, main thread's worst age %" G_GINT64_FORMAT " ms, %" G_GUINT64_FORMAT
               " resends",
               n - (until - heartbeats (f)), n, status.disarm_reason, f->disarms->len,
               f->disarms->len > 0 ? (int) g_array_index (f->disarms, StipplePenDisarmReason, 0) : -1,
               f->faults->len,
               f->faults->len > 0 ? ((GError *) g_ptr_array_index (f->faults, 0))->message : "none",
               link.interval_p99_us / 1000, link.interval_max_us / 1000, link.ui_age_max_us / 1000,
               link.resends);
    }
}

/* The pen plugged in, the host started; @corrupt replies from the pen are
 * garbage before it starts, and @hotplug says how the host hears of pens. */
static void
fixture_start (Fixture *f, guint corrupt, gboolean hotplug)
{
  g_autoptr(GError) error = NULL;
  StippleTransport *transport;

  f->main_thread = g_thread_self ();
  g_mutex_init (&f->lock);
  f->sink_off_thread = TRUE;
  f->audit = g_ptr_array_new_with_free_func (g_free);
  f->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  f->disarms = g_array_new (FALSE, FALSE, sizeof (StipplePenDisarmReason));

  f->bed = stipple_test_usb_new ();

  /* Same vendor, another product: plugged in first, never touched. */
  f->usb_stranger = stipple_test_usb_add_device (f->bed, STIPPLE_PROTO_USB_VID, 0x0bad,
                                                 &stranger_model, NULL);
  f->usb_pen = stipple_test_usb_pen_plug (f->bed, &f->model);
  stipple_test_usb_lock (f->bed);
  stipple_firmware_set_fault (&f->model.firmware, STIPPLE_FIRMWARE_FAULT_CORRUPT, corrupt);
  stipple_test_usb_unlock (f->bed);

  transport = stipple_usb_transport_new (STIPPLE_PROTO_USB_VID, STIPPLE_PROTO_USB_PID_TEST, hotplug);
  f->pen = stipple_pen_new (transport);
  g_object_unref (transport);
  stipple_pen_set_sample_func (f->pen, sample_cb, f);
  g_signal_connect (f->pen, "audit", G_CALLBACK (audit_cb), f);
  g_signal_connect (f->pen, "fault", G_CALLBACK (fault_cb), f);
  g_signal_connect (f->pen, "disarmed", G_CALLBACK (disarmed_cb), f);
  g_signal_connect (f->pen, "telemetry", G_CALLBACK (telemetry_cb), f);

  g_assert_true (stipple_pen_start (f->pen, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  fixture_start (f, 0, TRUE);
  WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_CONNECTED);
}

static void
fixture_setup_connected (Fixture *f, gconstpointer data)
{
  fixture_start (f, 0, GPOINTER_TO_INT (data));
  WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_CONNECTED);
}

static void
fixture_setup_garbage (Fixture *f, gconstpointer data)
{
  /* Garbage for longer than any test waits. */
  fixture_start (f, G_MAXUINT32, GPOINTER_TO_INT (data));
}

static void
fixture_setup_eight_garbage (Fixture *f, gconstpointer data)
{
  fixture_start (f, 8, GPOINTER_TO_INT (data));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  stipple_pen_stop (f->pen);
  g_clear_object (&f->pen);
  g_clear_pointer (&f->bed, stipple_test_usb_free);
  g_clear_pointer (&f->audit, g_ptr_array_unref);
  g_clear_pointer (&f->faults, g_ptr_array_unref);
  g_clear_pointer (&f->disarms, g_array_unref);
  g_mutex_clear (&f->lock);
}

static void
async_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
push (Fixture *f, guint zone, guint depth_um, guint rate_hz, guint passes, GError **error)
{
  StipplePenSettings settings = { .zone_id = zone, .depth_um = depth_um,
                                  .rate_hz = rate_hz, .passes = passes };
  g_autoptr(GAsyncResult) result = NULL;

  stipple_pen_push_settings_async (f->pen, &settings, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);

  return stipple_pen_push_settings_finish (f->pen, result, error);
}

static gboolean
arm (Fixture *f, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  stipple_pen_arm_async (f->pen, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);

  return stipple_pen_arm_finish (f->pen, result, error);
}

static gboolean
disarm (Fixture *f, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  stipple_pen_disarm_async (f->pen, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);

  return stipple_pen_disarm_finish (f->pen, result, error);
}

static void
test_identify (Fixture *f, gconstpointer data)
{
  const StipplePenIdentity *identity = stipple_pen_get_identity (f->pen);
  const StipplePenCartridge *cartridge = stipple_pen_get_cartridge (f->pen);

  g_assert_true (stipple_pen_get_connected (f->pen));
  g_assert_false (stipple_pen_get_verified (f->pen));
  g_assert_null (stipple_pen_get_applied_settings (f->pen));

  g_assert_nonnull (identity);
  g_assert_cmpstr (identity->serial, ==, "STP-EMU-0001");
  g_assert_cmpuint (identity->depth_max_um, ==, 2500);
  g_assert_cmpuint (identity->depth_step_um, ==, 50);
  g_assert_cmpuint (identity->rate_min_hz, ==, 90);
  g_assert_cmpuint (identity->rate_max_hz, ==, 150);
  g_assert_cmpuint (identity->sample_rate_hz, ==, 8000);

  g_assert_nonnull (cartridge);
  g_assert_cmpstr (cartridge->id, ==, "CRT16-000042");
  g_assert_cmpstr (cartridge->lot, ==, "L2611A");
  g_assert_cmpuint (cartridge->max_depth_um, ==, 2000);

  g_assert_true (audited (f, "connected"));

  /* The device with another product id was never opened. */
  g_assert_cmpuint (stipple_test_usb_get_claims (f->bed, f->usb_pen), ==, 1);
  g_assert_cmpuint (stipple_test_usb_get_ioctls (f->bed, f->usb_stranger), ==, 0);
}

static void
test_push_verify (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const StipplePenSettings *applied;
  StippleProtoTreatment on_pen;

  g_assert_true (push (f, STIPPLE_ZONE_CHEEK_LEFT, 1500, 120, 2, &error));
  g_assert_no_error (error);
  g_assert_true (stipple_pen_get_verified (f->pen));

  applied = stipple_pen_get_applied_settings (f->pen);
  g_assert_nonnull (applied);
  g_assert_cmpuint (applied->zone_id, ==, STIPPLE_ZONE_CHEEK_LEFT);
  g_assert_cmpuint (applied->depth_um, ==, 1500);
  g_assert_cmpuint (applied->rate_hz, ==, 120);
  g_assert_cmpuint (applied->passes, ==, 2);

  stipple_test_usb_lock (f->bed);
  g_assert_true (stipple_firmware_get_treatment (&f->model.firmware, &on_pen));
  stipple_test_usb_unlock (f->bed);
  g_assert_cmpuint (on_pen.depth_um, ==, 1500);
  g_assert_cmpuint (on_pen.zone_id, ==, STIPPLE_ZONE_CHEEK_LEFT);

  g_assert_true (audited (f, "settings-sent"));
  g_assert_true (audited (f, "settings-verified"));
}

static void
test_refused_depth (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (push (f, STIPPLE_ZONE_CHEEK_LEFT, 1000, 120, 1, &error));

  /* Above the pen's hard cap: the pen says no, and says why. */
  g_assert_false (push (f, STIPPLE_ZONE_CHEEK_LEFT, 2600, 120, 1, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==,
                   "The pen refused 2.6 mm for Left cheek: above the pen’s maximum of 2.5 mm.");
  g_assert_false (stipple_pen_get_verified (f->pen));
  g_assert_true (audited (f, "settings-refused"));
  g_clear_error (&error);

  /* Above the cartridge's rating. */
  g_assert_false (push (f, STIPPLE_ZONE_CHIN, 2100, 120, 1, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==,
                   "The pen refused 2.1 mm for Chin: above this cartridge’s maximum of 2.0 mm.");
  g_clear_error (&error);

  /* Refused values change nothing on the pen; arming stays refused until
   * a push is verified again. */
  g_assert_false (arm (f, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY);
  g_assert_true (audited (f, "arm-refused"));
  g_assert_false (fw_is_armed (f));
}

static void
test_nak (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  /* BUSY is worth asking again. */
  stipple_test_usb_lock (f->bed);
  stipple_firmware_set_nak_result (&f->model.firmware, STIPPLE_PROTO_RESULT_BUSY);
  stipple_firmware_set_fault (&f->model.firmware, STIPPLE_FIRMWARE_FAULT_NAK, 2);
  stipple_test_usb_unlock (f->bed);
  g_assert_true (push (f, STIPPLE_ZONE_FOREHEAD, 500, 100, 1, &error));
  g_assert_no_error (error);

  /* Any other refusal is final, and explained: a pen that does not know
   * a command... */
  stipple_test_usb_lock (f->bed);
  stipple_firmware_set_nak_result (&f->model.firmware, STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND);
  stipple_firmware_set_fault (&f->model.firmware, STIPPLE_FIRMWARE_FAULT_NAK, 1);
  stipple_test_usb_unlock (f->bed);
  g_assert_false (push (f, STIPPLE_ZONE_FOREHEAD, 500, 100, 1, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "does not understand this version"));
  g_assert_false (stipple_pen_get_verified (f->pen));
  g_clear_error (&error);

  /* ...and a stroke rate outside the pen's range. */
  g_assert_false (push (f, STIPPLE_ZONE_FOREHEAD, 500, 200, 1, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==,
                   "The pen refused 200 strokes per second for Forehead: it runs from 90 to "
                   "150 strokes per second.");
  g_assert_false (stipple_pen_get_verified (f->pen));
}

static void
test_reused_cartridge (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StippleProtoCartridge used = { .id = "CRT16-000007", .lot = "L2610C", .needle_count = 16,
                                 .max_depth_um = 2000, .use_count = 1 };

  /* A cartridge that was used before goes in after connecting: the next
   * push reads it, and arming is refused before the pen is even asked. */
  stipple_test_usb_lock (f->bed);
  stipple_firmware_insert_cartridge (&f->model.firmware, &used, stipple_test_usb_now_us (f->bed));
  stipple_test_usb_unlock (f->bed);

  g_assert_true (push (f, STIPPLE_ZONE_CHIN, 1000, 120, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (stipple_pen_get_cartridge (f->pen)->id, ==, "CRT16-000007");
  g_assert_true (stipple_pen_get_cartridge (f->pen)->flags & STIPPLE_PROTO_CARTRIDGE_REUSED);

  g_assert_false (arm (f, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "single-use cartridge has been used before"));
  g_assert_true (audited (f, "arm-refused"));
  g_assert_false (fw_is_armed (f));
}

static void
test_mismatch (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const StipplePenSettings *applied;

  /* The pen's acknowledgement echoes 1.5 mm for 1.0 mm sent. */
  stipple_test_usb_lock (f->bed);
  f->model.tamper_type = STIPPLE_PROTO_MSG_SET_TREATMENT;
  f->model.tamper_depth_um = 1500;
  stipple_test_usb_unlock (f->bed);

  g_assert_false (push (f, STIPPLE_ZONE_CHIN, 1000, 120, 2, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_false (stipple_pen_get_verified (f->pen));

  /* The pen acknowledges 1.0 mm but reads back 1.5 mm. */
  stipple_test_usb_lock (f->bed);
  f->model.tamper_type = STIPPLE_PROTO_MSG_GET_TREATMENT;
  stipple_test_usb_unlock (f->bed);

  g_assert_false (push (f, STIPPLE_ZONE_CHIN, 1000, 120, 2, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "it reports 1.5 mm"));
  g_assert_nonnull (strstr (error->message, "but 1.0 mm"));
  g_clear_error (&error);

  g_assert_false (stipple_pen_get_verified (f->pen));
  g_assert_cmpint (stipple_pen_get_state (f->pen), ==, STIPPLE_PEN_STATE_FAULT);
  applied = stipple_pen_get_applied_settings (f->pen);
  g_assert_cmpuint (applied->depth_um, ==, 1500);
  g_assert_true (audited (f, "settings-mismatch"));
  g_assert_cmpuint (f->faults->len, ==, 2);

  g_assert_false (arm (f, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY);
  g_clear_error (&error);
  g_assert_false (fw_is_armed (f));

  /* Once the pen reads back what it was sent, all is well again. */
  stipple_test_usb_lock (f->bed);
  f->model.tamper_depth_um = 0;
  stipple_test_usb_unlock (f->bed);
  g_assert_true (push (f, STIPPLE_ZONE_CHIN, 1000, 120, 2, &error));
  g_assert_cmpint (stipple_pen_get_state (f->pen), ==, STIPPLE_PEN_STATE_CONNECTED);
  g_assert_true (arm (f, &error));
  g_assert_no_error (error);
}

static void
test_crc_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StipplePenTelemetryStats stats;

  /* Corrupt IN packets fail their CRC: a reply is asked for again, a
   * telemetry packet shows as a gap of one packet's samples. */
  stipple_test_usb_lock (f->bed);
  stipple_firmware_set_fault (&f->model.firmware, STIPPLE_FIRMWARE_FAULT_CORRUPT, 3);
  stipple_test_usb_unlock (f->bed);

  g_assert_true (push (f, STIPPLE_ZONE_NOSE, 250, 110, 1, &error));
  g_assert_no_error (error);
  /* The corruptions not spent on replies fall on telemetry packets still
   * to come. */
  WAIT_FOR (fw_fault_left (f, STIPPLE_FIRMWARE_FAULT_CORRUPT) == 0 && bad_frames (f) >= 3);
  /* Besides whole packets, the host counts what the pen dropped itself
   * (on a machine too busy to read it in time), once a packet after the
   * drop has told it: wait until the two agree. An overcount never does. */
  WAIT_FOR (lost_in_whole_packets (f, 3));

  stipple_pen_get_telemetry_stats (f->pen, &stats);
  g_assert_cmpuint (stats.bad_frames, ==, 3);
}

static void
test_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* The pen goes deaf on IN for longer than three tries take. */
  stipple_test_usb_lock (f->bed);
  stipple_firmware_set_fault (&f->model.firmware, STIPPLE_FIRMWARE_FAULT_DROP, 1000);
  stipple_test_usb_unlock (f->bed);

  start = g_get_monotonic_time ();
  g_assert_false (push (f, STIPPLE_ZONE_NOSE, 250, 110, 1, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "did not answer (3 tries)"));
  /* Three 100 ms deadlines, not more. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_false (stipple_pen_get_verified (f->pen));
  g_assert_true (audited (f, "settings-failed"));
}

static guint
fw_commands (Fixture *f)
{
  guint executed;

  stipple_test_usb_lock (f->bed);
  executed = f->model.firmware.commands_executed;
  stipple_test_usb_unlock (f->bed);
  return executed;
}

static guint64
link_resends (Fixture *f)
{
  StipplePenLinkStats stats;

  stipple_pen_get_link_stats (f->pen, &stats);
  return stats.resends;
}

/* Holds the window's thread, as a long frame or a slow fsync would: its
 * main loop does not run until the link has sent a command again (or the
 * time runs out), so only the link's own thread can have done it. */
static gboolean
hold_main_thread_until_resent (Fixture *f)
{
  gint64 until = g_get_monotonic_time () + (gint64) TEST_WAIT_SECONDS * G_USEC_PER_SEC *
                                           test_slowdown ();

  while (link_resends (f) == 0)
    {
      if (g_get_monotonic_time () > until)
        return FALSE;
      g_usleep (1000);
    }
  return TRUE;
}

/* A reply lost while the window's thread is busy: the command goes again,
 * with the same sequence number, on the link's clock, without waiting for
 * that thread; the resend is counted once. */
static void
test_reply_timing_main_busy (Fixture *f, gconstpointer data)
{
  StipplePenSettings settings = { .zone_id = STIPPLE_ZONE_FOREHEAD, .depth_um = 500,
                                  .rate_hz = 110, .passes = 1 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint before = fw_commands (f);

  stipple_test_usb_lock (f->bed);
  stipple_firmware_set_fault (&f->model.firmware, STIPPLE_FIRMWARE_FAULT_DROP_REPLY, 1);
  stipple_test_usb_unlock (f->bed);

  stipple_pen_push_settings_async (f->pen, &settings, NULL, async_cb, &result);
  /* SET_TREATMENT, its reply lost, and SET_TREATMENT again. */
  g_assert_true (hold_main_thread_until_resent (f));
  g_assert_cmpuint (fw_commands (f), >=, before + 1);

  WAIT_FOR (result != NULL);
  g_assert_true (stipple_pen_push_settings_finish (f->pen, result, &error));
  g_assert_no_error (error);
  /* Only the command whose reply was lost went twice. */
  g_assert_cmpuint (link_resends (f), ==, 1);
}

/* The clinician's emergency stop, its confirmation lost, while the
 * window's thread is busy: the link sends it again by itself. */
static void
test_estop_resent_main_busy (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (push (f, STIPPLE_ZONE_CHIN, 1000, 120, 1, &error));
  g_assert_true (arm (f, &error));
  g_assert_cmpuint (link_resends (f), ==, 0);

  /* Two replies lost: the stop's first, and perhaps a heartbeat's still
   * on its way; the third try of the stop is confirmed at the latest. */
  stipple_test_usb_lock (f->bed);
  stipple_firmware_set_fault (&f->model.firmware, STIPPLE_FIRMWARE_FAULT_DROP_REPLY, 2);
  stipple_test_usb_unlock (f->bed);
  stipple_pen_emergency_stop (f->pen);
  g_assert_true (hold_main_thread_until_resent (f));
  g_assert_false (fw_is_armed (f));
  g_assert_cmpint (stipple_pen_get_state (f->pen), ==, STIPPLE_PEN_STATE_CONNECTED);
  g_assert_cmpuint (link_resends (f), <=, 2);
}

static void
test_stall (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StippleUsbTransportStats stats;

  stipple_test_usb_lock (f->bed);
  stipple_firmware_set_fault (&f->model.firmware, STIPPLE_FIRMWARE_FAULT_STALL, 1);
  stipple_test_usb_unlock (f->bed);

  /* The transport clears the halt and the command goes through. */
  g_assert_true (push (f, STIPPLE_ZONE_NOSE, 250, 110, 1, &error));
  g_assert_no_error (error);
  stipple_usb_transport_get_stats (STIPPLE_USB_TRANSPORT (stipple_pen_get_transport (f->pen)),
                                   &stats);
  g_assert_cmpuint (stats.stalls, >=, 1);
  g_assert_true (stipple_pen_get_connected (f->pen));
}

static void
test_arm_heartbeat_disarm (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  /* No arming before the pen confirmed the settings. */
  g_assert_false (arm (f, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY);
  g_clear_error (&error);

  g_assert_true (push (f, STIPPLE_ZONE_CHEEK_RIGHT, 1000, 120, 2, &error));
  g_assert_true (arm (f, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stipple_pen_get_state (f->pen), ==, STIPPLE_PEN_STATE_ARMED);
  g_assert_true (fw_is_armed (f));
  g_assert_true (audited (f, "arm"));

  /* Ten heartbeats, four watchdog periods when they come on time: the
   * heartbeat keeps the needle running. */
  assert_armed_for_heartbeats (f, 10);

  /* 80 ms of packets from the pen lost (of real time, when the pen's clock
   * runs slower): a heartbeat reply goes missing, the heartbeat is sent
   * again, and nothing stops. */
  stipple_test_usb_lock (f->bed);
  stipple_firmware_set_fault (&f->model.firmware, STIPPLE_FIRMWARE_FAULT_DROP,
                              40 / test_env_factor ("STIPPLE_TEST_PEN_CLOCK_SLOWDOWN"));
  stipple_test_usb_unlock (f->bed);
  /* Every packet meant to be lost is lost... */
  WAIT_FOR (fw_fault_left (f, STIPPLE_FIRMWARE_FAULT_DROP) == 0 || !fw_is_armed (f));
  g_assert_true (fw_is_armed (f));
  /* ...and the needle runs on through the heartbeats that follow, longer
   * than the host's 250 ms of silence before it gives the pen up. */
  assert_armed_for_heartbeats (f, 4);

  /* Settings cannot change under a running needle. */
  g_assert_false (push (f, STIPPLE_ZONE_CHEEK_RIGHT, 1500, 120, 2, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY);
  g_clear_error (&error);

  g_assert_true (disarm (f, &error));
  g_assert_no_error (error);
  g_assert_false (fw_is_armed (f));
  g_assert_cmpint (stipple_pen_get_state (f->pen), ==, STIPPLE_PEN_STATE_CONNECTED);
  g_assert_cmpuint (f->disarms->len, ==, 1);
  g_assert_cmpint (g_array_index (f->disarms, StipplePenDisarmReason, 0), ==,
                   STIPPLE_PEN_DISARM_HOST);
  g_assert_true (audited (f, "disarm"));
  /* Still verified: the next pass needs no new push. */
  g_assert_true (stipple_pen_get_verified (f->pen));
  g_assert_cmpuint (f->faults->len, ==, 0);
}

static void
test_emergency_stop (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  StippleProtoPenStatus status;

  g_assert_true (push (f, STIPPLE_ZONE_CHIN, 1000, 120, 1, &error));
  g_assert_true (arm (f, &error));
  g_assert_true (fw_is_armed (f));

  stipple_pen_emergency_stop (f->pen);

  /* Stopped on the host at once, before the pen even answered. */
  g_assert_cmpint (stipple_pen_get_state (f->pen), ==, STIPPLE_PEN_STATE_CONNECTED);
  g_assert_false (stipple_pen_get_verified (f->pen));
  g_assert_null (stipple_pen_get_applied_settings (f->pen));
  g_assert_cmpuint (f->disarms->len, ==, 1);
  g_assert_cmpint (g_array_index (f->disarms, StipplePenDisarmReason, 0), ==,
                   STIPPLE_PEN_DISARM_EMERGENCY_STOP);
  g_assert_true (audited (f, "emergency-stop"));

  WAIT_FOR (!fw_is_armed (f));
  stipple_test_usb_lock (f->bed);
  stipple_firmware_get_status (&f->model.firmware, &status);
  stipple_test_usb_unlock (f->bed);
  g_assert_cmpuint (status.disarm_reason, ==, STIPPLE_PROTO_DISARM_EMERGENCY_STOP);
  g_assert_cmpuint (status.state, ==, STIPPLE_PROTO_STATE_IDLE);

  /* The pen forgot the settings: arming needs a new push. */
  g_assert_false (arm (f, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY);
  g_clear_error (&error);

  /* With commands waiting, the stop goes first and they are dropped. */
  g_assert_true (push (f, STIPPLE_ZONE_CHIN, 1000, 120, 1, &error));
  g_assert_true (arm (f, &error));
  stipple_pen_disarm_async (f->pen, NULL, async_cb, &first);
  stipple_pen_disarm_async (f->pen, NULL, async_cb, &second);
  stipple_pen_emergency_stop (f->pen);
  g_assert_cmpint (stipple_pen_get_state (f->pen), ==, STIPPLE_PEN_STATE_CONNECTED);

  WAIT_FOR (first != NULL && second != NULL);
  g_assert_false (stipple_pen_disarm_finish (f->pen, second, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY);
  g_clear_error (&error);
  g_assert_false (stipple_pen_disarm_finish (f->pen, first, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY);

  WAIT_FOR (!fw_is_armed (f));
  stipple_test_usb_lock (f->bed);
  stipple_firmware_get_status (&f->model.firmware, &status);
  stipple_test_usb_unlock (f->bed);
  g_assert_cmpuint (status.state, ==, STIPPLE_PROTO_STATE_IDLE);
}

static void
test_pen_stops_by_itself (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const GError *fault;

  g_assert_true (push (f, STIPPLE_ZONE_CHIN, 1000, 120, 1, &error));
  g_assert_true (arm (f, &error));

  /* The cartridge comes out while the needle runs: the pen stops, and
   * the next heartbeat tells the host. */
  stipple_test_usb_lock (f->bed);
  stipple_firmware_remove_cartridge (&f->model.firmware, stipple_test_usb_now_us (f->bed));
  stipple_test_usb_unlock (f->bed);

  WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_FAULT);
  g_assert_false (stipple_pen_get_verified (f->pen));
  g_assert_cmpuint (f->disarms->len, ==, 1);
  g_assert_cmpint (g_array_index (f->disarms, StipplePenDisarmReason, 0), ==,
                   STIPPLE_PEN_DISARM_CARTRIDGE_REMOVED);
  g_assert_cmpuint (f->faults->len, ==, 1);
  fault = g_ptr_array_index (f->faults, 0);
  g_assert_nonnull (strstr (fault->message, "cartridge was removed"));
  g_assert_true (audited (f, "fault"));
}

static void
test_heartbeat_unanswered (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (push (f, STIPPLE_ZONE_CHIN, 1000, 120, 1, &error));
  g_assert_true (arm (f, &error));

  /* Nothing comes back from the pen any more. */
  stipple_test_usb_lock (f->bed);
  stipple_firmware_set_fault (&f->model.firmware, STIPPLE_FIRMWARE_FAULT_DROP, 100000);
  stipple_test_usb_unlock (f->bed);

  WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_FAULT);
  g_assert_cmpuint (f->faults->len, >=, 1);
  g_assert_error ((GError *) g_ptr_array_index (f->faults, 0), STIPPLE_PEN_ERROR,
                  STIPPLE_PEN_ERROR_TIMEOUT);
  g_assert_cmpuint (f->disarms->len, ==, 1);
  g_assert_cmpint (g_array_index (f->disarms, StipplePenDisarmReason, 0), ==,
                   STIPPLE_PEN_DISARM_NO_REPLY);
  /* The trail names the cause: a stop of the link's own, not the
   * clinician's emergency stop. */
  g_assert_true (audited (f, "disarm"));
  g_assert_true (audited (f, "fault"));
  g_assert_false (audited (f, "emergency-stop"));
  /* The emergency stop sent on losing contact still reached the pen. */
  WAIT_FOR (!fw_is_armed (f));
}

static gboolean
loss_heard_everywhere (Fixture *f)
{
  StipplePenTelemetryStats stats;
  gboolean agree;

  stipple_pen_get_telemetry_stats (f->pen, &stats);
  g_mutex_lock (&f->lock);
  agree = f->sink_lost == stats.lost;
  g_mutex_unlock (&f->lock);
  return agree && f->telemetry_lost == stats.lost;
}

static void
test_telemetry_8khz (Fixture *f, gconstpointer data)
{
  StipplePenTelemetryStats stats;
  guint64 start_samples;
  guint start_batches;
  gint64 start_real_us, elapsed_ms;

  g_mutex_lock (&f->lock);
  start_samples = f->sink_samples;
  g_mutex_unlock (&f->lock);

  start_batches = f->telemetry_batches;
  start_real_us = g_get_monotonic_time ();

  /* A second of the pen's clock: the rate is the pen's, so its clock is
   * what the window is measured on. */
  {
    guint64 start_us = fw_now_us (f);

    WAIT_FOR (fw_now_us (f) - start_us >= G_USEC_PER_SEC);
  }
  /* The main thread hears of a loss with its next batch: wait until it,
   * the sample function and the pen's totals agree. */
  WAIT_FOR (loss_heard_everywhere (f));
  elapsed_ms = (g_get_monotonic_time () - start_real_us) / 1000;

  stipple_pen_get_telemetry_stats (f->pen, &stats);
  g_mutex_lock (&f->lock);
  /* A second at 8,000 samples/s: each sample measured was either
   * delivered, in order, or counted as lost (at most a queue's worth may
   * still be on its way). */
  g_assert_cmpuint (f->sink_samples + f->sink_lost - start_samples, >=, 7000);
  /* Loss is never silent, and its count is exact: the samples missing
   * between timestamps are the samples the packets said were lost. */
  g_assert_cmpuint (f->sink_missing, ==, f->sink_lost);
  /* Whether a busy host kept up is a real-time figure (bench-link's
   * samples_lost), not a functional one: it is reported, not asserted. */
  g_test_message ("usb_telemetry_samples_lost: %" G_GUINT64_FORMAT " count in %" G_GUINT64_FORMAT
                  " gaps", f->sink_lost, f->sink_gaps);
  g_assert_true (f->sink_off_thread);
  /* (The pen's total, the sample function's and the main thread's agreed
   * above: the wait for that is the check.) */
  g_mutex_unlock (&f->lock);
  g_assert_cmpuint (stats.bad_frames, ==, 0);

  /* The main thread hears the same samples, in batches rather than one
   * wake-up per packet: at most one batch every 10 ms, for 1,000 packets
   * a second. */
  g_assert_cmpuint (f->telemetry_samples + STIPPLE_PROTO_TELEMETRY_MAX_SAMPLES * 64, >=,
                    stats.samples);
  g_assert_cmpint (f->telemetry_batches - start_batches, <=, elapsed_ms / 10 + 2);
}

static void
test_unplug_replug (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StippleProtoPenStatus status;
  const GError *fault;

  g_assert_true (push (f, STIPPLE_ZONE_CHEEK_LEFT, 1500, 120, 2, &error));
  g_assert_true (arm (f, &error));
  /* Mid-stream: samples have reached the main thread. */
  WAIT_FOR (f->telemetry_samples > 0);

  /* The cable comes out mid-stream. */
  stipple_test_usb_unplug (f->bed, f->usb_pen);
  WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_DISCONNECTED);

  g_assert_false (stipple_pen_get_verified (f->pen));
  g_assert_cmpuint (f->disarms->len, ==, 1);
  g_assert_cmpint (g_array_index (f->disarms, StipplePenDisarmReason, 0), ==,
                   STIPPLE_PEN_DISARM_UNPLUGGED);
  g_assert_cmpuint (f->faults->len, ==, 1);
  fault = g_ptr_array_index (f->faults, 0);
  g_assert_error ((GError *) fault, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED);
  g_assert_nonnull (strstr (fault->message, "unplugged while the needle was running"));

  /* The battery pen hears no heartbeat: its watchdog stops the needle. */
  WAIT_FOR (!fw_is_armed (f));
  stipple_test_usb_lock (f->bed);
  stipple_firmware_get_status (&f->model.firmware, &status);
  stipple_test_usb_unlock (f->bed);
  g_assert_cmpuint (status.disarm_reason, ==, STIPPLE_PROTO_DISARM_WATCHDOG);

  /* Plugged in again: identified anew, told why it stopped, and not to be
   * armed before the settings are pushed and verified again. */
  stipple_test_usb_replug (f->bed, f->usb_pen);
  WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_CONNECTED);
  g_assert_false (stipple_pen_get_verified (f->pen));
  g_assert_cmpuint (stipple_pen_get_last_pen_disarm (f->pen), ==, STIPPLE_PROTO_DISARM_WATCHDOG);

  g_assert_false (arm (f, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY);
  g_clear_error (&error);

  g_assert_true (push (f, STIPPLE_ZONE_CHEEK_LEFT, 1500, 120, 2, &error));
  g_assert_true (arm (f, &error));
  g_assert_no_error (error);
  g_assert_true (fw_is_armed (f));
  g_assert_true (disarm (f, &error));
}

/* The unplug drill through libusb: the cable comes out at random moments
 * of a running needle. Every time the pen's watchdog stops the needle
 * within 250 ms of its own clock (plus the model's tick), the host hears
 * of it as an unplug, and after the replug the pen may not run until the
 * settings are pushed and verified again. STIPPLE_DRILL_TRIALS sets the
 * number of trials, STIPPLE_DRILL_SEED the moments. */
static void
test_unplug_drill (Fixture *f, gconstpointer data)
{
  const char *trials_env = g_getenv ("STIPPLE_DRILL_TRIALS");
  const char *seed_env = g_getenv ("STIPPLE_DRILL_SEED");
  guint trials = trials_env ? (guint) g_ascii_strtoull (trials_env, NULL, 10) : 8;
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : g_random_int ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint64 worst_us = 0;
  guint failures = 0;
  guint stopped_early = 0;

  g_test_message ("seed %u, %u trials", seed, trials);

  for (guint trial = 0; trial < trials; trial++)
    {
      g_autoptr(GError) error = NULL;
      guint64 unplugged_at, stopped_at;
      guint faults_before = f->faults->len;
      guint depth_um = 250 + 250 * g_rand_int_range (rand, 0, 7);

      g_assert_true (push (f, STIPPLE_ZONE_FOREHEAD, depth_um, 120, 1, &error));
      g_assert_no_error (error);
      g_assert_true (arm (f, &error));
      g_assert_no_error (error);
      /* A random moment of the running needle, on the pen's clock (the
       * one its watchdog keeps). */
      {
        guint64 armed_at = fw_now_us (f);
        guint64 run_us = g_rand_int_range (rand, 5, 400) * 1000;

        WAIT_FOR (fw_now_us (f) - armed_at >= run_us);
      }

      stipple_test_usb_lock (f->bed);
      unplugged_at = stipple_test_usb_now_us (f->bed);
      stipple_test_usb_unlock (f->bed);
      stipple_test_usb_unplug (f->bed, f->usb_pen);
      WAIT_FOR (!fw_is_armed (f));
      /* When the pen stopped, on its own clock, not when this thread saw it. */
      stipple_test_usb_lock (f->bed);
      stopped_at = f->model.firmware.disarmed_us;
      stipple_test_usb_unlock (f->bed);
      if (stopped_at < unplugged_at)
        {
          /* A machine so busy that the pen's watchdog stopped the needle
           * before the cable was pulled: safe, and nothing to time. */
          g_test_message ("trial %u: the pen had stopped %.1f ms before the unplug", trial,
                          (unplugged_at - stopped_at) / 1000.0);
          stopped_early++;
        }
      else
        {
          worst_us = MAX (worst_us, stopped_at - unplugged_at);
          if (stopped_at - unplugged_at > 250000 + 5000)
            failures++;
        }

      WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_DISCONNECTED);
      g_assert_false (stipple_pen_get_verified (f->pen));
      g_assert_cmpuint (f->faults->len, >, faults_before);
      g_assert_error ((GError *) g_ptr_array_index (f->faults, f->faults->len - 1),
                      STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED);

      stipple_test_usb_replug (f->bed, f->usb_pen);
      WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_CONNECTED);
      g_assert_false (stipple_pen_get_verified (f->pen));
      g_assert_false (arm (f, &error));
      g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY);
      g_assert_false (fw_is_armed (f));
    }

  g_test_message ("usb_unplug_drill_trials: %u count", trials);
  g_test_message ("usb_unplug_drill_failures: %u count", failures);
  g_test_message ("usb_unplug_drill_stopped_before_unplug: %u count", stopped_early);
  g_test_message ("usb_unplug_drill_worst_disarm: %.1f ms", worst_us / 1000.0);
  /* What a busy host failed to read in time is a real-time figure
   * (bench-link's samples_lost); the drill reports it and checks that the
   * needle stopped in time. That loss is counted exactly is checked by
   * telemetry-8khz and telemetry-loss. */
  g_mutex_lock (&f->lock);
  g_test_message ("usb_unplug_drill_samples_lost: %" G_GUINT64_FORMAT " count", f->sink_lost);
  g_mutex_unlock (&f->lock);
  g_assert_cmpuint (failures, ==, 0);
}

static const GError *
link_error (Fixture *f)
{
  return stipple_transport_get_link_error (stipple_pen_get_transport (f->pen));
}

/* Eight garbage replies, then good ones: three tries of IDENTIFY fail,
 * and three more after 0.25 s; the third round, 0.5 s later, gets its
 * answer. Meanwhile the link error says why there is no pen, and the
 * clinician hears of it once, not every round. */
static void
test_identify_retry (Fixture *f, gconstpointer data)
{
  gint64 start = g_get_monotonic_time ();
  const GError *fault;
  gint64 elapsed;

  WAIT_FOR (link_error (f) != NULL);
  g_assert_cmpint (stipple_pen_get_state (f->pen), ==, STIPPLE_PEN_STATE_DISCONNECTED);
  g_assert_error (link_error (f), STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (link_error (f)->message, "could not be identified"));
  g_assert_nonnull (strstr (link_error (f)->message, "keeps trying while the pen is plugged in"));
  g_assert_cmpuint (f->faults->len, ==, 1);
  fault = g_ptr_array_index (f->faults, 0);
  g_assert_cmpstr (fault->message, ==, link_error (f)->message);

  WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_CONNECTED);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("identify_retry_connected_after: %.0f ms", elapsed / 1000.0);

  /* Two rounds of three 100 ms deadlines and the two waits between. */
  g_assert_cmpint (elapsed, >=, (2 * 3 * 100 + 250 + 500) * 1000);
  g_assert_cmpuint (bad_frames (f), ==, 8);
  g_assert_cmpuint (f->faults->len, ==, 1);
  g_assert_null (link_error (f));
  g_assert_cmpstr (stipple_pen_get_identity (f->pen)->serial, ==, "STP-EMU-0001");
  g_assert_true (audited (f, "connected"));

  /* And it works as any pen does. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (push (f, STIPPLE_ZONE_CHIN, 1000, 120, 1, &error));
    g_assert_no_error (error);
  }
}

/* A pen that never answers sensibly is asked again every 2 s for as long
 * as it is plugged in; unplugged, it is no longer asked; plugged in again
 * (heard of through hotplug, or by polling), it is identified afresh. */
static void
test_garbage_unplug_replug (Fixture *f, gconstpointer data)
{
  guint64 frames;

  WAIT_FOR (link_error (f) != NULL);
  /* Three rounds and more: it keeps trying. */
  WAIT_FOR (bad_frames (f) >= 12);
  g_assert_cmpint (stipple_pen_get_state (f->pen), ==, STIPPLE_PEN_STATE_DISCONNECTED);
  g_assert_cmpuint (f->faults->len, ==, 1);

  stipple_test_usb_unplug (f->bed, f->usb_pen);
  WAIT_FOR (!stipple_transport_get_attached (stipple_pen_get_transport (f->pen)));
  /* The message was about the pen that left. */
  g_assert_true (link_error (f) == NULL ||
                 strstr (link_error (f)->message, "could not be identified") == NULL);
  frames = bad_frames (f);

  /* The pen is fine now, and plugged in again. */
  stipple_test_usb_lock (f->bed);
  stipple_firmware_set_fault (&f->model.firmware, STIPPLE_FIRMWARE_FAULT_CORRUPT, 0);
  stipple_test_usb_unlock (f->bed);
  stipple_test_usb_replug (f->bed, f->usb_pen);
  WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_CONNECTED);
  g_assert_cmpuint (bad_frames (f), ==, frames);
  g_assert_null (link_error (f));
  g_assert_cmpstr (stipple_pen_get_identity (f->pen)->serial, ==, "STP-EMU-0001");

  /* Unplugged and plugged in again once more, it is found again. */
  stipple_test_usb_unplug (f->bed, f->usb_pen);
  WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_DISCONNECTED);
  stipple_test_usb_replug (f->bed, f->usb_pen);
  WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_CONNECTED);
}

/* Out and in again at once, before the host has heard of either: the
 * arrival must not be lost behind the departure. */
static void
test_quick_replug (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < 5; i++)
    {
      stipple_test_usb_unplug (f->bed, f->usb_pen);
      stipple_test_usb_replug (f->bed, f->usb_pen);
      WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_DISCONNECTED);
      WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_CONNECTED);
    }
}

/* Plugged in again, but its node is not ready when the host first opens
 * it (udev is still at work: the open fails as if the pen had gone). The
 * host must try again, hotplug or not, rather than wait for an arrival
 * that has already happened. */
static void
test_replug_not_ready (Fixture *f, gconstpointer data)
{
  guint ioctls;

  stipple_test_usb_unplug (f->bed, f->usb_pen);
  WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_DISCONNECTED);

  ioctls = stipple_test_usb_get_ioctls (f->bed, f->usb_pen);
  stipple_test_usb_set_claim_errno (f->bed, f->usb_pen, ENODEV);
  stipple_test_usb_replug (f->bed, f->usb_pen);
  WAIT_FOR (stipple_test_usb_get_ioctls (f->bed, f->usb_pen) > ioctls);
  g_assert_cmpint (stipple_pen_get_state (f->pen), ==, STIPPLE_PEN_STATE_DISCONNECTED);

  stipple_test_usb_set_claim_errno (f->bed, f->usb_pen, 0);
  WAIT_FOR (stipple_pen_get_state (f->pen) == STIPPLE_PEN_STATE_CONNECTED);
  /* Nothing the clinician must act on was said: the pen was only slow. */
  g_assert_null (link_error (f));
}

/* Whether the host counts as lost what the pen knows is: @packets lost
 * on the way plus the samples the pen dropped itself. */
static gboolean
loss_counted (Fixture *f, guint packets, guint *pen_dropped, guint64 *expected)
{
  StipplePenTelemetryStats stats;

  stipple_test_usb_lock (f->bed);
  *pen_dropped = f->model.firmware.dropped_total;
  stipple_test_usb_unlock (f->bed);
  *expected = packets * STIPPLE_FIRMWARE_SAMPLES_PER_PACKET + *pen_dropped;
  stipple_pen_get_telemetry_stats (f->pen, &stats);
  return stats.lost == *expected && f->telemetry_lost == *expected;
}

/* Loss through libusb: packets lost on the way and packets that fail
 * their CRC show as gaps of a packet's samples each, the pen's own drops
 * as its count; the host's count is exact, and the main thread hears of
 * every one. */
static void
test_telemetry_loss (Fixture *f, gconstpointer data)
{
  StipplePenTelemetryStats stats;
  guint64 expected;
  guint pen_dropped;

  /* The stream is running, and clean so far. */
  WAIT_FOR (f->telemetry_samples > 0);
  stipple_pen_get_telemetry_stats (f->pen, &stats);
  g_assert_cmpuint (stats.bad_frames, ==, 0);

  /* The needle is stopped: no reply is among the packets lost. */
  stipple_test_usb_lock (f->bed);
  stipple_firmware_set_fault (&f->model.firmware, STIPPLE_FIRMWARE_FAULT_DROP, 5);
  stipple_firmware_set_fault (&f->model.firmware, STIPPLE_FIRMWARE_FAULT_CORRUPT, 3);
  stipple_test_usb_unlock (f->bed);
  WAIT_FOR (f->telemetry_lost >= 8 * STIPPLE_FIRMWARE_SAMPLES_PER_PACKET);

  /* Until the host's count has caught up with the pen's: every loss
   * reported by a packet after it, the pen's own drops (on a machine too
   * busy to read it in time) with them, and the main thread told. An
   * overcount never catches up and fails here. */
  WAIT_FOR (loss_counted (f, 8, &pen_dropped, &expected));
  stipple_pen_get_telemetry_stats (f->pen, &stats);
  g_test_message ("usb_samples_lost: %" G_GUINT64_FORMAT " count (the pen dropped %u itself)",
                  stats.lost, pen_dropped);
  g_assert_cmpuint (stats.bad_frames, ==, 3);
  g_assert_cmpuint (stats.lost, ==, expected);
  g_assert_cmpuint (f->telemetry_lost, ==, expected);
  g_mutex_lock (&f->lock);
  g_assert_cmpuint (f->sink_lost, ==, expected);
  g_mutex_unlock (&f->lock);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/stipple/device/pen/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("identify", test_identify);
  ADD ("push-verify", test_push_verify);
  ADD ("refused-depth", test_refused_depth);
  ADD ("nak", test_nak);
  ADD ("reused-cartridge", test_reused_cartridge);
  ADD ("mismatch", test_mismatch);
  ADD ("crc-error", test_crc_error);
  ADD ("timeout", test_timeout);
  ADD ("reply-timing-main-busy", test_reply_timing_main_busy);
  ADD ("estop-resent-main-busy", test_estop_resent_main_busy);
  ADD ("stall", test_stall);
  ADD ("arm-heartbeat-disarm", test_arm_heartbeat_disarm);
  ADD ("emergency-stop", test_emergency_stop);
  ADD ("pen-stops-by-itself", test_pen_stops_by_itself);
  ADD ("heartbeat-unanswered", test_heartbeat_unanswered);
  ADD ("telemetry-8khz", test_telemetry_8khz);
  ADD ("unplug-replug", test_unplug_replug);
  ADD ("unplug-drill", test_unplug_drill);
  ADD ("telemetry-loss", test_telemetry_loss);

#define ADD_GARBAGE(path, setup, func, hotplug) \
  g_test_add ("/stipple/device/pen/" path, Fixture, GINT_TO_POINTER (hotplug), setup, func, \
              fixture_teardown)

  ADD_GARBAGE ("quick-replug-hotplug", fixture_setup_connected, test_quick_replug, TRUE);
  ADD_GARBAGE ("quick-replug-polling", fixture_setup_connected, test_quick_replug, FALSE);
  ADD_GARBAGE ("replug-not-ready-hotplug", fixture_setup_connected, test_replug_not_ready, TRUE);
  ADD_GARBAGE ("replug-not-ready-polling", fixture_setup_connected, test_replug_not_ready, FALSE);
  ADD_GARBAGE ("identify-retry-hotplug", fixture_setup_eight_garbage, test_identify_retry, TRUE);
  ADD_GARBAGE ("identify-retry-polling", fixture_setup_eight_garbage, test_identify_retry, FALSE);
  ADD_GARBAGE ("garbage-unplug-replug-hotplug", fixture_setup_garbage, test_garbage_unplug_replug, TRUE);
  ADD_GARBAGE ("garbage-unplug-replug-polling", fixture_setup_garbage, test_garbage_unplug_replug, FALSE);

  return g_test_run ();
}
