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

#include "stipple-a11y.h"
#include "stipple-patient-text.h"
#include "stipple-report-session.h"
#include "stipple-session-summary.h"
#include "stipple-strip-chart.h"

struct _StippleSessionSummary
{
  AdwWindow       parent_instance;

  gint64          session_id;
  guint           deepest_um;
  gboolean        ended;
  GCancellable   *cancellable;
  gboolean        replay_loaded;
  /* The needle graphs' group, once they are shown. */
  AdwPreferencesGroup *replay_group;
  /* The notes' groups (before, after), where addenda are listed; the
   * store and who may sign, once stipple_session_summary_load_addenda()
   * has been called. */
  AdwPreferencesGroup *note_groups[2];
  StippleStore   *store;
  GStrv           authors;
  guint           n_addenda;
  /* The plan's group and rows, to say the passes done once the audit
   * trail is read, or why they are not known. */
  AdwPreferencesGroup *plan_group;
  AdwActionRow   *plan_rows[STIPPLE_N_ZONES];
  guint           planned_passes[STIPPLE_N_ZONES];
  char           *plan_rates[STIPPLE_N_ZONES];
  guint64         plan_strokes[STIPPLE_N_ZONES];

  /* Template children */
  AdwWindowTitle *window_title;
  GtkBox         *groups_box;
};

enum {
  SIGNAL_REPORT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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

  self->plan_group = group;

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
      self->plan_rows[first->zone] = ADW_ACTION_ROW (row);
      self->planned_passes[first->zone] = n_passes;
      self->plan_rates[first->zone] = g_strdup (rates->str);
      self->plan_strokes[first->zone] = session->strokes[first->zone];
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

static AdwPreferencesGroup *
add_note (StippleSessionSummary *self,
          const char            *title,
          const char            *text)
{
  AdwPreferencesGroup *group = add_group (self, title);
  GtkWidget *label;

  if (text == NULL || *text == '\0')
    {
      adw_preferences_group_set_description (group, _("No note written."));
      return group;
    }
  label = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  adw_preferences_group_add (group, label);
  return group;
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

  self->session_id = session_id;
  self->ended = session->ended_at != NULL;
  g_object_set_data_full (G_OBJECT (self), "clinician", g_strdup (session->clinician), g_free);
  for (guint i = 0; i < session->plan->len; i++)
    self->deepest_um = MAX (self->deepest_um,
                            g_array_index (session->plan, StippleZonePass, i).depth_um);

  build_session (self, chart, session);
  build_serums (self, session);
  build_plan (self, session);
  self->note_groups[STIPPLE_NOTE_BEFORE] =
    add_note (self, _("Note Before the Session"), session->note_before);
  self->note_groups[STIPPLE_NOTE_AFTER] =
    add_note (self, _("Note After the Session"), session->note_after);

  /* A session not ended has no report yet: it says so instead. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "summary.export-record", self->ended);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "summary.export-patient-copy", self->ended);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "summary.print", self->ended);

  return self;
}

/* ------------------------------------------------------------------------
 * Replay: the session's needle data through the live graphs' widget
 * ------------------------------------------------------------------------ */

static gpointer thinned_at_job (StippleStore  *store,
                                gpointer       data,
                                GCancellable  *cancellable,
                                GError       **error);
static void     thinned_at_cb  (GObject       *object,
                                GAsyncResult  *result,
                                gpointer       user_data);

static void
telemetry_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(StippleSessionSummary) self = user_data;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GError) error = NULL;
  AdwPreferencesGroup *group;
  GtkWidget *child;

