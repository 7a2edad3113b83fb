/* stipple-store-session-rows.c
 *
 * Sessions as the patient file keeps them: checked, written with
 * their plan and serums, begun with their screening and consents in
 * one transaction, their notes saved as they are typed, their stroke
 * totals grown, and sealed again when changed after they ended.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "stipple-store-columns.h"
#include "stipple-store-private.h"

/* Whether the session is there and has ended. Called with the mutex
 * held. */
static gboolean
session_has_ended (StippleStore *self,
                   gint64        session_id)
{
  g_autoptr(StippleStmt) stmt =
    stipple_store_prepare (self, "SELECT 1 FROM session WHERE id = ? AND ended_at IS NOT NULL",
                           NULL);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* A session is sealed when it ends (stipple-store-chain.c), and sealed
 * again, in the same transaction, whenever Stipple itself changes it
 * afterwards: the last seal is the one that holds, and each earlier one
 * stays in the chain as the record of when the session was changed.
 * Called with the mutex held, inside a transaction. */
gboolean
stipple_store_reseal_if_ended (StippleStore  *self,
                               gint64         session_id,
                               GError       **error)
{
  g_autoptr(StippleStmt) stmt = NULL;
  gboolean ended;
  int rc;

  if (session_id == 0)
    return TRUE;
  stmt = stipple_store_prepare (self, "SELECT ended_at IS NOT NULL FROM session WHERE id = ?",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return FALSE;
    }
  ended = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (!ended)
    return TRUE;
  return stipple_store_chain_seal (self->db, self->path, session_id, error);
}

static gboolean
check_note (const char  *note,
            GError     **error)
{
  if (note == NULL)
    return TRUE;
  if (strlen (note) > STIPPLE_STORE_MAX_NOTE_BYTES)
    return stipple_store_invalid (error,
                                  _("The note is too long to keep (more than %u KB). Split it, or "
                                    "attach the text as a document instead."),
                                  STIPPLE_STORE_MAX_NOTE_BYTES / 1024);
  return stipple_store_check_text (_("The note"), note, STIPPLE_STORE_MAX_NOTE_BYTES, TRUE, error);
}

static gboolean
check_session (const StippleSession  *session,
               GError               **error)
{
  if (!stipple_record_check (&stipple_session_table, session, error) ||
      !check_note (session->note_before, error) ||
      !check_note (session->note_after, error))
    return FALSE;

  for (guint i = 0; i < session->serums->len; i++)
    {
      const StippleSerum *serum = g_ptr_array_index (session->serums, i);

      if (!stipple_record_check (&stipple_session_serum_table, serum, error))
        return FALSE;
    }

  for (guint i = 0; i < session->plan->len; i++)
    {
      const StippleZonePass *pass = &g_array_index (session->plan, StippleZonePass, i);

      if (stipple_zone_get_info (pass->zone) == NULL)
        return stipple_store_invalid (error, _("The plan names a zone Stipple does not know."));
      if (pass->pass < 1)
        return stipple_store_invalid (error, _("Passes are counted from one."));
      /* The clinic's own depth limits are enforced where depths are set;
       * the file refuses only what no pen can do. */
      if (pass->depth_um > STIPPLE_STORE_MAX_DEPTH_UM)
        return stipple_store_invalid (error,
                                      _("A depth of %.2f mm is beyond any pen (at most 3.0 mm)."),
                                      pass->depth_um / 1000.0);
      if (pass->stroke_rate_hz > STIPPLE_STORE_MAX_STROKE_RATE_HZ)
        return stipple_store_invalid (error, _("A stroke rate of %u per second is beyond any pen."),
                                      pass->stroke_rate_hz);
    }
  return TRUE;
}

/* Writes one row of a session's plan or serums, at @position. */
static gboolean
insert_row_locked (StippleStore              *self,
                   const StippleRecordTable  *table,
                   gconstpointer              row,
                   gint64                     session_id,
                   guint                      position,
                   GError                   **error)
{
  g_autoptr(StippleStmt) stmt =
    stipple_store_prepare (self, stipple_record_sql (table, STIPPLE_RECORD_SQL_INSERT), error);

  if (stmt == NULL)
    return FALSE;
  stipple_record_bind (table, stmt, row);
  sqlite3_bind_int64 (stmt, stipple_record_table_param (table, "session_id"), session_id);
  sqlite3_bind_int (stmt, stipple_record_table_param (table, "position"), position);
  return stipple_store_step_done (self, stmt, error);
}

/* Writes a checked session (inserted as the row @uid when its id is 0,
 * updated otherwise) with its plan and serums; *id is its row. Called
 * with the mutex held, inside the caller's transaction, which the caller
 * rolls back on failure. Sealing is the caller's, once everything the
 * session records is written. */
static gboolean
write_session_locked (StippleStore          *self,
                      const StippleSession  *session,
                      const char            *uid,
                      gint64                *id_out,
                      GError               **error)
{
  gint64 id;

  {
    g_autoptr(StippleStmt) stmt = NULL;

    /* Once a session exists its notes are written only by
     * stipple_store_save_note(), as they are typed: saving the rest of
     * the session (its plan, its end) never undoes a note. */
    stmt = stipple_store_prepare (self,
                                  stipple_record_sql (&stipple_session_table,
                                                      session->id == 0
                                                        ? STIPPLE_RECORD_SQL_INSERT
                                                        : STIPPLE_RECORD_SQL_UPDATE),
                                  error);
    if (stmt == NULL)
      return FALSE;
    stipple_record_bind (&stipple_session_table, stmt, session);
    if (session->id == 0)
      sqlite3_bind_text (stmt, stipple_record_table_param (&stipple_session_table, "uid"), uid,
                         -1, SQLITE_STATIC);
    if (!stipple_store_step_done (self, stmt, error))
      return FALSE;
    if (session->id != 0 && sqlite3_changes (self->db) == 0)
      {
        g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                             _("This session is no longer in the patient file."));
        return FALSE;
      }
    id = session->id != 0 ? session->id : sqlite3_last_insert_rowid (self->db);
  }

  {
    g_autoptr(StippleStmt) clear_plan = stipple_store_prepare (self,
        "DELETE FROM zone_pass WHERE session_id = ?", error);
    g_autoptr(StippleStmt) clear_serums = NULL;

    if (clear_plan == NULL)
      return FALSE;
    sqlite3_bind_int64 (clear_plan, 1, id);
    if (!stipple_store_step_done (self, clear_plan, error))
      return FALSE;
    clear_serums = stipple_store_prepare (self, "DELETE FROM session_serum WHERE session_id = ?",
                                          error);
    if (clear_serums == NULL)
      return FALSE;
    sqlite3_bind_int64 (clear_serums, 1, id);
    if (!stipple_store_step_done (self, clear_serums, error))
      return FALSE;
  }

  for (guint i = 0; i < session->plan->len; i++)
    if (!insert_row_locked (self, &stipple_zone_pass_table,
                            &g_array_index (session->plan, StippleZonePass, i), id, i, error))
      return FALSE;
  for (guint i = 0; i < session->serums->len; i++)
    if (!insert_row_locked (self, &stipple_session_serum_table,
                            g_ptr_array_index (session->serums, i), id, i, error))
      return FALSE;

  *id_out = id;
  return TRUE;
}

