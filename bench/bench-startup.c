/* bench-startup.c: cold start to the first frame of the main window
 *
 * Spawns stipple --measure-startup several times; the application prints
 * the monotonic time of its first painted frame, and the difference from
 * the moment of spawning is the start-up time a clinician waits through.
 *
 * Usage: bench-startup [RUNS]  (the binary is $STIPPLE_BINARY)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>

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
  g_autofree char *dir = NULL;
  g_autofree char *database = NULL;
  g_autofree double *ms = NULL;
  const char *binary = g_getenv ("STIPPLE_BINARY");
  int runs;

  if (binary == NULL)
    {
      g_printerr ("%s: set STIPPLE_BINARY to the stipple program\n", argv[0]);
      return 2;
    }
  runs = argc > 1 ? atoi (argv[1]) : 9;
  if (runs < 1)
    runs = 1;

  dir = g_dir_make_tmp ("stipple-bench-XXXXXX", NULL);
  database = g_build_filename (dir, "demo.stipple", NULL);
  ms = g_new0 (double, runs);

  for (int i = 0; i < runs; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      const char *child_argv[] = {
        binary, "--measure-startup", "--simulate", "--demo", "--database", database, NULL
      };
      const char *line;
      gint64 spawned, first_frame;
      int status;

      spawned = g_get_monotonic_time ();
      if (!g_spawn_sync (NULL, (char **) child_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                         &out, &err, &status, &error))
        {
          g_printerr ("cannot start %s: %s\n", binary, error->message);
          return 1;
        }
      line = strstr (out, "first-frame-monotonic-us: ");
      if (!g_spawn_check_wait_status (status, &error) || line == NULL)
        {
          g_printerr ("stipple did not report a first frame (%s)\n%s",
                      error ? error->message : "no output", err);
          return 1;
        }
      first_frame = g_ascii_strtoll (line + strlen ("first-frame-monotonic-us: "), NULL, 10);
      ms[i] = (first_frame - spawned) / 1000.0;
    }

  qsort (ms, runs, sizeof (double), compare_double);
  g_print ("startup_runs: %d count\n", runs);
  g_print ("startup_first_frame_median: %.1f ms\n", ms[runs / 2]);
  g_print ("startup_first_frame_min: %.1f ms\n", ms[0]);
  g_print ("startup_first_frame_max: %.1f ms\n", ms[runs - 1]);

  g_unlink (database);
  g_rmdir (dir);

  return 0;
}
