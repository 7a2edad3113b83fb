/* stipple-store-async.c
 *
 * The store's one way of running work away from the main thread:
 * stipple_store_run_async() queues a job on one of the store's lanes
 * (stipple-store.h says which job runs where, and why) and completes a
 * GTask on the caller's main context. The _async/_finish pairs below are
 * each a job function and a few lines around it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include "stipple-store-private.h"

typedef struct
{
  StippleStoreJobFunc  func;
  gpointer             data;
  GDestroyNotify       data_free;
  GDestroyNotify       result_free;
} Job;

static void
job_free (Job *job)
{
  if (job->data_free != NULL)
    g_clear_pointer (&job->data, job->data_free);
  g_free (job);
}

static void
run_job (StippleStore *self,
         GTask        *task)
{
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;
  gpointer result;

  if (g_task_return_error_if_cancelled (task))
    return;

  result = job->func (self, job->data, g_task_get_cancellable (task), &error);
  if (error != NULL)
    {
      if (result != NULL && job->result_free != NULL)
        job->result_free (result);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, result, job->result_free);
}

/* On the writer thread, as one entry of its queue. */
static void
writer_job_cb (StippleStore *self,
               gpointer      data)
{
  run_job (self, data);
}

/* On the long lane's thread. */
void
stipple_store_long_job_cb (gpointer data,
                           gpointer user_data)
{
  g_autoptr(GTask) task = data;

  run_job (user_data, task);
}

static void
no_store_thread_cb (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  run_job (NULL, task);
}

/**
 * stipple_store_run_async:
 * @self: (nullable): a store, or %NULL for work on a file no store has
 *   open (opening it, restoring it, reading its backups)
 * @lane: where the job runs; ignored when @self is %NULL
 * @func: the job
 * @data: (transfer full): the job's data, given to @func
 * @data_free: (nullable): frees @data once the task is done with it
 * @result_free: (nullable): frees what @func returns if nobody takes it
 * @cancellable: (nullable): a #GCancellable; a job cancelled before it
 *   starts does not run and finishes with %G_IO_ERROR_CANCELLED
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 * @source_tag: (nullable): the public function, for the finisher's checks
 *
 * Runs @func on @self's @lane, after every job queued on that lane
 * before it. A job on a closed store does not run: it finishes with
 * %STIPPLE_STORE_ERROR_CLOSED. Jobs with no store run on GLib's worker
 * pool: no file is open, so nothing can queue behind them.
 */
void
stipple_store_run_async (StippleStore        *self,
                         StippleStoreLane     lane,
                         StippleStoreJobFunc  func,
                         gpointer             data,
                         GDestroyNotify       data_free,
                         GDestroyNotify       result_free,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data,
                         gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (self == NULL || STIPPLE_IS_STORE (self));
  g_return_if_fail (func != NULL);

  job = g_new0 (Job, 1);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  if (self == NULL)
    {
      g_task_run_in_thread (task, no_store_thread_cb);
      return;
    }

  if (self->writer == NULL || self->long_jobs == NULL)
    {
      GError *error = NULL;

      stipple_store_set_error_for_code (STIPPLE_STORE_ERROR_CLOSED, self->path, NULL, &error);
      g_task_return_error (task, error);
      return;
    }

  switch (lane)
    {
    case STIPPLE_STORE_LANE_WRITER:
      stipple_store_push (self, writer_job_cb, g_object_ref (task), g_object_unref);
      break;
    case STIPPLE_STORE_LANE_LONG:
      g_thread_pool_push (self->long_jobs, g_object_ref (task), NULL);
      break;
    default:
      g_assert_not_reached ();
    }
}

/**
 * stipple_store_run_finish:
 * @self: (nullable): the store given to stipple_store_run_async()
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): what the job returned, or %NULL
 *   with @error set
 */
gpointer
stipple_store_run_finish (StippleStore  *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  GError *local_error = NULL;
  gpointer value;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  value = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return value;
}

