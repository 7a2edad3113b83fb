/* stipple-store-offsite.c
 *
 * The copy kept off the machine: a folder the clinic chose on a USB drive
 * or a network share. A snapshot of the patient file is taken on the
 * local disk through a reading connection of its own (in WAL mode it
 * never holds up the store's writer), then written into the
 * folder under a temporary name, synced, opened read-only and verified
 * (integrity, hash chain, seals, and the same chain head as the
 * snapshot), given its anchor, and only then renamed into place: a copy
 * cut short by a pulled drive or a full disk never leaves a file that
 * looks whole. Files that never change once written (listed by
 * stipple_store_list_immutable_files(): the needle archives) are copied
 * once, into "<patient file>.needle/" in the folder, and verified by
 * their SHA-256; never again. The newest STIPPLE_STORE_OFFSITE_COPIES copies are kept.
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
#include <unistd.h>

#include "stipple-store-backup.h"
#include "stipple-store-private.h"

#define OFFSITE_PREFIX "offsite-"

/**
 * stipple_store_list_immutable_files:
 * @self: a store
 *
 * Files beside the patient file that belong to it and never change once
 * written, so that a copy off the machine needs to take each only once:
 * the needle archives (of closed days, and the strokes archives their
 * thinning wrote) that are in their place.
 *
 * Returns: (transfer full) (element-type filename): their paths
 */
GPtrArray *
stipple_store_list_immutable_files (StippleStore *self)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (self->db == NULL || self->version < 9)
    return g_steal_pointer (&files);
  stmt = stipple_store_prepare (self, "SELECT file_name FROM needle_archive ORDER BY id", NULL);
  if (stmt == NULL)
    return g_steal_pointer (&files);
  dir = stipple_store_archive_dir (self->path);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      char *path = g_build_filename (dir, sqlite3_column_text (stmt, 0), NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, path);
      else
        g_free (path);
    }
  return g_steal_pointer (&files);
}

static char *
offsite_base (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  return g_str_has_suffix (base, ".stipple") ? g_steal_pointer (&base)
                                              : g_strconcat (base, ".stipple", NULL);
}

static gboolean
is_copy_of (const char *name,
            const char *base)
{
  return g_str_has_prefix (name, OFFSITE_PREFIX) && g_str_has_suffix (name, base) &&
         strlen (name) > strlen (OFFSITE_PREFIX) + strlen (base);
}

static void
no_folder_error (const char  *folder,
                 GError     **error)
{
  g_autofree char *name = g_filename_display_name (folder);

  g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NO_FOLDER,
               _("The folder for the copy off this computer, “%s”, cannot be reached. Plug in "
                 "the drive or connect the network share, then try again."), name);
}

/* What went wrong on the far drive, in words about that drive: the
 * store's own words speak of the patient file and its last change. */
static void
far_side_error (const char  *folder,
                GError     **error)
{
  g_autofree char *name = g_filename_display_name (folder);
  int code = (*error)->code;

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_clear_error (error);
      no_folder_error (folder, error);
    }
  else if (code == STIPPLE_STORE_ERROR_DISK_FULL)
    {
      g_clear_error (error);
      g_set_error (error, STIPPLE_STORE_ERROR, code,
                   _("The drive of “%s” is full, so no copy was written there. The patient file "
                     "is safe. Free some space on that drive or choose another folder."), name);
    }
  else if (code == STIPPLE_STORE_ERROR_IO || code == STIPPLE_STORE_ERROR_READ_ONLY ||
           code == STIPPLE_STORE_ERROR_NO_PERMISSION || code == STIPPLE_STORE_ERROR_FAILED)
    {
      g_autofree char *why = g_strdup ((*error)->message);

      g_clear_error (error);
      g_set_error (error, STIPPLE_STORE_ERROR, code,
                   _("No copy was written to “%s”: the drive was removed or could not be "
                     "written. The patient file is safe. (%s)"), name, why);
    }
}

/* Copies cut short earlier leave their temporary files: never whole, and
 * never mistaken for a copy, but in the way. */
