/* test-drill-unplug.c: the pen unplugged at random moments of a treatment
 *
 * Each trial arms the needle on a verified zone, lets it run for a random
 * time, pulls the cable, and checks what must hold: the pen model stops
 * its needle within its 250 ms watchdog, the host raises a high alarm,
 * every sample the host received before the unplug is in the patient
 * file, and after the cable is back the settings are verified again
 * before the needle may run.
 *
 * STIPPLE_DRILL_TRIALS sets the number of trials (CI runs 12; the drill
 * in docs/reliability.md runs 200). STIPPLE_DRILL_SEED repeats a run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "stipple-sim-transport.h"
#include "stipple-treatment.h"
#include "test-store-util.h"

static guint64 samples_received;

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("Timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

#define WAIT_FOR(cond) \
  G_STMT_START { \
    guint _id = g_timeout_add_seconds (10, timeout_cb, (gpointer) #cond); \
    while (!(cond)) \
      g_main_context_iteration (NULL, TRUE); \
    g_source_remove (_id); \
  } G_STMT_END

static void
run_for (guint msec)
{
  gint64 until = g_get_monotonic_time () + msec * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}

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

static void
test_unplug_drill (void)
{
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
  g_autoptr(StippleTransport) transport = NULL;
  g_autoptr(StipplePen) pen = NULL;
  g_autoptr(StippleTreatment) treatment = NULL;
  g_autoptr(GArray) stored = NULL;
  StippleFirmware *firmware;
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

  transport = stipple_sim_transport_new (NULL, FALSE);
  firmware = stipple_sim_transport_get_firmware (STIPPLE_SIM_TRANSPORT (transport));
  pen = stipple_pen_new (transport);
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
      g_assert_true (stipple_firmware_is_armed (firmware));

      /* A random moment of the treatment. */
      run_for ((guint) g_rand_int_range (rand, 20, 400));

      unplugged = g_get_monotonic_time ();
      stipple_sim_transport_unplug (STIPPLE_SIM_TRANSPORT (transport));
      WAIT_FOR (!stipple_firmware_is_armed (firmware));
      stopped = g_get_monotonic_time ();
      worst_us = MAX (worst_us, stopped - unplugged);
      if (stopped - unplugged > 260 * 1000)
        failures++;

      WAIT_FOR (!stipple_pen_get_connected (pen));
      g_assert_cmpint (stipple_treatment_get_alarm_priority (treatment), ==, STIPPLE_ALARM_HIGH);
      g_assert_cmpint (stipple_treatment_get_verification (treatment), !=, STIPPLE_VERIFICATION_VERIFIED);

      /* Plugged in again: verified again before the needle may run. */
      stipple_sim_transport_replug (STIPPLE_SIM_TRANSPORT (transport));
    }

  /* Every sample the host was given is in the patient file. */
  WAIT_FOR (stipple_treatment_get_verification (treatment) == STIPPLE_VERIFICATION_VERIFIED);
  g_assert_true (stipple_treatment_end (treatment, &error));
  g_assert_no_error (error);
  stored = stipple_store_load_telemetry (store, session->id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, samples_received);

  g_test_message ("unplug_drill_trials: %u count", trials);
  g_test_message ("unplug_drill_failures: %u count", failures);
  g_test_message ("unplug_drill_worst_disarm: %.1f ms", worst_us / 1000.0);
  g_test_message ("unplug_drill_samples_lost: %" G_GUINT64_FORMAT " count",
                  samples_received - (guint64) stored->len);
  g_assert_cmpuint (failures, ==, 0);

  g_clear_object (&treatment);
  stipple_pen_stop (pen);
  stipple_store_close (store);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/drill/unplug", test_unplug_drill);

  return g_test_run ();
}
