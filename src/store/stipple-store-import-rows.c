/* stipple-store-import-rows.c
 *
 * Moving a patient between computers, the receiving side's records: what
 * the imported file holds of one patient that this computer lacks,
 * matched by each record's uid. The statements are written from the
 * record tables (stipple-store-tables.c), so a new column is copied and
 * compared as soon as its row is there; a reference to another record is
 * taken to this computer's record of the same uid.
 *
 * Everything here runs in the import's transaction (stipple-store-import.c),
 * with the mutex held and the imported file attached as "imp".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-store-columns.h"
#include "stipple-store-private.h"

/* This computer's session of the same uid as imported session @column,
 * if it is the patient's (@local_id). */
static char *
local_session (const char *column,
               gint64      local_id)
{
  return g_strdup_printf ("(SELECT ms.id FROM main.session ms JOIN imp.session iss"
                          " ON iss.uid = ms.uid WHERE iss.id = %s"
                          " AND ms.patient_id = %" G_GINT64_FORMAT ")", column, local_id);
}

/* Copies the rows of @table, under the alias "a", that @where selects
 * and this file lacks by uid, oldest first; @overrides as for
 * stipple_record_import_sql(). */
static gboolean
copy_missing (StippleStore              *self,
              const StippleRecordTable  *table,
              const char * const        *overrides,
              const char                *where,
              GError                   **error)
{
  g_autofree char *insert = stipple_record_import_sql (table, "a", overrides);

  return stipple_store_exec_printf (self, error,
                                    "%s %s AND a.uid NOT IN (SELECT uid FROM main.%s)"
                                    " ORDER BY a.id",
                                    insert, where, table->name);
}

/* The rows a session holds that have no uid of their own (its plan,
 * serums and totals), copied with the session. */
static const StippleRecordTable * const session_parts[] = {
  &stipple_session_serum_table,
  &stipple_zone_pass_table,
  &stipple_zone_strokes_table,
};

/* Copies imported session @import_id to the patient @local_id, with
 * every row it holds; *new_id is its row here. */
static gboolean
copy_session (StippleStore  *self,
              gint64         local_id,
              gint64         import_id,
              gint64        *new_id,
              GError       **error)
{
  g_autofree char *patient = g_strdup_printf ("%" G_GINT64_FORMAT, local_id);
  const char *overrides[] = { "patient_id", patient, NULL };
  g_autofree char *insert = stipple_record_import_sql (&stipple_session_table, "a", overrides);
  g_autofree char *session = NULL;

  if (!stipple_store_exec_printf (self, error, "%s WHERE a.id = %" G_GINT64_FORMAT, insert,
                                  import_id))
    return FALSE;
  *new_id = sqlite3_last_insert_rowid (self->db);
  session = g_strdup_printf ("%" G_GINT64_FORMAT, *new_id);

  for (guint i = 0; i < G_N_ELEMENTS (session_parts); i++)
    {
      const char *part_overrides[] = { "session_id", session, NULL };
      g_autofree char *part = stipple_record_import_sql (session_parts[i], "a", part_overrides);

      if (!stipple_store_exec_printf (self, error, "%s WHERE a.session_id = %" G_GINT64_FORMAT,
                                      part, import_id))
        return FALSE;
    }

  /* Needle data and photographs are not records of the tables: their
   * columns are listed here. */
  return stipple_store_exec_printf (self, error,
                                    "INSERT INTO main.telemetry_block SELECT %1$" G_GINT64_FORMAT
                                    ", seq_first, n_samples, start_us, end_us, encoding, data"
                                    " FROM imp.telemetry_block"
                                    " WHERE session_id = %2$" G_GINT64_FORMAT ";"
                                    "INSERT INTO main.photo (uid, patient_id, session_id, view,"
                                    " zone, moment, taken_at, taken_by, source, width, height,"
                                    " mime_type, data, sha256)"
                                    " SELECT uid, %3$" G_GINT64_FORMAT ", %1$" G_GINT64_FORMAT
                                    ", view, zone, moment, taken_at, taken_by, source, width,"
                                    " height, mime_type, data, sha256"
                                    " FROM imp.photo WHERE session_id = %2$" G_GINT64_FORMAT
                                    " AND uid NOT IN (SELECT uid FROM main.photo) ORDER BY id;",
                                    *new_id, import_id, local_id);
}

