using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Slipway.Testing;

/// <summary>
/// N real sshd processes on 127.0.0.1, each with its own host key, sharing one authorised client key and a
/// known_hosts file that lists them all. Runs as the current user (root in the test image, hence PermitRootLogin).
/// </summary>
public sealed class SshdFixture : IAsyncDisposable
{
    private readonly TempDir _dir;
    private readonly List<SshdHost> _hosts = [];

    private SshdFixture(TempDir dir)
    {
        _dir = dir;
    }

    public string Dir => _dir.Path;

    public IReadOnlyList<SshdHost> Hosts => _hosts;

    /// <summary>The ed25519 client key every sshd accepts.</summary>
    public string ClientKey => _dir.File("client_ed25519");

    /// <summary>An RSA client key, also accepted (made only when asked for).</summary>
    public string RsaClientKey => _dir.File("client_rsa");

    public string KnownHosts => _dir.File("known_hosts");

    public string AuthorizedKeys => _dir.File("authorized_keys");

    public static string User => Environment.UserName;

    public static async Task<SshdFixture> StartAsync(int count, CancellationToken ct, bool withRsaKey = false)
    {
        Requires.Sshd();
        StaleShellLockWatch.Ensure();
        Directory.CreateDirectory("/run/sshd"); // sshd's privilege-separation directory; missing in fresh containers.
        var fixture = new SshdFixture(new TempDir("slw-sshd-"));
        try
        {
            await KeygenAsync("ed25519", fixture.ClientKey, ct);
            var authorized = await File.ReadAllTextAsync(fixture.ClientKey + ".pub", ct);
            if (withRsaKey)
            {
                await KeygenAsync("rsa", fixture.RsaClientKey, ct);
                authorized += await File.ReadAllTextAsync(fixture.RsaClientKey + ".pub", ct);
            }

            await File.WriteAllTextAsync(fixture.AuthorizedKeys, authorized, ct);
            var starts = Enumerable.Range(0, count).Select(i => fixture.StartHostAsync(i, ct)).ToList();
            fixture._hosts.AddRange(await Task.WhenAll(starts));
            await File.WriteAllLinesAsync(fixture.KnownHosts, fixture._hosts.Select(h => h.KnownHostsLine), ct);
            return fixture;
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }
    }

    public string ServerLog(int index) => File.Exists(_hosts[index].LogPath) ? File.ReadAllText(_hosts[index].LogPath) : "(no sshd log)";

    /// <summary>All server logs, for assertion messages.</summary>
    public string ServerLogs() => string.Join("\n", _hosts.Select(h => $"--- sshd #{h.Index} port {h.Port} ---\n{ServerLog(h.Index)}"));

    /// <summary>Kills sshd <paramref name="index"/> and its per-connection children, as if the machine died.</summary>
    public async Task KillHostAsync(int index)
    {
        var host = _hosts[index];
        var children = ProcessTools.Descendants(host.Pid);
        ProcessTools.KillQuietly(host.Pid);
        foreach (var child in children)
        {
            ProcessTools.KillQuietly(child);
        }

        await host.Process.WaitForExitAsync();
    }

    /// <summary>Starts sshd <paramref name="index"/> again after <see cref="KillHostAsync"/>: same port, same host key (the machine came back).</summary>
    public async Task RestartHostAsync(int index, CancellationToken ct)
    {
        var host = _hosts[index];
        if (!host.Process.HasExited)
        {
            throw new InvalidOperationException($"sshd #{index} is still running");
        }

        host.Process.Dispose();
        host.Process = StartSshd(host.Dir);
        if (!await WaitListeningAsync(host, ct))
        {
            throw new InvalidOperationException($"sshd #{index} did not start again on port {host.Port}. Log:\n{ServerLog(index)}");
        }
    }

    public async Task StopAsync()
    {
        foreach (var host in _hosts.Where(h => !h.Process.HasExited))
        {
            await KillHostAsync(host.Index);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var host in _hosts)
        {
            host.Process.Dispose();
        }

        _dir.Dispose();
    }

    private async Task<SshdHost> StartHostAsync(int index, CancellationToken ct)
    {
        var dir = _dir.File("host" + index.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        var hostKey = Path.Combine(dir, "host_ed25519");
        await KeygenAsync("ed25519", hostKey, ct);
        var hostKeyPublic = string.Join(' ', (await File.ReadAllTextAsync(hostKey + ".pub", ct)).Split(' ').Take(2));
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePorts.Tcp();
            await File.WriteAllTextAsync(Path.Combine(dir, "sshd_config"), Config(dir, port, hostKey), ct);
            var process = StartSshd(dir);
            var host = new SshdHost(index, dir, port, process, hostKeyPublic);
            if (await WaitListeningAsync(host, ct))
            {
                return host;
            }

            // Another process took the port between our probe and sshd's bind: try a new one.
            ProcessTools.KillQuietly(process.Id);
            await process.WaitForExitAsync(ct);
            process.Dispose();
            if (attempt == 4)
            {
                throw new InvalidOperationException($"sshd #{index} did not start. Log:\n{await File.ReadAllTextAsync(host.LogPath, ct)}");
            }
        }
    }

    private static Process StartSshd(string dir)
    {
        var psi = new ProcessStartInfo(Requires.SshdPath)
        {
            UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true,
        };
        foreach (var arg in new[] { "-D", "-e", "-f", Path.Combine(dir, "sshd_config"), "-E", Path.Combine(dir, "sshd.log") })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<bool> WaitListeningAsync(SshdHost host, CancellationToken ct) =>
        await Eventually.ForAsync(async () =>
        {
            if (host.Process.HasExited)
            {
                return true;
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, host.Port, ct);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10), ct) && !host.Process.HasExited;


    private string Config(string dir, int port, string hostKey) => $"""
        ListenAddress 127.0.0.1
        Port {port}
        HostKey {hostKey}
        PidFile {Path.Combine(dir, "sshd.pid")}
        AuthorizedKeysFile {AuthorizedKeys}
        StrictModes no
        UsePAM no
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin yes
        Subsystem sftp /usr/lib/openssh/sftp-server
        LogLevel VERBOSE
        MaxStartups 100
        MaxSessions 100

        """;

    private static async Task KeygenAsync(string type, string path, CancellationToken ct)
    {
        string[] args = ["-q", "-t", type, "-N", "", "-C", "slipway-test", "-f", path];
        var (code, _, stderr) = await ProcessTools.RunAsync("ssh-keygen", args, ct);
        if (code != 0)
        {
            throw new InvalidOperationException($"ssh-keygen -t {type} failed: {stderr}");
        }
    }
}
