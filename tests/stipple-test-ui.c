/* stipple-test-ui.c
 *
 * Helpers the tests of Stipple's windows share, so that each test keeps
 * only what it checks. Every wait here is bounded by the time-out the
 * test gives stipple_test_ui_set_wait() (20 s unless it says otherwise),
 * stretched by STIPPLE_TEST_SLOWDOWN; a test may also say what else to
 * keep of a time-out, such as a screenshot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "stipple-sim-transport.h"
#include "stipple-test-a11y.h"
#include "stipple-test-ui.h"
#include "stipple-test-xinput.h"
#include "stipple-treatment-page.h"

static guint wait_seconds = 20;
static void (*wait_on_timeout) (void);

static void
timed_out (void)
{
  if (wait_on_timeout != NULL)
    wait_on_timeout ();
}

#define TEST_WAIT_SECONDS wait_seconds
#define TEST_WAIT_ON_TIMEOUT timed_out
#include "stipple-test-wait.h"

/**
 * stipple_test_ui_init:
 * @argc: the program's argument count
 * @argv: the program's arguments
 *
 * Starts a test of Stipple's windows as main() starts Stipple: its
 * translations from STIPPLE_LOCALEDIR through the default domain (the
 * templates translate through it), GTK for testing, then the locale the
 * test is run in, which gtk_test_init() sets to C. The text cursor does
 * not blink: GTK warns when a blink comes due for a text that lost the
 * focus with its window, which windows of parallel tests on one display
 * can cause at any moment.
 */
void
stipple_test_ui_init (int    *argc,
                      char ***argv)
{
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("STIPPLE_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_test_init (argc, argv, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  setlocale (LC_ALL, "");
}

/**
 * stipple_test_ui_set_wait:
 * @seconds: how long the waits here last before they fail the test,
 *   before the slowdown stretches them
 * @on_timeout: (nullable): called before a wait fails the test
 *
 * Gives the waits of this library the test's own time-out.
 */
void
stipple_test_ui_set_wait (guint   seconds,
                          void  (*on_timeout) (void))
{
  wait_seconds = seconds;
  wait_on_timeout = on_timeout;
}

/**
 * stipple_test_ui_get_treatment:
 * @window: the main window
 *
 * Returns: (transfer none) (nullable): the treatment of the treatment
 *   page in @window, if one is open
 */
StippleTreatment *
stipple_test_ui_get_treatment (GtkWindow *window)
{
  GtkWidget *page = stipple_test_find_of_type (GTK_WIDGET (window), STIPPLE_TYPE_TREATMENT_PAGE);

  return page ? stipple_treatment_page_get_treatment (STIPPLE_TREATMENT_PAGE (page)) : NULL;
}

/**
 * stipple_test_ui_get_pen_model:
 * @app: an application run with --simulate
 *
 * Returns: (transfer none): the pen model behind the simulated pen
 */
StippleFirmware *
stipple_test_ui_get_pen_model (StippleApplication *app)
{
  StipplePen *pen = stipple_application_get_pen (app);

  return stipple_sim_transport_get_firmware (STIPPLE_SIM_TRANSPORT (stipple_pen_get_transport (pen)));
}

/**
 * stipple_test_ui_wait_for_accessible:
 * @role: the accessible role wanted
 * @label: the accessible name wanted
 *
 * Waits until a widget a screen reader would announce as @label, with
 * @role, is on screen in any window and can be used (mapped and
 * sensitive).
 *
 * Returns: (transfer none): the widget
 */
GtkWidget *
stipple_test_ui_wait_for_accessible (GtkAccessibleRole  role,
                                     const char        *label)
{
  GtkWidget *found = NULL;

  WAIT_FOR ((found = stipple_test_find_anywhere (role, label)) != NULL &&
            gtk_widget_get_mapped (found) && gtk_widget_is_sensitive (found));
  return found;
}

/**
 * stipple_test_ui_find_labelled_button:
 * @root: where to look
 * @label: the words on the button, mnemonic included ("_Close")
 *
 * A dialog's responses are found by the words on them.
 *
 * Returns: (transfer none) (nullable): the first mapped button below
 *   @root, depth first, whose label is @label
 */
GtkWidget *
stipple_test_ui_find_labelled_button (GtkWidget  *root,
                                      const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0 &&
      gtk_widget_get_mapped (root))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = stipple_test_ui_find_labelled_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * stipple_test_ui_find_labelled_button_anywhere:
 * @label: the words on the button, mnemonic included
 *
 * Returns: (transfer none) (nullable): the first mapped button whose
 *   label is @label, in any mapped window
 */
GtkWidget *
stipple_test_ui_find_labelled_button_anywhere (const char *label)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    {
      GtkWidget *found = gtk_widget_get_mapped (l->data)
                         ? stipple_test_ui_find_labelled_button (l->data, label) : NULL;

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWindow *
find_window_except (GType      type,
                    GtkWindow *except)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_mapped (l->data) &&
        l->data != (gpointer) except)
      return l->data;

  return NULL;
}

/**
 * stipple_test_ui_wait_for_window:
 * @type: a window type, e.g. %GTK_TYPE_FILE_CHOOSER_DIALOG
 * @except: (nullable): a window not to count, e.g. the main window
 *   when @type is %GTK_TYPE_WINDOW
 *
 * Returns: (transfer none): the first mapped toplevel of @type other
 *   than @except, once there is one
 */
