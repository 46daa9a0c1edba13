/* test-keyring.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs against the private gnome-keyring that `run-isolated --keyring`
 * starts. The /keyring/no-secret-service/ tests expect a bus without a
 * Secret Service (`run-isolated --no-secret-service`), so they are
 * registered only when selected with -p.
 */
#include "config.h"

#include <string.h>

#include "sl-keyring.h"

#define TIMEOUT_SECONDS 20

static SlCredentials *
make_credentials (const char *username,
                  const char *access_token)
{
  SlCredentials *creds = sl_credentials_new ();

  creds->access_token = g_strdup (access_token);
  creds->refresh_token = g_strdup ("5Aep861RefreshToken");
  creds->login_host = g_strdup ("http://127.0.0.1:1");
  creds->instance_url = g_strdup ("http://127.0.0.1:1");
  creds->user_id = g_strdup ("005xx000001SwiUAAS");
  creds->org_id = g_strdup ("00Dxx0000001gPLEAY");
  creds->username = g_strdup (username);
  creds->email = g_strdup (username);
  creds->issued_at_ms = G_GINT64_CONSTANT (1796378400123);
  creds->connected_at = g_date_time_new_utc (2026, 12, 4, 10, 0, 0);

  return creds;
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("Keyring operation timed out after %d seconds", TIMEOUT_SECONDS);
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

/* Iterates the main context until @result is set. */
static void
wait_for (GAsyncResult **result)
{
  guint timeout_id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, NULL);

  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout_id);
}

static gboolean
store (const char          *slot,
       const SlCredentials *creds,
       GCancellable        *cancellable,
       GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_keyring_store_async (slot, creds, cancellable, on_result, &result);
  wait_for (&result);
  return sl_keyring_store_finish (result, error);
}

static SlCredentials *
load (const char  *slot,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_keyring_load_async (slot, NULL, on_result, &result);
  wait_for (&result);
  return sl_keyring_load_finish (result, error);
}

static gboolean
delete (const char  *slot,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_keyring_delete_async (slot, NULL, on_result, &result);
  wait_for (&result);
  return sl_keyring_delete_finish (result, error);
}

/* Counts the items of @slot under our schema, locked or not. */
static guint
count_items (const char *slot)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GList *items;
  guint count;

  g_hash_table_insert (attributes, (gpointer) "slot", (gpointer) slot);
  items = secret_service_search_sync (NULL, sl_keyring_get_schema (), attributes,
                                      SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);

  count = g_list_length (items);
  g_list_free_full (items, g_object_unref);
  return count;
}

/* Removes whatever a previous test left in both slots. */
static void
clear_slots (void)
{
  g_autoptr(GError) error = NULL;

  delete ("integration", &error);
  g_assert_no_error (error);
  delete ("user", &error);
  g_assert_no_error (error);
}

