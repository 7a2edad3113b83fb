/* test-photos-window.c: photographs taken in the real window, with real input
 *
 * The whole way a clinician goes, in Stipple's main window, every press
 * and every word through the X server (XTest): a session started for the
 * demo patient with consent to photographs, the photographs opened from
 * the treatment screen's button, a photo taken with the camera (GStreamer's
 * videotestsrc), a DSLR file carrying a GPS position and a camera serial
 * imported through GTK's own file chooser (no portal under Xvfb: Ctrl+L,
 * the path typed, Enter), the two compared, the session ended and its
 * record exported through the save dialog. Then the outside readers:
 * pdfimages lists the record's images, and exiftool finds no place and
 * no camera in the stored photos nor in the images of the PDF.
 *
 * Helpers of its own (a dialog's response button, a drop-down's item):
 * the shared ones are being changed elsewhere.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "stipple-application.h"
#include "stipple-photo-compare.h"
#include "stipple-photo-preview.h"
#include "stipple-photo-window.h"
#include "stipple-screening.h"
#include "stipple-test-a11y.h"
#include "stipple-test-ui.h"
#include "stipple-test-xinput.h"
#include "stipple-treatment-page.h"
#include "stipple-treatment.h"
#include "stipple-window.h"

#define TEST_WAIT_SECONDS 30
#define TEST_WAIT_ON_TIMEOUT stipple_xinput_save_failure_screenshot
#include "stipple-test-wait.h"

#define CAMERA "videotestsrc pattern=ball background-color=0xffc89a7c foreground-color=0xff5a2e1e" \
               " ! video/x-raw,width=1280,height=720,framerate=30/1"

static StippleApplication *app;
static GtkWindow *window;
static char *dir;
static char *card;
static char *record;
static gint64 session_id;
static gboolean finished;

static char *
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* What exiftool finds of a place, a camera or a date of the camera. */
static char *
camera_metadata (const char *path)
{
  const char *argv[] = { "exiftool", "-a", "-G1", "-s", "-GPS:all", "-EXIF:all", "-XMP:all",
                         "-MakerNotes:all", path, NULL };

  return run_tool (argv);
}

static void
click_response (const char *label)
{
  GtkWidget *button = NULL;

  WAIT_FOR ((button = stipple_test_ui_find_labelled_button_anywhere (label)) != NULL &&
            gtk_widget_is_sensitive (button));
  stipple_xinput_click (button);
}

/* A dialog's response pressed with its mnemonic, @keys. */
static void
press_response (const char *label,
                const char *keys)
{
  GtkWidget *button = NULL;

  WAIT_FOR ((button = stipple_test_ui_find_labelled_button_anywhere (label)) != NULL &&
            gtk_widget_is_sensitive (button));
  stipple_test_iterate (300);
  stipple_xinput_key (GTK_WINDOW (gtk_widget_get_root (button)), keys);
}

/* Clicks the button @label until a window of @type opens: a click that
 * lands while a busy machine is still settling the window is clicked
 * again, as a person would; three clicks at most. */
static GtkWindow *
click_for_toplevel (const char *label,
                    GType       type)
{
  GtkWindow *found = NULL;

  for (guint attempt = 0; found == NULL; attempt++)
    {
      g_assert_cmpuint (attempt, <, 3);
      stipple_test_ui_click (label);
      if (!ITERATE_UNTIL_SECONDS (10, (found = stipple_test_find_window (type)) != NULL))
        g_test_message ("%s opened nothing; clicked again", label);
    }
  stipple_test_wait_mapped (GTK_WIDGET (found));
  return found;
}

/* The drop-down @drop opened with a click, and the item @position
 * chosen in its list with the arrow keys and Enter (the pointer helper
 * clicks in windows only, not in a popover's surface). */
static void
choose (GtkWidget *drop,
        guint      position)
{
  GtkWidget *popover = NULL;
  GtkWindow *root = GTK_WINDOW (gtk_widget_get_root (drop));

  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (drop)), <, position);
  stipple_xinput_click (drop);
  WAIT_FOR ((popover = stipple_test_find_of_type (drop, GTK_TYPE_POPOVER)) != NULL &&
            gtk_widget_get_mapped (popover));
  stipple_test_iterate (200);
  for (guint i = gtk_drop_down_get_selected (GTK_DROP_DOWN (drop)); i < position; i++)
    stipple_xinput_key (root, "Down");
  stipple_xinput_key (root, "Return");
  WAIT_FOR (gtk_drop_down_get_selected (GTK_DROP_DOWN (drop)) == position);
}

