/* bench-treatment.c: from a click on a zone to "Applied and verified" on screen
 *
 * The real treatment page over the simulated pen and a real patient file:
 * a zone is chosen in the page's zone list, the settings go to the pen,
 * are acknowledged and read back, and the page says so; the time is taken
 * at the first frame painted after that. Zones alternate, so every run
 * sends new settings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "stipple-sim-transport.h"
#include "stipple-treatment-page.h"

#define RUNS 41

static gint64 painted_at;
static gboolean want_paint;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  if (want_paint)
    {
      painted_at = g_get_monotonic_time ();
      want_paint = FALSE;
    }
}

static GtkWidget *
find_zone_row (GtkWidget   *root,
               StippleZone  zone)
{
  if (GTK_IS_LIST_BOX_ROW (root) &&
      GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (root), "zone")) == (guint) zone)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_zone_row (child, zone);
      if (found != NULL)
        return found;
    }

  return NULL;
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
  g_autofree char *dir = g_dir_make_tmp ("stipple-bench-treatment-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StipplePatient) patient = stipple_patient_new ();
  g_autoptr(StippleSession) session = stipple_session_new ();
  g_autoptr(StippleTransport) transport = NULL;
  g_autoptr(StipplePen) pen = NULL;
  g_autoptr(StippleTreatment) treatment = NULL;
  const StippleZone zones[] = { STIPPLE_ZONE_CHEEK_LEFT, STIPPLE_ZONE_FOREHEAD };
  StippleZoneLimits limits;
  GtkWidget *window, *page;
  double ms[RUNS];
  guint n = 0;

  gtk_init ();
  adw_init ();

  store = stipple_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  patient->family_name = g_strdup ("Bench");
  patient->given_name = g_strdup ("Patient");
  patient->record_number = g_strdup ("BENCH-1");
  patient->date_of_birth = g_strdup ("1980-01-01");
  if (!stipple_store_save_patient (store, patient, &error))
    g_error ("%s", error->message);
  session->patient_id = patient->id;
  session->started_at = g_date_time_new_now_utc ();
  session->clinician = g_strdup ("Dr Bench");
  stipple_session_add_pass (session, STIPPLE_ZONE_CHEEK_LEFT, 750, 120);
  stipple_session_add_pass (session, STIPPLE_ZONE_FOREHEAD, 500, 110);
  if (!stipple_store_save_session (store, session, &error))
    g_error ("%s", error->message);

  transport = stipple_sim_transport_new (NULL, FALSE);
  pen = stipple_pen_new (transport);
  if (!stipple_pen_start (pen, &error))
    g_error ("%s", error->message);
  while (!stipple_pen_get_connected (pen))
    g_main_context_iteration (NULL, TRUE);

  stipple_zone_limits_init_defaults (&limits);
  treatment = stipple_treatment_new (store, pen, session, "Dr Bench", STIPPLE_SKIN_THIN, &limits);
  page = stipple_treatment_page_new (treatment);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (page))
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb), NULL);

  for (guint i = 0; i < RUNS; i++)
    {
      StippleZone zone = zones[i % G_N_ELEMENTS (zones)];
      GtkWidget *row = find_zone_row (page, zone);
      gint64 clicked;

      g_assert (row != NULL);
      clicked = g_get_monotonic_time ();
      g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
      while (!(stipple_treatment_get_zone (treatment) == zone &&
               stipple_treatment_get_verification (treatment) == STIPPLE_VERIFICATION_VERIFIED))
        {
          if (g_get_monotonic_time () - clicked > 5 * G_USEC_PER_SEC)
            g_error ("the pen did not verify %s", stipple_zone_get_key (zone));
          g_main_context_iteration (NULL, TRUE);
        }
      /* On screen: the first frame painted after the page knew. */
      want_paint = TRUE;
      gtk_widget_queue_draw (page);
      while (want_paint)
        g_main_context_iteration (NULL, TRUE);
      /* The first click warms caches; it is not counted. */
      if (i > 0)
        ms[n++] = (painted_at - clicked) / 1000.0;
    }

  qsort (ms, n, sizeof (double), compare_double);
  g_print ("# simulated pen, %u zone changes alternating between two zones\n", n);
  g_print ("treatment_zone_to_verified_runs: %u count\n", n);
  g_print ("treatment_zone_to_verified_median: %.1f ms\n", ms[n / 2]);
  g_print ("treatment_zone_to_verified_p90: %.1f ms\n", ms[(n * 9) / 10]);
  g_print ("treatment_zone_to_verified_max: %.1f ms\n", ms[n - 1]);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&treatment);
  stipple_pen_stop (pen);
  stipple_store_close (store);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", dir);
  }

  return 0;
}