/**
 * stipple_store_run_finish_boolean:
 * @self: (nullable): the store given to stipple_store_run_async()
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * For jobs that return no value worth keeping.
 *
 * Returns: %TRUE if the job succeeded
 */
gboolean
stipple_store_run_finish_boolean (StippleStore  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  GError *local_error = NULL;
  Job *job;
  gpointer value;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  value = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  job = g_task_get_task_data (G_TASK (result));
  if (value != NULL && job->result_free != NULL)
    job->result_free (value);
  return TRUE;
}

/* A job that succeeded with nothing to return. */
#define JOB_DONE GINT_TO_POINTER (TRUE)

/* Opening ------------------------------------------------------------- */

static gpointer
open_job (StippleStore  *none,
          gpointer       path,
          GCancellable  *cancellable,
          GError       **error)
{
  return stipple_store_open (path, error);
}

/**
 * stipple_store_open_async:
 * @path: the patient file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context when done
 * @user_data: data for @callback
 *
 * Opens the patient file on a worker thread; see stipple_store_open().
 */
void
stipple_store_open_async (const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (path != NULL);

  stipple_store_run_async (NULL, STIPPLE_STORE_LANE_WRITER, open_job, g_strdup (path), g_free,
                           g_object_unref, cancellable, callback, user_data,
                           stipple_store_open_async);
}

/**
 * stipple_store_open_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
StippleStore *
stipple_store_open_finish (GAsyncResult  *result,
                           GError       **error)
{
  return stipple_store_run_finish (NULL, result, error);
}

/* Patients and their records, on the writer ---------------------------- */

static gpointer
save_patient_job (StippleStore  *self,
                  gpointer       patient,
                  GCancellable  *cancellable,
                  GError       **error)
{
  if (!stipple_store_save_patient (self, patient, error))
    return NULL;
  return stipple_patient_copy (patient);
}

/**
 * stipple_store_save_patient_async:
 * @self: a store
 * @patient: the patient to save; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when saved
 * @user_data: data for @callback
 *
 * Saves a copy of @patient on the writer thread; see
 * stipple_store_save_patient().
 */
void
stipple_store_save_patient_async (StippleStore          *self,
                                  const StipplePatient  *patient,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));
  g_return_if_fail (patient != NULL);

  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, save_patient_job,
                           stipple_patient_copy (patient), (GDestroyNotify) stipple_patient_free,
                           (GDestroyNotify) stipple_patient_free, cancellable, callback, user_data,
                           stipple_store_save_patient_async);
}

/**
 * stipple_store_save_patient_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the patient as saved, with its id, or %NULL
 */
StipplePatient *
stipple_store_save_patient_finish (StippleStore  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return stipple_store_run_finish (self, result, error);
}

typedef struct
{
  char  *query;
  guint  limit;
} SearchData;

static void
search_data_free (SearchData *data)
{
  g_free (data->query);
  g_free (data);
}

static gpointer
search_job (StippleStore  *self,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  SearchData *search = data;

  return stipple_store_search_patients (self, search->query, search->limit, error);
}

/**
 * stipple_store_search_patients_async:
 * @self: a store
 * @query: what has been typed so far
 * @limit: the most patients wanted
 * @cancellable: (nullable): cancelled when the query changes again
 * @callback: called with the patients found
 * @user_data: data for @callback
 *
 * See stipple_store_search_patients().
 */
void
stipple_store_search_patients_async (StippleStore        *self,
                                     const char          *query,
                                     guint                limit,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  SearchData *data;

  g_return_if_fail (STIPPLE_IS_STORE (self));

  data = g_new0 (SearchData, 1);
  data->query = g_strdup (query);
  data->limit = limit;
  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, search_job, data,
                           (GDestroyNotify) search_data_free, (GDestroyNotify) g_ptr_array_unref,
                           cancellable, callback, user_data, stipple_store_search_patients_async);
}

/**
 * stipple_store_search_patients_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type StipplePatient): the patients found
 */
GPtrArray *
stipple_store_search_patients_finish (StippleStore  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return stipple_store_run_finish (self, result, error);
}

