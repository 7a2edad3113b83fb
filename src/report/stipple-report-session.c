/* stipple-report-session.c
 *
 * The report of one session, read from the patient file: everything the
 * PDF shows comes from what the store recorded (the session, its
 * screening and consents, its plan and zone totals, its audit trail and
 * its needle samples), never from what a screen happens to show.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-report"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "stipple-pen-clock.h"
#include "stipple-report-session.h"
#include "stipple-screening.h"
#include "stipple-stroke-analyser.h"

/* The start of the audit detail of an episode of lost samples, as
 * StippleTreatment writes it. */
#define SAMPLES_LOST_DETAIL "samples-lost:"

#define GRAPH_COLUMNS STIPPLE_REPORT_GRAPH_COLUMNS
#define DEFAULT_INTERVAL_DAYS 28

static GDateTime *
parse_date (const char *iso)
{
  int y, m, d;

  if (iso == NULL || sscanf (iso, "%d-%d-%d", &y, &m, &d) != 3)
    return NULL;

  return g_date_time_new_utc (y, m, d, 0, 0, 0);
}

static GDateTime *
to_local (GDateTime *dt)
{
  return dt != NULL ? g_date_time_to_local (dt) : NULL;
}

static void
add_zones (StippleReportData       *data,
           const StippleSession    *session,
           const StippleZoneLimits *limits)
{
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      StippleReportZone zone = { .zone = z };

      for (guint i = 0; i < session->plan->len; i++)
        {
          const StippleZonePass *pass = &g_array_index (session->plan, StippleZonePass, i);

          if (pass->zone != (StippleZone) z || pass->pass < 1 || pass->pass > STIPPLE_MAX_PASSES)
            continue;
          zone.depth_um[pass->pass - 1] = pass->depth_um;
          zone.rate_hz = pass->stroke_rate_hz;
          zone.n_passes = MAX (zone.n_passes, pass->pass);
        }
      if (zone.n_passes == 0 && session->strokes[z] == 0)
        continue;

      zone.limit_um = stipple_zone_limits_get (limits, z, STIPPLE_SKIN_THIN);
      zone.strokes = session->strokes[z];
      zone.time_in_zone_us = session->time_in_zone_us[z];
      zone.out_of_tolerance = session->out_of_tolerance[z];
      g_array_append_val (data->zones, zone);
    }
}

/* The passes the needle was started on, per zone, from the audit trail's
 * arm records ("zone=cheek-left pass=1"): a zone planned for two passes
 * and treated once reads "1 of 2", never "2". */
static gboolean
count_passes_in (GPtrArray *audit,
                 guint      passes_done[STIPPLE_N_ZONES])
{
  guint begun[STIPPLE_N_ZONES] = { 0 };
  gboolean known = FALSE;

  for (guint i = 0; audit != NULL && i < audit->len; i++)
    {
      const StippleAuditEntry *entry = g_ptr_array_index (audit, i);
      const char *p;
      guint64 pass;

      if (entry->kind != STIPPLE_AUDIT_ARM || entry->sent == NULL ||
          (p = strstr (entry->sent, "pass=")) == NULL)
        continue;
      known = TRUE;
      if (g_strcmp0 (entry->acknowledgement, "refused") == 0 || stipple_zone_get_info (entry->zone) == NULL)
        continue;
      pass = g_ascii_strtoull (p + strlen ("pass="), NULL, 10);
      if (pass >= 1 && pass <= STIPPLE_MAX_PASSES)
        begun[entry->zone] |= 1u << (pass - 1);
    }

  for (guint z = 0; z < STIPPLE_N_ZONES; z++)
    {
      passes_done[z] = 0;
      for (guint p = 0; p < STIPPLE_MAX_PASSES; p++)
        passes_done[z] += (begun[z] >> p) & 1;
    }

  return known;
}

/**
 * stipple_report_count_passes_done:
 * @audit: (element-type StippleAuditEntry): the session's audit trail, as
 *   stipple_store_list_audit() gives it
 * @passes_done: (out caller-allocates): per zone, the passes the needle
 *   was started on
 *
 * Counts as the record does, from the audit trail's arm records: the
 * summary on screen and the record count alike.
 *
 * Returns: whether the trail records passes at all (sessions recorded
 *   before it did have no count)
 */
