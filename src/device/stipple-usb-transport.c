/* stipple-usb-transport.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-usb"

#include "config.h"

#include <glib/gi18n.h>
#include <libusb.h>
#include <stdlib.h>
#include <string.h>

#include "stipple-rt-mutex.h"
#include "stipple-pen-error.h"
#include "stipple-thread-priority.h"
#include "stipple-usb-transport.h"

/* One event thread runs libusb; it never touches a GObject. Whatever it
 * learns (a pen arrived or left, a stall, a dead link) goes to the main
 * context, which alone opens, claims and closes the device. Packets from
 * the pen go straight from the event thread to the packet function.
 *
 * Several IN transfers stay posted all the time so that the pen always has
 * somewhere to put the next packet at 8,000 samples/s while the event
 * thread hands the previous one on. */

#define N_IN_TRANSFERS      4
#define OUT_TIMEOUT_MS      100
#define POLL_INTERVAL_MS    1000
#define CLOSE_WAIT_US       (2 * G_TIME_SPAN_SECOND)

struct _StippleUsbTransport
{
  StippleTransport         parent_instance;

  /* The accepted ids, vendor << 16 | product; main thread only. */
  GArray                  *ids;
  gboolean                 want_hotplug;

  GMainContext            *main_context;
  libusb_context          *ctx;
  GThread                 *event_thread;
  gint                     running;

  libusb_hotplug_callback_handle hotplug_handle;
  gboolean                 hotplug_registered;
  guint                    poll_source;
  /* A pen was on the bus but could not be opened, for whatever reason:
   * no hotplug event will announce it again. */
  gboolean                 found_unopened;

  /* Main thread only. */
  libusb_device_handle    *handle;
  libusb_device           *device;

  /* Shared with the event thread, under lock. */
  StippleRtMutex           lock;
  StippleRtCond            cond;
  struct libusb_transfer  *in_transfers[N_IN_TRANSFERS];
  GPtrArray               *stalled;
  /* OUT transfers submitted and not yet completed, under lock: closing
   * cancels them, as it cancels the IN transfers. */
  GPtrArray               *out_transfers;
  guint                    in_flight;
  gboolean                 closing;
  gboolean                 gone;
  StippleUsbTransportStats stats;
};

G_DEFINE_FINAL_TYPE (StippleUsbTransport, stipple_usb_transport, STIPPLE_TYPE_TRANSPORT)

static void close_device      (StippleUsbTransport *self,
                               const GError        *reason);
static void update_poll       (StippleUsbTransport *self);
static void scan              (StippleUsbTransport *self);

/**
 * stipple_usb_error_from_libusb:
 * @code: a negative libusb error code
 *
 * Returns: (transfer full): a #GError in %STIPPLE_PEN_ERROR a clinician can act on
 */
GError *
stipple_usb_error_from_libusb (int code)
{
  switch (code)
    {
    case LIBUSB_ERROR_ACCESS:
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_PERMISSION_DENIED,
                          _("This computer does not let Stipple use the pen. Ask your "
                            "administrator to install the file %s into /etc/udev/rules.d, "
                            "then unplug the pen and plug it in again."),
                          STIPPLE_PEN_UDEV_RULE);

    case LIBUSB_ERROR_BUSY:
      return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_BUSY,
                                  _("The pen is in use by another program. Close that "
                                    "program, then try again."));

    case LIBUSB_ERROR_NO_DEVICE:
    case LIBUSB_ERROR_NOT_FOUND:
      return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED,
                                  _("The pen was unplugged."));

    case LIBUSB_ERROR_TIMEOUT:
      return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_TIMEOUT,
                                  _("The pen did not answer in time."));

    default:
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_FAILED,
                          _("The USB link to the pen failed (%s). Unplug the pen and "
                            "plug it in again."),
                          libusb_strerror (code));
    }
}

/* Always through a source: g_main_context_invoke() would run @func right
 * here, on the event thread, whenever the main context happens to be free. */
static void
run_in_main (GMainContext   *context,
             GSourceFunc     func,
             gpointer        data,
             GDestroyNotify  destroy)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "[stipple] usb event");
  g_source_attach (source, context);
}

static void
invoke_main (StippleUsbTransport *self,
             GSourceFunc          func)
{
  run_in_main (self->main_context, func, g_object_ref (self), g_object_unref);
}

