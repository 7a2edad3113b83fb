/* stipple-store-export.c
 *
 * Moving a patient between computers, the sending side: export writes
 * one patient, with every record and the needle data, into a new
 * standalone patient file, which stipple-store-import.c merges on the
 * other computer. Every table is copied whole, row by row (SELECT *
 * between two files of the same schema version), so a new column
 * travels without a word here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stipple-store-private.h"

static void
remove_companions (const char *path)
{
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autofree char *backups = stipple_store_get_backup_dir (path);

  g_unlink (lock);
  g_rmdir (backups);
}

/* A thinned session's seal covers the full-rate data it no longer has:
 * the exported file takes what the patient file keeps of it (the hash in
 * needle_session, the thinning in needle_thinning, and the rows of the
 * archives they name), after its thinned blocks. */
static gboolean
export_thinning (StippleStore  *reader,
                 gint64         session_id,
                 GError       **error)
{
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO export.needle_archive SELECT * FROM main.needle_archive a"
    " WHERE a.id IN (SELECT archive_id FROM main.needle_session WHERE session_id = %1$" G_GINT64_FORMAT
    "                UNION SELECT archive_id FROM main.needle_thinning WHERE session_id = %1$" G_GINT64_FORMAT ")"
    " AND a.id NOT IN (SELECT id FROM export.needle_archive);"
    "INSERT INTO export.needle_session SELECT * FROM main.needle_session"
    " WHERE session_id = %1$" G_GINT64_FORMAT ";"
    "INSERT INTO export.needle_thinning SELECT * FROM main.needle_thinning"
    " WHERE session_id = %1$" G_GINT64_FORMAT ";", session_id);

  return stipple_store_exec (reader, sql, error);
}

/* The needle data of the patient's sessions that is in needle archives
 * travels in the exported file's telemetry_block like the rest, each
 * block checked against its hash on the way: the file stands alone. */
