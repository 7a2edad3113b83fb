/* stipple-photo-compare.c
 *
 * Two photographs of one view, side by side or one over the other with a
 * slider between them; one zoom and one pan for both, so the same patch of
 * skin is always under the eye in each. Below, the view's timeline across
 * the course: every photo of it, oldest first; a click (or Enter, or
 * Space) puts it on the right, beside or over the first.
 *
 * Keys, on the pictures: + and − zoom, 0 fits, the arrows pan, O switches
 * side by side and overlay, [ and ] move the right photo along the
 * timeline. The slider is a GtkScale and takes the arrows itself.
 *
 * Photos are read and decoded on the store's writer, once, and kept for
 * as long as the window is open, so switching back to a pair only draws.
 * A photo that cannot be read is named in a message above the pictures.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-photo"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-photo-compare.h"
#include "stipple-photo-import.h"
#include "stipple-photo-reads.h"

/* The longest side a photo is decoded to for comparing. */
#define DISPLAY_SIDE 1280

struct _StipplePhotoCompare
{
  AdwWindow     parent_instance;

  StippleStore *store;
  GCancellable *cancellable;
  GPtrArray    *photos;
  /* Photo → its GdkTexture at display size, once read. */
  GHashTable   *textures;
  /* Photos being read on the writer. */
  GHashTable   *reading;
  guint         first;
  guint         second;
  gboolean      overlay;
  double        zoom;
  double        pan_x;
  double        pan_y;
  double        drag_x;
  double        drag_y;

  GtkWidget    *canvas;
  GtkWidget    *message;
  GtkWidget    *slider;
  GtkWidget    *overlay_button;
  GtkWidget    *caption;
  GtkWidget    *timeline;
};

G_DEFINE_FINAL_TYPE (StipplePhotoCompare, stipple_photo_compare, ADW_TYPE_WINDOW)

static void
show_problem (StipplePhotoCompare *self,
              const char          *message)
{
  gtk_label_set_text (GTK_LABEL (self->message), message ? message : "");
  gtk_widget_set_visible (self->message, message != NULL);
}

static void
keep_texture (StipplePhotoCompare *self,
              StipplePhoto        *photo,
              GdkPixbuf           *pixbuf)
{
  /* GdkTexture only here, on the main thread. */
  g_hash_table_insert (self->textures, photo, gdk_texture_new_for_pixbuf (pixbuf));
}

static GdkTexture *
texture_for (StipplePhotoCompare *self,
             guint                index)
{
  if (index >= self->photos->len)
    return NULL;
  return g_hash_table_lookup (self->textures, self->photos->pdata[index]);
}

typedef struct
{
  StipplePhotoCompare *self;
  StipplePhoto        *photo;
} Reading;

static void
reading_free (Reading *reading)
{
  g_clear_object (&reading->self);
  g_free (reading);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reading, reading_free)

static gpointer
read_photo_job (StippleStore  *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  /* At most the screen's size: a texture far larger than where it is
   * drawn costs the renderer every frame (docs/photographs.md). */
  return stipple_photo_read (store, data, DISPLAY_SIDE, error);
}

static void
photo_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Reading) reading = user_data;
  StipplePhotoCompare *self = reading->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  gboolean shown;

  pixbuf = stipple_store_run_finish (STIPPLE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_hash_table_remove (self->reading, reading->photo);
  /* Kept whenever it comes: a photo's pixels never change, so a late
   * one is never stale. It is drawn only if it is still in the pair. */
  shown = reading->photo == self->photos->pdata[self->first] ||
          reading->photo == self->photos->pdata[self->second];
  if (pixbuf == NULL)
    {
      if (shown)
        show_problem (self, error->message);
      return;
    }
  keep_texture (self, reading->photo, pixbuf);
  if (shown)
    gtk_widget_queue_draw (self->canvas);
}

/* Reads the photo at @index on the writer, unless it is read already or
 * on its way. */
static void
request_texture (StipplePhotoCompare *self,
                 guint                index)
{
  StipplePhoto *photo = self->photos->pdata[index];
  Reading *reading;

  if (g_hash_table_contains (self->textures, photo) || g_hash_table_contains (self->reading, photo))
    return;
  g_hash_table_add (self->reading, photo);
  reading = g_new0 (Reading, 1);
  reading->self = g_object_ref (self);
  reading->photo = photo;
  stipple_store_run_async (self->store, STIPPLE_STORE_LANE_WRITER, read_photo_job,
                           stipple_photo_copy (photo), (GDestroyNotify) stipple_photo_free,
                           g_object_unref, self->cancellable, photo_read_cb, reading,
                           request_texture);
}

