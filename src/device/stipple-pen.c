/* stipple-pen.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-pen"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "stipple-pen.h"
#include "stipple-pen-link.h"
#include "stipple-zones.h"

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
 * packet. */

/* docs/pen-protocol.md §7: the pen queues its reply within 20 ms of the
 * OUT transfer; the host waits 100 ms, a margin of 80 ms. */
#define DEFAULT_REPLY_TIMEOUT_MS  100
#define DEFAULT_ATTEMPTS          3
#define TELEMETRY_BATCH_MS        10
/* Samples waiting for a main loop that does not run (8 s at 8 kHz). */
#define PENDING_SAMPLES_MAX       65536

/* A pen that fails to identify is asked again after these waits, then
 * every 2 s for as long as it stays plugged in. */
static const guint identify_backoff_ms[] = { 250, 500, 1000, 2000 };

typedef struct _Request Request;

typedef void (*RequestDone) (StipplePen              *self,
                             Request                 *request,
                             const StippleProtoReply *reply,
                             const GError            *error);

struct _Request
{
  StippleProtoCommand  command;
  guint                attempts;
  /* The last try: when it was sent, and its number on the transport,
   * to wait for the reply from when it left the host. */
  gint64               sent_us;
  guint64              out_serial;
  RequestDone          done;
  GTask               *task;
  StipplePenSettings   settings;
};

struct _StipplePen
{
  GObject              parent_instance;

  StippleTransport    *transport;
  gulong               attached_id;
  gulong               detached_id;

  StipplePenState      state;
  gboolean             verified;
  gboolean             has_identity;
  gboolean             has_cartridge;
  gboolean             has_applied;
  StipplePenIdentity   identity;
  StipplePenCartridge  cartridge;
  StipplePenSettings   applied;
  guint                last_pen_disarm;

  /* Identifying again a pen that answered nothing sensible. */
  guint                identify_timer;
  guint                identify_failures;

  GQueue               queue;
  Request             *current;
  guint                reply_timer;
  guint                reply_timeout_ms;
  guint                max_attempts;
  guint64              resends;

  /* The heartbeat's thread and clock. */
  StipplePenLink      *link;

  gboolean             estop_pending;
  guint16              estop_seq;
  guint                estop_attempts;
  guint                estop_timer;

  /* Shared with the I/O thread, under io_lock. */
  GMutex               io_lock;
  GMainContext        *main_context;
  GArray              *pending_samples;
  guint                pending_lost;
  GQueue               pending_replies;
  GSource             *reply_source;
  GSource             *telemetry_source;
  gboolean             expect_restart;
  gboolean             seq_valid;
  guint32              next_packet_seq;
  guint                samples_per_packet;
  StipplePenTelemetryStats stats;
  StipplePenSampleFunc sample_func;
  gpointer             sample_data;
};

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
  PROP_0,
  PROP_TRANSPORT,
  PROP_STATE,
  PROP_CONNECTED,
  PROP_VERIFIED,
  PROP_IDENTITY,
  PROP_CARTRIDGE,
  PROP_APPLIED_SETTINGS,
  N_PROPS
};

enum {
  SIGNAL_TELEMETRY,
  SIGNAL_DISARMED,
  SIGNAL_FAULT,
  SIGNAL_AUDIT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void pump_queue       (StipplePen              *self);
static void update_cartridge (StipplePen              *self,
                              const StippleProtoReply *reply);

/**
 * stipple_pen_format_depth:
 * @depth_um: a depth in micrometres
 *
 * Formats a depth the way clinicians write it: "1.5", "0.25", "2.0".
 *
 * Returns: (transfer full): the depth in millimetres, without unit
 */
char *
stipple_pen_format_depth (guint depth_um)
{
  if (depth_um % 100 == 0)
    return g_strdup_printf ("%.1f", depth_um / 1000.0);
  if (depth_um % 10 == 0)
    return g_strdup_printf ("%.2f", depth_um / 1000.0);
  return g_strdup_printf ("%.3f", depth_um / 1000.0);
}

static char *
zone_name (guint zone_id)
{
  const char *name = stipple_zone_get_name ((StippleZone) zone_id);

  if (name != NULL)
    return g_strdup (name);

  return g_strdup_printf (_("zone %u"), zone_id);
}

/* ------------------------------------------------------------------ */
/* State and audit                                                      */

static void
emit_audit (StipplePen   *self,
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

static void
dict_add_settings (GVariantDict             *dict,
                   const StipplePenSettings *settings)
{
  g_variant_dict_insert (dict, "zone", "q", settings->zone_id);
  g_variant_dict_insert (dict, "depth-um", "q", settings->depth_um);
  g_variant_dict_insert (dict, "rate-hz", "q", settings->rate_hz);
  g_variant_dict_insert (dict, "passes", "y", settings->passes);
}

static void
audit_settings (StipplePen               *self,
                const char               *kind,
                const StipplePenSettings *settings,
                const GError             *error)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);

  dict_add_settings (&dict, settings);
  if (self->has_cartridge)
    {
      g_variant_dict_insert (&dict, "cartridge-id", "s", self->cartridge.id);
      g_variant_dict_insert (&dict, "cartridge-lot", "s", self->cartridge.lot);
    }
  if (error != NULL)
    g_variant_dict_insert (&dict, "message", "s", error->message);
  emit_audit (self, kind, &dict);
}

static void
set_state (StipplePen      *self,
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

static void
set_verified (StipplePen *self,
              gboolean    verified)
{
  verified = !!verified;
  if (self->verified == verified)
    return;

  self->verified = verified;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFIED]);
}

static void
set_applied (StipplePen               *self,
             const StipplePenSettings *settings)
{
  if (settings == NULL && !self->has_applied)
    return;

  self->has_applied = settings != NULL;
  if (settings != NULL)
    self->applied = *settings;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPLIED_SETTINGS]);
}

static void
stop_heartbeat (StipplePen *self)
{
  if (self->link != NULL)
    stipple_pen_link_disarm (self->link);
}

/* The needle stopped, whoever stopped it. */
static void
needle_stopped (StipplePen             *self,
                StipplePenDisarmReason  reason,
                const char             *message)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GEnumClass) reasons = g_type_class_ref (STIPPLE_TYPE_PEN_DISARM_REASON);
  GEnumValue *value;

  stop_heartbeat (self);

  value = g_enum_get_value (reasons, reason);
  g_variant_dict_insert (&dict, "reason", "s", value != NULL ? value->value_nick : "unknown");
  g_variant_dict_insert (&dict, "message", "s", message);
  emit_audit (self, "disarm", &dict);

  g_signal_emit (self, signals[SIGNAL_DISARMED], 0, reason, message);
}

