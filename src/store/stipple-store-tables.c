/* stipple-store-tables.c: the columns of each record of the patient file
 *
 * One row a column, in the order of the table's CREATE TABLE and its
 * later ALTER TABLEs (stipple-store-schema.c): the store's statements,
 * its readers, the records' copy and free, the checks on the way in and
 * the import are all written from these rows. tests/test-store-columns.c
 * holds each table against the schema's own list of columns, and moves
 * a patient with every column filled from one file to another.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <stddef.h>

#include <glib/gi18n.h>

#include "stipple-store-columns.h"

#define ROW_ID(type) \
  { "id", STIPPLE_COLUMN_INT64, offsetof (type, id), STIPPLE_COLUMN_ROW_ID }
#define UID(type) \
  { "uid", STIPPLE_COLUMN_TEXT, offsetof (type, uid), STIPPLE_COLUMN_FIXED }
#define OWNER(name, table) \
  { name, STIPPLE_COLUMN_REF, 0, STIPPLE_COLUMN_STORE_ONLY, .ref_table = table }
#define N_COLUMNS(columns) G_N_ELEMENTS (columns)

static char *
skin_type_text (sqlite3_stmt *stmt,
                int           column)
{
  static const char * const roman[] = { "I", "II", "III", "IV", "V", "VI" };
  int type = sqlite3_column_int (stmt, column);

  return g_strdup (type >= 1 && type <= 6 ? roman[type - 1] : "—");
}

static const StippleColumn patient_columns[] = {
  ROW_ID (StipplePatient),
  UID (StipplePatient),
  { "record_number", STIPPLE_COLUMN_TEXT, offsetof (StipplePatient, record_number),
    STIPPLE_COLUMN_DEFAULT, 0, STIPPLE_STORE_MAX_RECORD_NUMBER_CHARS, N_("The record number") },
  { "family_name", STIPPLE_COLUMN_TEXT, offsetof (StipplePatient, family_name),
    STIPPLE_COLUMN_NAME | STIPPLE_COLUMN_REQUIRED, 0, STIPPLE_STORE_MAX_NAME_CHARS,
    N_("The family name") },
  { "given_name", STIPPLE_COLUMN_TEXT, offsetof (StipplePatient, given_name),
    STIPPLE_COLUMN_NAME, 0, STIPPLE_STORE_MAX_NAME_CHARS, N_("The given name") },
  /* Checked by stipple-store-patients.c: a date in the past. */
  { "date_of_birth", STIPPLE_COLUMN_DATE, offsetof (StipplePatient, date_of_birth),
    STIPPLE_COLUMN_IDENTITY },
  { "phone", STIPPLE_COLUMN_TEXT, offsetof (StipplePatient, phone), STIPPLE_COLUMN_DETAIL,
    0, STIPPLE_STORE_MAX_PHONE_CHARS, N_("The phone number"), .title = N_("Phone") },
  { "email", STIPPLE_COLUMN_TEXT, offsetof (StipplePatient, email), STIPPLE_COLUMN_DETAIL,
    0, STIPPLE_STORE_MAX_EMAIL_CHARS, N_("The email address"), .title = N_("Email") },
  { "address", STIPPLE_COLUMN_TEXT, offsetof (StipplePatient, address),
    STIPPLE_COLUMN_DETAIL | STIPPLE_COLUMN_MULTI_LINE, 0, STIPPLE_STORE_MAX_FIELD_CHARS,
    N_("The address"), .title = N_("Address") },
  { "fitzpatrick", STIPPLE_COLUMN_UINT, offsetof (StipplePatient, fitzpatrick),
    STIPPLE_COLUMN_DETAIL, 0, STIPPLE_STORE_MAX_FITZPATRICK, NULL,
    N_("The Fitzpatrick skin type must be I to VI."), N_("Fitzpatrick skin type"),
    skin_type_text },
  { "allergies", STIPPLE_COLUMN_TEXT, offsetof (StipplePatient, allergies),
    STIPPLE_COLUMN_DETAIL | STIPPLE_COLUMN_MULTI_LINE, 0, STIPPLE_STORE_MAX_FIELD_CHARS,
    N_("The allergies"), .title = N_("Allergies") },
  /* Case- and accent-folded names, for searching; the same patient has
   * the same folded names in both files. */
  { "family_key", STIPPLE_COLUMN_TEXT, 0, STIPPLE_COLUMN_STORE_ONLY | STIPPLE_COLUMN_IDENTITY },
  { "given_key", STIPPLE_COLUMN_TEXT, 0, STIPPLE_COLUMN_STORE_ONLY | STIPPLE_COLUMN_IDENTITY },
  { "record_key", STIPPLE_COLUMN_TEXT, 0, STIPPLE_COLUMN_STORE_ONLY },
  { "created_at", STIPPLE_COLUMN_TEXT, 0, STIPPLE_COLUMN_STORE_ONLY | STIPPLE_COLUMN_FIXED },
  { "updated_at", STIPPLE_COLUMN_TEXT, 0, STIPPLE_COLUMN_STORE_ONLY },
  /* Checked by stipple-store-patients.c: a language code. */
  { "language", STIPPLE_COLUMN_TEXT, offsetof (StipplePatient, language) },
};

