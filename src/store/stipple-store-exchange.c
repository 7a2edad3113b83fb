/* stipple-store-exchange.c
 *
 * Moving a patient between computers. Export writes one patient, with
 * every record and the needle data, into a new standalone patient file.
 * Import merges such a file (or any Stipple patient file) by record
 * number: a patient new here is added; the same patient (same record
 * number, name and date of birth) gains what this file lacks, matched by
 * each record's uid; anything that disagrees with what is here is left
 * as it is here and reported, never overwritten.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "stipple-store-private.h"

static gboolean
exec_ids (StippleStore  *self,
          GError       **error,
          const char    *format,
          ...) G_GNUC_PRINTF (3, 4);

/* Only integers are ever formatted into these statements. */
static gboolean
exec_ids (StippleStore  *self,
          GError       **error,
          const char    *format,
          ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return stipple_store_exec (self, sql, error);
}

static gboolean
attach (StippleStore  *self,
        const char    *path,
        const char    *name,
        GError       **error)
{
  g_autofree char *sql = g_strdup_printf ("ATTACH DATABASE ? AS %s", name);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, path, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    {
      stipple_store_set_sqlite_error (self->db, rc, path, error);
      return FALSE;
    }
  return TRUE;
}

static void
detach (StippleStore *self,
        const char   *name)
{
  g_autofree char *sql = g_strdup_printf ("DETACH DATABASE %s", name);

  sqlite3_exec (self->db, sql, NULL, NULL, NULL);
}

static void
remove_companions (const char *path)
{
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autofree char *backups = stipple_store_get_backup_dir (path);

  g_unlink (lock);
  g_rmdir (backups);
}

/**
 * stipple_store_export_patient:
 * @self: a store
 * @patient_id: the patient to export
 * @destination: a new file; an existing file is never replaced
 * @error: return location for a #GError
 *
 * Writes the patient with screening, consents, courses, sessions, audit
 * trail and needle data into a new standalone patient file, for
 * stipple_store_import() on another computer.
 *
 * Returns: whether the file was written whole
 */
