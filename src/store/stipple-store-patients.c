/* stipple-store-patients.c
 *
 * Patients: checked on the way in, stored exactly as typed, and found
 * again as one types, through the word index.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "stipple-store-columns.h"
#include "stipple-store-private.h"

/* The same rule as the column's CHECK: empty, or "es", "ast", "pt_BR". */
static gboolean
check_language (const char *code)
{
  gsize len = code != NULL ? strlen (code) : 0;

  if (len == 0)
    return TRUE;
  if (len < 2 || len > 5 || !g_ascii_islower (code[0]) || !g_ascii_islower (code[1]))
    return FALSE;
  if (len == 3)
    return g_ascii_islower (code[2]);
  if (len == 5)
    return code[2] == '_' && g_ascii_isupper (code[3]) && g_ascii_isupper (code[4]);
  return len == 2;
}

static gboolean
check_patient (const StipplePatient  *patient,
               GError               **error)
{
  GDate dob, today, earliest;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *record = NULL;

  if (!stipple_record_check (&stipple_patient_table, patient, error))
    return FALSE;

  record = g_strstrip (g_strdup (patient->record_number ? patient->record_number : ""));
  if (*record == '\0')
    return stipple_store_invalid (error, _("The record number is empty."));
  if (!g_str_equal (record, patient->record_number))
    return stipple_store_invalid (error, _("The record number starts or ends with a space."));

  if (!stipple_store_parse_date (patient->date_of_birth, &dob))
    return stipple_store_invalid (error,
                                  _("The date of birth is not a date (expected year-month-day, "
                                    "like 1985-04-23)."));
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  if (g_date_compare (&dob, &today) > 0)
    return stipple_store_invalid (error, _("The date of birth is in the future."));
  g_date_clear (&earliest, 1);
  g_date_set_dmy (&earliest, 1, 1, g_date_time_get_year (now) - STIPPLE_STORE_MAX_AGE_YEARS);
  if (g_date_compare (&dob, &earliest) < 0)
    return stipple_store_invalid (error, _("The date of birth is more than 130 years ago."));

  if (!check_language (patient->language))
    return stipple_store_invalid (error,
                                  _("The language of the patient copy is not a language code "
                                    "(like “es”)."));
  return TRUE;
}

/* Case and accents are ignored when searching: "müller" finds "Müller"
 * and "MULLER". Scripts without case are kept as they are. */
static char *
search_key (const char *text)
{
  g_autofree char *decomposed = g_utf8_normalize (text ? text : "", -1, G_NORMALIZE_NFKD);
  g_autoptr(GString) bare = g_string_new (NULL);

  for (const char *p = decomposed; p && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (!g_unichar_ismark (c))
        g_string_append_unichar (bare, c);
    }
  g_strstrip (bare->str);
  return g_utf8_casefold (bare->str, -1);
}

static char *
now_text (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return stipple_store_format_time (now);
}

