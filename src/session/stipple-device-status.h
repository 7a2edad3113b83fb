/* stipple-device-status.h: the pen as the interface shows it, treatment or not
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "stipple-pen.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_DEVICE_STATUS (stipple_device_status_get_type ())

G_DECLARE_FINAL_TYPE (StippleDeviceStatus, stipple_device_status, STIPPLE, DEVICE_STATUS, GObject)

StippleDeviceStatus       *stipple_device_status_new            (StipplePen          *pen);

StipplePenState            stipple_device_status_get_state      (StippleDeviceStatus *self);
gboolean                   stipple_device_status_get_connected  (StippleDeviceStatus *self);
const StipplePenIdentity  *stipple_device_status_get_identity   (StippleDeviceStatus *self);
const StipplePenCartridge *stipple_device_status_get_cartridge  (StippleDeviceStatus *self);
const GError              *stipple_device_status_get_link_error (StippleDeviceStatus *self);

void                       stipple_device_status_emergency_stop (StippleDeviceStatus *self);

G_END_DECLS
