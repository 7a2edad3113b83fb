/* stipple-store-schema.c
 *
 * The schema, one step per version. A step turns version N-1 into N; it
 * runs in its own transaction together with the user_version bump, so a
 * file is always at one whole version. A step is never edited once
 * released: the next change is a new step, tested against the fixture
 * file of every older version in tests/fixtures/.
 *
 * docs/patient-file.md documents the same tables for auditors; change
 * both together.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-store-private.h"

static const char schema_v1[] =
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"

  "CREATE TABLE patient ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  record_number TEXT NOT NULL UNIQUE,"
  "  family_name TEXT NOT NULL CHECK (length(family_name) > 0),"
  "  given_name TEXT NOT NULL,"
  "  date_of_birth TEXT NOT NULL CHECK (date(date_of_birth) IS date_of_birth),"
  "  phone TEXT NOT NULL DEFAULT '',"
  "  email TEXT NOT NULL DEFAULT '',"
  "  address TEXT NOT NULL DEFAULT '',"
  "  fitzpatrick INTEGER NOT NULL DEFAULT 0 CHECK (fitzpatrick BETWEEN 0 AND 6),"
  "  allergies TEXT NOT NULL DEFAULT '',"
  /* Case- and accent-folded copies for searching as one types. */
  "  family_key TEXT NOT NULL,"
  "  given_key TEXT NOT NULL,"
  "  record_key TEXT NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  updated_at TEXT NOT NULL"
  ");"
  "CREATE INDEX patient_family_key ON patient (family_key);"
  "CREATE INDEX patient_given_key ON patient (given_key);"
  "CREATE INDEX patient_record_key ON patient (record_key);"
  "CREATE INDEX patient_date_of_birth ON patient (date_of_birth);"

  "CREATE TABLE screening_answer ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  session_id INTEGER REFERENCES session (id),"
  "  item_key TEXT NOT NULL,"
  "  answer INTEGER NOT NULL CHECK (answer IN (0, 1)),"
  "  note TEXT NOT NULL DEFAULT '',"
  "  answered_on TEXT NOT NULL CHECK (date(answered_on) IS answered_on)"
  ");"
  "CREATE INDEX screening_answer_patient ON screening_answer (patient_id);"

  "CREATE TABLE consent ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('treatment', 'photographs')),"
  "  given INTEGER NOT NULL CHECK (given IN (0, 1)),"
  "  signed_on TEXT NOT NULL CHECK (date(signed_on) IS signed_on)"
  ");"
  "CREATE INDEX consent_patient ON consent (patient_id);"

  "CREATE TABLE course ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  indications TEXT NOT NULL,"
  "  planned_sessions INTEGER NOT NULL CHECK (planned_sessions >= 0),"
  "  interval_days INTEGER NOT NULL CHECK (interval_days >= 0),"
  "  started_on TEXT NOT NULL CHECK (date(started_on) IS started_on)"
  ");"
  "CREATE INDEX course_patient ON course (patient_id);"

  "CREATE TABLE session ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  course_id INTEGER REFERENCES course (id),"
  "  started_at TEXT NOT NULL,"
  "  ended_at TEXT,"
  "  clinician TEXT NOT NULL,"
  "  pen_serial TEXT NOT NULL DEFAULT '',"
  "  pen_firmware TEXT NOT NULL DEFAULT '',"
  "  cartridge_id TEXT NOT NULL DEFAULT '',"
  "  cartridge_lot TEXT NOT NULL DEFAULT '',"
  "  anaesthetic_at TEXT,"
  "  anaesthetic_product TEXT,"
  "  screening_override TEXT,"
  "  note_before TEXT NOT NULL DEFAULT '',"
  "  note_after TEXT NOT NULL DEFAULT '',"
  /* -1 not recorded, 0 none, 1 mild, 2 moderate, 3 marked. */
  "  erythema_grade INTEGER NOT NULL DEFAULT -1 CHECK (erythema_grade BETWEEN -1 AND 3),"
  "  pinpoint_bleeding INTEGER NOT NULL DEFAULT 0 CHECK (pinpoint_bleeding IN (0, 1)),"
  "  aftercare_given TEXT"
  ");"
  "CREATE INDEX session_patient ON session (patient_id, started_at);"

  "CREATE TABLE session_serum ("
  "  session_id INTEGER NOT NULL REFERENCES session (id),"
  "  position INTEGER NOT NULL,"
  "  product TEXT NOT NULL,"
  "  lot TEXT NOT NULL DEFAULT '',"
  "  PRIMARY KEY (session_id, position)"
  ") WITHOUT ROWID;"

  "CREATE TABLE zone_pass ("
  "  session_id INTEGER NOT NULL REFERENCES session (id),"
  /* The plan's order, as the clinician made it. */
  "  position INTEGER NOT NULL,"
  "  zone TEXT NOT NULL,"
  "  pass INTEGER NOT NULL CHECK (pass >= 1),"
  "  depth_um INTEGER NOT NULL CHECK (depth_um BETWEEN 0 AND 3000),"
  "  stroke_rate_hz INTEGER NOT NULL CHECK (stroke_rate_hz BETWEEN 0 AND 300),"
  "  PRIMARY KEY (session_id, zone, pass)"
  ") WITHOUT ROWID;"

  "CREATE TABLE zone_strokes ("
  "  session_id INTEGER NOT NULL REFERENCES session (id),"
  "  zone TEXT NOT NULL,"
  "  strokes INTEGER NOT NULL CHECK (strokes >= 0),"
  "  time_in_zone_us INTEGER NOT NULL DEFAULT 0 CHECK (time_in_zone_us >= 0),"
  "  out_of_tolerance INTEGER NOT NULL DEFAULT 0 CHECK (out_of_tolerance >= 0),"
  "  PRIMARY KEY (session_id, zone)"
  ") WITHOUT ROWID;"

  "CREATE TABLE audit ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  session_id INTEGER REFERENCES session (id),"
  "  at TEXT NOT NULL,"
  "  user TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('setting', 'arm', 'disarm', 'emergency-stop',"
  "                                     'fault', 'connect', 'disconnect',"
  "                                     'limit-confirmed')),"
  "  zone TEXT,"
  "  sent TEXT NOT NULL DEFAULT '',"
  "  acknowledgement TEXT NOT NULL DEFAULT '',"
  "  read_back TEXT NOT NULL DEFAULT '',"
  "  detail TEXT NOT NULL DEFAULT ''"
  ");"
  "CREATE INDEX audit_session ON audit (session_id);"
  /* The audit trail is append-only: not even Stipple can change a row. */
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"

  "CREATE TABLE telemetry_block ("
  "  session_id INTEGER NOT NULL REFERENCES session (id),"
  "  seq_first INTEGER NOT NULL CHECK (seq_first >= 0),"
  "  n_samples INTEGER NOT NULL CHECK (n_samples > 0),"
  "  start_us INTEGER NOT NULL,"
  "  end_us INTEGER NOT NULL,"
  "  encoding INTEGER NOT NULL,"
  "  data BLOB NOT NULL,"
  "  PRIMARY KEY (session_id, seq_first)"
  ");";

