/* stipple-store-restore.c
 *
 * Restoring a backup: checked whole before it replaces anything, the
 * file it replaces kept aside, and the restore recorded in the
 * restored file's own audit chain.
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

/**
 * stipple_store_restore:
 * @path: the patient file to restore; it must not be open
 * @backup_path: a backup of it
 * @error: return location for a #GError
 *
 * See stipple_store_restore_full().
 *
 * Returns: whether the patient file is now the backup
 */
gboolean
stipple_store_restore (const char  *path,
                       const char  *backup_path,
                       GError     **error)
{
  return stipple_store_restore_full (path, backup_path, NULL, error);
}

/**
 * stipple_store_chain_event:
 * @self: a store, its mutex held, inside a transaction
 * @kind: "restore" or "import"
 * @detail: what happened, as key=value pairs
 * @error: return location for a #GError
 *
 * Appends a row to the audit chain for something done to the whole file,
 * by the computer's user (no clinician is signed in for it).
 *
 * Returns: whether the row is in the file
 */
gboolean
stipple_store_chain_event (StippleStore  *self,
                           const char    *kind,
                           const char    *detail,
                           GError       **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *uid = g_uuid_string_random ();
  g_autofree char *at = stipple_store_format_time (now);
  StippleChainRow row = { 0, };

  row.uid = uid;
  row.at = at;
  row.user = g_get_user_name ();
  row.kind = kind;
  row.sent = "";
  row.acknowledgement = "";
  row.read_back = "";
  row.detail = detail;
  return stipple_store_chain_insert (self->db, self->path, &row, error);
}

/* The restored file says, in its own audit trail, where it came from and
 * what the file it replaced held beyond it. */
static gboolean
record_restore (StippleStore              *restored,
                const char                *backup_path,
                const char                *aside,
                const StippleRestoreLoss  *loss,
                GError                   **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&restored->mutex);
  g_autofree char *backup_name = g_path_get_basename (backup_path);
  g_autofree char *aside_name = aside != NULL ? g_path_get_basename (aside) : g_strdup ("");
  g_autofree char *detail = NULL;

  detail = g_strdup_printf ("backup=%s set_aside=%s compared=%s patients_not_restored=%" PRId64
                            " sessions_not_restored=%" PRId64 " audit_rows_not_restored=%" PRId64,
                            backup_name, aside_name, loss->compared ? "yes" : "no",
                            loss->n_patients, loss->n_sessions, loss->n_audit_rows);
  if (!stipple_store_begin (restored, error))
    return FALSE;
  if (!stipple_store_chain_event (restored, "restore", detail, error) ||
      !stipple_store_commit (restored, error))
    {
      stipple_store_rollback (restored);
      return FALSE;
    }
  return TRUE;
}

/* The backup must be whole before it replaces anything: integrity, the
 * hash chain and every seal, and the chain head written beside it. */
static gboolean
verify_staged (StippleStore  *check,
               const char    *backup_path,
               GError       **error)
{
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autofree char *name = g_filename_display_name (backup_path);
  g_autofree char *anchor_problem = NULL;
  GError *local_error = NULL;

  result = stipple_store_verify (check, 0, &local_error);
  if (result == NULL)
    {
      /* A file from before the chain has nothing to verify against. */
      if (g_error_matches (local_error, STIPPLE_STORE_ERROR,
                           STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE))
        {
          g_clear_error (&local_error);
          return TRUE;
        }
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (result->breaks->len > 0)
    {
      const StippleVerifyBreak *b = g_ptr_array_index (result->breaks, 0);

      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT,
                   _("The backup “%s” does not verify, so it was not restored and nothing was "
                     "changed: %s"), name, b->message);
      return FALSE;
    }
  anchor_problem = stipple_store_check_anchor (backup_path, result->head_id, result->head_hash);
  if (anchor_problem != NULL)
    {
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT,
                   _("The backup was not restored and nothing was changed: %s"), anchor_problem);
      return FALSE;
    }
  return TRUE;
}

/**
 * stipple_store_restore_full:
 * @path: the patient file to restore; it must not be open
 * @backup_path: a backup of it
 * @aside_path: (out) (optional) (transfer full): where the file it
 *   replaced was kept, or %NULL when there was none
 * @error: return location for a #GError
 *
 * Replaces the patient file with a backup. The backup is checked first
 * (a Stipple file, not newer than this Stipple, not damaged, its hash
 * chain and seals whole and matching the chain head written beside it);
 * the file it replaces, with its WAL, is first copied into the backup
 * folder as a "before-restore" backup, so a restore loses nothing either.
 *
 * Returns: whether the patient file is now the backup
 */
gboolean
stipple_store_restore_full (const char  *path,
                            const char  *backup_path,
                            char       **aside_path,
                            GError     **error)
{
  g_autoptr(StippleStore) lock = NULL;
  g_autoptr(StippleStore) check = NULL;
  g_autofree char *staged = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *aside = NULL;
  g_autoptr(StippleRestoreLoss) loss = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (backup_path != NULL, FALSE);

  if (aside_path != NULL)
    *aside_path = NULL;
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
  if (g_file_test (absolute, G_FILE_TEST_EXISTS))
    aside = stipple_store_backup_name (absolute, "before-restore");
  loss = stipple_store_restore_loss (absolute, backup_path);
  if (!verify_staged (check, backup_path, error) ||
      !record_restore (check, backup_path, aside, loss, error))
    {
      g_autofree char *staged_lock = g_strconcat (staged, ".lock", NULL);

      stipple_store_close (check);
      g_unlink (staged_lock);
      g_unlink (staged);
      return FALSE;
    }
  stipple_store_close (check);
  {
    g_autofree char *staged_lock = g_strconcat (staged, ".lock", NULL);
    g_unlink (staged_lock);
  }

  if (aside != NULL)
    {
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
  stipple_store_sync_folder_of (absolute);
  if (aside_path != NULL)
    *aside_path = g_steal_pointer (&aside);
  return TRUE;
}
