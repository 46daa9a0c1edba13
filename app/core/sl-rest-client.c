/* sl-rest-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sl-json.h"
#include "sl-oauth-config.h"
#include "sl-oauth-error.h"
#include "sl-rest-client.h"

/* Maximum number of characters of a Salesforce `message` shown to the user. */
#define MAX_MESSAGE_CHARS 500
/* Number of own comments on a case that a retry compares with the new one. */
#define RETRY_QUERY_LIMIT 20
#define DEFAULT_API_VERSION "62.0"

/* Extended data of every SL_REST_ERROR, allocated and copied by GLib with
 * the GError, so the Salesforce `errorCode` and `fields` travel with it. */
typedef struct
{
  char *error_code;
  char **fields;
} SlRestErrorPrivate;

static void
sl_rest_error_private_init (SlRestErrorPrivate *priv)
{
  priv->error_code = NULL;
  priv->fields = NULL;
}

static void
sl_rest_error_private_copy (const SlRestErrorPrivate *src_priv,
                            SlRestErrorPrivate       *dest_priv)
{
  dest_priv->error_code = g_strdup (src_priv->error_code);
  dest_priv->fields = g_strdupv (src_priv->fields);
}

static void
sl_rest_error_private_clear (SlRestErrorPrivate *priv)
{
  g_clear_pointer (&priv->error_code, g_free);
  g_clear_pointer (&priv->fields, g_strfreev);
}

G_DEFINE_EXTENDED_ERROR (SlRestError, sl_rest_error)

/* Written out instead of G_DEFINE_BOXED_TYPE, whose GLib 2.74 expansion
 * fails -Wpedantic under -std=c11. */
GType
sl_case_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_boxed_type_register_static (g_intern_static_string ("SlCase"),
                                                 (GBoxedCopyFunc) sl_case_copy,
                                                 (GBoxedFreeFunc) sl_case_free);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

struct _SlRestClient
{
  GObject parent_instance;

  SoupSession *session;
  char *access_token;
  char *user_id;
  /* `{instance_url}/services/data/v{api_version}/`, or NULL when the
   * instance URL is not safe to send the token to. */
  char *base_url;
  char *instance_error;
  SlTokenRefresher *refresher;
};

G_DEFINE_FINAL_TYPE (SlRestClient, sl_rest_client, G_TYPE_OBJECT)

/* Source tags of the tasks. ISO C forbids converting a function pointer to
 * the gpointer that g_task_set_source_tag() takes, so these are variables. */
static const char call_tag;
static const char find_case_tag;
static const char post_comment_tag;
static const char update_case_tag;
static const char case_statuses_tag;
static const char access_tag;

/* Errors */

static void
set_rest_error (GError             **error,
                SlRestError          code,
                const char          *error_code,
                const char * const  *fields,
                const char          *message)
{
  GError *new_error;
  SlRestErrorPrivate *priv;

  if (error == NULL)
    return;

  new_error = g_error_new_literal (SL_REST_ERROR, code, message);
  priv = sl_rest_error_get_private (new_error);
  priv->error_code = g_strdup (error_code);
  priv->fields = g_strdupv ((char **) fields);

  g_propagate_error (error, new_error);
}

static SlRestErrorPrivate *
get_private_if_rest (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != SL_REST_ERROR)
    return NULL;

  return sl_rest_error_get_private (error);
}

const char *
sl_rest_error_get_error_code (const GError *error)
{
  SlRestErrorPrivate *priv = get_private_if_rest (error);

  return priv != NULL ? priv->error_code : NULL;
}

const char * const *
sl_rest_error_get_fields (const GError *error)
{
  SlRestErrorPrivate *priv = get_private_if_rest (error);

  return priv != NULL ? (const char * const *) priv->fields : NULL;
}

static void
set_unexpected_response (GError **error,
                         guint    status)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf (_("Unexpected response from Salesforce (HTTP %u). Try again "
                               "later."), status);
  set_rest_error (error, SL_REST_ERROR_UNEXPECTED_RESPONSE, NULL, NULL, message);
}

static void
set_case_not_found (GError     **error,
                    const char  *case_number)
{
  g_autofree char *quoted = sl_oauth_sanitize_server_text (case_number, 80);
  g_autofree char *message = NULL;

  message = g_strdup_printf (_("Case %s was not found."), quoted);
  set_rest_error (error, SL_REST_ERROR_NOT_FOUND, NULL, NULL, message);
}

/* Error responses */

