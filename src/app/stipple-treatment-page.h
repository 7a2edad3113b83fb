/* stipple-treatment-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "stipple-treatment.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_TREATMENT_PAGE (stipple_treatment_page_get_type ())

G_DECLARE_FINAL_TYPE (StippleTreatmentPage, stipple_treatment_page, STIPPLE, TREATMENT_PAGE, GtkWidget)

GtkWidget        *stipple_treatment_page_new           (StippleTreatment     *treatment);
StippleTreatment *stipple_treatment_page_get_treatment (StippleTreatmentPage *self);
gboolean          stipple_treatment_page_flush_notes   (StippleTreatmentPage *self,
                                                        GError              **error);
GStrv             stipple_treatment_page_dup_unfinished (StippleTreatmentPage *self);

G_END_DECLS
