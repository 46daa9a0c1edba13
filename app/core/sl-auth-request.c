/* sl-auth-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "sl-auth-request.h"

/* The state has 256 bits. 64 bytes give an 86-character verifier, within
 * the 43 to 128 characters that RFC 7636 section 4.1 allows. */
#define STATE_BYTES 32
#define VERIFIER_BYTES 64

struct _SlAuthRequest
{
  GObject parent_instance;

  SlOAuthConfig *config;
  gboolean force_login;

  char *state;
  char *code_verifier;
  char *code_challenge;
  char *uri;
};

G_DEFINE_FINAL_TYPE (SlAuthRequest, sl_auth_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONFIG,
  PROP_FORCE_LOGIN,
  PROP_STATE,
  PROP_CODE_CHALLENGE,
  PROP_URI,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wipe_memory (void   *data,
             gsize   size)
{
  explicit_bzero (data, size);
}

/* Fills @buffer from the kernel's cryptographic random source. There is no
 * weaker fallback: without getrandom(2) no safe request can be made. */
static void
fill_random (guint8 *buffer,
             gsize   size)
{
  gsize filled = 0;

  while (filled < size)
    {
      ssize_t n = getrandom (buffer + filled, size - filled, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        g_error ("getrandom() failed: %s", g_strerror (errno));

      filled += (gsize) n;
    }
}

/* Encodes @data as base64url (RFC 4648 section 5) without '=' padding. */
static char *
base64url_encode (const guint8 *data,
                  gsize         size)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  char *out = g_malloc ((size + 2) / 3 * 4 + 1);
  char *p = out;
  gsize i;

  for (i = 0; i + 2 < size; i += 3)
    {
      guint32 v = (guint32) data[i] << 16 | (guint32) data[i + 1] << 8 | data[i + 2];

      *p++ = alphabet[(v >> 18) & 0x3f];
      *p++ = alphabet[(v >> 12) & 0x3f];
      *p++ = alphabet[(v >> 6) & 0x3f];
      *p++ = alphabet[v & 0x3f];
    }

  if (i < size)
    {
      guint32 v = (guint32) data[i] << 16;

      if (i + 1 < size)
        v |= (guint32) data[i + 1] << 8;

      *p++ = alphabet[(v >> 18) & 0x3f];
      *p++ = alphabet[(v >> 12) & 0x3f];
      if (i + 1 < size)
        *p++ = alphabet[(v >> 6) & 0x3f];
    }

  *p = '\0';
  return out;
}

static char *
random_base64url (gsize n_bytes)
{
  guint8 buffer[VERIFIER_BYTES];
  char *encoded;

  g_assert (n_bytes <= sizeof buffer);

  fill_random (buffer, n_bytes);
  encoded = base64url_encode (buffer, n_bytes);
  wipe_memory (buffer, sizeof buffer);

  return encoded;
}

char *
sl_auth_compute_code_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;

  g_return_val_if_fail (verifier != NULL, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &digest_len);

  return base64url_encode (digest, digest_len);
}

static void
append_param (GString    *uri,
              const char *name,
              const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  if (uri->str[uri->len - 1] != '?')
    g_string_append_c (uri, '&');

  g_string_append_printf (uri, "%s=%s", name, escaped);
}

static char *
build_authorize_uri (SlAuthRequest *self)
{
  g_autofree char *endpoint = NULL;
  GString *uri;

  endpoint = sl_oauth_config_build_url (self->config, "/services/oauth2/authorize");
  uri = g_string_new (endpoint);
  g_string_append_c (uri, '?');

  append_param (uri, "response_type", "code");
  append_param (uri, "client_id", sl_oauth_config_get_client_id (self->config));
  append_param (uri, "redirect_uri", sl_oauth_config_get_redirect_uri (self->config));
  append_param (uri, "scope", sl_oauth_config_get_scopes (self->config));
  append_param (uri, "state", self->state);
  append_param (uri, "code_challenge", self->code_challenge);
  append_param (uri, "code_challenge_method", "S256");
  if (self->force_login)
    append_param (uri, "prompt", "login");

  return g_string_free (uri, FALSE);
}

