/* stipple-treatment-page.c
 *
 * The treatment screen: the zones, the selected zone's plan and whether
 * the pen holds it, the needle's start and stop, the live graphs and the
 * notes. Every rule lives in StippleTreatment; this page shows its state
 * and passes the clinician's choices to it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-treatment-page"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "stipple-a11y.h"
#include "stipple-face-map.h"
#include "stipple-patient-text.h"
#include "stipple-strip-chart.h"
#include "stipple-skin-response.h"
#include "stipple-treatment-page.h"

struct _StippleTreatmentPage
{
  GtkWidget           parent_instance;

  StippleTreatment   *treatment;
  /* Zones whose stroke counts changed since the screen last said them. */
  guint64             strokes_dirty;
  guint               strokes_flush_id;

  GtkListBoxRow      *zone_rows[STIPPLE_N_ZONES];
  GtkSpinButton      *depth_spins[STIPPLE_MAX_PASSES];
  GtkWidget          *depth_rows[STIPPLE_MAX_PASSES];
  gboolean            loading;

  /* Template children */
  GtkWidget          *content;
  GtkBox             *inspector;
  GtkBox             *face_map_slot;
  GtkBox             *chart_slot;
  GtkLabel           *zone_title;
  GtkLabel           *zone_limits;
  GtkWidget          *verification_box;
  GtkImage           *verification_icon;
  GtkLabel           *verification_label;
  GtkLabel           *loss_label;
  GtkButton          *arm_button;
  GtkSpinButton      *passes_spin;
  GtkSpinButton      *rate_spin;
  AdwPreferencesGroup *depth_group;
  GtkLabel           *plan_error;
  GtkButton          *apply_button;
  GtkSpinButton      *pass_spin;
  AdwComboRow        *indication_row;
  AdwComboRow        *thickness_row;
  GtkWidget          *preset_row;
  GtkTextView        *note_before;
  GtkTextView        *note_after;
  GtkLabel           *note_status;
  GtkButton          *end_button;
  GtkListBox         *zone_list;
  StippleFaceMap     *face_map;
  StippleStripChart  *chart;
};

G_DEFINE_FINAL_TYPE (StippleTreatmentPage, stipple_treatment_page, GTK_TYPE_WIDGET)

enum {
  SIGNAL_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
format_mm (guint um)
{
  return g_strdup_printf (_("%.2f mm"), um / 1000.0);
}

static char *
plan_summary (StippleTreatmentPage *self,
              StippleZone           zone)
{
  StippleZonePlan plan;
  g_autoptr(GString) text = g_string_new (NULL);
  guint64 strokes = stipple_treatment_get_strokes (self->treatment, zone);

  if (!stipple_treatment_get_plan (self->treatment, zone, &plan))
    g_string_append (text, _("No plan"));
  else
    {
      for (guint p = 0; p < plan.n_passes; p++)
        {
          g_autofree char *depth = format_mm (plan.depth_um[p]);

          if (p > 0)
            g_string_append (text, " · ");
          g_string_append (text, depth);
        }
      g_string_append_printf (text, _(", %u strokes/s"), plan.rate_hz);
    }

  if (strokes > 0)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, ", %" PRIu64 " stroke",
                                               ", %" PRIu64 " strokes", strokes),
                            strokes);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ------------------------------------------------------------------------
 * Zones
 * ------------------------------------------------------------------------ */

static void
update_zone_row (StippleTreatmentPage *self,
                 StippleZone           zone)
{
  GtkWidget *row = GTK_WIDGET (self->zone_rows[zone]);
  g_autofree char *summary = plan_summary (self, zone);
  StippleZonePlan plan;
  guint deepest = 0;

  if (row == NULL)
    return;

  if (stipple_treatment_get_plan (self->treatment, zone, &plan))
    for (guint p = 0; p < plan.n_passes; p++)
      deepest = MAX (deepest, plan.depth_um[p]);
  stipple_face_map_set_zone_plan (self->face_map, zone, deepest, plan.n_passes, plan.rate_hz);
  stipple_face_map_set_zone_limit (self->face_map, zone, stipple_treatment_get_limit (self->treatment, zone));
  stipple_face_map_set_zone_strokes (self->face_map, zone, stipple_treatment_get_strokes (self->treatment, zone));

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary, -1);

  /* Above its limit is said in words, not by colour alone. */
  if (deepest > stipple_treatment_get_limit (self->treatment, zone))
    gtk_widget_add_css_class (row, "above-limit");
  else
    gtk_widget_remove_css_class (row, "above-limit");
}

