/* test-device-sim.c: StipplePen over the simulated transport
 *
 * The pen model in process, as --simulate and demo mode use it: the same
 * StipplePen code as over USB, on the model's real-time clock, and on a
 * manual clock for a long stretch of telemetry.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "stipple-pen.h"
#include "stipple-sim-transport.h"
#include "stipple-zones.h"
#include "stipple-test-wait.h"

static void
async_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
count_audit_cb (StipplePen *pen, const char *kind, GVariant *details, gint64 timestamp,
                GPtrArray *kinds)
{
  g_ptr_array_add (kinds, g_strdup (kind));
}

static gboolean
has_kind (GPtrArray *kinds, const char *kind)
{
  for (guint i = 0; i < kinds->len; i++)
    if (g_str_equal (g_ptr_array_index (kinds, i), kind))
      return TRUE;
  return FALSE;
}

static guint64
heartbeats (StipplePen *pen)
{
  StipplePenLinkStats stats;

  stipple_pen_get_link_stats (pen, &stats);
  return stats.heartbeats;
}

/* Starts @pen and has it take @passes passes on the forehead at 0.5 mm,
 * pushed and read back. */
static void
connect_and_push (StipplePen *pen,
                  guint       passes)
{
  StipplePenSettings settings = { .zone_id = STIPPLE_ZONE_FOREHEAD, .depth_um = 500,
                                  .rate_hz = 120, .passes = passes };
  g_autoptr(GAsyncResult) pushed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (stipple_pen_start (pen, &error));
  WAIT_FOR (stipple_pen_get_state (pen) == STIPPLE_PEN_STATE_CONNECTED);
  stipple_pen_push_settings_async (pen, &settings, NULL, async_cb, &pushed);
  WAIT_FOR (pushed != NULL);
  g_assert_true (stipple_pen_push_settings_finish (pen, pushed, &error));
  g_assert_no_error (error);
}

/* Arms @pen and waits until it says the needle runs. */
static void
arm (StipplePen *pen)
{
  g_autoptr(GAsyncResult) armed = NULL;
  g_autoptr(GError) error = NULL;

  stipple_pen_arm_async (pen, NULL, async_cb, &armed);
  WAIT_FOR (armed != NULL);
  g_assert_true (stipple_pen_arm_finish (pen, armed, &error));
  g_assert_no_error (error);
}

static void
test_session (void)
{
  g_autoptr(StippleTransport) transport = stipple_sim_transport_new (NULL, FALSE);
  g_autoptr(StipplePen) pen = stipple_pen_new (transport);
  g_autoptr(GPtrArray) kinds = g_ptr_array_new_with_free_func (g_free);
  StippleFirmware *firmware;
  StipplePenTelemetryStats stats;

  g_signal_connect (pen, "audit", G_CALLBACK (count_audit_cb), kinds);
  connect_and_push (pen, 2);
  g_assert_cmpstr (stipple_pen_get_identity (pen)->serial, ==, "STP-EMU-0001");
  arm (pen);

  firmware = stipple_sim_transport_get_firmware (STIPPLE_SIM_TRANSPORT (transport));
  g_assert_true (stipple_firmware_is_armed (firmware));

  /* Six heartbeats of treatment, over half a second when they come on time:
   * the heartbeat holds, samples flow. Counted in heartbeats, as what is
   * checked is that nothing stops the needle meanwhile. */
  {
    guint64 until = heartbeats (pen) + 6;

    WAIT_FOR (heartbeats (pen) >= until || !stipple_firmware_is_armed (firmware));
  }
  g_assert_true (stipple_firmware_is_armed (firmware));
  stipple_pen_get_telemetry_stats (pen, &stats);
  /* The simulated pen keeps real time: a host slowed down (valgrind, a
   * busy machine) cannot take every one of 8,000 samples a second, and the
   * pen counts what it could not send. Each sample measured was delivered
   * or counted; whether none was lost is bench-link's figure. */
  g_assert_cmpuint (stats.samples + stats.lost, >=, 3000);
  g_test_message ("sim_samples_lost: %" G_GUINT64_FORMAT " count", stats.lost);

  stipple_pen_emergency_stop (pen);
  g_assert_cmpint (stipple_pen_get_state (pen), ==, STIPPLE_PEN_STATE_CONNECTED);
  WAIT_FOR (!stipple_firmware_is_armed (firmware));

  g_assert_true (has_kind (kinds, "connected"));
  g_assert_true (has_kind (kinds, "settings-sent"));
  g_assert_true (has_kind (kinds, "settings-verified"));
  g_assert_true (has_kind (kinds, "arm"));
  g_assert_true (has_kind (kinds, "emergency-stop"));
  g_assert_true (has_kind (kinds, "disarm"));

  stipple_pen_stop (pen);
}

