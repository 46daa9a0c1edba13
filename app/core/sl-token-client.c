/* sl-token-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sl-json.h"
#include "sl-oauth-error.h"
#include "sl-token-client.h"

#define USER_AGENT "SupportLogicConnect/" PACKAGE_VERSION
/* Maximum number of characters of an `error_description` shown to the user. */
#define MAX_DESCRIPTION_CHARS 300

typedef enum
{
  REQUEST_TOKEN,
  REQUEST_USERINFO,
  REQUEST_REVOKE,
} RequestKind;

/* Task data of one request. For userinfo, @credentials is the copy that
 * receives the identity fields. */
typedef struct
{
  RequestKind kind;
  SoupMessage *message;
  SlCredentials *credentials;
} RequestData;

struct _SlTokenClient
{
  GObject parent_instance;

  SlOAuthConfig *config;
  SoupSession *session;
};

G_DEFINE_FINAL_TYPE (SlTokenClient, sl_token_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONFIG,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Source tags of the tasks. ISO C forbids converting a function pointer to
 * the gpointer that g_task_set_source_tag() takes, so these are variables. */
static const char exchange_code_tag;
static const char refresh_tag;
static const char fetch_identity_tag;
static const char revoke_tag;

/* Replaces *@field with a copy of @value, like g_set_str() of GLib 2.76. */
static void
replace_string (char       **field,
                const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

static void
request_data_free (RequestData *data)
{
  g_clear_object (&data->message);
  g_clear_pointer (&data->credentials, sl_credentials_free);
  g_free (data);
}

/* Response helpers */

/* Returns the root object of a JSON @body, or NULL when the body is empty,
 * HTML or anything but a JSON object. */
static JsonObject *
parse_json_object (const char *content_type,
                   GBytes     *body)
{
  g_autoptr(JsonNode) root = sl_json_parse_body (content_type, body);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

static void
set_unexpected_response (GError **error,
                         guint    status)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf (_("Unexpected response from Salesforce (HTTP %u). Try again "
                               "later, and check the login host if the problem persists."),
                             status);
  sl_oauth_set_error (error, SL_OAUTH_ERROR_UNEXPECTED_RESPONSE, NULL, message);
}

static SlOAuthError
error_from_server_code (const char *server_code)
{
  if (g_str_equal (server_code, "invalid_grant"))
    return SL_OAUTH_ERROR_INVALID_GRANT;
  if (g_str_equal (server_code, "invalid_client_id")
      || g_str_equal (server_code, "invalid_client"))
    return SL_OAUTH_ERROR_INVALID_CLIENT;
  if (g_str_equal (server_code, "redirect_uri_mismatch"))
    return SL_OAUTH_ERROR_REDIRECT_URI_REJECTED;
  if (g_str_equal (server_code, "invalid_request"))
    return SL_OAUTH_ERROR_INVALID_REQUEST;
  if (g_str_equal (server_code, "unsupported_grant_type"))
    return SL_OAUTH_ERROR_UNSUPPORTED_GRANT_TYPE;

  return SL_OAUTH_ERROR_SERVER;
}

static char *
format_server_error (SlOAuthError  code,
                     const char   *server_code,
                     const char   *description,
                     guint         status)
{
  switch (code)
    {
    case SL_OAUTH_ERROR_INVALID_GRANT:
      return g_strdup_printf (_("Salesforce rejected the authorization (%s). Sign in again."),
                              description);
    case SL_OAUTH_ERROR_INVALID_CLIENT:
      return g_strdup_printf (_("Salesforce does not accept the client ID (%s). Check the "
                                "client ID in Preferences."), description);
    case SL_OAUTH_ERROR_REDIRECT_URI_REJECTED:
      return g_strdup_printf (_("Salesforce rejected the callback URL (%s). The connected "
                                "app’s callback URL must be %s."),
                              description, SL_OAUTH_REDIRECT_URI);
    case SL_OAUTH_ERROR_INVALID_REQUEST:
      return g_strdup_printf (_("Salesforce rejected the request as invalid (%s). Sign in "
                                "again."), description);
    case SL_OAUTH_ERROR_UNSUPPORTED_GRANT_TYPE:
      return g_strdup_printf (_("Salesforce does not allow this sign-in method (%s). Check "
                                "the OAuth settings of the connected app."), description);
    default:
      break;
    }

  if (server_code == NULL)
    return g_strdup_printf (_("Salesforce failed to handle the request (HTTP %u). Try again "
                              "later."), status);

  return g_strdup_printf (_("Salesforce returned the error “%s” (HTTP %u): %s"),
                          server_code, status, description);
}

/* Sets the error for a JSON @object in a response other than 200. HTTP 5xx
 * is always SL_OAUTH_ERROR_SERVER, whatever the `error` member contains. */
static void
set_error_from_json (JsonObject  *object,
                     guint        status,
                     GError     **error)
{
  const char *raw_code = sl_json_get_nonempty_string (object, "error");
  g_autofree char *server_code = NULL;
  g_autofree char *description = NULL;
  g_autofree char *message = NULL;
  SlOAuthError code = SL_OAUTH_ERROR_SERVER;

  if (raw_code == NULL && status < 500)
    {
      set_unexpected_response (error, status);
      return;
    }

  server_code = sl_oauth_sanitize_server_text (raw_code, MAX_DESCRIPTION_CHARS);
  description = sl_oauth_sanitize_server_text (sl_json_get_string (object,
                                                                  "error_description"),
                                               MAX_DESCRIPTION_CHARS);
  if (description == NULL || description[0] == '\0')
    replace_string (&description, server_code);

  if (status < 500 && sl_oauth_is_not_approved_code (raw_code))
    {
      sl_oauth_set_not_approved (error, raw_code, description);
      return;
    }

  if (status < 500)
    code = error_from_server_code (server_code);

  message = format_server_error (code, server_code, description, status);
  sl_oauth_set_error (error, code, raw_code, message);
}

/* Sets the error for a response other than 200, whether its body is JSON or not. */
static void
set_error_from_response (guint        status,
                         JsonObject  *object,
                         GError     **error)
{
  if (object == NULL)
    set_unexpected_response (error, status);
  else
    set_error_from_json (object, status, error);
}

/* Token response */

static gint64
read_issued_at (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "issued_at");
  const char *text;
  gint64 value = 0;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;

  /* Salesforce sends milliseconds as a string, but a JSON number is accepted too. */
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return MAX (json_node_get_int (node), 0);

  text = sl_json_get_string (object, "issued_at");
  if (text == NULL || !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &value, NULL))
    {
      g_debug ("Ignoring a token response whose issued_at is not a number");
      return 0;
    }

  return value;
}

