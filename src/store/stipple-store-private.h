/* stipple-store-private.h: what the store's source files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "stipple-store.h"

G_BEGIN_DECLS

/* A cached statement: released (reset, bindings cleared) when it goes
 * out of scope, never finalized, so a half-stepped statement can never
 * keep a read transaction open. */
typedef sqlite3_stmt StippleStmt;
void stipple_stmt_release (StippleStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleStmt, stipple_stmt_release)

typedef struct _StippleTelemetryBuffer StippleTelemetryBuffer;

struct _StippleStore
{
  GObject      parent_instance;

  char        *path;
  int          lock_fd;
  GError      *backup_problem;
  /* Whether the WAL and its index were there before this opening, so a
   * refused file is left without companions it did not have. */
  gboolean     had_wal;
  gboolean     had_shm;
  /* Whether the last Stipple closed the file cleanly and nothing has
   * changed it since (read from the lock file on opening), whether this
   * opening therefore checked the file's integrity, and whether it
   * opened, so that closing may say the file was left clean. */
  gboolean     left_clean;
  gboolean     integrity_checked;
  gboolean     opened;
  /* Held for every use of db: the writer thread and the synchronous
   * calls take turns. */
  GMutex       mutex;
  sqlite3     *db;
  GHashTable  *stmts;
  /* One writer thread, so jobs run in the order they were queued. */
  GThreadPool *writer;
  /* The long lane: backups, export, import, the copy off the machine,
   * one at a time, so they never queue in front of the writer's jobs. */
  GThreadPool *long_jobs;

  /* Telemetry being gathered, by session id; guarded by telemetry_mutex
   * since the pen's thread appends while the writer drains. */
  GMutex       telemetry_mutex;
  GCond        telemetry_cond;
  GHashTable  *telemetry;
  guint        telemetry_pending;
  GError      *telemetry_error;
  /* Writer-side state: next sequence number and clock per session. */
  GHashTable  *telemetry_cursor;

  /* Audit events the disk refused, oldest first; written before the next
   * one. Writer thread only, and close once the writer is gone. */
  GQueue       audit_backlog;

  /* Opened by stipple_store_open_read_only(): never written, no lock;
   * read_copy is the private copy read instead of a file with a WAL. */
  gboolean     read_only;
  int          version;
  char        *read_copy;
  char        *read_copy_dir;
};

/* stipple-store.c: the object, its writer thread, closing */
typedef void (*StoreJobFunc) (StippleStore *self,
                              gpointer      data);
void         stipple_store_push             (StippleStore   *self,
                                             StoreJobFunc    func,
                                             gpointer        data,
                                             GDestroyNotify  destroy);

/* stipple-store-async.c */
/* What a job returns when it succeeded with nothing to return. */
#define STIPPLE_STORE_JOB_DONE GINT_TO_POINTER (TRUE)
void         stipple_store_long_job_cb      (gpointer       data,
                                             gpointer       user_data);

/* stipple-store-async-writer.c */
gboolean     stipple_store_write_audit_backlog (StippleStore  *self,
                                                GError       **error);

/* stipple-store-sql.c: errors and SQL helpers */
StippleStmt *stipple_store_prepare          (StippleStore  *self,
                                             const char    *sql,
                                             GError       **error);
gboolean     stipple_store_exec             (StippleStore  *self,
                                             const char    *sql,
                                             GError       **error);
gboolean     stipple_store_step_done        (StippleStore  *self,
                                             sqlite3_stmt  *stmt,
                                             GError       **error);
gboolean     stipple_store_begin            (StippleStore  *self,
                                             GError       **error);
gboolean     stipple_store_commit           (StippleStore  *self,
                                             GError       **error);
void         stipple_store_rollback         (StippleStore  *self);
void         stipple_store_set_sqlite_error (sqlite3       *db,
                                             int            rc,
                                             const char    *path,
                                             GError       **error);
gboolean     stipple_store_check_open       (StippleStore  *self,
                                             GError       **error);
char        *stipple_store_format_time      (GDateTime     *time);
GDateTime   *stipple_store_parse_time       (const char    *text);
void         stipple_store_set_error_for_code (StippleStoreError   code,
                                               const char         *path,
                                               const char         *detail,
                                               GError            **error);
