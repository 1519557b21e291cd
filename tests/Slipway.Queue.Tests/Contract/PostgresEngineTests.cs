namespace Slipway.Queue.Tests.Contract;

/// <summary>The contract on PostgreSQL: a real server on loopback, a database per test.</summary>
public sealed class PostgresEngineTests(PostgresFixture postgres) : QueueEngineContract, IClassFixture<PostgresFixture>
{
    protected override Task<string> NewStoreAsync(CancellationToken ct) => postgres.NewDatabaseAsync(ct);

    [Fact(Timeout = 60_000)]
    public async Task An_enqueue_on_one_host_wakes_the_idle_workers_of_another_through_NOTIFY()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var producer = await OpenAsync(url);
        await using var consumer = await OpenAsync(url);
        var wake = consumer.WhenJobsMayBeReadyAsync("mail");
        var otherQueue = consumer.WhenJobsMayBeReadyAsync("thumbs");

        await producer.EnqueueAsync(Job("x"), ct);

        await wake.WaitAsync(TimeSpan.FromSeconds(10), ct);
        otherQueue.IsCompleted.ShouldBeFalse();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_store_keeps_its_schema_version_and_one_from_a_newer_release_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using (var engine = await OpenAsync(url))
        {
            await engine.EnqueueAsync(Job("kept"), ct);
        }

        await using var data = Npgsql.NpgsqlDataSource.Create(QueueEngineFactory.PostgresConnectionString(url));
        await using (var read = data.CreateCommand("SELECT version FROM slipway_queue_schema"))
        {
            Convert.ToInt64(await read.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(1L);
        }

        await using (var bump = data.CreateCommand("UPDATE slipway_queue_schema SET version = 2"))
        {
            await bump.ExecuteNonQueryAsync(ct);
        }

        await using var newer = QueueEngineFactory.Open(url);
        (await Should.ThrowAsync<QueueException>(() => newer.InitializeAsync(ct))).Message.ShouldStartWith("The queue store has schema version 2");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_delayed_enqueue_does_not_notify()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var engine = await OpenAsync(url);
        var wake = engine.WhenJobsMayBeReadyAsync("mail");
        var marker = engine.WhenJobsMayBeReadyAsync("marker");

        await engine.EnqueueAsync(Job("later") with { Delay = TimeSpan.FromMinutes(1) }, ct);
        await engine.EnqueueAsync(Job("now", "marker"), ct);
        await marker.WaitAsync(TimeSpan.FromSeconds(10), ct); // notifications arrive in commit order

        wake.IsCompleted.ShouldBeFalse();
    }
}
