/* stipple-store-photos.c
 *
 * Before and after photographs in the patient file. The store takes a
 * photo already re-encoded by src/photo/ (no metadata left) and keeps its
 * bytes with their SHA-256; it knows nothing of pixels. The consent to
 * photographs decides here, at the one door every photo passes: without
 * it a photo is refused and the refusal recorded; when it is withdrawn
 * the photos are hidden by a recorded event, never deleted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-store-private.h"

G_DEFINE_BOXED_TYPE (StipplePhoto, stipple_photo, stipple_photo_copy, stipple_photo_free)

static const char * const view_keys[] = {
  [STIPPLE_PHOTO_VIEW_FRONT] = "front",
  [STIPPLE_PHOTO_VIEW_LEFT_OBLIQUE] = "left-oblique",
  [STIPPLE_PHOTO_VIEW_RIGHT_OBLIQUE] = "right-oblique",
  [STIPPLE_PHOTO_VIEW_LEFT_PROFILE] = "left-profile",
  [STIPPLE_PHOTO_VIEW_RIGHT_PROFILE] = "right-profile",
  [STIPPLE_PHOTO_VIEW_CLOSE_UP] = "close-up",
};
G_STATIC_ASSERT (G_N_ELEMENTS (view_keys) == STIPPLE_PHOTO_N_VIEWS);

static const char * const moment_keys[] = {
  [STIPPLE_PHOTO_MOMENT_BEFORE] = "before",
  [STIPPLE_PHOTO_MOMENT_AFTER] = "after",
  [STIPPLE_PHOTO_MOMENT_NEXT_VISIT] = "next-visit",
};
G_STATIC_ASSERT (G_N_ELEMENTS (moment_keys) == STIPPLE_PHOTO_N_MOMENTS);

/**
 * stipple_photo_view_to_key:
 * @view: a view
 *
 * Returns: the view's key as the patient file stores it
 */
const char *
stipple_photo_view_to_key (StipplePhotoView view)
{
  g_return_val_if_fail (view < STIPPLE_PHOTO_N_VIEWS, NULL);
  return view_keys[view];
}

/**
 * stipple_photo_view_from_key:
 * @key: a view's key
 * @view: (out): the view
 *
 * Returns: whether @key names a view
 */
