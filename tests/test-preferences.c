/* test-preferences.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the Preferences window on a display (run it through
 * `run-isolated --display`) against settings backends made here, so neither
 * the user's settings nor dconf are read or written.
 */
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>

#include "sl-oauth-config.h"
#include "sl-preferences-window.h"

#define SCHEMA_ID   "com.supportlogic.Connect"
#define SCHEMA_PATH "/com/supportlogic/Connect/"
#define LOCKED_TEXT "Set by your administrator"

/* ---- a backend whose keys can be locked while it is in use ------------- */

/* Values live in a hash table and every key is writable until
 * test_lock_backend_lock() locks it, which emits "writable-changed" the way
 * dconf does when an administrator adds a lock. */
typedef struct
{
  GSettingsBackend  parent_instance;
  GHashTable       *values;
  GHashTable       *locks;
} TestLockBackend;

typedef GSettingsBackendClass TestLockBackendClass;

static GType test_lock_backend_get_type (void);
G_DEFINE_TYPE (TestLockBackend, test_lock_backend, G_TYPE_SETTINGS_BACKEND)

static GVariant *
test_lock_backend_read (GSettingsBackend   *backend,
                        const char         *key,
                        const GVariantType *expected_type,
                        gboolean            default_value)
{
  TestLockBackend *self = (TestLockBackend *) backend;
  GVariant *value;

  if (default_value)
    return NULL;

  value = g_hash_table_lookup (self->values, key);

  return value != NULL ? g_variant_ref (value) : NULL;
}

static gboolean
test_lock_backend_write (GSettingsBackend *backend,
                         const char       *key,
                         GVariant         *value,
                         gpointer          origin_tag)
{
  TestLockBackend *self = (TestLockBackend *) backend;

  if (g_hash_table_contains (self->locks, key))
    return FALSE;

  g_hash_table_insert (self->values, g_strdup (key), g_variant_ref_sink (value));
  g_settings_backend_changed (backend, key, origin_tag);

  return TRUE;
}

static gboolean
test_lock_backend_get_writable (GSettingsBackend *backend,
                                const char       *key)
{
  return !g_hash_table_contains (((TestLockBackend *) backend)->locks, key);
}

static void
test_lock_backend_finalize (GObject *object)
{
  TestLockBackend *self = (TestLockBackend *) object;

  g_hash_table_unref (self->values);
  g_hash_table_unref (self->locks);

  G_OBJECT_CLASS (test_lock_backend_parent_class)->finalize (object);
}

static void
test_lock_backend_class_init (TestLockBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_lock_backend_finalize;
  klass->read = test_lock_backend_read;
  klass->write = test_lock_backend_write;
  klass->get_writable = test_lock_backend_get_writable;
}

static void
test_lock_backend_init (TestLockBackend *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_variant_unref);
  self->locks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
test_lock_backend_lock (TestLockBackend *self,
                        const char      *key)
{
  g_hash_table_add (self->locks, g_strconcat (SCHEMA_PATH, key, NULL));
  g_settings_backend_path_writable_changed (G_SETTINGS_BACKEND (self), SCHEMA_PATH);
}

/* ---- fixture ----------------------------------------------------------- */

typedef struct
{
  GSettings    *settings;
  SlConnection *integration;
  SlConnection *user;
  GtkWidget    *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GSettingsBackend) backend = g_memory_settings_backend_new ();

  fixture->settings = g_settings_new_with_backend (SCHEMA_ID, backend);
  fixture->integration = sl_connection_new (SL_SLOT_INTEGRATION);
  fixture->user = sl_connection_new (SL_SLOT_USER);
}

static void
wait_for_idle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
open_window (Fixture *fixture)
{
  fixture->window = sl_preferences_window_new (NULL, fixture->settings,
                                               fixture->integration, fixture->user);
  gtk_window_present (GTK_WINDOW (fixture->window));
  wait_for_idle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  wait_for_idle ();
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->integration);
  g_clear_object (&fixture->user);
}

static gpointer
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (fixture->window,
                                                   SL_TYPE_PREFERENCES_WINDOW, name);

  g_assert_nonnull (object);

  return object;
}

/* Types @text into the entry row @row without pressing Enter. */
static void
type_only (Fixture    *fixture,
           const char *row,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (fixture, row)), text);
  wait_for_idle ();
}

/* Types @text into the entry row @row and presses Enter, which applies it. */
static void
type_into (Fixture    *fixture,
           const char *row,
           const char *text)
{
  type_only (fixture, row, text);
  g_signal_emit_by_name (child (fixture, row), "apply");
  wait_for_idle ();
}

static void
choose_host (Fixture *fixture,
             guint    position)
{
  adw_combo_row_set_selected (child (fixture, "login_host_row"), position);
  wait_for_idle ();
}