  samples = stipple_store_load_telemetry_finish (STIPPLE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  group = add_group (self, _("Needle Graphs"));
  if (samples == NULL)
    {
      adw_preferences_group_set_description (group, error->message);
    }
  else if (samples->len == 0)
    {
      adw_preferences_group_set_description (group,
                                             _("No needle data was recorded for this session."));
    }
  else
    {
      g_autoptr(GBytes) bytes = g_bytes_new (samples->data,
                                             samples->len * sizeof (StippleProtoSample));

      child = stipple_strip_chart_new ();
      gtk_widget_set_size_request (child, -1, 360);
      adw_preferences_group_set_description (group, _("Replayed from the patient file: scrub "
                                                      "through the session, or play it."));
      if (self->deepest_um > 0)
        stipple_strip_chart_set_commanded_depth (STIPPLE_STRIP_CHART (child), self->deepest_um);
      if (!stipple_strip_chart_set_replay (STIPPLE_STRIP_CHART (child), bytes, &error))
        adw_preferences_group_set_description (group, error->message);
      else
        {
          adw_preferences_group_add (group, child);
          self->replay_group = group;
          stipple_store_run_async (STIPPLE_STORE (object), STIPPLE_STORE_LANE_WRITER,
                                   thinned_at_job,
                                   g_memdup2 (&self->session_id, sizeof self->session_id), g_free,
                                   g_free, self->cancellable, thinned_at_cb, g_object_ref (self),
                                   thinned_at_job);
        }
    }

  self->replay_loaded = TRUE;
}

/* Reads of the patient file for this window run on the store's writer,
 * never on the window's thread: the session's id is all they take. */
static gpointer
thinned_at_job (StippleStore  *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  char *at = stipple_store_get_needle_thinned_at (store, *(gint64 *) data, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* Kept at full rate: an empty string, not a failure. */
  return at != NULL ? at : g_strdup ("");
}

/* A session past the clinic's retention period replays from the
 * per-stroke record: the graphs' description says so. */
static void
thinned_at_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(StippleSessionSummary) self = user_data;
  g_autofree char *at = stipple_store_run_finish (STIPPLE_STORE (object), result, NULL);
  g_autofree char *text = NULL;

  if (at == NULL || *at == '\0' || self->replay_group == NULL)
    return;
  text = g_strdup_printf (_("Replayed from the per-stroke record: the full-rate needle data was "
                            "thinned on %.10s, after the clinic’s retention period. Scrub "
                            "through the session, or play it."), at);
  adw_preferences_group_set_description (self->replay_group, text);
}

static gpointer
list_audit_job (StippleStore  *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  return stipple_store_list_audit (store, *(gint64 *) data, error);
}

static gpointer
list_addenda_job (StippleStore  *store,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  return stipple_store_list_note_addenda (store, *(gint64 *) data, error);
}

static void
read_session_async (StippleSessionSummary *self,
                    StippleStore          *store,
                    StippleStoreJobFunc    job,
                    GAsyncReadyCallback    callback)
{
  stipple_store_run_async (store, STIPPLE_STORE_LANE_WRITER, job,
                           g_memdup2 (&self->session_id, sizeof self->session_id), g_free,
                           (GDestroyNotify) g_ptr_array_unref, self->cancellable,
                           callback, g_object_ref (self), job);
}

/* Passes done beside passes planned ("1 of 2 passes done"), counted from
 * the audit trail as the record counts them. */
static void
show_passes_done (StippleSessionSummary *self,
                  GPtrArray             *audit)
{
  guint done[STIPPLE_N_ZONES];

  if (!stipple_report_count_passes_done (audit, done))
    return;

  for (guint z = 0; z < STIPPLE_N_ZONES; z++)
    {
      g_autofree char *subtitle = NULL;

      if (self->plan_rows[z] == NULL)
        continue;
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%u of %u pass done at %s · %'" PRIu64
                                               " strokes delivered",
                                               "%u of %u passes done at %s · %'" PRIu64
                                               " strokes delivered", self->planned_passes[z]),
                                  done[z], self->planned_passes[z], self->plan_rates[z],
                                  self->plan_strokes[z]);
      adw_action_row_set_subtitle (self->plan_rows[z], subtitle);
    }
}

/* The passes first, then the needle data: once the graphs are loaded,
 * the summary is complete. */
static void
audit_listed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(StippleSessionSummary) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) audit = stipple_store_run_finish (STIPPLE_STORE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (audit != NULL)
    show_passes_done (self, audit);
  else if (self->plan_group != NULL)
    adw_preferences_group_set_description (self->plan_group, error->message);

  stipple_store_load_telemetry_async (STIPPLE_STORE (object), self->session_id, self->cancellable,
                                      telemetry_loaded_cb, g_object_ref (self));
}

/**
 * stipple_session_summary_load_replay:
 * @self: a #StippleSessionSummary
 * @store: the patient file
 *
 * Reads the session's needle data off the main thread and shows it in
 * the graphs, to scrub through or play; and says, zone by zone, how many
 * of the planned passes were done.
 */
void
stipple_session_summary_load_replay (StippleSessionSummary *self,
                                     StippleStore          *store)
{
  g_return_if_fail (STIPPLE_IS_SESSION_SUMMARY (self));
  g_return_if_fail (STIPPLE_IS_STORE (store));

  read_session_async (self, store, list_audit_job, audit_listed_cb);
}

/**
 * stipple_session_summary_get_replay_loaded:
 * @self: a #StippleSessionSummary
 *
 * Returns: whether the needle graphs have been loaded
 */
