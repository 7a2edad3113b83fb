/* stipple-report-data.c
 *
 * The report's data: what a session's report is drawn from, how it is
 * filled and freed, and the paper it is printed on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-report"

#include "config.h"

#include <langinfo.h>
#include <stdint.h>

#include "stipple-report-private.h"

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
  g_free (data->telemetry_thinned_at);
  g_free (data->telemetry_unreadable);
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
