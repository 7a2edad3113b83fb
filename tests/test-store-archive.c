/* test-store-archive.c: needle archives beside the patient file
 *
 * The demo file's closed months are archived; each test then checks,
 * on the real files, what a clinician and an auditor rely on: an old
 * session still replays and verifies, an altered archive is found, a
 * missing one is named while the clinical record still opens, and
 * opening the patient file leaves the archives alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "stipple-store-backup.h"
#include "stipple-stroke-analyser.h"
#include "stipple-telemetry-codec.h"
#include "test-store-util.h"

typedef struct
{
  char       *dir;
  char       *path;
  char       *archive_dir;
  /* session id → its samples as read before archiving */
  GHashTable *before;
  /* a session whose needle data is now in an archive */
  gint64      session;
  char       *archive;
} Fixture;

static GArray *
load_all (StippleStore *store,
          gint64        session_id,
          GError      **error)
{
  return stipple_store_load_telemetry (store, session_id, NULL, error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *ids = NULL;
  g_auto(GStrv) list = NULL;
  guint n_days = 0, n_blocks = 0;

  f->dir = g_dir_make_tmp ("stipple-archive-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "patients.stipple", NULL);
  f->archive_dir = g_build_filename (f->dir, "patients.stipple.needle", NULL);
  f->before = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                     (GDestroyNotify) g_array_unref);

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_fill_demo (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (stipple_store_flush_telemetry (store, &error));
  g_assert_no_error (error);

  ids = test_sql (f->path, "SELECT group_concat (DISTINCT session_id) FROM telemetry_block", NULL);
  g_assert_nonnull (ids);
  list = g_strsplit (ids, ",", -1);
  for (guint i = 0; list[i] != NULL; i++)
    {
      gint64 session_id = g_ascii_strtoll (list[i], NULL, 10);
      GArray *samples = load_all (store, session_id, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (samples->len, >, 0);
      g_hash_table_insert (f->before, g_memdup2 (&session_id, sizeof session_id), samples);
    }

  g_assert_true (stipple_store_archive_closed_days (store, &n_days, &n_blocks, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_days, >, 0);
  g_assert_cmpuint (n_blocks, >, 0);
  stipple_store_close (store);

  id = test_sql (f->path, "SELECT session_id FROM needle_session ORDER BY session_id LIMIT 1", NULL);
  g_assert_nonnull (id);
  f->session = g_ascii_strtoll (id, NULL, 10);
  name = test_sql (f->path, g_strdup_printf ("SELECT a.file_name FROM needle_session b JOIN"
                                             " needle_archive a ON a.id = b.archive_id"
                                             " WHERE b.session_id = %" G_GINT64_FORMAT,
                                             f->session), NULL);
  g_assert_nonnull (name);
  f->archive = g_build_filename (f->archive_dir, name, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->archive_dir);
  g_free (f->archive);
  g_hash_table_unref (f->before);
}

static void
assert_same_samples (GArray *a,
                     GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  g_assert_cmpmem (a->data, a->len * sizeof (StippleProtoSample),
                   b->data, b->len * sizeof (StippleProtoSample));
}

/* Every session reads as it did, archived or not, and the record
 * verifies, the archives included. */
static void
test_archived_loads (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autofree char *left = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *contents = NULL;
  GHashTableIter iter;
  gpointer key, value;
  gsize len;
  struct stat st;

  /* The blocks left the patient file; their hashes stayed. */
  left = test_sql (f->path, g_strdup_printf ("SELECT count(*) FROM telemetry_block"
                                             " WHERE session_id = %" G_GINT64_FORMAT, f->session),
                   NULL);
  g_assert_cmpstr (left, ==, "0");
  g_assert_cmpint (g_stat (f->archive, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* The audit row names the archive and its SHA-256. */
  g_assert_true (g_file_get_contents (f->archive, &contents, &len, NULL));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
  audit = test_sql (f->path, "SELECT detail FROM audit WHERE kind = 'archive' ORDER BY id LIMIT 1",
                    NULL);
  g_assert_nonnull (audit);
  g_assert_nonnull (strstr (audit, sha));

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, f->before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(GArray) now = load_all (store, *(gint64 *) key, &error);

      g_assert_no_error (error);
      assert_same_samples (value, now);
    }

  result = stipple_store_verify (store, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < result->breaks->len; i++)
    g_printerr ("%s\n", ((StippleVerifyBreak *) g_ptr_array_index (result->breaks, i))->message);
  g_assert_cmpuint (result->breaks->len, ==, 0);
  stipple_store_close (store);

  /* An auditor's sqlite3 and sha256sum agree: every seal holds. */
  {
    g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "build-aux",
                                                     "stipple-verify-chain", NULL);
    g_autofree char *out = NULL;
    g_autofree char *head = g_strdup_printf ("head: %" G_GINT64_FORMAT " %s\n", result->head_id,
                                             result->head_hash);
    const char *argv[] = { script, f->path, NULL };
    int status = 0;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                 NULL, &out, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    g_assert_true (g_str_has_suffix (out, head));
  }
}

/* One byte of one archived block changed: reading the session says so,
 * and so does the check of the file. */
static void
test_tampered (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autofree char *sql = NULL;
  int rc = 0;

  g_chmod (f->archive, 0600);
  sql = g_strdup_printf ("UPDATE telemetry_block SET data = CAST (substr (data, 1, 20)"
                         " || x'5A' || substr (data, 22) AS BLOB)"
                         " WHERE session_id = %" G_GINT64_FORMAT " AND seq_first = 0", f->session);
  g_free (test_sql (f->archive, sql, &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  samples = load_all (store, f->session, &error);
  g_assert_null (samples);
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  result = stipple_store_verify (store, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stipple_verify_result_get_session_break (result, f->session));
  stipple_store_close (store);
}

/* The archives are gone: the clinical record opens, verifies and loads;
 * the old session's needle data names the missing archive. */
static void
test_missing (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autofree char *aside = g_strconcat (f->archive_dir, ".aside", NULL);
  gint64 patient_id = 0;
  GHashTableIter iter;
  gpointer key;

  g_assert_cmpint (g_rename (f->archive_dir, aside), ==, 0);

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_find_session_patient (store, f->session, &patient_id, &error));
  g_assert_no_error (error);
  chart = stipple_store_load_chart (store, patient_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (chart);

  samples = load_all (store, f->session, &error);
  g_assert_null (samples);
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "missing"));
  g_assert_nonnull (strstr (error->message, f->archive));
  g_clear_error (&error);

  /* Sessions whose data is still in the patient file read as before. */
  g_hash_table_iter_init (&iter, f->before);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *left = test_sql (f->path,
                                        g_strdup_printf ("SELECT count(*) FROM needle_session"
                                                         " WHERE session_id = %" G_GINT64_FORMAT,
                                                         *(gint64 *) key), NULL);

      if (g_strcmp0 (left, "0") == 0)
        {
          g_autoptr(GArray) now = load_all (store, *(gint64 *) key, &error);

          g_assert_no_error (error);
          assert_same_samples (g_hash_table_lookup (f->before, key), now);
        }
    }

  /* No break: the seals hold through the hashes the file keeps; but the
   * auditor hears which archive is not there. */
  result = stipple_store_verify (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->breaks->len, ==, 0);
  {
    g_autofree char *name = g_path_get_basename (f->archive);
    gboolean noted = FALSE;

    for (guint i = 0; i < result->notes->len; i++)
      noted |= strstr (g_ptr_array_index (result->notes, i), "is not in its folder") != NULL &&
               strstr (g_ptr_array_index (result->notes, i), name) != NULL;
    g_assert_true (noted);
  }

  /* Retention with one archive missing: that archive's sessions cannot
   * be thinned, and the run says so, but every other archive is. */
  g_assert_cmpint (g_rename (aside, f->archive_dir), ==, 0);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
    g_autofree char *before = g_date_time_format (tomorrow, "%Y-%m-%d");
    g_autofree char *one_aside = g_strconcat (f->archive, ".aside", NULL);
    g_autofree char *archives = test_sql (f->path, "SELECT count(*) FROM needle_archive", NULL);
    g_autofree char *thinned = NULL;
    guint n = 0;

    g_assert_cmpint (g_ascii_strtoll (archives, NULL, 10), >, 1);
    g_assert_cmpint (g_rename (f->archive, one_aside), ==, 0);
    g_assert_false (stipple_store_thin_needle_data (store, before, &n, &error));
    g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, f->archive));
    g_clear_error (&error);
    thinned = test_sql (f->path, "SELECT count(DISTINCT archive_id) FROM needle_thinning", NULL);
    g_assert_cmpint (g_ascii_strtoll (thinned, NULL, 10), ==, g_ascii_strtoll (archives, NULL, 10) - 1);
    g_assert_cmpint (g_rename (one_aside, f->archive), ==, 0);
  }
  stipple_store_close (store);
}

