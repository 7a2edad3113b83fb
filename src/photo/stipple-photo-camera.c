/* stipple-photo-camera.c
 *
 * The camera attached to the clinic PC, as a GStreamer pipeline ending in
 * an appsink that hands RGB frames to the main thread. Which source:
 *
 *   - STIPPLE_CAMERA_PIPELINE, when set: a gst-launch description of the
 *     source (the tests use "videotestsrc pattern=ball ! video/x-raw,…");
 *   - in the Flatpak, the Camera portal (libportal): access is asked for,
 *     then pipewiresrc reads the PipeWire remote the portal opens;
 *   - otherwise v4l2src, the first video device.
 *
 * The streaming threads keep only the newest frames (full size, for a
 * photo; scaled, for the preview) and schedule one idle
 * on the main context; the main thread emits "frame". A slow screen drops
 * frames instead of queueing them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-photo"

#include "config.h"

#include <glib/gi18n.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <libportal/portal.h>

#include "stipple-photo-camera.h"
#include "stipple-photo-import.h"

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
#define FRAME_FORMAT "BGRA"
#else
#define FRAME_FORMAT "ARGB"
#endif

struct _StipplePhotoCamera
{
  GObject     parent_instance;

  GstElement *pipeline;
  guint       bus_watch;
  XdpPortal  *portal;
  GTask      *starting;

  /* Guarded by mutex: written by the streaming thread. */
  GMutex      mutex;
  GBytes     *frame;
  /* The newest full-size frame, kept as GStreamer gave it: copied only
   * when a photo is taken. */
  GstSample  *still;
  guint       width;
  guint       height;
  gsize       stride;
  guint64     n_frames;
  guint       idle;
};

G_DEFINE_FINAL_TYPE (StipplePhotoCamera, stipple_photo_camera, G_TYPE_OBJECT)

enum
{
  SIGNAL_FRAME,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
stipple_photo_camera_dispose (GObject *object)
{
  StipplePhotoCamera *self = STIPPLE_PHOTO_CAMERA (object);

  stipple_photo_camera_stop (self);
  g_clear_object (&self->portal);
  G_OBJECT_CLASS (stipple_photo_camera_parent_class)->dispose (object);
}

static void
stipple_photo_camera_finalize (GObject *object)
{
  StipplePhotoCamera *self = STIPPLE_PHOTO_CAMERA (object);

  g_clear_pointer (&self->frame, g_bytes_unref);
  g_clear_pointer (&self->still, gst_sample_unref);
  g_mutex_clear (&self->mutex);
  G_OBJECT_CLASS (stipple_photo_camera_parent_class)->finalize (object);
}

static void
stipple_photo_camera_class_init (StipplePhotoCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = stipple_photo_camera_dispose;
  object_class->finalize = stipple_photo_camera_finalize;

  /**
   * StipplePhotoCamera::frame:
   *
   * A new frame is there for stipple_photo_camera_get_frame(); emitted
   * on the main context, at most once per frame drawn.
   */
  signals[SIGNAL_FRAME] = g_signal_new ("frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * StipplePhotoCamera::failed:
   * @message: what went wrong, in words for the clinician
   *
   * The camera stopped.
   */
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
stipple_photo_camera_init (StipplePhotoCamera *self)
{
  g_mutex_init (&self->mutex);
}

/**
 * stipple_photo_camera_new:
 *
 * Returns: (transfer full): a camera, not started
 */
StipplePhotoCamera *
stipple_photo_camera_new (void)
{
  gst_init (NULL, NULL);
  return g_object_new (STIPPLE_TYPE_PHOTO_CAMERA, NULL);
}

static gboolean
in_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/**
 * stipple_photo_camera_describe_source:
 *
 * Returns: (transfer full): the source the camera reads, as a
 *   gst-launch description (for the log and the documentation)
 */
char *
stipple_photo_camera_describe_source (void)
{
  const char *pipeline = g_getenv ("STIPPLE_CAMERA_PIPELINE");

  if (pipeline != NULL && pipeline[0] != '\0')
    return g_strdup (pipeline);
  if (in_flatpak ())
    return g_strdup ("pipewiresrc (Camera portal)");
  return g_strdup ("v4l2src");
}

static gboolean
frame_idle_cb (gpointer user_data)
{
  StipplePhotoCamera *self = user_data;

  g_mutex_lock (&self->mutex);
  self->idle = 0;
  g_mutex_unlock (&self->mutex);
  g_signal_emit (self, signals[SIGNAL_FRAME], 0);
  return G_SOURCE_REMOVE;
}

static GstFlowReturn
new_still_cb (GstAppSink *sink,
              gpointer    user_data)
{
  StipplePhotoCamera *self = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);

  if (sample == NULL)
    return GST_FLOW_EOS;
  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->still, gst_sample_unref);
  self->still = sample;
  g_mutex_unlock (&self->mutex);
  return GST_FLOW_OK;
}

static GstFlowReturn
new_preview_cb (GstAppSink *sink,
                gpointer    user_data)
{
  StipplePhotoCamera *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstVideoInfo info;
  GstMapInfo map;
  GstBuffer *buffer;

  if (sample == NULL)
    return GST_FLOW_EOS;
  buffer = gst_sample_get_buffer (sample);
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;

  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->frame, g_bytes_unref);
  self->frame = g_bytes_new (map.data, map.size);
  self->width = GST_VIDEO_INFO_WIDTH (&info);
  self->height = GST_VIDEO_INFO_HEIGHT (&info);
  self->stride = GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);
  self->n_frames++;
  if (self->idle == 0)
    self->idle = g_idle_add_full (G_PRIORITY_DEFAULT, frame_idle_cb, g_object_ref (self),
                                  g_object_unref);
  g_mutex_unlock (&self->mutex);
  gst_buffer_unmap (buffer, &map);
  return GST_FLOW_OK;
}

