/* stipple-treatment-page.c
 *
 * The treatment screen: the zones, the selected zone's plan and whether
 * the pen holds it, the needle's start and stop, the live graphs and the
 * notes. Every rule lives in StippleTreatment; this page shows its state
 * and passes the clinician's choices to it. This file holds the object
 * and its construction, what the pen holds (verification, arming, lost
 * samples, the strokes counted) and the notes; the zones and the plan
 * editor are in stipple-treatment-page-plan.c, ending the session in
 * stipple-treatment-page-end.c, and stipple-treatment-page-private.h is
 * what they share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-treatment-page"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-a11y.h"
#include "stipple-skin-response.h"
#include "stipple-treatment-page-private.h"

G_DEFINE_FINAL_TYPE (StippleTreatmentPage, stipple_treatment_page, GTK_TYPE_WIDGET)

enum {
  SIGNAL_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------
 * What the pen holds
 * ------------------------------------------------------------------------ */

void
stipple_treatment_page_update_verification (StippleTreatmentPage *self)
{
  StippleVerification verification = stipple_treatment_get_verification (self->treatment);
  const char *message = stipple_treatment_get_verification_message (self->treatment);
  gboolean armed = stipple_treatment_get_armed (self->treatment);
  gboolean ended = stipple_treatment_get_ended (self->treatment);
  StippleZone zone = stipple_treatment_get_zone (self->treatment);
  g_autofree char *text = NULL;
  const char *icon = "dialog-question-symbolic";
  const char *style = "neutral";
  StippleZonePlan plan;

  switch (verification)
    {
    case STIPPLE_VERIFICATION_VERIFIED:
      {
        guint pass = MAX (stipple_treatment_get_pass (self->treatment), 1);
        g_autofree char *depth = NULL;

        stipple_treatment_get_plan (self->treatment, zone, &plan);
        depth = stipple_treatment_page_format_mm (plan.depth_um[pass - 1]);
        text = g_strdup_printf (_("Applied and verified: %s, pass %u of %u"),
                                depth, stipple_treatment_get_pass (self->treatment), plan.n_passes);
        icon = "emblem-ok-symbolic";
        style = "success";
      }
      break;

    case STIPPLE_VERIFICATION_PUSHING:
      text = g_strdup (_("Sending to the pen and reading it back…"));
      icon = "content-loading-symbolic";
      break;

    case STIPPLE_VERIFICATION_FAILED:
      text = g_strdup_printf (_("Not applied: %s"), message ? message : _("the pen did not confirm"));
      icon = "dialog-error-symbolic";
      style = "error";
      break;

    case STIPPLE_VERIFICATION_NONE:
    default:
      if (ended)
        text = g_strdup (_("The session has ended."));
      else if (stipple_zone_get_info (zone) == NULL)
        text = g_strdup (_("Nothing sent to the pen yet."));
      else if (!stipple_treatment_get_plan (self->treatment, zone, &plan))
        text = g_strdup (_("Not applied: this zone has no plan yet."));
      else
        text = g_strdup_printf (_("Not applied: %s"), message ? message : _("nothing sent"));
      icon = "dialog-warning-symbolic";
      style = "warning";
      break;
    }

  gtk_label_set_text (self->verification_label, text);
  gtk_image_set_from_icon_name (self->verification_icon, icon);
  gtk_widget_remove_css_class (self->verification_box, "success");
  gtk_widget_remove_css_class (self->verification_box, "error");
  gtk_widget_remove_css_class (self->verification_box, "warning");
  gtk_widget_remove_css_class (self->verification_box, "neutral");
  gtk_widget_add_css_class (self->verification_box, style);

  gtk_button_set_label (self->arm_button, armed ? _("_Stop Needle") : _("_Start Needle"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->arm_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  armed ? _("Stop Needle") : _("Start Needle"), -1);
  stipple_a11y_name_once (GTK_WIDGET (self->arm_button));
  gtk_widget_set_sensitive (GTK_WIDGET (self->arm_button),
                            !ended && (armed || verification == STIPPLE_VERIFICATION_VERIFIED));
  if (armed)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->arm_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->arm_button), "destructive-action");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->arm_button), "destructive-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->arm_button), "suggested-action");
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->end_button),
                            !ended && !stipple_treatment_get_ending (self->treatment));

  if (verification == STIPPLE_VERIFICATION_VERIFIED)
    {
      stipple_treatment_get_plan (self->treatment, zone, &plan);
      stipple_strip_chart_set_commanded_depth (self->chart,
                                               plan.depth_um[MAX (stipple_treatment_get_pass (self->treatment), 1) - 1]);
    }
  stipple_strip_chart_set_depth_limit (self->chart, stipple_treatment_get_limit (self->treatment, zone));
}

