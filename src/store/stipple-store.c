/* stipple-store.c
 *
 * The patient file: one SQLite database in WAL mode, owned by one
 * Stipple at a time (an advisory lock on a file beside it), written by
 * one writer thread. This file holds the object, its two lanes (the
 * writer thread and the long lane, see stipple-store.h) and closing;
 * opening is in stipple-store-open.c, the SQL helpers and error mapping
 * in stipple-store-sql.c, needle data in stipple-store-telemetry.c and
 * every _async call in stipple-store-async.c. docs/patient-file.md
 * describes the file for auditors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stipple-store-private.h"

G_DEFINE_QUARK (stipple-store-error-quark, stipple_store_error)

G_DEFINE_FINAL_TYPE (StippleStore, stipple_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  StoreJobFunc    func;
  gpointer        data;
  GDestroyNotify  destroy;
} StoreJob;

static void
store_job_free (StoreJob *job)
{
  if (job->destroy != NULL)
    job->destroy (job->data);
  g_free (job);
}

/**
 * stipple_store_verify:
 * @self: a store
 * @session_id: a session, or 0 for the whole file
 * @error: return location for a #GError
 *
 * Checks the file's integrity (whole file only), its audit chain and the
 * seal of every session, or of @session_id. Runs in one read
 * transaction, so that what it checks is one state of the file.
 *
 * Returns: (transfer full): what was found, or %NULL with @error set
 *   when the file cannot be checked at all
 */
StippleVerifyResult *
stipple_store_verify (StippleStore  *self,
                      gint64         session_id,
                      GError       **error)
{
  return stipple_store_verify_full (self, session_id, TRUE, error);
}

/**
 * stipple_store_verify_full:
 * @self: a store
 * @session_id: a session, or 0 for the whole file
 * @with_archives: whether the needle archives are read too
 * @error: return location for a #GError
 *
 * As stipple_store_verify(); without @with_archives, as the check after
 * opening does, no needle archive is opened (each is checked when its
 * needle data is read, and by stipple_store_verify()).
 *
 * Returns: (transfer full): what was found, or %NULL with @error set
 */
StippleVerifyResult *
stipple_store_verify_full (StippleStore  *self,
                           gint64         session_id,
                           gboolean       with_archives,
                           GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  StippleVerifyResult *result;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  if (self->read_only && self->version < 3)
    {
      g_autofree char *name = g_filename_display_name (self->path);
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_A_STIPPLE_FILE,
                   _("The patient file “%s” was written before Stipple kept a verifiable "
                     "record (file version %d). Open it once in Stipple to bring it up to date, "
                     "then check it again."), name, self->version);
      return NULL;
    }

  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_check_open (self, error) || !stipple_store_exec (self, "BEGIN", error))
    return NULL;
  result = stipple_store_chain_verify (self->db, self->path, session_id, with_archives, error);
  stipple_store_exec (self, "COMMIT", NULL);
  return result;
}

/* Writer thread ------------------------------------------------------ */

static void
writer_run_cb (gpointer data,
               gpointer user_data)
{
  StoreJob *job = data;
  StippleStore *self = user_data;

  job->func (self, job->data);
  store_job_free (job);
}

/* The writer saves the clinician's notes and the audit trail: on a busy
 * PC it runs above other programs, as the window's thread does (nice -5,
 * docs/device.md), where the system lets it; else at the normal level. */
#define WRITER_NICE (-5)

static void
raise_writer_priority (StippleStore *self,
                       gpointer      data)
{
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), WRITER_NICE) != 0)
    g_debug ("The store's writer runs at the normal priority: %s", g_strerror (errno));
}

/* Queues @func for the writer thread, after everything queued before. */
void
stipple_store_push (StippleStore   *self,
            StoreJobFunc    func,
            gpointer        data,
            GDestroyNotify  destroy)
{
  StoreJob *job = g_new0 (StoreJob, 1);

  job->func = func;
  job->data = data;
  job->destroy = destroy;
  g_thread_pool_push (self->writer, job, NULL);
}

/* GObject ------------------------------------------------------------ */

static void
stipple_store_dispose (GObject *object)
{
  StippleStore *self = STIPPLE_STORE (object);

  stipple_store_close (self);
  G_OBJECT_CLASS (stipple_store_parent_class)->dispose (object);
}

