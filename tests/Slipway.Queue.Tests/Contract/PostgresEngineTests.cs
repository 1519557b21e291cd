namespace Slipway.Queue.Tests.Contract;

/// <summary>The contract on PostgreSQL: a real server on loopback, a database per test.</summary>
public sealed class PostgresEngineTests(PostgresFixture postgres) : QueueEngineContract, IClassFixture<PostgresFixture>
{
    protected override Task<string> NewStoreAsync(CancellationToken ct) => postgres.NewDatabaseAsync(ct);
}
