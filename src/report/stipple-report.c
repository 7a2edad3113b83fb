/* stipple-report.c
 *
 * The session report. One drawing code path serves the PDF export and
 * printing: pages are laid out with a PangoContext of our own (no hinted
 * metrics, 72 dpi), so the layout, and so the page count, is the same on
 * every cairo surface.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-report"

#include "config.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <langinfo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdint.h>

#include "stipple-aftercare.h"
#include "stipple-report-photos.h"
#include "stipple-i18n.h"
#include "stipple-report.h"

#define MM_TO_PT(mm) ((mm) * 72.0 / 25.4)

#define MARGIN        MM_TO_PT (18)
#define HEADER_SPACE  28.0
#define FOOTER_SPACE  24.0
#define BODY_FONT     "Sans 9.5"
#define SMALL_FONT    "Sans 8"
#define HEADING_FONT  "Sans Bold 12"
#define TITLE_FONT    "Sans Bold 17"
#define GAP           8.0

G_DEFINE_QUARK (stipple-report-error-quark, stipple_report_error)

/* ------------------------------------------------------------------------
 * Data
 * ------------------------------------------------------------------------ */

static void
serum_free (gpointer p)
{
  StippleReportSerum *serum = p;

  g_free (serum->product);
  g_free (serum->lot);
  g_free (serum);
}

static void
screening_free (gpointer p)
{
  StippleReportScreening *item = p;

  g_free (item->question);
  g_free (item);
}

static void
event_free (gpointer p)
{
  StippleReportEvent *event = p;

  g_clear_pointer (&event->time, g_date_time_unref);
  g_free (event->what);
  g_free (event);
}

static void
addendum_free (gpointer p)
{
  StippleReportAddendum *addendum = p;

  g_clear_pointer (&addendum->written_at, g_date_time_unref);
  g_free (addendum->author);
  g_free (addendum->text);
  g_free (addendum);
}

/**
 * stipple_report_data_new:
 *
 * Returns: (transfer full): empty report data, to be filled by the caller
 */
StippleReportData *
stipple_report_data_new (void)
{
  StippleReportData *data = g_new0 (StippleReportData, 1);

  data->serums = g_ptr_array_new_with_free_func (serum_free);
  data->screening = g_ptr_array_new_with_free_func (screening_free);
  data->events = g_ptr_array_new_with_free_func (event_free);
  data->addenda = g_ptr_array_new_with_free_func (addendum_free);
  data->zones = g_array_new (FALSE, TRUE, sizeof (StippleReportZone));
  data->depth_series = g_array_new (FALSE, TRUE, sizeof (StippleReportPoint));
  data->rate_series = g_array_new (FALSE, TRUE, sizeof (StippleReportPoint));
  data->erythema_grade = -1;

  return data;
}

/**
 * stipple_report_data_free:
 * @data: (transfer full): report data
 */
void
stipple_report_data_free (StippleReportData *data)
{
  if (data == NULL)
    return;

  g_free (data->clinic_name);
  g_free (data->clinic_address);
  g_free (data->clinic_phone);
  g_free (data->patient_name);
  g_free (data->record_number);
  g_free (data->allergies);
  g_clear_pointer (&data->date_of_birth, g_date_time_unref);
  g_clear_pointer (&data->session_start, g_date_time_unref);
  g_clear_pointer (&data->session_end, g_date_time_unref);
  g_free (data->clinician);
  g_free (data->pen_serial);
  g_free (data->pen_firmware);
  g_free (data->cartridge_id);
  g_free (data->cartridge_lot);
  g_free (data->anaesthetic);
  g_clear_pointer (&data->anaesthetic_applied, g_date_time_unref);
  g_ptr_array_unref (data->serums);
  g_ptr_array_unref (data->screening);
  g_free (data->override_reason);
  g_clear_pointer (&data->consent_date, g_date_time_unref);
  g_array_unref (data->zones);
  g_array_unref (data->depth_series);
  g_array_unref (data->rate_series);
  g_free (data->notes_before);
  g_free (data->notes_after);
  g_free (data->aftercare_given);
  g_free (data->language);
  g_free (data->record_warning);
  g_free (data->anchor_hash);
  g_free (data->telemetry_missing);
  g_clear_pointer (&data->photos, g_ptr_array_unref);
  g_ptr_array_unref (data->events);
  g_ptr_array_unref (data->addenda);
  g_clear_pointer (&data->next_session, g_date_time_unref);
  g_free (data);
}

