/* stipple-store-backup-info.c
 *
 * What a backup holds, read without opening it for writing: its kind
 * and time, its counts, whether it verifies, and what restoring it
 * would lose; listed newest first for the interface.
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

/* What a backup holds ------------------------------------------------- */

void
stipple_backup_info_free (StippleBackupInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->path);
  g_free (info->kind);
  g_clear_pointer (&info->taken_at, g_date_time_unref);
  g_clear_pointer (&info->last_session, g_date_time_unref);
  g_free (info->problem);
  g_free (info->head_hash);
  g_free (info);
}

void
stipple_restore_loss_free (StippleRestoreLoss *loss)
{
  if (loss == NULL)
    return;
  g_clear_pointer (&loss->lines, g_ptr_array_unref);
  g_free (loss);
}

/* "daily-2026-12-02T101500-patients.stipple": kind and time from the name
 * the backup was given when it was taken. */
static void
parse_backup_name (StippleBackupInfo *info)
{
  g_autofree char *base = g_path_get_basename (info->path);
  g_autoptr(GRegex) regex = g_regex_new ("^(.+?)-([0-9]{4})-([0-9]{2})-([0-9]{2})T"
                                         "([0-9]{2})([0-9]{2})([0-9]{2})-", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (!g_regex_match (regex, base, 0, &match))
    {
      info->kind = g_strdup ("");
      return;
    }
  info->kind = g_match_info_fetch (match, 1);
  {
    int v[6];

    for (int i = 0; i < 6; i++)
      {
        g_autofree char *part = g_match_info_fetch (match, i + 2);
        v[i] = atoi (part);
      }
    info->taken_at = g_date_time_new_utc (v[0], v[1], v[2], v[3], v[4], v[5]);
  }
}

static gboolean
read_counts (StippleStore       *store,
             StippleBackupInfo  *info,
             GError            **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->mutex);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!stipple_store_query_int (store->db, store->path, "SELECT count(*) FROM patient",
                                &info->n_patients, error) ||
      !stipple_store_query_int (store->db, store->path, "SELECT count(*) FROM session",
                                &info->n_sessions, error))
    return FALSE;
  rc = sqlite3_prepare_v2 (store->db, "SELECT max(started_at) FROM session", -1, &stmt, NULL);
  if (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW &&
      sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    info->last_session = stipple_store_parse_time ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return TRUE;
}

/**
 * stipple_store_describe_backup:
 * @backup: a backup file
 * @error: return location for a #GError
 *
 * Reads what @backup holds and verifies it, as a restore would: its
 * integrity, hash chain and seals, and the chain head written beside it.
 * The backup is only read.
 *
 * Returns: (transfer full): what it holds; %NULL with @error set only
 *   when it cannot be found at all. A backup that cannot be opened is
 *   described with #StippleBackupInfo.problem set.
 */
StippleBackupInfo *
stipple_store_describe_backup (const char  *backup,
                               GError     **error)
{
  g_autoptr(StippleBackupInfo) info = g_new0 (StippleBackupInfo, 1);
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;

  g_return_val_if_fail (backup != NULL, NULL);

  if (g_stat (backup, &st) != 0)
    {
      int saved_errno = errno;
      g_autofree char *name = g_filename_display_name (backup);

      if (saved_errno == ENOENT)
        g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                     _("The backup “%s” does not exist."), name);
      else
        stipple_store_set_errno_error (saved_errno, backup, error);
      return NULL;
    }
  info->path = g_strdup (backup);
  info->size = st.st_size;
  parse_backup_name (info);
  if (info->taken_at == NULL)
    info->taken_at = g_date_time_new_from_unix_utc (st.st_mtime);

  store = stipple_store_open_read_only (backup, &local_error);
  if (store != NULL && read_counts (store, info, &local_error))
    result = stipple_store_verify (store, 0, &local_error);
  if (store != NULL)
    stipple_store_close (store);
  if (result == NULL)
    {
      info->problem = g_strdup (local_error->message);
      return g_steal_pointer (&info);
    }

  info->head_id = result->head_id;
  info->head_hash = g_strdup (result->head_hash);
  if (result->breaks->len > 0)
    {
      const StippleVerifyBreak *b = g_ptr_array_index (result->breaks, 0);
      info->problem = g_strdup (b->message);
    }
  else
    info->problem = stipple_store_check_anchor (backup, result->head_id, result->head_hash);
  info->verified = info->problem == NULL;
  return g_steal_pointer (&info);
}

static gint
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const StippleBackupInfo *x = *(StippleBackupInfo * const *) a;
  const StippleBackupInfo *y = *(StippleBackupInfo * const *) b;

  return g_date_time_compare (y->taken_at, x->taken_at);
}

/**
 * stipple_store_describe_backups:
 * @path: a patient file
 *
 * Describes every backup in the folder beside @path; see
 * stipple_store_describe_backup().
 *
 * Returns: (transfer full) (element-type StippleBackupInfo): newest first
 */
GPtrArray *
stipple_store_describe_backups (const char *path)
{
  g_autoptr(GPtrArray) paths = NULL;
  GPtrArray *infos = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_backup_info_free);

  g_return_val_if_fail (path != NULL, infos);

  paths = stipple_store_list_backups (path);
  for (guint i = 0; i < paths->len; i++)
    {
      StippleBackupInfo *info = stipple_store_describe_backup (g_ptr_array_index (paths, i), NULL);

      if (info != NULL)
        g_ptr_array_add (infos, info);
    }
  g_ptr_array_sort (infos, compare_newest_first);
  return infos;
}

