/* bench-store.c: the patient file's speed and size
 *
 * - telemetry: samples per second through stipple_store_append_telemetry()
 *   (delivered 80 at a time, as a transport does, then flushed), against
 *   a plain SQLite bulk insert of the same samples, one row each, in one
 *   transaction, on the same disk in the same run (target ratio >= 0.5);
 * - bytes per hour of 8 kHz needle data, from a realistic waveform;
 * - search latency as one types, with 100,000 patients (target p99 < 10 ms);
 * - opening a patient with 1,000 sessions (target < 50 ms).
 *
 * Usage: bench-store [DIRECTORY]   (default: a new folder in the temp dir)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "stipple-store.h"

#define TELEMETRY_SAMPLES (8000 * 120)
#define N_PATIENTS 100000
#define N_SESSIONS 1000
#define N_QUERIES 3000

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

/* A needle stroking at 120 Hz to 1.5 mm with a little sensor noise. */
static void
waveform (StippleProtoSample *samples,
          guint               n,
          GRand              *rand)
{
  for (guint i = 0; i < n; i++)
    {
      double phase = fmod (i * 120.0 / 8000.0, 1.0);
      gint32 position = (gint32) lround (-300 + 1800 * (0.5 - 0.5 * cos (2 * G_PI * phase)));

      samples[i].timestamp_us = i * 125;
      samples[i].position_um = position + g_rand_int_range (rand, -2, 3);
      samples[i].load = 0;
      samples[i].flags = STIPPLE_PROTO_SAMPLE_RUNNING;
      if (position > 0)
        {
          samples[i].load = (guint16) (9000 + position * 20 + g_rand_int_range (rand, 0, 16));
          samples[i].flags |= STIPPLE_PROTO_SAMPLE_CONTACT;
        }
      samples[i].stroke_count = (guint32) (i * 120 / 8000);
    }
}

static double
raw_insert_rate (const char               *path,
                 const StippleProtoSample *samples,
                 guint                     n)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 start;
  double seconds;

  g_assert (sqlite3_open (path, &db) == SQLITE_OK);
  sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                "CREATE TABLE sample (session_id INTEGER, timestamp_us INTEGER,"
                " position_um INTEGER, load INTEGER, flags INTEGER, stroke_count INTEGER)",
                NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO sample VALUES (1, ?, ?, ?, ?, ?)", -1, &stmt, NULL);

  start = g_get_monotonic_time ();
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  for (guint i = 0; i < n; i++)
    {
      sqlite3_bind_int64 (stmt, 1, samples[i].timestamp_us);
      sqlite3_bind_int (stmt, 2, samples[i].position_um);
      sqlite3_bind_int (stmt, 3, samples[i].load);
      sqlite3_bind_int (stmt, 4, samples[i].flags);
      sqlite3_bind_int64 (stmt, 5, samples[i].stroke_count);
      sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  seconds = (g_get_monotonic_time () - start) / 1e6;

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n / seconds;
}

static StipplePatient *
make_patient (GRand *rand,
              guint  i)
{
  static const char * const first[] = {
    "Ada", "Ben", "Chloé", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Jun",
    "Kemal", "Lena", "Mateo", "Nia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tomás",
  };
  static const char * const syllables[] = {
    "ba", "ker", "sch", "mid", "ler", "son", "ova", "gar", "cía", "ng", "uy", "en", "ko",
    "wal", "ski", "ber", "tra", "mo", "li", "an", "der", "ste", "ro", "vić",
  };
  StipplePatient *patient = stipple_patient_new ();
  GString *family = g_string_new (NULL);
  guint parts = g_rand_int_range (rand, 2, 4);

  for (guint p = 0; p < parts; p++)
    g_string_append (family, syllables[g_rand_int_range (rand, 0, G_N_ELEMENTS (syllables))]);
  family->str[0] = g_ascii_toupper (family->str[0]);

  patient->record_number = g_strdup_printf ("P%06u", i);
  patient->given_name = g_strdup (first[g_rand_int_range (rand, 0, G_N_ELEMENTS (first))]);
  patient->family_name = g_string_free (family, FALSE);
  patient->date_of_birth = g_strdup_printf ("%04d-%02d-%02d",
                                            g_rand_int_range (rand, 1940, 2006),
                                            g_rand_int_range (rand, 1, 13),
                                            g_rand_int_range (rand, 1, 29));
  patient->fitzpatrick = g_rand_int_range (rand, 1, 7);
  return patient;
}


#define N_CLINICAL 200

static double
median_us (GArray *times)
{
  g_array_sort (times, compare_double);
  return g_array_index (times, double, times->len / 2);
}

/* What the hash chain costs a clinical write: an audit event appended
 * through the store (one transaction: read the chain's head, hash, insert)
 * against the same row inserted as the store did before it had a chain
 * (one autocommitted INSERT into the version 2 table, same pragmas, same
 * disk); and sealing a session at its end, with 60 s of needle data. */