/* One photo in @box, zoomed and panned as both are. */
static void
draw_photo (StipplePhotoCompare   *self,
            GtkSnapshot           *snapshot,
            GdkTexture            *texture,
            const graphene_rect_t *box)
{
  float iw = gdk_texture_get_width (texture);
  float ih = gdk_texture_get_height (texture);
  float scale = MIN (box->size.width / iw, box->size.height / ih) * self->zoom;
  float w = iw * scale, h = ih * scale;
  float x = box->origin.x + (box->size.width - w) / 2 + self->pan_x * box->size.width;
  float y = box->origin.y + (box->size.height - h) / 2 + self->pan_y * box->size.height;

  gtk_snapshot_push_clip (snapshot, box);
  gtk_snapshot_append_texture (snapshot, texture, &GRAPHENE_RECT_INIT (x, y, w, h));
  gtk_snapshot_pop (snapshot);
}

static void
canvas_snapshot (GtkDrawingArea *area,
                 GtkSnapshot    *snapshot,
                 int             width,
                 int             height,
                 gpointer        user_data);

static void
canvas_draw_func (GtkDrawingArea *area,
                  cairo_t        *cr,
                  int             width,
                  int             height,
                  gpointer        user_data)
{
}

static void
update_caption (StipplePhotoCompare *self)
{
  g_autofree char *a = stipple_photo_get_description (self->photos->pdata[self->first]);
  g_autofree char *b = stipple_photo_get_description (self->photos->pdata[self->second]);
  /* TRANSLATORS: the two photographs compared: left (or under) and right (or over). */
  g_autofree char *text = g_strdup_printf (_("%s  |  %s"), a, b);
  g_autofree char *name = g_strdup_printf (_("Comparison of %s with %s"), a, b);

  gtk_label_set_text (GTK_LABEL (self->caption), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
  gtk_widget_set_sensitive (self->slider, self->overlay);
}

/**
 * stipple_photo_compare_set_pair:
 * @self: a comparison
 * @first: the photo on the left (or underneath), by its place in the timeline
 * @second: the photo on the right (or on top)
 */
void
stipple_photo_compare_set_pair (StipplePhotoCompare *self,
                                guint                first,
                                guint                second)
{
  g_return_if_fail (STIPPLE_IS_PHOTO_COMPARE (self));
  g_return_if_fail (first < self->photos->len && second < self->photos->len);

  self->first = first;
  self->second = second;
  /* Drawn once both are read; until then the canvas stays dark. */
  show_problem (self, NULL);
  request_texture (self, first);
  request_texture (self, second);
  update_caption (self);
  gtk_widget_queue_draw (self->canvas);
}

/**
 * stipple_photo_compare_set_overlay:
 * @self: a comparison
 * @overlay: one over the other with the slider, or side by side
 */
void
stipple_photo_compare_set_overlay (StipplePhotoCompare *self,
                                   gboolean             overlay)
{
  g_return_if_fail (STIPPLE_IS_PHOTO_COMPARE (self));

  self->overlay = overlay;
  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->overlay_button)) != overlay)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->overlay_button), overlay);
  update_caption (self);
  gtk_widget_queue_draw (self->canvas);
}

/**
 * stipple_photo_compare_get_view:
 * @self: a comparison
 * @zoom: (out): the zoom both photos share, 1 when they fit
 * @pan_x: (out): their shared pan, in widths of a photo's box
 * @pan_y: (out): their shared pan, in heights
 */
void
stipple_photo_compare_get_view (StipplePhotoCompare *self,
                                double              *zoom,
                                double              *pan_x,
                                double              *pan_y)
{
  g_return_if_fail (STIPPLE_IS_PHOTO_COMPARE (self));

  *zoom = self->zoom;
  *pan_x = self->pan_x;
  *pan_y = self->pan_y;
}

/**
 * stipple_photo_compare_get_n_photos:
 * @self: a comparison
 *
 * Returns: the photos in the view's timeline
 */