static gboolean
link_lost_cb (gpointer user_data)
{
  StippleUsbTransport *self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->handle == NULL)
    return G_SOURCE_REMOVE;

  error = stipple_usb_error_from_libusb (LIBUSB_ERROR_NO_DEVICE);
  close_device (self, error);
  /* The pen may be back already: its arrival was announced while the
   * old handle was still open, and went unheeded. */
  scan (self);
  update_poll (self);

  return G_SOURCE_REMOVE;
}

/* Called with the lock held, from either thread. */
static void
mark_gone_locked (StippleUsbTransport *self)
{
  if (self->gone)
    return;

  self->gone = TRUE;
  self->closing = TRUE;
  invoke_main (self, link_lost_cb);
}

static gboolean
recover_stall_cb (gpointer user_data)
{
  StippleUsbTransport *self = user_data;
  g_autoptr(GPtrArray) stalled = NULL;
  int r;

  if (self->handle == NULL)
    return G_SOURCE_REMOVE;

  /* Clearing the halt is a control request: never from the event thread,
   * which would have to wait on itself. */
  r = libusb_clear_halt (self->handle, STIPPLE_USB_ENDPOINT_IN);
  if (r == 0)
    r = libusb_clear_halt (self->handle, STIPPLE_USB_ENDPOINT_OUT);

  stipple_rt_mutex_lock (&self->lock);
  stalled = g_steal_pointer (&self->stalled);
  self->stalled = g_ptr_array_new ();

  for (guint i = 0; stalled != NULL && i < stalled->len; i++)
    {
      struct libusb_transfer *transfer = g_ptr_array_index (stalled, i);

      if (r != 0 || self->closing)
        {
          /* Not resubmitted: close_device frees it. */
          continue;
        }
      if (libusb_submit_transfer (transfer) == 0)
        self->in_flight++;
      else
        mark_gone_locked (self);
    }
  if (r != 0 && r != LIBUSB_ERROR_NO_DEVICE && !self->closing)
    mark_gone_locked (self);
  stipple_rt_cond_broadcast (&self->cond);
  stipple_rt_mutex_unlock (&self->lock);

  return G_SOURCE_REMOVE;
}

static void
in_transfer_cb (struct libusb_transfer *transfer)
{
  StippleUsbTransport *self = transfer->user_data;
  gboolean resubmit = FALSE;

  if (transfer->status == LIBUSB_TRANSFER_COMPLETED && transfer->actual_length > 0)
    stipple_transport_packet_received (STIPPLE_TRANSPORT (self),
                                       transfer->buffer, transfer->actual_length);

  stipple_rt_mutex_lock (&self->lock);
  self->in_flight--;

  switch (transfer->status)
    {
    case LIBUSB_TRANSFER_COMPLETED:
      self->stats.packets_in++;
      self->stats.bytes_in += transfer->actual_length;
      resubmit = TRUE;
      break;

    case LIBUSB_TRANSFER_TIMED_OUT:
      resubmit = TRUE;
      break;

    case LIBUSB_TRANSFER_STALL:
      self->stats.stalls++;
      if (!self->closing)
        {
          g_ptr_array_add (self->stalled, transfer);
          if (self->stalled->len == 1)
            invoke_main (self, recover_stall_cb);
        }
      break;

    case LIBUSB_TRANSFER_CANCELLED:
      break;

    case LIBUSB_TRANSFER_NO_DEVICE:
    case LIBUSB_TRANSFER_ERROR:
    case LIBUSB_TRANSFER_OVERFLOW:
    default:
      mark_gone_locked (self);
      break;
    }

  if (resubmit && !self->closing)
    {
      int r = libusb_submit_transfer (transfer);

      if (r == 0)
        self->in_flight++;
      else
        mark_gone_locked (self);
    }

  stipple_rt_cond_broadcast (&self->cond);
  stipple_rt_mutex_unlock (&self->lock);
}

