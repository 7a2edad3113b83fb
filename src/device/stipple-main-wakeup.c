/* stipple-main-wakeup.c: waking the main thread from a real-time thread
 *
 * The pen's I/O thread runs at a real-time priority; the main thread does
 * not. Attaching a source to the main context from the I/O thread takes
 * the context's lock, which the main thread holds while it prepares,
 * polls and checks its sources: a main thread preempted there (a busy
 * PC) kept the I/O thread waiting 30 ms and more, and the pen's 32 ms
 * queue lost samples meanwhile (bench-link). So the I/O thread only
 * writes to an eventfd, a system call that takes no lock of GLib's; a
 * source on the main context made once, on the main thread, watches it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-pen"

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "stipple-main-wakeup.h"

struct _StippleMainWakeup
{
  int          fd;
  GSource     *source;
  GSourceFunc  func;
  gpointer     user_data;
};

static gboolean
readable_cb (int           fd,
             GIOCondition  condition,
             gpointer      user_data)
{
  StippleMainWakeup *self = user_data;
  guint64 count;

  /* Every signal since the last one is answered by this one call. */
  while (read (fd, &count, sizeof count) < 0 && errno == EINTR)
    ;
  self->func (self->user_data);

  return G_SOURCE_CONTINUE;
}

/**
 * stipple_main_wakeup_new:
 * @context: the main context to wake
 * @priority: the priority of the source that runs @func
 * @func: run on @context after each stipple_main_wakeup_signal() (signals
 *   that come before it runs are answered together); its return value is
 *   ignored
 * @user_data: data for @func
 *
 * Call on the thread that runs @context.
 *
 * Returns: (transfer full): a new wakeup
 */
StippleMainWakeup *
stipple_main_wakeup_new (GMainContext *context,
                         int           priority,
                         GSourceFunc   func,
                         gpointer      user_data)
{
  StippleMainWakeup *self = g_new0 (StippleMainWakeup, 1);

  self->fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (self->fd < 0)
    g_error ("No eventfd for the pen's threads: %s", g_strerror (errno));
  self->func = func;
  self->user_data = user_data;
  self->source = g_unix_fd_source_new (self->fd, G_IO_IN);
  g_source_set_priority (self->source, priority);
  g_source_set_callback (self->source, G_SOURCE_FUNC (readable_cb), self, NULL);
  g_source_set_static_name (self->source, "[stipple] pen wakeup");
  g_source_attach (self->source, context);

  return self;
}

/**
 * stipple_main_wakeup_signal:
 * @self: a wakeup
 *
 * From any thread: has the function run soon on the main context. Takes
 * no lock.
 */
void
stipple_main_wakeup_signal (StippleMainWakeup *self)
{
  guint64 one = 1;

  while (write (self->fd, &one, sizeof one) < 0 && errno == EINTR)
    ;
}

/**
 * stipple_main_wakeup_free:
 * @self: (nullable): a wakeup
 *
 * On the main context's thread; the function is not run after this.
 */
void
stipple_main_wakeup_free (StippleMainWakeup *self)
{
  if (self == NULL)
    return;

  g_source_destroy (self->source);
  g_source_unref (self->source);
  close (self->fd);
  g_free (self);
}
