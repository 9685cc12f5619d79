/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* error.c - the engine's error domain. */
#include "engine/error.h"

#include <string.h>

G_DEFINE_QUARK(defis-error-quark, defis_error)

char *defis_quote(const char *text, gssize length, gsize max)
{
    if (!text)
        return g_strdup("");
    gsize n = length < 0 ? strlen(text) : (gsize)length;
    GString *out = g_string_sized_new(MIN(n, max) + 8);
    const char *p = text, *end = text + n;
    while (p < end) {
        if ((gsize)(p - text) >= max) {
            g_string_append(out, "\u2026");
            break;
        }
        gunichar c = g_utf8_get_char_validated(p, end - p);
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            g_string_append_printf(out, "\\x%02X", (guchar)*p);
            p++;
        } else if (c < 0x20 || c == 0x7f) {
            g_string_append_printf(out, "\\x%02X", (guchar)c);
            p++;
        } else {
            const char *next = g_utf8_next_char(p);
            g_string_append_len(out, p, next - p);
            p = next;
        }
    }
    return g_string_free(out, FALSE);
}

char *defis_message_valid(const char *message, gsize max)
{
    if (message && strlen(message) <= max && g_utf8_validate(message, -1, NULL))
        return g_strdup(message);
    return defis_quote(message, -1, max);
}
