/* sl-bench-core.c: drives the core library against the stand-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   sl-bench-core --url URL sign-in [--runs N]
 *   sl-bench-core --url URL refresh [--calls N]
 *   sl-bench-core --url URL writeback [--count N]
 *
 * URL is a running stand-in that signs a user in automatically. Each mode
 * prints one JSON object with its measurements on standard output and
 * nothing else. The program never prints a token or an authorization code.
 * It needs a session bus with an unlocked keyring (tests/run-isolated
 * --keyring), because the sign-in is stored like the app stores it and the
 * session renewal reads the stored refresh token.
 */
#include <json-glib/json-glib.h>
#include <locale.h>

#include "sl-bench-stand-in.h"
#include "sl-connection.h"
#include "sl-keyring.h"
#include "sl-rest-client.h"
#include "sl-sign-in.h"
#include "sl-token-refresher.h"

/* The connected app of tests/fixtures/test-org.json. */
#define CLIENT_ID "SupportLogicConnectDemo"
#define API_VERSION "62.0"
/* A case of tests/fixtures/test-org.json. */
#define CASE_NUMBER "00001001"
#define WAIT_SECONDS 120

typedef struct
{
  const char    *url;
  SlTokenClient *client;
} Bench;

static gboolean
on_wait_timeout (gpointer user_data)
{
  g_error ("No result after %d seconds", WAIT_SECONDS);
  return G_SOURCE_REMOVE;
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
wait_for_result (GAsyncResult **result)
{
  guint timeout_id = g_timeout_add_seconds (WAIT_SECONDS, on_wait_timeout, NULL);

  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout_id);
}

static double
elapsed_ms (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1000.0;
}

static SlTokenClient *
new_token_client (const char  *url,
                  GError     **error)
{
  g_autoptr (SlOAuthConfig) config = sl_oauth_config_new (url, CLIENT_ID, error);

  if (config == NULL)
    return NULL;

  return sl_token_client_new (config);
}

/* Exchanges @callback, stores the result in @slot's keyring item and
 * returns the credentials once the connection model shows the slot as
 * connected, which is where the app's sign-in ends. */
static SlCredentials *
complete_and_store (SlSignIn    *sign_in,
                    const char  *callback,
                    GError     **error)
{
  const char *slot = sl_sign_in_get_slot (sign_in);
  g_autoptr (SlConnection) connection = sl_connection_new (slot);
  g_autoptr (GAsyncResult) completed = NULL;
  g_autoptr (GAsyncResult) stored = NULL;
  g_autoptr (SlCredentials) credentials = NULL;

  sl_sign_in_complete_async (sign_in, callback, NULL, on_result, &completed);
  wait_for_result (&completed);
  credentials = sl_sign_in_complete_finish (sign_in, completed, error);
  if (credentials == NULL)
    return NULL;

  sl_connection_store_async (connection, credentials, NULL, on_result, &stored);
  wait_for_result (&stored);
  if (!sl_connection_store_finish (connection, stored, error))
    return NULL;

  g_assert (sl_connection_get_state (connection) == SL_CONNECTION_STATE_CONNECTED);

  return g_steal_pointer (&credentials);
}

/* Signs @slot in with @client. The authorize request (the browser's part)
 * is not timed; @ms receives the time from the callback to connected. */
static SlCredentials *
sign_in_slot (SlTokenClient  *client,
              const char     *slot,
              double         *ms,
              GError        **error)
{
  g_autoptr (SlSignIn) sign_in = sl_sign_in_new (client, slot, FALSE);
  g_autofree char *callback = NULL;
  SlCredentials *credentials;
  gint64 start_us;

  callback = sl_bench_stand_in_authorize (sl_sign_in_get_authorize_uri (sign_in), error);
  if (callback == NULL)
    return NULL;

  start_us = g_get_monotonic_time ();
  credentials = complete_and_store (sign_in, callback, error);
  if (ms != NULL)
    *ms = elapsed_ms (start_us);

  return credentials;
}

static void
print_object (JsonBuilder *builder)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  g_print ("%s\n", json);
}

