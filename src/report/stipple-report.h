/* stipple-report.h: the session report, as PDF or on any cairo surface
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

#include "stipple-face.h"
#include "stipple-presets.h"
#include "stipple-zones.h"

G_BEGIN_DECLS

#define STIPPLE_REPORT_ERROR (stipple_report_error_quark ())

typedef enum
{
  STIPPLE_REPORT_ERROR_IN_PROGRESS,
  STIPPLE_REPORT_ERROR_WRITE,
} StippleReportError;

typedef enum
{
  /* Everything, for the clinic's chart. */
  STIPPLE_REPORT_CHART,
  /* For the patient: what was done, aftercare and the next visit; no
   * screening answers, device data or audit detail. */
  STIPPLE_REPORT_PATIENT,
} StippleReportKind;

/* Columns of the decimated graphs: plenty for a page's width. */
#define STIPPLE_REPORT_GRAPH_COLUMNS 600

typedef struct
{
  StippleZone zone;
  guint       n_passes;               /* planned */
  guint       passes_done;            /* the needle was started on; see passes_known */
  gboolean    passes_known;           /* FALSE for records from before passes were logged */
  guint       depth_um[STIPPLE_MAX_PASSES];
  guint       rate_hz;
  guint       limit_um;
  guint       strokes;
  gint64      time_in_zone_us;
  guint       out_of_tolerance;
} StippleReportZone;

typedef struct
{
  char     *question;
  gboolean  answer;
  gboolean  stop;
} StippleReportScreening;

typedef struct
{
  char *product;
  char *lot;
} StippleReportSerum;

typedef struct
{
  GDateTime *time;
  char      *what;
  gboolean   fault;
} StippleReportEvent;

/* Something added to the notes after the session was sealed. */
typedef struct
{
  GDateTime *written_at;
  char      *author;
  gboolean   to_note_before;
  char      *text;
} StippleReportAddendum;

/* A photograph of the session, as the patient file keeps it: a JPEG
 * with no metadata, embedded in the PDF as it is (stipple-report-photos.c). */
typedef struct
{
  int        view;                    /* StipplePhotoView */
  StippleZone zone;                   /* of a close-up */
  int        moment;                  /* StipplePhotoMoment */
  GBytes    *jpeg;
  guint      width;
  guint      height;
  /* Hidden since the consent to photographs was withdrawn: only the
   * chart copy shows it, marked so. */
  gboolean   withdrawn;
} StippleReportPhoto;

/* One column of a decimated series: time in seconds from the session's
 * start, and the smallest and largest value seen in that column. */
typedef struct
{
  double t_s;
  double min;
  double max;
} StippleReportPoint;

typedef struct
{
  char       *clinic_name;
  char       *clinic_address;
  char       *clinic_phone;           /* the patient's copy says to call it */

  char       *patient_name;
  char       *record_number;
  GDateTime  *date_of_birth;
  guint       fitzpatrick;            /* 1–6, 0 if not recorded */
  char       *allergies;              /* as recorded, NULL or empty if none */

  GDateTime  *session_start;
  GDateTime  *session_end;            /* NULL while the session runs */
  char       *clinician;
  char       *pen_serial;
  char       *pen_firmware;
  char       *cartridge_id;
  char       *cartridge_lot;
  char       *anaesthetic;            /* product, NULL if none */
  GDateTime  *anaesthetic_applied;
  GPtrArray  *serums;                 /* StippleReportSerum */

  GPtrArray  *screening;              /* StippleReportScreening */
  char       *override_reason;
  gboolean    consent_treatment;
  gboolean    consent_photographs;
  gboolean    photographs_asked;      /* FALSE: no photographs consent on record */
  GDateTime  *consent_date;

  GArray     *zones;                  /* StippleReportZone */
  GArray     *depth_series;           /* StippleReportPoint, µm reached per stroke */
  GArray     *rate_series;            /* StippleReportPoint, strokes per second */

  char       *notes_before;
  char       *notes_after;
  GPtrArray  *addenda;                /* StippleReportAddendum, oldest first */
  int         erythema_grade;         /* 0–3, -1 if not recorded */
  gboolean    pinpoint_bleeding;
  char       *aftercare_given;

  GPtrArray  *events;                 /* StippleReportEvent: confirmations and faults */
  guint64     samples_lost;           /* needle samples that never reached the file */
  guint       loss_episodes;          /* in how many episodes they were lost */
  GDateTime  *next_session;

  /* The patient's language: the patient copy is written in it. A code
   * of stipple_i18n_get_languages(); NULL for the interface language. */
  char       *language;

  /* The face map drawn in the report; NULL for none. */
  const StippleFaceGeometry *face;

  /* Why this session's record cannot be trusted, said on the first
   * page; NULL when its record is whole. */
  char       *record_warning;
  /* The head of the file's audit chain when the report was made (row
   * and SHA-256), printed on every page as an anchor; NULL for none. */
  gint64      anchor_row;
  char       *anchor_hash;
  /* What of the needle data could not be read and is left out of the
   * graphs and figures; NULL when all of it was read. */
  char       *telemetry_missing;
  /* When the needle data was thinned to the per-stroke record (UTC, as
   * the file keeps it), which the graphs are then drawn from; NULL when
   * it is kept at full rate. */
  char       *telemetry_thinned_at;
  /* Why none of the needle data could be read (its archive missing or
   * changed), said in place of the graphs; NULL when it was read. */
  char       *telemetry_unreadable;

  /* StippleReportPhoto, oldest first; NULL for none. The patient copy
   * shows them only with consent to photographs. */
  GPtrArray  *photos;
} StippleReportData;

typedef struct
{
  double width_pt;
  double height_pt;
} StipplePageSize;

GQuark             stipple_report_error_quark     (void);

StippleReportData *stipple_report_data_new        (void);
void               stipple_report_data_free       (StippleReportData  *data);
void               stipple_report_data_add_serum  (StippleReportData  *data,
                                                   const char         *product,
                                                   const char         *lot);
void               stipple_report_data_add_screening (StippleReportData *data,
                                                   const char         *question,
                                                   gboolean            answer,
                                                   gboolean            stop);
void               stipple_report_data_add_event  (StippleReportData  *data,
                                                   GDateTime          *time,
                                                   const char         *what,
                                                   gboolean            fault);

void               stipple_report_data_add_photo  (StippleReportData  *data,
                                                   int                 view,
                                                   StippleZone         zone,
                                                   int                 moment,
                                                   GBytes             *jpeg,
                                                   guint               width,
                                                   guint               height,
                                                   gboolean            withdrawn);

StipplePageSize    stipple_report_page_size_for_locale (void);

guint              stipple_report_count_pages     (const StippleReportData *data,
                                                   StippleReportKind        kind,
                                                   StipplePageSize          size);
void               stipple_report_draw_page       (const StippleReportData *data,
                                                   StippleReportKind        kind,
                                                   StipplePageSize          size,
                                                   cairo_t                 *cr,
                                                   guint                    page);
gboolean           stipple_report_write_pdf       (const StippleReportData *data,
                                                   StippleReportKind        kind,
                                                   const char              *path,
                                                   GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleReportData, stipple_report_data_free)

G_END_DECLS
