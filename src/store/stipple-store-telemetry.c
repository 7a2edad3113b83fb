/* stipple-store-telemetry.c
 *
 * Needle data: samples from the pen's thread are gathered into blocks
 * of STIPPLE_STORE_TELEMETRY_BLOCK under their own lock, each full block
 * is queued for the writer thread, and appending never waits for the
 * disk. Blocks are read back whole, a damaged one left out and named.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-store-private.h"
#include "stipple-telemetry-codec.h"

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

void
stipple_store_telemetry_buffer_free (StippleTelemetryBuffer *buffer)
{
  g_array_unref (buffer->samples);
  g_free (buffer);
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
                                "SELECT seq_first, n_samples, end_us, data, encoding FROM telemetry_block"
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

      if (!stipple_telemetry_decode (sqlite3_column_int (stmt, 4), data, n, samples, error))
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
  g_autoptr(GBytes) data = stipple_telemetry_encode (STIPPLE_TELEMETRY_ENCODING_CURRENT, samples, n);
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
  sqlite3_bind_int (stmt, 6, STIPPLE_TELEMETRY_ENCODING_CURRENT);
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
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_CLOSED, self->path, NULL, error);
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
      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_CLOSED, self->path, NULL, error);
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

static gpointer
telemetry_written_job (StippleStore  *self,
                       gpointer       data,
                       GCancellable  *cancellable,
                       GError       **error)
{
  gboolean ok = TRUE;

  /* Every block queued before this job has run: the writer takes its
   * jobs in order. */
  g_mutex_lock (&self->telemetry_mutex);
  if (self->telemetry_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->telemetry_error));
      ok = FALSE;
    }
  g_mutex_unlock (&self->telemetry_mutex);

  return ok ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * stipple_store_flush_telemetry_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once every sample appended so far is written
 * @user_data: data for @callback
 *
 * As stipple_store_flush_telemetry(), without waiting on the calling
 * thread: every partly filled block is queued for the writer, then a job
 * behind them reports whether all of them were written. Nothing waits
 * on a worker thread for the disk.
 */
void
stipple_store_flush_telemetry_async (StippleStore        *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GHashTableIter iter;
  StippleTelemetryBuffer *buffer;

  g_return_if_fail (STIPPLE_IS_STORE (self));

  if (self->writer != NULL)
    {
      g_mutex_lock (&self->telemetry_mutex);
      g_hash_table_iter_init (&iter, self->telemetry);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &buffer))
        if (buffer->samples->len > 0)
          {
            queue_block (self, buffer->session_id, buffer->samples);
            buffer->samples = g_array_sized_new (FALSE, FALSE, sizeof (StippleProtoSample),
                                                 STIPPLE_STORE_TELEMETRY_BLOCK);
          }
      g_mutex_unlock (&self->telemetry_mutex);
    }

  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, telemetry_written_job, NULL, NULL, NULL,
                           cancellable, callback, user_data, stipple_store_flush_telemetry_async);
}

/**
 * stipple_store_flush_telemetry_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: whether all telemetry appended before the call is in the file
 */
gboolean
stipple_store_flush_telemetry_finish (StippleStore  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return stipple_store_run_finish_boolean (self, result, error);
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
 * stipple_store_get_needle_thinned_at:
 * @self: a store
 * @session_id: a session
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): when the session's needle data was
 *   thinned to the per-stroke record after the clinic's retention period
 *   (UTC, as the file keeps times), or %NULL (with @error unset) when it
 *   is kept at full rate
 */
char *
stipple_store_get_needle_thinned_at (StippleStore  *self,
                                     gint64         session_id,
                                     GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_check_open (self, error) || self->version < 10)
    return NULL;
  stmt = stipple_store_prepare (self, "SELECT thinned_at FROM needle_thinning WHERE session_id = ?",
                                error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    stipple_store_set_sqlite_error (self->db, rc, self->path, error);
  return NULL;
}

/**
 * stipple_store_get_needle_archived:
 * @self: a store
 * @session_id: a session
 *
 * Returns: whether the session's needle data is kept in a needle archive
 *   beside the patient file, at full rate or thinned
 */
gboolean
stipple_store_get_needle_archived (StippleStore *self,
                                   gint64        session_id)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_check_open (self, NULL) || self->version < 10)
    return FALSE;
  stmt = stipple_store_prepare (self, "SELECT 1 FROM needle_session WHERE session_id = ?1"
                                      " UNION ALL SELECT 1 FROM needle_thinning"
                                      " WHERE session_id = ?1", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  return sqlite3_step (stmt) == SQLITE_ROW;
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
  g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_needle_block_free);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (StippleProtoSample));
  g_autoptr(GArray) times = times_us ? g_array_new (FALSE, FALSE, sizeof (gint64)) : NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = stipple_store_prepare (self,
                                "SELECT n_samples, start_us, encoding, data, seq_first, end_us"
                                " FROM telemetry_block WHERE session_id = ? ORDER BY seq_first", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StippleNeedleBlock *block = g_new0 (StippleNeedleBlock, 1);

      block->n_samples = sqlite3_column_int (stmt, 0);
      block->start_us = sqlite3_column_int64 (stmt, 1);
      block->encoding = sqlite3_column_int (stmt, 2);
      block->data = g_bytes_new (sqlite3_column_blob (stmt, 3), sqlite3_column_bytes (stmt, 3));
      block->seq_first = sqlite3_column_int64 (stmt, 4);
      block->end_us = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (blocks, block);
    }
  g_clear_pointer (&stmt, stipple_stmt_release);
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return NULL;
    }

  /* The needle data of an archived session is read from its archive,
   * which only this opens, and checked against the hash the patient file
   * keeps for it. */
  if (!stipple_store_archive_read_locked (self, session_id, blocks, NULL, error))
    return NULL;

  for (guint b = 0; b < blocks->len; b++)
    {
      const StippleNeedleBlock *block = g_ptr_array_index (blocks, b);
      guint n = block->n_samples;
      gint64 start_us = block->start_us;
      guint first = samples->len;

      g_array_set_size (samples, first + n);
      /* One damaged block is left out, counted and named; the rest of
       * the session still reads. */
      if (n == 0 || n > STIPPLE_STORE_TELEMETRY_BLOCK ||
          !stipple_telemetry_decode (block->encoding, block->data, n,
                                     &g_array_index (samples, StippleProtoSample, first), NULL))
        {
          g_array_set_size (samples, first);
          g_array_append_val (missing, start_us);
          continue;
        }
      if (times != NULL)
        {
          const StippleProtoSample *first_sample = &g_array_index (samples, StippleProtoSample, first);

          for (guint i = 0; i < n; i++)
            {
              gint64 t = start_us + (guint32) (first_sample[i].timestamp_us - first_sample[0].timestamp_us);
              g_array_append_val (times, t);
            }
        }
    }

  if (times_us != NULL)
    *times_us = g_steal_pointer (&times);
  if (skipped != NULL)
    *skipped = g_steal_pointer (&missing);
  if (n_blocks != NULL)
    *n_blocks = blocks->len;
  return g_steal_pointer (&samples);
}
