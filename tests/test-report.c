/* test-report.c: the session report, read back with poppler's tools
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <libintl.h>
#include <locale.h>
#include <sys/wait.h>

#include "stipple-i18n.h"
#include "stipple-report.h"
#include "stipple-report-photos.h"
#include "stipple-report-session.h"

static char *tmp_dir;
static StippleFaceGeometry *face;

static StippleReportData *
make_session (gsize note_length)
{
  StippleReportData *d = stipple_report_data_new ();
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  StippleReportZone zone = { 0 };

  d->clinic_name = g_strdup ("Clinique du Lac");
  d->clinic_address = g_strdup ("12 Quai Gustave-Ador, Genève");
  d->patient_name = g_strdup ("Amélie Zoé Brandt");
  d->record_number = g_strdup ("MRN-004217");
  d->date_of_birth = g_date_time_new (tz, 1984, 3, 9, 0, 0, 0);
  d->fitzpatrick = 5;
  d->allergies = g_strdup ("Latex (rash)");
  d->session_start = g_date_time_new (tz, 2026, 11, 20, 9, 30, 0);
  d->session_end = g_date_time_new (tz, 2026, 11, 20, 10, 15, 0);
  d->clinician = g_strdup ("Dr Ines Moreau");
  d->pen_serial = g_strdup ("SP-0042-7781");
  d->pen_firmware = g_strdup ("1.4");
  d->cartridge_id = g_strdup ("CART-16N-88812");
  d->cartridge_lot = g_strdup ("LOT-2291A");
  d->anaesthetic = g_strdup ("Lidocaine 5% cream");
  d->anaesthetic_applied = g_date_time_new (tz, 2026, 11, 20, 8, 35, 0);
  stipple_report_data_add_serum (d, "Hyaluronic acid 1.5%", "HA-7731");
  stipple_report_data_add_screening (d, "Pregnant or breastfeeding?", FALSE, TRUE);
  stipple_report_data_add_screening (d, "Sun tanning in the last 2 weeks?", TRUE, FALSE);
  stipple_report_data_add_screening (d, "Active rosacea in the treatment area?", TRUE, TRUE);
  d->override_reason = g_strdup ("Rosacea is on the nose only; the nose is not treated.");
  d->consent_treatment = TRUE;
  d->consent_photographs = FALSE;
  d->photographs_asked = TRUE;
  d->consent_date = g_date_time_ref (d->session_start);

  zone.zone = STIPPLE_ZONE_CHEEK_LEFT;
  zone.n_passes = 3;
  zone.passes_known = TRUE;
  zone.passes_done = 3;
  zone.depth_um[0] = 1500;
  zone.depth_um[1] = 1250;
  zone.depth_um[2] = 1000;
  zone.rate_hz = 120;
  zone.limit_um = 1000;
  zone.strokes = 15234;
  zone.time_in_zone_us = 263 * G_USEC_PER_SEC;
  zone.out_of_tolerance = 17;
  g_array_append_val (d->zones, zone);
  zone.zone = STIPPLE_ZONE_FOREHEAD;
  zone.n_passes = 2;
  zone.depth_um[0] = zone.depth_um[1] = 500;
  zone.limit_um = 500;
  zone.strokes = 9120;
  /* Planned twice, treated once, for a few strokes. */
  zone.passes_done = 1;
  zone.time_in_zone_us = 400 * 1000;
  zone.out_of_tolerance = 0;
  g_array_append_val (d->zones, zone);

  for (guint i = 0; i < 600; i++)
    {
      StippleReportPoint depth = { i * 4.5, 950 + (i % 7) * 10, 1480 + (i % 5) * 8 };
      StippleReportPoint rate = { i * 4.5, 118, 121 };
      g_array_append_val (d->depth_series, depth);
      g_array_append_val (d->rate_series, rate);
    }

  if (note_length > 0)
    {
      GString *note = g_string_new (NULL);
      while (note->len < note_length)
        g_string_append (note, "Mild erythema across both cheeks, settling as expected. ");
      d->notes_before = g_string_free (note, FALSE);
    }
  else
    d->notes_before = g_strdup ("Scarring on the left cheek, rolling type. שלום עולם");
  d->notes_after = g_strdup ("Even erythema, no bleeding points left.");
  d->erythema_grade = 2;
  d->pinpoint_bleeding = TRUE;
  d->aftercare_given = g_strdup ("Printed sheet, explained in person.");
  stipple_report_data_add_event (d, d->session_start,
                                 "Confirmed 1.50 mm on Left cheek, above its limit of 1.00 mm", FALSE);
  stipple_report_data_add_event (d, d->session_end, "Pen unplugged while armed; disarmed", TRUE);
  d->next_session = g_date_time_add_weeks (d->session_start, 4);
  d->face = face;

  return d;
}