static gboolean
bus_cb (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  StipplePhotoCamera *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *debug = NULL;
  g_autofree char *text = NULL;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (message, &error, &debug);
      g_debug ("camera: %s (%s)", error->message, debug ? debug : "");
      text = g_strdup_printf (_("The camera stopped: %s"), error->message);
      break;
    case GST_MESSAGE_EOS:
      text = g_strdup (_("The camera stopped sending pictures."));
      break;
    default:
      return G_SOURCE_CONTINUE;
    }

  g_object_ref (self);
  stipple_photo_camera_stop (self);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, text);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static gboolean
start_pipeline (StipplePhotoCamera  *self,
                const char          *source,
                GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GstElement) still = NULL;
  g_autoptr(GstElement) preview = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstAppSinkCallbacks still_callbacks = { NULL, NULL, new_still_cb, };
  GstAppSinkCallbacks preview_callbacks = { NULL, NULL, new_preview_cb, };

  /* Two branches: the full frame, kept for a photo, and the preview,
   * scaled on the streaming threads to about the size it is shown at, so
   * the screen never shrinks a large frame itself. BGRA is cairo's own
   * layout on a little-endian PC (GDK's B8G8R8A8_PREMULTIPLIED, opaque):
   * drawn without a conversion. */
  description = g_strdup_printf ("%s ! videoconvert ! video/x-raw,format=" FRAME_FORMAT
                                 " ! tee name=t"
                                 " t. ! queue leaky=downstream max-size-buffers=1"
                                 " ! appsink name=still max-buffers=1 drop=true sync=false"
                                 " t. ! queue leaky=downstream max-size-buffers=1"
                                 " ! videoscale ! video/x-raw,width=%d,pixel-aspect-ratio=1/1"
                                 " ! appsink name=preview max-buffers=1 drop=true sync=false",
                                 source, STIPPLE_PHOTO_CAMERA_PREVIEW_WIDTH);
  self->pipeline = gst_parse_launch (description, &local_error);
  if (self->pipeline == NULL || local_error != NULL)
    {
      gst_clear_object (&self->pipeline);
      g_set_error (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_NO_CAMERA,
                   _("The camera could not be opened: %s"),
                   local_error ? local_error->message : "");
      return FALSE;
    }
  still = gst_bin_get_by_name (GST_BIN (self->pipeline), "still");
  gst_app_sink_set_callbacks (GST_APP_SINK (still), &still_callbacks, self, NULL);
  preview = gst_bin_get_by_name (GST_BIN (self->pipeline), "preview");
  gst_app_sink_set_callbacks (GST_APP_SINK (preview), &preview_callbacks, self, NULL);

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, bus_cb, self);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      stipple_photo_camera_stop (self);
      g_set_error_literal (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_NO_CAMERA,
                           _("No camera answers. Check that it is plugged in and not in use "
                             "by another program."));
      return FALSE;
    }
  return TRUE;
}

