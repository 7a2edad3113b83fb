/* stipple-session-setup.c
 *
 * Starting a session: who performs it, the screening, consent, and the
 * products applied. Each step must be complete before the next one
 * opens, so a session can only begin with a confirmed screening and
 * treatment consent on record. Nothing is answered for the clinician:
 * last time's screening is shown beside each question, never copied.
 * The rules (what completes a step, what blocks it) are
 * StippleSessionRules' in src/session: this screen feeds them what the
 * clinician entered and shows what they answer.
 *
 * The screening step's rows are built in stipple-session-setup-screening.c,
 * the products step's in stipple-session-setup-products.c; this file holds
 * the clinician step, navigation, saving and the type itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-session-setup"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-a11y.h"
#include "stipple-screening.h"
#include "stipple-session-setup-private.h"

static const char * const step_names[STIPPLE_SETUP_N_STEPS] = {
  "clinician", "screening", "consent", "products",
};

G_DEFINE_FINAL_TYPE (StippleSessionSetup, stipple_session_setup, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


/* Text as it will be stored: without the spaces around it. */
static char *
entry_text (gpointer editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

static char *
today_text (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

/* Step 1: the clinician ---------------------------------------------- */

static char *
chosen_clinician (StippleSessionSetup *self)
{
  if (self->staff_checks->len == 0)
    return entry_text (self->clinician_entry_row);

  for (guint i = 0; i < self->staff_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->staff_checks, i);

      if (gtk_check_button_get_active (check))
        return g_strdup (g_object_get_data (G_OBJECT (check), "staff-name"));
    }
  return g_strdup ("");
}

static void
load_staff (StippleSessionSetup *self)
{
  g_auto(GStrv) staff = g_settings_get_strv (self->settings, "staff");
  g_autofree char *chosen = NULL;
  GtkWidget *group_leader = NULL;

  if (self->staff_checks->len > 0)
    chosen = chosen_clinician (self);

  for (guint i = 0; i < self->staff_checks->len; i++)
    {
      GtkWidget *check = g_ptr_array_index (self->staff_checks, i);

      adw_preferences_group_remove (self->staff_group,
                                    gtk_widget_get_ancestor (check, ADW_TYPE_ACTION_ROW));
    }
  g_ptr_array_set_size (self->staff_checks, 0);

  for (guint i = 0; staff[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), staff[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, staff[i], -1);
      g_object_set_data_full (G_OBJECT (check), "staff-name", g_strdup (staff[i]), g_free);
      if (group_leader == NULL)
        group_leader = check;
      else
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), GTK_CHECK_BUTTON (group_leader));
      if (g_strcmp0 (chosen, staff[i]) == 0)
        gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      g_signal_connect_swapped (check, "toggled",
                                G_CALLBACK (stipple_session_setup_validate_cb), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->staff_group, row);
      g_ptr_array_add (self->staff_checks, check);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->staff_group), self->staff_checks->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->no_staff_group), self->staff_checks->len == 0);
  stipple_session_setup_validate_cb (self);
}

/* Navigation ----------------------------------------------------------- */

static StippleSetupStep
current_step (StippleSessionSetup *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  for (guint i = 0; i < STIPPLE_SETUP_N_STEPS; i++)
    if (g_strcmp0 (name, step_names[i]) == 0)
      return i;
  return STIPPLE_SETUP_STEP_CLINICIAN;
}

