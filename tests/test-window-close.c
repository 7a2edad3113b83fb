/* test-window-close.c: closing Stipple never loses what is on its way
 *
 * The main window, with a treatment open, is closed the way a clinician
 * closes it (gtk_window_close(), as the title bar's button and Ctrl+Q
 * do), while something is still on its way to the patient file:
 *
 *  - audit events that a full disk held back: the window says how many
 *    and why, stays open, and closes once they are written;
 *  - notes that cannot be saved: the window says so and stays open;
 *  - the end of the session, on a slow disk: the window waits for the
 *    end to be in the file, then closes.
 *
 * Each time the test then reads the patient file to see what reached it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "stipple-application.h"
#include "stipple-sim-transport.h"
#include "stipple-test-a11y.h"
#include "stipple-test-ui.h"
#include "stipple-test-vfs.h"
#include "stipple-treatment-page.h"
#include "stipple-treatment.h"
#include "stipple-window-private.h"
#include "stipple-zones.h"

#define TEST_WAIT_SECONDS 20
#include "stipple-test-wait.h"

#define NOTE "Erythema settled; no pinpoint bleeding."

typedef enum
{
  CLOSE_AUDIT_HELD_BACK,
  CLOSE_NOTES_UNSAVED,
  CLOSE_WHILE_ENDING,
} CloseCase;

static StippleApplication *app;
static GtkWindow *window;
static CloseCase close_case;
static gint64 session_id;
static gboolean finished;
/* Whether the window was still there when the test last looked. */
static gboolean window_gone;

static void
window_destroyed_cb (gpointer  data,
                     GObject  *where)
{
  window_gone = TRUE;
}

/* A treatment under way: a new patient's session opened in the window,
 * the left cheek planned, sent, verified and the needle running. */
