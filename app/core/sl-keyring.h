/* sl-keyring.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "sl-credentials.h"

G_BEGIN_DECLS

#define SL_KEYRING_ERROR (sl_keyring_error_quark ())

/**
 * SlKeyringError:
 * @SL_KEYRING_ERROR_UNAVAILABLE: no Secret Service is on the session bus
 * @SL_KEYRING_ERROR_LOCKED: the keyring is locked, or the unlock prompt was dismissed
 * @SL_KEYRING_ERROR_INVALID_ITEM: the stored secret is not a credentials document
 * @SL_KEYRING_ERROR_FAILED: any other keyring failure
 */
typedef enum
{
  SL_KEYRING_ERROR_UNAVAILABLE,
  SL_KEYRING_ERROR_LOCKED,
  SL_KEYRING_ERROR_INVALID_ITEM,
  SL_KEYRING_ERROR_FAILED,
} SlKeyringError;

GQuark             sl_keyring_error_quark (void);

/* The schema "com.supportlogic.Connect.Credentials" with the string
 * attribute "slot". Each slot has at most one item. */
const SecretSchema *sl_keyring_get_schema (void);

/* Stores @credentials as the slot's secret, replacing the slot's previous
 * item in one libsecret call, so a failure leaves the old item as it
 * was. */
void           sl_keyring_store_async  (const char          *slot,
                                        const SlCredentials *credentials,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean       sl_keyring_store_finish (GAsyncResult        *result,
                                        GError             **error);

/* Loads the slot's credentials. Returns NULL without an error when the slot
 * has no item. */
void           sl_keyring_load_async   (const char          *slot,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
SlCredentials *sl_keyring_load_finish  (GAsyncResult        *result,
                                        GError             **error);
SlCredentials *sl_keyring_load_sync    (const char          *slot,
                                        GCancellable        *cancellable,
                                        GError             **error);

/* Deletes the slot's item. Deleting a slot that has none succeeds. */
void           sl_keyring_delete_async  (const char          *slot,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean       sl_keyring_delete_finish (GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
