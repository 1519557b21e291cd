namespace Slipway.Queue.Redis;

/// <summary>
/// The Lua scripts of the Redis engine. Each runs atomically on the server, which is what makes a lease, a fenced
/// change or a bulk enqueue all-or-nothing (the role a transaction plays in the SQL engines). Every script takes the
/// key base (<c>{prefix}:</c>) as ARGV[1] and instants as Unix milliseconds from the caller's clock (as the SQL engines
/// do), so tests can drive time.
///
/// Keys, for a job id N and a queue Q:
///   job:N          hash: q s p pr a b mx c v f k e o m (queue, state, payload, priority, attempt, attempt base,
///                  max attempts, created, visible, finished, key, last error, output, member in waiting)
///   q:Q:all        zset of every job of Q, score = id (peek, purge)
///   q:Q:waiting    zset of ready jobs visible now: score = −priority, member = "visible:id" zero-padded, so ZRANGE
///                  gives priority DESC, visible time, id: the SQL engines' ORDER BY
///   q:Q:delayed    zset of ready jobs not visible yet, score = visible time (moved to waiting by the next lease)
///   q:Q:ready_at   zset of all ready jobs, score = visible time (stats: ready, scheduled, oldest)
///   q:Q:running    zset of leased jobs, score = lease end (the rescue looks at the expired ones)
///   q:Q:done, q:Q:dead   zsets of finished jobs, score = finished time (retention)
///   q:Q:keys       hash idempotency key → id
///   q:Q:rate       a rate-limited queue's token bucket: when it is full again, Unix ms (Internal/RateGate.cs)
///   queues         set of queue names; seq: the id counter
/// The keys are computed inside the scripts, so the engine needs one Redis (not a cluster): the hash tag keeps them in
/// one slot all the same.
/// </summary>
internal static class RedisScripts
{
    private const string Common =
        """
        local B = ARGV[1]
        local function jk(id) return B .. 'job:' .. id end
        local function qk(q, name) return B .. 'q:' .. q .. ':' .. name end
        local function member(v, id) return string.format('%016d:%016d', tonumber(v), tonumber(id)) end
        local function id_of(m) return tostring(tonumber(string.sub(m, 18))) end
        local function make_ready(id, q, pr, v, now)
          redis.call('ZADD', qk(q, 'ready_at'), v, id)
          if tonumber(v) <= tonumber(now) then
            local m = member(v, id)
            redis.call('ZADD', qk(q, 'waiting'), -tonumber(pr), m)
            redis.call('HSET', jk(id), 'm', m)
          else
            redis.call('ZADD', qk(q, 'delayed'), v, id)
          end
        end
        local function unlist(id, q)
          local m = redis.call('HGET', jk(id), 'm')
          if m then
            redis.call('ZREM', qk(q, 'waiting'), m)
            redis.call('HDEL', jk(id), 'm')
          end
          redis.call('ZREM', qk(q, 'delayed'), id)
          redis.call('ZREM', qk(q, 'ready_at'), id)
          redis.call('ZREM', qk(q, 'running'), id)
          redis.call('ZREM', qk(q, 'done'), id)
          redis.call('ZREM', qk(q, 'dead'), id)
        end
        local function remove(id)
          local h = redis.call('HMGET', jk(id), 'q', 'k')
          local q, k = h[1], h[2]
          if not q then return 0 end
          unlist(id, q)
          redis.call('ZREM', qk(q, 'all'), id)
          if k and redis.call('HGET', qk(q, 'keys'), k) == tostring(id) then
            redis.call('HDEL', qk(q, 'keys'), k)
          end
          redis.call('DEL', jk(id))
          return 1
        end
        local function fenced(id, at)
          local h = redis.call('HMGET', jk(id), 's', 'a', 'q')
          if h[1] == '1' and h[2] == at then return h[3] end
          return false
        end

        """;

