/* stipple-window-treatment.c
 *
 * The main window hosting a treatment: the session set-up, the treatment
 * page while it runs, and what the window locks away until it ends.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-window"

#include "config.h"

#include "stipple-photo-window.h"
#include "stipple-treatment-page.h"
#include "stipple-window-private.h"
#include "stipple-zone-limits.h"

/* While a treatment is open nothing may change what is live in it: the
 * preferences (zone limits among them) wait until it ends, and so do a
 * restore and an import, which would replace or add to the patient file
 * under the session being recorded. */
void
stipple_window_set_preferences_enabled (StippleWindow *self,
                                        gboolean       enabled)
{
  static const char * const actions[] = { "preferences", "restore-backup", "import-patient" };

  for (guint i = 0; self->application != NULL && i < G_N_ELEMENTS (actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->application), actions[i]);

      if (G_IS_SIMPLE_ACTION (action))
        g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
    }
}

static void
treatment_ended_cb (StippleWindow *self)
{
  gint64 patient_id =
    stipple_treatment_get_session (stipple_window_get_treatment (self))->patient_id;
  gint64 session_id = stipple_treatment_get_session (stipple_window_get_treatment (self))->id;

  g_signal_group_set_target (self->treatment_signals, NULL);
  /* The session's record goes off the machine now, on a worker thread. */
  if (self->application != NULL && stipple_application_get_offsite (self->application) != NULL)
    stipple_offsite_session_ended (stipple_application_get_offsite (self->application));
  if (self->treatment_page != NULL)
    {
      gtk_box_remove (self->treatment_slot, self->treatment_page);
      self->treatment_page = NULL;
    }
  stipple_window_update_alarm (self);
  stipple_window_show_patient_identity (self, NULL);

  /* The next patient is searched for afresh: the one just treated is not
   * left in the list to be opened by mistake. */
  stipple_patient_list_clear (self->patient_list);
  gtk_widget_set_visible (self->sidebar, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-patient", TRUE);
  stipple_window_set_preferences_enabled (self, TRUE);
  stipple_patient_page_load (self->patient_page, patient_id);
  gtk_stack_set_visible_child_name (self->content_stack, "patient");
  stipple_window_offer_report (self, session_id);
}

/* The photographs of the session under way (docs/photographs.md). */
void
stipple_window_photographs_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  StippleWindow *self = STIPPLE_WINDOW (widget);
  const StippleSession *session;
  StipplePhotoWindow *photos;

  if (stipple_window_get_treatment (self) == NULL || stipple_window_get_store (self) == NULL)
    return;
  session = stipple_treatment_get_session (stipple_window_get_treatment (self));
  photos = stipple_photo_window_new (stipple_window_get_store (self), self->settings,
                                     session->patient_id,
                                     session->id, session->clinician);
  gtk_window_set_transient_for (GTK_WINDOW (photos), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (photos));
}

/**
 * stipple_window_begin_treatment:
 * @self: the main window
 * @session: a session saved with its answers and consents
 *
 * Opens the treatment page for @session: what the set-up does once the
 * session is begun in the patient file. Tests start here too.
 */
void
stipple_window_begin_treatment (StippleWindow  *self,
                                StippleSession *session)
{
  g_autoptr(GVariant) overrides = g_settings_get_value (self->settings, "zone-limits");
  g_autoptr(StippleTreatment) treatment = NULL;
  StippleZoneLimits limits;

  stipple_zone_limits_init_defaults (&limits);
  stipple_zone_limits_apply_variant (&limits, overrides);

  /* Limits start from thin skin, the stricter of the two; the treatment
   * page lets the clinician choose thick skin for this session. */
  treatment = stipple_treatment_new (stipple_window_get_store (self), stipple_window_get_pen (self),
                                     session,
                                     session->clinician, STIPPLE_SKIN_THIN, &limits);

  self->treatment_page = stipple_treatment_page_new (treatment);
  g_signal_group_set_target (self->treatment_signals, treatment);
  gtk_widget_set_vexpand (self->treatment_page, TRUE);
  g_signal_connect_object (self->treatment_page, "ended", G_CALLBACK (treatment_ended_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (self->treatment_slot, self->treatment_page);

  /* One patient at a time: no switching while a treatment is open, and
   * the room goes to the treatment. */
  gtk_widget_set_visible (self->sidebar, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-patient", FALSE);
  stipple_window_set_preferences_enabled (self, FALSE);
  gtk_stack_set_visible_child_name (self->content_stack, "treatment");
}

static void
setup_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(StippleWindow) self = user_data;
  StippleSessionSetup *setup = STIPPLE_SESSION_SETUP (object);
  g_autoptr(StippleSession) session = NULL;
  g_autoptr(GError) error = NULL;
  gint64 session_id;

  /* The set-up shows a failure itself and keeps everything entered. */
  session_id = stipple_session_setup_save_finish (setup, result, &error);
  if (session_id <= 0 || setup != self->setup)
    return;

  session = stipple_session_setup_dup_session (setup);
  session->id = session_id;
  gtk_box_remove (self->setup_slot, GTK_WIDGET (self->setup));
  self->setup = NULL;
  stipple_window_begin_treatment (self, session);
}

static void
setup_ready_cb (StippleWindow       *self,
                StippleSession      *session,
                StippleSessionSetup *setup)
{
  if (stipple_window_get_store (self) == NULL)
    return;

  stipple_session_setup_save_async (setup, stipple_window_get_store (self), NULL, setup_saved_cb,
                                    g_object_ref (self));
}

void
stipple_window_start_session_cb (StippleWindow *self,
                                 gint64         patient_id)
{
  const StipplePatientChart *chart = stipple_patient_page_get_chart (self->patient_page);

  if (chart == NULL || stipple_window_get_treatment (self) != NULL)
    return;

  if (self->setup != NULL)
    gtk_box_remove (self->setup_slot, GTK_WIDGET (self->setup));
  self->setup = stipple_session_setup_new (self->settings, chart);
  gtk_widget_set_vexpand (GTK_WIDGET (self->setup), TRUE);
  g_signal_connect_object (self->setup, "ready", G_CALLBACK (setup_ready_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (self->setup_slot, GTK_WIDGET (self->setup));
  stipple_window_show_patient_identity (self, chart->patient);
  gtk_stack_set_visible_child_name (self->content_stack, "setup");
}

