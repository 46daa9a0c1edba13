/* test-token-refresh.c: renewing expired sessions against the stand-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs in a private keyring (tests/run-isolated --keyring), because the
 * refresher reads and writes the slot's keyring item.
 */
#include <string.h>

#include "sl-connection-check.h"
#include "sl-connection.h"
#include "sl-keyring.h"
#include "sl-oauth-error.h"
#include "sl-rest-client.h"
#include "sl-sign-in.h"
#include "sl-test-stand-in.h"
#include "sl-token-refresher.h"

#define CLIENT_ID "SupportLogicConnectDemo"
#define ALICE "alice@acme.example.com"
#define BOB "bob@acme.example.com"
#define API_VERSION "62.0"
#define WAIT_SECONDS 20
#define N_CONCURRENT_CALLS 20
#define ROTATE "--rotate-refresh-tokens"

typedef struct
{
  SlTestStandIn *stand_in;
  SlOAuthConfig *config;
  SlTokenClient *token_client;
  SlTokenRefresher *refresher;
  SoupSession *session;
  SlCredentials *credentials;
  SlRestClient *client;
} Fixture;

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
wait_for (GAsyncResult **result)
{
  guint timeout_id = g_timeout_add_seconds (WAIT_SECONDS, on_wait_timeout, NULL);

  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout_id);
}

static SlCredentials *
sign_in (Fixture *fixture)
{
  g_autoptr(SlSignIn) sign_in = sl_sign_in_new (fixture->token_client, SL_SLOT_USER, FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *callback = NULL;
  SlCredentials *credentials;

  callback = sl_test_stand_in_authorize (fixture->stand_in,
                                         sl_sign_in_get_authorize_uri (sign_in));
  sl_sign_in_complete_async (sign_in, callback, NULL, on_result, &result);
  wait_for (&result);
  credentials = sl_sign_in_complete_finish (sign_in, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);

  return credentials;
}

static void
store_credentials (const SlCredentials *credentials)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sl_keyring_store_async (SL_SLOT_USER, credentials, NULL, on_result, &result);
  wait_for (&result);
  g_assert_true (sl_keyring_store_finish (result, &error));
  g_assert_no_error (error);
}

static SlCredentials *
load_credentials (void)
{
  g_autoptr(GError) error = NULL;
  SlCredentials *credentials = sl_keyring_load_sync (SL_SLOT_USER, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (credentials);

  return credentials;
}

static SlRestClient *
new_client (Fixture *fixture)
{
  SlRestClient *client = sl_rest_client_new (fixture->session, fixture->credentials,
                                             API_VERSION);

  sl_rest_client_set_refresher (client, fixture->refresher);
  return client;
}

/* @user_data is an extra stand-in argument, or NULL. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, user_data, NULL);
  fixture->config = sl_oauth_config_new (sl_test_stand_in_get_url (fixture->stand_in),
                                         CLIENT_ID, &error);
  g_assert_no_error (error);
  fixture->token_client = sl_token_client_new (fixture->config);
  fixture->credentials = sign_in (fixture);
  store_credentials (fixture->credentials);
  fixture->refresher = sl_token_refresher_new (SL_SLOT_USER, fixture->token_client);
  fixture->session = soup_session_new_with_options ("timeout", 5, NULL);
  fixture->client = new_client (fixture);
  sl_test_stand_in_reset (fixture->stand_in);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_keyring_delete_async (SL_SLOT_USER, NULL, on_result, &result);
  wait_for (&result);
  g_assert_true (sl_keyring_delete_finish (result, NULL));

  g_clear_object (&fixture->client);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->refresher);
  g_clear_pointer (&fixture->credentials, sl_credentials_free);
  g_clear_object (&fixture->token_client);
  g_clear_object (&fixture->config);
  g_clear_pointer (&fixture->stand_in, sl_test_stand_in_stop);
}

/* Sends a control request to the stand-in and checks for status 200. It
 * runs in a main context of its own, so the test's sources stay put. */
static void
post_control (Fixture    *fixture,
              const char *path,
              const char *json_body)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autofree char *uri = g_strconcat (sl_test_stand_in_get_url (fixture->stand_in), path,
                                      NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, uri);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupSession *session;

  if (json_body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }

  g_main_context_push_thread_default (context);
  session = soup_session_new ();
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_object_unref (session);
  g_main_context_pop_thread_default (context);

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
}

