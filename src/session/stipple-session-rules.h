/* stipple-session-rules.h: what a session needs before it may begin
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "stipple-screening.h"
#include "stipple-store-records.h"

G_BEGIN_DECLS

/* Below this many minutes between anaesthetic and start, the clinician
 * is told the anaesthetic may not have taken yet. */
#define STIPPLE_ANAESTHETIC_MIN_MINUTES 30
/* An anaesthetic time further back than this many hours is taken for a
 * typing mistake rather than a fact. */
#define STIPPLE_ANAESTHETIC_MAX_HOURS 12
/* A reason kept in the record: a few words, not a keystroke. */
#define STIPPLE_REASON_MIN_CHARS 10

/**
 * StippleSetupStep:
 * @STIPPLE_SETUP_STEP_CLINICIAN: who performs the session
 * @STIPPLE_SETUP_STEP_SCREENING: the screening questions
 * @STIPPLE_SETUP_STEP_CONSENT: treatment and photograph consent
 * @STIPPLE_SETUP_STEP_PRODUCTS: anaesthetic and serums
 * @STIPPLE_SETUP_N_STEPS: the number of steps; also "every step complete"
 */
typedef enum
{
  STIPPLE_SETUP_STEP_CLINICIAN,
  STIPPLE_SETUP_STEP_SCREENING,
  STIPPLE_SETUP_STEP_CONSENT,
  STIPPLE_SETUP_STEP_PRODUCTS,
  STIPPLE_SETUP_N_STEPS
} StippleSetupStep;

/**
 * StippleSetupAnswer:
 * @STIPPLE_SETUP_ANSWER_NONE: not answered yet
 * @STIPPLE_SETUP_ANSWER_NO: answered no
 * @STIPPLE_SETUP_ANSWER_YES: answered yes
 */
typedef enum
{
  STIPPLE_SETUP_ANSWER_NONE,
  STIPPLE_SETUP_ANSWER_NO,
  STIPPLE_SETUP_ANSWER_YES,
} StippleSetupAnswer;

/**
 * StippleSetupScreening:
 * @STIPPLE_SETUP_SCREENING_CLEAR: no "yes" to a question that stops treatment
 * @STIPPLE_SETUP_SCREENING_STOPPED: a "yes" that stops treatment, no reason given
 * @STIPPLE_SETUP_SCREENING_OVERRIDDEN: a "yes" that stops treatment, and a
 *   reason to treat all the same
 */
typedef enum
{
  STIPPLE_SETUP_SCREENING_CLEAR,
  STIPPLE_SETUP_SCREENING_STOPPED,
  STIPPLE_SETUP_SCREENING_OVERRIDDEN,
} StippleSetupScreening;

/**
 * StippleSetupPhotographs:
 * @STIPPLE_SETUP_PHOTOGRAPHS_NOT_ASKED: nothing recorded: not asked is not refused
 * @STIPPLE_SETUP_PHOTOGRAPHS_GIVEN: the patient consents to photographs
 * @STIPPLE_SETUP_PHOTOGRAPHS_REFUSED: the patient refuses photographs
 */
typedef enum
{
  STIPPLE_SETUP_PHOTOGRAPHS_NOT_ASKED,
  STIPPLE_SETUP_PHOTOGRAPHS_GIVEN,
  STIPPLE_SETUP_PHOTOGRAPHS_REFUSED,
} StippleSetupPhotographs;

#define STIPPLE_TYPE_SESSION_RULES (stipple_session_rules_get_type ())

G_DECLARE_FINAL_TYPE (StippleSessionRules, stipple_session_rules, STIPPLE, SESSION_RULES, GObject)

StippleSessionRules  *stipple_session_rules_new (gint64 patient_id);

/* What the clinician entered; texts as they will be stored. */
void                  stipple_session_rules_set_staff_listed (StippleSessionRules *self,
                                                              gboolean             listed);
void                  stipple_session_rules_set_clinician (StippleSessionRules *self,
                                                           const char          *name);
void                  stipple_session_rules_set_answer (StippleSessionRules *self,
                                                        const char          *item_key,
                                                        StippleSetupAnswer   answer);
StippleSetupAnswer    stipple_session_rules_get_answer (StippleSessionRules *self,
                                                        const char          *item_key);
void                  stipple_session_rules_set_override_reason (StippleSessionRules *self,
                                                                 const char          *reason);
void                  stipple_session_rules_set_treatment_consent (StippleSessionRules *self,
                                                                   gboolean             given);
void                  stipple_session_rules_set_photographs (StippleSessionRules     *self,
                                                             StippleSetupPhotographs  photographs);
void                  stipple_session_rules_set_anaesthetic (StippleSessionRules *self,
                                                             gboolean             applied,
                                                             const char          *product,
                                                             guint                hour,
                                                             guint                minute);
void                  stipple_session_rules_clear_serums (StippleSessionRules *self);
void                  stipple_session_rules_add_serum (StippleSessionRules *self,
                                                       const char          *product,
                                                       const char          *lot);

/* What the rules make of it. */
char                 *stipple_session_rules_step_problem (StippleSessionRules *self,
                                                          StippleSetupStep     step,
                                                          GDateTime           *now);
StippleSetupStep      stipple_session_rules_first_incomplete (StippleSessionRules *self,
                                                              GDateTime           *now);
guint                 stipple_session_rules_count_unanswered (StippleSessionRules *self);
char                 *stipple_session_rules_list_yes (StippleSessionRules      *self,
                                                      StippleScreeningSeverity  severity,
                                                      guint                    *n_yes);
StippleSetupScreening stipple_session_rules_get_screening (StippleSessionRules *self);
GDateTime            *stipple_session_rules_anaesthetic_time (StippleSessionRules *self,
                                                              GDateTime           *now);
char                 *stipple_session_rules_anaesthetic_warning (StippleSessionRules *self,
                                                                 GDateTime           *now);
gboolean              stipple_session_rules_serum_lacks_lot (StippleSessionRules *self,
                                                             guint                position);
gboolean              stipple_session_rules_is_reason (const char *text);

/* What the patient answered before: a reminder, never today's answer. */
void                  stipple_session_rules_set_history (StippleSessionRules *self,
                                                         GPtrArray           *screening);
const StippleScreeningAnswer *
                      stipple_session_rules_get_last_answer (StippleSessionRules *self,
                                                             const char          *item_key);
const char           *stipple_session_rules_get_last_screened_on (StippleSessionRules *self);

/* The records the session begins with. */
StippleSession       *stipple_session_rules_dup_session (StippleSessionRules *self,
                                                         GDateTime           *started_at,
                                                         GDateTime           *now);
GPtrArray            *stipple_session_rules_dup_screening (StippleSessionRules *self,
                                                           const char          *today);
GPtrArray            *stipple_session_rules_dup_consents (StippleSessionRules *self,
                                                          const char          *today);

G_END_DECLS
