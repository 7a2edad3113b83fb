/* test-photos.c: photographs in the patient file, stripped of metadata
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "stipple-photo-import.h"
#include "test-store-util.h"

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
  g_autoptr(StipplePatient) patient = test_patient ("PH-0001", "Camille", "Photo", "1985-05-05");
  g_autoptr(StippleSession) session = NULL;

  f->dir = g_dir_make_tmp ("stipple-photos-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "patients.stipple", NULL);
  f->store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);
  f->patient = patient->id;
  session = test_session (patient->id);
  g_assert_true (stipple_store_save_session (f->store, session, &error));
  g_assert_no_error (error);
  f->session = session->id;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->store != NULL)
    stipple_store_close (f->store);
  g_clear_object (&f->store);
  test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
consent (Fixture  *f,
         gboolean  given)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleConsent) c = stipple_consent_new ();

  c->patient_id = f->patient;
  c->kind = STIPPLE_CONSENT_PHOTOGRAPHS;
  c->given = given;
  c->signed_on = g_strdup ("2026-03-14");
  g_assert_true (stipple_store_save_consent (f->store, c, &error));
  g_assert_no_error (error);
}

/* A picture whose left third is red and the rest blue, so that a turn
 * shows where the red went. */
static GdkPixbuf *
test_picture (int width,
              int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guchar *p = pixels + y * stride + x * 3;
        gboolean red = x < width / 3;

        p[0] = red ? 220 : 20;
        p[1] = 30;
        p[2] = red ? 20 : 220;
      }
  return pixbuf;
}

static char *
run (const char * const *argv,
     int                *status)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int wait_status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &wait_status, &error));
  g_assert_no_error (error);
  if (status != NULL)
    *status = g_spawn_check_wait_status (wait_status, NULL) ? 0 : 1;
  return out;
}

/* Writes a JPEG a phone or a DSLR could have made: turned by its EXIF
 * orientation, with GPS, the camera's make, model and serial number,
 * the date it was taken and an XMP author. */
static char *
camera_file (const char *dir,
             const char *name,
             int         width,
             int         height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = test_picture (width, height);
  char *path = g_build_filename (dir, name, NULL);
  int status;
  const char *argv[] = {
    "exiftool", "-q", "-overwrite_original", "-n", "-Orientation=6",
    "-GPSLatitude=48.8566", "-GPSLatitudeRef=N", "-GPSLongitude=2.3522", "-GPSLongitudeRef=E",
    "-Make=Canon", "-Model=EOS R5", "-SerialNumber=031024001234",
    "-DateTimeOriginal=2024:01:02 03:04:05", "-XMP-dc:Creator=Somebody", path, NULL
  };

  g_assert_true (gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "95", NULL));
  g_assert_no_error (error);
  g_free (run (argv, &status));
  g_assert_cmpint (status, ==, 0);
  return path;
}

/* Every metadata group exiftool finds in @path, one per line. */
static char *
metadata_groups (const char *path)
{
  const char *argv[] = { "exiftool", "-a", "-G1", "-s", "-q", path, NULL };
  g_autofree char *out = run (argv, NULL);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GString *groups = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *end = strchr (lines[i], ']');

      if (lines[i][0] != '[' || end == NULL)
        continue;
      g_string_append_len (groups, lines[i] + 1, end - lines[i] - 1);
      g_string_append_c (groups, '\n');
    }
  return g_string_free (groups, FALSE);
}

/* What an outside reader finds in a stored photo: its file, the JFIF
 * header and nothing else. */
static void
assert_no_metadata (const char *path)
{
  g_autofree char *groups = metadata_groups (path);
  g_auto(GStrv) lines = g_strsplit (groups, "\n", -1);
  const char *argv[] = { "identify", "-verbose", path, NULL };
  g_autofree char *verbose = run (argv, NULL);

  g_assert_true (g_strv_length (lines) > 1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    if (!g_strv_contains ((const char * const []) { "ExifTool", "System", "File", "JFIF",
                                                    "Composite", NULL }, lines[i]))
      g_error ("%s still carries %s metadata", path, lines[i]);
  g_assert_null (strstr (verbose, "exif:"));
  g_assert_null (strstr (verbose, "GPS"));
  g_assert_null (strstr (verbose, "031024001234"));
  g_assert_null (strstr (verbose, "Canon"));
}

static void
write_bytes (const char *path,
             GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), &error));
  g_assert_no_error (error);
}