gboolean
stipple_photo_view_from_key (const char       *key,
                             StipplePhotoView *view)
{
  for (guint i = 0; i < G_N_ELEMENTS (view_keys); i++)
    if (g_strcmp0 (key, view_keys[i]) == 0)
      {
        *view = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * stipple_photo_moment_to_key:
 * @moment: a moment
 *
 * Returns: the moment's key as the patient file stores it
 */
const char *
stipple_photo_moment_to_key (StipplePhotoMoment moment)
{
  g_return_val_if_fail (moment < STIPPLE_PHOTO_N_MOMENTS, NULL);
  return moment_keys[moment];
}

/**
 * stipple_photo_moment_from_key:
 * @key: a moment's key
 * @moment: (out): the moment
 *
 * Returns: whether @key names a moment
 */
gboolean
stipple_photo_moment_from_key (const char         *key,
                               StipplePhotoMoment *moment)
{
  for (guint i = 0; i < G_N_ELEMENTS (moment_keys); i++)
    if (g_strcmp0 (key, moment_keys[i]) == 0)
      {
        *moment = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * stipple_photo_new:
 *
 * Returns: (transfer full): an empty, unsaved photo
 */
StipplePhoto *
stipple_photo_new (void)
{
  return g_new0 (StipplePhoto, 1);
}

/**
 * stipple_photo_copy:
 * @photo: a photo
 *
 * Returns: (transfer full): a copy of @photo, sharing its bytes
 */
StipplePhoto *
stipple_photo_copy (const StipplePhoto *photo)
{
  StipplePhoto *copy;

  g_return_val_if_fail (photo != NULL, NULL);

  copy = g_memdup2 (photo, sizeof *photo);
  copy->uid = g_strdup (photo->uid);
  copy->taken_at = photo->taken_at ? g_date_time_ref (photo->taken_at) : NULL;
  copy->taken_by = g_strdup (photo->taken_by);
  copy->jpeg = photo->jpeg ? g_bytes_ref (photo->jpeg) : NULL;
  copy->sha256 = g_strdup (photo->sha256);
  return copy;
}

/**
 * stipple_photo_free:
 * @photo: (nullable): a photo
 */
void
stipple_photo_free (StipplePhoto *photo)
{
  if (photo == NULL)
    return;
  g_free (photo->uid);
  g_clear_pointer (&photo->taken_at, g_date_time_unref);
  g_free (photo->taken_by);
  g_clear_pointer (&photo->jpeg, g_bytes_unref);
  g_free (photo->sha256);
  g_free (photo);
}

/* With the mutex held. */
static StipplePhotoConsent
photo_consent_locked (StippleStore  *self,
                      gint64         patient_id,
                      GError       **error)
{
  g_autoptr(StippleStmt) stmt = NULL;
  StipplePhotoConsent consent = STIPPLE_PHOTO_CONSENT_NOT_ASKED;
  int rc;

  /* The last consent to photographs decides; one given before it makes
   * a refusal a withdrawal. */
  stmt = stipple_store_prepare (self,
                                "SELECT given, EXISTS (SELECT 1 FROM consent e"
                                "  WHERE e.patient_id = c.patient_id AND e.kind = 'photographs'"
                                "  AND e.given = 1 AND e.id < c.id)"
                                " FROM consent c WHERE c.patient_id = ? AND c.kind = 'photographs'"
                                " ORDER BY c.id DESC LIMIT 1", error);
  if (stmt == NULL)
    return STIPPLE_PHOTO_CONSENT_NOT_ASKED;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (sqlite3_column_int (stmt, 0))
        consent = STIPPLE_PHOTO_CONSENT_GIVEN;
      else if (sqlite3_column_int (stmt, 1))
        consent = STIPPLE_PHOTO_CONSENT_WITHDRAWN;
      else
        consent = STIPPLE_PHOTO_CONSENT_REFUSED;
    }
  else if (rc != SQLITE_DONE)
    stipple_store_set_sqlite_error (self->db, rc, self->path, error);
  sqlite3_reset (stmt);
  return consent;
}

/**
 * stipple_store_get_photo_consent:
 * @self: a store
 * @patient_id: a patient
 * @error: return location for a #GError
 *
 * Returns: the patient's consent to photographs as the record has it now
 */
StipplePhotoConsent
stipple_store_get_photo_consent (StippleStore  *self,
                                 gint64         patient_id,
                                 GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), STIPPLE_PHOTO_CONSENT_NOT_ASKED);

  locker = g_mutex_locker_new (&self->mutex);
  return photo_consent_locked (self, patient_id, error);
}

/* With the mutex held, inside a transaction. */
static gboolean
insert_event (StippleStore  *self,
              gint64         patient_id,
              gint64         session_id,
              gint64         photo_id,
              const char    *kind,
              const char    *user,
              const char    *reason,
              GError       **error)
{
  g_autoptr(StippleStmt) stmt = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *at = stipple_store_format_time (now);
  g_autofree char *uid = g_uuid_string_random ();

  stmt = stipple_store_prepare (self,
                                "INSERT INTO photo_event (uid, patient_id, session_id, photo_id,"
                                " kind, at, user, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, patient_id);
  if (session_id != 0)
    sqlite3_bind_int64 (stmt, 3, session_id);
  if (photo_id != 0)
    sqlite3_bind_int64 (stmt, 4, photo_id);
  sqlite3_bind_text (stmt, 5, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, user ? user : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, reason ? reason : "", -1, SQLITE_STATIC);
  return stipple_store_step_done (self, stmt, error);
}

static char *
refusal_reason (StipplePhotoConsent consent)
{
  switch (consent)
    {
    case STIPPLE_PHOTO_CONSENT_REFUSED:
      return g_strdup (_("The patient refused consent to photographs."));
    case STIPPLE_PHOTO_CONSENT_WITHDRAWN:
      return g_strdup (_("The patient withdrew consent to photographs."));
    case STIPPLE_PHOTO_CONSENT_NOT_ASKED:
    case STIPPLE_PHOTO_CONSENT_GIVEN:
    default:
      return g_strdup (_("The patient has not been asked for consent to photographs."));
    }
}

static gpointer
add_photo_job (StippleStore  *self,
               gpointer       photo,
               GCancellable  *cancellable,
               GError       **error)
{
  if (!stipple_store_add_photo (self, photo, error))
    return NULL;
  return stipple_photo_copy (photo);
}

/**
 * stipple_store_add_photo_async:
 * @self: a store
 * @photo: a new photograph, its pixels already stripped; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when stored or refused
 * @user_data: data for @callback
 *
 * See stipple_store_add_photo(); runs on the writer thread. Decoding and
 * encoding pixels is no store work: do it before, elsewhere.
 */
void
stipple_store_add_photo_async (StippleStore        *self,
                               const StipplePhoto  *photo,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));
  g_return_if_fail (photo != NULL && photo->id == 0);

  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, add_photo_job,
                           stipple_photo_copy (photo), (GDestroyNotify) stipple_photo_free,
                           (GDestroyNotify) stipple_photo_free, cancellable, callback, user_data,
                           stipple_store_add_photo_async);
}

