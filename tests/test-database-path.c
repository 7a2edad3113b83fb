/* test-database-path.c: choosing and checking the patient file path
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "stipple-database-path.h"

static void
test_default_apart (void)
{
  g_autofree char *real = stipple_database_path_default (FALSE);
  g_autofree char *demo = stipple_database_path_default (TRUE);
  g_autofree char *real_dir = g_path_get_dirname (real);

  g_assert_cmpstr (real, !=, demo);
  /* The demo file must never be inside the real patient file's path. */
  g_assert_false (g_str_has_prefix (demo, real));
  g_assert_true (g_str_has_prefix (real, g_get_user_data_dir ()));
  g_assert_nonnull (strstr (real_dir, APPLICATION_ID));
}

static void
test_resolve_creates_default_folder (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;
  GStatBuf st;

  /* g_test_init (G_TEST_OPTION_ISOLATE_DIRS) points XDG dirs at a temp tree. */
  path = stipple_database_path_resolve (NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (path);
  folder = g_path_get_dirname (path);
  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
}

static void
test_resolve_explicit (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("stipple-path-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "clinic.stipple", NULL);
  g_autofree char *relative = NULL;
  g_autofree char *path = NULL;
  g_autofree char *missing = g_build_filename (dir, "no", "such", "x.stipple", NULL);

  path = stipple_database_path_resolve (file, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, file);
  g_clear_pointer (&path, g_free);

  path = stipple_database_path_resolve (missing, FALSE, &error);
  g_assert_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_NO_FOLDER);
  g_assert_null (path);
  g_clear_error (&error);
  /* A folder named explicitly is never created. */
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  path = stipple_database_path_resolve (dir, FALSE, &error);
  g_assert_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_IS_FOLDER);
  g_clear_error (&error);

  path = stipple_database_path_resolve ("", FALSE, &error);
  g_assert_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_EMPTY);
  g_clear_error (&error);

  g_assert_cmpint (symlink ("/dev/null", file), ==, 0);
  path = stipple_database_path_resolve (file, FALSE, &error);
  g_assert_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_NOT_A_FILE);
  g_clear_error (&error);
  g_unlink (file);

  /* A link to a real patient file is refused too: the file is opened
   * where it is, not through a link. */
  {
    g_autofree char *real = g_build_filename (dir, "real.stipple", NULL);

    g_assert_true (g_file_set_contents (real, "", 0, NULL));
    g_assert_cmpint (symlink (real, file), ==, 0);
    path = stipple_database_path_resolve (file, FALSE, &error);
    g_assert_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_NOT_A_FILE);
    g_assert_nonnull (strstr (error->message, "link"));
    g_clear_error (&error);
    g_unlink (file);

    /* Another user's file is refused, never opened. */
    if (getuid () == 0)
      {
        g_assert_cmpint (chown (real, 65534, 65534), ==, 0);
        path = stipple_database_path_resolve (real, FALSE, &error);
        g_assert_error (error, STIPPLE_PATH_ERROR, STIPPLE_PATH_ERROR_NOT_WRITABLE);
        g_assert_nonnull (strstr (error->message, "another user"));
        g_clear_error (&error);
      }
    g_unlink (real);
  }

  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/stipple/database-path/default-apart", test_default_apart);
  g_test_add_func ("/stipple/database-path/creates-default-folder", test_resolve_creates_default_folder);
  g_test_add_func ("/stipple/database-path/explicit", test_resolve_explicit);

  return g_test_run ();
}
