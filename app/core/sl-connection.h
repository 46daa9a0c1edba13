/* sl-connection.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sl-credentials.h"
#include "sl-token-client.h"

G_BEGIN_DECLS

#define SL_SLOT_INTEGRATION "integration"
#define SL_SLOT_USER        "user"

/* Returns TRUE for the slot names "integration" and "user". */
gboolean sl_slot_name_is_valid (const char *slot);

typedef enum
{
  SL_CONNECTION_STATE_DISCONNECTED,
  SL_CONNECTION_STATE_CONNECTING,
  SL_CONNECTION_STATE_CONNECTED,
  SL_CONNECTION_STATE_NEEDS_REAUTH,
  SL_CONNECTION_STATE_ERROR,
} SlConnectionState;

#define SL_TYPE_CONNECTION_STATE (sl_connection_state_get_type ())
GType       sl_connection_state_get_type  (void) G_GNUC_CONST;

/* Returns the state's name as used by `--status --json`:
 * "disconnected", "connecting", "connected", "needs-reauth" or "error". */
const char *sl_connection_state_to_string (SlConnectionState state);

#define SL_TYPE_CONNECTION (sl_connection_get_type ())

G_DECLARE_FINAL_TYPE (SlConnection, sl_connection, SL, CONNECTION, GObject)

/**
 * SlConnection:
 *
 * The model of one slot. Properties (all notify only on change):
 * "slot" (construct-only string), "state" (SlConnectionState), "email",
 * "username", "user-id", "org-id", "instance-url", "login-host",
 * "connected-at" (GDateTime, UTC), "last-error" (translated message of the
 * most recent failure, or NULL) and "last-error-code" (Salesforce or
 * keyring error code for diagnostics, or NULL), "busy" (TRUE while a
 * load, sign-in completion or disconnect runs).
 *
 * "checking" is TRUE while a stored connection is being checked with
 * Salesforce in the background. The slot stays usable meanwhile.
 * "known" is FALSE until the slot's state has been set once, normally by
 * the first load from the keyring. Until then "state" is only the
 * initial "disconnected", so a view can show nothing rather than a state
 * that may be wrong.
 *
 * "warning" is a translated text about a connected account that works but
 * lacks something writeback needs, such as a permission, or NULL.
 *
 * A failed sign-in never changes a connected slot's identity or state: it
 * only sets "last-error". A slot that was not connected moves to the error
 * state instead.
 */
SlConnection     *sl_connection_new                 (const char        *slot);

const char       *sl_connection_get_slot            (SlConnection      *self);
SlConnectionState sl_connection_get_state           (SlConnection      *self);
const char       *sl_connection_get_email           (SlConnection      *self);
const char       *sl_connection_get_username        (SlConnection      *self);
const char       *sl_connection_get_user_id         (SlConnection      *self);
const char       *sl_connection_get_org_id          (SlConnection      *self);
const char       *sl_connection_get_instance_url    (SlConnection      *self);
const char       *sl_connection_get_login_host      (SlConnection      *self);
GDateTime        *sl_connection_get_connected_at    (SlConnection      *self);
const char       *sl_connection_get_last_error      (SlConnection      *self);
const char       *sl_connection_get_last_error_code (SlConnection      *self);
gboolean          sl_connection_get_busy            (SlConnection      *self);
gboolean          sl_connection_get_checking        (SlConnection      *self);
gboolean          sl_connection_get_known           (SlConnection      *self);
const char       *sl_connection_get_warning         (SlConnection      *self);

/* Shows @credentials' identity and moves to the connected state. Tokens are
 * not kept in the model. */
void              sl_connection_apply_credentials   (SlConnection        *self,
                                                     const SlCredentials *credentials);
/* Clears the identity and moves to the disconnected state. */
void              sl_connection_reset               (SlConnection      *self);
void              sl_connection_set_state           (SlConnection      *self,
                                                     SlConnectionState  state);
void              sl_connection_set_checking        (SlConnection      *self,
                                                     gboolean           checking);
/* Sets or, with NULL, clears the warning. It is cleared too when the slot
 * is reset or another user's credentials are applied. */
void              sl_connection_set_warning         (SlConnection      *self,
                                                     const char        *warning);
/* Records a failure as described above. @code may be NULL. */
void              sl_connection_report_error        (SlConnection      *self,
                                                     const char        *message,
                                                     const char        *code);
void              sl_connection_clear_error         (SlConnection      *self);
/* Moves a connected slot to the needs-reauth state after Salesforce
 * rejected its refresh token: the identity stays shown, "last-error"
 * becomes the translated "Reconnect required: @reason" and
 * "last-error-code" is cleared. A slot without an identity is left as it
 * is. A sign-in that is running when this is called still replaces the
 * state once it completes, and cancelling it restores needs-reauth. */
void              sl_connection_require_reauth      (SlConnection      *self,
                                                     const char        *reason);

/* Marks a sign-in as started: a slot that is not connected shows the
 * connecting state, a connected one keeps its state and identity until the
 * new sign-in has been stored. */
void              sl_connection_begin_sign_in       (SlConnection      *self);
/* Ends a sign-in that was cancelled: restores the state from before
 * sl_connection_begin_sign_in(). */
void              sl_connection_cancel_sign_in      (SlConnection      *self);

/* Reads the slot's keyring item and shows it, without network access. A
 * missing item means disconnected; an unreadable item or keyring is
 * reported with sl_connection_report_error(). */
void              sl_connection_load_async          (SlConnection        *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean          sl_connection_load_finish         (SlConnection        *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* Stores @credentials from a finished sign-in in the keyring, then shows
 * them. When storing fails the previous connection stays as it was. */
void              sl_connection_store_async         (SlConnection        *self,
                                                     const SlCredentials *credentials,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean          sl_connection_store_finish        (SlConnection        *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* Revokes the stored refresh token with @client (best effort; a failed
 * revoke is reported through @revoke_failed), then deletes the keyring item
 * and resets the model. Fails, leaving the slot connected, only when the
 * keyring item could not be deleted. */
void              sl_connection_disconnect_async    (SlConnection        *self,
                                                     SlTokenClient       *client,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean          sl_connection_disconnect_finish   (SlConnection        *self,
                                                     GAsyncResult        *result,
                                                     gboolean            *revoke_failed,
                                                     GError             **error);

G_END_DECLS
