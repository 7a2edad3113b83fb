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

#include "stipple-treatment-private.h"

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

GParamSpec *stipple_treatment_properties[N_PROPS];
guint stipple_treatment_signals[N_SIGNALS];

/* ------------------------------------------------------------------------
 * Verification
 * ------------------------------------------------------------------------ */

void
stipple_treatment_set_verification (StippleTreatment    *self,
                                    StippleVerification  verification,
                                    const char          *message)
{
  if (self->verification == verification && g_strcmp0 (self->verification_message, message) == 0)
    return;

  self->verification = verification;
  g_free (self->verification_message);
  self->verification_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_VERIFICATION]);
  g_object_notify_by_pspec (G_OBJECT (self),
                            stipple_treatment_properties[PROP_VERIFICATION_MESSAGE]);
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
    stipple_store_save_session_async (self->store, self->session, NULL,
                                      stipple_treatment_save_session_cb, g_object_ref (self));
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
      stipple_treatment_set_verification (self, STIPPLE_VERIFICATION_FAILED, error->message);
      return;
    }

  record_pen (self);

  /* Only if the screen still asks for what was verified. */
  if (!current_settings (self, &wanted) || !settings_equal (&wanted, &self->pushed))
    return;

  stipple_treatment_set_verification (self, STIPPLE_VERIFICATION_VERIFIED, NULL);
}

void
stipple_treatment_push_current (StippleTreatment *self)
{
  StipplePenSettings settings;

  g_cancellable_cancel (self->push_cancellable);
  g_clear_object (&self->push_cancellable);

  if (self->ended || !current_settings (self, &settings))
    {
      stipple_treatment_set_verification (self, STIPPLE_VERIFICATION_NONE, NULL);
      return;
    }

  if (!stipple_pen_get_connected (self->pen))
    {
      stipple_treatment_set_verification (self, STIPPLE_VERIFICATION_NONE,
                                          _("No pen is connected."));
      return;
    }

  self->pushed = settings;
  self->push_cancellable = g_cancellable_new ();
  stipple_treatment_set_verification (self, STIPPLE_VERIFICATION_PUSHING, NULL);
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
      stipple_treatment_set_verification (self, STIPPLE_VERIFICATION_PUSHING, NULL);
      stipple_treatment_disarm_needle (self);
      return;
    }

  stipple_treatment_push_current (self);
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
  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_ZONE]);
  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_PASS]);
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

  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_ARMED]);
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
  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_ARMED]);

  if (self->push_after_disarm)
    {
      self->push_after_disarm = FALSE;
      stipple_treatment_push_current (self);
    }
}

/* An ordinary stop: the pen disarms and keeps its verified settings. A
 * disarm the pen does not answer ends in an emergency stop inside
 * StipplePen. */
void
stipple_treatment_disarm_needle (StippleTreatment *self)
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
  stipple_treatment_set_verification (self, STIPPLE_VERIFICATION_NONE,
                                      _("Emergency stop: send the settings again "
                                        "before the pen can run."));
  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_ARMED]);
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
      stipple_treatment_disarm_needle (self);
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

