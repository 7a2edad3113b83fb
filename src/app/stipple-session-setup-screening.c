/* stipple-session-setup-screening.c
 *
 * The session set-up's screening step: a row for each question with its
 * yes and no, last time's answer shown beside it (never copied), and the
 * summary of what the answers stop or call for caution about.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-session-setup"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-screening.h"
#include "stipple-session-setup-private.h"

/* Step 2: screening --------------------------------------------------- */

void
stipple_session_setup_question_clear (Question *question)
{
  g_clear_pointer (&question->last_answer, g_free);
}

static char *
format_date (const char *iso_date)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *text = g_strconcat (iso_date, "T12:00:00", NULL);

  date = g_date_time_new_from_iso8601 (text, local);
  if (date == NULL)
    return g_strdup (iso_date);
  return g_date_time_format (date, "%-d %B %Y");
}

static gboolean
question_answered (const Question *question)
{
  return gtk_toggle_button_get_active (question->yes) ||
         gtk_toggle_button_get_active (question->no);
}

static void
update_question (Question *question)
{
  const char *subtitle = NULL;
  g_autofree char *owned = NULL;
  const char *icon = NULL;
  const char *style = NULL;
  GtkWidget *image = question->icon;

  if (!question_answered (question))
    {
      if (question->last_answer != NULL)
        subtitle = owned = g_strdup_printf (_("Not answered yet · %s"), question->last_answer);
      else
        subtitle = _("Not answered yet");
      icon = "dialog-question-symbolic";
      style = "dim-label";
    }
  else if (gtk_toggle_button_get_active (question->no))
    {
      icon = "object-select-symbolic";
      style = "success";
    }
  else if (question->item->severity == STIPPLE_SCREENING_STOP)
    {
      subtitle = _("Stops treatment unless the reason to treat is recorded");
      icon = "dialog-error-symbolic";
      style = "error";
    }
  else
    {
      subtitle = _("Caution: shown with the plan");
      icon = "dialog-warning-symbolic";
      style = "warning";
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (question->row), subtitle ? subtitle : "");
  if (g_strcmp0 (style, "error") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (question->yes), "destructive-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (question->yes), "destructive-action");
  gtk_image_set_from_icon_name (GTK_IMAGE (image), icon);
  gtk_widget_remove_css_class (image, "dim-label");
  gtk_widget_remove_css_class (image, "success");
  gtk_widget_remove_css_class (image, "error");
  gtk_widget_remove_css_class (image, "warning");
  gtk_widget_add_css_class (image, style);
}

static void
answer_toggled_cb (GtkToggleButton     *button,
                   StippleSessionSetup *self)
{
  for (guint i = 0; i < self->questions->len; i++)
    {
      Question *question = &g_array_index (self->questions, Question, i);

      if (question->yes == button || question->no == button)
        update_question (question);
    }
  stipple_session_setup_validate_cb (self);
}

/* Last time's answer under each question, as a reminder only. */
void
stipple_session_setup_load_last_answers (StippleSessionSetup *self)
{
  const char *last_screened_on;

  if (self->chart == NULL || self->chart->screening == NULL)
    return;

  stipple_session_rules_set_history (self->rules, self->chart->screening);
  for (guint i = 0; i < self->questions->len; i++)
    {
      Question *question = &g_array_index (self->questions, Question, i);
      const StippleScreeningAnswer *answer =
        stipple_session_rules_get_last_answer (self->rules, question->item->key);
      g_autofree char *date = NULL;

      if (answer == NULL)
        continue;
      date = format_date (answer->answered_on);
      question->last_answer = g_strdup_printf (answer->answer
                                               ? _("last time, %s: yes")
                                               : _("last time, %s: no"), date);
      update_question (question);
    }

  last_screened_on = stipple_session_rules_get_last_screened_on (self->rules);
  if (last_screened_on != NULL)
    {
      g_autofree char *date = format_date (last_screened_on);
      g_autofree char *intro = g_strdup_printf (_("Ask the patient every question and record "
                                                  "today’s answer. The last screening, of %s, "
                                                  "is shown under each question as a reminder "
                                                  "only."), date);
      gtk_label_set_label (self->screening_intro_label, intro);
    }
}

void
stipple_session_setup_build_questions (StippleSessionSetup *self)
{
  guint n_items = 0;
  const StippleScreeningItem *items = stipple_screening_get_items (&n_items);

  for (guint i = 0; i < n_items; i++)
    {
      const char *text = stipple_screening_get_question (&items[i]);
      Question question = { &items[i] };
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      GtkWidget *yes = gtk_toggle_button_new_with_label (_("Yes"));
      GtkWidget *no = gtk_toggle_button_new_with_label (_("No"));
      g_autofree char *yes_label = g_strdup_printf (_("%s: Yes"), text);
      g_autofree char *no_label = g_strdup_printf (_("%s: No"), text);

      question.row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (question.row), text);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (question.row), FALSE);

      question.icon = gtk_image_new ();
      adw_action_row_add_prefix (ADW_ACTION_ROW (question.row), question.icon);

      /* No default: an answer is only ever one the clinician gave. */
      gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (no), GTK_TOGGLE_BUTTON (yes));
      gtk_accessible_update_property (GTK_ACCESSIBLE (yes),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, yes_label, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (no),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, no_label, -1);
      gtk_widget_set_size_request (yes, 56, -1);
      gtk_widget_set_size_request (no, 56, -1);
      g_signal_connect (yes, "toggled", G_CALLBACK (answer_toggled_cb), self);
      g_signal_connect (no, "toggled", G_CALLBACK (answer_toggled_cb), self);
      gtk_box_append (GTK_BOX (box), yes);
      gtk_box_append (GTK_BOX (box), no);
      gtk_widget_add_css_class (box, "linked");
      gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (question.row), box);
      question.yes = GTK_TOGGLE_BUTTON (yes);
      question.no = GTK_TOGGLE_BUTTON (no);

      adw_preferences_group_add (items[i].severity == STIPPLE_SCREENING_STOP
                                 ? self->stop_items_group : self->caution_items_group,
                                 question.row);
      g_array_append_val (self->questions, question);
      update_question (&g_array_index (self->questions, Question, self->questions->len - 1));
    }
}

