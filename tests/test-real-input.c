/* test-real-input.c: Stipple used with a real keyboard and mouse
 *
 * Every key press, every typed word and every click in this test goes
 * through the X server (XTest), as a person's would: nothing calls a
 * widget's API to press, type or click. The test checks the effect where
 * it matters: on the screen, in the pen, and in the patient file.
 *
 * The emergency stop's keys, Shift+Esc and Pause (the foot switch), are
 * pressed on every screen of a treatment and with every kind of dialog
 * open, while the needle runs; each must stop it and leave a row in the
 * audit trail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "stipple-application.h"
#include "stipple-patient-editor.h"
#include "stipple-patient-list.h"
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
#define TEST_WAIT_ON_TIMEOUT say_state
static void say_state (void);
#include "stipple-test-wait.h"

static StippleApplication *app;
static GtkWindow *window;
static gboolean finished;

static GtkWidget *
find (GtkAccessibleRole  role,
      const char        *label)
{
  return stipple_test_find_anywhere (role, label);
}

static guint
count_audit (StippleAuditKind kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  const StippleSession *session;
  guint n = 0;

  session = stipple_treatment_get_session (stipple_test_ui_get_treatment (window));
  audit = stipple_store_list_audit (stipple_application_get_store (app), session->id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    n += ((const StippleAuditEntry *) g_ptr_array_index (audit, i))->kind == kind;

  return n;
}

/* The emulated pen runs in this test's own process. On a machine slowed
 * down on purpose (the sanitizers, valgrind, a CPU hog on every core), a
 * stall of the whole process can let the pen's watchdog run out, freeze
 * the window past the second after which Stipple stops the needle
 * itself, or bring a reply after the host stopped waiting: the product's
 * right answer,
 * stopping the needle or refusing the settings, and each says so on
 * screen. What this test proves is that real keys reach the window, so
 * there it starts the step again, as a clinician would, a bounded number
 * of times in the whole test. At full speed, any such stop fails the test. */
#define MAX_SLOWDOWN_RETRIES 12

/* What the screen and the pen said when a wait ran out. */
static void
say_state (void)
{
  StippleTreatment *treatment = stipple_test_ui_get_treatment (window);

  stipple_xinput_save_failure_screenshot ();
  if (treatment == NULL)
    return;
  g_printerr ("Verification %d (%s); alarm: %s; pen state %d; the pen %s, its last stop for reason %u\n",
              stipple_treatment_get_verification (treatment),
              stipple_treatment_get_verification_message (treatment),
              stipple_treatment_get_alarm_message (treatment),
              stipple_pen_get_state (stipple_application_get_pen (app)),
              stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)) ? "armed" : "disarmed",
              stipple_test_ui_get_pen_model (app)->disarm_reason);
}

static guint slowdown_retries;

static void
slowed_down (const char *what)
{
  const char *message = stipple_treatment_get_alarm_message (stipple_test_ui_get_treatment (window));

  if (message == NULL)
    message = stipple_treatment_get_verification_message (stipple_test_ui_get_treatment (window));
  if (test_real_time () || ++slowdown_retries > MAX_SLOWDOWN_RETRIES)
    {
      stipple_xinput_save_failure_screenshot ();
      g_error ("%s: %s", what, message);
    }
  g_test_message ("On a slowed-down machine, %s (%s); done again", what, message);
}

static void acknowledge_alarms (void);

/* Waits until the pen has the zone's settings, read back and matched. */
static void
wait_verified (void)
{
  for (;;)
    {
      GtkWidget *acknowledge;

      /* Verified, or refused; or, a click having been taken or a stop
       * having undone the sending, neither for long. */
      ITERATE_UNTIL_SECONDS (10, stipple_treatment_get_verification (stipple_test_ui_get_treatment (window)) ==
                                 STIPPLE_VERIFICATION_VERIFIED ||
                                 stipple_treatment_get_verification (stipple_test_ui_get_treatment (window)) ==
                                 STIPPLE_VERIFICATION_FAILED);
      if (stipple_treatment_get_verification (stipple_test_ui_get_treatment (window)) ==
          STIPPLE_VERIFICATION_VERIFIED)
        return;
      slowed_down ("the settings were not verified");
      acknowledge = find (GTK_ACCESSIBLE_ROLE_BUTTON, _("Acknowledge"));
      if (acknowledge != NULL && gtk_widget_get_mapped (acknowledge))
        acknowledge_alarms ();
      stipple_test_ui_click (_("Apply and Send to Pen"));
    }
}

