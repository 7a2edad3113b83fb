/* test-pen-check.c: stipple-pen-check against the pen model, and against
 * pens broken on purpose
 *
 * The check runs as its own process, as it would on a bench, and talks
 * through its own libusb to a pen this test emulates under umockdev. The
 * conforming model must pass every clause; each broken pen must fail
 * exactly the clause its flaw breaks. The flaws are filters around the
 * model, here in the test: the shipped model is never changed for them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-test-pen-check"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "stipple-test-usb-pen.h"

#define TEST_WAIT_SECONDS 120
#include "stipple-test-wait.h"

typedef enum
{
  FLAW_NONE,
  FLAW_ERROR_ORDER,      /* an unknown type with a payload gets BAD_LENGTH */
  FLAW_LATE_WATCHDOG,    /* disarms 400 ms after the last heartbeat */
  FLAW_SILENT_LOSS,      /* drops a packet now and then and renumbers the rest */
  FLAW_NO_READ_BACK,     /* GET_TREATMENT reports another depth */
} Flaw;

/* A flaw, and the clause the check must fail for it. */
typedef struct
{
  Flaw        flaw;
  const char *clause;
  const char *name;
} FlawCase;

typedef struct
{
  StippleTestUsbPen pen;
  Flaw              flaw;
  guint8            injected[STIPPLE_PROTO_MAX_FRAME];
  gsize             injected_len;
  guint32           packets;
  guint32           swallowed;
} FlawedPen;

static void
flawed_receive (gpointer      model,
                const guint8 *data,
                gsize         len,
                guint64       now_us)
{
  FlawedPen *p = model;
  StippleProtoFrame frame;
  StippleFirmware *fw = &p->pen.firmware;

  if (p->flaw == FLAW_ERROR_ORDER &&
      stipple_proto_frame_decode (data, len, &frame) == STIPPLE_PROTO_STATUS_OK &&
      !stipple_proto_is_command (frame.type) && frame.length > 0)
    {
      StippleProtoReply reply = { 0 };

      /* Checks the length before the type. */
      reply.type = frame.type | STIPPLE_PROTO_MSG_REPLY;
      reply.seq = frame.seq;
      reply.result = STIPPLE_PROTO_RESULT_BAD_LENGTH;
      g_assert_cmpint (stipple_proto_reply_encode (&reply, p->injected, sizeof p->injected,
                                                   &p->injected_len), ==, STIPPLE_PROTO_STATUS_OK);
      return;
    }

  stipple_test_usb_pen_model.receive (&p->pen, data, len, now_us);

  /* Just fed (by ARM or HEARTBEAT): 150 ms more than it should get. */
  if (p->flaw == FLAW_LATE_WATCHDOG && fw->armed && fw->heartbeat_us == fw->now_us)
    fw->heartbeat_us += 150000;
}

static gsize
flawed_transmit (gpointer  model,
                 guint8   *buf,
                 gsize     cap,
                 guint64   now_us)
{
  FlawedPen *p = model;

  if (p->injected_len > 0)
    {
      gsize len = p->injected_len;

      memcpy (buf, p->injected, len);
      p->injected_len = 0;
      return len;
    }

  for (;;)
    {
      gsize len = stipple_test_usb_pen_model.transmit (&p->pen, buf, cap, now_us);
      g_autofree StippleProtoTelemetry *t = NULL;

      if (len == 0 || p->flaw != FLAW_SILENT_LOSS || buf[1] != STIPPLE_PROTO_MSG_TELEMETRY)
        return len;

      t = g_new0 (StippleProtoTelemetry, 1);
      g_assert_cmpint (stipple_proto_telemetry_decode (buf, len, t), ==, STIPPLE_PROTO_STATUS_OK);
      if (t->packet_seq == 0)
        p->packets = p->swallowed = 0;
      /* A packet whose samples simply vanish (one that reports a loss
       * would hide that loss too: another flaw). */
      if (++p->packets % 20 >= 10 && t->dropped == 0 && p->packets / 20 >= p->swallowed)
        {
          p->swallowed++;
          continue;
        }
      t->packet_seq -= p->swallowed;
      g_assert_cmpint (stipple_proto_telemetry_encode (t, buf, cap, &len), ==,
                       STIPPLE_PROTO_STATUS_OK);
      return len;
    }
}

static gboolean
flawed_halted (gpointer model)
{
  return stipple_test_usb_pen_model.halted (&((FlawedPen *) model)->pen);
}

static void
flawed_clear_halt (gpointer model,
                   guint64  now_us)
{
  stipple_test_usb_pen_model.clear_halt (&((FlawedPen *) model)->pen, now_us);
}

static void
flawed_tick (gpointer model,
             guint64  now_us)
{
  stipple_test_usb_pen_model.tick (&((FlawedPen *) model)->pen, now_us);
}

static void
flawed_bus_reset (gpointer model,
                  guint64  now_us)
{
  stipple_test_usb_pen_model.bus_reset (&((FlawedPen *) model)->pen, now_us);
}

