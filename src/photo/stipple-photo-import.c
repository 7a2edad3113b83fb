/* stipple-photo-import.c
 *
 * A photograph from a file (a DSLR card, a phone transfer) or a camera
 * frame, made into what the patient file keeps: the pixels turned upright
 * by the file's EXIF orientation, scaled to at most STIPPLE_PHOTO_MAX_SIDE
 * and re-encoded as a new JPEG. Nothing of the original file is copied,
 * so no EXIF, GPS, XMP, IPTC, maker note, camera serial, thumbnail or date
 * survives: gdk-pixbuf's JPEG writer, given no options, writes the JFIF
 * header and the pixels and nothing else. gdk-pixbuf is already there
 * under GTK; no other image library is needed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-photo"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-photo-import.h"

G_DEFINE_QUARK (stipple-photo-error-quark, stipple_photo_error)

/**
 * stipple_photo_pixels_free:
 * @pixels: (nullable): a stored photo's pixels
 */
void
stipple_photo_pixels_free (StipplePhotoPixels *pixels)
{
  if (pixels == NULL)
    return;
  g_clear_pointer (&pixels->jpeg, g_bytes_unref);
  g_free (pixels);
}

typedef struct
{
  int  max_side;
  gboolean too_large;
} SizeRequest;

/* Decoded straight at the size kept: the JPEG decoder scales by 1/2, 1/4
 * or 1/8 as it reads, which is most of the speed of importing a 24
 * megapixel file. */
static void
size_prepared_cb (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  SizeRequest *request = user_data;
  int longest = MAX (width, height);

  if ((gint64) width * height > STIPPLE_PHOTO_MAX_PIXELS)
    {
      request->too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 1, 1);
      return;
    }
  if (request->max_side > 0 && longest > request->max_side)
    gdk_pixbuf_loader_set_size (loader,
                                MAX (1, (int) ((gint64) width * request->max_side / longest)),
                                MAX (1, (int) ((gint64) height * request->max_side / longest)));
}

static GdkPixbuf *
load (GBytes     *data,
      int         max_side,
      GError    **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) local_error = NULL;
  SizeRequest request = { max_side, FALSE };
  GdkPixbuf *pixbuf;

  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), &request);
  if (!gdk_pixbuf_loader_write_bytes (loader, data, &local_error) ||
      !gdk_pixbuf_loader_close (loader, &local_error))
    {
      if (request.too_large)
        goto too_large;
      g_set_error (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_UNREADABLE,
                   _("This file is not a photograph Stipple can read (JPEG or PNG): %s"),
                   local_error->message);
      return NULL;
    }
  if (request.too_large)
    goto too_large;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error_literal (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_UNREADABLE,
                           _("This file is not a photograph Stipple can read (JPEG or PNG)."));
      return NULL;
    }
  return g_object_ref (pixbuf);

too_large:
  g_set_error_literal (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_TOO_LARGE,
                       _("This photograph has more than 120 million pixels: Stipple does not "
                         "import it."));
  return NULL;
}

/**
 * stipple_photo_encode_pixbuf:
 * @pixbuf: upright pixels
 * @error: return location for a #GError
 *
 * Encodes @pixbuf as the JPEG the patient file keeps: at most
 * %STIPPLE_PHOTO_MAX_SIDE pixels on its longest side, opaque, with no
 * metadata.
 *
 * Returns: (transfer full): the stored form, or %NULL with @error set
 */
StipplePhotoPixels *
stipple_photo_encode_pixbuf (GdkPixbuf  *pixbuf,
                             GError    **error)
{
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *buffer = NULL;
  gsize size = 0;
  int width, height, longest;
  StipplePhotoPixels *pixels;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);

  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  longest = MAX (width, height);
  if (longest > STIPPLE_PHOTO_MAX_SIDE)
    {
      width = MAX (1, (int) ((gint64) width * STIPPLE_PHOTO_MAX_SIDE / longest));
      height = MAX (1, (int) ((gint64) height * STIPPLE_PHOTO_MAX_SIDE / longest));
    }
  /* A PNG's transparency has no place in a clinical photo: over white. */
  if (gdk_pixbuf_get_has_alpha (pixbuf))
    scaled = gdk_pixbuf_composite_color_simple (pixbuf, width, height, GDK_INTERP_BILINEAR,
                                                255, 16, 0xffffff, 0xffffff);
  else if (width != gdk_pixbuf_get_width (pixbuf))
    scaled = gdk_pixbuf_scale_simple (pixbuf, width, height, GDK_INTERP_BILINEAR);
  else
    scaled = g_object_ref (pixbuf);
  if (scaled == NULL)
    {
      g_set_error_literal (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_ENCODE,
                           _("There is not enough memory to store this photograph."));
      return NULL;
    }

  /* Only the quality: no "icc-profile", no "x-dpi", nothing else. */
  if (!gdk_pixbuf_save_to_buffer (scaled, &buffer, &size, "jpeg", &local_error,
                                  "quality", G_STRINGIFY (STIPPLE_PHOTO_QUALITY), NULL))
    {
      g_set_error (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_ENCODE,
                   _("The photograph could not be encoded: %s"), local_error->message);
      return NULL;
    }

  pixels = g_new0 (StipplePhotoPixels, 1);
  pixels->jpeg = g_bytes_new_take (g_steal_pointer (&buffer), size);
  pixels->width = gdk_pixbuf_get_width (scaled);
  pixels->height = gdk_pixbuf_get_height (scaled);
  return pixels;
}

/**
 * stipple_photo_strip:
 * @file: the whole of a JPEG or PNG file
 * @error: return location for a #GError
 *
 * Turns the picture upright as its EXIF orientation says, then keeps its
 * pixels only.
 *
 * Returns: (transfer full): the stored form, or %NULL with @error set
 */
StipplePhotoPixels *
stipple_photo_strip (GBytes  *file,
                     GError **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) upright = NULL;
  const char *orientation;
  int max_side = STIPPLE_PHOTO_MAX_SIDE;

  g_return_val_if_fail (file != NULL, NULL);

  pixbuf = load (file, max_side, error);
  if (pixbuf == NULL)
    return NULL;
  orientation = gdk_pixbuf_get_option (pixbuf, "orientation");
  g_debug ("decoded %dx%d, orientation %s", gdk_pixbuf_get_width (pixbuf),
           gdk_pixbuf_get_height (pixbuf), orientation ? orientation : "none");
  upright = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  if (upright == NULL)
    {
      g_set_error_literal (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_ENCODE,
                           _("There is not enough memory to store this photograph."));
      return NULL;
    }
  return stipple_photo_encode_pixbuf (upright, error);
}

/**
 * stipple_photo_strip_file:
 * @path: a JPEG or PNG file
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the stored form of the photo in @path
 */
StipplePhotoPixels *
stipple_photo_strip_file (const char  *path,
                          GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_autofree char *name = g_filename_display_basename (path);
      g_set_error (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_UNREADABLE,
                   _("“%s” could not be read: %s"), name, local_error->message);
      return NULL;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  return stipple_photo_strip (bytes, error);
}

/**
 * stipple_photo_decode:
 * @jpeg: a stored photo
 * @max_side: the longest side wanted, or 0 for the stored size
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the photo's pixels
 */
GdkPixbuf *
stipple_photo_decode (GBytes  *jpeg,
                      int      max_side,
                      GError **error)
{
  g_return_val_if_fail (jpeg != NULL, NULL);

  return load (jpeg, max_side, error);
}
