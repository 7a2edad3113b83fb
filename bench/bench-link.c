/* bench-link.c: the pen link's timing while a treatment runs
 *
 * A real treatment screen (the treatment page, its live graphs) in a real
 * window, the simulated pen armed at 8,000 samples/s, and a patient file
 * whose every fsync takes --fsync-delay milliseconds (400 by default):
 * what a busy clinic PC with a slow disk does to the link. Run it with a
 * CPU hog on every core (./build-aux/dev bench link does, with --load).
 *
 * Measured while armed:
 *   heartbeat_interval_p99/max   between two heartbeats the link sent
 *   commands_resent              commands sent again for want of a reply
 *   spurious_stops               needle stops nobody asked for
 *   samples_lost                 samples the pen or the host lost
 *   samples_lost_in_emulated_pen of those, lost in the emulated pen's queue
 *   emulated_pen_read_gap_max    the longest its thread went between reads
 *   emulated_pen_read_max        the longest one read took
 *   ui_liveness_age_max          the oldest the window's liveness token got
 *   link_tick_gap_max            the longest the link thread went unrun
 *   heartbeat_send_max           the longest a heartbeat's send took
 *   cpu_ui_thread                the main thread's CPU time / wall time
 *
 * Usage: bench-link [SECONDS] [--fsync-delay MS]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* RUSAGE_THREAD */
#define _GNU_SOURCE

#include "config.h"

#include <adwaita.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "stipple-sim-transport.h"
#include "stipple-store.h"
#include "stipple-test-vfs.h"
#include "stipple-treatment-page.h"
#include "stipple-treatment.h"
#include "stipple-zone-limits.h"
#include "stipple-zones.h"

static guint stops;

static void
disarmed_cb (StipplePen             *pen,
             StipplePenDisarmReason  reason,
             const char             *message,
             gpointer                user_data)
{
  stops++;
  g_printerr ("bench-link: the needle stopped: %s\n", message);
}

static void
wait_until (gboolean (*cond) (gpointer), gpointer data, guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_printerr ("bench-link: timed out\n");
          exit (1);
        }
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
connected (gpointer pen)
{
  return stipple_pen_get_connected (pen);
}

static gboolean
verified (gpointer treatment)
{
  return stipple_treatment_get_verification (treatment) == STIPPLE_VERIFICATION_VERIFIED;
}

static gboolean
armed (gpointer treatment)
{
  return stipple_treatment_get_armed (treatment);
}

