/* stipple-treatment-pen.c
 *
 * What the pen reports, as the session records it: every audit record to
 * the patient file with the clinician's name, the alarms its comings,
 * goings and stops raise, and the graphs' sample tap, the one code of
 * StippleTreatment the pen calls on its I/O thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-treatment"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-treatment-private.h"

/* ------------------------------------------------------------------------
 * The audit trail
 * ------------------------------------------------------------------------ */

static void
append_audit_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The store reports a failing disk through its own errors; the treatment
   * screen learns of it from the alarm below. */
  stipple_store_append_audit_finish (STIPPLE_STORE (object), result, &error);
  if (error != NULL)
    g_debug ("Audit row not written: %s", error->message);
}

void
stipple_treatment_write_audit (StippleTreatment  *self,
                               StippleAuditEntry *entry)
{
  if (entry->at == NULL)
    entry->at = g_date_time_new_now_utc ();
  g_free (entry->user);
  entry->user = g_strdup (self->user);
  entry->session_id = self->session->id;
  stipple_store_append_audit_async (self->store, entry, NULL, append_audit_cb, NULL);
}

static char *
format_settings (GVariant *details)
{
  guint16 zone = 0, depth = 0, rate = 0;
  guint8 passes = 0;

  g_variant_lookup (details, "zone", "q", &zone);
  g_variant_lookup (details, "depth-um", "q", &depth);
  g_variant_lookup (details, "rate-hz", "q", &rate);
  g_variant_lookup (details, "passes", "y", &passes);

  return g_strdup_printf ("zone=%s depth_um=%u rate_hz=%u passes=%u",
                          stipple_zone_get_key (zone) ? stipple_zone_get_key (zone) : "none",
                          depth, rate, passes);
}

void
stipple_treatment_pen_audit_cb (StippleTreatment *self,
                                const char       *kind,
                                GVariant         *details,
                                gint64            timestamp,
                                StipplePen       *pen)
{
  g_autoptr(StippleAuditEntry) entry = NULL;
  const char *message = NULL;
  guint16 zone = 0;

  g_variant_lookup (details, "message", "&s", &message);
  g_variant_lookup (details, "zone", "q", &zone);

  if (g_str_has_prefix (kind, "settings-"))
    {
      g_autofree char *settings = format_settings (details);

      entry = stipple_audit_entry_new (STIPPLE_AUDIT_SETTING);
      entry->zone = zone;
      /* What was sent, the pen's answer, and what it read back. */
      if (g_str_equal (kind, "settings-sent"))
        entry->sent = g_steal_pointer (&settings);
      else if (g_str_equal (kind, "settings-verified"))
        {
          entry->acknowledgement = g_strdup ("acknowledged");
          entry->read_back = g_steal_pointer (&settings);
        }
      else if (g_str_equal (kind, "settings-mismatch"))
        {
          entry->acknowledgement = g_strdup ("acknowledged");
          entry->read_back = g_steal_pointer (&settings);
          entry->detail = g_strdup_printf ("mismatch: %s", message ? message : "");
        }
      else
        {
          entry->sent = g_steal_pointer (&settings);
          entry->acknowledgement = g_strdup (kind + strlen ("settings-"));
          entry->detail = g_strdup (message);
        }
    }
  else if (g_str_equal (kind, "arm") || g_str_equal (kind, "arm-refused"))
    {
      entry = stipple_audit_entry_new (STIPPLE_AUDIT_ARM);
      entry->zone = self->zone;
      /* Which pass the needle ran for: the record counts passes done
       * from these, not from the plan. */
      entry->sent = g_strdup_printf ("zone=%s pass=%u",
                                     stipple_zone_get_key (self->zone) ? stipple_zone_get_key (self->zone) : "none",
                                     self->pass);
      if (g_str_equal (kind, "arm-refused"))
        entry->acknowledgement = g_strdup ("refused");
      else if (stipple_zone_get_info (self->zone) != NULL && self->pass >= 1 && self->pass <= STIPPLE_MAX_PASSES)
        self->passes_begun[self->zone] |= 1u << (self->pass - 1);
      entry->detail = g_strdup (message);
    }
  else if (g_str_equal (kind, "disarm"))
    {
      entry = stipple_audit_entry_new (STIPPLE_AUDIT_DISARM);
      entry->zone = self->zone;
      entry->detail = g_strdup (message);
    }
  else if (g_str_equal (kind, "emergency-stop"))
    {
      entry = stipple_audit_entry_new (STIPPLE_AUDIT_EMERGENCY_STOP);
      entry->zone = self->zone;
      entry->detail = g_strdup (message);
    }
  else if (g_str_equal (kind, "connected"))
    {
      const char *serial = NULL;

      entry = stipple_audit_entry_new (STIPPLE_AUDIT_CONNECT);
      g_variant_lookup (details, "serial", "&s", &serial);
      entry->detail = g_strdup (serial);
    }
  else
    {
      entry = stipple_audit_entry_new (STIPPLE_AUDIT_FAULT);
      entry->detail = g_strdup_printf ("%s%s%s", kind, message ? ": " : "", message ? message : "");
    }

  /* To the microsecond, as the store keeps it: the order of events a
   * second apart or less is the point of the trail. */
  {
    g_autoptr(GDateTime) second = g_date_time_new_from_unix_utc (timestamp / G_USEC_PER_SEC);

    entry->at = g_date_time_add (second, timestamp % G_USEC_PER_SEC);
  }
  stipple_treatment_write_audit (self, entry);
}

