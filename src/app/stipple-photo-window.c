/* stipple-photo-window.c
 *
 * A session's photographs: the live preview with its ghost and guides,
 * the standard views of the moment chosen (before, immediately after, at
 * the next visit) with those still missing, capture and import, and the
 * photos taken so far, each named for screen readers. The consent to
 * photographs decides in the store: without it nothing is taken, the
 * clinician is told why and the refusal is recorded.
 *
 * The window reads the patient file only through jobs on the store's
 * writer (stipple-photo-reads.c), which also decode the photos; their
 * replies come back in their own time, and a photo that cannot be read
 * is named in the message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-photo"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-photo-camera.h"
#include "stipple-photo-compare.h"
#include "stipple-photo-import.h"
#include "stipple-photo-preview.h"
#include "stipple-photo-reads.h"
#include "stipple-photo-window.h"

struct _StipplePhotoWindow
{
  AdwWindow            parent_instance;

  /* Owned. */
  StippleStore        *store;
  GSettings           *settings;
  StipplePhotoCamera  *camera;
  GCancellable        *cancellable;
  GPtrArray           *photos;
  char                *clinician;
  gint64               patient_id;
  gint64               session_id;
  StipplePhotoView     view;
  guint                busy;
  /* Of the latest reads of the session's photos and of the ghost. */
  guint                list_generation;
  guint                ghost_generation;

  /* Widgets. */
  GtkWidget           *preview;
  GtkDropDown         *moment_drop;
  GtkDropDown         *zone_drop;
  GtkListBox          *view_list;
  GtkWidget           *view_status[STIPPLE_PHOTO_N_VIEWS];
  GtkWidget           *view_rows[STIPPLE_PHOTO_N_VIEWS];
  GtkLabel            *missing_label;
  GtkLabel            *message_label;
  GtkLabel            *notes_label;
  GtkFlowBox          *taken_box;
  GtkWidget           *take_button;
  GtkWidget           *import_button;
};

G_DEFINE_FINAL_TYPE (StipplePhotoWindow, stipple_photo_window, ADW_TYPE_WINDOW)

static StipplePhotoMoment
current_moment (StipplePhotoWindow *self)
{
  return gtk_drop_down_get_selected (self->moment_drop);
}

static StippleZone
current_zone (StipplePhotoWindow *self)
{
  if (self->view != STIPPLE_PHOTO_VIEW_CLOSE_UP)
    return STIPPLE_ZONE_NONE;
  return gtk_drop_down_get_selected (self->zone_drop) + 1;
}

static void
show_message (StipplePhotoWindow *self,
              const char         *message,
              gboolean            problem)
{
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (problem)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

/* What a reply from the store is for: the window, and which of its
 * requests it answers. A reply whose generation is not the window's
 * latest is stale: a newer request has been made since, so it is
 * dropped rather than shown over the newer answer. */
typedef struct
{
  StipplePhotoWindow *self;
  guint               generation;
} Reply;

static Reply *
reply_new (StipplePhotoWindow *self,
           guint               generation)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->self = g_object_ref (self);
  reply->generation = generation;
  return reply;
}

static void
reply_free (Reply *reply)
{
  g_clear_object (&reply->self);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static void
ghost_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Reply) reply = user_data;
  StipplePhotoWindow *self = reply->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  pixbuf = stipple_store_run_finish (STIPPLE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      reply->generation != self->ghost_generation)
    return;
  if (error != NULL)
    show_message (self, error->message, TRUE);
  /* GdkTexture only here, on the main thread. */
  if (pixbuf != NULL)
    texture = gdk_texture_new_for_pixbuf (pixbuf);
  stipple_photo_preview_set_ghost (STIPPLE_PHOTO_PREVIEW (self->preview), texture);
}

static void
update_ghost (StipplePhotoWindow *self)
{
  StipplePhotoGhostRequest *request = g_new0 (StipplePhotoGhostRequest, 1);

  request->patient_id = self->patient_id;
  request->view = self->view;
  request->zone = current_zone (self);
  stipple_store_run_async (self->store, STIPPLE_STORE_LANE_WRITER, stipple_photo_ghost_job, request, g_free,
                           g_object_unref, self->cancellable, ghost_read_cb,
                           reply_new (self, ++self->ghost_generation), update_ghost);
}

