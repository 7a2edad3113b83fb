/* stipple-test-usb-pen.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "stipple-test-usb-pen.h"

static void
pen_receive (gpointer model, const guint8 *data, gsize len, guint64 now_us)
{
  stipple_firmware_receive (&((StippleTestUsbPen *) model)->firmware, data, len, now_us);
}

static gsize
pen_transmit (gpointer model, guint8 *buf, gsize cap, guint64 now_us)
{
  StippleTestUsbPen *pen = model;
  gsize len = stipple_firmware_transmit (&pen->firmware, buf, cap, now_us);
  StippleProtoReply reply;

  if (len > 0 && pen->tamper_depth_um != 0 &&
      stipple_proto_reply_decode (buf, len, &reply) == STIPPLE_PROTO_STATUS_OK &&
      reply.type == (pen->tamper_type | STIPPLE_PROTO_MSG_REPLY) &&
      reply.result == STIPPLE_PROTO_RESULT_OK)
    {
      reply.body.treatment.depth_um = pen->tamper_depth_um;
      g_assert_cmpint (stipple_proto_reply_encode (&reply, buf, cap, &len), ==,
                       STIPPLE_PROTO_STATUS_OK);
    }

  return len;
}

static gboolean
pen_halted (gpointer model)
{
  return stipple_firmware_is_halted (&((StippleTestUsbPen *) model)->firmware);
}

static void
pen_clear_halt (gpointer model, guint64 now_us)
{
  stipple_firmware_clear_halt (&((StippleTestUsbPen *) model)->firmware);
}

static void
pen_tick (gpointer model, guint64 now_us)
{
  stipple_firmware_tick (&((StippleTestUsbPen *) model)->firmware, now_us);
}

static void
pen_bus_reset (gpointer model, guint64 now_us)
{
  stipple_firmware_usb_reset (&((StippleTestUsbPen *) model)->firmware, now_us);
}

const StippleTestUsbModel stipple_test_usb_pen_model = {
  .receive = pen_receive,
  .transmit = pen_transmit,
  .halted = pen_halted,
  .clear_halt = pen_clear_halt,
  .tick = pen_tick,
  .bus_reset = pen_bus_reset,
};

/**
 * stipple_test_usb_pen_plug:
 *
 * Powers @pen up with the default configuration and plugs it into @bed
 * with the test product id.
 *
 * Returns: the device's index on @bed
 */
guint
stipple_test_usb_pen_plug (StippleTestUsb    *bed,
                           StippleTestUsbPen *pen)
{
  StippleFirmwareConfig config;

  stipple_firmware_config_init_default (&config);
  stipple_test_usb_lock (bed);
  stipple_firmware_init (&pen->firmware, &config, stipple_test_usb_now_us (bed));
  stipple_test_usb_unlock (bed);

  return stipple_test_usb_add_device (bed, STIPPLE_PROTO_USB_VID, STIPPLE_PROTO_USB_PID_TEST,
                                      &stipple_test_usb_pen_model, pen);
}

/**
 * stipple_test_usb_pen_is_armed:
 *
 * Whether the needle may run, after the pen's clock has caught up (its
 * watchdog runs with or without a host).
 */
gboolean
stipple_test_usb_pen_is_armed (StippleTestUsb    *bed,
                               StippleTestUsbPen *pen)
{
  gboolean armed;

  stipple_test_usb_lock (bed);
  armed = stipple_firmware_is_armed (&pen->firmware);
  stipple_test_usb_unlock (bed);

  return armed;
}
