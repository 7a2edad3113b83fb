/* stipple-pen.h: the pen as the application sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "stipple-pen-error.h"
#include "stipple-proto.h"
#include "stipple-thread-priority.h"
#include "stipple-transport.h"

G_BEGIN_DECLS

/**
 * StipplePenState:
 * @STIPPLE_PEN_STATE_DISCONNECTED: no pen
 * @STIPPLE_PEN_STATE_CONNECTED: a pen is identified; the needle is stopped
 * @STIPPLE_PEN_STATE_ARMED: the needle runs
 * @STIPPLE_PEN_STATE_FAULT: the pen stopped by itself or disagreed with the
 *   host; settings must be pushed and verified again
 */
typedef enum
{
  STIPPLE_PEN_STATE_DISCONNECTED,
  STIPPLE_PEN_STATE_CONNECTED,
  STIPPLE_PEN_STATE_ARMED,
  STIPPLE_PEN_STATE_FAULT,
} StipplePenState;

/**
 * StipplePenDisarmReason:
 *
 * Why the needle stopped (#StipplePen::disarmed).
 */
typedef enum
{
  STIPPLE_PEN_DISARM_HOST,
  STIPPLE_PEN_DISARM_EMERGENCY_STOP,
  STIPPLE_PEN_DISARM_WATCHDOG,
  STIPPLE_PEN_DISARM_USB,
  STIPPLE_PEN_DISARM_CARTRIDGE_REMOVED,
  STIPPLE_PEN_DISARM_UNPLUGGED,
  STIPPLE_PEN_DISARM_NO_REPLY,
  STIPPLE_PEN_DISARM_HOST_LATE,
  STIPPLE_PEN_DISARM_HOST_FROZEN,
} StipplePenDisarmReason;

/* The settings for one zone, as sent to the pen and read back. */
typedef StippleProtoTreatment StipplePenSettings;
typedef StippleProtoIdentity  StipplePenIdentity;
typedef StippleProtoCartridge StipplePenCartridge;

/**
 * StipplePenSampleFunc:
 * @samples: (array length=n_samples): needle samples, in order
 * @n_samples: how many
 * @lost: samples lost just before the first of these
 * @user_data: data given to stipple_pen_set_sample_func()
 *
 * Called on the transport's I/O thread for each telemetry packet, so that a
 * sample ring can be filled without the main loop. Must not touch GObjects.
 */
typedef void (*StipplePenSampleFunc) (const StippleProtoSample *samples,
                                      guint                     n_samples,
                                      guint                     lost,
                                      gpointer                  user_data);

typedef struct
{
  guint64 samples;
  guint64 lost;
  guint64 packets;
  guint64 bad_frames;
} StipplePenTelemetryStats;

/* How the link kept its time: heartbeats sent while armed, the intervals
 * between them, and commands sent again for want of a reply. Where a
 * heartbeat came late, the last two say why: the link thread was not
 * run for that long (tick_gap_max_us: the scheduler), or a send took
 * that long (send_max_us: the transport). */
typedef struct
{
  guint64 heartbeats;
  gint64  interval_p99_us;
  gint64  interval_max_us;
  gint64  ui_age_max_us;
  guint64 resends;
  /* The link thread's scheduling. */
  StippleThreadPriority priority;
  gint64  tick_gap_max_us;
  gint64  send_max_us;
} StipplePenLinkStats;

#define STIPPLE_TYPE_PEN_STATE          (stipple_pen_state_get_type ())
#define STIPPLE_TYPE_PEN_DISARM_REASON  (stipple_pen_disarm_reason_get_type ())
#define STIPPLE_TYPE_PEN_SETTINGS       (stipple_pen_settings_get_type ())
#define STIPPLE_TYPE_PEN_IDENTITY       (stipple_pen_identity_get_type ())
#define STIPPLE_TYPE_PEN_CARTRIDGE      (stipple_pen_cartridge_get_type ())
#define STIPPLE_TYPE_PEN                (stipple_pen_get_type ())

GType stipple_pen_state_get_type          (void) G_GNUC_CONST;
GType stipple_pen_disarm_reason_get_type  (void) G_GNUC_CONST;
GType stipple_pen_settings_get_type       (void) G_GNUC_CONST;
GType stipple_pen_identity_get_type       (void) G_GNUC_CONST;
GType stipple_pen_cartridge_get_type      (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (StipplePen, stipple_pen, STIPPLE, PEN, GObject)

StipplePen                *stipple_pen_new                  (StippleTransport      *transport);
gboolean                   stipple_pen_start                (StipplePen            *self,
                                                             GError               **error);
void                       stipple_pen_stop                 (StipplePen            *self);
StippleTransport          *stipple_pen_get_transport        (StipplePen            *self);

StipplePenState            stipple_pen_get_state            (StipplePen            *self);
gboolean                   stipple_pen_get_connected        (StipplePen            *self);
gboolean                   stipple_pen_get_verified         (StipplePen            *self);
const StipplePenIdentity  *stipple_pen_get_identity         (StipplePen            *self);
const StipplePenCartridge *stipple_pen_get_cartridge        (StipplePen            *self);
const StipplePenSettings  *stipple_pen_get_applied_settings (StipplePen            *self);
guint                      stipple_pen_get_last_pen_disarm  (StipplePen            *self);
void                       stipple_pen_get_telemetry_stats  (StipplePen            *self,
                                                             StipplePenTelemetryStats *stats);
void                      stipple_pen_get_link_stats        (StipplePen               *self,
                                                             StipplePenLinkStats      *stats);
void                       stipple_pen_set_sample_func      (StipplePen            *self,
                                                             StipplePenSampleFunc   func,
                                                             gpointer               user_data);
void                       stipple_pen_set_reply_timeout    (StipplePen            *self,
                                                             guint                  timeout_ms,
                                                             guint                  attempts);

void                       stipple_pen_push_settings_async  (StipplePen            *self,
                                                             const StipplePenSettings *settings,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
gboolean                   stipple_pen_push_settings_finish (StipplePen            *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);
void                       stipple_pen_arm_async            (StipplePen            *self,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
gboolean                   stipple_pen_arm_finish           (StipplePen            *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);
void                       stipple_pen_disarm_async         (StipplePen            *self,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
gboolean                   stipple_pen_disarm_finish        (StipplePen            *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);
void                       stipple_pen_emergency_stop       (StipplePen            *self);

char                      *stipple_pen_format_depth         (guint                  depth_um);

G_END_DECLS
