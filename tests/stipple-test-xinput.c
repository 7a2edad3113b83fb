/* stipple-test-xinput.c: input as a person gives it, through the X server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk/x11/gdkx.h>
#include <stdlib.h>

#include "stipple-test-a11y.h"
#include "stipple-test-xinput.h"

#define TEST_WAIT_SECONDS 20
#define TEST_WAIT_ON_TIMEOUT stipple_xinput_save_failure_screenshot
#include "stipple-test-wait.h"

/* Runs xdotool with @argv (NULL-terminated, without the program's name)
 * and fails the test if it fails: a real-input test that could not send
 * its input has tested nothing. */
static void
xdotool_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

/* Runs xdotool with @args (NULL-terminated, without the program's name)
 * and fails the test if it fails: a real-input test that could not send
 * its input has tested nothing. The main loop keeps running meanwhile, as
 * it would while a person types: the pen's heartbeat goes on. */
static gboolean
xdotool_try (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  if (process == NULL)
    g_error ("xdotool could not run: %s", error->message);
  g_subprocess_wait_async (process, NULL, xdotool_done_cb, &done);
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    while (!done)
      {
        if (g_get_monotonic_time () > deadline)
          {
            g_subprocess_force_exit (process);
            stipple_xinput_save_failure_screenshot ();
            g_error ("xdotool %s did not finish in 20 s", args[0]);
          }
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
  }
  return g_subprocess_get_successful (process);
}

static void
xdotool (const char * const *args)
{
  if (!xdotool_try (args))
    g_error ("xdotool %s failed", args[0]);
}

/* What the screen showed when a real-input step failed, for the person
 * reading the failure: real-input-failure.png in the build's tests folder. */
void
stipple_xinput_save_failure_screenshot (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                            "real-input-failure.png", NULL);
  const char *argv[] = { "import", "-window", "root", path, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, NULL, NULL);
  g_printerr ("The screen at the failure: %s\n", path);
}

static void run_for (guint msec);

/* A window's, or a popover's, X window. */
static gulong
window_xid (GtkNative *native)
{
  GdkSurface *surface = gtk_native_get_surface (native);

  g_assert_nonnull (surface);
  g_assert_true (GDK_IS_X11_SURFACE (surface));
  return (gulong) gdk_x11_surface_get_xid (surface);
}

/**
 * stipple_xinput_check:
 *
 * Fails the test unless real input can be sent: an X11 display with the
 * XTest extension, and xdotool.
 */
void
stipple_xinput_check (void)
{
  const char *args[] = { "getmouselocation", NULL };

  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    g_error ("Real-input tests need an X11 display (Xvfb)");
  if (g_find_program_in_path ("xdotool") == NULL)
    g_error ("Real-input tests need xdotool; ./build-aux/dev test installs it");
  xdotool (args);
}

/**
 * stipple_xinput_focus:
 * @window: a mapped window
 *
 * Gives @window the keyboard focus the way a window manager does when a
 * person clicks its title bar: the X input focus.
 */
void
stipple_xinput_focus (GtkWindow *window)
{
  const char *slowdown = g_getenv ("STIPPLE_TEST_SLOWDOWN");
  gint64 deadline = g_get_monotonic_time () +
                    20 * G_USEC_PER_SEC * (slowdown != NULL ? MAX (1, atoi (slowdown)) : 1);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  for (;;)
    {
      g_autofree char *xid = NULL;
      const char *args[] = { "windowfocus", "--sync", NULL, NULL };

      if (window == NULL)
        {
          stipple_xinput_save_failure_screenshot ();
          g_error ("The window to give the keyboard focus to was closed");
        }
      /* Asked again each time: a window's X window may be made anew. */
      xid = g_strdup_printf ("%lu", window_xid (GTK_NATIVE (window)));
      args[2] = xid;
      /* A window just shown may not be on the X screen yet: the server
       * refuses it the focus until it is. */
      if (xdotool_try (args))
        break;
      if (g_get_monotonic_time () > deadline)
        {
          stipple_xinput_save_failure_screenshot ();
          g_error ("The window %s (a %s, %s) never took the keyboard focus", xid,
                   G_OBJECT_TYPE_NAME (window),
                   gtk_widget_get_mapped (GTK_WIDGET (window)) ? "mapped" : "not mapped");
        }
      run_for (50);
    }
  g_object_remove_weak_pointer (G_OBJECT (window), (gpointer *) &window);
}

/**
 * stipple_xinput_key:
 * @window: the window to give the focus to first
 * @keys: keys in xdotool's words, e.g. "shift+Escape" or "Pause Tab"
 *
 * Presses and releases @keys on the keyboard, one chord after another.
 */
void
stipple_xinput_key (GtkWindow  *window,
                    const char *keys)
{
  g_auto(GStrv) chords = g_strsplit (keys, " ", -1);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  stipple_xinput_focus (window);
  g_ptr_array_add (args, (gpointer) "key");
  g_ptr_array_add (args, (gpointer) "--clearmodifiers");
  for (guint i = 0; chords[i] != NULL; i++)
    g_ptr_array_add (args, chords[i]);
  g_ptr_array_add (args, NULL);
  xdotool ((const char * const *) args->pdata);
}

/**
 * stipple_xinput_type:
 * @window: the window to give the focus to first
 * @text: what to type
 *
 * Types @text, key by key, into whatever has the focus in @window.
 */
void
stipple_xinput_type (GtkWindow  *window,
                     const char *text)
{
  const char *args[] = { "type", "--clearmodifiers", "--delay", "4", "--", text, NULL };

  stipple_xinput_focus (window);
  xdotool (args);
}

