/* stipple-thread-priority.c: a higher scheduling priority for the pen's threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* SCHED_RESET_ON_FORK */
#define _GNU_SOURCE

#define G_LOG_DOMAIN "stipple-pen"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stipple-thread-priority.h"

/* The pen's heartbeat and its samples must not wait behind other programs
 * on a busy PC. At a raised nice level alone the kernel's fair scheduler
 * still left the link thread unrun for 30 ms and more beside a CPU hog on
 * every core, and a heartbeat 100 ms late (bench-link). So the threads
 * that carry them ask first for a real-time priority (SCHED_RR), as sound
 * servers and the compositor's display thread do: directly where the
 * system allows it (CAP_SYS_NICE, or RLIMIT_RTPRIO), else through
 * RealtimeKit on the system bus. Where neither is allowed they ask for a
 * raised nice level the same two ways; without any they run at the normal
 * priority, and bench-link shows what that costs under load.
 *
 * These threads sleep between short pieces of work (a tick every 5 ms, a
 * packet every 2 ms), so a real-time priority cannot starve the rest of
 * the machine; the kernel's real-time throttling and RLIMIT_RTTIME (set
 * below for rtkit, which asks for it) bound a thread that would spin. */

/* rtkit refuses a process without a CPU-time limit for its real-time
 * threads; 200 ms without sleeping is its own ceiling. */
#define RTTIME_LIMIT_US (200 * 1000)

static GDBusConnection *
system_bus (void)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);

  if (bus == NULL)
    g_debug ("No system bus for RealtimeKit: %s", error->message);
  return bus;
}

static gboolean
ask_rtkit (const char *method,
           GVariant   *parameters)
{
  g_autoptr(GDBusConnection) bus = system_bus ();
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_ref_sink (parameters);
  if (bus == NULL)
    {
      g_variant_unref (parameters);
      return FALSE;
    }

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.RealtimeKit1",
                                       "/org/freedesktop/RealtimeKit1",
                                       "org.freedesktop.RealtimeKit1", method, parameters,
                                       NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, 1000, NULL, &error);
  g_variant_unref (parameters);
  if (reply == NULL)
    {
      g_debug ("RealtimeKit refused %s: %s", method, error->message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
limit_rttime (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_RTTIME, &limit) == 0 && limit.rlim_max != RLIM_INFINITY &&
      limit.rlim_max <= RTTIME_LIMIT_US)
    return TRUE;

  limit.rlim_cur = limit.rlim_max = RTTIME_LIMIT_US;
  return setrlimit (RLIMIT_RTTIME, &limit) == 0;
}

static gboolean
make_realtime (const char *what,
               pid_t       tid)
{
  struct sched_param param = { .sched_priority = STIPPLE_THREAD_RT_PRIORITY };

  /* On Linux a thread id names the one thread. Reset on fork: a helper
   * program started from here runs normally. */
  if (sched_setscheduler (tid, SCHED_RR | SCHED_RESET_ON_FORK, &param) == 0)
    return TRUE;
  g_debug ("The %s thread may not make itself real-time: %s", what, g_strerror (errno));

  return limit_rttime () &&
         ask_rtkit ("MakeThreadRealtime",
                    g_variant_new ("(tu)", (guint64) tid, (guint32) STIPPLE_THREAD_RT_PRIORITY));
}

static gboolean
make_nice (const char *what,
           pid_t       tid,
           int         nice)
{
  if (setpriority (PRIO_PROCESS, (id_t) tid, nice) == 0)
    return TRUE;
  g_debug ("The %s thread may not raise its own priority: %s", what, g_strerror (errno));

  return ask_rtkit ("MakeThreadHighPriority",
                    g_variant_new ("(ti)", (guint64) tid, (gint32) nice));
}

/**
 * stipple_thread_raise_priority:
 * @what: the thread's job, for the debug log
 *
 * Raises the calling thread's scheduling priority as far as the system
 * lets it: real-time first, else a raised nice level.
 *
 * Returns: what the thread got
 */
StippleThreadPriority
stipple_thread_raise_priority (const char *what)
{
  pid_t tid = (pid_t) syscall (SYS_gettid);
  StippleThreadPriority got = STIPPLE_THREAD_PRIORITY_NORMAL;

  if (g_getenv ("STIPPLE_NO_REALTIME") == NULL && make_realtime (what, tid))
    got = STIPPLE_THREAD_PRIORITY_REALTIME;
  else if (make_nice (what, tid, STIPPLE_THREAD_NICE))
    got = STIPPLE_THREAD_PRIORITY_NICE;

  g_debug ("The %s thread runs at %s priority", what, stipple_thread_priority_name (got));
  return got;
}

/**
 * stipple_thread_raise_nice:
 * @what: the thread's job, for the debug log
 * @nice: the nice level asked for, below 0
 *
 * Raises the calling thread's priority to @nice, never to real-time:
 * for the window's thread, which takes the clinician's keys and the
 * emergency stop but also draws, and must not starve the pen's threads.
 * Threads it starts afterwards start at @nice too.
 *
 * Returns: whether it was raised
 */
gboolean
stipple_thread_raise_nice (const char *what,
                           int         nice)
{
  pid_t tid = (pid_t) syscall (SYS_gettid);
  gboolean raised = make_nice (what, tid, nice);

  g_debug ("The %s thread runs at %s", what, raised ? "a raised priority" : "the normal priority");
  return raised;
}

/**
 * stipple_thread_priority_name:
 * @priority: a priority
 *
 * Returns: the priority in words, for logs and benchmarks
 */
const char *
stipple_thread_priority_name (StippleThreadPriority priority)
{
  switch (priority)
    {
    case STIPPLE_THREAD_PRIORITY_REALTIME:
      return "real-time (SCHED_RR " G_STRINGIFY (STIPPLE_THREAD_RT_PRIORITY) ")";

    case STIPPLE_THREAD_PRIORITY_NICE:
      return "raised (nice " G_STRINGIFY (STIPPLE_THREAD_NICE) ")";

    case STIPPLE_THREAD_PRIORITY_NORMAL:
    default:
      return "normal";
    }
}
