/* stipple-store-import.c
 *
 * Moving a patient between computers, the receiving side. Import merges
 * a file written by stipple-store-export.c (or any Stipple patient file)
 * by record number: a patient new here is added; the same patient (same
 * record number, name and date of birth) gains what this file lacks,
 * matched by each record's uid (stipple-store-import-rows.c); anything
 * that disagrees with what is here is left as it is here and reported,
 * never overwritten. What counts as a patient's identity and as the
 * details a clinician may take from the file is said by the flags of the
 * patient's columns (stipple-store-tables.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stipple-store-columns.h"
#include "stipple-store-private.h"

static StipplePatient *
patient_from_row (sqlite3_stmt *stmt)
{
  StipplePatient *patient = stipple_patient_new ();

  stipple_record_read (&stipple_patient_table, stmt, 0, patient);
  return patient;
}

static StipplePatient *
find_local (StippleStore  *self,
            const char    *column,
            const char    *value,
            GError       **error,
            gboolean      *failed)
{
  g_autofree char *where = g_strdup_printf ("FROM main.patient WHERE %s = ?", column);
  const char *sql = stipple_record_select (&stipple_patient_table, NULL, NULL, where);
  sqlite3_stmt *stmt = NULL;
  StipplePatient *found = NULL;
  int rc;

  *failed = FALSE;
  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        found = patient_from_row (stmt);
      else if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
      else
        *failed = TRUE;
    }
  else
    *failed = TRUE;
  if (*failed)
    stipple_store_set_sqlite_error (self->db, rc, self->path, error);
  sqlite3_finalize (stmt);
  return found;
}

/* Prepares @sql, a query of this file's patient (?1) beside the
 * imported one (?2), and steps to its one row. */
static sqlite3_stmt *
query_pair (StippleStore          *self,
            const char            *sql,
            const StipplePatient  *local,
            const StipplePatient  *imported,
            GError               **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, local->id);
      sqlite3_bind_int64 (stmt, 2, imported->id);
      rc = sqlite3_step (stmt);
    }
  if (rc == SQLITE_ROW)
    return stmt;
  stipple_store_set_sqlite_error (self->db, rc, self->path, error);
  sqlite3_finalize (stmt);
  return NULL;
}

/* Whether the patient here and the imported one differ in their
 * identity, and in their details. */
static gboolean
compare_patients (StippleStore                  *self,
                  const StipplePatient  *local,
                  const StipplePatient  *imported,
                  gboolean                      *identity_differs,
                  gboolean                      *details_differ,
                  GError                       **error)
{
  g_autofree char *identity = stipple_record_differs_sql (&stipple_patient_table,
                                                          STIPPLE_COLUMN_IDENTITY, "m", "i");
  g_autofree char *details = stipple_record_differs_sql (&stipple_patient_table,
                                                         STIPPLE_COLUMN_DETAIL, "m", "i");
  g_autofree char *sql = g_strdup_printf ("SELECT %s, %s FROM main.patient m, imp.patient i"
                                          " WHERE m.id = ?1 AND i.id = ?2", identity, details);
  sqlite3_stmt *stmt = query_pair (self, sql, local, imported, error);

  if (stmt == NULL)
    return FALSE;
  *identity_differs = sqlite3_column_int (stmt, 0) != 0;
  *details_differ = sqlite3_column_int (stmt, 1) != 0;
  sqlite3_finalize (stmt);
  return TRUE;
}

static void
import_details_free (StippleImportDetails *details)
{
  g_free (details->patient_uid);
  g_free (details->patient_name);
  g_free (details->differences);
  g_free (details);
}

/* A patient in both files whose details (the columns flagged
 * STIPPLE_COLUMN_DETAIL: contact details, skin type, allergies) differ:
 * what differs, field by field, and the imported details written over
 * this computer's when the clinician chose them (@take). Called in the
 * import's transaction, with the mutex held. */