static void
raise_fault (StipplePen   *self,
             const GError *error)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);

  g_variant_dict_insert (&dict, "code", "i", error->code);
  g_variant_dict_insert (&dict, "message", "s", error->message);
  emit_audit (self, "fault", &dict);

  g_signal_emit (self, signals[SIGNAL_FAULT], 0, error);
}

/* ------------------------------------------------------------------ */
/* Result codes in words                                                */

static GError *
refusal_error (StipplePen               *self,
               guint8                    result,
               const StipplePenSettings *settings)
{
  g_autofree char *zone = settings != NULL ? zone_name (settings->zone_id) : NULL;
  g_autofree char *depth = settings != NULL ? stipple_pen_format_depth (settings->depth_um) : NULL;
  g_autofree char *limit = NULL;
  g_autofree char *step = NULL;

  switch (result)
    {
    case STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CAP:
      limit = stipple_pen_format_depth (self->identity.depth_max_um);
      /* Translators: "The pen refused 2.6 mm for Left cheek: above the
       * pen’s maximum of 2.5 mm." */
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                          _("The pen refused %s mm for %s: above the pen’s maximum of %s mm."),
                          depth, zone, limit);

    case STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CARTRIDGE:
      limit = stipple_pen_format_depth (self->cartridge.max_depth_um);
      if (settings == NULL)
        return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                            _("The pen will not start: the depth set is above this "
                              "cartridge’s maximum of %s mm."), limit);
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                          _("The pen refused %s mm for %s: above this cartridge’s maximum of %s mm."),
                          depth, zone, limit);

    case STIPPLE_PROTO_RESULT_DEPTH_INVALID:
      limit = stipple_pen_format_depth (self->identity.depth_min_um);
      step = stipple_pen_format_depth (self->identity.depth_step_um);
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                          _("The pen refused %s mm for %s: it sets depths from %s mm in steps "
                            "of %s mm."),
                          depth, zone, limit, step);

    case STIPPLE_PROTO_RESULT_RATE_OUT_OF_RANGE:
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                          _("The pen refused %u strokes per second for %s: it runs from %u to "
                            "%u strokes per second."),
                          settings != NULL ? settings->rate_hz : 0, zone,
                          self->identity.rate_min_hz, self->identity.rate_max_hz);

    case STIPPLE_PROTO_RESULT_PASSES_INVALID:
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                          _("The pen refused the settings for %s: at least one pass is needed."),
                          zone);

    case STIPPLE_PROTO_RESULT_NO_CARTRIDGE:
      return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                                  _("The pen has no cartridge. Insert a cartridge, then send "
                                    "the settings again."));

    case STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED:
      return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                                  _("The pen will not start: this single-use cartridge has "
                                    "been used before. Insert a new cartridge."));

    case STIPPLE_PROTO_RESULT_NOT_CONFIGURED:
      return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                                  _("The pen has no settings. Send the settings first."));

    case STIPPLE_PROTO_RESULT_ARMED:
      return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                                  _("The needle is running. Stop it before changing the "
                                    "settings."));

    case STIPPLE_PROTO_RESULT_BUSY:
      return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                                  _("The pen is busy. Try again in a moment."));

    case STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND:
    case STIPPLE_PROTO_RESULT_BAD_LENGTH:
    case STIPPLE_PROTO_RESULT_UNSUPPORTED_VERSION:
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_PROTOCOL,
                          _("The pen does not understand this version of Stipple (%s). "
                            "Update the pen’s firmware or Stipple."),
                          stipple_proto_result_to_string (result));

    default:
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                          _("The pen refused the command (code 0x%02x)."), result);
    }
}

/* ------------------------------------------------------------------ */
/* The I/O thread                                                       */

static gboolean reply_flush_cb     (gpointer user_data);
static gboolean telemetry_flush_cb (gpointer user_data);

static void
schedule_locked (StipplePen   *self,
                 GSource     **slot,
                 guint         delay_ms,
                 GSourceFunc   func)
{
  if (*slot != NULL)
    return;

  *slot = delay_ms > 0 ? g_timeout_source_new (delay_ms) : g_idle_source_new ();
  g_source_set_priority (*slot, G_PRIORITY_DEFAULT);
  g_source_set_callback (*slot, func, self, NULL);
  g_source_set_static_name (*slot, "[stipple] pen inbox");
  g_source_attach (*slot, self->main_context);
}

static void
telemetry_received (StipplePen  *self,
                    const guint8 *data,
                    gsize         len)
{
  StippleProtoTelemetry telemetry;
  guint lost;
  guint per_packet;

  if (stipple_proto_telemetry_decode (data, len, &telemetry) != STIPPLE_PROTO_STATUS_OK)
    {
      g_mutex_lock (&self->io_lock);
      self->stats.bad_frames++;
      g_mutex_unlock (&self->io_lock);
      return;
    }

  g_mutex_lock (&self->io_lock);

  /* A missing packet is found by the gap in the sequence; it held as many
   * samples as the pen puts in one. */
  per_packet = self->samples_per_packet > 0 ? self->samples_per_packet
                                            : STIPPLE_PROTO_TELEMETRY_MAX_SAMPLES;
  lost = telemetry.dropped;
  if (self->expect_restart)
    {
      lost += telemetry.packet_seq * per_packet;
      self->expect_restart = FALSE;
    }
  else if (self->seq_valid && telemetry.packet_seq != self->next_packet_seq)
    {
      guint32 missing = telemetry.packet_seq - self->next_packet_seq;

      /* Going backwards is the pen starting again from 0 (a
       * TELEMETRY_START sent twice), not four billion packets lost. */
      if (missing < G_MAXINT32)
        lost += missing * per_packet;
    }
  self->seq_valid = TRUE;
  self->next_packet_seq = telemetry.packet_seq + 1;

  self->stats.packets++;
  self->stats.samples += telemetry.count;
  self->stats.lost += lost;

  if (self->sample_func != NULL)
    self->sample_func (telemetry.samples, telemetry.count, lost, self->sample_data);

  if (self->pending_samples->len + telemetry.count > PENDING_SAMPLES_MAX)
    {
      /* Nobody is reading on the main thread: keep the newest. */
      self->pending_lost += self->pending_samples->len;
      g_array_set_size (self->pending_samples, 0);
    }
  g_array_append_vals (self->pending_samples, telemetry.samples, telemetry.count);
  self->pending_lost += lost;
  schedule_locked (self, &self->telemetry_source, TELEMETRY_BATCH_MS, telemetry_flush_cb);

  g_mutex_unlock (&self->io_lock);
}

