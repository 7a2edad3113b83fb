/* stipple-pen.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-pen"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-pen-private.h"

/* StipplePen speaks the protocol (docs/pen-protocol.md) over a transport.
 *
 * Commands go one at a time: each waits for its reply, for the host's
 * 100 ms (the pen has 20 ms), and is sent again with the same sequence
 * number up to three times before the caller hears that the pen did not
 * answer. A reply is matched by its sequence number whenever it arrives.
 * Two commands never wait in that queue: the heartbeat, which the link
 * thread (stipple-pen-link.c) sends to an armed pen every 100 ms whatever
 * the main thread is doing, and the emergency stop, which goes out the
 * moment it is asked for.
 *
 * Packets arrive on the transport's I/O thread. Replies are handed to the
 * main context at once; telemetry is decoded there, given to the sample
 * function if one is set, and handed to the main context in batches
 * (#StipplePen::telemetry) every TELEMETRY_BATCH_MS, never one idle per
 * packet.
 *
 * The work is split by job, each file owning its part of the instance
 * (stipple-pen-private.h) and running on one thread:
 *
 *  - stipple-pen.c: the state machine, its audit and fault signals,
 *    connecting (the identify handshake), the GObject; main thread.
 *  - stipple-pen-requests.c: the request queue, sequence numbers, reply
 *    timeouts and retries; main thread.
 *  - stipple-pen-stop.c: the heartbeat's bookkeeping with the link, the
 *    emergency stop and its retries, why the pen says it stopped; main
 *    thread.
 *  - stipple-pen-telemetry.c: the packet callback and telemetry decoding
 *    on the transport's I/O thread, in StipplePenIo under its lock; the
 *    batches handed to the main thread.
 *  - stipple-pen-settings.c: push and read-back, cartridge, arm and
 *    disarm, the pen's result codes in words; main thread.
 *  - stipple-pen-link.c: the link thread that sends heartbeats. */

/* A pen that fails to identify is asked again after these waits, then
 * every 2 s for as long as it stays plugged in. */
static const guint identify_backoff_ms[] = { 250, 500, 1000, 2000 };

