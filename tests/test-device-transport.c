/* test-device-transport.c: the libusb transport against emulated devices
 *
 * Runs under umockdev: the transport's real libusb code opens, claims,
 * reads and writes a device whose kernel side is tests/stipple-test-usb.c.
 * The device here is a plain loopback, so these tests are about the link
 * alone: enumeration, ids, bulk traffic both ways, stalls, unplugging,
 * hotplug and polling, a device held by another program.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include "stipple-pen-error.h"
#include "stipple-test-usb.h"
#include "stipple-usb-transport.h"
#include "stipple-test-wait.h"

#define TEST_PID STIPPLE_PROTO_USB_PID_TEST

/* A loopback device: each command comes back once; while streaming it
 * also sends a numbered 64-byte packet every 2 ms of its clock. */
typedef struct
{
  GQueue   replies;
  gboolean streaming;
  guint64  next_packet_us;
  guint32  next_number;
  guint    halt_after;
  gboolean halted;
  guint    clears;
} Loopback;

static void
loop_receive (gpointer model, const guint8 *data, gsize len, guint64 now_us)
{
  Loopback *lb = model;

  if (len == 5 && memcmp (data, "start", 5) == 0)
    {
      lb->streaming = TRUE;
      lb->next_packet_us = now_us;
    }
  g_queue_push_tail (&lb->replies, g_bytes_new (data, len));
}

static gsize
loop_transmit (gpointer model, guint8 *buf, gsize cap, guint64 now_us)
{
  Loopback *lb = model;
  g_autoptr(GBytes) reply = g_queue_pop_head (&lb->replies);

  if (reply != NULL)
    {
      gsize len = MIN (cap, g_bytes_get_size (reply));

      memcpy (buf, g_bytes_get_data (reply, NULL), len);
      return len;
    }

  if (lb->streaming && now_us >= lb->next_packet_us && cap >= 64)
    {
      memset (buf, 0xa5, 64);
      memcpy (buf, &lb->next_number, sizeof lb->next_number);
      lb->next_number++;
      lb->next_packet_us += 2000;
      if (lb->halt_after > 0 && --lb->halt_after == 0)
        lb->halted = TRUE;
      return 64;
    }

  return 0;
}

static gboolean
loop_halted (gpointer model)
{
  return ((Loopback *) model)->halted;
}

static void
loop_clear_halt (gpointer model, guint64 now_us)
{
  Loopback *lb = model;

  lb->clears++;
  lb->halted = FALSE;
}

static const StippleTestUsbModel loopback_model = {
  .receive = loop_receive,
  .transmit = loop_transmit,
  .halted = loop_halted,
  .clear_halt = loop_clear_halt,
};

typedef struct
{
  StippleTestUsb   *bed;
  Loopback          loop;
  Loopback          other;
  guint             pen;
  StippleTransport *transport;
  GThread          *main_thread;

  /* Written by the event thread. */
  GMutex            lock;
  GPtrArray        *packets;
  guint32           last_number;
  guint             numbered;
  guint             out_of_order;

  guint             attached;
  guint             detached;
  GError           *detach_reason;
} Fixture;

static void
packet_cb (const guint8 *data, gsize len, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_true (g_thread_self () != f->main_thread);

  g_mutex_lock (&f->lock);
  if (len == 64)
    {
      guint32 number;

      memcpy (&number, data, sizeof number);
      if (f->numbered > 0 && number != f->last_number + 1)
        f->out_of_order++;
      f->last_number = number;
      f->numbered++;
    }
  else
    {
      g_ptr_array_add (f->packets, g_bytes_new (data, len));
    }
  g_mutex_unlock (&f->lock);
}

static void
attached_cb (StippleTransport *transport, Fixture *f)
{
  g_assert_true (g_thread_self () == f->main_thread);
  f->attached++;
}

