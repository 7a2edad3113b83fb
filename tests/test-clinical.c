/* test-clinical.c: zones and screening questions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>

#include "stipple-presets.h"
#include "stipple-screening.h"
#include "stipple-zone-limits.h"
#include "stipple-zones.h"

static void
test_zones (void)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      const StippleZoneInfo *info = stipple_zone_get_info (z);

      g_assert_nonnull (info);
      g_assert_cmpint (info->zone, ==, z);
      g_assert_cmpint (stipple_zone_from_key (info->key), ==, z);
      g_assert_true (g_hash_table_add (keys, (gpointer) info->key));
      g_assert_nonnull (stipple_zone_get_name (z));
      /* Limits are clinical: never above the thick-skin value, never past
       * the deepest depth in the guide (2.0 mm on the face). */
      g_assert_cmpuint (info->thin_max_um, >, 0);
      g_assert_cmpuint (info->thin_max_um, <=, info->thick_max_um);
      g_assert_cmpuint (info->thick_max_um, <=, 2000);
    }

  /* Wire ids are fixed. */
  g_assert_cmpint (STIPPLE_ZONE_FOREHEAD, ==, 1);
  g_assert_cmpint (STIPPLE_ZONE_DECOLLETAGE, ==, 18);
  g_assert_null (stipple_zone_get_info (STIPPLE_ZONE_NONE));
  g_assert_null (stipple_zone_get_info (STIPPLE_N_ZONES));
  g_assert_cmpint (stipple_zone_from_key ("elbow"), ==, STIPPLE_ZONE_NONE);
  g_assert_cmpint (stipple_zone_from_key (NULL), ==, STIPPLE_ZONE_NONE);
  g_assert_cmpstr (stipple_zone_get_key (STIPPLE_ZONE_CHEEK_LEFT), ==, "cheek-left");
}

static void
test_screening (void)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  const StippleScreeningItem *items;
  guint n_items, n_stop = 0;

  items = stipple_screening_get_items (&n_items);
  g_assert_cmpuint (n_items, >=, 15);
  for (guint i = 0; i < n_items; i++)
    {
      g_assert_true (g_hash_table_add (keys, (gpointer) items[i].key));
      g_assert_true (stipple_screening_lookup (items[i].key) == &items[i]);
      g_assert_true (g_str_has_suffix (stipple_screening_get_question (&items[i]), "?"));
      n_stop += items[i].severity == STIPPLE_SCREENING_STOP;
    }

  g_assert_cmpuint (n_stop, >, 0);
  g_assert_cmpint (stipple_screening_lookup ("pregnancy")->severity, ==, STIPPLE_SCREENING_STOP);
  g_assert_null (stipple_screening_lookup ("no-such-question"));
}

static void
test_presets (void)
{
  StipplePresetPlan plan;

  for (StippleIndication i = 0; i < STIPPLE_N_INDICATIONS; i++)
    {
      g_assert_cmpint (stipple_indication_from_key (stipple_indication_get_key (i)), ==, i);
      g_assert_nonnull (stipple_indication_get_name (i));

      for (StippleZone z = 1; z < STIPPLE_N_ZONES; z++)
        {
          const StippleZoneInfo *info = stipple_zone_get_info (z);

          g_assert_true (stipple_preset_plan_zone (i, STIPPLE_SKIN_THIN, z, &plan));
          /* A preset never plans past the zone's clinical limit. */
          g_assert_cmpuint (plan.depth_um, >, 0);
          g_assert_cmpuint (plan.depth_um, <=, info->thin_max_um);
          g_assert_cmpuint (plan.passes, >=, 1);
          g_assert_cmpuint (plan.passes, <=, STIPPLE_MAX_PASSES);
          g_assert_cmpuint (plan.rate_hz, >=, 90);
          g_assert_cmpuint (plan.rate_hz, <=, 150);

          g_assert_true (stipple_preset_plan_zone (i, STIPPLE_SKIN_THICK, z, &plan));
          g_assert_cmpuint (plan.depth_um, <=, info->thick_max_um);
        }
    }

  /* Acne scars on thick cheek skin: the guide's 2.0 mm, within the zone. */
  g_assert_true (stipple_preset_plan_zone (STIPPLE_INDICATION_ACNE_SCARS, STIPPLE_SKIN_THICK,
                                           STIPPLE_ZONE_CHEEK_LEFT, &plan));
  g_assert_cmpuint (plan.depth_um, ==, 2000);
  g_assert_cmpuint (plan.passes, ==, 3);
  /* ... but never 2.0 mm under the eyes. */
  g_assert_true (stipple_preset_plan_zone (STIPPLE_INDICATION_ACNE_SCARS, STIPPLE_SKIN_THICK,
                                           STIPPLE_ZONE_PERIORBITAL_RIGHT, &plan));
  g_assert_cmpuint (plan.depth_um, ==, 500);
  /* Fine lines start at the low end of the guide's range, not at the
   * zone's limit: 0.25 mm on a thin forehead (0.25–0.5 mm), 0.5 mm on a
   * thin cheek (0.5–1.0 mm), and the nose's single value, 0.25 mm. */
  g_assert_true (stipple_preset_plan_zone (STIPPLE_INDICATION_FINE_LINES, STIPPLE_SKIN_THIN,
                                           STIPPLE_ZONE_FOREHEAD, &plan));
  g_assert_cmpuint (plan.depth_um, ==, 250);
  g_assert_true (stipple_preset_plan_zone (STIPPLE_INDICATION_FINE_LINES, STIPPLE_SKIN_THIN,
                                           STIPPLE_ZONE_CHEEK_LEFT, &plan));
  g_assert_cmpuint (plan.depth_um, ==, 500);
  g_assert_true (stipple_preset_plan_zone (STIPPLE_INDICATION_FINE_LINES, STIPPLE_SKIN_THICK,
                                           STIPPLE_ZONE_CHEEK_LEFT, &plan));
  g_assert_cmpuint (plan.depth_um, ==, 1000);
  for (StippleZone z = 1; z < STIPPLE_N_ZONES; z++)
    {
      g_assert_true (stipple_preset_plan_zone (STIPPLE_INDICATION_FINE_LINES, STIPPLE_SKIN_THIN, z, &plan));
      if (stipple_zone_get_info (z)->thin_max_um > 250)
        g_assert_cmpuint (plan.depth_um, <, stipple_zone_get_info (z)->thin_max_um);
    }
  /* Pigmentation stays shallow. */
  g_assert_true (stipple_preset_plan_zone (STIPPLE_INDICATION_PIGMENTATION, STIPPLE_SKIN_THIN,
                                           STIPPLE_ZONE_CHEEK_LEFT, &plan));
  g_assert_cmpuint (plan.depth_um, ==, 250);

  g_assert_false (stipple_preset_plan_zone (STIPPLE_N_INDICATIONS, STIPPLE_SKIN_THIN,
                                            STIPPLE_ZONE_CHIN, &plan));
  g_assert_false (stipple_preset_plan_zone (STIPPLE_INDICATION_FINE_LINES, STIPPLE_SKIN_THIN,
                                            STIPPLE_ZONE_NONE, &plan));
  g_assert_cmpint (stipple_indication_from_key ("tattoo-removal"), ==, STIPPLE_N_INDICATIONS);
}

