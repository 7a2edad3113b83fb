/* stipple-treatment.c
 *
 * The rules of a treatment session, in one place and free of GTK, so the
 * tests drive exactly what the treatment screen drives:
 *
 *  - A depth above the pen's hard cap (its range, its cartridge) is never
 *    planned, whatever is confirmed. A depth above the zone's clinical
 *    limit is planned only with the clinician's confirmation, which goes
 *    into the audit trail.
 *  - Settings count as applied only when StipplePen says the pen
 *    acknowledged them and read them back unchanged; the needle can be
 *    armed only then, and only for the zone and pass on screen.
 *  - Choosing another zone or pass stops the needle before anything is
 *    sent. Unplugging raises a high-priority alarm; when the pen comes
 *    back, its settings are pushed and verified again before it can run.
 *  - Everything the pen reports for the audit trail is written to the
 *    patient file with the clinician's name; needle samples and stroke
 *    totals too.
 *  - Needle samples lost on the way are counted for the session and go
 *    into the audit trail once per episode of loss, with their number.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-treatment"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-pen-clock.h"
#include "stipple-stroke-analyser.h"
#include "stipple-treatment.h"

/* Stroke totals reach the patient file at most this often. */
#define STROKE_FLUSH_SECONDS 1
/* A stroke that misses the commanded depth by more than this is out of
 * tolerance (the graphs use the same figure). */
#define DEPTH_TOLERANCE_UM 100
/* A loss episode ends after this long without further loss. */
#define LOSS_EPISODE_QUIET_MS 1000
/* A second and more of needle samples at 8 kHz between two frames. */
#define RING_CAPACITY (1u << 16)

struct _StippleTreatment
{
  GObject               parent_instance;

  StippleStore         *store;
  StipplePen           *pen;
  StippleSession       *session;
  /* stipple_treatment_end_async() is saving the end. */
  gboolean              ending;
  char                 *user;
  StippleSkinThickness  thickness;
  StippleZoneLimits     limits;

  StippleZonePlan       plans[STIPPLE_N_ZONES];
  /* The deepest depth past its limit the clinician confirmed for each
   * zone in this session: sending that plan again does not ask again. */
  guint                 confirmed_um[STIPPLE_N_ZONES];
  guint64               strokes[STIPPLE_N_ZONES];
  guint64               unsaved_strokes[STIPPLE_N_ZONES];
  guint64               time_in_zone_us[STIPPLE_N_ZONES];
  guint64               unsaved_time_us[STIPPLE_N_ZONES];
  guint64               out_of_tolerance[STIPPLE_N_ZONES];
  guint64               unsaved_out_of_tolerance[STIPPLE_N_ZONES];
  /* Bit p-1 set once the needle was started on pass p of the zone. */
  guint                 passes_begun[STIPPLE_N_ZONES];
  StipplePenClock       pen_clock;
  StippleStrokeAnalyser analyser;
  StippleZone           analysed_zone;
  guint32               last_stroke_count;
  gboolean              have_stroke_count;
  guint                 stroke_flush_id;

  StippleZone           zone;
  guint                 pass;
  StippleVerification   verification;
  char                 *verification_message;
  GCancellable         *push_cancellable;
  gboolean              push_after_disarm;
  /* The settings the verification is for. */
  StipplePenSettings    pushed;

  StippleAlarmPriority  alarm_priority;
  char                 *alarm_message;
  gboolean              was_connected;
  gboolean              ended;

  /* Needle samples that never reached the patient file, and the episodes
   * of loss they came in; the open episode, if any. */
  guint64               samples_lost;
  guint                 loss_episodes;
  guint64               episode_lost;
  GDateTime            *episode_started;
  guint                 episode_timer;

  /* The graphs' samples: the pen's I/O thread writes into the ring
   * through the tap this treatment alone installs and removes. */
  StippleSampleRing     ring;
  StippleProtoSample   *ring_storage;
  gboolean              tapped;
};

G_DEFINE_FINAL_TYPE (StippleTreatment, stipple_treatment, G_TYPE_OBJECT)

G_DEFINE_QUARK (stipple-treatment-error-quark, stipple_treatment_error)

G_DEFINE_ENUM_TYPE (StippleVerification, stipple_verification,
                    G_DEFINE_ENUM_VALUE (STIPPLE_VERIFICATION_NONE, "none"),
                    G_DEFINE_ENUM_VALUE (STIPPLE_VERIFICATION_PUSHING, "pushing"),
                    G_DEFINE_ENUM_VALUE (STIPPLE_VERIFICATION_VERIFIED, "verified"),
                    G_DEFINE_ENUM_VALUE (STIPPLE_VERIFICATION_FAILED, "failed"))

G_DEFINE_ENUM_TYPE (StippleAlarmPriority, stipple_alarm_priority,
                    G_DEFINE_ENUM_VALUE (STIPPLE_ALARM_NONE, "none"),
                    G_DEFINE_ENUM_VALUE (STIPPLE_ALARM_LOW, "low"),
                    G_DEFINE_ENUM_VALUE (STIPPLE_ALARM_MEDIUM, "medium"),
                    G_DEFINE_ENUM_VALUE (STIPPLE_ALARM_HIGH, "high"))