/* The language the patient reads their copy of the report in: a
 * language code as in po/LINGUAS ("es", "pt_BR"), or '' where none was
 * recorded, which means the clinician's interface language. */
static const char schema_v2[] =
  "ALTER TABLE patient ADD COLUMN language TEXT NOT NULL DEFAULT ''"
  "  CHECK (language = '' OR language GLOB '[a-z][a-z]'"
  "         OR language GLOB '[a-z][a-z][a-z]' OR language GLOB '[a-z][a-z]_[A-Z][A-Z]');";

/* Append-only means append-only. The audit trail, screening answers,
 * consents and needle data are never changed or removed, and a row is
 * never inserted over another: INSERT OR REPLACE (and REPLACE INTO)
 * delete the old row without firing a DELETE trigger, so each table also
 * refuses, before any insert, an id, uid or key it already holds. An
 * upsert meets the same trigger first.
 *
 * The audit table is rebuilt to carry the hash chain (prev_hash, hash)
 * and the "seal" rows; stipple-store-chain.c fills the chain of the rows
 * already there before the triggers are created. */
static const char schema_v3[] =
  "CREATE TABLE audit_v3 ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  session_id INTEGER REFERENCES session (id),"
  "  at TEXT NOT NULL,"
  "  user TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('setting', 'arm', 'disarm', 'emergency-stop',"
  "                                     'fault', 'connect', 'disconnect',"
  "                                     'limit-confirmed', 'seal')),"
  "  zone TEXT,"
  "  sent TEXT NOT NULL DEFAULT '',"
  "  acknowledgement TEXT NOT NULL DEFAULT '',"
  "  read_back TEXT NOT NULL DEFAULT '',"
  "  detail TEXT NOT NULL DEFAULT '',"
  "  prev_hash TEXT NOT NULL DEFAULT '',"
  "  hash TEXT NOT NULL DEFAULT ''"
  ");"
  "INSERT INTO audit_v3 (id, uid, session_id, at, user, kind, zone, sent, acknowledgement,"
  "                      read_back, detail)"
  "  SELECT id, uid, session_id, at, user, kind, zone, sent, acknowledgement, read_back, detail"
  "  FROM audit ORDER BY id;"
  "DROP TABLE audit;"
  "ALTER TABLE audit_v3 RENAME TO audit;"
  "CREATE INDEX audit_session ON audit (session_id);";

