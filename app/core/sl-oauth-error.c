/* sl-oauth-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sl-oauth-error.h"

/* Extended data of every SL_OAUTH_ERROR: GLib allocates it with the GError
 * and copies it with g_error_copy(), so the server code travels along. */
typedef struct
{
  char *server_code;
} SlOAuthErrorPrivate;

static void
sl_oauth_error_private_init (SlOAuthErrorPrivate *priv)
{
  priv->server_code = NULL;
}

static void
sl_oauth_error_private_copy (const SlOAuthErrorPrivate *src_priv,
                             SlOAuthErrorPrivate       *dest_priv)
{
  dest_priv->server_code = g_strdup (src_priv->server_code);
}

static void
sl_oauth_error_private_clear (SlOAuthErrorPrivate *priv)
{
  g_clear_pointer (&priv->server_code, g_free);
}

G_DEFINE_EXTENDED_ERROR (SlOAuthError, sl_oauth_error)

void
sl_oauth_set_error (GError       **error,
                    SlOAuthError   code,
                    const char    *server_code,
                    const char    *message)
{
  GError *new_error;
  SlOAuthErrorPrivate *priv;

  g_return_if_fail (message != NULL);

  if (error == NULL)
    return;

  new_error = g_error_new_literal (SL_OAUTH_ERROR, code, message);
  priv = sl_oauth_error_get_private (new_error);
  priv->server_code = g_strdup (server_code);

  g_propagate_error (error, new_error);
}

const char *
sl_oauth_error_get_server_code (const GError *error)
{
  SlOAuthErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != SL_OAUTH_ERROR)
    return NULL;

  priv = sl_oauth_error_get_private (error);
  if (priv == NULL)
    return NULL;

  return priv->server_code;
}

char *
sl_oauth_sanitize_server_text (const char *text,
                               gsize       max_chars)
{
  g_autoptr(GString) clean = NULL;
  const char *p;
  gsize count = 0;

  if (text == NULL)
    return NULL;

  clean = g_string_new (NULL);
  for (p = text; *p != '\0' && count < max_chars; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;

      if (g_unichar_iscntrl (c))
        g_string_append_c (clean, ' ');
      else
        g_string_append_unichar (clean, c);
      count++;
    }

  if (*p != '\0')
    g_string_append (clean, "…");

  return g_string_free (g_steal_pointer (&clean), FALSE);
}

gboolean
sl_oauth_is_not_approved_code (const char *server_code)
{
  static const char * const codes[] = {
    "OAUTH_APP_ACCESS_DENIED",
    "OAUTH_APP_BLOCKED",
    "OAUTH_APPROVAL_ERROR_GENERIC",
    NULL,
  };

  return server_code != NULL && g_strv_contains (codes, server_code);
}

void
sl_oauth_set_not_approved (GError     **error,
                           const char  *server_code,
                           const char  *description)
{
  g_autofree char *message = NULL;

  if (description != NULL && description[0] != '\0')
    /* Translators: %s is Salesforce's own explanation. */
    message = g_strdup_printf (_("Your Salesforce organization has not approved SupportLogic "
                                 "Connect for this user (%s). Ask your Salesforce "
                                 "administrator to install the connected app and allow this "
                                 "user to use it."), description);
  else
    message = g_strdup (_("Your Salesforce organization has not approved SupportLogic Connect "
                          "for this user. Ask your Salesforce administrator to install the "
                          "connected app and allow this user to use it."));

  sl_oauth_set_error (error, SL_OAUTH_ERROR_APP_NOT_APPROVED, server_code, message);
}