gboolean
stipple_store_export_patient (StippleStore  *self,
                              gint64         patient_id,
                              const char    *destination,
                              GError       **error)
{
  g_autoptr(StippleStore) out = NULL;
  /* Before the locker, so that the lock is let go before the reader. */
  g_autoptr(StippleStore) reader = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *in_sessions = NULL;
  gint64 last_audit = 0;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (destination != NULL, FALSE);

  absolute = g_canonicalize_filename (destination, NULL);
  if (g_file_test (absolute, G_FILE_TEST_EXISTS))
    {
      g_autofree char *name = g_filename_display_name (absolute);
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DUPLICATE,
                   _("A file named “%s” already exists. Choose another name."), name);
      return FALSE;
    }

  if (!stipple_store_flush_telemetry (self, error))
    return FALSE;

  /* A new, empty patient file of the current version, made the one way
   * every patient file is made. */
  out = stipple_store_open_full (absolute, FALSE, error);
  if (out == NULL)
    return FALSE;
  stipple_store_close (out);

  /* The patient is read through a connection of its own: in WAL mode a
   * reader never holds up the writer, so notes, audit rows and a
   * treatment's totals are written while the copy is made. */
  reader = stipple_store_open_reader (self, error);
  if (reader == NULL)
    goto fail_unlinked;
  locker = g_mutex_locker_new (&reader->mutex);
  if (!stipple_store_check_open (reader, error) || !attach (reader, absolute, "export", error))
    goto fail_unlinked;

  in_sessions = g_strdup_printf ("SELECT id FROM main.session WHERE patient_id = %" G_GINT64_FORMAT,
                                 patient_id);
  /* Deferred: the transaction writes the export file alone, and takes
   * no write lock on the patient file. */
  if (!stipple_store_exec (reader, "BEGIN", error))
    goto fail;
  if (!exec_ids (reader, error, "INSERT INTO export.patient SELECT * FROM main.patient WHERE id = %"
                 G_GINT64_FORMAT, patient_id))
    goto fail;
  if (sqlite3_changes (reader->db) == 0)
    {
      g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                           _("This patient is not in the patient file."));
      goto fail;
    }
  if (!exec_ids (reader, error,
                 "INSERT INTO export.course SELECT * FROM main.course WHERE patient_id = %"
                 G_GINT64_FORMAT ";"
                 "INSERT INTO export.consent SELECT * FROM main.consent WHERE patient_id = %"
                 G_GINT64_FORMAT ";"
                 "INSERT INTO export.session SELECT * FROM main.session WHERE patient_id = %"
                 G_GINT64_FORMAT ";"
                 "INSERT INTO export.screening_answer SELECT * FROM main.screening_answer"
                 " WHERE patient_id = %" G_GINT64_FORMAT ";",
                 patient_id, patient_id, patient_id, patient_id))
    goto fail;
  if (!exec_ids (reader, error,
                 "INSERT INTO export.session_serum SELECT * FROM main.session_serum"
                 " WHERE session_id IN (%s);"
                 "INSERT INTO export.zone_pass SELECT * FROM main.zone_pass"
                 " WHERE session_id IN (%s);"
                 "INSERT INTO export.zone_strokes SELECT * FROM main.zone_strokes"
                 " WHERE session_id IN (%s);"
                 "INSERT INTO export.telemetry_block SELECT * FROM main.telemetry_block"
                 " WHERE session_id IN (%s);"
                 "INSERT INTO export.note_addendum SELECT * FROM main.note_addendum"
                 " WHERE session_id IN (%s);",
                 in_sessions, in_sessions, in_sessions, in_sessions, in_sessions))
    goto fail;
  /* A photo hidden since the consent was withdrawn travels as its tags
   * and hash only: the seal still holds, the pixels stay here. */
  if (!exec_ids (reader, error,
                 "INSERT INTO export.photo SELECT id, uid, patient_id, session_id, view, zone,"
                 " moment, taken_at, taken_by, source, width, height, mime_type,"
                 " CASE WHEN EXISTS (SELECT 1 FROM main.photo_event e WHERE e.photo_id = p.id"
                 "  AND e.kind = 'hidden') THEN zeroblob (0) ELSE data END, sha256"
                 " FROM main.photo p WHERE patient_id = %1$" G_GINT64_FORMAT " ORDER BY id;"
                 "INSERT INTO export.photo_event SELECT * FROM main.photo_event"
                 " WHERE patient_id = %1$" G_GINT64_FORMAT " ORDER BY id;",
                 patient_id))
    goto fail;
  /* Writes go on beside the copy: the audit trail is taken as it stood
   * when the records above were read, and not a row later. */
  if (!stipple_store_query_int (reader->db, reader->path,
                                "SELECT ifnull (max (id), 0) FROM main.audit", &last_audit, error))
    goto fail;
  if (!stipple_store_commit (reader, error))
    goto fail;
  detach (reader, "export");

  /* The audit trail goes into the new file's own chain, and each ended
   * session is sealed there as it arrived. */
  g_clear_object (&out);
  out = stipple_store_open_full (absolute, FALSE, error);
  if (out == NULL)
    goto fail_unlinked;
  {
    g_autoptr(StippleStmt) select = stipple_store_prepare (reader,
        "SELECT uid, session_id, at, user, kind, zone, sent, acknowledgement, read_back, detail"
        " FROM main.audit WHERE session_id IN (SELECT id FROM main.session WHERE patient_id = ?)"
        " AND id <= ? ORDER BY id", error);

    if (select == NULL)
      goto fail_unlinked;
    sqlite3_bind_int64 (select, 1, patient_id);
    sqlite3_bind_int64 (select, 2, last_audit);
    if (!stipple_store_begin (out, error))
      goto fail_unlinked;
    if (!stipple_store_chain_copy (out->db, absolute, select, error) ||
        !stipple_store_chain_seal_ended (out->db, absolute, TRUE, error) ||
        !stipple_store_commit (out, error))
      {
        stipple_store_rollback (out);
        goto fail_unlinked;
      }
  }
  stipple_store_close (out);
  remove_companions (absolute);
  return TRUE;

fail:
  stipple_store_rollback (reader);
  detach (reader, "export");
fail_unlinked:
  if (out != NULL)
    stipple_store_close (out);
  {
    g_autofree char *wal = g_strconcat (absolute, "-wal", NULL);
    g_autofree char *shm = g_strconcat (absolute, "-shm", NULL);
    g_unlink (absolute);
    g_unlink (wal);
    g_unlink (shm);
    remove_companions (absolute);
  }
  return FALSE;
}

typedef struct
{
  gint64  id;
  char   *uid;
  char   *record_number;
  char   *family_name;
  char   *given_name;
  char   *family_key;
  char   *given_key;
  char   *date_of_birth;
  char   *details;
} ImportedPatient;