static const char schema_v3_triggers[] =
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"
  "CREATE TRIGGER audit_no_reuse BEFORE INSERT ON audit"
  "  WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) OR EXISTS (SELECT 1 FROM audit WHERE uid = NEW.uid)"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"

  "CREATE TRIGGER screening_answer_no_update BEFORE UPDATE ON screening_answer"
  "  BEGIN SELECT RAISE (ABORT, 'screening answers are append-only'); END;"
  "CREATE TRIGGER screening_answer_no_delete BEFORE DELETE ON screening_answer"
  "  BEGIN SELECT RAISE (ABORT, 'screening answers are append-only'); END;"
  "CREATE TRIGGER screening_answer_no_reuse BEFORE INSERT ON screening_answer"
  "  WHEN EXISTS (SELECT 1 FROM screening_answer WHERE id = NEW.id) OR EXISTS (SELECT 1 FROM screening_answer WHERE uid = NEW.uid)"
  "  BEGIN SELECT RAISE (ABORT, 'screening answers are append-only'); END;"

  "CREATE TRIGGER consent_no_update BEFORE UPDATE ON consent"
  "  BEGIN SELECT RAISE (ABORT, 'consents are append-only'); END;"
  "CREATE TRIGGER consent_no_delete BEFORE DELETE ON consent"
  "  BEGIN SELECT RAISE (ABORT, 'consents are append-only'); END;"
  "CREATE TRIGGER consent_no_reuse BEFORE INSERT ON consent"
  "  WHEN EXISTS (SELECT 1 FROM consent WHERE id = NEW.id) OR EXISTS (SELECT 1 FROM consent WHERE uid = NEW.uid)"
  "  BEGIN SELECT RAISE (ABORT, 'consents are append-only'); END;"

  "CREATE TRIGGER telemetry_block_no_update BEFORE UPDATE ON telemetry_block"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
  "CREATE TRIGGER telemetry_block_no_delete BEFORE DELETE ON telemetry_block"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
  "CREATE TRIGGER telemetry_block_no_reuse BEFORE INSERT ON telemetry_block"
  "  WHEN EXISTS (SELECT 1 FROM telemetry_block"
  "               WHERE session_id = NEW.session_id AND seq_first = NEW.seq_first)"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;";

/* Before and after photographs (docs/photographs.md). A photo is kept as
 * Stipple re-encoded it, every metadata field of the camera or file
 * gone, with the SHA-256 of those bytes; the session's seal covers the
 * hash. photo_event records what was refused (no consent) and each
 * photo hidden when the consent to photographs was withdrawn: a hidden
 * photo is recorded, never deleted. Both tables are append-only. */