void         stipple_store_set_errno_error  (int            saved_errno,
                                             const char    *path,
                                             GError       **error);
gboolean     stipple_store_query_int        (sqlite3       *db,
                                             const char    *path,
                                             const char    *sql,
                                             gint64        *value,
                                             GError       **error);
gboolean     stipple_store_exec_printf      (StippleStore  *self,
                                             GError       **error,
                                             const char    *format,
                                             ...) G_GNUC_PRINTF (3, 4);
gboolean     stipple_store_attach           (StippleStore  *self,
                                             const char    *path,
                                             const char    *name,
                                             GError       **error);
void         stipple_store_detach           (StippleStore  *self,
                                             const char    *name);

/* stipple-store-validate.c: the checks every record passes; each
 * returns FALSE with a STIPPLE_STORE_ERROR_INVALID_INPUT error. */
gboolean     stipple_store_invalid          (GError       **error,
                                             const char    *format,
                                             ...) G_GNUC_PRINTF (2, 3);
gboolean     stipple_store_check_text       (const char    *label,
                                             const char    *text,
                                             gsize          max_chars,
                                             gboolean       multi_line,
                                             GError       **error);
gboolean     stipple_store_check_name       (const char    *label,
                                             const char    *name,
                                             gboolean       required,
                                             GError       **error);
gboolean     stipple_store_parse_date       (const char    *text,
                                             GDate         *date);
gboolean     stipple_store_check_date       (const char    *label,
                                             const char    *text,
                                             GError       **error);
const char  *stipple_store_or_empty         (const char    *s);

/* stipple-store-patients.c */
StipplePatient *stipple_store_get_patient_locked (StippleStore  *self,
                                                  gint64         patient_id,
                                                  GError       **error);

/* stipple-store-screening.c: checked and written inside the caller's
 * transaction, so a session can be begun with them */
gboolean     stipple_store_check_screening_answer (const StippleScreeningAnswer  *answer,
                                                   GError                       **error);
gboolean     stipple_store_insert_screening_answer_locked (StippleStore                  *self,
                                                           const StippleScreeningAnswer  *answer,
                                                           gint64                         session_id,
                                                           const char                    *uid,
                                                           gint64                        *id,
                                                           GError                       **error);
gboolean     stipple_store_check_consent    (const StippleConsent  *consent,
                                             GError               **error);
gboolean     stipple_store_insert_consent_locked (StippleStore          *self,
                                                  const StippleConsent  *consent,
                                                  const char            *uid,
                                                  gint64                *id,
                                                  GError               **error);

/* stipple-store-session-rows.c */
gboolean     stipple_store_reseal_if_ended  (StippleStore  *self,
                                             gint64         session_id,
                                             GError       **error);

/* stipple-store-open.c: lock, open, migrate */
gboolean     stipple_store_take_lock        (StippleStore  *self,
                                             GError       **error);
sqlite3     *stipple_store_open_db          (const char    *path,
                                             gboolean       create,
                                             GError       **error);
StippleStore *stipple_store_open_reader     (StippleStore  *self,
                                             GError       **error);

/* stipple-store-telemetry.c */
void         stipple_store_telemetry_buffer_free (StippleTelemetryBuffer *buffer);

/* stipple-store-backup.c */
char        *stipple_store_backup_name      (const char    *path,
                                             const char    *kind);
gboolean     stipple_store_ensure_backup_dir (const char   *path,
                                             GError       **error);
gboolean     stipple_store_daily_backup     (StippleStore  *self,
                                             GError       **error);
gboolean     stipple_store_write_anchor     (const char    *backup,
                                             gint64         head_id,
                                             const char    *head_hash,
                                             GError       **error);
gboolean     stipple_store_sync_folder_of   (const char    *path);
gboolean     stipple_store_copy_file        (const char    *from,
                                             const char    *to,
                                             GError       **error);
gboolean     stipple_store_backup_to        (sqlite3       *db,
                                             const char    *destination,
                                             GError       **error);