static gboolean
is_validation_code (const char *error_code)
{
  static const char * const codes[] = {
    "FIELD_CUSTOM_VALIDATION_EXCEPTION",
    "REQUIRED_FIELD_MISSING",
    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
    "STRING_TOO_LONG",
    "INVALID_FIELD",
    "INVALID_FIELD_FOR_INSERT_UPDATE",
    "INVALID_TYPE_ON_FIELD_IN_RECORD",
    "FIELD_INTEGRITY_EXCEPTION",
    "FIELD_FILTER_VALIDATION_EXCEPTION",
    "INVALID_CROSS_REFERENCE_KEY",
    "MALFORMED_ID",
    "DUPLICATE_VALUE",
    "INVALID_EMAIL_ADDRESS",
    "NUMBER_OUTSIDE_VALID_RANGE",
    "JSON_PARSER_ERROR",
    NULL,
  };

  return g_strv_contains (codes, error_code);
}

static SlRestError
error_from_code (const char *error_code,
                 guint       status)
{
  if (g_str_equal (error_code, "INVALID_SESSION_ID"))
    return SL_REST_ERROR_SESSION_EXPIRED;
  if (g_str_equal (error_code, "REQUEST_LIMIT_EXCEEDED"))
    return SL_REST_ERROR_LIMIT_EXCEEDED;
  if (g_str_equal (error_code, "API_DISABLED_FOR_ORG")
      || g_str_equal (error_code, "API_CURRENTLY_DISABLED"))
    return SL_REST_ERROR_API_DISABLED;
  if (g_str_has_prefix (error_code, "INSUFFICIENT_ACCESS"))
    return SL_REST_ERROR_NO_ACCESS;
  if (g_str_equal (error_code, "NOT_FOUND") || g_str_equal (error_code, "ENTITY_IS_DELETED"))
    return SL_REST_ERROR_NOT_FOUND;
  if (is_validation_code (error_code))
    return SL_REST_ERROR_VALIDATION;

  if (status == SOUP_STATUS_UNAUTHORIZED)
    return SL_REST_ERROR_SESSION_EXPIRED;
  if (status == SOUP_STATUS_FORBIDDEN)
    return SL_REST_ERROR_NO_ACCESS;
  if (status == SOUP_STATUS_NOT_FOUND)
    return SL_REST_ERROR_NOT_FOUND;

  return SL_REST_ERROR_FAILED;
}

static char *
format_error_message (SlRestError  code,
                      const char  *error_code,
                      const char  *server_message,
                      guint        status)
{
  switch (code)
    {
    case SL_REST_ERROR_SESSION_EXPIRED:
      return g_strdup (_("Your Salesforce session has expired. Reconnect your account in "
                         "User Profile."));
    case SL_REST_ERROR_NO_ACCESS:
      return g_strdup (_("Your Salesforce user is not allowed to change this case. Ask "
                         "your Salesforce administrator for edit access."));
    case SL_REST_ERROR_NOT_FOUND:
      return g_strdup (_("Salesforce could not find the case. It may have been deleted "
                         "or merged."));
    case SL_REST_ERROR_LIMIT_EXCEEDED:
      return g_strdup (_("Your organization has used up its Salesforce API requests for "
                         "today. Try again later."));
    case SL_REST_ERROR_API_DISABLED:
      return g_strdup (_("API access is not enabled for this Salesforce user. Ask your "
                         "Salesforce administrator to turn on the “API Enabled” permission "
                         "for the user."));
    case SL_REST_ERROR_VALIDATION:
      if (server_message[0] != '\0')
        return g_strdup (server_message);
      return g_strdup_printf (_("Salesforce rejected the change (%s)."), error_code);
    default:
      break;
    }

  if (server_message[0] == '\0')
    return g_strdup_printf (_("Salesforce returned the error “%s” (HTTP %u)."),
                            error_code, status);

  return g_strdup_printf (_("Salesforce returned the error “%s” (HTTP %u): %s"),
                          error_code, status, server_message);
}

/* Returns the first object of an error array (or a lone error object) that
 * has a non-empty string `errorCode`, or NULL. */
static JsonObject *
find_error_object (JsonNode *root)
{
  JsonArray *array;
  guint length;

  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);

      return sl_json_get_nonempty_string (object, "errorCode") != NULL ? object : NULL;
    }

  if (!JSON_NODE_HOLDS_ARRAY (root))
    return NULL;

  array = json_node_get_array (root);
  length = json_array_get_length (array);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      object = json_node_get_object (element);
      if (sl_json_get_nonempty_string (object, "errorCode") != NULL)
        return object;
    }

  return NULL;
}

/* Returns the string elements of the `fields` array, or NULL when there are none. */
static char **
read_fields (JsonObject *object)
{
  JsonArray *array = sl_json_get_array (object, "fields");
  g_autoptr(GStrvBuilder) builder = NULL;
  guint length;
  guint count = 0;

  if (array == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  length = json_array_get_length (array);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *field = NULL;

      if (!JSON_NODE_HOLDS_VALUE (element)
          || json_node_get_value_type (element) != G_TYPE_STRING)
        continue;

      field = sl_oauth_sanitize_server_text (json_node_get_string (element),
                                             MAX_MESSAGE_CHARS);
      g_strv_builder_add (builder, field);
      count++;
    }

  return count > 0 ? g_strv_builder_end (builder) : NULL;
}