static void
imported_patient_free (ImportedPatient *p)
{
  g_free (p->uid);
  g_free (p->record_number);
  g_free (p->family_name);
  g_free (p->given_name);
  g_free (p->family_key);
  g_free (p->given_key);
  g_free (p->date_of_birth);
  g_free (p->details);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportedPatient, imported_patient_free)

#define IDENTITY_COLUMNS \
  "id, uid, record_number, family_name, given_name, family_key, given_key, date_of_birth," \
  " phone || x'1f' || email || x'1f' || address || x'1f' || fitzpatrick || x'1f' || allergies"

static ImportedPatient *
imported_from_row (sqlite3_stmt *stmt)
{
  ImportedPatient *p = g_new0 (ImportedPatient, 1);

  p->id = sqlite3_column_int64 (stmt, 0);
  p->uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  p->record_number = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  p->family_name = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  p->given_name = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  p->family_key = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  p->given_key = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  p->date_of_birth = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  p->details = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  return p;
}

static ImportedPatient *
find_local (StippleStore  *self,
            const char    *column,
            const char    *value,
            GError       **error,
            gboolean      *failed)
{
  g_autofree char *sql = g_strdup_printf ("SELECT " IDENTITY_COLUMNS " FROM main.patient"
                                          " WHERE %s = ?", column);
  sqlite3_stmt *stmt = NULL;
  ImportedPatient *found = NULL;
  int rc;

  *failed = FALSE;
  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        found = imported_from_row (stmt);
      else if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
      else
        *failed = TRUE;
    }
  else
    *failed = TRUE;
  if (*failed)
    stipple_store_set_sqlite_error (self->db, rc, self->path, error);
  sqlite3_finalize (stmt);
  return found;
}