/* Whether the needle stopped without this test asking, after @since:
 * the pen's last stop before. On a slowed-down machine that is the pen's
 * watchdog, or Stipple's own stop of a window frozen for a second. */
static gboolean
stopped_by_itself (guint64 since)
{
  StippleFirmware *model = stipple_test_ui_get_pen_model (app);

  return !stipple_firmware_is_armed (model) && model->disarmed_us != since;
}

static void recover_after_stop (void);

static void
count_click_cb (GtkButton *button,
                gpointer   user_data)
{
  (*(guint *) user_data)++;
}

/* Clicks @label's button until it takes a click: a line that appears
 * above it as the pointer goes down (samples lost, say) moves it from
 * under the pointer, and a person then clicks again. Only a click that
 * never reached the button is given again, so the needle is never
 * started and stopped by two. */
static void
click_until_taken (const char *label)
{
  GtkWidget *button = stipple_test_ui_wait_for_accessible (GTK_ACCESSIBLE_ROLE_BUTTON, label);
  guint clicked = 0;
  gulong handler = g_signal_connect (button, "clicked", G_CALLBACK (count_click_cb), &clicked);

  for (guint tries = 0; clicked == 0 && tries < 3; tries++)
    {
      if (tries > 0)
        g_test_message ("%s did not take the click; clicking again", label);
      stipple_xinput_click (button);
      ITERATE_UNTIL_SECONDS (5, clicked > 0);
    }
  g_signal_handler_disconnect (button, handler);
  if (clicked == 0)
    {
      stipple_xinput_save_failure_screenshot ();
      g_error ("%s never took a click", label);
    }
}

/* Starts the needle with a click on its button. */
static void
start_needle (void)
{
  for (;;)
    {
      guint64 since = stipple_test_ui_get_pen_model (app)->disarmed_us;

      wait_verified ();
      click_until_taken (_("Start Needle"));
      /* Running in the pen, and on the screen. */
      WAIT_FOR ((stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)) &&
                 stipple_treatment_get_armed (stipple_test_ui_get_treatment (window))) ||
                stopped_by_itself (since));
      if (!stopped_by_itself (since))
        return;
      slowed_down ("the needle stopped by itself as it started");
      recover_after_stop ();
    }
}

/* With the needle running, @keys pressed in @focus must stop it and leave
 * one more emergency stop in the audit trail. A needle that stopped by
 * itself before is started again, except behind a dialog (@restartable
 * FALSE), where the main window cannot be reached. */
static void
stop_with_keys_full (GtkWindow  *focus,
                     const char *keys,
                     const char *where,
                     gboolean    restartable)
{
  guint before;

  g_test_message ("%s pressed %s", keys, where);
  while (!stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)))
    {
      g_autofree char *what = g_strdup_printf ("the needle stopped before %s was pressed %s", keys, where);

      if (!restartable)
        {
          stipple_xinput_save_failure_screenshot ();
          g_error ("%s: %s", what,
                   stipple_treatment_get_alarm_message (stipple_test_ui_get_treatment (window)));
        }
      slowed_down (what);
      recover_after_stop ();
      start_needle ();
    }
  before = count_audit (STIPPLE_AUDIT_EMERGENCY_STOP);
  stipple_xinput_key (focus, keys);
  WAIT_FOR (!stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
  WAIT_FOR (count_audit (STIPPLE_AUDIT_EMERGENCY_STOP) == before + 1);
}

static void
stop_with_keys (GtkWindow  *focus,
                const char *keys,
                const char *where)
{
  stop_with_keys_full (focus, keys, where, TRUE);
}

