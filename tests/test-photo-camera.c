/* test-photo-camera.c: the camera's pipeline, headless
 *
 * Cameras send raw frames, or only JPEG frames (MJPEG: most USB webcams
 * above 640 × 480, and many over PipeWire). Each source below stands in
 * for one kind (STIPPLE_CAMERA_PIPELINE): the preview runs, a photo is
 * taken at the camera's full size, and a source that cannot be read
 * gives the clinician a reason.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>

#include "stipple-photo-camera.h"
#include "stipple-photo-import.h"
#include "stipple-test-wait.h"

#define RAW_CAMERA "videotestsrc pattern=ball ! video/x-raw,format=YUY2,width=800,height=600,framerate=30/1"
#define MJPEG_CAMERA "videotestsrc pattern=ball ! video/x-raw,width=1280,height=720,framerate=30/1" \
                     " ! jpegenc ! image/jpeg,width=1280,height=720,framerate=30/1"

typedef struct
{
  gboolean  done;
  gboolean  started;
  GError   *error;
} Start;

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Start *start = user_data;

  start->started = stipple_photo_camera_start_finish (STIPPLE_PHOTO_CAMERA (object), result,
                                                      &start->error);
  start->done = TRUE;
}

static void
failed_cb (StipplePhotoCamera *camera,
           const char         *message,
           char              **failure)
{
  g_free (*failure);
  *failure = g_strdup (message);
}

/* Starts a camera on @source; a preview frame must reach the main
 * thread. */
static StipplePhotoCamera *
start_camera (const char  *source,
              char       **failure)
{
  g_autoptr(StipplePhotoCamera) camera = NULL;
  Start start = { 0, };

  g_setenv ("STIPPLE_CAMERA_PIPELINE", source, TRUE);
  camera = stipple_photo_camera_new ();
  g_signal_connect (camera, "failed", G_CALLBACK (failed_cb), failure);
  stipple_photo_camera_start_async (camera, NULL, started_cb, &start);
  WAIT_FOR (start.done);
  g_assert_no_error (start.error);
  g_assert_true (start.started);
  return g_steal_pointer (&camera);
}

static void
check_camera (const char *source,
              guint       width,
              guint       height)
{
  g_autofree char *failure = NULL;
  g_autoptr(StipplePhotoCamera) camera = start_camera (source, &failure);
  g_autoptr(GdkPixbuf) photo = NULL;
  g_autoptr(GError) error = NULL;
  guint frame_width = 0, frame_height = 0;
  gsize stride = 0;
  guint64 first;

  /* Frames keep coming, in the preview's layout and size. */
  WAIT_FOR (stipple_photo_camera_get_n_frames (camera) > 0 || failure != NULL);
  g_assert_null (failure);
  first = stipple_photo_camera_get_n_frames (camera);
  WAIT_FOR (stipple_photo_camera_get_n_frames (camera) > first + 2 || failure != NULL);
  g_assert_null (failure);
  g_assert_true (stipple_photo_camera_is_running (camera));
  {
    g_autoptr(GBytes) frame = stipple_photo_camera_get_frame (camera, &frame_width, &frame_height,
                                                              &stride, NULL);
    g_assert_nonnull (frame);
    g_assert_cmpuint (frame_width, ==, STIPPLE_PHOTO_CAMERA_PREVIEW_WIDTH);
    g_assert_cmpuint (frame_height, ==, STIPPLE_PHOTO_CAMERA_PREVIEW_WIDTH * height / width);
    g_assert_cmpuint (stride, >=, frame_width * 4);
  }

  /* The photo is the camera's whole frame, decoded. */
  WAIT_FOR ((stipple_photo_camera_get_source_size (camera, &frame_width, &frame_height),
             frame_width > 0));
  g_assert_cmpuint (frame_width, ==, width);
  g_assert_cmpuint (frame_height, ==, height);
  photo = stipple_photo_camera_grab (camera, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (photo), ==, (int) width);
  g_assert_cmpint (gdk_pixbuf_get_height (photo), ==, (int) height);
  stipple_photo_camera_stop (camera);
  g_assert_false (stipple_photo_camera_is_running (camera));
}

static void
test_raw (void)
{
  check_camera (RAW_CAMERA, 800, 600);
}

static void
test_mjpeg (void)
{
  check_camera (MJPEG_CAMERA, 1280, 720);
}

/* A source that opens but sends nothing a camera sends: the clinician is
 * told the camera stopped, with GStreamer's reason, and no photo can be
 * taken. */
static void
test_unreadable (void)
{
  g_autofree char *failure = NULL;
  g_autoptr(StipplePhotoCamera) camera = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) photo = NULL;

  camera = start_camera ("audiotestsrc", &failure);
  WAIT_FOR (failure != NULL);
  g_assert_true (g_str_has_prefix (failure, "The camera stopped"));
  g_assert_false (stipple_photo_camera_is_running (camera));
  photo = stipple_photo_camera_grab (camera, &error);
  g_assert_null (photo);
  g_assert_error (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_NO_CAMERA);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/photo-camera/raw", test_raw);
  g_test_add_func ("/stipple/photo-camera/mjpeg", test_mjpeg);
  g_test_add_func ("/stipple/photo-camera/unreadable", test_unreadable);

  return g_test_run ();
}
