/* stipple-sim-transport.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-sim"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-rt-mutex.h"
#include "stipple-pen-error.h"
#include "stipple-sim-transport.h"
#include "stipple-thread-priority.h"

/* The pen firmware model behind a transport, with no USB in between: what
 * --simulate and demo mode drive. As a USB pen's packets come in on the
 * USB event thread, the model is read on an I/O thread of its own, every
 * 2 ms and at once after each command, whatever the main thread is doing.
 * Commands come from any thread (the pen link sends its heartbeats from
 * its own); one lock keeps the model whole.
 *
 * The model's clock is the monotonic clock, or, with a manual clock, only
 * what stipple_sim_transport_advance() adds: a benchmark can then run an
 * hour of treatment as fast as the host can take it. */

/* The model sends a packet every 2 ms; reading as often keeps well inside
 * its 32 ms queue. */
#define PUMP_INTERVAL_MS 2

struct _StippleSimTransport
{
  StippleTransport       parent_instance;

  StippleFirmwareConfig  config;
  /* The model, and the order of what it sends. */
  StippleRtMutex         lock;
  StippleFirmware        firmware;
  gboolean               manual_clock;
  gboolean               running;
  gboolean               plugged;
  gint64                 clock_origin;
  guint64                manual_now_us;
  GThread               *io_thread;
  GMainContext          *io_context;
  GMainLoop             *io_loop;
  /* A slow bus: each send reaches the model this long after it was
   * submitted, and completes then (0: at once). Frames on their way,
   * oldest first, each a GBytes after a gint64 due time. */
  gint64                 out_delay_us;
  GQueue                 out_queue;
  /* A stall of the I/O thread to come, in µs (stored as a pointer for
   * the atomic exchange), for tests. */
  gpointer               stall_us;
  /* The I/O thread's own timing, under lock: the longest between two
   * pumps and the longest a pump took, for bench-link. */
  gint64                 last_pump_us;
  gint64                 pump_gap_max_us;
  gint64                 pump_max_us;
};

typedef struct
{
  gint64  due_us;
  GBytes *frame;
} OutFrame;

static void
out_frame_free (OutFrame *frame)
{
  g_bytes_unref (frame->frame);
  g_free (frame);
}

G_DEFINE_FINAL_TYPE (StippleSimTransport, stipple_sim_transport, STIPPLE_TYPE_TRANSPORT)

/**
 * stipple_sim_transport_get_now_us:
 * @self: a #StippleSimTransport
 *
 * Returns: the model's clock
 */
guint64
stipple_sim_transport_get_now_us (StippleSimTransport *self)
{
  g_return_val_if_fail (STIPPLE_IS_SIM_TRANSPORT (self), 0);

  if (self->manual_clock)
    return self->manual_now_us;

  return (guint64) (g_get_monotonic_time () - self->clock_origin);
}

static void
pump (StippleSimTransport *self)
{
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  guint64 now;
  gsize len;

  /* The host's reading of the pen runs now (the pen link asks when). */
  stipple_transport_reader_ran (STIPPLE_TRANSPORT (self));
  stipple_rt_mutex_lock (&self->lock);
  now = stipple_sim_transport_get_now_us (self);
  /* What a slow bus has now delivered. */
  while (!g_queue_is_empty (&self->out_queue) &&
         ((OutFrame *) g_queue_peek_head (&self->out_queue))->due_us <= g_get_monotonic_time ())
    {
      OutFrame *frame = g_queue_pop_head (&self->out_queue);
      gsize size;
      const guint8 *data = g_bytes_get_data (frame->frame, &size);

      if (self->plugged)
        stipple_firmware_receive (&self->firmware, data, size, now);
      stipple_transport_out_completed (STIPPLE_TRANSPORT (self));
      out_frame_free (frame);
    }
  /* A pen with its cable cut still runs on its own power: its clock and
   * its heartbeat watchdog go on, and stop the needle. */
  if (!self->plugged)
    stipple_firmware_tick (&self->firmware, now);
  else
    while ((len = stipple_firmware_transmit (&self->firmware, buf, sizeof buf, now)) > 0)
      stipple_transport_packet_received (STIPPLE_TRANSPORT (self), buf, len);
  stipple_rt_mutex_unlock (&self->lock);
}

