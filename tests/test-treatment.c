/* test-treatment.c: a treatment session's rules, with the simulated pen and
 * a real patient file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "stipple-report-session.h"
#include "stipple-sim-transport.h"
#include "stipple-treatment.h"
#include "stipple-test-vfs.h"
#include "stipple-test-wait.h"

typedef struct
{
  char                *dir;
  StippleStore        *store;
  StippleTransport    *transport;
  StipplePen          *pen;
  StippleTreatment    *treatment;
  gint64               session_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePatient) patient = stipple_patient_new ();
  g_autoptr(StippleSession) session = stipple_session_new ();
  g_autofree char *path = NULL;
  StippleZoneLimits limits;

  f->dir = g_dir_make_tmp ("stipple-treatment-XXXXXX", NULL);
  path = g_build_filename (f->dir, "patients.stipple", NULL);
  f->store = stipple_store_open (path, &error);
  g_assert_no_error (error);

  patient->family_name = g_strdup ("Brandt");
  patient->given_name = g_strdup ("Amélie");
  patient->record_number = g_strdup ("MRN-1");
  patient->date_of_birth = g_strdup ("1984-03-09");
  g_assert_true (stipple_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);

  session->patient_id = patient->id;
  session->started_at = g_date_time_new_now_utc ();
  session->clinician = g_strdup ("Dr Moreau");
  g_assert_true (stipple_store_save_session (f->store, session, &error));
  g_assert_no_error (error);
  f->session_id = session->id;

  f->transport = stipple_sim_transport_new (NULL, FALSE);
  f->pen = stipple_pen_new (f->transport);
  g_assert_true (stipple_pen_start (f->pen, &error));
  g_assert_no_error (error);
  WAIT_FOR (stipple_pen_get_connected (f->pen));

  stipple_zone_limits_init_defaults (&limits);
  f->treatment = stipple_treatment_new (f->store, f->pen, session, "Dr Moreau",
                                        STIPPLE_SKIN_THIN, &limits);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->treatment);
  stipple_pen_stop (f->pen);
  g_clear_object (&f->pen);
  g_clear_object (&f->transport);
  stipple_store_close (f->store);
  g_clear_object (&f->store);

  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) sub = g_dir_open (path, 0, NULL);
          const char *subname;

          while (sub != NULL && (subname = g_dir_read_name (sub)) != NULL)
            {
              g_autofree char *subpath = g_build_filename (path, subname, NULL);
              g_unlink (subpath);
            }
          g_rmdir (path);
        }
      else
        g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static StippleFirmware *
firmware (Fixture *f)
{
  return stipple_sim_transport_get_firmware (STIPPLE_SIM_TRANSPORT (f->transport));
}

static guint
count_audit (Fixture          *f,
             StippleAuditKind  kind,
             const char       *detail_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  guint n = 0;

  /* Audit rows are written on the store's writer thread: callers that
   * expect a row wait for it; those that expect none look after the row
   * that follows it has been seen. */
  rows = stipple_store_list_audit (f->store, f->session_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      const StippleAuditEntry *entry = g_ptr_array_index (rows, i);

      if (entry->kind != kind)
        continue;
      g_assert_cmpstr (entry->user, ==, "Dr Moreau");
      if (detail_part == NULL ||
          (entry->detail && strstr (entry->detail, detail_part)) ||
          (entry->sent && strstr (entry->sent, detail_part)) ||
          (entry->read_back && strstr (entry->read_back, detail_part)))
        n++;
    }

  return n;
}

static void
arm_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
arm (Fixture  *f,
     GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  stipple_treatment_arm_async (f->treatment, NULL, arm_cb, &result);
  WAIT_FOR (result != NULL);

  return stipple_treatment_arm_finish (f->treatment, result, error);
}

