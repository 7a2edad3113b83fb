/* stipple-store-photos.h: before and after photographs in the patient file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "stipple-zones.h"

G_BEGIN_DECLS

typedef struct _StippleStore StippleStore;

/* The standard views, in the order a session takes them. */
typedef enum
{
  STIPPLE_PHOTO_VIEW_FRONT,
  STIPPLE_PHOTO_VIEW_LEFT_OBLIQUE,
  STIPPLE_PHOTO_VIEW_RIGHT_OBLIQUE,
  STIPPLE_PHOTO_VIEW_LEFT_PROFILE,
  STIPPLE_PHOTO_VIEW_RIGHT_PROFILE,
  STIPPLE_PHOTO_VIEW_CLOSE_UP,
  STIPPLE_PHOTO_N_VIEWS
} StipplePhotoView;

typedef enum
{
  /* After cleansing, no make-up. */
  STIPPLE_PHOTO_MOMENT_BEFORE,
  /* Immediately after the treatment: the erythema. */
  STIPPLE_PHOTO_MOMENT_AFTER,
  /* At the next visit, before anything is done. */
  STIPPLE_PHOTO_MOMENT_NEXT_VISIT,
  STIPPLE_PHOTO_N_MOMENTS
} StipplePhotoMoment;

typedef enum
{
  STIPPLE_PHOTO_SOURCE_CAMERA,
  STIPPLE_PHOTO_SOURCE_FILE,
} StipplePhotoSource;

/* The patient's consent to photographs as the record has it now: the
 * last consent of that kind decides. */
typedef enum
{
  STIPPLE_PHOTO_CONSENT_NOT_ASKED,
  STIPPLE_PHOTO_CONSENT_GIVEN,
  STIPPLE_PHOTO_CONSENT_REFUSED,
  /* Given, then withdrawn: the photos already taken are hidden. */
  STIPPLE_PHOTO_CONSENT_WITHDRAWN,
} StipplePhotoConsent;

typedef struct
{
  gint64              id;
  char               *uid;
  gint64              patient_id;
  gint64              session_id;
  StipplePhotoView    view;
  /* The zone of a close-up; STIPPLE_ZONE_NONE for the other views. */
  StippleZone         zone;
  StipplePhotoMoment  moment;
  /* When Stipple stored it: the only date the photo carries. */
  GDateTime          *taken_at;
  char               *taken_by;
  StipplePhotoSource  source;
  guint               width;
  guint               height;
  /* The JPEG as stored, no metadata; NULL when listed without pixels,
   * empty when the file holds only its hash (exported after withdrawal). */
  GBytes             *jpeg;
  char               *sha256;
  /* Hidden since the consent to photographs was withdrawn. */
  gboolean            hidden;
} StipplePhoto;

#define STIPPLE_TYPE_PHOTO (stipple_photo_get_type ())

GType               stipple_photo_get_type             (void) G_GNUC_CONST;
StipplePhoto       *stipple_photo_new                  (void);
StipplePhoto       *stipple_photo_copy                 (const StipplePhoto *photo);
void                stipple_photo_free                 (StipplePhoto       *photo);
const char         *stipple_photo_view_to_key          (StipplePhotoView    view);
gboolean            stipple_photo_view_from_key        (const char         *key,
                                                        StipplePhotoView   *view);
const char         *stipple_photo_moment_to_key        (StipplePhotoMoment  moment);
gboolean            stipple_photo_moment_from_key      (const char         *key,
                                                        StipplePhotoMoment *moment);
const char         *stipple_photo_view_get_name        (StipplePhotoView    view);
const char         *stipple_photo_moment_get_name      (StipplePhotoMoment  moment);
char               *stipple_photo_get_description      (const StipplePhoto *photo);

StipplePhotoConsent stipple_store_get_photo_consent    (StippleStore       *self,
                                                        gint64              patient_id,
                                                        GError            **error);
gboolean            stipple_store_add_photo            (StippleStore       *self,
                                                        StipplePhoto       *photo,
                                                        GError            **error);
void                stipple_store_add_photo_async      (StippleStore       *self,
                                                        const StipplePhoto *photo,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
StipplePhoto       *stipple_store_add_photo_finish     (StippleStore       *self,
                                                        GAsyncResult       *result,
                                                        GError            **error);
gboolean            stipple_store_record_photo_refusal (StippleStore       *self,
                                                        gint64              patient_id,
                                                        gint64              session_id,
                                                        const char         *user,
                                                        const char         *reason,
                                                        GError            **error);
GPtrArray          *stipple_store_list_photos          (StippleStore       *self,
                                                        gint64              patient_id,
                                                        gint64              session_id,
                                                        gboolean            include_hidden,
                                                        gboolean            with_pixels,
                                                        GError            **error);
GBytes             *stipple_store_load_photo_pixels    (StippleStore       *self,
                                                        gint64              photo_id,
                                                        GError            **error);
guint               stipple_store_count_photo_refusals (StippleStore       *self,
                                                        gint64              patient_id,
                                                        GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StipplePhoto, stipple_photo_free)

G_END_DECLS
