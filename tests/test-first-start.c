/* test-first-start.c: the clinic is asked for its name and phone once,
 * on the first start
 *
 * Stipple starts on a patient file that does not exist yet, as on a
 * clinic's new computer. The clinic's name and phone are typed through
 * the X server (XTest) into the dialog that asks for them, and Enter
 * saves them; "Later" (Escape) leaves them unset; a start on the file
 * that now exists asks nothing; neither does the demo file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "stipple-application.h"
#include "stipple-test-a11y.h"
#include "stipple-test-ui.h"
#include "stipple-test-xinput.h"

#define TEST_WAIT_SECONDS 20
#define TEST_WAIT_ON_TIMEOUT stipple_xinput_save_failure_screenshot
#include "stipple-test-wait.h"

typedef enum {
  ANSWER_SAVE,
  ANSWER_LATER,
  ANSWER_NOT_ASKED,
} Answer;

static StippleApplication *app;
static Answer answer;
static gboolean finished;

/* The question, shown or about to be. */
static AdwMessageDialog *
find_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static char *
setting (const char *key)
{
  return g_settings_get_string (stipple_application_get_settings (app), key);
}

static void
run (void)
{
  GtkWindow *window = NULL;
  AdwMessageDialog *dialog = NULL;

  WAIT_FOR ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL);
  WAIT_FOR (stipple_application_get_store (app) != NULL);
  stipple_test_wait_mapped (GTK_WIDGET (window));
  stipple_xinput_check ();

  if (answer == ANSWER_NOT_ASKED)
    {
      /* The question comes with the opened file, in the same turn of the
       * main loop that shows the patient list; it is not there. */
      WAIT_FOR (stipple_test_find_of_type (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY) != NULL);
      g_assert_null (find_dialog ());
      finished = TRUE;
      return;
    }

  WAIT_FOR ((dialog = find_dialog ()) != NULL);
  stipple_test_wait_mapped (GTK_WIDGET (dialog));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == window);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("Your Clinic"));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);

  if (answer == ANSWER_LATER)
    {
      g_autofree char *name = NULL;

      stipple_xinput_key (GTK_WINDOW (dialog), "Escape");
      WAIT_FOR (dialog == NULL || !gtk_widget_get_visible (GTK_WIDGET (dialog)));
      name = setting ("clinic-name");
      g_assert_cmpstr (name, ==, "");
      finished = TRUE;
      return;
    }

  {
    GtkWidget *name = stipple_test_find_entry_row (GTK_WIDGET (dialog), _("Clinic Name"));
    GtkWidget *phone = stipple_test_find_entry_row (GTK_WIDGET (dialog), _("Clinic Phone"));

    /* The name is where typing goes; Save waits for a number to call. */
    stipple_xinput_type (GTK_WINDOW (dialog), "Clinique du Parc");
    WAIT_FOR (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (name)), "Clinique du Parc"));
    g_assert_false (adw_message_dialog_get_response_enabled (dialog, "save"));
    stipple_xinput_key (GTK_WINDOW (dialog), "Tab");
    WAIT_FOR (gtk_widget_has_focus (phone) ||
              gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), phone));
    stipple_xinput_type (GTK_WINDOW (dialog), "+33 1 23 45 67 89");
    WAIT_FOR (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (phone)), "+33 1 23 45 67 89"));
    stipple_xinput_key (GTK_WINDOW (dialog), "Return");
  }
  WAIT_FOR (dialog == NULL || !gtk_widget_get_visible (GTK_WIDGET (dialog)));
  {
    g_autofree char *name = setting ("clinic-name");
    g_autofree char *phone = setting ("clinic-phone");

    g_assert_cmpstr (name, ==, "Clinique du Parc");
    g_assert_cmpstr (phone, ==, "+33 1 23 45 67 89");
  }
  finished = TRUE;
}

static void
start (Answer      expected,
       const char *database,
       gboolean    demo)
{
  const char *argv[] = { "stipple", "--simulate", "--database", database, NULL, NULL };

  if (demo)
    argv[4] = "--demo";
  answer = expected;
  finished = FALSE;
  app = stipple_application_new ();
  stipple_test_run_app (G_APPLICATION (app), argv, run);
  g_assert_true (finished);
  g_clear_object (&app);
}

/* How Stipple is started, and what it must do. */
typedef struct
{
  Answer      answer;
  const char *file;
  /* The patient file is there already: not a first start. */
  gboolean    existing;
  gboolean    demo;
} Case;

static const Case save_case = { ANSWER_SAVE, "patients.stipple", FALSE, FALSE };
static const Case later_case = { ANSWER_LATER, "patients.stipple", FALSE, FALSE };
/* The file exists: not a first start, nothing asked. */
static const Case existing_case = { ANSWER_NOT_ASKED, "patients.stipple", TRUE, FALSE };
/* The demo file is for trying Stipple out: nothing asked either. */
static const Case demo_case = { ANSWER_NOT_ASKED, "demo.stipple", FALSE, TRUE };

/* One application per process: each start runs in a child of its own. */
static void
test_first_start (gconstpointer data)
{
  const Case *c = data;

  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("stipple-first-start-XXXXXX", NULL);
      g_autofree char *database = g_build_filename (dir, c->file, NULL);

      if (c->existing)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(StippleStore) store = stipple_store_open (database, &error);

          g_assert_no_error (error);
          stipple_store_close (store);
        }
      start (c->answer, database, c->demo);
      return;
    }
  g_test_trap_subprocess (NULL, 180 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  stipple_test_ui_init (&argc, &argv);

  g_test_add_data_func ("/stipple/first-start/save", &save_case, test_first_start);
  g_test_add_data_func ("/stipple/first-start/later", &later_case, test_first_start);
  g_test_add_data_func ("/stipple/first-start/existing-file", &existing_case, test_first_start);
  g_test_add_data_func ("/stipple/first-start/demo", &demo_case, test_first_start);

  return g_test_run ();
}
