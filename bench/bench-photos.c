/* bench-photos.c: before and after photographs
 *
 * Measured, on a real patient file and in real windows:
 *
 *   import       a 24-megapixel JPEG (6000 × 4000, from a DSLR card, with
 *                EXIF orientation) to stored and shown: read, decoded at
 *                the stored size, turned upright, re-encoded, written to
 *                the patient file, read back and decoded for the screen
 *   switch       changing the compared pair in the comparison window, to
 *                the end of the frame that shows it: with photos not yet
 *                decoded (cold) and decoded before (warm)
 *   preview      camera frames presented on screen per second by the live
 *                preview at 1280 × 720 (videotestsrc at 60 fps, ghost and
 *                guides on), with the renderer GSK_RENDERER says (cairo:
 *                software): a frame counts once the window has painted it
 *                with the ghost over it, and the count stops only when the
 *                display server has caught up with every frame painted;
 *                the frames the camera sent meanwhile; the CPU time per
 *                frame presented of the UI thread and, under X11, of the
 *                X server (which does cairo's compositing there), which
 *                say what rate the machine could keep when not shared
 *   size         bytes added to the patient file per photo and by a
 *                session of 11 photos (5 views before and after, and one
 *                close-up), imported from 24-megapixel files
 *
 * Times are wall-clock unless named "cpu"; on a busy machine the wall
 * figures grow with the load, which the first line of
 * build-aux/run-benchmarks reports. Arguments name the parts to run
 * (import, size, switch, preview); none runs them all.
 *
 * The pictures are made up (gradients, texture and noise, to compress
 * about as a face does); real skin at the same size may differ by a few
 * tens of per cent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* RUSAGE_THREAD */
#define _GNU_SOURCE

#include "config.h"

#include <adwaita.h>
#include <sys/resource.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stipple-photo-compare.h"
#include "stipple-photo-import.h"
#include "stipple-photo-preview.h"
#include "stipple-photo-window.h"
#include "stipple-store.h"

/* CPU time of the calling (UI) thread, ms: what a frame costs whatever
 * else the machine is doing. */
static double
thread_cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return usage.ru_utime.tv_sec * 1e3 + usage.ru_utime.tv_usec / 1e3 +
         usage.ru_stime.tv_sec * 1e3 + usage.ru_stime.tv_usec / 1e3;
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* A picture that compresses about as a photo does: smooth shading, a
 * fine texture and sensor noise. */
static GdkPixbuf *
made_up_photo (int      width,
               int      height,
               guint32  seed)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  GRand *rand = g_rand_new_with_seed (seed);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double fx = (double) x / width - 0.5, fy = (double) y / height - 0.5;
        double face = exp (-(fx * fx * 5 + fy * fy * 3.5));
        double texture = 6 * sin (x * 0.9 + sin (y * 0.13) * 4) * sin (y * 0.7);
        guchar *p = pixels + (gsize) y * stride + (gsize) x * 3;
        int noise = g_rand_int_range (rand, -5, 6);

        p[0] = CLAMP (90 + 130 * face + texture + noise, 0, 255);
        p[1] = CLAMP (70 + 90 * face + texture + noise, 0, 255);
        p[2] = CLAMP (60 + 70 * face + texture / 2 + noise, 0, 255);
      }
  g_rand_free (rand);
  return pixbuf;
}

static gint64
file_size (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;
  gint64 size = 0;

  if (g_stat (path, &st) == 0)
    size += st.st_size;
  if (g_stat (wal, &st) == 0)
    size += st.st_size;
  return size;
}

static guint paints;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  paints++;
}

/* Runs until @widget's window has painted once more after a change. */
static void
wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  guint target;

  while (!gtk_widget_get_mapped (widget))
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (widget);
  if (g_object_get_data (G_OBJECT (clock), "bench") == NULL)
    {
      g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
      g_object_set_data (G_OBJECT (clock), "bench", GINT_TO_POINTER (1));
    }
  target = paints + 1;
  gtk_widget_queue_draw (widget);
  while (paints < target)
    g_main_context_iteration (NULL, TRUE);
}

static void
compare_ready_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
consent (StippleStore *store,
         gint64        patient_id)
{
  g_autoptr(StippleConsent) c = stipple_consent_new ();

  c->patient_id = patient_id;
  c->kind = STIPPLE_CONSENT_PHOTOGRAPHS;
  c->given = TRUE;
  c->signed_on = g_strdup ("2026-03-14");
  g_assert (stipple_store_save_consent (store, c, NULL));
}

static gint64
new_session (StippleStore *store,
             gint64        patient_id,
             int           day)
{
  g_autoptr(StippleSession) session = stipple_session_new ();

  session->patient_id = patient_id;
  session->started_at = g_date_time_new_utc (2026, 3, day, 9, 0, 0);
  session->clinician = g_strdup ("Dr Bench");
  g_assert (stipple_store_save_session (store, session, NULL));
  return session->id;
}