static void
chart_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;

  chart = stipple_store_load_chart_finish (STIPPLE_STORE (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Returns once the store's one writer thread has done everything queued
 * before: a read queued behind the writes, and answered. */
static void
store_settled (Fixture *f)
{
  gboolean done = FALSE;

  stipple_store_load_chart_async (f->store, stipple_treatment_get_session (f->treatment)->patient_id,
                                  NULL, chart_cb, &done);
  WAIT_FOR (done);
}

/* Telemetry packets the host has had from the pen. */
static guint64
packets_received (Fixture *f)
{
  StipplePenTelemetryStats stats;

  stipple_pen_get_telemetry_stats (f->pen, &stats);
  return stats.packets;
}

static guint64
heartbeats_sent (Fixture *f)
{
  StipplePenLinkStats stats;

  stipple_pen_get_link_stats (f->pen, &stats);
  return stats.heartbeats;
}

static void
plan_cheek (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  StippleZonePlan plan = { .n_passes = 2, .depth_um = { 1000, 750 }, .rate_hz = 120 };

  g_assert_true (stipple_treatment_set_plan (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, &plan, NULL, &error));
  g_assert_no_error (error);
}

static void
not_verified_cb (StippleTreatment *treatment,
                 GParamSpec       *pspec,
                 gpointer          data)
{
  g_assert_cmpint (stipple_treatment_get_verification (treatment), !=, STIPPLE_VERIFICATION_VERIFIED);
}

/* Whether the saved session has @n_passes passes on @zone and names the
 * pen the settings went to. */
static gboolean
session_saved_with_pen (Fixture *f,
                        guint    zone,
                        guint    n_passes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  const StippleSession *saved;
  guint n = 0;

  chart = stipple_store_load_chart (f->store, stipple_treatment_get_session (f->treatment)->patient_id,
                                    &error);
  g_assert_no_error (error);
  saved = g_ptr_array_index (chart->sessions, 0);
  for (guint i = 0; saved->plan != NULL && i < saved->plan->len; i++)
    n += g_array_index (saved->plan, StippleZonePass, i).zone == zone;
  return n == n_passes && saved->pen_serial != NULL && saved->cartridge_id != NULL;
}

static void
test_push_and_verify (Fixture       *f,
                      gconstpointer  data)
{
  StippleProtoTreatment applied;
  g_autoptr(GError) error = NULL;

  plan_cheek (f);
  g_assert_cmpint (stipple_treatment_get_verification (f->treatment), ==, STIPPLE_VERIFICATION_NONE);

  /* Arming before anything is verified is refused, and the needle stays still. */
  g_assert_false (arm (f, &error));
  g_assert_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_NOT_READY);
  g_clear_error (&error);
  g_assert_false (stipple_firmware_is_armed (firmware (f)));

  stipple_treatment_select_zone (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, 1);
  WAIT_FOR (stipple_treatment_get_verification (f->treatment) != STIPPLE_VERIFICATION_PUSHING);
  g_assert_cmpint (stipple_treatment_get_verification (f->treatment), ==, STIPPLE_VERIFICATION_VERIFIED);

  /* What the pen itself holds is the plan's first pass. */
  stipple_firmware_get_treatment (firmware (f), &applied);
  g_assert_cmpuint (applied.zone_id, ==, STIPPLE_ZONE_CHEEK_LEFT);
  g_assert_cmpuint (applied.depth_um, ==, 1000);
  g_assert_cmpuint (applied.rate_hz, ==, 120);
  g_assert_cmpuint (applied.passes, ==, 2);

  /* Whoever hears of a new zone or pass never sees the old one's
   * verification beside it. */
  g_signal_connect (f->treatment, "notify::pass", G_CALLBACK (not_verified_cb), NULL);

  /* The second pass goes deeper no further: 0.75 mm. */
  stipple_treatment_select_zone (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, 2);
  WAIT_FOR (stipple_treatment_get_verification (f->treatment) == STIPPLE_VERIFICATION_VERIFIED);
  stipple_firmware_get_treatment (firmware (f), &applied);
  g_assert_cmpuint (applied.depth_um, ==, 750);

  /* Every setting sent and verified is in the audit trail. */
  WAIT_FOR (count_audit (f, STIPPLE_AUDIT_SETTING, "depth_um=1000") >= 2);
  WAIT_FOR (count_audit (f, STIPPLE_AUDIT_SETTING, "depth_um=750") >= 2);

  /* The plan is in the patient file. */
  {
    g_autoptr(StipplePatientChart) chart = NULL;
    const StippleSession *saved;
    guint n_cheek = 0;

    /* The session is saved on the writer thread, some time after the pen
     * first answered. */
    WAIT_FOR (session_saved_with_pen (f, STIPPLE_ZONE_CHEEK_LEFT, 2));
    chart = stipple_store_load_chart (f->store, stipple_treatment_get_session (f->treatment)->patient_id,
                                      &error);
    g_assert_no_error (error);
    saved = g_ptr_array_index (chart->sessions, 0);
    for (guint i = 0; i < saved->plan->len; i++)
      n_cheek += g_array_index (saved->plan, StippleZonePass, i).zone == STIPPLE_ZONE_CHEEK_LEFT;
    g_assert_cmpuint (n_cheek, ==, 2);
    /* The pen and cartridge the settings went to are on the record. */
    g_assert_cmpstr (saved->pen_serial, ==, stipple_pen_get_identity (f->pen)->serial);
    g_assert_cmpstr (saved->cartridge_id, ==, stipple_pen_get_cartridge (f->pen)->id);
    g_assert_cmpstr (saved->cartridge_lot, ==, stipple_pen_get_cartridge (f->pen)->lot);
    g_assert_nonnull (saved->pen_firmware);
  }
}

static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  StippleZonePlan deeper = { .n_passes = 1, .depth_um = { 1250 }, .rate_hz = 120 };
  StippleZonePlan impossible = { .n_passes = 1, .depth_um = { 2750 }, .rate_hz = 120 };
  StippleZonePlan plan;

  /* Thick cheek skin allows 2.0 mm; thin, 1.0 mm. */
  stipple_treatment_set_thickness (f->treatment, STIPPLE_SKIN_THICK);
  g_assert_cmpuint (stipple_treatment_get_limit (f->treatment, STIPPLE_ZONE_CHEEK_LEFT), ==, 2000);
  stipple_treatment_set_thickness (f->treatment, STIPPLE_SKIN_THIN);
  g_assert_cmpuint (stipple_treatment_get_limit (f->treatment, STIPPLE_ZONE_CHEEK_LEFT), ==, 1000);
  g_assert_cmpuint (stipple_treatment_get_hard_cap (f->treatment), ==,
                    MIN (stipple_pen_get_identity (f->pen)->depth_max_um,
                         stipple_pen_get_cartridge (f->pen)->max_depth_um));

  /* Above the clinical limit: only with a confirmation, which is recorded. */
  g_assert_false (stipple_treatment_set_plan (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, &deeper, NULL, &error));
  g_assert_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_NEEDS_CONFIRMATION);
  g_assert_nonnull (strstr (error->message, "Left cheek"));
  g_clear_error (&error);
  g_assert_false (stipple_treatment_get_plan (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, &plan));
  g_assert_cmpuint (count_audit (f, STIPPLE_AUDIT_LIMIT_CONFIRMED, NULL), ==, 0);

  g_assert_true (stipple_treatment_set_plan (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, &deeper,
                                             "Deep rolling scars; discussed with the patient", &error));
  g_assert_no_error (error);
  g_assert_true (stipple_treatment_get_plan (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, &plan));
  g_assert_cmpuint (plan.depth_um[0], ==, 1250);
  WAIT_FOR (count_audit (f, STIPPLE_AUDIT_LIMIT_CONFIRMED, "Deep rolling scars") == 1);
  WAIT_FOR (count_audit (f, STIPPLE_AUDIT_LIMIT_CONFIRMED, "limit_um=1000") == 1);

  /* Above the hard cap: impossible, confirmed or not; nothing reaches the pen. */
  stipple_treatment_select_zone (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, 1);
  WAIT_FOR (stipple_treatment_get_verification (f->treatment) == STIPPLE_VERIFICATION_VERIFIED);
  g_assert_false (stipple_treatment_set_plan (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, &impossible,
                                              "I insist", &error));
  g_assert_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_ABOVE_HARD_CAP);
  g_clear_error (&error);
  g_assert_true (stipple_treatment_get_plan (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, &plan));
  g_assert_cmpuint (plan.depth_um[0], ==, 1250);
  g_assert_cmpuint (count_audit (f, STIPPLE_AUDIT_SETTING, "depth_um=2750"), ==, 0);
  {
    StippleProtoTreatment applied;

    stipple_firmware_get_treatment (firmware (f), &applied);
    g_assert_cmpuint (applied.depth_um, ==, 1250);
  }

  /* Nonsense is refused too. */
  plan = (StippleZonePlan) { .n_passes = 1, .depth_um = { 500 }, .rate_hz = 5000 };
  g_assert_false (stipple_treatment_set_plan (f->treatment, STIPPLE_ZONE_FOREHEAD, &plan, NULL, &error));
  g_assert_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_INVALID);
  g_clear_error (&error);
  plan = (StippleZonePlan) { .n_passes = 2, .depth_um = { 500, 0 }, .rate_hz = 120 };
  g_assert_false (stipple_treatment_set_plan (f->treatment, STIPPLE_ZONE_FOREHEAD, &plan, NULL, &error));
  g_assert_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_INVALID);
}

