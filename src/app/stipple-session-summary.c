/* stipple-session-summary.c
 *
 * A past session exactly as it was saved: who treated, with which pen
 * and cartridge, which serums from which lots, and per zone the depth of
 * every pass, the stroke rate and the strokes delivered. Nothing in it
 * can be edited: it is what the clinic shows when asked what was done.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-patients"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "stipple-patient-text.h"
#include "stipple-session-summary.h"

struct _StippleSessionSummary
{
  AdwWindow       parent_instance;

  /* Template children */
  AdwWindowTitle *window_title;
  GtkBox         *groups_box;
};

G_DEFINE_FINAL_TYPE (StippleSessionSummary, stipple_session_summary, ADW_TYPE_WINDOW)

static AdwPreferencesGroup *
add_group (StippleSessionSummary *self,
           const char            *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (self->groups_box, group);
  return ADW_PREFERENCES_GROUP (group);
}

/* "serial, firmware 2.1": either part may be missing. */
static char *
joined (const char *a,
        char       *b_text)
{
  g_autofree char *b = b_text;
  gboolean has_a = a != NULL && *a != '\0';

  if (has_a && b != NULL)
    return g_strdup_printf ("%s, %s", a, b);
  if (has_a)
    return g_strdup (a);
  if (b != NULL)
    return g_steal_pointer (&b);
  return g_strdup (_("Not recorded"));
}

static char *
labelled (const char *format_label,
          const char *value)
{
  if (value == NULL || *value == '\0')
    return NULL;
  /* TRANSLATORS: a labelled value, "firmware 2.1", "lot 24A7". */
  return g_strdup_printf (_("%s %s"), format_label, value);
}

static void
build_session (StippleSessionSummary     *self,
               const StipplePatientChart *chart,
               const StippleSession      *session)
{
  AdwPreferencesGroup *group = add_group (self, _("Session"));
  const StipplePatient *patient = chart->patient;
  g_autofree char *who = g_strdup_printf ("%s%s%s · %s",
                                          patient->given_name ? patient->given_name : "",
                                          patient->given_name && *patient->given_name ? " " : "",
                                          patient->family_name, patient->record_number);
  g_autofree char *started = stipple_patient_text_write_time (session->started_at);
  g_autofree char *pen = joined (session->pen_serial,
                                 labelled (_("firmware"), session->pen_firmware));
  g_autofree char *cartridge = joined (session->cartridge_id,
                                       labelled (_("lot"), session->cartridge_lot));
  g_autofree char *anaesthetic = session->anaesthetic_at != NULL
                                 ? stipple_patient_text_write_time (session->anaesthetic_at)
                                 : g_strdup (_("Not recorded"));
  GtkWidget *row;

  stipple_patient_text_add_field (group, _("Patient"), who);
  stipple_patient_text_add_field (group, _("Started"), started);
  if (session->ended_at != NULL)
    {
      g_autofree char *ended = stipple_patient_text_write_time (session->ended_at);
      GTimeSpan span = session->started_at != NULL
                       ? g_date_time_difference (session->ended_at, session->started_at) : 0;
      g_autofree char *duration = g_strdup_printf (_("%ld min"),
                                                   (long) (span / G_TIME_SPAN_MINUTE));

      stipple_patient_text_add_field (group, _("Ended"), ended);
      stipple_patient_text_add_field (group, _("Duration"), duration);
    }
  else
    {
      row = stipple_patient_text_add_field (group, _("Ended"), _("Not finished"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("The session was interrupted or never closed: what it "
                                     "recorded is shown below."));
      gtk_widget_add_css_class (row, "warning");
    }
  stipple_patient_text_add_field (group, _("Clinician"), session->clinician);
  stipple_patient_text_add_field (group, _("Pen"), pen);
  stipple_patient_text_add_field (group, _("Cartridge"), cartridge);
  stipple_patient_text_add_field (group, _("Topical anaesthetic applied"), anaesthetic);
}

static void
build_serums (StippleSessionSummary *self,
              const StippleSession  *session)
{
  AdwPreferencesGroup *group = add_group (self, _("Serums"));

  if (session->serums == NULL || session->serums->len == 0)
    {
      adw_preferences_group_set_description (group, _("No serums recorded."));
      return;
    }
  for (guint i = 0; i < session->serums->len; i++)
    {
      const StippleSerum *serum = g_ptr_array_index (session->serums, i);
      g_autofree char *lot = serum->lot != NULL && *serum->lot != '\0'
                             ? g_strdup_printf (_("Lot %s"), serum->lot)
                             : g_strdup (_("Lot not recorded"));

      stipple_patient_text_add_field (group, serum->product, lot);
    }
}

static void
build_plan (StippleSessionSummary *self,
            const StippleSession  *session)
{
  AdwPreferencesGroup *group = add_group (self, _("Plan and Strokes Delivered"));
  gboolean listed[STIPPLE_N_ZONES] = { FALSE };
  guint n_plan = session->plan != NULL ? session->plan->len : 0;
  gboolean any = FALSE;

  /* One row a zone, in the order the plan was made. */
  for (guint i = 0; i < n_plan; i++)
    {
      const StippleZonePass *first = &g_array_index (session->plan, StippleZonePass, i);
      g_autoptr(GString) passes = g_string_new (NULL);
      g_autoptr(GString) rates = g_string_new (NULL);
      g_autofree char *subtitle = NULL;
      guint n_passes = 0;
      guint last_rate = 0;
      GtkWidget *row;

      if (first->zone <= STIPPLE_ZONE_NONE || first->zone >= STIPPLE_N_ZONES ||
          listed[first->zone])
        continue;
      listed[first->zone] = TRUE;
      any = TRUE;

      for (guint j = i; j < n_plan; j++)
        {
          const StippleZonePass *pass = &g_array_index (session->plan, StippleZonePass, j);
          g_autofree char *depth = NULL;

          if (pass->zone != first->zone)
            continue;
          depth = stipple_patient_text_depth (pass->depth_um);
          if (passes->len > 0)
            g_string_append (passes, "\n");
          /* TRANSLATORS: one pass of the needle over a zone: "Pass 2: 1.5 mm". */
          g_string_append_printf (passes, _("Pass %u: %s"), pass->pass, depth);
          if (pass->stroke_rate_hz != last_rate)
            {
              if (rates->len > 0)
                g_string_append (rates, ", ");
              g_string_append_printf (rates, _("%u strokes/s"), pass->stroke_rate_hz);
              last_rate = pass->stroke_rate_hz;
            }
          n_passes++;
        }

      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%u pass at %s · %'" PRIu64
                                               " strokes delivered",
                                               "%u passes at %s · %'" PRIu64
                                               " strokes delivered", n_passes),
                                  n_passes, rates->str, session->strokes[first->zone]);
      row = stipple_patient_text_add_field (group, stipple_zone_get_name (first->zone),
                                            passes->str);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }

  /* Strokes in a zone the plan did not name are shown, not hidden. */
  for (guint z = STIPPLE_ZONE_NONE + 1; z < STIPPLE_N_ZONES; z++)
    if (!listed[z] && session->strokes[z] > 0)
      {
        g_autofree char *subtitle = g_strdup_printf (_("%'" PRIu64
                                                       " strokes delivered"),
                                                     session->strokes[z]);
        GtkWidget *row = stipple_patient_text_add_field (group, stipple_zone_get_name (z),
                                                         _("Not in the plan"));

        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        gtk_widget_add_css_class (row, "warning");
        listed[z] = TRUE;
        any = TRUE;
      }

  if (!any)
    adw_preferences_group_set_description (group, _("No zones were planned or treated."));
}

