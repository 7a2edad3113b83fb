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

#include "stipple-store-private.h"

static GDateTime *
parse_column_time (sqlite3_stmt *stmt,
                   int           column)
{
  return stipple_store_parse_time ((const char *) sqlite3_column_text (stmt, column));
}

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
  int rc;

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

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT id, uid, session_id, item_key, answer, note, answered_on FROM screening_answer"
        " WHERE patient_id = ? ORDER BY answered_on, id", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        StippleScreeningAnswer *answer = stipple_screening_answer_new ();
        answer->id = sqlite3_column_int64 (stmt, 0);
        answer->uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        answer->patient_id = patient_id;
        answer->session_id = sqlite3_column_int64 (stmt, 2);
        answer->item_key = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
        answer->answer = sqlite3_column_int (stmt, 4) != 0;
        answer->note = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
        answer->answered_on = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
        g_ptr_array_add (chart->screening, answer);
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT id, uid, kind, given, signed_on FROM consent WHERE patient_id = ?"
        " ORDER BY signed_on, id", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        StippleConsent *consent = stipple_consent_new ();
        consent->id = sqlite3_column_int64 (stmt, 0);
        consent->uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        consent->patient_id = patient_id;
        consent->kind = g_str_equal (sqlite3_column_text (stmt, 2), "photographs")
                          ? STIPPLE_CONSENT_PHOTOGRAPHS : STIPPLE_CONSENT_TREATMENT;
        consent->given = sqlite3_column_int (stmt, 3) != 0;
        consent->signed_on = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
        g_ptr_array_add (chart->consents, consent);
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT id, uid, indications, planned_sessions, interval_days, started_on FROM course"
        " WHERE patient_id = ? ORDER BY started_on, id", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        StippleCourse *course = stipple_course_new ();
        course->id = sqlite3_column_int64 (stmt, 0);
        course->uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        course->patient_id = patient_id;
        course->indications = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
        course->planned_sessions = sqlite3_column_int (stmt, 3);
        course->interval_days = sqlite3_column_int (stmt, 4);
        course->started_on = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
        g_ptr_array_add (chart->courses, course);
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT id, uid, course_id, started_at, ended_at, clinician, pen_serial, pen_firmware,"
        " cartridge_id, cartridge_lot, anaesthetic_at, note_before, note_after,"
        " anaesthetic_product, screening_override, erythema_grade, pinpoint_bleeding,"
        " aftercare_given FROM session WHERE patient_id = ? ORDER BY started_at, id", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        StippleSession *session = stipple_session_new ();
        session->id = sqlite3_column_int64 (stmt, 0);
        session->uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        session->patient_id = patient_id;
        session->course_id = sqlite3_column_int64 (stmt, 2);
        session->started_at = parse_column_time (stmt, 3);
        session->ended_at = parse_column_time (stmt, 4);
        session->clinician = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
        session->pen_serial = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
        session->pen_firmware = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
        session->cartridge_id = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
        session->cartridge_lot = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
        session->anaesthetic_at = parse_column_time (stmt, 10);
        session->note_before = g_strdup ((const char *) sqlite3_column_text (stmt, 11));
        session->note_after = g_strdup ((const char *) sqlite3_column_text (stmt, 12));
        session->anaesthetic_product = g_strdup ((const char *) sqlite3_column_text (stmt, 13));
        session->screening_override = g_strdup ((const char *) sqlite3_column_text (stmt, 14));
        session->erythema_grade = sqlite3_column_int (stmt, 15);
        session->pinpoint_bleeding = sqlite3_column_int (stmt, 16) != 0;
        session->aftercare_given = g_strdup ((const char *) sqlite3_column_text (stmt, 17));
        g_ptr_array_add (chart->sessions, session);
        g_hash_table_insert (by_id, &session->id, session);
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT z.session_id, z.zone, z.pass, z.depth_um, z.stroke_rate_hz FROM zone_pass z"
        " JOIN session s ON s.id = z.session_id WHERE s.patient_id = ?"
        " ORDER BY z.session_id, z.position", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);
        StippleSession *session = g_hash_table_lookup (by_id, &id);
        StippleZonePass pass;

        pass.zone = stipple_zone_from_key ((const char *) sqlite3_column_text (stmt, 1));
        pass.pass = sqlite3_column_int (stmt, 2);
        pass.depth_um = sqlite3_column_int (stmt, 3);
        pass.stroke_rate_hz = sqlite3_column_int (stmt, 4);
        if (session != NULL)
          g_array_append_val (session->plan, pass);
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT v.session_id, v.product, v.lot FROM session_serum v"
        " JOIN session s ON s.id = v.session_id WHERE s.patient_id = ?"
        " ORDER BY v.session_id, v.position", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);
        StippleSession *session = g_hash_table_lookup (by_id, &id);

        if (session != NULL)
          g_ptr_array_add (session->serums,
                           stipple_serum_new ((const char *) sqlite3_column_text (stmt, 1),
                                              (const char *) sqlite3_column_text (stmt, 2)));
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT k.session_id, k.zone, k.strokes, k.time_in_zone_us, k.out_of_tolerance"
        " FROM zone_strokes k"
        " JOIN session s ON s.id = k.session_id WHERE s.patient_id = ?", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);
        StippleSession *session = g_hash_table_lookup (by_id, &id);
        StippleZone zone = stipple_zone_from_key ((const char *) sqlite3_column_text (stmt, 1));

        if (session != NULL && zone != STIPPLE_ZONE_NONE)
          {
            session->strokes[zone] = sqlite3_column_int64 (stmt, 2);
            session->time_in_zone_us[zone] = sqlite3_column_int64 (stmt, 3);
            session->out_of_tolerance[zone] = sqlite3_column_int64 (stmt, 4);
          }
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  stipple_store_exec (self, "COMMIT", NULL);
  return g_steal_pointer (&chart);

fail:
  stipple_store_rollback (self);
  return NULL;
}
