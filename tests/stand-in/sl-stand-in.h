/* sl-stand-in.h: types shared by the files of the Salesforce stand-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Exit status for a bad command line or a malformed fixture. */
#define STAND_IN_EXIT_USAGE 2

#define STAND_IN_ERROR (stand_in_error_quark ())

typedef enum
{
  STAND_IN_ERROR_FIXTURE,
  STAND_IN_ERROR_FAULT,
} StandInError;

GQuark stand_in_error_quark (void);

/* The Experience Cloud site ID sent for clients with "community": true. */
#define STAND_IN_COMMUNITY_ID "0DB5g000000CaSeGAK"

/* A connected app registered in the fixture. */
typedef struct
{
  char      *client_id;
  char      *name;
  GPtrArray *redirect_uris;
  gboolean   require_pkce;
  gboolean   community;
} StandInClient;

/* A Salesforce user from the fixture. */
typedef struct
{
  char     *user_id;
  char     *username;
  char     *password;
  char     *email;
  char     *name;
  gboolean  active;
} StandInUser;

typedef struct
{
  char      *org_id;
  char      *org_name;
  GPtrArray *clients;
  GPtrArray *users;
} StandInFixture;

/* An injected failure for one endpoint.  A status of 0 keeps the real
 * response, so a fault with only a delay slows the endpoint down. */
typedef struct
{
  char     *endpoint;
  guint     status;
  char     *body;
  char     *content_type;
  guint     delay_ms;
  gboolean  drop;
  int       times;          /* requests left, -1 for unlimited */
} StandInFault;

/* The state of the server.  One instance lives for the whole process. */
typedef struct
{
  StandInFixture *fixture;
  SoupServer     *server;
  guint           port;
  char           *login_url;       /* http://127.0.0.1:PORT */
  char           *instance_url;    /* http://localhost:PORT */
  char           *auto_sign_in;    /* username, or NULL */
  gint64          code_lifetime_us;
  GPtrArray      *faults;          /* StandInFault */
  GPtrArray      *requests;        /* JsonObject, in arrival order */
  GOutputStream  *log_stream;      /* JSON lines, or NULL */
  GHashTable     *transactions;    /* id -> StandInTransaction */
  GHashTable     *codes;           /* code -> StandInCode */
  GHashTable     *refresh_tokens;  /* token -> StandInSession */
  GHashTable     *access_tokens;   /* token -> StandInSession */
  GBytes         *signing_key;
  GPtrArray      *routes;
} StandIn;

/* One sign-in in progress between authorize and the callback. */
typedef struct
{
  const StandInClient *client;
  const StandInUser   *user;        /* set once the password was right */
  char                *redirect_uri;
  char                *state;
  char                *scope;
  char                *code_challenge;
} StandInTransaction;

typedef struct
{
  const StandInClient *client;
  const StandInUser   *user;
  char                *redirect_uri;
  char                *scope;
  char                *code_challenge;
  gint64               expires_at;  /* monotonic time, microseconds */
} StandInCode;

/* What a refresh token and the access tokens issued from it share.
 * Reference counted with g_rc_box. */
typedef struct
{
  const StandInClient *client;
  const StandInUser   *user;
  char                *scope;
  gboolean             revoked;
} StandInSession;

typedef void (*StandInHandler) (StandIn           *self,
                                SoupServerMessage *msg,
                                GHashTable        *query);

/* sl-stand-in-fixture.c */
StandInFixture      *stand_in_fixture_load             (const char           *path,
                                                        GError              **error);
void                 stand_in_fixture_free             (StandInFixture       *fixture);
const StandInClient *stand_in_fixture_find_client      (const StandInFixture *fixture,
                                                        const char           *client_id);
const StandInUser   *stand_in_fixture_find_user        (const StandInFixture *fixture,
                                                        const char           *username);
const StandInUser   *stand_in_fixture_find_user_by_id  (const StandInFixture *fixture,
                                                        const char           *user_id);
gboolean             stand_in_client_has_redirect_uri  (const StandInClient  *client,
                                                        const char           *redirect_uri);

/* sl-stand-in-faults.c */
gboolean             stand_in_endpoint_is_known        (const char           *endpoint);
StandInFault        *stand_in_fault_parse_spec         (const char           *spec,
                                                        GError              **error);
StandInFault        *stand_in_fault_from_json          (JsonNode             *node,
                                                        GError              **error);
void                 stand_in_fault_free               (StandInFault         *fault);
StandInFault        *stand_in_take_fault               (StandIn              *self,
                                                        const char           *endpoint);

/* sl-stand-in-http.c */
void                 stand_in_add_route                (StandIn              *self,
                                                        const char           *path,
                                                        const char           *endpoint,
                                                        StandInHandler        handler);
GHashTable          *stand_in_read_form                (SoupServerMessage    *msg);
void                 stand_in_note_grant_type          (SoupServerMessage    *msg,
                                                        const char           *grant_type);
void                 stand_in_note_page                (SoupServerMessage    *msg,
                                                        const char           *page);
void                 stand_in_respond                  (StandIn              *self,
                                                        SoupServerMessage    *msg,
                                                        guint                 status,
                                                        const char           *content_type,
                                                        const char           *body);
void                 stand_in_respond_json             (StandIn              *self,
                                                        SoupServerMessage    *msg,
                                                        guint                 status,
                                                        JsonBuilder          *builder);
void                 stand_in_respond_html             (StandIn              *self,
                                                        SoupServerMessage    *msg,
                                                        guint                 status,
                                                        const char           *html);
void                 stand_in_respond_redirect         (StandIn              *self,
                                                        SoupServerMessage    *msg,
                                                        const char           *location);
void                 stand_in_respond_oauth_error      (StandIn              *self,
                                                        SoupServerMessage    *msg,
                                                        const char           *error,
                                                        const char           *description);

/* sl-stand-in-pages.c */
char                *stand_in_page_login               (const char           *transaction_id,
                                                        const char           *username,
                                                        gboolean              show_error);
char                *stand_in_page_consent             (const char           *transaction_id,
                                                        const StandInClient  *client,
                                                        const StandInUser    *user);
char                *stand_in_page_error               (const char           *error,
                                                        const char           *description);

/* sl-stand-in-authorize.c */
void                 stand_in_add_authorize_routes     (StandIn              *self);

/* sl-stand-in-token.c */
void                 stand_in_add_token_routes         (StandIn              *self);
char                *stand_in_random_string            (const char           *prefix,
                                                        guint                 length);
char                *stand_in_issue_code               (StandIn              *self,
                                                        StandInTransaction   *transaction);
StandInSession      *stand_in_lookup_access_token      (StandIn              *self,
                                                        const char           *token);

char                *stand_in_get_community_url        (StandIn              *self);

/* sl-stand-in-identity.c */
void                 stand_in_add_identity_routes      (StandIn              *self);

/* sl-stand-in-control.c */
void                 stand_in_add_control_routes       (StandIn              *self);

G_END_DECLS