/* The bearer token is sent to the instance, so it must be https (or http
 * on a loopback host, for the local stand-in), like a login host. */
static char *
check_instance_url (const char  *instance_url,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *message = NULL;

  normalized = sl_oauth_normalize_login_host (instance_url, &local_error);
  if (normalized != NULL)
    return g_steal_pointer (&normalized);

  quoted = sl_oauth_sanitize_server_text (instance_url, MAX_DESCRIPTION_CHARS);
  message = g_strdup_printf (_("Salesforce returned an instance URL that is not a secure "
                               "https:// address (“%s”), so the sign-in was stopped."),
                             quoted);
  sl_oauth_set_error (error, SL_OAUTH_ERROR_UNEXPECTED_RESPONSE, NULL, message);
  return NULL;
}

static SlCredentials *
read_token_fields (JsonObject  *object,
                   guint        status,
                   GError     **error)
{
  g_autoptr(SlCredentials) credentials = NULL;
  const char *access_token = sl_json_get_nonempty_string (object, "access_token");
  const char *instance_url = sl_json_get_nonempty_string (object, "instance_url");
  g_autofree char *normalized_instance = NULL;

  if (access_token == NULL || instance_url == NULL)
    {
      g_debug ("Token response lacks access_token or instance_url");
      set_unexpected_response (error, status);
      return NULL;
    }

  normalized_instance = check_instance_url (instance_url, error);
  if (normalized_instance == NULL)
    return NULL;

  credentials = sl_credentials_new ();
  credentials->access_token = g_strdup (access_token);
  credentials->refresh_token = g_strdup (sl_json_get_nonempty_string (object,
                                                                     "refresh_token"));
  credentials->instance_url = g_steal_pointer (&normalized_instance);
  credentials->id_url = g_strdup (sl_json_get_nonempty_string (object, "id"));
  credentials->scope = g_strdup (sl_json_get_string (object, "scope"));
  credentials->issued_at_ms = read_issued_at (object);

  return g_steal_pointer (&credentials);
}

SlCredentials *
sl_token_client_parse_token_response (guint         status,
                                      const char   *content_type,
                                      GBytes       *body,
                                      GError      **error)
{
  g_autoptr(JsonObject) object = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = parse_json_object (content_type, body);

  if (status != SOUP_STATUS_OK)
    {
      set_error_from_response (status, object, error);
      return NULL;
    }

  if (object == NULL)
    {
      set_unexpected_response (error, status);
      return NULL;
    }

  return read_token_fields (object, status, error);
}

