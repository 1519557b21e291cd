namespace Slipway.Queue.Tests.Contract;

/// <summary>The contract on Redis: a private redis-server on loopback, a key prefix per test.</summary>
public sealed class RedisEngineTests(RedisFixture redis) : QueueEngineContract, IClassFixture<RedisFixture>
{
    protected override Task<string> NewStoreAsync(CancellationToken ct) => redis.NewStoreAsync(ct);

    [Fact(Timeout = 60_000)]
    public async Task An_enqueue_on_one_host_wakes_the_idle_workers_of_another_through_pub_sub()
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
    public async Task Stores_with_different_prefixes_on_one_server_are_separate()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var a = await NewEngineAsync();
        await using var b = await NewEngineAsync();
        await a.EnqueueAsync(Job("only-in-a"), ct);

        (await b.LeaseAsync("mail", 10, Lease, ct)).ShouldBeEmpty();
        (await b.StatsAsync(ct)).ShouldBeEmpty();
        (await LeaseOneAsync(a)).Payload.ShouldBe("only-in-a");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_server_that_does_not_answer_is_reported_as_unavailable_at_initialize()
    {
        var port = Slipway.Testing.FreePorts.Tcp(); // nothing listens there
        await using var engine = QueueEngineFactory.Open($"redis://127.0.0.1:{port}");

        var error = await Should.ThrowAsync<QueueUnavailableException>(() => engine.InitializeAsync(TestContext.Current.CancellationToken));

        error.Message.ShouldStartWith($"Redis at 127.0.0.1:{port} cannot be reached");
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

        var parsed = Slipway.Queue.Redis.RedisUrl.Parse(url);
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(parsed.Options.Clone());
        var db = admin.GetDatabase();
        ((long)await db.StringGetAsync(parsed.KeyBase + "schema")).ShouldBe(1L);
        await db.StringSetAsync(parsed.KeyBase + "schema", 2);

        await using var newer = QueueEngineFactory.Open(url);
        (await Should.ThrowAsync<QueueException>(() => newer.InitializeAsync(ct))).Message.ShouldStartWith("The queue store has schema version 2");
    }

    [Fact(Timeout = 60_000)]
    public async Task Scripts_are_called_by_their_hash_not_sent_with_every_call()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var engine = await OpenAsync(url);
        var uri = new Uri(url);
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{uri.Port},allowAdmin=true");
        var server = admin.GetServer("127.0.0.1", uri.Port);
        var before = await EvalShaCallsAsync(server);

        for (var i = 0; i < 20; i++)
        {
            await engine.EnqueueAsync(Job($"j{i}"), ct);
        }

        (await EvalShaCallsAsync(server)).ShouldBeGreaterThanOrEqualTo(before + 20);
    }

    private static async Task<long> EvalShaCallsAsync(StackExchange.Redis.IServer server)
    {
        var stats = (await server.InfoAsync("commandstats")).SelectMany(group => group)
            .FirstOrDefault(pair => pair.Key == "cmdstat_evalsha").Value;
        // "calls=12,usec=…"
        return stats is null ? 0 : long.Parse(stats.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