/**
 * stipple_store_add_photo_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the photograph as stored, with its id, or
 *   %NULL with @error set
 */
StipplePhoto *
stipple_store_add_photo_finish (StippleStore  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return stipple_store_run_finish (self, result, error);
}

/**
 * stipple_store_record_photo_refusal:
 * @self: a store
 * @patient_id: the patient
 * @session_id: the session, or 0
 * @user: who tried to take or import the photo
 * @reason: why it was refused, as the clinician was told
 * @error: return location for a #GError
 *
 * Records that a photo was refused before it reached the store (a
 * capture not even started). stipple_store_add_photo() records its own.
 *
 * Returns: whether the refusal is recorded
 */
gboolean
stipple_store_record_photo_refusal (StippleStore  *self,
                                    gint64         patient_id,
                                    gint64         session_id,
                                    const char    *user,
                                    const char    *reason,
                                    GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_begin (self, error))
    return FALSE;
  if (!insert_event (self, patient_id, session_id, 0, "refused", user, reason, error))
    {
      stipple_store_rollback (self);
      return FALSE;
    }
  return stipple_store_commit (self, error);
}

/**
 * stipple_store_add_photo:
 * @self: a store
 * @photo: a new photo: patient, session, view, moment, taken_by, source,
 *   size and its JPEG bytes (already stripped of metadata); its id, uid,
 *   taken_at and sha256 are set on return
 * @error: return location for a #GError
 *
 * Stores a photo when the patient consents to photographs. Otherwise
 * nothing is stored, the refusal is recorded with its reason, and @error
 * is %STIPPLE_STORE_ERROR_NO_CONSENT with that reason. A photo added to a
 * session that has ended seals the session again.
 *
 * Returns: whether the photo is stored
 */
