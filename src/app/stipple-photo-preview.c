/* stipple-photo-preview.c
 *
 * The live preview of a photograph about to be taken. Each camera frame
 * becomes a GdkMemoryTexture; over it, the same view from the patient's
 * first session as a translucent ghost, so the head is placed where it
 * was, and the guides: the facial midline, the horizontal thirds and the
 * Frankfort plane (tragus to lower orbital rim), along which the head is
 * levelled. Both can be switched off.
 *
 * A frame must cost the UI thread next to nothing, even when GSK draws
 * with cairo (software): the camera is asked for frames at exactly the
 * size, in device pixels, of the rectangle they are drawn in, already in
 * cairo's pixel layout, so the texture is made on GStreamer's bytes and
 * drawn without scaling or conversion; the ghost is scaled to the same
 * rectangle and its opacity baked into its pixels once, when that
 * rectangle changes, so a frame is two unscaled textures and a few
 * coloured rectangles.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-photo"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "stipple-photo-preview.h"

/* The ghost's opacity: enough to line up with, not enough to mistake. */
#define GHOST_ALPHA 0.35
/* Where the Frankfort plane sits when the face fills the frame as the
 * guides ask: eyes a little above the middle. */
#define FRANKFORT_Y 0.44f

struct _StipplePhotoPreview
{
  GtkWidget           parent_instance;

  StipplePhotoCamera *camera;
  gulong              frame_handler;
  GdkTexture         *frame;
  guint64             frame_number;
  /* The ghost as given, and as drawn: scaled to the picture's rectangle,
   * its opacity in its pixels. */
  GdkTexture         *ghost;
  GdkTexture         *ghost_shown;
  graphene_rect_t     ghost_rect;
  gboolean            show_ghost;
  gboolean            show_guides;
  /* Where the picture goes, in widget coordinates, on whole device
   * pixels; and its size in device pixels. */
  graphene_rect_t     picture;
  int                 device_width;
  int                 device_height;
  guint64             n_drawn;
  guint64             drawn_frame;
  gboolean            drawn_ghost;
  PangoLayout        *frankfort_label;
};

G_DEFINE_FINAL_TYPE (StipplePhotoPreview, stipple_photo_preview, GTK_TYPE_WIDGET)

/* The largest rectangle of @image_width × @image_height's shape that fits
 * in @width × @height, centred, on whole pixels at @scale. */
static graphene_rect_t
fit (int    width,
     int    height,
     double image_width,
     double image_height,
     int    scale)
{
  double s = MIN (width / image_width, height / image_height);
  int w = MAX (1, (int) floor (image_width * s * scale));
  int h = MAX (1, (int) floor (image_height * s * scale));

  return GRAPHENE_RECT_INIT ((float) ((width * scale - w) / 2) / scale,
                             (float) ((height * scale - h) / 2) / scale,
                             (float) w / scale, (float) h / scale);
}

/* Works out where the picture goes, and asks the camera for frames of
 * exactly that size: the pipeline scales, the screen does not. */
static void
update_layout (StipplePhotoPreview *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  guint source_width = 0, source_height = 0;

  if (self->camera != NULL)
    stipple_photo_camera_get_source_size (self->camera, &source_width, &source_height);
  if (source_width == 0 && self->frame != NULL)
    {
      source_width = gdk_texture_get_width (self->frame);
      source_height = gdk_texture_get_height (self->frame);
    }
  if (source_width == 0 && self->ghost != NULL)
    {
      source_width = gdk_texture_get_width (self->ghost);
      source_height = gdk_texture_get_height (self->ghost);
    }
  if (width <= 0 || height <= 0 || source_width == 0 || source_height == 0)
    return;

  self->picture = fit (width, height, source_width, source_height, scale);
  self->device_width = (int) roundf (self->picture.size.width * scale);
  self->device_height = (int) roundf (self->picture.size.height * scale);
  if (self->camera != NULL)
    stipple_photo_camera_set_preview_size (self->camera, self->device_width, self->device_height);
}

