/* stipple-patient-page.c
 *
 * A patient's record as the clinician checks it before treating: who
 * they are (name, date of birth written out with the age, record
 * number), what makes treatment riskier (skin type, allergies), what
 * they consented to, where they are in their course, and every past
 * session. A session that was never finished is said in words at the
 * top, not left for the clinician to notice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-patients"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-a11y.h"
#include "stipple-patient-page.h"
#include "stipple-patient-text.h"

struct _StipplePatientPage
{
  GtkBox               parent_instance;

  StippleStore        *store;
  StipplePatientChart *chart;
  GCancellable        *cancellable;

  /* Template children */
  GtkStack            *stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *error_page;
  GtkLabel            *name_label;
  GtkLabel            *summary_label;
  GtkButton           *start_button;
  GtkButton           *edit_button;
  GtkButton           *export_button;
  GtkLabel            *unfinished_label;
  GtkBox              *groups_box;
};

G_DEFINE_FINAL_TYPE (StipplePatientPage, stipple_patient_page, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

enum {
  SIGNAL_SESSION_ACTIVATED,
  SIGNAL_START_SESSION,
  SIGNAL_EDIT_PATIENT,
  SIGNAL_EXPORT_PATIENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static AdwPreferencesGroup *
add_group (StipplePatientPage *self,
           const char         *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (self->groups_box, group);
  return ADW_PREFERENCES_GROUP (group);
}

static void
build_details (StipplePatientPage   *self,
               const StipplePatient *patient)
{
  AdwPreferencesGroup *group = add_group (self, _("Details"));
  g_autofree char *born = stipple_patient_text_write_iso_date (patient->date_of_birth);
  GtkWidget *row;

  stipple_patient_text_add_field (group, _("Family name"), patient->family_name);
  stipple_patient_text_add_field (group, _("Given name"), patient->given_name);
  stipple_patient_text_add_field (group, _("Date of birth"), born);
  stipple_patient_text_add_field (group, _("Record number"), patient->record_number);
  stipple_patient_text_add_field (group, _("Phone"), patient->phone);
  stipple_patient_text_add_field (group, _("Email"), patient->email);
  stipple_patient_text_add_field (group, _("Address"), patient->address);

  row = stipple_patient_text_add_field (group, _("Fitzpatrick skin type"),
                                        stipple_patient_text_fitzpatrick (patient->fitzpatrick));
  if (patient->fitzpatrick >= 4)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Higher risk of post-inflammatory hyperpigmentation"));
      gtk_widget_add_css_class (row, "warning");
    }
  else if (patient->fitzpatrick == 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                 _("Assess the skin type before the first session"));

  stipple_patient_text_add_field (group, _("Allergies"),
                                  patient->allergies != NULL && *patient->allergies != '\0'
                                  ? patient->allergies : _("None recorded"));
}

static void
add_consent_row (AdwPreferencesGroup *group,
                 GPtrArray           *consents,
                 StippleConsentKind   kind,
                 const char          *title)
{
  const StippleConsent *latest = NULL;
  g_autofree char *value = NULL;

  for (guint i = 0; i < consents->len; i++)
    {
      const StippleConsent *consent = g_ptr_array_index (consents, i);

      if (consent->kind == kind &&
          (latest == NULL || g_strcmp0 (consent->signed_on, latest->signed_on) >= 0))
        latest = consent;
    }

  if (latest == NULL)
    value = g_strdup (_("Not recorded"));
  else
    {
      g_autofree char *on = stipple_patient_text_write_iso_date (latest->signed_on);

      value = latest->given ? g_strdup_printf (_("Given on %s"), on)
                            : g_strdup_printf (_("Refused on %s"), on);
    }
  stipple_patient_text_add_field (group, title, value);
}

static void
build_consents (StipplePatientPage        *self,
                const StipplePatientChart *chart)
{
  AdwPreferencesGroup *group = add_group (self, _("Consent"));

  add_consent_row (group, chart->consents, STIPPLE_CONSENT_TREATMENT, _("Treatment"));
  add_consent_row (group, chart->consents, STIPPLE_CONSENT_PHOTOGRAPHS, _("Photographs"));
}

static char *
interval_text (guint days)
{
  if (days == 0)
    return g_strdup (_("no interval set"));
  if (days % 7 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "every week", "every %u weeks",
                                         days / 7), days / 7);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "every day", "every %u days", days),
                          days);
}