static void
out_transfer_cb (struct libusb_transfer *transfer)
{
  StippleUsbTransport *self = transfer->user_data;

  stipple_rt_mutex_lock (&self->lock);
  self->in_flight--;
  g_ptr_array_remove_fast (self->out_transfers, transfer);
  /* Taken by the pen, or failed: either way the reply is waited for
   * from now. */
  stipple_transport_out_completed (STIPPLE_TRANSPORT (self));

  /* A command the pen did not take in time is not retried here: the pen
   * layer waits for the reply and sends again. */
  if (transfer->status == LIBUSB_TRANSFER_NO_DEVICE ||
      transfer->status == LIBUSB_TRANSFER_ERROR)
    mark_gone_locked (self);
  else if (transfer->status == LIBUSB_TRANSFER_STALL && !self->closing)
    invoke_main (self, recover_stall_cb);

  stipple_rt_cond_broadcast (&self->cond);
  stipple_rt_mutex_unlock (&self->lock);
  /* LIBUSB_TRANSFER_FREE_TRANSFER frees it and its buffer on return. */
}

static gpointer
event_thread_func (gpointer user_data)
{
  StippleUsbTransport *self = user_data;

  /* The pen's samples and answers come in here: ahead of other programs. */
  stipple_thread_raise_priority ("USB event");
  while (g_atomic_int_get (&self->running))
    {
      /* Awake at least every 20 ms, so that a pen that says nothing is
       * told apart from a thread that did not run (the pen link asks). */
      struct timeval tv = { 0, 20 * 1000 };

      stipple_transport_reader_ran (STIPPLE_TRANSPORT (self));
      libusb_handle_events_timeout_completed (self->ctx, &tv, NULL);
    }

  return NULL;
}

static void
free_in_transfers (StippleUsbTransport *self)
{
  for (guint i = 0; i < N_IN_TRANSFERS; i++)
    {
      struct libusb_transfer *transfer = g_steal_pointer (&self->in_transfers[i]);

      if (transfer == NULL)
        continue;
      g_free (transfer->buffer);
      libusb_free_transfer (transfer);
    }
}

static gboolean
open_device (StippleUsbTransport  *self,
             libusb_device        *device,
             GError              **error)
{
  libusb_device_handle *handle = NULL;
  int r;

  r = libusb_open (device, &handle);
  if (r != 0)
    {
      g_propagate_error (error, stipple_usb_error_from_libusb (r));
      return FALSE;
    }

  r = libusb_claim_interface (handle, STIPPLE_USB_INTERFACE);
  if (r != 0)
    {
      libusb_close (handle);
      g_propagate_error (error, stipple_usb_error_from_libusb (r));
      return FALSE;
    }

  self->handle = handle;
  self->device = libusb_ref_device (device);

  stipple_rt_mutex_lock (&self->lock);
  self->closing = FALSE;
  self->gone = FALSE;
  self->stats.opens++;
  g_ptr_array_set_size (self->stalled, 0);

  for (guint i = 0; i < N_IN_TRANSFERS; i++)
    {
      struct libusb_transfer *transfer = libusb_alloc_transfer (0);

      /* Zeroed: nothing of the heap's past goes down the wire, whatever
       * the kernel (or an emulator) does with an IN buffer. */
      libusb_fill_bulk_transfer (transfer, handle, STIPPLE_USB_ENDPOINT_IN,
                                 g_malloc0 (STIPPLE_USB_MAX_PACKET), STIPPLE_USB_MAX_PACKET,
                                 in_transfer_cb, self, 0);
      self->in_transfers[i] = transfer;

      r = libusb_submit_transfer (transfer);
      if (r != 0)
        break;
      self->in_flight++;
    }
  stipple_rt_mutex_unlock (&self->lock);

  if (r != 0)
    {
      close_device (self, NULL);
      g_propagate_error (error, stipple_usb_error_from_libusb (r));
      return FALSE;
    }

  {
    struct libusb_device_descriptor desc = { 0 };

    libusb_get_device_descriptor (device, &desc);
    g_debug ("Opened pen %04x:%04x at bus %u address %u", desc.idVendor, desc.idProduct,
             libusb_get_bus_number (device), libusb_get_device_address (device));
  }

  return TRUE;
}