static void
stipple_store_finalize (GObject *object)
{
  StippleStore *self = STIPPLE_STORE (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->telemetry, g_hash_table_unref);
  g_clear_pointer (&self->telemetry_cursor, g_hash_table_unref);
  g_clear_error (&self->telemetry_error);
  g_clear_error (&self->backup_problem);
  g_clear_pointer (&self->stmts, g_hash_table_unref);
  g_mutex_clear (&self->mutex);
  g_mutex_clear (&self->telemetry_mutex);
  g_cond_clear (&self->telemetry_cond);

  G_OBJECT_CLASS (stipple_store_parent_class)->finalize (object);
}

static void
stipple_store_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  StippleStore *self = STIPPLE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_store_class_init (StippleStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = stipple_store_dispose;
  object_class->finalize = stipple_store_finalize;
  object_class->get_property = stipple_store_get_property;

  /**
   * StippleStore:path:
   *
   * The absolute path of the patient file.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
stipple_store_init (StippleStore *self)
{
  self->lock_fd = -1;
  g_mutex_init (&self->mutex);
  g_mutex_init (&self->telemetry_mutex);
  g_cond_init (&self->telemetry_cond);
  self->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                       finalize_stmt);
  self->telemetry = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                           (GDestroyNotify) stipple_store_telemetry_buffer_free);
  self->telemetry_cursor = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->writer = g_thread_pool_new (writer_run_cb, self, 1, TRUE, NULL);
  stipple_store_push (self, raise_writer_priority, NULL, NULL);
  /* Not exclusive: a thread is borrowed only while a long job runs. */
  self->long_jobs = g_thread_pool_new (stipple_store_long_job_cb, self, 1, FALSE, NULL);
}

/**
 * stipple_store_close:
 * @self: a store
 *
 * Writes the telemetry still gathered, waits for queued work, checkpoints
 * the WAL into the file and lets go of the file. Safe to call twice.
 */
void
stipple_store_close (StippleStore *self)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));

  /* The long lane first: its jobs may wait for the writer. */
  if (self->long_jobs != NULL)
    {
      g_thread_pool_free (self->long_jobs, FALSE, TRUE);
      self->long_jobs = NULL;
    }
  if (self->writer != NULL)
    {
      if (self->db != NULL)
        stipple_store_flush_telemetry (self, NULL);
      g_thread_pool_free (self->writer, FALSE, TRUE);
      self->writer = NULL;
    }

  if (self->db != NULL && !g_queue_is_empty (&self->audit_backlog))
    {
      g_autoptr(GError) error = NULL;

      if (!stipple_store_write_audit_backlog (self, &error))
        g_warning ("%u audit events could not be written to %s: %s",
                   g_queue_get_length (&self->audit_backlog), self->path, error->message);
    }
  g_queue_clear_full (&self->audit_backlog, (GDestroyNotify) stipple_audit_entry_free);

  g_mutex_lock (&self->mutex);
  g_hash_table_remove_all (self->stmts);
  if (self->db != NULL)
    {
      stipple_store_chain_forget (self->db);
      /* Closed whole, after a good opening: the file is left clean, and
       * the next opening need not read it through. */
      if (sqlite3_close (self->db) == SQLITE_OK && self->opened)
        stipple_store_mark_lock (self, TRUE);
      self->db = NULL;
    }
  g_mutex_unlock (&self->mutex);

  if (self->lock_fd >= 0)
    {
      close (self->lock_fd);
      self->lock_fd = -1;
    }

  if (self->read_copy_dir != NULL)
    {
      g_autofree char *wal = g_strconcat (self->read_copy, "-wal", NULL);
      g_autofree char *shm = g_strconcat (self->read_copy, "-shm", NULL);

      g_unlink (wal);
      g_unlink (shm);
      g_unlink (self->read_copy);
      g_rmdir (self->read_copy_dir);
      g_clear_pointer (&self->read_copy, g_free);
      g_clear_pointer (&self->read_copy_dir, g_free);
    }
}

/**
 * stipple_store_get_path:
 * @self: a store
 *
 * Returns: the absolute path of the patient file
 */
const char *
stipple_store_get_path (StippleStore *self)
{
  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  return self->path;
}

/**
 * stipple_store_get_backup_problem:
 * @self: a store
 *
 * Returns: (nullable) (transfer none): why today's automatic backup could
 *   not be taken when the file was opened, or %NULL if it was (or was not
 *   due)
 */
const GError *
stipple_store_get_backup_problem (StippleStore *self)
{
  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  return self->backup_problem;
}
