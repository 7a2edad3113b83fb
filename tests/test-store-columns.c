/* test-store-columns.c: the record tables against the schema, and every
 * column of every record from one patient file to another
 *
 * The values are made from the record tables themselves, so a column
 * added to a table is filled, moved and compared here without a word
 * more; a column added to the schema but not to its table fails the
 * first test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "stipple-screening.h"
#include "stipple-store-columns.h"
#include "test-store-util.h"

#define FIELD(record, column, type) (*(type *) ((char *) (record) + (column)->offset))

/* The tables of the schema that are not records: the file's own
 * settings, the audit trail with its hash chain, the needle data and
 * what the patient file keeps of archived needle data, the
 * photographs (stipple-store-photos.c) and the search index. */
static const char * const not_records[] = {
  "meta", "audit", "telemetry_block", "photo", "photo_event", "patient_word",
  "needle_archive", "needle_session", "needle_thinning", NULL
};

/* Each test works in a folder of its own, removed when it ends. */
typedef char TestDir;

static void
test_dir_free (TestDir *dir)
{
  test_remove_tree (dir);
  g_free (dir);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestDir, test_dir_free)

static TestDir *
test_dir_new (void)
{
  TestDir *dir = g_dir_make_tmp ("stipple-columns-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return dir;
}

static sqlite3 *
open_db (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  return db;
}

static GPtrArray *
query_texts (sqlite3    *db,
             const char *sql)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (texts, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  return texts;
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
strv_has (const char * const *strv,
          const char         *s)
{
  return g_strv_contains (strv, s);
}

static const StippleRecordTable *
find_table (const char *name)
{
  for (guint i = 0; stipple_record_tables[i] != NULL; i++)
    if (g_str_equal (stipple_record_tables[i]->name, name))
      return stipple_record_tables[i];
  return NULL;
}

/* PRAGMA table_info lists exactly the columns each record table
 * describes, and every table of the schema is a record table or one of
 * the few that are not. */
static void
test_tables_match_schema (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (path, &error);
  g_autoptr(GPtrArray) tables = NULL;
  sqlite3 *db;

  g_assert_no_error (error);
  stipple_store_close (store);
  db = open_db (path);

  for (guint t = 0; stipple_record_tables[t] != NULL; t++)
    {
      const StippleRecordTable *table = stipple_record_tables[t];
      g_autofree char *sql = g_strdup_printf ("SELECT name FROM pragma_table_info ('%s')",
                                              table->name);
      g_autoptr(GPtrArray) names = query_texts (db, sql);

      g_test_message ("table %s", table->name);
      g_assert_cmpuint (names->len, >, 0);
      for (guint i = 0; i < names->len; i++)
        if (stipple_record_table_find (table, g_ptr_array_index (names, i)) == NULL)
          g_error ("column %s.%s is in the schema but not in its record table", table->name,
                   (const char *) g_ptr_array_index (names, i));
      for (guint i = 0; i < table->n_columns; i++)
        {
          gboolean found = FALSE;

          for (guint k = 0; k < names->len; k++)
            found |= g_str_equal (g_ptr_array_index (names, k), table->columns[i].name);
          if (!found)
            g_error ("column %s.%s is in the record table but not in the schema", table->name,
                     table->columns[i].name);
          /* A column is described once. */
          g_assert_true (stipple_record_table_find (table, table->columns[i].name) ==
                         &table->columns[i]);
        }
      g_assert_cmpuint (names->len, ==, table->n_columns);
    }

  tables = query_texts (db, "SELECT name FROM sqlite_schema WHERE type = 'table'");
  for (guint i = 0; i < tables->len; i++)
    {
      const char *name = g_ptr_array_index (tables, i);

      if (!strv_has (not_records, name) && find_table (name) == NULL)
        g_error ("table %s has no record table", name);
    }
  sqlite3_close (db);
}

/* A value of @column for record @seed, not the column's default, valid
 * under its limits, and different for each seed. */
static void
fill_record (const StippleRecordTable *table,
             gpointer                  record,
             guint                     seed)
{
  for (guint i = 0; i < table->n_columns; i++)
    {
      const StippleColumn *column = &table->columns[i];

      if (column->flags & (STIPPLE_COLUMN_STORE_ONLY | STIPPLE_COLUMN_ROW_ID))
        continue;
      switch (column->type)
        {
        case STIPPLE_COLUMN_TEXT:
        case STIPPLE_COLUMN_TEXT_OR_NULL:
          g_free (FIELD (record, column, char *));
          FIELD (record, column, char *) = g_strdup_printf ("%s %s %u", table->name,
                                                            column->name, seed);
          break;
        case STIPPLE_COLUMN_DATE:
          g_free (FIELD (record, column, char *));
          FIELD (record, column, char *) = g_strdup_printf ("19%02u-%02u-%02u", 50 + seed % 40,
                                                            1 + (i + seed) % 12,
                                                            1 + (i * 3 + seed) % 28);
          break;
        case STIPPLE_COLUMN_TIME:
          g_clear_pointer (&FIELD (record, column, GDateTime *), g_date_time_unref);
          FIELD (record, column, GDateTime *) =
            g_date_time_new_utc (2025, 1 + seed % 12, 1 + seed % 28, 8 + i % 12, (i * 7) % 60,
                                 seed % 60);
          break;
        case STIPPLE_COLUMN_INT64:
        case STIPPLE_COLUMN_REF:
          /* Ids: the rows the test makes. */
          break;
        case STIPPLE_COLUMN_UINT:
          FIELD (record, column, guint) = column->max > 0 ? 1 + (seed + i) % column->max
                                                          : 1 + seed + i;
          break;
        case STIPPLE_COLUMN_UINT64:
          FIELD (record, column, guint64) = 1000 * seed + i;
          break;
        case STIPPLE_COLUMN_INT:
          FIELD (record, column, int) = column->max > column->min
                                          ? column->min + 1 + (int) ((seed + i) % (column->max - column->min))
                                          : (int) (seed + i + 1);
          break;
        case STIPPLE_COLUMN_BOOL:
          FIELD (record, column, gboolean) = TRUE;
          break;
        case STIPPLE_COLUMN_KEY:
          {
            int last = 0;

            while (column->keys[last + 1] != NULL)
              last++;
            FIELD (record, column, int) = last;
          }
          break;
        case STIPPLE_COLUMN_ZONE:
          FIELD (record, column, StippleZone) = 1 + (seed + i) % (STIPPLE_N_ZONES - 1);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/* Every column the struct holds reads the same, but ids and references
 * (they differ from file to file). */
static void
assert_same_record (const StippleRecordTable *table,
                    gconstpointer             a,
                    gconstpointer             b)
{
  for (guint i = 0; i < table->n_columns; i++)
    {
      const StippleColumn *column = &table->columns[i];

      if (column->flags & (STIPPLE_COLUMN_STORE_ONLY | STIPPLE_COLUMN_ROW_ID))
        continue;
      g_test_message ("%s.%s", table->name, column->name);
      switch (column->type)
        {
        case STIPPLE_COLUMN_TEXT:
        case STIPPLE_COLUMN_TEXT_OR_NULL:
        case STIPPLE_COLUMN_DATE:
          g_assert_cmpstr (FIELD (a, column, char *), ==, FIELD (b, column, char *));
          break;
        case STIPPLE_COLUMN_TIME:
          g_assert_true (g_date_time_equal (FIELD (a, column, GDateTime *),
                                            FIELD (b, column, GDateTime *)));
          break;
        case STIPPLE_COLUMN_INT64:
        case STIPPLE_COLUMN_REF:
          break;
        case STIPPLE_COLUMN_UINT:
          g_assert_cmpuint (FIELD (a, column, guint), ==, FIELD (b, column, guint));
          break;
        case STIPPLE_COLUMN_UINT64:
          g_assert_cmpuint (FIELD (a, column, guint64), ==, FIELD (b, column, guint64));
          break;
        case STIPPLE_COLUMN_INT:
        case STIPPLE_COLUMN_KEY:
        case STIPPLE_COLUMN_ZONE:
          g_assert_cmpint (FIELD (a, column, int), ==, FIELD (b, column, int));
          break;
        case STIPPLE_COLUMN_BOOL:
          g_assert_cmpint (!!FIELD (a, column, gboolean), ==, !!FIELD (b, column, gboolean));
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/* One row of @table in schema @schema as text: every column, a
 * reference as the uid of the row it names. */
static char *
row_text_sql (const StippleRecordTable *table,
              const char               *schema)
{
  g_autoptr(GString) sql = g_string_new ("SELECT json_array (");

  for (guint i = 0, n = 0; i < table->n_columns; i++)
    {
      const StippleColumn *column = &table->columns[i];

      if (column->flags & STIPPLE_COLUMN_ROW_ID)
        continue;
      if (n++ > 0)
        g_string_append (sql, ", ");
      if (column->type == STIPPLE_COLUMN_REF)
        g_string_append_printf (sql, "(SELECT r.uid FROM %1$s.%2$s r WHERE r.id = t.%3$s)",
                                schema, column->ref_table, column->name);
      else
        g_string_append_printf (sql, "t.%s", column->name);
    }
  g_string_append_printf (sql, ") AS row FROM %s.%s t", schema, table->name);
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* Fills every column of every record of one patient with its own value,
 * exports the patient, imports the file into a new patient file, and
 * finds every column there as it was. */
static void
test_round_trip (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (path, &error);
  g_autoptr(StipplePatient) patient = stipple_patient_new ();
  g_autoptr(StippleCourse) course = stipple_course_new ();
  g_autoptr(StippleSession) session = stipple_session_new ();
  g_autoptr(StippleScreeningAnswer) answer = stipple_screening_answer_new ();
  g_autoptr(StippleConsent) consent = stipple_consent_new ();
  g_autoptr(GPtrArray) answers = g_ptr_array_new ();
  g_autoptr(GPtrArray) consents = g_ptr_array_new ();
  g_autoptr(StippleNoteAddendum) addendum = g_new0 (StippleNoteAddendum, 1);
  g_autoptr(StipplePatientChart) before = NULL;
  g_autoptr(StipplePatientChart) after = NULL;
  g_autoptr(StippleImportResult) result = NULL;
  g_autoptr(StippleStore) fresh = NULL;
  g_autoptr(GDateTime) ended = NULL;
  g_autofree char *exported = g_build_filename (dir, "exported.stipple", NULL);
  g_autofree char *fresh_path = g_build_filename (dir, "fresh.stipple", NULL);
  StippleZoneTotals totals[2] = { 0 };
  const StippleScreeningItem *items;
  guint n_items;
  gint64 fresh_patient = 0;
  sqlite3 *db;

  g_assert_no_error (error);

  fill_record (&stipple_patient_table, patient, 1);
  /* What the column's own check asks beyond its table row. */
  g_free (patient->language);
  patient->language = g_strdup ("fr");
  g_assert_true (stipple_store_save_patient (store, patient, &error));
  g_assert_no_error (error);

  fill_record (&stipple_course_table, course, 2);
  course->patient_id = patient->id;
  g_assert_true (stipple_store_save_course (store, course, &error));
  g_assert_no_error (error);

  fill_record (&stipple_session_table, session, 3);
  session->patient_id = patient->id;
  session->course_id = course->id;
  /* Begun, then ended by saving it again, as a treatment does. */
  ended = g_date_time_ref (session->ended_at);
  g_clear_pointer (&session->ended_at, g_date_time_unref);
  for (guint i = 0; i < 2; i++)
    {
      StippleZonePass pass = { 0 };
      StippleSerum *serum = stipple_serum_new (NULL, NULL);

      fill_record (&stipple_zone_pass_table, &pass, 4 + i);
      g_array_append_val (session->plan, pass);
      fill_record (&stipple_session_serum_table, serum, 6 + i);
      g_ptr_array_add (session->serums, serum);
      fill_record (&stipple_zone_strokes_table, &totals[i], 8 + i);
    }
  g_assert_cmpint (g_array_index (session->plan, StippleZonePass, 0).zone, !=,
                   g_array_index (session->plan, StippleZonePass, 1).zone);

  fill_record (&stipple_screening_answer_table, answer, 10);
  items = stipple_screening_get_items (&n_items);
  g_free (answer->item_key);
  answer->item_key = g_strdup (items[n_items - 1].key);
  answer->patient_id = patient->id;
  g_ptr_array_add (answers, answer);
  fill_record (&stipple_consent_table, consent, 11);
  consent->patient_id = patient->id;
  g_ptr_array_add (consents, consent);
  g_assert_true (stipple_store_begin_session (store, session, answers, consents, &error));
  g_assert_no_error (error);
  session->ended_at = g_steal_pointer (&ended);
  g_assert_true (stipple_store_save_session (store, session, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (totals); i++)
    {
      g_assert_true (stipple_store_add_zone_totals (store, session->id, totals[i].zone,
                                                    totals[i].strokes, totals[i].time_in_zone_us,
                                                    totals[i].out_of_tolerance, &error));
      g_assert_no_error (error);
    }

  fill_record (&stipple_note_addendum_table, addendum, 12);
  g_assert_true (stipple_store_add_note_addendum (store, session->id, addendum->kind,
                                                  addendum->text, addendum->author, &error));
  g_assert_no_error (error);

  before = stipple_store_load_chart (store, patient->id, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_export_patient (store, patient->id, exported, &error));
  g_assert_no_error (error);
  stipple_store_close (store);

  /* Every column of every record holds a value of its own: none is
   * NULL or the column's default, so none can pass unnoticed. */
  db = open_db (path);
  for (guint t = 0; stipple_record_tables[t] != NULL; t++)
    {
      const StippleRecordTable *table = stipple_record_tables[t];
      g_autofree char *count = g_strdup_printf ("SELECT count(*) FROM %s", table->name);
      g_autofree char *info = g_strdup_printf ("SELECT name, dflt_value FROM pragma_table_info"
                                               " ('%s')", table->name);
      sqlite3_stmt *stmt = NULL;

      g_test_message ("table %s", table->name);
      g_assert_cmpint (query_int (db, count), >, 0);
      g_assert_cmpint (sqlite3_prepare_v2 (db, info, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *name = (const char *) sqlite3_column_text (stmt, 0);
          const char *dflt = (const char *) sqlite3_column_text (stmt, 1);
          g_autofree char *plain = g_strdup_printf ("SELECT count(*) FROM %1$s WHERE %2$s IS NULL"
                                                    " OR %2$s IS (%3$s)", table->name, name,
                                                    dflt != NULL ? dflt : "NULL");

          g_test_message ("column %s.%s", table->name, name);
          g_assert_cmpint (query_int (db, plain), ==, 0);
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);

  fresh = stipple_store_open (fresh_path, &error);
  g_assert_no_error (error);
  result = stipple_store_import (fresh, exported, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->patients_added, ==, 1);
  g_assert_cmpuint (result->sessions_added, ==, 1);
  g_assert_cmpuint (result->conflicts->len, ==, 0);

  /* Read back through the store: every column of every struct. */
  {
    g_autoptr(GPtrArray) found = stipple_store_search_patients (fresh, patient->record_number, 0,
                                                                &error);

    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 1);
    fresh_patient = ((StipplePatient *) g_ptr_array_index (found, 0))->id;
  }
  after = stipple_store_load_chart (fresh, fresh_patient, &error);
  g_assert_no_error (error);
  assert_same_record (&stipple_patient_table, before->patient, after->patient);
  assert_same_record (&stipple_patient_table, patient, after->patient);
  g_assert_cmpuint (after->courses->len, ==, 1);
  assert_same_record (&stipple_course_table, course, after->courses->pdata[0]);
  g_assert_cmpuint (after->consents->len, ==, 1);
  assert_same_record (&stipple_consent_table, consent, after->consents->pdata[0]);
  g_assert_cmpuint (after->screening->len, ==, 1);
  assert_same_record (&stipple_screening_answer_table, answer, after->screening->pdata[0]);
  g_assert_cmpuint (after->sessions->len, ==, 1);
  {
    StippleSession *back = after->sessions->pdata[0];
    g_autoptr(GPtrArray) addenda = stipple_store_list_note_addenda (fresh, back->id, &error);

    assert_same_record (&stipple_session_table, session, back);
    g_assert_cmpuint (back->plan->len, ==, session->plan->len);
    for (guint i = 0; i < session->plan->len; i++)
      assert_same_record (&stipple_zone_pass_table,
                          &g_array_index (session->plan, StippleZonePass, i),
                          &g_array_index (back->plan, StippleZonePass, i));
    g_assert_cmpuint (back->serums->len, ==, session->serums->len);
    for (guint i = 0; i < session->serums->len; i++)
      assert_same_record (&stipple_session_serum_table, session->serums->pdata[i],
                          back->serums->pdata[i]);
    for (guint i = 0; i < G_N_ELEMENTS (totals); i++)
      {
        StippleZoneTotals read = { totals[i].zone, back->strokes[totals[i].zone],
                                   back->time_in_zone_us[totals[i].zone],
                                   back->out_of_tolerance[totals[i].zone] };

        assert_same_record (&stipple_zone_strokes_table, &totals[i], &read);
      }
    g_assert_no_error (error);
    g_assert_cmpuint (addenda->len, ==, 1);
    g_assert_cmpstr (((StippleNoteAddendum *) addenda->pdata[0])->text, ==, addendum->text);
    g_assert_cmpstr (((StippleNoteAddendum *) addenda->pdata[0])->author, ==, addendum->author);
  }
  {
    g_autoptr(StippleVerifyResult) verified = stipple_store_verify (fresh, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (verified->breaks->len, ==, 0);
    g_assert_cmpint (verified->n_sealed, >, 0);
  }
  stipple_store_close (fresh);

  /* And in the files themselves: every column the tables list, the
   * store's own (search keys, times, positions) too. */
  db = open_db (path);
  {
    g_autofree char *attach = g_strdup_printf ("ATTACH DATABASE '%s' AS fresh", fresh_path);

    g_assert_cmpint (sqlite3_exec (db, attach, NULL, NULL, NULL), ==, SQLITE_OK);
  }
  for (guint t = 0; stipple_record_tables[t] != NULL; t++)
    {
      const StippleRecordTable *table = stipple_record_tables[t];
      g_autofree char *here = row_text_sql (table, "main");
      g_autofree char *there = row_text_sql (table, "fresh");
      g_autofree char *sql_here = g_strdup_printf ("%s ORDER BY row", here);
      g_autofree char *sql_there = g_strdup_printf ("%s ORDER BY row", there);
      g_autoptr(GPtrArray) rows_here = query_texts (db, sql_here);
      g_autoptr(GPtrArray) rows_there = query_texts (db, sql_there);

      g_test_message ("table %s", table->name);
      g_assert_cmpuint (rows_here->len, >, 0);
      g_assert_cmpuint (rows_here->len, ==, rows_there->len);
      for (guint i = 0; i < rows_here->len; i++)
        g_assert_cmpstr (g_ptr_array_index (rows_here, i), ==, g_ptr_array_index (rows_there, i));
    }
  sqlite3_close (db);
}

/* The statements written from a table name each column once, and the
 * checks refuse a text past its table's limit. */
static void
test_limits (void)
{
  g_autoptr(StipplePatient) patient = test_patient ("R-1", "Anna", "Berg", "1985-04-23");
  g_autoptr(GError) error = NULL;

  g_assert_true (stipple_record_check (&stipple_patient_table, patient, &error));
  g_assert_no_error (error);
  patient->phone = g_strnfill (STIPPLE_STORE_MAX_PHONE_CHARS, '1');
  g_assert_true (stipple_record_check (&stipple_patient_table, patient, &error));
  g_free (patient->phone);
  patient->phone = g_strnfill (STIPPLE_STORE_MAX_PHONE_CHARS + 1, '1');
  g_assert_false (stipple_record_check (&stipple_patient_table, patient, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_clear_pointer (&patient->phone, g_free);
  patient->fitzpatrick = STIPPLE_STORE_MAX_FITZPATRICK + 1;
  g_assert_false (stipple_record_check (&stipple_patient_table, patient, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);

  for (guint t = 0; stipple_record_tables[t] != NULL; t++)
    {
      const StippleRecordTable *table = stipple_record_tables[t];
      const char *insert = stipple_record_sql (table, STIPPLE_RECORD_SQL_INSERT);

      /* Built once: the statement cache is keyed by the text's address. */
      g_assert_true (insert == stipple_record_sql (table, STIPPLE_RECORD_SQL_INSERT));
      for (guint i = 0; i < table->n_columns; i++)
        {
          g_autofree char *param = g_strdup_printf ("?%u", i + 1);

          if (table->columns[i].flags & STIPPLE_COLUMN_ROW_ID)
            continue;
          g_assert_nonnull (strstr (insert, table->columns[i].name));
          g_assert_nonnull (strstr (insert, param));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/store/columns/tables-match-schema", test_tables_match_schema);
  g_test_add_func ("/stipple/store/columns/round-trip", test_round_trip);
  g_test_add_func ("/stipple/store/columns/limits", test_limits);

  return g_test_run ();
}
