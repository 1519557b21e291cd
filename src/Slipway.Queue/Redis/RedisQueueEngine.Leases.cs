using Slipway.Queue.Internal;
using StackExchange.Redis;

namespace Slipway.Queue.Redis;

/// <summary>Leasing and the fenced changes that follow a lease (each a script that checks state = running and the attempt).</summary>
internal sealed partial class RedisQueueEngine
{
    public async Task<IReadOnlyList<LeasedJob>> LeaseAsync(string queue, int max, TimeSpan lease, CancellationToken ct)
    {
        QueueNames.Check(queue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        await PruneIfDueAsync(ct);
        var now = NowMs();
        var until = now + (long)lease.TotalMilliseconds;
        var limit = _options.ConcurrencyLimits.TryGetValue(queue, out var cap) ? cap : -1;
        var (rateCount, ratePerMs) = _options.RateLimits.TryGetValue(queue, out var rate) ? (rate.Count, rate.Per.TotalMilliseconds) : (-1, 0.0);
        var reply = (RedisResult[])(await RunAsync(RedisScripts.Lease, Args(queue, now, until, max, limit, rateCount, ratePerMs), ct))!;
        var leased = new List<LeasedJob>(reply.Length / 6);
        for (var i = 0; i + 5 < reply.Length; i += 6)
        {
            leased.Add(new LeasedJob((long)reply[i], queue, (string)reply[i + 1]!, (int)reply[i + 2], (int)reply[i + 3],
                (int)reply[i + 4], (int)reply[i + 5], UnixMs.To(until)));
        }

        return leased;
    }

    public async Task<IReadOnlyList<JobLease>> HeartbeatAsync(IReadOnlyList<JobLease> leases, TimeSpan lease, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(leases);
        if (leases.Count == 0)
        {
            return [];
        }

        var args = Args(NowMs() + (long)lease.TotalMilliseconds, leases.Count);
        foreach (var held in leases)
        {
            args.Add(held.JobId);
            args.Add(held.Attempt);
        }

        return Pick(leases, await RunAsync(RedisScripts.Heartbeat, args, ct));
    }

    public async Task<bool> CompleteAsync(JobLease lease, string? output, CancellationToken ct) =>
        (await CompleteManyAsync([new JobCompletion(lease, output)], ct)).Count == 1;

    public async Task<IReadOnlyList<JobLease>> CompleteManyAsync(IReadOnlyList<JobCompletion> completions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(completions);
        if (completions.Count == 0)
        {
            return [];
        }

        var args = Args(NowMs(), completions.Count);
        foreach (var completion in completions)
        {
            var output = TextLimit.Tail(completion.Output, _options.OutputLimit);
            args.Add(completion.Lease.JobId);
            args.Add(completion.Lease.Attempt);
            args.Add(output is null ? "0" : "1");
            args.Add(output ?? "");
        }

        return Pick([.. completions.Select(c => c.Lease)], await RunAsync(RedisScripts.Complete, args, ct));
    }

    public async Task<bool> GiveBackAsync(JobLease lease, CancellationToken ct)
    {
        var reply = await RunAsync(RedisScripts.GiveBack, Args(NowMs(), lease.JobId, lease.Attempt), ct);
        var back = (long)reply == 1;
        return back;
    }

    public async Task<FailResult> FailAsync(JobLease lease, JobFailure failure, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var now = _time.GetUtcNow();

        // Read, plan (the backoff's jitter is drawn here), then apply fenced: if the job moved on in between, refused.
        var fields = await CallAsync(Db.HashGetAsync(_url.KeyBase + "job:" + lease.JobId, ["s", "a", "b", "mx"]), ct);
        if (fields[0] != "1" || fields[1] != lease.Attempt)
        {
            return new FailResult(FailOutcome.Refused);
        }

        var result = FailPlanner.Plan((int)fields[1] - (int)fields[2], (int)fields[3], now, _options.Retry, _options.JitterSource());
        var output = TextLimit.Tail(failure.Output, _options.OutputLimit);
        var args = Args(UnixMs.From(now), lease.JobId, lease.Attempt, result.Outcome == FailOutcome.Dead ? "1" : "0",
            UnixMs.From(result.RetryAt ?? now), TextLimit.Tail(failure.Message, _options.OutputLimit) ?? "",
            output is null ? "0" : "1", output ?? "");
        return (long)await RunAsync(RedisScripts.Fail, args, ct) == 1 ? result : new FailResult(FailOutcome.Refused);
    }

    /// <summary>The leases whose 0-based indexes a script returned.</summary>
    private static List<JobLease> Pick(IReadOnlyList<JobLease> leases, RedisResult reply) =>
        [.. ((RedisResult[])reply!).Select(index => leases[(int)index])];
}
