/* stipple-store-chart.c
 *
 * The chart: everything recorded about a patient but the needle data,
 * read in one consistent moment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "stipple-store-columns.h"
#include "stipple-store-private.h"

static gboolean
step_error (StippleStore  *self,
            int            rc,
            GError       **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;
  stipple_store_set_sqlite_error (self->db, rc, self->path, error);
  return FALSE;
}

/**
 * stipple_store_find_session_patient:
 * @self: a store
 * @session_id: a session
 * @patient_id: (out): the patient the session belongs to
 * @error: return location for a #GError
 *
 * Returns: whether the session exists
 */
gboolean
stipple_store_find_session_patient (StippleStore  *self,
                                    gint64         session_id,
                                    gint64        *patient_id,
                                    GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (patient_id != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = stipple_store_prepare (self, "SELECT patient_id FROM session WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *patient_id = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (!step_error (self, rc, error))
    return FALSE;

  g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
               _("There is no session %" PRId64 " in this patient file."), session_id);
  return FALSE;
}

/* Where a record read for the chart goes: into one of the chart's
 * lists, or into the session it belongs to (@session; NULL for the
 * patient's own records). Takes @record. */
typedef void (*AttachFunc) (StipplePatientChart *chart,
                            GHashTable          *sessions,
                            StippleSession      *session,
                            gpointer             record);

static void
attach_answer (StipplePatientChart *chart,
               GHashTable          *sessions,
               StippleSession      *session,
               gpointer             record)
{
  g_ptr_array_add (chart->screening, record);
}

static void
attach_consent (StipplePatientChart *chart,
                GHashTable          *sessions,
                StippleSession      *session,
                gpointer             record)
{
  g_ptr_array_add (chart->consents, record);
}

static void
attach_course (StipplePatientChart *chart,
               GHashTable          *sessions,
               StippleSession      *session,
               gpointer             record)
{
  g_ptr_array_add (chart->courses, record);
}

static void
attach_session (StipplePatientChart *chart,
                GHashTable          *sessions,
                StippleSession      *session,
                gpointer             record)
{
  StippleSession *added = record;

  g_ptr_array_add (chart->sessions, added);
  g_hash_table_insert (sessions, &added->id, added);
}

static void
attach_pass (StipplePatientChart *chart,
             GHashTable          *sessions,
             StippleSession      *session,
             gpointer             record)
{
  g_array_append_vals (session->plan, record, 1);
  g_free (record);
}

static void
attach_serum (StipplePatientChart *chart,
              GHashTable          *sessions,
              StippleSession      *session,
              gpointer             record)
{
  g_ptr_array_add (session->serums, record);
}

static void
attach_totals (StipplePatientChart *chart,
               GHashTable          *sessions,
               StippleSession      *session,
               gpointer             record)
{
  g_autofree StippleZoneTotals *totals = record;

  if (totals->zone == STIPPLE_ZONE_NONE)
    return;
  session->strokes[totals->zone] = totals->strokes;
  session->time_in_zone_us[totals->zone] = totals->time_in_zone_us;
  session->out_of_tolerance[totals->zone] = totals->out_of_tolerance;
}

static const struct
{
  const StippleRecordTable *table;
  AttachFunc                attach;
} chart_parts[] = {
  { &stipple_screening_answer_table, attach_answer },
  { &stipple_consent_table, attach_consent },
  { &stipple_course_table, attach_course },
  /* Sessions before what they hold. */
  { &stipple_session_table, attach_session },
  { &stipple_zone_pass_table, attach_pass },
  { &stipple_session_serum_table, attach_serum },
  { &stipple_zone_strokes_table, attach_totals },
};

/* Reads the patient's rows of one table into the chart. Called with the
 * mutex held, in the chart's read transaction. */
static gboolean
read_part (StippleStore              *self,
           const StippleRecordTable  *table,
           AttachFunc                 attach,
           gint64                     patient_id,
           StipplePatientChart       *chart,
           GHashTable                *sessions,
           GError                   **error)
{
  gboolean by_session = !g_str_equal (table->owner, "patient_id");
  g_autoptr(StippleStmt) stmt = NULL;
  int rc;

  stmt = stipple_store_prepare (self, stipple_record_sql (table, STIPPLE_RECORD_SQL_BY_PATIENT),
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 session_id = by_session ? sqlite3_column_int64 (stmt, 0) : 0;
      StippleSession *session = by_session ? g_hash_table_lookup (sessions, &session_id) : NULL;
      gpointer record;

      if (by_session && session == NULL)
        continue;
      record = table->new_func ();
      stipple_record_read (table, stmt, by_session ? 1 : 0, record);
      attach (chart, sessions, session, record);
    }
  return step_error (self, rc, error);
}

/**
 * stipple_store_load_chart:
 * @self: a store
 * @patient_id: a patient
 * @error: return location for a #GError
 *
 * Reads everything recorded about a patient except the needle data, in
 * a handful of queries whatever the number of sessions.
 *
 * Returns: (transfer full): the chart, or %NULL with @error set
 */
StipplePatientChart *
stipple_store_load_chart (StippleStore  *self,
                          gint64         patient_id,
                          GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  chart = g_new0 (StipplePatientChart, 1);
  chart->screening =
    g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_screening_answer_free);
  chart->consents = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_consent_free);
  chart->courses = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_course_free);
  chart->sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_session_free);

  /* One read transaction, so the chart is one consistent moment. */
  if (!stipple_store_exec (self, "BEGIN", error))
    return NULL;

  chart->patient = stipple_store_get_patient_locked (self, patient_id, error);
  if (chart->patient == NULL)
    goto fail;

  for (guint i = 0; i < G_N_ELEMENTS (chart_parts); i++)
    if (!read_part (self, chart_parts[i].table, chart_parts[i].attach, patient_id, chart, by_id,
                    error))
      goto fail;

  stipple_store_exec (self, "COMMIT", NULL);
  return g_steal_pointer (&chart);

fail:
  stipple_store_rollback (self);
  return NULL;
}