static void
begin_treatment (void)
{
  g_autoptr(StipplePatient) patient = stipple_patient_new ();
  g_autoptr(StippleSession) session = stipple_session_new ();
  g_autoptr(GError) error = NULL;
  StippleStore *store = stipple_application_get_store (app);
  StippleZonePlan plan = { .n_passes = 1, .rate_hz = 120, .depth_um = { 500 } };
  StippleTreatment *treatment = NULL;

  patient->family_name = g_strdup ("Okafor");
  patient->given_name = g_strdup ("Adaeze");
  patient->record_number = g_strdup ("MRN-CLOSE");
  patient->date_of_birth = g_strdup ("1979-11-02");
  g_assert_true (stipple_store_save_patient (store, patient, &error));
  g_assert_no_error (error);
  session->patient_id = patient->id;
  session->started_at = g_date_time_new_now_utc ();
  session->clinician = g_strdup ("Dr Moreau");
  g_assert_true (stipple_store_save_session (store, session, &error));
  g_assert_no_error (error);
  session_id = session->id;

  stipple_window_begin_treatment (STIPPLE_WINDOW (window), session);
  WAIT_FOR ((treatment = stipple_test_ui_get_treatment (window)) != NULL);
  stipple_treatment_select_zone (treatment, STIPPLE_ZONE_CHEEK_LEFT, 1);
  g_assert_true (stipple_treatment_set_plan (treatment, STIPPLE_ZONE_CHEEK_LEFT, &plan, NULL, &error));
  g_assert_no_error (error);
  WAIT_FOR (stipple_treatment_get_verification (treatment) == STIPPLE_VERIFICATION_VERIFIED);
  stipple_treatment_arm_async (treatment, NULL, NULL, NULL);
  WAIT_FOR (stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
}

/* "A Treatment Is Open": stop the needle and close. */
static void
close_and_stop (void)
{
  AdwMessageDialog *question = NULL;

  gtk_window_close (window);
  question = stipple_test_ui_wait_for_dialog (_("A Treatment Is Open"));
  adw_message_dialog_response (question, "stop");
}

static void
close_with_audit_held_back (void)
{
  AdwMessageDialog *question = NULL;
  const char *body;
  guint failures;

  /* The disk fills; the emergency stop still stops the needle, and its
   * audit event waits in memory for room. */
  stipple_test_vfs_budget = 0;
  failures = stipple_test_vfs_faults;
  stipple_test_press (_("Emergency Stop"));
  WAIT_FOR (!stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
  WAIT_FOR (stipple_test_vfs_faults > failures);

  close_and_stop ();
  question = stipple_test_ui_wait_for_dialog (_("Part of the Audit Trail Is Not Saved"));
  body = adw_message_dialog_get_body (question);
  g_test_message ("%s", body);
  g_assert_nonnull (strstr (body, _("The disk is full")));
  g_assert_false (window_gone);
  stipple_test_screenshot ("close-audit-unsaved.png");

  /* Kept open: nothing is lost, and the window stays. */
  adw_message_dialog_response (question, "keep");
  stipple_test_iterate (100);
  g_assert_false (window_gone);

  /* Room again: the next close writes them and closes. */
  stipple_test_vfs_budget = -1;
  close_and_stop ();
  WAIT_FOR (window_gone);
}

/* Printing a session still under way is refused with the reason, once
 * the record was read off the writer: the window does not read it. */
static void
print_refused_while_running (void)
{
  AdwMessageDialog *refusal = NULL;

  stipple_window_print_report (STIPPLE_WINDOW (window), session_id);
  refusal = stipple_test_ui_wait_for_dialog (_("The Report Cannot Be Printed"));
  g_assert_cmpstr (adw_message_dialog_get_body (refusal), ==,
                   _("This session is still running. End the session before printing its report."));
  gtk_window_destroy (GTK_WINDOW (refusal));
  g_assert_true (stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
}

static void
close_with_notes_unsaved (void)
{
  AdwMessageDialog *question = NULL;
  GtkWidget *notes = NULL;

  print_refused_while_running ();

  WAIT_FOR ((notes = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_TEXT_BOX,
                                                 _("Notes before treatment"))) != NULL);
  stipple_test_vfs_budget = 0;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (notes)), NOTE, -1);

  close_and_stop ();
  question = stipple_test_ui_wait_for_dialog (_("The Notes Are Not Saved"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (question), _("The disk is full")));
  stipple_test_screenshot ("close-notes-unsaved.png");
  adw_message_dialog_response (question, "keep");
  stipple_test_iterate (100);
  g_assert_false (window_gone);
  g_assert_nonnull (stipple_test_ui_get_treatment (window));

  stipple_test_vfs_budget = -1;
  close_and_stop ();
  WAIT_FOR (window_gone);
}

static void
close_while_ending (void)
{
  AdwMessageDialog *question = NULL;

  /* Every sync of the file takes 400 ms: the end is on its way for a
   * while after the clinician confirmed it. */
  g_atomic_int_set (&stipple_test_vfs_sync_delay_ms, 400);
  stipple_test_press (_("End Session"));
  question = stipple_test_ui_wait_for_dialog (_("End the Session?"));
  adw_message_dialog_response (question, "end");
  WAIT_FOR (stipple_test_ui_get_treatment (window) == NULL ||
            stipple_treatment_get_ending (stipple_test_ui_get_treatment (window)));
  g_assert_nonnull (stipple_test_ui_get_treatment (window));
  g_assert_false (stipple_treatment_get_ended (stipple_test_ui_get_treatment (window)));

  gtk_window_close (window);
  g_assert_false (window_gone);
  g_assert_null (stipple_test_ui_find_dialog (_("A Treatment Is Open")));
  WAIT_FOR (window_gone);
  g_atomic_int_set (&stipple_test_vfs_sync_delay_ms, 0);
}

static gboolean
drive_cb (gpointer data)
{
  WAIT_FOR ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL);
  WAIT_FOR (stipple_application_get_store (app) != NULL);
  WAIT_FOR (stipple_pen_get_connected (stipple_application_get_pen (app)));
  stipple_test_wait_mapped (GTK_WIDGET (window));
  g_object_weak_ref (G_OBJECT (window), window_destroyed_cb, NULL);

  begin_treatment ();
  switch (close_case)
    {
    case CLOSE_AUDIT_HELD_BACK:
      close_with_audit_held_back ();
      break;

    case CLOSE_NOTES_UNSAVED:
      close_with_notes_unsaved ();
      break;

    case CLOSE_WHILE_ENDING:
      close_while_ending ();
      break;

    default:
      g_assert_not_reached ();
    }

  /* The window went by itself; the application follows it. */
  finished = TRUE;
  return G_SOURCE_REMOVE;
}