static void
frame_cb (StipplePhotoPreview *self)
{
  g_autoptr(GBytes) bytes = NULL;
  guint width, height;
  gsize stride;
  guint64 number;

  bytes = stipple_photo_camera_get_frame (self->camera, &width, &height, &stride, &number);
  if (bytes == NULL || width == 0 || number == self->frame_number)
    return;
  g_clear_object (&self->frame);
  /* GStreamer's own bytes, in GDK's default layout: no copy, no
   * conversion. */
  self->frame = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
  self->frame_number = number;
  if (self->device_width == 0)
    update_layout (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The ghost, scaled once to @width × @height device pixels, with its
 * opacity in its premultiplied pixels. */
static GdkTexture *
scale_ghost (GdkTexture *ghost,
             int         width,
             int         height)
{
  int ghost_width = gdk_texture_get_width (ghost);
  int ghost_height = gdk_texture_get_height (ghost);
  cairo_surface_t *source = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, ghost_width,
                                                        ghost_height);
  cairo_surface_t *target = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  g_autoptr(GBytes) bytes = NULL;
  cairo_t *cr;

  /* cairo's ARGB32 is GDK_MEMORY_DEFAULT. */
  gdk_texture_download (ghost, cairo_image_surface_get_data (source),
                        cairo_image_surface_get_stride (source));
  cairo_surface_mark_dirty (source);
  cr = cairo_create (target);
  cairo_scale (cr, (double) width / ghost_width, (double) height / ghost_height);
  cairo_set_source_surface (cr, source, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint_with_alpha (cr, GHOST_ALPHA);
  cairo_destroy (cr);
  cairo_surface_destroy (source);
  cairo_surface_flush (target);

  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (target),
                                      (gsize) cairo_image_surface_get_stride (target) * height,
                                      (GDestroyNotify) cairo_surface_destroy, target);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes,
                                 cairo_image_surface_get_stride (target));
}

/* The ghost keeps its own shape inside the picture's rectangle; it is
 * scaled again only when the size it is drawn at changes. */
static void
update_ghost_shown (StipplePhotoPreview *self)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  graphene_rect_t r;
  int w, h;

  if (self->ghost == NULL || self->device_width == 0)
    {
      g_clear_object (&self->ghost_shown);
      return;
    }
  r = fit (self->device_width, self->device_height, gdk_texture_get_width (self->ghost),
           gdk_texture_get_height (self->ghost), 1);
  w = (int) r.size.width;
  h = (int) r.size.height;
  self->ghost_rect = GRAPHENE_RECT_INIT (self->picture.origin.x + r.origin.x / scale,
                                         self->picture.origin.y + r.origin.y / scale,
                                         (float) w / scale, (float) h / scale);
  if (self->ghost_shown != NULL && gdk_texture_get_width (self->ghost_shown) == w &&
      gdk_texture_get_height (self->ghost_shown) == h)
    return;
  g_clear_object (&self->ghost_shown);
  self->ghost_shown = scale_ghost (self->ghost, w, h);
}

