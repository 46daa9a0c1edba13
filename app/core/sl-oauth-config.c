/* sl-oauth-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sl-oauth-config.h"
#include "sl-oauth-error.h"

#define MAX_CLIENT_ID_BYTES 256
/* Maximum number of characters of a rejected value quoted in a message. */
#define MAX_QUOTED_CHARS 200

struct _SlOAuthConfig
{
  GObject parent_instance;

  char *login_host;
  char *client_id;
  char *scopes;
  guint timeout;
};

G_DEFINE_FINAL_TYPE (SlOAuthConfig, sl_oauth_config, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOGIN_HOST,
  PROP_CLIENT_ID,
  PROP_REDIRECT_URI,
  PROP_SCOPES,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_invalid_config (GError     **error,
                    const char  *message)
{
  sl_oauth_set_error (error, SL_OAUTH_ERROR_INVALID_CONFIG, NULL, message);
}

static gboolean
is_loopback_host (const char *host)
{
  return g_str_equal (host, "127.0.0.1")
         || g_str_equal (host, "::1")
         || g_ascii_strcasecmp (host, "localhost") == 0;
}

/* DNS limits from RFC 1035 section 2.3.4: 63 octets per label and 255 per
 * name on the wire, which leaves 253 characters in dotted text form. */
#define MAX_HOST_NAME_CHARS 253
#define MAX_HOST_LABEL_CHARS 63

/* Accepts a DNS name (letters, digits, '-' and '.', as GUri returns IDNs in
 * their ASCII form) within the DNS length limits, or an IP address literal. */
static gboolean
is_valid_host (const char *host)
{
  gsize label_length = 0;

  if (host == NULL || host[0] == '\0')
    return FALSE;

  /* An IPv6 zone ID ("%25eth0") comes back decoded as a bare "%", which
   * neither GUri nor libsoup parse again, and names a local interface that
   * no Salesforce host needs. */
  if (strchr (host, '%') != NULL)
    return FALSE;

  if (strchr (host, ':') != NULL)
    return g_hostname_is_ip_address (host);

  if (host[0] == '.' || host[0] == '-' || strlen (host) > MAX_HOST_NAME_CHARS)
    return FALSE;

  for (const char *p = host; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
        return FALSE;

      label_length = *p == '.' ? 0 : label_length + 1;
      if (label_length > MAX_HOST_LABEL_CHARS)
        return FALSE;
    }

  return TRUE;
}

/* Checks the parts of an already parsed URI. @quoted is the input as it
 * may appear in a message. */
static gboolean
check_login_host_uri (GUri        *uri,
                      const char  *quoted,
                      GError     **error)
{
  g_autofree char *message = NULL;
  const char *scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);
  const char *path = g_uri_get_path (uri);

  if (!g_str_equal (scheme, "https") && !g_str_equal (scheme, "http"))
    message = g_strdup_printf (_("The login host “%s” must be an https:// URL."), quoted);
  else if (!is_valid_host (host))
    message = g_strdup_printf (_("The login host “%s” does not contain a valid host name."),
                               quoted);
  else if (g_str_equal (scheme, "http") && !is_loopback_host (host))
    message = g_strdup_printf (_("The login host “%s” must use https://. Plain http:// is "
                                 "allowed only for 127.0.0.1, [::1] and localhost."), quoted);
  else if (g_uri_get_userinfo (uri) != NULL)
    message = g_strdup_printf (_("The login host “%s” must not contain a user name or "
                                 "password."), quoted);
  else if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    message = g_strdup_printf (_("The login host “%s” must not contain a query (“?”) or "
                                 "fragment (“#”)."), quoted);
  else if (!g_str_equal (path, "") && !g_str_equal (path, "/"))
    message = g_strdup_printf (_("The login host “%s” must not contain a path. Enter only "
                                 "the address, such as https://login.salesforce.com."), quoted);
  else if (g_uri_get_port (uri) == 0)
    message = g_strdup_printf (_("The login host “%s” has an invalid port."), quoted);

  if (message == NULL)
    return TRUE;

  set_invalid_config (error, message);
  return FALSE;
}