static void
test_strip_jpeg (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *original = camera_file (f->dir, "IMG_0001.JPG", 600, 300);
  g_autofree char *original_groups = metadata_groups (original);
  g_autofree char *stored = g_build_filename (f->dir, "stored.jpg", NULL);
  g_autoptr(StipplePhotoPixels) pixels = NULL;
  g_autoptr(GdkPixbuf) back = NULL;
  guchar *p;

  /* The file does carry what must go. */
  g_assert_nonnull (strstr (original_groups, "GPS\n"));
  g_assert_nonnull (strstr (original_groups, "IFD0\n"));
  g_assert_nonnull (strstr (original_groups, "XMP-dc\n"));

  pixels = stipple_photo_strip_file (original, &error);
  g_assert_no_error (error);
  /* Orientation 6: turned a quarter clockwise, so 600 × 300 stands up. */
  g_assert_cmpuint (pixels->width, ==, 300);
  g_assert_cmpuint (pixels->height, ==, 600);
  write_bytes (stored, pixels->jpeg);
  assert_no_metadata (stored);

  /* The red third was on the left; it is now at the top. */
  back = stipple_photo_decode (pixels->jpeg, 0, &error);
  g_assert_no_error (error);
  p = gdk_pixbuf_get_pixels (back) + 20 * gdk_pixbuf_get_rowstride (back) + 150 * 3;
  g_assert_cmpint (p[0], >, 150);
  g_assert_cmpint (p[2], <, 100);
  p = gdk_pixbuf_get_pixels (back) + 500 * gdk_pixbuf_get_rowstride (back) + 150 * 3;
  g_assert_cmpint (p[0], <, 100);
  g_assert_cmpint (p[2], >, 150);
}

static void
test_strip_png (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = test_picture (3000, 2000);
  g_autoptr(GdkPixbuf) alpha = gdk_pixbuf_add_alpha (pixbuf, FALSE, 0, 0, 0);
  g_autofree char *png = g_build_filename (f->dir, "transfer.png", NULL);
  g_autofree char *stored = g_build_filename (f->dir, "stored.jpg", NULL);
  g_autoptr(StipplePhotoPixels) pixels = NULL;

  g_assert_true (gdk_pixbuf_save (alpha, png, "png", &error, "tEXt::Author", "Somebody",
                                  "tEXt::GPS", "48.8566,2.3522", NULL));
  g_assert_no_error (error);
  pixels = stipple_photo_strip_file (png, &error);
  g_assert_no_error (error);
  /* Kept at the longest side Stipple stores. */
  g_assert_cmpuint (pixels->width, ==, STIPPLE_PHOTO_MAX_SIDE);
  g_assert_cmpuint (pixels->height, ==, STIPPLE_PHOTO_MAX_SIDE * 2 / 3);
  write_bytes (stored, pixels->jpeg);
  assert_no_metadata (stored);
}

static void
test_strip_refuses (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) text = g_bytes_new_static ("not a picture", 13);
  g_autoptr(StipplePhotoPixels) pixels = stipple_photo_strip (text, &error);

  g_assert_null (pixels);
  g_assert_error (error, STIPPLE_PHOTO_ERROR, STIPPLE_PHOTO_ERROR_UNREADABLE);
}

static StipplePhoto *
new_photo (Fixture            *f,
           StipplePhotoView    view,
           StipplePhotoMoment  moment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = test_picture (320, 240);
  g_autoptr(StipplePhotoPixels) pixels = stipple_photo_encode_pixbuf (pixbuf, &error);
  StipplePhoto *photo = stipple_photo_new ();

  g_assert_no_error (error);
  photo->patient_id = f->patient;
  photo->session_id = f->session;
  photo->view = view;
  photo->moment = moment;
  photo->taken_by = g_strdup ("Dr Test");
  photo->source = STIPPLE_PHOTO_SOURCE_CAMERA;
  photo->width = pixels->width;
  photo->height = pixels->height;
  photo->jpeg = g_bytes_ref (pixels->jpeg);
  return photo;
}

