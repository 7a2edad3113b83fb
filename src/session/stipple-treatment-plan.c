/* stipple-treatment-plan.c
 *
 * Plans and limits: a depth past the pen's or cartridge's cap is never
 * planned; past the zone's clinical limit, only with a confirmation that
 * goes into the audit trail. Each plan is saved as it is made.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-treatment"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-treatment-private.h"

static char *
format_mm (guint um)
{
  return g_strdup_printf (_("%.2f mm"), um / 1000.0);
}

/* ------------------------------------------------------------------------
 * Plans and limits
 * ------------------------------------------------------------------------ */

/**
 * stipple_treatment_get_limit:
 * @self: a #StippleTreatment
 * @zone: a zone
 *
 * Returns: the zone's clinical limit for this patient's skin, in µm
 */
guint
stipple_treatment_get_limit (StippleTreatment *self,
                             StippleZone       zone)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), 0);

  return stipple_zone_limits_get (&self->limits, zone, self->thickness);
}

/**
 * stipple_treatment_set_thickness:
 * @self: a #StippleTreatment
 * @thickness: the patient's skin, as the clinician judges it today
 *
 * The zone limits follow the skin: thick skin allows the deeper limits.
 * Plans already made stay as they are; a plan now past its zone's limit
 * shows so.
 */
void
stipple_treatment_set_thickness (StippleTreatment     *self,
                                 StippleSkinThickness  thickness)
{
  g_return_if_fail (STIPPLE_IS_TREATMENT (self));

  if (self->thickness == thickness)
    return;

  self->thickness = thickness;
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    g_signal_emit (self, stipple_treatment_signals[SIGNAL_PLAN_CHANGED], 0, z);
}

/**
 * stipple_treatment_get_thickness:
 * @self: a #StippleTreatment
 *
 * Returns: the skin thickness the limits follow
 */
StippleSkinThickness
stipple_treatment_get_thickness (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), STIPPLE_SKIN_THIN);

  return self->thickness;
}

/**
 * stipple_treatment_get_hard_cap:
 * @self: a #StippleTreatment
 *
 * The deepest the connected pen can go with its cartridge; without a pen,
 * the deepest any clinic limit may be.
 *
 * Returns: the hard cap in µm
 */
guint
stipple_treatment_get_hard_cap (StippleTreatment *self)
{
  const StipplePenIdentity *identity;
  const StipplePenCartridge *cartridge;
  guint cap = STIPPLE_ZONE_LIMIT_CEILING_UM;

  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), 0);

  identity = stipple_pen_get_identity (self->pen);
  cartridge = stipple_pen_get_cartridge (self->pen);
  if (identity != NULL && identity->depth_max_um > 0)
    cap = MIN (cap, identity->depth_max_um);
  if (cartridge != NULL && cartridge->max_depth_um > 0)
    cap = MIN (cap, cartridge->max_depth_um);

  return cap;
}

void
stipple_treatment_save_session_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(StippleTreatment) self = user_data;
  g_autoptr(StippleSession) saved = NULL;
  g_autoptr(GError) error = NULL;

  saved = stipple_store_save_session_finish (STIPPLE_STORE (object), result, &error);
  if (saved == NULL)
    stipple_treatment_raise_alarm (self, STIPPLE_ALARM_HIGH, error->message);
}

static void
save_plan (StippleTreatment *self)
{
  g_array_set_size (self->session->plan, 0);
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    for (guint p = 0; p < self->plans[z].n_passes; p++)
      {
        StippleZonePass pass = { z, p + 1, self->plans[z].depth_um[p], self->plans[z].rate_hz };

        g_array_append_val (self->session->plan, pass);
      }

  stipple_store_save_session_async (self->store, self->session, NULL,
                                    stipple_treatment_save_session_cb, g_object_ref (self));
}

/**
 * stipple_treatment_set_plan:
 * @self: a #StippleTreatment
 * @zone: the zone
 * @plan: depth per pass, stroke rate; %NULL or no passes clears the zone
 * @confirmation: (nullable): the clinician's reason for going past the
 *   zone's clinical limit, or %NULL
 * @error: return location for a #GError
 *
 * Plans a zone. A depth above the hard cap is refused whatever the
 * confirmation; above the clinical limit it needs @confirmation, which is
 * written to the audit trail. The new plan is saved, and pushed to the
 * pen when the zone is the one selected.
 *
 * Returns: %TRUE if the plan was taken
 */