static const char schema_photos[] =
  "CREATE TABLE photo ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  session_id INTEGER NOT NULL REFERENCES session (id),"
  "  view TEXT NOT NULL CHECK (view IN ('front', 'left-oblique', 'right-oblique',"
  "                                     'left-profile', 'right-profile', 'close-up')),"
  "  zone TEXT,"
  "  moment TEXT NOT NULL CHECK (moment IN ('before', 'after', 'next-visit')),"
  "  taken_at TEXT NOT NULL,"
  "  taken_by TEXT NOT NULL,"
  "  source TEXT NOT NULL CHECK (source IN ('camera', 'file')),"
  "  width INTEGER NOT NULL CHECK (width > 0),"
  "  height INTEGER NOT NULL CHECK (height > 0),"
  "  mime_type TEXT NOT NULL CHECK (mime_type = 'image/jpeg'),"
  /* Empty in a patient file exported after the consent was withdrawn:
   * the hash stays, so the seal still holds. */
  "  data BLOB NOT NULL,"
  "  sha256 TEXT NOT NULL CHECK (length(sha256) = 64)"
  ");"
  "CREATE INDEX photo_session ON photo (session_id);"
  "CREATE INDEX photo_patient ON photo (patient_id, view);"
  "CREATE TABLE photo_event ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  session_id INTEGER REFERENCES session (id),"
  "  photo_id INTEGER REFERENCES photo (id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('refused', 'hidden')),"
  "  at TEXT NOT NULL,"
  "  user TEXT NOT NULL,"
  "  reason TEXT NOT NULL DEFAULT ''"
  ");"
  "CREATE INDEX photo_event_patient ON photo_event (patient_id);"
  "CREATE TRIGGER photo_no_update BEFORE UPDATE ON photo"
  "  BEGIN SELECT RAISE (ABORT, 'photographs are append-only'); END;"
  "CREATE TRIGGER photo_no_delete BEFORE DELETE ON photo"
  "  BEGIN SELECT RAISE (ABORT, 'photographs are append-only'); END;"
  "CREATE TRIGGER photo_no_reuse BEFORE INSERT ON photo"
  "  WHEN EXISTS (SELECT 1 FROM photo WHERE id = NEW.id) OR EXISTS (SELECT 1 FROM photo WHERE uid = NEW.uid)"
  "  BEGIN SELECT RAISE (ABORT, 'photographs are append-only'); END;"
  "CREATE TRIGGER photo_event_no_update BEFORE UPDATE ON photo_event"
  "  BEGIN SELECT RAISE (ABORT, 'photograph events are append-only'); END;"
  "CREATE TRIGGER photo_event_no_delete BEFORE DELETE ON photo_event"
  "  BEGIN SELECT RAISE (ABORT, 'photograph events are append-only'); END;"
  "CREATE TRIGGER photo_event_no_reuse BEFORE INSERT ON photo_event"
  "  WHEN EXISTS (SELECT 1 FROM photo_event WHERE id = NEW.id) OR EXISTS (SELECT 1 FROM photo_event WHERE uid = NEW.uid)"
  "  BEGIN SELECT RAISE (ABORT, 'photograph events are append-only'); END;";

/* Chains the rows already in the audit table, seals every session that
 * had ended, then locks the tables. */
static gboolean
finish_v3 (sqlite3     *db,
           const char  *path,
           GError     **error)
{
  if (!stipple_store_chain_fill (db, path, error) ||
      !stipple_store_chain_seal_ended (db, path, FALSE, error))
    return FALSE;
  if (sqlite3_exec (db, schema_v3_triggers, NULL, NULL, NULL) != SQLITE_OK)
    {
      stipple_store_set_sqlite_error (db, sqlite3_errcode (db), path, error);
      return FALSE;
    }
  return TRUE;
}

/* Version 4: a sealed session's notes are final. What the clinician adds
 * afterwards is an addendum, a row of its own with its author and time,
 * which the session's next seal covers; the notes themselves can no
 * longer be changed once the session has ended. */