static void
remove_partial_copies (const char *folder,
                       const char *base)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autofree char *part = g_strconcat (base, ".part", NULL);
  g_autofree char *anchor_part = g_strconcat (base, STIPPLE_STORE_ANCHOR_SUFFIX ".part", NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, OFFSITE_PREFIX) &&
        (g_str_has_suffix (name, part) || g_str_has_suffix (name, anchor_part)))
      {
        g_autofree char *child = g_build_filename (folder, name, NULL);
        g_unlink (child);
      }
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
rotate_copies (const char *folder,
               const char *base)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (is_copy_of (name, base))
      g_ptr_array_add (copies, g_build_filename (folder, name, NULL));
  /* The names carry the time they were taken: sorted, oldest first. */
  g_ptr_array_sort (copies, compare_strings);
  for (guint i = 0; i + STIPPLE_STORE_OFFSITE_COPIES < copies->len; i++)
    {
      g_autofree char *anchor = g_strconcat (g_ptr_array_index (copies, i),
                                             STIPPLE_STORE_ANCHOR_SUFFIX, NULL);

      g_unlink (g_ptr_array_index (copies, i));
      g_unlink (anchor);
    }
}

static gboolean
fsync_path (const char  *path,
            GError     **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      stipple_store_set_errno_error (saved_errno, path, error);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* SQLite's online backup from the local snapshot into @partial: every
 * write goes through SQLite, so a full or vanished disk shows as the
 * error SQLite reports, mapped to the store's words. */
static gboolean
write_snapshot (const char  *snapshot,
                const char  *partial,
                const char  *destination,
                GError     **error)
{
  sqlite3 *in = NULL;
  sqlite3 *out = NULL;
  sqlite3_backup *backup;
  int rc;

  rc = sqlite3_open_v2 (snapshot, &in, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      stipple_store_set_sqlite_error (in, rc, snapshot, error);
      sqlite3_close (in);
      return FALSE;
    }
  rc = sqlite3_open_v2 (partial, &out,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (out, 1);
      rc = sqlite3_exec (out, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL",
                         NULL, NULL, NULL);
    }
  if (rc == SQLITE_OK)
    {
      backup = sqlite3_backup_init (out, "main", in, "main");
      if (backup == NULL)
        rc = sqlite3_errcode (out);
      else
        {
          rc = sqlite3_backup_step (backup, -1);
          if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
          sqlite3_backup_finish (backup);
          if (rc == SQLITE_OK)
            rc = sqlite3_errcode (out);
        }
    }
  if (rc != SQLITE_OK)
    stipple_store_set_sqlite_error (out, rc, destination, error);
  sqlite3_close (in);
  if (out != NULL && sqlite3_close (out) != SQLITE_OK && rc == SQLITE_OK)
    {
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_IO, destination, NULL, error);
      rc = SQLITE_IOERR;
    }
  return rc == SQLITE_OK && fsync_path (partial, error);
}

/* The copy as it lies on the far disk must read back whole and end where
 * the snapshot ended. */
static gboolean
verify_copy (const char  *partial,
             const char  *destination,
             gint64       head_id,
             const char  *head_hash,
             GError     **error)
{
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autofree char *name = g_filename_display_name (destination);

  store = stipple_store_open_read_only (partial, error);
  if (store == NULL)
    return FALSE;
  result = stipple_store_verify (store, 0, error);
  stipple_store_close (store);
  if (result == NULL)
    return FALSE;
  if (result->breaks->len > 0 || result->head_id != head_id ||
      g_strcmp0 (result->head_hash, head_hash) != 0)
    {
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_IO,
                   _("The copy “%s” did not read back the same as the patient file, so it was "
                     "removed. The drive may be failing."), name);
      return FALSE;
    }
  return TRUE;
}

static char *
sha256_of (const char  *path,
           GError     **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  guchar buffer[65536];
  gssize n;

  if (in == NULL)
    return NULL;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, sizeof buffer, NULL, error)) > 0)
    g_checksum_update (sum, buffer, n);
  if (n < 0)
    return NULL;
  return g_strdup (g_checksum_get_string (sum));
}

