/* stipple-pen-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-pen"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "stipple-pen-private.h"
#include "stipple-zones.h"

/* Settings and the needle (main thread): the public push, arm and disarm
 * API; the push goes cartridge, SET_TREATMENT, read back, and only a read
 * back equal to what was sent verifies the settings. The pen's result
 * codes are put into words here, and the audit records for settings and
 * arming are built here. */

/* ------------------------------------------------------------------ */
/* Settings in words                                                    */

/**
 * stipple_pen_format_depth:
 * @depth_um: a depth in micrometres
 *
 * Formats a depth the way clinicians write it: "1.5", "0.25", "2.0".
 *
 * Returns: (transfer full): the depth in millimetres, without unit
 */
char *
stipple_pen_format_depth (guint depth_um)
{
  if (depth_um % 100 == 0)
    return g_strdup_printf ("%.1f", depth_um / 1000.0);
  if (depth_um % 10 == 0)
    return g_strdup_printf ("%.2f", depth_um / 1000.0);
  return g_strdup_printf ("%.3f", depth_um / 1000.0);
}

static char *
zone_name (guint zone_id)
{
  const char *name = stipple_zone_get_name ((StippleZone) zone_id);

  if (name != NULL)
    return g_strdup (name);

  return g_strdup_printf (_("zone %u"), zone_id);
}

static void
dict_add_settings (GVariantDict             *dict,
                   const StipplePenSettings *settings)
{
  g_variant_dict_insert (dict, "zone", "q", settings->zone_id);
  g_variant_dict_insert (dict, "depth-um", "q", settings->depth_um);
  g_variant_dict_insert (dict, "rate-hz", "q", settings->rate_hz);
  g_variant_dict_insert (dict, "passes", "y", settings->passes);
}

static void
audit_settings (StipplePen               *self,
                const char               *kind,
                const StipplePenSettings *settings,
                const GError             *error)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);

  dict_add_settings (&dict, settings);
  if (self->has_cartridge)
    {
      g_variant_dict_insert (&dict, "cartridge-id", "s", self->cartridge.id);
      g_variant_dict_insert (&dict, "cartridge-lot", "s", self->cartridge.lot);
    }
  if (error != NULL)
    g_variant_dict_insert (&dict, "message", "s", error->message);
  stipple_pen_emit_audit (self, kind, &dict);
}

/* ------------------------------------------------------------------ */
/* Result codes in words                                                */

GError *
stipple_pen_refusal_error (StipplePen               *self,
                           guint8                    result,
                           const StipplePenSettings *settings)
{
  g_autofree char *zone = settings != NULL ? zone_name (settings->zone_id) : NULL;
  g_autofree char *depth = settings != NULL ? stipple_pen_format_depth (settings->depth_um) : NULL;
  g_autofree char *limit = NULL;
  g_autofree char *step = NULL;

  switch (result)
    {
    case STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CAP:
      limit = stipple_pen_format_depth (self->identity.depth_max_um);
      /* Translators: "The pen refused 2.6 mm for Left cheek: above the
       * pen’s maximum of 2.5 mm." */
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                          _("The pen refused %s mm for %s: above the pen’s maximum of %s mm."),
                          depth, zone, limit);

    case STIPPLE_PROTO_RESULT_DEPTH_ABOVE_CARTRIDGE:
      limit = stipple_pen_format_depth (self->cartridge.max_depth_um);
      if (settings == NULL)
        return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                            _("The pen will not start: the depth set is above this "
                              "cartridge’s maximum of %s mm."), limit);
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                          _("The pen refused %s mm for %s: above this cartridge’s maximum of %s mm."),
                          depth, zone, limit);

    case STIPPLE_PROTO_RESULT_DEPTH_INVALID:
      limit = stipple_pen_format_depth (self->identity.depth_min_um);
      step = stipple_pen_format_depth (self->identity.depth_step_um);
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                          _("The pen refused %s mm for %s: it sets depths from %s mm in steps "
                            "of %s mm."),
                          depth, zone, limit, step);

    case STIPPLE_PROTO_RESULT_RATE_OUT_OF_RANGE:
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                          _("The pen refused %u strokes per second for %s: it runs from %u to "
                            "%u strokes per second."),
                          settings != NULL ? settings->rate_hz : 0, zone,
                          self->identity.rate_min_hz, self->identity.rate_max_hz);

    case STIPPLE_PROTO_RESULT_PASSES_INVALID:
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                          _("The pen refused the settings for %s: at least one pass is needed."),
                          zone);

    case STIPPLE_PROTO_RESULT_NO_CARTRIDGE:
      return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                                  _("The pen has no cartridge. Insert a cartridge, then send "
                                    "the settings again."));

    case STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED:
      return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                                  _("The pen will not start: this single-use cartridge has "
                                    "been used before. Insert a new cartridge."));

    case STIPPLE_PROTO_RESULT_NOT_CONFIGURED:
      return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                                  _("The pen has no settings. Send the settings first."));

    case STIPPLE_PROTO_RESULT_ARMED:
      return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                                  _("The needle is running. Stop it before changing the "
                                    "settings."));

    case STIPPLE_PROTO_RESULT_BUSY:
      return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                                  _("The pen is busy. Try again in a moment."));

    case STIPPLE_PROTO_RESULT_UNKNOWN_COMMAND:
    case STIPPLE_PROTO_RESULT_BAD_LENGTH:
    case STIPPLE_PROTO_RESULT_UNSUPPORTED_VERSION:
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_PROTOCOL,
                          _("The pen does not understand this version of Stipple (%s). "
                            "Update the pen’s firmware or Stipple."),
                          stipple_proto_result_to_string (result));

    default:
      return g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_REFUSED,
                          _("The pen refused the command (code 0x%02x)."), result);
    }
}