gboolean
stipple_session_summary_get_replay_loaded (StippleSessionSummary *self)
{
  g_return_val_if_fail (STIPPLE_IS_SESSION_SUMMARY (self), FALSE);

  return self->replay_loaded;
}

/* ------------------------------------------------------------------------
 * Addenda: what is added to the notes after the session was sealed
 * ------------------------------------------------------------------------ */

static void
show_addendum (StippleSessionSummary     *self,
               const StippleNoteAddendum *addendum)
{
  AdwPreferencesGroup *group = self->note_groups[addendum->kind];
  g_autofree char *when = addendum->written_at
    ? stipple_patient_text_write_time (addendum->written_at) : g_strdup ("?");
  /* Translators: "Addendum of 03/12/2026 14:03 by Dr Second" */
  g_autofree char *heading = g_strdup_printf (_("Addendum of %s by %s"), when, addendum->author);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (heading);
  GtkWidget *text = gtk_label_new (addendum->text);
  g_autofree char *name = g_strdup_printf ("%s: %s", heading, addendum->text);

  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_xalign (GTK_LABEL (text), 0.0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_widget_set_margin_top (box, 12);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  adw_preferences_group_add (group, box);
  self->n_addenda++;
}

typedef struct
{
  StippleSessionSummary *self;
  StippleNoteKind        kind;
  GtkTextBuffer         *buffer;
  GtkDropDown           *author;
  AdwMessageDialog      *dialog;
} AddendumForm;

static void
addendum_form_free (AddendumForm *form)
{
  g_clear_object (&form->buffer);
  g_free (form);
}

static char *
form_text (AddendumForm *form)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (form->buffer, &start, &end);
  return gtk_text_buffer_get_text (form->buffer, &start, &end, FALSE);
}

static void
form_changed_cb (AddendumForm *form)
{
  g_autofree char *text = form_text (form);

  adw_message_dialog_set_response_enabled (form->dialog, "add", *g_strstrip (text) != '\0');
}

/* Addenda the window does not show yet are added below the others: on
 * opening, all of them; after one was saved, that one. */
static void
addenda_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(StippleSessionSummary) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) addenda = stipple_store_run_finish (STIPPLE_STORE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (addenda == NULL)
    {
      adw_preferences_group_set_description (self->note_groups[STIPPLE_NOTE_AFTER], error->message);
      return;
    }
  for (guint i = self->n_addenda; i < addenda->len; i++)
    show_addendum (self, g_ptr_array_index (addenda, i));
}

static void
addendum_saved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(StippleSessionSummary) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!stipple_store_add_note_addendum_finish (STIPPLE_STORE (object), result, &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                                  _("The Addendum Was Not Saved"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  /* Shown as the file now holds it: its time and author as saved. */
  read_session_async (self, STIPPLE_STORE (object), list_addenda_job, addenda_listed_cb);
}

static void
addendum_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      AddendumForm     *form)
{
  StippleSessionSummary *self = form->self;
  g_autofree char *text = NULL;
  GtkStringObject *author;

  if (!g_str_equal (response, "add") || self->store == NULL)
    return;
  text = form_text (form);
  author = gtk_drop_down_get_selected_item (form->author);
  stipple_store_add_note_addendum_async (self->store, self->session_id, form->kind, text,
                                         author ? gtk_string_object_get_string (author) : NULL,
                                         addendum_saved_cb, g_object_ref (self));
}