static void
test_unplug (void)
{
  g_autoptr(StippleTransport) transport = stipple_sim_transport_new (NULL, FALSE);
  g_autoptr(StipplePen) pen = stipple_pen_new (transport);
  g_autoptr(GError) error = NULL;

  g_assert_true (stipple_pen_start (pen, &error));
  WAIT_FOR (stipple_pen_get_state (pen) == STIPPLE_PEN_STATE_CONNECTED);

  stipple_sim_transport_unplug (STIPPLE_SIM_TRANSPORT (transport));
  g_assert_cmpint (stipple_pen_get_state (pen), ==, STIPPLE_PEN_STATE_DISCONNECTED);
  g_assert_null (stipple_pen_get_identity (pen));

  stipple_sim_transport_replug (STIPPLE_SIM_TRANSPORT (transport));
  WAIT_FOR (stipple_pen_get_state (pen) == STIPPLE_PEN_STATE_CONNECTED);
  g_assert_false (stipple_pen_get_verified (pen));

  stipple_pen_stop (pen);
}

static void
sample_cb (const StippleProtoSample *samples, guint n_samples, guint lost, gpointer user_data)
{
  guint64 *counts = user_data;

  counts[0] += n_samples;
  counts[1] += lost;
}

static void
test_manual_clock (void)
{
  g_autoptr(StippleTransport) transport = stipple_sim_transport_new (NULL, TRUE);
  g_autoptr(StipplePen) pen = stipple_pen_new (transport);
  StippleSimTransport *sim = STIPPLE_SIM_TRANSPORT (transport);
  g_autoptr(GError) error = NULL;
  guint64 counts[2] = { 0, 0 };

  stipple_pen_set_sample_func (pen, sample_cb, counts);
  g_assert_true (stipple_pen_start (pen, &error));

  /* Identify, cartridge, status, start telemetry: each needs the model
   * to move on a little and the main loop to hand the reply over. */
  while (stipple_pen_get_state (pen) != STIPPLE_PEN_STATE_CONNECTED)
    {
      stipple_sim_transport_advance (sim, 1000);
      while (g_main_context_iteration (NULL, FALSE));
    }

  counts[0] = counts[1] = 0;
  /* Ten seconds of the pen's time, as fast as the host can take it:
   * exactly 8,000 samples a second, none lost. */
  for (guint i = 0; i < 10; i++)
    stipple_sim_transport_advance (sim, G_USEC_PER_SEC);
  g_assert_cmpuint (counts[0], >=, 79984);
  g_assert_cmpuint (counts[0], <=, 80000);
  g_assert_cmpuint (counts[1], ==, 0);

  stipple_pen_stop (pen);
}

static void
disarmed_cb (StipplePen *pen, StipplePenDisarmReason reason, const char *message,
             StipplePenDisarmReason *out)
{
  *out = reason;
}

static void
fault_cb (StipplePen *pen, const GError *error, GPtrArray *messages)
{
  g_ptr_array_add (messages, g_strdup (error->message));
}

/* A window frozen while the needle runs: nobody could reach its emergency
 * stop, so the link stops the needle itself, and the record says why,
 * not that the pen failed or that the clinician pressed a stop. */
