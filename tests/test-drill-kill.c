/* test-drill-kill.c: Stipple killed while a clinician types notes
 *
 * A child process shows the real treatment page over a real patient file
 * and a pen, arms the needle, and types into the note before the
 * treatment, a word every 20 ms, telling the parent how much it has typed
 * and when. The parent kills it with SIGKILL at a random moment and checks
 * what must hold: the patient file passes PRAGMA integrity_check,
 * everything typed more than a second before the kill is in it, and the
 * session is there, unfinished, to be reopened as interrupted.
 *
 * It runs twice. Once over the simulated pen, which dies with the child.
 * Once over the libusb transport to the pen model behind a USB device
 * that the parent emulates under umockdev (the child inherits the
 * testbed): there the pen outlives the application, and the parent checks
 * that the pen stopped its needle by itself within its 250 ms watchdog.
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
#include "stipple-test-usb-pen.h"
#include "stipple-treatment-page.h"
#include "stipple-usb-transport.h"
#include "stipple-test-wait.h"
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
  g_autoptr(GError) error = NULL;

  if (stipple_treatment_arm_finish (STIPPLE_TREATMENT (object), result, &error))
    printf ("armed\n");
  else
    printf ("not armed: %s\n", error->message);
  fflush (stdout);
}

static void
child_disarmed_cb (StipplePen             *pen,
                   StipplePenDisarmReason  reason,
                   const char             *message,
                   gpointer                user_data)
{
  printf ("disarmed %s\n", message);
  fflush (stdout);
}

static gboolean
word_due_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static int
run_child (const char *path,
           gint64      session_id,
           gboolean    usb,
           gboolean    typing)
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

  if (usb)
    transport = stipple_usb_transport_new (STIPPLE_PROTO_USB_VID, STIPPLE_PROTO_USB_PID_TEST, TRUE);
  else
    transport = stipple_sim_transport_new (NULL, FALSE);
  pen = stipple_pen_new (transport);
  g_signal_connect (pen, "disarmed", G_CALLBACK (child_disarmed_cb), NULL);
  if (!stipple_pen_start (pen, &error))
    g_error ("child: %s", error->message);
  while (!stipple_pen_get_connected (pen))
    g_main_context_iteration (NULL, TRUE);

  stipple_zone_limits_init_defaults (&limits);
  treatment = stipple_treatment_new (store, pen, session, "Dr Drill", STIPPLE_SKIN_THIN, &limits);
  page = stipple_treatment_page_new (treatment);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));

  stipple_treatment_select_zone (treatment, STIPPLE_ZONE_CHIN, 1);
  while (stipple_treatment_get_verification (treatment) != STIPPLE_VERIFICATION_VERIFIED)
    g_main_context_iteration (NULL, TRUE);
  stipple_treatment_arm_async (treatment, NULL, arm_cb, NULL);

  /* Holding the needle, and saying what stops it. */
  while (!typing)
    g_main_context_iteration (NULL, TRUE);

  buffer = gtk_text_view_get_buffer (find_note (page));
  for (;;)
    {
      GtkTextIter end;
      gboolean due = FALSE;

      /* The next word in 20 ms: a person's pace, not a wait for anything. */
      g_timeout_add (20, word_due_cb, &due);

      /* Typed as a person types: into the buffer, the saver does the rest. */
      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_insert (buffer, &end, "erythema ", -1);
      typed += strlen ("erythema ");
      printf ("%" G_GSIZE_FORMAT " %" G_GINT64_FORMAT "\n", typed, g_get_monotonic_time ());
      fflush (stdout);
      while (!due)
        g_main_context_iteration (NULL, TRUE);
    }

  return 0;
}

/* ------------------------------------------------------------------------
 * The parent: the drill
 * ------------------------------------------------------------------------ */

static char *self_path;

/* Warnings and criticals in the parent fail the drill, except the one
 * umockdev gives when the child it was answering died in the middle of an
 * ioctl: that is this drill working, not a fault. */
static gint unexpected_warnings;