/* "This Zone" beside the graphs counts what the zone list, the summary
 * and the report count: the session's strokes and time in the zone. */
static void
update_zone_totals (StippleTreatmentPage *self)
{
  StippleZone zone = stipple_treatment_get_zone (self->treatment);

  stipple_strip_chart_set_zone_totals (self->chart, stipple_treatment_get_strokes (self->treatment, zone),
                                       stipple_treatment_get_time_in_zone (self->treatment, zone));
}

static void
zone_changed_cb (StippleTreatmentPage *self)
{
  StippleZone zone = stipple_treatment_get_zone (self->treatment);

  if (stipple_zone_get_info (zone) != NULL && self->zone_rows[zone] != NULL)
    gtk_list_box_select_row (self->zone_list, self->zone_rows[zone]);
  stipple_face_map_set_selected_zone (self->face_map, zone);
  stipple_strip_chart_reset_zone (self->chart);
  /* The old zone's depth is no longer commanded: the graph shows the new
   * zone's once the pen holds it. */
  stipple_strip_chart_set_commanded_depth (self->chart, 0);
  update_zone_totals (self);
  stipple_treatment_page_load_editor (self);
  stipple_treatment_page_update_verification (self);
}

static void
plan_changed_cb (StippleTreatmentPage *self,
                 guint                 zone)
{
  stipple_treatment_page_update_zone_row (self, zone);
  if (zone == stipple_treatment_get_zone (self->treatment))
    stipple_treatment_page_load_editor (self);
}

/* Loss is never silent: shown while it happens, and for the rest of the
 * session. */
static void
update_loss (StippleTreatmentPage *self)
{
  guint64 lost = stipple_treatment_get_samples_lost (self->treatment);
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->loss_label), lost > 0);
  if (lost == 0)
    return;

  count = g_strdup_printf ("%" G_GUINT64_FORMAT, lost);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s needle sample lost in this session",
                                       "%s needle samples lost in this session",
                                       (gulong) MIN (lost, G_MAXULONG)),
                          count);
  gtk_label_set_text (self->loss_label, text);
}

static gboolean
flush_strokes_cb (gpointer user_data)
{
  StippleTreatmentPage *self = user_data;
  guint64 dirty = self->strokes_dirty;

  self->strokes_dirty = 0;
  self->strokes_flush_id = 0;
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    if (dirty & (G_GUINT64_CONSTANT (1) << z))
      {
        stipple_treatment_page_update_zone_row (self, z);
        if (z == stipple_treatment_get_zone (self->treatment))
          update_zone_totals (self);
      }

  return G_SOURCE_REMOVE;
}

/* Strokes come a hundred times a second: the zone's row, the face map
 * and the figures say them at most a few times a second. Every change of
 * their text is news to a screen reader, and a flood of it kept the
 * treatment screen's accessibility tree from being read at all. */
#define STROKES_SHOWN_EVERY_MS 400

static void
strokes_changed_cb (StippleTreatmentPage *self,
                    guint                 zone)
{
  G_STATIC_ASSERT (STIPPLE_N_ZONES <= 64);

  self->strokes_dirty |= G_GUINT64_CONSTANT (1) << zone;
  if (self->strokes_flush_id == 0)
    self->strokes_flush_id = g_timeout_add (STROKES_SHOWN_EVERY_MS, flush_strokes_cb, self);
}

static void
arm_ready_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StippleTreatmentPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!stipple_treatment_arm_finish (STIPPLE_TREATMENT (object), result, &error))
    stipple_treatment_page_show_plan_error (self, error->message);
  stipple_treatment_page_update_verification (self);
}

