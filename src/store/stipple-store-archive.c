/* stipple-store-archive.c
 *
 * Needle archives. The needle data of a closed month moves from the
 * patient file to a SQLite file of its own beside it,
 * <folder>/<patient file>.needle/<YYYY-MM>.sqlite, written once and
 * never changed. The patient file keeps, for every block moved, the
 * block's seal line and the SHA-256 of its data (needle_block), and the
 * archive's name and SHA-256 (needle_archive), so that seals and the
 * chain still verify without the archive. Opening a patient file never
 * opens an archive: only reading a session's needle data and the check
 * of the whole file do. docs/patient-file.md says how an auditor checks
 * an archive block with sqlite3 and sha256sum.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "stipple-store-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* The archive file's own format, in its PRAGMA user_version. */
#define ARCHIVE_FORMAT 1

static const char archive_schema[] =
  "PRAGMA journal_mode = OFF;"
  "PRAGMA synchronous = OFF;"
  "CREATE TABLE needle_archive_info ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE telemetry_block ("
  "  session_id INTEGER NOT NULL,"
  "  seq_first INTEGER NOT NULL CHECK (seq_first >= 0),"
  "  n_samples INTEGER NOT NULL CHECK (n_samples > 0),"
  "  start_us INTEGER NOT NULL,"
  "  end_us INTEGER NOT NULL,"
  "  encoding INTEGER NOT NULL,"
  "  data BLOB NOT NULL,"
  "  PRIMARY KEY (session_id, seq_first)"
  ");";

typedef struct
{
  gint64 session_id;
  gint64 seq_first;
  gint64 n_samples;
  gint64 start_us;
  gint64 end_us;
  gint64 encoding;
  guint8 sha256[32];
} BlockHash;

void
stipple_needle_block_free (StippleNeedleBlock *block)
{
  g_clear_pointer (&block->data, g_bytes_unref);
  g_free (block);
}

/**
 * stipple_store_archive_dir:
 * @path: a patient file
 *
 * Returns: (transfer full): the folder of its needle archives
 */
char *
stipple_store_archive_dir (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_strconcat (base, ".needle", NULL);

  return g_build_filename (folder, name, NULL);
}

/**
 * stipple_store_get_archive_dir:
 * @path: a patient file
 *
 * Returns: (transfer full): the folder that holds its needle archives,
 *   "<patient file>.needle" beside it
 */
char *
stipple_store_get_archive_dir (const char *path)
{
  return stipple_store_archive_dir (path);
}

/* The SHA-256 of a block's data as the seal hashes it: of its upper-case
 * hex, so that `sqlite3 … "SELECT hex(data) …" | sha256sum` gives it. */
static void
block_digest (const guint8 *data,
              gsize         len,
              guint8        digest[32])
{
  static const char digits[] = "0123456789ABCDEF";
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  char hex[512];
  gsize digest_len = 32;

  for (gsize i = 0; i < len; )
    {
      gsize n = 0;

      for (; i < len && n < sizeof hex; i++)
        {
          hex[n++] = digits[data[i] >> 4];
          hex[n++] = digits[data[i] & 0xf];
        }
      g_checksum_update (sum, (const guchar *) hex, n);
    }
  g_checksum_get_digest (sum, digest, &digest_len);
}

static char *
file_sha256 (const char  *path,
             GError     **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buffer = g_malloc (1 << 20);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gssize n;

  if (fd < 0)
    {
      stipple_store_set_errno_error (errno, path, error);
      return NULL;
    }
  while ((n = read (fd, buffer, 1 << 20)) > 0)
    g_checksum_update (sum, buffer, n);
  if (n < 0)
    {
      int saved = errno;

      close (fd);
      stipple_store_set_errno_error (saved, path, error);
      return NULL;
    }
  close (fd);
  return g_strdup (g_checksum_get_string (sum));
}

