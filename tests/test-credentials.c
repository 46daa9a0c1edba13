/* test-credentials.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "sl-credentials.h"

#define ACCESS_TOKEN  "00Dxx0000001gPL!AccessTokenValue"
#define REFRESH_TOKEN "5Aep861RefreshTokenValue"

static SlCredentials *
make_full_credentials (void)
{
  SlCredentials *creds = sl_credentials_new ();

  creds->access_token = g_strdup (ACCESS_TOKEN);
  creds->refresh_token = g_strdup (REFRESH_TOKEN);
  creds->login_host = g_strdup ("https://login.salesforce.com");
  creds->instance_url = g_strdup ("https://acme.my.salesforce.com");
  creds->id_url = g_strdup ("https://login.salesforce.com/id/"
                            "00Dxx0000001gPLEAY/005xx000001SwiUAAS");
  creds->scope = g_strdup ("api refresh_token openid");
  creds->issued_at_ms = G_GINT64_CONSTANT (1796378400123);
  creds->user_id = g_strdup ("005xx000001SwiUAAS");
  creds->org_id = g_strdup ("00Dxx0000001gPLEAY");
  creds->username = g_strdup ("alice@acme.example.com");
  creds->email = g_strdup ("alice@acme.example.com");
  creds->display_name = g_strdup ("Alice Example");
  creds->connected_at = g_date_time_new_utc (2026, 12, 4, 10, 0, 0);

  return creds;
}

/* Parses @json, expects SL_CREDENTIALS_ERROR_INVALID and returns the
 * message. */
static char *
expect_invalid (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SlCredentials) creds = sl_credentials_from_json (json, &error);

  g_assert_null (creds);
  g_assert_error (error, SL_CREDENTIALS_ERROR, SL_CREDENTIALS_ERROR_INVALID);
  return g_strdup (error->message);
}

static void
test_round_trip (void)
{
  g_autoptr(SlCredentials) original = make_full_credentials ();
  g_autoptr(SlCredentials) parsed = NULL;
  g_autoptr(GError) error = NULL;
  char *json = sl_credentials_to_json (original);

  parsed = sl_credentials_from_json (json, &error);
  sl_secure_free (json);

  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  g_assert_cmpstr (parsed->access_token, ==, original->access_token);
  g_assert_cmpstr (parsed->refresh_token, ==, original->refresh_token);
  g_assert_cmpstr (parsed->login_host, ==, original->login_host);
  g_assert_cmpstr (parsed->instance_url, ==, original->instance_url);
  g_assert_cmpstr (parsed->id_url, ==, original->id_url);
  g_assert_cmpstr (parsed->scope, ==, original->scope);
  g_assert_cmpint (parsed->issued_at_ms, ==, original->issued_at_ms);
  g_assert_cmpstr (parsed->user_id, ==, original->user_id);
  g_assert_cmpstr (parsed->org_id, ==, original->org_id);
  g_assert_cmpstr (parsed->username, ==, original->username);
  g_assert_cmpstr (parsed->email, ==, original->email);
  g_assert_cmpstr (parsed->display_name, ==, original->display_name);
  g_assert_nonnull (parsed->connected_at);
  g_assert_true (g_date_time_equal (parsed->connected_at, original->connected_at));
}

static void
test_document_format (void)
{
  g_autoptr(SlCredentials) creds = make_full_credentials ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  char *json = sl_credentials_to_json (creds);
  JsonObject *object;

  json_parser_load_from_data (parser, json, -1, &error);
  sl_secure_free (json);
  g_assert_no_error (error);

  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (object, "format"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "issued_at_ms"), ==,
                   G_GINT64_CONSTANT (1796378400123));
  g_assert_cmpstr (json_object_get_string_member (object, "connected_at"), ==,
                   "2026-12-04T10:00:00Z");
}

