using Slipway.Testing;

namespace Slipway.Queue.Tests.Contract;

/// <summary>The contract on the embedded engine: a SQLite file per store in a temp dir.</summary>
public sealed class SqliteEngineTests : QueueEngineContract, IDisposable
{
    private readonly TempDir _dir = new("slipway-queue-");
    private int _stores;

    protected override Task<string> NewStoreAsync(CancellationToken ct) =>
        Task.FromResult("sqlite://" + _dir.File($"queue-{Interlocked.Increment(ref _stores)}.db"));

    public void Dispose() => _dir.Dispose();
}