/**
 * stipple_report_data_add_serum:
 * @data: report data
 * @product: the serum applied
 * @lot: (nullable): its lot number
 */
void
stipple_report_data_add_serum (StippleReportData *data,
                               const char        *product,
                               const char        *lot)
{
  StippleReportSerum *serum;

  g_return_if_fail (data != NULL && product != NULL);

  serum = g_new0 (StippleReportSerum, 1);
  serum->product = g_strdup (product);
  serum->lot = g_strdup (lot);
  g_ptr_array_add (data->serums, serum);
}

/**
 * stipple_report_data_add_screening:
 * @data: report data
 * @question: the question as asked, translated
 * @answer: the patient's answer
 * @stop: whether a "yes" blocks treatment
 */
void
stipple_report_data_add_screening (StippleReportData *data,
                                   const char        *question,
                                   gboolean           answer,
                                   gboolean           stop)
{
  StippleReportScreening *item;

  g_return_if_fail (data != NULL && question != NULL);

  item = g_new0 (StippleReportScreening, 1);
  item->question = g_strdup (question);
  item->answer = answer;
  item->stop = stop;
  g_ptr_array_add (data->screening, item);
}

/**
 * stipple_report_data_add_event:
 * @data: report data
 * @time: when it happened
 * @what: what happened, in words
 * @fault: %TRUE for a fault, %FALSE for a confirmation
 */
void
stipple_report_data_add_event (StippleReportData *data,
                               GDateTime         *time,
                               const char        *what,
                               gboolean           fault)
{
  StippleReportEvent *event;

  g_return_if_fail (data != NULL && time != NULL && what != NULL);

  event = g_new0 (StippleReportEvent, 1);
  event->time = g_date_time_ref (time);
  event->what = g_strdup (what);
  event->fault = fault;
  g_ptr_array_add (data->events, event);
}

/**
 * stipple_report_page_size_for_locale:
 *
 * The paper of the user's locale (LC_PAPER): Letter in North America,
 * A4 nearly everywhere else.
 *
 * Returns: the page size in points
 */
StipplePageSize
stipple_report_page_size_for_locale (void)
{
  StipplePageSize size = { MM_TO_PT (210), MM_TO_PT (297) };
#ifdef __GLIBC__
  int width_mm = (int) (intptr_t) nl_langinfo (_NL_PAPER_WIDTH);
  int height_mm = (int) (intptr_t) nl_langinfo (_NL_PAPER_HEIGHT);

  /* The locale gives whole millimetres: US Letter (8.5 × 11 in) is
   * 216 × 279 there, and is drawn at its exact size. */
  if (width_mm == 216 && height_mm == 279)
    size = (StipplePageSize) { 612, 792 };
  else if (width_mm > 50 && width_mm < 1000 && height_mm > 50 && height_mm < 1500)
    {
      size.width_pt = MM_TO_PT (width_mm);
      size.height_pt = MM_TO_PT (height_mm);
    }
#endif

  return size;
}

/* ------------------------------------------------------------------------
 * Page flow
 * ------------------------------------------------------------------------ */

typedef struct
{
  const StippleReportData *data;
  StippleReportKind        kind;
  StipplePageSize          size;

  PangoContext            *pango;
  cairo_surface_t         *scratch_surface;
  cairo_t                 *scratch;
  /* Where wanted pages are drawn; every page when all_pages is set. */
  cairo_t                 *target;
  gboolean                 all_pages;
  guint                    wanted_page;

  cairo_t                 *cr;
  guint                    page;
  guint                    n_pages;
  double                   y;
  double                   left;
  double                   right;
  double                   top;
  double                   bottom;
} Renderer;

static cairo_status_t
discard_write_cb (void                *closure,
                  const unsigned char *data,
                  unsigned int         length)
{
  return CAIRO_STATUS_SUCCESS;
}

