/* test-drill-unplug.c: the pen unplugged at random moments of a treatment
 *
 * Each trial arms the needle on a verified zone, lets it run for a random
 * time, pulls the cable, and checks what must hold: the pen model stops
 * its needle within its 250 ms watchdog, the host raises a high alarm,
 * every sample the host received before the unplug is in the patient
 * file, and after the cable is back the settings are verified again
 * before the needle may run.
 *
 * It runs twice: over the simulated pen, and over the libusb transport to
 * the pen model behind a USB device emulated under umockdev, so that one
 * run checks the pen, the host and the patient file together.
 *
 * STIPPLE_DRILL_TRIALS sets the number of trials of each (CI runs 12; the
 * drill in docs/reliability.md runs 200). STIPPLE_DRILL_SEED repeats a run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "stipple-sim-transport.h"
#include "stipple-test-usb-pen.h"
#include "stipple-treatment.h"
#include "stipple-usb-transport.h"
#include "test-store-util.h"
#include "stipple-test-wait.h"

static guint64 samples_received;

static void
telemetry_cb (StipplePen               *pen,
              const StippleProtoSample *samples,
              guint                     n_samples,
              guint                     lost,
              gpointer                  user_data)
{
  samples_received += n_samples;
}

static void
arm_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The pen and its cable, simulated or emulated under umockdev. */
typedef struct
{
  const char        *name;
  StippleTransport  *transport;
  /* USB only. */
  StippleTestUsb    *bed;
  StippleTestUsbPen  usb_pen;
  guint              usb_device;
} Rig;

static void
rig_init (Rig        *rig,
          gboolean    usb)
{
  if (usb)
    {
      rig->name = "treatment_usb_";
      rig->bed = stipple_test_usb_new ();
      rig->usb_device = stipple_test_usb_pen_plug (rig->bed, &rig->usb_pen);
      rig->transport = stipple_usb_transport_new (STIPPLE_PROTO_USB_VID,
                                                  STIPPLE_PROTO_USB_PID_TEST, TRUE);
    }
  else
    {
      rig->name = "treatment_";
      rig->transport = stipple_sim_transport_new (NULL, FALSE);
    }
}

static void
rig_clear (Rig *rig)
{
  g_clear_object (&rig->transport);
  g_clear_pointer (&rig->bed, stipple_test_usb_free);
}

/* The pen's own clock: the emulated pen's, or the simulated pen's, which
 * is the host's. */
static gint64
rig_now_us (Rig *rig)
{
  if (rig->bed != NULL)
    return (gint64) stipple_test_usb_now_us (rig->bed);

  return (gint64) stipple_sim_transport_get_now_us (STIPPLE_SIM_TRANSPORT (rig->transport));
}

/* When the pen stopped its needle, on its own clock: not when this thread,
 * which a busy machine may hold back, first saw it stopped. */
static gint64
rig_pen_disarmed_us (Rig *rig)
{
  gint64 when;

  if (rig->bed == NULL)
    return (gint64) stipple_sim_transport_get_firmware (STIPPLE_SIM_TRANSPORT (rig->transport))->disarmed_us;

  stipple_test_usb_lock (rig->bed);
  when = (gint64) rig->usb_pen.firmware.disarmed_us;
  stipple_test_usb_unlock (rig->bed);
  return when;
}

static gboolean
rig_pen_armed (Rig *rig)
{
  if (rig->bed != NULL)
    return stipple_test_usb_pen_is_armed (rig->bed, &rig->usb_pen);

  return stipple_firmware_is_armed (stipple_sim_transport_get_firmware (STIPPLE_SIM_TRANSPORT (rig->transport)));
}

static void
rig_unplug (Rig *rig)
{
  if (rig->bed != NULL)
    stipple_test_usb_unplug (rig->bed, rig->usb_device);
  else
    stipple_sim_transport_unplug (STIPPLE_SIM_TRANSPORT (rig->transport));
}

static void
rig_replug (Rig *rig)
{
  if (rig->bed != NULL)
    stipple_test_usb_replug (rig->bed, rig->usb_device);
  else
    stipple_sim_transport_replug (STIPPLE_SIM_TRANSPORT (rig->transport));
}

