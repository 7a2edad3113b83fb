/* stipple-store-screening.c
 *
 * What a patient agreed to and was asked before treatment: screening
 * answers, consents, and courses of treatment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-screening.h"
#include "stipple-store-private.h"

gboolean
stipple_store_check_screening_answer (const StippleScreeningAnswer  *answer,
                                      GError                       **error)
{
  if (stipple_screening_lookup (answer->item_key) == NULL)
    return stipple_store_invalid (error, _("“%s” is not a screening question Stipple knows."),
                                  answer->item_key ? answer->item_key : "");
  return stipple_store_check_date (_("The date of the answer"), answer->answered_on, error) &&
         stipple_store_check_text (_("The note"), answer->note, STIPPLE_STORE_MAX_FIELD_CHARS,
                                   TRUE, error);
}

/* Writes a checked answer as the row @uid, tied to @session_id (0 for
 * none). Called with the mutex held, inside the caller's transaction,
 * which the caller rolls back on failure. */
gboolean
stipple_store_insert_screening_answer_locked (StippleStore                  *self,
                                              const StippleScreeningAnswer  *answer,
                                              gint64                         session_id,
                                              const char                    *uid,
                                              gint64                        *id,
                                              GError                       **error)
{
  g_autoptr(StippleStmt) stmt = NULL;

  stmt = stipple_store_prepare (self,
                                "INSERT INTO screening_answer (uid, patient_id, session_id,"
                                " item_key, answer, note, answered_on)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, answer->patient_id);
  if (session_id != 0)
    sqlite3_bind_int64 (stmt, 3, session_id);
  sqlite3_bind_text (stmt, 4, answer->item_key, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, answer->answer ? 1 : 0);
  sqlite3_bind_text (stmt, 6, stipple_store_or_empty (answer->note), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, answer->answered_on, -1, SQLITE_STATIC);
  if (!stipple_store_step_done (self, stmt, error))
    return FALSE;
  *id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/**
 * stipple_store_save_screening_answer:
 * @self: a store
 * @answer: a new answer; its id is set on return
 * @error: return location for a #GError
 *
 * Answers are kept, never replaced: a new screening is a new answer with
 * its own date, so the chart shows what was known when.
 *
 * Returns: whether the answer is saved
 */
gboolean
stipple_store_save_screening_answer (StippleStore            *self,
                                     StippleScreeningAnswer  *answer,
                                     GError                 **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *uid = NULL;
  gint64 id;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (answer != NULL && answer->id == 0, FALSE);

  if (!stipple_store_check_screening_answer (answer, error))
    return FALSE;

  uid = answer->uid ? g_strdup (answer->uid) : g_uuid_string_random ();
  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_begin (self, error))
    return FALSE;
  if (!stipple_store_insert_screening_answer_locked (self, answer, answer->session_id, uid, &id,
                                                     error) ||
      !stipple_store_reseal_if_ended (self, answer->session_id, error) ||
      !stipple_store_commit (self, error))
    goto fail;
  answer->id = id;
  g_free (answer->uid);
  answer->uid = g_steal_pointer (&uid);
  return TRUE;

fail:
  stipple_store_rollback (self);
  return FALSE;
}

gboolean
stipple_store_check_consent (const StippleConsent  *consent,
                             GError               **error)
{
  if (consent->kind != STIPPLE_CONSENT_TREATMENT && consent->kind != STIPPLE_CONSENT_PHOTOGRAPHS)
    return stipple_store_invalid (error, _("Unknown kind of consent."));
  return stipple_store_check_date (_("The date of the consent"), consent->signed_on, error);
}

/* Writes a checked consent as the row @uid; consent to photographs
 * withdrawn hides the photos taken, by a recorded event, in the same
 * transaction. Called with the mutex held, inside the caller's
 * transaction, which the caller rolls back on failure. */
gboolean
stipple_store_insert_consent_locked (StippleStore          *self,
                                     const StippleConsent  *consent,
                                     const char            *uid,
                                     gint64                *id,
                                     GError               **error)
{
  g_autoptr(StippleStmt) stmt = NULL;

  stmt = stipple_store_prepare (self,
                                "INSERT INTO consent (uid, patient_id, kind, given, signed_on)"
                                " VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, consent->patient_id);
  sqlite3_bind_text (stmt, 3,
                     consent->kind == STIPPLE_CONSENT_TREATMENT ? "treatment" : "photographs",
                     -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, consent->given ? 1 : 0);
  sqlite3_bind_text (stmt, 5, consent->signed_on, -1, SQLITE_STATIC);
  if (!stipple_store_step_done (self, stmt, error))
    return FALSE;
  *id = sqlite3_last_insert_rowid (self->db);
  return consent->kind != STIPPLE_CONSENT_PHOTOGRAPHS || consent->given ||
         stipple_store_hide_photos_locked (self, consent->patient_id, error);
}

/**
 * stipple_store_save_consent:
 * @self: a store
 * @consent: a new consent (given or refused); its id is set on return
 * @error: return location for a #GError
 *
 * Returns: whether the consent is saved
 */
gboolean
stipple_store_save_consent (StippleStore    *self,
                            StippleConsent  *consent,
                            GError         **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *uid = NULL;
  gint64 id;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (consent != NULL && consent->id == 0, FALSE);

  if (!stipple_store_check_consent (consent, error))
    return FALSE;

  uid = consent->uid ? g_strdup (consent->uid) : g_uuid_string_random ();
  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_begin (self, error))
    return FALSE;
  if (!stipple_store_insert_consent_locked (self, consent, uid, &id, error) ||
      !stipple_store_commit (self, error))
    {
      stipple_store_rollback (self);
      return FALSE;
    }
  consent->id = id;
  g_free (consent->uid);
  consent->uid = g_steal_pointer (&uid);
  return TRUE;
}

/**
 * stipple_store_save_course:
 * @self: a store
 * @course: a course of treatment; id 0 to add, set on return
 * @error: return location for a #GError
 *
 * Returns: whether the course is saved
 */
gboolean
stipple_store_save_course (StippleStore   *self,
                           StippleCourse  *course,
                           GError        **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  g_autofree char *uid = NULL;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (course != NULL, FALSE);

  if (!stipple_store_check_text (_("The indications"), course->indications,
                                 STIPPLE_STORE_MAX_FIELD_CHARS, TRUE, error) ||
      !stipple_store_check_date (_("The start of the course"), course->started_on, error))
    return FALSE;
  if (course->planned_sessions > 50)
    return stipple_store_invalid (error, _("A course of more than 50 sessions is not plausible."));
  if (course->interval_days > 366)
    return stipple_store_invalid (error,
                                  _("An interval of more than a year between sessions is not "
                                    "plausible."));

  locker = g_mutex_locker_new (&self->mutex);
  if (course->id == 0)
    {
      uid = course->uid ? g_strdup (course->uid) : g_uuid_string_random ();
      stmt = stipple_store_prepare (self,
                                    "INSERT INTO course (patient_id, indications, planned_sessions,"
                                    " interval_days, started_on, uid)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                    error);
    }
  else
    stmt = stipple_store_prepare (self,
                                  "UPDATE course SET patient_id = ?1, indications = ?2,"
                                  " planned_sessions = ?3, interval_days = ?4, started_on = ?5"
                                  " WHERE id = ?7", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, course->patient_id);
  sqlite3_bind_text (stmt, 2, stipple_store_or_empty (course->indications), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, course->planned_sessions);
  sqlite3_bind_int (stmt, 4, course->interval_days);
  sqlite3_bind_text (stmt, 5, course->started_on, -1, SQLITE_STATIC);
  if (course->id == 0)
    sqlite3_bind_text (stmt, 6, uid, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 7, course->id);
  if (!stipple_store_step_done (self, stmt, error))
    return FALSE;
  if (course->id == 0)
    {
      course->id = sqlite3_last_insert_rowid (self->db);
      g_free (course->uid);
      course->uid = g_steal_pointer (&uid);
    }
  return TRUE;
}
