/* test-session-agree.c: one session, told four times the same way
 *
 * A session is treated through the real window (left cheek, two passes
 * planned at 0.75 and 0.55 mm, the needle run on the first), then the test
 * reads what it became in four places: the treatment screen, the
 * session's summary, the patient file and the record's PDF (pdftotext).
 * Strokes, time in zone, depths and passes must read the same in each
 * place that shows them; one that disagrees fails the test, and says
 * which.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "stipple-application.h"
#include "stipple-firmware.h"
#include "stipple-patient-list.h"
#include "stipple-patient-page.h"
#include "stipple-patient-text.h"
#include "stipple-report-session.h"
#include "stipple-screening.h"
#include "stipple-session-summary.h"
#include "stipple-sim-transport.h"
#include "stipple-strip-chart.h"
#include "stipple-test-a11y.h"
#include "stipple-test-ui.h"
#include "stipple-treatment-page.h"
#include "stipple-treatment.h"
#include "stipple-zones.h"

#define TEST_WAIT_SECONDS 20
#include "stipple-test-wait.h"

#define ZONE STIPPLE_ZONE_CHEEK_LEFT

static StippleApplication *app;
static GtkWindow *window;
static gboolean finished;
static char *dir;

static void
set_spin (const char *label,
          double      value)
{
  GtkWidget *spin = NULL;

  WAIT_FOR ((spin = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_SPIN_BUTTON, label)) != NULL);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
}

/* The value shown beside a caption of a strip chart's figures. */
static const char *
figure (GtkWidget  *chart,
        const char *caption)
{
  GtkWidget *label = stipple_test_find_label (chart, caption);

  g_assert_nonnull (label);
  g_assert_true (GTK_IS_LABEL (gtk_widget_get_next_sibling (label)));
  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_next_sibling (label)));
}

static char *
screen_duration (guint64 us)
{
  return stipple_strip_chart_format_duration (us);
}

/* What the record says, as the report formats it. */
static char *
record_depth (guint um)
{
  return g_strdup_printf (_("%.2f mm"), um / 1000.0);
}

static char *
record_duration (guint64 us)
{
  if (us > 0 && us < 60 * G_USEC_PER_SEC)
    return g_strdup_printf (_("%.1f s"), us / 1e6);
  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02u", us / G_USEC_PER_SEC / 60,
                          (guint) (us / G_USEC_PER_SEC % 60));
}

static void
disagree (GString    *out,
          const char *what,
          const char *where,
          const char *says,
          const char *file_says)
{
  g_string_append_printf (out, "  %s: %s says “%s”, the patient file “%s”\n", what, where, says,
                          file_says);
}

