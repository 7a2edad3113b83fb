/* stipple-patient-page.h: one patient's record at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "stipple-store.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_PATIENT_PAGE (stipple_patient_page_get_type ())

G_DECLARE_FINAL_TYPE (StipplePatientPage, stipple_patient_page, STIPPLE, PATIENT_PAGE, GtkBox)

StipplePatientPage        *stipple_patient_page_new            (StippleStore              *store);
StippleStore              *stipple_patient_page_get_store      (StipplePatientPage        *self);
void                       stipple_patient_page_set_store      (StipplePatientPage        *self,
                                                                StippleStore              *store);
void                       stipple_patient_page_load           (StipplePatientPage        *self,
                                                                gint64                     patient_id);
void                       stipple_patient_page_set_chart      (StipplePatientPage        *self,
                                                                const StipplePatientChart *chart);
const StipplePatientChart *stipple_patient_page_get_chart      (StipplePatientPage        *self);
gint64                     stipple_patient_page_get_patient_id (StipplePatientPage        *self);

G_END_DECLS
