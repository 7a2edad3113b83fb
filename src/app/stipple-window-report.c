/* stipple-window-report.c
 *
 * What the main window sends off the machine: a patient exported to a
 * file, and a session's reports, saved as PDF or printed, offered when a
 * treatment ends.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-window"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-report-session.h"
#include "stipple-window-private.h"
#include "stipple-zone-limits.h"

void
stipple_window_show_error (StippleWindow *self,
                           const char    *heading,
                           const char    *message)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(StippleWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!stipple_store_export_patient_finish (STIPPLE_STORE (object), result, &error))
    stipple_window_show_error (self, _("The Patient Was Not Exported"), error->message);
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    StippleWindow   *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && stipple_window_get_store (self) != NULL)
    {
      g_autofree char *path = NULL;
      gint64 patient_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (chooser), "patient-id"));

      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = g_file_get_path (file);
      stipple_store_export_patient_async (stipple_window_get_store (self), patient_id, path, NULL,
                                          export_done_cb, g_object_ref (self));
    }

  g_object_unref (chooser);
}

void
stipple_window_export_patient_cb (StippleWindow *self,
                                  gint64         patient_id)
{
  GtkFileChooserNative *chooser;

  /* The portal-backed chooser: works inside the Flatpak sandbox too. */
  chooser = gtk_file_chooser_native_new (_("Export Patient"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "patient.stipple");
  g_object_set_data (G_OBJECT (chooser), "patient-id", GSIZE_TO_POINTER ((gsize) patient_id));
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ------------------------------------------------------------------------
 * Reports
 * ------------------------------------------------------------------------ */

/* Everything a report needs, taken on the main thread: the store job
 * and the worker that draws the PDF read nothing else. */
typedef struct
{
  StippleWindow     *window;
  gint64             session_id;
  StippleReportKind  kind;
  char              *path;
  StippleZoneLimits  limits;
  char              *clinic_name;
  char              *clinic_address;
  char              *clinic_phone;
  StippleReportData *data;
} ReportJob;

static void
report_job_free (gpointer data)
{
  ReportJob *job = data;

  g_clear_object (&job->window);
  g_clear_pointer (&job->data, stipple_report_data_free);
  g_free (job->path);
  g_free (job->clinic_name);
  g_free (job->clinic_address);
  g_free (job->clinic_phone);
  g_free (job);
}

static gpointer report_data_job (StippleStore  *store,
                                 gpointer       data,
                                 GCancellable  *cancellable,
                                 GError       **error);

static ReportJob *
report_job_new (StippleWindow     *self,
                gint64             session_id,
                StippleReportKind  kind)
{
  g_autoptr(GVariant) overrides = g_settings_get_value (self->settings, "zone-limits");
  ReportJob *job = g_new0 (ReportJob, 1);

  job->window = g_object_ref (self);
  job->session_id = session_id;
  job->kind = kind;
  job->clinic_name = g_settings_get_string (self->settings, "clinic-name");
  job->clinic_address = g_settings_get_string (self->settings, "clinic-address");
  job->clinic_phone = g_settings_get_string (self->settings, "clinic-phone");
  stipple_zone_limits_init_defaults (&job->limits);
  stipple_zone_limits_apply_variant (&job->limits, overrides);
  return job;
}

/* On the main thread: the session's record read on the writer, then
 * @callback with @job as its data. */
static void
report_job_read (ReportJob           *job,
                 GAsyncReadyCallback  callback,
                 gpointer             source_tag)
{
  /* The job is the callback's: the store job only reads it. */
  stipple_store_run_async (stipple_window_get_store (job->window), STIPPLE_STORE_LANE_WRITER,
                           report_data_job, job,
                           NULL, (GDestroyNotify) stipple_report_data_free, NULL,
                           callback, job, source_tag);
}

/* On the store's writer: the session's record, read in turn with the
 * writes queued before it. */
static gpointer
report_data_job (StippleStore  *store,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  ReportJob *job = data;
  StippleReportData *report;

  report = stipple_report_data_from_session (store, job->session_id, job->clinic_name,
                                             job->clinic_address, &job->limits, error);
  if (report != NULL)
    report->clinic_phone = g_strdup (job->clinic_phone);
  return report;
}

/* On a worker: drawing the PDF is no store work, and reads only the job. */
static void
report_thread_cb (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ReportJob *job = task_data;
  GError *error = NULL;

  if (!stipple_report_write_pdf (job->data, job->kind, job->path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void report_done_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data);

static void
report_data_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ReportJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  job->data = stipple_store_run_finish (STIPPLE_STORE (object), result, &error);
  if (job->data == NULL)
    {
      stipple_window_show_error (job->window, _("The Report Was Not Exported"), error->message);
      report_job_free (job);
      return;
    }
  task = g_task_new (job->window, NULL, report_done_cb, NULL);
  g_task_set_task_data (task, job, report_job_free);
  g_task_run_in_thread (task, report_thread_cb);
}

static void
report_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  StippleWindow *self = STIPPLE_WINDOW (object);
  ReportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *title = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      stipple_window_show_error (self, _("The Report Was Not Exported"), error->message);
      return;
    }

  /* Said once it is on disk, not when it was asked for. */
  basename = g_path_get_basename (job->path);
  title = g_strdup_printf (_("Saved “%s”"), basename);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static void
report_chooser_response_cb (GtkNativeDialog *chooser,
                            int              response,
                            StippleWindow   *self)
{
  ReportJob *job = g_object_steal_data (G_OBJECT (chooser), "job");

  if (response == GTK_RESPONSE_ACCEPT && stipple_window_get_store (self) != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      job->path = g_file_get_path (file);
      report_job_read (job, report_data_cb, stipple_window_export_report);
    }
  else
    report_job_free (job);

  g_object_unref (chooser);
}

void
stipple_window_export_report (StippleWindow     *self,
                              gint64             session_id,
                              StippleReportKind  kind)
{
  GtkFileChooserNative *chooser;
  ReportJob *job = report_job_new (self, session_id, kind);
  g_autofree char *name = NULL;

  {
    const StipplePatientChart *chart = self->patient_page ? stipple_patient_page_get_chart (self->patient_page) : NULL;
    const StippleSession *session = NULL;
    g_autoptr(GDateTime) start = NULL;

    for (guint i = 0; chart != NULL && i < chart->sessions->len && session == NULL; i++)
      if (((const StippleSession *) g_ptr_array_index (chart->sessions, i))->id == session_id)
        session = g_ptr_array_index (chart->sessions, i);
    if (session != NULL && session->started_at != NULL)
      start = g_date_time_to_local (session->started_at);
    name = stipple_report_file_name (session != NULL ? chart->patient->family_name : NULL, start, kind);
  }
  /* The portal-backed chooser: works inside the Flatpak sandbox too. */
  chooser = gtk_file_chooser_native_new (kind == STIPPLE_REPORT_CHART ? _("Export Session Record")
                                                                      : _("Export Patient Copy"),
                                         GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "job", job);
  g_signal_connect (chooser, "response", G_CALLBACK (report_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static StipplePageSize
print_page_size (GtkPrintContext *context)
{
  return (StipplePageSize) { gtk_print_context_get_width (context),
                             gtk_print_context_get_height (context) };
}

static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                StippleReportData *data)
{
  gtk_print_operation_set_n_pages (operation,
                                   stipple_report_count_pages (data, STIPPLE_REPORT_CHART,
                                                               print_page_size (context)));
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              StippleReportData *data)
{
  /* The very code that draws the PDF. */
  stipple_report_draw_page (data, STIPPLE_REPORT_CHART, print_page_size (context),
                            gtk_print_context_get_cairo_context (context), page);
}

static void
print_data_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ReportJob *job = user_data;
  StippleWindow *self = job->window;
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;
  StippleReportData *data = stipple_store_run_finish (STIPPLE_STORE (object), result, &error);

  if (data == NULL)
    stipple_window_show_error (self, _("The Report Cannot Be Printed"), error->message);
  else if (data->session_end == NULL)
    stipple_window_show_error (self, _("The Report Cannot Be Printed"),
                _("This session is still running. End the session before printing its report."));
  if (data == NULL || data->session_end == NULL)
    {
      g_clear_pointer (&data, stipple_report_data_free);
      report_job_free (job);
      return;
    }

  operation = gtk_print_operation_new ();
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (operation, _("Microneedling session record"));
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), data);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), data);
  g_object_set_data_full (G_OBJECT (operation), "report", data,
                          (GDestroyNotify) stipple_report_data_free);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, GTK_WINDOW (self),
                               &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    stipple_window_show_error (self, _("The Report Was Not Printed"), error->message);
  report_job_free (job);
}