static gboolean
pump_cb (gpointer user_data)
{
  StippleSimTransport *self = user_data;
  gint64 stall = g_atomic_pointer_get (&self->stall_us) != NULL
    ? (gint64) GPOINTER_TO_SIZE (g_atomic_pointer_exchange (&self->stall_us, NULL)) : 0;
  gint64 start = g_get_monotonic_time ();
  gint64 took;

  /* A starved computer, for tests: this thread does not run at all. */
  if (stall > 0)
    g_usleep ((gulong) stall);
  pump (self);

  took = g_get_monotonic_time () - start;
  stipple_rt_mutex_lock (&self->lock);
  if (self->last_pump_us != 0)
    self->pump_gap_max_us = MAX (self->pump_gap_max_us, start - self->last_pump_us);
  self->pump_max_us = MAX (self->pump_max_us, took);
  self->last_pump_us = start;
  stipple_rt_mutex_unlock (&self->lock);
  return G_SOURCE_CONTINUE;
}

/**
 * stipple_sim_transport_get_pump_stats:
 * @self: a #StippleSimTransport
 * @gap_max_us: (out): the longest time between two of the I/O thread's
 *   regular reads of the model
 * @took_max_us: (out): the longest one read took
 *
 * Why the model lost samples, when it did: its queue holds 32 ms.
 */
void
stipple_sim_transport_get_pump_stats (StippleSimTransport *self,
                                      gint64              *gap_max_us,
                                      gint64              *took_max_us)
{
  g_return_if_fail (STIPPLE_IS_SIM_TRANSPORT (self));

  stipple_rt_mutex_lock (&self->lock);
  *gap_max_us = self->pump_gap_max_us;
  *took_max_us = self->pump_max_us;
  stipple_rt_mutex_unlock (&self->lock);
}

static gboolean
reply_cb (gpointer user_data)
{
  pump (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
io_thread_cb (gpointer user_data)
{
  StippleSimTransport *self = user_data;
  GMainContext *context = g_main_context_ref (self->io_context);
  GSource *source = g_timeout_source_new (PUMP_INTERVAL_MS);

  stipple_thread_raise_priority ("simulated pen");
  g_main_context_push_thread_default (context);
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, pump_cb, self, NULL);
  g_source_set_static_name (source, "[stipple] simulated pen");
  g_source_attach (source, context);
  g_source_unref (source);

  g_main_loop_run (self->io_loop);

  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
stipple_sim_transport_start (StippleTransport  *transport,
                             GError           **error)
{
  StippleSimTransport *self = STIPPLE_SIM_TRANSPORT (transport);

  if (self->running)
    return TRUE;

  self->running = TRUE;
  stipple_rt_mutex_lock (&self->lock);
  self->plugged = TRUE;
  stipple_firmware_init (&self->firmware, &self->config, stipple_sim_transport_get_now_us (self));
  stipple_rt_mutex_unlock (&self->lock);
  if (!self->manual_clock)
    {
      self->io_context = g_main_context_new ();
      self->io_loop = g_main_loop_new (self->io_context, FALSE);
      self->io_thread = g_thread_new ("stipple-sim-pen", io_thread_cb, self);
    }

  stipple_transport_set_attached (transport, TRUE, NULL);

  return TRUE;
}

static void
stipple_sim_transport_stop (StippleTransport *transport)
{
  StippleSimTransport *self = STIPPLE_SIM_TRANSPORT (transport);
  g_autoptr(GError) error = NULL;

  if (!self->running)
    return;

  self->running = FALSE;
  if (self->io_thread != NULL)
    {
      GMainContext *context;

      /* Taken under the lock: a send from another thread no longer queues
       * a reply there. */
      stipple_rt_mutex_lock (&self->lock);
      context = g_steal_pointer (&self->io_context);
      /* Frames still on a slow bus never arrive; their sends end here. */
      while (!g_queue_is_empty (&self->out_queue))
        {
          out_frame_free (g_queue_pop_head (&self->out_queue));
          stipple_transport_out_completed (transport);
        }
      stipple_rt_mutex_unlock (&self->lock);
      g_main_context_invoke (context, quit_cb, self->io_loop);
      g_clear_pointer (&self->io_thread, g_thread_join);
      g_clear_pointer (&self->io_loop, g_main_loop_unref);
      g_main_context_unref (context);
    }

  error = g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NO_PEN,
                               _("The connection to the pen was closed."));
  stipple_transport_set_attached (transport, FALSE, error);
}

static gboolean
stipple_sim_transport_send (StippleTransport  *transport,
                            const guint8      *data,
                            gsize              len,
                            GError           **error)
{
  StippleSimTransport *self = STIPPLE_SIM_TRANSPORT (transport);

  stipple_rt_mutex_lock (&self->lock);
  if (!self->plugged)
    {
      stipple_rt_mutex_unlock (&self->lock);
      g_set_error_literal (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NO_PEN,
                           _("No pen is connected."));
      return FALSE;
    }
  stipple_transport_out_submitted (transport);
  if (self->out_delay_us > 0 && self->io_context != NULL)
    {
      OutFrame *frame = g_new0 (OutFrame, 1);

      frame->due_us = g_get_monotonic_time () + self->out_delay_us;
      frame->frame = g_bytes_new (data, len);
      g_queue_push_tail (&self->out_queue, frame);
      stipple_rt_mutex_unlock (&self->lock);
      return TRUE;
    }
  stipple_firmware_receive (&self->firmware, data, len, stipple_sim_transport_get_now_us (self));
  stipple_transport_out_completed (transport);

  /* The reply goes out from the I/O thread, as it would come from a USB
   * completion, never from inside the caller's send. */
  if (self->io_context != NULL)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_HIGH);
      g_source_set_callback (source, reply_cb, self, NULL);
      g_source_set_static_name (source, "[stipple] simulated pen reply");
      g_source_attach (source, self->io_context);
      g_source_unref (source);
    }
  stipple_rt_mutex_unlock (&self->lock);

  return TRUE;
}