static void
set_error_from_object (JsonObject  *object,
                       guint        status,
                       GError     **error)
{
  g_autofree char *error_code = NULL;
  g_autofree char *server_message = NULL;
  g_autofree char *message = NULL;
  g_auto(GStrv) fields = NULL;
  SlRestError code;

  error_code = sl_oauth_sanitize_server_text (sl_json_get_string (object, "errorCode"),
                                              MAX_MESSAGE_CHARS);
  server_message = sl_oauth_sanitize_server_text (sl_json_get_string (object, "message"),
                                                  MAX_MESSAGE_CHARS);
  if (server_message == NULL)
    server_message = g_strdup ("");
  g_strstrip (server_message);
  fields = read_fields (object);

  code = error_from_code (error_code, status);
  message = format_error_message (code, error_code, server_message, status);
  set_rest_error (error, code, error_code, (const char * const *) fields, message);
}

void
sl_rest_parse_error (guint         status,
                     const char   *content_type,
                     GBytes       *body,
                     GError      **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object = NULL;

  g_return_if_fail (error == NULL || *error == NULL);

  root = sl_json_parse_body (content_type, body);
  if (root != NULL)
    object = find_error_object (root);

  if (object == NULL)
    {
      set_unexpected_response (error, status);
      return;
    }

  set_error_from_object (object, status, error);
}

/* Maps a transport error of libsoup or GIO to an SL_REST_ERROR with a
 * translated message. G_IO_ERROR_CANCELLED is passed on unchanged. */
static GError *
map_transport_error (const GError *error)
{
  GError *mapped = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      set_rest_error (&mapped, SL_REST_ERROR_TIMED_OUT, NULL, NULL,
                      _("Salesforce did not respond in time. The change may have been "
                        "saved, so check the case before you try again."));
      return mapped;
    }

  set_rest_error (&mapped, SL_REST_ERROR_OFFLINE, NULL, NULL,
                  _("Salesforce could not be reached. Check your network connection and "
                    "try again."));
  return mapped;
}

/* SOQL */

/* Appends @value to @soql as a quoted SOQL string literal, with a backslash
 * before each backslash and single quote. */
static void
append_soql_literal (GString    *soql,
                     const char *value)
{
  g_string_append_c (soql, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\':
        case '\'':
          g_string_append_c (soql, '\\');
          g_string_append_c (soql, *p);
          break;
        default:
          g_string_append_c (soql, *p);
        }
    }
  g_string_append_c (soql, '\'');
}

/* Salesforce record IDs are 15 or 18 ASCII letters and digits, which also
 * keeps an ID from changing the path of a request it is part of. */
static gboolean
is_record_id (const char *id)
{
  gsize length = strlen (id);

  if (length != 15 && length != 18)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;

  return TRUE;
}

/* Requests */

/* Task data of one REST call: the request, kept to repeat it after a
 * refresh, and the access token it was sent with. */
typedef struct
{
  SoupMessage *message;
  char *method;
  char *path;
  JsonNode *body;
  char *sent_token;
  gboolean refreshed;
} CallData;

static void
call_data_free (CallData *data)
{
  g_clear_object (&data->message);
  g_clear_pointer (&data->method, g_free);
  g_clear_pointer (&data->path, g_free);
  g_clear_pointer (&data->body, json_node_unref);
  g_clear_pointer (&data->sent_token, sl_secure_free);
  g_free (data);
}

/* Parses a response: 2xx bodies are returned as JSON (NULL for an empty
 * body), anything else becomes an error. */
static void
return_response (GTask  *task,
                 guint   status,
                 GBytes *body)
{
  CallData *data = g_task_get_task_data (task);
  SoupMessageHeaders *headers = soup_message_get_response_headers (data->message);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  GError *error = NULL;
  JsonNode *root;

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      sl_rest_parse_error (status, content_type, body, &error);
      g_task_return_error (task, error);
      return;
    }

  if (body == NULL || g_bytes_get_size (body) == 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  root = sl_json_parse_body (content_type, body);
  if (root == NULL)
    {
      set_unexpected_response (&error, status);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, root, (GDestroyNotify) json_node_unref);
}

static void refresh_and_resend (SlRestClient *self,
                                GTask        *task);

/* Returns TRUE for a 401 `INVALID_SESSION_ID` of a call that may renew its
 * session, which each call does once at most. */
static gboolean
needs_refresh (SlRestClient *self,
               GTask        *task,
               guint         status,
               GBytes       *body)
{
  CallData *data = g_task_get_task_data (task);
  SoupMessageHeaders *headers = soup_message_get_response_headers (data->message);
  g_autoptr(GError) error = NULL;

  if (status != SOUP_STATUS_UNAUTHORIZED || self->refresher == NULL || data->refreshed)
    return FALSE;

  sl_rest_parse_error (status, soup_message_headers_get_content_type (headers, NULL), body,
                       &error);

  return g_error_matches (error, SL_REST_ERROR, SL_REST_ERROR_SESSION_EXPIRED);
}

