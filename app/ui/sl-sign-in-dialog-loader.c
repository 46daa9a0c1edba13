/* sl-sign-in-dialog-loader.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sign-in dialog is the only part of the app that needs WebKitGTK, a
 * large library that slows every start-up by tens of milliseconds just by
 * being linked. So the dialog lives in a module of its own, loaded the
 * first time a sign-in starts, and these functions forward the dialog's
 * API to it. The module is linked with -Bsymbolic, so inside it the same
 * names refer to its own definitions, never back to these.
 *
 * The module cannot be unloaded (see sl-memory.c), so once the last dialog
 * is gone the pages of the libraries it loaded are released instead.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>

#include "sl-memory.h"
#include "sl-sign-in-dialog.h"

#define MODULE_NAME "sl-sign-in-dialog.so"

/* The delay between the last dialog going and the release of its memory,
 * so that WebKit has finished its own clean-up. */
#define RELEASE_DELAY_SECONDS 1

typedef GType            (*GetTypeFunc)         (void);
typedef SlSignInDialog * (*NewFunc)             (GtkWindow      *parent,
                                                 const char     *authorize_uri);
typedef gboolean         (*ReceiveFunc)         (SlSignInDialog *self,
                                                 const char     *uri);
typedef gboolean         (*HasCallbackFunc)     (SlSignInDialog *self);
typedef void             (*RejectPastedFunc)    (SlSignInDialog *self,
                                                 const char     *reason);

static struct
{
  GetTypeFunc      get_type;
  NewFunc          new_dialog;
  ReceiveFunc      receive_callback;
  HasCallbackFunc  has_callback;
  RejectPastedFunc reject_pasted;
} module_api;

/* The files mapped before the module was loaded, the number of dialogs
 * that exist, and the pending release of memory. */
static GHashTable *files_before_module;
static guint       live_dialogs;
static guint       release_source;

/* The module sits in app/ui/ beside the window program in the build tree,
 * and in PKGLIBDIR once installed. */
static char *
find_module (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *folder = self != NULL ? g_path_get_dirname (self) : NULL;
  g_autofree char *beside = NULL;

  if (folder != NULL)
    beside = g_build_filename (folder, "ui", MODULE_NAME, NULL);
  if (beside != NULL && g_file_test (beside, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&beside);

  return g_build_filename (PKGLIBDIR, MODULE_NAME, NULL);
}

static gboolean
look_up (GModule     *module,
         const char  *name,
         gpointer    *symbol,
         GError     **error)
{
  if (g_module_symbol (module, name, symbol) && *symbol != NULL)
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               /* Translators: %s is a function name inside the sign-in module. */
               _("The sign-in page module is incomplete (%s is missing). Reinstall "
                 "SupportLogic Connect."), name);
  return FALSE;
}

gboolean
sl_sign_in_dialog_load (GError **error)
{
  g_autofree char *path = NULL;
  GModule *module;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (module_api.get_type != NULL)
    return TRUE;

  path = find_module ();
  files_before_module = sl_memory_snapshot ();
  g_debug ("Loading the sign-in page module %s", path);
  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   /* Translators: %s is the reason the system reports. */
                   _("The sign-in page cannot be shown: %s"), g_module_error ());
      return FALSE;
    }

  /* The dialog's type stays registered, so the module must stay too. */
  g_module_make_resident (module);

  return look_up (module, "sl_sign_in_dialog_get_type",
                  (gpointer *) &module_api.get_type, error)
         && look_up (module, "sl_sign_in_dialog_new",
                     (gpointer *) &module_api.new_dialog, error)
         && look_up (module, "sl_sign_in_dialog_receive_callback",
                     (gpointer *) &module_api.receive_callback, error)
         && look_up (module, "sl_sign_in_dialog_has_callback",
                     (gpointer *) &module_api.has_callback, error)
         && look_up (module, "sl_sign_in_dialog_reject_pasted",
                     (gpointer *) &module_api.reject_pasted, error);
}

GType
sl_sign_in_dialog_get_type (void)
{
  g_return_val_if_fail (module_api.get_type != NULL, G_TYPE_INVALID);

  return module_api.get_type ();
}

static gboolean
release_memory (gpointer user_data)
{
  release_source = 0;
  sl_memory_release_file_pages (files_before_module);

  return G_SOURCE_REMOVE;
}

static void
on_dialog_finalized (gpointer  user_data,
                     GObject  *where_the_object_was)
{
  live_dialogs--;
  if (live_dialogs == 0 && release_source == 0)
    release_source = g_timeout_add_seconds (RELEASE_DELAY_SECONDS, release_memory, NULL);
}

SlSignInDialog *
sl_sign_in_dialog_new (GtkWindow  *parent,
                       const char *authorize_uri)
{
  SlSignInDialog *dialog;

  g_return_val_if_fail (module_api.new_dialog != NULL, NULL);

  g_clear_handle_id (&release_source, g_source_remove);
  dialog = module_api.new_dialog (parent, authorize_uri);
  live_dialogs++;
  g_object_weak_ref (G_OBJECT (dialog), on_dialog_finalized, NULL);

  return dialog;
}

gboolean
sl_sign_in_dialog_receive_callback (SlSignInDialog *self,
                                    const char     *uri)
{
  g_return_val_if_fail (module_api.receive_callback != NULL, FALSE);

  return module_api.receive_callback (self, uri);
}

gboolean
sl_sign_in_dialog_has_callback (SlSignInDialog *self)
{
  g_return_val_if_fail (module_api.has_callback != NULL, FALSE);

  return module_api.has_callback (self);
}

void
sl_sign_in_dialog_reject_pasted (SlSignInDialog *self,
                                 const char     *reason)
{
  g_return_if_fail (module_api.reject_pasted != NULL);

  module_api.reject_pasted (self, reason);
}