static void
zone_row_activated_cb (StippleTreatmentPage *self,
                       GtkListBoxRow        *row,
                       GtkListBox           *list)
{
  StippleZone zone = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "zone"));

  stipple_treatment_select_zone (self->treatment, zone, 1);
}

static void
face_zone_activated_cb (StippleTreatmentPage *self,
                        guint                 zone)
{
  stipple_treatment_select_zone (self->treatment, zone, 1);
}

static void
build_zone_list (StippleTreatmentPage *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  /* The map and the list are twins: the map for the eye and the hand, the
   * list for the keyboard and the screen reader, both always in step. */
  self->face_map = STIPPLE_FACE_MAP (stipple_face_map_new (NULL));
  gtk_widget_set_hexpand (GTK_WIDGET (self->face_map), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->face_map), TRUE);
  g_signal_connect_swapped (self->face_map, "zone-activated", G_CALLBACK (face_zone_activated_cb), self);
  gtk_box_append (self->face_map_slot, GTK_WIDGET (self->face_map));

  self->zone_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->zone_list, GTK_SELECTION_SINGLE);
  gtk_widget_add_css_class (GTK_WIDGET (self->zone_list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->zone_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Treatment zones"), -1);
  g_signal_connect_swapped (self->zone_list, "row-activated", G_CALLBACK (zone_row_activated_cb), self);

  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), stipple_zone_get_name (z));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "zone", GUINT_TO_POINTER (z));
      gtk_list_box_append (self->zone_list, row);
      self->zone_rows[z] = GTK_LIST_BOX_ROW (row);
      update_zone_row (self, z);
    }

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_widget_set_size_request (scrolled, 300, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->zone_list));
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (self->face_map_slot, scrolled);
}

/* ------------------------------------------------------------------------
 * The plan editor
 * ------------------------------------------------------------------------ */

static void
show_plan_error (StippleTreatmentPage *self,
                 const char           *message)
{
  gtk_label_set_text (self->plan_error, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->plan_error), message != NULL);
}

static void
update_depth_rows (StippleTreatmentPage *self)
{
  guint passes = (guint) gtk_spin_button_get_value_as_int (self->passes_spin);

  for (guint p = 0; p < STIPPLE_MAX_PASSES; p++)
    gtk_widget_set_visible (self->depth_rows[p], p < passes);
}

static void
passes_changed_cb (StippleTreatmentPage *self)
{
  update_depth_rows (self);
}