static void
access_camera_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StipplePhotoCamera *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *source = NULL;
  int fd;

  if (!xdp_portal_access_camera_finish (XDP_PORTAL (object), result, &error))
    {
      g_task_return_new_error (task, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_NO_CAMERA,
                               _("Stipple was not allowed to use the camera: %s"),
                               error->message);
      return;
    }
  fd = xdp_portal_open_pipewire_remote_for_camera (XDP_PORTAL (object));
  if (fd < 0)
    {
      g_task_return_new_error (task, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_NO_CAMERA,
                               _("No camera answers. Check that it is plugged in and not in "
                                 "use by another program."));
      return;
    }
  source = g_strdup_printf ("pipewiresrc fd=%d", fd);
  if (!start_pipeline (self, source, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * stipple_photo_camera_start_async:
 * @self: a camera
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the camera runs, or could not be started
 * @user_data: for @callback
 *
 * Starts the preview; in the Flatpak, asks the Camera portal first.
 */
void
stipple_photo_camera_start_async (StipplePhotoCamera  *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  const char *pipeline = g_getenv ("STIPPLE_CAMERA_PIPELINE");

  g_return_if_fail (STIPPLE_IS_PHOTO_CAMERA (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, stipple_photo_camera_start_async);
  if (self->pipeline != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if ((pipeline == NULL || pipeline[0] == '\0') && in_flatpak ())
    {
      if (self->portal == NULL)
        self->portal = xdp_portal_new ();
      xdp_portal_access_camera (self->portal, NULL, XDP_CAMERA_FLAG_NONE, cancellable,
                                access_camera_cb, g_steal_pointer (&task));
      return;
    }

  if (!start_pipeline (self, pipeline && pipeline[0] ? pipeline : "v4l2src", &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * stipple_photo_camera_start_finish:
 * @self: a camera
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: whether the camera runs
 */
gboolean
stipple_photo_camera_start_finish (StipplePhotoCamera  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * stipple_photo_camera_stop:
 * @self: a camera
 *
 * Stops the camera; the last frame stays for stipple_photo_camera_grab().
 */
void
stipple_photo_camera_stop (StipplePhotoCamera *self)
{
  g_return_if_fail (STIPPLE_IS_PHOTO_CAMERA (self));

  if (self->bus_watch != 0)
    {
      g_source_remove (self->bus_watch);
      self->bus_watch = 0;
    }
  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      gst_clear_object (&self->pipeline);
    }
  g_mutex_lock (&self->mutex);
  if (self->idle != 0)
    {
      g_source_remove (self->idle);
      self->idle = 0;
    }
  g_mutex_unlock (&self->mutex);
}

/**
 * stipple_photo_camera_is_running:
 * @self: a camera
 *
 * Returns: whether the camera runs
 */
gboolean
stipple_photo_camera_is_running (StipplePhotoCamera *self)
{
  g_return_val_if_fail (STIPPLE_IS_PHOTO_CAMERA (self), FALSE);
  return self->pipeline != NULL;
}

/**
 * stipple_photo_camera_get_frame:
 * @self: a camera
 * @width: (out): its width
 * @height: (out): its height
 * @stride: (out): bytes from one row to the next
 *
 * Returns: (transfer full) (nullable): the newest preview frame (at most
 *   %STIPPLE_PHOTO_CAMERA_PREVIEW_WIDTH wide), a native-endian 0xAARRGGBB
 *   word a pixel, opaque (cairo's ARGB32)
 */
GBytes *
stipple_photo_camera_get_frame (StipplePhotoCamera *self,
                                guint              *width,
                                guint              *height,
                                gsize              *stride)
{
  GBytes *frame;

  g_return_val_if_fail (STIPPLE_IS_PHOTO_CAMERA (self), NULL);

  g_mutex_lock (&self->mutex);
  frame = self->frame ? g_bytes_ref (self->frame) : NULL;
  *width = self->width;
  *height = self->height;
  *stride = self->stride;
  g_mutex_unlock (&self->mutex);
  return frame;
}

/**
 * stipple_photo_camera_get_n_frames:
 * @self: a camera
 *
 * Returns: frames received since the camera was made
 */
guint64
stipple_photo_camera_get_n_frames (StipplePhotoCamera *self)
{
  guint64 n;

  g_return_val_if_fail (STIPPLE_IS_PHOTO_CAMERA (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->n_frames;
  g_mutex_unlock (&self->mutex);
  return n;
}

/**
 * stipple_photo_camera_grab:
 * @self: a camera
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the newest frame, to be stored with
 *   stipple_photo_encode_pixbuf()
 */
GdkPixbuf *
stipple_photo_camera_grab (StipplePhotoCamera  *self,
                           GError             **error)
{
  g_autoptr(GstSample) sample = NULL;
  GstVideoInfo info;
  GstMapInfo map;
  GstBuffer *buffer;
  GdkPixbuf *pixbuf;
  guint width, height;
  gsize stride;

  g_return_val_if_fail (STIPPLE_IS_PHOTO_CAMERA (self), NULL);

  g_mutex_lock (&self->mutex);
  sample = self->still ? gst_sample_ref (self->still) : NULL;
  g_mutex_unlock (&self->mutex);
  if (sample == NULL ||
      !gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      !gst_buffer_map ((buffer = gst_sample_get_buffer (sample)), &map, GST_MAP_READ))
    {
      g_set_error_literal (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_NO_CAMERA,
                           _("The camera has not sent a picture yet."));
      return NULL;
    }
  width = GST_VIDEO_INFO_WIDTH (&info);
  height = GST_VIDEO_INFO_HEIGHT (&info);
  stride = GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);
  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  {
    guchar *dst = gdk_pixbuf_get_pixels (pixbuf);
    int dst_stride = gdk_pixbuf_get_rowstride (pixbuf);

    for (guint y = 0; y < height; y++)
      {
        const guint32 *s = (const guint32 *) (map.data + y * stride);
        guchar *d = dst + (gsize) y * dst_stride;

        /* One native-endian word a pixel: 0xAARRGGBB. */
        for (guint x = 0; x < width; x++, d += 3)
          {
            d[0] = (s[x] >> 16) & 0xff;
            d[1] = (s[x] >> 8) & 0xff;
            d[2] = s[x] & 0xff;
          }
      }
  }
  gst_buffer_unmap (buffer, &map);
  return pixbuf;
}
