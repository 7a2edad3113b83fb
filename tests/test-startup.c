/* test-startup.c: Stipple started as a clinician starts it, with its
 * command line, up to its first window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "stipple-application.h"
#include "stipple-test-a11y.h"

typedef struct
{
  const char *expect_title;
  gboolean    expect_store;
  gboolean    checked;
} Expectation;

/* A status page with @title that a stack in the window shows. */
static GtkWidget *
find_visible_status_page (GtkWidget  *root,
                          const char *title)
{
  GtkWidget *parent = gtk_widget_get_parent (root);

  if (ADW_IS_STATUS_PAGE (root) && GTK_IS_STACK (parent) &&
      gtk_stack_get_visible_child (GTK_STACK (parent)) == root &&
      gtk_widget_is_visible (root) &&
      g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (root)), title) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_visible_status_page (child, title);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
check_window (StippleApplication *app,
              Expectation        *expect)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_nonnull (window);
  stipple_test_wait_mapped (GTK_WIDGET (window));
  /* Let the stack settle on the page the store decided. */
  stipple_test_iterate (300);
  if (expect->expect_title != NULL)
    {
      GtkWidget *page = find_visible_status_page (GTK_WIDGET (window), expect->expect_title);

      if (page == NULL)
        g_error ("The window shows no “%s”", expect->expect_title);
    }

  if (expect->expect_store)
    {
      StippleStore *store = stipple_application_get_store (app);
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (store);
      found = stipple_store_search_patients (store, "DEMO-", 100, &error);
      g_assert_no_error (error);
      /* The demo file holds its demo patients from the first start. */
      g_assert_cmpuint (found->len, >=, 3);
    }
  else
    g_assert_null (stipple_application_get_store (app));

  expect->checked = TRUE;
  g_application_quit (G_APPLICATION (app));
}

static StippleApplication *running_app;

static gboolean
check_window_idle_cb (gpointer data)
{
  check_window (running_app, data);
  return G_SOURCE_REMOVE;
}

static void
store_ready_cb (StippleApplication *app,
                GParamSpec         *pspec,
                Expectation        *expect)
{
  /* After the window's own handler has seen the change. */
  running_app = app;
  g_idle_add (check_window_idle_cb, expect);
}

static int
run_stipple (Expectation *expect,
             const char  *first_arg,
             ...)
{
  g_autoptr(StippleApplication) app = stipple_application_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list ap;
  int status;

  g_ptr_array_add (argv, (char *) "stipple");
  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  /* Other tests run Stipple at the same time: each its own instance. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "notify::store", G_CALLBACK (store_ready_cb), expect);
  status = g_application_run (G_APPLICATION (app), argv->len - 1, (char **) argv->pdata);
  g_assert_true (expect->checked);

  return status;
}

static void
test_demo (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("stipple-startup-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "demo.stipple", NULL);
      Expectation expect = { "No Patient Open", TRUE, FALSE };
      GStatBuf st;

      g_assert_cmpint (run_stipple (&expect, "--simulate", "--demo", "--database", path, NULL), ==, 0);
      /* Patient data is for this user only. */
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      return;
    }

  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_not_a_patient_file (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("stipple-startup-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "letter.txt", NULL);
      Expectation expect = { "The Patient File Cannot Be Opened", FALSE, FALSE };
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;

      g_assert_true (g_file_set_contents (path, "Dear Dr Moreau,\nthank you for…\n", -1, NULL));
      g_assert_cmpint (run_stipple (&expect, "--database", path, NULL), ==, 0);
      /* Refused, and not changed. */
      g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
      g_assert_cmpstr (after, ==, "Dear Dr Moreau,\nthank you for…\n");
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Cannot open the patient file*");
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("test-startup needs a display; run it through ./build-aux/dev test\n");
      return 1;
    }

  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/startup/demo", test_demo);
  g_test_add_func ("/stipple/startup/not-a-patient-file", test_not_a_patient_file);

  return g_test_run ();
}
