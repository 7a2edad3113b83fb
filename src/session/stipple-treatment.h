/* stipple-treatment.h: one treatment session, between the pen and the patient file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "stipple-pen.h"
#include "stipple-presets.h"
#include "stipple-sample-ring.h"
#include "stipple-store.h"
#include "stipple-zone-limits.h"
#include "stipple-zones.h"

G_BEGIN_DECLS

#define STIPPLE_TREATMENT_ERROR (stipple_treatment_error_quark ())

typedef enum
{
  /* A depth past what the pen or its cartridge can do: never sent. */
  STIPPLE_TREATMENT_ERROR_ABOVE_HARD_CAP,
  /* A depth past the zone's clinical limit, not confirmed. */
  STIPPLE_TREATMENT_ERROR_NEEDS_CONFIRMATION,
  /* Passes or stroke rate out of range. */
  STIPPLE_TREATMENT_ERROR_INVALID,
  /* No pen, or the pen's settings are not verified for this zone. */
  STIPPLE_TREATMENT_ERROR_NOT_READY,
  /* The session has ended. */
  STIPPLE_TREATMENT_ERROR_ENDED,
} StippleTreatmentError;

/**
 * StippleVerification:
 * @STIPPLE_VERIFICATION_NONE: nothing is applied for the selected zone
 * @STIPPLE_VERIFICATION_PUSHING: settings are on their way to the pen
 * @STIPPLE_VERIFICATION_VERIFIED: the pen acknowledged them and read them back unchanged
 * @STIPPLE_VERIFICATION_FAILED: the pen refused them, or read back something else
 */
typedef enum
{
  STIPPLE_VERIFICATION_NONE,
  STIPPLE_VERIFICATION_PUSHING,
  STIPPLE_VERIFICATION_VERIFIED,
  STIPPLE_VERIFICATION_FAILED,
} StippleVerification;

/* IEC 60601-1-8 alarm priorities. */
typedef enum
{
  STIPPLE_ALARM_NONE,
  STIPPLE_ALARM_LOW,
  STIPPLE_ALARM_MEDIUM,
  STIPPLE_ALARM_HIGH,
} StippleAlarmPriority;

/**
 * StippleStopReason:
 * @STIPPLE_STOP_EMERGENCY: the emergency stop (header button, Shift+Esc,
 *   Pause): at once, and the pen forgets its settings
 * @STIPPLE_STOP_CLOSE: the window closes or goes with the treatment open:
 *   as an emergency stop
 * @STIPPLE_STOP_CLINICIAN: the clinician stops the needle on the treatment
 *   screen: an ordinary disarm, the settings stay verified
 * @STIPPLE_STOP_LOCK: the window locks after a time without input: as
 *   @STIPPLE_STOP_CLINICIAN
 *
 * Why the interface stops the needle; see stipple_treatment_stop().
 */
typedef enum
{
  STIPPLE_STOP_EMERGENCY,
  STIPPLE_STOP_CLOSE,
  STIPPLE_STOP_CLINICIAN,
  STIPPLE_STOP_LOCK,
} StippleStopReason;

typedef struct
{
  guint n_passes;
  guint depth_um[STIPPLE_MAX_PASSES];
  guint rate_hz;
} StippleZonePlan;

#define STIPPLE_TYPE_VERIFICATION (stipple_verification_get_type ())
#define STIPPLE_TYPE_ALARM_PRIORITY (stipple_alarm_priority_get_type ())
#define STIPPLE_TYPE_TREATMENT (stipple_treatment_get_type ())

GType stipple_verification_get_type   (void) G_GNUC_CONST;
GType stipple_alarm_priority_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (StippleTreatment, stipple_treatment, STIPPLE, TREATMENT, GObject)

GQuark                 stipple_treatment_error_quark        (void);

StippleTreatment      *stipple_treatment_new                (StippleStore            *store,
                                                             StipplePen              *pen,
                                                             const StippleSession    *session,
                                                             const char              *user,
                                                             StippleSkinThickness     thickness,
                                                             const StippleZoneLimits *limits);