static void
assert_setting (Fixture    *fixture,
                const char *key,
                const char *expected)
{
  g_autofree char *value = g_settings_get_string (fixture->settings, key);

  g_assert_cmpstr (value, ==, expected);
}

static void
assert_message_shown (Fixture    *fixture,
                      const char *label_name,
                      const char *expected)
{
  GtkWidget *label = child (fixture, label_name);

  g_assert_true (gtk_widget_get_visible (label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, expected);
}

/* ---- login server ------------------------------------------------------ */

static void
test_host_invalid_rejected (Fixture       *fixture,
                            gconstpointer  data)
{
  const char *typed = "http://acme.my.salesforce.com";
  g_autoptr (GError) error = NULL;
  g_autofree char *normalized = sl_oauth_normalize_login_host (typed, &error);

  g_assert_null (normalized);
  open_window (fixture);

  choose_host (fixture, 2);
  type_into (fixture, "custom_host_row", typed);

  assert_setting (fixture, "login-host", "https://login.salesforce.com");
  assert_message_shown (fixture, "custom_host_message", error->message);
  g_assert_true (gtk_widget_has_css_class (child (fixture, "custom_host_row"), "error"));
  g_assert_true (gtk_widget_has_css_class (child (fixture, "custom_host_message"), "error"));
}

static void
test_host_valid_written (Fixture       *fixture,
                         gconstpointer  data)
{
  open_window (fixture);

  choose_host (fixture, 2);
  type_into (fixture, "custom_host_row", "https://Acme.my.salesforce.com/");

  assert_setting (fixture, "login-host", "https://acme.my.salesforce.com");
  g_assert_false (gtk_widget_get_visible (child (fixture, "custom_host_message")));
  g_assert_false (gtk_widget_has_css_class (child (fixture, "custom_host_row"), "error"));
  /* The text being typed is left as it is. */
  g_assert_cmpstr (gtk_editable_get_text (child (fixture, "custom_host_row")), ==,
                   "https://Acme.my.salesforce.com/");
}

/* Each prefix of a URL that is being typed may be valid on its own, such as
 * "https://my" on the way to "https://my org…": nothing is saved before the
 * user applies the text. */
static void
test_host_typing_not_saved (Fixture       *fixture,
                            gconstpointer  data)
{
  open_window (fixture);

  choose_host (fixture, 2);
  type_only (fixture, "custom_host_row", "https://my");
  type_only (fixture, "custom_host_row", "https://my org.my.salesforce.com");

  assert_setting (fixture, "login-host", "https://login.salesforce.com");
  g_assert_true (gtk_widget_has_css_class (child (fixture, "custom_host_row"), "error"));
}

static void
test_api_version_typing_not_saved (Fixture       *fixture,
                                   gconstpointer  data)
{
  open_window (fixture);

  type_only (fixture, "api_version_row", "6.0");

  assert_setting (fixture, "api-version", "62.0");
}

static void
test_host_sandbox_written (Fixture       *fixture,
                           gconstpointer  data)
{
  open_window (fixture);

  choose_host (fixture, 1);

  assert_setting (fixture, "login-host", "https://test.salesforce.com");
  g_assert_false (gtk_widget_get_visible (child (fixture, "custom_host_row")));
}

static void
test_host_loopback_shown_custom (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_settings_set_string (fixture->settings, "login-host", "http://127.0.0.1:8080");
  open_window (fixture);

  g_assert_cmpuint (adw_combo_row_get_selected (child (fixture, "login_host_row")), ==, 2);
  g_assert_true (gtk_widget_get_visible (child (fixture, "custom_host_row")));
  g_assert_cmpstr (gtk_editable_get_text (child (fixture, "custom_host_row")), ==,
                   "http://127.0.0.1:8080");
  g_assert_false (gtk_widget_get_visible (child (fixture, "custom_host_message")));
  assert_setting (fixture, "login-host", "http://127.0.0.1:8080");
}

static void
test_host_external_change_shown (Fixture       *fixture,
                                 gconstpointer  data)
{
  open_window (fixture);

  g_settings_set_string (fixture->settings, "login-host", "https://test.salesforce.com");
  wait_for_idle ();

  g_assert_cmpuint (adw_combo_row_get_selected (child (fixture, "login_host_row")), ==, 1);
}

/* ---- consumer key and API version -------------------------------------- */

static void
test_client_id_empty_rejected (Fixture       *fixture,
                               gconstpointer  data)
{
  g_settings_set_string (fixture->settings, "client-id", "OldKey");
  open_window (fixture);

  type_into (fixture, "client_id_row", "   ");

  assert_setting (fixture, "client-id", "OldKey");
  g_assert_true (gtk_widget_get_visible (child (fixture, "client_id_message")));
  g_assert_true (gtk_widget_has_css_class (child (fixture, "client_id_row"), "error"));
}

static void
test_client_id_trimmed (Fixture       *fixture,
                        gconstpointer  data)
{
  open_window (fixture);

  type_into (fixture, "client_id_row", "  3MVG9NewKey  ");

  assert_setting (fixture, "client-id", "3MVG9NewKey");
  g_assert_false (gtk_widget_get_visible (child (fixture, "client_id_message")));
}

static void
test_api_version_invalid_rejected (Fixture       *fixture,
                                   gconstpointer  data)
{
  static const char * const invalid[] = { "v62.0", "62", "62.", ".0", "62.0.1", "6a.0", "" };

  open_window (fixture);

  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_test_message ("API version “%s”", invalid[i]);
      type_into (fixture, "api_version_row", invalid[i]);

      assert_setting (fixture, "api-version", "62.0");
      g_assert_true (gtk_widget_get_visible (child (fixture, "api_version_message")));
      g_assert_true (gtk_widget_has_css_class (child (fixture, "api_version_row"), "error"));
    }
}

