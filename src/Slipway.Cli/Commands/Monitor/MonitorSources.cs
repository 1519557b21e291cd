using System.Data.Common;
using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Deploy.Execution;
using Slipway.Logs.Releases;
using Slipway.Logs.Storage;
using Slipway.Monitor.Checks;
using Slipway.Queue;
using Slipway.Remote;
using Slipway.Supervisor.Client;

namespace Slipway.Cli.Commands.Monitor;

/// <summary>
/// The composition root's half of the monitor's built-ins that look at other features: each port of
/// <see cref="CheckSources"/> filled with the owning feature's public interface (the supervise XML-RPC client, the queue
/// engine, the logs store, the deploy feature's host listing and the deploy history), so the features stay apart.
/// </summary>
internal static class MonitorSources
{
    /// <param name="config">The loaded slipway.yml.</param>
    /// <param name="time">The clock of the command.</param>
    /// <param name="remote">The SSH runner for <c>run_on: ssh</c> plugins, owned (and disposed) by the command.</param>
    public static CheckSources For(SlipwayConfig config, TimeProvider time, SshRemotePlugins? remote = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new CheckSources
        {
            Processes = OperatingSystem.IsLinux() ? new SupervisorProcessStates() : null,
            Queues = new QueueEngineMeter(config.Queue ?? QueueConfig.DefaultFor(config.SourceFile), time),
            LogErrors = config.Logs?.Db is { Length: > 0 } db ? new LogStoreErrorCounter(db) : null,
            Releases = new HostLiveReleases(config, time),
            Remote = remote,
        };
    }
}

/// <summary><c>supervisor.getAllProcessInfo</c> over the daemon's socket, as <c>supervisorctl status</c> asks it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class SupervisorProcessStates : IProcessStates
{
    public async Task<IReadOnlyList<ProcessStatus>> ReadAsync(string socket, CancellationToken ct)
    {
        SupervisorEndpoint endpoint;
        try
        {
            // http://user:pass@host:port carries inet_http_server's credentials; the client sends them as Basic auth.
            endpoint = Uri.TryCreate(socket, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.UserInfo.Length > 0
                ? SupervisorEndpoint.Parse(new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString(),
                    Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]), Uri.UnescapeDataString(uri.UserInfo.Split(':', 2).ElementAtOrDefault(1) ?? ""))
                : SupervisorEndpoint.Parse(socket);
        }
        catch (ArgumentException e)
        {
            throw new CheckSourceException(e.Message, e);
        }

        using var client = new SupervisorClient(endpoint);
        try
        {
            var all = await client.GetAllProcessInfoAsync(ct);
            return [.. all.Select(p => new ProcessStatus(p.FullName, p.Group, p.StateName, p.Description))];
        }
        catch (Exception e) when (e is SupervisorUnreachableException or SupervisorFaultException)
        {
            throw new CheckSourceException(e.Message, e);
        }
    }
}

/// <summary>The queue's statistics through its engine (read only: a missing SQLite file is an empty queue, not created).</summary>
internal sealed class QueueEngineMeter(QueueConfig queue, TimeProvider time) : IQueueMeter
{
    public async Task<QueueMeasure> ReadAsync(string name, CancellationToken ct)
    {
        if (QueueEngineFactory.SqliteFile(queue.Url) is { } file && !File.Exists(file))
        {
            return new QueueMeasure(0, null); // nothing was ever pushed: nothing waits
        }

        try
        {
            await using var engine = QueueEngineFactory.Open(queue.Url, new QueueEngineOptions(), time);
            await engine.InitializeAsync(ct);
            var stats = await engine.StatsAsync(name, ct);
            return new QueueMeasure(stats.Ready, stats.OldestReadyAge);
        }
        catch (Exception e) when (e is QueueUnavailableException or QueueException or DbException)
        {
            throw new CheckSourceException($"cannot read the queue at {QueueEngineFactory.Redact(queue.Url)}: {e.Message}", e);
        }
    }
}

