/* stipple-pen-telemetry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-pen"

#include "config.h"

#include "stipple-pen-private.h"

/* What arrives from the pen (I/O thread in, main thread out): every
 * packet is decoded on the transport's I/O thread by
 * stipple_pen_packet_cb(); replies are queued for the request queue and
 * telemetry is counted, given to the sample function and batched, all in
 * StipplePenIo under its lock. The batches reach #StipplePen::telemetry on
 * the main thread every TELEMETRY_BATCH_MS. */

#define TELEMETRY_BATCH_MS        10
/* Samples waiting for a main loop that does not run (8 s at 8 kHz). */
#define PENDING_SAMPLES_MAX       65536

/* ------------------------------------------------------------------ */
/* The I/O thread                                                       */

/* Called with the lock held: the main thread hears of it once, however
 * many packets come before it looks. */
static void
signal_locked (StipplePen *self,
               gboolean   *signalled)
{
  if (*signalled)
    return;
  *signalled = TRUE;
  stipple_main_wakeup_signal (self->io.wakeup);
}

/* Every pen samples every 125 µs (docs/pen-protocol.md, 5.1). */
#define SAMPLE_PERIOD_US 125u

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
      stipple_rt_mutex_lock (&self->io.lock);
      self->io.stats.bad_frames++;
      stipple_rt_mutex_unlock (&self->io.lock);
      return;
    }

  stipple_rt_mutex_lock (&self->io.lock);

  /* A missing packet is found by the gap in the sequence; it held as many
   * samples as the pen puts in one. */
  per_packet = self->io.samples_per_packet > 0 ? self->io.samples_per_packet
                                            : STIPPLE_PROTO_TELEMETRY_MAX_SAMPLES;
  lost = telemetry.dropped;
  if (self->io.expect_restart)
    {
      lost += telemetry.packet_seq * per_packet;
      self->io.expect_restart = FALSE;
    }
  else if (self->io.seq_valid && telemetry.packet_seq != self->io.next_packet_seq)
    {
      guint32 missing = telemetry.packet_seq - self->io.next_packet_seq;

      /* Going backwards is the pen starting again from 0 (a
       * TELEMETRY_START sent twice), not four billion packets lost. */
      if (missing < G_MAXINT32)
        {
          /* The missing packets' own "lost" fields went with them: the
           * samples' times say exactly how many are missing in all
           * (docs/pen-protocol.md, 5.1 and 5.6). The packet count is
           * only the floor, for a pen whose times do not add up. */
          guint32 span = telemetry.count > 0 ? telemetry.samples[0].timestamp_us - self->io.last_sample_us : 0;
          guint64 by_time = span >= SAMPLE_PERIOD_US && span % SAMPLE_PERIOD_US == 0
                            ? span / SAMPLE_PERIOD_US - 1 : 0;
          guint64 by_count = (guint64) missing * per_packet + telemetry.dropped;

          lost = (guint) (by_time >= by_count && by_time - by_count < G_MAXINT32 ? by_time : by_count);
        }
    }
  self->io.seq_valid = TRUE;
  self->io.next_packet_seq = telemetry.packet_seq + 1;
  if (telemetry.count > 0)
    self->io.last_sample_us = telemetry.samples[telemetry.count - 1].timestamp_us;

  self->io.stats.packets++;
  self->io.stats.samples += telemetry.count;
  self->io.stats.lost += lost;

  if (self->io.sample_func != NULL)
    self->io.sample_func (telemetry.samples, telemetry.count, lost, self->io.sample_data);

  if (self->io.pending_samples->len + telemetry.count > PENDING_SAMPLES_MAX)
    {
      /* Nobody is reading on the main thread: keep the newest. */
      self->io.pending_lost += self->io.pending_samples->len;
      g_array_set_size (self->io.pending_samples, 0);
    }
  g_array_append_vals (self->io.pending_samples, telemetry.samples, telemetry.count);
  self->io.pending_lost += lost;
  signal_locked (self, &self->io.telemetry_signalled);

  stipple_rt_mutex_unlock (&self->io.lock);
}

