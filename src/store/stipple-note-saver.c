/* stipple-note-saver.c
 *
 * A note is saved after a short pause in the typing, and at the latest
 * STIPPLE_NOTE_SAVER_MAX_DELAY_MS after the first unsaved keystroke, so
 * a clinician who types without pause still loses less than a second if
 * the computer dies, the write to disk included. Saves go through the store's writer thread in
 * order, so an older text never lands after a newer one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-note-saver"

#include "config.h"

#include "stipple-note-saver.h"

struct _StippleNoteSaver
{
  GObject          parent_instance;

  StippleStore    *store;
  gint64           session_id;
  StippleNoteKind  kind;

  char            *unsaved;
  char            *last_sent;
  gint64           first_unsaved_us;
  guint            timeout_id;
  guint            in_flight;
  GError          *last_error;
};

G_DEFINE_FINAL_TYPE (StippleNoteSaver, stipple_note_saver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PENDING,
  N_PROPS
};

enum {
  SIGNAL_SAVED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
save_note_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StippleNoteSaver) self = user_data;
  g_autoptr(GError) error = NULL;

  self->in_flight--;
  if (!stipple_store_save_note_finish (STIPPLE_STORE (object), result, &error))
    {
      g_clear_error (&self->last_error);
      self->last_error = g_error_copy (error);
      /* Nothing typed since: keep the text so the next try sends it. */
      if (self->unsaved == NULL)
        self->unsaved = g_strdup (self->last_sent);
      g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
    }
  else
    g_signal_emit (self, signals[SIGNAL_SAVED], 0);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

static void
save_now (StippleNoteSaver *self)
{
  g_autofree char *text = g_steal_pointer (&self->unsaved);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->first_unsaved_us = 0;
  if (text == NULL)
    return;

  self->in_flight++;
  g_free (self->last_sent);
  self->last_sent = g_strdup (text);
  stipple_store_save_note_async (self->store, self->session_id, self->kind, text, NULL,
                                 save_note_cb, g_object_ref (self));
}

static gboolean
timeout_cb (gpointer user_data)
{
  StippleNoteSaver *self = user_data;

  self->timeout_id = 0;
  save_now (self);
  return G_SOURCE_REMOVE;
}

static void
stipple_note_saver_dispose (GObject *object)
{
  StippleNoteSaver *self = STIPPLE_NOTE_SAVER (object);

  /* Whatever was typed is saved, even when the editor goes away. */
  if (self->unsaved != NULL && self->store != NULL)
    save_now (self);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (stipple_note_saver_parent_class)->dispose (object);
}

static void
stipple_note_saver_finalize (GObject *object)
{
  StippleNoteSaver *self = STIPPLE_NOTE_SAVER (object);

  g_clear_pointer (&self->unsaved, g_free);
  g_clear_pointer (&self->last_sent, g_free);
  g_clear_error (&self->last_error);

  G_OBJECT_CLASS (stipple_note_saver_parent_class)->finalize (object);
}

static void
stipple_note_saver_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  StippleNoteSaver *self = STIPPLE_NOTE_SAVER (object);

  switch (prop_id)
    {
    case PROP_PENDING:
      g_value_set_boolean (value, stipple_note_saver_get_pending (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_note_saver_class_init (StippleNoteSaverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = stipple_note_saver_dispose;
  object_class->finalize = stipple_note_saver_finalize;
  object_class->get_property = stipple_note_saver_get_property;

  /**
   * StippleNoteSaver:pending:
   *
   * Whether some of the text typed is not saved yet.
   */
  properties[PROP_PENDING] =
    g_param_spec_boolean ("pending", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StippleNoteSaver::saved:
   *
   * A save has reached the patient file.
   */
  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * StippleNoteSaver::failed:
   * @error: why, in words for the clinician
   *
   * A save did not reach the patient file; the text stays in the editor
   * and the next keystroke or flush tries again.
   */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
stipple_note_saver_init (StippleNoteSaver *self)
{
}

/**
 * stipple_note_saver_new:
 * @store: the patient file
 * @session_id: the session whose note is edited
 * @kind: which of its notes
 *
 * Returns: (transfer full): a saver for one note editor
 */
StippleNoteSaver *
stipple_note_saver_new (StippleStore    *store,
                        gint64           session_id,
                        StippleNoteKind  kind)
{
  StippleNoteSaver *self;

  g_return_val_if_fail (STIPPLE_IS_STORE (store), NULL);

  self = g_object_new (STIPPLE_TYPE_NOTE_SAVER, NULL);
  self->store = g_object_ref (store);
  self->session_id = session_id;
  self->kind = kind;
  return self;
}

/**
 * stipple_note_saver_set_text:
 * @self: a saver
 * @text: the whole note as it now reads
 *
 * Call on every change. The note is saved once typing pauses for
 * %STIPPLE_NOTE_SAVER_QUIET_MS, and never later than
 * %STIPPLE_NOTE_SAVER_MAX_DELAY_MS after the first change not yet saved.
 */
void
stipple_note_saver_set_text (StippleNoteSaver *self,
                             const char       *text)
{
  gint64 now = g_get_monotonic_time ();
  gint64 deadline;
  gboolean was_pending;

  g_return_if_fail (STIPPLE_IS_NOTE_SAVER (self));

  was_pending = stipple_note_saver_get_pending (self);
  g_free (self->unsaved);
  self->unsaved = g_strdup (text ? text : "");
  if (self->first_unsaved_us == 0)
    self->first_unsaved_us = now;

  deadline = MIN (now + STIPPLE_NOTE_SAVER_QUIET_MS * 1000,
                  self->first_unsaved_us + STIPPLE_NOTE_SAVER_MAX_DELAY_MS * 1000);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add (MAX (deadline - now, 0) / 1000, timeout_cb, self);

  if (!was_pending)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

/**
 * stipple_note_saver_get_pending:
 * @self: a saver
 *
 * Returns: whether some typed text has not reached the file yet
 */
gboolean
stipple_note_saver_get_pending (StippleNoteSaver *self)
{
  g_return_val_if_fail (STIPPLE_IS_NOTE_SAVER (self), FALSE);

  return self->unsaved != NULL || self->in_flight > 0;
}

/**
 * stipple_note_saver_flush:
 * @self: a saver
 * @error: return location for a #GError
 *
 * Saves at once and waits, running the thread-default main context,
 * until every save has reached the file: for closing the editor or the
 * window.
 *
 * Returns: whether the note as last set is saved
 */
gboolean
stipple_note_saver_flush (StippleNoteSaver  *self,
                          GError           **error)
{
  GMainContext *context = g_main_context_ref_thread_default ();

  g_return_val_if_fail (STIPPLE_IS_NOTE_SAVER (self), FALSE);

  g_clear_error (&self->last_error);
  save_now (self);
  while (self->in_flight > 0)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);

  if (self->last_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->last_error));
      return FALSE;
    }
  return TRUE;
}