enum {
  PROP_0,
  PROP_ZONE,
  PROP_PASS,
  PROP_VERIFICATION,
  PROP_VERIFICATION_MESSAGE,
  PROP_ARMED,
  PROP_ALARM_PRIORITY,
  PROP_ALARM_MESSAGE,
  PROP_ENDED,
  PROP_SAMPLES_LOST,
  PROP_LOSS_EPISODES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PLAN_CHANGED,
  SIGNAL_STROKES_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void push_current     (StippleTreatment *self);
static void end_loss_episode (StippleTreatment *self);
static void disarm           (StippleTreatment *self);
static void untap            (StippleTreatment *self);

static char *
format_mm (guint um)
{
  return g_strdup_printf (_("%.2f mm"), um / 1000.0);
}

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

static void
write_audit (StippleTreatment  *self,
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

static void
pen_audit_cb (StippleTreatment *self,
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
  write_audit (self, entry);
}

/* ------------------------------------------------------------------------
 * Alarms
 * ------------------------------------------------------------------------ */

static void
raise_alarm (StippleTreatment     *self,
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALARM_MESSAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALARM_PRIORITY]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALARM_MESSAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALARM_PRIORITY]);
}

/* ------------------------------------------------------------------------
 * Verification
 * ------------------------------------------------------------------------ */

static void
set_verification (StippleTreatment    *self,
                  StippleVerification  verification,
                  const char          *message)
{
  if (self->verification == verification && g_strcmp0 (self->verification_message, message) == 0)
    return;

  self->verification = verification;
  g_free (self->verification_message);
  self->verification_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFICATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFICATION_MESSAGE]);
}

/* Field by field: the struct has padding. */
static gboolean
settings_equal (const StipplePenSettings *a,
                const StipplePenSettings *b)
{
  return a->zone_id == b->zone_id && a->depth_um == b->depth_um &&
         a->rate_hz == b->rate_hz && a->passes == b->passes;
}

static gboolean
current_settings (StippleTreatment   *self,
                  StipplePenSettings *settings)
{
  const StippleZonePlan *plan;

  if (stipple_zone_get_info (self->zone) == NULL)
    return FALSE;

  plan = &self->plans[self->zone];
  if (plan->n_passes == 0 || self->pass < 1 || self->pass > plan->n_passes)
    return FALSE;

  settings->zone_id = self->zone;
  settings->depth_um = plan->depth_um[self->pass - 1];
  settings->rate_hz = plan->rate_hz;
  settings->passes = plan->n_passes;

  return TRUE;
}

static void save_session_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data);

/* The pen and cartridge the settings went to belong in the session's
 * record (lot traceability), as soon as they are known and when they
 * change. */
static void
record_pen (StippleTreatment *self)
{
  const StipplePenIdentity *identity = stipple_pen_get_identity (self->pen);
  const StipplePenCartridge *cartridge = stipple_pen_get_cartridge (self->pen);
  g_autofree char *firmware = NULL;
  gboolean changed = FALSE;

  if (identity != NULL && g_strcmp0 (self->session->pen_serial, identity->serial) != 0)
    {
      firmware = g_strdup_printf ("%u.%u", identity->firmware_version >> 8,
                                  identity->firmware_version & 0xff);
      g_free (self->session->pen_serial);
      g_free (self->session->pen_firmware);
      self->session->pen_serial = g_strdup (identity->serial);
      self->session->pen_firmware = g_steal_pointer (&firmware);
      changed = TRUE;
    }
  if (cartridge != NULL && cartridge->id[0] != '\0' &&
      (g_strcmp0 (self->session->cartridge_id, cartridge->id) != 0 ||
       g_strcmp0 (self->session->cartridge_lot, cartridge->lot) != 0))
    {
      g_free (self->session->cartridge_id);
      g_free (self->session->cartridge_lot);
      self->session->cartridge_id = g_strdup (cartridge->id);
      self->session->cartridge_lot = g_strdup (cartridge->lot);
      changed = TRUE;
    }

  if (changed)
    stipple_store_save_session_async (self->store, self->session, NULL, save_session_cb,
                                      g_object_ref (self));
}

