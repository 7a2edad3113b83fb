/* stipple-transport.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-transport"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-rt-mutex.h"
#include "stipple-pen-error.h"
#include "stipple-transport.h"

/* A transport moves framed bytes to and from one pen and says when a pen
 * arrives or leaves. It knows nothing of the protocol: StipplePen does.
 *
 * Threading: start, stop, send and the signals belong to the main thread.
 * Packets arrive on the I/O thread through the packet function, so that
 * telemetry can go to a sample ring without a trip through the main loop. */

/* Completion times kept for the last sends. */
#define OUT_RING 64

typedef struct
{
  StippleRtMutex              packet_lock;
  StippleTransportPacketFunc  packet_func;
  gpointer                    packet_data;

  GError                     *link_error;
  guint                       attached : 1;

  /* When what was sent left the host: the pen's reply is waited for
   * from then, not from the moment it was queued (a busy bus or a pen
   * slow to take a transfer is not a missing reply). Sends are numbered
   * in the order they are submitted; completions come in that order. */
  StippleRtMutex              out_lock;
  gboolean                    out_tracked;
  guint64                     out_submitted;
  guint64                     out_completed;
  gint64                      out_completed_us[OUT_RING];

  /* When the I/O thread last ran its loop (under out_lock): answers the
   * pen sent cannot be read while it does not run. */
  gint64                      reader_last_us;
} StippleTransportPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (StippleTransport, stipple_transport, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ATTACHED,
  PROP_LINK_ERROR,
  N_PROPS
};

enum {
  SIGNAL_ATTACHED,
  SIGNAL_DETACHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
stipple_transport_finalize (GObject *object)
{
  StippleTransport *self = STIPPLE_TRANSPORT (object);
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);

  g_clear_error (&priv->link_error);
  stipple_rt_mutex_clear (&priv->packet_lock);
  stipple_rt_mutex_clear (&priv->out_lock);

  G_OBJECT_CLASS (stipple_transport_parent_class)->finalize (object);
}

static void
stipple_transport_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  StippleTransport *self = STIPPLE_TRANSPORT (object);
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ATTACHED:
      g_value_set_boolean (value, priv->attached);
      break;

    case PROP_LINK_ERROR:
      g_value_set_boxed (value, priv->link_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_transport_class_init (StippleTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = stipple_transport_finalize;
  object_class->get_property = stipple_transport_get_property;

  /**
   * StippleTransport:attached:
   *
   * Whether a pen is open and claimed: bytes can be sent.
   */
  properties[PROP_ATTACHED] =
    g_param_spec_boolean ("attached", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StippleTransport:link-error:
   *
   * Why the last pen found could not be opened (in use by another
   * program, permission denied) or, once opened, identified; or %NULL.
   */
  properties[PROP_LINK_ERROR] =
    g_param_spec_boxed ("link-error", NULL, NULL,
                        G_TYPE_ERROR,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StippleTransport::attached:
   *
   * A pen was opened and claimed.
   */
  signals[SIGNAL_ATTACHED] =
    g_signal_new ("attached",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * StippleTransport::detached:
   * @reason: a #GError in %STIPPLE_PEN_ERROR saying why
   *
   * The pen went away or the link to it broke.
   */
  signals[SIGNAL_DETACHED] =
    g_signal_new ("detached",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
stipple_transport_init (StippleTransport *self)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);

  stipple_rt_mutex_init (&priv->packet_lock);
  stipple_rt_mutex_init (&priv->out_lock);
}

/**
 * stipple_transport_start:
 * @self: a #StippleTransport
 * @error: return location for a #GError
 *
 * Starts looking for a pen; #StippleTransport::attached is emitted when one
 * is open.
 *
 * Returns: %TRUE if the transport could start looking
 */
gboolean
stipple_transport_start (StippleTransport  *self,
                         GError           **error)
{
  g_return_val_if_fail (STIPPLE_IS_TRANSPORT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STIPPLE_TRANSPORT_GET_CLASS (self)->start (self, error);
}

/**
 * stipple_transport_stop:
 * @self: a #StippleTransport
 *
 * Closes the pen and stops looking. No packet function runs after this
 * returns.
 */
void
stipple_transport_stop (StippleTransport *self)
{
  g_return_if_fail (STIPPLE_IS_TRANSPORT (self));

  STIPPLE_TRANSPORT_GET_CLASS (self)->stop (self);
}

/**
 * stipple_transport_send:
 * @self: a #StippleTransport
 * @data: (array length=len): one framed command
 * @len: its length
 * @error: return location for a #GError
 *
 * Sends one command to the pen at once: nothing queued on the host goes
 * before it. Delivery is not confirmed; the pen's reply is.
 *
 * Returns: %TRUE if the command went on its way
 */
gboolean
stipple_transport_send (StippleTransport  *self,
                        const guint8      *data,
                        gsize              len,
                        GError           **error)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);

  g_return_val_if_fail (STIPPLE_IS_TRANSPORT (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!priv->attached)
    {
      g_set_error_literal (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NO_PEN,
                           _("No pen is connected."));
      return FALSE;
    }

  if (!STIPPLE_TRANSPORT_GET_CLASS (self)->send (self, data, len, error))
    return FALSE;

  /* A transport that does not say when a send completed is taken to
   * complete it at once. */
  if (!priv->out_tracked)
    {
      stipple_transport_out_submitted (self);
      stipple_transport_out_completed (self);
    }
  return TRUE;
}

/**
 * stipple_transport_set_out_tracked:
 * @self: a #StippleTransport
 * @tracked: whether the implementation reports its sends' completions
 *
 * For implementations, from their init: they then call
 * stipple_transport_out_submitted() and stipple_transport_out_completed()
 * themselves.
 */
void
stipple_transport_set_out_tracked (StippleTransport *self,
                                   gboolean          tracked)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);

  g_return_if_fail (STIPPLE_IS_TRANSPORT (self));

  priv->out_tracked = tracked;
}

/**
 * stipple_transport_out_submitted:
 * @self: a #StippleTransport
 *
 * For implementations: a send was handed to the bus. Called in the
 * order sends are submitted, from any thread.
 */
void
stipple_transport_out_submitted (StippleTransport *self)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);

  stipple_rt_mutex_lock (&priv->out_lock);
  priv->out_submitted++;
  stipple_rt_mutex_unlock (&priv->out_lock);
}

