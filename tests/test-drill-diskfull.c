/* test-drill-diskfull.c: the disk fills up during a running treatment
 *
 * The patient file runs on a VFS shim that can run out of room. Mid
 * treatment the disk fills: the clinician gets a high alarm in the
 * store's words, the needle still stops at once, and everything saved
 * before is intact. When there is room again, the treatment carries on
 * and ends normally, and the audit events of the full spell are written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "stipple-sim-transport.h"
#include "stipple-test-vfs.h"
#include "stipple-treatment.h"
#include "test-store-util.h"
#include "stipple-test-wait.h"

static void
arm_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Samples the main thread has handed on: the treatment, connected to the
 * pen before this test's handler, has appended them to the store. */
static guint64 delivered_samples;

static void
telemetry_cb (StipplePen *pen,
              gpointer    samples,
              guint       n_samples,
              guint       lost,
              gpointer    user_data)
{
  delivered_samples += n_samples;
}

static guint64
received_samples (StipplePen *pen)
{
  StipplePenTelemetryStats stats;

  stipple_pen_get_telemetry_stats (pen, &stats);
  return stats.samples;
}

static void
arm (StippleTreatment *treatment)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  stipple_treatment_arm_async (treatment, NULL, arm_cb, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (stipple_treatment_arm_finish (treatment, result, &error));
  g_assert_no_error (error);
}

static gboolean
integrity_ok (const char *path)
{
  g_autofree char *check = test_sql (path, "PRAGMA integrity_check", NULL);

  return g_strcmp0 (check, "ok") == 0;
}

static void
test_disk_full (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-diskfull-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StipplePatient) patient = stipple_patient_new ();
  g_autoptr(StippleSession) session = stipple_session_new ();
  g_autoptr(StippleTransport) transport = NULL;
  g_autoptr(StipplePen) pen = NULL;
  g_autoptr(StippleTreatment) treatment = NULL;
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;
  g_autoptr(GPtrArray) audit_before = NULL;
  g_autoptr(GPtrArray) audit_after = NULL;
  StippleFirmware *firmware;
  guint n_stops = 0;
  g_autoptr(GDateTime) room_again = NULL;
  StippleZoneLimits limits;
  StippleZonePlan plan = { .n_passes = 1, .depth_um = { 750 }, .rate_hz = 120 };

  store = stipple_store_open (path, &error);
  g_assert_no_error (error);
  patient->family_name = g_strdup ("Drill");
  patient->given_name = g_strdup ("Patient");
  patient->record_number = g_strdup ("DRILL-3");
  patient->date_of_birth = g_strdup ("1980-01-01");
  g_assert_true (stipple_store_save_patient (store, patient, &error));
  session->patient_id = patient->id;
  session->started_at = g_date_time_new_now_utc ();
  session->clinician = g_strdup ("Dr Drill");
  g_assert_true (stipple_store_save_session (store, session, &error));

  transport = stipple_sim_transport_new (NULL, FALSE);
  firmware = stipple_sim_transport_get_firmware (STIPPLE_SIM_TRANSPORT (transport));
  pen = stipple_pen_new (transport);
  g_assert_true (stipple_pen_start (pen, &error));
  WAIT_FOR (stipple_pen_get_connected (pen));
  stipple_zone_limits_init_defaults (&limits);
  treatment = stipple_treatment_new (store, pen, session, "Dr Drill", STIPPLE_SKIN_THIN, &limits);
  g_signal_connect (pen, "telemetry", G_CALLBACK (telemetry_cb), NULL);
  g_assert_true (stipple_treatment_set_plan (treatment, STIPPLE_ZONE_CHIN, &plan, NULL, &error));
  stipple_treatment_select_zone (treatment, STIPPLE_ZONE_CHIN, 1);
  WAIT_FOR (stipple_treatment_get_verification (treatment) == STIPPLE_VERIFICATION_VERIFIED);
  arm (treatment);
  /* More than a telemetry block's worth of needle samples, handed to
   * the store. */
  WAIT_FOR (received_samples (pen) > 9000 && delivered_samples > 8000);

  /* What is saved before the disk fills. */
  g_assert_true (stipple_store_flush_telemetry (store, &error));
  before = stipple_store_load_telemetry (store, session->id, NULL, &error);
  g_assert_no_error (error);
  audit_before = stipple_store_list_audit (store, session->id, &error);
  g_assert_cmpuint (before->len, >, 8000);

  /* The disk is full: a high alarm in the store's words, within the
   * second a telemetry block takes to fill. */
  stipple_test_vfs_budget = 0;
  WAIT_FOR (stipple_treatment_get_alarm_priority (treatment) == STIPPLE_ALARM_HIGH);
  g_assert_nonnull (strstr (stipple_treatment_get_alarm_message (treatment), "disk is full"));
  g_assert_cmpuint (stipple_test_vfs_faults, >, 0);

  /* The needle still stops at once: the pen does not wait on the disk. */
  stipple_treatment_stop (treatment, STIPPLE_STOP_EMERGENCY);
  WAIT_FOR (!stipple_firmware_is_armed (firmware));

  /* Room again: the treatment carries on and ends, and what was saved
   * before is all there. */
  room_again = g_date_time_new_now_utc ();
  stipple_test_vfs_budget = -1;
  stipple_treatment_acknowledge_alarm (treatment);
  stipple_treatment_push (treatment);
  WAIT_FOR (stipple_treatment_get_verification (treatment) == STIPPLE_VERIFICATION_VERIFIED);
  arm (treatment);
  {
    guint64 resumed_at = received_samples (pen);

    WAIT_FOR (received_samples (pen) > resumed_at + 9000);
  }
  g_assert_true (stipple_treatment_end (treatment, &error));
  g_assert_no_error (error);

  after = stipple_store_load_telemetry (store, session->id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, >, before->len);
  g_assert_cmpmem (after->data, before->len * sizeof (StippleProtoSample),
                   before->data, before->len * sizeof (StippleProtoSample));
  audit_after = stipple_store_list_audit (store, session->id, &error);
  g_assert_cmpuint (audit_after->len, >, audit_before->len);
  for (guint i = 0; i < audit_before->len; i++)
    g_assert_cmpstr (((StippleAuditEntry *) audit_after->pdata[i])->uid, ==,
                     ((StippleAuditEntry *) audit_before->pdata[i])->uid);
  /* The emergency stop pressed while the disk was full is in the trail,
   * written as soon as there was room. */
  for (guint i = 0; i < audit_after->len; i++)
    {
      StippleAuditEntry *entry = audit_after->pdata[i];

      if (entry->kind == STIPPLE_AUDIT_EMERGENCY_STOP &&
          g_date_time_compare (entry->at, room_again) < 0)
        n_stops++;
    }
  /* (A second may be the host's own, when a host slowed down many times
   * over went a quarter of a second without hearing the pen.) */
  g_assert_cmpuint (n_stops, >=, 1);

  g_clear_object (&treatment);
  stipple_pen_stop (pen);
  stipple_store_close (store);
  g_assert_true (integrity_ok (path));

  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  stipple_test_vfs_install ();

  g_test_add_func ("/stipple/drill/disk-full", test_disk_full);

  return g_test_run ();
}
