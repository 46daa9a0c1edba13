/* sl-stand-in-rest.c: the REST API under /services/data/vNN.N/ for
 * case writeback: query, CaseComment create, Case update, describe, limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sl-stand-in.h"

#define REST_PREFIX "/services/data/"

StandInRestError *
stand_in_rest_error_new_no_fields (guint       status,
                                   const char *error_code,
                                   const char *message)
{
  StandInRestError *error = g_new0 (StandInRestError, 1);

  error->status = status;
  error->error_code = g_strdup (error_code);
  error->message = g_strdup (message);

  return error;
}

/* Returns an error whose "fields" lists the NULL-terminated field names,
 * an empty array when @first_field is NULL. */
StandInRestError *
stand_in_rest_error_new (guint       status,
                         const char *error_code,
                         const char *message,
                         const char *first_field,
                         ...)
{
  StandInRestError *error = stand_in_rest_error_new_no_fields (status, error_code, message);
  va_list args;

  error->fields = g_ptr_array_new_with_free_func (g_free);
  va_start (args, first_field);
  for (const char *field = first_field; field != NULL; field = va_arg (args, const char *))
    g_ptr_array_add (error->fields, g_strdup (field));
  va_end (args);

  return error;
}

void
stand_in_rest_error_free (StandInRestError *error)
{
  if (error == NULL)
    return;

  g_free (error->error_code);
  g_free (error->message);
  g_clear_pointer (&error->fields, g_ptr_array_unref);
  g_free (error);
}

/* Sends @error as Salesforce's one-element error array. */
static void
respond_error (StandIn           *self,
               SoupServerMessage *msg,
               StandInRestError  *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_debug ("REST error %u %s", error->status, error->error_code);
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error->message);
  json_builder_set_member_name (builder, "errorCode");
  json_builder_add_string_value (builder, error->error_code);
  if (error->fields != NULL)
    {
      json_builder_set_member_name (builder, "fields");
      json_builder_begin_array (builder);
      for (guint i = 0; i < error->fields->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (error->fields, i));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  stand_in_respond_json (self, msg, error->status, builder);
}

/* Sends @error and frees it. */
static void
respond_and_free_error (StandIn           *self,
                        SoupServerMessage *msg,
                        StandInRestError  *error)
{
  respond_error (self, msg, error);
  stand_in_rest_error_free (error);
}

/* Splits a REST path into its version ("v62.0") and the resource path
 * after it ("sobjects/Case/500...").  Returns FALSE when the path has no
 * version of the form v<digits>.<digit>. */
static gboolean
split_rest_path (const char  *path,
                 char       **version,
                 char       **resource)
{
  g_autoptr(GRegex) regex = g_regex_new ("^" REST_PREFIX "(v[0-9]+\\.[0-9])/(.*)$",
                                         G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (!g_regex_match (regex, path, G_REGEX_MATCH_DEFAULT, &match))
    return FALSE;

  *version = g_match_info_fetch (match, 1);
  *resource = g_match_info_fetch (match, 2);
  return TRUE;
}

static const char *
classify_resource (const char *method,
                   const char *resource)
{
  g_auto(GStrv) parts = g_strsplit (resource, "/", -1);
  guint n_parts = g_strv_length (parts);
  gboolean is_get = g_str_equal (method, SOUP_METHOD_GET);

  if (is_get && (g_str_equal (resource, "query") || g_str_equal (resource, "query/")))
    return "query";
  if (is_get && g_str_equal (resource, "limits"))
    return "limits";
  if (n_parts < 2 || !g_str_equal (parts[0], "sobjects"))
    return "other";

  if (n_parts == 2 && g_str_equal (parts[1], "CaseComment")
      && g_str_equal (method, SOUP_METHOD_POST))
    return "comment-create";
  if (n_parts == 3 && g_str_equal (parts[1], "Case") && *parts[2] != '\0'
      && g_str_equal (method, "PATCH"))
    return "case-update";
  if (n_parts == 3 && g_str_equal (parts[2], "describe") && is_get)
    return "describe";

  return "other";
}

/* Names the endpoint of a REST request: "query", "comment-create",
 * "case-update", "describe", "limits" or, for anything else, "other". */
static const char *
classify_rest_request (SoupServerMessage *msg)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  g_autofree char *version = NULL;
  g_autofree char *resource = NULL;

  if (!split_rest_path (path, &version, &resource))
    return "other";

  return classify_resource (soup_server_message_get_method (msg), resource);
}