/* The same session, by uid, and whether it reads the same here: a new
 * one is copied, one that differs in any compared column is reported
 * and this computer's kept. The ids of those added go to @added. */
static gboolean
import_sessions (StippleStore                  *self,
                 gint64                         local_id,
                 const StipplePatient          *imported,
                 StippleImportResult           *result,
                 GArray                        *added,
                 GError                       **error)
{
  g_autofree char *differs = stipple_record_differs_sql (&stipple_session_table,
                                                         STIPPLE_COLUMN_COMPARED, "m", "i");
  g_autofree char *sql = g_strdup_printf ("SELECT i.id, m.id, m.patient_id, i.started_at, %s"
                                          " FROM imp.session i LEFT JOIN main.session m"
                                          " ON m.uid = i.uid WHERE i.patient_id = ?"
                                          " ORDER BY i.started_at, i.id", differs);
  g_autoptr(GArray) to_copy = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, imported->id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 import_id = sqlite3_column_int64 (stmt, 0);
          const char *started_text = (const char *) sqlite3_column_text (stmt, 3);
          g_autoptr(GDateTime) started = stipple_store_parse_time (started_text);
          g_autofree char *when = started ? g_date_time_format (started, "%x %H:%M")
                                          : g_strdup ("?");

          if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
            g_array_append_val (to_copy, import_id);
          else if (sqlite3_column_int64 (stmt, 2) != local_id)
            g_ptr_array_add (result->conflicts,
                             g_strdup_printf (_("The session of %s belongs to another patient "
                                                "on this computer; it was not imported."), when));
          else if (sqlite3_column_int (stmt, 4) != 0)
            g_ptr_array_add (result->conflicts,
                             g_strdup_printf (_("The session of %s of %s %s differs from the one "
                                                "on this computer; this computer's version was "
                                                "kept."),
                                              when, imported->given_name, imported->family_name));
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return FALSE;
    }

  for (guint i = 0; i < to_copy->len; i++)
    {
      gint64 new_id;

      if (!copy_session (self, local_id, g_array_index (to_copy, gint64, i), &new_id, error))
        return FALSE;
      g_array_append_val (added, new_id);
      result->sessions_added++;
    }
  return TRUE;
}

/* The audit trail only grows: events this computer lacks are added to
 * the matching session here, each at the head of this file's chain. The
 * hashes are this file's own (stipple_store_chain_copy()). */
static gboolean
import_audit (StippleStore  *self,
              gint64         local_id,
              gint64         imported_id,
              GError       **error)
{
  g_autofree char *session = local_session ("a.session_id", local_id);
  g_autofree char *sql = g_strdup_printf (
      "SELECT a.uid, %1$s, a.at, a.user, a.kind, a.zone, a.sent, a.acknowledgement, a.read_back,"
      " a.detail FROM imp.audit a WHERE a.session_id IN"
      "  (SELECT id FROM imp.session WHERE patient_id = %2$" G_GINT64_FORMAT ")"
      " AND a.uid NOT IN (SELECT uid FROM main.audit) AND %1$s IS NOT NULL"
      " ORDER BY a.id", session, imported_id);
  sqlite3_stmt *stmt = NULL;
  gboolean copied;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      sqlite3_finalize (stmt);
      return FALSE;
    }
  copied = stipple_store_chain_copy (self->db, self->path, stmt, error);
  sqlite3_finalize (stmt);
  return copied;
}

/* Each ended session added is sealed here, as it arrived; and so is
 * every ended session the import gave a row (an event, a seal written on
 * the other computer, an addendum): the last seal of a session is always
 * this computer's, over what this file now holds. */
static gboolean
seal_changed (StippleStore  *self,
              gint64         local_id,
              gint64         audit_before,
              gint64         addenda_before,
              GArray        *added,
              GError       **error)
{
  g_autoptr(GArray) to_seal = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(StippleStmt) ended = stipple_store_prepare (self,
      "SELECT id FROM main.session WHERE patient_id = ?1 AND ended_at IS NOT NULL"
      " AND (id IN (SELECT session_id FROM main.audit WHERE id > ?2)"
      "  OR id IN (SELECT session_id FROM main.note_addendum WHERE id > ?3)"
      "  OR id IN (SELECT value FROM json_each (?4)))"
      " ORDER BY id", error);
  g_autoptr(GString) added_json = g_string_new ("[");
  int rc;

  if (ended == NULL)
    return FALSE;
  for (guint i = 0; i < added->len; i++)
    g_string_append_printf (added_json, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            g_array_index (added, gint64, i));
  g_string_append_c (added_json, ']');
  sqlite3_bind_int64 (ended, 1, local_id);
  sqlite3_bind_int64 (ended, 2, audit_before);
  sqlite3_bind_int64 (ended, 3, addenda_before);
  sqlite3_bind_text (ended, 4, added_json->str, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (ended)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (ended, 0);
      g_array_append_val (to_seal, id);
    }
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return FALSE;
    }
  sqlite3_reset (ended);
  for (guint i = 0; i < to_seal->len; i++)
    if (!stipple_store_chain_seal (self->db, self->path, g_array_index (to_seal, gint64, i),
                                   error))
      return FALSE;
  return TRUE;
}

