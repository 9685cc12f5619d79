-- SPDX-License-Identifier: AGPL-3.0-or-later
-- upload.lua - wrk script: POST /v1/surveys with a 1,000-row CSV survey whose last row
-- differs on every request (thread id and counter), so that no upload is a duplicate.
-- Environment: BENCH_UPLOAD_BASE (the 999 first rows, header included), BENCH_TOKEN.
local counter = 0
thread_id = 0 -- set per thread by setup()
local next_id = 0
local base = nil

function setup(thread)
    thread:set("thread_id", next_id)
    next_id = next_id + 1
end

function init(args)
    local f = assert(io.open(os.getenv("BENCH_UPLOAD_BASE"), "rb"))
    base = f:read("*a")
    f:close()
    wrk.headers["Content-Type"] = "text/csv"
    wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
end

function request()
    counter = counter + 1
    local body = base .. string.format("Lieu bench,Défi unique du fil %d numéro %d,financement,3,10\n",
                                       thread_id, counter)
    return wrk.format("POST", "/v1/surveys", nil, body)
end
