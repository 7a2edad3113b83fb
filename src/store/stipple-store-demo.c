/* stipple-store-demo.c
 *
 * The demo patient file: a few plainly fictional patients with
 * screening, consents, a course and past sessions carrying plans, audit
 * trails and needle data, so that every screen and the report have
 * something true to show. Generated from a fixed seed, so two demo files
 * made on the same day are identical but for their random uids.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <math.h>

#include "stipple-aftercare.h"
#include "stipple-screening.h"
#include "stipple-store-private.h"

#define DEMO_SEED 20240611
#define SAMPLE_RATE_HZ 8000
/* Needle data recorded per zone treated: enough for the graphs, small
 * enough that the demo file stays a few megabytes. */
#define SECONDS_PER_ZONE 20
#define RETRACT_UM 300

typedef struct
{
  StippleZone zone;
  /* Depths per pass, 0 ending the list. */
  guint       depths_um[3];
  guint       rate_hz;
} DemoZone;

typedef struct
{
  const char     *record_number;
  const char     *given_name;
  const char     *family_name;
  const char     *date_of_birth;
  const char     *phone;
  const char     *email;
  const char     *address;
  guint           fitzpatrick;
  const char     *allergies;
  const char     *indications;
  guint           n_sessions;
  guint           interval_days;
  gboolean        photo_consent;
  /* Screening keys answered yes, with the clinician's note. */
  const char     *yes_key;
  const char     *yes_note;
  DemoZone        zones[4];
  const char     *serum;
  const char     *note_before;
  const char     *note_after;
} DemoPatient;

static const DemoPatient demo_patients[] = {
  {
    "DEMO-0001", "Elena", "Brightwater", "1984-03-12", "+44 20 7946 0001",
    "elena.brightwater@example.org", "1 Example Street, Sampletown", 2, "None known",
    "Fine lines: forehead and crow's feet", 3, 28, TRUE,
    NULL, NULL,
    {
      { STIPPLE_ZONE_FOREHEAD, { 500, 500, 0 }, 120 },
      { STIPPLE_ZONE_PERIORBITAL_LEFT, { 250, 0, 0 }, 110 },
      { STIPPLE_ZONE_PERIORBITAL_RIGHT, { 250, 0, 0 }, 110 },
    },
    "Hyaluronic acid serum",
    "Skin intact, no erythema. Topical anaesthetic applied at arrival.",
    "Even erythema, pinpoint bleeding on forehead. Aftercare explained; next visit in 4 weeks.",
  },
  {
    "DEMO-0002", "Samir", "Quill", "1991-07-30", "+44 20 7946 0002",
    "samir.quill@example.org", "2 Example Street, Sampletown", 4, "Lidocaine (rash)",
    "Rolling and boxcar acne scars, both cheeks", 3, 28, TRUE,
    "topical-retinoids", "Tretinoin stopped 3 days ago; treated at cheek depths one step lower.",
    {
      { STIPPLE_ZONE_CHEEK_LEFT, { 1250, 1500, 1500 }, 120 },
      { STIPPLE_ZONE_CHEEK_RIGHT, { 1250, 1500, 1500 }, 120 },
      { STIPPLE_ZONE_CHIN, { 1000, 0, 0 }, 120 },
    },
    "Hyaluronic acid serum",
    "No active acne in the area. Anaesthetic: non-lidocaine cream (allergy).",
    "Marked erythema over scars as expected. Next session in 4 weeks.",
  },
  {
    "DEMO-0003", "Ngozi", "Ashdown", "1978-11-05", "+44 20 7946 0003",
    "ngozi.ashdown@example.org", "3 Example Street, Sampletown", 5, "Nickel",
    "Melasma, malar; cautious depths for skin type V", 2, 42, FALSE,
    "metal-allergy", "Nickel allergy: titanium cartridge used.",
    {
      { STIPPLE_ZONE_CHEEK_LEFT, { 500, 0, 0 }, 100 },
      { STIPPLE_ZONE_CHEEK_RIGHT, { 500, 0, 0 }, 100 },
      { STIPPLE_ZONE_UPPER_LIP, { 250, 0, 0 }, 100 },
    },
    "Tranexamic acid serum",
    "Melasma stable. Photographs declined. Sunscreen use confirmed.",
    "Mild erythema only. Strict sun protection advised; next session in 6 weeks.",
  },
  {
    "DEMO-0004", "Tove", "Lindqvist-Marsh", "1969-01-22", "+44 20 7946 0004",
    "tove.lindqvist@example.org", "4 Example Street, Sampletown", 1, "",
    "Crepey skin: neck and décolletage", 2, 35, TRUE,
    "nsaids", "Ibuprofen taken 4 days ago for a headache; bruising risk discussed.",
    {
      { STIPPLE_ZONE_NECK, { 500, 750, 0 }, 110 },
      { STIPPLE_ZONE_DECOLLETAGE, { 500, 750, 0 }, 110 },
    },
    "Hyaluronic acid serum",
    "Thin skin on the neck; depths kept shallow.",
    "Slight bruising lower neck. Arnica gel suggested; next session in 5 weeks.",
  },
};