static void
expire_access_tokens (Fixture *fixture)
{
  post_control (fixture, "/__control/expire-access-tokens", NULL);
}

/* Returns how many refresh_token grants the stand-in received. */
static guint
count_refreshes (Fixture *fixture)
{
  g_autoptr(JsonArray) requests = sl_test_stand_in_get_requests (fixture->stand_in);
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);
      const char *grant_type = json_object_get_string_member_with_default (request,
                                                                           "grant_type",
                                                                           NULL);

      if (g_strcmp0 (grant_type, "refresh_token") == 0)
        count++;
    }

  return count;
}

static SlCase *
find_case (SlRestClient  *client,
           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_rest_client_find_case_async (client, "00001001", NULL, on_result, &result);
  wait_for (&result);
  return sl_rest_client_find_case_finish (client, result, error);
}

static void
test_expired_refreshes_once (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(SlCase) found = NULL;
  g_autoptr(SlCredentials) stored = NULL;
  g_autoptr(GError) error = NULL;

  expire_access_tokens (fixture);
  found = find_case (fixture->client, &error);
  stored = load_credentials ();

  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (found->case_number, ==, "00001001");
  g_assert_cmpuint (count_refreshes (fixture), ==, 1);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "query"), ==, 2);
  g_assert_false (g_strcmp0 (stored->access_token, fixture->credentials->access_token) == 0);
  g_assert_cmpstr (stored->email, ==, ALICE);
}

/* Half of the calls share one client, the others each have their own, as
 * the Cases page creates one per request. All share the refresher. */
