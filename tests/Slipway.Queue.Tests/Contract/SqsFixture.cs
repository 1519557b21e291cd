namespace Slipway.Queue.Tests.Contract;

/// <summary>One private fauxqs for the class's tests; each test's store is an SQS queue-name prefix of its own.</summary>
public sealed class SqsFixture : IAsyncLifetime
{
    private FauxqsServer? _server;
    private int _stores;

    public FauxqsServer? Server => _server;

    public async ValueTask InitializeAsync()
    {
        if (File.Exists(FauxqsServer.Node) && File.Exists(FauxqsServer.App))
        {
            _server = await FauxqsServer.StartAsync(CancellationToken.None);
        }
    }

    public async Task<string> NewStoreAsync(CancellationToken ct)
    {
        // Skips (locally) or fails (CI) with the fix when fauxqs is not installed.
        _server ??= await FauxqsServer.StartAsync(ct);
        return _server.Url($"s{Interlocked.Increment(ref _stores)}-");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