static gboolean
export_archived_blocks (StippleStore  *reader,
                        gint64         patient_id,
                        GError       **error)
{
  g_autoptr(GArray) sessions = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(StippleStmt) stmt = NULL;
  g_autoptr(StippleStmt) insert = NULL;
  int rc;

  if (reader->version < 10)
    return TRUE;
  stmt = stipple_store_prepare (reader,
                                "SELECT session_id FROM main.needle_session WHERE session_id IN"
                                " (SELECT id FROM main.session WHERE patient_id = ?) ORDER BY 1",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (sessions, id);
    }
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (reader->db, rc, reader->path, error);
      return FALSE;
    }
  if (sessions->len == 0)
    return TRUE;

  insert = stipple_store_prepare (reader,
                                  "INSERT INTO export.telemetry_block (session_id, seq_first,"
                                  " n_samples, start_us, end_us, encoding, data)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (insert == NULL)
    return FALSE;
  for (guint i = 0; i < sessions->len; i++)
    {
      gint64 session_id = g_array_index (sessions, gint64, i);
      g_autoptr(GPtrArray) blocks =
        g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_needle_block_free);

      g_autofree char *thinned_at = NULL;

      if (!stipple_store_archive_read_locked (reader, session_id, blocks, &thinned_at, error))
        return FALSE;
      for (guint b = 0; b < blocks->len; b++)
        {
          const StippleNeedleBlock *block = g_ptr_array_index (blocks, b);
          gsize len;
          const void *data = g_bytes_get_data (block->data, &len);

          sqlite3_reset (insert);
          sqlite3_bind_int64 (insert, 1, session_id);
          sqlite3_bind_int64 (insert, 2, block->seq_first);
          sqlite3_bind_int64 (insert, 3, block->n_samples);
          sqlite3_bind_int64 (insert, 4, block->start_us);
          sqlite3_bind_int64 (insert, 5, block->end_us);
          sqlite3_bind_int64 (insert, 6, block->encoding);
          sqlite3_bind_blob (insert, 7, data, len, SQLITE_STATIC);
          if (!stipple_store_step_done (reader, insert, error))
            return FALSE;
        }
      if (thinned_at != NULL && !export_thinning (reader, session_id, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * stipple_store_export_patient:
 * @self: a store
 * @patient_id: the patient to export
 * @destination: a new file; an existing file is never replaced
 * @error: return location for a #GError
 *
 * Writes the patient with screening, consents, courses, sessions, audit
 * trail and needle data into a new standalone patient file, for
 * stipple_store_import() on another computer.
 *
 * Returns: whether the file was written whole
 */
gboolean
stipple_store_export_patient (StippleStore  *self,
                              gint64         patient_id,
                              const char    *destination,
                              GError       **error)
{
  g_autoptr(StippleStore) out = NULL;
  /* Before the locker, so that the lock is let go before the reader. */
  g_autoptr(StippleStore) reader = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *in_sessions = NULL;
  gint64 last_audit = 0;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (destination != NULL, FALSE);

  absolute = g_canonicalize_filename (destination, NULL);
  if (g_file_test (absolute, G_FILE_TEST_EXISTS))
    {
      g_autofree char *name = g_filename_display_name (absolute);
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DUPLICATE,
                   _("A file named “%s” already exists. Choose another name."), name);
      return FALSE;
    }

  if (!stipple_store_flush_telemetry (self, error))
    return FALSE;

  /* A new, empty patient file of the current version, made the one way
   * every patient file is made. */
  out = stipple_store_open_full (absolute, FALSE, error);
  if (out == NULL)
    return FALSE;
  stipple_store_close (out);

  /* The patient is read through a connection of its own: in WAL mode a
   * reader never holds up the writer, so notes, audit rows and a
   * treatment's totals are written while the copy is made. */
  reader = stipple_store_open_reader (self, error);
  if (reader == NULL)
    goto fail_unlinked;
  locker = g_mutex_locker_new (&reader->mutex);
  if (!stipple_store_check_open (reader, error) ||
      !stipple_store_attach (reader, absolute, "export", error))
    goto fail_unlinked;

  in_sessions = g_strdup_printf ("SELECT id FROM main.session WHERE patient_id = %" G_GINT64_FORMAT,
                                 patient_id);
  /* Deferred: the transaction writes the export file alone, and takes
   * no write lock on the patient file. */
  if (!stipple_store_exec (reader, "BEGIN", error))
    goto fail;
  if (!stipple_store_exec_printf (reader, error, "INSERT INTO export.patient SELECT * FROM main.patient WHERE id = %"
                 G_GINT64_FORMAT, patient_id))
    goto fail;
  if (sqlite3_changes (reader->db) == 0)
    {
      g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                           _("This patient is not in the patient file."));
      goto fail;
    }
  if (!stipple_store_exec_printf (reader, error,
                 "INSERT INTO export.course SELECT * FROM main.course WHERE patient_id = %"
                 G_GINT64_FORMAT ";"
                 "INSERT INTO export.consent SELECT * FROM main.consent WHERE patient_id = %"
                 G_GINT64_FORMAT ";"
                 "INSERT INTO export.session SELECT * FROM main.session WHERE patient_id = %"
                 G_GINT64_FORMAT ";"
                 "INSERT INTO export.screening_answer SELECT * FROM main.screening_answer"
                 " WHERE patient_id = %" G_GINT64_FORMAT ";",
                 patient_id, patient_id, patient_id, patient_id))
    goto fail;
  if (!stipple_store_exec_printf (reader, error,
                 "INSERT INTO export.session_serum SELECT * FROM main.session_serum"
                 " WHERE session_id IN (%s);"
                 "INSERT INTO export.zone_pass SELECT * FROM main.zone_pass"
                 " WHERE session_id IN (%s);"
                 "INSERT INTO export.zone_strokes SELECT * FROM main.zone_strokes"
                 " WHERE session_id IN (%s);"
                 "INSERT INTO export.telemetry_block SELECT * FROM main.telemetry_block"
                 " WHERE session_id IN (%s);"
                 "INSERT INTO export.note_addendum SELECT * FROM main.note_addendum"
                 " WHERE session_id IN (%s);",
                 in_sessions, in_sessions, in_sessions, in_sessions, in_sessions))
    goto fail;
  if (!export_archived_blocks (reader, patient_id, error))
    goto fail;
  /* A photo hidden since the consent was withdrawn travels as its tags
   * and hash only: the seal still holds, the pixels stay here. */
  if (!stipple_store_exec_printf (reader, error,
                 "INSERT INTO export.photo SELECT id, uid, patient_id, session_id, view, zone,"
                 " moment, taken_at, taken_by, source, width, height, mime_type,"
                 " CASE WHEN EXISTS (SELECT 1 FROM main.photo_event e WHERE e.photo_id = p.id"
                 "  AND e.kind = 'hidden') THEN zeroblob (0) ELSE data END, sha256"
                 " FROM main.photo p WHERE patient_id = %1$" G_GINT64_FORMAT " ORDER BY id;"
                 "INSERT INTO export.photo_event SELECT * FROM main.photo_event"
                 " WHERE patient_id = %1$" G_GINT64_FORMAT " ORDER BY id;",
                 patient_id))
    goto fail;
  /* Writes go on beside the copy: the audit trail is taken as it stood
   * when the records above were read, and not a row later. */
  if (!stipple_store_query_int (reader->db, reader->path,
                                "SELECT ifnull (max (id), 0) FROM main.audit", &last_audit, error))
    goto fail;
  if (!stipple_store_commit (reader, error))
    goto fail;
  stipple_store_detach (reader, "export");

  /* The audit trail goes into the new file's own chain, and each ended
   * session is sealed there as it arrived. */
  g_clear_object (&out);
  out = stipple_store_open_full (absolute, FALSE, error);
  if (out == NULL)
    goto fail_unlinked;
  {
    g_autoptr(StippleStmt) select = stipple_store_prepare (reader,
        "SELECT uid, session_id, at, user, kind, zone, sent, acknowledgement, read_back, detail"
        " FROM main.audit WHERE session_id IN (SELECT id FROM main.session WHERE patient_id = ?)"
        " AND id <= ? ORDER BY id", error);

    if (select == NULL)
      goto fail_unlinked;
    sqlite3_bind_int64 (select, 1, patient_id);
    sqlite3_bind_int64 (select, 2, last_audit);
    if (!stipple_store_begin (out, error))
      goto fail_unlinked;
    if (!stipple_store_chain_copy (out->db, absolute, select, error) ||
        !stipple_store_chain_seal_ended (out->db, absolute, TRUE, error) ||
        !stipple_store_commit (out, error))
      {
        stipple_store_rollback (out);
        goto fail_unlinked;
      }
  }
  stipple_store_close (out);
  remove_companions (absolute);
  return TRUE;

fail:
  stipple_store_rollback (reader);
  stipple_store_detach (reader, "export");
fail_unlinked:
  if (out != NULL)
    stipple_store_close (out);
  {
    g_autofree char *wal = g_strconcat (absolute, "-wal", NULL);
    g_autofree char *shm = g_strconcat (absolute, "-shm", NULL);
    g_unlink (absolute);
    g_unlink (wal);
    g_unlink (shm);
    remove_companions (absolute);
  }
  return FALSE;
}