static void
test_connected_at_converted_to_utc (void)
{
  g_autoptr(SlCredentials) creds = make_full_credentials ();
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (2 * 3600);
  g_autoptr(SlCredentials) parsed = NULL;
  g_autoptr(GError) error = NULL;
  char *json;

  g_clear_pointer (&creds->connected_at, g_date_time_unref);
  creds->connected_at = g_date_time_new (zone, 2026, 12, 4, 12, 0, 0);
  json = sl_credentials_to_json (creds);
  g_assert_nonnull (strstr (json, "\"2026-12-04T10:00:00Z\""));

  parsed = sl_credentials_from_json (json, &error);
  sl_secure_free (json);
  g_assert_no_error (error);
  g_assert_true (g_date_time_equal (parsed->connected_at, creds->connected_at));
}

static void
test_copy (void)
{
  g_autoptr(SlCredentials) original = make_full_credentials ();
  g_autoptr(SlCredentials) copy = sl_credentials_copy (original);

  g_assert_true (copy != original);
  g_assert_true (copy->access_token != original->access_token);
  g_assert_cmpstr (copy->access_token, ==, original->access_token);
  g_assert_cmpstr (copy->refresh_token, ==, original->refresh_token);
  g_assert_cmpstr (copy->user_id, ==, original->user_id);
  g_assert_cmpint (copy->issued_at_ms, ==, original->issued_at_ms);
  g_assert_true (copy->connected_at == original->connected_at);
}

static void
test_boxed_type (void)
{
  g_autoptr(SlCredentials) original = make_full_credentials ();
  g_autoptr(SlCredentials) copy = g_boxed_copy (SL_TYPE_CREDENTIALS, original);

  g_assert_true (G_TYPE_IS_BOXED (SL_TYPE_CREDENTIALS));
  g_assert_cmpstr (g_type_name (SL_TYPE_CREDENTIALS), ==, "SlCredentials");
  g_assert_cmpstr (copy->email, ==, original->email);
}

static void
test_null_optional_fields (void)
{
  g_autoptr(SlCredentials) creds = sl_credentials_new ();
  g_autoptr(SlCredentials) parsed = NULL;
  g_autoptr(GError) error = NULL;
  char *json;

  creds->access_token = g_strdup (ACCESS_TOKEN);
  creds->instance_url = g_strdup ("https://acme.my.salesforce.com");
  creds->user_id = g_strdup ("005xx000001SwiUAAS");
  json = sl_credentials_to_json (creds);
  parsed = sl_credentials_from_json (json, &error);
  sl_secure_free (json);

  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  g_assert_null (parsed->refresh_token);
  g_assert_null (parsed->login_host);
  g_assert_null (parsed->id_url);
  g_assert_null (parsed->scope);
  g_assert_null (parsed->org_id);
  g_assert_null (parsed->username);
  g_assert_null (parsed->email);
  g_assert_null (parsed->display_name);
  g_assert_null (parsed->connected_at);
  g_assert_cmpint (parsed->issued_at_ms, ==, 0);
}

static void
test_unknown_fields_ignored (void)
{
  g_autoptr(SlCredentials) parsed = NULL;
  g_autoptr(GError) error = NULL;
  const char *json =
    "{\"format\": 2, \"access_token\": \"a\", \"instance_url\": \"https://x\","
    " \"user_id\": \"005x\", \"future_field\": {\"nested\": [1, 2]}}";

  parsed = sl_credentials_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  g_assert_cmpstr (parsed->user_id, ==, "005x");
}