G_DEFINE_FINAL_TYPE (StipplePen, stipple_pen, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (StipplePenState, stipple_pen_state,
  G_DEFINE_ENUM_VALUE (STIPPLE_PEN_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (STIPPLE_PEN_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (STIPPLE_PEN_STATE_ARMED, "armed"),
  G_DEFINE_ENUM_VALUE (STIPPLE_PEN_STATE_FAULT, "fault"))

G_DEFINE_ENUM_TYPE (StipplePenDisarmReason, stipple_pen_disarm_reason,
  G_DEFINE_ENUM_VALUE (STIPPLE_PEN_DISARM_HOST, "host"),
  G_DEFINE_ENUM_VALUE (STIPPLE_PEN_DISARM_EMERGENCY_STOP, "emergency-stop"),
  G_DEFINE_ENUM_VALUE (STIPPLE_PEN_DISARM_WATCHDOG, "watchdog"),
  G_DEFINE_ENUM_VALUE (STIPPLE_PEN_DISARM_USB, "usb"),
  G_DEFINE_ENUM_VALUE (STIPPLE_PEN_DISARM_CARTRIDGE_REMOVED, "cartridge-removed"),
  G_DEFINE_ENUM_VALUE (STIPPLE_PEN_DISARM_UNPLUGGED, "unplugged"),
  G_DEFINE_ENUM_VALUE (STIPPLE_PEN_DISARM_NO_REPLY, "no-reply"),
  G_DEFINE_ENUM_VALUE (STIPPLE_PEN_DISARM_HOST_LATE, "host-late"),
  G_DEFINE_ENUM_VALUE (STIPPLE_PEN_DISARM_HOST_FROZEN, "host-frozen"))

static StipplePenSettings *
settings_copy (const StipplePenSettings *settings)
{
  return g_memdup2 (settings, sizeof *settings);
}

static StipplePenIdentity *
identity_copy (const StipplePenIdentity *identity)
{
  return g_memdup2 (identity, sizeof *identity);
}

static StipplePenCartridge *
cartridge_copy (const StipplePenCartridge *cartridge)
{
  return g_memdup2 (cartridge, sizeof *cartridge);
}

G_DEFINE_BOXED_TYPE (StipplePenSettings, stipple_pen_settings, settings_copy, g_free)
G_DEFINE_BOXED_TYPE (StipplePenIdentity, stipple_pen_identity, identity_copy, g_free)
G_DEFINE_BOXED_TYPE (StipplePenCartridge, stipple_pen_cartridge, cartridge_copy, g_free)


enum {
  SIGNAL_TELEMETRY,
  SIGNAL_DISARMED,
  SIGNAL_FAULT,
  SIGNAL_AUDIT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------ */
/* State and audit                                                      */

void
stipple_pen_emit_audit (StipplePen   *self,
                        const char   *kind,
                        GVariantDict *details)
{
  g_autoptr(GVariant) variant = NULL;

  if (details != NULL)
    variant = g_variant_ref_sink (g_variant_dict_end (details));
  else
    variant = g_variant_ref_sink (g_variant_new ("a{sv}", NULL));

  g_signal_emit (self, signals[SIGNAL_AUDIT], 0, kind, variant, g_get_real_time ());
}

void
stipple_pen_set_state (StipplePen      *self,
                       StipplePenState  state)
{
  gboolean was_connected;

  if (self->state == state)
    return;

  was_connected = self->state != STIPPLE_PEN_STATE_DISCONNECTED;
  self->state = state;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (was_connected != (state != STIPPLE_PEN_STATE_DISCONNECTED))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

void
stipple_pen_set_verified (StipplePen *self,
                          gboolean    verified)
{
  verified = !!verified;
  if (self->verified == verified)
    return;

  self->verified = verified;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFIED]);
}

void
stipple_pen_set_applied (StipplePen               *self,
                         const StipplePenSettings *settings)
{
  if (settings == NULL && !self->has_applied)
    return;

  self->has_applied = settings != NULL;
  if (settings != NULL)
    self->applied = *settings;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPLIED_SETTINGS]);
}

/* The needle stopped, whoever stopped it. */
void
stipple_pen_needle_stopped (StipplePen             *self,
                            StipplePenDisarmReason  reason,
                            const char             *message)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GEnumClass) reasons = g_type_class_ref (STIPPLE_TYPE_PEN_DISARM_REASON);
  GEnumValue *value;

  stipple_pen_stop_heartbeat (self);

  value = g_enum_get_value (reasons, reason);
  g_variant_dict_insert (&dict, "reason", "s", value != NULL ? value->value_nick : "unknown");
  g_variant_dict_insert (&dict, "message", "s", message);
  stipple_pen_emit_audit (self, "disarm", &dict);

  g_signal_emit (self, signals[SIGNAL_DISARMED], 0, reason, message);
}

void
stipple_pen_raise_fault (StipplePen   *self,
                         const GError *error)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);

  g_variant_dict_insert (&dict, "code", "i", error->code);
  g_variant_dict_insert (&dict, "message", "s", error->message);
  stipple_pen_emit_audit (self, "fault", &dict);

  g_signal_emit (self, signals[SIGNAL_FAULT], 0, error);
}

