/* stipple-i18n.h: the languages Stipple speaks, and messages in another
 * language than the interface's on one thread
 *
 * Include this instead of <glib/gi18n.h> where text may be written for
 * someone else than the clinician (the patient's copy of the report and
 * what it draws): _(), C_() and g_dngettext() then look messages up in
 * the language pushed on the calling thread, if any, and through gettext
 * otherwise. xgettext sees the usual keywords.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <glib/gi18n.h>

#include "stipple-catalogue.h"

G_BEGIN_DECLS

typedef struct
{
  /* As in po/LINGUAS, "en" for the messages as written. */
  const char *code;
  /* The language's name in that language, as a patient would look for it. */
  const char *name;
} StippleLanguage;

const StippleLanguage *stipple_i18n_get_languages          (guint       *n_languages);
const StippleLanguage *stipple_i18n_lookup_language        (const char  *code);
const char            *stipple_i18n_get_interface_language (void);

gboolean               stipple_i18n_push_language          (const char  *code,
                                                            GError     **error);
void                   stipple_i18n_pop_language           (void);
const char            *stipple_i18n_get_current_language   (void);

const char            *stipple_gettext                     (const char  *msgid) G_GNUC_FORMAT (1);
const char            *stipple_pgettext                    (const char  *context,
                                                            const char  *msgid) G_GNUC_FORMAT (2);
const char            *stipple_ngettext                    (const char  *msgid,
                                                            const char  *msgid_plural,
                                                            gulong       n) G_GNUC_FORMAT (1) G_GNUC_FORMAT (2);

#undef _
#undef C_
#define _(String) stipple_gettext (String)
#define C_(Context, String) stipple_pgettext (Context, String)
#define g_dngettext(Domain, Msgid, MsgidPlural, N) stipple_ngettext (Msgid, MsgidPlural, N)

G_END_DECLS