static void
push_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(StippleTreatment) self = user_data;
  g_autoptr(GError) error = NULL;
  StipplePenSettings wanted;

  if (!stipple_pen_push_settings_finish (STIPPLE_PEN (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_verification (self, STIPPLE_VERIFICATION_FAILED, error->message);
      return;
    }

  record_pen (self);

  /* Only if the screen still asks for what was verified. */
  if (!current_settings (self, &wanted) || !settings_equal (&wanted, &self->pushed))
    return;

  set_verification (self, STIPPLE_VERIFICATION_VERIFIED, NULL);
}

static void
push_current (StippleTreatment *self)
{
  StipplePenSettings settings;

  g_cancellable_cancel (self->push_cancellable);
  g_clear_object (&self->push_cancellable);

  if (self->ended || !current_settings (self, &settings))
    {
      set_verification (self, STIPPLE_VERIFICATION_NONE, NULL);
      return;
    }

  if (!stipple_pen_get_connected (self->pen))
    {
      set_verification (self, STIPPLE_VERIFICATION_NONE, _("No pen is connected."));
      return;
    }

  self->pushed = settings;
  self->push_cancellable = g_cancellable_new ();
  set_verification (self, STIPPLE_VERIFICATION_PUSHING, NULL);
  stipple_pen_push_settings_async (self->pen, &settings, self->push_cancellable, push_cb,
                                   g_object_ref (self));
}

/**
 * stipple_treatment_push:
 * @self: a #StippleTreatment
 *
 * Sends the selected zone's settings for the selected pass again, and
 * verifies them; after a failure, for instance.
 */
void
stipple_treatment_push (StippleTreatment *self)
{
  g_return_if_fail (STIPPLE_IS_TREATMENT (self));

  /* The pen takes no new depth while its needle runs: stop it first, and
   * send the settings once it has stopped. */
  if (stipple_pen_get_state (self->pen) == STIPPLE_PEN_STATE_ARMED)
    {
      self->push_after_disarm = TRUE;
      set_verification (self, STIPPLE_VERIFICATION_PUSHING, NULL);
      disarm (self);
      return;
    }

  push_current (self);
}

/* ------------------------------------------------------------------------
 * The pen's comings and goings
 * ------------------------------------------------------------------------ */

static void
pen_state_cb (StippleTreatment *self,
              GParamSpec       *pspec,
              StipplePen       *pen)
{
  gboolean connected = stipple_pen_get_connected (pen);

  if (self->was_connected && !connected)
    {
      /* Whatever was verified is gone with the pen. */
      g_cancellable_cancel (self->push_cancellable);
      end_loss_episode (self);
      self->have_stroke_count = FALSE;
      /* A pen plugged in again may have restarted its clock. */
      stipple_pen_clock_init (&self->pen_clock);
      self->analysed_zone = STIPPLE_ZONE_NONE;
      set_verification (self, STIPPLE_VERIFICATION_NONE, _("No pen is connected."));
      if (!self->ended)
        raise_alarm (self, STIPPLE_ALARM_HIGH,
                     _("The pen was disconnected. The needle is stopped. Plug the pen in again: "
                       "its settings will be sent and checked before it can run."));
    }
  else if (!self->was_connected && connected && !self->ended)
    {
      /* Back, or there for the first time: push and verify at once. */
      push_current (self);
    }
  else if (connected && !stipple_pen_get_verified (pen) &&
           self->verification == STIPPLE_VERIFICATION_VERIFIED)
    {
      /* Only an emergency stop clears the pen's settings (protocol rule
       * 5), and the host then forgets what was applied. A pen that
       * stopped by itself (its watchdog, the cartridge, a USB reset) keeps
       * them; they are only to be read back before the needle runs. */
      if (stipple_pen_get_applied_settings (pen) == NULL)
        set_verification (self, STIPPLE_VERIFICATION_NONE,
                          _("The pen no longer holds these settings. Send them again."));
      else
        set_verification (self, STIPPLE_VERIFICATION_NONE,
                          _("The needle stopped without being asked to. Send the settings again: "
                            "the pen reads them back before the needle can run."));
    }

  self->was_connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARMED]);
}

static void
pen_disarmed_cb (StippleTreatment       *self,
                 StipplePenDisarmReason  reason,
                 const char             *message,
                 StipplePen             *pen)
{
  /* A stop ends an episode of loss: the trail has it before the next run. */
  end_loss_episode (self);

  switch (reason)
    {
    case STIPPLE_PEN_DISARM_HOST:
      break;

    case STIPPLE_PEN_DISARM_EMERGENCY_STOP:
      raise_alarm (self, STIPPLE_ALARM_MEDIUM, message);
      break;

    case STIPPLE_PEN_DISARM_UNPLUGGED:
      /* pen_state_cb() says what to do about it. */
      break;

    case STIPPLE_PEN_DISARM_WATCHDOG:
    case STIPPLE_PEN_DISARM_USB:
    case STIPPLE_PEN_DISARM_CARTRIDGE_REMOVED:
    case STIPPLE_PEN_DISARM_NO_REPLY:
    default:
      raise_alarm (self, STIPPLE_ALARM_HIGH, message);
      break;
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARMED]);
}

static void
pen_fault_cb (StippleTreatment *self,
              const GError     *error,
              StipplePen       *pen)
{
  /* An unplugged pen gets the alarm that says what to do next, from
   * pen_state_cb(). */
  if (g_error_matches (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED))
    return;

  raise_alarm (self, STIPPLE_ALARM_HIGH, error->message);
}

/* ------------------------------------------------------------------------
 * Lost samples
 * ------------------------------------------------------------------------ */

