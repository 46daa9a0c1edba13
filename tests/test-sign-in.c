/* test-sign-in.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "sl-oauth-error.h"
#include "sl-sign-in.h"
#include "sl-test-stand-in.h"

#define CLIENT_ID "SupportLogicConnectDemo"
#define USERNAME "integration@acme.example.com"
#define CALLBACK "com.supportlogic.connect:/oauth2/callback"

typedef struct
{
  SlTestStandIn *stand_in;
  SlOAuthConfig *config;
  SlTokenClient *client;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->stand_in = sl_test_stand_in_start ("--auto-sign-in", USERNAME, NULL);
  fixture->config = sl_oauth_config_new (sl_test_stand_in_get_url (fixture->stand_in),
                                         CLIENT_ID, &error);
  g_assert_no_error (error);
  fixture->client = sl_token_client_new (fixture->config);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->config);
  g_clear_pointer (&fixture->stand_in, sl_test_stand_in_stop);
}

static void
on_complete (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static SlCredentials *
complete (SlSignIn    *sign_in,
          const char  *callback_uri,
          GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_sign_in_complete_async (sign_in, callback_uri, NULL, on_complete, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return sl_sign_in_complete_finish (sign_in, result, error);
}

/* Runs the browser part in the stand-in and returns the callback URI. */
static char *
authorize (Fixture  *fixture,
           SlSignIn *sign_in)
{
  return sl_test_stand_in_authorize (fixture->stand_in,
                                     sl_sign_in_get_authorize_uri (sign_in));
}

static void
test_full_flow (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(SlSignIn) sign_in = sl_sign_in_new (fixture->client, "integration", FALSE);
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  g_autofree char *callback = authorize (fixture, sign_in);

  credentials = complete (sign_in, callback, &error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);
  g_assert_cmpstr (credentials->email, ==, USERNAME);
  g_assert_cmpstr (credentials->username, ==, USERNAME);
  g_assert_cmpstr (credentials->user_id, ==, "0055g00000IntegrAA");
  g_assert_cmpstr (credentials->org_id, ==, "00D5g00000TestOrgA");
  g_assert_nonnull (credentials->access_token);
  g_assert_nonnull (credentials->refresh_token);
  g_assert_cmpstr (credentials->login_host, ==, sl_test_stand_in_get_url (fixture->stand_in));
  g_assert_nonnull (credentials->connected_at);
  g_assert_cmpint (g_date_time_compare (credentials->connected_at, before), >=, 0);
  g_assert_cmpint (g_date_time_get_utc_offset (credentials->connected_at), ==, 0);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "token"), ==, 1);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "userinfo"), ==, 1);
}

static void
test_accessors (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(SlSignIn) sign_in = sl_sign_in_new (fixture->client, "user", TRUE);
  SlAuthRequest *request = sl_sign_in_get_request (sign_in);

  g_assert_cmpstr (sl_sign_in_get_slot (sign_in), ==, "user");
  g_assert_true (sl_auth_request_get_force_login (request));
  g_assert_cmpstr (sl_sign_in_get_authorize_uri (sign_in), ==,
                   sl_auth_request_get_uri (request));
  g_assert_nonnull (strstr (sl_sign_in_get_authorize_uri (sign_in), "prompt=login"));
}

static void
test_second_complete (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(SlSignIn) sign_in = sl_sign_in_new (fixture->client, "integration", FALSE);
  g_autoptr(SlCredentials) first = NULL;
  g_autoptr(SlCredentials) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *callback = authorize (fixture, sign_in);

  first = complete (sign_in, callback, NULL);
  g_assert_nonnull (first);

  second = complete (sign_in, callback, &error);
  g_assert_null (second);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_ALREADY_USED);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "token"), ==, 1);
}

static void
test_concurrent_complete (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(SlSignIn) sign_in = sl_sign_in_new (fixture->client, "integration", FALSE);
  g_autoptr(GAsyncResult) first_result = NULL;
  g_autoptr(GAsyncResult) second_result = NULL;
  g_autoptr(SlCredentials) first = NULL;
  g_autoptr(SlCredentials) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *callback = authorize (fixture, sign_in);

  sl_sign_in_complete_async (sign_in, callback, NULL, on_complete, &first_result);
  sl_sign_in_complete_async (sign_in, callback, NULL, on_complete, &second_result);
  while (first_result == NULL || second_result == NULL)
    g_main_context_iteration (NULL, TRUE);

  first = sl_sign_in_complete_finish (sign_in, first_result, NULL);
  second = sl_sign_in_complete_finish (sign_in, second_result, &error);
  g_assert_nonnull (first);
  g_assert_null (second);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_ALREADY_USED);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "token"), ==, 1);
}

