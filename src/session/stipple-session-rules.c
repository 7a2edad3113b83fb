/* stipple-session-rules.c
 *
 * What a session needs before it may begin, as plain data: who performs
 * it, today's screening, consent, the anaesthetic and serums. The set-up
 * screen feeds in what the clinician entered and shows what comes back:
 * whether a step is complete, and if not, what is missing, in the words
 * the clinician reads. Nothing here is answered for the clinician; the
 * clock is always passed in, so that every rule that depends on the time
 * can be tested at any time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-session-rules"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-session-rules.h"
#include "stipple-store-limits.h"

/* The patient file's own limits (stipple-store-limits.h) are checked
 * here first, so that a long text is pointed out where it is typed. */

typedef struct
{
  char *product;
  char *lot;
} Serum;

struct _StippleSessionRules
{
  GObject                  parent_instance;

  gint64                   patient_id;
  gboolean                 staff_listed;
  char                    *clinician;
  /* One per screening question, in the order of stipple_screening_get_items(). */
  const StippleScreeningItem *items;
  guint                    n_items;
  StippleSetupAnswer      *answers;
  char                    *override_reason;
  gboolean                 treatment_consent;
  StippleSetupPhotographs  photographs;
  gboolean                 anaesthetic_applied;
  char                    *anaesthetic_product;
  guint                    anaesthetic_hour;
  guint                    anaesthetic_minute;
  /* (element-type Serum) */
  GArray                  *serums;
  /* The patient's last answer to each question, before today; NULL
   * where there is none. */
  StippleScreeningAnswer **last_answers;
  char                    *last_screened_on;
};

G_DEFINE_FINAL_TYPE (StippleSessionRules, stipple_session_rules, G_TYPE_OBJECT)

static void
serum_clear (Serum *serum)
{
  g_clear_pointer (&serum->product, g_free);
  g_clear_pointer (&serum->lot, g_free);
}

static const char *
or_empty (const char *text)
{
  return text != NULL ? text : "";
}