/* The audit row's detail starts with this; the report adds the rows up
 * (docs/patient-file.md, "Lost needle samples"). */
#define SAMPLES_LOST_DETAIL "samples-lost:"

/* One audit row per episode of loss, with its count, once the episode is
 * over: the trail says how much was lost and when, without a row for each
 * packet. */
static void
end_loss_episode (StippleTreatment *self)
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
  write_audit (self, entry);

  self->episode_lost = 0;
  g_clear_pointer (&self->episode_started, g_date_time_unref);
}

static gboolean
loss_quiet_cb (gpointer user_data)
{
  StippleTreatment *self = user_data;

  self->episode_timer = 0;
  end_loss_episode (self);

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
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOSS_EPISODES]);
    }
  self->episode_lost += lost;
  self->samples_lost += lost;

  g_clear_handle_id (&self->episode_timer, g_source_remove);
  self->episode_timer = g_timeout_add (LOSS_EPISODE_QUIET_MS, loss_quiet_cb, self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAMPLES_LOST]);
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
      raise_alarm (self, STIPPLE_ALARM_HIGH, error->message);
    }

  g_weak_ref_clear (&totals->treatment);
  g_free (totals);
}

/* Writes the zones' new totals: through the store's writer while the
 * needle may run, so the main thread never waits for the disk; at once,
 * with @wait, when the session ends. */
static void
flush_strokes (StippleTreatment *self,
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
          raise_alarm (self, STIPPLE_ALARM_HIGH, error->message);
          continue;
        }
      self->unsaved_strokes[z] = 0;
      self->unsaved_time_us[z] = 0;
      self->unsaved_out_of_tolerance[z] = 0;
    }
}

static gboolean
flush_strokes_cb (gpointer user_data)
{
  StippleTreatment *self = user_data;

  self->stroke_flush_id = 0;
  flush_strokes (self, FALSE);

  return G_SOURCE_REMOVE;
}

static void
pen_telemetry_cb (StippleTreatment         *self,
                  const StippleProtoSample *samples,
                  guint                     n_samples,
                  guint                     lost,
                  StipplePen               *pen)
{
  g_autoptr(GError) error = NULL;
  guint64 strokes = 0;

  if (self->ended)
    return;
  if (lost > 0)
    note_loss (self, lost);
  if (n_samples == 0)
    return;

  /* The patient file gathers samples into blocks; this never waits. */
  if (!stipple_store_append_telemetry (self->store, self->session->id, samples, n_samples, &error))
    raise_alarm (self, STIPPLE_ALARM_HIGH, error->message);

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
        self->stroke_flush_id = g_timeout_add_seconds (STROKE_FLUSH_SECONDS, flush_strokes_cb, self);
      if (strokes > 0)
        g_signal_emit (self, signals[SIGNAL_STROKES_CHANGED], 0, (guint) self->zone);
    }
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
    g_signal_emit (self, signals[SIGNAL_PLAN_CHANGED], 0, z);
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

static void
save_session_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(StippleTreatment) self = user_data;
  g_autoptr(StippleSession) saved = NULL;
  g_autoptr(GError) error = NULL;

  saved = stipple_store_save_session_finish (STIPPLE_STORE (object), result, &error);
  if (saved == NULL)
    raise_alarm (self, STIPPLE_ALARM_HIGH, error->message);
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

  stipple_store_save_session_async (self->store, self->session, NULL, save_session_cb,
                                    g_object_ref (self));
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
      guint rate_max = identity && identity->rate_max_hz ? identity->rate_max_hz : 300;

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
      write_audit (self, entry);
      self->confirmed_um[zone] = MAX (self->confirmed_um[zone], deepest);
    }

confirmed:
  self->plans[zone] = *plan;
  for (guint p = plan->n_passes; p < STIPPLE_MAX_PASSES; p++)
    self->plans[zone].depth_um[p] = 0;
  save_plan (self);
  g_signal_emit (self, signals[SIGNAL_PLAN_CHANGED], 0, (guint) zone);

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
  stipple_store_save_session_async (self->store, self->session, NULL, save_session_cb,
                                    g_object_ref (self));
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

/* ------------------------------------------------------------------------
 * Selection, arming
 * ------------------------------------------------------------------------ */

/**
 * stipple_treatment_select_zone:
 * @self: a #StippleTreatment
 * @zone: the zone to treat
 * @pass: which pass, from 1; 0 for the first
 *
 * Stops the needle if it runs, then sends the zone's settings for @pass
 * and verifies them.
 */
void
stipple_treatment_select_zone (StippleTreatment *self,
                               StippleZone       zone,
                               guint             pass)
{
  g_return_if_fail (STIPPLE_IS_TREATMENT (self));

  if (stipple_zone_get_info (zone) == NULL)
    zone = STIPPLE_ZONE_NONE;
  if (pass == 0)
    pass = 1;

  if (zone == self->zone && pass == self->pass && self->verification != STIPPLE_VERIFICATION_NONE &&
      self->verification != STIPPLE_VERIFICATION_FAILED)
    return;

  self->zone = zone;
  self->pass = pass;
  /* Push first, so whoever hears of the new zone never sees the old
   * zone's "verified" beside it. */
  stipple_treatment_push (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PASS]);
}