static void
stipple_sim_transport_dispose (GObject *object)
{
  stipple_sim_transport_stop (STIPPLE_TRANSPORT (object));

  G_OBJECT_CLASS (stipple_sim_transport_parent_class)->dispose (object);
}

static void
stipple_sim_transport_finalize (GObject *object)
{
  StippleSimTransport *self = STIPPLE_SIM_TRANSPORT (object);

  g_queue_clear_full (&self->out_queue, (GDestroyNotify) out_frame_free);
  stipple_rt_mutex_clear (&self->lock);

  G_OBJECT_CLASS (stipple_sim_transport_parent_class)->finalize (object);
}

static void
stipple_sim_transport_class_init (StippleSimTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  StippleTransportClass *transport_class = STIPPLE_TRANSPORT_CLASS (klass);

  object_class->dispose = stipple_sim_transport_dispose;
  object_class->finalize = stipple_sim_transport_finalize;

  transport_class->start = stipple_sim_transport_start;
  transport_class->stop = stipple_sim_transport_stop;
  transport_class->send = stipple_sim_transport_send;
}

static void
stipple_sim_transport_init (StippleSimTransport *self)
{
  stipple_rt_mutex_init (&self->lock);
  g_queue_init (&self->out_queue);
  stipple_transport_set_out_tracked (STIPPLE_TRANSPORT (self), TRUE);
  self->clock_origin = g_get_monotonic_time ();
}

/**
 * stipple_sim_transport_new:
 * @config: (nullable): the simulated pen and cartridge, or %NULL for the
 *   model's defaults
 * @manual_clock: %TRUE to move the model's clock only with
 *   stipple_sim_transport_advance()
 *
 * Returns: (transfer full): a transport to a pen model in this process
 */
StippleTransport *
stipple_sim_transport_new (const StippleFirmwareConfig *config,
                           gboolean                     manual_clock)
{
  StippleSimTransport *self = g_object_new (STIPPLE_TYPE_SIM_TRANSPORT, NULL);

  if (config != NULL)
    self->config = *config;
  else
    stipple_firmware_config_init_default (&self->config);
  self->manual_clock = manual_clock;

  return STIPPLE_TRANSPORT (self);
}

