/* stipple-proto-sample.h: one needle sample, as the pen measures it
 *
 * Shared by the pen firmware model, the host's transports, the patient
 * file and the graphs. C only: no GLib, no heap.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The needle tip touches skin (load above the pen's contact threshold). */
#define STIPPLE_PROTO_SAMPLE_CONTACT  (1u << 0)
/* The needle motor is running (the pen is armed and treating). */
#define STIPPLE_PROTO_SAMPLE_RUNNING  (1u << 1)

typedef struct
{
  /* Pen clock in microseconds since power-on; wraps after 2^32 µs
   * (about 71.6 minutes), so the host unwraps it. */
  uint32_t timestamp_us;
  /* Needle tip position past the cartridge face in micrometres:
   * positive is into the skin, negative is retracted. */
  int32_t  position_um;
  /* Skin contact load, 0 (none) to 65535 (full scale of the sensor). */
  uint16_t load;
  /* STIPPLE_PROTO_SAMPLE_* bits. */
  uint16_t flags;
  /* Strokes since the pen was last armed; wraps after 2^32. */
  uint32_t stroke_count;
} StippleProtoSample;

#ifdef __cplusplus
}
#endif