static gboolean
has_letter (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalpha (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* A name the patient file will take: letters, not too long. */
static char *
check_name (const char *label,
            const char *name)
{
  if (!has_letter (name))
    return g_strdup_printf (_("%s needs letters in it."), label);
  if (g_utf8_strlen (name, -1) > STIPPLE_STORE_MAX_NAME_CHARS)
    return g_strdup_printf (_("%s is too long (at most %u characters)."), label, STIPPLE_STORE_MAX_NAME_CHARS);
  return NULL;
}

static int
item_index (StippleSessionRules *self,
            const char          *item_key)
{
  for (guint i = 0; i < self->n_items; i++)
    if (g_strcmp0 (self->items[i].key, item_key) == 0)
      return i;
  return -1;
}

static gboolean
has_stop_answer (StippleSessionRules *self)
{
  for (guint i = 0; i < self->n_items; i++)
    if (self->items[i].severity == STIPPLE_SCREENING_STOP &&
        self->answers[i] == STIPPLE_SETUP_ANSWER_YES)
      return TRUE;
  return FALSE;
}

/* The steps ------------------------------------------------------------ */

static char *
clinician_problem (StippleSessionRules *self)
{
  const char *name = or_empty (self->clinician);

  if (*name == '\0')
    return g_strdup (self->staff_listed
                     ? _("Choose the clinician who performs this session.")
                     : _("Type the name of the clinician who performs this session."));
  return check_name (_("The clinician’s name"), name);
}

static char *
screening_problem (StippleSessionRules *self)
{
  guint unanswered = stipple_session_rules_count_unanswered (self);

  if (unanswered > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u question is not answered yet.",
                                         "%u questions are not answered yet.", unanswered),
                            unanswered);
  if (has_stop_answer (self))
    {
      const char *reason = or_empty (self->override_reason);

      if (*reason == '\0')
        return g_strdup (_("A “yes” above stops treatment: record why treating is still right, "
                           "or end here."));
      if (!stipple_session_rules_is_reason (reason))
        return g_strdup_printf (_("Write the reason in a few words (at least %u characters): "
                                  "it is kept with the session."), STIPPLE_REASON_MIN_CHARS);
      if (g_utf8_strlen (reason, -1) > STIPPLE_STORE_MAX_FIELD_CHARS)
        return g_strdup_printf (_("The reason is too long (at most %u characters)."),
                                STIPPLE_STORE_MAX_FIELD_CHARS);
    }
  return NULL;
}

static char *
consent_problem (StippleSessionRules *self)
{
  if (!self->treatment_consent)
    return g_strdup (_("The treatment needs the patient’s consent."));
  return NULL;
}

static char *
products_problem (StippleSessionRules *self,
                  GDateTime           *now)
{
  if (self->anaesthetic_applied)
    {
      const char *product = or_empty (self->anaesthetic_product);
      g_autoptr(GDateTime) applied = stipple_session_rules_anaesthetic_time (self, now);
      char *problem;

      if (*product == '\0')
        return g_strdup (_("Name the anaesthetic applied, or switch it off if none was."));
      if ((problem = check_name (_("The anaesthetic’s name"), product)) != NULL)
        return problem;
      if (g_date_time_difference (now, applied) >
          STIPPLE_ANAESTHETIC_MAX_HOURS * G_TIME_SPAN_HOUR)
        return g_strdup_printf (_("Check the time the anaesthetic was applied: it is later "
                                  "than now, or more than %u hours ago."),
                                STIPPLE_ANAESTHETIC_MAX_HOURS);
    }

  for (guint i = 0; i < self->serums->len; i++)
    {
      const Serum *serum = &g_array_index (self->serums, Serum, i);
      const char *product = or_empty (serum->product);
      g_autofree char *label = g_strdup_printf (_("The name of serum %u"), i + 1);
      char *problem;

      if (*product == '\0')
        return g_strdup_printf (_("Name serum %u, or remove it."), i + 1);
      if ((problem = check_name (label, product)) != NULL)
        return problem;
      if (g_utf8_strlen (or_empty (serum->lot), -1) > STIPPLE_STORE_MAX_LABEL_CHARS)
        return g_strdup_printf (_("The lot of serum %u is too long (at most %u characters)."),
                                i + 1, STIPPLE_STORE_MAX_LABEL_CHARS);
    }
  return NULL;
}

/**
 * stipple_session_rules_step_problem:
 * @self: the rules
 * @step: a step of the set-up
 * @now: the time to judge the anaesthetic's time by
 *
 * Returns: (transfer full) (nullable): what keeps @step from being
 *   complete, in words for the clinician; %NULL when it is complete
 */
char *
stipple_session_rules_step_problem (StippleSessionRules *self,
                                    StippleSetupStep     step,
                                    GDateTime           *now)
{
  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  switch (step)
    {
    case STIPPLE_SETUP_STEP_CLINICIAN:
      return clinician_problem (self);
    case STIPPLE_SETUP_STEP_SCREENING:
      return screening_problem (self);
    case STIPPLE_SETUP_STEP_CONSENT:
      return consent_problem (self);
    case STIPPLE_SETUP_STEP_PRODUCTS:
      return products_problem (self, now);
    case STIPPLE_SETUP_N_STEPS:
    default:
      break;
    }
  g_return_val_if_reached (NULL);
}

/**
 * stipple_session_rules_first_incomplete:
 * @self: the rules
 * @now: the time to judge the anaesthetic's time by
 *
 * Returns: the first step that is not complete, or
 *   %STIPPLE_SETUP_N_STEPS when the session may begin
 */
StippleSetupStep
stipple_session_rules_first_incomplete (StippleSessionRules *self,
                                        GDateTime           *now)
{
  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), STIPPLE_SETUP_STEP_CLINICIAN);

  for (StippleSetupStep step = STIPPLE_SETUP_STEP_CLINICIAN; step < STIPPLE_SETUP_N_STEPS; step++)
    {
      g_autofree char *problem = stipple_session_rules_step_problem (self, step, now);

      if (problem != NULL)
        return step;
    }
  return STIPPLE_SETUP_N_STEPS;
}

/* Screening ------------------------------------------------------------- */

/**
 * stipple_session_rules_count_unanswered:
 * @self: the rules
 *
 * Returns: how many screening questions have no answer yet
 */
