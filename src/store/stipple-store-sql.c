/* stipple-store-sql.c
 *
 * What every part of the store shares to speak to SQLite: the mapping of
 * SQLite's and the system's errors to StippleStoreError with a message a
 * clinician can act on, cached statements, transactions and the way
 * times are written in the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

#include "stipple-store-private.h"

/**
 * stipple_import_result_free:
 * @result: (nullable): an import result
 */
void
stipple_import_result_free (StippleImportResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->conflicts, g_ptr_array_unref);
  g_clear_pointer (&result->details, g_ptr_array_unref);
  g_free (result);
}

void
stipple_stmt_release (StippleStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* Errors ------------------------------------------------------------- */

void
stipple_store_set_error_for_code (StippleStoreError   code,
                                  const char         *path,
                                  const char         *detail,
                                  GError            **error)
{
  g_autofree char *name = path ? g_filename_display_name (path) : g_strdup ("");

  switch (code)
    {
    case STIPPLE_STORE_ERROR_LOCKED:
      g_set_error (error, STIPPLE_STORE_ERROR, code,
                   _("The patient file “%s” is open in another Stipple window. "
                     "Close it there first, then try again."), name);
      break;
    case STIPPLE_STORE_ERROR_READ_ONLY:
      g_set_error (error, STIPPLE_STORE_ERROR, code,
                   _("The patient file “%s” cannot be changed: it or its folder is read-only. "
                     "Nothing was changed. Ask whoever looks after this computer to allow "
                     "writing to it."), name);
      break;
    case STIPPLE_STORE_ERROR_NO_PERMISSION:
      g_set_error (error, STIPPLE_STORE_ERROR, code,
                   _("You are not allowed to open the patient file “%s”."), name);
      break;
    case STIPPLE_STORE_ERROR_DISK_FULL:
      g_set_error_literal (error, STIPPLE_STORE_ERROR, code,
                           _("The disk is full, so the last change was not saved. Everything "
                             "saved before it is safe. Free some space, then try again."));
      break;
    case STIPPLE_STORE_ERROR_IO:
      g_set_error_literal (error, STIPPLE_STORE_ERROR, code,
                           _("The disk could not be read or written, so the last change was not "
                             "saved. Everything saved before it is safe. If this happens again, "
                             "the disk may be failing: ask for it to be checked."));
      break;
    case STIPPLE_STORE_ERROR_CORRUPT:
      g_set_error (error, STIPPLE_STORE_ERROR, code,
                   _("The patient file “%s” is damaged. Restore it from a backup; "
                     "Stipple has not changed it."), name);
      break;
    case STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE:
      g_set_error (error, STIPPLE_STORE_ERROR, code,
                   _("“%s” is not a Stipple patient file (or it is too damaged to tell). "
                     "Stipple has not changed it."), name);
      break;
    case STIPPLE_STORE_ERROR_NO_FOLDER:
      {
        g_autofree char *folder = path ? g_path_get_dirname (name) : g_strdup ("");
        g_set_error (error, STIPPLE_STORE_ERROR, code,
                     _("The folder “%s” for the patient file does not exist."), folder);
      }
      break;
    case STIPPLE_STORE_ERROR_CLOSED:
      g_set_error_literal (error, STIPPLE_STORE_ERROR, code,
                           _("The patient file has been closed."));
      break;
    case STIPPLE_STORE_ERROR_TOO_NEW:
    case STIPPLE_STORE_ERROR_INVALID_INPUT:
    case STIPPLE_STORE_ERROR_DUPLICATE:
    case STIPPLE_STORE_ERROR_NOT_FOUND:
    case STIPPLE_STORE_ERROR_FAILED:
    default:
      g_set_error (error, STIPPLE_STORE_ERROR, code,
                   _("The patient file “%s” could not be used: %s"), name,
                   detail ? detail : _("unknown error"));
      break;
    }
}

/**
 * stipple_store_set_sqlite_error:
 * @db: (nullable): the connection that failed
 * @rc: the SQLite result code
 * @path: (nullable): the patient file, for the message
 * @error: return location for a #GError
 *
 * Turns an SQLite failure into an error a clinician can act on.
 */
void
stipple_store_set_sqlite_error (sqlite3     *db,
                                int          rc,
                                const char  *path,
                                GError     **error)
{
  const char *detail = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_DISK_FULL, path, NULL, error);
      break;
    case SQLITE_IOERR:
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_IO, path, NULL, error);
      break;
    case SQLITE_READONLY:
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_READ_ONLY, path, NULL, error);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      {
        /* Another Stipple is kept out by the lock file before SQLite is
         * reached; a busy database means another program is writing. */
        g_autofree char *name = path ? g_filename_display_name (path) : g_strdup ("");
        g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_LOCKED,
                     _("Another program is writing to the patient file “%s”, so the last "
                       "change was not saved. Close that program (it is not Stipple), then try "
                       "again."), name);
      }
      break;
    case SQLITE_CORRUPT:
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_CORRUPT, path, NULL, error);
      break;
    case SQLITE_NOTADB:
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, path, NULL, error);
      break;
    case SQLITE_PERM:
    case SQLITE_AUTH:
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NO_PERMISSION, path, NULL, error);
      break;
    case SQLITE_CANTOPEN:
      {
        g_autofree char *folder = path ? g_path_get_dirname (path) : NULL;
        if (folder != NULL && !g_file_test (folder, G_FILE_TEST_IS_DIR))
          stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NO_FOLDER, path, NULL, error);
        else
          stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NO_PERMISSION, path, NULL, error);
      }
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT,
                   _("The record was not saved because it is incomplete or contradicts "
                     "one already saved (%s)."), detail);
      break;
    default:
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_FAILED, path, detail, error);
      break;
    }
}

