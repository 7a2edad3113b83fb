/* stipple-store-columns.h: each record of the patient file described once
 *
 * A record table lists a table's columns: the SQL name, how the value
 * sits in the record's struct and in the file, its limits, and what an
 * import does with it. The store writes, reads, copies, frees, checks,
 * compares and imports records by walking these tables, so a new field
 * is one row here, the struct's field and the migration
 * (docs/patient-file.md, "Adding a field to a record").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "stipple-store-limits.h"
#include "stipple-store-records.h"

G_BEGIN_DECLS

typedef enum
{
  /* char *; NULL is written as ''. */
  STIPPLE_COLUMN_TEXT,
  /* char *; NULL stays NULL. */
  STIPPLE_COLUMN_TEXT_OR_NULL,
  /* char *, YYYY-MM-DD. */
  STIPPLE_COLUMN_DATE,
  /* GDateTime *, as ISO 8601 text; NULL stays NULL. */
  STIPPLE_COLUMN_TIME,
  /* gint64 */
  STIPPLE_COLUMN_INT64,
  /* gint64, the id of a row of @ref_table; 0 is written as NULL. */
  STIPPLE_COLUMN_REF,
  /* guint */
  STIPPLE_COLUMN_UINT,
  /* guint64 */
  STIPPLE_COLUMN_UINT64,
  /* int, or an enum of int's size. */
  STIPPLE_COLUMN_INT,
  /* gboolean, written as 0 or 1. */
  STIPPLE_COLUMN_BOOL,
  /* An enum of int's size, written as its entry of @keys. */
  STIPPLE_COLUMN_KEY,
  /* StippleZone, written as its key. */
  STIPPLE_COLUMN_ZONE,
} StippleColumnType;

typedef enum
{
  STIPPLE_COLUMN_DEFAULT = 0,
  /* The INTEGER PRIMARY KEY: given by SQLite, never inserted, never
   * copied by an import. */
  STIPPLE_COLUMN_ROW_ID = 1 << 0,
  /* Written when the row is inserted, never updated (uid, created_at). */
  STIPPLE_COLUMN_FIXED = 1 << 1,
  /* Not in the struct: the store computes it (search keys, times of
   * change, a sub-record's owner and position) and binds it itself. */
  STIPPLE_COLUMN_STORE_ONLY = 1 << 2,
  /* Not written by the record's save: it has a call of its own. */
  STIPPLE_COLUMN_OWN_WRITER = 1 << 3,
  /* Import: compared with this computer's row of the same uid; a
   * difference is reported and this computer's row kept. */
  STIPPLE_COLUMN_COMPARED = 1 << 4,
  /* Import: part of a patient's identity; a patient whose identity
   * differs is not imported. */
  STIPPLE_COLUMN_IDENTITY = 1 << 5,
  /* Import: a patient's detail the clinician may take from the file. */
  STIPPLE_COLUMN_DETAIL = 1 << 6,
  /* Import: not copied; the row is this computer's (a row id). */
  STIPPLE_COLUMN_NOT_COPIED = 1 << 7,
  /* Checks: line breaks and tabs allowed. */
  STIPPLE_COLUMN_MULTI_LINE = 1 << 8,
  /* Checks: a name (letters, no space at either end). */
  STIPPLE_COLUMN_NAME = 1 << 9,
  /* Checks: may not be empty. */
  STIPPLE_COLUMN_REQUIRED = 1 << 10,
} StippleColumnFlags;