static const char *patient_sql[STIPPLE_RECORD_N_SQL];

const StippleRecordTable stipple_patient_table = {
  "patient", patient_columns, N_COLUMNS (patient_columns), sizeof (StipplePatient),
  (gpointer (*) (void)) stipple_patient_new, (GDestroyNotify) stipple_patient_free,
  NULL, "id", patient_sql,
};

static const StippleColumn screening_answer_columns[] = {
  ROW_ID (StippleScreeningAnswer),
  UID (StippleScreeningAnswer),
  { "patient_id", STIPPLE_COLUMN_REF, offsetof (StippleScreeningAnswer, patient_id),
    .ref_table = "patient" },
  { "session_id", STIPPLE_COLUMN_REF, offsetof (StippleScreeningAnswer, session_id),
    .ref_table = "session" },
  /* Checked by stipple-store-screening.c: a question Stipple asks. */
  { "item_key", STIPPLE_COLUMN_TEXT, offsetof (StippleScreeningAnswer, item_key) },
  { "answer", STIPPLE_COLUMN_BOOL, offsetof (StippleScreeningAnswer, answer) },
  { "note", STIPPLE_COLUMN_TEXT, offsetof (StippleScreeningAnswer, note),
    STIPPLE_COLUMN_MULTI_LINE, 0, STIPPLE_STORE_MAX_FIELD_CHARS, N_("The note") },
  { "answered_on", STIPPLE_COLUMN_DATE, offsetof (StippleScreeningAnswer, answered_on),
    STIPPLE_COLUMN_DEFAULT, 0, 0, N_("The date of the answer") },
};

static const char *screening_answer_sql[STIPPLE_RECORD_N_SQL];

const StippleRecordTable stipple_screening_answer_table = {
  "screening_answer", screening_answer_columns, N_COLUMNS (screening_answer_columns),
  sizeof (StippleScreeningAnswer),
  (gpointer (*) (void)) stipple_screening_answer_new,
  (GDestroyNotify) stipple_screening_answer_free,
  "patient_id", "answered_on, id", screening_answer_sql,
};

static const char * const consent_kinds[] = {
  [STIPPLE_CONSENT_TREATMENT] = "treatment",
  [STIPPLE_CONSENT_PHOTOGRAPHS] = "photographs",
  NULL
};

static const StippleColumn consent_columns[] = {
  ROW_ID (StippleConsent),
  UID (StippleConsent),
  { "patient_id", STIPPLE_COLUMN_REF, offsetof (StippleConsent, patient_id),
    .ref_table = "patient" },
  { "kind", STIPPLE_COLUMN_KEY, offsetof (StippleConsent, kind),
    .invalid = N_("Unknown kind of consent."), .keys = consent_kinds },
  { "given", STIPPLE_COLUMN_BOOL, offsetof (StippleConsent, given) },
  { "signed_on", STIPPLE_COLUMN_DATE, offsetof (StippleConsent, signed_on),
    STIPPLE_COLUMN_DEFAULT, 0, 0, N_("The date of the consent") },
};

static const char *consent_sql[STIPPLE_RECORD_N_SQL];

