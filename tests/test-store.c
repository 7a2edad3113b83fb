/* test-store.c: the patient file: opening, records, search, input checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <utime.h>
#include <unistd.h>

#include "stipple-store.h"
#include "stipple-telemetry-codec.h"
#include "test-store-util.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("stipple-store-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "patients.stipple", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static GBytes *
read_file (const char *path)
{
  char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_bytes_new_take (contents, len);
}

/* Sets @path's times far into the past and returns its status: any
 * write after this shows in its modification time, however coarse the
 * file system's clock, without waiting for that clock to tick. */
static void
backdate (const char *path,
          GStatBuf   *st)
{
  struct utimbuf long_ago = { .actime = 1000000000, .modtime = 1000000000 };

  g_assert_cmpint (g_utime (path, &long_ago), ==, 0);
  g_assert_cmpint (g_stat (path, st), ==, 0);
  g_assert_cmpint (st->st_mtim.tv_sec, ==, 1000000000);
}

static void
assert_untouched (const char *path,
                  GBytes     *before,
                  GStatBuf   *st_before)
{
  g_autoptr(GBytes) after = read_file (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;

  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mtim.tv_sec, ==, st_before->st_mtim.tv_sec);
  g_assert_cmpint (st.st_mtim.tv_nsec, ==, st_before->st_mtim.tv_nsec);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_create (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autofree char *app_id = NULL, *version = NULL, *mode = NULL, *tables = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpstr (stipple_store_get_path (store), ==, f->path);

  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  stipple_store_close (store);

  app_id = test_sql (f->path, "PRAGMA application_id", NULL);
  version = test_sql (f->path, "PRAGMA user_version", NULL);
  mode = test_sql (f->path, "PRAGMA journal_mode", NULL);
  tables = test_sql (f->path, "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema"
                     " WHERE type = 'table' ORDER BY name)", NULL);
  g_assert_cmpint (g_ascii_strtoll (app_id, NULL, 10), ==, STIPPLE_STORE_APPLICATION_ID);
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, STIPPLE_STORE_SCHEMA_VERSION);
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpstr (tables, ==, "audit consent course meta needle_archive needle_session needle_thinning"
                   " note_addendum patient patient_word photo"
                   " photo_event"
                   " screening_answer session"
                   " session_serum telemetry_block zone_pass zone_strokes");

  /* An empty file (as a Stipple stopped at its first write leaves it) is
   * taken up as a new patient file. */
  {
    g_autofree char *empty = g_build_filename (f->dir, "empty.stipple", NULL);
    g_autoptr(StippleStore) fresh = NULL;

    g_assert_true (g_file_set_contents (empty, "", 0, NULL));
    fresh = stipple_store_open (empty, &error);
    g_assert_no_error (error);
    g_assert_nonnull (fresh);
  }

  /* Reopening a current file changes nothing in its schema. */
  {
    g_autoptr(StippleStore) again = stipple_store_open (f->path, &error);
    g_assert_no_error (error);
    g_assert_nonnull (again);
  }
}

static void
test_reopen (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(StipplePatient) patient = test_patient ("R-1", "Ada", "Lovelace", "1985-12-10");
  g_autoptr(StipplePatient) back = NULL;
  gint64 id;

  g_assert_no_error (error);
  patient->allergies = g_strdup ("Nickel");
  g_assert_true (stipple_store_save_patient (store, patient, &error));
  g_assert_no_error (error);
  g_assert_cmpint (patient->id, >, 0);
  g_assert_nonnull (patient->uid);
  id = patient->id;
  g_clear_object (&store);

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  back = stipple_store_get_patient (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->family_name, ==, "Lovelace");
  g_assert_cmpstr (back->allergies, ==, "Nickel");
  g_assert_cmpstr (back->uid, ==, patient->uid);
  g_assert_cmpuint (back->fitzpatrick, ==, 3);

  g_assert_null (stipple_store_get_patient (store, id + 100, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND);
}

/* The file is read through (quick_check) on opening only when the last
 * Stipple did not close it cleanly, or something else changed it since. */
static void
test_integrity_when (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(StipplePatient) patient = test_patient ("R-1", "Ada", "Lovelace", "1985-12-10");
  g_autofree char *lock = g_strconcat (f->path, ".lock", NULL);
  g_autofree char *text = NULL;
  int rc = SQLITE_ERROR;

  g_assert_no_error (error);
  /* While it is open, the lock file says so. */
  g_assert_true (g_file_get_contents (lock, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "open\n");
  g_clear_pointer (&text, g_free);
  g_assert_true (stipple_store_save_patient (store, patient, &error));
  g_clear_object (&store);
  g_assert_true (g_file_get_contents (lock, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "clean "));
  g_clear_pointer (&text, g_free);

  /* Closed cleanly and untouched: not read through again. */
  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_false (stipple_store_get_integrity_checked (store));
  g_clear_object (&store);

  /* Changed by another program since: checked. */
  g_free (test_sql (f->path, "UPDATE patient SET phone = '0171 555 0199'", &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_get_integrity_checked (store));
  g_clear_object (&store);

  /* Left open by a Stipple that stopped (a crash, a kill, a power cut):
   * checked. */
  g_assert_true (g_file_set_contents (lock, "open\n", -1, NULL));
  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_get_integrity_checked (store));
  g_clear_object (&store);

  /* A damaged file is refused, as before: its bytes changed. */
  {
    g_autofree char *contents = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
    g_assert_cmpuint (len, >, 8192);
    memset (contents + 4096, 0x5a, 4096);
    g_assert_true (g_file_set_contents (f->path, contents, len, NULL));
  }
  store = stipple_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT);
}

static void
test_too_new (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(GBytes) before = NULL;
  g_autofree char *unused = NULL;
  GStatBuf st;
  int rc;

  g_assert_no_error (error);
  g_clear_object (&store);

  /* What a future Stipple would leave behind. */
  unused = test_sql (f->path, "PRAGMA user_version = 999", &rc);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  before = read_file (f->path);
  backdate (f->path, &st);

  store = stipple_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "999"));
  g_assert_nonnull (strstr (error->message, "not been changed"));
  assert_untouched (f->path, before, &st);
}

static void
test_not_stipple (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autofree char *unused = NULL;
  g_autofree char *text_path = g_build_filename (f->dir, "letter.txt", NULL);
  g_autofree char *empty_app = g_build_filename (f->dir, "other.db", NULL);
  GStatBuf st;
  int rc;

  /* Another program's database, with its own application_id. */
  unused = test_sql (f->path, "PRAGMA application_id = 1234", &rc);
  g_clear_pointer (&unused, g_free);
  unused = test_sql (f->path, "CREATE TABLE invoices (id INTEGER)", &rc);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  before = read_file (f->path);
  backdate (f->path, &st);

  g_assert_null (stipple_store_open (f->path, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE);
  assert_untouched (f->path, before, &st);
  g_clear_error (&error);
  g_clear_pointer (&before, g_bytes_unref);

  /* A database with no application_id but tables of its own. */
  g_clear_pointer (&unused, g_free);
  unused = test_sql (empty_app, "CREATE TABLE notes (body TEXT)", &rc);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  before = read_file (empty_app);
  g_assert_cmpint (g_stat (empty_app, &st), ==, 0);
  g_assert_null (stipple_store_open (empty_app, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE);
  assert_untouched (empty_app, before, &st);
  g_clear_error (&error);
  g_clear_pointer (&before, g_bytes_unref);

  /* Not a database at all. */
  g_assert_true (g_file_set_contents (text_path, "Dear patient,\nyour appointment is…\n"
                                      "and this letter is long enough to fill a header. ....."
                                      "..........................................\n", -1, NULL));
  before = read_file (text_path);
  g_assert_cmpint (g_stat (text_path, &st), ==, 0);
  g_assert_null (stipple_store_open (text_path, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE);
  assert_untouched (text_path, before, &st);
  g_clear_error (&error);

  /* A folder where the file should be. */
  g_assert_null (stipple_store_open (f->dir, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE);
}

static void
test_locked (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) first = stipple_store_open (f->path, &error);
  g_autoptr(StippleStore) second = NULL;
  g_autoptr(StipplePatient) patient = test_patient ("R-1", "Ada", "Lovelace", "1985-12-10");

  g_assert_no_error (error);
  second = stipple_store_open (f->path, &error);
  g_assert_null (second);
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, "another Stipple"));
  g_clear_error (&error);

  /* The refused opening did not disturb the first. */
  g_assert_true (stipple_store_save_patient (first, patient, &error));
  g_assert_no_error (error);

  stipple_store_close (first);
  g_assert_false (stipple_store_save_patient (first, patient, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CLOSED);
  g_clear_error (&error);
  {
    StippleProtoSample sample = { 0, };
    g_assert_false (stipple_store_append_telemetry (first, 1, &sample, 1, &error));
    g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CLOSED);
    g_clear_error (&error);
    g_assert_false (stipple_store_flush_telemetry (first, &error));
    g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CLOSED);
    g_clear_error (&error);
  }

  second = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
}