void
stipple_pen_notify (StipplePen *self,
                    guint       prop_id)
{
  g_assert (prop_id > PROP_0 && prop_id < N_PROPS);

  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

void
stipple_pen_emit_telemetry (StipplePen               *self,
                            const StippleProtoSample *samples,
                            guint                     n_samples,
                            guint                     lost)
{
  g_signal_emit (self, signals[SIGNAL_TELEMETRY], 0, samples, n_samples, lost);
}

/* ------------------------------------------------------------------ */
/* Connecting                                                           */

static void identify_cb (StipplePen              *self,
                         Request                 *request,
                         const StippleProtoReply *reply,
                         const GError            *error);

static gboolean
identify_again_cb (gpointer user_data)
{
  StipplePen *self = user_data;

  self->identify_timer = 0;
  if (self->state == STIPPLE_PEN_STATE_DISCONNECTED &&
      stipple_transport_get_attached (self->transport))
    stipple_pen_enqueue (self, stipple_pen_request_new (STIPPLE_PROTO_MSG_IDENTIFY,
                                                        identify_cb, NULL), FALSE);

  return G_SOURCE_REMOVE;
}

/* Nothing about a pen that answers garbage, or nothing, is final while it
 * stays plugged in: it may be starting up, or a cable may be bad for a
 * moment. It is asked again, less and less often, and the link error says
 * why there is no pen meanwhile; the fault is raised once per run of
 * failures, not every two seconds. */
static void
connect_failed (StipplePen   *self,
                const GError *error)
{
  g_autoptr(GError) wrapped = NULL;
  guint delay;

  g_assert (STIPPLE_IS_PEN (self));

  if (g_error_matches (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED) ||
      !stipple_transport_get_attached (self->transport))
    return;

  delay = identify_backoff_ms[MIN (self->identify_failures, G_N_ELEMENTS (identify_backoff_ms) - 1)];
  self->identify_failures++;

  wrapped = g_error_new (STIPPLE_PEN_ERROR, error->code,
                         _("The pen was found but could not be identified: %s Stipple keeps "
                           "trying while the pen is plugged in."),
                         error->message);
  stipple_transport_set_link_error (self->transport, wrapped);
  if (self->identify_failures == 1)
    stipple_pen_raise_fault (self, wrapped);
  else
    g_debug ("Pen not identified (%u times): %s", self->identify_failures, error->message);

  g_clear_handle_id (&self->identify_timer, g_source_remove);
  self->identify_timer = g_timeout_add (delay, identify_again_cb, self);
}

static void
telemetry_started_cb (StipplePen              *self,
                      Request                 *request,
                      const StippleProtoReply *reply,
                      const GError            *error)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);

  if (error != NULL)
    {
      connect_failed (self, error);
      return;
    }

  g_variant_dict_insert (&dict, "serial", "s", self->identity.serial);
  g_variant_dict_insert (&dict, "firmware-version", "q", self->identity.firmware_version);
  if (self->has_cartridge)
    {
      g_variant_dict_insert (&dict, "cartridge-id", "s", self->cartridge.id);
      g_variant_dict_insert (&dict, "cartridge-lot", "s", self->cartridge.lot);
      g_variant_dict_insert (&dict, "cartridge-use-count", "q", self->cartridge.use_count);
    }
  g_variant_dict_insert (&dict, "pen-last-disarm", "y", (guint8) self->last_pen_disarm);
  if (self->identify_failures > 0)
    g_variant_dict_insert (&dict, "identify-failures", "u", self->identify_failures);
  stipple_pen_emit_audit (self, "connected", &dict);

  if (self->identify_failures > 0)
    stipple_transport_set_link_error (self->transport, NULL);
  self->identify_failures = 0;

  stipple_pen_set_state (self, STIPPLE_PEN_STATE_CONNECTED);
}

static void
status_cb (StipplePen              *self,
           Request                 *request,
           const StippleProtoReply *reply,
           const GError            *error)
{
  if (error != NULL)
    {
      connect_failed (self, error);
      return;
    }

  if (reply->result == STIPPLE_PROTO_RESULT_OK)
    self->last_pen_disarm = reply->body.status.disarm_reason;

  stipple_pen_enqueue (self, stipple_pen_request_new (STIPPLE_PROTO_MSG_TELEMETRY_START,
                                                      telemetry_started_cb, NULL), TRUE);
}

static void
cartridge_cb (StipplePen              *self,
              Request                 *request,
              const StippleProtoReply *reply,
              const GError            *error)
{
  if (error != NULL)
    {
      connect_failed (self, error);
      return;
    }

  stipple_pen_update_cartridge (self, reply);

  stipple_pen_enqueue (self, stipple_pen_request_new (STIPPLE_PROTO_MSG_STATUS,
                                                      status_cb, NULL), TRUE);
}

static void
identify_cb (StipplePen              *self,
             Request                 *request,
             const StippleProtoReply *reply,
             const GError            *error)
{
  if (error != NULL)
    {
      connect_failed (self, error);
      return;
    }

  if (reply->result != STIPPLE_PROTO_RESULT_OK)
    {
      g_autoptr(GError) refused = stipple_pen_refusal_error (self, reply->result, NULL);

      connect_failed (self, refused);
      return;
    }

  self->identity = reply->body.identity;
  self->has_identity = TRUE;

  stipple_rt_mutex_lock (&self->io.lock);
  self->io.samples_per_packet = self->identity.samples_per_packet;
  stipple_rt_mutex_unlock (&self->io.lock);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);

  stipple_pen_enqueue (self, stipple_pen_request_new (STIPPLE_PROTO_MSG_CARTRIDGE_INFO,
                                                      cartridge_cb, NULL), TRUE);
}

