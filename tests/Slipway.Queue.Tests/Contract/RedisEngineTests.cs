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
}