guint
stipple_session_rules_count_unanswered (StippleSessionRules *self)
{
  guint n = 0;

  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), 0);

  for (guint i = 0; i < self->n_items; i++)
    if (self->answers[i] == STIPPLE_SETUP_ANSWER_NONE)
      n++;
  return n;
}

/**
 * stipple_session_rules_list_yes:
 * @self: the rules
 * @severity: stop or caution
 * @n_yes: (out) (optional): how many
 *
 * Returns: (transfer full): the questions of @severity answered yes,
 *   one a line, each after a bullet; empty when there is none
 */
char *
stipple_session_rules_list_yes (StippleSessionRules      *self,
                                StippleScreeningSeverity  severity,
                                guint                    *n_yes)
{
  GString *text = g_string_new (NULL);
  guint n = 0;

  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), NULL);

  for (guint i = 0; i < self->n_items; i++)
    {
      if (self->items[i].severity != severity || self->answers[i] != STIPPLE_SETUP_ANSWER_YES)
        continue;
      g_string_append_printf (text, "%s• %s", n > 0 ? "\n" : "",
                              stipple_screening_get_question (&self->items[i]));
      n++;
    }
  if (n_yes != NULL)
    *n_yes = n;
  return g_string_free (text, FALSE);
}

/**
 * stipple_session_rules_get_screening:
 * @self: the rules
 *
 * Whether the screening stops the treatment: a "yes" to a question that
 * stops it does, until a reason to treat all the same is given (see
 * stipple_session_rules_is_reason()). A caution never does.
 *
 * Returns: what the screening's answers amount to
 */
StippleSetupScreening
stipple_session_rules_get_screening (StippleSessionRules *self)
{
  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), STIPPLE_SETUP_SCREENING_STOPPED);

  if (!has_stop_answer (self))
    return STIPPLE_SETUP_SCREENING_CLEAR;
  return stipple_session_rules_is_reason (self->override_reason)
         ? STIPPLE_SETUP_SCREENING_OVERRIDDEN : STIPPLE_SETUP_SCREENING_STOPPED;
}

/**
 * stipple_session_rules_is_reason:
 * @text: (nullable): what the clinician typed
 *
 * Whether @text can stand in the record as a reason for treating despite
 * a contraindication, or past a zone's limit: at least
 * %STIPPLE_REASON_MIN_CHARS characters besides spaces around it, and at
 * least two words with a letter in each. "x", "ok" or "........." are
 * not reasons.
 *
 * Returns: %TRUE when @text reads as a reason
 */
gboolean
stipple_session_rules_is_reason (const char *text)
{
  g_autofree char *stripped = NULL;
  guint words = 0;
  gboolean in_word = FALSE, word_has_letter = FALSE;

  if (text == NULL)
    return FALSE;

  stripped = g_strstrip (g_strdup (text));
  if (g_utf8_strlen (stripped, -1) < STIPPLE_REASON_MIN_CHARS)
    return FALSE;

  for (const char *p = stripped; ; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0 || g_unichar_isspace (c) || g_unichar_ispunct (c))
        {
          words += in_word && word_has_letter;
          in_word = word_has_letter = FALSE;
          if (c == 0)
            break;
          continue;
        }
      in_word = TRUE;
      word_has_letter |= g_unichar_isalpha (c);
    }

  return words >= 2;
}

/* Anaesthetic and serums ----------------------------------------------- */

/**
 * stipple_session_rules_anaesthetic_time:
 * @self: the rules
 * @now: the time the clock time was typed against
 *
 * When the anaesthetic went on, by the clock time typed: today, or
 * yesterday when today's would lie ahead (a session around midnight).
 * A clock time that does not exist today (skipped when summer time
 * begins) is taken as @now.
 *
 * Returns: (transfer full) (nullable): the time, or %NULL when no
 *   anaesthetic was applied
 */