static gpointer
load_chart_job (StippleStore  *self,
                gpointer       patient_id,
                GCancellable  *cancellable,
                GError       **error)
{
  return stipple_store_load_chart (self, *(gint64 *) patient_id, error);
}

/**
 * stipple_store_load_chart_async:
 * @self: a store
 * @patient_id: a patient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the chart
 * @user_data: data for @callback
 *
 * See stipple_store_load_chart().
 */
void
stipple_store_load_chart_async (StippleStore        *self,
                                gint64               patient_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));

  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, load_chart_job,
                           g_memdup2 (&patient_id, sizeof patient_id), g_free,
                           (GDestroyNotify) stipple_patient_chart_free, cancellable, callback,
                           user_data, stipple_store_load_chart_async);
}

/**
 * stipple_store_load_chart_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the chart, or %NULL with @error set
 */
StipplePatientChart *
stipple_store_load_chart_finish (StippleStore  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return stipple_store_run_finish (self, result, error);
}

static gpointer
save_session_job (StippleStore  *self,
                  gpointer       session,
                  GCancellable  *cancellable,
                  GError       **error)
{
  if (!stipple_store_save_session (self, session, error))
    return NULL;
  return stipple_session_copy (session);
}

/**
 * stipple_store_save_session_async:
 * @self: a store
 * @session: the session; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when saved
 * @user_data: data for @callback
 *
 * See stipple_store_save_session().
 */
void
stipple_store_save_session_async (StippleStore          *self,
                                  const StippleSession  *session,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));
  g_return_if_fail (session != NULL);

  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, save_session_job,
                           stipple_session_copy (session), (GDestroyNotify) stipple_session_free,
                           (GDestroyNotify) stipple_session_free, cancellable, callback, user_data,
                           stipple_store_save_session_async);
}

/**
 * stipple_store_save_session_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the session as saved, with its id, or %NULL
 */
StippleSession *
stipple_store_save_session_finish (StippleStore  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return stipple_store_run_finish (self, result, error);
}

static gpointer
save_screening_answer_job (StippleStore  *self,
                           gpointer       answer,
                           GCancellable  *cancellable,
                           GError       **error)
{
  if (!stipple_store_save_screening_answer (self, answer, error))
    return NULL;
  return stipple_screening_answer_copy (answer);
}

/**
 * stipple_store_save_screening_answer_async:
 * @self: a store
 * @answer: a new answer; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when saved
 * @user_data: data for @callback
 *
 * See stipple_store_save_screening_answer().
 */
void
stipple_store_save_screening_answer_async (StippleStore                 *self,
                                           const StippleScreeningAnswer *answer,
                                           GCancellable                 *cancellable,
                                           GAsyncReadyCallback           callback,
                                           gpointer                      user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));
  g_return_if_fail (answer != NULL && answer->id == 0);

  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, save_screening_answer_job,
                           stipple_screening_answer_copy (answer),
                           (GDestroyNotify) stipple_screening_answer_free,
                           (GDestroyNotify) stipple_screening_answer_free, cancellable, callback,
                           user_data, stipple_store_save_screening_answer_async);
}

/**
 * stipple_store_save_screening_answer_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the answer as saved, with its id, or %NULL
 */
StippleScreeningAnswer *
stipple_store_save_screening_answer_finish (StippleStore  *self,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  return stipple_store_run_finish (self, result, error);
}

static gpointer
save_consent_job (StippleStore  *self,
                  gpointer       consent,
                  GCancellable  *cancellable,
                  GError       **error)
{
  if (!stipple_store_save_consent (self, consent, error))
    return NULL;
  return stipple_consent_copy (consent);
}

/**
 * stipple_store_save_consent_async:
 * @self: a store
 * @consent: a new consent; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when saved
 * @user_data: data for @callback
 *
 * See stipple_store_save_consent().
 */
