/* stipple-a11y.c: what a screen reader is given to read
 *
 * GTK 4.8 reads out every page of a stack, the hidden ones too (the
 * locked screen, the error pages, the patient seen before), and names a
 * widget by its labelling widgets followed by its own label, so a button
 * with a mnemonic reads "Back Back". These helpers keep the tree to what
 * is on the screen, each thing named once; test-a11y-walk reads the tree
 * over AT-SPI and fails when they are missing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-a11y"

#include "config.h"

#include <adwaita.h>

#include "stipple-a11y.h"

static void
update_pages (GtkWidget *stack)
{
  GtkWidget *visible;

  if (GTK_IS_STACK (stack))
    visible = gtk_stack_get_visible_child (GTK_STACK (stack));
  else if (ADW_IS_VIEW_STACK (stack))
    visible = adw_view_stack_get_visible_child (ADW_VIEW_STACK (stack));
  else
    visible = adw_squeezer_get_visible_child (ADW_SQUEEZER (stack));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_accessible_update_state (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_STATE_HIDDEN,
                                 child != visible, -1);
}

static void
visible_child_cb (GtkWidget  *stack,
                  GParamSpec *pspec,
                  gpointer    user_data)
{
  update_pages (stack);
}

static void
pages_changed_cb (GListModel *pages,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GtkWidget  *stack)
{
  update_pages (stack);
}

/**
 * stipple_a11y_present_visible_page:
 * @stack: a stack of pages
 *
 * Keeps the pages of @stack that are not shown out of the accessibility
 * tree, from now on.
 */
void
stipple_a11y_present_visible_page (GtkStack *stack)
{
  g_autoptr(GtkSelectionModel) pages = NULL;

  g_return_if_fail (GTK_IS_STACK (stack));

  pages = gtk_stack_get_pages (stack);
  g_signal_connect (stack, "notify::visible-child", G_CALLBACK (visible_child_cb), NULL);
  g_signal_connect_object (pages, "items-changed", G_CALLBACK (pages_changed_cb), stack, 0);
  update_pages (GTK_WIDGET (stack));
}

/**
 * stipple_a11y_present_visible_pages_below:
 * @root: a widget whose stacks are built (AdwPreferencesWindow's own)
 *
 * stipple_a11y_present_visible_page() for every stack below @root, view
 * stacks and squeezers included.
 */
void
stipple_a11y_present_visible_pages_below (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_STACK (root))
    stipple_a11y_present_visible_page (GTK_STACK (root));
  else if (ADW_IS_VIEW_STACK (root) || ADW_IS_SQUEEZER (root))
    {
      g_signal_connect (root, "notify::visible-child", G_CALLBACK (visible_child_cb), NULL);
      /* A page added later (the preferences' Backups page) is kept out
       * too. */
      if (ADW_IS_VIEW_STACK (root))
        {
          GtkSelectionModel *pages = adw_view_stack_get_pages (ADW_VIEW_STACK (root));

          g_signal_connect_object (pages, "items-changed", G_CALLBACK (pages_changed_cb), root, 0);
          /* The stack keeps only a weak reference to its pages' model:
           * held here, as long as the stack lives. */
          g_object_set_data_full (G_OBJECT (root), "stipple-a11y-pages", pages, g_object_unref);
        }
      update_pages (root);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    stipple_a11y_present_visible_pages_below (child);
}

/**
 * stipple_a11y_name_once:
 * @widget: a button or check button whose label has a mnemonic
 *
 * The label of a mnemonic names its widget through a relation, and GTK
 * 4.8 reads that before the widget's own label, which is the same text:
 * the relation goes, the label stays. Call it after each new label.
 */
