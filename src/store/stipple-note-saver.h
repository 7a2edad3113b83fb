/* stipple-note-saver.h: saves a note as it is typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-store.h"

G_BEGIN_DECLS

/* Quiet time after a keystroke before the note is saved. */
#define STIPPLE_NOTE_SAVER_QUIET_MS 300
/* However fast the typing, a save starts no later than this after the
 * first unsaved keystroke. Half a second leaves the other half for the
 * write to reach the disk, so the file is never a second behind. */
#define STIPPLE_NOTE_SAVER_MAX_DELAY_MS 500

#define STIPPLE_TYPE_NOTE_SAVER (stipple_note_saver_get_type ())

G_DECLARE_FINAL_TYPE (StippleNoteSaver, stipple_note_saver, STIPPLE, NOTE_SAVER, GObject)

StippleNoteSaver *stipple_note_saver_new         (StippleStore      *store,
                                                  gint64             session_id,
                                                  StippleNoteKind    kind);
void              stipple_note_saver_set_text    (StippleNoteSaver  *self,
                                                  const char        *text);
gboolean          stipple_note_saver_get_pending (StippleNoteSaver  *self);
gboolean          stipple_note_saver_flush       (StippleNoteSaver  *self,
                                                  GError           **error);

G_END_DECLS
