/* stipple-device-status.c
 *
 * What the window's header says about the pen, whether a treatment is
 * open or not: its state, identity, cartridge and why the link is down.
 * The application owns the pen; this follows it for one window, so the
 * window reads the pen through it and never calls StipplePen itself.
 * Main thread only.
 *
 * With no treatment open the needle cannot run: only a treatment arms
 * the pen, and every way out of one stops it. The emergency stop's keys
 * must still reach the pen then; stipple_device_status_emergency_stop() is
 * that stop, and nothing else. With a treatment open every stop goes
 * through stipple_treatment_stop() instead (docs/safety.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-device-status"

#include "config.h"

#include "stipple-device-status.h"

struct _StippleDeviceStatus
{
  GObject     parent_instance;

  StipplePen *pen;
};

G_DEFINE_FINAL_TYPE (StippleDeviceStatus, stipple_device_status, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pen_notify_cb (StippleDeviceStatus *self,
               GParamSpec          *pspec,
               StipplePen          *pen)
{
  g_assert (STIPPLE_IS_DEVICE_STATUS (self));

  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/**
 * stipple_device_status_new:
 * @pen: the application's pen
 *
 * Returns: (transfer full): the status of @pen, which emits
 *   #StippleDeviceStatus::changed whenever its state, identity or cartridge
 *   changes
 */
StippleDeviceStatus *
stipple_device_status_new (StipplePen *pen)
{
  StippleDeviceStatus *self;

  g_return_val_if_fail (STIPPLE_IS_PEN (pen), NULL);

  self = g_object_new (STIPPLE_TYPE_DEVICE_STATUS, NULL);
  self->pen = g_object_ref (pen);
  g_signal_connect_object (pen, "notify::state", G_CALLBACK (pen_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (pen, "notify::identity", G_CALLBACK (pen_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (pen, "notify::cartridge", G_CALLBACK (pen_notify_cb), self,
                           G_CONNECT_SWAPPED);

  return self;
}

/**
 * stipple_device_status_get_state:
 * @self: a #StippleDeviceStatus
 *
 * Returns: the pen's state
 */
StipplePenState
stipple_device_status_get_state (StippleDeviceStatus *self)
{
  g_return_val_if_fail (STIPPLE_IS_DEVICE_STATUS (self), STIPPLE_PEN_STATE_DISCONNECTED);

  return stipple_pen_get_state (self->pen);
}

/**
 * stipple_device_status_get_connected:
 * @self: a #StippleDeviceStatus
 *
 * Returns: whether a pen is connected and identified
 */
gboolean
stipple_device_status_get_connected (StippleDeviceStatus *self)
{
  g_return_val_if_fail (STIPPLE_IS_DEVICE_STATUS (self), FALSE);

  return stipple_pen_get_connected (self->pen);
}

/**
 * stipple_device_status_get_identity:
 * @self: a #StippleDeviceStatus
 *
 * Returns: (nullable) (transfer none): the connected pen's identity
 */
const StipplePenIdentity *
stipple_device_status_get_identity (StippleDeviceStatus *self)
{
  g_return_val_if_fail (STIPPLE_IS_DEVICE_STATUS (self), NULL);

  return stipple_pen_get_identity (self->pen);
}

/**
 * stipple_device_status_get_cartridge:
 * @self: a #StippleDeviceStatus
 *
 * Returns: (nullable) (transfer none): the cartridge in the pen
 */
const StipplePenCartridge *
stipple_device_status_get_cartridge (StippleDeviceStatus *self)
{
  g_return_val_if_fail (STIPPLE_IS_DEVICE_STATUS (self), NULL);

  return stipple_pen_get_cartridge (self->pen);
}

/**
 * stipple_device_status_get_link_error:
 * @self: a #StippleDeviceStatus
 *
 * Returns: (nullable) (transfer none): why no pen can be reached, in
 *   words, when the link itself failed (no access to the USB device, say)
 */
const GError *
stipple_device_status_get_link_error (StippleDeviceStatus *self)
{
  g_return_val_if_fail (STIPPLE_IS_DEVICE_STATUS (self), NULL);

  return stipple_transport_get_link_error (stipple_pen_get_transport (self->pen));
}

/**
 * stipple_device_status_emergency_stop:
 * @self: a #StippleDeviceStatus
 *
 * The emergency stop while no treatment is open: the pen's emergency
 * stop goes to the pen at once, ahead of anything queued, whatever its
 * state, as stipple_treatment_stop() sends it with a treatment open. The
 * pen forgets its settings and writes the stop to its audit records.
 */
void
stipple_device_status_emergency_stop (StippleDeviceStatus *self)
{
  g_return_if_fail (STIPPLE_IS_DEVICE_STATUS (self));

  stipple_pen_emergency_stop (self->pen);
}

static void
stipple_device_status_dispose (GObject *object)
{
  StippleDeviceStatus *self = STIPPLE_DEVICE_STATUS (object);

  if (self->pen != NULL)
    g_signal_handlers_disconnect_by_data (self->pen, self);
  g_clear_object (&self->pen);

  G_OBJECT_CLASS (stipple_device_status_parent_class)->dispose (object);
}

static void
stipple_device_status_class_init (StippleDeviceStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = stipple_device_status_dispose;

  /**
   * StippleDeviceStatus::changed:
   *
   * The pen's state, identity or cartridge changed.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
stipple_device_status_init (StippleDeviceStatus *self)
{
}
