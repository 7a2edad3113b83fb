/* stipple-a11y-walk.c: print an application's accessibility tree as a
 * screen reader reads it
 *
 * stipple-a11y-walk PID walks the AT-SPI tree of the application with
 * process id PID, the way Orca or Accerciser would: over D-Bus, node by
 * node, asking each for its role, name, description, states and actions.
 * It prints one line a node:
 *
 *   DEPTH<TAB>ROLE<TAB>NAME<TAB>DESCRIPTION<TAB>STATES<TAB>N_ACTIONS
 *
 * and last "walk: N nodes, T ms". The test that runs it (test-a11y-walk.c)
 * keeps its own main loop turning meanwhile, so GTK can answer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

/* libatspi 2.46's headers declare some functions as "()". */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <atspi/atspi.h>
#pragma GCC diagnostic pop
#include <stdio.h>
#include <stdlib.h>

/* libatspi 2.46 declares no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiStateSet, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiAccessible, g_object_unref)

static guint n_nodes;

static char *
one_line (const char *text)
{
  char *copy = g_strdup (text != NULL ? text : "");

  for (char *p = copy; *p != '\0'; p++)
    if (*p == '\t' || *p == '\n')
      *p = ' ';
  return copy;
}

static void
walk (AtspiAccessible *node,
      guint            depth)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *role = NULL;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  g_autoptr(AtspiStateSet) states = NULL;
  g_autoptr(GArray) state_list = NULL;
  g_autoptr(GString) state_names = g_string_new (NULL);
  g_autofree char *name_line = NULL;
  g_autofree char *description_line = NULL;
  AtspiAction *action;
  int n_actions = 0;
  int n_children;

  n_nodes++;
  role = atspi_accessible_get_role_name (node, &error);
  g_clear_error (&error);
  name = atspi_accessible_get_name (node, &error);
  g_clear_error (&error);
  description = atspi_accessible_get_description (node, &error);
  g_clear_error (&error);
  states = atspi_accessible_get_state_set (node);
  state_list = atspi_state_set_get_states (states);
  for (guint i = 0; i < state_list->len; i++)
    {
      AtspiStateType state = g_array_index (state_list, AtspiStateType, i);
      GEnumClass *klass = g_type_class_ref (ATSPI_TYPE_STATE_TYPE);
      GEnumValue *value = g_enum_get_value (klass, state);

      if (value != NULL)
        g_string_append_printf (state_names, "%s%s", state_names->len > 0 ? "," : "", value->value_nick);
      g_type_class_unref (klass);
    }
  action = atspi_accessible_get_action_iface (node);
  if (action != NULL)
    {
      n_actions = atspi_action_get_n_actions (action, &error);
      g_clear_error (&error);
      g_object_unref (action);
    }

  name_line = one_line (name);
  description_line = one_line (description);
  printf ("%u\t%s\t%s\t%s\t%s\t%d\n", depth, role ? role : "", name_line, description_line,
          state_names->str, n_actions);

  n_children = atspi_accessible_get_child_count (node, &error);
  g_clear_error (&error);
  for (int i = 0; i < n_children; i++)
    {
      g_autoptr(AtspiAccessible) child = atspi_accessible_get_child_at_index (node, i, &error);

      g_clear_error (&error);
      if (child != NULL)
        walk (child, depth + 1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AtspiAccessible) desktop = NULL;
  g_autoptr(AtspiAccessible) app = NULL;
  gint64 start;
  guint pid;
  int n;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s PID\n", argv[0]);
      return 2;
    }
  pid = (guint) strtoul (argv[1], NULL, 10);

  if (atspi_init () < 0)
    {
      fprintf (stderr, "no accessibility bus\n");
      return 1;
    }
  /* Ask every node afresh, as a screen reader meeting the window does. */
  desktop = atspi_get_desktop (0);
  n = atspi_accessible_get_child_count (desktop, NULL);
  for (int i = 0; i < n && app == NULL; i++)
    {
      g_autoptr(AtspiAccessible) candidate = atspi_accessible_get_child_at_index (desktop, i, NULL);

      if (candidate != NULL && atspi_accessible_get_process_id (candidate, NULL) == pid)
        app = g_steal_pointer (&candidate);
    }
  if (app == NULL)
    {
      fprintf (stderr, "no application with process id %u on the accessibility bus\n", pid);
      return 1;
    }

  atspi_accessible_set_cache_mask (app, ATSPI_CACHE_NONE);
  start = g_get_monotonic_time ();
  walk (app, 0);
  printf ("walk: %u nodes, %" G_GINT64_FORMAT " ms\n", n_nodes,
          (g_get_monotonic_time () - start) / 1000);
  fflush (stdout);

  return 0;
}
