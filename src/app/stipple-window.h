/* stipple-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "stipple-application.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_WINDOW (stipple_window_get_type ())

G_DECLARE_FINAL_TYPE (StippleWindow, stipple_window, STIPPLE, WINDOW, AdwApplicationWindow)

StippleWindow *stipple_window_new        (StippleApplication *application);
void           stipple_window_lock       (StippleWindow      *self);
void           stipple_window_unlock     (StippleWindow      *self);
gboolean       stipple_window_get_locked (StippleWindow      *self);
void           stipple_window_emergency_stop (StippleWindow  *self);

G_END_DECLS