static char *
format_local_time (const char *stored)
{
  g_autoptr(GDateTime) time = stipple_store_parse_time (stored);
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup (stored);
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%x %H:%M");
}

static gboolean
has_table (sqlite3    *db,
           const char *schema,
           const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s.sqlite_master"
                                          " WHERE type = 'table' AND name = ?", schema);
  sqlite3_stmt *stmt = NULL;
  gboolean found;

  found = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return found;
}

/* Needle data thinned after the backup: the restored file still names
 * the full-rate archives the thinning removed, so that needle data can be
 * read only through the file kept aside (docs/patient-file.md). */
static void
note_thinned_since (sqlite3            *db,
                    StippleRestoreLoss *loss)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0;

  if (!has_table (db, "main", "needle_thinning"))
    return;
  if (sqlite3_prepare_v2 (db,
                          has_table (db, "bk", "needle_thinning")
                          ? "SELECT count(*) FROM main.needle_thinning t"
                            " JOIN main.session s ON s.id = t.session_id"
                            " WHERE s.uid NOT IN (SELECT b.uid FROM bk.needle_thinning bt"
                            "                     JOIN bk.session b ON b.id = bt.session_id)"
                          : "SELECT count(*) FROM main.needle_thinning", -1, &stmt,
                          NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (n > 0)
    g_ptr_array_add (loss->lines,
                     g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                   "The needle data of %" PRId64 " session, "
                                                   "thinned to the per-stroke record after the "
                                                   "backup: the restored file cannot read it",
                                                   "The needle data of %" PRId64 " sessions, "
                                                   "thinned to the per-stroke record after the "
                                                   "backup: the restored file cannot read it",
                                                   (gulong) n),
                                      n));
}

/**
 * stipple_store_restore_loss:
 * @path: the patient file a restore would replace
 * @backup: the backup it would be replaced with
 *
 * Lists what the patient file holds that @backup does not, matched by
 * each record's uid: the patients and sessions added after the backup,
 * the audit rows written since, and the sessions whose needle data was
 * thinned since. Both files are only read. A damaged
 * patient file may not be readable at all: then
 * #StippleRestoreLoss.compared is %FALSE and the lines say so.
 *
 * Returns: (transfer full): what a restore would set aside
 */
StippleRestoreLoss *
stipple_store_restore_loss (const char *path,
                            const char *backup)
{
  StippleRestoreLoss *loss = g_new0 (StippleRestoreLoss, 1);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  loss->lines = g_ptr_array_new_with_free_func (g_free);
  g_return_val_if_fail (path != NULL && backup != NULL, loss);

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 2000);
      rc = sqlite3_prepare_v2 (db, "ATTACH DATABASE ? AS bk", -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, backup, -1, SQLITE_STATIC);
          rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
        }
      g_clear_pointer (&stmt, sqlite3_finalize);
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db,
                             "SELECT given_name || ' ' || family_name, record_number"
                             " FROM main.patient WHERE uid NOT IN (SELECT uid FROM bk.patient)"
                             " ORDER BY id", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      loss->n_patients++;
      g_ptr_array_add (loss->lines,
                       g_strdup_printf (_("Patient %s (record number %s), added after the backup"),
                                        (const char *) sqlite3_column_text (stmt, 0),
                                        (const char *) sqlite3_column_text (stmt, 1)));
      rc = SQLITE_OK;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (rc == SQLITE_DONE)
    rc = sqlite3_prepare_v2 (db,
                             "SELECT s.started_at, p.given_name || ' ' || p.family_name,"
                             " p.record_number FROM main.session s"
                             " JOIN main.patient p ON p.id = s.patient_id"
                             " WHERE s.uid NOT IN (SELECT uid FROM bk.session)"
                             " ORDER BY s.started_at", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *when = format_local_time ((const char *) sqlite3_column_text (stmt, 0));

      loss->n_sessions++;
      g_ptr_array_add (loss->lines,
                       g_strdup_printf (_("The session of %s (record number %s) started %s"),
                                        (const char *) sqlite3_column_text (stmt, 1),
                                        (const char *) sqlite3_column_text (stmt, 2), when));
      rc = SQLITE_OK;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (rc == SQLITE_DONE)
    rc = sqlite3_prepare_v2 (db,
                             "SELECT count(*) FROM main.audit"
                             " WHERE uid NOT IN (SELECT uid FROM bk.audit)", -1, &stmt, NULL);
  if (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    {
      loss->n_audit_rows = sqlite3_column_int64 (stmt, 0);
      if (loss->n_audit_rows > 0)
        g_ptr_array_add (loss->lines,
                         g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "%" PRId64 " audit row written after the backup",
                                                       "%" PRId64 " audit rows written after the backup",
                                                       (gulong) loss->n_audit_rows),
                                          loss->n_audit_rows));
      ok = TRUE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (ok)
    note_thinned_since (db, loss);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);

  loss->compared = ok;
  if (!ok)
    {
      g_ptr_array_set_size (loss->lines, 0);
      loss->n_patients = loss->n_sessions = loss->n_audit_rows = 0;
      g_ptr_array_add (loss->lines,
                       g_strdup (_("The patient file cannot be read, so what it holds beyond the "
                                   "backup cannot be listed. It is kept aside, whole, in the "
                                   "backup folder.")));
    }
  return loss;
}
