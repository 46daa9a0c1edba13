/* test-oauth-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "sl-oauth-config.h"
#include "sl-oauth-error.h"

#define CLIENT_ID "SupportLogicConnectDemo"

typedef struct
{
  const char *input;
  const char *expected;
} HostCase;

static void
test_accepts_valid_hosts (void)
{
  static const HostCase cases[] = {
    { "https://login.salesforce.com", "https://login.salesforce.com" },
    { "https://login.salesforce.com/", "https://login.salesforce.com" },
    { "HTTPS://Test.Salesforce.COM", "https://test.salesforce.com" },
    { "https://acme--dev.sandbox.my.salesforce.com:8443",
      "https://acme--dev.sandbox.my.salesforce.com:8443" },
    { "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
    { "http://127.0.0.1", "http://127.0.0.1" },
    { "http://[::1]:9000/", "http://[::1]:9000" },
    { "http://localhost:1234", "http://localhost:1234" },
    { "http://LOCALHOST", "http://localhost" },
    { "https://127.0.0.1:4443", "https://127.0.0.1:4443" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = NULL;

      normalized = sl_oauth_normalize_login_host (cases[i].input, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (normalized, ==, cases[i].expected);
    }
}

static void
test_rejects_invalid_hosts (void)
{
  static const char *cases[] = {
    "",
    "login.salesforce.com",
    "/services/oauth2",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "data:text/html,hello",
    "ftp://login.salesforce.com",
    "https://user@login.salesforce.com",
    "https://user:secret@login.salesforce.com",
    "https://@login.salesforce.com",
    "https://login.salesforce.com?x=1",
    "https://login.salesforce.com?",
    "https://login.salesforce.com#top",
    "https://login.salesforce.com/services",
    "https://login.salesforce.com//",
    "https://login sales.com",
    "https://login%20salesforce.com",
    "https://login\tsalesforce.com",
    "https://login%0Asalesforce.com",
    "https://",
    "https:login.salesforce.com",
    "https://login_salesforce.com",
    "https://login.salesforce.com:0",
    "http://evil.example",
    "http://127.0.0.1.evil.example",
    "http://localhost.evil.example",
    "http://localhost.",
    "http://127.0.0.2",
    "http://[::2]",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = NULL;

      normalized = sl_oauth_normalize_login_host (cases[i], &error);
      if (normalized != NULL)
        g_test_message ("accepted: %s", cases[i]);
      g_assert_null (normalized);
      g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_CONFIG);
    }
}

/* Host names beyond the DNS limits (63 characters per label, 253 in all)
 * cannot resolve, so they are rejected before any sign-in starts. */
static void
test_host_name_length_limits (void)
{
  g_autofree char *label_63 = g_strnfill (63, 'a');
  g_autofree char *label_64 = g_strnfill (64, 'a');
  g_autofree char *label_61 = g_strnfill (61, 'b');
  /* Three labels of 63, one of 61 and three dots: exactly 253 characters. */
  g_autofree char *longest_ok = g_strdup_printf ("https://%s.%s.%s.%s", label_63, label_63,
                                                 label_63, label_61);
  g_autofree char *too_long = g_strdup_printf ("https://%s.%s.%s.%s.example", label_63,
                                               label_63, label_63, label_63);
  g_autofree char *long_label = g_strdup_printf ("https://%s.example.com", label_64);
  g_autofree char *ok_label = g_strdup_printf ("https://%s.example.com", label_63);
  g_autofree char *normalized = NULL;
  g_autoptr(GError) error = NULL;

  normalized = sl_oauth_normalize_login_host (ok_label, &error);
  g_assert_no_error (error);
  g_assert_nonnull (normalized);
  g_clear_pointer (&normalized, g_free);

  normalized = sl_oauth_normalize_login_host (longest_ok, &error);
  g_assert_no_error (error);
  g_assert_nonnull (normalized);
  g_clear_pointer (&normalized, g_free);

  normalized = sl_oauth_normalize_login_host (long_label, &error);
  g_assert_null (normalized);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_CONFIG);
  g_clear_error (&error);

  normalized = sl_oauth_normalize_login_host (too_long, &error);
  g_assert_null (normalized);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_CONFIG);
}