/* A backup taken before a thinning, restored: the full-rate archive it
 * names is gone, its strokes archive is not in its record. Reading the
 * session says so in words, the next thinning leaves it be rather than
 * failing on it every run, and verifying notes it. */
static void
test_restored_before_thinning (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *before = g_date_time_format (tomorrow, "%Y-%m-%d");
  g_autofree char *backup = NULL;
  g_autofree char *strokes_name = NULL;
  gboolean noted = FALSE;
  guint n = 0;

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  backup = stipple_store_backup (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (backup);
  g_assert_true (stipple_store_thin_needle_data (store, before, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 0);
  strokes_name = test_sql (f->path, g_strdup_printf ("SELECT a.file_name FROM needle_thinning t"
                                                     " JOIN needle_archive a ON a.id = t.archive_id"
                                                     " WHERE t.session_id = %" G_GINT64_FORMAT,
                                                     f->session), NULL);
  g_assert_nonnull (strokes_name);
  stipple_store_close (store);
  g_clear_object (&store);
  g_assert_false (g_file_test (f->archive, G_FILE_TEST_EXISTS));

  /* What restoring would set aside says so beforehand. */
  {
    g_autoptr(StippleRestoreLoss) loss = stipple_store_restore_loss (f->path, backup);
    gboolean said = FALSE;

    g_assert_true (loss->compared);
    for (guint i = 0; i < loss->lines->len; i++)
      said |= strstr (g_ptr_array_index (loss->lines, i), "thinned to the per-stroke record after "
                      "the backup") != NULL;
    g_assert_true (said);
  }
  g_assert_true (stipple_store_restore (f->path, backup, &error));
  g_assert_no_error (error);

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  samples = load_all (store, f->session, &error);
  g_assert_null (samples);
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "after this copy of the patient file was made"));
  g_assert_nonnull (strstr (error->message, strokes_name));
  g_clear_error (&error);

  /* Nothing here to thin: not a failure, and nothing written. */
  g_assert_true (stipple_store_thin_needle_data (store, before, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
  {
    g_autofree char *thinnings = test_sql (f->path, "SELECT count(*) FROM needle_thinning", NULL);

    g_assert_cmpstr (thinnings, ==, "0");
  }

  result = stipple_store_verify (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->breaks->len, ==, 0);
  for (guint i = 0; i < result->notes->len; i++)
    noted |= strstr (g_ptr_array_index (result->notes, i), "after this copy") != NULL &&
             strstr (g_ptr_array_index (result->notes, i), strokes_name) != NULL;
  g_assert_true (noted);
  stipple_store_close (store);
}

static guint
count_events (int fd)
{
  char buffer[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  guint n = 0;
  gssize len;

  while ((len = read (fd, buffer, sizeof buffer)) > 0)
    for (char *p = buffer; p < buffer + len; )
      {
        struct inotify_event *event = (struct inotify_event *) p;

        n++;
        p += sizeof (struct inotify_event) + event->len;
      }
  return n;
}

/* Opening the patient file and its chart never opens an archive; reading
 * an archived session does (which shows the watch works). */
static void
test_open_leaves_archive (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(GArray) samples = NULL;
  gint64 patient_id = 0;
  int fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (inotify_add_watch (fd, f->archive_dir, IN_OPEN | IN_ACCESS), >=, 0);

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_find_session_patient (store, f->session, &patient_id, &error));
  chart = stipple_store_load_chart (store, patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_events (fd), ==, 0);

  samples = load_all (store, f->session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_events (fd), >, 0);
  stipple_store_close (store);
  close (fd);
}

/* A patient exported after archiving takes the archived needle data
 * along: the exported file stands alone and verifies. */
static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleStore) exported = NULL;
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autofree char *copy = g_build_filename (f->dir, "export.stipple", NULL);
  gint64 patient_id = 0;

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_find_session_patient (store, f->session, &patient_id, &error));
  g_assert_true (stipple_store_export_patient (store, patient_id, copy, &error));
  g_assert_no_error (error);
  stipple_store_close (store);

  exported = stipple_store_open (copy, &error);
  g_assert_no_error (error);
  samples = load_all (exported, f->session, &error);
  g_assert_no_error (error);
  assert_same_samples (g_hash_table_lookup (f->before, &f->session), samples);
  result = stipple_store_verify (exported, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->breaks->len, ==, 0);
  stipple_store_close (exported);
}

