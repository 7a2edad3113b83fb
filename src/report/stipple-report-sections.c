/* stipple-report-sections.c
 *
 * The report's sections, in the order they are drawn: the title, the
 * patient and session details, the screening, the zones treated, the
 * face map, the photographs, the graphs, notes and audit events, the
 * aftercare and the signature.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-report"

#include "config.h"

#include <math.h>

#include "stipple-aftercare.h"
#include "stipple-i18n.h"
#include "stipple-report-photos.h"
#include "stipple-report-private.h"

/* ------------------------------------------------------------------------
 * Sections
 * ------------------------------------------------------------------------ */

static void
section_title (Renderer *r)
{
  const StippleReportData *d = r->data;
  const char *title = r->kind == STIPPLE_REPORT_CHART
    ? _("Microneedling session record")
    : _("Your microneedling treatment");

  stipple_report_flow_text (r, TITLE_FONT, title, 0);
  if (d->clinic_name != NULL && *d->clinic_name != '\0')
    stipple_report_flow_text (r, "Sans Bold 10", d->clinic_name, 0);
  if (d->clinic_address != NULL && *d->clinic_address != '\0')
    stipple_report_flow_text (r, BODY_FONT, d->clinic_address, 0);
  r->y += GAP;
}

static void
section_details (Renderer *r)
{
  const StippleReportData *d = r->data;
  g_autofree char *dob = stipple_report_format_date (d->date_of_birth);
  g_autofree char *start = stipple_report_format_time (d->session_start);
  g_autofree char *end = stipple_report_format_time (d->session_end);
  g_autofree char *session = g_strdup_printf (_("%s to %s"), start, end);
  g_autoptr(GString) serums = g_string_new (NULL);

  stipple_report_field (r, _("Patient"), d->patient_name);
  stipple_report_field (r, _("Date of birth"), dob);
  stipple_report_field (r, _("Record number"), d->record_number);
  /* Both copies: what was known about the patient when they were treated
   * is part of the record, and the patient checks it too. */
  stipple_report_field (r, _("Allergies"), d->allergies != NULL && *d->allergies != '\0'
                                           ? d->allergies : _("None recorded"));
  if (d->fitzpatrick >= 1 && d->fitzpatrick <= 6)
    {
      static const char *roman[] = { "", "I", "II", "III", "IV", "V", "VI" };
      g_autofree char *skin = d->fitzpatrick >= 4
        ? g_strdup_printf ("%s — %s", roman[d->fitzpatrick],
                           _("Higher risk of post-inflammatory hyperpigmentation"))
        : g_strdup (roman[d->fitzpatrick]);

      stipple_report_field (r, _("Fitzpatrick skin type"), skin);
    }
  stipple_report_field (r, _("Session"), session);
  stipple_report_field (r, _("Clinician"), d->clinician);

  for (guint i = 0; i < d->serums->len; i++)
    {
      const StippleReportSerum *serum = g_ptr_array_index (d->serums, i);

      if (serums->len > 0)
        g_string_append (serums, "\n");
      if (serum->lot != NULL && *serum->lot != '\0')
        g_string_append_printf (serums, _("%s, lot %s"), serum->product, serum->lot);
      else
        g_string_append (serums, serum->product);
    }
  stipple_report_field (r, _("Serums"), serums->len > 0 ? serums->str : C_("no serum", "None"));

  if (r->kind != STIPPLE_REPORT_CHART)
    return;

  {
    g_autofree char *pen = g_strdup_printf (_("serial %s, firmware %s"),
                                            d->pen_serial ? d->pen_serial : "—",
                                            d->pen_firmware ? d->pen_firmware : "—");
    g_autofree char *cartridge = g_strdup_printf (_("%s, lot %s"),
                                                  d->cartridge_id ? d->cartridge_id : "—",
                                                  d->cartridge_lot ? d->cartridge_lot : "—");
    g_autofree char *applied = stipple_report_format_time (d->anaesthetic_applied);
    g_autofree char *anaesthetic = d->anaesthetic
      ? g_strdup_printf (_("%s, applied %s"), d->anaesthetic, applied)
      : g_strdup (C_("no anaesthetic", "None"));

    stipple_report_field (r, _("Pen"), pen);
    stipple_report_field (r, _("Cartridge"), cartridge);
    stipple_report_field (r, _("Topical anaesthetic"), anaesthetic);
  }

  if (d->samples_lost > 0)
    {
      g_autofree char *episodes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "%u episode", "%u episodes",
                                                                d->loss_episodes),
                                                   d->loss_episodes);
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, d->samples_lost);
      /* Translators: the first %s is a number of samples, the second
       * "1 episode" or "3 episodes". */
      g_autofree char *lost = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%s needle sample was lost in %s.",
                                                            "%s needle samples were lost in %s.",
                                                            (gulong) MIN (d->samples_lost, G_MAXULONG)),
                                               count, episodes);

      stipple_report_flow_text (r, BODY_FONT, lost, 0);
    }
}

