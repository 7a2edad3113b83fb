/* stipple-store-thin.c
 *
 * Retention: the needle data of sessions older than the clinic keeps at
 * full rate is thinned to its strokes (encoding 3 of
 * stipple-telemetry-codec.c). For each full-rate archive holding such
 * sessions, a new archive "<period>-strokes.sqlite" is written, synced,
 * read back and recorded in the patient file with each session's thinned
 * hash (needle_thinning) and an audit row of the kind 'thin'; the
 * full-rate archive goes once none of its sessions needs it. The seals
 * still verify: the patient file keeps the hash of the full-rate data
 * each covers (needle_session). docs/patient-file.md, "Retention".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "stipple-store-archive-private.h"
#include "stipple-telemetry-codec.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static gboolean
sql_fail (sqlite3     *db,
          const char  *path,
          GError     **error)
{
  stipple_store_set_sqlite_error (db, sqlite3_errcode (db), path, error);
  return FALSE;
}

/* Reads a session's full-rate blocks from its archive, checked against
 * the hash kept for it, and makes their encoding-3 counterparts: one
 * block for each, with the same place in the session (seq_first,
 * start_us, end_us), holding the samples the stroke analyser needs. */
static gboolean
thin_session (sqlite3_stmt   *read,
              gint64          session_id,
              const guint8    kept[32],
              GPtrArray      *thinned,
              StippleArchiveSession    *hash)
{
  g_autoptr(GPtrArray) blocks =
    g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_needle_block_free);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (StippleProtoSample));
  g_autoptr(GArray) lengths = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) thinned_lengths = NULL;
  g_autoptr(GPtrArray) data = NULL;
  guint8 sha256[32];

  if (!stipple_archive_read_session_blocks (read, session_id, blocks) || blocks->len == 0)
    return FALSE;
  stipple_archive_blocks_part (blocks, sha256);
  if (memcmp (sha256, kept, 32) != 0)
    return FALSE;

  for (guint i = 0; i < blocks->len; i++)
    {
      const StippleNeedleBlock *block = g_ptr_array_index (blocks, i);
      guint first = samples->len;

      if (block->n_samples == 0 || block->n_samples > STIPPLE_STORE_TELEMETRY_BLOCK)
        return FALSE;
      g_array_set_size (samples, first + block->n_samples);
      if (!stipple_telemetry_decode (block->encoding, block->data, block->n_samples,
                                     &g_array_index (samples, StippleProtoSample, first), NULL))
        return FALSE;
      g_array_append_val (lengths, block->n_samples);
    }

  data = stipple_telemetry_thin ((const StippleProtoSample *) samples->data, samples->len,
                                 (const guint *) lengths->data, lengths->len, &thinned_lengths);
  if (data == NULL || data->len != blocks->len || thinned_lengths->len != blocks->len)
    return FALSE;

  memset (hash, 0, sizeof *hash);
  hash->session_id = session_id;
  for (guint i = 0; i < blocks->len; i++)
    {
      const StippleNeedleBlock *full = g_ptr_array_index (blocks, i);
      StippleNeedleBlock *block = g_new0 (StippleNeedleBlock, 1);

      block->seq_first = full->seq_first;
      block->start_us = full->start_us;
      block->end_us = full->end_us;
      block->n_samples = g_array_index (thinned_lengths, guint, i);
      block->encoding = STIPPLE_TELEMETRY_ENCODING_STROKES;
      block->data = g_bytes_ref (g_ptr_array_index (data, i));
      g_ptr_array_add (thinned, block);
      hash->n_blocks++;
      hash->n_samples += block->n_samples;
    }
  return TRUE;
}

/* Records the thinned archive and each session's thinning, with the
 * audit row that says what was thinned and when, in one transaction. */
