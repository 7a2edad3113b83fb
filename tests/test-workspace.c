/* test-workspace.c: a whole treatment, driven through the real window
 *
 * Stipple runs as a clinician starts it (--simulate --demo), and the test
 * works the screens through their accessible names: open a patient,
 * screen and consent, plan a zone, send it and see it verified, go past a
 * clinical limit (confirmed and recorded), try the pen's hard cap
 * (refused), run the needle, hit the emergency stop, unplug and plug the
 * pen, write notes, end the session. Then it reads the patient file and
 * the pen model to check what really happened.
 *
 * With STIPPLE_SCREENSHOT_DIR set, it saves a screenshot of each screen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "stipple-application.h"
#include "stipple-face-map.h"
#include "stipple-patient-list.h"
#include "stipple-patient-page.h"
#include "stipple-session-summary.h"
#include "stipple-strip-chart.h"
#include "stipple-screening.h"
#include "stipple-sim-transport.h"
#include "stipple-test-a11y.h"
#include "stipple-test-ui.h"
#include "stipple-window.h"
#include "stipple-treatment-page.h"
#include "stipple-treatment.h"
#include "stipple-test-vfs.h"
#include "stipple-zones.h"

/* The whole application starts in these tests. */
#define TEST_WAIT_SECONDS 15
#include "stipple-test-wait.h"

static StippleApplication *app;
static GtkWindow *window;
static char *database;
static gboolean finished;
/* While the disk was full. */
static GDateTime *disk_full_from;
static GDateTime *disk_full_until;

/* A text on screen that is one of Stipple's messages but shows as its
 * English original: in another language, a string left untranslated. */
static void
check_texts (GtkWidget *root,
             GString   *untranslated,
             guint     *n_checked)
{
  const char *texts[4] = { NULL };

  if (!gtk_widget_get_visible (root))
    return;

  if (GTK_IS_LABEL (root))
    {
      texts[0] = gtk_label_get_text (GTK_LABEL (root));
      texts[1] = gtk_label_get_label (GTK_LABEL (root));
    }
  else if (ADW_IS_PREFERENCES_ROW (root))
    texts[0] = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root));
  else if (ADW_IS_STATUS_PAGE (root))
    {
      texts[0] = adw_status_page_get_title (ADW_STATUS_PAGE (root));
      texts[1] = adw_status_page_get_description (ADW_STATUS_PAGE (root));
    }
  else if (GTK_IS_INSCRIPTION (root))
    texts[0] = gtk_inscription_get_text (GTK_INSCRIPTION (root));

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i] != NULL && *texts[i] != '\0')
      {
        (*n_checked)++;
        if (strcmp (g_dgettext (GETTEXT_PACKAGE, texts[i]), texts[i]) != 0)
          g_string_append_printf (untranslated, "  “%s”\n", texts[i]);
      }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_texts (child, untranslated, n_checked);
}

