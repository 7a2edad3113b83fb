/* startup.c: Cortex-M0+ vector table and reset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdint.h>
#include <string.h>

#include "board.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;

int main (void);
void reset_handler (void);

static void
default_handler (void)
{
  /* An unexpected exception: stop here. The needle stops with the
   * firmware, and the watchdog of a real pen's motor driver should too. */
  for (;;)
    ;
}

void
reset_handler (void)
{
  memcpy (&_sdata, &_sidata, (size_t) ((char *) &_edata - (char *) &_sdata));
  memset (&_sbss, 0, (size_t) ((char *) &_ebss - (char *) &_sbss));
  main ();
  for (;;)
    ;
}

/* The core's sixteen entries, then the device's interrupts: USB is
 * interrupt 7 on the SAMD21. */
__attribute__ ((section (".vectors"), used))
static void (* const vectors[16 + 8]) (void) = {
  (void (*) (void)) &_estack,
  reset_handler,
  default_handler,              /* NMI */
  default_handler,              /* HardFault */
  0, 0, 0, 0, 0, 0, 0,
  default_handler,              /* SVCall */
  0, 0,
  default_handler,              /* PendSV */
  board_systick_handler,        /* SysTick */
  default_handler, default_handler, default_handler, default_handler,
  default_handler, default_handler, default_handler,
  board_usb_handler,            /* USB */
};