static StandInRestError *
not_found (void)
{
  return stand_in_rest_error_new_no_fields (SOUP_STATUS_NOT_FOUND, "NOT_FOUND",
                                            "The requested resource does not exist");
}

/* Returns the session of the request's access token, or sends 401
 * INVALID_SESSION_ID, as Salesforce does for a missing, bad, expired or
 * revoked token, and returns NULL. */
static StandInSession *
authenticate (StandIn           *self,
              SoupServerMessage *msg)
{
  StandInSession *session =
    stand_in_lookup_access_token (self, stand_in_get_bearer_token (msg));

  if (session == NULL)
    respond_and_free_error (self, msg, stand_in_rest_error_new_no_fields (
                                SOUP_STATUS_UNAUTHORIZED, "INVALID_SESSION_ID",
                                "Session expired or invalid"));

  return session;
}

/* Counts the request against the daily API limit, or sends 403
 * REQUEST_LIMIT_EXCEEDED when none are left and returns FALSE. */
static gboolean
count_api_request (StandIn           *self,
                   SoupServerMessage *msg)
{
  if (self->api_requests >= self->fixture->api_limit)
    {
      respond_and_free_error (self, msg, stand_in_rest_error_new_no_fields (
                                  SOUP_STATUS_FORBIDDEN, "REQUEST_LIMIT_EXCEEDED",
                                  "TotalRequests Limit exceeded."));
      return FALSE;
    }

  self->api_requests++;
  return TRUE;
}

/* Adds the "attributes" object every sObject in a REST response has. */
static void
add_attributes (JsonBuilder *builder,
                const char  *version,
                const char  *type,
                const char  *id)
{
  g_autofree char *url = g_strdup_printf (REST_PREFIX "%s/sobjects/%s/%s", version, type, id);

  json_builder_set_member_name (builder, "attributes");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_end_object (builder);
}

/* Adds the relationship @name of @record ("Owner") as a nested object
 * holding every selected field that starts with "@name.". */
static void
add_relationship (StandIn            *self,
                  JsonBuilder        *builder,
                  const StandInQuery *query,
                  JsonObject         *record,
                  const char         *name,
                  const char         *version)
{
  g_autofree char *prefix = g_strconcat (name, ".", NULL);
  g_autofree char *id_path = g_strconcat (name, ".Id", NULL);
  g_autoptr(JsonNode) id = stand_in_query_get_value (self, query->object, record, id_path);
  const char *type = NULL;

  for (guint i = 0; i < query->object->n_fields; i++)
    {
      if (g_strcmp0 (query->object->fields[i].relationship, name) == 0)
        type = query->object->fields[i].reference_to;
    }

  json_builder_set_member_name (builder, name);
  if (JSON_NODE_HOLDS_NULL (id))
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  add_attributes (builder, version, type, json_node_get_string (id));
  for (guint i = 0; i < query->fields->len; i++)
    {
      const char *path = g_ptr_array_index (query->fields, i);

      if (!g_str_has_prefix (path, prefix))
        continue;
      json_builder_set_member_name (builder, path + strlen (prefix));
      json_builder_add_value (builder,
                              stand_in_query_get_value (self, query->object, record, path));
    }
  json_builder_end_object (builder);
}