/* "March 2026", in the interface's language. */
static char *
month_words (const char *month)
{
  int year = 0, mon = 0;
  g_autoptr(GDateTime) t = NULL;

  if (month == NULL || sscanf (month, "%d-%d", &year, &mon) != 2 ||
      (t = g_date_time_new_utc (year, mon, 1, 0, 0, 0)) == NULL)
    return g_strdup (month ? month : "?");
  return g_date_time_format (t, "%OB %Y");
}

static gboolean
sql_fail (sqlite3     *db,
          const char  *path,
          GError     **error)
{
  stipple_store_set_sqlite_error (db, sqlite3_errcode (db), path, error);
  return FALSE;
}

static sqlite3 *
open_archive_read_only (const char  *path,
                        GError     **error)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      sql_fail (db, path, error);
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

/* Writes @blocks' data, read from the patient file, to a new archive at
 * @archive: through a temporary name, on disk before it is renamed. */
static gboolean
write_archive (StippleStore  *self,
               const char    *month,
               const char    *archive,
               GArray        *hashes,
               GError       **error)
{
  g_autofree char *partial = g_strconcat (archive, ".part", NULL);
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autofree char *patient_file = g_path_get_basename (self->path);
  g_autofree char *info = NULL;
  sqlite3 *db = NULL;
  int fd, rc;

  g_unlink (partial);
  fd = open (partial, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      stipple_store_set_errno_error (errno, partial, error);
      return FALSE;
    }
  close (fd);

  if (sqlite3_open_v2 (partial, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    goto fail_db;
  info = sqlite3_mprintf ("PRAGMA application_id = %d; PRAGMA user_version = %d;"
                          "INSERT INTO needle_archive_info VALUES ('month', %Q),"
                          " ('patient-file', %Q);",
                          STIPPLE_STORE_APPLICATION_ID, ARCHIVE_FORMAT, month, patient_file);
  if (sqlite3_exec (db, archive_schema, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec (db, info, NULL, NULL, NULL) != SQLITE_OK)
    {
      sqlite3_free (g_steal_pointer (&info));
      goto fail_db;
    }
  sqlite3_free (g_steal_pointer (&info));
  if (sqlite3_prepare_v2 (db, "INSERT INTO telemetry_block VALUES (?, ?, ?, ?, ?, ?, ?)", -1,
                          &insert, NULL) != SQLITE_OK)
    goto fail_db;

  select = stipple_store_prepare (self,
                                  "SELECT b.session_id, b.seq_first, b.n_samples, b.start_us,"
                                  " b.end_us, b.encoding, b.data FROM telemetry_block b"
                                  " JOIN session s ON s.id = b.session_id"
                                  " WHERE substr (s.started_at, 1, 7) = ?"
                                  " ORDER BY b.session_id, b.seq_first", error);
  if (select == NULL)
    goto fail;
  sqlite3_bind_text (select, 1, month, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      BlockHash h = { 0, };
      const void *blob = sqlite3_column_blob (select, 6);
      int len = sqlite3_column_bytes (select, 6);

      h.session_id = sqlite3_column_int64 (select, 0);
      h.seq_first = sqlite3_column_int64 (select, 1);
      h.n_samples = sqlite3_column_int64 (select, 2);
      h.start_us = sqlite3_column_int64 (select, 3);
      h.end_us = sqlite3_column_int64 (select, 4);
      h.encoding = sqlite3_column_int64 (select, 5);
      block_digest (blob, len, h.sha256);
      g_array_append_val (hashes, h);

      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, h.session_id);
      sqlite3_bind_int64 (insert, 2, h.seq_first);
      sqlite3_bind_int64 (insert, 3, h.n_samples);
      sqlite3_bind_int64 (insert, 4, h.start_us);
      sqlite3_bind_int64 (insert, 5, h.end_us);
      sqlite3_bind_int64 (insert, 6, h.encoding);
      sqlite3_bind_blob (insert, 7, blob, len, SQLITE_STATIC);
      if (sqlite3_step (insert) != SQLITE_DONE)
        goto fail_db;
    }
  g_clear_pointer (&select, stipple_stmt_release);
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      goto fail;
    }
  g_clear_pointer (&insert, sqlite3_finalize);
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    goto fail_db;
  sqlite3_close (g_steal_pointer (&db));

  fd = open (partial, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fsync (fd) != 0)
    {
      stipple_store_set_errno_error (errno, partial, error);
      if (fd >= 0)
        close (fd);
      goto fail;
    }
  close (fd);
  if (g_rename (partial, archive) != 0)
    {
      stipple_store_set_errno_error (errno, archive, error);
      goto fail;
    }
  stipple_store_sync_folder_of (archive);
  return TRUE;

fail_db:
  sql_fail (db, partial, error);
fail:
  g_clear_pointer (&select, stipple_stmt_release);
  g_clear_pointer (&insert, sqlite3_finalize);
  if (db != NULL)
    sqlite3_close (db);
  g_unlink (partial);
  return FALSE;
}

/* Reads the archive back and checks each block against its hash. */
static gboolean
check_archive (const char  *archive,
               GArray      *hashes,
               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db = open_archive_read_only (archive, error);
  guint i = 0;
  int rc;

  if (db == NULL)
    return FALSE;
  if (sqlite3_prepare_v2 (db, "SELECT session_id, seq_first, data FROM telemetry_block"
                          " ORDER BY session_id, seq_first", -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_fail (db, archive, error);
      sqlite3_close (db);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint8 digest[32];
      const BlockHash *h = i < hashes->len ? &g_array_index (hashes, BlockHash, i) : NULL;

      block_digest (sqlite3_column_blob (stmt, 2), sqlite3_column_bytes (stmt, 2), digest);
      if (h == NULL || h->session_id != sqlite3_column_int64 (stmt, 0) ||
          h->seq_first != sqlite3_column_int64 (stmt, 1) || memcmp (digest, h->sha256, 32) != 0)
        break;
      i++;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_close (db);
  if (i != hashes->len || (rc != SQLITE_DONE && rc != SQLITE_ROW))
    {
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_IO,
                   _("The needle archive “%s” does not read back as it was written; "
                     "the needle data stays in the patient file."), archive);
      return FALSE;
    }
  return TRUE;
}

/* Records the archive and its blocks' hashes, removes the blocks from
 * the patient file and appends the audit row, in one transaction. */
static gboolean
record_archive (StippleStore  *self,
                const char    *month,
                const char    *file_name,
                const char    *sha256,
                GArray        *hashes,
                GError       **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *at = stipple_store_format_time (now);
  g_autofree char *detail = NULL;
  g_autoptr(StippleStmt) insert = NULL;
  g_autoptr(StippleStmt) block = NULL;
  g_autoptr(StippleStmt) remove = NULL;
  gint64 archive_id;

  if (!stipple_store_begin (self, error))
    return FALSE;
  insert = stipple_store_prepare (self,
                                  "INSERT INTO needle_archive (month, file_name, n_blocks, sha256,"
                                  " archived_at) VALUES (?, ?, ?, ?, ?)", error);
  if (insert == NULL)
    goto fail;
  sqlite3_bind_text (insert, 1, month, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 2, file_name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 3, hashes->len);
  sqlite3_bind_text (insert, 4, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 5, at, -1, SQLITE_STATIC);
  if (!stipple_store_step_done (self, insert, error))
    goto fail;
  archive_id = sqlite3_last_insert_rowid (self->db);

  block = stipple_store_prepare (self,
                                 "INSERT INTO needle_block (session_id, seq_first, n_samples,"
                                 " start_us, end_us, encoding, sha256, archive_id)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  remove = stipple_store_prepare (self,
                                  "DELETE FROM telemetry_block WHERE session_id = ? AND seq_first = ?",
                                  error);
  if (block == NULL || remove == NULL)
    goto fail;
  for (guint i = 0; i < hashes->len; i++)
    {
      const BlockHash *h = &g_array_index (hashes, BlockHash, i);

      sqlite3_reset (block);
      sqlite3_bind_int64 (block, 1, h->session_id);
      sqlite3_bind_int64 (block, 2, h->seq_first);
      sqlite3_bind_int64 (block, 3, h->n_samples);
      sqlite3_bind_int64 (block, 4, h->start_us);
      sqlite3_bind_int64 (block, 5, h->end_us);
      sqlite3_bind_int64 (block, 6, h->encoding);
      sqlite3_bind_blob (block, 7, h->sha256, 32, SQLITE_STATIC);
      sqlite3_bind_int64 (block, 8, archive_id);
      if (!stipple_store_step_done (self, block, error))
        goto fail;
      sqlite3_reset (remove);
      sqlite3_bind_int64 (remove, 1, h->session_id);
      sqlite3_bind_int64 (remove, 2, h->seq_first);
      if (!stipple_store_step_done (self, remove, error))
        goto fail;
    }

  detail = g_strdup_printf ("month=%s blocks=%u archive=%s sha256=%s",
                            month, hashes->len, file_name, sha256);
  if (!stipple_store_chain_event (self, "archive", detail, error) ||
      !stipple_store_commit (self, error))
    goto fail;
  return TRUE;

fail:
  stipple_store_rollback (self);
  return FALSE;
}

static gboolean
check_month (const char  *month,
             GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *current = g_date_time_format (now, "%Y-%m");
  int year, mon;

  if (month == NULL || strlen (month) != 7 || sscanf (month, "%4d-%2d", &year, &mon) != 2 ||
      mon < 1 || mon > 12)
    return stipple_store_invalid (error, _("“%s” is not a month (YYYY-MM)."),
                                  month ? month : "");
  if (strcmp (month, current) >= 0)
    {
      g_autofree char *words = month_words (month);

      return stipple_store_invalid (error, _("The needle data of %s cannot be archived "
                                             "before the month has ended."), words);
    }
  return TRUE;
}

/* Called with no lock held, once the needle data queued has been
 * written: the blocks are read and the archive written through a
 * connection of its own (in WAL mode it never holds up the writer), and
 * the store's connection is taken only for the closing transaction.
 * Blocks are append-only, so those read are still there then; any added
 * since stay in the patient file for the next archive. */
static gboolean
archive_month_run (StippleStore  *self,
                   const char    *month,
                   guint         *n_archived,
                   GError       **error)
{
  g_autoptr(GArray) hashes = g_array_new (FALSE, FALSE, sizeof (BlockHash));
  g_autofree char *dir = stipple_store_archive_dir (self->path);
  g_autofree char *file_name = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(StippleStore) reader = NULL;
  gint64 n_blocks = 0;
  char *count;
  gboolean ok;

  if (n_archived != NULL)
    *n_archived = 0;
  if (!check_month (month, error))
    return FALSE;
  reader = stipple_store_open_reader (self, error);
  if (reader == NULL)
    return FALSE;

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&reader->mutex);

    count = sqlite3_mprintf ("SELECT count(*) FROM telemetry_block b JOIN session s"
                             " ON s.id = b.session_id WHERE substr (s.started_at, 1, 7) = %Q",
                             month);
    ok = stipple_store_query_int (reader->db, reader->path, count, &n_blocks, error);
    sqlite3_free (count);
    if (!ok)
      return FALSE;
    if (n_blocks == 0)
      return TRUE;

    if (g_mkdir_with_parents (dir, 0700) != 0)
      {
        stipple_store_set_errno_error (errno, dir, error);
        return FALSE;
      }
    /* An archive is never written again: a month archived a second time
     * (needle data imported since) takes the next free name. */
    for (guint i = 1; archive == NULL || g_file_test (archive, G_FILE_TEST_EXISTS); i++)
      {
        g_free (file_name);
        g_free (archive);
        file_name = i == 1 ? g_strdup_printf ("%s.sqlite", month)
                           : g_strdup_printf ("%s-%u.sqlite", month, i);
        archive = g_build_filename (dir, file_name, NULL);
      }
    if (!write_archive (reader, month, archive, hashes, error))
      return FALSE;
  }

  if (!check_archive (archive, hashes, error) ||
      (sha256 = file_sha256 (archive, error)) == NULL)
    {
      g_unlink (archive);
      return FALSE;
    }

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

    if (!stipple_store_check_open (self, error) ||
        !record_archive (self, month, file_name, sha256, hashes, error))
      {
        g_unlink (archive);
        return FALSE;
      }
  }
  if (n_archived != NULL)
    *n_archived = hashes->len;
  return TRUE;
}