static void
renderer_init (Renderer                *r,
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

static void
renderer_clear (Renderer *r)
{
  cairo_destroy (r->scratch);
  cairo_surface_finish (r->scratch_surface);
  cairo_surface_destroy (r->scratch_surface);
  g_clear_object (&r->pango);
}

static PangoLayout *
make_layout (Renderer   *r,
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

static void
draw_text_at (Renderer   *r,
              const char *font,
              const char *text,
              double      x,
              double      y,
              double      width,
              PangoAlignment alignment)
{
  g_autoptr(PangoLayout) layout = make_layout (r, font, width);

  pango_layout_set_text (layout, text, -1);
  pango_layout_set_alignment (layout, alignment);
  cairo_move_to (r->cr, x, y);
  pango_cairo_show_layout (r->cr, layout);
}

/* Dates are written out with the month's name: "03/09/84" means
 * different days on either side of the Atlantic. */
static char *
format_date (GDateTime *dt)
{
  /* Translators: a date in a report, see g_date_time_format() */
  return dt ? g_date_time_format (dt, _("%-d %B %Y")) : g_strdup ("—");
}

static char *
format_time (GDateTime *dt)
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
  g_autofree char *dob = format_date (d->date_of_birth);
  double width = r->right - r->left;

  /* The patient on every page, so a loose page is never misfiled. */
  who = g_strdup_printf (_("%s · record %s · born %s"),
                         d->patient_name ? d->patient_name : _("Unnamed patient"),
                         d->record_number ? d->record_number : "—",
                         dob);
  cairo_set_source_rgb (r->cr, 0.35, 0.35, 0.35);
  draw_text_at (r, SMALL_FONT, who, r->left, MARGIN, width * 0.65, PANGO_ALIGN_LEFT);
  if (d->clinic_name != NULL && *d->clinic_name != '\0')
    draw_text_at (r, SMALL_FONT, d->clinic_name, r->left + width * 0.65, MARGIN, width * 0.35,
                  PANGO_ALIGN_RIGHT);

  cairo_set_line_width (r->cr, 0.5);
  cairo_move_to (r->cr, r->left, MARGIN + 14);
  cairo_line_to (r->cr, r->right, MARGIN + 14);
  cairo_stroke (r->cr);

  page = g_strdup_printf (_("Page %u of %u"), r->page + 1, MAX (r->n_pages, r->page + 1));
  draw_text_at (r, SMALL_FONT, page, r->left, r->size.height_pt - MARGIN - 10, width,
                PANGO_ALIGN_CENTER);
  /* An anchor for the audit chain: a later rewrite of the file shows as a
   * head no longer found in it. */
  if (d->anchor_hash != NULL)
    {
      g_autofree char *anchor = g_strdup_printf (_("Audit chain at row %" PRId64
                                                   ": SHA-256 %s"),
                                                 d->anchor_row, d->anchor_hash);
      draw_text_at (r, SMALL_FONT, anchor, r->left, r->size.height_pt - MARGIN + 2, width,
                    PANGO_ALIGN_CENTER);
    }
  cairo_set_source_rgb (r->cr, 0, 0, 0);
}

static void
begin_page (Renderer *r)
{
  r->cr = (r->all_pages || r->page == r->wanted_page) ? r->target : r->scratch;
  r->y = r->top;
  draw_page_frame (r);
}

static void
next_page (Renderer *r)
{
  /* A print context emits its own pages. */
  if (r->all_pages || r->cr == r->scratch)
    cairo_show_page (r->cr);
  r->page++;
  begin_page (r);
}

static void
ensure_space (Renderer *r,
              double    height)
{
  if (r->y + height > r->bottom && r->y > r->top)
    next_page (r);
}

/* Flows a paragraph line by line, so a long note continues on the next
 * page instead of being clipped. */
static void
flow_text (Renderer   *r,
           const char *font,
           const char *text,
           double      indent)
{
  g_autoptr(PangoLayout) layout = make_layout (r, font, r->right - r->left - indent);
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

      ensure_space (r, height);
      cairo_move_to (r->cr, r->left + indent + pango_units_to_double (logical.x), r->y + baseline);
      pango_cairo_show_layout_line (r->cr, line);
      r->y += height;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

static void
heading (Renderer   *r,
         const char *text)
{
  /* Keep a heading with at least a few lines of what follows it. */
  ensure_space (r, 60);
  r->y += GAP;
  flow_text (r, HEADING_FONT, text, 0);
  r->y += 3;
}

/* A label and its value on one row; the value wraps under itself. */
static void
field (Renderer   *r,
       const char *label,
       const char *value)
{
  const double label_width = 140;
  g_autoptr(PangoLayout) lab = make_layout (r, "Sans Bold 9.5", label_width - 6);
  g_autoptr(PangoLayout) val = make_layout (r, BODY_FONT, r->right - r->left - label_width);
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
      flow_text (r, "Sans Bold 9.5", label, 0);
      flow_text (r, BODY_FONT, value, 12);
      r->y += 2;
      return;
    }

  ensure_space (r, h);
  cairo_move_to (r->cr, r->left, r->y);
  pango_cairo_show_layout (r->cr, lab);
  cairo_move_to (r->cr, r->left + label_width, r->y);
  pango_cairo_show_layout (r->cr, val);
  r->y += h + 2;
}

static char *
format_depth (guint um)
{
  return g_strdup_printf (_("%.2f mm"), um / 1000.0);
}

static char *
format_duration (gint64 us)
{
  gint64 s = us / G_USEC_PER_SEC;

  /* A zone treated for a few strokes is a fraction of a second: "0:00"
   * would read as not treated at all. */
  if (us > 0 && us < 60 * G_USEC_PER_SEC)
    /* Translators: a time under a minute, seconds */
    return g_strdup_printf (_("%.1f s"), us / 1e6);
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", s / 60, (int) (s % 60));
}

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

  flow_text (r, TITLE_FONT, title, 0);
  if (d->clinic_name != NULL && *d->clinic_name != '\0')
    flow_text (r, "Sans Bold 10", d->clinic_name, 0);
  if (d->clinic_address != NULL && *d->clinic_address != '\0')
    flow_text (r, BODY_FONT, d->clinic_address, 0);
  r->y += GAP;
}