static void
test_single_flight (Fixture       *fixture,
                    gconstpointer  user_data)
{
  GAsyncResult *results[N_CONCURRENT_CALLS] = { NULL };
  SlRestClient *clients[N_CONCURRENT_CALLS] = { NULL };

  expire_access_tokens (fixture);
  for (guint i = 0; i < N_CONCURRENT_CALLS; i++)
    {
      clients[i] = i % 2 == 0 ? g_object_ref (fixture->client) : new_client (fixture);
      sl_rest_client_find_case_async (clients[i], "00001001", NULL, on_result, &results[i]);
    }

  for (guint i = 0; i < N_CONCURRENT_CALLS; i++)
    {
      g_autoptr(SlCase) found = NULL;
      g_autoptr(GError) error = NULL;

      wait_for (&results[i]);
      found = sl_rest_client_find_case_finish (clients[i], results[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (found);
      g_clear_object (&results[i]);
      g_clear_object (&clients[i]);
    }

  g_assert_cmpuint (count_refreshes (fixture), ==, 1);
}

static void
test_rotation_stored (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(SlCase) first = NULL;
  g_autoptr(SlCase) second = NULL;
  g_autoptr(SlCredentials) stored = NULL;
  g_autoptr(GError) error = NULL;

  expire_access_tokens (fixture);
  first = find_case (fixture->client, &error);
  g_assert_no_error (error);
  stored = load_credentials ();

  g_assert_nonnull (stored->refresh_token);
  g_assert_false (g_strcmp0 (stored->refresh_token, fixture->credentials->refresh_token) == 0);

  /* The stand-in revokes the chain when the older token comes back, so a
   * second refresh only works with the rotated token from the keyring. */
  expire_access_tokens (fixture);
  second = find_case (fixture->client, &error);

  g_assert_no_error (error);
  g_assert_nonnull (second);
  g_assert_cmpuint (count_refreshes (fixture), ==, 2);
}

static void
test_no_rotation_keeps_token (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(SlCase) found = NULL;
  g_autoptr(SlCredentials) stored = NULL;
  g_autoptr(GError) error = NULL;

  expire_access_tokens (fixture);
  found = find_case (fixture->client, &error);
  stored = load_credentials ();

  g_assert_no_error (error);
  g_assert_true (g_strcmp0 (stored->refresh_token, fixture->credentials->refresh_token) == 0);
  g_assert_false (g_strcmp0 (stored->access_token, fixture->credentials->access_token) == 0);
}

static void
on_reauth_required (SlTokenRefresher *refresher,
                    const char       *reason,
                    SlConnection     *connection)
{
  sl_connection_require_reauth (connection, reason);
}

static SlConnection *
load_connection (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sl_connection_load_async (connection, NULL, on_result, &result);
  wait_for (&result);
  g_assert_true (sl_connection_load_finish (connection, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sl_connection_get_state (connection), ==, SL_CONNECTION_STATE_CONNECTED);

  return g_steal_pointer (&connection);
}

/* Checks a refresh that Salesforce rejects after @control_path (with
 * @control_body) cut off the stored refresh token. */
static void
check_rejected_refresh (Fixture    *fixture,
                        const char *control_path,
                        const char *control_body)
{
  g_autoptr(SlConnection) connection = load_connection ();
  g_autoptr(SlCase) found = NULL;
  g_autoptr(SlCredentials) stored = NULL;
  g_autoptr(GError) error = NULL;
  const char *last_error;

  g_signal_connect (fixture->refresher, "reauth-required", G_CALLBACK (on_reauth_required),
                    connection);
  post_control (fixture, control_path, control_body);
  found = find_case (fixture->client, &error);
  stored = load_credentials ();
  last_error = sl_connection_get_last_error (connection);

  g_assert_null (found);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_GRANT);
  g_assert_true (sl_token_refresher_error_needs_reauth (error));
  g_assert_cmpstr (sl_oauth_error_get_server_code (error), ==, "invalid_grant");
  g_assert_cmpint (sl_connection_get_state (connection), ==,
                   SL_CONNECTION_STATE_NEEDS_REAUTH);
  g_assert_cmpstr (sl_connection_get_email (connection), ==, ALICE);
  g_assert_cmpstr (sl_connection_get_username (connection), ==, ALICE);
  g_assert_nonnull (last_error);
  g_assert_true (g_str_has_prefix (last_error, "Reconnect required: "));
  g_assert_cmpuint (count_refreshes (fixture), ==, 1);
  g_assert_true (g_strcmp0 (stored->refresh_token, fixture->credentials->refresh_token) == 0);

  g_signal_handlers_disconnect_by_data (fixture->refresher, connection);
}

static void
test_revoked_needs_reauth (Fixture       *fixture,
                           gconstpointer  user_data)
{
  check_rejected_refresh (fixture, "/__control/revoke-refresh-tokens",
                          "{\"username\": \"" ALICE "\"}");
}

static void
test_deactivated_needs_reauth (Fixture       *fixture,
                               gconstpointer  user_data)
{
  check_rejected_refresh (fixture, "/__control/deactivate-user",
                          "{\"username\": \"" ALICE "\"}");
}

static void
on_reauth_not_expected (SlTokenRefresher *refresher,
                        const char       *reason,
                        gpointer          user_data)
{
  g_error ("reauth-required emitted for a retryable failure: %s", reason);
}

/* A refresh that fails with @fault is retryable: nothing in the keyring
 * changes, and the next call renews the session. */
static void
check_retryable_refresh (Fixture    *fixture,
                         const char *fault,
                         int         expected_code)
{
  g_autoptr(SlCase) failed = NULL;
  g_autoptr(SlCase) found = NULL;
  g_autoptr(SlCredentials) stored = NULL;
  g_autoptr(GError) error = NULL;
  gulong handler;

  handler = g_signal_connect (fixture->refresher, "reauth-required",
                              G_CALLBACK (on_reauth_not_expected), NULL);
  sl_test_stand_in_add_fault (fixture->stand_in, fault);
  expire_access_tokens (fixture);
  failed = find_case (fixture->client, &error);
  stored = load_credentials ();

  g_assert_null (failed);
  g_assert_error (error, SL_REST_ERROR, expected_code);
  g_assert_true (g_strcmp0 (stored->access_token, fixture->credentials->access_token) == 0);
  g_assert_true (g_strcmp0 (stored->refresh_token, fixture->credentials->refresh_token) == 0);
  g_clear_error (&error);

  found = find_case (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  /* The fault responds before the stand-in reads the grant type, so only
   * the second request is logged as a refresh. */
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "token"), ==, 2);
  g_assert_cmpuint (count_refreshes (fixture), ==, 1);

  g_signal_handler_disconnect (fixture->refresher, handler);
}

static void
test_refresh_503 (Fixture       *fixture,
                  gconstpointer  user_data)
{
  check_retryable_refresh (fixture,
                           "{\"endpoint\": \"token\", \"status\": 503, \"times\": 1, "
                           "\"body\": \"<html>Down for maintenance</html>\", "
                           "\"content_type\": \"text/html\"}",
                           SL_REST_ERROR_UNEXPECTED_RESPONSE);
}

static void
test_refresh_503_json (Fixture       *fixture,
                       gconstpointer  user_data)
{
  check_retryable_refresh (fixture,
                           "{\"endpoint\": \"token\", \"status\": 503, \"times\": 1, "
                           "\"body\": \"{\\\"error\\\": \\\"server_error\\\"}\"}",
                           SL_REST_ERROR_FAILED);
}

static void
test_refresh_offline (Fixture       *fixture,
                      gconstpointer  user_data)
{
  check_retryable_refresh (fixture, "{\"endpoint\": \"token\", \"drop\": true, \"times\": 1}",
                           SL_REST_ERROR_OFFLINE);
}

/* A session that the refresh does not fix ends the call after one retry. */
static void
test_second_401 (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(SlCase) found = NULL;
  g_autoptr(GError) error = NULL;

  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"query\", \"status\": 401, \"body\": "
                              "\"[{\\\"message\\\": \\\"Session expired or invalid\\\", "
                              "\\\"errorCode\\\": \\\"INVALID_SESSION_ID\\\"}]\"}");
  found = find_case (fixture->client, &error);

  g_assert_null (found);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_SESSION_EXPIRED);
  g_assert_cmpuint (count_refreshes (fixture), ==, 1);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "query"), ==, 2);
}