static void
add_query_record (StandIn            *self,
                  JsonBuilder        *builder,
                  const StandInQuery *query,
                  JsonObject         *record,
                  const char         *version)
{
  g_autoptr(GPtrArray) relationships = g_ptr_array_new_with_free_func (g_free);

  json_builder_begin_object (builder);
  add_attributes (builder, version, query->object->name,
                  json_object_get_string_member (record, "Id"));
  for (guint i = 0; i < query->fields->len; i++)
    {
      const char *path = g_ptr_array_index (query->fields, i);
      const char *dot = strchr (path, '.');
      g_autofree char *relationship = dot != NULL ? g_strndup (path, dot - path) : NULL;

      if (relationship == NULL)
        {
          json_builder_set_member_name (builder, path);
          json_builder_add_value (builder,
                                  stand_in_query_get_value (self, query->object, record, path));
        }
      else if (!g_ptr_array_find_with_equal_func (relationships, relationship, g_str_equal,
                                                  NULL))
        {
          add_relationship (self, builder, query, record, relationship, version);
          g_ptr_array_add (relationships, g_steal_pointer (&relationship));
        }
    }
  json_builder_end_object (builder);
}

static void
handle_query (StandIn           *self,
              SoupServerMessage *msg,
              GHashTable        *params,
              const char        *version)
{
  const char *soql = g_hash_table_lookup (params, "q");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(StandInQuery) query = NULL;
  g_autoptr(GPtrArray) records = NULL;
  StandInRestError *error = NULL;

  if (soql == NULL || *soql == '\0')
    error = stand_in_rest_error_new_no_fields (SOUP_STATUS_BAD_REQUEST, "MALFORMED_QUERY",
                                               "A query string has to be specified");
  else
    query = stand_in_query_parse (soql, &error);
  if (error != NULL)
    {
      respond_and_free_error (self, msg, error);
      return;
    }

  records = stand_in_query_run (self, query);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "totalSize");
  json_builder_add_int_value (builder, records->len);
  json_builder_set_member_name (builder, "done");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "records");
  json_builder_begin_array (builder);
  for (guint i = 0; i < records->len; i++)
    add_query_record (self, builder, query, g_ptr_array_index (records, i), version);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  stand_in_respond_json (self, msg, SOUP_STATUS_OK, builder);
}

/* Returns the JSON object of the request body, or NULL with @error set to
 * JSON_PARSER_ERROR. */
static JsonObject *
read_body_object (SoupServerMessage  *msg,
                  StandInRestError  **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) node = stand_in_read_json (msg, &parse_error);

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return json_object_ref (json_node_get_object (node));

  *error = stand_in_rest_error_new_no_fields (
    SOUP_STATUS_BAD_REQUEST, "JSON_PARSER_ERROR",
    parse_error != NULL ? parse_error->message : "The request body must be a JSON object");
  return NULL;
}

/* Checks that every member of @body is a field of @object that may be
 * written (created or updated, after @creating) and that its value has
 * the field's JSON type. */
static StandInRestError *
check_writable_fields (const StandInObject *object,
                       JsonObject          *body,
                       gboolean             creating)
{
  g_autoptr(GList) members = json_object_get_members (body);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const StandInField *field = stand_in_object_find_field (object, l->data);
      JsonNode *value = json_object_get_member (body, l->data);
      g_autofree char *message = NULL;
      GType expected;

      if (field == NULL)
        {
          message = g_strdup_printf ("No such column '%s' on sobject of type %s",
                                     (char *) l->data, object->name);
          return stand_in_rest_error_new_no_fields (SOUP_STATUS_BAD_REQUEST, "INVALID_FIELD",
                                                    message);
        }

      if (creating ? !field->createable : !field->updateable)
        {
          message = g_strdup_printf ("Unable to create/update fields: %s. Please check the "
                                     "security settings of this field and verify that it is "
                                     "read/write for your profile or permission set.",
                                     field->name);
          return stand_in_rest_error_new (SOUP_STATUS_BAD_REQUEST,
                                          "INVALID_FIELD_FOR_INSERT_UPDATE", message,
                                          field->name, NULL);
        }

      expected = field->type == STAND_IN_FIELD_BOOLEAN ? G_TYPE_BOOLEAN : G_TYPE_STRING;
      if (!JSON_NODE_HOLDS_NULL (value)
          && (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != expected))
        {
          message = g_strdup_printf ("Cannot deserialize the value of %s: expected a %s",
                                     field->name, g_type_name (expected));
          return stand_in_rest_error_new_no_fields (SOUP_STATUS_BAD_REQUEST,
                                                    "JSON_PARSER_ERROR", message);
        }
    }

  return NULL;
}