/* The copy off the machine takes each archive once, verified, and
 * leaves it alone on the next copy. */
static void
test_offsite (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autofree char *folder = g_build_filename (f->dir, "far", NULL);
  g_autofree char *base = g_path_get_basename (f->archive);
  g_autofree char *far = g_build_filename (folder, "patients.stipple.needle", base, NULL);
  g_autofree char *copy = NULL;
  g_autofree char *want = NULL;
  g_autofree char *have = NULL;
  g_autofree char *contents = NULL;
  struct stat first, second;
  gsize len;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  copy = stipple_store_copy_off_machine (store, folder, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (f->archive, &contents, &len, NULL));
  want = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (far, &contents, &len, NULL));
  have = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
  g_assert_cmpstr (have, ==, want);
  g_assert_cmpint (g_stat (far, &first), ==, 0);

  g_clear_pointer (&copy, g_free);
  copy = stipple_store_copy_off_machine (store, folder, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (far, &second), ==, 0);
  g_assert_cmpuint (first.st_ino, ==, second.st_ino);
  g_assert_cmpint (first.st_mtime, ==, second.st_mtime);
  stipple_store_close (store);
}

/* An archive is never written again, and a month that has not ended is
 * not archived. */
static void
test_refusals (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *current = g_date_time_format (now, "%Y-%m");
  g_autofree char *sql = NULL;
  int rc = 0;
  guint n = 0;

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_false (stipple_store_archive_month (store, current, &n, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  stipple_store_close (store);

  /* The hashes kept are append-only. */
  g_free (test_sql (f->path, "DELETE FROM needle_session", &rc));
  g_assert_cmpint (rc, !=, SQLITE_OK);
  g_free (test_sql (f->path, "UPDATE needle_session SET sha256 = zeroblob (32)", &rc));
  g_assert_cmpint (rc, !=, SQLITE_OK);
  g_free (test_sql (f->path, "UPDATE needle_archive SET sha256 = upper (sha256)", &rc));
  g_assert_cmpint (rc, !=, SQLITE_OK);

  /* The patient file refuses to drop a block whose hash it does not keep. */
  sql = test_sql (f->path, "SELECT count(*) FROM telemetry_block", NULL);
  if (g_strcmp0 (sql, "0") != 0)
    {
      g_free (test_sql (f->path, "DELETE FROM telemetry_block", &rc));
      g_assert_cmpint (rc, !=, SQLITE_OK);
    }
}


/* sha256hex(blob): the SHA-256 of the blob's upper-case hex, as version 9
 * kept it for each block. */
static void
sha256_hex_fn (sqlite3_context *context,
               int              argc,
               sqlite3_value  **argv)
{
  const guint8 *data = sqlite3_value_blob (argv[0]);
  int len = sqlite3_value_bytes (argv[0]);
  g_autoptr(GString) hex = g_string_sized_new (2 * len);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = 32;

  for (int i = 0; i < len; i++)
    g_string_append_printf (hex, "%02X", data[i]);
  g_checksum_update (sum, (const guchar *) hex->str, hex->len);
  g_checksum_get_digest (sum, digest, &digest_len);
  sqlite3_result_blob (context, digest, 32, SQLITE_TRANSIENT);
}

/* A file of version 9 kept a hash for every archived block: opened, it
 * keeps one for each session instead, the very hash its seal covers, and
 * every session still reads and verifies. */
static void
test_migrate_v9 (Fixture       *f,
                 gconstpointer  data)
{
  static const char downgrade[] =
    "CREATE TABLE needle_block ("
    "  session_id INTEGER NOT NULL REFERENCES session (id),"
    "  seq_first INTEGER NOT NULL, n_samples INTEGER NOT NULL, start_us INTEGER NOT NULL,"
    "  end_us INTEGER NOT NULL, encoding INTEGER NOT NULL,"
    "  sha256 BLOB NOT NULL CHECK (length (sha256) = 32),"
    "  archive_id INTEGER NOT NULL REFERENCES needle_archive (id),"
    "  PRIMARY KEY (session_id, seq_first)) WITHOUT ROWID;"
    "CREATE TRIGGER needle_block_no_update BEFORE UPDATE ON needle_block"
    "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
    "CREATE TRIGGER needle_block_no_delete BEFORE DELETE ON needle_block"
    "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
    "CREATE TRIGGER needle_block_no_reuse BEFORE INSERT ON needle_block"
    "  WHEN 0 BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;";
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autofree char *hashes = test_sql (f->path, "SELECT group_concat (session_id || ':' ||"
                                      " hex (sha256), ' ') FROM needle_session", NULL);
  g_autofree char *after = NULL;
  g_autofree char *version = NULL;
  g_autofree char *left = NULL;
  g_autoptr(GPtrArray) archives = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_nonnull (hashes);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_create_function (db, "sha256hex", 1, SQLITE_UTF8, NULL, sha256_hex_fn,
                                            NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, downgrade, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id, file_name FROM needle_archive", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (archives, g_strdup_printf ("%lld %s", sqlite3_column_int64 (stmt, 0),
                                                sqlite3_column_text (stmt, 1)));
  sqlite3_finalize (stmt);
  for (guint i = 0; i < archives->len; i++)
    {
      gint64 id = g_ascii_strtoll (g_ptr_array_index (archives, i), NULL, 10);
      const char *name = strchr (g_ptr_array_index (archives, i), ' ') + 1;
      g_autofree char *archive = g_build_filename (f->archive_dir, name, NULL);
      g_autofree char *sql = NULL;
      char *attach = sqlite3_mprintf ("ATTACH %Q AS a", archive);

      g_assert_cmpint (sqlite3_exec (db, attach, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_free (attach);
      sql = g_strdup_printf ("INSERT INTO needle_block SELECT session_id, seq_first, n_samples,"
                             " start_us, end_us, encoding, sha256hex (data), %" G_GINT64_FORMAT
                             " FROM a.telemetry_block", id);
      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, "DETACH a", NULL, NULL, NULL), ==, SQLITE_OK);
    }
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE needle_thinning; DROP TABLE needle_session;"
                                 " PRAGMA user_version = 9", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  version = test_sql (f->path, "PRAGMA user_version", NULL);
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, STIPPLE_STORE_SCHEMA_VERSION);
  after = test_sql (f->path, "SELECT group_concat (session_id || ':' || hex (sha256), ' ')"
                    " FROM needle_session", NULL);
  g_assert_cmpstr (after, ==, hashes);
  left = test_sql (f->path, "SELECT count(*) FROM sqlite_schema WHERE name = 'needle_block'", NULL);
  g_assert_cmpstr (left, ==, "0");

  g_hash_table_iter_init (&iter, f->before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(GArray) now = load_all (store, *(gint64 *) key, &error);

      g_assert_no_error (error);
      assert_same_samples (value, now);
    }
  result = stipple_store_verify (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->breaks->len, ==, 0);
  stipple_store_close (store);
}