static void
section_screening (Renderer *r)
{
  const StippleReportData *d = r->data;
  g_autoptr(GString) yes = g_string_new (NULL);
  guint n_no = 0;
  g_autofree char *consent_date = stipple_report_format_date (d->consent_date);

  stipple_report_heading (r, _("Screening and consent"));

  for (guint i = 0; i < d->screening->len; i++)
    {
      const StippleReportScreening *item = g_ptr_array_index (d->screening, i);

      if (!item->answer)
        {
          n_no++;
          continue;
        }
      if (yes->len > 0)
        g_string_append (yes, "\n");
      g_string_append_printf (yes, item->stop ? _("Yes (contraindication): %s") : _("Yes (caution): %s"),
                              item->question);
    }

  if (d->screening->len == 0)
    stipple_report_field (r, _("Screening"), _("Not recorded"));
  else
    {
      g_autofree char *summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "%u question answered no",
                                                               "%u questions answered no",
                                                               n_no), n_no);
      if (yes->len > 0)
        stipple_report_field (r, _("Answered yes"), yes->str);
      stipple_report_field (r, _("Screening"), summary);
    }
  if (d->override_reason != NULL && *d->override_reason != '\0')
    stipple_report_field (r, _("Treated despite a contraindication because"), d->override_reason);

  stipple_report_field (r, _("Consent to treatment"),
                        d->consent_treatment ? consent_date : _("Not given"));
  stipple_report_field (r, _("Consent to photographs"),
                        d->consent_photographs ? consent_date
                        : d->photographs_asked ? C_("photographs", "Refused")
                        : C_("photographs", "Not asked"));
}

/* A column heading breaks between words only ("Frequenz", never
 * "Freque-nz"): where its longest word is wider than the column, the
 * heading is set smaller until that word fits. */
static PangoLayout *
make_header_layout (Renderer   *r,
                    const char *text,
                    double      width)
{
  double size = 8.5;
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  PangoLayout *layout;

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autoptr(PangoLayout) word = stipple_report_make_layout (r, "Sans Bold 8.5", -1);
      int w;

      pango_layout_set_text (word, words[i], -1);
      pango_layout_get_size (word, &w, NULL);
      if (pango_units_to_double (w) > width)
        size = MIN (size, 8.5 * width / pango_units_to_double (w));
    }

  {
    /* Pango reads the size with a point, whatever the locale. */
    char number[G_ASCII_DTOSTR_BUF_SIZE];
    g_autofree char *font = g_strconcat ("Sans Bold ",
                                         g_ascii_formatd (number, sizeof number, "%.2f",
                                                          MAX (size * 0.98, 5.0)), NULL);

    layout = stipple_report_make_layout (r, font, width);
  }
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_set_text (layout, text, -1);

  return layout;
}