/* The set-up's steps, clicked and typed, with consent to photographs. */
static void
start_session (void)
{
  const StippleScreeningItem *items;
  GtkWidget *widget = NULL;
  guint n_items;

  WAIT_FOR ((widget = stipple_test_find_of_type (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY)) != NULL);
  stipple_test_ui_type_into (widget, "DEMO-0001");
  stipple_xinput_key (window, "Return");
  stipple_test_ui_click (_("Start Session"));

  WAIT_FOR ((widget = stipple_test_find_entry_row (GTK_WIDGET (window), _("Clinician’s Name"))) != NULL &&
            gtk_widget_get_mapped (widget));
  stipple_test_ui_type_into (widget, "Dr Lens");
  stipple_test_ui_click (_("Next"));
  items = stipple_screening_get_items (&n_items);
  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *label = g_strdup_printf (_("%s: No"), stipple_screening_get_question (&items[i]));
      GtkWidget *no = NULL;

      WAIT_FOR ((no = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_CHECKBOX, label)) != NULL ||
                (no = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_RADIO, label)) != NULL ||
                (no = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_BUTTON, label)) != NULL);
      stipple_xinput_click (no);
      WAIT_FOR (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (no)));
    }
  stipple_test_ui_click (_("Next"));
  widget = stipple_test_ui_wait_for_accessible (GTK_ACCESSIBLE_ROLE_CHECKBOX,
                                                _("The patient consents to the treatment"));
  stipple_xinput_click (widget);
  WAIT_FOR (gtk_check_button_get_active (GTK_CHECK_BUTTON (widget)));
  widget = stipple_test_ui_wait_for_accessible (GTK_ACCESSIBLE_ROLE_CHECKBOX,
                                                _("The patient consents to photographs"));
  stipple_xinput_click (widget);
  WAIT_FOR (gtk_check_button_get_active (GTK_CHECK_BUTTON (widget)));
  stipple_test_ui_click (_("Next"));
  widget = stipple_test_ui_wait_for_accessible (GTK_ACCESSIBLE_ROLE_SWITCH, _("Anaesthetic applied"));
  stipple_xinput_click (widget);
  WAIT_FOR (gtk_switch_get_active (GTK_SWITCH (widget)));
  WAIT_FOR ((widget = stipple_test_find_entry_row (GTK_WIDGET (window), _("Anaesthetic Product"))) != NULL &&
            gtk_widget_is_sensitive (widget));
  stipple_test_ui_type_into (widget, "Lidocaine 4% cream");
  stipple_test_ui_click (_("Begin Treatment"));
}

static void
screenshot (const char *name)
{
  const char *shots = g_getenv ("STIPPLE_SCREENSHOT_DIR");
  g_autofree char *path = NULL;

  if (shots == NULL)
    return;
  stipple_test_iterate (300);
  path = g_build_filename (shots, name, NULL);
  {
    const char *argv[] = { "import", "-window", "root", path, NULL };

    g_free (run_tool (argv));
  }
}

/* Whether the frame shown is of the size it is drawn at, in device
 * pixels, and smaller than the camera's. */
static gboolean
frame_fits (StipplePhotoPreview *preview)
{
  GdkTexture *frame = stipple_photo_preview_get_frame (preview);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (preview));
  graphene_rect_t picture;

  stipple_photo_preview_get_picture (preview, &picture);
  return frame != NULL && picture.size.width < 1280 &&
         gdk_texture_get_width (frame) == (int) roundf (picture.size.width * scale) &&
         gdk_texture_get_height (frame) == (int) roundf (picture.size.height * scale);
}

