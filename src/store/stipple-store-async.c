/* stipple-store-async.c
 *
 * The store's one way of running work away from the main thread:
 * stipple_store_run_async() queues a job on one of the store's lanes
 * (stipple-store.h says which job runs where, and why) and completes a
 * GTask on the caller's main context. The _async/_finish pairs below,
 * for work on no open store and for the long lane, are each a job
 * function and a few lines around it; the writer's are in
 * stipple-store-async-writer.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include "stipple-store-backup.h"
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

/* Restoring and reading backups: no store ------------------------------ */

/* The restore replaces a file no store has open: a job with no store. */
static gpointer
restore_job (StippleStore  *none,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  char **paths = data;
  char *aside = NULL;

  if (!stipple_store_restore_full (paths[0], paths[1], &aside, error))
    return NULL;
  return aside != NULL ? aside : g_strdup ("");
}

/**
 * stipple_store_restore_async:
 * @path: the patient file to restore; no store may have it open
 * @backup_path: a backup of it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when restored or refused
 * @user_data: data for @callback
 *
 * See stipple_store_restore_full(); runs away from the calling thread.
 */
void
stipple_store_restore_async (const char          *path,
                             const char          *backup_path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  char **paths;

  g_return_if_fail (path != NULL && backup_path != NULL);

  paths = g_new0 (char *, 3);
  paths[0] = g_strdup (path);
  paths[1] = g_strdup (backup_path);
  stipple_store_run_async (NULL, STIPPLE_STORE_LANE_LONG, restore_job, paths,
                           (GDestroyNotify) g_strfreev, g_free, cancellable, callback, user_data,
                           stipple_store_restore_async);
}

/**
 * stipple_store_restore_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): where the replaced file was kept, "" when
 *   there was none, or %NULL with @error set
 */
char *
stipple_store_restore_finish (GAsyncResult  *result,
                              GError       **error)
{
  return stipple_store_run_finish (NULL, result, error);
}

static gpointer
describe_job (StippleStore  *none,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  char **paths = data;

  if (paths[1] != NULL)
    return stipple_store_describe_off_machine_copies (paths[0], paths[1]);
  return stipple_store_describe_backups (paths[0]);
}

/**
 * stipple_store_describe_backups_async:
 * @path: a patient file
 * @folder: (nullable): a folder off the machine, for the copies there
 *   instead of the backups beside @path
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the descriptions
 * @user_data: data for @callback
 *
 * Reads every backup (or every copy in @folder) away from the calling
 * thread; see stipple_store_describe_backups() and
 * stipple_store_describe_off_machine_copies(). Reads backup files only,
 * never the patient file, so it queues behind nothing.
 */
void
stipple_store_describe_backups_async (const char          *path,
                                      const char          *folder,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  char **paths;

  g_return_if_fail (path != NULL);

  paths = g_new0 (char *, 3);
  paths[0] = g_strdup (path);
  paths[1] = g_strdup (folder);
  stipple_store_run_async (NULL, STIPPLE_STORE_LANE_LONG, describe_job, paths,
                           (GDestroyNotify) g_strfreev, (GDestroyNotify) g_ptr_array_unref,
                           cancellable, callback, user_data, stipple_store_describe_backups_async);
}

/**
 * stipple_store_describe_backups_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type StippleBackupInfo): the
 *   descriptions, newest first
 */
GPtrArray *
stipple_store_describe_backups_finish (GAsyncResult  *result,
                                       GError       **error)
{
  return stipple_store_run_finish (NULL, result, error);
}

/* Export and import, on the long lane --------------------------------- */

typedef struct
{
  gint64  patient_id;
  char   *path;
  /* Import only: the patients whose details are taken. */
  char  **take_details;
} FileData;

static void
file_data_free (FileData *data)
{
  g_free (data->path);
  g_strfreev (data->take_details);
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
  return STIPPLE_STORE_JOB_DONE;
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

  return stipple_store_import_full (self, file->path, (const char * const *) file->take_details,
                                    error);
}

/**
 * stipple_store_import_async:
 * @self: a store
 * @source: a patient file to merge
 * @take_details: (nullable) (array zero-terminated=1): the uids of the
 *   patients whose details are taken from @source; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when merged
 * @user_data: data for @callback
 *
 * See stipple_store_import_full(); runs on the long lane.
 */
void
stipple_store_import_async (StippleStore        *self,
                            const char          *source,
                            const char * const  *take_details,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  FileData *data;

  g_return_if_fail (STIPPLE_IS_STORE (self));
  g_return_if_fail (source != NULL);

  data = g_new0 (FileData, 1);
  data->path = g_strdup (source);
  data->take_details = g_strdupv ((char **) take_details);
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