static gboolean
record_thinning (StippleStore  *self,
                 const char    *period,
                 const char    *old_name,
                 const char    *file_name,
                 const char    *sha256,
                 const char    *before,
                 GArray        *sessions,
                 GError       **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *at = stipple_store_format_time (now);
  g_autofree char *detail = NULL;
  g_autoptr(StippleStmt) insert = NULL;
  gint64 archive_id, n_blocks = 0;

  for (guint i = 0; i < sessions->len; i++)
    n_blocks += g_array_index (sessions, StippleArchiveSession, i).n_blocks;
  if (!stipple_store_begin (self, error))
    return FALSE;
  if (!stipple_archive_insert_row (self, period, file_name, sha256, n_blocks, at, &archive_id, error))
    goto fail;
  insert = stipple_store_prepare (self,
                                  "INSERT INTO needle_thinning (session_id, archive_id, n_blocks,"
                                  " n_samples, sha256, thinned_at) VALUES (?, ?, ?, ?, ?, ?)", error);
  if (insert == NULL)
    goto fail;
  for (guint i = 0; i < sessions->len; i++)
    {
      const StippleArchiveSession *h = &g_array_index (sessions, StippleArchiveSession, i);

      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, h->session_id);
      sqlite3_bind_int64 (insert, 2, archive_id);
      sqlite3_bind_int64 (insert, 3, h->n_blocks);
      sqlite3_bind_int64 (insert, 4, h->n_samples);
      sqlite3_bind_blob (insert, 5, h->sha256, 32, SQLITE_STATIC);
      sqlite3_bind_text (insert, 6, at, -1, SQLITE_STATIC);
      if (!stipple_store_step_done (self, insert, error))
        goto fail;
    }
  detail = g_strdup_printf ("full-rate=%s sessions=%u kept-before=%s strokes=%s sha256=%s",
                            old_name, sessions->len, before, file_name, sha256);
  if (!stipple_store_chain_event (self, "thin", detail, error) ||
      !stipple_store_commit (self, error))
    goto fail;
  return TRUE;

fail:
  stipple_store_rollback (self);
  return FALSE;
}

/* Thins the sessions of one full-rate archive that began before @before;
 * the archive goes once none of its sessions is left at full rate. */
static gboolean
thin_archive (StippleStore  *self,
              gint64         archive_id,
              const char    *old_name,
              const char    *before,
              guint         *n_thinned,
              GError       **error)
{
  g_autoptr(GArray) sessions = g_array_new (FALSE, FALSE, sizeof (StippleArchiveSession));
  g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (StippleArchiveSession));
  g_autofree char *dir = stipple_store_archive_dir (self->path);
  g_autofree char *old_archive = g_build_filename (dir, old_name, NULL);
  g_autofree char *period = stipple_archive_period (old_name);
  g_autofree char *file_name = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(sqlite3_stmt) read = NULL;
  g_autoptr(StippleArchiveWriter) w = NULL;
  gint64 left = 0;
  sqlite3 *db;

  {
    g_autoptr(StippleStore) reader = stipple_store_open_reader (self, error);
    g_autoptr(GMutexLocker) locker = NULL;
    g_autoptr(StippleStmt) stmt = NULL;
    int rc;

    if (reader == NULL)
      return FALSE;
    locker = g_mutex_locker_new (&reader->mutex);
    stmt = stipple_store_prepare (reader,
                                  "SELECT n.session_id, n.sha256 FROM needle_session n"
                                  " JOIN session s ON s.id = n.session_id"
                                  " WHERE n.archive_id = ? AND substr (s.started_at, 1, 10) < ?"
                                  " AND NOT EXISTS (SELECT 1 FROM needle_thinning t"
                                  "                 WHERE t.session_id = n.session_id)"
                                  " AND NOT EXISTS (SELECT 1 FROM telemetry_block b"
                                  "                 WHERE b.session_id = n.session_id)"
                                  " ORDER BY n.session_id", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, archive_id);
    sqlite3_bind_text (stmt, 2, before, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        StippleArchiveSession h = { sqlite3_column_int64 (stmt, 0), };

        if (sqlite3_column_bytes (stmt, 1) == 32)
          memcpy (h.sha256, sqlite3_column_blob (stmt, 1), 32);
        g_array_append_val (kept, h);
      }
    if (rc != SQLITE_DONE)
      return sql_fail (reader->db, reader->path, error);
  }
  if (kept->len == 0)
    return TRUE;

  if (!g_file_test (old_archive, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *since =
        stipple_archive_thinned_since (dir, period,
                                       g_array_index (kept, StippleArchiveSession, 0).session_id);

      /* Thinned already, by the patient file this one replaced when it
       * was restored from a backup: nothing is left here to thin, and
       * verifying says so. */
      if (since != NULL)
        return TRUE;
      stipple_archive_set_error (error, TRUE, period, old_archive,
                                 g_array_index (kept, StippleArchiveSession, 0).session_id);
      return FALSE;
    }
  file_name = stipple_archive_free_name (dir, period, "-strokes");
  archive = g_build_filename (dir, file_name, NULL);
  w = stipple_archive_writer_new (archive, period, self->path, "strokes", error);
  if (w == NULL)
    return FALSE;
  db = stipple_archive_open_read_only (old_archive, NULL);
  if (db == NULL || sqlite3_prepare_v2 (db, stipple_archive_blocks_sql, -1, &read, NULL) != SQLITE_OK)
    {
      sqlite3_close (db);
      stipple_archive_set_error (error, FALSE, period, old_archive, 0);
      return FALSE;
    }
  for (guint i = 0; i < kept->len; i++)
    {
      const StippleArchiveSession *full = &g_array_index (kept, StippleArchiveSession, i);
      g_autoptr(GPtrArray) thinned =
        g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_needle_block_free);
      StippleArchiveSession h;

      if (!thin_session (read, full->session_id, full->sha256, thinned, &h))
        {
          g_clear_pointer (&read, sqlite3_finalize);
          sqlite3_close (db);
          stipple_archive_set_error (error, FALSE, period, old_archive, 0);
          return FALSE;
        }
      stipple_archive_blocks_part (thinned, h.sha256);
      for (guint b = 0; b < thinned->len; b++)
        if (!stipple_archive_writer_add (w, h.session_id, g_ptr_array_index (thinned, b), error))
          {
            g_clear_pointer (&read, sqlite3_finalize);
            sqlite3_close (db);
            return FALSE;
          }
      g_array_append_val (sessions, h);
    }
  g_clear_pointer (&read, sqlite3_finalize);
  sqlite3_close (db);

  if (!stipple_archive_writer_finish (w, error))
    return FALSE;
  if (!stipple_archive_check (archive, sessions, error) ||
      (sha256 = stipple_archive_file_sha256 (archive, error)) == NULL)
    {
      g_unlink (archive);
      return FALSE;
    }

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
    g_autofree char *sql = NULL;

    if (!stipple_store_check_open (self, error) ||
        !record_thinning (self, period, old_name, file_name, sha256, before, sessions, error))
      {
        g_unlink (archive);
        return FALSE;
      }
    sql = g_strdup_printf ("SELECT count(*) FROM needle_session n WHERE n.archive_id = %"
                           G_GINT64_FORMAT " AND NOT EXISTS (SELECT 1 FROM needle_thinning t"
                           " WHERE t.session_id = n.session_id)", archive_id);
    if (!stipple_store_query_int (self->db, self->path, sql, &left, error))
      return FALSE;
  }
  /* Nothing needs the full-rate archive any more: the thinning, its
   * hashes and the audit row are committed. */
  if (left == 0)
    {
      g_unlink (old_archive);
      stipple_store_sync_folder_of (old_archive);
    }
  if (n_thinned != NULL)
    *n_thinned += sessions->len;
  return TRUE;
}

