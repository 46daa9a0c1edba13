/* ui-main.c: the window program, started by supportlogic-connect for
 * everything but `--status`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "sl-application.h"

/* SL_LOCALEDIR, when set and not empty, replaces the installed locale
 * folder, so an uninstalled build can use the catalogs in BUILD-DIR/po. */
static const char *
get_locale_dir (void)
{
  const char *dir = g_getenv ("SL_LOCALEDIR");

  return dir != NULL && *dir != '\0' ? dir : LOCALEDIR;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (SlApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, get_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = sl_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