/* ------------------------------------------------------------------ */
/* Push, arm, disarm                                                    */

static gboolean
settings_equal (const StipplePenSettings *a,
                const StipplePenSettings *b)
{
  return a->zone_id == b->zone_id && a->depth_um == b->depth_um &&
         a->rate_hz == b->rate_hz && a->passes == b->passes;
}

/* The push ended without verified settings: on record, and to the
 * caller. Takes @error. */
static void
push_failed (StipplePen *self,
             Request    *request,
             const char *kind,
             GError     *error)
{
  audit_settings (self, kind, &request->settings, error);
  g_task_return_error (request->task, error);
}

/* What the pen reports is not what was sent: an alarm, never a success. */
static void
settings_mismatch (StipplePen               *self,
                   Request                  *request,
                   const StipplePenSettings *read)
{
  const StipplePenSettings *sent = &request->settings;
  g_autofree char *zone = zone_name (sent->zone_id);
  g_autofree char *sent_depth = stipple_pen_format_depth (sent->depth_um);
  g_autofree char *read_depth = stipple_pen_format_depth (read->depth_um);
  g_autoptr(GError) mismatch = NULL;

  mismatch = g_error_new (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_MISMATCH,
                          _("The pen did not confirm the settings for %s: it reports "
                            "%s mm at %u strokes per second, %u passes, but %s mm at %u "
                            "strokes per second, %u passes was sent. Send the settings "
                            "again."),
                          zone, read_depth, read->rate_hz, read->passes,
                          sent_depth, sent->rate_hz, sent->passes);
  stipple_pen_set_applied (self, read);
  stipple_pen_set_state (self, STIPPLE_PEN_STATE_FAULT);
  audit_settings (self, "settings-mismatch", read, mismatch);
  stipple_pen_raise_fault (self, mismatch);
  g_task_return_error (request->task, g_steal_pointer (&mismatch));
}

static void
read_back_cb (StipplePen              *self,
              Request                 *request,
              const StippleProtoReply *reply,
              const GError            *error)
{
  const StipplePenSettings *sent = &request->settings;
  const StipplePenSettings *read;

  if (error != NULL)
    {
      push_failed (self, request, "settings-failed", g_error_copy (error));
      return;
    }

  if (reply->result != STIPPLE_PROTO_RESULT_OK)
    {
      push_failed (self, request, "settings-failed",
                   stipple_pen_refusal_error (self, reply->result, sent));
      return;
    }

  read = &reply->body.treatment;
  if (!settings_equal (read, sent))
    {
      settings_mismatch (self, request, read);
      return;
    }

  stipple_pen_set_applied (self, read);
  stipple_pen_set_verified (self, TRUE);
  if (self->state == STIPPLE_PEN_STATE_FAULT)
    stipple_pen_set_state (self, STIPPLE_PEN_STATE_CONNECTED);
  audit_settings (self, "settings-verified", read, NULL);
  g_task_return_boolean (request->task, TRUE);
}

static void
set_treatment_cb (StipplePen              *self,
                  Request                 *request,
                  const StippleProtoReply *reply,
                  const GError            *error)
{
  Request *read_back;

  if (error != NULL)
    {
      push_failed (self, request, "settings-failed", g_error_copy (error));
      return;
    }

  if (reply->result != STIPPLE_PROTO_RESULT_OK)
    {
      push_failed (self, request, "settings-refused",
                   stipple_pen_refusal_error (self, reply->result, &request->settings));
      return;
    }

  if (!settings_equal (&reply->body.treatment, &request->settings))
    {
      settings_mismatch (self, request, &reply->body.treatment);
      return;
    }

  /* The acknowledgement echoes the settings, but only a separate read
   * back shows what the pen keeps. */
  read_back = stipple_pen_request_new (STIPPLE_PROTO_MSG_GET_TREATMENT,
                                       read_back_cb, request->task);
  read_back->settings = request->settings;
  stipple_pen_enqueue (self, read_back, TRUE);
}