static GtkWidget *
find_css_class (GtkWidget  *root,
                const char *css_class)
{
  if (gtk_widget_has_css_class (root, css_class))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_css_class (child, css_class);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The header's pen pill: its words and its colour say the same. */
static void
assert_pen_pill_agrees (void)
{
  GtkWidget *pill = find_css_class (GTK_WIDGET (window), "pen-status");
  GtkWidget *label = stipple_test_find_of_type (pill, GTK_TYPE_LABEL);
  const char *text = gtk_label_get_text (GTK_LABEL (label));
  StipplePenState state = stipple_pen_get_state (stipple_application_get_pen (app));

  if (gtk_widget_has_css_class (pill, "pen-fault"))
    g_assert_false (g_str_has_prefix (text, _("Pen connected")));
  if (state == STIPPLE_PEN_STATE_FAULT)
    g_assert_true (g_str_has_prefix (text, _("Pen fault")));
  /* No alarm stands: the pill is not red either. */
  if (stipple_treatment_get_alarm_priority (stipple_test_ui_get_treatment (window)) == STIPPLE_ALARM_NONE)
    g_assert_false (gtk_widget_has_css_class (pill, "pen-fault"));
}

/* The emergency stop clears the pen's settings: send them again and
 * acknowledge the alarm, as a clinician does before going on. */
/* Acknowledges the standing alarm, and any raised meanwhile. */
static void
acknowledge_alarms (void)
{
  GtkWidget *acknowledge = NULL;
  guint clicks = 0;

  WAIT_FOR ((acknowledge = find (GTK_ACCESSIBLE_ROLE_BUTTON, _("Acknowledge"))) != NULL &&
            gtk_widget_get_mapped (acknowledge));
  while (gtk_widget_get_mapped (acknowledge))
    {
      StippleTreatment *treatment = stipple_test_ui_get_treatment (window);
      g_autofree char *alarm = g_strdup (stipple_treatment_get_alarm_message (treatment));

      /* The alarm slides in: clicked once it is all there. */
      WAIT_FOR (gtk_revealer_get_child_revealed (GTK_REVEALER (gtk_widget_get_ancestor (acknowledge, GTK_TYPE_REVEALER))));
      stipple_xinput_click (acknowledge);
      clicks++;
      /* Gone; or another alarm raised meanwhile stands in its place. */
      if (ITERATE_UNTIL_SECONDS (5, !gtk_widget_get_mapped (acknowledge) ||
                                    g_strcmp0 (alarm, stipple_treatment_get_alarm_message (treatment)) != 0))
        {
          if (gtk_widget_get_mapped (acknowledge))
            slowed_down ("a second alarm was raised");
        }
      else if (clicks < 3)
        slowed_down ("the click on Acknowledge took no effect within 5 s");
      else
        {
          say_state ();
          g_error ("Acknowledge was clicked %u times, and the alarm stands", clicks);
        }
    }
}

/* The emergency stop clears the pen's settings: send them again and
 * acknowledge the alarm, as a clinician does before going on. */
static void
recover_after_stop (void)
{
  acknowledge_alarms ();
  assert_pen_pill_agrees ();
  if (stipple_treatment_get_verification (stipple_test_ui_get_treatment (window)) !=
      STIPPLE_VERIFICATION_VERIFIED)
    stipple_test_ui_click (_("Apply and Send to Pen"));
  wait_verified ();
  assert_pen_pill_agrees ();
}

/* Presses Escape in @window and waits until it is gone from the screen
 * (destroyed, or hidden). */
static void
close_with_escape (GtkWindow *window_to_close)
{
  g_object_add_weak_pointer (G_OBJECT (window_to_close), (gpointer *) &window_to_close);
  stipple_xinput_key (window_to_close, "Escape");
  WAIT_FOR (window_to_close == NULL || !gtk_widget_get_visible (GTK_WIDGET (window_to_close)));
  if (window_to_close != NULL)
    g_object_remove_weak_pointer (G_OBJECT (window_to_close), (gpointer *) &window_to_close);
}

/* Types @value into the spin button @spin, as a clinician does: a click
 * into it, everything selected, the value typed, Tab to leave. */
static void
set_spin (GtkWidget  *spin,
          const char *value)
{
  stipple_test_ui_click_to_focus (spin);
  stipple_xinput_key (window, "ctrl+a");
  stipple_xinput_type (window, value);
  stipple_xinput_key (window, "Tab");
}

static void
run (void)
{
  StippleStore *store;
  GtkWidget *search = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  WAIT_FOR ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL);
  WAIT_FOR ((store = stipple_application_get_store (app)) != NULL);
  WAIT_FOR (stipple_pen_get_connected (stipple_application_get_pen (app)));
  stipple_test_wait_mapped (GTK_WIDGET (window));
  stipple_xinput_check ();

  /* New Patient from the keyboard: typing goes straight into the family
   * name, nothing typed is lost; Escape closes the form. */
  {
    GtkWindow *editor;
    GtkWidget *focus = NULL;

    stipple_xinput_key (window, "ctrl+n");
    editor = stipple_test_ui_wait_for_window (STIPPLE_TYPE_PATIENT_EDITOR, window);
    stipple_test_wait_mapped (GTK_WIDGET (editor));
    stipple_xinput_type (editor, "Okafor");
    WAIT_FOR ((focus = gtk_root_get_focus (GTK_ROOT (editor))) != NULL && GTK_IS_EDITABLE (focus) &&
              g_str_equal (gtk_editable_get_text (GTK_EDITABLE (focus)), "Okafor"));
    close_with_escape (editor);
  }

  /* The search: typed, and Enter opens the first patient found. */
  WAIT_FOR ((search = stipple_test_find_of_type (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY)) != NULL);
  stipple_test_ui_type_into (search, "DEMO-0001");
  found = stipple_store_search_patients (store, "DEMO-0001", 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  stipple_xinput_key (window, "Return");
  stipple_test_ui_click (_("Start Session"));

  /* Set-up, typed and clicked. */
  {
    GtkWidget *name = NULL;
    GtkWidget *product = NULL;
    const StippleScreeningItem *items;
    guint n_items;

    WAIT_FOR ((name = stipple_test_find_entry_row (GTK_WIDGET (window), _("Clinician’s Name"))) != NULL);
    stipple_test_ui_type_into (name, "Dr Ines Moreau");
    stipple_test_ui_click (_("Next"));
    items = stipple_screening_get_items (&n_items);
    for (guint i = 0; i < n_items; i++)
      {
        g_autofree char *label = g_strdup_printf (_("%s: No"), stipple_screening_get_question (&items[i]));
        GtkWidget *no = NULL;

        WAIT_FOR ((no = find (GTK_ACCESSIBLE_ROLE_CHECKBOX, label)) != NULL ||
                  (no = find (GTK_ACCESSIBLE_ROLE_RADIO, label)) != NULL ||
                  (no = find (GTK_ACCESSIBLE_ROLE_BUTTON, label)) != NULL);
        stipple_xinput_click (no);
        WAIT_FOR (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (no)));
      }
    stipple_test_ui_click (_("Next"));
    {
      GtkWidget *consent = NULL;

      WAIT_FOR ((consent = find (GTK_ACCESSIBLE_ROLE_CHECKBOX,
                                 _("The patient consents to the treatment"))) != NULL);
      stipple_xinput_click (consent);
      WAIT_FOR (gtk_check_button_get_active (GTK_CHECK_BUTTON (consent)));
    }
    stipple_test_ui_click (_("Next"));
    {
      GtkWidget *applied = NULL;

      /* Off until the clinician says the anaesthetic went on. */
      WAIT_FOR ((applied = find (GTK_ACCESSIBLE_ROLE_SWITCH, _("Anaesthetic applied"))) != NULL);
      g_assert_false (gtk_switch_get_active (GTK_SWITCH (applied)));
      stipple_xinput_click (applied);
      WAIT_FOR (gtk_switch_get_active (GTK_SWITCH (applied)));
    }
    WAIT_FOR ((product = stipple_test_find_entry_row (GTK_WIDGET (window), _("Anaesthetic Product"))) != NULL &&
              gtk_widget_is_sensitive (product));
    stipple_test_ui_type_into (product, "Lidocaine 4% cream");
    stipple_test_ui_click (_("Begin Treatment"));
  }

  /* The treatment: a zone, its plan sent and verified. */
  {
    GtkWidget *zone = NULL;

    WAIT_FOR ((zone = find (GTK_ACCESSIBLE_ROLE_BUTTON, stipple_zone_get_name (STIPPLE_ZONE_CHEEK_LEFT))) != NULL &&
              gtk_widget_get_mapped (zone));
    gtk_widget_grab_focus (zone);
    stipple_xinput_key (window, "Return");
    WAIT_FOR (stipple_treatment_get_zone (stipple_test_ui_get_treatment (window)) == STIPPLE_ZONE_CHEEK_LEFT);
  }
  stipple_test_ui_click (_("Apply and Send to Pen"));

  /* Notes before and after, typed. */
  stipple_test_ui_type_into (find (GTK_ACCESSIBLE_ROLE_TEXT_BOX, _("Notes before treatment")),
                             "Rolling scars, left cheek.");
  /* Tab, and Ctrl+Tab, leave the notes; neither types a tab into them. */
  {
    GtkWidget *notes = find (GTK_ACCESSIBLE_ROLE_TEXT_BOX, _("Notes before treatment"));
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (notes));
    const char *keys[] = { "Tab", "ctrl+Tab" };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        GtkTextIter start, end;
        g_autofree char *text = NULL;

        stipple_test_ui_click_to_focus (notes);
        stipple_xinput_key (window, keys[i]);
        WAIT_FOR (!gtk_widget_has_focus (notes));
        gtk_text_buffer_get_bounds (buffer, &start, &end);
        text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
        g_assert_cmpstr (text, ==, "Rolling scars, left cheek.");
      }
  }

  /* The stop's keys on the treatment screen, with the focus anywhere. */
  start_needle ();
  stop_with_keys (window, "shift+Escape", "on the treatment screen");
  recover_after_stop ();
  start_needle ();
  stop_with_keys (window, "Pause", "on the treatment screen");
  recover_after_stop ();

  /* With the focus in the notes, typing: the stop still stops. */
  start_needle ();
  stipple_xinput_click (find (GTK_ACCESSIBLE_ROLE_TEXT_BOX, _("Notes before treatment")));
  stop_with_keys (window, "shift+Escape", "while typing notes");
  recover_after_stop ();

  /* The deeper-than-limit dialog open while the needle runs. */
  {
    g_autofree char *depth_of_pass_1 = g_strdup_printf (_("Depth of pass %u, millimetres"), 1);
    GtkWidget *spin = NULL;
    GtkWidget *reason = NULL;
    GtkWindow *dialog;
    g_autofree char *deeper = g_strdup_printf ("%.2f", 1.25);
    g_autofree char *planned = NULL;

    WAIT_FOR ((spin = find (GTK_ACCESSIBLE_ROLE_SPIN_BUTTON, depth_of_pass_1)) != NULL);
    planned = g_strdup_printf ("%.2f", gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)));
    for (;;)
      {
        start_needle ();
        set_spin (spin, deeper);
        stipple_test_ui_click (_("Apply and Send to Pen"));
        WAIT_FOR ((reason = find (GTK_ACCESSIBLE_ROLE_TEXT_BOX, _("Reason for going deeper"))) != NULL &&
                  gtk_widget_get_mapped (reason));
        dialog = GTK_WINDOW (gtk_widget_get_root (reason));
        /* Asking does not stop the needle on its own. */
        if (stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)))
          break;
        /* Stopped all the same (a slowed-down machine): kept to the
         * limit, the plan put back, and all again. */
        slowed_down ("the needle stopped as the dialog opened");
        close_with_escape (dialog);
        set_spin (spin, planned);
        recover_after_stop ();
      }
    g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
    stop_with_keys_full (dialog, "shift+Escape", "with the deeper-than-limit dialog open", FALSE);

    /* The emergency stop button in the main window, clicked with the
     * dialog still open. */
    g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
    {
      GtkWidget *confirm = NULL;

      /* A word is not a reason for the record: Confirm stays off. */
      stipple_test_ui_type_into (reason, "ok");
      WAIT_FOR ((confirm = stipple_test_ui_find_labelled_button (GTK_WIDGET (dialog),
                                                                 _("_Confirm and Record"))) != NULL);
      g_assert_false (gtk_widget_is_sensitive (confirm));
      stipple_xinput_key (dialog, "ctrl+a");
      stipple_xinput_key (dialog, "BackSpace");
      WAIT_FOR (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (reason)), ""));
      stipple_test_ui_type_into (reason, "Deep rolling scars, discussed with the patient");
      WAIT_FOR (gtk_widget_is_sensitive (confirm));
      stipple_xinput_click (confirm);
    }
    WAIT_FOR (dialog == NULL || !gtk_widget_get_visible (GTK_WIDGET (dialog)));
    if (dialog != NULL)
      g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
    recover_after_stop ();
    WAIT_FOR (count_audit (STIPPLE_AUDIT_LIMIT_CONFIRMED) == 1);
  }

  /* The keyboard shortcuts window, opened with its keys: the stop's keys
   * work there too. The preferences (zone limits among them) cannot be
   * opened while a treatment is open: their shortcut, pressed just
   * before, opened nothing by the time the shortcuts window is up. */
  {
    GtkWindow *shortcuts;

    start_needle ();
    stipple_xinput_key (window, "ctrl+comma");
    stipple_xinput_key (window, "ctrl+question");
    shortcuts = stipple_test_ui_wait_for_window (GTK_TYPE_SHORTCUTS_WINDOW, window);
    g_assert_false (g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (app), "preferences")));
    /* Nor can a backup replace the file, or an import add to it. */
    g_assert_false (g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (app), "restore-backup")));
    g_assert_false (g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (app), "import-patient")));
    {
      g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

      for (GList *l = toplevels; l != NULL; l = l->next)
        g_assert_false (ADW_IS_PREFERENCES_WINDOW (l->data) && gtk_widget_get_visible (l->data));
    }
    stop_with_keys (shortcuts, "shift+Escape", "in the keyboard shortcuts");
    close_with_escape (shortcuts);
    recover_after_stop ();
  }

  /* "End the Session?" asked with the needle running: the foot switch
   * (Pause) stops it there, and keeping on treating loses nothing. */
  {
    GtkWindow *ask;
    /* Its mnemonic, in the language on screen: Alt+E, Alt+B in German. */
    const char *label = _("_End Session…");
    g_autofree char *end_keys = g_strdup_printf ("alt+%c", g_ascii_tolower (strchr (label, '_')[1]));

    for (;;)
      {
        start_needle ();
        stipple_xinput_key (window, end_keys);
        ask = stipple_test_ui_wait_for_window (ADW_TYPE_MESSAGE_DIALOG, window);
        stipple_test_wait_mapped (GTK_WIDGET (ask));
        if (stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)))
          break;
        slowed_down ("the needle stopped as “End the Session?” opened");
        close_with_escape (ask);
        recover_after_stop ();
      }
    stop_with_keys_full (ask, "Pause", "with “End the Session?” open", FALSE);
    close_with_escape (ask);
    g_assert_null (stipple_treatment_get_session (stipple_test_ui_get_treatment (window))->ended_at);
    recover_after_stop ();
  }

  finished = TRUE;
}

static void
test_treatment (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-real-input-XXXXXX", NULL);
  g_autofree char *database = g_build_filename (dir, "demo.stipple", NULL);
  const char *argv[] = { "stipple", "--simulate", "--demo", "--database", database, NULL };

  app = stipple_application_new ();
  stipple_test_run_app (G_APPLICATION (app), argv, run);
  g_assert_true (finished);
  g_clear_object (&app);
}

int
main (int   argc,
      char *argv[])
{
  stipple_test_ui_init (&argc, &argv);
  stipple_test_ui_set_wait (TEST_WAIT_SECONDS, say_state);

  g_test_add_func ("/stipple/real-input/treatment", test_treatment);

  return g_test_run ();
}
