/* stipple-screening.h: the questions asked before every session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  /* A "yes" means no treatment today unless the clinician records why
   * treating is still right. */
  STIPPLE_SCREENING_STOP,
  /* A "yes" is a caution: the clinician takes it into the plan. */
  STIPPLE_SCREENING_CAUTION,
} StippleScreeningSeverity;

typedef struct
{
  /* Stable key stored in the patient file with each answer. */
  const char               *key;
  /* Untranslated question; use stipple_screening_get_question(). */
  const char               *question;
  StippleScreeningSeverity  severity;
} StippleScreeningItem;

const StippleScreeningItem *stipple_screening_get_items    (guint      *n_items);
const StippleScreeningItem *stipple_screening_lookup       (const char *key);
const char                 *stipple_screening_get_question (const StippleScreeningItem *item);

G_END_DECLS
