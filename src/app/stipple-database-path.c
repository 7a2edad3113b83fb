/* stipple-database-path.c
 *
 * Where the patient file lives, and whether a path given on the command
 * line can be used as one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-path"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "stipple-database-path.h"

G_DEFINE_QUARK (stipple-path-error-quark, stipple_path_error)

/**
 * stipple_database_path_default:
 * @demo: whether the demo patient file is wanted
 *
 * The demo file sits beside the real one, never inside it, so a
 * demonstration can never touch a real patient's record.
 *
 * Returns: (transfer full): the default path of the patient file
 */
char *
stipple_database_path_default (gboolean demo)
{
  return g_build_filename (g_get_user_data_dir (),
                           APPLICATION_ID,
                           demo ? "demo.stipple" : "patients.stipple",
                           NULL);
}

/**
 * stipple_database_path_resolve:
 * @requested: (nullable): the path given with `--database`, or %NULL
 * @demo: whether `--demo` was given
 * @error: return location for a #GError
 *
 * Checks that a patient file can be opened or created at the requested
 * path. The default location's folder is created (mode 0700) when it is
 * missing; a folder named explicitly is never created behind the user's
 * back, since a typing mistake would otherwise scatter patient files.
 *
 * Returns: (transfer full): the absolute path to use, or %NULL with @error set
 */
char *
stipple_database_path_resolve (const char  *requested,
                               gboolean     demo,
                               GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;

  if (requested == NULL)
    {
      path = stipple_database_path_default (demo);
      folder = g_path_get_dirname (path);
      if (g_mkdir_with_parents (folder, 0700) != 0)
        {
          int saved_errno = errno;
          g_set_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_NOT_WRITABLE,
                       _("Cannot create the folder “%s” for the patient file: %s"),
                       folder, g_strerror (saved_errno));
          return NULL;
        }
    }
  else
    {
      if (*requested == '\0')
        {
          g_set_error_literal (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_EMPTY,
                               _("The patient file path is empty."));
          return NULL;
        }
      path = g_canonicalize_filename (requested, NULL);
      folder = g_path_get_dirname (path);
    }

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_NO_FOLDER,
                   _("The folder “%s” does not exist."), folder);
      return NULL;
    }

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_IS_FOLDER,
                   _("“%s” is a folder, not a patient file."), path);
      return NULL;
    }

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      /* Patient data stays in a file of this user's, where it says it is:
       * a link could lead anywhere, another user's folder or a share. */
      g_set_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_NOT_A_FILE,
                   _("“%s” is a link, not the patient file itself. Open the file it points to."),
                   path);
      return NULL;
    }

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      GStatBuf st;

      if (g_stat (path, &st) == 0 && st.st_uid != getuid ())
        {
          g_set_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_NOT_WRITABLE,
                       _("“%s” belongs to another user. A patient file must be your own, "
                         "readable by you alone."), path);
          return NULL;
        }
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_NOT_A_FILE,
                       _("“%s” is not a regular file."), path);
          return NULL;
        }
      if (access (path, R_OK | W_OK) != 0)
        {
          g_set_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_NOT_WRITABLE,
                       _("You are not allowed to read and write “%s”."), path);
          return NULL;
        }
    }
  else if (access (folder, W_OK | X_OK) != 0)
    {
      g_set_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_NOT_WRITABLE,
                   _("You are not allowed to create files in “%s”."), folder);
      return NULL;
    }

  return g_steal_pointer (&path);
}
