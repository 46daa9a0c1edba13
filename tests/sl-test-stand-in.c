/* sl-test-stand-in.c: runs the Salesforce stand-in for unit tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every HTTP call here is synchronous and runs with its own thread-default
 * main context, so it works inside tests that run a main loop of their own
 * and never dispatches their sources.
 */

#include "sl-test-stand-in.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <sys/prctl.h>

/* A connected app and callback of tests/fixtures/test-org.json. */
#define TEST_CLIENT_ID "SupportLogicConnectDemo"
#define TEST_REDIRECT_URI "com.supportlogic.connect:/oauth2/callback"

struct _SlTestStandIn
{
  GSubprocess      *process;
  GDataInputStream *stdout_stream;
  char             *url;
};

static const char *
get_required_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set; run the tests through meson test", name);

  return value;
}

static GPtrArray *
build_argv (const char *first_arg,
            va_list     args)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) get_required_env ("SL_STAND_IN"));
  g_ptr_array_add (argv, "--fixture");
  g_ptr_array_add (argv, (char *) get_required_env ("SL_TEST_FIXTURE"));
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, "0");

  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, NULL);

  return argv;
}

/* Runs in the child before exec: the kernel sends SIGTERM to the stand-in
 * when the thread that started it exits, so a test that aborts leaves no
 * server behind holding its output pipes open. */
static void
stop_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn (GPtrArray  *argv,
       GError    **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_subprocess_launcher_set_child_setup (launcher, stop_with_parent, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}

SlTestStandIn *
sl_test_stand_in_start (const char *first_arg,
                        ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  SlTestStandIn *self = g_new0 (SlTestStandIn, 1);
  va_list args;

  va_start (args, first_arg);
  argv = build_argv (first_arg, args);
  va_end (args);

  self->process = spawn (argv, &error);
  if (self->process == NULL)
    g_error ("Could not start the stand-in: %s", error->message);

  self->stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  self->url = g_data_input_stream_read_line_utf8 (self->stdout_stream, NULL, NULL, &error);
  if (self->url == NULL || !g_str_has_prefix (self->url, "http://127.0.0.1:"))
    g_error ("The stand-in printed no login URL: %s",
             error != NULL ? error->message : "it exited early");

  return self;
}

const char *
sl_test_stand_in_get_url (SlTestStandIn *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->url;
}

/* Sends @msg with a session of its own and returns the response body.
 * g_error()s when no HTTP response arrives. */
static GBytes *
send_message (SoupMessage *msg)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  SoupSession *session;
  GBytes *body;

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", 30, NULL);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_object_unref (session);
  g_main_context_pop_thread_default (context);

  if (body == NULL)
    g_error ("%s %s failed: %s", soup_message_get_method (msg),
             g_uri_get_path (soup_message_get_uri (msg)), error->message);

  return body;
}

/* Sends a control request and g_error()s unless the response status is 200. */
static GBytes *
send_control (SlTestStandIn *self,
              const char    *method,
              const char    *path,
              const char    *json_body)
{
  g_autofree char *uri = g_strconcat (self->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) body = NULL;

  if (json_body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }

  body = send_message (msg);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    g_error ("%s %s answered %u: %.*s", method, path, soup_message_get_status (msg),
             (int) g_bytes_get_size (body), (const char *) g_bytes_get_data (body, NULL));

  return g_steal_pointer (&body);
}

/* Adds a fault such as {"endpoint": "token", "status": 503, "times": 1}. */
void
sl_test_stand_in_add_fault (SlTestStandIn *self,
                            const char    *json_fault)
{
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (json_fault != NULL);

  body = send_control (self, SOUP_METHOD_POST, "/__control/faults", json_fault);
}

/* Clears the faults and the request log. */
void
sl_test_stand_in_reset (SlTestStandIn *self)
{
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (self != NULL);

  body = send_control (self, SOUP_METHOD_POST, "/__control/reset", NULL);
}

/* Returns the request log: one object per request with "method", "path",
 * "endpoint", "status" and, for the token endpoint, "grant_type". */
JsonArray *
sl_test_stand_in_get_requests (SlTestStandIn *self)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_return_val_if_fail (self != NULL, NULL);

  body = send_control (self, SOUP_METHOD_GET, "/__control/requests", NULL);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                   g_bytes_get_size (body), &error))
    g_error ("The request log is not JSON: %s", error->message);

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    g_error ("The request log is not a JSON array");

  return json_array_ref (json_node_get_array (root));
}

/* Returns how many logged requests went to @endpoint ("token", ...). */
guint
sl_test_stand_in_count_requests (SlTestStandIn *self,
                                 const char    *endpoint)
{
  g_autoptr(JsonArray) requests = NULL;
  guint count = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (endpoint != NULL, 0);

  requests = sl_test_stand_in_get_requests (self);
  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (request, "endpoint", NULL),
                     endpoint) == 0)
        count++;
    }

  return count;
}

/* Returns the Location header of @authorize_uri, which with --auto-sign-in
 * is the callback URI.  Redirects are not followed. */
char *
sl_test_stand_in_authorize (SlTestStandIn *self,
                            const char    *authorize_uri)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  const char *location;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (authorize_uri != NULL, NULL);

  msg = soup_message_new (SOUP_METHOD_GET, authorize_uri);
  if (msg == NULL)
    g_error ("Invalid authorize URI: %s", authorize_uri);

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  body = send_message (msg);
  location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  if (location == NULL)
    g_error ("Authorize answered %u without a Location header", soup_message_get_status (msg));

  return g_strdup (location);
}

