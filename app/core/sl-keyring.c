/* sl-keyring.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sl-connection.h"
#include "sl-keyring.h"

#define SL_KEYRING_CONTENT_TYPE "application/json"

G_DEFINE_QUARK (sl-keyring-error-quark, sl_keyring_error)

/* GTask source tags. Function pointers cannot be used because ISO C has no
 * conversion between them and gpointer. */
static char store_tag, load_tag, delete_tag;

const SecretSchema *
sl_keyring_get_schema (void)
{
  static const SecretSchema schema = {
    "com.supportlogic.Connect.Credentials",
    SECRET_SCHEMA_NONE,
    {
      { "slot", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

/* libsecret picks its file backend, with a key from the Secret portal, only
 * inside a Flatpak or Snap sandbox or when SECRET_BACKEND names a backend,
 * and only the secret_password_* functions follow that choice. Elsewhere the
 * secret_service_* functions stay, because with libsecret 0.20.5 the
 * secret_password_* searches leak GIO allocations under AddressSanitizer. */
static gboolean
uses_backend_api (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) ||
         g_getenv ("SNAP_NAME") != NULL ||
         g_getenv ("SECRET_BACKEND") != NULL;
}

static GHashTable *
slot_attributes (const char *slot)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) "slot", (gpointer) slot);
  return attributes;
}

static gboolean
is_unavailable_error (const GError *error)
{
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
    return TRUE;

  /* Fallback for an error that lost its G_DBUS_ERROR code: this is the bus
   * daemon's message when no service file provides org.freedesktop.secrets. */
  return strstr (error->message, "not provided by any .service files") != NULL;
}

/* Converts a libsecret or D-Bus error to an SL_KEYRING_ERROR in place.
 * A cancellation that @cancellable requested stays G_IO_ERROR_CANCELLED, but
 * one without it came from a dismissed unlock prompt. @context is the
 * translated start of the message for the FAILED case, e.g. "Could not
 * store the connection in the keyring: ". */
