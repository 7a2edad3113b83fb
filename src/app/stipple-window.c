/* stipple-window.c
 *
 * The main window: patients on the left, the open patient, the session
 * set-up or the treatment on the right; the pen's state and the
 * emergency stop always in the header, alarms right under it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-window"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-backup-list.h"
#include "stipple-clinic-dialog.h"
#include "stipple-a11y.h"
#include "stipple-patient-editor.h"
#include "stipple-patient-list.h"
#include "stipple-patient-page.h"
#include "stipple-patient-text.h"
#include "stipple-device-status.h"
#include "stipple-session-setup.h"
#include "stipple-session-summary.h"
#include "stipple-treatment-page.h"
#include "stipple-window-private.h"

G_DEFINE_FINAL_TYPE (StippleWindow, stipple_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

StippleStore *
stipple_window_get_store (StippleWindow *self)
{
  return self->application ? stipple_application_get_store (self->application) : NULL;
}

StipplePen *
stipple_window_get_pen (StippleWindow *self)
{
  return self->application ? stipple_application_get_pen (self->application) : NULL;
}

StippleTreatment *
stipple_window_get_treatment (StippleWindow *self)
{
  return self->treatment_page != NULL
    ? stipple_treatment_page_get_treatment (STIPPLE_TREATMENT_PAGE (self->treatment_page))
    : NULL;
}

/* ------------------------------------------------------------------------
 * The pen and alarms
 * ------------------------------------------------------------------------ */

static gboolean
alarm_standing (StippleWindow *self)
{
  return stipple_window_get_treatment (self) != NULL &&
         stipple_treatment_get_alarm_priority (stipple_window_get_treatment (self))
           != STIPPLE_ALARM_NONE;
}

/* Below this width the header's pen pill says the pen's state alone. */
#define PEN_PILL_NARROW_WIDTH 1200

static void
update_pen_status (StippleWindow *self)
{
  StippleDeviceStatus *pen = self->pen_info;
  const StipplePenIdentity *identity;
  const StipplePenCartridge *cartridge;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  const char *style = "pen-none";

  gtk_widget_remove_css_class (self->pen_status, "pen-none");
  gtk_widget_remove_css_class (self->pen_status, "pen-connected");
  gtk_widget_remove_css_class (self->pen_status, "pen-armed");
  gtk_widget_remove_css_class (self->pen_status, "pen-fault");
  gtk_widget_remove_css_class (self->pen_status, "pen-stopped");

  if (pen == NULL)
    {
      gtk_label_set_text (self->pen_status_label, _("No pen"));
      gtk_widget_add_css_class (self->pen_status, style);
      return;
    }

  identity = stipple_device_status_get_identity (pen);
  cartridge = stipple_device_status_get_cartridge (pen);

  switch (stipple_device_status_get_state (pen))
    {
    case STIPPLE_PEN_STATE_CONNECTED:
      text = g_strdup (_("Pen connected"));
      style = "pen-connected";
      break;

    case STIPPLE_PEN_STATE_ARMED:
      text = g_strdup (_("Needle running"));
      style = "pen-armed";
      break;

    case STIPPLE_PEN_STATE_FAULT:
      /* Red while the alarm stands; once acknowledged, the pen still
       * waits for its settings, and says so. */
      text = g_strdup (_("Pen fault"));
      style = alarm_standing (self) ? "pen-fault" : "pen-stopped";
      break;

    case STIPPLE_PEN_STATE_DISCONNECTED:
    default:
      {
        const GError *link = stipple_device_status_get_link_error (pen);

        text = g_strdup (_("No pen"));
        if (link != NULL)
          tooltip = g_strdup (link->message);
      }
      break;
    }

  if (stipple_device_status_get_connected (pen) && identity != NULL)
    {
      g_autoptr(GString) detail = g_string_new (NULL);

      g_string_append_printf (detail, _("Pen %s"), identity->serial);
      if (cartridge != NULL && cartridge->id[0] != '\0')
        {
          g_string_append (detail, "\n");
          g_string_append_printf (detail,
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "Cartridge %s, lot %s, %u needles, used %u time",
                                               "Cartridge %s, lot %s, %u needles, used %u times",
                                               cartridge->use_count),
                                  cartridge->id, cartridge->lot, cartridge->needle_count,
                                  cartridge->use_count);
          if (cartridge->flags & STIPPLE_PROTO_CARTRIDGE_REUSED)
            {
              g_string_append (detail, "\n");
              g_string_append (detail, _("This single-use cartridge has been used before: replace it."));
              style = "pen-fault";
            }
        }
      StipplePenState pen_state = stipple_device_status_get_state (pen);
      const char *state = pen_state == STIPPLE_PEN_STATE_ARMED ? _("Needle running")
                          : pen_state == STIPPLE_PEN_STATE_FAULT ? _("Pen fault")
                          : _("Pen connected");
      int width = 0, height = 0;

      g_free (text);
      /* The words follow the state, as the colour does: never "Pen
       * connected" in red. A narrow window leaves the patient's name in
       * the title its room: the cartridge is then in the tooltip only. */
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      if (gtk_window_is_maximized (GTK_WINDOW (self)) || gtk_window_is_fullscreen (GTK_WINDOW (self)))
        width = gtk_widget_get_width (GTK_WIDGET (self));
      if (width > 0 && width < PEN_PILL_NARROW_WIDTH)
        text = g_strdup (state);
      else
        text = g_strdup_printf ("%s · %s", state,
                                cartridge && cartridge->id[0] ? cartridge->id : identity->serial);
      tooltip = g_string_free (g_steal_pointer (&detail), FALSE);
    }

  gtk_label_set_text (self->pen_status_label, text);
  gtk_widget_set_tooltip_text (self->pen_status, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pen_status_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip ? tooltip : "", -1);
  gtk_widget_add_css_class (self->pen_status, style);
}

