/* stipple-skin-response.c
 *
 * The skin's immediate response (erythema grade, pinpoint bleeding) and
 * the aftercare given, recorded with the session as they are chosen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-skin-response"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-a11y.h"
#include "stipple-skin-response.h"

struct _StippleSkinResponse
{
  AdwPreferencesGroup  parent_instance;

  StippleTreatment    *treatment;
  AdwComboRow         *erythema_row;
  GtkSwitch           *bleeding_switch;
  AdwEntryRow         *aftercare_row;
  gboolean             loading;
};

G_DEFINE_FINAL_TYPE (StippleSkinResponse, stipple_skin_response, ADW_TYPE_PREFERENCES_GROUP)

static void
changed_cb (StippleSkinResponse *self)
{
  /* Row 0 is "not recorded", grade -1. */
  int grade = (int) adw_combo_row_get_selected (self->erythema_row) - 1;

  if (self->loading || self->treatment == NULL)
    return;

  stipple_treatment_set_skin_response (self->treatment, grade,
                                       gtk_switch_get_active (self->bleeding_switch),
                                       gtk_editable_get_text (GTK_EDITABLE (self->aftercare_row)));
}

/**
 * stipple_skin_response_new:
 * @treatment: the session being treated
 *
 * Returns: (transfer full): a new skin response group
 */
GtkWidget *
stipple_skin_response_new (StippleTreatment *treatment)
{
  StippleSkinResponse *self;
  const StippleSession *session;

  g_return_val_if_fail (STIPPLE_IS_TREATMENT (treatment), NULL);

  self = g_object_new (STIPPLE_TYPE_SKIN_RESPONSE, NULL);
  self->treatment = g_object_ref (treatment);
  session = stipple_treatment_get_session (treatment);

  self->loading = TRUE;
  adw_combo_row_set_selected (self->erythema_row, (guint) (CLAMP (session->erythema_grade, -1, 3) + 1));
  gtk_switch_set_active (self->bleeding_switch, session->pinpoint_bleeding);
  gtk_editable_set_text (GTK_EDITABLE (self->aftercare_row),
                         session->aftercare_given ? session->aftercare_given : "");
  self->loading = FALSE;

  return GTK_WIDGET (self);
}

static void
stipple_skin_response_dispose (GObject *object)
{
  StippleSkinResponse *self = STIPPLE_SKIN_RESPONSE (object);

  g_clear_object (&self->treatment);

  G_OBJECT_CLASS (stipple_skin_response_parent_class)->dispose (object);
}

static void
stipple_skin_response_class_init (StippleSkinResponseClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = stipple_skin_response_dispose;
}

static void
stipple_skin_response_init (StippleSkinResponse *self)
{
  /* "None" has a context of its own: the word agrees with what is
   * absent (keine Rötung, kein Serum) in several languages. */
  const char *grades[] = {
    _("Not recorded"), C_("redness grade", "None"), _("Mild"), _("Moderate"), _("Marked"), NULL
  };
  g_autoptr(GtkStringList) model = gtk_string_list_new (grades);
  GtkWidget *bleeding_row = adw_action_row_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Skin Response and Aftercare"));

  self->erythema_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->erythema_row), _("Erythema"));
  adw_combo_row_set_model (self->erythema_row, G_LIST_MODEL (model));
  stipple_a11y_name_row (GTK_WIDGET (self->erythema_row), NULL);
  g_signal_connect_swapped (self->erythema_row, "notify::selected", G_CALLBACK (changed_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->erythema_row));

  self->bleeding_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->bleeding_switch), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->bleeding_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Pinpoint bleeding"), -1);
  g_signal_connect_swapped (self->bleeding_switch, "notify::active", G_CALLBACK (changed_cb), self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (bleeding_row), _("Pinpoint Bleeding"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (bleeding_row), GTK_WIDGET (self->bleeding_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (bleeding_row), GTK_WIDGET (self->bleeding_switch));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), bleeding_row);

  self->aftercare_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->aftercare_row), _("Aftercare Given"));
  g_signal_connect_swapped (self->aftercare_row, "changed", G_CALLBACK (changed_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->aftercare_row));
}