/* A comment rejected with 401 was not created, so posting it again after
 * the refresh adds it exactly once. */
static void
test_comment_after_refresh (Fixture       *fixture,
                            gconstpointer  user_data)
{
  const char *body = "Replaced the toner after the session renewal.";
  g_autoptr(SlCase) found = find_case (fixture->client, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) records = NULL;
  g_autofree char *id = NULL;
  guint matches = 0;

  g_assert_nonnull (found);
  expire_access_tokens (fixture);
  sl_rest_client_post_comment_async (fixture->client, found->id, body, TRUE, FALSE, 300, NULL,
                                     on_result, &result);
  wait_for (&result);
  id = sl_rest_client_post_comment_finish (fixture->client, result, &error);
  records = sl_test_stand_in_get_records (fixture->stand_in, "CaseComment");
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);

      if (g_strcmp0 (json_object_get_string_member (record, "CommentBody"), body) == 0)
        matches++;
    }

  g_assert_no_error (error);
  g_assert_nonnull (id);
  g_assert_cmpuint (matches, ==, 1);
  g_assert_cmpuint (count_refreshes (fixture), ==, 1);
}

static SlCredentials *
refresh (SlTokenRefresher  *refresher,
         const char        *rejected_access_token,
         GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_token_refresher_refresh_async (refresher, rejected_access_token, NULL, on_result,
                                    &result);
  wait_for (&result);
  return sl_token_refresher_refresh_finish (refresher, result, error);
}

/* A caller whose token was already replaced gets the stored credentials
 * without another token request. */
static void
test_already_refreshed (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(SlCredentials) first = NULL;
  g_autoptr(SlCredentials) second = NULL;
  g_autoptr(GError) error = NULL;

  first = refresh (fixture->refresher, fixture->credentials->access_token, &error);
  g_assert_no_error (error);
  second = refresh (fixture->refresher, fixture->credentials->access_token, &error);

  g_assert_no_error (error);
  g_assert_nonnull (second);
  g_assert_true (g_strcmp0 (second->access_token, first->access_token) == 0);
  g_assert_cmpstr (second->user_id, ==, fixture->credentials->user_id);
  g_assert_cmpuint (count_refreshes (fixture), ==, 1);
}