    /// <summary>ARGV: base, now, n, then per job: queue, payload, priority, visible, max attempts, has key, key. Returns id, created pairs.</summary>
    public const string Enqueue = Common +
        """
        local now = ARGV[2]
        local n = tonumber(ARGV[3])
        local out = {}
        local woken = {}
        for i = 0, n - 1 do
          local o = 4 + i * 7
          local q, payload, pr, v, mx, haskey, key = ARGV[o], ARGV[o + 1], ARGV[o + 2], ARGV[o + 3], ARGV[o + 4], ARGV[o + 5], ARGV[o + 6]
          local existing = false
          if haskey == '1' then existing = redis.call('HGET', qk(q, 'keys'), key) end
          if existing then
            out[#out + 1] = tonumber(existing)
            out[#out + 1] = 0
          else
            local id = redis.call('INCR', B .. 'seq')
            redis.call('HSET', jk(id), 'q', q, 's', 0, 'p', payload, 'pr', pr, 'a', 0, 'b', 0, 'mx', mx, 'c', now, 'v', v)
            if haskey == '1' then
              redis.call('HSET', jk(id), 'k', key)
              redis.call('HSET', qk(q, 'keys'), key, id)
            end
            redis.call('ZADD', qk(q, 'all'), id, id)
            redis.call('SADD', B .. 'queues', q)
            make_ready(id, q, pr, v, now)
            if tonumber(v) <= tonumber(now) then woken[q] = true end
            out[#out + 1] = id
            out[#out + 1] = 1
          end
        end
        for q, _ in pairs(woken) do redis.call('PUBLISH', B .. 'ready', q) end
        return out
        """;

    /// <summary>
    /// ARGV: base, queue, now, until, max, limit (−1: none), rate count (−1: none), rate period in ms. Moves due scheduled
    /// jobs to waiting, rescues expired leases (dead-letters those on their last attempt), then leases as many as the
    /// limit and the rate bucket allow (q:Q:rate, when the bucket is full again: Internal/RateGate.cs, the same
    /// arithmetic). Returns id, payload, priority, attempt, used, max per job.
    /// </summary>
    public const string Lease = Common +
        """
        local q, now, untl, max, limit = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
        local rcount, rper = tonumber(ARGV[7]), tonumber(ARGV[8])
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', qk(q, 'delayed'), '-inf', now)) do
          redis.call('ZREM', qk(q, 'delayed'), id)
          local h = redis.call('HMGET', jk(id), 'pr', 'v')
          local m = member(h[2], id)
          redis.call('ZADD', qk(q, 'waiting'), -tonumber(h[1]), m)
          redis.call('HSET', jk(id), 'm', m)
        end
        local lost = redis.call('ZRANGEBYSCORE', qk(q, 'running'), '-inf', now, 'WITHSCORES')
        for i = 1, #lost, 2 do
          local id, expiry = lost[i], lost[i + 1]
          redis.call('ZREM', qk(q, 'running'), id)
          local h = redis.call('HMGET', jk(id), 'a', 'b', 'mx', 'pr')
          local used = tonumber(h[1]) - tonumber(h[2])
          if used >= tonumber(h[3]) then
            redis.call('HSET', jk(id), 's', 3, 'f', now, 'v', now,
              'e', 'attempt ' .. used .. ' of ' .. h[3] .. ': lease expired (worker lost)')
            redis.call('ZADD', qk(q, 'dead'), now, id)
          else
            redis.call('HSET', jk(id), 's', 0, 'v', expiry, 'e', 'attempt ' .. used .. ': lease expired (worker lost)')
            make_ready(id, q, h[4], expiry, now)
          end
        end
        local allowed = max
        if limit >= 0 then allowed = math.min(max, limit - redis.call('ZCARD', qk(q, 'running'))) end
        local from, interval = tonumber(now), 0
        if rcount > 0 and allowed > 0 then
          interval = rper / rcount
          local full_at = tonumber(redis.call('GET', qk(q, 'rate')) or now)
          if full_at > from then from = full_at end
          allowed = math.min(allowed, math.floor((tonumber(now) + rper - from) / interval + 1e-6))
        end
        local res = {}
        if allowed > 0 then
          for _, m in ipairs(redis.call('ZRANGE', qk(q, 'waiting'), 0, allowed - 1)) do
            local id = id_of(m)
            redis.call('ZREM', qk(q, 'waiting'), m)
            redis.call('ZREM', qk(q, 'ready_at'), id)
            local a = redis.call('HINCRBY', jk(id), 'a', 1)
            redis.call('HSET', jk(id), 's', 1, 'v', untl)
            redis.call('HDEL', jk(id), 'm')
            redis.call('ZADD', qk(q, 'running'), untl, id)
            local h = redis.call('HMGET', jk(id), 'p', 'pr', 'b', 'mx')
            res[#res + 1] = tonumber(id)
            res[#res + 1] = h[1]
            res[#res + 1] = tonumber(h[2])
            res[#res + 1] = a
            res[#res + 1] = a - tonumber(h[3])
            res[#res + 1] = tonumber(h[4])
          end
        end
        if interval > 0 and #res > 0 then
          redis.call('SET', qk(q, 'rate'), string.format('%.3f', from + (#res / 6) * interval))
        end
        return res
        """;

