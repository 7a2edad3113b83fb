/* stipple-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define STIPPLE_TYPE_PREFERENCES_WINDOW (stipple_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (StipplePreferencesWindow, stipple_preferences_window, STIPPLE, PREFERENCES_WINDOW, AdwPreferencesWindow)

StipplePreferencesWindow *stipple_preferences_window_new (GSettings *settings);

G_END_DECLS