static void
add_note (StippleSessionSummary *self,
          const char            *title,
          const char            *text)
{
  AdwPreferencesGroup *group = add_group (self, title);
  GtkWidget *label;

  if (text == NULL || *text == '\0')
    {
      adw_preferences_group_set_description (group, _("No note written."));
      return;
    }
  label = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  adw_preferences_group_add (group, label);
}

/**
 * stipple_session_summary_new:
 * @chart: the patient's chart
 * @session_id: one of the chart's sessions
 *
 * Returns: (transfer full): a read-only window showing the session; set
 *   it transient for the main window and present it
 */
StippleSessionSummary *
stipple_session_summary_new (const StipplePatientChart *chart,
                             gint64                     session_id)
{
  StippleSessionSummary *self;
  const StippleSession *session = NULL;
  g_autofree char *day = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (chart != NULL && chart->patient != NULL, NULL);

  for (guint i = 0; i < chart->sessions->len; i++)
    {
      const StippleSession *s = g_ptr_array_index (chart->sessions, i);

      if (s->id == session_id)
        session = s;
    }
  g_return_val_if_fail (session != NULL, NULL);

  self = g_object_new (STIPPLE_TYPE_SESSION_SUMMARY, NULL);
  day = stipple_patient_text_write_day (session->started_at);
  title = g_strdup_printf (_("Session of %s"), day);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, _("Read only"));

  build_session (self, chart, session);
  build_serums (self, session);
  build_plan (self, session);
  add_note (self, _("Note Before the Session"), session->note_before);
  add_note (self, _("Note After the Session"), session->note_after);

  return self;
}

static void
stipple_session_summary_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STIPPLE_TYPE_SESSION_SUMMARY);

  G_OBJECT_CLASS (stipple_session_summary_parent_class)->dispose (object);
}

static void
stipple_session_summary_class_init (StippleSessionSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_session_summary_dispose;

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/stipple-session-summary.ui");
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSummary, window_title);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSummary, groups_box);
}

static void
stipple_session_summary_init (StippleSessionSummary *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