gboolean
stipple_store_add_photo (StippleStore  *self,
                         StipplePhoto  *photo,
                         GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *at = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *sum = NULL;
  GError *local_error = NULL;
  StipplePhotoConsent consent;
  gconstpointer data;
  gsize size;
  gint64 id;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (photo != NULL && photo->id == 0, FALSE);

  if (photo->view >= STIPPLE_PHOTO_N_VIEWS || photo->moment >= STIPPLE_PHOTO_N_MOMENTS ||
      (photo->view == STIPPLE_PHOTO_VIEW_CLOSE_UP) != (photo->zone != STIPPLE_ZONE_NONE))
    {
      g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT,
                           _("A close-up names its zone, and only a close-up does."));
      return FALSE;
    }
  if (photo->jpeg == NULL || g_bytes_get_size (photo->jpeg) == 0 ||
      photo->width == 0 || photo->height == 0)
    {
      g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT,
                           _("The photograph holds no picture."));
      return FALSE;
    }

  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_begin (self, error))
    return FALSE;

  consent = photo_consent_locked (self, photo->patient_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      goto fail;
    }
  if (consent != STIPPLE_PHOTO_CONSENT_GIVEN)
    {
      g_autofree char *reason = refusal_reason (consent);

      if (!insert_event (self, photo->patient_id, photo->session_id, 0, "refused",
                         photo->taken_by, reason, error) ||
          !stipple_store_commit (self, error))
        goto fail;
      g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NO_CONSENT, reason);
      return FALSE;
    }

  data = g_bytes_get_data (photo->jpeg, &size);
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
  uid = photo->uid ? g_strdup (photo->uid) : g_uuid_string_random ();
  now = photo->taken_at ? g_date_time_ref (photo->taken_at) : g_date_time_new_now_utc ();
  at = stipple_store_format_time (now);
  stmt = stipple_store_prepare (self,
                                "INSERT INTO photo (uid, patient_id, session_id, view, zone, moment,"
                                " taken_at, taken_by, source, width, height, mime_type, data, sha256)"
                                " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'image/jpeg',"
                                " ?12, ?13 FROM session WHERE id = ?3 AND patient_id = ?2", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, photo->patient_id);
  sqlite3_bind_int64 (stmt, 3, photo->session_id);
  sqlite3_bind_text (stmt, 4, view_keys[photo->view], -1, SQLITE_STATIC);
  if (photo->zone != STIPPLE_ZONE_NONE)
    sqlite3_bind_text (stmt, 5, stipple_zone_get_key (photo->zone), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, moment_keys[photo->moment], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, photo->taken_by ? photo->taken_by : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, photo->source == STIPPLE_PHOTO_SOURCE_FILE ? "file" : "camera",
                     -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 10, photo->width);
  sqlite3_bind_int (stmt, 11, photo->height);
  sqlite3_bind_blob64 (stmt, 12, data, size, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 13, sum, -1, SQLITE_STATIC);
  if (!stipple_store_step_done (self, stmt, error))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                           _("This session is not in the patient file."));
      goto fail;
    }
  id = sqlite3_last_insert_rowid (self->db);

  /* A session already sealed is sealed again with the photo in it. */
  {
    g_autoptr(StippleStmt) ended = stipple_store_prepare (self,
        "SELECT 1 FROM session WHERE id = ? AND ended_at IS NOT NULL", error);

    if (ended == NULL)
      goto fail;
    sqlite3_bind_int64 (ended, 1, photo->session_id);
    if (sqlite3_step (ended) == SQLITE_ROW &&
        !stipple_store_chain_seal (self->db, self->path, photo->session_id, error))
      goto fail;
  }
  if (!stipple_store_commit (self, error))
    goto fail;

  photo->id = id;
  g_free (photo->uid);
  photo->uid = g_steal_pointer (&uid);
  g_clear_pointer (&photo->taken_at, g_date_time_unref);
  photo->taken_at = g_steal_pointer (&now);
  g_free (photo->sha256);
  photo->sha256 = g_steal_pointer (&sum);
  return TRUE;

fail:
  stipple_store_rollback (self);
  return FALSE;
}

/**
 * stipple_store_hide_photos_locked:
 * @self: a store, its mutex held, inside a transaction
 * @patient_id: a patient who has just withdrawn consent to photographs
 * @error: return location for a #GError
 *
 * Records each of the patient's photos not hidden yet as hidden.
 *
 * Returns: whether the photos are hidden
 */
gboolean
stipple_store_hide_photos_locked (StippleStore  *self,
                                  gint64         patient_id,
                                  GError       **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(StippleStmt) stmt = NULL;
  int rc;

  stmt = stipple_store_prepare (self,
                                "SELECT id, session_id FROM photo p WHERE patient_id = ? AND NOT EXISTS"
                                " (SELECT 1 FROM photo_event e WHERE e.photo_id = p.id"
                                "  AND e.kind = 'hidden') ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 pair[2] = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };
      g_array_append_vals (ids, pair, 2);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return FALSE;
    }
  for (guint i = 0; i < ids->len; i += 2)
    if (!insert_event (self, patient_id, g_array_index (ids, gint64, i + 1),
                       g_array_index (ids, gint64, i), "hidden", g_get_user_name (),
                       "consent withdrawn", error))
      return FALSE;
  return TRUE;
}