/* The same session, by uid, and whether it reads the same here. */
static gboolean
import_sessions (StippleStore         *self,
                 gint64                local_id,
                 const ImportedPatient *imported,
                 StippleImportResult  *result,
                 GError              **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GArray) to_copy = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) added = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 audit_before, addenda_before;
  int rc;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT i.id, m.id, m.patient_id, i.started_at,"
                           /* Every column the import would copy. */
                           " (m.started_at IS NOT i.started_at OR m.ended_at IS NOT i.ended_at"
                           "  OR m.clinician IS NOT i.clinician"
                           "  OR m.note_before IS NOT i.note_before"
                           "  OR m.note_after IS NOT i.note_after"
                           "  OR m.cartridge_id IS NOT i.cartridge_id"
                           "  OR m.cartridge_lot IS NOT i.cartridge_lot"
                           "  OR m.pen_serial IS NOT i.pen_serial"
                           "  OR m.pen_firmware IS NOT i.pen_firmware"
                           "  OR m.anaesthetic_at IS NOT i.anaesthetic_at"
                           "  OR m.anaesthetic_product IS NOT i.anaesthetic_product"
                           "  OR (SELECT ic.uid FROM imp.course ic WHERE ic.id = i.course_id)"
                           "     IS NOT (SELECT mc.uid FROM main.course mc WHERE mc.id = m.course_id)"
                           "  OR m.screening_override IS NOT i.screening_override"
                           "  OR m.erythema_grade IS NOT i.erythema_grade"
                           "  OR m.pinpoint_bleeding IS NOT i.pinpoint_bleeding"
                           "  OR m.aftercare_given IS NOT i.aftercare_given)"
                           " FROM imp.session i LEFT JOIN main.session m ON m.uid = i.uid"
                           " WHERE i.patient_id = ? ORDER BY i.started_at, i.id",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, imported->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 import_id = sqlite3_column_int64 (stmt, 0);
      const char *started_text = (const char *) sqlite3_column_text (stmt, 3);
      g_autoptr(GDateTime) started = stipple_store_parse_time (started_text);
      g_autofree char *when = started ? g_date_time_format (started, "%x %H:%M") : g_strdup ("?");

      if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
        g_array_append_val (to_copy, import_id);
      else if (sqlite3_column_int64 (stmt, 2) != local_id)
        g_ptr_array_add (result->conflicts,
                         g_strdup_printf (_("The session of %s belongs to another patient on "
                                            "this computer; it was not imported."), when));
      else if (sqlite3_column_int (stmt, 4) != 0)
        g_ptr_array_add (result->conflicts,
                         g_strdup_printf (_("The session of %s of %s %s differs from the one on "
                                            "this computer; this computer's version was kept."),
                                          when, imported->given_name, imported->family_name));
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (rc != SQLITE_DONE)
    goto fail;

  for (guint i = 0; i < to_copy->len; i++)
    {
      gint64 import_id = g_array_index (to_copy, gint64, i);
      gint64 new_id;

      if (!exec_ids (self, error,
                     "INSERT INTO main.session (uid, patient_id, course_id, started_at, ended_at,"
                     " clinician, pen_serial, pen_firmware, cartridge_id, cartridge_lot,"
                     " anaesthetic_at, note_before, note_after, anaesthetic_product,"
                     " screening_override, erythema_grade, pinpoint_bleeding, aftercare_given)"
                     " SELECT s.uid, %" G_GINT64_FORMAT ","
                     " (SELECT mc.id FROM main.course mc JOIN imp.course ic ON ic.uid = mc.uid"
                     "  WHERE ic.id = s.course_id),"
                     " started_at, ended_at, clinician, pen_serial, pen_firmware, cartridge_id,"
                     " cartridge_lot, anaesthetic_at, note_before, note_after, anaesthetic_product,"
                     " screening_override, erythema_grade, pinpoint_bleeding, aftercare_given"
                     " FROM imp.session s WHERE s.id = %" G_GINT64_FORMAT,
                     local_id, import_id))
        return FALSE;
      new_id = sqlite3_last_insert_rowid (self->db);
      if (!exec_ids (self, error,
                     "INSERT INTO main.session_serum SELECT %1$" G_GINT64_FORMAT ", position,"
                     " product, lot FROM imp.session_serum"
                     " WHERE session_id = %2$" G_GINT64_FORMAT ";"
                     "INSERT INTO main.zone_pass SELECT %1$" G_GINT64_FORMAT ", position, zone,"
                     " pass, depth_um,"
                     " stroke_rate_hz FROM imp.zone_pass WHERE session_id = %2$" G_GINT64_FORMAT ";"
                     "INSERT INTO main.zone_strokes SELECT %1$" G_GINT64_FORMAT ", zone, strokes,"
                     " time_in_zone_us, out_of_tolerance FROM imp.zone_strokes WHERE session_id = %2$" G_GINT64_FORMAT ";"
                     "INSERT INTO main.telemetry_block SELECT %1$" G_GINT64_FORMAT ", seq_first,"
                     " n_samples, start_us, end_us, encoding, data FROM imp.telemetry_block"
                     " WHERE session_id = %2$" G_GINT64_FORMAT ";"
                     "INSERT INTO main.photo (uid, patient_id, session_id, view, zone, moment,"
                     " taken_at, taken_by, source, width, height, mime_type, data, sha256)"
                     " SELECT uid, %3$" G_GINT64_FORMAT ", %1$" G_GINT64_FORMAT ", view, zone,"
                     " moment, taken_at, taken_by, source, width, height, mime_type, data, sha256"
                     " FROM imp.photo WHERE session_id = %2$" G_GINT64_FORMAT
                     " AND uid NOT IN (SELECT uid FROM main.photo) ORDER BY id;",
                     new_id, import_id, local_id))
        return FALSE;
      g_array_append_val (added, new_id);
      result->sessions_added++;
    }

  /* What this file held before the import, to tell what it brought. */
  {
    g_autoptr(StippleStmt) marks = stipple_store_prepare (self,
        "SELECT (SELECT coalesce (max (id), 0) FROM main.audit),"
        " (SELECT coalesce (max (id), 0) FROM main.note_addendum)", error);

    if (marks == NULL || sqlite3_step (marks) != SQLITE_ROW)
      {
        if (marks != NULL)
          stipple_store_set_sqlite_error (self->db, sqlite3_errcode (self->db), self->path, error);
        return FALSE;
      }
    audit_before = sqlite3_column_int64 (marks, 0);
    addenda_before = sqlite3_column_int64 (marks, 1);
  }

  /* The audit trail only grows: events this computer lacks are added to
   * the matching session here, each at the head of this file's chain. */
  {
    g_autofree char *sql = g_strdup_printf (
        "SELECT a.uid, (SELECT ms.id FROM main.session ms JOIN imp.session iss"
        "  ON iss.uid = ms.uid WHERE iss.id = a.session_id AND ms.patient_id = %1$"
        G_GINT64_FORMAT "),"
        " a.at, a.user, a.kind, a.zone, a.sent, a.acknowledgement, a.read_back, a.detail"
        " FROM imp.audit a WHERE a.session_id IN"
        "  (SELECT id FROM imp.session WHERE patient_id = %2$" G_GINT64_FORMAT ")"
        " AND a.uid NOT IN (SELECT uid FROM main.audit)"
        " AND EXISTS (SELECT 1 FROM main.session ms JOIN imp.session iss"
        "  ON iss.uid = ms.uid WHERE iss.id = a.session_id AND ms.patient_id = %1$"
        G_GINT64_FORMAT ")"
        " ORDER BY a.id", local_id, imported->id);
    gboolean copied;

    rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
      goto fail;
    copied = stipple_store_chain_copy (self->db, self->path, stmt, error);
    sqlite3_finalize (stmt);
    stmt = NULL;
    if (!copied)
      return FALSE;
  }

  if (!exec_ids (self, error,
                   "INSERT INTO main.screening_answer (uid, patient_id, session_id, item_key,"
                   " answer, note, answered_on)"
                   " SELECT a.uid, %1$" G_GINT64_FORMAT ", (SELECT ms.id FROM main.session ms"
                   "  JOIN imp.session iss ON iss.uid = ms.uid WHERE iss.id = a.session_id"
                   "  AND ms.patient_id = %1$" G_GINT64_FORMAT "),"
                   " a.item_key, a.answer, a.note, a.answered_on FROM imp.screening_answer a"
                   " WHERE a.patient_id = %2$" G_GINT64_FORMAT
                   " AND a.uid NOT IN (SELECT uid FROM main.screening_answer)"
                   " ORDER BY a.id;",
                   local_id, imported->id))
    return FALSE;

  /* Addenda this computer lacks, each to its session. */
  if (!exec_ids (self, error,
                 "INSERT INTO main.note_addendum (uid, session_id, kind, text, author, written_at)"
                 " SELECT a.uid, ms.id, a.kind, a.text, a.author, a.written_at"
                 " FROM imp.note_addendum a JOIN imp.session iss ON iss.id = a.session_id"
                 " JOIN main.session ms ON ms.uid = iss.uid AND ms.patient_id = %1$" G_GINT64_FORMAT
                 " WHERE iss.patient_id = %2$" G_GINT64_FORMAT
                 " AND a.uid NOT IN (SELECT uid FROM main.note_addendum) ORDER BY a.id;",
                 local_id, imported->id))
    return FALSE;

  /* What happened to the photos (refusals, hidden after withdrawal)
   * comes with them. */
  if (!exec_ids (self, error,
                 "INSERT INTO main.photo_event (uid, patient_id, session_id, photo_id, kind, at,"
                 " user, reason)"
                 " SELECT e.uid, %1$" G_GINT64_FORMAT ", (SELECT ms.id FROM main.session ms"
                 "  JOIN imp.session iss ON iss.uid = ms.uid WHERE iss.id = e.session_id"
                 "  AND ms.patient_id = %1$" G_GINT64_FORMAT "),"
                 " (SELECT mp.id FROM main.photo mp JOIN imp.photo ip ON ip.uid = mp.uid"
                 "  WHERE ip.id = e.photo_id), e.kind, e.at, e.user, e.reason"
                 " FROM imp.photo_event e WHERE e.patient_id = %2$" G_GINT64_FORMAT
                 " AND e.uid NOT IN (SELECT uid FROM main.photo_event) ORDER BY e.id;",
                 local_id, imported->id))
    return FALSE;

  /* Each ended session added is sealed here, as it arrived; and so is
   * every ended session the import gave a row (an event, a seal written
   * on the other computer, an addendum): the last seal of a session is
   * always this computer's, over what this file now holds. */
  {
    g_autoptr(GArray) to_seal = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr(StippleStmt) ended = stipple_store_prepare (self,
        "SELECT id FROM main.session WHERE patient_id = ?1 AND ended_at IS NOT NULL"
        " AND (id IN (SELECT session_id FROM main.audit WHERE id > ?2)"
        "  OR id IN (SELECT session_id FROM main.note_addendum WHERE id > ?3)"
        "  OR id IN (SELECT value FROM json_each (?4)))"
        " ORDER BY id", error);
    g_autoptr(GString) added_json = g_string_new ("[");

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
  }

  return TRUE;