static gboolean
save_patient_locked (StippleStore    *self,
                     StipplePatient  *patient,
                     GError         **error)
{
  g_autoptr(StippleStmt) dup = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  g_autofree char *family_key = NULL;
  g_autofree char *given_key = NULL;
  g_autofree char *record_key = NULL;
  g_autofree char *now = now_text ();
  g_autofree char *uid = NULL;

  if (!check_patient (patient, error))
    return FALSE;

  dup = stipple_store_prepare (self,
                               "SELECT given_name, family_name FROM patient"
                               " WHERE record_number = ? AND id != ?", error);
  if (dup == NULL)
    return FALSE;
  sqlite3_bind_text (dup, 1, patient->record_number, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (dup, 2, patient->id);
  if (sqlite3_step (dup) == SQLITE_ROW)
    {
      g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DUPLICATE,
                   _("Record number “%s” already belongs to %s %s. Check the number, or open "
                     "that patient instead."),
                   patient->record_number, sqlite3_column_text (dup, 0),
                   sqlite3_column_text (dup, 1));
      return FALSE;
    }

  family_key = search_key (patient->family_name);
  given_key = search_key (patient->given_name);
  record_key = search_key (patient->record_number);

  if (patient->id == 0)
    {
      uid = patient->uid ? g_strdup (patient->uid) : g_uuid_string_random ();
      stmt = stipple_store_prepare (self,
                                    stipple_record_sql (&stipple_patient_table,
                                                        STIPPLE_RECORD_SQL_INSERT),
                                    error);
    }
  else
    stmt = stipple_store_prepare (self,
                                  stipple_record_sql (&stipple_patient_table,
                                                      STIPPLE_RECORD_SQL_UPDATE),
                                  error);
  if (stmt == NULL)
    return FALSE;

  stipple_record_bind (&stipple_patient_table, stmt, patient);
  if (patient->id == 0)
    {
      sqlite3_bind_text (stmt, stipple_record_table_param (&stipple_patient_table, "uid"), uid,
                         -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, stipple_record_table_param (&stipple_patient_table, "created_at"),
                         now, -1, SQLITE_STATIC);
    }
  sqlite3_bind_text (stmt, stipple_record_table_param (&stipple_patient_table, "family_key"),
                     family_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, stipple_record_table_param (&stipple_patient_table, "given_key"),
                     given_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, stipple_record_table_param (&stipple_patient_table, "record_key"),
                     record_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, stipple_record_table_param (&stipple_patient_table, "updated_at"),
                     now, -1, SQLITE_STATIC);

  if (!stipple_store_step_done (self, stmt, error))
    return FALSE;

  if (patient->id == 0)
    {
      patient->id = sqlite3_last_insert_rowid (self->db);
      g_free (patient->uid);
      patient->uid = g_steal_pointer (&uid);
    }
  else if (sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                           _("This patient is no longer in the patient file."));
      return FALSE;
    }
  return TRUE;
}

/**
 * stipple_store_save_patient:
 * @self: a store
 * @patient: the patient; its id is 0 for a new one, and set on return
 * @error: return location for a #GError
 *
 * Adds or updates a patient. Names, dates and the record number are
 * checked first; a record number already used by another patient is
 * refused (%STIPPLE_STORE_ERROR_DUPLICATE).
 *
 * Returns: whether the patient is saved
 */
gboolean
stipple_store_save_patient (StippleStore    *self,
                            StipplePatient  *patient,
                            GError         **error)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (patient != NULL, FALSE);

  g_ptr_array_add (one, patient);
  return stipple_store_save_patients (self, one, error);
}

/**
 * stipple_store_save_patients:
 * @self: a store
 * @patients: (element-type StipplePatient): patients to add or update
 * @error: return location for a #GError
 *
 * Saves many patients in one transaction: all of them or none, so that
 * a list taken over from another system is never half in.
 *
 * Returns: whether all are saved
 */
gboolean
stipple_store_save_patients (StippleStore  *self,
                             GPtrArray     *patients,
                             GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GArray) old_ids = NULL;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (patients != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_begin (self, error))
    return FALSE;

  old_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), patients->len);
  for (guint i = 0; i < patients->len; i++)
    {
      StipplePatient *patient = g_ptr_array_index (patients, i);

      g_array_append_val (old_ids, patient->id);
      if (!save_patient_locked (self, patient, error))
        goto fail;
    }
  if (!stipple_store_commit (self, error))
    goto fail;
  return TRUE;

fail:
  stipple_store_rollback (self);
  /* Nothing was saved: the records must not claim ids they do not have. */
  for (guint i = 0; i < patients->len; i++)
    {
      StipplePatient *patient = g_ptr_array_index (patients, i);
      patient->id = g_array_index (old_ids, gint64, i);
    }
  return FALSE;
}

static StipplePatient *
patient_from_row (sqlite3_stmt *stmt)
{
  StipplePatient *patient = stipple_patient_new ();

  stipple_record_read (&stipple_patient_table, stmt, 0, patient);
  return patient;
}

StipplePatient *
stipple_store_get_patient_locked (StippleStore  *self,
                                  gint64         patient_id,
                                  GError       **error)
{
  g_autoptr(StippleStmt) stmt = NULL;
  int rc;

  stmt = stipple_store_prepare (self,
                                stipple_record_select (&stipple_patient_table, NULL, NULL,
                                                       "FROM patient WHERE id = ?"),
                                error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return patient_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                         _("This patient is not in the patient file."));
  else
    stipple_store_set_sqlite_error (self->db, rc, self->path, error);
  return NULL;
}

/**
 * stipple_store_get_patient:
 * @self: a store
 * @patient_id: a patient's id
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the patient, or %NULL with @error set
 */
