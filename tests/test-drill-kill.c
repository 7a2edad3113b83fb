/* test-drill-kill.c: Stipple killed while a clinician types notes
 *
 * A child process shows the real treatment page over a real patient file
 * and the simulated pen, arms the needle, and types into the note before
 * the treatment, a word every 20 ms, telling the parent how much it has
 * typed and when. The parent kills it with SIGKILL at a random moment and
 * checks what must hold: the patient file passes PRAGMA integrity_check,
 * everything typed more than a second before the kill is in it, and the
 * session is there, unfinished, to be reopened as interrupted.
 *
 * STIPPLE_DRILL_TRIALS sets the number of kills (CI runs 6; the drill in
 * docs/reliability.md runs 200). STIPPLE_DRILL_SEED repeats a run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/wait.h>

#include "stipple-sim-transport.h"
#include "stipple-treatment-page.h"
#include "test-store-util.h"

/* ------------------------------------------------------------------------
 * The child: a clinician typing
 * ------------------------------------------------------------------------ */

static GtkTextView *
find_note (GtkWidget *root)
{
  if (GTK_IS_TEXT_VIEW (root))
    return GTK_TEXT_VIEW (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkTextView *found = find_note (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
arm_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  stipple_treatment_arm_finish (STIPPLE_TREATMENT (object), result, NULL);
}

static int
run_child (const char *path,
           gint64      session_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (path, &error);
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(StippleTransport) transport = NULL;
  g_autoptr(StipplePen) pen = NULL;
  g_autoptr(StippleTreatment) treatment = NULL;
  const StippleSession *session = NULL;
  StippleZoneLimits limits;
  GtkTextBuffer *buffer;
  GtkWidget *window, *page;
  gint64 patient_id;
  gsize typed = 0;

  if (store == NULL || !stipple_store_find_session_patient (store, session_id, &patient_id, &error) ||
      (chart = stipple_store_load_chart (store, patient_id, &error)) == NULL)
    g_error ("child: %s", error->message);
  for (guint i = 0; i < chart->sessions->len; i++)
    if (((StippleSession *) chart->sessions->pdata[i])->id == session_id)
      session = chart->sessions->pdata[i];

  transport = stipple_sim_transport_new (NULL, FALSE);
  pen = stipple_pen_new (transport);
  if (!stipple_pen_start (pen, &error))
    g_error ("child: %s", error->message);
  while (!stipple_pen_get_connected (pen))
    g_main_context_iteration (NULL, TRUE);

  stipple_zone_limits_init_defaults (&limits);
  treatment = stipple_treatment_new (store, pen, session, "Dr Drill", STIPPLE_SKIN_THIN, &limits);
  page = stipple_treatment_page_new (treatment, store);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));

  stipple_treatment_select_zone (treatment, STIPPLE_ZONE_CHIN, 1);
  while (stipple_treatment_get_verification (treatment) != STIPPLE_VERIFICATION_VERIFIED)
    g_main_context_iteration (NULL, TRUE);
  stipple_treatment_arm_async (treatment, NULL, arm_cb, NULL);

  buffer = gtk_text_view_get_buffer (find_note (page));
  for (;;)
    {
      GtkTextIter end;
      gint64 until = g_get_monotonic_time () + 20 * 1000;

      /* Typed as a person types: into the buffer, the saver does the rest. */
      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_insert (buffer, &end, "erythema ", -1);
      typed += strlen ("erythema ");
      printf ("%" G_GSIZE_FORMAT " %" G_GINT64_FORMAT "\n", typed, g_get_monotonic_time ());
      fflush (stdout);
      while (g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, FALSE), g_usleep (1000);
    }

  return 0;
}

/* ------------------------------------------------------------------------
 * The parent: the drill
 * ------------------------------------------------------------------------ */

static char *self_path;

static gboolean
integrity_ok (const char *path)
{
  g_autofree char *check = test_sql (path, "PRAGMA integrity_check", NULL);

  return g_strcmp0 (check, "ok") == 0;
}