/**
 * stipple_transport_out_completed:
 * @self: a #StippleTransport
 *
 * For implementations: the oldest send not yet completed has left the
 * host (taken by the pen, or failed). Called in submission order, from
 * any thread.
 */
void
stipple_transport_out_completed (StippleTransport *self)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);

  stipple_rt_mutex_lock (&priv->out_lock);
  if (priv->out_completed < priv->out_submitted)
    {
      priv->out_completed++;
      priv->out_completed_us[priv->out_completed % OUT_RING] = g_get_monotonic_time ();
    }
  stipple_rt_mutex_unlock (&priv->out_lock);
}

/**
 * stipple_transport_get_out_serial:
 * @self: a #StippleTransport
 *
 * Returns: the number of the last send submitted, for
 *   stipple_transport_get_out_completed_us(); read it right after a
 *   send (another thread's later send can only make it larger)
 */
guint64
stipple_transport_get_out_serial (StippleTransport *self)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);
  guint64 serial;

  g_return_val_if_fail (STIPPLE_IS_TRANSPORT (self), 0);

  stipple_rt_mutex_lock (&priv->out_lock);
  serial = priv->out_submitted;
  stipple_rt_mutex_unlock (&priv->out_lock);
  return serial;
}

/**
 * stipple_transport_get_out_completed_us:
 * @self: a #StippleTransport
 * @serial: a send's number
 *
 * Returns: when send @serial left the host (g_get_monotonic_time()), 1
 *   when that is too long ago to be kept, or 0 while it has not yet
 */
gint64
stipple_transport_get_out_completed_us (StippleTransport *self,
                                        guint64           serial)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);
  gint64 when = 0;

  g_return_val_if_fail (STIPPLE_IS_TRANSPORT (self), 0);

  stipple_rt_mutex_lock (&priv->out_lock);
  if (serial <= priv->out_completed)
    when = priv->out_completed - serial < OUT_RING ? priv->out_completed_us[serial % OUT_RING] : 1;
  stipple_rt_mutex_unlock (&priv->out_lock);
  return when;
}

/**
 * stipple_transport_set_packet_func:
 * @self: a #StippleTransport
 * @func: (nullable): called on the I/O thread for every packet from the pen
 * @user_data: passed to @func
 *
 * Sets who hears the pen.
 */
