/* stipple-store-async-writer.c
 *
 * The _async/_finish pairs that run on the store's writer thread, in the
 * order they were queued: each is a job for stipple_store_run_async()
 * around the synchronous call of the same name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include "stipple-store-private.h"

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
  return STIPPLE_STORE_JOB_DONE;
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

static gpointer
write_pending_audit_job (StippleStore  *self,
                         gpointer       data,
                         GCancellable  *cancellable,
                         GError       **error)
{
  GError *local_error = NULL;

  if (stipple_store_write_audit_backlog (self, &local_error))
    return GINT_TO_POINTER (TRUE);

  {
    guint n = g_queue_get_length (&self->audit_backlog);

    g_prefix_error (&local_error,
                    g_dngettext (GETTEXT_PACKAGE,
                                 "%u event of the audit trail is not in the patient file yet. ",
                                 "%u events of the audit trail are not in the patient file yet. ",
                                 n),
                    n);
  }
  g_propagate_error (error, local_error);
  return NULL;
}

/**
 * stipple_store_write_pending_audit_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every audit event is in the file, or some
 *   still cannot be written
 * @user_data: data for @callback
 *
 * Writes the audit events that a full or failing disk held back, behind
 * every job already queued on the writer. The window runs it before it
 * closes, so that an event about to be lost is told to the clinician
 * rather than to a log.
 */
void
stipple_store_write_pending_audit_async (StippleStore        *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, write_pending_audit_job, NULL, NULL,
                           NULL, cancellable, callback, user_data,
                           stipple_store_write_pending_audit_async);
}

/**
 * stipple_store_write_pending_audit_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError: the number of events still
 *   held back, and why
 *
 * Returns: whether no audit event is held back any more
 */
gboolean
stipple_store_write_pending_audit_finish (StippleStore  *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  return stipple_store_run_finish_boolean (self, result, error);
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
  return STIPPLE_STORE_JOB_DONE;
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

/* The whole file is read through a connection of its own: minutes for a
 * clinic's file of some years, during which the writer must go on saving
 * notes and audit rows. In WAL mode the reader sees the file as committed
 * when its read began, and never holds up the writer. */
static gpointer
verify_job (StippleStore  *self,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(StippleStore) reader = stipple_store_open_reader (self, error);

  if (reader == NULL)
    return NULL;
  return stipple_store_verify_full (reader, 0, FALSE, error);
}

/**
 * stipple_store_verify_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context when done
 * @user_data: data for @callback
 *
 * Checks the whole file, as committed when the check begins, on the
 * long lane through a reading connection of its own, so that the
 * writer's queue never waits for it; see stipple_store_verify(). The
 * needle archives are not opened: each is checked against the patient
 * file when its needle data is read, and by stipple_store_verify().
 */
void
stipple_store_verify_async (StippleStore        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));

  stipple_store_run_async (self, STIPPLE_STORE_LANE_LONG, verify_job, NULL, NULL,
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

/* The daily backup, read through a connection of its own on the long
 * lane: the opening of the file never waits for it, nor does a note. */
static gpointer
daily_backup_job (StippleStore  *self,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(StippleStore) reader = stipple_store_open_reader (self, error);

  if (reader == NULL || !stipple_store_daily_backup (reader, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

/**
 * stipple_store_daily_backup_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context when done
 * @user_data: data for @callback
 *
 * Takes today's backup of the file unless one was taken already, on the
 * long lane through a reading connection of its own, so that neither the
 * opening nor the writer waits for it. What stipple_store_open() does
 * before it returns, for a caller that must not wait.
 */
void
stipple_store_daily_backup_async (StippleStore        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));

  stipple_store_run_async (self, STIPPLE_STORE_LANE_LONG, daily_backup_job, NULL, NULL, NULL,
                           cancellable, callback, user_data, stipple_store_daily_backup_async);
}

/**
 * stipple_store_daily_backup_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * On the thread that asked for it. A backup that could not be taken is
 * also kept for stipple_store_get_backup_problem(); one taken clears it.
 *
 * Returns: whether today's backup is there
 */
gboolean
stipple_store_daily_backup_finish (StippleStore  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_clear_error (&self->backup_problem);
  if (stipple_store_run_finish_boolean (self, result, &local_error))
    return TRUE;
  self->backup_problem = g_error_copy (local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}
