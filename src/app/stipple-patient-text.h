/* stipple-patient-text.h: dates, depths and skin types as the patient
 * screens write them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "stipple-session-rules.h"
#include "stipple-store-records.h"

G_BEGIN_DECLS

gboolean    stipple_patient_text_parse_date      (const char          *text,
                                                  GDate               *date);
char       *stipple_patient_text_iso_date        (const GDate         *date);
char       *stipple_patient_text_write_date      (const GDate         *date);
char       *stipple_patient_text_write_iso_date  (const char          *iso_date);
char       *stipple_patient_text_write_day       (GDateTime           *time);
char       *stipple_patient_text_write_time      (GDateTime           *time);
int         stipple_patient_text_age             (const GDate         *date_of_birth,
                                                  const GDate         *today);
void        stipple_patient_text_today           (GDate               *today);
const char *stipple_patient_text_fitzpatrick     (guint                fitzpatrick);
char       *stipple_patient_text_depth           (guint                depth_um);
char       *stipple_patient_text_name            (const StipplePatient *patient);
char       *stipple_patient_text_identity        (const StipplePatient *patient);
char       *stipple_patient_text_alerts          (const StipplePatient *patient);
gboolean    stipple_patient_text_is_reason       (const char          *text);

GtkWidget  *stipple_patient_text_add_field       (AdwPreferencesGroup *group,
                                                  const char          *title,
                                                  const char          *value);

G_END_DECLS