static void
arm_clicked_cb (StippleTreatmentPage *self)
{
  stipple_treatment_page_show_plan_error (self, NULL);
  if (stipple_treatment_get_armed (self->treatment))
    stipple_treatment_stop (self->treatment, STIPPLE_STOP_CLINICIAN);
  else
    stipple_treatment_arm_async (self->treatment, NULL, arm_ready_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------------
 * Notes
 * ------------------------------------------------------------------------ */

/* The treatment owns the notes and their savers: the page passes what
 * is typed, and says whether it is saved. */
static void
note_changed_cb (GtkTextBuffer        *buffer,
                 StippleTreatmentPage *self)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  StippleNoteKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (buffer), "stipple-note-kind"));

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  stipple_treatment_set_note (self->treatment, kind, text);
}

static void
note_pending_cb (StippleTreatmentPage *self)
{
  gboolean pending = stipple_treatment_get_notes_pending (self->treatment);

  gtk_label_set_text (self->note_status, pending ? _("Saving…") : _("All notes saved"));
}

static void
note_failed_cb (StippleTreatmentPage *self,
                const GError         *error)
{
  g_autofree char *text = g_strdup_printf (_("Notes not saved: %s"), error->message);

  gtk_label_set_text (self->note_status, text);
}

static void
setup_note (StippleTreatmentPage *self,
            GtkTextView          *view,
            StippleNoteKind       kind,
            const char           *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);

  gtk_text_buffer_set_text (buffer, text ? text : "", -1);
  g_object_set_data (G_OBJECT (buffer), "stipple-note-kind", GINT_TO_POINTER (kind));
  g_signal_connect_object (buffer, "changed", G_CALLBACK (note_changed_cb), self, 0);
}

/**
 * stipple_treatment_page_flush_notes:
 * @self: a #StippleTreatmentPage
 * @error: return location for a #GError
 *
 * Writes whatever of the notes is not saved yet, now, through the
 * treatment.
 *
 * Returns: %TRUE when every note is in the patient file
 */
gboolean
stipple_treatment_page_flush_notes (StippleTreatmentPage  *self,
                                    GError               **error)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT_PAGE (self), FALSE);

  return stipple_treatment_flush_notes (self->treatment, error);
}

/* ------------------------------------------------------------------------
 * Object
 * ------------------------------------------------------------------------ */

void
stipple_treatment_page_emit_ended (StippleTreatmentPage *self)
{
  g_signal_emit (self, signals[SIGNAL_ENDED], 0);
}

/**
 * stipple_treatment_page_new:
 * @treatment: the session being treated
 *
 * Returns: (transfer full): a new treatment page
 */