static void
packet_cb (const guint8 *data,
           gsize         len,
           gpointer      user_data)
{
  StipplePen *self = user_data;
  StippleProtoFrame frame;
  StippleProtoReply *reply;

  if (stipple_proto_frame_decode (data, len, &frame) != STIPPLE_PROTO_STATUS_OK)
    {
      /* A corrupt reply is answered by the reply timeout, corrupt
       * telemetry by the gap it leaves in the sequence. */
      g_mutex_lock (&self->io_lock);
      self->stats.bad_frames++;
      g_mutex_unlock (&self->io_lock);
      return;
    }

  if (frame.type == STIPPLE_PROTO_MSG_TELEMETRY)
    {
      telemetry_received (self, data, len);
      return;
    }

  reply = g_new0 (StippleProtoReply, 1);
  if ((frame.type & STIPPLE_PROTO_MSG_REPLY) == 0 ||
      stipple_proto_reply_decode (data, len, reply) != STIPPLE_PROTO_STATUS_OK)
    {
      g_free (reply);
      g_mutex_lock (&self->io_lock);
      self->stats.bad_frames++;
      g_mutex_unlock (&self->io_lock);
      return;
    }

  /* The heartbeat's clock hears of its answer at once, not when the main
   * thread gets round to it. */
  if (reply->type == (STIPPLE_PROTO_MSG_HEARTBEAT | STIPPLE_PROTO_MSG_REPLY) && self->link != NULL)
    stipple_pen_link_heartbeat_replied (self->link, reply->seq);

  g_mutex_lock (&self->io_lock);
  g_queue_push_tail (&self->pending_replies, reply);
  schedule_locked (self, &self->reply_source, 0, reply_flush_cb);
  g_mutex_unlock (&self->io_lock);
}

/* ------------------------------------------------------------------ */
/* Commands                                                             */

static void
request_free (Request *request)
{
  g_clear_object (&request->task);
  g_free (request);
}

static Request *
request_new (guint8       type,
             RequestDone  done,
             GTask       *task)
{
  Request *request = g_new0 (Request, 1);

  request->command.type = type;
  request->done = done;
  request->task = task != NULL ? g_object_ref (task) : NULL;

  return request;
}

static guint16
take_seq (StipplePen *self)
{
  return stipple_pen_link_take_seq (self->link);
}

static gboolean
send_command (StipplePen                *self,
              const StippleProtoCommand *command,
              GError                   **error)
{
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  gsize len = 0;

  if (stipple_proto_command_encode (command, buf, sizeof buf, &len) != STIPPLE_PROTO_STATUS_OK)
    {
      g_set_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_PROTOCOL,
                   _("Stipple could not encode the command for the pen."));
      return FALSE;
    }

  return stipple_transport_send (self->transport, buf, len, error);
}

static void
finish_current (StipplePen              *self,
                const StippleProtoReply *reply,
                const GError            *error)
{
  Request *request = g_steal_pointer (&self->current);

  g_clear_handle_id (&self->reply_timer, g_source_remove);
  if (request == NULL)
    return;

  request->done (self, request, reply, error);
  request_free (request);
  pump_queue (self);
}

static gboolean reply_timeout_cb (gpointer user_data);
static gboolean reply_flush_cb   (gpointer user_data);

static void
send_current (StipplePen *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->reply_timer, g_source_remove);
  self->current->attempts++;

  if (!send_command (self, &self->current->command, &error))
    {
      finish_current (self, NULL, error);
      return;
    }
  self->current->sent_us = g_get_monotonic_time ();
  self->current->out_serial = stipple_transport_get_out_serial (self->transport);

  self->reply_timer = g_timeout_add (self->reply_timeout_ms, reply_timeout_cb, self);
}

/* When the reply to the current try is due: the reply timeout counted
 * from when the command left the host, since a pen cannot answer what
 * it has not received. A send that has not completed yet is waited for
 * (the transport ends a stuck one itself, USB after 100 ms), up to
 * OUT_WAIT_LIMIT_US. Returns 0 when the reply is due now. */
#define OUT_WAIT_LIMIT_US (G_USEC_PER_SEC)

static gint64
reply_due_us (StipplePen *self,
              gint64      now)
{
  gint64 out_done = stipple_transport_get_out_completed_us (self->transport,
                                                           self->current->out_serial);
  gint64 due;

  if (out_done == 0)
    due = now - self->current->sent_us < OUT_WAIT_LIMIT_US
      ? now + (gint64) self->reply_timeout_ms * 1000 / 4 : 0;
  else
    due = out_done + (gint64) self->reply_timeout_ms * 1000;
  return due > now ? due : 0;
}

static gboolean
reply_timeout_cb (gpointer user_data)
{
  StipplePen *self = user_data;
  Request *waiting = self->current;

  self->reply_timer = 0;

  /* A busy main thread may run this before the reply that came in time:
   * look at what has arrived before calling the reply missing. */
  reply_flush_cb (self);
  if (self->current == NULL || self->current != waiting || self->reply_timer != 0)
    return G_SOURCE_REMOVE;

  /* Timed from when the command left the host, not from when it was
   * queued: a slow bus is not a missing reply. */
  {
    gint64 now = g_get_monotonic_time ();
    gint64 due = reply_due_us (self, now);

    if (due != 0)
      {
        self->reply_timer = g_timeout_add ((guint) MAX (1, (due - now + 999) / 1000),
                                           reply_timeout_cb, self);
        return G_SOURCE_REMOVE;
      }
  }

  if (self->current->attempts < self->max_attempts)
    {
      g_debug ("No reply to command 0x%02x (seq %u), sending it again",
               self->current->command.type, self->current->command.seq);
      self->resends++;
      send_current (self);
    }
  else
    {
      g_autoptr(GError) error = NULL;

      error = g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_TIMEOUT,
                           _("The pen did not answer (%u tries). Check the cable, then try "
                             "again."),
                           self->max_attempts);
      finish_current (self, NULL, error);
    }

  return G_SOURCE_REMOVE;
}

static void
pump_queue (StipplePen *self)
{
  if (self->current != NULL || g_queue_is_empty (&self->queue))
    return;

  self->current = g_queue_pop_head (&self->queue);
  self->current->command.seq = take_seq (self);
  self->current->attempts = 0;

  if (self->current->command.type == STIPPLE_PROTO_MSG_TELEMETRY_START)
    {
      g_mutex_lock (&self->io_lock);
      self->expect_restart = TRUE;
      g_mutex_unlock (&self->io_lock);
    }

  send_current (self);
}

