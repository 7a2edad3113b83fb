/* stipple-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "stipple-offsite.h"
#include "stipple-pen.h"
#include "stipple-store.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_APPLICATION (stipple_application_get_type ())

G_DECLARE_FINAL_TYPE (StippleApplication, stipple_application, STIPPLE, APPLICATION, AdwApplication)

StippleApplication *stipple_application_new             (void);
const char         *stipple_application_get_database    (StippleApplication *self);
gboolean            stipple_application_get_demo        (StippleApplication *self);
gboolean            stipple_application_get_first_start (StippleApplication *self);
gboolean            stipple_application_get_simulate    (StippleApplication *self);
GSettings          *stipple_application_get_settings    (StippleApplication *self);
StippleStore       *stipple_application_get_store       (StippleApplication *self);
const GError       *stipple_application_get_store_error (StippleApplication *self);
gboolean            stipple_application_get_backing_up  (StippleApplication *self);
StipplePen         *stipple_application_get_pen         (StippleApplication *self);
StippleOffsite     *stipple_application_get_offsite     (StippleApplication *self);
void                stipple_application_emergency_stop  (StippleApplication *self);

G_END_DECLS