static void
window_size_cb (StippleWindow *self,
                GParamSpec    *pspec,
                gpointer       user_data)
{
  update_pen_status (self);
}

void
stipple_window_update_alarm (StippleWindow *self)
{
  StippleAlarmPriority priority = STIPPLE_ALARM_NONE;
  const char *message = NULL;

  if (stipple_window_get_treatment (self) != NULL)
    {
      priority = stipple_treatment_get_alarm_priority (stipple_window_get_treatment (self));
      message = stipple_treatment_get_alarm_message (stipple_window_get_treatment (self));
    }

  update_pen_status (self);

  gtk_widget_remove_css_class (self->alarm_box, "alarm-high");
  gtk_widget_remove_css_class (self->alarm_box, "alarm-medium");
  gtk_widget_remove_css_class (self->alarm_box, "alarm-low");

  if (priority == STIPPLE_ALARM_NONE)
    {
      gtk_revealer_set_reveal_child (self->alarm_revealer, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->alarm_revealer), FALSE);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->alarm_revealer), TRUE);

  /* A GtkInscription: a long message wraps in its two lines and never
   * changes the window's size. */
  gtk_inscription_set_text (self->alarm_label, message);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->alarm_label), message);
  gtk_widget_add_css_class (self->alarm_box,
                            priority == STIPPLE_ALARM_HIGH ? "alarm-high" :
                            priority == STIPPLE_ALARM_MEDIUM ? "alarm-medium" : "alarm-low");
  gtk_revealer_set_reveal_child (self->alarm_revealer, TRUE);
  if (priority == STIPPLE_ALARM_HIGH)
    gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
alarm_acknowledged_cb (StippleWindow *self)
{
  if (stipple_window_get_treatment (self) != NULL)
    stipple_treatment_acknowledge_alarm (stipple_window_get_treatment (self));
}

/* Every stop of the needle this window makes: through the session's
 * rules when a treatment is open (docs/safety.md, "The stop path"). With
 * none the needle cannot run; an emergency stop, or any stop should the
 * pen say it is armed, still goes to the pen through its status. */
void
stipple_window_stop_needle (StippleWindow     *self,
                            StippleStopReason  reason)
{
  StippleTreatment *treatment = stipple_window_get_treatment (self);

  g_assert (STIPPLE_IS_WINDOW (self));

  if (treatment != NULL)
    stipple_treatment_stop (treatment, reason);
  else if (self->pen_info != NULL &&
           (reason == STIPPLE_STOP_EMERGENCY || reason == STIPPLE_STOP_CLOSE ||
            stipple_device_status_get_state (self->pen_info) == STIPPLE_PEN_STATE_ARMED))
    stipple_device_status_emergency_stop (self->pen_info);
}

