/* stipple-store-backup.c
 *
 * Taking backups of the patient file: the daily one taken on opening,
 * those taken by hand or before a migration, each with its chain-head
 * anchor. Each is a consistent SQLite snapshot written under a temporary
 * name and renamed into place once on disk, in a folder beside the
 * patient file. Restoring one is in stipple-store-restore.c, describing
 * one in stipple-store-backup-info.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stipple-store-backup.h"
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
    if (g_str_has_suffix (name, ".stipple.part") ||
        g_str_has_suffix (name, STIPPLE_STORE_ANCHOR_SUFFIX ".part"))
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
      g_autofree char *anchor = g_strconcat (g_ptr_array_index (dailies, 0),
                                             STIPPLE_STORE_ANCHOR_SUFFIX, NULL);

      g_unlink (anchor);
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
gboolean
stipple_store_sync_folder_of (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  fsync (fd);
  close (fd);
  return TRUE;
}

/* Writes @path through a temporary name, on disk before it is renamed
 * into place: the file is whole or absent. */
static gboolean
write_file_durably (const char  *path,
                    const char  *contents,
                    gsize        length,
                    GError     **error)
{
  g_autofree char *partial = g_strconcat (path, ".part", NULL);
  gsize written = 0;
  int fd;

  fd = open (partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      stipple_store_set_errno_error (errno, path, error);
      return FALSE;
    }
  while (written < length)
    {
      gssize n = write (fd, contents + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved_errno = n < 0 ? errno : ENOSPC;

          close (fd);
          g_unlink (partial);
          stipple_store_set_errno_error (saved_errno, path, error);
          return FALSE;
        }
      written += (gsize) n;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved_errno = errno;

      g_unlink (partial);
      stipple_store_set_errno_error (saved_errno, path, error);
      return FALSE;
    }
  if (g_rename (partial, path) != 0)
    {
      int saved_errno = errno;

      g_unlink (partial);
      stipple_store_set_errno_error (saved_errno, path, error);
      return FALSE;
    }
  return TRUE;
}

/* The chain head beside a backup: a few lines an auditor can read and
 * compare with `stipple --verify` or with sqlite3 by hand
 * (docs/patient-file.md). */
gboolean
stipple_store_write_anchor (const char  *backup,
                            gint64       head_id,
                            const char  *head_hash,
                            GError     **error)
{
  g_autofree char *anchor = g_strconcat (backup, STIPPLE_STORE_ANCHOR_SUFFIX, NULL);
  g_autofree char *text = g_strdup_printf ("stipple-chain-head 1\n"
                                           "row %" PRId64 "\n"
                                           "sha256 %s\n",
                                           head_id, head_hash);

  return write_file_durably (anchor, text, strlen (text), error);
}

/**
 * stipple_store_read_anchor:
 * @backup: a backup
 * @head_id: (out): the audit row the chain ended at when it was taken
 * @head_hash: (out) (transfer full): that row's hash
 * @error: return location for a #GError
 *
 * Reads the chain head written beside @backup when it was taken.
 *
 * Returns: whether an anchor was there and could be read
 */
