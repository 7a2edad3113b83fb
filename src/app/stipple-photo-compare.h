/* stipple-photo-compare.h: two photographs of one view, compared
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "stipple-store.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_PHOTO_COMPARE (stipple_photo_compare_get_type ())

G_DECLARE_FINAL_TYPE (StipplePhotoCompare, stipple_photo_compare, STIPPLE, PHOTO_COMPARE, AdwWindow)

void                 stipple_photo_compare_new_async  (StippleStore        *store,
                                                       gint64               patient_id,
                                                       StipplePhotoView     view,
                                                       StippleZone          zone,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
StipplePhotoCompare *stipple_photo_compare_new_finish (StippleStore        *store,
                                                       GAsyncResult        *result,
                                                       GError             **error);
guint                stipple_photo_compare_get_n_photos (StipplePhotoCompare *self);
gboolean             stipple_photo_compare_get_pair_ready (StipplePhotoCompare *self);
void                 stipple_photo_compare_set_pair   (StipplePhotoCompare *self,
                                                       guint                first,
                                                       guint                second);
void                 stipple_photo_compare_set_overlay (StipplePhotoCompare *self,
                                                       gboolean             overlay);
void                 stipple_photo_compare_get_view   (StipplePhotoCompare *self,
                                                       double              *zoom,
                                                       double              *pan_x,
                                                       double              *pan_y);

G_END_DECLS
