/* stipple-report-photos.c
 *
 * The session's before and after photographs in its report: one row a
 * view, before on the left and immediately after on the right. The JPEG
 * the patient file keeps (no metadata) is attached to the image as its
 * MIME data, so cairo's PDF surface embeds those very bytes (DCTDecode)
 * instead of re-encoding the pixels; a print preview draws the pixels.
 *
 * The patient's copy shows photographs only while the patient consents to
 * them, and never one hidden after the consent was withdrawn; the chart
 * copy, which the clinic must keep, shows those too, marked as withdrawn.
 * Names are in the report's language (stipple-i18n.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-report"

#include "config.h"

#include "stipple-i18n.h"
#include "stipple-photo-import.h"
#include "stipple-report-photos.h"
#include "stipple-store-photos.h"

static void
photo_free (gpointer p)
{
  StippleReportPhoto *photo = p;

  g_clear_pointer (&photo->jpeg, g_bytes_unref);
  g_free (photo);
}

/**
 * stipple_report_data_add_photo:
 * @data: report data
 * @view: a #StipplePhotoView
 * @zone: the zone of a close-up, or %STIPPLE_ZONE_NONE
 * @moment: a #StipplePhotoMoment
 * @jpeg: the photo as stored
 * @width: its width
 * @height: its height
 * @withdrawn: whether it is hidden since the consent was withdrawn
 */
void
stipple_report_data_add_photo (StippleReportData *data,
                               int                view,
                               StippleZone        zone,
                               int                moment,
                               GBytes            *jpeg,
                               guint              width,
                               guint              height,
                               gboolean           withdrawn)
{
  StippleReportPhoto *photo;

  g_return_if_fail (data != NULL);
  g_return_if_fail (jpeg != NULL);

  if (data->photos == NULL)
    data->photos = g_ptr_array_new_with_free_func (photo_free);
  photo = g_new0 (StippleReportPhoto, 1);
  photo->view = view;
  photo->zone = zone;
  photo->moment = moment;
  photo->jpeg = g_bytes_ref (jpeg);
  photo->width = width;
  photo->height = height;
  photo->withdrawn = withdrawn;
  g_ptr_array_add (data->photos, photo);
}

static void
pair_free (gpointer p)
{
  StippleReportPhotoPair *pair = p;

  g_free (pair->title);
  g_free (pair->before_caption);
  g_free (pair->after_caption);
  g_free (pair);
}

static char *
caption (const StippleReportPhoto *photo)
{
  if (photo == NULL)
    return g_strdup (_("Not taken"));
  if (photo->withdrawn)
    /* TRANSLATORS: under a photo in the clinic's copy of the report. */
    return g_strdup_printf (_("%s — consent withdrawn; kept for the clinic’s record only"),
                            stipple_photo_moment_get_name (photo->moment));
  return g_strdup (stipple_photo_moment_get_name (photo->moment));
}

/**
 * stipple_report_photo_pairs:
 * @data: report data
 * @chart: the chart copy (every photo) or the patient's (only with
 *   consent, none withdrawn)
 *
 * Returns: (transfer full) (element-type StippleReportPhotoPair): a pair
 *   per view (and per zone, for close-ups), in the order of the views
 */
GPtrArray *
stipple_report_photo_pairs (const StippleReportData *data,
                            gboolean                 chart)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (pair_free);

  if (data->photos == NULL || (!chart && !data->consent_photographs))
    return pairs;

  for (int view = 0; view < STIPPLE_PHOTO_N_VIEWS; view++)
    for (int zone = 0; zone < STIPPLE_N_ZONES; zone++)
      {
        const StippleReportPhoto *before = NULL, *after = NULL;
        StippleReportPhotoPair *pair;

        if ((view == STIPPLE_PHOTO_VIEW_CLOSE_UP) != (zone != STIPPLE_ZONE_NONE))
          continue;
        for (guint i = 0; i < data->photos->len; i++)
          {
            const StippleReportPhoto *p = g_ptr_array_index (data->photos, i);

            if (p->view != view || (int) p->zone != zone || (p->withdrawn && !chart) ||
                g_bytes_get_size (p->jpeg) == 0)
              continue;
            if (p->moment == STIPPLE_PHOTO_MOMENT_AFTER)
              after = after ? after : p;
            else if (before == NULL || (before->moment == STIPPLE_PHOTO_MOMENT_NEXT_VISIT &&
                                        p->moment == STIPPLE_PHOTO_MOMENT_BEFORE))
              before = p;
          }
        if (before == NULL && after == NULL)
          continue;
        pair = g_new0 (StippleReportPhotoPair, 1);
        pair->title = zone != STIPPLE_ZONE_NONE
                      ? g_strdup_printf ("%s, %s", stipple_photo_view_get_name (view),
                                         stipple_zone_get_name (zone))
                      : g_strdup (stipple_photo_view_get_name (view));
        pair->before = before;
        pair->after = after;
        pair->before_caption = caption (before);
        pair->after_caption = caption (after);
        g_ptr_array_add (pairs, pair);
      }
  return pairs;
}

/* The pixels as cairo wants them, with the stored JPEG attached. */
static cairo_surface_t *
photo_surface (const StippleReportPhoto *photo)
{
  g_autoptr(GdkPixbuf) pixbuf = stipple_photo_decode (photo->jpeg, 0, NULL);
  cairo_surface_t *surface;
  const guchar *src;
  guchar *dst;
  int width, height, src_stride, dst_stride, channels;

  if (pixbuf == NULL)
    return NULL;
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  src = gdk_pixbuf_read_pixels (pixbuf);
  src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_surface_flush (surface);
  dst = cairo_image_surface_get_data (surface);
  dst_stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < height; y++)
    {
      const guchar *s = src + (gsize) y * src_stride;
      guint32 *d = (guint32 *) (dst + (gsize) y * dst_stride);

      for (int x = 0; x < width; x++, s += channels)
        d[x] = 0xff000000u | ((guint32) s[0] << 16) | ((guint32) s[1] << 8) | s[2];
    }
  cairo_surface_mark_dirty (surface);
  cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG,
                               g_bytes_get_data (photo->jpeg, NULL), g_bytes_get_size (photo->jpeg),
                               (cairo_destroy_func_t) g_bytes_unref, g_bytes_ref (photo->jpeg));
  return surface;
}

/**
 * stipple_report_draw_photo:
 * @cr: where to draw
 * @photo: a photo
 * @x: the left of its box
 * @y: the top of its box
 * @width: the box's width
 * @height: the box's height
 *
 * Draws @photo as large as fits in the box, centred.
 */
void
stipple_report_draw_photo (cairo_t                  *cr,
                           const StippleReportPhoto *photo,
                           double                    x,
                           double                    y,
                           double                    width,
                           double                    height)
{
  cairo_surface_t *surface = photo_surface (photo);
  double scale, w, h;

  if (surface == NULL)
    return;
  scale = MIN (width / cairo_image_surface_get_width (surface),
               height / cairo_image_surface_get_height (surface));
  w = cairo_image_surface_get_width (surface) * scale;
  h = cairo_image_surface_get_height (surface) * scale;
  cairo_save (cr);
  cairo_translate (cr, x + (width - w) / 2, y + (height - h) / 2);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surface);
}