static void
build_course (StipplePatientPage        *self,
              const StipplePatientChart *chart)
{
  AdwPreferencesGroup *group = add_group (self, _("Course of Treatment"));
  const StippleCourse *course = NULL;
  g_autofree char *planned = NULL;
  g_autofree char *interval = NULL;
  g_autofree char *done_text = NULL;
  g_autofree char *started = NULL;
  guint done = 0;

  for (guint i = 0; i < chart->courses->len; i++)
    {
      const StippleCourse *c = g_ptr_array_index (chart->courses, i);

      if (course == NULL || g_strcmp0 (c->started_on, course->started_on) >= 0)
        course = c;
    }

  if (course == NULL)
    {
      stipple_patient_text_add_field (group, _("Course"), _("No course of treatment recorded"));
      return;
    }

  for (guint i = 0; i < chart->sessions->len; i++)
    {
      const StippleSession *session = g_ptr_array_index (chart->sessions, i);

      if (session->course_id == course->id && session->ended_at != NULL)
        done++;
    }

  interval = interval_text (course->interval_days);
  planned = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u session, %s",
                                          "%u sessions, %s", course->planned_sessions),
                             course->planned_sessions, interval);
  /* TRANSLATORS: sessions finished of sessions planned, "2 of 3". */
  done_text = g_strdup_printf (_("%u of %u"), done, course->planned_sessions);
  started = stipple_patient_text_write_iso_date (course->started_on);

  stipple_patient_text_add_field (group, _("Indications"), course->indications);
  stipple_patient_text_add_field (group, _("Planned"), planned);
  stipple_patient_text_add_field (group, _("Sessions done"), done_text);
  stipple_patient_text_add_field (group, _("Started on"), started);
}

static char *
session_subtitle (const StippleSession *session)
{
  g_autoptr(GString) zones = g_string_new (NULL);
  gboolean seen[STIPPLE_N_ZONES] = { FALSE };
  guint deepest = 0;
  g_autofree char *depth = NULL;
  const char *clinician = session->clinician != NULL && *session->clinician != '\0'
                          ? session->clinician : _("Clinician not recorded");

  for (guint i = 0; session->plan != NULL && i < session->plan->len; i++)
    {
      const StippleZonePass *pass = &g_array_index (session->plan, StippleZonePass, i);

      deepest = MAX (deepest, pass->depth_um);
      if (pass->zone > STIPPLE_ZONE_NONE && pass->zone < STIPPLE_N_ZONES && !seen[pass->zone])
        {
          seen[pass->zone] = TRUE;
          if (zones->len > 0)
            g_string_append (zones, ", ");
          g_string_append (zones, stipple_zone_get_name (pass->zone));
        }
    }

  if (zones->len == 0)
    return g_strdup_printf (_("%s · no zones planned"), clinician);
  depth = stipple_patient_text_depth (deepest);
  /* TRANSLATORS: clinician · zones treated · deepest needle depth. */
  return g_strdup_printf (_("%s · %s · deepest %s"), clinician, zones->str, depth);
}

static void
session_row_activated_cb (AdwActionRow       *row,
                          StipplePatientPage *self)
{
  gint64 *session_id = g_object_get_data (G_OBJECT (row), "stipple-session-id");

  g_signal_emit (self, signals[SIGNAL_SESSION_ACTIVATED], 0, *session_id);
}

static void
build_sessions (StipplePatientPage        *self,
                const StipplePatientChart *chart)
{
  AdwPreferencesGroup *group = add_group (self, _("Past Sessions"));

  if (chart->sessions->len == 0)
    {
      adw_preferences_group_set_description (group, _("No sessions recorded yet."));
      return;
    }

  /* Newest first: the last session is the one a clinician looks for. */
  for (guint i = chart->sessions->len; i-- > 0;)
    {
      const StippleSession *session = g_ptr_array_index (chart->sessions, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = stipple_patient_text_write_time (session->started_at);
      g_autofree char *subtitle = session_subtitle (session);
      g_autofree char *accessible = NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), when);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

      if (session->ended_at == NULL)
        {
          GtkWidget *tag = gtk_label_new (_("Not finished"));

          gtk_widget_add_css_class (tag, "warning");
          gtk_widget_add_css_class (tag, "heading");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
          accessible = g_strdup_printf (_("Session of %s, not finished: %s"), when, subtitle);
        }
      else
        accessible = g_strdup_printf (_("Session of %s: %s"), when, subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

      g_object_set_data_full (G_OBJECT (row), "stipple-session-id",
                              g_memdup2 (&session->id, sizeof session->id), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (session_row_activated_cb), self);
      adw_preferences_group_add (group, row);
    }
}