static char *
date_text (GDateTime *time)
{
  return g_date_time_format (time, "%Y-%m-%d");
}

/* The standard aftercare sheet, one instruction a line. */
static char *
aftercare_text (void)
{
  guint n = 0;
  const char * const *instructions = stipple_aftercare_get_instructions (&n);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", instructions[i]);
  return g_string_free (text, FALSE);
}

/* One stroke: out of the cartridge, into the skin to the set depth and
 * back, as a raised cosine; load follows the tip below the surface. */
static void
generate_zone (GRand              *rand,
               guint               depth_um,
               guint               rate_hz,
               guint32            *clock_us,
               guint32            *strokes,
               StippleProtoSample *samples,
               guint               n)
{
  double phase = 0.0;
  double step = (double) rate_hz / SAMPLE_RATE_HZ;

  for (guint i = 0; i < n; i++)
    {
      double travel = 0.5 - 0.5 * cos (2.0 * G_PI * phase);
      gint32 position = (gint32) lround (-RETRACT_UM + (depth_um + RETRACT_UM) * travel);
      StippleProtoSample *s = &samples[i];

      s->timestamp_us = *clock_us;
      s->position_um = position;
      s->flags = STIPPLE_PROTO_SAMPLE_RUNNING;
      s->load = 0;
      if (position > 0)
        {
          s->flags |= STIPPLE_PROTO_SAMPLE_CONTACT;
          /* A little sensor noise, a few counts in 65535. */
          s->load = (guint16) MIN (65535, 9000 + position * 20 + g_rand_int_range (rand, 0, 8));
        }
      s->stroke_count = *strokes;

      *clock_us += 1000000 / SAMPLE_RATE_HZ;
      phase += step;
      if (phase >= 1.0)
        {
          phase -= 1.0;
          (*strokes)++;
        }
    }
}

static gboolean
audit (StippleStore      *self,
       gint64             session_id,
       GDateTime         *at,
       StippleAuditKind   kind,
       StippleZone        zone,
       const char        *sent,
       const char        *detail,
       GError           **error)
{
  g_autoptr(StippleAuditEntry) entry = stipple_audit_entry_new (kind);

  entry->session_id = session_id;
  entry->at = g_date_time_ref (at);
  entry->user = g_strdup ("Dr Demo");
  entry->zone = zone;
  entry->sent = g_strdup (sent);
  if (sent != NULL)
    {
      entry->acknowledgement = g_strdup ("ok");
      entry->read_back = g_strdup (sent);
    }
  entry->detail = g_strdup (detail);
  return stipple_store_append_audit (self, entry, error);
}