/**
 * stipple_store_import_records:
 * @self: a store, its mutex held, in the import's transaction
 * @local_id: the patient here, new or the same as @imported
 * @imported: the patient in the attached file "imp"
 * @result: where added sessions and conflicts are counted
 * @error: return location for a #GError
 *
 * Adds to the patient here every record of @imported this file lacks:
 * courses, consents, sessions with their plan, serums, totals, needle
 * data and photographs, the audit trail, screening answers, addenda and
 * what happened to the photographs; then seals again each ended session
 * that gained a row.
 *
 * Returns: whether everything was copied; on failure the caller rolls
 *   the transaction back
 */
gboolean
stipple_store_import_records (StippleStore                  *self,
                              gint64                         local_id,
                              const StipplePatient          *imported,
                              StippleImportResult           *result,
                              GError                       **error)
{
  g_autofree char *patient = g_strdup_printf ("%" G_GINT64_FORMAT, local_id);
  g_autofree char *session = local_session ("a.session_id", local_id);
  g_autofree char *of_patient = g_strdup_printf ("WHERE a.patient_id = %" G_GINT64_FORMAT,
                                                 imported->id);
  g_autofree char *of_sessions = NULL;
  g_autoptr(GArray) added = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *owned[] = { "patient_id", patient, NULL };
  const char *answered[] = { "patient_id", patient, "session_id", session, NULL };
  const char *added_to[] = { "session_id", "ms.id", NULL };
  gint64 audit_before, addenda_before;

  if (!copy_missing (self, &stipple_course_table, owned, of_patient, error) ||
      !copy_missing (self, &stipple_consent_table, owned, of_patient, error) ||
      !import_sessions (self, local_id, imported, result, added, error))
    return FALSE;

  /* What this file held before the records below, to tell what they
   * brought. */
  if (!stipple_store_query_int (self->db, self->path,
                                "SELECT coalesce (max (id), 0) FROM main.audit", &audit_before,
                                error) ||
      !stipple_store_query_int (self->db, self->path,
                                "SELECT coalesce (max (id), 0) FROM main.note_addendum",
                                &addenda_before, error))
    return FALSE;

  of_sessions = g_strdup_printf ("JOIN imp.session iss ON iss.id = a.session_id"
                                 " JOIN main.session ms ON ms.uid = iss.uid"
                                 " AND ms.patient_id = %" G_GINT64_FORMAT
                                 " WHERE iss.patient_id = %" G_GINT64_FORMAT,
                                 local_id, imported->id);
  if (!import_audit (self, local_id, imported->id, error) ||
      !copy_missing (self, &stipple_screening_answer_table, answered, of_patient, error) ||
      /* Addenda, each to its session here. */
      !copy_missing (self, &stipple_note_addendum_table, added_to, of_sessions, error))
    return FALSE;

  /* What happened to the photos (refusals, hidden after withdrawal)
   * comes with them. */
  if (!stipple_store_exec_printf (self, error,
                                  "INSERT INTO main.photo_event (uid, patient_id, session_id,"
                                  " photo_id, kind, at, user, reason)"
                                  " SELECT a.uid, %1$s, %2$s,"
                                  " (SELECT mp.id FROM main.photo mp JOIN imp.photo ip"
                                  "  ON ip.uid = mp.uid WHERE ip.id = a.photo_id),"
                                  " a.kind, a.at, a.user, a.reason FROM imp.photo_event a"
                                  " %3$s AND a.uid NOT IN (SELECT uid FROM main.photo_event)"
                                  " ORDER BY a.id;",
                                  patient, session, of_patient))
    return FALSE;

  return seal_changed (self, local_id, audit_before, addenda_before, added, error);
}