static void
load_editor (StippleTreatmentPage *self)
{
  StippleZone zone = stipple_treatment_get_zone (self->treatment);
  StippleZonePlan plan;
  guint limit = stipple_treatment_get_limit (self->treatment, zone);
  guint cap = stipple_treatment_get_hard_cap (self->treatment);
  g_autofree char *limit_text = format_mm (limit);
  g_autofree char *cap_text = format_mm (cap);
  g_autofree char *limits = NULL;
  gboolean has_zone = stipple_zone_get_info (zone) != NULL;

  self->loading = TRUE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), has_zone);
  if (!has_zone)
    {
      gtk_label_set_text (self->zone_title, _("Choose a Zone"));
      gtk_label_set_text (self->zone_limits, _("Select a zone on the map or in the list."));
      self->loading = FALSE;
      return;
    }

  gtk_label_set_text (self->zone_title, stipple_zone_get_name (zone));
  limits = g_strdup_printf (_("Clinical limit %s · pen maximum %s"), limit_text, cap_text);
  gtk_label_set_text (self->zone_limits, limits);

  if (!stipple_treatment_get_plan (self->treatment, zone, &plan))
    {
      StipplePresetPlan preset;

      /* A starting point from the chosen indication; nothing is sent
       * until the clinician applies it. */
      stipple_preset_plan_zone (adw_combo_row_get_selected (self->indication_row),
                                adw_combo_row_get_selected (self->thickness_row), zone, &preset);
      plan.n_passes = preset.passes;
      plan.rate_hz = preset.rate_hz;
      for (guint p = 0; p < STIPPLE_MAX_PASSES; p++)
        plan.depth_um[p] = preset.depth_um;
    }

  gtk_spin_button_set_value (self->passes_spin, plan.n_passes);
  gtk_spin_button_set_value (self->rate_spin, plan.rate_hz);
  for (guint p = 0; p < STIPPLE_MAX_PASSES; p++)
    gtk_spin_button_set_value (self->depth_spins[p],
                               (p < plan.n_passes ? plan.depth_um[p] : plan.depth_um[0]) / 1000.0);
  gtk_adjustment_set_upper (gtk_spin_button_get_adjustment (self->pass_spin), MAX (plan.n_passes, 1));
  gtk_spin_button_set_value (self->pass_spin, MAX (stipple_treatment_get_pass (self->treatment), 1));
  update_depth_rows (self);
  show_plan_error (self, NULL);

  self->loading = FALSE;
}

static gboolean
read_editor (StippleTreatmentPage *self,
             StippleZonePlan      *plan)
{
  plan->n_passes = (guint) gtk_spin_button_get_value_as_int (self->passes_spin);
  plan->rate_hz = (guint) gtk_spin_button_get_value_as_int (self->rate_spin);
  for (guint p = 0; p < STIPPLE_MAX_PASSES; p++)
    plan->depth_um[p] = p < plan->n_passes
      ? (guint) (gtk_spin_button_get_value (self->depth_spins[p]) * 1000 + 0.5) : 0;

  return plan->n_passes > 0;
}

static void
confirmation_response_cb (AdwMessageDialog     *dialog,
                          const char           *response,
                          StippleTreatmentPage *self)
{
  GtkEditable *reason = g_object_get_data (G_OBJECT (dialog), "reason");
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (reason)));
  g_autoptr(GError) error = NULL;
  StippleZonePlan plan;

  if (!g_str_equal (response, "confirm"))
    return;

  read_editor (self, &plan);
  if (!stipple_treatment_set_plan (self->treatment, stipple_treatment_get_zone (self->treatment),
                                   &plan, text, &error))
    show_plan_error (self, error->message);
}

static void
reason_changed_cb (GtkEditable      *reason,
                   AdwMessageDialog *dialog)
{
  /* A reason for the record, not a keystroke to get past the question. */
  adw_message_dialog_set_response_enabled (dialog, "confirm",
                                           stipple_patient_text_is_reason (gtk_editable_get_text (reason)));
}