/* The record of an ended session, read on the store's writer, then
 * offered to the printer. */
void
stipple_window_print_report (StippleWindow *self,
                             gint64         session_id)
{
  if (stipple_window_get_store (self) == NULL)
    return;
  report_job_read (report_job_new (self, session_id, STIPPLE_REPORT_CHART), print_data_cb,
                   stipple_window_print_report);
}

static void
ended_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   StippleWindow    *self)
{
  gint64 session_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "session-id"));

  if (g_str_equal (response, "record"))
    stipple_window_export_report (self, session_id, STIPPLE_REPORT_CHART);
  else if (g_str_equal (response, "patient"))
    stipple_window_export_report (self, session_id, STIPPLE_REPORT_PATIENT);
  else if (g_str_equal (response, "print"))
    stipple_window_print_report (self, session_id);
}

void
stipple_window_offer_report (StippleWindow *self,
                             gint64         session_id)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Session Ended"),
                                              _("The session is saved. Export its record for the "
                                                "chart, the patient’s copy with the aftercare, or "
                                                "print the record."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "close", _("_Close"),
                                    "print", _("_Print…"),
                                    "patient", _("Patient _Copy…"),
                                    "record", _("_Export Record…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "record",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_object_set_data (G_OBJECT (dialog), "session-id", GSIZE_TO_POINTER ((gsize) session_id));
  g_signal_connect (dialog, "response", G_CALLBACK (ended_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

