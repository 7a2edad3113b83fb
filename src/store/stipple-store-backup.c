/* stipple-store-backup.c
 *
 * Backups of the patient file: the daily one taken on opening, those
 * taken by hand or before a migration, and restoring one. Each is a
 * consistent SQLite snapshot written under a temporary name and renamed
 * into place once on disk, in a folder beside the patient file.
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
#include <sys/stat.h>
#include <unistd.h>

#include "stipple-store-private.h"

char *
stipple_store_backup_name (const char *path,
                           const char *kind)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H%M%S");
  g_autofree char *dir = stipple_store_get_backup_dir (path);
  g_autofree char *base = g_path_get_basename (path);
  /* "daily-…-patients.stipple", not "…patients.stipple.stipple". */
  const char *suffix = g_str_has_suffix (base, ".stipple") ? "" : ".stipple";
  g_autofree char *name = g_strdup_printf ("%s-%s-%s%s", kind, stamp, base, suffix);

  return g_build_filename (dir, name, NULL);
}

gboolean
stipple_store_ensure_backup_dir (const char  *path,
                                 GError     **error)
{
  g_autofree char *dir = stipple_store_get_backup_dir (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      stipple_store_set_errno_error (errno, dir, error);
      return FALSE;
    }
  return TRUE;
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static GPtrArray *
list_backups_with_prefix (const char *path,
                          const char *prefix)
{
  g_autofree char *dir_path = stipple_store_get_backup_dir (path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".stipple") && (prefix == NULL || g_str_has_prefix (name, prefix)))
      g_ptr_array_add (list, g_build_filename (dir_path, name, NULL));
  g_ptr_array_sort (list, compare_strings);
  return list;
}

/* A backup cut short (power cut, killed) leaves its temporary file. */
static void
remove_partial_backups (const char *path)
{
  g_autofree char *dir_path = stipple_store_get_backup_dir (path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".stipple.part"))
      {
        g_autofree char *child = g_build_filename (dir_path, name, NULL);
        g_unlink (child);
      }
}

/* One backup a calendar day (UTC), the newest few kept. Failing here
 * does not stop the clinician working: the error is kept and shown. */
gboolean
stipple_store_daily_backup (StippleStore  *self,
                            GError       **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "daily-%Y-%m-%d");
  g_autoptr(GPtrArray) dailies = list_backups_with_prefix (self->path, "daily-");
  g_autofree char *destination = NULL;
  gint64 n_patients = 0;

  for (guint i = 0; i < dailies->len; i++)
    {
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (dailies, i));
      if (g_str_has_prefix (base, today))
        return TRUE;
    }

  if (!stipple_store_query_int (self->db, self->path, "SELECT count(*) FROM patient",
                                &n_patients, error))
    return FALSE;
  if (n_patients == 0)
    return TRUE;

  if (!stipple_store_ensure_backup_dir (self->path, error))
    return FALSE;
  remove_partial_backups (self->path);
  destination = stipple_store_backup_name (self->path, "daily");
  if (!stipple_store_backup_to (self->db, destination, error))
    return FALSE;

  g_ptr_array_add (dailies, g_steal_pointer (&destination));
  g_ptr_array_sort (dailies, compare_strings);
  while (dailies->len > STIPPLE_STORE_DAILY_BACKUPS)
    {
      g_unlink (g_ptr_array_index (dailies, 0));
      g_ptr_array_remove_index (dailies, 0);
    }
  return TRUE;
}


/**
 * stipple_store_get_backup_dir:
 * @path: a patient file
 *
 * Backups live in a folder beside the file, so that copying the folder
 * that holds the patient file copies its backups too.
 *
 * Returns: (transfer full): the backup folder of @path
 */
char *
stipple_store_get_backup_dir (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_strconcat (path, ".backups", NULL);
}
static gboolean
sync_folder_of (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  fsync (fd);
  close (fd);
  return TRUE;
}

/**
 * stipple_store_backup_to:
 * @db: the connection to copy, its mutex held
 * @destination: the backup file to write; replaced atomically
 * @error: return location for a #GError
 *
 * Copies a consistent snapshot with SQLite's online backup, into a
 * private temporary file renamed into place once it is complete and on
 * disk: a backup file is whole or absent.
 *
 * Returns: whether the backup was written
 */