static void
test_foreign_state (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(SlSignIn) sign_in = sl_sign_in_new (fixture->client, "integration", FALSE);
  g_autoptr(SlSignIn) other = sl_sign_in_new (fixture->client, "integration", FALSE);
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *other_callback = authorize (fixture, other);

  /* A callback that belongs to another attempt. */
  credentials = complete (sign_in, other_callback, &error);
  g_assert_null (credentials);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_STATE_MISMATCH);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "token"), ==, 0);
}

static void
test_stale_state (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(SlSignIn) stale = sl_sign_in_new (fixture->client, "integration", FALSE);
  g_autoptr(SlSignIn) sign_in = NULL;
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(SlCredentials) retry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stale_callback = authorize (fixture, stale);
  g_autofree char *callback = NULL;

  /* The user restarted the sign-in, and the old redirect arrives late. */
  sign_in = sl_sign_in_new (fixture->client, "integration", FALSE);
  callback = authorize (fixture, sign_in);

  credentials = complete (sign_in, stale_callback, &error);
  g_assert_null (credentials);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_STATE_MISMATCH);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "token"), ==, 0);

  /* A rejected callback does not use up the attempt. */
  retry = complete (sign_in, callback, NULL);
  g_assert_nonnull (retry);
}

static void
test_redirect_mismatch (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(SlSignIn) sign_in = sl_sign_in_new (fixture->client, "integration", FALSE);
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  uri = g_strdup_printf ("com.evil:/oauth2/callback?code=abc&state=%s",
                         sl_auth_request_get_state (sl_sign_in_get_request (sign_in)));
  credentials = complete (sign_in, uri, &error);
  g_assert_null (credentials);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_REDIRECT_MISMATCH);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "token"), ==, 0);
}

static void
test_access_denied (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(SlSignIn) sign_in = sl_sign_in_new (fixture->client, "integration", FALSE);
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  uri = g_strdup_printf (CALLBACK "?error=access_denied"
                         "&error_description=end-user+denied+authorization&state=%s",
                         sl_auth_request_get_state (sl_sign_in_get_request (sign_in)));
  credentials = complete (sign_in, uri, &error);
  g_assert_null (credentials);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "denied"));
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "token"), ==, 0);
}

static void
test_token_endpoint_500 (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(SlSignIn) sign_in = sl_sign_in_new (fixture->client, "integration", FALSE);
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *callback = authorize (fixture, sign_in);

  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"token\", \"status\": 500, \"content_type\":"
                              " \"text/html\", \"body\": \"<html>Error</html>\", \"times\": 1}");
  credentials = complete (sign_in, callback, &error);
  g_assert_null (credentials);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "userinfo"), ==, 0);
}

static void
test_userinfo_failure (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(SlSignIn) sign_in = sl_sign_in_new (fixture->client, "integration", FALSE);
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *callback = authorize (fixture, sign_in);

  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"userinfo\", \"status\": 503, \"content_type\":"
                              " \"text/html\", \"body\": \"<html>Busy</html>\", \"times\": 1}");
  credentials = complete (sign_in, callback, &error);
  g_assert_null (credentials);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
}

static void
test_userinfo_rejects_new_token (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(SlSignIn) sign_in = sl_sign_in_new (fixture->client, "integration", FALSE);
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *callback = authorize (fixture, sign_in);
  gint64 deadline;

  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"userinfo\", \"status\": 403, \"content_type\":"
                              " \"text/plain\", \"body\": \"Bad_OAuth_Token\", \"times\": 1}");
  credentials = complete (sign_in, callback, &error);
  g_assert_null (credentials);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_BAD_TOKEN);
  g_assert_nonnull (strstr (error->message, "new access token"));

  /* The token issued by the exchange is revoked in the background. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (sl_test_stand_in_count_requests (fixture->stand_in, "revoke") == 0
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "revoke"), ==, 1);
}

static void
add_stand_in_test (const char *path,
                   void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_stand_in_test ("/oauth/sign-in/full-flow", test_full_flow);
  add_stand_in_test ("/oauth/sign-in/accessors", test_accessors);
  add_stand_in_test ("/oauth/sign-in/already-used", test_second_complete);
  add_stand_in_test ("/oauth/sign-in/concurrent", test_concurrent_complete);
  add_stand_in_test ("/oauth/sign-in/foreign-state", test_foreign_state);
  add_stand_in_test ("/oauth/sign-in/stale-state", test_stale_state);
  add_stand_in_test ("/oauth/sign-in/redirect-mismatch", test_redirect_mismatch);
  add_stand_in_test ("/oauth/sign-in/access-denied", test_access_denied);
  add_stand_in_test ("/oauth/sign-in/token-500", test_token_endpoint_500);
  add_stand_in_test ("/oauth/sign-in/userinfo-failure", test_userinfo_failure);
  add_stand_in_test ("/oauth/sign-in/userinfo-rejects-new-token", test_userinfo_rejects_new_token);

  return g_test_run ();
}
