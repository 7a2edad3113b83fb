/* stipple-pen-error.h: what can go wrong between the host and the pen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STIPPLE_PEN_ERROR (stipple_pen_error_quark ())

/**
 * StipplePenError:
 * @STIPPLE_PEN_ERROR_NO_PEN: no pen is plugged in
 * @STIPPLE_PEN_ERROR_BUSY: another program holds the pen
 * @STIPPLE_PEN_ERROR_PERMISSION_DENIED: the desktop does not let this user open the pen
 * @STIPPLE_PEN_ERROR_UNPLUGGED: the pen went away
 * @STIPPLE_PEN_ERROR_REFUSED: the pen refused a command or a value
 * @STIPPLE_PEN_ERROR_TIMEOUT: the pen did not answer in time
 * @STIPPLE_PEN_ERROR_MISMATCH: the pen reported settings other than those sent
 * @STIPPLE_PEN_ERROR_PROTOCOL: the pen answered something the host cannot read
 * @STIPPLE_PEN_ERROR_NOT_READY: the command is not allowed in the pen's state
 * @STIPPLE_PEN_ERROR_FAILED: any other failure of the USB link
 * @STIPPLE_PEN_ERROR_HOST_LATE: this computer, not the pen, kept to the
 *   link's timing too late (a heartbeat, or the window's liveness)
 */
typedef enum
{
  STIPPLE_PEN_ERROR_NO_PEN,
  STIPPLE_PEN_ERROR_BUSY,
  STIPPLE_PEN_ERROR_PERMISSION_DENIED,
  STIPPLE_PEN_ERROR_UNPLUGGED,
  STIPPLE_PEN_ERROR_REFUSED,
  STIPPLE_PEN_ERROR_TIMEOUT,
  STIPPLE_PEN_ERROR_MISMATCH,
  STIPPLE_PEN_ERROR_PROTOCOL,
  STIPPLE_PEN_ERROR_NOT_READY,
  STIPPLE_PEN_ERROR_FAILED,
  STIPPLE_PEN_ERROR_HOST_LATE,
} StipplePenError;

/* Where the udev rule that lets a desktop user open the pen is installed. */
#define STIPPLE_PEN_UDEV_RULE "70-stipple-pen.rules"

GQuark stipple_pen_error_quark (void);

G_END_DECLS
