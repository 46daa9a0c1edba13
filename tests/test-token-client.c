/* test-token-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "sl-auth-request.h"
#include "sl-oauth-callback.h"
#include "sl-oauth-error.h"
#include "sl-test-stand-in.h"
#include "sl-token-client.h"

#define CLIENT_ID "SupportLogicConnectDemo"
#define USERNAME "integration@acme.example.com"
#define N_FUZZ_ROUNDS 2000

/* Parser tests */

static GBytes *
bytes_from_string (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static SlCredentials *
parse_token (guint        status,
             const char  *content_type,
             const char  *body,
             GError     **error)
{
  g_autoptr(GBytes) bytes = bytes_from_string (body);

  return sl_token_client_parse_token_response (status, content_type, bytes, error);
}

/* Parses a token response that must fail with @code, and returns the error. */
static GError *
expect_token_error (guint       status,
                    const char *content_type,
                    const char *body,
                    int         code)
{
  g_autoptr(SlCredentials) credentials = NULL;
  GError *error = NULL;

  credentials = parse_token (status, content_type, body, &error);
  g_assert_null (credentials);
  g_assert_error (error, SL_OAUTH_ERROR, code);

  return error;
}

static void
test_parse_token_success (void)
{
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = parse_token (200, "application/json;charset=UTF-8",
                             "{\"access_token\": \"00Dxx!AQ0\", \"refresh_token\": \"5Aep8\","
                             " \"signature\": \"sig\", \"scope\": \"refresh_token openid api\","
                             " \"id_token\": \"eyJ\", \"instance_url\":"
                             " \"https://acme.my.salesforce.com\", \"id\":"
                             " \"https://login.salesforce.com/id/00Dxx/005xx\","
                             " \"token_type\": \"Bearer\", \"issued_at\": \"1733306400123\","
                             " \"sfdc_community_url\": \"https://acme.example\","
                             " \"sfdc_community_id\": \"0DB000\", \"new_field\": [1, 2]}",
                             &error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);
  g_assert_cmpstr (credentials->access_token, ==, "00Dxx!AQ0");
  g_assert_cmpstr (credentials->refresh_token, ==, "5Aep8");
  g_assert_cmpstr (credentials->instance_url, ==, "https://acme.my.salesforce.com");
  g_assert_cmpstr (credentials->id_url, ==, "https://login.salesforce.com/id/00Dxx/005xx");
  g_assert_cmpstr (credentials->scope, ==, "refresh_token openid api");
  g_assert_cmpint (credentials->issued_at_ms, ==, G_GINT64_CONSTANT (1733306400123));
  g_assert_null (credentials->user_id);
  g_assert_null (credentials->email);
}

static void
test_parse_token_minimal (void)
{
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = parse_token (200, NULL,
                             "{\"access_token\": \"tok\", \"instance_url\":"
                             " \"http://localhost:8080/\"}", &error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);
  g_assert_cmpstr (credentials->instance_url, ==, "http://localhost:8080");
  g_assert_null (credentials->refresh_token);
  g_assert_cmpint (credentials->issued_at_ms, ==, 0);
}

static void
test_parse_token_bad_issued_at (void)
{
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = parse_token (200, "application/json",
                             "{\"access_token\": \"tok\", \"issued_at\": \"soon\","
                             " \"instance_url\": \"https://acme.my.salesforce.com\"}", &error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);
  g_assert_cmpint (credentials->issued_at_ms, ==, 0);
}

typedef struct
{
  const char *server_code;
  int code;
} ErrorCase;

static void
test_parse_token_error_codes (void)
{
  static const ErrorCase cases[] = {
    { "invalid_grant", SL_OAUTH_ERROR_INVALID_GRANT },
    { "invalid_client_id", SL_OAUTH_ERROR_INVALID_CLIENT },
    { "invalid_client", SL_OAUTH_ERROR_INVALID_CLIENT },
    { "redirect_uri_mismatch", SL_OAUTH_ERROR_REDIRECT_URI_REJECTED },
    { "invalid_request", SL_OAUTH_ERROR_INVALID_REQUEST },
    { "unsupported_grant_type", SL_OAUTH_ERROR_UNSUPPORTED_GRANT_TYPE },
    { "inactive_user", SL_OAUTH_ERROR_SERVER },
    { "OAUTH_APP_BLOCKED", SL_OAUTH_ERROR_APP_NOT_APPROVED },
    { "OAUTH_APPROVAL_ERROR_GENERIC", SL_OAUTH_ERROR_APP_NOT_APPROVED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr(GError) error = NULL;

      body = g_strdup_printf ("{\"error\": \"%s\", \"error_description\": \"detail %zu\"}",
                              cases[i].server_code, i);
      error = expect_token_error (400, "application/json", body, cases[i].code);
      g_assert_cmpstr (sl_oauth_error_get_server_code (error), ==, cases[i].server_code);
      g_assert_nonnull (strstr (error->message, "detail"));
    }
}

static void
test_parse_token_error_without_description (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_token_error (400, "application/json", "{\"error\": \"invalid_grant\"}",
                              SL_OAUTH_ERROR_INVALID_GRANT);
  g_assert_nonnull (strstr (error->message, "invalid_grant"));
}

static void
test_parse_token_server_error_json (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_token_error (503, "application/json",
                              "{\"error\": \"invalid_grant\", \"error_description\": \"busy\"}",
                              SL_OAUTH_ERROR_SERVER);
}

static void
test_parse_token_html (void)
{
  static const guint statuses[] = { 200, 400, 500, 502, 503 };

  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *status_text = g_strdup_printf ("HTTP %u", statuses[i]);

      error = expect_token_error (statuses[i], "text/html",
                                  "<html><body>Maintenance</body></html>",
                                  SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
      g_assert_nonnull (strstr (error->message, status_text));
      g_assert_null (strstr (error->message, "Maintenance"));
      g_assert_null (strstr (error->message, "<"));
    }
}

static void
test_parse_token_html_without_type (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_token_error (200, NULL, "<html>down</html>",
                              SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
}

static void
test_parse_token_empty_body (void)
{
  g_autoptr(GError) error_ok = NULL;
  g_autoptr(GError) error_bad = NULL;
  g_autoptr(SlCredentials) credentials = NULL;

  error_ok = expect_token_error (200, "application/json", "",
                                 SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
  error_bad = expect_token_error (400, "application/json", "",
                                  SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);

  credentials = sl_token_client_parse_token_response (200, NULL, NULL, NULL);
  g_assert_null (credentials);
}

static void
test_parse_token_not_an_object (void)
{
  static const char *bodies[] = {
    "[]", "null", "\"text\"", "42", "{", "{\"access_token\": }",
    "[{\"message\": \"Session expired\", \"errorCode\": \"INVALID_SESSION_ID\"}]",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;

      error = expect_token_error (200, "application/json", bodies[i],
                                  SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
    }
}

static void
test_parse_token_missing_fields (void)
{
  static const char *bodies[] = {
    "{\"instance_url\": \"https://acme.my.salesforce.com\"}",
    "{\"access_token\": \"tok\"}",
    "{\"access_token\": \"\", \"instance_url\": \"https://acme.my.salesforce.com\"}",
    "{\"access_token\": 42, \"instance_url\": \"https://acme.my.salesforce.com\"}",
    "{\"access_token\": \"tok\", \"instance_url\": {\"url\": \"https://a.example\"}}",
    "{}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;

      error = expect_token_error (200, "application/json", bodies[i],
                                  SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
    }
}

static void
test_parse_token_insecure_instance (void)
{
  static const char *urls[] = {
    "http://acme.my.salesforce.com",
    "http://127.0.0.1.evil.example",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "https://user@acme.my.salesforce.com",
    "acme.my.salesforce.com",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *body = NULL;

      body = g_strdup_printf ("{\"access_token\": \"tok\", \"instance_url\": \"%s\"}", urls[i]);
      error = expect_token_error (200, "application/json", body,
                                  SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
      g_assert_null (strstr (error->message, "tok"));
    }
}

static void
test_parse_token_no_body_in_message (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_token_error (404, "application/json", "{\"secret\": \"tok-123\"}",
                              SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
  g_assert_null (strstr (error->message, "tok-123"));
}

static gboolean
parse_userinfo (guint           status,
                const char     *content_type,
                const char     *body,
                SlCredentials  *credentials,
                GError        **error)
{
  g_autoptr(GBytes) bytes = bytes_from_string (body);

  return sl_token_client_parse_userinfo (status, content_type, bytes, credentials, error);
}

static void
test_parse_userinfo_success (void)
{
  g_autoptr(SlCredentials) credentials = sl_credentials_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = parse_userinfo (200, "application/json",
                       "{\"sub\": \"https://login.salesforce.com/id/00D/005\","
                       " \"user_id\": \"0055g00000AliceAAA\","
                       " \"organization_id\": \"00D5g00000TestOrgA\","
                       " \"preferred_username\": \"alice@acme.example.com\","
                       " \"name\": \"Alice Agent\", \"email\": \"alice@acme.example.com\","
                       " \"email_verified\": true, \"active\": true,"
                       " \"urls\": {\"rest\": \"x\"}}",
                       credentials, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpstr (credentials->user_id, ==, "0055g00000AliceAAA");
  g_assert_cmpstr (credentials->org_id, ==, "00D5g00000TestOrgA");
  g_assert_cmpstr (credentials->username, ==, "alice@acme.example.com");
  g_assert_cmpstr (credentials->email, ==, "alice@acme.example.com");
  g_assert_cmpstr (credentials->display_name, ==, "Alice Agent");
}

static void
test_parse_userinfo_without_email (void)
{
  g_autoptr(SlCredentials) credentials = sl_credentials_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = parse_userinfo (200, "application/json",
                       "{\"user_id\": \"005A\", \"organization_id\": \"00DA\","
                       " \"preferred_username\": \"bob@acme.example.com\"}",
                       credentials, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_null (credentials->email);
  g_assert_null (credentials->display_name);
}

static void
test_parse_userinfo_missing_fields (void)
{
  static const char *bodies[] = {
    "{\"organization_id\": \"00DA\", \"preferred_username\": \"b@a.example\"}",
    "{\"user_id\": \"005A\", \"preferred_username\": \"b@a.example\"}",
    "{\"user_id\": \"005A\", \"organization_id\": \"00DA\"}",
    "{\"user_id\": 5, \"organization_id\": \"00DA\", \"preferred_username\": \"b\"}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(SlCredentials) credentials = sl_credentials_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (parse_userinfo (200, "application/json", bodies[i], credentials,
                                      &error));
      g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
      g_assert_null (credentials->user_id);
    }
}

static void
test_parse_userinfo_bad_token (void)
{
  g_autoptr(SlCredentials) credentials = sl_credentials_new ();
  g_autoptr(GError) error_403 = NULL;
  g_autoptr(GError) error_401 = NULL;

  g_assert_false (parse_userinfo (403, "text/plain", "Bad_OAuth_Token", credentials,
                                  &error_403));
  g_assert_error (error_403, SL_OAUTH_ERROR, SL_OAUTH_ERROR_BAD_TOKEN);
  g_assert_cmpstr (sl_oauth_error_get_server_code (error_403), ==, "Bad_OAuth_Token");

  g_assert_false (parse_userinfo (401, "application/json",
                                  "[{\"errorCode\": \"INVALID_SESSION_ID\"}]", credentials,
                                  &error_401));
  g_assert_error (error_401, SL_OAUTH_ERROR, SL_OAUTH_ERROR_BAD_TOKEN);
}

static void
test_parse_userinfo_unexpected (void)
{
  g_autoptr(SlCredentials) credentials = sl_credentials_new ();
  g_autoptr(GError) error_403 = NULL;
  g_autoptr(GError) error_html = NULL;

  g_assert_false (parse_userinfo (403, "text/html", "<html>Forbidden</html>", credentials,
                                  &error_403));
  g_assert_error (error_403, SL_OAUTH_ERROR, SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);

  g_assert_false (parse_userinfo (200, "text/html", "<html>ok</html>", credentials,
                                  &error_html));
  g_assert_error (error_html, SL_OAUTH_ERROR, SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
}

/* Feeds random and truncated bodies to both parsers: they must fail cleanly
 * or succeed, never crash or leak. */
static void
test_parse_fuzz (void)
{
  const char *seed = "{\"access_token\": \"t\", \"instance_url\": \"https://a.example\","
                     " \"user_id\": \"005\", \"organization_id\": \"00D\","
                     " \"preferred_username\": \"u\", \"issued_at\": \"12\"}";
  gsize seed_len = strlen (seed);

  for (guint round = 0; round < N_FUZZ_ROUNDS; round++)
    {
      g_autofree char *data = g_malloc (seed_len);
      gsize len = (gsize) g_test_rand_int_range (0, (gint32) seed_len + 1);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(SlCredentials) token = NULL;
      g_autoptr(SlCredentials) identity = sl_credentials_new ();

      memcpy (data, seed, seed_len);
      for (guint flips = g_test_rand_int_range (0, 4); flips > 0; flips--)
        data[g_test_rand_int_range (0, (gint32) seed_len)] = (char) g_test_rand_int_range (0, 256);

      body = g_bytes_new (data, len);
      token = sl_token_client_parse_token_response (200, NULL, body, NULL);
      sl_token_client_parse_userinfo (200, NULL, body, identity, NULL);
    }
}

static void
test_map_transport_errors (void)
{
  g_autoptr(GError) timed_out = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "t");
  g_autoptr(GError) refused = g_error_new_literal (G_IO_ERROR,
                                                   G_IO_ERROR_CONNECTION_REFUSED, "r");
  g_autoptr(GError) resolver = g_error_new_literal (G_RESOLVER_ERROR,
                                                    G_RESOLVER_ERROR_NOT_FOUND, "n");
  g_autoptr(GError) tls = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "c");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  g_autoptr(GError) mapped_timed_out = sl_token_client_map_transport_error (timed_out);
  g_autoptr(GError) mapped_refused = sl_token_client_map_transport_error (refused);
  g_autoptr(GError) mapped_resolver = sl_token_client_map_transport_error (resolver);
  g_autoptr(GError) mapped_tls = sl_token_client_map_transport_error (tls);
  g_autoptr(GError) mapped_cancelled = sl_token_client_map_transport_error (cancelled);

  g_assert_error (mapped_timed_out, SL_OAUTH_ERROR, SL_OAUTH_ERROR_TIMED_OUT);
  g_assert_error (mapped_refused, SL_OAUTH_ERROR, SL_OAUTH_ERROR_NETWORK);
  g_assert_error (mapped_resolver, SL_OAUTH_ERROR, SL_OAUTH_ERROR_NETWORK);
  g_assert_error (mapped_tls, SL_OAUTH_ERROR, SL_OAUTH_ERROR_NETWORK);
  g_assert_error (mapped_cancelled, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Tests against the stand-in */

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

  /* @user_data is an extra stand-in argument, or NULL. */
  fixture->stand_in = sl_test_stand_in_start ("--auto-sign-in", USERNAME, user_data, NULL);
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
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static SlCredentials *
exchange_code (SlTokenClient  *client,
               const char     *code,
               const char     *verifier,
               GCancellable   *cancellable,
               GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_token_client_exchange_code_async (client, code, verifier, cancellable,
                                       on_async_done, &result);
  return sl_token_client_exchange_code_finish (client, wait_for (&result), error);
}

static SlCredentials *
fetch_identity (SlTokenClient        *client,
                const SlCredentials  *credentials,
                GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_token_client_fetch_identity_async (client, credentials, NULL, on_async_done, &result);
  return sl_token_client_fetch_identity_finish (client, wait_for (&result), error);
}

static gboolean
revoke_token (SlTokenClient  *client,
              const char     *token,
              GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_token_client_revoke_async (client, token, NULL, on_async_done, &result);
  return sl_token_client_revoke_finish (client, wait_for (&result), error);
}

/* Signs in through the stand-in and exchanges the code for tokens. */
static SlCredentials *
sign_in (Fixture *fixture)
{
  g_autoptr(SlAuthRequest) request = sl_auth_request_new (fixture->config, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *callback = NULL;
  g_autofree char *code = NULL;
  SlCredentials *credentials;

  callback = sl_test_stand_in_authorize (fixture->stand_in, sl_auth_request_get_uri (request));
  code = sl_oauth_parse_callback (callback, sl_auth_request_get_state (request), &error);
  g_assert_no_error (error);

  credentials = exchange_code (fixture->client, code,
                               sl_auth_request_get_code_verifier (request), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);

  return credentials;
}

/* Exchanges a made-up code, for tests where an injected fault replaces the
 * response. */
static GError *
exchange_expecting_error (Fixture    *fixture,
                          GQuark      domain,
                          int         code)
{
  g_autoptr(SlCredentials) credentials = NULL;
  GError *error = NULL;

  credentials = exchange_code (fixture->client, "made-up-code", "made-up-verifier", NULL,
                               &error);
  g_assert_null (credentials);
  g_assert_error (error, domain, code);

  return error;
}

static void
test_exchange_success (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(SlCredentials) credentials = sign_in (fixture);

  g_assert_nonnull (credentials->access_token);
  g_assert_nonnull (credentials->refresh_token);
  g_assert_cmpstr (credentials->login_host, ==, sl_test_stand_in_get_url (fixture->stand_in));
  g_assert_true (g_str_has_prefix (credentials->instance_url, "http://localhost:"));
  g_assert_nonnull (credentials->id_url);
  g_assert_nonnull (credentials->scope);
  g_assert_cmpint (credentials->issued_at_ms, >, 0);
  g_assert_null (credentials->user_id);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "token"), ==, 1);
}

static void
test_exchange_bad_code (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  error = exchange_expecting_error (fixture, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_GRANT);
  g_assert_cmpstr (sl_oauth_error_get_server_code (error), ==, "invalid_grant");
}

static void
test_exchange_wrong_verifier (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(SlAuthRequest) request = sl_auth_request_new (fixture->config, FALSE);
  g_autoptr(SlAuthRequest) other = sl_auth_request_new (fixture->config, FALSE);
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *callback = NULL;
  g_autofree char *code = NULL;

  callback = sl_test_stand_in_authorize (fixture->stand_in, sl_auth_request_get_uri (request));
  code = sl_oauth_parse_callback (callback, sl_auth_request_get_state (request), NULL);
  g_assert_nonnull (code);

  credentials = exchange_code (fixture->client, code,
                               sl_auth_request_get_code_verifier (other), NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_REQUEST);
}

static void
test_exchange_error_codes (Fixture       *fixture,
                           gconstpointer  user_data)
{
  static const ErrorCase cases[] = {
    { "invalid_grant", SL_OAUTH_ERROR_INVALID_GRANT },
    { "invalid_client_id", SL_OAUTH_ERROR_INVALID_CLIENT },
    { "redirect_uri_mismatch", SL_OAUTH_ERROR_REDIRECT_URI_REJECTED },
    { "invalid_request", SL_OAUTH_ERROR_INVALID_REQUEST },
    { "unsupported_grant_type", SL_OAUTH_ERROR_UNSUPPORTED_GRANT_TYPE },
    { "inactive_user", SL_OAUTH_ERROR_SERVER },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) body = NULL;
      g_autofree char *body_text = NULL;
      g_autofree char *fault = NULL;
      g_autoptr(GError) error = NULL;

      body_text = g_strdup_printf ("{\"error\":\"%s\",\"error_description\":\"from fault\"}",
                                   cases[i].server_code);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "endpoint");
      json_builder_add_string_value (builder, "token");
      json_builder_set_member_name (builder, "status");
      json_builder_add_int_value (builder, 400);
      json_builder_set_member_name (builder, "content_type");
      json_builder_add_string_value (builder, "application/json");
      json_builder_set_member_name (builder, "body");
      json_builder_add_string_value (builder, body_text);
      json_builder_set_member_name (builder, "times");
      json_builder_add_int_value (builder, 1);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
      fault = json_to_string (body, FALSE);

      sl_test_stand_in_add_fault (fixture->stand_in, fault);
      error = exchange_expecting_error (fixture, SL_OAUTH_ERROR, cases[i].code);
      g_assert_cmpstr (sl_oauth_error_get_server_code (error), ==, cases[i].server_code);
      g_assert_nonnull (strstr (error->message, "from fault"));
    }
}

static void
test_exchange_500_html (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"token\", \"status\": 500, \"content_type\":"
                              " \"text/html\", \"body\": \"<html>Down</html>\"}");
  error = exchange_expecting_error (fixture, SL_OAUTH_ERROR,
                                    SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
  g_assert_nonnull (strstr (error->message, "HTTP 500"));
  g_assert_null (strstr (error->message, "Down"));
}

static void
test_exchange_503_json (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"token\", \"status\": 503, \"content_type\":"
                              " \"application/json\", \"body\":"
                              " \"{\\\"error\\\": \\\"unavailable\\\"}\"}");
  error = exchange_expecting_error (fixture, SL_OAUTH_ERROR, SL_OAUTH_ERROR_SERVER);
}

static void
test_exchange_200_html (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"token\", \"status\": 200, \"content_type\":"
                              " \"text/html\", \"body\": \"<html>Maintenance</html>\"}");
  error = exchange_expecting_error (fixture, SL_OAUTH_ERROR,
                                    SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
  g_assert_nonnull (strstr (error->message, "HTTP 200"));
}

static void
test_exchange_empty_body (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"token\", \"status\": 400, \"content_type\":"
                              " \"application/json\", \"body\": \"\"}");
  error = exchange_expecting_error (fixture, SL_OAUTH_ERROR,
                                    SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
}

static void
test_exchange_drop (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  sl_test_stand_in_add_fault (fixture->stand_in, "{\"endpoint\": \"token\", \"drop\": true}");
  error = exchange_expecting_error (fixture, SL_OAUTH_ERROR, SL_OAUTH_ERROR_NETWORK);
}

static void
test_exchange_timeout (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 start;

  sl_oauth_config_set_timeout (fixture->config, 1);
  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"token\", \"delay_ms\": 3000}");

  start = g_get_monotonic_time ();
  error = exchange_expecting_error (fixture, SL_OAUTH_ERROR, SL_OAUTH_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2900 * G_TIME_SPAN_MILLISECOND);
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (user_data);

  return G_SOURCE_REMOVE;
}

static void
test_exchange_cancel (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"token\", \"delay_ms\": 3000}");
  g_timeout_add (100, cancel_later, cancellable);

  credentials = exchange_code (fixture->client, "made-up-code", "made-up-verifier",
                               cancellable, &error);
  g_assert_null (credentials);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_exchange_cancelled_before (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  credentials = exchange_code (fixture->client, "made-up-code", "made-up-verifier",
                               cancellable, &error);
  g_assert_null (credentials);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Returns a loopback port that nothing listens on: bound, then closed. */
static guint16
find_closed_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return port;
}

static void
test_exchange_connection_refused (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", find_closed_port ());
  g_autoptr(SlOAuthConfig) config = sl_oauth_config_new (url, CLIENT_ID, NULL);
  g_autoptr(SlTokenClient) client = sl_token_client_new (config);
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = exchange_code (client, "made-up-code", "made-up-verifier", NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_NETWORK);
}

static void
test_exchange_request_body (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(SlCredentials) credentials = sign_in (fixture);
  g_autoptr(JsonArray) requests = sl_test_stand_in_get_requests (fixture->stand_in);
  JsonObject *last = NULL;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (request, "endpoint", ""),
                     "token") == 0)
        last = request;
    }

  g_assert_nonnull (last);
  g_assert_cmpstr (json_object_get_string_member_with_default (last, "method", ""), ==,
                   "POST");
  g_assert_cmpstr (json_object_get_string_member_with_default (last, "grant_type", ""), ==,
                   "authorization_code");
}

static void
test_session_settings (Fixture       *fixture,
                       gconstpointer  user_data)
{
  SoupSession *session = sl_token_client_get_session (fixture->client);

  g_assert_true (sl_token_client_get_config (fixture->client) == fixture->config);
  g_assert_cmpuint (soup_session_get_timeout (session), ==, 30);
  g_assert_cmpuint (soup_session_get_idle_timeout (session), ==, 30);
  g_assert_true (g_str_has_prefix (soup_session_get_user_agent (session),
                                   "SupportLogicConnect/"));

  sl_oauth_config_set_timeout (fixture->config, 9);
  g_assert_cmpuint (soup_session_get_timeout (session), ==, 9);
}

static void
test_userinfo_success (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(SlCredentials) tokens = sign_in (fixture);
  g_autoptr(SlCredentials) identity = NULL;
  g_autoptr(GError) error = NULL;

  identity = fetch_identity (fixture->client, tokens, &error);
  g_assert_no_error (error);
  g_assert_nonnull (identity);
  g_assert_cmpstr (identity->username, ==, USERNAME);
  g_assert_cmpstr (identity->email, ==, USERNAME);
  g_assert_cmpstr (identity->user_id, ==, "0055g00000IntegrAA");
  g_assert_cmpstr (identity->org_id, ==, "00D5g00000TestOrgA");
  g_assert_cmpstr (identity->access_token, ==, tokens->access_token);
  g_assert_null (tokens->user_id);
}

static void
test_userinfo_bad_token (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(SlCredentials) tokens = sign_in (fixture);
  g_autoptr(SlCredentials) identity = NULL;
  g_autoptr(GError) error = NULL;

  g_free (tokens->access_token);
  tokens->access_token = g_strdup ("00Dbogus!token");

  identity = fetch_identity (fixture->client, tokens, &error);
  g_assert_null (identity);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_BAD_TOKEN);
}