GtkWidget *
stipple_treatment_page_new (StippleTreatment *treatment)
{
  StippleTreatmentPage *self;
  const StippleSession *session;

  g_return_val_if_fail (STIPPLE_IS_TREATMENT (treatment), NULL);

  self = g_object_new (STIPPLE_TYPE_TREATMENT_PAGE, NULL);
  self->treatment = g_object_ref (treatment);
  session = stipple_treatment_get_session (treatment);

  stipple_treatment_page_build_zone_list (self);
  adw_combo_row_set_selected (self->thickness_row, stipple_treatment_get_thickness (treatment));
  g_signal_connect_swapped (self->thickness_row, "notify::selected",
                            G_CALLBACK (stipple_treatment_page_thickness_changed_cb), self);
  gtk_box_append (self->inspector, stipple_skin_response_new (treatment));
  setup_note (self, self->note_before, STIPPLE_NOTE_BEFORE, session->note_before);
  setup_note (self, self->note_after, STIPPLE_NOTE_AFTER, session->note_after);
  g_signal_connect_object (treatment, "notify::notes-pending", G_CALLBACK (note_pending_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "notes-failed", G_CALLBACK (note_failed_cb), self,
                           G_CONNECT_SWAPPED);
  note_pending_cb (self);

  /* The treatment owns the ring and the pen's tap into it; it outlives
   * the chart, which goes with this page's template. */
  stipple_strip_chart_set_ring (self->chart, stipple_treatment_get_ring (treatment));

  g_signal_connect_object (treatment, "notify::zone", G_CALLBACK (zone_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "notify::pass",
                           G_CALLBACK (stipple_treatment_page_update_verification), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "notify::verification",
                           G_CALLBACK (stipple_treatment_page_update_verification), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "notify::armed",
                           G_CALLBACK (stipple_treatment_page_update_verification), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "notify::ended",
                           G_CALLBACK (stipple_treatment_page_update_verification), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "plan-changed", G_CALLBACK (plan_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "strokes-changed", G_CALLBACK (strokes_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (treatment, "notify::samples-lost", G_CALLBACK (update_loss), self,
                           G_CONNECT_SWAPPED);

  stipple_treatment_page_load_editor (self);
  stipple_treatment_page_update_verification (self);
  update_loss (self);

  return GTK_WIDGET (self);
}

/**
 * stipple_treatment_page_get_treatment:
 * @self: a #StippleTreatmentPage
 *
 * Returns: (transfer none): the session being treated
 */
StippleTreatment *
stipple_treatment_page_get_treatment (StippleTreatmentPage *self)
{
  g_return_val_if_fail (STIPPLE_IS_TREATMENT_PAGE (self), NULL);

  return self->treatment;
}

static void
stipple_treatment_page_dispose (GObject *object)
{
  StippleTreatmentPage *self = STIPPLE_TREATMENT_PAGE (object);

  g_clear_handle_id (&self->strokes_flush_id, g_source_remove);
  /* What is typed reaches the patient file even if the treatment lives
   * on without this page. */
  if (self->treatment != NULL)
    stipple_treatment_flush_notes (self->treatment, NULL);

  /* The chart reads the treatment's ring: not after this. */
  if (self->chart != NULL)
    stipple_strip_chart_set_ring (self->chart, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), STIPPLE_TYPE_TREATMENT_PAGE);

  g_clear_object (&self->treatment);

  G_OBJECT_CLASS (stipple_treatment_page_parent_class)->dispose (object);
}

static void
stipple_treatment_page_class_init (StippleTreatmentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_treatment_page_dispose;

  /**
   * StippleTreatmentPage::ended:
   *
   * The clinician ended the session, and its end is recorded.
   */
  signals[SIGNAL_ENDED] =
    g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/stipple-treatment-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, content);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, inspector);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, face_map_slot);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, chart_slot);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, zone_title);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, zone_limits);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, verification_box);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, verification_icon);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, verification_label);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, loss_label);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, arm_button);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, passes_spin);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, rate_spin);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, depth_group);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, plan_error);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, apply_button);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, pass_spin);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, indication_row);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, thickness_row);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, preset_row);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, note_before);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, note_after);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, note_status);
  gtk_widget_class_bind_template_child (widget_class, StippleTreatmentPage, end_button);
  gtk_widget_class_bind_template_callback (widget_class, arm_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, stipple_treatment_page_apply_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, stipple_treatment_page_passes_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stipple_treatment_page_pass_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stipple_treatment_page_preset_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, stipple_treatment_page_end_clicked_cb);
}

static void
stipple_treatment_page_init (StippleTreatmentPage *self)
{
  g_autoptr(GtkStringList) indications = gtk_string_list_new (NULL);

  g_type_ensure (STIPPLE_TYPE_STRIP_CHART);
  gtk_widget_init_template (GTK_WIDGET (self));
  stipple_a11y_name_buttons_once (GTK_WIDGET (self));
  stipple_a11y_name_row (GTK_WIDGET (self->indication_row), NULL);
  stipple_a11y_name_row (GTK_WIDGET (self->thickness_row), NULL);
  stipple_a11y_name_row (self->preset_row, _("_Fill All Zones"));


  self->chart = STIPPLE_STRIP_CHART (stipple_strip_chart_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->chart), TRUE);
  gtk_box_append (self->chart_slot, GTK_WIDGET (self->chart));

  for (guint i = 0; i < STIPPLE_N_INDICATIONS; i++)
    gtk_string_list_append (indications, stipple_indication_get_name (i));
  adw_combo_row_set_model (self->indication_row, G_LIST_MODEL (indications));

  for (guint p = 0; p < STIPPLE_MAX_PASSES; p++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *spin = gtk_spin_button_new_with_range (0.05, STIPPLE_ZONE_LIMIT_CEILING_UM / 1000.0, 0.05);
      g_autofree char *title = g_strdup_printf (_("Pass %u"), p + 1);
      g_autofree char *label = g_strdup_printf (_("Depth of pass %u, millimetres"), p + 1);

      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 2);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      adw_preferences_group_add (self->depth_group, row);
      self->depth_spins[p] = GTK_SPIN_BUTTON (spin);
      self->depth_rows[p] = row;
    }
}