void
stipple_transport_set_packet_func (StippleTransport           *self,
                                   StippleTransportPacketFunc  func,
                                   gpointer                    user_data)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);

  g_return_if_fail (STIPPLE_IS_TRANSPORT (self));

  stipple_rt_mutex_lock (&priv->packet_lock);
  priv->packet_func = func;
  priv->packet_data = user_data;
  stipple_rt_mutex_unlock (&priv->packet_lock);
}

/**
 * stipple_transport_get_attached:
 * @self: a #StippleTransport
 *
 * Returns: whether a pen is open
 */
gboolean
stipple_transport_get_attached (StippleTransport *self)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);

  g_return_val_if_fail (STIPPLE_IS_TRANSPORT (self), FALSE);

  return priv->attached;
}

/**
 * stipple_transport_get_link_error:
 * @self: a #StippleTransport
 *
 * Returns: (nullable): why the last pen found could not be opened
 */
const GError *
stipple_transport_get_link_error (StippleTransport *self)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);

  g_return_val_if_fail (STIPPLE_IS_TRANSPORT (self), NULL);

  return priv->link_error;
}

/**
 * stipple_transport_packet_received:
 * @self: a #StippleTransport
 * @data: (array length=len): one packet
 * @len: its length
 *
 * For implementations, from the I/O thread: hands a packet on.
 */
void
stipple_transport_packet_received (StippleTransport *self,
                                   const guint8     *data,
                                   gsize             len)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);

  stipple_rt_mutex_lock (&priv->packet_lock);
  if (priv->packet_func != NULL)
    priv->packet_func (data, len, priv->packet_data);
  stipple_rt_mutex_unlock (&priv->packet_lock);
}

/**
 * stipple_transport_set_attached:
 * @self: a #StippleTransport
 * @attached: whether a pen is now open
 * @reason: (nullable): why it is not, when detaching
 *
 * For implementations, on the main thread.
 */
void
stipple_transport_set_attached (StippleTransport *self,
                                gboolean          attached,
                                const GError     *reason)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);

  attached = !!attached;
  if (priv->attached == attached)
    return;

  priv->attached = attached;
  if (attached)
    stipple_transport_set_link_error (self, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACHED]);

  if (attached)
    {
      g_signal_emit (self, signals[SIGNAL_ATTACHED], 0);
    }
  else
    {
      g_autoptr(GError) fallback = NULL;

      if (reason == NULL)
        reason = fallback = g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED,
                                                 _("The pen was unplugged."));
      g_signal_emit (self, signals[SIGNAL_DETACHED], 0, reason);
    }
}

/**
 * stipple_transport_set_link_error:
 * @self: a #StippleTransport
 * @error: (nullable): why the pen found could not be opened
 *
 * For implementations, on the main thread. Notifies only on a change, so a
 * transport that polls can report the same failure every second quietly.
 */
void
stipple_transport_set_link_error (StippleTransport *self,
                                  const GError     *error)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);

  if (error == NULL && priv->link_error == NULL)
    return;
  if (error != NULL && priv->link_error != NULL &&
      g_error_matches (priv->link_error, error->domain, error->code) &&
      g_strcmp0 (error->message, priv->link_error->message) == 0)
    return;

  g_clear_error (&priv->link_error);
  if (error != NULL)
    priv->link_error = g_error_copy (error);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINK_ERROR]);
}

/**
 * stipple_transport_reader_ran:
 * @self: a #StippleTransport
 *
 * For implementations: called on the I/O thread each time its loop runs
 * (at least every 20 ms while a pen is attached), whether anything came
 * in or not.
 */
void
stipple_transport_reader_ran (StippleTransport *self)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);
  gint64 now = g_get_monotonic_time ();

  stipple_rt_mutex_lock (&priv->out_lock);
  priv->reader_last_us = now;
  stipple_rt_mutex_unlock (&priv->out_lock);
}

/**
 * stipple_transport_get_reader_last_us:
 * @self: a #StippleTransport
 *
 * Returns: when the I/O thread last ran its loop
 *   (g_get_monotonic_time()), or 0 for a transport that does not say
 */
gint64
stipple_transport_get_reader_last_us (StippleTransport *self)
{
  StippleTransportPrivate *priv = stipple_transport_get_instance_private (self);
  gint64 last;

  g_return_val_if_fail (STIPPLE_IS_TRANSPORT (self), 0);

  stipple_rt_mutex_lock (&priv->out_lock);
  last = priv->reader_last_us;
  stipple_rt_mutex_unlock (&priv->out_lock);
  return last;
}