GtkWindow *
stipple_test_ui_wait_for_window (GType      type,
                                 GtkWindow *except)
{
  GtkWindow *found = NULL;

  WAIT_FOR ((found = find_window_except (type, except)) != NULL);
  return found;
}

/**
 * stipple_test_ui_find_dialog:
 * @heading: the heading of the message dialog wanted
 *
 * Returns: (transfer none) (nullable): the first mapped message dialog,
 *   if its heading is @heading
 */
AdwMessageDialog *
stipple_test_ui_find_dialog (const char *heading)
{
  GtkWindow *found = stipple_test_find_window (ADW_TYPE_MESSAGE_DIALOG);

  if (found == NULL ||
      g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (found)), heading) != 0)
    return NULL;
  return ADW_MESSAGE_DIALOG (found);
}

/**
 * stipple_test_ui_wait_for_dialog:
 * @heading: the heading of the message dialog wanted
 *
 * Returns: (transfer none): the mapped message dialog whose heading is
 *   @heading, once there is one
 */
AdwMessageDialog *
stipple_test_ui_wait_for_dialog (const char *heading)
{
  AdwMessageDialog *dialog = NULL;

  WAIT_FOR ((dialog = stipple_test_ui_find_dialog (heading)) != NULL);
  return dialog;
}

/**
 * stipple_test_ui_focused:
 * @widget: a widget
 *
 * Returns: whether @widget, or a widget inside it, has the focus of its
 *   window
 */
gboolean
stipple_test_ui_focused (GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));

  return gtk_widget_has_focus (widget) ||
         (focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget)));
}

/**
 * stipple_test_ui_click:
 * @label: the accessible name of a button
 *
 * Clicks the button @label with the mouse once it is on screen and can
 * be pressed.
 */
void
stipple_test_ui_click (const char *label)
{
  stipple_xinput_click (stipple_test_ui_wait_for_accessible (GTK_ACCESSIBLE_ROLE_BUTTON, label));
}

/**
 * stipple_test_ui_click_to_focus:
 * @widget: a mapped widget that takes the focus
 *
 * Clicks @widget until it has the keyboard focus, as a person clicks
 * again into a field that a page still settling did not give them:
 * three clicks at most, each given 3 s.
 */
void
stipple_test_ui_click_to_focus (GtkWidget *widget)
{
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      stipple_xinput_click (widget);
      if (ITERATE_UNTIL_SECONDS (3, stipple_test_ui_focused (widget)))
        return;
      g_test_message ("%s did not take the focus; clicking again", G_OBJECT_TYPE_NAME (widget));
    }

  stipple_xinput_save_failure_screenshot ();
  g_error ("%s never took the focus from a click", G_OBJECT_TYPE_NAME (widget));
}

/**
 * stipple_test_ui_type_into:
 * @entry: an editable or a text view
 * @text: what to type
 *
 * Clicks into @entry and types @text with the keyboard; waits until
 * @entry holds exactly what was typed.
 */
void
stipple_test_ui_type_into (GtkWidget  *entry,
                           const char *text)
{
  WAIT_FOR (gtk_widget_get_mapped (entry));
  stipple_test_ui_click_to_focus (entry);
  stipple_xinput_type (GTK_WINDOW (gtk_widget_get_root (entry)), text);
  if (GTK_IS_TEXT_VIEW (entry))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (entry));
      GtkTextIter start, end;
      g_autofree char *typed = NULL;

      WAIT_FOR ((gtk_text_buffer_get_bounds (buffer, &start, &end),
                 g_free (typed), typed = gtk_text_buffer_get_text (buffer, &start, &end, FALSE),
                 g_str_equal (typed, text)));
    }
  else
    WAIT_FOR (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (entry)), text));
}

static gboolean
chooser_gone (GtkWindow *chooser)
{
  return chooser == NULL || !gtk_widget_get_visible (GTK_WIDGET (chooser));
}

/**
 * stipple_test_ui_open_in_chooser:
 * @chooser: a GTK file chooser, on screen
 * @path: the file's whole path
 *
 * Chooses @path as a person does with the keyboard: Ctrl+L for the
 * location entry, once it has the focus all it holds selected and @path
 * typed, then Enter once it holds the whole path; Enter again until
 * @chooser closes, as a first Enter may only take the entry's
 * completion (three presses at most).
 */
void
stipple_test_ui_open_in_chooser (GtkWindow  *chooser,
                                 const char *path)
{
  GtkWidget *entry = NULL;

  stipple_xinput_key (chooser, "ctrl+l");
  WAIT_FOR ((entry = gtk_root_get_focus (GTK_ROOT (chooser))) != NULL && GTK_IS_EDITABLE (entry));
  stipple_xinput_key (chooser, "ctrl+a");
  stipple_xinput_type (chooser, path);
  WAIT_FOR ((entry = gtk_root_get_focus (GTK_ROOT (chooser))) != NULL && GTK_IS_EDITABLE (entry) &&
            g_str_equal (gtk_editable_get_text (GTK_EDITABLE (entry)), path));

  g_object_add_weak_pointer (G_OBJECT (chooser), (gpointer *) &chooser);
  for (guint presses = 0; !chooser_gone (chooser); presses++)
    {
      g_assert_cmpuint (presses, <, 3);
      stipple_xinput_key (chooser, "Return");
      ITERATE_UNTIL_SECONDS (3, chooser_gone (chooser));
    }
  if (chooser != NULL)
    g_object_remove_weak_pointer (G_OBJECT (chooser), (gpointer *) &chooser);
}