static void
test_arm_strokes_and_stop (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = NULL;

  plan_cheek (f);
  stipple_treatment_select_zone (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, 1);
  WAIT_FOR (stipple_treatment_get_verification (f->treatment) == STIPPLE_VERIFICATION_VERIFIED);

  g_assert_true (arm (f, &error));
  g_assert_no_error (error);
  g_assert_true (stipple_firmware_is_armed (firmware (f)));
  g_assert_true (stipple_treatment_get_armed (f->treatment));

  /* Strokes counted as the needle runs, at 120 strokes/s. */
  WAIT_FOR (stipple_treatment_get_strokes (f->treatment, STIPPLE_ZONE_CHEEK_LEFT) > 60);

  /* Choosing another zone stops the needle before anything is sent. */
  {
    StippleZonePlan forehead = { .n_passes = 1, .depth_um = { 500 }, .rate_hz = 110 };

    g_assert_true (stipple_treatment_set_plan (f->treatment, STIPPLE_ZONE_FOREHEAD, &forehead, NULL, &error));
    stipple_treatment_select_zone (f->treatment, STIPPLE_ZONE_FOREHEAD, 1);
    WAIT_FOR (!stipple_firmware_is_armed (firmware (f)));
    WAIT_FOR (stipple_treatment_get_verification (f->treatment) != STIPPLE_VERIFICATION_PUSHING);
    g_assert_cmpstr (stipple_treatment_get_verification_message (f->treatment), ==, NULL);
    g_assert_cmpint (stipple_treatment_get_verification (f->treatment), ==, STIPPLE_VERIFICATION_VERIFIED);
  }

  g_assert_true (arm (f, &error));
  g_assert_no_error (error);
  WAIT_FOR (stipple_treatment_get_strokes (f->treatment, STIPPLE_ZONE_FOREHEAD) > 24);

  /* Emergency stop: at once, an alarm, and the settings must be sent again. */
  stipple_treatment_stop (f->treatment, STIPPLE_STOP_EMERGENCY);
  WAIT_FOR (!stipple_firmware_is_armed (firmware (f)));
  g_assert_cmpint (stipple_treatment_get_verification (f->treatment), ==, STIPPLE_VERIFICATION_NONE);
  WAIT_FOR (stipple_treatment_get_alarm_priority (f->treatment) >= STIPPLE_ALARM_MEDIUM);
  g_assert_false (arm (f, &error));
  g_assert_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_NOT_READY);
  g_clear_error (&error);
  WAIT_FOR (count_audit (f, STIPPLE_AUDIT_EMERGENCY_STOP, NULL) >= 1);
  WAIT_FOR (count_audit (f, STIPPLE_AUDIT_ARM, NULL) >= 2);

  /* The skin's response and the aftercare given go with the session. */
  stipple_treatment_set_skin_response (f->treatment, 2, TRUE, "Printed sheet, explained");

  /* Ending writes the stroke totals and samples, and the end itself. */
  g_assert_true (stipple_treatment_end (f->treatment, &error));
  g_assert_no_error (error);
  g_assert_true (stipple_treatment_get_ended (f->treatment));
  samples = stipple_store_load_telemetry (f->store, f->session_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, >, 4000);
  {
    g_autoptr(StipplePatientChart) chart =
      stipple_store_load_chart (f->store, stipple_treatment_get_session (f->treatment)->patient_id, &error);
    const StippleSession *saved = g_ptr_array_index (chart->sessions, 0);

    g_assert_nonnull (saved->ended_at);
    g_assert_cmpint (saved->erythema_grade, ==, 2);
    g_assert_true (saved->pinpoint_bleeding);
    g_assert_cmpstr (saved->aftercare_given, ==, "Printed sheet, explained");
    g_assert_cmpuint (saved->strokes[STIPPLE_ZONE_CHEEK_LEFT], ==,
                      stipple_treatment_get_strokes (f->treatment, STIPPLE_ZONE_CHEEK_LEFT));
    g_assert_cmpuint (saved->strokes[STIPPLE_ZONE_FOREHEAD], >, 0);
    /* Half a second of needle on skin in the cheek, a fifth in the forehead. */
    g_assert_cmpuint (saved->time_in_zone_us[STIPPLE_ZONE_CHEEK_LEFT], ==,
                      stipple_treatment_get_time_in_zone (f->treatment, STIPPLE_ZONE_CHEEK_LEFT));
    g_assert_cmpuint (saved->time_in_zone_us[STIPPLE_ZONE_CHEEK_LEFT], >, 300000);
    g_assert_cmpuint (saved->time_in_zone_us[STIPPLE_ZONE_CHEEK_LEFT], <, 1500000);
    g_assert_cmpuint (saved->time_in_zone_us[STIPPLE_ZONE_FOREHEAD], >, 50000);
    /* The pen model reaches its depth within ±20 µm: nothing out of tolerance. */
    g_assert_cmpuint (saved->out_of_tolerance[STIPPLE_ZONE_CHEEK_LEFT], ==,
                      stipple_treatment_get_out_of_tolerance (f->treatment, STIPPLE_ZONE_CHEEK_LEFT));
  }

  /* An ended session takes no new plan and never arms. */
  g_assert_false (arm (f, &error));
  g_assert_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_ENDED);
}