/* A full-rate archive whose every session is thinned goes once the
 * thinning is committed; one left behind (Stipple stopped in between)
 * goes here, on the next run. */
static void
remove_spent_archives (StippleStore *self)
{
  g_autoptr(StippleStore) reader = stipple_store_open_reader (self, NULL);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  g_autofree char *dir = stipple_store_archive_dir (self->path);

  if (reader == NULL)
    return;
  locker = g_mutex_locker_new (&reader->mutex);
  stmt = stipple_store_prepare (reader,
                                "SELECT a.file_name FROM needle_archive a"
                                " WHERE EXISTS (SELECT 1 FROM needle_session n"
                                "               WHERE n.archive_id = a.id)"
                                " AND NOT EXISTS (SELECT 1 FROM needle_session n"
                                "                 WHERE n.archive_id = a.id AND NOT EXISTS"
                                "                 (SELECT 1 FROM needle_thinning t"
                                "                  WHERE t.session_id = n.session_id))", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *archive = g_build_filename (dir, sqlite3_column_text (stmt, 0), NULL);

      if (g_unlink (archive) == 0)
        stipple_store_sync_folder_of (archive);
    }
}

static gboolean
check_day (const char  *day,
           GError     **error)
{
  int year, mon, d;
  char end;

  if (day == NULL || strlen (day) != 10 || sscanf (day, "%4d-%2d-%2d%c", &year, &mon, &d, &end) != 3 ||
      day[4] != '-' || day[7] != '-' || !g_date_valid_dmy (d, mon, year))
    return stipple_store_invalid (error, _("“%s” is not a day (YYYY-MM-DD)."), day ? day : "");
  return TRUE;
}

