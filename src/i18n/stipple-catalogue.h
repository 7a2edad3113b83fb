/* stipple-catalogue.h: one language's compiled translations, read directly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STIPPLE_I18N_ERROR (stipple_i18n_error_quark ())

typedef enum
{
  /* No translations for that language are installed. */
  STIPPLE_I18N_ERROR_NOT_FOUND,
  /* A catalogue file that is not a valid .mo file. */
  STIPPLE_I18N_ERROR_INVALID,
  /* The system lacks the locale for the language's dates and numbers. */
  STIPPLE_I18N_ERROR_NO_LOCALE,
} StippleI18nError;

typedef struct _StippleCatalogue StippleCatalogue;

GQuark            stipple_i18n_error_quark        (void);

StippleCatalogue *stipple_catalogue_new_from_file (const char             *path,
                                                   GError                **error);
StippleCatalogue *stipple_catalogue_new_identity  (void);
StippleCatalogue *stipple_catalogue_ref           (StippleCatalogue       *self);
void              stipple_catalogue_unref         (StippleCatalogue       *self);

const char       *stipple_catalogue_gettext       (const StippleCatalogue *self,
                                                   const char             *msgid);
const char       *stipple_catalogue_pgettext      (const StippleCatalogue *self,
                                                   const char             *context,
                                                   const char             *msgid);
const char       *stipple_catalogue_ngettext      (const StippleCatalogue *self,
                                                   const char             *msgid,
                                                   const char             *msgid_plural,
                                                   gulong                  n);
guint             stipple_catalogue_get_n_messages (const StippleCatalogue *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleCatalogue, stipple_catalogue_unref)

G_END_DECLS
