/* stipple-test-usb.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-test-usb"

#include "config.h"

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <umockdev.h>

#include "stipple-test-usb.h"
#include "stipple-test-wait.h"
#include "stipple-thread-priority.h"

/* The kernel side of usbdevfs: umockdev's preload library sends every ioctl
 * on an emulated /dev/bus/usb node, from this process or from a child that
 * inherited UMOCKDEV_DIR, to a UMockdevIoctlBase here, and
 * the handler below answers them as the kernel would, feeding bulk OUT
 * transfers to a device model and filling bulk IN transfers from it. So the
 * host's real libusb code runs unchanged: enumeration from sysfs, open,
 * claim, asynchronous URBs, reaping, discarding, stalls and unplugging.
 *
 * libusb reaps with USBDEVFS_REAPURBNDELAY whenever the device's file is
 * writable, which an emulated node always is: its event thread keeps asking,
 * and each question advances the model's clock. */

#define MAX_DEVICES 4

typedef struct
{
  StippleTestUsb            *bed;
  guint                      index;
  guint16                    vendor_id;
  guint16                    product_id;
  guint                      devnum;
  char                      *syspath;
  char                      *devnode;
  UMockdevIoctlBase         *handler;
  const StippleTestUsbModel *model;
  gpointer                   model_data;
  gboolean                   present;
  int                        claim_errno;
  guint                      claims;
  guint                      ioctls;
  /* URBs (UMockdevIoctlData) waiting for IN data, and URBs ready to reap. */
  GQueue                     pending_in;
  GQueue                     done;
} TestDevice;

struct _StippleTestUsb
{
  UMockdevTestbed *testbed;
  GMutex           lock;
  /* The clock has its own lock so that it can be read under the other. */
  GMutex           clock_lock;
  TestDevice       devices[MAX_DEVICES];
  guint            n_devices;
  guint            next_devnum;
  gint64           clock_origin;
  guint64          clock_base;
  guint            clock_rate;
  /* STIPPLE_TEST_PEN_CLOCK_SLOWDOWN: under valgrind the pen's clock runs
   * slower, so that a host running many times slower than usual can keep
   * up with its telemetry. */
  guint            clock_slowdown;
};

static guint64
now_us_locked (StippleTestUsb *self)
{
  guint64 now;

  g_mutex_lock (&self->clock_lock);
  now = self->clock_base +
        (guint64) (g_get_monotonic_time () - self->clock_origin) * self->clock_rate /
        self->clock_slowdown;
  g_mutex_unlock (&self->clock_lock);

  return now;
}

static void
urb_set_result (UMockdevIoctlData *urb_data,
                int                status,
                int                actual_length)
{
  struct usbdevfs_urb *urb = (struct usbdevfs_urb *) urb_data->data;

  urb->status = status;
  urb->actual_length = actual_length;
}

static void
fail_all_urbs_locked (TestDevice *dev,
                      int         status)
{
  UMockdevIoctlData *urb_data;

  while ((urb_data = g_queue_pop_head (&dev->pending_in)) != NULL)
    {
      urb_set_result (urb_data, status, 0);
      g_queue_push_tail (&dev->done, urb_data);
    }
}

/* Called without the bed's lock: resolving the argument reads the asking
 * process's memory, which waits on that process, and a process frozen
 * by a drill (SIGSTOP) must not hold off the test that froze it. */
static void
complete_reap (UMockdevIoctlClient *client,
               UMockdevIoctlData   *urb_data)
{
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg (client);
  g_autoptr(UMockdevIoctlData) urb_ptr = NULL;

  /* NULL when the process that asked has just died. */
  urb_ptr = umockdev_ioctl_data_resolve (arg, 0, sizeof (gpointer), NULL);
  if (urb_ptr != NULL)
    {
      umockdev_ioctl_data_set_ptr (urb_ptr, 0, urb_data);
      umockdev_ioctl_client_complete (client, 0, 0);
    }
  umockdev_ioctl_data_unref (urb_data);
}

