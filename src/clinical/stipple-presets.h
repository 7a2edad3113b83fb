/* stipple-presets.h: starting plans by indication and skin thickness
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "stipple-zones.h"

G_BEGIN_DECLS

typedef enum
{
  STIPPLE_SKIN_THIN,
  STIPPLE_SKIN_THICK,
} StippleSkinThickness;

typedef enum
{
  STIPPLE_INDICATION_FINE_LINES,
  STIPPLE_INDICATION_ACNE_SCARS,
  STIPPLE_INDICATION_PIGMENTATION,
  STIPPLE_INDICATION_PORES_TEXTURE,
  STIPPLE_INDICATION_STRETCH_MARKS,
  STIPPLE_N_INDICATIONS
} StippleIndication;

/* Stroke rate every preset starts from: SkinPen's 7,000 rpm is about
 * 117 strokes/s; pens run 90–150. */
#define STIPPLE_DEFAULT_RATE_HZ 120
#define STIPPLE_MAX_PASSES 6

typedef struct
{
  guint depth_um;
  guint passes;
  guint rate_hz;
} StipplePresetPlan;

const char *stipple_indication_get_key   (StippleIndication     indication);
const char *stipple_indication_get_name  (StippleIndication     indication);
StippleIndication stipple_indication_from_key (const char      *key);
gboolean    stipple_preset_plan_zone     (StippleIndication     indication,
                                          StippleSkinThickness  thickness,
                                          StippleZone           zone,
                                          StipplePresetPlan    *plan);

G_END_DECLS
