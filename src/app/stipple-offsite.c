/* stipple-offsite.c
 *
 * Decides when the copy off this computer is written, and keeps the
 * clinic told. A copy is due when a folder is chosen and the last good
 * copy is older than "offsite-interval-hours", and after every session
 * ends (so the day's last session always reaches the far drive). The
 * copy runs on a worker thread (stipple_store_copy_off_machine_async());
 * the store's writer is never held up (the snapshot is read through a
 * connection of its own), so a treatment never waits for a slow or
 * missing drive. Its outcome is kept in GSettings, so
 * the main screen can say, across restarts, when the last good copy is
 * older than a day or the last attempt failed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-offsite"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-offsite.h"
#include "stipple-store-backup.h"

/* How often the schedule is looked at, and the banner's age refreshed. */
#define TICK_SECONDS 600
/* Older than this, the main screen says so. */
#define STALE_SECONDS (24 * 60 * 60)

struct _StippleOffsite
{
  GObject       parent_instance;

  GSettings    *settings;
  StippleStore *store;
  GCancellable *cancellable;
  guint         tick_id;
  gboolean      running;
  /* A session ended while a copy was running: one more after it. */
  gboolean      again;
};

G_DEFINE_FINAL_TYPE (StippleOffsite, stipple_offsite, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
copy_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StippleOffsite) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  path = stipple_store_copy_off_machine_finish (STIPPLE_STORE (object), result, &error);
  self->running = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (path != NULL)
    {
      g_settings_set_int64 (self->settings, "offsite-last-copy", g_get_real_time () / G_USEC_PER_SEC);
      g_settings_set_string (self->settings, "offsite-last-error", "");
    }
  else
    g_settings_set_string (self->settings, "offsite-last-error", error->message);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);

  if (self->again)
    {
      self->again = FALSE;
      stipple_offsite_copy_now (self);
    }
}

/**
 * stipple_offsite_copy_now:
 * @self: a #StippleOffsite
 *
 * Starts a copy into the chosen folder, unless one is running or there
 * is no folder or no open patient file.
 *
 * Returns: whether a copy was started
 */
