/* test-export.c: stipple --export-pdf, on a real patient file, read back
 * with poppler's tools
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

#include "stipple-store.h"

static char *dir;
static char *database;

static int
run (char **out,
     char **err,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;
  int status = 0;

  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static char *
pdf_text (const char *path)
{
  g_autofree char *text = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run (&text, &err, "pdftotext", "-enc", "UTF-8", path, "-", NULL), ==, 0);
  return g_steal_pointer (&text);
}

/* Exports session @id of the demo file to @path, as Stipple does when run
 * in the locale @lc_all (and, with @language, in that interface
 * language). */
static void
export_in_locale (const char *stipple,
                  const char *id,
                  const char *path,
                  const char *lc_all,
                  const char *language)
{
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  const char *argv[] = { stipple, "--database", database, "--export-pdf", id, path, NULL };
  int status = 0;

  env = g_environ_setenv (env, "LC_ALL", lc_all, TRUE);
  if (language != NULL)
    env = g_environ_setenv (env, "LANGUAGE", language, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* A finished demo session and an unfinished one, from the demo file. */
static void
find_sessions (gint64 *ended,
               gint64 *running,
               char  **patient_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (database, &error);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(StippleSession) open = stipple_session_new ();
  const StippleSession *first;

  g_assert_no_error (error);
  g_assert_true (stipple_store_fill_demo (store, NULL, &error));
  found = stipple_store_search_patients (store, "DEMO-0001", 1, &error);
  g_assert_cmpuint (found->len, ==, 1);
  chart = stipple_store_load_chart (store, ((StipplePatient *) found->pdata[0])->id, &error);
  g_assert_no_error (error);
  first = g_ptr_array_index (chart->sessions, 0);
  g_assert_nonnull (first->ended_at);
  *ended = first->id;
  *patient_name = g_strdup (chart->patient->family_name);

  open->patient_id = chart->patient->id;
  open->started_at = g_date_time_new_now_utc ();
  open->clinician = g_strdup ("Dr Ines Moreau");
  g_assert_true (stipple_store_save_session (store, open, &error));
  *running = open->id;
  stipple_store_close (store);
}

static void
test_export (void)
{
  const char *stipple = g_getenv ("STIPPLE_BINARY");
  g_autofree char *chart_pdf = g_build_filename (dir, "chart.pdf", NULL);
  g_autofree char *copy_pdf = g_build_filename (dir, "copy.pdf", NULL);
  g_autofree char *running_pdf = g_build_filename (dir, "running.pdf", NULL);
  g_autofree char *family = NULL;
  g_autofree char *ended_id = NULL;
  g_autofree char *running_id = NULL;
  gint64 ended, running;

  find_sessions (&ended, &running, &family);
  ended_id = g_strdup_printf ("%" G_GINT64_FORMAT, ended);
  running_id = g_strdup_printf ("%" G_GINT64_FORMAT, running);

  {
    g_autofree char *out = NULL, *err = NULL, *text = NULL;

    g_assert_cmpint (run (&out, &err, stipple, "--database", database, "--export-pdf", ended_id,
                          chart_pdf, NULL), ==, 0);
    g_assert_nonnull (strstr (out, chart_pdf));
    text = pdf_text (chart_pdf);
    g_assert_nonnull (strstr (text, "Microneedling session record"));
    g_assert_nonnull (strstr (text, family));
    g_assert_nonnull (strstr (text, "DEMO-0001"));
    g_assert_nonnull (strstr (text, "Depth reached per stroke"));
    /* The demo session has needle data: the graph is drawn, not empty. */
    g_assert_null (strstr (text, "No telemetry was recorded"));
  }

  {
    g_autofree char *out = NULL, *err = NULL, *text = NULL;

    g_assert_cmpint (run (&out, &err, stipple, "--database", database, "--export-pdf", ended_id,
                          "--patient-copy", copy_pdf, NULL), ==, 0);
    text = pdf_text (copy_pdf);
    g_assert_nonnull (strstr (text, "Your microneedling treatment"));
    g_assert_null (strstr (text, "Screening and consent"));
  }

  /* In German: the words translated, decimals with a comma, dates
   * written the German way. */
  {
    g_autofree char *german_pdf = g_build_filename (dir, "de.pdf", NULL);
    g_autofree char *text = NULL;

    export_in_locale (stipple, ended_id, german_pdf, "de_DE.UTF-8", "de");
    text = pdf_text (german_pdf);
    g_assert_null (strstr (text, "Microneedling session record"));
    g_assert_nonnull (strstr (text, "Microneedling-Sitzungsprotokoll"));
    g_assert_nonnull (strstr (text, "Nachsorge"));
    g_assert_nonnull (strstr (text, "0,50 mm"));
    g_assert_null (strstr (text, "0.50 mm"));
    g_assert_nonnull (strstr (text, "März 1984"));
    /* The face map's legend: its font is no locale-formatted string, so
     * a decimal comma cannot make its words vanish. */
    g_assert_nonnull (strstr (text, "Über Grenzwert"));
  }

  /* In French as well. */
  {
    g_autofree char *french_pdf = g_build_filename (dir, "fr.pdf", NULL);
    g_autofree char *text = NULL;

    export_in_locale (stipple, ended_id, french_pdf, "fr_FR.UTF-8", "fr");
    text = pdf_text (french_pdf);
    g_assert_nonnull (strstr (text, "Au-delà de la limite"));
    g_assert_nonnull (strstr (text, "0,50"));
  }

  /* The paper follows the locale: US Letter in the United States. */
  {
    g_autofree char *letter_pdf = g_build_filename (dir, "letter.pdf", NULL);
    g_autofree char *err = NULL, *info = NULL;

    export_in_locale (stipple, ended_id, letter_pdf, "en_US.UTF-8", NULL);
    g_assert_cmpint (run (&info, &err, "pdfinfo", letter_pdf, NULL), ==, 0);
    g_assert_nonnull (strstr (info, "612 x 792 pts (letter)"));
  }
  {
    g_autofree char *out = NULL, *err = NULL, *info = NULL;

    g_assert_cmpint (run (&info, &err, "pdfinfo", chart_pdf, NULL), ==, 0);
    g_assert_nonnull (strstr (info, "(A4)"));
  }

  /* A session still running is refused, and no half report appears. */
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run (&out, &err, stipple, "--database", database, "--export-pdf", running_id,
                          running_pdf, NULL), ==, 1);
    g_assert_nonnull (strstr (err, "still running"));
    g_assert_false (g_file_test (running_pdf, G_FILE_TEST_EXISTS));
  }

  /* No such session, and bad command lines. */
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run (&out, &err, stipple, "--database", database, "--export-pdf", "999999",
                          running_pdf, NULL), ==, 1);
    g_assert_nonnull (strstr (err, "no session 999999"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run (&out, &err, stipple, "--database", database, "--export-pdf", ended_id,
                          NULL), ==, 2);
    g_assert_nonnull (strstr (err, "--export-pdf ID FILE"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run (&out, &err, stipple, "--database", database, "stray-argument", NULL), ==, 2);
    g_assert_nonnull (strstr (err, "stray-argument"));
  }
}