static double
thread_cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("stipple-bench-link-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  g_autoptr(StipplePatient) patient = stipple_patient_new ();
  g_autoptr(StippleSession) session = stipple_session_new ();
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleTransport) transport = NULL;
  g_autoptr(StipplePen) pen = NULL;
  g_autoptr(StippleTreatment) treatment = NULL;
  StippleZonePlan plan = { .n_passes = 1, .rate_hz = 120, .depth_um = { 1000 } };
  StippleZoneLimits limits;
  StipplePenLinkStats link;
  StipplePenTelemetryStats telemetry;
  GtkWidget *window;
  double seconds = 20, cpu_start, cpu_end;
  gint64 start, end;
  int fsync_delay_ms = 400;
  double load[1] = { 0 };
  gboolean ui_raised;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--fsync-delay") && i + 1 < argc)
        fsync_delay_ms = atoi (argv[++i]);
      else
        seconds = g_ascii_strtod (argv[i], NULL);
    }

  gtk_init ();
  adw_init ();
  stipple_test_vfs_install ();
  /* As the application does at startup. */
  ui_raised = stipple_thread_raise_nice ("window", STIPPLE_UI_THREAD_NICE);

  store = stipple_store_open (path, &error);
  g_assert_no_error (error);
  patient->family_name = g_strdup ("Brandt");
  patient->given_name = g_strdup ("Amélie");
  patient->record_number = g_strdup ("MRN-1");
  patient->date_of_birth = g_strdup ("1984-03-09");
  g_assert_true (stipple_store_save_patient (store, patient, &error));
  session->patient_id = patient->id;
  session->started_at = g_date_time_new_now_utc ();
  session->clinician = g_strdup ("Dr Moreau");
  g_assert_true (stipple_store_save_session (store, session, &error));

  transport = stipple_sim_transport_new (NULL, FALSE);
  pen = stipple_pen_new (transport);
  g_assert_true (stipple_pen_start (pen, &error));
  wait_until (connected, pen, 10);

  stipple_zone_limits_init_defaults (&limits);
  treatment = stipple_treatment_new (store, pen, session, "Dr Moreau", STIPPLE_SKIN_THIN, &limits);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 900);
  gtk_window_set_child (GTK_WINDOW (window), stipple_treatment_page_new (treatment));
  gtk_window_present (GTK_WINDOW (window));

  stipple_treatment_select_zone (treatment, STIPPLE_ZONE_CHEEK_LEFT, 1);
  g_assert_true (stipple_treatment_set_plan (treatment, STIPPLE_ZONE_CHEEK_LEFT, &plan, NULL, &error));
  wait_until (verified, treatment, 10);

  /* From here on the disk is slow. */
  g_atomic_int_set (&stipple_test_vfs_sync_delay_ms, fsync_delay_ms);
  stipple_treatment_arm_async (treatment, NULL, NULL, NULL);
  wait_until (armed, treatment, 10);
  g_signal_connect (pen, "disarmed", G_CALLBACK (disarmed_cb), NULL);

  start = g_get_monotonic_time ();
  cpu_start = thread_cpu_s ();
  while (g_get_monotonic_time () - start < seconds * G_USEC_PER_SEC && stops == 0)
    g_main_context_iteration (NULL, TRUE);
  end = g_get_monotonic_time ();
  cpu_end = thread_cpu_s ();

  stipple_pen_get_link_stats (pen, &link);
  stipple_pen_get_telemetry_stats (pen, &telemetry);
  getloadavg (load, 1);

  g_print ("machine: %u cores online, load %.2f, fsync delayed %d ms, %.0f s armed, "
           "pen threads at %s priority, window thread at %s priority\n",
           g_get_num_processors (), load[0], fsync_delay_ms, (end - start) / 1e6,
           stipple_thread_priority_name (link.priority), ui_raised ? "a raised" : "the normal");
  g_print ("heartbeats: %" G_GUINT64_FORMAT " count\n", link.heartbeats);
  g_print ("heartbeat_interval_p99: %.1f ms\n", link.interval_p99_us / 1000.0);
  g_print ("heartbeat_interval_max: %.1f ms\n", link.interval_max_us / 1000.0);
  g_print ("ui_liveness_age_max: %.1f ms\n", link.ui_age_max_us / 1000.0);
  g_print ("link_tick_gap_max: %.1f ms\n", link.tick_gap_max_us / 1000.0);
  g_print ("heartbeat_send_max: %.1f ms\n", link.send_max_us / 1000.0);
  g_print ("commands_resent: %" G_GUINT64_FORMAT " count\n", link.resends);
  g_print ("spurious_stops: %u count\n", stops);
  g_print ("samples_received: %" G_GUINT64_FORMAT " count\n", telemetry.samples);
  g_print ("samples_lost: %" G_GUINT64_FORMAT " count\n", telemetry.lost);
  /* Of those, the ones the emulated pen's own queue lost: its thread, on
   * the same starved cores, did not run for 32 ms. A real pen's
   * microcontroller is not starved by the host. */
  g_print ("samples_lost_in_emulated_pen: %u count\n",
           stipple_sim_transport_get_firmware (STIPPLE_SIM_TRANSPORT (transport))->dropped_total);
  {
    gint64 gap, took;

    stipple_sim_transport_get_pump_stats (STIPPLE_SIM_TRANSPORT (transport), &gap, &took);
    g_print ("emulated_pen_read_gap_max: %.1f ms\n", gap / 1000.0);
    g_print ("emulated_pen_read_max: %.1f ms\n", took / 1000.0);
  }
  g_print ("cpu_ui_thread: %.2f %%\n", 100 * (cpu_end - cpu_start) / ((end - start) / 1e6));

  g_atomic_int_set (&stipple_test_vfs_sync_delay_ms, 0);
  g_signal_handlers_disconnect_by_func (pen, disarmed_cb, NULL);
  stipple_treatment_stop (treatment, STIPPLE_STOP_CLINICIAN);
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&treatment);
  stipple_pen_stop (pen);
  stipple_store_close (store);

  return stops == 0 ? 0 : 1;
}