    /// <summary>ARGV: base, until, n, then id, attempt pairs. Returns the 0-based indexes of the leases still held.</summary>
    public const string Heartbeat = Common +
        """
        local untl, n = ARGV[2], tonumber(ARGV[3])
        local held = {}
        for i = 0, n - 1 do
          local id, at = ARGV[4 + 2 * i], ARGV[5 + 2 * i]
          local q = fenced(id, at)
          if q then
            redis.call('HSET', jk(id), 'v', untl)
            redis.call('ZADD', qk(q, 'running'), untl, id)
            held[#held + 1] = i
          end
        end
        return held
        """;

    /// <summary>ARGV: base, now, n, then id, attempt, has output, output. Returns the 0-based indexes completed.</summary>
    public const string Complete = Common +
        """
        local now, n = ARGV[2], tonumber(ARGV[3])
        local held = {}
        for i = 0, n - 1 do
          local o = 4 + 4 * i
          local id, at = ARGV[o], ARGV[o + 1]
          local q = fenced(id, at)
          if q then
            redis.call('HSET', jk(id), 's', 2, 'f', now, 'v', now)
            if ARGV[o + 2] == '1' then redis.call('HSET', jk(id), 'o', ARGV[o + 3]) else redis.call('HDEL', jk(id), 'o') end
            redis.call('ZREM', qk(q, 'running'), id)
            redis.call('ZADD', qk(q, 'done'), now, id)
            held[#held + 1] = i
          end
        end
        return held
        """;

    /// <summary>ARGV: base, now, id, attempt. Ready at once; the attempt does not count. Returns 1, or 0 when not held.</summary>
    public const string GiveBack = Common +
        """
        local now, id, at = ARGV[2], ARGV[3], ARGV[4]
        local q = fenced(id, at)
        if not q then return 0 end
        redis.call('ZREM', qk(q, 'running'), id)
        redis.call('HINCRBY', jk(id), 'b', 1)
        redis.call('HSET', jk(id), 's', 0, 'v', now)
        make_ready(id, q, redis.call('HGET', jk(id), 'pr'), now, now)
        redis.call('PUBLISH', B .. 'ready', q)
        return 1
        """;

    /// <summary>
    /// ARGV: base, now, id, attempt, dead (1/0), visible, error, has output, output. The caller planned the outcome
    /// from a read of the same attempt; the fence here refuses it if the job moved on since. Returns 1 or 0.
    /// </summary>
    public const string Fail = Common +
        """
        local now, id, at, dead, visible = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
        local q = fenced(id, at)
        if not q then return 0 end
        redis.call('ZREM', qk(q, 'running'), id)
        if ARGV[8] == '1' then redis.call('HSET', jk(id), 'o', ARGV[9]) else redis.call('HDEL', jk(id), 'o') end
        if dead == '1' then
          redis.call('HSET', jk(id), 's', 3, 'v', now, 'f', now, 'e', ARGV[7])
          redis.call('ZADD', qk(q, 'dead'), now, id)
        else
          redis.call('HSET', jk(id), 's', 0, 'v', visible, 'e', ARGV[7])
          make_ready(id, q, redis.call('HGET', jk(id), 'pr'), visible, now)
        end
        return 1
        """;

    /// <summary>ARGV: base, queue, now. Returns ready, scheduled, running, succeeded, dead, oldest visible time (−1: none).</summary>
    public const string Stats = Common +
        """
        local q, now = ARGV[2], ARGV[3]
        local oldest = redis.call('ZRANGEBYSCORE', qk(q, 'ready_at'), '-inf', now, 'WITHSCORES', 'LIMIT', 0, 1)
        return {
          redis.call('ZCOUNT', qk(q, 'ready_at'), '-inf', now),
          redis.call('ZCOUNT', qk(q, 'ready_at'), '(' .. now, '+inf'),
          redis.call('ZCARD', qk(q, 'running')),
          redis.call('ZCARD', qk(q, 'done')),
          redis.call('ZCARD', qk(q, 'dead')),
          oldest[2] and tonumber(oldest[2]) or -1 }
        """;

    /// <summary>Every script (loaded once per connection, then called by hash).</summary>
    public static IReadOnlyList<string> All { get; } =
        [Enqueue, Lease, Heartbeat, Complete, GiveBack, Fail, Stats, Peek, Replay, Delete, Purge, Prune];