static void
screenshot (const char *name)
{
  const char *dir = g_getenv ("STIPPLE_SCREENSHOT_DIR");

  {
    g_autoptr(GString) untranslated = g_string_new (NULL);
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
    guint n_checked = 0;

    stipple_test_iterate (100);
    for (GList *l = toplevels; l != NULL; l = l->next)
      check_texts (l->data, untranslated, &n_checked);
    if (untranslated->len > 0)
      g_error ("Untranslated on the screen “%s”:\n%s", name, untranslated->str);
    g_assert_cmpuint (n_checked, >, 5);
  }
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;

  stipple_test_iterate (400);
  path = g_build_filename (dir, name, NULL);
  {
    const char *argv[] = { "import", "-window", "root", path, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
}

/* The widget a screen reader would announce with @label, in any window. */
static GtkWidget *
find (GtkAccessibleRole  role,
      const char        *label)
{
  return stipple_test_find_anywhere (role, label);
}

static GtkWidget *
find_by_text (GtkWidget  *root,
              const char *prefix)
{
  if (!gtk_widget_get_visible (root))
    return NULL;

  if (GTK_IS_LABEL (root) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (root)), prefix))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_text (child, prefix);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_text_anywhere (const char *prefix)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    {
      GtkWidget *found = find_by_text (l->data, prefix);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
press (const char *label)
{
  GtkWidget *button = NULL;
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while ((button = find (GTK_ACCESSIBLE_ROLE_BUTTON, label)) == NULL ||
         !gtk_widget_is_sensitive (button))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("No button “%s” to press%s", label, button ? " (it is insensitive)" : "");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_signal_emit_by_name (button, "clicked");
  g_main_context_iteration (NULL, FALSE);
}

static void
toggle (const char *label)
{
  GtkWidget *widget = NULL;

  WAIT_FOR ((widget = find (GTK_ACCESSIBLE_ROLE_CHECKBOX, label)) != NULL ||
            (widget = find (GTK_ACCESSIBLE_ROLE_RADIO, label)) != NULL ||
            (widget = find (GTK_ACCESSIBLE_ROLE_SWITCH, label)) != NULL ||
            (widget = find (GTK_ACCESSIBLE_ROLE_BUTTON, label)) != NULL);
  if (GTK_IS_CHECK_BUTTON (widget))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (widget), TRUE);
  else if (GTK_IS_TOGGLE_BUTTON (widget))
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (widget), TRUE);
  else if (GTK_IS_SWITCH (widget))
    gtk_switch_set_active (GTK_SWITCH (widget), TRUE);
  else
    g_signal_emit_by_name (widget, "clicked");
}

static void
set_spin (const char *label,
          double      value)
{
  GtkWidget *spin = NULL;
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while ((spin = find (GTK_ACCESSIBLE_ROLE_SPIN_BUTTON, label)) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("No spin button “%s”", label);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
}

/* The box for the reason, in the dialog that asks before going deeper
 * than the zone's clinical limit. */
/* The treatment screen's loss label, with exactly @lost in it. */
static gboolean
loss_shown (guint64 lost)
{
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, lost);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "%s needle sample lost in this session",
                                                        "%s needle samples lost in this session",
                                                        (gulong) lost),
                                           count);
  GtkWidget *label = find_text_anywhere (text);

  return label != NULL && g_str_equal (gtk_label_get_text (GTK_LABEL (label)), text);
}

static GtkWidget *
wait_for_reason (void)
{
  GtkWidget *reason = NULL;

  WAIT_FOR ((reason = find (GTK_ACCESSIBLE_ROLE_TEXT_BOX, _("Reason for going deeper"))) != NULL);
  return reason;
}

static void
confirm_deeper (GtkWidget  *reason,
                const char *why)
{
  gtk_editable_set_text (GTK_EDITABLE (reason), why);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (gtk_widget_get_root (reason)), "confirm");
  gtk_window_close (GTK_WINDOW (gtk_widget_get_root (reason)));
}

/* What the pen holds, and that the screen says so. */
static gboolean
verified (void)
{
  StippleTreatment *treatment = stipple_test_ui_get_treatment (window);
  g_autofree char *shown = NULL;
  StippleZonePlan plan;
  g_autofree char *depth = NULL;

  if (treatment == NULL ||
      stipple_treatment_get_verification (treatment) != STIPPLE_VERIFICATION_VERIFIED)
    return FALSE;

  stipple_treatment_get_plan (treatment, stipple_treatment_get_zone (treatment), &plan);
  depth = g_strdup_printf (_("%.2f mm"), plan.depth_um[stipple_treatment_get_pass (treatment) - 1] / 1000.0);
  shown = g_strdup_printf (_("Applied and verified: %s, pass %u of %u"), depth,
                           stipple_treatment_get_pass (treatment), plan.n_passes);
  return find_by_text (GTK_WIDGET (window), shown) != NULL;
}

static guint
pen_depth (void)
{
  StippleProtoTreatment applied = { 0 };

  stipple_firmware_get_treatment (stipple_test_ui_get_pen_model (app), &applied);
  return applied.depth_um;
}

/* The flush's own outcome does not matter here: it may carry the last
 * failure from the full disk, which the screen already shows. */
static void
store_settled_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  gboolean *settled = user_data;

  stipple_store_flush_telemetry_finish (STIPPLE_STORE (object), result, NULL);
  *settled = TRUE;
}

