/* sl-stand-in-authorize.c: the authorize endpoint, the login form and the
 * consent page, which end in a redirect to the app's callback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sl-stand-in.h"

/* Escapes @value for a query string the way HTML forms do (spaces become
 * "+"), which is how Salesforce writes error_description. */
static char *
form_escape (const char *value)
{
  char *escaped = g_uri_escape_string (value, " ", FALSE);

  return g_strdelimit (escaped, " ", '+');
}

/* Returns @redirect_uri with the NULL-terminated key/value pairs appended
 * to its query.  Pairs with a NULL value are left out. */
static char *
build_callback (const char *redirect_uri,
                const char *first_key,
                ...)
{
  GString *uri = g_string_new (redirect_uri);
  char separator = strchr (redirect_uri, '?') != NULL ? '&' : '?';
  va_list args;

  va_start (args, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *escaped = NULL;

      if (value == NULL)
        continue;

      escaped = form_escape (value);
      g_string_append_printf (uri, "%c%s=%s", separator, key, escaped);
      separator = '&';
    }
  va_end (args);

  return g_string_free (uri, FALSE);
}

static void
redirect_with_error (StandIn           *self,
                     SoupServerMessage *msg,
                     const char        *redirect_uri,
                     const char        *state,
                     const char        *error,
                     const char        *description)
{
  g_autofree char *location = build_callback (redirect_uri,
                                              "error", error,
                                              "error_description", description,
                                              "state", state,
                                              NULL);

  stand_in_respond_redirect (self, msg, location);
}

static void
transaction_free (StandInTransaction *transaction)
{
  g_free (transaction->redirect_uri);
  g_free (transaction->state);
  g_free (transaction->scope);
  g_free (transaction->code_challenge);
  g_free (transaction);
}

/* Issues a code for the signed-in user of @transaction_id and redirects to
 * the callback.  The transaction ends here. */
static void
redirect_with_code (StandIn           *self,
                    SoupServerMessage *msg,
                    const char        *transaction_id)
{
  StandInTransaction *transaction = g_hash_table_lookup (self->transactions, transaction_id);
  g_autofree char *code = NULL;
  g_autofree char *community_url = NULL;
  g_autofree char *location = NULL;

  if (!transaction->user->app_approved)
    {
      redirect_with_error (self, msg, transaction->redirect_uri, transaction->state,
                           "OAUTH_APP_ACCESS_DENIED",
                           "user is not admin approved to access this app");
      g_hash_table_remove (self->transactions, transaction_id);
      return;
    }

  code = stand_in_issue_code (self, transaction);

  if (transaction->client->community)
    community_url = stand_in_get_community_url (self);

  location = build_callback (transaction->redirect_uri,
                             "code", code,
                             "sfdc_community_url", community_url,
                             "sfdc_community_id",
                             community_url != NULL ? STAND_IN_COMMUNITY_ID : NULL,
                             "state", transaction->state,
                             NULL);

  g_debug ("Signed %s in to %s", transaction->user->username, transaction->client->client_id);
  g_hash_table_remove (self->transactions, transaction_id);
  stand_in_respond_redirect (self, msg, location);
}

/* Sends the 400 page Salesforce shows instead of redirecting when the
 * client or its callback are wrong. */
static void
respond_error_page (StandIn           *self,
                    SoupServerMessage *msg,
                    const char        *error,
                    const char        *description)
{
  g_autofree char *page = stand_in_page_error (error, description);

  stand_in_note_page (msg, "error");
  stand_in_respond_html (self, msg, SOUP_STATUS_BAD_REQUEST, page);
}

/* Returns the error description when the PKCE parameters are invalid. */
static const char *
check_code_challenge (const StandInClient *client,
                      GHashTable          *query)
{
  const char *challenge = g_hash_table_lookup (query, "code_challenge");
  const char *method = g_hash_table_lookup (query, "code_challenge_method");

  if (challenge == NULL && client->require_pkce)
    return "missing required code challenge";
  if (challenge != NULL && g_strcmp0 (method, "S256") != 0)
    return "unsupported code challenge method; use S256";

  return NULL;
}

/* Returns whether the space-separated @prompt contains "login". */
static gboolean
prompt_requests_login (const char *prompt)
{
  g_auto(GStrv) values = g_strsplit (prompt != NULL ? prompt : "", " ", -1);

  return g_strv_contains ((const char * const *) values, "login");
}

static char *
start_transaction (StandIn             *self,
                   const StandInClient *client,
                   GHashTable          *query)
{
  StandInTransaction *transaction = g_new0 (StandInTransaction, 1);
  char *id = stand_in_random_string ("", 32);
  const char *scope = g_hash_table_lookup (query, "scope");

  transaction->client = client;
  transaction->redirect_uri = g_strdup (g_hash_table_lookup (query, "redirect_uri"));
  transaction->state = g_strdup (g_hash_table_lookup (query, "state"));
  /* Without a scope parameter Salesforce grants the app's configured scopes. */
  transaction->scope = g_strdup (scope != NULL ? scope : "api refresh_token openid");
  transaction->code_challenge = g_strdup (g_hash_table_lookup (query, "code_challenge"));

  g_hash_table_insert (self->transactions, g_strdup (id), transaction);
  return id;
}

