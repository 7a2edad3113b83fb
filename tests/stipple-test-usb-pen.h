/* stipple-test-usb-pen.h: the pen firmware model behind an emulated USB device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-firmware.h"
#include "stipple-test-usb.h"

G_BEGIN_DECLS

/* The firmware, plus one knob the firmware has not got: a pen whose read
 * back differs from what it acknowledged (a firmware fault the host must
 * catch). */
typedef struct
{
  StippleFirmware firmware;
  guint8          tamper_type;
  guint           tamper_depth_um;
} StippleTestUsbPen;

/* The model's functions for stipple_test_usb_add_device(), with a
 * StippleTestUsbPen as the model data. */
extern const StippleTestUsbModel stipple_test_usb_pen_model;

guint    stipple_test_usb_pen_plug      (StippleTestUsb    *bed,
                                         StippleTestUsbPen *pen);
gboolean stipple_test_usb_pen_is_armed  (StippleTestUsb    *bed,
                                         StippleTestUsbPen *pen);

G_END_DECLS