/**
 * stipple_sim_transport_get_firmware:
 * @self: a #StippleSimTransport
 *
 * For tests and the demo's controls, on the main thread only.
 *
 * Returns: (transfer none): the pen model
 */
StippleFirmware *
stipple_sim_transport_get_firmware (StippleSimTransport *self)
{
  g_return_val_if_fail (STIPPLE_IS_SIM_TRANSPORT (self), NULL);

  return &self->firmware;
}

/**
 * stipple_sim_transport_advance:
 * @self: a #StippleSimTransport
 * @us: microseconds to move the clock on (manual clock only)
 *
 * Moves the model's clock and delivers whatever the pen sends meanwhile,
 * reading as a host would every 2 ms of the model's time.
 */
void
stipple_sim_transport_advance (StippleSimTransport *self,
                               guint64              us)
{
  guint64 end;

  g_return_if_fail (STIPPLE_IS_SIM_TRANSPORT (self));
  g_return_if_fail (self->manual_clock);

  end = self->manual_now_us + us;
  pump (self);
  while (self->manual_now_us < end)
    {
      self->manual_now_us = MIN (end, self->manual_now_us + 2000);
      pump (self);
    }
}

/**
 * stipple_sim_transport_unplug:
 * @self: a #StippleSimTransport
 *
 * Pulls the cable: the link goes, the model runs on by itself.
 */
void
stipple_sim_transport_unplug (StippleSimTransport *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (STIPPLE_IS_SIM_TRANSPORT (self));

  if (!self->plugged)
    return;

  stipple_rt_mutex_lock (&self->lock);
  self->plugged = FALSE;
  stipple_rt_mutex_unlock (&self->lock);
  error = g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED,
                               _("The pen was unplugged."));
  stipple_transport_set_attached (STIPPLE_TRANSPORT (self), FALSE, error);
}

/**
 * stipple_sim_transport_replug:
 * @self: a #StippleSimTransport
 *
 * Plugs the cable in again; the model sees a USB reset.
 */
void
stipple_sim_transport_replug (StippleSimTransport *self)
{
  g_return_if_fail (STIPPLE_IS_SIM_TRANSPORT (self));

  if (self->plugged || !self->running)
    return;

  stipple_rt_mutex_lock (&self->lock);
  stipple_firmware_usb_reset (&self->firmware, stipple_sim_transport_get_now_us (self));
  self->plugged = TRUE;
  stipple_rt_mutex_unlock (&self->lock);
  stipple_transport_set_attached (STIPPLE_TRANSPORT (self), TRUE, NULL);
}

/**
 * stipple_sim_transport_set_out_delay:
 * @self: a #StippleSimTransport
 * @delay_ms: how long each send takes to reach the pen (0: at once)
 *
 * Makes the bus slow, as a busy hub or a pen slow to take a transfer
 * does: each send reaches the model, and completes, @delay_ms after it
 * was submitted. Only with the model's own clock.
 */
void
stipple_sim_transport_set_out_delay (StippleSimTransport *self,
                                     guint                delay_ms)
{
  g_return_if_fail (STIPPLE_IS_SIM_TRANSPORT (self));

  stipple_rt_mutex_lock (&self->lock);
  self->out_delay_us = (gint64) delay_ms * 1000;
  stipple_rt_mutex_unlock (&self->lock);
}

/**
 * stipple_sim_transport_stall_io:
 * @self: a #StippleSimTransport
 * @stall_ms: how long
 *
 * Stops the simulated pen's I/O thread for @stall_ms, once, as a
 * computer too busy to run it does: neither the model nor the host's
 * reading of it runs meanwhile.
 */
void
stipple_sim_transport_stall_io (StippleSimTransport *self,
                                guint                stall_ms)
{
  g_return_if_fail (STIPPLE_IS_SIM_TRANSPORT (self));

  g_atomic_pointer_set (&self->stall_us, GSIZE_TO_POINTER ((gsize) stall_ms * 1000));
}