static char *
run (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s", argv[0], error->message, err);

  return out;
}

/* layout keeps a label and its value on one line; without it, a table
 * cell wrapped over two lines reads as one phrase. */
static char *
pdf_text (const char *path,
          gboolean    layout)
{
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL, NULL };
  g_autofree char *text = NULL;

  if (layout)
    {
      argv[5] = argv[4];
      argv[4] = argv[3];
      argv[3] = "-layout";
    }
  text = run (argv);
  /* Fold runs of space, so a label and its value read as one phrase. */
  g_auto(GStrv) words = g_strsplit_set (text, " \n\f", -1);
  g_autoptr(GString) folded = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      {
        g_string_append (folded, words[i]);
        g_string_append_c (folded, ' ');
      }

  return g_string_free (g_steal_pointer (&folded), FALSE);
}

static guint
pdf_pages (const char *path)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *info = run (argv);
  const char *pages = strstr (info, "Pages:");

  g_assert_nonnull (pages);
  return (guint) g_ascii_strtoull (pages + strlen ("Pages:"), NULL, 10);
}

static char *
write_report (StippleReportData *d,
              StippleReportKind  kind,
              const char        *name)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_assert_true (stipple_report_write_pdf (d, kind, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  return path;
}

static void
assert_contains (const char *text,
                 const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("report lacks “%s”; it reads:\n%s", needle, text);
}

static void
test_chart (void)
{
  g_autoptr(StippleReportData) d = make_session (0);
  g_autofree char *path = write_report (d, STIPPLE_REPORT_CHART, "chart.pdf");
  g_autofree char *text = pdf_text (path, FALSE);
  g_autofree char *rows = pdf_text (path, TRUE);
  const char *info_argv[] = { "pdfinfo", path, NULL };
  g_autofree char *info = run (info_argv);
  const char *fonts_argv[] = { "pdffonts", path, NULL };
  g_autofree char *fonts = run (fonts_argv);
  const char *check_argv[] = { "qpdf", "--check", path, NULL };
  g_autofree char *check = run (check_argv);
  g_auto(GStrv) font_lines = g_strsplit (fonts, "\n", -1);
  guint n_pages = pdf_pages (path);
  g_autofree char *last_page = g_strdup_printf ("Page %u of %u", n_pages, n_pages);

  /* Header */
  assert_contains (text, "Clinique du Lac");
  assert_contains (text, "12 Quai Gustave-Ador, Genève");
  assert_contains (text, "Amélie Zoé Brandt");
  assert_contains (text, "MRN-004217");
  assert_contains (text, "Dr Ines Moreau");
  assert_contains (text, "SP-0042-7781");
  assert_contains (text, "firmware 1.4");
  assert_contains (text, "CART-16N-88812");
  assert_contains (text, "LOT-2291A");
  assert_contains (text, "Hyaluronic acid 1.5%, lot HA-7731");
  assert_contains (text, "Lidocaine 5% cream");
  /* Screening and consent */
  assert_contains (text, "Yes (caution): Sun tanning in the last 2 weeks?");
  assert_contains (text, "Yes (contraindication): Active rosacea");
  assert_contains (text, "1 question answered no");
  assert_contains (text, "Rosacea is on the nose only");
  /* Asked and refused, or never asked: two different records. */
  assert_contains (rows, "Consent to photographs Refused");
  {
    g_autofree char *unasked_path = NULL;
    g_autofree char *unasked = NULL;

    d->photographs_asked = FALSE;
    unasked_path = write_report (d, STIPPLE_REPORT_CHART, "unasked.pdf");
    unasked = pdf_text (unasked_path, TRUE);
    assert_contains (unasked, "Consent to photographs Not asked");
    d->photographs_asked = TRUE;
  }
  /* Zones */
  assert_contains (text, "Left cheek");
  assert_contains (text, "1.50 mm · 1.25 mm · 1.00 mm");
  assert_contains (text, "above the zone limit of 1.00 mm");
  assert_contains (text, "15234");
  assert_contains (text, "4:23");
  /* Passes done of passes planned; a fraction of a second is not "0:00". */
  assert_contains (text, "3 of 3");
  assert_contains (text, "1 of 2");
  assert_contains (text, "0.4 s");
  /* What is known about the patient. */
  assert_contains (text, "Allergies");
  assert_contains (text, "Latex (rash)");
  assert_contains (text, "V — Higher risk of post-inflammatory hyperpigmentation");
  assert_contains (text, "Forehead");
  /* Graphs, notes, events, aftercare */
  /* The face map figure, with its legend. */
  assert_contains (text, "Above limit");
  assert_contains (text, "No plan");
  assert_contains (text, "Depth reached per stroke");
  assert_contains (text, "Stroke rate");
  assert_contains (text, "Scarring on the left cheek");
  {
    /* pdftotext splits right-to-left runs and marks their direction;
     * what matters is that the letters are all there, in order. */
    g_autoptr(GString) letters = g_string_new (NULL);
    for (const char *p = text; *p; p = g_utf8_next_char (p))
      {
        gunichar c = g_utf8_get_char (p);
        if (c >= 0x05D0 && c <= 0x05EA)
          g_string_append_unichar (letters, c);
      }
    assert_contains (letters->str, "שלוםעולם");
  }
  assert_contains (rows, "Erythema moderate");
  assert_contains (rows, "Pinpoint bleeding Yes");
  assert_contains (text, "Confirmed 1.50 mm on Left cheek");
  assert_contains (text, "Pen unplugged while armed");
  assert_contains (text, "no direct sun");
  assert_contains (text, "Next session");
  assert_contains (text, "Clinician’s signature");
  assert_contains (text, "Page 1 of");
  assert_contains (text, last_page);

  /* The file itself */
  assert_contains (info, "Title:           Microneedling session record: Amélie Zoé Brandt");
  assert_contains (info, "Author:          Dr Ines Moreau");
  assert_contains (info, "Subject:         Microneedling session report");
  assert_contains (info, "CreationDate:");
  assert_contains (info, "(A4)");
  assert_contains (check, "No syntax or stream encoding errors found");
  /* Every font embedded: pdffonts' "emb" column says yes. */
  g_assert_cmpuint (g_strv_length (font_lines), >, 3);
  for (guint i = 2; font_lines[i] != NULL && *font_lines[i] != '\0'; i++)
    g_assert_nonnull (strstr (font_lines[i], " yes "));
}

static void
test_patient_copy (void)
{
  g_autoptr(StippleReportData) d = make_session (0);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *chart_path = NULL;
  g_autofree char *chart_text = NULL;

  /* Whom to call, and what the clinician said beyond the standard advice
   * (a line of which, repeated, is not printed twice). */
  d->clinic_phone = g_strdup ("+41 21 555 01 23");
  g_free (d->aftercare_given);
  d->aftercare_given = g_strdup ("Use sunscreen every day from tomorrow on.\n"
                                 "Printed sheet, explained in person.");
  path = write_report (d, STIPPLE_REPORT_PATIENT, "patient.pdf");
  text = pdf_text (path, FALSE);
  assert_contains (text, "Contact the clinic Clinique du Lac");
  assert_contains (text, "+41 21 555 01 23");
  assert_contains (text, "Printed sheet, explained in person.");
  g_assert_null (strstr (strstr (text, "Use sunscreen every day") + 1, "Use sunscreen every day"));
  /* The face map's legend is the clinician's: not on the patient's copy,
   * on the record. */
  g_assert_null (strstr (text, "No plan"));
  g_assert_null (strstr (text, "Above limit"));
  chart_path = write_report (d, STIPPLE_REPORT_CHART, "record-legend.pdf");
  chart_text = pdf_text (chart_path, FALSE);
  assert_contains (chart_text, "No plan");

  assert_contains (text, "Your microneedling treatment");
  assert_contains (text, "Amélie Zoé Brandt");
  assert_contains (text, "Latex (rash)");
  assert_contains (text, "Higher risk of post-inflammatory hyperpigmentation");
  assert_contains (text, "Left cheek");
  assert_contains (text, "no direct sun");
  assert_contains (text, "Suggested for");
  /* No internal detail. */
  g_assert_null (strstr (text, "SP-0042-7781"));
  g_assert_null (strstr (text, "CART-16N-88812"));
  g_assert_null (strstr (text, "rosacea"));
  g_assert_null (strstr (text, "Pen unplugged"));
  g_assert_null (strstr (text, "Confirmed"));
  g_assert_null (strstr (text, "above the zone limit"));
  g_assert_null (strstr (text, "Scarring on the left cheek"));
  g_assert_null (strstr (text, "signature"));
}

static void
test_long_note (void)
{
  g_autoptr(StippleReportData) short_note = make_session (0);
  g_autoptr(StippleReportData) long_note = make_session (40000);
  g_autofree char *short_path = write_report (short_note, STIPPLE_REPORT_CHART, "short.pdf");
  g_autofree char *long_path = write_report (long_note, STIPPLE_REPORT_CHART, "long.pdf");
  g_autofree char *text = pdf_text (long_path, FALSE);
  guint short_pages = pdf_pages (short_path);
  guint long_pages = pdf_pages (long_path);
  StipplePageSize a4 = { 595.276, 841.89 };
  guint occurrences = 0;

  /* 40,000 characters of note flow over several more pages, none clipped:
   * every repetition of the sentence is in the text. */
  g_assert_cmpuint (long_pages, >=, short_pages + 3);
  g_assert_cmpuint (stipple_report_count_pages (long_note, STIPPLE_REPORT_CHART, a4), ==, long_pages);
  for (const char *p = text; (p = strstr (p, "settling as expected.")) != NULL; p++)
    occurrences++;
  g_assert_cmpuint (occurrences, ==, (40000 + 55) / 56);
  /* And the text after the note still follows it. */
  assert_contains (text, "Even erythema, no bleeding points left.");
}

static void
test_in_progress (void)
{
  g_autoptr(StippleReportData) d = make_session (0);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "running.pdf", NULL);

  g_clear_pointer (&d->session_end, g_date_time_unref);
  g_assert_false (stipple_report_write_pdf (d, STIPPLE_REPORT_CHART, path, &error));
  g_assert_error (error, STIPPLE_REPORT_ERROR, STIPPLE_REPORT_ERROR_IN_PROGRESS);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_unwritable (void)
{
  g_autoptr(StippleReportData) d = make_session (0);
  g_autoptr(GError) error = NULL;

  g_assert_false (stipple_report_write_pdf (d, STIPPLE_REPORT_CHART,
                                            "/nonexistent-folder/report.pdf", &error));
  g_assert_error (error, STIPPLE_REPORT_ERROR, STIPPLE_REPORT_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "/nonexistent-folder/report.pdf"));
}

