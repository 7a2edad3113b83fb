/* stipple-store.h: the patient file
 *
 * Where the store's work runs. One execution model, for every caller:
 *
 * - Everything that reads or writes the live file through the store's
 *   connection runs on the store's one writer thread, in the order it
 *   was queued: patients, screening, consents, sessions, notes and
 *   addenda, audit rows, zone totals, photographs, needle data (each
 *   full block is queued there by stipple_store_append_telemetry()),
 *   charts, searches and reports' reads. Two writes queued in order land
 *   in order.
 * - Seven long jobs run on the store's long lane instead, one at a time,
 *   so that they never sit in the writer's queue in front of a note:
 *   a backup, the copy off the machine, the export of a patient, an
 *   import, the archiving of closed days' needle data and the thinning
 *   of what is past the clinic's retention (each written through a
 *   connection of its own; only its closing transaction takes the
 *   store's), and the check of the whole file the window runs after
 *   opening (minutes for a file of some years: integrity, chain and
 *   every seal). They first wait for the needle data queued on the writer
 *   (stipple_store_flush_telemetry()), which is why they cannot run on
 *   the writer itself. A backup, the copy off the machine, an export
 *   and the check read through a connection of their own and never take the store's:
 *   in WAL mode a reader never holds up the writer, so notes are saved
 *   while they run. An import merges in one transaction on the store's
 *   connection: for that transaction a write on the writer waits, as
 *   SQLite admits one writer at a time.
 * - Work on no open store (opening, restoring a backup, reading what
 *   the backups hold) runs on GLib's worker pool: no file is open, so
 *   nothing can queue behind it.
 *
 * All three go through stipple_store_run_async(); nothing else starts a
 * thread for store work. A job sees only the store and the data it was
 * given, never a window or the application. The synchronous calls block
 * on the patient file and take the same lock as the writer: jobs on a
 * lane, the command-line tools and the tests call them. The interface
 * makes no synchronous store call that reads or writes the file: it
 * uses the _async forms, or runs a job of its own on the writer through
 * stipple_store_run_async() (the photograph windows read their lists,
 * pixels and consent, and record a refusal, that way, and decode the
 * pixels in the same job).
 *
 * The note saver's writes are writer jobs (stipple_store_save_note_async())
 * and no long job is ever queued there: tests/test-store-async.c holds
 * the long lane and checks that a note is saved meanwhile, and runs an
 * export to the end while a write is open on the store's connection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "stipple-proto-sample.h"
#include "stipple-store-limits.h"
#include "stipple-store-records.h"
#include "stipple-store-photos.h"

G_BEGIN_DECLS

#define STIPPLE_STORE_ERROR (stipple_store_error_quark ())

typedef enum
{
  STIPPLE_STORE_ERROR_FAILED,
  STIPPLE_STORE_ERROR_LOCKED,
  STIPPLE_STORE_ERROR_READ_ONLY,
  STIPPLE_STORE_ERROR_NO_PERMISSION,
  STIPPLE_STORE_ERROR_DISK_FULL,
  STIPPLE_STORE_ERROR_IO,
  STIPPLE_STORE_ERROR_CORRUPT,
  STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE,
  STIPPLE_STORE_ERROR_TOO_NEW,
  STIPPLE_STORE_ERROR_NO_FOLDER,
  STIPPLE_STORE_ERROR_INVALID_INPUT,
  STIPPLE_STORE_ERROR_DUPLICATE,
  STIPPLE_STORE_ERROR_NOT_FOUND,
  STIPPLE_STORE_ERROR_CLOSED,
  /* The patient has not consented to what was asked (photographs). */
  STIPPLE_STORE_ERROR_NO_CONSENT,
} StippleStoreError;

/* "Stpl" in the SQLite header's application_id field. */
#define STIPPLE_STORE_APPLICATION_ID 0x5374706c
/* The schema version this build writes, kept in PRAGMA user_version. */
#define STIPPLE_STORE_SCHEMA_VERSION 10
/* Samples per telemetry block: one second at the pen's 8 kHz. */
#define STIPPLE_STORE_TELEMETRY_BLOCK 8000
/* Daily backups kept beside the patient file. */
#define STIPPLE_STORE_DAILY_BACKUPS 7

