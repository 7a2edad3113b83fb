/* main.c: the reference pen firmware
 *
 * One loop, no RTOS: the USB driver hands packets to usb-glue.c, which
 * hands whole frames to the pen's state machine (src/pen, the same code
 * Stipple's tests talk to); the loop lets time pass for the watchdog and
 * the telemetry, sends what the pen has to send and lets the board drive
 * the hardware.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "board.h"
#include "usb-glue.h"

static StippleFirmware pen;

int
main (void)
{
  StippleFirmwareConfig config;

  board_read_config (&config);
  stipple_firmware_init (&pen, &config, board_now_us ());
  usb_glue_init (&pen, 64);
  board_usb_init ();

  for (;;)
    {
      uint64_t now = board_now_us ();

      board_usb_poll ();
      stipple_firmware_tick (&pen, now);
      usb_glue_service (now);
      board_service (&pen, now);
    }
}