gboolean
stipple_report_count_passes_done (GPtrArray *audit,
                                  guint      passes_done[STIPPLE_N_ZONES])
{
  g_return_val_if_fail (audit != NULL, FALSE);

  return count_passes_in (audit, passes_done);
}

static void
add_passes_done (StippleReportData *data,
                 GPtrArray         *audit)
{
  guint done[STIPPLE_N_ZONES];
  gboolean known = count_passes_in (audit, done);

  for (guint i = 0; i < data->zones->len; i++)
    {
      StippleReportZone *zone = &g_array_index (data->zones, StippleReportZone, i);

      zone->passes_known = known;
      zone->passes_done = done[zone->zone];
    }
}

static void
add_screening (StippleReportData         *data,
               const StipplePatientChart *chart,
               const StippleSession      *session)
{
  for (guint i = 0; i < chart->screening->len; i++)
    {
      const StippleScreeningAnswer *answer = g_ptr_array_index (chart->screening, i);
      const StippleScreeningItem *item = stipple_screening_lookup (answer->item_key);

      if (answer->session_id != session->id || item == NULL)
        continue;
      stipple_report_data_add_screening (data, stipple_screening_get_question (item), answer->answer,
                                         item->severity == STIPPLE_SCREENING_STOP);
    }
  data->override_reason = g_strdup (session->screening_override);

  for (guint i = 0; i < chart->consents->len; i++)
    {
      const StippleConsent *consent = g_ptr_array_index (chart->consents, i);

      /* The latest record of each kind is the one in force. */
      if (consent->kind == STIPPLE_CONSENT_TREATMENT)
        data->consent_treatment = consent->given;
      else if (consent->kind == STIPPLE_CONSENT_PHOTOGRAPHS)
        {
          data->consent_photographs = consent->given;
          data->photographs_asked = TRUE;
        }
      if (consent->given && consent->signed_on != NULL)
        {
          g_clear_pointer (&data->consent_date, g_date_time_unref);
          data->consent_date = parse_date (consent->signed_on);
        }
    }
}

static void
add_events (StippleReportData  *data,
            GPtrArray          *audit)
{

  for (guint i = 0; audit != NULL && i < audit->len; i++)
    {
      const StippleAuditEntry *entry = g_ptr_array_index (audit, i);
      g_autoptr(GDateTime) when = to_local (entry->at);
      g_autofree char *what = NULL;
      guint depth = 0, limit = 0;

      switch (entry->kind)
        {
        case STIPPLE_AUDIT_LIMIT_CONFIRMED:
          if (entry->sent != NULL)
            {
              const char *d = strstr (entry->sent, "depth_um=");
              const char *l = strstr (entry->sent, "limit_um=");

              if (d != NULL)
                depth = (guint) g_ascii_strtoull (d + strlen ("depth_um="), NULL, 10);
              if (l != NULL)
                limit = (guint) g_ascii_strtoull (l + strlen ("limit_um="), NULL, 10);
            }
          what = g_strdup_printf (_("%.2f mm on %s, above its limit of %.2f mm, by %s: %s"),
                                  depth / 1000.0, stipple_zone_get_name (entry->zone) ?: "?",
                                  limit / 1000.0, entry->user, entry->detail ? entry->detail : "");
          stipple_report_data_add_event (data, when, what, FALSE);
          break;

        case STIPPLE_AUDIT_EMERGENCY_STOP:
          what = g_strdup_printf (_("Emergency stop by %s"), entry->user);
          stipple_report_data_add_event (data, when, what, TRUE);
          break;

        case STIPPLE_AUDIT_FAULT:
          /* Lost samples are one line of their own, not one fault an
           * episode (docs/patient-file.md, "Lost needle samples"). */
          if (entry->detail != NULL && g_str_has_prefix (entry->detail, SAMPLES_LOST_DETAIL))
            {
              const char *count = strstr (entry->detail, " count=");

              if (count != NULL)
                data->samples_lost += g_ascii_strtoull (count + strlen (" count="), NULL, 10);
              data->loss_episodes++;
              break;
            }
          {
            const char *detail = entry->detail ? entry->detail : "";

            /* The row already says "Fault": not "Fault fault: …". */
            if (g_str_has_prefix (detail, "fault: "))
              detail += strlen ("fault: ");
            else if (g_str_equal (detail, "fault"))
              detail = "";
            stipple_report_data_add_event (data, when, detail, TRUE);
          }
          break;

        case STIPPLE_AUDIT_SETTING:
        case STIPPLE_AUDIT_ARM:
        case STIPPLE_AUDIT_DISARM:
        case STIPPLE_AUDIT_CONNECT:
        case STIPPLE_AUDIT_DISCONNECT:
        default:
          break;
        }
    }
}