static void
test_disconnected_slot (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  sl_keyring_delete_async (SL_SLOT_USER, NULL, on_result, &result);
  wait_for (&result);
  g_assert_true (sl_keyring_delete_finish (result, NULL));

  credentials = refresh (fixture->refresher, NULL, &error);

  g_assert_null (credentials);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpuint (count_refreshes (fixture), ==, 0);
}

static void
test_cancelled_waiter (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) cancelled_result = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SlCredentials) cancelled = NULL;
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) cancelled_error = NULL;
  g_autoptr(GError) error = NULL;

  sl_token_refresher_refresh_async (fixture->refresher, NULL, cancellable, on_result,
                                    &cancelled_result);
  sl_token_refresher_refresh_async (fixture->refresher, NULL, NULL, on_result, &result);
  g_cancellable_cancel (cancellable);
  wait_for (&cancelled_result);
  wait_for (&result);
  cancelled = sl_token_refresher_refresh_finish (fixture->refresher, cancelled_result,
                                                 &cancelled_error);
  credentials = sl_token_refresher_refresh_finish (fixture->refresher, result, &error);

  g_assert_error (cancelled_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (cancelled);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);
  g_assert_cmpuint (count_refreshes (fixture), ==, 1);
}

static void
test_require_reauth_disconnected (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);

  sl_connection_require_reauth (connection, "expired");

  g_assert_cmpint (sl_connection_get_state (connection), ==,
                   SL_CONNECTION_STATE_DISCONNECTED);
  g_assert_null (sl_connection_get_last_error (connection));
}

static void
test_require_reauth_keeps_identity (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_INTEGRATION);
  g_autoptr(SlCredentials) credentials = sl_credentials_new ();

  credentials->email = g_strdup ("integration@acme.example.com");
  credentials->username = g_strdup ("integration@acme.example.com");
  credentials->user_id = g_strdup ("0055g00000IntegAAA");
  sl_connection_apply_credentials (connection, credentials);
  sl_connection_report_error (connection, "An older failure", "keyring-locked");
  sl_connection_require_reauth (connection, "the refresh token was revoked.");

  g_assert_cmpint (sl_connection_get_state (connection), ==,
                   SL_CONNECTION_STATE_NEEDS_REAUTH);
  g_assert_cmpstr (sl_connection_get_email (connection), ==, "integration@acme.example.com");
  g_assert_cmpstr (sl_connection_get_user_id (connection), ==, "0055g00000IntegAAA");
  g_assert_cmpstr (sl_connection_get_last_error (connection), ==,
                   "Reconnect required: the refresh token was revoked.");
  g_assert_null (sl_connection_get_last_error_code (connection));
}

/* A sign-in that is cancelled after the refresh token was rejected leaves
 * the slot needing a new sign-in, not connected. */
static void
test_require_reauth_during_sign_in (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(SlCredentials) credentials = sl_credentials_new ();

  credentials->email = g_strdup (ALICE);
  credentials->user_id = g_strdup ("0055g00000AliceAAA");
  sl_connection_apply_credentials (connection, credentials);
  sl_connection_begin_sign_in (connection);
  sl_connection_require_reauth (connection, "revoked.");
  sl_connection_cancel_sign_in (connection);

  g_assert_cmpint (sl_connection_get_state (connection), ==,
                   SL_CONNECTION_STATE_NEEDS_REAUTH);
  g_assert_cmpstr (sl_connection_get_last_error (connection), ==,
                   "Reconnect required: revoked.");
  g_assert_cmpstr (sl_connection_get_email (connection), ==, ALICE);
}