/* Starts a sign-in and shows the login form, or, with --auto-sign-in and
 * no prompt=login, signs that user in as if a browser session existed.
 * With the hostile page switched on, that page is shown instead. */
static void
show_login_or_sign_in (StandIn             *self,
                       SoupServerMessage   *msg,
                       const StandInClient *client,
                       GHashTable          *query)
{
  g_autofree char *transaction_id = start_transaction (self, client, query);
  StandInTransaction *transaction = g_hash_table_lookup (self->transactions, transaction_id);
  g_autofree char *page = NULL;

  if (self->hostile_login_page)
    {
      page = stand_in_page_hostile (self->login_url);
      stand_in_note_page (msg, "hostile");
      stand_in_respond_html (self, msg, SOUP_STATUS_OK, page);
      return;
    }

  if (self->auto_sign_in != NULL
      && !prompt_requests_login (g_hash_table_lookup (query, "prompt")))
    {
      transaction->user = stand_in_fixture_find_user (self->fixture, self->auto_sign_in);
      redirect_with_code (self, msg, transaction_id);
      return;
    }

  page = stand_in_page_login (transaction_id, NULL, FALSE);
  stand_in_note_page (msg, "login");
  stand_in_respond_html (self, msg, SOUP_STATUS_OK, page);
}

static void
handle_authorize (StandIn           *self,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  const StandInClient *client =
    stand_in_fixture_find_client (self->fixture, g_hash_table_lookup (query, "client_id"));
  const char *redirect_uri = g_hash_table_lookup (query, "redirect_uri");
  const char *state = g_hash_table_lookup (query, "state");
  const char *pkce_error;

  if (client == NULL)
    respond_error_page (self, msg, "invalid_client_id", "client identifier invalid");
  else if (!stand_in_client_has_redirect_uri (client, redirect_uri))
    respond_error_page (self, msg, "redirect_uri_mismatch",
                        "redirect_uri must match configuration");
  else if (g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0)
    redirect_with_error (self, msg, redirect_uri, state, "unsupported_response_type",
                         "response type not supported");
  else if ((pkce_error = check_code_challenge (client, query)) != NULL)
    redirect_with_error (self, msg, redirect_uri, state, "invalid_request", pkce_error);
  else
    show_login_or_sign_in (self, msg, client, query);
}

/* Returns the transaction named by the form of a POST to the login or
 * consent page, or responds to the request with an error and returns NULL. */
static StandInTransaction *
lookup_posted_transaction (StandIn           *self,
                           SoupServerMessage *msg,
                           GHashTable        *form)
{
  StandInTransaction *transaction = NULL;

  if (g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    stand_in_respond (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, "Method not allowed");
  else if ((transaction = g_hash_table_lookup (self->transactions,
                                               g_hash_table_lookup (form, "transaction"))) == NULL)
    respond_error_page (self, msg, "invalid_request",
                        "this sign-in has expired or is unknown; start again from the app");

  return transaction;
}

static void
handle_login (StandIn           *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  g_autoptr(GHashTable) form = stand_in_read_form (msg);
  StandInTransaction *transaction = lookup_posted_transaction (self, msg, form);
  const char *username = g_hash_table_lookup (form, "username");
  const StandInUser *user = stand_in_fixture_find_user (self->fixture, username);
  g_autofree char *page = NULL;

  if (transaction == NULL)
    return;

  if (user == NULL || !user->active
      || g_strcmp0 (g_hash_table_lookup (form, "password"), user->password) != 0)
    {
      g_debug ("Rejected a sign-in: unknown or inactive user, or wrong password");
      page = stand_in_page_login (g_hash_table_lookup (form, "transaction"), username, TRUE);
      stand_in_note_page (msg, "login-failed");
      stand_in_respond_html (self, msg, SOUP_STATUS_OK, page);
      return;
    }

  transaction->user = user;
  page = stand_in_page_consent (g_hash_table_lookup (form, "transaction"),
                                transaction->client, user);
  stand_in_note_page (msg, "consent");
  stand_in_respond_html (self, msg, SOUP_STATUS_OK, page);
}

static void
handle_consent (StandIn           *self,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  g_autoptr(GHashTable) form = stand_in_read_form (msg);
  StandInTransaction *transaction = lookup_posted_transaction (self, msg, form);
  const char *transaction_id = g_hash_table_lookup (form, "transaction");
  const char *action = g_hash_table_lookup (form, "action");

  if (transaction == NULL)
    return;

  if (transaction->user == NULL)
    respond_error_page (self, msg, "invalid_request", "log in before allowing access");
  else if (g_strcmp0 (action, "allow") == 0)
    redirect_with_code (self, msg, transaction_id);
  else if (g_strcmp0 (action, "deny") == 0)
    {
      redirect_with_error (self, msg, transaction->redirect_uri, transaction->state,
                           "access_denied", "end-user denied authorization");
      g_hash_table_remove (self->transactions, transaction_id);
    }
  else
    respond_error_page (self, msg, "invalid_request", "choose Allow or Deny");
}

void
stand_in_add_authorize_routes (StandIn *self)
{
  self->transactions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) transaction_free);

  stand_in_add_route (self, "/services/oauth2/authorize", "authorize", handle_authorize);
  stand_in_add_route (self, "/login", "login", handle_login);
  stand_in_add_route (self, "/consent", "consent", handle_consent);
}