GDateTime *
stipple_session_rules_anaesthetic_time (StippleSessionRules *self,
                                        GDateTime           *now)
{
  g_autoptr(GDateTime) today = NULL;

  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  if (!self->anaesthetic_applied)
    return NULL;

  today = g_date_time_new (g_date_time_get_timezone (now), g_date_time_get_year (now),
                           g_date_time_get_month (now), g_date_time_get_day_of_month (now),
                           self->anaesthetic_hour, self->anaesthetic_minute, 0);
  if (today == NULL)
    return g_date_time_ref (now);
  if (g_date_time_difference (today, now) > G_TIME_SPAN_MINUTE)
    return g_date_time_add_days (today, -1);
  return g_steal_pointer (&today);
}

/**
 * stipple_session_rules_anaesthetic_warning:
 * @self: the rules
 * @now: the time to judge by
 *
 * A warning that informs and never blocks: the anaesthetic went on less
 * than %STIPPLE_ANAESTHETIC_MIN_MINUTES minutes before @now, and may not
 * have taken yet.
 *
 * Returns: (transfer full) (nullable): the warning, or %NULL
 */
char *
stipple_session_rules_anaesthetic_warning (StippleSessionRules *self,
                                           GDateTime           *now)
{
  g_autoptr(GDateTime) at = NULL;
  GTimeSpan ago;

  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  at = stipple_session_rules_anaesthetic_time (self, now);
  if (at == NULL)
    return NULL;
  ago = g_date_time_difference (now, at);
  if (ago < 0 || ago >= STIPPLE_ANAESTHETIC_MIN_MINUTES * G_TIME_SPAN_MINUTE)
    return NULL;
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Applied %d minute ago; it needs about an "
                                       "hour to work fully.",
                                       "Applied %d minutes ago; it needs about an "
                                       "hour to work fully.",
                                       (gulong) (ago / G_TIME_SPAN_MINUTE)),
                          (int) (ago / G_TIME_SPAN_MINUTE));
}

/**
 * stipple_session_rules_serum_lacks_lot:
 * @self: the rules
 * @position: a serum, counted from 0
 *
 * A serum without its lot cannot be traced to its batch should the
 * patient react: a warning, not a block.
 *
 * Returns: whether serum @position has no lot
 */
gboolean
stipple_session_rules_serum_lacks_lot (StippleSessionRules *self,
                                       guint                position)
{
  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), FALSE);
  g_return_val_if_fail (position < self->serums->len, FALSE);

  return *or_empty (g_array_index (self->serums, Serum, position).lot) == '\0';
}

/* History ---------------------------------------------------------------- */

/**
 * stipple_session_rules_set_history:
 * @self: the rules
 * @screening: (element-type StippleScreeningAnswer): the patient's earlier
 *   answers, in any order
 *
 * Takes note of the patient's earlier screening, to be shown as a
 * reminder only: it never answers a question today. The last answer to
 * a question is the one of the latest date, and of that date the one
 * recorded last.
 */
void
stipple_session_rules_set_history (StippleSessionRules *self,
                                   GPtrArray           *screening)
{
  const StippleScreeningAnswer *newest = NULL;

  g_return_if_fail (STIPPLE_IS_SESSION_RULES (self));
  g_return_if_fail (screening != NULL);

  for (guint i = 0; i < self->n_items; i++)
    g_clear_pointer (&self->last_answers[i], stipple_screening_answer_free);
  g_clear_pointer (&self->last_screened_on, g_free);

  for (guint i = 0; i < screening->len; i++)
    {
      const StippleScreeningAnswer *answer = g_ptr_array_index (screening, i);
      int item = item_index (self, answer->item_key);
      const StippleScreeningAnswer *known;

      if (newest == NULL || g_strcmp0 (answer->answered_on, newest->answered_on) > 0)
        newest = answer;
      /* A question Stipple no longer asks. */
      if (item < 0)
        continue;
      known = self->last_answers[item];
      if (known == NULL || g_strcmp0 (answer->answered_on, known->answered_on) > 0 ||
          (g_strcmp0 (answer->answered_on, known->answered_on) == 0 && answer->id > known->id))
        {
          g_clear_pointer (&self->last_answers[item], stipple_screening_answer_free);
          self->last_answers[item] = stipple_screening_answer_copy (answer);
        }
    }
  if (newest != NULL)
    self->last_screened_on = g_strdup (newest->answered_on);
}