static void
enqueue (StipplePen *self,
         Request    *request,
         gboolean    next)
{
  if (next)
    g_queue_push_head (&self->queue, request);
  else
    g_queue_push_tail (&self->queue, request);
  pump_queue (self);
}

static void
fail_all_requests (StipplePen   *self,
                   const GError *error)
{
  Request *request;

  g_clear_handle_id (&self->reply_timer, g_source_remove);

  if (self->current != NULL)
    {
      request = g_steal_pointer (&self->current);
      request->done (self, request, NULL, error);
      request_free (request);
    }

  while ((request = g_queue_pop_head (&self->queue)) != NULL)
    {
      request->done (self, request, NULL, error);
      request_free (request);
    }
}

/* ------------------------------------------------------------------ */
/* Heartbeat and emergency stop: never queued                           */

static void emergency_stop (StipplePen             *self,
                            StipplePenDisarmReason  reason,
                            const char             *message);

/* What the link thread found while the needle ran, in words that name
 * the real cause. */
static void
link_event_cb (const StipplePenLinkEvent *event,
               gpointer                   user_data)
{
  StipplePen *self = user_data;
  g_autoptr(GError) error = NULL;
  StipplePenDisarmReason reason;

  /* Unplugged: the transport's detach says so, in its own words. */
  if (self->state != STIPPLE_PEN_STATE_ARMED || event->kind == STIPPLE_PEN_LINK_PEN_GONE)
    return;

  switch (event->kind)
    {
    case STIPPLE_PEN_LINK_HOST_LATE:
      reason = STIPPLE_PEN_DISARM_HOST_LATE;
      error = g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_HOST_LATE,
                           _("This computer was too busy: Stipple sent its heartbeat to the pen "
                             "%u ms late, so the needle was stopped. There is no fault in the pen."),
                           (guint) (event->late_by_us / 1000));
      break;

    case STIPPLE_PEN_LINK_READER_LATE:
      reason = STIPPLE_PEN_DISARM_HOST_LATE;
      error = g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_HOST_LATE,
                           _("This computer was too busy: Stipple could not read the pen’s "
                             "answers for %u ms, so the needle was stopped. There is no fault "
                             "in the pen."),
                           (guint) (event->late_by_us / 1000));
      break;

    case STIPPLE_PEN_LINK_UI_FROZEN:
      reason = STIPPLE_PEN_DISARM_HOST_FROZEN;
      error = g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_HOST_LATE,
                           _("Stipple’s window stopped responding for %u ms, so the needle was "
                             "stopped: nobody could have reached its emergency stop. There is no "
                             "fault in the pen."),
                           (guint) (event->age_us / 1000));
      break;

    case STIPPLE_PEN_LINK_PEN_SILENT:
    default:
      reason = STIPPLE_PEN_DISARM_NO_REPLY;
      /* The pen's watchdog stops it within 250 ms of the last heartbeat
       * it heard; the stop below is sent in case the pen still hears. */
      error = g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_TIMEOUT,
                                   _("The pen stopped answering while the needle was running. "
                                     "The pen stops its needle by itself when it hears nothing "
                                     "for a quarter of a second."));
      break;
    }

  emergency_stop (self, reason, error->message);
  set_state (self, STIPPLE_PEN_STATE_FAULT);
  raise_fault (self, error);
}

static void
start_heartbeat (StipplePen *self)
{
  /* The pen's watchdog started when it armed, just before its reply. */
  stipple_pen_link_arm (self->link);
}

static StipplePenDisarmReason
disarm_reason_from_pen (guint8 reason)
{
  switch (reason)
    {
    case STIPPLE_PROTO_DISARM_HOST:
      return STIPPLE_PEN_DISARM_HOST;
    case STIPPLE_PROTO_DISARM_EMERGENCY_STOP:
      return STIPPLE_PEN_DISARM_EMERGENCY_STOP;
    case STIPPLE_PROTO_DISARM_WATCHDOG:
      return STIPPLE_PEN_DISARM_WATCHDOG;
    case STIPPLE_PROTO_DISARM_CARTRIDGE_REMOVED:
      return STIPPLE_PEN_DISARM_CARTRIDGE_REMOVED;
    case STIPPLE_PROTO_DISARM_USB_RESET:
    case STIPPLE_PROTO_DISARM_USB_SUSPEND:
    default:
      return STIPPLE_PEN_DISARM_USB;
    }
}

static const char *
pen_disarm_message (StipplePenDisarmReason reason)
{
  switch (reason)
    {
    case STIPPLE_PEN_DISARM_WATCHDOG:
      return _("The pen stopped its needle by itself: it heard nothing from this computer "
               "for a quarter of a second.");
    case STIPPLE_PEN_DISARM_CARTRIDGE_REMOVED:
      return _("The pen stopped its needle: the cartridge was removed.");
    case STIPPLE_PEN_DISARM_EMERGENCY_STOP:
      return _("The pen stopped its needle: emergency stop.");
    case STIPPLE_PEN_DISARM_USB:
      return _("The pen stopped its needle: the USB connection was reset.");
    case STIPPLE_PEN_DISARM_HOST:
    case STIPPLE_PEN_DISARM_UNPLUGGED:
    case STIPPLE_PEN_DISARM_NO_REPLY:
    default:
      return _("The pen stopped its needle.");
    }
}

static void
heartbeat_replied (StipplePen              *self,
                   const StippleProtoReply *reply)
{
  if (self->state != STIPPLE_PEN_STATE_ARMED || reply->result != STIPPLE_PROTO_RESULT_OK)
    return;

  /* A DISARM of ours already reached the pen; its own reply says so. */
  if (reply->body.status.state != STIPPLE_PROTO_STATE_ARMED &&
      reply->body.status.disarm_reason == STIPPLE_PROTO_DISARM_HOST &&
      self->current != NULL && self->current->command.type == STIPPLE_PROTO_MSG_DISARM)
    return;

  if (reply->body.status.state != STIPPLE_PROTO_STATE_ARMED)
    {
      StipplePenDisarmReason reason = disarm_reason_from_pen (reply->body.status.disarm_reason);
      gint64 late = stipple_pen_link_get_max_late_us (self->link);
      g_autofree char *message = NULL;
      g_autoptr(GError) error = NULL;

      /* The pen's watchdog ran out because our heartbeat came late: say
       * so, rather than blame the pen. */
      if (reason == STIPPLE_PEN_DISARM_WATCHDOG &&
          late > STIPPLE_PEN_LINK_LATE_US - STIPPLE_PEN_LINK_HEARTBEAT_INTERVAL_US)
        {
          reason = STIPPLE_PEN_DISARM_HOST_LATE;
          message = g_strdup_printf (_("The pen stopped its needle because Stipple’s heartbeat "
                                       "reached it %u ms late: this computer was too busy. "
                                       "There is no fault in the pen."), (guint) (late / 1000));
        }
      else
        message = g_strdup (pen_disarm_message (reason));
      error = g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY, message);

      /* The host did not ask for this: the settings are no longer known
       * good until pushed and read back again. */
      self->last_pen_disarm = reply->body.status.disarm_reason;
      set_verified (self, FALSE);
      set_state (self, STIPPLE_PEN_STATE_FAULT);
      needle_stopped (self, reason, message);
      raise_fault (self, error);
    }
}