static void
ask_confirmation (StippleTreatmentPage *self,
                  const char           *message)
{
  GtkWidget *dialog;
  GtkWidget *reason = gtk_entry_new ();

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Go Deeper Than the Clinical Limit?"), message);
  gtk_entry_set_placeholder_text (GTK_ENTRY (reason), _("Reason, for the record"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (reason), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reason for going deeper"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), reason);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep the Limit"),
                                    "confirm", _("_Confirm and Record"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "confirm", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "reason", reason);
  g_signal_connect (reason, "changed", G_CALLBACK (reason_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (confirmation_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
apply_clicked_cb (StippleTreatmentPage *self)
{
  g_autoptr(GError) error = NULL;
  StippleZonePlan plan;

  if (!read_editor (self, &plan))
    return;

  show_plan_error (self, NULL);
  if (stipple_treatment_set_plan (self->treatment, stipple_treatment_get_zone (self->treatment),
                                  &plan, NULL, &error))
    return;

  if (g_error_matches (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_NEEDS_CONFIRMATION))
    ask_confirmation (self, error->message);
  else
    show_plan_error (self, error->message);
}

static void
pass_changed_cb (StippleTreatmentPage *self)
{
  if (self->loading)
    return;

  stipple_treatment_select_zone (self->treatment, stipple_treatment_get_zone (self->treatment),
                                 (guint) gtk_spin_button_get_value_as_int (self->pass_spin));
}

static void
thickness_changed_cb (StippleTreatmentPage *self)
{
  if (self->treatment == NULL)
    return;

  /* The limits follow the skin; the plans stay until the clinician changes them. */
  stipple_treatment_set_thickness (self->treatment, adw_combo_row_get_selected (self->thickness_row));
  load_editor (self);
}

static void
preset_clicked_cb (StippleTreatmentPage *self)
{
  StippleIndication indication = adw_combo_row_get_selected (self->indication_row);
  StippleSkinThickness thickness = adw_combo_row_get_selected (self->thickness_row);

  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      StipplePresetPlan preset;
      StippleZonePlan plan = { 0 };
      g_autoptr(GError) error = NULL;

      if (!stipple_preset_plan_zone (indication, thickness, z, &preset))
        continue;
      plan.n_passes = preset.passes;
      plan.rate_hz = preset.rate_hz;
      for (guint p = 0; p < preset.passes; p++)
        plan.depth_um[p] = preset.depth_um;
      /* Presets stay within the clinic's limits for thin skin; a preset
       * past a stricter clinic limit is left for the clinician. */
      if (!stipple_treatment_set_plan (self->treatment, z, &plan, NULL, &error))
        show_plan_error (self, error->message);
    }
  load_editor (self);
}

/* ------------------------------------------------------------------------
 * What the pen holds
 * ------------------------------------------------------------------------ */

static void
update_verification (StippleTreatmentPage *self)
{
  StippleVerification verification = stipple_treatment_get_verification (self->treatment);
  const char *message = stipple_treatment_get_verification_message (self->treatment);
  gboolean armed = stipple_treatment_get_armed (self->treatment);
  gboolean ended = stipple_treatment_get_ended (self->treatment);
  StippleZone zone = stipple_treatment_get_zone (self->treatment);
  g_autofree char *text = NULL;
  const char *icon = "dialog-question-symbolic";
  const char *style = "neutral";
  StippleZonePlan plan;

  switch (verification)
    {
    case STIPPLE_VERIFICATION_VERIFIED:
      {
        g_autofree char *depth = NULL;

        stipple_treatment_get_plan (self->treatment, zone, &plan);
        depth = format_mm (plan.depth_um[MAX (stipple_treatment_get_pass (self->treatment), 1) - 1]);
        text = g_strdup_printf (_("Applied and verified: %s, pass %u of %u"),
                                depth, stipple_treatment_get_pass (self->treatment), plan.n_passes);
        icon = "emblem-ok-symbolic";
        style = "success";
      }
      break;

    case STIPPLE_VERIFICATION_PUSHING:
      text = g_strdup (_("Sending to the pen and reading it back…"));
      icon = "content-loading-symbolic";
      break;

    case STIPPLE_VERIFICATION_FAILED:
      text = g_strdup_printf (_("Not applied: %s"), message ? message : _("the pen did not confirm"));
      icon = "dialog-error-symbolic";
      style = "error";
      break;

    case STIPPLE_VERIFICATION_NONE:
    default:
      if (ended)
        text = g_strdup (_("The session has ended."));
      else if (stipple_zone_get_info (zone) == NULL)
        text = g_strdup (_("Nothing sent to the pen yet."));
      else if (!stipple_treatment_get_plan (self->treatment, zone, &plan))
        text = g_strdup (_("Not applied: this zone has no plan yet."));
      else
        text = g_strdup_printf (_("Not applied: %s"), message ? message : _("nothing sent"));
      icon = "dialog-warning-symbolic";
      style = "warning";
      break;
    }

  gtk_label_set_text (self->verification_label, text);
  gtk_image_set_from_icon_name (self->verification_icon, icon);
  gtk_widget_remove_css_class (self->verification_box, "success");
  gtk_widget_remove_css_class (self->verification_box, "error");
  gtk_widget_remove_css_class (self->verification_box, "warning");
  gtk_widget_remove_css_class (self->verification_box, "neutral");
  gtk_widget_add_css_class (self->verification_box, style);

  gtk_button_set_label (self->arm_button, armed ? _("_Stop Needle") : _("_Start Needle"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->arm_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  armed ? _("Stop Needle") : _("Start Needle"), -1);
  stipple_a11y_name_once (GTK_WIDGET (self->arm_button));
  gtk_widget_set_sensitive (GTK_WIDGET (self->arm_button),
                            !ended && (armed || verification == STIPPLE_VERIFICATION_VERIFIED));
  if (armed)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->arm_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->arm_button), "destructive-action");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->arm_button), "destructive-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->arm_button), "suggested-action");
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->end_button),
                            !ended && !stipple_treatment_get_ending (self->treatment));

  if (verification == STIPPLE_VERIFICATION_VERIFIED)
    {
      stipple_treatment_get_plan (self->treatment, zone, &plan);
      stipple_strip_chart_set_commanded_depth (self->chart,
                                               plan.depth_um[MAX (stipple_treatment_get_pass (self->treatment), 1) - 1]);
    }
  stipple_strip_chart_set_depth_limit (self->chart, stipple_treatment_get_limit (self->treatment, zone));
}