static void
test_unplug_replug (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 unplugged_at;

  plan_cheek (f);
  stipple_treatment_select_zone (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, 1);
  WAIT_FOR (stipple_treatment_get_verification (f->treatment) == STIPPLE_VERIFICATION_VERIFIED);
  g_assert_true (arm (f, &error));
  /* The needle runs, kept by a heartbeat the pen has answered. */
  {
    guint64 sent = heartbeats_sent (f);

    WAIT_FOR (heartbeats_sent (f) > sent + 1);
  }

  unplugged_at = (gint64) stipple_sim_transport_get_now_us (STIPPLE_SIM_TRANSPORT (f->transport));
  stipple_sim_transport_unplug (STIPPLE_SIM_TRANSPORT (f->transport));
  WAIT_FOR (!stipple_pen_get_connected (f->pen));
  /* The pen hears no heartbeat and stops its needle within 250 ms (plus
   * the 2 ms the model's clock moves in) of its own clock, not of when
   * this thread, held back on a busy machine, saw it stopped; the host
   * says so, loudly. */
  WAIT_FOR (!stipple_firmware_is_armed (firmware (f)));
  g_assert_cmpint ((gint64) firmware (f)->disarmed_us - unplugged_at, <=, 260 * 1000);
  g_assert_cmpint (stipple_treatment_get_alarm_priority (f->treatment), ==, STIPPLE_ALARM_HIGH);
  g_assert_nonnull (stipple_treatment_get_alarm_message (f->treatment));
  g_assert_cmpint (stipple_treatment_get_verification (f->treatment), !=, STIPPLE_VERIFICATION_VERIFIED);
  g_assert_false (arm (f, &error));
  g_assert_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_NOT_READY);
  g_clear_error (&error);

  /* Plugged in again: the settings go back and are verified before the pen
   * may run; the alarm stays until the clinician acknowledges it. */
  stipple_sim_transport_replug (STIPPLE_SIM_TRANSPORT (f->transport));
  WAIT_FOR (stipple_treatment_get_verification (f->treatment) == STIPPLE_VERIFICATION_VERIFIED);
  g_assert_cmpint (stipple_treatment_get_alarm_priority (f->treatment), ==, STIPPLE_ALARM_HIGH);
  stipple_treatment_acknowledge_alarm (f->treatment);
  g_assert_cmpint (stipple_treatment_get_alarm_priority (f->treatment), ==, STIPPLE_ALARM_NONE);
  g_assert_true (arm (f, &error));
  g_assert_no_error (error);
  g_assert_true (stipple_firmware_is_armed (firmware (f)));
  WAIT_FOR (count_audit (f, STIPPLE_AUDIT_CONNECT, NULL) >= 1);
}

/* The samples-lost rows of the session's trail: how many, and the sum of
 * their counts. */
