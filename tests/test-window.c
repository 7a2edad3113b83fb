/* test-window.c: the main window, as its accessible tree shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "stipple-application.h"
#include "stipple-preferences-window.h"
#include "stipple-test-a11y.h"
#include "stipple-window.h"

/* One application for the whole program, as in the real one: a second
 * registration would clash on the bus with the first. */
static StippleApplication *app;

static void
create_application (void)
{
  g_autoptr(GError) error = NULL;

  app = stipple_application_new ();
  /* Registering runs startup: settings, actions, styles. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
}

static void
test_main_window (void)
{
  StippleWindow *window = stipple_window_new (app);
  GtkWidget *menu_button;

  gtk_window_present (GTK_WINDOW (window));
  stipple_test_wait_mapped (GTK_WIDGET (window));

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (window), GTK_ACCESSIBLE_ROLE_WINDOW);

  menu_button = stipple_test_find_accessible (GTK_WIDGET (window),
                                              GTK_ACCESSIBLE_ROLE_BUTTON,
                                              "Main Menu");
  g_assert_nonnull (menu_button);
  g_assert_true (GTK_IS_MENU_BUTTON (menu_button));

  /* The demo banner is only for the demo patient file. */
  g_assert_null (stipple_test_find_accessible (GTK_WIDGET (window), GTK_ACCESSIBLE_ROLE_LABEL,
                                               "Demo patient file — not for treating real patients"));

  /* Every action the menu offers exists. */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "preferences"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "quit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_preferences (void)
{
  GSettings *settings = stipple_application_get_settings (app);
  StipplePreferencesWindow *preferences = stipple_preferences_window_new (settings);
  GtkWidget *clinic_name;
  GtkWidget *text;

  gtk_window_present (GTK_WINDOW (preferences));
  stipple_test_wait_mapped (GTK_WIDGET (preferences));

  clinic_name = stipple_test_find_accessible (GTK_WIDGET (preferences),
                                              GTK_ACCESSIBLE_ROLE_TEXT_BOX,
                                              NULL);
  g_assert_nonnull (clinic_name);

  /* Typing into the clinic name row reaches the settings. */
  text = gtk_widget_get_ancestor (clinic_name, ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (text);
  gtk_editable_set_text (GTK_EDITABLE (text), "Clinique du Lac");
  g_assert_cmpstr (g_settings_get_string (settings, "clinic-name"), ==, "Clinique du Lac");

  /* How photographs are taken here: shown beside the camera's preview. */
  {
    GtkWidget *row = stipple_test_find_entry_row (GTK_WIDGET (preferences),
                                                  "Distance, Lighting and Background");
    g_autofree char *notes = NULL;

    g_assert_nonnull (row);
    gtk_editable_set_text (GTK_EDITABLE (row), "1.5 m from the lens, ring light, grey backdrop");
    stipple_test_screenshot ("preferences-general.png");
    notes = g_settings_get_string (settings, "photo-setup-notes");
    g_assert_cmpstr (notes, ==, "1.5 m from the lens, ring light, grey backdrop");
    g_settings_reset (settings, "photo-setup-notes");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  }

  /* Staff: added through the entry row, removed through its button. */
  {
    GtkWidget *row = stipple_test_find_entry_row (GTK_WIDGET (preferences), "Add a Clinician");

    g_assert_nonnull (row);
    gtk_editable_set_text (GTK_EDITABLE (row), "Dr Ines Moreau");
    g_signal_emit_by_name (row, "apply");
  }
  {
    g_auto(GStrv) staff = g_settings_get_strv (settings, "staff");
    g_assert_cmpuint (g_strv_length (staff), ==, 1);
    g_assert_cmpstr (staff[0], ==, "Dr Ines Moreau");
  }
  stipple_test_iterate (50);
  gtk_widget_activate (stipple_test_find_accessible (GTK_WIDGET (preferences),
                                                     GTK_ACCESSIBLE_ROLE_BUTTON,
                                                     "Remove Dr Ines Moreau"));
  /* A keyboard-activated button clicks when its press animation ends. */
  stipple_test_iterate (400);
  {
    g_auto(GStrv) staff = g_settings_get_strv (settings, "staff");
    g_assert_cmpuint (g_strv_length (staff), ==, 0);
  }

  /* Depth limits: a changed zone is saved as an override, the rest stay
   * on their defaults. */
  {
    GtkWidget *spin = stipple_test_find_accessible (GTK_WIDGET (preferences),
                                                    GTK_ACCESSIBLE_ROLE_SPIN_BUTTON,
                                                    "Left cheek, thin skin, mm");
    g_autoptr(GVariant) limits = NULL;
    guint32 thin = 0, thick = 0;

    g_assert_nonnull (spin);
    g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), 1.0, 1e-9);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 0.75);
    limits = g_settings_get_value (settings, "zone-limits");
    g_assert_cmpuint (g_variant_n_children (limits), ==, 1);
    g_assert_true (g_variant_lookup (limits, "cheek-left", "(uu)", &thin, &thick));
    g_assert_cmpuint (thin, ==, 750);
    g_assert_cmpuint (thick, ==, 2000);

    g_settings_reset (settings, "zone-limits");
    g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), 1.0, 1e-9);
  }

  /* Accepted pen ids: saved only when every entry is one. */
  {
    GtkWidget *row = stipple_test_find_entry_row (GTK_WIDGET (preferences), "Accepted USB IDs");
    g_auto(GStrv) ids = NULL;

    g_assert_nonnull (row);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "1209:0001");
    gtk_editable_set_text (GTK_EDITABLE (row), "1209:0001, abcd:00g2");
    g_signal_emit_by_name (row, "apply");
    g_assert_true (gtk_widget_has_css_class (row, "error"));
    ids = g_settings_get_strv (settings, "pen-usb-ids");
    g_assert_cmpuint (g_strv_length (ids), ==, 1);

    gtk_editable_set_text (GTK_EDITABLE (row), "1209:0001, ABCD:0042");
    g_signal_emit_by_name (row, "apply");
    g_assert_false (gtk_widget_has_css_class (row, "error"));
    g_strfreev (ids);
    ids = g_settings_get_strv (settings, "pen-usb-ids");
    g_assert_cmpuint (g_strv_length (ids), ==, 2);
    g_assert_cmpstr (ids[1], ==, "abcd:0042");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "1209:0001, abcd:0042");
    g_settings_reset (settings, "pen-usb-ids");
  }

  /* The idle lock's minutes. */
  {
    GtkWidget *spin = stipple_test_find_accessible (GTK_WIDGET (preferences),
                                                    GTK_ACCESSIBLE_ROLE_SPIN_BUTTON,
                                                    "Lock after minutes without use");

    g_assert_nonnull (spin);
    g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), 30, 1e-9);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 10);
    g_assert_cmpuint (g_settings_get_uint (settings, "idle-lock-minutes"), ==, 10);
    g_settings_reset (settings, "idle-lock-minutes");
  }

  gtk_window_destroy (GTK_WINDOW (preferences));
}

static void
test_about (void)
{
  StippleWindow *window = stipple_window_new (app);
  GtkWidget *about = NULL;

  gtk_window_present (GTK_WINDOW (window));
  stipple_test_wait_mapped (GTK_WIDGET (window));

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (ADW_IS_ABOUT_WINDOW (l->data))
      about = l->data;
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == GTK_WINDOW (window));

  gtk_window_destroy (GTK_WINDOW (about));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      /* Not a skip: a UI test without a display has not tested anything. */
      g_printerr ("test-window needs a display; run it through ./build-aux/dev test\n");
      return 1;
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  create_application ();

  g_test_add_func ("/stipple/window/main", test_main_window);
  g_test_add_func ("/stipple/window/preferences", test_preferences);
  g_test_add_func ("/stipple/window/about", test_about);

  status = g_test_run ();
  g_clear_object (&app);

  return status;
}
