/* stipple-test-a11y.c
 *
 * UI tests find widgets by accessible role and label, never by widget
 * pointers, so what they check is what a screen reader would see.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "stipple-test-a11y.h"

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
