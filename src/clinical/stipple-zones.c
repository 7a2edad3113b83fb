/* stipple-zones.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-zones"

#include "config.h"

#include "stipple-i18n.h"

#include "stipple-zones.h"

/* Left and right are the patient's, as in any clinical record: in a front
 * view the patient's left cheek is on the viewer's right.
 *
 * Defaults follow the depth guide in docs/clinical-defaults.md (the
 * Dr.Pen needle-depth chart): the upper end of each zone's range for thin
 * and for thick skin. Zones the chart does not list take the nearest
 * listed neighbour's value, as noted beside them. */
static const StippleZoneInfo zones[STIPPLE_N_ZONES] = {
  [STIPPLE_ZONE_NONE] = { STIPPLE_ZONE_NONE, "none", NULL, 0, 0 },
  [STIPPLE_ZONE_FOREHEAD] = { STIPPLE_ZONE_FOREHEAD, "forehead", N_("Forehead"), 500, 750 },
  /* glabella: as forehead */
  [STIPPLE_ZONE_GLABELLA] = { STIPPLE_ZONE_GLABELLA, "glabella", N_("Glabella"), 500, 750 },
  /* temples: as forehead */
  [STIPPLE_ZONE_TEMPLE_LEFT] = { STIPPLE_ZONE_TEMPLE_LEFT, "temple-left", N_("Left temple"), 500, 750 },
  [STIPPLE_ZONE_TEMPLE_RIGHT] = { STIPPLE_ZONE_TEMPLE_RIGHT, "temple-right", N_("Right temple"), 500, 750 },
  [STIPPLE_ZONE_PERIORBITAL_LEFT] = { STIPPLE_ZONE_PERIORBITAL_LEFT, "periorbital-left", N_("Left periorbital"), 250, 500 },
  [STIPPLE_ZONE_PERIORBITAL_RIGHT] = { STIPPLE_ZONE_PERIORBITAL_RIGHT, "periorbital-right", N_("Right periorbital"), 250, 500 },
  [STIPPLE_ZONE_NOSE] = { STIPPLE_ZONE_NOSE, "nose", N_("Nose"), 250, 500 },
  [STIPPLE_ZONE_CHEEK_LEFT] = { STIPPLE_ZONE_CHEEK_LEFT, "cheek-left", N_("Left cheek"), 1000, 2000 },
  [STIPPLE_ZONE_CHEEK_RIGHT] = { STIPPLE_ZONE_CHEEK_RIGHT, "cheek-right", N_("Right cheek"), 1000, 2000 },
  /* nasolabial folds: as cheeks */
  [STIPPLE_ZONE_NASOLABIAL_LEFT] = { STIPPLE_ZONE_NASOLABIAL_LEFT, "nasolabial-left", N_("Left nasolabial fold"), 1000, 2000 },
  [STIPPLE_ZONE_NASOLABIAL_RIGHT] = { STIPPLE_ZONE_NASOLABIAL_RIGHT, "nasolabial-right", N_("Right nasolabial fold"), 1000, 2000 },
  [STIPPLE_ZONE_UPPER_LIP] = { STIPPLE_ZONE_UPPER_LIP, "upper-lip", N_("Upper lip"), 250, 750 },
  [STIPPLE_ZONE_CHIN] = { STIPPLE_ZONE_CHIN, "chin", N_("Chin"), 1000, 2000 },
  /* jawline: as cheeks and chin */
  [STIPPLE_ZONE_JAWLINE_LEFT] = { STIPPLE_ZONE_JAWLINE_LEFT, "jawline-left", N_("Left jawline"), 1000, 2000 },
  [STIPPLE_ZONE_JAWLINE_RIGHT] = { STIPPLE_ZONE_JAWLINE_RIGHT, "jawline-right", N_("Right jawline"), 1000, 2000 },
  /* submental: as chin, thin skin only */
  [STIPPLE_ZONE_SUBMENTAL] = { STIPPLE_ZONE_SUBMENTAL, "submental", N_("Submental"), 1000, 1000 },
  /* neck: not in the chart; Shauly et al. 2023 give 1.5 mm (RF microneedling) */
  [STIPPLE_ZONE_NECK] = { STIPPLE_ZONE_NECK, "neck", N_("Neck"), 1000, 1500 },
  /* décolletage: not in the chart; as neck */
  [STIPPLE_ZONE_DECOLLETAGE] = { STIPPLE_ZONE_DECOLLETAGE, "decolletage", N_("Décolletage"), 1000, 1500 },
};

/**
 * stipple_zone_get_info:
 * @zone: a #StippleZone
 *
 * Returns: (nullable): the zone's facts, or %NULL for an invalid zone
 */
const StippleZoneInfo *
stipple_zone_get_info (StippleZone zone)
{
  if ((guint) zone == STIPPLE_ZONE_NONE || (guint) zone >= STIPPLE_N_ZONES)
    return NULL;

  return &zones[zone];
}

/**
 * stipple_zone_from_key:
 * @key: (nullable): a zone key such as "cheek-left"
 *
 * Returns: the zone, or %STIPPLE_ZONE_NONE if @key names none
 */
StippleZone
stipple_zone_from_key (const char *key)
{
  if (key == NULL)
    return STIPPLE_ZONE_NONE;

  for (guint i = 1; i < STIPPLE_N_ZONES; i++)
    if (g_str_equal (zones[i].key, key))
      return zones[i].zone;

  return STIPPLE_ZONE_NONE;
}

/**
 * stipple_zone_get_key:
 * @zone: a #StippleZone
 *
 * Returns: (nullable): the zone's stable key, or %NULL for an invalid zone
 */
const char *
stipple_zone_get_key (StippleZone zone)
{
  const StippleZoneInfo *info = stipple_zone_get_info (zone);

  return info != NULL ? info->key : NULL;
}

/**
 * stipple_zone_get_name:
 * @zone: a #StippleZone
 *
 * Returns: (nullable): the zone's name in the calling thread's language
 *   (see stipple_i18n_push_language()), or %NULL for an invalid zone
 */
const char *
stipple_zone_get_name (StippleZone zone)
{
  const StippleZoneInfo *info = stipple_zone_get_info (zone);

  return info != NULL ? _(info->name) : NULL;
}