static gboolean
handle_submit (TestDevice          *dev,
               UMockdevIoctlClient *client)
{
  StippleTestUsb *self = dev->bed;
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg (client);
  g_autoptr(UMockdevIoctlData) urb_data = NULL;
  g_autoptr(UMockdevIoctlData) buffer = NULL;
  struct usbdevfs_urb *urb;

  /* What the process asks is read from its memory first, without the
   * bed's lock (see complete_reap()). NULL when it has just died. */
  urb_data = umockdev_ioctl_data_resolve (arg, 0, sizeof (struct usbdevfs_urb), NULL);
  if (urb_data == NULL)
    return TRUE;
  urb = (struct usbdevfs_urb *) urb_data->data;

  if (urb->type != USBDEVFS_URB_TYPE_BULK ||
      (urb->endpoint != 0x01 && urb->endpoint != 0x81) ||
      urb->buffer_length < 0 || urb->buffer_length > 16384)
    {
      umockdev_ioctl_client_complete (client, -1, EINVAL);
      return TRUE;
    }

  buffer = umockdev_ioctl_data_resolve (urb_data, G_STRUCT_OFFSET (struct usbdevfs_urb, buffer),
                                        urb->buffer_length, NULL);
  if (buffer == NULL)
    return TRUE;

  g_mutex_lock (&self->lock);
  if (!dev->present)
    {
      g_mutex_unlock (&self->lock);
      umockdev_ioctl_client_complete (client, -1, ENODEV);
      return TRUE;
    }

  if (urb->endpoint == 0x01)
    {
      /* The pen takes a command at once; the URB completes with all of it. */
      dev->model->receive (dev->model_data, buffer->data, urb->buffer_length,
                           now_us_locked (self));
      urb_set_result (urb_data, 0, urb->buffer_length);
      g_queue_push_tail (&dev->done, umockdev_ioctl_data_ref (urb_data));
    }
  else
    {
      g_queue_push_tail (&dev->pending_in, umockdev_ioctl_data_ref (urb_data));
    }
  g_mutex_unlock (&self->lock);

  umockdev_ioctl_client_complete (client, 0, 0);
  return TRUE;
}

static gboolean
handle_reap (TestDevice          *dev,
             UMockdevIoctlClient *client)
{
  StippleTestUsb *self = dev->bed;
  UMockdevIoctlData *urb_data;
  int error = EAGAIN;

  /* The URB to give back is chosen under the bed's lock and given back
   * after it (see complete_reap()). */
  g_mutex_lock (&self->lock);
  urb_data = g_queue_pop_head (&dev->done);
  if (urb_data == NULL && !dev->present)
    error = ENODEV;
  else if (urb_data == NULL && (urb_data = g_queue_peek_head (&dev->pending_in)) != NULL)
    {
      struct usbdevfs_urb *urb = (struct usbdevfs_urb *) urb_data->data;

      if (dev->model->halted != NULL && dev->model->halted (dev->model_data))
        {
          /* The endpoint answers with a STALL handshake: every URB on it
           * fails with EPIPE until the host clears the halt. */
          g_queue_pop_head (&dev->pending_in);
          urb_set_result (urb_data, -EPIPE, 0);
        }
      else
        {
          gsize len = dev->model->transmit (dev->model_data, urb->buffer,
                                            urb->buffer_length, now_us_locked (self));

          if (len > 0)
            {
              g_queue_pop_head (&dev->pending_in);
              urb_set_result (urb_data, 0, len);
            }
          else
            {
              urb_data = NULL;
            }
        }
    }
  g_mutex_unlock (&self->lock);

  if (urb_data != NULL)
    complete_reap (client, urb_data);
  else
    umockdev_ioctl_client_complete (client, -1, error);
  return TRUE;
}

