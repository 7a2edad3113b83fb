/* stipple-pen-requests.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-pen"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-pen-private.h"

/* The request queue (main thread): one command at a time, each matched to
 * its reply by sequence number. Its timing is the link thread's
 * (stipple-pen-link.c): the reply timeout counted from when the OUT
 * transfer completed, and the command sent again with the same sequence
 * number, up to StipplePen.max_attempts tries, only when no reply came in
 * time. Replies reach this file from the I/O thread through
 * StipplePenIo.pending_replies (stipple-pen-telemetry.c); a command whose
 * tries are all spent, through the link's event. */

static void pump_queue (StipplePen *self);

/* ------------------------------------------------------------------ */
/* Commands                                                             */

void
stipple_pen_request_free (Request *request)
{
  g_clear_object (&request->task);
  g_free (request);
}

Request *
stipple_pen_request_new (guint8       type,
                         RequestDone  done,
                         GTask       *task)
{
  Request *request = g_new0 (Request, 1);

  request->command.type = type;
  request->done = done;
  request->task = task != NULL ? g_object_ref (task) : NULL;

  return request;
}

guint16
stipple_pen_take_seq (StipplePen *self)
{
  return stipple_pen_link_take_seq (self->link);
}

static void
finish_current (StipplePen              *self,
                const StippleProtoReply *reply,
                const GError            *error)
{
  Request *request = g_steal_pointer (&self->current);

  if (self->link != NULL)
    stipple_pen_link_forget (self->link, STIPPLE_PEN_LINK_SLOT_REQUEST);
  if (request == NULL)
    return;

  request->done (self, request, reply, error);
  stipple_pen_request_free (request);
  pump_queue (self);
}

/* Sends the current command; the link times its reply and sends it
 * again when none comes. */
static void
send_current (StipplePen *self)
{
  g_autoptr(GError) error = NULL;

  /* The pen's watchdog starts the moment it arms: heartbeats start as
   * the ARM leaves, not when this thread gets round to its answer (a
   * heartbeat to a pen not armed yet is answered with its state). Every
   * failure of the ARM stops them again (stipple-pen-settings.c). */
  if (self->current->command.type == STIPPLE_PROTO_MSG_ARM && self->link != NULL)
    stipple_pen_link_arm (self->link);

  if (!stipple_pen_link_send (self->link, STIPPLE_PEN_LINK_SLOT_REQUEST, &self->current->command,
                              self->max_attempts,
                              (gint64) self->reply_timeout_ms * 1000, &error))
    finish_current (self, NULL, error);
}

/**
 * stipple_pen_command_unanswered:
 * @self: a #StipplePen
 * @seq: the command's sequence number
 * @tries: how many tries went out
 *
 * The link sent the current command every try it had, and no reply came.
 */
void
stipple_pen_command_unanswered (StipplePen *self,
                                guint16     seq,
                                guint       tries)
{
  g_autoptr(GError) error = NULL;

  /* A reply that came as the last try ran out is heard first. */
  stipple_pen_reply_flush_cb (self);
  if (self->current == NULL || self->current->command.seq != seq)
    return;

  error = g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_TIMEOUT,
                       _("The pen did not answer (%u tries). Check the cable, then try "
                         "again."),
                       tries);
  finish_current (self, NULL, error);
}

static void
pump_queue (StipplePen *self)
{
  if (self->current != NULL || g_queue_is_empty (&self->queue))
    return;

  self->current = g_queue_pop_head (&self->queue);
  self->current->command.seq = stipple_pen_take_seq (self);

  if (self->current->command.type == STIPPLE_PROTO_MSG_TELEMETRY_START)
    {
      stipple_rt_mutex_lock (&self->io.lock);
      self->io.expect_restart = TRUE;
      stipple_rt_mutex_unlock (&self->io.lock);
    }

  send_current (self);
}

void
stipple_pen_enqueue (StipplePen *self,
                     Request    *request,
                     gboolean    next)
{
  if (next)
    g_queue_push_head (&self->queue, request);
  else
    g_queue_push_tail (&self->queue, request);
  pump_queue (self);
}

void
stipple_pen_fail_all_requests (StipplePen   *self,
                               const GError *error)
{
  Request *request;

  if (self->link != NULL)
    stipple_pen_link_forget (self->link, STIPPLE_PEN_LINK_SLOT_REQUEST);

  if (self->current != NULL)
    {
      request = g_steal_pointer (&self->current);
      request->done (self, request, NULL, error);
      stipple_pen_request_free (request);
    }

  while ((request = g_queue_pop_head (&self->queue)) != NULL)
    {
      request->done (self, request, NULL, error);
      stipple_pen_request_free (request);
    }
}

/* ------------------------------------------------------------------ */
/* Replies on the main thread                                           */

static void
reply_received (StipplePen              *self,
                const StippleProtoReply *reply)
{
  guint8 command = reply->type & ~STIPPLE_PROTO_MSG_REPLY;

  if (command == STIPPLE_PROTO_MSG_EMERGENCY_STOP)
    {
      stipple_pen_estop_replied (self, reply);
      return;
    }

  if (command == STIPPLE_PROTO_MSG_HEARTBEAT)
    {
      stipple_pen_heartbeat_replied (self, reply);
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

  /* BUSY, with tries left: the link sends it again once the reply
   * timeout's time has passed (docs/pen-protocol.md §4). */
  if (reply->result == STIPPLE_PROTO_RESULT_BUSY &&
      stipple_pen_link_get_tries (self->link, STIPPLE_PEN_LINK_SLOT_REQUEST, reply->seq) <
        self->max_attempts)
    return;

  finish_current (self, reply, NULL);
}

gboolean
stipple_pen_reply_flush_cb (gpointer user_data)
{
  StipplePen *self = user_data;
  GQueue replies = G_QUEUE_INIT;
  StippleProtoReply *reply;

  stipple_rt_mutex_lock (&self->io.lock);
  self->io.reply_signalled = FALSE;
  replies = self->io.pending_replies;
  g_queue_init (&self->io.pending_replies);
  stipple_rt_mutex_unlock (&self->io.lock);

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
/* Accessors                                                            */

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
