/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple"

#include "config.h"

#include <glib.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "stipple-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(StippleApplication) app = NULL;

  /* Before anything else, so option help is translated too. */
  setlocale (LC_ALL, "");
  /* STIPPLE_LOCALEDIR: translations from a build tree, for running and
   * testing Stipple uninstalled. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("STIPPLE_LOCALEDIR") ? g_getenv ("STIPPLE_LOCALEDIR")
                                                                 : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = stipple_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