gboolean
stipple_store_read_anchor (const char  *backup,
                           gint64      *head_id,
                           char       **head_hash,
                           GError     **error)
{
  g_autofree char *anchor = g_strconcat (backup, STIPPLE_STORE_ANCHOR_SUFFIX, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean have_row = FALSE;

  g_return_val_if_fail (backup != NULL, FALSE);

  *head_hash = NULL;
  if (!g_file_get_contents (anchor, &text, NULL, NULL))
    {
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_NOT_FOUND, anchor, NULL, error);
      return FALSE;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "row "))
        have_row = g_ascii_string_to_signed (lines[i] + 4, 10, 0, G_MAXINT64, head_id, NULL);
      else if (g_str_has_prefix (lines[i], "sha256 ") && strlen (lines[i] + 7) == 64)
        {
          g_free (*head_hash);
          *head_hash = g_strdup (lines[i] + 7);
        }
    }
  if (!have_row || *head_hash == NULL)
    {
      g_clear_pointer (head_hash, g_free);
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_CORRUPT, anchor, NULL, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * stipple_store_check_anchor:
 * @backup: a backup
 * @head_id: the chain head found in it
 * @head_hash: that row's hash
 *
 * Compares the chain head found in @backup with the anchor written beside
 * it when it was taken. A backup from before anchors were written has
 * none; that is not a disagreement.
 *
 * Returns: (transfer full) (nullable): %NULL when they agree or there is
 *   no anchor, else why not, in plain words
 */
char *
stipple_store_check_anchor (const char *backup,
                            gint64      head_id,
                            const char *head_hash)
{
  g_autofree char *anchor = g_strconcat (backup, STIPPLE_STORE_ANCHOR_SUFFIX, NULL);
  g_autofree char *name = g_filename_display_name (backup);
  g_autofree char *anchor_hash = NULL;
  gint64 anchor_id = 0;

  g_return_val_if_fail (backup != NULL, NULL);

  if (!g_file_test (anchor, G_FILE_TEST_EXISTS))
    return NULL;
  if (!stipple_store_read_anchor (backup, &anchor_id, &anchor_hash, NULL))
    return g_strdup_printf (_("The chain head written beside the backup “%s” cannot be read."),
                            name);
  if (anchor_id != head_id || g_strcmp0 (anchor_hash, head_hash) != 0)
    return g_strdup_printf (_("The backup “%s” does not match the chain head written beside it: "
                              "it ends at audit row %" PRId64 ", the chain head says "
                              "row %" PRId64 ". It was changed after it was taken."),
                            name, head_id, anchor_id);
  return NULL;
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
  g_autofree char *head_hash = NULL;
  gint64 head_id = 0;
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
  /* A file from before the hash chain has no head to anchor. */
  if (!stipple_store_chain_head (out, destination, &head_id, &head_hash, NULL))
    g_clear_pointer (&head_hash, g_free);
  stipple_store_chain_forget (out);
  sqlite3_close (out);

  fd = open (partial, O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
  /* The anchor is in place before the backup it describes, so that no
   * backup ever stands without it. */
  if (head_hash != NULL && !stipple_store_write_anchor (destination, head_id, head_hash, error))
    {
      g_unlink (partial);
      return FALSE;
    }
  if (g_rename (partial, destination) != 0)
    {
      stipple_store_set_errno_error (errno, destination, error);
      g_unlink (partial);
      return FALSE;
    }
  stipple_store_sync_folder_of (destination);
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

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  if (!stipple_store_flush_telemetry (self, error))
    return NULL;

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

    if (!stipple_store_check_open (self, error))
      return NULL;
  }
  if (!stipple_store_ensure_backup_dir (self->path, error))
    return NULL;
  destination = stipple_store_backup_name (self->path, "manual");
  if (!stipple_store_snapshot_to (self, destination, error))
    return NULL;
  return g_steal_pointer (&destination);
}

/**
 * stipple_store_snapshot_to:
 * @self: an open store
 * @destination: the backup file to write; replaced atomically
 * @error: return location for a #GError
 *
 * As stipple_store_backup_to(), through a reading connection of its
 * own: in WAL mode a reader never holds up the writer, so the store's
 * connection and lock are not taken at all and a treatment, a note or
 * an audit row is written meanwhile. The copy is the file as it was
 * committed when the snapshot began.
 *
 * Returns: whether the snapshot was written
 */
gboolean
stipple_store_snapshot_to (StippleStore  *self,
                           const char    *destination,
                           GError       **error)
{
  sqlite3 *reader = NULL;
  gboolean snapped;
  int rc;

  /* A file opened read-only may be read through a private copy: that
   * connection is the one to copy, and nothing writes beside it. */
  if (self->read_only)
    {
      g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

      return stipple_store_backup_to (self->db, destination, error);
    }

  rc = sqlite3_open_v2 (self->path, &reader, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      stipple_store_set_sqlite_error (reader, rc, self->path, error);
      sqlite3_close (reader);
      return FALSE;
    }
  sqlite3_busy_timeout (reader, 2000);
  snapped = stipple_store_backup_to (reader, destination, error);
  sqlite3_close (reader);
  return snapped;
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

static gpointer
backup_job (StippleStore  *self,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  return stipple_store_backup (self, error);
}

/**
 * stipple_store_backup_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the backup is written
 * @user_data: data for @callback
 *
 * See stipple_store_backup(); runs on the long lane.
 */
void
stipple_store_backup_async (StippleStore        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));

  stipple_store_run_async (self, STIPPLE_STORE_LANE_LONG, backup_job, NULL, NULL, g_free,
                           cancellable, callback, user_data, stipple_store_backup_async);
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
  return stipple_store_run_finish (self, result, error);
}
