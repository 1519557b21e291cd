using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Slipway.Bench.SshNetSpike;

/// <summary>
/// Runs one command on every host in parallel over SSH.NET and prints per-host exit codes and timings.
/// Usage: SshNetSpike --hosts 127.0.0.1:PORT,... --key PATH --user root --known-hosts PATH --command true [--repeat K] [--quiet]
/// Exit code: 0 all hosts returned 0; 1 some command failed; 2 bad usage, connection or host-key failure.
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: SshNetSpike --hosts HOST:PORT[,HOST:PORT...] --key PATH --user USER --known-hosts PATH --command CMD [--repeat K] [--quiet]";

    public static async Task<int> Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync($"{e.Message}\n{Usage}");
            return 2;
        }

        KnownHosts knownHosts;
        try
        {
            knownHosts = KnownHosts.Load(options.KnownHostsPath);
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"cannot read known_hosts: {e.Message}");
            return 2;
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var total = Stopwatch.StartNew();
        var results = await Task.WhenAll(options.Hosts.Select(h => RunOnHostAsync(h, options, knownHosts, cts.Token)));
        total.Stop();

        var worst = 0;
        foreach (var r in results)
        {
            if (r.Error is not null)
            {
                Console.WriteLine($"{r.Host.Name}:{r.Host.Port} error: {r.Error}");
                worst = 2;
                continue;
            }

            if (!options.Quiet)
            {
                var warm = r.CommandMs.Count > 1 ? r.CommandMs.Skip(1).Average() : double.NaN;
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{r.Host.Name}:{r.Host.Port} exit={r.ExitCode} connect_ms={r.ConnectMs:F1} first_cmd_ms={r.CommandMs[0]:F1} " +
                    $"warm_cmd_avg_ms={warm:F2} commands={r.CommandMs.Count}"));
            }

            if (r.ExitCode != 0)
            {
                worst = Math.Max(worst, 1);
            }
        }

        if (!options.Quiet)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total_ms={total.Elapsed.TotalMilliseconds:F1} hosts={results.Length}"));
        }

        return worst;
    }

    private static async Task<HostResult> RunOnHostAsync(HostPort host, Options options, KnownHosts knownHosts, CancellationToken ct)
    {
        var result = new HostResult(host);
        try
        {
            using var key = new PrivateKeyFile(options.KeyPath);
            var info = new ConnectionInfo(host.Name, host.Port, options.User, new PrivateKeyAuthenticationMethod(options.User, key))
            {
                Timeout = TimeSpan.FromSeconds(15),
            };
            using var client = new SshClient(info);
            client.HostKeyReceived += (_, e) => e.CanTrust = knownHosts.Matches(host, e.HostKeyName, e.FingerPrintSHA256);

            var sw = Stopwatch.StartNew();
            await client.ConnectAsync(ct);
            result.ConnectMs = sw.Elapsed.TotalMilliseconds;

            for (var i = 0; i < options.Repeat; i++)
            {
                sw.Restart();
                using var command = client.CreateCommand(options.Command);
                await command.ExecuteAsync(ct);
                result.CommandMs.Add(sw.Elapsed.TotalMilliseconds);
                result.ExitCode = command.ExitStatus ?? 255;
                if (result.ExitCode != 0)
                {
                    break;
                }
            }

            client.Disconnect();
        }
        catch (Exception e) when (e is SshException or System.Net.Sockets.SocketException or IOException or OperationCanceledException)
        {
            // SshConnectionException with "Key exchange negotiation failed" is what a rejected host key looks like.
            result.Error = $"{e.GetType().Name}: {e.Message}";
        }

        return result;
    }

    private sealed class HostResult(HostPort host)
    {
        public HostPort Host { get; } = host;

        public double ConnectMs { get; set; }

        public List<double> CommandMs { get; } = [];

        public int ExitCode { get; set; } = -1;

        public string? Error { get; set; }
    }
}

internal readonly record struct HostPort(string Name, int Port)
{
    /// <summary>The host as known_hosts spells it: "host" on port 22, "[host]:port" otherwise.</summary>
    public string KnownHostsName => Port == 22 ? Name : $"[{Name}]:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static HostPort Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return new HostPort(text, 22);
        }

        return new HostPort(text[..colon], port);
    }
}

/// <summary>
/// The plain (unhashed) entries of an OpenSSH known_hosts file, as SHA256 fingerprints like `ssh-keygen -lf` prints.
/// Spike scope: no hashed names (|1|...), no wildcards, no @cert-authority or @revoked markers.
/// </summary>
internal sealed class KnownHosts
{
    private readonly List<(string[] Names, string KeyType, string Fingerprint)> _entries = [];

    public static KnownHosts Load(string path)
    {
        var knownHosts = new KnownHosts();
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith('@') || line.StartsWith('|'))
            {
                continue;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3)
            {
                continue;
            }

            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(fields[2]);
            }
            catch (FormatException)
            {
                continue;
            }

            knownHosts._entries.Add((fields[0].Split(','), fields[1], Fingerprint(blob)));
        }

        return knownHosts;
    }

    /// <summary>SHA256 of the key blob, base64 without padding: `ssh-keygen -lf` minus the "SHA256:" prefix.</summary>
    public static string Fingerprint(byte[] keyBlob) => Convert.ToBase64String(SHA256.HashData(keyBlob)).TrimEnd('=');

    public bool Matches(HostPort host, string keyType, string fingerprintSha256)
    {
        var name = host.KnownHostsName;
        return _entries.Exists(e =>
            string.Equals(e.KeyType, keyType, StringComparison.Ordinal)
            && string.Equals(e.Fingerprint, fingerprintSha256, StringComparison.Ordinal)
            && Array.Exists(e.Names, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)));
    }
}

internal sealed record Options(
    IReadOnlyList<HostPort> Hosts, string KeyPath, string User, string KnownHostsPath, string Command, int Repeat, bool Quiet)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var quiet = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--quiet")
            {
                quiet = true;
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[args[i][2..]] = args[++i];
            }
            else
            {
                throw new FormatException($"unexpected argument '{args[i]}'");
            }
        }

        string Required(string name) =>
            values.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new FormatException($"missing --{name}");

        var repeat = 1;
        if (values.TryGetValue("repeat", out var r) && (!int.TryParse(r, CultureInfo.InvariantCulture, out repeat) || repeat < 1))
        {
            throw new FormatException("--repeat must be a positive integer");
        }

        var hosts = Required("hosts").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(HostPort.Parse).ToList();
        return new Options(hosts, Required("key"), Required("user"), Required("known-hosts"), Required("command"), repeat, quiet);
    }
}