static void
close_device (StippleUsbTransport *self,
              const GError        *reason)
{
  gint64 deadline;
  gboolean was_attached;
  guint in_flight;

  if (self->handle == NULL)
    return;

  stipple_rt_mutex_lock (&self->lock);
  self->closing = TRUE;
  /* Commands on their way to a pen that went (the pen link's heartbeat
   * among them) would otherwise wait for it for ever. */
  for (guint i = 0; i < self->out_transfers->len; i++)
    libusb_cancel_transfer (g_ptr_array_index (self->out_transfers, i));
  stipple_rt_mutex_unlock (&self->lock);

  /* Nothing is resubmitted once closing is set; a transfer that already
   * completed just says it was not found. */
  for (guint i = 0; i < N_IN_TRANSFERS; i++)
    if (self->in_transfers[i] != NULL)
      libusb_cancel_transfer (self->in_transfers[i]);

  /* The event thread completes the cancelled transfers; a transfer must
   * not outlive its handle. */
  stipple_rt_mutex_lock (&self->lock);
  deadline = g_get_monotonic_time () + CLOSE_WAIT_US;
  while (self->in_flight > 0)
    if (!stipple_rt_cond_wait_until (&self->cond, &self->lock, deadline))
      break;
  g_ptr_array_set_size (self->stalled, 0);
  in_flight = self->in_flight;
  stipple_rt_mutex_unlock (&self->lock);

  if (in_flight == 0)
    {
      free_in_transfers (self);
      libusb_release_interface (self->handle, STIPPLE_USB_INTERFACE);
    }
  else
    {
      /* Only a wedged kernel or libusb gets here; freeing a transfer in
       * flight would be worse than keeping it. */
      g_critical ("USB transfers still in flight after closing the pen");
      memset (self->in_transfers, 0, sizeof self->in_transfers);
    }

  g_clear_pointer (&self->handle, libusb_close);
  g_clear_pointer (&self->device, libusb_unref_device);

  was_attached = stipple_transport_get_attached (STIPPLE_TRANSPORT (self));
  if (was_attached)
    stipple_transport_set_attached (STIPPLE_TRANSPORT (self), FALSE, reason);
}

static gboolean
device_matches (StippleUsbTransport *self,
                libusb_device       *device)
{
  struct libusb_device_descriptor desc;

  if (libusb_get_device_descriptor (device, &desc) != 0)
    return FALSE;

  for (guint i = 0; i < self->ids->len; i++)
    if (g_array_index (self->ids, guint32, i) == ((guint32) desc.idVendor << 16 | desc.idProduct))
      return TRUE;

  return FALSE;
}

static void
scan (StippleUsbTransport *self)
{
  libusb_device **list = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;
  ssize_t n;

  if (self->ctx == NULL || self->handle != NULL)
    return;

  n = libusb_get_device_list (self->ctx, &list);
  for (ssize_t i = 0; i < n; i++)
    {
      if (!device_matches (self, list[i]))
        continue;

      found = TRUE;
      g_clear_error (&error);
      if (open_device (self, list[i], &error))
        break;
    }
  if (list != NULL)
    libusb_free_device_list (list, TRUE);

  self->found_unopened = found && self->handle == NULL;

  if (self->handle != NULL)
    {
      stipple_transport_set_attached (STIPPLE_TRANSPORT (self), TRUE, NULL);
    }
  else if (found && error != NULL &&
           !g_error_matches (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED))
    {
      stipple_transport_set_link_error (STIPPLE_TRANSPORT (self), error);
    }
  else
    {
      stipple_transport_set_link_error (STIPPLE_TRANSPORT (self), NULL);
    }
}

static gboolean
poll_cb (gpointer user_data)
{
  StippleUsbTransport *self = user_data;

  scan (self);
  update_poll (self);

  return G_SOURCE_CONTINUE;
}

/* Polling: always while no pen is open when libusb cannot tell us of
 * arrivals; with hotplug, only to retry a pen that was found but could not
 * be opened (another program let go of it, permissions were fixed, or udev
 * had not finished with a pen just plugged in). */
static void
update_poll (StippleUsbTransport *self)
{
  gboolean want;

  want = self->ctx != NULL && self->handle == NULL &&
         (!self->hotplug_registered || self->found_unopened ||
          stipple_transport_get_link_error (STIPPLE_TRANSPORT (self)) != NULL);

  if (want && self->poll_source == 0)
    {
      g_autoptr(GSource) source = g_timeout_source_new (POLL_INTERVAL_MS);

      g_source_set_callback (source, poll_cb, self, NULL);
      g_source_set_static_name (source, "[stipple] usb poll");
      self->poll_source = g_source_attach (source, self->main_context);
    }
  else if (!want && self->poll_source != 0)
    {
      GSource *source = g_main_context_find_source_by_id (self->main_context, self->poll_source);

      if (source != NULL)
        g_source_destroy (source);
      self->poll_source = 0;
    }
}