static void
test_userinfo_insecure_instance (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(SlCredentials) tokens = sl_credentials_new ();
  g_autoptr(SlCredentials) identity = NULL;
  g_autoptr(GError) error = NULL;

  tokens->access_token = g_strdup ("token");
  tokens->instance_url = g_strdup ("http://evil.example");

  identity = fetch_identity (fixture->client, tokens, &error);
  g_assert_null (identity);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "userinfo"), ==, 0);
}

static void
test_revoke_success (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(SlCredentials) tokens = sign_in (fixture);
  g_autoptr(SlCredentials) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) identity_error = NULL;

  g_assert_true (revoke_token (fixture->client, tokens->refresh_token, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "revoke"), ==, 1);

  /* Revoking the refresh token also invalidates its access token. */
  identity = fetch_identity (fixture->client, tokens, &identity_error);
  g_assert_error (identity_error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_BAD_TOKEN);
}

static void
test_revoke_unknown_token (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (revoke_token (fixture->client, "unknown-token", &error));
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_SERVER);
  g_assert_nonnull (sl_oauth_error_get_server_code (error));
}

static SlCredentials *
refresh_token (SlTokenClient  *client,
               const char     *token,
               GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_token_client_refresh_async (client, token, NULL, on_async_done, &result);
  return sl_token_client_refresh_finish (client, wait_for (&result), error);
}