/* The strokes and zone figures the report draws from a session's needle
 * data, run through the analyser as the report runs it. */
typedef struct
{
  GArray            *strokes;
  StippleStrokeStats stats;
} Strokes;

static Strokes
strokes_of (StippleStore *store,
            gint64        session_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) times = NULL;
  g_autoptr(GArray) samples = stipple_store_load_telemetry (store, session_id, &times, &error);
  StippleStrokeAnalyser analyser;
  Strokes out = { g_array_new (FALSE, FALSE, sizeof (StippleStroke)), };

  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, >, 0);
  g_assert_cmpuint (times->len, ==, samples->len);
  stipple_stroke_analyser_init (&analyser, 900, 100);
  for (guint i = 0; i < samples->len; i++)
    {
      StippleStroke stroke;

      /* Compared with memcmp: no stray bytes in the padding. */
      memset (&stroke, 0, sizeof stroke);
      if (stipple_stroke_analyser_add (&analyser, g_array_index (times, gint64, i),
                                       &g_array_index (samples, StippleProtoSample, i), &stroke))
        g_array_append_val (out.strokes, stroke);
    }
  out.stats = analyser.stats;
  return out;
}

/* After the retention period: the archived needle data is thinned to its
 * strokes. The session replays with the very strokes it had, the
 * full-rate archive is gone, the thinning is in the audit chain, and the
 * record still verifies, through the auditor's script too, saying what
 * was thinned and when. A changed thinned archive is still found. */