gboolean     stipple_store_snapshot_to      (StippleStore  *self,
                                             const char    *destination,
                                             GError       **error);

/* stipple-store-restore.c */
gboolean     stipple_store_chain_event      (StippleStore  *self,
                                             const char    *kind,
                                             const char    *detail,
                                             GError       **error);

/* stipple-store-chain.c: an audit row as the chain writes it, every
 * value as text the way it is stored. */
typedef struct
{
  gint64      id;
  const char *uid;
  gint64      session_id;
  const char *at;
  const char *user;
  const char *kind;
  const char *zone;
  const char *sent;
  const char *acknowledgement;
  const char *read_back;
  const char *detail;
} StippleChainRow;

gboolean     stipple_store_chain_head       (sqlite3          *db,
                                             const char       *path,
                                             gint64           *id,
                                             char            **hash,
                                             GError          **error);
gboolean     stipple_store_chain_insert     (sqlite3          *db,
                                             const char       *path,
                                             StippleChainRow  *row,
                                             GError          **error);
void         stipple_store_chain_forget     (sqlite3          *db);
gboolean     stipple_store_chain_fill       (sqlite3          *db,
                                             const char       *path,
                                             GError          **error);
gboolean     stipple_store_chain_seal       (sqlite3          *db,
                                             const char       *path,
                                             gint64            session_id,
                                             GError          **error);
gboolean     stipple_store_chain_seal_ended (sqlite3          *db,
                                             const char       *path,
                                             gboolean          again,
                                             GError          **error);
gboolean     stipple_store_chain_copy       (sqlite3          *db,
                                             const char       *path,
                                             sqlite3_stmt     *select,
                                             GError          **error);
StippleVerifyResult *stipple_store_chain_verify (sqlite3      *db,
                                             const char       *path,
                                             gint64            only_session,
                                             gboolean          with_archives,
                                             GError          **error);
char        *stipple_store_chain_needle_part (sqlite3         *db,
                                             const char       *path,
                                             gint64            session_id,
                                             GError          **error);
StippleVerifyResult *stipple_store_verify_full (StippleStore  *self,
                                             gint64            session_id,
                                             gboolean          with_archives,
                                             GError          **error);

void         stipple_store_verify_add_break (StippleVerifyResult  *result,
                                             gint64                row,
                                             gint64                session_id,
                                             char                 *message);

/* stipple-store-archive.c: needle archives beside the patient file */
typedef struct
{
  gint64   seq_first;
  guint    n_samples;
  gint64   start_us;
  gint64   end_us;
  int      encoding;
  GBytes  *data;
  /* Read from a needle archive, not from the patient file. */
  gboolean archived;
} StippleNeedleBlock;

void         stipple_needle_block_free      (StippleNeedleBlock  *block);
char        *stipple_store_archive_dir      (const char          *path);
gboolean     stipple_store_archive_read_locked (StippleStore     *self,
                                             gint64               session_id,
                                             GPtrArray           *blocks,
                                             char               **thinned_at,
                                             GError             **error);
gboolean     stipple_store_archive_migrate_v10 (sqlite3          *db,
                                             const char          *path,
                                             GError             **error);
gboolean     stipple_store_archive_verify   (sqlite3             *db,
                                             const char          *path,
                                             gint64               only_session,
                                             gboolean             with_archives,
                                             StippleVerifyResult *result,
                                             GError             **error);

/* stipple-store-photos.c */
gboolean     stipple_store_hide_photos_locked (StippleStore  *self,
                                               gint64         patient_id,
                                               GError       **error);

/* stipple-store-import-rows.c: a patient's records copied from the
 * attached file "imp", in the import's transaction */
gboolean     stipple_store_import_records   (StippleStore          *self,
                                             gint64                 local_id,
                                             const StipplePatient  *imported,
                                             StippleImportResult   *result,
                                             GError               **error);

/* stipple-store-schema.c */
gboolean     stipple_store_migrate          (sqlite3       *db,
                                             const char    *path,
                                             int            from_version,
                                             GError       **error);

void         stipple_store_mark_lock            (StippleStore  *self,
                                                 gboolean       clean);

G_END_DECLS