/* Returns the member @name of @body, matched case-insensitively as
 * Salesforce matches field names, or NULL. */
static JsonNode *
find_field (JsonObject *body,
            const char *name)
{
  g_autoptr(GList) members = json_object_get_members (body);

  for (GList *l = members; l != NULL; l = l->next)
    {
      if (g_ascii_strcasecmp (l->data, name) == 0)
        return json_object_get_member (body, l->data);
    }

  return NULL;
}

static gboolean
has_field (JsonObject *body,
           const char *name)
{
  return find_field (body, name) != NULL;
}

/* Returns the string field @name of @body, or NULL when it is absent or
 * null.  check_writable_fields() has checked the type. */
static const char *
get_field_string (JsonObject *body,
                  const char *name)
{
  JsonNode *value = find_field (body, name);

  return value != NULL && !JSON_NODE_HOLDS_NULL (value) ? json_node_get_string (value) : NULL;
}

static StandInRestError *
check_required_comment_fields (const char *parent_id,
                               const char *comment_body)
{
  gboolean no_parent = parent_id == NULL || *parent_id == '\0';
  gboolean no_body = comment_body == NULL || *comment_body == '\0';

  if (no_parent && no_body)
    return stand_in_rest_error_new (SOUP_STATUS_BAD_REQUEST, "REQUIRED_FIELD_MISSING",
                                    "Required fields are missing: [ParentId, CommentBody]",
                                    "ParentId", "CommentBody", NULL);
  if (no_parent || no_body)
    {
      const char *field = no_parent ? "ParentId" : "CommentBody";
      g_autofree char *message = g_strdup_printf ("Required fields are missing: [%s]", field);

      return stand_in_rest_error_new (SOUP_STATUS_BAD_REQUEST, "REQUIRED_FIELD_MISSING",
                                      message, field, NULL);
    }

  return NULL;
}

/* Checks a CaseComment before it is created and returns the first error.
 * NOTE: The order of the checks is a guess, because Salesforce does not
 * document which error it reports when several apply. */
static StandInRestError *
check_new_comment (StandIn           *self,
                   const StandInUser *user,
                   JsonObject        *body)
{
  const StandInObject *object = stand_in_find_object ("CaseComment");
  const char *parent_id = get_field_string (body, "ParentId");
  const char *comment_body = get_field_string (body, "CommentBody");
  StandInRestError *error;

  if ((error = check_writable_fields (object, body, TRUE)) != NULL
      || (error = check_required_comment_fields (parent_id, comment_body)) != NULL)
    return error;

  if (g_utf8_strlen (comment_body, -1) > 4000)
    return stand_in_rest_error_new (SOUP_STATUS_BAD_REQUEST, "STRING_TOO_LONG",
                                    "Body: data value too large (max length=4000)",
                                    "CommentBody", NULL);
  if (stand_in_fixture_find_case (self->fixture, parent_id) == NULL)
    return stand_in_rest_error_new (SOUP_STATUS_BAD_REQUEST, "INVALID_CROSS_REFERENCE_KEY",
                                    "invalid cross reference id", NULL);
  if (!user->can_edit_cases)
    return stand_in_rest_error_new (SOUP_STATUS_BAD_REQUEST, "INSUFFICIENT_ACCESS_OR_READONLY",
                                    "insufficient access rights on cross-reference id", NULL);

  return NULL;
}

