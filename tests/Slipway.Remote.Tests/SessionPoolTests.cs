using Slipway.Core.Config;
using Slipway.Core.Shell;

namespace Slipway.Remote.Tests;

public sealed class SessionPoolTests
{
    [Fact]
    public async Task ConnectAll_reports_each_host_and_caches_sessions()
    {
        var fake = new FakeTransport();
        await using var pool = new SessionPool(new SshSettings(), new Lazy<ITransport>(() => fake));
        HostConfig[] hosts =
        [
            new() { Host = "good1" }, new() { Host = "bad" }, new() { Host = "good2" }, new() { Host = "here", Transport = TransportKind.Local },
        ];

        var results = await pool.ConnectAllAsync(hosts, maxParallel: 2, TestContext.Current.CancellationToken);

        results.Select(r => r.Succeeded).ShouldBe([true, false, true, true]);
        results[1].Error!.Failure.ShouldBe(ConnectionFailure.Unreachable);
        (await pool.GetAsync(hosts[0], TestContext.Current.CancellationToken)).ShouldBeSameAs(results[0].Session);
        fake.Connects.ShouldBe(3, "local hosts never touch the ssh transport; cached hosts are not reconnected");
    }

    [Fact]
    public async Task Failed_connects_are_retried_and_dispose_closes_everything()
    {
        var fake = new FakeTransport();
        var pool = new SessionPool(new SshSettings(), new Lazy<ITransport>(() => fake));
        var ct = TestContext.Current.CancellationToken;
        await Should.ThrowAsync<RemoteConnectionException>(() => pool.GetAsync(new HostConfig { Host = "bad" }, ct));
        await Should.ThrowAsync<RemoteConnectionException>(() => pool.GetAsync(new HostConfig { Host = "bad" }, ct));
        await pool.GetAsync(new HostConfig { Host = "good" }, ct);

        await pool.DisposeAsync();

        fake.Connects.ShouldBe(3);
        fake.DisposedSessions.ShouldBe(1);
        fake.Disposed.ShouldBeTrue();
    }

    private sealed class FakeTransport : ITransport
    {
        private int _connects;
        private int _disposedSessions;

        public int Connects => _connects;

        public int DisposedSessions => _disposedSessions;

        public bool Disposed { get; private set; }

        public Task<IRemoteSession> ConnectAsync(HostConfig host, CancellationToken ct)
        {
            Interlocked.Increment(ref _connects);
            return host.Host == "bad"
                ? Task.FromException<IRemoteSession>(new RemoteConnectionException(host.DisplayName, ConnectionFailure.Unreachable, "no"))
                : Task.FromResult<IRemoteSession>(new FakeSession(host, () => Interlocked.Increment(ref _disposedSessions)));
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class FakeSession(HostConfig host, Action onDispose) : IRemoteSession
    {
        public HostConfig Host { get; } = host;

        public Task<CommandResult> RunAsync(ShellCommand command, RunOptions? options, CancellationToken ct) =>
            Task.FromResult(new CommandResult(0, TimeSpan.Zero, [], []));

        public Task UploadAsync(Stream content, string remotePath, UnixFileMode mode, CancellationToken ct) => Task.CompletedTask;

        public ValueTask DisposeAsync()
        {
            onDispose();
            return ValueTask.CompletedTask;
        }
    }
}
