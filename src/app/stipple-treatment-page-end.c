/* stipple-treatment-page-end.c
 *
 * Ending the session from the treatment page: the question asked first,
 * which names every pass of the plan not done yet; the notes written;
 * then the end recorded by the treatment, the needle stopped at once and
 * the page's "ended" signal emitted once the patient file holds the end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-treatment-page"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-treatment-page-private.h"

static void
end_saved_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StippleTreatmentPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!stipple_treatment_end_finish (STIPPLE_TREATMENT (object), result, &error))
    {
      stipple_treatment_page_show_plan_error (self, error->message);
      stipple_treatment_page_update_verification (self);
      return;
    }

  stipple_treatment_page_emit_ended (self);
}

/* The needle stops at once; the session has ended when the patient
 * file's writer has saved its end, never with the window waiting on the
 * disk. */
static void
end_session (StippleTreatmentPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!stipple_treatment_page_flush_notes (self, &error))
    {
      stipple_treatment_page_show_plan_error (self, error->message);
      return;
    }

  stipple_treatment_end_async (self->treatment, end_saved_cb, g_object_ref (self));
  stipple_treatment_page_update_verification (self);
}

static void
end_response_cb (AdwMessageDialog     *dialog,
                 const char           *response,
                 StippleTreatmentPage *self)
{
  if (g_str_equal (response, "end") && !stipple_treatment_get_ended (self->treatment) &&
      !stipple_treatment_get_ending (self->treatment))
    end_session (self);
}

/**
 * stipple_treatment_page_dup_unfinished:
 * @self: a #StippleTreatmentPage
 *
 * The zones the needle was started on whose plan has passes not begun
 * yet, one line each: "Left cheek: pass 2 of 2 not done".
 *
 * Returns: (transfer full): the lines, empty when every zone begun is done
 */
GStrv
stipple_treatment_page_dup_unfinished (StippleTreatmentPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (STIPPLE_IS_TREATMENT_PAGE (self), NULL);

  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      guint begun = stipple_treatment_get_passes_begun (self->treatment, z);
      StippleZonePlan plan;

      if (begun == 0 || !stipple_treatment_get_plan (self->treatment, z, &plan))
        continue;
      for (guint p = 0; p < plan.n_passes; p++)
        if ((begun & (1u << p)) == 0)
          {
            /* Translators: "Left cheek: pass 2 of 2 not done" */
            g_autofree char *line = g_strdup_printf (_("%s: pass %u of %u not done"),
                                                     stipple_zone_get_name (z), p + 1, plan.n_passes);
            g_strv_builder_add (builder, line);
          }
    }

  return g_strv_builder_end (builder);
}

void
stipple_treatment_page_end_clicked_cb (StippleTreatmentPage *self)
{
  g_auto(GStrv) unfinished = stipple_treatment_page_dup_unfinished (self);
  g_autoptr(GString) body = g_string_new (_("An ended session cannot be treated further; "
                                            "its record is then final."));
  GtkWidget *dialog;

  /* Ending is for good: never on one click, and never with a pass of the
   * plan forgotten without saying so. */
  if (unfinished[0] != NULL)
    {
      g_autofree char *lines = g_strjoinv ("\n", unfinished);

      g_string_append (body, "\n\n");
      g_string_append (body, _("Not done yet:"));
      g_string_append_c (body, '\n');
      g_string_append (body, lines);
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("End the Session?"), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Treating"),
                                    "end", _("_End Session"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "end",
                                              unfinished[0] != NULL ? ADW_RESPONSE_DESTRUCTIVE
                                                                    : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (end_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}
