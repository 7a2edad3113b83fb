/* stipple-store-records.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include "stipple-store-columns.h"

G_DEFINE_BOXED_TYPE (StipplePatient, stipple_patient, stipple_patient_copy, stipple_patient_free)
G_DEFINE_BOXED_TYPE (StippleScreeningAnswer, stipple_screening_answer,
                     stipple_screening_answer_copy, stipple_screening_answer_free)
G_DEFINE_BOXED_TYPE (StippleConsent, stipple_consent, stipple_consent_copy, stipple_consent_free)
G_DEFINE_BOXED_TYPE (StippleCourse, stipple_course, stipple_course_copy, stipple_course_free)
G_DEFINE_BOXED_TYPE (StippleSession, stipple_session, stipple_session_copy, stipple_session_free)
G_DEFINE_BOXED_TYPE (StippleAuditEntry, stipple_audit_entry,
                     stipple_audit_entry_copy, stipple_audit_entry_free)
G_DEFINE_BOXED_TYPE (StipplePatientChart, stipple_patient_chart,
                     stipple_patient_chart_copy, stipple_patient_chart_free)

/**
 * stipple_patient_new:
 *
 * Returns: (transfer full): an empty, unsaved patient
 */
StipplePatient *
stipple_patient_new (void)
{
  return g_new0 (StipplePatient, 1);
}

/**
 * stipple_patient_copy:
 * @patient: a patient
 *
 * Returns: (transfer full): a deep copy of @patient
 */
StipplePatient *
stipple_patient_copy (const StipplePatient *patient)
{
  StipplePatient *copy;

  g_return_val_if_fail (patient != NULL, NULL);

  copy = g_memdup2 (patient, sizeof *patient);
  stipple_record_copy_fields (&stipple_patient_table, copy, patient);
  return copy;
}

/**
 * stipple_patient_free:
 * @patient: (nullable): a patient
 */
void
stipple_patient_free (StipplePatient *patient)
{
  if (patient == NULL)
    return;
  stipple_record_free_fields (&stipple_patient_table, patient);
  g_free (patient);
}

/**
 * stipple_screening_answer_new:
 *
 * Returns: (transfer full): an empty, unsaved answer
 */
StippleScreeningAnswer *
stipple_screening_answer_new (void)
{
  return g_new0 (StippleScreeningAnswer, 1);
}

/**
 * stipple_screening_answer_copy:
 * @answer: an answer
 *
 * Returns: (transfer full): a deep copy of @answer
 */
StippleScreeningAnswer *
stipple_screening_answer_copy (const StippleScreeningAnswer *answer)
{
  StippleScreeningAnswer *copy;

  g_return_val_if_fail (answer != NULL, NULL);

  copy = g_memdup2 (answer, sizeof *answer);
  stipple_record_copy_fields (&stipple_screening_answer_table, copy, answer);
  return copy;
}

/**
 * stipple_screening_answer_free:
 * @answer: (nullable): an answer
 */
void
stipple_screening_answer_free (StippleScreeningAnswer *answer)
{
  if (answer == NULL)
    return;
  stipple_record_free_fields (&stipple_screening_answer_table, answer);
  g_free (answer);
}

/**
 * stipple_consent_new:
 *
 * Returns: (transfer full): an empty, unsaved consent
 */
StippleConsent *
stipple_consent_new (void)
{
  return g_new0 (StippleConsent, 1);
}

/**
 * stipple_consent_copy:
 * @consent: a consent
 *
 * Returns: (transfer full): a deep copy of @consent
 */
StippleConsent *
stipple_consent_copy (const StippleConsent *consent)
{
  StippleConsent *copy;

  g_return_val_if_fail (consent != NULL, NULL);

  copy = g_memdup2 (consent, sizeof *consent);
  stipple_record_copy_fields (&stipple_consent_table, copy, consent);
  return copy;
}

/**
 * stipple_consent_free:
 * @consent: (nullable): a consent
 */
void
stipple_consent_free (StippleConsent *consent)
{
  if (consent == NULL)
    return;
  stipple_record_free_fields (&stipple_consent_table, consent);
  g_free (consent);
}

/**
 * stipple_course_new:
 *
 * Returns: (transfer full): an empty, unsaved treatment course
 */
StippleCourse *
stipple_course_new (void)
{
  return g_new0 (StippleCourse, 1);
}

