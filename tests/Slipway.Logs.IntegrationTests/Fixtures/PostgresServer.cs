using System.Diagnostics;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests.Fixtures;

/// <summary>A real PostgreSQL on 127.0.0.1 in a temp dir (trust auth, fsync off), run as user postgres when we are root.</summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The newest major version Debian's packages installed (as scripts/deps/logs.sh accepts any).</summary>
    public static readonly string BinDir = FindBinDir();
    private readonly TempDir _dir;
    private readonly string[] _args;
    private readonly string? _runAs;
    private Process _process;

    private PostgresServer(TempDir dir, Process process, int port, string[] args, string? runAs)
    {
        _dir = dir;
        _process = process;
        _args = args;
        _runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    public string Url(string database) => $"postgres://slipway:@127.0.0.1:{Port}/{database}";

    public static async Task<PostgresServer> StartAsync(CancellationToken ct)
    {
        Requires.Check(File.Exists(Path.Combine(BinDir, "postgres")),
            "PostgreSQL not installed. Fix: apt-get install -y postgresql", Environment.GetEnvironmentVariable("CI"));
        var dir = new TempDir("slipway-pg-");
        var runAs = ServerProcess.IsRoot ? "postgres" : null;
        if (runAs is not null)
        {
            await ProcessTools.RunAsync("chown", ["-R", "postgres", dir.Path], ct);
        }

        var data = dir.File("data");
        var initLog = dir.File("initdb.log");
        using (var init = ServerProcess.Start(Path.Combine(BinDir, "initdb"),
                   ["-D", data, "-U", "slipway", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"], initLog, runAs))
        {
            await init.WaitForExitAsync(ct);
            if (init.ExitCode != 0)
            {
                throw new InvalidOperationException("initdb failed: " + ServerProcess.SafeRead(initLog));
            }
        }

        var port = ServerProcess.FreeTcpPort();
        var log = dir.File("server.log");
        string[] args =
        [
            "-D", data, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", dir.Path,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        ];
        var process = ServerProcess.Start(Path.Combine(BinDir, "postgres"), args, log, runAs);
        var server = new PostgresServer(dir, process, port, args, runAs);
        try
        {
            await ServerProcess.WaitForPortAsync(port, process, log, ct);
            await server.WaitUntilAcceptingAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private static string FindBinDir()
    {
        const string root = "/usr/lib/postgresql";
        var versions = Directory.Exists(root)
            ? Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "bin", "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).ToList()
            : [];
        return versions.Count > 0 ? Path.Combine(versions[0], "bin") : Path.Combine(root, "15", "bin");
    }

    // The port opens before recovery ends; until then connections get 57P03 "the database system is starting up".
    private async Task WaitUntilAcceptingAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new Npgsql.NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=slipway;Database=postgres;Pooling=false");
                await connection.OpenAsync(ct);
                return;
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == "57P03" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, ct); // polling the server's own readiness: there is nothing to await
            }
        }
    }

    public async Task CreateDatabaseAsync(string name, CancellationToken ct)
    {
        await using var connection = new Npgsql.NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=slipway;Database=postgres");
        await connection.OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
#pragma warning disable CA2100 // test database names are constants
        cmd.CommandText = $"CREATE DATABASE \"{name}\"";
#pragma warning restore CA2100
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Stops the server (the database becomes unavailable to clients). SIGINT, PostgreSQL's fast shutdown: SIGTERM's
    /// smart shutdown would wait for the client's pooled connections to close.
    /// </summary>
    public Task StopAsync() => ServerProcess.StopAsync(_process, TimeSpan.FromSeconds(30), signal: "INT");

    /// <summary>Starts it again on the same data and port.</summary>
    public async Task RestartAsync(CancellationToken ct)
    {
        _process.Dispose();
        var log = _dir.File("server.log");
        _process = ServerProcess.Start(Path.Combine(BinDir, "postgres"), _args, log, _runAs);
        await ServerProcess.WaitForPortAsync(Port, _process, log, ct);
        await WaitUntilAcceptingAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await ServerProcess.StopAsync(_process, TimeSpan.FromSeconds(20));
        _process.Dispose();
        _dir.Dispose();
    }
}