static void
test_api_version_valid_written (Fixture       *fixture,
                                gconstpointer  data)
{
  open_window (fixture);

  type_into (fixture, "api_version_row", "63.0");

  assert_setting (fixture, "api-version", "63.0");
  g_assert_false (gtk_widget_get_visible (child (fixture, "api_version_message")));
}

/* ---- network timeout --------------------------------------------------- */

static void
test_timeout_written (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkAdjustment *adjustment;

  open_window (fixture);
  adjustment = child (fixture, "timeout_adjustment");

  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 30);
  g_assert_cmpfloat (gtk_adjustment_get_lower (adjustment), ==, 5);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, 300);

  gtk_spin_button_set_value (child (fixture, "timeout_spin"), 45);
  wait_for_idle ();

  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "network-timeout"), ==, 45);
}

/* ---- lockdown ---------------------------------------------------------- */

/* Builds a keyfile backend that reads its locks from @defaults_dir/locks.
 * g_keyfile_settings_backend_new() always reads /etc/glib-2.0/settings, so
 * the backend is made with its "defaults-dir" property instead. */
static GSettingsBackend *
new_locked_keyfile_backend (const char *dir)
{
  g_autofree char *keyfile = g_build_filename (dir, "keyfile", NULL);
  g_autofree char *defaults = g_build_filename (dir, "defaults", NULL);
  g_autofree char *locks = g_build_filename (dir, "locks", NULL);
  g_autoptr (GSettingsBackend) probe = NULL;
  g_autoptr (GError) error = NULL;

  g_file_set_contents (defaults, "[connect]\n"
                                 "login-host='https://acme.my.salesforce.com'\n"
                                 "client-id='3MVG9Managed'\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (locks, SCHEMA_PATH "login-host\n"
                              SCHEMA_PATH "client-id\n"
                              SCHEMA_PATH "network-timeout\n", -1, &error);
  g_assert_no_error (error);

  /* The backend's type is private, so it is taken from an instance. */
  probe = g_keyfile_settings_backend_new (keyfile, SCHEMA_PATH, "connect");

  return g_object_new (G_OBJECT_TYPE (probe),
                       "filename", keyfile,
                       "root-path", SCHEMA_PATH,
                       "root-group", "connect",
                       "defaults-dir", dir,
                       NULL);
}

static void
test_lockdown_keyfile_locks (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("sl-prefs-XXXXXX", NULL);
  g_autoptr (GSettingsBackend) backend = new_locked_keyfile_backend (dir);

  g_clear_object (&fixture->settings);
  fixture->settings = g_settings_new_with_backend (SCHEMA_ID, backend);
  g_assert_false (g_settings_is_writable (fixture->settings, "login-host"));
  open_window (fixture);

  g_assert_false (gtk_widget_get_sensitive (child (fixture, "login_host_row")));
  g_assert_cmpstr (adw_action_row_get_subtitle (child (fixture, "login_host_row")), ==,
                   LOCKED_TEXT);
  g_assert_false (gtk_widget_get_sensitive (child (fixture, "custom_host_row")));
  g_assert_cmpstr (gtk_editable_get_text (child (fixture, "custom_host_row")), ==,
                   "https://acme.my.salesforce.com");
  g_assert_false (gtk_widget_get_sensitive (child (fixture, "client_id_row")));
  assert_message_shown (fixture, "client_id_message", LOCKED_TEXT);
  g_assert_false (gtk_widget_get_sensitive (child (fixture, "timeout_row")));
  g_assert_cmpstr (adw_action_row_get_subtitle (child (fixture, "timeout_row")), ==,
                   LOCKED_TEXT);
  /* A key without a lock stays editable. */
  g_assert_true (gtk_widget_get_sensitive (child (fixture, "api_version_row")));
  g_assert_false (gtk_widget_get_visible (child (fixture, "api_version_message")));

  gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&fixture->window)));
  g_clear_object (&fixture->settings);
  g_clear_object (&backend);
  wait_for_idle ();
  for (const char * const *name = (const char *[]) { "keyfile", "defaults", "locks", NULL };
       *name != NULL; name++)
    {
      g_autofree char *path = g_build_filename (dir, *name, NULL);
      g_remove (path);
    }
  g_rmdir (dir);
}

