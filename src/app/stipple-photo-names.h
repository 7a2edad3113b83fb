/* stipple-photo-names.h: views and moments in words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "stipple-store.h"

G_BEGIN_DECLS

const char *stipple_photo_view_get_name    (StipplePhotoView    view);
const char *stipple_photo_moment_get_name  (StipplePhotoMoment  moment);
char       *stipple_photo_get_description  (const StipplePhoto *photo);

G_END_DECLS
