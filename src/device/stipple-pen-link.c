/* stipple-pen-link.c: the pen link's own clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-pen"

#include "config.h"

#include <stdatomic.h>
#include <string.h>

#include <glib/gi18n.h>

#include "stipple-rt-mutex.h"
#include "stipple-pen-error.h"
#include "stipple-pen-link.h"
#include "stipple-proto.h"
#include "stipple-thread-priority.h"

/* While the needle runs, the heartbeat keeps the pen's watchdog fed. It
 * must never wait behind a frame being drawn or a file being synced, so
 * it runs on a thread of its own, from the monotonic clock: the link
 * thread. Nothing there touches a GObject; what it finds is handed to the
 * main context.
 *
 * A frozen window must still stop the needle, since nobody could reach
 * its emergency stop: the main thread signs a liveness token every 50 ms,
 * and a token older than STIPPLE_PEN_LINK_LIVENESS_US (1 s) makes the
 * link stop heartbeating and send EMERGENCY_STOP itself.
 *
 * The link also keeps the time of the commands that wait for a reply:
 * the request queue's command in flight and the emergency stop. Each is
 * sent once by its caller; the link starts its reply timeout when the OUT
 * transfer completed, hears on the I/O thread of the reply the moment it
 * arrives, and sends the command again (same sequence number) only when
 * none came in time, however busy the window's thread is. When every try
 * is spent it tells the main context. docs/device.md draws the timing. */

#define INTERVAL_BINS 1001

/* A send that has not completed is waited for this long before its
 * reply is called missing anyway (the transport ends a stuck send
 * itself: USB after 100 ms). */
#define OUT_WAIT_LIMIT_US (G_USEC_PER_SEC)

/* A command waiting for its reply. */
typedef struct
{
  gboolean  active;
  guint8    type;
  guint16   seq;
  guint8    frame[STIPPLE_PROTO_MAX_FRAME];
  gsize     len;
  guint     tries;
  guint     max_tries;
  gint64    timeout_us;
  /* The last try: when it was sent, and its number on the transport. */
  gint64    sent_us;
  guint64   out_serial;
  /* Bumped at every try, so that a send's serial is kept only for the
   * try it belongs to. */
  guint     generation;
} Slot;

struct _StipplePenLink
{
  StippleTransport        *transport;
  StipplePenLinkEventFunc  func;
  gpointer                 user_data;
  GMainContext            *main_context;
  GSource                 *liveness_source;

  GThread                 *thread;
  GMainContext            *context;
  GMainLoop               *loop;

  /* The sequence numbers of every command, from any thread. */
  guint                    seq;

  /* The liveness token: when the main thread last signed it. Atomic, not
   * under the lock, so that a main thread preempted while signing never
   * holds up a heartbeat (the link thread runs at a real-time priority,
   * the main thread does not, and a mutex does not pass priority on). */
  _Atomic gint64           ui_alive_us;

  StippleRtMutex           lock;
  /* Under lock. */
  gboolean                 armed;
  gint64                   sent_us;
  gint64                   ok_us;
  /* When the oldest heartbeat not yet answered was sent; 0 for none. */
  gint64                   unanswered_us;
  gint64                   max_late_us;
  guint64                  heartbeats;
  gint64                   max_interval_us;
  StippleThreadPriority    priority;
  /* The last heartbeat could not be sent: the pen is gone. */
  gboolean                 pen_gone;
  /* The oldest the liveness token got while armed. */
  gint64                   max_ui_age_us;
  /* While armed: the longest the thread went without a tick, and the
   * longest a heartbeat's send took. */
  gint64                   last_tick_us;
  gint64                   max_tick_gap_us;
  gint64                   max_send_us;
  /* Intervals between heartbeats, in 1 ms bins; the last bin holds
   * every longer one. */
  guint64                  interval_bins[INTERVAL_BINS];
  /* Commands waiting for their replies, and how many tries went out
   * again because no reply came in time. */
  Slot                     slots[STIPPLE_PEN_LINK_N_SLOTS];
  guint64                  resends;
};

typedef struct
{
  StipplePenLink      *link;
  StipplePenLinkEvent  event;
} Posted;

/* Only the main thread frees the link, and only the main thread runs
 * this: a link freed before it ran is never looked at. */
static GHashTable *live_links;

static gboolean
posted_cb (gpointer user_data)
{
  Posted *posted = user_data;

  if (live_links != NULL && g_hash_table_contains (live_links, posted->link))
    posted->link->func (&posted->event, posted->link->user_data);

  return G_SOURCE_REMOVE;
}