static void
run (void)
{
  StippleStore *store;
  GtkWidget *list, *page, *chart, *summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) disagreements = g_string_new (NULL);
  g_autofree char *screen_strokes = NULL;
  g_autofree char *screen_time = NULL;
  g_autofree char *screen_row = NULL;
  gint64 patient_id;
  const StippleScreeningItem *items;
  guint n_items;

  WAIT_FOR ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL);
  WAIT_FOR ((store = stipple_application_get_store (app)) != NULL);
  WAIT_FOR (stipple_pen_get_connected (stipple_application_get_pen (app)));
  stipple_test_wait_mapped (GTK_WIDGET (window));

  {
    g_autoptr(GPtrArray) found = stipple_store_search_patients (store, "DEMO-0001", 1, &error);

    g_assert_no_error (error);
    patient_id = ((const StipplePatient *) g_ptr_array_index (found, 0))->id;
  }
  WAIT_FOR ((list = stipple_test_find_of_type (GTK_WIDGET (window), STIPPLE_TYPE_PATIENT_LIST)) != NULL);
  g_signal_emit_by_name (list, "patient-activated", patient_id);
  stipple_test_press (_("Start Session"));
  {
    GtkWidget *name = NULL;

    WAIT_FOR ((name = stipple_test_find_entry_row (GTK_WIDGET (window), _("Clinician’s Name"))) != NULL);
    gtk_editable_set_text (GTK_EDITABLE (name), "Dr Agnes Okafor");
  }
  stipple_test_press (_("Next"));
  items = stipple_screening_get_items (&n_items);
  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *label = g_strdup_printf (_("%s: No"), stipple_screening_get_question (&items[i]));
      stipple_test_toggle (label);
    }
  stipple_test_press (_("Next"));
  stipple_test_toggle (_("The patient consents to the treatment"));
  stipple_test_press (_("Next"));
  stipple_test_press (_("Begin Treatment"));

  /* Two passes planned; the needle runs on the first. */
  {
    GtkWidget *row = NULL;
    g_autofree char *pass1 = g_strdup_printf (_("Depth of pass %u, millimetres"), 1);
    g_autofree char *pass2 = g_strdup_printf (_("Depth of pass %u, millimetres"), 2);

    WAIT_FOR ((row = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_ROW, stipple_zone_get_name (ZONE))) != NULL ||
              (row = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_LIST_ITEM, stipple_zone_get_name (ZONE))) != NULL);
    g_signal_emit_by_name (gtk_widget_get_ancestor (row, GTK_TYPE_LIST_BOX), "row-activated", row);
    WAIT_FOR (stipple_treatment_get_zone (stipple_test_ui_get_treatment (window)) == ZONE);
    set_spin (_("Passes"), 2);
    set_spin (pass1, 0.75);
    set_spin (pass2, 0.55);
  }
  stipple_test_press (_("Apply and Send to Pen"));
  WAIT_FOR (stipple_treatment_get_verification (stipple_test_ui_get_treatment (window)) ==
            STIPPLE_VERIFICATION_VERIFIED);
  stipple_test_press (_("Start Needle"));
  WAIT_FOR (stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
  WAIT_FOR (stipple_treatment_get_strokes (stipple_test_ui_get_treatment (window), ZONE) > 60);
  stipple_test_press (_("Stop Needle"));
  WAIT_FOR (!stipple_firmware_is_armed (stipple_test_ui_get_pen_model (app)));
  /* Every stroke counted, then the screen as the clinician reads it. */
  stipple_test_iterate (1000);

  page = stipple_test_find_of_type (GTK_WIDGET (window), STIPPLE_TYPE_TREATMENT_PAGE);
  chart = stipple_test_find_of_type (page, STIPPLE_TYPE_STRIP_CHART);
  g_assert_nonnull (chart);
  screen_strokes = g_strdup (figure (chart, _("Strokes")));
  screen_time = g_strdup (figure (chart, _("Time in zone")));
  {
    GtkWidget *row = stipple_test_find_accessible (page, GTK_ACCESSIBLE_ROLE_ROW, stipple_zone_get_name (ZONE));

    if (row == NULL)
      row = stipple_test_find_accessible (page, GTK_ACCESSIBLE_ROLE_LIST_ITEM, stipple_zone_get_name (ZONE));
    g_assert_nonnull (row);
    screen_row = g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  }

  stipple_test_press (_("End Session"));
  {
    GtkWidget *dialog = NULL;

    WAIT_FOR ((dialog = (GtkWidget *) stipple_test_find_window (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "end");
    gtk_window_close (GTK_WINDOW (dialog));
    WAIT_FOR ((dialog = (GtkWidget *) stipple_test_find_window (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
    gtk_window_close (GTK_WINDOW (dialog));
  }

  /* The patient file: the reference the others are held to. */
  {
    g_autoptr(StipplePatientChart) patient_chart = stipple_store_load_chart (store, patient_id, &error);
    const StippleSession *session = NULL;
    guint done[STIPPLE_N_ZONES];
    guint planned = 0, depth_um[2] = { 0 };
    guint64 strokes, time_us;
    g_autofree char *file_strokes = NULL;
    g_autofree char *file_time = NULL;
    g_autofree char *file_passes = NULL;

    g_assert_no_error (error);
    for (guint i = 0; i < patient_chart->sessions->len; i++)
      {
        const StippleSession *s = g_ptr_array_index (patient_chart->sessions, i);

        if (g_strcmp0 (s->clinician, "Dr Agnes Okafor") == 0)
          session = s;
      }
    g_assert_nonnull (session);
    for (guint i = 0; i < session->plan->len; i++)
      {
        const StippleZonePass *pass = &g_array_index (session->plan, StippleZonePass, i);

        if (pass->zone == ZONE && pass->pass >= 1 && pass->pass <= 2)
          {
            planned = MAX (planned, pass->pass);
            depth_um[pass->pass - 1] = pass->depth_um;
          }
      }
    {
      g_autoptr(GError) list_error = NULL;
      g_autoptr(GPtrArray) audit = stipple_store_list_audit (store, session->id, &list_error);

      g_assert_no_error (list_error);
      g_assert_true (stipple_report_count_passes_done (audit, done));
    }
    strokes = session->strokes[ZONE];
    time_us = session->time_in_zone_us[ZONE];
    g_assert_cmpuint (planned, ==, 2);
    g_assert_cmpuint (depth_um[0], ==, 750);
    g_assert_cmpuint (depth_um[1], ==, 550);
    g_assert_cmpuint (done[ZONE], ==, 1);
    g_assert_cmpuint (strokes, >, 60);
    g_assert_cmpuint (time_us, >, 0);
    file_strokes = g_strdup_printf ("%" G_GUINT64_FORMAT, strokes);
    file_passes = g_strdup_printf (_("%u of %u"), done[ZONE], planned);

    /* The treatment screen. */
    file_time = screen_duration (time_us);
    if (g_strcmp0 (screen_strokes, file_strokes) != 0)
      disagree (disagreements, "strokes", "the treatment screen", screen_strokes, file_strokes);
    if (g_strcmp0 (screen_time, file_time) != 0)
      disagree (disagreements, "time in zone", "the treatment screen", screen_time, file_time);
    {
      g_autofree char *strokes_words = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, ", %" PRIu64 " stroke",
                                                                     ", %" PRIu64 " strokes", strokes),
                                                        strokes);

      if (strstr (screen_row, strokes_words) == NULL)
        disagree (disagreements, "strokes", "the zone's row", screen_row, file_strokes);
    }

    /* The session's summary, from the patient file. */
    {
      GtkWidget *patient_page = stipple_test_find_of_type (GTK_WIDGET (window), STIPPLE_TYPE_PATIENT_PAGE);
      GtkWidget *row;
      g_autofree char *depth1 = stipple_patient_text_depth (depth_um[0]);
      g_autofree char *depth2 = stipple_patient_text_depth (depth_um[1]);
      g_autofree char *pass1 = g_strdup_printf (_("Pass %u: %s"), 1, depth1);
      g_autofree char *pass2 = g_strdup_printf (_("Pass %u: %s"), 2, depth2);
      g_autofree char *depths = g_strdup_printf ("%s\n%s", pass1, pass2);
      g_autofree char *rate = g_strdup_printf (_("%u strokes/s"), 120);
      const char *subtitle;

      WAIT_FOR (stipple_patient_page_get_chart (STIPPLE_PATIENT_PAGE (patient_page)) != NULL &&
                stipple_patient_page_get_chart (STIPPLE_PATIENT_PAGE (patient_page))->sessions->len ==
                patient_chart->sessions->len);
      g_signal_emit_by_name (patient_page, "session-activated", session->id);
      WAIT_FOR ((summary = (GtkWidget *) stipple_test_find_window (STIPPLE_TYPE_SESSION_SUMMARY)) !=
                NULL &&
                stipple_session_summary_get_replay_loaded (STIPPLE_SESSION_SUMMARY (summary)));
      row = stipple_test_find_accessible (summary, GTK_ACCESSIBLE_ROLE_ROW, stipple_zone_get_name (ZONE));
      if (row == NULL)
        row = stipple_test_find_accessible (summary, GTK_ACCESSIBLE_ROLE_LIST_ITEM, stipple_zone_get_name (ZONE));
      g_assert_nonnull (row);
      subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
      if (stipple_test_find_label (row, depths) == NULL)
        disagree (disagreements, "depths", "the summary", "(not these)", depths);
      {
        g_autofree char *expected = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                  "%u of %u pass done at %s · %'" PRIu64
                                                                  " strokes delivered",
                                                                  "%u of %u passes done at %s · %'" PRIu64
                                                                  " strokes delivered", planned),
                                                     done[ZONE], planned, rate, strokes);

        if (g_strcmp0 (subtitle, expected) != 0)
          disagree (disagreements, "passes and strokes", "the summary", subtitle, expected);
      }
      gtk_window_destroy (GTK_WINDOW (summary));
    }

    /* The record, as a PDF. */
    {
      g_autofree char *path = g_build_filename (dir, "record.pdf", NULL);
      g_autoptr(StippleReportData) data = NULL;
      StippleZoneLimits limits;
      const char *argv[] = { "pdftotext", "-layout", "-enc", "UTF-8", path, "-", NULL };
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;
      const char *line = NULL;
      g_autofree char *d1 = record_depth (depth_um[0]);
      g_autofree char *d2 = record_depth (depth_um[1]);
      g_autofree char *depths = g_strdup_printf ("%s · %s", d1, d2);
      g_autofree char *time = record_duration (time_us);
      int status = 0;

      stipple_zone_limits_init_defaults (&limits);
      data = stipple_report_data_from_session (store, session->id, "", "", &limits, &error);
      g_assert_no_error (error);
      g_assert_true (stipple_report_write_pdf (data, STIPPLE_REPORT_CHART, path, &error));
      g_assert_no_error (error);
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                    NULL, &text, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_cmpint (status, ==, 0);
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL && line == NULL; i++)
        if (g_str_has_prefix (g_strchug (lines[i]), stipple_zone_get_name (ZONE)))
          line = lines[i];
      g_assert_nonnull (line);
      if (strstr (line, depths) == NULL)
        disagree (disagreements, "depths", "the record", line, depths);
      if (strstr (line, file_passes) == NULL)
        disagree (disagreements, "passes", "the record", line, file_passes);
      {
        g_autofree char *strokes_cell = g_strdup_printf (" %s ", file_strokes);

        if (strstr (line, strokes_cell) == NULL)
          disagree (disagreements, "strokes", "the record", line, file_strokes);
      }
      if (strstr (line, time) == NULL)
        disagree (disagreements, "time in zone", "the record", line, time);
    }
  }

  if (disagreements->len > 0)
    g_error ("The session is told differently:\n%s", disagreements->str);
  finished = TRUE;
}

static void
test_agree (void)
{
  g_autofree char *database = NULL;
  const char *argv[] = { "stipple", "--simulate", "--demo", "--database", NULL, NULL };

  dir = g_dir_make_tmp ("stipple-agree-XXXXXX", NULL);
  database = g_build_filename (dir, "demo.stipple", NULL);
  argv[4] = database;
  app = stipple_application_new ();
  stipple_test_run_app (G_APPLICATION (app), argv, run);
  g_assert_true (finished);
  g_clear_object (&app);
  g_clear_pointer (&dir, g_free);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL)
    {
      g_printerr ("test-session-agree needs a display; run it through ./build-aux/dev test\n");
      return 1;
    }

  stipple_test_ui_init (&argc, &argv);

  g_test_add_func ("/stipple/session/agree", test_agree);

  return g_test_run ();
}