static GtkWidget *
alarm_label (void)
{
  GtkWidget *label = stipple_test_find_of_type (GTK_WIDGET (window), GTK_TYPE_INSCRIPTION);

  return label != NULL && gtk_widget_get_mapped (label) &&
         gtk_inscription_get_text (GTK_INSCRIPTION (label)) != NULL ? label : NULL;
}

static gint64
demo_patient_id (StippleStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = stipple_store_search_patients (store, "DEMO-0001", 1, &error);
  const StipplePatient *patient;

  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  patient = g_ptr_array_index (found, 0);
  return patient->id;
}

static GtkWidget *
find_summary (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (STIPPLE_IS_SESSION_SUMMARY (l->data))
      return l->data;

  return NULL;
}

static void
run_treatment (void)
{
  g_autofree char *depth_of_pass_1 = g_strdup_printf (_("Depth of pass %u, millimetres"), 1);
  StippleStore *store;
  GtkWidget *list;
  gint64 patient_id;
  guint n_items;
  const StippleScreeningItem *items;

  WAIT_FOR ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL);
  WAIT_FOR ((store = stipple_application_get_store (app)) != NULL);
  WAIT_FOR (stipple_pen_get_connected (stipple_application_get_pen (app)));
  stipple_test_wait_mapped (GTK_WIDGET (window));
  /* Screenshots fill the screen they are taken on (xvfb-run -s "-screen
   * 0 1024x700x24", or 2560x1440), light or, with STIPPLE_SCREENSHOT_DARK
   * set, dark. */
  if (g_getenv ("STIPPLE_SCREENSHOT_DIR") != NULL)
    {
      GListModel *monitors = gdk_display_get_monitors (gtk_widget_get_display (GTK_WIDGET (window)));
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, 0);
      GdkRectangle area;

      gdk_monitor_get_geometry (monitor, &area);
      gtk_window_set_default_size (window, area.width, area.height);
      if (g_getenv ("STIPPLE_SCREENSHOT_DARK") != NULL)
        adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
      stipple_test_iterate (300);
    }
  screenshot ("workspace.png");

  /* The emergency stop is there before anything else. */
  g_assert_nonnull (find (GTK_ACCESSIBLE_ROLE_BUTTON, _("Emergency Stop")));

  /* Open a demo patient from the list. */
  patient_id = demo_patient_id (store);
  WAIT_FOR ((list = stipple_test_find_of_type (GTK_WIDGET (window), STIPPLE_TYPE_PATIENT_LIST)) != NULL);
  g_signal_emit_by_name (list, "patient-activated", patient_id);
  press (_("Start Session"));

  /* From the set-up on, the header names the patient being treated and
   * what must stay in sight about them. */
  {
    AdwWindowTitle *title = NULL;
    g_autofree char *allergies = g_strdup_printf (_("Allergies: %s"), "None known");

    WAIT_FOR ((title = ADW_WINDOW_TITLE (stipple_test_find_of_type (GTK_WIDGET (window),
                                                                     ADW_TYPE_WINDOW_TITLE))) != NULL &&
              g_strcmp0 (adw_window_title_get_title (title), "Elena Brightwater") == 0);
    g_assert_true (g_str_has_prefix (adw_window_title_get_subtitle (title), "DEMO-0001 · "));
    g_assert_nonnull (find_text_anywhere (allergies));
  }

  /* Set-up: clinician, screening (all no), consent, anaesthetic. */
  {
    GtkWidget *name = NULL;

    WAIT_FOR ((name = stipple_test_find_entry_row (GTK_WIDGET (window), _("Clinician’s Name"))) != NULL);
    gtk_editable_set_text (GTK_EDITABLE (name), "Dr Ines Moreau");
  }
  press (_("Next"));
  items = stipple_screening_get_items (&n_items);
  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *label = g_strdup_printf (_("%s: No"), stipple_screening_get_question (&items[i]));
      toggle (label);
    }
  screenshot ("session-screening.png");
  press (_("Next"));
  toggle (_("The patient consents to the treatment"));
  screenshot ("session-consent.png");
  press (_("Next"));
  {
    GtkWidget *product = NULL;

    /* Not applied unless the clinician says so. */
    toggle (_("Anaesthetic applied"));
    WAIT_FOR ((product = stipple_test_find_entry_row (GTK_WIDGET (window), _("Anaesthetic Product"))) != NULL);
    gtk_editable_set_text (GTK_EDITABLE (product), "Lidocaine 4% cream");
  }
  press (_("Begin Treatment"));

  /* The treatment page: pick the left cheek and plan one pass. */
  {
    GtkWidget *row = NULL;
    GtkWidget *zones = NULL;

    WAIT_FOR ((row = find (GTK_ACCESSIBLE_ROLE_ROW, stipple_zone_get_name (STIPPLE_ZONE_CHEEK_LEFT))) != NULL ||
              (row = find (GTK_ACCESSIBLE_ROLE_LIST_ITEM, stipple_zone_get_name (STIPPLE_ZONE_CHEEK_LEFT))) != NULL);
    zones = gtk_widget_get_ancestor (row, GTK_TYPE_LIST_BOX);
    g_signal_emit_by_name (zones, "row-activated", row);
  }
  WAIT_FOR (stipple_treatment_get_zone (stipple_test_ui_get_treatment (window)) == STIPPLE_ZONE_CHEEK_LEFT);
  set_spin (_("Passes"), 1);
  set_spin (depth_of_pass_1, 0.75);
  press (_("Apply and Send to Pen"));
  WAIT_FOR (verified ());
  g_assert_cmpuint (pen_depth (), ==, 750);
  screenshot ("treatment-verified.png");

  /* Past the clinical limit: asked, confirmed with a reason, recorded. */
  set_spin (depth_of_pass_1, 1.25);
  press (_("Apply and Send to Pen"));
  {
    GtkWidget *reason = wait_for_reason ();

    g_assert_cmpuint (pen_depth (), ==, 750);
    screenshot ("treatment-confirm.png");
    confirm_deeper (reason, "Deep rolling scars, discussed with the patient");
  }
  WAIT_FOR (pen_depth () == 1250 && verified ());

  /* Past the pen's hard cap: refused, and the pen keeps what it had. */
  set_spin (depth_of_pass_1, 2.9);
  press (_("Apply and Send to Pen"));
  {
    guint hard_cap_um = stipple_treatment_get_hard_cap (stipple_test_ui_get_treatment (window));
    g_autofree char *depth = g_strdup_printf (_("%.2f mm"), 2.9);
    g_autofree char *cap = g_strdup_printf (_("%.2f mm"), hard_cap_um / 1000.0);
    g_autofree char *refusal = g_strdup_printf (_("%s is deeper than this pen and cartridge can go: "
                                                  "their maximum is %s."), depth, cap);

    WAIT_FOR (find_by_text (GTK_WIDGET (window), refusal) != NULL);
  }
  g_assert_cmpuint (pen_depth (), ==, 1250);
  set_spin (depth_of_pass_1, 1.25);

  /* The face map: each zone a button a screen reader names; choosing one
   * on the map selects it for treatment, and the map outlines it. */
  {
    GtkWidget *right = NULL, *left = NULL, *map = NULL;

    WAIT_FOR ((right = find (GTK_ACCESSIBLE_ROLE_BUTTON, stipple_zone_get_name (STIPPLE_ZONE_CHEEK_RIGHT))) != NULL);
    map = gtk_widget_get_parent (right);
    g_assert_true (STIPPLE_IS_FACE_MAP (map));
    gtk_widget_activate (right);
    WAIT_FOR (stipple_treatment_get_zone (stipple_test_ui_get_treatment (window)) == STIPPLE_ZONE_CHEEK_RIGHT);
    g_assert_cmpint (stipple_face_map_get_selected_zone (STIPPLE_FACE_MAP (map)), ==, STIPPLE_ZONE_CHEEK_RIGHT);
    screenshot ("face-map.png");

    left = stipple_face_map_get_zone_widget (STIPPLE_FACE_MAP (map), STIPPLE_ZONE_CHEEK_LEFT);
    gtk_widget_activate (left);
    WAIT_FOR (stipple_treatment_get_zone (stipple_test_ui_get_treatment (window)) == STIPPLE_ZONE_CHEEK_LEFT);
    WAIT_FOR (pen_depth () == 1250 && verified ());
  }

  /* Run the needle, then stop everything from the header. */
  {
    GtkTextView *before = GTK_TEXT_VIEW (find (GTK_ACCESSIBLE_ROLE_TEXT_BOX, _("Notes before treatment")));

    g_assert_nonnull (before);
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (before), "Rolling scars on the left cheek. 😊", -1);
  }
  press (_("Start Needle"));
  WAIT_FOR (stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
  stipple_test_iterate (300);
  screenshot ("treatment-running.png");
  press (_("Emergency Stop"));
  WAIT_FOR (!stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
  WAIT_FOR (alarm_label () != NULL);
  press (_("Acknowledge"));
  WAIT_FOR (alarm_label () == NULL);

  /* Loss is never silent: five telemetry packets lost on the way, and the
   * treatment screen says how many samples the session has lost. */
  {
    guint64 before = stipple_treatment_get_samples_lost (stipple_test_ui_get_treatment (window));

    stipple_firmware_set_fault (stipple_test_ui_get_pen_model (app), STIPPLE_FIRMWARE_FAULT_DROP, 5);
    WAIT_FOR (stipple_treatment_get_samples_lost (stipple_test_ui_get_treatment (window)) >= before + 80);
    WAIT_FOR (loss_shown (stipple_treatment_get_samples_lost (stipple_test_ui_get_treatment (window))));
  }

  /* Unplugged: a high alarm; plugged in again: settings pushed and
   * verified before the needle may run. */
  stipple_sim_transport_unplug (STIPPLE_SIM_TRANSPORT (stipple_pen_get_transport (stipple_application_get_pen (app))));
  WAIT_FOR (stipple_treatment_get_alarm_priority (stipple_test_ui_get_treatment (window)) == STIPPLE_ALARM_HIGH &&
            alarm_label () != NULL &&
            g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (alarm_label ())),
                       stipple_treatment_get_alarm_message (stipple_test_ui_get_treatment (window))) == 0);
  g_assert_false (stipple_pen_get_connected (stipple_application_get_pen (app)));
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_parent (alarm_label ()), "alarm-high"));
  screenshot ("treatment-unplugged.png");
  stipple_sim_transport_replug (STIPPLE_SIM_TRANSPORT (stipple_pen_get_transport (stipple_application_get_pen (app))));
  WAIT_FOR (verified ());
  press (_("Acknowledge"));
  press (_("Start Needle"));
  WAIT_FOR (stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
  stipple_test_iterate (300);

  /* The disk fills while the needle runs: a high alarm says so in the
   * store's words, the emergency stop still stops the needle at once, and
   * with room again the treatment carries on. */
  {
    const char *full = _("The disk is full, so the last change was not saved. Everything "
                         "saved before it is safe. Free some space, then try again.");

    disk_full_from = g_date_time_new_now_utc ();
    stipple_test_vfs_budget = 0;
    WAIT_FOR (stipple_treatment_get_alarm_priority (stipple_test_ui_get_treatment (window)) == STIPPLE_ALARM_HIGH &&
              alarm_label () != NULL &&
              strstr (gtk_inscription_get_text (GTK_INSCRIPTION (alarm_label ())), full) != NULL);
    g_assert_true (gtk_widget_has_css_class (gtk_widget_get_parent (alarm_label ()), "alarm-high"));
    screenshot ("treatment-disk-full.png");
    press (_("Emergency Stop"));
    WAIT_FOR (!stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
    disk_full_until = g_date_time_new_now_utc ();

    /* With room again, the clinician acknowledges once every write that
     * failed while the disk was full has been reported: a flush queued
     * behind them has come back. A failure reported after the
     * acknowledgement raises the alarm again, as it should; a slow
     * writer (the sanitizer build, a busy PC) reports its last failures
     * late. */
    stipple_test_vfs_budget = -1;
    {
      gboolean settled = FALSE;

      stipple_store_flush_telemetry_async (stipple_application_get_store (app), NULL,
                                           store_settled_cb, &settled);
      WAIT_FOR (settled);
    }
    press (_("Acknowledge"));
    WAIT_FOR (alarm_label () == NULL);
    /* Sent again after the stop: deeper than the zone's limit, but
     * already confirmed in this session, so not asked again. */
    press (_("Apply and Send to Pen"));
    WAIT_FOR (verified ());
    g_assert_null (find (GTK_ACCESSIBLE_ROLE_TEXT_BOX, _("Reason for going deeper")));
    press (_("Start Needle"));
    WAIT_FOR (stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
    stipple_test_iterate (300);
  }

  /* Locked after idling: the patient's data is hidden, the needle stops;
   * unlocked, the treatment is there as it was. */
  {
    GtkWidget *treatment_page = stipple_test_find_of_type (GTK_WIDGET (window), STIPPLE_TYPE_TREATMENT_PAGE);

    stipple_window_lock (STIPPLE_WINDOW (window));
    WAIT_FOR (!stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
    WAIT_FOR (!gtk_widget_get_mapped (treatment_page));
    {
      /* Named once, as it reads: "Unlock as Ines Moreau". */
      const char *name = g_get_real_name ();
      g_autoptr(GString) unlock = NULL;

      if (name == NULL || *name == '\0' || g_str_equal (name, "Unknown"))
        name = g_get_user_name ();
      unlock = g_string_new (NULL);
      g_string_printf (unlock, _("_Unlock as %s"), name);
      g_string_replace (unlock, "_", "", 1);
      g_assert_nonnull (find (GTK_ACCESSIBLE_ROLE_BUTTON, unlock->str));
      screenshot ("locked.png");
      press (unlock->str);
    }
    WAIT_FOR (gtk_widget_get_mapped (treatment_page));
    g_assert_false (stipple_window_get_locked (STIPPLE_WINDOW (window)));
  }

  /* Ending is confirmed first: until then the treatment goes on. */
  press (_("End Session"));
  {
    GtkWidget *question = NULL;

    WAIT_FOR ((question = find_text_anywhere (_("End the Session?"))) != NULL);
    g_assert_false (stipple_treatment_get_ended (stipple_test_ui_get_treatment (window)));
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (gtk_widget_get_root (question)), "end");
  }
  WAIT_FOR (!stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
  /* The report is offered at once. */
  {
    GtkWidget *offer = NULL;

    WAIT_FOR ((offer = find_text_anywhere (_("Session Ended"))) != NULL);
    screenshot ("session-ended.png");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (gtk_widget_get_root (offer)), "close");
    gtk_window_close (GTK_WINDOW (gtk_widget_get_root (offer)));
  }
  press (_("Start Session"));

  /* What the patient file holds. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(StipplePatientChart) chart = stipple_store_load_chart (store, patient_id, &error);
    const StippleSession *session = NULL;
    g_autoptr(GPtrArray) audit = NULL;
    guint confirmed = 0, estops = 0, estops_while_full = 0, settings = 0;

    g_assert_no_error (error);
    for (guint i = 0; i < chart->sessions->len; i++)
      {
        const StippleSession *s = g_ptr_array_index (chart->sessions, i);
        if (g_strcmp0 (s->clinician, "Dr Ines Moreau") == 0)
          session = s;
      }
    g_assert_nonnull (session);
    g_assert_nonnull (session->ended_at);
    g_assert_cmpstr (session->note_before, ==, "Rolling scars on the left cheek. 😊");
    g_assert_cmpuint (session->plan->len, ==, 1);
    g_assert_cmpuint (g_array_index (session->plan, StippleZonePass, 0).depth_um, ==, 1250);
    g_assert_cmpuint (session->strokes[STIPPLE_ZONE_CHEEK_LEFT], >, 0);

    audit = stipple_store_list_audit (store, session->id, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < audit->len; i++)
      {
        const StippleAuditEntry *entry = g_ptr_array_index (audit, i);

        g_assert_cmpstr (entry->user, ==, "Dr Ines Moreau");
        confirmed += entry->kind == STIPPLE_AUDIT_LIMIT_CONFIRMED;
        estops += entry->kind == STIPPLE_AUDIT_EMERGENCY_STOP;
        estops_while_full += entry->kind == STIPPLE_AUDIT_EMERGENCY_STOP &&
                             g_date_time_compare (entry->at, disk_full_from) >= 0 &&
                             g_date_time_compare (entry->at, disk_full_until) <= 0;
        settings += entry->kind == STIPPLE_AUDIT_SETTING;
        /* The impossible depth never went to the pen. */
        g_assert_null (entry->sent ? strstr (entry->sent, "depth_um=2900") : NULL);
      }
    g_assert_cmpuint (confirmed, ==, 1);
    /* The one pressed while the disk was full among them. */
    g_assert_cmpuint (estops, >=, 2);
    g_assert_cmpuint (estops_while_full, ==, 1);
    g_assert_cmpuint (settings, >=, 6);

    /* The session, read only, replays its needle data: the graphs scrub
     * through what was stored. */
    {
      GtkWidget *page = stipple_test_find_of_type (GTK_WIDGET (window), STIPPLE_TYPE_PATIENT_PAGE);
      GtkWidget *summary = NULL, *graphs = NULL;
      guint64 duration;
      const StippleStrokeStats *stats;
      guint64 strokes_at_start;

      g_assert_nonnull (page);
      g_signal_emit_by_name (page, "session-activated", session->id);
      WAIT_FOR ((summary = find_summary ()) != NULL &&
                stipple_session_summary_get_replay_loaded (STIPPLE_SESSION_SUMMARY (summary)));
      graphs = stipple_test_find_of_type (summary, STIPPLE_TYPE_STRIP_CHART);
      g_assert_nonnull (graphs);
      duration = stipple_strip_chart_get_replay_duration (STIPPLE_STRIP_CHART (graphs));
      g_assert_cmpuint (duration, >, 500000);
      stipple_strip_chart_set_replay_position (STIPPLE_STRIP_CHART (graphs), 0);
      stats = stipple_strip_chart_get_stats (STIPPLE_STRIP_CHART (graphs));
      strokes_at_start = stats->strokes;
      stipple_strip_chart_set_replay_position (STIPPLE_STRIP_CHART (graphs), duration);
      g_assert_cmpuint (stipple_strip_chart_get_stats (STIPPLE_STRIP_CHART (graphs))->strokes, >,
                        strokes_at_start);
      screenshot ("session-replay.png");
      gtk_window_destroy (GTK_WINDOW (summary));
    }
  }

  finished = TRUE;
}

