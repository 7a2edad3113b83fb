/* stipple-store-patients.c
 *
 * Patients and what is recorded about them: checked on the way in (a
 * clinician's typing mistake gets a message, never a silently odd
 * record), stored exactly as typed, and found again as one types.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "stipple-screening.h"
#include "stipple-store-private.h"

#define MAX_NAME_CHARS 200
#define MAX_FIELD_CHARS 4096

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT,
                                 format, args);
  va_end (args);
  return FALSE;
}

/* Any text: valid UTF-8, no control characters but line breaks and tabs
 * where @multi_line, and not longer than @max_chars. */
static gboolean
check_text (const char  *label,
            const char  *text,
            gsize        max_chars,
            gboolean     multi_line,
            GError     **error)
{
  if (text == NULL)
    return TRUE;

  if (!g_utf8_validate (text, -1, NULL))
    return invalid (error, _("%s contains characters that are not text."), label);

  if (g_utf8_strlen (text, -1) > (glong) max_chars)
    return invalid (error, _("%s is too long (at most %u characters)."), label, (guint) max_chars);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (multi_line && (c == '\n' || c == '\t' || c == '\r'))
        continue;
      if (g_unichar_iscntrl (c))
        return invalid (error, _("%s contains a control character."), label);
    }
  return TRUE;
}

static gboolean
check_name (const char  *label,
            const char  *name,
            gboolean     required,
            GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name ? name : ""));
  gboolean has_letter = FALSE;

  if (!check_text (label, name, MAX_NAME_CHARS, FALSE, error))
    return FALSE;

  if (*trimmed == '\0')
    {
      if (!required)
        return TRUE;
      return invalid (error, _("%s is empty."), label);
    }

  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalpha (g_utf8_get_char (p)))
      has_letter = TRUE;
  if (!has_letter)
    return invalid (error, _("%s has no letters in it."), label);
  if (g_strcmp0 (trimmed, name) != 0)
    return invalid (error, _("%s starts or ends with a space."), label);

  return TRUE;
}