static void
transport_attached_cb (StippleTransport *transport,
                       StipplePen       *self)
{
  stipple_rt_mutex_lock (&self->io.lock);
  self->io.seq_valid = FALSE;
  stipple_rt_mutex_unlock (&self->io.lock);

  stipple_pen_enqueue (self, stipple_pen_request_new (STIPPLE_PROTO_MSG_IDENTIFY,
                                                      identify_cb, NULL), FALSE);
}

static void
transport_detached_cb (StippleTransport *transport,
                       const GError     *reason,
                       StipplePen       *self)
{
  gboolean was_armed = self->state == STIPPLE_PEN_STATE_ARMED;

  g_object_ref (self);

  stipple_pen_fail_all_requests (self, reason);
  stipple_pen_stop_heartbeat (self);
  self->estop_pending = FALSE;
  if (self->link != NULL)
    stipple_pen_link_forget (self->link, STIPPLE_PEN_LINK_SLOT_ESTOP);

  /* A pen plugged in again starts afresh; the link error was about the
   * pen that left. */
  g_clear_handle_id (&self->identify_timer, g_source_remove);
  if (self->identify_failures > 0)
    stipple_transport_set_link_error (self->transport, NULL);
  self->identify_failures = 0;

  self->has_identity = FALSE;
  self->has_cartridge = FALSE;
  stipple_pen_set_verified (self, FALSE);
  stipple_pen_set_applied (self, NULL);
  stipple_pen_set_state (self, STIPPLE_PEN_STATE_DISCONNECTED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CARTRIDGE]);

  if (was_armed)
    {
      g_autoptr(GError) error = NULL;

      error = g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED,
                                   _("The pen was unplugged while the needle was running. "
                                     "The pen stops its needle by itself within a quarter of a "
                                     "second; check that it has stopped."));
      stipple_pen_needle_stopped (self, STIPPLE_PEN_DISARM_UNPLUGGED, error->message);
      stipple_pen_raise_fault (self, error);
    }
  else if (!g_error_matches (reason, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NO_PEN))
    {
      /* NO_PEN is the host closing the link on purpose. */
      stipple_pen_raise_fault (self, reason);
    }

  g_object_unref (self);
}

/* ------------------------------------------------------------------ */
/* GObject                                                              */

static void
stipple_pen_dispose (GObject *object)
{
  StipplePen *self = STIPPLE_PEN (object);

  if (self->transport != NULL)
    {
      /* After this returns the I/O thread no longer calls us. */
      stipple_transport_set_packet_func (self->transport, NULL, NULL);
      g_clear_signal_handler (&self->attached_id, self->transport);
      g_clear_signal_handler (&self->detached_id, self->transport);
      stipple_transport_stop (self->transport);
    }

  stipple_pen_io_dispose (self);

  g_clear_pointer (&self->link, stipple_pen_link_free);
  g_clear_handle_id (&self->identify_timer, g_source_remove);
  g_clear_pointer (&self->current, stipple_pen_request_free);
  g_queue_clear_full (&self->queue, (GDestroyNotify) stipple_pen_request_free);

  g_clear_object (&self->transport);

  G_OBJECT_CLASS (stipple_pen_parent_class)->dispose (object);
}

static void
stipple_pen_finalize (GObject *object)
{
  StipplePen *self = STIPPLE_PEN (object);

  stipple_pen_io_finalize (self);

  G_OBJECT_CLASS (stipple_pen_parent_class)->finalize (object);
}

static void
stipple_pen_constructed (GObject *object)
{
  StipplePen *self = STIPPLE_PEN (object);

  G_OBJECT_CLASS (stipple_pen_parent_class)->constructed (object);

  g_assert (self->transport != NULL);
  self->link = stipple_pen_link_new (self->transport, stipple_pen_link_event_cb, self);
  stipple_transport_set_packet_func (self->transport, stipple_pen_packet_cb, self);
  self->attached_id = g_signal_connect (self->transport, "attached",
                                        G_CALLBACK (transport_attached_cb), self);
  self->detached_id = g_signal_connect (self->transport, "detached",
                                        G_CALLBACK (transport_detached_cb), self);
}

