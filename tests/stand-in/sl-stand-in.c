/* sl-stand-in.c: a local stand-in for Salesforce's login host and instance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sl-stand-in --fixture FILE [--port N] [--auto-sign-in USERNAME]
 *             [--code-lifetime SECONDS] [--fault SPEC]... [--log-file FILE]
 *             [--api-limit N] [--access-token-lifetime SECONDS]
 *             [--rotate-refresh-tokens] [--hostile-login-page]
 *             [--tls-certificate FILE --tls-key FILE]
 *
 * Listens on 127.0.0.1 (and ::1 when available) only, over HTTPS when given
 * a certificate and key, prints the login URL
 * as the first and only line on standard output and serves until SIGTERM
 * or SIGINT.  Logs go to standard error.
 */

#include "sl-stand-in.h"

#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct
{
  char     *fixture_path;
  int       port;
  char     *auto_sign_in;
  int       code_lifetime_s;
  char    **faults;
  char     *log_file;
  int       api_limit;
  int       access_token_lifetime_s;
  gboolean  rotate_refresh_tokens;
  gboolean  hostile_login_page;
  char     *tls_certificate;
  char     *tls_key;
} Options;

static void
options_clear (Options *options)
{
  g_clear_pointer (&options->fixture_path, g_free);
  g_clear_pointer (&options->auto_sign_in, g_free);
  g_clear_pointer (&options->faults, g_strfreev);
  g_clear_pointer (&options->log_file, g_free);
  g_clear_pointer (&options->tls_certificate, g_free);
  g_clear_pointer (&options->tls_key, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static void
stand_in_free (StandIn *self)
{
  g_clear_object (&self->server);
  g_clear_pointer (&self->fixture, stand_in_fixture_free);
  g_clear_pointer (&self->login_url, g_free);
  g_clear_pointer (&self->instance_url, g_free);
  g_clear_pointer (&self->auto_sign_in, g_free);
  g_clear_pointer (&self->faults, g_ptr_array_unref);
  g_clear_pointer (&self->requests, g_ptr_array_unref);
  g_clear_object (&self->log_stream);
  g_clear_pointer (&self->transactions, g_hash_table_unref);
  g_clear_pointer (&self->codes, g_hash_table_unref);
  g_clear_pointer (&self->refresh_tokens, g_hash_table_unref);
  g_clear_pointer (&self->access_tokens, g_hash_table_unref);
  g_clear_pointer (&self->issued_secrets, g_ptr_array_unref);
  g_clear_pointer (&self->signing_key, g_bytes_unref);
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StandIn, stand_in_free)

/* Sends every log message to standard error, because the default writer
 * puts debug messages on standard output, which carries only the URL. */
static GLogWriterOutput
write_log_to_stderr (GLogLevelFlags   log_level,
                     const GLogField *fields,
                     gsize            n_fields,
                     gpointer         user_data)
{
  g_autofree char *line = NULL;

  if (g_log_writer_default_would_drop (log_level, G_LOG_DOMAIN))
    return G_LOG_WRITER_HANDLED;

  line = g_log_writer_format_fields (log_level, fields, n_fields, FALSE);
  fprintf (stderr, "sl-stand-in: %s\n", line);
  fflush (stderr);

  return G_LOG_WRITER_HANDLED;
}

static gboolean
parse_options (Options   *options,
               int       *argc,
               char    ***argv,
               GError   **error)
{
  const GOptionEntry entries[] = {
    { "fixture", 0, 0, G_OPTION_ARG_FILENAME, &options->fixture_path,
      "JSON file with the org, its connected apps and users (required)", "FILE" },
    { "port", 0, 0, G_OPTION_ARG_INT, &options->port,
      "TCP port on 127.0.0.1 and ::1; 0 picks a free one (default: 0)", "N" },
    { "auto-sign-in", 0, 0, G_OPTION_ARG_STRING, &options->auto_sign_in,
      "Treat USERNAME as signed in with the app approved, unless prompt=login", "USERNAME" },
    { "code-lifetime", 0, 0, G_OPTION_ARG_INT, &options->code_lifetime_s,
      "Seconds an authorization code stays valid (default: 900)", "SECONDS" },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->faults,
      "Inject a fault, as ENDPOINT:key=value[,key=value...]; repeatable", "SPEC" },
    { "log-file", 0, 0, G_OPTION_ARG_FILENAME, &options->log_file,
      "Also append each request record to FILE as a JSON line", "FILE" },
    { "api-limit", 0, 0, G_OPTION_ARG_INT, &options->api_limit,
      "REST requests allowed per day, instead of the fixture's api_limit", "N" },
    { "access-token-lifetime", 0, 0, G_OPTION_ARG_INT, &options->access_token_lifetime_s,
      "Seconds an access token stays valid (default: it never expires)", "SECONDS" },
    { "rotate-refresh-tokens", 0, 0, G_OPTION_ARG_NONE, &options->rotate_refresh_tokens,
      "Issue a new refresh token on every refresh and reject the older ones", NULL },
    { "hostile-login-page", 0, 0, G_OPTION_ARG_NONE, &options->hostile_login_page,
      "Answer authorize with a page that tries to escape the sign-in window", NULL },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &options->tls_certificate,
      "Serve HTTPS with the PEM certificate in FILE (needs --tls-key)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &options->tls_key,
      "PEM private key of the --tls-certificate", "FILE" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- Salesforce stand-in");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;

  if (options->fixture_path == NULL || *argc > 1 || options->port < 0
      || options->port > 65535 || options->code_lifetime_s < 1
      || (options->api_limit != -1 && options->api_limit < 1)
      || (options->access_token_lifetime_s != -1 && options->access_token_lifetime_s < 1)
      || (options->tls_certificate == NULL) != (options->tls_key == NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "usage: sl-stand-in --fixture FILE [--port 0-65535] "
                   "[--auto-sign-in USERNAME] [--code-lifetime SECONDS>=1] [--fault SPEC]... "
                   "[--log-file FILE] [--api-limit N>=1] "
                   "[--access-token-lifetime SECONDS>=1] [--rotate-refresh-tokens] "
                   "[--hostile-login-page] [--tls-certificate FILE --tls-key FILE]");
      return FALSE;
    }

  return TRUE;
}

/* Copies the options that need checking against the fixture into @self. */
static gboolean
configure (StandIn  *self,
           Options  *options,
           GError  **error)
{
  const StandInUser *user;

  self->fixture = stand_in_fixture_load (options->fixture_path, error);
  if (self->fixture == NULL)
    return FALSE;

  user = stand_in_fixture_find_user (self->fixture, options->auto_sign_in);
  if (options->auto_sign_in != NULL && (user == NULL || !user->active))
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                   "--auto-sign-in: no active user \"%s\" in %s",
                   options->auto_sign_in, options->fixture_path);
      return FALSE;
    }
  self->auto_sign_in = g_strdup (options->auto_sign_in);
  self->code_lifetime_us = (gint64) options->code_lifetime_s * G_USEC_PER_SEC;
  if (options->api_limit != -1)
    self->fixture->api_limit = options->api_limit;
  if (options->access_token_lifetime_s != -1)
    self->access_token_lifetime_us = (gint64) options->access_token_lifetime_s * G_USEC_PER_SEC;
  self->rotate_refresh_tokens = options->rotate_refresh_tokens;
  self->hostile_login_page = options->hostile_login_page;

  for (guint i = 0; options->faults != NULL && options->faults[i] != NULL; i++)
    {
      StandInFault *fault = stand_in_fault_parse_spec (options->faults[i], error);

      if (fault == NULL)
        return FALSE;
      g_ptr_array_add (self->faults, fault);
    }

  return TRUE;
}