static void
section_details (Renderer *r)
{
  const StippleReportData *d = r->data;
  g_autofree char *dob = format_date (d->date_of_birth);
  g_autofree char *start = format_time (d->session_start);
  g_autofree char *end = format_time (d->session_end);
  g_autofree char *session = g_strdup_printf (_("%s to %s"), start, end);
  g_autoptr(GString) serums = g_string_new (NULL);

  field (r, _("Patient"), d->patient_name);
  field (r, _("Date of birth"), dob);
  field (r, _("Record number"), d->record_number);
  /* Both copies: what was known about the patient when they were treated
   * is part of the record, and the patient checks it too. */
  field (r, _("Allergies"), d->allergies != NULL && *d->allergies != '\0'
                            ? d->allergies : _("None recorded"));
  if (d->fitzpatrick >= 1 && d->fitzpatrick <= 6)
    {
      static const char *roman[] = { "", "I", "II", "III", "IV", "V", "VI" };
      g_autofree char *skin = d->fitzpatrick >= 4
        ? g_strdup_printf ("%s — %s", roman[d->fitzpatrick],
                           _("Higher risk of post-inflammatory hyperpigmentation"))
        : g_strdup (roman[d->fitzpatrick]);

      field (r, _("Fitzpatrick skin type"), skin);
    }
  field (r, _("Session"), session);
  field (r, _("Clinician"), d->clinician);

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
  field (r, _("Serums"), serums->len > 0 ? serums->str : C_("no serum", "None"));

  if (r->kind != STIPPLE_REPORT_CHART)
    return;

  {
    g_autofree char *pen = g_strdup_printf (_("serial %s, firmware %s"),
                                            d->pen_serial ? d->pen_serial : "—",
                                            d->pen_firmware ? d->pen_firmware : "—");
    g_autofree char *cartridge = g_strdup_printf (_("%s, lot %s"),
                                                  d->cartridge_id ? d->cartridge_id : "—",
                                                  d->cartridge_lot ? d->cartridge_lot : "—");
    g_autofree char *applied = format_time (d->anaesthetic_applied);
    g_autofree char *anaesthetic = d->anaesthetic
      ? g_strdup_printf (_("%s, applied %s"), d->anaesthetic, applied)
      : g_strdup (C_("no anaesthetic", "None"));

    field (r, _("Pen"), pen);
    field (r, _("Cartridge"), cartridge);
    field (r, _("Topical anaesthetic"), anaesthetic);
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

      flow_text (r, BODY_FONT, lost, 0);
    }
}

