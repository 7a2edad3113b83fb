/* stipple-store.c
 *
 * The patient file: one SQLite database in WAL mode, owned by one
 * Stipple at a time (an advisory lock on a file beside it), written by
 * one writer thread. Opening refuses, untouched, any file that is not a
 * Stipple file or comes from a newer Stipple; an older one is backed up
 * and migrated. docs/patient-file.md describes the file for auditors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stipple-store-private.h"
#include "stipple-telemetry-codec.h"

G_DEFINE_QUARK (stipple-store-error-quark, stipple_store_error)

G_DEFINE_FINAL_TYPE (StippleStore, stipple_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

struct _StippleTelemetryBuffer
{
  gint64              session_id;
  GArray             *samples;
};

typedef struct
{
  gint64   next_seq;
  gint64   end_us;
  guint32  last_clock;
  gboolean started;
} TelemetryCursor;

typedef struct
{
  StoreJobFunc    func;
  gpointer        data;
  GDestroyNotify  destroy;
} StoreJob;

static void
store_job_free (StoreJob *job)
{
  if (job->destroy != NULL)
    job->destroy (job->data);
  g_free (job);
}

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
  g_free (result);
}

void
stipple_stmt_release (StippleStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* Errors ------------------------------------------------------------- */

static void
set_error_for_code (StippleStoreError   code,
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
      set_error_for_code (STIPPLE_STORE_ERROR_DISK_FULL, path, NULL, error);
      break;
    case SQLITE_IOERR:
      set_error_for_code (STIPPLE_STORE_ERROR_IO, path, NULL, error);
      break;
    case SQLITE_READONLY:
      set_error_for_code (STIPPLE_STORE_ERROR_READ_ONLY, path, NULL, error);
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
      set_error_for_code (STIPPLE_STORE_ERROR_CORRUPT, path, NULL, error);
      break;
    case SQLITE_NOTADB:
      set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, path, NULL, error);
      break;
    case SQLITE_PERM:
    case SQLITE_AUTH:
      set_error_for_code (STIPPLE_STORE_ERROR_NO_PERMISSION, path, NULL, error);
      break;
    case SQLITE_CANTOPEN:
      {
        g_autofree char *folder = path ? g_path_get_dirname (path) : NULL;
        if (folder != NULL && !g_file_test (folder, G_FILE_TEST_IS_DIR))
          set_error_for_code (STIPPLE_STORE_ERROR_NO_FOLDER, path, NULL, error);
        else
          set_error_for_code (STIPPLE_STORE_ERROR_NO_PERMISSION, path, NULL, error);
      }
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT,
                   _("The record was not saved because it is incomplete or contradicts "
                     "one already saved (%s)."), detail);
      break;
    default:
      set_error_for_code (STIPPLE_STORE_ERROR_FAILED, path, detail, error);
      break;
    }
}

