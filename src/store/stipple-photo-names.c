/* stipple-photo-names.c
 *
 * The words for a photograph's view and moment, and the one-line name a
 * photo is given on screen and for screen readers: view, moment, date.
 * The photo window and the session report both name photos with these;
 * messages go through stipple-i18n.h, so a report written in the
 * patient's language names the views in that language too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-photo"

#include "config.h"

#include "stipple-i18n.h"

#include "stipple-store-photos.h"

/**
 * stipple_photo_view_get_name:
 * @view: a view
 *
 * Returns: the view's name, translated
 */
const char *
stipple_photo_view_get_name (StipplePhotoView view)
{
  switch (view)
    {
    case STIPPLE_PHOTO_VIEW_FRONT:
      return C_("photo view", "Front");
    case STIPPLE_PHOTO_VIEW_LEFT_OBLIQUE:
      return C_("photo view", "Left oblique (45°)");
    case STIPPLE_PHOTO_VIEW_RIGHT_OBLIQUE:
      return C_("photo view", "Right oblique (45°)");
    case STIPPLE_PHOTO_VIEW_LEFT_PROFILE:
      return C_("photo view", "Left profile (90°)");
    case STIPPLE_PHOTO_VIEW_RIGHT_PROFILE:
      return C_("photo view", "Right profile (90°)");
    case STIPPLE_PHOTO_VIEW_CLOSE_UP:
      return C_("photo view", "Close-up");
    case STIPPLE_PHOTO_N_VIEWS:
    default:
      g_return_val_if_reached ("");
    }
}

/**
 * stipple_photo_moment_get_name:
 * @moment: a moment
 *
 * Returns: the moment's name, translated
 */
const char *
stipple_photo_moment_get_name (StipplePhotoMoment moment)
{
  switch (moment)
    {
    case STIPPLE_PHOTO_MOMENT_BEFORE:
      return C_("photo moment", "Before");
    case STIPPLE_PHOTO_MOMENT_AFTER:
      return C_("photo moment", "Immediately after");
    case STIPPLE_PHOTO_MOMENT_NEXT_VISIT:
      return C_("photo moment", "Next visit");
    case STIPPLE_PHOTO_N_MOMENTS:
    default:
      g_return_val_if_reached ("");
    }
}

/**
 * stipple_photo_get_description:
 * @photo: a photo
 *
 * Returns: (transfer full): e.g. "Close-up, Left cheek — Before,
 *   14/03/2026", the photo's accessible name
 */
char *
stipple_photo_get_description (const StipplePhoto *photo)
{
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *date = NULL;
  g_autofree char *view = NULL;

  g_return_val_if_fail (photo != NULL, NULL);

  local = photo->taken_at ? g_date_time_to_local (photo->taken_at) : NULL;
  date = local ? g_date_time_format (local, "%x") : g_strdup ("");
  if (photo->view == STIPPLE_PHOTO_VIEW_CLOSE_UP && photo->zone != STIPPLE_ZONE_NONE)
    view = g_strdup_printf ("%s, %s", stipple_photo_view_get_name (photo->view),
                            stipple_zone_get_name (photo->zone));
  else
    view = g_strdup (stipple_photo_view_get_name (photo->view));
  /* TRANSLATORS: a photograph's name: its view, its moment, its date. */
  return g_strdup_printf (_("%s — %s, %s"), view, stipple_photo_moment_get_name (photo->moment),
                          date);
}
