/* test-cli.c: the stipple command line, run as a user would run it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <sys/wait.h>

#include "test-store-util.h"

typedef struct
{
  char *out;
  char *err;
  int   status;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/* Runs stipple with @envp (NULL: this process's environment) and the
 * arguments after it, up to NULL. */
static void
run_stipple_env (Run         *run,
                 char       **envp,
                 const char  *first,
                 ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("STIPPLE_BINARY");
  const char *arg;
  va_list ap;
  int wait_status = 0;

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (char *) binary);
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

#define run_stipple(run, ...) run_stipple_env ((run), NULL, __VA_ARGS__)

static void
test_version (void)
{
  Run run = { 0 };

  run_stipple (&run, "--version", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "Stipple " PACKAGE_VERSION "\n");
  g_assert_cmpstr (run.err, ==, "");
  run_clear (&run);

  run_stipple (&run, "-v", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "Stipple " PACKAGE_VERSION "\n");
  run_clear (&run);
}

static void
test_help (void)
{
  Run run = { 0 };

  run_stipple (&run, "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "--simulate"));
  g_assert_nonnull (strstr (run.out, "--database=PATH"));
  g_assert_nonnull (strstr (run.out, "--demo"));
  g_assert_nonnull (strstr (run.out, "--version"));
  /* The benchmark's option is not for users. */
  g_assert_null (strstr (run.out, "measure-startup"));
  run_clear (&run);
}

static void
test_unknown_option (void)
{
  Run run = { 0 };

  run_stipple (&run, "--no-such-option", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--no-such-option"));
  g_assert_nonnull (strstr (run.err, "--help"));
  g_assert_cmpstr (run.out, ==, "");
  run_clear (&run);
}

static void
test_database_missing_folder (void)
{
  Run run = { 0 };

  run_stipple (&run, "--database", "/nonexistent-stipple-folder/patients.stipple", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "/nonexistent-stipple-folder"));
  g_assert_nonnull (strstr (run.err, "does not exist"));
  run_clear (&run);
}

static void
test_database_is_folder (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-cli-XXXXXX", NULL);
  Run run = { 0 };

  g_assert_nonnull (dir);
  run_stipple (&run, "--database", dir, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "is a folder"));
  run_clear (&run);

  run_stipple (&run, "--database=", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "empty"));
  run_clear (&run);

  g_rmdir (dir);
}

/* A patient file at @path with the demo's patients and needle data. */
static void
write_demo_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (stipple_store_fill_demo (store, NULL, &error));
  g_assert_no_error (error);
  stipple_store_close (store);
}

/* --archive-needle-data moves the closed months' needle data to their
 * archives beside the file, and says so; a second run finds none left. */
static void
test_archive_needle_data (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-cli-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  g_autofree char *archives = g_strconcat (path, ".needle", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  Run run = { 0 };

  write_demo_file (path);

  run_stipple (&run, "--database", path, "--archive-needle-data", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Archived the needle data of"));
  g_assert_nonnull (strstr (run.out, archives));
  run_clear (&run);
  listing = g_dir_open (archives, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_dir_read_name (listing));

  run_stipple (&run, "--database", path, "--archive-needle-data", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "No needle data"));
  run_clear (&run);

  run_stipple (&run, "--verify", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  g_clear_pointer (&listing, g_dir_close);
  test_remove_tree (dir);
}

/* --archive-needle-data keeps the clinic's retention as the window does:
 * with one month at full rate in the clinic's settings, what is older is
 * thinned to its strokes, the command says so, the full-rate archives of
 * those days are gone and the file still verifies, saying what was
 * thinned. With the default (for ever), nothing is. */
static void
test_archive_thins (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-cli-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  g_autofree char *config = g_build_filename (dir, "config", NULL);
  g_autofree char *settings_dir = g_build_filename (config, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  g_autofree char *archives = g_strconcat (path, ".needle", NULL);
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  guint n_strokes = 0;
  Run run = { 0 };

  write_demo_file (path);

  envp = g_environ_setenv (envp, "GSETTINGS_BACKEND", "keyfile", TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", config, TRUE);
  g_assert_cmpint (g_mkdir_with_parents (settings_dir, 0700), ==, 0);

  /* The default keeps everything at full rate. */
  run_stipple_env (&run, envp, "--database", path, "--archive-needle-data", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Archived the needle data of"));
  g_assert_null (strstr (run.out, "Thinned"));
  run_clear (&run);

  g_assert_true (g_file_set_contents (keyfile,
                                      "[io/github/stipple/Stipple]\n"
                                      "needle-full-rate-months=uint32 1\n",
                                      -1, &error));
  g_assert_no_error (error);
  run_stipple_env (&run, envp, "--database", path, "--archive-needle-data", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "No needle data"));
  g_assert_nonnull (strstr (run.out, "Thinned the needle data of"));
  run_clear (&run);

  listing = g_dir_open (archives, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, "-strokes.sqlite"))
      n_strokes++;
  g_assert_cmpuint (n_strokes, >, 0);

  /* Done once: the next run finds nothing more to thin. */
  run_stipple_env (&run, envp, "--database", path, "--archive-needle-data", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_null (strstr (run.out, "Thinned"));
  run_clear (&run);

  run_stipple (&run, "--verify", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "was thinned to the per-stroke record"));
  run_clear (&run);
  g_clear_pointer (&listing, g_dir_close);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/cli/version", test_version);
  g_test_add_func ("/stipple/cli/help", test_help);
  g_test_add_func ("/stipple/cli/unknown-option", test_unknown_option);
  g_test_add_func ("/stipple/cli/database-missing-folder", test_database_missing_folder);
  g_test_add_func ("/stipple/cli/database-is-folder", test_database_is_folder);
  g_test_add_func ("/stipple/cli/archive-needle-data", test_archive_needle_data);
  g_test_add_func ("/stipple/cli/archive-thins", test_archive_thins);

  return g_test_run ();
}