/* "This Zone" beside the graphs counts what the zone list, the summary
 * and the report count: the session's strokes and time in the zone. */
static void
update_zone_totals (StippleTreatmentPage *self)
{
  StippleZone zone = stipple_treatment_get_zone (self->treatment);

  stipple_strip_chart_set_zone_totals (self->chart, stipple_treatment_get_strokes (self->treatment, zone),
                                       stipple_treatment_get_time_in_zone (self->treatment, zone));
}

static void
zone_changed_cb (StippleTreatmentPage *self)
{
  StippleZone zone = stipple_treatment_get_zone (self->treatment);

  if (stipple_zone_get_info (zone) != NULL && self->zone_rows[zone] != NULL)
    gtk_list_box_select_row (self->zone_list, self->zone_rows[zone]);
  stipple_face_map_set_selected_zone (self->face_map, zone);
  stipple_strip_chart_reset_zone (self->chart);
  /* The old zone's depth is no longer commanded: the graph shows the new
   * zone's once the pen holds it. */
  stipple_strip_chart_set_commanded_depth (self->chart, 0);
  update_zone_totals (self);
  load_editor (self);
  update_verification (self);
}

static void
plan_changed_cb (StippleTreatmentPage *self,
                 guint                 zone)
{
  update_zone_row (self, zone);
  if (zone == stipple_treatment_get_zone (self->treatment))
    load_editor (self);
}

/* Loss is never silent: shown while it happens, and for the rest of the
 * session. */
static void
update_loss (StippleTreatmentPage *self)
{
  guint64 lost = stipple_treatment_get_samples_lost (self->treatment);
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->loss_label), lost > 0);
  if (lost == 0)
    return;

  count = g_strdup_printf ("%" G_GUINT64_FORMAT, lost);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s needle sample lost in this session",
                                       "%s needle samples lost in this session",
                                       (gulong) MIN (lost, G_MAXULONG)),
                          count);
  gtk_label_set_text (self->loss_label, text);
}

static gboolean
flush_strokes_cb (gpointer user_data)
{
  StippleTreatmentPage *self = user_data;
  guint64 dirty = self->strokes_dirty;

  self->strokes_dirty = 0;
  self->strokes_flush_id = 0;
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    if (dirty & (G_GUINT64_CONSTANT (1) << z))
      {
        update_zone_row (self, z);
        if (z == stipple_treatment_get_zone (self->treatment))
          update_zone_totals (self);
      }

  return G_SOURCE_REMOVE;
}

/* Strokes come a hundred times a second: the zone's row, the face map
 * and the figures say them at most a few times a second. Every change of
 * their text is news to a screen reader, and a flood of it kept the
 * treatment screen's accessibility tree from being read at all. */
