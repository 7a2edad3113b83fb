/* stipple-store-sessions.c: a session begun on record, away from the
 * calling thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session begins with its screening answers and its consents, and the
 * patient file takes them in one transaction
 * (stipple_store_begin_session(), beside the other session writes in
 * stipple-store-session-rows.c). The interface begins a session through
 * the asynchronous form here, on the store's writer thread in turn with
 * every other write, so that the write and its fsync never hold up the
 * window.
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include "stipple-store-private.h"

typedef struct
{
  StippleSession *session;
  GPtrArray      *answers;
  GPtrArray      *consents;
} BeginData;

static void
begin_data_free (BeginData *data)
{
  g_clear_pointer (&data->session, stipple_session_free);
  g_clear_pointer (&data->answers, g_ptr_array_unref);
  g_clear_pointer (&data->consents, g_ptr_array_unref);
  g_free (data);
}

static GPtrArray *
copy_records (GPtrArray      *records,
              GBoxedCopyFunc  copy,
              GDestroyNotify  free_func)
{
  GPtrArray *copies = g_ptr_array_new_with_free_func (free_func);

  for (guint i = 0; records != NULL && i < records->len; i++)
    g_ptr_array_add (copies, copy (g_ptr_array_index (records, i)));
  return copies;
}

static gpointer
begin_session_job (StippleStore  *self,
                   gpointer       task_data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  BeginData *data = task_data;

  /* Once the write has started it completes or rolls back as a whole. */
  if (!stipple_store_begin_session (self, data->session, data->answers, data->consents, error))
    return NULL;
  return stipple_session_copy (data->session);
}

/**
 * stipple_store_begin_session_async:
 * @self: a store
 * @session: a new session (id 0); copied
 * @answers: (nullable) (element-type StippleScreeningAnswer): its
 *   screening answers, new; copied
 * @consents: (nullable) (element-type StippleConsent): its consents,
 *   new; copied
 * @cancellable: (nullable): a #GCancellable, heeded until the write starts
 * @callback: called when the session is begun, or when nothing is
 * @user_data: data for @callback
 *
 * See stipple_store_begin_session(): all of it is written in one
 * transaction, or none of it. The write and its fsync happen on the
 * writer thread, in turn with every other write.
 */
void
stipple_store_begin_session_async (StippleStore          *self,
                                   const StippleSession  *session,
                                   GPtrArray             *answers,
                                   GPtrArray             *consents,
                                   GCancellable          *cancellable,
                                   GAsyncReadyCallback    callback,
                                   gpointer               user_data)
{
  BeginData *data;

  g_return_if_fail (STIPPLE_IS_STORE (self));
  g_return_if_fail (session != NULL && session->id == 0);

  data = g_new0 (BeginData, 1);
  data->session = stipple_session_copy (session);
  data->answers = copy_records (answers, (GBoxedCopyFunc) stipple_screening_answer_copy,
                                (GDestroyNotify) stipple_screening_answer_free);
  data->consents = copy_records (consents, (GBoxedCopyFunc) stipple_consent_copy,
                                 (GDestroyNotify) stipple_consent_free);
  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, begin_session_job, data,
                           (GDestroyNotify) begin_data_free, (GDestroyNotify) stipple_session_free,
                           cancellable, callback, user_data, stipple_store_begin_session_async);
}

/**
 * stipple_store_begin_session_finish:
 * @self: a store
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the session as begun, with its id and uid,
 *   or %NULL with @error set and nothing of it in the patient file
 */
StippleSession *
stipple_store_begin_session_finish (StippleStore  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return stipple_store_run_finish (self, result, error);
}