static void
post (StipplePenLink            *link,
      const StipplePenLinkEvent *event)
{
  Posted *posted = g_new0 (Posted, 1);

  posted->link = link;
  posted->event = *event;
  g_main_context_invoke_full (link->main_context, G_PRIORITY_HIGH, posted_cb, posted, g_free);
}

static gboolean
send_command (StipplePenLink *link,
              guint8          type)
{
  g_autoptr(GError) error = NULL;
  StippleProtoCommand command = { .type = type };
  guint8 buf[STIPPLE_PROTO_MAX_FRAME];
  gsize len = 0;

  command.seq = stipple_pen_link_take_seq (link);
  if (stipple_proto_command_encode (&command, buf, sizeof buf, &len) != STIPPLE_PROTO_STATUS_OK)
    g_assert_not_reached ();
  /* A failed send is a heartbeat unanswered; unplugging is reported by
   * the transport, and said here so the silence is not put on the pen. */
  if (stipple_transport_send (link->transport, buf, len, &error))
    return TRUE;

  return !g_error_matches (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_UNPLUGGED) &&
         !g_error_matches (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NO_PEN);
}

/* Under the lock: whether @slot's reply is overdue at @now. Timed from
 * when the try left the host, since a pen cannot answer what it has not
 * received; a send not completed yet is waited for, up to
 * OUT_WAIT_LIMIT_US. */
static gboolean
slot_overdue (StipplePenLink *link,
              Slot           *slot,
              gint64          now)
{
  gint64 out_done;

  if (slot->out_serial == 0)
    return now - slot->sent_us >= OUT_WAIT_LIMIT_US;
  out_done = stipple_transport_get_out_completed_us (link->transport, slot->out_serial);
  if (out_done == 0)
    return now - slot->sent_us >= OUT_WAIT_LIMIT_US;
  return now - out_done >= slot->timeout_us;
}

/* One try of a command, copied out of its slot under the lock that
 * decided it, so that a new command put in the slot meanwhile is never
 * sent in its place. */
typedef struct
{
  guint8  frame[STIPPLE_PROTO_MAX_FRAME];
  gsize   len;
  guint   generation;
} Try;

/* Under the lock. */
static void
prepare_try (Slot *slot,
             Try  *try)
{
  try->len = slot->len;
  memcpy (try->frame, slot->frame, slot->len);
  try->generation = ++slot->generation;
  slot->sent_us = g_get_monotonic_time ();
  slot->out_serial = 0;
}

/* Sends @try without the lock: a transport may deliver the answer from
 * inside its send, on this thread. */
static gboolean
send_try (StipplePenLink      *link,
          StipplePenLinkSlot   which,
          const Try           *try,
          GError             **error)
{
  gboolean sent = stipple_transport_send (link->transport, try->frame, try->len, error);

  stipple_rt_mutex_lock (&link->lock);
  if (sent && link->slots[which].generation == try->generation)
    link->slots[which].out_serial = stipple_transport_get_out_serial (link->transport);
  stipple_rt_mutex_unlock (&link->lock);
  return sent;
}

/* On the link thread: every command whose reply is overdue is sent again,
 * or, its tries spent, given up and the main context told. */
static void
time_commands (StipplePenLink *link,
               gint64          now)
{
  for (guint i = 0; i < STIPPLE_PEN_LINK_N_SLOTS; i++)
    {
      StipplePenLinkEvent event = { .kind = STIPPLE_PEN_LINK_COMMAND_UNANSWERED, .slot = i };
      gboolean resend = FALSE, given_up = FALSE;
      Slot *slot = &link->slots[i];
      Try try;

      stipple_rt_mutex_lock (&link->lock);
      if (slot->active && slot_overdue (link, slot, now))
        {
          if (slot->tries < slot->max_tries)
            {
              g_debug ("No reply to command 0x%02x (seq %u), sending it again",
                       slot->type, slot->seq);
              slot->tries++;
              link->resends++;
              prepare_try (slot, &try);
              resend = TRUE;
            }
          else
            {
              slot->active = FALSE;
              event.seq = slot->seq;
              event.tries = slot->tries;
              given_up = TRUE;
            }
        }
      stipple_rt_mutex_unlock (&link->lock);

      /* A failed send is a try spent; an unplugged pen is reported by
       * the transport. */
      if (resend)
        send_try (link, i, &try, NULL);
      if (given_up)
        post (link, &event);
    }
}