static void
respond_created (StandIn           *self,
                 SoupServerMessage *msg,
                 const char        *id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "errors");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  stand_in_respond_json (self, msg, SOUP_STATUS_CREATED, builder);
}

/* Creates a CaseComment as the token's user.  IsPublished defaults to
 * false, as on Salesforce. */
static void
handle_comment_create (StandIn           *self,
                       SoupServerMessage *msg,
                       StandInSession    *session)
{
  StandInRestError *error = NULL;
  g_autoptr(JsonObject) body = read_body_object (msg, &error);
  StandInComment *comment;
  JsonNode *published = NULL;

  if (body != NULL)
    error = check_new_comment (self, session->user, body);
  if (error != NULL)
    {
      respond_and_free_error (self, msg, error);
      return;
    }

  published = find_field (body, "IsPublished");
  comment = stand_in_add_comment (self, get_field_string (body, "ParentId"),
                                  get_field_string (body, "CommentBody"),
                                  published != NULL && !JSON_NODE_HOLDS_NULL (published)
                                  && json_node_get_boolean (published),
                                  session->user->user_id);
  g_debug ("Created CaseComment %s on %s", comment->id, comment->parent_id);
  respond_created (self, msg, comment->id);
}

/* Checks the new OwnerId of a case: an active user of the fixture. */
static StandInRestError *
check_owner (StandIn    *self,
             const char *owner_id)
{
  const StandInUser *owner = stand_in_fixture_find_user_by_id (self->fixture, owner_id);

  if (owner == NULL)
    return stand_in_rest_error_new (SOUP_STATUS_BAD_REQUEST, "INVALID_CROSS_REFERENCE_KEY",
                                    "Owner ID: invalid cross reference id", "OwnerId", NULL);
  if (!owner->active)
    return stand_in_rest_error_new (SOUP_STATUS_BAD_REQUEST, "INACTIVE_OWNER_OR_USER",
                                    "operation performed with inactive user as owner", NULL);

  return NULL;
}

static StandInRestError *
check_validation_rules (StandIn    *self,
                        JsonObject *body)
{
  const char * const fields[] = { "Subject", "Status", "OwnerId" };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const StandInValidationRule *rule =
        stand_in_fixture_find_violated_rule (self->fixture, "Case", fields[i],
                                             get_field_string (body, fields[i]));

      if (rule != NULL)
        return stand_in_rest_error_new (SOUP_STATUS_BAD_REQUEST,
                                        "FIELD_CUSTOM_VALIDATION_EXCEPTION", rule->message,
                                        NULL);
    }

  return NULL;
}

/* Checks an update of a case in this order: fields, access, values, then
 * validation rules.  The order is a guess, as for comments. */
static StandInRestError *
check_case_update (StandIn           *self,
                   const StandInUser *user,
                   JsonObject        *body)
{
  const char *status = get_field_string (body, "Status");
  const char *subject = get_field_string (body, "Subject");
  StandInRestError *error;
  g_autofree char *message = NULL;

  if ((error = check_writable_fields (stand_in_find_object ("Case"), body, FALSE)) != NULL)
    return error;
  if (!user->can_edit_cases)
    return stand_in_rest_error_new (SOUP_STATUS_FORBIDDEN, "INSUFFICIENT_ACCESS_OR_READONLY",
                                    "insufficient access rights on object id", NULL);

  if (has_field (body, "Status") && !stand_in_fixture_has_status (self->fixture, status))
    {
      message = g_strdup_printf ("Status: bad value for restricted picklist field: %s",
                                 status != NULL ? status : "null");
      return stand_in_rest_error_new (SOUP_STATUS_BAD_REQUEST,
                                      "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", message,
                                      "Status", NULL);
    }
  if (has_field (body, "OwnerId")
      && (error = check_owner (self, get_field_string (body, "OwnerId"))) != NULL)
    return error;
  if (subject != NULL && g_utf8_strlen (subject, -1) > 255)
    return stand_in_rest_error_new (SOUP_STATUS_BAD_REQUEST, "STRING_TOO_LONG",
                                    "Subject: data value too large (max length=255)",
                                    "Subject", NULL);

  return check_validation_rules (self, body);
}

