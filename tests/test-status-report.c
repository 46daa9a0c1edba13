/* test-status-report.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs against the private gnome-keyring that `run-isolated --keyring`
 * starts. The /status-report/no-secret-service/ tests expect a bus without a
 * Secret Service (`run-isolated --no-secret-service`), so they are
 * registered only when selected with -p.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "sl-keyring.h"
#include "sl-status-report.h"

#define ACCESS_TOKEN  "00Dxx0000001gPL!StatusAccessToken"
#define REFRESH_TOKEN "5Aep861StatusRefreshToken"

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
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
clear_slot (const char *slot)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sl_keyring_delete_async (slot, NULL, on_result, &result);
  wait_for (&result);
  sl_keyring_delete_finish (result, &error);
  g_assert_no_error (error);
}

static void
clear_slots (void)
{
  clear_slot ("integration");
  clear_slot ("user");
}

static void
store_integration (void)
{
  g_autoptr(SlCredentials) creds = sl_credentials_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  creds->access_token = g_strdup (ACCESS_TOKEN);
  creds->refresh_token = g_strdup (REFRESH_TOKEN);
  creds->login_host = g_strdup ("http://127.0.0.1:1");
  creds->instance_url = g_strdup ("http://127.0.0.1:2");
  creds->user_id = g_strdup ("005xx000001SwiUAAS");
  creds->org_id = g_strdup ("00Dxx0000001gPLEAY");
  creds->username = g_strdup ("integration@acme.example.com");
  creds->email = g_strdup ("integration-mail@acme.example.com");
  creds->connected_at = g_date_time_new_utc (2026, 12, 4, 10, 0, 0);

  sl_keyring_store_async ("integration", creds, NULL, on_result, &result);
  wait_for (&result);
  sl_keyring_store_finish (result, &error);
  g_assert_no_error (error);
}

static JsonObject *
parse_report (const char *report)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, report, -1, &error);
  g_assert_no_error (error);

  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

static void
assert_no_token (const char *report)
{
  g_assert_null (strstr (report, ACCESS_TOKEN));
  g_assert_null (strstr (report, REFRESH_TOKEN));
  g_assert_null (strstr (report, "token"));
}

static void
test_empty_text (void)
{
  g_autofree char *report = NULL;

  clear_slots ();
  report = sl_status_report_build (FALSE);

  g_assert_cmpstr (report, ==, "integration: disconnected\nuser: disconnected\n");
}

static void
test_empty_json (void)
{
  g_autofree char *report = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *integration;
  JsonObject *user;

  clear_slots ();
  report = sl_status_report_build (TRUE);
  object = parse_report (report);

  members = json_object_get_members (object);
  g_assert_cmpuint (g_list_length (members), ==, 2);
  g_assert_cmpstr (members->data, ==, "integration");
  g_assert_cmpstr (members->next->data, ==, "user");

  integration = json_object_get_object_member (object, "integration");
  user = json_object_get_object_member (object, "user");
  g_assert_cmpstr (json_object_get_string_member (integration, "state"), ==, "disconnected");
  g_assert_cmpstr (json_object_get_string_member (user, "state"), ==, "disconnected");
  g_assert_cmpuint (json_object_get_size (integration), ==, 1);
  g_assert_cmpuint (json_object_get_size (user), ==, 1);
}

static void
test_pretty_printed (void)
{
  g_autofree char *report = NULL;

  clear_slots ();
  report = sl_status_report_build (TRUE);

  g_assert_nonnull (strstr (report, "\n  \"integration\""));
  g_assert_true (g_str_has_suffix (report, "}\n"));
}

static void
test_one_slot_text (void)
{
  g_autofree char *report = NULL;

  clear_slots ();
  store_integration ();
  report = sl_status_report_build (FALSE);

  g_assert_cmpstr (report, ==,
                   "integration: connected as integration-mail@acme.example.com "
                   "(integration@acme.example.com) at http://127.0.0.1:2\n"
                   "user: disconnected\n");
  assert_no_token (report);
}

static void
test_one_slot_json (void)
{
  g_autofree char *report = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonObject *integration;
  JsonObject *user;

  clear_slots ();
  store_integration ();
  report = sl_status_report_build (TRUE);
  object = parse_report (report);
  integration = json_object_get_object_member (object, "integration");
  user = json_object_get_object_member (object, "user");

  g_assert_cmpstr (json_object_get_string_member (integration, "state"), ==, "connected");
  g_assert_cmpstr (json_object_get_string_member (integration, "email"), ==,
                   "integration-mail@acme.example.com");
  g_assert_cmpstr (json_object_get_string_member (integration, "username"), ==,
                   "integration@acme.example.com");
  g_assert_cmpstr (json_object_get_string_member (integration, "user_id"), ==,
                   "005xx000001SwiUAAS");
  g_assert_cmpstr (json_object_get_string_member (integration, "org_id"), ==,
                   "00Dxx0000001gPLEAY");
  g_assert_cmpstr (json_object_get_string_member (integration, "instance_url"), ==,
                   "http://127.0.0.1:2");
  g_assert_cmpstr (json_object_get_string_member (integration, "connected_at"), ==,
                   "2026-12-04T10:00:00Z");
  g_assert_false (json_object_has_member (integration, "error"));
  g_assert_cmpstr (json_object_get_string_member (user, "state"), ==, "disconnected");
  assert_no_token (report);
}

static void
store_invalid_user_item (void)
{
  g_autoptr(GError) error = NULL;

  secret_password_store_sync (sl_keyring_get_schema (), SECRET_COLLECTION_DEFAULT,
                              "Not a credentials document", "not-json " ACCESS_TOKEN,
                              NULL, &error, "slot", "user", NULL);
  g_assert_no_error (error);
}

static void
test_invalid_item_text (void)
{
  g_autofree char *report = NULL;
  g_auto(GStrv) lines = NULL;

  clear_slots ();
  store_integration ();
  store_invalid_user_item ();
  report = sl_status_report_build (FALSE);
  lines = g_strsplit (report, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "integration: connected as "));
  g_assert_true (g_str_has_prefix (lines[1], "user: error: "));
  g_assert_nonnull (strstr (lines[1], "could not be read"));
  g_assert_cmpstr (lines[2], ==, "");
  assert_no_token (report);
}

static void
test_invalid_item_json (void)
{
  g_autofree char *report = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonObject *integration;
  JsonObject *user;

  clear_slots ();
  store_integration ();
  store_invalid_user_item ();
  report = sl_status_report_build (TRUE);
  object = parse_report (report);
  integration = json_object_get_object_member (object, "integration");
  user = json_object_get_object_member (object, "user");

  g_assert_cmpstr (json_object_get_string_member (integration, "state"), ==, "connected");
  g_assert_cmpstr (json_object_get_string_member (user, "state"), ==, "error");
  g_assert_nonnull (strstr (json_object_get_string_member (user, "error"),
                            "could not be read"));
  g_assert_false (json_object_has_member (user, "email"));
  assert_no_token (report);
}

static void
test_unavailable_text (void)
{
  g_autofree char *report = sl_status_report_build (FALSE);
  g_auto(GStrv) lines = g_strsplit (report, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "integration: error: "));
  g_assert_true (g_str_has_prefix (lines[1], "user: error: "));
  g_assert_nonnull (strstr (lines[1], "keyring"));
}

static void
test_unavailable_json (void)
{
  g_autofree char *report = sl_status_report_build (TRUE);
  g_autoptr(JsonObject) object = parse_report (report);
  const char *slots[] = { "integration", "user" };

  for (gsize i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      JsonObject *slot = json_object_get_object_member (object, slots[i]);

      g_assert_nonnull (slot);
      g_assert_cmpstr (json_object_get_string_member (slot, "state"), ==, "error");
      g_assert_nonnull (strstr (json_object_get_string_member (slot, "error"), "keyring"));
      g_assert_cmpuint (json_object_get_size (slot), ==, 2);
    }
}

static gboolean
no_secret_service_selected (int    argc,
                            char **argv)
{
  for (int i = 1; i + 1 < argc; i++)
    {
      if (g_str_equal (argv[i], "-p") &&
          g_str_has_prefix (argv[i + 1], "/status-report/no-secret-service"))
        return TRUE;
    }

  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  gboolean no_secret_service = no_secret_service_selected (argc, argv);

  g_test_init (&argc, &argv, NULL);

  if (no_secret_service)
    {
      g_test_add_func ("/status-report/no-secret-service/text", test_unavailable_text);
      g_test_add_func ("/status-report/no-secret-service/json", test_unavailable_json);
      return g_test_run ();
    }

  g_test_add_func ("/status-report/empty/text", test_empty_text);
  g_test_add_func ("/status-report/empty/json", test_empty_json);
  g_test_add_func ("/status-report/empty/pretty-printed", test_pretty_printed);
  g_test_add_func ("/status-report/one-slot/text", test_one_slot_text);
  g_test_add_func ("/status-report/one-slot/json", test_one_slot_json);
  g_test_add_func ("/status-report/invalid-item/text", test_invalid_item_text);
  g_test_add_func ("/status-report/invalid-item/json", test_invalid_item_json);

  return g_test_run ();
}