static gboolean
photo_present (StipplePhotoWindow *self,
               StipplePhotoView    view,
               StipplePhotoMoment  moment)
{
  for (guint i = 0; i < self->photos->len; i++)
    {
      StipplePhoto *p = self->photos->pdata[i];

      if (p->view == view && p->moment == moment)
        return TRUE;
    }
  return FALSE;
}

/* Which views of the moment chosen are taken, and which still missing. */
static void
show_views (StipplePhotoWindow *self)
{
  g_autoptr(GString) missing = g_string_new (NULL);
  StipplePhotoMoment moment = current_moment (self);

  for (guint v = 0; v < STIPPLE_PHOTO_N_VIEWS; v++)
    {
      gboolean taken = photo_present (self, v, moment);
      g_autofree char *name = g_strdup_printf ("%s: %s", stipple_photo_view_get_name (v),
                                               taken ? _("taken") : _("missing"));

      gtk_label_set_text (GTK_LABEL (self->view_status[v]), taken ? "✓" : "—");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->view_rows[v]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      /* The close-up is for the zone treated, when there is one: not
       * counted as missing. */
      if (!taken && v != STIPPLE_PHOTO_VIEW_CLOSE_UP)
        g_string_append_printf (missing, "%s%s", missing->len ? ", " : "",
                                stipple_photo_view_get_name (v));
    }
  if (missing->len > 0)
    {
      g_autofree char *text = g_strdup_printf (_("Still missing (%s): %s"),
                                               stipple_photo_moment_get_name (moment),
                                               missing->str);
      gtk_label_set_text (self->missing_label, text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("Every standard view is taken (%s)."),
                                               stipple_photo_moment_get_name (moment));
      gtk_label_set_text (self->missing_label, text);
    }
}

static void
session_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Reply) reply = user_data;
  StipplePhotoWindow *self = reply->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleSessionPhotos) listed = NULL;
  GtkWidget *child;

  listed = stipple_store_run_finish (STIPPLE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      reply->generation != self->list_generation)
    return;
  if (listed == NULL)
    {
      show_message (self, error->message, TRUE);
      return;
    }
  g_clear_pointer (&self->photos, g_ptr_array_unref);
  self->photos = g_steal_pointer (&listed->photos);
  show_views (self);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->taken_box))) != NULL)
    gtk_flow_box_remove (self->taken_box, child);
  for (guint i = 0; i < self->photos->len; i++)
    {
      StipplePhoto *p = self->photos->pdata[i];
      GdkPixbuf *thumb = listed->thumbs->pdata[i];
      g_autofree char *name = stipple_photo_get_description (p);
      GtkWidget *picture;

      if (thumb == NULL)
        continue;
      picture = gtk_picture_new_for_pixbuf (thumb);
      gtk_widget_set_size_request (picture, 120, 90);
      gtk_picture_set_alternative_text (GTK_PICTURE (picture), name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      name, -1);
      gtk_widget_set_tooltip_text (picture, name);
      gtk_flow_box_append (self->taken_box, picture);
    }
  if (listed->problem != NULL)
    show_message (self, listed->problem, TRUE);
}

/* The session's photos, read again on the writer. */
static void
refresh (StipplePhotoWindow *self)
{
  StipplePhotoSessionRequest *request = g_new0 (StipplePhotoSessionRequest, 1);

  request->patient_id = self->patient_id;
  request->session_id = self->session_id;
  stipple_store_run_async (self->store, STIPPLE_STORE_LANE_WRITER, stipple_photo_list_session_job, request,
                           g_free, (GDestroyNotify) stipple_session_photos_free, self->cancellable,
                           session_listed_cb, reply_new (self, ++self->list_generation), refresh);
}

typedef struct
{
  StipplePhoto *photo;
  GdkPixbuf    *pixbuf;
  GFile        *file;
} StoreJob;

static void
store_job_free (StoreJob *job)
{
  g_clear_pointer (&job->photo, stipple_photo_free);
  g_clear_object (&job->pixbuf);
  g_clear_object (&job->file);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreJob, store_job_free)

/* On a worker: decode and strip (a file) or encode (a frame). Pixels
 * only: the photograph is stored afterwards, through the store. */