static char *
format_host_url (GUri *uri)
{
  g_autofree char *host = g_ascii_strdown (g_uri_get_host (uri), -1);
  g_autofree char *bracketed = NULL;
  int port = g_uri_get_port (uri);

  if (strchr (host, ':') != NULL)
    bracketed = g_strdup_printf ("[%s]", host);

  if (port < 0)
    return g_strdup_printf ("%s://%s", g_uri_get_scheme (uri),
                            bracketed != NULL ? bracketed : host);

  return g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (uri),
                          bracketed != NULL ? bracketed : host, port);
}

/* Returns @login_host as it may appear in a message: anything between
 * "//" and the last "@" before the path is user info, which can hold a
 * password, so it is replaced by "…". */
static char *
quote_without_user_info (const char *login_host)
{
  const char *authority = strstr (login_host, "//");
  const char *at = NULL;
  g_autofree char *redacted = NULL;

  if (authority != NULL)
    {
      authority += 2;
      for (const char *p = authority; *p != '\0' && *p != '/' && *p != '?' && *p != '#'; p++)
        {
          if (*p == '@')
            at = p;
        }
    }

  if (at == NULL)
    return sl_oauth_sanitize_server_text (login_host, MAX_QUOTED_CHARS);

  redacted = g_strdup_printf ("%.*s…%s", (int) (authority - login_host), login_host, at);

  return sl_oauth_sanitize_server_text (redacted, MAX_QUOTED_CHARS);
}

char *
sl_oauth_normalize_login_host (const char  *login_host,
                               GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *message = NULL;

  if (login_host == NULL || login_host[0] == '\0')
    {
      set_invalid_config (error, _("The login host is empty. Enter an address such as "
                                   "https://login.salesforce.com."));
      return NULL;
    }

  quoted = quote_without_user_info (login_host);
  uri = g_uri_parse (login_host, G_URI_FLAGS_NONE, &parse_error);
  if (uri == NULL)
    {
      message = g_strdup_printf (_("The login host “%s” is not a valid URL, such as "
                                   "https://login.salesforce.com."), quoted);
      set_invalid_config (error, message);
      return NULL;
    }

  if (!check_login_host_uri (uri, quoted, error))
    return NULL;

  return format_host_url (uri);
}

static gboolean
check_client_id (const char  *client_id,
                 GError     **error)
{
  g_autofree char *message = NULL;

  if (client_id == NULL || client_id[0] == '\0')
    {
      set_invalid_config (error, _("The client ID is empty. Enter the consumer key of the "
                                   "Salesforce connected app."));
      return FALSE;
    }

  if (strlen (client_id) > MAX_CLIENT_ID_BYTES)
    {
      message = g_strdup_printf (_("The client ID is longer than %d characters."),
                                 MAX_CLIENT_ID_BYTES);
      set_invalid_config (error, message);
      return FALSE;
    }

  for (const char *p = client_id; *p != '\0'; p++)
    {
      /* Printable ASCII without the space: 0x21 to 0x7e. */
      if (*p > 0x20 && *p < 0x7f)
        continue;

      g_autofree char *quoted = sl_oauth_sanitize_server_text (client_id, MAX_QUOTED_CHARS);
      message = g_strdup_printf (_("The client ID “%s” contains spaces or characters that are "
                                   "not printable ASCII."), quoted);
      set_invalid_config (error, message);
      return FALSE;
    }

  return TRUE;
}

static void
sl_oauth_config_finalize (GObject *object)
{
  SlOAuthConfig *self = (SlOAuthConfig *)object;

  g_clear_pointer (&self->login_host, g_free);
  g_clear_pointer (&self->client_id, g_free);
  g_clear_pointer (&self->scopes, g_free);

  G_OBJECT_CLASS (sl_oauth_config_parent_class)->finalize (object);
}

