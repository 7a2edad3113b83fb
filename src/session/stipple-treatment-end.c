/* stipple-treatment-end.c
 *
 * Ending the session: the needle stops at once, the pen's tap into the
 * graphs' ring is removed, the last totals and needle data are written,
 * then the end itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-treatment"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-treatment-private.h"

/**
 * stipple_treatment_end:
 * @self: a #StippleTreatment
 * @error: return location for a #GError
 *
 * Stops the needle, writes the last samples and stroke totals, and
 * records the end of the session.
 *
 * Returns: %TRUE when the end is recorded
 */
gboolean
stipple_treatment_end (StippleTreatment  *self,
                       GError           **error)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), FALSE);

  if (self->ended)
    return TRUE;

  if (stipple_treatment_get_armed (self))
    stipple_pen_emergency_stop (self->pen);
  g_cancellable_cancel (self->push_cancellable);

  g_clear_handle_id (&self->stroke_flush_id, g_source_remove);
  stipple_treatment_flush_strokes (self, TRUE);
  stipple_treatment_end_loss_episode (self);
  if (!stipple_store_flush_telemetry (self->store, error))
    return FALSE;

  g_clear_pointer (&self->session->ended_at, g_date_time_unref);
  self->session->ended_at = g_date_time_new_now_utc ();
  if (!stipple_store_save_session (self->store, self->session, error))
    {
      g_clear_pointer (&self->session->ended_at, g_date_time_unref);
      return FALSE;
    }

  self->ended = TRUE;
  stipple_treatment_untap (self);
  stipple_treatment_set_verification (self, STIPPLE_VERIFICATION_NONE, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_ENDED]);

  return TRUE;
}

/* Ending without touching the disk on the calling thread: the needle is
 * stopped at once, the needle data still gathered is queued for the
 * store's writer with a job behind it that says whether all of it was
 * written, then the session's end goes through the writer too, behind
 * every write already queued (the zone totals among them); the session
 * has ended when the writer says it is saved. Nothing waits for the disk
 * on any thread but the writer. */

static void
end_saved_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StippleTreatment *self = g_task_get_source_object (task);
  g_autoptr(StippleSession) saved = NULL;
  GError *error = NULL;

  saved = stipple_store_save_session_finish (STIPPLE_STORE (object), result, &error);
  if (saved == NULL)
    {
      g_clear_pointer (&self->session->ended_at, g_date_time_unref);
      stipple_treatment_set_ending (self, FALSE);
      g_task_return_error (task, error);
      return;
    }

  self->ended = TRUE;
  stipple_treatment_untap (self);
  stipple_treatment_set_verification (self, STIPPLE_VERIFICATION_NONE, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_ENDED]);
  stipple_treatment_set_ending (self, FALSE);
  g_task_return_boolean (task, TRUE);
}

static void
end_flushed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StippleTreatment *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!stipple_store_flush_telemetry_finish (STIPPLE_STORE (object), result, &error))
    {
      stipple_treatment_set_ending (self, FALSE);
      g_task_return_error (task, error);
      return;
    }

  g_clear_pointer (&self->session->ended_at, g_date_time_unref);
  self->session->ended_at = g_date_time_new_now_utc ();
  stipple_store_save_session_async (self->store, self->session, NULL, end_saved_cb,
                                    g_steal_pointer (&task));
}

/**
 * stipple_treatment_end_async:
 * @self: a #StippleTreatment
 * @callback: called when the end is saved, or could not be
 * @user_data: data for @callback
 *
 * Stops the needle at once and ends the session, as
 * stipple_treatment_end() does, without waiting on the disk on the
 * calling thread. #StippleTreatment:ended changes when the store's writer
 * has saved the end.
 */
void
stipple_treatment_end_async (StippleTreatment    *self,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STIPPLE_IS_TREATMENT (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, stipple_treatment_end_async);
  if (self->ended)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->ending)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("The session is already being ended."));
      return;
    }

  stipple_treatment_set_ending (self, TRUE);
  if (stipple_treatment_get_armed (self))
    stipple_pen_emergency_stop (self->pen);
  g_cancellable_cancel (self->push_cancellable);
  g_clear_handle_id (&self->stroke_flush_id, g_source_remove);
  stipple_treatment_flush_strokes (self, TRUE);
  stipple_treatment_end_loss_episode (self);

  stipple_store_flush_telemetry_async (self->store, NULL, end_flushed_cb, g_steal_pointer (&task));
}

/**
 * stipple_treatment_end_finish:
 * @self: a #StippleTreatment
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: whether the session has ended
 */
gboolean
stipple_treatment_end_finish (StippleTreatment  *self,
                              GAsyncResult      *result,
                              GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
stipple_treatment_set_ending (StippleTreatment *self,
                              gboolean          ending)
{
  if (self->ending == ending)
    return;
  self->ending = ending;
  g_object_notify_by_pspec (G_OBJECT (self), stipple_treatment_properties[PROP_ENDING]);
}

/**
 * stipple_treatment_get_ending:
 * @self: a #StippleTreatment
 *
 * Returns: whether stipple_treatment_end_async() is saving the end
 */
gboolean
stipple_treatment_get_ending (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), FALSE);

  return self->ending;
}

/**
 * stipple_treatment_get_ended:
 * @self: a #StippleTreatment
 *
 * Returns: whether the session has ended
 */
gboolean
stipple_treatment_get_ended (StippleTreatment *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT (self), FALSE);

  return self->ended;
}