static void
test_no_folder (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "missing", "patients.stipple", NULL);

  g_assert_null (stipple_store_open (path, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NO_FOLDER);
  g_assert_nonnull (strstr (error->message, "missing"));
  g_clear_error (&error);

  g_assert_null (stipple_store_open ("", &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      /* This run's own empty folder is not used. */
      g_rmdir (f->dir);
      /* root writes to anything: take a plain user's place. */
      if (geteuid () == 0)
        {
          g_assert_cmpint (setgid (65534), ==, 0);
          g_assert_cmpint (setuid (65534), ==, 0);
        }
      g_assert_null (stipple_store_open (g_getenv ("STIPPLE_TEST_PATH"), &error));
      g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_READ_ONLY);
      g_assert_nonnull (strstr (error->message, "read-only"));
      g_clear_error (&error);
      /* A writable file in a folder that is not: no room for the WAL. */
      g_assert_null (stipple_store_open (g_getenv ("STIPPLE_TEST_RO_FOLDER_PATH"), &error));
      g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_READ_ONLY);
      return;
    }

  {
    g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
    g_autoptr(StipplePatient) patient = test_patient ("R-1", "Ada", "Lovelace", "1985-12-10");
    g_assert_no_error (error);
    g_assert_true (stipple_store_save_patient (store, patient, &error));
  }
  {
    g_autofree char *ro_dir = g_build_filename (f->dir, "ro", NULL);
    g_autofree char *ro_path = g_build_filename (ro_dir, "patients.stipple", NULL);
    g_autoptr(GFile) from = g_file_new_for_path (f->path);
    g_autoptr(GFile) to = g_file_new_for_path (ro_path);

    g_assert_cmpint (g_mkdir (ro_dir, 0755), ==, 0);
    g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, NULL));
    g_assert_cmpint (g_chmod (ro_path, 0666), ==, 0);
    g_assert_cmpint (g_chmod (ro_dir, 0555), ==, 0);
    g_setenv ("STIPPLE_TEST_RO_FOLDER_PATH", ro_path, TRUE);
  }
  g_assert_cmpint (g_chmod (f->path, 0444), ==, 0);
  g_assert_cmpint (g_chmod (f->dir, 0755), ==, 0);
  g_setenv ("STIPPLE_TEST_PATH", f->path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();

  /* Still whole, and usable once writable again. */
  g_assert_cmpint (g_chmod (f->path, 0600), ==, 0);
  {
    g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
    g_autoptr(GPtrArray) found = NULL;
    g_assert_no_error (error);
    found = stipple_store_search_patients (store, "love", 10, &error);
    g_assert_cmpuint (found->len, ==, 1);
  }
}

static void
test_corrupt (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  GStatBuf st;

  {
    g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < 200; i++)
      {
        g_autofree char *record = g_strdup_printf ("R-%u", i);
        g_autoptr(StipplePatient) patient = test_patient (record, "Ada", "Lovelace", "1985-12-10");
        g_assert_true (stipple_store_save_patient (store, patient, &error));
      }
  }

  /* Scribble over the middle of the file, as a failing disk might. */
  g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 4096 * 4);
  memset (contents + (len / 2 & ~(gsize) 4095), 0xa5, 4096 * 2);
  g_assert_true (g_file_set_contents_full (f->path, contents, len, G_FILE_SET_CONTENTS_NONE,
                                           0600, NULL));
  before = read_file (f->path);
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);

  g_assert_null (stipple_store_open (f->path, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "backup"));
  assert_untouched (f->path, before, &st);
}

