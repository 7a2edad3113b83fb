/* test-store-files.c: backups, restore, export and import, demo data,
 * notes saved as they are typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <string.h>
#include <sys/stat.h>

#include "stipple-note-saver.h"
#include "stipple-store.h"
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
  f->dir = g_dir_make_tmp ("stipple-files-XXXXXX", NULL);
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

static StipplePatient *
add_patient (StippleStore *store,
             const char   *record,
             const char   *given,
             const char   *family)
{
  g_autoptr(GError) error = NULL;
  StipplePatient *patient = test_patient (record, given, family, "1985-12-10");

  g_assert_true (stipple_store_save_patient (store, patient, &error));
  g_assert_no_error (error);
  return patient;
}

static guint
count_backups (const char *path,
               const char *prefix)
{
  g_autoptr(GPtrArray) all = stipple_store_list_backups (path);
  guint n = 0;

  for (guint i = 0; i < all->len; i++)
    {
      g_autofree char *base = g_path_get_basename (all->pdata[i]);
      if (g_str_has_prefix (base, prefix))
        n++;
    }
  return n;
}

static void
async_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The window's way: the file opens without its daily backup, which is
 * then taken on the long lane; one that cannot be taken is kept as the
 * store's backup problem, and one taken later clears it. */
static void
test_daily_backup_async (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(StipplePatient) ada = NULL;
  g_autofree char *backup_dir = stipple_store_get_backup_dir (f->path);

  g_assert_no_error (error);
  ada = add_patient (store, "R-1", "Ada", "Lovelace");
  g_clear_object (&store);

  /* Nowhere to put it: its folder's name is taken by a file. */
  g_assert_true (g_file_set_contents (backup_dir, "", 0, NULL));
  store = stipple_store_open_full (f->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_null (stipple_store_get_backup_problem (store));
  {
    g_autoptr(GAsyncResult) result = NULL;

    stipple_store_daily_backup_async (store, NULL, async_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (stipple_store_daily_backup_finish (store, result, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (stipple_store_get_backup_problem (store));
    g_assert_cmpstr (stipple_store_get_backup_problem (store)->message, ==, error->message);
    g_clear_error (&error);
  }

  /* Room again: taken, and the problem goes. */
  g_assert_cmpint (g_unlink (backup_dir), ==, 0);
  {
    g_autoptr(GAsyncResult) result = NULL;

    stipple_store_daily_backup_async (store, NULL, async_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (stipple_store_daily_backup_finish (store, result, &error));
    g_assert_no_error (error);
  }
  g_assert_null (stipple_store_get_backup_problem (store));
  g_assert_cmpuint (count_backups (f->path, "daily-"), ==, 1);
  {
    g_autofree char *copied = NULL;
    g_autoptr(GPtrArray) all = stipple_store_list_backups (f->path);

    for (guint i = 0; i < all->len && copied == NULL; i++)
      if (strstr (all->pdata[i], "daily-") != NULL)
        copied = test_sql (all->pdata[i], "SELECT given_name FROM patient", NULL);
    g_assert_cmpstr (copied, ==, "Ada");
  }
}

static void
test_backup_restore (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(StipplePatient) ada = NULL;
  g_autoptr(StipplePatient) bob = NULL;
  g_autofree char *manual = NULL;
  g_autofree char *not_stipple = g_build_filename (f->dir, "not.stipple", NULL);
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *backup_dir = stipple_store_get_backup_dir (f->path);
  GStatBuf st;

  g_assert_no_error (error);
  /* An empty file has nothing to back up. */
  g_assert_cmpuint (count_backups (f->path, "daily-"), ==, 0);
  ada = add_patient (store, "R-1", "Ada", "Lovelace");
  g_clear_object (&store);

  /* The first opening of the day with patients in it takes a backup, the
   * second does not; a backup cut short earlier is cleared away. */
  {
    g_autofree char *stale = g_build_filename (backup_dir,
                                               "daily-2000-01-01T000000-patients.stipple.part",
                                               NULL);
    g_assert_cmpint (g_mkdir_with_parents (backup_dir, 0700), ==, 0);
    g_assert_true (g_file_set_contents (stale, "cut short", -1, NULL));
    store = stipple_store_open (f->path, &error);
    g_assert_no_error (error);
    g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  }
  g_assert_null (stipple_store_get_backup_problem (store));
  g_assert_cmpuint (count_backups (f->path, "daily-"), ==, 1);
  g_clear_object (&store);
  store = stipple_store_open (f->path, &error);
  g_assert_cmpuint (count_backups (f->path, "daily-"), ==, 1);
  g_assert_cmpint (g_stat (backup_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  manual = stipple_store_backup (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (manual);
  g_assert_cmpint (g_stat (manual, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    g_autofree char *mode = test_sql (manual, "PRAGMA journal_mode", NULL);
    g_autofree char *count = test_sql (manual, "SELECT count(*) FROM patient", NULL);
    g_assert_cmpstr (mode, ==, "delete");
    g_assert_cmpstr (count, ==, "1");
  }

  /* Work after the backup... */
  bob = add_patient (store, "R-2", "Bob", "Babbage");

  /* ...cannot be thrown away by a restore while the file is open. */
  g_assert_false (stipple_store_restore (f->path, manual, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_LOCKED);
  g_clear_error (&error);
  g_clear_object (&store);

  /* A backup that is no patient file is refused before anything moves. */
  g_assert_true (g_file_set_contents (not_stipple, "hello", -1, NULL));
  g_assert_false (stipple_store_restore (f->path, not_stipple, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE);
  g_clear_error (&error);

  g_assert_true (stipple_store_restore (f->path, manual, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_backups (f->path, "before-restore-"), ==, 1);
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  found = stipple_store_search_patients (store, "b", 10, &error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = stipple_store_search_patients (store, "lovelace", 10, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  g_clear_object (&store);

  /* The restore lost nothing either: the file it replaced is a backup. */
  {
    g_autoptr(GPtrArray) all = stipple_store_list_backups (f->path);
    g_autofree char *aside = NULL;
    for (guint i = 0; i < all->len; i++)
      if (strstr (all->pdata[i], "before-restore-") != NULL)
        aside = g_strdup (all->pdata[i]);
    g_assert_true (stipple_store_restore (f->path, aside, &error));
    g_assert_no_error (error);
  }
  store = stipple_store_open (f->path, &error);
  found = stipple_store_search_patients (store, "babbage", 10, &error);
  g_assert_cmpuint (found->len, ==, 1);
}

static StippleSession *
add_session (StippleStore *store,
             gint64        patient_id,
             int           day)
{
  g_autoptr(GError) error = NULL;
  StippleSession *session = test_session (patient_id);
  g_autoptr(StippleAuditEntry) arm = stipple_audit_entry_new (STIPPLE_AUDIT_ARM);
  StippleProtoSample samples[300];

  g_date_time_unref (session->started_at);
  session->started_at = g_date_time_new_utc (2026, 3, day, 10, 0, 0);
  session->anaesthetic_product = g_strdup ("Lidocaine 4% cream");
  session->screening_override = g_strdup ("Cold sore healed two weeks ago; none today.");
  session->erythema_grade = STIPPLE_ERYTHEMA_MILD;
  session->pinpoint_bleeding = TRUE;
  session->aftercare_given = g_strdup ("Sunscreen from tomorrow.");
  g_assert_true (stipple_store_save_session (store, session, &error));
  g_assert_no_error (error);
  arm->session_id = session->id;
  arm->user = g_strdup ("Dr Test");
  g_assert_true (stipple_store_append_audit (store, arm, &error));
  g_assert_true (stipple_store_add_strokes (store, session->id, STIPPLE_ZONE_FOREHEAD, 500,
                                            &error));
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    samples[i] = (StippleProtoSample) { i * 125, (gint32) (i % 50) * 10 - 100, 0, 0, i / 66 };
  g_assert_true (stipple_store_append_telemetry (store, session->id, samples,
                                                 G_N_ELEMENTS (samples), &error));
  g_assert_true (stipple_store_flush_telemetry (store, &error));
  return session;
}

static void
test_export_import (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_path = g_build_filename (f->dir, "other.stipple", NULL);
  g_autofree char *exported = g_build_filename (f->dir, "ada.stipple", NULL);
  g_autofree char *exported2 = g_build_filename (f->dir, "ada-again.stipple", NULL);
  g_autoptr(StippleStore) here = stipple_store_open (f->path, &error);
  g_autoptr(StippleStore) there = stipple_store_open (other_path, &error);
  g_autoptr(StipplePatient) ada = add_patient (here, "R-1", "Ada", "Lovelace");
  g_autoptr(StipplePatient) bob = add_patient (here, "R-2", "Bob", "Babbage");
  g_autoptr(StipplePatient) clash = NULL;
  g_autoptr(StippleSession) s1 = add_session (here, ada->id, 1);
  g_autoptr(StippleSession) s_bob = add_session (here, bob->id, 2);
  g_autoptr(StippleImportResult) result = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(StippleConsent) consent = stipple_consent_new ();
  g_autoptr(StippleSession) s2 = NULL;
  StipplePatient *ada_there;

  g_assert_no_error (error);
  consent->patient_id = ada->id;
  consent->given = TRUE;
  consent->signed_on = g_strdup ("2026-03-01");
  g_assert_true (stipple_store_save_consent (here, consent, &error));

  /* The other computer knows someone else under Bob's record number. */
  clash = add_patient (there, "R-2", "Carla", "Clash");

  g_assert_true (stipple_store_export_patient (here, ada->id, exported, &error));
  g_assert_no_error (error);
  {
    g_autofree char *count = test_sql (exported, "SELECT count(*) FROM patient", NULL);
    g_autofree char *lock = g_strconcat (exported, ".lock", NULL);
    g_assert_cmpstr (count, ==, "1");
    g_assert_false (g_file_test (lock, G_FILE_TEST_EXISTS));
  }
  /* An existing file is never replaced. */
  g_assert_false (stipple_store_export_patient (here, ada->id, exported, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (stipple_store_export_patient (here, 9999, exported2, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (exported2, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  before = g_bytes_new_take (NULL, 0);
  {
    char *contents; gsize len;
    g_assert_true (g_file_get_contents (exported, &contents, &len, NULL));
    g_bytes_unref (before);
    before = g_bytes_new_take (contents, len);
  }
  result = stipple_store_import (there, exported, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->patients_added, ==, 1);
  g_assert_cmpuint (result->patients_merged, ==, 0);
  g_assert_cmpuint (result->sessions_added, ==, 1);
  g_assert_cmpuint (result->conflicts->len, ==, 0);
  {
    char *contents; gsize len;
    g_assert_true (g_file_get_contents (exported, &contents, &len, NULL));
    g_assert_cmpmem (contents, len, g_bytes_get_data (before, NULL), g_bytes_get_size (before));
    g_free (contents);
  }

  /* The import's own inserts filled the word index. */
  {
    g_autoptr(GPtrArray) by_words = stipple_store_search_patients (there, "love ada", 10, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (by_words->len, ==, 1);
  }
  found = stipple_store_search_patients (there, "lovelace", 10, &error);
  g_assert_cmpuint (found->len, ==, 1);
  ada_there = found->pdata[0];
  g_assert_cmpstr (ada_there->uid, ==, ada->uid);
  chart = stipple_store_load_chart (there, ada_there->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chart->sessions->len, ==, 1);
  g_assert_cmpuint (chart->consents->len, ==, 1);
  {
    StippleSession *copied = chart->sessions->pdata[0];
    g_autoptr(GPtrArray) audit = stipple_store_list_audit (there, copied->id, &error);

    g_assert_cmpuint (copied->plan->len, ==, 3);
    g_assert_cmpuint (copied->strokes[STIPPLE_ZONE_FOREHEAD], ==, 500);
    g_assert_cmpstr (copied->anaesthetic_product, ==, s1->anaesthetic_product);
    g_assert_cmpstr (copied->screening_override, ==, s1->screening_override);
    g_assert_cmpint (copied->erythema_grade, ==, STIPPLE_ERYTHEMA_MILD);
    g_assert_true (copied->pinpoint_bleeding);
    g_assert_cmpstr (copied->aftercare_given, ==, s1->aftercare_given);
    samples = stipple_store_load_telemetry (there, copied->id, NULL, &error);
    g_assert_cmpuint (samples->len, ==, 300);
    g_assert_cmpuint (audit->len, ==, 1);
  }
  g_clear_pointer (&result, stipple_import_result_free);
  g_clear_pointer (&chart, stipple_patient_chart_free);

  /* Importing the same file again adds nothing. */
  result = stipple_store_import (there, exported, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->patients_added, ==, 0);
  g_assert_cmpuint (result->patients_merged, ==, 1);
  g_assert_cmpuint (result->sessions_added, ==, 0);
  g_assert_cmpuint (result->conflicts->len, ==, 0);
  g_assert_cmpuint (result->details->len, ==, 0);
  g_clear_pointer (&result, stipple_import_result_free);

  /* Ada's phone and allergies changed here: the other computer is shown
   * what differs, keeps its own unless the clinician takes the imported
   * ones, and the trail says so. */
  {
    g_autofree char *moved = g_build_filename (f->dir, "ada-moved.stipple", NULL);
    const char *take[] = { ada->uid, NULL };
    StippleImportDetails *details;

    g_free (ada->phone);
    ada->phone = g_strdup ("0171 555 0199");
    g_free (ada->allergies);
    ada->allergies = g_strdup ("Lidocaine");
    g_assert_true (stipple_store_save_patient (here, ada, &error));
    g_assert_no_error (error);
    g_assert_true (stipple_store_export_patient (here, ada->id, moved, &error));

    result = stipple_store_import_preview (there, moved, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->details->len, ==, 1);
    details = result->details->pdata[0];
    g_assert_cmpstr (details->patient_uid, ==, ada->uid);
    g_assert_cmpstr (details->patient_name, ==, "Ada Lovelace");
    g_assert_nonnull (strstr (details->differences, "Phone: here"));
    g_assert_nonnull (strstr (details->differences, "imported 0171 555 0199"));
    g_assert_nonnull (strstr (details->differences, "Allergies: here"));
    g_assert_null (strstr (details->differences, "Email"));
    g_assert_false (details->taken);
    g_clear_pointer (&result, stipple_import_result_free);

    /* Kept: nothing changes, and an import that adds nothing leaves no
     * trace in the trail. */
    result = stipple_store_import (there, moved, &error);
    g_assert_cmpuint (result->details_taken, ==, 0);
    g_assert_cmpuint (result->details->len, ==, 1);
    g_assert_false (((StippleImportDetails *) result->details->pdata[0])->taken);
    g_assert_cmpuint (result->conflicts->len, ==, 0);
    g_clear_pointer (&result, stipple_import_result_free);
    found = stipple_store_search_patients (there, "lovelace", 10, &error);
    g_assert_cmpstr (((StipplePatient *) found->pdata[0])->phone, !=, "0171 555 0199");
    g_clear_pointer (&found, g_ptr_array_unref);

    /* Taken. */
    result = stipple_store_import_full (there, moved, take, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->details_taken, ==, 1);
    g_assert_cmpuint (result->conflicts->len, ==, 0);
    g_assert_true (((StippleImportDetails *) result->details->pdata[0])->taken);
    g_clear_pointer (&result, stipple_import_result_free);
    found = stipple_store_search_patients (there, "lovelace", 10, &error);
    g_assert_cmpstr (((StipplePatient *) found->pdata[0])->phone, ==, "0171 555 0199");
    g_assert_cmpstr (((StipplePatient *) found->pdata[0])->allergies, ==, "Lidocaine");
    g_clear_pointer (&found, g_ptr_array_unref);
    {
      g_autofree char *detail = test_sql (other_path, "SELECT group_concat (detail, '|') FROM audit"
                                                      " WHERE kind = 'import'"
                                                      " AND detail LIKE 'file=ada-moved%'", NULL);

      g_assert_cmpstr (detail, ==, "file=ada-moved.stipple patients_added=0 patients_merged=1"
                                   " sessions_added=0 conflicts=0 details_taken=1 details_kept=0");
    }

    /* Once the same, there is nothing left to choose. */
    result = stipple_store_import_full (there, moved, take, &error);
    g_assert_cmpuint (result->details->len, ==, 0);
    g_assert_cmpuint (result->details_taken, ==, 0);
    g_clear_pointer (&result, stipple_import_result_free);
  }

  /* A new session here, and the first session's note edited on both
   * computers: the new one travels, the edited one is reported. */
  s2 = add_session (here, ada->id, 29);
  g_assert_true (stipple_store_save_note (here, s1->id, STIPPLE_NOTE_AFTER, "Edited here", &error));
  chart = stipple_store_load_chart (there, ada_there->id, &error);
  g_assert_cmpstr (((StippleSession *) chart->sessions->pdata[0])->uid, ==, s1->uid);
  g_assert_true (stipple_store_save_note (there, ((StippleSession *) chart->sessions->pdata[0])->id,
                                          STIPPLE_NOTE_AFTER, "Edited there", &error));
  g_assert_no_error (error);
  g_clear_pointer (&chart, stipple_patient_chart_free);
  g_assert_true (stipple_store_export_patient (here, ada->id, exported2, &error));
  result = stipple_store_import (there, exported2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->patients_merged, ==, 1);
  g_assert_cmpuint (result->sessions_added, ==, 1);
  g_assert_cmpuint (result->conflicts->len, ==, 1);
  g_assert_nonnull (strstr (result->conflicts->pdata[0], "kept"));
  g_clear_pointer (&result, stipple_import_result_free);
  chart = stipple_store_load_chart (there, ada_there->id, &error);
  g_assert_cmpuint (chart->sessions->len, ==, 2);
  g_assert_cmpstr (((StippleSession *) chart->sessions->pdata[0])->note_after, ==, "Edited there");
  g_clear_pointer (&chart, stipple_patient_chart_free);

  /* Bob's record number belongs to Carla there: nothing of Bob enters. */
  {
    g_autofree char *bob_file = g_build_filename (f->dir, "bob.stipple", NULL);
    g_autoptr(GPtrArray) carla = NULL;

    g_assert_true (stipple_store_export_patient (here, bob->id, bob_file, &error));
    result = stipple_store_import (there, bob_file, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->patients_added, ==, 0);
    g_assert_cmpuint (result->patients_merged, ==, 0);
    g_assert_cmpuint (result->conflicts->len, ==, 1);
    g_assert_nonnull (strstr (result->conflicts->pdata[0], "Carla"));
    g_clear_pointer (&result, stipple_import_result_free);
    carla = stipple_store_search_patients (there, "R-2", 10, &error);
    g_assert_cmpuint (carla->len, ==, 1);
    g_assert_cmpstr (((StipplePatient *) carla->pdata[0])->family_name, ==, "Clash");
    chart = stipple_store_load_chart (there, clash->id, &error);
    g_assert_cmpuint (chart->sessions->len, ==, 0);
  }

  /* Files that are not patient files are refused, and change nothing. */
  {
    g_autofree char *junk = g_build_filename (f->dir, "junk.stipple", NULL);
    g_autofree char *missing = g_build_filename (f->dir, "missing.stipple", NULL);

    g_assert_true (g_file_set_contents (junk, "not a database, not at all, really not", -1, NULL));
    g_assert_null (stipple_store_import (there, junk, &error));
    g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE);
    g_clear_error (&error);
    g_assert_null (stipple_store_import (there, missing, &error));
    g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
}

static void
test_demo (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 20, 12, 0, 0);
  g_autoptr(GPtrArray) demo = NULL;
  g_autofree char *other = g_build_filename (f->dir, "demo2.stipple", NULL);
  g_autoptr(StippleStore) store2 = NULL;
  GHashTable *types = g_hash_table_new (g_direct_hash, g_direct_equal);
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_true (stipple_store_fill_demo (store, now, &error));
  g_assert_no_error (error);
  /* Filling again changes nothing. */
  g_assert_true (stipple_store_fill_demo (store, now, &error));

  demo = stipple_store_search_patients (store, "DEMO-", 50, &error);
  g_assert_cmpuint (demo->len, ==, 4);

  store2 = stipple_store_open (other, &error);
  g_assert_true (stipple_store_fill_demo (store2, now, &error));

  for (guint i = 0; i < demo->len; i++)
    {
      StipplePatient *patient = demo->pdata[i];
      g_autoptr(StipplePatientChart) chart = stipple_store_load_chart (store, patient->id, &error);
      g_autoptr(GPtrArray) twin = stipple_store_search_patients (store2, patient->record_number,
                                                                 1, &error);
      StipplePatient *twin_patient = twin->pdata[0];
      g_autoptr(StipplePatientChart) twin_chart = stipple_store_load_chart (store2,
                                                                            twin_patient->id,
                                                                            &error);

      g_assert_no_error (error);
      g_hash_table_add (types, GUINT_TO_POINTER (patient->fitzpatrick));
      g_assert_cmpuint (chart->sessions->len, >=, 2);
      g_assert_cmpuint (chart->sessions->len, <=, 3);
      g_assert_cmpuint (chart->consents->len, ==, 2);
      g_assert_cmpuint (chart->courses->len, ==, 1);
      g_assert_cmpuint (chart->screening->len, >, 0);
      g_assert_cmpuint (twin_chart->sessions->len, ==, chart->sessions->len);

      for (guint s = 0; s < chart->sessions->len; s++)
        {
          StippleSession *session = chart->sessions->pdata[s];
          StippleSession *twin_session = twin_chart->sessions->pdata[s];
          g_autoptr(GArray) samples = stipple_store_load_telemetry (store, session->id, NULL,
                                                                    &error);
          g_autoptr(GArray) twin_samples = stipple_store_load_telemetry (store2, twin_session->id,
                                                                         NULL, &error);
          StippleAuditEntry *first_event;
          g_autoptr(GPtrArray) audit = stipple_store_list_audit (store, session->id, &error);

          /* In the past, plausible, and the same from the same seed. */
          g_assert_cmpint (g_date_time_compare (session->started_at, now), <, 0);
          g_assert_true (g_date_time_equal (session->started_at, twin_session->started_at));
          g_assert_cmpstr (session->cartridge_id, ==, twin_session->cartridge_id);
          g_assert_cmpuint (session->plan->len, >, 0);
          for (guint p = 0; p < session->plan->len; p++)
            {
              const StippleZonePass *pass = &g_array_index (session->plan, StippleZonePass, p);
              const StippleZoneInfo *info = stipple_zone_get_info (pass->zone);

              g_assert_nonnull (info);
              g_assert_cmpuint (pass->depth_um, <=, info->thick_max_um);
              g_assert_cmpuint (session->strokes[pass->zone], >, 0);
            }
          g_assert_cmpuint (samples->len, >=, 20 * 8000);
          g_assert_cmpmem (samples->data, samples->len * sizeof (StippleProtoSample),
                           twin_samples->data, twin_samples->len * sizeof (StippleProtoSample));
          g_assert_cmpuint (audit->len, >=, 4);
          first_event = audit->pdata[0];
          g_assert_cmpint (first_event->kind, ==, STIPPLE_AUDIT_CONNECT);
        }
    }
  g_assert_cmpuint (g_hash_table_size (types), >=, 3);
  g_hash_table_unref (types);

  /* A few megabytes at most. */
  stipple_store_close (store);
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_test_message ("demo file: %" G_GINT64_FORMAT " bytes", (gint64) st.st_size);
  g_assert_cmpint (st.st_size, <, 8 * 1024 * 1024);
}

/* Notes as they are typed ------------------------------------------- */

typedef struct
{
  guint saved;
  guint failed;
} SaverCounts;

static void
saved_cb (StippleNoteSaver *saver,
          gpointer          user_data)
{
  ((SaverCounts *) user_data)->saved++;
}

static void
failed_cb (StippleNoteSaver *saver,
           const GError     *error,
           gpointer          user_data)
{
  ((SaverCounts *) user_data)->failed++;
}

typedef struct
{
  StippleNoteSaver *saver;
  GString          *typed;
  guint             keystrokes;
  gint64            started;
  StippleStore     *store;
  gint64            session_id;
  gint64            max_lag_us;
  char             *last_seen;
  gint64            last_change;
  GMainLoop        *loop;
} Typist;

static char *
saved_note (StippleStore *store,
            gint64        patient_id)
{
  g_autoptr(StipplePatientChart) chart = stipple_store_load_chart (store, patient_id, NULL);
  return g_strdup (((StippleSession *) chart->sessions->pdata[0])->note_before);
}

/* Types a character every 50 ms, without pause, for 2.5 s. */
static gboolean
type_cb (gpointer user_data)
{
  Typist *t = user_data;

  g_string_append_c (t->typed, 'a' + t->keystrokes % 26);
  stipple_note_saver_set_text (t->saver, t->typed->str);
  t->keystrokes++;
  if (t->keystrokes == 50)
    {
      g_main_loop_quit (t->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
test_note_saver (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(StipplePatient) patient = add_patient (store, "R-1", "Ada", "Lovelace");
  g_autoptr(StippleSession) session = test_session (patient->id);
  g_autoptr(StippleNoteSaver) saver = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  SaverCounts counts = { 0, 0 };
  Typist t = { 0, };
  g_autofree char *note = NULL;
  gint64 start;

  g_assert_true (stipple_store_save_session (store, session, &error));
  saver = stipple_note_saver_new (store, session->id, STIPPLE_NOTE_BEFORE);
  g_signal_connect (saver, "saved", G_CALLBACK (saved_cb), &counts);
  g_signal_connect (saver, "failed", G_CALLBACK (failed_cb), &counts);

  /* A single edit is saved after the quiet time, not at once. */
  start = g_get_monotonic_time ();
  stipple_note_saver_set_text (saver, "Skin intact");
  g_assert_true (stipple_note_saver_get_pending (saver));
  note = saved_note (store, patient->id);
  g_assert_cmpstr (note, ==, "");
  while (counts.saved == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, STIPPLE_NOTE_SAVER_QUIET_MS * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, STIPPLE_NOTE_SAVER_MAX_DELAY_MS * 1000);
  g_clear_pointer (&note, g_free);
  note = saved_note (store, patient->id);
  g_assert_cmpstr (note, ==, "Skin intact");
  g_assert_false (stipple_note_saver_get_pending (saver));

  /* Typing without a pause still saves at least every
   * STIPPLE_NOTE_SAVER_MAX_DELAY_MS, and far fewer saves than keystrokes. */
  counts.saved = 0;
  t.saver = saver;
  t.typed = g_string_new (NULL);
  t.loop = loop;
  g_timeout_add (50, type_cb, &t);
  start = g_get_monotonic_time ();
  g_main_loop_run (loop);
  g_test_message ("%u keystrokes in %.2f s, %u saves", t.keystrokes,
                  (g_get_monotonic_time () - start) / 1e6, counts.saved);
  g_assert_cmpuint (counts.saved, >=, 2);
  g_assert_cmpuint (counts.saved, <=, 50 * 50 / STIPPLE_NOTE_SAVER_MAX_DELAY_MS + 2);
  g_clear_pointer (&note, g_free);
  note = saved_note (store, patient->id);
  g_assert_true (g_str_has_prefix (t.typed->str, note));
  g_assert_cmpuint (strlen (note), >=, t.typed->len - STIPPLE_NOTE_SAVER_MAX_DELAY_MS / 50 - 2);

  /* Flushing saves the last keystroke at once. */
  g_string_append (t.typed, " — done ✓");
  stipple_note_saver_set_text (saver, t.typed->str);
  g_assert_true (stipple_note_saver_flush (saver, &error));
  g_assert_no_error (error);
  g_clear_pointer (&note, g_free);
  note = saved_note (store, patient->id);
  g_assert_cmpstr (note, ==, t.typed->str);
  g_assert_false (stipple_note_saver_get_pending (saver));

  /* A note too long to keep fails loudly, and is kept for another try. */
  {
    g_autofree char *huge = g_strnfill (STIPPLE_STORE_MAX_NOTE_BYTES + 1, 'x');
    stipple_note_saver_set_text (saver, huge);
    g_assert_false (stipple_note_saver_flush (saver, &error));
    g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    g_assert_cmpuint (counts.failed, ==, 1);
    g_assert_true (stipple_note_saver_get_pending (saver));
    stipple_note_saver_set_text (saver, "short again");
    g_assert_true (stipple_note_saver_flush (saver, &error));
    g_clear_pointer (&note, g_free);
    note = saved_note (store, patient->id);
    g_assert_cmpstr (note, ==, "short again");
  }

  /* Dropping the editor saves what was typed. */
  stipple_note_saver_set_text (saver, "typed just before closing");
  g_clear_object (&saver);
  stipple_store_close (store);
  g_clear_object (&store);
  while (g_main_context_iteration (NULL, FALSE));
  store = stipple_store_open (f->path, &error);
  g_clear_pointer (&note, g_free);
  note = saved_note (store, patient->id);
  g_assert_cmpstr (note, ==, "typed just before closing");

  g_string_free (t.typed, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/stipple/store/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("backup-restore", test_backup_restore);
  ADD ("daily-backup-async", test_daily_backup_async);
  ADD ("export-import", test_export_import);
  ADD ("demo", test_demo);
  ADD ("note-saver", test_note_saver);
#undef ADD

  return g_test_run ();
}