static GLogWriterOutput
log_writer_cb (GLogLevelFlags   log_level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL))
    {
      const char *message = "";

      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
          message = fields[i].value;
      if (strstr (message, "Destroying IoctlClient with open stream") == NULL)
        g_atomic_int_inc (&unexpected_warnings);
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* How a child ended, in words. */
static char *
describe_end (int status)
{
  if (WIFSIGNALED (status))
    return g_strdup_printf ("was killed by signal %d (%s)%s", WTERMSIG (status),
                            g_strsignal (WTERMSIG (status)),
                            WCOREDUMP (status) ? ", core dumped" : "");
  if (WIFEXITED (status))
    return g_strdup_printf ("exited with status %d", WEXITSTATUS (status));
  return g_strdup_printf ("ended with wait status 0x%x", (guint) status);
}

/* What the child still had to say, for a report. */
static char *
rest_of_output (GIOChannel *out)
{
  g_autoptr(GString) rest = g_string_new (NULL);
  char *line = NULL;

  if (out == NULL)
    return g_string_free (g_steal_pointer (&rest), FALSE);
  while (g_io_channel_read_line (out, &line, NULL, NULL, NULL) == G_IO_STATUS_NORMAL)
    {
      g_string_append (rest, line);
      g_free (line);
    }
  return g_string_free (g_steal_pointer (&rest), FALSE);
}

/* Kills the child with SIGKILL and reaps it. Anything else it died of
 * first (a crash, an abort, an exit of its own) fails the drill, with
 * its cause: the drill's kill is the only death it allows. */
static void
kill_child (GPid        pid,
            GIOChannel *out,
            const char *when)
{
  int status;

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  if (!WIFSIGNALED (status) || WTERMSIG (status) != SIGKILL)
    {
      g_autofree char *how = describe_end (status);
      g_autofree char *rest = rest_of_output (out);

      g_error ("the child was not killed by the drill %s: it %s before; its last words: %s", when,
               how, rest[0] != '\0' ? rest : "(none)");
    }
}

static gboolean
integrity_ok (const char *path)
{
  g_autofree char *check = test_sql (path, "PRAGMA integrity_check", NULL);

  return g_strcmp0 (check, "ok") == 0;
}

/* The child's next line, waited for at most 30 s (stretched by the
 * slowdown): a child that says nothing more fails the drill in words
 * rather than hanging it. */
static char *
read_child_line (GIOChannel *out,
                 GPid        pid,
                 const char *waiting_for)
{
  GPollFD fd = { g_io_channel_unix_get_fd (out), G_IO_IN | G_IO_HUP | G_IO_ERR, 0 };
  gint64 until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC * test_slowdown ();
  char *line = NULL;

  /* A line already buffered needs no poll. */
  while (g_io_channel_get_buffer_condition (out) == 0 && g_poll (&fd, 1, 100) == 0)
    if (g_get_monotonic_time () > until)
      {
        kill (pid, SIGKILL);
        g_error ("the child said nothing for 30 s while waiting for %s", waiting_for);
      }
  if (g_io_channel_read_line (out, &line, NULL, NULL, NULL) != G_IO_STATUS_NORMAL)
    {
      g_autofree char *how = NULL;
      int status;

      /* Its output closed: it is gone, or going. Say of what. */
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      how = describe_end (status);
      g_error ("the child ended while waiting for %s: it %s", waiting_for, how);
    }
  return line;
}

static gint64
new_patient (const char *path)
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
  stipple_store_close (store);
  return patient->id;
}

/* Saves @session as a started one is, on the chin. */
static void
new_session (const char     *path,
             gint64          patient_id,
             StippleSession *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (path, &error);

  g_assert_no_error (error);
  session->patient_id = patient_id;
  session->started_at = g_date_time_new_now_utc ();
  session->clinician = g_strdup ("Dr Drill");
  stipple_session_add_pass (session, STIPPLE_ZONE_CHIN, 750, 120);
  g_assert_true (stipple_store_save_session (store, session, &error));
  stipple_store_close (store);
}