/* The rules see what the clinician entered, as it is now. */
static void
sync_rules (StippleSessionSetup *self)
{
  g_autofree char *clinician = chosen_clinician (self);
  g_autofree char *reason = entry_text (self->override_row);
  g_autofree char *product = entry_text (self->anaesthetic_product_row);
  StippleSetupPhotographs photographs = STIPPLE_SETUP_PHOTOGRAPHS_NOT_ASKED;

  stipple_session_rules_set_staff_listed (self->rules, self->staff_checks->len > 0);
  stipple_session_rules_set_clinician (self->rules, clinician);

  for (guint i = 0; i < self->questions->len; i++)
    {
      const Question *question = &g_array_index (self->questions, Question, i);
      StippleSetupAnswer answer = STIPPLE_SETUP_ANSWER_NONE;

      if (gtk_toggle_button_get_active (question->yes))
        answer = STIPPLE_SETUP_ANSWER_YES;
      else if (gtk_toggle_button_get_active (question->no))
        answer = STIPPLE_SETUP_ANSWER_NO;
      stipple_session_rules_set_answer (self->rules, question->item->key, answer);
    }
  stipple_session_rules_set_override_reason (self->rules, reason);

  stipple_session_rules_set_treatment_consent (self->rules,
                                               gtk_check_button_get_active (self->treatment_check));
  if (gtk_check_button_get_active (self->photographs_check))
    photographs = STIPPLE_SETUP_PHOTOGRAPHS_GIVEN;
  else if (gtk_check_button_get_active (self->photographs_refused_check))
    photographs = STIPPLE_SETUP_PHOTOGRAPHS_REFUSED;
  stipple_session_rules_set_photographs (self->rules, photographs);

  stipple_session_rules_set_anaesthetic (self->rules,
                                         gtk_switch_get_active (self->anaesthetic_switch),
                                         product,
                                         gtk_spin_button_get_value_as_int (self->hour_spin),
                                         gtk_spin_button_get_value_as_int (self->minute_spin));
  stipple_session_rules_clear_serums (self->rules);
  for (guint i = 0; i < self->serums->len; i++)
    {
      const SerumRow *serum = g_ptr_array_index (self->serums, i);
      g_autofree char *serum_product = entry_text (serum->product);
      g_autofree char *lot = entry_text (serum->lot);

      stipple_session_rules_add_serum (self->rules, serum_product, lot);
    }
}

static char *
step_problem (StippleSessionSetup *self,
              StippleSetupStep     step)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  sync_rules (self);
  return stipple_session_rules_step_problem (self->rules, step, now);
}

void
stipple_session_setup_validate_cb (StippleSessionSetup *self)
{
  StippleSetupStep step;
  g_autofree char *problem = NULL;

  /* Template signals can fire while the template is still being built. */
  if (self->questions == NULL || self->serums == NULL || self->staff_checks == NULL ||
      self->rules == NULL)
    return;

  step = current_step (self);
  sync_rules (self);
  stipple_session_setup_update_screening_summary (self);
  stipple_session_setup_update_product_warnings (self);

  if (self->ready)
    return;

  problem = step_problem (self, step);
  gtk_label_set_label (self->status_label, problem ? problem : "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), problem == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->begin_button), problem == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_button),
                            step > STIPPLE_SETUP_STEP_CLINICIAN);
}

static void
page_changed_cb (StippleSessionSetup *self)
{
  StippleSetupStep step;
  GtkStackPage *page;
  g_autofree char *indicator = NULL;

  /* The stack announces its first page while the template is built. */
  if (self->questions == NULL)
    return;

  step = current_step (self);
  page = gtk_stack_get_page (self->stack, gtk_stack_get_visible_child (self->stack));
  indicator = g_strdup_printf (_("Step %u of %u"), step + 1, STIPPLE_SETUP_N_STEPS);

  gtk_label_set_label (self->step_label, indicator);
  gtk_label_set_label (self->title_label, gtk_stack_page_get_title (page));
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), step < STIPPLE_SETUP_STEP_PRODUCTS);
  gtk_widget_set_visible (GTK_WIDGET (self->begin_button), step == STIPPLE_SETUP_STEP_PRODUCTS);
  stipple_session_setup_validate_cb (self);
}

static void
back_clicked_cb (StippleSessionSetup *self)
{
  StippleSetupStep step = current_step (self);

  if (step > STIPPLE_SETUP_STEP_CLINICIAN && !self->ready)
    gtk_stack_set_visible_child_name (self->stack, step_names[step - 1]);
}

static void
next_clicked_cb (StippleSessionSetup *self)
{
  StippleSetupStep step = current_step (self);
  g_autofree char *problem = step_problem (self, step);

  if (problem != NULL || step + 1 >= STIPPLE_SETUP_N_STEPS)
    return;
  gtk_stack_set_visible_child_name (self->stack, step_names[step + 1]);
}

static void
set_ready (StippleSessionSetup *self,
           gboolean             ready)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->ready == ready)
    return;
  self->ready = ready;
  /* A text field that loses its sensitivity while focused never hears
   * it lost the focus: let go of it first. */
  if (ready && root != NULL)
    {
      GtkWidget *focus = gtk_root_get_focus (root);

      if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->stack)))
        gtk_root_set_focus (root, NULL);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), !ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_button), !ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->begin_button), !ready);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