/* Holds no reference on the libusb device: the event may still wait in
 * the main context when the libusb context is gone. */
typedef struct
{
  StippleUsbTransport  *self;
  guint8                bus;
  guint8                address;
  libusb_hotplug_event  event;
} HotplugEvent;

static void
hotplug_event_free (HotplugEvent *ev)
{
  g_object_unref (ev->self);
  g_free (ev);
}

static gboolean
hotplug_event_cb (gpointer user_data)
{
  HotplugEvent *ev = user_data;
  StippleUsbTransport *self = ev->self;

  if (self->ctx == NULL)
    return G_SOURCE_REMOVE;

  if (ev->event == LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT)
    {
      if (self->device != NULL &&
          libusb_get_bus_number (self->device) == ev->bus &&
          libusb_get_device_address (self->device) == ev->address)
        {
          g_autoptr(GError) error = stipple_usb_error_from_libusb (LIBUSB_ERROR_NO_DEVICE);

          close_device (self, error);
          scan (self);
        }
    }
  else
    {
      scan (self);
    }
  update_poll (self);

  return G_SOURCE_REMOVE;
}

static int LIBUSB_CALL
hotplug_cb (libusb_context        *ctx,
            libusb_device         *device,
            libusb_hotplug_event   event,
            void                  *user_data)
{
  StippleUsbTransport *self = user_data;
  HotplugEvent *ev = g_new0 (HotplugEvent, 1);

  ev->self = g_object_ref (self);
  ev->bus = libusb_get_bus_number (device);
  ev->address = libusb_get_device_address (device);
  ev->event = event;
  run_in_main (self->main_context, hotplug_event_cb, ev, (GDestroyNotify) hotplug_event_free);

  return 0;
}

static gboolean
stipple_usb_transport_start (StippleTransport  *transport,
                             GError           **error)
{
  StippleUsbTransport *self = STIPPLE_USB_TRANSPORT (transport);
  int r;

  if (self->ctx != NULL)
    return TRUE;

  r = libusb_init (&self->ctx);
  if (r != 0)
    {
      self->ctx = NULL;
      g_propagate_error (error, stipple_usb_error_from_libusb (r));
      return FALSE;
    }

  if (self->want_hotplug && libusb_has_capability (LIBUSB_CAP_HAS_HOTPLUG))
    {
      /* Any device: the accepted ids may change while we run, and an
       * arrival only makes scan() look at the bus. */
      r = libusb_hotplug_register_callback (self->ctx,
                                            LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
                                            LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
                                            0, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
                                            LIBUSB_HOTPLUG_MATCH_ANY,
                                            hotplug_cb, self, &self->hotplug_handle);
      self->hotplug_registered = (r == 0);
    }

  g_atomic_int_set (&self->running, TRUE);
  self->event_thread = g_thread_new ("stipple-usb", event_thread_func, self);

  scan (self);
  update_poll (self);

  return TRUE;
}

static void
stipple_usb_transport_stop (StippleTransport *transport)
{
  StippleUsbTransport *self = STIPPLE_USB_TRANSPORT (transport);
  g_autoptr(GError) error = NULL;

  if (self->ctx == NULL)
    return;

  error = g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NO_PEN,
                               _("The connection to the pen was closed."));
  close_device (self, error);

  if (self->hotplug_registered)
    libusb_hotplug_deregister_callback (self->ctx, self->hotplug_handle);
  self->hotplug_registered = FALSE;

  g_atomic_int_set (&self->running, FALSE);
  libusb_interrupt_event_handler (self->ctx);
  g_clear_pointer (&self->event_thread, g_thread_join);

  g_clear_pointer (&self->ctx, libusb_exit);
  self->found_unopened = FALSE;
  update_poll (self);
}