void
stipple_pen_update_cartridge (StipplePen              *self,
                              const StippleProtoReply *reply)
{
  gboolean present = reply->result == STIPPLE_PROTO_RESULT_OK;

  if (!present && reply->result != STIPPLE_PROTO_RESULT_NO_CARTRIDGE)
    return;

  if (present == self->has_cartridge &&
      (!present || memcmp (&self->cartridge, &reply->body.cartridge, sizeof self->cartridge) == 0))
    return;

  self->has_cartridge = present;
  if (present)
    self->cartridge = reply->body.cartridge;
  stipple_pen_notify (self, PROP_CARTRIDGE);
}

static void
push_cartridge_cb (StipplePen              *self,
                   Request                 *request,
                   const StippleProtoReply *reply,
                   const GError            *error)
{
  Request *set;

  if (error != NULL)
    {
      push_failed (self, request, "settings-failed", g_error_copy (error));
      return;
    }

  if (reply->result != STIPPLE_PROTO_RESULT_OK &&
      reply->result != STIPPLE_PROTO_RESULT_NO_CARTRIDGE)
    {
      push_failed (self, request, "settings-failed",
                   stipple_pen_refusal_error (self, reply->result, NULL));
      return;
    }

  /* No cartridge: SET_TREATMENT is refused with NO_CARTRIDGE, in words. */
  stipple_pen_update_cartridge (self, reply);

  set = stipple_pen_request_new (STIPPLE_PROTO_MSG_SET_TREATMENT, set_treatment_cb, request->task);
  set->settings = request->settings;
  set->command.treatment = request->settings;
  stipple_pen_enqueue (self, set, TRUE);
}

static GError *
not_connected_error (StipplePen *self)
{
  const GError *link_error = stipple_transport_get_link_error (self->transport);

  if (link_error != NULL)
    return g_error_copy (link_error);

  return g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NO_PEN,
                              _("No pen is connected. Plug the pen in and switch it on."));
}

/* A task for a command to the pen, or %NULL, the task answered already,
 * when no pen is connected. */
static GTask *
pen_task_new (StipplePen          *self,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);

  if (self->state == STIPPLE_PEN_STATE_DISCONNECTED)
    {
      g_task_return_error (task, not_connected_error (self));
      return NULL;
    }

  return g_steal_pointer (&task);
}

/**
 * stipple_pen_push_settings_async:
 * @self: a #StipplePen
 * @settings: the zone, depth, stroke rate and passes to apply
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the pen has confirmed the settings, or not
 * @user_data: data for @callback
 *
 * Sends the settings, waits for the pen's acknowledgement, reads the
 * settings back and compares every field. Only then are the settings
 * verified (#StipplePen:verified) and arming allowed. A command the pen
 * does not answer is sent again, up to three times.
 */
void
stipple_pen_push_settings_async (StipplePen               *self,
                                 const StipplePenSettings *settings,
                                 GCancellable             *cancellable,
                                 GAsyncReadyCallback       callback,
                                 gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  g_return_if_fail (STIPPLE_IS_PEN (self));
  g_return_if_fail (settings != NULL);

  task = pen_task_new (self, cancellable, callback, user_data, stipple_pen_push_settings_async);
  if (task == NULL)
    return;

  if (self->state == STIPPLE_PEN_STATE_ARMED)
    {
      g_task_return_new_error (task, STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY,
                               _("The needle is running. Stop it before changing the "
                                 "settings."));
      return;
    }

  stipple_pen_set_verified (self, FALSE);
  audit_settings (self, "settings-sent", settings, NULL);

  /* The cartridge first: it may have been changed since the last push,
   * and its id and lot go on record with the settings. */
  request = stipple_pen_request_new (STIPPLE_PROTO_MSG_CARTRIDGE_INFO, push_cartridge_cb, task);
  request->settings = *settings;
  stipple_pen_enqueue (self, request, FALSE);
}

/**
 * stipple_pen_push_settings_finish:
 * @self: a #StipplePen
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the pen applied exactly the settings sent
 */
gboolean
stipple_pen_push_settings_finish (StipplePen    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The needle was not started: the audit trail says why, in the words
 * the caller hears. Takes @error. */
static void
arm_refused (StipplePen *self,
             GTask      *task,
             GError     *error)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);

  g_variant_dict_insert (&dict, "message", "s", error->message);
  stipple_pen_emit_audit (self, "arm-refused", &dict);
  g_task_return_error (task, error);
}

