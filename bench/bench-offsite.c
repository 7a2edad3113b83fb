/* bench-offsite.c: the copy off this computer must never hold up a
 * treatment
 *
 * A patient file with needle data is copied to a "far drive" whose every
 * fsync takes FSYNC_MS (a slow USB stick or network share; the test VFS
 * delays syncs under that folder only). Meanwhile the main thread appends
 * an audit row every 20 ms, as a treatment does when it sends settings,
 * and times each append. Printed:
 *
 * - the patient file's size and the copy's duration;
 * - the slowest and 99th-percentile audit append while the copy runs,
 *   against the same with no copy running: the store is held only for the
 *   local snapshot, so the two should be close.
 *
 * Usage: bench-offsite [--fsync-ms N] [--minutes N]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "stipple-store-backup.h"
#include "stipple-test-vfs.h"

typedef struct
{
  char     *path;
  gboolean  done;
} CopyResult;

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
copied_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CopyResult *copy = user_data;
  g_autoptr(GError) error = NULL;

  copy->path = stipple_store_copy_off_machine_finish (STIPPLE_STORE (object), result, &error);
  if (copy->path == NULL)
    g_error ("The copy failed: %s", error->message);
  copy->done = TRUE;
}

/* Appends one audit row and returns how long it took, in ms. */
static double
timed_append (StippleStore *store,
              gint64        session_id)
{
  g_autoptr(StippleAuditEntry) entry = stipple_audit_entry_new (STIPPLE_AUDIT_SETTING);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  entry->session_id = session_id;
  entry->user = g_strdup ("Dr Bench");
  entry->zone = STIPPLE_ZONE_FOREHEAD;
  entry->sent = g_strdup ("zone=forehead depth_um=500 rate_hz=120");
  if (!stipple_store_append_audit (store, entry, &error))
    g_error ("%s", error->message);
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* Appends every 20 ms until @until holds (or @n_max appends), then
 * reports the slowest and the 99th percentile. */
static void
append_while (StippleStore *store,
              gint64        session_id,
              gboolean     *until,
              guint         n_max,
              double       *max,
              double       *p99,
              guint        *n)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  while ((until != NULL && !*until) || (until == NULL && times->len < n_max))
    {
      double t = timed_append (store, session_id);

      g_array_append_val (times, t);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
  qsort (times->data, times->len, sizeof (double), compare_double);
  *n = times->len;
  *max = times->len > 0 ? g_array_index (times, double, times->len - 1) : 0;
  *p99 = times->len > 0 ? g_array_index (times, double, (guint) floor ((times->len - 1) * 0.99)) : 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("stipple-bench-offsite-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  g_autofree char *far = g_build_filename (dir, "far-drive", NULL);
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StipplePatient) patient = stipple_patient_new ();
  g_autoptr(StippleSession) session = stipple_session_new ();
  g_autofree StippleProtoSample *samples = g_new0 (StippleProtoSample, 8000);
  CopyResult copy = { 0, };
  int fsync_ms = 200;
  int minutes = 20;
  double idle_max, idle_p99, busy_max, busy_p99;
  guint idle_n, busy_n;
  gint64 start, end;
  GStatBuf st;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--fsync-ms") && i + 1 < argc)
        fsync_ms = atoi (argv[++i]);
      else if (g_str_equal (argv[i], "--minutes") && i + 1 < argc)
        minutes = atoi (argv[++i]);
    }

  stipple_test_vfs_install ();
  g_mkdir (far, 0700);
  store = stipple_store_open (path, &error);
  g_assert_no_error (error);

  patient->record_number = g_strdup ("B-0001");
  patient->given_name = g_strdup ("Bench");
  patient->family_name = g_strdup ("Patient");
  patient->date_of_birth = g_strdup ("1980-01-01");
  if (!stipple_store_save_patient (store, patient, &error))
    g_error ("%s", error->message);
  session->patient_id = patient->id;
  session->started_at = g_date_time_new_now_utc ();
  session->clinician = g_strdup ("Dr Bench");
  session->pen_serial = g_strdup ("STP-0001");
  session->pen_firmware = g_strdup ("1.0.0");
  session->cartridge_id = g_strdup ("C16-00001");
  session->cartridge_lot = g_strdup ("L1");
  stipple_session_add_pass (session, STIPPLE_ZONE_FOREHEAD, 500, 120);
  if (!stipple_store_save_session (store, session, &error))
    g_error ("%s", error->message);

  /* A day's needle data: MINUTES of 8 kHz samples. */
  for (int s = 0; s < minutes * 60; s++)
    {
      for (guint i = 0; i < 8000; i++)
        {
          guint64 k = (guint64) s * 8000 + i;

          samples[i].timestamp_us = k * 125;
          samples[i].position_um = (gint32) (400.0 * sin (k * 0.0523)) - 100;
          samples[i].stroke_count = (guint32) (k / 67);
        }
      if (!stipple_store_append_telemetry (store, session->id, samples, 8000, &error))
        g_error ("%s", error->message);
    }
  if (!stipple_store_flush_telemetry (store, &error))
    g_error ("%s", error->message);
  g_stat (path, &st);

  append_while (store, session->id, NULL, 200, &idle_max, &idle_p99, &idle_n);

  stipple_test_vfs_only_under = g_strdup (far);
  g_atomic_int_set (&stipple_test_vfs_sync_delay_ms, fsync_ms);
  start = g_get_monotonic_time ();
  stipple_store_copy_off_machine_async (store, far, NULL, copied_cb, &copy);
  append_while (store, session->id, &copy.done, 0, &busy_max, &busy_p99, &busy_n);
  end = g_get_monotonic_time ();
  g_atomic_int_set (&stipple_test_vfs_sync_delay_ms, 0);

  {
    double load[3] = { 0, };
    g_autofree char *loadavg = NULL;

    if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
      sscanf (loadavg, "%lf %lf %lf", &load[0], &load[1], &load[2]);
    g_print ("# %u cores, load %.2f; far drive: every fsync %d ms; %d minutes of needle data\n",
             g_get_num_processors (), load[0], fsync_ms, minutes);
  }
  g_print ("offsite-file-size: %.1f MB\n", st.st_size / 1e6);
  g_print ("offsite-copy-time: %.0f ms\n", (end - start) / 1000.0);
  g_print ("offsite-audit-append-idle-max: %.1f ms (%u appends)\n", idle_max, idle_n);
  g_print ("offsite-audit-append-idle-p99: %.1f ms\n", idle_p99);
  g_print ("offsite-audit-append-during-copy-max: %.1f ms (%u appends)\n", busy_max, busy_n);
  g_print ("offsite-audit-append-during-copy-p99: %.1f ms\n", busy_p99);

  stipple_store_close (store);
  {
    g_autoptr(GDir) d = g_dir_open (far, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *child = g_build_filename (far, name, NULL);
        g_unlink (child);
      }
    g_rmdir (far);
    d = g_dir_open (dir, 0, NULL);
    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *child = g_build_filename (dir, name, NULL);
        g_autofree char *backups = g_strconcat (path, ".backups", NULL);

        if (g_str_equal (child, backups))
          {
            g_autoptr(GDir) b = g_dir_open (backups, 0, NULL);
            const char *bn;

            while (b != NULL && (bn = g_dir_read_name (b)) != NULL)
              {
                g_autofree char *bc = g_build_filename (backups, bn, NULL);
                g_unlink (bc);
              }
            g_rmdir (backups);
          }
        else
          g_unlink (child);
      }
    g_rmdir (dir);
  }
  g_free (copy.path);
  return 0;
}
