/* stipple-photo-import.h: a photograph as the patient file keeps it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

#define STIPPLE_PHOTO_ERROR (stipple_photo_error_quark ())

typedef enum
{
  STIPPLE_PHOTO_ERROR_UNREADABLE,
  STIPPLE_PHOTO_ERROR_TOO_LARGE,
  STIPPLE_PHOTO_ERROR_ENCODE,
  STIPPLE_PHOTO_ERROR_NO_CAMERA,
} StipplePhotoError;

/* The longest side a stored photo keeps, in pixels (docs/photographs.md). */
#define STIPPLE_PHOTO_MAX_SIDE 2560
/* JPEG quality of a stored photo. */
#define STIPPLE_PHOTO_QUALITY 90
/* A file claiming more pixels than this is refused before it is decoded. */
#define STIPPLE_PHOTO_MAX_PIXELS (120 * 1000 * 1000)

typedef struct
{
  /* The JPEG as it is to be stored: pixels only, no metadata at all. */
  GBytes *jpeg;
  guint   width;
  guint   height;
} StipplePhotoPixels;

GQuark              stipple_photo_error_quark     (void);
void                stipple_photo_pixels_free     (StipplePhotoPixels *pixels);
StipplePhotoPixels *stipple_photo_strip           (GBytes             *file,
                                                   GError            **error);
StipplePhotoPixels *stipple_photo_strip_file      (const char         *path,
                                                   GError            **error);
StipplePhotoPixels *stipple_photo_encode_pixbuf   (GdkPixbuf          *pixbuf,
                                                   GError            **error);
GdkPixbuf          *stipple_photo_decode          (GBytes             *jpeg,
                                                   int                 max_side,
                                                   GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StipplePhotoPixels, stipple_photo_pixels_free)

G_END_DECLS