static void
run (void)
{
  StipplePhotoWindow *photos;
  StipplePhotoPreview *preview;
  StipplePhotoCompare *compare;
  GtkWindow *chooser;
  guint64 drawn;

  WAIT_FOR ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL);
  WAIT_FOR (stipple_application_get_store (app) != NULL);
  WAIT_FOR (stipple_pen_get_connected (stipple_application_get_pen (app)));
  stipple_test_wait_mapped (GTK_WIDGET (window));
  stipple_xinput_check ();
  stipple_xinput_focus (window);

  start_session ();
  WAIT_FOR (stipple_test_ui_get_treatment (window) != NULL);
  session_id = stipple_treatment_get_session (stipple_test_ui_get_treatment (window))->id;

  /* The photographs, from the treatment screen's button. */
  photos = STIPPLE_PHOTO_WINDOW (click_for_toplevel (_("Photographs"), STIPPLE_TYPE_PHOTO_WINDOW));
  preview = STIPPLE_PHOTO_PREVIEW (stipple_photo_window_get_preview (photos));

  /* The camera runs, drawn pixel for pixel: the pipeline sends frames of
   * the size they are shown at. */
  WAIT_FOR (stipple_photo_preview_get_frame (preview) != NULL);
  WAIT_FOR (frame_fits (preview));
  drawn = stipple_photo_preview_get_drawn_frame (preview, NULL);
  WAIT_FOR (stipple_photo_preview_get_drawn_frame (preview, NULL) > drawn + 5);

  /* Before: the front, from the camera. */
  g_assert_nonnull (stipple_test_find_accessible (GTK_WIDGET (photos), GTK_ACCESSIBLE_ROLE_LIST_ITEM,
                                                  "Front: missing"));
  stipple_test_ui_click (_("Take Photo"));
  WAIT_FOR (stipple_photo_window_get_n_photos (photos) == 1);
  g_assert_nonnull (stipple_test_find_accessible (GTK_WIDGET (photos), GTK_ACCESSIBLE_ROLE_LIST_ITEM,
                                                  "Front: taken"));

  /* Immediately after: the front again, from a camera's card, through the
   * file chooser. The ghost of the first is over the live picture. */
  choose (stipple_test_find_accessible (GTK_WIDGET (photos), GTK_ACCESSIBLE_ROLE_COMBO_BOX,
                                        _("Moment")),
          STIPPLE_PHOTO_MOMENT_AFTER);
  WAIT_FOR (stipple_test_find_accessible (GTK_WIDGET (photos), GTK_ACCESSIBLE_ROLE_LIST_ITEM,
                                          "Front: missing") != NULL);
  WAIT_FOR (stipple_photo_preview_get_ghost (preview) != NULL);
  {
    gboolean with_ghost = FALSE;

    drawn = stipple_photo_preview_get_drawn_frame (preview, NULL);
    WAIT_FOR (stipple_photo_preview_get_drawn_frame (preview, &with_ghost) > drawn + 3 && with_ghost);
  }
  screenshot ("photos-window-capture.png");
  chooser = click_for_toplevel (_("Import a Photograph"), GTK_TYPE_FILE_CHOOSER_DIALOG);
  stipple_test_ui_open_in_chooser (chooser, card);
  WAIT_FOR (stipple_photo_window_get_n_photos (photos) == 2);
  g_assert_nonnull (stipple_test_find_accessible (GTK_WIDGET (photos), GTK_ACCESSIBLE_ROLE_LIST_ITEM,
                                                  "Front: taken"));

  /* The two compared; the keyboard zooms them together. */
  compare = STIPPLE_PHOTO_COMPARE (click_for_toplevel (_("Compare"), STIPPLE_TYPE_PHOTO_COMPARE));
  g_assert_cmpuint (stipple_photo_compare_get_n_photos (compare), ==, 2);
  {
    GtkWidget *canvas = stipple_test_find_accessible (GTK_WIDGET (compare), GTK_ACCESSIBLE_ROLE_IMG,
                                                      NULL);
    double zoom, pan_x, pan_y;

    g_assert_nonnull (canvas);
    stipple_xinput_click (canvas);
    WAIT_FOR (stipple_test_ui_focused (canvas));
    stipple_xinput_key (GTK_WINDOW (compare), "plus");
    WAIT_FOR ((stipple_photo_compare_get_view (compare, &zoom, &pan_x, &pan_y), zoom > 1.0));
    stipple_xinput_key (GTK_WINDOW (compare), "0");
    WAIT_FOR ((stipple_photo_compare_get_view (compare, &zoom, &pan_x, &pan_y), zoom == 1.0));
  }
  screenshot ("photos-window-compare.png");
  gtk_window_close (GTK_WINDOW (compare));
  gtk_window_close (GTK_WINDOW (photos));

  /* The session ended, its record exported through the save dialog. */
  stipple_xinput_key (window, "alt+e");
  click_response (_("_End Session"));
  press_response (_("_Export Record…"), "alt+e");
  chooser = stipple_test_ui_wait_for_window (GTK_TYPE_FILE_CHOOSER_DIALOG, NULL);
  stipple_test_ui_open_in_chooser (chooser, record);
  /* Written on a worker: done once the toast says so. */
  {
    g_autofree char *saved = g_strdup_printf (_("Saved “%s”"), "record.pdf");

    WAIT_FOR (stipple_test_find_label (GTK_WIDGET (window), saved) != NULL);
  }
  g_assert_true (g_file_test (record, G_FILE_TEST_IS_REGULAR));
  finished = TRUE;
}