static StippleSession *
run_and_read (CloseCase   which,
              GPtrArray **audit)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-close-XXXXXX", NULL);
  g_autofree char *database = g_build_filename (dir, "demo.stipple", NULL);
  const char *argv[] = { "stipple", "--simulate", "--demo", "--database", database, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  StippleSession *session = NULL;
  gint64 patient_id = 0;
  int status;

  close_case = which;
  finished = window_gone = FALSE;
  app = stipple_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_idle_add (drive_cb, NULL);
  status = g_application_run (G_APPLICATION (app), G_N_ELEMENTS (argv) - 1, (char **) argv);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (finished);
  g_clear_object (&app);

  store = stipple_store_open_read_only (database, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_find_session_patient (store, session_id, &patient_id, &error));
  chart = stipple_store_load_chart (store, patient_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < chart->sessions->len; i++)
    if (((StippleSession *) chart->sessions->pdata[i])->id == session_id)
      session = stipple_session_copy (chart->sessions->pdata[i]);
  g_assert_nonnull (session);
  *audit = stipple_store_list_audit (store, session_id, &error);
  g_assert_no_error (error);
  /* Whatever was on its way when the window closed, the record is whole:
   * nothing reached the file after its session was sealed. */
  {
    g_autoptr(StippleVerifyResult) verified = stipple_store_verify (store, 0, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < verified->breaks->len; i++)
      g_test_message ("%s", ((StippleVerifyBreak *) verified->breaks->pdata[i])->message);
    g_assert_cmpuint (verified->breaks->len, ==, 0);
  }
  stipple_store_close (store);
  return session;
}

static guint
count_events (GPtrArray         *audit,
              StippleAuditKind   kind)
{
  guint n = 0;

  for (guint i = 0; i < audit->len; i++)
    if (((StippleAuditEntry *) audit->pdata[i])->kind == kind)
      n++;
  return n;
}

/* One application a process: each case runs in a child of its own. */
static gboolean
in_child (void)
{
  if (g_test_subprocess ())
    return TRUE;

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  return FALSE;
}

static void
test_audit_held_back (void)
{
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(StippleSession) session = NULL;

  if (!in_child ())
    return;

  session = run_and_read (CLOSE_AUDIT_HELD_BACK, &audit);
  /* The emergency stops of the full spell (the one pressed, the one of
   * the refused close) are in the trail, and the session reads as
   * interrupted, not ended. */
  g_assert_cmpuint (count_events (audit, STIPPLE_AUDIT_EMERGENCY_STOP), >=, 2);
  g_assert_null (session->ended_at);
}

static void
test_notes_unsaved (void)
{
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(StippleSession) session = NULL;

  if (!in_child ())
    return;

  session = run_and_read (CLOSE_NOTES_UNSAVED, &audit);
  g_assert_cmpstr (session->note_before, ==, NOTE);
  g_assert_null (session->ended_at);
}

static void
test_close_while_ending (void)
{
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(StippleSession) session = NULL;

  if (!in_child ())
    return;

  session = run_and_read (CLOSE_WHILE_ENDING, &audit);
  g_assert_nonnull (session->ended_at);
}

int
main (int   argc,
      char *argv[])
{
  stipple_test_ui_init (&argc, &argv);

  /* The patient file runs on a VFS shim that can run out of room. */
  stipple_test_vfs_install ();
  g_test_add_func ("/stipple/window-close/audit-held-back", test_audit_held_back);
  g_test_add_func ("/stipple/window-close/notes-unsaved", test_notes_unsaved);
  g_test_add_func ("/stipple/window-close/while-ending", test_close_while_ending);

  return g_test_run ();
}
