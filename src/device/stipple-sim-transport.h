/* stipple-sim-transport.h: the pen model in process, for --simulate and demos
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-firmware.h"
#include "stipple-transport.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_SIM_TRANSPORT (stipple_sim_transport_get_type ())

G_DECLARE_FINAL_TYPE (StippleSimTransport, stipple_sim_transport, STIPPLE, SIM_TRANSPORT, StippleTransport)

StippleTransport *stipple_sim_transport_new          (const StippleFirmwareConfig *config,
                                                      gboolean                     manual_clock);
StippleFirmware  *stipple_sim_transport_get_firmware (StippleSimTransport         *self);
guint64           stipple_sim_transport_get_now_us   (StippleSimTransport         *self);
void              stipple_sim_transport_advance      (StippleSimTransport         *self,
                                                      guint64                      us);
void              stipple_sim_transport_unplug       (StippleSimTransport         *self);
void              stipple_sim_transport_get_pump_stats (StippleSimTransport       *self,
                                                        gint64                    *gap_max_us,
                                                        gint64                    *took_max_us);
void              stipple_sim_transport_replug       (StippleSimTransport         *self);

void                 stipple_sim_transport_set_out_delay (StippleSimTransport *self,
                                                          guint                delay_ms);

void                 stipple_sim_transport_stall_io      (StippleSimTransport *self,
                                                          guint                stall_ms);

G_END_DECLS