static void
zone_row (Renderer      *r,
          const double  *columns,
          guint          n_columns,
          const char   **cells,
          gboolean       header)
{
  const char *font = header ? "Sans Bold 8.5" : "Sans 8.5";
  double height = 0;
  PangoLayout *layouts[8];

  g_assert (n_columns <= G_N_ELEMENTS (layouts));

  for (guint c = 0; c < n_columns; c++)
    {
      int h;
      double width = (c + 1 < n_columns ? columns[c + 1] : r->right - r->left) - columns[c] - 4;

      if (header)
        layouts[c] = make_header_layout (r, cells[c], width);
      else
        {
          layouts[c] = stipple_report_make_layout (r, font, width);
          pango_layout_set_text (layouts[c], cells[c], -1);
        }
      pango_layout_get_size (layouts[c], NULL, &h);
      height = MAX (height, pango_units_to_double (h));
    }

  stipple_report_ensure_space (r, height + 4);
  if (header)
    {
      cairo_set_source_rgb (r->cr, 0.92, 0.92, 0.92);
      cairo_rectangle (r->cr, r->left, r->y, r->right - r->left, height + 4);
      cairo_fill (r->cr);
      cairo_set_source_rgb (r->cr, 0, 0, 0);
    }
  for (guint c = 0; c < n_columns; c++)
    {
      cairo_move_to (r->cr, r->left + columns[c] + 2, r->y + 2);
      pango_cairo_show_layout (r->cr, layouts[c]);
      g_object_unref (layouts[c]);
    }
  r->y += height + 4;
  cairo_set_source_rgb (r->cr, 0.75, 0.75, 0.75);
  cairo_set_line_width (r->cr, 0.4);
  cairo_move_to (r->cr, r->left, r->y);
  cairo_line_to (r->cr, r->right, r->y);
  cairo_stroke (r->cr);
  cairo_set_source_rgb (r->cr, 0, 0, 0);
}

static void
section_zones (Renderer *r)
{
  const StippleReportData *d = r->data;
  double width = r->right - r->left;
  const double chart_columns[] = { 0, 0.20, 0.42, 0.52, 0.64, 0.74, 0.85 };
  const double patient_columns[] = { 0, 0.35, 0.75 };
  gboolean chart = r->kind == STIPPLE_REPORT_CHART;
  const double *fractions = chart ? chart_columns : patient_columns;
  guint n_columns = chart ? G_N_ELEMENTS (chart_columns) : G_N_ELEMENTS (patient_columns);
  double columns[G_N_ELEMENTS (chart_columns)];
  const char *chart_header[] = {
    _("Zone"), _("Depth per pass"), _("Rate"), _("Passes"), _("Strokes"), _("Time in zone"),
    _("Out of tolerance"),
  };
  const char *patient_header[] = { _("Area"), _("Needle depth"), _("Passes") };

  for (guint c = 0; c < n_columns; c++)
    columns[c] = fractions[c] * width;

  stipple_report_heading (r, chart ? _("Zones treated") : _("Areas treated"));
  if (d->zones->len == 0)
    {
      stipple_report_flow_text (r, BODY_FONT, _("No zone was treated."), 0);
      return;
    }

  zone_row (r, columns, n_columns, chart ? chart_header : patient_header, TRUE);
  for (guint i = 0; i < d->zones->len; i++)
    {
      const StippleReportZone *z = &g_array_index (d->zones, StippleReportZone, i);
      g_autoptr(GString) depths = g_string_new (NULL);
      g_autofree char *rate = g_strdup_printf (_("%u/s"), z->rate_hz);
      /* Passes done out of passes planned; a record from before passes
       * were logged can only say what was planned. */
      g_autofree char *passes = z->passes_known
        ? (chart
           /* Translators: passes done of passes planned, "1 of 2" */
           ? g_strdup_printf (_("%u of %u"), z->passes_done, z->n_passes)
           : g_strdup_printf ("%u", z->passes_done))
        : g_strdup_printf ("%u", z->n_passes);
      g_autofree char *strokes = g_strdup_printf ("%u", z->strokes);
      g_autofree char *time = stipple_report_format_duration (z->time_in_zone_us);
      g_autofree char *oot = g_strdup_printf ("%u", z->out_of_tolerance);
      const char *name = stipple_zone_get_name (z->zone);
      guint max_depth = 0;

      for (guint p = 0; p < MIN (z->n_passes, STIPPLE_MAX_PASSES); p++)
        {
          g_autofree char *depth = stipple_report_format_depth (z->depth_um[p]);

          if (p > 0)
            g_string_append (depths, " · ");
          g_string_append (depths, depth);
          max_depth = MAX (max_depth, z->depth_um[p]);
        }
      if (chart && z->limit_um > 0 && max_depth > z->limit_um)
        {
          g_autofree char *limit = stipple_report_format_depth (z->limit_um);
          g_string_append_printf (depths, "\n");
          g_string_append_printf (depths, _("above the zone limit of %s"), limit);
        }

      if (chart)
        {
          const char *cells[] = { name ? name : "?", depths->str, rate, passes, strokes, time, oot };
          zone_row (r, columns, n_columns, cells, FALSE);
        }
      else
        {
          const char *cells[] = { name ? name : "?", depths->str, passes };
          zone_row (r, columns, n_columns, cells, FALSE);
        }
    }
}

