using Slipway.Testing;

namespace Slipway.Queue.Tests.Contract;

/// <summary>The contract on the embedded engine: a SQLite file per store in a temp dir.</summary>
public sealed class SqliteEngineTests : QueueEngineContract, IDisposable
{
    private readonly TempDir _dir = new("slipway-queue-");
    private int _stores;

    protected override Task<string> NewStoreAsync(CancellationToken ct) =>
        Task.FromResult("sqlite://" + _dir.File($"queue-{Interlocked.Increment(ref _stores)}.db"));

    [Fact(Timeout = 60_000)]
    public async Task A_store_keeps_its_schema_version_an_older_store_gets_it_and_a_newer_one_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using (var engine = await OpenAsync(url))
        {
            await engine.EnqueueAsync(Job("kept"), ct);
        }

        (await SqlAsync(url, "SELECT version FROM slipway_queue_schema")).ShouldBe(2L);

        // A store of version 1 (before the per-state counters): opening it counts its jobs once and records version 2.
        await SqlAsync(url, "DELETE FROM slipway_counts; UPDATE slipway_queue_schema SET version = 1");
        await using (var engine = await OpenAsync(url))
        {
            (await engine.StatsAsync("mail", ct)).Ready.ShouldBe(1);
        }

        (await SqlAsync(url, "SELECT version FROM slipway_queue_schema")).ShouldBe(2L);

        // A store made before the version was kept: opening it records the version and keeps its jobs.
        await SqlAsync(url, "DROP TABLE slipway_queue_schema");
        await using (var engine = await OpenAsync(url))
        {
            (await engine.StatsAsync("mail", ct)).Ready.ShouldBe(1);
        }

        (await SqlAsync(url, "SELECT count(*) FROM slipway_queue_schema WHERE version = 2")).ShouldBe(1L);

        // A later release changed the store: this one refuses it rather than misread it.
        await SqlAsync(url, "UPDATE slipway_queue_schema SET version = 3");
        await using var newer = QueueEngineFactory.Open(url);
        (await Should.ThrowAsync<QueueException>(() => newer.InitializeAsync(ct))).Message.ShouldStartWith(
            "The queue store has schema version 3, and this slipway knows versions up to 2");
    }

    [Fact(Timeout = 60_000)]
    public async Task Stats_stay_right_when_two_processes_share_the_file_and_match_a_count_of_the_table()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        var options = new QueueEngineOptions { JitterSource = () => 0, Retry = new RetryPolicy { MaxAttempts = 1 } };
        await using var one = await OpenAsync(url, options);
        await using var two = await OpenAsync(url, options);
        await one.EnqueueManyAsync([.. Enumerable.Range(0, 6).Select(i => Job($"j{i}")), Job("t", "thumbs")], ct);
        var leased = await two.LeaseAsync("mail", 4, Lease, ct);
        await one.CompleteManyAsync([new JobCompletion(leased[0].Lease, null), new JobCompletion(leased[1].Lease, null)], ct);
        (await two.FailAsync(leased[2].Lease, new JobFailure("boom", null), ct)).Outcome.ShouldBe(FailOutcome.Dead);
        await one.DeleteAsync("mail", [leased[3].Id], ct);

        (await two.StatsAsync("mail", ct)).ShouldBe(new QueueStats("mail", 2, 0, 0, 2, 1, TimeSpan.Zero));
        (await one.ReplayAsync("mail", null, ct)).ShouldBe(1);
        (await one.StatsAsync("mail", ct)).ShouldBe(new QueueStats("mail", 3, 0, 0, 2, 0, TimeSpan.Zero));
        (await SqlAsync(url, "SELECT n FROM slipway_counts WHERE queue = 'mail' AND state = -1")).ShouldBe(3L); // finished ever
        (await SqlAsync(url,
            "SELECT count(*) FROM slipway_counts c WHERE c.state >= 0 AND c.n <> (SELECT count(*) FROM slipway_jobs j WHERE j.queue = c.queue AND j.state = c.state)"))
            .ShouldBe(0L);

        await two.PurgeAsync("mail", null, ct);
        (await one.StatsAsync(ct)).Select(s => s.Queue).ShouldBe(["thumbs"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_push_from_another_process_wakes_a_waiting_worker_without_waiting_for_its_poll()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var waiting = await OpenAsync(url); // two engines on one file: two processes' views of it
        await using var pushing = await OpenAsync(url);
        var wake = waiting.WhenJobsMayBeReadyAsync("mail");
        (await waiting.LeaseAsync("mail", 1, Lease, ct)).ShouldBeEmpty();

        await pushing.EnqueueAsync(Job("from a shell"), ct);

        await wake.WaitAsync(TimeSpan.FromSeconds(10), ct); // through the wake file's inotify watch, not a poll
        (await waiting.LeaseAsync("mail", 1, Lease, ct)).Single().Payload.ShouldBe("from a shell");
    }

    public void Dispose() => _dir.Dispose();

    private static async Task<object?> SqlAsync(string url, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={url["sqlite://".Length..]};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct);
    }
}