static gboolean
thin_run (StippleStore  *self,
          const char    *before,
          guint         *n_thinned,
          GError       **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) first = NULL;

  if (n_thinned != NULL)
    *n_thinned = 0;
  if (!check_day (before, error))
    return FALSE;
  if (self->version < 10)
    return TRUE;

  {
    g_autoptr(StippleStore) reader = stipple_store_open_reader (self, error);
    g_autoptr(GMutexLocker) locker = NULL;
    g_autoptr(StippleStmt) stmt = NULL;
    int rc;

    if (reader == NULL)
      return FALSE;
    locker = g_mutex_locker_new (&reader->mutex);
    stmt = stipple_store_prepare (reader,
                                  "SELECT DISTINCT a.id, a.file_name FROM needle_archive a"
                                  " JOIN needle_session n ON n.archive_id = a.id"
                                  " JOIN session s ON s.id = n.session_id"
                                  " WHERE substr (s.started_at, 1, 10) < ?"
                                  " AND NOT EXISTS (SELECT 1 FROM needle_thinning t"
                                  "                 WHERE t.session_id = n.session_id)"
                                  " ORDER BY a.id", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_text (stmt, 1, before, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);

        g_array_append_val (ids, id);
        g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
      }
    if (rc != SQLITE_DONE)
      return sql_fail (reader->db, reader->path, error);
  }

  /* One archive that cannot be thinned (missing, changed) does not hold
   * back the others: each is thinned that can be, and the first failure
   * is reported. */
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) failed = NULL;

      if (!thin_archive (self, g_array_index (ids, gint64, i), g_ptr_array_index (names, i),
                         before, n_thinned, &failed) && first == NULL)
        first = g_steal_pointer (&failed);
    }
  remove_spent_archives (self);
  if (first != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  return TRUE;
}

/**
 * stipple_store_thin_needle_data:
 * @self: a store
 * @before: a day, "YYYY-MM-DD" (UTC): sessions begun before it are thinned
 * @n_thinned: (out) (optional): how many sessions were thinned
 * @error: return location for a #GError
 *
 * Thins the archived needle data of the sessions begun before @before to
 * the per-stroke record (encoding 3, docs/patient-file.md): for each
 * full-rate archive, a new archive "<period>-strokes.sqlite" is written,
 * synced and read back, and recorded in the patient file with each
 * session's thinned hash and an audit row of the kind 'thin'; then the
 * full-rate archive is removed once none of its sessions needs it. Each
 * seal still holds: the patient file keeps the hash of the full-rate
 * data it covers. Needle data still in the patient file is not thinned.
 *
 * Returns: whether every such session is thinned
 */
gboolean
stipple_store_thin_needle_data (StippleStore  *self,
                                const char    *before,
                                guint         *n_thinned,
                                GError       **error)
{
  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);

  return thin_run (self, before, n_thinned, error);
}

static gpointer
thin_job (StippleStore  *self,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  guint n = 0;

  if (!thin_run (self, data, &n, error))
    return NULL;
  return g_memdup2 (&n, sizeof n);
}

/**
 * stipple_store_thin_needle_data_async:
 * @self: a store
 * @before: a day, "YYYY-MM-DD"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * As stipple_store_thin_needle_data(), on the store's long lane.
 */
void
stipple_store_thin_needle_data_async (StippleStore        *self,
                                      const char          *before,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));

  stipple_store_run_async (self, STIPPLE_STORE_LANE_LONG, thin_job, g_strdup (before), g_free,
                           g_free, cancellable, callback, user_data,
                           stipple_store_thin_needle_data_async);
}

/**
 * stipple_store_thin_needle_data_finish:
 * @self: a store
 * @result: the result given to the callback
 * @n_thinned: (out) (optional): how many sessions were thinned
 * @error: return location for a #GError
 *
 * Returns: whether the needle data is thinned
 */
gboolean
stipple_store_thin_needle_data_finish (StippleStore  *self,
                                       GAsyncResult  *result,
                                       guint         *n_thinned,
                                       GError       **error)
{
  g_autofree guint *n = stipple_store_run_finish (self, result, error);

  if (n_thinned != NULL)
    *n_thinned = n != NULL ? *n : 0;
  return n != NULL;
}

/**
 * stipple_store_retention_cutoff:
 * @months: how many months full-rate needle data is kept; 0 for ever
 *
 * Returns: (transfer full) (nullable): the day ("YYYY-MM-DD", UTC) before
 *   which needle data is thinned, @months before today, or %NULL for 0
 */
char *
stipple_store_retention_cutoff (guint months)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = NULL;

  if (months == 0)
    return NULL;
  then = g_date_time_add_months (now, -(int) MIN (months, 1200));
  return g_date_time_format (then, "%Y-%m-%d");
}