static void
show_unfinished (StipplePatientPage        *self,
                 const StipplePatientChart *chart)
{
  const StippleSession *unfinished = NULL;

  for (guint i = 0; i < chart->sessions->len; i++)
    {
      const StippleSession *session = g_ptr_array_index (chart->sessions, i);

      if (session->ended_at == NULL)
        unfinished = session;
    }

  if (unfinished != NULL)
    {
      g_autofree char *when = stipple_patient_text_write_time (unfinished->started_at);
      g_autofree char *text = g_strdup_printf (_("The session started %s was never finished: "
                                                 "it may have been interrupted. Open it below "
                                                 "to see what was recorded."), when);

      gtk_label_set_text (self->unfinished_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->unfinished_label), unfinished != NULL);
}

static void
show_chart (StipplePatientPage *self)
{
  const StipplePatient *patient = self->chart->patient;
  g_autofree char *name = NULL;
  g_autofree char *born = stipple_patient_text_write_iso_date (patient->date_of_birth);
  g_autofree char *summary = NULL;
  GtkWidget *child;
  GDate dob, today;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))) != NULL)
    gtk_box_remove (self->groups_box, child);

  if (patient->given_name != NULL && *patient->given_name != '\0')
    /* TRANSLATORS: a patient's full name on their page: given name, family name. */
    name = g_strdup_printf (_("%s %s"), patient->given_name, patient->family_name);
  else
    name = g_strdup (patient->family_name);
  gtk_label_set_text (self->name_label, name);

  stipple_patient_text_today (&today);
  if (stipple_patient_text_parse_date (patient->date_of_birth, &dob) &&
      stipple_patient_text_age (&dob, &today) >= 0)
    {
      int age = stipple_patient_text_age (&dob, &today);

      /* TRANSLATORS: record number · born <date>, aged <years>. */
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · born %s, aged %d year",
                                              "%s · born %s, aged %d years", age),
                                 patient->record_number, born, age);
    }
  else
    summary = g_strdup_printf (_("%s · born %s"), patient->record_number, born);
  gtk_label_set_text (self->summary_label, summary);

  show_unfinished (self, self->chart);
  build_details (self, patient);
  build_consents (self, self->chart);
  build_course (self, self->chart);
  build_sessions (self, self->chart);

  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->edit_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), TRUE);
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "chart");
}

static void
load_chart_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(StipplePatientPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;

  chart = stipple_store_load_chart_finish (STIPPLE_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (chart == NULL)
    {
      g_clear_pointer (&self->chart, stipple_patient_chart_free);
      gtk_spinner_stop (self->spinner);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  g_clear_pointer (&self->chart, stipple_patient_chart_free);
  self->chart = g_steal_pointer (&chart);
  show_chart (self);
}

/**
 * stipple_patient_page_new:
 * @store: (nullable): the patient file
 *
 * Returns: (transfer full): a new, empty patient page
 */
StipplePatientPage *
stipple_patient_page_new (StippleStore *store)
{
  g_return_val_if_fail (store == NULL || STIPPLE_IS_STORE (store), NULL);

  return g_object_new (STIPPLE_TYPE_PATIENT_PAGE, "store", store, NULL);
}

/**
 * stipple_patient_page_get_store:
 * @self: a patient page
 *
 * Returns: (transfer none) (nullable): the patient file
 */
StippleStore *
stipple_patient_page_get_store (StipplePatientPage *self)
{
  g_return_val_if_fail (STIPPLE_IS_PATIENT_PAGE (self), NULL);

  return self->store;
}

/**
 * stipple_patient_page_set_store:
 * @self: a patient page
 * @store: (nullable): the patient file charts are loaded from
 */
void
stipple_patient_page_set_store (StipplePatientPage *self,
                                StippleStore       *store)
{
  g_return_if_fail (STIPPLE_IS_PATIENT_PAGE (self));
  g_return_if_fail (store == NULL || STIPPLE_IS_STORE (store));

  if (g_set_object (&self->store, store))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * stipple_patient_page_load:
 * @self: a patient page
 * @patient_id: the patient to show
 *
 * Loads the patient's chart from the store and shows it. A patient shown
 * before stays on screen while the same patient is loaded again (after
 * an edit); another patient's record is never left showing under a new
 * patient's load.
 */
void
stipple_patient_page_load (StipplePatientPage *self,
                           gint64              patient_id)
{
  g_return_if_fail (STIPPLE_IS_PATIENT_PAGE (self));
  g_return_if_fail (self->store != NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->chart == NULL || self->chart->patient->id != patient_id)
    {
      g_clear_pointer (&self->chart, stipple_patient_chart_free);
      gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->edit_button), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), FALSE);
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }

  stipple_store_load_chart_async (self->store, patient_id, self->cancellable,
                                  load_chart_cb, g_object_ref (self));
}