static gboolean
settle_details (StippleStore                  *self,
                const StipplePatient  *local,
                const StipplePatient  *imported,
                gboolean                       take,
                StippleImportResult           *result,
                GError                       **error)
{
  const StippleRecordTable *table = &stipple_patient_table;
  g_autoptr(GString) differences = g_string_new (NULL);
  g_autoptr(GString) pairs = g_string_new (NULL);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *sql = NULL;
  StippleImportDetails *details;
  sqlite3_stmt *stmt = NULL;
  int rc;

  for (guint i = 0; i < table->n_columns; i++)
    if (table->columns[i].flags & STIPPLE_COLUMN_DETAIL)
      {
        g_string_append_printf (pairs, "%1$sm.%2$s, i.%2$s", pairs->len ? ", " : "",
                                table->columns[i].name);
        g_string_append_printf (names, "%s%s", names->len ? ", " : "", table->columns[i].name);
      }

  sql = g_strdup_printf ("SELECT %s FROM main.patient m, imp.patient i"
                         " WHERE m.id = ?1 AND i.id = ?2", pairs->str);
  stmt = query_pair (self, sql, local, imported, error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0, at = 0; i < table->n_columns; i++)
    {
      const StippleColumn *column = &table->columns[i];
      g_autofree char *here = NULL;
      g_autofree char *there = NULL;

      if ((column->flags & STIPPLE_COLUMN_DETAIL) == 0)
        continue;
      if (column->format != NULL)
        {
          here = column->format (stmt, at);
          there = column->format (stmt, at + 1);
        }
      else
        {
          here = g_strdup ((const char *) sqlite3_column_text (stmt, at));
          there = g_strdup ((const char *) sqlite3_column_text (stmt, at + 1));
        }
      at += 2;
      if (g_strcmp0 (here, there) == 0)
        continue;
      if (differences->len > 0)
        g_string_append_c (differences, '\n');
      /* TRANSLATORS: a field of a patient's record that differs between
       * this computer and a file being imported, e.g. "Phone: here 0171
       * 555 0101; imported 0171 555 0199". */
      g_string_append_printf (differences, _("%s: here %s; imported %s"), _(column->title),
                              here != NULL && *here != '\0' ? here : "—",
                              there != NULL && *there != '\0' ? there : "—");
    }
  sqlite3_finalize (stmt);

  details = g_new0 (StippleImportDetails, 1);
  details->patient_uid = g_strdup (local->uid);
  details->patient_name = g_strdup_printf ("%s %s", local->given_name, local->family_name);
  details->differences = g_string_free (g_steal_pointer (&differences), FALSE);
  details->taken = take;
  g_ptr_array_add (result->details, details);

  if (!take)
    return TRUE;

  {
    g_autofree char *now = NULL;
    g_autoptr(GDateTime) now_time = g_date_time_new_now_utc ();
    g_autofree char *update = g_strdup_printf ("UPDATE main.patient SET (%1$s) = (SELECT %1$s"
                                               " FROM imp.patient WHERE id = ?2),"
                                               " updated_at = ?3 WHERE id = ?1", names->str);

    now = stipple_store_format_time (now_time);
    rc = sqlite3_prepare_v2 (self->db, update, -1, &stmt, NULL);
    if (rc == SQLITE_OK)
      {
        sqlite3_bind_int64 (stmt, 1, local->id);
        sqlite3_bind_int64 (stmt, 2, imported->id);
        sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
        rc = sqlite3_step (stmt);
      }
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE)
      {
        stipple_store_set_sqlite_error (self->db, rc, self->path, error);
        return FALSE;
      }
  }
  result->details_taken++;
  return TRUE;
}