static void
pixels_thread_cb (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  StoreJob *job = task_data;
  g_autoptr(StipplePhotoPixels) pixels = NULL;
  g_autoptr(GError) error = NULL;

  if (job->file != NULL)
    {
      g_autofree char *path = g_file_get_path (job->file);
      g_autoptr(GBytes) bytes = NULL;

      if (path != NULL)
        pixels = stipple_photo_strip_file (path, &error);
      else if ((bytes = g_file_load_bytes (job->file, cancellable, NULL, &error)) != NULL)
        pixels = stipple_photo_strip (bytes, &error);
    }
  else
    pixels = stipple_photo_encode_pixbuf (job->pixbuf, &error);
  if (pixels == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->photo->width = pixels->width;
  job->photo->height = pixels->height;
  job->photo->jpeg = g_bytes_ref (pixels->jpeg);
  g_task_return_boolean (task, TRUE);
}

/* While a photo is on its way (consent asked, pixels made, stored),
 * nothing else is taken or imported. */
static void
set_busy (StipplePhotoWindow *self,
          gboolean            busy)
{
  self->busy += busy ? 1 : -1;
  gtk_widget_set_sensitive (self->take_button, self->busy == 0);
  gtk_widget_set_sensitive (self->import_button, self->busy == 0);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StipplePhotoWindow) self = user_data;
  g_autoptr(StipplePhoto) photo = NULL;
  g_autoptr(GError) error = NULL;

  photo = stipple_store_add_photo_finish (STIPPLE_STORE (object), result, &error);
  /* Cancelled: the window is gone, and its widgets with it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (photo == NULL)
    {
      show_message (self, error->message, TRUE);
      return;
    }
  {
    g_autofree char *name = stipple_photo_get_description (photo);
    g_autofree char *text = g_strdup_printf (_("Stored: %s"), name);

    show_message (self, text, FALSE);
  }
  refresh (self);
  update_ghost (self);
}

static void
pixels_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  StipplePhotoWindow *self = STIPPLE_PHOTO_WINDOW (object);
  StoreJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      show_message (self, error->message, TRUE);
      return;
    }
  stipple_store_add_photo_async (self->store, job->photo, self->cancellable, stored_cb,
                                 g_object_ref (self));
}

/* Pixels first, on a worker; then the store, in its own turn. The
 * window is busy already, since the consent was asked. */
static void
store_photo (StipplePhotoWindow *self,
             StoreJob           *job)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, pixels_cb, NULL);

  g_task_set_task_data (task, job, (GDestroyNotify) store_job_free);
  g_task_run_in_thread (task, pixels_thread_cb);
}

static StipplePhoto *
new_photo (StipplePhotoWindow *self,
           StipplePhotoSource  source)
{
  StipplePhoto *photo = stipple_photo_new ();

  photo->patient_id = self->patient_id;
  photo->session_id = self->session_id;
  photo->view = self->view;
  photo->zone = current_zone (self);
  photo->moment = current_moment (self);
  photo->taken_by = g_strdup (self->clinician);
  photo->source = source;
  return photo;
}

/* What the clinician asked for, waiting for the consent. */
typedef enum
{
  WANT_TAKE,
  WANT_IMPORT,
  WANT_CHOOSE,
} Want;

typedef struct
{
  StipplePhotoWindow *self;
  Want                want;
  /* The view and moment as they were chosen when asked. */
  StipplePhoto       *photo;
  GFile              *file;
} Pending;

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->self);
  g_clear_pointer (&pending->photo, stipple_photo_free);
  g_clear_object (&pending->file);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

static void open_chooser (StipplePhotoWindow *self);

