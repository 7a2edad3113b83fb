/* stipple-photo-camera.c
 *
 * The camera attached to the clinic PC, as a GStreamer pipeline ending in
 * two appsinks: one keeps the newest full frame for a photo, the other
 * hands the preview, already converted and scaled, to the main thread.
 * Which source:
 *
 *   - STIPPLE_CAMERA_PIPELINE, when set: a gst-launch description of the
 *     source (the tests use "videotestsrc pattern=ball ! video/x-raw,…");
 *   - in the Flatpak, the Camera portal (libportal): access is asked for,
 *     then pipewiresrc reads the PipeWire remote the portal opens;
 *   - otherwise v4l2src, the first video device.
 *
 * Everything per frame happens on GStreamer's streaming threads: the
 * preview is converted to the screen's pixel layout and scaled to the
 * size it is shown at (stipple_photo_camera_set_preview_size()), and its
 * bytes are handed over as they are, without a copy. The full frame is
 * kept in the camera's own format and converted only when a photo is
 * taken. The streaming threads keep only the newest frames and schedule
 * one idle on the main context; the main thread emits "frame". A slow
 * screen drops frames instead of queueing them.
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

/* Cairo's and GDK's own layout (a native-endian 0xAARRGGBB word a pixel,
 * GDK_MEMORY_DEFAULT): drawn without a conversion. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
#define FRAME_FORMAT "BGRA"
#else
#define FRAME_FORMAT "ARGB"
#endif

/* The formats the full frame is kept in: what cameras send, so that it
 * is passed through as it comes; anything else is converted to the
 * first. */
#define STILL_FORMATS "{ " FRAME_FORMAT ", YUY2, UYVY, NV12, I420, YV12, RGB, BGR, RGBx, BGRx, " \
                      "xRGB, xBGR, RGBA, ARGB, ABGR }"

struct _StipplePhotoCamera
{
  GObject     parent_instance;

  GstElement *pipeline;
  GstElement *preview_caps;
  guint       bus_watch;
  XdpPortal  *portal;
  GTask      *starting;

  /* The preview's size, asked for by the screen. */
  guint       preview_width;
  guint       preview_height;

  /* Guarded by mutex: written by the streaming threads. */
  GMutex      mutex;
  /* The newest preview frame: the bytes of GStreamer's buffer. */
  GBytes     *frame;
  guint64     frame_number;
  /* The newest full-size frame, kept as GStreamer gave it: converted only
   * when a photo is taken. */
  GstSample  *still;
  guint       width;
  guint       height;
  gsize       stride;
  guint       source_width;
  guint       source_height;
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
  self->preview_width = STIPPLE_PHOTO_CAMERA_PREVIEW_WIDTH;
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
  GstStructure *s;
  int width = 0, height = 0;

  if (sample == NULL)
    return GST_FLOW_EOS;
  s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  gst_structure_get_int (s, "width", &width);
  gst_structure_get_int (s, "height", &height);
  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->still, gst_sample_unref);
  self->still = sample;
  self->source_width = width;
  self->source_height = height;
  g_mutex_unlock (&self->mutex);
  return GST_FLOW_OK;
}

typedef struct
{
  GstVideoFrame frame;
} MappedFrame;

static void
mapped_frame_free (gpointer data)
{
  MappedFrame *mapped = data;

  gst_video_frame_unmap (&mapped->frame);
  g_free (mapped);
}