#define STROKES_SHOWN_EVERY_MS 400

static void
strokes_changed_cb (StippleTreatmentPage *self,
                    guint                 zone)
{
  G_STATIC_ASSERT (STIPPLE_N_ZONES <= 64);

  self->strokes_dirty |= G_GUINT64_CONSTANT (1) << zone;
  if (self->strokes_flush_id == 0)
    self->strokes_flush_id = g_timeout_add (STROKES_SHOWN_EVERY_MS, flush_strokes_cb, self);
}

static void
arm_ready_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StippleTreatmentPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!stipple_treatment_arm_finish (STIPPLE_TREATMENT (object), result, &error))
    show_plan_error (self, error->message);
  update_verification (self);
}

static void
arm_clicked_cb (StippleTreatmentPage *self)
{
  show_plan_error (self, NULL);
  if (stipple_treatment_get_armed (self->treatment))
    stipple_treatment_stop (self->treatment, STIPPLE_STOP_CLINICIAN);
  else
    stipple_treatment_arm_async (self->treatment, NULL, arm_ready_cb, g_object_ref (self));
}

static void
end_saved_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StippleTreatmentPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!stipple_treatment_end_finish (STIPPLE_TREATMENT (object), result, &error))
    {
      show_plan_error (self, error->message);
      update_verification (self);
      return;
    }

  g_signal_emit (self, signals[SIGNAL_ENDED], 0);
}

/* The needle stops at once; the session has ended when the patient
 * file's writer has saved its end, never with the window waiting on the
 * disk. */
static void
end_session (StippleTreatmentPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!stipple_treatment_page_flush_notes (self, &error))
    {
      show_plan_error (self, error->message);
      return;
    }

  stipple_treatment_end_async (self->treatment, end_saved_cb, g_object_ref (self));
  update_verification (self);
}

static void
end_response_cb (AdwMessageDialog     *dialog,
                 const char           *response,
                 StippleTreatmentPage *self)
{
  if (g_str_equal (response, "end") && !stipple_treatment_get_ended (self->treatment) &&
      !stipple_treatment_get_ending (self->treatment))
    end_session (self);
}

/**
 * stipple_treatment_page_dup_unfinished:
 * @self: a #StippleTreatmentPage
 *
 * The zones the needle was started on whose plan has passes not begun
 * yet, one line each: "Left cheek: pass 2 of 2 not done".
 *
 * Returns: (transfer full): the lines, empty when every zone begun is done
 */
GStrv
stipple_treatment_page_dup_unfinished (StippleTreatmentPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (STIPPLE_IS_TREATMENT_PAGE (self), NULL);

  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      guint begun = stipple_treatment_get_passes_begun (self->treatment, z);
      StippleZonePlan plan;

      if (begun == 0 || !stipple_treatment_get_plan (self->treatment, z, &plan))
        continue;
      for (guint p = 0; p < plan.n_passes; p++)
        if ((begun & (1u << p)) == 0)
          {
            /* Translators: "Left cheek: pass 2 of 2 not done" */
            g_autofree char *line = g_strdup_printf (_("%s: pass %u of %u not done"),
                                                     stipple_zone_get_name (z), p + 1, plan.n_passes);
            g_strv_builder_add (builder, line);
          }
    }

  return g_strv_builder_end (builder);
}