static void
begin_clicked_cb (StippleSessionSetup *self)
{
  g_autoptr(StippleSession) session = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  StippleSetupStep incomplete;

  if (self->ready)
    return;

  /* Every step again: the staff list may have changed meanwhile. */
  sync_rules (self);
  incomplete = stipple_session_rules_first_incomplete (self->rules, now);
  if (incomplete != STIPPLE_SETUP_N_STEPS)
    {
      gtk_stack_set_visible_child_name (self->stack, step_names[incomplete]);
      return;
    }

  /* A retry after a failed save keeps the first start time. */
  if (self->started_at == NULL)
    self->started_at = g_date_time_new_now_local ();
  gtk_label_set_label (self->status_label, "");
  set_ready (self, TRUE);

  session = stipple_session_setup_dup_session (self);
  g_signal_emit (self, signals[SIGNAL_READY], 0, session);
}

static gboolean
two_digits_output_cb (GtkSpinButton *spin,
                      gpointer       user_data)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static gboolean
tick_cb (gpointer user_data)
{
  StippleSessionSetup *self = user_data;

  /* The anaesthetic's warning depends on the clock, not only on input. */
  stipple_session_setup_validate_cb (self);
  return G_SOURCE_CONTINUE;
}

/* Public interface ------------------------------------------------------ */

/**
 * stipple_session_setup_new:
 * @settings: the application settings, for the staff list
 * @chart: (nullable): the patient's chart; its last screening is shown
 *   beside each question
 *
 * Returns: (transfer full): a new session setup for the patient of @chart
 */
StippleSessionSetup *
stipple_session_setup_new (GSettings                 *settings,
                           const StipplePatientChart *chart)
{
  StippleSessionSetup *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (chart == NULL || chart->patient != NULL, NULL);

  self = g_object_new (STIPPLE_TYPE_SESSION_SETUP, NULL);
  self->settings = g_object_ref (settings);
  self->chart = chart ? stipple_patient_chart_copy (chart) : NULL;
  self->rules = stipple_session_rules_new (chart ? chart->patient->id : 0);

  g_signal_connect_object (settings, "changed::staff", G_CALLBACK (load_staff), self,
                           G_CONNECT_SWAPPED);
  load_staff (self);
  stipple_session_setup_load_last_answers (self);
  page_changed_cb (self);

  return self;
}

/**
 * stipple_session_setup_get_ready:
 * @self: a session setup
 *
 * Returns: whether "Begin Treatment" was pressed with every step complete
 */
gboolean
stipple_session_setup_get_ready (StippleSessionSetup *self)
{
  g_return_val_if_fail (STIPPLE_IS_SESSION_SETUP (self), FALSE);

  return self->ready;
}

/**
 * stipple_session_setup_dup_session:
 * @self: a session setup
 *
 * The session as entered so far: patient, clinician, anaesthetic, serums
 * and the reason for treating despite a "stop" answer. Its start time is
 * %NULL until "Begin Treatment" is pressed; its id is set once saved.
 *
 * Returns: (transfer full): a new session record
 */
StippleSession *
stipple_session_setup_dup_session (StippleSessionSetup *self)
{
  StippleSession *session;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_return_val_if_fail (STIPPLE_IS_SESSION_SETUP (self), NULL);

  sync_rules (self);
  session = stipple_session_rules_dup_session (self->rules, self->started_at, now);
  session->id = self->session_id;
  session->uid = g_strdup (self->session_uid);
  return session;
}

/**
 * stipple_session_setup_dup_screening:
 * @self: a session setup
 *
 * Today's answers, one for each question answered so far, dated today
 * and tied to the session once it is saved.
 *
 * Returns: (transfer container) (element-type StippleScreeningAnswer):
 *   the answers
 */
GPtrArray *
stipple_session_setup_dup_screening (StippleSessionSetup *self)
{
  GPtrArray *answers;
  g_autofree char *today = NULL;

  g_return_val_if_fail (STIPPLE_IS_SESSION_SETUP (self), NULL);

  today = today_text ();
  sync_rules (self);
  answers = stipple_session_rules_dup_screening (self->rules, today);
  for (guint i = 0; i < answers->len; i++)
    ((StippleScreeningAnswer *) g_ptr_array_index (answers, i))->session_id = self->session_id;
  return answers;
}