/* Userinfo response */

static gboolean
is_bad_token_body (GBytes *body)
{
  g_autofree char *text = NULL;
  gsize size = 0;
  const char *data;

  if (body == NULL)
    return FALSE;

  data = g_bytes_get_data (body, &size);
  if (data == NULL || size == 0)
    return FALSE;

  text = g_strndup (data, size);

  return g_str_equal (g_strstrip (text), "Bad_OAuth_Token");
}

static void
set_bad_token (GError     **error,
               const char  *server_code)
{
  sl_oauth_set_error (error, SL_OAUTH_ERROR_BAD_TOKEN, server_code,
                      _("Salesforce no longer accepts the access token of this "
                        "connection. Reconnect to Salesforce."));
}

static gboolean
read_identity_fields (JsonObject     *object,
                      guint           status,
                      SlCredentials  *credentials,
                      GError        **error)
{
  const char *user_id = sl_json_get_nonempty_string (object, "user_id");
  const char *org_id = sl_json_get_nonempty_string (object, "organization_id");
  const char *username = sl_json_get_nonempty_string (object, "preferred_username");

  if (user_id == NULL || org_id == NULL || username == NULL)
    {
      g_debug ("Userinfo response lacks user_id, organization_id or preferred_username");
      set_unexpected_response (error, status);
      return FALSE;
    }

  replace_string (&credentials->user_id, user_id);
  replace_string (&credentials->org_id, org_id);
  replace_string (&credentials->username, username);
  replace_string (&credentials->email, sl_json_get_nonempty_string (object, "email"));
  replace_string (&credentials->display_name, sl_json_get_nonempty_string (object, "name"));

  return TRUE;
}

gboolean
sl_token_client_parse_userinfo (guint           status,
                                const char     *content_type,
                                GBytes         *body,
                                SlCredentials  *credentials,
                                GError        **error)
{
  g_autoptr(JsonObject) object = NULL;

  g_return_val_if_fail (credentials != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      set_bad_token (error, NULL);
      return FALSE;
    }

  if (status == SOUP_STATUS_FORBIDDEN && is_bad_token_body (body))
    {
      set_bad_token (error, "Bad_OAuth_Token");
      return FALSE;
    }

  object = parse_json_object (content_type, body);

  if (status != SOUP_STATUS_OK)
    {
      set_error_from_response (status, object, error);
      return FALSE;
    }

  if (object == NULL)
    {
      set_unexpected_response (error, status);
      return FALSE;
    }

  return read_identity_fields (object, status, credentials, error);
}

static gboolean
parse_revoke_response (guint        status,
                       const char  *content_type,
                       GBytes      *body,
                       GError     **error)
{
  g_autoptr(JsonObject) object = NULL;

  if (status == SOUP_STATUS_OK)
    return TRUE;

  object = parse_json_object (content_type, body);
  set_error_from_response (status, object, error);

  return FALSE;
}

/* Transport */

GError *
sl_token_client_map_transport_error (const GError *error)
{
  g_autofree char *message = NULL;
  GError *mapped = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || error->domain == SL_OAUTH_ERROR)
    return g_error_copy (error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      sl_oauth_set_error (&mapped, SL_OAUTH_ERROR_TIMED_OUT, NULL,
                          _("Salesforce did not respond in time. Check your network "
                            "connection and try again."));
      return mapped;
    }

  if (error->domain == G_TLS_ERROR)
    message = g_strdup_printf (_("Could not set up a secure connection to Salesforce: %s. "
                                 "Check the login host and your network."), error->message);
  else
    message = g_strdup_printf (_("Could not connect to Salesforce: %s. Check your network "
                                 "connection and proxy settings."), error->message);

  sl_oauth_set_error (&mapped, SL_OAUTH_ERROR_NETWORK, NULL, message);
  return mapped;
}

/* Overwrites a response body that may contain tokens, unless another
 * reference to it still exists, and then frees it. */
static void
wipe_bytes (GBytes *bytes)
{
  gsize size = 0;
  guint8 *data;

  if (bytes == NULL)
    return;

  data = g_bytes_unref_to_data (bytes, &size);
  if (data != NULL)
    explicit_bzero (data, size);
  g_free (data);
}