void
stipple_store_save_consent_async (StippleStore         *self,
                                  const StippleConsent *consent,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));
  g_return_if_fail (consent != NULL && consent->id == 0);

  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, save_consent_job,
                           stipple_consent_copy (consent), (GDestroyNotify) stipple_consent_free,
                           (GDestroyNotify) stipple_consent_free, cancellable, callback, user_data,
                           stipple_store_save_consent_async);
}

/**
 * stipple_store_save_consent_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the consent as saved, with its id, or %NULL
 */
StippleConsent *
stipple_store_save_consent_finish (StippleStore  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return stipple_store_run_finish (self, result, error);
}

typedef struct
{
  gint64          session_id;
  StippleNoteKind kind;
  char           *text;
} NoteData;

static void
note_data_free (NoteData *data)
{
  g_free (data->text);
  g_free (data);
}

static gpointer
save_note_job (StippleStore  *self,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  NoteData *note = data;

  if (!stipple_store_save_note (self, note->session_id, note->kind, note->text, error))
    return NULL;
  return JOB_DONE;
}

/**
 * stipple_store_save_note_async:
 * @self: a store
 * @session_id: the session
 * @kind: which of its notes
 * @text: the whole note
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when saved
 * @user_data: data for @callback
 *
 * See stipple_store_save_note(); #StippleNoteSaver calls this as the
 * clinician types. Runs on the writer, where no long copy ever queues.
 */
void
stipple_store_save_note_async (StippleStore        *self,
                               gint64               session_id,
                               StippleNoteKind      kind,
                               const char          *text,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  NoteData *data;

  g_return_if_fail (STIPPLE_IS_STORE (self));

  data = g_new0 (NoteData, 1);
  data->session_id = session_id;
  data->kind = kind;
  data->text = g_strdup (text);
  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, save_note_job, data,
                           (GDestroyNotify) note_data_free, NULL, cancellable, callback, user_data,
                           stipple_store_save_note_async);
}

/**
 * stipple_store_save_note_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: whether the note is saved
 */
gboolean
stipple_store_save_note_finish (StippleStore  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return stipple_store_run_finish_boolean (self, result, error);
}

/* An event the file refuses for what it is, or has already, will never
 * be written; one the disk refused waits for room. */
static gboolean
audit_refused_for_good (const GError *error)
{
  return g_error_matches (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT) ||
         g_error_matches (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DUPLICATE) ||
         g_error_matches (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND);
}

/* Writes the audit events a full or failing disk refused earlier, in
 * the order they happened. Writer thread only, or closing. */
gboolean
stipple_store_write_audit_backlog (StippleStore  *self,
                                   GError       **error)
{
  StippleAuditEntry *entry;

  while ((entry = g_queue_peek_head (&self->audit_backlog)) != NULL)
    {
      GError *local_error = NULL;

      if (!stipple_store_append_audit (self, entry, &local_error) &&
          !audit_refused_for_good (local_error))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      g_clear_error (&local_error);
      stipple_audit_entry_free (g_queue_pop_head (&self->audit_backlog));
    }
  return TRUE;
}

static gpointer
append_audit_job (StippleStore  *self,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  StippleAuditEntry *entry = data;
  GError *local_error = NULL;

  /* The same uid on every attempt, so the event is written once. */
  if (entry->uid == NULL)
    entry->uid = g_uuid_string_random ();
  if (stipple_store_write_audit_backlog (self, &local_error) &&
      stipple_store_append_audit (self, entry, &local_error))
    return g_memdup2 (&entry->id, sizeof entry->id);

  if (!audit_refused_for_good (local_error))
    g_queue_push_tail (&self->audit_backlog, stipple_audit_entry_copy (entry));
  g_propagate_error (error, local_error);
  return NULL;
}

/**
 * stipple_store_append_audit_async:
 * @self: a store
 * @entry: the event; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when recorded
 * @user_data: data for @callback
 *
 * See stipple_store_append_audit(). An event the disk refuses is kept
 * and written, in order, before the next one.
 */