static void
reset_labelled_by (GtkWidget *widget)
{
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);

  /* A button names itself with its label as written, underscore and all
   * ("_Back"): the name is what is read, "Back". A name given on purpose
   * stays; GTK 4.8 has no getter for it but its test API's comparison. */
  if (GTK_IS_BUTTON (widget) && gtk_button_get_use_underline (GTK_BUTTON (widget)) &&
      gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    {
      const char *label = gtk_button_get_label (GTK_BUTTON (widget));
      g_autofree char *mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                                      label);

      if (mismatch == NULL)
        {
          g_autoptr(GString) text = g_string_new (label);

          g_string_replace (text, "_", "", 1);
          gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          text->str, -1);
        }
    }
}

void
stipple_a11y_name_once (GtkWidget *widget)
{
  static GQuark quark;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  reset_labelled_by (widget);
  /* Some labels (AdwButtonContent's) find their widget only once they
   * are in a window. */
  if (quark == 0)
    quark = g_quark_from_static_string ("stipple-a11y-name-once");
  if (g_object_get_qdata (G_OBJECT (widget), quark) == NULL)
    {
      g_object_set_qdata (G_OBJECT (widget), quark, GINT_TO_POINTER (TRUE));
      g_signal_connect (widget, "map", G_CALLBACK (reset_labelled_by), NULL);
    }
}

/**
 * stipple_a11y_name_buttons_once:
 * @root: a composite widget, once its template is built
 *
 * stipple_a11y_name_once() for every button below @root whose label has a
 * mnemonic, and every check button or switch that is a row's control
 * (each is given a name of its own).
 */
void
stipple_a11y_name_buttons_once (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_BUTTON (root) && gtk_button_get_use_underline (GTK_BUTTON (root)))
    stipple_a11y_name_once (root);
  /* A menu button's own toggle button is left nameless. */
  else if (GTK_IS_MENU_BUTTON (root) && gtk_menu_button_get_label (GTK_MENU_BUTTON (root)) != NULL)
    {
      g_autoptr(GString) text = g_string_new (gtk_menu_button_get_label (GTK_MENU_BUTTON (root)));
      GtkWidget *toggle = gtk_widget_get_first_child (root);

      if (gtk_menu_button_get_use_underline (GTK_MENU_BUTTON (root)))
        g_string_replace (text, "_", "", 0);
      if (GTK_IS_TOGGLE_BUTTON (toggle))
        {
          stipple_a11y_name_once (toggle);
          gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          text->str, -1);
        }
      return;
    }
  /* The control of a row, labelled by the row's title and given that
   * name of its own too. */
  else if ((GTK_IS_CHECK_BUTTON (root) && gtk_check_button_get_label (GTK_CHECK_BUTTON (root)) == NULL) ||
           GTK_IS_SWITCH (root))
    stipple_a11y_name_once (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    stipple_a11y_name_buttons_once (child);
}

static void
item_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_list_item_set_child (item, label);
}

