/* sl-oauth-callback.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sl-oauth-callback.h"
#include "sl-oauth-config.h"
#include "sl-oauth-error.h"

/* Maximum number of characters of an `error_description` shown to the user. */
#define MAX_DESCRIPTION_CHARS 300

/* The parameters of a redirect that are read. Each may appear only once. */
typedef struct
{
  char *state;
  char *code;
  char *error;
  char *error_description;
  guint n_state;
  guint n_code;
  guint n_error;
} CallbackParams;

/* Authorization codes are secrets: overwrite them before freeing. */
static void
free_code (char *code)
{
  if (code == NULL)
    return;

  explicit_bzero (code, strlen (code));
  g_free (code);
}

static void
callback_params_clear (CallbackParams *params)
{
  g_clear_pointer (&params->state, g_free);
  g_clear_pointer (&params->code, free_code);
  g_clear_pointer (&params->error, g_free);
  g_clear_pointer (&params->error_description, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CallbackParams, callback_params_clear)

gboolean
sl_oauth_is_callback_uri (const char *uri)
{
  gsize prefix_len = strlen (SL_OAUTH_REDIRECT_URI);

  g_return_val_if_fail (uri != NULL, FALSE);

  if (strncmp (uri, SL_OAUTH_REDIRECT_URI, prefix_len) != 0)
    return FALSE;

  return uri[prefix_len] == '\0' || uri[prefix_len] == '?' || uri[prefix_len] == '#';
}

/* Stores @value in @slot if it is the first occurrence, and counts it.
 * A later copy is wiped because it may be a code. */
static void
store_param (char  **slot,
             guint  *count,
             char   *value)
{
  (*count)++;
  if (*slot == NULL)
    *slot = value;
  else
    free_code (value);
}

/* Reads the query of @uri (between '?' and any '#'), decoded as
 * application/x-www-form-urlencoded like RFC 6749 section 4.1.2 requires.
 * Parameters in a fragment are not read. */
static gboolean
read_callback_params (const char      *uri,
                      CallbackParams  *params,
                      GError         **error)
{
  const char *query = uri + strlen (SL_OAUTH_REDIRECT_URI);
  const char *end;
  GUriParamsIter iter;
  char *name;
  char *value;

  if (*query != '?')
    return TRUE;

  query++;
  end = strchr (query, '#');
  g_uri_params_iter_init (&iter, query, end != NULL ? end - query : -1, "&",
                          G_URI_PARAMS_WWW_FORM);

  while (g_uri_params_iter_next (&iter, &name, &value, error))
    {
      if (g_str_equal (name, "state"))
        store_param (&params->state, &params->n_state, g_steal_pointer (&value));
      else if (g_str_equal (name, "code"))
        store_param (&params->code, &params->n_code, g_steal_pointer (&value));
      else if (g_str_equal (name, "error"))
        store_param (&params->error, &params->n_error, g_steal_pointer (&value));
      else if (g_str_equal (name, "error_description") && params->error_description == NULL)
        params->error_description = g_steal_pointer (&value);

      g_free (name);
      g_free (value);
    }

  return error == NULL || *error == NULL;
}

/* Compares two strings in a time that does not depend on where they differ. */
static gboolean
state_equal (const char *received,
             const char *expected)
{
  gsize len = strlen (expected);
  guint8 diff = 0;

  if (strlen (received) != len)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    diff |= (guint8) (received[i] ^ expected[i]);

  return diff == 0;
}

static void
set_authorization_error (const CallbackParams  *params,
                         GError               **error)
{
  g_autofree char *description = NULL;
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;

  description = sl_oauth_sanitize_server_text (params->error_description,
                                               MAX_DESCRIPTION_CHARS);
  code = sl_oauth_sanitize_server_text (params->error, MAX_DESCRIPTION_CHARS);

  if (params->n_error > 1)
    {
      sl_oauth_set_error (error, SL_OAUTH_ERROR_AUTHORIZATION_FAILED, NULL,
                          _("Salesforce sent a sign-in response with more than one error. "
                            "Try signing in again."));
      return;
    }

  if (g_str_equal (params->error, "access_denied"))
    {
      /* Pressing Deny gives this fixed English description, and the translated
       * sentence already states it. Other descriptions (an app the
       * organization blocked, for one) carry information and are kept. */
      if (description != NULL && description[0] != '\0'
          && !g_str_equal (description, "end-user denied authorization"))
        message = g_strdup_printf (_("Access to Salesforce was denied: %s. Sign in again "
                                     "and choose Allow to connect."), description);
      else
        message = g_strdup (_("Access to Salesforce was denied. Sign in again and choose "
                              "Allow to connect."));
      sl_oauth_set_error (error, SL_OAUTH_ERROR_ACCESS_DENIED, params->error, message);
      return;
    }

  if (sl_oauth_is_not_approved_code (params->error))
    {
      sl_oauth_set_not_approved (error, params->error, description);
      return;
    }

  message = g_strdup_printf (_("Salesforce could not complete the sign-in (%s): %s"), code,
                             description != NULL ? description : _("no description given"));
  sl_oauth_set_error (error, SL_OAUTH_ERROR_AUTHORIZATION_FAILED, params->error, message);
}

static gboolean
check_state (const CallbackParams  *params,
             const char            *expected_state,
             GError               **error)
{
  const char *message = NULL;

  if (params->n_state == 0)
    message = _("The sign-in response from Salesforce has no state value, so it cannot be "
                "matched to this sign-in. Try signing in again.");
  else if (params->n_state > 1)
    message = _("The sign-in response from Salesforce has more than one state value. Try "
                "signing in again.");
  else if (!state_equal (params->state, expected_state))
    message = _("The sign-in response does not belong to this sign-in: its state value "
                "does not match. Try signing in again.");

  if (message == NULL)
    return TRUE;

  sl_oauth_set_error (error, SL_OAUTH_ERROR_STATE_MISMATCH, NULL, message);
  return FALSE;
}

static gboolean
check_code (const CallbackParams  *params,
            GError               **error)
{
  const char *message = NULL;

  if (params->n_code == 0 || params->code[0] == '\0')
    message = _("The sign-in response from Salesforce has no authorization code. Try "
                "signing in again.");
  else if (params->n_code > 1)
    message = _("The sign-in response from Salesforce has more than one authorization "
                "code. Try signing in again.");

  if (message == NULL)
    return TRUE;

  sl_oauth_set_error (error, SL_OAUTH_ERROR_MISSING_CODE, NULL, message);
  return FALSE;
}

char *
sl_oauth_parse_callback (const char  *uri,
                         const char  *expected_state,
                         GError     **error)
{
  g_auto(CallbackParams) params = { 0, };
  g_autoptr(GError) parse_error = NULL;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (expected_state != NULL && expected_state[0] != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!sl_oauth_is_callback_uri (uri))
    {
      sl_oauth_set_error (error, SL_OAUTH_ERROR_REDIRECT_MISMATCH, NULL,
                          _("The sign-in ended at an address that is not this app’s "
                            "callback URL. Try signing in again."));
      return NULL;
    }

  if (!read_callback_params (uri, &params, &parse_error))
    {
      g_debug ("Cannot read the callback parameters: %s", parse_error->message);
      sl_oauth_set_error (error, SL_OAUTH_ERROR_AUTHORIZATION_FAILED, NULL,
                          _("The sign-in response from Salesforce is malformed. Try "
                            "signing in again."));
      return NULL;
    }

  if (!check_state (&params, expected_state, error))
    return NULL;

  if (params.n_error > 0)
    {
      set_authorization_error (&params, error);
      return NULL;
    }

  if (!check_code (&params, error))
    return NULL;

  return g_steal_pointer (&params.code);
}