void
stipple_store_append_audit_async (StippleStore             *self,
                                  const StippleAuditEntry  *entry,
                                  GCancellable             *cancellable,
                                  GAsyncReadyCallback       callback,
                                  gpointer                  user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));
  g_return_if_fail (entry != NULL);

  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, append_audit_job,
                           stipple_audit_entry_copy (entry),
                           (GDestroyNotify) stipple_audit_entry_free, g_free, cancellable,
                           callback, user_data, stipple_store_append_audit_async);
}

/**
 * stipple_store_append_audit_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: the new entry's id, or 0 with @error set
 */
gint64
stipple_store_append_audit_finish (StippleStore  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_autofree gint64 *id = stipple_store_run_finish (self, result, error);

  return id != NULL ? *id : 0;
}

typedef struct
{
  gint64       session_id;
  StippleZone  zone;
  guint64      strokes;
  guint64      time_in_zone_us;
  guint64      out_of_tolerance;
} ZoneTotals;

static gpointer
add_zone_totals_job (StippleStore  *self,
                     gpointer       data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  ZoneTotals *totals = data;

  if (!stipple_store_add_zone_totals (self, totals->session_id, totals->zone, totals->strokes,
                                      totals->time_in_zone_us, totals->out_of_tolerance, error))
    return NULL;
  return JOB_DONE;
}

/**
 * stipple_store_add_zone_totals_async:
 * @self: a store
 * @session_id: the session
 * @zone: the zone
 * @strokes: strokes to add
 * @time_in_zone_us: time on skin to add
 * @out_of_tolerance: strokes out of tolerance to add
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when recorded
 * @user_data: data for @callback
 *
 * See stipple_store_add_zone_totals(); runs on the writer, so a running
 * treatment never waits for the disk.
 */
void
stipple_store_add_zone_totals_async (StippleStore        *self,
                                     gint64               session_id,
                                     StippleZone          zone,
                                     guint64              strokes,
                                     guint64              time_in_zone_us,
                                     guint64              out_of_tolerance,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  ZoneTotals *totals;

  g_return_if_fail (STIPPLE_IS_STORE (self));

  totals = g_new0 (ZoneTotals, 1);
  totals->session_id = session_id;
  totals->zone = zone;
  totals->strokes = strokes;
  totals->time_in_zone_us = time_in_zone_us;
  totals->out_of_tolerance = out_of_tolerance;
  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, add_zone_totals_job, totals, g_free,
                           NULL, cancellable, callback, user_data,
                           stipple_store_add_zone_totals_async);
}

/**
 * stipple_store_add_zone_totals_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the totals are recorded
 */
gboolean
stipple_store_add_zone_totals_finish (StippleStore  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return stipple_store_run_finish_boolean (self, result, error);
}

static gpointer
load_telemetry_job (StippleStore  *self,
                    gpointer       session_id,
                    GCancellable  *cancellable,
                    GError       **error)
{
  return stipple_store_load_telemetry (self, *(gint64 *) session_id, NULL, error);
}

/**
 * stipple_store_load_telemetry_async:
 * @self: a store
 * @session_id: a session
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the samples
 * @user_data: data for @callback
 *
 * Reads a session's needle data on the writer thread, after every block
 * already queued for it; see stipple_store_load_telemetry().
 */
void
stipple_store_load_telemetry_async (StippleStore        *self,
                                    gint64               session_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));

  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, load_telemetry_job,
                           g_memdup2 (&session_id, sizeof session_id), g_free,
                           (GDestroyNotify) g_array_unref, cancellable, callback, user_data,
                           stipple_store_load_telemetry_async);
}

/**
 * stipple_store_load_telemetry_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type StippleProtoSample): the samples
 */
GArray *
stipple_store_load_telemetry_finish (StippleStore  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return stipple_store_run_finish (self, result, error);
}

static gpointer
verify_job (StippleStore  *self,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  return stipple_store_verify (self, 0, error);
}

/**
 * stipple_store_verify_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context when done
 * @user_data: data for @callback
 *
 * Checks the whole file on the writer thread, after the work queued
 * before it; see stipple_store_verify().
 */