/**
 * stipple_window_emergency_stop:
 * @self: a #StippleWindow
 *
 * Stops the needle at once, whatever else is happening: through the
 * session's rules when a treatment is open, so the stop is recorded in
 * it, and through the pen's status otherwise.
 */
void
stipple_window_emergency_stop (StippleWindow *self)
{
  g_return_if_fail (STIPPLE_IS_WINDOW (self));

  stipple_window_stop_needle (self, STIPPLE_STOP_EMERGENCY);
}

static void
emergency_stop_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  stipple_window_emergency_stop (STIPPLE_WINDOW (widget));
}

static void
unlock_clicked_cb (StippleWindow *self)
{
  stipple_window_unlock (self);
}

/* ------------------------------------------------------------------------
 * Patients
 * ------------------------------------------------------------------------ */

/* From the set-up to the end of a treatment, the header names the patient
 * being treated (name, record number, date of birth) and what must stay
 * in sight (allergies, a skin type that scars darker); otherwise it names
 * the patient file. */
void
stipple_window_show_patient_identity (StippleWindow        *self,
                                      const StipplePatient *patient)
{
  g_autofree char *alerts = patient ? stipple_patient_text_alerts (patient) : NULL;

  if (patient != NULL)
    {
      g_autofree char *name = stipple_patient_text_name (patient);
      g_autofree char *identity = stipple_patient_text_identity (patient);

      adw_window_title_set_title (self->window_title, name);
      adw_window_title_set_subtitle (self->window_title, identity);
    }
  else
    {
      const char *database = self->application
        ? stipple_application_get_database (self->application) : NULL;
      g_autofree char *basename = database ? g_path_get_basename (database) : NULL;

      adw_window_title_set_title (self->window_title, _("Stipple"));
      adw_window_title_set_subtitle (self->window_title, basename ? basename : "");
    }

  gtk_label_set_text (self->patient_alerts, alerts ? alerts : "");
  gtk_widget_set_visible (GTK_WIDGET (self->patient_alerts), alerts != NULL);
}

static void
patient_activated_cb (StippleWindow *self,
                      gint64         patient_id)
{
  if (stipple_window_get_treatment (self) != NULL)
    return;

  stipple_window_show_patient_identity (self, NULL);
  stipple_patient_page_load (self->patient_page, patient_id);
  gtk_stack_set_visible_child_name (self->content_stack, "patient");
}

static void
editor_saved_cb (StippleWindow *self,
                 gint64         patient_id)
{
  stipple_patient_list_refresh (self->patient_list);
  patient_activated_cb (self, patient_id);
}

static void
open_editor (StippleWindow        *self,
             const StipplePatient *patient)
{
  StipplePatientEditor *editor;

  if (stipple_window_get_store (self) == NULL)
    return;

  editor = stipple_patient_editor_new (stipple_window_get_store (self), patient);
  gtk_window_set_transient_for (GTK_WINDOW (editor), GTK_WINDOW (self));
  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
new_patient_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  StippleWindow *self = STIPPLE_WINDOW (widget);

  if (stipple_window_get_treatment (self) == NULL)
    open_editor (self, NULL);
}

static void
find_patient_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  StippleWindow *self = STIPPLE_WINDOW (widget);

  if (self->patient_list != NULL && stipple_window_get_treatment (self) == NULL)
    stipple_patient_list_focus_search (self->patient_list);
}

static void
edit_patient_cb (StippleWindow *self,
                 gint64         patient_id)
{
  const StipplePatientChart *chart = stipple_patient_page_get_chart (self->patient_page);

  if (chart != NULL)
    open_editor (self, chart->patient);
}

static void
summary_report_cb (StippleWindow *self,
                   gint64         session_id,
                   int            action)
{
  if (action == STIPPLE_SESSION_REPORT_PRINT)
    stipple_window_print_report (self, session_id);
  else
    stipple_window_export_report (self, session_id, action == STIPPLE_SESSION_REPORT_PATIENT_COPY
                                     ? STIPPLE_REPORT_PATIENT : STIPPLE_REPORT_CHART);
}