fail:
  stipple_store_set_sqlite_error (self->db, rc, self->path, error);
  sqlite3_finalize (stmt);
  return FALSE;
}

static void
import_details_free (StippleImportDetails *details)
{
  g_free (details->patient_uid);
  g_free (details->patient_name);
  g_free (details->differences);
  g_free (details);
}

static char *
skin_type_text (sqlite3_stmt *stmt,
                int           column)
{
  static const char * const roman[] = { "I", "II", "III", "IV", "V", "VI" };
  int type = sqlite3_column_int (stmt, column);

  return g_strdup (type >= 1 && type <= 6 ? roman[type - 1] : "—");
}

/* A patient in both files whose contact details, skin type or allergies
 * differ: what differs, field by field, and the imported details written
 * over this computer's when the clinician chose them (@take). Called in
 * the import's transaction, with the mutex held. */
static gboolean
settle_details (StippleStore          *self,
                const ImportedPatient *local,
                const ImportedPatient *imported,
                gboolean               take,
                StippleImportResult   *result,
                GError               **error)
{
  const char *labels[] = {
    N_("Phone"), N_("Email"), N_("Address"), N_("Fitzpatrick skin type"), N_("Allergies"),
  };
  g_autoptr(GString) differences = g_string_new (NULL);
  StippleImportDetails *details;
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT m.phone, i.phone, m.email, i.email, m.address, i.address,"
                           " m.fitzpatrick, i.fitzpatrick, m.allergies, i.allergies"
                           " FROM main.patient m, imp.patient i WHERE m.id = ? AND i.id = ?",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, local->id);
      sqlite3_bind_int64 (stmt, 2, imported->id);
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_ROW)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      sqlite3_finalize (stmt);
      return FALSE;
    }
  for (guint f = 0; f < G_N_ELEMENTS (labels); f++)
    {
      g_autofree char *here = NULL;
      g_autofree char *there = NULL;

      if (f == 3)
        {
          here = skin_type_text (stmt, 2 * f);
          there = skin_type_text (stmt, 2 * f + 1);
        }
      else
        {
          here = g_strdup ((const char *) sqlite3_column_text (stmt, 2 * f));
          there = g_strdup ((const char *) sqlite3_column_text (stmt, 2 * f + 1));
        }
      if (g_strcmp0 (here, there) == 0)
        continue;
      if (differences->len > 0)
        g_string_append_c (differences, '\n');
      /* TRANSLATORS: a field of a patient's record that differs between
       * this computer and a file being imported, e.g. "Phone: here 0171
       * 555 0101; imported 0171 555 0199". */
      g_string_append_printf (differences, _("%s: here %s; imported %s"), _(labels[f]),
                              here != NULL && *here != '\0' ? here : "—",
                              there != NULL && *there != '\0' ? there : "—");
    }
  sqlite3_finalize (stmt);

  details = g_new0 (StippleImportDetails, 1);
  details->patient_uid = g_strdup (local->uid);
  details->patient_name = g_strdup_printf ("%s %s", local->given_name, local->family_name);
  details->differences = g_string_free (g_steal_pointer (&differences), FALSE);
  details->taken = take;
  g_ptr_array_add (result->details, details);

  if (!take)
    return TRUE;

  {
    g_autofree char *now = NULL;
    g_autoptr(GDateTime) now_time = g_date_time_new_now_utc ();

    now = stipple_store_format_time (now_time);
    rc = sqlite3_prepare_v2 (self->db,
                             "UPDATE main.patient SET (phone, email, address, fitzpatrick,"
                             " allergies) = (SELECT phone, email, address, fitzpatrick, allergies"
                             " FROM imp.patient WHERE id = ?2), updated_at = ?3 WHERE id = ?1",
                             -1, &stmt, NULL);
    if (rc == SQLITE_OK)
      {
        sqlite3_bind_int64 (stmt, 1, local->id);
        sqlite3_bind_int64 (stmt, 2, imported->id);
        sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
        rc = sqlite3_step (stmt);
      }
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE)
      {
        stipple_store_set_sqlite_error (self->db, rc, self->path, error);
        return FALSE;
      }
  }
  result->details_taken++;
  return TRUE;
}