static void
set_errno_error (int          saved_errno,
                 const char  *path,
                 GError     **error)
{
  switch (saved_errno)
    {
    case ENOSPC:
    case EDQUOT:
      set_error_for_code (STIPPLE_STORE_ERROR_DISK_FULL, path, NULL, error);
      break;
    case EROFS:
      set_error_for_code (STIPPLE_STORE_ERROR_READ_ONLY, path, NULL, error);
      break;
    case EACCES:
    case EPERM:
      set_error_for_code (STIPPLE_STORE_ERROR_NO_PERMISSION, path, NULL, error);
      break;
    case ENOENT:
    case ENOTDIR:
      set_error_for_code (STIPPLE_STORE_ERROR_NO_FOLDER, path, NULL, error);
      break;
    case EIO:
      set_error_for_code (STIPPLE_STORE_ERROR_IO, path, NULL, error);
      break;
    default:
      set_error_for_code (STIPPLE_STORE_ERROR_FAILED, path, g_strerror (saved_errno), error);
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
      set_error_for_code (STIPPLE_STORE_ERROR_CLOSED, self->path, NULL, error);
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

/* Opening ------------------------------------------------------------ */

static gboolean
take_lock (StippleStore  *self,
           GError       **error)
{
  g_autofree char *lock_path = g_strconcat (self->path, ".lock", NULL);

  self->lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (self->lock_fd < 0)
    {
      set_errno_error (errno, self->path, error);
      return FALSE;
    }

  /* flock() locks belong to the open file, so a second window of this
   * very process is refused too. The lock file is never removed:
   * removing it would let two openers each lock a different inode. */
  if (flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      close (self->lock_fd);
      self->lock_fd = -1;
      if (saved_errno == EWOULDBLOCK)
        set_error_for_code (STIPPLE_STORE_ERROR_LOCKED, self->path, NULL, error);
      else
        set_errno_error (saved_errno, self->path, error);
      return FALSE;
    }

  return TRUE;
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* Looks at the header with plain reads before SQLite is let near the
 * file, so that a foreign or newer file is refused without SQLite
 * replaying or checkpointing anything in it. */
static gboolean
check_header (const char  *path,
              GError     **error)
{
  guint8 header[100];
  ssize_t n;
  int fd;
  guint32 app_id, version;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      set_errno_error (errno, path, error);
      return FALSE;
    }
  n = read (fd, header, sizeof header);
  close (fd);

  /* Empty: created by a Stipple that stopped before writing anything. */
  if (n == 0)
    return TRUE;

  if (n < (ssize_t) sizeof header || memcmp (header, "SQLite format 3", 16) != 0)
    {
      set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, path, NULL, error);
      return FALSE;
    }

  app_id = read_be32 (header + 68);
  version = read_be32 (header + 60);
  if (app_id != 0 && app_id != STIPPLE_STORE_APPLICATION_ID)
    {
      set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, path, NULL, error);
      return FALSE;
    }
  if (app_id == STIPPLE_STORE_APPLICATION_ID && version > STIPPLE_STORE_SCHEMA_VERSION)
    {
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_TOO_NEW,
                   _("The patient file “%s” was written by a newer version of Stipple "
                     "(file version %u; this Stipple reads up to version %d). Update Stipple "
                     "to open it. The file has not been changed."),
                   name, version, STIPPLE_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

static gboolean
query_int (sqlite3     *db,
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
 * stipple_store_open_db:
 * @path: a file
 * @create: whether SQLite may create it
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a connection with extended result
 *   codes on and no checkpoint on close, or %NULL
 */
sqlite3 *
stipple_store_open_db (const char  *path,
                       gboolean     create,
                       GError     **error)
{
  sqlite3 *db = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc;

  rc = sqlite3_open_v2 (path, &db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      stipple_store_set_sqlite_error (db, rc, path, error);
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, 2000);
  /* Until the file is known to be ours and current, closing it must not
   * write anything into it. */
  sqlite3_db_config (db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  return db;
}

static gboolean
store_open_internal (StippleStore  *self,
                     const char    *requested,
                     GError       **error)
{
  g_autofree char *folder = NULL;
  gint64 app_id = 0, version = 0, n_objects = 0;
  g_autofree char *journal_mode = NULL;
  sqlite3_stmt *stmt = NULL;

  if (requested == NULL || *requested == '\0')
    {
      g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT,
                           _("No patient file was given."));
      return FALSE;
    }

  self->path = g_canonicalize_filename (requested, NULL);
  folder = g_path_get_dirname (self->path);

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      set_error_for_code (STIPPLE_STORE_ERROR_NO_FOLDER, self->path, NULL, error);
      return FALSE;
    }
  if (g_file_test (self->path, G_FILE_TEST_EXISTS) &&
      !g_file_test (self->path, G_FILE_TEST_IS_REGULAR))
    {
      set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, self->path, NULL, error);
      return FALSE;
    }
  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      if (access (self->path, R_OK) != 0)
        {
          set_error_for_code (STIPPLE_STORE_ERROR_NO_PERMISSION, self->path, NULL, error);
          return FALSE;
        }
      if (access (self->path, W_OK) != 0)
        {
          set_error_for_code (STIPPLE_STORE_ERROR_READ_ONLY, self->path, NULL, error);
          return FALSE;
        }
    }
  /* WAL needs its two companion files beside the database. */
  if (access (folder, W_OK | X_OK) != 0)
    {
      set_error_for_code (STIPPLE_STORE_ERROR_READ_ONLY, self->path, NULL, error);
      return FALSE;
    }

  if (!take_lock (self, error))
    return FALSE;

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      /* Created here rather than by SQLite so that it is private to its
       * user from the first byte; SQLite gives the WAL the same mode. */
      int fd = open (self->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0)
        {
          set_errno_error (errno, self->path, error);
          return FALSE;
        }
      close (fd);
    }

  if (!check_header (self->path, error))
    return FALSE;

  {
    g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (self->path, "-shm", NULL);
    self->had_wal = g_file_test (wal, G_FILE_TEST_EXISTS);
    self->had_shm = g_file_test (shm, G_FILE_TEST_EXISTS);
  }

  self->db = stipple_store_open_db (self->path, FALSE, error);
  if (self->db == NULL)
    return FALSE;

  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      set_error_for_code (STIPPLE_STORE_ERROR_READ_ONLY, self->path, NULL, error);
      return FALSE;
    }

  if (!query_int (self->db, self->path, "PRAGMA application_id", &app_id, error) ||
      !query_int (self->db, self->path, "PRAGMA user_version", &version, error) ||
      !query_int (self->db, self->path, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;

  if (app_id == 0 && n_objects == 0)
    {
      /* Empty, or created by a Stipple that stopped before the schema's
       * transaction committed: nothing to lose. */
      version = 0;
    }
  else if (app_id != STIPPLE_STORE_APPLICATION_ID)
    {
      set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, self->path, NULL, error);
      return FALSE;
    }
  else if (version > STIPPLE_STORE_SCHEMA_VERSION)
    {
      g_autofree char *name = g_filename_display_name (self->path);
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_TOO_NEW,
                   _("The patient file “%s” was written by a newer version of Stipple "
                     "(file version %d; this Stipple reads up to version %d). Update Stipple "
                     "to open it. The file has not been changed."),
                   name, (int) version, STIPPLE_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  else
    {
      g_autofree char *result = NULL;

      if (sqlite3_prepare_v2 (self->db, "PRAGMA quick_check(1)", -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW)
        result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      g_clear_pointer (&stmt, sqlite3_finalize);
      if (g_strcmp0 (result, "ok") != 0)
        {
          set_error_for_code (STIPPLE_STORE_ERROR_CORRUPT, self->path, NULL, error);
          return FALSE;
        }
    }

  /* The file is ours and readable: from here on writes are allowed. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);

  if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    journal_mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (g_strcmp0 (journal_mode, "wal") != 0)
    {
      int rc = sqlite3_errcode (self->db);
      stipple_store_set_sqlite_error (self->db, rc != SQLITE_OK ? rc : SQLITE_IOERR,
                                      self->path, error);
      return FALSE;
    }

  if (!stipple_store_exec (self, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", error))
    return FALSE;

  if (version < STIPPLE_STORE_SCHEMA_VERSION)
    {
      if (version > 0)
        {
          g_autofree char *kind = g_strdup_printf ("before-v%d", STIPPLE_STORE_SCHEMA_VERSION);
          g_autofree char *destination = stipple_store_backup_name (self->path, kind);

          if (!stipple_store_ensure_backup_dir (self->path, error) ||
              !stipple_store_backup_to (self->db, destination, error))
            return FALSE;
        }
      if (!stipple_store_migrate (self->db, self->path, (int) version, error))
        return FALSE;
      sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    }
  self->version = STIPPLE_STORE_SCHEMA_VERSION;

  return TRUE;
}

/* Reading only ------------------------------------------------------- */

/**
 * stipple_store_open_read_only:
 * @path: an existing patient file
 * @error: return location for a #GError
 *
 * Opens a patient file to read it and nothing else: no lock file, no
 * schema, no migration, no backup, no journal change. A file with a
 * write-ahead log beside it is read through a private copy of both, so
 * that SQLite never has to create an index (-shm) next to it; any other
 * file is opened immutable. A missing, empty, foreign, damaged or newer
 * file is refused and left as it was, and so is its folder.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
StippleStore *
stipple_store_open_read_only (const char  *path,
                              GError     **error)
{
  g_autoptr(StippleStore) self = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *result = NULL;
  const char *source;
  sqlite3_stmt *stmt = NULL;
  GStatBuf st;
  gint64 app_id = 0, version = 0;
  int rc;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (path == NULL || *path == '\0')
    {
      g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT,
                           _("No patient file was given."));
      return NULL;
    }

  self = g_object_new (STIPPLE_TYPE_STORE, NULL);
  self->path = g_canonicalize_filename (path, NULL);
  if (g_stat (self->path, &st) != 0)
    {
      g_autofree char *name = g_filename_display_name (self->path);

      if (errno == ENOENT)
        g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                     _("There is no patient file “%s”."), name);
      else
        set_errno_error (errno, self->path, error);
      return NULL;
    }
  if (!S_ISREG (st.st_mode) || st.st_size == 0)
    {
      set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, self->path, NULL, error);
      return NULL;
    }
  if (!check_header (self->path, error))
    return NULL;

  source = self->path;
  wal = g_strconcat (self->path, "-wal", NULL);
  if (g_stat (wal, &st) == 0 && st.st_size > 0)
    {
      g_autofree char *copy_wal = NULL;

      self->read_copy_dir = g_dir_make_tmp ("stipple-read-XXXXXX", error);
      if (self->read_copy_dir == NULL)
        return NULL;
      self->read_copy = g_build_filename (self->read_copy_dir, "copy.stipple", NULL);
      copy_wal = g_strconcat (self->read_copy, "-wal", NULL);
      if (!stipple_store_copy_file (self->path, self->read_copy, error) ||
          !stipple_store_copy_file (wal, copy_wal, error))
        return NULL;
      source = self->read_copy;
    }
  {
    g_autofree char *escaped = g_uri_escape_string (source, "/", FALSE);

    /* The private copy may keep its own index; the file itself is read
     * as it is on disk, without locks or an index beside it. */
    uri = g_strdup_printf ("file:%s?%s", escaped,
                           self->read_copy != NULL ? "mode=ro" : "immutable=1");
  }

  rc = sqlite3_open_v2 (uri, &self->db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
  if (rc != SQLITE_OK)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  self->read_only = TRUE;

  if (!query_int (self->db, self->path, "PRAGMA application_id", &app_id, error) ||
      !query_int (self->db, self->path, "PRAGMA user_version", &version, error))
    return NULL;
  if (app_id != STIPPLE_STORE_APPLICATION_ID || version < 1)
    {
      set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, self->path, NULL, error);
      return NULL;
    }
  if (version > STIPPLE_STORE_SCHEMA_VERSION)
    {
      g_autofree char *name = g_filename_display_name (self->path);
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_TOO_NEW,
                   _("The patient file “%s” was written by a newer version of Stipple "
                     "(file version %d; this Stipple reads up to version %d). Update Stipple "
                     "to open it. The file has not been changed."),
                   name, (int) version, STIPPLE_STORE_SCHEMA_VERSION);
      return NULL;
    }
  self->version = (int) version;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA quick_check(1)", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (g_strcmp0 (result, "ok") != 0)
    {
      set_error_for_code (STIPPLE_STORE_ERROR_CORRUPT, self->path, NULL, error);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * stipple_store_verify:
 * @self: a store
 * @session_id: a session, or 0 for the whole file
 * @error: return location for a #GError
 *
 * Checks the file's integrity (whole file only), its audit chain and the
 * seal of every session, or of @session_id. Runs in one read
 * transaction, so that what it checks is one state of the file.
 *
 * Returns: (transfer full): what was found, or %NULL with @error set
 *   when the file cannot be checked at all
 */
StippleVerifyResult *
stipple_store_verify (StippleStore  *self,
                      gint64         session_id,
                      GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  StippleVerifyResult *result;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  if (self->read_only && self->version < 3)
    {
      g_autofree char *name = g_filename_display_name (self->path);
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE,
                   _("The patient file “%s” was written before Stipple kept a verifiable "
                     "record (file version %d). Open it once in Stipple to bring it up to date, "
                     "then check it again."), name, self->version);
      return NULL;
    }

  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_check_open (self, error) || !stipple_store_exec (self, "BEGIN", error))
    return NULL;
  result = stipple_store_chain_verify (self->db, self->path, session_id, error);
  stipple_store_exec (self, "COMMIT", NULL);
  return result;
}