/**
 * stipple_session_setup_dup_consents:
 * @self: a session setup
 *
 * The treatment consent, given or refused, and the photographs consent
 * when the patient was asked (given or refused), signed today. With
 * neither photographs box ticked there is no photographs consent: not
 * asked is not refused.
 *
 * Returns: (transfer container) (element-type StippleConsent): the
 *   treatment consent first, then the photographs consent if any
 */
GPtrArray *
stipple_session_setup_dup_consents (StippleSessionSetup *self)
{
  g_autofree char *today = NULL;

  g_return_val_if_fail (STIPPLE_IS_SESSION_SETUP (self), NULL);

  today = today_text ();
  sync_rules (self);
  return stipple_session_rules_dup_consents (self->rules, today);
}

/* Saving ----------------------------------------------------------------- */

static void
save_failed (GTask  *task,
             GError *error)
{
  StippleSessionSetup *self = g_task_get_source_object (task);

  self->saving = FALSE;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = NULL;

      g_prefix_error (&error, _("The session was not saved: "));
      text = g_strdup_printf (_("%s Nothing entered here is lost: press Begin Treatment to "
                                "try again."), error->message);
      gtk_label_set_label (self->status_label, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
    }
  set_ready (self, FALSE);
  /* Leave the message in place rather than the step's hint. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->begin_button), TRUE);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
session_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  StippleSessionSetup *self = g_task_get_source_object (task);
  g_autoptr(StippleSession) saved = NULL;
  GError *error = NULL;

  if (g_async_result_is_tagged (result, stipple_store_begin_session_async))
    saved = stipple_store_begin_session_finish (STIPPLE_STORE (object), result, &error);
  else
    saved = stipple_store_save_session_finish (STIPPLE_STORE (object), result, &error);
  if (saved == NULL)
    {
      save_failed (task, error);
      return;
    }
  self->session_id = saved->id;
  g_free (self->session_uid);
  self->session_uid = g_strdup (saved->uid);

  self->saving = FALSE;
  gtk_label_set_label (self->status_label, _("Saved."));
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  g_task_return_int (task, self->session_id);
  g_object_unref (task);
}

/**
 * stipple_session_setup_save_async:
 * @self: a session setup that is ready
 * @store: the patient file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when everything is saved, or on an error
 * @user_data: data for @callback
 *
 * Begins the session on record: the session, today's screening answers
 * (tied to it) and the consents, in one transaction of the patient file
 * (stipple_store_begin_session()), so that all of it is saved or none of
 * it is. On an error the setup keeps everything entered and shows the
 * error; calling this again saves all of it again. Once the session is
 * on record, calling this again writes the session's own record only.
 */
void
stipple_session_setup_save_async (StippleSessionSetup *self,
                                  StippleStore        *store,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(StippleSession) session = NULL;
  GTask *task;

  g_return_if_fail (STIPPLE_IS_SESSION_SETUP (self));
  g_return_if_fail (STIPPLE_IS_STORE (store));
  g_return_if_fail (self->ready && !self->saving);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, stipple_session_setup_save_async);
  session = stipple_session_setup_dup_session (self);

  self->saving = TRUE;
  gtk_label_set_label (self->status_label, _("Saving…"));
  if (self->session_id != 0)
    stipple_store_save_session_async (store, session, cancellable, session_saved_cb, task);
  else
    {
      g_autoptr(GPtrArray) answers = stipple_session_setup_dup_screening (self);
      g_autoptr(GPtrArray) consents = stipple_session_setup_dup_consents (self);

      stipple_store_begin_session_async (store, session, answers, consents, cancellable,
                                         session_saved_cb, task);
    }
}

/**
 * stipple_session_setup_save_finish:
 * @self: a session setup
 * @result: the result given to the callback
 * @error: return location for a #GError, in words for the clinician
 *
 * Returns: the saved session's id, or 0 with @error set
 */
gint64
stipple_session_setup_save_finish (StippleSessionSetup  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  GError *local = NULL;
  gssize id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  id = g_task_propagate_int (G_TASK (result), &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return 0;
    }
  return id;
}