/// <summary>Error counts from the central logs store (opened read-only, as <c>logs query</c> does).</summary>
internal sealed class LogStoreErrorCounter(string db) : ILogErrorCounter
{
    public async Task<IReadOnlyList<LogErrorCount>> CountAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct)
    {
        try
        {
            await using var store = LogStoreFactory.OpenExisting(db);
            await store.CheckSchemaAsync(ct);
            var counts = await store.ErrorCountsAsync(since, until, ct);
            return [.. counts.Select(c => new LogErrorCount(c.Host, c.Program, c.Count))];
        }
        catch (Exception e) when (e is LogStoreException or DbException or IOException)
        {
            throw new CheckSourceException($"cannot read the central logs at {Core.Net.DatabaseUrl.Redact(db)}: {e.Message}", e);
        }
    }
}

/// <summary>
/// A host's <c>current</c>, read over SSH in one round trip as <c>slipway releases</c> does, against the deploy history
/// this machine keeps (<c>logs.deploy_history</c>, default <c>.slipway/history.jsonl</c>): the newest successful deploy
/// or rollback of the stage that switched this host.
/// </summary>
internal sealed class HostLiveReleases(SlipwayConfig config, TimeProvider time) : ILiveReleases
{
    public async Task<LiveRelease> ReadAsync(string stage, string host, CancellationToken ct)
    {
        var stageConfig = config.Stages.FirstOrDefault(s => s.Name == stage) ?? throw new CheckSourceException($"no stage '{stage}' in slipway.yml");
        var hostConfig = stageConfig.Hosts.FirstOrDefault(h => h.DisplayName == host) ?? throw new CheckSourceException($"no host '{host}' in stage {stage}");
        var timeline = DeployTimeline.Load(config.Logs?.DeployHistory ?? LocalState.For(config).History);
        var expected = timeline.Marks.Where(m => m.Stage == stage && m.Release is not null &&
                                                 (m.Hosts.Count == 0 || m.Hosts.Any(h => h == host || HostFilter.Matches(hostConfig, h))))
            .LastOrDefault(m => m.Finished <= time.GetUtcNow());

        await using var sessions = new SessionPool(config.Ssh);
        var manager = new ReleaseManager(sessions, time, RunIdentity.Current());
        var listing = (await manager.ReleasesAsync(new DeployRequest { Config = config, Stage = stageConfig, Hosts = [hostConfig] }, ct)).Single();
        if (listing.Failure is { } failure)
        {
            throw new CheckSourceException($"cannot read {host}: {failure.Message}");
        }

        return new LiveRelease(listing.State?.Current, expected?.Release, expected?.Finished);
    }
}

/// <summary>
/// Plugins run on the hosts over SSH (<c>run_on: ssh</c>), one connection per host kept for the life of the monitor (the
/// same OpenSSH master as deploys use); a connection that was lost is opened afresh on the next run.
/// </summary>
internal sealed class SshRemotePlugins(SlipwayConfig config) : IRemotePlugins, IAsyncDisposable
{
    private const int MaxChars = 64 * 1024;
    private readonly Lock _gate = new();
    private SessionPool _sessions = new(config.Ssh);

    public async Task<RemoteRun> RunAsync(string host, string commandLine, TimeSpan timeout, CancellationToken ct)
    {
        var hostConfig = config.Stages.SelectMany(s => s.Hosts).FirstOrDefault(h => h.DisplayName == host)
            ?? throw new CheckSourceException($"no host '{host}' in slipway.yml");
        SessionPool pool;
        lock (_gate)
        {
            pool = _sessions;
        }

        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        try
        {
            var session = await pool.GetAsync(hostConfig, ct);
            var result = await session.RunAsync(Core.Shell.ShellCommand.Raw(commandLine), new RunOptions
            {
                Timeout = timeout,
                Output = line =>
                {
                    var into = line.Kind == OutputKind.Stdout ? stdout : stderr;
                    lock (into)
                    {
                        if (into.Length < MaxChars)
                        {
                            into.Append(line.Text).Append('\n');
                        }
                    }
                },
            }, ct);
            return new RemoteRun(result.ExitCode, stdout.ToString(), stderr.ToString());
        }
        catch (RemoteConnectionException e)
        {
            // A dead master stays in its pool; the next run gets a fresh pool and connects again.
            lock (_gate)
            {
                if (ReferenceEquals(_sessions, pool))
                {
                    _sessions = new SessionPool(config.Ssh);
                    _ = pool.DisposeAsync().AsTask();
                }
            }

            throw new CheckSourceException(e.Message, e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        SessionPool pool;
        lock (_gate)
        {
            pool = _sessions;
        }

        await pool.DisposeAsync();
    }
}