/* A vector graph of a decimated series: one band from min to max per
 * column, so the file stays small however many strokes there were. */
typedef char *(*FormatValue) (double value);

static char *
format_mm (double mm)
{
  return g_strdup_printf (_("%.2f mm"), mm);
}

static char *
format_rate (double rate)
{
  return g_strdup_printf (_("%.0f/s"), rate);
}

static void
draw_series (Renderer     *r,
             const char   *title,
             const GArray *series,
             double        scale,
             FormatValue   format_value)
{
  const double height = 120, axis = 42;
  double x0 = r->left + axis, x1 = r->right, y0, y1;
  double t_max = 0, v_max = 0;

  stipple_report_ensure_space (r, height + 50);
  stipple_report_flow_text (r, "Sans Bold 9", title, 0);
  y0 = r->y + 4;
  y1 = y0 + height;

  for (guint i = 0; i < series->len; i++)
    {
      const StippleReportPoint *p = &g_array_index (series, StippleReportPoint, i);
      t_max = MAX (t_max, p->t_s);
      v_max = MAX (v_max, p->max * scale);
    }
  v_max = v_max > 0 ? ceil (v_max * 1.1 * 4) / 4 : 1;
  t_max = MAX (t_max, 1);

  /* Axes and grid */
  cairo_set_line_width (r->cr, 0.4);
  cairo_set_source_rgb (r->cr, 0.8, 0.8, 0.8);
  for (int g = 0; g <= 4; g++)
    {
      double y = y1 - (y1 - y0) * g / 4.0;
      cairo_move_to (r->cr, x0, y);
      cairo_line_to (r->cr, x1, y);
    }
  cairo_stroke (r->cr);
  cairo_set_source_rgb (r->cr, 0.3, 0.3, 0.3);
  for (int g = 0; g <= 4; g++)
    {
      double y = y1 - (y1 - y0) * g / 4.0;
      g_autofree char *label = format_value (v_max * g / 4.0);

      stipple_report_draw_text_at (r, "Sans 7", label, r->left, y - 5, axis - 4, PANGO_ALIGN_RIGHT);
    }
  for (int g = 0; g <= 4; g++)
    {
      double x = x0 + (x1 - x0) * g / 4.0;
      /* Short sessions in seconds, so no two labels read the same. */
      g_autofree char *label = t_max < 300
        ? g_strdup_printf (_("%.0f s"), t_max * g / 4.0)
        : g_strdup_printf (_("%.0f min"), t_max * g / 4.0 / 60.0);

      /* The last label ends at the axis' end, inside the margin. */
      if (g == 4)
        stipple_report_draw_text_at (r, "Sans 7", label, x - 60, y1 + 2, 60, PANGO_ALIGN_RIGHT);
      else
        stipple_report_draw_text_at (r, "Sans 7", label, x - 30, y1 + 2, 60, PANGO_ALIGN_CENTER);
    }

  if (series->len == 0)
    {
      stipple_report_draw_text_at (r, BODY_FONT, _("No telemetry was recorded."),
                                   x0, (y0 + y1) / 2 - 6, x1 - x0, PANGO_ALIGN_CENTER);
    }
  else
    {
      /* Columns further apart than a few columns' width are minutes the
       * needle stood still: each run of strokes is its own band, never a
       * line drawn across the idle time. */
      double gap_s = MAX (4.0 * t_max / STIPPLE_REPORT_GRAPH_COLUMNS, 2.0);
      guint start = 0;

      cairo_set_source_rgb (r->cr, 0.0, 0.447, 0.698);
      cairo_set_line_width (r->cr, 0.6);
      while (start < series->len)
        {
          guint end = start + 1;

          while (end < series->len &&
                 g_array_index (series, StippleReportPoint, end).t_s -
                 g_array_index (series, StippleReportPoint, end - 1).t_s <= gap_s)
            end++;

          for (guint i = start; i < end; i++)
            {
              const StippleReportPoint *p = &g_array_index (series, StippleReportPoint, i);
              double x = x0 + (x1 - x0) * p->t_s / t_max;
              double y = y1 - (y1 - y0) * p->max * scale / v_max;

              if (i == start)
                cairo_move_to (r->cr, x, y);
              else
                cairo_line_to (r->cr, x, y);
            }
          for (guint i = end; i-- > start;)
            {
              const StippleReportPoint *p = &g_array_index (series, StippleReportPoint, i);
              double x = x0 + (x1 - x0) * p->t_s / t_max;
              double y = y1 - (y1 - y0) * p->min * scale / v_max;

              cairo_line_to (r->cr, x, y);
            }
          cairo_close_path (r->cr);
          cairo_fill_preserve (r->cr);
          cairo_stroke (r->cr);
          start = end;
        }
    }
  cairo_set_source_rgb (r->cr, 0, 0, 0);
  r->y = y1 + 16;
}

