/* stipple-treatment-page-plan.c
 *
 * The treatment page's zones and their plans: the zone list and the face
 * map, twins kept in step, each zone's plan summarised in words; and the
 * plan editor for the selected zone (passes, depths, stroke rate), with
 * the presets by indication and skin thickness and the recorded
 * confirmation asked for past a zone's clinical limit. Every rule is
 * StippleTreatment's; this file shows the plans and passes the
 * clinician's choices to it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-treatment-page"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "stipple-patient-text.h"
#include "stipple-treatment-page-private.h"

char *
stipple_treatment_page_format_mm (guint um)
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
          g_autofree char *depth = stipple_treatment_page_format_mm (plan.depth_um[p]);

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

void
stipple_treatment_page_update_zone_row (StippleTreatmentPage *self,
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

void
stipple_treatment_page_build_zone_list (StippleTreatmentPage *self)
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
      stipple_treatment_page_update_zone_row (self, z);
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

void
stipple_treatment_page_show_plan_error (StippleTreatmentPage *self,
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

void
stipple_treatment_page_passes_changed_cb (StippleTreatmentPage *self)
{
  update_depth_rows (self);
}

void
stipple_treatment_page_load_editor (StippleTreatmentPage *self)
{
  StippleZone zone = stipple_treatment_get_zone (self->treatment);
  StippleZonePlan plan;
  guint limit = stipple_treatment_get_limit (self->treatment, zone);
  guint cap = stipple_treatment_get_hard_cap (self->treatment);
  g_autofree char *limit_text = stipple_treatment_page_format_mm (limit);
  g_autofree char *cap_text = stipple_treatment_page_format_mm (cap);
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
  stipple_treatment_page_show_plan_error (self, NULL);

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
    stipple_treatment_page_show_plan_error (self, error->message);
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

void
stipple_treatment_page_apply_clicked_cb (StippleTreatmentPage *self)
{
  g_autoptr(GError) error = NULL;
  StippleZonePlan plan;

  if (!read_editor (self, &plan))
    return;

  stipple_treatment_page_show_plan_error (self, NULL);
  if (stipple_treatment_set_plan (self->treatment, stipple_treatment_get_zone (self->treatment),
                                  &plan, NULL, &error))
    return;

  if (g_error_matches (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_NEEDS_CONFIRMATION))
    ask_confirmation (self, error->message);
  else
    stipple_treatment_page_show_plan_error (self, error->message);
}

void
stipple_treatment_page_pass_changed_cb (StippleTreatmentPage *self)
{
  if (self->loading)
    return;

  stipple_treatment_select_zone (self->treatment, stipple_treatment_get_zone (self->treatment),
                                 (guint) gtk_spin_button_get_value_as_int (self->pass_spin));
}

void
stipple_treatment_page_thickness_changed_cb (StippleTreatmentPage *self)
{
  if (self->treatment == NULL)
    return;

  /* The limits follow the skin; the plans stay until the clinician changes them. */
  stipple_treatment_set_thickness (self->treatment, adw_combo_row_get_selected (self->thickness_row));
  stipple_treatment_page_load_editor (self);
}

void
stipple_treatment_page_preset_clicked_cb (StippleTreatmentPage *self)
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
        stipple_treatment_page_show_plan_error (self, error->message);
    }
  stipple_treatment_page_load_editor (self);
}