static JsonNode *
parse_json (GBytes     *body,
            const char *what)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                   g_bytes_get_size (body), &error))
    g_error ("%s is not JSON: %s", what, error->message);
  if (json_parser_get_root (parser) == NULL)
    g_error ("%s is empty", what);

  return json_node_copy (json_parser_get_root (parser));
}

/* Returns the current records of @object ("Case", "CaseComment" or
 * "User") with all their fields, in creation order. */
JsonArray *
sl_test_stand_in_get_records (SlTestStandIn *self,
                              const char    *object)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (object != NULL, NULL);

  path = g_strconcat ("/__control/records/", object, NULL);
  body = send_control (self, SOUP_METHOD_GET, path, NULL);
  root = parse_json (body, "The record list");
  if (!JSON_NODE_HOLDS_ARRAY (root))
    g_error ("The record list is not a JSON array");

  return json_array_ref (json_node_get_array (root));
}

/* Makes authorize sign @username in without the login form, as
 * --auto-sign-in does; NULL switches that off. */
void
sl_test_stand_in_set_auto_sign_in (SlTestStandIn *self,
                                   const char    *username)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (self != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  if (username != NULL)
    json_builder_add_string_value (builder, username);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  body = send_control (self, SOUP_METHOD_POST, "/__control/auto-sign-in", json);
}

/* Returns BASE64URL(SHA256(@verifier)), the S256 PKCE challenge. */
static char *
compute_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  char *challenge;

  g_checksum_update (checksum, (const guchar *) verifier, -1);
  g_checksum_get_digest (checksum, digest, &length);
  challenge = g_base64_encode (digest, length);
  g_strdelimit (challenge, "+", '-');
  g_strdelimit (challenge, "/", '_');
  *strchrnul (challenge, '=') = '\0';

  return challenge;
}

/* Returns the authorization code of a sign-in through auto sign-in. */
static char *
authorize_code (SlTestStandIn *self,
                const char    *challenge)
{
  g_autofree char *query = soup_form_encode ("response_type", "code",
                                             "client_id", TEST_CLIENT_ID,
                                             "redirect_uri", TEST_REDIRECT_URI,
                                             "code_challenge", challenge,
                                             "code_challenge_method", "S256",
                                             NULL);
  g_autofree char *uri = g_strconcat (self->url, "/services/oauth2/authorize?", query, NULL);
  g_autofree char *callback = sl_test_stand_in_authorize (self, uri);
  g_autoptr(GUri) parsed = g_uri_parse (callback, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) params = NULL;

  if (parsed == NULL || g_uri_get_query (parsed) == NULL)
    g_error ("Authorize redirected to an unexpected URI");
  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  if (params == NULL || g_hash_table_lookup (params, "code") == NULL)
    g_error ("Authorize redirected without a code");

  return g_strdup (g_hash_table_lookup (params, "code"));
}

/* Signs @username in through authorize and the token endpoint and returns
 * an access token for the REST API.  This leaves auto sign-in set to
 * @username.  g_error()s on failure. */
char *
sl_test_stand_in_get_access_token (SlTestStandIn *self,
                                   const char    *username)
{
  const char *verifier = "stand-in-test-verifier-0123456789-abcdefghijklmnop";
  g_autofree char *challenge = compute_challenge (verifier);
  g_autofree char *code = NULL;
  g_autofree char *form = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *token;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (username != NULL, NULL);

  sl_test_stand_in_set_auto_sign_in (self, username);
  code = authorize_code (self, challenge);
  form = soup_form_encode ("grant_type", "authorization_code", "code", code,
                           "client_id", TEST_CLIENT_ID, "redirect_uri", TEST_REDIRECT_URI,
                           "code_verifier", verifier, NULL);
  uri = g_strconcat (self->url, "/services/oauth2/token", NULL);
  msg = soup_message_new (SOUP_METHOD_POST, uri);
  request = g_bytes_new (form, strlen (form));
  soup_message_set_request_body_from_bytes (msg, SOUP_FORM_MIME_TYPE_URLENCODED, request);
  body = send_message (msg);

  root = parse_json (body, "The token response");
  token = JSON_NODE_HOLDS_OBJECT (root)
          ? json_object_get_string_member_with_default (json_node_get_object (root),
                                                        "access_token", NULL)
          : NULL;
  if (soup_message_get_status (msg) != SOUP_STATUS_OK || token == NULL)
    g_error ("The token endpoint answered %u without an access token",
             soup_message_get_status (msg));

  return g_strdup (token);
}

/* Stops the stand-in with SIGTERM, waits for it to exit and frees @self. */
void
sl_test_stand_in_stop (SlTestStandIn *self)
{
  g_autoptr(GError) error = NULL;

  if (self == NULL)
    return;

  g_subprocess_send_signal (self->process, SIGTERM);
  if (!g_subprocess_wait (self->process, NULL, &error))
    g_warning ("Could not wait for the stand-in: %s", error->message);
  else if (!g_subprocess_get_if_exited (self->process)
           || g_subprocess_get_exit_status (self->process) != 0)
    g_warning ("The stand-in did not exit cleanly");

  g_clear_object (&self->stdout_stream);
  g_clear_object (&self->process);
  g_free (self->url);
  g_free (self);
}