static void
section_screening (Renderer *r)
{
  const StippleReportData *d = r->data;
  g_autoptr(GString) yes = g_string_new (NULL);
  guint n_no = 0;
  g_autofree char *consent_date = format_date (d->consent_date);

  heading (r, _("Screening and consent"));

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
    field (r, _("Screening"), _("Not recorded"));
  else
    {
      g_autofree char *summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "%u question answered no",
                                                               "%u questions answered no",
                                                               n_no), n_no);
      if (yes->len > 0)
        field (r, _("Answered yes"), yes->str);
      field (r, _("Screening"), summary);
    }
  if (d->override_reason != NULL && *d->override_reason != '\0')
    field (r, _("Treated despite a contraindication because"), d->override_reason);

  field (r, _("Consent to treatment"), d->consent_treatment ? consent_date : _("Not given"));
  field (r, _("Consent to photographs"), d->consent_photographs ? consent_date
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
      g_autoptr(PangoLayout) word = make_layout (r, "Sans Bold 8.5", -1);
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

    layout = make_layout (r, font, width);
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
          layouts[c] = make_layout (r, font, width);
          pango_layout_set_text (layouts[c], cells[c], -1);
        }
      pango_layout_get_size (layouts[c], NULL, &h);
      height = MAX (height, pango_units_to_double (h));
    }

  ensure_space (r, height + 4);
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

  heading (r, chart ? _("Zones treated") : _("Areas treated"));
  if (d->zones->len == 0)
    {
      flow_text (r, BODY_FONT, _("No zone was treated."), 0);
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
      g_autofree char *time = format_duration (z->time_in_zone_us);
      g_autofree char *oot = g_strdup_printf ("%u", z->out_of_tolerance);
      const char *name = stipple_zone_get_name (z->zone);
      guint max_depth = 0;

      for (guint p = 0; p < MIN (z->n_passes, STIPPLE_MAX_PASSES); p++)
        {
          g_autofree char *depth = format_depth (z->depth_um[p]);

          if (p > 0)
            g_string_append (depths, " · ");
          g_string_append (depths, depth);
          max_depth = MAX (max_depth, z->depth_um[p]);
        }
      if (chart && z->limit_um > 0 && max_depth > z->limit_um)
        {
          g_autofree char *limit = format_depth (z->limit_um);
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

  ensure_space (r, height + 50);
  flow_text (r, "Sans Bold 9", title, 0);
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

      draw_text_at (r, "Sans 7", label, r->left, y - 5, axis - 4, PANGO_ALIGN_RIGHT);
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
        draw_text_at (r, "Sans 7", label, x - 60, y1 + 2, 60, PANGO_ALIGN_RIGHT);
      else
        draw_text_at (r, "Sans 7", label, x - 30, y1 + 2, 60, PANGO_ALIGN_CENTER);
    }

  if (series->len == 0)
    {
      draw_text_at (r, BODY_FONT, _("No telemetry was recorded."), x0, (y0 + y1) / 2 - 6,
                    x1 - x0, PANGO_ALIGN_CENTER);
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

  ensure_space (r, height + 10);
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
  heading (r, _("Depth and stroke rate over the session"));
  draw_series (r, _("Depth reached per stroke"), r->data->depth_series, 1 / 1000.0, format_mm);
  draw_series (r, _("Stroke rate"), r->data->rate_series, 1.0, format_rate);
  if (r->data->telemetry_missing != NULL)
    flow_text (r, BODY_FONT, r->data->telemetry_missing, 0);
}

static void
section_notes (Renderer *r)
{
  const StippleReportData *d = r->data;
  static const char *grades[] = {
    NC_("redness grade", "none"), NC_("redness grade", "mild"),
    NC_("redness grade", "moderate"), NC_("redness grade", "marked"),
  };

  heading (r, _("Notes"));
  field (r, _("Before"), d->notes_before);
  field (r, _("After"), d->notes_after);
  /* Added after the seal: each with when and by whom, never merged into
   * the notes as they were when the session ended. */
  for (guint i = 0; i < d->addenda->len; i++)
    {
      const StippleReportAddendum *addendum = g_ptr_array_index (d->addenda, i);
      g_autofree char *when = format_time (addendum->written_at);
      g_autofree char *value = NULL;

      value = addendum->to_note_before
        /* Translators: "03/12/2026 14:03, Dr Second, to the note before: <text>" */
        ? g_strdup_printf (_("%s, %s, to the note before: %s"), when, addendum->author,
                           addendum->text)
        /* Translators: "03/12/2026 14:03, Dr Second, to the note after: <text>" */
        : g_strdup_printf (_("%s, %s, to the note after: %s"), when, addendum->author,
                           addendum->text);
      field (r, _("Addendum"), value);
    }
  field (r, _("Erythema"),
         d->erythema_grade >= 0 && d->erythema_grade < (int) G_N_ELEMENTS (grades)
           ? C_("redness grade", grades[d->erythema_grade])
           : _("Not recorded"));
  field (r, _("Pinpoint bleeding"), d->pinpoint_bleeding ? _("Yes") : _("No"));
  field (r, _("Aftercare given"), d->aftercare_given);
}

static void
section_events (Renderer *r)
{
  const StippleReportData *d = r->data;

  heading (r, _("Confirmations and faults"));
  if (d->events->len == 0)
    {
      flow_text (r, BODY_FONT, _("No setting above a zone limit was confirmed and no fault occurred."), 0);
      return;
    }
  for (guint i = 0; i < d->events->len; i++)
    {
      const StippleReportEvent *event = g_ptr_array_index (d->events, i);
      g_autofree char *when = g_date_time_format (event->time, "%H:%M:%S");
      g_autofree char *label = g_strdup_printf ("%s %s", when,
                                                event->fault ? _("Fault") : _("Confirmed"));

      field (r, label, event->what);
    }
}

static double
text_height (Renderer   *r,
             const char *font,
             const char *text,
             double      width)
{
  g_autoptr(PangoLayout) layout = make_layout (r, font, width);
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
    next_page (r);
}

static void
section_aftercare (Renderer *r)
{
  const StippleReportData *d = r->data;
  const char * const *instructions;
  guint n;

  keep_aftercare_together (r);
  heading (r, _("Aftercare"));
  instructions = stipple_aftercare_get_instructions (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *item = g_strdup_printf ("•  %s", _(instructions[i]));
      flow_text (r, BODY_FONT, item, 6);
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
            field (r, _("Your clinician’s advice"), own->str);
        }
      if ((d->clinic_phone != NULL && *d->clinic_phone != '\0') ||
          (d->clinic_name != NULL && *d->clinic_name != '\0'))
        {
          heading (r, _("Contact the clinic"));
          if (d->clinic_name != NULL && *d->clinic_name != '\0')
            flow_text (r, BODY_FONT, d->clinic_name, 0);
          if (d->clinic_address != NULL && *d->clinic_address != '\0')
            flow_text (r, BODY_FONT, d->clinic_address, 0);
          if (d->clinic_phone != NULL && *d->clinic_phone != '\0')
            field (r, _("Phone"), d->clinic_phone);
        }
    }

  heading (r, _("Next session"));
  if (d->next_session != NULL)
    {
      g_autofree char *date = format_date (d->next_session);
      g_autofree char *text = g_strdup_printf (_("Suggested for %s, %u to %u weeks after this one."),
                                               date, STIPPLE_COURSE_INTERVAL_MIN_WEEKS,
                                               STIPPLE_COURSE_INTERVAL_MAX_WEEKS);
      flow_text (r, BODY_FONT, text, 0);
    }
  else
    flow_text (r, BODY_FONT, _("This was the last session of the course."), 0);
}