const StippleRecordTable stipple_consent_table = {
  "consent", consent_columns, N_COLUMNS (consent_columns), sizeof (StippleConsent),
  (gpointer (*) (void)) stipple_consent_new, (GDestroyNotify) stipple_consent_free,
  "patient_id", "signed_on, id", consent_sql,
};

static const StippleColumn course_columns[] = {
  ROW_ID (StippleCourse),
  UID (StippleCourse),
  { "patient_id", STIPPLE_COLUMN_REF, offsetof (StippleCourse, patient_id),
    .ref_table = "patient" },
  { "indications", STIPPLE_COLUMN_TEXT, offsetof (StippleCourse, indications),
    STIPPLE_COLUMN_MULTI_LINE, 0, STIPPLE_STORE_MAX_FIELD_CHARS, N_("The indications") },
  { "planned_sessions", STIPPLE_COLUMN_UINT, offsetof (StippleCourse, planned_sessions),
    STIPPLE_COLUMN_DEFAULT, 0, STIPPLE_STORE_MAX_PLANNED_SESSIONS, NULL,
    N_("A course of more than 50 sessions is not plausible.") },
  { "interval_days", STIPPLE_COLUMN_UINT, offsetof (StippleCourse, interval_days),
    STIPPLE_COLUMN_DEFAULT, 0, STIPPLE_STORE_MAX_INTERVAL_DAYS, NULL,
    N_("An interval of more than a year between sessions is not plausible.") },
  { "started_on", STIPPLE_COLUMN_DATE, offsetof (StippleCourse, started_on),
    STIPPLE_COLUMN_DEFAULT, 0, 0, N_("The start of the course") },
};

static const char *course_sql[STIPPLE_RECORD_N_SQL];

const StippleRecordTable stipple_course_table = {
  "course", course_columns, N_COLUMNS (course_columns), sizeof (StippleCourse),
  (gpointer (*) (void)) stipple_course_new, (GDestroyNotify) stipple_course_free,
  "patient_id", "started_on, id", course_sql,
};

/* An import keeps this computer's session where any compared column
 * differs: an ended session is sealed. */
#define SAME STIPPLE_COLUMN_COMPARED