static void
on_call_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CallData *data = g_task_get_task_data (task);
  GUri *uri = soup_message_get_uri (data->message);
  const char *method = soup_message_get_method (data->message);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_debug ("%s %s failed: %s", method, g_uri_get_path (uri), error->message);
      g_task_return_error (task, map_transport_error (error));
      return;
    }

  status = soup_message_get_status (data->message);
  g_debug ("%s %s: HTTP %u", method, g_uri_get_path (uri), status);

  if (needs_refresh (g_task_get_source_object (task), task, status, body))
    refresh_and_resend (g_task_get_source_object (task), task);
  else
    return_response (task, status, body);
}

static SoupMessage *
new_message (SlRestClient *self,
             const char   *method,
             const char   *path,
             JsonNode     *body)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  g_autofree char *authorization = NULL;
  SoupMessage *message = soup_message_new (method, url);
  SoupMessageHeaders *headers;

  g_assert (message != NULL);
  headers = soup_message_get_request_headers (message);

  /* A redirect would resend the bearer token to wherever it points.
   * IDEMPOTENT lets POST and PATCH use an idle kept-alive connection, as GET
   * does, instead of opening one per writeback. It only affects connection
   * choice: libsoup resends a request after a dropped connection only for
   * methods that are idempotent by name, so a comment is never posted twice
   * behind the app's back. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_IDEMPOTENT);
  soup_message_headers_replace (headers, "Accept", "application/json");
  authorization = g_strconcat ("Bearer ", self->access_token, NULL);
  soup_message_headers_replace (headers, "Authorization", authorization);
  explicit_bzero (authorization, strlen (authorization));

  if (body != NULL)
    {
      g_autofree char *text = json_to_string (body, FALSE);
      gsize length = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), length);

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  return message;
}

/* Sends the request of @task with the current access token. */
static void
send_call (SlRestClient *self,
           GTask        *task)
{
  CallData *data = g_task_get_task_data (task);

  g_clear_object (&data->message);
  data->message = new_message (self, data->method, data->path, data->body);
  g_clear_pointer (&data->sent_token, sl_secure_free);
  data->sent_token = g_strdup (self->access_token);

  soup_session_send_and_read_async (self->session, data->message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), on_call_read,
                                    g_object_ref (task));
}

/* Returns the error of a call whose session could not be renewed. Network
 * and server failures become the REST error a caller may retry after;
 * `invalid_grant`, keyring errors and cancellation pass unchanged. */
static GError *
map_refresh_error (const GError *error)
{
  SlRestError code = SL_REST_ERROR_FAILED;
  GError *mapped = NULL;

  if (error->domain != SL_OAUTH_ERROR || sl_token_refresher_error_needs_reauth (error))
    return g_error_copy (error);

  if (error->code == SL_OAUTH_ERROR_NETWORK)
    code = SL_REST_ERROR_OFFLINE;
  else if (error->code == SL_OAUTH_ERROR_TIMED_OUT)
    code = SL_REST_ERROR_TIMED_OUT;
  else if (error->code == SL_OAUTH_ERROR_UNEXPECTED_RESPONSE)
    code = SL_REST_ERROR_UNEXPECTED_RESPONSE;

  set_rest_error (&mapped, code, sl_oauth_error_get_server_code (error), NULL,
                  error->message);
  return mapped;
}

static void
on_session_refreshed (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SlRestClient *self = g_task_get_source_object (task);
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = sl_token_refresher_refresh_finish (SL_TOKEN_REFRESHER (source), result,
                                                   &error);
  if (credentials == NULL)
    {
      g_debug ("Could not renew the session: %s", error->message);
      g_task_return_error (task, map_refresh_error (error));
      return;
    }

  /* NOTE: a changed instance URL is not applied here; clients created from
   * the keyring item afterwards use it. */
  g_clear_pointer (&self->access_token, sl_secure_free);
  self->access_token = g_strdup (credentials->access_token);
  send_call (self, task);
}

/* Renews the session of a call rejected with 401 and sends it once more.
 * A call that was sent with an older token than the client's current one
 * is simply repeated, because another call renewed the session already. */
static void
refresh_and_resend (SlRestClient *self,
                    GTask        *task)
{
  CallData *data = g_task_get_task_data (task);

  data->refreshed = TRUE;

  if (g_strcmp0 (data->sent_token, self->access_token) != 0)
    {
      send_call (self, task);
      return;
    }

  g_debug ("Session expired, renewing it before repeating %s %s", data->method,
           g_uri_get_path (soup_message_get_uri (data->message)));
  sl_token_refresher_refresh_async (self->refresher, data->sent_token,
                                    g_task_get_cancellable (task), on_session_refreshed,
                                    g_object_ref (task));
}

