/* stipple-photo-window.h: a session's before and after photographs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "stipple-store.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_PHOTO_WINDOW (stipple_photo_window_get_type ())

G_DECLARE_FINAL_TYPE (StipplePhotoWindow, stipple_photo_window, STIPPLE, PHOTO_WINDOW, AdwWindow)

StipplePhotoWindow *stipple_photo_window_new         (StippleStore       *store,
                                                      GSettings          *settings,
                                                      gint64              patient_id,
                                                      gint64              session_id,
                                                      const char         *clinician);
void                stipple_photo_window_import_file (StipplePhotoWindow *self,
                                                      GFile              *file);
guint               stipple_photo_window_get_n_photos (StipplePhotoWindow *self);
GtkWidget          *stipple_photo_window_get_preview (StipplePhotoWindow *self);

G_END_DECLS
