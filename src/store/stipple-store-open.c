/* stipple-store-open.c
 *
 * Opening the patient file: the lock beside it, the header check that
 * refuses a foreign or newer file untouched, the integrity check, the
 * migration of an older file (after a backup), and the read-only
 * opening of a file or a backup that is never written.
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

/* Opening ------------------------------------------------------------ */

gboolean
stipple_store_take_lock (StippleStore  *self,
                         GError       **error)
{
  g_autofree char *lock_path = g_strconcat (self->path, ".lock", NULL);

  self->lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (self->lock_fd < 0)
    {
      stipple_store_set_errno_error (errno, self->path, error);
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
        stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_LOCKED, self->path, NULL, error);
      else
        stipple_store_set_errno_error (saved_errno, self->path, error);
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
      stipple_store_set_errno_error (errno, path, error);
      return FALSE;
    }
  n = read (fd, header, sizeof header);
  close (fd);

  /* Empty: created by a Stipple that stopped before writing anything. */
  if (n == 0)
    return TRUE;

  if (n < (ssize_t) sizeof header || memcmp (header, "SQLite format 3", 16) != 0)
    {
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, path, NULL, error);
      return FALSE;
    }

  app_id = read_be32 (header + 68);
  version = read_be32 (header + 60);
  if (app_id != 0 && app_id != STIPPLE_STORE_APPLICATION_ID)
    {
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, path, NULL, error);
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

/* What identifies the file's bytes as this Stipple left them: size,
 * modification time to the nanosecond, inode. */
static char *
file_state (const char *path)
{
  struct stat st;

  if (stat (path, &st) != 0)
    return NULL;
  return g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT ".%09ld %" G_GUINT64_FORMAT,
                          (gint64) st.st_size, (gint64) st.st_mtim.tv_sec,
                          (long) st.st_mtim.tv_nsec, (guint64) st.st_ino);
}

/* The lock file says how the last Stipple left the patient file: "open"
 * from the moment a Stipple opened it, "clean STATE" once it closed it
 * cleanly, STATE being file_state() then. Whether it was left clean and
 * is still exactly as it was left. */
static gboolean
read_left_clean (StippleStore *self)
{
  char text[160];
  ssize_t n = pread (self->lock_fd, text, sizeof text - 1, 0);
  g_autofree char *state = NULL;
  g_autofree char *expected = NULL;

  if (n <= 0)
    return FALSE;
  text[n] = '\0';
  state = file_state (self->path);
  if (state == NULL)
    return FALSE;
  expected = g_strdup_printf ("clean %s\n", state);
  return strcmp (text, expected) == 0;
}

/**
 * stipple_store_mark_lock:
 * @self: a store that holds its lock
 * @clean: whether the file is being left clean (closing) or is open
 *
 * Writes how the file is left into the lock file. "open" is written
 * through to the disk before anything is written to the file, so that a
 * crash or a power cut leaves it saying so; "clean" needs no such care:
 * losing it costs only a check at the next opening.
 */
void
stipple_store_mark_lock (StippleStore *self,
                         gboolean      clean)
{
  g_autofree char *state = clean ? file_state (self->path) : NULL;
  g_autofree char *text = NULL;

  if (self->lock_fd < 0)
    return;
  text = state != NULL ? g_strdup_printf ("clean %s\n", state) : g_strdup ("open\n");
  if (ftruncate (self->lock_fd, 0) != 0 ||
      pwrite (self->lock_fd, text, strlen (text), 0) != (ssize_t) strlen (text) ||
      (!clean && fdatasync (self->lock_fd) != 0))
    {
      /* The next opening finds no "clean" and checks the file: the safe
       * side. */
      g_debug ("The lock file of %s could not be written: %s", self->path, g_strerror (errno));
    }
}

/* Whether SQLite finds the file sound. Every check of the file's
 * integrity on opening is here. It runs when the file was not left
 * clean by the last Stipple (a crash, a power cut, a kill), or was
 * changed since by anything else (another program, a restore, a copy);
 * a file closed cleanly and untouched since is not read through again
 * (`stipple --verify` and every backup's description check it whole). */