/**
 * stipple_session_rules_get_last_answer:
 * @self: the rules
 * @item_key: a screening question's key
 *
 * Returns: (transfer none) (nullable): the patient's last answer to it
 *   before today, or %NULL when it was never asked
 */
const StippleScreeningAnswer *
stipple_session_rules_get_last_answer (StippleSessionRules *self,
                                       const char          *item_key)
{
  int i;

  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), NULL);

  i = item_index (self, item_key);
  g_return_val_if_fail (i >= 0, NULL);
  return self->last_answers[i];
}

/**
 * stipple_session_rules_get_last_screened_on:
 * @self: the rules
 *
 * Returns: (nullable): the date of the patient's last screening, as
 *   YYYY-MM-DD, or %NULL when the patient was never screened
 */
const char *
stipple_session_rules_get_last_screened_on (StippleSessionRules *self)
{
  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), NULL);

  return self->last_screened_on;
}

/* Input ------------------------------------------------------------------ */

/**
 * stipple_session_rules_set_staff_listed:
 * @self: the rules
 * @listed: whether the clinician is chosen from the clinic's staff list
 *   (rather than typed, when the list is empty)
 */
void
stipple_session_rules_set_staff_listed (StippleSessionRules *self,
                                        gboolean             listed)
{
  g_return_if_fail (STIPPLE_IS_SESSION_RULES (self));

  self->staff_listed = !!listed;
}

/**
 * stipple_session_rules_set_clinician:
 * @self: the rules
 * @name: (nullable): who performs the session; %NULL or empty for nobody yet
 */
void
stipple_session_rules_set_clinician (StippleSessionRules *self,
                                     const char          *name)
{
  g_return_if_fail (STIPPLE_IS_SESSION_RULES (self));

  g_free (self->clinician);
  self->clinician = g_strdup (name);
}

/**
 * stipple_session_rules_set_answer:
 * @self: the rules
 * @item_key: a screening question's key
 * @answer: today's answer to it
 */
void
stipple_session_rules_set_answer (StippleSessionRules *self,
                                  const char          *item_key,
                                  StippleSetupAnswer   answer)
{
  int i;

  g_return_if_fail (STIPPLE_IS_SESSION_RULES (self));
  g_return_if_fail (answer <= STIPPLE_SETUP_ANSWER_YES);

  i = item_index (self, item_key);
  g_return_if_fail (i >= 0);
  self->answers[i] = answer;
}

/**
 * stipple_session_rules_get_answer:
 * @self: the rules
 * @item_key: a screening question's key
 *
 * Returns: today's answer to it so far
 */
StippleSetupAnswer
stipple_session_rules_get_answer (StippleSessionRules *self,
                                  const char          *item_key)
{
  int i;

  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), STIPPLE_SETUP_ANSWER_NONE);

  i = item_index (self, item_key);
  g_return_val_if_fail (i >= 0, STIPPLE_SETUP_ANSWER_NONE);
  return self->answers[i];
}

/**
 * stipple_session_rules_set_override_reason:
 * @self: the rules
 * @reason: (nullable): why treating is right despite a "yes" that stops
 *   treatment; kept with the session only while there is such a "yes"
 */
void
stipple_session_rules_set_override_reason (StippleSessionRules *self,
                                           const char          *reason)
{
  g_return_if_fail (STIPPLE_IS_SESSION_RULES (self));

  g_free (self->override_reason);
  self->override_reason = g_strdup (reason);
}

/**
 * stipple_session_rules_set_treatment_consent:
 * @self: the rules
 * @given: whether the patient consents to the treatment
 */
void
stipple_session_rules_set_treatment_consent (StippleSessionRules *self,
                                             gboolean             given)
{
  g_return_if_fail (STIPPLE_IS_SESSION_RULES (self));

  self->treatment_consent = !!given;
}

/**
 * stipple_session_rules_set_photographs:
 * @self: the rules
 * @photographs: the patient's answer about photographs, if asked
 */
