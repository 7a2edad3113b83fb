/* board.h: what the reference firmware needs from the pen's hardware
 *
 * The protocol and the pen's state machine (src/protocol, src/pen) are
 * the same code Stipple tests against; this is the edge a pen maker
 * fills in: the clock, the USB device controller, the motor, the depth
 * sensor and the cartridge reader. board-stub.c implements the clock for
 * any Cortex-M0+ and everything else as documented no-ops.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stipple-firmware.h"

/* Core clock, for the SysTick microsecond clock. */
#define BOARD_CPU_HZ 48000000u

/* Microseconds since power-on, from SysTick. */
uint64_t board_now_us         (void);
void     board_systick_handler (void);

/* What the pen is: serial, limits, and the cartridge inserted at
 * power-on with the pen's non-volatile record (docs/pen-protocol.md,
 * section 6 rule 4). */
void     board_read_config    (StippleFirmwareConfig *config);
/* After every step: drive the motor (run at treatment->rate_hz to
 * treatment->depth_um while running), persist the armed-cartridge
 * record and the cartridge's use count when they change, and report
 * cartridge insertion and removal to the pen. */
void     board_service        (StippleFirmware *pen,
                               uint64_t         now_us);

/* USB device controller: the chip's driver. It calls the usb_glue_*
 * functions of usb-glue.h from its interrupt or poll. */
void     board_usb_init       (void);
void     board_usb_poll       (void);
void     board_usb_handler    (void);
/* Arms bulk IN endpoint 0x81 with one packet of at most the maximum
 * packet size (0 bytes: a zero-length packet). */
void     board_usb_in_packet  (const uint8_t *data,
                               size_t         len);
/* Lets bulk OUT endpoint 0x01 take the next packet. */
void     board_usb_out_ready  (void);