/* A patient in both files whose contact details, skin type or allergies
 * differ: the one conflict an import lets the clinician settle either
 * way (stipple_store_import_full()). */
typedef struct
{
  /* The patient's uid on this computer, which names the choice. */
  char     *patient_uid;
  /* As this computer has them: given and family name. */
  char     *patient_name;
  /* One line a field that differs: "Phone: here …; imported …". */
  char     *differences;
  /* Whether the imported details replaced this computer's. */
  gboolean  taken;
} StippleImportDetails;

typedef struct
{
  guint      patients_added;
  guint      patients_merged;
  guint      sessions_added;
  /* Patients whose details were taken from the imported file. */
  guint      details_taken;
  /* (element-type utf8): what was found different and left as it was
   * here, in words a clinician can act on; details are in @details. */
  GPtrArray *conflicts;
  /* (element-type StippleImportDetails): the patients whose details
   * differ, taken or kept. */
  GPtrArray *details;
} StippleImportResult;

void stipple_import_result_free (StippleImportResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleImportResult, stipple_import_result_free)

/* One place where the record does not hold together. */
typedef struct
{
  /* The audit row where it shows, or 0. */
  gint64  row;
  /* The session it concerns, or 0 when it concerns the whole file. */
  gint64  session_id;
  /* In words a clinician or an auditor can act on. */
  char   *message;
} StippleVerifyBreak;

typedef struct
{
  /* (element-type StippleVerifyBreak): empty when the record is whole. */
  GPtrArray *breaks;
  /* The chain's head: its last audit row and that row's hash, for a
   * report to print as an anchor. */
  gint64     head_id;
  char      *head_hash;
  gint64     n_rows;
  gint64     n_sealed;
  /* (element-type utf8): what an auditor should know that is no break,
   * e.g. which needle data was thinned, and when. */
  GPtrArray *notes;
} StippleVerifyResult;

void stipple_verify_result_free (StippleVerifyResult *result);
const StippleVerifyBreak *stipple_verify_result_get_session_break (const StippleVerifyResult *result,
                                                                   gint64                     session_id);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleVerifyResult, stipple_verify_result_free)

#define STIPPLE_TYPE_STORE (stipple_store_get_type ())

G_DECLARE_FINAL_TYPE (StippleStore, stipple_store, STIPPLE, STORE, GObject)

GQuark               stipple_store_error_quark          (void);

/**
 * StippleStoreLane:
 * @STIPPLE_STORE_LANE_WRITER: the store's one writer thread, in the
 *   order the jobs were queued; every job that reads or writes the live
 *   file through the store's connection
 * @STIPPLE_STORE_LANE_LONG: the store's thread for long jobs (backup,
 *   export, import, the copy off the machine, needle archiving and
 *   thinning, the check of the whole file), one at a time in order,
 *   so that none of them holds up the writer's queue for seconds
 *
 * Where stipple_store_run_async() runs a job.
 */
typedef enum
{
  STIPPLE_STORE_LANE_WRITER,
  STIPPLE_STORE_LANE_LONG,
} StippleStoreLane;

/**
 * StippleStoreJobFunc:
 * @self: (nullable): the store, or %NULL for a job on no open store
 * @data: the job's data
 * @cancellable: (nullable): the job's #GCancellable
 * @error: return location for a #GError
 *
 * A piece of store work. It runs away from the main thread and must
 * touch nothing but @self and @data: no window, no application.
 *
 * Returns: (nullable): the result; failure is @error set, not %NULL
 */
typedef gpointer (*StippleStoreJobFunc) (StippleStore  *self,
                                         gpointer       data,
                                         GCancellable  *cancellable,
                                         GError       **error);