static gboolean
handle_discard (TestDevice          *dev,
                UMockdevIoctlClient *client)
{
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg (client);
  gulong addr = (gulong) *(gpointer *) arg->data;

  for (GList *l = dev->pending_in.head; l != NULL; l = l->next)
    {
      UMockdevIoctlData *urb_data = l->data;

      if (urb_data->client_addr == addr)
        {
          g_queue_delete_link (&dev->pending_in, l);
          urb_set_result (urb_data, -ENOENT, 0);
          g_queue_push_tail (&dev->done, urb_data);
          umockdev_ioctl_client_complete (client, 0, 0);
          return TRUE;
        }
    }

  umockdev_ioctl_client_complete (client, -1, EINVAL);
  return TRUE;
}

/* The node was opened again: the process that had it open before closed
 * it or died, and its URBs went with it, as the kernel frees them. The pen
 * has one host at a time. */
static void
client_connected_cb (UMockdevIoctlBase   *handler,
                     UMockdevIoctlClient *client,
                     gpointer             user_data)
{
  TestDevice *dev = user_data;

  g_mutex_lock (&dev->bed->lock);
  if (handler == dev->handler)
    {
      g_queue_clear_full (&dev->pending_in, (GDestroyNotify) umockdev_ioctl_data_unref);
      g_queue_clear_full (&dev->done, (GDestroyNotify) umockdev_ioctl_data_unref);
    }
  g_mutex_unlock (&dev->bed->lock);
}

static gboolean
handle_ioctl_cb (UMockdevIoctlBase   *handler,
                 UMockdevIoctlClient *client,
                 gpointer             user_data)
{
  TestDevice *dev = user_data;
  StippleTestUsb *self = dev->bed;
  gulong request = umockdev_ioctl_client_get_request (client);
  gboolean handled = TRUE;
  static __thread gboolean raised;

  /* This thread stands for the pen's own hardware, which shares no CPU
   * with the host: on a busy machine (./build-aux/dev test --load) it runs
   * ahead of the CPU hog where the system allows, as the host's pen
   * threads do. */
  if (!raised)
    {
      raised = TRUE;
      stipple_thread_raise_priority ("emulated USB pen");
    }

  g_mutex_lock (&self->lock);
  dev->ioctls++;
  g_mutex_unlock (&self->lock);

  /* These read the asking process's memory, so they take the bed's lock
   * only around the device's state (see complete_reap()). */
  switch (request)
    {
    case USBDEVFS_GET_CAPABILITIES:
      {
        UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg (client);
        g_autoptr(UMockdevIoctlData) caps = NULL;

        caps = umockdev_ioctl_data_resolve (arg, 0, sizeof (guint32), NULL);
        if (caps == NULL)
          return TRUE;
        *(guint32 *) caps->data = USBDEVFS_CAP_BULK_CONTINUATION |
                                  USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
                                  USBDEVFS_CAP_REAP_AFTER_DISCONNECT |
                                  USBDEVFS_CAP_ZERO_PACKET;
        umockdev_ioctl_client_complete (client, 0, 0);
      }
      return TRUE;

    case USBDEVFS_SUBMITURB:
      return handle_submit (dev, client);

    case USBDEVFS_REAPURB:
    case USBDEVFS_REAPURBNDELAY:
      return handle_reap (dev, client);

    default:
      break;
    }

  g_mutex_lock (&self->lock);
  switch (request)
    {

    case USBDEVFS_CLAIMINTERFACE:
      if (!dev->present)
        {
          umockdev_ioctl_client_complete (client, -1, ENODEV);
        }
      else if (dev->claim_errno != 0)
        {
          umockdev_ioctl_client_complete (client, -1, dev->claim_errno);
        }
      else
        {
          dev->claims++;
          umockdev_ioctl_client_complete (client, 0, 0);
        }
      break;

    case USBDEVFS_RELEASEINTERFACE:
    case USBDEVFS_RESETEP:
    case USBDEVFS_RESET:
      if (dev->present)
        umockdev_ioctl_client_complete (client, 0, 0);
      else
        umockdev_ioctl_client_complete (client, -1, ENODEV);
      break;

    case USBDEVFS_CLEAR_HALT:
      if (dev->present)
        {
          if (dev->model->clear_halt != NULL)
            dev->model->clear_halt (dev->model_data, now_us_locked (self));
          umockdev_ioctl_client_complete (client, 0, 0);
        }
      else
        {
          umockdev_ioctl_client_complete (client, -1, ENODEV);
        }
      break;

    case USBDEVFS_DISCARDURB:
      handle_discard (dev, client);
      break;

    default:
      handled = FALSE;
      break;
    }

  g_mutex_unlock (&self->lock);

  return handled;
}