static void
stipple_pen_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  StipplePen *self = STIPPLE_PEN (object);

  switch (prop_id)
    {
    case PROP_TRANSPORT:
      g_value_set_object (value, self->transport);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_CONNECTED:
      g_value_set_boolean (value, stipple_pen_get_connected (self));
      break;

    case PROP_VERIFIED:
      g_value_set_boolean (value, self->verified);
      break;

    case PROP_IDENTITY:
      g_value_set_boxed (value, stipple_pen_get_identity (self));
      break;

    case PROP_CARTRIDGE:
      g_value_set_boxed (value, stipple_pen_get_cartridge (self));
      break;

    case PROP_APPLIED_SETTINGS:
      g_value_set_boxed (value, stipple_pen_get_applied_settings (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_pen_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  StipplePen *self = STIPPLE_PEN (object);

  switch (prop_id)
    {
    case PROP_TRANSPORT:
      self->transport = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_pen_class_init (StipplePenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = stipple_pen_constructed;
  object_class->dispose = stipple_pen_dispose;
  object_class->finalize = stipple_pen_finalize;
  object_class->get_property = stipple_pen_get_property;
  object_class->set_property = stipple_pen_set_property;

  properties[PROP_TRANSPORT] =
    g_param_spec_object ("transport", NULL, NULL,
                         STIPPLE_TYPE_TRANSPORT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       STIPPLE_TYPE_PEN_STATE, STIPPLE_PEN_STATE_DISCONNECTED,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StipplePen:verified:
   *
   * Whether the pen read back exactly the settings last pushed, since it
   * was connected and since it last stopped by itself.
   */
  properties[PROP_VERIFIED] =
    g_param_spec_boolean ("verified", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_IDENTITY] =
    g_param_spec_boxed ("identity", NULL, NULL,
                        STIPPLE_TYPE_PEN_IDENTITY,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CARTRIDGE] =
    g_param_spec_boxed ("cartridge", NULL, NULL,
                        STIPPLE_TYPE_PEN_CARTRIDGE,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_APPLIED_SETTINGS] =
    g_param_spec_boxed ("applied-settings", NULL, NULL,
                        STIPPLE_TYPE_PEN_SETTINGS,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StipplePen::telemetry:
   * @samples: (array length=n_samples): const StippleProtoSample, in order
   * @n_samples: how many
   * @lost: samples lost before or among these
   *
   * A batch of needle samples, on the main thread.
   */
  signals[SIGNAL_TELEMETRY] =
    g_signal_new ("telemetry",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_POINTER, G_TYPE_UINT, G_TYPE_UINT);

  /**
   * StipplePen::disarmed:
   * @reason: a #StipplePenDisarmReason
   * @message: what happened, in words for the clinician
   *
   * The needle stopped.
   */
  signals[SIGNAL_DISARMED] =
    g_signal_new ("disarmed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, STIPPLE_TYPE_PEN_DISARM_REASON, G_TYPE_STRING);

  /**
   * StipplePen::fault:
   * @error: a #GError in %STIPPLE_PEN_ERROR
   *
   * Something the clinician must know about: the pen was unplugged,
   * stopped by itself, stopped answering, or disagreed about settings.
   */
  signals[SIGNAL_FAULT] =
    g_signal_new ("fault",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * StipplePen::audit:
   * @kind: "settings-sent", "settings-verified", "settings-refused",
   *   "settings-mismatch", "settings-failed", "arm", "arm-refused",
   *   "disarm", "emergency-stop", "fault" or "connected"
   * @details: a{sv} with the settings, reason or message
   * @timestamp: wall-clock time, µs since the epoch
   *
   * For the patient file's audit trail: every setting sent, every start
   * and stop of the needle, every fault.
   */
  signals[SIGNAL_AUDIT] =
    g_signal_new ("audit",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_VARIANT, G_TYPE_INT64);
}

static void
stipple_pen_init (StipplePen *self)
{
  stipple_pen_io_init (self);
  g_queue_init (&self->queue);
  self->reply_timeout_ms = DEFAULT_REPLY_TIMEOUT_MS;
  self->max_attempts = DEFAULT_ATTEMPTS;
  self->state = STIPPLE_PEN_STATE_DISCONNECTED;
}

/* ------------------------------------------------------------------ */
/* Accessors                                                            */

/**
 * stipple_pen_new:
 * @transport: the link to the pen
 *
 * Returns: (transfer full): a new #StipplePen; call stipple_pen_start()
 */
StipplePen *
stipple_pen_new (StippleTransport *transport)
{
  g_return_val_if_fail (STIPPLE_IS_TRANSPORT (transport), NULL);

  return g_object_new (STIPPLE_TYPE_PEN, "transport", transport, NULL);
}

/**
 * stipple_pen_start:
 * @self: a #StipplePen
 * @error: return location for a #GError
 *
 * Starts looking for the pen. When one is found it is identified, its
 * cartridge read and its telemetry started; then #StipplePen:state
 * becomes %STIPPLE_PEN_STATE_CONNECTED. A pen that cannot be identified
 * is asked again, less and less often, while it stays plugged in; the
 * transport's link error says why meanwhile.
 *
 * Returns: %TRUE if the transport could start
 */
gboolean
stipple_pen_start (StipplePen  *self,
                   GError     **error)
{
  g_return_val_if_fail (STIPPLE_IS_PEN (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return stipple_transport_start (self->transport, error);
}

/**
 * stipple_pen_stop:
 * @self: a #StipplePen
 *
 * Stops the needle if it runs, and closes the pen.
 */
void
stipple_pen_stop (StipplePen *self)
{
  g_return_if_fail (STIPPLE_IS_PEN (self));

  if (self->state == STIPPLE_PEN_STATE_ARMED)
    stipple_pen_emergency_stop (self);
  stipple_transport_stop (self->transport);
}

/**
 * stipple_pen_get_transport:
 * @self: a #StipplePen
 *
 * Returns: (transfer none): the pen's transport
 */
StippleTransport *
stipple_pen_get_transport (StipplePen *self)
{
  g_return_val_if_fail (STIPPLE_IS_PEN (self), NULL);

  return self->transport;
}

/**
 * stipple_pen_get_state:
 * @self: a #StipplePen
 *
 * Returns: the pen's state as the host knows it
 */
StipplePenState
stipple_pen_get_state (StipplePen *self)
{
  g_return_val_if_fail (STIPPLE_IS_PEN (self), STIPPLE_PEN_STATE_DISCONNECTED);

  return self->state;
}

/**
 * stipple_pen_get_connected:
 * @self: a #StipplePen
 *
 * Returns: whether a pen is connected and identified
 */
gboolean
stipple_pen_get_connected (StipplePen *self)
{
  g_return_val_if_fail (STIPPLE_IS_PEN (self), FALSE);

  return self->state != STIPPLE_PEN_STATE_DISCONNECTED;
}

/**
 * stipple_pen_get_verified:
 * @self: a #StipplePen
 *
 * Returns: whether the settings were pushed and read back identical
 */
gboolean
stipple_pen_get_verified (StipplePen *self)
{
  g_return_val_if_fail (STIPPLE_IS_PEN (self), FALSE);

  return self->verified;
}

/**
 * stipple_pen_get_identity:
 * @self: a #StipplePen
 *
 * Returns: (nullable): the pen's identity, once identified
 */
const StipplePenIdentity *
stipple_pen_get_identity (StipplePen *self)
{
  g_return_val_if_fail (STIPPLE_IS_PEN (self), NULL);

  return self->has_identity ? &self->identity : NULL;
}

/**
 * stipple_pen_get_cartridge:
 * @self: a #StipplePen
 *
 * Returns: (nullable): the cartridge inserted, as the pen reported it
 */
const StipplePenCartridge *
stipple_pen_get_cartridge (StipplePen *self)
{
  g_return_val_if_fail (STIPPLE_IS_PEN (self), NULL);

  return self->has_cartridge ? &self->cartridge : NULL;
}

/**
 * stipple_pen_get_applied_settings:
 * @self: a #StipplePen
 *
 * Returns: (nullable): the settings the pen last read back
 */
const StipplePenSettings *
stipple_pen_get_applied_settings (StipplePen *self)
{
  g_return_val_if_fail (STIPPLE_IS_PEN (self), NULL);

  return self->has_applied ? &self->applied : NULL;
}

/**
 * stipple_pen_get_last_pen_disarm:
 * @self: a #StipplePen
 *
 * Returns: why the pen says it last stopped its needle (a
 *   StippleProtoDisarmReason), as read when it connected or from its
 *   heartbeat
 */
guint
stipple_pen_get_last_pen_disarm (StipplePen *self)
{
  g_return_val_if_fail (STIPPLE_IS_PEN (self), 0);

  return self->last_pen_disarm;
}

