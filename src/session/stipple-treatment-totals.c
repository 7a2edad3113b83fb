/* stipple-treatment-totals.c
 *
 * The needle's figures for each zone: strokes, time on skin and strokes
 * out of tolerance from the pen's samples, written to the patient file
 * through the store's writer at most once a second; and samples lost on
 * the way, counted and written to the audit trail once per episode.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-treatment"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-treatment-private.h"

/* ------------------------------------------------------------------------
 * Lost samples
 * ------------------------------------------------------------------------ */

/* The audit row's detail starts with this; the report adds the rows up
 * (docs/patient-file.md, "Lost needle samples"). */
#define SAMPLES_LOST_DETAIL "samples-lost:"

/* One audit row per episode of loss, with its count, once the episode is
 * over: the trail says how much was lost and when, without a row for each
 * packet. */
void
stipple_treatment_end_loss_episode (StippleTreatment *self)
{
  g_autoptr(StippleAuditEntry) entry = NULL;
  g_autofree char *from = NULL;

  g_clear_handle_id (&self->episode_timer, g_source_remove);
  if (self->episode_started == NULL)
    return;

  from = g_date_time_format_iso8601 (self->episode_started);
  entry = stipple_audit_entry_new (STIPPLE_AUDIT_FAULT);
  entry->zone = self->zone;
  entry->detail = g_strdup_printf (SAMPLES_LOST_DETAIL " count=%" G_GUINT64_FORMAT " from=%s",
                                   self->episode_lost, from);
  stipple_treatment_write_audit (self, entry);

  self->episode_lost = 0;
  g_clear_pointer (&self->episode_started, g_date_time_unref);
}

static gboolean
loss_quiet_cb (gpointer user_data)
{
  StippleTreatment *self = user_data;

  self->episode_timer = 0;
  stipple_treatment_end_loss_episode (self);

  return G_SOURCE_REMOVE;
}

/* Samples the pen dropped, packets missing from its sequence, samples the
 * host could not keep while its main loop did not run: none of them is in
 * the patient file. */
static void
note_loss (StippleTreatment *self,
           guint             lost)
{
  g_assert (STIPPLE_IS_TREATMENT (self));
  g_assert (lost > 0);

  if (self->episode_started == NULL)
    {
      self->episode_started = g_date_time_new_now_utc ();
      self->loss_episodes++;
      g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_LOSS_EPISODES]);
    }
  self->episode_lost += lost;
  self->samples_lost += lost;

  g_clear_handle_id (&self->episode_timer, g_source_remove);
  self->episode_timer = g_timeout_add (LOSS_EPISODE_QUIET_MS, loss_quiet_cb, self);

  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_SAMPLES_LOST]);
}

/* ------------------------------------------------------------------------
 * Needle samples and strokes
 * ------------------------------------------------------------------------ */

typedef struct
{
  GWeakRef     treatment;
  StippleZone  zone;
  guint64      strokes;
  guint64      time_us;
  guint64      out_of_tolerance;
} UnsavedTotals;

static void
zone_totals_saved_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  UnsavedTotals *totals = user_data;
  g_autoptr(StippleTreatment) self = g_weak_ref_get (&totals->treatment);
  g_autoptr(GError) error = NULL;

  if (!stipple_store_add_zone_totals_finish (STIPPLE_STORE (object), result, &error) && self != NULL)
    {
      /* Kept, to be written with the next totals once there is room. */
      self->unsaved_strokes[totals->zone] += totals->strokes;
      self->unsaved_time_us[totals->zone] += totals->time_us;
      self->unsaved_out_of_tolerance[totals->zone] += totals->out_of_tolerance;
      stipple_treatment_raise_alarm (self, STIPPLE_ALARM_HIGH, error->message);
    }

  g_weak_ref_clear (&totals->treatment);
  g_free (totals);
}

/* Writes the zones' new totals: through the store's writer while the
 * needle may run, so the main thread never waits for the disk; at once,
 * with @wait, when the session ends. */
void
stipple_treatment_flush_strokes (StippleTreatment *self,
                                 gboolean          wait)
{
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      g_autoptr(GError) error = NULL;

      if (self->unsaved_strokes[z] == 0 && self->unsaved_time_us[z] == 0 &&
          self->unsaved_out_of_tolerance[z] == 0)
        continue;
      if (!wait)
        {
          UnsavedTotals *totals = g_new0 (UnsavedTotals, 1);

          g_weak_ref_init (&totals->treatment, self);
          totals->zone = z;
          totals->strokes = self->unsaved_strokes[z];
          totals->time_us = self->unsaved_time_us[z];
          totals->out_of_tolerance = self->unsaved_out_of_tolerance[z];
          stipple_store_add_zone_totals_async (self->store, self->session->id, z, totals->strokes,
                                               totals->time_us, totals->out_of_tolerance, NULL,
                                               zone_totals_saved_cb, totals);
        }
      else if (!stipple_store_add_zone_totals (self->store, self->session->id, z,
                                               self->unsaved_strokes[z], self->unsaved_time_us[z],
                                               self->unsaved_out_of_tolerance[z], &error))
        {
          stipple_treatment_raise_alarm (self, STIPPLE_ALARM_HIGH, error->message);
          continue;
        }
      self->unsaved_strokes[z] = 0;
      self->unsaved_time_us[z] = 0;
      self->unsaved_out_of_tolerance[z] = 0;
    }
}

gboolean
stipple_treatment_flush_strokes_cb (gpointer user_data)
{
  StippleTreatment *self = user_data;

  self->stroke_flush_id = 0;
  stipple_treatment_flush_strokes (self, FALSE);

  return G_SOURCE_REMOVE;
}