static void
section_signature (Renderer *r)
{
  ensure_space (r, 60);
  r->y += 30;
  cairo_set_line_width (r->cr, 0.6);
  cairo_move_to (r->cr, r->left, r->y);
  cairo_line_to (r->cr, r->left + 220, r->y);
  cairo_move_to (r->cr, r->left + 260, r->y);
  cairo_line_to (r->cr, r->right, r->y);
  cairo_stroke (r->cr);
  draw_text_at (r, SMALL_FONT, _("Clinician’s signature"), r->left, r->y + 3, 220, PANGO_ALIGN_LEFT);
  draw_text_at (r, SMALL_FONT, _("Date"), r->left + 260, r->y + 3, r->right - r->left - 260,
                PANGO_ALIGN_LEFT);
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
  heading (r, _("Photographs"));
  for (guint i = 0; i < pairs->len; i++)
    {
      StippleReportPhotoPair *pair = g_ptr_array_index (pairs, i);

      ensure_space (r, box_h + 40);
      flow_text (r, "Sans Bold 9.5", pair->title, 0);
      r->y += 2;
      for (guint side = 0; side < 2; side++)
        {
          const StippleReportPhoto *photo = side == 0 ? pair->before : pair->after;
          double x = r->left + side * (box_w + gap);

          if (photo != NULL)
            stipple_report_draw_photo (r->cr, photo, x, r->y, box_w, box_h);
          draw_text_at (r, SMALL_FONT, side == 0 ? pair->before_caption : pair->after_caption,
                        x, r->y + box_h + 2, box_w, PANGO_ALIGN_LEFT);
        }
      r->y += box_h + 28;
    }
}