/* The face map as the clinician saw it: each treated zone in its depth's
 * colour, labelled with its depth, zones past their limit hatched. */
static void
section_face (Renderer *r)
{
  const StippleReportData *d = r->data;
  const double height = 250;
  StippleFaceDrawing drawing;

  if (d->face == NULL)
    return;

  stipple_face_drawing_init (&drawing);
  for (guint i = 0; i < d->zones->len; i++)
    {
      const StippleReportZone *z = &g_array_index (d->zones, StippleReportZone, i);

      for (guint p = 0; p < MIN (z->n_passes, STIPPLE_MAX_PASSES); p++)
        drawing.depth_um[z->zone] = MAX (drawing.depth_um[z->zone], z->depth_um[p]);
      drawing.limit_um[z->zone] = r->kind == STIPPLE_REPORT_CHART ? z->limit_um : 0;
    }
  drawing.labels = TRUE;
  /* "No plan", "Above limit": the clinician's words, not the patient's. */
  drawing.legend = r->kind == STIPPLE_REPORT_CHART;

  stipple_report_ensure_space (r, height + 10);
  cairo_save (r->cr);
  cairo_translate (r->cr, r->left, r->y);
  stipple_face_draw (d->face, r->cr, MIN (r->right - r->left, 420), height, &drawing);
  cairo_restore (r->cr);
  cairo_set_source_rgb (r->cr, 0, 0, 0);
  r->y += height + 10;
}

static void
section_graphs (Renderer *r)
{
  stipple_report_heading (r, _("Depth and stroke rate over the session"));
  if (r->data->telemetry_unreadable != NULL)
    {
      stipple_report_flow_text (r, BODY_FONT, r->data->telemetry_unreadable, 0);
      return;
    }
  draw_series (r, _("Depth reached per stroke"), r->data->depth_series, 1 / 1000.0, format_mm);
  draw_series (r, _("Stroke rate"), r->data->rate_series, 1.0, format_rate);
  if (r->data->telemetry_missing != NULL)
    stipple_report_flow_text (r, BODY_FONT, r->data->telemetry_missing, 0);
  if (r->data->telemetry_thinned_at != NULL)
    {
      g_autofree char *text =
        g_strdup_printf (_("Drawn from the per-stroke record: after the clinic’s retention "
                           "period, the full-rate needle data was thinned to the depth and "
                           "time of every stroke on %.10s."), r->data->telemetry_thinned_at);

      stipple_report_flow_text (r, BODY_FONT, text, 0);
    }
}

static void
section_notes (Renderer *r)
{
  const StippleReportData *d = r->data;
  static const char *grades[] = {
    NC_("redness grade", "none"), NC_("redness grade", "mild"),
    NC_("redness grade", "moderate"), NC_("redness grade", "marked"),
  };

  stipple_report_heading (r, _("Notes"));
  stipple_report_field (r, _("Before"), d->notes_before);
  stipple_report_field (r, _("After"), d->notes_after);
  /* Added after the seal: each with when and by whom, never merged into
   * the notes as they were when the session ended. */
  for (guint i = 0; i < d->addenda->len; i++)
    {
      const StippleReportAddendum *addendum = g_ptr_array_index (d->addenda, i);
      g_autofree char *when = stipple_report_format_time (addendum->written_at);
      g_autofree char *value = NULL;

      value = addendum->to_note_before
        /* Translators: "03/12/2026 14:03, Dr Second, to the note before: <text>" */
        ? g_strdup_printf (_("%s, %s, to the note before: %s"), when, addendum->author,
                           addendum->text)
        /* Translators: "03/12/2026 14:03, Dr Second, to the note after: <text>" */
        : g_strdup_printf (_("%s, %s, to the note after: %s"), when, addendum->author,
                           addendum->text);
      stipple_report_field (r, _("Addendum"), value);
    }
  stipple_report_field (r, _("Erythema"),
                        d->erythema_grade >= 0 && d->erythema_grade < (int) G_N_ELEMENTS (grades)
                          ? C_("redness grade", grades[d->erythema_grade])
                          : _("Not recorded"));
  stipple_report_field (r, _("Pinpoint bleeding"), d->pinpoint_bleeding ? _("Yes") : _("No"));
  stipple_report_field (r, _("Aftercare given"), d->aftercare_given);
}

