/* bench-big-file.c: a clinic's patient file after years of use
 *
 * Builds a patient file of 100,000 patients and 300,000 ended, sealed
 * sessions (notes, plans, serums, audit rows, needle data for some), of
 * the order of 700 MB, then measures it:
 *
 * - patient search as one types (target p99 < 10 ms): one word, several
 *   words, and a common first word with a rare second one ("a zz…",
 *   "anna q…"), the case a walk from the first word handles worst;
 * - opening it to a usable store (goal < 300 ms), the first opening of
 *   the day (which takes the daily backup) apart, and PRAGMA
 *   quick_check(1) on its own, which every opening runs today;
 * - verifying it (the integrity check, the audit chain, every seal);
 * - its size.
 *
 * The file is written with plain SQL in large transactions; the audit
 * rows and seals go through the store's own chain code, so the file is a
 * valid patient file that verifies clean (checked).
 *
 * Usage: bench-big-file [--keep] [DIRECTORY]
 *   The file is made in DIRECTORY (default: a new folder in the temp
 *   dir) and deleted afterwards unless --keep is given or
 *   STIPPLE_BENCH_KEEP is set. STIPPLE_BENCH_PATIENTS scales the file
 *   down for a quick try (sessions are three a patient).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "stipple-store-private.h"

#define N_PATIENTS_DEFAULT 100000
#define SESSIONS_PER_PATIENT 3
#define SESSIONS_PER_TRANSACTION 5000
/* One session in NEEDLE_EVERY keeps its needle data (a block of
 * NEEDLE_BYTES): older sessions had theirs pruned or never recorded. */
#define NEEDLE_EVERY 50
#define NEEDLE_BYTES 12000
#define N_QUERIES 1000
#define N_OPENS 5

static const char * const given_names[] = {
  "Anna", "Anna", "Anna", "Maria", "Maria", "Ada", "Ben", "Chloé", "Dmitri", "Elif", "Farah",
  "Gustav", "Hana", "Ivan", "Jun", "Kemal", "Lena", "Mateo", "Nia", "Oskar", "Priya", "Quentin",
  "Rosa", "Sven", "Tomás", "Ursula", "Václav", "Wen", "Xavier", "Yara", "Zoë", "Aaron", "Amir",
  "Alba", "Aiko", "Arne", "Astrid", "Aurélie", "Sofia", "Léa", "Jonas", "Noah", "Emma", "Mia",
};

static const char * const syllables[] = {
  "ba", "ker", "sch", "mid", "ler", "son", "ova", "gar", "cía", "ng", "uy", "en", "ko",
  "ri", "al", "ber", "tz", "man", "ès", "ström", "ak", "ri", "na", "vi", "ch", "lo",
};

static const char * const particles[] = { "van der", "de la", "von", "di", "al", "van" };

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (double *sorted,
            guint   n,
            double  p)
{
  guint i = (guint) ceil (p * n) - 1;

  return sorted[MIN (i, n - 1)];
}

/* The same folding as the store's search keys: case and accents gone. */
static char *
fold (const char *text)
{
  g_autofree char *decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFKD);
  g_autoptr(GString) bare = g_string_new (NULL);

  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (!g_unichar_ismark (c))
        g_string_append_unichar (bare, c);
    }
  g_strstrip (bare->str);
  return g_utf8_casefold (bare->str, -1);
}

/* A family name: two or three syllables, now and then behind a particle;
 * one patient in 200 has a rare name starting "zz" or "q". */
static char *
family_name (GRand *rand,
             guint  i)
{
  g_autoptr(GString) name = g_string_new (NULL);
  guint n = g_rand_int_range (rand, 2, 4);
  char *first;

  if (i % 200 == 7)
    return g_strdup_printf ("%s%05u", i % 400 == 7 ? "Zz" : "Qu", i);
  for (guint s = 0; s < n; s++)
    g_string_append (name, syllables[g_rand_int_range (rand, 0, G_N_ELEMENTS (syllables))]);
  first = g_utf8_strup (name->str, g_utf8_next_char (name->str) - name->str);
  g_string_erase (name, 0, g_utf8_next_char (name->str) - name->str);
  g_string_prepend (name, first);
  g_free (first);
  if (i % 20 == 3)
    {
      g_string_prepend_c (name, ' ');
      g_string_prepend (name, particles[g_rand_int_range (rand, 0, G_N_ELEMENTS (particles))]);
    }
  return g_string_free (g_steal_pointer (&name), FALSE);
}

