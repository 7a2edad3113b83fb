/* usb-glue.c: USB transfers to protocol frames and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "board.h"
#include "usb-glue.h"

/* docs/pen-protocol.md, section 1. bcdDevice is BCD: firmware 1.0. */
const uint8_t usb_glue_device_descriptor[18] = {
  18, 0x01, 0x00, 0x02,                 /* USB 2.0 */
  0x00, 0x00, 0x00, 64,                 /* class per interface, EP0 64 bytes */
  STIPPLE_PROTO_USB_VID & 0xff, STIPPLE_PROTO_USB_VID >> 8,
  STIPPLE_PROTO_USB_PID_TEST & 0xff, STIPPLE_PROTO_USB_PID_TEST >> 8,
  0x00, 0x01,                           /* bcdDevice 1.00 */
  1, 2, 3,                              /* manufacturer, product, serial strings */
  1,                                    /* one configuration */
};

const uint8_t usb_glue_config_descriptor[32] = {
  9, 0x02, 32, 0, 1, 1, 0, 0x80, 50,    /* bus powered, 100 mA */
  9, 0x04, 0, 0, 2, STIPPLE_PROTO_USB_CLASS, STIPPLE_PROTO_USB_SUBCLASS,
  STIPPLE_PROTO_USB_PROTOCOL, 0,
  7, 0x05, STIPPLE_PROTO_EP_OUT, 0x02, 64, 0, 0,   /* bulk, 64 bytes (full speed) */
  7, 0x05, STIPPLE_PROTO_EP_IN, 0x02, 64, 0, 0,
};

static struct
{
  StippleFirmware *pen;
  size_t           max_packet;
  int              configured;

  uint8_t          out[STIPPLE_PROTO_MAX_FRAME];
  size_t           out_len;
  int              out_overflow;

  uint8_t          in[STIPPLE_PROTO_MAX_FRAME];
  size_t           in_len;
  size_t           in_sent;
  int              in_busy;
  int              in_zlp;
} glue;

void
usb_glue_init (StippleFirmware *pen,
               size_t           max_packet)
{
  memset (&glue, 0, sizeof glue);
  glue.pen = pen;
  glue.max_packet = max_packet;
}

/* Packets gather into one transfer; a short packet ends it. A transfer
 * longer than a frame can be is discarded whole when it ends, as the
 * protocol discards anything that is not a frame. */
void
usb_glue_out_packet (const uint8_t *data,
                     size_t         len,
                     uint64_t       now_us)
{
  if (glue.out_len + len > sizeof glue.out)
    glue.out_overflow = 1;
  else
    {
      memcpy (glue.out + glue.out_len, data, len);
      glue.out_len += len;
    }

  if (len < glue.max_packet || glue.out_len == sizeof glue.out)
    {
      if (!glue.out_overflow)
        stipple_firmware_receive (glue.pen, glue.out, glue.out_len, now_us);
      glue.out_len = 0;
      glue.out_overflow = 0;
    }
  board_usb_out_ready ();
}

static void
send_next_packet (void)
{
  size_t left = glue.in_len - glue.in_sent;
  size_t n = left < glue.max_packet ? left : glue.max_packet;

  if (n == 0 && !glue.in_zlp)
    {
      glue.in_busy = 0;
      return;
    }
  if (n == 0)
    glue.in_zlp = 0;
  board_usb_in_packet (glue.in + glue.in_sent, n);
  glue.in_sent += n;
  glue.in_busy = 1;
}

void
usb_glue_in_done (uint64_t now_us)
{
  send_next_packet ();
}

void
usb_glue_service (uint64_t now_us)
{
  if (!glue.configured || glue.in_busy)
    return;

  glue.in_len = stipple_firmware_transmit (glue.pen, glue.in, sizeof glue.in, now_us);
  glue.in_sent = 0;
  if (glue.in_len == 0)
    return;
  glue.in_zlp = glue.in_len % glue.max_packet == 0 && glue.in_len < STIPPLE_PROTO_MAX_FRAME;
  send_next_packet ();
}

void
usb_glue_bus_reset (uint64_t now_us)
{
  stipple_firmware_usb_reset (glue.pen, now_us);
  glue.out_len = 0;
  glue.out_overflow = 0;
  glue.in_busy = 0;
  glue.in_len = glue.in_sent = 0;
  glue.configured = 0;
}

void
usb_glue_suspend (uint64_t now_us)
{
  stipple_firmware_usb_suspend (glue.pen, now_us);
}

void
usb_glue_clear_halt (void)
{
  stipple_firmware_clear_halt (glue.pen);
}

void
usb_glue_configured (int configured)
{
  glue.configured = configured;
}