static UMockdevIoctlBase *
new_handler (TestDevice *dev)
{
  UMockdevIoctlBase *handler = umockdev_ioctl_base_new ();

  g_signal_connect (handler, "handle-ioctl", G_CALLBACK (handle_ioctl_cb), dev);
  g_signal_connect (handler, "client-connected", G_CALLBACK (client_connected_cb), dev);
  return handler;
}

static void
plug_locked (StippleTestUsb *self,
             TestDevice     *dev)
{
  g_autofree char *record = NULL;
  g_autoptr(GError) error = NULL;

  dev->devnum = self->next_devnum++;
  g_free (dev->syspath);
  g_free (dev->devnode);
  dev->syspath = g_strdup_printf ("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-%u", dev->devnum);
  dev->devnode = g_strdup_printf ("/dev/bus/usb/001/%03u", dev->devnum);

  /* Attach first, so that libusb can open the node as soon as it hears of
   * it. */
  if (!umockdev_testbed_attach_ioctl (self->testbed, dev->devnode, dev->handler, &error))
    g_error ("Cannot emulate %s: %s", dev->devnode, error->message);

  {
    /* A vendor-specific interface with one bulk endpoint each way, 512
     * bytes (high speed). */
    const guint8 descriptors[] = {
      /* device: USB 2.0, class per interface, EP0 64 bytes, strings 1-3 */
      0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x40,
      dev->vendor_id & 0xff, dev->vendor_id >> 8,
      dev->product_id & 0xff, dev->product_id >> 8,
      0x00, 0x01, 0x01, 0x02, 0x03, 0x01,
      /* configuration 1: one interface, bus powered, 100 mA */
      0x09, 0x02, 0x20, 0x00, 0x01, 0x01, 0x00, 0x80, 0x32,
      /* interface 0: two endpoints, vendor-specific class 0xff */
      0x09, 0x04, 0x00, 0x00, 0x02, 0xff, 0x00, 0x00, 0x00,
      /* bulk OUT 0x01 and bulk IN 0x81 */
      0x07, 0x05, 0x01, 0x02, 0x00, 0x02, 0x00,
      0x07, 0x05, 0x81, 0x02, 0x00, 0x02, 0x00,
    };
    g_autoptr(GString) hex = g_string_new (NULL);

    for (gsize i = 0; i < sizeof descriptors; i++)
      g_string_append_printf (hex, "%02x", descriptors[i]);

    record = g_strdup_printf ("P: /devices/pci0000:00/0000:00:14.0/usb1/1-%u\n"
                              "N: bus/usb/001/%03u\n"
                              "E: SUBSYSTEM=usb\n"
                              "E: DEVTYPE=usb_device\n"
                              "E: DRIVER=usb\n"
                              "E: BUSNUM=001\n"
                              "E: DEVNUM=%03u\n"
                              "E: DEVNAME=/dev/bus/usb/001/%03u\n"
                              "A: busnum=1\\n\n"
                              "A: devnum=%u\\n\n"
                              "A: speed=480\\n\n"
                              "A: bConfigurationValue=1\\n\n"
                              "H: descriptors=%s\n",
                              dev->devnum, dev->devnum, dev->devnum, dev->devnum,
                              dev->devnum, hex->str);
  }

  dev->present = TRUE;
  if (!umockdev_testbed_add_from_string (self->testbed, record, &error))
    g_error ("Cannot add %s: %s", dev->syspath, error->message);
}