/* A file that never changes: copied only when the folder lacks it, into
 * a folder named as its own (the needle archives' "<patient
 * file>.needle"), and verified by its checksum before it takes its name.
 * A copy that has its name was verified then, and is not read again. */
static gboolean
copy_immutable (const char  *source,
                const char  *folder,
                GError     **error)
{
  g_autofree char *base = g_path_get_basename (source);
  g_autofree char *parent = g_path_get_dirname (source);
  g_autofree char *parent_base = g_path_get_basename (parent);
  g_autofree char *target_dir = g_build_filename (folder, parent_base, NULL);
  g_autofree char *target = g_build_filename (target_dir, base, NULL);
  g_autofree char *partial = g_strconcat (target, ".part", NULL);
  g_autofree char *want = NULL;
  g_autofree char *have = NULL;
  g_autoptr(GError) local_error = NULL;

  if (g_file_test (target, G_FILE_TEST_EXISTS))
    return TRUE;
  if (g_mkdir_with_parents (target_dir, 0700) != 0)
    {
      stipple_store_set_errno_error (errno, target_dir, error);
      return FALSE;
    }
  want = sha256_of (source, error);
  if (want == NULL)
    return FALSE;

  if (!stipple_store_copy_file (source, partial, error) || !fsync_path (partial, error))
    {
      g_unlink (partial);
      return FALSE;
    }
  have = sha256_of (partial, &local_error);
  if (g_strcmp0 (have, want) != 0)
    {
      g_autofree char *name = g_filename_display_name (target);

      g_unlink (partial);
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_IO,
                   _("The copy “%s” did not read back the same as the patient file, so it was "
                     "removed. The drive may be failing."), name);
      return FALSE;
    }
  if (g_rename (partial, target) != 0)
    {
      stipple_store_set_errno_error (errno, target, error);
      g_unlink (partial);
      return FALSE;
    }
  stipple_store_sync_folder_of (target);
  return TRUE;
}

/**
 * stipple_store_copy_off_machine:
 * @self: a store
 * @folder: the folder off the machine (a USB drive, a network share)
 * @error: return location for a #GError
 *
 * Writes a verified copy of the patient file into @folder, with the chain
 * head beside it, then the immutable files it lacks, then removes copies
 * beyond the newest %STIPPLE_STORE_OFFSITE_COPIES. The store's lock is
 * never taken: the local snapshot is read through a connection of its
 * own. Call this from a worker thread.
 *
 * Returns: (transfer full): the copy's path, or %NULL with @error set and
 *   no new file in @folder that looks whole
 */
char *
stipple_store_copy_off_machine (StippleStore  *self,
                                const char    *folder,
                                GError       **error)
{
  g_autofree char *base = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *snapshot = NULL;
  g_autofree char *snapshot_anchor = NULL;
  g_autofree char *destination = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *head_hash = NULL;
  g_autoptr(GPtrArray) extras = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 head_id = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);
  g_return_val_if_fail (folder != NULL, NULL);

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      no_folder_error (folder, error);
      return NULL;
    }

  base = offsite_base (self->path);
  stamp = g_date_time_format (now, "%Y-%m-%dT%H%M%S");
  destination = g_strdup_printf ("%s/" OFFSITE_PREFIX "%s-%s", folder, stamp, base);
  partial = g_strconcat (destination, ".part", NULL);
  remove_partial_copies (folder, base);

  /* The snapshot, on the local disk, through a reading connection of its
   * own: in WAL mode a reader never holds up the writer, so the store's
   * lock is not taken at all and a treatment writes on meanwhile. */
  {
    g_autofree char *dir = stipple_store_get_backup_dir (self->path);

    snapshot = g_build_filename (dir, "offsite-snapshot", NULL);
    snapshot_anchor = g_strconcat (snapshot, STIPPLE_STORE_ANCHOR_SUFFIX, NULL);
    if (!stipple_store_flush_telemetry (self, error) ||
        !stipple_store_ensure_backup_dir (self->path, error) ||
        !stipple_store_snapshot_to (self, snapshot, error))
      return NULL;
  }
  extras = stipple_store_list_immutable_files (self);

  if (!stipple_store_read_anchor (snapshot, &head_id, &head_hash, error))
    goto out;
  if (!write_snapshot (snapshot, partial, destination, error) ||
      !verify_copy (partial, destination, head_id, head_hash, error) ||
      !stipple_store_write_anchor (destination, head_id, head_hash, error))
    goto out;
  if (g_rename (partial, destination) != 0)
    {
      g_autofree char *anchor = g_strconcat (destination, STIPPLE_STORE_ANCHOR_SUFFIX, NULL);

      stipple_store_set_errno_error (errno, destination, error);
      g_unlink (anchor);
      goto out;
    }
  stipple_store_sync_folder_of (destination);

  for (guint i = 0; i < extras->len; i++)
    if (!copy_immutable (g_ptr_array_index (extras, i), folder, error))
      goto out;

  rotate_copies (folder, base);
  ok = TRUE;