/* Sends @method to @path below the base URL, with @body as JSON when it is
 * not NULL. call_finish() returns the response's JSON. */
static void
call_async (SlRestClient        *self,
            const char          *method,
            const char          *path,
            JsonNode            *body,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  CallData *data;

  g_task_set_source_tag (task, (gpointer) &call_tag);

  if (self->base_url == NULL)
    {
      g_task_return_new_error (task, SL_REST_ERROR, SL_REST_ERROR_FAILED, "%s",
                               self->instance_error);
      return;
    }

  data = g_new0 (CallData, 1);
  data->method = g_strdup (method);
  data->path = g_strdup (path);
  data->body = body != NULL ? json_node_ref (body) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);

  send_call (self, task);
}

static JsonNode *
call_finish (SlRestClient  *self,
             GAsyncResult  *result,
             GError       **error)
{
  g_assert (g_task_is_valid (result, self));

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Runs a SOQL query; call_finish() returns the response's JSON. */
static void
query_async (SlRestClient        *self,
             const char          *soql,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autofree char *escaped = g_uri_escape_string (soql, NULL, FALSE);
  g_autofree char *path = g_strconcat ("query?q=", escaped, NULL);

  call_async (self, SOUP_METHOD_GET, path, NULL, cancellable, callback, user_data);
}

/* Returns the `records` of a query response, or NULL with an error. */
static JsonArray *
get_records (JsonNode  *root,
             GError   **error)
{
  JsonArray *records = NULL;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    records = sl_json_get_array (json_node_get_object (root), "records");

  if (records == NULL)
    set_unexpected_response (error, SOUP_STATUS_OK);

  return records;
}

/* SlCase */

SlCase *
sl_case_copy (const SlCase *self)
{
  SlCase *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (SlCase, 1);
  copy->id = g_strdup (self->id);
  copy->case_number = g_strdup (self->case_number);
  copy->subject = g_strdup (self->subject);
  copy->status = g_strdup (self->status);
  copy->owner_id = g_strdup (self->owner_id);
  copy->owner_name = g_strdup (self->owner_name);

  return copy;
}

void
sl_case_free (SlCase *self)
{
  if (self == NULL)
    return;

  g_free (self->id);
  g_free (self->case_number);
  g_free (self->subject);
  g_free (self->status);
  g_free (self->owner_id);
  g_free (self->owner_name);
  g_free (self);
}

static SlCase *
read_case (JsonObject *record)
{
  const char *id = sl_json_get_nonempty_string (record, "Id");
  JsonObject *owner = sl_json_get_object (record, "Owner");
  SlCase *result;

  if (id == NULL)
    return NULL;

  result = g_new0 (SlCase, 1);
  result->id = g_strdup (id);
  result->case_number = g_strdup (sl_json_get_string (record, "CaseNumber"));
  result->subject = g_strdup (sl_json_get_string (record, "Subject"));
  result->status = g_strdup (sl_json_get_string (record, "Status"));
  result->owner_id = g_strdup (sl_json_get_string (record, "OwnerId"));
  if (owner != NULL)
    result->owner_name = g_strdup (sl_json_get_string (owner, "Name"));

  return result;
}

/* GObject */

static void
sl_rest_client_finalize (GObject *object)
{
  SlRestClient *self = (SlRestClient *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->refresher);
  g_clear_pointer (&self->access_token, sl_secure_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->instance_error, g_free);

  G_OBJECT_CLASS (sl_rest_client_parent_class)->finalize (object);
}

static void
sl_rest_client_class_init (SlRestClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sl_rest_client_finalize;
}

static void
sl_rest_client_init (SlRestClient *self)
{
}

/* Accepts "NN.N" API versions only, because the version becomes part of
 * every request path. */
static gboolean
is_api_version (const char *api_version)
{
  g_auto(GStrv) parts = g_strsplit (api_version, ".", -1);

  if (g_strv_length (parts) != 2)
    return FALSE;

  for (guint i = 0; i < 2; i++)
    {
      if (parts[i][0] == '\0' || strspn (parts[i], "0123456789") != strlen (parts[i]))
        return FALSE;
    }

  return TRUE;
}

/* Sets the base URL, or the error message every call returns when the
 * instance URL is not https:// (or http:// on loopback for the stand-in),
 * because the bearer token must not travel in clear text. */
static void
set_base_url (SlRestClient *self,
              const char   *instance_url,
              const char   *api_version)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *quoted = NULL;

  normalized = sl_oauth_normalize_login_host (instance_url, &error);
  if (normalized != NULL)
    {
      self->base_url = g_strdup_printf ("%s/services/data/v%s/", normalized, api_version);
      return;
    }

  quoted = sl_oauth_sanitize_server_text (instance_url, MAX_MESSAGE_CHARS);
  g_warning ("Not using the Salesforce instance URL: %s", error->message);
  self->instance_error =
    g_strdup_printf (_("The Salesforce instance URL “%s” is not a secure https:// "
                       "address. Reconnect your account in User Profile."), quoted);
}

