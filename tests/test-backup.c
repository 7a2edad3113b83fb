/* test-backup.c: backups, their anchors, restoring one, and the copy
 * kept off the machine, with the drills of docs/patient-file.md:
 * the file damaged mid-session and restored, the off-machine drive
 * pulled out during a copy, and that drive full.
 *
 * The store runs on the faulty VFS (stipple-test-vfs.c), its faults
 * aimed at the off-machine folder only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "stipple-store-backup.h"
#include "stipple-test-vfs.h"
#include "test-store-util.h"

/* A patient file in a folder of its own, open, and an empty folder
 * standing for the drive the copy off the machine goes to. The tests
 * added with ADD_WITH_PATIENT find in it a first patient, Ada
 * Brightwater (record number 1042), with a session and three audit
 * rows. */
typedef struct
{
  char         *dir;
  char         *path;
  char         *folder;
  StippleStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("stipple-backup-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "patients.stipple", NULL);
  f->folder = g_build_filename (f->dir, "usb-drive", NULL);
  g_assert_cmpint (g_mkdir (f->folder, 0700), ==, 0);
  f->store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
reset_faults (void)
{
  stipple_test_vfs_budget = -1;
  stipple_test_vfs_unplug_after = -1;
  stipple_test_vfs_fail_io = FALSE;
  stipple_test_vfs_faults = 0;
  g_clear_pointer (&stipple_test_vfs_only_under, g_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  reset_faults ();
  if (f->store != NULL)
    stipple_store_close (f->store);
  g_clear_object (&f->store);
  test_remove_tree (f->dir);
  g_free (f->folder);
  g_free (f->path);
  g_free (f->dir);
}

/* A patient with a session and three audit rows in the fixture's file. */
static void
add_patient_session (Fixture    *f,
                     const char *record,
                     const char *given,
                     const char *family)
{
  test_add_patient_session (f->store, record, given, family, 3);
}

/* A manual backup of the fixture's file; returns its path. */
static char *
take_backup (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  char *backup = stipple_store_backup (f->store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (backup);
  return backup;
}

/* Closes the fixture's file, as the application does when it quits. */
static void
close_store (Fixture *f)
{
  stipple_store_close (f->store);
  g_clear_object (&f->store);
}

static void
fixture_setup_patient (Fixture       *f,
                       gconstpointer  data)
{
  fixture_setup (f, data);
  add_patient_session (f, "1042", "Ada", "Brightwater");
}

static guint
count_whole_looking (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".stipple") || g_str_has_suffix (name, STIPPLE_STORE_ANCHOR_SUFFIX))
      n++;
  return n;
}

static goffset
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

/* A backup carries its chain head beside it; a backup cut short at its
 * end (its last audit row gone, the chain still whole within) disagrees
 * with it, and neither the listing nor a restore takes it. */
static void
test_anchor (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *anchor_hash = NULL;
  g_autofree char *last = NULL;
  g_autoptr(StippleBackupInfo) info = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  gint64 anchor_id = 0;
  int rc;

  backup = take_backup (f);
  g_assert_true (stipple_store_read_anchor (backup, &anchor_id, &anchor_hash, &error));
  g_assert_no_error (error);
  last = test_sql (backup, "SELECT id || ' ' || hash FROM audit ORDER BY id DESC LIMIT 1", NULL);
  {
    g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT " %s", anchor_id, anchor_hash);
    g_assert_cmpstr (last, ==, expected);
  }

  infos = stipple_store_describe_backups (f->path);
  g_assert_cmpuint (infos->len, ==, 1);
  info = stipple_store_describe_backup (backup, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->kind, ==, "manual");
  g_assert_cmpint (info->n_patients, ==, 1);
  g_assert_cmpint (info->n_sessions, ==, 1);
  g_assert_nonnull (info->last_session);
  g_assert_cmpint (info->size, ==, file_size (backup));
  g_assert_true (info->verified);
  g_assert_null (info->problem);
  g_clear_pointer (&info, stipple_backup_info_free);

  /* Someone drops the last audit row from the backup. */
  g_free (test_sql (backup, "DROP TRIGGER audit_no_delete", &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_free (test_sql (backup, "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)", &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);

  info = stipple_store_describe_backup (backup, &error);
  g_assert_no_error (error);
  g_assert_false (info->verified);
  g_assert_nonnull (strstr (info->problem, "chain head"));

  close_store (f);
  g_assert_false (stipple_store_restore (f->path, backup, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "nothing was changed"));
  g_clear_error (&error);
  /* Nothing was changed: the file still holds its last audit row. */
  {
    g_autofree char *n = test_sql (f->path, "SELECT count(*) FROM audit", NULL);
    g_assert_cmpstr (n, ==, "3");
  }
}

/* Drill: the patient file is damaged in the middle of a session. The
 * restore says, before anything is replaced, what the file holds beyond
 * the backup; keeps the damaged file aside whole; and the restored file
 * opens. */
static void
test_drill_restore_damaged (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *aside = NULL;
  g_autoptr(StippleRestoreLoss) loss = NULL;
  g_autoptr(StippleStore) reopened = NULL;
  g_autofree char *patients = NULL;

  backup = take_backup (f);

  /* The session after the backup: a new patient, their session, audit. */
  add_patient_session (f, "2001", "Bruno", "Castellane");
  close_store (f);

  test_damage_index (f->path, "session_patient");
  reopened = stipple_store_open (f->path, &error);
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT);
  g_assert_null (reopened);
  g_clear_error (&error);

  loss = stipple_store_restore_loss (f->path, backup);
  g_assert_true (loss->compared);
  g_assert_cmpint (loss->n_patients, ==, 1);
  g_assert_cmpint (loss->n_sessions, ==, 1);
  g_assert_cmpint (loss->n_audit_rows, ==, 3);
  g_assert_cmpuint (loss->lines->len, ==, 3);
  g_assert_nonnull (strstr (loss->lines->pdata[0], "Bruno Castellane"));
  g_assert_nonnull (strstr (loss->lines->pdata[1], "2001"));
  g_assert_nonnull (strstr (loss->lines->pdata[2], "3 audit rows"));

  g_assert_true (stipple_store_restore_full (f->path, backup, &aside, &error));
  g_assert_no_error (error);
  g_assert_nonnull (aside);
  /* What the restore set aside is still there, for a technician. */
  patients = test_sql (aside, "SELECT group_concat(record_number) FROM patient", NULL);
  g_assert_cmpstr (patients, ==, "1042,2001");

  reopened = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&patients, g_free);
  stipple_store_close (reopened);
  patients = test_sql (f->path, "SELECT group_concat(record_number) FROM patient", NULL);
  g_assert_cmpstr (patients, ==, "1042");

  /* The restored file's own audit trail says what the restore left out,
   * and the chain still holds with that row on it. */
  {
    g_autofree char *detail = test_sql (f->path, "SELECT detail FROM audit WHERE kind = 'restore'",
                                        NULL);
    g_autoptr(StippleStore) check = stipple_store_open_read_only (f->path, &error);
    g_autoptr(StippleVerifyResult) result = NULL;

    g_assert_nonnull (detail);
    g_assert_nonnull (strstr (detail, "patients_not_restored=1 sessions_not_restored=1"
                                      " audit_rows_not_restored=3"));
    g_assert_nonnull (strstr (detail, "set_aside=before-restore-"));
    g_assert_no_error (error);
    result = stipple_store_verify (check, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->breaks->len, ==, 0);
    stipple_store_close (check);
  }
}

/* A damaged file that cannot be read at all: the loss says so, plainly. */
static void
test_restore_loss_unreadable (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  g_autoptr(StippleRestoreLoss) loss = NULL;

  backup = take_backup (f);
  close_store (f);
  g_assert_true (g_file_set_contents (f->path, "not a patient file at all", -1, &error));

  loss = stipple_store_restore_loss (f->path, backup);
  g_assert_false (loss->compared);
  g_assert_cmpuint (loss->lines->len, ==, 1);
  g_assert_nonnull (strstr (loss->lines->pdata[0], "cannot be read"));
}

static void
test_offsite_copy (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = NULL;
  g_autoptr(StippleBackupInfo) info = NULL;
  g_autofree char *anchor = NULL;
  g_autoptr(GPtrArray) extras = NULL;

  copy = stipple_store_copy_off_machine (f->store, f->folder, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (copy, f->folder));
  anchor = g_strconcat (copy, STIPPLE_STORE_ANCHOR_SUFFIX, NULL);
  g_assert_true (g_file_test (anchor, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_whole_looking (f->folder), ==, 2);

  info = stipple_store_describe_backup (copy, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->kind, ==, "offsite");
  g_assert_true (info->verified);
  g_assert_cmpint (info->n_patients, ==, 1);

  /* The store is written on after the copy. */
  add_patient_session (f, "2001", "Bruno", "Castellane");
  extras = stipple_store_list_immutable_files (f->store);
  g_assert_cmpuint (extras->len, ==, 0);
}

/* Older copies beyond the kept number go once a newer one is verified. */
static void
test_offsite_rotation (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *oldest = g_build_filename (f->folder,
                                              "offsite-2026-01-01T080000-patients.stipple", NULL);
  g_autofree char *other = g_build_filename (f->folder,
                                             "offsite-2026-01-01T080000-other.stipple", NULL);

  for (guint i = 0; i < STIPPLE_STORE_OFFSITE_COPIES; i++)
    {
      g_autofree char *name = g_strdup_printf ("offsite-2026-01-%02uT080000-patients.stipple",
                                               i + 1);
      g_autofree char *path = g_build_filename (f->folder, name, NULL);

      g_assert_true (g_file_set_contents (path, "old", -1, &error));
    }
  /* Another clinic PC's copies in the same folder are not ours to remove. */
  g_assert_true (g_file_set_contents (other, "theirs", -1, &error));

  copy = stipple_store_copy_off_machine (f->store, f->folder, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (oldest, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (copy, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  /* 14 copies, the newest one's anchor, and the other PC's file. */
  g_assert_cmpuint (count_whole_looking (f->folder), ==, STIPPLE_STORE_OFFSITE_COPIES + 2);

  /* As the preferences list them for a restore: ours only, newest first,
   * each verified where it is; the made-up older ones do not verify. */
  {
    g_autoptr(GPtrArray) infos = stipple_store_describe_off_machine_copies (f->path, f->folder);
    const StippleBackupInfo *newest;

    g_assert_cmpuint (infos->len, ==, STIPPLE_STORE_OFFSITE_COPIES);
    newest = g_ptr_array_index (infos, 0);
    g_assert_cmpstr (newest->path, ==, copy);
    g_assert_true (newest->verified);
    g_assert_cmpstr (newest->kind, ==, "offsite");
    for (guint i = 1; i < infos->len; i++)
      {
        const StippleBackupInfo *info = g_ptr_array_index (infos, i);

        g_assert_false (info->verified);
        g_assert_true (g_str_has_suffix (info->path, "-patients.stipple"));
        g_assert_cmpint (g_date_time_compare (info->taken_at,
                                              ((const StippleBackupInfo *) g_ptr_array_index (infos, i - 1))->taken_at),
                         <, 0);
      }
  }
  /* A folder not there (a drive pulled out) lists nothing. */
  {
    g_autofree char *missing = g_build_filename (f->folder, "not-plugged-in", NULL);
    g_autoptr(GPtrArray) infos = stipple_store_describe_off_machine_copies (f->path, missing);

    g_assert_cmpuint (infos->len, ==, 0);
  }
}

static void
test_offsite_no_folder (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "unplugged", NULL);
  g_autofree char *copy = NULL;

  copy = stipple_store_copy_off_machine (f->store, missing, &error);
  g_assert_null (copy);
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NO_FOLDER);
  g_assert_nonnull (strstr (error->message, "Plug in the drive"));
}

/* The copy off the machine fails with @code, through the faults the
 * drill set on the drive, and leaves nothing there that looks like a
 * copy or its anchor. */
static void
assert_copy_fails (Fixture *f,
                   int      code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = stipple_store_copy_off_machine (f->store, f->folder, &error);

  g_assert_null (copy);
  g_assert_error (error, STIPPLE_STORE_ERROR, code);
  g_assert_cmpuint (stipple_test_vfs_faults, >, 0);
  g_assert_cmpuint (count_whole_looking (f->folder), ==, 0);
}

/* Drill: the drive is pulled out half way through the copy. The copy
 * fails in plain words and leaves nothing that looks like a copy; the
 * next copy, the drive back, is whole. */
static void
test_drill_offsite_unplugged (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = NULL;

  stipple_test_vfs_only_under = g_strdup (f->folder);
  stipple_test_vfs_unplug_after = file_size (f->path) / 2;

  assert_copy_fails (f, STIPPLE_STORE_ERROR_IO);

  /* The treatment goes on while the drive is out. */
  add_patient_session (f, "2001", "Bruno", "Castellane");

  reset_faults ();
  copy = stipple_store_copy_off_machine (f->store, f->folder, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_whole_looking (f->folder), ==, 2);
  {
    g_autoptr(StippleBackupInfo) info = stipple_store_describe_backup (copy, &error);

    g_assert_true (info->verified);
    g_assert_cmpint (info->n_patients, ==, 2);
  }
}

/* Drill: the off-machine drive is full. */
static void
test_drill_offsite_full (Fixture       *f,
                         gconstpointer  data)
{
  stipple_test_vfs_only_under = g_strdup (f->folder);
  stipple_test_vfs_budget = file_size (f->path) / 3;

  assert_copy_fails (f, STIPPLE_STORE_ERROR_DISK_FULL);

  /* The patient file itself was never touched by the full drive. */
  add_patient_session (f, "2001", "Bruno", "Castellane");
}

/* Drill: the same patient imported twice adds nothing the second time. */
static void
test_drill_import_twice (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_path = g_build_filename (f->dir, "other-clinic.stipple", NULL);
  g_autofree char *exported = g_build_filename (f->dir, "Castellane.stipple", NULL);
  g_autoptr(StippleImportResult) first = NULL;
  g_autoptr(StippleImportResult) second = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  test_export_from_other_clinic (other_path, "2001", "Bruno", "Castellane", 3, exported);

  first = stipple_store_import (f->store, exported, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->patients_added, ==, 1);
  g_assert_cmpuint (first->sessions_added, ==, 1);
  {
    g_autofree char *detail = test_sql (f->path, "SELECT detail FROM audit WHERE kind = 'import'",
                                        NULL);
    g_assert_cmpstr (detail, ==, "file=Castellane.stipple patients_added=1 patients_merged=0"
                                 " sessions_added=1 conflicts=0 details_taken=0"
                                 " details_kept=0");
  }
  before = test_sql (f->path, "SELECT (SELECT count(*) FROM patient) || '/' ||"
                              " (SELECT count(*) FROM session) || '/' ||"
                              " (SELECT count(*) FROM audit)", NULL);

  second = stipple_store_import (f->store, exported, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->patients_added, ==, 0);
  g_assert_cmpuint (second->patients_merged, ==, 1);
  g_assert_cmpuint (second->sessions_added, ==, 0);
  g_assert_cmpuint (second->conflicts->len, ==, 0);
  after = test_sql (f->path, "SELECT (SELECT count(*) FROM patient) || '/' ||"
                             " (SELECT count(*) FROM session) || '/' ||"
                             " (SELECT count(*) FROM audit)", NULL);
  g_assert_cmpstr (after, ==, before);
}

/* A file of version 3 gains the restore and import kinds; its chain,
 * rows and hashes unchanged, and a backup taken before. */
static void
test_migrate_v3 (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "fixtures", "patients-v3.stipple",
                                                    NULL);
  g_autofree char *path = g_build_filename (f->dir, "v3.stipple", NULL);
  g_autofree char *hashes_before = NULL;
  g_autofree char *hashes_after = NULL;
  g_autofree char *version = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (fixture, &contents, &length, &error));
  g_assert_true (g_file_set_contents (path, contents, length, &error));
  hashes_before = test_sql (path, "SELECT group_concat(kind || ':' || hash) FROM audit", NULL);
  g_assert_nonnull (hashes_before);

  store = stipple_store_open (path, &error);
  g_assert_no_error (error);
  version = test_sql (path, "PRAGMA user_version", NULL);
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, STIPPLE_STORE_SCHEMA_VERSION);
  hashes_after = test_sql (path, "SELECT group_concat(kind || ':' || hash) FROM audit", NULL);
  g_assert_cmpstr (hashes_after, ==, hashes_before);
  result = stipple_store_verify (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->breaks->len, ==, 0);
  backups = stipple_store_list_backups (path);
  g_assert_cmpuint (backups->len, >=, 1);
  {
    g_autofree char *first = g_path_get_basename (backups->pdata[0]);
    g_assert_true (g_str_has_prefix (first, "before-v") || g_str_has_prefix (first, "daily-"));
  }

  /* Still append-only. */
  {
    int rc;
    g_free (test_sql (path, "DELETE FROM audit", &rc));
    g_assert_cmpint (rc, !=, SQLITE_OK);
    g_free (test_sql (path, "UPDATE audit SET detail = 'x'", &rc));
    g_assert_cmpint (rc, !=, SQLITE_OK);
  }
  stipple_store_close (store);
}

/* Runs the stipple binary and returns its exit status. */
static int
run_stipple (char **out,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  int status = -1;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("STIPPLE_BINARY"));
  va_start (args, out);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  if (*out != NULL && err != NULL)
    {
      char *both = g_strconcat (*out, err, NULL);
      g_free (*out);
      *out = both;
    }
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* The command line: list, verify, restore (and refuse), import. */
static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *tampered = NULL;
  g_autofree char *out = NULL;
  g_autofree char *count = NULL;
  g_autofree char *other_path = g_build_filename (f->dir, "other-clinic.stipple", NULL);
  g_autofree char *exported = g_build_filename (f->dir, "Okafor.stipple", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "no-such-backup.stipple", NULL);

  backup = take_backup (f);
  add_patient_session (f, "2001", "Bruno", "Castellane");
  test_export_from_other_clinic (other_path, "3003", "Chidi", "Okafor", 3, exported);
  close_store (f);

  g_assert_cmpint (run_stipple (&out, "--database", f->path, "--list-backups", NULL), ==, 0);
  g_assert_nonnull (strstr (out, backup));
  g_assert_nonnull (strstr (out, "1 patient, 1 session,"));
  g_assert_nonnull (strstr (out, "verifies: the record is whole"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_stipple (&out, "--verify", backup, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "chain head written beside the file matches"));
  g_clear_pointer (&out, g_free);

  /* A tampered copy of the backup, its anchor beside it. */
  tampered = g_build_filename (f->dir, "tampered.stipple", NULL);
  {
    g_autofree char *anchor_from = g_strconcat (backup, STIPPLE_STORE_ANCHOR_SUFFIX, NULL);
    g_autofree char *anchor_to = g_strconcat (tampered, STIPPLE_STORE_ANCHOR_SUFFIX, NULL);
    g_autofree char *contents = NULL;
    gsize length;
    int rc;

    g_assert_true (g_file_get_contents (backup, &contents, &length, &error));
    g_assert_true (g_file_set_contents (tampered, contents, length, &error));
    g_clear_pointer (&contents, g_free);
    g_assert_true (g_file_get_contents (anchor_from, &contents, &length, &error));
    g_assert_true (g_file_set_contents (anchor_to, contents, length, &error));
    g_free (test_sql (tampered, "DROP TRIGGER audit_no_delete", &rc));
    g_free (test_sql (tampered, "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)", &rc));
    g_assert_cmpint (rc, ==, SQLITE_OK);
  }
  g_assert_cmpint (run_stipple (&out, "--verify", tampered, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "does not match the chain head"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_stipple (&out, "--database", f->path, "--restore", tampered, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "nothing was changed"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_stipple (&out, "--database", f->path, "--restore", missing, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  count = test_sql (f->path, "SELECT count(*) FROM patient", NULL);
  g_assert_cmpstr (count, ==, "2");
  g_clear_pointer (&count, g_free);

  g_assert_cmpint (run_stipple (&out, "--database", f->path, "--restore", backup, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "now holds the backup"));
  g_assert_nonnull (strstr (out, "kept, whole, as"));
  g_assert_nonnull (strstr (out, "Patient Bruno Castellane (record number 2001)"));
  g_assert_nonnull (strstr (out, "3 audit rows written after the backup"));
  g_clear_pointer (&out, g_free);
  count = test_sql (f->path, "SELECT count(*) FROM patient", NULL);
  g_assert_cmpstr (count, ==, "1");
  g_clear_pointer (&count, g_free);

  g_assert_cmpint (run_stipple (&out, "--database", f->path, "--import", exported, "--dry-run",
                                NULL), ==, 0);
  g_assert_nonnull (strstr (out, "would add 1 new patient and 1 session; 0 patients are already here."));
  g_clear_pointer (&out, g_free);
  count = test_sql (f->path, "SELECT count(*) FROM patient", NULL);
  g_assert_cmpstr (count, ==, "1");
  g_clear_pointer (&count, g_free);

  g_assert_cmpint (run_stipple (&out, "--database", f->path, "--import", exported, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Imported 1 new patient and 1 session; 0 patients were already here."));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_stipple (&out, "--database", f->path, "--import", exported, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Imported 0 new patients and 0 sessions; 1 patient was already here."));
  g_clear_pointer (&out, g_free);
  count = test_sql (f->path, "SELECT count(*) FROM patient", NULL);
  g_assert_cmpstr (count, ==, "2");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  stipple_test_vfs_install ();

#define ADD(name, func) \
  g_test_add ("/stipple/backup/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
#define ADD_WITH_PATIENT(name, func) \
  g_test_add ("/stipple/backup/" name, Fixture, NULL, fixture_setup_patient, func, \
              fixture_teardown)

  ADD_WITH_PATIENT ("anchor", test_anchor);
  ADD_WITH_PATIENT ("restore-loss-unreadable", test_restore_loss_unreadable);
  ADD_WITH_PATIENT ("offsite-copy", test_offsite_copy);
  ADD_WITH_PATIENT ("offsite-rotation", test_offsite_rotation);
  ADD_WITH_PATIENT ("offsite-no-folder", test_offsite_no_folder);
  ADD_WITH_PATIENT ("drill-restore-damaged", test_drill_restore_damaged);
  ADD_WITH_PATIENT ("drill-offsite-unplugged", test_drill_offsite_unplugged);
  ADD_WITH_PATIENT ("drill-offsite-full", test_drill_offsite_full);
  ADD_WITH_PATIENT ("drill-import-twice", test_drill_import_twice);
  ADD_WITH_PATIENT ("cli", test_cli);
  ADD ("migrate-v3", test_migrate_v3);

  return g_test_run ();
}