static void
rectangle (GtkSnapshot     *snapshot,
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
  gboolean ghost = FALSE;
  graphene_rect_t r;

  rectangle (snapshot, 0, 0, width, height, &black);
  if (self->device_width == 0)
    update_layout (self);
  if (self->device_width == 0 || (self->frame == NULL && self->ghost == NULL))
    return;
  r = self->picture;

  /* A frame of the size asked for is drawn pixel for pixel; one still
   * on its way from before a resize is scaled, for a frame or two. */
  if (self->frame != NULL)
    gtk_snapshot_append_texture (snapshot, self->frame, &r);
  if (self->ghost != NULL && self->show_ghost)
    {
      update_ghost_shown (self);
      /* The ghost's opacity is in its pixels: no offscreen group a
       * frame. */
      if (self->ghost_shown != NULL)
        {
          gtk_snapshot_append_texture (snapshot, self->ghost_shown, &self->ghost_rect);
          ghost = TRUE;
        }
    }
  if (self->show_guides)
    {
      float x = r.origin.x, y = r.origin.y, w = r.size.width, h = r.size.height;
      graphene_point_t at;

      /* Midline. */
      rectangle (snapshot, roundf (x + w / 2 - 1), y, 2, h, &guide);
      /* Thirds: hairline to brow, brow to nose, nose to chin. */
      for (int i = 1; i < 3; i++)
        rectangle (snapshot, x, roundf (y + h * i / 3 - 1), w, 2, &guide);
      /* The Frankfort plane, labelled. */
      rectangle (snapshot, x, roundf (y + h * FRANKFORT_Y - 1), w, 2, &plane);
      if (self->frankfort_label == NULL)
        self->frankfort_label = gtk_widget_create_pango_layout (widget, _("Frankfort plane"));
      at = GRAPHENE_POINT_INIT (x + 8, roundf (y + h * FRANKFORT_Y - 20));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &at);
      gtk_snapshot_append_layout (snapshot, self->frankfort_label, &plane);
      gtk_snapshot_restore (snapshot);
    }
  self->n_drawn++;
  self->drawn_frame = self->frame != NULL ? self->frame_number : 0;
  self->drawn_ghost = ghost;
}

static void
stipple_photo_preview_size_allocate (GtkWidget *widget,
                                     int        width,
                                     int        height,
                                     int        baseline)
{
  update_layout (STIPPLE_PHOTO_PREVIEW (widget));
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
  g_clear_object (&self->ghost_shown);
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
  widget_class->size_allocate = stipple_photo_preview_size_allocate;
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
  self->frame_number = 0;
  self->device_width = self->device_height = 0;
  update_layout (self);
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
  g_return_if_fail (ghost == NULL || GDK_IS_TEXTURE (ghost));

  if (ghost != NULL)
    g_object_ref (ghost);
  g_clear_object (&self->ghost);
  g_clear_object (&self->ghost_shown);
  self->ghost = ghost;
  if (self->device_width == 0)
    update_layout (self);
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

/**
 * stipple_photo_preview_get_drawn_frame:
 * @self: a preview
 * @with_ghost: (out) (optional): whether the ghost was drawn over it
 *
 * Returns: the camera's number of the frame last drawn (as counted by
 *   stipple_photo_camera_get_n_frames()), 0 before the first
 */
guint64
stipple_photo_preview_get_drawn_frame (StipplePhotoPreview *self,
                                       gboolean            *with_ghost)
{
  g_return_val_if_fail (STIPPLE_IS_PHOTO_PREVIEW (self), 0);
  if (with_ghost != NULL)
    *with_ghost = self->drawn_ghost;
  return self->drawn_frame;
}

/**
 * stipple_photo_preview_get_ghost:
 * @self: a preview
 *
 * Returns: (transfer none) (nullable): the ghost, as set (not yet scaled,
 *   nor see-through)
 */
GdkTexture *
stipple_photo_preview_get_ghost (StipplePhotoPreview *self)
{
  g_return_val_if_fail (STIPPLE_IS_PHOTO_PREVIEW (self), NULL);
  return self->ghost;
}

/**
 * stipple_photo_preview_get_camera:
 * @self: a preview
 *
 * Returns: (transfer none) (nullable): the camera shown
 */
StipplePhotoCamera *
stipple_photo_preview_get_camera (StipplePhotoPreview *self)
{
  g_return_val_if_fail (STIPPLE_IS_PHOTO_PREVIEW (self), NULL);
  return self->camera;
}

/**
 * stipple_photo_preview_get_picture:
 * @self: a preview
 * @picture: (out): where the camera's picture is drawn, in the widget's
 *   coordinates (empty before the first frame)
 *
 * The preview asks the camera for frames of this size in device pixels.
 */
void
stipple_photo_preview_get_picture (StipplePhotoPreview *self,
                                   graphene_rect_t     *picture)
{
  g_return_if_fail (STIPPLE_IS_PHOTO_PREVIEW (self));
  *picture = self->picture;
}
