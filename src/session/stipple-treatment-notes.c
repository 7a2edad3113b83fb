/* stipple-treatment-notes.c
 *
 * The session's notes, before and after the treatment: once a session
 * exists only its note savers write them (docs/safety.md), and the
 * treatment owns them, so the screen passes what is typed here and never
 * writes to the patient file itself. Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-treatment"

#include "config.h"

#include "stipple-treatment-private.h"

static void
saver_pending_cb (StippleTreatment *self)
{
  g_assert (STIPPLE_IS_TREATMENT (self));

  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_NOTES_PENDING]);
}

static void
saver_failed_cb (StippleTreatment *self,
                 const GError     *error)
{
  g_assert (STIPPLE_IS_TREATMENT (self));

  g_signal_emit (self, stipple_treatment_signals[SIGNAL_NOTES_FAILED], 0, error);
}

void
stipple_treatment_setup_notes (StippleTreatment *self)
{
  static const StippleNoteKind kinds[STIPPLE_TREATMENT_N_NOTES] = {
    STIPPLE_NOTE_BEFORE, STIPPLE_NOTE_AFTER,
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      self->note_savers[i] = stipple_note_saver_new (self->store, self->session->id, kinds[i]);
      g_signal_connect_object (self->note_savers[i], "notify::pending",
                               G_CALLBACK (saver_pending_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->note_savers[i], "failed",
                               G_CALLBACK (saver_failed_cb), self, G_CONNECT_SWAPPED);
    }
}

/* Whatever is typed and not saved yet goes to the patient file before
 * the savers go. */
void
stipple_treatment_clear_notes (StippleTreatment *self)
{
  for (guint i = 0; i < STIPPLE_TREATMENT_N_NOTES; i++)
    if (self->note_savers[i] != NULL)
      {
        g_signal_handlers_disconnect_by_data (self->note_savers[i], self);
        stipple_note_saver_flush (self->note_savers[i], NULL);
        g_clear_object (&self->note_savers[i]);
      }
}

static StippleNoteSaver *
get_saver (StippleTreatment *self,
           StippleNoteKind   kind)
{
  return self->note_savers[kind == STIPPLE_NOTE_AFTER ? 1 : 0];
}

/**
 * stipple_treatment_set_note:
 * @self: a #StippleTreatment
 * @kind: the note before or after the treatment
 * @text: the whole note as it now reads
 *
 * Call on every change: the note is saved once typing pauses, and at the
 * latest half a second after the first unsaved change.
 */
void
stipple_treatment_set_note (StippleTreatment *self,
                            StippleNoteKind   kind,
                            const char       *text)
{
  g_return_if_fail (STIPPLE_IS_TREATMENT (self));
  g_return_if_fail (kind == STIPPLE_NOTE_BEFORE || kind == STIPPLE_NOTE_AFTER);

  if (get_saver (self, kind) != NULL)
    stipple_note_saver_set_text (get_saver (self, kind), text);
}

/**
 * stipple_treatment_get_notes_pending:
 * @self: a #StippleTreatment
 *
 * Returns: whether some of the notes is not in the patient file yet
 */
gboolean
stipple_treatment_get_notes_pending (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), FALSE);

  for (guint i = 0; i < STIPPLE_TREATMENT_N_NOTES; i++)
    if (self->note_savers[i] != NULL && stipple_note_saver_get_pending (self->note_savers[i]))
      return TRUE;

  return FALSE;
}

/**
 * stipple_treatment_flush_notes:
 * @self: a #StippleTreatment
 * @error: return location for a #GError
 *
 * Writes whatever of the notes is not saved yet, now.
 *
 * Returns: %TRUE when every note is in the patient file
 */
gboolean
stipple_treatment_flush_notes (StippleTreatment  *self,
                               GError           **error)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), FALSE);

  for (guint i = 0; i < STIPPLE_TREATMENT_N_NOTES; i++)
    if (self->note_savers[i] != NULL && !stipple_note_saver_flush (self->note_savers[i], error))
      return FALSE;

  return TRUE;
}
