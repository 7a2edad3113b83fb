/* test-keyboard-treatment.c: a whole treatment with the keyboard alone
 *
 * A clinician who does not use the mouse: from the patient list to the
 * ended session, every step is a key pressed through the X server
 * (XTest): Tab to move, Space and Enter to press, the buttons' mnemonics,
 * typing into the fields. No click and no widget's API stands in for a
 * key. The test checks the effect in the pen and in the patient file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "stipple-application.h"
#include "stipple-screening.h"
#include "stipple-sim-transport.h"
#include "stipple-test-a11y.h"
#include "stipple-test-ui.h"
#include "stipple-test-xinput.h"
#include "stipple-treatment-page.h"
#include "stipple-treatment.h"
#include "stipple-window.h"
#include "stipple-zones.h"

#define TEST_WAIT_SECONDS 20
#define TEST_WAIT_ON_TIMEOUT stipple_xinput_save_failure_screenshot
#include "stipple-test-wait.h"

#define NOTE "Rolling scars, left cheek; tolerated well."

static StippleApplication *app;
static GtkWindow *window;
static gboolean finished;
static gint64 session_id;

/* Presses Tab, as a person does, until the keyboard focus is on @target
 * (or inside it); at most 80 presses. */
static void
tab_to (GtkWidget *target)
{
  WAIT_FOR (gtk_widget_get_mapped (target) && gtk_widget_is_sensitive (target));
  for (guint presses = 0; !stipple_test_ui_focused (target); presses++)
    {
      GtkWidget *before = gtk_root_get_focus (gtk_widget_get_root (target));

      if (presses >= 80)
        {
          stipple_xinput_save_failure_screenshot ();
          g_error ("Tab never reached %s", G_OBJECT_TYPE_NAME (target));
        }
      stipple_xinput_key (GTK_WINDOW (gtk_widget_get_root (target)), "Tab");
      /* The focus moves when the key has gone through. */
      ITERATE_UNTIL_SECONDS (2, gtk_root_get_focus (gtk_widget_get_root (target)) != before);
    }
}

/* Tab to a button and press it with Space. */
static void
press (const char *label)
{
  GtkWidget *button = stipple_test_ui_wait_for_accessible (GTK_ACCESSIBLE_ROLE_BUTTON, label);

  tab_to (button);
  stipple_xinput_key (GTK_WINDOW (gtk_widget_get_root (button)), "space");
}

