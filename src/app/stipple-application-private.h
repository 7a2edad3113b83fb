/* stipple-application-private.h: StippleApplication's instance, shared by
 * the files it is split over (private to src/app/)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-application.h"
#include "stipple-offsite.h"
#include "stipple-store.h"

G_BEGIN_DECLS

/* Exit status for a command line that cannot be used, as in sysexits'
 * EX_USAGE tradition of "2" used by most GNU tools. */
#define EXIT_USAGE 2
struct _StippleApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  StippleStore   *store;
  StippleOffsite *offsite;
  /* What the last restore did, said in the window that opens after it. */
  char           *restore_heading;
  char           *restore_body;
  StipplePen     *pen;
  GError         *store_error;
  /* Today's backup is being taken, on the store's long lane. */
  gboolean        backing_up;
  char           *database;
  gboolean        demo;
  /* The patient file did not exist: this is Stipple's first start here. */
  gboolean        first_start;
  gboolean        simulate;
  gboolean        measure_startup;
  gboolean        options_parsed;
};

void  stipple_application_open_store               (StippleApplication         *self);

/* stipple-application-cli.c */
int   stipple_application_handle_local_options     (GApplication               *application,
                                                    GVariantDict               *options);
char *stipple_application_describe_import          (const StippleImportResult  *result,
                                                    gboolean                    applied);
char *stipple_application_details_kept             (const StippleImportDetails *details);

/* stipple-application-import.c */
void  stipple_application_restore_backup_action_cb (GSimpleAction              *action,
                                                    GVariant                   *parameter,
                                                    gpointer                    user_data);
void  stipple_application_import_patient_action_cb (GSimpleAction              *action,
                                                    GVariant                   *parameter,
                                                    gpointer                    user_data);

G_END_DECLS