/**
 * stipple_store_archive_month:
 * @self: a store
 * @month: a month that has ended, "YYYY-MM" (UTC, as the file keeps times)
 * @n_archived: (out) (optional): how many blocks were moved
 * @error: return location for a #GError
 *
 * Moves the needle data of the sessions that started in @month to the
 * month's needle archive beside the patient file: the blocks are copied,
 * the archive is synced and read back, each block checked against its
 * hash, and only then are they removed from the patient file, in one
 * transaction with the audit row that records the archive (month, block
 * count, file name and the archive's SHA-256). The patient file keeps
 * every block's hash. Nothing to move is not an error.
 *
 * Returns: whether the month's needle data is archived
 */
gboolean
stipple_store_archive_month (StippleStore  *self,
                             const char    *month,
                             guint         *n_archived,
                             GError       **error)
{
  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);

  if (!stipple_store_flush_telemetry (self, error))
    return FALSE;
  return archive_month_run (self, month, n_archived, error);
}

static GPtrArray *
closed_months (StippleStore  *self,
               GError       **error)
{
  g_autoptr(StippleStore) reader = stipple_store_open_reader (self, error);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) months = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *current = g_date_time_format (now, "%Y-%m");
  g_autoptr(StippleStmt) stmt = NULL;
  int rc;

  if (reader == NULL)
    return NULL;
  locker = g_mutex_locker_new (&reader->mutex);
  stmt = stipple_store_prepare (reader,
                                "SELECT DISTINCT substr (s.started_at, 1, 7) AS m FROM session s"
                                " WHERE substr (s.started_at, 1, 7) < ? AND EXISTS"
                                " (SELECT 1 FROM telemetry_block b WHERE b.session_id = s.id)"
                                " ORDER BY m", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, current, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (months, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (reader->db, rc, reader->path, error);
      return NULL;
    }
  return g_steal_pointer (&months);
}