static void
render (Renderer *r)
{
  r->page = 0;
  begin_page (r);

  section_title (r);
  if (r->data->record_warning != NULL)
    {
      cairo_set_source_rgb (r->cr, 0.7, 0, 0);
      flow_text (r, BODY_FONT, r->data->record_warning, 0);
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

/* ------------------------------------------------------------------------
 * Language
 * ------------------------------------------------------------------------ */

/* The patient's copy is written in the patient's language, whatever the
 * interface's; the chart always in the clinician's. Returns whether a
 * language was pushed on this thread, to be popped after drawing. */
static gboolean
push_language (const StippleReportData  *data,
               StippleReportKind         kind,
               GError                  **error)
{
  if (kind != STIPPLE_REPORT_PATIENT || data->language == NULL || *data->language == '\0' ||
      g_str_equal (data->language, stipple_i18n_get_interface_language ()))
    return FALSE;

  return stipple_i18n_push_language (data->language, error);
}

static guint
count_pages (const StippleReportData *data,
             StippleReportKind        kind,
             StipplePageSize          size)
{
  Renderer r;
  guint n_pages;

  renderer_init (&r, data, kind, size);
  r.wanted_page = G_MAXUINT;
  r.target = r.scratch;
  render (&r);
  n_pages = r.n_pages;
  renderer_clear (&r);

  return n_pages;
}

/* ------------------------------------------------------------------------
 * Public entry points
 * ------------------------------------------------------------------------ */

/**
 * stipple_report_count_pages:
 * @data: the session
 * @kind: chart or patient copy
 * @size: page size in points
 *
 * A patient copy is counted in the patient's language where that
 * language is installed, in the interface's otherwise.
 *
 * Returns: the number of pages the report takes
 */
guint
stipple_report_count_pages (const StippleReportData *data,
                            StippleReportKind        kind,
                            StipplePageSize          size)
{
  gboolean pushed;
  guint n_pages;

  g_return_val_if_fail (data != NULL, 0);

  pushed = push_language (data, kind, NULL);
  n_pages = count_pages (data, kind, size);
  if (pushed)
    stipple_i18n_pop_language ();

  return n_pages;
}

/**
 * stipple_report_draw_page:
 * @data: the session
 * @kind: chart or patient copy
 * @size: page size in points
 * @cr: where to draw, in points (as GtkPrintContext gives it)
 * @page: which page, from 0
 *
 * Draws one page, as GtkPrintOperation asks for them. A patient copy is
 * drawn in the patient's language where that language is installed, in
 * the interface's otherwise (printing has no way to report it;
 * stipple_report_write_pdf() does).
 */
void
stipple_report_draw_page (const StippleReportData *data,
                          StippleReportKind        kind,
                          StipplePageSize          size,
                          cairo_t                 *cr,
                          guint                    page)
{
  Renderer r;
  gboolean pushed;

  g_return_if_fail (data != NULL && cr != NULL);

  pushed = push_language (data, kind, NULL);
  renderer_init (&r, data, kind, size);
  r.n_pages = count_pages (data, kind, size);
  r.target = cr;
  r.wanted_page = page;
  cairo_save (cr);
  render (&r);
  cairo_restore (cr);
  renderer_clear (&r);
  if (pushed)
    stipple_i18n_pop_language ();
}

/**
 * stipple_report_write_pdf:
 * @data: the session, ended
 * @kind: chart or patient copy
 * @path: the file to write
 * @error: return location for a #GError
 *
 * Writes the report on the paper of the user's locale. The file appears
 * whole or not at all: it is written beside @path and renamed over it.
 * A session still running is refused rather than half reported.
 *
 * A patient copy is written in @data's language, with that language's
 * dates and numbers, on this thread only: the interface and other threads
 * keep theirs. If that language's translation or locale is not installed
 * nothing is written and @error says which.
 *
 * Returns: %TRUE on success
 */
gboolean
stipple_report_write_pdf (const StippleReportData  *data,
                          StippleReportKind         kind,
                          const char               *path,
                          GError                  **error)
{
  StipplePageSize size = stipple_report_page_size_for_locale ();
  g_autoptr(GError) language_error = NULL;
  g_autofree char *tmp_path = NULL;
  g_autofree char *title = NULL;
  g_autofree char *created = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  cairo_surface_t *surface;
  cairo_status_t status;
  Renderer r;
  gboolean pushed;

  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (data->session_end == NULL)
    {
      g_set_error_literal (error, STIPPLE_REPORT_ERROR, STIPPLE_REPORT_ERROR_IN_PROGRESS,
                           _("This session is still running. End the session before exporting its report."));
      return FALSE;
    }

  /* From here to the pop, messages are in the reader's language; the
   * errors after it are the clinician's again. */
  pushed = push_language (data, kind, &language_error);
  if (language_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&language_error));
      return FALSE;
    }

  tmp_path = g_strdup_printf ("%s.partial", path);
  surface = cairo_pdf_surface_create (tmp_path, size.width_pt, size.height_pt);

  if (kind == STIPPLE_REPORT_CHART)
    title = g_strdup_printf (_("Microneedling session record: %s"),
                             data->patient_name ? data->patient_name : "");
  else
    title = g_strdup_printf (_("Your microneedling treatment: %s"),
                             data->patient_name ? data->patient_name : "");
  created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S%:z");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR,
                                  data->clinician ? data->clinician : "");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT,
                                  _("Microneedling session report"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR,
                                  PACKAGE_NAME " " PACKAGE_VERSION);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, created);

  renderer_init (&r, data, kind, size);
  r.n_pages = count_pages (data, kind, size);
  r.target = cairo_create (surface);
  r.all_pages = TRUE;
  render (&r);
  cairo_show_page (r.target);
  cairo_destroy (r.target);
  renderer_clear (&r);
  if (pushed)
    stipple_i18n_pop_language ();

  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_unlink (tmp_path);
      g_set_error (error, STIPPLE_REPORT_ERROR, STIPPLE_REPORT_ERROR_WRITE,
                   _("The report could not be written to “%s”: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }

  if (g_rename (tmp_path, path) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp_path);
      g_set_error (error, STIPPLE_REPORT_ERROR, STIPPLE_REPORT_ERROR_WRITE,
                   _("The report could not be written to “%s”: %s"),
                   path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}