static void
test_window_frozen (void)
{
  g_autoptr(StippleTransport) transport = stipple_sim_transport_new (NULL, FALSE);
  g_autoptr(StipplePen) pen = stipple_pen_new (transport);
  g_autoptr(GPtrArray) kinds = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) faults = g_ptr_array_new_with_free_func (g_free);
  StipplePenDisarmReason reason = STIPPLE_PEN_DISARM_HOST;
  StippleFirmware *firmware = stipple_sim_transport_get_firmware (STIPPLE_SIM_TRANSPORT (transport));
  gint64 frozen_until;

  g_signal_connect (pen, "audit", G_CALLBACK (count_audit_cb), kinds);
  g_signal_connect (pen, "disarmed", G_CALLBACK (disarmed_cb), &reason);
  g_signal_connect (pen, "fault", G_CALLBACK (fault_cb), faults);
  connect_and_push (pen, 1);
  arm (pen);

  /* The main thread does nothing at all (the freeze is the fault this
   * test makes, so it sleeps rather than runs its loop) until the needle
   * stops, while the pen is read on its own thread; it gives up after
   * the usual time-out. */
  frozen_until = g_get_monotonic_time () + TEST_WAIT_SECONDS * G_USEC_PER_SEC * test_slowdown ();
  while (g_get_monotonic_time () < frozen_until && stipple_firmware_is_armed (firmware))
    g_usleep (1000);
  g_assert_false (stipple_firmware_is_armed (firmware));
  g_assert_cmpint (firmware->disarm_reason, ==, STIPPLE_PROTO_DISARM_EMERGENCY_STOP);

  /* Awake again: the host tells what happened, in words. */
  WAIT_FOR (reason == STIPPLE_PEN_DISARM_HOST_FROZEN);
  g_assert_cmpint (stipple_pen_get_state (pen), ==, STIPPLE_PEN_STATE_FAULT);
  g_assert_cmpuint (faults->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (faults, 0), "stopped responding"));
  g_assert_true (has_kind (kinds, "disarm"));
  g_assert_true (has_kind (kinds, "fault"));
  g_assert_false (has_kind (kinds, "emergency-stop"));

  stipple_pen_stop (pen);
}

/* The window's thread busy for 400 ms the moment the ARM has left (a
 * busy clinic PC): the pen arms at once and its watchdog starts, so the
 * heartbeats must not wait for this thread to handle the pen's answer.
 * The needle still runs when the thread is back, and nothing stopped. */
static void
test_arm_while_busy (void)
{
  g_autoptr(StippleTransport) transport = stipple_sim_transport_new (NULL, FALSE);
  g_autoptr(StipplePen) pen = stipple_pen_new (transport);
  g_autoptr(GPtrArray) faults = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GAsyncResult) armed = NULL;
  g_autoptr(GError) error = NULL;
  StippleFirmware *firmware = stipple_sim_transport_get_firmware (STIPPLE_SIM_TRANSPORT (transport));

  g_signal_connect (pen, "fault", G_CALLBACK (fault_cb), faults);
  connect_and_push (pen, 1);

  /* The ARM leaves as it is asked for; then this thread runs nothing
   * (the fault this test makes), longer than the pen's 250 ms watchdog
   * and shorter than the link's 1 s bound on a frozen window. */
  stipple_pen_arm_async (pen, NULL, async_cb, &armed);
  g_usleep (400 * 1000);
  WAIT_FOR (armed != NULL);
  g_assert_true (stipple_pen_arm_finish (pen, armed, &error));
  g_assert_no_error (error);

  /* Three heartbeats on, the needle runs and nothing was raised. */
  {
    guint64 until = heartbeats (pen) + 3;

    WAIT_FOR (heartbeats (pen) >= until || !stipple_firmware_is_armed (firmware) ||
              faults->len > 0);
  }
  if (faults->len > 0)
    g_error ("the needle stopped: %s", (const char *) g_ptr_array_index (faults, 0));
  g_assert_true (stipple_firmware_is_armed (firmware));
  g_assert_cmpint (stipple_pen_get_state (pen), ==, STIPPLE_PEN_STATE_ARMED);

  stipple_pen_emergency_stop (pen);
  WAIT_FOR (!stipple_firmware_is_armed (firmware));
  stipple_pen_stop (pen);
}