static gboolean
archive_closed (StippleStore  *self,
                guint         *n_months,
                guint         *n_archived,
                GError       **error)
{
  g_autoptr(GPtrArray) months = NULL;
  guint total = 0;

  if ((months = closed_months (self, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < months->len; i++)
    {
      guint n = 0;

      if (!archive_month_run (self, g_ptr_array_index (months, i), &n, error))
        return FALSE;
      total += n;
    }
  if (n_months != NULL)
    *n_months = months->len;
  if (n_archived != NULL)
    *n_archived = total;
  return TRUE;
}

/**
 * stipple_store_archive_closed_months:
 * @self: a store
 * @n_months: (out) (optional): how many months were archived
 * @n_archived: (out) (optional): how many blocks were moved
 * @error: return location for a #GError
 *
 * Archives, as stipple_store_archive_month() does, every month before
 * the current one whose needle data is still in the patient file.
 *
 * Returns: whether every closed month is archived
 */
gboolean
stipple_store_archive_closed_months (StippleStore  *self,
                                     guint         *n_months,
                                     guint         *n_archived,
                                     GError       **error)
{
  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);

  if (n_months != NULL)
    *n_months = 0;
  if (n_archived != NULL)
    *n_archived = 0;
  if (!stipple_store_flush_telemetry (self, error))
    return FALSE;
  return archive_closed (self, n_months, n_archived, error);
}

static gpointer
archive_month_job (StippleStore  *self,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  guint n = 0;

  /* On the long lane: the needle data queued on the writer first. */
  if (!stipple_store_flush_telemetry (self, error))
    return NULL;
  if (data != NULL)
    {
      if (!archive_month_run (self, data, &n, error))
        return NULL;
    }
  else if (!archive_closed (self, NULL, &n, error))
    return NULL;
  return g_memdup2 (&n, sizeof n);
}

/**
 * stipple_store_archive_month_async:
 * @self: a store
 * @month: (nullable): a month that has ended, "YYYY-MM", or %NULL for
 *   every closed month still in the patient file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * As stipple_store_archive_month() (or, for %NULL,
 * stipple_store_archive_closed_months()), on the store's long lane: the
 * archive is written through a connection of its own, so notes are saved
 * meanwhile, and only the closing transaction runs on the store's.
 */
void
stipple_store_archive_month_async (StippleStore        *self,
                                   const char          *month,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));

  stipple_store_run_async (self, STIPPLE_STORE_LANE_LONG, archive_month_job,
                           g_strdup (month), g_free, g_free, cancellable, callback, user_data,
                           stipple_store_archive_month_async);
}