static void
arm_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StippleTreatment *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!stipple_pen_arm_finish (STIPPLE_PEN (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARMED]);
}

/**
 * stipple_treatment_arm_async:
 * @self: a #StippleTreatment
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the needle runs, or was refused
 * @user_data: data for @callback
 *
 * Starts the needle, only if the selected zone's settings are verified.
 */
void
stipple_treatment_arm_async (StippleTreatment    *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StipplePenSettings wanted;
  const StipplePenSettings *applied;

  g_return_if_fail (STIPPLE_IS_TREATMENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, stipple_treatment_arm_async);

  if (self->ended)
    {
      g_task_return_new_error (task, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_ENDED,
                               _("This session has ended."));
      return;
    }

  applied = stipple_pen_get_applied_settings (self->pen);
  if (self->verification != STIPPLE_VERIFICATION_VERIFIED || !stipple_pen_get_verified (self->pen) ||
      !current_settings (self, &wanted) || applied == NULL ||
      !settings_equal (applied, &wanted))
    {
      g_task_return_new_error (task, STIPPLE_TREATMENT_ERROR, STIPPLE_TREATMENT_ERROR_NOT_READY,
                               _("The pen can run only once this zone’s settings are applied and "
                                 "verified."));
      return;
    }

  stipple_pen_arm_async (self->pen, cancellable, arm_cb, g_steal_pointer (&task));
}

/**
 * stipple_treatment_arm_finish:
 * @self: a #StippleTreatment
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: whether the needle runs
 */
gboolean
stipple_treatment_arm_finish (StippleTreatment  *self,
                              GAsyncResult      *result,
                              GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
disarm_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StippleTreatment) self = user_data;
  g_autoptr(GError) error = NULL;

  /* A disarm the pen did not answer ends in an emergency stop inside
   * StipplePen; the alarm comes through its signals. */
  stipple_pen_disarm_finish (STIPPLE_PEN (object), result, &error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARMED]);

  if (self->push_after_disarm)
    {
      self->push_after_disarm = FALSE;
      push_current (self);
    }
}

/* An ordinary stop: the pen disarms and keeps its verified settings. A
 * disarm the pen does not answer ends in an emergency stop inside
 * StipplePen. */
static void
disarm (StippleTreatment *self)
{
  if (stipple_pen_get_state (self->pen) == STIPPLE_PEN_STATE_ARMED)
    stipple_pen_disarm_async (self->pen, NULL, disarm_cb, g_object_ref (self));
}

/* The pen's emergency stop goes first, before anything else is looked
 * at: it jumps the pen's queue and depends on nothing but the link. */
static void
emergency_stop (StippleTreatment *self)
{
  stipple_pen_emergency_stop (self->pen);
  g_cancellable_cancel (self->push_cancellable);
  set_verification (self, STIPPLE_VERIFICATION_NONE,
                    _("Emergency stop: send the settings again before the pen can run."));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARMED]);
}

/**
 * stipple_treatment_stop:
 * @self: a #StippleTreatment
 * @reason: why the interface stops the needle
 *
 * Stops the needle: the one way the interface does, whatever the screen,
 * dialog or key. What happens depends on @reason and the pen's state:
 *
 * - %STIPPLE_STOP_EMERGENCY and %STIPPLE_STOP_CLOSE, in every pen state:
 *   the pen's emergency stop is sent first and at once, ahead of any
 *   request queued (armed: the needle stops and the pen forgets its
 *   settings; connected, faulted or busy with a push: the push is
 *   cancelled and the pen forgets its settings all the same;
 *   disconnected: nothing reaches a pen, which its watchdog has already
 *   stopped). The settings must then be sent and verified again before
 *   the needle can run. The stop is an `emergency-stop` row in the audit
 *   trail; when the needle ran, the medium-priority alarm is raised.
 * - %STIPPLE_STOP_CLINICIAN and %STIPPLE_STOP_LOCK: armed, the pen is
 *   disarmed in order and keeps its verified settings (a disarm it does
 *   not answer becomes an emergency stop inside #StipplePen); in any
 *   other state the needle is not running and nothing is sent.
 *
 * It never waits for the disk or the main loop.
 */
void
stipple_treatment_stop (StippleTreatment  *self,
                        StippleStopReason  reason)
{
  g_return_if_fail (STIPPLE_IS_TREATMENT (self));

  switch (reason)
    {
    case STIPPLE_STOP_EMERGENCY:
    case STIPPLE_STOP_CLOSE:
      emergency_stop (self);
      break;

    case STIPPLE_STOP_CLINICIAN:
    case STIPPLE_STOP_LOCK:
    default:
      disarm (self);
      break;
    }
}

/**
 * stipple_treatment_get_armed:
 * @self: a #StippleTreatment
 *
 * Returns: whether the needle runs
 */