static gboolean
tick_cb (gpointer user_data)
{
  StipplePenLink *link = user_data;
  StipplePenLinkEvent event = { 0 };
  gboolean send_heartbeat = FALSE;
  gboolean send_stop = FALSE;
  gboolean have_event = FALSE;
  gint64 now = g_get_monotonic_time ();

  stipple_rt_mutex_lock (&link->lock);
  if (link->armed && link->last_tick_us != 0)
    link->max_tick_gap_us = MAX (link->max_tick_gap_us, now - link->last_tick_us);
  link->last_tick_us = link->armed ? now : 0;
  if (link->armed)
    {
      gint64 ui_age = now - atomic_load (&link->ui_alive_us);

      link->max_ui_age_us = MAX (link->max_ui_age_us, ui_age);
      if (ui_age > STIPPLE_PEN_LINK_LIVENESS_US)
        {
          event.kind = STIPPLE_PEN_LINK_UI_FROZEN;
          event.age_us = ui_age;
          link->armed = FALSE;
          send_stop = have_event = TRUE;
        }
      else if (now - link->ok_us >= STIPPLE_PEN_LINK_SILENCE_US)
        {
          /* Say whose fault the silence is: a heartbeat of ours that
           * left late may have let the pen's watchdog run out. */
          gint64 late = MAX (link->max_late_us, now - link->sent_us - STIPPLE_PEN_LINK_HEARTBEAT_INTERVAL_US);

          /* And whether the pen's answers could have been read: if the
           * I/O thread has not run since the oldest heartbeat still
           * unanswered was due its answer, the silence is this
           * computer's doing too. */
          gint64 reader_ran = stipple_transport_get_reader_last_us (link->transport);
          gint64 unread = reader_ran != 0 &&
                          ((link->unanswered_us != 0 &&
                            reader_ran < link->unanswered_us + STIPPLE_PEN_LINK_REPLY_ALLOWANCE_US) ||
                           now - reader_ran > STIPPLE_PEN_LINK_LATE_US)
                            ? now - reader_ran : 0;

          if (link->pen_gone)
            event.kind = STIPPLE_PEN_LINK_PEN_GONE;
          else if (late > STIPPLE_PEN_LINK_LATE_US - STIPPLE_PEN_LINK_HEARTBEAT_INTERVAL_US)
            {
              event.kind = STIPPLE_PEN_LINK_HOST_LATE;
              event.late_by_us = late;
            }
          else if (unread > 0)
            {
              event.kind = STIPPLE_PEN_LINK_READER_LATE;
              event.late_by_us = unread;
            }
          else
            event.kind = STIPPLE_PEN_LINK_PEN_SILENT;
          g_debug ("No answer for %" G_GINT64_FORMAT " ms: heartbeats up to %" G_GINT64_FORMAT
                   " ms late, the oldest unanswered sent %" G_GINT64_FORMAT " ms ago, the pen's"
                   " answers last read %" G_GINT64_FORMAT " ms ago",
                   (now - link->ok_us) / 1000, late / 1000,
                   link->unanswered_us ? (now - link->unanswered_us) / 1000 : -1,
                   reader_ran ? (now - reader_ran) / 1000 : -1);
          link->armed = FALSE;
          have_event = TRUE;
        }
      else if (now - link->sent_us >= STIPPLE_PEN_LINK_HEARTBEAT_INTERVAL_US)
        {
          gint64 interval = now - link->sent_us;

          link->max_late_us = MAX (link->max_late_us, interval - STIPPLE_PEN_LINK_HEARTBEAT_INTERVAL_US);
          link->max_interval_us = MAX (link->max_interval_us, interval);
          link->interval_bins[MIN (interval / 1000, INTERVAL_BINS - 1)]++;
          link->sent_us = now;
          if (link->unanswered_us == 0)
            link->unanswered_us = now;
          link->heartbeats++;
          send_heartbeat = TRUE;
        }
    }
  stipple_rt_mutex_unlock (&link->lock);

  /* Sent without the lock: a transport may deliver the answer from
   * inside its send, on this thread. */
  if (send_heartbeat)
    {
      gboolean sent = send_command (link, STIPPLE_PROTO_MSG_HEARTBEAT);
      gint64 took = g_get_monotonic_time () - now;

      stipple_rt_mutex_lock (&link->lock);
      link->pen_gone = !sent;
      link->max_send_us = MAX (link->max_send_us, took);
      stipple_rt_mutex_unlock (&link->lock);
    }
  if (send_stop)
    send_command (link, STIPPLE_PROTO_MSG_EMERGENCY_STOP);
  if (have_event)
    post (link, &event);

  time_commands (link, now);

  return G_SOURCE_CONTINUE;
}

