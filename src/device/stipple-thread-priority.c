/* stipple-thread-priority.c: a higher scheduling priority for the pen's threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-pen"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stipple-thread-priority.h"

/* The pen's heartbeat and its samples must not wait behind other programs
 * on a busy PC. The threads that carry them ask for a higher priority:
 * directly where the system allows it (CAP_SYS_NICE, or RLIMIT_NICE), else
 * through RealtimeKit on the system bus, as desktop sound servers do.
 * Without either they run at the normal priority, and bench-link shows
 * what that costs under load. */

static gboolean
ask_rtkit (pid_t tid)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  if (bus == NULL)
    {
      g_debug ("No system bus for RealtimeKit: %s", error->message);
      return FALSE;
    }

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.RealtimeKit1",
                                       "/org/freedesktop/RealtimeKit1",
                                       "org.freedesktop.RealtimeKit1", "MakeThreadHighPriority",
                                       g_variant_new ("(ti)", (guint64) tid, STIPPLE_THREAD_NICE),
                                       NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, 1000, NULL, &error);
  if (reply == NULL)
    {
      g_debug ("RealtimeKit refused a higher priority: %s", error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * stipple_thread_raise_priority:
 * @what: the thread's job, for the debug log
 *
 * Raises the calling thread's scheduling priority if the system lets it.
 *
 * Returns: whether it was raised
 */
gboolean
stipple_thread_raise_priority (const char *what)
{
  pid_t tid = (pid_t) syscall (SYS_gettid);

  if (setpriority (PRIO_PROCESS, (id_t) tid, STIPPLE_THREAD_NICE) == 0)
    {
      g_debug ("The %s thread runs at nice %d", what, STIPPLE_THREAD_NICE);
      return TRUE;
    }
  g_debug ("The %s thread may not raise its own priority: %s", what, g_strerror (errno));

  if (ask_rtkit (tid))
    {
      g_debug ("The %s thread runs at nice %d, through RealtimeKit", what, STIPPLE_THREAD_NICE);
      return TRUE;
    }

  return FALSE;
}
