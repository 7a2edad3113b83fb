/* stipple-store-records.h: the records kept in the patient file
 *
 * Plain boxed structs: the store fills them in on its worker thread and
 * hands them to the main thread, so they carry no signals and no locks.
 * An id of 0 means "not saved yet".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "stipple-zones.h"

G_BEGIN_DECLS

typedef struct
{
  gint64  id;
  /* Random, stable across export and import. */
  char   *uid;
  /* The clinic's own number; unique in one patient file. */
  char   *record_number;
  char   *family_name;
  char   *given_name;
  /* ISO 8601 calendar date, YYYY-MM-DD. */
  char   *date_of_birth;
  char   *phone;
  char   *email;
  char   *address;
  /* 1 to 6; 0 when not yet assessed. */
  guint   fitzpatrick;
  char   *allergies;
  /* The language of the patient's copy of the report, a code as in
   * po/LINGUAS ("es"); NULL or "" for the interface language. */
  char   *language;
} StipplePatient;

typedef struct
{
  gint64    id;
  char     *uid;
  gint64    patient_id;
  /* The session the answer was given for, or 0. */
  gint64    session_id;
  /* A key of stipple_screening_get_items(). */
  char     *item_key;
  gboolean  answer;
  char     *note;
  /* YYYY-MM-DD */
  char     *answered_on;
} StippleScreeningAnswer;

typedef enum
{
  STIPPLE_CONSENT_TREATMENT,
  STIPPLE_CONSENT_PHOTOGRAPHS,
} StippleConsentKind;

typedef struct
{
  gint64              id;
  char               *uid;
  gint64              patient_id;
  StippleConsentKind  kind;
  gboolean            given;
  /* YYYY-MM-DD */
  char               *signed_on;
} StippleConsent;

typedef struct
{
  gint64  id;
  char   *uid;
  gint64  patient_id;
  char   *indications;
  guint   planned_sessions;
  guint   interval_days;
  /* YYYY-MM-DD */
  char   *started_on;
} StippleCourse;

/* One pass over one zone: a zone's plan is one of these per pass. */
typedef struct
{
  StippleZone  zone;
  /* 1-based. */
  guint        pass;
  guint        depth_um;
  guint        stroke_rate_hz;
} StippleZonePass;

typedef struct
{
  char *product;
  char *lot;
} StippleSerum;

/* How red the skin was at the end of the session. */
typedef enum
{
  STIPPLE_ERYTHEMA_NOT_RECORDED = -1,
  STIPPLE_ERYTHEMA_NONE = 0,
  STIPPLE_ERYTHEMA_MILD = 1,
  STIPPLE_ERYTHEMA_MODERATE = 2,
  STIPPLE_ERYTHEMA_MARKED = 3,
} StippleErythemaGrade;

typedef enum
{
  STIPPLE_NOTE_BEFORE,
  STIPPLE_NOTE_AFTER,
} StippleNoteKind;

typedef struct
{
  gint64      id;
  char       *uid;
  gint64      patient_id;
  /* 0 when the session belongs to no course. */
  gint64      course_id;
  GDateTime  *started_at;
  /* (nullable) */
  GDateTime  *ended_at;
  char       *clinician;
  char       *pen_serial;
  char       *pen_firmware;
  char       *cartridge_id;
  char       *cartridge_lot;
  /* (nullable): when the topical anaesthetic went on, and which. */
  GDateTime  *anaesthetic_at;
  char       *anaesthetic_product;
  /* (nullable): why the clinician treated despite a "stop" answer in
   * the screening; NULL when no answer called for it. */
  char       *screening_override;
  /* (element-type StippleSerum) */
  GPtrArray  *serums;
  /* (element-type StippleZonePass) */
  GArray     *plan;
  char       *note_before;
  char       *note_after;
  /* What the skin showed at the end; STIPPLE_ERYTHEMA_NOT_RECORDED
   * until the clinician records it. */
  StippleErythemaGrade erythema_grade;
  gboolean    pinpoint_bleeding;
  /* (nullable): the aftercare the patient was given, as given. */
  char       *aftercare_given;
  /* Strokes delivered per zone, indexed by StippleZone. Read only: the
   * store adds to them with stipple_store_add_strokes(). */
  guint64     strokes[STIPPLE_N_ZONES];
  /* Needle running on skin in each zone, µs, and strokes that missed the
   * commanded depth by more than the tolerance; added to with
   * stipple_store_add_zone_totals(). */
  guint64     time_in_zone_us[STIPPLE_N_ZONES];
  guint64     out_of_tolerance[STIPPLE_N_ZONES];
} StippleSession;

/* Something added to a session's notes after it ended: the notes of a
 * sealed session are never edited. */
typedef struct
{
  gint64           id;
  char            *uid;
  gint64           session_id;
  StippleNoteKind  kind;
  char            *text;
  char            *author;
  GDateTime       *written_at;
} StippleNoteAddendum;