/**
 * stipple_store_archive_month_finish:
 * @self: a store
 * @result: the result given to the callback
 * @n_archived: (out) (optional): how many blocks were moved
 * @error: return location for a #GError
 *
 * Returns: whether the needle data is archived
 */
gboolean
stipple_store_archive_month_finish (StippleStore  *self,
                                    GAsyncResult  *result,
                                    guint         *n_archived,
                                    GError       **error)
{
  g_autofree guint *n = stipple_store_run_finish (self, result, error);

  if (n_archived != NULL)
    *n_archived = n != NULL ? *n : 0;
  return n != NULL;
}

/* Reading ------------------------------------------------------------ */

static void
set_archive_error (GError     **error,
                   gboolean     missing,
                   const char  *month,
                   const char  *archive)
{
  g_autofree char *words = month_words (month);

  if (missing)
    g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                 _("The needle data of %s is in an archive that is missing: %s. "
                   "Put the archive back in its folder to replay this session; "
                   "the clinical record is not affected."), words, archive);
  else
    g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT,
                 _("The needle data of %s is in an archive that was changed after it "
                   "was written: %s. Restore the archive from a backup; the clinical "
                   "record is not affected."), words, archive);
}

/**
 * stipple_store_archive_read_locked:
 * @self: a store, its mutex held
 * @session_id: a session
 * @blocks: (element-type StippleNeedleBlock): where to add the session's
 *   archived blocks
 * @error: return location for a #GError
 *
 * Reads the session's blocks that are in needle archives, each checked
 * against the hash the patient file keeps. Opens the archives read-only.
 *
 * Returns: whether every archived block was read
 */
