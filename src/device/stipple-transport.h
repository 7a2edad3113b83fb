/* stipple-transport.h: a byte pipe to one pen, and the pen's comings and goings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define STIPPLE_TYPE_TRANSPORT (stipple_transport_get_type ())

G_DECLARE_DERIVABLE_TYPE (StippleTransport, stipple_transport, STIPPLE, TRANSPORT, GObject)

/**
 * StippleTransportPacketFunc:
 * @data: one packet the pen sent (a reply or a telemetry packet)
 * @len: its length in bytes
 * @user_data: the data given to stipple_transport_set_packet_func()
 *
 * Called for every packet the pen sends, in order, on the transport's I/O
 * thread (the USB event thread; the simulated pen's own I/O thread, or,
 * with its manual clock, the thread that advances the clock).
 * It must not touch GObjects and must return quickly.
 */
typedef void (*StippleTransportPacketFunc) (const guint8 *data,
                                            gsize         len,
                                            gpointer      user_data);

struct _StippleTransportClass
{
  GObjectClass parent_class;

  gboolean (*start) (StippleTransport  *self,
                     GError           **error);
  void     (*stop)  (StippleTransport  *self);
  gboolean (*send)  (StippleTransport  *self,
                     const guint8      *data,
                     gsize              len,
                     GError           **error);

  gpointer padding[8];
};

gboolean     stipple_transport_start            (StippleTransport            *self,
                                                 GError                     **error);
void         stipple_transport_stop             (StippleTransport            *self);
gboolean     stipple_transport_send             (StippleTransport            *self,
                                                 const guint8                *data,
                                                 gsize                        len,
                                                 GError                     **error);
void         stipple_transport_set_packet_func  (StippleTransport            *self,
                                                 StippleTransportPacketFunc   func,
                                                 gpointer                     user_data);
gboolean     stipple_transport_get_attached     (StippleTransport            *self);
guint64      stipple_transport_get_out_serial   (StippleTransport            *self);
gint64       stipple_transport_get_reader_last_us (StippleTransport          *self);
gint64       stipple_transport_get_out_completed_us (StippleTransport        *self,
                                                 guint64                      serial);
const GError *stipple_transport_get_link_error  (StippleTransport            *self);

/* For implementations. */
void         stipple_transport_packet_received  (StippleTransport            *self,
                                                 const guint8                *data,
                                                 gsize                        len);
void         stipple_transport_set_attached     (StippleTransport            *self,
                                                 gboolean                     attached,
                                                 const GError                *reason);
void         stipple_transport_set_link_error   (StippleTransport            *self,
                                                 const GError                *error);
void         stipple_transport_set_out_tracked  (StippleTransport            *self,
                                                 gboolean                     tracked);
void         stipple_transport_out_submitted    (StippleTransport            *self);
void         stipple_transport_out_completed    (StippleTransport            *self);
void         stipple_transport_reader_ran       (StippleTransport            *self);

G_END_DECLS