static gboolean estop_timeout_cb (gpointer user_data);

static void
send_estop (StipplePen *self)
{
  StippleProtoCommand command = { .type = STIPPLE_PROTO_MSG_EMERGENCY_STOP };

  command.seq = self->estop_seq;
  self->estop_attempts++;
  send_command (self, &command, NULL);
  g_clear_handle_id (&self->estop_timer, g_source_remove);
  self->estop_timer = g_timeout_add (self->reply_timeout_ms, estop_timeout_cb, self);
}

static gboolean
estop_timeout_cb (gpointer user_data)
{
  StipplePen *self = user_data;

  self->estop_timer = 0;
  if (!self->estop_pending)
    return G_SOURCE_REMOVE;

  if (self->estop_attempts < self->max_attempts &&
      stipple_transport_get_attached (self->transport))
    {
      send_estop (self);
    }
  else
    {
      g_autoptr(GError) error = NULL;

      self->estop_pending = FALSE;
      error = g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_TIMEOUT,
                                   _("The pen did not confirm the emergency stop. Take the "
                                     "pen off the skin and unplug it."));
      raise_fault (self, error);
    }

  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------ */
/* Replies on the main thread                                           */

static gboolean
telemetry_flush_cb (gpointer user_data)
{
  StipplePen *self = user_data;
  g_autoptr(GArray) samples = NULL;
  guint lost;

  g_mutex_lock (&self->io_lock);
  g_clear_pointer (&self->telemetry_source, g_source_unref);
  samples = g_steal_pointer (&self->pending_samples);
  self->pending_samples = g_array_sized_new (FALSE, FALSE, sizeof (StippleProtoSample), 256);
  lost = self->pending_lost;
  self->pending_lost = 0;
  g_mutex_unlock (&self->io_lock);

  if (samples->len > 0 || lost > 0)
    g_signal_emit (self, signals[SIGNAL_TELEMETRY], 0, samples->data, samples->len, lost);

  return G_SOURCE_REMOVE;
}

static void
reply_received (StipplePen              *self,
                const StippleProtoReply *reply)
{
  guint8 command = reply->type & ~STIPPLE_PROTO_MSG_REPLY;

  if (command == STIPPLE_PROTO_MSG_EMERGENCY_STOP)
    {
      if (self->estop_pending && reply->seq == self->estop_seq)
        {
          self->estop_pending = FALSE;
          g_clear_handle_id (&self->estop_timer, g_source_remove);
        }
      return;
    }

  if (command == STIPPLE_PROTO_MSG_HEARTBEAT)
    {
      heartbeat_replied (self, reply);
      return;
    }

  if (self->current == NULL ||
      self->current->command.type != command ||
      self->current->command.seq != reply->seq)
    {
      /* A late answer to a command sent again, or to one given up on. */
      g_debug ("Ignoring reply 0x%02x (seq %u)", reply->type, reply->seq);
      return;
    }

  if (reply->result == STIPPLE_PROTO_RESULT_BUSY &&
      self->current->attempts < self->max_attempts)
    {
      send_current (self);
      return;
    }

  finish_current (self, reply, NULL);
}

static gboolean
reply_flush_cb (gpointer user_data)
{
  StipplePen *self = user_data;
  GQueue replies = G_QUEUE_INIT;
  StippleProtoReply *reply;

  g_mutex_lock (&self->io_lock);
  g_clear_pointer (&self->reply_source, g_source_unref);
  replies = self->pending_replies;
  g_queue_init (&self->pending_replies);
  g_mutex_unlock (&self->io_lock);

  g_object_ref (self);
  while ((reply = g_queue_pop_head (&replies)) != NULL)
    {
      reply_received (self, reply);
      g_free (reply);
    }
  g_object_unref (self);

  return G_SOURCE_REMOVE;
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
    enqueue (self, request_new (STIPPLE_PROTO_MSG_IDENTIFY, identify_cb, NULL), FALSE);

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
    raise_fault (self, wrapped);
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
  emit_audit (self, "connected", &dict);

  if (self->identify_failures > 0)
    stipple_transport_set_link_error (self->transport, NULL);
  self->identify_failures = 0;

  set_state (self, STIPPLE_PEN_STATE_CONNECTED);
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

  enqueue (self, request_new (STIPPLE_PROTO_MSG_TELEMETRY_START, telemetry_started_cb, NULL), TRUE);
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

  update_cartridge (self, reply);

  enqueue (self, request_new (STIPPLE_PROTO_MSG_STATUS, status_cb, NULL), TRUE);
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
      g_autoptr(GError) refused = refusal_error (self, reply->result, NULL);

      connect_failed (self, refused);
      return;
    }

  self->identity = reply->body.identity;
  self->has_identity = TRUE;

  g_mutex_lock (&self->io_lock);
  self->samples_per_packet = self->identity.samples_per_packet;
  g_mutex_unlock (&self->io_lock);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);

  enqueue (self, request_new (STIPPLE_PROTO_MSG_CARTRIDGE_INFO, cartridge_cb, NULL), TRUE);
}

static void
transport_attached_cb (StippleTransport *transport,
                       StipplePen       *self)
{
  g_mutex_lock (&self->io_lock);
  self->seq_valid = FALSE;
  g_mutex_unlock (&self->io_lock);

  enqueue (self, request_new (STIPPLE_PROTO_MSG_IDENTIFY, identify_cb, NULL), FALSE);
}