static gboolean
stipple_usb_transport_send (StippleTransport  *transport,
                            const guint8      *data,
                            gsize              len,
                            GError           **error)
{
  StippleUsbTransport *self = STIPPLE_USB_TRANSPORT (transport);
  struct libusb_transfer *transfer;
  guint8 *buffer;
  int r;

  if (len > STIPPLE_USB_MAX_PACKET)
    {
      g_set_error_literal (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_PROTOCOL,
                           _("Stipple could not encode the command for the pen."));
      return FALSE;
    }

  /* libusb frees the buffer with free(). */
  buffer = malloc (len);
  g_assert (buffer != NULL);
  memcpy (buffer, data, len);
  transfer = libusb_alloc_transfer (0);

  /* The handle is read under the lock: the pen link's thread sends its
   * heartbeats while the main thread may be closing the pen. */
  stipple_rt_mutex_lock (&self->lock);
  if (self->handle == NULL)
    {
      stipple_rt_mutex_unlock (&self->lock);
      free (buffer);
      libusb_free_transfer (transfer);
      g_set_error_literal (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NO_PEN,
                           _("No pen is connected."));
      return FALSE;
    }
  libusb_fill_bulk_transfer (transfer, self->handle, STIPPLE_USB_ENDPOINT_OUT,
                             buffer, len, out_transfer_cb, self, OUT_TIMEOUT_MS);
  transfer->flags = LIBUSB_TRANSFER_FREE_BUFFER | LIBUSB_TRANSFER_FREE_TRANSFER;
  if (self->closing)
    r = LIBUSB_ERROR_NO_DEVICE;
  else
    r = libusb_submit_transfer (transfer);
  if (r == 0)
    {
      stipple_transport_out_submitted (transport);
      self->in_flight++;
      self->stats.packets_out++;
      g_ptr_array_add (self->out_transfers, transfer);
    }
  else if (r == LIBUSB_ERROR_NO_DEVICE)
    {
      mark_gone_locked (self);
    }
  stipple_rt_mutex_unlock (&self->lock);

  if (r != 0)
    {
      libusb_free_transfer (transfer);
      g_propagate_error (error, stipple_usb_error_from_libusb (r));
      return FALSE;
    }

  return TRUE;
}

static void
stipple_usb_transport_dispose (GObject *object)
{
  StippleUsbTransport *self = STIPPLE_USB_TRANSPORT (object);

  stipple_usb_transport_stop (STIPPLE_TRANSPORT (self));

  G_OBJECT_CLASS (stipple_usb_transport_parent_class)->dispose (object);
}

static void
stipple_usb_transport_finalize (GObject *object)
{
  StippleUsbTransport *self = STIPPLE_USB_TRANSPORT (object);

  g_clear_pointer (&self->stalled, g_ptr_array_unref);
  g_clear_pointer (&self->out_transfers, g_ptr_array_unref);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  stipple_rt_mutex_clear (&self->lock);
  stipple_rt_cond_clear (&self->cond);

  G_OBJECT_CLASS (stipple_usb_transport_parent_class)->finalize (object);
}

static void
stipple_usb_transport_class_init (StippleUsbTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  StippleTransportClass *transport_class = STIPPLE_TRANSPORT_CLASS (klass);

  object_class->dispose = stipple_usb_transport_dispose;
  object_class->finalize = stipple_usb_transport_finalize;

  transport_class->start = stipple_usb_transport_start;
  transport_class->stop = stipple_usb_transport_stop;
  transport_class->send = stipple_usb_transport_send;
}

static void
stipple_usb_transport_init (StippleUsbTransport *self)
{
  stipple_rt_mutex_init (&self->lock);
  stipple_rt_cond_init (&self->cond);
  stipple_transport_set_out_tracked (STIPPLE_TRANSPORT (self), TRUE);
  self->stalled = g_ptr_array_new ();
  self->out_transfers = g_ptr_array_new ();
  self->main_context = g_main_context_ref_thread_default ();
  self->ids = g_array_new (FALSE, FALSE, sizeof (guint32));
}

/**
 * stipple_usb_transport_new:
 * @vendor_id: the pen's USB vendor id
 * @product_id: the pen's USB product id
 * @use_hotplug: listen for hotplug events where libusb offers them
 *   (%FALSE: poll the bus every second)
 *
 * Creates a transport for the first pen with these ids. Devices with other
 * ids are never opened. The transport belongs to the thread-default main
 * context it was created in.
 *
 * Returns: (transfer full): a new #StippleTransport
 */
StippleTransport *
stipple_usb_transport_new (guint16  vendor_id,
                           guint16  product_id,
                           gboolean use_hotplug)
{
  g_autofree char *id = g_strdup_printf ("%04x:%04x", vendor_id, product_id);
  const char *ids[] = { id, NULL };

  return stipple_usb_transport_new_for_ids (ids, use_hotplug);
}