static void
check_sql (sqlite3 *db,
           int      rc)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    g_error ("SQLite: %s", sqlite3_errmsg (db));
}

static void
exec (sqlite3    *db,
      const char *sql)
{
  check_sql (db, sqlite3_exec (db, sql, NULL, NULL, NULL));
}

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  check_sql (db, sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL));
  return stmt;
}

static void
step_done (sqlite3      *db,
           sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    check_sql (db, rc == SQLITE_ROW ? SQLITE_ERROR : rc);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static void
chain (sqlite3    *db,
       const char *path,
       gint64      session_id,
       const char *at,
       const char *kind,
       const char *zone,
       const char *sent)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uid = g_uuid_string_random ();
  StippleChainRow row = { 0, };

  row.uid = uid;
  row.session_id = session_id;
  row.at = at;
  row.user = "Dr Bench";
  row.kind = kind;
  row.zone = zone;
  row.sent = sent;
  row.acknowledgement = sent != NULL ? "ok" : "";
  row.read_back = sent;
  if (!stipple_store_chain_insert (db, path, &row, &error))
    g_error ("%s", error->message);
}

/* The file, written as years of use would leave it; its given and
 * family names are returned for the queries. */
static void
build_file (const char *path,
            guint       n_patients,
            GRand      *rand,
            GPtrArray  *givens,
            GPtrArray  *families)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open_full (path, FALSE, &error);
  g_autoptr(GString) note = g_string_new (NULL);
  g_autofree guchar *needle = g_malloc (NEEDLE_BYTES);
  sqlite3 *db = NULL;
  sqlite3_stmt *patient, *session, *pass, *serum, *strokes, *block;
  guint n_sessions = n_patients * SESSIONS_PER_PATIENT;
  gint64 start = g_get_monotonic_time ();

  g_assert_no_error (error);
  stipple_store_close (store);

  check_sql (db, sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL));
  exec (db, "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;");

  patient = prepare (db, "INSERT INTO patient (id, uid, record_number, family_name, given_name,"
                     " date_of_birth, phone, email, address, fitzpatrick, allergies, family_key,"
                     " given_key, record_key, created_at, updated_at)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
                     " '2015-01-05T09:00:00.000000Z', '2015-01-05T09:00:00.000000Z')");
  exec (db, "BEGIN");
  for (guint i = 1; i <= n_patients; i++)
    {
      g_autofree char *uid = g_uuid_string_random ();
      g_autofree char *record = g_strdup_printf ("P%06u", i);
      g_autofree char *family = family_name (rand, i);
      const char *given = given_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (given_names))];
      g_autofree char *dob = g_strdup_printf ("%04d-%02d-%02d", g_rand_int_range (rand, 1935, 2007),
                                              g_rand_int_range (rand, 1, 13),
                                              g_rand_int_range (rand, 1, 29));
      g_autofree char *family_key = fold (family);
      g_autofree char *given_key = fold (given);
      g_autofree char *record_key = fold (record);
      g_autofree char *email = g_strdup_printf ("%s.%u@example.org", given_key, i);

      sqlite3_bind_int64 (patient, 1, i);
      sqlite3_bind_text (patient, 2, uid, -1, SQLITE_STATIC);
      sqlite3_bind_text (patient, 3, record, -1, SQLITE_STATIC);
      sqlite3_bind_text (patient, 4, family, -1, SQLITE_STATIC);
      sqlite3_bind_text (patient, 5, given, -1, SQLITE_STATIC);
      sqlite3_bind_text (patient, 6, dob, -1, SQLITE_STATIC);
      sqlite3_bind_text (patient, 7, "+49 30 1234567", -1, SQLITE_STATIC);
      sqlite3_bind_text (patient, 8, email, -1, SQLITE_STATIC);
      sqlite3_bind_text (patient, 9, "Hauptstraße 1\n10115 Berlin", -1, SQLITE_STATIC);
      sqlite3_bind_int (patient, 10, 1 + i % 6);
      sqlite3_bind_text (patient, 11, i % 7 == 0 ? "Lidocaine" : "", -1, SQLITE_STATIC);
      sqlite3_bind_text (patient, 12, family_key, -1, SQLITE_STATIC);
      sqlite3_bind_text (patient, 13, given_key, -1, SQLITE_STATIC);
      sqlite3_bind_text (patient, 14, record_key, -1, SQLITE_STATIC);
      step_done (db, patient);
      g_ptr_array_add (givens, g_steal_pointer (&given_key));
      g_ptr_array_add (families, g_steal_pointer (&family_key));
    }
  exec (db, "COMMIT");
  sqlite3_finalize (patient);

  while (note->len < 200)
    g_string_append (note, "Even erythema over the treated zones, pinpoint bleeding on the "
                     "cheeks settled within minutes; aftercare explained and leaflet given. ");
  for (guint i = 0; i < NEEDLE_BYTES; i++)
    needle[i] = (guchar) g_rand_int (rand);

  session = prepare (db, "INSERT INTO session (id, uid, patient_id, started_at, ended_at,"
                     " clinician, pen_serial, pen_firmware, cartridge_id, cartridge_lot,"
                     " note_before, note_after, erythema_grade, pinpoint_bleeding,"
                     " aftercare_given) VALUES (?1, ?2, ?3, ?4, ?5, 'Dr Bench', 'STP-0042',"
                     " '1.4.2', ?6, 'L2603', 'Skin intact, no active acne. Topical anaesthetic"
                     " 30 min.', ?7, 1, 1, 'No make-up for 24 hours; SPF 50.')");
  pass = prepare (db, "INSERT INTO zone_pass VALUES (?1, ?2, ?3, 1, ?4, 120)");
  serum = prepare (db, "INSERT INTO session_serum VALUES (?1, 0, 'Hyaluronic acid', 'HA-1')");
  strokes = prepare (db, "INSERT INTO zone_strokes VALUES (?1, ?2, ?3, ?4, 0)");
  block = prepare (db, "INSERT INTO telemetry_block VALUES (?1, 0, 8000, 0, 999875, 1, ?2)");

  for (guint first = 1; first <= n_sessions; first += SESSIONS_PER_TRANSACTION)
    {
      guint last = MIN (first + SESSIONS_PER_TRANSACTION - 1, n_sessions);

      exec (db, "BEGIN");
      for (guint s = first; s <= last; s++)
        {
          static const char * const zones[] = { "forehead", "cheek-left", "cheek-right" };
          g_autofree char *uid = g_uuid_string_random ();
          g_autoptr(GDateTime) t0 = g_date_time_new_utc (2016 + s % 10, 1 + s % 12, 1 + s % 28,
                                                         8 + s % 10, s % 60, 0);
          g_autoptr(GDateTime) t1 = g_date_time_add_minutes (t0, 35);
          g_autofree char *started = stipple_store_format_time (t0);
          g_autofree char *ended = stipple_store_format_time (t1);
          g_autofree char *cartridge = g_strdup_printf ("C16-%06u", s);

          sqlite3_bind_int64 (session, 1, s);
          sqlite3_bind_text (session, 2, uid, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (session, 3, 1 + (s - 1) % n_patients);
          sqlite3_bind_text (session, 4, started, -1, SQLITE_STATIC);
          sqlite3_bind_text (session, 5, ended, -1, SQLITE_STATIC);
          sqlite3_bind_text (session, 6, cartridge, -1, SQLITE_STATIC);
          sqlite3_bind_text (session, 7, note->str, -1, SQLITE_STATIC);
          step_done (db, session);
          sqlite3_bind_int64 (serum, 1, s);
          step_done (db, serum);
          for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
            {
              sqlite3_bind_int64 (pass, 1, s);
              sqlite3_bind_int (pass, 2, z);
              sqlite3_bind_text (pass, 3, zones[z], -1, SQLITE_STATIC);
              sqlite3_bind_int (pass, 4, 500 + 250 * z);
              step_done (db, pass);
              sqlite3_bind_int64 (strokes, 1, s);
              sqlite3_bind_text (strokes, 2, zones[z], -1, SQLITE_STATIC);
              sqlite3_bind_int (strokes, 3, 4000 + s % 1000);
              sqlite3_bind_int64 (strokes, 4, 240000000);
              step_done (db, strokes);
            }
          chain (db, path, s, started, "arm", "forehead",
                 "ARM zone=forehead depth_um=500 rate_hz=120");
          chain (db, path, s, ended, "disarm", NULL, NULL);
          if (s % NEEDLE_EVERY == 0)
            {
              needle[s % NEEDLE_BYTES] ^= 0x5a;
              sqlite3_bind_int64 (block, 1, s);
              sqlite3_bind_blob (block, 2, needle, NEEDLE_BYTES, SQLITE_STATIC);
              step_done (db, block);
            }
          if (!stipple_store_chain_seal (db, path, s, &error))
            g_error ("%s", error->message);
        }
      exec (db, "COMMIT");
    }
  sqlite3_finalize (session);
  sqlite3_finalize (pass);
  sqlite3_finalize (serum);
  sqlite3_finalize (strokes);
  sqlite3_finalize (block);
  stipple_store_chain_forget (db);
  exec (db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close (db);
  g_print ("# built %u patients and %u sessions in %.0f s\n", n_patients, n_sessions,
           (g_get_monotonic_time () - start) / 1e6);
}

/* The p99 of @queries, in ms; the mean number found in @mean_found. */
static double
search_p99 (StippleStore *store,
            GPtrArray    *queries,
            double       *mean_found)
{
  g_autofree double *ms = g_new (double, queries->len);
  guint found_total = 0;

  for (guint q = 0; q < queries->len; q++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) found = NULL;
      gint64 start = g_get_monotonic_time ();

      found = stipple_store_search_patients (store, queries->pdata[q], 50, &error);
      ms[q] = (g_get_monotonic_time () - start) / 1000.0;
      g_assert_no_error (error);
      found_total += found->len;
    }
  qsort (ms, queries->len, sizeof (double), compare_double);
  *mean_found = (double) found_total / queries->len;
  return percentile (ms, queries->len, 0.99);
}