gboolean
stipple_treatment_get_armed (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), FALSE);

  return stipple_pen_get_state (self->pen) == STIPPLE_PEN_STATE_ARMED;
}

/**
 * stipple_treatment_end:
 * @self: a #StippleTreatment
 * @error: return location for a #GError
 *
 * Stops the needle, writes the last samples and stroke totals, and
 * records the end of the session.
 *
 * Returns: %TRUE when the end is recorded
 */
gboolean
stipple_treatment_end (StippleTreatment  *self,
                       GError           **error)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), FALSE);

  if (self->ended)
    return TRUE;

  if (stipple_treatment_get_armed (self))
    stipple_pen_emergency_stop (self->pen);
  g_cancellable_cancel (self->push_cancellable);

  g_clear_handle_id (&self->stroke_flush_id, g_source_remove);
  flush_strokes (self, TRUE);
  end_loss_episode (self);
  if (!stipple_store_flush_telemetry (self->store, error))
    return FALSE;

  g_clear_pointer (&self->session->ended_at, g_date_time_unref);
  self->session->ended_at = g_date_time_new_now_utc ();
  if (!stipple_store_save_session (self->store, self->session, error))
    {
      g_clear_pointer (&self->session->ended_at, g_date_time_unref);
      return FALSE;
    }

  self->ended = TRUE;
  untap (self);
  set_verification (self, STIPPLE_VERIFICATION_NONE, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENDED]);

  return TRUE;
}

/* Ending without touching the disk on the calling thread: the needle is
 * stopped at once, the needle data still gathered is written and waited
 * for on a worker thread, then the session's end goes through the
 * store's writer, behind every write already queued (the zone totals
 * among them); the session has ended when the writer says it is saved. */

static void
end_saved_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StippleTreatment *self = g_task_get_source_object (task);
  g_autoptr(StippleSession) saved = NULL;
  GError *error = NULL;

  saved = stipple_store_save_session_finish (STIPPLE_STORE (object), result, &error);
  self->ending = FALSE;
  if (saved == NULL)
    {
      g_clear_pointer (&self->session->ended_at, g_date_time_unref);
      g_task_return_error (task, error);
      return;
    }

  self->ended = TRUE;
  untap (self);
  set_verification (self, STIPPLE_VERIFICATION_NONE, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENDED]);
  g_task_return_boolean (task, TRUE);
}

static void
end_flush_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;

  if (stipple_store_flush_telemetry (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
end_flushed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StippleTreatment *self = STIPPLE_TREATMENT (object);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      self->ending = FALSE;
      g_task_return_error (task, error);
      return;
    }

  g_clear_pointer (&self->session->ended_at, g_date_time_unref);
  self->session->ended_at = g_date_time_new_now_utc ();
  stipple_store_save_session_async (self->store, self->session, NULL, end_saved_cb,
                                    g_steal_pointer (&task));
}

/**
 * stipple_treatment_end_async:
 * @self: a #StippleTreatment
 * @callback: called when the end is saved, or could not be
 * @user_data: data for @callback
 *
 * Stops the needle at once and ends the session, as
 * stipple_treatment_end() does, without waiting on the disk on the
 * calling thread. #StippleTreatment:ended changes when the store's writer
 * has saved the end.
 */
void
stipple_treatment_end_async (StippleTreatment    *self,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) flush = NULL;

  g_return_if_fail (STIPPLE_IS_TREATMENT (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, stipple_treatment_end_async);
  if (self->ended)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->ending)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("The session is already being ended."));
      return;
    }

  self->ending = TRUE;
  if (stipple_treatment_get_armed (self))
    stipple_pen_emergency_stop (self->pen);
  g_cancellable_cancel (self->push_cancellable);
  g_clear_handle_id (&self->stroke_flush_id, g_source_remove);
  flush_strokes (self, TRUE);
  end_loss_episode (self);

  flush = g_task_new (self, NULL, end_flushed_cb, g_steal_pointer (&task));
  g_task_set_task_data (flush, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (flush, end_flush_thread);
}

/**
 * stipple_treatment_end_finish:
 * @self: a #StippleTreatment
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: whether the session has ended
 */
gboolean
stipple_treatment_end_finish (StippleTreatment  *self,
                              GAsyncResult      *result,
                              GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * stipple_treatment_get_ending:
 * @self: a #StippleTreatment
 *
 * Returns: whether stipple_treatment_end_async() is saving the end
 */
gboolean
stipple_treatment_get_ending (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), FALSE);

  return self->ending;
}

/* ------------------------------------------------------------------------
 * Accessors
 * ------------------------------------------------------------------------ */

/**
 * stipple_treatment_get_ended:
 * @self: a #StippleTreatment
 *
 * Returns: whether the session has ended
 */
gboolean
stipple_treatment_get_ended (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), FALSE);

  return self->ended;
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

/**
 * stipple_treatment_get_session:
 * @self: a #StippleTreatment
 *
 * Returns: (transfer none): the session being recorded
 */
const StippleSession *
stipple_treatment_get_session (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), NULL);

  return self->session;
}