/* Writer thread ------------------------------------------------------ */

static void
writer_run_cb (gpointer data,
               gpointer user_data)
{
  StoreJob *job = data;
  StippleStore *self = user_data;

  job->func (self, job->data);
  store_job_free (job);
}

/* Queues @func for the writer thread, after everything queued before. */
void
stipple_store_push (StippleStore   *self,
            StoreJobFunc    func,
            gpointer        data,
            GDestroyNotify  destroy)
{
  StoreJob *job = g_new0 (StoreJob, 1);

  job->func = func;
  job->data = data;
  job->destroy = destroy;
  g_thread_pool_push (self->writer, job, NULL);
}

/* GObject ------------------------------------------------------------ */

static void
stipple_store_dispose (GObject *object)
{
  StippleStore *self = STIPPLE_STORE (object);

  stipple_store_close (self);
  G_OBJECT_CLASS (stipple_store_parent_class)->dispose (object);
}

static void
stipple_store_finalize (GObject *object)
{
  StippleStore *self = STIPPLE_STORE (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->telemetry, g_hash_table_unref);
  g_clear_pointer (&self->telemetry_cursor, g_hash_table_unref);
  g_clear_error (&self->telemetry_error);
  g_clear_error (&self->backup_problem);
  g_clear_pointer (&self->stmts, g_hash_table_unref);
  g_mutex_clear (&self->mutex);
  g_mutex_clear (&self->telemetry_mutex);
  g_cond_clear (&self->telemetry_cond);

  G_OBJECT_CLASS (stipple_store_parent_class)->finalize (object);
}

