/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* error.c - the surveys layer's error domain. */
#include "surveys/error.h"

G_DEFINE_QUARK(survey-error-quark, survey_error)