static void
test_kill_drill (gconstpointer data)
{
  gboolean usb = GPOINTER_TO_INT (data);
  g_autoptr(StippleTestUsb) bed = NULL;
  StippleTestUsbPen usb_pen = { 0 };
  gint64 worst_stop_us = 0;
  guint stopped_before_kill = 0;
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

  /* The pen outlives every child: plugged in once, here. */
  if (usb)
    {
      bed = stipple_test_usb_new ();
      stipple_test_usb_pen_plug (bed, &usb_pen);
    }

  patient_id = new_patient (path);

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
      gint64 kill_at;
      gboolean armed = FALSE;
      gboolean running = TRUE;
      GPid pid;
      int out_fd;

      /* A new session for each trial, saved as a started one is. */
      new_session (path, patient_id, session);
      session_arg = g_strdup_printf ("%" G_GINT64_FORMAT, session->id);
      {
        const char *argv[] = { self_path, "--child", path, session_arg, usb ? "usb" : "simulated", NULL };

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
          g_autofree char *line = read_child_line (out, pid, "its typing, before the kill");
          gsize typed;
          gint64 when;

          if (g_str_has_prefix (line, "not armed"))
            g_error ("child: %s", line);
          if (g_str_has_prefix (line, "armed"))
            armed = TRUE;
          if (sscanf (line, "%" G_GSIZE_FORMAT " %" G_GINT64_FORMAT, &typed, &when) != 2)
            continue;
          /* A random moment of a running needle. */
          if (kill_at == 0 && armed)
            kill_at = when + g_rand_int_range (rand, 1500, 3500) * 1000;
          if (kill_at == 0)
            continue;
          if (when >= kill_at)
            break;
          if (when <= kill_at - G_USEC_PER_SEC)
            typed_before_deadline = typed;
        }
      /* Never vacuous: the child typed for more than a second, with the
       * needle armed. It may have stopped since, if the application did
       * not answer for a quarter of a second (under load): its watchdog
       * did what it is for, and the trial is counted as such; so is an
       * emergency stop the pen link sent itself, its window frozen or its
       * pen silent for too long. */
      g_assert_cmpuint (typed_before_deadline, >, 0);
      if (usb && !stipple_test_usb_pen_is_armed (bed, &usb_pen))
        {
          running = FALSE;
          stipple_test_usb_lock (bed);
          if (usb_pen.firmware.disarm_reason == STIPPLE_PROTO_DISARM_WATCHDOG ||
              usb_pen.firmware.disarm_reason == STIPPLE_PROTO_DISARM_EMERGENCY_STOP)
            stopped_before_kill++;
          else
            {
              failures++;
              g_test_message ("trial %u: the needle had stopped before the kill (reason %u)",
                              trial, usb_pen.firmware.disarm_reason);
            }
          stipple_test_usb_unlock (bed);
        }
      kill_child (pid, out, "at the chosen moment");

      /* Nobody sends heartbeats any more: the pen stops by itself. Its
       * clock is looked at every half millisecond, and its watchdog runs
       * when it is. */
      if (usb && running)
        {
          gint64 killed = (gint64) stipple_test_usb_now_us (bed);
          gint64 stopped;

          while (stipple_test_usb_pen_is_armed (bed, &usb_pen) &&
                 (gint64) stipple_test_usb_now_us (bed) - killed < 10 * G_USEC_PER_SEC)
            g_usleep (500);
          /* When the pen stopped, on its own clock, not when this thread
           * (held back on a busy machine) saw it stopped. */
          stipple_test_usb_lock (bed);
          stopped = stipple_firmware_is_armed (&usb_pen.firmware)
                      ? (gint64) stipple_test_usb_now_us (bed) : (gint64) usb_pen.firmware.disarmed_us;
          stipple_test_usb_unlock (bed);
          worst_stop_us = MAX (worst_stop_us, stopped - killed);
          if (stopped - killed > 250 * 1000 + 5000)
            {
              failures++;
              g_test_message ("trial %u: the needle stopped %.1f ms after the kill", trial,
                              (stopped - killed) / 1000.0);
            }
          stipple_test_usb_lock (bed);
          g_assert_cmpuint (usb_pen.firmware.disarm_reason, ==, STIPPLE_PROTO_DISARM_WATCHDOG);
          stipple_test_usb_unlock (bed);
        }

      /* What must hold after the kill. */
      if (!integrity_ok (path))
        {
          failures++;
          g_test_message ("trial %u: the file fails its integrity check", trial);
        }
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
          g_test_message ("trial %u: %" G_GSIZE_FORMAT " of the %" G_GSIZE_FORMAT
                          " note bytes typed a second before the kill are missing", trial,
                          typed_before_deadline - (saved->note_before ? strlen (saved->note_before) : 0),
                          typed_before_deadline);
        }
      stipple_store_close (store);
    }

  {
    const char *name = usb ? "usb_" : "";

    g_test_message ("%skill_drill_trials: %u count", name, trials);
    g_test_message ("%skill_drill_failures: %" G_GUINT64_FORMAT " count", name, failures);
    g_test_message ("%skill_drill_note_bytes_lost: %" G_GUINT64_FORMAT " count", name, lost);
    if (usb)
      {
        g_test_message ("usb_kill_drill_worst_pen_stop: %.1f ms", worst_stop_us / 1000.0);
        g_test_message ("usb_kill_drill_stopped_before_kill: %u count", stopped_before_kill);
      }
  }
  g_assert_cmpuint (failures, ==, 0);
  /* Most kills found the needle running. */
  g_assert_cmpuint (stopped_before_kill * 2, <=, trials);
  g_assert_cmpint (g_atomic_int_get (&unexpected_warnings), ==, 0);

  test_remove_tree (dir);
}