static void
transport_detached_cb (StippleTransport *transport,
                       const GError     *reason,
                       StipplePen       *self)
{
  gboolean was_armed = self->state == STIPPLE_PEN_STATE_ARMED;

  g_object_ref (self);

  fail_all_requests (self, reason);
  stop_heartbeat (self);
  self->estop_pending = FALSE;
  g_clear_handle_id (&self->estop_timer, g_source_remove);

  /* A pen plugged in again starts afresh; the link error was about the
   * pen that left. */
  g_clear_handle_id (&self->identify_timer, g_source_remove);
  if (self->identify_failures > 0)
    stipple_transport_set_link_error (self->transport, NULL);
  self->identify_failures = 0;

  self->has_identity = FALSE;
  self->has_cartridge = FALSE;
  set_verified (self, FALSE);
  set_applied (self, NULL);
  set_state (self, STIPPLE_PEN_STATE_DISCONNECTED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CARTRIDGE]);

  if (was_armed)
    {
      g_autoptr(GError) error = NULL;

      error = g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED,
                                   _("The pen was unplugged while the needle was running. "
                                     "The pen stops its needle by itself within a quarter of a "
                                     "second; check that it has stopped."));
      needle_stopped (self, STIPPLE_PEN_DISARM_UNPLUGGED, error->message);
      raise_fault (self, error);
    }
  else if (!g_error_matches (reason, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NO_PEN))
    {
      /* NO_PEN is the host closing the link on purpose. */
      raise_fault (self, reason);
    }

  g_object_unref (self);
}

/* ------------------------------------------------------------------ */
/* Push, arm, disarm                                                    */

static gboolean
settings_equal (const StipplePenSettings *a,
                const StipplePenSettings *b)
{
  return a->zone_id == b->zone_id && a->depth_um == b->depth_um &&
         a->rate_hz == b->rate_hz && a->passes == b->passes;
}

/* What the pen reports is not what was sent: an alarm, never a success. */
static void
settings_mismatch (StipplePen               *self,
                   Request                  *request,
                   const StipplePenSettings *read)
{
  const StipplePenSettings *sent = &request->settings;
  g_autofree char *zone = zone_name (sent->zone_id);
  g_autofree char *sent_depth = stipple_pen_format_depth (sent->depth_um);
  g_autofree char *read_depth = stipple_pen_format_depth (read->depth_um);
  g_autoptr(GError) mismatch = NULL;

  mismatch = g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_MISMATCH,
                          _("The pen did not confirm the settings for %s: it reports "
                            "%s mm at %u strokes per second, %u passes, but %s mm at %u "
                            "strokes per second, %u passes was sent. Send the settings "
                            "again."),
                          zone, read_depth, read->rate_hz, read->passes,
                          sent_depth, sent->rate_hz, sent->passes);
  set_applied (self, read);
  set_state (self, STIPPLE_PEN_STATE_FAULT);
  audit_settings (self, "settings-mismatch", read, mismatch);
  raise_fault (self, mismatch);
  g_task_return_error (request->task, g_steal_pointer (&mismatch));
}

static void
read_back_cb (StipplePen              *self,
              Request                 *request,
              const StippleProtoReply *reply,
              const GError            *error)
{
  const StipplePenSettings *sent = &request->settings;
  const StipplePenSettings *read;

  if (error != NULL)
    {
      audit_settings (self, "settings-failed", sent, error);
      g_task_return_error (request->task, g_error_copy (error));
      return;
    }

  if (reply->result != STIPPLE_PROTO_RESULT_OK)
    {
      g_autoptr(GError) refused = refusal_error (self, reply->result, sent);

      audit_settings (self, "settings-failed", sent, refused);
      g_task_return_error (request->task, g_steal_pointer (&refused));
      return;
    }

  read = &reply->body.treatment;
  if (!settings_equal (read, sent))
    {
      settings_mismatch (self, request, read);
      return;
    }

  set_applied (self, read);
  set_verified (self, TRUE);
  if (self->state == STIPPLE_PEN_STATE_FAULT)
    set_state (self, STIPPLE_PEN_STATE_CONNECTED);
  audit_settings (self, "settings-verified", read, NULL);
  g_task_return_boolean (request->task, TRUE);
}

static void
set_treatment_cb (StipplePen              *self,
                  Request                 *request,
                  const StippleProtoReply *reply,
                  const GError            *error)
{
  Request *read_back;

  if (error != NULL)
    {
      audit_settings (self, "settings-failed", &request->settings, error);
      g_task_return_error (request->task, g_error_copy (error));
      return;
    }

  if (reply->result != STIPPLE_PROTO_RESULT_OK)
    {
      g_autoptr(GError) refused = refusal_error (self, reply->result, &request->settings);

      audit_settings (self, "settings-refused", &request->settings, refused);
      g_task_return_error (request->task, g_steal_pointer (&refused));
      return;
    }

  if (!settings_equal (&reply->body.treatment, &request->settings))
    {
      settings_mismatch (self, request, &reply->body.treatment);
      return;
    }

  /* The acknowledgement echoes the settings, but only a separate read
   * back shows what the pen keeps. */
  read_back = request_new (STIPPLE_PROTO_MSG_GET_TREATMENT, read_back_cb, request->task);
  read_back->settings = request->settings;
  enqueue (self, read_back, TRUE);
}

static void
update_cartridge (StipplePen              *self,
                  const StippleProtoReply *reply)
{
  gboolean present = reply->result == STIPPLE_PROTO_RESULT_OK;

  if (!present && reply->result != STIPPLE_PROTO_RESULT_NO_CARTRIDGE)
    return;

  if (present == self->has_cartridge &&
      (!present || memcmp (&self->cartridge, &reply->body.cartridge, sizeof self->cartridge) == 0))
    return;

  self->has_cartridge = present;
  if (present)
    self->cartridge = reply->body.cartridge;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CARTRIDGE]);
}

static void
push_cartridge_cb (StipplePen              *self,
                   Request                 *request,
                   const StippleProtoReply *reply,
                   const GError            *error)
{
  Request *set;

  if (error != NULL)
    {
      audit_settings (self, "settings-failed", &request->settings, error);
      g_task_return_error (request->task, g_error_copy (error));
      return;
    }

  if (reply->result != STIPPLE_PROTO_RESULT_OK &&
      reply->result != STIPPLE_PROTO_RESULT_NO_CARTRIDGE)
    {
      g_autoptr(GError) refused = refusal_error (self, reply->result, NULL);

      audit_settings (self, "settings-failed", &request->settings, refused);
      g_task_return_error (request->task, g_steal_pointer (&refused));
      return;
    }

  /* No cartridge: SET_TREATMENT is refused with NO_CARTRIDGE, in words. */
  update_cartridge (self, reply);

  set = request_new (STIPPLE_PROTO_MSG_SET_TREATMENT, set_treatment_cb, request->task);
  set->settings = request->settings;
  set->command.treatment = request->settings;
  enqueue (self, set, TRUE);
}

