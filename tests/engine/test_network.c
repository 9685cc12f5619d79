/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_network.c - adding, finding and listing networks. */
#include "helpers.h"

#include "engine/error.h"
#include "engine/network.h"

static char *dir;
static DefisStore *store;

static int setup(void **state)
{
    dir = test_tmpdir();
    g_autofree char *db = g_build_filename(dir, "t.db", NULL);
    store = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    return store ? 0 : -1;
}

static int teardown(void **state)
{
    g_clear_pointer(&store, defis_store_close);
    test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    return 0;
}

static void test_network__add_find_list(void **state)
{
    GError *error = NULL;
    gint64 id = defis_network_add(store, "Réseau Sud", "Provence", "test", &error);
    assert_true(id > 0);
    assert_int_equal(defis_network_find(store, "Réseau Sud", &error), id);
    g_autoptr(json_t) list = defis_network_list(store, &error);
    assert_int_equal(json_array_size(list), 1);
    json_t *n = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(n, "name")), "Réseau Sud");
    assert_string_equal(json_string_value(json_object_get(n, "region")), "Provence");
    assert_int_equal(json_integer_value(json_object_get(n, "surveys")), 0);
}

static void test_network__refuses_a_taken_name(void **state)
{
    GError *error = NULL;
    assert_true(defis_network_add(store, "Nord", NULL, "test", NULL) > 0);
    assert_int_equal(defis_network_add(store, "Nord", NULL, "test", &error), 0);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT));
    assert_non_null(strstr(error->message, "Nord"));
    g_error_free(error);
}

static void test_network__refuses_bad_names(void **state)
{
    const char *bad[] = {"", " leading", "trailing ", "tab\there", "\xff\xfe", NULL};
    for (const char **name = bad; *name; name++) {
        GError *error = NULL;
        assert_int_equal(defis_network_add(store, *name, NULL, "test", &error), 0);
        assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
        g_error_free(error);
    }
    g_autofree char *long_name = g_strnfill(DEFIS_NETWORK_NAME_MAX + 1, 'a');
    GError *error = NULL;
    assert_int_equal(defis_network_add(store, long_name, NULL, "test", &error), 0);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
    g_error_free(error);
    g_autoptr(json_t) list = defis_network_list(store, NULL);
    assert_int_equal(json_array_size(list), 0);
}

static void test_network__unknown_is_not_found(void **state)
{
    GError *error = NULL;
    assert_int_equal(defis_network_find(store, "Absent", &error), 0);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND));
    assert_non_null(strstr(error->message, "defis network add"));
    g_error_free(error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_network__add_find_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_network__refuses_a_taken_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_network__refuses_bad_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_network__unknown_is_not_found, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