static void
test_null_host_rejected (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;

  normalized = sl_oauth_normalize_login_host (NULL, &error);
  g_assert_null (normalized);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_CONFIG);
}

static void
test_message_names_value (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;

  normalized = sl_oauth_normalize_login_host ("http://evil.example", &error);
  g_assert_null (normalized);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "http://evil.example"));
  g_assert_nonnull (strstr (error->message, "https://"));
}

static void
test_message_escapes_control_chars (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;

  normalized = sl_oauth_normalize_login_host ("https://a\nb", &error);
  g_assert_null (normalized);
  g_assert_nonnull (error);
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_message_explains_userinfo (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;

  normalized = sl_oauth_normalize_login_host ("https://user@host.example", &error);
  g_assert_null (normalized);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "user name"));
}

static void
test_new_valid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SlOAuthConfig) config = NULL;

  config = sl_oauth_config_new ("https://Login.Salesforce.com/", CLIENT_ID, &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  g_assert_cmpstr (sl_oauth_config_get_login_host (config), ==,
                   "https://login.salesforce.com");
  g_assert_cmpstr (sl_oauth_config_get_client_id (config), ==, CLIENT_ID);
  g_assert_cmpstr (sl_oauth_config_get_redirect_uri (config), ==, SL_OAUTH_REDIRECT_URI);
  g_assert_cmpstr (sl_oauth_config_get_scopes (config), ==, "api refresh_token openid");
  g_assert_cmpuint (sl_oauth_config_get_timeout (config), ==, 30);
}

static void
test_new_rejects_host (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SlOAuthConfig) config = NULL;

  config = sl_oauth_config_new ("http://evil.example", CLIENT_ID, &error);
  g_assert_null (config);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_CONFIG);
}

static void
test_client_id_validation (void)
{
  g_autofree char *longest = g_strnfill (256, 'a');
  g_autofree char *too_long = g_strnfill (257, 'a');
  const char *valid[] = { "x", CLIENT_ID, "3MVG9!#$%&'()*+,-./:;<=>?@[]^_`{|}~", longest };
  const char *invalid[] = { "", "has space", "tab\there", "new\nline", "caf\xc3\xa9",
                            "del\x7f", too_long };

  for (gsize i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SlOAuthConfig) config = NULL;

      config = sl_oauth_config_new ("https://login.salesforce.com", valid[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (config);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SlOAuthConfig) config = NULL;

      config = sl_oauth_config_new ("https://login.salesforce.com", invalid[i], &error);
      g_assert_null (config);
      g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_CONFIG);
    }
}

static void
test_null_client_id_rejected (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SlOAuthConfig) config = NULL;

  config = sl_oauth_config_new ("https://login.salesforce.com", NULL, &error);
  g_assert_null (config);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_CONFIG);
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_timeout_notifies_on_change (void)
{
  g_autoptr(SlOAuthConfig) config = NULL;
  guint notified = 0;

  config = sl_oauth_config_new ("https://login.salesforce.com", CLIENT_ID, NULL);
  g_signal_connect (config, "notify::timeout", G_CALLBACK (on_notify), &notified);

  sl_oauth_config_set_timeout (config, 30);
  g_assert_cmpuint (notified, ==, 0);

  sl_oauth_config_set_timeout (config, 5);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (sl_oauth_config_get_timeout (config), ==, 5);
}

static void
test_build_url (void)
{
  g_autoptr(SlOAuthConfig) config = NULL;
  g_autofree char *url = NULL;

  config = sl_oauth_config_new ("http://127.0.0.1:8080/", CLIENT_ID, NULL);
  url = sl_oauth_config_build_url (config, "/services/oauth2/token");
  g_assert_cmpstr (url, ==, "http://127.0.0.1:8080/services/oauth2/token");
}

static GSettings *
new_memory_settings (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();

  return g_settings_new_with_backend ("com.supportlogic.Connect", backend);
}

static void
test_from_settings_defaults (void)
{
  g_autoptr(GSettings) settings = new_memory_settings ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SlOAuthConfig) config = NULL;

  config = sl_oauth_config_new_from_settings (settings, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sl_oauth_config_get_login_host (config), ==,
                   "https://login.salesforce.com");
  g_assert_cmpstr (sl_oauth_config_get_client_id (config), ==, CLIENT_ID);
  g_assert_cmpuint (sl_oauth_config_get_timeout (config), ==, 30);
}