static double
open_ms (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  gint64 start = g_get_monotonic_time ();
  double ms;

  store = stipple_store_open (path, &error);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_assert_no_error (error);
  stipple_store_close (store);
  return ms;
}

static double
quick_check_ms (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt;
  gint64 start = g_get_monotonic_time ();
  double ms;

  check_sql (db, sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL));
  stmt = prepare (db, "PRAGMA quick_check(1)");
  if (sqlite3_step (stmt) != SQLITE_ROW ||
      g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    g_error ("quick_check did not answer ok");
  ms = (g_get_monotonic_time () - start) / 1000.0;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ms;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260);
  g_autoptr(GPtrArray) givens = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) families = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) multi = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rare = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleVerifyResult) verified = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  const char *n_env = g_getenv ("STIPPLE_BENCH_PATIENTS");
  guint n_patients = n_env != NULL ? (guint) g_ascii_strtoull (n_env, NULL, 10)
                                   : N_PATIENTS_DEFAULT;
  gboolean keep = g_getenv ("STIPPLE_BENCH_KEEP") != NULL;
  double opens[N_OPENS];
  double first_open, unclean_open, check, verify, mean_found, one_p99, multi_p99, rare_p99;
  gint64 start;
  GStatBuf st;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--keep"))
        keep = TRUE;
      else
        dir = g_strdup (argv[i]);
    }
  if (dir == NULL)
    dir = g_dir_make_tmp ("stipple-bench-big-XXXXXX", NULL);
  g_assert_nonnull (dir);
  g_mkdir_with_parents (dir, 0700);
  path = g_build_filename (dir, "patients.stipple", NULL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  build_file (path, MAX (n_patients, 1000), rand, givens, families);
  g_assert_cmpint (g_stat (path, &st), ==, 0);

  /* Opening: the first of the day copies the file as the daily backup;
   * the later ones are what a clinician waits for every other time. */
  first_open = open_ms (path);
  for (guint i = 0; i < N_OPENS; i++)
    opens[i] = open_ms (path);
  qsort (opens, N_OPENS, sizeof (double), compare_double);
  /* After a crash the lock file still says "open": that opening reads
   * the file through. */
  {
    g_autofree char *lock = g_strconcat (path, ".lock", NULL);

    g_assert_true (g_file_set_contents (lock, "open\n", -1, NULL));
    unclean_open = open_ms (path);
  }
  check = quick_check_ms (path);

  store = stipple_store_open (path, &error);
  g_assert_no_error (error);

  /* One word: the start (1-4 letters) of a given or family name. */
  for (guint q = 0; q < N_QUERIES; q++)
    {
      GPtrArray *from = q % 2 ? families : givens;
      const char *name = from->pdata[g_rand_int_range (rand, 0, from->len)];

      g_ptr_array_add (one, g_utf8_substring (name, 0, 1 + q % 4));
    }
  /* Several words: a patient's given name and the start of its family
   * name, either way round. */
  for (guint q = 0; q < N_QUERIES; q++)
    {
      guint p = g_rand_int_range (rand, 0, givens->len);
      g_autofree char *part = g_utf8_substring (families->pdata[p], 0, 2 + q % 3);

      g_ptr_array_add (multi, q % 2 ? g_strdup_printf ("%s %s", (char *) givens->pdata[p], part)
                                    : g_strdup_printf ("%s %s", part, (char *) givens->pdata[p]));
    }
  /* A common first word and a rare second one ("a zz0…", "anna qu0…"):
   * one patient in 200 has a family name starting "zz" or "qu". */
  for (guint q = 0; q < N_QUERIES; q++)
    {
      guint p = 7 + 200 * g_rand_int_range (rand, 0, MAX (givens->len / 200, 1));
      const char *family = families->pdata[MIN (p, families->len) - 1];
      g_autofree char *part = g_utf8_substring (family, 0, 3 + q % 3);
      /* "a", "anna", or the patient's own given name. */
      const char *own = givens->pdata[MIN (p, givens->len) - 1];
      const char *first = q % 3 == 0 ? "a" : q % 3 == 1 ? "anna" : own;

      g_ptr_array_add (rare, g_strdup_printf ("%s %s", first, part));
    }

  one_p99 = search_p99 (store, one, &mean_found);
  g_print ("# search: %u queries each, up to 50 patients of each kind; one word found %.1f"
           " on average,", N_QUERIES, mean_found);
  multi_p99 = search_p99 (store, multi, &mean_found);
  g_print (" several words %.1f,", mean_found);
  rare_p99 = search_p99 (store, rare, &mean_found);
  g_print (" a rare second word %.1f\n", mean_found);

  start = g_get_monotonic_time ();
  verified = stipple_store_verify (store, 0, &error);
  verify = (g_get_monotonic_time () - start) / 1000.0;
  g_assert_no_error (error);
  g_assert_cmpuint (verified->breaks->len, ==, 0);
  g_print ("# verify: %" G_GINT64_FORMAT " audit rows, %" G_GINT64_FORMAT " sealed sessions,"
           " no break\n", (gint64) verified->n_rows, (gint64) verified->n_sealed);
  g_print ("# open: median of %u warm-cache openings of the file as Stipple left it; the"
           " first of the day, which checks the file (made by plain SQL, not left clean) and"
           " copies it as the daily backup, took %.0f ms; quick_check(1) alone (a plain"
           " connection) %.0f ms\n", N_OPENS, first_open, check);
  g_print ("search_one_word_p99: %.2f ms\n", one_p99);
  g_print ("search_multi_word_p99: %.2f ms\n", multi_p99);
  g_print ("search_rare_second_word_p99: %.2f ms\n", rare_p99);
  g_print ("open_ms: %.1f ms\n", opens[N_OPENS / 2]);
  g_print ("open_after_unclean_shutdown_ms: %.1f ms\n", unclean_open);
  g_print ("quick_check_ms: %.1f ms\n", check);
  g_print ("verify_ms: %.0f ms\n", verify);
  g_print ("file_mb: %.0f MB\n", st.st_size / 1e6);

  stipple_store_close (store);
  if (keep)
    g_print ("# kept %s\n", path);
  else
    remove_tree (dir);
  return 0;
}