static gboolean
on_pause_over (gpointer user_data)
{
  gboolean *over = user_data;

  *over = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms milliseconds, so a started refresh reaches
 * the stand-in before the test goes on. */
static void
run_main_loop_for (guint ms)
{
  gboolean over = FALSE;

  g_timeout_add (ms, on_pause_over, &over);
  while (!over)
    g_main_context_iteration (NULL, TRUE);
}

/* A sign-in that replaces the item while a refresh runs wins: the older
 * account's renewed tokens are not stored, and the callers get the new
 * account's credentials. */
static void
test_sign_in_during_refresh (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SlCredentials) bob = NULL;
  g_autoptr(SlCredentials) renewed = NULL;
  g_autoptr(SlCredentials) stored = NULL;
  g_autoptr(GError) error = NULL;

  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"token\", \"delay_ms\": 1500, \"times\": 1}");
  sl_token_refresher_refresh_async (fixture->refresher, NULL, NULL, on_result, &result);
  run_main_loop_for (500);
  sl_test_stand_in_set_auto_sign_in (fixture->stand_in, BOB);
  bob = sign_in (fixture);
  store_credentials (bob);
  wait_for (&result);
  renewed = sl_token_refresher_refresh_finish (fixture->refresher, result, &error);
  stored = load_credentials ();

  g_assert_no_error (error);
  g_assert_cmpstr (renewed->email, ==, BOB);
  g_assert_cmpstr (stored->email, ==, BOB);
  g_assert_true (g_strcmp0 (stored->refresh_token, bob->refresh_token) == 0);
  g_assert_cmpuint (count_refreshes (fixture), ==, 1);
}

static void
test_disconnect_during_refresh (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) deleted = NULL;
  g_autoptr(SlCredentials) renewed = NULL;
  g_autoptr(GError) error = NULL;

  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"token\", \"delay_ms\": 1500, \"times\": 1}");
  sl_token_refresher_refresh_async (fixture->refresher, NULL, NULL, on_result, &result);
  run_main_loop_for (500);
  sl_keyring_delete_async (SL_SLOT_USER, NULL, on_result, &deleted);
  wait_for (&deleted);
  g_assert_true (sl_keyring_delete_finish (deleted, NULL));
  wait_for (&result);
  renewed = sl_token_refresher_refresh_finish (fixture->refresher, result, &error);

  g_assert_null (renewed);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (sl_keyring_load_sync (SL_SLOT_USER, NULL, NULL));
}

/* ---- background check of a stored connection ---------------------------- */

static SlCredentials *
check_connection (Fixture  *fixture,
                  GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_connection_check_async (fixture->refresher, NULL, on_result, &result);
  wait_for (&result);
  return sl_connection_check_finish (result, error);
}

static void
test_check_valid (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(SlCredentials) checked = NULL;
  g_autoptr(GError) error = NULL;

  checked = check_connection (fixture, &error);

  g_assert_no_error (error);
  g_assert_nonnull (checked);
  g_assert_cmpstr (checked->email, ==, ALICE);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "userinfo"), ==, 1);
  g_assert_cmpuint (count_refreshes (fixture), ==, 0);
}

static void
test_check_expired (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(SlCredentials) checked = NULL;
  g_autoptr(SlCredentials) stored = NULL;
  g_autoptr(GError) error = NULL;

  expire_access_tokens (fixture);
  checked = check_connection (fixture, &error);
  stored = load_credentials ();

  g_assert_no_error (error);
  g_assert_nonnull (checked);
  g_assert_cmpstr (checked->email, ==, ALICE);
  g_assert_cmpuint (count_refreshes (fixture), ==, 1);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "userinfo"), ==, 2);
  g_assert_false (g_strcmp0 (stored->access_token, fixture->credentials->access_token) == 0);
}

static void
test_check_revoked (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(SlConnection) connection = load_connection ();
  g_autoptr(SlCredentials) checked = NULL;
  g_autoptr(GError) error = NULL;

  g_signal_connect (fixture->refresher, "reauth-required", G_CALLBACK (on_reauth_required),
                    connection);
  post_control (fixture, "/__control/revoke-refresh-tokens",
                "{\"username\": \"" ALICE "\"}");
  expire_access_tokens (fixture);
  checked = check_connection (fixture, &error);

  g_assert_null (checked);
  g_assert_true (sl_token_refresher_error_needs_reauth (error));
  g_assert_cmpint (sl_connection_get_state (connection), ==,
                   SL_CONNECTION_STATE_NEEDS_REAUTH);
  g_assert_cmpstr (sl_connection_get_email (connection), ==, ALICE);
  g_assert_cmpuint (count_refreshes (fixture), ==, 1);

  g_signal_handlers_disconnect_by_data (fixture->refresher, connection);
}