static gboolean
import_patient (StippleStore                  *self,
                const StipplePatient  *imported,
                const char * const            *take_details,
                StippleImportResult           *result,
                GError                       **error)
{
  g_autoptr(StipplePatient) local = NULL;
  gboolean failed = FALSE;
  gboolean identity_differs = FALSE;
  gboolean details_differ = FALSE;
  gint64 local_id;

  local = find_local (self, "record_number", imported->record_number, error, &failed);
  if (failed)
    return FALSE;

  if (local == NULL)
    {
      g_autoptr(StipplePatient) same_uid = find_local (self, "uid", imported->uid, error,
                                                               &failed);
      g_autofree char *insert = NULL;

      if (failed)
        return FALSE;
      if (same_uid != NULL)
        {
          g_ptr_array_add (result->conflicts,
                           g_strdup_printf (_("%s %s has record number “%s” on this computer "
                                              "but “%s” in the imported file; nothing of this "
                                              "patient was imported."),
                                            imported->given_name, imported->family_name,
                                            same_uid->record_number, imported->record_number));
          return TRUE;
        }
      insert = stipple_record_import_sql (&stipple_patient_table, "a", NULL);
      if (!stipple_store_exec_printf (self, error, "%s WHERE a.id = %" G_GINT64_FORMAT, insert,
                                      imported->id))
        return FALSE;
      local_id = sqlite3_last_insert_rowid (self->db);
      result->patients_added++;
      return stipple_store_import_records (self, local_id, imported, result, error);
    }

  if (!compare_patients (self, local, imported, &identity_differs, &details_differ, error))
    return FALSE;
  if (identity_differs)
    {
      g_ptr_array_add (result->conflicts,
                       g_strdup_printf (_("Record number “%s” is %s %s (born %s) in the "
                                          "imported file but %s %s (born %s) on this computer; "
                                          "nothing of this patient was imported."),
                                        imported->record_number, imported->given_name,
                                        imported->family_name, imported->date_of_birth,
                                        local->given_name, local->family_name,
                                        local->date_of_birth));
      return TRUE;
    }

  local_id = local->id;
  result->patients_merged++;
  if (details_differ &&
      !settle_details (self, local, imported,
                       take_details != NULL && g_strv_contains (take_details, local->uid),
                       result, error))
    return FALSE;
  return stipple_store_import_records (self, local_id, imported, result, error);
}

static gboolean
copy_plain (const char  *from,
            const char  *to,
            GError     **error)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = g_file_new_for_path (to);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &local_error))
    {
      g_autofree char *name = g_filename_display_name (from);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                     _("The file “%s” does not exist."), name);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DISK_FULL,
                             _("The disk is full: the file could not be imported. Nothing was "
                               "changed."));
      else
        g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_FAILED,
                     _("The file “%s” could not be read: %s"), name, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
remove_tree (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir_path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (dir_path);
}

/**
 * stipple_store_import:
 * @self: a store
 * @source: a patient file, as stipple_store_export_patient() writes it
 * @error: return location for a #GError
 *
 * Merges @source into this patient file in one transaction; @source
 * itself is only read (a private copy is checked, and migrated if it
 * comes from an older Stipple). See the file's comment for the rules.
 *
 * Returns: (transfer full): what was added and what was left alone, or
 *   %NULL with @error set and nothing changed
 */
static StippleImportResult *import_file (StippleStore        *self,
                                         const char          *source,
                                         const char * const  *take_details,
                                         gboolean             apply,
                                         GError             **error);

StippleImportResult *
stipple_store_import (StippleStore  *self,
                      const char    *source,
                      GError       **error)
{
  return import_file (self, source, NULL, TRUE, error);
}

/**
 * stipple_store_import_full:
 * @self: a store
 * @source: a patient file, as stipple_store_export_patient() writes it
 * @take_details: (nullable) (array zero-terminated=1): the uids, on
 *   this computer, of patients whose contact details, skin type and
 *   allergies are to be taken from @source where they differ (the
 *   clinician's choice, after stipple_store_import_preview() listed them
 *   in its details)
 * @error: return location for a #GError
 *
 * As stipple_store_import(), which keeps this computer's details for
 * every patient. Names, dates of birth and record numbers are never
 * taken: a patient whose identity differs is not imported at all; and a
 * session that differs keeps this computer's version, since an ended
 * session is sealed.
 *
 * Returns: (transfer full): what was added, taken and left alone, or
 *   %NULL with @error set and nothing changed
 */