static GError *
not_connected_error (StipplePen *self)
{
  const GError *link_error = stipple_transport_get_link_error (self->transport);

  if (link_error != NULL)
    return g_error_copy (link_error);

  return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NO_PEN,
                              _("No pen is connected. Plug the pen in and switch it on."));
}

/**
 * stipple_pen_push_settings_async:
 * @self: a #StipplePen
 * @settings: the zone, depth, stroke rate and passes to apply
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the pen has confirmed the settings, or not
 * @user_data: data for @callback
 *
 * Sends the settings, waits for the pen's acknowledgement, reads the
 * settings back and compares every field. Only then are the settings
 * verified (#StipplePen:verified) and arming allowed. A command the pen
 * does not answer is sent again, up to three times.
 */
void
stipple_pen_push_settings_async (StipplePen               *self,
                                 const StipplePenSettings *settings,
                                 GCancellable             *cancellable,
                                 GAsyncReadyCallback       callback,
                                 gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  g_return_if_fail (STIPPLE_IS_PEN (self));
  g_return_if_fail (settings != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, stipple_pen_push_settings_async);

  if (self->state == STIPPLE_PEN_STATE_DISCONNECTED)
    {
      g_task_return_error (task, not_connected_error (self));
      return;
    }

  if (self->state == STIPPLE_PEN_STATE_ARMED)
    {
      g_task_return_new_error (task, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY,
                               _("The needle is running. Stop it before changing the "
                                 "settings."));
      return;
    }

  set_verified (self, FALSE);
  audit_settings (self, "settings-sent", settings, NULL);

  /* The cartridge first: it may have been changed since the last push,
   * and its id and lot go on record with the settings. */
  request = request_new (STIPPLE_PROTO_MSG_CARTRIDGE_INFO, push_cartridge_cb, task);
  request->settings = *settings;
  enqueue (self, request, FALSE);
}

/**
 * stipple_pen_push_settings_finish:
 * @self: a #StipplePen
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the pen applied exactly the settings sent
 */
gboolean
stipple_pen_push_settings_finish (StipplePen    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
arm_cb (StipplePen              *self,
        Request                 *request,
        const StippleProtoReply *reply,
        const GError            *error)
{
  if (error != NULL)
    {
      g_task_return_error (request->task, g_error_copy (error));
      return;
    }

  if (reply->result != STIPPLE_PROTO_RESULT_OK)
    {
      g_autoptr(GError) refused = refusal_error (self, reply->result, NULL);
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);

      g_variant_dict_insert (&dict, "message", "s", refused->message);
      emit_audit (self, "arm-refused", &dict);
      g_task_return_error (request->task, g_steal_pointer (&refused));
      return;
    }

  if (self->state != STIPPLE_PEN_STATE_ARMED)
    {
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);

      dict_add_settings (&dict, &self->applied);
      set_state (self, STIPPLE_PEN_STATE_ARMED);
      start_heartbeat (self);
      emit_audit (self, "arm", &dict);
    }

  g_task_return_boolean (request->task, TRUE);
}

/**
 * stipple_pen_arm_async:
 * @self: a #StipplePen
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the needle runs, or not
 * @user_data: data for @callback
 *
 * Starts the needle. Refused unless the settings were pushed and verified
 * since the pen was connected or last faulted. While armed, a heartbeat
 * goes to the pen every 100 ms.
 */
void
stipple_pen_arm_async (StipplePen          *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STIPPLE_IS_PEN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, stipple_pen_arm_async);

  if (self->state == STIPPLE_PEN_STATE_DISCONNECTED)
    {
      g_task_return_error (task, not_connected_error (self));
      return;
    }

  if (!self->verified || self->state == STIPPLE_PEN_STATE_FAULT)
    {
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
      g_autoptr(GError) error = NULL;

      error = g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY,
                                   _("The pen has not confirmed the settings. Send them to the "
                                     "pen again before starting the needle."));
      g_variant_dict_insert (&dict, "message", "s", error->message);
      emit_audit (self, "arm-refused", &dict);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->has_cartridge && (self->cartridge.flags & STIPPLE_PROTO_CARTRIDGE_REUSED) != 0)
    {
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
      g_autoptr(GError) error = refusal_error (self, STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED, NULL);

      g_variant_dict_insert (&dict, "message", "s", error->message);
      emit_audit (self, "arm-refused", &dict);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  enqueue (self, request_new (STIPPLE_PROTO_MSG_ARM, arm_cb, task), FALSE);
}

/**
 * stipple_pen_arm_finish:
 * @self: a #StipplePen
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the needle runs
 */
gboolean
stipple_pen_arm_finish (StipplePen    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
disarm_cb (StipplePen              *self,
           Request                 *request,
           const StippleProtoReply *reply,
           const GError            *error)
{
  if (error != NULL)
    {
      g_task_return_error (request->task, g_error_copy (error));
      return;
    }

  if (reply->result != STIPPLE_PROTO_RESULT_OK)
    {
      g_task_return_error (request->task, refusal_error (self, reply->result, NULL));
      return;
    }

  if (self->state == STIPPLE_PEN_STATE_ARMED)
    {
      set_state (self, STIPPLE_PEN_STATE_CONNECTED);
      needle_stopped (self, STIPPLE_PEN_DISARM_HOST, _("The needle was stopped."));
    }

  g_task_return_boolean (request->task, TRUE);
}

/**
 * stipple_pen_disarm_async:
 * @self: a #StipplePen
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the needle has stopped
 * @user_data: data for @callback
 *
 * Stops the needle, keeping the settings. For a stop that must not wait,
 * use stipple_pen_emergency_stop().
 */
void
stipple_pen_disarm_async (StipplePen          *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STIPPLE_IS_PEN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, stipple_pen_disarm_async);

  if (self->state == STIPPLE_PEN_STATE_DISCONNECTED)
    {
      g_task_return_error (task, not_connected_error (self));
      return;
    }

  enqueue (self, request_new (STIPPLE_PROTO_MSG_DISARM, disarm_cb, task), FALSE);
}

/**
 * stipple_pen_disarm_finish:
 * @self: a #StipplePen
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the needle stopped
 */