static gboolean
open_log_file (StandIn     *self,
               const char  *path,
               GError     **error)
{
  g_autoptr(GFile) file = NULL;

  if (path == NULL)
    return TRUE;

  file = g_file_new_for_commandline_arg (path);
  self->log_stream = G_OUTPUT_STREAM (g_file_append_to (file, G_FILE_CREATE_NONE, NULL, error));
  if (self->log_stream == NULL)
    g_prefix_error (error, "--log-file %s: ", path);

  return self->log_stream != NULL;
}

/* Gives the server the certificate and key of the options, so it can
 * listen with HTTPS.  Without them it stays plain HTTP. */
static gboolean
load_tls_certificate (StandIn  *self,
                      Options  *options,
                      GError  **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;

  if (options->tls_certificate == NULL)
    return TRUE;

  certificate = g_tls_certificate_new_from_files (options->tls_certificate,
                                                  options->tls_key, error);
  if (certificate == NULL)
    {
      g_prefix_error (error, "--tls-certificate %s, --tls-key %s: ",
                      options->tls_certificate, options->tls_key);
      return FALSE;
    }

  g_object_set (self->server, "tls-certificate", certificate, NULL);
  return TRUE;
}

static guint
get_listening_port (SoupServer *server)
{
  GSList *listeners = soup_server_get_listeners (server);
  g_autoptr(GSocketAddress) address = NULL;
  guint port = 0;

  if (listeners != NULL)
    address = g_socket_get_local_address (listeners->data, NULL);
  if (address != NULL)
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));

  g_slist_free (listeners);
  return port;
}