static void
test_draw_page (void)
{
  g_autoptr(StippleReportData) d = make_session (0);
  StipplePageSize size = { 612, 792 };
  guint n_pages = stipple_report_count_pages (d, STIPPLE_REPORT_CHART, size);

  /* Printing draws each page on the context it is given; each page has ink. */
  for (guint page = 0; page < n_pages; page++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 612, 792);
      cairo_t *cr = cairo_create (surface);
      guint inked = 0;
      unsigned char *pixels;
      int stride;

      stipple_report_draw_page (d, STIPPLE_REPORT_CHART, size, cr, page);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      pixels = cairo_image_surface_get_data (surface);
      stride = cairo_image_surface_get_stride (surface);
      for (int y = 0; y < 792; y++)
        for (int x = 0; x < 612; x++)
          inked += pixels[y * stride + x * 4 + 3] != 0;
      g_assert_cmpuint (inked, >, 2000);
      cairo_surface_destroy (surface);
    }
}

typedef struct
{
  const char *language;
  char       *path;
  GError     *error;
} LanguageJob;

static gpointer
write_in_language_thread (gpointer user_data)
{
  LanguageJob *job = user_data;
  g_autoptr(StippleReportData) d = make_session (0);

  d->language = g_strdup (job->language);
  job->path = g_build_filename (tmp_dir, job->language, NULL);
  stipple_report_write_pdf (d, STIPPLE_REPORT_PATIENT, job->path, &job->error);
  return NULL;
}

