/* stipple-treatment-private.h: what the files of StippleTreatment share
 *
 * StippleTreatment is one class in files by job: the object, verification,
 * selection, arming and the stop (stipple-treatment.c); what the pen
 * reports, the audit trail, alarms and the graphs' sample tap
 * (stipple-treatment-pen.c); plans and limits (stipple-treatment-plan.c);
 * needle samples, zone totals and lost samples
 * (stipple-treatment-totals.c); ending the session
 * (stipple-treatment-end.c); the notes (stipple-treatment-notes.c). All of it runs on the main thread but the
 * sample tap, which the pen calls on its I/O thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-note-saver.h"
#include "stipple-pen-clock.h"
#include "stipple-stroke-analyser.h"
#include "stipple-treatment.h"

G_BEGIN_DECLS

/* Stroke totals reach the patient file at most this often. */
#define STROKE_FLUSH_SECONDS 1
/* A stroke that misses the commanded depth by more than this is out of
 * tolerance (the graphs use the same figure). */
#define DEPTH_TOLERANCE_UM 100
/* A loss episode ends after this long without further loss. */
#define LOSS_EPISODE_QUIET_MS 1000
/* A second and more of needle samples at 8 kHz between two frames. */
#define RING_CAPACITY (1u << 16)
#define STIPPLE_TREATMENT_N_NOTES 2

struct _StippleTreatment
{
  GObject               parent_instance;

  StippleStore         *store;
  StipplePen           *pen;
  StippleSession       *session;
  /* stipple_treatment_end_async() is saving the end. */
  gboolean              ending;
  char                 *user;
  StippleSkinThickness  thickness;
  StippleZoneLimits     limits;

  StippleZonePlan       plans[STIPPLE_N_ZONES];
  /* The deepest depth past its limit the clinician confirmed for each
   * zone in this session: sending that plan again does not ask again. */
  guint                 confirmed_um[STIPPLE_N_ZONES];
  guint64               strokes[STIPPLE_N_ZONES];
  guint64               unsaved_strokes[STIPPLE_N_ZONES];
  guint64               time_in_zone_us[STIPPLE_N_ZONES];
  guint64               unsaved_time_us[STIPPLE_N_ZONES];
  guint64               out_of_tolerance[STIPPLE_N_ZONES];
  guint64               unsaved_out_of_tolerance[STIPPLE_N_ZONES];
  /* Bit p-1 set once the needle was started on pass p of the zone. */
  guint                 passes_begun[STIPPLE_N_ZONES];
  StipplePenClock       pen_clock;
  StippleStrokeAnalyser analyser;
  StippleZone           analysed_zone;
  guint32               last_stroke_count;
  gboolean              have_stroke_count;
  guint                 stroke_flush_id;

  StippleZone           zone;
  guint                 pass;
  StippleVerification   verification;
  char                 *verification_message;
  GCancellable         *push_cancellable;
  gboolean              push_after_disarm;
  /* The settings the verification is for. */
  StipplePenSettings    pushed;

  StippleAlarmPriority  alarm_priority;
  char                 *alarm_message;
  gboolean              was_connected;
  gboolean              ended;

  /* Needle samples that never reached the patient file, and the episodes
   * of loss they came in; the open episode, if any. */
  guint64               samples_lost;
  guint                 loss_episodes;
  guint64               episode_lost;
  GDateTime            *episode_started;
  guint                 episode_timer;

  /* The graphs' samples: the pen's I/O thread writes into the ring
   * through the tap this treatment alone installs and removes. */
  StippleSampleRing     ring;
  StippleProtoSample   *ring_storage;
  gboolean              tapped;

  /* The notes before and after the treatment. */
  StippleNoteSaver     *note_savers[STIPPLE_TREATMENT_N_NOTES];
};

enum {
  PROP_0,
  PROP_ZONE,
  PROP_PASS,
  PROP_VERIFICATION,
  PROP_VERIFICATION_MESSAGE,
  PROP_ARMED,
  PROP_ALARM_PRIORITY,
  PROP_ALARM_MESSAGE,
  PROP_ENDED,
  PROP_ENDING,
  PROP_SAMPLES_LOST,
  PROP_LOSS_EPISODES,
  PROP_NOTES_PENDING,
  N_PROPS
};

extern GParamSpec *stipple_treatment_properties[N_PROPS];

enum {
  SIGNAL_PLAN_CHANGED,
  SIGNAL_STROKES_CHANGED,
  SIGNAL_NOTES_FAILED,
  N_SIGNALS
};

extern guint stipple_treatment_signals[N_SIGNALS];

/* stipple-treatment.c */
void     stipple_treatment_set_verification  (StippleTreatment         *self,
                                              StippleVerification       verification,
                                              const char               *message);
void     stipple_treatment_push_current      (StippleTreatment         *self);
/* stipple-treatment-end.c */
void     stipple_treatment_set_ending        (StippleTreatment         *self,
                                              gboolean                  ending);
void     stipple_treatment_disarm_needle     (StippleTreatment         *self);

/* stipple-treatment-pen.c */
void     stipple_treatment_write_audit       (StippleTreatment         *self,
                                              StippleAuditEntry        *entry);
void     stipple_treatment_raise_alarm       (StippleTreatment         *self,
                                              StippleAlarmPriority      priority,
                                              const char               *message);
void     stipple_treatment_pen_audit_cb      (StippleTreatment         *self,
                                              const char               *kind,
                                              GVariant                 *details,
                                              gint64                    timestamp,
                                              StipplePen               *pen);
void     stipple_treatment_pen_state_cb      (StippleTreatment         *self,
                                              GParamSpec               *pspec,
                                              StipplePen               *pen);
void     stipple_treatment_pen_disarmed_cb   (StippleTreatment         *self,
                                              StipplePenDisarmReason    reason,
                                              const char               *message,
                                              StipplePen               *pen);
void     stipple_treatment_pen_fault_cb      (StippleTreatment         *self,
                                              const GError             *error,
                                              StipplePen               *pen);
void     stipple_treatment_tap               (StippleTreatment         *self);
void     stipple_treatment_untap             (StippleTreatment         *self);

/* stipple-treatment-notes.c */
void     stipple_treatment_setup_notes       (StippleTreatment         *self);
void     stipple_treatment_clear_notes       (StippleTreatment         *self);

/* stipple-treatment-plan.c */
void     stipple_treatment_save_session_cb   (GObject                  *object,
                                              GAsyncResult             *result,
                                              gpointer                  user_data);

/* stipple-treatment-totals.c */
void     stipple_treatment_end_loss_episode  (StippleTreatment         *self);
void     stipple_treatment_flush_strokes     (StippleTreatment         *self,
                                              gboolean                  wait);
gboolean stipple_treatment_flush_strokes_cb  (gpointer                  user_data);
void     stipple_treatment_pen_telemetry_cb  (StippleTreatment         *self,
                                              const StippleProtoSample *samples,
                                              guint                     n_samples,
                                              guint                     lost,
                                              StipplePen               *pen);

G_END_DECLS