/**
 * stipple_xinput_click:
 * @widget: a mapped widget
 *
 * Moves the pointer to the middle of @widget and clicks the first button.
 */
static void
run_for (guint msec)
{
  gint64 until = g_get_monotonic_time () + (gint64) msec * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Turns the mouse wheel over @widget's scrolled window until @widget is
 * wholly in view, as a person scrolls to a button they cannot see. */
static void
scroll_into_view (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);

  for (guint turns = 0; scrolled != NULL && turns < 100; turns++)
    {
      GtkNative *native = gtk_widget_get_native (scrolled);
      graphene_rect_t bounds;
      graphene_point_t middle = GRAPHENE_POINT_INIT (gtk_widget_get_width (scrolled) / 2.0f,
                                                     gtk_widget_get_height (scrolled) / 2.0f);
      graphene_point_t point;
      double dx, dy;
      const char *button;

      if (!gtk_widget_compute_bounds (widget, scrolled, &bounds) ||
          !gtk_widget_compute_point (scrolled, GTK_WIDGET (native), &middle, &point))
        return;
      if (bounds.origin.y < 0)
        button = "4";
      else if (bounds.origin.y + bounds.size.height > gtk_widget_get_height (scrolled))
        button = "5";
      else
        return;

      gtk_native_get_surface_transform (native, &dx, &dy);
      {
        g_autofree char *xid = g_strdup_printf ("%lu", window_xid (native));
        g_autofree char *x = g_strdup_printf ("%d", (int) (point.x + dx));
        g_autofree char *y = g_strdup_printf ("%d", (int) (point.y + dy));
        const char *args[] = { "mousemove", "--window", xid, x, y, "click", button, NULL };

        xdotool (args);
      }
      run_for (60);
    }
}

void
stipple_xinput_click (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t point = GRAPHENE_POINT_INIT (-1, -1);
  graphene_point_t last = GRAPHENE_POINT_INIT (-2, -2);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  double dx, dy;
  g_autofree char *xid = NULL;
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;

  /* Where a person would see it: laid out, scrolled into view, inside its
   * window, and still (a page sliding in, a list scrolling, are waited
   * out). */
  for (guint tries = 0; tries < 100 && !gtk_widget_get_mapped (widget); tries++)
    run_for (20);
  scroll_into_view (widget);
  for (;;)
    {
      gboolean moving = FALSE;

      /* A page still sliding in, or a banner still unrolling, is not where
       * it will be, however still it looks between two slow frames. */
      for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
        moving |= (GTK_IS_STACK (w) && gtk_stack_get_transition_running (GTK_STACK (w))) ||
                  (GTK_IS_REVEALER (w) &&
                   gtk_revealer_get_child_revealed (GTK_REVEALER (w)) !=
                   gtk_revealer_get_reveal_child (GTK_REVEALER (w)));
      if (!moving)
        break;
      if (g_get_monotonic_time () > deadline)
        {
          stipple_xinput_save_failure_screenshot ();
          g_error ("%s never stopped moving to be clicked", G_OBJECT_TYPE_NAME (widget));
        }
      run_for (20);
    }
  for (;;)
    {
      graphene_point_t middle = GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0f,
                                                     gtk_widget_get_height (widget) / 2.0f);
      gint64 frame = g_get_monotonic_time () + 40 * 1000;

      if (gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0 &&
          gtk_widget_get_height (widget) > 0 &&
          gtk_widget_compute_point (widget, GTK_WIDGET (native), &middle, &point) &&
          point.x >= 0 && point.y >= 0 &&
          point.x < gtk_widget_get_width (GTK_WIDGET (native)) &&
          point.y < gtk_widget_get_height (GTK_WIDGET (native)) &&
          graphene_point_equal (&point, &last))
        break;
      last = point;
      if (g_get_monotonic_time () > deadline)
        {
          stipple_xinput_save_failure_screenshot ();
          g_error ("%s “%s” never came to rest on screen to be clicked", G_OBJECT_TYPE_NAME (widget),
                   gtk_widget_get_name (widget));
        }
      while (g_get_monotonic_time () < frame)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (1000);
        }
    }

  gtk_native_get_surface_transform (native, &dx, &dy);
  xid = g_strdup_printf ("%lu", window_xid (native));
  x = g_strdup_printf ("%d", (int) (point.x + dx));
  y = g_strdup_printf ("%d", (int) (point.y + dy));
  {
    const char *args[] = { "mousemove", "--window", xid, x, y, "click", "1", NULL };

    /* A popover's item: the focus stays with the window it belongs to. */
    stipple_xinput_focus (GTK_WINDOW (gtk_widget_get_root (widget)));
    xdotool (args);
  }
}

/**
 * stipple_xinput_click_button:
 * @root: where the button is
 * @label: the words on it, mnemonic included (or its tooltip)
 *
 * Waits until a mapped, sensitive button labelled @label is below @root,
 * then clicks it with the pointer as stipple_xinput_click() does. Fails
 * the test after 20 s, with a screenshot of what the screen showed.
 */
void
stipple_xinput_click_button (GtkWidget  *root,
                             const char *label)
{
  GtkWidget *button = NULL;

  WAIT_FOR ((button = stipple_test_find_button (root, label, TRUE)) != NULL);
  stipple_xinput_click (button);
}

/**
 * stipple_xinput_move_away:
 *
 * Moves the pointer to the screen's corner, off every window, so no
 * hover or tooltip is left behind.
 */
void
stipple_xinput_move_away (void)
{
  const char *args[] = { "mousemove", "0", "0", NULL };

  xdotool (args);
}