/**
 * stipple_store_save_session:
 * @self: a store
 * @session: a session; id 0 to add, set on return
 * @error: return location for a #GError
 *
 * Saves the session with its plan and serums in one transaction. The
 * stroke totals are not written from @session: they only grow, through
 * stipple_store_add_strokes(). A new session with its screening and
 * consents is begun with stipple_store_begin_session() instead.
 *
 * Returns: whether the session is saved
 */
gboolean
stipple_store_save_session (StippleStore    *self,
                            StippleSession  *session,
                            GError         **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *uid = NULL;
  gint64 id;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (session != NULL, FALSE);

  if (!check_session (session, error))
    return FALSE;

  if (session->id == 0)
    uid = session->uid ? g_strdup (session->uid) : g_uuid_string_random ();
  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_begin (self, error))
    return FALSE;

  if (!write_session_locked (self, session, uid, &id, error))
    goto fail;

  /* An ended session is sealed with everything it recorded. */
  if (session->ended_at != NULL && !stipple_store_chain_seal (self->db, self->path, id, error))
    goto fail;

  if (!stipple_store_commit (self, error))
    goto fail;

  if (session->id == 0)
    {
      session->id = id;
      g_free (session->uid);
      session->uid = g_steal_pointer (&uid);
    }
  return TRUE;

fail:
  stipple_store_rollback (self);
  return FALSE;
}

/**
 * stipple_store_begin_session:
 * @self: a store
 * @session: a new session (id 0); its id and uid are set on return
 * @answers: (nullable) (element-type StippleScreeningAnswer): today's
 *   screening answers, new, of the session's patient; on return each is
 *   tied to the session, its id and uid set
 * @consents: (nullable) (element-type StippleConsent): the consents
 *   given or refused for it, new, of the session's patient; their ids
 *   and uids are set on return
 * @error: return location for a #GError
 *
 * Begins a session on record: the session with its plan and serums, its
 * screening answers and its consents, in one transaction. Either all of
 * it is in the patient file or, on any error (a value refused, a full
 * disk, a crash before the commit), none of it is, and nothing passed in
 * is changed: a session is never on record without the screening and
 * consent it began with. Everything is checked before anything is
 * written. A session that has already ended is sealed once, over all
 * of it.
 *
 * Returns: whether the session is begun
 */
