/* stipple-pen-private.h: StipplePen's instance, shared by the files it is
 * split over (private to src/device/)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-main-wakeup.h"
#include "stipple-rt-mutex.h"
#include "stipple-pen.h"
#include "stipple-pen-link.h"

G_BEGIN_DECLS

/* docs/pen-protocol.md §7: the pen queues its reply within 20 ms of the
 * OUT transfer; the host waits 100 ms, a margin of 80 ms. */
#define DEFAULT_REPLY_TIMEOUT_MS  100
#define DEFAULT_ATTEMPTS          3

typedef struct _Request Request;

typedef void (*RequestDone) (StipplePen              *self,
                             Request                 *request,
                             const StippleProtoReply *reply,
                             const GError            *error);

/* A command in the queue (stipple-pen-requests.c); main thread only. */
struct _Request
{
  StippleProtoCommand  command;
  RequestDone          done;
  GTask               *task;
  StipplePenSettings   settings;
};

/* What the transport's I/O thread shares with the main thread
 * (stipple-pen-telemetry.c). Every field is read and written under
 * @lock, on either thread, except that @wakeup is made and freed on the
 * main thread, and @telemetry_timer is the main thread's own. The I/O
 * thread never touches the main context: it signals @wakeup once for
 * what it queued (reply_signalled, telemetry_signalled), and the main
 * thread batches the telemetry with a timer of its own. */
typedef struct
{
  StippleRtMutex            lock;
  StippleMainWakeup        *wakeup;
  GMainContext             *main_context;
  GSource                  *telemetry_timer;
  GArray                   *pending_samples;
  guint                     pending_lost;
  GQueue                    pending_replies;
  gboolean                  reply_signalled;
  gboolean                  telemetry_signalled;
  gboolean                  expect_restart;
  gboolean                  seq_valid;
  guint32                   next_packet_seq;
  /* The pen's time of the last sample received, for counting what a gap
   * in the packet sequence took with it. */
  guint32                   last_sample_us;
  guint                     samples_per_packet;
  StipplePenTelemetryStats  stats;
  StipplePenSampleFunc      sample_func;
  gpointer                  sample_data;
} StipplePenIo;

/* Everything outside @io is the main thread's. */
struct _StipplePen
{
  GObject              parent_instance;

  StippleTransport    *transport;
  gulong               attached_id;
  gulong               detached_id;

  /* The state machine (stipple-pen.c). */
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

  /* The request queue (stipple-pen-requests.c). */
  GQueue               queue;
  Request             *current;
  guint                reply_timeout_ms;
  guint                max_attempts;

  /* The heartbeat's thread and clock. */
  StipplePenLink      *link;

  /* The emergency stop (stipple-pen-stop.c). */
  gboolean             estop_pending;
  guint16              estop_seq;

  /* Shared with the I/O thread, under io.lock. */
  StipplePenIo         io;
};

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

/* stipple-pen.c: state and audit. Main thread. */
void     stipple_pen_notify          (StipplePen               *self,
                                      guint                     prop_id);
void     stipple_pen_emit_audit      (StipplePen               *self,
                                      const char               *kind,
                                      GVariantDict             *details);
void     stipple_pen_emit_telemetry  (StipplePen               *self,
                                      const StippleProtoSample *samples,
                                      guint                     n_samples,
                                      guint                     lost);
void     stipple_pen_set_state       (StipplePen               *self,
                                      StipplePenState           state);
void     stipple_pen_set_verified    (StipplePen               *self,
                                      gboolean                  verified);
void     stipple_pen_set_applied     (StipplePen               *self,
                                      const StipplePenSettings *settings);
void     stipple_pen_needle_stopped  (StipplePen               *self,
                                      StipplePenDisarmReason    reason,
                                      const char               *message);
void     stipple_pen_raise_fault     (StipplePen               *self,
                                      const GError             *error);

/* stipple-pen-requests.c: the request queue. Main thread. */
Request *stipple_pen_request_new       (guint8                     type,
                                        RequestDone                done,
                                        GTask                     *task);
void     stipple_pen_request_free      (Request                   *request);
guint16  stipple_pen_take_seq          (StipplePen                *self);
void     stipple_pen_enqueue           (StipplePen                *self,
                                        Request                   *request,
                                        gboolean                   next);
void     stipple_pen_fail_all_requests (StipplePen                *self,
                                        const GError              *error);
/* Main thread: a source scheduled from the I/O thread, or called
 * directly before a reply is given up on. */
gboolean stipple_pen_reply_flush_cb    (gpointer                   user_data);
void     stipple_pen_command_unanswered (StipplePen                 *self,
                                        guint16                     seq,
                                        guint                       tries);

/* stipple-pen-stop.c: heartbeat and emergency stop. Main thread (the
 * link posts its events to the main context). */
void     stipple_pen_start_heartbeat      (StipplePen                *self);
void     stipple_pen_stop_heartbeat       (StipplePen                *self);
void     stipple_pen_link_event_cb        (const StipplePenLinkEvent *event,
                                           gpointer                   user_data);
void     stipple_pen_heartbeat_replied    (StipplePen                *self,
                                           const StippleProtoReply   *reply);
void     stipple_pen_estop_replied        (StipplePen                *self,
                                           const StippleProtoReply   *reply);
void     stipple_pen_emergency_stop_full  (StipplePen                *self,
                                           StipplePenDisarmReason     reason,
                                           const char                *message);

/* stipple-pen-telemetry.c: what arrives from the pen. */
/* The transport's I/O thread. */
void     stipple_pen_packet_cb       (const guint8 *data,
                                      gsize         len,
                                      gpointer      user_data);
/* Main thread, from stipple_pen_init(), _dispose() (after the transport
 * stopped calling stipple_pen_packet_cb()) and _finalize(). */
void     stipple_pen_io_init         (StipplePen   *self);
void     stipple_pen_io_dispose      (StipplePen   *self);
void     stipple_pen_io_finalize     (StipplePen   *self);

/* stipple-pen-settings.c: settings, cartridge, result codes. Main thread. */
GError  *stipple_pen_refusal_error    (StipplePen               *self,
                                       guint8                    result,
                                       const StipplePenSettings *settings);
void     stipple_pen_update_cartridge (StipplePen              *self,
                                       const StippleProtoReply *reply);

G_END_DECLS
