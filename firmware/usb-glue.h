/* usb-glue.h: USB transfers to protocol frames and back
 *
 * docs/pen-protocol.md, section 1: one frame is one bulk transfer of at
 * most 512 bytes, which the controller moves in packets of its maximum
 * packet size (64 at full speed, 512 at high speed); a transfer ends
 * with a short packet, or a zero-length one when its length is a
 * non-zero multiple of the packet size below 512.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stipple-firmware.h"

void usb_glue_init          (StippleFirmware *pen,
                             size_t           max_packet);

/* Called by the USB driver */
void usb_glue_out_packet    (const uint8_t   *data,
                             size_t           len,
                             uint64_t         now_us);
void usb_glue_in_done       (uint64_t         now_us);
void usb_glue_bus_reset     (uint64_t         now_us);
void usb_glue_suspend       (uint64_t         now_us);
void usb_glue_clear_halt    (void);
void usb_glue_configured    (int              configured);

/* Called by the main loop: hands the next frame to the controller when
 * the IN endpoint is free. */
void usb_glue_service       (uint64_t         now_us);

/* The descriptors the driver answers GET_DESCRIPTOR with. */
extern const uint8_t usb_glue_device_descriptor[18];
extern const uint8_t usb_glue_config_descriptor[32];