static void
run (void)
{
  GtkWidget *widget = NULL;

  WAIT_FOR ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL);
  WAIT_FOR (stipple_application_get_store (app) != NULL);
  WAIT_FOR (stipple_pen_get_connected (stipple_application_get_pen (app)));
  stipple_test_wait_mapped (GTK_WIDGET (window));
  stipple_xinput_check ();
  stipple_xinput_focus (window);

  /* The patient, found by typing, opened with Enter. */
  g_test_message ("search");
  WAIT_FOR ((widget = stipple_test_find_of_type (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY)) != NULL);
  tab_to (widget);
  stipple_xinput_type (window, "DEMO-0001");
  WAIT_FOR (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (widget)), "DEMO-0001"));
  stipple_xinput_key (window, "Return");
  press (_("Start Session"));
  g_test_message ("start session pressed");

  /* Set-up, step by step. */
  g_test_message ("set-up");
  WAIT_FOR ((widget = stipple_test_find_entry_row (GTK_WIDGET (window), _("Clinician’s Name"))) != NULL &&
            gtk_widget_get_mapped (widget));
  tab_to (widget);
  stipple_xinput_type (window, "Dr Keys");
  WAIT_FOR (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (widget)), "Dr Keys"));
  g_test_message ("name typed");
  press (_("Next"));
  g_test_message ("screening");
  {
    const StippleScreeningItem *items;
    guint n_items;

    items = stipple_screening_get_items (&n_items);
    for (guint i = 0; i < n_items; i++)
      {
        g_autofree char *label = g_strdup_printf (_("%s: No"), stipple_screening_get_question (&items[i]));
        GtkWidget *no = NULL;

        WAIT_FOR ((no = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_CHECKBOX, label)) != NULL ||
                  (no = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_RADIO, label)) != NULL ||
                  (no = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_BUTTON, label)) != NULL);
        g_test_message ("item %u", i);
        tab_to (no);
        stipple_xinput_key (window, "space");
        WAIT_FOR (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (no)));
      }
  }
  press (_("Next"));
  widget = stipple_test_ui_wait_for_accessible (GTK_ACCESSIBLE_ROLE_CHECKBOX,
                                                _("The patient consents to the treatment"));
  tab_to (widget);
  stipple_xinput_key (window, "space");
  WAIT_FOR (gtk_check_button_get_active (GTK_CHECK_BUTTON (widget)));
  press (_("Next"));
  widget = stipple_test_ui_wait_for_accessible (GTK_ACCESSIBLE_ROLE_SWITCH, _("Anaesthetic applied"));
  tab_to (widget);
  stipple_xinput_key (window, "space");
  WAIT_FOR (gtk_switch_get_active (GTK_SWITCH (widget)));
  WAIT_FOR ((widget = stipple_test_find_entry_row (GTK_WIDGET (window), _("Anaesthetic Product"))) != NULL &&
            gtk_widget_is_sensitive (widget));
  tab_to (widget);
  stipple_xinput_type (window, "Lidocaine 4% cream");
  WAIT_FOR (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (widget)), "Lidocaine 4% cream"));
  press (_("Begin Treatment"));
  g_test_message ("begin");

  /* The treatment: a zone chosen, its plan sent with the mnemonic, the
   * needle started and stopped with the keyboard. */
  WAIT_FOR (stipple_test_ui_get_treatment (window) != NULL);
  session_id = stipple_treatment_get_session (stipple_test_ui_get_treatment (window))->id;
  widget = stipple_test_ui_wait_for_accessible (GTK_ACCESSIBLE_ROLE_BUTTON,
                                                stipple_zone_get_name (STIPPLE_ZONE_CHEEK_LEFT));
  tab_to (widget);
  stipple_xinput_key (window, "Return");
  WAIT_FOR (stipple_treatment_get_zone (stipple_test_ui_get_treatment (window)) == STIPPLE_ZONE_CHEEK_LEFT);
  stipple_xinput_key (window, "alt+a");
  WAIT_FOR (stipple_treatment_get_verification (stipple_test_ui_get_treatment (window)) ==
            STIPPLE_VERIFICATION_VERIFIED);
  stipple_xinput_key (window, "alt+s");
  WAIT_FOR (stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
  WAIT_FOR (stipple_treatment_get_strokes (stipple_test_ui_get_treatment (window),
                                           STIPPLE_ZONE_CHEEK_LEFT) > 100);
  stipple_xinput_key (window, "alt+s");
  WAIT_FOR (!stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));

  /* The note, typed; then the end, confirmed from the keyboard. */
  g_test_message ("notes");
  widget = stipple_test_ui_wait_for_accessible (GTK_ACCESSIBLE_ROLE_TEXT_BOX, _("Notes before treatment"));
  tab_to (widget);
  stipple_xinput_type (window, NOTE);
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
    g_autofree char *typed = NULL;
    GtkTextIter start, end;

    WAIT_FOR ((gtk_text_buffer_get_bounds (buffer, &start, &end),
               g_free (typed), typed = gtk_text_buffer_get_text (buffer, &start, &end, FALSE),
               g_str_equal (typed, NOTE)));
  }
  stipple_xinput_key (window, "alt+e");
  {
    GtkWidget *end_button = NULL;

    WAIT_FOR ((end_button = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_BUTTON, _("End Session"))) != NULL &&
              gtk_widget_get_mapped (end_button) && GTK_WINDOW (gtk_widget_get_root (end_button)) != window);
    tab_to (end_button);
    stipple_xinput_key (GTK_WINDOW (gtk_widget_get_root (end_button)), "Return");
  }
  /* The question of what to do with the ended session, asked once the
   * patient file holds the end, closed with Escape in its own window.
   * (Any "Close" will not do: every window's title bar has one.) */
  {
    GtkWindow *ended = NULL;

    WAIT_FOR ((ended = stipple_test_find_window (ADW_TYPE_MESSAGE_DIALOG)) != NULL &&
              g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (ended)),
                         _("Session Ended")) == 0 &&
              gtk_widget_get_mapped (GTK_WIDGET (ended)));
    g_assert_null (stipple_test_ui_get_treatment (window));
    g_object_add_weak_pointer (G_OBJECT (ended), (gpointer *) &ended);
    stipple_xinput_key (ended, "Escape");
    WAIT_FOR (ended == NULL || !gtk_widget_get_visible (GTK_WIDGET (ended)));
    if (ended != NULL)
      g_object_remove_weak_pointer (G_OBJECT (ended), (gpointer *) &ended);
  }
  finished = TRUE;
}

static void
test_keyboard_treatment (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-keyboard-XXXXXX", NULL);
  g_autofree char *database = g_build_filename (dir, "demo.stipple", NULL);
  const char *argv[] = { "stipple", "--simulate", "--demo", "--database", database, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  const StippleSession *session = NULL;
  gint64 patient_id = 0;

  app = stipple_application_new ();
  stipple_test_run_app (G_APPLICATION (app), argv, run);
  g_assert_true (finished);
  g_clear_object (&app);

  /* What the file holds: the session ended, by the clinician typed, the
   * strokes on the left cheek, the note as typed. */
  store = stipple_store_open_read_only (database, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_find_session_patient (store, session_id, &patient_id, &error));
  chart = stipple_store_load_chart (store, patient_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < chart->sessions->len; i++)
    if (((StippleSession *) chart->sessions->pdata[i])->id == session_id)
      session = chart->sessions->pdata[i];
  g_assert_nonnull (session);
  g_assert_nonnull (session->ended_at);
  g_assert_cmpstr (session->clinician, ==, "Dr Keys");
  g_assert_cmpstr (session->note_before, ==, NOTE);
  g_assert_cmpstr (session->anaesthetic_product, ==, "Lidocaine 4% cream");
  g_assert_cmpuint (session->strokes[STIPPLE_ZONE_CHEEK_LEFT], >, 100);
  stipple_store_close (store);
}

int
main (int   argc,
      char *argv[])
{
  stipple_test_ui_init (&argc, &argv);
  stipple_test_ui_set_wait (TEST_WAIT_SECONDS, stipple_xinput_save_failure_screenshot);

  g_test_add_func ("/stipple/keyboard/treatment", test_keyboard_treatment);

  return g_test_run ();
}
