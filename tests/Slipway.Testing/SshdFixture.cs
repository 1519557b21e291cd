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

    private static readonly SemaphoreSlim AccountGate = new(1, 1);
    private readonly string? _umask;

    private SshdFixture(TempDir dir, string? umask)
    {
        _dir = dir;
        _umask = umask;
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

    /// <param name="count">How many sshd hosts.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <param name="withRsaKey">Also make and accept an RSA client key.</param>
    /// <param name="umask">The umask every session starts with (sshd's own, which its sessions inherit), e.g. "027"; null: ours.</param>
    public static async Task<SshdFixture> StartAsync(int count, CancellationToken ct, bool withRsaKey = false, string? umask = null)
    {
        Requires.Sshd();
        StaleShellLockWatch.Ensure();
        Directory.CreateDirectory("/run/sshd"); // sshd's privilege-separation directory; missing in fresh containers.
        var fixture = new SshdFixture(new TempDir("slw-sshd-"), umask);
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
            // sshd reads the keys file as the user logging in: any local account (EnsureAccountAsync) may read it. The
            // private client key stays 0600.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(fixture.Dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
                File.SetUnixFileMode(fixture.AuthorizedKeys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
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

    /// <summary>
    /// A real local account that every host of a fixture logs in with the fixture's client key (as root: useradd), made
    /// once per machine and kept: a non-root deploy user. Its password field is '*' (no password, but not a locked
    /// account, which sshd without PAM refuses).
    /// </summary>
    public static async Task<string> EnsureAccountAsync(string name, CancellationToken ct)
    {
        Requires.Check(Environment.UserName == "root", "making a local account needs root (useradd)", Environment.GetEnvironmentVariable("CI"));
        await AccountGate.WaitAsync(ct);
        try
        {
            if ((await ProcessTools.RunAsync("id", ["-u", name], ct)).ExitCode != 0)
            {
                var (code, _, error) = await ProcessTools.RunAsync("useradd", ["-m", "-s", "/bin/sh", "-p", "*", name], ct);
                if (code != 0)
                {
                    throw new InvalidOperationException($"useradd {name} failed: {error}");
                }
            }

            return name;
        }
        finally
        {
            AccountGate.Release();
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

    /// <summary>
    /// Stops (SIGSTOP) sshd <paramref name="index"/>: the listener and every session process, so the connections it
    /// serves stop answering without being reset, and a new one gets no SSH banner (a network hang, not a crash). The
    /// sessions' own children (the shells, a hook) keep running, as on a real host cut off by the network.
    /// </summary>
    public async Task FreezeHostAsync(int index, CancellationToken ct) => await SignalSshdAsync(index, "-STOP", ct);

    /// <summary>Lets sshd <paramref name="index"/> go on after <see cref="FreezeHostAsync"/> (the network came back).</summary>
    public async Task ThawHostAsync(int index, CancellationToken ct) => await SignalSshdAsync(index, "-CONT", ct);

    private async Task SignalSshdAsync(int index, string signal, CancellationToken ct)
    {
        var host = _hosts[index];
        var sshds = ProcessTools.Descendants(host.Pid).Where(IsSshd).Prepend(host.Pid)
            .Select(p => p.ToString(CultureInfo.InvariantCulture)).ToList();
        var (code, _, error) = await ProcessTools.RunAsync("kill", [signal, .. sshds], ct);
        if (code != 0)
        {
            throw new InvalidOperationException($"kill {signal} of sshd #{index} failed: {error}");
        }
    }

    private static bool IsSshd(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/comm").Trim().StartsWith("sshd", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // gone meanwhile
        }
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
        host.Process = StartSshd(host.Dir, _umask);
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
            var process = StartSshd(dir, _umask);
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

    private static Process StartSshd(string dir, string? umask)
    {
        string[] sshd = [Requires.SshdPath, "-D", "-e", "-f", Path.Combine(dir, "sshd_config"), "-E", Path.Combine(dir, "sshd.log")];
        // With a umask: set by a shell that then becomes sshd (exec keeps the pid the fixture kills).
        var argv = umask is null ? sshd : new[] { "/bin/sh", "-c", "umask \"$0\" && exec \"$@\"", umask }.Concat(sshd).ToArray();
        var psi = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true,
        };
        foreach (var arg in argv.Skip(1))
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
