using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests.Compat;

/// <summary>
/// A supervisord-compatible daemon under test, started as a real subprocess: Debian's <c>supervisord</c> or our
/// <c>slipway supervise</c>, on the same generated config (unix socket, optional TCP with auth), driven by the
/// real <c>/usr/bin/supervisorctl</c>. The same tests run against both: that is the compatibility proof.
/// </summary>
public sealed partial class Daemon : IAsyncDisposable
{
    public const string Supervisord = "supervisord";
    public const string Slipway = "slipway";

    /// <summary>The Native AOT build of the same daemon (<c>slipway-supervise</c>), which `slipway supervise` execs when present.</summary>
    public const string SlipwayNative = "slipway-native";

    /// <summary>`dotnet slipway.dll supervise` from a directory where slipway-supervise sits beside slipway.dll.</summary>
    public const string SlipwayExecNative = "slipway-exec-native";
    public const string Supervisorctl = "/usr/bin/supervisorctl";

    private readonly Process _process;
    private bool _dirHandedOver;

    private Daemon(string kind, TempDir dir, string config, Process process, int port)
    {
        Kind = kind;
        Dir = dir;
        ConfigPath = config;
        _process = process;
        Port = port;
    }

    public string Kind { get; }

    public TempDir Dir { get; }

    public string ConfigPath { get; }

    public int Port { get; }

    public int Pid => _process.Id;

    public string Socket => Dir.File("supervisor.sock");

    public string MainLog => Dir.File("supervisord.log");

    public static string Header(TempDir dir, int port, string? user = null, string? password = null) => $"""
        [supervisord]
        logfile={dir.File("supervisord.log")}
        pidfile={dir.File("supervisord.pid")}
        childlogdir={dir.Path}
        loglevel=debug

        [unix_http_server]
        file={dir.File("supervisor.sock")}

        [inet_http_server]
        port=127.0.0.1:{port}
        {(user is null ? "" : $"username={user}\npassword={password}")}

        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

        [supervisorctl]
        serverurl=unix://{dir.File("supervisor.sock")}

        """;

    public static async Task<Daemon> StartAsync(string kind, string programs, CancellationToken ct, string? user = null, string? password = null,
        Action<TempDir>? prepare = null, IReadOnlyList<string>? launcher = null)
    {
        Requires.Check(File.Exists(Supervisorctl) && File.Exists("/usr/bin/supervisord"),
            "supervisor is not installed. Fix: bash scripts/deps/supervise.sh", Environment.GetEnvironmentVariable("CI"));
        var dir = new TempDir("slipway-sv-");
        var port = FreePort();
        var config = dir.Write("supervisord.conf", Header(dir, port, user, password) + programs.Replace("{dir}", dir.Path, StringComparison.Ordinal));
        prepare?.Invoke(dir);
        return await LaunchAsync(kind, dir, config, port, launcher, ct);
    }