static void
test_photos_window (void)
{
  g_autofree char *database = NULL;
  g_autofree char *source = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1600, 1200);
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  const char *argv[] = { "stipple", "--simulate", "--demo", "--database", NULL, NULL };
  gint64 patient_id = 0;

  dir = g_dir_make_tmp ("stipple-photos-window-XXXXXX", NULL);
  database = g_build_filename (dir, "demo.stipple", NULL);
  card = g_build_filename (dir, "DSC_0042.JPG", NULL);
  record = g_build_filename (dir, "record.pdf", NULL);
  argv[4] = database;

  /* A DSLR's file: where it was taken and with which camera. */
  gdk_pixbuf_fill (pixbuf, 0xc0907aff);
  g_assert_true (gdk_pixbuf_save (pixbuf, card, "jpeg", &error, NULL));
  {
    const char *tag[] = { "exiftool", "-q", "-overwrite_original", "-GPSLatitude=48.8566",
                          "-GPSLatitudeRef=N", "-Make=Nikon", "-SerialNumber=99887766", card, NULL };

    g_free (run_tool (tag));
  }
  source = camera_metadata (card);
  g_assert_nonnull (strstr (source, "GPSLatitude"));
  g_assert_nonnull (strstr (source, "99887766"));

  app = stipple_application_new ();
  stipple_test_run_app (G_APPLICATION (app), argv, run);
  g_assert_true (finished);
  g_clear_object (&app);

  /* The patient file: the two photos, nothing of the camera in either. */
  store = stipple_store_open_read_only (database, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_find_session_patient (store, session_id, &patient_id, &error));
  stored = stipple_store_list_photos (store, patient_id, session_id, FALSE, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 2);
  g_assert_cmpint (((StipplePhoto *) stored->pdata[0])->source, ==, STIPPLE_PHOTO_SOURCE_CAMERA);
  g_assert_cmpint (((StipplePhoto *) stored->pdata[1])->source, ==, STIPPLE_PHOTO_SOURCE_FILE);
  for (guint i = 0; i < stored->len; i++)
    {
      StipplePhoto *p = stored->pdata[i];
      g_autofree char *path = g_strdup_printf ("%s/stored-%u.jpg", dir, i);
      g_autofree char *found = NULL;

      g_assert_cmpint (p->view, ==, STIPPLE_PHOTO_VIEW_FRONT);
      g_assert_true (g_file_set_contents (path, g_bytes_get_data (p->jpeg, NULL),
                                          g_bytes_get_size (p->jpeg), NULL));
      found = camera_metadata (path);
      g_assert_cmpstr (found, ==, "");
    }
  stipple_store_close (store);

  /* The record: the front's pair, before and after, as stored. */
  {
    const char *list[] = { "pdfimages", "-list", record, NULL };
    g_autofree char *prefix = g_build_filename (dir, "img", NULL);
    const char *extract[] = { "pdfimages", "-j", record, prefix, NULL };
    g_autofree char *out = run_tool (list);
    g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
    g_autoptr(GString) images = g_string_new (NULL);
    g_autoptr(GDir) d = NULL;
    const char *name;
    guint n_extracted = 0;

    for (guint i = 2; lines[i] != NULL && lines[i][0] != '\0'; i++)
      {
        g_auto(GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
        g_autoptr(GPtrArray) cols = g_ptr_array_new ();

        for (guint c = 0; words[c] != NULL; c++)
          if (words[c][0] != '\0')
            g_ptr_array_add (cols, words[c]);
        g_assert_cmpuint (cols->len, >, 8);
        g_string_append_printf (images, "%s %s %s\n", (char *) cols->pdata[3],
                                (char *) cols->pdata[4], (char *) cols->pdata[8]);
      }
    g_assert_cmpstr (images->str, ==, "1280 720 jpeg\n1600 1200 jpeg\n");

    g_free (run_tool (extract));
    d = g_dir_open (dir, 0, NULL);
    while ((name = g_dir_read_name (d)) != NULL)
      if (g_str_has_prefix (name, "img-"))
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autofree char *found = camera_metadata (path);

          g_assert_cmpstr (found, ==, "");
          n_extracted++;
        }
    g_assert_cmpuint (n_extracted, ==, 2);
  }
  if (g_getenv ("STIPPLE_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *copy = g_build_filename (g_getenv ("STIPPLE_SCREENSHOT_DIR"),
                                                "photos-window-record.pdf", NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (record, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (copy, contents, length, NULL));
    }

  {
    const char *rm[] = { "rm", "-rf", dir, NULL };

    g_free (run_tool (rm));
  }
  g_clear_pointer (&dir, g_free);
  g_clear_pointer (&card, g_free);
  g_clear_pointer (&record, g_free);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("STIPPLE_CAMERA_PIPELINE", CAMERA, TRUE);
  stipple_test_ui_init (&argc, &argv);
  stipple_test_ui_set_wait (TEST_WAIT_SECONDS, stipple_xinput_save_failure_screenshot);

  g_test_add_func ("/stipple/photos-window/take-import-compare-export", test_photos_window);

  return g_test_run ();
}