    /// <summary>The job hash fields <see cref="Peek"/> returns after each id, in this order (GetAsync reads the same).</summary>
    public static readonly string[] JobFields = ["q", "s", "p", "pr", "a", "b", "mx", "c", "v", "f", "k", "e", "o"];

    /// <summary>
    /// ARGV: base, queue, after id, limit, state (−1: any), retrying (1: only jobs with attempts used, attempt above its
    /// base). Returns id then <see cref="JobFields"/> per job, by id.
    /// </summary>
    public const string Peek = Common +
        """
        local q, after, limit, state, retrying = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6] == '1'
        local res, found = {}, 0
        local cursor = '(' .. after
        while found < limit do
          local ids = redis.call('ZRANGEBYSCORE', qk(q, 'all'), cursor, '+inf', 'LIMIT', 0, 500)
          if #ids == 0 then break end
          for _, id in ipairs(ids) do
            local h = redis.call('HMGET', jk(id), 'q', 's', 'p', 'pr', 'a', 'b', 'mx', 'c', 'v', 'f', 'k', 'e', 'o')
            if h[1] and (state == '-1' or h[2] == state) and (not retrying or tonumber(h[5]) > tonumber(h[6])) then
              res[#res + 1] = id
              for j = 1, 13 do res[#res + 1] = h[j] end
              found = found + 1
              if found >= limit then break end
            end
          end
          cursor = '(' .. ids[#ids]
        end
        return res
        """;

    /// <summary>ARGV: base, queue, now, n (−1: every dead job), ids. Returns the number replayed.</summary>
    public const string Replay = Common +
        """
        local q, now, n = ARGV[2], ARGV[3], tonumber(ARGV[4])
        local ids = {}
        if n < 0 then ids = redis.call('ZRANGE', qk(q, 'dead'), 0, -1) else for i = 1, n do ids[i] = ARGV[4 + i] end end
        local count = 0
        for _, id in ipairs(ids) do
          if redis.call('ZSCORE', qk(q, 'dead'), id) then
            redis.call('ZREM', qk(q, 'dead'), id)
            local h = redis.call('HMGET', jk(id), 'a', 'pr')
            redis.call('HSET', jk(id), 's', 0, 'v', now, 'b', h[1])
            redis.call('HDEL', jk(id), 'f')
            make_ready(id, q, h[2], now, now)
            count = count + 1
          end
        end
        if count > 0 then redis.call('PUBLISH', B .. 'ready', q) end
        return count
        """;

    /// <summary>ARGV: base, queue, ids. Returns the number deleted (only the queue's own jobs).</summary>
    public const string Delete = Common +
        """
        local q = ARGV[2]
        local count = 0
        for i = 3, #ARGV do
          if redis.call('HGET', jk(ARGV[i]), 'q') == q then count = count + remove(ARGV[i]) end
        end
        return count
        """;

    /// <summary>ARGV: base, queue, state (−1: all). Returns the number deleted.</summary>
    public const string Purge = Common +
        """
        local q, state = ARGV[2], ARGV[3]
        local index = ({ ['-1'] = 'all', ['0'] = 'ready_at', ['1'] = 'running', ['2'] = 'done', ['3'] = 'dead' })[state]
        local count = 0
        for _, id in ipairs(redis.call('ZRANGE', qk(q, index), 0, -1)) do count = count + remove(id) end
        return count
        """;

    /// <summary>ARGV: base, now, succeeded age ms, succeeded cap, dead age ms, dead cap. Returns the number removed.</summary>
    public const string Prune = Common +
        """
        local now = tonumber(ARGV[2])
        local rules = { { 'done', tonumber(ARGV[3]), tonumber(ARGV[4]) }, { 'dead', tonumber(ARGV[5]), tonumber(ARGV[6]) } }
        local count = 0
        for _, q in ipairs(redis.call('SMEMBERS', B .. 'queues')) do
          for _, rule in ipairs(rules) do
            local index = qk(q, rule[1])
            for _, id in ipairs(redis.call('ZRANGEBYSCORE', index, '-inf', '(' .. string.format('%d', now - rule[2]))) do
              count = count + remove(id)
            end
            local over = redis.call('ZCARD', index) - rule[3]
            if over > 0 then
              for _, id in ipairs(redis.call('ZRANGE', index, 0, over - 1)) do count = count + remove(id) end
            end
          end
        end
        return count
        """;
}