static void
consent_checked_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  StipplePhotoWindow *self = pending->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePhotoConsentAnswer) answer = NULL;
  g_autoptr(GdkPixbuf) frame = NULL;
  g_autoptr(StoreJob) job = NULL;

  answer = stipple_store_run_finish (STIPPLE_STORE (object), result, &error);
  /* Cancelled: the window is gone, and its widgets with it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (answer == NULL || answer->consent != STIPPLE_PHOTO_CONSENT_GIVEN ||
      pending->want == WANT_CHOOSE)
    set_busy (self, FALSE);
  if (answer == NULL)
    {
      show_message (self, error->message, TRUE);
      return;
    }
  /* Without consent nothing is read from the camera or a file. */
  if (answer->consent != STIPPLE_PHOTO_CONSENT_GIVEN)
    {
      g_autofree char *text = g_strdup_printf (_("No photograph taken: %s"),
                                               stipple_photo_refusal_reason (answer->consent));

      if (answer->unrecorded != NULL)
        {
          g_autofree char *both = g_strdup_printf ("%s\n%s", text, answer->unrecorded->message);

          show_message (self, both, TRUE);
        }
      else
        show_message (self, text, TRUE);
      return;
    }

  switch (pending->want)
    {
    case WANT_CHOOSE:
      open_chooser (self);
      return;
    case WANT_TAKE:
      /* The consent was given since the window opened: its camera is
       * opened with the next window. */
      if (self->camera == NULL)
        g_set_error_literal (&error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_NO_CAMERA,
                             _("The camera has not sent a picture yet."));
      else
        frame = stipple_photo_camera_grab (self->camera, &error);
      if (frame == NULL)
        {
          set_busy (self, FALSE);
          show_message (self, error->message, TRUE);
          return;
        }
      break;
    case WANT_IMPORT:
      break;
    default:
      g_assert_not_reached ();
    }
  job = g_new0 (StoreJob, 1);
  job->photo = g_steal_pointer (&pending->photo);
  job->pixbuf = g_steal_pointer (&frame);
  job->file = g_steal_pointer (&pending->file);
  store_photo (self, g_steal_pointer (&job));
}

/* The consent decides in the store: asked on the writer, and @want goes
 * on once it is known to be given. Without it, the refusal is recorded
 * and the reason shown. */
static void
with_consent (StipplePhotoWindow *self,
              Want                want,
              GFile              *file)
{
  StipplePhotoConsentRequest *request = g_new0 (StipplePhotoConsentRequest, 1);
  Pending *pending = g_new0 (Pending, 1);

  request->patient_id = self->patient_id;
  request->session_id = self->session_id;
  request->clinician = g_strdup (self->clinician);
  pending->self = g_object_ref (self);
  pending->want = want;
  pending->photo = new_photo (self, want == WANT_TAKE ? STIPPLE_PHOTO_SOURCE_CAMERA
                                                      : STIPPLE_PHOTO_SOURCE_FILE);
  pending->file = file ? g_object_ref (file) : NULL;
  set_busy (self, TRUE);
  stipple_store_run_async (self->store, STIPPLE_STORE_LANE_WRITER, stipple_photo_consent_job, request,
                           (GDestroyNotify) stipple_photo_consent_request_free,
                           (GDestroyNotify) stipple_photo_consent_answer_free, self->cancellable,
                           consent_checked_cb, pending, with_consent);
}

static void
take_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StipplePhotoWindow *self = STIPPLE_PHOTO_WINDOW (widget);

  if (self->busy > 0)
    return;
  with_consent (self, WANT_TAKE, NULL);
}

/**
 * stipple_photo_window_import_file:
 * @self: a photo window
 * @file: a JPEG or PNG file
 *
 * Imports @file as the current view and moment: turned upright, stripped
 * of every metadata field, stored; what the file chooser calls. The
 * consent is asked on the store's writer first, so the photo is stored
 * (or the refusal shown) later.
 */