static const char schema_v4[] =
  "CREATE TABLE note_addendum ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  session_id INTEGER NOT NULL REFERENCES session (id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('before', 'after')),"
  "  text TEXT NOT NULL CHECK (length (text) > 0),"
  "  author TEXT NOT NULL,"
  "  written_at TEXT NOT NULL"
  ");"
  "CREATE INDEX note_addendum_session ON note_addendum (session_id, id);"
  "CREATE TRIGGER note_addendum_no_update BEFORE UPDATE ON note_addendum"
  "  BEGIN SELECT RAISE (ABORT, 'note addenda are append-only'); END;"
  "CREATE TRIGGER note_addendum_no_delete BEFORE DELETE ON note_addendum"
  "  BEGIN SELECT RAISE (ABORT, 'note addenda are append-only'); END;"
  "CREATE TRIGGER note_addendum_no_reuse BEFORE INSERT ON note_addendum"
  "  WHEN EXISTS (SELECT 1 FROM note_addendum WHERE id = NEW.id) OR EXISTS (SELECT 1 FROM note_addendum WHERE uid = NEW.uid)"
  "  BEGIN SELECT RAISE (ABORT, 'note addenda are append-only'); END;"
  "CREATE TRIGGER session_sealed_notes BEFORE UPDATE OF note_before, note_after ON session"
  "  WHEN OLD.ended_at IS NOT NULL"
  "   AND (NEW.note_before IS NOT OLD.note_before OR NEW.note_after IS NOT OLD.note_after)"
  "  BEGIN SELECT RAISE (ABORT, 'a sealed session takes addenda, not edits to its notes'); END;";

/* Version 5: a restore and an import leave a row in the audit trail, so
 * the kinds 'restore' and 'import' are allowed. SQLite cannot change a
 * CHECK constraint, so the table is rebuilt as version 3 did; the rows,
 * and so their hashes, are copied unchanged. */
static const char schema_v5[] =
  "CREATE TABLE audit_v5 ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  session_id INTEGER REFERENCES session (id),"
  "  at TEXT NOT NULL,"
  "  user TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('setting', 'arm', 'disarm', 'emergency-stop',"
  "                                     'fault', 'connect', 'disconnect',"
  "                                     'limit-confirmed', 'seal', 'restore', 'import')),"
  "  zone TEXT,"
  "  sent TEXT NOT NULL DEFAULT '',"
  "  acknowledgement TEXT NOT NULL DEFAULT '',"
  "  read_back TEXT NOT NULL DEFAULT '',"
  "  detail TEXT NOT NULL DEFAULT '',"
  "  prev_hash TEXT NOT NULL DEFAULT '',"
  "  hash TEXT NOT NULL DEFAULT ''"
  ");"
  "INSERT INTO audit_v5 SELECT id, uid, session_id, at, user, kind, zone, sent, acknowledgement,"
  "                     read_back, detail, prev_hash, hash FROM audit ORDER BY id;"
  "DROP TABLE audit;"
  "ALTER TABLE audit_v5 RENAME TO audit;"
  "CREATE INDEX audit_session ON audit (session_id);"
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"
  "CREATE TRIGGER audit_no_reuse BEFORE INSERT ON audit"
  "  WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) OR EXISTS (SELECT 1 FROM audit WHERE uid = NEW.uid)"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;";

/* Version 7: the words of each patient's names, so that a search for
 * several words starts from the rarest one instead of walking every
 * patient whose name starts like the first ("a zz", "anna der").
 *
 * The words come from family_key and given_key, which every writer
 * already fills with the folded name (case and accents removed, in C:
 * SQLite cannot fold as g_utf8_casefold does). The triggers split those
 * keys at spaces, so a file changed by an import, a restore or another
 * program keeps its words in step with its names. JSON does the split
 * in one expression, where a recursive WITH would walk the spaces one by
 * one: the keys become a JSON string, each space the end of an element
 * of an array, and json_each lists the elements. */
#define NAME_WORDS(family_key, given_key) \
  "json_each ('[' || replace (json_quote (replace (" family_key " || ' ' || " given_key "," \
  " char (9), ' ')), ' ', '\",\"') || ']')"