/* ------------------------------------------------------------------------
 * Accessors
 * ------------------------------------------------------------------------ */

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

  g_signal_connect_object (pen, "audit", G_CALLBACK (stipple_treatment_pen_audit_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pen, "notify::state", G_CALLBACK (stipple_treatment_pen_state_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pen, "disarmed", G_CALLBACK (stipple_treatment_pen_disarmed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pen, "fault", G_CALLBACK (stipple_treatment_pen_fault_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pen, "telemetry", G_CALLBACK (stipple_treatment_pen_telemetry_cb),
                           self, G_CONNECT_SWAPPED);
  self->was_connected = stipple_pen_get_connected (pen);
  if (!self->ended)
    stipple_treatment_tap (self);
  stipple_treatment_setup_notes (self);

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
      stipple_treatment_flush_strokes_cb (self);
    }
  if (self->store != NULL)
    stipple_treatment_end_loss_episode (self);
  g_cancellable_cancel (self->push_cancellable);
  g_clear_object (&self->push_cancellable);
  if (self->pen != NULL)
    {
      stipple_treatment_untap (self);
      g_signal_handlers_disconnect_by_data (self->pen, self);
    }
  g_clear_object (&self->pen);
  stipple_treatment_clear_notes (self);
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

    case PROP_ENDING:
      g_value_set_boolean (value, self->ending);
      break;

    case PROP_SAMPLES_LOST:
      g_value_set_uint64 (value, self->samples_lost);
      break;

    case PROP_LOSS_EPISODES:
      g_value_set_uint (value, self->loss_episodes);
      break;

    case PROP_NOTES_PENDING:
      g_value_set_boolean (value, stipple_treatment_get_notes_pending (self));
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

  stipple_treatment_properties[PROP_ZONE] =
    g_param_spec_uint ("zone", NULL, NULL, 0, STIPPLE_N_ZONES - 1, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  stipple_treatment_properties[PROP_PASS] =
    g_param_spec_uint ("pass", NULL, NULL, 0, STIPPLE_MAX_PASSES, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  stipple_treatment_properties[PROP_VERIFICATION] =
    g_param_spec_enum ("verification", NULL, NULL, STIPPLE_TYPE_VERIFICATION,
                       STIPPLE_VERIFICATION_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  stipple_treatment_properties[PROP_VERIFICATION_MESSAGE] =
    g_param_spec_string ("verification-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  stipple_treatment_properties[PROP_ARMED] =
    g_param_spec_boolean ("armed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  stipple_treatment_properties[PROP_ALARM_PRIORITY] =
    g_param_spec_enum ("alarm-priority", NULL, NULL, STIPPLE_TYPE_ALARM_PRIORITY,
                       STIPPLE_ALARM_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  stipple_treatment_properties[PROP_ALARM_MESSAGE] =
    g_param_spec_string ("alarm-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  stipple_treatment_properties[PROP_ENDED] =
    g_param_spec_boolean ("ended", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * StippleTreatment:ending:
   *
   * Whether the end of the session is on its way to the patient file:
   * from stipple_treatment_end_async() until the writer has saved it, or
   * failed to. Quitting waits for it.
   */
  stipple_treatment_properties[PROP_ENDING] =
    g_param_spec_boolean ("ending", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * StippleTreatment:samples-lost:
   *
   * Needle samples lost in this session, wherever they were lost: the
   * pen's own count, gaps in its packet sequence, the host's backlog.
   */
  stipple_treatment_properties[PROP_SAMPLES_LOST] =
    g_param_spec_uint64 ("samples-lost", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * StippleTreatment:loss-episodes:
   *
   * Runs of loss in this session, each ended by a second without loss, a
   * stop of the needle or the pen's leaving; each is one audit row.
   */
  stipple_treatment_properties[PROP_LOSS_EPISODES] =
    g_param_spec_uint ("loss-episodes", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * StippleTreatment:notes-pending:
   *
   * Whether some of the notes is not in the patient file yet.
   */
  stipple_treatment_properties[PROP_NOTES_PENDING] =
    g_param_spec_boolean ("notes-pending", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, stipple_treatment_properties);

  /**
   * StippleTreatment::plan-changed:
   * @zone: the zone whose plan changed
   */
  stipple_treatment_signals[SIGNAL_PLAN_CHANGED] =
    g_signal_new ("plan-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * StippleTreatment::strokes-changed:
   * @zone: the zone that received strokes
   */
  stipple_treatment_signals[SIGNAL_STROKES_CHANGED] =
    g_signal_new ("strokes-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * StippleTreatment::notes-failed:
   * @error: why, in words for the clinician
   *
   * A note did not reach the patient file; the next change or flush
   * tries again.
   */
  stipple_treatment_signals[SIGNAL_NOTES_FAILED] =
    g_signal_new ("notes-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
stipple_treatment_init (StippleTreatment *self)
{
  self->verification = STIPPLE_VERIFICATION_NONE;
  self->ring_storage = g_new0 (StippleProtoSample, RING_CAPACITY);
  stipple_sample_ring_init (&self->ring, self->ring_storage, RING_CAPACITY);
}
