/* stipple-report.c
 *
 * The session report. One drawing code path serves the PDF export and
 * printing: pages are laid out with a PangoContext of our own (no hinted
 * metrics, 72 dpi), so the layout, and so the page count, is the same on
 * every cairo surface.
 *
 * This file holds the entry points: counting and drawing pages for
 * printing, and writing the PDF, in the reader's language. The report's
 * data is in stipple-report-data.c, its page flow and text helpers in
 * stipple-report-layout.c, its sections in stipple-report-sections.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-report"

#include "config.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <glib/gstdio.h>

#include "stipple-i18n.h"
#include "stipple-report-private.h"

G_DEFINE_QUARK (stipple-report-error-quark, stipple_report_error)

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

  stipple_report_renderer_init (&r, data, kind, size);
  r.wanted_page = G_MAXUINT;
  r.target = r.scratch;
  stipple_report_render (&r);
  n_pages = r.n_pages;
  stipple_report_renderer_clear (&r);

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
  stipple_report_renderer_init (&r, data, kind, size);
  r.n_pages = count_pages (data, kind, size);
  r.target = cr;
  r.wanted_page = page;
  cairo_save (cr);
  stipple_report_render (&r);
  cairo_restore (cr);
  stipple_report_renderer_clear (&r);
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

  stipple_report_renderer_init (&r, data, kind, size);
  r.n_pages = count_pages (data, kind, size);
  r.target = cairo_create (surface);
  r.all_pages = TRUE;
  stipple_report_render (&r);
  cairo_show_page (r.target);
  cairo_destroy (r.target);
  stipple_report_renderer_clear (&r);
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