typedef struct
{
  const char          *name;
  StippleColumnType    type;
  /* offsetof() into the record's struct; unused with STORE_ONLY. */
  gsize                offset;
  StippleColumnFlags   flags;
  /* Text: the most characters (0: checked elsewhere). Numbers: the
   * range, checked when @invalid is set. */
  gint64               min;
  gint64               max;
  /* (nullable): the field as a message names it, N_("The phone number") */
  const char          *label;
  /* (nullable): the message when a number is out of range, N_() */
  const char          *invalid;
  /* (nullable): the field as an import's list of differences names it,
   * N_("Phone"); and how a value is shown there, if not as it is kept */
  const char          *title;
  char              *(*format) (sqlite3_stmt *stmt,
                                int           column);
  /* STIPPLE_COLUMN_KEY: the key of each value, NULL-terminated. */
  const char * const  *keys;
  /* STIPPLE_COLUMN_REF: the table the id is a row of. */
  const char          *ref_table;
} StippleColumn;

typedef enum
{
  STIPPLE_RECORD_SQL_COLUMNS,
  STIPPLE_RECORD_SQL_INSERT,
  STIPPLE_RECORD_SQL_UPDATE,
  STIPPLE_RECORD_SQL_BY_PATIENT,
  STIPPLE_RECORD_N_SQL,
} StippleRecordSqlKind;

typedef struct
{
  const char           *name;
  const StippleColumn  *columns;
  guint                 n_columns;
  gsize                 size;
  gpointer            (*new_func) (void);
  GDestroyNotify        free_func;
  /* The owner's column: "patient_id", or "session_id" for the rows of
   * a session. */
  const char           *owner;
  /* How a chart lists them. */
  const char           *order;
  /* Statement texts, built once (stipple_record_sql()). */
  const char          **sql;
} StippleRecordTable;

extern const StippleRecordTable stipple_patient_table;
extern const StippleRecordTable stipple_screening_answer_table;
extern const StippleRecordTable stipple_consent_table;
extern const StippleRecordTable stipple_course_table;
extern const StippleRecordTable stipple_session_table;
extern const StippleRecordTable stipple_session_serum_table;
extern const StippleRecordTable stipple_zone_pass_table;
extern const StippleRecordTable stipple_zone_strokes_table;
extern const StippleRecordTable stipple_note_addendum_table;

/* Every table above, NULL-terminated, in the order an import copies
 * them (owners before what they own). */
extern const StippleRecordTable * const stipple_record_tables[];

/* A zone's totals for a session, as the zone_strokes table holds them;
 * a StippleSession keeps them in its per-zone arrays. */
typedef struct
{
  StippleZone  zone;
  guint64      strokes;
  guint64      time_in_zone_us;
  guint64      out_of_tolerance;
} StippleZoneTotals;

const StippleColumn *stipple_record_table_find     (const StippleRecordTable *table,
                                                    const char               *name);
int                  stipple_record_table_param    (const StippleRecordTable *table,
                                                    const char               *name);
const char          *stipple_record_sql            (const StippleRecordTable *table,
                                                    StippleRecordSqlKind      kind);
const char          *stipple_record_select         (const StippleRecordTable *table,
                                                    const char               *qualifier,
                                                    const char               *before,
                                                    const char               *after);
int                  stipple_record_n_read         (const StippleRecordTable *table);

void                 stipple_record_bind           (const StippleRecordTable *table,
                                                    sqlite3_stmt             *stmt,
                                                    gconstpointer             record);
int                  stipple_record_read           (const StippleRecordTable *table,
                                                    sqlite3_stmt             *stmt,
                                                    int                       first,
                                                    gpointer                  record);
void                 stipple_record_copy_fields    (const StippleRecordTable *table,
                                                    gpointer                  copy,
                                                    gconstpointer             record);
void                 stipple_record_free_fields    (const StippleRecordTable *table,
                                                    gpointer                  record);
gboolean             stipple_record_check          (const StippleRecordTable *table,
                                                    gconstpointer             record,
                                                    GError                  **error);

char                *stipple_record_import_sql     (const StippleRecordTable *table,
                                                    const char               *alias,
                                                    const char * const       *overrides);
char                *stipple_record_differs_sql    (const StippleRecordTable *table,
                                                    StippleColumnFlags        which,
                                                    const char               *here,
                                                    const char               *there);

G_END_DECLS
