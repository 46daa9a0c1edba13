/* main.c: the `supportlogic-connect` command.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `--status` is handled here with the core library alone, so it starts in
 * a few milliseconds, needs no display and never loads GTK or WebKit. Any
 * other command line is handed, unchanged, to the window program
 * `supportlogic-connect-ui`, which this process becomes with execv(): the
 * process ID stays the same for D-Bus activation and for scripts.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

#include "sl-status-report.h"

#define UI_PROGRAM "supportlogic-connect-ui"

static gboolean
wants_status (int    argc,
              char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        return FALSE;
      if (g_str_equal (argv[i], "--status") || g_str_equal (argv[i], "--json"))
        return TRUE;
    }

  return FALSE;
}

static int
print_status (int    argc,
              char **argv)
{
  gboolean status = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_NONE, &status,
      N_("Print the state of each Salesforce connection and exit"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the --status output as JSON"), NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (argc > 1)
    {
      /* Translators: %s is a command-line argument that --status does not take. */
      g_printerr (_("Unexpected argument “%s” after --status\n"), argv[1]);
      return 1;
    }

  if (!status)
    {
      g_printerr ("%s\n", _("The --json option can only be used with --status."));
      return 1;
    }

  /* Read from the keyring only: no display, no network. */
  sl_status_report_print (json);

  return 0;
}

/* SL_LOCALEDIR, when set and not empty, replaces the installed locale
 * folder, so an uninstalled build can use the catalogs in BUILD-DIR/po. */
static const char *
get_locale_dir (void)
{
  const char *dir = g_getenv ("SL_LOCALEDIR");

  return dir != NULL && *dir != '\0' ? dir : LOCALEDIR;
}

/* The window program sits next to this one in the build tree and in
 * LIBEXECDIR once installed. */
static char *
find_ui_program (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *folder = self != NULL ? g_path_get_dirname (self) : NULL;
  g_autofree char *beside = folder != NULL ? g_build_filename (folder, UI_PROGRAM, NULL) : NULL;

  if (beside != NULL && g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&beside);

  return g_build_filename (LIBEXECDIR, UI_PROGRAM, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *ui_program = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, get_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (wants_status (argc, argv))
    return print_status (argc, argv);

  ui_program = find_ui_program ();
  execv (ui_program, argv);

  /* Translators: %s is a program's path, then why it could not start. */
  g_printerr (_("Could not start %s: %s\n"), ui_program, g_strerror (errno));
  return 1;
}
