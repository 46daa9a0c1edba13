/* test-auth-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "sl-auth-request.h"

#define LOGIN_HOST "https://login.salesforce.com"
#define CLIENT_ID "SupportLogicConnectDemo"
#define N_UNIQUE_REQUESTS 1000

static SlOAuthConfig *
new_config (void)
{
  g_autoptr(GError) error = NULL;
  SlOAuthConfig *config = sl_oauth_config_new (LOGIN_HOST, CLIENT_ID, &error);

  g_assert_no_error (error);
  return config;
}

static gboolean
is_base64url (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return FALSE;
    }

  return TRUE;
}

/* Parses the query of @uri into a table, failing the test on a repeated
 * parameter. */
static GHashTable *
parse_query (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GUriParamsIter iter;
  char *name;
  char *value;

  g_assert_nonnull (parsed);
  g_assert_nonnull (g_uri_get_query (parsed));

  g_uri_params_iter_init (&iter, g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE);
  while (g_uri_params_iter_next (&iter, &name, &value, NULL))
    {
      g_assert_false (g_hash_table_contains (params, name));
      g_hash_table_insert (params, name, value);
    }

  return params;
}

static void
test_rfc7636_vector (void)
{
  g_autofree char *challenge = NULL;

  /* RFC 7636, Appendix B. */
  challenge = sl_auth_compute_code_challenge ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_empty_verifier_vector (void)
{
  g_autofree char *challenge = sl_auth_compute_code_challenge ("");

  /* SHA-256 of the empty string, e3b0c442...b855, in unpadded base64url. */
  g_assert_cmpstr (challenge, ==, "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
}

static void
test_challenge_matches_verifier (void)
{
  g_autoptr(SlOAuthConfig) config = new_config ();
  g_autoptr(SlAuthRequest) request = sl_auth_request_new (config, FALSE);
  g_autofree char *expected = NULL;

  expected = sl_auth_compute_code_challenge (sl_auth_request_get_code_verifier (request));
  g_assert_cmpstr (sl_auth_request_get_code_challenge (request), ==, expected);
}

static void
test_verifier_format (void)
{
  g_autoptr(SlOAuthConfig) config = new_config ();
  g_autoptr(SlAuthRequest) request = sl_auth_request_new (config, FALSE);
  const char *verifier = sl_auth_request_get_code_verifier (request);

  /* 64 random bytes in unpadded base64url. */
  g_assert_cmpuint (strlen (verifier), ==, 86);
  g_assert_true (is_base64url (verifier));
}

static void
test_state_format (void)
{
  g_autoptr(SlOAuthConfig) config = new_config ();
  g_autoptr(SlAuthRequest) request = sl_auth_request_new (config, FALSE);
  const char *state = sl_auth_request_get_state (request);

  /* 32 random bytes (256 bits) in unpadded base64url. */
  g_assert_cmpuint (strlen (state), ==, 43);
  g_assert_true (is_base64url (state));
}

static void
test_challenge_format (void)
{
  g_autoptr(SlOAuthConfig) config = new_config ();
  g_autoptr(SlAuthRequest) request = sl_auth_request_new (config, FALSE);
  const char *challenge = sl_auth_request_get_code_challenge (request);

  g_assert_cmpuint (strlen (challenge), ==, 43);
  g_assert_true (is_base64url (challenge));
}

static void
test_values_unique (void)
{
  g_autoptr(SlOAuthConfig) config = new_config ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < N_UNIQUE_REQUESTS; i++)
    {
      g_autoptr(SlAuthRequest) request = sl_auth_request_new (config, FALSE);

      g_assert_true (g_hash_table_add (seen, g_strdup (sl_auth_request_get_state (request))));
      g_assert_true (g_hash_table_add (seen,
                                       g_strdup (sl_auth_request_get_code_verifier (request))));
    }

  g_assert_cmpuint (g_hash_table_size (seen), ==, 2 * N_UNIQUE_REQUESTS);
}

static void
test_uri_parameters (void)
{
  g_autoptr(SlOAuthConfig) config = new_config ();
  g_autoptr(SlAuthRequest) request = sl_auth_request_new (config, FALSE);
  const char *uri = sl_auth_request_get_uri (request);
  g_autoptr(GHashTable) params = parse_query (uri);

  g_assert_true (g_str_has_prefix (uri, LOGIN_HOST "/services/oauth2/authorize?"));
  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==,
                   "com.supportlogic.connect:/oauth2/callback");
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, "api refresh_token openid");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==,
                   sl_auth_request_get_state (request));
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge"), ==,
                   sl_auth_request_get_code_challenge (request));
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  g_assert_false (g_hash_table_contains (params, "prompt"));
  g_assert_false (g_hash_table_contains (params, "code_verifier"));
  g_assert_cmpuint (g_hash_table_size (params), ==, 7);
}

