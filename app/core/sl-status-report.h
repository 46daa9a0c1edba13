/* sl-status-report.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Builds the `--status` output for both slots from the keyring alone, with
 * no network access: one line per slot, or with @as_json one JSON object
 * keyed by slot name (state, email, username, user_id, org_id, instance_url,
 * connected_at; "error" holds the message when state is "error"). A keyring
 * that cannot be read shows as state "error" on each slot. Never contains a
 * token. */
char *sl_status_report_build (gboolean as_json);

/* Prints sl_status_report_build()'s report on stdout, ending with a
 * newline. */
void  sl_status_report_print (gboolean as_json);

G_END_DECLS