static void
detached_cb (StippleTransport *transport, const GError *reason, Fixture *f)
{
  g_assert_true (g_thread_self () == f->main_thread);
  f->detached++;
  g_clear_error (&f->detach_reason);
  f->detach_reason = g_error_copy (reason);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  gboolean hotplug = GPOINTER_TO_INT (data);

  g_mutex_init (&f->lock);
  f->main_thread = g_thread_self ();
  f->packets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  f->bed = stipple_test_usb_new ();
  /* A device with other ids first: it must never be opened. */
  stipple_test_usb_add_device (f->bed, 0x1209, 0x0bad, &loopback_model, &f->other);
  f->pen = stipple_test_usb_add_device (f->bed, STIPPLE_USB_VENDOR_ID, TEST_PID,
                                        &loopback_model, &f->loop);

  f->transport = stipple_usb_transport_new (STIPPLE_USB_VENDOR_ID, TEST_PID, hotplug);
  stipple_transport_set_packet_func (f->transport, packet_cb, f);
  g_signal_connect (f->transport, "attached", G_CALLBACK (attached_cb), f);
  g_signal_connect (f->transport, "detached", G_CALLBACK (detached_cb), f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  stipple_transport_stop (f->transport);
  g_clear_object (&f->transport);
  g_clear_pointer (&f->bed, stipple_test_usb_free);
  g_queue_clear_full (&f->loop.replies, (GDestroyNotify) g_bytes_unref);
  g_queue_clear_full (&f->other.replies, (GDestroyNotify) g_bytes_unref);
  g_clear_pointer (&f->packets, g_ptr_array_unref);
  g_clear_error (&f->detach_reason);
  g_mutex_clear (&f->lock);
}

/* Some conditions change on the event thread: wake up to look. */
static guint
n_packets (Fixture *f)
{
  guint n;

  g_mutex_lock (&f->lock);
  n = f->packets->len;
  g_mutex_unlock (&f->lock);

  return n;
}

static guint
n_numbered (Fixture *f)
{
  guint n;

  g_mutex_lock (&f->lock);
  n = f->numbered;
  g_mutex_unlock (&f->lock);

  return n;
}

static void
test_open_and_loopback (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = NULL;
  const guint8 command[] = { 0x53, 0x01, 0x02, 0x03 };

  g_assert_true (stipple_transport_start (f->transport, &error));
  g_assert_no_error (error);
  WAIT_FOR (f->attached == 1);
  g_assert_true (stipple_transport_get_attached (f->transport));
  g_assert_null (stipple_transport_get_link_error (f->transport));

  /* Only the pen was claimed; the device with other ids was left alone. */
  g_assert_cmpuint (stipple_test_usb_get_claims (f->bed, f->pen), ==, 1);
  g_assert_cmpuint (stipple_test_usb_get_claims (f->bed, 0), ==, 0);
  g_assert_cmpuint (stipple_test_usb_get_ioctls (f->bed, 0), ==, 0);

  g_assert_true (stipple_transport_send (f->transport, command, sizeof command, &error));
  g_assert_no_error (error);
  WAIT_FOR (n_packets (f) == 1);

  g_mutex_lock (&f->lock);
  reply = g_bytes_ref (g_ptr_array_index (f->packets, 0));
  g_mutex_unlock (&f->lock);
  g_assert_cmpmem (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                   command, sizeof command);
}

static void
test_stream_in_order (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (stipple_transport_start (f->transport, &error));
  WAIT_FOR (f->attached == 1);
  g_assert_true (stipple_transport_send (f->transport, (const guint8 *) "start", 5, &error));
  g_assert_no_error (error);

  /* 500 packets a second: every one arrives, in order. */
  WAIT_FOR (n_numbered (f) >= 250);
  g_mutex_lock (&f->lock);
  g_assert_cmpuint (f->out_of_order, ==, 0);
  g_mutex_unlock (&f->lock);
}

static void
test_stall_recovered (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StippleUsbTransportStats stats;

  stipple_test_usb_lock (f->bed);
  f->loop.halt_after = 20;
  stipple_test_usb_unlock (f->bed);

  g_assert_true (stipple_transport_start (f->transport, &error));
  WAIT_FOR (f->attached == 1);
  g_assert_true (stipple_transport_send (f->transport, (const guint8 *) "start", 5, &error));

  /* The IN endpoint stalls after 20 packets; the transport clears the halt
   * and reading goes on, without losing the link. */
  WAIT_FOR (n_numbered (f) >= 60);
  stipple_usb_transport_get_stats (STIPPLE_USB_TRANSPORT (f->transport), &stats);
  g_assert_cmpuint (stats.stalls, >=, 1);
  stipple_test_usb_lock (f->bed);
  g_assert_cmpuint (f->loop.clears, >=, 1);
  stipple_test_usb_unlock (f->bed);
  g_assert_cmpuint (f->detached, ==, 0);
  g_assert_true (stipple_transport_get_attached (f->transport));
}

static void
test_unplug_replug (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (stipple_transport_start (f->transport, &error));
  /* Both ways of hearing of the pen again are tested: libusb's hotplug
   * events, which umockdev delivers, and polling the bus. */
  g_assert_cmpint (stipple_usb_transport_get_uses_hotplug (STIPPLE_USB_TRANSPORT (f->transport)),
                   ==, GPOINTER_TO_INT (data));
  WAIT_FOR (f->attached == 1);
  g_assert_true (stipple_transport_send (f->transport, (const guint8 *) "start", 5, &error));
  WAIT_FOR (n_numbered (f) >= 10);

  stipple_test_usb_unplug (f->bed, f->pen);
  WAIT_FOR (f->detached == 1);
  g_assert_error (f->detach_reason, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED);
  g_assert_false (stipple_transport_get_attached (f->transport));
  g_assert_false (stipple_transport_send (f->transport, (const guint8 *) "x", 1, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NO_PEN);
  g_clear_error (&error);

  stipple_test_usb_replug (f->bed, f->pen);
  WAIT_FOR (f->attached == 2);
  g_assert_cmpuint (stipple_test_usb_get_claims (f->bed, f->pen), ==, 2);

  g_assert_true (stipple_transport_send (f->transport, (const guint8 *) "again", 5, &error));
  g_assert_no_error (error);
  WAIT_FOR (n_packets (f) >= 2);
}

static void
test_busy (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const GError *link_error;

  stipple_test_usb_set_claim_errno (f->bed, f->pen, EBUSY);
  g_assert_true (stipple_transport_start (f->transport, &error));

  link_error = stipple_transport_get_link_error (f->transport);
  g_assert_error ((GError *) link_error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_BUSY);
  g_assert_nonnull (strstr (link_error->message, "another program"));
  g_assert_false (stipple_transport_get_attached (f->transport));

  /* The other program lets go: the next poll opens the pen. */
  stipple_test_usb_set_claim_errno (f->bed, f->pen, 0);
  WAIT_FOR (f->attached == 1);
  g_assert_null (stipple_transport_get_link_error (f->transport));
}

static void
test_no_pen (void)
{
  g_autoptr(StippleTestUsb) bed = stipple_test_usb_new ();
  g_autoptr(StippleTransport) transport = NULL;
  g_autoptr(GError) error = NULL;
  Loopback other = { 0 };

  stipple_test_usb_add_device (bed, 0x046d, 0xc52b, &loopback_model, &other);
  transport = stipple_usb_transport_new (STIPPLE_USB_VENDOR_ID, TEST_PID, TRUE);
  g_assert_true (stipple_transport_start (transport, &error));
  g_assert_false (stipple_transport_get_attached (transport));
  g_assert_null (stipple_transport_get_link_error (transport));
  g_assert_false (stipple_transport_send (transport, (const guint8 *) "x", 1, &error));
  g_assert_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NO_PEN);
  g_assert_cmpuint (stipple_test_usb_get_ioctls (bed, 0), ==, 0);
  stipple_transport_stop (transport);
}

static void
test_error_messages (void)
{
  g_autoptr(GError) access = stipple_usb_error_from_libusb (-3 /* LIBUSB_ERROR_ACCESS */);
  g_autoptr(GError) busy = stipple_usb_error_from_libusb (-6 /* LIBUSB_ERROR_BUSY */);
  g_autoptr(GError) gone = stipple_usb_error_from_libusb (-4 /* LIBUSB_ERROR_NO_DEVICE */);
  g_autoptr(GError) io = stipple_usb_error_from_libusb (-1 /* LIBUSB_ERROR_IO */);

  g_assert_error (access, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (access->message, STIPPLE_PEN_UDEV_RULE));
  g_assert_error (busy, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_BUSY);
  g_assert_error (gone, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED);
  g_assert_error (io, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_FAILED);
}

static void
test_udev_rule (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data",
                                                 STIPPLE_PEN_UDEV_RULE, NULL);
  g_autofree char *rule = NULL;
  g_autofree char *vendor = g_strdup_printf ("ATTRS{idVendor}==\"%04x\"", STIPPLE_USB_VENDOR_ID);
  g_autofree char *product = g_strdup_printf ("ATTRS{idProduct}==\"%04x\"", TEST_PID);
  g_autoptr(GError) error = NULL;

  /* The rule the permission message names must exist and match the pen. */
  g_assert_true (g_file_get_contents (path, &rule, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (rule, vendor));
  g_assert_nonnull (strstr (rule, product));
  g_assert_nonnull (strstr (rule, "TAG+=\"uaccess\""));
}

/* A pen from another maker is opened only once its ids are accepted, and
 * the accepted ids come from the setting the application reads. */
static void
test_other_maker (void)
{
  g_autoptr(StippleTestUsb) bed = stipple_test_usb_new ();
  g_autoptr(StippleTransport) transport = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_auto(GStrv) ids = g_settings_get_strv (settings, "pen-usb-ids");
  g_autoptr(GError) error = NULL;
  const char *with_other[] = { "1209:0001", "not-an-id", "ABCD:0042", NULL };
  Loopback other = { 0 };
  guint device;

  /* The default is the test pen, and nothing else. */
  g_assert_cmpuint (g_strv_length (ids), ==, 1);
  g_assert_cmpstr (ids[0], ==, "1209:0001");

  device = stipple_test_usb_add_device (bed, 0xabcd, 0x0042, &loopback_model, &other);
  transport = stipple_usb_transport_new_for_ids ((const char * const *) ids, TRUE);
  g_assert_true (stipple_transport_start (transport, &error));
  g_assert_no_error (error);
  stipple_usb_transport_rescan (STIPPLE_USB_TRANSPORT (transport));
  g_assert_false (stipple_transport_get_attached (transport));
  g_assert_cmpuint (stipple_test_usb_get_ioctls (bed, device), ==, 0);

  /* Listed, in capitals, beside an entry that is not an id. */
  g_settings_set_strv (settings, "pen-usb-ids", with_other);
  g_strfreev (ids);
  ids = g_settings_get_strv (settings, "pen-usb-ids");
  stipple_usb_transport_set_ids (STIPPLE_USB_TRANSPORT (transport), (const char * const *) ids);
  WAIT_FOR (stipple_transport_get_attached (transport));
  g_assert_cmpuint (stipple_test_usb_get_claims (bed, device), ==, 1);
  g_assert_true (stipple_transport_send (transport, (const guint8 *) "ping", 4, &error));
  g_assert_no_error (error);
  stipple_transport_stop (transport);
  g_queue_clear_full (&other.replies, (GDestroyNotify) g_bytes_unref);
  g_settings_reset (settings, "pen-usb-ids");
}

static void
test_id_parse (void)
{
  guint16 vendor_id = 0, product_id = 0;

  g_assert_true (stipple_usb_id_parse ("1209:0001", &vendor_id, &product_id));
  g_assert_cmphex (vendor_id, ==, 0x1209);
  g_assert_cmphex (product_id, ==, 0x0001);
  g_assert_true (stipple_usb_id_parse ("FfFf:a0B1", &vendor_id, &product_id));
  g_assert_cmphex (vendor_id, ==, 0xffff);
  g_assert_cmphex (product_id, ==, 0xa0b1);
  g_assert_false (stipple_usb_id_parse ("1209:001", NULL, NULL));
  g_assert_false (stipple_usb_id_parse ("1209:00011", NULL, NULL));
  g_assert_false (stipple_usb_id_parse ("12090001", NULL, NULL));
  g_assert_false (stipple_usb_id_parse ("1209-0001", NULL, NULL));
  g_assert_false (stipple_usb_id_parse ("12g9:0001", NULL, NULL));
  g_assert_false (stipple_usb_id_parse (" 1209:001", NULL, NULL));
  g_assert_false (stipple_usb_id_parse ("", NULL, NULL));
  g_assert_false (stipple_usb_id_parse (NULL, NULL, NULL));
}

/* The template for another maker's pen becomes a rule like ours. */
static void
test_udev_rule_template (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data",
                                                 "70-stipple-pen-id.rules.in", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rule = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  rule = g_string_new (text);
  g_assert_cmpuint (g_string_replace (rule, "VVVV", "abcd", 0), >=, 2);
  g_assert_cmpuint (g_string_replace (rule, "PPPP", "0042", 0), >=, 2);
  g_assert_nonnull (strstr (rule->str, "ATTRS{idVendor}==\"abcd\", ATTRS{idProduct}==\"0042\""));
  g_assert_nonnull (strstr (rule->str, "TAG+=\"uaccess\""));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, hotplug) \
  g_test_add ("/stipple/device/transport/" path, Fixture, GINT_TO_POINTER (hotplug), \
              fixture_setup, func, fixture_teardown)

  ADD ("open-loopback", test_open_and_loopback, TRUE);
  ADD ("stream-in-order", test_stream_in_order, TRUE);
  ADD ("stall-recovered", test_stall_recovered, TRUE);
  ADD ("unplug-replug-hotplug", test_unplug_replug, TRUE);
  ADD ("unplug-replug-polling", test_unplug_replug, FALSE);
  ADD ("busy", test_busy, TRUE);
  g_test_add_func ("/stipple/device/transport/no-pen", test_no_pen);
  g_test_add_func ("/stipple/device/transport/error-messages", test_error_messages);
  g_test_add_func ("/stipple/device/transport/udev-rule", test_udev_rule);
  g_test_add_func ("/stipple/device/transport/udev-rule-template", test_udev_rule_template);
  g_test_add_func ("/stipple/device/transport/other-maker", test_other_maker);
  g_test_add_func ("/stipple/device/transport/id-parse", test_id_parse);

  return g_test_run ();
}