/* ------------------------------------------------------------------------
 * Alarms
 * ------------------------------------------------------------------------ */

void
stipple_treatment_raise_alarm (StippleTreatment     *self,
                               StippleAlarmPriority  priority,
                               const char           *message)
{
  /* A lower-priority alarm never hides a higher one the clinician has
   * not acknowledged yet. */
  if (priority < self->alarm_priority)
    return;

  self->alarm_priority = priority;
  g_free (self->alarm_message);
  self->alarm_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_ALARM_MESSAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_ALARM_PRIORITY]);
}

/**
 * stipple_treatment_acknowledge_alarm:
 * @self: a #StippleTreatment
 *
 * The clinician has seen the alarm.
 */
void
stipple_treatment_acknowledge_alarm (StippleTreatment *self)
{
  g_return_if_fail (STIPPLE_IS_TREATMENT (self));

  if (self->alarm_priority == STIPPLE_ALARM_NONE)
    return;

  self->alarm_priority = STIPPLE_ALARM_NONE;
  g_clear_pointer (&self->alarm_message, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_ALARM_MESSAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_ALARM_PRIORITY]);
}

/* ------------------------------------------------------------------------
 * The pen's comings and goings
 * ------------------------------------------------------------------------ */

void
stipple_treatment_pen_state_cb (StippleTreatment *self,
                                GParamSpec       *pspec,
                                StipplePen       *pen)
{
  gboolean connected = stipple_pen_get_connected (pen);

  if (self->was_connected && !connected)
    {
      /* Whatever was verified is gone with the pen. */
      g_cancellable_cancel (self->push_cancellable);
      stipple_treatment_end_loss_episode (self);
      self->have_stroke_count = FALSE;
      /* A pen plugged in again may have restarted its clock. */
      stipple_pen_clock_init (&self->pen_clock);
      self->analysed_zone = STIPPLE_ZONE_NONE;
      stipple_treatment_set_verification (self, STIPPLE_VERIFICATION_NONE,
                                          _("No pen is connected."));
      if (!self->ended)
        stipple_treatment_raise_alarm (self, STIPPLE_ALARM_HIGH,
                                       _("The pen was disconnected. The needle is stopped. "
                                         "Plug the pen in again: its settings will be sent "
                                         "and checked before it can run."));
    }
  else if (!self->was_connected && connected && !self->ended)
    {
      /* Back, or there for the first time: push and verify at once. */
      stipple_treatment_push_current (self);
    }
  else if (connected && !stipple_pen_get_verified (pen) &&
           self->verification == STIPPLE_VERIFICATION_VERIFIED)
    {
      /* Only an emergency stop clears the pen's settings (protocol rule
       * 5), and the host then forgets what was applied. A pen that
       * stopped by itself (its watchdog, the cartridge, a USB reset) keeps
       * them; they are only to be read back before the needle runs. */
      if (stipple_pen_get_applied_settings (pen) == NULL)
        stipple_treatment_set_verification (self, STIPPLE_VERIFICATION_NONE,
                                            _("The pen no longer holds these settings. "
                                              "Send them again."));
      else
        stipple_treatment_set_verification (self, STIPPLE_VERIFICATION_NONE,
                                            _("The needle stopped without being asked to. "
                                              "Send the settings again: the pen reads them "
                                              "back before the needle can run."));
    }

  self->was_connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_ARMED]);
}