static guint
lost_rows (Fixture *f,
           guint64 *sum)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  guint n = 0;

  *sum = 0;
  rows = stipple_store_list_audit (f->store, f->session_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      const StippleAuditEntry *entry = g_ptr_array_index (rows, i);
      const char *count;

      if (entry->kind != STIPPLE_AUDIT_FAULT || entry->detail == NULL ||
          !g_str_has_prefix (entry->detail, "samples-lost: count="))
        continue;
      g_assert_cmpstr (entry->user, ==, "Dr Moreau");
      count = entry->detail + strlen ("samples-lost: count=");
      *sum += g_ascii_strtoull (count, NULL, 10);
      n++;
    }

  return n;
}

static char *
pdf_text (const char *path)
{
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* One line, whatever the wrapping. */
  g_strdelimit (out, "\n\f", ' ');
  return out;
}

/* What the pen says it dropped, plus what the knob made it lose on the
 * way (whole packets of 16 samples). */
static guint64
lost_by_pen (Fixture *f,
             guint    packets_dropped)
{
  return firmware (f)->dropped_total + (guint64) packets_dropped * STIPPLE_FIRMWARE_SAMPLES_PER_PACKET;
}

/* Loss is never silent: samples lost on the way are counted for the
 * session to the sample, written to the trail once per episode, and
 * printed in the chart's report. */
static void
test_samples_lost (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleReportData) report = NULL;
  g_autofree char *chart_path = NULL;
  g_autofree char *patient_path = NULL;
  g_autofree char *chart_text = NULL;
  g_autofree char *patient_text = NULL;
  g_autofree char *line = NULL;
  StipplePenTelemetryStats stats;
  StippleZoneLimits limits;
  guint64 sum;
  guint dropped_before;
  gint64 stopped_at;

  plan_cheek (f);
  stipple_treatment_select_zone (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, 1);
  WAIT_FOR (stipple_treatment_get_verification (f->treatment) == STIPPLE_VERIFICATION_VERIFIED);
  /* The stream runs: the packets about to be lost are telemetry. */
  WAIT_FOR (packets_received (f) > 0);

  /* Five telemetry packets lost on the way: the host sees the gap in the
   * sequence. The needle is stopped, so no reply is among them. (A pen
   * that had to drop samples of its own, on a machine too busy to read it
   * in time, reports them too: lost_by_pen() adds them.) */
  stipple_firmware_set_fault (firmware (f), STIPPLE_FIRMWARE_FAULT_DROP, 5);
  WAIT_FOR (stipple_treatment_get_samples_lost (f->treatment) >= 5 * STIPPLE_FIRMWARE_SAMPLES_PER_PACKET);
  g_assert_cmpuint (stipple_treatment_get_loss_episodes (f->treatment), >=, 1);

  /* A second without loss ends the episode: one row, with its count. */
  WAIT_FOR (lost_rows (f, &sum) == stipple_treatment_get_loss_episodes (f->treatment));
  /* And only one: nothing else about it was still queued for the file. */
  store_settled (f);
  g_assert_cmpuint (lost_rows (f, &sum), ==, stipple_treatment_get_loss_episodes (f->treatment));
  g_assert_cmpuint (sum, ==, lost_by_pen (f, 5));
  g_assert_cmpuint (sum, ==, stipple_treatment_get_samples_lost (f->treatment));

  /* The pen cannot send for a moment while the needle runs (its IN
   * endpoint halted): its 32 ms queue overflows, and it counts what it
   * dropped. Stopping the needle ends the episode at once, without
   * waiting a second. */
  g_assert_true (arm (f, &error));
  g_assert_no_error (error);
  dropped_before = firmware (f)->dropped_total;
  stipple_firmware_set_fault (firmware (f), STIPPLE_FIRMWARE_FAULT_STALL, 1);
  WAIT_FOR (firmware (f)->dropped_total > dropped_before);
  stipple_firmware_set_fault (firmware (f), STIPPLE_FIRMWARE_FAULT_STALL, 0);
  WAIT_FOR (stipple_treatment_get_samples_lost (f->treatment) > sum);
  g_assert_true (stipple_treatment_get_armed (f->treatment));
  stopped_at = g_get_monotonic_time ();
  stipple_treatment_stop (f->treatment, STIPPLE_STOP_CLINICIAN);
  WAIT_FOR (lost_rows (f, &sum) == stipple_treatment_get_loss_episodes (f->treatment));
  g_assert_cmpint (g_get_monotonic_time () - stopped_at, <, 900 * 1000);
  g_assert_false (stipple_treatment_get_armed (f->treatment));
  g_assert_cmpuint (stipple_treatment_get_loss_episodes (f->treatment), >=, 2);
  g_assert_cmpuint (sum, ==, stipple_treatment_get_samples_lost (f->treatment));
  g_assert_cmpuint (sum, ==, lost_by_pen (f, 5));

  g_test_message ("samples_lost: %" G_GUINT64_FORMAT " count, in %u episodes; the pen dropped %u itself",
                  sum, stipple_treatment_get_loss_episodes (f->treatment), firmware (f)->dropped_total);

  /* The pen's own totals say the same. */
  stipple_pen_get_telemetry_stats (f->pen, &stats);
  g_assert_cmpuint (stats.lost, ==, sum);

  /* The chart's report says it in one line; the patient's copy does not. */
  g_assert_true (stipple_treatment_end (f->treatment, &error));
  g_assert_no_error (error);
  store_settled (f);
  stipple_zone_limits_init_defaults (&limits);
  report = stipple_report_data_from_session (f->store, f->session_id, NULL, NULL, &limits, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->samples_lost, ==, sum);
  g_assert_cmpuint (report->loss_episodes, ==, stipple_treatment_get_loss_episodes (f->treatment));
  chart_path = g_build_filename (f->dir, "chart.pdf", NULL);
  patient_path = g_build_filename (f->dir, "patient.pdf", NULL);
  g_assert_true (stipple_report_write_pdf (report, STIPPLE_REPORT_CHART, chart_path, &error));
  g_assert_no_error (error);
  g_assert_true (stipple_report_write_pdf (report, STIPPLE_REPORT_PATIENT, patient_path, &error));
  g_assert_no_error (error);
  chart_text = pdf_text (chart_path);
  patient_text = pdf_text (patient_path);
  line = g_strdup_printf ("%" G_GUINT64_FORMAT " needle samples were lost in %u episodes.",
                          sum, report->loss_episodes);
  if (strstr (chart_text, line) == NULL)
    g_error ("the report lacks “%s”; it reads:\n%s", line, chart_text);
  g_assert_null (strstr (patient_text, "needle sample"));
  /* Episodes are the line, not one fault each among the events. */
  g_assert_null (strstr (chart_text, "samples-lost"));
}