/* Patient copies in three languages written at once on three threads,
 * as the window's export jobs may: each in its own language, and the
 * interface (this thread, the C locale) untouched. */
static void
test_languages_in_threads (void)
{
  LanguageJob jobs[] = { { "es" }, { "fr" }, { "de" } };
  const char *expect[][3] = {
    { "Su tratamiento de microneedling", "9 de marzo de 1984", "1,50 mm" },
    { "Votre traitement par microneedling", "9 mars 1984", "1,50 mm" },
    { "Ihre Microneedling-Behandlung", "9. März 1984", "1,50 mm" },
  };
  GThread *threads[G_N_ELEMENTS (jobs)];
  g_autofree char *number = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    threads[i] = g_thread_new ("report", write_in_language_thread, &jobs[i]);
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      g_autofree char *text = NULL;

      g_assert_no_error (jobs[i].error);
      text = pdf_text (jobs[i].path, FALSE);
      for (guint e = 0; e < G_N_ELEMENTS (expect[i]); e++)
        assert_contains (text, expect[i][e]);
      g_assert_null (strstr (text, "Aftercare"));
      g_assert_null (strstr (text, "1.50 mm"));
      g_free (jobs[i].path);
    }

  number = g_strdup_printf ("%.2f", 1.5);
  g_assert_cmpstr (number, ==, "1.50");
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Aftercare"), ==, "Aftercare");
}