void
stipple_photo_window_import_file (StipplePhotoWindow *self,
                                  GFile              *file)
{
  g_return_if_fail (STIPPLE_IS_PHOTO_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  with_consent (self, WANT_IMPORT, file);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  StipplePhotoWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        stipple_photo_window_import_file (self, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
open_chooser (StipplePhotoWindow *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  /* Portal-backed in the Flatpak: Stipple sees only the file chosen. */
  chooser = gtk_file_chooser_native_new (_("Import a Photograph"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Photographs (JPEG, PNG)"));
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StipplePhotoWindow *self = STIPPLE_PHOTO_WINDOW (widget);

  if (self->busy > 0)
    return;
  with_consent (self, WANT_CHOOSE, NULL);
}

static void
compare_ready_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(StipplePhotoWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  StipplePhotoCompare *compare;

  compare = stipple_photo_compare_new_finish (STIPPLE_STORE (object), result, &error);
  if (compare == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, error->message, TRUE);
      return;
    }
  gtk_window_set_transient_for (GTK_WINDOW (compare), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (compare));
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  StipplePhotoWindow *self = STIPPLE_PHOTO_WINDOW (widget);

  stipple_photo_compare_new_async (self->store, self->patient_id, self->view,
                                   current_zone (self), self->cancellable, compare_ready_cb,
                                   g_object_ref (self));
}

static void
camera_started_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(StipplePhotoWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!stipple_photo_camera_start_finish (STIPPLE_PHOTO_CAMERA (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_message (self, error->message, TRUE);
}

static void
camera_failed_cb (StipplePhotoWindow *self,
                  const char         *message)
{
  show_message (self, message, TRUE);
}

static void
view_selected_cb (StipplePhotoWindow *self,
                  GtkListBoxRow      *row)
{
  if (row == NULL)
    return;
  self->view = gtk_list_box_row_get_index (row);
  gtk_widget_set_visible (GTK_WIDGET (self->zone_drop), self->view == STIPPLE_PHOTO_VIEW_CLOSE_UP);
  update_ghost (self);
}

static void
moment_changed_cb (StipplePhotoWindow *self)
{
  /* The list is the session's whatever the moment: only what it says
   * changes. */
  if (self->photos != NULL)
    show_views (self);
}

static void
ghost_toggled_cb (StipplePhotoWindow *self,
                  GtkToggleButton    *button)
{
  stipple_photo_preview_set_show_ghost (STIPPLE_PHOTO_PREVIEW (self->preview),
                                        gtk_toggle_button_get_active (button));
}

static void
guides_toggled_cb (StipplePhotoWindow *self,
                   GtkToggleButton    *button)
{
  stipple_photo_preview_set_show_guides (STIPPLE_PHOTO_PREVIEW (self->preview),
                                         gtk_toggle_button_get_active (button));
}

static void
stipple_photo_window_dispose (GObject *object)
{
  StipplePhotoWindow *self = STIPPLE_PHOTO_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->camera != NULL)
    stipple_photo_camera_stop (self->camera);
  g_clear_object (&self->camera);
  G_OBJECT_CLASS (stipple_photo_window_parent_class)->dispose (object);
}

static void
stipple_photo_window_finalize (GObject *object)
{
  StipplePhotoWindow *self = STIPPLE_PHOTO_WINDOW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->photos, g_ptr_array_unref);
  g_free (self->clinician);
  G_OBJECT_CLASS (stipple_photo_window_parent_class)->finalize (object);
}

static void
stipple_photo_window_class_init (StipplePhotoWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_photo_window_dispose;
  object_class->finalize = stipple_photo_window_finalize;

  gtk_widget_class_install_action (widget_class, "photo.take", NULL, take_action);
  gtk_widget_class_install_action (widget_class, "photo.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "photo.compare", NULL, compare_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, GDK_CONTROL_MASK,
                                       "photo.take", NULL);
}

static GtkWidget *
labelled (GtkWidget  *widget,
          const char *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return widget;
}

static void
build (StipplePhotoWindow *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *side = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *centre = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *notes_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *ghost, *guides, *compare, *heading, *scroll;
  g_autoptr(GtkStringList) moments = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) zones = gtk_string_list_new (NULL);
  g_autofree char *notes = self->settings ? g_settings_get_string (self->settings,
                                                                   "photo-setup-notes") : NULL;

  gtk_window_set_title (GTK_WINDOW (self), _("Photographs"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1200, 760);
  gtk_box_append (GTK_BOX (toolbar), header);

  for (guint m = 0; m < STIPPLE_PHOTO_N_MOMENTS; m++)
    gtk_string_list_append (moments, stipple_photo_moment_get_name (m));
  self->moment_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (moments)), NULL));
  labelled (GTK_WIDGET (self->moment_drop), _("Moment"));
  g_signal_connect_swapped (self->moment_drop, "notify::selected", G_CALLBACK (moment_changed_cb),
                            self);
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (self->moment_drop));

  self->view_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->view_list), "boxed-list");
  labelled (GTK_WIDGET (self->view_list), _("Views"));
  for (guint v = 0; v < STIPPLE_PHOTO_N_VIEWS; v++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *name = gtk_label_new (stipple_photo_view_get_name (v));

      gtk_widget_set_hexpand (name, TRUE);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      self->view_status[v] = gtk_label_new ("—");
      gtk_box_append (GTK_BOX (row), name);
      gtk_box_append (GTK_BOX (row), self->view_status[v]);
      gtk_widget_set_margin_start (row, 8);
      gtk_widget_set_margin_end (row, 8);
      gtk_widget_set_margin_top (row, 6);
      gtk_widget_set_margin_bottom (row, 6);
      gtk_list_box_append (self->view_list, row);
      self->view_rows[v] = GTK_WIDGET (gtk_list_box_get_row_at_index (self->view_list, v));
    }
  g_signal_connect_swapped (self->view_list, "row-selected", G_CALLBACK (view_selected_cb), self);
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (self->view_list));

  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    gtk_string_list_append (zones, stipple_zone_get_name (z));
  self->zone_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (zones)), NULL));
  labelled (GTK_WIDGET (self->zone_drop), _("Zone of the close-up"));
  gtk_widget_set_visible (GTK_WIDGET (self->zone_drop), FALSE);
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (self->zone_drop));

  self->missing_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->missing_label, TRUE);
  gtk_label_set_xalign (self->missing_label, 0);
  gtk_label_set_max_width_chars (self->missing_label, 28);
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (self->missing_label));
  gtk_widget_set_size_request (side, 260, -1);

  self->preview = stipple_photo_preview_new ();
  gtk_box_append (GTK_BOX (centre), self->preview);

  self->message_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->message_label, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  gtk_box_append (GTK_BOX (centre), GTK_WIDGET (self->message_label));

  ghost = gtk_toggle_button_new_with_mnemonic (_("_Ghost"));
  gtk_widget_set_tooltip_text (ghost, _("The same view from the first session, see-through"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (ghost), TRUE);
  g_signal_connect_swapped (ghost, "toggled", G_CALLBACK (ghost_toggled_cb), self);
  guides = gtk_toggle_button_new_with_mnemonic (_("G_uides"));
  gtk_widget_set_tooltip_text (guides, _("Midline, thirds and Frankfort plane"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (guides), TRUE);
  g_signal_connect_swapped (guides, "toggled", G_CALLBACK (guides_toggled_cb), self);
  self->take_button = gtk_button_new_with_mnemonic (_("_Take Photo"));
  gtk_widget_add_css_class (self->take_button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->take_button), "photo.take");
  self->import_button = gtk_button_new_with_mnemonic (_("_Import…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->import_button), "photo.import");
  compare = gtk_button_new_with_mnemonic (_("_Compare…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (compare), "photo.compare");
  labelled (ghost, _("Ghost"));
  labelled (guides, _("Guides"));
  labelled (self->take_button, _("Take Photo"));
  labelled (self->import_button, _("Import a Photograph"));
  labelled (compare, _("Compare"));
  gtk_box_append (GTK_BOX (buttons), ghost);
  gtk_box_append (GTK_BOX (buttons), guides);
  gtk_box_append (GTK_BOX (buttons), self->take_button);
  gtk_box_append (GTK_BOX (buttons), self->import_button);
  gtk_box_append (GTK_BOX (buttons), compare);
  gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (centre), buttons);

  self->taken_box = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (self->taken_box, GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (self->taken_box, 12);
  labelled (GTK_WIDGET (self->taken_box), _("Photographs of this session"));
  scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (self->taken_box));
  gtk_widget_set_size_request (scroll, -1, 110);
  gtk_box_append (GTK_BOX (centre), scroll);

  heading = gtk_label_new (_("Distance and lighting"));
  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  self->notes_label = GTK_LABEL (gtk_label_new (notes && notes[0]
                                                ? notes
                                                : _("No notes yet. The clinic’s distance, "
                                                    "lighting and background for photographs "
                                                    "are set in Preferences, under "
                                                    "Photographs.")));
  gtk_label_set_wrap (self->notes_label, TRUE);
  gtk_label_set_xalign (self->notes_label, 0);
  gtk_label_set_max_width_chars (self->notes_label, 26);
  labelled (GTK_WIDGET (self->notes_label), _("Distance and lighting"));
  gtk_box_append (GTK_BOX (notes_box), heading);
  gtk_box_append (GTK_BOX (notes_box), GTK_WIDGET (self->notes_label));
  gtk_widget_set_size_request (notes_box, 220, -1);

  gtk_box_append (GTK_BOX (body), side);
  gtk_box_append (GTK_BOX (body), centre);
  gtk_box_append (GTK_BOX (body), notes_box);
  gtk_widget_set_margin_start (body, 12);
  gtk_widget_set_margin_end (body, 12);
  gtk_widget_set_margin_top (body, 12);
  gtk_widget_set_margin_bottom (body, 12);
  gtk_widget_set_vexpand (body, TRUE);
  gtk_box_append (GTK_BOX (toolbar), body);
  adw_window_set_content (ADW_WINDOW (self), toolbar);
}

static void
stipple_photo_window_init (StipplePhotoWindow *self)
{
  self->cancellable = g_cancellable_new ();
}

/* The camera is opened only with the patient's consent; otherwise the
 * window says why nothing can be taken. */
static void
window_consent_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(StipplePhotoWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  StipplePhotoConsent consent;

  consent = GPOINTER_TO_INT (stipple_store_run_finish (STIPPLE_STORE (object), result, &error));
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, error->message, TRUE);
      return;
    }
  if (consent == STIPPLE_PHOTO_CONSENT_GIVEN)
    {
      self->camera = stipple_photo_camera_new ();
      g_signal_connect_object (self->camera, "failed", G_CALLBACK (camera_failed_cb), self,
                               G_CONNECT_SWAPPED);
      stipple_photo_preview_set_camera (STIPPLE_PHOTO_PREVIEW (self->preview), self->camera);
      stipple_photo_camera_start_async (self->camera, self->cancellable, camera_started_cb,
                                        g_object_ref (self));
    }
  else
    show_message (self, consent == STIPPLE_PHOTO_CONSENT_REFUSED
                        ? _("The patient refused consent to photographs: none can be taken.")
                        : consent == STIPPLE_PHOTO_CONSENT_WITHDRAWN
                        ? _("The patient withdrew consent to photographs: none can be taken, "
                            "and those taken are hidden.")
                        : _("The patient has not been asked for consent to photographs: "
                            "none can be taken until it is recorded in the screening."),
                  TRUE);
}

/**
 * stipple_photo_window_new:
 * @store: the patient file
 * @settings: (nullable): Stipple's settings, for the clinic's notes
 * @patient_id: the patient
 * @session_id: the session the photos belong to
 * @clinician: who takes them
 *
 * Reads the session's photos and the patient's consent on the store's
 * writer; once the consent is known to be given, opens the camera,
 * otherwise says why nothing can be taken.
 *
 * Returns: (transfer full): the window, to be presented
 */
StipplePhotoWindow *
stipple_photo_window_new (StippleStore *store,
                          GSettings    *settings,
                          gint64        patient_id,
                          gint64        session_id,
                          const char   *clinician)
{
  StipplePhotoWindow *self;

  g_return_val_if_fail (STIPPLE_IS_STORE (store), NULL);

  self = g_object_new (STIPPLE_TYPE_PHOTO_WINDOW, NULL);
  self->store = g_object_ref (store);
  self->settings = settings ? g_object_ref (settings) : NULL;
  self->patient_id = patient_id;
  self->session_id = session_id;
  self->clinician = g_strdup (clinician ? clinician : "");
  build (self);
  gtk_list_box_select_row (self->view_list, GTK_LIST_BOX_ROW (self->view_rows[0]));
  refresh (self);

  stipple_store_run_async (store, STIPPLE_STORE_LANE_WRITER, stipple_photo_get_consent_job,
                           g_memdup2 (&patient_id, sizeof patient_id), g_free, NULL,
                           self->cancellable, window_consent_cb, g_object_ref (self),
                           stipple_photo_window_new);
  return self;
}

/**
 * stipple_photo_window_get_n_photos:
 * @self: a photo window
 *
 * Returns: the photos of this session shown
 */
guint
stipple_photo_window_get_n_photos (StipplePhotoWindow *self)
{
  g_return_val_if_fail (STIPPLE_IS_PHOTO_WINDOW (self), 0);
  return self->photos ? self->photos->len : 0;
}

/**
 * stipple_photo_window_get_preview:
 * @self: a photo window
 *
 * Returns: (transfer none): the live preview
 */
GtkWidget *
stipple_photo_window_get_preview (StipplePhotoWindow *self)
{
  g_return_val_if_fail (STIPPLE_IS_PHOTO_WINDOW (self), NULL);
  return self->preview;
}