static void
test_round_trip (void)
{
  g_autoptr(SlCredentials) creds = make_credentials ("alice@acme.example.com", "token-a");
  g_autoptr(SlCredentials) loaded = NULL;
  g_autoptr(GError) error = NULL;

  clear_slots ();
  store ("user", creds, NULL, &error);
  g_assert_no_error (error);

  loaded = load ("user", &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpstr (loaded->access_token, ==, "token-a");
  g_assert_cmpstr (loaded->refresh_token, ==, creds->refresh_token);
  g_assert_cmpstr (loaded->username, ==, "alice@acme.example.com");
  g_assert_cmpstr (loaded->user_id, ==, creds->user_id);
  g_assert_cmpint (loaded->issued_at_ms, ==, creds->issued_at_ms);
  g_assert_true (g_date_time_equal (loaded->connected_at, creds->connected_at));
}

static void
test_load_sync (void)
{
  g_autoptr(SlCredentials) creds = make_credentials ("bob@acme.example.com", "token-b");
  g_autoptr(SlCredentials) loaded = NULL;
  g_autoptr(GError) error = NULL;

  clear_slots ();
  store ("integration", creds, NULL, &error);
  g_assert_no_error (error);

  loaded = sl_keyring_load_sync ("integration", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpstr (loaded->username, ==, "bob@acme.example.com");
}

static void
test_item_label_and_secret (void)
{
  g_autoptr(SlCredentials) creds = make_credentials ("alice@acme.example.com", "token-a");
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autoptr(SecretValue) value = NULL;
  GList *items;

  clear_slots ();
  store ("integration", creds, NULL, &error);
  g_assert_no_error (error);

  items = secret_password_search_sync (sl_keyring_get_schema (),
                                       SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS,
                                       NULL, &error, "slot", "integration", NULL);
  g_assert_no_error (error);
  g_assert_nonnull (items);

  label = secret_item_get_label (items->data);
  value = secret_item_get_secret (items->data);
  g_list_free_full (items, g_object_unref);

  g_assert_cmpstr (label, ==, "Salesforce connection (integration): alice@acme.example.com");
  g_assert_nonnull (value);
  /* NOTE: gnome-keyring 42 returns every secret as text/plain, so the
   * application/json content type of the store request cannot be checked
   * here. The secret must still be the JSON document. */
  g_assert_nonnull (strstr (secret_value_get_text (value), "\"format\":1"));
}

static void
test_replace_keeps_one_item (void)
{
  g_autoptr(SlCredentials) first = make_credentials ("alice@acme.example.com", "token-a");
  g_autoptr(SlCredentials) second = make_credentials ("bob@acme.example.com", "token-b");
  g_autoptr(SlCredentials) loaded = NULL;
  g_autoptr(GError) error = NULL;

  clear_slots ();
  store ("user", first, NULL, &error);
  g_assert_no_error (error);
  store ("user", second, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (count_items ("user"), ==, 1);
  loaded = load ("user", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->username, ==, "bob@acme.example.com");
  g_assert_cmpstr (loaded->access_token, ==, "token-b");
}

static void
test_slots_independent (void)
{
  g_autoptr(SlCredentials) integration = make_credentials ("integration@acme.example.com",
                                                           "token-i");
  g_autoptr(SlCredentials) user = make_credentials ("alice@acme.example.com", "token-u");
  g_autoptr(SlCredentials) loaded_integration = NULL;
  g_autoptr(SlCredentials) loaded_user = NULL;
  g_autoptr(GError) error = NULL;

  clear_slots ();
  store ("integration", integration, NULL, &error);
  g_assert_no_error (error);
  store ("user", user, NULL, &error);
  g_assert_no_error (error);
  delete ("user", &error);
  g_assert_no_error (error);

  loaded_integration = load ("integration", &error);
  g_assert_no_error (error);
  loaded_user = load ("user", &error);
  g_assert_no_error (error);

  g_assert_nonnull (loaded_integration);
  g_assert_cmpstr (loaded_integration->username, ==, "integration@acme.example.com");
  g_assert_null (loaded_user);
  g_assert_cmpuint (count_items ("integration"), ==, 1);
}

static void
test_delete (void)
{
  g_autoptr(SlCredentials) creds = make_credentials ("alice@acme.example.com", "token-a");
  g_autoptr(SlCredentials) loaded = NULL;
  g_autoptr(GError) error = NULL;
  gboolean deleted;

  clear_slots ();
  store ("user", creds, NULL, &error);
  g_assert_no_error (error);

  deleted = delete ("user", &error);
  g_assert_no_error (error);
  g_assert_true (deleted);
  g_assert_cmpuint (count_items ("user"), ==, 0);

  loaded = load ("user", &error);
  g_assert_no_error (error);
  g_assert_null (loaded);
}

static void
test_delete_missing (void)
{
  g_autoptr(GError) error = NULL;
  gboolean deleted;

  clear_slots ();
  deleted = delete ("user", &error);

  g_assert_no_error (error);
  g_assert_true (deleted);
}

static void
test_load_missing (void)
{
  g_autoptr(SlCredentials) loaded = NULL;
  g_autoptr(SlCredentials) loaded_sync = NULL;
  g_autoptr(GError) error = NULL;

  clear_slots ();
  loaded = load ("integration", &error);
  g_assert_no_error (error);
  g_assert_null (loaded);

  loaded_sync = sl_keyring_load_sync ("integration", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (loaded_sync);
}

static void
test_invalid_item (void)
{
  g_autoptr(SlCredentials) loaded = NULL;
  g_autoptr(SlCredentials) loaded_sync = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) sync_error = NULL;

  clear_slots ();
  secret_password_store_sync (sl_keyring_get_schema (), SECRET_COLLECTION_DEFAULT,
                              "Not a credentials document", "secret-not-json {",
                              NULL, &error, "slot", "user", NULL);
  g_assert_no_error (error);

  loaded = load ("user", &error);
  g_assert_null (loaded);
  g_assert_error (error, SL_KEYRING_ERROR, SL_KEYRING_ERROR_INVALID_ITEM);
  /* The agent's own slot, named as the app names it. */
  g_assert_true (g_str_has_prefix (error->message, "Your stored Salesforce connection"));
  g_assert_null (strstr (error->message, "secret-not-json"));

  loaded_sync = sl_keyring_load_sync ("user", NULL, &sync_error);
  g_assert_null (loaded_sync);
  g_assert_error (sync_error, SL_KEYRING_ERROR, SL_KEYRING_ERROR_INVALID_ITEM);
}

static void
test_store_cancelled (void)
{
  g_autoptr(SlCredentials) creds = make_credentials ("alice@acme.example.com", "token-a");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gboolean stored;

  clear_slots ();
  g_cancellable_cancel (cancellable);
  stored = store ("user", creds, cancellable, &error);

  g_assert_false (stored);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (count_items ("user"), ==, 0);
}

static void
lock_default_collection (void)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GError) error = NULL;
  GList *objects;
  gint locked;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);

  objects = g_list_append (NULL, collection);
  locked = secret_service_lock_sync (service, objects, NULL, NULL, &error);
  g_list_free (objects);
  g_assert_no_error (error);
  g_assert_cmpint (locked, ==, 1);
}