static gboolean
check_integrity (StippleStore  *self,
                 GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *result = NULL;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA quick_check(1)", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (g_strcmp0 (result, "ok") != 0)
    {
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_CORRUPT, self->path, NULL, error);
      return FALSE;
    }
  return TRUE;
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
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NO_FOLDER, self->path, NULL, error);
      return FALSE;
    }
  if (g_file_test (self->path, G_FILE_TEST_EXISTS) &&
      !g_file_test (self->path, G_FILE_TEST_IS_REGULAR))
    {
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, self->path, NULL, error);
      return FALSE;
    }
  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      if (access (self->path, R_OK) != 0)
        {
          stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NO_PERMISSION, self->path, NULL, error);
          return FALSE;
        }
      if (access (self->path, W_OK) != 0)
        {
          stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_READ_ONLY, self->path, NULL, error);
          return FALSE;
        }
    }
  /* WAL needs its two companion files beside the database. */
  if (access (folder, W_OK | X_OK) != 0)
    {
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_READ_ONLY, self->path, NULL, error);
      return FALSE;
    }

  if (!stipple_store_take_lock (self, error))
    return FALSE;
  self->left_clean = read_left_clean (self);

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      /* Created here rather than by SQLite so that it is private to its
       * user from the first byte; SQLite gives the WAL the same mode. */
      int fd = open (self->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0)
        {
          stipple_store_set_errno_error (errno, self->path, error);
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
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_READ_ONLY, self->path, NULL, error);
      return FALSE;
    }

  if (!stipple_store_query_int (self->db, self->path, "PRAGMA application_id", &app_id, error) ||
      !stipple_store_query_int (self->db, self->path, "PRAGMA user_version", &version, error) ||
      !stipple_store_query_int (self->db, self->path, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;

  if (app_id == 0 && n_objects == 0)
    {
      /* Empty, or created by a Stipple that stopped before the schema's
       * transaction committed: nothing to lose. */
      version = 0;
    }
  else if (app_id != STIPPLE_STORE_APPLICATION_ID)
    {
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, self->path, NULL, error);
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
  else if (!self->left_clean || self->had_wal)
    {
      if (!check_integrity (self, error))
        return FALSE;
      self->integrity_checked = TRUE;
    }

  /* Until it is closed cleanly, the file counts as open. */
  stipple_store_mark_lock (self, FALSE);

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
  self->opened = TRUE;

  return TRUE;
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
  const char *source;
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
        stipple_store_set_errno_error (errno, self->path, error);
      return NULL;
    }
  if (!S_ISREG (st.st_mode) || st.st_size == 0)
    {
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, self->path, NULL, error);
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

  if (!stipple_store_query_int (self->db, self->path, "PRAGMA application_id", &app_id, error) ||
      !stipple_store_query_int (self->db, self->path, "PRAGMA user_version", &version, error))
    return NULL;
  if (app_id != STIPPLE_STORE_APPLICATION_ID || version < 1)
    {
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE, self->path, NULL, error);
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

  if (!check_integrity (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * stipple_store_open_reader:
 * @self: an open store
 * @error: return location for a #GError
 *
 * Opens a second connection to @self's file, for a long read on the
 * long lane: in WAL mode it never holds up the writer, and it sees the
 * file as committed when its read transaction began. It takes no lock
 * and never checkpoints; it is for reading the file (attached files of
 * its own may be written). A store opened read-only is its own reader.
 *
 * Returns: (transfer full): the reader, or %NULL with @error set
 */
StippleStore *
stipple_store_open_reader (StippleStore  *self,
                           GError       **error)
{
  g_autoptr(StippleStore) reader = NULL;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  if (self->read_only)
    return g_object_ref (self);

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

    if (!stipple_store_check_open (self, error))
      return NULL;
  }

  reader = g_object_new (STIPPLE_TYPE_STORE, NULL);
  reader->path = g_strdup (self->path);
  reader->version = self->version;
  reader->db = stipple_store_open_db (self->path, FALSE, error);
  if (reader->db == NULL)
    return NULL;
  if (!stipple_store_exec (reader, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", error))
    return NULL;
  return g_steal_pointer (&reader);
}

/**
 * stipple_store_get_integrity_checked:
 * @self: a store
 *
 * Returns: whether opening checked the file's integrity: it does after
 *   an unclean shutdown, and when anything but Stipple changed the file
 *   since Stipple last closed it
 */
gboolean
stipple_store_get_integrity_checked (StippleStore *self)
{
  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);

  return self->integrity_checked;
}
