/* sl-bench-reference-app.c: the smallest libadwaita app with a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * build-aux/benchmark compares the app's start-up time and memory with this
 * program. Like the app, it registers a unique ID on the session bus and
 * presents one window on activation, but the window is empty.
 */
#include <adwaita.h>

#define REFERENCE_APP_ID "com.supportlogic.Connect.BenchmarkReference"
#define REFERENCE_TITLE "Benchmark Reference"

static void
on_activate (GApplication *app,
             gpointer      user_data)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));

  gtk_window_set_title (GTK_WINDOW (window), REFERENCE_TITLE);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AdwApplication) app = adw_application_new (REFERENCE_APP_ID,
                                                        G_APPLICATION_DEFAULT_FLAGS);

  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