/* An unreachable Salesforce is not a reason to sign in again. */
static void
test_check_offline (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(SlCredentials) checked = NULL;
  g_autoptr(SlCredentials) stored = NULL;
  g_autoptr(GError) error = NULL;
  gulong handler;

  handler = g_signal_connect (fixture->refresher, "reauth-required",
                              G_CALLBACK (on_reauth_not_expected), NULL);
  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"userinfo\", \"drop\": true, \"times\": 5}");
  checked = check_connection (fixture, &error);
  stored = load_credentials ();

  g_assert_null (checked);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_NETWORK);
  g_assert_cmpuint (count_refreshes (fixture), ==, 0);
  g_assert_true (g_strcmp0 (stored->access_token, fixture->credentials->access_token) == 0);

  g_signal_handler_disconnect (fixture->refresher, handler);
}

static void
test_check_not_stored (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SlCredentials) checked = NULL;
  g_autoptr(GError) error = NULL;

  sl_keyring_delete_async (SL_SLOT_USER, NULL, on_result, &result);
  wait_for (&result);
  g_assert_true (sl_keyring_delete_finish (result, NULL));
  checked = check_connection (fixture, &error);

  g_assert_null (checked);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "userinfo"), ==, 0);
}

static void
add_stand_in_test (const char *path,
                   const char *stand_in_arg,
                   void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, stand_in_arg, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/token-refresh/reauth/disconnected", test_require_reauth_disconnected);
  g_test_add_func ("/token-refresh/reauth/keeps-identity", test_require_reauth_keeps_identity);
  g_test_add_func ("/token-refresh/reauth/during-sign-in", test_require_reauth_during_sign_in);

  add_stand_in_test ("/token-refresh/expired/refreshes-once", NULL,
                     test_expired_refreshes_once);
  add_stand_in_test ("/token-refresh/expired/single-flight", NULL, test_single_flight);
  add_stand_in_test ("/token-refresh/expired/single-flight-rotating", ROTATE,
                     test_single_flight);
  add_stand_in_test ("/token-refresh/rotation/stored", ROTATE, test_rotation_stored);
  add_stand_in_test ("/token-refresh/rotation/off-keeps-token", NULL,
                     test_no_rotation_keeps_token);
  add_stand_in_test ("/token-refresh/invalid-grant/revoked", NULL, test_revoked_needs_reauth);
  add_stand_in_test ("/token-refresh/invalid-grant/deactivated", NULL,
                     test_deactivated_needs_reauth);
  add_stand_in_test ("/token-refresh/retryable/html-503", NULL, test_refresh_503);
  add_stand_in_test ("/token-refresh/retryable/json-503", NULL, test_refresh_503_json);
  add_stand_in_test ("/token-refresh/retryable/offline", NULL, test_refresh_offline);
  add_stand_in_test ("/token-refresh/second-401", NULL, test_second_401);
  add_stand_in_test ("/token-refresh/comment-once", NULL, test_comment_after_refresh);
  add_stand_in_test ("/token-refresh/already-refreshed", NULL, test_already_refreshed);
  add_stand_in_test ("/token-refresh/disconnected-slot", NULL, test_disconnected_slot);
  add_stand_in_test ("/token-refresh/cancelled-waiter", NULL, test_cancelled_waiter);
  add_stand_in_test ("/token-refresh/race/sign-in", NULL, test_sign_in_during_refresh);
  add_stand_in_test ("/token-refresh/race/disconnect", NULL, test_disconnect_during_refresh);
  add_stand_in_test ("/token-refresh/check/valid", NULL, test_check_valid);
  add_stand_in_test ("/token-refresh/check/expired", NULL, test_check_expired);
  add_stand_in_test ("/token-refresh/check/revoked", NULL, test_check_revoked);
  add_stand_in_test ("/token-refresh/check/offline", NULL, test_check_offline);
  add_stand_in_test ("/token-refresh/check/not-stored", NULL, test_check_not_stored);

  return g_test_run ();
}