static const StippleColumn session_columns[] = {
  ROW_ID (StippleSession),
  UID (StippleSession),
  { "patient_id", STIPPLE_COLUMN_REF, offsetof (StippleSession, patient_id),
    .ref_table = "patient" },
  { "course_id", STIPPLE_COLUMN_REF, offsetof (StippleSession, course_id), SAME,
    .ref_table = "course" },
  { "started_at", STIPPLE_COLUMN_TIME, offsetof (StippleSession, started_at),
    SAME | STIPPLE_COLUMN_REQUIRED, .invalid = N_("The session has no start time.") },
  { "ended_at", STIPPLE_COLUMN_TIME, offsetof (StippleSession, ended_at), SAME },
  { "clinician", STIPPLE_COLUMN_TEXT, offsetof (StippleSession, clinician),
    SAME | STIPPLE_COLUMN_NAME | STIPPLE_COLUMN_REQUIRED, 0, STIPPLE_STORE_MAX_NAME_CHARS,
    N_("The clinician's name") },
  { "pen_serial", STIPPLE_COLUMN_TEXT, offsetof (StippleSession, pen_serial), SAME,
    0, STIPPLE_STORE_MAX_LABEL_CHARS, N_("The pen's serial number") },
  { "pen_firmware", STIPPLE_COLUMN_TEXT, offsetof (StippleSession, pen_firmware), SAME,
    0, STIPPLE_STORE_MAX_LABEL_CHARS, N_("The pen's firmware version") },
  { "cartridge_id", STIPPLE_COLUMN_TEXT, offsetof (StippleSession, cartridge_id), SAME,
    0, STIPPLE_STORE_MAX_LABEL_CHARS, N_("The cartridge") },
  { "cartridge_lot", STIPPLE_COLUMN_TEXT, offsetof (StippleSession, cartridge_lot), SAME,
    0, STIPPLE_STORE_MAX_LABEL_CHARS, N_("The cartridge lot") },
  { "anaesthetic_at", STIPPLE_COLUMN_TIME, offsetof (StippleSession, anaesthetic_at), SAME },
  { "anaesthetic_product", STIPPLE_COLUMN_TEXT_OR_NULL,
    offsetof (StippleSession, anaesthetic_product), SAME | STIPPLE_COLUMN_NAME,
    0, STIPPLE_STORE_MAX_NAME_CHARS, N_("The anaesthetic's name") },
  { "screening_override", STIPPLE_COLUMN_TEXT_OR_NULL,
    offsetof (StippleSession, screening_override), SAME | STIPPLE_COLUMN_MULTI_LINE,
    0, STIPPLE_STORE_MAX_FIELD_CHARS, N_("The reason for treating despite the screening") },
  /* Saved as they are typed (stipple_store_save_note()), checked there
   * against STIPPLE_STORE_MAX_NOTE_BYTES. */
  { "note_before", STIPPLE_COLUMN_TEXT, offsetof (StippleSession, note_before),
    SAME | STIPPLE_COLUMN_OWN_WRITER },
  { "note_after", STIPPLE_COLUMN_TEXT, offsetof (StippleSession, note_after),
    SAME | STIPPLE_COLUMN_OWN_WRITER },
  { "erythema_grade", STIPPLE_COLUMN_INT, offsetof (StippleSession, erythema_grade), SAME,
    STIPPLE_ERYTHEMA_NOT_RECORDED, STIPPLE_ERYTHEMA_MARKED, NULL,
    N_("The redness of the skin is graded from 0 (none) to 3 (marked).") },
  { "pinpoint_bleeding", STIPPLE_COLUMN_BOOL, offsetof (StippleSession, pinpoint_bleeding),
    SAME },
  { "aftercare_given", STIPPLE_COLUMN_TEXT_OR_NULL, offsetof (StippleSession, aftercare_given),
    SAME | STIPPLE_COLUMN_MULTI_LINE, 0, STIPPLE_STORE_MAX_FIELD_CHARS,
    N_("The aftercare given") },
};

static const char *session_sql[STIPPLE_RECORD_N_SQL];

const StippleRecordTable stipple_session_table = {
  "session", session_columns, N_COLUMNS (session_columns), sizeof (StippleSession),
  (gpointer (*) (void)) stipple_session_new, (GDestroyNotify) stipple_session_free,
  "patient_id", "started_at, id", session_sql,
};

static gpointer
serum_new (void)
{
  return stipple_serum_new (NULL, NULL);
}

static const StippleColumn session_serum_columns[] = {
  OWNER ("session_id", "session"),
  /* The order the clinician listed them in. */
  { "position", STIPPLE_COLUMN_INT, 0, STIPPLE_COLUMN_STORE_ONLY },
  { "product", STIPPLE_COLUMN_TEXT, offsetof (StippleSerum, product),
    STIPPLE_COLUMN_NAME | STIPPLE_COLUMN_REQUIRED, 0, STIPPLE_STORE_MAX_NAME_CHARS,
    N_("The serum's name") },
  { "lot", STIPPLE_COLUMN_TEXT, offsetof (StippleSerum, lot), STIPPLE_COLUMN_DEFAULT,
    0, STIPPLE_STORE_MAX_LABEL_CHARS, N_("The serum's lot") },
};

static const char *session_serum_sql[STIPPLE_RECORD_N_SQL];

const StippleRecordTable stipple_session_serum_table = {
  "session_serum", session_serum_columns, N_COLUMNS (session_serum_columns),
  sizeof (StippleSerum), serum_new, (GDestroyNotify) stipple_serum_free,
  "session_id", "t.session_id, t.position", session_serum_sql,
};

static gpointer
zone_pass_new (void)
{
  return g_new0 (StippleZonePass, 1);
}

/* A pass's zone and limits are checked by stipple-store-session-rows.c,
 * whose messages give the value. */