gboolean
stipple_pen_disarm_finish (StipplePen    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
emergency_stop (StipplePen             *self,
                StipplePenDisarmReason  reason,
                const char             *message)
{
  g_autoptr(GError) cancelled = NULL;
  gboolean was_armed;

  was_armed = self->state == STIPPLE_PEN_STATE_ARMED;

  if (self->state != STIPPLE_PEN_STATE_DISCONNECTED)
    {
      self->estop_pending = TRUE;
      self->estop_seq = take_seq (self);
      self->estop_attempts = 0;
      send_estop (self);
    }

  stop_heartbeat (self);
  /* The clinician's stop is an emergency stop in the trail; a stop the
   * link made on its own is the "disarm" and "fault" rows below, with
   * their cause. */
  if (reason == STIPPLE_PEN_DISARM_EMERGENCY_STOP)
    emit_audit (self, "emergency-stop", NULL);

  cancelled = g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY,
                                   _("Cancelled by the emergency stop."));
  fail_all_requests (self, cancelled);

  set_verified (self, FALSE);
  set_applied (self, NULL);
  if (self->state == STIPPLE_PEN_STATE_ARMED)
    set_state (self, STIPPLE_PEN_STATE_CONNECTED);

  if (was_armed)
    needle_stopped (self, reason, message);
}

/**
 * stipple_pen_emergency_stop:
 * @self: a #StipplePen
 *
 * Stops the needle now. The command goes to the pen at once, ahead of
 * anything waiting, and is sent again until the pen confirms it; the host
 * treats the pen as stopped from this moment. Commands waiting are
 * abandoned, and the pen forgets its settings: they must be pushed and
 * verified again before the needle can run.
 */
void
stipple_pen_emergency_stop (StipplePen *self)
{
  g_return_if_fail (STIPPLE_IS_PEN (self));

  emergency_stop (self, STIPPLE_PEN_DISARM_EMERGENCY_STOP, _("Emergency stop."));
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

  g_mutex_lock (&self->io_lock);
  if (self->reply_source != NULL)
    g_source_destroy (self->reply_source);
  g_clear_pointer (&self->reply_source, g_source_unref);
  if (self->telemetry_source != NULL)
    g_source_destroy (self->telemetry_source);
  g_clear_pointer (&self->telemetry_source, g_source_unref);
  g_queue_clear_full (&self->pending_replies, g_free);
  g_mutex_unlock (&self->io_lock);

  g_clear_pointer (&self->link, stipple_pen_link_free);
  g_clear_handle_id (&self->identify_timer, g_source_remove);
  g_clear_handle_id (&self->estop_timer, g_source_remove);
  g_clear_handle_id (&self->reply_timer, g_source_remove);
  g_clear_pointer (&self->current, request_free);
  g_queue_clear_full (&self->queue, (GDestroyNotify) request_free);

  g_clear_object (&self->transport);

  G_OBJECT_CLASS (stipple_pen_parent_class)->dispose (object);
}

static void
stipple_pen_finalize (GObject *object)
{
  StipplePen *self = STIPPLE_PEN (object);

  g_clear_pointer (&self->pending_samples, g_array_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_mutex_clear (&self->io_lock);

  G_OBJECT_CLASS (stipple_pen_parent_class)->finalize (object);
}

static void
stipple_pen_constructed (GObject *object)
{
  StipplePen *self = STIPPLE_PEN (object);

  G_OBJECT_CLASS (stipple_pen_parent_class)->constructed (object);

  g_assert (self->transport != NULL);
  self->link = stipple_pen_link_new (self->transport, link_event_cb, self);
  stipple_transport_set_packet_func (self->transport, packet_cb, self);
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
  g_mutex_init (&self->io_lock);
  g_queue_init (&self->queue);
  g_queue_init (&self->pending_replies);
  self->pending_samples = g_array_sized_new (FALSE, FALSE, sizeof (StippleProtoSample), 256);
  self->main_context = g_main_context_ref_thread_default ();
  self->reply_timeout_ms = DEFAULT_REPLY_TIMEOUT_MS;
  self->max_attempts = DEFAULT_ATTEMPTS;
  self->state = STIPPLE_PEN_STATE_DISCONNECTED;
}

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

/**
 * stipple_pen_get_telemetry_stats:
 * @self: a #StipplePen
 * @stats: (out): samples, samples lost, packets and unreadable frames
 *
 * Counters since the pen object was made.
 */
void
stipple_pen_get_telemetry_stats (StipplePen               *self,
                                 StipplePenTelemetryStats *stats)
{
  g_return_if_fail (STIPPLE_IS_PEN (self));
  g_return_if_fail (stats != NULL);

  g_mutex_lock (&self->io_lock);
  *stats = self->stats;
  g_mutex_unlock (&self->io_lock);
}

/**
 * stipple_pen_get_link_stats:
 * @self: a #StipplePen
 * @stats: (out): how the link kept its time so far
 */
void
stipple_pen_get_link_stats (StipplePen          *self,
                            StipplePenLinkStats *stats)
{
  g_return_if_fail (STIPPLE_IS_PEN (self));
  g_return_if_fail (stats != NULL);

  stipple_pen_link_get_stats (self->link, &stats->heartbeats, &stats->interval_p99_us,
                              &stats->interval_max_us, &stats->ui_age_max_us,
                              &stats->priority_raised);
  stats->resends = self->resends;
}

/**
 * stipple_pen_set_sample_func:
 * @self: a #StipplePen
 * @func: (nullable): called on the I/O thread with every telemetry packet
 * @user_data: data for @func
 *
 * Connects a consumer that must not wait for the main loop, such as the
 * graphs' sample ring.
 */
void
stipple_pen_set_sample_func (StipplePen           *self,
                             StipplePenSampleFunc  func,
                             gpointer              user_data)
{
  g_return_if_fail (STIPPLE_IS_PEN (self));

  g_mutex_lock (&self->io_lock);
  self->sample_func = func;
  self->sample_data = user_data;
  g_mutex_unlock (&self->io_lock);
}

/**
 * stipple_pen_set_reply_timeout:
 * @self: a #StipplePen
 * @timeout_ms: how long to wait for each reply (the protocol says 50 ms)
 * @attempts: how many times to send a command before giving up
 *
 * Changes the reply deadline and the number of tries.
 */
void
stipple_pen_set_reply_timeout (StipplePen *self,
                               guint       timeout_ms,
                               guint       attempts)
{
  g_return_if_fail (STIPPLE_IS_PEN (self));
  g_return_if_fail (timeout_ms > 0);
  g_return_if_fail (attempts > 0);

  self->reply_timeout_ms = timeout_ms;
  self->max_attempts = attempts;
}