StipplePatient *
stipple_store_get_patient (StippleStore  *self,
                           gint64         patient_id,
                           GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  return stipple_store_get_patient_locked (self, patient_id, error);
}

/* Dates are typed as 23.04.1985, 23/04/1985 or 1985-04-23: the first two
 * become the ISO form the file keeps. */
static char *
date_query (const char *query)
{
  guint a, b, c;
  char sep1, sep2, tail;

  if (sscanf (query, "%2u%c%2u%c%4u%c", &a, &sep1, &b, &sep2, &c, &tail) == 5 &&
      (sep1 == '.' || sep1 == '/') && sep1 == sep2 && c > 999)
    return g_strdup_printf ("%04u-%02u-%02u", c, b, a);

  for (const char *p = query; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && *p != '-')
      return NULL;
  if (strlen (query) >= 4 && g_ascii_isdigit (query[0]))
    return g_strdup (query);
  return NULL;
}

static gint
compare_rank (gconstpointer a,
              gconstpointer b)
{
  const StipplePatient *pa = *(StipplePatient * const *) a;
  const StipplePatient *pb = *(StipplePatient * const *) b;
  int c = g_utf8_collate (pa->family_name, pb->family_name);

  if (c == 0)
    c = g_utf8_collate (pa->given_name, pb->given_name);
  if (c == 0)
    c = (pa->id > pb->id) - (pa->id < pb->id);
  return c;
}

/* The most words of a query that narrow a search; a query longer than
 * that is narrowed by its first MAX_QUERY_WORDS words. */
#define MAX_QUERY_WORDS 8

/* Name words that start with ?1 ([?1, ?2) in the index), each other
 * word ?3, ?5, … the start of another of the same patient's words. Walks
 * the index of the rarest word in word order; an unused pair is NULL. */
#define OTHER_WORD(lo, hi) \
  " AND (" lo " IS NULL OR EXISTS (SELECT 1 FROM patient_word x" \
  "  WHERE x.patient_id = w.patient_id AND x.word >= " lo " AND x.word < " hi "))"

static const char search_by_words[] =
  "FROM patient_word w JOIN patient ON patient.id = w.patient_id"
  " WHERE w.word >= ?1 AND w.word < ?2"
  OTHER_WORD ("?3", "?4") OTHER_WORD ("?5", "?6") OTHER_WORD ("?7", "?8")
  OTHER_WORD ("?9", "?10") OTHER_WORD ("?11", "?12") OTHER_WORD ("?13", "?14")
  OTHER_WORD ("?15", "?16")
  " ORDER BY w.word, w.patient_id";

G_STATIC_ASSERT (MAX_QUERY_WORDS == 8);

/* How many name words start with @word, counted up to a cap: enough to
 * tell a rare word from a common one without walking all of either. */
#define WORD_COUNT_CAP 2000

static gboolean
count_word (StippleStore  *self,
            const char    *word,
            const char    *word_end,
            int           *count,
            GError       **error)
{
  g_autoptr(StippleStmt) stmt =
    stipple_store_prepare (self,
                           "SELECT count(*) FROM (SELECT 1 FROM patient_word"
                           " WHERE word >= ?1 AND word < ?2 LIMIT ?3)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, word, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, word_end, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, WORD_COUNT_CAP);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return FALSE;
    }
  *count = sqlite3_column_int (stmt, 0);
  return TRUE;
}

/* Adds to @found the first @limit patients of @stmt's rows not already
 * in @seen. Called with the mutex held. */