void                 stipple_store_run_async            (StippleStore             *self,
                                                         StippleStoreLane          lane,
                                                         StippleStoreJobFunc       func,
                                                         gpointer                  data,
                                                         GDestroyNotify            data_free,
                                                         GDestroyNotify            result_free,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data,
                                                         gpointer                  source_tag);
gpointer             stipple_store_run_finish           (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
gboolean             stipple_store_run_finish_boolean   (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);

StippleStore        *stipple_store_open                 (const char               *path,
                                                         GError                  **error);
StippleStore        *stipple_store_open_full            (const char               *path,
                                                         gboolean                  daily_backup_wanted,
                                                         GError                  **error);
void                 stipple_store_open_async           (const char               *path,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
StippleStore        *stipple_store_open_finish          (GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_close                (StippleStore             *self);
const char          *stipple_store_get_path             (StippleStore             *self);
char                *stipple_store_get_backup_dir       (const char               *path);
const GError        *stipple_store_get_backup_problem   (StippleStore             *self);
gboolean             stipple_store_get_integrity_checked (StippleStore            *self);

/* Patients and what is recorded about them. The synchronous calls block
 * on the patient file: call them from a store job, a tool or a test;
 * the interface uses the _async forms, which run on the store's one
 * writer thread in the order they were made. */
gboolean             stipple_store_save_patient         (StippleStore             *self,
                                                         StipplePatient           *patient,
                                                         GError                  **error);
gboolean             stipple_store_save_patients        (StippleStore             *self,
                                                         GPtrArray                *patients,
                                                         GError                  **error);
StipplePatient      *stipple_store_get_patient          (StippleStore             *self,
                                                         gint64                    patient_id,
                                                         GError                  **error);
GPtrArray           *stipple_store_search_patients      (StippleStore             *self,
                                                         const char               *query,
                                                         guint                     limit,
                                                         GError                  **error);
gboolean             stipple_store_find_session_patient (StippleStore             *self,
                                                         gint64                    session_id,
                                                         gint64                   *patient_id,
                                                         GError                  **error);
StipplePatientChart *stipple_store_load_chart           (StippleStore             *self,
                                                         gint64                    patient_id,
                                                         GError                  **error);
gboolean             stipple_store_save_screening_answer (StippleStore            *self,
                                                         StippleScreeningAnswer   *answer,
                                                         GError                  **error);
gboolean             stipple_store_save_consent         (StippleStore             *self,
                                                         StippleConsent           *consent,
                                                         GError                  **error);
gboolean             stipple_store_save_course          (StippleStore             *self,
                                                         StippleCourse            *course,
                                                         GError                  **error);
gboolean             stipple_store_save_session         (StippleStore             *self,
                                                         StippleSession           *session,
                                                         GError                  **error);
gboolean             stipple_store_begin_session        (StippleStore             *self,
                                                         StippleSession           *session,
                                                         GPtrArray                *answers,
                                                         GPtrArray                *consents,
                                                         GError                  **error);
void                 stipple_store_begin_session_async  (StippleStore             *self,
                                                         const StippleSession     *session,
                                                         GPtrArray                *answers,
                                                         GPtrArray                *consents,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
StippleSession      *stipple_store_begin_session_finish (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
gboolean             stipple_store_save_note            (StippleStore             *self,
                                                         gint64                    session_id,
                                                         StippleNoteKind           kind,
                                                         const char               *text,
                                                         GError                  **error);
gboolean             stipple_store_add_note_addendum    (StippleStore             *self,
                                                         gint64                    session_id,
                                                         StippleNoteKind           kind,
                                                         const char               *text,
                                                         const char               *author,
                                                         GError                  **error);
void                 stipple_store_add_note_addendum_async (StippleStore          *self,
                                                         gint64                    session_id,
                                                         StippleNoteKind           kind,
                                                         const char               *text,
                                                         const char               *author,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
gboolean             stipple_store_add_note_addendum_finish (StippleStore         *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
GPtrArray           *stipple_store_list_note_addenda    (StippleStore             *self,
                                                         gint64                    session_id,
                                                         GError                  **error);
gboolean             stipple_store_add_strokes          (StippleStore             *self,
                                                         gint64                    session_id,
                                                         StippleZone               zone,
                                                         guint64                   strokes,
                                                         GError                  **error);
gboolean             stipple_store_add_zone_totals      (StippleStore             *self,
                                                         gint64                    session_id,
                                                         StippleZone               zone,
                                                         guint64                   strokes,
                                                         guint64                   time_in_zone_us,
                                                         guint64                   out_of_tolerance,
                                                         GError                  **error);
gboolean             stipple_store_append_audit         (StippleStore             *self,
                                                         StippleAuditEntry        *entry,
                                                         GError                  **error);
GPtrArray           *stipple_store_list_audit           (StippleStore             *self,
                                                         gint64                    session_id,
                                                         GError                  **error);

/* Telemetry: samples are gathered into blocks and written by the writer
 * thread; appending never waits for the disk. */
gboolean             stipple_store_append_telemetry     (StippleStore             *self,
                                                         gint64                    session_id,
                                                         const StippleProtoSample *samples,
                                                         guint                     n_samples,
                                                         GError                  **error);
gboolean             stipple_store_flush_telemetry      (StippleStore             *self,
                                                         GError                  **error);
void                 stipple_store_flush_telemetry_async (StippleStore            *self,
                                                          GCancellable            *cancellable,
                                                          GAsyncReadyCallback      callback,
                                                          gpointer                 user_data);
gboolean             stipple_store_flush_telemetry_finish (StippleStore           *self,
                                                           GAsyncResult           *result,
                                                           GError                **error);
GArray              *stipple_store_load_telemetry       (StippleStore             *self,
                                                         gint64                    session_id,
                                                         GArray                  **times_us,
                                                         GError                  **error);

/* Needle archives: the needle data of a closed day, apart from the
 * patient file, which keeps each session's hash (docs/patient-file.md). */
gboolean             stipple_store_archive_month        (StippleStore             *self,
                                                         const char               *period,
                                                         guint                    *n_archived,
                                                         GError                  **error);
gboolean             stipple_store_archive_closed_days  (StippleStore             *self,
                                                         guint                    *n_days,
                                                         guint                    *n_archived,
                                                         GError                  **error);
void                 stipple_store_archive_month_async  (StippleStore             *self,
                                                         const char               *period,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
gboolean             stipple_store_archive_month_finish (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         guint                    *n_archived,
                                                         GError                  **error);
char                *stipple_store_get_archive_dir      (const char               *path);
gboolean             stipple_store_thin_needle_data     (StippleStore             *self,
                                                         const char               *before,
                                                         guint                    *n_thinned,
                                                         GError                  **error);
void                 stipple_store_thin_needle_data_async (StippleStore           *self,
                                                         const char               *before,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
gboolean             stipple_store_thin_needle_data_finish (StippleStore          *self,
                                                         GAsyncResult             *result,
                                                         guint                    *n_thinned,
                                                         GError                  **error);
char                *stipple_store_retention_cutoff     (guint                     months);
char                *stipple_store_get_needle_thinned_at (StippleStore            *self,
                                                         gint64                    session_id,
                                                         GError                  **error);
gboolean             stipple_store_get_needle_archived  (StippleStore             *self,
                                                         gint64                    session_id);

/* Backups, export and import. */
GArray              *stipple_store_load_telemetry_full  (StippleStore             *self,
                                                         gint64                    session_id,
                                                         GArray                  **times_us,
                                                         GArray                  **skipped,
                                                         guint                    *n_blocks,
                                                         GError                  **error);
char                *stipple_store_backup               (StippleStore             *self,
                                                         GError                  **error);
GPtrArray           *stipple_store_list_backups         (const char               *path);
gboolean             stipple_store_restore              (const char               *path,
                                                         const char               *backup_path,
                                                         GError                  **error);
gboolean             stipple_store_export_patient       (StippleStore             *self,
                                                         gint64                    patient_id,
                                                         const char               *destination,
                                                         GError                  **error);
StippleImportResult *stipple_store_import               (StippleStore             *self,
                                                         const char               *source,
                                                         GError                  **error);
StippleImportResult *stipple_store_import_preview       (StippleStore             *self,
                                                         const char               *source,
                                                         GError                  **error);
StippleImportResult *stipple_store_import_full          (StippleStore             *self,
                                                         const char               *source,
                                                         const char * const       *take_details,
                                                         GError                  **error);

StippleStore        *stipple_store_open_read_only       (const char               *path,
                                                         GError                  **error);
StippleVerifyResult *stipple_store_verify               (StippleStore             *self,
                                                         gint64                    session_id,
                                                         GError                  **error);

gboolean             stipple_store_fill_demo            (StippleStore             *self,
                                                         GDateTime                *now,
                                                         GError                  **error);

/* Asynchronous forms, for the interface. */
void                 stipple_store_save_patient_async   (StippleStore             *self,
                                                         const StipplePatient     *patient,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
StipplePatient      *stipple_store_save_patient_finish  (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_search_patients_async (StippleStore            *self,
                                                         const char               *query,
                                                         guint                     limit,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
GPtrArray           *stipple_store_search_patients_finish (StippleStore           *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_load_chart_async     (StippleStore             *self,
                                                         gint64                    patient_id,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
StipplePatientChart *stipple_store_load_chart_finish    (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_save_session_async   (StippleStore             *self,
                                                         const StippleSession     *session,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
StippleSession      *stipple_store_save_session_finish  (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_save_screening_answer_async (StippleStore                 *self,
                                                         const StippleScreeningAnswer *answer,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
StippleScreeningAnswer *stipple_store_save_screening_answer_finish (StippleStore       *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_save_consent_async   (StippleStore             *self,
                                                         const StippleConsent     *consent,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
StippleConsent      *stipple_store_save_consent_finish  (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_save_note_async      (StippleStore             *self,
                                                         gint64                    session_id,
                                                         StippleNoteKind           kind,
                                                         const char               *text,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
gboolean             stipple_store_save_note_finish     (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_add_zone_totals_async  (StippleStore             *self,
                                                           gint64                    session_id,
                                                           StippleZone               zone,
                                                           guint64                   strokes,
                                                           guint64                   time_in_zone_us,
                                                           guint64                   out_of_tolerance,
                                                           GCancellable             *cancellable,
                                                           GAsyncReadyCallback       callback,
                                                           gpointer                  user_data);
gboolean             stipple_store_add_zone_totals_finish (StippleStore             *self,
                                                           GAsyncResult             *result,
                                                           GError                  **error);
void                 stipple_store_append_audit_async   (StippleStore             *self,
                                                         const StippleAuditEntry  *entry,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
gint64               stipple_store_append_audit_finish  (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_write_pending_audit_async (StippleStore        *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean             stipple_store_write_pending_audit_finish (StippleStore       *self,
                                                               GAsyncResult       *result,
                                                               GError            **error);
void                 stipple_store_export_patient_async (StippleStore            *self,
                                                         gint64                    patient_id,
                                                         const char               *destination,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
gboolean             stipple_store_export_patient_finish (StippleStore           *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_import_async         (StippleStore             *self,
                                                         const char               *source,
                                                         const char * const       *take_details,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
StippleImportResult *stipple_store_import_finish        (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_import_preview_async (StippleStore             *self,
                                                         const char               *source,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
void                 stipple_store_backup_async         (StippleStore             *self,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
char                *stipple_store_backup_finish        (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_load_telemetry_async (StippleStore             *self,
                                                         gint64                    session_id,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
GArray              *stipple_store_load_telemetry_finish (StippleStore           *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_daily_backup_async   (StippleStore             *self,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
gboolean             stipple_store_daily_backup_finish  (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                 stipple_store_verify_async         (StippleStore             *self,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
StippleVerifyResult *stipple_store_verify_finish        (StippleStore             *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);

G_END_DECLS