/* A Spanish-speaking patient of a German clinic: the clinician's chart
 * stays German, the patient's copy is Spanish, dates and decimals the
 * Spanish way, from the same process. */
static void
test_patient_language (void)
{
  const char *stipple = g_getenv ("STIPPLE_BINARY");
  g_autofree char *copy_pdf = g_build_filename (dir, "copy-es.pdf", NULL);
  g_autofree char *chart_pdf = g_build_filename (dir, "chart-de.pdf", NULL);
  g_autofree char *family = NULL;
  g_autofree char *ended_id = NULL;
  g_auto(GStrv) env = g_get_environ ();
  gint64 ended, running;

  find_sessions (&ended, &running, &family);
  ended_id = g_strdup_printf ("%" G_GINT64_FORMAT, ended);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(StippleStore) store = stipple_store_open (database, &error);
    g_autoptr(GPtrArray) found = stipple_store_search_patients (store, "DEMO-0001", 1, &error);
    StipplePatient *patient;

    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 1);
    patient = found->pdata[0];
    g_free (patient->language);
    patient->language = g_strdup ("es");
    g_assert_true (stipple_store_save_patient (store, patient, &error));
    g_assert_no_error (error);
    stipple_store_close (store);
  }

  env = g_environ_setenv (env, "LC_ALL", "de_DE.UTF-8", TRUE);
  env = g_environ_setenv (env, "LANGUAGE", "de", TRUE);

  {
    const char *argv[] = { stipple, "--database", database, "--export-pdf", ended_id,
                           "--patient-copy", copy_pdf, NULL };
    g_autofree char *out = NULL, *err = NULL, *text = NULL;
    g_autoptr(GError) error = NULL;
    int status = 0;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("export failed: %s", err);
    text = pdf_text (copy_pdf);
    g_assert_nonnull (strstr (text, "Su tratamiento de microneedling"));
    /* The aftercare and the next visit, in Spanish. */
    g_assert_nonnull (strstr (text, "Cuidados posteriores"));
    g_assert_nonnull (strstr (text, "protector solar"));
    g_assert_nonnull (strstr (text, "Próxima sesión"));
    g_assert_nonnull (strstr (text, "Frente"));
    /* Spanish dates and decimals. */
    g_assert_nonnull (strstr (text, "12 de marzo de 1984"));
    g_assert_nonnull (strstr (text, "0,50 mm"));
    /* Nothing of the interface's German. */
    g_assert_null (strstr (text, "Nachsorge"));
    g_assert_null (strstr (text, "März"));
    g_assert_null (strstr (text, "Sitzung"));
    g_assert_null (strstr (text, "Your microneedling"));
  }

  /* The clinician's record of the same session stays in German. */
  {
    const char *argv[] = { stipple, "--database", database, "--export-pdf", ended_id, chart_pdf,
                           NULL };
    g_autofree char *out = NULL, *err = NULL, *text = NULL;
    g_autoptr(GError) error = NULL;
    int status = 0;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    text = pdf_text (chart_pdf);
    g_assert_nonnull (strstr (text, "Microneedling-Sitzungsprotokoll"));
    g_assert_nonnull (strstr (text, "Nachsorge"));
    g_assert_nonnull (strstr (text, "12. März 1984"));
  }
}