static void
add_addendum_clicked_cb (GtkButton *button,
                         gpointer   user_data)
{
  StippleSessionSummary *self = user_data;
  StippleNoteKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "note-kind"));
  AddendumForm *form = g_new0 (AddendumForm, 1);
  GtkWidget *dialog, *box, *scrolled, *view, *label;

  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   kind == STIPPLE_NOTE_BEFORE
                                     ? _("Add to the Note Before the Session")
                                     : _("Add to the Note After the Session"),
                                   _("The session is sealed: its notes stay as they were when "
                                     "it ended. An addendum is kept beside them with its date "
                                     "and author, and appears in the session record."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "add", _("_Add Addendum"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  label = gtk_label_new_with_mnemonic (_("_Written by"));
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  form->author = GTK_DROP_DOWN (gtk_drop_down_new_from_strings ((const char *const *) self->authors));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (form->author));
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (form->author));

  label = gtk_label_new_with_mnemonic (_("_Addendum"));
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_widget_add_css_class (view, "card");
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), view);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 120);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  form->self = self;
  form->kind = kind;
  form->dialog = ADW_MESSAGE_DIALOG (dialog);
  form->buffer = g_object_ref (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  g_signal_connect_swapped (form->buffer, "changed", G_CALLBACK (form_changed_cb), form);
  g_signal_connect_data (dialog, "response", G_CALLBACK (addendum_response_cb), form,
                         (GClosureNotify) (void (*) (void)) addendum_form_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (view);
}

/**
 * stipple_session_summary_load_addenda:
 * @self: a #StippleSessionSummary
 * @store: the patient file
 * @staff: (nullable) (array zero-terminated=1): the clinicians who may
 *   sign an addendum; the session's own clinician is offered first
 *
 * Shows what was added to the session's notes after it was sealed and,
 * for an ended session, lets a clinician add to either note.
 */
void
stipple_session_summary_load_addenda (StippleSessionSummary *self,
                                      StippleStore          *store,
                                      const char * const    *staff)
{
  g_autoptr(GStrvBuilder) authors = g_strv_builder_new ();
  const char *clinician = g_object_get_data (G_OBJECT (self), "clinician");

  g_return_if_fail (STIPPLE_IS_SESSION_SUMMARY (self));
  g_return_if_fail (STIPPLE_IS_STORE (store));

  g_set_object (&self->store, store);
  if (clinician != NULL && *clinician != '\0')
    g_strv_builder_add (authors, clinician);
  for (guint i = 0; staff != NULL && staff[i] != NULL; i++)
    if (g_strcmp0 (staff[i], clinician) != 0)
      g_strv_builder_add (authors, staff[i]);
  g_clear_pointer (&self->authors, g_strfreev);
  self->authors = g_strv_builder_end (authors);

  read_session_async (self, store, list_addenda_job, addenda_listed_cb);

  if (!self->ended || self->authors[0] == NULL)
    return;
  for (StippleNoteKind kind = STIPPLE_NOTE_BEFORE; kind <= STIPPLE_NOTE_AFTER; kind++)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("Add _Addendum…"));

      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, kind == STIPPLE_NOTE_BEFORE
                                           ? _("Add to the note before the session")
                                           : _("Add to the note after the session"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      kind == STIPPLE_NOTE_BEFORE
                                        ? _("Add to the note before the session")
                                        : _("Add to the note after the session"),
                                      -1);
      g_object_set_data (G_OBJECT (button), "note-kind", GINT_TO_POINTER (kind));
      g_signal_connect (button, "clicked", G_CALLBACK (add_addendum_clicked_cb), self);
      adw_preferences_group_set_header_suffix (self->note_groups[kind], button);
    }
}

/**
 * stipple_session_summary_get_n_addenda:
 * @self: a #StippleSessionSummary
 *
 * Returns: how many addenda the window shows
 */
guint
stipple_session_summary_get_n_addenda (StippleSessionSummary *self)
{
  g_return_val_if_fail (STIPPLE_IS_SESSION_SUMMARY (self), 0);

  return self->n_addenda;
}

static void
report_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StippleSessionSummary *self = STIPPLE_SESSION_SUMMARY (widget);
  StippleSessionReportAction action = STIPPLE_SESSION_REPORT_RECORD;

  if (g_str_equal (action_name, "summary.export-patient-copy"))
    action = STIPPLE_SESSION_REPORT_PATIENT_COPY;
  else if (g_str_equal (action_name, "summary.print"))
    action = STIPPLE_SESSION_REPORT_PRINT;

  g_signal_emit (self, signals[SIGNAL_REPORT], 0, self->session_id, (int) action);
}

static void
stipple_session_summary_dispose (GObject *object)
{
  StippleSessionSummary *self = STIPPLE_SESSION_SUMMARY (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->authors, g_strfreev);
  for (guint z = 0; z < STIPPLE_N_ZONES; z++)
    g_clear_pointer (&self->plan_rates[z], g_free);

  gtk_widget_dispose_template (GTK_WIDGET (object), STIPPLE_TYPE_SESSION_SUMMARY);

  G_OBJECT_CLASS (stipple_session_summary_parent_class)->dispose (object);
}

static void
stipple_session_summary_class_init (StippleSessionSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_session_summary_dispose;

  /**
   * StippleSessionSummary::report:
   * @session_id: the session
   * @action: a #StippleSessionReportAction
   *
   * The clinician asked for the session's report.
   */
  signals[SIGNAL_REPORT] =
    g_signal_new ("report", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT);

  gtk_widget_class_install_action (widget_class, "summary.export-record", NULL, report_action);
  gtk_widget_class_install_action (widget_class, "summary.export-patient-copy", NULL, report_action);
  gtk_widget_class_install_action (widget_class, "summary.print", NULL, report_action);
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
  stipple_a11y_name_buttons_once (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}
