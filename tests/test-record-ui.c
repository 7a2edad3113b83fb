/* test-record-ui.c: the record's integrity, as the clinician meets it
 *
 * Two things, through the real window with a real keyboard and mouse
 * (XTest): a file changed behind Stipple's back opens with a warning
 * that stays and names the break; and a sealed session's notes take an
 * addendum from the session summary, which the seal then covers, the
 * record shows, and the file verifies with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "stipple-application.h"
#include "stipple-session-summary.h"
#include "stipple-store.h"
#include "stipple-test-a11y.h"
#include "stipple-test-ui.h"
#include "stipple-test-xinput.h"
#include "stipple-window.h"

#define TEST_WAIT_SECONDS 20
#define TEST_WAIT_ON_TIMEOUT stipple_xinput_save_failure_screenshot
#include "stipple-test-wait.h"

#define ADDENDUM "Patient called the next day: mild redness, settling."

static StippleApplication *app;
static GtkWindow *window;
static gboolean finished;
static gint64 tampered_session;
static gint64 ended_session;

static int
sql_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open (path, &db);

  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  sqlite3_close (db);
  return rc;
}

/* A demo patient file, closed, its record whole; returns an ended
 * session's id. */
static gint64
make_demo (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (path, &error);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  gint64 session = 0;

  g_assert_no_error (error);
  g_assert_true (stipple_store_fill_demo (store, NULL, &error));
  g_assert_no_error (error);
  found = stipple_store_search_patients (store, "DEMO-0001", 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  chart = stipple_store_load_chart (store, ((StipplePatient *) found->pdata[0])->id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < chart->sessions->len; i++)
    if (((StippleSession *) chart->sessions->pdata[i])->ended_at != NULL)
      session = ((StippleSession *) chart->sessions->pdata[i])->id;
  g_assert_cmpint (session, >, 0);
  stipple_store_close (store);
  return session;
}

/* The patient page's row of session @id (any session for 0). */
static GtkWidget *
find_row (GtkWidget *root,
          gint64     id)
{
  const gint64 *row_id = g_object_get_data (G_OBJECT (root), "stipple-session-id");

  if (row_id != NULL && gtk_widget_get_mapped (root) && (id == 0 || *row_id == id))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, id);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
open_first_demo_patient (void)
{
  GtkWidget *search = NULL;

  WAIT_FOR ((search = stipple_test_find_of_type (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY)) != NULL &&
            gtk_widget_get_mapped (search));
  stipple_xinput_click (search);
  WAIT_FOR (gtk_widget_has_focus (search) ||
            gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), search));
  stipple_xinput_type (window, "DEMO-0001");
  WAIT_FOR (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (search)), "DEMO-0001"));
  stipple_xinput_key (window, "Return");
}

/* The tampered file: the window opens it, and a warning that names the
 * changed session stays above it. */
static void
run_tampered (void)
{
  GtkWidget *banner = NULL;
  g_autofree char *session = g_strdup_printf ("%" G_GINT64_FORMAT, tampered_session);

  WAIT_FOR ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL);
  stipple_test_wait_mapped (GTK_WIDGET (window));
  WAIT_FOR ((banner = stipple_test_find_named (GTK_WIDGET (window), "record-banner")) != NULL &&
            gtk_widget_get_mapped (banner));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (banner)), "stipple --verify"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (banner)), session));
  /* Screen readers find it by its words. */
  g_assert_true (stipple_test_find_accessible (GTK_WIDGET (window), GTK_ACCESSIBLE_ROLE_LABEL,
                                               gtk_label_get_text (GTK_LABEL (banner))) == banner);
  /* The missing daily backup is said too, with its reason. */
  {
    GtkWidget *backup = NULL;

    /* Taken, or not, on the long lane after the file opened. */
    WAIT_FOR ((backup = stipple_test_find_named (GTK_WIDGET (window), "backup-banner")) != NULL);
    g_assert_null (stipple_test_find_named (GTK_WIDGET (window), "backup-running"));
    g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (backup)),
                                     "Today’s backup of the patient file could not be taken: "));
    g_test_message ("%s", gtk_label_get_text (GTK_LABEL (backup)));
    /* The reason follows, then what happens next. */
    g_assert_cmpuint (strlen (gtk_label_get_text (GTK_LABEL (backup))), >,
                      strlen ("Today’s backup of the patient file could not be taken: Stipple "
                              "tries again the next time the file is opened.") + 10);
  }

  /* It stays while the clinician works: a patient opened, still there. */
  stipple_xinput_check ();
  open_first_demo_patient ();
  WAIT_FOR (find_row (GTK_WIDGET (window), 0) != NULL);
  g_assert_true (gtk_widget_get_mapped (banner));
  stipple_test_screenshot ("record-broken-banner.png");
  finished = TRUE;
}