static void
parse_response (GTask       *task,
                RequestData *data,
                guint        status,
                GBytes      *body)
{
  SlTokenClient *self = g_task_get_source_object (task);
  SoupMessageHeaders *headers = soup_message_get_response_headers (data->message);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(SlCredentials) credentials = NULL;
  GError *error = NULL;

  switch (data->kind)
    {
    case REQUEST_TOKEN:
      credentials = sl_token_client_parse_token_response (status, content_type, body,
                                                          &error);
      if (credentials != NULL)
        replace_string (&credentials->login_host,
                        sl_oauth_config_get_login_host (self->config));
      break;

    case REQUEST_USERINFO:
      if (sl_token_client_parse_userinfo (status, content_type, body,
                                          data->credentials, &error))
        credentials = g_steal_pointer (&data->credentials);
      break;

    case REQUEST_REVOKE:
      if (parse_revoke_response (status, content_type, body, &error))
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
      break;

    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&credentials),
                           (GDestroyNotify) sl_credentials_free);
}

static void
on_response_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestData *data = g_task_get_task_data (task);
  GUri *uri = soup_message_get_uri (data->message);
  const char *method = soup_message_get_method (data->message);
  g_autoptr(GError) error = NULL;
  GBytes *body;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_debug ("%s %s failed: %s", method, g_uri_get_path (uri), error->message);
      g_task_return_error (task, sl_token_client_map_transport_error (error));
      return;
    }

  status = soup_message_get_status (data->message);
  g_debug ("%s %s: HTTP %u", method, g_uri_get_path (uri), status);

  parse_response (task, data, status, body);
  wipe_bytes (body);
}

static void
send_request (SlTokenClient *self,
              GTask         *task)
{
  RequestData *data = g_task_get_task_data (task);

  /* A redirect would resend a code or token to wherever it points. */
  soup_message_add_flags (data->message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (data->message),
                                "Accept", "application/json");

  soup_session_send_and_read_async (self->session, data->message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), on_response_read,
                                    g_object_ref (task));
}

static void
free_form (gpointer form)
{
  sl_secure_free (form);
}

/* Creates a POST of @form (which the message takes and wipes when done) to
 * @path on the login host. */
static SoupMessage *
new_form_message (SlTokenClient *self,
                  const char    *path,
                  char          *form)
{
  g_autofree char *url = sl_oauth_config_build_url (self->config, path);
  g_autoptr(GBytes) body = g_bytes_new_with_free_func (form, strlen (form), free_form, form);
  SoupMessage *message = soup_message_new (SOUP_METHOD_POST, url);

  g_assert (message != NULL);
  soup_message_set_request_body_from_bytes (message, SOUP_FORM_MIME_TYPE_URLENCODED, body);

  return message;
}

static GTask *
new_request_task (SlTokenClient       *self,
                  RequestKind          kind,
                  SoupMessage         *message,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  RequestData *data = g_new0 (RequestData, 1);

  data->kind = kind;
  data->message = message;
  g_task_set_task_data (task, data, (GDestroyNotify) request_data_free);

  return task;
}

/* GObject */

static void
sl_token_client_constructed (GObject *object)
{
  SlTokenClient *self = (SlTokenClient *)object;

  G_OBJECT_CLASS (sl_token_client_parent_class)->constructed (object);

  g_assert (SL_IS_OAUTH_CONFIG (self->config));

  /* libsoup 3 uses the default GProxyResolver, so the system proxy
   * settings apply without further set-up. */
  self->session = soup_session_new_with_options ("user-agent", USER_AGENT, NULL);
  g_object_bind_property (self->config, "timeout", self->session, "timeout",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->config, "timeout", self->session, "idle-timeout",
                          G_BINDING_SYNC_CREATE);
}

static void
sl_token_client_dispose (GObject *object)
{
  SlTokenClient *self = (SlTokenClient *)object;

  if (self->session != NULL)
    soup_session_abort (self->session);

  g_clear_object (&self->session);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (sl_token_client_parent_class)->dispose (object);
}