static void
session_activated_cb (StippleWindow *self,
                      gint64         session_id)
{
  const StipplePatientChart *chart = stipple_patient_page_get_chart (self->patient_page);
  StippleSessionSummary *summary;

  if (chart == NULL)
    return;

  summary = stipple_session_summary_new (chart, session_id);
  gtk_window_set_transient_for (GTK_WINDOW (summary), GTK_WINDOW (self));
  g_signal_connect_object (summary, "report", G_CALLBACK (summary_report_cb), self, G_CONNECT_SWAPPED);
  if (stipple_window_get_store (self) != NULL)
    {
      g_auto(GStrv) staff = self->settings ? g_settings_get_strv (self->settings, "staff") : NULL;

      stipple_session_summary_load_addenda (summary, stipple_window_get_store (self),
                                            (const char * const *) staff);
      stipple_session_summary_load_replay (summary, stipple_window_get_store (self));
    }
  gtk_window_present (GTK_WINDOW (summary));
}

/* ------------------------------------------------------------------------
 * The patient file
 * ------------------------------------------------------------------------ */

static void
build_workspace (StippleWindow *self)
{
  StippleStore *store = stipple_window_get_store (self);

  if (self->patient_list != NULL || store == NULL)
    return;

  self->patient_list = stipple_patient_list_new (store);
  gtk_widget_set_vexpand (GTK_WIDGET (self->patient_list), TRUE);
  g_signal_connect_object (self->patient_list, "patient-activated", G_CALLBACK (patient_activated_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (self->sidebar), GTK_WIDGET (self->patient_list));

  self->patient_page = stipple_patient_page_new (store);
  gtk_widget_set_vexpand (GTK_WIDGET (self->patient_page), TRUE);
  g_signal_connect_object (self->patient_page, "start-session",
                           G_CALLBACK (stipple_window_start_session_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->patient_page, "edit-patient", G_CALLBACK (edit_patient_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->patient_page, "export-patient",
                           G_CALLBACK (stipple_window_export_patient_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->patient_page, "session-activated", G_CALLBACK (session_activated_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_box_append (self->patient_slot, GTK_WIDGET (self->patient_page));
}

/* The patient file is checked on the store's writer once it is open; a
 * break stays on screen for as long as the window does. */
static void
record_verified_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(StippleWindow) self = user_data;
  g_autoptr(StippleVerifyResult) verified = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkWidget *banner;

  verified = stipple_store_verify_finish (STIPPLE_STORE (object), result, &error);
  if (verified == NULL || verified->breaks->len == 0)
    return;

  text = g_strdup_printf (_("This patient file has been changed outside Stipple, so its record "
                            "cannot be trusted: %s Run “stipple --verify” on it for every place."),
                          ((StippleVerifyBreak *) verified->breaks->pdata[0])->message);
  banner = gtk_label_new (text);
  gtk_widget_set_name (banner, "record-banner");
  gtk_label_set_wrap (GTK_LABEL (banner), TRUE);
  gtk_label_set_justify (GTK_LABEL (banner), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (banner, "demo-banner");
  gtk_widget_add_css_class (banner, "error");
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (self->demo_banner)), banner,
                              self->demo_banner);
}

static void
needle_thinned_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!stipple_store_thin_needle_data_finish (STIPPLE_STORE (object), result, NULL, &error))
    g_message ("The needle data older than the clinic keeps at full rate was not thinned: %s",
               error->message);
}

/* The closed days' needle data, moved to their archives on the long lane
 * after the check of the file: nothing waits for it, and where it fails
 * the needle data simply stays in the patient file until the next
 * opening. Then what is older than the clinic keeps at full rate
 * (Preferences, Backups) is thinned to its strokes. */
static void
needle_archived_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GSettings) settings = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;

  if (!stipple_store_archive_month_finish (STIPPLE_STORE (object), result, NULL, &error))
    g_message ("The needle data of the closed days stays in the patient file: %s",
               error->message);
  before = settings != NULL
           ? stipple_store_retention_cutoff (g_settings_get_uint (settings, "needle-full-rate-months"))
           : NULL;
  if (before != NULL)
    stipple_store_thin_needle_data_async (STIPPLE_STORE (object), before, NULL, needle_thinned_cb,
                                          NULL);
}

