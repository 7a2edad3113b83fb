/* test-photos-ui.c: taking, importing and comparing photographs on screen
 *
 * The camera is GStreamer's videotestsrc (STIPPLE_CAMERA_PIPELINE); the
 * patient file is a real one. The windows read it on the store's writer,
 * so what they show is waited for, never assumed right after a call.
 * With STIPPLE_SCREENSHOT_DIR set, the capture with its ghost, the
 * comparison and both windows naming a photo that cannot be read are
 * saved as screenshots.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "stipple-photo-compare.h"
#include "stipple-photo-import.h"
#include "stipple-photo-preview.h"
#include "stipple-photo-window.h"
#include "stipple-report-session.h"
#include "stipple-test-a11y.h"
#include "stipple-test-wait.h"
#include "test-store-util.h"

#define CAMERA "videotestsrc pattern=ball background-color=0xffc89a7c foreground-color=0xff5a2e1e" \
               " ! video/x-raw,width=1280,height=720,framerate=30/1"

typedef struct
{
  char         *dir;
  char         *path;
  StippleStore *store;
  gint64        patient;
  gint64        session;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePatient) patient = test_patient ("PH-0002", "Ines", "Ui", "1990-01-01");
  g_autoptr(StippleSession) session = NULL;
  gboolean with_consent = GPOINTER_TO_INT (data);

  f->dir = g_dir_make_tmp ("stipple-photos-ui-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "patients.stipple", NULL);
  f->store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_save_patient (f->store, patient, &error));
  f->patient = patient->id;
  session = test_session (patient->id);
  g_assert_true (stipple_store_save_session (f->store, session, &error));
  f->session = session->id;
  if (with_consent)
    {
      g_autoptr(StippleConsent) c = stipple_consent_new ();

      c->patient_id = f->patient;
      c->kind = STIPPLE_CONSENT_PHOTOGRAPHS;
      c->given = TRUE;
      c->signed_on = g_strdup ("2026-03-14");
      g_assert_true (stipple_store_save_consent (f->store, c, &error));
      g_assert_no_error (error);
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  stipple_store_close (f->store);
  g_clear_object (&f->store);
  test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
click (GtkWidget  *root,
       const char *label)
{
  GtkWidget *button = stipple_test_find_accessible (root, GTK_ACCESSIBLE_ROLE_BUTTON, label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
select_view (StipplePhotoWindow *window,
             guint               index)
{
  GtkListBox *list = GTK_LIST_BOX (stipple_test_find_of_type (GTK_WIDGET (window),
                                                              GTK_TYPE_LIST_BOX));

  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, index));
}

static void
select_moment (StipplePhotoWindow *window,
               StipplePhotoMoment  moment)
{
  GtkWidget *drop = stipple_test_find_accessible (GTK_WIDGET (window),
                                                  GTK_ACCESSIBLE_ROLE_COMBO_BOX, "Moment");

  if (drop == NULL)
    drop = stipple_test_find_of_type (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN);
  g_assert_nonnull (drop);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop), moment);
}

static char *
run (const char * const *argv)
{
  char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, NULL, &error));
  g_assert_no_error (error);
  return out;
}


/* Writes the session's report and lists its images as pdfimages sees
 * them: "width height enc" a line. Each image is also extracted and read
 * with exiftool, which must find no camera or place in it. */