static void
end_clicked_cb (StippleTreatmentPage *self)
{
  g_auto(GStrv) unfinished = stipple_treatment_page_dup_unfinished (self);
  g_autoptr(GString) body = g_string_new (_("An ended session cannot be treated further; "
                                            "its record is then final."));
  GtkWidget *dialog;

  /* Ending is for good: never on one click, and never with a pass of the
   * plan forgotten without saying so. */
  if (unfinished[0] != NULL)
    {
      g_autofree char *lines = g_strjoinv ("\n", unfinished);

      g_string_append (body, "\n\n");
      g_string_append (body, _("Not done yet:"));
      g_string_append_c (body, '\n');
      g_string_append (body, lines);
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("End the Session?"), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Treating"),
                                    "end", _("_End Session"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "end",
                                              unfinished[0] != NULL ? ADW_RESPONSE_DESTRUCTIVE
                                                                    : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (end_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------
 * Notes
 * ------------------------------------------------------------------------ */

/* The treatment owns the notes and their savers: the page passes what
 * is typed, and says whether it is saved. */
static void
note_changed_cb (GtkTextBuffer        *buffer,
                 StippleTreatmentPage *self)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  StippleNoteKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (buffer), "stipple-note-kind"));

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  stipple_treatment_set_note (self->treatment, kind, text);
}

static void
note_pending_cb (StippleTreatmentPage *self)
{
  gboolean pending = stipple_treatment_get_notes_pending (self->treatment);

  gtk_label_set_text (self->note_status, pending ? _("Saving…") : _("All notes saved"));
}

static void
note_failed_cb (StippleTreatmentPage *self,
                const GError         *error)
{
  g_autofree char *text = g_strdup_printf (_("Notes not saved: %s"), error->message);

  gtk_label_set_text (self->note_status, text);
}

static void
setup_note (StippleTreatmentPage *self,
            GtkTextView          *view,
            StippleNoteKind       kind,
            const char           *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);

  gtk_text_buffer_set_text (buffer, text ? text : "", -1);
  g_object_set_data (G_OBJECT (buffer), "stipple-note-kind", GINT_TO_POINTER (kind));
  g_signal_connect_object (buffer, "changed", G_CALLBACK (note_changed_cb), self, 0);
}

/**
 * stipple_treatment_page_flush_notes:
 * @self: a #StippleTreatmentPage
 * @error: return location for a #GError
 *
 * Writes whatever of the notes is not saved yet, now, through the
 * treatment.
 *
 * Returns: %TRUE when every note is in the patient file
 */
gboolean
stipple_treatment_page_flush_notes (StippleTreatmentPage  *self,
                                    GError               **error)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT_PAGE (self), FALSE);

  return stipple_treatment_flush_notes (self->treatment, error);
}

/* ------------------------------------------------------------------------
 * Object
 * ------------------------------------------------------------------------ */

/**
 * stipple_treatment_page_new:
 * @treatment: the session being treated
 *
 * Returns: (transfer full): a new treatment page
 */
