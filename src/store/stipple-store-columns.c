/* stipple-store-columns.c
 *
 * The machinery that walks a record table (stipple-store-columns.h):
 * statement texts, binding, reading, copying, freeing, checking and the
 * SQL an import runs. The tables themselves are in
 * stipple-store-tables.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-store-columns.h"
#include "stipple-store-private.h"

#define FIELD(record, column, type) (*(type *) ((char *) (record) + (column)->offset))

static gboolean
is_in_struct (const StippleColumn *column)
{
  return (column->flags & STIPPLE_COLUMN_STORE_ONLY) == 0;
}

static gboolean
is_text (const StippleColumn *column)
{
  return column->type == STIPPLE_COLUMN_TEXT || column->type == STIPPLE_COLUMN_TEXT_OR_NULL ||
         column->type == STIPPLE_COLUMN_DATE;
}

/**
 * stipple_record_table_find:
 * @table: a record table
 * @name: a column's SQL name
 *
 * Returns: (nullable): the column, or %NULL if @table has none so named
 */
const StippleColumn *
stipple_record_table_find (const StippleRecordTable *table,
                           const char               *name)
{
  for (guint i = 0; i < table->n_columns; i++)
    if (g_str_equal (table->columns[i].name, name))
      return &table->columns[i];
  return NULL;
}

/**
 * stipple_record_table_param:
 * @table: a record table
 * @name: one of its columns
 *
 * The statements of stipple_record_sql() number each column's parameter
 * by its place in the table, so that one binding serves the insert and
 * the update; this is how the store binds the columns it fills itself.
 *
 * Returns: the parameter's number (from 1)
 */
int
stipple_record_table_param (const StippleRecordTable *table,
                            const char               *name)
{
  const StippleColumn *column = stipple_record_table_find (table, name);

  g_assert (column != NULL);
  return (int) (column - table->columns) + 1;
}

static char *
column_list (const StippleRecordTable *table,
             const char               *qualifier)
{
  g_autoptr(GString) sql = g_string_new (NULL);

  for (guint i = 0; i < table->n_columns; i++)
    {
      if (!is_in_struct (&table->columns[i]))
        continue;
      if (sql->len > 0)
        g_string_append (sql, ", ");
      if (qualifier != NULL)
        g_string_append_printf (sql, "%s.", qualifier);
      g_string_append (sql, table->columns[i].name);
    }
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

static char *
build_sql (const StippleRecordTable *table,
           StippleRecordSqlKind      kind)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);

  switch (kind)
    {
    case STIPPLE_RECORD_SQL_COLUMNS:
      return column_list (table, NULL);

    case STIPPLE_RECORD_SQL_INSERT:
      g_string_append_printf (sql, "INSERT INTO %s (", table->name);
      for (guint i = 0; i < table->n_columns; i++)
        {
          if (table->columns[i].flags & STIPPLE_COLUMN_ROW_ID)
            continue;
          if (values->len > 0)
            {
              g_string_append (sql, ", ");
              g_string_append (values, ", ");
            }
          g_string_append (sql, table->columns[i].name);
          g_string_append_printf (values, "?%u", i + 1);
        }
      g_string_append_printf (sql, ") VALUES (%s)", values->str);
      break;

    case STIPPLE_RECORD_SQL_UPDATE:
      g_string_append_printf (sql, "UPDATE %s SET ", table->name);
      for (guint i = 0; i < table->n_columns; i++)
        {
          if (table->columns[i].flags &
              (STIPPLE_COLUMN_ROW_ID | STIPPLE_COLUMN_FIXED | STIPPLE_COLUMN_OWN_WRITER))
            continue;
          if (values->len > 0)
            g_string_append (values, ", ");
          g_string_append_printf (values, "%s = ?%u", table->columns[i].name, i + 1);
        }
      g_string_append_printf (sql, "%s WHERE id = ?%d", values->str,
                              stipple_record_table_param (table, "id"));
      break;

    case STIPPLE_RECORD_SQL_BY_PATIENT:
      {
        g_autofree char *columns = NULL;

        g_assert (table->owner != NULL && table->order != NULL);
        if (g_str_equal (table->owner, "patient_id"))
          {
            columns = column_list (table, NULL);
            g_string_append_printf (sql, "SELECT %s FROM %s WHERE patient_id = ?1 ORDER BY %s",
                                    columns, table->name, table->order);
          }
        else
          {
            /* The rows of every session of the patient, each led by
             * its session's id. */
            columns = column_list (table, "t");
            g_string_append_printf (sql, "SELECT t.%s, %s FROM %s t JOIN session s"
                                    " ON s.id = t.%s WHERE s.patient_id = ?1 ORDER BY %s",
                                    table->owner, columns, table->name, table->owner,
                                    table->order);
          }
      }
      break;

    case STIPPLE_RECORD_N_SQL:
    default:
      g_assert_not_reached ();
    }
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/**
 * stipple_record_sql:
 * @table: a record table
 * @kind: which statement
 *
 * The statements every record shares, written from its table: the
 * column list a reader selects, the insert and the update (each
 * column's parameter numbered by its place in the table, see
 * stipple_record_bind()), and a chart's query of the patient's rows.
 * Built once and kept, so the statement cache (keyed by the text's
 * address) prepares each once.
 *
 * Returns: (transfer none): the statement's text
 */