/* Only an emergency stop clears the pen's settings (protocol rule 5): a
 * pen whose watchdog stopped it still holds them, and the screen must not
 * say otherwise. */
static void
test_watchdog_keeps_settings (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  StippleProtoTreatment on_pen;
  StippleProtoPenStatus status;

  plan_cheek (f);
  stipple_treatment_select_zone (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, 1);
  WAIT_FOR (stipple_treatment_get_verification (f->treatment) == STIPPLE_VERIFICATION_VERIFIED);
  g_assert_true (arm (f, &error));
  g_assert_no_error (error);

  /* The pen's clock jumps 300 ms ahead of the host's: it has heard no
   * heartbeat for longer than its watchdog's 250 ms, and stops the needle
   * by itself; the next heartbeat's answer tells the host. */
  stipple_firmware_tick (firmware (f),
                         stipple_sim_transport_get_now_us (STIPPLE_SIM_TRANSPORT (f->transport)) + 300000);
  WAIT_FOR (!stipple_treatment_get_armed (f->treatment));
  stipple_firmware_get_status (firmware (f), &status);
  g_assert_cmpuint (status.disarm_reason, ==, STIPPLE_PROTO_DISARM_WATCHDOG);

  /* The pen holds the settings still... */
  g_assert_true (stipple_firmware_get_treatment (firmware (f), &on_pen));
  g_assert_cmpuint (on_pen.depth_um, ==, 1000);
  /* ...and the screen says they are to be read back, not that they are gone. */
  g_assert_cmpint (stipple_treatment_get_verification (f->treatment), ==, STIPPLE_VERIFICATION_NONE);
  g_assert_cmpstr (stipple_treatment_get_verification_message (f->treatment), ==,
                   "The needle stopped without being asked to. Send the settings again: the pen "
                   "reads them back before the needle can run.");
  g_assert_false (arm (f, &error));
  g_assert_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_NOT_READY);
  g_clear_error (&error);

  /* Read back, it runs again; an emergency stop then does clear them. */
  stipple_treatment_push (f->treatment);
  WAIT_FOR (stipple_treatment_get_verification (f->treatment) == STIPPLE_VERIFICATION_VERIFIED);
  g_assert_true (arm (f, &error));
  g_assert_no_error (error);
  stipple_treatment_stop (f->treatment, STIPPLE_STOP_EMERGENCY);
  WAIT_FOR (!stipple_firmware_is_armed (firmware (f)));
  g_assert_false (stipple_firmware_get_treatment (firmware (f), &on_pen));
  g_assert_cmpstr (stipple_treatment_get_verification_message (f->treatment), ==,
                   "Emergency stop: send the settings again before the pen can run.");
}

static gboolean
tick_cb (gpointer user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* Ending on a slow disk (every fsync 300 ms): the window's thread never
 * waits for it. The needle data and the end go through the store's
 * writer while the main loop goes on; the session has ended once they
 * are saved, and the file says so. */
static void
test_end_slow_disk (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT ended_at IS NOT NULL FROM session WHERE id = %"
                                          G_GINT64_FORMAT, f->session_id);
  g_autoptr(StipplePatientChart) chart = NULL;
  guint ticks = 0;
  guint tick;

  g_atomic_int_set (&stipple_test_vfs_sync_delay_ms, 300);
  tick = g_timeout_add (10, tick_cb, &ticks);
  stipple_treatment_end_async (f->treatment, arm_cb, &result);
  g_assert_false (stipple_treatment_get_ended (f->treatment));
  g_assert_true (stipple_treatment_get_ending (f->treatment));
  WAIT_FOR (result != NULL);
  g_source_remove (tick);
  g_atomic_int_set (&stipple_test_vfs_sync_delay_ms, 0);

  g_assert_true (stipple_treatment_end_finish (f->treatment, result, &error));
  g_assert_no_error (error);
  g_assert_true (stipple_treatment_get_ended (f->treatment));
  g_assert_false (stipple_treatment_get_ending (f->treatment));
  /* At least one 300 ms fsync went by while the main loop kept running. */
  g_assert_cmpuint (ticks, >=, 5);

  chart = stipple_store_load_chart (f->store, stipple_treatment_get_session (f->treatment)->patient_id,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chart->sessions->len, ==, 1);
  g_assert_nonnull (((StippleSession *) chart->sessions->pdata[0])->ended_at);
}