static void
test_zone_limits (void)
{
  StippleZoneLimits limits, defaults, reread;
  g_autoptr(GVariant) empty = NULL;
  g_autoptr(GVariant) saved = NULL;
  g_autoptr(GVariant) overrides = NULL;
  g_autoptr(GVariant) bogus = NULL;

  stipple_zone_limits_init_defaults (&defaults);
  limits = defaults;
  g_assert_cmpuint (stipple_zone_limits_get (&limits, STIPPLE_ZONE_CHEEK_LEFT, STIPPLE_SKIN_THIN), ==, 1000);
  g_assert_cmpuint (stipple_zone_limits_get (&limits, STIPPLE_ZONE_CHEEK_LEFT, STIPPLE_SKIN_THICK), ==, 2000);
  g_assert_cmpuint (stipple_zone_limits_get (&limits, STIPPLE_ZONE_NONE, STIPPLE_SKIN_THIN), ==, 0);

  /* Untouched limits save as no overrides at all. */
  empty = g_variant_ref_sink (stipple_zone_limits_to_variant (&limits));
  g_assert_cmpuint (g_variant_n_children (empty), ==, 0);

  /* Overrides: odd values are rounded down to a step and clamped; thick
   * is never below thin; unknown zones are passed over. */
  overrides = g_variant_ref_sink (g_variant_new_parsed (
    "{'forehead': (@u 1234, @u 1500), 'nose': (@u 0, @u 99999), "
    "'elbow': (@u 500, @u 500), 'chin': (@u 1500, @u 1000)}"));
  stipple_zone_limits_apply_variant (&limits, overrides);
  g_assert_cmpuint (limits.thin_um[STIPPLE_ZONE_FOREHEAD], ==, 1200);
  g_assert_cmpuint (limits.thick_um[STIPPLE_ZONE_FOREHEAD], ==, 1500);
  g_assert_cmpuint (limits.thin_um[STIPPLE_ZONE_NOSE], ==, STIPPLE_ZONE_LIMIT_STEP_UM);
  g_assert_cmpuint (limits.thick_um[STIPPLE_ZONE_NOSE], ==, STIPPLE_ZONE_LIMIT_CEILING_UM);
  g_assert_cmpuint (limits.thin_um[STIPPLE_ZONE_CHIN], ==, 1500);
  g_assert_cmpuint (limits.thick_um[STIPPLE_ZONE_CHIN], ==, 1500);
  g_assert_cmpuint (limits.thin_um[STIPPLE_ZONE_CHEEK_LEFT], ==, defaults.thin_um[STIPPLE_ZONE_CHEEK_LEFT]);

  /* And they round-trip. */
  saved = g_variant_ref_sink (stipple_zone_limits_to_variant (&limits));
  g_assert_cmpuint (g_variant_n_children (saved), ==, 3);
  stipple_zone_limits_init_defaults (&reread);
  stipple_zone_limits_apply_variant (&reread, saved);
  g_assert_cmpmem (&reread, sizeof reread, &limits, sizeof limits);

  /* A value of the wrong type changes nothing. */
  bogus = g_variant_ref_sink (g_variant_new_string ("nonsense"));
  stipple_zone_limits_apply_variant (&reread, bogus);
  g_assert_cmpmem (&reread, sizeof reread, &limits, sizeof limits);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/clinical/zones", test_zones);
  g_test_add_func ("/stipple/clinical/screening", test_screening);
  g_test_add_func ("/stipple/clinical/presets", test_presets);
  g_test_add_func ("/stipple/clinical/zone-limits", test_zone_limits);

  return g_test_run ();
}
