/* stipple-report-layout.c
 *
 * The report's page flow: the renderer that lays pages out with a
 * PangoContext of its own, the frame drawn on every page, and the text
 * helpers the sections write with (paragraphs, headings, label and value
 * rows, dates, depths and durations).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-report"

#include "config.h"

#include <cairo-pdf.h>
#include <inttypes.h>

#include "stipple-i18n.h"
#include "stipple-report-private.h"

/* ------------------------------------------------------------------------
 * Page flow
 * ------------------------------------------------------------------------ */

static cairo_status_t
discard_write_cb (void                *closure,
                  const unsigned char *data,
                  unsigned int         length)
{
  return CAIRO_STATUS_SUCCESS;
}

void
stipple_report_renderer_init (Renderer                *r,
                              const StippleReportData *data,
                              StippleReportKind        kind,
                              StipplePageSize          size)
{
  cairo_font_options_t *options;

  memset (r, 0, sizeof *r);
  r->data = data;
  r->kind = kind;
  r->size = size;
  r->left = MARGIN;
  r->right = size.width_pt - MARGIN;
  r->top = MARGIN + HEADER_SPACE;
  r->bottom = size.height_pt - MARGIN - FOOTER_SPACE;

  r->pango = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  pango_cairo_context_set_resolution (r->pango, 72.0);
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (r->pango, options);
  cairo_font_options_destroy (options);
  pango_context_set_base_dir (r->pango, PANGO_DIRECTION_NEUTRAL);
  /* Line breaking and hyphenation follow the language the text is in. */
  pango_context_set_language (r->pango,
                              pango_language_from_string (stipple_i18n_get_current_language ()));

  /* Pages nobody asked for are drawn here and thrown away. */
  r->scratch_surface = cairo_pdf_surface_create_for_stream (discard_write_cb, NULL,
                                                            size.width_pt, size.height_pt);
  r->scratch = cairo_create (r->scratch_surface);
}

void
stipple_report_renderer_clear (Renderer *r)
{
  cairo_destroy (r->scratch);
  cairo_surface_finish (r->scratch_surface);
  cairo_surface_destroy (r->scratch_surface);
  g_clear_object (&r->pango);
}