static void
test_lockdown_follows_writable_changed (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr (GSettingsBackend) backend = g_object_new (test_lock_backend_get_type (), NULL);

  g_clear_object (&fixture->settings);
  fixture->settings = g_settings_new_with_backend (SCHEMA_ID, backend);
  open_window (fixture);
  g_assert_true (gtk_widget_get_sensitive (child (fixture, "api_version_row")));

  test_lock_backend_lock ((TestLockBackend *) backend, "api-version");
  wait_for_idle ();

  g_assert_false (gtk_widget_get_sensitive (child (fixture, "api_version_row")));
  assert_message_shown (fixture, "api_version_message", LOCKED_TEXT);
  g_assert_true (gtk_widget_get_sensitive (child (fixture, "client_id_row")));
}

/* ---- warning for connected accounts ------------------------------------ */

static void
test_warning_when_connected (Fixture       *fixture,
                             gconstpointer  data)
{
  sl_connection_set_state (fixture->user, SL_CONNECTION_STATE_CONNECTED);
  open_window (fixture);
  g_assert_false (gtk_widget_get_visible (child (fixture, "warning_group")));

  choose_host (fixture, 1);

  g_assert_true (gtk_widget_get_visible (child (fixture, "warning_group")));
  /* Nothing is disconnected. */
  g_assert_cmpint (sl_connection_get_state (fixture->user), ==, SL_CONNECTION_STATE_CONNECTED);
}

static void
test_warning_when_needs_reauth (Fixture       *fixture,
                                gconstpointer  data)
{
  sl_connection_set_state (fixture->integration, SL_CONNECTION_STATE_NEEDS_REAUTH);
  open_window (fixture);

  type_into (fixture, "client_id_row", "3MVG9Other");

  g_assert_true (gtk_widget_get_visible (child (fixture, "warning_group")));
}

static void
test_no_warning_when_disconnected (Fixture       *fixture,
                                   gconstpointer  data)
{
  open_window (fixture);

  choose_host (fixture, 1);

  g_assert_false (gtk_widget_get_visible (child (fixture, "warning_group")));
}

static void
test_no_warning_for_api_version (Fixture       *fixture,
                                 gconstpointer  data)
{
  sl_connection_set_state (fixture->user, SL_CONNECTION_STATE_CONNECTED);
  open_window (fixture);

  type_into (fixture, "api_version_row", "63.0");

  g_assert_false (gtk_widget_get_visible (child (fixture, "warning_group")));
}

/* ---- main -------------------------------------------------------------- */

static void
add_test (const char *path,
          void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int    argc,
      char **argv)
{
  /* Xvfb has no GPU, so GTK would render with Mesa's software OpenGL,
   * which is much slower than Cairo and leaves allocations of Mesa's EGL
   * driver behind at exit. */
  g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  add_test ("/preferences/host/invalid-rejected", test_host_invalid_rejected);
  add_test ("/preferences/host/valid-written", test_host_valid_written);
  add_test ("/preferences/host/typing-not-saved", test_host_typing_not_saved);
  add_test ("/preferences/api-version/typing-not-saved", test_api_version_typing_not_saved);
  add_test ("/preferences/host/sandbox-written", test_host_sandbox_written);
  add_test ("/preferences/host/loopback-shown-custom", test_host_loopback_shown_custom);
  add_test ("/preferences/host/external-change-shown", test_host_external_change_shown);
  add_test ("/preferences/client-id/empty-rejected", test_client_id_empty_rejected);
  add_test ("/preferences/client-id/trimmed", test_client_id_trimmed);
  add_test ("/preferences/api-version/invalid-rejected", test_api_version_invalid_rejected);
  add_test ("/preferences/api-version/valid-written", test_api_version_valid_written);
  add_test ("/preferences/timeout/written", test_timeout_written);
  add_test ("/preferences/lockdown/keyfile-locks", test_lockdown_keyfile_locks);
  add_test ("/preferences/lockdown/writable-changed", test_lockdown_follows_writable_changed);
  add_test ("/preferences/warning/connected", test_warning_when_connected);
  add_test ("/preferences/warning/needs-reauth", test_warning_when_needs_reauth);
  add_test ("/preferences/warning/not-when-disconnected", test_no_warning_when_disconnected);
  add_test ("/preferences/warning/not-for-api-version", test_no_warning_for_api_version);

  return g_test_run ();
}
