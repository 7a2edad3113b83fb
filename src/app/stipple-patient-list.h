/* stipple-patient-list.h: finding a patient as one types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "stipple-store.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_PATIENT_LIST (stipple_patient_list_get_type ())

G_DECLARE_FINAL_TYPE (StipplePatientList, stipple_patient_list, STIPPLE, PATIENT_LIST, GtkBox)

StipplePatientList *stipple_patient_list_new          (StippleStore       *store);
StippleStore       *stipple_patient_list_get_store    (StipplePatientList *self);
void                stipple_patient_list_set_store    (StipplePatientList *self,
                                                       StippleStore       *store);
void                stipple_patient_list_refresh      (StipplePatientList *self);
void                stipple_patient_list_focus_search (StipplePatientList *self);
void                stipple_patient_list_clear        (StipplePatientList *self);

G_END_DECLS
