using System.Diagnostics;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests.Fixtures;

/// <summary>A real mariadbd on 127.0.0.1 in a temp dir (no grant tables: any user, no password), stopped by pid.</summary>
public sealed class MariaDbServer : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/mariadbd";
    private readonly TempDir _dir;
    private readonly string[] _args;
    private Process _process;

    private MariaDbServer(TempDir dir, Process process, int port, string[] args)
    {
        _dir = dir;
        _process = process;
        _args = args;
        Port = port;
    }

    public int Port { get; }

    public string Url(string database) => $"mysql://root:@127.0.0.1:{Port}/{database}";

    public static async Task<MariaDbServer> StartAsync(CancellationToken ct, IEnumerable<string>? extraArgs = null)
    {
        Requires.Check(File.Exists(Binary) && File.Exists("/usr/bin/mariadb-install-db"),
            "MariaDB not installed. Fix: bash scripts/deps/logs.sh (apt-get install -y mariadb-server)", Environment.GetEnvironmentVariable("CI"));
        var dir = new TempDir("slipway-mariadb-");
        var data = dir.File("data");
        var user = ServerProcess.IsRoot ? "root" : Environment.UserName;

        // A private tmpdir: the bootstrap's temporary tables otherwise live in the shared /tmp, where a CI run once
        // saw them vanish mid-install ("Could not remove temporary table … error: 2") and the whole fixture failed.
        var tmp = Directory.CreateDirectory(dir.File("tmp")).FullName;
        await InstallAsync(data, user, tmp, ct);

        var port = ServerProcess.FreeTcpPort();
        var log = dir.File("server.log");
        string[] args =
        [
            "--no-defaults", $"--datadir={data}", $"--socket={dir.File("sock")}", $"--port={port}", "--bind-address=127.0.0.1",
            $"--user={user}", "--skip-grant-tables", "--skip-log-bin", "--innodb-buffer-pool-size=128M",
            "--innodb-flush-log-at-trx-commit=2", $"--pid-file={dir.File("pid")}", $"--tmpdir={tmp}", .. extraArgs ?? [],
        ];
        var process = ServerProcess.Start(Binary, args, log);
        var server = new MariaDbServer(dir, process, port, args);
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

    private static async Task InstallAsync(string data, string user, string tmp, CancellationToken ct)
    {
        string[] args = ["--no-defaults", $"--datadir={data}", $"--user={user}", "--auth-root-authentication-method=normal", "--skip-test-db", $"--tmpdir={tmp}"];
        var install = await ProcessTools.RunAsync("/usr/bin/mariadb-install-db", args, ct);
        if (install.ExitCode == 0)
        {
            return;
        }

        // One retry on a clean data directory: the bootstrap is a fixture's set-up, not the behaviour under test.
        Directory.Delete(data, recursive: true);
        var again = await ProcessTools.RunAsync("/usr/bin/mariadb-install-db", args, ct);
        if (again.ExitCode != 0)
        {
            throw new InvalidOperationException("mariadb-install-db failed twice: " + install.Stdout + install.Stderr + "\n--- retry ---\n" + again.Stdout + again.Stderr);
        }
    }

    public async Task CreateDatabaseAsync(string name, CancellationToken ct)
    {
        var result = await ProcessTools.RunAsync("mariadb",
            ["--no-defaults", "-h127.0.0.1", $"-P{Port}", "-uroot", "-e", $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"], ct);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("CREATE DATABASE failed: " + result.Stderr);
        }
    }

    /// <summary>Stops the server (the database becomes unavailable to clients).</summary>
    public Task StopAsync() => ServerProcess.StopAsync(_process, TimeSpan.FromSeconds(30));

    /// <summary>Starts it again on the same data and port.</summary>
    public async Task RestartAsync(CancellationToken ct)
    {
        _process.Dispose();
        var log = _dir.File("server.log");
        _process = ServerProcess.Start(Binary, _args, log);
        await ServerProcess.WaitForPortAsync(Port, _process, log, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await ServerProcess.StopAsync(_process, TimeSpan.FromSeconds(20));
        _process.Dispose();
        _dir.Dispose();
    }
}