static const StippleTestUsbModel flawed_model = {
  .receive = flawed_receive,
  .transmit = flawed_transmit,
  .halted = flawed_halted,
  .clear_halt = flawed_clear_halt,
  .tick = flawed_tick,
  .bus_reset = flawed_bus_reset,
};

typedef struct
{
  gboolean  done;
  char     *output;
  int       status;
} Run;

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->output, NULL,
                                        &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (G_SUBPROCESS (object));
  run->done = TRUE;
}

/* Runs the check against a pen with @flaw; returns its output. */
static char *
run_check (Flaw  flaw,
           int  *status)
{
  g_autoptr(StippleTestUsb) bed = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree FlawedPen *pen = g_new0 (FlawedPen, 1);
  StippleFirmwareConfig config;
  Run run = { 0 };

  /* The check keeps real time: the pen's clock must too, also under
   * valgrind. */
  g_setenv ("STIPPLE_TEST_PEN_CLOCK_SLOWDOWN", "1", TRUE);
  bed = stipple_test_usb_new ();
  pen->flaw = flaw;
  if (flaw == FLAW_NO_READ_BACK)
    {
      pen->pen.tamper_type = STIPPLE_PROTO_MSG_GET_TREATMENT;
      pen->pen.tamper_depth_um = 1234;
    }
  stipple_firmware_config_init_default (&config);
  stipple_test_usb_lock (bed);
  stipple_firmware_init (&pen->pen.firmware, &config, stipple_test_usb_now_us (bed));
  stipple_test_usb_unlock (bed);
  stipple_test_usb_add_device (bed, STIPPLE_PROTO_USB_VID, STIPPLE_PROTO_USB_PID_TEST,
                               &flawed_model, pen);

  /* The child finds the emulated bus through UMOCKDEV_DIR, which the
   * test bed has set, and umockdev's preload library. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "LD_PRELOAD", "libumockdev-preload.so.0", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("STIPPLE_PEN_CHECK"), NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicate_cb, &run);
  WAIT_FOR (run.done);

  g_test_message ("stipple-pen-check exited %d:\n%s", run.status, run.output);
  *status = run.status;
  return run.output;
}

/* The clauses on FAIL lines, and how many PASS lines there were. */
static GPtrArray *
failed_clauses (const char *output,
                guint      *passed)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  GPtrArray *failed = g_ptr_array_new_with_free_func (g_free);

  *passed = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", 4);

      if (g_strv_length (fields) < 3)
        continue;
      if (g_str_equal (fields[0], "PASS"))
        (*passed)++;
      else if (g_str_equal (fields[0], "FAIL"))
        g_ptr_array_add (failed, g_strdup (fields[2]));
      else
        g_error ("not a PASS or FAIL line: %s", lines[i]);
    }
  return failed;
}

static void
test_conforming (void)
{
  int status;
  g_autofree char *output = run_check (FLAW_NONE, &status);
  g_autoptr(GPtrArray) failed = NULL;
  guint passed;
  const char *must[] = { "1.1", "2.4", "2.5", "2.6", "3.1", "5.1", "5.5", "5.6", "5.7", "5.8",
                         "6.1", "6.3", "6.9", "6.10", "6.11", "6.14", "6.16", "7.1" };

  failed = failed_clauses (output, &passed);
  g_assert_cmpuint (failed->len, ==, 0);
  g_assert_cmpint (status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (must); i++)
    {
      g_autofree char *line = g_strdup_printf ("PASS %.*s %s ", (int) strcspn (must[i], "."),
                                               must[i], must[i]);

      if (strstr (output, line) == NULL)
        g_error ("no %s line", line);
    }
  g_assert_cmpuint (passed, >=, 30);
}

static void
test_flawed (gconstpointer data)
{
  const FlawCase *c = data;
  int status;
  g_autofree char *output = run_check (c->flaw, &status);
  g_autoptr(GPtrArray) failed = NULL;
  guint passed;

  failed = failed_clauses (output, &passed);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpuint (failed->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (failed, 0), ==, c->clause);
  g_assert_cmpuint (passed, >, 20);
}

int
main (int   argc,
      char *argv[])
{
  static const FlawCase flaws[] = {
    { FLAW_ERROR_ORDER, "2.6", "error-order" },
    { FLAW_LATE_WATCHDOG, "6.9", "late-watchdog" },
    { FLAW_SILENT_LOSS, "5.6", "silent-loss" },
    { FLAW_NO_READ_BACK, "6.3", "no-read-back" },
  };

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/pen-check/conforming", test_conforming);
  for (guint i = 0; i < G_N_ELEMENTS (flaws); i++)
    {
      g_autofree char *path = g_strdup_printf ("/stipple/pen-check/flawed/%s", flaws[i].name);

      g_test_add_data_func (path, &flaws[i], test_flawed);
    }

  return g_test_run ();
}