static void
test_uri_escaping (void)
{
  g_autoptr(SlOAuthConfig) config = new_config ();
  g_autoptr(SlAuthRequest) request = sl_auth_request_new (config, FALSE);
  const char *uri = sl_auth_request_get_uri (request);
  const char *query = strchr (uri, '?');

  g_assert_nonnull (query);
  g_assert_null (strchr (query, ' '));
  g_assert_null (strchr (query, '+'));
  g_assert_null (strchr (query + 1, '/'));
  g_assert_null (strchr (query + 1, ':'));
  g_assert_nonnull (strstr (query, "scope=api%20refresh_token%20openid"));
  g_assert_nonnull (strstr (query, "redirect_uri=com.supportlogic.connect%3A%2Foauth2%2Fcallback"));
}

static void
test_uri_does_not_leak_verifier (void)
{
  g_autoptr(SlOAuthConfig) config = new_config ();
  g_autoptr(SlAuthRequest) request = sl_auth_request_new (config, FALSE);

  g_assert_null (strstr (sl_auth_request_get_uri (request),
                         sl_auth_request_get_code_verifier (request)));
}

static void
test_force_login (void)
{
  g_autoptr(SlOAuthConfig) config = new_config ();
  g_autoptr(SlAuthRequest) request = sl_auth_request_new (config, TRUE);
  g_autoptr(GHashTable) params = parse_query (sl_auth_request_get_uri (request));

  g_assert_true (sl_auth_request_get_force_login (request));
  g_assert_cmpstr (g_hash_table_lookup (params, "prompt"), ==, "login");
}

static void
test_loopback_host (void)
{
  g_autoptr(SlOAuthConfig) config = NULL;
  g_autoptr(SlAuthRequest) request = NULL;

  config = sl_oauth_config_new ("http://127.0.0.1:8080/", CLIENT_ID, NULL);
  request = sl_auth_request_new (config, FALSE);

  g_assert_true (sl_auth_request_get_config (request) == config);
  g_assert_true (g_str_has_prefix (sl_auth_request_get_uri (request),
                                   "http://127.0.0.1:8080/services/oauth2/authorize?"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oauth/auth-request/rfc7636-vector", test_rfc7636_vector);
  g_test_add_func ("/oauth/auth-request/empty-verifier-vector", test_empty_verifier_vector);
  g_test_add_func ("/oauth/auth-request/challenge", test_challenge_matches_verifier);
  g_test_add_func ("/oauth/auth-request/verifier-format", test_verifier_format);
  g_test_add_func ("/oauth/auth-request/state-format", test_state_format);
  g_test_add_func ("/oauth/auth-request/challenge-format", test_challenge_format);
  g_test_add_func ("/oauth/auth-request/unique", test_values_unique);
  g_test_add_func ("/oauth/auth-request/uri-parameters", test_uri_parameters);
  g_test_add_func ("/oauth/auth-request/uri-escaping", test_uri_escaping);
  g_test_add_func ("/oauth/auth-request/uri-no-verifier", test_uri_does_not_leak_verifier);
  g_test_add_func ("/oauth/auth-request/force-login", test_force_login);
  g_test_add_func ("/oauth/auth-request/loopback-host", test_loopback_host);

  return g_test_run ();
}