/**
 * stipple_treatment_get_pen:
 * @self: a #StippleTreatment
 *
 * Returns: (transfer none): the pen
 */
StipplePen *
stipple_treatment_get_pen (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), NULL);

  return self->pen;
}

/**
 * stipple_treatment_get_zone:
 * @self: a #StippleTreatment
 *
 * Returns: the selected zone
 */
StippleZone
stipple_treatment_get_zone (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), STIPPLE_ZONE_NONE);

  return self->zone;
}

/**
 * stipple_treatment_get_pass:
 * @self: a #StippleTreatment
 *
 * Returns: the selected pass, from 1
 */
guint
stipple_treatment_get_pass (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), 0);

  return self->pass;
}

/**
 * stipple_treatment_get_verification:
 * @self: a #StippleTreatment
 *
 * Returns: whether the selected zone's settings are applied and verified
 */
StippleVerification
stipple_treatment_get_verification (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), STIPPLE_VERIFICATION_NONE);

  return self->verification;
}

/**
 * stipple_treatment_get_verification_message:
 * @self: a #StippleTreatment
 *
 * Returns: (nullable): why the settings are not verified, in words
 */
const char *
stipple_treatment_get_verification_message (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), NULL);

  return self->verification_message;
}

/**
 * stipple_treatment_get_alarm_priority:
 * @self: a #StippleTreatment
 *
 * Returns: the priority of the alarm not yet acknowledged
 */
StippleAlarmPriority
stipple_treatment_get_alarm_priority (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), STIPPLE_ALARM_NONE);

  return self->alarm_priority;
}

/**
 * stipple_treatment_get_alarm_message:
 * @self: a #StippleTreatment
 *
 * Returns: (nullable): the alarm not yet acknowledged, in words
 */
const char *
stipple_treatment_get_alarm_message (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), NULL);

  return self->alarm_message;
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

static void
tap (StippleTreatment *self)
{
  stipple_pen_set_sample_func (self->pen, pen_samples_cb, &self->ring);
  self->tapped = TRUE;
}

/* Before the ring goes, and once the session has ended: the pen's I/O
 * thread writes into it no more. The pen has one tap: one treatment at a
 * time is open on it (the window opens the next only after the last has
 * ended or gone), and an ended one has already let go of it. */
static void
untap (StippleTreatment *self)
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

/* ------------------------------------------------------------------------
 * Object
 * ------------------------------------------------------------------------ */

/**
 * stipple_treatment_new:
 * @store: the open patient file
 * @pen: the pen
 * @session: the session, already saved (its id is set)
 * @user: who performs it
 * @thickness: the patient's skin, for the zone limits
 * @limits: the clinic's limits
 *
 * Takes over the session's plan as it is saved.
 *
 * Returns: (transfer full): a new #StippleTreatment
 */
