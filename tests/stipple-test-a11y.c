/* stipple-test-a11y.c
 *
 * UI tests find widgets by accessible role and label, never by widget
 * pointers, so what they check is what a screen reader would see.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "stipple-test-a11y.h"

/* The UI tests that press and toggle through these wait as long. */
#define TEST_WAIT_SECONDS 20
#include "stipple-test-wait.h"

static gboolean
has_label (GtkWidget  *widget,
           const char *label)
{
  g_autofree char *mismatch = NULL;

  if (label == NULL)
    return TRUE;

  /* A row is named by its title, through a relation. */
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), label) == 0)
    return TRUE;

  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                 label);

  return mismatch == NULL;
}

/**
 * stipple_test_find_accessible:
 * @root: where to start
 * @role: the accessible role wanted
 * @label: (nullable): the accessible label wanted, or %NULL for any
 *
 * Returns: (transfer none) (nullable): the first visible widget below
 *   @root, depth first, with @role and @label
 */
GtkWidget *
stipple_test_find_accessible (GtkWidget         *root,
                              GtkAccessibleRole  role,
                              const char        *label)
{
  if (!gtk_widget_get_visible (root))
    return NULL;

  if (gtk_test_accessible_has_role (GTK_ACCESSIBLE (root), role) && has_label (root, label))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = stipple_test_find_accessible (child, role, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * stipple_test_find_anywhere:
 * @role: the accessible role
 * @label: the accessible name
 *
 * Returns: (nullable): the widget a screen reader would announce with
 *   @role and @label, in any visible window
 */
GtkWidget *
stipple_test_find_anywhere (GtkAccessibleRole  role,
                            const char        *label)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    {
      GtkWidget *found = NULL;

      if (gtk_widget_get_visible (l->data))
        found = stipple_test_find_accessible (l->data, role, label);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * stipple_test_find_entry_row:
 * @root: where to start
 * @title: the row's title
 *
 * AdwEntryRow labels its text through a relation, which GTK 4.8's test
 * API cannot read back: the row is found by its title instead.
 *
 * Returns: (transfer none) (nullable): the visible entry row titled @title
 */
GtkWidget *
stipple_test_find_entry_row (GtkWidget  *root,
                             const char *title)
{
  if (!gtk_widget_get_visible (root))
    return NULL;
  if (ADW_IS_ENTRY_ROW (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = stipple_test_find_entry_row (child, title);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * stipple_test_find_label:
 * @root: where to start
 * @text: text the label contains
 *
 * Returns: (transfer none) (nullable): the first visible label whose text
 *   (mnemonic and markup included) contains @text
 */
GtkWidget *
stipple_test_find_label (GtkWidget  *root,
                         const char *text)
{
  if (!gtk_widget_get_visible (root))
    return NULL;
  if (GTK_IS_LABEL (root) &&
      (strstr (gtk_label_get_label (GTK_LABEL (root)), text) != NULL ||
       strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = stipple_test_find_label (child, text);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * stipple_test_find_of_type:
 * @root: where to start
 * @type: a widget type
 *
 * Returns: (transfer none) (nullable): the first widget of @type below @root
 */
GtkWidget *
stipple_test_find_of_type (GtkWidget *root,
                           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = stipple_test_find_of_type (child, type);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * stipple_test_find_named:
 * @root: where to start
 * @name: a widget name, as gtk_widget_set_name() gave it
 *
 * For the few widgets the application names so that tests can tell them
 * from others of the same role, such as a banner.
 *
 * Returns: (transfer none) (nullable): the first widget below @root,
 *   depth first, named @name, shown or not
 */
GtkWidget *
stipple_test_find_named (GtkWidget  *root,
                         const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = stipple_test_find_named (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * stipple_test_find_button:
 * @root: where to start
 * @words: the words on the button (mnemonic included), or its tooltip
 * @sensitive_only: whether to pass over a button that cannot be clicked
 *   now, as a test about to click it must
 *
 * Returns: (transfer none) (nullable): the first mapped button below
 *   @root, depth first, labelled @words or with @words as its tooltip
 */
GtkWidget *
stipple_test_find_button (GtkWidget  *root,
                          const char *words,
                          gboolean    sensitive_only)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_get_mapped (root) &&
      (!sensitive_only || gtk_widget_is_sensitive (root)) &&
      (g_strcmp0 (gtk_widget_get_tooltip_text (root), words) == 0 ||
       g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), words) == 0))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = stipple_test_find_button (child, words, sensitive_only);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * stipple_test_find_window:
 * @type: a window type, e.g. %ADW_TYPE_MESSAGE_DIALOG
 *
 * Returns: (transfer none) (nullable): the first mapped toplevel of @type
 */
GtkWindow *
stipple_test_find_window (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_mapped (l->data))
      return l->data;
  return NULL;
}

/**
 * stipple_test_press:
 * @label: a button's accessible name
 *
 * Waits until a screen reader could find a sensitive button named @label
 * in any visible window, then activates it through its #GtkButton::clicked
 * signal, as assistive technology does: no pointer or keyboard is used
 * (stipple_xinput_click() does that). Fails the test after 20 s.
 */
void
stipple_test_press (const char *label)
{
  GtkWidget *button = NULL;

  WAIT_FOR ((button = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_BUTTON, label)) != NULL &&
            gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  g_main_context_iteration (NULL, FALSE);
}

/**
 * stipple_test_toggle:
 * @label: the accessible name of a check box, switch or toggle button
 *
 * Waits until a check box, a switch or a button named @label is in a
 * visible window and turns it on. Fails the test after 20 s.
 */
void
stipple_test_toggle (const char *label)
{
  GtkWidget *widget = NULL;

  WAIT_FOR ((widget = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_CHECKBOX, label)) != NULL ||
            (widget = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_SWITCH, label)) != NULL ||
            (widget = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_BUTTON, label)) != NULL);
  if (GTK_IS_CHECK_BUTTON (widget))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (widget), TRUE);
  else if (GTK_IS_TOGGLE_BUTTON (widget))
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (widget), TRUE);
  else
    gtk_switch_set_active (GTK_SWITCH (widget), TRUE);
}

/**
 * stipple_test_screenshot:
 * @name: the file's name, e.g. "backup-restored.png"
 *
 * Saves the whole screen as @name in the folder STIPPLE_SCREENSHOT_DIR
 * names, after 400 ms for the last frame to be drawn; does nothing when
 * that variable is not set, and fails the test when it is set but the
 * screenshot cannot be taken (ImageMagick's import is missing).
 */
void
stipple_test_screenshot (const char *name)
{
  const char *dir = g_getenv ("STIPPLE_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  const char *argv[] = { "import", "-window", "root", NULL, NULL };

  if (dir == NULL)
    return;
  stipple_test_iterate (400);
  path = g_build_filename (dir, name, NULL);
  argv[3] = path;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, NULL, NULL));
}

typedef struct
{
  GApplication *app;
  void        (*drive) (void);
} RunApp;

static gboolean
run_app_drive_cb (gpointer data)
{
  RunApp *run = data;

  run->drive ();
  g_application_quit (run->app);
  return G_SOURCE_REMOVE;
}

/**
 * stipple_test_run_app:
 * @app: the application, not yet run
 * @argv: its command line, the program's name first, %NULL-terminated
 * @drive: what the test does, once the application runs
 *
 * Runs @app on @argv as its own instance (another one on the session
 * bus must not take the command line), calls @drive from its main loop
 * as soon as the loop runs, and quits it when @drive returns. Fails the
 * test unless the application exits with status 0.
 */
void
stipple_test_run_app (GApplication  *app,
                      const char    *argv[],
                      void         (*drive) (void))
{
  RunApp run = { app, drive };
  int status;

  g_application_set_flags (app, G_APPLICATION_NON_UNIQUE);
  g_idle_add (run_app_drive_cb, &run);
  status = g_application_run (app, g_strv_length ((char **) argv), (char **) argv);
  g_assert_cmpint (status, ==, 0);
}

static gboolean
timeout_cb (gpointer data)
{
  gboolean *done = data;

  *done = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * stipple_test_iterate:
 * @msec: how long to run the main loop
 */
void
stipple_test_iterate (guint msec)
{
  gboolean done = FALSE;

  g_timeout_add (msec, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/**
 * stipple_test_wait_mapped:
 * @widget: a widget about to be shown
 *
 * Runs the main loop until @widget is mapped, failing after ten seconds.
 */
void
stipple_test_wait_mapped (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (widget))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}