typedef enum
{
  STIPPLE_AUDIT_SETTING,
  STIPPLE_AUDIT_ARM,
  STIPPLE_AUDIT_DISARM,
  STIPPLE_AUDIT_EMERGENCY_STOP,
  STIPPLE_AUDIT_FAULT,
  STIPPLE_AUDIT_CONNECT,
  STIPPLE_AUDIT_DISCONNECT,
  /* The clinician confirmed a depth above the zone's clinical limit. */
  STIPPLE_AUDIT_LIMIT_CONFIRMED,
} StippleAuditKind;

typedef struct
{
  gint64            id;
  char             *uid;
  /* 0 when the event belongs to no session (a fault at idle). */
  gint64            session_id;
  GDateTime        *at;
  char             *user;
  StippleAuditKind  kind;
  StippleZone       zone;
  /* For settings: what was sent, the pen's acknowledgement and what the
   * pen reported back when asked; free text for the other kinds. */
  char             *sent;
  char             *acknowledgement;
  char             *read_back;
  char             *detail;
} StippleAuditEntry;

/* A patient and everything recorded about them, as one screen needs it. */
typedef struct
{
  StipplePatient *patient;
  /* (element-type StippleScreeningAnswer) */
  GPtrArray      *screening;
  /* (element-type StippleConsent) */
  GPtrArray      *consents;
  /* (element-type StippleCourse) */
  GPtrArray      *courses;
  /* (element-type StippleSession), oldest first */
  GPtrArray      *sessions;
} StipplePatientChart;

#define STIPPLE_TYPE_PATIENT (stipple_patient_get_type ())
#define STIPPLE_TYPE_SCREENING_ANSWER (stipple_screening_answer_get_type ())
#define STIPPLE_TYPE_CONSENT (stipple_consent_get_type ())
#define STIPPLE_TYPE_COURSE (stipple_course_get_type ())
#define STIPPLE_TYPE_SESSION (stipple_session_get_type ())
#define STIPPLE_TYPE_AUDIT_ENTRY (stipple_audit_entry_get_type ())
#define STIPPLE_TYPE_PATIENT_CHART (stipple_patient_chart_get_type ())
#define STIPPLE_TYPE_NOTE_ADDENDUM (stipple_note_addendum_get_type ())

GType                   stipple_patient_get_type          (void) G_GNUC_CONST;
StipplePatient         *stipple_patient_new               (void);
StipplePatient         *stipple_patient_copy              (const StipplePatient *patient);
void                    stipple_patient_free              (StipplePatient       *patient);

GType                   stipple_screening_answer_get_type (void) G_GNUC_CONST;
StippleScreeningAnswer *stipple_screening_answer_new      (void);
StippleScreeningAnswer *stipple_screening_answer_copy     (const StippleScreeningAnswer *answer);
void                    stipple_screening_answer_free     (StippleScreeningAnswer       *answer);

GType                   stipple_consent_get_type          (void) G_GNUC_CONST;
StippleConsent         *stipple_consent_new               (void);
StippleConsent         *stipple_consent_copy              (const StippleConsent *consent);
void                    stipple_consent_free              (StippleConsent       *consent);

GType                   stipple_course_get_type           (void) G_GNUC_CONST;
StippleCourse          *stipple_course_new                (void);
StippleCourse          *stipple_course_copy               (const StippleCourse *course);
void                    stipple_course_free               (StippleCourse       *course);

StippleSerum           *stipple_serum_new                 (const char *product,
                                                           const char *lot);
void                    stipple_serum_free                (StippleSerum *serum);

GType                   stipple_note_addendum_get_type    (void) G_GNUC_CONST;
StippleNoteAddendum    *stipple_note_addendum_copy        (const StippleNoteAddendum *addendum);
void                    stipple_note_addendum_free        (StippleNoteAddendum       *addendum);

GType                   stipple_session_get_type          (void) G_GNUC_CONST;
StippleSession         *stipple_session_new               (void);
StippleSession         *stipple_session_copy              (const StippleSession *session);
void                    stipple_session_free              (StippleSession       *session);
void                    stipple_session_add_pass          (StippleSession       *session,
                                                           StippleZone           zone,
                                                           guint                 depth_um,
                                                           guint                 stroke_rate_hz);

GType                   stipple_audit_entry_get_type      (void) G_GNUC_CONST;
StippleAuditEntry      *stipple_audit_entry_new           (StippleAuditKind      kind);
StippleAuditEntry      *stipple_audit_entry_copy          (const StippleAuditEntry *entry);
void                    stipple_audit_entry_free          (StippleAuditEntry       *entry);
const char             *stipple_audit_kind_to_key         (StippleAuditKind      kind);
gboolean                stipple_audit_kind_from_key       (const char           *key,
                                                           StippleAuditKind     *kind);

GType                   stipple_patient_chart_get_type    (void) G_GNUC_CONST;
StipplePatientChart    *stipple_patient_chart_copy        (const StipplePatientChart *chart);
void                    stipple_patient_chart_free        (StipplePatientChart       *chart);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StipplePatient, stipple_patient_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleScreeningAnswer, stipple_screening_answer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleConsent, stipple_consent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleNoteAddendum, stipple_note_addendum_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleCourse, stipple_course_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleSession, stipple_session_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleAuditEntry, stipple_audit_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StipplePatientChart, stipple_patient_chart_free)

G_END_DECLS
