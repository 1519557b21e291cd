using System.Diagnostics;
using System.Globalization;
using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Testing;

namespace Slipway.Queue.Tests.Contract;

/// <summary>
/// A private redis-server on 127.0.0.1 and a free port, its files in a temp dir, stopped by pid. With
/// <c>durable</c> it keeps an append-only file synced on every write, so a restart (same port, same dir) loses nothing.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/redis-server";
    private readonly TempDir _dir = new("slipway-redis-");
    private readonly bool _durable;
    private Process? _process;

    private RedisServer(bool durable)
    {
        _durable = durable;
        Port = ServerProcess.FreeTcpPort();
    }

    public int Port { get; }

    /// <summary>The queue URL of a store: a key prefix of its own on this server.</summary>
    public string Url(string prefix) => $"redis://127.0.0.1:{Port}/0?prefix={prefix}";

    public static async Task<RedisServer> StartAsync(bool durable, CancellationToken ct)
    {
        Requires.Check(File.Exists(Binary), "redis-server not installed. Fix: bash scripts/deps/queue.sh",
            Environment.GetEnvironmentVariable("CI"));
        var server = new RedisServer(durable);
        try
        {
            await server.StartProcessAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private async Task StartProcessAsync(CancellationToken ct)
    {
        var log = _dir.File("server.log");
        string[] persistence = _durable
            ? ["--appendonly", "yes", "--appendfsync", "always", "--save", ""]
            : ["--appendonly", "no", "--save", ""];
        _process = ServerProcess.Start(Binary,
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _dir.Path,
            "--daemonize", "no", "--protected-mode", "yes", .. persistence,
        ], log);
        await ServerProcess.WaitForPortAsync(Port, _process, log, ct);
    }

    /// <summary>Stops the server (SIGTERM: it finishes writing its AOF) and starts it again on the same port and dir.</summary>
    public async Task RestartAsync(CancellationToken ct)
    {
        await StopProcessAsync();
        await StartProcessAsync(ct);
    }

    /// <summary>SIGKILL: no chance to flush anything (the durable mode's AOF was already synced per write).</summary>
    public async Task KillAndRestartAsync(CancellationToken ct)
    {
        _process!.Kill();
        await _process.WaitForExitAsync(ct);
        _process.Dispose();
        _process = null;
        await StartProcessAsync(ct);
    }

    private async Task StopProcessAsync()
    {
        if (_process is not null)
        {
            await ServerProcess.StopAsync(_process, TimeSpan.FromSeconds(20));
            _process.Dispose();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        _dir.Dispose();
    }
}