/* Returns the number of refresh_token grants in the stand-in's log. */
static guint
count_refreshes (Fixture *fixture)
{
  g_autoptr(JsonArray) requests = sl_test_stand_in_get_requests (fixture->stand_in);
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (request, "grant_type", NULL),
                     "refresh_token") == 0)
        count++;
    }

  return count;
}

static void
test_refresh_success (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(SlCredentials) tokens = sign_in (fixture);
  g_autoptr(SlCredentials) refreshed = NULL;
  g_autoptr(SlCredentials) identity = NULL;
  g_autoptr(GError) error = NULL;

  refreshed = refresh_token (fixture->client, tokens->refresh_token, &error);

  g_assert_no_error (error);
  g_assert_nonnull (refreshed);
  g_assert_nonnull (refreshed->access_token);
  g_assert_false (g_strcmp0 (refreshed->access_token, tokens->access_token) == 0);
  g_assert_null (refreshed->refresh_token);
  g_assert_cmpstr (refreshed->instance_url, ==, tokens->instance_url);
  g_assert_cmpstr (refreshed->login_host, ==, tokens->login_host);
  g_assert_cmpint (refreshed->issued_at_ms, >, 0);
  g_assert_null (refreshed->user_id);
  g_assert_cmpuint (count_refreshes (fixture), ==, 1);

  identity = fetch_identity (fixture->client, refreshed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (identity->username, ==, USERNAME);
}

static void
test_refresh_rotated (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(SlCredentials) tokens = sign_in (fixture);
  g_autoptr(SlCredentials) refreshed = NULL;
  g_autoptr(SlCredentials) replayed = NULL;
  g_autoptr(SlCredentials) after_replay = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) replay_error = NULL;
  g_autoptr(GError) after_replay_error = NULL;

  refreshed = refresh_token (fixture->client, tokens->refresh_token, &error);
  g_assert_no_error (error);
  g_assert_nonnull (refreshed->refresh_token);
  g_assert_false (g_strcmp0 (refreshed->refresh_token, tokens->refresh_token) == 0);

  /* Replaying the older token revokes the newer one too. */
  replayed = refresh_token (fixture->client, tokens->refresh_token, &replay_error);
  after_replay = refresh_token (fixture->client, refreshed->refresh_token,
                                &after_replay_error);

  g_assert_null (replayed);
  g_assert_error (replay_error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_GRANT);
  g_assert_null (after_replay);
  g_assert_error (after_replay_error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_GRANT);
}