SlRestClient *
sl_rest_client_new (SoupSession         *session,
                    const SlCredentials *credentials,
                    const char          *api_version)
{
  SlRestClient *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (credentials != NULL, NULL);
  g_return_val_if_fail (credentials->access_token != NULL, NULL);
  g_return_val_if_fail (credentials->instance_url != NULL, NULL);
  g_return_val_if_fail (credentials->user_id != NULL, NULL);

  if (api_version == NULL || !is_api_version (api_version))
    {
      g_warning ("Invalid Salesforce API version, using %s", DEFAULT_API_VERSION);
      api_version = DEFAULT_API_VERSION;
    }

  self = g_object_new (SL_TYPE_REST_CLIENT, NULL);
  self->session = g_object_ref (session);
  self->access_token = g_strdup (credentials->access_token);
  self->user_id = g_strdup (credentials->user_id);
  set_base_url (self, credentials->instance_url, api_version);

  return self;
}

const char *
sl_rest_client_get_user_id (SlRestClient *self)
{
  g_return_val_if_fail (SL_IS_REST_CLIENT (self), NULL);

  return self->user_id;
}

void
sl_rest_client_set_refresher (SlRestClient     *self,
                              SlTokenRefresher *refresher)
{
  g_return_if_fail (SL_IS_REST_CLIENT (self));
  g_return_if_fail (refresher == NULL || SL_IS_TOKEN_REFRESHER (refresher));

  g_set_object (&self->refresher, refresher);
}

/* Find a case */

static void
on_find_case_queried (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  JsonArray *records;
  JsonNode *first;
  SlCase *found = NULL;

  root = call_finish (SL_REST_CLIENT (source), result, &error);
  records = error == NULL ? get_records (root, &error) : NULL;
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (json_array_get_length (records) == 0)
    {
      set_case_not_found (&error, g_task_get_task_data (task));
      g_task_return_error (task, error);
      return;
    }

  first = json_array_get_element (records, 0);
  if (JSON_NODE_HOLDS_OBJECT (first))
    found = read_case (json_node_get_object (first));

  if (found == NULL)
    {
      set_unexpected_response (&error, SOUP_STATUS_OK);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, found, (GDestroyNotify) sl_case_free);
}

void
sl_rest_client_find_case_async (SlRestClient        *self,
                                const char          *case_number,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) soql = NULL;
  char *trimmed;

  g_return_if_fail (SL_IS_REST_CLIENT (self));
  g_return_if_fail (case_number != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, (gpointer) &find_case_tag);
  trimmed = g_strstrip (g_strdup (case_number));
  g_task_set_task_data (task, trimmed, g_free);

  if (trimmed[0] == '\0')
    {
      g_task_return_new_error (task, SL_REST_ERROR, SL_REST_ERROR_VALIDATION, "%s",
                               _("Enter a case number."));
      return;
    }

  soql = g_string_new ("SELECT Id, CaseNumber, Subject, Status, OwnerId, Owner.Name "
                       "FROM Case WHERE CaseNumber = ");
  append_soql_literal (soql, trimmed);
  g_string_append (soql, " LIMIT 1");

  query_async (self, soql->str, cancellable, on_find_case_queried, g_object_ref (task));
}