const StippleSession  *stipple_treatment_get_session        (StippleTreatment        *self);
StipplePen            *stipple_treatment_get_pen            (StippleTreatment        *self);

guint                  stipple_treatment_get_limit          (StippleTreatment        *self,
                                                             StippleZone              zone);
guint                  stipple_treatment_get_hard_cap       (StippleTreatment        *self);
void                   stipple_treatment_set_thickness      (StippleTreatment        *self,
                                                             StippleSkinThickness     thickness);
StippleSkinThickness   stipple_treatment_get_thickness      (StippleTreatment        *self);
gboolean               stipple_treatment_set_plan           (StippleTreatment        *self,
                                                             StippleZone              zone,
                                                             const StippleZonePlan   *plan,
                                                             const char              *confirmation,
                                                             GError                 **error);
void                   stipple_treatment_set_skin_response  (StippleTreatment        *self,
                                                             int                      erythema_grade,
                                                             gboolean                 pinpoint_bleeding,
                                                             const char              *aftercare_given);
gboolean               stipple_treatment_get_plan           (StippleTreatment        *self,
                                                             StippleZone              zone,
                                                             StippleZonePlan         *plan);
guint64                stipple_treatment_get_strokes        (StippleTreatment        *self,
                                                             StippleZone              zone);
guint                  stipple_treatment_get_passes_begun   (StippleTreatment        *self,
                                                             StippleZone              zone);
guint64                stipple_treatment_get_time_in_zone   (StippleTreatment        *self,
                                                             StippleZone              zone);
guint64                stipple_treatment_get_out_of_tolerance (StippleTreatment      *self,
                                                             StippleZone              zone);

void                   stipple_treatment_select_zone        (StippleTreatment        *self,
                                                             StippleZone              zone,
                                                             guint                    pass);
StippleZone            stipple_treatment_get_zone           (StippleTreatment        *self);
guint                  stipple_treatment_get_pass           (StippleTreatment        *self);
void                   stipple_treatment_push               (StippleTreatment        *self);
StippleVerification    stipple_treatment_get_verification   (StippleTreatment        *self);
const char            *stipple_treatment_get_verification_message (StippleTreatment  *self);

gboolean               stipple_treatment_get_armed          (StippleTreatment        *self);
void                   stipple_treatment_arm_async          (StippleTreatment        *self,
                                                             GCancellable            *cancellable,
                                                             GAsyncReadyCallback      callback,
                                                             gpointer                 user_data);
gboolean               stipple_treatment_arm_finish         (StippleTreatment        *self,
                                                             GAsyncResult            *result,
                                                             GError                 **error);
void                   stipple_treatment_stop               (StippleTreatment        *self,
                                                             StippleStopReason        reason);
StippleSampleRing     *stipple_treatment_get_ring           (StippleTreatment        *self);

StippleAlarmPriority   stipple_treatment_get_alarm_priority (StippleTreatment        *self);
const char            *stipple_treatment_get_alarm_message  (StippleTreatment        *self);
void                   stipple_treatment_acknowledge_alarm  (StippleTreatment        *self);

gboolean               stipple_treatment_end                (StippleTreatment        *self,
                                                             GError                 **error);
void                   stipple_treatment_end_async          (StippleTreatment        *self,
                                                             GAsyncReadyCallback      callback,
                                                             gpointer                 user_data);
gboolean               stipple_treatment_end_finish         (StippleTreatment        *self,
                                                             GAsyncResult            *result,
                                                             GError                 **error);
gboolean               stipple_treatment_get_ending         (StippleTreatment        *self);

void                   stipple_treatment_set_note           (StippleTreatment        *self,
                                                             StippleNoteKind          kind,
                                                             const char              *text);
gboolean               stipple_treatment_get_notes_pending  (StippleTreatment        *self);
gboolean               stipple_treatment_flush_notes        (StippleTreatment        *self,
                                                             GError                 **error);
gboolean               stipple_treatment_get_ended          (StippleTreatment        *self);

guint64                stipple_treatment_get_samples_lost   (StippleTreatment        *self);
guint                  stipple_treatment_get_loss_episodes  (StippleTreatment        *self);

G_END_DECLS
