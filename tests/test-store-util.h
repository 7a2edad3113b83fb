/* test-store-util.h: what the patient file tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib/gstdio.h>
#include <sqlite3.h>

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
