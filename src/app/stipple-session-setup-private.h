/* stipple-session-setup-private.h: what the session set-up's files share
 *
 * The instance struct, the rows of the screening and products steps, and
 * the functions one step's file calls in another's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-screening.h"
#include "stipple-session-setup.h"

G_BEGIN_DECLS

typedef struct
{
  const StippleScreeningItem *item;
  GtkWidget                  *row;
  GtkWidget                  *icon;
  GtkToggleButton            *yes;
  GtkToggleButton            *no;
  /* (nullable): last time's answer, for the row's subtitle. */
  char                       *last_answer;
} Question;

typedef struct
{
  GtkWidget *row;
  GtkEditable *product;
  GtkEditable *lot;
  GtkWidget *remove;
  GtkWidget *warning;
} SerumRow;

struct _StippleSessionSetup
{
  AdwBin                parent_instance;

  GSettings            *settings;
  StipplePatientChart  *chart;
  /* What the clinician entered, as plain data, and what it amounts to. */
  StippleSessionRules  *rules;

  /* Template children */
  GtkLabel             *step_label;
  GtkLabel             *title_label;
  GtkStack             *stack;
  AdwPreferencesGroup  *staff_group;
  AdwPreferencesGroup  *no_staff_group;
  AdwEntryRow          *clinician_entry_row;
  GtkLabel             *screening_intro_label;
  AdwPreferencesGroup  *stop_items_group;
  AdwPreferencesGroup  *caution_items_group;
  GtkWidget            *override_group;
  GtkLabel             *override_heading;
  GtkLabel             *stop_reason_label;
  AdwEntryRow          *override_row;
  AdwPreferencesGroup  *caution_group;
  GtkLabel             *caution_label;
  GtkCheckButton       *treatment_check;
  GtkCheckButton       *photographs_check;
  GtkCheckButton       *photographs_refused_check;
  GtkSwitch            *anaesthetic_switch;
  AdwEntryRow          *anaesthetic_product_row;
  AdwActionRow         *anaesthetic_time_row;
  GtkSpinButton        *hour_spin;
  GtkSpinButton        *minute_spin;
  GtkWidget            *anaesthetic_warning_icon;
  AdwPreferencesGroup  *serums_group;
  GtkButton            *add_serum_button;
  GtkButton            *back_button;
  GtkLabel             *status_label;
  GtkButton            *next_button;
  GtkButton            *begin_button;

  /* (element-type GtkCheckButton): one per clinician on the staff. */
  GPtrArray            *staff_checks;
  GtkWidget            *first_staff_check;
  /* (element-type Question) */
  GArray               *questions;
  /* (element-type SerumRow) */
  GPtrArray            *serums;
  guint                 tick_id;

  /* Once "ready": when the treatment began, and whether it is begun on
   * record (with its screening and consents, all at once). */
  gboolean              ready;
  gboolean              saving;
  GDateTime            *started_at;
  gint64                session_id;
  char                 *session_uid;
};

/* stipple-session-setup.c */
void stipple_session_setup_validate_cb              (StippleSessionSetup *self);

/* stipple-session-setup-screening.c */
void stipple_session_setup_question_clear           (Question            *question);
void stipple_session_setup_load_last_answers        (StippleSessionSetup *self);
void stipple_session_setup_build_questions          (StippleSessionSetup *self);
void stipple_session_setup_update_screening_summary (StippleSessionSetup *self);

/* stipple-session-setup-products.c */
void stipple_session_setup_update_product_warnings  (StippleSessionSetup *self);
void stipple_session_setup_add_serum_clicked_cb     (StippleSessionSetup *self);

G_END_DECLS
