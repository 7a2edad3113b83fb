/* bench-clinic-year.c: a clinic's year in the patient file and its
 * needle archives
 *
 * Writes a synthetic year through the store's own API and the needle
 * codec: sessions of ten minutes of needle data at 8 kHz each, spread
 * evenly over the working days (Monday to Friday) of the twelve months
 * up to today, each ended and sealed, and archives each day once the
 * next one begins, as the window does when the file is opened the next
 * morning. Then it measures the patient file as the clinic has it on
 * the last day, today's sessions still in it:
 *
 *   patient_file_size, needle_archive_size, bytes_per_sample (every
 *   file on disk over every sample), open_time (a second opening of the
 *   day: the daily backup is already taken), daily_backup_time and
 *   daily_backup_bytes (stipple_store_daily_backup(), as the first
 *   opening of a day runs it), replay_start_old_session (a session of
 *   eleven months ago: from the call to its decoded samples); then, for
 *   a clinic keeping full-rate needle data six months, thin_time_per_session,
 *   needle_archive_size_six_months_full_rate (the archives after the
 *   older half of the year is thinned to its strokes) and
 *   replay_start_thinned_session.
 *
 * A full year is 2,500 sessions; by default one tenth of them are
 * written (--sessions=N for another count). Sizes and the backup's time
 * grow in proportion to the sessions (every session adds the same needle
 * data and hashes); the opening and the replay of one session do not
 * depend on their number. The *_full_year lines are the measured figures
 * scaled accordingly. The page cache is warm: the files were just written.
 *
 * Prints "name: value unit" lines.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "stipple-store.h"
#include "stipple-store-private.h"
#include "stipple-test-needle.h"

#define FULL_YEAR 2500
#define SESSION_SECONDS 600
#define RATE 8000

static gint64 n_sessions = FULL_YEAR / 10;

static GOptionEntry entries[] = {
  { "sessions", 0, 0, G_OPTION_ARG_INT64, &n_sessions, "Sessions in the year (2500 a full year)", "N" },
  { NULL }
};

static double
file_mb (const char *path)
{
  struct stat st;

  return g_stat (path, &st) == 0 ? st.st_size / 1e6 : 0;
}

static double
folder_mb (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  double total = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      total += file_mb (path);
    }
  return total;
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

static void
check (GError *error)
{
  if (error != NULL)
    g_error ("%s", error->message);
}

static void
print_machine (const char *when)
{
  double load[3] = { 0, };
  g_autofree char *meminfo = NULL;
  const char *avail;

  getloadavg (load, 3);
  g_file_get_contents ("/proc/meminfo", &meminfo, NULL, NULL);
  avail = meminfo ? strstr (meminfo, "MemAvailable:") : NULL;
  g_print ("# machine %s: %u cores, load %.2f %.2f %.2f, %.*s\n", when, g_get_num_processors (),
           load[0], load[1], load[2],
           avail ? (int) strcspn (avail, "\n") : 22, avail ? avail : "MemAvailable: unknown");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *archive_dir = NULL;
  g_autofree char *backup_dir = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) this_month = NULL;
  StippleTestNeedle needle = { RATE, 120, 900, -200, 0, 4000000, 600000 };
  gint64 old_session = 0;
  guint64 total_samples = 0;
  g_autoptr(GPtrArray) days = NULL;
  char previous[11] = "";
  double scale, t0, open_ms, backup_ms, replay_ms, patient_mb, archive_mb, backup_mb = 0;
  double thin_ms, thinned_mb, replay_thinned_ms;
  guint n_thinned = 0;
  gint64 patient_id;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  scale = (double) FULL_YEAR / n_sessions;
  print_machine ("before");
  g_print ("# %" G_GINT64_FORMAT " sessions of %d s at %d Hz over 12 months (%s of a year of %d);"
           " sizes and backup time scale linearly with sessions, x%.1f for a full year\n",
           n_sessions, SESSION_SECONDS, RATE,
           n_sessions == FULL_YEAR / 10 ? "a tenth" : n_sessions == FULL_YEAR ? "all" : "a share",
           FULL_YEAR, scale);

  dir = g_dir_make_tmp ("stipple-clinic-year-XXXXXX", &error);
  check (error);
  path = g_build_filename (dir, "patients.stipple", NULL);
  archive_dir = stipple_store_get_archive_dir (path);
  backup_dir = stipple_store_get_backup_dir (path);

  /* One session's needle data, the pen lifted 0.6 s in every 4 s. */
  samples = g_array_sized_new (FALSE, FALSE, sizeof (StippleProtoSample), SESSION_SECONDS * RATE);
  g_array_set_size (samples, SESSION_SECONDS * RATE);
  for (guint i = 0; i < samples->len; i++)
    stipple_test_needle_sample (&needle, i, &g_array_index (samples, StippleProtoSample, i));

  store = stipple_store_open (path, &error);
  check (error);
  {
    g_autoptr(StipplePatient) patient = stipple_patient_new ();

    patient->record_number = g_strdup ("Y-0001");
    patient->given_name = g_strdup ("Alex");
    patient->family_name = g_strdup ("Year");
    patient->date_of_birth = g_strdup ("1980-05-17");
    patient->fitzpatrick = 3;
    stipple_store_save_patient (store, patient, &error);
    check (error);
    patient_id = patient->id;
  }

  this_month = g_date_time_new_utc (g_date_time_get_year (now), g_date_time_get_month (now), 1,
                                    0, 0, 0);
  /* The clinic's working days: every weekday from the first of the month
   * eleven months ago up to today. */
  {
    g_autoptr(GDateTime) day = g_date_time_add_months (this_month, -11);

    days = g_ptr_array_new_with_free_func ((GDestroyNotify) g_date_time_unref);
    while (g_date_time_compare (day, now) <= 0)
      {
        GDateTime *next = g_date_time_add_days (day, 1);

        if (g_date_time_get_day_of_week (day) <= 5)
          g_ptr_array_add (days, g_date_time_ref (day));
        g_date_time_unref (day);
        day = next;
      }
  }
  for (gint64 s = 0; s < n_sessions; s++)
    {
      /* Sessions spread evenly over the working days, the last on today. */
      guint d = (guint) ((s * days->len) / n_sessions);
      gint64 first_of_day = (d * n_sessions + days->len - 1) / days->len;
      GDateTime *day = g_ptr_array_index (days, d);
      g_autoptr(StippleSession) session = stipple_session_new ();
      g_autofree char *label = g_date_time_format (day, "%Y-%m-%d");

      if (g_strcmp0 (label, previous) != 0)
        {
          /* A day has begun: the one before is archived, as the window
           * does when the file is opened the next morning. */
          if (previous[0] != '\0')
            {
              stipple_store_archive_month (store, previous, NULL, &error);
              check (error);
            }
          g_strlcpy (previous, label, sizeof previous);
        }

      session->patient_id = patient_id;
      /* From 08:00 UTC, one every 12 minutes. */
      session->started_at = g_date_time_add_minutes (day, 8 * 60 + 12 * (s - first_of_day));
      session->clinician = g_strdup ("Dr Bench");
      session->pen_serial = g_strdup ("STP-0001");
      session->pen_firmware = g_strdup ("1.0.0");
      session->cartridge_id = g_strdup ("C16-00001");
      session->cartridge_lot = g_strdup ("L2603");
      stipple_session_add_pass (session, STIPPLE_ZONE_FOREHEAD, 900, 120);
      stipple_store_save_session (store, session, &error);
      check (error);
      if (old_session == 0)
        old_session = session->id;

      stipple_store_append_telemetry (store, session->id,
                                      (const StippleProtoSample *) samples->data, samples->len,
                                      &error);
      check (error);
      stipple_store_flush_telemetry (store, &error);
      check (error);
      total_samples += samples->len;

      session->ended_at = g_date_time_add_seconds (session->started_at, SESSION_SECONDS + 60);
      stipple_store_save_session (store, session, &error);
      check (error);
    }
  stipple_store_close (store);
  g_clear_object (&store);

  patient_mb = file_mb (path);
  archive_mb = folder_mb (archive_dir);

  /* The first opening of the day takes its daily backup; the second,
   * timed here, finds it taken. */
  store = stipple_store_open (path, &error);
  check (error);
  stipple_store_close (store);
  g_clear_object (&store);
  t0 = g_get_monotonic_time ();
  store = stipple_store_open (path, &error);
  check (error);
  open_ms = (g_get_monotonic_time () - t0) / 1e3;

  /* The daily backup, taken again from nothing. */
  {
    g_autoptr(GDir) d = g_dir_open (backup_dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      if (g_str_has_prefix (name, "daily-"))
        {
          g_autofree char *p = g_build_filename (backup_dir, name, NULL);
          g_unlink (p);
        }
  }
  g_mutex_lock (&store->mutex);
  t0 = g_get_monotonic_time ();
  stipple_store_daily_backup (store, &error);
  backup_ms = (g_get_monotonic_time () - t0) / 1e3;
  g_mutex_unlock (&store->mutex);
  check (error);
  {
    g_autoptr(GDir) d = g_dir_open (backup_dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      if (g_str_has_prefix (name, "daily-"))
        {
          g_autofree char *p = g_build_filename (backup_dir, name, NULL);
          backup_mb += file_mb (p);
        }
  }

  /* Replaying a session of eleven months ago: its blocks are read from
   * its day's archive. */
  {
    g_autoptr(GArray) replay = NULL;

    t0 = g_get_monotonic_time ();
    replay = stipple_store_load_telemetry (store, old_session, NULL, &error);
    replay_ms = (g_get_monotonic_time () - t0) / 1e3;
    check (error);
    if (replay->len != samples->len)
      g_error ("the old session read back %u samples of %u", replay->len, samples->len);
  }

  /* A clinic keeping full-rate needle data for six months: the older
   * half of the year is thinned to its strokes. */
  {
    g_autoptr(GArray) replay = NULL;
    g_autofree char *before = stipple_store_retention_cutoff (6);

    t0 = g_get_monotonic_time ();
    stipple_store_thin_needle_data (store, before, &n_thinned, &error);
    thin_ms = (g_get_monotonic_time () - t0) / 1e3;
    check (error);
    thinned_mb = folder_mb (archive_dir);

    t0 = g_get_monotonic_time ();
    replay = stipple_store_load_telemetry (store, old_session, NULL, &error);
    replay_thinned_ms = (g_get_monotonic_time () - t0) / 1e3;
    check (error);
    if (replay->len == 0)
      g_error ("the thinned session read back no sample");
  }
  stipple_store_close (store);

  g_print ("patient_file_size: %.1f MB\n", patient_mb);
  g_print ("needle_archive_size: %.1f MB\n", archive_mb);
  g_print ("bytes_per_sample: %.3f B\n", (patient_mb + archive_mb) * 1e6 / total_samples);
  g_print ("open_time: %.1f ms\n", open_ms);
  g_print ("daily_backup_time: %.1f ms\n", backup_ms);
  g_print ("daily_backup_bytes: %.1f MB\n", backup_mb);
  g_print ("replay_start_old_session: %.1f ms\n", replay_ms);
  g_print ("thin_time_per_session: %.1f ms\n", n_thinned ? thin_ms / n_thinned : 0);
  g_print ("needle_archive_size_six_months_full_rate: %.1f MB\n", thinned_mb);
  g_print ("replay_start_thinned_session: %.1f ms\n", replay_thinned_ms);
  if (n_sessions != FULL_YEAR)
    {
      g_print ("patient_file_size_full_year: %.0f MB\n", patient_mb * scale);
      g_print ("needle_archive_size_full_year: %.0f MB\n", archive_mb * scale);
      g_print ("daily_backup_time_full_year: %.0f ms\n", backup_ms * scale);
      g_print ("daily_backup_bytes_full_year: %.0f MB\n", backup_mb * scale);
      g_print ("needle_archive_size_six_months_full_rate_full_year: %.0f MB\n", thinned_mb * scale);
    }
  print_machine ("after");

  remove_tree (dir);
  return 0;
}