/* Under run-isolated without --display the unlock prompter cannot open a
 * display, so gnome-keyring treats the prompt as dismissed at once. The
 * collection stays locked afterwards, so this test must be registered last. */
static void
test_locked (void)
{
  g_autoptr(SlCredentials) creds = make_credentials ("alice@acme.example.com", "token-a");
  g_autoptr(SlCredentials) loaded = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autoptr(GError) load_error = NULL;
  g_autoptr(GError) error = NULL;

  clear_slots ();
  store ("user", creds, NULL, &error);
  g_assert_no_error (error);
  lock_default_collection ();

  loaded = load ("user", &load_error);
  g_assert_null (loaded);
  g_assert_error (load_error, SL_KEYRING_ERROR, SL_KEYRING_ERROR_LOCKED);

  store ("user", creds, NULL, &store_error);
  g_assert_error (store_error, SL_KEYRING_ERROR, SL_KEYRING_ERROR_LOCKED);
}

static void
test_unavailable (void)
{
  g_autoptr(SlCredentials) creds = make_credentials ("alice@acme.example.com", "token-a");
  g_autoptr(SlCredentials) loaded = NULL;
  g_autoptr(SlCredentials) loaded_sync = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autoptr(GError) load_error = NULL;
  g_autoptr(GError) sync_error = NULL;
  g_autoptr(GError) delete_error = NULL;

  store ("user", creds, NULL, &store_error);
  g_assert_error (store_error, SL_KEYRING_ERROR, SL_KEYRING_ERROR_UNAVAILABLE);

  loaded = load ("user", &load_error);
  g_assert_null (loaded);
  g_assert_error (load_error, SL_KEYRING_ERROR, SL_KEYRING_ERROR_UNAVAILABLE);

  loaded_sync = sl_keyring_load_sync ("user", NULL, &sync_error);
  g_assert_null (loaded_sync);
  g_assert_error (sync_error, SL_KEYRING_ERROR, SL_KEYRING_ERROR_UNAVAILABLE);

  delete ("user", &delete_error);
  g_assert_error (delete_error, SL_KEYRING_ERROR, SL_KEYRING_ERROR_UNAVAILABLE);
}

static gboolean
no_secret_service_selected (int    argc,
                            char **argv)
{
  for (int i = 1; i + 1 < argc; i++)
    {
      if (g_str_equal (argv[i], "-p") &&
          g_str_has_prefix (argv[i + 1], "/keyring/no-secret-service"))
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
      g_test_add_func ("/keyring/no-secret-service/unavailable", test_unavailable);
      return g_test_run ();
    }

  g_test_add_func ("/keyring/round-trip", test_round_trip);
  g_test_add_func ("/keyring/load-sync", test_load_sync);
  g_test_add_func ("/keyring/item-label-and-secret", test_item_label_and_secret);
  g_test_add_func ("/keyring/replace-keeps-one-item", test_replace_keeps_one_item);
  g_test_add_func ("/keyring/slots-independent", test_slots_independent);
  g_test_add_func ("/keyring/delete", test_delete);
  g_test_add_func ("/keyring/delete-missing", test_delete_missing);
  g_test_add_func ("/keyring/load-missing", test_load_missing);
  g_test_add_func ("/keyring/invalid-item", test_invalid_item);
  g_test_add_func ("/keyring/store-cancelled", test_store_cancelled);
  g_test_add_func ("/keyring/locked", test_locked);

  return g_test_run ();
}