static gboolean
fill_session (StippleStore       *self,
              GRand              *rand,
              const DemoPatient  *demo,
              StippleSession     *session,
              GError            **error)
{
  guint n = SECONDS_PER_ZONE * SAMPLE_RATE_HZ;
  g_autofree StippleProtoSample *samples = g_new (StippleProtoSample, n);
  g_autoptr(GDateTime) at = g_date_time_add_minutes (session->started_at, 2);
  guint32 clock_us = g_rand_int (rand);

  if (!audit (self, session->id, at, STIPPLE_AUDIT_CONNECT, STIPPLE_ZONE_NONE, NULL,
              session->pen_serial, error))
    return FALSE;

  for (guint z = 0; z < G_N_ELEMENTS (demo->zones) && demo->zones[z].zone != STIPPLE_ZONE_NONE; z++)
    {
      const DemoZone *zone = &demo->zones[z];
      guint32 strokes = 0;
      guint64 time_in_zone_us = 0;

      for (guint p = 0; p < G_N_ELEMENTS (zone->depths_um) && zone->depths_um[p] != 0; p++)
        {
          g_autofree char *sent = g_strdup_printf ("zone=%s depth_um=%u rate_hz=%u",
                                                   stipple_zone_get_key (zone->zone),
                                                   zone->depths_um[p], zone->rate_hz);
          GDateTime *later = g_date_time_add_seconds (at, 40);
          guint limit_um = stipple_zone_get_info (zone->zone)->thin_max_um;

          g_date_time_unref (at);
          at = later;
          /* Deeper than the zone's limit only with a recorded confirmation,
           * as the treatment screen asks for one. */
          if (zone->depths_um[p] > limit_um)
            {
              g_autofree char *over = g_strdup_printf ("zone=%s depth_um=%u limit_um=%u",
                                                       stipple_zone_get_key (zone->zone),
                                                       zone->depths_um[p], limit_um);

              if (!audit (self, session->id, at, STIPPLE_AUDIT_LIMIT_CONFIRMED, zone->zone,
                          over, "Thick scar tissue; tolerated the previous pass well.", error))
                return FALSE;
            }
          if (!audit (self, session->id, at, STIPPLE_AUDIT_SETTING, zone->zone, sent, NULL,
                      error) ||
              !audit (self, session->id, at, STIPPLE_AUDIT_ARM, zone->zone, NULL, NULL, error))
            return FALSE;

          /* Needle data for the first pass over each zone. */
          if (p == 0)
            {
              generate_zone (rand, zone->depths_um[p], zone->rate_hz, &clock_us, &strokes,
                             samples, n);
              if (!stipple_store_append_telemetry (self, session->id, samples, n, error))
                return FALSE;
              /* The pen is idle between zones; its clock runs on. */
              clock_us += 30 * 1000000;
              time_in_zone_us += (guint64) SECONDS_PER_ZONE * G_USEC_PER_SEC;
            }
          else
            {
              strokes += zone->rate_hz * 45;
              time_in_zone_us += 45 * G_USEC_PER_SEC;
            }

          later = g_date_time_add_seconds (at, 50);
          g_date_time_unref (at);
          at = later;
          if (!audit (self, session->id, at, STIPPLE_AUDIT_DISARM, zone->zone, NULL, NULL, error))
            return FALSE;
        }
      if (!stipple_store_add_zone_totals (self, session->id, zone->zone, strokes,
                                          time_in_zone_us, 0, error))
        return FALSE;
    }

  return audit (self, session->id, at, STIPPLE_AUDIT_DISCONNECT, STIPPLE_ZONE_NONE, NULL,
                session->pen_serial, error);
}