gboolean
stipple_store_archive_read_locked (StippleStore  *self,
                                   gint64         session_id,
                                   GPtrArray     *blocks,
                                   GError       **error)
{
  g_autoptr(StippleStmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) read = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *open_name = NULL;
  g_autofree char *archive = NULL;
  sqlite3 *db = NULL;
  gboolean ok = FALSE;
  int rc;

  stmt = stipple_store_prepare (self,
                                "SELECT b.seq_first, b.n_samples, b.start_us, b.encoding, b.sha256,"
                                " a.file_name, a.month FROM needle_block b"
                                " JOIN needle_archive a ON a.id = b.archive_id"
                                " WHERE b.session_id = ? ORDER BY a.file_name, b.seq_first", error);
  if (stmt == NULL)
    return FALSE;
  dir = stipple_store_archive_dir (self->path);
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *file_name = (const char *) sqlite3_column_text (stmt, 5);
      const char *month = (const char *) sqlite3_column_text (stmt, 6);
      StippleNeedleBlock *block;
      guint8 digest[32];

      if (g_strcmp0 (file_name, open_name) != 0)
        {
          g_clear_pointer (&read, sqlite3_finalize);
          g_clear_pointer (&db, sqlite3_close);
          g_free (archive);
          archive = g_build_filename (dir, file_name, NULL);
          g_free (open_name);
          open_name = g_strdup (file_name);
          if (!g_file_test (archive, G_FILE_TEST_IS_REGULAR))
            {
              set_archive_error (error, TRUE, month, archive);
              goto out;
            }
          db = open_archive_read_only (archive, NULL);
          if (db == NULL ||
              sqlite3_prepare_v2 (db, "SELECT data FROM telemetry_block"
                                  " WHERE session_id = ? AND seq_first = ?", -1, &read,
                                  NULL) != SQLITE_OK)
            {
              set_archive_error (error, FALSE, month, archive);
              goto out;
            }
        }
      sqlite3_reset (read);
      sqlite3_bind_int64 (read, 1, session_id);
      sqlite3_bind_int64 (read, 2, sqlite3_column_int64 (stmt, 0));
      if (sqlite3_step (read) != SQLITE_ROW)
        {
          set_archive_error (error, FALSE, month, archive);
          goto out;
        }
      block_digest (sqlite3_column_blob (read, 0), sqlite3_column_bytes (read, 0), digest);
      if (sqlite3_column_bytes (stmt, 4) != 32 ||
          memcmp (digest, sqlite3_column_blob (stmt, 4), 32) != 0)
        {
          set_archive_error (error, FALSE, month, archive);
          goto out;
        }
      block = g_new0 (StippleNeedleBlock, 1);
      block->seq_first = sqlite3_column_int64 (stmt, 0);
      block->n_samples = sqlite3_column_int (stmt, 1);
      block->start_us = sqlite3_column_int64 (stmt, 2);
      block->encoding = sqlite3_column_int (stmt, 3);
      block->data = g_bytes_new (sqlite3_column_blob (read, 0), sqlite3_column_bytes (read, 0));
      g_ptr_array_add (blocks, block);
    }
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      goto out;
    }
  ok = TRUE;