/**
 * stipple_patient_page_set_chart:
 * @self: a patient page
 * @chart: (nullable): the chart to show; copied
 *
 * Shows @chart, or the empty page for %NULL. A load under way is
 * abandoned.
 */
void
stipple_patient_page_set_chart (StipplePatientPage        *self,
                                const StipplePatientChart *chart)
{
  g_return_if_fail (STIPPLE_IS_PATIENT_PAGE (self));
  g_return_if_fail (chart == NULL || chart->patient != NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->chart, stipple_patient_chart_free);

  if (chart == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }
  self->chart = stipple_patient_chart_copy (chart);
  show_chart (self);
}

/**
 * stipple_patient_page_get_chart:
 * @self: a patient page
 *
 * Returns: (transfer none) (nullable): the chart shown
 */
const StipplePatientChart *
stipple_patient_page_get_chart (StipplePatientPage *self)
{
  g_return_val_if_fail (STIPPLE_IS_PATIENT_PAGE (self), NULL);

  return self->chart;
}

/**
 * stipple_patient_page_get_patient_id:
 * @self: a patient page
 *
 * Returns: the id of the patient shown, or 0
 */
gint64
stipple_patient_page_get_patient_id (StipplePatientPage *self)
{
  g_return_val_if_fail (STIPPLE_IS_PATIENT_PAGE (self), 0);

  return self->chart != NULL ? self->chart->patient->id : 0;
}

static void
start_clicked_cb (StipplePatientPage *self)
{
  if (self->chart != NULL)
    g_signal_emit (self, signals[SIGNAL_START_SESSION], 0, self->chart->patient->id);
}

static void
edit_clicked_cb (StipplePatientPage *self)
{
  if (self->chart != NULL)
    g_signal_emit (self, signals[SIGNAL_EDIT_PATIENT], 0, self->chart->patient->id);
}

static void
export_clicked_cb (StipplePatientPage *self)
{
  if (self->chart != NULL)
    g_signal_emit (self, signals[SIGNAL_EXPORT_PATIENT], 0, self->chart->patient->id);
}

static void
stipple_patient_page_dispose (GObject *object)
{
  StipplePatientPage *self = STIPPLE_PATIENT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->chart, stipple_patient_chart_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), STIPPLE_TYPE_PATIENT_PAGE);

  G_OBJECT_CLASS (stipple_patient_page_parent_class)->dispose (object);
}

static void
stipple_patient_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  StipplePatientPage *self = STIPPLE_PATIENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_patient_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  StipplePatientPage *self = STIPPLE_PATIENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      stipple_patient_page_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static guint
new_id_signal (GObjectClass *klass,
               const char   *name)
{
  return g_signal_new (name,
                       G_TYPE_FROM_CLASS (klass),
                       G_SIGNAL_RUN_LAST,
                       0, NULL, NULL, NULL,
                       G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
stipple_patient_page_class_init (StipplePatientPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_patient_page_dispose;
  object_class->get_property = stipple_patient_page_get_property;
  object_class->set_property = stipple_patient_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         STIPPLE_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StipplePatientPage::session-activated:
   * @self: the page
   * @session_id: the past session chosen, to be shown read-only
   */
  signals[SIGNAL_SESSION_ACTIVATED] = new_id_signal (object_class, "session-activated");
  /**
   * StipplePatientPage::start-session:
   * @self: the page
   * @patient_id: the patient shown
   */
  signals[SIGNAL_START_SESSION] = new_id_signal (object_class, "start-session");
  /**
   * StipplePatientPage::edit-patient:
   * @self: the page
   * @patient_id: the patient shown
   */
  signals[SIGNAL_EDIT_PATIENT] = new_id_signal (object_class, "edit-patient");
  /**
   * StipplePatientPage::export-patient:
   * @self: the page
   * @patient_id: the patient shown
   */
  signals[SIGNAL_EXPORT_PATIENT] = new_id_signal (object_class, "export-patient");

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/stipple-patient-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StipplePatientPage, stack);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientPage, edit_button);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientPage, unfinished_label);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientPage, groups_box);
  gtk_widget_class_bind_template_callback (widget_class, start_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, edit_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked_cb);
}

static void
stipple_patient_page_init (StipplePatientPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  stipple_a11y_present_visible_page (self->stack);
}