/* Whether the session's record still holds together, and the chain's
 * head as an anchor for the footer. */
static void
add_record_check (StippleReportData *data,
                  StippleStore      *store,
                  gint64             session_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleVerifyResult) result = stipple_store_verify (store, session_id, &error);
  const StippleVerifyBreak *broken;

  /* Not checked is not whole: the first page says so. */
  if (result == NULL)
    {
      data->record_warning = g_strdup_printf (_("This record could not be checked against "
                                                "changes made outside Stipple: %s"),
                                              error->message);
      return;
    }
  data->anchor_row = result->head_id;
  data->anchor_hash = g_strdup (result->head_hash);
  broken = stipple_verify_result_get_session_break (result, session_id);
  if (broken != NULL)
    data->record_warning = g_strdup_printf (_("This record may have been changed outside "
                                              "Stipple: %s"), broken->message);
}

/* The session's photographs, hidden ones too: the chart copy keeps them
 * and the patient copy leaves them out (stipple-report-photos.c). */
static void
add_photos (StippleReportData *data,
            StippleStore      *store,
            gint64             patient_id,
            gint64             session_id)
{
  g_autoptr(GPtrArray) photos = stipple_store_list_photos (store, patient_id, session_id, TRUE,
                                                           TRUE, NULL);

  for (guint i = 0; photos != NULL && i < photos->len; i++)
    {
      const StipplePhoto *p = g_ptr_array_index (photos, i);

      stipple_report_data_add_photo (data, p->view, p->zone, p->moment, p->jpeg, p->width,
                                     p->height, p->hidden);
    }
}

/* One min/max column per slice of the session: the report's graphs stay
 * a few hundred path points whatever the session's length. */
static gboolean
add_graphs (StippleReportData  *data,
            StippleStore       *store,
            gint64              session_id,
            GError            **error)
{
  g_autoptr(GArray) times = NULL;
  g_autoptr(GArray) skipped = NULL;
  guint n_blocks = 0;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GArray) samples = stipple_store_load_telemetry_full (store, session_id, &times,
                                                                 &skipped, &n_blocks,
                                                                 &local_error);
  StippleReportPoint depth_cols[GRAPH_COLUMNS];
  StippleReportPoint rate_cols[GRAPH_COLUMNS];
  gboolean depth_set[GRAPH_COLUMNS] = { FALSE };
  gboolean rate_set[GRAPH_COLUMNS] = { FALSE };
  StippleStrokeAnalyser analyser;
  gint64 first, span;

  if (skipped != NULL && skipped->len > 0)
    {
      g_autoptr(GString) where = g_string_new (NULL);

      for (guint i = 0; i < skipped->len; i++)
        g_string_append_printf (where, "%s%.0f s", i > 0 ? ", " : "",
                                g_array_index (skipped, gint64, i) / 1e6);
      data->telemetry_missing =
        g_strdup_printf (_("Needle data that could not be read is left out of these graphs: "
                           "%u of %u blocks of one second, starting at %s."),
                         skipped->len, n_blocks, where->str);
    }
  /* A file that cannot be read at all is an error, never a report that
   * quietly has no graphs; damaged blocks alone are left out and named
   * above. Needle data kept in an archive that is missing or was changed
   * leaves the clinical record whole: the report is written, and says in
   * place of the graphs why they are not there. */
  if (samples == NULL &&
      (g_error_matches (local_error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND) ||
       g_error_matches (local_error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT)) &&
      stipple_store_get_needle_archived (store, session_id))
    {
      data->telemetry_unreadable = g_strdup_printf (_("The needle graphs could not be drawn: %s"),
                                                    local_error->message);
      return TRUE;
    }
  if (samples == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  data->telemetry_thinned_at = stipple_store_get_needle_thinned_at (store, session_id, NULL);
  if (times == NULL || samples->len == 0 || times->len != samples->len)
    return TRUE;

  first = g_array_index (times, gint64, 0);
  span = MAX (g_array_index (times, gint64, times->len - 1) - first, 1);
  stipple_stroke_analyser_init (&analyser, 0, 0);

  for (guint i = 0; i < samples->len; i++)
    {
      const StippleProtoSample *sample = &g_array_index (samples, StippleProtoSample, i);
      gint64 t = g_array_index (times, gint64, i) - first;
      StippleStroke stroke;
      guint col;

      if (!stipple_stroke_analyser_add (&analyser, (guint64) t, sample, &stroke) || !stroke.in_skin)
        continue;

      col = (guint) MIN ((guint64) t * GRAPH_COLUMNS / (guint64) span, GRAPH_COLUMNS - 1);
      if (!depth_set[col])
        {
          depth_cols[col] = (StippleReportPoint) { t / 1e6, stroke.peak_um, stroke.peak_um };
          depth_set[col] = TRUE;
        }
      depth_cols[col].min = MIN (depth_cols[col].min, stroke.peak_um);
      depth_cols[col].max = MAX (depth_cols[col].max, stroke.peak_um);

      if (stroke.interval_us > 0)
        {
          double rate = 1e6 / stroke.interval_us;

          if (!rate_set[col])
            {
              rate_cols[col] = (StippleReportPoint) { t / 1e6, rate, rate };
              rate_set[col] = TRUE;
            }
          rate_cols[col].min = MIN (rate_cols[col].min, rate);
          rate_cols[col].max = MAX (rate_cols[col].max, rate);
        }
    }

  for (guint c = 0; c < GRAPH_COLUMNS; c++)
    {
      if (depth_set[c])
        g_array_append_val (data->depth_series, depth_cols[c]);
      if (rate_set[c])
        g_array_append_val (data->rate_series, rate_cols[c]);
    }
  return TRUE;
}

