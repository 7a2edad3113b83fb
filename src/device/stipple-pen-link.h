/* stipple-pen-link.h: the pen link's own clock (private to StipplePen)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "stipple-pen.h"
#include "stipple-proto.h"
#include "stipple-transport.h"

G_BEGIN_DECLS

/* docs/pen-protocol.md §7 and docs/device.md, "Timing". */
#define STIPPLE_PEN_LINK_HEARTBEAT_INTERVAL_US (100 * 1000)
/* The pen's watchdog: this long without a heartbeat stops its needle. */
#define STIPPLE_PEN_LINK_SILENCE_US            (250 * 1000)
/* A heartbeat that leaves more than this after the one before it left
 * late: the host, not the pen, is to blame if the pen then stops. */
#define STIPPLE_PEN_LINK_LATE_US               (150 * 1000)
/* The window's thread must sign its liveness this often ... */
#define STIPPLE_PEN_LINK_LIVENESS_SIGN_US      (50 * 1000)
/* ... and a token older than this stops the needle: a frozen window
 * cannot take an emergency stop, so the pen must not run behind it. Long
 * enough that a busy PC's slow frame is no freeze (bench-link measures
 * the oldest token: under 250 ms with a CPU hog on every core). */
#define STIPPLE_PEN_LINK_LIVENESS_US           (1000 * 1000)
/* The pen answers a command within 20 ms (docs/pen-protocol.md §7). */
#define STIPPLE_PEN_LINK_REPLY_ALLOWANCE_US    (20 * 1000)

/* How often the link thread looks at its clock. */
#define STIPPLE_PEN_LINK_TICK_US               (5 * 1000)

typedef enum
{
  /* Heartbeats went out on time; the pen answered none for 250 ms. */
  STIPPLE_PEN_LINK_PEN_SILENT,
  /* Stipple's own heartbeats went out late (by late_by_us). */
  STIPPLE_PEN_LINK_HOST_LATE,
  /* The window's thread signed nothing for age_us: the link stopped the
   * needle itself. */
  STIPPLE_PEN_LINK_UI_FROZEN,
  /* The heartbeats could not be sent at all: the pen was unplugged; the
   * transport reports it. */
  STIPPLE_PEN_LINK_PEN_GONE,
  /* The pen's answers went unread: the transport's I/O thread did not
   * run for late_by_us (a starved computer, not a silent pen). */
  STIPPLE_PEN_LINK_READER_LATE,
  /* A command was sent every try it had and no reply came (slot, seq,
   * tries): not about the needle, but about a command the pen owes an
   * answer to. */
  STIPPLE_PEN_LINK_COMMAND_UNANSWERED,
} StipplePenLinkEventKind;

/* The commands whose replies the link times: the request queue's one
 * command in flight, and the emergency stop, which never waits in it. */
typedef enum
{
  STIPPLE_PEN_LINK_SLOT_REQUEST,
  STIPPLE_PEN_LINK_SLOT_ESTOP,
  STIPPLE_PEN_LINK_N_SLOTS,
} StipplePenLinkSlot;

typedef struct
{
  StipplePenLinkEventKind kind;
  gint64                  late_by_us;
  gint64                  age_us;
  /* For STIPPLE_PEN_LINK_COMMAND_UNANSWERED. */
  StipplePenLinkSlot      slot;
  guint16                 seq;
  guint                   tries;
} StipplePenLinkEvent;

/* Called on the main context the link was made on. */
typedef void (*StipplePenLinkEventFunc) (const StipplePenLinkEvent *event,
                                         gpointer                   user_data);

typedef struct _StipplePenLink StipplePenLink;

StipplePenLink *stipple_pen_link_new               (StippleTransport        *transport,
                                                    StipplePenLinkEventFunc  func,
                                                    gpointer                 user_data);
void            stipple_pen_link_free              (StipplePenLink          *link);
guint16         stipple_pen_link_take_seq          (StipplePenLink          *link);
void            stipple_pen_link_arm               (StipplePenLink          *link);
void            stipple_pen_link_disarm            (StipplePenLink          *link);
void            stipple_pen_link_heartbeat_replied (StipplePenLink          *link,
                                                    guint16                  seq,
                                                    gboolean                 pen_armed);
gboolean        stipple_pen_link_send              (StipplePenLink          *link,
                                                    StipplePenLinkSlot       slot,
                                                    const StippleProtoCommand *command,
                                                    guint                    max_tries,
                                                    gint64                   timeout_us,
                                                    GError                 **error);
void            stipple_pen_link_replied           (StipplePenLink          *link,
                                                    guint8                   command_type,
                                                    guint16                  seq,
                                                    gboolean                 busy);
guint           stipple_pen_link_get_tries         (StipplePenLink          *link,
                                                    StipplePenLinkSlot       slot,
                                                    guint16                  seq);
void            stipple_pen_link_forget            (StipplePenLink          *link,
                                                    StipplePenLinkSlot       slot);
gint64          stipple_pen_link_get_max_late_us   (StipplePenLink          *link);
void            stipple_pen_link_get_stats         (StipplePenLink          *link,
                                                    StipplePenLinkStats     *stats);

G_END_DECLS