gboolean
stipple_store_backup_to (sqlite3     *db,
                         const char  *destination,
                         GError     **error)
{
  g_autofree char *partial = g_strconcat (destination, ".part", NULL);
  sqlite3 *out = NULL;
  sqlite3_backup *backup;
  int fd, rc;

  fd = open (partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      stipple_store_set_errno_error (errno, destination, error);
      return FALSE;
    }
  close (fd);

  rc = sqlite3_open_v2 (partial, &out, SQLITE_OPEN_READWRITE, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (out, 1);
      backup = sqlite3_backup_init (out, "main", db, "main");
      if (backup == NULL)
        rc = sqlite3_errcode (out);
      else
        {
          rc = sqlite3_backup_step (backup, -1);
          if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
          sqlite3_backup_finish (backup);
        }
    }
  if (rc == SQLITE_OK)
    {
      /* The copy is self-contained: no WAL beside it. */
      rc = sqlite3_exec (out, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    }
  if (rc != SQLITE_OK)
    {
      stipple_store_set_sqlite_error (out, rc, destination, error);
      sqlite3_close (out);
      g_unlink (partial);
      return FALSE;
    }
  sqlite3_close (out);

  fd = open (partial, O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
  if (g_rename (partial, destination) != 0)
    {
      stipple_store_set_errno_error (errno, destination, error);
      g_unlink (partial);
      return FALSE;
    }
  sync_folder_of (destination);
  return TRUE;
}

/**
 * stipple_store_backup:
 * @self: a store
 * @error: return location for a #GError
 *
 * Takes a backup now, into the backup folder beside the file. Backups
 * taken this way are kept until removed by hand.
 *
 * Returns: (transfer full): the backup's path, or %NULL with @error set
 */
char *
stipple_store_backup (StippleStore  *self,
                      GError       **error)
{
  g_autofree char *destination = NULL;
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  if (!stipple_store_flush_telemetry (self, error))
    return NULL;

  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_check_open (self, error) ||
      !stipple_store_ensure_backup_dir (self->path, error))
    return NULL;
  destination = stipple_store_backup_name (self->path, "manual");
  if (!stipple_store_backup_to (self->db, destination, error))
    return NULL;
  return g_steal_pointer (&destination);
}

/**
 * stipple_store_list_backups:
 * @path: a patient file
 *
 * Returns: (transfer full) (element-type filename): the backups of
 *   @path, by name: kind, then date
 */
GPtrArray *
stipple_store_list_backups (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return list_backups_with_prefix (path, NULL);
}

gboolean
stipple_store_copy_file (const char  *from,
                         const char  *to,
                         GError     **error)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = g_file_new_for_path (to);
  g_autoptr(GError) local_error = NULL;
  int fd;

  /* Created first so that the copy is private to its user. */
  fd = open (to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      stipple_store_set_errno_error (errno, to, error);
      return FALSE;
    }
  close (fd);

  if (!g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_DISK_FULL, to, NULL, error);
      else
        stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_FAILED, to, local_error->message,
                                          error);
      g_unlink (to);
      return FALSE;
    }
  g_chmod (to, 0600);
  return TRUE;
}

/**
 * stipple_store_restore:
 * @path: the patient file to restore; it must not be open
 * @backup_path: a backup of it
 * @error: return location for a #GError
 *
 * Replaces the patient file with a backup. The backup is checked first
 * (a Stipple file, not newer than this Stipple, not damaged); the file it
 * replaces, with its WAL, is first copied into the backup folder as a
 * "before-restore" backup, so a restore loses nothing either.
 *
 * Returns: whether the patient file is now the backup
 */
gboolean
stipple_store_restore (const char  *path,
                       const char  *backup_path,
                       GError     **error)
{
  g_autoptr(StippleStore) lock = NULL;
  g_autoptr(StippleStore) check = NULL;
  g_autofree char *staged = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;
  g_autofree char *absolute = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (backup_path != NULL, FALSE);

  absolute = g_canonicalize_filename (path, NULL);
  staged = g_strconcat (absolute, ".restoring", NULL);
  wal = g_strconcat (absolute, "-wal", NULL);
  shm = g_strconcat (absolute, "-shm", NULL);

  /* Holding the patient file's lock keeps every Stipple out meanwhile. */
  lock = g_object_new (STIPPLE_TYPE_STORE, NULL);
  lock->path = g_strdup (absolute);
  if (!stipple_store_take_lock (lock, error))
    return FALSE;

  /* The backup is checked on a copy, which opening may migrate, never on
   * the backup itself. */
  if (!stipple_store_copy_file (backup_path, staged, error))
    return FALSE;
  check = stipple_store_open_full (staged, FALSE, error);
  if (check == NULL)
    {
      g_unlink (staged);
      return FALSE;
    }
  stipple_store_close (check);
  {
    g_autofree char *staged_lock = g_strconcat (staged, ".lock", NULL);
    g_unlink (staged_lock);
  }

  if (g_file_test (absolute, G_FILE_TEST_EXISTS))
    {
      g_autofree char *aside = stipple_store_backup_name (absolute, "before-restore");

      if (!stipple_store_ensure_backup_dir (absolute, error) ||
          !stipple_store_copy_file (absolute, aside, error))
        {
          g_unlink (staged);
          return FALSE;
        }
      if (g_file_test (wal, G_FILE_TEST_EXISTS))
        {
          g_autofree char *aside_wal = g_strconcat (aside, "-wal", NULL);
          if (!stipple_store_copy_file (wal, aside_wal, error))
            {
              g_unlink (staged);
              return FALSE;
            }
        }
    }

  /* The old WAL goes before the new file arrives: SQLite would replay a
   * stale WAL into whatever database sits beside it. */
  g_unlink (wal);
  g_unlink (shm);
  if (g_rename (staged, absolute) != 0)
    {
      stipple_store_set_errno_error (errno, absolute, error);
      g_unlink (staged);
      return FALSE;
    }
  sync_folder_of (absolute);
  return TRUE;
}

static void
backup_thread_cb (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  char *path = stipple_store_backup (source_object, &error);

  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

/**
 * stipple_store_backup_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the backup is written
 * @user_data: data for @callback
 *
 * See stipple_store_backup().
 */
void
stipple_store_backup_async (StippleStore        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STIPPLE_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, stipple_store_backup_async);
  g_task_run_in_thread (task, backup_thread_cb);
}

/**
 * stipple_store_backup_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the backup's path, or %NULL with @error set
 */
char *
stipple_store_backup_finish (StippleStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