/* A language with no translation installed: nothing is written, and the
 * error says which language. */
static void
test_language_missing (void)
{
  g_autoptr(StippleReportData) d = make_session (0);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "it.pdf", NULL);

  d->language = g_strdup ("it");
  g_assert_false (stipple_report_write_pdf (d, STIPPLE_REPORT_PATIENT, path, &error));
  g_assert_error (error, STIPPLE_I18N_ERROR, STIPPLE_I18N_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* The chart is the clinician's: in the interface's language. */
  g_clear_error (&error);
  g_assert_true (stipple_report_write_pdf (d, STIPPLE_REPORT_CHART, path, &error));
  g_assert_no_error (error);
}

/* The photographs' views and moments are named in the report's language,
 * by the same names the photo window gives them in the interface's. */
static void
test_photo_names_language (void)
{
  g_autoptr(StippleReportData) d = make_session (0);
  g_autoptr(GBytes) jpeg = g_bytes_new_static ("\xff\xd8\xff\xd9", 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) english = NULL;
  g_autoptr(GPtrArray) german = NULL;
  const StippleReportPhotoPair *pair;

  d->consent_photographs = TRUE;
  stipple_report_data_add_photo (d, STIPPLE_PHOTO_VIEW_FRONT, STIPPLE_ZONE_NONE,
                                 STIPPLE_PHOTO_MOMENT_BEFORE, jpeg, 1, 1, FALSE);

  english = stipple_report_photo_pairs (d, FALSE);
  g_assert_cmpuint (english->len, ==, 1);
  pair = english->pdata[0];
  g_assert_cmpstr (pair->title, ==, stipple_photo_view_get_name (STIPPLE_PHOTO_VIEW_FRONT));
  g_assert_cmpstr (pair->title, ==, "Front");
  g_assert_cmpstr (pair->before_caption, ==, "Before");

  g_assert_true (stipple_i18n_push_language ("de", &error));
  g_assert_no_error (error);
  german = stipple_report_photo_pairs (d, FALSE);
  g_assert_cmpstr (stipple_photo_view_get_name (STIPPLE_PHOTO_VIEW_FRONT), ==, "Frontal");
  stipple_i18n_pop_language ();
  pair = german->pdata[0];
  g_assert_cmpstr (pair->title, ==, "Frontal");
  g_assert_cmpstr (pair->before_caption, ==, "Vorher");
  g_assert_cmpstr (pair->after_caption, ==, "Nicht aufgenommen");
}

/* Saved reports are offered under who, when and which copy. */

/* A session whose needle data was thinned after the clinic's retention
 * period: the report still draws its graphs, from the per-stroke record,
 * and says so. */