gboolean
stipple_treatment_set_plan (StippleTreatment       *self,
                            StippleZone             zone,
                            const StippleZonePlan  *plan,
                            const char             *confirmation,
                            GError                **error)
{
  const StipplePenIdentity *identity;
  guint limit, cap, deepest = 0;
  StippleZonePlan empty = { 0 };

  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), FALSE);
  g_return_val_if_fail (stipple_zone_get_info (zone) != NULL, FALSE);

  if (self->ended)
    {
      g_set_error_literal (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_ENDED,
                           _("This session has ended; its plan can no longer change."));
      return FALSE;
    }

  if (plan == NULL)
    plan = &empty;

  if (plan->n_passes > STIPPLE_MAX_PASSES)
    {
      g_set_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_INVALID,
                   _("A zone can have at most %u passes."), STIPPLE_MAX_PASSES);
      return FALSE;
    }

  identity = stipple_pen_get_identity (self->pen);
  if (plan->n_passes > 0)
    {
      guint rate_min = identity && identity->rate_min_hz ? identity->rate_min_hz : 1;
      guint rate_max = identity && identity->rate_max_hz ? identity->rate_max_hz
                                                         : STIPPLE_STORE_MAX_STROKE_RATE_HZ;

      if (plan->rate_hz < rate_min || plan->rate_hz > rate_max)
        {
          g_set_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_INVALID,
                       _("The stroke rate must be between %u and %u strokes per second."),
                       rate_min, rate_max);
          return FALSE;
        }
    }

  cap = stipple_treatment_get_hard_cap (self);
  limit = stipple_treatment_get_limit (self, zone);
  for (guint p = 0; p < plan->n_passes; p++)
    {
      if (plan->depth_um[p] == 0)
        {
          g_set_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_INVALID,
                       _("Pass %u has no depth."), p + 1);
          return FALSE;
        }
      if (plan->depth_um[p] > cap)
        {
          g_autofree char *depth = format_mm (plan->depth_um[p]);
          g_autofree char *max = format_mm (cap);

          g_set_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_ABOVE_HARD_CAP,
                       _("%s is deeper than this pen and cartridge can go: their maximum is %s."),
                       depth, max);
          return FALSE;
        }
      deepest = MAX (deepest, plan->depth_um[p]);
    }

  if (deepest > limit)
    {
      g_autofree char *depth = format_mm (deepest);
      g_autofree char *max = format_mm (limit);
      g_autoptr(StippleAuditEntry) entry = NULL;

      if ((confirmation == NULL || *confirmation == '\0') && deepest <= self->confirmed_um[zone])
        goto confirmed;

      if (confirmation == NULL || *confirmation == '\0')
        {
          g_set_error (error, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_NEEDS_CONFIRMATION,
                       _("%s is deeper than the clinical limit of %s for %s. Confirm to go deeper; "
                         "your confirmation is recorded."),
                       depth, max, stipple_zone_get_name (zone));
          return FALSE;
        }

      entry = stipple_audit_entry_new (STIPPLE_AUDIT_LIMIT_CONFIRMED);
      entry->zone = zone;
      entry->sent = g_strdup_printf ("zone=%s depth_um=%u limit_um=%u",
                                     stipple_zone_get_key (zone), deepest, limit);
      entry->detail = g_strdup (confirmation);
      stipple_treatment_write_audit (self, entry);
      self->confirmed_um[zone] = MAX (self->confirmed_um[zone], deepest);
    }

confirmed:
  self->plans[zone] = *plan;
  for (guint p = plan->n_passes; p < STIPPLE_MAX_PASSES; p++)
    self->plans[zone].depth_um[p] = 0;
  save_plan (self);
  g_signal_emit (self, stipple_treatment_signals[SIGNAL_PLAN_CHANGED], 0, (guint) zone);

  if (zone == self->zone)
    {
      if (self->pass > self->plans[zone].n_passes)
        self->pass = self->plans[zone].n_passes > 0 ? 1 : 0;
      stipple_treatment_push (self);
    }

  return TRUE;
}

/**
 * stipple_treatment_set_skin_response:
 * @self: a #StippleTreatment
 * @erythema_grade: -1 (not recorded) to 3 (marked)
 * @pinpoint_bleeding: whether pinpoint bleeding was seen
 * @aftercare_given: (nullable): what aftercare the patient was given
 *
 * Records the skin's immediate response and the aftercare given; saved
 * at once.
 */
void
stipple_treatment_set_skin_response (StippleTreatment *self,
                                     int               erythema_grade,
                                     gboolean          pinpoint_bleeding,
                                     const char       *aftercare_given)
{
  g_return_if_fail (STIPPLE_IS_TREATMENT (self));
  g_return_if_fail (erythema_grade >= -1 && erythema_grade <= 3);

  self->session->erythema_grade = erythema_grade;
  self->session->pinpoint_bleeding = pinpoint_bleeding;
  g_free (self->session->aftercare_given);
  self->session->aftercare_given = aftercare_given && *aftercare_given ? g_strdup (aftercare_given) : NULL;
  stipple_store_save_session_async (self->store, self->session, NULL,
                                    stipple_treatment_save_session_cb, g_object_ref (self));
}

/**
 * stipple_treatment_get_plan:
 * @self: a #StippleTreatment
 * @zone: a zone
 * @plan: (out): the zone's plan
 *
 * Returns: whether the zone has a plan
 */
gboolean
stipple_treatment_get_plan (StippleTreatment *self,
                            StippleZone       zone,
                            StippleZonePlan  *plan)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);

  if (stipple_zone_get_info (zone) == NULL)
    return FALSE;

  *plan = self->plans[zone];
  return plan->n_passes > 0;
}
