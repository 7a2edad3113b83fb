/* bench-telemetry.c: needle telemetry end to end, host side
 *
 * Two runs, each from the pen model's packets to the host's consumers
 * (the sample function on the I/O thread and the main thread's batched
 * telemetry signal), counting every sample and every sample lost:
 *
 *  sim: the simulated transport on a manual clock, an hour of the pen's
 *       time (--sim-seconds) run as fast as the host takes it;
 *  usb: the libusb transport against the pen model behind an emulated USB
 *       device (umockdev), in real time (--usb-seconds), then with the
 *       pen's clock running --usb-speedup times faster.
 *
 * CPU is the whole process's (getrusage), so it includes the pen model
 * computing its samples. Under umockdev the device node is always ready,
 * so libusb's event thread polls without sleeping and the umockdev worker
 * answers every poll: the usb CPU figures measure the emulation more than
 * the host; the sim figures are the host's own cost.
 *
 * Prints "name: value unit" lines.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include "stipple-firmware.h"
#include "stipple-pen.h"
#include "stipple-sim-transport.h"
#include "stipple-test-usb.h"
#include "stipple-usb-transport.h"

typedef struct
{
  /* Written on the I/O thread. */
  GMutex  lock;
  guint64 samples;
  guint64 lost;
  guint64 gaps;
  guint32 last_ts;
  /* Main thread. */
  guint64 signal_samples;
  guint64 signal_lost;
  guint64 batches;
} Counts;

static void
sample_cb (const StippleProtoSample *samples, guint n_samples, guint lost, gpointer user_data)
{
  Counts *c = user_data;

  g_mutex_lock (&c->lock);
  for (guint i = 0; i < n_samples; i++)
    {
      if (c->samples > 0 && samples[i].timestamp_us - c->last_ts != STIPPLE_FIRMWARE_SAMPLE_PERIOD_US)
        c->gaps++;
      c->last_ts = samples[i].timestamp_us;
      c->samples++;
    }
  c->lost += lost;
  g_mutex_unlock (&c->lock);
}

