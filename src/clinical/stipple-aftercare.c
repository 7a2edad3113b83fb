/* stipple-aftercare.c
 *
 * Aftercare instructions for the patient's copy of the session report,
 * from docs/clinical-defaults.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-aftercare"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-aftercare.h"

static const char *instructions[] = {
  N_("Redness like a mild sunburn and slight swelling are normal and usually gone within 24 to 72 hours. Dryness and flaking may follow."),
  N_("For at least 24 hours: no direct sun, no make-up, no retinoids, acids or harsh exfoliants, and no strenuous exercise."),
  N_("A gentle hydrating serum (hyaluronic acid) is fine."),
  N_("Use sunscreen every day from tomorrow on."),
  N_("Contact the clinic at once if you see signs of infection: growing redness, warmth, pus, fever."),
};

/**
 * stipple_aftercare_get_instructions:
 * @n_instructions: (out): the number of instructions
 *
 * Returns: (array length=n_instructions) (transfer none): the instructions,
 *   untranslated; pass each through gettext to show it
 */
const char * const *
stipple_aftercare_get_instructions (guint *n_instructions)
{
  g_return_val_if_fail (n_instructions != NULL, NULL);

  *n_instructions = G_N_ELEMENTS (instructions);
  return instructions;
}