static void
bench_chain (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plain_path = g_build_filename (dir, "plain-audit.sqlite", NULL);
  g_autofree char *chain_path = g_build_filename (dir, "chain.stipple", NULL);
  g_autoptr(GArray) plain = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) chained = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ended = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) saved = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StipplePatient) patient = stipple_patient_new ();
  g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, 8000 * 60);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  double p, c;

  g_assert_cmpint (sqlite3_open (plain_path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                "CREATE TABLE audit (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE,"
                " session_id INTEGER, at TEXT NOT NULL, user TEXT NOT NULL, kind TEXT NOT NULL,"
                " zone TEXT, sent TEXT NOT NULL DEFAULT '', acknowledgement TEXT NOT NULL"
                " DEFAULT '', read_back TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL"
                " DEFAULT '');"
                "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
                " BEGIN SELECT RAISE (ABORT, 'append-only'); END;", NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO audit (uid, session_id, at, user, kind, zone, sent,"
                      " acknowledgement, read_back, detail) VALUES (?, 1, ?, 'Dr Bench',"
                      " 'setting', 'forehead', 'zone=forehead depth_um=500 rate_hz=120', 'ok',"
                      " 'zone=forehead depth_um=500 rate_hz=120', '')", -1, &stmt, NULL);
  for (guint i = 0; i < N_CLINICAL; i++)
    {
      g_autofree char *uid = g_uuid_string_random ();
      gint64 start = g_get_monotonic_time ();
      double us;

      sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, "2026-03-14T09:26:53.589793Z", -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
      us = g_get_monotonic_time () - start;
      g_array_append_val (plain, us);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  store = stipple_store_open (chain_path, &error);
  g_assert_no_error (error);
  patient->record_number = g_strdup ("C-1");
  patient->family_name = g_strdup ("Chain");
  patient->given_name = g_strdup ("Mark");
  patient->date_of_birth = g_strdup ("1980-01-01");
  stipple_store_save_patient (store, patient, &error);
  g_assert_no_error (error);
  waveform (samples, 8000 * 60, rand);

  for (guint s = 0; s < 20; s++)
    {
      g_autoptr(StippleSession) session = stipple_session_new ();
      gint64 start;
      double us;

      session->patient_id = patient->id;
      session->started_at = g_date_time_new_now_utc ();
      session->clinician = g_strdup ("Dr Bench");
      stipple_session_add_pass (session, STIPPLE_ZONE_FOREHEAD, 500, 120);
      stipple_store_save_session (store, session, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < N_CLINICAL / 20; i++)
        {
          g_autoptr(StippleAuditEntry) entry = stipple_audit_entry_new (STIPPLE_AUDIT_SETTING);

          entry->session_id = session->id;
          entry->user = g_strdup ("Dr Bench");
          entry->zone = STIPPLE_ZONE_FOREHEAD;
          entry->sent = g_strdup ("zone=forehead depth_um=500 rate_hz=120");
          entry->acknowledgement = g_strdup ("ok");
          entry->read_back = g_strdup ("zone=forehead depth_um=500 rate_hz=120");
          start = g_get_monotonic_time ();
          stipple_store_append_audit (store, entry, &error);
          us = g_get_monotonic_time () - start;
          g_assert_no_error (error);
          g_array_append_val (chained, us);
        }
      stipple_store_append_telemetry (store, session->id, samples, 8000 * 60, &error);
      stipple_store_flush_telemetry (store, &error);
      g_assert_no_error (error);

      start = g_get_monotonic_time ();
      stipple_store_save_session (store, session, &error);
      us = g_get_monotonic_time () - start;
      g_array_append_val (saved, us);
      session->ended_at = g_date_time_new_now_utc ();
      start = g_get_monotonic_time ();
      stipple_store_save_session (store, session, &error);
      us = g_get_monotonic_time () - start;
      g_assert_no_error (error);
      g_array_append_val (ended, us);
    }
  stipple_store_close (store);

  p = median_us (plain);
  c = median_us (chained);
  g_print ("# clinical writes: %u audit events, synchronous=FULL, medians\n", N_CLINICAL);
  g_print ("audit-append-before-chain: %.0f us\n", p);
  g_print ("audit-append-chained: %.0f us\n", c);
  g_print ("audit-chain-overhead: %.1f %%\n", 100.0 * (c - p) / p);
  g_print ("session-save-open: %.0f us\n", median_us (saved));
  g_print ("session-save-end-with-seal-60s-needle-data: %.0f us\n", median_us (ended));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = argc > 1 ? g_strdup (argv[1])
                                  : g_dir_make_tmp ("stipple-bench-store-XXXXXX", NULL);
  g_autofree char *raw_path = g_build_filename (dir, "raw.sqlite", NULL);
  g_autofree char *tele_path = g_build_filename (dir, "telemetry.stipple", NULL);
  g_autofree char *big_path = g_build_filename (dir, "patients.stipple", NULL);
  g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, TELEMETRY_SAMPLES);
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StipplePatient) patient = NULL;
  g_autoptr(StippleSession) session = NULL;
  g_autofree char *loadavg = NULL;
  double raw_rate, store_rate;
  gint64 start;

  g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL);
  g_print ("# machine: %u CPUs, load average %s", g_get_num_processors (),
           loadavg ? loadavg : "unknown\n");
  g_print ("# SQLite %s; files in %s\n", sqlite3_libversion (), dir);

  bench_chain (dir);
  /* STIPPLE_BENCH_STORE=chain: the chain's figures alone. */
  if (g_strcmp0 (g_getenv ("STIPPLE_BENCH_STORE"), "chain") == 0)
    return 0;

  /* Telemetry. */
  waveform (samples, TELEMETRY_SAMPLES, rand);
  raw_rate = raw_insert_rate (raw_path, samples, TELEMETRY_SAMPLES);

  store = stipple_store_open (tele_path, &error);
  g_assert_no_error (error);
  patient = stipple_patient_new ();
  patient->record_number = g_strdup ("B-1");
  patient->family_name = g_strdup ("Bench");
  patient->given_name = g_strdup ("Mark");
  patient->date_of_birth = g_strdup ("1980-01-01");
  stipple_store_save_patient (store, patient, &error);
  g_assert_no_error (error);
  session = stipple_session_new ();
  session->patient_id = patient->id;
  session->started_at = g_date_time_new_now_utc ();
  session->clinician = g_strdup ("Dr Bench");
  stipple_store_save_session (store, session, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < TELEMETRY_SAMPLES; i += 80)
    stipple_store_append_telemetry (store, session->id, samples + i, 80, &error);
  stipple_store_flush_telemetry (store, &error);
  g_assert_no_error (error);
  store_rate = TELEMETRY_SAMPLES / ((g_get_monotonic_time () - start) / 1e6);
  stipple_store_close (store);

  {
    g_autofree char *sql = g_strdup_printf ("SELECT sum(length(data)) FROM telemetry_block");
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    gint64 bytes = 0;
    GStatBuf st;

    sqlite3_open (tele_path, &db);
    sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
    if (sqlite3_step (stmt) == SQLITE_ROW)
      bytes = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    g_stat (tele_path, &st);

    g_print ("# telemetry: %u samples (%u s at 8 kHz), appended 80 at a time, then flushed\n",
             TELEMETRY_SAMPLES, TELEMETRY_SAMPLES / 8000);
    g_print ("telemetry-raw-sqlite-rate: %.0f samples/s\n", raw_rate);
    g_print ("telemetry-store-rate: %.0f samples/s\n", store_rate);
    g_print ("telemetry-rate-ratio: %.2f (store / raw SQLite)\n", store_rate / raw_rate);
    g_print ("telemetry-bytes-per-sample: %.2f bytes\n", (double) bytes / TELEMETRY_SAMPLES);
    g_print ("telemetry-size-per-hour: %.1f MB (8,000 samples/s; blocks alone)\n",
             bytes * (8000.0 * 3600 / TELEMETRY_SAMPLES) / 1e6);
    g_print ("telemetry-file-size-per-hour: %.1f MB (whole file, extrapolated)\n",
             st.st_size * (8000.0 * 3600 / TELEMETRY_SAMPLES) / 1e6);
  }
  g_clear_object (&store);

  /* 100,000 patients. */
  store = stipple_store_open (big_path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_patient_free);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    g_autofree double *ms = g_new (double, N_QUERIES);
    guint found_total = 0;

    start = g_get_monotonic_time ();
    for (guint i = 0; i < N_PATIENTS; i++)
      {
        StipplePatient *p = make_patient (rand, i);
        if (i % 50 == 0)
          g_ptr_array_add (names, g_strdup (p->family_name));
        g_ptr_array_add (batch, p);
        if (batch->len == 10000)
          {
            stipple_store_save_patients (store, batch, &error);
            g_assert_no_error (error);
            g_ptr_array_set_size (batch, 0);
          }
      }
    g_print ("# %u patients saved in %.1f s, 10,000 a transaction\n", N_PATIENTS,
             (g_get_monotonic_time () - start) / 1e6);

    /* As one types: every prefix of a name, some record numbers, some
     * dates of birth, some given names. */
    for (guint q = 0; q < N_QUERIES; q++)
      {
        g_autofree char *query = NULL;
        g_autoptr(GPtrArray) found = NULL;
        const char *name = names->pdata[g_rand_int_range (rand, 0, names->len)];

        switch (q % 4)
          {
          case 0:
          case 1:
            query = g_utf8_substring (name, 0, 1 + q / 4 % 4);
            break;
          case 2:
            query = g_strdup_printf ("P0%u", g_rand_int_range (rand, 0, 1000));
            break;
          default:
            query = g_strdup_printf ("%04d-%02d", g_rand_int_range (rand, 1940, 2006),
                                     g_rand_int_range (rand, 1, 13));
            break;
          }
        start = g_get_monotonic_time ();
        found = stipple_store_search_patients (store, query, 50, &error);
        ms[q] = (g_get_monotonic_time () - start) / 1000.0;
        g_assert_no_error (error);
        found_total += found->len;
      }
    qsort (ms, N_QUERIES, sizeof (double), compare_double);
    g_print ("# search: %u queries (name prefixes of 1-4 letters, record numbers, birth months),"
             " up to 50 patients of each kind, %.1f found on average\n",
             N_QUERIES, (double) found_total / N_QUERIES);
    g_print ("search-100k-p50: %.2f ms\n", percentile (ms, N_QUERIES, 0.50));
    g_print ("search-100k-p99: %.2f ms\n", percentile (ms, N_QUERIES, 0.99));
    g_print ("search-100k-max: %.2f ms\n", ms[N_QUERIES - 1]);
  }

  /* One patient with 1,000 sessions. */
  {
    g_autoptr(StipplePatient) regular = make_patient (rand, N_PATIENTS + 1);
    double ms[21];

    stipple_store_save_patient (store, regular, &error);
    g_assert_no_error (error);
    start = g_get_monotonic_time ();
    for (guint i = 0; i < N_SESSIONS; i++)
      {
        g_autoptr(StippleSession) s = stipple_session_new ();
        g_autoptr(StippleAuditEntry) arm = stipple_audit_entry_new (STIPPLE_AUDIT_ARM);

        s->patient_id = regular->id;
        s->started_at = g_date_time_new_utc (2000 + i / 365, 1 + i % 12, 1 + i % 28, 10, 0, 0);
        s->clinician = g_strdup ("Dr Bench");
        s->cartridge_lot = g_strdup_printf ("L%u", i);
        s->note_after = g_strdup ("Even erythema; aftercare explained; next session in four "
                                  "weeks.");
        stipple_session_add_pass (s, STIPPLE_ZONE_FOREHEAD, 500, 120);
        stipple_session_add_pass (s, STIPPLE_ZONE_CHEEK_LEFT, 1000, 120);
        stipple_session_add_pass (s, STIPPLE_ZONE_CHEEK_RIGHT, 1000, 120);
        g_ptr_array_add (s->serums, stipple_serum_new ("Hyaluronic acid", "HA-1"));
        stipple_store_save_session (store, s, &error);
        g_assert_no_error (error);
        stipple_store_add_strokes (store, s->id, STIPPLE_ZONE_FOREHEAD, 5000, &error);
        arm->session_id = s->id;
        arm->user = g_strdup ("Dr Bench");
        stipple_store_append_audit (store, arm, &error);
      }
    g_print ("# %u sessions saved one by one (synchronous=FULL) in %.1f s\n", N_SESSIONS,
             (g_get_monotonic_time () - start) / 1e6);

    for (guint r = 0; r < G_N_ELEMENTS (ms); r++)
      {
        g_autoptr(StipplePatientChart) chart = NULL;

        start = g_get_monotonic_time ();
        chart = stipple_store_load_chart (store, regular->id, &error);
        ms[r] = (g_get_monotonic_time () - start) / 1000.0;
        g_assert_no_error (error);
        g_assert (chart->sessions->len == N_SESSIONS);
      }
    qsort (ms, G_N_ELEMENTS (ms), sizeof (double), compare_double);
    g_print ("# open patient: %u loads of a chart with %u sessions (plans, serums, strokes),"
             " in a file of %u patients\n", (guint) G_N_ELEMENTS (ms), N_SESSIONS, N_PATIENTS + 1);
    g_print ("open-patient-1000-sessions-median: %.2f ms\n", ms[G_N_ELEMENTS (ms) / 2]);
    g_print ("open-patient-1000-sessions-max: %.2f ms\n", ms[G_N_ELEMENTS (ms) - 1]);
  }

  stipple_store_close (store);
  if (argc <= 1)
    {
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      const char *name;
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (dir, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            {
              g_autoptr(GDir) sub = g_dir_open (child, 0, NULL);
              const char *subname;
              while (sub != NULL && (subname = g_dir_read_name (sub)) != NULL)
                {
                  g_autofree char *grandchild = g_build_filename (child, subname, NULL);
                  g_unlink (grandchild);
                }
              g_rmdir (child);
            }
          else
            g_unlink (child);
        }
      g_rmdir (dir);
    }
  return 0;
}