static void
test_fixture_v1 (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "fixtures",
                                                    "patients-v1.stipple", NULL);
  g_autoptr(GFile) from = g_file_new_for_path (fixture);
  g_autoptr(GFile) to = g_file_new_for_path (f->path);
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  StippleSession *session;

  g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);

  found = stipple_store_search_patients (store, "V1-0001", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  chart = stipple_store_load_chart (store, ((StipplePatient *) found->pdata[0])->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chart->patient->family_name, ==, "Fixture");
  /* Version 2 added the patient's language: none recorded yet. */
  g_assert_cmpstr (chart->patient->language, ==, "");
  g_assert_cmpuint (chart->sessions->len, ==, 1);
  g_assert_cmpuint (chart->screening->len, ==, 1);
  g_assert_cmpuint (chart->consents->len, ==, 1);
  g_assert_cmpuint (chart->courses->len, ==, 1);
  session = chart->sessions->pdata[0];
  g_assert_cmpuint (session->plan->len, ==, 3);
  g_assert_cmpstr (session->note_after, ==, "Fixture note ✓");
  g_assert_cmpuint (session->strokes[STIPPLE_ZONE_FOREHEAD], ==, 1200);
  g_assert_cmpstr (session->anaesthetic_product, ==, "Lidocaine 4% cream");
  g_assert_cmpstr (session->screening_override, ==, "Keloid on the back only; face heals well.");
  g_assert_cmpint (session->erythema_grade, ==, STIPPLE_ERYTHEMA_MILD);
  g_assert_true (session->pinpoint_bleeding);
  g_assert_cmpstr (session->aftercare_given, ==, "No make-up for 24 hours.");
  g_assert_nonnull (session->anaesthetic_at);

  samples = stipple_store_load_telemetry (store, session->id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 10000);
  g_assert_cmpint (g_array_index (samples, StippleProtoSample, 9999).position_um, ==,
                   9999 % 700 - 200);

  /* Needle data added to the old session goes on from its last block,
   * which is in encoding 1, in encoding 2; both read back as one. */
  {
    g_autoptr(GArray) more = NULL;
    g_autofree char *encodings = NULL;
    StippleProtoSample next[100];

    for (guint i = 0; i < G_N_ELEMENTS (next); i++)
      {
        next[i] = g_array_index (samples, StippleProtoSample, 9999);
        next[i].timestamp_us += 125 * (i + 1);
      }
    g_assert_true (stipple_store_append_telemetry (store, session->id, next,
                                                   G_N_ELEMENTS (next), &error));
    g_assert_true (stipple_store_flush_telemetry (store, &error));
    g_assert_no_error (error);
    more = stipple_store_load_telemetry (store, session->id, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (more->len, ==, 10100);
    g_assert_cmpmem (more->data, 10000 * sizeof (StippleProtoSample),
                     samples->data, 10000 * sizeof (StippleProtoSample));
    g_assert_cmpmem (&g_array_index (more, StippleProtoSample, 10000), sizeof next,
                     next, sizeof next);
    encodings = test_sql (f->path, "SELECT group_concat(encoding, ' ') FROM"
                          " (SELECT * FROM telemetry_block ORDER BY seq_first)", NULL);
    g_assert_cmpstr (encodings, ==, "1 1 2");
  }

  audit = stipple_store_list_audit (store, session->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 2);
}

static void
test_audit_append_only (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(StipplePatient) patient = test_patient ("R-1", "Ada", "Lovelace", "1985-12-10");
  g_autoptr(StippleSession) session = NULL;
  g_autoptr(StippleAuditEntry) entry = stipple_audit_entry_new (STIPPLE_AUDIT_SETTING);
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *count = NULL;
  g_autofree char *unused = NULL;
  int rc;

  g_assert_true (stipple_store_save_patient (store, patient, &error));
  session = test_session (patient->id);
  g_assert_true (stipple_store_save_session (store, session, &error));
  entry->session_id = session->id;
  entry->user = g_strdup ("Dr Test");
  entry->zone = STIPPLE_ZONE_FOREHEAD;
  entry->sent = g_strdup ("depth_um=500");
  entry->acknowledgement = g_strdup ("ok");
  entry->read_back = g_strdup ("depth_um=500");
  g_assert_true (stipple_store_append_audit (store, entry, &error));
  g_assert_no_error (error);
  g_assert_nonnull (entry->at);
  stipple_store_close (store);

  unused = test_sql (f->path, "UPDATE audit SET sent = 'depth_um=2500'", &rc);
  g_assert_cmpint (rc, ==, SQLITE_CONSTRAINT);
  unused = test_sql (f->path, "DELETE FROM audit", &rc);
  g_assert_cmpint (rc, ==, SQLITE_CONSTRAINT);
  count = test_sql (f->path, "SELECT count(*) || ' ' || sent FROM audit", &rc);
  g_assert_cmpstr (count, ==, "1 depth_um=500");

  g_clear_object (&store);
  store = stipple_store_open (f->path, &error);
  entries = stipple_store_list_audit (store, session->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpint (((StippleAuditEntry *) entries->pdata[0])->kind, ==, STIPPLE_AUDIT_SETTING);
  g_assert_cmpint (((StippleAuditEntry *) entries->pdata[0])->zone, ==, STIPPLE_ZONE_FOREHEAD);
  g_assert_cmpstr (((StippleAuditEntry *) entries->pdata[0])->read_back, ==, "depth_um=500");
}

static void
assert_refused (StippleStore   *store,
                StipplePatient *patient,
                int             code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (stipple_store_save_patient (store, patient, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, code);
  g_assert_cmpint (patient->id, ==, 0);
  g_test_message ("refused: %s", error->message);
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(StipplePatient) first = test_patient ("R-1", "Ada", "Lovelace", "1985-12-10");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *future = g_date_time_format (tomorrow, "%Y-%m-%d");
  g_autofree char *long_name = g_strnfill (201, 'a');
  g_autoptr(StippleSession) session = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  GString *note;

  g_assert_true (stipple_store_save_patient (store, first, &error));
  g_assert_no_error (error);

  {
    g_autoptr(StipplePatient) p = test_patient ("R-2", "Ada", "", "1985-12-10");
    assert_refused (store, p, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr(StipplePatient) p = test_patient ("R-2", "Ada", "   ", "1985-12-10");
    assert_refused (store, p, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr(StipplePatient) p = test_patient ("R-2", "Ada", "!!!???", "1985-12-10");
    assert_refused (store, p, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr(StipplePatient) p = test_patient ("R-2", "Ada", long_name, "1985-12-10");
    assert_refused (store, p, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr(StipplePatient) p = test_patient ("R-2", "Ada", "Love\x01lace", "1985-12-10");
    assert_refused (store, p, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr(StipplePatient) p = test_patient ("R-2", "Ada", "Love\xfflace", "1985-12-10");
    assert_refused (store, p, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr(StipplePatient) p = test_patient ("R-2", "Ada", "Lovelace", future);
    assert_refused (store, p, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr(StipplePatient) p = test_patient ("R-2", "Ada", "Lovelace", "1815-12-10");
    assert_refused (store, p, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr(StipplePatient) p = test_patient ("R-2", "Ada", "Lovelace", "1985-02-30");
    assert_refused (store, p, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr(StipplePatient) p = test_patient ("R-2", "Ada", "Lovelace", "10/12/1985");
    assert_refused (store, p, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr(StipplePatient) p = test_patient ("", "Ada", "Lovelace", "1985-12-10");
    assert_refused (store, p, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }
  /* The patient's language is a language code, or nothing. */
  for (guint i = 0; i < 4; i++)
    {
      static const char *bad[] = { "Spanish", "e", "es-ES", "ES" };
      g_autoptr(StipplePatient) p = test_patient ("R-2", "Ada", "Lovelace", "1985-12-10");

      p->language = g_strdup (bad[i]);
      assert_refused (store, p, STIPPLE_STORE_ERROR_INVALID_INPUT);
    }
  {
    g_autoptr(StipplePatient) p = test_patient ("R-L", "Ada", "Lovelace", "1985-12-10");
    g_autoptr(StipplePatient) back = NULL;

    p->language = g_strdup ("pt_BR");
    g_assert_true (stipple_store_save_patient (store, p, &error));
    back = stipple_store_get_patient (store, p->id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (back->language, ==, "pt_BR");
  }
  {
    g_autoptr(StipplePatient) p = test_patient ("R-1", "Charles", "Babbage", "1971-12-26");
    g_autoptr(GError) dup = NULL;
    g_assert_false (stipple_store_save_patient (store, p, &dup));
    g_assert_error (dup, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DUPLICATE);
    g_assert_nonnull (strstr (dup->message, "Ada Lovelace"));
  }
  {
    g_autoptr(StipplePatient) p = test_patient ("R-2", "Ada", "Lovelace", "1985-12-10");
    p->fitzpatrick = 7;
    assert_refused (store, p, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }

  /* Emoji, right-to-left text and combining accents are kept exactly. */
  {
    g_autoptr(StipplePatient) p = test_patient ("R-3", "ياسمين", "العلي", "1990-01-31");
    g_autoptr(StipplePatient) q = test_patient ("R-4", "Zoë 🌸", "Ñúñez‏", "1992-02-29");
    g_autoptr(StipplePatient) back = NULL;
    g_autoptr(GPtrArray) found = NULL;

    g_assert_true (stipple_store_save_patient (store, p, &error));
    g_assert_no_error (error);
    g_assert_true (stipple_store_save_patient (store, q, &error));
    g_assert_no_error (error);
    back = stipple_store_get_patient (store, q->id, &error);
    g_assert_cmpstr (back->given_name, ==, "Zoë 🌸");
    g_assert_cmpstr (back->family_name, ==, "Ñúñez‏");
    found = stipple_store_search_patients (store, "العل", 10, &error);
    g_assert_cmpuint (found->len, ==, 1);
    g_assert_cmpstr (((StipplePatient *) found->pdata[0])->given_name, ==, "ياسمين");
    g_clear_pointer (&found, g_ptr_array_unref);
    found = stipple_store_search_patients (store, "NUNEZ", 10, &error);
    g_assert_cmpuint (found->len, ==, 1);
  }

  /* A 1 MB note is kept to the byte; a note past the limit is refused. */
  session = test_session (first->id);
  g_assert_true (stipple_store_save_session (store, session, &error));
  g_assert_no_error (error);
  note = g_string_new (NULL);
  while (note->len < 1000000 - 64)
    g_string_append (note, "Erythema even. שלום 👍 Zoë\n");
  g_assert_true (stipple_store_save_note (store, session->id, STIPPLE_NOTE_AFTER, note->str,
                                          &error));
  g_assert_no_error (error);
  chart = stipple_store_load_chart (store, first->id, &error);
  g_assert_cmpstr (((StippleSession *) chart->sessions->pdata[0])->note_after, ==, note->str);
  while (note->len <= STIPPLE_STORE_MAX_NOTE_BYTES)
    g_string_append (note, "more text ");
  g_assert_false (stipple_store_save_note (store, session->id, STIPPLE_NOTE_AFTER, note->str,
                                           &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_string_free (note, TRUE);

  g_assert_false (stipple_store_save_note (store, 9999, STIPPLE_NOTE_AFTER, "x", &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A plan no pen can carry out. */
  stipple_session_add_pass (session, STIPPLE_ZONE_CHIN, 3500, 120);
  g_assert_false (stipple_store_save_session (store, session, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* A redness grade outside 0–3, and an override reason with a control
   * character, are refused before they reach the file. */
  g_array_set_size (session->plan, 0);
  session->erythema_grade = 4;
  g_assert_false (stipple_store_save_session (store, session, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  session->erythema_grade = STIPPLE_ERYTHEMA_MARKED;
  session->screening_override = g_strdup ("Checked\x07");
  g_assert_false (stipple_store_save_session (store, session, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_clear_pointer (&session->screening_override, g_free);
  g_assert_true (stipple_store_save_session (store, session, &error));
  g_assert_no_error (error);

  /* A session for a patient who is not there is refused by the file. */
  {
    g_autoptr(StippleSession) orphan = test_session (424242);
    g_assert_false (stipple_store_save_session (store, orphan, &error));
    g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
    g_assert_cmpint (orphan->id, ==, 0);
    g_clear_error (&error);
  }
  {
    g_autoptr(StippleScreeningAnswer) answer = stipple_screening_answer_new ();
    answer->patient_id = first->id;
    answer->item_key = g_strdup ("likes-cats");
    answer->answered_on = g_strdup ("2026-01-01");
    g_assert_false (stipple_store_save_screening_answer (store, answer, &error));
    g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_patient_free);
  static const char * const people[][4] = {
    { "A-100", "Anna", "Müller", "1970-05-01" },
    { "A-101", "Hans", "Mueller", "1981-06-02" },
    { "A-102", "Marie", "Curie", "1967-11-07" },
    { "B-200", "Pierre", "Curie", "1959-05-15" },
    { "B-201", "Anna", "Smith", "1970-05-01" },
    { "C-300", "Ada", "van der Berg", "2001-01-01" },
  };
  GPtrArray *found;

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    g_ptr_array_add (all, test_patient (people[i][0], people[i][1], people[i][2], people[i][3]));
  g_assert_true (stipple_store_save_patients (store, all, &error));
  g_assert_no_error (error);

#define SEARCH(q, n) \
  found = stipple_store_search_patients (store, q, 20, &error); \
  g_assert_no_error (error); \
  g_assert_cmpuint (found->len, ==, n);

  SEARCH ("m", 3); /* Müller, Mueller, Marie Curie */
  g_ptr_array_unref (found);
  SEARCH ("mu", 2);
  g_ptr_array_unref (found);
  SEARCH ("MÜL", 1);
  g_assert_cmpstr (((StipplePatient *) found->pdata[0])->family_name, ==, "Müller");
  g_ptr_array_unref (found);
  SEARCH ("curie", 2);
  g_assert_cmpstr (((StipplePatient *) found->pdata[0])->given_name, ==, "Marie");
  g_ptr_array_unref (found);
  SEARCH ("curie pi", 1);
  g_assert_cmpstr (((StipplePatient *) found->pdata[0])->given_name, ==, "Pierre");
  g_ptr_array_unref (found);
  SEARCH ("anna", 2);
  g_ptr_array_unref (found);
  SEARCH ("anna sm", 1);
  g_ptr_array_unref (found);
  SEARCH ("b-2", 2);
  g_ptr_array_unref (found);
  SEARCH ("1970-05-01", 2);
  g_ptr_array_unref (found);
  SEARCH ("01.05.1970", 2);
  g_ptr_array_unref (found);
  SEARCH ("1959", 1);
  g_ptr_array_unref (found);
  SEARCH ("van der", 1);
  g_ptr_array_unref (found);
  SEARCH ("   ", 0);
  g_ptr_array_unref (found);
  SEARCH ("zzz", 0);
  g_ptr_array_unref (found);
  SEARCH ("%", 0);
  g_ptr_array_unref (found);
#undef SEARCH

  /* save_patients is all or nothing. */
  {
    g_autoptr(GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_patient_free);
    g_ptr_array_add (batch, test_patient ("D-1", "New", "Person", "1990-01-01"));
    g_ptr_array_add (batch, test_patient ("A-100", "Clash", "Person", "1990-01-01"));
    g_assert_false (stipple_store_save_patients (store, batch, &error));
    g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DUPLICATE);
    g_clear_error (&error);
    g_assert_cmpint (((StipplePatient *) batch->pdata[0])->id, ==, 0);
    found = stipple_store_search_patients (store, "person", 20, &error);
    g_assert_cmpuint (found->len, ==, 0);
    g_ptr_array_unref (found);
  }
}

/* Whether @found holds exactly one patient, called @given @family. */
static void
assert_found_one (GPtrArray  *found,
                  const char *given,
                  const char *family)
{
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((StipplePatient *) found->pdata[0])->given_name, ==, given);
  g_assert_cmpstr (((StipplePatient *) found->pdata[0])->family_name, ==, family);
}

static GPtrArray *
search (StippleStore *store,
        const char   *query,
        guint         limit)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *found = stipple_store_search_patients (store, query, limit, &error);

  g_assert_no_error (error);
  return found;
}

/* The word index (schema version 7): every typed word is the start of a
 * word of the patient's names, in any order, whichever word is rare. */
static void
test_search_words (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_patient_free);
  g_autoptr(StipplePatient) rare = test_patient ("W-1", "Anna", "Zzyzx", "1980-01-01");
  g_autofree char *words = NULL;
  g_autofree char *id_text = NULL;
  GPtrArray *found;

  g_assert_no_error (error);
  /* Many Annas whose family names start with "a", one of them rare. */
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *record = g_strdup_printf ("W-%u", 100 + i);
      g_autofree char *family = g_strdup_printf ("Ahlberg%03u", i);
      g_ptr_array_add (all, test_patient (record, "Anna", family, "1970-01-01"));
    }
  g_ptr_array_add (all, test_patient ("W-2", "Anna", "van der Berg", "1981-02-03"));
  g_ptr_array_add (all, test_patient ("W-3", "Derek", "Derwent", "1982-03-04"));
  g_ptr_array_add (all, test_patient ("W-4", "Zoë", "Ñúñez", "1983-04-05"));
  g_assert_true (stipple_store_save_patients (store, all, &error));
  g_assert_no_error (error);
  g_assert_true (stipple_store_save_patient (store, rare, &error));
  g_assert_no_error (error);

  /* A common first word, a rare second one, under a small limit. */
  found = search (store, "anna zz", 5);
  assert_found_one (found, "Anna", "Zzyzx");
  g_ptr_array_unref (found);
  found = search (store, "a zz", 5);
  assert_found_one (found, "Anna", "Zzyzx");
  g_ptr_array_unref (found);
  found = search (store, "zz a", 5);
  assert_found_one (found, "Anna", "Zzyzx");
  g_ptr_array_unref (found);

  /* A particle typed second, while another family name starts with it. */
  found = search (store, "anna der", 5);
  assert_found_one (found, "Anna", "van der Berg");
  g_ptr_array_unref (found);
  found = search (store, "der anna", 5);
  assert_found_one (found, "Anna", "van der Berg");
  g_ptr_array_unref (found);
  found = search (store, "berg", 5);
  assert_found_one (found, "Anna", "van der Berg");
  g_ptr_array_unref (found);
  found = search (store, "der", 5);
  g_assert_cmpuint (found->len, ==, 2); /* van der Berg, Derek Derwent */
  g_ptr_array_unref (found);

  /* Case and accents, either way round. */
  found = search (store, "NUNEZ zoe", 5);
  assert_found_one (found, "Zoë", "Ñúñez");
  g_ptr_array_unref (found);
  found = search (store, "zoË ÑÚ", 5);
  assert_found_one (found, "Zoë", "Ñúñez");
  g_ptr_array_unref (found);
  found = search (store, "zoe   nunez x", 5);
  g_assert_cmpuint (found->len, ==, 0);
  g_ptr_array_unref (found);

  /* The limit holds for names; the results come by name. */
  found = search (store, "anna", 5);
  g_assert_cmpuint (found->len, ==, 5);
  for (guint i = 1; i < found->len; i++)
    g_assert_cmpint (g_utf8_collate (((StipplePatient *) found->pdata[i - 1])->family_name,
                                     ((StipplePatient *) found->pdata[i])->family_name), <=, 0);
  g_ptr_array_unref (found);
  /* "a" is the start of "anna" too: every Anna. */
  found = search (store, "anna a", 400);
  g_assert_cmpuint (found->len, ==, 302);
  g_ptr_array_unref (found);

  /* A rename: the old words no longer find the patient. */
  g_free (rare->family_name);
  rare->family_name = g_strdup ("Quist");
  g_assert_true (stipple_store_save_patient (store, rare, &error));
  g_assert_no_error (error);
  found = search (store, "zz", 5);
  g_assert_cmpuint (found->len, ==, 0);
  g_ptr_array_unref (found);
  found = search (store, "anna q", 5);
  assert_found_one (found, "Anna", "Quist");
  g_ptr_array_unref (found);
  stipple_store_close (store);
  g_clear_object (&store);

  /* Another program's writes keep the index in step too: a patient
   * added with plain SQL (its keys folded, as the schema asks) is found,
   * and once deleted leaves no word behind. */
  g_free (test_sql (f->path,
                    "INSERT INTO patient (uid, record_number, family_name, given_name,"
                    " date_of_birth, family_key, given_key, record_key, created_at, updated_at)"
                    " VALUES ('7b1f', 'SQL-1', 'de la Cruz', 'José', '1990-06-07',"
                    " 'de la cruz', 'jose', 'sql-1', '2026-01-01T00:00:00Z',"
                    " '2026-01-01T00:00:00Z')", NULL));
  id_text = test_sql (f->path, "SELECT id FROM patient WHERE uid = '7b1f'", NULL);
  g_assert_nonnull (id_text);
  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  found = search (store, "cruz jo", 5);
  assert_found_one (found, "José", "de la Cruz");
  g_ptr_array_unref (found);
  stipple_store_close (store);
  g_clear_object (&store);

  {
    g_autofree char *sql = g_strdup_printf ("SELECT group_concat (word, ' ') FROM"
                                            " (SELECT word FROM patient_word"
                                            "  WHERE patient_id = %s ORDER BY word)", id_text);
    g_autofree char *gone = NULL;
    int rc;

    words = test_sql (f->path, sql, NULL);
    g_assert_cmpstr (words, ==, "cruz de jose la");
    g_free (test_sql (f->path, "DELETE FROM patient WHERE uid = '7b1f'", &rc));
    g_assert_cmpint (rc, ==, SQLITE_OK);
    gone = test_sql (f->path, sql, NULL);
    g_assert_null (gone);
  }
}

/* A file of version 6, from before the word index: the migration fills
 * the index from the names already there. */
static void
test_migrate_v6_words (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const downgrade[] = {
    "DROP TRIGGER patient_word_insert",
    "DROP TRIGGER patient_word_update",
    "DROP TRIGGER patient_word_delete",
    "DROP TABLE patient_word",
    /* and of the needle archives of versions 9 and 10 */
    "DROP TABLE needle_thinning",
    "DROP TABLE needle_session",
    "DROP TABLE needle_archive",
    "PRAGMA user_version = 6",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_patient_free);
  g_autofree char *version = NULL;
  g_autofree char *n_words = NULL;
  GPtrArray *found;

  g_assert_no_error (error);
  g_ptr_array_add (all, test_patient ("V6-1", "Anna", "van der Berg", "1981-02-03"));
  g_ptr_array_add (all, test_patient ("V6-2", "Derek", "Derwent", "1982-03-04"));
  g_ptr_array_add (all, test_patient ("V6-3", "Zoë", "Ñúñez", "1983-04-05"));
  g_assert_true (stipple_store_save_patients (store, all, &error));
  g_assert_no_error (error);
  stipple_store_close (store);
  g_clear_object (&store);

  for (guint i = 0; i < G_N_ELEMENTS (downgrade); i++)
    {
      int rc;

      g_free (test_sql (f->path, downgrade[i], &rc));
      g_assert_cmpint (rc, ==, SQLITE_OK);
    }
  version = test_sql (f->path, "PRAGMA user_version", NULL);
  g_assert_cmpstr (version, ==, "6");

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  found = search (store, "der anna", 10);
  assert_found_one (found, "Anna", "van der Berg");
  g_ptr_array_unref (found);
  found = search (store, "nunez", 10);
  assert_found_one (found, "Zoë", "Ñúñez");
  g_ptr_array_unref (found);
  found = search (store, "V6-", 10);
  g_assert_cmpuint (found->len, ==, 3);
  g_ptr_array_unref (found);
  stipple_store_close (store);

  g_clear_pointer (&version, g_free);
  version = test_sql (f->path, "PRAGMA user_version", NULL);
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, STIPPLE_STORE_SCHEMA_VERSION);
  n_words = test_sql (f->path, "SELECT count(*) FROM patient_word", NULL);
  g_assert_cmpstr (n_words, ==, "8"); /* van der berg anna derwent derek nunez zoe */
}

static void
test_chart (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(StipplePatient) patient = test_patient ("R-1", "Ada", "Lovelace", "1985-12-10");
  g_autoptr(StippleCourse) course = stipple_course_new ();
  g_autoptr(StippleConsent) consent = stipple_consent_new ();
  g_autoptr(StippleScreeningAnswer) answer = stipple_screening_answer_new ();
  g_autoptr(StippleSession) session = NULL;
  g_autoptr(StippleSession) second = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  StippleSession *back;
  g_autofree char *start_text = NULL;

  g_assert_true (stipple_store_save_patient (store, patient, &error));
  course->patient_id = patient->id;
  course->indications = g_strdup ("Acne scars");
  course->planned_sessions = 3;
  course->interval_days = 28;
  course->started_on = g_strdup ("2026-03-14");
  g_assert_true (stipple_store_save_course (store, course, &error));
  g_assert_no_error (error);
  consent->patient_id = patient->id;
  consent->kind = STIPPLE_CONSENT_PHOTOGRAPHS;
  consent->given = FALSE;
  consent->signed_on = g_strdup ("2026-03-14");
  g_assert_true (stipple_store_save_consent (store, consent, &error));
  g_assert_no_error (error);

  session = test_session (patient->id);
  session->course_id = course->id;
  session->anaesthetic_at = g_date_time_add_minutes (session->started_at, -55);
  session->note_before = g_strdup ("Skin intact");
  session->anaesthetic_product = g_strdup ("Lidocaine 4% cream");
  session->screening_override = g_strdup ("Warts on the left hand only,\nnot in the area.");
  session->erythema_grade = STIPPLE_ERYTHEMA_MODERATE;
  session->pinpoint_bleeding = TRUE;
  session->aftercare_given = g_strdup ("No make-up for 24 hours.\nSunscreen from tomorrow.");
  g_assert_true (stipple_store_save_session (store, session, &error));
  g_assert_no_error (error);
  second = test_session (patient->id);
  g_date_time_unref (second->started_at);
  second->started_at = g_date_time_new_utc (2026, 4, 11, 10, 0, 0);
  g_assert_true (stipple_store_save_session (store, second, &error));

  answer->patient_id = patient->id;
  answer->session_id = session->id;
  answer->item_key = g_strdup ("nsaids");
  answer->answer = TRUE;
  answer->note = g_strdup ("Ibuprofen 2 days ago");
  answer->answered_on = g_strdup ("2026-03-14");
  g_assert_true (stipple_store_save_screening_answer (store, answer, &error));
  g_assert_no_error (error);

  g_assert_true (stipple_store_add_strokes (store, session->id, STIPPLE_ZONE_FOREHEAD, 1000,
                                            &error));
  g_assert_true (stipple_store_add_strokes (store, session->id, STIPPLE_ZONE_FOREHEAD, 234,
                                            &error));
  g_assert_no_error (error);

  /* Updating replaces the plan, it does not add to it. */
  g_array_set_size (session->plan, 0);
  stipple_session_add_pass (session, STIPPLE_ZONE_NOSE, 250, 100);
  stipple_session_add_pass (session, STIPPLE_ZONE_NOSE, 250, 100);
  g_assert_true (stipple_store_save_session (store, session, &error));
  g_assert_no_error (error);

  chart = stipple_store_load_chart (store, patient->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chart->sessions->len, ==, 2);
  g_assert_cmpuint (chart->courses->len, ==, 1);
  g_assert_cmpuint (((StippleCourse *) chart->courses->pdata[0])->interval_days, ==, 28);
  g_assert_cmpuint (chart->consents->len, ==, 1);
  g_assert_cmpint (((StippleConsent *) chart->consents->pdata[0])->kind, ==,
                   STIPPLE_CONSENT_PHOTOGRAPHS);
  g_assert_false (((StippleConsent *) chart->consents->pdata[0])->given);
  g_assert_cmpuint (chart->screening->len, ==, 1);
  g_assert_cmpstr (((StippleScreeningAnswer *) chart->screening->pdata[0])->note, ==,
                   "Ibuprofen 2 days ago");

  back = chart->sessions->pdata[0];
  g_assert_cmpint (back->id, ==, session->id);
  g_assert_cmpint (back->course_id, ==, course->id);
  g_assert_true (g_date_time_equal (back->started_at, session->started_at));
  g_assert_true (g_date_time_equal (back->anaesthetic_at, session->anaesthetic_at));
  g_assert_null (back->ended_at);
  g_assert_cmpstr (back->cartridge_lot, ==, "L2603");
  g_assert_cmpuint (back->plan->len, ==, 2);
  g_assert_cmpint (g_array_index (back->plan, StippleZonePass, 1).zone, ==, STIPPLE_ZONE_NOSE);
  g_assert_cmpuint (g_array_index (back->plan, StippleZonePass, 1).pass, ==, 2);
  g_assert_cmpuint (back->serums->len, ==, 1);
  g_assert_cmpstr (((StippleSerum *) back->serums->pdata[0])->lot, ==, "HA-1");
  g_assert_cmpuint (back->strokes[STIPPLE_ZONE_FOREHEAD], ==, 1234);
  g_assert_cmpstr (back->note_before, ==, "Skin intact");
  g_assert_cmpstr (back->anaesthetic_product, ==, "Lidocaine 4% cream");
  g_assert_cmpstr (back->screening_override, ==, "Warts on the left hand only,\nnot in the area.");
  g_assert_cmpint (back->erythema_grade, ==, STIPPLE_ERYTHEMA_MODERATE);
  g_assert_true (back->pinpoint_bleeding);
  g_assert_cmpstr (back->aftercare_given, ==, "No make-up for 24 hours.\nSunscreen from tomorrow.");
  g_assert_cmpuint (((StippleSession *) chart->sessions->pdata[1])->plan->len, ==, 3);

  /* What was not recorded reads back as not recorded, not as "none". */
  {
    StippleSession *plain = chart->sessions->pdata[1];

    g_assert_null (plain->anaesthetic_product);
    g_assert_null (plain->screening_override);
    g_assert_null (plain->aftercare_given);
    g_assert_cmpint (plain->erythema_grade, ==, STIPPLE_ERYTHEMA_NOT_RECORDED);
    g_assert_false (plain->pinpoint_bleeding);
  }

  /* Times read plainly in the file, for the auditor. */
  stipple_store_close (store);
  start_text = test_sql (f->path, "SELECT started_at FROM session ORDER BY id LIMIT 1", NULL);
  g_assert_cmpstr (start_text, ==, "2026-03-14T09:26:53.589793Z");
  {
    g_autofree char *grades = test_sql (f->path, "SELECT group_concat(erythema_grade || ':'"
                                        " || pinpoint_bleeding || ':' || (screening_override"
                                        " IS NULL), ' ') FROM (SELECT * FROM session ORDER BY id)",
                                        NULL);
    g_assert_cmpstr (grades, ==, "2:1:0 -1:0:1");
  }

  {
    g_autoptr(StipplePatientChart) copy = stipple_patient_chart_copy (chart);
    StippleSession *copied;

    g_assert_cmpuint (copy->sessions->len, ==, 2);
    copied = copy->sessions->pdata[0];
    g_assert_true (copied->screening_override != back->screening_override);
    g_assert_cmpstr (copied->screening_override, ==, back->screening_override);
    g_assert_cmpstr (copied->anaesthetic_product, ==, back->anaesthetic_product);
    g_assert_cmpstr (copied->aftercare_given, ==, back->aftercare_given);
    g_assert_cmpint (copied->erythema_grade, ==, STIPPLE_ERYTHEMA_MODERATE);
  }
}

static void
test_telemetry (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(StipplePatient) patient = test_patient ("R-1", "Ada", "Lovelace", "1985-12-10");
  g_autoptr(StippleSession) session = NULL;
  g_autoptr(GArray) back = NULL;
  g_autoptr(GArray) times = NULL;
  const guint n = 20500;
  g_autofree StippleProtoSample *samples = g_new0 (StippleProtoSample, n);
  g_autofree char *blocks = NULL;
  guint32 clock = G_MAXUINT32 - 125 * 10000;

  g_assert_true (stipple_store_save_patient (store, patient, &error));
  session = test_session (patient->id);
  g_assert_true (stipple_store_save_session (store, session, &error));

  /* The pen's clock wraps half-way through. */
  for (guint i = 0; i < n; i++)
    {
      samples[i].timestamp_us = clock;
      samples[i].position_um = (gint32) (i % 67) * 25 - 300;
      samples[i].load = samples[i].position_um > 0 ? 12000 + (i * 7919) % 50 : 0;
      samples[i].flags = STIPPLE_PROTO_SAMPLE_RUNNING;
      if (samples[i].position_um > 0)
        samples[i].flags |= STIPPLE_PROTO_SAMPLE_CONTACT;
      samples[i].stroke_count = G_MAXUINT32 - 100 + i / 67;
      clock += 125;
    }

  /* Appended in the ragged pieces a transport delivers. */
  for (guint i = 0; i < n; i += 333)
    g_assert_true (stipple_store_append_telemetry (store, session->id, samples + i,
                                                   MIN (333, n - i), &error));
  g_assert_true (stipple_store_flush_telemetry (store, &error));
  g_assert_no_error (error);

  back = stipple_store_load_telemetry (store, session->id, &times, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, n);
  g_assert_cmpmem (back->data, n * sizeof (StippleProtoSample),
                   samples, n * sizeof (StippleProtoSample));
  g_assert_cmpuint (times->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (times, gint64, i), ==, (gint64) i * 125);

  /* Reopened, the session's record continues where it stopped. */
  g_clear_object (&store);
  store = stipple_store_open (f->path, &error);
  g_assert_true (stipple_store_append_telemetry (store, session->id, samples, 100, &error));
  g_clear_pointer (&back, g_array_unref);
  g_clear_pointer (&times, g_array_unref);
  g_assert_true (stipple_store_flush_telemetry (store, &error));
  back = stipple_store_load_telemetry (store, session->id, &times, &error);
  g_assert_cmpuint (back->len, ==, n + 100);
  stipple_store_close (store);

  blocks = test_sql (f->path, "SELECT group_concat(seq_first || ':' || n_samples, ' ') FROM"
                     " (SELECT * FROM telemetry_block ORDER BY seq_first)", NULL);
  g_assert_cmpstr (blocks, ==, "0:8000 8000:8000 16000:4500 20500:100");
  g_clear_pointer (&blocks, g_free);
  /* New blocks are written in the current encoding. */
  blocks = test_sql (f->path, "SELECT group_concat(encoding, ' ') FROM"
                     " (SELECT * FROM telemetry_block ORDER BY seq_first)", NULL);
  g_assert_cmpstr (blocks, ==, "2 2 2 2");

  /* No data for a session that does not exist. */
  {
    g_autoptr(GError) local = NULL;
    g_assert_false (stipple_store_append_telemetry (store, 0, samples, 1, &local));
    g_assert_error (local, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  }
}

static void
test_codec_damage (void)
{
  StippleProtoSample in[50] = { 0 };
  StippleProtoSample out[50];
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) cut = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 50; i++)
    in[i].position_um = -(gint32) i * 1000;
  data = stipple_telemetry_encode (STIPPLE_TELEMETRY_ENCODING_CURRENT, in, 50);
  g_assert_true (stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_CURRENT, data, 50, out,
                                           &error));
  g_assert_cmpmem (in, sizeof in, out, sizeof out);
  g_assert_false (stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_CURRENT, data, 49, out,
                                            &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  cut = g_bytes_new_from_bytes (data, 0, g_bytes_get_size (data) / 2);
  g_assert_false (stipple_telemetry_decode (STIPPLE_TELEMETRY_ENCODING_CURRENT, cut, 50, out,
                                            &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT);
}

typedef struct
{
  GMainLoop *loop;
  gpointer   result;
  GError    *error;
} AsyncData;

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AsyncData *data = user_data;

  data->result = stipple_store_open_finish (result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncData *data = user_data;

  data->result = stipple_store_save_patient_finish (STIPPLE_STORE (object), result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
searched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncData *data = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  data->result = stipple_store_search_patients_finish (STIPPLE_STORE (object), result,
                                                       &data->error);
  g_main_loop_quit (data->loop);
}

static void
telemetry_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncData *data = user_data;

  data->result = stipple_store_load_telemetry_finish (STIPPLE_STORE (object), result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
backup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncData *data = user_data;

  data->result = stipple_store_backup_finish (STIPPLE_STORE (object), result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncData *data = user_data;

  data->result = GINT_TO_POINTER (stipple_store_export_patient_finish (STIPPLE_STORE (object),
                                                                       result, &data->error));
  g_main_loop_quit (data->loop);
}

static void
answer_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AsyncData *data = user_data;

  data->result = stipple_store_save_screening_answer_finish (STIPPLE_STORE (object), result,
                                                             &data->error);
  g_main_loop_quit (data->loop);
}

static void
consent_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  AsyncData *data = user_data;

  data->result = stipple_store_save_consent_finish (STIPPLE_STORE (object), result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
imported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncData *data = user_data;

  data->result = stipple_store_import_finish (STIPPLE_STORE (object), result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  AsyncData d = { g_main_loop_new (NULL, FALSE), NULL, NULL };
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StipplePatient) patient = test_patient ("R-1", "Ada", "Lovelace", "1985-12-10");
  g_autoptr(StipplePatient) saved = NULL;
  g_autoptr(GPtrArray) found = NULL;

  stipple_store_open_async (f->path, NULL, open_cb, &d);
  g_main_loop_run (d.loop);
  g_assert_no_error (d.error);
  store = d.result;

  stipple_store_save_patient_async (store, patient, NULL, saved_cb, &d);
  g_main_loop_run (d.loop);
  g_assert_no_error (d.error);
  saved = d.result;
  g_assert_cmpint (saved->id, >, 0);
  g_assert_cmpint (patient->id, ==, 0);

  /* The same record number again: the error comes back the same way. */
  stipple_store_save_patient_async (store, patient, NULL, saved_cb, &d);
  g_main_loop_run (d.loop);
  g_assert_error (d.error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DUPLICATE);
  g_clear_error (&d.error);

  stipple_store_search_patients_async (store, "lov", 10, NULL, searched_cb, &d);
  g_main_loop_run (d.loop);
  g_assert_no_error (d.error);
  found = d.result;
  g_assert_cmpuint (found->len, ==, 1);

  /* Needle data is read back after every block already queued. */
  {
    g_autoptr(StippleSession) session = test_session (saved->id);
    g_autofree StippleProtoSample *samples = g_new0 (StippleProtoSample,
                                                     STIPPLE_STORE_TELEMETRY_BLOCK);
    g_autoptr(GArray) back = NULL;
    g_autofree char *backup = NULL;
    g_autofree char *exported = g_build_filename (f->dir, "exported.stipple", NULL);
    g_autofree char *other = g_build_filename (f->dir, "other.stipple", NULL);
    g_autoptr(StippleStore) other_store = NULL;
    g_autoptr(StippleImportResult) imported = NULL;

    g_assert_true (stipple_store_save_session (store, session, NULL));
    for (guint i = 0; i < STIPPLE_STORE_TELEMETRY_BLOCK; i++)
      samples[i].position_um = (gint32) i;
    g_assert_true (stipple_store_append_telemetry (store, session->id, samples,
                                                   STIPPLE_STORE_TELEMETRY_BLOCK, NULL));
    stipple_store_load_telemetry_async (store, session->id, NULL, telemetry_cb, &d);
    g_main_loop_run (d.loop);
    g_assert_no_error (d.error);
    back = d.result;
    g_assert_cmpuint (back->len, ==, STIPPLE_STORE_TELEMETRY_BLOCK);
    g_assert_cmpint (g_array_index (back, StippleProtoSample, 7999).position_um, ==, 7999);

    stipple_store_backup_async (store, NULL, backup_cb, &d);
    g_main_loop_run (d.loop);
    g_assert_no_error (d.error);
    backup = d.result;
    g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));

    stipple_store_export_patient_async (store, saved->id, exported, NULL, exported_cb, &d);
    g_main_loop_run (d.loop);
    g_assert_no_error (d.error);
    g_assert_true (GPOINTER_TO_INT (d.result));

    other_store = stipple_store_open (other, NULL);
    stipple_store_import_async (other_store, exported, NULL, NULL, imported_cb, &d);
    g_main_loop_run (d.loop);
    g_assert_no_error (d.error);
    imported = d.result;
    g_assert_cmpuint (imported->patients_added, ==, 1);
    g_assert_cmpuint (imported->sessions_added, ==, 1);
  }

  /* Screening answers and consents, saved and refused the same way. */
  {
    g_autoptr(StippleScreeningAnswer) answer = stipple_screening_answer_new ();
    g_autoptr(StippleScreeningAnswer) answer_saved = NULL;
    g_autoptr(StippleConsent) consent = stipple_consent_new ();
    g_autoptr(StippleConsent) consent_saved = NULL;
    g_autoptr(StipplePatientChart) chart = NULL;

    answer->patient_id = saved->id;
    answer->item_key = g_strdup ("sun-tanning");
    answer->answer = TRUE;
    answer->answered_on = g_strdup ("2026-03-14");
    stipple_store_save_screening_answer_async (store, answer, NULL, answer_saved_cb, &d);
    g_main_loop_run (d.loop);
    g_assert_no_error (d.error);
    answer_saved = d.result;
    g_assert_cmpint (answer_saved->id, >, 0);
    g_assert_nonnull (answer_saved->uid);
    g_assert_cmpint (answer->id, ==, 0);

    consent->patient_id = saved->id;
    consent->kind = STIPPLE_CONSENT_PHOTOGRAPHS;
    consent->given = TRUE;
    consent->signed_on = g_strdup ("2026-03-14");
    stipple_store_save_consent_async (store, consent, NULL, consent_saved_cb, &d);
    g_main_loop_run (d.loop);
    g_assert_no_error (d.error);
    consent_saved = d.result;
    g_assert_cmpint (consent_saved->id, >, 0);

    chart = stipple_store_load_chart (store, saved->id, NULL);
    g_assert_cmpuint (chart->screening->len, ==, 1);
    g_assert_cmpstr (((StippleScreeningAnswer *) chart->screening->pdata[0])->item_key, ==,
                     "sun-tanning");
    g_assert_cmpuint (chart->consents->len, ==, 1);
    g_assert_cmpint (((StippleConsent *) chart->consents->pdata[0])->kind, ==,
                     STIPPLE_CONSENT_PHOTOGRAPHS);

    g_free (answer->answered_on);
    answer->answered_on = g_strdup ("14/03/2026");
    stipple_store_save_screening_answer_async (store, answer, NULL, answer_saved_cb, &d);
    g_main_loop_run (d.loop);
    g_assert_error (d.error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
    g_assert_null (d.result);
    g_clear_error (&d.error);
  }

  /* A locked file is reported through the callback too. */
  stipple_store_open_async (f->path, NULL, open_cb, &d);
  g_main_loop_run (d.loop);
  g_assert_error (d.error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_LOCKED);
  g_clear_error (&d.error);

  g_main_loop_unref (d.loop);
}

static void
make_fixture (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (path, &error);
  g_autoptr(StipplePatient) patient = test_patient ("V1-0001", "Version", "Fixture", "1980-01-01");
  g_autoptr(StippleSession) session = NULL;
  g_autoptr(StippleCourse) course = stipple_course_new ();
  g_autoptr(StippleConsent) consent = stipple_consent_new ();
  g_autoptr(StippleScreeningAnswer) answer = stipple_screening_answer_new ();
  g_autoptr(StippleAuditEntry) set = stipple_audit_entry_new (STIPPLE_AUDIT_SETTING);
  g_autoptr(StippleAuditEntry) arm = stipple_audit_entry_new (STIPPLE_AUDIT_ARM);
  g_autofree StippleProtoSample *samples = g_new0 (StippleProtoSample, 10000);

  g_assert_no_error (error);
  g_assert_true (stipple_store_save_patient (store, patient, &error));
  course->patient_id = patient->id;
  course->indications = g_strdup ("Fine lines");
  course->planned_sessions = 3;
  course->interval_days = 28;
  course->started_on = g_strdup ("2026-01-05");
  g_assert_true (stipple_store_save_course (store, course, &error));
  consent->patient_id = patient->id;
  consent->given = TRUE;
  consent->signed_on = g_strdup ("2026-01-05");
  g_assert_true (stipple_store_save_consent (store, consent, &error));
  session = test_session (patient->id);
  session->course_id = course->id;
  session->note_after = g_strdup ("Fixture note ✓");
  session->anaesthetic_at = g_date_time_add_minutes (session->started_at, -60);
  session->anaesthetic_product = g_strdup ("Lidocaine 4% cream");
  session->screening_override = g_strdup ("Keloid on the back only; face heals well.");
  session->erythema_grade = STIPPLE_ERYTHEMA_MILD;
  session->pinpoint_bleeding = TRUE;
  session->aftercare_given = g_strdup ("No make-up for 24 hours.");
  g_assert_true (stipple_store_save_session (store, session, &error));
  answer->patient_id = patient->id;
  answer->session_id = session->id;
  answer->item_key = g_strdup ("pregnancy");
  answer->answered_on = g_strdup ("2026-01-05");
  g_assert_true (stipple_store_save_screening_answer (store, answer, &error));
  g_assert_true (stipple_store_add_strokes (store, session->id, STIPPLE_ZONE_FOREHEAD, 1200,
                                            &error));
  set->session_id = arm->session_id = session->id;
  set->user = g_strdup ("Dr Test");
  arm->user = g_strdup ("Dr Test");
  set->sent = g_strdup ("zone=forehead depth_um=500 rate_hz=120");
  g_assert_true (stipple_store_append_audit (store, set, &error));
  g_assert_true (stipple_store_append_audit (store, arm, &error));
  for (guint i = 0; i < 10000; i++)
    {
      samples[i].timestamp_us = i * 125;
      samples[i].position_um = (gint32) (i % 700) - 200;
      samples[i].stroke_count = i / 67;
    }
  g_assert_true (stipple_store_append_telemetry (store, session->id, samples, 10000, &error));
  g_assert_true (stipple_store_flush_telemetry (store, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  /* tests/fixtures/patients-v1.stipple was made with
   * `test-store --make-fixture PATH`; it is never remade once a newer
   * schema exists, since it stands for the files version 1 left. */
  if (argc == 3 && g_str_equal (argv[1], "--make-fixture"))
    {
      make_fixture (argv[2]);
      return 0;
    }

  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/stipple/store/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("create", test_create);
  ADD ("reopen", test_reopen);
  ADD ("integrity-when", test_integrity_when);
  ADD ("too-new", test_too_new);
  ADD ("not-stipple", test_not_stipple);
  ADD ("locked", test_locked);
  ADD ("no-folder", test_no_folder);
  ADD ("read-only", test_read_only);
  ADD ("corrupt", test_corrupt);
  ADD ("migrate-v1-fixture", test_fixture_v1);
  ADD ("audit-append-only", test_audit_append_only);
  ADD ("bad-input", test_bad_input);
  ADD ("search", test_search);
  ADD ("search-words", test_search_words);
  ADD ("migrate-v6-words", test_migrate_v6_words);
  ADD ("chart", test_chart);
  ADD ("telemetry", test_telemetry);
  ADD ("async", test_async);
  g_test_add_func ("/stipple/store/telemetry-damaged", test_codec_damage);
#undef ADD

  return g_test_run ();
}