static gboolean
import_patient (StippleStore          *self,
                const ImportedPatient *imported,
                const char * const    *take_details,
                StippleImportResult   *result,
                GError               **error)
{
  g_autoptr(ImportedPatient) local = NULL;
  gboolean failed = FALSE;
  gint64 local_id;

  local = find_local (self, "record_number", imported->record_number, error, &failed);
  if (failed)
    return FALSE;

  if (local == NULL)
    {
      g_autoptr(ImportedPatient) same_uid = find_local (self, "uid", imported->uid, error, &failed);

      if (failed)
        return FALSE;
      if (same_uid != NULL)
        {
          g_ptr_array_add (result->conflicts,
                           g_strdup_printf (_("%s %s has record number “%s” on this computer "
                                              "but “%s” in the imported file; nothing of this "
                                              "patient was imported."),
                                            imported->given_name, imported->family_name,
                                            same_uid->record_number, imported->record_number));
          return TRUE;
        }
      if (!exec_ids (self, error,
                     "INSERT INTO main.patient (uid, record_number, family_name, given_name,"
                     " date_of_birth, phone, email, address, fitzpatrick, allergies, family_key,"
                     " given_key, record_key, created_at, updated_at, language)"
                     " SELECT uid, record_number, family_name, given_name, date_of_birth, phone,"
                     " email, address, fitzpatrick, allergies, family_key, given_key, record_key,"
                     " created_at, updated_at, language FROM imp.patient WHERE id = %" G_GINT64_FORMAT,
                     imported->id))
        return FALSE;
      local_id = sqlite3_last_insert_rowid (self->db);
      result->patients_added++;
    }
  else if (g_strcmp0 (local->family_key, imported->family_key) != 0 ||
           g_strcmp0 (local->given_key, imported->given_key) != 0 ||
           g_strcmp0 (local->date_of_birth, imported->date_of_birth) != 0)
    {
      g_ptr_array_add (result->conflicts,
                       g_strdup_printf (_("Record number “%s” is %s %s (born %s) in the "
                                          "imported file but %s %s (born %s) on this computer; "
                                          "nothing of this patient was imported."),
                                        imported->record_number, imported->given_name,
                                        imported->family_name, imported->date_of_birth,
                                        local->given_name, local->family_name,
                                        local->date_of_birth));
      return TRUE;
    }
  else
    {
      local_id = local->id;
      result->patients_merged++;
      if (g_strcmp0 (local->details, imported->details) != 0 &&
          !settle_details (self, local, imported,
                           take_details != NULL && g_strv_contains (take_details, local->uid),
                           result, error))
        return FALSE;
    }

  if (!exec_ids (self, error,
                 "INSERT INTO main.course (uid, patient_id, indications, planned_sessions,"
                 " interval_days, started_on) SELECT uid, %1$" G_GINT64_FORMAT ", indications,"
                 " planned_sessions, interval_days, started_on FROM imp.course"
                 " WHERE patient_id = %2$" G_GINT64_FORMAT
                 " AND uid NOT IN (SELECT uid FROM main.course) ORDER BY id;"
                 "INSERT INTO main.consent (uid, patient_id, kind, given, signed_on)"
                 " SELECT uid, %1$" G_GINT64_FORMAT ", kind, given, signed_on FROM imp.consent"
                 " WHERE patient_id = %2$" G_GINT64_FORMAT
                 " AND uid NOT IN (SELECT uid FROM main.consent) ORDER BY id;",
                 local_id, imported->id))
    return FALSE;

  return import_sessions (self, local_id, imported, result, error);
}