/* Whether the pen hears @n more heartbeats with its needle running: a
 * window counted in heartbeats, which a busy machine lengthens but does
 * not fail. FALSE as soon as the needle stops. The pen's state is looked
 * at every half millisecond, since its watchdog runs when its clock is
 * read; a heartbeat missed between two looks only lengthens the window. */
static gboolean
pen_hears_heartbeats (StippleTestUsb    *bed,
                      StippleTestUsbPen *pen,
                      guint              n)
{
  gint64 until = g_get_monotonic_time () + TEST_WAIT_SECONDS * G_USEC_PER_SEC * test_slowdown ();
  guint64 last = 0;
  guint heard = 0;

  for (;;)
    {
      gboolean armed = stipple_test_usb_pen_is_armed (bed, pen);
      guint64 heartbeat_us;

      stipple_test_usb_lock (bed);
      heartbeat_us = pen->firmware.heartbeat_us;
      stipple_test_usb_unlock (bed);
      if (!armed)
        return FALSE;
      if (last != 0 && heartbeat_us != last)
        heard++;
      last = heartbeat_us;
      if (heard >= n)
        return TRUE;
      if (g_get_monotonic_time () > until)
        g_error ("the pen heard %u of %u heartbeats in %d s", heard, n, TEST_WAIT_SECONDS);
      g_usleep (500);
    }
}

/* Stipple frozen whole (SIGSTOP: every thread, the pen link's too) while
 * the needle runs over USB: the pen's watchdog stops it within 250 ms,
 * and when Stipple runs again it names the real cause, this computer,
 * on screen and in the audit trail, never the pen. */