/* GObject ------------------------------------------------------------- */

static void
stipple_session_setup_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  StippleSessionSetup *self = STIPPLE_SESSION_SETUP (object);

  switch (prop_id)
    {
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_session_setup_dispose (GObject *object)
{
  StippleSessionSetup *self = STIPPLE_SESSION_SETUP (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), STIPPLE_TYPE_SESSION_SETUP);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (stipple_session_setup_parent_class)->dispose (object);
}

static void
stipple_session_setup_finalize (GObject *object)
{
  StippleSessionSetup *self = STIPPLE_SESSION_SETUP (object);

  g_clear_pointer (&self->chart, stipple_patient_chart_free);
  g_clear_pointer (&self->staff_checks, g_ptr_array_unref);
  g_clear_pointer (&self->questions, g_array_unref);
  g_clear_pointer (&self->serums, g_ptr_array_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->session_uid, g_free);
  g_clear_object (&self->rules);

  G_OBJECT_CLASS (stipple_session_setup_parent_class)->finalize (object);
}

static void
stipple_session_setup_class_init (StippleSessionSetupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = stipple_session_setup_get_property;
  object_class->dispose = stipple_session_setup_dispose;
  object_class->finalize = stipple_session_setup_finalize;

  /**
   * StippleSessionSetup:ready:
   *
   * Whether every step is complete and "Begin Treatment" was pressed.
   */
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StippleSessionSetup::ready:
   * @self: the session setup
   * @session: the session as entered, its start time set
   *
   * Emitted when "Begin Treatment" is pressed with every step complete.
   * The screening answers and consents are read with
   * stipple_session_setup_dup_screening() and _dup_consents(), and all
   * of it saved with stipple_session_setup_save_async().
   */
  signals[SIGNAL_READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, STIPPLE_TYPE_SESSION | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/stipple-session-setup.ui");
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, step_label);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, title_label);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, stack);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, staff_group);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, no_staff_group);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, clinician_entry_row);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, screening_intro_label);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, stop_items_group);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, caution_items_group);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, override_group);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, override_heading);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, stop_reason_label);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, override_row);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, caution_group);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, caution_label);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, treatment_check);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, photographs_check);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, photographs_refused_check);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, anaesthetic_switch);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup,
                                        anaesthetic_product_row);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, anaesthetic_time_row);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, hour_spin);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, minute_spin);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup,
                                        anaesthetic_warning_icon);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, serums_group);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, add_serum_button);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, back_button);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, status_label);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, next_button);
  gtk_widget_class_bind_template_child (widget_class, StippleSessionSetup, begin_button);
  gtk_widget_class_bind_template_callback (widget_class, stipple_session_setup_validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, begin_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class,
                                           stipple_session_setup_add_serum_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, two_digits_output_cb);
}

static void
stipple_session_setup_init (StippleSessionSetup *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  gtk_widget_init_template (GTK_WIDGET (self));
  stipple_a11y_name_buttons_once (GTK_WIDGET (self));
  stipple_a11y_present_visible_page (self->stack);

  self->staff_checks = g_ptr_array_new ();
  self->questions = g_array_new (FALSE, TRUE, sizeof (Question));
  g_array_set_clear_func (self->questions,
                          (GDestroyNotify) stipple_session_setup_question_clear);
  self->serums = g_ptr_array_new_with_free_func (g_free);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->hour_spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Anaesthetic applied at, hour"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->minute_spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Anaesthetic applied at, minute"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->treatment_check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The patient consents to the treatment"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->photographs_check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The patient consents to photographs"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->photographs_refused_check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The patient refuses photographs"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->anaesthetic_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Anaesthetic applied"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_serum_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Add Serum"), -1);
  stipple_a11y_name_once (GTK_WIDGET (self->add_serum_button));

  /* The anaesthetic went on now, unless the clinician says otherwise. */
  gtk_spin_button_set_value (self->hour_spin, g_date_time_get_hour (now));
  gtk_spin_button_set_value (self->minute_spin, g_date_time_get_minute (now));

  stipple_session_setup_build_questions (self);
  self->tick_id = g_timeout_add_seconds (30, tick_cb, self);
}