static gboolean
copy_plain (const char  *from,
            const char  *to,
            GError     **error)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = g_file_new_for_path (to);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &local_error))
    {
      g_autofree char *name = g_filename_display_name (from);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                     _("The file “%s” does not exist."), name);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DISK_FULL,
                             _("The disk is full: the file could not be imported. Nothing was "
                               "changed."));
      else
        g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_FAILED,
                     _("The file “%s” could not be read: %s"), name, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
remove_tree (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir_path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (dir_path);
}

/**
 * stipple_store_import:
 * @self: a store
 * @source: a patient file, as stipple_store_export_patient() writes it
 * @error: return location for a #GError
 *
 * Merges @source into this patient file in one transaction; @source
 * itself is only read (a private copy is checked, and migrated if it
 * comes from an older Stipple). See the file's comment for the rules.
 *
 * Returns: (transfer full): what was added and what was left alone, or
 *   %NULL with @error set and nothing changed
 */
static StippleImportResult *import_file (StippleStore        *self,
                                         const char          *source,
                                         const char * const  *take_details,
                                         gboolean             apply,
                                         GError             **error);

StippleImportResult *
stipple_store_import (StippleStore  *self,
                      const char    *source,
                      GError       **error)
{
  return import_file (self, source, NULL, TRUE, error);
}

/**
 * stipple_store_import_full:
 * @self: a store
 * @source: a patient file, as stipple_store_export_patient() writes it
 * @take_details: (nullable) (array zero-terminated=1): the uids, on
 *   this computer, of patients whose contact details, skin type and
 *   allergies are to be taken from @source where they differ (the
 *   clinician's choice, after stipple_store_import_preview() listed them
 *   in its details)
 * @error: return location for a #GError
 *
 * As stipple_store_import(), which keeps this computer's details for
 * every patient. Names, dates of birth and record numbers are never
 * taken: a patient whose identity differs is not imported at all; and a
 * session that differs keeps this computer's version, since an ended
 * session is sealed.
 *
 * Returns: (transfer full): what was added, taken and left alone, or
 *   %NULL with @error set and nothing changed
 */
