/* stipple-presets.c
 *
 * Starting plans by indication. The values and their sources are listed
 * in docs/clinical-defaults.md; they are where a clinician starts, not a
 * prescription, and every value stays editable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-presets"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-presets.h"

typedef struct
{
  const char *key;
  const char *name;
  /* Target depth for thin and thick skin; 0 starts at the low end of the
   * depth guide's range for the zone (see start_of_range()). */
  guint       thin_um;
  guint       thick_um;
  guint       passes;
} Indication;

static const Indication indications[STIPPLE_N_INDICATIONS] = {
  /* The depth guide's per-zone values are written for lines and wrinkles. */
  [STIPPLE_INDICATION_FINE_LINES] = { "fine-lines", N_("Fine lines and wrinkles"), 0, 0, 2 },
  /* Guide: acne scars 1.0–1.25 mm thin, 1.5–2.0 mm thick; Harris et al.
   * 2015: median 1.5 mm over 3 sessions. */
  [STIPPLE_INDICATION_ACNE_SCARS] = { "acne-scars", N_("Acne scars"), 1250, 2000, 3 },
  /* Shallow, to the papillary dermis. */
  [STIPPLE_INDICATION_PIGMENTATION] = { "pigmentation", N_("Pigmentation and melasma"), 250, 500, 2 },
  [STIPPLE_INDICATION_PORES_TEXTURE] = { "pores-texture", N_("Pores and texture"), 500, 750, 2 },
  /* Guide: stretch marks (body) 1.5–2.0 mm. */
  [STIPPLE_INDICATION_STRETCH_MARKS] = { "stretch-marks", N_("Stretch marks"), 1500, 2000, 3 },
};

/**
 * stipple_indication_get_key:
 * @indication: a #StippleIndication
 *
 * Returns: (nullable): the indication's stable key, stored in the patient file
 */
const char *
stipple_indication_get_key (StippleIndication indication)
{
  if ((guint) indication >= STIPPLE_N_INDICATIONS)
    return NULL;

  return indications[indication].key;
}

/**
 * stipple_indication_get_name:
 * @indication: a #StippleIndication
 *
 * Returns: (nullable): the indication's translated name
 */
const char *
stipple_indication_get_name (StippleIndication indication)
{
  if ((guint) indication >= STIPPLE_N_INDICATIONS)
    return NULL;

  return _(indications[indication].name);
}

/**
 * stipple_indication_from_key:
 * @key: (nullable): an indication key
 *
 * Returns: the indication, or %STIPPLE_N_INDICATIONS when @key names none
 */
StippleIndication
stipple_indication_from_key (const char *key)
{
  for (guint i = 0; key != NULL && i < STIPPLE_N_INDICATIONS; i++)
    if (g_str_equal (indications[i].key, key))
      return i;

  return STIPPLE_N_INDICATIONS;
}

/* The zone's limit is the top of the depth guide's range; a plan starts
 * at the bottom of it, about half as deep (forehead 0.25–0.5 mm, cheeks
 * 0.5–1.0 mm on thin skin), never under 0.25 mm unless the limit is, in
 * 0.05 mm steps. A new zone never starts at its limit. */
static guint
start_of_range (guint limit_um)
{
  guint half = limit_um / 2 / 50 * 50;

  return MIN (limit_um, MAX (half, 250u));
}

/**
 * stipple_preset_plan_zone:
 * @indication: what is treated
 * @thickness: the patient's skin in that zone
 * @zone: the zone
 * @plan: (out): the starting plan
 *
 * A preset never goes past the zone's default clinical limit: where the
 * indication's depth is deeper than the zone allows (acne-scar depth on
 * the eyelids, say), the zone's limit wins. Going deeper is the
 * clinician's decision, confirmed and recorded.
 *
 * Returns: %TRUE if @plan was filled
 */
gboolean
stipple_preset_plan_zone (StippleIndication     indication,
                          StippleSkinThickness  thickness,
                          StippleZone           zone,
                          StipplePresetPlan    *plan)
{
  const StippleZoneInfo *info = stipple_zone_get_info (zone);
  const Indication *ind;
  guint limit, target;

  g_return_val_if_fail (plan != NULL, FALSE);

  if (info == NULL || (guint) indication >= STIPPLE_N_INDICATIONS)
    return FALSE;

  ind = &indications[indication];
  limit = thickness == STIPPLE_SKIN_THICK ? info->thick_max_um : info->thin_max_um;
  target = thickness == STIPPLE_SKIN_THICK ? ind->thick_um : ind->thin_um;
  if (target == 0)
    target = start_of_range (limit);
  if (target > limit)
    target = limit;

  plan->depth_um = target;
  plan->passes = ind->passes;
  plan->rate_hz = STIPPLE_DEFAULT_RATE_HZ;

  return TRUE;
}
