-- SPDX-License-Identifier: AGPL-3.0-or-later
-- reads.lua - wrk script: a mix of reads, as leads and campaign tooling make them: the
-- ranking (first page, a filtered page, a search), a challenge by id, the commons, the
-- shortlists, the networks, health. Environment: BENCH_TOKEN, BENCH_CHALLENGES (ids
-- 1..N exist).
local paths = {
    "/v1/challenges?limit=50",
    "/v1/challenges?limit=20&min_places=2",
    "/v1/challenges?limit=20&search=financer",
    "CHALLENGE",
    "/v1/commons",
    "/v1/shortlists",
    "/v1/networks",
    "/v1/health",
}
local n = 0
local challenges = 1

function init(args)
    wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
    challenges = tonumber(os.getenv("BENCH_CHALLENGES")) or 1
    math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
    n = n + 1
    local path = paths[(n % #paths) + 1]
    if path == "CHALLENGE" then
        path = "/v1/challenges/" .. math.random(1, challenges)
    end
    return wrk.format("GET", path)
end