static void
test_unplug_drill (gconstpointer data)
{
  gboolean usb = GPOINTER_TO_INT (data);
  Rig rig = { 0 };
  const char *trials_env = g_getenv ("STIPPLE_DRILL_TRIALS");
  const char *seed_env = g_getenv ("STIPPLE_DRILL_SEED");
  guint trials = trials_env ? (guint) g_ascii_strtoull (trials_env, NULL, 10) : 12;
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : g_random_int ();
  g_autofree char *dir = g_dir_make_tmp ("stipple-drill-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StipplePatient) patient = stipple_patient_new ();
  g_autoptr(StippleSession) session = stipple_session_new ();
  g_autoptr(StipplePen) pen = NULL;
  g_autoptr(StippleTreatment) treatment = NULL;
  g_autoptr(GArray) stored = NULL;
  StippleZoneLimits limits;
  StippleZonePlan plan = { .n_passes = 1, .depth_um = { 750 }, .rate_hz = 120 };
  gint64 worst_us = 0;
  guint failures = 0;

  g_test_message ("seed %u, %u trials", seed, trials);

  store = stipple_store_open (path, &error);
  g_assert_no_error (error);
  patient->family_name = g_strdup ("Drill");
  patient->given_name = g_strdup ("Patient");
  patient->record_number = g_strdup ("DRILL-1");
  patient->date_of_birth = g_strdup ("1980-01-01");
  g_assert_true (stipple_store_save_patient (store, patient, &error));
  session->patient_id = patient->id;
  session->started_at = g_date_time_new_now_utc ();
  session->clinician = g_strdup ("Dr Drill");
  g_assert_true (stipple_store_save_session (store, session, &error));

  samples_received = 0;
  rig_init (&rig, usb);
  pen = stipple_pen_new (rig.transport);
  g_signal_connect (pen, "telemetry", G_CALLBACK (telemetry_cb), NULL);
  g_assert_true (stipple_pen_start (pen, &error));
  WAIT_FOR (stipple_pen_get_connected (pen));

  stipple_zone_limits_init_defaults (&limits);
  treatment = stipple_treatment_new (store, pen, session, "Dr Drill", STIPPLE_SKIN_THIN, &limits);
  g_assert_true (stipple_treatment_set_plan (treatment, STIPPLE_ZONE_CHIN, &plan, NULL, &error));
  stipple_treatment_select_zone (treatment, STIPPLE_ZONE_CHIN, 1);

  for (guint trial = 0; trial < trials; trial++)
    {
      g_autoptr(GAsyncResult) armed = NULL;
      gint64 unplugged, stopped;

      WAIT_FOR (stipple_treatment_get_verification (treatment) == STIPPLE_VERIFICATION_VERIFIED);
      stipple_treatment_acknowledge_alarm (treatment);
      stipple_treatment_arm_async (treatment, NULL, arm_cb, &armed);
      WAIT_FOR (armed != NULL);
      g_assert_true (stipple_treatment_arm_finish (treatment, armed, &error));
      g_assert_true (rig_pen_armed (&rig));

      /* A random moment of the treatment, on the pen's clock (the one
       * its watchdog keeps). */
      {
        gint64 armed_at = rig_now_us (&rig);
        gint64 run_us = (gint64) g_rand_int_range (rand, 20, 400) * 1000;

        WAIT_FOR (rig_now_us (&rig) - armed_at >= run_us);
      }

      unplugged = rig_now_us (&rig);
      rig_unplug (&rig);
      /* Looked at at least every 2 ms: the emulated pen's watchdog runs
       * when its clock is read; when it stopped is read off its clock
       * below, however late this thread sees it. */
      WAIT_FOR (!rig_pen_armed (&rig));
      stopped = rig_pen_disarmed_us (&rig);
      worst_us = MAX (worst_us, stopped - unplugged);
      if (stopped - unplugged > 260 * 1000)
        failures++;

      WAIT_FOR (!stipple_pen_get_connected (pen));
      g_assert_cmpint (stipple_treatment_get_alarm_priority (treatment), ==, STIPPLE_ALARM_HIGH);
      g_assert_cmpint (stipple_treatment_get_verification (treatment), !=, STIPPLE_VERIFICATION_VERIFIED);

      /* Plugged in again: verified again before the needle may run. */
      rig_replug (&rig);
    }

  /* Every sample the host was given is in the patient file. */
  WAIT_FOR (stipple_treatment_get_verification (treatment) == STIPPLE_VERIFICATION_VERIFIED);
  g_assert_true (stipple_treatment_end (treatment, &error));
  g_assert_no_error (error);
  stored = stipple_store_load_telemetry (store, session->id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, samples_received);

  g_test_message ("%sunplug_drill_trials: %u count", rig.name, trials);
  g_test_message ("%sunplug_drill_failures: %u count", rig.name, failures);
  g_test_message ("%sunplug_drill_worst_disarm: %.1f ms", rig.name, worst_us / 1000.0);
  g_test_message ("%sunplug_drill_samples_lost: %" G_GUINT64_FORMAT " count", rig.name,
                  samples_received - (guint64) stored->len);
  g_assert_cmpuint (failures, ==, 0);

  g_clear_object (&treatment);
  stipple_pen_stop (pen);
  g_clear_object (&pen);
  rig_clear (&rig);
  stipple_store_close (store);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/stipple/drill/unplug/simulated", GINT_TO_POINTER (FALSE), test_unplug_drill);
  g_test_add_data_func ("/stipple/drill/unplug/usb", GINT_TO_POINTER (TRUE), test_unplug_drill);

  return g_test_run ();
}