/* Listens on 127.0.0.1 and then on ::1 with the same port, over HTTPS
 * when the server has a certificate. */
static gboolean
listen_on_loopback (StandIn  *self,
                    guint     port,
                    GError  **error)
{
  g_autoptr(GError) ipv6_error = NULL;
  gboolean https = soup_server_is_https (self->server);
  SoupServerListenOptions tls = https ? SOUP_SERVER_LISTEN_HTTPS : 0;
  const char *scheme = https ? "https" : "http";

  if (!soup_server_listen_local (self->server, port, SOUP_SERVER_LISTEN_IPV4_ONLY | tls, error))
    {
      g_prefix_error (error, "Could not listen on 127.0.0.1 port %u: ", port);
      return FALSE;
    }

  self->port = get_listening_port (self->server);
  if (!soup_server_listen_local (self->server, self->port, SOUP_SERVER_LISTEN_IPV6_ONLY | tls,
                                 &ipv6_error))
    g_debug ("Not listening on ::1: %s", ipv6_error->message);

  self->login_url = g_strdup_printf ("%s://127.0.0.1:%u", scheme, self->port);
  self->instance_url = g_strdup_printf ("%s://localhost:%u", scheme, self->port);
  return TRUE;
}

static StandIn *
stand_in_new (void)
{
  StandIn *self = g_new0 (StandIn, 1);
  guint32 key[8];

  for (guint i = 0; i < G_N_ELEMENTS (key); i++)
    key[i] = g_random_int ();

  self->signing_key = g_bytes_new (key, sizeof key);
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) stand_in_fault_free);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->routes = g_ptr_array_new_with_free_func (g_free);
  self->server = soup_server_new ("server-header", "sl-stand-in ", NULL);

  stand_in_add_authorize_routes (self);
  stand_in_add_token_routes (self);
  stand_in_add_identity_routes (self);
  stand_in_add_rest_routes (self);
  stand_in_add_hostile_routes (self);
  stand_in_add_control_routes (self);

  return self;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static int
serve (StandIn *self)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  guint sigint_id = g_unix_signal_add (SIGINT, on_quit_signal, loop);

  printf ("%s\n", self->login_url);
  fflush (stdout);
  g_message ("Serving %s on %s, instance %s", self->fixture->org_id, self->login_url,
             self->instance_url);

  g_main_loop_run (loop);

  g_message ("Stopping");
  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  soup_server_disconnect (self->server);
  return EXIT_SUCCESS;
}

int
main (int   argc,
      char *argv[])
{
  g_auto(Options) options = { .code_lifetime_s = 900, .api_limit = -1,
                              .access_token_lifetime_s = -1 };
  g_autoptr(StandIn) self = NULL;
  g_autoptr(GError) error = NULL;

  g_log_set_writer_func (write_log_to_stderr, NULL, NULL);

  if (!parse_options (&options, &argc, &argv, &error))
    {
      g_printerr ("sl-stand-in: %s\n", error->message);
      return STAND_IN_EXIT_USAGE;
    }

  self = stand_in_new ();
  if (!configure (self, &options, &error))
    {
      g_printerr ("sl-stand-in: %s\n", error->message);
      return STAND_IN_EXIT_USAGE;
    }

  if (!open_log_file (self, options.log_file, &error)
      || !load_tls_certificate (self, &options, &error)
      || !listen_on_loopback (self, options.port, &error))
    {
      g_printerr ("sl-stand-in: %s\n", error->message);
      return EXIT_FAILURE;
    }

  return serve (self);
}