static void
sl_oauth_config_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SlOAuthConfig *self = SL_OAUTH_CONFIG (object);

  switch (prop_id)
    {
    case PROP_LOGIN_HOST:
      g_value_set_string (value, self->login_host);
      break;

    case PROP_CLIENT_ID:
      g_value_set_string (value, self->client_id);
      break;

    case PROP_REDIRECT_URI:
      g_value_set_string (value, SL_OAUTH_REDIRECT_URI);
      break;

    case PROP_SCOPES:
      g_value_set_string (value, self->scopes);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_oauth_config_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SlOAuthConfig *self = SL_OAUTH_CONFIG (object);

  switch (prop_id)
    {
    case PROP_LOGIN_HOST:
      self->login_host = g_value_dup_string (value);
      break;

    case PROP_CLIENT_ID:
      self->client_id = g_value_dup_string (value);
      break;

    case PROP_SCOPES:
      g_free (self->scopes);
      self->scopes = g_value_dup_string (value);
      if (self->scopes == NULL)
        self->scopes = g_strdup (SL_OAUTH_DEFAULT_SCOPES);
      break;

    case PROP_TIMEOUT:
      sl_oauth_config_set_timeout (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_oauth_config_class_init (SlOAuthConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sl_oauth_config_finalize;
  object_class->get_property = sl_oauth_config_get_property;
  object_class->set_property = sl_oauth_config_set_property;

  /* Already normalized by sl_oauth_normalize_login_host(). */
  properties[PROP_LOGIN_HOST] =
    g_param_spec_string ("login-host", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  properties[PROP_CLIENT_ID] =
    g_param_spec_string ("client-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  properties[PROP_REDIRECT_URI] =
    g_param_spec_string ("redirect-uri", NULL, NULL, SL_OAUTH_REDIRECT_URI,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  properties[PROP_SCOPES] =
    g_param_spec_string ("scopes", NULL, NULL, SL_OAUTH_DEFAULT_SCOPES,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /* Seconds; 0 means no timeout in libsoup, so it is not allowed. */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       1, G_MAXUINT, SL_OAUTH_DEFAULT_TIMEOUT_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sl_oauth_config_init (SlOAuthConfig *self)
{
  self->scopes = g_strdup (SL_OAUTH_DEFAULT_SCOPES);
  self->timeout = SL_OAUTH_DEFAULT_TIMEOUT_SECONDS;
}

SlOAuthConfig *
sl_oauth_config_new (const char  *login_host,
                     const char  *client_id,
                     GError     **error)
{
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  normalized = sl_oauth_normalize_login_host (login_host, error);
  if (normalized == NULL)
    return NULL;

  if (!check_client_id (client_id, error))
    return NULL;

  return g_object_new (SL_TYPE_OAUTH_CONFIG,
                       "login-host", normalized,
                       "client-id", client_id,
                       NULL);
}

SlOAuthConfig *
sl_oauth_config_new_from_settings (GSettings  *settings,
                                   GError    **error)
{
  g_autofree char *login_host = NULL;
  g_autofree char *client_id = NULL;
  SlOAuthConfig *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  login_host = g_settings_get_string (settings, "login-host");
  client_id = g_settings_get_string (settings, "client-id");

  self = sl_oauth_config_new (login_host, client_id, error);
  if (self == NULL)
    return NULL;

  sl_oauth_config_set_timeout (self, g_settings_get_uint (settings, "network-timeout"));

  return self;
}

const char *
sl_oauth_config_get_login_host (SlOAuthConfig *self)
{
  g_return_val_if_fail (SL_IS_OAUTH_CONFIG (self), NULL);

  return self->login_host;
}

const char *
sl_oauth_config_get_client_id (SlOAuthConfig *self)
{
  g_return_val_if_fail (SL_IS_OAUTH_CONFIG (self), NULL);

  return self->client_id;
}

const char *
sl_oauth_config_get_redirect_uri (SlOAuthConfig *self)
{
  g_return_val_if_fail (SL_IS_OAUTH_CONFIG (self), NULL);

  return SL_OAUTH_REDIRECT_URI;
}

const char *
sl_oauth_config_get_scopes (SlOAuthConfig *self)
{
  g_return_val_if_fail (SL_IS_OAUTH_CONFIG (self), NULL);

  return self->scopes;
}

guint
sl_oauth_config_get_timeout (SlOAuthConfig *self)
{
  g_return_val_if_fail (SL_IS_OAUTH_CONFIG (self), 0);

  return self->timeout;
}

void
sl_oauth_config_set_timeout (SlOAuthConfig *self,
                             guint          seconds)
{
  g_return_if_fail (SL_IS_OAUTH_CONFIG (self));
  g_return_if_fail (seconds > 0);

  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

char *
sl_oauth_config_build_url (SlOAuthConfig *self,
                           const char    *path)
{
  g_return_val_if_fail (SL_IS_OAUTH_CONFIG (self), NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  return g_strconcat (self->login_host, path, NULL);
}