static void
test_thinned (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *before = g_date_time_format (tomorrow, "%Y-%m-%d");
  g_autofree char *thinned_at = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *strokes_name = NULL;
  g_autofree char *strokes_archive = NULL;
  g_autofree char *encodings = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *full_copy = NULL;
  gsize full_copy_len = 0;
  Strokes full, thin;
  guint n = 0;
  int rc = 0;
  gsize full_size, thin_size;
  struct stat st;

  g_assert_cmpint (g_stat (f->archive, &st), ==, 0);
  full_size = st.st_size;
  /* A copy, to put back as if Stipple had stopped before removing it. */
  g_assert_true (g_file_get_contents (f->archive, &full_copy, &full_copy_len, NULL));

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  full = strokes_of (store, f->session);
  g_assert_cmpuint (full.strokes->len, >, 100);

  /* Not a day: refused, nothing thinned. */
  g_assert_false (stipple_store_thin_needle_data (store, "2026-13-01", &n, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (stipple_store_thin_needle_data (store, before, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 0);

  /* The same strokes, the same figures, from the thinned data. */
  thin = strokes_of (store, f->session);
  g_assert_cmpuint (thin.strokes->len, ==, full.strokes->len);
  g_assert_cmpmem (thin.strokes->data, thin.strokes->len * sizeof (StippleStroke),
                   full.strokes->data, full.strokes->len * sizeof (StippleStroke));
  g_assert_cmpuint (thin.stats.strokes, ==, full.stats.strokes);
  g_assert_cmpuint (thin.stats.out_of_tolerance, ==, full.stats.out_of_tolerance);
  g_assert_cmpuint (thin.stats.time_in_zone_us, ==, full.stats.time_in_zone_us);
  g_array_unref (full.strokes);
  g_array_unref (thin.strokes);

  thinned_at = stipple_store_get_needle_thinned_at (store, f->session, &error);
  g_assert_no_error (error);
  g_assert_nonnull (thinned_at);

  /* Once more: nothing left to thin, and a spent full-rate archive left
   * behind goes. */
  g_assert_false (g_file_test (f->archive, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_set_contents_full (f->archive, full_copy, full_copy_len,
                                           G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  g_assert_true (stipple_store_thin_needle_data (store, before, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
  g_assert_false (g_file_test (f->archive, G_FILE_TEST_EXISTS));

  result = stipple_store_verify (store, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < result->breaks->len; i++)
    g_printerr ("%s\n", ((StippleVerifyBreak *) g_ptr_array_index (result->breaks, i))->message);
  g_assert_cmpuint (result->breaks->len, ==, 0);
  g_assert_cmpuint (result->notes->len, >, 0);
  g_assert_nonnull (strstr (g_ptr_array_index (result->notes, 0), "thinned"));
  stipple_store_close (store);
  g_clear_object (&store);

  /* The full-rate archive is gone; the strokes archive is smaller. */
  g_assert_false (g_file_test (f->archive, G_FILE_TEST_EXISTS));
  strokes_name = test_sql (f->path, g_strdup_printf ("SELECT a.file_name FROM needle_thinning t"
                                                     " JOIN needle_archive a ON a.id = t.archive_id"
                                                     " WHERE t.session_id = %" G_GINT64_FORMAT,
                                                     f->session), NULL);
  g_assert_nonnull (strokes_name);
  g_assert_true (g_str_has_suffix (strokes_name, "-strokes.sqlite"));
  strokes_archive = g_build_filename (f->archive_dir, strokes_name, NULL);
  g_assert_cmpint (g_stat (strokes_archive, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  thin_size = st.st_size;
  g_test_message ("full-rate archive %zu bytes, thinned %zu bytes", full_size, thin_size);
  g_assert_cmpuint (thin_size * 2, <, full_size);
  encodings = test_sql (strokes_archive, "SELECT group_concat (DISTINCT encoding) FROM telemetry_block",
                        NULL);
  g_assert_cmpstr (encodings, ==, "3");

  /* The audit chain says what was thinned. */
  audit = test_sql (f->path, "SELECT detail FROM audit WHERE kind = 'thin' ORDER BY id LIMIT 1", NULL);
  g_assert_nonnull (audit);
  g_assert_nonnull (strstr (audit, "strokes="));

  /* The auditor's script agrees. */
  {
    g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "build-aux",
                                                     "stipple-verify-chain", NULL);
    const char *argv[] = { script, f->path, NULL };
    int status = 0;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL |
                                 G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status,
                                 &error));
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  }

  /* A thinned patient exported: the file stands alone, replays the same
   * strokes and verifies. */
  {
    g_autofree char *copy = g_build_filename (f->dir, "thinned-export.stipple", NULL);
    g_autoptr(StippleStore) exported = NULL;
    g_autoptr(StippleVerifyResult) checked = NULL;
    gint64 patient_id = 0;
    Strokes again;

    store = stipple_store_open (f->path, &error);
    g_assert_no_error (error);
    thin = strokes_of (store, f->session);
    g_assert_true (stipple_store_find_session_patient (store, f->session, &patient_id, &error));
    g_assert_true (stipple_store_export_patient (store, patient_id, copy, &error));
    g_assert_no_error (error);
    stipple_store_close (store);
    g_clear_object (&store);

    exported = stipple_store_open (copy, &error);
    g_assert_no_error (error);
    again = strokes_of (exported, f->session);
    g_assert_cmpuint (again.strokes->len, ==, thin.strokes->len);
    g_assert_cmpmem (again.strokes->data, again.strokes->len * sizeof (StippleStroke),
                     thin.strokes->data, thin.strokes->len * sizeof (StippleStroke));
    g_array_unref (again.strokes);
    g_array_unref (thin.strokes);
    checked = stipple_store_verify (exported, 0, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < checked->breaks->len; i++)
      g_printerr ("%s\n", ((StippleVerifyBreak *) g_ptr_array_index (checked->breaks, i))->message);
    g_assert_cmpuint (checked->breaks->len, ==, 0);
    stipple_store_close (exported);
  }

  /* One byte of a thinned block changed: found on replay and on check. */
  g_chmod (strokes_archive, 0600);
  sql = g_strdup_printf ("UPDATE telemetry_block SET data = CAST (substr (data, 1, 8)"
                         " || x'5A' || substr (data, 10) AS BLOB)"
                         " WHERE session_id = %" G_GINT64_FORMAT " AND seq_first = 0", f->session);
  g_free (test_sql (strokes_archive, sql, &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GArray) samples = load_all (store, f->session, &error);

    g_assert_null (samples);
    g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT);
    g_clear_error (&error);
  }
  g_clear_pointer (&result, stipple_verify_result_free);
  result = stipple_store_verify (store, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stipple_verify_result_get_session_break (result, f->session));
  stipple_store_close (store);
}

/* An archived session takes no more needle data, and today is not
 * archived before it has ended. */
static void
test_archived_session_closed (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *sql = NULL;
  guint n = 0;
  int rc = 0;

  sql = g_strdup_printf ("INSERT INTO telemetry_block VALUES (%" G_GINT64_FORMAT
                         ", 999999, 1, 0, 1, 2, x'00')", f->session);
  g_free (test_sql (f->path, sql, &rc));
  g_assert_cmpint (rc, !=, SQLITE_OK);

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_false (stipple_store_archive_month (store, today, &n, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (stipple_store_archive_month (store, "2026-02-30", &n, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  stipple_store_close (store);
}

static void
archived_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError **error = user_data;
  guint n = 0;

  if (stipple_store_archive_month_finish (STIPPLE_STORE (source), result, &n, error))
    g_assert_cmpuint (n, >, 0);
  else
    g_assert_nonnull (*error);
  g_object_set_data (source, "done", GINT_TO_POINTER (TRUE));
}

/* The _async form archives on the long lane; the interface's writes go
 * on meanwhile. */
static void
test_async (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autofree char *dir = g_dir_make_tmp ("stipple-archive-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  g_autofree char *n_blocks = NULL;

  store = stipple_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_fill_demo (store, NULL, &error));
  g_assert_no_error (error);
  stipple_store_archive_month_async (store, NULL, NULL, archived_cb, &error);
  while (g_object_get_data (G_OBJECT (store), "done") == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (error);
  stipple_store_close (store);

  n_blocks = test_sql (path, "SELECT sum (n_blocks) FROM needle_session", NULL);
  g_assert_cmpint (g_ascii_strtoll (n_blocks, NULL, 10), >, 0);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store-archive/loads-and-verifies", test_archived_loads);
  ADD ("/store-archive/tampered", test_tampered);
  ADD ("/store-archive/missing", test_missing);
  ADD ("/store-archive/open-leaves-archive", test_open_leaves_archive);
  ADD ("/store-archive/export", test_export);
  ADD ("/store-archive/offsite", test_offsite);
  ADD ("/store-archive/refusals", test_refusals);
  ADD ("/store-archive/thinned", test_thinned);
  ADD ("/store-archive/restored-before-thinning", test_restored_before_thinning);
  ADD ("/store-archive/migrate-v9", test_migrate_v9);
  ADD ("/store-archive/archived-session-closed", test_archived_session_closed);
#undef ADD
  g_test_add_func ("/store-archive/async", test_async);

  return g_test_run ();
}