gboolean
stipple_offsite_copy_now (StippleOffsite *self)
{
  g_autofree char *folder = NULL;

  g_return_val_if_fail (STIPPLE_IS_OFFSITE (self), FALSE);

  folder = g_settings_get_string (self->settings, "offsite-folder");
  if (self->running || self->store == NULL || folder[0] == '\0')
    return FALSE;

  self->running = TRUE;
  stipple_store_copy_off_machine_async (self->store, folder, self->cancellable, copy_done_cb,
                                        g_object_ref (self));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

static void
maybe_copy (StippleOffsite *self)
{
  gint64 last = g_settings_get_int64 (self->settings, "offsite-last-copy");
  gint64 interval = (gint64) g_settings_get_uint (self->settings, "offsite-interval-hours") * 3600;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *failed = g_settings_get_string (self->settings, "offsite-last-error");

  /* A failed attempt is tried again at the next tick: the drive may be
   * back. */
  if (last == 0 || now - last >= interval || failed[0] != '\0')
    stipple_offsite_copy_now (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  StippleOffsite *self = user_data;

  maybe_copy (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_SOURCE_CONTINUE;
}

static void
settings_changed_cb (StippleOffsite *self,
                     const char     *key,
                     GSettings      *settings)
{
  if (g_strcmp0 (key, "offsite-folder") == 0)
    {
      /* A new folder has no copy yet. */
      g_settings_set_int64 (self->settings, "offsite-last-copy", 0);
      g_settings_set_string (self->settings, "offsite-last-error", "");
      maybe_copy (self);
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/**
 * stipple_offsite_set_store:
 * @self: a #StippleOffsite
 * @store: (nullable): the open patient file
 *
 * Follows the open patient file; a copy is started at once if one is due.
 */
void
stipple_offsite_set_store (StippleOffsite *self,
                           StippleStore   *store)
{
  g_return_if_fail (STIPPLE_IS_OFFSITE (self));

  g_set_object (&self->store, store);
  if (store != NULL)
    maybe_copy (self);
}

/**
 * stipple_offsite_session_ended:
 * @self: a #StippleOffsite
 *
 * A session ended: its record goes to the far drive now.
 */
void
stipple_offsite_session_ended (StippleOffsite *self)
{
  g_return_if_fail (STIPPLE_IS_OFFSITE (self));

  if (self->running)
    self->again = TRUE;
  else
    stipple_offsite_copy_now (self);
}

gboolean
stipple_offsite_get_running (StippleOffsite *self)
{
  g_return_val_if_fail (STIPPLE_IS_OFFSITE (self), FALSE);

  return self->running;
}

/**
 * stipple_offsite_describe:
 * @self: a #StippleOffsite
 * @warn: (out) (optional): whether the clinic should act on it
 *
 * Returns: (transfer full): the state of the copy off this computer, in a
 *   sentence
 */
char *
stipple_offsite_describe (StippleOffsite *self,
                          gboolean       *warn)
{
  g_autofree char *folder = g_settings_get_string (self->settings, "offsite-folder");
  g_autofree char *failed = g_settings_get_string (self->settings, "offsite-last-error");
  gint64 last = g_settings_get_int64 (self->settings, "offsite-last-copy");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean dummy;

  if (warn == NULL)
    warn = &dummy;
  *warn = FALSE;

  if (folder[0] == '\0')
    return g_strdup (_("No folder is chosen: every backup is on this computer only."));
  if (self->running)
    return g_strdup (_("Writing a copy off this computer…"));

  *warn = failed[0] != '\0' || last == 0 || now - last > STALE_SECONDS;
  if (failed[0] != '\0')
    return g_strdup_printf (_("The last copy off this computer failed: %s"), failed);
  if (last == 0)
    return g_strdup (_("No copy of the patient file has been made off this computer yet."));
  {
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (last);
    g_autoptr(GDateTime) local = g_date_time_to_local (utc);
    g_autofree char *when = g_date_time_format (local, "%x %H:%M");

    if (now - last > STALE_SECONDS)
      return g_strdup_printf (_("The last copy off this computer is from %s, more than a day "
                                "ago. Check that the drive is plugged in."), when);
    return g_strdup_printf (_("The last copy off this computer was written and verified %s."),
                            when);
  }
}

static void
update_banner (GtkWidget      *banner,
               StippleOffsite *self)
{
  GtkLabel *label = g_object_get_data (G_OBJECT (banner), "label");
  g_autofree char *failed = g_settings_get_string (self->settings, "offsite-last-error");
  g_autofree char *text = NULL;
  gboolean warn = FALSE;

  text = stipple_offsite_describe (self, &warn);
  gtk_label_set_text (label, text);
  if (failed[0] != '\0')
    gtk_widget_add_css_class (banner, "error");
  else
    gtk_widget_remove_css_class (banner, "error");
  gtk_widget_set_visible (banner, warn);
}

static void
banner_copy_clicked_cb (GtkButton      *button,
                        StippleOffsite *self)
{
  stipple_offsite_copy_now (self);
}

/**
 * stipple_offsite_banner_new:
 * @self: a #StippleOffsite
 *
 * A bar for the top of the main screen: hidden while the copy off this
 * computer is recent, it says so when the last good copy is older than a
 * day or the last attempt failed, with a button to try again.
 *
 * Returns: (transfer floating): the bar
 */
GtkWidget *
stipple_offsite_banner_new (StippleOffsite *self)
{
  GtkWidget *banner = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Copy Now"));

  gtk_widget_set_name (banner, "offsite-banner");
  gtk_widget_add_css_class (banner, "demo-banner");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (banner), label);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (banner), button);
  g_object_set_data (G_OBJECT (banner), "label", label);
  g_signal_connect_object (button, "clicked", G_CALLBACK (banner_copy_clicked_cb), self, 0);
  g_signal_connect_object (self, "changed", G_CALLBACK (update_banner), banner, G_CONNECT_SWAPPED);
  update_banner (banner, self);
  return banner;
}

static void
stipple_offsite_dispose (GObject *object)
{
  StippleOffsite *self = STIPPLE_OFFSITE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (stipple_offsite_parent_class)->dispose (object);
}

static void
stipple_offsite_class_init (StippleOffsiteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = stipple_offsite_dispose;

  /**
   * StippleOffsite::changed:
   *
   * The state of the copy off this computer changed, or its age did.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
stipple_offsite_init (StippleOffsite *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * stipple_offsite_new:
 * @settings: the application's settings
 *
 * Returns: (transfer full): a new #StippleOffsite
 */
StippleOffsite *
stipple_offsite_new (GSettings *settings)
{
  StippleOffsite *self = g_object_new (STIPPLE_TYPE_OFFSITE, NULL);

  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->tick_id = g_timeout_add_seconds (TICK_SECONDS, tick_cb, self);
  return self;
}
