/* stipple-photo-preview.c
 *
 * The live preview of a photograph about to be taken. Each camera frame
 * becomes a GdkMemoryTexture; over it, the same view from the patient's
 * first session as a translucent ghost, so the head is placed where it
 * was, and the guides: the facial midline, the horizontal thirds and the
 * Frankfort plane (tragus to lower orbital rim), along which the head is
 * levelled. Both can be switched off.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-photo"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-photo-preview.h"

/* The ghost's opacity: enough to line up with, not enough to mistake. */
#define GHOST_ALPHA 0.35f
/* Where the Frankfort plane sits when the face fills the frame as the
 * guides ask: eyes a little above the middle. */
#define FRANKFORT_Y 0.44f

struct _StipplePhotoPreview
{
  GtkWidget           parent_instance;

  StipplePhotoCamera *camera;
  gulong              frame_handler;
  GdkTexture         *frame;
  GdkTexture         *ghost;
  gboolean            show_ghost;
  gboolean            show_guides;
  guint64             n_drawn;
  PangoLayout        *frankfort_label;
};

G_DEFINE_FINAL_TYPE (StipplePhotoPreview, stipple_photo_preview, GTK_TYPE_WIDGET)

static void
frame_cb (StipplePhotoPreview *self)
{
  g_autoptr(GBytes) bytes = NULL;
  guint width, height;
  gsize stride;

  bytes = stipple_photo_camera_get_frame (self->camera, &width, &height, &stride);
  if (bytes == NULL || width == 0)
    return;
  g_clear_object (&self->frame);
  self->frame = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static graphene_rect_t
fit (float width,
     float height,
     float image_width,
     float image_height)
{
  float scale = MIN (width / image_width, height / image_height);
  float w = image_width * scale;
  float h = image_height * scale;

  return GRAPHENE_RECT_INIT ((width - w) / 2, (height - h) / 2, w, h);
}

static void
line (GtkSnapshot     *snapshot,
      float            x,
      float            y,
      float            w,
      float            h,
      const GdkRGBA   *color)
{
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, w, h));
}

static void
stipple_photo_preview_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  StipplePhotoPreview *self = STIPPLE_PHOTO_PREVIEW (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  const GdkRGBA black = { 0, 0, 0, 1 };
  const GdkRGBA guide = { 1, 0.85f, 0.2f, 0.9f };
  const GdkRGBA plane = { 0.3f, 0.9f, 1, 0.9f };
  GdkTexture *base = self->frame ? self->frame : self->ghost;
  graphene_rect_t r;

  line (snapshot, 0, 0, width, height, &black);
  if (base == NULL)
    return;

  r = fit (width, height, gdk_texture_get_width (base), gdk_texture_get_height (base));
  if (self->frame != NULL)
    gtk_snapshot_append_texture (snapshot, self->frame, &r);
  if (self->ghost != NULL && self->show_ghost)
    {
      /* The ghost's opacity is in its pixels (set_ghost): no offscreen
       * group a frame. */
      gtk_snapshot_append_texture (snapshot, self->ghost, &r);
    }
  if (self->show_guides)
    {
      float x = r.origin.x, y = r.origin.y, w = r.size.width, h = r.size.height;
      graphene_point_t at;

      /* Midline. */
      line (snapshot, x + w / 2 - 1, y, 2, h, &guide);
      /* Thirds: hairline to brow, brow to nose, nose to chin. */
      for (int i = 1; i < 3; i++)
        line (snapshot, x, y + h * i / 3 - 1, w, 2, &guide);
      /* The Frankfort plane, labelled. */
      line (snapshot, x, y + h * FRANKFORT_Y - 1, w, 2, &plane);
      if (self->frankfort_label == NULL)
        self->frankfort_label = gtk_widget_create_pango_layout (widget, _("Frankfort plane"));
      at = GRAPHENE_POINT_INIT (x + 8, y + h * FRANKFORT_Y - 20);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &at);
      gtk_snapshot_append_layout (snapshot, self->frankfort_label, &plane);
      gtk_snapshot_restore (snapshot);
    }
  self->n_drawn++;
}

static void
stipple_photo_preview_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 180;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 360;
}