static void
test_thinned_session (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "thinned.stipple", NULL);
  g_autoptr(StippleStore) store = stipple_store_open (path, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *before = g_date_time_format (tomorrow, "%Y-%m-%d");
  g_autoptr(StippleReportData) d = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  StippleZoneLimits limits;
  gint64 session_id = 0;
  guint n = 0;

  g_assert_no_error (error);
  g_assert_true (stipple_store_fill_demo (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (stipple_store_archive_closed_days (store, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (stipple_store_thin_needle_data (store, before, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 0);

  /* The first session with thinned needle data. */
  for (gint64 id = 1; id < 1000 && session_id == 0; id++)
    {
      g_autofree char *at = stipple_store_get_needle_thinned_at (store, id, NULL);

      if (at != NULL)
        session_id = id;
    }
  g_assert_cmpint (session_id, >, 0);

  stipple_zone_limits_init_defaults (&limits);
  d = stipple_report_data_from_session (store, session_id, "Clinique du Lac", "", &limits, &error);
  g_assert_no_error (error);
  g_assert_nonnull (d->telemetry_thinned_at);
  g_assert_cmpuint (d->depth_series->len, >, 0);
  d->face = face;
  pdf = write_report (d, STIPPLE_REPORT_CHART, "thinned.pdf");
  text = pdf_text (pdf, FALSE);
  assert_contains (text, "Drawn from the per-stroke record");
  d->face = NULL;
  stipple_store_close (store);
}

static void
test_file_name (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr(GDateTime) start = g_date_time_new (tz, 2026, 12, 2, 9, 30, 0);
  g_autofree char *chart = stipple_report_file_name ("Brightwater", start, STIPPLE_REPORT_CHART);
  g_autofree char *patient = stipple_report_file_name ("Brightwater", start, STIPPLE_REPORT_PATIENT);
  g_autofree char *odd = stipple_report_file_name ("Lindqvist/Marsh: \"Jr\"", start, STIPPLE_REPORT_CHART);
  g_autofree char *unknown = stipple_report_file_name (NULL, NULL, STIPPLE_REPORT_CHART);

  g_assert_cmpstr (chart, ==, "Brightwater 2026-12-02 session record.pdf");
  g_assert_cmpstr (patient, ==, "Brightwater 2026-12-02 patient copy.pdf");
  g_assert_cmpstr (odd, ==, "Lindqvist-Marsh- -Jr- 2026-12-02 session record.pdf");
  g_assert_cmpstr (unknown, ==, "session record.pdf");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  /* As main() does: the patient's language is read from the same place. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("STIPPLE_LOCALEDIR"));
  g_test_init (&argc, &argv, NULL);
  {
    g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "face-map.txt", NULL);
    g_autofree char *contents = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (path, &contents, &len, &error));
    bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
    face = stipple_face_geometry_new (bytes, &error);
    g_assert_no_error (error);
  }
  tmp_dir = g_dir_make_tmp ("stipple-report-XXXXXX", NULL);

  g_test_add_func ("/stipple/report/chart", test_chart);
  g_test_add_func ("/stipple/report/file-name", test_file_name);
  g_test_add_func ("/stipple/report/patient-copy", test_patient_copy);
  g_test_add_func ("/stipple/report/long-note", test_long_note);
  g_test_add_func ("/stipple/report/in-progress", test_in_progress);
  g_test_add_func ("/stipple/report/unwritable", test_unwritable);
  g_test_add_func ("/stipple/report/draw-page", test_draw_page);
  g_test_add_func ("/stipple/report/languages-in-threads", test_languages_in_threads);
  g_test_add_func ("/stipple/report/language-missing", test_language_missing);
  g_test_add_func ("/stipple/report/photo-names-language", test_photo_names_language);
  g_test_add_func ("/stipple/report/thinned-session", test_thinned_session);

  status = g_test_run ();

  /* STIPPLE_KEEP_REPORTS=1 keeps the files, to look at them. */
  if (g_getenv ("STIPPLE_KEEP_REPORTS") != NULL)
    {
      g_printerr ("# reports kept in %s\n", tmp_dir);
      return status;
    }

  {
    g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (tmp_dir);
  }

  return status;
}