static GstFlowReturn
new_preview_cb (GstAppSink *sink,
                gpointer    user_data)
{
  StipplePhotoCamera *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) old = NULL;
  MappedFrame *mapped;
  GstVideoInfo info;
  guint width, height;
  gsize stride;

  if (sample == NULL)
    return GST_FLOW_EOS;
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)))
    return GST_FLOW_OK;
  /* The frame stays mapped, and the buffer held, for as long as the
   * screen shows it: the texture is made on GStreamer's own bytes. */
  mapped = g_new0 (MappedFrame, 1);
  if (!gst_video_frame_map (&mapped->frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    {
      g_free (mapped);
      return GST_FLOW_OK;
    }
  width = GST_VIDEO_FRAME_WIDTH (&mapped->frame);
  height = GST_VIDEO_FRAME_HEIGHT (&mapped->frame);
  stride = GST_VIDEO_FRAME_PLANE_STRIDE (&mapped->frame, 0);
  bytes = g_bytes_new_with_free_func (GST_VIDEO_FRAME_PLANE_DATA (&mapped->frame, 0),
                                      stride * (height - 1) + (gsize) width * 4,
                                      mapped_frame_free, mapped);

  g_mutex_lock (&self->mutex);
  old = g_steal_pointer (&self->frame);
  self->frame = g_steal_pointer (&bytes);
  self->width = width;
  self->height = height;
  self->stride = stride;
  self->frame_number = ++self->n_frames;
  if (self->idle == 0)
    self->idle = g_idle_add_full (G_PRIORITY_DEFAULT, frame_idle_cb, g_object_ref (self),
                                  g_object_unref);
  g_mutex_unlock (&self->mutex);
  /* The frame before, when the screen no longer holds it, is given back
   * to GStreamer here, outside the lock. */
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

static GstCaps *
preview_caps (guint width,
              guint height)
{
  GstCaps *caps = gst_caps_new_simple ("video/x-raw",
                                       "format", G_TYPE_STRING, FRAME_FORMAT,
                                       "width", G_TYPE_INT, (int) width,
                                       "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                                       NULL);

  if (height > 0)
    gst_caps_set_simple (caps, "height", G_TYPE_INT, (int) height, NULL);
  return caps;
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
  g_autoptr(GstCaps) caps = NULL;
  GstAppSinkCallbacks still_callbacks = { NULL, NULL, new_still_cb, };
  GstAppSinkCallbacks preview_callbacks = { NULL, NULL, new_preview_cb, };

  /* decodebin takes what the camera sends: raw frames pass through as
   * they are, and a camera that sends only JPEG frames (MJPEG: most USB
   * webcams above 640 × 480, and many behind PipeWire) is decoded by
   * jpegdec. identity sync=true paces a source that is not live (a test
   * pattern, a file) at its frame rate, as a camera is; a live one passes
   * through. Then two branches, each behind a queue of one frame that drops the
   * older: the full frame, kept for a photo; and the preview, converted
   * to cairo's layout and scaled to the size the screen shows it at, in
   * one pass on the queue's own thread, so the screen only copies it. */
  description = g_strdup_printf ("%s ! decodebin ! identity sync=true"
                                 " ! videoconvert ! video/x-raw,format=" STILL_FORMATS
                                 " ! tee name=t"
                                 " t. ! queue leaky=downstream max-size-buffers=1"
                                 " max-size-bytes=0 max-size-time=0"
                                 " ! appsink name=still max-buffers=1 drop=true sync=false"
                                 " t. ! queue leaky=downstream max-size-buffers=1"
                                 " max-size-bytes=0 max-size-time=0"
                                 " ! videoconvertscale add-borders=false n-threads=2"
                                 " ! capsfilter name=size"
                                 " ! appsink name=preview max-buffers=1 drop=true sync=false",
                                 source);
  self->pipeline = gst_parse_launch (description, &local_error);
  if (self->pipeline == NULL || local_error != NULL)
    {
      gst_clear_object (&self->pipeline);
      g_set_error (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_NO_CAMERA,
                   _("The camera could not be opened: %s"),
                   local_error ? local_error->message : "");
      return FALSE;
    }
  self->preview_caps = gst_bin_get_by_name (GST_BIN (self->pipeline), "size");
  caps = preview_caps (self->preview_width, self->preview_height);
  g_object_set (self->preview_caps, "caps", caps, NULL);
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
      gst_clear_object (&self->preview_caps);
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
 * @number: (out) (optional): the frame's number, as counted by
 *   stipple_photo_camera_get_n_frames()
 *
 * Returns: (transfer full) (nullable): the newest preview frame, at the
 *   size stipple_photo_camera_set_preview_size() asked for (once the
 *   pipeline has caught up with it), a native-endian 0xAARRGGBB word a
 *   pixel, opaque (cairo's ARGB32, GDK_MEMORY_DEFAULT): GStreamer's own
 *   buffer, held until the bytes are released
 */
GBytes *
stipple_photo_camera_get_frame (StipplePhotoCamera *self,
                                guint              *width,
                                guint              *height,
                                gsize              *stride,
                                guint64            *number)
{
  GBytes *frame;

  g_return_val_if_fail (STIPPLE_IS_PHOTO_CAMERA (self), NULL);

  g_mutex_lock (&self->mutex);
  frame = self->frame ? g_bytes_ref (self->frame) : NULL;
  *width = self->width;
  *height = self->height;
  *stride = self->stride;
  if (number != NULL)
    *number = self->frame_number;
  g_mutex_unlock (&self->mutex);
  return frame;
}

/**
 * stipple_photo_camera_get_source_size:
 * @self: a camera
 * @width: (out): the width of the camera's frames, 0 before the first
 * @height: (out): their height
 *
 * The full size the camera sends, as a photo is taken at.
 */
void
stipple_photo_camera_get_source_size (StipplePhotoCamera *self,
                                      guint              *width,
                                      guint              *height)
{
  g_return_if_fail (STIPPLE_IS_PHOTO_CAMERA (self));

  g_mutex_lock (&self->mutex);
  *width = self->source_width;
  *height = self->source_height;
  g_mutex_unlock (&self->mutex);
}

/**
 * stipple_photo_camera_set_preview_size:
 * @self: a camera
 * @width: the preview's width in pixels
 * @height: its height, or 0 to keep the camera's aspect
 *
 * Asks for preview frames of this size, the size they are shown at, so
 * that the screen draws them without scaling: the pipeline scales them
 * on its own threads. Frames already on their way keep the size before.
 */
void
stipple_photo_camera_set_preview_size (StipplePhotoCamera *self,
                                       guint               width,
                                       guint               height)
{
  g_autoptr(GstCaps) caps = NULL;

  g_return_if_fail (STIPPLE_IS_PHOTO_CAMERA (self));
  g_return_if_fail (width > 0);

  if (width == self->preview_width && height == self->preview_height)
    return;
  self->preview_width = width;
  self->preview_height = height;
  if (self->preview_caps == NULL)
    return;
  caps = preview_caps (width, height);
  g_object_set (self->preview_caps, "caps", caps, NULL);
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

static void
free_pixels (guchar   *pixels,
             gpointer  data)
{
  g_free (pixels);
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
  g_autoptr(GstBuffer) rgb = NULL;
  GstVideoConverter *converter;
  GstVideoFrame in, out;
  GstVideoInfo info, rgb_info;
  guchar *pixels;

  g_return_val_if_fail (STIPPLE_IS_PHOTO_CAMERA (self), NULL);

  g_mutex_lock (&self->mutex);
  sample = self->still ? gst_sample_ref (self->still) : NULL;
  g_mutex_unlock (&self->mutex);
  if (sample == NULL ||
      !gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      !gst_video_frame_map (&in, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    {
      g_set_error_literal (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_NO_CAMERA,
                           _("The camera has not sent a picture yet."));
      return NULL;
    }
  /* Whatever the camera sends, converted once, here, to the RGB a
   * GdkPixbuf holds. */
  gst_video_info_set_format (&rgb_info, GST_VIDEO_FORMAT_RGB, GST_VIDEO_INFO_WIDTH (&info),
                             GST_VIDEO_INFO_HEIGHT (&info));
  GST_VIDEO_INFO_FPS_N (&rgb_info) = GST_VIDEO_INFO_FPS_N (&info);
  GST_VIDEO_INFO_FPS_D (&rgb_info) = GST_VIDEO_INFO_FPS_D (&info);
  GST_VIDEO_INFO_INTERLACE_MODE (&rgb_info) = GST_VIDEO_INFO_INTERLACE_MODE (&info);
  pixels = g_malloc (GST_VIDEO_INFO_SIZE (&rgb_info));
  rgb = gst_buffer_new_wrapped_full (0, pixels, GST_VIDEO_INFO_SIZE (&rgb_info), 0,
                                     GST_VIDEO_INFO_SIZE (&rgb_info), NULL, NULL);
  gst_video_frame_map (&out, &rgb_info, rgb, GST_MAP_WRITE);
  converter = gst_video_converter_new (&info, &rgb_info, NULL);
  gst_video_converter_frame (converter, &in, &out);
  gst_video_converter_free (converter);
  gst_video_frame_unmap (&out);
  gst_video_frame_unmap (&in);
  return gdk_pixbuf_new_from_data (pixels, GDK_COLORSPACE_RGB, FALSE, 8,
                                   GST_VIDEO_INFO_WIDTH (&rgb_info),
                                   GST_VIDEO_INFO_HEIGHT (&rgb_info),
                                   GST_VIDEO_INFO_PLANE_STRIDE (&rgb_info, 0),
                                   free_pixels, NULL);
}