static char *
report_images (Fixture           *f,
               StippleReportKind  kind,
               const char        *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleReportData) data = NULL;
  g_autofree char *pdf = g_build_filename (f->dir, name, NULL);
  g_autofree char *prefix = g_build_filename (f->dir, "img", NULL);
  g_autofree char *list = NULL;
  g_auto(GStrv) lines = NULL;
  GString *images = g_string_new (NULL);
  StippleZoneLimits limits;

  stipple_zone_limits_init_defaults (&limits);
  data = stipple_report_data_from_session (f->store, f->session, "Clinic", "", &limits, &error);
  g_assert_no_error (error);
  stipple_report_write_pdf (data, kind, pdf, &error);
  g_assert_no_error (error);
  if (g_getenv ("STIPPLE_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *copy = g_build_filename (g_getenv ("STIPPLE_SCREENSHOT_DIR"), name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (copy, contents, length, NULL));
    }
  {
    const char *argv[] = { "pdfimages", "-list", pdf, NULL };
    list = run (argv);
  }
  lines = g_strsplit (list, "\n", -1);
  /* Two header lines, then: page num type width height color comp bpc enc … */
  for (guint i = 2; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) cols = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();

      for (guint c = 0; cols[c] != NULL; c++)
        if (cols[c][0] != '\0')
          g_ptr_array_add (words, cols[c]);
      g_assert_cmpuint (words->len, >, 8);
      g_string_append_printf (images, "%s %s %s\n", (char *) words->pdata[3],
                              (char *) words->pdata[4], (char *) words->pdata[8]);
    }
  {
    const char *argv[] = { "pdfimages", "-j", pdf, prefix, NULL };
    g_autoptr(GDir) dir = NULL;
    const char *file;

    g_free (run (argv));
    dir = g_dir_open (f->dir, 0, NULL);
    while ((file = g_dir_read_name (dir)) != NULL)
      if (g_str_has_prefix (file, "img-"))
        {
          g_autofree char *path = g_build_filename (f->dir, file, NULL);
          const char *exif[] = { "exiftool", "-a", "-G1", "-s", "-GPS:all", "-EXIF:all",
                                 "-XMP:all", "-MakerNotes:all", path, NULL };
          g_autofree char *out = run (exif);

          g_assert_cmpstr (out, ==, "");
          g_unlink (path);
        }
  }
  return g_string_free (images, FALSE);
}

/* A key pressed on @widget, through its key controller as GTK would
 * deliver it. Returns whether the widget took it. */
static gboolean
press (GtkWidget *widget,
       guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }
  return handled;
}

static StipplePhotoCompare *
find_compare (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (STIPPLE_IS_PHOTO_COMPARE (l->data))
      return l->data;
  return NULL;
}