void
stipple_session_setup_update_screening_summary (StippleSessionSetup *self)
{
  guint n_stop = 0, n_caution = 0;
  g_autofree char *stops = stipple_session_rules_list_yes (self->rules, STIPPLE_SCREENING_STOP,
                                                           &n_stop);
  g_autofree char *cautions = stipple_session_rules_list_yes (self->rules,
                                                              STIPPLE_SCREENING_CAUTION,
                                                              &n_caution);

  if (n_stop > 0)
    {
      gboolean overridden = stipple_session_rules_get_screening (self->rules) ==
                            STIPPLE_SETUP_SCREENING_OVERRIDDEN;
      g_autofree char *text = NULL;

      /* Once a reason is given the session may go ahead: the red "stopped"
       * gives way to a plain note of what is being overridden. */
      if (overridden)
        text = g_strdup_printf (_("Treating despite a “yes” to\n%s\nThe reason below is kept "
                                  "with the session."), stops);
      else
        text = g_strdup_printf (_("The session cannot go ahead: the patient "
                                  "answered yes to\n%s\nIf treating is still "
                                  "right, record why; the reason is kept with "
                                  "the session."), stops);
      gtk_label_set_label (self->stop_reason_label, text);
      gtk_label_set_label (self->override_heading, overridden ? _("Treating Despite a Contraindication")
                                                              : _("Treatment Is Stopped"));
      if (overridden)
        gtk_widget_remove_css_class (GTK_WIDGET (self->stop_reason_label), "error");
      else
        gtk_widget_add_css_class (GTK_WIDGET (self->stop_reason_label), "error");
    }
  gtk_widget_set_visible (self->override_group, n_stop > 0);

  gtk_label_set_label (self->caution_label, cautions);
  gtk_widget_set_visible (GTK_WIDGET (self->caution_group), n_caution > 0);
}