static void
section_events (Renderer *r)
{
  const StippleReportData *d = r->data;

  stipple_report_heading (r, _("Confirmations and faults"));
  if (d->events->len == 0)
    {
      stipple_report_flow_text (r, BODY_FONT,
                                _("No setting above a zone limit was confirmed and no fault occurred."),
                                0);
      return;
    }
  for (guint i = 0; i < d->events->len; i++)
    {
      const StippleReportEvent *event = g_ptr_array_index (d->events, i);
      g_autofree char *when = g_date_time_format (event->time, "%H:%M:%S");
      g_autofree char *label = g_strdup_printf ("%s %s", when,
                                                event->fault ? _("Fault") : _("Confirmed"));

      stipple_report_field (r, label, event->what);
    }
}

static double
text_height (Renderer   *r,
             const char *font,
             const char *text,
             double      width)
{
  g_autoptr(PangoLayout) layout = stipple_report_make_layout (r, font, width);
  int h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_size (layout, NULL, &h);
  return pango_units_to_double (h);
}

/* The aftercare, the next session and the signature stay together: a last
 * page never holds two bullets and a signature line on their own. */
static void
keep_aftercare_together (Renderer *r)
{
  const char * const *instructions;
  double width = r->right - r->left;
  double height = 0;
  guint n;

  instructions = stipple_aftercare_get_instructions (&n);
  height += 2 * (GAP + text_height (r, HEADING_FONT, _("Aftercare"), width) + 3);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *item = g_strdup_printf ("•  %s", _(instructions[i]));

      height += text_height (r, BODY_FONT, item, width - 6) + 2;
    }
  height += text_height (r, BODY_FONT, _("This was the last session of the course."), width);
  if (r->kind == STIPPLE_REPORT_CHART)
    height += 60;

  if (r->y + height > r->bottom && height <= r->bottom - r->top && r->y > r->top)
    stipple_report_next_page (r);
}

static void
section_aftercare (Renderer *r)
{
  const StippleReportData *d = r->data;
  const char * const *instructions;
  guint n;

  keep_aftercare_together (r);
  stipple_report_heading (r, _("Aftercare"));
  instructions = stipple_aftercare_get_instructions (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *item = g_strdup_printf ("•  %s", _(instructions[i]));
      stipple_report_flow_text (r, BODY_FONT, item, 6);
      r->y += 2;
    }
  if (r->kind == STIPPLE_REPORT_PATIENT)
    {
      /* What the clinician told this patient, in their own words: the
       * lines that are not the standard instructions above. */
      if (d->aftercare_given != NULL && *d->aftercare_given != '\0')
        {
          g_auto(GStrv) lines = g_strsplit (d->aftercare_given, "\n", -1);
          g_autoptr(GString) own = g_string_new (NULL);

          for (guint i = 0; lines[i] != NULL; i++)
            {
              const char *line = g_strstrip (lines[i]);
              gboolean standard = FALSE;

              for (guint j = 0; j < n && !standard; j++)
                standard = g_str_equal (line, instructions[j]) || g_str_equal (line, _(instructions[j]));
              if (*line == '\0' || standard)
                continue;
              if (own->len > 0)
                g_string_append_c (own, '\n');
              g_string_append (own, line);
            }
          if (own->len > 0)
            stipple_report_field (r, _("Your clinician’s advice"), own->str);
        }
      if ((d->clinic_phone != NULL && *d->clinic_phone != '\0') ||
          (d->clinic_name != NULL && *d->clinic_name != '\0'))
        {
          stipple_report_heading (r, _("Contact the clinic"));
          if (d->clinic_name != NULL && *d->clinic_name != '\0')
            stipple_report_flow_text (r, BODY_FONT, d->clinic_name, 0);
          if (d->clinic_address != NULL && *d->clinic_address != '\0')
            stipple_report_flow_text (r, BODY_FONT, d->clinic_address, 0);
          if (d->clinic_phone != NULL && *d->clinic_phone != '\0')
            stipple_report_field (r, _("Phone"), d->clinic_phone);
        }
    }

  stipple_report_heading (r, _("Next session"));
  if (d->next_session != NULL)
    {
      g_autofree char *date = stipple_report_format_date (d->next_session);
      g_autofree char *text = g_strdup_printf (_("Suggested for %s, %u to %u weeks after this one."),
                                               date, STIPPLE_COURSE_INTERVAL_MIN_WEEKS,
                                               STIPPLE_COURSE_INTERVAL_MAX_WEEKS);
      stipple_report_flow_text (r, BODY_FONT, text, 0);
    }
  else
    stipple_report_flow_text (r, BODY_FONT, _("This was the last session of the course."), 0);
}