/**
 * stipple_test_usb_new:
 *
 * Creates an empty emulated USB bus. Call before libusb_init().
 */
StippleTestUsb *
stipple_test_usb_new (void)
{
  StippleTestUsb *self = g_new0 (StippleTestUsb, 1);

  /* Under umockdev the kernel's usbfs is this process: every URB reaped
   * is a request over a socket that the bed's threads, at the normal
   * priority, answer, and the preload library polls and sleeps for the
   * answer. A pen thread at a real-time priority polling there takes the
   * CPU the emulated pen itself needs: beside a CPU hog the pen model then
   * heard the heartbeats late and stopped its needle. The pen's threads
   * stay at the raised nice level here, in this process and in the
   * Stipple it starts; the real-time priority is measured with the
   * simulated pen (bench-link) and runs in the other tests. */
  g_setenv ("STIPPLE_NO_REALTIME", "1", TRUE);

  g_mutex_init (&self->lock);
  g_mutex_init (&self->clock_lock);
  self->testbed = umockdev_testbed_new ();
  g_assert_true (umockdev_in_mock_environment ());
  self->next_devnum = 2;
  self->clock_origin = g_get_monotonic_time ();
  self->clock_rate = 1;
  self->clock_slowdown = test_env_factor ("STIPPLE_TEST_PEN_CLOCK_SLOWDOWN");

  return self;
}

void
stipple_test_usb_free (StippleTestUsb *self)
{
  for (guint i = 0; i < self->n_devices; i++)
    {
      TestDevice *dev = &self->devices[i];

      g_queue_clear_full (&dev->pending_in, (GDestroyNotify) umockdev_ioctl_data_unref);
      g_queue_clear_full (&dev->done, (GDestroyNotify) umockdev_ioctl_data_unref);
    }

  g_clear_object (&self->testbed);

  for (guint i = 0; i < self->n_devices; i++)
    {
      TestDevice *dev = &self->devices[i];

      g_clear_object (&dev->handler);
      g_free (dev->syspath);
      g_free (dev->devnode);
    }

  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->clock_lock);
  g_free (self);
}

/**
 * stipple_test_usb_add_device:
 *
 * Plugs in a device with the given ids whose endpoints talk to @model.
 *
 * Returns: the device's index for the other calls
 */
guint
stipple_test_usb_add_device (StippleTestUsb            *self,
                             guint16                    vendor_id,
                             guint16                    product_id,
                             const StippleTestUsbModel *model,
                             gpointer                   model_data)
{
  TestDevice *dev;

  g_assert_cmpuint (self->n_devices, <, MAX_DEVICES);

  dev = &self->devices[self->n_devices];
  dev->bed = self;
  dev->index = self->n_devices++;
  dev->vendor_id = vendor_id;
  dev->product_id = product_id;
  dev->model = model;
  dev->model_data = model_data;
  dev->handler = new_handler (dev);

  g_mutex_lock (&self->lock);
  plug_locked (self, dev);
  g_mutex_unlock (&self->lock);

  return dev->index;
}

/**
 * stipple_test_usb_unplug:
 *
 * Pulls the cable: URBs in flight fail as the kernel fails them, further
 * ioctls say ENODEV, the node leaves sysfs and udev says "remove". The
 * model keeps running on its own clock.
 */