gboolean
stipple_store_begin_session (StippleStore    *self,
                             StippleSession  *session,
                             GPtrArray       *answers,
                             GPtrArray       *consents,
                             GError         **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *uid = NULL;
  g_autoptr(GPtrArray) answer_uids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) consent_uids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) answer_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_autoptr(GArray) consent_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  guint n_answers = answers != NULL ? answers->len : 0;
  guint n_consents = consents != NULL ? consents->len : 0;
  gint64 id;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (session != NULL && session->id == 0, FALSE);

  for (guint i = 0; i < n_answers; i++)
    {
      const StippleScreeningAnswer *answer = g_ptr_array_index (answers, i);

      g_return_val_if_fail (answer != NULL && answer->id == 0, FALSE);
      g_return_val_if_fail (answer->patient_id == session->patient_id, FALSE);
    }
  for (guint i = 0; i < n_consents; i++)
    {
      const StippleConsent *consent = g_ptr_array_index (consents, i);

      g_return_val_if_fail (consent != NULL && consent->id == 0, FALSE);
      g_return_val_if_fail (consent->patient_id == session->patient_id, FALSE);
    }

  if (!check_session (session, error))
    return FALSE;
  for (guint i = 0; i < n_answers; i++)
    if (!stipple_store_check_screening_answer (g_ptr_array_index (answers, i), error))
      return FALSE;
  for (guint i = 0; i < n_consents; i++)
    if (!stipple_store_check_consent (g_ptr_array_index (consents, i), error))
      return FALSE;

  uid = session->uid ? g_strdup (session->uid) : g_uuid_string_random ();
  for (guint i = 0; i < n_answers; i++)
    {
      const StippleScreeningAnswer *answer = g_ptr_array_index (answers, i);

      g_ptr_array_add (answer_uids, answer->uid ? g_strdup (answer->uid)
                                                : g_uuid_string_random ());
    }
  for (guint i = 0; i < n_consents; i++)
    {
      const StippleConsent *consent = g_ptr_array_index (consents, i);

      g_ptr_array_add (consent_uids, consent->uid ? g_strdup (consent->uid)
                                                  : g_uuid_string_random ());
    }
  g_array_set_size (answer_ids, n_answers);
  g_array_set_size (consent_ids, n_consents);

  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_begin (self, error))
    return FALSE;
  if (!write_session_locked (self, session, uid, &id, error))
    goto fail;
  for (guint i = 0; i < n_answers; i++)
    if (!stipple_store_insert_screening_answer_locked (self, g_ptr_array_index (answers, i), id,
                                                       g_ptr_array_index (answer_uids, i),
                                                       &g_array_index (answer_ids, gint64, i),
                                                       error))
      goto fail;
  for (guint i = 0; i < n_consents; i++)
    if (!stipple_store_insert_consent_locked (self, g_ptr_array_index (consents, i),
                                              g_ptr_array_index (consent_uids, i),
                                              &g_array_index (consent_ids, gint64, i), error))
      goto fail;
  /* Sealed last, so that the seal covers the answers and consents. */
  if (session->ended_at != NULL && !stipple_store_chain_seal (self->db, self->path, id, error))
    goto fail;
  if (!stipple_store_commit (self, error))
    goto fail;

  /* On record: only now is anything passed in changed. */
  session->id = id;
  g_free (session->uid);
  session->uid = g_steal_pointer (&uid);
  for (guint i = 0; i < n_answers; i++)
    {
      StippleScreeningAnswer *answer = g_ptr_array_index (answers, i);

      answer->id = g_array_index (answer_ids, gint64, i);
      answer->session_id = id;
      g_free (answer->uid);
      answer->uid = g_strdup (g_ptr_array_index (answer_uids, i));
    }
  for (guint i = 0; i < n_consents; i++)
    {
      StippleConsent *consent = g_ptr_array_index (consents, i);

      consent->id = g_array_index (consent_ids, gint64, i);
      g_free (consent->uid);
      consent->uid = g_strdup (g_ptr_array_index (consent_uids, i));
    }
  return TRUE;

fail:
  stipple_store_rollback (self);
  return FALSE;
}

/**
 * stipple_store_save_note:
 * @self: a store
 * @session_id: a saved session
 * @kind: the note before or the note after the treatment
 * @text: the whole note, up to %STIPPLE_STORE_MAX_NOTE_BYTES
 * @error: return location for a #GError
 *
 * Returns: whether the note is saved
 */