static gboolean
fill_patient (StippleStore       *self,
              GRand              *rand,
              GDateTime          *now,
              const DemoPatient  *demo,
              GError            **error)
{
  g_autoptr(StipplePatient) patient = stipple_patient_new ();
  g_autoptr(StippleCourse) course = stipple_course_new ();
  g_autoptr(GDateTime) first = NULL;
  g_autofree char *first_day = NULL;
  guint n_items;
  const StippleScreeningItem *items = stipple_screening_get_items (&n_items);

  patient->record_number = g_strdup (demo->record_number);
  patient->given_name = g_strdup (demo->given_name);
  patient->family_name = g_strdup (demo->family_name);
  patient->date_of_birth = g_strdup (demo->date_of_birth);
  patient->phone = g_strdup (demo->phone);
  patient->email = g_strdup (demo->email);
  patient->address = g_strdup (demo->address);
  patient->fitzpatrick = demo->fitzpatrick;
  patient->allergies = g_strdup (demo->allergies);
  if (!stipple_store_save_patient (self, patient, error))
    return FALSE;

  /* The last session was a week ago; the others one interval apart. */
  first = g_date_time_add_days (now, -7 - (gint) ((demo->n_sessions - 1) * demo->interval_days));
  first_day = date_text (first);

  course->patient_id = patient->id;
  course->indications = g_strdup (demo->indications);
  course->planned_sessions = demo->n_sessions + 1;
  course->interval_days = demo->interval_days;
  course->started_on = g_strdup (first_day);
  if (!stipple_store_save_course (self, course, error))
    return FALSE;

  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(StippleConsent) consent = stipple_consent_new ();

      consent->patient_id = patient->id;
      consent->kind = k == 0 ? STIPPLE_CONSENT_TREATMENT : STIPPLE_CONSENT_PHOTOGRAPHS;
      consent->given = k == 0 ? TRUE : demo->photo_consent;
      consent->signed_on = g_strdup (first_day);
      if (!stipple_store_save_consent (self, consent, error))
        return FALSE;
    }

  for (guint s = 0; s < demo->n_sessions; s++)
    {
      g_autoptr(StippleSession) session = stipple_session_new ();
      g_autoptr(GDateTime) day = g_date_time_add_days (first, (gint) (s * demo->interval_days));
      g_autofree char *day_text = date_text (day);
      g_autofree char *serum_lot = NULL;
      g_autoptr(GDateTime) start = g_date_time_new_utc (g_date_time_get_year (day),
                                                        g_date_time_get_month (day),
                                                        g_date_time_get_day_of_month (day),
                                                        9 + g_rand_int_range (rand, 0, 7),
                                                        15 * g_rand_int_range (rand, 0, 4), 0);

      session->patient_id = patient->id;
      session->course_id = course->id;
      session->started_at = g_date_time_ref (start);
      session->anaesthetic_at = g_date_time_add_minutes (start, -50);
      session->anaesthetic_product = g_strdup ("Lidocaine 4% cream");
      session->erythema_grade = g_rand_int_range (rand, STIPPLE_ERYTHEMA_MILD,
                                                  STIPPLE_ERYTHEMA_MODERATE + 1);
      session->pinpoint_bleeding = g_rand_boolean (rand);
      session->aftercare_given = aftercare_text ();
      session->clinician = g_strdup ("Dr Demo");
      session->pen_serial = g_strdup ("STP-DEMO-0042");
      session->pen_firmware = g_strdup ("1.0.0");
      session->cartridge_id = g_strdup_printf ("C16-%05u", g_rand_int_range (rand, 10000, 99999));
      session->cartridge_lot = g_strdup_printf ("L%u%02u", g_date_time_get_year (day) % 100,
                                                g_date_time_get_month (day));
      serum_lot = g_strdup_printf ("LOT-%04u", g_rand_int_range (rand, 1000, 9999));
      g_ptr_array_add (session->serums, stipple_serum_new (demo->serum, serum_lot));
      session->note_before = g_strdup (demo->note_before);
      session->note_after = g_strdup (demo->note_after);
      for (guint z = 0; z < G_N_ELEMENTS (demo->zones); z++)
        {
          const DemoZone *zone = &demo->zones[z];

          for (guint p = 0; p < G_N_ELEMENTS (zone->depths_um) && zone->depths_um[p] != 0; p++)
            stipple_session_add_pass (session, zone->zone, zone->depths_um[p], zone->rate_hz);
        }
      if (!stipple_store_save_session (self, session, error))
        return FALSE;

      /* Screened before every session. */
      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr(StippleScreeningAnswer) answer = stipple_screening_answer_new ();
          gboolean yes = g_strcmp0 (items[i].key, demo->yes_key) == 0;

          answer->patient_id = patient->id;
          answer->session_id = session->id;
          answer->item_key = g_strdup (items[i].key);
          answer->answer = yes;
          answer->note = g_strdup (yes ? demo->yes_note : "");
          answer->answered_on = g_strdup (day_text);
          if (!stipple_store_save_screening_answer (self, answer, error))
            return FALSE;
        }

      if (!fill_session (self, rand, demo, session, error))
        return FALSE;
      /* Ended as a treatment ends: the needle data written, then the
       * session saved with its end, which seals it. */
      if (!stipple_store_flush_telemetry (self, error))
        return FALSE;
      session->ended_at = g_date_time_add_minutes (start, 45);
      if (!stipple_store_save_session (self, session, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * stipple_store_fill_demo:
 * @self: a store, for the demo patient file only
 * @now: (nullable): the day the demo is made; the sessions lie before
 *   it. %NULL for now.
 * @error: return location for a #GError
 *
 * Fills an empty patient file with the demo patients. A file that
 * already holds patients is left as it is, so `stipple --demo` can call
 * this every time it starts.
 *
 * Returns: whether the file holds the demo patients
 */
gboolean
stipple_store_fill_demo (StippleStore  *self,
                         GDateTime     *now,
                         GError       **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (DEMO_SEED);
  g_autoptr(GDateTime) today = now ? g_date_time_ref (now) : g_date_time_new_now_utc ();

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
    g_autoptr(StippleStmt) stmt = stipple_store_prepare (self, "SELECT count(*) FROM patient",
                                                         error);

    if (stmt == NULL)
      return FALSE;
    if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) > 0)
      return TRUE;
  }

  for (guint i = 0; i < G_N_ELEMENTS (demo_patients); i++)
    if (!fill_patient (self, rand, today, &demo_patients[i], error))
      return FALSE;

  return stipple_store_flush_telemetry (self, error);
}