const char *
stipple_record_sql (const StippleRecordTable *table,
                    StippleRecordSqlKind      kind)
{
  const char *sql;

  g_return_val_if_fail (kind < STIPPLE_RECORD_N_SQL, NULL);

  sql = g_atomic_pointer_get (&table->sql[kind]);
  if (sql == NULL)
    {
      g_autofree char *built = build_sql (table, kind);

      /* Two threads may build it at once: interned, both get the same. */
      sql = g_intern_string (built);
      g_atomic_pointer_set (&table->sql[kind], sql);
    }
  return sql;
}

/**
 * stipple_record_select:
 * @table: a record table
 * @qualifier: (nullable): the table's name or alias in the query
 * @before: (nullable): columns read before the record's, with their comma
 * @after: the rest of the query, from FROM on
 *
 * A query that reads whole records with its own conditions (a search),
 * so that it reads a new column as soon as the table lists it. The text
 * is interned, so the statement cache keeps one statement for it.
 *
 * Returns: (transfer none): the statement's text
 */
const char *
stipple_record_select (const StippleRecordTable *table,
                       const char               *qualifier,
                       const char               *before,
                       const char               *after)
{
  g_autofree char *columns = column_list (table, qualifier);
  g_autofree char *sql = g_strconcat ("SELECT ", before ? before : "", columns, " ", after, NULL);

  return g_intern_string (sql);
}

/**
 * stipple_record_n_read:
 * @table: a record table
 *
 * Returns: how many result columns stipple_record_read() reads
 */
int
stipple_record_n_read (const StippleRecordTable *table)
{
  int n = 0;

  for (guint i = 0; i < table->n_columns; i++)
    if (is_in_struct (&table->columns[i]))
      n++;
  return n;
}

static const char *
key_of (const StippleColumn *column,
        int                  value)
{
  for (int i = 0; column->keys[i] != NULL; i++)
    if (i == value)
      return column->keys[i];
  return NULL;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           param,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, param, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, param);
}

/**
 * stipple_record_bind:
 * @table: a record table
 * @stmt: a statement of stipple_record_sql() for @table
 * @record: the record; it must outlive the statement's step
 *
 * Binds every column the record's struct holds to the parameter of its
 * place in the table. The columns the store fills itself
 * (%STIPPLE_COLUMN_STORE_ONLY) are the caller's, by
 * stipple_record_table_param().
 */