static void
test_frozen_drill (void)
{
  g_autoptr(StippleTestUsb) bed = stipple_test_usb_new ();
  StippleTestUsbPen usb_pen = { 0 };
  g_autofree char *dir = g_dir_make_tmp ("stipple-frozen-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  g_autoptr(StippleSession) session = NULL;
  g_autofree char *session_arg = NULL;
  g_autofree char *said = NULL;
  gint64 patient_id;
  g_autoptr(GIOChannel) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  gint64 frozen_at, stopped_at, deadline;
  guint blamed_host = 0, blamed_pen = 0;
  GPid pid;
  int out_fd;

  stipple_test_usb_pen_plug (bed, &usb_pen);
  patient_id = new_patient (path);

  /* On a busy machine the needle may stop before the freeze (Stipple
   * itself late): that try is given up, and another begins. */
  for (guint attempt = 0;; attempt++)
    {
      g_assert_cmpuint (attempt, <, 5);
      g_clear_pointer (&session, stipple_session_free);
      session = stipple_session_new ();
      new_session (path, patient_id, session);
      g_free (session_arg);
      session_arg = g_strdup_printf ("%" G_GINT64_FORMAT, session->id);
      {
        const char *argv[] = { self_path, "--child", path, session_arg, "usb", "hold", NULL };

        g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                                 NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
        g_assert_no_error (error);
      }
      g_clear_pointer (&out, g_io_channel_unref);
      out = g_io_channel_unix_new (out_fd);
      g_io_channel_set_close_on_unref (out, TRUE);
      for (;;)
        {
          g_autofree char *line = read_child_line (out, pid, "the needle armed");

          if (g_str_has_prefix (line, "not armed"))
            g_error ("child: %s", line);
          if (g_str_has_prefix (line, "armed"))
            break;
        }

      /* The needle runs, and the pen has just heard a heartbeat: then
       * everything of Stipple stops at once. Frozen right after one, the
       * pen's watchdog has its whole quarter second to run out, and a
       * starved machine has the least time to be late before the freeze. */
      if (pen_hears_heartbeats (bed, &usb_pen, 1))
        break;
      stipple_test_usb_lock (bed);
      g_test_message ("try %u: the needle stopped before the freeze (pen's reason %u)", attempt,
                      usb_pen.firmware.disarm_reason);
      stipple_test_usb_unlock (bed);
      kill_child (pid, out, "after a try given up");
    }
  g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
  frozen_at = (gint64) stipple_test_usb_now_us (bed);

  /* The pen stops by itself, on its own clock. */
  while (stipple_test_usb_pen_is_armed (bed, &usb_pen) &&
         (gint64) stipple_test_usb_now_us (bed) - frozen_at < 10 * G_USEC_PER_SEC)
    g_usleep (500);
  stipple_test_usb_lock (bed);
  g_assert_false (stipple_firmware_is_armed (&usb_pen.firmware));
  g_assert_cmpuint (usb_pen.firmware.disarm_reason, ==, STIPPLE_PROTO_DISARM_WATCHDOG);
  stopped_at = (gint64) usb_pen.firmware.disarmed_us;
  stipple_test_usb_unlock (bed);
  /* Within the watchdog's quarter second of the last heartbeat heard,
   * which came at most a heartbeat before the freeze. */
  g_assert_cmpint (stopped_at - frozen_at, <=, 250 * 1000 + 5000);

  /* Half a second frozen in all, then Stipple runs again: the length of
   * the fault the drill makes, on the pen's clock, and not a wait for
   * anything (the pen has stopped already). */
  deadline = frozen_at + 500 * 1000;
  while ((gint64) stipple_test_usb_now_us (bed) < deadline)
    g_usleep (500);
  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);

  for (;;)
    {
      g_autofree char *line = read_child_line (out, pid, "the stop's cause");

      if (g_str_has_prefix (line, "disarmed "))
        {
          said = g_strdup (g_strstrip (line + strlen ("disarmed ")));
          break;
        }
    }
  g_test_message ("on screen: %s", said);
  g_assert_nonnull (strstr (said, "There is no fault in the pen"));

  /* The audit row goes through the store's writer: it is in the file
   * before Stipple goes. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE session_id = %"
                                            G_GINT64_FORMAT " AND detail LIKE '%%no fault in the pen%%'",
                                            session->id);
    gint64 until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC * test_slowdown ();

    for (;;)
      {
        g_autofree char *count = test_sql (path, sql, NULL);

        if (count != NULL && g_ascii_strtoll (count, NULL, 10) > 0)
          break;
        g_assert_cmpint (g_get_monotonic_time (), <, until);
        g_usleep (10 * 1000);
      }
  }

  kill_child (pid, out, "after the freeze");

  /* The audit trail says the same, and nothing in it blames the pen. */
  store = stipple_store_open (path, &error);
  g_assert_no_error (error);
  audit = stipple_store_list_audit (store, session->id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      const StippleAuditEntry *entry = audit->pdata[i];

      if (entry->detail == NULL)
        continue;
      if (strstr (entry->detail, "There is no fault in the pen") != NULL)
        blamed_host++;
      if (strstr (entry->detail, "stopped answering") != NULL)
        blamed_pen++;
    }
  g_assert_cmpuint (blamed_host, >=, 1);
  g_assert_cmpuint (blamed_pen, ==, 0);
  stipple_store_close (store);

  g_assert_cmpint (g_atomic_int_get (&unexpected_warnings), ==, 0);
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

  if ((argc == 5 || argc == 6) && g_str_equal (argv[1], "--child"))
    {
      gtk_init ();
      adw_init ();
      return run_child (argv[2], g_ascii_strtoll (argv[3], NULL, 10), g_str_equal (argv[4], "usb"),
                        argc == 5);
    }

  self_path = g_canonicalize_filename (argv[0], NULL);
  g_log_set_writer_func (log_writer_cb, NULL, NULL);
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_test_add_data_func ("/stipple/drill/kill/simulated", GINT_TO_POINTER (FALSE), test_kill_drill);
  g_test_add_data_func ("/stipple/drill/kill/usb", GINT_TO_POINTER (TRUE), test_kill_drill);
  g_test_add_func ("/stipple/drill/kill/usb-frozen", test_frozen_drill);

  return g_test_run ();
}