static void
stipple_store_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  StippleStore *self = STIPPLE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_store_class_init (StippleStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = stipple_store_dispose;
  object_class->finalize = stipple_store_finalize;
  object_class->get_property = stipple_store_get_property;

  /**
   * StippleStore:path:
   *
   * The absolute path of the patient file.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
telemetry_buffer_free (StippleTelemetryBuffer *buffer)
{
  g_array_unref (buffer->samples);
  g_free (buffer);
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
stipple_store_init (StippleStore *self)
{
  self->lock_fd = -1;
  g_mutex_init (&self->mutex);
  g_mutex_init (&self->telemetry_mutex);
  g_cond_init (&self->telemetry_cond);
  self->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                       finalize_stmt);
  self->telemetry = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                           (GDestroyNotify) telemetry_buffer_free);
  self->telemetry_cursor = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->writer = g_thread_pool_new (writer_run_cb, self, 1, TRUE, NULL);
  /* Not exclusive: a thread is borrowed only while a long job runs. */
  self->long_jobs = g_thread_pool_new (stipple_store_long_job_cb, self, 1, FALSE, NULL);
}

/* Nothing was written, so any WAL this opening made is empty. */
static void
forget_companions (StippleStore *self)
{
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (self->path, "-shm", NULL);
  GStatBuf st;

  if (!self->had_wal && g_stat (wal, &st) == 0 && st.st_size == 0)
    g_unlink (wal);
  if (!self->had_shm && !g_file_test (wal, G_FILE_TEST_EXISTS))
    g_unlink (shm);
}