static void
stipple_photo_preview_dispose (GObject *object)
{
  StipplePhotoPreview *self = STIPPLE_PHOTO_PREVIEW (object);

  stipple_photo_preview_set_camera (self, NULL);
  g_clear_object (&self->frame);
  g_clear_object (&self->ghost);
  g_clear_object (&self->frankfort_label);
  G_OBJECT_CLASS (stipple_photo_preview_parent_class)->dispose (object);
}

static void
stipple_photo_preview_class_init (StipplePhotoPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_photo_preview_dispose;
  widget_class->snapshot = stipple_photo_preview_snapshot;
  widget_class->measure = stipple_photo_preview_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "photo-preview");
}

static void
stipple_photo_preview_init (StipplePhotoPreview *self)
{
  self->show_ghost = TRUE;
  self->show_guides = TRUE;
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Camera preview"), -1);
}

/**
 * stipple_photo_preview_new:
 *
 * Returns: (transfer floating): a preview showing nothing yet
 */
GtkWidget *
stipple_photo_preview_new (void)
{
  return g_object_new (STIPPLE_TYPE_PHOTO_PREVIEW, NULL);
}

/**
 * stipple_photo_preview_set_camera:
 * @self: a preview
 * @camera: (nullable): the camera to show
 */
void
stipple_photo_preview_set_camera (StipplePhotoPreview *self,
                                  StipplePhotoCamera  *camera)
{
  g_return_if_fail (STIPPLE_IS_PHOTO_PREVIEW (self));

  if (self->camera != NULL)
    {
      g_clear_signal_handler (&self->frame_handler, self->camera);
      g_clear_object (&self->camera);
    }
  if (camera != NULL)
    {
      self->camera = g_object_ref (camera);
      self->frame_handler = g_signal_connect_swapped (camera, "frame", G_CALLBACK (frame_cb), self);
    }
}

/**
 * stipple_photo_preview_set_ghost:
 * @self: a preview
 * @ghost: (nullable): the same view from the patient's first session
 */
void
stipple_photo_preview_set_ghost (StipplePhotoPreview *self,
                                 GdkTexture          *ghost)
{
  g_return_if_fail (STIPPLE_IS_PHOTO_PREVIEW (self));

  g_clear_object (&self->ghost);
  if (ghost != NULL)
    {
      int width = gdk_texture_get_width (ghost);
      int height = gdk_texture_get_height (ghost);
      gsize stride = (gsize) width * 4;
      guchar *pixels = g_malloc (stride * height);
      guint8 alpha = (guint8) (GHOST_ALPHA * 255);
      g_autoptr(GBytes) bytes = NULL;

      /* Premultiplied: every channel scaled by the ghost's opacity. */
      gdk_texture_download (ghost, pixels, stride);
      for (gsize i = 0; i < stride * height; i++)
        pixels[i] = pixels[i] * alpha / 255;
      bytes = g_bytes_new_take (pixels, stride * height);
      self->ghost = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * stipple_photo_preview_set_show_ghost:
 * @self: a preview
 * @show: whether to draw the ghost
 */
void
stipple_photo_preview_set_show_ghost (StipplePhotoPreview *self,
                                      gboolean             show)
{
  g_return_if_fail (STIPPLE_IS_PHOTO_PREVIEW (self));

  self->show_ghost = show;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * stipple_photo_preview_set_show_guides:
 * @self: a preview
 * @show: whether to draw the midline, the thirds and the Frankfort plane
 */
void
stipple_photo_preview_set_show_guides (StipplePhotoPreview *self,
                                       gboolean             show)
{
  g_return_if_fail (STIPPLE_IS_PHOTO_PREVIEW (self));

  self->show_guides = show;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * stipple_photo_preview_get_n_drawn:
 * @self: a preview
 *
 * Returns: how many times the preview has been drawn, for measuring its
 *   frame rate
 */
guint64
stipple_photo_preview_get_n_drawn (StipplePhotoPreview *self)
{
  g_return_val_if_fail (STIPPLE_IS_PHOTO_PREVIEW (self), 0);
  return self->n_drawn;
}

/**
 * stipple_photo_preview_get_frame:
 * @self: a preview
 *
 * Returns: (transfer none) (nullable): the frame shown
 */
GdkTexture *
stipple_photo_preview_get_frame (StipplePhotoPreview *self)
{
  g_return_val_if_fail (STIPPLE_IS_PHOTO_PREVIEW (self), NULL);
  return self->frame;
}
