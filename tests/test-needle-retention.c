/* test-needle-retention.c: the window archives and thins as the clinic chose
 *
 * Stipple opened on the demo patient file, the clinic keeping full-rate
 * needle data for one month. Once the file is open, the needle data of the
 * days that have ended is in day archives beside it, what is older than a
 * month is thinned to its strokes with an audit row saying so, the rest
 * stays at full rate, and the record verifies, saying what was thinned.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "stipple-application.h"
#include "stipple-session-summary.h"
#include "stipple-store.h"
#include "stipple-test-a11y.h"
#include "stipple-test-ui.h"
#include "test-store-util.h"

#define TEST_WAIT_SECONDS 120
#include "stipple-test-wait.h"

static StippleApplication *app;
static char *database;
static gboolean finished;

static gint64
count (const char *sql)
{
  g_autofree char *n = test_sql (database, sql, NULL);

  return n != NULL ? g_ascii_strtoll (n, NULL, 10) : -1;
}

/* A preferences group whose description begins with @words. */
static GtkWidget *
find_described (GtkWidget  *root,
                const char *words)
{
  if (ADW_IS_PREFERENCES_GROUP (root))
    {
      const char *description = adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (root));

      if (description != NULL && g_str_has_prefix (description, words))
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_described (child, words);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
drive_cb (gpointer data)
{
  GtkWindow *window = NULL;

  WAIT_FOR ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL);
  WAIT_FOR (stipple_application_get_store (app) != NULL);
  stipple_test_wait_mapped (GTK_WIDGET (window));

  /* On the long lane, after the opening: archived, then thinned, an
   * archive at a time. Nothing older than a month is left at full rate,
   * neither in the patient file nor in an archive. */
  WAIT_FOR (count ("SELECT count(*) FROM audit WHERE kind = 'thin'") > 0 &&
            count ("SELECT count(*) FROM session s"
                   " WHERE s.started_at < strftime ('%Y-%m-%dT%H:%M:%S', 'now', '-32 days')"
                   " AND (EXISTS (SELECT 1 FROM telemetry_block b WHERE b.session_id = s.id)"
                   "      OR EXISTS (SELECT 1 FROM needle_session n WHERE n.session_id = s.id"
                   "                 AND NOT EXISTS (SELECT 1 FROM needle_thinning t"
                   "                                 WHERE t.session_id = s.id)))") == 0);
  g_assert_cmpint (count ("SELECT count(*) FROM audit WHERE kind = 'archive'"), >, 0);
  g_assert_cmpint (count ("SELECT count(*) FROM needle_thinning"), >, 0);
  /* A session of the last month keeps its full-rate needle data. */
  g_assert_cmpint (count ("SELECT count(*) FROM needle_session n JOIN session s ON s.id = n.session_id"
                          " WHERE s.started_at > strftime ('%Y-%m-%dT%H:%M:%S', 'now', '-27 days')"
                          " AND NOT EXISTS (SELECT 1 FROM needle_thinning t"
                          "                 WHERE t.session_id = n.session_id)"), >, 0);

  /* The replay of a thinned session says where its graphs come from. */
  {
    StippleStore *store = stipple_application_get_store (app);
    gint64 session_id = count ("SELECT min (session_id) FROM needle_thinning");
    gint64 patient_id = 0;
    g_autoptr(GError) error = NULL;
    g_autoptr(StipplePatientChart) chart = NULL;
    StippleSessionSummary *summary;
    GtkWidget *said = NULL;

    g_assert_true (stipple_store_find_session_patient (store, session_id, &patient_id, &error));
    chart = stipple_store_load_chart (store, patient_id, &error);
    g_assert_no_error (error);
    summary = stipple_session_summary_new (chart, session_id);
    gtk_window_present (GTK_WINDOW (summary));
    stipple_session_summary_load_replay (summary, store);
    WAIT_FOR ((said = find_described (GTK_WIDGET (summary),
                                       "Replayed from the per-stroke record")) != NULL);
    /* Scrolled down to the graphs, for the screenshot. */
    {
      GtkWidget *scrolled = gtk_widget_get_ancestor (said, GTK_TYPE_SCROLLED_WINDOW);
      GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
      graphene_rect_t bounds;

      WAIT_FOR (gtk_widget_compute_bounds (said, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)), &bounds) &&
                bounds.size.height > 0);
      gtk_adjustment_set_value (v, bounds.origin.y);
      WAIT_FOR (gtk_adjustment_get_value (v) > 0);
    }
    stipple_test_screenshot ("replay-thinned.png");
    gtk_window_destroy (GTK_WINDOW (summary));
  }

  gtk_window_close (window);
  finished = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_thinned_after_opening (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-retention-XXXXXX", NULL);
  const char *argv[] = { "stipple", "--simulate", "--demo", "--database", NULL, NULL };
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autofree char *archives = NULL;
  int status;

  database = g_build_filename (dir, "demo.stipple", NULL);
  argv[4] = database;
  g_settings_set_uint (settings, "needle-full-rate-months", 1);

  app = stipple_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_idle_add (drive_cb, NULL);
  status = g_application_run (G_APPLICATION (app), G_N_ELEMENTS (argv) - 1, (char **) argv);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (finished);
  g_clear_object (&app);

  /* The full-rate archives of the thinned days are gone; their strokes
   * archives are there. */
  archives = g_strconcat (database, ".needle", NULL);
  {
    g_autoptr(GDir) d = g_dir_open (archives, 0, &error);
    const char *name;
    guint strokes = 0, full = 0;

    g_assert_no_error (error);
    while ((name = g_dir_read_name (d)) != NULL)
      {
        if (strstr (name, "-strokes") != NULL)
          strokes++;
        else
          full++;
      }
    g_assert_cmpuint (strokes, ==, count ("SELECT count (DISTINCT archive_id) FROM needle_thinning"));
    g_assert_cmpuint (full, ==, count ("SELECT count (DISTINCT archive_id) FROM needle_session n"
                                       " WHERE NOT EXISTS (SELECT 1 FROM needle_thinning t"
                                       "                   WHERE t.session_id = n.session_id)"));
  }

  store = stipple_store_open_read_only (database, &error);
  g_assert_no_error (error);
  result = stipple_store_verify (store, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < result->breaks->len; i++)
    g_test_message ("%s", ((StippleVerifyBreak *) result->breaks->pdata[i])->message);
  g_assert_cmpuint (result->breaks->len, ==, 0);
  g_assert_cmpuint (result->notes->len, >, 0);
  stipple_store_close (store);
  test_remove_tree (dir);
  g_clear_pointer (&database, g_free);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/stipple/needle-retention/thinned-after-opening", test_thinned_after_opening);
  return g_test_run ();
}
