/* board-stub.c: the board edge, for any Cortex-M0+
 *
 * The clock is real: SysTick, register-level, as every Cortex-M0+ has it.
 * Everything else is a documented no-op for a maker to replace (see
 * README.md): with it the image builds, links and shows its size, and on
 * hardware it runs the pen's state machine and its simulated needle but
 * never enumerates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "board.h"

#define SYST_CSR (*(volatile uint32_t *) 0xe000e010u)
#define SYST_RVR (*(volatile uint32_t *) 0xe000e014u)
#define SYST_CVR (*(volatile uint32_t *) 0xe000e018u)

#define TICK_US 1000u
#define TICK_CYCLES (BOARD_CPU_HZ / 1000000u * TICK_US)

static volatile uint64_t ticks;

void
board_systick_handler (void)
{
  ticks++;
}

static void
systick_start (void)
{
  SYST_RVR = TICK_CYCLES - 1;
  SYST_CVR = 0;
  SYST_CSR = 0x7;   /* processor clock, interrupt, enable */
}

/* Whole milliseconds from the interrupt, the rest from the counter; read
 * twice so that a tick between the two reads is not lost. */
uint64_t
board_now_us (void)
{
  uint64_t t1, t2;
  uint32_t cvr;

  if ((SYST_CSR & 1u) == 0)
    systick_start ();
  do
    {
      t1 = ticks;
      cvr = SYST_CVR;
      t2 = ticks;
    }
  while (t1 != t2);

  return t1 * TICK_US + (TICK_CYCLES - 1 - cvr) / (BOARD_CPU_HZ / 1000000u);
}

void
board_read_config (StippleFirmwareConfig *config)
{
  /* A maker reads the serial from its OTP, the limits from its
   * calibration, the cartridge from the reader and the armed-cartridge
   * record from its non-volatile memory. */
  stipple_firmware_config_init_default (config);
}

void
board_service (StippleFirmware *pen,
               uint64_t         now_us)
{
  /* Motor: run while stipple_firmware_is_running (pen), at the treatment
   * stipple_firmware_get_treatment() gives. Cartridge reader: call
   * stipple_firmware_insert_cartridge() / _remove_cartridge(). NVM: write
   * pen->config.armed_cartridge_id and the cartridge's use count when
   * they change. */
  (void) pen;
  (void) now_us;
}

void
board_usb_init (void)
{
}

void
board_usb_poll (void)
{
}

void
board_usb_handler (void)
{
}

void
board_usb_in_packet (const uint8_t *data,
                     size_t         len)
{
  (void) data;
  (void) len;
}

void
board_usb_out_ready (void)
{
}