/**
 * stipple_store_open:
 * @path: the patient file; created (mode 0600) if missing
 * @error: return location for a #GError
 *
 * Opens the patient file for this Stipple alone, creating or migrating
 * it as needed. Blocks: the interface uses stipple_store_open_async().
 * Before any migration a backup is taken, and failing to take it stops
 * the migration. The daily backup is taken here too; failing to take it
 * does not stop the opening: stipple_store_get_backup_problem() says why.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
StippleStore *
stipple_store_open (const char  *path,
                    GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return stipple_store_open_full (path, TRUE, error);
}

/**
 * stipple_store_open_full:
 * @path: the patient file
 * @daily_backup_wanted: whether to take the daily backup; working copies made
 *   for a restore or an import need none
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
StippleStore *
stipple_store_open_full (const char  *path,
                         gboolean     daily_backup_wanted,
                         GError     **error)
{
  g_autoptr(StippleStore) self = NULL;
  g_autoptr(GError) backup_error = NULL;

  self = g_object_new (STIPPLE_TYPE_STORE, NULL);
  if (!store_open_internal (self, path, error))
    {
      gboolean opened = self->db != NULL;

      stipple_store_close (self);
      if (opened)
        forget_companions (self);
      return NULL;
    }

  /* A missed daily backup must not keep the clinician from the chart:
   * the interface shows the problem, and the next opening tries again. */
  if (daily_backup_wanted && !stipple_store_daily_backup (self, &backup_error))
    self->backup_problem = g_steal_pointer (&backup_error);

  return g_steal_pointer (&self);
}

/**
 * stipple_store_close:
 * @self: a store
 *
 * Writes the telemetry still gathered, waits for queued work, checkpoints
 * the WAL into the file and lets go of the file. Safe to call twice.
 */
void
stipple_store_close (StippleStore *self)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));

  /* The long lane first: its jobs may wait for the writer. */
  if (self->long_jobs != NULL)
    {
      g_thread_pool_free (self->long_jobs, FALSE, TRUE);
      self->long_jobs = NULL;
    }
  if (self->writer != NULL)
    {
      if (self->db != NULL)
        stipple_store_flush_telemetry (self, NULL);
      g_thread_pool_free (self->writer, FALSE, TRUE);
      self->writer = NULL;
    }

  if (self->db != NULL && !g_queue_is_empty (&self->audit_backlog))
    {
      g_autoptr(GError) error = NULL;

      if (!stipple_store_write_audit_backlog (self, &error))
        g_warning ("%u audit events could not be written to %s: %s",
                   g_queue_get_length (&self->audit_backlog), self->path, error->message);
    }
  g_queue_clear_full (&self->audit_backlog, (GDestroyNotify) stipple_audit_entry_free);

  g_mutex_lock (&self->mutex);
  g_hash_table_remove_all (self->stmts);
  if (self->db != NULL)
    {
      stipple_store_chain_forget (self->db);
      sqlite3_close (self->db);
      self->db = NULL;
    }
  g_mutex_unlock (&self->mutex);

  if (self->lock_fd >= 0)
    {
      close (self->lock_fd);
      self->lock_fd = -1;
    }

  if (self->read_copy_dir != NULL)
    {
      g_autofree char *wal = g_strconcat (self->read_copy, "-wal", NULL);
      g_autofree char *shm = g_strconcat (self->read_copy, "-shm", NULL);

      g_unlink (wal);
      g_unlink (shm);
      g_unlink (self->read_copy);
      g_rmdir (self->read_copy_dir);
      g_clear_pointer (&self->read_copy, g_free);
      g_clear_pointer (&self->read_copy_dir, g_free);
    }
}