StippleImportResult *
stipple_store_import_full (StippleStore        *self,
                           const char          *source,
                           const char * const  *take_details,
                           GError             **error)
{
  return import_file (self, source, take_details, TRUE, error);
}

/**
 * stipple_store_import_preview:
 * @self: a store
 * @source: a patient file, as stipple_store_export_patient() writes it
 * @error: return location for a #GError
 *
 * Says what stipple_store_import() would do, without changing anything:
 * the merge runs in a transaction that is rolled back.
 *
 * Returns: (transfer full): what would be added and what would be left
 *   alone, or %NULL with @error set
 */
StippleImportResult *
stipple_store_import_preview (StippleStore  *self,
                              const char    *source,
                              GError       **error)
{
  return import_file (self, source, NULL, FALSE, error);
}

static StippleImportResult *
import_file (StippleStore        *self,
             const char          *source,
             const char * const  *take_details,
             gboolean             apply,
             GError             **error)
{
  g_autoptr(StippleImportResult) result = NULL;
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *tmp_dir = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *source_wal = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);
  g_return_val_if_fail (source != NULL, NULL);

  tmp_dir = g_dir_make_tmp ("stipple-import-XXXXXX", NULL);
  if (tmp_dir == NULL)
    {
      g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_FAILED,
                           _("There is no room for a working copy of the file to import."));
      return NULL;
    }
  g_chmod (tmp_dir, 0700);
  copy = g_build_filename (tmp_dir, "import.stipple", NULL);
  source_wal = g_strconcat (source, "-wal", NULL);

  if (!copy_plain (source, copy, error))
    goto out;
  if (g_file_test (source_wal, G_FILE_TEST_EXISTS))
    {
      g_autofree char *copy_wal = g_strconcat (copy, "-wal", NULL);
      if (!copy_plain (source_wal, copy_wal, error))
        goto out;
    }

  {
    g_autoptr(StippleStore) check = stipple_store_open_full (copy, FALSE, error);

    if (check == NULL)
      goto out;
    stipple_store_close (check);
  }

  result = g_new0 (StippleImportResult, 1);
  result->conflicts = g_ptr_array_new_with_free_func (g_free);
  result->details = g_ptr_array_new_with_free_func ((GDestroyNotify) import_details_free);
  imported = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_patient_free);

  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_check_open (self, error) || !stipple_store_attach (self, copy, "imp", error))
    goto out;

  rc = sqlite3_prepare_v2 (self->db,
                           stipple_record_select (&stipple_patient_table, NULL, NULL,
                                                  "FROM imp.patient ORDER BY id"),
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (imported, patient_from_row (stmt));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, source, error);
      goto out_detach;
    }

  if (!stipple_store_begin (self, error))
    goto out_detach;
  for (guint i = 0; i < imported->len; i++)
    if (!import_patient (self, g_ptr_array_index (imported, i), take_details, result, error))
      {
        stipple_store_rollback (self);
        goto out_detach;
      }
  if (!apply)
    stipple_store_rollback (self);
  else
    {
      /* The audit trail says what came in, and from where. Patients merged
       * gain only what they lacked: their sessions count as added. */
      g_autofree char *name = g_path_get_basename (source);
      g_autofree char *detail = g_strdup_printf ("file=%s patients_added=%u patients_merged=%u"
                                                 " sessions_added=%u conflicts=%u"
                                                 " details_taken=%u details_kept=%u",
                                                 name, result->patients_added,
                                                 result->patients_merged, result->sessions_added,
                                                 result->conflicts->len, result->details_taken,
                                                 result->details->len - result->details_taken);

      /* An import that adds nothing changes nothing, not even the trail. */
      if ((result->patients_added + result->sessions_added + result->details_taken > 0 &&
           !stipple_store_chain_event (self, "import", detail, error)) ||
          !stipple_store_commit (self, error))
        {
          stipple_store_rollback (self);
          goto out_detach;
        }
    }
  ok = TRUE;

out_detach:
  stipple_store_detach (self, "imp");
out:
  remove_tree (tmp_dir);
  return ok ? g_steal_pointer (&result) : NULL;
}
