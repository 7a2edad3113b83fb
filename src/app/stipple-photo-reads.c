/* stipple-photo-reads.c
 *
 * What the photograph windows read from the patient file: the session's
 * photos with their thumbnails, the ghost of a view, a photo's pixels,
 * and the consent (with a refusal recorded in the same turn). Each is a
 * job for stipple_store_run_async() on the store's writer: it touches
 * only the store and the request it was given, decodes the pixels there,
 * and leaves textures and widgets to the window's thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-photo"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-photo-import.h"
#include "stipple-photo-reads.h"

/**
 * stipple_photo_set_read_error:
 * @error: return location for a #GError
 * @photo: the photo that could not be read
 * @cause: why
 *
 * Sets @error to @cause with the photo it is about named, so the
 * clinician knows which one could not be read.
 */
void
stipple_photo_set_read_error (GError             **error,
                              const StipplePhoto  *photo,
                              const GError        *cause)
{
  g_autofree char *name = stipple_photo_get_description (photo);

  g_set_error (error, cause->domain, cause->code, _("“%s” could not be read: %s"), name,
               cause->message);
}

/**
 * stipple_photo_read:
 * @store: the patient file
 * @photo: a photo, listed with or without its pixels
 * @max_side: the longest side wanted, in pixels
 * @error: return location for a #GError naming the photo
 *
 * On the writer: @photo's stored JPEG (read now unless it was listed with
 * its pixels), decoded to at most @max_side.
 *
 * Returns: (transfer full) (nullable): the pixels, or %NULL with @error set
 */
GdkPixbuf *
stipple_photo_read (StippleStore        *store,
                    const StipplePhoto  *photo,
                    int                  max_side,
                    GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  jpeg = photo->jpeg != NULL ? g_bytes_ref (photo->jpeg)
                             : stipple_store_load_photo_pixels (store, photo->id, &local_error);
  if (jpeg != NULL)
    pixbuf = stipple_photo_decode (jpeg, max_side, &local_error);
  if (pixbuf == NULL)
    {
      stipple_photo_set_read_error (error, photo, local_error);
      return NULL;
    }
  return g_steal_pointer (&pixbuf);
}

/**
 * stipple_photo_ghost_job:
 * @data: a #StipplePhotoGhostRequest
 *
 * A #StippleStoreJobFunc: the ghost's pixels, the view as it was first
 * photographed (before a session, where there is one), or %NULL without
 * an error when the view has never been photographed.
 */
gpointer
stipple_photo_ghost_job (StippleStore  *store,
                         gpointer       data,
                         GCancellable  *cancellable,
                         GError       **error)
{
  StipplePhotoGhostRequest *request = data;
  g_autoptr(GPtrArray) all = NULL;
  StipplePhoto *first = NULL;

  all = stipple_store_list_photos (store, request->patient_id, 0, FALSE, FALSE, error);
  if (all == NULL)
    return NULL;
  for (guint i = 0; i < all->len; i++)
    {
      StipplePhoto *p = all->pdata[i];

      if (p->view != request->view || p->zone != request->zone)
        continue;
      if (first == NULL || (first->moment != STIPPLE_PHOTO_MOMENT_BEFORE &&
                            p->moment == STIPPLE_PHOTO_MOMENT_BEFORE &&
                            p->session_id == first->session_id))
        first = p;
    }
  if (first == NULL)
    return NULL;
  return stipple_photo_read (store, first, 1280, error);
}

/* For arrays of thumbnails, where %NULL stands for one not read. */
static void
clear_thumb (gpointer thumb)
{
  if (thumb != NULL)
    g_object_unref (thumb);
}

void
stipple_session_photos_free (StippleSessionPhotos *listed)
{
  g_clear_pointer (&listed->photos, g_ptr_array_unref);
  g_clear_pointer (&listed->thumbs, g_ptr_array_unref);
  g_free (listed->problem);
  g_free (listed);
}

/**
 * stipple_photo_list_session_job:
 * @data: a #StipplePhotoSessionRequest
 *
 * A #StippleStoreJobFunc: the session's photos with their thumbnails, a
 * #StippleSessionPhotos. A photo that cannot be read has no thumbnail,
 * and the first of them is named in the result's problem.
 */
gpointer
stipple_photo_list_session_job (StippleStore  *store,
                                gpointer       data,
                                GCancellable  *cancellable,
                                GError       **error)
{
  StipplePhotoSessionRequest *request = data;
  g_autoptr(StippleSessionPhotos) listed = g_new0 (StippleSessionPhotos, 1);

  listed->photos = stipple_store_list_photos (store, request->patient_id, request->session_id,
                                              FALSE, TRUE, error);
  if (listed->photos == NULL)
    return NULL;
  listed->thumbs = g_ptr_array_new_full (listed->photos->len, clear_thumb);
  for (guint i = 0; i < listed->photos->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      GdkPixbuf *thumb = stipple_photo_read (store, listed->photos->pdata[i], 160, &local_error);

      if (thumb == NULL && listed->problem == NULL)
        listed->problem = g_strdup (local_error->message);
      g_ptr_array_add (listed->thumbs, thumb);
    }
  return g_steal_pointer (&listed);
}

/**
 * stipple_photo_refusal_reason:
 * @consent: a consent other than given
 *
 * Returns: why no photograph may be taken, in words
 */
const char *
stipple_photo_refusal_reason (StipplePhotoConsent consent)
{
  if (consent == STIPPLE_PHOTO_CONSENT_REFUSED)
    return _("The patient refused consent to photographs.");
  if (consent == STIPPLE_PHOTO_CONSENT_WITHDRAWN)
    return _("The patient withdrew consent to photographs.");
  return _("The patient has not been asked for consent to photographs.");
}

void
stipple_photo_consent_request_free (StipplePhotoConsentRequest *request)
{
  g_free (request->clinician);
  g_free (request);
}

void
stipple_photo_consent_answer_free (StipplePhotoConsentAnswer *answer)
{
  g_clear_error (&answer->unrecorded);
  g_free (answer);
}

/**
 * stipple_photo_consent_job:
 * @data: a #StipplePhotoConsentRequest
 *
 * A #StippleStoreJobFunc: the consent as the record has it now, a
 * #StipplePhotoConsentAnswer; without it, the refusal is recorded in the
 * same turn (or the answer says why it could not be).
 */
gpointer
stipple_photo_consent_job (StippleStore  *store,
                           gpointer       data,
                           GCancellable  *cancellable,
                           GError       **error)
{
  StipplePhotoConsentRequest *request = data;
  GError *local_error = NULL;
  StipplePhotoConsentAnswer *answer;
  StipplePhotoConsent consent;

  consent = stipple_store_get_photo_consent (store, request->patient_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  answer = g_new0 (StipplePhotoConsentAnswer, 1);
  answer->consent = consent;
  if (consent != STIPPLE_PHOTO_CONSENT_GIVEN)
    stipple_store_record_photo_refusal (store, request->patient_id, request->session_id,
                                        request->clinician, stipple_photo_refusal_reason (consent),
                                        &answer->unrecorded);
  return answer;
}

/**
 * stipple_photo_get_consent_job:
 * @data: the patient's id, a #gint64
 *
 * A #StippleStoreJobFunc: the patient's consent to photographs, as
 * GINT_TO_POINTER() of a #StipplePhotoConsent.
 */
gpointer
stipple_photo_get_consent_job (StippleStore  *store,
                               gpointer       data,
                               GCancellable  *cancellable,
                               GError       **error)
{
  return GINT_TO_POINTER (stipple_store_get_photo_consent (store, *(gint64 *) data, error));
}