static StipplePhoto *
import (StippleStore       *store,
        const char         *path,
        gint64              patient_id,
        gint64              session_id,
        StipplePhotoView    view,
        StipplePhotoMoment  moment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePhotoPixels) pixels = stipple_photo_strip_file (path, &error);
  StipplePhoto *photo = stipple_photo_new ();

  g_assert_no_error (error);
  photo->patient_id = patient_id;
  photo->session_id = session_id;
  photo->view = view;
  photo->zone = view == STIPPLE_PHOTO_VIEW_CLOSE_UP ? STIPPLE_ZONE_CHEEK_LEFT : STIPPLE_ZONE_NONE;
  photo->moment = moment;
  photo->taken_by = g_strdup ("Dr Bench");
  photo->source = STIPPLE_PHOTO_SOURCE_FILE;
  photo->width = pixels->width;
  photo->height = pixels->height;
  photo->jpeg = g_bytes_ref (pixels->jpeg);
  if (!stipple_store_add_photo (store, photo, &error))
    g_error ("%s", error->message);
  return photo;
}

/* Whether the part @name is to run: every part when none is named. */
static gboolean
wanted (int          argc,
        char       **argv,
        const char  *name)
{
  if (argc < 2)
    return TRUE;
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], name))
      return TRUE;
  return FALSE;
}

/* The X server's process, found by its display number, for its CPU time:
 * under X11 with cairo, the server composites what the window draws. */
static int
x_server_pid (void)
{
  const char *display = g_getenv ("DISPLAY");
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  if (display == NULL || proc == NULL || strchr (display, ':') == NULL)
    return 0;
  display = strchr (display, ':');
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%s/cmdline", name);
      g_autofree char *cmdline = NULL;
      gsize length;
      const char *arg;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &cmdline, &length, NULL))
        continue;
      if (!g_str_has_suffix (cmdline, "Xvfb") && !g_str_has_suffix (cmdline, "Xorg") &&
          !g_str_has_suffix (cmdline, "Xwayland"))
        continue;
      for (arg = cmdline; arg < cmdline + length; arg += strlen (arg) + 1)
        if (g_str_equal (arg, display) ||
            (g_str_has_prefix (arg, display) && arg[strlen (display)] == '.'))
          return atoi (name);
    }
  return 0;
}

/* CPU time of process @pid, ms (user and system, from /proc). */
static double
process_cpu_ms (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (pid <= 0 || !g_file_get_contents (path, &stat, NULL, NULL) ||
      (end = strrchr (stat, ')')) == NULL)
    return 0;
  /* After the command's name: state is field 3, utime 14, stime 15. */
  fields = g_strsplit (end + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) * 1000.0 /
         sysconf (_SC_CLK_TCK);
}

typedef struct
{
  StipplePhotoPreview *preview;
  guint64              last;
  guint64              presented;
  gboolean             without_ghost;
} Presented;

/* After each paint of the window: a camera frame not painted before, with
 * the ghost over it, counts. */
static void
presented_cb (GdkFrameClock *clock,
              Presented     *p)
{
  gboolean with_ghost = FALSE;
  guint64 frame = stipple_photo_preview_get_drawn_frame (p->preview, &with_ghost);

  if (frame == 0 || frame == p->last)
    return;
  p->last = frame;
  if (with_ghost)
    p->presented++;
  else
    p->without_ghost = TRUE;
}