guint
stipple_photo_compare_get_n_photos (StipplePhotoCompare *self)
{
  g_return_val_if_fail (STIPPLE_IS_PHOTO_COMPARE (self), 0);
  return self->photos->len;
}

/**
 * stipple_photo_compare_get_pair_ready:
 * @self: a comparison
 *
 * Returns: whether both photos of the pair are read and decoded, so
 *   that the canvas draws them
 */
gboolean
stipple_photo_compare_get_pair_ready (StipplePhotoCompare *self)
{
  g_return_val_if_fail (STIPPLE_IS_PHOTO_COMPARE (self), FALSE);
  return texture_for (self, self->first) != NULL && texture_for (self, self->second) != NULL;
}

static void
set_zoom (StipplePhotoCompare *self,
          double               zoom)
{
  self->zoom = CLAMP (zoom, 1.0, 8.0);
  if (self->zoom == 1.0)
    self->pan_x = self->pan_y = 0;
  gtk_widget_queue_draw (self->canvas);
}

static void
pan (StipplePhotoCompare *self,
     double               dx,
     double               dy)
{
  double limit = (self->zoom - 1) / 2;

  self->pan_x = CLAMP (self->pan_x + dx, -limit, limit);
  self->pan_y = CLAMP (self->pan_y + dy, -limit, limit);
  gtk_widget_queue_draw (self->canvas);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                gpointer               user_data)
{
  StipplePhotoCompare *self = user_data;
  double step = 0.1 / self->zoom;

  switch (keyval)
    {
    case GDK_KEY_plus: case GDK_KEY_equal: case GDK_KEY_KP_Add:
      set_zoom (self, self->zoom * 1.25);
      return TRUE;
    case GDK_KEY_minus: case GDK_KEY_KP_Subtract:
      set_zoom (self, self->zoom / 1.25);
      return TRUE;
    case GDK_KEY_0: case GDK_KEY_KP_0:
      set_zoom (self, 1.0);
      return TRUE;
    case GDK_KEY_Left:
      pan (self, step, 0);
      return TRUE;
    case GDK_KEY_Right:
      pan (self, -step, 0);
      return TRUE;
    case GDK_KEY_Up:
      pan (self, 0, step);
      return TRUE;
    case GDK_KEY_Down:
      pan (self, 0, -step);
      return TRUE;
    case GDK_KEY_o: case GDK_KEY_O:
      stipple_photo_compare_set_overlay (self, !self->overlay);
      return TRUE;
    case GDK_KEY_bracketleft:
      if (self->second > 0)
        stipple_photo_compare_set_pair (self, self->first, self->second - 1);
      return TRUE;
    case GDK_KEY_bracketright:
      if (self->second + 1 < self->photos->len)
        stipple_photo_compare_set_pair (self, self->first, self->second + 1);
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           gpointer                  user_data)
{
  StipplePhotoCompare *self = user_data;

  set_zoom (self, dy < 0 ? self->zoom * 1.1 : self->zoom / 1.1);
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               gpointer        user_data)
{
  StipplePhotoCompare *self = user_data;

  self->drag_x = self->drag_y = 0;
  gtk_widget_grab_focus (self->canvas);
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          x,
                double          y,
                gpointer        user_data)
{
  StipplePhotoCompare *self = user_data;
  double w = MAX (1, gtk_widget_get_width (self->canvas) / (self->overlay ? 1 : 2));
  double h = MAX (1, gtk_widget_get_height (self->canvas));

  pan (self, (x - self->drag_x) / w, (y - self->drag_y) / h);
  self->drag_x = x;
  self->drag_y = y;
}

static void
timeline_clicked_cb (GtkButton *button,
                     gpointer   user_data)
{
  StipplePhotoCompare *self = user_data;
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  stipple_photo_compare_set_pair (self, self->first, index);
}

static void
overlay_toggled_cb (GtkToggleButton *button,
                    gpointer         user_data)
{
  StipplePhotoCompare *self = user_data;

  if (self->overlay != gtk_toggle_button_get_active (button))
    stipple_photo_compare_set_overlay (self, gtk_toggle_button_get_active (button));
}

static void
slider_changed_cb (GtkRange *range,
                   gpointer  user_data)
{
  StipplePhotoCompare *self = user_data;

  gtk_widget_queue_draw (self->canvas);
}

static void
stipple_photo_compare_dispose (GObject *object)
{
  StipplePhotoCompare *self = STIPPLE_PHOTO_COMPARE (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (stipple_photo_compare_parent_class)->dispose (object);
}

static void
stipple_photo_compare_finalize (GObject *object)
{
  StipplePhotoCompare *self = STIPPLE_PHOTO_COMPARE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->reading, g_hash_table_unref);
  g_clear_pointer (&self->textures, g_hash_table_unref);
  g_clear_pointer (&self->photos, g_ptr_array_unref);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (stipple_photo_compare_parent_class)->finalize (object);
}

static void
stipple_photo_compare_class_init (StipplePhotoCompareClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = stipple_photo_compare_dispose;
  G_OBJECT_CLASS (klass)->finalize = stipple_photo_compare_finalize;
}

static void
stipple_photo_compare_init (StipplePhotoCompare *self)
{
  self->zoom = 1.0;
  self->cancellable = g_cancellable_new ();
  self->textures = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_object_unref);
  self->reading = g_hash_table_new (g_direct_hash, g_direct_equal);
}