static void
assert_whole (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) ro = stipple_store_open_read_only (path, &error);
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "build-aux",
                                                   "stipple-verify-chain", NULL);
  const char *argv[] = { script, path, NULL };
  g_autofree char *out = NULL;
  int status;

  g_assert_no_error (error);
  result = stipple_store_verify (ro, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < result->breaks->len; i++)
    g_printerr ("break: %s\n", ((StippleVerifyBreak *) result->breaks->pdata[i])->message);
  g_assert_cmpuint (result->breaks->len, ==, 0);
  stipple_store_close (ro);
  out = run (argv, &status);
  g_assert_cmpint (status, ==, 0);
}

static void
end_session (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePatientChart) chart = stipple_store_load_chart (f->store, f->patient, &error);
  StippleSession *session;

  g_assert_no_error (error);
  session = chart->sessions->pdata[0];
  session->ended_at = g_date_time_add_hours (session->started_at, 1);
  g_assert_true (stipple_store_save_session (f->store, session, &error));
  g_assert_no_error (error);
}

static void
test_store_and_seal (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePhoto) before = new_photo (f, STIPPLE_PHOTO_VIEW_FRONT,
                                              STIPPLE_PHOTO_MOMENT_BEFORE);
  g_autoptr(StipplePhoto) after = new_photo (f, STIPPLE_PHOTO_VIEW_CLOSE_UP,
                                             STIPPLE_PHOTO_MOMENT_AFTER);
  g_autoptr(StipplePhoto) no_zone = new_photo (f, STIPPLE_PHOTO_VIEW_CLOSE_UP,
                                               STIPPLE_PHOTO_MOMENT_AFTER);
  g_autoptr(GPtrArray) photos = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *dumped = g_build_filename (f->dir, "dumped.jpg", NULL);
  StipplePhoto *p;
  int rc;

  consent (f, TRUE);
  g_assert_cmpint (stipple_store_get_photo_consent (f->store, f->patient, NULL), ==,
                   STIPPLE_PHOTO_CONSENT_GIVEN);
  g_assert_true (stipple_store_add_photo (f->store, before, &error));
  g_assert_no_error (error);
  g_assert_cmpint (before->id, >, 0);
  g_assert_nonnull (before->taken_at);

  /* A close-up names its zone. */
  g_assert_false (stipple_store_add_photo (f->store, no_zone, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  end_session (f);
  /* Added after the session ended: the session is sealed again. */
  after->zone = STIPPLE_ZONE_CHEEK_LEFT;
  g_assert_true (stipple_store_add_photo (f->store, after, &error));
  g_assert_no_error (error);

  photos = stipple_store_list_photos (f->store, f->patient, f->session, FALSE, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (photos->len, ==, 2);
  p = photos->pdata[1];
  g_assert_cmpint (p->view, ==, STIPPLE_PHOTO_VIEW_CLOSE_UP);
  g_assert_cmpint (p->zone, ==, STIPPLE_ZONE_CHEEK_LEFT);
  g_assert_cmpint (p->moment, ==, STIPPLE_PHOTO_MOMENT_AFTER);
  g_assert_cmpstr (p->taken_by, ==, "Dr Test");
  g_assert_true (g_bytes_equal (p->jpeg, after->jpeg));
  sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, p->jpeg);
  g_assert_cmpstr (p->sha256, ==, sum);

  /* What the file holds, read by an outside reader. */
  stored = stipple_store_load_photo_pixels (f->store, before->id, &error);
  g_assert_no_error (error);
  write_bytes (dumped, stored);
  assert_no_metadata (dumped);

  stipple_store_close (f->store);
  assert_whole (f->path);

  /* Append-only, and the seal covers the pixels. */
  g_free (test_sql (f->path, "UPDATE photo SET view = 'front'", &rc));
  g_assert_cmpint (rc, !=, SQLITE_OK);
  g_free (test_sql (f->path, "DELETE FROM photo", &rc));
  g_assert_cmpint (rc, !=, SQLITE_OK);
  g_free (test_sql (f->path, "DROP TRIGGER photo_no_update", &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_free (test_sql (f->path, "UPDATE photo SET data = zeroblob (0) WHERE id = 1", &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  {
    g_autoptr(StippleStore) ro = stipple_store_open_read_only (f->path, &error);
    g_autoptr(StippleVerifyResult) result = NULL;
    g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "build-aux",
                                                     "stipple-verify-chain", NULL);
    const char *argv[] = { script, f->path, NULL };
    g_autofree char *out = NULL;
    int status;

    g_assert_no_error (error);
    result = stipple_store_verify (ro, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->breaks->len, ==, 1);
    g_assert_nonnull (strstr (((StippleVerifyBreak *) result->breaks->pdata[0])->message,
                              "Photograph 1"));
    stipple_store_close (ro);
    out = run (argv, &status);
    g_assert_cmpint (status, !=, 0);
    g_assert_nonnull (strstr (out, "photograph 1 changed"));
  }
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePhoto) photo = new_photo (f, STIPPLE_PHOTO_VIEW_FRONT,
                                             STIPPLE_PHOTO_MOMENT_BEFORE);
  g_autoptr(GPtrArray) photos = NULL;

  /* Never asked. */
  g_assert_cmpint (stipple_store_get_photo_consent (f->store, f->patient, NULL), ==,
                   STIPPLE_PHOTO_CONSENT_NOT_ASKED);
  g_assert_false (stipple_store_add_photo (f->store, photo, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NO_CONSENT);
  g_assert_nonnull (strstr (error->message, "not been asked"));
  g_clear_error (&error);
  g_assert_cmpuint (stipple_store_count_photo_refusals (f->store, f->patient, NULL), ==, 1);

  /* Refused. */
  consent (f, FALSE);
  g_assert_cmpint (stipple_store_get_photo_consent (f->store, f->patient, NULL), ==,
                   STIPPLE_PHOTO_CONSENT_REFUSED);
  g_assert_false (stipple_store_add_photo (f->store, photo, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NO_CONSENT);
  g_assert_nonnull (strstr (error->message, "refused"));
  g_clear_error (&error);
  g_assert_cmpuint (stipple_store_count_photo_refusals (f->store, f->patient, NULL), ==, 2);
  g_assert_cmpint (photo->id, ==, 0);

  photos = stipple_store_list_photos (f->store, f->patient, 0, TRUE, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (photos->len, ==, 0);
  stipple_store_close (f->store);
  {
    g_autofree char *n = test_sql (f->path, "SELECT count(*) FROM photo_event WHERE kind = 'refused'"
                                   " AND reason LIKE '%refused%'", NULL);
    g_assert_cmpstr (n, ==, "1");
  }
}

static void
test_withdrawn_and_exchange (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePhoto) shown = new_photo (f, STIPPLE_PHOTO_VIEW_FRONT,
                                             STIPPLE_PHOTO_MOMENT_BEFORE);
  g_autoptr(StipplePhoto) later = new_photo (f, STIPPLE_PHOTO_VIEW_LEFT_PROFILE,
                                             STIPPLE_PHOTO_MOMENT_AFTER);
  g_autoptr(GPtrArray) photos = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *exported = g_build_filename (f->dir, "export.stipple", NULL);
  g_autofree char *exported2 = g_build_filename (f->dir, "export2.stipple", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other.stipple", NULL);
  g_autofree char *dumped = g_build_filename (f->dir, "exported.jpg", NULL);
  g_autoptr(StippleStore) there = NULL;
  g_autoptr(StippleImportResult) imported = NULL;

  consent (f, TRUE);
  g_assert_true (stipple_store_add_photo (f->store, shown, &error));
  g_assert_no_error (error);
  end_session (f);

  /* Exported with its consent: the photo travels whole. */
  g_assert_true (stipple_store_export_patient (f->store, f->patient, exported, &error));
  g_assert_no_error (error);
  assert_whole (exported);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT writefile ('%s', data) FROM photo", dumped);
    const char *argv[] = { "sqlite3", exported, sql, NULL };
    g_autofree char *n = run (argv, NULL);

    g_assert_cmpint (g_ascii_strtoll (n, NULL, 10), ==, g_bytes_get_size (shown->jpeg));
    assert_no_metadata (dumped);
  }
  there = stipple_store_open (other, &error);
  g_assert_no_error (error);
  imported = stipple_store_import (there, exported, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imported->patients_added, ==, 1);
  {
    g_autoptr(GPtrArray) found = stipple_store_search_patients (there, "PH-0001", 5, &error);
    g_autoptr(GPtrArray) copied = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 1);
    copied = stipple_store_list_photos (there, ((StipplePatient *) found->pdata[0])->id, 0,
                                        FALSE, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (copied->len, ==, 1);
    g_assert_true (g_bytes_equal (((StipplePhoto *) copied->pdata[0])->jpeg, shown->jpeg));
  }
  stipple_store_close (there);
  assert_whole (other);

  /* Withdrawn: hidden from every list but the chart copy's, recorded. */
  g_assert_true (stipple_store_add_photo (f->store, later, &error));
  consent (f, FALSE);
  g_assert_cmpint (stipple_store_get_photo_consent (f->store, f->patient, NULL), ==,
                   STIPPLE_PHOTO_CONSENT_WITHDRAWN);
  photos = stipple_store_list_photos (f->store, f->patient, 0, FALSE, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (photos->len, ==, 0);
  all = stipple_store_list_photos (f->store, f->patient, 0, TRUE, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_true (((StipplePhoto *) all->pdata[0])->hidden);

  /* Exported now, the photos keep their hash and leave their pixels. */
  g_assert_true (stipple_store_export_patient (f->store, f->patient, exported2, &error));
  g_assert_no_error (error);
  assert_whole (exported2);
  {
    g_autofree char *n = test_sql (exported2, "SELECT sum (length (data)) || '/' || count(*)"
                                   " FROM photo", NULL);
    g_assert_cmpstr (n, ==, "0/2");
  }
  stipple_store_close (f->store);
  assert_whole (f->path);
  {
    g_autofree char *n = test_sql (f->path, "SELECT count(*) FROM photo_event WHERE kind = 'hidden'",
                                   NULL);
    g_assert_cmpstr (n, ==, "2");
  }
}

static void
test_migrate_v3 (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "fixtures",
                                                    "patients-v3.stipple", NULL);
  g_autofree char *copy = g_build_filename (f->dir, "v3.stipple", NULL);
  g_autoptr(GFile) from = g_file_new_for_path (fixture);
  g_autoptr(GFile) to = g_file_new_for_path (copy);
  g_autoptr(StippleStore) store = NULL;
  g_autofree char *version = NULL;
  g_autofree char *tables = NULL;

  g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  store = stipple_store_open (copy, &error);
  g_assert_no_error (error);
  stipple_store_close (store);
  version = test_sql (copy, "PRAGMA user_version", NULL);
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, STIPPLE_STORE_SCHEMA_VERSION);
  tables = test_sql (copy, "SELECT group_concat (name) FROM sqlite_schema WHERE name LIKE 'photo%'"
                     " AND type = 'table'", NULL);
  g_assert_cmpstr (tables, ==, "photo,photo_event");
  /* The session sealed before photos were kept still holds. */
  assert_whole (copy);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/stipple/photos/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("strip-jpeg", test_strip_jpeg);
  ADD ("strip-png", test_strip_png);
  ADD ("strip-refuses", test_strip_refuses);
  ADD ("store-and-seal", test_store_and_seal);
  ADD ("refused", test_refused);
  ADD ("withdrawn-and-exchange", test_withdrawn_and_exchange);
  ADD ("migrate-v3", test_migrate_v3);
#undef ADD

  return g_test_run ();
}