static void
telemetry_cb (StipplePen *pen, gpointer samples, guint n_samples, guint lost, Counts *c)
{
  c->signal_samples += n_samples;
  c->signal_lost += lost;
  c->batches++;
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void
report (const char *name,
        Counts     *c,
        double      pen_seconds,
        double      wall_seconds,
        double      cpu)
{
  double per_1000 = c->samples > 0 ? cpu * 1e6 / (c->samples / 1000.0) : 0;

  g_print ("%s-duration-pen-time: %.1f s\n", name, pen_seconds);
  g_print ("%s-duration-wall: %.1f s\n", name, wall_seconds);
  g_print ("%s-samples: %" G_GUINT64_FORMAT " samples\n", name, c->samples);
  g_print ("%s-samples-lost: %" G_GUINT64_FORMAT " samples\n", name, c->lost);
  /* Checked independently of the pen's loss reports: consecutive
   * timestamps must be exactly one sample period apart. */
  g_print ("%s-timestamp-gaps: %" G_GUINT64_FORMAT " gaps\n", name, c->gaps);
  g_print ("%s-samples-main-thread: %" G_GUINT64_FORMAT " samples\n", name, c->signal_samples);
  g_print ("%s-main-thread-batches: %" G_GUINT64_FORMAT " batches\n", name, c->batches);
  g_print ("%s-sustained-rate: %.0f samples/s\n", name, c->samples / pen_seconds);
  g_print ("%s-cpu-per-1000-samples: %.1f us\n", name, per_1000);
  g_print ("%s-cpu-at-8000-samples-per-s: %.2f %%\n", name, per_1000 * 8.0 / 1e6 * 100.0);
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  /* Packets arrive on the event thread: look every half millisecond. */
  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
}

static void
run_sim (guint seconds)
{
  g_autoptr(StippleTransport) transport = stipple_sim_transport_new (NULL, TRUE);
  g_autoptr(StipplePen) pen = stipple_pen_new (transport);
  StippleSimTransport *sim = STIPPLE_SIM_TRANSPORT (transport);
  Counts c = { 0 };
  double cpu_start;
  gint64 wall_start;

  g_mutex_init (&c.lock);
  stipple_pen_set_sample_func (pen, sample_cb, &c);
  g_signal_connect (pen, "telemetry", G_CALLBACK (telemetry_cb), &c);
  stipple_pen_start (pen, NULL);
  while (stipple_pen_get_state (pen) != STIPPLE_PEN_STATE_CONNECTED)
    {
      stipple_sim_transport_advance (sim, 1000);
      while (g_main_context_iteration (NULL, FALSE));
    }
  iterate_for (20);
  memset (&c.samples, 0, sizeof c - G_STRUCT_OFFSET (Counts, samples));

  cpu_start = cpu_seconds ();
  wall_start = g_get_monotonic_time ();
  /* Four seconds of pen time at a go, then let the main thread take its
   * batches (it wakes every 10 ms for them). */
  for (guint s = 0; s < seconds; s += 4)
    {
      stipple_sim_transport_advance (sim, MIN (4, seconds - s) * G_USEC_PER_SEC);
      while (c.signal_samples + 64 < c.samples)
        g_main_context_iteration (NULL, TRUE);
    }

  report ("sim", &c, seconds, (g_get_monotonic_time () - wall_start) / 1e6,
          cpu_seconds () - cpu_start);
  g_print ("# sim: pen not armed (needle retracted); the model's cost is included\n");

  stipple_pen_stop (pen);
  g_mutex_clear (&c.lock);
}

static void
fw_receive (gpointer model, const guint8 *data, gsize len, guint64 now_us)
{
  stipple_firmware_receive (model, data, len, now_us);
}

static gsize
fw_transmit (gpointer model, guint8 *buf, gsize cap, guint64 now_us)
{
  return stipple_firmware_transmit (model, buf, cap, now_us);
}

static gboolean
fw_halted (gpointer model)
{
  return stipple_firmware_is_halted (model);
}

static void
fw_clear_halt (gpointer model, guint64 now_us)
{
  stipple_firmware_clear_halt (model);
}

static const StippleTestUsbModel firmware_model = {
  .receive = fw_receive,
  .transmit = fw_transmit,
  .halted = fw_halted,
  .clear_halt = fw_clear_halt,
};

static void
run_usb (guint seconds,
         guint speedup)
{
  g_autoptr(StippleTestUsb) bed = stipple_test_usb_new ();
  g_autoptr(StippleTransport) transport = NULL;
  g_autoptr(StipplePen) pen = NULL;
  StippleFirmwareConfig config;
  StippleFirmware firmware;
  Counts c = { 0 };
  double cpu_start;
  gint64 wall_start;
  guint64 pen_start;

  g_mutex_init (&c.lock);
  stipple_firmware_config_init_default (&config);
  stipple_firmware_init (&firmware, &config, stipple_test_usb_now_us (bed));
  stipple_test_usb_add_device (bed, STIPPLE_PROTO_USB_VID, STIPPLE_PROTO_USB_PID_TEST,
                               &firmware_model, &firmware);

  transport = stipple_usb_transport_new (STIPPLE_PROTO_USB_VID, STIPPLE_PROTO_USB_PID_TEST, TRUE);
  pen = stipple_pen_new (transport);
  stipple_pen_set_sample_func (pen, sample_cb, &c);
  g_signal_connect (pen, "telemetry", G_CALLBACK (telemetry_cb), &c);
  stipple_pen_start (pen, NULL);
  while (stipple_pen_get_state (pen) != STIPPLE_PEN_STATE_CONNECTED)
    iterate_for (5);
  iterate_for (20);

  for (guint pass = 0; pass < 2; pass++)
    {
      guint rate = pass == 0 ? 1 : speedup;
      const char *name = pass == 0 ? "usb-realtime" : "usb-accelerated";

      if (pass == 1 && speedup <= 1)
        break;

      stipple_test_usb_set_clock_rate (bed, rate);
      iterate_for (20);
      g_mutex_lock (&c.lock);
      memset (&c.samples, 0, sizeof c - G_STRUCT_OFFSET (Counts, samples));
      g_mutex_unlock (&c.lock);

      pen_start = stipple_test_usb_now_us (bed);
      cpu_start = cpu_seconds ();
      wall_start = g_get_monotonic_time ();
      iterate_for (seconds * 1000);

      g_mutex_lock (&c.lock);
      report (name, &c, (stipple_test_usb_now_us (bed) - pen_start) / 1e6,
              (g_get_monotonic_time () - wall_start) / 1e6, cpu_seconds () - cpu_start);
      g_mutex_unlock (&c.lock);
      g_print ("# %s: pen clock at %ux real time; libusb event thread polls without "
               "sleeping under umockdev\n", name, rate);
    }

  stipple_pen_stop (pen);
  g_mutex_clear (&c.lock);
}

int
main (int argc, char *argv[])
{
  gint sim_seconds = 3600;
  gint usb_seconds = 5;
  gint usb_speedup = 3;
  GOptionEntry entries[] = {
    { "sim-seconds", 0, 0, G_OPTION_ARG_INT, &sim_seconds, "Pen time for the simulated run", "S" },
    { "usb-seconds", 0, 0, G_OPTION_ARG_INT, &usb_seconds, "Wall time for each USB run", "S" },
    { "usb-speedup", 0, 0, G_OPTION_ARG_INT, &usb_speedup, "Pen clock speed-up, second USB run", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_print ("# machine: %u CPUs online; figures from one run\n", g_get_num_processors ());

  if (sim_seconds > 0)
    run_sim (sim_seconds);
  if (usb_seconds > 0)
    run_usb (usb_seconds, usb_speedup);

  return 0;
}