out:
  g_clear_pointer (&read, sqlite3_finalize);
  g_clear_pointer (&db, sqlite3_close);
  return ok;
}

/* Verification ------------------------------------------------------- */

static gboolean
table_exists (sqlite3    *db,
              const char *name)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* Checks one archive that is there: its SHA-256 against the one the
 * patient file recorded, and each of its blocks against its hash. */
static gboolean
verify_one (sqlite3              *db,
            const char           *path,
            gint64                archive_id,
            const char           *month,
            const char           *archive,
            const char           *sha256,
            gint64                only_session,
            StippleVerifyResult  *result,
            GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) read = NULL;
  g_autofree char *words = month_words (month);
  g_autofree char *sum = file_sha256 (archive, NULL);
  sqlite3 *adb = NULL;
  gint64 bad_session = -1;
  int rc;

  if (sum == NULL || g_strcmp0 (sum, sha256) != 0)
    stipple_store_verify_add_break (result, 0, 0,
                                    g_strdup_printf (_("The needle archive of %s (%s) was "
                                                       "changed after it was written."),
                                                     words, archive));
  adb = open_archive_read_only (archive, NULL);
  if (adb == NULL ||
      sqlite3_prepare_v2 (adb, "SELECT data FROM telemetry_block"
                          " WHERE session_id = ? AND seq_first = ?", -1, &read, NULL) != SQLITE_OK)
    {
      g_clear_pointer (&adb, sqlite3_close);
      stipple_store_verify_add_break (result, 0, 0,
                                      g_strdup_printf (_("The needle archive of %s (%s) "
                                                         "cannot be read."), words, archive));
      return TRUE;
    }
  if (sqlite3_prepare_v2 (db, "SELECT session_id, seq_first, sha256 FROM needle_block"
                          " WHERE archive_id = ?1 AND (?2 = 0 OR session_id = ?2)"
                          " ORDER BY session_id, seq_first", -1, &stmt, NULL) != SQLITE_OK)
    {
      g_clear_pointer (&read, sqlite3_finalize);
      sqlite3_close (adb);
      return sql_fail (db, path, error);
    }
  sqlite3_bind_int64 (stmt, 1, archive_id);
  sqlite3_bind_int64 (stmt, 2, only_session);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 session_id = sqlite3_column_int64 (stmt, 0);
      guint8 digest[32];
      gboolean good;

      sqlite3_reset (read);
      sqlite3_bind_int64 (read, 1, session_id);
      sqlite3_bind_int64 (read, 2, sqlite3_column_int64 (stmt, 1));
      good = sqlite3_step (read) == SQLITE_ROW;
      if (good)
        {
          block_digest (sqlite3_column_blob (read, 0), sqlite3_column_bytes (read, 0), digest);
          good = sqlite3_column_bytes (stmt, 2) == 32 &&
                 memcmp (digest, sqlite3_column_blob (stmt, 2), 32) == 0;
        }
      /* One break a session, not one a block. */
      if (!good && session_id != bad_session)
        {
          bad_session = session_id;
          stipple_store_verify_add_break (result, 0, session_id,
                                          g_strdup_printf (_("The needle data of session %"
                                                             PRId64 " in the archive of %s (%s) "
                                                             "no longer matches the hash the "
                                                             "patient file keeps."),
                                                           session_id, words, archive));
        }
    }
  g_clear_pointer (&read, sqlite3_finalize);
  sqlite3_close (adb);
  if (rc != SQLITE_DONE)
    return sql_fail (db, path, error);
  return TRUE;
}

