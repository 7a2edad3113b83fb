/* stipple-pen-stop.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-pen"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-pen-private.h"

/* Heartbeat and emergency stop (main thread): the bookkeeping with the
 * link thread (stipple-pen-link.c), which sends the heartbeats itself;
 * what the pen's heartbeat replies say about why its needle stopped; and
 * the emergency stop, which never waits in the request queue and is sent
 * again until the pen confirms it. */

/* ------------------------------------------------------------------ */
/* Heartbeat and emergency stop: never queued                           */

void
stipple_pen_stop_heartbeat (StipplePen *self)
{
  if (self->link != NULL)
    stipple_pen_link_disarm (self->link);
}

static void estop_unanswered (StipplePen *self,
                              guint16     seq);

/* What the link thread found: a command it gave up on, or, while the
 * needle ran, a stop in words that name the real cause. */
void
stipple_pen_link_event_cb (const StipplePenLinkEvent *event,
                           gpointer                   user_data)
{
  StipplePen *self = user_data;
  g_autoptr(GError) error = NULL;
  StipplePenDisarmReason reason;

  if (event->kind == STIPPLE_PEN_LINK_COMMAND_UNANSWERED)
    {
      if (event->slot == STIPPLE_PEN_LINK_SLOT_ESTOP)
        estop_unanswered (self, event->seq);
      else
        stipple_pen_command_unanswered (self, event->seq, event->tries);
      return;
    }

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

  stipple_pen_emergency_stop_full (self, reason, error->message);
  stipple_pen_set_state (self, STIPPLE_PEN_STATE_FAULT);
  stipple_pen_raise_fault (self, error);
}

void
stipple_pen_start_heartbeat (StipplePen *self)
{
  /* Heartbeats began as the ARM command left (stipple-pen-requests.c);
   * this keeps them going if the link stopped meanwhile. */
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

void
stipple_pen_heartbeat_replied (StipplePen              *self,
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
      stipple_pen_set_verified (self, FALSE);
      stipple_pen_set_state (self, STIPPLE_PEN_STATE_FAULT);
      stipple_pen_needle_stopped (self, reason, message);
      stipple_pen_raise_fault (self, error);
    }
}

/* Sent now; the link sends it again until the pen confirms it, on its
 * own clock, whatever the window's thread is doing. */
static void
send_estop (StipplePen *self)
{
  StippleProtoCommand command = { .type = STIPPLE_PROTO_MSG_EMERGENCY_STOP };

  command.seq = self->estop_seq;
  stipple_pen_link_send (self->link, STIPPLE_PEN_LINK_SLOT_ESTOP, &command, self->max_attempts,
                         (gint64) self->reply_timeout_ms * 1000, NULL);
}

/* Every try of the emergency stop went out and the pen confirmed none. */
static void
estop_unanswered (StipplePen *self,
                  guint16     seq)
{
  g_autoptr(GError) error = NULL;

  /* A confirmation that came as the last try ran out is heard first. */
  stipple_pen_reply_flush_cb (self);
  if (!self->estop_pending || seq != self->estop_seq)
    return;

  self->estop_pending = FALSE;
  error = g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_TIMEOUT,
                               _("The pen did not confirm the emergency stop. Take the "
                                 "pen off the skin and unplug it."));
  stipple_pen_raise_fault (self, error);
}

/* The pen confirmed an emergency stop; a late reply to an earlier one is
 * no confirmation of the last. */
void
stipple_pen_estop_replied (StipplePen              *self,
                           const StippleProtoReply *reply)
{
  if (self->estop_pending && reply->seq == self->estop_seq)
    self->estop_pending = FALSE;
}

void
stipple_pen_emergency_stop_full (StipplePen             *self,
                                 StipplePenDisarmReason  reason,
                                 const char             *message)
{
  g_autoptr(GError) cancelled = NULL;
  gboolean was_armed;

  was_armed = self->state == STIPPLE_PEN_STATE_ARMED;

  if (self->state != STIPPLE_PEN_STATE_DISCONNECTED)
    {
      self->estop_pending = TRUE;
      self->estop_seq = stipple_pen_take_seq (self);
      send_estop (self);
    }

  stipple_pen_stop_heartbeat (self);
  /* The clinician's stop is an emergency stop in the trail; a stop the
   * link made on its own is the "disarm" and "fault" rows below, with
   * their cause. */
  if (reason == STIPPLE_PEN_DISARM_EMERGENCY_STOP)
    stipple_pen_emit_audit (self, "emergency-stop", NULL);

  cancelled = g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY,
                                   _("Cancelled by the emergency stop."));
  stipple_pen_fail_all_requests (self, cancelled);

  stipple_pen_set_verified (self, FALSE);
  stipple_pen_set_applied (self, NULL);
  if (self->state == STIPPLE_PEN_STATE_ARMED)
    stipple_pen_set_state (self, STIPPLE_PEN_STATE_CONNECTED);

  if (was_armed)
    stipple_pen_needle_stopped (self, reason, message);
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

  stipple_pen_emergency_stop_full (self, STIPPLE_PEN_DISARM_EMERGENCY_STOP, _("Emergency stop."));
}

/* ------------------------------------------------------------------ */
/* Accessors                                                            */

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

  stipple_pen_link_get_stats (self->link, stats);
}