static void
test_missing_required_fields (void)
{
  const struct { const char *json; const char *field; } cases[] = {
    { "{\"instance_url\": \"https://x\", \"user_id\": \"005x\"}", "access_token" },
    { "{\"access_token\": \"a\", \"user_id\": \"005x\"}", "instance_url" },
    { "{\"access_token\": \"a\", \"instance_url\": \"https://x\"}", "user_id" },
    { "{\"access_token\": null, \"instance_url\": \"https://x\", \"user_id\": \"005x\"}",
      "access_token" },
    { "{\"access_token\": \"\", \"instance_url\": \"https://x\", \"user_id\": \"005x\"}",
      "access_token" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = expect_invalid (cases[i].json);

      g_assert_nonnull (strstr (message, cases[i].field));
    }
}

static void
test_wrong_types (void)
{
  const struct { const char *json; const char *field; } cases[] = {
    { "{\"access_token\": 42, \"instance_url\": \"https://x\", \"user_id\": \"005x\"}",
      "access_token" },
    { "{\"access_token\": \"a\", \"instance_url\": [\"https://x\"], \"user_id\": \"005x\"}",
      "instance_url" },
    { "{\"access_token\": \"a\", \"instance_url\": \"https://x\", \"user_id\": \"005x\","
      " \"email\": true}", "email" },
    { "{\"access_token\": \"a\", \"instance_url\": \"https://x\", \"user_id\": \"005x\","
      " \"issued_at_ms\": \"1796378400123\"}", "issued_at_ms" },
    { "{\"access_token\": \"a\", \"instance_url\": \"https://x\", \"user_id\": \"005x\","
      " \"issued_at_ms\": 1.5}", "issued_at_ms" },
    { "{\"access_token\": \"a\", \"instance_url\": \"https://x\", \"user_id\": \"005x\","
      " \"connected_at\": \"yesterday\"}", "connected_at" },
    { "{\"access_token\": \"a\", \"instance_url\": \"https://x\", \"user_id\": \"005x\","
      " \"format\": \"1\"}", "format" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = expect_invalid (cases[i].json);

      g_assert_nonnull (strstr (message, cases[i].field));
    }
}

static void
test_error_hides_values (void)
{
  g_autofree char *message = expect_invalid (
      "{\"access_token\": \"" ACCESS_TOKEN "\", \"refresh_token\": 7,"
      " \"instance_url\": \"https://x\", \"user_id\": \"005x\"}");

  g_assert_nonnull (strstr (message, "refresh_token"));
  g_assert_null (strstr (message, ACCESS_TOKEN));
}

static void
test_not_json (void)
{
  g_autofree char *message = expect_invalid ("{\"access_token\": \"" ACCESS_TOKEN "\"");

  g_assert_null (strstr (message, ACCESS_TOKEN));
}

static void
test_empty_document (void)
{
  g_autofree char *message = expect_invalid ("");

  g_assert_nonnull (message);
}

static void
test_not_object (void)
{
  const char *cases[] = { "[]", "\"" ACCESS_TOKEN "\"", "42", "null" };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = expect_invalid (cases[i]);

      g_assert_null (strstr (message, ACCESS_TOKEN));
    }
}

static void
test_secure_free_null (void)
{
  sl_secure_free (NULL);
  sl_credentials_free (NULL);
  g_assert_true (TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/credentials/round-trip", test_round_trip);
  g_test_add_func ("/credentials/document-format", test_document_format);
  g_test_add_func ("/credentials/connected-at-utc", test_connected_at_converted_to_utc);
  g_test_add_func ("/credentials/copy", test_copy);
  g_test_add_func ("/credentials/boxed-type", test_boxed_type);
  g_test_add_func ("/credentials/null-optional-fields", test_null_optional_fields);
  g_test_add_func ("/credentials/unknown-fields-ignored", test_unknown_fields_ignored);
  g_test_add_func ("/credentials/missing-required-fields", test_missing_required_fields);
  g_test_add_func ("/credentials/wrong-types", test_wrong_types);
  g_test_add_func ("/credentials/error-hides-values", test_error_hides_values);
  g_test_add_func ("/credentials/not-json", test_not_json);
  g_test_add_func ("/credentials/empty-document", test_empty_document);
  g_test_add_func ("/credentials/not-object", test_not_object);
  g_test_add_func ("/credentials/secure-free-null", test_secure_free_null);

  return g_test_run ();
}