static gpointer
link_thread (gpointer user_data)
{
  StipplePenLink *link = user_data;
  GSource *tick;

  {
    StippleThreadPriority priority = stipple_thread_raise_priority ("pen link");

    stipple_rt_mutex_lock (&link->lock);
    link->priority = priority;
    stipple_rt_mutex_unlock (&link->lock);
  }
  g_main_context_push_thread_default (link->context);
  tick = g_timeout_source_new (STIPPLE_PEN_LINK_TICK_US / 1000);
  g_source_set_priority (tick, G_PRIORITY_HIGH);
  g_source_set_callback (tick, tick_cb, link, NULL);
  g_source_set_static_name (tick, "[stipple] pen link tick");
  g_source_attach (tick, link->context);
  g_source_unref (tick);

  g_main_loop_run (link->loop);

  g_main_context_pop_thread_default (link->context);
  return NULL;
}

static gboolean
liveness_cb (gpointer user_data)
{
  StipplePenLink *link = user_data;

  atomic_store (&link->ui_alive_us, g_get_monotonic_time ());

  return G_SOURCE_CONTINUE;
}

/**
 * stipple_pen_link_new:
 * @transport: the pen's transport
 * @func: told on the calling thread's main context what the link found
 * @user_data: data for @func
 *
 * Starts the link thread. The calling thread signs the liveness token.
 *
 * Returns: (transfer full): a new link
 */