/**
 * stipple_course_copy:
 * @course: a course
 *
 * Returns: (transfer full): a deep copy of @course
 */
StippleCourse *
stipple_course_copy (const StippleCourse *course)
{
  StippleCourse *copy;

  g_return_val_if_fail (course != NULL, NULL);

  copy = g_memdup2 (course, sizeof *course);
  stipple_record_copy_fields (&stipple_course_table, copy, course);
  return copy;
}

/**
 * stipple_course_free:
 * @course: (nullable): a course
 */
void
stipple_course_free (StippleCourse *course)
{
  if (course == NULL)
    return;
  stipple_record_free_fields (&stipple_course_table, course);
  g_free (course);
}

/**
 * stipple_serum_new:
 * @product: the product's name
 * @lot: (nullable): its lot number
 *
 * Returns: (transfer full): a serum record
 */
StippleSerum *
stipple_serum_new (const char *product,
                   const char *lot)
{
  StippleSerum *serum = g_new0 (StippleSerum, 1);

  serum->product = g_strdup (product);
  serum->lot = g_strdup (lot);
  return serum;
}

/**
 * stipple_serum_free:
 * @serum: (nullable): a serum record
 */
void
stipple_serum_free (StippleSerum *serum)
{
  if (serum == NULL)
    return;
  stipple_record_free_fields (&stipple_session_serum_table, serum);
  g_free (serum);
}

/**
 * stipple_session_new:
 *
 * Returns: (transfer full): an empty, unsaved session
 */
StippleSession *
stipple_session_new (void)
{
  StippleSession *session = g_new0 (StippleSession, 1);

  session->serums = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_serum_free);
  session->plan = g_array_new (FALSE, TRUE, sizeof (StippleZonePass));
  session->erythema_grade = STIPPLE_ERYTHEMA_NOT_RECORDED;
  return session;
}

/**
 * stipple_session_copy:
 * @session: a session
 *
 * Returns: (transfer full): a deep copy of @session
 */
StippleSession *
stipple_session_copy (const StippleSession *session)
{
  StippleSession *copy;

  g_return_val_if_fail (session != NULL, NULL);

  copy = g_memdup2 (session, sizeof *session);
  stipple_record_copy_fields (&stipple_session_table, copy, session);
  copy->serums = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_serum_free);
  for (guint i = 0; i < session->serums->len; i++)
    {
      StippleSerum *serum = g_memdup2 (g_ptr_array_index (session->serums, i), sizeof *serum);

      stipple_record_copy_fields (&stipple_session_serum_table, serum,
                                  g_ptr_array_index (session->serums, i));
      g_ptr_array_add (copy->serums, serum);
    }
  copy->plan = g_array_copy (session->plan);
  return copy;
}

/**
 * stipple_session_free:
 * @session: (nullable): a session
 */
void
stipple_session_free (StippleSession *session)
{
  if (session == NULL)
    return;
  stipple_record_free_fields (&stipple_session_table, session);
  g_ptr_array_unref (session->serums);
  g_array_unref (session->plan);
  g_free (session);
}

/**
 * stipple_session_add_pass:
 * @session: a session
 * @zone: the zone
 * @depth_um: needle depth for this pass, micrometres
 * @stroke_rate_hz: strokes per second for this pass
 *
 * Appends the next pass over @zone to the plan; passes are numbered in
 * the order they are added.
 */
void
stipple_session_add_pass (StippleSession *session,
                          StippleZone     zone,
                          guint           depth_um,
                          guint           stroke_rate_hz)
{
  StippleZonePass pass = { zone, 1, depth_um, stroke_rate_hz };

  g_return_if_fail (session != NULL);

  for (guint i = 0; i < session->plan->len; i++)
    if (g_array_index (session->plan, StippleZonePass, i).zone == zone)
      pass.pass++;
  g_array_append_val (session->plan, pass);
}

static const char * const audit_keys[] = {
  [STIPPLE_AUDIT_SETTING] = "setting",
  [STIPPLE_AUDIT_ARM] = "arm",
  [STIPPLE_AUDIT_DISARM] = "disarm",
  [STIPPLE_AUDIT_EMERGENCY_STOP] = "emergency-stop",
  [STIPPLE_AUDIT_FAULT] = "fault",
  [STIPPLE_AUDIT_CONNECT] = "connect",
  [STIPPLE_AUDIT_DISCONNECT] = "disconnect",
  [STIPPLE_AUDIT_LIMIT_CONFIRMED] = "limit-confirmed",
};