static gboolean
parse_date (const char *text,
            GDate      *date)
{
  guint y, m, d;
  char tail;

  g_date_clear (date, 1);
  if (text == NULL || strlen (text) != 10 ||
      sscanf (text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  if (!g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

static gboolean
check_date (const char  *label,
            const char  *text,
            GError     **error)
{
  GDate date;

  if (!parse_date (text, &date))
    return invalid (error, _("%s is not a date (expected year-month-day, like 1985-04-23)."),
                    label);
  return TRUE;
}

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

  if (!check_name (_("The family name"), patient->family_name, TRUE, error) ||
      !check_name (_("The given name"), patient->given_name, FALSE, error))
    return FALSE;

  if (!check_text (_("The record number"), patient->record_number, 64, FALSE, error))
    return FALSE;
  record = g_strstrip (g_strdup (patient->record_number ? patient->record_number : ""));
  if (*record == '\0')
    return invalid (error, _("The record number is empty."));
  if (!g_str_equal (record, patient->record_number))
    return invalid (error, _("The record number starts or ends with a space."));

  if (!parse_date (patient->date_of_birth, &dob))
    return invalid (error, _("The date of birth is not a date (expected year-month-day, "
                             "like 1985-04-23)."));
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  if (g_date_compare (&dob, &today) > 0)
    return invalid (error, _("The date of birth is in the future."));
  g_date_clear (&earliest, 1);
  g_date_set_dmy (&earliest, 1, 1, g_date_time_get_year (now) - 130);
  if (g_date_compare (&dob, &earliest) < 0)
    return invalid (error, _("The date of birth is more than 130 years ago."));

  if (patient->fitzpatrick > 6)
    return invalid (error, _("The Fitzpatrick skin type must be I to VI."));

  if (!check_language (patient->language))
    return invalid (error, _("The language of the patient copy is not a language code (like “es”)."));

  return check_text (_("The phone number"), patient->phone, 100, FALSE, error) &&
         check_text (_("The email address"), patient->email, 320, FALSE, error) &&
         check_text (_("The address"), patient->address, MAX_FIELD_CHARS, TRUE, error) &&
         check_text (_("The allergies"), patient->allergies, MAX_FIELD_CHARS, TRUE, error);
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

static const char *
or_empty (const char *s)
{
  return s ? s : "";
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
                                    "INSERT INTO patient (record_number, family_name, given_name,"
                                    " date_of_birth, phone, email, address, fitzpatrick, allergies,"
                                    " family_key, given_key, record_key, updated_at, uid,"
                                    " created_at, language)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                                    " ?13, ?14, ?13, ?16)", error);
    }
  else
    stmt = stipple_store_prepare (self,
                                  "UPDATE patient SET record_number = ?1, family_name = ?2,"
                                  " given_name = ?3, date_of_birth = ?4, phone = ?5, email = ?6,"
                                  " address = ?7, fitzpatrick = ?8, allergies = ?9,"
                                  " family_key = ?10, given_key = ?11, record_key = ?12,"
                                  " updated_at = ?13, language = ?16 WHERE id = ?15", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, patient->record_number, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, patient->family_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, or_empty (patient->given_name), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, patient->date_of_birth, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, or_empty (patient->phone), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, or_empty (patient->email), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, or_empty (patient->address), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 8, patient->fitzpatrick);
  sqlite3_bind_text (stmt, 9, or_empty (patient->allergies), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, family_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, given_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 12, record_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 13, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 16, or_empty (patient->language), -1, SQLITE_STATIC);
  if (patient->id == 0)
    sqlite3_bind_text (stmt, 14, uid, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 15, patient->id);

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

#define PATIENT_COLUMNS \
  "id, uid, record_number, family_name, given_name, date_of_birth, phone, email, address," \
  " fitzpatrick, allergies, language"

static StipplePatient *
patient_from_row (sqlite3_stmt *stmt)
{
  StipplePatient *patient = stipple_patient_new ();

  patient->id = sqlite3_column_int64 (stmt, 0);
  patient->uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  patient->record_number = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  patient->family_name = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  patient->given_name = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  patient->date_of_birth = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  patient->phone = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  patient->email = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  patient->address = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  patient->fitzpatrick = sqlite3_column_int (stmt, 9);
  patient->allergies = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
  patient->language = g_strdup ((const char *) sqlite3_column_text (stmt, 11));
  return patient;
}

static StipplePatient *
get_patient_locked (StippleStore  *self,
                    gint64         patient_id,
                    GError       **error)
{
  g_autoptr(StippleStmt) stmt = NULL;
  int rc;

  stmt = stipple_store_prepare (self, "SELECT " PATIENT_COLUMNS " FROM patient WHERE id = ?",
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
  return get_patient_locked (self, patient_id, error);
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
  "SELECT " PATIENT_COLUMNS " FROM patient_word w JOIN patient ON patient.id = w.patient_id"
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
    "SELECT " PATIENT_COLUMNS " FROM patient WHERE record_key >= ?1 AND record_key < ?2"
    " ORDER BY record_key",
    "SELECT " PATIENT_COLUMNS " FROM patient WHERE date_of_birth >= ?1 AND date_of_birth < ?2"
    " ORDER BY date_of_birth",
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
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self, search_by_words, error);

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
      stmt = stipple_store_prepare (self, by_key[k], error);
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
static gboolean
reseal_if_ended (StippleStore  *self,
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

/* Screening, consents, courses -------------------------------------- */

static gboolean
check_screening_answer (const StippleScreeningAnswer  *answer,
                        GError                       **error)
{
  if (stipple_screening_lookup (answer->item_key) == NULL)
    return invalid (error, _("“%s” is not a screening question Stipple knows."),
                    answer->item_key ? answer->item_key : "");
  return check_date (_("The date of the answer"), answer->answered_on, error) &&
         check_text (_("The note"), answer->note, MAX_FIELD_CHARS, TRUE, error);
}

/* Writes a checked answer as the row @uid, tied to @session_id (0 for
 * none). Called with the mutex held, inside the caller's transaction,
 * which the caller rolls back on failure. */
static gboolean
insert_screening_answer_locked (StippleStore                  *self,
                                const StippleScreeningAnswer  *answer,
                                gint64                         session_id,
                                const char                    *uid,
                                gint64                        *id,
                                GError                       **error)
{
  g_autoptr(StippleStmt) stmt = NULL;

  stmt = stipple_store_prepare (self,
                                "INSERT INTO screening_answer (uid, patient_id, session_id,"
                                " item_key, answer, note, answered_on)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, answer->patient_id);
  if (session_id != 0)
    sqlite3_bind_int64 (stmt, 3, session_id);
  sqlite3_bind_text (stmt, 4, answer->item_key, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, answer->answer ? 1 : 0);
  sqlite3_bind_text (stmt, 6, or_empty (answer->note), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, answer->answered_on, -1, SQLITE_STATIC);
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

  if (!check_screening_answer (answer, error))
    return FALSE;

  uid = answer->uid ? g_strdup (answer->uid) : g_uuid_string_random ();
  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_begin (self, error))
    return FALSE;
  if (!insert_screening_answer_locked (self, answer, answer->session_id, uid, &id, error) ||
      !reseal_if_ended (self, answer->session_id, error) ||
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

static gboolean
check_consent (const StippleConsent  *consent,
               GError               **error)
{
  if (consent->kind != STIPPLE_CONSENT_TREATMENT && consent->kind != STIPPLE_CONSENT_PHOTOGRAPHS)
    return invalid (error, _("Unknown kind of consent."));
  return check_date (_("The date of the consent"), consent->signed_on, error);
}

/* Writes a checked consent as the row @uid; consent to photographs
 * withdrawn hides the photos taken, by a recorded event, in the same
 * transaction. Called with the mutex held, inside the caller's
 * transaction, which the caller rolls back on failure. */
static gboolean
insert_consent_locked (StippleStore          *self,
                       const StippleConsent  *consent,
                       const char            *uid,
                       gint64                *id,
                       GError               **error)
{
  g_autoptr(StippleStmt) stmt = NULL;

  stmt = stipple_store_prepare (self,
                                "INSERT INTO consent (uid, patient_id, kind, given, signed_on)"
                                " VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, consent->patient_id);
  sqlite3_bind_text (stmt, 3,
                     consent->kind == STIPPLE_CONSENT_TREATMENT ? "treatment" : "photographs",
                     -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, consent->given ? 1 : 0);
  sqlite3_bind_text (stmt, 5, consent->signed_on, -1, SQLITE_STATIC);
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

  if (!check_consent (consent, error))
    return FALSE;

  uid = consent->uid ? g_strdup (consent->uid) : g_uuid_string_random ();
  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_begin (self, error))
    return FALSE;
  if (!insert_consent_locked (self, consent, uid, &id, error) ||
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

  if (!check_text (_("The indications"), course->indications, MAX_FIELD_CHARS, TRUE, error) ||
      !check_date (_("The start of the course"), course->started_on, error))
    return FALSE;
  if (course->planned_sessions > 50)
    return invalid (error, _("A course of more than 50 sessions is not plausible."));
  if (course->interval_days > 366)
    return invalid (error, _("An interval of more than a year between sessions is not plausible."));

  locker = g_mutex_locker_new (&self->mutex);
  if (course->id == 0)
    {
      uid = course->uid ? g_strdup (course->uid) : g_uuid_string_random ();
      stmt = stipple_store_prepare (self,
                                    "INSERT INTO course (patient_id, indications, planned_sessions,"
                                    " interval_days, started_on, uid)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                    error);
    }
  else
    stmt = stipple_store_prepare (self,
                                  "UPDATE course SET patient_id = ?1, indications = ?2,"
                                  " planned_sessions = ?3, interval_days = ?4, started_on = ?5"
                                  " WHERE id = ?7", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, course->patient_id);
  sqlite3_bind_text (stmt, 2, or_empty (course->indications), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, course->planned_sessions);
  sqlite3_bind_int (stmt, 4, course->interval_days);
  sqlite3_bind_text (stmt, 5, course->started_on, -1, SQLITE_STATIC);
  if (course->id == 0)
    sqlite3_bind_text (stmt, 6, uid, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 7, course->id);
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

/* Sessions ------------------------------------------------------------ */

static gboolean
check_note (const char  *note,
            GError     **error)
{
  if (note == NULL)
    return TRUE;
  if (strlen (note) > STIPPLE_STORE_MAX_NOTE_BYTES)
    return invalid (error, _("The note is too long to keep (more than %u KB). Split it, or "
                             "attach the text as a document instead."),
                    STIPPLE_STORE_MAX_NOTE_BYTES / 1024);
  return check_text (_("The note"), note, STIPPLE_STORE_MAX_NOTE_BYTES, TRUE, error);
}

static gboolean
check_session (const StippleSession  *session,
               GError               **error)
{
  if (session->started_at == NULL)
    return invalid (error, _("The session has no start time."));
  if (!check_name (_("The clinician's name"), session->clinician, TRUE, error))
    return FALSE;
  if (!check_text (_("The pen's serial number"), session->pen_serial, 100, FALSE, error) ||
      !check_text (_("The pen's firmware version"), session->pen_firmware, 100, FALSE, error) ||
      !check_text (_("The cartridge"), session->cartridge_id, 100, FALSE, error) ||
      !check_text (_("The cartridge lot"), session->cartridge_lot, 100, FALSE, error) ||
      !check_name (_("The anaesthetic's name"), session->anaesthetic_product, FALSE, error) ||
      !check_text (_("The reason for treating despite the screening"),
                   session->screening_override, MAX_FIELD_CHARS, TRUE, error) ||
      !check_text (_("The aftercare given"), session->aftercare_given, MAX_FIELD_CHARS, TRUE,
                   error) ||
      !check_note (session->note_before, error) ||
      !check_note (session->note_after, error))
    return FALSE;
  if (session->erythema_grade < STIPPLE_ERYTHEMA_NOT_RECORDED ||
      session->erythema_grade > STIPPLE_ERYTHEMA_MARKED)
    return invalid (error, _("The redness of the skin is graded from 0 (none) to 3 (marked)."));

  for (guint i = 0; i < session->serums->len; i++)
    {
      const StippleSerum *serum = g_ptr_array_index (session->serums, i);

      if (!check_name (_("The serum's name"), serum->product, TRUE, error) ||
          !check_text (_("The serum's lot"), serum->lot, 100, FALSE, error))
        return FALSE;
    }

  for (guint i = 0; i < session->plan->len; i++)
    {
      const StippleZonePass *pass = &g_array_index (session->plan, StippleZonePass, i);

      if (stipple_zone_get_info (pass->zone) == NULL)
        return invalid (error, _("The plan names a zone Stipple does not know."));
      if (pass->pass < 1)
        return invalid (error, _("Passes are counted from one."));
      /* The clinic's own depth limits are enforced where depths are set;
       * the file refuses only what no pen can do. */
      if (pass->depth_um > 3000)
        return invalid (error, _("A depth of %.2f mm is beyond any pen (at most 3.0 mm)."),
                        pass->depth_um / 1000.0);
      if (pass->stroke_rate_hz > 300)
        return invalid (error, _("A stroke rate of %u per second is beyond any pen."),
                        pass->stroke_rate_hz);
    }
  return TRUE;
}

static void
bind_time (sqlite3_stmt *stmt,
           int           column,
           GDateTime    *time)
{
  if (time != NULL)
    sqlite3_bind_text (stmt, column, stipple_store_format_time (time), -1, g_free);
  else
    sqlite3_bind_null (stmt, column);
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

    if (session->id == 0)
      stmt = stipple_store_prepare (self,
                                    "INSERT INTO session (patient_id, course_id, started_at,"
                                    " ended_at, clinician, pen_serial, pen_firmware,"
                                    " cartridge_id, cartridge_lot, anaesthetic_at, note_before,"
                                    " note_after, uid, anaesthetic_product, screening_override,"
                                    " erythema_grade, pinpoint_bleeding, aftercare_given)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                                    " ?12, ?13, ?15, ?16, ?17, ?18, ?19)",
                                    error);
    else
      /* Once a session exists its notes are written only by
       * stipple_store_save_note(), as they are typed: saving the rest of
       * the session (its plan, its end) never undoes a note. */
      stmt = stipple_store_prepare (self,
                                    "UPDATE session SET patient_id = ?1, course_id = ?2,"
                                    " started_at = ?3, ended_at = ?4, clinician = ?5,"
                                    " pen_serial = ?6, pen_firmware = ?7, cartridge_id = ?8,"
                                    " cartridge_lot = ?9, anaesthetic_at = ?10,"
                                    " anaesthetic_product = ?15,"
                                    " screening_override = ?16, erythema_grade = ?17,"
                                    " pinpoint_bleeding = ?18, aftercare_given = ?19"
                                    " WHERE id = ?14", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, session->patient_id);
    if (session->course_id != 0)
      sqlite3_bind_int64 (stmt, 2, session->course_id);
    bind_time (stmt, 3, session->started_at);
    bind_time (stmt, 4, session->ended_at);
    sqlite3_bind_text (stmt, 5, session->clinician, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 6, or_empty (session->pen_serial), -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 7, or_empty (session->pen_firmware), -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 8, or_empty (session->cartridge_id), -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 9, or_empty (session->cartridge_lot), -1, SQLITE_STATIC);
    bind_time (stmt, 10, session->anaesthetic_at);
    sqlite3_bind_text (stmt, 11, or_empty (session->note_before), -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 12, or_empty (session->note_after), -1, SQLITE_STATIC);
    /* Unbound parameters are NULL: the nullable texts stay NULL. */
    if (session->anaesthetic_product != NULL)
      sqlite3_bind_text (stmt, 15, session->anaesthetic_product, -1, SQLITE_STATIC);
    if (session->screening_override != NULL)
      sqlite3_bind_text (stmt, 16, session->screening_override, -1, SQLITE_STATIC);
    sqlite3_bind_int (stmt, 17, session->erythema_grade);
    sqlite3_bind_int (stmt, 18, session->pinpoint_bleeding ? 1 : 0);
    if (session->aftercare_given != NULL)
      sqlite3_bind_text (stmt, 19, session->aftercare_given, -1, SQLITE_STATIC);
    if (session->id == 0)
      sqlite3_bind_text (stmt, 13, uid, -1, SQLITE_STATIC);
    else
      sqlite3_bind_int64 (stmt, 14, session->id);
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
    {
      const StippleZonePass *pass = &g_array_index (session->plan, StippleZonePass, i);
      g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
          "INSERT INTO zone_pass (session_id, zone, pass, depth_um, stroke_rate_hz, position)"
          " VALUES (?, ?, ?, ?, ?, ?)", error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, stipple_zone_get_key (pass->zone), -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, pass->pass);
      sqlite3_bind_int (stmt, 4, pass->depth_um);
      sqlite3_bind_int (stmt, 5, pass->stroke_rate_hz);
      sqlite3_bind_int (stmt, 6, i);
      if (!stipple_store_step_done (self, stmt, error))
        return FALSE;
    }

  for (guint i = 0; i < session->serums->len; i++)
    {
      const StippleSerum *serum = g_ptr_array_index (session->serums, i);
      g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
          "INSERT INTO session_serum (session_id, position, product, lot) VALUES (?, ?, ?, ?)",
          error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int (stmt, 2, i);
      sqlite3_bind_text (stmt, 3, serum->product, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, or_empty (serum->lot), -1, SQLITE_STATIC);
      if (!stipple_store_step_done (self, stmt, error))
        return FALSE;
    }

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
    if (!check_screening_answer (g_ptr_array_index (answers, i), error))
      return FALSE;
  for (guint i = 0; i < n_consents; i++)
    if (!check_consent (g_ptr_array_index (consents, i), error))
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
    if (!insert_screening_answer_locked (self, g_ptr_array_index (answers, i), id,
                                         g_ptr_array_index (answer_uids, i),
                                         &g_array_index (answer_ids, gint64, i), error))
      goto fail;
  for (guint i = 0; i < n_consents; i++)
    if (!insert_consent_locked (self, g_ptr_array_index (consents, i),
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
  sqlite3_bind_text (stmt, 1, or_empty (text), -1, SQLITE_STATIC);
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

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);

  if (stipple_zone_get_info (zone) == NULL)
    return invalid (error, _("Strokes were counted for a zone Stipple does not know."));

  locker = g_mutex_locker_new (&self->mutex);
  stmt = stipple_store_prepare (self,
                                "INSERT INTO zone_strokes (session_id, zone, strokes,"
                                " time_in_zone_us, out_of_tolerance) VALUES (?, ?, ?, ?, ?)"
                                " ON CONFLICT (session_id, zone) DO UPDATE"
                                " SET strokes = strokes + excluded.strokes,"
                                " time_in_zone_us = time_in_zone_us + excluded.time_in_zone_us,"
                                " out_of_tolerance = out_of_tolerance + excluded.out_of_tolerance",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_text (stmt, 2, stipple_zone_get_key (zone), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, (gint64) strokes);
  sqlite3_bind_int64 (stmt, 4, (gint64) time_in_zone_us);
  sqlite3_bind_int64 (stmt, 5, (gint64) out_of_tolerance);
  if (!stipple_store_begin (self, error))
    return FALSE;
  if (!stipple_store_step_done (self, stmt, error) ||
      !reseal_if_ended (self, session_id, error) ||
      !stipple_store_commit (self, error))
    {
      stipple_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

/* Audit --------------------------------------------------------------- */

/**
 * stipple_store_append_audit:
 * @self: a store
 * @entry: the event; its id is set on return, and its time if unset
 * @error: return location for a #GError
 *
 * Appends to the audit trail, at the head of its hash chain. The file
 * refuses any change or removal of an entry once written.
 *
 * Returns: whether the entry is recorded
 */
gboolean
stipple_store_append_audit (StippleStore       *self,
                            StippleAuditEntry  *entry,
                            GError            **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *at = NULL;
  StippleChainRow row = { 0, };
  const char *kind;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL && entry->id == 0, FALSE);

  kind = stipple_audit_kind_to_key (entry->kind);
  if (kind == NULL)
    return invalid (error, _("Unknown kind of audit event."));
  if (!check_name (_("The user"), entry->user, TRUE, error) ||
      !check_text (_("What was sent"), entry->sent, MAX_FIELD_CHARS, TRUE, error) ||
      !check_text (_("The acknowledgement"), entry->acknowledgement, MAX_FIELD_CHARS, TRUE,
                   error) ||
      !check_text (_("The read-back"), entry->read_back, MAX_FIELD_CHARS, TRUE, error) ||
      !check_text (_("The detail"), entry->detail, MAX_FIELD_CHARS, TRUE, error))
    return FALSE;
  if (entry->zone != STIPPLE_ZONE_NONE && stipple_zone_get_info (entry->zone) == NULL)
    return invalid (error, _("The event names a zone Stipple does not know."));

  if (entry->at == NULL)
    entry->at = g_date_time_new_now_utc ();
  uid = entry->uid ? g_strdup (entry->uid) : g_uuid_string_random ();
  at = stipple_store_format_time (entry->at);

  row.uid = uid;
  row.session_id = entry->session_id;
  row.at = at;
  row.user = entry->user;
  row.kind = kind;
  row.zone = entry->zone != STIPPLE_ZONE_NONE ? stipple_zone_get_key (entry->zone) : NULL;
  row.sent = or_empty (entry->sent);
  row.acknowledgement = or_empty (entry->acknowledgement);
  row.read_back = or_empty (entry->read_back);
  row.detail = or_empty (entry->detail);

  /* Reading the chain's head and appending to it is one transaction. */
  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_begin (self, error))
    return FALSE;
  if (!stipple_store_chain_insert (self->db, self->path, &row, error) ||
      !stipple_store_commit (self, error))
    {
      stipple_store_rollback (self);
      return FALSE;
    }
  entry->id = row.id;
  g_free (entry->uid);
  entry->uid = g_steal_pointer (&uid);
  return TRUE;
}

/**
 * stipple_store_list_audit:
 * @self: a store
 * @session_id: a session, or 0 for the events outside any session
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type StippleAuditEntry): the events,
 *   in the order they were recorded
 */
GPtrArray *
stipple_store_list_audit (StippleStore  *self,
                          gint64         session_id,
                          GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_audit_entry_free);
  locker = g_mutex_locker_new (&self->mutex);
  stmt = stipple_store_prepare (self,
                                "SELECT id, uid, session_id, at, user, kind, zone, sent,"
                                " acknowledgement, read_back, detail FROM audit"
                                " WHERE (session_id IS ?1 OR (?1 IS 0 AND session_id IS NULL))"
                                " AND kind <> 'seal' ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StippleAuditKind kind = STIPPLE_AUDIT_FAULT;
      StippleAuditEntry *entry;

      stipple_audit_kind_from_key ((const char *) sqlite3_column_text (stmt, 5), &kind);
      entry = stipple_audit_entry_new (kind);
      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->session_id = sqlite3_column_int64 (stmt, 2);
      entry->at = stipple_store_parse_time ((const char *) sqlite3_column_text (stmt, 3));
      entry->user = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      entry->zone = stipple_zone_from_key ((const char *) sqlite3_column_text (stmt, 6));
      entry->sent = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      entry->acknowledgement = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
      entry->read_back = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
      entry->detail = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

/* The chart ----------------------------------------------------------- */

static GDateTime *
parse_column_time (sqlite3_stmt *stmt,
                   int           column)
{
  return stipple_store_parse_time ((const char *) sqlite3_column_text (stmt, column));
}

static gboolean
step_error (StippleStore  *self,
            int            rc,
            GError       **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;
  stipple_store_set_sqlite_error (self->db, rc, self->path, error);
  return FALSE;
}

/**
 * stipple_store_find_session_patient:
 * @self: a store
 * @session_id: a session
 * @patient_id: (out): the patient the session belongs to
 * @error: return location for a #GError
 *
 * Returns: whether the session exists
 */
gboolean
stipple_store_find_session_patient (StippleStore  *self,
                                    gint64         session_id,
                                    gint64        *patient_id,
                                    GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (patient_id != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = stipple_store_prepare (self, "SELECT patient_id FROM session WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *patient_id = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (!step_error (self, rc, error))
    return FALSE;

  g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
               _("There is no session %" PRId64 " in this patient file."), session_id);
  return FALSE;
}

/**
 * stipple_store_load_chart:
 * @self: a store
 * @patient_id: a patient
 * @error: return location for a #GError
 *
 * Reads everything recorded about a patient except the needle data, in
 * a handful of queries whatever the number of sessions.
 *
 * Returns: (transfer full): the chart, or %NULL with @error set
 */
StipplePatientChart *
stipple_store_load_chart (StippleStore  *self,
                          gint64         patient_id,
                          GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  chart = g_new0 (StipplePatientChart, 1);
  chart->screening =
    g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_screening_answer_free);
  chart->consents = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_consent_free);
  chart->courses = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_course_free);
  chart->sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_session_free);

  /* One read transaction, so the chart is one consistent moment. */
  if (!stipple_store_exec (self, "BEGIN", error))
    return NULL;

  chart->patient = get_patient_locked (self, patient_id, error);
  if (chart->patient == NULL)
    goto fail;

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT id, uid, session_id, item_key, answer, note, answered_on FROM screening_answer"
        " WHERE patient_id = ? ORDER BY answered_on, id", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        StippleScreeningAnswer *answer = stipple_screening_answer_new ();
        answer->id = sqlite3_column_int64 (stmt, 0);
        answer->uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        answer->patient_id = patient_id;
        answer->session_id = sqlite3_column_int64 (stmt, 2);
        answer->item_key = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
        answer->answer = sqlite3_column_int (stmt, 4) != 0;
        answer->note = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
        answer->answered_on = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
        g_ptr_array_add (chart->screening, answer);
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT id, uid, kind, given, signed_on FROM consent WHERE patient_id = ?"
        " ORDER BY signed_on, id", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        StippleConsent *consent = stipple_consent_new ();
        consent->id = sqlite3_column_int64 (stmt, 0);
        consent->uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        consent->patient_id = patient_id;
        consent->kind = g_str_equal (sqlite3_column_text (stmt, 2), "photographs")
                          ? STIPPLE_CONSENT_PHOTOGRAPHS : STIPPLE_CONSENT_TREATMENT;
        consent->given = sqlite3_column_int (stmt, 3) != 0;
        consent->signed_on = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
        g_ptr_array_add (chart->consents, consent);
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT id, uid, indications, planned_sessions, interval_days, started_on FROM course"
        " WHERE patient_id = ? ORDER BY started_on, id", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        StippleCourse *course = stipple_course_new ();
        course->id = sqlite3_column_int64 (stmt, 0);
        course->uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        course->patient_id = patient_id;
        course->indications = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
        course->planned_sessions = sqlite3_column_int (stmt, 3);
        course->interval_days = sqlite3_column_int (stmt, 4);
        course->started_on = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
        g_ptr_array_add (chart->courses, course);
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT id, uid, course_id, started_at, ended_at, clinician, pen_serial, pen_firmware,"
        " cartridge_id, cartridge_lot, anaesthetic_at, note_before, note_after,"
        " anaesthetic_product, screening_override, erythema_grade, pinpoint_bleeding,"
        " aftercare_given FROM session WHERE patient_id = ? ORDER BY started_at, id", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        StippleSession *session = stipple_session_new ();
        session->id = sqlite3_column_int64 (stmt, 0);
        session->uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        session->patient_id = patient_id;
        session->course_id = sqlite3_column_int64 (stmt, 2);
        session->started_at = parse_column_time (stmt, 3);
        session->ended_at = parse_column_time (stmt, 4);
        session->clinician = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
        session->pen_serial = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
        session->pen_firmware = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
        session->cartridge_id = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
        session->cartridge_lot = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
        session->anaesthetic_at = parse_column_time (stmt, 10);
        session->note_before = g_strdup ((const char *) sqlite3_column_text (stmt, 11));
        session->note_after = g_strdup ((const char *) sqlite3_column_text (stmt, 12));
        session->anaesthetic_product = g_strdup ((const char *) sqlite3_column_text (stmt, 13));
        session->screening_override = g_strdup ((const char *) sqlite3_column_text (stmt, 14));
        session->erythema_grade = sqlite3_column_int (stmt, 15);
        session->pinpoint_bleeding = sqlite3_column_int (stmt, 16) != 0;
        session->aftercare_given = g_strdup ((const char *) sqlite3_column_text (stmt, 17));
        g_ptr_array_add (chart->sessions, session);
        g_hash_table_insert (by_id, &session->id, session);
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT z.session_id, z.zone, z.pass, z.depth_um, z.stroke_rate_hz FROM zone_pass z"
        " JOIN session s ON s.id = z.session_id WHERE s.patient_id = ?"
        " ORDER BY z.session_id, z.position", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);
        StippleSession *session = g_hash_table_lookup (by_id, &id);
        StippleZonePass pass;

        pass.zone = stipple_zone_from_key ((const char *) sqlite3_column_text (stmt, 1));
        pass.pass = sqlite3_column_int (stmt, 2);
        pass.depth_um = sqlite3_column_int (stmt, 3);
        pass.stroke_rate_hz = sqlite3_column_int (stmt, 4);
        if (session != NULL)
          g_array_append_val (session->plan, pass);
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT v.session_id, v.product, v.lot FROM session_serum v"
        " JOIN session s ON s.id = v.session_id WHERE s.patient_id = ?"
        " ORDER BY v.session_id, v.position", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);
        StippleSession *session = g_hash_table_lookup (by_id, &id);

        if (session != NULL)
          g_ptr_array_add (session->serums,
                           stipple_serum_new ((const char *) sqlite3_column_text (stmt, 1),
                                              (const char *) sqlite3_column_text (stmt, 2)));
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  {
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self,
        "SELECT k.session_id, k.zone, k.strokes, k.time_in_zone_us, k.out_of_tolerance"
        " FROM zone_strokes k"
        " JOIN session s ON s.id = k.session_id WHERE s.patient_id = ?", error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, patient_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);
        StippleSession *session = g_hash_table_lookup (by_id, &id);
        StippleZone zone = stipple_zone_from_key ((const char *) sqlite3_column_text (stmt, 1));

        if (session != NULL && zone != STIPPLE_ZONE_NONE)
          {
            session->strokes[zone] = sqlite3_column_int64 (stmt, 2);
            session->time_in_zone_us[zone] = sqlite3_column_int64 (stmt, 3);
            session->out_of_tolerance[zone] = sqlite3_column_int64 (stmt, 4);
          }
      }
    if (!step_error (self, rc, error))
      goto fail;
  }

  stipple_store_exec (self, "COMMIT", NULL);
  return g_steal_pointer (&chart);

fail:
  stipple_store_rollback (self);
  return NULL;
}