/* Archives the closed days' needle data, then thins what is past the
 * clinic's retention, on the store's long lane; at most once a UTC day. */
static void
archive_needle_data (StippleWindow *self)
{
  StippleStore *store = stipple_window_get_store (self);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

  if (store == NULL || g_strcmp0 (today, self->needle_archived_on) == 0)
    return;
  g_free (self->needle_archived_on);
  self->needle_archived_on = g_steal_pointer (&today);
  stipple_store_archive_month_async (store, NULL, NULL, needle_archived_cb,
                                     self->settings ? g_object_ref (self->settings) : NULL);
}

/* A clinic may leave Stipple open for days: each hour, a day that has
 * ended since is archived as it would be on the next opening. */
static gboolean
needle_tick_cb (gpointer user_data)
{
  archive_needle_data (STIPPLE_WINDOW (user_data));
  return G_SOURCE_CONTINUE;
}

/* Today's backup is taken after the file opened, on the store's long
 * lane: a bar above the workspace says so while it runs, so that the
 * clinician knows the chart is there to use meanwhile. One that could
 * not be taken does not keep the clinician from the chart either, but
 * it must not go unseen: the bar then says why, for as long as this
 * patient file is open. */
static void
show_backup_state (StippleWindow      *self,
                   StippleApplication *application)
{
  StippleStore *store = stipple_application_get_store (application);
  const GError *problem = store != NULL ? stipple_store_get_backup_problem (store) : NULL;
  gboolean running = store != NULL && stipple_application_get_backing_up (application);
  g_autofree char *text = NULL;

  if (self->backup_banner != NULL)
    {
      gtk_box_remove (GTK_BOX (gtk_widget_get_parent (self->backup_banner)), self->backup_banner);
      self->backup_banner = NULL;
    }
  if (running)
    text = g_strdup (_("Stipple is taking today’s backup of the patient file. You can go on "
                       "working meanwhile."));
  else if (problem != NULL)
    text = g_strdup_printf (_("Today’s backup of the patient file could not be taken: %s Stipple "
                              "tries again the next time the file is opened."),
                            problem->message);
  else
    return;

  self->backup_banner = gtk_label_new (text);
  gtk_widget_set_name (self->backup_banner, running ? "backup-running" : "backup-banner");
  gtk_label_set_wrap (GTK_LABEL (self->backup_banner), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->backup_banner), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (self->backup_banner, "demo-banner");
  if (!running)
    gtk_widget_add_css_class (self->backup_banner, "warning");
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (self->demo_banner)),
                              self->backup_banner, self->demo_banner);
}

static void
backing_up_cb (StippleWindow      *self,
               GParamSpec         *pspec,
               StippleApplication *application)
{
  show_backup_state (self, application);
}

static void
store_changed_cb (StippleWindow      *self,
                  GParamSpec         *pspec,
                  StippleApplication *application)
{
  const GError *error = stipple_application_get_store_error (application);

  if (stipple_window_get_locked (self))
    return;

  show_backup_state (self, application);
  if (stipple_application_get_store (application) != NULL)
    {
      stipple_store_verify_async (stipple_application_get_store (application), NULL,
                                  record_verified_cb, g_object_ref (self));
      /* A file opened afresh: its closed days now, whatever day the
       * window archived last. */
      g_clear_pointer (&self->needle_archived_on, g_free);
      archive_needle_data (self);
      if (self->needle_tick_id == 0)
        self->needle_tick_id = g_timeout_add_seconds (3600, needle_tick_cb, self);
      build_workspace (self);
      gtk_stack_set_visible_child_name (self->main_stack, "workspace");
      /* A new patient file: ask once who the clinic is, for what leaves it. */
      if (stipple_application_get_first_start (application) && !self->clinic_asked &&
          stipple_clinic_dialog_wanted (self->settings))
        {
          self->clinic_asked = TRUE;
          gtk_window_present (GTK_WINDOW (stipple_clinic_dialog_new (GTK_WINDOW (self), self->settings)));
        }
    }
  else if (error != NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      /* A damaged file is restored from here: its backups, each verified. */
      if (adw_status_page_get_child (self->error_page) == NULL &&
          stipple_application_get_database (application) != NULL)
        {
          GtkWidget *list = stipple_backup_list_new (stipple_application_get_database (application));

          gtk_widget_set_size_request (list, 480, -1);
          gtk_widget_set_halign (list, GTK_ALIGN_CENTER);
          adw_status_page_set_child (self->error_page, list);
        }
      gtk_stack_set_visible_child_name (self->main_stack, "error");
    }
  else if (stipple_application_get_database (application) == NULL)
    gtk_stack_set_visible_child_name (self->main_stack, "workspace");
  else
    gtk_stack_set_visible_child_name (self->main_stack, "opening");
}