/**
 * stipple_store_archive_verify:
 * @db: a patient file, read in one transaction
 * @path: its path: the archives are looked for beside it
 * @only_session: a session, or 0 for every session
 * @result: where to add each break found
 * @error: return location for a #GError, set only when @db cannot be read
 *
 * Checks each needle archive that is in its place against what the
 * patient file recorded of it. An archive that is not there is no break:
 * the patient file's record holds without it (its blocks' hashes are in
 * the seals), and reading its needle data says that it is missing.
 *
 * Returns: whether the check could be made
 */
gboolean
stipple_store_archive_verify (sqlite3              *db,
                              const char           *path,
                              gint64                only_session,
                              StippleVerifyResult  *result,
                              GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *dir = NULL;
  int rc;

  if (!table_exists (db, "needle_archive"))
    return TRUE;
  if (sqlite3_prepare_v2 (db, "SELECT a.id, a.month, a.file_name, a.sha256 FROM needle_archive a"
                          " WHERE ?1 = 0 OR EXISTS (SELECT 1 FROM needle_block b"
                          "  WHERE b.archive_id = a.id AND b.session_id = ?1) ORDER BY a.id",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sql_fail (db, path, error);
  sqlite3_bind_int64 (stmt, 1, only_session);
  dir = stipple_store_archive_dir (path);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *archive = g_build_filename (dir, sqlite3_column_text (stmt, 2), NULL);

      if (!g_file_test (archive, G_FILE_TEST_IS_REGULAR))
        continue;
      if (!verify_one (db, path, sqlite3_column_int64 (stmt, 0),
                       (const char *) sqlite3_column_text (stmt, 1), archive,
                       (const char *) sqlite3_column_text (stmt, 3), only_session, result, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return sql_fail (db, path, error);
  return TRUE;
}
