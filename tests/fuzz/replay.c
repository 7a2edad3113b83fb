/* replay.c: runs a fuzz target over a corpus, without libFuzzer
 *
 * Linked with each fuzz target for the ordinary test run, so that every
 * committed corpus file (and every past finding added to it) is checked
 * by every build, sanitizers or not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-fuzz-replay"

#include "config.h"

#include <glib.h>

#include "fuzz-common.h"

int
main (int   argc,
      char *argv[])
{
  guint replayed = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, &error);
      const char *name;

      if (dir == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *contents = NULL;
          gsize len = 0;

          if (!g_file_get_contents (path, &contents, &len, &error))
            {
              g_printerr ("%s\n", error->message);
              return 1;
            }
          LLVMFuzzerTestOneInput ((const guint8 *) contents, len);
          replayed++;
        }
    }

  g_print ("replayed %u inputs\n", replayed);

  /* An empty corpus would pass without testing anything. */
  return replayed > 0 ? 0 : 1;
}
