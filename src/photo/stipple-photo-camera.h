/* stipple-photo-camera.h: the clinic PC's camera, through GStreamer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* The preview's width until the screen asks for another: about what the
 * photographs window shows. */
#define STIPPLE_PHOTO_CAMERA_PREVIEW_WIDTH 640

#define STIPPLE_TYPE_PHOTO_CAMERA (stipple_photo_camera_get_type ())

G_DECLARE_FINAL_TYPE (StipplePhotoCamera, stipple_photo_camera, STIPPLE, PHOTO_CAMERA, GObject)

StipplePhotoCamera *stipple_photo_camera_new             (void);
char               *stipple_photo_camera_describe_source (void);
void                stipple_photo_camera_start_async     (StipplePhotoCamera   *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean            stipple_photo_camera_start_finish    (StipplePhotoCamera   *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
void                stipple_photo_camera_stop            (StipplePhotoCamera   *self);
gboolean            stipple_photo_camera_is_running      (StipplePhotoCamera   *self);
GBytes             *stipple_photo_camera_get_frame       (StipplePhotoCamera   *self,
                                                          guint                *width,
                                                          guint                *height,
                                                          gsize                *stride,
                                                          guint64              *number);
void                stipple_photo_camera_get_source_size (StipplePhotoCamera   *self,
                                                          guint                *width,
                                                          guint                *height);
void                stipple_photo_camera_set_preview_size (StipplePhotoCamera  *self,
                                                          guint                 width,
                                                          guint                 height);
guint64             stipple_photo_camera_get_n_frames    (StipplePhotoCamera   *self);
GdkPixbuf          *stipple_photo_camera_grab            (StipplePhotoCamera   *self,
                                                          GError              **error);

G_END_DECLS