out:
  if (!ok)
    {
      /* Where the drive is gone this fails too; a ".part" is never
       * taken for a copy. */
      g_unlink (partial);
      if (error != NULL && *error != NULL)
        far_side_error (folder, error);
    }
  g_unlink (snapshot);
  g_unlink (snapshot_anchor);
  return ok ? g_steal_pointer (&destination) : NULL;
}

static gpointer
copy_job (StippleStore  *self,
          gpointer       folder,
          GCancellable  *cancellable,
          GError       **error)
{
  return stipple_store_copy_off_machine (self, folder, error);
}

/**
 * stipple_store_copy_off_machine_async:
 * @self: a store
 * @folder: the folder off the machine
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the copy is written and verified, or failed
 * @user_data: data for @callback
 *
 * See stipple_store_copy_off_machine(); runs on the long lane.
 */
void
stipple_store_copy_off_machine_async (StippleStore        *self,
                                      const char          *folder,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));
  g_return_if_fail (folder != NULL);

  stipple_store_run_async (self, STIPPLE_STORE_LANE_LONG, copy_job, g_strdup (folder), g_free,
                           g_free, cancellable, callback, user_data,
                           stipple_store_copy_off_machine_async);
}

/**
 * stipple_store_copy_off_machine_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the copy's path, or %NULL with @error set
 */
char *
stipple_store_copy_off_machine_finish (StippleStore  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return stipple_store_run_finish (self, result, error);
}

static gint
compare_strings_newest_first (gconstpointer a,
                              gconstpointer b)
{
  return -compare_strings (a, b);
}

/**
 * stipple_store_describe_off_machine_copies:
 * @path: a patient file
 * @folder: the folder off the machine its copies are written to
 *
 * Describes each copy of @path in @folder, as stipple_store_describe_backup()
 * does: read and verified there, against the chain head written beside
 * it. A copy of another patient file kept in the same folder is not
 * listed.
 *
 * Returns: (transfer full) (element-type StippleBackupInfo): newest first;
 *   empty when the folder cannot be read (a drive not plugged in)
 */
GPtrArray *
stipple_store_describe_off_machine_copies (const char *path,
                                           const char *folder)
{
  GPtrArray *infos = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_backup_info_free);
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *base = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (path != NULL && folder != NULL, infos);

  base = offsite_base (path);
  dir = g_dir_open (folder, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (is_copy_of (name, base))
      g_ptr_array_add (copies, g_build_filename (folder, name, NULL));
  /* The names carry the time they were taken. */
  g_ptr_array_sort (copies, compare_strings_newest_first);
  for (guint i = 0; i < copies->len; i++)
    {
      StippleBackupInfo *info = stipple_store_describe_backup (g_ptr_array_index (copies, i), NULL);

      if (info != NULL)
        g_ptr_array_add (infos, info);
    }
  return infos;
}