static void
add_int_member (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_double_member (JsonBuilder *builder,
                   const char  *name,
                   double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

/* Sign-in: @runs sign-ins of the integration slot, each with a token
 * client of its own as after a fresh start, so no connection is reused.
 * The user slot is signed in once more at the end, which leaves both
 * slots connected for the `--status` measurement. */
static gboolean
run_sign_in (Bench   *bench,
             guint    runs,
             GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ms");
  json_builder_begin_array (builder);
  for (guint i = 0; i < runs; i++)
    {
      g_autoptr (SlTokenClient) client = new_token_client (bench->url, error);
      g_autoptr (SlCredentials) credentials = NULL;
      double ms;

      if (client != NULL)
        credentials = sign_in_slot (client, SL_SLOT_INTEGRATION, &ms, error);
      if (credentials == NULL)
        return FALSE;
      json_builder_add_double_value (builder, ms);
    }
  json_builder_end_array (builder);

  {
    g_autoptr (SlCredentials) user = sign_in_slot (bench->client, SL_SLOT_USER, NULL, error);

    if (user == NULL)
      return FALSE;
  }

  print_object (builder);
  return TRUE;
}

/* A REST client for the user slot, signed in now, that renews its session
 * through the keyring like the app's Cases page. */
static SlRestClient *
new_rest_client (Bench             *bench,
                 SlTokenRefresher **refresher,
                 GError           **error)
{
  g_autoptr (SlCredentials) credentials = NULL;
  SlRestClient *rest;

  credentials = sign_in_slot (bench->client, SL_SLOT_USER, NULL, error);
  if (credentials == NULL)
    return NULL;

  *refresher = sl_token_refresher_new (SL_SLOT_USER, bench->client);
  rest = sl_rest_client_new (sl_token_client_get_session (bench->client), credentials,
                             API_VERSION);
  sl_rest_client_set_refresher (rest, *refresher);

  return rest;
}

typedef struct
{
  SlRestClient *rest;
  guint         pending;
  guint         succeeded;
} Calls;

static void
on_case_found (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Calls *calls = user_data;
  g_autoptr (SlCase) found = NULL;
  g_autoptr (GError) error = NULL;

  found = sl_rest_client_find_case_finish (calls->rest, result, &error);
  if (found != NULL)
    calls->succeeded++;
  else
    g_printerr ("A case lookup failed: %s\n", error->message);
  calls->pending--;
}

/* Refresh: @n_calls case lookups start at once with an access token that
 * the stand-in has just expired, so every one of them gets a 401. */
static gboolean
run_refresh (Bench   *bench,
             guint    n_calls,
             GError **error)
{
  g_autoptr (SlTokenRefresher) refresher = NULL;
  g_autoptr (SlRestClient) rest = new_rest_client (bench, &refresher, error);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  Calls calls = { rest, n_calls, 0 };
  gint64 start_us;
  gint refreshes;

  if (rest == NULL
      || !sl_bench_stand_in_control (bench->url, "/__control/expire-access-tokens", error)
      || !sl_bench_stand_in_control (bench->url, "/__control/reset", error))
    return FALSE;

  start_us = g_get_monotonic_time ();
  for (guint i = 0; i < n_calls; i++)
    sl_rest_client_find_case_async (rest, CASE_NUMBER, NULL, on_case_found, &calls);
  while (calls.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  json_builder_begin_object (builder);
  add_double_member (builder, "ms", elapsed_ms (start_us));
  refreshes = sl_bench_stand_in_count_refreshes (bench->url, error);
  if (refreshes < 0)
    return FALSE;
  add_int_member (builder, "calls", n_calls);
  add_int_member (builder, "succeeded", calls.succeeded);
  add_int_member (builder, "refreshes", refreshes);
  print_object (builder);

  return TRUE;
}

static char *
find_case_id (SlRestClient  *rest,
              GError       **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (SlCase) found = NULL;

  sl_rest_client_find_case_async (rest, CASE_NUMBER, NULL, on_result, &result);
  wait_for_result (&result);
  found = sl_rest_client_find_case_finish (rest, result, error);

  return found != NULL ? g_strdup (found->id) : NULL;
}

/* Posts one comment and waits for its result. */
static gboolean
post_comment (SlRestClient *rest,
              const char   *case_id,
              guint         index)
{
  g_autofree char *body = g_strdup_printf ("Benchmark comment %u", index);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *comment_id = NULL;

  sl_rest_client_post_comment_async (rest, case_id, body, FALSE, FALSE, 0, NULL,
                                     on_result, &result);
  wait_for_result (&result);
  comment_id = sl_rest_client_post_comment_finish (rest, result, &error);
  if (comment_id == NULL)
    g_printerr ("Comment %u failed: %s\n", index, error->message);

  return comment_id != NULL;
}

/* Writeback: @count comments, each posted after the previous one has its
 * response, over the client's shared session. */
static gboolean
run_writeback (Bench   *bench,
               guint    count,
               GError **error)
{
  g_autoptr (SlTokenRefresher) refresher = NULL;
  g_autoptr (SlRestClient) rest = new_rest_client (bench, &refresher, error);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *case_id = NULL;
  guint succeeded = 0;
  gint64 start_us;

  if (rest == NULL || (case_id = find_case_id (rest, error)) == NULL)
    return FALSE;

  start_us = g_get_monotonic_time ();
  for (guint i = 0; i < count; i++)
    succeeded += post_comment (rest, case_id, i) ? 1 : 0;

  json_builder_begin_object (builder);
  add_double_member (builder, "ms", elapsed_ms (start_us));
  add_int_member (builder, "count", count);
  add_int_member (builder, "succeeded", succeeded);
  print_object (builder);

  return TRUE;
}

static gboolean
run_mode (Bench       *bench,
          const char  *mode,
          gint         amount,
          GError     **error)
{
  if (g_str_equal (mode, "sign-in"))
    return run_sign_in (bench, amount > 0 ? amount : 7, error);
  if (g_str_equal (mode, "refresh"))
    return run_refresh (bench, amount > 0 ? amount : 50, error);
  if (g_str_equal (mode, "writeback"))
    return run_writeback (bench, amount > 0 ? amount : 1000, error);

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "Unknown mode “%s”: use sign-in, refresh or writeback", mode);
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *url = NULL;
  gint amount = 0;
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "URL of a running stand-in", "URL" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &amount, "Sign-ins to time (default 7)", "N" },
    { "calls", 0, 0, G_OPTION_ARG_INT, &amount, "Concurrent calls (default 50)", "N" },
    { "count", 0, 0, G_OPTION_ARG_INT, &amount, "Comments to post (default 1000)", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("sign-in|refresh|writeback");
  g_autoptr (GError) error = NULL;
  Bench bench = { NULL, NULL };

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || url == NULL)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "Usage: sl-bench-core --url URL MODE");
      return 2;
    }

  bench.url = url;
  bench.client = new_token_client (url, &error);
  if (bench.client == NULL || !run_mode (&bench, argv[1], amount, &error))
    {
      g_printerr ("sl-bench-core %s: %s\n", argv[1], error->message);
      g_clear_object (&bench.client);
      return 1;
    }

  g_clear_object (&bench.client);
  return 0;
}
