/* sl-stand-in-fixture.c: loads the org, its connected apps and its users
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sl-stand-in.h"

G_DEFINE_QUARK (stand-in-error-quark, stand_in_error)

static void
client_free (StandInClient *client)
{
  g_free (client->client_id);
  g_free (client->name);
  g_clear_pointer (&client->redirect_uris, g_ptr_array_unref);
  g_free (client);
}

static void
user_free (StandInUser *user)
{
  g_free (user->user_id);
  g_free (user->username);
  g_free (user->password);
  g_free (user->email);
  g_free (user->name);
  g_free (user);
}

void
stand_in_fixture_free (StandInFixture *fixture)
{
  if (fixture == NULL)
    return;

  g_free (fixture->org_id);
  g_free (fixture->org_name);
  g_clear_pointer (&fixture->clients, g_ptr_array_unref);
  g_clear_pointer (&fixture->users, g_ptr_array_unref);
  stand_in_fixture_free_records (fixture);
  g_free (fixture);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StandInFixture, stand_in_fixture_free)

/* Returns a copy of the non-empty string @member of @object.  @where names
 * the object in the error message. */
char *
stand_in_fixture_dup_string (JsonObject  *object,
                             const char  *member,
                             const char  *where,
                             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING
      || *json_node_get_string (node) == '\0')
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                   "%s: \"%s\" is missing or not a non-empty string", where, member);
      return NULL;
    }

  return json_node_dup_string (node);
}

/* Reads the optional boolean @member, which is @fallback when absent. */
gboolean
stand_in_fixture_read_boolean (JsonObject  *object,
                               const char  *member,
                               gboolean     fallback,
                               const char  *where,
                               gboolean    *value,
                               GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    {
      *value = fallback;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                   "%s: \"%s\" must be true or false", where, member);
      return FALSE;
    }

  *value = json_node_get_boolean (node);
  return TRUE;
}

/* Checks that @id looks like an 18-character Salesforce ID with the key
 * prefix of its object type (00D for organizations, 005 for users). */
gboolean
stand_in_fixture_check_id (const char  *id,
                           const char  *prefix,
                           const char  *where,
                           GError     **error)
{
  gboolean valid = strlen (id) == 18 && g_str_has_prefix (id, prefix);

  for (const char *c = id; valid && *c != '\0'; c++)
    valid = g_ascii_isalnum (*c);

  if (!valid)
    g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                 "%s: \"%s\" is not an 18-character ID starting with %s", where, id, prefix);

  return valid;
}

static JsonArray *
get_array (JsonObject  *object,
           const char  *member,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_node_get_array (node) == NULL
      || json_array_get_length (json_node_get_array (node)) == 0)
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                   "\"%s\" is missing or not a non-empty array", member);
      return NULL;
    }

  return json_node_get_array (node);
}

JsonObject *
stand_in_fixture_get_object (JsonArray   *array,
                             guint        index,
                             const char  *where,
                             GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                   "%s: must be an object", where);
      return NULL;
    }

  return json_node_get_object (node);
}

static GPtrArray *
parse_redirect_uris (JsonObject  *object,
                     const char  *where,
                     GError     **error)
{
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *uris_where = g_strdup_printf ("%s.redirect_uris", where);
  JsonArray *array = get_array (object, "redirect_uris", error);

  if (array == NULL)
    {
      g_prefix_error (error, "%s: ", where);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                       "%s[%u]: must be a string", uris_where, i);
          return NULL;
        }
      g_ptr_array_add (uris, json_node_dup_string (node));
    }

  return g_steal_pointer (&uris);
}

static StandInClient *
parse_client (JsonObject  *object,
              const char  *where,
              GError     **error)
{
  g_autoptr(GPtrArray) uris = NULL;
  g_autofree char *client_id = stand_in_fixture_dup_string (object, "client_id", where, error);
  g_autofree char *name = NULL;
  gboolean require_pkce = TRUE, community = FALSE;
  StandInClient *client;

  if (client_id == NULL
      || (uris = parse_redirect_uris (object, where, error)) == NULL
      || !stand_in_fixture_read_boolean (object, "require_pkce", TRUE, where, &require_pkce, error)
      || !stand_in_fixture_read_boolean (object, "community", FALSE, where, &community, error))
    return NULL;

  /* The optional "name" is the app name shown on the consent page. */
  if (!json_object_has_member (object, "name"))
    name = g_strdup (client_id);
  else if ((name = stand_in_fixture_dup_string (object, "name", where, error)) == NULL)
    return NULL;

  client = g_new0 (StandInClient, 1);
  client->client_id = g_steal_pointer (&client_id);
  client->name = g_steal_pointer (&name);
  client->redirect_uris = g_steal_pointer (&uris);
  client->require_pkce = require_pkce;
  client->community = community;

  return client;
}

