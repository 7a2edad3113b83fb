/* stipple-photo-reads.h: what the photograph windows read from the
 * patient file, as jobs for the store's writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "stipple-store.h"

G_BEGIN_DECLS

GdkPixbuf   *stipple_photo_read               (StippleStore        *store,
                                               const StipplePhoto  *photo,
                                               int                  max_side,
                                               GError             **error);
void         stipple_photo_set_read_error     (GError             **error,
                                               const StipplePhoto  *photo,
                                               const GError        *cause);
const char  *stipple_photo_refusal_reason     (StipplePhotoConsent  consent);

/* The ghost: a view as it was first photographed for a patient. */
typedef struct
{
  gint64            patient_id;
  StipplePhotoView  view;
  StippleZone       zone;
} StipplePhotoGhostRequest;

gpointer     stipple_photo_ghost_job          (StippleStore        *store,
                                               gpointer             data,
                                               GCancellable        *cancellable,
                                               GError             **error);

/* A session's photos as the writer read them, with their thumbnails
 * decoded there: one a photo, %NULL where it could not be read. */
typedef struct
{
  gint64 patient_id;
  gint64 session_id;
} StipplePhotoSessionRequest;

typedef struct
{
  GPtrArray *photos;
  GPtrArray *thumbs;
  /* The first photo that could not be read, in words. */
  char      *problem;
} StippleSessionPhotos;

void         stipple_session_photos_free      (StippleSessionPhotos *listed);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleSessionPhotos, stipple_session_photos_free)

gpointer     stipple_photo_list_session_job   (StippleStore        *store,
                                               gpointer             data,
                                               GCancellable        *cancellable,
                                               GError             **error);

/* The consent, asked before a photo is taken or imported. */
typedef struct
{
  gint64  patient_id;
  gint64  session_id;
  char   *clinician;
} StipplePhotoConsentRequest;

typedef struct
{
  StipplePhotoConsent  consent;
  /* Why the refusal could not be recorded, if it could not. */
  GError              *unrecorded;
} StipplePhotoConsentAnswer;

void         stipple_photo_consent_request_free (StipplePhotoConsentRequest *request);
void         stipple_photo_consent_answer_free  (StipplePhotoConsentAnswer  *answer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StipplePhotoConsentAnswer, stipple_photo_consent_answer_free)

gpointer     stipple_photo_consent_job        (StippleStore        *store,
                                               gpointer             data,
                                               GCancellable        *cancellable,
                                               GError             **error);
gpointer     stipple_photo_get_consent_job    (StippleStore        *store,
                                               gpointer             data,
                                               GCancellable        *cancellable,
                                               GError             **error);

G_END_DECLS