void
stipple_treatment_pen_telemetry_cb (StippleTreatment         *self,
                                    const StippleProtoSample *samples,
                                    guint                     n_samples,
                                    guint                     lost,
                                    StipplePen               *pen)
{
  g_autoptr(GError) error = NULL;
  guint64 strokes = 0;

  /* Once the end is asked for, the needle is stopped and its last data
   * is on its way to the file ahead of the seal: what the pen still
   * streams, idle, belongs to no session, and written after the seal it
   * would read as the record changed. */
  if (self->ended || self->ending)
    return;
  if (lost > 0)
    note_loss (self, lost);
  if (n_samples == 0)
    return;

  /* The patient file gathers samples into blocks; this never waits. */
  if (!stipple_store_append_telemetry (self->store, self->session->id, samples, n_samples, &error))
    stipple_treatment_raise_alarm (self, STIPPLE_ALARM_HIGH, error->message);

  /* The depth each stroke reached, against the depth the pen holds for
   * this zone: time on skin and strokes out of tolerance. */
  if (stipple_zone_get_info (self->zone) != NULL)
    {
      const StipplePenSettings *applied = stipple_pen_get_applied_settings (self->pen);
      guint64 time_before, oot_before;

      if (self->analysed_zone != self->zone)
        {
          stipple_stroke_analyser_init (&self->analyser, 0, DEPTH_TOLERANCE_UM);
          self->analysed_zone = self->zone;
        }
      if (applied != NULL)
        stipple_stroke_analyser_set_target (&self->analyser, applied->depth_um, DEPTH_TOLERANCE_UM);
      time_before = self->analyser.stats.time_in_zone_us;
      oot_before = self->analyser.stats.out_of_tolerance;
      for (guint i = 0; i < n_samples; i++)
        {
          StippleStroke stroke;

          stipple_stroke_analyser_add (&self->analyser,
                                       stipple_pen_clock_unwrap (&self->pen_clock, samples[i].timestamp_us),
                                       &samples[i], &stroke);
        }
      self->time_in_zone_us[self->zone] += self->analyser.stats.time_in_zone_us - time_before;
      self->unsaved_time_us[self->zone] += self->analyser.stats.time_in_zone_us - time_before;
      self->out_of_tolerance[self->zone] += self->analyser.stats.out_of_tolerance - oot_before;
      self->unsaved_out_of_tolerance[self->zone] += self->analyser.stats.out_of_tolerance - oot_before;
    }

  for (guint i = 0; i < n_samples; i++)
    {
      guint32 count = samples[i].stroke_count;

      /* The pen counts strokes since it was last armed. */
      if (self->have_stroke_count && count >= self->last_stroke_count)
        strokes += count - self->last_stroke_count;
      else if (self->have_stroke_count)
        strokes += count;
      self->last_stroke_count = count;
      self->have_stroke_count = TRUE;
    }

  if (stipple_zone_get_info (self->zone) != NULL)
    {
      self->strokes[self->zone] += strokes;
      self->unsaved_strokes[self->zone] += strokes;
      if (self->stroke_flush_id == 0 &&
          (self->unsaved_strokes[self->zone] > 0 || self->unsaved_time_us[self->zone] > 0))
        self->stroke_flush_id = g_timeout_add_seconds (STROKE_FLUSH_SECONDS,
                                                       stipple_treatment_flush_strokes_cb, self);
      if (strokes > 0)
        g_signal_emit (self, stipple_treatment_signals[SIGNAL_STROKES_CHANGED], 0,
                       (guint) self->zone);
    }
}

/**
 * stipple_treatment_get_strokes:
 * @self: a #StippleTreatment
 * @zone: a zone
 *
 * Returns: the strokes delivered in @zone this session
 */
guint64
stipple_treatment_get_strokes (StippleTreatment *self,
                               StippleZone       zone)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), 0);

  return stipple_zone_get_info (zone) != NULL ? self->strokes[zone] : 0;
}

/**
 * stipple_treatment_get_passes_begun:
 * @self: a #StippleTreatment
 * @zone: a zone
 *
 * Returns: a mask of the passes of @zone the needle was started on this
 *   session: bit 0 for pass 1
 */
guint
stipple_treatment_get_passes_begun (StippleTreatment *self,
                                    StippleZone       zone)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), 0);

  return stipple_zone_get_info (zone) != NULL ? self->passes_begun[zone] : 0;
}

/**
 * stipple_treatment_get_time_in_zone:
 * @self: a #StippleTreatment
 * @zone: a zone
 *
 * Returns: the needle's time on skin in @zone this session, µs
 */
guint64
stipple_treatment_get_time_in_zone (StippleTreatment *self,
                                    StippleZone       zone)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), 0);

  return stipple_zone_get_info (zone) != NULL ? self->time_in_zone_us[zone] : 0;
}

/**
 * stipple_treatment_get_out_of_tolerance:
 * @self: a #StippleTreatment
 * @zone: a zone
 *
 * Returns: strokes in @zone this session that missed the commanded depth
 *   by more than the tolerance
 */
guint64
stipple_treatment_get_out_of_tolerance (StippleTreatment *self,
                                        StippleZone       zone)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), 0);

  return stipple_zone_get_info (zone) != NULL ? self->out_of_tolerance[zone] : 0;
}

/**
 * stipple_treatment_get_samples_lost:
 * @self: a #StippleTreatment
 *
 * Returns: how many needle samples of this session never reached the
 *   patient file
 */
guint64
stipple_treatment_get_samples_lost (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), 0);

  return self->samples_lost;
}

/**
 * stipple_treatment_get_loss_episodes:
 * @self: a #StippleTreatment
 *
 * Returns: in how many episodes samples were lost, the one going on included
 */
guint
stipple_treatment_get_loss_episodes (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), 0);

  return self->loss_episodes;
}