/* Empties the ring as the graphs would; returns how many samples it held. */
static gsize
drain_ring (StippleSampleRing *ring)
{
  StippleProtoSample samples[256];
  gsize n, total = 0;

  while ((n = stipple_sample_ring_pop_batch (ring, samples, G_N_ELEMENTS (samples))) > 0)
    total += n;
  return total;
}

static gint64
new_session (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleSession) session = stipple_session_new ();

  session->patient_id = stipple_treatment_get_session (f->treatment)->patient_id;
  session->started_at = g_date_time_new_now_utc ();
  session->clinician = g_strdup ("Dr Moreau");
  g_assert_true (stipple_store_save_session (f->store, session, &error));
  g_assert_no_error (error);
  return session->id;
}

/* The interface's one stop, on each pen state, and the graphs' ring: the
 * treatment alone taps the pen for it, and lets go of it when the session
 * ends and before the ring goes, while the pen is still streaming. */
static void
test_stop_and_ring (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(StippleSession) session = stipple_session_new ();
  StippleTreatment *second;
  StippleSampleRing *ring = stipple_treatment_get_ring (f->treatment);
  StippleZoneLimits limits;
  StippleProtoTreatment on_pen;
  guint64 packets, overflowed;

  /* The ring fills with no screen at all: the treatment holds the tap. */
  g_assert_nonnull (ring);
  drain_ring (ring);
  WAIT_FOR (stipple_sample_ring_get_readable (ring) > 0);

  plan_cheek (f);
  stipple_treatment_select_zone (f->treatment, STIPPLE_ZONE_CHEEK_LEFT, 1);
  WAIT_FOR (stipple_treatment_get_verification (f->treatment) == STIPPLE_VERIFICATION_VERIFIED);

  /* Not armed, the clinician's stop sends nothing and clears nothing. */
  stipple_treatment_stop (f->treatment, STIPPLE_STOP_CLINICIAN);
  g_assert_cmpint (stipple_treatment_get_verification (f->treatment), ==, STIPPLE_VERIFICATION_VERIFIED);

  /* Armed, it disarms in order: the settings stay verified, no alarm, no
   * emergency stop in the trail. */
  g_assert_true (arm (f, &error));
  g_assert_no_error (error);
  g_assert_true (stipple_firmware_is_armed (firmware (f)));
  stipple_treatment_stop (f->treatment, STIPPLE_STOP_CLINICIAN);
  WAIT_FOR (!stipple_firmware_is_armed (firmware (f)));
  WAIT_FOR (!stipple_treatment_get_armed (f->treatment));
  WAIT_FOR (count_audit (f, STIPPLE_AUDIT_DISARM, NULL) >= 1);
  g_assert_cmpint (stipple_treatment_get_verification (f->treatment), ==, STIPPLE_VERIFICATION_VERIFIED);
  g_assert_cmpint (stipple_treatment_get_alarm_priority (f->treatment), ==, STIPPLE_ALARM_NONE);
  store_settled (f);
  g_assert_cmpuint (count_audit (f, STIPPLE_AUDIT_EMERGENCY_STOP, NULL), ==, 0);

  /* The lock's stop is the same ordered disarm. */
  g_assert_true (arm (f, &error));
  g_assert_no_error (error);
  stipple_treatment_stop (f->treatment, STIPPLE_STOP_LOCK);
  WAIT_FOR (!stipple_firmware_is_armed (firmware (f)));
  WAIT_FOR (!stipple_treatment_get_armed (f->treatment));
  g_assert_cmpint (stipple_treatment_get_verification (f->treatment), ==, STIPPLE_VERIFICATION_VERIFIED);

  /* Not armed, the emergency stop still goes to the pen, which forgets
   * its settings: the trail has it, the settings must be sent again. */
  stipple_treatment_stop (f->treatment, STIPPLE_STOP_EMERGENCY);
  WAIT_FOR (count_audit (f, STIPPLE_AUDIT_EMERGENCY_STOP, NULL) >= 1);
  g_assert_cmpint (stipple_treatment_get_verification (f->treatment), ==, STIPPLE_VERIFICATION_NONE);
  WAIT_FOR (!stipple_firmware_get_treatment (firmware (f), &on_pen));
  g_assert_false (arm (f, &error));
  g_assert_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_NOT_READY);
  g_clear_error (&error);

  /* Armed again, closing the window stops it as an emergency stop does. */
  stipple_treatment_push (f->treatment);
  WAIT_FOR (stipple_treatment_get_verification (f->treatment) == STIPPLE_VERIFICATION_VERIFIED);
  g_assert_true (arm (f, &error));
  g_assert_no_error (error);
  stipple_treatment_stop (f->treatment, STIPPLE_STOP_CLOSE);
  g_assert_false (stipple_treatment_get_armed (f->treatment));
  WAIT_FOR (!stipple_firmware_is_armed (firmware (f)));
  WAIT_FOR (count_audit (f, STIPPLE_AUDIT_EMERGENCY_STOP, NULL) >= 2);
  WAIT_FOR (stipple_treatment_get_alarm_priority (f->treatment) == STIPPLE_ALARM_MEDIUM);

  /* Ended, the pen streams on and nothing more reaches the ring. */
  stipple_treatment_end_async (f->treatment, arm_cb, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (stipple_treatment_end_finish (f->treatment, result, &error));
  g_assert_no_error (error);
  drain_ring (ring);
  overflowed = stipple_sample_ring_get_overflowed (ring);
  packets = packets_received (f);
  WAIT_FOR (packets_received (f) >= packets + 20);
  g_assert_cmpuint (stipple_sample_ring_get_readable (ring), ==, 0);
  g_assert_cmpuint (stipple_sample_ring_get_overflowed (ring), ==, overflowed);

  /* The next session's treatment taps the pen in its turn; once it goes,
   * its ring is freed and the pen streams on without writing into it (a
   * write into the freed megabyte would fault). */
  session->id = new_session (f);
  session->patient_id = stipple_treatment_get_session (f->treatment)->patient_id;
  session->clinician = g_strdup ("Dr Moreau");
  stipple_zone_limits_init_defaults (&limits);
  second = stipple_treatment_new (f->store, f->pen, session, "Dr Moreau", STIPPLE_SKIN_THIN, &limits);
  WAIT_FOR (stipple_sample_ring_get_readable (stipple_treatment_get_ring (second)) > 0);
  g_assert_cmpuint (stipple_sample_ring_get_readable (ring), ==, 0);
  g_assert_finalize_object (second);
  packets = packets_received (f);
  WAIT_FOR (packets_received (f) >= packets + 20);
  g_assert_cmpuint (stipple_sample_ring_get_readable (ring), ==, 0);
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static const StippleSession *
saved_session (Fixture              *f,
               StipplePatientChart **chart)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (chart, stipple_patient_chart_free);
  *chart = stipple_store_load_chart (f->store, stipple_treatment_get_session (f->treatment)->patient_id,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpuint ((*chart)->sessions->len, ==, 1);
  return g_ptr_array_index ((*chart)->sessions, 0);
}

/* The notes go through the treatment: what is typed is saved by its
 * savers, said pending until then, and written when the treatment goes. */
static void
test_notes (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(StippleTreatment) treatment = NULL;
  gint64 patient_id = stipple_treatment_get_session (f->treatment)->patient_id;
  guint pending_changes = 0;

  g_signal_connect_swapped (f->treatment, "notify::notes-pending", G_CALLBACK (count_cb),
                            &pending_changes);
  g_assert_false (stipple_treatment_get_notes_pending (f->treatment));
  stipple_treatment_set_note (f->treatment, STIPPLE_NOTE_BEFORE, "Skin intact, no active acne.");
  g_assert_true (stipple_treatment_get_notes_pending (f->treatment));
  g_assert_cmpuint (pending_changes, >=, 1);
  stipple_treatment_set_note (f->treatment, STIPPLE_NOTE_AFTER, "Mild erythema.");

  /* Saved on their own once typing pauses. */
  WAIT_FOR (!stipple_treatment_get_notes_pending (f->treatment));
  g_assert_cmpuint (pending_changes, >=, 2);
  g_assert_cmpstr (saved_session (f, &chart)->note_before, ==, "Skin intact, no active acne.");
  g_assert_cmpstr (saved_session (f, &chart)->note_after, ==, "Mild erythema.");

  /* At once when asked to. */
  stipple_treatment_set_note (f->treatment, STIPPLE_NOTE_BEFORE, "Skin intact.");
  g_assert_true (stipple_treatment_flush_notes (f->treatment, &error));
  g_assert_no_error (error);
  g_assert_false (stipple_treatment_get_notes_pending (f->treatment));
  g_assert_cmpstr (saved_session (f, &chart)->note_before, ==, "Skin intact.");

  /* Typed just before the treatment goes: not lost. */
  stipple_treatment_set_note (f->treatment, STIPPLE_NOTE_AFTER, "Mild erythema, settled.");
  treatment = g_object_ref (f->treatment);
  g_clear_object (&f->treatment);
  g_assert_finalize_object (g_steal_pointer (&treatment));
  g_clear_pointer (&chart, stipple_patient_chart_free);
  chart = stipple_store_load_chart (f->store, patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((StippleSession *) g_ptr_array_index (chart->sessions, 0))->note_after, ==,
                   "Mild erythema, settled.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  stipple_test_vfs_install ();

  g_test_add ("/stipple/treatment/push-and-verify", Fixture, NULL,
              fixture_set_up, test_push_and_verify, fixture_tear_down);
  g_test_add ("/stipple/treatment/limits", Fixture, NULL,
              fixture_set_up, test_limits, fixture_tear_down);
  g_test_add ("/stipple/treatment/arm-strokes-and-stop", Fixture, NULL,
              fixture_set_up, test_arm_strokes_and_stop, fixture_tear_down);
  g_test_add ("/stipple/treatment/unplug-replug", Fixture, NULL,
              fixture_set_up, test_unplug_replug, fixture_tear_down);
  g_test_add ("/stipple/treatment/samples-lost", Fixture, NULL,
              fixture_set_up, test_samples_lost, fixture_tear_down);
  g_test_add ("/stipple/treatment/watchdog-keeps-settings", Fixture, NULL,
              fixture_set_up, test_watchdog_keeps_settings, fixture_tear_down);
  g_test_add ("/stipple/treatment/end-slow-disk", Fixture, NULL,
              fixture_set_up, test_end_slow_disk, fixture_tear_down);
  g_test_add ("/stipple/treatment/stop-and-ring", Fixture, NULL,
              fixture_set_up, test_stop_and_ring, fixture_tear_down);
  g_test_add ("/stipple/treatment/notes", Fixture, NULL,
              fixture_set_up, test_notes, fixture_tear_down);

  return g_test_run ();
}
