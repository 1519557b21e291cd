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

        (await SqlAsync(url, "SELECT version FROM slipway_queue_schema")).ShouldBe(1L);

        // A store made before the version was kept: opening it records version 1 and keeps its jobs.
        await SqlAsync(url, "DROP TABLE slipway_queue_schema");
        await using (var engine = await OpenAsync(url))
        {
            (await engine.StatsAsync("mail", ct)).Ready.ShouldBe(1);
        }

        (await SqlAsync(url, "SELECT count(*) FROM slipway_queue_schema WHERE version = 1")).ShouldBe(1L);

        // A later release changed the store: this one refuses it rather than misread it.
        await SqlAsync(url, "UPDATE slipway_queue_schema SET version = 2");
        await using var newer = QueueEngineFactory.Open(url);
        (await Should.ThrowAsync<QueueException>(() => newer.InitializeAsync(ct))).Message.ShouldStartWith(
            "The queue store has schema version 2, and this slipway knows versions up to 1");
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