static StandInUser *
parse_user (JsonObject  *object,
            const char  *where,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GError **e = &local_error;
  StandInUser *user = g_new0 (StandInUser, 1);

  if ((user->user_id = stand_in_fixture_dup_string (object, "user_id", where, e)) == NULL
      || !stand_in_fixture_check_id (user->user_id, "005", where, e)
      || (user->username = stand_in_fixture_dup_string (object, "username", where, e)) == NULL
      || (user->password = stand_in_fixture_dup_string (object, "password", where, e)) == NULL
      || (user->email = stand_in_fixture_dup_string (object, "email", where, e)) == NULL
      || (user->name = stand_in_fixture_dup_string (object, "name", where, e)) == NULL
      || !stand_in_fixture_read_boolean (object, "active", TRUE, where, &user->active, e)
      || !stand_in_fixture_read_boolean (object, "can_edit_cases", TRUE, where,
                                         &user->can_edit_cases, e)
      || !stand_in_fixture_read_boolean (object, "api_enabled", TRUE, where,
                                         &user->api_enabled, e)
      || !stand_in_fixture_read_boolean (object, "app_approved", TRUE, where,
                                         &user->app_approved, e))
    {
      user_free (user);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return user;
}

static gboolean
parse_clients (StandInFixture  *fixture,
               JsonObject      *root,
               GError         **error)
{
  JsonArray *array = get_array (root, "clients", error);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("clients[%u]", i);
      JsonObject *object = stand_in_fixture_get_object (array, i, where, error);
      StandInClient *client;

      if (object == NULL || (client = parse_client (object, where, error)) == NULL)
        return FALSE;

      g_ptr_array_add (fixture->clients, client);
      if (stand_in_fixture_find_client (fixture, client->client_id) != client)
        {
          g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                       "%s: client_id \"%s\" appears twice", where, client->client_id);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
parse_users (StandInFixture  *fixture,
             JsonObject      *root,
             GError         **error)
{
  JsonArray *array = get_array (root, "users", error);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("users[%u]", i);
      JsonObject *object = stand_in_fixture_get_object (array, i, where, error);
      StandInUser *user;

      if (object == NULL || (user = parse_user (object, where, error)) == NULL)
        return FALSE;

      g_ptr_array_add (fixture->users, user);
      if (stand_in_fixture_find_user (fixture, user->username) != user)
        {
          g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                       "%s: username \"%s\" appears twice", where, user->username);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
parse_org (StandInFixture  *fixture,
           JsonObject      *root,
           GError         **error)
{
  JsonNode *node = json_object_get_member (root, "org");
  JsonObject *org;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                   "\"org\" is missing or not an object");
      return FALSE;
    }

  org = json_node_get_object (node);
  fixture->org_id = stand_in_fixture_dup_string (org, "id", "org", error);
  if (fixture->org_id == NULL || !stand_in_fixture_check_id (fixture->org_id, "00D", "org", error))
    return FALSE;

  fixture->org_name = stand_in_fixture_dup_string (org, "name", "org", error);
  return fixture->org_name != NULL;
}

/* Loads the fixture at @path.  Members this version does not know are
 * ignored.  The error names the file and the offending member. */
StandInFixture *
stand_in_fixture_load (const char  *path,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(StandInFixture) fixture = g_new0 (StandInFixture, 1);
  JsonNode *root;

  fixture->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  fixture->users = g_ptr_array_new_with_free_func ((GDestroyNotify) user_free);

  /* json-glib's parse errors already start with the file name. */
  if (!json_parser_load_from_file (parser, path, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                   "%s: the top level must be a JSON object", path);
      return NULL;
    }

  if (!parse_org (fixture, json_node_get_object (root), error)
      || !parse_clients (fixture, json_node_get_object (root), error)
      || !parse_users (fixture, json_node_get_object (root), error)
      || !stand_in_fixture_load_records (fixture, json_node_get_object (root), error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  return g_steal_pointer (&fixture);
}

const StandInClient *
stand_in_fixture_find_client (const StandInFixture *fixture,
                              const char           *client_id)
{
  for (guint i = 0; client_id != NULL && i < fixture->clients->len; i++)
    {
      const StandInClient *client = g_ptr_array_index (fixture->clients, i);

      if (g_str_equal (client->client_id, client_id))
        return client;
    }

  return NULL;
}

const StandInUser *
stand_in_fixture_find_user (const StandInFixture *fixture,
                            const char           *username)
{
  for (guint i = 0; username != NULL && i < fixture->users->len; i++)
    {
      const StandInUser *user = g_ptr_array_index (fixture->users, i);

      /* Salesforce usernames are case-insensitive. */
      if (g_ascii_strcasecmp (user->username, username) == 0)
        return user;
    }

  return NULL;
}

const StandInUser *
stand_in_fixture_find_user_by_id (const StandInFixture *fixture,
                                  const char           *user_id)
{
  for (guint i = 0; user_id != NULL && i < fixture->users->len; i++)
    {
      const StandInUser *user = g_ptr_array_index (fixture->users, i);

      if (g_str_equal (user->user_id, user_id))
        return user;
    }

  return NULL;
}

gboolean
stand_in_client_has_redirect_uri (const StandInClient *client,
                                  const char          *redirect_uri)
{
  for (guint i = 0; redirect_uri != NULL && i < client->redirect_uris->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (client->redirect_uris, i), redirect_uri))
        return TRUE;
    }

  return FALSE;
}