    /// <summary>
    /// SIGKILL to the daemon alone (its children live on, as after the OOM killer), then the same daemon started again on
    /// the same config and directory. The returned daemon owns the directory; this one only lets go of its process.
    /// </summary>
    public async Task<Daemon> Kill9AndStartAgainAsync(CancellationToken ct)
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync(ct);
        _dirHandedOver = true;
        return await LaunchAsync(Kind, Dir, ConfigPath, Port, launcher: null, ct);
    }

    private static async Task<Daemon> LaunchAsync(string kind, TempDir dir, string config, int port, IReadOnlyList<string>? launcher, CancellationToken ct)
    {
        var process = Process.Start(StartInfo(kind, config, dir, launcher))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var daemon = new Daemon(kind, dir, config, process, port);
        var up = await Eventually.ForAsync(async () => File.Exists(daemon.Socket) && (await daemon.CtlAsync(ct, "pid")).Code == 0,
            TimeSpan.FromSeconds(30), ct);
        if (!up)
        {
            // Read the log before disposing: disposal deletes the directory.
            var log = File.Exists(daemon.MainLog) ? await File.ReadAllTextAsync(daemon.MainLog, ct) : "(no main log)";
            await daemon.DisposeAsync();
            throw new InvalidOperationException($"{kind} did not start: {log}");
        }

        return daemon;
    }

    /// <summary>
    /// How to run a daemon of this kind in the foreground on <paramref name="config"/>, in <paramref name="dir"/>, output
    /// redirected; through <paramref name="launcher"/> when given (e.g. <c>prlimit --nofile=256:8192 --</c>: the daemon
    /// starts under the limits the launcher sets).
    /// </summary>
    public static ProcessStartInfo StartInfo(string kind, string config, TempDir dir, IReadOnlyList<string>? launcher = null)
    {
        var psi = kind switch
        {
            Supervisord => new ProcessStartInfo("/usr/bin/supervisord") { ArgumentList = { "-n", "-c", config } },
            SlipwayNative => new ProcessStartInfo(NativeDaemon()) { ArgumentList = { "-n", "-c", config } },
            SlipwayExecNative => new ProcessStartInfo("dotnet") { ArgumentList = { InstallWithNativeDaemon(dir), "supervise", "-n", "-c", config } },
            _ => new ProcessStartInfo("dotnet") { ArgumentList = { SlipwayDll(), "supervise", "-n", "-c", config } },
        };
        if (launcher is { Count: > 0 })
        {
            var inner = psi;
            psi = new ProcessStartInfo(launcher[0]);
            foreach (var word in launcher.Skip(1).Append(inner.FileName).Concat(inner.ArgumentList))
            {
                psi.ArgumentList.Add(word);
            }
        }

        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        psi.WorkingDirectory = dir.Path;
        return psi;
    }

    private static string SlipwayDll()
    {
        var config = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        return Path.Combine(root, "src/Slipway.Cli/bin", config, "net10.0/slipway.dll");
    }

    /// <summary>
    /// artifacts/supervise-aot/slipway-supervise, published by scripts/test.sh (Native AOT needs clang), or
    /// $SLIPWAY_SUPERVISE_NATIVE. Missing: the native suite is skipped locally and fails under CI.
    /// </summary>
    public static string NativeDaemon()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        var path = Environment.GetEnvironmentVariable("SLIPWAY_SUPERVISE_NATIVE") is { Length: > 0 } configured
            ? configured
            : Path.Combine(root, "artifacts/supervise-aot/slipway-supervise");
        Requires.Check(File.Exists(path),
            $"the Native AOT daemon {path} is not built. Fix: dotnet publish src/Slipway.SupervisorHost -c Release -r linux-x64 -o artifacts/supervise-aot",
            Environment.GetEnvironmentVariable("CI"));
        return path;
    }

    /// <summary>
    /// The CLI's build output linked into <paramref name="dir"/>/install with the native daemon beside it, as a
    /// publish of both lays them out; returns the slipway.dll there.
    /// </summary>
    private static string InstallWithNativeDaemon(TempDir dir)
    {
        var native = NativeDaemon();
        var build = Path.GetDirectoryName(SlipwayDll())!;
        var install = Directory.CreateDirectory(dir.File("install")).FullName;
        foreach (var file in Directory.GetFiles(build))
        {
            // The app itself is copied: the host resolves the app path's symlinks, and AppContext.BaseDirectory
            // (where the CLI looks for the native daemon) would be the build directory again.
            var target = Path.Combine(install, Path.GetFileName(file));
            if (Path.GetFileName(file).StartsWith("slipway.", StringComparison.Ordinal))
            {
                File.Copy(file, target);
            }
            else
            {
                File.CreateSymbolicLink(target, file);
            }
        }

        File.CreateSymbolicLink(Path.Combine(install, Path.GetFileName(native)), native);
        return Path.Combine(install, "slipway.dll");
    }

    public static int FreePort() => FreePorts.Tcp();

    /// <summary>Runs supervisorctl with this daemon's config; returns exit code and stdout.</summary>
    public async Task<(int Code, string Output)> CtlAsync(CancellationToken ct, params string[] args)
    {
        var (code, stdout, stderr) = await ProcessTools.RunAsync(Supervisorctl, ["-c", ConfigPath, .. args], ct);
        return (code, stdout + stderr);
    }

    /// <summary>supervisorctl against the TCP server, with these credentials.</summary>
    public async Task<(int Code, string Output)> CtlTcpAsync(string? user, string? password, CancellationToken ct, params string[] args)
    {
        var list = new List<string> { "-c", ConfigPath, "-s", $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}" };
        if (user is not null)
        {
            list.AddRange(["-u", user, "-p", password!]);
        }

        var (code, stdout, stderr) = await ProcessTools.RunAsync(Supervisorctl, [.. list, .. args], ct);
        return (code, stdout + stderr);
    }

    /// <summary>Replaces what legitimately differs between runs: pids, uptimes, dates.</summary>
    public static string Normalize(string text)
    {
        text = PidPattern().Replace(text, "pid N");
        text = UptimePattern().Replace(text, "uptime T");
        return DatePattern().Replace(text, "DATE");
    }

    public async Task WaitForAsync(string name, string state, CancellationToken ct)
    {
        var ok = await Eventually.ForAsync(async () => (await CtlAsync(ct, "status", name)).Output.Contains(" " + state + " ", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), ct);
        ok.ShouldBeTrue($"{Kind}: {name} never reached {state}: {(await CtlAsync(ct, "status")).Output}");
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: an ordered shutdown that stops every child.
            _ = ProcessTools.RunAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], CancellationToken.None);
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(20)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        if (!_dirHandedOver)
        {
            Dir.Dispose();
        }
    }

    [GeneratedRegex(@"pid \d+")]
    private static partial Regex PidPattern();

    [GeneratedRegex(@"uptime \d+:\d\d:\d\d")]
    private static partial Regex UptimePattern();

    [GeneratedRegex(@"[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M")]
    private static partial Regex DatePattern();
}