static void
test_kill_drill (void)
{
  const char *trials_env = g_getenv ("STIPPLE_DRILL_TRIALS");
  const char *seed_env = g_getenv ("STIPPLE_DRILL_SEED");
  guint trials = trials_env ? (guint) g_ascii_strtoull (trials_env, NULL, 10) : 6;
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : g_random_int ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree char *dir = g_dir_make_tmp ("stipple-kill-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  guint64 lost = 0, failures = 0;
  gint64 patient_id;

  g_test_message ("seed %u, %u trials", seed, trials);

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(StippleStore) store = stipple_store_open (path, &error);
    g_autoptr(StipplePatient) patient = stipple_patient_new ();

    g_assert_no_error (error);
    patient->family_name = g_strdup ("Drill");
    patient->given_name = g_strdup ("Patient");
    patient->record_number = g_strdup ("DRILL-2");
    patient->date_of_birth = g_strdup ("1980-01-01");
    g_assert_true (stipple_store_save_patient (store, patient, &error));
    patient_id = patient->id;
    stipple_store_close (store);
  }

  for (guint trial = 0; trial < trials; trial++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StippleStore) store = NULL;
      g_autoptr(StippleSession) session = stipple_session_new ();
      g_autoptr(StipplePatientChart) chart = NULL;
      g_autofree char *session_arg = NULL;
      g_autoptr(GIOChannel) out = NULL;
      const StippleSession *saved = NULL;
      gsize typed_before_deadline = 0;
      gint64 kill_at, killed;
      GPid pid;
      int out_fd, status;

      /* A new session for each trial, saved as a started one is. */
      store = stipple_store_open (path, &error);
      g_assert_no_error (error);
      session->patient_id = patient_id;
      session->started_at = g_date_time_new_now_utc ();
      session->clinician = g_strdup ("Dr Drill");
      stipple_session_add_pass (session, STIPPLE_ZONE_CHIN, 750, 120);
      g_assert_true (stipple_store_save_session (store, session, &error));
      stipple_store_close (store);
      g_clear_object (&store);

      session_arg = g_strdup_printf ("%" G_GINT64_FORMAT, session->id);
      {
        const char *argv[] = { self_path, "--child", path, session_arg, NULL };

        g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                                 G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                                 NULL, &out_fd, NULL, &error));
        g_assert_no_error (error);
      }

      /* Read what the child says it typed until the chosen moment. */
      out = g_io_channel_unix_new (out_fd);
      g_io_channel_set_close_on_unref (out, TRUE);
      kill_at = 0;
      for (;;)
        {
          g_autofree char *line = NULL;
          gsize typed;
          gint64 when;

          if (g_io_channel_read_line (out, &line, NULL, NULL, NULL) != G_IO_STATUS_NORMAL)
            g_error ("the child stopped before it was killed");
          if (sscanf (line, "%" G_GSIZE_FORMAT " %" G_GINT64_FORMAT, &typed, &when) != 2)
            continue;
          if (kill_at == 0)
            kill_at = when + g_rand_int_range (rand, 1500, 3500) * 1000;
          if (when >= kill_at)
            break;
          if (when <= kill_at - G_USEC_PER_SEC)
            typed_before_deadline = typed;
        }
      /* Never vacuous: the child typed for more than a second. */
      g_assert_cmpuint (typed_before_deadline, >, 0);
      kill (pid, SIGKILL);
      killed = g_get_monotonic_time ();
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));
      g_spawn_close_pid (pid);
      (void) killed;

      /* What must hold after the kill. */
      if (!integrity_ok (path))
        failures++;
      store = stipple_store_open (path, &error);
      g_assert_no_error (error);
      chart = stipple_store_load_chart (store, patient_id, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < chart->sessions->len; i++)
        if (((StippleSession *) chart->sessions->pdata[i])->id == session->id)
          saved = chart->sessions->pdata[i];
      g_assert_nonnull (saved);
      /* Unfinished: reopened as interrupted, not lost. */
      g_assert_null (saved->ended_at);
      if (saved->note_before == NULL || strlen (saved->note_before) < typed_before_deadline)
        {
          failures++;
          lost += typed_before_deadline - (saved->note_before ? strlen (saved->note_before) : 0);
        }
      stipple_store_close (store);
    }

  g_test_message ("kill_drill_trials: %u count", trials);
  g_test_message ("kill_drill_failures: %" G_GUINT64_FORMAT " count", failures);
  g_test_message ("kill_drill_note_bytes_lost: %" G_GUINT64_FORMAT " count", lost);
  g_assert_cmpuint (failures, ==, 0);

  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("test-drill-kill needs a display; run it through ./build-aux/dev test\n");
      return 1;
    }

  if (argc == 4 && g_str_equal (argv[1], "--child"))
    {
      gtk_init ();
      adw_init ();
      return run_child (argv[2], g_ascii_strtoll (argv[3], NULL, 10));
    }

  self_path = g_canonicalize_filename (argv[0], NULL);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stipple/drill/kill", test_kill_drill);

  return g_test_run ();
}
