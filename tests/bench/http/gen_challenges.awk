# SPDX-License-Identifier: AGPL-3.0-or-later
# gen_challenges.awk - a canonical CSV survey of ROWS distinct challenges (random words of a
# synthetic vocabulary, so that no two are deduplicated together), for the HTTP benchmark.
#   awk -v seed=S -v rows=N -v first=F -f gen_challenges.awk
# rows of distinct challenges: random words from a synthetic vocabulary
BEGIN {
    srand(seed); print "place,challenge,theme,importance,members"
    split("financement formation gouvernance communication documentation", themes, " ")
    c = "bcdfglmnprstvz"; v = "aeiou"
    for (i = 0; i < 4000; i++) {
        w = ""; n = 2 + int(rand() * 3)
        for (j = 0; j < n; j++) w = w substr(c, 1 + int(rand() * 14), 1) substr(v, 1 + int(rand() * 5), 1)
        vocab[i] = w
    }
    for (r = 0; r < rows; r++) {
        t = "Défi"
        for (k = 0; k < 7; k++) t = t " " vocab[int(rand() * 4000)]
        printf "Lieu %d,%s %d,%s,%d,%d\n", r % 3000, t, first + r, themes[1 + r % 5], 1 + r % 5, 10 + r % 200
    }
}