static void
stipple_window_show_patient_file (StippleWindow      *self,
                                  StippleApplication *application)
{
  const char *database = stipple_application_get_database (application);
  StipplePen *pen = stipple_application_get_pen (application);

  self->application = application;
  gtk_widget_set_visible (self->demo_banner, stipple_application_get_demo (application));
  if (stipple_application_get_offsite (application) != NULL)
    gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (self->demo_banner)),
                                stipple_offsite_banner_new (stipple_application_get_offsite (application)),
                                self->demo_banner);
  if (database != NULL)
    {
      g_autofree char *basename = g_path_get_basename (database);

      adw_window_title_set_subtitle (self->window_title, basename);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title), database);
    }

  g_signal_connect_object (application, "notify::store", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (application, "notify::backing-up", G_CALLBACK (backing_up_cb), self,
                           G_CONNECT_SWAPPED);
  store_changed_cb (self, NULL, application);

  if (pen != NULL)
    {
      self->pen_info = stipple_device_status_new (pen);
      g_signal_connect_object (self->pen_info, "changed", G_CALLBACK (update_pen_status), self,
                               G_CONNECT_SWAPPED);
    }
  update_pen_status (self);
}

/**
 * stipple_window_new:
 * @application: the #StippleApplication
 *
 * Returns: (transfer full): a new main window for @application
 */
StippleWindow *
stipple_window_new (StippleApplication *application)
{
  StippleWindow *self;

  g_return_val_if_fail (STIPPLE_IS_APPLICATION (application), NULL);

  self = g_object_new (STIPPLE_TYPE_WINDOW,
                       "application", application,
                       "settings", stipple_application_get_settings (application),
                       NULL);
  stipple_window_show_patient_file (self, application);

  return self;
}

static void
stipple_window_load_state (StippleWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/* Every question before a close that would lose something has the same
 * shape: keeping Stipple open is the safe answer, and the one Escape
 * gives; the losing answer is shown as destructive; a retry, where there
 * is one, sits between them and is the default. @reason, when given, is
 * the error that caused the question, put before @body. */
static void
present_close_question (StippleWindow *self,
                        const char    *heading,
                        const char    *reason,
                        const char    *body,
                        const char    *keep_label,
                        const char    *retry_label,
                        const char    *lose_id,
                        const char    *lose_label,
                        GCallback      response_cb)
{
  AdwMessageDialog *question;

  question = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  if (reason != NULL)
    adw_message_dialog_format_body (question, "%s\n\n%s", reason, body);
  else
    adw_message_dialog_set_body (question, body);
  adw_message_dialog_add_response (question, "keep", keep_label);
  if (retry_label != NULL)
    adw_message_dialog_add_response (question, "retry", retry_label);
  adw_message_dialog_add_response (question, lose_id, lose_label);
  adw_message_dialog_set_response_appearance (question, lose_id, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (question, retry_label != NULL ? "retry" : "keep");
  adw_message_dialog_set_close_response (question, "keep");
  g_signal_connect_object (question, "response", response_cb, self, 0);
  gtk_window_present (GTK_WINDOW (question));
}

static void
notes_unsaved_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           StippleWindow    *self)
{
  if (!g_str_equal (response, "close"))
    return;

  self->close_leaves_treatment = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   StippleWindow    *self)
{
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "stop") || stipple_window_get_treatment (self) == NULL)
    return;

  /* Stop the needle, keep every note; the session stays open in the
   * patient file and reads as interrupted. The treatment goes with its
   * page, and the window. */
  stipple_window_stop_needle (self, STIPPLE_STOP_CLOSE);
  if (!stipple_treatment_page_flush_notes (STIPPLE_TREATMENT_PAGE (self->treatment_page), &error))
    {
      /* What is typed is still on screen: say so, and let the clinician
       * copy it or free the disk before anything is lost. */
      present_close_question (self, _("The Notes Are Not Saved"), error->message,
                              _("Closing now loses what was typed since the notes "
                                "were last saved. Keep Stipple open to copy the "
                                "notes or to make room, then close again."),
                              _("_Keep Stipple Open"), NULL,
                              "close", _("_Close and Lose the Notes"),
                              G_CALLBACK (notes_unsaved_response_cb));
      return;
    }

  self->close_leaves_treatment = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