/**
 * stipple_store_get_path:
 * @self: a store
 *
 * Returns: the absolute path of the patient file
 */
const char *
stipple_store_get_path (StippleStore *self)
{
  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  return self->path;
}

/**
 * stipple_store_get_backup_problem:
 * @self: a store
 *
 * Returns: (nullable) (transfer none): why today's automatic backup could
 *   not be taken when the file was opened, or %NULL if it was (or was not
 *   due)
 */
const GError *
stipple_store_get_backup_problem (StippleStore *self)
{
  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  return self->backup_problem;
}

/* Telemetry ---------------------------------------------------------- */

typedef struct
{
  gint64  session_id;
  GArray *samples;
} TelemetryJob;

static void
telemetry_job_free (TelemetryJob *job)
{
  g_array_unref (job->samples);
  g_free (job);
}

static gboolean
load_cursor (StippleStore     *self,
             gint64            session_id,
             TelemetryCursor  *cursor,
             GError          **error)
{
  g_autoptr(StippleStmt) stmt = NULL;

  stmt = stipple_store_prepare (self,
                                "SELECT seq_first, n_samples, end_us, data FROM telemetry_block"
                                " WHERE session_id = ? ORDER BY seq_first DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      guint n = sqlite3_column_int (stmt, 1);
      g_autoptr(GBytes) data = g_bytes_new (sqlite3_column_blob (stmt, 3),
                                            sqlite3_column_bytes (stmt, 3));
      g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, n);

      if (!stipple_telemetry_decode (data, n, samples, error))
        return FALSE;
      cursor->next_seq = sqlite3_column_int64 (stmt, 0) + n;
      cursor->end_us = sqlite3_column_int64 (stmt, 2);
      cursor->last_clock = samples[n - 1].timestamp_us;
      cursor->started = TRUE;
    }
  return TRUE;
}