/**
 * stipple_audit_kind_to_key:
 * @kind: an audit kind
 *
 * Returns: (nullable): the key stored in the audit table's `kind` column
 */
const char *
stipple_audit_kind_to_key (StippleAuditKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (audit_keys))
    return NULL;
  return audit_keys[kind];
}

/**
 * stipple_audit_kind_from_key:
 * @key: a key from the audit table
 * @kind: (out): the kind
 *
 * Returns: whether @key names an audit kind
 */
gboolean
stipple_audit_kind_from_key (const char       *key,
                             StippleAuditKind *kind)
{
  for (guint i = 0; key != NULL && i < G_N_ELEMENTS (audit_keys); i++)
    if (g_str_equal (audit_keys[i], key))
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * stipple_audit_entry_new:
 * @kind: what happened
 *
 * Returns: (transfer full): an unsaved audit entry
 */
StippleAuditEntry *
stipple_audit_entry_new (StippleAuditKind kind)
{
  StippleAuditEntry *entry = g_new0 (StippleAuditEntry, 1);

  entry->kind = kind;
  return entry;
}

/**
 * stipple_audit_entry_copy:
 * @entry: an entry
 *
 * Returns: (transfer full): a deep copy of @entry
 */
StippleAuditEntry *
stipple_audit_entry_copy (const StippleAuditEntry *entry)
{
  StippleAuditEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_memdup2 (entry, sizeof *entry);
  copy->uid = g_strdup (entry->uid);
  copy->at = entry->at ? g_date_time_ref (entry->at) : NULL;
  copy->user = g_strdup (entry->user);
  copy->sent = g_strdup (entry->sent);
  copy->acknowledgement = g_strdup (entry->acknowledgement);
  copy->read_back = g_strdup (entry->read_back);
  copy->detail = g_strdup (entry->detail);
  return copy;
}

/**
 * stipple_audit_entry_free:
 * @entry: (nullable): an entry
 */
void
stipple_audit_entry_free (StippleAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->uid);
  g_clear_pointer (&entry->at, g_date_time_unref);
  g_free (entry->user);
  g_free (entry->sent);
  g_free (entry->acknowledgement);
  g_free (entry->read_back);
  g_free (entry->detail);
  g_free (entry);
}

static GPtrArray *
copy_array (GPtrArray      *array,
            GBoxedCopyFunc  copy,
            GDestroyNotify  destroy)
{
  GPtrArray *out = g_ptr_array_new_full (array->len, destroy);

  for (guint i = 0; i < array->len; i++)
    g_ptr_array_add (out, copy (g_ptr_array_index (array, i)));
  return out;
}

/**
 * stipple_patient_chart_copy:
 * @chart: a chart
 *
 * Returns: (transfer full): a deep copy of @chart
 */
StipplePatientChart *
stipple_patient_chart_copy (const StipplePatientChart *chart)
{
  StipplePatientChart *copy;

  g_return_val_if_fail (chart != NULL, NULL);

  copy = g_new0 (StipplePatientChart, 1);
  copy->patient = stipple_patient_copy (chart->patient);
  copy->screening = copy_array (chart->screening, (GBoxedCopyFunc) stipple_screening_answer_copy,
                                (GDestroyNotify) stipple_screening_answer_free);
  copy->consents = copy_array (chart->consents, (GBoxedCopyFunc) stipple_consent_copy,
                               (GDestroyNotify) stipple_consent_free);
  copy->courses = copy_array (chart->courses, (GBoxedCopyFunc) stipple_course_copy,
                              (GDestroyNotify) stipple_course_free);
  copy->sessions = copy_array (chart->sessions, (GBoxedCopyFunc) stipple_session_copy,
                               (GDestroyNotify) stipple_session_free);
  return copy;
}

/**
 * stipple_patient_chart_free:
 * @chart: (nullable): a chart
 */
void
stipple_patient_chart_free (StipplePatientChart *chart)
{
  if (chart == NULL)
    return;
  stipple_patient_free (chart->patient);
  g_clear_pointer (&chart->screening, g_ptr_array_unref);
  g_clear_pointer (&chart->consents, g_ptr_array_unref);
  g_clear_pointer (&chart->courses, g_ptr_array_unref);
  g_clear_pointer (&chart->sessions, g_ptr_array_unref);
  g_free (chart);
}