StippleTreatment *
stipple_treatment_new (StippleStore            *store,
                       StipplePen              *pen,
                       const StippleSession    *session,
                       const char              *user,
                       StippleSkinThickness     thickness,
                       const StippleZoneLimits *limits)
{
  StippleTreatment *self;

  g_return_val_if_fail (STIPPLE_IS_STORE (store), NULL);
  g_return_val_if_fail (STIPPLE_IS_PEN (pen), NULL);
  g_return_val_if_fail (session != NULL && session->id > 0, NULL);
  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (limits != NULL, NULL);

  self = g_object_new (STIPPLE_TYPE_TREATMENT, NULL);
  self->store = g_object_ref (store);
  self->pen = g_object_ref (pen);
  self->session = stipple_session_copy (session);
  self->user = g_strdup (user);
  self->thickness = thickness;
  self->limits = *limits;
  self->ended = session->ended_at != NULL;

  for (guint i = 0; i < session->plan->len; i++)
    {
      const StippleZonePass *pass = &g_array_index (session->plan, StippleZonePass, i);

      if (stipple_zone_get_info (pass->zone) == NULL || pass->pass < 1 || pass->pass > STIPPLE_MAX_PASSES)
        continue;
      self->plans[pass->zone].depth_um[pass->pass - 1] = pass->depth_um;
      self->plans[pass->zone].rate_hz = pass->stroke_rate_hz;
      self->plans[pass->zone].n_passes = MAX (self->plans[pass->zone].n_passes, pass->pass);
    }
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      self->strokes[z] = session->strokes[z];
      self->time_in_zone_us[z] = session->time_in_zone_us[z];
      self->out_of_tolerance[z] = session->out_of_tolerance[z];
    }
  stipple_pen_clock_init (&self->pen_clock);

  g_signal_connect_object (pen, "audit", G_CALLBACK (pen_audit_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pen, "notify::state", G_CALLBACK (pen_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pen, "disarmed", G_CALLBACK (pen_disarmed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pen, "fault", G_CALLBACK (pen_fault_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pen, "telemetry", G_CALLBACK (pen_telemetry_cb), self, G_CONNECT_SWAPPED);
  self->was_connected = stipple_pen_get_connected (pen);
  if (!self->ended)
    tap (self);

  return self;
}

static void
stipple_treatment_dispose (GObject *object)
{
  StippleTreatment *self = STIPPLE_TREATMENT (object);

  /* Never leave the needle running behind a closed session. */
  if (self->pen != NULL && stipple_pen_get_state (self->pen) == STIPPLE_PEN_STATE_ARMED)
    stipple_pen_emergency_stop (self->pen);
  if (self->stroke_flush_id != 0)
    {
      g_clear_handle_id (&self->stroke_flush_id, g_source_remove);
      flush_strokes_cb (self);
    }
  if (self->store != NULL)
    end_loss_episode (self);
  g_cancellable_cancel (self->push_cancellable);
  g_clear_object (&self->push_cancellable);
  if (self->pen != NULL)
    {
      untap (self);
      g_signal_handlers_disconnect_by_data (self->pen, self);
    }
  g_clear_object (&self->pen);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (stipple_treatment_parent_class)->dispose (object);
}

static void
stipple_treatment_finalize (GObject *object)
{
  StippleTreatment *self = STIPPLE_TREATMENT (object);

  g_clear_pointer (&self->session, stipple_session_free);
  g_free (self->user);
  g_free (self->verification_message);
  g_free (self->alarm_message);
  g_clear_pointer (&self->episode_started, g_date_time_unref);
  g_assert (!self->tapped);
  g_free (self->ring_storage);

  G_OBJECT_CLASS (stipple_treatment_parent_class)->finalize (object);
}

static void
stipple_treatment_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  StippleTreatment *self = STIPPLE_TREATMENT (object);

  switch (prop_id)
    {
    case PROP_ZONE:
      g_value_set_uint (value, self->zone);
      break;

    case PROP_PASS:
      g_value_set_uint (value, self->pass);
      break;

    case PROP_VERIFICATION:
      g_value_set_enum (value, self->verification);
      break;

    case PROP_VERIFICATION_MESSAGE:
      g_value_set_string (value, self->verification_message);
      break;

    case PROP_ARMED:
      g_value_set_boolean (value, stipple_treatment_get_armed (self));
      break;

    case PROP_ALARM_PRIORITY:
      g_value_set_enum (value, self->alarm_priority);
      break;

    case PROP_ALARM_MESSAGE:
      g_value_set_string (value, self->alarm_message);
      break;

    case PROP_ENDED:
      g_value_set_boolean (value, self->ended);
      break;

    case PROP_SAMPLES_LOST:
      g_value_set_uint64 (value, self->samples_lost);
      break;

    case PROP_LOSS_EPISODES:
      g_value_set_uint (value, self->loss_episodes);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_treatment_class_init (StippleTreatmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = stipple_treatment_dispose;
  object_class->finalize = stipple_treatment_finalize;
  object_class->get_property = stipple_treatment_get_property;

  properties[PROP_ZONE] =
    g_param_spec_uint ("zone", NULL, NULL, 0, STIPPLE_N_ZONES - 1, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PASS] =
    g_param_spec_uint ("pass", NULL, NULL, 0, STIPPLE_MAX_PASSES, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VERIFICATION] =
    g_param_spec_enum ("verification", NULL, NULL, STIPPLE_TYPE_VERIFICATION,
                       STIPPLE_VERIFICATION_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VERIFICATION_MESSAGE] =
    g_param_spec_string ("verification-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ARMED] =
    g_param_spec_boolean ("armed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ALARM_PRIORITY] =
    g_param_spec_enum ("alarm-priority", NULL, NULL, STIPPLE_TYPE_ALARM_PRIORITY,
                       STIPPLE_ALARM_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ALARM_MESSAGE] =
    g_param_spec_string ("alarm-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ENDED] =
    g_param_spec_boolean ("ended", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * StippleTreatment:samples-lost:
   *
   * Needle samples lost in this session, wherever they were lost: the
   * pen's own count, gaps in its packet sequence, the host's backlog.
   */
  properties[PROP_SAMPLES_LOST] =
    g_param_spec_uint64 ("samples-lost", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * StippleTreatment:loss-episodes:
   *
   * Runs of loss in this session, each ended by a second without loss, a
   * stop of the needle or the pen's leaving; each is one audit row.
   */
  properties[PROP_LOSS_EPISODES] =
    g_param_spec_uint ("loss-episodes", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StippleTreatment::plan-changed:
   * @zone: the zone whose plan changed
   */
  signals[SIGNAL_PLAN_CHANGED] =
    g_signal_new ("plan-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * StippleTreatment::strokes-changed:
   * @zone: the zone that received strokes
   */
  signals[SIGNAL_STROKES_CHANGED] =
    g_signal_new ("strokes-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
stipple_treatment_init (StippleTreatment *self)
{
  self->verification = STIPPLE_VERIFICATION_NONE;
  self->ring_storage = g_new0 (StippleProtoSample, RING_CAPACITY);
  stipple_sample_ring_init (&self->ring, self->ring_storage, RING_CAPACITY);
}
