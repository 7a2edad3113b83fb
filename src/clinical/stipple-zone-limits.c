/* stipple-zone-limits.c
 *
 * The clinic may change the depth it works to in each zone. Its changes
 * are kept as overrides of the defaults in stipple-zones.c (the settings
 * key "zone-limits", a{s(uu)}: zone key → thin and thick limit in µm), so
 * a zone the clinic never touched follows the documented default.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-zone-limits"

#include "config.h"

#include "stipple-zone-limits.h"

/**
 * stipple_zone_limits_init_defaults:
 * @limits: (out caller-allocates): the limits to fill
 *
 * Fills @limits with the documented defaults of every zone.
 */
void
stipple_zone_limits_init_defaults (StippleZoneLimits *limits)
{
  g_return_if_fail (limits != NULL);

  memset (limits, 0, sizeof *limits);
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      const StippleZoneInfo *info = stipple_zone_get_info (z);

      limits->thin_um[z] = info->thin_max_um;
      limits->thick_um[z] = info->thick_max_um;
    }
}

static guint
clamp_limit (guint um)
{
  /* A limit is a whole number of steps, never zero, never past the ceiling. */
  um = (um / STIPPLE_ZONE_LIMIT_STEP_UM) * STIPPLE_ZONE_LIMIT_STEP_UM;

  return CLAMP (um, STIPPLE_ZONE_LIMIT_STEP_UM, STIPPLE_ZONE_LIMIT_CEILING_UM);
}

/**
 * stipple_zone_limits_apply_variant:
 * @limits: limits to change
 * @overrides: (nullable): an a{s(uu)} of zone key to thin and thick limits
 *
 * Unknown zone keys are passed over (a newer version may know more zones);
 * values are clamped to whole steps within the ceiling.
 */
void
stipple_zone_limits_apply_variant (StippleZoneLimits *limits,
                                   GVariant          *overrides)
{
  GVariantIter iter;
  const char *key;
  guint32 thin, thick;

  g_return_if_fail (limits != NULL);

  if (overrides == NULL || !g_variant_is_of_type (overrides, G_VARIANT_TYPE ("a{s(uu)}")))
    return;

  g_variant_iter_init (&iter, overrides);
  while (g_variant_iter_next (&iter, "{&s(uu)}", &key, &thin, &thick))
    {
      StippleZone zone = stipple_zone_from_key (key);

      if (zone == STIPPLE_ZONE_NONE)
        continue;
      limits->thin_um[zone] = clamp_limit (thin);
      limits->thick_um[zone] = MAX (clamp_limit (thick), limits->thin_um[zone]);
    }
}

/**
 * stipple_zone_limits_to_variant:
 * @limits: limits
 *
 * Returns: (transfer floating): the zones whose limits differ from the
 *   defaults, as an a{s(uu)}
 */
GVariant *
stipple_zone_limits_to_variant (const StippleZoneLimits *limits)
{
  GVariantBuilder builder;
  StippleZoneLimits defaults;

  g_return_val_if_fail (limits != NULL, NULL);

  stipple_zone_limits_init_defaults (&defaults);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(uu)}"));
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    if (limits->thin_um[z] != defaults.thin_um[z] || limits->thick_um[z] != defaults.thick_um[z])
      g_variant_builder_add (&builder, "{s(uu)}", stipple_zone_get_key (z),
                             limits->thin_um[z], limits->thick_um[z]);

  return g_variant_builder_end (&builder);
}

/**
 * stipple_zone_limits_get:
 * @limits: limits
 * @zone: a zone
 * @thickness: the patient's skin
 *
 * Returns: the clinical limit in µm, or 0 for an invalid zone
 */
guint
stipple_zone_limits_get (const StippleZoneLimits *limits,
                         StippleZone              zone,
                         StippleSkinThickness     thickness)
{
  g_return_val_if_fail (limits != NULL, 0);

  if (stipple_zone_get_info (zone) == NULL)
    return 0;

  return thickness == STIPPLE_SKIN_THICK ? limits->thick_um[zone] : limits->thin_um[zone];
}