void
stipple_store_verify_async (StippleStore        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));

  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, verify_job, NULL, NULL,
                           (GDestroyNotify) stipple_verify_result_free, cancellable, callback,
                           user_data, stipple_store_verify_async);
}

/**
 * stipple_store_verify_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what was found, or %NULL with @error set
 */
StippleVerifyResult *
stipple_store_verify_finish (StippleStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return stipple_store_run_finish (self, result, error);
}

/* Export and import, on the long lane --------------------------------- */

typedef struct
{
  gint64  patient_id;
  char   *path;
} FileData;

static void
file_data_free (FileData *data)
{
  g_free (data->path);
  g_free (data);
}

static gpointer
export_job (StippleStore  *self,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  FileData *file = data;

  if (!stipple_store_export_patient (self, file->patient_id, file->path, error))
    return NULL;
  return JOB_DONE;
}

/**
 * stipple_store_export_patient_async:
 * @self: a store
 * @patient_id: the patient
 * @destination: a new file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when written
 * @user_data: data for @callback
 *
 * See stipple_store_export_patient(); runs on the long lane.
 */
void
stipple_store_export_patient_async (StippleStore        *self,
                                    gint64               patient_id,
                                    const char          *destination,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  FileData *data;

  g_return_if_fail (STIPPLE_IS_STORE (self));
  g_return_if_fail (destination != NULL);

  data = g_new0 (FileData, 1);
  data->patient_id = patient_id;
  data->path = g_strdup (destination);
  stipple_store_run_async (self, STIPPLE_STORE_LANE_LONG, export_job, data,
                           (GDestroyNotify) file_data_free, NULL, cancellable, callback, user_data,
                           stipple_store_export_patient_async);
}

/**
 * stipple_store_export_patient_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: whether the file was written whole
 */
gboolean
stipple_store_export_patient_finish (StippleStore  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return stipple_store_run_finish_boolean (self, result, error);
}

static gpointer
import_job (StippleStore  *self,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  FileData *file = data;

  return stipple_store_import (self, file->path, error);
}

/**
 * stipple_store_import_async:
 * @self: a store
 * @source: a patient file to merge
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when merged
 * @user_data: data for @callback
 *
 * See stipple_store_import(); runs on the long lane.
 */
void
stipple_store_import_async (StippleStore        *self,
                            const char          *source,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  FileData *data;

  g_return_if_fail (STIPPLE_IS_STORE (self));
  g_return_if_fail (source != NULL);

  data = g_new0 (FileData, 1);
  data->path = g_strdup (source);
  stipple_store_run_async (self, STIPPLE_STORE_LANE_LONG, import_job, data,
                           (GDestroyNotify) file_data_free,
                           (GDestroyNotify) stipple_import_result_free, cancellable, callback,
                           user_data, stipple_store_import_async);
}

/**
 * stipple_store_import_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what was merged, or %NULL with @error set
 */
StippleImportResult *
stipple_store_import_finish (StippleStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return stipple_store_run_finish (self, result, error);
}

static gpointer
import_preview_job (StippleStore  *self,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  FileData *file = data;

  return stipple_store_import_preview (self, file->path, error);
}

/**
 * stipple_store_import_preview_async:
 * @self: a store
 * @source: a patient file to merge
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with what an import would merge
 * @user_data: data for @callback
 *
 * See stipple_store_import_preview(); runs on the long lane. Finish with
 * stipple_store_import_finish().
 */
void
stipple_store_import_preview_async (StippleStore        *self,
                                    const char          *source,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  FileData *data;

  g_return_if_fail (STIPPLE_IS_STORE (self));
  g_return_if_fail (source != NULL);

  data = g_new0 (FileData, 1);
  data->path = g_strdup (source);
  stipple_store_run_async (self, STIPPLE_STORE_LANE_LONG, import_preview_job, data,
                           (GDestroyNotify) file_data_free,
                           (GDestroyNotify) stipple_import_result_free, cancellable, callback,
                           user_data, stipple_store_import_preview_async);
}
