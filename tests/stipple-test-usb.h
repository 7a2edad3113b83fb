/* stipple-test-usb.h: USB devices emulated under umockdev, answering usbdevfs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What sits behind the emulated endpoints: the pen model, usually. Every
 * function is called with the bed's lock held, on umockdev's worker thread
 * or (tick) on the test's main context. */
typedef struct
{
  /* One transfer the host sent on bulk OUT. */
  void     (*receive)    (gpointer       model,
                          const guint8  *data,
                          gsize          len,
                          guint64        now_us);
  /* The next packet for bulk IN, or 0 if there is none yet. */
  gsize    (*transmit)   (gpointer       model,
                          guint8        *buf,
                          gsize          cap,
                          guint64        now_us);
  /* Whether the IN endpoint answers with a stall handshake. */
  gboolean (*halted)     (gpointer       model);
  /* The host cleared the halt. */
  void     (*clear_halt) (gpointer       model,
                          guint64        now_us);
  /* Time passes with or without a host (watchdog). */
  void     (*tick)       (gpointer       model,
                          guint64        now_us);
  /* The device was plugged in again (a bus reset). */
  void     (*bus_reset)  (gpointer       model,
                          guint64        now_us);
} StippleTestUsbModel;

typedef struct _StippleTestUsb StippleTestUsb;

StippleTestUsb *stipple_test_usb_new              (void);
void            stipple_test_usb_free             (StippleTestUsb             *self);
guint           stipple_test_usb_add_device       (StippleTestUsb             *self,
                                                   guint16                     vendor_id,
                                                   guint16                     product_id,
                                                   const StippleTestUsbModel  *model,
                                                   gpointer                    model_data);
void            stipple_test_usb_unplug           (StippleTestUsb             *self,
                                                   guint                       device);
void            stipple_test_usb_replug           (StippleTestUsb             *self,
                                                   guint                       device);
void            stipple_test_usb_set_claim_errno  (StippleTestUsb             *self,
                                                   guint                       device,
                                                   int                         error_code);
guint           stipple_test_usb_get_claims       (StippleTestUsb             *self,
                                                   guint                       device);
guint           stipple_test_usb_get_ioctls       (StippleTestUsb             *self,
                                                   guint                       device);
void            stipple_test_usb_set_clock_rate   (StippleTestUsb             *self,
                                                   guint                       rate);
guint64         stipple_test_usb_now_us           (StippleTestUsb             *self);
void            stipple_test_usb_lock             (StippleTestUsb             *self);
void            stipple_test_usb_unlock           (StippleTestUsb             *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleTestUsb, stipple_test_usb_free)

G_END_DECLS
