/* test-integration-page.c: the state texts of the slot pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sl-integration-page.h"

static void
test_unknown_state (void)
{
  g_autoptr (SlConnection) connection = sl_connection_new (SL_SLOT_USER);

  g_assert_cmpstr (sl_integration_page_describe_connection (connection), ==,
                   "Reading the keyring…");
}

static void
test_known_state (void)
{
  g_autoptr (SlConnection) connection = sl_connection_new (SL_SLOT_USER);

  sl_connection_reset (connection);
  g_assert_cmpstr (sl_integration_page_describe_connection (connection), ==,
                   "Not connected");

  sl_connection_set_state (connection, SL_CONNECTION_STATE_NEEDS_REAUTH);
  g_assert_cmpstr (sl_integration_page_describe_connection (connection), ==,
                   "Reconnect required");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/integration-page/describe/unknown", test_unknown_state);
  g_test_add_func ("/integration-page/describe/known", test_known_state);

  return g_test_run ();
}