static gboolean
write_block (StippleStore              *self,
             gint64                     session_id,
             const StippleProtoSample  *samples,
             guint                      n,
             GError                   **error)
{
  g_autoptr(GBytes) data = stipple_telemetry_encode (samples, n);
  g_autoptr(StippleStmt) stmt = NULL;
  TelemetryCursor *cursor;
  TelemetryCursor next;
  gint64 start_us;
  gsize len;
  const void *blob;

  g_mutex_lock (&self->mutex);

  cursor = g_hash_table_lookup (self->telemetry_cursor, &session_id);
  if (cursor == NULL)
    {
      TelemetryCursor loaded = { 0, };

      if (!load_cursor (self, session_id, &loaded, error))
        goto fail;
      cursor = g_memdup2 (&loaded, sizeof loaded);
      g_hash_table_insert (self->telemetry_cursor, g_memdup2 (&session_id, sizeof session_id),
                           cursor);
    }

  /* The pen's clock wraps every 71 minutes; the file keeps time since
   * the session's first sample in 64 bits. */
  start_us = 0;
  if (cursor->started)
    start_us = cursor->end_us + (guint32) (samples[0].timestamp_us - cursor->last_clock);
  next.next_seq = cursor->next_seq + n;
  next.end_us = start_us + (guint32) (samples[n - 1].timestamp_us - samples[0].timestamp_us);
  next.last_clock = samples[n - 1].timestamp_us;
  next.started = TRUE;

  /* Telemetry is committed with synchronous=NORMAL: a power cut may cost
   * the last seconds of needle data, never a clinical record, since the
   * next clinical commit syncs the WAL with everything before it. */
  if (!stipple_store_exec (self, "PRAGMA synchronous = NORMAL", error))
    goto fail;
  stmt = stipple_store_prepare (self,
                                "INSERT INTO telemetry_block (session_id, seq_first, n_samples,"
                                " start_us, end_us, encoding, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                error);
  if (stmt == NULL)
    goto fail_sync;
  blob = g_bytes_get_data (data, &len);
  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_int64 (stmt, 2, cursor->next_seq);
  sqlite3_bind_int (stmt, 3, n);
  sqlite3_bind_int64 (stmt, 4, start_us);
  sqlite3_bind_int64 (stmt, 5, next.end_us);
  sqlite3_bind_int (stmt, 6, STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB);
  sqlite3_bind_blob (stmt, 7, blob, len, SQLITE_STATIC);
  if (!stipple_store_step_done (self, stmt, error))
    goto fail_sync;
  stipple_store_exec (self, "PRAGMA synchronous = FULL", NULL);

  *cursor = next;
  g_mutex_unlock (&self->mutex);
  return TRUE;

fail_sync:
  stipple_store_exec (self, "PRAGMA synchronous = FULL", NULL);
fail:
  g_mutex_unlock (&self->mutex);
  return FALSE;
}

static void
telemetry_job_run (StippleStore *self,
                   gpointer      data)
{
  TelemetryJob *job = data;
  g_autoptr(GError) error = NULL;

  write_block (self, job->session_id, (StippleProtoSample *) job->samples->data,
               job->samples->len, &error);

  g_mutex_lock (&self->telemetry_mutex);
  if (error != NULL && self->telemetry_error == NULL)
    self->telemetry_error = g_steal_pointer (&error);
  self->telemetry_pending--;
  g_cond_broadcast (&self->telemetry_cond);
  g_mutex_unlock (&self->telemetry_mutex);
}

/* Called with telemetry_mutex held. */
static void
queue_block (StippleStore *self,
             gint64        session_id,
             GArray       *samples)
{
  TelemetryJob *job = g_new0 (TelemetryJob, 1);

  job->session_id = session_id;
  job->samples = samples;
  self->telemetry_pending++;
  stipple_store_push (self, telemetry_job_run, job, (GDestroyNotify) telemetry_job_free);
}

/**
 * stipple_store_append_telemetry:
 * @self: a store
 * @session_id: the saved session the samples belong to
 * @samples: (array length=n_samples): samples in the order measured
 * @n_samples: how many
 * @error: return location for a #GError
 *
 * Gathers samples into blocks of %STIPPLE_STORE_TELEMETRY_BLOCK and
 * queues each full block for the writer thread; never waits for the
 * disk. Fails if an earlier block could not be written, so that the
 * caller learns of a full disk within a second.
 *
 * Returns: whether the samples were accepted
 */
gboolean
stipple_store_append_telemetry (StippleStore              *self,
                                gint64                     session_id,
                                const StippleProtoSample  *samples,
                                guint                      n_samples,
                                GError                   **error)
{
  StippleTelemetryBuffer *buffer;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (samples != NULL || n_samples == 0, FALSE);

  if (session_id <= 0)
    {
      g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT,
                           _("Needle data can only be recorded for a saved session."));
      return FALSE;
    }

  if (self->writer == NULL)
    {
      set_error_for_code (STIPPLE_STORE_ERROR_CLOSED, self->path, NULL, error);
      return FALSE;
    }

  g_mutex_lock (&self->telemetry_mutex);
  if (self->telemetry_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->telemetry_error));
      g_mutex_unlock (&self->telemetry_mutex);
      return FALSE;
    }

  buffer = g_hash_table_lookup (self->telemetry, &session_id);
  if (buffer == NULL)
    {
      buffer = g_new0 (StippleTelemetryBuffer, 1);
      buffer->session_id = session_id;
      buffer->samples = g_array_sized_new (FALSE, FALSE, sizeof (StippleProtoSample),
                                           STIPPLE_STORE_TELEMETRY_BLOCK);
      g_hash_table_insert (self->telemetry, &buffer->session_id, buffer);
    }

  while (n_samples > 0)
    {
      guint room = STIPPLE_STORE_TELEMETRY_BLOCK - buffer->samples->len;
      guint take = MIN (room, n_samples);

      g_array_append_vals (buffer->samples, samples, take);
      samples += take;
      n_samples -= take;
      if (buffer->samples->len == STIPPLE_STORE_TELEMETRY_BLOCK)
        {
          queue_block (self, session_id, buffer->samples);
          buffer->samples = g_array_sized_new (FALSE, FALSE, sizeof (StippleProtoSample),
                                               STIPPLE_STORE_TELEMETRY_BLOCK);
        }
    }
  g_mutex_unlock (&self->telemetry_mutex);
  return TRUE;
}

/**
 * stipple_store_flush_telemetry:
 * @self: a store
 * @error: return location for a #GError
 *
 * Queues every partly filled block and waits until the writer has
 * written all of them. Do not call from the writer thread.
 *
 * Returns: whether all telemetry appended so far is in the file
 */
gboolean
stipple_store_flush_telemetry (StippleStore  *self,
                               GError       **error)
{
  GHashTableIter iter;
  StippleTelemetryBuffer *buffer;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);

  if (self->writer == NULL)
    {
      set_error_for_code (STIPPLE_STORE_ERROR_CLOSED, self->path, NULL, error);
      return FALSE;
    }

  g_mutex_lock (&self->telemetry_mutex);
  g_hash_table_iter_init (&iter, self->telemetry);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &buffer))
    if (buffer->samples->len > 0)
      {
        queue_block (self, buffer->session_id, buffer->samples);
        buffer->samples = g_array_sized_new (FALSE, FALSE, sizeof (StippleProtoSample),
                                             STIPPLE_STORE_TELEMETRY_BLOCK);
      }
  while (self->telemetry_pending > 0)
    g_cond_wait (&self->telemetry_cond, &self->telemetry_mutex);
  if (self->telemetry_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->telemetry_error));
      g_mutex_unlock (&self->telemetry_mutex);
      return FALSE;
    }
  g_mutex_unlock (&self->telemetry_mutex);
  return TRUE;
}