static GDateTime *
next_session (const StipplePatientChart *chart,
              const StippleSession      *session)
{
  guint interval = DEFAULT_INTERVAL_DAYS;

  for (guint i = 0; i < chart->courses->len; i++)
    {
      const StippleCourse *course = g_ptr_array_index (chart->courses, i);
      guint done = 0;

      if (course->id != session->course_id || session->course_id == 0)
        continue;
      for (guint s = 0; s < chart->sessions->len; s++)
        {
          const StippleSession *other = g_ptr_array_index (chart->sessions, s);

          if (other->course_id == course->id &&
              g_date_time_compare (other->started_at, session->started_at) <= 0)
            done++;
        }
      /* The course is complete: no next session to suggest. */
      if (course->planned_sessions > 0 && done >= course->planned_sessions)
        return NULL;
      if (course->interval_days > 0)
        interval = course->interval_days;
    }

  return session->started_at ? g_date_time_add_days (session->started_at, interval) : NULL;
}

/**
 * stipple_report_data_from_session:
 * @store: the patient file
 * @session_id: the session
 * @clinic_name: (nullable): for the header
 * @clinic_address: (nullable): for the header
 * @limits: the clinic's zone limits
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the report data, or %NULL with
 *   @error set
 */
StippleReportData *
stipple_report_data_from_session (StippleStore             *store,
                                  gint64                    session_id,
                                  const char               *clinic_name,
                                  const char               *clinic_address,
                                  const StippleZoneLimits  *limits,
                                  GError                  **error)
{
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(StippleReportData) data = NULL;
  const StippleSession *session = NULL;
  const StipplePatient *patient;
  gint64 patient_id;

  g_return_val_if_fail (STIPPLE_IS_STORE (store), NULL);
  g_return_val_if_fail (limits != NULL, NULL);

  if (!stipple_store_find_session_patient (store, session_id, &patient_id, error))
    return NULL;
  chart = stipple_store_load_chart (store, patient_id, error);
  if (chart == NULL)
    return NULL;
  for (guint i = 0; i < chart->sessions->len && session == NULL; i++)
    if (((StippleSession *) g_ptr_array_index (chart->sessions, i))->id == session_id)
      session = g_ptr_array_index (chart->sessions, i);
  g_assert (session != NULL);
  patient = chart->patient;

  data = stipple_report_data_new ();
  data->clinic_name = g_strdup (clinic_name);
  data->clinic_address = g_strdup (clinic_address);
  data->patient_name = g_strdup_printf ("%s %s", patient->given_name ? patient->given_name : "",
                                        patient->family_name ? patient->family_name : "");
  g_strstrip (data->patient_name);
  data->record_number = g_strdup (patient->record_number);
  data->date_of_birth = parse_date (patient->date_of_birth);
  data->fitzpatrick = patient->fitzpatrick;
  data->allergies = g_strdup (patient->allergies);
  data->language = g_strdup (patient->language);

  data->session_start = to_local (session->started_at);
  data->session_end = to_local (session->ended_at);
  data->clinician = g_strdup (session->clinician);
  data->pen_serial = g_strdup (session->pen_serial);
  data->pen_firmware = g_strdup (session->pen_firmware);
  data->cartridge_id = g_strdup (session->cartridge_id);
  data->cartridge_lot = g_strdup (session->cartridge_lot);
  data->anaesthetic = g_strdup (session->anaesthetic_product);
  data->anaesthetic_applied = to_local (session->anaesthetic_at);
  for (guint i = 0; i < session->serums->len; i++)
    {
      const StippleSerum *serum = g_ptr_array_index (session->serums, i);
      stipple_report_data_add_serum (data, serum->product, serum->lot);
    }

  add_screening (data, chart, session);
  add_zones (data, session, limits);
  /* The audit trail and the needle data are part of the record: one that
   * cannot be read fails the report, in words, rather than leave them
   * out. */
  {
    g_autoptr(GPtrArray) audit = stipple_store_list_audit (store, session_id, error);

    if (audit == NULL)
      return NULL;
    add_passes_done (data, audit);
    add_events (data, audit);
  }
  if (!add_graphs (data, store, session_id, error))
    return NULL;
  add_record_check (data, store, session_id);
  add_photos (data, store, patient_id, session_id);

  data->notes_before = g_strdup (session->note_before);
  data->notes_after = g_strdup (session->note_after);
  {
    g_autoptr(GError) local_error = NULL;
    g_autoptr(GPtrArray) addenda = stipple_store_list_note_addenda (store, session_id,
                                                                    &local_error);

    if (addenda == NULL)
      {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return NULL;
      }
    for (guint i = 0; i < addenda->len; i++)
      {
        const StippleNoteAddendum *from = g_ptr_array_index (addenda, i);
        StippleReportAddendum *addendum = g_new0 (StippleReportAddendum, 1);

        addendum->written_at = to_local (from->written_at);
        addendum->author = g_strdup (from->author);
        addendum->to_note_before = from->kind == STIPPLE_NOTE_BEFORE;
        addendum->text = g_strdup (from->text);
        g_ptr_array_add (data->addenda, addendum);
      }
  }
  data->erythema_grade = session->erythema_grade;
  data->pinpoint_bleeding = session->pinpoint_bleeding;
  data->aftercare_given = g_strdup (session->aftercare_given);
  data->next_session = next_session (chart, session);
  data->face = stipple_face_geometry_get_default ();

  return g_steal_pointer (&data);
}

