/* stipple-zones.h: the treatment zones of the face, neck and décolletage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Wire zone ids are the enum values: they go to the pen in the set
 * treatment command and must never be renumbered. */
typedef enum
{
  STIPPLE_ZONE_NONE = 0,
  STIPPLE_ZONE_FOREHEAD,
  STIPPLE_ZONE_GLABELLA,
  STIPPLE_ZONE_TEMPLE_LEFT,
  STIPPLE_ZONE_TEMPLE_RIGHT,
  STIPPLE_ZONE_PERIORBITAL_LEFT,
  STIPPLE_ZONE_PERIORBITAL_RIGHT,
  STIPPLE_ZONE_NOSE,
  STIPPLE_ZONE_CHEEK_LEFT,
  STIPPLE_ZONE_CHEEK_RIGHT,
  STIPPLE_ZONE_NASOLABIAL_LEFT,
  STIPPLE_ZONE_NASOLABIAL_RIGHT,
  STIPPLE_ZONE_UPPER_LIP,
  STIPPLE_ZONE_CHIN,
  STIPPLE_ZONE_JAWLINE_LEFT,
  STIPPLE_ZONE_JAWLINE_RIGHT,
  STIPPLE_ZONE_SUBMENTAL,
  STIPPLE_ZONE_NECK,
  STIPPLE_ZONE_DECOLLETAGE,
  STIPPLE_N_ZONES
} StippleZone;

typedef struct
{
  StippleZone  zone;
  /* Stable key used in the patient file and the face map data. */
  const char  *key;
  /* Untranslated name; use stipple_zone_get_name() to show it. */
  const char  *name;
  /* Default clinical maximum depth, micrometres, for thin and thick skin
   * (docs/clinical-defaults.md names the sources). A clinic may change
   * the limit it works to in preferences. */
  guint        thin_max_um;
  guint        thick_max_um;
} StippleZoneInfo;

const StippleZoneInfo *stipple_zone_get_info     (StippleZone  zone);
StippleZone            stipple_zone_from_key     (const char  *key);
const char            *stipple_zone_get_key      (StippleZone  zone);
const char            *stipple_zone_get_name     (StippleZone  zone);

G_END_DECLS