static const char schema_v7[] =
  "CREATE TABLE patient_word ("
  "  word TEXT NOT NULL CHECK (length (word) > 0),"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  PRIMARY KEY (word, patient_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX patient_word_patient ON patient_word (patient_id, word);"
  "CREATE TRIGGER patient_word_insert AFTER INSERT ON patient BEGIN"
  "  INSERT INTO patient_word (word, patient_id)"
  "    SELECT DISTINCT value, NEW.id FROM " NAME_WORDS ("NEW.family_key", "NEW.given_key")
  "    WHERE value != '';"
  "END;"
  "CREATE TRIGGER patient_word_update AFTER UPDATE OF id, family_key, given_key ON patient BEGIN"
  "  DELETE FROM patient_word WHERE patient_id = OLD.id;"
  "  INSERT INTO patient_word (word, patient_id)"
  "    SELECT DISTINCT value, NEW.id FROM " NAME_WORDS ("NEW.family_key", "NEW.given_key")
  "    WHERE value != '';"
  "END;"
  "CREATE TRIGGER patient_word_delete AFTER DELETE ON patient BEGIN"
  "  DELETE FROM patient_word WHERE patient_id = OLD.id;"
  "END;"
  "INSERT INTO patient_word (word, patient_id)"
  "  SELECT DISTINCT value, patient.id FROM patient, "
  NAME_WORDS ("patient.family_key", "patient.given_key")
  "  WHERE value != '';";

/* Version 8: needle data may be in encoding 2 (stipple-telemetry-codec.c).
 * No table changes; the version is what tells a Stipple that cannot
 * decode such blocks to refuse the file as too new, rather than to take
 * every block written since for a damaged one. */
static const char schema_v8[] = "";

/* Version 9: needle archives (docs/patient-file.md). The needle data of
 * a closed month moves to a file of its own beside the patient file;
 * the patient file keeps, for every block moved, what its seal line
 * needs and the SHA-256 of its data (as the seal hashes it: of the
 * upper-case hex), in needle_block, and each archive's name and SHA-256
 * in needle_archive. A block leaves telemetry_block only once its hash
 * is kept there; both tables are append-only. The audit table is
 * rebuilt, as in version 5, to allow the kind 'archive'. */
static const char schema_v9[] =
  "CREATE TABLE needle_archive ("
  "  id INTEGER PRIMARY KEY,"
  "  month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),"
  "  file_name TEXT NOT NULL UNIQUE,"
  "  n_blocks INTEGER NOT NULL CHECK (n_blocks > 0),"
  "  sha256 TEXT NOT NULL CHECK (length (sha256) = 64),"
  "  archived_at TEXT NOT NULL"
  ");"
  "CREATE TABLE needle_block ("
  "  session_id INTEGER NOT NULL REFERENCES session (id),"
  "  seq_first INTEGER NOT NULL CHECK (seq_first >= 0),"
  "  n_samples INTEGER NOT NULL CHECK (n_samples > 0),"
  "  start_us INTEGER NOT NULL,"
  "  end_us INTEGER NOT NULL,"
  "  encoding INTEGER NOT NULL,"
  "  sha256 BLOB NOT NULL CHECK (length (sha256) = 32),"
  "  archive_id INTEGER NOT NULL REFERENCES needle_archive (id),"
  "  PRIMARY KEY (session_id, seq_first)"
  ") WITHOUT ROWID;"
  "CREATE TRIGGER needle_archive_no_update BEFORE UPDATE ON needle_archive"
  "  BEGIN SELECT RAISE (ABORT, 'needle archives are append-only'); END;"
  "CREATE TRIGGER needle_archive_no_delete BEFORE DELETE ON needle_archive"
  "  BEGIN SELECT RAISE (ABORT, 'needle archives are append-only'); END;"
  "CREATE TRIGGER needle_archive_no_reuse BEFORE INSERT ON needle_archive"
  "  WHEN EXISTS (SELECT 1 FROM needle_archive WHERE id = NEW.id OR file_name = NEW.file_name)"
  "  BEGIN SELECT RAISE (ABORT, 'needle archives are append-only'); END;"
  "CREATE TRIGGER needle_block_no_update BEFORE UPDATE ON needle_block"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
  "CREATE TRIGGER needle_block_no_delete BEFORE DELETE ON needle_block"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
  "CREATE TRIGGER needle_block_no_reuse BEFORE INSERT ON needle_block"
  "  WHEN EXISTS (SELECT 1 FROM needle_block"
  "               WHERE session_id = NEW.session_id AND seq_first = NEW.seq_first)"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
  "DROP TRIGGER telemetry_block_no_delete;"
  "CREATE TRIGGER telemetry_block_no_delete BEFORE DELETE ON telemetry_block"
  "  WHEN NOT EXISTS (SELECT 1 FROM needle_block"
  "                   WHERE session_id = OLD.session_id AND seq_first = OLD.seq_first)"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
  "DROP TRIGGER telemetry_block_no_reuse;"
  "CREATE TRIGGER telemetry_block_no_reuse BEFORE INSERT ON telemetry_block"
  "  WHEN EXISTS (SELECT 1 FROM telemetry_block"
  "               WHERE session_id = NEW.session_id AND seq_first = NEW.seq_first)"
  "    OR EXISTS (SELECT 1 FROM needle_block"
  "               WHERE session_id = NEW.session_id AND seq_first = NEW.seq_first)"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"

  "CREATE TABLE audit_v9 ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  session_id INTEGER REFERENCES session (id),"
  "  at TEXT NOT NULL,"
  "  user TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('setting', 'arm', 'disarm', 'emergency-stop',"
  "                                     'fault', 'connect', 'disconnect',"
  "                                     'limit-confirmed', 'seal', 'restore', 'import',"
  "                                     'archive')),"
  "  zone TEXT,"
  "  sent TEXT NOT NULL DEFAULT '',"
  "  acknowledgement TEXT NOT NULL DEFAULT '',"
  "  read_back TEXT NOT NULL DEFAULT '',"
  "  detail TEXT NOT NULL DEFAULT '',"
  "  prev_hash TEXT NOT NULL DEFAULT '',"
  "  hash TEXT NOT NULL DEFAULT ''"
  ");"
  "INSERT INTO audit_v9 SELECT id, uid, session_id, at, user, kind, zone, sent, acknowledgement,"
  "                     read_back, detail, prev_hash, hash FROM audit ORDER BY id;"
  "DROP TABLE audit;"
  "ALTER TABLE audit_v9 RENAME TO audit;"
  "CREATE INDEX audit_session ON audit (session_id);"
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"
  "CREATE TRIGGER audit_no_reuse BEFORE INSERT ON audit"
  "  WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) OR EXISTS (SELECT 1 FROM audit WHERE uid = NEW.uid)"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;";

/* Version 10: needle archives by session. The patient file keeps one
 * row a session archived (needle_session: its archive, its block and
 * sample counts, and the hash of its seal's needle-data part, so that
 * the seal verifies without the archive) instead of one row a block:
 * about 60 bytes a session where version 9 kept 65 bytes a second of
 * needle data. needle_thinning records each session whose needle data
 * was thinned to the per-stroke record (encoding 3) after the clinic's
 * retention period: the archive now holding it, the counts, and the hash
 * of the thinned blocks' lines, computed as the seal's part is.
 * stipple_store_archive_migrate_v10() fills needle_session from
 * needle_block and drops it. Both tables are append-only; a session
 * archived takes no further needle data. The audit table is rebuilt, as
 * in version 9, to allow the kind 'thin'. */
static const char schema_v10[] =
  "CREATE TABLE needle_session ("
  "  session_id INTEGER PRIMARY KEY REFERENCES session (id),"
  "  archive_id INTEGER NOT NULL REFERENCES needle_archive (id),"
  "  n_blocks INTEGER NOT NULL CHECK (n_blocks > 0),"
  "  n_samples INTEGER NOT NULL CHECK (n_samples > 0),"
  "  sha256 BLOB NOT NULL CHECK (length (sha256) = 32)"
  ");"
  "CREATE INDEX needle_session_archive ON needle_session (archive_id);"
  "CREATE TABLE needle_thinning ("
  "  session_id INTEGER PRIMARY KEY REFERENCES session (id),"
  "  archive_id INTEGER NOT NULL REFERENCES needle_archive (id),"
  "  n_blocks INTEGER NOT NULL CHECK (n_blocks > 0),"
  "  n_samples INTEGER NOT NULL CHECK (n_samples > 0),"
  "  sha256 BLOB NOT NULL CHECK (length (sha256) = 32),"
  "  thinned_at TEXT NOT NULL"
  ");"
  "CREATE INDEX needle_thinning_archive ON needle_thinning (archive_id);"
  "CREATE TRIGGER needle_session_no_update BEFORE UPDATE ON needle_session"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
  "CREATE TRIGGER needle_session_no_delete BEFORE DELETE ON needle_session"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
  "CREATE TRIGGER needle_session_no_reuse BEFORE INSERT ON needle_session"
  "  WHEN EXISTS (SELECT 1 FROM needle_session WHERE session_id = NEW.session_id)"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
  "CREATE TRIGGER needle_thinning_no_update BEFORE UPDATE ON needle_thinning"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
  "CREATE TRIGGER needle_thinning_no_delete BEFORE DELETE ON needle_thinning"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
  "CREATE TRIGGER needle_thinning_no_reuse BEFORE INSERT ON needle_thinning"
  "  WHEN EXISTS (SELECT 1 FROM needle_thinning WHERE session_id = NEW.session_id)"
  "    OR NOT EXISTS (SELECT 1 FROM needle_session WHERE session_id = NEW.session_id)"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"

  "CREATE TABLE audit_v10 ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  session_id INTEGER REFERENCES session (id),"
  "  at TEXT NOT NULL,"
  "  user TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('setting', 'arm', 'disarm', 'emergency-stop',"
  "                                     'fault', 'connect', 'disconnect',"
  "                                     'limit-confirmed', 'seal', 'restore', 'import',"
  "                                     'archive', 'thin')),"
  "  zone TEXT,"
  "  sent TEXT NOT NULL DEFAULT '',"
  "  acknowledgement TEXT NOT NULL DEFAULT '',"
  "  read_back TEXT NOT NULL DEFAULT '',"
  "  detail TEXT NOT NULL DEFAULT '',"
  "  prev_hash TEXT NOT NULL DEFAULT '',"
  "  hash TEXT NOT NULL DEFAULT ''"
  ");"
  "INSERT INTO audit_v10 SELECT id, uid, session_id, at, user, kind, zone, sent, acknowledgement,"
  "                      read_back, detail, prev_hash, hash FROM audit ORDER BY id;"
  "DROP TABLE audit;"
  "ALTER TABLE audit_v10 RENAME TO audit;"
  "CREATE INDEX audit_session ON audit (session_id);"
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"
  "CREATE TRIGGER audit_no_reuse BEFORE INSERT ON audit"
  "  WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) OR EXISTS (SELECT 1 FROM audit WHERE uid = NEW.uid)"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;";

typedef struct
{
  int         version;
  const char *sql;
  /* Work SQL alone cannot do, in the same transaction. */
  gboolean  (*finish) (sqlite3     *db,
                       const char  *path,
                       GError     **error);
} MigrationStep;

static const MigrationStep steps[] = {
  { 1, schema_v1, NULL },
  { 2, schema_v2, NULL },
  { 3, schema_v3, finish_v3 },
  { 4, schema_v4, NULL },
  { 5, schema_v5, NULL },
  { 6, schema_photos, NULL },
  { 7, schema_v7, NULL },
  { 8, schema_v8, NULL },
  { 9, schema_v9, NULL },
  { 10, schema_v10, stipple_store_archive_migrate_v10 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (steps) == STIPPLE_STORE_SCHEMA_VERSION);

static gboolean
exec (sqlite3     *db,
      const char  *path,
      const char  *sql,
      GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      stipple_store_set_sqlite_error (db, rc, path, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * stipple_store_migrate:
 * @db: an open patient file, its user_version @from_version
 * @path: the file's path, for messages
 * @from_version: its schema version
 * @error: return location for a #GError
 *
 * Brings @db up to %STIPPLE_STORE_SCHEMA_VERSION, one step, one
 * transaction at a time. The caller has taken a backup of any file that
 * already held records.
 *
 * Returns: whether the file is now at the current version
 */
gboolean
stipple_store_migrate (sqlite3     *db,
                       const char  *path,
                       int          from_version,
                       GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *bump = NULL;

      if (steps[i].version <= from_version)
        continue;

      if (!exec (db, path, "BEGIN IMMEDIATE", error))
        return FALSE;

      bump = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                              STIPPLE_STORE_APPLICATION_ID, steps[i].version);
      if (!exec (db, path, steps[i].sql, error) ||
          (steps[i].finish != NULL && !steps[i].finish (db, path, error)) ||
          !exec (db, path, bump, error) ||
          !exec (db, path, "COMMIT", error))
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }

  return TRUE;
}