static void
section_signature (Renderer *r)
{
  stipple_report_ensure_space (r, 60);
  r->y += 30;
  cairo_set_line_width (r->cr, 0.6);
  cairo_move_to (r->cr, r->left, r->y);
  cairo_line_to (r->cr, r->left + 220, r->y);
  cairo_move_to (r->cr, r->left + 260, r->y);
  cairo_line_to (r->cr, r->right, r->y);
  cairo_stroke (r->cr);
  stipple_report_draw_text_at (r, SMALL_FONT, _("Clinician’s signature"), r->left, r->y + 3, 220,
                               PANGO_ALIGN_LEFT);
  stipple_report_draw_text_at (r, SMALL_FONT, _("Date"), r->left + 260, r->y + 3,
                               r->right - r->left - 260, PANGO_ALIGN_LEFT);
  r->y += 20;
}

/* The session's before and after photographs, a pair per view: the
 * JPEG as stored, embedded as it is. */
static void
section_photos (Renderer *r)
{
  g_autoptr(GPtrArray) pairs = stipple_report_photo_pairs (r->data, r->kind == STIPPLE_REPORT_CHART);
  const double gap = 12;
  double box_w = (r->right - r->left - gap) / 2;
  double box_h = box_w * 3 / 4;

  if (pairs->len == 0)
    return;
  stipple_report_heading (r, _("Photographs"));
  for (guint i = 0; i < pairs->len; i++)
    {
      StippleReportPhotoPair *pair = g_ptr_array_index (pairs, i);

      stipple_report_ensure_space (r, box_h + 40);
      stipple_report_flow_text (r, "Sans Bold 9.5", pair->title, 0);
      r->y += 2;
      for (guint side = 0; side < 2; side++)
        {
          const StippleReportPhoto *photo = side == 0 ? pair->before : pair->after;
          double x = r->left + side * (box_w + gap);

          if (photo != NULL)
            stipple_report_draw_photo (r->cr, photo, x, r->y, box_w, box_h);
          stipple_report_draw_text_at (r, SMALL_FONT,
                                       side == 0 ? pair->before_caption : pair->after_caption,
                                       x, r->y + box_h + 2, box_w, PANGO_ALIGN_LEFT);
        }
      r->y += box_h + 28;
    }
}

void
stipple_report_render (Renderer *r)
{
  r->page = 0;
  stipple_report_begin_page (r);

  section_title (r);
  if (r->data->record_warning != NULL)
    {
      cairo_set_source_rgb (r->cr, 0.7, 0, 0);
      stipple_report_flow_text (r, BODY_FONT, r->data->record_warning, 0);
      cairo_set_source_rgb (r->cr, 0, 0, 0);
      r->y += 6;
    }
  section_details (r);
  if (r->kind == STIPPLE_REPORT_CHART)
    section_screening (r);
  section_zones (r);
  section_face (r);
  section_photos (r);
  if (r->kind == STIPPLE_REPORT_CHART)
    {
      section_graphs (r);
      section_notes (r);
      section_events (r);
    }
  section_aftercare (r);
  if (r->kind == STIPPLE_REPORT_CHART)
    section_signature (r);

  r->n_pages = r->page + 1;
}