gboolean
stipple_store_save_note (StippleStore     *self,
                         gint64            session_id,
                         StippleNoteKind   kind,
                         const char       *text,
                         GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);

  if (!check_note (text, error))
    return FALSE;

  locker = g_mutex_locker_new (&self->mutex);
  /* The notes of an ended session are sealed: what comes later is an
   * addendum (stipple-store-addenda.c). The schema refuses the edit too;
   * this says so in words. */
  stmt = stipple_store_prepare (self,
                                kind == STIPPLE_NOTE_BEFORE
                                  ? "UPDATE session SET note_before = ?1 WHERE id = ?2"
                                    " AND (ended_at IS NULL OR note_before IS ?1)"
                                  : "UPDATE session SET note_after = ?1 WHERE id = ?2"
                                    " AND (ended_at IS NULL OR note_after IS ?1)",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, stipple_store_or_empty (text), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, session_id);
  if (!stipple_store_begin (self, error))
    return FALSE;
  if (!stipple_store_step_done (self, stmt, error))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      if (session_has_ended (self, session_id))
        g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT,
                             _("The session has ended and its notes are sealed: they can no "
                               "longer be changed. Add an addendum instead."));
      else
        g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                             _("The note was not saved: its session is not in the patient file."));
      goto fail;
    }
  if (!stipple_store_commit (self, error))
    goto fail;
  return TRUE;

fail:
  stipple_store_rollback (self);
  return FALSE;
}

/**
 * stipple_store_add_strokes:
 * @self: a store
 * @session_id: a saved session
 * @zone: the zone treated
 * @strokes: strokes delivered since the last call
 * @error: return location for a #GError
 *
 * Returns: whether the zone's total now includes @strokes
 */
gboolean
stipple_store_add_strokes (StippleStore  *self,
                           gint64         session_id,
                           StippleZone    zone,
                           guint64        strokes,
                           GError       **error)
{
  return stipple_store_add_zone_totals (self, session_id, zone, strokes, 0, 0, error);
}

/* The insert of a zone's totals, which adds to every total the row
 * already has: written once from the table. */
static const char *
add_totals_sql (void)
{
  static gsize sql = 0;

  if (g_once_init_enter (&sql))
    {
      const StippleRecordTable *table = &stipple_zone_strokes_table;
      g_autoptr(GString) text = g_string_new (stipple_record_sql (table,
                                                                  STIPPLE_RECORD_SQL_INSERT));

      g_string_append (text, " ON CONFLICT (session_id, zone) DO UPDATE SET ");
      for (guint i = 0, n = 0; i < table->n_columns; i++)
        if (table->columns[i].type == STIPPLE_COLUMN_UINT64)
          g_string_append_printf (text, "%1$s%2$s = %2$s + excluded.%2$s", n++ ? ", " : "",
                                  table->columns[i].name);
      g_once_init_leave (&sql, (gsize) g_intern_string (text->str));
    }
  return (const char *) sql;
}

/**
 * stipple_store_add_zone_totals:
 * @self: a store
 * @session_id: the session
 * @zone: the zone
 * @strokes: strokes delivered since the last call
 * @time_in_zone_us: needle time on skin since the last call
 * @out_of_tolerance: strokes off the commanded depth since the last call
 * @error: return location for a #GError
 *
 * Adds to a zone's totals for the session; the report and the session
 * summary read them.
 *
 * Returns: whether the totals are recorded
 */
gboolean
stipple_store_add_zone_totals (StippleStore  *self,
                               gint64         session_id,
                               StippleZone    zone,
                               guint64        strokes,
                               guint64        time_in_zone_us,
                               guint64        out_of_tolerance,
                               GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  StippleZoneTotals totals = { zone, strokes, time_in_zone_us, out_of_tolerance };

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);

  if (stipple_zone_get_info (zone) == NULL)
    return stipple_store_invalid (error,
                                  _("Strokes were counted for a zone Stipple does not know."));

  locker = g_mutex_locker_new (&self->mutex);
  stmt = stipple_store_prepare (self, add_totals_sql (), error);
  if (stmt == NULL)
    return FALSE;
  stipple_record_bind (&stipple_zone_strokes_table, stmt, &totals);
  sqlite3_bind_int64 (stmt, stipple_record_table_param (&stipple_zone_strokes_table, "session_id"),
                      session_id);
  if (!stipple_store_begin (self, error))
    return FALSE;
  if (!stipple_store_step_done (self, stmt, error) ||
      !stipple_store_reseal_if_ended (self, session_id, error) ||
      !stipple_store_commit (self, error))
    {
      stipple_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}
