/* stipple-note-saver.h: saves a note as it is typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-store.h"

G_BEGIN_DECLS

/* Quiet time after a keystroke before the note is saved. */
#define STIPPLE_NOTE_SAVER_QUIET_MS 300
/* However fast the typing, the saved note is never further behind. */
#define STIPPLE_NOTE_SAVER_MAX_DELAY_MS 1000

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