static void
map_error (GError       **error,
           GCancellable  *cancellable,
           const char    *context)
{
  GError *original = *error;

  if (g_error_matches (original, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      g_cancellable_is_cancelled (cancellable))
    return;

  g_debug ("Keyring error: %s%s", context, original->message);

  if (is_unavailable_error (original))
    {
      *error = g_error_new_literal (SL_KEYRING_ERROR, SL_KEYRING_ERROR_UNAVAILABLE,
                                    _("No keyring service is running. Start or install a "
                                      "keyring such as GNOME Keyring or KeePassXC, then "
                                      "try again."));
      g_error_free (original);
      return;
    }

  if (g_error_matches (original, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
      g_error_matches (original, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      *error = g_error_new_literal (SL_KEYRING_ERROR, SL_KEYRING_ERROR_LOCKED,
                                    _("The keyring is locked. Unlock it, then try again."));
      g_error_free (original);
      return;
    }

  original->domain = SL_KEYRING_ERROR;
  original->code = SL_KEYRING_ERROR_FAILED;
  g_prefix_error (error, "%s", context);
}

/* The message names the slot as the app does, never by its internal name. */
static void
set_invalid_item (GError     **error,
                  const char  *slot)
{
  if (g_strcmp0 (slot, SL_SLOT_INTEGRATION) == 0)
    g_set_error_literal (error, SL_KEYRING_ERROR, SL_KEYRING_ERROR_INVALID_ITEM,
                         _("The stored Salesforce connection of the integration user could "
                           "not be read. It may have been edited by hand or saved by an "
                           "older version. Remove it, then connect again."));
  else
    g_set_error_literal (error, SL_KEYRING_ERROR, SL_KEYRING_ERROR_INVALID_ITEM,
                         _("Your stored Salesforce connection could not be read. It may "
                           "have been edited by hand or saved by an older version. Remove "
                           "it, then connect again."));
}

static void
on_store_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  gboolean stored = uses_backend_api ()
                    ? secret_password_store_finish (result, &error)
                    : secret_service_store_finish (NULL, result, &error);

  if (!stored)
    {
      map_error (&error, g_task_get_cancellable (task),
                 _("Could not store the connection in the keyring: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Stored the keyring item of slot %s", (char *) g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
}

void
sl_keyring_store_async (const char          *slot,
                        const SlCredentials *credentials,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autofree char *label = NULL;
  char *json;

  g_return_if_fail (slot != NULL);
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, &store_tag);
  g_task_set_task_data (task, g_strdup (slot), g_free);

  json = sl_credentials_to_json (credentials);
  value = secret_value_new (json, -1, SL_KEYRING_CONTENT_TYPE);
  sl_secure_free (json);

  /* Translators: the first %s is a slot name ("integration" or "user"),
   * the second a Salesforce username. */
  label = g_strdup_printf (_("Salesforce connection (%s): %s"), slot,
                           credentials->username != NULL ? credentials->username : "");
  attributes = slot_attributes (slot);

  g_debug ("Storing the keyring item of slot %s", slot);
  /* Both libsecret backends, the Secret Service and the file that a Flatpak
   * sandbox uses, replace an item whose attributes are equal, so each slot
   * keeps a single item. */
  if (uses_backend_api ())
    secret_password_storev_binary (sl_keyring_get_schema (), attributes,
                                   SECRET_COLLECTION_DEFAULT, label, value, cancellable,
                                   on_store_done, g_steal_pointer (&task));
  else
    secret_service_store (NULL, sl_keyring_get_schema (), attributes,
                          SECRET_COLLECTION_DEFAULT, label, value, cancellable,
                          on_store_done, g_steal_pointer (&task));
}

gboolean
sl_keyring_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == &store_tag,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Turns the result of a search for @slot's item into credentials. No item
 * gives NULL without an error. The Secret Service backend returns SecretItems
 * with their secrets loaded. The file backend returns items that keep their
 * secret in memory, so retrieving it does no I/O. */
static SlCredentials *
credentials_from_items (const char  *slot,
                        GList       *items,
                        GError     **error)
{
  SecretRetrievable *item;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(SlCredentials) credentials = NULL;
  const char *text;

  if (items == NULL)
    {
      g_debug ("Slot %s has no keyring item", slot);
      return NULL;
    }

  if (items->next != NULL)
    g_warning ("Slot %s has %u keyring items; reading the first",
               slot, g_list_length (items));

  item = items->data;
  if (SECRET_IS_ITEM (item) && secret_item_get_locked (SECRET_ITEM (item)))
    {
      g_set_error_literal (error, SL_KEYRING_ERROR, SL_KEYRING_ERROR_LOCKED,
                           _("The keyring is locked. Unlock it, then try again."));
      return NULL;
    }

  if (SECRET_IS_ITEM (item))
    value = secret_item_get_secret (SECRET_ITEM (item));
  else
    value = secret_retrievable_retrieve_secret_sync (item, NULL, NULL);
  text = value != NULL ? secret_value_get_text (value) : NULL;
  if (text == NULL)
    {
      set_invalid_item (error, slot);
      return NULL;
    }

  credentials = sl_credentials_from_json (text, NULL);
  if (credentials == NULL)
    {
      set_invalid_item (error, slot);
      return NULL;
    }

  g_debug ("Loaded the keyring item of slot %s", slot);
  return g_steal_pointer (&credentials);
}

/* Locked items are unlocked, which may show a prompt, and their secrets are
 * loaded in the same call. */
#define SEARCH_FLAGS (SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS)

static void
on_load_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GList *items;
  SlCredentials *credentials;
  const char *slot = g_task_get_task_data (task);

  if (uses_backend_api ())
    items = secret_password_search_finish (result, &error);
  else
    items = secret_service_search_finish (NULL, result, &error);
  if (error != NULL)
    {
      map_error (&error, g_task_get_cancellable (task),
                 _("Could not read the connection from the keyring: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  credentials = credentials_from_items (slot, items, &error);
  g_list_free_full (items, g_object_unref);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, credentials, (GDestroyNotify) sl_credentials_free);
}

void
sl_keyring_load_async (const char          *slot,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (slot != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, &load_tag);
  g_task_set_task_data (task, g_strdup (slot), g_free);

  attributes = slot_attributes (slot);
  g_debug ("Loading the keyring item of slot %s", slot);
  if (uses_backend_api ())
    secret_password_searchv (sl_keyring_get_schema (), attributes, SEARCH_FLAGS,
                             cancellable, on_load_done, g_steal_pointer (&task));
  else
    secret_service_search (NULL, sl_keyring_get_schema (), attributes, SEARCH_FLAGS,
                           cancellable, on_load_done, g_steal_pointer (&task));
}

SlCredentials *
sl_keyring_load_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == &load_tag,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

SlCredentials *
sl_keyring_load_sync (const char    *slot,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;
  SlCredentials *credentials;
  GList *items;

  g_return_val_if_fail (slot != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  attributes = slot_attributes (slot);
  if (uses_backend_api ())
    items = secret_password_searchv_sync (sl_keyring_get_schema (), attributes,
                                          SEARCH_FLAGS, cancellable, &local_error);
  else
    items = secret_service_search_sync (NULL, sl_keyring_get_schema (), attributes,
                                        SEARCH_FLAGS, cancellable, &local_error);
  if (local_error != NULL)
    {
      map_error (&local_error, cancellable,
                 _("Could not read the connection from the keyring: "));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  credentials = credentials_from_items (slot, items, error);
  g_list_free_full (items, g_object_unref);
  return credentials;
}

static void
on_delete_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  gboolean cleared = uses_backend_api ()
                     ? secret_password_clear_finish (result, &error)
                     : secret_service_clear_finish (NULL, result, &error);

  /* FALSE without an error means there was no item, which is success. */
  if (!cleared && error != NULL)
    {
      map_error (&error, g_task_get_cancellable (task),
                 _("Could not delete the connection from the keyring: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Deleted the keyring item of slot %s", (char *) g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
}

void
sl_keyring_delete_async (const char          *slot,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (slot != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, &delete_tag);
  g_task_set_task_data (task, g_strdup (slot), g_free);

  attributes = slot_attributes (slot);
  g_debug ("Deleting the keyring item of slot %s", slot);
  if (uses_backend_api ())
    secret_password_clearv (sl_keyring_get_schema (), attributes, cancellable,
                            on_delete_done, g_steal_pointer (&task));
  else
    secret_service_clear (NULL, sl_keyring_get_schema (), attributes, cancellable,
                          on_delete_done, g_steal_pointer (&task));
}

gboolean
sl_keyring_delete_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == &delete_tag,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