static void
test_treatment (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-workspace-XXXXXX", NULL);
  const char *argv[] = { "stipple", "--simulate", "--demo", "--database", NULL, NULL };

  database = g_build_filename (dir, "demo.stipple", NULL);
  argv[4] = database;
  app = stipple_application_new ();
  /* Other tests run Stipple at the same time: each its own instance. */
  stipple_test_run_app (G_APPLICATION (app), argv, run_treatment);
  g_assert_true (finished);
  g_clear_object (&app);
  g_clear_pointer (&disk_full_from, g_date_time_unref);
  g_clear_pointer (&disk_full_until, g_date_time_unref);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("test-workspace needs a display; run it through ./build-aux/dev test\n");
      return 1;
    }

  /* The tests read the interface's words through the translations, so the
   * same test runs in any language (meson runs it in German too). */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("STIPPLE_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  /* As main() does: the templates translate through the default domain. */
  textdomain (GETTEXT_PACKAGE);
  gtk_test_init (&argc, &argv, NULL);
  /* No cursor blink: GTK warns when a blink comes due for a text that lost
   * the focus with its window, which windows of parallel tests on one
   * display can cause at any moment. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  /* gtk_test_init() runs in the C locale; this test runs in the one asked for. */
  setlocale (LC_ALL, "");
  if (g_getenv ("LANGUAGE") != NULL && !g_str_has_prefix (g_getenv ("LANGUAGE"), "en"))
    g_assert_cmpstr (_("Emergency Stop"), !=, "Emergency Stop");

  /* The patient file runs on a VFS shim that can run out of room. */
  stipple_test_vfs_install ();
  g_test_add_func ("/stipple/workspace/treatment", test_treatment);

  return g_test_run ();
}