/* The canvas: a drawing area whose snapshot is ours. */
typedef struct
{
  GtkDrawingArea parent_instance;
  StipplePhotoCompare *compare;
} StippleCompareCanvas;

typedef struct
{
  GtkDrawingAreaClass parent_class;
} StippleCompareCanvasClass;

GType stipple_compare_canvas_get_type (void);
G_DEFINE_TYPE (StippleCompareCanvas, stipple_compare_canvas, GTK_TYPE_DRAWING_AREA)

static void
stipple_compare_canvas_snapshot (GtkWidget   *widget,
                                 GtkSnapshot *snapshot)
{
  StippleCompareCanvas *canvas = (StippleCompareCanvas *) widget;

  canvas_snapshot (GTK_DRAWING_AREA (widget), snapshot, gtk_widget_get_width (widget),
                   gtk_widget_get_height (widget), canvas->compare);
}

static void
stipple_compare_canvas_class_init (StippleCompareCanvasClass *klass)
{
  GTK_WIDGET_CLASS (klass)->snapshot = stipple_compare_canvas_snapshot;
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_IMG);
}

static void
stipple_compare_canvas_init (StippleCompareCanvas *self)
{
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), canvas_draw_func, NULL, NULL);
}

static void
canvas_snapshot (GtkDrawingArea *area,
                 GtkSnapshot    *snapshot,
                 int             width,
                 int             height,
                 gpointer        user_data)
{
  StipplePhotoCompare *self = user_data;
  const GdkRGBA black = { 0.1f, 0.1f, 0.1f, 1 };
  const GdkRGBA divider = { 1, 1, 1, 0.9f };
  GdkTexture *a = texture_for (self, self->first);
  GdkTexture *b = texture_for (self, self->second);

  gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (a == NULL || b == NULL)
    return;
  if (!self->overlay)
    {
      draw_photo (self, snapshot, a, &GRAPHENE_RECT_INIT (0, 0, width / 2.0f - 2, height));
      draw_photo (self, snapshot, b, &GRAPHENE_RECT_INIT (width / 2.0f + 2, 0,
                                                          width / 2.0f - 2, height));
    }
  else
    {
      float split = width * gtk_range_get_value (GTK_RANGE (self->slider));
      graphene_rect_t all = GRAPHENE_RECT_INIT (0, 0, width, height);

      draw_photo (self, snapshot, a, &all);
      gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (split, 0, width - split, height));
      draw_photo (self, snapshot, b, &all);
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_append_color (snapshot, &divider, &GRAPHENE_RECT_INIT (split - 1, 0, 2, height));
    }
}

/* What the writer reads for a new comparison: the view's photos, their
 * thumbnails (%NULL where one could not be read) and the first pair at
 * display size. */
typedef struct
{
  gint64            patient_id;
  StipplePhotoView  view;
  StippleZone       zone;
} CompareRequest;

typedef struct
{
  StipplePhotoView  view;
  GPtrArray        *photos;
  GPtrArray        *thumbs;
  GdkPixbuf        *first;
  GdkPixbuf        *last;
  /* The first photo that could not be read, in words. */
  char             *problem;
} CompareLoad;

/* For arrays of thumbnails, where %NULL stands for one not read. */
static void
clear_thumb (gpointer thumb)
{
  if (thumb != NULL)
    g_object_unref (thumb);
}