static void
sl_auth_request_constructed (GObject *object)
{
  SlAuthRequest *self = (SlAuthRequest *)object;

  G_OBJECT_CLASS (sl_auth_request_parent_class)->constructed (object);

  g_assert (SL_IS_OAUTH_CONFIG (self->config));

  self->state = random_base64url (STATE_BYTES);
  self->code_verifier = random_base64url (VERIFIER_BYTES);
  self->code_challenge = sl_auth_compute_code_challenge (self->code_verifier);
  self->uri = build_authorize_uri (self);
}

static void
sl_auth_request_finalize (GObject *object)
{
  SlAuthRequest *self = (SlAuthRequest *)object;

  if (self->code_verifier != NULL)
    wipe_memory (self->code_verifier, strlen (self->code_verifier));

  g_clear_pointer (&self->code_verifier, g_free);
  g_clear_pointer (&self->state, g_free);
  g_clear_pointer (&self->code_challenge, g_free);
  g_clear_pointer (&self->uri, g_free);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (sl_auth_request_parent_class)->finalize (object);
}

static void
sl_auth_request_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SlAuthRequest *self = SL_AUTH_REQUEST (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;

    case PROP_FORCE_LOGIN:
      g_value_set_boolean (value, self->force_login);
      break;

    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;

    case PROP_CODE_CHALLENGE:
      g_value_set_string (value, self->code_challenge);
      break;

    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_auth_request_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SlAuthRequest *self = SL_AUTH_REQUEST (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;

    case PROP_FORCE_LOGIN:
      self->force_login = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_auth_request_class_init (SlAuthRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sl_auth_request_constructed;
  object_class->finalize = sl_auth_request_finalize;
  object_class->get_property = sl_auth_request_get_property;
  object_class->set_property = sl_auth_request_set_property;

  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, SL_TYPE_OAUTH_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  properties[PROP_FORCE_LOGIN] =
    g_param_spec_boolean ("force-login", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS);

  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  properties[PROP_CODE_CHALLENGE] =
    g_param_spec_string ("code-challenge", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sl_auth_request_init (SlAuthRequest *self)
{
}

SlAuthRequest *
sl_auth_request_new (SlOAuthConfig *config,
                     gboolean       force_login)
{
  g_return_val_if_fail (SL_IS_OAUTH_CONFIG (config), NULL);

  return g_object_new (SL_TYPE_AUTH_REQUEST,
                       "config", config,
                       "force-login", force_login,
                       NULL);
}

SlOAuthConfig *
sl_auth_request_get_config (SlAuthRequest *self)
{
  g_return_val_if_fail (SL_IS_AUTH_REQUEST (self), NULL);

  return self->config;
}

const char *
sl_auth_request_get_state (SlAuthRequest *self)
{
  g_return_val_if_fail (SL_IS_AUTH_REQUEST (self), NULL);

  return self->state;
}

const char *
sl_auth_request_get_code_verifier (SlAuthRequest *self)
{
  g_return_val_if_fail (SL_IS_AUTH_REQUEST (self), NULL);

  return self->code_verifier;
}

const char *
sl_auth_request_get_code_challenge (SlAuthRequest *self)
{
  g_return_val_if_fail (SL_IS_AUTH_REQUEST (self), NULL);

  return self->code_challenge;
}

gboolean
sl_auth_request_get_force_login (SlAuthRequest *self)
{
  g_return_val_if_fail (SL_IS_AUTH_REQUEST (self), FALSE);

  return self->force_login;
}

const char *
sl_auth_request_get_uri (SlAuthRequest *self)
{
  g_return_val_if_fail (SL_IS_AUTH_REQUEST (self), NULL);

  return self->uri;
}