static StipplePhoto *
photo_from_row (sqlite3_stmt *stmt,
                gboolean      with_pixels)
{
  StipplePhoto *photo = stipple_photo_new ();
  const char *zone = (const char *) sqlite3_column_text (stmt, 5);

  photo->id = sqlite3_column_int64 (stmt, 0);
  photo->uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  photo->patient_id = sqlite3_column_int64 (stmt, 2);
  photo->session_id = sqlite3_column_int64 (stmt, 3);
  stipple_photo_view_from_key ((const char *) sqlite3_column_text (stmt, 4), &photo->view);
  photo->zone = zone ? stipple_zone_from_key (zone) : STIPPLE_ZONE_NONE;
  stipple_photo_moment_from_key ((const char *) sqlite3_column_text (stmt, 6), &photo->moment);
  photo->taken_at = stipple_store_parse_time ((const char *) sqlite3_column_text (stmt, 7));
  photo->taken_by = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  photo->source = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 9), "file") == 0
                  ? STIPPLE_PHOTO_SOURCE_FILE : STIPPLE_PHOTO_SOURCE_CAMERA;
  photo->width = sqlite3_column_int (stmt, 10);
  photo->height = sqlite3_column_int (stmt, 11);
  photo->sha256 = g_strdup ((const char *) sqlite3_column_text (stmt, 12));
  photo->hidden = sqlite3_column_int (stmt, 13);
  if (with_pixels)
    photo->jpeg = g_bytes_new (sqlite3_column_blob (stmt, 14), sqlite3_column_bytes (stmt, 14));
  return photo;
}

#define PHOTO_COLUMNS \
  "p.id, p.uid, p.patient_id, p.session_id, p.view, p.zone, p.moment, p.taken_at, p.taken_by," \
  " p.source, p.width, p.height, p.sha256," \
  " EXISTS (SELECT 1 FROM photo_event e WHERE e.photo_id = p.id AND e.kind = 'hidden')"

/**
 * stipple_store_list_photos:
 * @self: a store
 * @patient_id: a patient
 * @session_id: one of their sessions, or 0 for all of them
 * @include_hidden: whether to list photos hidden after the consent was
 *   withdrawn (for the chart copy the clinic must keep, and nothing else)
 * @with_pixels: whether to load each photo's JPEG
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type StipplePhoto): the photos, in
 *   the order they were taken
 */
GPtrArray *
stipple_store_list_photos (StippleStore  *self,
                           gint64         patient_id,
                           gint64         session_id,
                           gboolean       include_hidden,
                           gboolean       with_pixels,
                           GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  /* A file read as it is, from before photographs (version 6): none. */
  if (self->read_only && self->version < 6)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_photo_free);
  if (with_pixels)
    stmt = stipple_store_prepare (self, "SELECT " PHOTO_COLUMNS ", p.data FROM photo p"
                                  " WHERE p.patient_id = ?1 AND (?2 = 0 OR p.session_id = ?2)"
                                  " ORDER BY p.taken_at, p.id", error);
  else
    stmt = stipple_store_prepare (self, "SELECT " PHOTO_COLUMNS " FROM photo p"
                                  " WHERE p.patient_id = ?1 AND (?2 = 0 OR p.session_id = ?2)"
                                  " ORDER BY p.taken_at, p.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  sqlite3_bind_int64 (stmt, 2, session_id);
  photos = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_photo_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StipplePhoto *photo = photo_from_row (stmt, with_pixels);

      if (photo->hidden && !include_hidden)
        stipple_photo_free (photo);
      else
        g_ptr_array_add (photos, photo);
    }
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return NULL;
    }
  return g_steal_pointer (&photos);
}

/**
 * stipple_store_load_photo_pixels:
 * @self: a store
 * @photo_id: a photo
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the photo's JPEG as stored
 */
GBytes *
stipple_store_load_photo_pixels (StippleStore  *self,
                                 gint64         photo_id,
                                 GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = stipple_store_prepare (self, "SELECT data FROM photo WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  if (rc == SQLITE_DONE)
    g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                         _("This photograph is not in the patient file."));
  else
    stipple_store_set_sqlite_error (self->db, rc, self->path, error);
  return NULL;
}

/**
 * stipple_store_count_photo_refusals:
 * @self: a store
 * @patient_id: a patient
 * @error: return location for a #GError
 *
 * Returns: how many photos were refused for want of consent
 */
guint
stipple_store_count_photo_refusals (StippleStore  *self,
                                    gint64         patient_id,
                                    GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  guint n = 0;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), 0);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = stipple_store_prepare (self, "SELECT count(*) FROM photo_event"
                                " WHERE patient_id = ? AND kind = 'refused'", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  else
    stipple_store_set_sqlite_error (self->db, sqlite3_errcode (self->db), self->path, error);
  return n;
}