/* The pen's answers left unread: the I/O thread that reads them does not
 * run for 400 ms (a starved computer), while the heartbeats go out on
 * time. The link stops the needle and says it was this computer, not
 * that the pen stopped answering. */
static void
test_reader_starved (void)
{
  g_autoptr(StippleTransport) transport = stipple_sim_transport_new (NULL, FALSE);
  g_autoptr(StipplePen) pen = stipple_pen_new (transport);
  g_autoptr(GPtrArray) faults = g_ptr_array_new_with_free_func (g_free);
  StipplePenDisarmReason reason = STIPPLE_PEN_DISARM_HOST;

  g_signal_connect (pen, "disarmed", G_CALLBACK (disarmed_cb), &reason);
  g_signal_connect (pen, "fault", G_CALLBACK (fault_cb), faults);
  connect_and_push (pen, 1);
  arm (pen);

  stipple_sim_transport_stall_io (STIPPLE_SIM_TRANSPORT (transport), 400);
  WAIT_FOR (reason != STIPPLE_PEN_DISARM_HOST);
  g_assert_cmpint (reason, ==, STIPPLE_PEN_DISARM_HOST_LATE);
  g_assert_cmpuint (faults->len, ==, 1);
  g_test_message ("%s", (char *) g_ptr_array_index (faults, 0));
  g_assert_nonnull (strstr (g_ptr_array_index (faults, 0), "could not read the pen"));
  g_assert_null (strstr (g_ptr_array_index (faults, 0), "stopped answering"));

  stipple_pen_stop (pen);
}

/* A slow bus: every command takes longer to reach the pen than the reply
 * timeout. The pen answers at once when it has it, so nothing is sent
 * twice: the reply is waited for from when the command left the host. */
static void
test_slow_bus (void)
{
  g_autoptr(StippleTransport) transport = stipple_sim_transport_new (NULL, FALSE);
  g_autoptr(StipplePen) pen = stipple_pen_new (transport);
  g_autoptr(GError) error = NULL;
  StipplePenSettings settings = { .zone_id = STIPPLE_ZONE_FOREHEAD, .depth_um = 500,
                                  .rate_hz = 120, .passes = 2 };
  StipplePenLinkStats stats;

  /* 160 ms on the bus against a 100 ms reply timeout. */
  stipple_sim_transport_set_out_delay (STIPPLE_SIM_TRANSPORT (transport), 160);
  g_assert_true (stipple_pen_start (pen, &error));
  WAIT_FOR (stipple_pen_get_state (pen) == STIPPLE_PEN_STATE_CONNECTED);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GAsyncResult) pushed = NULL;

      settings.depth_um = 500 + 250 * i;
      stipple_pen_push_settings_async (pen, &settings, NULL, async_cb, &pushed);
      WAIT_FOR (pushed != NULL);
      g_assert_true (stipple_pen_push_settings_finish (pen, pushed, &error));
      g_assert_no_error (error);
    }

  stipple_pen_get_link_stats (pen, &stats);
  g_assert_cmpuint (stats.resends, ==, 0);
  stipple_pen_stop (pen);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/device/sim/session", test_session);
  g_test_add_func ("/stipple/device/sim/unplug", test_unplug);
  g_test_add_func ("/stipple/device/sim/manual-clock", test_manual_clock);
  g_test_add_func ("/stipple/device/sim/window-frozen", test_window_frozen);
  g_test_add_func ("/stipple/device/sim/slow-bus", test_slow_bus);
  g_test_add_func ("/stipple/device/sim/reader-starved", test_reader_starved);
  g_test_add_func ("/stipple/device/sim/arm-while-busy", test_arm_while_busy);

  return g_test_run ();
}