static void
replace_field (char       **field,
               const char  *value)
{
  if (value == NULL)
    return;

  g_free (*field);
  *field = g_strdup (value);
}

/* Updates Subject, Status and OwnerId of the case in the path and sends
 * 204 No Content. */
static void
handle_case_update (StandIn           *self,
                    SoupServerMessage *msg,
                    StandInSession    *session,
                    const char        *case_id)
{
  StandInCase *record = stand_in_fixture_find_case (self->fixture, case_id);
  StandInRestError *error = NULL;
  g_autoptr(JsonObject) body = NULL;

  if (record == NULL)
    error = not_found ();
  else if ((body = read_body_object (msg, &error)) != NULL)
    error = check_case_update (self, session->user, body);
  if (error != NULL)
    {
      respond_and_free_error (self, msg, error);
      return;
    }

  replace_field (&record->subject, get_field_string (body, "Subject"));
  replace_field (&record->status, get_field_string (body, "Status"));
  replace_field (&record->owner_id, get_field_string (body, "OwnerId"));
  g_debug ("Updated Case %s", record->id);
  stand_in_respond_no_content (self, msg);
}

static void
handle_describe (StandIn           *self,
                 SoupServerMessage *msg,
                 StandInSession    *session,
                 const char        *object_name)
{
  const StandInObject *object = stand_in_find_object (object_name);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (object == NULL)
    {
      respond_and_free_error (self, msg, not_found ());
      return;
    }

  stand_in_build_describe (self, builder, object, session->user->can_edit_cases);
  stand_in_respond_json (self, msg, SOUP_STATUS_OK, builder);
}

/* Sends the DailyApiRequests limit, with this request already counted. */
static void
handle_limits (StandIn           *self,
               SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "DailyApiRequests");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Max");
  json_builder_add_int_value (builder, self->fixture->api_limit);
  json_builder_set_member_name (builder, "Remaining");
  json_builder_add_int_value (builder, self->fixture->api_limit - self->api_requests);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  stand_in_respond_json (self, msg, SOUP_STATUS_OK, builder);
}

/* Authenticates every request under /services/data, counts it against the
 * API limit and passes it to the handler of its endpoint. */
static void
handle_rest (StandIn           *self,
             SoupServerMessage *msg,
             GHashTable        *params)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  const char *endpoint = classify_rest_request (msg);
  g_autofree char *version = NULL;
  g_autofree char *resource = NULL;
  g_auto(GStrv) parts = NULL;
  StandInSession *session = authenticate (self, msg);

  if (session == NULL || !count_api_request (self, msg))
    return;

  if (!session->user->api_enabled)
    {
      respond_and_free_error (self, msg, stand_in_rest_error_new_no_fields (
                                  SOUP_STATUS_FORBIDDEN, "API_DISABLED_FOR_ORG",
                                  "The REST API is not enabled for this Organization."));
      return;
    }

  if (!split_rest_path (path, &version, &resource))
    {
      respond_and_free_error (self, msg, not_found ());
      return;
    }

  parts = g_strsplit (resource, "/", -1);
  if (g_str_equal (endpoint, "query"))
    handle_query (self, msg, params, version);
  else if (g_str_equal (endpoint, "comment-create"))
    handle_comment_create (self, msg, session);
  else if (g_str_equal (endpoint, "case-update"))
    handle_case_update (self, msg, session, parts[2]);
  else if (g_str_equal (endpoint, "describe"))
    handle_describe (self, msg, session, parts[1]);
  else if (g_str_equal (endpoint, "limits"))
    handle_limits (self, msg);
  else
    respond_and_free_error (self, msg, not_found ());
}

void
stand_in_add_rest_routes (StandIn *self)
{
  stand_in_add_classified_route (self, "/services/data", classify_rest_request, handle_rest);
}