static void
item_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *label = gtk_list_item_get_child (item);
  GObject *object = gtk_list_item_get_item (item);
  const char *text = GTK_IS_STRING_OBJECT (object) ? gtk_string_object_get_string (GTK_STRING_OBJECT (object)) : "";
  GtkWidget *row = gtk_widget_get_parent (label);

  gtk_label_set_text (GTK_LABEL (label), text);
  /* GTK 4.8 gives the row around the label no name of its own. */
  if (row != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

/**
 * stipple_a11y_name_list_items:
 * @chooser: a #GtkDropDown or #AdwComboRow over a #GtkStringList
 *
 * Names each item of @chooser by its text, the one shown as chosen too.
 */
void
stipple_a11y_name_list_items (GtkWidget *chooser)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_return_if_fail (g_object_class_find_property (G_OBJECT_GET_CLASS (chooser), "factory") != NULL);

  g_signal_connect (factory, "setup", G_CALLBACK (item_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (item_bind_cb), NULL);
  g_object_set (chooser, "factory", factory, NULL);
}

static GtkWidget *
find_of_type (GtkWidget *root,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_of_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * stipple_a11y_name_drop_down:
 * @drop_down: a #GtkDropDown
 * @name: its name
 *
 * Names @drop_down once, and the toggle button inside it that GTK 4.8
 * leaves unnamed; its "(None)" page, not shown, is kept out of the tree.
 */
void
stipple_a11y_name_drop_down (GtkWidget  *drop_down,
                             const char *name)
{
  GtkWidget *button, *stack;

  g_return_if_fail (GTK_IS_DROP_DOWN (drop_down));

  stipple_a11y_name_once (drop_down);
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  button = find_of_type (drop_down, GTK_TYPE_TOGGLE_BUTTON);
  if (button != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  stack = find_of_type (drop_down, GTK_TYPE_STACK);
  if (stack != NULL)
    stipple_a11y_present_visible_page (GTK_STACK (stack));
  stipple_a11y_name_list_items (drop_down);
}

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * stipple_a11y_name_row:
 * @row: a row that GTK 4.8 would leave nameless (a combo row, a row that
 *   only holds a button)
 * @name: (nullable): its name, mnemonic underscores and all; %NULL for
 *   the row's title
 */
void
stipple_a11y_name_row (GtkWidget  *row,
                       const char *name)
{
  g_autofree char *title = NULL;
  g_autoptr(GString) text = NULL;

  g_return_if_fail (GTK_IS_WIDGET (row));

  if (name == NULL)
    g_object_get (row, "title", &title, NULL);
  text = g_string_new (name != NULL ? name : title);
  g_string_replace (text, "_", "", 0);
  stipple_a11y_name_once (row);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, text->str, -1);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (row), "factory") != NULL)
    stipple_a11y_name_list_items (row);
}

static void
subtitle_changed_cb (GtkWidget  *row,
                     GParamSpec *pspec,
                     gpointer    user_data)
{
  g_autofree char *subtitle = NULL;

  g_object_get (row, "subtitle", &subtitle, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  subtitle != NULL ? subtitle : "", -1);
}

/**
 * stipple_a11y_name_row_with_value:
 * @row: a row with a title
 * @value: the widget that shows the row's value
 *
 * A detail row reads as its title and its value ("Family name
 * Brightwater"), not as its title alone; its subtitle, whenever set, is
 * its description.
 */
void
stipple_a11y_name_row_with_value (GtkWidget *row,
                                  GtkWidget *value)
{
  GtkWidget *title = NULL;
  const char *text = NULL;

  g_return_if_fail (GTK_IS_WIDGET (row));
  g_return_if_fail (GTK_IS_WIDGET (value));

  g_object_get (row, "title", &text, NULL);
  title = find_label (row, text);
  g_free ((char *) text);
  if (title != NULL)
    gtk_accessible_update_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                    title, value, NULL, -1);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (row), "subtitle") != NULL)
    {
      g_signal_connect (row, "notify::subtitle", G_CALLBACK (subtitle_changed_cb), NULL);
      subtitle_changed_cb (row, NULL, NULL);
    }
}

static void
window_map_cb (GtkWidget *window)
{
  stipple_a11y_name_buttons_once (window);
}

static void
toplevels_changed_cb (GListModel *toplevels,
                      guint       position,
                      guint       removed,
                      guint       added,
                      gpointer    user_data)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("stipple-a11y-watched");

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_object_get_qdata (G_OBJECT (window), quark) != NULL)
        continue;
      g_object_set_qdata (G_OBJECT (window), quark, GINT_TO_POINTER (TRUE));
      g_signal_connect (window, "map", G_CALLBACK (window_map_cb), NULL);
    }
}

/**
 * stipple_a11y_watch_windows:
 *
 * Names the mnemonic buttons of every window as it is shown, dialogs
 * included, whose response buttons libadwaita builds: stipple_a11y_name_buttons_once().
 */
void
stipple_a11y_watch_windows (void)
{
  static gboolean watching;
  GListModel *toplevels = gtk_window_get_toplevels ();

  if (watching)
    return;
  watching = TRUE;

  g_signal_connect (toplevels, "items-changed", G_CALLBACK (toplevels_changed_cb), NULL);
  toplevels_changed_cb (toplevels, 0, 0, g_list_model_get_n_items (toplevels), NULL);
}