SlCase *
sl_rest_client_find_case_finish (SlRestClient  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (SL_IS_REST_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Post a comment */

typedef struct
{
  char *case_id;
  char *body;
  gboolean is_published;
  guint retry_window_seconds;
} CommentData;

static void
comment_data_free (CommentData *data)
{
  g_free (data->case_id);
  g_free (data->body);
  g_free (data);
}

static void
on_comment_created (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  const char *id = NULL;

  root = call_finish (SL_REST_CLIENT (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    id = sl_json_get_nonempty_string (json_node_get_object (root), "id");

  if (id == NULL)
    {
      set_unexpected_response (&error, SOUP_STATUS_CREATED);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_strdup (id), g_free);
}

static void
create_comment (SlRestClient *self,
                GTask        *task)
{
  CommentData *data = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ParentId");
  json_builder_add_string_value (builder, data->case_id);
  json_builder_set_member_name (builder, "CommentBody");
  json_builder_add_string_value (builder, data->body);
  json_builder_set_member_name (builder, "IsPublished");
  json_builder_add_boolean_value (builder, data->is_published);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  call_async (self, SOUP_METHOD_POST, "sobjects/CaseComment", body,
              g_task_get_cancellable (task), on_comment_created, g_object_ref (task));
}

/* Parses Salesforce's `2026-12-04T10:00:00.000+0000` (and other ISO 8601
 * forms GLib accepts). */
static GDateTime *
parse_created_date (const char *text)
{
  if (text == NULL)
    return NULL;

  return g_date_time_new_from_iso8601 (text, NULL);
}

static gboolean
is_same_comment (JsonObject  *record,
                 CommentData *data,
                 GDateTime   *earliest)
{
  const char *body = sl_json_get_string (record, "CommentBody");
  g_autoptr(GDateTime) created = NULL;

  if (body == NULL || !g_str_equal (body, data->body))
    return FALSE;

  if (sl_json_get_boolean (record, "IsPublished", data->is_published) != data->is_published)
    return FALSE;

  created = parse_created_date (sl_json_get_string (record, "CreatedDate"));

  return created != NULL && g_date_time_compare (created, earliest) >= 0;
}

/* Returns the ID of the record in @records that is the comment of @data,
 * or NULL. */
static const char *
find_same_comment (JsonArray   *records,
                   CommentData *data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) earliest = NULL;
  guint length = json_array_get_length (records);

  /* NOTE: CreatedDate comes from Salesforce's clock and @now from ours, so a
   * local clock ahead by more than the window makes a retry post again. */
  earliest = g_date_time_add_seconds (now, -(gdouble) data->retry_window_seconds);

  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (records, i);
      JsonObject *record;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      record = json_node_get_object (element);
      if (is_same_comment (record, data, earliest))
        return sl_json_get_nonempty_string (record, "Id");
    }

  return NULL;
}

static void
on_own_comments_queried (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  JsonArray *records;
  const char *id;

  root = call_finish (SL_REST_CLIENT (source), result, &error);
  records = error == NULL ? get_records (root, &error) : NULL;
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  id = find_same_comment (records, g_task_get_task_data (task));
  if (id != NULL)
    {
      g_debug ("The comment of the first attempt exists, not posting it again");
      g_task_return_pointer (task, g_strdup (id), g_free);
      return;
    }

  create_comment (SL_REST_CLIENT (source), task);
}

/* Looks for the comments this user posted on the case most recently, since
 * SOQL cannot filter on a long text area such as CommentBody. */
static void
query_own_comments (SlRestClient *self,
                    GTask        *task)
{
  CommentData *data = g_task_get_task_data (task);
  g_autoptr(GString) soql = NULL;

  soql = g_string_new ("SELECT Id, CommentBody, IsPublished, CreatedById, CreatedDate "
                       "FROM CaseComment WHERE ParentId = ");
  append_soql_literal (soql, data->case_id);
  g_string_append (soql, " AND CreatedById = ");
  append_soql_literal (soql, self->user_id);
  g_string_append_printf (soql, " ORDER BY CreatedDate DESC LIMIT %d", RETRY_QUERY_LIMIT);

  query_async (self, soql->str, g_task_get_cancellable (task), on_own_comments_queried,
               g_object_ref (task));
}

void
sl_rest_client_post_comment_async (SlRestClient        *self,
                                   const char          *case_id,
                                   const char          *body,
                                   gboolean             is_published,
                                   gboolean             is_retry,
                                   guint                retry_window_seconds,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CommentData *data;

  g_return_if_fail (SL_IS_REST_CLIENT (self));
  g_return_if_fail (case_id != NULL);
  g_return_if_fail (body != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, (gpointer) &post_comment_tag);
  data = g_new0 (CommentData, 1);
  data->case_id = g_strdup (case_id);
  data->body = g_strdup (body);
  data->is_published = !!is_published;
  data->retry_window_seconds = retry_window_seconds;
  g_task_set_task_data (task, data, (GDestroyNotify) comment_data_free);

  if (!is_record_id (case_id))
    {
      g_task_return_new_error (task, SL_REST_ERROR, SL_REST_ERROR_NOT_FOUND, "%s",
                               _("Salesforce could not find the case. It may have been "
                                 "deleted or merged."));
      return;
    }

  if (is_retry)
    query_own_comments (self, task);
  else
    create_comment (self, task);
}

char *
sl_rest_client_post_comment_finish (SlRestClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (SL_IS_REST_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Update a case */

static void
on_case_updated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;

  root = call_finish (SL_REST_CLIENT (source), result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
sl_rest_client_update_case_async (SlRestClient        *self,
                                  const char          *case_id,
                                  JsonObject          *fields,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (SL_IS_REST_CLIENT (self));
  g_return_if_fail (case_id != NULL);
  g_return_if_fail (fields != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, (gpointer) &update_case_tag);

  if (!is_record_id (case_id))
    {
      g_task_return_new_error (task, SL_REST_ERROR, SL_REST_ERROR_NOT_FOUND, "%s",
                               _("Salesforce could not find the case. It may have been "
                                 "deleted or merged."));
      return;
    }

  body = json_node_init_object (json_node_alloc (), fields);
  path = g_strconcat ("sobjects/Case/", case_id, NULL);
  call_async (self, "PATCH", path, body, cancellable, on_case_updated, g_object_ref (task));
}

gboolean
sl_rest_client_update_case_finish (SlRestClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (SL_IS_REST_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Case statuses */

static JsonArray *
find_status_picklist (JsonNode *root)
{
  JsonArray *fields = NULL;
  guint length;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    fields = sl_json_get_array (json_node_get_object (root), "fields");
  if (fields == NULL)
    return NULL;

  length = json_array_get_length (fields);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (fields, i);
      JsonObject *field;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      field = json_node_get_object (element);
      if (g_strcmp0 (sl_json_get_string (field, "name"), "Status") == 0)
        return sl_json_get_array (field, "picklistValues");
    }

  return NULL;
}

/* Returns the active values of @picklist, or NULL when there are none. */
static char **
read_active_values (JsonArray *picklist)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint length = json_array_get_length (picklist);
  guint count = 0;

  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (picklist, i);
      JsonObject *entry;
      const char *value;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      entry = json_node_get_object (element);
      value = sl_json_get_nonempty_string (entry, "value");
      if (value == NULL || !sl_json_get_boolean (entry, "active", TRUE))
        continue;

      g_strv_builder_add (builder, value);
      count++;
    }

  return count > 0 ? g_strv_builder_end (builder) : NULL;
}

static void
on_case_described (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  JsonArray *picklist;
  char **values = NULL;

  root = call_finish (SL_REST_CLIENT (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  picklist = find_status_picklist (root);
  if (picklist != NULL)
    values = read_active_values (picklist);

  if (values == NULL)
    {
      set_unexpected_response (&error, SOUP_STATUS_OK);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, values, (GDestroyNotify) g_strfreev);
}

/* Starts a task tagged @tag for the caller's @callback and GETs the Case
 * description, whose response goes to @on_described with the task. */
static void
describe_case_async (SlRestClient        *self,
                     gconstpointer        tag,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data,
                     GAsyncReadyCallback  on_described)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, (gpointer) tag);
  call_async (self, SOUP_METHOD_GET, "sobjects/Case/describe", NULL, cancellable,
              on_described, g_object_ref (task));
}

void
sl_rest_client_get_case_statuses_async (SlRestClient        *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (SL_IS_REST_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  describe_case_async (self, &case_statuses_tag, cancellable, callback, user_data,
                       on_case_described);
}

char **
sl_rest_client_get_case_statuses_finish (SlRestClient  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (SL_IS_REST_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Access check */

static gboolean
read_access_flag (JsonNode   *root,
                  const char *member)
{
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;

  return sl_json_get_boolean (json_node_get_object (root), member, FALSE);
}

static void
on_comment_described (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  SlRestAccess access = GPOINTER_TO_UINT (g_task_get_task_data (task));
  GError *error = NULL;

  root = call_finish (SL_REST_CLIENT (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (read_access_flag (root, "createable"))
    access |= SL_REST_ACCESS_COMMENT_CREATE;
  g_task_return_int (task, access);
}

static void
on_case_access_described (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  SlRestClient *self = SL_REST_CLIENT (source);
  GError *error = NULL;

  root = call_finish (self, result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_set_task_data (task,
                        GUINT_TO_POINTER (read_access_flag (root, "updateable")
                                          ? SL_REST_ACCESS_CASE_UPDATE : SL_REST_ACCESS_NONE),
                        NULL);
  call_async (self, SOUP_METHOD_GET, "sobjects/CaseComment/describe", NULL,
              g_task_get_cancellable (task), on_comment_described, g_object_ref (task));
}

void
sl_rest_client_check_access_async (SlRestClient        *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (SL_IS_REST_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  describe_case_async (self, &access_tag, cancellable, callback, user_data,
                       on_case_access_described);
}

SlRestAccess
sl_rest_client_check_access_finish (SlRestClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  gssize access;

  g_return_val_if_fail (SL_IS_REST_CLIENT (self), SL_REST_ACCESS_NONE);
  g_return_val_if_fail (g_task_is_valid (result, self), SL_REST_ACCESS_NONE);

  access = g_task_propagate_int (G_TASK (result), error);

  return access < 0 ? SL_REST_ACCESS_NONE : (SlRestAccess) access;
}

char *
sl_rest_access_describe_missing (SlRestAccess access)
{
  gboolean can_update = (access & SL_REST_ACCESS_CASE_UPDATE) != 0;
  gboolean can_comment = (access & SL_REST_ACCESS_COMMENT_CREATE) != 0;

  if (can_update && can_comment)
    return NULL;
  if (!can_update && !can_comment)
    return g_strdup (_("This Salesforce user can neither update cases nor add case "
                       "comments, so writeback will fail. Ask your Salesforce administrator "
                       "for edit access to cases."));
  if (!can_update)
    return g_strdup (_("This Salesforce user cannot update cases, so status changes and "
                       "assignments will fail. Ask your Salesforce administrator for edit "
                       "access to cases."));

  return g_strdup (_("This Salesforce user cannot add case comments, so posting comments "
                     "will fail. Ask your Salesforce administrator for access to case "
                     "comments."));
}