static void
arm_cb (StipplePen              *self,
        Request                 *request,
        const StippleProtoReply *reply,
        const GError            *error)
{
  /* Heartbeats began as the ARM left. An ARM that failed stops them, so
   * a pen that armed after all (its answer lost, or come after the last
   * try) is stopped by its own watchdog; a needle already running keeps
   * them. */
  if ((error != NULL || reply->result != STIPPLE_PROTO_RESULT_OK) &&
      self->state != STIPPLE_PEN_STATE_ARMED)
    stipple_pen_stop_heartbeat (self);

  if (error != NULL)
    {
      g_task_return_error (request->task, g_error_copy (error));
      return;
    }

  if (reply->result != STIPPLE_PROTO_RESULT_OK)
    {
      arm_refused (self, request->task, stipple_pen_refusal_error (self, reply->result, NULL));
      return;
    }

  if (self->state != STIPPLE_PEN_STATE_ARMED)
    {
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);

      dict_add_settings (&dict, &self->applied);
      stipple_pen_set_state (self, STIPPLE_PEN_STATE_ARMED);
      stipple_pen_start_heartbeat (self);
      stipple_pen_emit_audit (self, "arm", &dict);
    }

  g_task_return_boolean (request->task, TRUE);
}

/**
 * stipple_pen_arm_async:
 * @self: a #StipplePen
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the needle runs, or not
 * @user_data: data for @callback
 *
 * Starts the needle. Refused unless the settings were pushed and verified
 * since the pen was connected or last faulted. While armed, a heartbeat
 * goes to the pen every 100 ms.
 */
void
stipple_pen_arm_async (StipplePen          *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STIPPLE_IS_PEN (self));

  task = pen_task_new (self, cancellable, callback, user_data, stipple_pen_arm_async);
  if (task == NULL)
    return;

  if (!self->verified || self->state == STIPPLE_PEN_STATE_FAULT)
    {
      arm_refused (self, task,
                   g_error_new_literal (STIPPLE_PEN_ERROR, STIPPLE_PEN_ERROR_NOT_READY,
                                        _("The pen has not confirmed the settings. Send them "
                                          "to the pen again before starting the needle.")));
      return;
    }

  if (self->has_cartridge && (self->cartridge.flags & STIPPLE_PROTO_CARTRIDGE_REUSED) != 0)
    {
      arm_refused (self, task,
                   stipple_pen_refusal_error (self, STIPPLE_PROTO_RESULT_CARTRIDGE_REUSED, NULL));
      return;
    }

  stipple_pen_enqueue (self, stipple_pen_request_new (STIPPLE_PROTO_MSG_ARM, arm_cb, task), FALSE);
}

/**
 * stipple_pen_arm_finish:
 * @self: a #StipplePen
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the needle runs
 */
gboolean
stipple_pen_arm_finish (StipplePen    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
disarm_cb (StipplePen              *self,
           Request                 *request,
           const StippleProtoReply *reply,
           const GError            *error)
{
  if (error != NULL)
    {
      g_task_return_error (request->task, g_error_copy (error));
      return;
    }

  if (reply->result != STIPPLE_PROTO_RESULT_OK)
    {
      g_task_return_error (request->task, stipple_pen_refusal_error (self, reply->result, NULL));
      return;
    }

  if (self->state == STIPPLE_PEN_STATE_ARMED)
    {
      stipple_pen_set_state (self, STIPPLE_PEN_STATE_CONNECTED);
      stipple_pen_needle_stopped (self, STIPPLE_PEN_DISARM_HOST, _("The needle was stopped."));
    }

  g_task_return_boolean (request->task, TRUE);
}

/**
 * stipple_pen_disarm_async:
 * @self: a #StipplePen
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the needle has stopped
 * @user_data: data for @callback
 *
 * Stops the needle, keeping the settings. For a stop that must not wait,
 * use stipple_pen_emergency_stop().
 */
void
stipple_pen_disarm_async (StipplePen          *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STIPPLE_IS_PEN (self));

  task = pen_task_new (self, cancellable, callback, user_data, stipple_pen_disarm_async);
  if (task == NULL)
    return;

  stipple_pen_enqueue (self, stipple_pen_request_new (STIPPLE_PROTO_MSG_DISARM,
                                                      disarm_cb, task), FALSE);
}

/**
 * stipple_pen_disarm_finish:
 * @self: a #StipplePen
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the needle stopped
 */
gboolean
stipple_pen_disarm_finish (StipplePen    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