void
stipple_record_bind (const StippleRecordTable *table,
                     sqlite3_stmt             *stmt,
                     gconstpointer             record)
{
  int n_params = sqlite3_bind_parameter_count (stmt);

  for (guint i = 0; i < table->n_columns; i++)
    {
      const StippleColumn *column = &table->columns[i];
      int param = (int) i + 1;

      if (!is_in_struct (column) || param > n_params)
        continue;
      switch (column->type)
        {
        case STIPPLE_COLUMN_TEXT:
          sqlite3_bind_text (stmt, param, stipple_store_or_empty (FIELD (record, column, char *)),
                             -1, SQLITE_STATIC);
          break;
        case STIPPLE_COLUMN_TEXT_OR_NULL:
        case STIPPLE_COLUMN_DATE:
          bind_text (stmt, param, FIELD (record, column, char *));
          break;
        case STIPPLE_COLUMN_TIME:
          {
            GDateTime *time = FIELD (record, column, GDateTime *);

            if (time != NULL)
              sqlite3_bind_text (stmt, param, stipple_store_format_time (time), -1, g_free);
            else
              sqlite3_bind_null (stmt, param);
          }
          break;
        case STIPPLE_COLUMN_INT64:
          sqlite3_bind_int64 (stmt, param, FIELD (record, column, gint64));
          break;
        case STIPPLE_COLUMN_REF:
          if (FIELD (record, column, gint64) != 0)
            sqlite3_bind_int64 (stmt, param, FIELD (record, column, gint64));
          else
            sqlite3_bind_null (stmt, param);
          break;
        case STIPPLE_COLUMN_UINT:
          sqlite3_bind_int64 (stmt, param, FIELD (record, column, guint));
          break;
        case STIPPLE_COLUMN_UINT64:
          sqlite3_bind_int64 (stmt, param, (gint64) FIELD (record, column, guint64));
          break;
        case STIPPLE_COLUMN_INT:
          sqlite3_bind_int (stmt, param, FIELD (record, column, int));
          break;
        case STIPPLE_COLUMN_BOOL:
          sqlite3_bind_int (stmt, param, FIELD (record, column, gboolean) ? 1 : 0);
          break;
        case STIPPLE_COLUMN_KEY:
          /* A value without a key is NULL, which the column refuses. */
          bind_text (stmt, param, key_of (column, FIELD (record, column, int)));
          break;
        case STIPPLE_COLUMN_ZONE:
          bind_text (stmt, param, stipple_zone_get_key (FIELD (record, column, StippleZone)));
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/**
 * stipple_record_read:
 * @table: a record table
 * @stmt: a row of a query that selected the table's column list
 *   (%STIPPLE_RECORD_SQL_COLUMNS) from result column @first on
 * @first: where the record's columns start in the row
 * @record: the struct to fill; its fields are empty
 *
 * Returns: the result column after the record's
 */
int
stipple_record_read (const StippleRecordTable *table,
                     sqlite3_stmt             *stmt,
                     int                       first,
                     gpointer                  record)
{
  int at = first;

  for (guint i = 0; i < table->n_columns; i++)
    {
      const StippleColumn *column = &table->columns[i];
      const char *text;

      if (!is_in_struct (column))
        continue;
      text = (const char *) sqlite3_column_text (stmt, at);
      switch (column->type)
        {
        case STIPPLE_COLUMN_TEXT:
        case STIPPLE_COLUMN_TEXT_OR_NULL:
        case STIPPLE_COLUMN_DATE:
          FIELD (record, column, char *) = g_strdup (text);
          break;
        case STIPPLE_COLUMN_TIME:
          FIELD (record, column, GDateTime *) = stipple_store_parse_time (text);
          break;
        case STIPPLE_COLUMN_INT64:
        case STIPPLE_COLUMN_REF:
          FIELD (record, column, gint64) = sqlite3_column_int64 (stmt, at);
          break;
        case STIPPLE_COLUMN_UINT:
          FIELD (record, column, guint) = (guint) sqlite3_column_int64 (stmt, at);
          break;
        case STIPPLE_COLUMN_UINT64:
          FIELD (record, column, guint64) = (guint64) sqlite3_column_int64 (stmt, at);
          break;
        case STIPPLE_COLUMN_INT:
          FIELD (record, column, int) = sqlite3_column_int (stmt, at);
          break;
        case STIPPLE_COLUMN_BOOL:
          FIELD (record, column, gboolean) = sqlite3_column_int (stmt, at) != 0;
          break;
        case STIPPLE_COLUMN_KEY:
          /* The column's CHECK allows only the keys; the first is the
           * value of an unknown one. */
          FIELD (record, column, int) = 0;
          for (int k = 0; text != NULL && column->keys[k] != NULL; k++)
            if (g_str_equal (column->keys[k], text))
              FIELD (record, column, int) = k;
          break;
        case STIPPLE_COLUMN_ZONE:
          FIELD (record, column, StippleZone) = stipple_zone_from_key (text);
          break;
        default:
          g_assert_not_reached ();
        }
      at++;
    }
  return at;
}

/**
 * stipple_record_copy_fields:
 * @table: a record table
 * @copy: a byte copy of @record
 * @record: the record
 *
 * Gives @copy its own copy of every string and time the table lists.
 */
void
stipple_record_copy_fields (const StippleRecordTable *table,
                            gpointer                  copy,
                            gconstpointer             record)
{
  for (guint i = 0; i < table->n_columns; i++)
    {
      const StippleColumn *column = &table->columns[i];

      if (!is_in_struct (column))
        continue;
      if (is_text (column))
        FIELD (copy, column, char *) = g_strdup (FIELD (record, column, char *));
      else if (column->type == STIPPLE_COLUMN_TIME && FIELD (record, column, GDateTime *) != NULL)
        FIELD (copy, column, GDateTime *) = g_date_time_ref (FIELD (record, column, GDateTime *));
    }
}

/**
 * stipple_record_free_fields:
 * @table: a record table
 * @record: a record
 *
 * Frees every string and time the table lists, leaving them %NULL.
 */
void
stipple_record_free_fields (const StippleRecordTable *table,
                            gpointer                  record)
{
  for (guint i = 0; i < table->n_columns; i++)
    {
      const StippleColumn *column = &table->columns[i];

      if (!is_in_struct (column))
        continue;
      if (is_text (column))
        g_clear_pointer (&FIELD (record, column, char *), g_free);
      else if (column->type == STIPPLE_COLUMN_TIME)
        g_clear_pointer (&FIELD (record, column, GDateTime *), g_date_time_unref);
    }
}

static gboolean
check_number (const StippleColumn  *column,
              gint64                value,
              GError              **error)
{
  if (column->invalid == NULL || (value >= column->min && value <= column->max))
    return TRUE;
  return stipple_store_invalid (error, "%s", _(column->invalid));
}

/**
 * stipple_record_check:
 * @table: a record table
 * @record: a record on its way into the file
 * @error: return location for a #GError
 *
 * The checks every column with a label passes: text that is text and
 * within its length, names with letters, dates that are dates, numbers
 * in their range. What is particular to one record (a date of birth in
 * the past, a record number without spaces around it) its own check
 * adds.
 *
 * Returns: whether every column is acceptable
 */
gboolean
stipple_record_check (const StippleRecordTable  *table,
                      gconstpointer              record,
                      GError                   **error)
{
  for (guint i = 0; i < table->n_columns; i++)
    {
      const StippleColumn *column = &table->columns[i];

      if (!is_in_struct (column))
        continue;
      switch (column->type)
        {
        case STIPPLE_COLUMN_TEXT:
        case STIPPLE_COLUMN_TEXT_OR_NULL:
          {
            const char *text = FIELD (record, column, char *);

            if (column->label == NULL)
              break;
            if (column->flags & STIPPLE_COLUMN_NAME)
              {
                if (!stipple_store_check_name (_(column->label), text,
                                               (column->flags & STIPPLE_COLUMN_REQUIRED) != 0,
                                               error))
                  return FALSE;
              }
            else if (column->max > 0 &&
                     !stipple_store_check_text (_(column->label), text, column->max,
                                                (column->flags & STIPPLE_COLUMN_MULTI_LINE) != 0,
                                                error))
              return FALSE;
          }
          break;
        case STIPPLE_COLUMN_DATE:
          if (column->label != NULL &&
              !stipple_store_check_date (_(column->label), FIELD (record, column, char *), error))
            return FALSE;
          break;
        case STIPPLE_COLUMN_UINT:
          if (!check_number (column, FIELD (record, column, guint), error))
            return FALSE;
          break;
        case STIPPLE_COLUMN_INT:
          if (!check_number (column, FIELD (record, column, int), error))
            return FALSE;
          break;
        case STIPPLE_COLUMN_KEY:
          if (column->invalid != NULL && key_of (column, FIELD (record, column, int)) == NULL)
            return stipple_store_invalid (error, "%s", _(column->invalid));
          break;
        case STIPPLE_COLUMN_TIME:
          if ((column->flags & STIPPLE_COLUMN_REQUIRED) && column->invalid != NULL &&
              FIELD (record, column, GDateTime *) == NULL)
            return stipple_store_invalid (error, "%s", _(column->invalid));
          break;
        case STIPPLE_COLUMN_INT64:
        case STIPPLE_COLUMN_REF:
        case STIPPLE_COLUMN_UINT64:
        case STIPPLE_COLUMN_BOOL:
        case STIPPLE_COLUMN_ZONE:
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return TRUE;
}

static const char *
find_override (const char * const *overrides,
               const char         *name)
{
  for (guint i = 0; overrides != NULL && overrides[i] != NULL; i += 2)
    if (g_str_equal (overrides[i], name))
      return overrides[i + 1];
  return NULL;
}

/**
 * stipple_record_import_sql:
 * @table: a record table
 * @alias: the alias of the imported file's table, `imp.<table> <alias>`
 * @overrides: (nullable) (array zero-terminated=1): pairs of a column
 *   name and the SQL of its value here (the patient it now belongs to)
 *
 * The start of the statement that copies rows of @table from the
 * attached file "imp" into "main": every column but the row id, a
 * reference to another table's row taken to the row of the same uid
 * here. The caller adds the WHERE clause.
 *
 * Returns: (transfer full): the statement's text, up to its FROM clause
 */
char *
stipple_record_import_sql (const StippleRecordTable *table,
                           const char               *alias,
                           const char * const       *overrides)
{
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);

  for (guint i = 0; i < table->n_columns; i++)
    {
      const StippleColumn *column = &table->columns[i];
      const char *override = find_override (overrides, column->name);

      if (column->flags & (STIPPLE_COLUMN_ROW_ID | STIPPLE_COLUMN_NOT_COPIED))
        continue;
      if (names->len > 0)
        {
          g_string_append (names, ", ");
          g_string_append (values, ", ");
        }
      g_string_append (names, column->name);
      if (override != NULL)
        g_string_append (values, override);
      else if (column->type == STIPPLE_COLUMN_REF)
        g_string_append_printf (values,
                                "(SELECT r.id FROM main.%1$s r JOIN imp.%1$s ir ON ir.uid = r.uid"
                                " WHERE ir.id = %2$s.%3$s)",
                                column->ref_table, alias, column->name);
      else
        g_string_append_printf (values, "%s.%s", alias, column->name);
    }
  return g_strdup_printf ("INSERT INTO main.%s (%s) SELECT %s FROM imp.%s %s", table->name,
                          names->str, values->str, table->name, alias);
}

/**
 * stipple_record_differs_sql:
 * @table: a record table
 * @which: the flag of the columns compared (%STIPPLE_COLUMN_COMPARED,
 *   %STIPPLE_COLUMN_IDENTITY or %STIPPLE_COLUMN_DETAIL)
 * @here: the alias of this file's row
 * @there: the alias of the imported file's row
 *
 * An expression true when the two rows differ in any of those columns;
 * a reference to another row is compared by that row's uid, since ids
 * differ from file to file.
 *
 * Returns: (transfer full): the expression
 */
char *
stipple_record_differs_sql (const StippleRecordTable *table,
                            StippleColumnFlags        which,
                            const char               *here,
                            const char               *there)
{
  g_autoptr(GString) sql = g_string_new ("(0");

  for (guint i = 0; i < table->n_columns; i++)
    {
      const StippleColumn *column = &table->columns[i];

      if ((column->flags & which) == 0)
        continue;
      if (column->type == STIPPLE_COLUMN_REF)
        g_string_append_printf (sql,
                                " OR (SELECT uid FROM main.%1$s WHERE id = %2$s.%4$s)"
                                " IS NOT (SELECT uid FROM imp.%1$s WHERE id = %3$s.%4$s)",
                                column->ref_table, here, there, column->name);
      else
        g_string_append_printf (sql, " OR %1$s.%3$s IS NOT %2$s.%3$s", here, there,
                                column->name);
    }
  g_string_append_c (sql, ')');
  return g_string_free (g_steal_pointer (&sql), FALSE);
}
