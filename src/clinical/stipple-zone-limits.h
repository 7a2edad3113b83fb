/* stipple-zone-limits.h: the clinic's depth limit for every zone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "stipple-presets.h"
#include "stipple-zones.h"

G_BEGIN_DECLS

/* No clinic limit can be set past this: deeper than any face protocol in
 * docs/clinical-defaults.md, and the deepest pens stop at 3.0 mm. */
#define STIPPLE_ZONE_LIMIT_CEILING_UM 3000
#define STIPPLE_ZONE_LIMIT_STEP_UM 50

typedef struct
{
  guint thin_um[STIPPLE_N_ZONES];
  guint thick_um[STIPPLE_N_ZONES];
} StippleZoneLimits;

void      stipple_zone_limits_init_defaults (StippleZoneLimits       *limits);
void      stipple_zone_limits_apply_variant (StippleZoneLimits       *limits,
                                             GVariant                *overrides);
GVariant *stipple_zone_limits_to_variant    (const StippleZoneLimits *limits);
guint     stipple_zone_limits_get           (const StippleZoneLimits *limits,
                                             StippleZone              zone,
                                             StippleSkinThickness     thickness);

G_END_DECLS