static void
compare_load_free (CompareLoad *load)
{
  g_clear_pointer (&load->photos, g_ptr_array_unref);
  g_clear_pointer (&load->thumbs, g_ptr_array_unref);
  g_clear_object (&load->first);
  g_clear_object (&load->last);
  g_free (load->problem);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompareLoad, compare_load_free)

static void
note_problem (CompareLoad  *load,
              const GError *error)
{
  if (error != NULL && load->problem == NULL)
    load->problem = g_strdup (error->message);
}

static gpointer
compare_load_job (StippleStore  *store,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  CompareRequest *request = data;
  g_autoptr(CompareLoad) load = g_new0 (CompareLoad, 1);
  g_autoptr(GPtrArray) all = NULL;

  all = stipple_store_list_photos (store, request->patient_id, 0, FALSE, FALSE, error);
  if (all == NULL)
    return NULL;
  for (guint i = all->len; i > 0; i--)
    {
      StipplePhoto *p = all->pdata[i - 1];

      if (p->view != request->view || p->zone != request->zone)
        g_ptr_array_remove_index (all, i - 1);
    }
  if (all->len < 2)
    {
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                   _("There is nothing to compare yet: the view “%s” has fewer than two "
                     "photographs."), stipple_photo_view_get_name (request->view));
      return NULL;
    }

  load->view = request->view;
  load->thumbs = g_ptr_array_new_full (all->len, clear_thumb);
  for (guint i = 0; i < all->len; i++)
    {
      StipplePhoto *p = all->pdata[i];
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GError) unread = NULL;

      /* Read once, for the thumbnail and, for the first pair, the view. */
      p->jpeg = stipple_store_load_photo_pixels (store, p->id, &unread);
      if (p->jpeg == NULL)
        {
          stipple_photo_set_read_error (&local_error, p, unread);
          g_ptr_array_add (load->thumbs, NULL);
        }
      else
        g_ptr_array_add (load->thumbs, stipple_photo_read (store, p, 120, &local_error));
      note_problem (load, local_error);
      if ((i == 0 || i == all->len - 1) && local_error == NULL)
        {
          GdkPixbuf *pixbuf = stipple_photo_read (store, p, DISPLAY_SIDE, &local_error);

          note_problem (load, local_error);
          if (i == 0)
            load->first = pixbuf;
          else
            load->last = pixbuf;
        }
      g_clear_pointer (&p->jpeg, g_bytes_unref);
    }
  load->photos = g_steal_pointer (&all);
  return g_steal_pointer (&load);
}

/**
 * stipple_photo_compare_new_async:
 * @store: the patient file
 * @patient_id: the patient
 * @view: the view compared
 * @zone: the zone, for a close-up
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the main thread once the photos are read
 * @user_data: data for @callback
 *
 * Reads the view's photos on the store's writer, for a window that opens
 * on the first of them and the last one: the course so far.
 */
void
stipple_photo_compare_new_async (StippleStore        *store,
                                 gint64               patient_id,
                                 StipplePhotoView     view,
                                 StippleZone          zone,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  CompareRequest *request;

  g_return_if_fail (STIPPLE_IS_STORE (store));

  request = g_new0 (CompareRequest, 1);
  request->patient_id = patient_id;
  request->view = view;
  request->zone = zone;
  stipple_store_run_async (store, STIPPLE_STORE_LANE_WRITER, compare_load_job, request, g_free,
                           (GDestroyNotify) compare_load_free, cancellable, callback, user_data,
                           stipple_photo_compare_new_async);
}

/**
 * stipple_photo_compare_new_finish:
 * @store: the store given to stipple_photo_compare_new_async()
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * A photo that could not be read is named in the window's message, and
 * shown in the timeline by its name alone.
 *
 * Returns: (transfer full) (nullable): the window, or %NULL when the view
 *   has fewer than two photos or they could not be listed (@error says so)
 */