static void
test_take_import_compare (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  StipplePhotoWindow *window;
  StipplePhotoPreview *preview;
  StipplePhotoCompare *compare;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1600, 1200);
  g_autofree char *card = g_build_filename (f->dir, "DSC_0042.JPG", NULL);
  g_autoptr(GFile) card_file = g_file_new_for_path (card);
  g_autoptr(GPtrArray) stored = NULL;
  GtkWidget *name;
  guint64 drawn;
  double zoom, pan_x, pan_y;

  window = stipple_photo_window_new (f->store, NULL, f->patient, f->session, "Dr Test");
  gtk_window_present (GTK_WINDOW (window));
  stipple_test_wait_mapped (GTK_WIDGET (window));
  preview = STIPPLE_PHOTO_PREVIEW (stipple_photo_window_get_preview (window));

  /* The live preview runs. */
  WAIT_FOR (stipple_photo_preview_get_frame (preview) != NULL);
  drawn = stipple_photo_preview_get_n_drawn (preview);
  WAIT_FOR (stipple_photo_preview_get_n_drawn (preview) > drawn + 5);

  /* Every view is missing before the first photo. */
  g_assert_nonnull (stipple_test_find_accessible (GTK_WIDGET (window), GTK_ACCESSIBLE_ROLE_LIST_ITEM,
                                                  "Front: missing"));

  /* Before: the front, from the camera. */
  select_moment (window, STIPPLE_PHOTO_MOMENT_BEFORE);
  select_view (window, STIPPLE_PHOTO_VIEW_FRONT);
  click (GTK_WIDGET (window), "Take Photo");
  WAIT_FOR (stipple_photo_window_get_n_photos (window) == 1);
  g_assert_nonnull (stipple_test_find_accessible (GTK_WIDGET (window), GTK_ACCESSIBLE_ROLE_LIST_ITEM,
                                                  "Front: taken"));
  /* The photo has a name for screen readers: view, moment, date. */
  name = stipple_test_find_accessible (GTK_WIDGET (window), GTK_ACCESSIBLE_ROLE_IMG, NULL);
  g_assert_nonnull (name);

  /* The left oblique, from a camera's card. */
  gdk_pixbuf_fill (pixbuf, 0x8040a0ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, card, "jpeg", &error, NULL));
  {
    const char *argv[] = { "exiftool", "-q", "-overwrite_original", "-GPSLatitude=48.8566",
                           "-GPSLatitudeRef=N", "-Make=Nikon", "-SerialNumber=99887766", card,
                           NULL };
    g_free (run (argv));
  }
  select_view (window, STIPPLE_PHOTO_VIEW_LEFT_OBLIQUE);
  stipple_photo_window_import_file (window, card_file);
  WAIT_FOR (stipple_photo_window_get_n_photos (window) == 2);
  g_assert_nonnull (stipple_test_find_accessible (GTK_WIDGET (window), GTK_ACCESSIBLE_ROLE_LIST_ITEM,
                                                  "Left oblique (45°): taken"));

  /* Immediately after: the front again, with the ghost of the first. */
  select_view (window, STIPPLE_PHOTO_VIEW_FRONT);
  select_moment (window, STIPPLE_PHOTO_MOMENT_AFTER);
  g_assert_nonnull (stipple_test_find_accessible (GTK_WIDGET (window), GTK_ACCESSIBLE_ROLE_LIST_ITEM,
                                                  "Front: missing"));
  drawn = stipple_photo_preview_get_n_drawn (preview);
  WAIT_FOR (stipple_photo_preview_get_n_drawn (preview) > drawn + 3);
  stipple_test_screenshot ("photos-capture.png");
  click (GTK_WIDGET (window), "Take Photo");
  WAIT_FOR (stipple_photo_window_get_n_photos (window) == 3);

  /* The stored photos say nothing of where or with what. */
  stored = stipple_store_list_photos (f->store, f->patient, f->session, FALSE, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 3);
  for (guint i = 0; i < stored->len; i++)
    {
      StipplePhoto *p = stored->pdata[i];
      g_autofree char *path = g_strdup_printf ("%s/stored-%u.jpg", f->dir, i);
      const char *argv[] = { "exiftool", "-a", "-G1", "-s", "-GPS:all", "-EXIF:all",
                             "-XMP:all", "-MakerNotes:all", path, NULL };
      g_autofree char *out = NULL;

      g_assert_true (g_file_set_contents (path, g_bytes_get_data (p->jpeg, NULL),
                                          g_bytes_get_size (p->jpeg), NULL));
      out = run (argv);
      g_assert_cmpstr (out, ==, "");
    }
  g_assert_cmpint (((StipplePhoto *) stored->pdata[1])->source, ==, STIPPLE_PHOTO_SOURCE_FILE);
  g_assert_cmpuint (((StipplePhoto *) stored->pdata[1])->width, ==, 1600);

  /* Compare the front, before and after. */
  click (GTK_WIDGET (window), "Compare");
  WAIT_FOR ((compare = find_compare ()) != NULL);
  stipple_test_wait_mapped (GTK_WIDGET (compare));
  g_assert_cmpuint (stipple_photo_compare_get_n_photos (compare), ==, 2);
  g_assert_nonnull (stipple_test_find_accessible (GTK_WIDGET (compare), GTK_ACCESSIBLE_ROLE_BUTTON,
                                                  NULL));
  stipple_photo_compare_get_view (compare, &zoom, &pan_x, &pan_y);
  g_assert_cmpfloat (zoom, ==, 1.0);
  stipple_test_screenshot ("photos-compare.png");

  /* The keyboard, on the pictures: zoom, pan, overlay, the timeline. */
  {
    GtkWidget *canvas = stipple_test_find_accessible (GTK_WIDGET (compare), GTK_ACCESSIBLE_ROLE_IMG,
                                                      NULL);

    g_assert_nonnull (canvas);
    g_assert_true (gtk_widget_get_focusable (canvas));
    g_assert_true (press (canvas, GDK_KEY_plus));
    g_assert_true (press (canvas, GDK_KEY_plus));
    stipple_photo_compare_get_view (compare, &zoom, &pan_x, &pan_y);
    g_assert_cmpfloat_with_epsilon (zoom, 1.5625, 1e-9);
    g_assert_true (press (canvas, GDK_KEY_Left));
    g_assert_true (press (canvas, GDK_KEY_Up));
    stipple_photo_compare_get_view (compare, &zoom, &pan_x, &pan_y);
    g_assert_cmpfloat (pan_x, >, 0);
    g_assert_cmpfloat (pan_y, >, 0);
    g_assert_true (press (canvas, GDK_KEY_0));
    stipple_photo_compare_get_view (compare, &zoom, &pan_x, &pan_y);
    g_assert_cmpfloat (zoom, ==, 1.0);
    g_assert_cmpfloat (pan_x, ==, 0);
    /* [ puts the first photo on the right: the before, on both sides. */
    g_assert_true (press (canvas, GDK_KEY_bracketleft));
    {
      g_autoptr(GDateTime) today = g_date_time_new_now_local ();
      g_autofree char *date = g_date_time_format (today, "%x");
      g_autofree char *both = g_strdup_printf ("Front — Before, %s  |  Front — Before, %s",
                                               date, date);

      g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (compare), both));
    }
    g_assert_true (press (canvas, GDK_KEY_bracketright));
    g_assert_true (press (canvas, GDK_KEY_o));
    g_assert_true (press (canvas, GDK_KEY_o));
    g_assert_false (press (canvas, GDK_KEY_x));
  }
  click (GTK_WIDGET (compare), "Overlay");
  stipple_test_iterate (100);
  stipple_test_screenshot ("photos-compare-overlay.png");

  gtk_window_destroy (GTK_WINDOW (compare));
  gtk_window_destroy (GTK_WINDOW (window));
  stipple_test_iterate (100);

  /* The session ends, and its seal covers the photos. */
  {
    g_autoptr(StipplePatientChart) chart = stipple_store_load_chart (f->store, f->patient, &error);
    g_autoptr(StippleVerifyResult) result = NULL;
    StippleSession *session;

    g_assert_no_error (error);
    session = chart->sessions->pdata[0];
    session->ended_at = g_date_time_add_hours (session->started_at, 1);
    g_assert_true (stipple_store_save_session (f->store, session, &error));
    g_assert_no_error (error);
    result = stipple_store_verify (f->store, f->session, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->breaks->len, ==, 0);
  }

  /* The reports: the front's pair and the left oblique's before, each
   * the stored JPEG as it is. */
  {
    g_autofree char *chart = report_images (f, STIPPLE_REPORT_CHART, "chart.pdf");
    g_autofree char *patient = report_images (f, STIPPLE_REPORT_PATIENT, "patient.pdf");
    g_autoptr(StippleConsent) withdrawn = stipple_consent_new ();
    g_autofree char *chart_after = NULL;
    g_autofree char *patient_after = NULL;
    const char *expected = "1280 720 jpeg\n1280 720 jpeg\n1600 1200 jpeg\n";

    g_assert_cmpstr (chart, ==, expected);
    g_assert_cmpstr (patient, ==, expected);

    /* Consent withdrawn: the patient copy has none, the chart keeps them. */
    withdrawn->patient_id = f->patient;
    withdrawn->kind = STIPPLE_CONSENT_PHOTOGRAPHS;
    withdrawn->given = FALSE;
    withdrawn->signed_on = g_strdup ("2026-03-15");
    g_assert_true (stipple_store_save_consent (f->store, withdrawn, &error));
    g_assert_no_error (error);
    chart_after = report_images (f, STIPPLE_REPORT_CHART, "chart-withdrawn.pdf");
    patient_after = report_images (f, STIPPLE_REPORT_PATIENT, "patient-withdrawn.pdf");
    g_assert_cmpstr (chart_after, ==, expected);
    g_assert_cmpstr (patient_after, ==, "");
  }
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  StipplePhotoWindow *window;
  g_autofree char *card = g_build_filename (f->dir, "IMG.JPG", NULL);
  g_autoptr(GFile) card_file = g_file_new_for_path (card);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 64);
  g_autoptr(GPtrArray) photos = NULL;
  GtkWidget *import;

  gdk_pixbuf_fill (pixbuf, 0x808080ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, card, "jpeg", NULL, NULL));
  window = stipple_photo_window_new (f->store, NULL, f->patient, f->session, "Dr Test");
  gtk_window_present (GTK_WINDOW (window));
  stipple_test_wait_mapped (GTK_WIDGET (window));

  /* No consent: the reason is on the screen and the camera is not opened. */
  WAIT_FOR (stipple_test_find_label (GTK_WIDGET (window),
                                     "The patient has not been asked for consent to "
                                     "photographs: none can be taken until it is recorded "
                                     "in the screening.") != NULL);
  g_assert_null (stipple_photo_preview_get_frame (
    STIPPLE_PHOTO_PREVIEW (stipple_photo_window_get_preview (window))));
  import = stipple_test_find_accessible (GTK_WIDGET (window), GTK_ACCESSIBLE_ROLE_BUTTON,
                                         "Import a Photograph");
  g_assert_nonnull (import);

  /* The consent is asked on the store's writer: the window is busy
   * until the answer comes. */
  click (GTK_WIDGET (window), "Take Photo");
  WAIT_FOR (stipple_test_find_label (GTK_WIDGET (window),
                                     "No photograph taken: The patient has not been asked "
                                     "for consent to photographs.") != NULL);
  WAIT_FOR (gtk_widget_is_sensitive (import));
  stipple_photo_window_import_file (window, card_file);
  WAIT_FOR (stipple_store_count_photo_refusals (f->store, f->patient, NULL) == 2);
  WAIT_FOR (gtk_widget_is_sensitive (import));
  click (GTK_WIDGET (window), "Import a Photograph");
  WAIT_FOR (stipple_store_count_photo_refusals (f->store, f->patient, NULL) == 3);
  WAIT_FOR (gtk_widget_is_sensitive (import));
  photos = stipple_store_list_photos (f->store, f->patient, 0, TRUE, FALSE, NULL);
  g_assert_cmpuint (photos->len, ==, 0);
  g_assert_cmpuint (stipple_photo_window_get_n_photos (window), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A visible label under @root whose text holds @part. */
static GtkLabel *
find_label_with (GtkWidget  *root,
                 const char *part)
{
  if (!gtk_widget_get_visible (root))
    return NULL;
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), part) != NULL)
    return GTK_LABEL (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *label = find_label_with (child, part);

      if (label != NULL)
        return label;
    }
  return NULL;
}