void
stipple_treatment_pen_disarmed_cb (StippleTreatment       *self,
                                   StipplePenDisarmReason  reason,
                                   const char             *message,
                                   StipplePen             *pen)
{
  /* A stop ends an episode of loss: the trail has it before the next run. */
  stipple_treatment_end_loss_episode (self);

  switch (reason)
    {
    case STIPPLE_PEN_DISARM_HOST:
      break;

    case STIPPLE_PEN_DISARM_EMERGENCY_STOP:
      stipple_treatment_raise_alarm (self, STIPPLE_ALARM_MEDIUM, message);
      break;

    case STIPPLE_PEN_DISARM_UNPLUGGED:
      /* pen_state_cb() says what to do about it. */
      break;

    case STIPPLE_PEN_DISARM_WATCHDOG:
    case STIPPLE_PEN_DISARM_USB:
    case STIPPLE_PEN_DISARM_CARTRIDGE_REMOVED:
    case STIPPLE_PEN_DISARM_NO_REPLY:
    default:
      stipple_treatment_raise_alarm (self, STIPPLE_ALARM_HIGH, message);
      break;
    }

  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_ARMED]);
}

void
stipple_treatment_pen_fault_cb (StippleTreatment *self,
                                const GError     *error,
                                StipplePen       *pen)
{
  /* An unplugged pen gets the alarm that says what to do next, from
   * pen_state_cb(). */
  if (g_error_matches (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED))
    return;

  stipple_treatment_raise_alarm (self, STIPPLE_ALARM_HIGH, error->message);
}

/* ------------------------------------------------------------------------
 * The graphs' samples
 * ------------------------------------------------------------------------ */

/* On the pen's I/O thread: into the ring, never blocking. The pen calls
 * this under its I/O lock, so once stipple_pen_set_sample_func() has
 * removed it no call is under way or to come. */
static void
pen_samples_cb (const StippleProtoSample *samples,
                guint                     n_samples,
                guint                     lost,
                gpointer                  user_data)
{
  stipple_sample_ring_push_batch (user_data, samples, n_samples);
}

void
stipple_treatment_tap (StippleTreatment *self)
{
  stipple_pen_set_sample_func (self->pen, pen_samples_cb, &self->ring);
  self->tapped = TRUE;
}

/* Before the ring goes, and once the session has ended: the pen's I/O
 * thread writes into it no more. The pen has one tap: one treatment at a
 * time is open on it (the window opens the next only after the last has
 * ended or gone), and an ended one has already let go of it. */
void
stipple_treatment_untap (StippleTreatment *self)
{
  if (!self->tapped)
    return;

  stipple_pen_set_sample_func (self->pen, NULL, NULL);
  self->tapped = FALSE;
}

/**
 * stipple_treatment_get_ring:
 * @self: a #StippleTreatment
 *
 * The needle samples for the live graphs, written by the pen's I/O
 * thread while the session is open. The treatment owns the ring: it
 * lives as long as the treatment, and the pen stops writing into it when
 * the session ends or the treatment goes. One reader, on the main
 * thread.
 *
 * Returns: (transfer none): the ring
 */
StippleSampleRing *
stipple_treatment_get_ring (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), NULL);

  return &self->ring;
}
