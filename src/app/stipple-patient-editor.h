/* stipple-patient-editor.h: the new patient and edit patient form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "stipple-store.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_PATIENT_EDITOR (stipple_patient_editor_get_type ())

G_DECLARE_FINAL_TYPE (StipplePatientEditor, stipple_patient_editor, STIPPLE, PATIENT_EDITOR, AdwWindow)

StipplePatientEditor *stipple_patient_editor_new      (StippleStore         *store,
                                                       const StipplePatient *patient);
gboolean              stipple_patient_editor_is_valid (StipplePatientEditor *self);

G_END_DECLS
