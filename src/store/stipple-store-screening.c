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
#include "stipple-store-columns.h"
#include "stipple-store-private.h"

gboolean
stipple_store_check_screening_answer (const StippleScreeningAnswer  *answer,
                                      GError                       **error)
{
  if (stipple_screening_lookup (answer->item_key) == NULL)
    return stipple_store_invalid (error, _("“%s” is not a screening question Stipple knows."),
                                  answer->item_key ? answer->item_key : "");
  return stipple_record_check (&stipple_screening_answer_table, answer, error);
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
                                stipple_record_sql (&stipple_screening_answer_table,
                                                    STIPPLE_RECORD_SQL_INSERT),
                                error);
  if (stmt == NULL)
    return FALSE;
  stipple_record_bind (&stipple_screening_answer_table, stmt, answer);
  sqlite3_bind_text (stmt, stipple_record_table_param (&stipple_screening_answer_table, "uid"),
                     uid, -1, SQLITE_STATIC);
  if (session_id != 0)
    sqlite3_bind_int64 (stmt,
                        stipple_record_table_param (&stipple_screening_answer_table, "session_id"),
                        session_id);
  else
    sqlite3_bind_null (stmt,
                       stipple_record_table_param (&stipple_screening_answer_table, "session_id"));
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
  return stipple_record_check (&stipple_consent_table, consent, error);
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
                                stipple_record_sql (&stipple_consent_table,
                                                    STIPPLE_RECORD_SQL_INSERT),
                                error);
  if (stmt == NULL)
    return FALSE;
  stipple_record_bind (&stipple_consent_table, stmt, consent);
  sqlite3_bind_text (stmt, stipple_record_table_param (&stipple_consent_table, "uid"), uid, -1,
                     SQLITE_STATIC);
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

  if (!stipple_record_check (&stipple_course_table, course, error))
    return FALSE;

  locker = g_mutex_locker_new (&self->mutex);
  if (course->id == 0)
    {
      uid = course->uid ? g_strdup (course->uid) : g_uuid_string_random ();
      stmt = stipple_store_prepare (self,
                                    stipple_record_sql (&stipple_course_table,
                                                        STIPPLE_RECORD_SQL_INSERT),
                                    error);
    }
  else
    stmt = stipple_store_prepare (self,
                                  stipple_record_sql (&stipple_course_table,
                                                      STIPPLE_RECORD_SQL_UPDATE),
                                  error);
  if (stmt == NULL)
    return FALSE;
  stipple_record_bind (&stipple_course_table, stmt, course);
  if (course->id == 0)
    sqlite3_bind_text (stmt, stipple_record_table_param (&stipple_course_table, "uid"), uid, -1,
                       SQLITE_STATIC);
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