void
stipple_session_rules_set_photographs (StippleSessionRules     *self,
                                       StippleSetupPhotographs  photographs)
{
  g_return_if_fail (STIPPLE_IS_SESSION_RULES (self));
  g_return_if_fail (photographs <= STIPPLE_SETUP_PHOTOGRAPHS_REFUSED);

  self->photographs = photographs;
}

/**
 * stipple_session_rules_set_anaesthetic:
 * @self: the rules
 * @applied: whether a topical anaesthetic was applied
 * @product: (nullable): which
 * @hour: the clock time it went on: hour, 0–23
 * @minute: and minute, 0–59
 */
void
stipple_session_rules_set_anaesthetic (StippleSessionRules *self,
                                       gboolean             applied,
                                       const char          *product,
                                       guint                hour,
                                       guint                minute)
{
  g_return_if_fail (STIPPLE_IS_SESSION_RULES (self));
  g_return_if_fail (hour < 24 && minute < 60);

  self->anaesthetic_applied = !!applied;
  g_free (self->anaesthetic_product);
  self->anaesthetic_product = g_strdup (product);
  self->anaesthetic_hour = hour;
  self->anaesthetic_minute = minute;
}

/**
 * stipple_session_rules_clear_serums:
 * @self: the rules
 */
void
stipple_session_rules_clear_serums (StippleSessionRules *self)
{
  g_return_if_fail (STIPPLE_IS_SESSION_RULES (self));

  g_array_set_size (self->serums, 0);
}

/**
 * stipple_session_rules_add_serum:
 * @self: the rules
 * @product: (nullable): the serum applied
 * @lot: (nullable): its lot
 */
void
stipple_session_rules_add_serum (StippleSessionRules *self,
                                 const char          *product,
                                 const char          *lot)
{
  Serum serum;

  g_return_if_fail (STIPPLE_IS_SESSION_RULES (self));

  serum.product = g_strdup (product);
  serum.lot = g_strdup (lot);
  g_array_append_val (self->serums, serum);
}

/* Records ---------------------------------------------------------------- */

/**
 * stipple_session_rules_dup_session:
 * @self: the rules
 * @started_at: (nullable): when the treatment began, if it has
 * @now: the time the anaesthetic's clock time was typed against, when
 *   the treatment has not begun
 *
 * The session as entered: patient, clinician, anaesthetic, serums, and
 * the reason for treating despite a "stop" answer while there is one.
 *
 * Returns: (transfer full): a new session record, not saved
 */
StippleSession *
stipple_session_rules_dup_session (StippleSessionRules *self,
                                   GDateTime           *started_at,
                                   GDateTime           *now)
{
  StippleSession *session;
  /* The anaesthetic's clock time was typed against the start, once there is one. */
  GDateTime *typed_at = started_at != NULL ? started_at : now;

  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), NULL);
  g_return_val_if_fail (typed_at != NULL, NULL);

  session = stipple_session_new ();
  session->patient_id = self->patient_id;
  session->started_at = started_at ? g_date_time_ref (started_at) : NULL;
  session->clinician = g_strdup (or_empty (self->clinician));
  if (self->anaesthetic_applied)
    {
      session->anaesthetic_at = stipple_session_rules_anaesthetic_time (self, typed_at);
      session->anaesthetic_product = g_strdup (or_empty (self->anaesthetic_product));
    }
  if (has_stop_answer (self))
    session->screening_override = g_strdup (or_empty (self->override_reason));
  for (guint i = 0; i < self->serums->len; i++)
    {
      const Serum *serum = &g_array_index (self->serums, Serum, i);

      g_ptr_array_add (session->serums,
                       stipple_serum_new (or_empty (serum->product), or_empty (serum->lot)));
    }
  return session;
}

/**
 * stipple_session_rules_dup_screening:
 * @self: the rules
 * @today: today's date, as YYYY-MM-DD
 *
 * Returns: (transfer container) (element-type StippleScreeningAnswer):
 *   one answer for each question answered so far, dated @today, new
 */