/* A sealed session's notes: an addendum typed in the summary. */
static void
run_addendum (void)
{
  GtkWidget *row = NULL;
  GtkWidget *add = NULL;
  GtkWidget *view = NULL;
  GtkWidget *confirm = NULL;
  GtkWindow *summary = NULL;
  GtkWindow *dialog = NULL;
  StippleStore *store;

  WAIT_FOR ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL);
  WAIT_FOR ((store = stipple_application_get_store (app)) != NULL);
  stipple_test_wait_mapped (GTK_WIDGET (window));
  stipple_xinput_check ();
  /* A whole record raises no warning. */
  g_assert_null (stipple_test_find_named (GTK_WIDGET (window), "record-banner"));

  open_first_demo_patient ();
  WAIT_FOR ((row = find_row (GTK_WIDGET (window), ended_session)) != NULL);
  stipple_xinput_click (row);
  WAIT_FOR ((summary = stipple_test_find_window (STIPPLE_TYPE_SESSION_SUMMARY)) != NULL);
  stipple_test_wait_mapped (GTK_WIDGET (summary));
  {
    WAIT_FOR ((add = stipple_test_find_button (GTK_WIDGET (summary),
                                               _("Add to the note after the session"),
                                               FALSE)) != NULL);
    stipple_xinput_click (add);
    WAIT_FOR ((dialog = stipple_test_find_window (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
    stipple_test_wait_mapped (GTK_WIDGET (dialog));
    WAIT_FOR ((view = stipple_test_find_of_type (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW)) != NULL);
    /* Nothing written, nothing to add. */
    WAIT_FOR ((confirm = stipple_test_find_button (GTK_WIDGET (dialog), _("_Add Addendum"),
                                                   FALSE)) != NULL);
    g_assert_false (gtk_widget_is_sensitive (confirm));
    WAIT_FOR (gtk_widget_has_focus (view));
    stipple_xinput_type (dialog, ADDENDUM);
    WAIT_FOR (gtk_widget_is_sensitive (confirm));
    stipple_test_screenshot ("addendum.png");
    stipple_xinput_click (confirm);
    WAIT_FOR (stipple_session_summary_get_n_addenda (STIPPLE_SESSION_SUMMARY (summary)) == 1);
    stipple_test_screenshot ("addendum-shown.png");
  }
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (summary), ADDENDUM));
  finished = TRUE;
}

static void
run_app (const char *database,
         void      (*run) (void))
{
  const char *argv[] = { "stipple", "--simulate", "--database", database, NULL };

  finished = FALSE;
  window = NULL;
  app = stipple_application_new ();
  stipple_test_run_app (G_APPLICATION (app), argv, run);
  g_assert_true (finished);
  g_clear_object (&app);
}

static void
test_broken_banner (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-record-ui-XXXXXX", NULL);
  g_autofree char *database = g_build_filename (dir, "patients.stipple", NULL);
  g_autofree char *edit = NULL;

  tampered_session = make_demo (database);
  /* An edit behind Stipple's back: the trigger dropped and put back. */
  edit = g_strdup_printf ("DROP TRIGGER session_sealed_notes;"
                          "UPDATE session SET note_after = 'all fine' WHERE id = %" G_GINT64_FORMAT ";"
                          "CREATE TRIGGER session_sealed_notes BEFORE UPDATE OF note_before,"
                          " note_after ON session WHEN 0 BEGIN SELECT 1; END;",
                          tampered_session);
  g_assert_cmpint (sql_exec (database, edit), ==, SQLITE_OK);
  /* Nor can today's backup be taken: where its folder goes is a file. */
  {
    g_autofree char *backups = g_strconcat (database, ".backups", NULL);
    g_autoptr(GDir) folder = g_dir_open (backups, 0, NULL);
    const char *name;

    while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
      {
        g_autofree char *path = g_build_filename (backups, name, NULL);

        g_assert_cmpint (g_unlink (path), ==, 0);
      }
    g_rmdir (backups);
    g_assert_true (g_file_set_contents (backups, "", 0, NULL));
  }
  run_app (database, run_tampered);
}

static void
test_addendum (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-record-ui-XXXXXX", NULL);
  g_autofree char *database = g_build_filename (dir, "patients.stipple", NULL);
  g_autofree char *pdf = g_build_filename (dir, "record.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleVerifyResult) verified = NULL;
  g_autoptr(GPtrArray) addenda = NULL;
  g_autofree char *text = NULL;
  g_autofree char *flat = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *id = NULL;
  gint64 session = 0;
  int status;

  ended_session = make_demo (database);
  run_app (database, run_addendum);

  /* In the file, by the session's clinician, and covered by its seal. */
  store = stipple_store_open_read_only (database, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) found = stipple_store_search_patients (store, "DEMO-0001", 1, &error);
    g_autoptr(StipplePatientChart) chart = NULL;

    g_assert_no_error (error);
    chart = stipple_store_load_chart (store, ((StipplePatient *) found->pdata[0])->id, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < chart->sessions->len && session == 0; i++)
      {
        gint64 candidate = ((StippleSession *) chart->sessions->pdata[i])->id;
        g_autoptr(GPtrArray) list = stipple_store_list_note_addenda (store, candidate, &error);

        g_assert_no_error (error);
        if (list->len > 0)
          {
            session = candidate;
            addenda = g_steal_pointer (&list);
          }
      }
  }
  g_assert_cmpint (session, >, 0);
  g_assert_cmpuint (addenda->len, ==, 1);
  g_assert_cmpstr (((StippleNoteAddendum *) addenda->pdata[0])->text, ==, ADDENDUM);
  g_assert_cmpint (((StippleNoteAddendum *) addenda->pdata[0])->kind, ==, STIPPLE_NOTE_AFTER);
  verified = stipple_store_verify (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (verified->breaks->len, ==, 0);
  stipple_store_close (store);

  /* The session's record shows it. */
  id = g_strdup_printf ("%" G_GINT64_FORMAT, session);
  {
    const char *argv[] = { g_getenv ("STIPPLE_BINARY"), "--database", database, "--export-pdf",
                           id, pdf, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                  &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  {
    const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, &text, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  lines = g_strsplit (text, "\n", -1);
  flat = g_strjoinv (" ", lines);
  g_assert_nonnull (strstr (flat, "Addendum"));
  g_assert_nonnull (strstr (flat, "mild redness"));
}

int
main (int   argc,
      char *argv[])
{
  stipple_test_ui_init (&argc, &argv);

  g_test_add_func ("/stipple/record-ui/broken-banner", test_broken_banner);
  g_test_add_func ("/stipple/record-ui/addendum", test_addendum);

  return g_test_run ();
}
