/* stipple-skin-response.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "stipple-treatment.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_SKIN_RESPONSE (stipple_skin_response_get_type ())

G_DECLARE_FINAL_TYPE (StippleSkinResponse, stipple_skin_response, STIPPLE, SKIN_RESPONSE, AdwPreferencesGroup)

GtkWidget *stipple_skin_response_new (StippleTreatment *treatment);

G_END_DECLS