static void
bench_preview (StippleStore *store,
               gint64        patient_id,
               gint64        session_id)
{
  StipplePhotoWindow *window = stipple_photo_window_new (store, NULL, patient_id, session_id,
                                                         "Dr Bench");
  Presented p = { NULL, };
  GdkFrameClock *clock;
  GdkDisplay *display;
  guint64 sent;
  double start, seconds, cpu, server_cpu;
  int server = x_server_pid ();
  gulong handler;

  gtk_window_present (GTK_WINDOW (window));
  p.preview = STIPPLE_PHOTO_PREVIEW (stipple_photo_window_get_preview (window));
  while (stipple_photo_preview_get_frame (p.preview) == NULL ||
         stipple_photo_preview_get_ghost (p.preview) == NULL)
    g_main_context_iteration (NULL, TRUE);
  display = gtk_widget_get_display (GTK_WIDGET (p.preview));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (p.preview));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (presented_cb), &p);

  /* A second to settle, then 5 s counted. */
  start = now_ms ();
  while (now_ms () - start < 1000)
    g_main_context_iteration (NULL, TRUE);
  gdk_display_sync (display);
  p.presented = 0;
  sent = stipple_photo_camera_get_n_frames (stipple_photo_preview_get_camera (p.preview));
  start = now_ms ();
  cpu = thread_cpu_ms ();
  server_cpu = process_cpu_ms (server);
  while (now_ms () - start < 5000)
    g_main_context_iteration (NULL, TRUE);
  /* Presented: only once the server has drawn everything it was sent. */
  gdk_display_sync (display);
  seconds = (now_ms () - start) / 1000;
  cpu = thread_cpu_ms () - cpu;
  server_cpu = process_cpu_ms (server) - server_cpu;
  sent = stipple_photo_camera_get_n_frames (stipple_photo_preview_get_camera (p.preview)) - sent;
  g_signal_handler_disconnect (clock, handler);
  if (p.without_ghost || p.presented == 0)
    {
      fprintf (stderr, "bench-photos: the preview drew %s\n",
               p.presented == 0 ? "no frame" : "frames without the ghost");
      exit (1);
    }

  printf ("photos-preview-fps-1280x720-ghost-%s: %.1f fps\n",
          g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default",
          p.presented / seconds);
  printf ("photos-preview-camera-fps: %.1f fps\n", sent / seconds);
  /* What the UI thread spends a frame, and the rate that allows. */
  printf ("photos-preview-ui-cpu-per-frame: %.1f ms\n", cpu / MAX (p.presented, 1));
  printf ("photos-preview-fps-ui-thread-capacity: %.0f fps\n",
          1000 / (cpu / MAX (p.presented, 1)));
  if (server > 0)
    printf ("photos-preview-xserver-cpu-per-frame: %.1f ms\n", server_cpu / MAX (p.presented, 1));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-bench-photos-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  char *card[3] = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StipplePatient) patient = stipple_patient_new ();
  gint64 first_session, session;
  gboolean have_front = FALSE;

  g_setenv ("STIPPLE_CAMERA_PIPELINE",
            "videotestsrc pattern=ball background-color=0xffc89a7c"
            " ! video/x-raw,width=1280,height=720,framerate=60/1", TRUE);
  gtk_init ();
  adw_init ();

  /* Three 24-megapixel files, as a DSLR writes them, turned by EXIF
   * (smaller when only the preview is measured: it needs one for its
   * ghost). */
  for (int i = 0; i < 3; i++)
    {
      gboolean small = argc == 2 && g_str_equal (argv[1], "preview");
      g_autoptr(GdkPixbuf) pixbuf = made_up_photo (small ? 3000 : 6000, small ? 2000 : 4000, 7 + i);
      g_autofree char *cmd = NULL;

      card[i] = g_strdup_printf ("%s/DSC_%04d.JPG", dir, i);
      g_assert (gdk_pixbuf_save (pixbuf, card[i], "jpeg", NULL, "quality", "92", NULL));
      cmd = g_strdup_printf ("exiftool -q -overwrite_original -n -Orientation=1"
                             " -Make=Nikon -SerialNumber=31024 '%s'", card[i]);
      g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
    }
  if (wanted (argc, argv, "import") || wanted (argc, argv, "size"))
    {
      GStatBuf st;
      g_stat (card[0], &st);
      printf ("photos-source-file: %.1f MB\n", st.st_size / 1e6);
    }

  store = stipple_store_open (path, &error);
  g_assert_no_error (error);
  patient->record_number = g_strdup ("BENCH-1");
  patient->given_name = g_strdup ("Bench");
  patient->family_name = g_strdup ("Photos");
  patient->date_of_birth = g_strdup ("1980-01-01");
  g_assert (stipple_store_save_patient (store, patient, NULL));
  consent (store, patient->id);
  first_session = new_session (store, patient->id, 1);

  /* Import: to stored and shown. */
  if (wanted (argc, argv, "import"))
    {
      double best = G_MAXDOUBLE, total = 0;
      const int n_import = 5;

      for (int i = 0; i < n_import; i++)
        {
          double start = now_ms (), ms;
          g_autoptr(StipplePhoto) photo = import (store, card[i % 3], patient->id, first_session,
                                                  STIPPLE_PHOTO_VIEW_CLOSE_UP,
                                                  STIPPLE_PHOTO_MOMENT_NEXT_VISIT);
          g_autoptr(GBytes) stored = stipple_store_load_photo_pixels (store, photo->id, NULL);
          g_autoptr(GdkPixbuf) shown = stipple_photo_decode (stored, 1280, NULL);
          g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (shown);

          ms = now_ms () - start;
          best = MIN (best, ms);
          total += ms;
        }
      printf ("photos-import-24mp: %.0f ms\n", total / n_import);
      printf ("photos-import-24mp-best: %.0f ms\n", best);
    }

  /* Size: a session of 11 photos. */
  session = new_session (store, patient->id, 2);
  if (wanted (argc, argv, "size") || wanted (argc, argv, "switch"))
    {
      gint64 before_size, after_size;
      StipplePhotoView views[] = { STIPPLE_PHOTO_VIEW_FRONT, STIPPLE_PHOTO_VIEW_LEFT_OBLIQUE,
                                   STIPPLE_PHOTO_VIEW_RIGHT_OBLIQUE,
                                   STIPPLE_PHOTO_VIEW_LEFT_PROFILE,
                                   STIPPLE_PHOTO_VIEW_RIGHT_PROFILE };
      gint64 bytes = 0;

      stipple_store_close (store);
      g_clear_object (&store);
      store = stipple_store_open (path, NULL);
      before_size = file_size (path);
      for (guint m = 0; m < 2; m++)
        for (guint v = 0; v < G_N_ELEMENTS (views); v++)
          {
            g_autoptr(StipplePhoto) p = import (store, card[(v + m) % 3], patient->id, session,
                                                views[v], m ? STIPPLE_PHOTO_MOMENT_AFTER
                                                            : STIPPLE_PHOTO_MOMENT_BEFORE);
            bytes += g_bytes_get_size (p->jpeg);
          }
      {
        g_autoptr(StipplePhoto) p = import (store, card[2], patient->id, session,
                                            STIPPLE_PHOTO_VIEW_CLOSE_UP,
                                            STIPPLE_PHOTO_MOMENT_AFTER);
        bytes += g_bytes_get_size (p->jpeg);
      }
      stipple_store_close (store);
      g_clear_object (&store);
      after_size = file_size (path);
      if (wanted (argc, argv, "size"))
        {
          printf ("photos-stored-per-photo: %.0f kB\n", bytes / 11 / 1000.0);
          printf ("photos-file-growth-per-session-of-11: %.1f MB\n",
                  (after_size - before_size) / 1e6);
        }
      store = stipple_store_open (path, NULL);
      have_front = TRUE;
    }

  /* Switching the compared pair. */
  if (wanted (argc, argv, "switch"))
    {
      g_autoptr(StipplePhotoCompare) compare = NULL;
      double cold = 0, warm = 0, warm_cpu = 0;
      guint n, switches = 0;

      g_autoptr(GAsyncResult) result = NULL;

      stipple_photo_compare_new_async (store, patient->id, STIPPLE_PHOTO_VIEW_FRONT,
                                       STIPPLE_ZONE_NONE, NULL, compare_ready_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      compare = g_object_ref_sink (stipple_photo_compare_new_finish (store, result, &error));
      g_assert_no_error (error);
      gtk_window_present (GTK_WINDOW (compare));
      wait_for_frame (GTK_WIDGET (compare));
      n = stipple_photo_compare_get_n_photos (compare);
      for (int round = 0; round < 2; round++)
        for (guint i = 0; i < n; i++)
          {
            double start = now_ms (), cpu = thread_cpu_ms ();

            /* Until the pair is drawn: read on the store's writer the
             * first time, from memory afterwards. */
            stipple_photo_compare_set_pair (compare, (i + 1) % n, i);
            while (!stipple_photo_compare_get_pair_ready (compare))
              g_main_context_iteration (NULL, TRUE);
            wait_for_frame (GTK_WIDGET (compare));
            if (round == 0)
              cold = MAX (cold, now_ms () - start);
            else
              {
                warm += now_ms () - start;
                warm_cpu += thread_cpu_ms () - cpu;
                switches++;
              }
          }
      printf ("photos-switch-pair-cold-max: %.1f ms\n", cold);
      printf ("photos-switch-pair-warm: %.1f ms\n", warm / switches);
      printf ("photos-switch-pair-warm-ui-cpu: %.1f ms\n", warm_cpu / switches);
      gtk_window_destroy (GTK_WINDOW (compare));
    }

  /* The live preview with the ghost: the front's first photo. */
  if (wanted (argc, argv, "preview"))
    {
      if (!have_front)
        stipple_photo_free (import (store, card[0], patient->id, session,
                                    STIPPLE_PHOTO_VIEW_FRONT, STIPPLE_PHOTO_MOMENT_BEFORE));
      bench_preview (store, patient->id, session);
    }

  stipple_store_close (store);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *child = g_build_filename (dir, name, NULL);
        if (g_file_test (child, G_FILE_TEST_IS_DIR))
          {
            g_autoptr(GDir) sub = g_dir_open (child, 0, NULL);
            const char *n2;
            while ((n2 = g_dir_read_name (sub)) != NULL)
              {
                g_autofree char *f = g_build_filename (child, n2, NULL);
                g_unlink (f);
              }
            g_rmdir (child);
          }
        else
          g_unlink (child);
      }
    g_rmdir (dir);
  }
  for (int i = 0; i < 3; i++)
    g_free (card[i]);
  return 0;
}