GPtrArray *
stipple_session_rules_dup_screening (StippleSessionRules *self,
                                     const char          *today)
{
  GPtrArray *answers;

  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), NULL);
  g_return_val_if_fail (today != NULL, NULL);

  answers = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_screening_answer_free);
  for (guint i = 0; i < self->n_items; i++)
    {
      StippleScreeningAnswer *answer;

      if (self->answers[i] == STIPPLE_SETUP_ANSWER_NONE)
        continue;
      answer = stipple_screening_answer_new ();
      answer->patient_id = self->patient_id;
      answer->item_key = g_strdup (self->items[i].key);
      answer->answer = self->answers[i] == STIPPLE_SETUP_ANSWER_YES;
      answer->answered_on = g_strdup (today);
      g_ptr_array_add (answers, answer);
    }
  return answers;
}

/**
 * stipple_session_rules_dup_consents:
 * @self: the rules
 * @today: today's date, as YYYY-MM-DD
 *
 * The treatment consent, given or refused, and the photographs consent
 * when the patient was asked (given or refused), signed @today. When
 * photographs were not asked about there is no photographs consent: not
 * asked is not refused.
 *
 * Returns: (transfer container) (element-type StippleConsent): the
 *   treatment consent first, then the photographs consent if any, new
 */
GPtrArray *
stipple_session_rules_dup_consents (StippleSessionRules *self,
                                    const char          *today)
{
  GPtrArray *consents;
  StippleConsent *consent;

  g_return_val_if_fail (STIPPLE_IS_SESSION_RULES (self), NULL);
  g_return_val_if_fail (today != NULL, NULL);

  consents = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_consent_free);
  consent = stipple_consent_new ();
  consent->patient_id = self->patient_id;
  consent->kind = STIPPLE_CONSENT_TREATMENT;
  consent->given = self->treatment_consent;
  consent->signed_on = g_strdup (today);
  g_ptr_array_add (consents, consent);

  if (self->photographs != STIPPLE_SETUP_PHOTOGRAPHS_NOT_ASKED)
    {
      consent = stipple_consent_new ();
      consent->patient_id = self->patient_id;
      consent->kind = STIPPLE_CONSENT_PHOTOGRAPHS;
      consent->given = self->photographs == STIPPLE_SETUP_PHOTOGRAPHS_GIVEN;
      consent->signed_on = g_strdup (today);
      g_ptr_array_add (consents, consent);
    }
  return consents;
}

/* GObject ----------------------------------------------------------------- */

static void
stipple_session_rules_finalize (GObject *object)
{
  StippleSessionRules *self = STIPPLE_SESSION_RULES (object);

  g_clear_pointer (&self->clinician, g_free);
  g_clear_pointer (&self->answers, g_free);
  g_clear_pointer (&self->override_reason, g_free);
  g_clear_pointer (&self->anaesthetic_product, g_free);
  g_clear_pointer (&self->serums, g_array_unref);
  for (guint i = 0; i < self->n_items; i++)
    g_clear_pointer (&self->last_answers[i], stipple_screening_answer_free);
  g_clear_pointer (&self->last_answers, g_free);
  g_clear_pointer (&self->last_screened_on, g_free);

  G_OBJECT_CLASS (stipple_session_rules_parent_class)->finalize (object);
}

static void
stipple_session_rules_class_init (StippleSessionRulesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = stipple_session_rules_finalize;
}

static void
stipple_session_rules_init (StippleSessionRules *self)
{
  self->items = stipple_screening_get_items (&self->n_items);
  /* No default: an answer is only ever one the clinician gave. */
  self->answers = g_new0 (StippleSetupAnswer, self->n_items);
  self->last_answers = g_new0 (StippleScreeningAnswer *, self->n_items);
  self->serums = g_array_new (FALSE, TRUE, sizeof (Serum));
  g_array_set_clear_func (self->serums, (GDestroyNotify) serum_clear);
}

/**
 * stipple_session_rules_new:
 * @patient_id: the patient the session is for (0 for none yet)
 *
 * Returns: (transfer full): the rules of a set-up with nothing entered:
 *   no clinician, no answer, no consent, no anaesthetic, no serum
 */
StippleSessionRules *
stipple_session_rules_new (gint64 patient_id)
{
  StippleSessionRules *self = g_object_new (STIPPLE_TYPE_SESSION_RULES, NULL);

  self->patient_id = patient_id;
  return self;
}