/**
 * stipple_usb_transport_new_for_ids:
 * @ids: (array zero-terminated=1): the accepted pens, as "vvvv:pppp"
 *   (vendor and product id in hexadecimal), as in the `pen-usb-ids` setting
 * @use_hotplug: listen for hotplug events where libusb offers them
 *   (%FALSE: poll the bus every second)
 *
 * Creates a transport for the first pen whose ids are in @ids. Entries
 * that are not ids are skipped (stipple_usb_id_parse()).
 *
 * Returns: (transfer full): a new #StippleTransport
 */
StippleTransport *
stipple_usb_transport_new_for_ids (const char * const *ids,
                                   gboolean            use_hotplug)
{
  StippleUsbTransport *self = g_object_new (STIPPLE_TYPE_USB_TRANSPORT, NULL);

  self->want_hotplug = use_hotplug;
  stipple_usb_transport_set_ids (self, ids);

  return STIPPLE_TRANSPORT (self);
}

/**
 * stipple_usb_id_parse:
 * @text: an id as "vvvv:pppp", four hexadecimal digits each
 * @vendor_id: (out) (optional): the vendor id
 * @product_id: (out) (optional): the product id
 *
 * Returns: whether @text is an id
 */
gboolean
stipple_usb_id_parse (const char *text,
                      guint16    *vendor_id,
                      guint16    *product_id)
{
  guint32 v = 0;

  if (text == NULL || strlen (text) != 9 || text[4] != ':')
    return FALSE;

  for (guint i = 0; i < 9; i++)
    {
      if (i == 4)
        continue;
      if (!g_ascii_isxdigit (text[i]))
        return FALSE;
      v = v << 4 | (guint32) g_ascii_xdigit_value (text[i]);
    }

  if (vendor_id != NULL)
    *vendor_id = (guint16) (v >> 16);
  if (product_id != NULL)
    *product_id = (guint16) v;

  return TRUE;
}

/**
 * stipple_usb_transport_set_ids:
 * @self: a #StippleUsbTransport
 * @ids: (array zero-terminated=1) (nullable): the accepted pens, as "vvvv:pppp"
 *
 * Changes which pens the transport accepts, and looks for one at once if
 * it is running and has none open. An open pen stays open.
 */
void
stipple_usb_transport_set_ids (StippleUsbTransport *self,
                               const char * const  *ids)
{
  g_return_if_fail (STIPPLE_IS_USB_TRANSPORT (self));

  g_array_set_size (self->ids, 0);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      guint16 vendor_id, product_id;
      guint32 id;

      if (!stipple_usb_id_parse (ids[i], &vendor_id, &product_id))
        {
          g_debug ("Not a USB id, skipped: %s", ids[i]);
          continue;
        }
      id = (guint32) vendor_id << 16 | product_id;
      g_array_append_val (self->ids, id);
    }

  if (self->ctx != NULL)
    {
      scan (self);
      update_poll (self);
    }
}

/**
 * stipple_usb_transport_get_uses_hotplug:
 * @self: a #StippleUsbTransport
 *
 * Returns: whether arrivals come from libusb hotplug events rather than polling
 */
gboolean
stipple_usb_transport_get_uses_hotplug (StippleUsbTransport *self)
{
  g_return_val_if_fail (STIPPLE_IS_USB_TRANSPORT (self), FALSE);

  return self->hotplug_registered;
}

/**
 * stipple_usb_transport_get_stats:
 * @self: a #StippleUsbTransport
 * @stats: (out): counters since the transport was made
 *
 * Copies the link's counters.
 */
void
stipple_usb_transport_get_stats (StippleUsbTransport      *self,
                                 StippleUsbTransportStats *stats)
{
  g_return_if_fail (STIPPLE_IS_USB_TRANSPORT (self));
  g_return_if_fail (stats != NULL);

  stipple_rt_mutex_lock (&self->lock);
  *stats = self->stats;
  stipple_rt_mutex_unlock (&self->lock);
}

/**
 * stipple_usb_transport_rescan:
 * @self: a #StippleUsbTransport
 *
 * Looks for a pen now, as when the user asks to try again.
 */
void
stipple_usb_transport_rescan (StippleUsbTransport *self)
{
  g_return_if_fail (STIPPLE_IS_USB_TRANSPORT (self));

  scan (self);
  update_poll (self);
}