static void
test_from_settings_values (void)
{
  g_autoptr(GSettings) settings = new_memory_settings ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SlOAuthConfig) config = NULL;

  g_settings_set_string (settings, "login-host", "http://localhost:9999");
  g_settings_set_string (settings, "client-id", "OtherClient");
  g_settings_set_uint (settings, "network-timeout", 7);

  config = sl_oauth_config_new_from_settings (settings, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sl_oauth_config_get_login_host (config), ==, "http://localhost:9999");
  g_assert_cmpstr (sl_oauth_config_get_client_id (config), ==, "OtherClient");
  g_assert_cmpuint (sl_oauth_config_get_timeout (config), ==, 7);
}

static void
test_from_settings_invalid (void)
{
  g_autoptr(GSettings) settings = new_memory_settings ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SlOAuthConfig) config = NULL;

  g_settings_set_string (settings, "login-host", "http://evil.example");

  config = sl_oauth_config_new_from_settings (settings, &error);
  g_assert_null (config);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_CONFIG);
}

static void
test_error_server_code (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) copy = NULL;

  sl_oauth_set_error (&error, SL_OAUTH_ERROR_INVALID_GRANT, "invalid_grant", "Denied");
  copy = g_error_copy (error);

  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_GRANT);
  g_assert_cmpstr (error->message, ==, "Denied");
  g_assert_cmpstr (sl_oauth_error_get_server_code (error), ==, "invalid_grant");
  g_assert_cmpstr (sl_oauth_error_get_server_code (copy), ==, "invalid_grant");
}

static void
test_error_without_server_code (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  sl_oauth_set_error (&error, SL_OAUTH_ERROR_NETWORK, NULL, "Offline");
  g_assert_null (sl_oauth_error_get_server_code (error));
  g_assert_null (sl_oauth_error_get_server_code (other));
}

static void
test_sanitize_server_text (void)
{
  g_autofree char *clean = sl_oauth_sanitize_server_text ("a\tb\nc\x01" "d", 100);
  g_autofree char *cut = sl_oauth_sanitize_server_text ("abcdef", 3);
  g_autofree char *invalid = sl_oauth_sanitize_server_text ("ab\xff" "cd", 100);

  g_assert_cmpstr (clean, ==, "a b c d");
  g_assert_cmpstr (cut, ==, "abc…");
  g_assert_cmpstr (invalid, ==, "ab…");
  g_assert_null (sl_oauth_sanitize_server_text (NULL, 10));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oauth/config/host/valid", test_accepts_valid_hosts);
  g_test_add_func ("/oauth/config/host/invalid", test_rejects_invalid_hosts);
  g_test_add_func ("/oauth/config/host/null", test_null_host_rejected);
  g_test_add_func ("/oauth/config/host/length-limits", test_host_name_length_limits);
  g_test_add_func ("/oauth/config/host/message-names-value", test_message_names_value);
  g_test_add_func ("/oauth/config/host/message-control-chars",
                   test_message_escapes_control_chars);
  g_test_add_func ("/oauth/config/host/message-userinfo", test_message_explains_userinfo);
  g_test_add_func ("/oauth/config/new/valid", test_new_valid);
  g_test_add_func ("/oauth/config/new/bad-host", test_new_rejects_host);
  g_test_add_func ("/oauth/config/client-id/validation", test_client_id_validation);
  g_test_add_func ("/oauth/config/client-id/null", test_null_client_id_rejected);
  g_test_add_func ("/oauth/config/timeout/notify", test_timeout_notifies_on_change);
  g_test_add_func ("/oauth/config/build-url", test_build_url);
  g_test_add_func ("/oauth/config/settings/defaults", test_from_settings_defaults);
  g_test_add_func ("/oauth/config/settings/values", test_from_settings_values);
  g_test_add_func ("/oauth/config/settings/invalid", test_from_settings_invalid);
  g_test_add_func ("/oauth/error/server-code", test_error_server_code);
  g_test_add_func ("/oauth/error/no-server-code", test_error_without_server_code);
  g_test_add_func ("/oauth/error/sanitize", test_sanitize_server_text);

  return g_test_run ();
}