/**
 * stipple_report_file_name:
 * @family_name: (nullable): the patient's family name
 * @session_start: (nullable): when the session began
 * @kind: the record for the chart, or the patient's copy
 *
 * The name a report is offered under when it is saved: who, when and
 * which copy, "Brightwater 2026-12-02 session record.pdf", so a folder
 * of reports reads without opening them. Characters a file system
 * refuses or treats as a path become hyphens.
 *
 * Returns: (transfer full): a file name, without a folder
 */
char *
stipple_report_file_name (const char        *family_name,
                          GDateTime         *session_start,
                          StippleReportKind  kind)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autofree char *date = session_start ? g_date_time_format (session_start, "%Y-%m-%d") : NULL;

  if (family_name != NULL && *family_name != '\0')
    {
      for (const char *p = family_name; *p != '\0'; p++)
        g_string_append_c (name, strchr ("/\\:*?\"<>|", *p) != NULL || (guchar) *p < 0x20 ? '-' : *p);
      g_string_append_c (name, ' ');
    }
  if (date != NULL)
    {
      g_string_append (name, date);
      g_string_append_c (name, ' ');
    }
  /* Translators: the end of a report's file name, "Brightwater 2026-12-02 session record.pdf" */
  g_string_append (name, kind == STIPPLE_REPORT_CHART ? _("session record") : _("patient copy"));
  g_string_append (name, ".pdf");

  return g_string_free (g_steal_pointer (&name), FALSE);
}