static const StippleColumn zone_pass_columns[] = {
  OWNER ("session_id", "session"),
  /* The plan's order, as the clinician made it. */
  { "position", STIPPLE_COLUMN_INT, 0, STIPPLE_COLUMN_STORE_ONLY },
  { "zone", STIPPLE_COLUMN_ZONE, offsetof (StippleZonePass, zone) },
  { "pass", STIPPLE_COLUMN_UINT, offsetof (StippleZonePass, pass) },
  { "depth_um", STIPPLE_COLUMN_UINT, offsetof (StippleZonePass, depth_um),
    STIPPLE_COLUMN_DEFAULT, 0, STIPPLE_STORE_MAX_DEPTH_UM },
  { "stroke_rate_hz", STIPPLE_COLUMN_UINT, offsetof (StippleZonePass, stroke_rate_hz),
    STIPPLE_COLUMN_DEFAULT, 0, STIPPLE_STORE_MAX_STROKE_RATE_HZ },
};

static const char *zone_pass_sql[STIPPLE_RECORD_N_SQL];

const StippleRecordTable stipple_zone_pass_table = {
  "zone_pass", zone_pass_columns, N_COLUMNS (zone_pass_columns), sizeof (StippleZonePass),
  zone_pass_new, g_free, "session_id", "t.session_id, t.position", zone_pass_sql,
};

static gpointer
zone_totals_new (void)
{
  return g_new0 (StippleZoneTotals, 1);
}

/* Only ever added to, by stipple_store_add_zone_totals(). */
static const StippleColumn zone_strokes_columns[] = {
  OWNER ("session_id", "session"),
  { "zone", STIPPLE_COLUMN_ZONE, offsetof (StippleZoneTotals, zone) },
  { "strokes", STIPPLE_COLUMN_UINT64, offsetof (StippleZoneTotals, strokes) },
  { "time_in_zone_us", STIPPLE_COLUMN_UINT64, offsetof (StippleZoneTotals, time_in_zone_us) },
  { "out_of_tolerance", STIPPLE_COLUMN_UINT64, offsetof (StippleZoneTotals, out_of_tolerance) },
};

static const char *zone_strokes_sql[STIPPLE_RECORD_N_SQL];

const StippleRecordTable stipple_zone_strokes_table = {
  "zone_strokes", zone_strokes_columns, N_COLUMNS (zone_strokes_columns),
  sizeof (StippleZoneTotals), zone_totals_new, g_free, "session_id", "t.session_id, t.zone",
  zone_strokes_sql,
};

static gpointer
note_addendum_new (void)
{
  return g_new0 (StippleNoteAddendum, 1);
}

static const char * const note_kinds[] = {
  [STIPPLE_NOTE_BEFORE] = "before",
  [STIPPLE_NOTE_AFTER] = "after",
  NULL
};

/* The text and its author are checked by stipple-store-addenda.c. */
static const StippleColumn note_addendum_columns[] = {
  ROW_ID (StippleNoteAddendum),
  UID (StippleNoteAddendum),
  { "session_id", STIPPLE_COLUMN_REF, offsetof (StippleNoteAddendum, session_id),
    .ref_table = "session" },
  { "kind", STIPPLE_COLUMN_KEY, offsetof (StippleNoteAddendum, kind), .keys = note_kinds },
  { "text", STIPPLE_COLUMN_TEXT, offsetof (StippleNoteAddendum, text) },
  { "author", STIPPLE_COLUMN_TEXT, offsetof (StippleNoteAddendum, author) },
  { "written_at", STIPPLE_COLUMN_TIME, offsetof (StippleNoteAddendum, written_at) },
};

static const char *note_addendum_sql[STIPPLE_RECORD_N_SQL];

const StippleRecordTable stipple_note_addendum_table = {
  "note_addendum", note_addendum_columns, N_COLUMNS (note_addendum_columns),
  sizeof (StippleNoteAddendum), note_addendum_new,
  (GDestroyNotify) stipple_note_addendum_free, "session_id", "t.id", note_addendum_sql,
};

const StippleRecordTable * const stipple_record_tables[] = {
  &stipple_patient_table,
  &stipple_course_table,
  &stipple_consent_table,
  &stipple_session_table,
  &stipple_session_serum_table,
  &stipple_zone_pass_table,
  &stipple_zone_strokes_table,
  &stipple_screening_answer_table,
  &stipple_note_addendum_table,
  NULL
};
