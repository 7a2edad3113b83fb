/* stipple-test-wait.h: waiting for things in tests
 *
 * Real time is stretched when the suite runs slower than it would on its
 * own: STIPPLE_TEST_SLOWDOWN (which the valgrind test setup sets) says how
 * many times slower, and time-outs grow by it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdlib.h>
#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

static inline guint
test_env_factor (const char *name)
{
  const char *env = g_getenv (name);
  guint64 factor = env != NULL ? g_ascii_strtoull (env, NULL, 10) : 1;

  return (guint) CLAMP (factor, 1, 100);
}

static inline guint
test_slowdown (void)
{
  return test_env_factor ("STIPPLE_TEST_SLOWDOWN");
}

/* Whether other programs kept this test off the CPU lately: the kernel's
 * pressure stall figure says for what share of the last ten seconds a
 * runnable task waited for a core. A CPU hog on every core keeps it near
 * 100 %; the suite's own tests, two at a time on two cores, well below
 * the bound. Without /proc/pressure (kernels before 4.20), a load average
 * above the number of cores says the same, later. */
#define TEST_CPU_PRESSURE_BOUND 50.0

static inline gboolean
test_cpu_contended (void)
{
  g_autofree char *text = NULL;
  const char *some;
  double load;

  if (g_file_get_contents ("/proc/pressure/cpu", &text, NULL, NULL) &&
      (some = strstr (text, "some avg10=")) != NULL)
    {
      double stalled = g_ascii_strtod (some + strlen ("some avg10="), NULL);

      if (stalled > TEST_CPU_PRESSURE_BOUND)
        g_test_message ("CPU pressure %.1f %% over the last 10 s: the machine is busy", stalled);
      return stalled > TEST_CPU_PRESSURE_BOUND;
    }

  return getloadavg (&load, 1) == 1 && load > g_get_num_processors ();
}

/* Whether the suite runs as fast as the machine allows: not slowed down
 * (valgrind), no CPU hog beside it (./build-aux/dev test --load sets
 * STIPPLE_TEST_LOAD), and no other program keeping it off the CPU.
 * Real-time figures, such as no sample lost by a pen emulated on the
 * same starved cores, are only checked then; bench/ measures them under
 * load. */
static inline gboolean
test_real_time (void)
{
  return test_slowdown () == 1 && g_getenv ("STIPPLE_TEST_LOAD") == NULL &&
         !test_cpu_contended ();
}

static inline gboolean
test_wait_timeout_cb (gpointer user_data)
{
  /* A test may say what else to keep of a time-out, e.g. a screenshot. */
#ifdef TEST_WAIT_ON_TIMEOUT
  TEST_WAIT_ON_TIMEOUT ();
#endif
  g_error ("Timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

static inline gboolean
test_wait_wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main context until @cond holds, looking at it at least every
 * 2 ms; fails the test after @seconds (times the slowdown). */
#define WAIT_FOR_SECONDS(seconds, cond) \
  G_STMT_START { \
    guint _id = g_timeout_add_seconds ((seconds) * test_slowdown (), test_wait_timeout_cb, \
                                       (gpointer) #cond); \
    guint _wake = g_timeout_add (2, test_wait_wake_cb, NULL); \
    while (!(cond)) \
      g_main_context_iteration (NULL, TRUE); \
    g_source_remove (_id); \
    g_source_remove (_wake); \
  } G_STMT_END

/* A test may set its own time-out before it includes this file. */
#ifndef TEST_WAIT_SECONDS
#define TEST_WAIT_SECONDS 10
#endif

#define WAIT_FOR(cond) WAIT_FOR_SECONDS (TEST_WAIT_SECONDS, cond)

/* Runs the main context until @cond holds or @seconds (times the
 * slowdown) have passed, looking at it at least every 2 ms; says whether
 * @cond holds. Unlike WAIT_FOR(), running out of time does not fail the
 * test: it is for a step a person would try again, such as a click that
 * a window still settling did not take. */
#define ITERATE_UNTIL_SECONDS(seconds, cond) \
  G_GNUC_EXTENSION ({ \
    gint64 _until = g_get_monotonic_time () + \
                    (gint64) (seconds) * G_USEC_PER_SEC * test_slowdown (); \
    guint _wake = g_timeout_add (2, test_wait_wake_cb, NULL); \
    while (!(cond) && g_get_monotonic_time () < _until) \
      g_main_context_iteration (NULL, TRUE); \
    g_source_remove (_wake); \
    (gboolean) !!(cond); \
  })

/* Runs the main context for @msec of real time. */
static inline void
test_run_for (guint msec)
{
  gint64 until = g_get_monotonic_time () + (gint64) msec * 1000;

  while (g_get_monotonic_time () < until)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (500);
    }
}

G_END_DECLS
