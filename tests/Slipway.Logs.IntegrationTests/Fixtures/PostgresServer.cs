using System.Diagnostics;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests.Fixtures;

/// <summary>A real PostgreSQL 15 on 127.0.0.1 in a temp dir (trust auth, fsync off), run as user postgres when we are root.</summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string BinDir = "/usr/lib/postgresql/15/bin";
    private readonly TempDir _dir;
    private readonly Process _process;

    private PostgresServer(TempDir dir, Process process, int port)
    {
        _dir = dir;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Url(string database) => $"postgres://slipway:@127.0.0.1:{Port}/{database}";

    public static async Task<PostgresServer> StartAsync(CancellationToken ct)
    {
        Requires.Check(File.Exists(Path.Combine(BinDir, "postgres")),
            "PostgreSQL 15 not installed. Fix: apt-get install -y postgresql", Environment.GetEnvironmentVariable("CI"));
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
        var process = ServerProcess.Start(Path.Combine(BinDir, "postgres"),
        [
            "-D", data, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", dir.Path,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        ], log, runAs);
        var server = new PostgresServer(dir, process, port);
        try
        {
            await ServerProcess.WaitForPortAsync(port, process, log, ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
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

    public async ValueTask DisposeAsync()
    {
        await ServerProcess.StopAsync(_process, TimeSpan.FromSeconds(20));
        _process.Dispose();
        _dir.Dispose();
    }
}