static void
test_refresh_invalid_grant (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(SlCredentials) tokens = sign_in (fixture);
  g_autoptr(SlCredentials) refreshed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (revoke_token (fixture->client, tokens->refresh_token, NULL));
  refreshed = refresh_token (fixture->client, tokens->refresh_token, &error);

  g_assert_null (refreshed);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_GRANT);
  g_assert_cmpstr (sl_oauth_error_get_server_code (error), ==, "invalid_grant");
}

static void
test_refresh_503 (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(SlCredentials) refreshed = NULL;
  g_autoptr(GError) error = NULL;

  sl_test_stand_in_add_fault (fixture->stand_in,
                              "{\"endpoint\": \"token\", \"status\": 503, "
                              "\"body\": \"<html>Maintenance</html>\", "
                              "\"content_type\": \"text/html\"}");
  refreshed = refresh_token (fixture->client, "5Aep861-any-token", &error);

  g_assert_null (refreshed);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
}

static void
add_stand_in_test_with_arg (const char *path,
                            const char *stand_in_arg,
                            void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, stand_in_arg, fixture_set_up, func, fixture_tear_down);
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

  g_test_add_func ("/oauth/token/parse/success", test_parse_token_success);
  g_test_add_func ("/oauth/token/parse/minimal", test_parse_token_minimal);
  g_test_add_func ("/oauth/token/parse/bad-issued-at", test_parse_token_bad_issued_at);
  g_test_add_func ("/oauth/token/parse/error-codes", test_parse_token_error_codes);
  g_test_add_func ("/oauth/token/parse/error-no-description",
                   test_parse_token_error_without_description);
  g_test_add_func ("/oauth/token/parse/server-error-json", test_parse_token_server_error_json);
  g_test_add_func ("/oauth/token/parse/html", test_parse_token_html);
  g_test_add_func ("/oauth/token/parse/html-no-type", test_parse_token_html_without_type);
  g_test_add_func ("/oauth/token/parse/empty-body", test_parse_token_empty_body);
  g_test_add_func ("/oauth/token/parse/not-an-object", test_parse_token_not_an_object);
  g_test_add_func ("/oauth/token/parse/missing-fields", test_parse_token_missing_fields);
  g_test_add_func ("/oauth/token/parse/insecure-instance", test_parse_token_insecure_instance);
  g_test_add_func ("/oauth/token/parse/no-body-in-message", test_parse_token_no_body_in_message);
  g_test_add_func ("/oauth/token/parse/userinfo", test_parse_userinfo_success);
  g_test_add_func ("/oauth/token/parse/userinfo-no-email", test_parse_userinfo_without_email);
  g_test_add_func ("/oauth/token/parse/userinfo-missing", test_parse_userinfo_missing_fields);
  g_test_add_func ("/oauth/token/parse/userinfo-bad-token", test_parse_userinfo_bad_token);
  g_test_add_func ("/oauth/token/parse/userinfo-unexpected", test_parse_userinfo_unexpected);
  g_test_add_func ("/oauth/token/parse/fuzz", test_parse_fuzz);
  g_test_add_func ("/oauth/token/transport-errors", test_map_transport_errors);
  g_test_add_func ("/oauth/token/exchange/connection-refused",
                   test_exchange_connection_refused);

  add_stand_in_test ("/oauth/token/session", test_session_settings);
  add_stand_in_test ("/oauth/token/exchange/success", test_exchange_success);
  add_stand_in_test ("/oauth/token/exchange/request-body", test_exchange_request_body);
  add_stand_in_test ("/oauth/token/exchange/bad-code", test_exchange_bad_code);
  add_stand_in_test ("/oauth/token/exchange/wrong-verifier", test_exchange_wrong_verifier);
  add_stand_in_test ("/oauth/token/exchange/error-codes", test_exchange_error_codes);
  add_stand_in_test ("/oauth/token/exchange/500-html", test_exchange_500_html);
  add_stand_in_test ("/oauth/token/exchange/503-json", test_exchange_503_json);
  add_stand_in_test ("/oauth/token/exchange/200-html", test_exchange_200_html);
  add_stand_in_test ("/oauth/token/exchange/empty-body", test_exchange_empty_body);
  add_stand_in_test ("/oauth/token/exchange/drop", test_exchange_drop);
  add_stand_in_test ("/oauth/token/exchange/timeout", test_exchange_timeout);
  add_stand_in_test ("/oauth/token/exchange/cancel", test_exchange_cancel);
  add_stand_in_test ("/oauth/token/exchange/cancelled-before", test_exchange_cancelled_before);
  add_stand_in_test ("/oauth/token/userinfo/success", test_userinfo_success);
  add_stand_in_test ("/oauth/token/userinfo/bad-token", test_userinfo_bad_token);
  add_stand_in_test ("/oauth/token/userinfo/insecure-instance",
                     test_userinfo_insecure_instance);
  add_stand_in_test ("/oauth/token/revoke/success", test_revoke_success);
  add_stand_in_test ("/oauth/token/revoke/unknown-token", test_revoke_unknown_token);
  add_stand_in_test ("/oauth/token/refresh/success", test_refresh_success);
  add_stand_in_test_with_arg ("/oauth/token/refresh/rotated", "--rotate-refresh-tokens",
                              test_refresh_rotated);
  add_stand_in_test ("/oauth/token/refresh/invalid-grant", test_refresh_invalid_grant);
  add_stand_in_test ("/oauth/token/refresh/503", test_refresh_503);

  return g_test_run ();
}