PangoLayout *
stipple_report_make_layout (Renderer   *r,
                            const char *font,
                            double      width)
{
  PangoLayout *layout = pango_layout_new (r->pango);
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_auto_dir (layout, TRUE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  if (width > 0)
    pango_layout_set_width (layout, pango_units_from_double (width));

  return layout;
}

void
stipple_report_draw_text_at (Renderer   *r,
                             const char *font,
                             const char *text,
                             double      x,
                             double      y,
                             double      width,
                             PangoAlignment alignment)
{
  g_autoptr(PangoLayout) layout = stipple_report_make_layout (r, font, width);

  pango_layout_set_text (layout, text, -1);
  pango_layout_set_alignment (layout, alignment);
  cairo_move_to (r->cr, x, y);
  pango_cairo_show_layout (r->cr, layout);
}

/* Dates are written out with the month's name: "03/09/84" means
 * different days on either side of the Atlantic. */
char *
stipple_report_format_date (GDateTime *dt)
{
  /* Translators: a date in a report, see g_date_time_format() */
  return dt ? g_date_time_format (dt, _("%-d %B %Y")) : g_strdup ("—");
}

char *
stipple_report_format_time (GDateTime *dt)
{
  /* Translators: a date and time in a report, see g_date_time_format() */
  return dt ? g_date_time_format (dt, _("%-d %B %Y, %H:%M")) : g_strdup ("—");
}

static void
draw_page_frame (Renderer *r)
{
  const StippleReportData *d = r->data;
  g_autofree char *who = NULL;
  g_autofree char *page = NULL;
  g_autofree char *dob = stipple_report_format_date (d->date_of_birth);
  double width = r->right - r->left;

  /* The patient on every page, so a loose page is never misfiled. */
  who = g_strdup_printf (_("%s · record %s · born %s"),
                         d->patient_name ? d->patient_name : _("Unnamed patient"),
                         d->record_number ? d->record_number : "—",
                         dob);
  cairo_set_source_rgb (r->cr, 0.35, 0.35, 0.35);
  stipple_report_draw_text_at (r, SMALL_FONT, who, r->left, MARGIN, width * 0.65, PANGO_ALIGN_LEFT);
  if (d->clinic_name != NULL && *d->clinic_name != '\0')
    stipple_report_draw_text_at (r, SMALL_FONT, d->clinic_name, r->left + width * 0.65, MARGIN,
                                 width * 0.35, PANGO_ALIGN_RIGHT);

  cairo_set_line_width (r->cr, 0.5);
  cairo_move_to (r->cr, r->left, MARGIN + 14);
  cairo_line_to (r->cr, r->right, MARGIN + 14);
  cairo_stroke (r->cr);

  page = g_strdup_printf (_("Page %u of %u"), r->page + 1, MAX (r->n_pages, r->page + 1));
  stipple_report_draw_text_at (r, SMALL_FONT, page, r->left, r->size.height_pt - MARGIN - 10, width,
                               PANGO_ALIGN_CENTER);
  /* An anchor for the audit chain: a later rewrite of the file shows as a
   * head no longer found in it. */
  if (d->anchor_hash != NULL)
    {
      g_autofree char *anchor = g_strdup_printf (_("Audit chain at row %" PRId64
                                                   ": SHA-256 %s"),
                                                 d->anchor_row, d->anchor_hash);
      stipple_report_draw_text_at (r, SMALL_FONT, anchor, r->left, r->size.height_pt - MARGIN + 2,
                                   width, PANGO_ALIGN_CENTER);
    }
  cairo_set_source_rgb (r->cr, 0, 0, 0);
}

void
stipple_report_begin_page (Renderer *r)
{
  r->cr = (r->all_pages || r->page == r->wanted_page) ? r->target : r->scratch;
  r->y = r->top;
  draw_page_frame (r);
}

void
stipple_report_next_page (Renderer *r)
{
  /* A print context emits its own pages. */
  if (r->all_pages || r->cr == r->scratch)
    cairo_show_page (r->cr);
  r->page++;
  stipple_report_begin_page (r);
}

void
stipple_report_ensure_space (Renderer *r,
                             double    height)
{
  if (r->y + height > r->bottom && r->y > r->top)
    stipple_report_next_page (r);
}

/* Flows a paragraph line by line, so a long note continues on the next
 * page instead of being clipped. */
void
stipple_report_flow_text (Renderer   *r,
                          const char *font,
                          const char *text,
                          double      indent)
{
  g_autoptr(PangoLayout) layout = stipple_report_make_layout (r, font, r->right - r->left - indent);
  PangoLayoutIter *iter;

  pango_layout_set_text (layout, text, -1);
  iter = pango_layout_get_iter (layout);
  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical;
      double baseline, line_top, height;

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      line_top = pango_units_to_double (logical.y);
      height = pango_units_to_double (logical.height);
      baseline = pango_units_to_double (pango_layout_iter_get_baseline (iter)) - line_top;

      stipple_report_ensure_space (r, height);
      cairo_move_to (r->cr, r->left + indent + pango_units_to_double (logical.x), r->y + baseline);
      pango_cairo_show_layout_line (r->cr, line);
      r->y += height;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

void
stipple_report_heading (Renderer   *r,
                        const char *text)
{
  /* Keep a heading with at least a few lines of what follows it. */
  stipple_report_ensure_space (r, 60);
  r->y += GAP;
  stipple_report_flow_text (r, HEADING_FONT, text, 0);
  r->y += 3;
}

/* A label and its value on one row; the value wraps under itself. */
void
stipple_report_field (Renderer   *r,
                      const char *label,
                      const char *value)
{
  const double label_width = 140;
  g_autoptr(PangoLayout) lab = stipple_report_make_layout (r, "Sans Bold 9.5", label_width - 6);
  g_autoptr(PangoLayout) val = stipple_report_make_layout (r, BODY_FONT,
                                                          r->right - r->left - label_width);
  int lh, vh;
  double h;

  pango_layout_set_text (lab, label, -1);
  pango_layout_set_text (val, value && *value ? value : "—", -1);
  pango_layout_get_size (lab, NULL, &lh);
  pango_layout_get_size (val, NULL, &vh);
  h = pango_units_to_double (MAX (lh, vh));

  if (h > r->bottom - r->top)
    {
      /* Longer than a page: give the value the whole width and let it flow. */
      stipple_report_flow_text (r, "Sans Bold 9.5", label, 0);
      stipple_report_flow_text (r, BODY_FONT, value, 12);
      r->y += 2;
      return;
    }

  stipple_report_ensure_space (r, h);
  cairo_move_to (r->cr, r->left, r->y);
  pango_cairo_show_layout (r->cr, lab);
  cairo_move_to (r->cr, r->left + label_width, r->y);
  pango_cairo_show_layout (r->cr, val);
  r->y += h + 2;
}

char *
stipple_report_format_depth (guint um)
{
  return g_strdup_printf (_("%.2f mm"), um / 1000.0);
}

char *
stipple_report_format_duration (gint64 us)
{
  gint64 s = us / G_USEC_PER_SEC;

  /* A zone treated for a few strokes is a fraction of a second: "0:00"
   * would read as not treated at all. */
  if (us > 0 && us < 60 * G_USEC_PER_SEC)
    /* Translators: a time under a minute, seconds */
    return g_strdup_printf (_("%.1f s"), us / 1e6);
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", s / 60, (int) (s % 60));
}