close_again_cb (gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
treatment_ending_cb (StippleTreatment *treatment,
                     GParamSpec       *pspec,
                     StippleWindow    *self)
{
  if (stipple_treatment_get_ending (treatment))
    return;

  /* Saved, or it failed: either way the close is asked again, and a
   * session left open is then said so. */
  g_signal_handlers_disconnect_by_func (treatment, treatment_ending_cb, self);
  if (self->close_when_ended)
    {
      self->close_when_ended = FALSE;
      g_idle_add_full (G_PRIORITY_DEFAULT, close_again_cb, g_object_ref (self), g_object_unref);
    }
}

static void
audit_unsaved_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           StippleWindow    *self)
{
  if (g_str_equal (response, "keep"))
    {
      self->close_leaves_treatment = FALSE;
      return;
    }

  self->close_checked = g_str_equal (response, "close");
  gtk_window_close (GTK_WINDOW (self));
}

static void
pending_audit_written_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(StippleWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->close_checking = FALSE;
  if (stipple_store_write_pending_audit_finish (STIPPLE_STORE (object), result, &error))
    {
      self->close_checked = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  present_close_question (self, _("Part of the Audit Trail Is Not Saved"), error->message,
                          _("Stipple keeps these events while it stays open and writes "
                            "them as soon as the patient file takes them. Closing now "
                            "loses them."),
                          _("_Keep Stipple Open"), _("_Try Again"),
                          "close", _("_Close and Lose Them"),
                          G_CALLBACK (audit_unsaved_response_cb));
}

static gboolean
stipple_window_close_request (GtkWindow *window)
{
  StippleWindow *self = STIPPLE_WINDOW (window);
  StippleTreatment *treatment = stipple_window_get_treatment (self);
  StippleStore *store = stipple_window_get_store (self);
  int width, height;

  /* The end of the session is on its way to the file: close once it is
   * there, rather than leave the session unfinished. */
  if (treatment != NULL && stipple_treatment_get_ending (treatment))
    {
      if (!self->close_when_ended)
        {
          self->close_when_ended = TRUE;
          g_signal_connect_object (treatment, "notify::ending",
                                   G_CALLBACK (treatment_ending_cb), self, 0);
        }
      return TRUE;
    }

  if (treatment != NULL && !stipple_treatment_get_ended (treatment) &&
      !self->close_leaves_treatment)
    {
      present_close_question (self, _("A Treatment Is Open"), NULL,
                              _("End the session before closing Stipple. "
                                "Closing now stops the needle and leaves the "
                                "session unfinished in the patient file."),
                              _("_Keep Treating"), NULL,
                              "stop", _("_Stop the Needle and Close"),
                              G_CALLBACK (close_response_cb));
      return TRUE;
    }

  /* Audit events a full disk held back are written now, or the
   * clinician hears that they are not, before anything is lost. The
   * writer takes this job behind every write already queued, the stop
   * just recorded among them. */
  if (store != NULL && !self->close_checked)
    {
      if (!self->close_checking)
        {
          self->close_checking = TRUE;
          stipple_store_write_pending_audit_async (store, NULL, pending_audit_written_cb,
                                                   g_object_ref (self));
        }
      return TRUE;
    }

  if (self->settings != NULL)
    {
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
    }

  return GTK_WINDOW_CLASS (stipple_window_parent_class)->close_request (window);
}

static void
stipple_window_constructed (GObject *object)
{
  StippleWindow *self = STIPPLE_WINDOW (object);

  G_OBJECT_CLASS (stipple_window_parent_class)->constructed (object);

  if (g_strcmp0 (PROFILE, "Devel") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  if (self->settings != NULL)
    stipple_window_load_state (self);
}

static void
stipple_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  StippleWindow *self = STIPPLE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  StippleWindow *self = STIPPLE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_window_dispose (GObject *object)
{
  StippleWindow *self = STIPPLE_WINDOW (object);

  g_clear_handle_id (&self->idle_check_id, g_source_remove);
  g_clear_handle_id (&self->needle_tick_id, g_source_remove);
  g_clear_pointer (&self->needle_archived_on, g_free);
  g_clear_pointer (&self->hidden_windows, g_ptr_array_unref);
  g_clear_pointer (&self->unlocked_page, g_free);

  /* Never leave the needle running behind a closed window. The treatment
   * goes with its page, below. */
  if (stipple_window_get_treatment (self) != NULL)
    {
      stipple_window_stop_needle (self, STIPPLE_STOP_CLOSE);
      stipple_window_set_preferences_enabled (self, TRUE);
    }
  if (self->treatment_signals != NULL)
    g_signal_group_set_target (self->treatment_signals, NULL);
  g_clear_object (&self->treatment_signals);
  if (self->pen_info != NULL)
    g_signal_handlers_disconnect_by_data (self->pen_info, self);
  g_clear_object (&self->pen_info);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), STIPPLE_TYPE_WINDOW);

  G_OBJECT_CLASS (stipple_window_parent_class)->dispose (object);
}

