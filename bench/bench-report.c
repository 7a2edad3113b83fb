/* bench-report.c: export time and file size of a one-hour session report
 *
 * A session of one hour at 120 strokes/s over every zone: 432,000
 * strokes, decimated to one min/max column per 3.6 s as the export does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>

#include "stipple-report.h"

#define RUNS 9

static StippleReportData *
one_hour_session (void)
{
  StippleReportData *d = stipple_report_data_new ();
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  GString *note = g_string_new (NULL);

  d->clinic_name = g_strdup ("Clinique du Lac");
  d->patient_name = g_strdup ("Benchmark Patient");
  d->record_number = g_strdup ("MRN-BENCH");
  d->date_of_birth = g_date_time_new (tz, 1980, 1, 1, 0, 0, 0);
  d->session_start = g_date_time_new (tz, 2026, 11, 20, 9, 0, 0);
  d->session_end = g_date_time_add_hours (d->session_start, 1);
  d->clinician = g_strdup ("Dr Bench");
  stipple_report_data_add_serum (d, "Hyaluronic acid", "HA-1");

  for (StippleZone z = 1; z < STIPPLE_N_ZONES; z++)
    {
      StippleReportZone zone = { .zone = z, .n_passes = 3, .rate_hz = 120, .limit_um = 1000,
                                 .strokes = 24000, .time_in_zone_us = 200 * G_USEC_PER_SEC };
      for (guint p = 0; p < 3; p++)
        zone.depth_um[p] = 500 + 250 * p;
      g_array_append_val (d->zones, zone);
    }

  for (guint i = 0; i < 1000; i++)
    {
      StippleReportPoint depth = { i * 3.6, 900 + g_random_int_range (0, 100),
                                   1400 + g_random_int_range (0, 100) };
      StippleReportPoint rate = { i * 3.6, 117, 122 };
      g_array_append_val (d->depth_series, depth);
      g_array_append_val (d->rate_series, rate);
    }

  while (note->len < 4000)
    g_string_append (note, "Even erythema across the treated zones, settling as expected. ");
  d->notes_before = g_string_free (note, FALSE);
  d->notes_after = g_strdup ("Tolerated well.");
  d->next_session = g_date_time_add_weeks (d->session_start, 4);

  /* The real report draws the face map too. */
  {
    g_autofree char *contents = NULL;
    g_autoptr(GBytes) bytes = NULL;
    gsize len;

    if (g_getenv ("STIPPLE_FACE_MAP") == NULL ||
        !g_file_get_contents (g_getenv ("STIPPLE_FACE_MAP"), &contents, &len, NULL))
      g_error ("set STIPPLE_FACE_MAP to data/face-map.txt");
    bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
    d->face = stipple_face_geometry_new (bytes, NULL);
  }

  return d;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(StippleReportData) d = NULL;
  g_autofree char *dir = g_dir_make_tmp ("stipple-bench-report-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "session.pdf", NULL);
  double ms[RUNS];
  GStatBuf st;

  setlocale (LC_ALL, "");
  g_random_set_seed (42);
  d = one_hour_session ();

  for (int i = 0; i < RUNS; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      if (!stipple_report_write_pdf (d, STIPPLE_REPORT_CHART, path, &error))
        {
          g_printerr ("export failed: %s\n", error->message);
          return 1;
        }
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (ms, RUNS, sizeof (double), compare_double);
  g_stat (path, &st);

  g_print ("report_one_hour_runs: %d count\n", RUNS);
  g_print ("report_one_hour_export_median: %.1f ms\n", ms[RUNS / 2]);
  g_print ("report_one_hour_export_max: %.1f ms\n", ms[RUNS - 1]);
  g_print ("report_one_hour_file_size: %.1f KiB\n", st.st_size / 1024.0);

  g_unlink (path);
  g_rmdir (dir);
  stipple_face_geometry_free ((StippleFaceGeometry *) d->face);

  return 0;
}