StipplePenLink *
stipple_pen_link_new (StippleTransport        *transport,
                      StipplePenLinkEventFunc  func,
                      gpointer                 user_data)
{
  StipplePenLink *link = g_new0 (StipplePenLink, 1);

  link->transport = g_object_ref (transport);
  link->func = func;
  link->user_data = user_data;
  link->main_context = g_main_context_ref_thread_default ();
  stipple_rt_mutex_init (&link->lock);
  atomic_store (&link->ui_alive_us, g_get_monotonic_time ());

  if (live_links == NULL)
    live_links = g_hash_table_new (NULL, NULL);
  g_hash_table_add (live_links, link);

  link->liveness_source = g_timeout_source_new (STIPPLE_PEN_LINK_LIVENESS_SIGN_US / 1000);
  g_source_set_priority (link->liveness_source, G_PRIORITY_HIGH);
  g_source_set_callback (link->liveness_source, liveness_cb, link, NULL);
  g_source_set_static_name (link->liveness_source, "[stipple] liveness token");
  g_source_attach (link->liveness_source, link->main_context);

  link->context = g_main_context_new ();
  link->loop = g_main_loop_new (link->context, FALSE);
  link->thread = g_thread_new ("stipple-pen-link", link_thread, link);

  return link;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/**
 * stipple_pen_link_free:
 * @link: a link
 *
 * Stops the link thread; nothing posted afterwards reaches the callback.
 */
void
stipple_pen_link_free (StipplePenLink *link)
{
  if (link == NULL)
    return;

  g_hash_table_remove (live_links, link);
  g_main_context_invoke (link->context, quit_cb, link->loop);
  g_thread_join (link->thread);

  g_source_destroy (link->liveness_source);
  g_source_unref (link->liveness_source);
  g_main_loop_unref (link->loop);
  g_main_context_unref (link->context);
  g_main_context_unref (link->main_context);
  g_object_unref (link->transport);
  stipple_rt_mutex_clear (&link->lock);
  g_free (link);
}

/**
 * stipple_pen_link_take_seq:
 * @link: a link
 *
 * Returns: the next command's sequence number, counting up from 1 and
 *   wrapping to 0 (docs/pen-protocol.md); from any thread
 */
guint16
stipple_pen_link_take_seq (StipplePenLink *link)
{
  return (guint16) ((guint) g_atomic_int_add (&link->seq, 1) + 1);
}

/**
 * stipple_pen_link_arm:
 * @link: a link
 *
 * The pen is being armed: keep it fed from now on. Called as the ARM
 * command leaves, so that the first heartbeat never waits for the
 * window's thread to handle the pen's answer (the pen's watchdog starts
 * when it arms), and again when the pen confirms; a link already armed
 * keeps its rhythm and its count of lateness.
 */
void
stipple_pen_link_arm (StipplePenLink *link)
{
  gint64 now = g_get_monotonic_time ();

  stipple_rt_mutex_lock (&link->lock);
  if (link->armed)
    {
      stipple_rt_mutex_unlock (&link->lock);
      return;
    }
  link->armed = TRUE;
  link->sent_us = now;
  link->ok_us = now;
  /* Arming counts as a signature: the main thread asked for it. */
  atomic_store (&link->ui_alive_us, MAX (atomic_load (&link->ui_alive_us), now));
  link->max_late_us = 0;
  link->unanswered_us = 0;
  link->pen_gone = FALSE;
  stipple_rt_mutex_unlock (&link->lock);
}

/**
 * stipple_pen_link_disarm:
 * @link: a link
 *
 * No more heartbeats.
 */
void
stipple_pen_link_disarm (StipplePenLink *link)
{
  stipple_rt_mutex_lock (&link->lock);
  link->armed = FALSE;
  stipple_rt_mutex_unlock (&link->lock);
}

/**
 * stipple_pen_link_heartbeat_replied:
 * @link: a link
 * @seq: the reply's sequence number
 * @pen_armed: whether the pen said its needle still runs
 *
 * The pen answered a heartbeat; called on the transport's I/O thread the
 * moment the reply arrives.
 */
void
stipple_pen_link_heartbeat_replied (StipplePenLink *link,
                                    guint16         seq,
                                    gboolean        pen_armed)
{
  gint64 now = g_get_monotonic_time ();

  stipple_rt_mutex_lock (&link->lock);
  link->ok_us = now;
  link->unanswered_us = 0;
  if (pen_armed)
    {
      /* Lateness is judged over the heartbeats since the last answer. */
      link->max_late_us = 0;
    }
  else if (link->armed)
    {
      /* The pen stopped by itself: keep how late our heartbeats were,
       * the one due now and not yet sent included. A process frozen
       * whole and running again hears this answer before its link
       * thread has looked at the clock; judged later, the pen would be
       * blamed for this computer's silence. */
      link->max_late_us = MAX (link->max_late_us,
                               now - link->sent_us - STIPPLE_PEN_LINK_HEARTBEAT_INTERVAL_US);
    }
  stipple_rt_mutex_unlock (&link->lock);
}

/**
 * stipple_pen_link_send:
 * @link: a link
 * @slot: which command this is
 * @command: the command, its sequence number taken
 * @max_tries: how many tries the command has in all
 * @timeout_us: how long to wait for each reply, from when its try left
 *   the host
 * @error: return location for a #GError
 *
 * Sends @command now, on the calling thread, and keeps its time from
 * then on: the link thread sends it again while no reply comes within
 * @timeout_us and tries are left, and posts
 * %STIPPLE_PEN_LINK_COMMAND_UNANSWERED when they are spent. Whatever
 * @slot held before is forgotten.
 *
 * Returns: whether the first send went out; if not, nothing is timed
 */
gboolean
stipple_pen_link_send (StipplePenLink             *link,
                       StipplePenLinkSlot          slot,
                       const StippleProtoCommand  *command,
                       guint                       max_tries,
                       gint64                      timeout_us,
                       GError                    **error)
{
  guint8 frame[STIPPLE_PROTO_MAX_FRAME];
  gsize len = 0;
  Try try;

  g_return_val_if_fail (slot < STIPPLE_PEN_LINK_N_SLOTS, FALSE);

  if (stipple_proto_command_encode (command, frame, sizeof frame, &len) != STIPPLE_PROTO_STATUS_OK)
    {
      g_set_error (error, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_PROTOCOL,
                   _("Stipple could not encode the command for the pen."));
      return FALSE;
    }

  stipple_rt_mutex_lock (&link->lock);
  link->slots[slot].active = TRUE;
  link->slots[slot].type = command->type;
  link->slots[slot].seq = command->seq;
  memcpy (link->slots[slot].frame, frame, len);
  link->slots[slot].len = len;
  link->slots[slot].tries = 1;
  link->slots[slot].max_tries = max_tries;
  link->slots[slot].timeout_us = timeout_us;
  prepare_try (&link->slots[slot], &try);
  stipple_rt_mutex_unlock (&link->lock);

  if (send_try (link, slot, &try, error))
    return TRUE;

  stipple_rt_mutex_lock (&link->lock);
  if (link->slots[slot].generation == try.generation)
    link->slots[slot].active = FALSE;
  stipple_rt_mutex_unlock (&link->lock);
  return FALSE;
}

/**
 * stipple_pen_link_replied:
 * @link: a link
 * @command_type: the command the reply answers (its type without the
 *   reply bit)
 * @seq: the reply's sequence number
 * @busy: whether the pen answered BUSY
 *
 * A reply arrived; called on the transport's I/O thread the moment it
 * does. A reply to the command a slot waits for, whenever it comes,
 * ends that command's timing: it is not sent again; unless it is BUSY
 * and tries are left, when the command goes again after its timeout.
 */
void
stipple_pen_link_replied (StipplePenLink *link,
                          guint8          command_type,
                          guint16         seq,
                          gboolean        busy)
{
  stipple_rt_mutex_lock (&link->lock);
  for (guint i = 0; i < STIPPLE_PEN_LINK_N_SLOTS; i++)
    {
      Slot *slot = &link->slots[i];

      if (!slot->active || slot->type != command_type || slot->seq != seq)
        continue;
      /* BUSY is "not done": sent again once the reply timeout's time has
       * passed (docs/pen-protocol.md §4), while tries are left. */
      if (!busy || slot->tries >= slot->max_tries)
        slot->active = FALSE;
    }
  stipple_rt_mutex_unlock (&link->lock);
}

/**
 * stipple_pen_link_get_tries:
 * @link: a link
 * @slot: a slot
 * @seq: the command's sequence number
 *
 * Returns: how many tries of the command @seq in @slot went out, 0 if
 *   the slot holds another command
 */
guint
stipple_pen_link_get_tries (StipplePenLink     *link,
                            StipplePenLinkSlot  slot,
                            guint16             seq)
{
  guint tries;

  g_return_val_if_fail (slot < STIPPLE_PEN_LINK_N_SLOTS, 0);

  stipple_rt_mutex_lock (&link->lock);
  tries = link->slots[slot].seq == seq ? link->slots[slot].tries : 0;
  stipple_rt_mutex_unlock (&link->lock);
  return tries;
}

/**
 * stipple_pen_link_forget:
 * @link: a link
 * @slot: a slot
 *
 * Stops timing @slot's command: it was answered, failed or abandoned.
 */
void
stipple_pen_link_forget (StipplePenLink     *link,
                         StipplePenLinkSlot  slot)
{
  g_return_if_fail (slot < STIPPLE_PEN_LINK_N_SLOTS);

  stipple_rt_mutex_lock (&link->lock);
  link->slots[slot].active = FALSE;
  stipple_rt_mutex_unlock (&link->lock);
}

/**
 * stipple_pen_link_get_max_late_us:
 * @link: a link
 *
 * Returns: how late the latest heartbeats since the pen's last answer
 *   that said its needle ran left, past their 100 ms, counting the one
 *   that was due when the pen said it had stopped
 */
gint64
stipple_pen_link_get_max_late_us (StipplePenLink *link)
{
  gint64 late;

  stipple_rt_mutex_lock (&link->lock);
  late = link->max_late_us;
  stipple_rt_mutex_unlock (&link->lock);

  return late;
}

/**
 * stipple_pen_link_get_stats:
 * @link: a link
 * @stats: (out caller-allocates): filled with the heartbeats sent since
 *   the link started, the 99th percentile of the time between two of
 *   them (to the millisecond) and the longest, the oldest the liveness
 *   token got while armed, the link thread's scheduling priority, the
 *   longest the thread went without a tick while armed, the longest a
 *   heartbeat's send took, and the tries of commands sent again because
 *   no reply came in time
 */
void
stipple_pen_link_get_stats (StipplePenLink      *link,
                            StipplePenLinkStats *stats)
{
  guint64 total = 0, seen = 0;

  stipple_rt_mutex_lock (&link->lock);
  stats->heartbeats = link->heartbeats;
  stats->interval_max_us = link->max_interval_us;
  stats->ui_age_max_us = link->max_ui_age_us;
  stats->priority = link->priority;
  stats->tick_gap_max_us = link->max_tick_gap_us;
  stats->send_max_us = link->max_send_us;
  stats->resends = link->resends;
  stats->interval_p99_us = 0;
  for (guint i = 0; i < INTERVAL_BINS; i++)
    total += link->interval_bins[i];
  for (guint i = 0; i < INTERVAL_BINS && total > 0; i++)
    {
      seen += link->interval_bins[i];
      if (seen * 100 >= total * 99)
        {
          /* The bin's upper edge: never better than the truth. */
          stats->interval_p99_us = (gint64) (i + 1) * 1000;
          break;
        }
    }
  stipple_rt_mutex_unlock (&link->lock);
}