/* A photo whose stored pixels cannot be decoded: the windows name it in
 * words rather than leave its place empty. */
static void
test_unreadable (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
  g_autoptr(StipplePhotoPixels) pixels = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *name = NULL;
  g_autofree char *expected = NULL;
  StipplePhotoWindow *window;
  StipplePhotoCompare *compare;
  GtkLabel *label;
  gint64 broken = 0;
  int rc;

  gdk_pixbuf_fill (pixbuf, 0xc0806040);
  pixels = stipple_photo_encode_pixbuf (pixbuf, &error);
  g_assert_no_error (error);
  for (StipplePhotoMoment m = STIPPLE_PHOTO_MOMENT_BEFORE; m <= STIPPLE_PHOTO_MOMENT_AFTER; m++)
    {
      g_autoptr(StipplePhoto) photo = stipple_photo_new ();

      photo->patient_id = f->patient;
      photo->session_id = f->session;
      photo->view = STIPPLE_PHOTO_VIEW_FRONT;
      photo->moment = m;
      photo->taken_by = g_strdup ("Dr Test");
      photo->source = STIPPLE_PHOTO_SOURCE_CAMERA;
      photo->width = pixels->width;
      photo->height = pixels->height;
      photo->jpeg = g_bytes_ref (pixels->jpeg);
      g_assert_true (stipple_store_add_photo (f->store, photo, &error));
      g_assert_no_error (error);
      if (m == STIPPLE_PHOTO_MOMENT_BEFORE)
        {
          broken = photo->id;
          name = stipple_photo_get_description (photo);
        }
    }

  /* The first photo's pixels cut short behind the store's back, as a
   * damaged disk might leave them. */
  g_free (test_sql (f->path, "DROP TRIGGER photo_no_update", &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  sql = g_strdup_printf ("UPDATE photo SET data = X'FFD8FFE0' WHERE id = %" G_GINT64_FORMAT,
                         broken);
  g_free (test_sql (f->path, sql, &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  expected = g_strdup_printf ("“%s” could not be read: ", name);

  /* Its thumbnail and the ghost, which is this same photo, say so. */
  window = stipple_photo_window_new (f->store, NULL, f->patient, f->session, "Dr Test");
  gtk_window_present (GTK_WINDOW (window));
  stipple_test_wait_mapped (GTK_WIDGET (window));
  WAIT_FOR (stipple_photo_window_get_n_photos (window) == 2);
  WAIT_FOR ((label = find_label_with (GTK_WIDGET (window), expected)) != NULL);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label), "error"));
  g_assert_null (stipple_photo_preview_get_ghost (
    STIPPLE_PHOTO_PREVIEW (stipple_photo_window_get_preview (window))));
  stipple_test_iterate (100);
  stipple_test_screenshot ("photos-unreadable.png");

  /* The comparison of before and after names it too. */
  click (GTK_WIDGET (window), "Compare");
  WAIT_FOR ((compare = find_compare ()) != NULL);
  stipple_test_wait_mapped (GTK_WIDGET (compare));
  g_assert_cmpuint (stipple_photo_compare_get_n_photos (compare), ==, 2);
  WAIT_FOR (find_label_with (GTK_WIDGET (compare), expected) != NULL);
  g_assert_false (stipple_photo_compare_get_pair_ready (compare));
  stipple_test_screenshot ("photos-compare-unreadable.png");

  /* The after beside itself reads and draws; the message goes. */
  stipple_photo_compare_set_pair (compare, 1, 1);
  WAIT_FOR (stipple_photo_compare_get_pair_ready (compare));
  g_assert_null (find_label_with (GTK_WIDGET (compare), expected));

  gtk_window_destroy (GTK_WINDOW (compare));
  gtk_window_destroy (GTK_WINDOW (window));
  stipple_test_iterate (100);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("STIPPLE_CAMERA_PIPELINE", CAMERA, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/stipple/photos-ui/take-import-compare", Fixture, GINT_TO_POINTER (TRUE),
              fixture_setup, test_take_import_compare, fixture_teardown);
  g_test_add ("/stipple/photos-ui/unreadable", Fixture, GINT_TO_POINTER (TRUE),
              fixture_setup, test_unreadable, fixture_teardown);
  g_test_add ("/stipple/photos-ui/refused", Fixture, GINT_TO_POINTER (FALSE),
              fixture_setup, test_refused, fixture_teardown);
  return g_test_run ();
}