/**
 * stipple_store_load_telemetry:
 * @self: a store
 * @session_id: a session
 * @times_us: (out) (optional) (element-type gint64): for each sample, its
 *   time since the session's first sample, in microseconds
 * @error: return location for a #GError
 *
 * Reads back every sample written for a session, in order, for replay
 * and for redrawing its graphs.
 *
 * Returns: (transfer full) (element-type StippleProtoSample): the samples
 */
GArray *
stipple_store_load_telemetry (StippleStore  *self,
                              gint64         session_id,
                              GArray       **times_us,
                              GError       **error)
{
  return stipple_store_load_telemetry_full (self, session_id, times_us, NULL, NULL, error);
}

/**
 * stipple_store_load_telemetry_full:
 * @self: a store
 * @session_id: a session
 * @times_us: (out) (optional) (element-type gint64): each sample's time
 *   since the session's first sample, in microseconds
 * @skipped: (out) (optional) (element-type gint64): the time (µs) where
 *   each block that could not be read would have started
 * @n_blocks: (out) (optional): how many blocks the session has, read or not
 * @error: return location for a #GError
 *
 * As stipple_store_load_telemetry(), but a damaged block does not cost
 * the rest: it is left out, and named in @skipped.
 *
 * Returns: (transfer full) (element-type StippleProtoSample): the samples
 *   that could be read
 */
GArray *
stipple_store_load_telemetry_full (StippleStore  *self,
                                   gint64         session_id,
                                   GArray       **times_us,
                                   GArray       **skipped,
                                   guint         *n_blocks,
                                   GError       **error)
{
  g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint blocks = 0;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (StippleProtoSample));
  g_autoptr(GArray) times = times_us ? g_array_new (FALSE, FALSE, sizeof (gint64)) : NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = stipple_store_prepare (self,
                                "SELECT n_samples, start_us, encoding, data FROM telemetry_block"
                                " WHERE session_id = ? ORDER BY seq_first", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint n = sqlite3_column_int (stmt, 0);
      gint64 start_us = sqlite3_column_int64 (stmt, 1);
      g_autoptr(GBytes) data = NULL;
      guint first = samples->len;

      blocks++;
      data = g_bytes_new (sqlite3_column_blob (stmt, 3), sqlite3_column_bytes (stmt, 3));
      g_array_set_size (samples, first + n);
      /* One damaged block is left out, counted and named; the rest of
       * the session still reads. */
      if (sqlite3_column_int (stmt, 2) != STIPPLE_TELEMETRY_ENCODING_DELTA_ZLIB || n == 0 ||
          n > STIPPLE_STORE_TELEMETRY_BLOCK ||
          !stipple_telemetry_decode (data, n,
                                     &g_array_index (samples, StippleProtoSample, first), NULL))
        {
          g_array_set_size (samples, first);
          g_array_append_val (missing, start_us);
          continue;
        }
      if (times != NULL)
        {
          const StippleProtoSample *block = &g_array_index (samples, StippleProtoSample, first);

          for (guint i = 0; i < n; i++)
            {
              gint64 t = start_us + (guint32) (block[i].timestamp_us - block[0].timestamp_us);
              g_array_append_val (times, t);
            }
        }
    }
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return NULL;
    }

  if (times_us != NULL)
    *times_us = g_steal_pointer (&times);
  if (skipped != NULL)
    *skipped = g_steal_pointer (&missing);
  if (n_blocks != NULL)
    *n_blocks = blocks;
  return g_steal_pointer (&samples);
}

/* For stipple-store-backup.c ----------------------------------------- */

void
stipple_store_set_error_for_code (StippleStoreError   code,
                                  const char         *path,
                                  const char         *detail,
                                  GError            **error)
{
  set_error_for_code (code, path, detail, error);
}

void
stipple_store_set_errno_error (int          saved_errno,
                               const char  *path,
                               GError     **error)
{
  set_errno_error (saved_errno, path, error);
}

gboolean
stipple_store_take_lock (StippleStore  *self,
                         GError       **error)
{
  return take_lock (self, error);
}

gboolean
stipple_store_query_int (sqlite3     *db,
                         const char  *path,
                         const char  *sql,
                         gint64      *value,
                         GError     **error)
{
  return query_int (db, path, sql, value, error);
}
