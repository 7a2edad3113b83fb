/* stipple-usb-transport.h: the pen over USB, through libusb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-proto.h"
#include "stipple-transport.h"

G_BEGIN_DECLS

/* docs/pen-protocol.md, section 1: pid.codes' vendor id, one vendor-specific
 * interface, commands on bulk OUT, replies and telemetry on bulk IN, one
 * frame per transfer. */
#define STIPPLE_USB_VENDOR_ID       STIPPLE_PROTO_USB_VID
#define STIPPLE_USB_INTERFACE       0
#define STIPPLE_USB_ENDPOINT_OUT    STIPPLE_PROTO_EP_OUT
#define STIPPLE_USB_ENDPOINT_IN     STIPPLE_PROTO_EP_IN
#define STIPPLE_USB_MAX_PACKET      STIPPLE_PROTO_MAX_FRAME

#define STIPPLE_TYPE_USB_TRANSPORT (stipple_usb_transport_get_type ())

G_DECLARE_FINAL_TYPE (StippleUsbTransport, stipple_usb_transport, STIPPLE, USB_TRANSPORT, StippleTransport)

typedef struct
{
  guint64 packets_in;
  guint64 bytes_in;
  guint64 packets_out;
  guint64 stalls;
  guint64 opens;
} StippleUsbTransportStats;

StippleTransport *stipple_usb_transport_new        (guint16                    vendor_id,
                                                    guint16                    product_id,
                                                    gboolean                   use_hotplug);
StippleTransport *stipple_usb_transport_new_for_ids (const char * const       *ids,
                                                    gboolean                   use_hotplug);
void              stipple_usb_transport_set_ids    (StippleUsbTransport       *self,
                                                    const char * const        *ids);
gboolean          stipple_usb_id_parse             (const char                *text,
                                                    guint16                   *vendor_id,
                                                    guint16                   *product_id);
gboolean          stipple_usb_transport_get_uses_hotplug (StippleUsbTransport *self);
void              stipple_usb_transport_get_stats  (StippleUsbTransport       *self,
                                                    StippleUsbTransportStats  *stats);
void              stipple_usb_transport_rescan     (StippleUsbTransport       *self);
GError           *stipple_usb_error_from_libusb    (int                        code);

G_END_DECLS