static void
stipple_window_class_init (StippleWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = stipple_window_constructed;
  object_class->dispose = stipple_window_dispose;
  object_class->get_property = stipple_window_get_property;
  object_class->set_property = stipple_window_set_property;

  window_class->close_request = stipple_window_close_request;

  /**
   * StippleWindow:settings:
   *
   * The application settings the window keeps its state in.
   */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "win.emergency-stop", NULL, emergency_stop_action);
  gtk_widget_class_install_action (widget_class, "win.new-patient", NULL, new_patient_action);
  gtk_widget_class_install_action (widget_class, "win.find-patient", NULL, find_patient_action);
  gtk_widget_class_install_action (widget_class, "win.photographs", NULL,
                                   stipple_window_photographs_action);
  /* Shift+Esc and Pause are the application's: they work in every window
   * and dialog (stipple-application.c). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-patient", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find-patient", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/stipple-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, demo_banner);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, patient_alerts);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, patient_slot);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, setup_slot);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, treatment_slot);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, pen_status);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, pen_status_icon);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, pen_status_label);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, alarm_revealer);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, alarm_box);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, alarm_label);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, unlock_button);
  gtk_widget_class_bind_template_callback (widget_class, alarm_acknowledged_cb);
  gtk_widget_class_bind_template_callback (widget_class, unlock_clicked_cb);
}

static void
stipple_window_init (StippleWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  stipple_a11y_name_buttons_once (GTK_WIDGET (self));
  stipple_a11y_present_visible_page (self->main_stack);
  stipple_a11y_present_visible_page (self->content_stack);

  self->hidden_windows = g_ptr_array_new_with_free_func (g_object_unref);
  stipple_window_setup_idle_lock (self);

  /* Whatever treatment is open: its alarms go under the header, with the
   * pen pill, which turns red while one stands. */
  self->treatment_signals = g_signal_group_new (STIPPLE_TYPE_TREATMENT);
  g_signal_group_connect_object (self->treatment_signals, "notify::alarm-priority",
                                 G_CALLBACK (stipple_window_update_alarm), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->treatment_signals, "notify::alarm-message",
                                 G_CALLBACK (stipple_window_update_alarm), self, G_CONNECT_SWAPPED);

  g_signal_connect (self, "notify::default-width", G_CALLBACK (window_size_cb), NULL);
  g_signal_connect (self, "notify::maximized", G_CALLBACK (window_size_cb), NULL);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (window_size_cb), NULL);
}