static gboolean
collect (StippleStore  *self,
         StippleStmt   *stmt,
         guint          limit,
         GHashTable    *seen,
         GPtrArray     *found,
         GError       **error)
{
  guint added = 0;
  int rc = SQLITE_DONE;

  while (added < limit && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (g_hash_table_contains (seen, &id))
        continue;
      g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
      g_ptr_array_add (found, patient_from_row (stmt));
      added++;
    }
  if (added < limit && rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * stipple_store_search_patients:
 * @self: a store
 * @query: what has been typed: the starts of words of a patient's names
 *   (case and accents ignored; each word narrows it, in any order), the
 *   start of a record number, or a date of birth (1985-04-23, 23.04.1985
 *   or 23/04/1985)
 * @limit: the most patients wanted from each kind of match (names,
 *   record numbers, dates of birth)
 * @error: return location for a #GError
 *
 * A patient's names match when every typed word is the start of one of
 * the words of its family or given names: "anna der" finds Anna van der
 * Berg. The search walks the word index (schema version 7) from the
 * rarest typed word, and each kind of match stops at @limit, so a search
 * stays quick in a file with a hundred thousand patients even when the
 * first word is common and the second rare.
 *
 * Returns: (transfer full) (element-type StipplePatient): the patients
 *   found, by name
 */
GPtrArray *
stipple_store_search_patients (StippleStore  *self,
                               const char    *query,
                               guint          limit,
                               GError       **error)
{
  static const char * const by_key[] = {
    "FROM patient WHERE record_key >= ?1 AND record_key < ?2 ORDER BY record_key",
    "FROM patient WHERE date_of_birth >= ?1 AND date_of_birth < ?2 ORDER BY date_of_birth",
  };
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree char *folded = NULL;
  g_auto(GStrv) split = NULL;
  g_autofree char *date = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *date_end = NULL;
  g_autoptr(GPtrArray) ends = g_ptr_array_new_with_free_func (g_free);
  const char *words[MAX_QUERY_WORDS];
  const char *word_ends[MAX_QUERY_WORDS];
  guint n_words = 0;
  guint rarest = 0;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  found = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_patient_free);
  if (limit == 0)
    limit = 50;

  folded = search_key (query);
  split = g_strsplit_set (folded, " \t", -1);
  for (guint i = 0; split[i] != NULL && n_words < MAX_QUERY_WORDS; i++)
    if (*split[i] != '\0')
      words[n_words++] = split[i];
  if (n_words == 0)
    return g_steal_pointer (&found);
  /* U+10FFFF sorts after every character: [word, word + U+10FFFF) holds
   * every key that starts with word. */
  for (guint i = 0; i < n_words; i++)
    {
      word_ends[i] = g_strconcat (words[i], "\xf4\x8f\xbf\xbf", NULL);
      g_ptr_array_add (ends, (gpointer) word_ends[i]);
    }
  trimmed = g_strstrip (g_strdup (query));
  date = date_query (trimmed);
  if (date != NULL)
    date_end = g_strconcat (date, "\x7f", NULL);

  locker = g_mutex_locker_new (&self->mutex);

  /* Names: from the rarest word, the others checked per patient. */
  if (n_words > 1)
    {
      int fewest = G_MAXINT;

      for (guint i = 0; i < n_words; i++)
        {
          int count;

          if (!count_word (self, words[i], word_ends[i], &count, error))
            return NULL;
          /* Past the cap, the longer start is likely the rarer. */
          if (count < fewest ||
              (count == fewest && strlen (words[i]) > strlen (words[rarest])))
            {
              fewest = count;
              rarest = i;
            }
        }
    }
  {
    g_autoptr(StippleStmt) stmt =
      stipple_store_prepare (self,
                             stipple_record_select (&stipple_patient_table, "patient", NULL,
                                                    search_by_words),
                             error);

    if (stmt == NULL)
      return NULL;
    sqlite3_bind_text (stmt, 1, words[rarest], -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, word_ends[rarest], -1, SQLITE_STATIC);
    for (guint i = 0, slot = 3; i < n_words; i++)
      {
        if (i == rarest)
          continue;
        sqlite3_bind_text (stmt, slot++, words[i], -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, slot++, word_ends[i], -1, SQLITE_STATIC);
      }
    if (!collect (self, stmt, limit, seen, found, error))
      return NULL;
  }

  /* Record numbers, from the first word, and dates of birth. */
  for (guint k = 0; k < G_N_ELEMENTS (by_key); k++)
    {
      g_autoptr(StippleStmt) stmt = NULL;
      gboolean by_date = k == 1;

      if (by_date && date == NULL)
        continue;
      stmt = stipple_store_prepare (self,
                                    stipple_record_select (&stipple_patient_table, NULL, NULL,
                                                           by_key[k]),
                                    error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, by_date ? date : words[0], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, by_date ? date_end : word_ends[0], -1, SQLITE_STATIC);
      if (!collect (self, stmt, limit, seen, found, error))
        return NULL;
    }

  g_ptr_array_sort (found, compare_rank);
  return g_steal_pointer (&found);
}
