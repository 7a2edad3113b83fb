/* stipple-store-sessions.c: a session begun on record, away from the
 * calling thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session begins with its screening answers and its consents, and the
 * patient file takes them in one transaction
 * (stipple_store_begin_session(), beside the other session writes in
 * stipple-store-session-rows.c). The interface begins a session through
 * the asynchronous form here, so that the write and its fsync never
 * hold up the window.
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

static void
begin_session_thread (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  BeginData *data = task_data;
  GError *error = NULL;

  /* Once the write has started it completes or rolls back as a whole. */
  if (g_task_return_error_if_cancelled (task))
    return;
  if (stipple_store_begin_session (source, data->session, data->answers, data->consents, &error))
    g_task_return_pointer (task, stipple_session_copy (data->session),
                           (GDestroyNotify) stipple_session_free);
  else
    g_task_return_error (task, error);
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
 * transaction, or none of it. The write and its fsync happen away from
 * the calling thread.
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
  g_autoptr(GTask) task = NULL;
  BeginData *data;

  g_return_if_fail (STIPPLE_IS_STORE (self));
  g_return_if_fail (session != NULL && session->id == 0);

  data = g_new0 (BeginData, 1);
  data->session = stipple_session_copy (session);
  data->answers = copy_records (answers, (GBoxedCopyFunc) stipple_screening_answer_copy,
                                (GDestroyNotify) stipple_screening_answer_free);
  data->consents = copy_records (consents, (GBoxedCopyFunc) stipple_consent_copy,
                                 (GDestroyNotify) stipple_consent_free);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, stipple_store_begin_session_async);
  g_task_set_task_data (task, data, (GDestroyNotify) begin_data_free);
  g_task_run_in_thread (task, begin_session_thread);
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
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
