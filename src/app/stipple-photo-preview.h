/* stipple-photo-preview.h: the camera's picture, the ghost and the guides
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "stipple-photo-camera.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_PHOTO_PREVIEW (stipple_photo_preview_get_type ())

G_DECLARE_FINAL_TYPE (StipplePhotoPreview, stipple_photo_preview, STIPPLE, PHOTO_PREVIEW, GtkWidget)

GtkWidget  *stipple_photo_preview_new            (void);
void        stipple_photo_preview_set_camera     (StipplePhotoPreview *self,
                                                  StipplePhotoCamera  *camera);
void        stipple_photo_preview_set_ghost      (StipplePhotoPreview *self,
                                                  GdkTexture          *ghost);
void        stipple_photo_preview_set_show_ghost (StipplePhotoPreview *self,
                                                  gboolean             show);
void        stipple_photo_preview_set_show_guides (StipplePhotoPreview *self,
                                                  gboolean             show);
guint64     stipple_photo_preview_get_n_drawn    (StipplePhotoPreview *self);
GdkTexture *stipple_photo_preview_get_frame      (StipplePhotoPreview *self);
GdkTexture *stipple_photo_preview_get_ghost      (StipplePhotoPreview *self);
StipplePhotoCamera *stipple_photo_preview_get_camera (StipplePhotoPreview *self);
void        stipple_photo_preview_get_picture    (StipplePhotoPreview *self,
                                                  graphene_rect_t     *picture);
guint64     stipple_photo_preview_get_drawn_frame (StipplePhotoPreview *self,
                                                   gboolean            *with_ghost);

G_END_DECLS