StipplePhotoCompare *
stipple_photo_compare_new_finish (StippleStore  *store,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_autoptr(CompareLoad) load = NULL;
  StipplePhotoCompare *self;
  GtkWidget *box, *header, *bar, *scroll, *keys;
  GtkEventController *controller;
  GtkGesture *drag;
  g_autofree char *title = NULL;

  g_return_val_if_fail (STIPPLE_IS_STORE (store), NULL);

  load = stipple_store_run_finish (store, result, error);
  if (load == NULL)
    return NULL;

  self = g_object_new (STIPPLE_TYPE_PHOTO_COMPARE, NULL);
  self->store = g_object_ref (store);
  self->photos = g_steal_pointer (&load->photos);
  if (load->first != NULL)
    keep_texture (self, self->photos->pdata[0], load->first);
  if (load->last != NULL)
    keep_texture (self, self->photos->pdata[self->photos->len - 1], load->last);
  title = g_strdup_printf (_("Compare: %s"), stipple_photo_view_get_name (load->view));
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_window_set_default_size (GTK_WINDOW (self), 1200, 760);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);

  bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  self->overlay_button = gtk_toggle_button_new_with_mnemonic (_("_Overlay"));
  gtk_widget_set_tooltip_text (self->overlay_button,
                               _("One photograph over the other, with a slider (O)"));
  g_signal_connect (self->overlay_button, "toggled", G_CALLBACK (overlay_toggled_cb), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->overlay_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Overlay"), -1);
  self->slider = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 0.01);
  gtk_range_set_value (GTK_RANGE (self->slider), 0.5);
  gtk_scale_set_draw_value (GTK_SCALE (self->slider), FALSE);
  gtk_widget_set_hexpand (self->slider, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->slider), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Where the upper photograph begins"), -1);
  g_signal_connect (self->slider, "value-changed", G_CALLBACK (slider_changed_cb), self);
  gtk_box_append (GTK_BOX (bar), self->overlay_button);
  gtk_box_append (GTK_BOX (bar), self->slider);
  gtk_box_append (GTK_BOX (box), bar);

  self->canvas = g_object_new (stipple_compare_canvas_get_type (), NULL);
  ((StippleCompareCanvas *) self->canvas)->compare = self;
  gtk_widget_set_hexpand (self->canvas, TRUE);
  gtk_widget_set_vexpand (self->canvas, TRUE);
  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (self->canvas, controller);
  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (self->canvas, controller);
  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (self->canvas, GTK_EVENT_CONTROLLER (drag));
  self->message = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->message), TRUE);
  gtk_widget_add_css_class (self->message, "error");
  gtk_widget_set_margin_start (self->message, 12);
  gtk_widget_set_margin_end (self->message, 12);
  gtk_widget_set_visible (self->message, FALSE);
  gtk_box_append (GTK_BOX (box), self->message);
  gtk_box_append (GTK_BOX (box), self->canvas);

  self->caption = gtk_label_new (NULL);
  gtk_box_append (GTK_BOX (box), self->caption);
  keys = gtk_label_new (_("Keys: + and − zoom, 0 fits, arrows pan, O overlay, [ and ] the "
                          "timeline"));
  gtk_widget_add_css_class (keys, "dim-label");
  gtk_box_append (GTK_BOX (box), keys);

  self->timeline = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->timeline), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Timeline of the view"), -1);
  for (guint i = 0; i < self->photos->len; i++)
    {
      StipplePhoto *p = self->photos->pdata[i];
      GdkPixbuf *thumb = load->thumbs->pdata[i];
      g_autofree char *name = stipple_photo_get_description (p);
      GtkWidget *button = gtk_button_new ();
      GtkWidget *picture = thumb ? gtk_picture_new_for_pixbuf (thumb) : gtk_label_new (name);

      gtk_widget_set_size_request (picture, 100, 75);
      gtk_button_set_child (GTK_BUTTON (button), picture);
      gtk_widget_set_tooltip_text (button, name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      name, -1);
      g_object_set_data (G_OBJECT (button), "index", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (timeline_clicked_cb), self);
      gtk_box_append (GTK_BOX (self->timeline), button);
    }
  scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), self->timeline);
  gtk_widget_set_size_request (scroll, -1, 100);
  gtk_widget_set_margin_start (scroll, 12);
  gtk_widget_set_margin_end (scroll, 12);
  gtk_widget_set_margin_bottom (scroll, 12);
  gtk_box_append (GTK_BOX (box), scroll);
  adw_window_set_content (ADW_WINDOW (self), box);

  stipple_photo_compare_set_pair (self, 0, self->photos->len - 1);
  /* After the pair, which clears the message of the last pair shown. */
  if (load->problem != NULL)
    show_problem (self, load->problem);
  gtk_widget_grab_focus (self->canvas);
  return self;
}