StippleImportResult *
stipple_store_import_full (StippleStore        *self,
                           const char          *source,
                           const char * const  *take_details,
                           GError             **error)
{
  return import_file (self, source, take_details, TRUE, error);
}

/**
 * stipple_store_import_preview:
 * @self: a store
 * @source: a patient file, as stipple_store_export_patient() writes it
 * @error: return location for a #GError
 *
 * Says what stipple_store_import() would do, without changing anything:
 * the merge runs in a transaction that is rolled back.
 *
 * Returns: (transfer full): what would be added and what would be left
 *   alone, or %NULL with @error set
 */
StippleImportResult *
stipple_store_import_preview (StippleStore  *self,
                              const char    *source,
                              GError       **error)
{
  return import_file (self, source, NULL, FALSE, error);
}

static StippleImportResult *
import_file (StippleStore        *self,
             const char          *source,
             const char * const  *take_details,
             gboolean             apply,
             GError             **error)
{
  g_autoptr(StippleImportResult) result = NULL;
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *tmp_dir = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *source_wal = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);
  g_return_val_if_fail (source != NULL, NULL);

  tmp_dir = g_dir_make_tmp ("stipple-import-XXXXXX", NULL);
  if (tmp_dir == NULL)
    {
      g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_FAILED,
                           _("There is no room for a working copy of the file to import."));
      return NULL;
    }
  g_chmod (tmp_dir, 0700);
  copy = g_build_filename (tmp_dir, "import.stipple", NULL);
  source_wal = g_strconcat (source, "-wal", NULL);

  if (!copy_plain (source, copy, error))
    goto out;
  if (g_file_test (source_wal, G_FILE_TEST_EXISTS))
    {
      g_autofree char *copy_wal = g_strconcat (copy, "-wal", NULL);
      if (!copy_plain (source_wal, copy_wal, error))
        goto out;
    }

  {
    g_autoptr(StippleStore) check = stipple_store_open_full (copy, FALSE, error);

    if (check == NULL)
      goto out;
    stipple_store_close (check);
  }

  result = g_new0 (StippleImportResult, 1);
  result->conflicts = g_ptr_array_new_with_free_func (g_free);
  result->details = g_ptr_array_new_with_free_func ((GDestroyNotify) import_details_free);
  imported = g_ptr_array_new_with_free_func ((GDestroyNotify) imported_patient_free);

  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_check_open (self, error) || !attach (self, copy, "imp", error))
    goto out;

  rc = sqlite3_prepare_v2 (self->db, "SELECT " IDENTITY_COLUMNS " FROM imp.patient ORDER BY id",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (imported, imported_from_row (stmt));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, source, error);
      goto out_detach;
    }

  if (!stipple_store_begin (self, error))
    goto out_detach;
  for (guint i = 0; i < imported->len; i++)
    if (!import_patient (self, g_ptr_array_index (imported, i), take_details, result, error))
      {
        stipple_store_rollback (self);
        goto out_detach;
      }
  if (!apply)
    stipple_store_rollback (self);
  else
    {
      /* The audit trail says what came in, and from where. Patients merged
       * gain only what they lacked: their sessions count as added. */
      g_autofree char *name = g_path_get_basename (source);
      g_autofree char *detail = g_strdup_printf ("file=%s patients_added=%u patients_merged=%u"
                                                 " sessions_added=%u conflicts=%u"
                                                 " details_taken=%u details_kept=%u",
                                                 name, result->patients_added,
                                                 result->patients_merged, result->sessions_added,
                                                 result->conflicts->len, result->details_taken,
                                                 result->details->len - result->details_taken);

      /* An import that adds nothing changes nothing, not even the trail. */
      if ((result->patients_added + result->sessions_added + result->details_taken > 0 &&
           !stipple_store_chain_event (self, "import", detail, error)) ||
          !stipple_store_commit (self, error))
        {
          stipple_store_rollback (self);
          goto out_detach;
        }
    }
  ok = TRUE;

out_detach:
  detach (self, "imp");
out:
  remove_tree (tmp_dir);
  return ok ? g_steal_pointer (&result) : NULL;
}