void
stipple_store_set_errno_error (int          saved_errno,
                               const char  *path,
                               GError     **error)
{
  switch (saved_errno)
    {
    case ENOSPC:
    case EDQUOT:
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_DISK_FULL, path, NULL, error);
      break;
    case EROFS:
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_READ_ONLY, path, NULL, error);
      break;
    case EACCES:
    case EPERM:
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NO_PERMISSION, path, NULL, error);
      break;
    case ENOENT:
    case ENOTDIR:
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NO_FOLDER, path, NULL, error);
      break;
    case EIO:
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_IO, path, NULL, error);
      break;
    default:
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_FAILED, path, g_strerror (saved_errno), error);
      break;
    }
}

/* SQL helpers -------------------------------------------------------- */

/**
 * stipple_store_check_open:
 * @self: a store
 * @error: return location for a #GError
 *
 * Returns: whether the file is still open
 */
gboolean
stipple_store_check_open (StippleStore  *self,
                          GError       **error)
{
  if (self->db == NULL)
    {
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_CLOSED, self->path, NULL, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * stipple_store_prepare:
 * @self: a store, its mutex held
 * @sql: a statement; a string constant, since it keys the cache
 * @error: return location for a #GError
 *
 * Returns: (transfer none): a reset statement from the cache
 */
StippleStmt *
stipple_store_prepare (StippleStore  *self,
                       const char    *sql,
                       GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!stipple_store_check_open (self, error))
    return NULL;

  stmt = g_hash_table_lookup (self->stmts, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return NULL;
    }
  g_hash_table_insert (self->stmts, (gpointer) sql, stmt);
  return stmt;
}

/**
 * stipple_store_exec:
 * @self: a store, its mutex held
 * @sql: statements without results
 * @error: return location for a #GError
 *
 * Returns: whether they all ran
 */
gboolean
stipple_store_exec (StippleStore  *self,
                    const char    *sql,
                    GError       **error)
{
  int rc;

  if (!stipple_store_check_open (self, error))
    return FALSE;

  rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * stipple_store_step_done:
 * @self: a store, its mutex held
 * @stmt: a statement that returns no rows
 * @error: return location for a #GError
 *
 * Returns: whether @stmt ran to completion
 */
gboolean
stipple_store_step_done (StippleStore  *self,
                         sqlite3_stmt  *stmt,
                         GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/**
 * stipple_store_begin:
 * @self: a store, its mutex held
 * @error: return location for a #GError
 *
 * Starts a write transaction, taking the write lock at once so that a
 * transaction never fails half-way for want of it.
 *
 * Returns: whether the transaction started
 */
gboolean
stipple_store_begin (StippleStore  *self,
                     GError       **error)
{
  return stipple_store_exec (self, "BEGIN IMMEDIATE", error);
}

/**
 * stipple_store_commit:
 * @self: a store, its mutex held
 * @error: return location for a #GError
 *
 * Commits, or rolls back and reports why the commit failed.
 *
 * Returns: whether the transaction is durable
 */
gboolean
stipple_store_commit (StippleStore  *self,
                      GError       **error)
{
  if (!stipple_store_exec (self, "COMMIT", error))
    {
      stipple_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

/**
 * stipple_store_rollback:
 * @self: a store, its mutex held
 *
 * Abandons the open transaction, if SQLite has not already done so.
 */
void
stipple_store_rollback (StippleStore *self)
{
  if (self->db != NULL && !sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/**
 * stipple_store_format_time:
 * @time: (nullable): a time
 *
 * Times are kept as UTC text of fixed width, so that they sort as text
 * and read plainly in the sqlite3 tool.
 *
 * Returns: (transfer full) (nullable): e.g. "2026-03-14T09:26:53.589793Z"
 */
char *
stipple_store_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *base = NULL;

  if (time == NULL)
    return NULL;

  utc = g_date_time_to_utc (time);
  base = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%06dZ", base, g_date_time_get_microsecond (utc));
}

/**
 * stipple_store_parse_time:
 * @text: (nullable): a time as stipple_store_format_time() writes it
 *
 * Returns: (transfer full) (nullable): the time, or %NULL
 */
GDateTime *
stipple_store_parse_time (const char *text)
{
  if (text == NULL || *text == '\0')
    return NULL;
  return g_date_time_new_from_iso8601 (text, NULL);
}


gboolean
stipple_store_query_int (sqlite3     *db,
                         const char  *path,
                         const char  *sql,
                         gint64      *value,
                         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    {
      stipple_store_set_sqlite_error (db, rc, path, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * stipple_store_exec_printf:
 * @self: a store, its mutex held
 * @error: return location for a #GError
 * @format: statements without results, as a printf() format
 *
 * For the statements of export and import that name rows by id: only
 * integers and SQL built from the record tables are ever formatted into
 * them, never a value from a record.
 *
 * Returns: whether they all ran
 */
gboolean
stipple_store_exec_printf (StippleStore  *self,
                           GError       **error,
                           const char    *format,
                           ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return stipple_store_exec (self, sql, error);
}

/**
 * stipple_store_attach:
 * @self: a store, its mutex held
 * @path: another patient file
 * @name: the schema name it is attached as
 * @error: return location for a #GError
 *
 * Export and import copy rows between two files with INSERT … SELECT,
 * which needs both on one connection.
 *
 * Returns: whether @path is attached
 */
gboolean
stipple_store_attach (StippleStore  *self,
                      const char    *path,
                      const char    *name,
                      GError       **error)
{
  g_autofree char *sql = g_strdup_printf ("ATTACH DATABASE ? AS %s", name);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, path, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    {
      stipple_store_set_sqlite_error (self->db, rc, path, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * stipple_store_detach:
 * @self: a store, its mutex held
 * @name: a schema name given to stipple_store_attach()
 */
void
stipple_store_detach (StippleStore *self,
                      const char   *name)
{
  g_autofree char *sql = g_strdup_printf ("DETACH DATABASE %s", name);

  sqlite3_exec (self->db, sql, NULL, NULL, NULL);
}
