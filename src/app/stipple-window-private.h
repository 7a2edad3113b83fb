/* stipple-window-private.h: StippleWindow's instance, shared by the files
 * it is split over (private to src/app/)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-device-status.h"
#include "stipple-patient-list.h"
#include "stipple-patient-page.h"
#include "stipple-report.h"
#include "stipple-session-setup.h"
#include "stipple-treatment.h"
#include "stipple-window.h"

G_BEGIN_DECLS

struct _StippleWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  StippleApplication   *application;

  StipplePatientList   *patient_list;
  StipplePatientPage   *patient_page;
  StippleSessionSetup  *setup;
  /* The open treatment belongs to its page, the only strong reference
   * the interface holds; the window follows it with one signal group. */
  GtkWidget            *treatment_page;
  GSignalGroup         *treatment_signals;
  /* The pen as the header shows it, treatment or not. */
  StippleDeviceStatus  *pen_info;

  /* Template children */
  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;
  GtkWidget            *demo_banner;
  /* Says why today's backup of the patient file is missing, if it is. */
  GtkWidget            *backup_banner;
  gboolean              clinic_asked;
  GtkLabel             *patient_alerts;
  GtkStack             *main_stack;
  AdwStatusPage        *error_page;
  GtkWidget            *sidebar;
  GtkStack             *content_stack;
  GtkBox               *patient_slot;
  GtkBox               *setup_slot;
  GtkBox               *treatment_slot;
  GtkWidget            *pen_status;
  GtkImage             *pen_status_icon;
  GtkLabel             *pen_status_label;
  GtkRevealer          *alarm_revealer;
  GtkWidget            *alarm_box;
  GtkInscription       *alarm_label;
  GtkButton            *unlock_button;

  /* Closing waits for what is still on its way to the patient file: a
   * session's end being saved, then the audit events a full disk held
   * back. The clinician may close on anyway, knowingly. */
  gboolean              close_when_ended;
  gboolean              close_leaves_treatment;
  gboolean              close_checking;
  gboolean              close_checked;

  gint64                last_activity;
  guint                 idle_check_id;
  /* The needle data of the days that have ended is archived once a day
   * while the window stays open: the UTC day it last was. */
  guint                 needle_tick_id;
  char                 *needle_archived_on;
  char                 *unlocked_page;
  GPtrArray            *hidden_windows;
};

StippleStore     *stipple_window_get_store                (StippleWindow        *self);
StipplePen       *stipple_window_get_pen                  (StippleWindow        *self);
StippleTreatment *stipple_window_get_treatment            (StippleWindow        *self);
void              stipple_window_update_alarm             (StippleWindow        *self);
void              stipple_window_begin_treatment          (StippleWindow        *self,
                                                           StippleSession       *session);
void              stipple_window_stop_needle              (StippleWindow        *self,
                                                           StippleStopReason     reason);
void              stipple_window_show_patient_identity    (StippleWindow        *self,
                                                           const StipplePatient *patient);

/* stipple-window-lock.c */
void              stipple_window_setup_idle_lock          (StippleWindow        *self);

/* stipple-window-report.c */
void              stipple_window_show_error               (StippleWindow        *self,
                                                           const char           *heading,
                                                           const char           *message);
void              stipple_window_export_patient_cb        (StippleWindow        *self,
                                                           gint64                patient_id);
void              stipple_window_export_report            (StippleWindow        *self,
                                                           gint64                session_id,
                                                           StippleReportKind     kind);
void              stipple_window_print_report             (StippleWindow        *self,
                                                           gint64                session_id);
void              stipple_window_offer_report             (StippleWindow        *self,
                                                           gint64                session_id);

/* stipple-window-treatment.c */
void              stipple_window_set_preferences_enabled  (StippleWindow        *self,
                                                           gboolean              enabled);
void              stipple_window_photographs_action       (GtkWidget            *widget,
                                                           const char           *action_name,
                                                           GVariant             *parameter);
void              stipple_window_start_session_cb         (StippleWindow        *self,
                                                           gint64                patient_id);

G_END_DECLS