static void
sl_token_client_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SlTokenClient *self = SL_TOKEN_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;

    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_token_client_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SlTokenClient *self = SL_TOKEN_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_token_client_class_init (SlTokenClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sl_token_client_constructed;
  object_class->dispose = sl_token_client_dispose;
  object_class->get_property = sl_token_client_get_property;
  object_class->set_property = sl_token_client_set_property;

  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, SL_TYPE_OAUTH_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, SOUP_TYPE_SESSION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sl_token_client_init (SlTokenClient *self)
{
}

SlTokenClient *
sl_token_client_new (SlOAuthConfig *config)
{
  g_return_val_if_fail (SL_IS_OAUTH_CONFIG (config), NULL);

  return g_object_new (SL_TYPE_TOKEN_CLIENT, "config", config, NULL);
}

SlOAuthConfig *
sl_token_client_get_config (SlTokenClient *self)
{
  g_return_val_if_fail (SL_IS_TOKEN_CLIENT (self), NULL);

  return self->config;
}

SoupSession *
sl_token_client_get_session (SlTokenClient *self)
{
  g_return_val_if_fail (SL_IS_TOKEN_CLIENT (self), NULL);

  return self->session;
}

/* POSTs the form-encoded @form (taken, and wiped after sending) to the
 * token endpoint as a task tagged @source_tag, whose result is the parsed
 * token response. */
static void
post_token_form (SlTokenClient       *self,
                 char                *form,
                 gconstpointer        source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  SoupMessage *message = new_form_message (self, "/services/oauth2/token", form);
  g_autoptr(GTask) task = NULL;

  task = new_request_task (self, REQUEST_TOKEN, message, cancellable, callback, user_data);
  g_task_set_source_tag (task, (gpointer) source_tag);
  send_request (self, task);
}

void
sl_token_client_exchange_code_async (SlTokenClient       *self,
                                     const char          *code,
                                     const char          *code_verifier,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  char *form;

  g_return_if_fail (SL_IS_TOKEN_CLIENT (self));
  g_return_if_fail (code != NULL && code[0] != '\0');
  g_return_if_fail (code_verifier != NULL && code_verifier[0] != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  form = soup_form_encode ("grant_type", "authorization_code",
                           "code", code,
                           "client_id", sl_oauth_config_get_client_id (self->config),
                           "redirect_uri", sl_oauth_config_get_redirect_uri (self->config),
                           "code_verifier", code_verifier,
                           NULL);
  post_token_form (self, form, &exchange_code_tag, cancellable, callback, user_data);
}

SlCredentials *
sl_token_client_exchange_code_finish (SlTokenClient  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (SL_IS_TOKEN_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sl_token_client_refresh_async (SlTokenClient       *self,
                               const char          *refresh_token,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  char *form;

  g_return_if_fail (SL_IS_TOKEN_CLIENT (self));
  g_return_if_fail (refresh_token != NULL && refresh_token[0] != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  form = soup_form_encode ("grant_type", "refresh_token",
                           "refresh_token", refresh_token,
                           "client_id", sl_oauth_config_get_client_id (self->config),
                           NULL);
  post_token_form (self, form, &refresh_tag, cancellable, callback, user_data);
}

SlCredentials *
sl_token_client_refresh_finish (SlTokenClient  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (SL_IS_TOKEN_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sl_token_client_fetch_identity_async (SlTokenClient       *self,
                                      const SlCredentials *credentials,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *instance = NULL;
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;
  SoupMessage *message;
  RequestData *data;

  g_return_if_fail (SL_IS_TOKEN_CLIENT (self));
  g_return_if_fail (credentials != NULL && credentials->access_token != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  instance = check_instance_url (credentials->instance_url, &error);
  if (instance == NULL)
    {
      g_task_report_error (self, callback, user_data, (gpointer) &fetch_identity_tag,
                           g_steal_pointer (&error));
      return;
    }

  url = g_strconcat (instance, "/services/oauth2/userinfo", NULL);
  message = soup_message_new (SOUP_METHOD_GET, url);
  authorization = g_strconcat ("Bearer ", credentials->access_token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Authorization", authorization);
  explicit_bzero (authorization, strlen (authorization));

  task = new_request_task (self, REQUEST_USERINFO, message, cancellable, callback, user_data);
  g_task_set_source_tag (task, (gpointer) &fetch_identity_tag);
  data = g_task_get_task_data (task);
  data->credentials = sl_credentials_copy (credentials);
  send_request (self, task);
}

SlCredentials *
sl_token_client_fetch_identity_finish (SlTokenClient  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  g_return_val_if_fail (SL_IS_TOKEN_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sl_token_client_revoke_async (SlTokenClient       *self,
                              const char          *token,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SoupMessage *message;

  g_return_if_fail (SL_IS_TOKEN_CLIENT (self));
  g_return_if_fail (token != NULL && token[0] != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  message = new_form_message (self, "/services/oauth2/revoke",
                              soup_form_encode ("token", token, NULL));

  task = new_request_task (self, REQUEST_REVOKE, message, cancellable, callback, user_data);
  g_task_set_source_tag (task, (gpointer) &revoke_tag);
  send_request (self, task);
}

gboolean
sl_token_client_revoke_finish (SlTokenClient  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (SL_IS_TOKEN_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
