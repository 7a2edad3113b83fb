/* stipple-treatment-page-private.h: what the treatment page's files share
 *
 * The instance struct and the functions one file of StippleTreatmentPage
 * calls in another: the object, what the pen holds and the notes
 * (stipple-treatment-page.c), the zones and the plan editor
 * (stipple-treatment-page-plan.c), and ending the session
 * (stipple-treatment-page-end.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-face-map.h"
#include "stipple-strip-chart.h"
#include "stipple-treatment-page.h"

G_BEGIN_DECLS

struct _StippleTreatmentPage
{
  GtkWidget            parent_instance;

  /* Template children */
  GtkWidget           *content;
  GtkBox              *inspector;
  GtkBox              *face_map_slot;
  GtkBox              *chart_slot;
  GtkLabel            *zone_title;
  GtkLabel            *zone_limits;
  GtkWidget           *verification_box;
  GtkImage            *verification_icon;
  GtkLabel            *verification_label;
  GtkLabel            *loss_label;
  GtkButton           *arm_button;
  GtkSpinButton       *passes_spin;
  GtkSpinButton       *rate_spin;
  AdwPreferencesGroup *depth_group;
  GtkLabel            *plan_error;
  GtkButton           *apply_button;
  GtkSpinButton       *pass_spin;
  AdwComboRow         *indication_row;
  AdwComboRow         *thickness_row;
  GtkWidget           *preset_row;
  GtkTextView         *note_before;
  GtkTextView         *note_after;
  GtkLabel            *note_status;
  GtkButton           *end_button;

  /* Built in code, inside the template's slots and groups. */
  GtkListBox          *zone_list;
  StippleFaceMap      *face_map;
  StippleStripChart   *chart;
  GtkListBoxRow       *zone_rows[STIPPLE_N_ZONES];
  GtkSpinButton       *depth_spins[STIPPLE_MAX_PASSES];
  GtkWidget           *depth_rows[STIPPLE_MAX_PASSES];

  /* Owned: the page holds the one reference to the treatment the
   * interface keeps. */
  StippleTreatment    *treatment;
  guint                strokes_flush_id;

  /* State */
  /* Zones whose stroke counts changed since the screen last said them. */
  guint64              strokes_dirty;
  gboolean             loading;
};

/* stipple-treatment-page.c */
void  stipple_treatment_page_update_verification      (StippleTreatmentPage *self);
void  stipple_treatment_page_emit_ended               (StippleTreatmentPage *self);

/* stipple-treatment-page-plan.c */
char *stipple_treatment_page_format_mm                (guint                 um);
void  stipple_treatment_page_build_zone_list          (StippleTreatmentPage *self);
void  stipple_treatment_page_update_zone_row          (StippleTreatmentPage *self,
                                                       StippleZone           zone);
void  stipple_treatment_page_show_plan_error          (StippleTreatmentPage *self,
                                                       const char           *message);
void  stipple_treatment_page_load_editor              (StippleTreatmentPage *self);
void  stipple_treatment_page_thickness_changed_cb     (StippleTreatmentPage *self);
void  stipple_treatment_page_passes_changed_cb        (StippleTreatmentPage *self);
void  stipple_treatment_page_pass_changed_cb          (StippleTreatmentPage *self);
void  stipple_treatment_page_apply_clicked_cb         (StippleTreatmentPage *self);
void  stipple_treatment_page_preset_clicked_cb        (StippleTreatmentPage *self);

/* stipple-treatment-page-end.c */
void  stipple_treatment_page_end_clicked_cb           (StippleTreatmentPage *self);

G_END_DECLS