/* A session whose needle archive is gone: the clinical record is whole,
 * so the chart copy is still written, and says in place of the graphs
 * why they are not there, not that nothing was recorded. With the
 * archive in its place, the same session's graphs are drawn. */
static void
test_archive_missing (void)
{
  const char *stipple = g_getenv ("STIPPLE_BINARY");
  g_autofree char *path = g_build_filename (dir, "archived.stipple", NULL);
  g_autofree char *archives = g_strconcat (path, ".needle", NULL);
  g_autofree char *aside = g_strconcat (path, ".needle-aside", NULL);
  g_autofree char *with_pdf = g_build_filename (dir, "archived-with.pdf", NULL);
  g_autofree char *without_pdf = g_build_filename (dir, "archived-without.pdf", NULL);
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (path, &error);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  guint n_days = 0, n_blocks = 0;

  g_assert_no_error (error);
  g_assert_true (stipple_store_fill_demo (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (stipple_store_archive_closed_days (store, &n_days, &n_blocks, &error));
  g_assert_no_error (error);
  found = stipple_store_search_patients (store, "DEMO-0001", 1, &error);
  g_assert_cmpuint (found->len, ==, 1);
  chart = stipple_store_load_chart (store, ((StipplePatient *) found->pdata[0])->id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < chart->sessions->len && id == NULL; i++)
    {
      const StippleSession *s = g_ptr_array_index (chart->sessions, i);

      if (stipple_store_get_needle_archived (store, s->id))
        id = g_strdup_printf ("%" G_GINT64_FORMAT, s->id);
    }
  g_assert_nonnull (id);
  stipple_store_close (store);

  {
    g_autofree char *out = NULL, *err = NULL, *text = NULL;

    g_assert_cmpint (run (&out, &err, stipple, "--database", path, "--export-pdf", id, with_pdf,
                          NULL), ==, 0);
    text = pdf_text (with_pdf);
    g_assert_nonnull (strstr (text, "Depth reached per stroke"));
    g_assert_null (strstr (text, "could not be drawn"));
  }

  g_assert_cmpint (g_rename (archives, aside), ==, 0);
  {
    g_autofree char *out = NULL, *err = NULL, *text = NULL;

    g_assert_cmpint (run (&out, &err, stipple, "--database", path, "--export-pdf", id,
                          without_pdf, NULL), ==, 0);
    text = pdf_text (without_pdf);
    g_assert_nonnull (strstr (text, "Microneedling session record"));
    g_assert_nonnull (strstr (text, "DEMO-0001"));
    g_assert_nonnull (strstr (text, "The needle graphs could not be drawn"));
    g_assert_nonnull (strstr (text, "missing"));
    g_assert_null (strstr (text, "No telemetry was recorded"));
    g_assert_null (strstr (text, "Depth reached per stroke"));
  }
  g_assert_cmpint (g_rename (aside, archives), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  dir = g_dir_make_tmp ("stipple-export-XXXXXX", NULL);
  database = g_build_filename (dir, "demo.stipple", NULL);

  g_test_add_func ("/stipple/export/pdf", test_export);
  g_test_add_func ("/stipple/export/patient-language", test_patient_language);
  g_test_add_func ("/stipple/export/archive-missing", test_archive_missing);

  status = g_test_run ();

  /* STIPPLE_KEEP_REPORTS=1 keeps the files, to look at them. */
  if (g_getenv ("STIPPLE_KEEP_REPORTS") != NULL)
    {
      g_printerr ("# reports kept in %s\n", dir);
      return status;
    }

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }

  return status;
}