void
stipple_pen_packet_cb (const guint8 *data,
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
      stipple_rt_mutex_lock (&self->io.lock);
      self->io.stats.bad_frames++;
      stipple_rt_mutex_unlock (&self->io.lock);
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
      stipple_rt_mutex_lock (&self->io.lock);
      self->io.stats.bad_frames++;
      stipple_rt_mutex_unlock (&self->io.lock);
      return;
    }

  /* The link's clock hears of an answer at once, not when the main
   * thread gets round to it: a heartbeat's answer feeds the watchdog's
   * count, and any other stops its command from being sent again. */
  if (reply->type == (STIPPLE_PROTO_MSG_HEARTBEAT | STIPPLE_PROTO_MSG_REPLY) && self->link != NULL)
    stipple_pen_link_heartbeat_replied (self->link, reply->seq,
                                        reply->result == STIPPLE_PROTO_RESULT_OK &&
                                        reply->body.status.state == STIPPLE_PROTO_STATE_ARMED);
  else if (self->link != NULL)
    stipple_pen_link_replied (self->link, reply->type & ~STIPPLE_PROTO_MSG_REPLY, reply->seq,
                              reply->result == STIPPLE_PROTO_RESULT_BUSY);

  stipple_rt_mutex_lock (&self->io.lock);
  g_queue_push_tail (&self->io.pending_replies, reply);
  signal_locked (self, &self->io.reply_signalled);
  stipple_rt_mutex_unlock (&self->io.lock);
}

/* ------------------------------------------------------------------ */
/* Batches on the main thread                                           */

static gboolean
telemetry_flush_cb (gpointer user_data)
{
  StipplePen *self = user_data;
  g_autoptr(GArray) samples = NULL;
  guint lost;

  g_clear_pointer (&self->io.telemetry_timer, g_source_unref);
  stipple_rt_mutex_lock (&self->io.lock);
  self->io.telemetry_signalled = FALSE;
  samples = g_steal_pointer (&self->io.pending_samples);
  self->io.pending_samples = g_array_sized_new (FALSE, FALSE, sizeof (StippleProtoSample), 256);
  lost = self->io.pending_lost;
  self->io.pending_lost = 0;
  stipple_rt_mutex_unlock (&self->io.lock);

  if (samples->len > 0 || lost > 0)
    stipple_pen_emit_telemetry (self, (const StippleProtoSample *) samples->data,
                                samples->len, lost);

  return G_SOURCE_REMOVE;
}

/* The I/O thread queued something: replies are taken at once, the
 * telemetry after TELEMETRY_BATCH_MS, in one batch. */
static gboolean
inbox_cb (gpointer user_data)
{
  StipplePen *self = user_data;
  gboolean telemetry;

  stipple_rt_mutex_lock (&self->io.lock);
  telemetry = self->io.telemetry_signalled;
  stipple_rt_mutex_unlock (&self->io.lock);

  stipple_pen_reply_flush_cb (self);
  if (telemetry && self->io.telemetry_timer == NULL)
    {
      self->io.telemetry_timer = g_timeout_source_new (TELEMETRY_BATCH_MS);
      g_source_set_callback (self->io.telemetry_timer, telemetry_flush_cb, self, NULL);
      g_source_set_static_name (self->io.telemetry_timer, "[stipple] pen telemetry batch");
      g_source_attach (self->io.telemetry_timer, self->io.main_context);
    }

  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* Setting up and tearing down                                          */

void
stipple_pen_io_init (StipplePen *self)
{
  stipple_rt_mutex_init (&self->io.lock);
  g_queue_init (&self->io.pending_replies);
  self->io.pending_samples = g_array_sized_new (FALSE, FALSE, sizeof (StippleProtoSample), 256);
  self->io.main_context = g_main_context_ref_thread_default ();
  self->io.wakeup = stipple_main_wakeup_new (self->io.main_context, G_PRIORITY_DEFAULT, inbox_cb,
                                             self);
}

void
stipple_pen_io_dispose (StipplePen *self)
{
  g_clear_pointer (&self->io.wakeup, stipple_main_wakeup_free);
  if (self->io.telemetry_timer != NULL)
    g_source_destroy (self->io.telemetry_timer);
  g_clear_pointer (&self->io.telemetry_timer, g_source_unref);
  stipple_rt_mutex_lock (&self->io.lock);
  g_queue_clear_full (&self->io.pending_replies, g_free);
  stipple_rt_mutex_unlock (&self->io.lock);
}

void
stipple_pen_io_finalize (StipplePen *self)
{
  g_clear_pointer (&self->io.pending_samples, g_array_unref);
  g_clear_pointer (&self->io.main_context, g_main_context_unref);
  stipple_rt_mutex_clear (&self->io.lock);
}

/* ------------------------------------------------------------------ */
/* Accessors                                                            */

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

  stipple_rt_mutex_lock (&self->io.lock);
  *stats = self->io.stats;
  stipple_rt_mutex_unlock (&self->io.lock);
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

  stipple_rt_mutex_lock (&self->io.lock);
  self->io.sample_func = func;
  self->io.sample_data = user_data;
  stipple_rt_mutex_unlock (&self->io.lock);
}
