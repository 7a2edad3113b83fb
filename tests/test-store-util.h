/* test-store-util.h: what the patient file tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "stipple-store.h"

static inline void
test_remove_tree (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir_path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (dir_path);
}

static inline StipplePatient *
test_patient (const char *record,
              const char *given,
              const char *family,
              const char *dob)
{
  StipplePatient *patient = stipple_patient_new ();

  patient->record_number = g_strdup (record);
  patient->given_name = g_strdup (given);
  patient->family_name = g_strdup (family);
  patient->date_of_birth = g_strdup (dob);
  patient->fitzpatrick = 3;
  return patient;
}

static inline StippleSession *
test_session (gint64 patient_id)
{
  StippleSession *session = stipple_session_new ();

  session->patient_id = patient_id;
  session->started_at = g_date_time_new_utc (2026, 3, 14, 9, 26, 53.589793);
  session->clinician = g_strdup ("Dr Test");
  session->pen_serial = g_strdup ("STP-0001");
  session->pen_firmware = g_strdup ("1.0.0");
  session->cartridge_id = g_strdup ("C16-00001");
  session->cartridge_lot = g_strdup ("L2603");
  stipple_session_add_pass (session, STIPPLE_ZONE_FOREHEAD, 500, 120);
  stipple_session_add_pass (session, STIPPLE_ZONE_FOREHEAD, 750, 120);
  stipple_session_add_pass (session, STIPPLE_ZONE_CHEEK_LEFT, 1500, 110);
  g_ptr_array_add (session->serums, stipple_serum_new ("Hyaluronic acid", "HA-1"));
  return session;
}

/* Runs one SQL statement on a file with plain SQLite, as an auditor's
 * sqlite3 tool would, and returns the first column of the first row. */
static inline char *
test_sql (const char *path,
          const char *sql,
          int        *rc_out)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  if (rc_out != NULL)
    *rc_out = rc;
  return result;
}

/* Saves a patient born 1980-05-17 with one session (test_session()) and
 * @n_audit_rows depth settings on its forehead; returns the session's id. */
static inline gint64
test_add_patient_session (StippleStore *store,
                          const char   *record,
                          const char   *given,
                          const char   *family,
                          guint         n_audit_rows)
{
  g_autoptr(StipplePatient) patient = test_patient (record, given, family, "1980-05-17");
  g_autoptr(StippleSession) session = NULL;
  g_autoptr(GError) error = NULL;

  stipple_store_save_patient (store, patient, &error);
  g_assert_no_error (error);
  session = test_session (patient->id);
  g_assert_true (stipple_store_save_session (store, session, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n_audit_rows; i++)
    {
      g_autoptr(StippleAuditEntry) entry = stipple_audit_entry_new (STIPPLE_AUDIT_SETTING);

      entry->session_id = session->id;
      entry->user = g_strdup ("Dr Test");
      entry->zone = STIPPLE_ZONE_FOREHEAD;
      entry->sent = g_strdup ("depth=0.50mm");
      g_assert_true (stipple_store_append_audit (store, entry, &error));
      g_assert_no_error (error);
    }
  return session->id;
}

/* Overwrites the first 512 bytes of @index's root page in the closed
 * file at @path, so that SQLite finds the file damaged when it reads it. */
static inline void
test_damage_index (const char *path,
                   const char *index)
{
  g_autofree char *sql = g_strdup_printf ("SELECT rootpage FROM sqlite_schema WHERE name = '%s'",
                                          index);
  g_autofree char *root = test_sql (path, sql, NULL);
  g_autofree char *page_size = test_sql (path, "PRAGMA page_size", NULL);
  char garbage[512];
  int fd;

  g_assert_nonnull (root);
  memset (garbage, 0xa5, sizeof garbage);
  fd = open (path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, garbage, sizeof garbage,
                           (g_ascii_strtoll (root, NULL, 10) - 1) *
                           g_ascii_strtoll (page_size, NULL, 10)), ==, sizeof garbage);
  close (fd);
}

/* Another clinic's patient file at @other_path, holding one patient with
 * a session and @n_audit_rows audit rows, from which that patient is
 * exported to @exported. */
static inline void
test_export_from_other_clinic (const char *other_path,
                               const char *record,
                               const char *given,
                               const char *family,
                               guint       n_audit_rows,
                               const char *exported)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) other = stipple_store_open (other_path, &error);
  g_autofree char *sql = NULL;
  g_autofree char *id = NULL;

  g_assert_no_error (error);
  test_add_patient_session (other, record, given, family, n_audit_rows);
  sql = g_strdup_printf ("SELECT id FROM patient WHERE record_number = '%s'", record);
  id = test_sql (other_path, sql, NULL);
  g_assert_true (stipple_store_export_patient (other, g_ascii_strtoll (id, NULL, 10), exported,
                                               &error));
  g_assert_no_error (error);
  stipple_store_close (other);
}