void
stipple_test_usb_unplug (StippleTestUsb *self,
                         guint           device)
{
  TestDevice *dev = &self->devices[device];
  g_autofree char *syspath = NULL;

  g_mutex_lock (&self->lock);
  g_assert_true (dev->present);
  dev->present = FALSE;
  fail_all_urbs_locked (dev, -ENODEV);
  syspath = g_strdup (dev->syspath);
  g_mutex_unlock (&self->lock);

  umockdev_testbed_uevent (self->testbed, syspath, "remove");
  umockdev_testbed_remove_device (self->testbed, syspath);
}

/**
 * stipple_test_usb_replug:
 *
 * Plugs the device in again at a new address; the model sees a bus reset.
 */
void
stipple_test_usb_replug (StippleTestUsb *self,
                         guint           device)
{
  TestDevice *dev = &self->devices[device];

  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC * test_slowdown ();

  g_mutex_lock (&self->lock);
  g_assert_false (dev->present);
  /* The kernel gives the old device's URBs back, failed, on the old file
   * for as long as the host keeps it: they are not dropped with the new
   * node. Here both share one queue, so the host reaps them first. */
  while (!g_queue_is_empty (&dev->done) && g_get_monotonic_time () < deadline)
    {
      g_mutex_unlock (&self->lock);
      g_usleep (1000);
      g_mutex_lock (&self->lock);
    }
  g_queue_clear_full (&dev->pending_in, (GDestroyNotify) umockdev_ioctl_data_unref);
  g_queue_clear_full (&dev->done, (GDestroyNotify) umockdev_ioctl_data_unref);
  if (dev->model->bus_reset != NULL)
    dev->model->bus_reset (dev->model_data, now_us_locked (self));

  /* A new node needs its own handler: the old one still serves the
   * host's stale file until it closes it. */
  g_clear_object (&dev->handler);
  dev->handler = new_handler (dev);
  plug_locked (self, dev);
  g_mutex_unlock (&self->lock);
}

void
stipple_test_usb_set_claim_errno (StippleTestUsb *self,
                                  guint           device,
                                  int             error_code)
{
  g_mutex_lock (&self->lock);
  self->devices[device].claim_errno = error_code;
  g_mutex_unlock (&self->lock);
}

guint
stipple_test_usb_get_claims (StippleTestUsb *self,
                             guint           device)
{
  guint claims;

  g_mutex_lock (&self->lock);
  claims = self->devices[device].claims;
  g_mutex_unlock (&self->lock);

  return claims;
}

guint
stipple_test_usb_get_ioctls (StippleTestUsb *self,
                             guint           device)
{
  guint ioctls;

  g_mutex_lock (&self->lock);
  ioctls = self->devices[device].ioctls;
  g_mutex_unlock (&self->lock);

  return ioctls;
}

/**
 * stipple_test_usb_set_clock_rate:
 *
 * Makes the models' clock run @rate times faster than real time, so that a
 * long session can be run in a shorter one.
 */
void
stipple_test_usb_set_clock_rate (StippleTestUsb *self,
                                 guint           rate)
{
  guint64 now = now_us_locked (self);

  g_mutex_lock (&self->clock_lock);
  self->clock_base = now;
  self->clock_origin = g_get_monotonic_time ();
  self->clock_rate = MAX (rate, 1);
  g_mutex_unlock (&self->clock_lock);
}

/**
 * stipple_test_usb_now_us:
 *
 * The models' clock; may be read with the bed locked.
 */
guint64
stipple_test_usb_now_us (StippleTestUsb *self)
{
  return now_us_locked (self);
}

/**
 * stipple_test_usb_lock:
 *
 * Holds off the emulated devices, so that the test may look at or change a
 * model. Also advances every model's clock (its watchdog runs whether or
 * not a host talks to it).
 */
void
stipple_test_usb_lock (StippleTestUsb *self)
{
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->n_devices; i++)
    if (self->devices[i].model->tick != NULL)
      self->devices[i].model->tick (self->devices[i].model_data, now_us_locked (self));
}

void
stipple_test_usb_unlock (StippleTestUsb *self)
{
  g_mutex_unlock (&self->lock);
}