GtkWidget *
stipple_treatment_page_new (StippleTreatment *treatment)
{
  StippleTreatmentPage *self;
  const StippleSession *session;

  g_return_val_if_fail (STIPPLE_IS_TREATMENT (treatment), NULL);

  self = g_object_new (STIPPLE_TYPE_TREATMENT_PAGE, NULL);
  self->treatment = g_object_ref (treatment);
  session = stipple_treatment_get_session (treatment);

  build_zone_list (self);
  adw_combo_row_set_selected (self->thickness_row, stipple_treatment_get_thickness (treatment));
  g_signal_connect_swapped (self->thickness_row, "notify::selected", G_CALLBACK (thickness_changed_cb), self);
  gtk_box_append (self->inspector, stipple_skin_response_new (treatment));
  setup_note (self, self->note_before, STIPPLE_NOTE_BEFORE, session->note_before);
  setup_note (self, self->note_after, STIPPLE_NOTE_AFTER, session->note_after);
  g_signal_connect_object (treatment, "notify::notes-pending", G_CALLBACK (note_pending_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "notes-failed", G_CALLBACK (note_failed_cb), self,
                           G_CONNECT_SWAPPED);
  note_pending_cb (self);

  /* The treatment owns the ring and the pen's tap into it; it outlives
   * the chart, which goes with this page's template. */
  stipple_strip_chart_set_ring (self->chart, stipple_treatment_get_ring (treatment));

  g_signal_connect_object (treatment, "notify::zone", G_CALLBACK (zone_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "notify::pass", G_CALLBACK (update_verification), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "notify::verification", G_CALLBACK (update_verification), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "notify::armed", G_CALLBACK (update_verification), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "notify::ended", G_CALLBACK (update_verification), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "plan-changed", G_CALLBACK (plan_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "strokes-changed", G_CALLBACK (strokes_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "notify::samples-lost", G_CALLBACK (update_loss), self,
                           G_CONNECT_SWAPPED);

  load_editor (self);
  update_verification (self);
  update_loss (self);

  return GTK_WIDGET (self);
}

/**
 * stipple_treatment_page_get_treatment:
 * @self: a #StippleTreatmentPage
 *
 * Returns: (transfer none): the session being treated
 */
StippleTreatment *
stipple_treatment_page_get_treatment (StippleTreatmentPage *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT_PAGE (self), NULL);

  return self->treatment;
}

static void
stipple_treatment_page_dispose (GObject *object)
{
  StippleTreatmentPage *self = STIPPLE_TREATMENT_PAGE (object);

  g_clear_handle_id (&self->strokes_flush_id, g_source_remove);
  /* What is typed reaches the patient file even if the treatment lives
   * on without this page. */
  if (self->treatment != NULL)
    stipple_treatment_flush_notes (self->treatment, NULL);

  /* The chart reads the treatment's ring: not after this. */
  if (self->chart != NULL)
    stipple_strip_chart_set_ring (self->chart, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), STIPPLE_TYPE_TREATMENT_PAGE);

  g_clear_object (&self->treatment);

  G_OBJECT_CLASS (stipple_treatment_page_parent_class)->dispose (object);
}

static void
stipple_treatment_page_class_init (StippleTreatmentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_treatment_page_dispose;

  /**
   * StippleTreatmentPage::ended:
   *
   * The clinician ended the session, and its end is recorded.
   */
  signals[SIGNAL_ENDED] =
    g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/stipple-treatment-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, content);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, inspector);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, face_map_slot);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, chart_slot);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, zone_title);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, zone_limits);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, verification_box);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, verification_icon);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, verification_label);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, loss_label);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, arm_button);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, passes_spin);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, rate_spin);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, depth_group);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, plan_error);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, apply_button);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, pass_spin);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, indication_row);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, thickness_row);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, preset_row);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, note_before);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, note_after);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, note_status);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, end_button);
  gtk_widget_class_bind_template_callback (widget_class, arm_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, apply_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, passes_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pass_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, preset_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, end_clicked_cb);
}

static void
stipple_treatment_page_init (StippleTreatmentPage *self)
{
  g_autoptr(GtkStringList) indications = gtk_string_list_new (NULL);

  g_type_ensure (STIPPLE_TYPE_STRIP_CHART);
  gtk_widget_init_template (GTK_WIDGET (self));
  stipple_a11y_name_buttons_once (GTK_WIDGET (self));
  stipple_a11y_name_row (GTK_WIDGET (self->indication_row), NULL);
  stipple_a11y_name_row (GTK_WIDGET (self->thickness_row), NULL);
  stipple_a11y_name_row (self->preset_row, _("_Fill All Zones"));


  self->chart = STIPPLE_STRIP_CHART (stipple_strip_chart_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->chart), TRUE);
  gtk_box_append (self->chart_slot, GTK_WIDGET (self->chart));

  for (guint i = 0; i < STIPPLE_N_INDICATIONS; i++)
    gtk_string_list_append (indications, stipple_indication_get_name (i));
  adw_combo_row_set_model (self->indication_row, G_LIST_MODEL (indications));

  for (guint p = 0; p < STIPPLE_MAX_PASSES; p++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *spin = gtk_spin_button_new_with_range (0.05, STIPPLE_ZONE_LIMIT_CEILING_UM / 1000.0, 0.05);
      g_autofree char *title = g_strdup_printf (_("Pass %u"), p + 1);
      g_autofree char *label = g_strdup_printf (_("Depth of pass %u, millimetres"), p + 1);

      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 2);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      adw_preferences_group_add (self->depth_group, row);
      self->depth_spins[p] = GTK_SPIN_BUTTON (spin);
      self->depth_rows[p] = row;
    }
}
