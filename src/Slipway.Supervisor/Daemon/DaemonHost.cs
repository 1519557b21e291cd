using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Slipway.Supervisor.Config;
using Slipway.Supervisor.Http;
using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Rpc;

namespace Slipway.Supervisor.Daemon;

/// <summary>Options from the command line that override supervisord.conf.</summary>
/// <remarks><c>ConfigPath</c>: The supervisord.conf to read (and read again on a restart).</remarks>
/// <remarks><c>NoDaemon</c>: -n: stay in the foreground.</remarks>
/// <remarks><c>Console</c>: Where the main log is echoed in the foreground.</remarks>
/// <remarks><c>Errors</c>: Where start-up errors go (supervisord writes them to stderr); <paramref name="Console"/> when null.</remarks>
public sealed record HostOptions(string ConfigPath, bool NoDaemon, TextWriter Console, TextWriter? Errors = null)
{
    public TextWriter ErrorWriter => Errors ?? Console;
}

/// <summary>
/// Runs the daemon as supervisord does: pidfile, main log, the HTTP servers, signals (TERM/INT/QUIT shut down in
/// priority order, HUP re-reads the config and starts again, USR2 reopens the logs, CHLD reaps), and the
/// restart loop. Returns the process exit code.
/// </summary>
public sealed class DaemonHost(HostOptions options)
{
    private SupervisorDaemon? _daemon;
    private string? _fatalExit;
    private IReadOnlyList<string> _startupInfos = [];

    public async Task<int> RunAsync(CancellationToken ct)
    {
        StartupTrace.Mark("host entered");
        var reader = ConfigReader.ForCurrentProcess();
        SupervisorConfig config;
        try
        {
            config = reader.Read(options.ConfigPath);
        }
        catch (ConfigException e)
        {
            await options.ErrorWriter.WriteLineAsync("Error: " + e.Message);
            return 2;
        }

        StartupTrace.Mark("config read");
        var daemonOptions = config.Daemon;
        if (!options.NoDaemon && !daemonOptions.NoDaemon && Environment.GetEnvironmentVariable(DetachedVariable) is null)
        {
            return await DetachAsync(config, ct);
        }

        if (daemonOptions.User is { } user && PosixUser.DropPrivileges(user) is { } dropError)
        {
            // supervisord's set_uid_or_exit, before the logs and the sockets are opened
            await options.ErrorWriter.WriteLineAsync("Error: " + dropError);
            return 2;
        }

        // Then the rlimits, as supervisord: after dropping privileges, and only at the first start.
        var (raisedLimits, limitError) = ResourceLimits.Raise(daemonOptions.MinFds, daemonOptions.MinProcs);
        if (limitError is not null)
        {
            await options.ErrorWriter.WriteLineAsync("Error: " + limitError);
            return 2;
        }

        _startupInfos = raisedLimits;

        var detached = Environment.GetEnvironmentVariable(DetachedVariable) is not null;
        Environment.SetEnvironmentVariable(DetachedVariable, null);
        SupervisorDaemon.SetUmask(daemonOptions.Umask);
        if (daemonOptions.Directory is { } directory)
        {
            Directory.SetCurrentDirectory(directory);
        }

        using var signals = new List<PosixSignalRegistration>().AsDisposable();
        signals.Items.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, "SIGTERM", shutdown: true)));
        signals.Items.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, "SIGINT", shutdown: true)));
        signals.Items.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => OnSignal(c, "SIGQUIT", shutdown: true)));
        signals.Items.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => OnSignal(c, "SIGHUP", shutdown: false)));
        signals.Items.Add(PosixSignalRegistration.Create((PosixSignal)12, c =>
        {
            c.Cancel = true;
            _daemon?.Log.Write("info", "received SIGUSR2 indicating log reopen request");
            _daemon?.ReopenLogs();
        }));
        signals.Items.Add(PosixSignalRegistration.Create(PosixSignal.SIGCHLD, _ => _daemon?.Wake()));

        var first = true;
        while (true)
        {
            if (!first)
            {
                try
                {
                    config = reader.Read(options.ConfigPath);
                }
                catch (ConfigException e)
                {
                    _daemon?.Log.Write("critical", e.Message);
                    return 2;
                }
            }

            SupervisorMood mood;
            try
            {
                mood = await RunOnceAsync(config, first, detached, ct);
            }
            catch (SocketException e)
            {
                await options.ErrorWriter.WriteLineAsync("Error: Another program is already listening on a port that one of our HTTP " +
                    $"servers is configured to use ({e.Message}). Shut this program down first.");
                return 1;
            }

            first = false;
            if (_fatalExit is { } reason)
            {
                await options.ErrorWriter.WriteLineAsync("Error: " + reason);
                return 1;
            }

            if (mood != SupervisorMood.Restarting)
            {
                return 0;
            }
        }
    }

    private const string DetachedVariable = "SLIPWAY_SUPERVISE_DETACHED";

    /// <summary>How long a leftover child of a crashed daemon has to exit on SIGTERM before SIGKILL.</summary>
    private static readonly TimeSpan LeftoverGrace = TimeSpan.FromSeconds(10);

    private void OnSignal(PosixSignalContext context, string name, bool shutdown)
    {
        context.Cancel = true;
        var daemon = _daemon;
        if (daemon is null)
        {
            return;
        }

        if (shutdown)
        {
            daemon.Log.Write("warn", $"received {name} indicating exit request");
            daemon.RequestShutdown();
        }
        else
        {
            daemon.Log.Write("warn", $"received {name} indicating restart request");
            daemon.RequestRestart();
        }
    }

    private async Task<SupervisorMood> RunOnceAsync(SupervisorConfig config, bool first, bool detached, CancellationToken ct)
    {
        var d = config.Daemon;
        var logFile = d.LogFile.Equals("syslog", StringComparison.OrdinalIgnoreCase) ? null : new RotatingLogFile(d.LogFile, d.LogFileMaxBytes, d.LogFileBackups);
        var console = (options.NoDaemon || d.NoDaemon) && !d.Silent && !detached ? options.Console : null;
        var log = new MainLog(logFile, console, d.LogLevel, TimeProvider.System);
        if (first)
        {
            foreach (var info in _startupInfos)
            {
                log.Write("info", info);
            }

            ChildLogs.CleanupAutoLogs(d);
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            env[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        foreach (var (k, v) in d.Environment)
        {
            env[k] = v;
        }

        using var daemon = new SupervisorDaemon(config, new PosixSpawner(), TimeProvider.System, log, ConfigReader.ForCurrentProcess())
        {
            BaseEnvironment = env,
        };
        _daemon = daemon;
        var servers = new List<HttpServer>();
        try
        {
            var rpc = new SupervisorRpc(() => _daemon!, config.HasRpcInterface);
            // supervisord makes the RPC interfaces once per HTTP server and logs each; scripts and operators look for it.
            void RpcInitialized()
            {
                if (config.HasRpcInterface)
                {
                    log.Write("info", "RPC interface 'supervisor' initialized");
                }
            }

            if (config.UnixServer is { } unix)
            {
                RpcInitialized();
                servers.Add(new HttpServer(await BindAsync(() => BindUnix(unix), restarting: !first, log, ct),
                    new SupervisorHttp(rpc, () => _daemon!, unix.Username, unix.Password).HandleAsync));
            }

            if (config.InetServer is { } inet)
            {
                RpcInitialized();
                servers.Add(new HttpServer(await BindAsync(() => BindInet(inet), restarting: !first, log, ct),
                    new SupervisorHttp(rpc, () => _daemon!, inet.Username, inet.Password).HandleAsync));
            }
        }
        catch (SocketException e)
        {
            log.Write("critical", "Another program is already listening on a port that one of our HTTP servers is configured to use.  " +
                "Shut this program down first before starting supervisord. (" + e.Message + ")");
            foreach (var s in servers)
            {
                s.Dispose();
            }

            log.Dispose();
            throw;
        }

        foreach (var s in servers)
        {
            s.Start();
        }

        await File.WriteAllTextAsync(d.PidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n", ct);
        log.Write("info", $"supervisord started with pid {Environment.ProcessId}");
        StartupTrace.Mark("servers up");
        if (first && (config.UnixServer is not null || config.InetServer is not null) && SupervisorDaemon.ServerUrlOf(config) is { } url)
        {
            // Only once the sockets are bound: a daemon still alive on this config would have failed the bind above.
            await LeftoverChildren.StopAsync(url, log, LeftoverGrace, ct);
        }

        SupervisorMood mood;
        try
        {
            daemon.Start();
            StartupTrace.Mark("groups added");
            mood = await daemon.RunAsync(ct);
            _fatalExit = daemon.FatalExitReason;
        }
        catch (FastCgiSocketException e)
        {
            // supervisord dies with this ValueError when it makes the group: no process has been started yet.
            log.Write("critical", e.Message);
            _fatalExit = e.Message;
            mood = SupervisorMood.Shutdown;
        }

        foreach (var s in servers)
        {
            s.Dispose();
        }

        if (config.UnixServer is { } u)
        {
            TryDelete(u.File);
        }

        if (mood != SupervisorMood.Restarting)
        {
            TryDelete(d.PidFile);
        }

        log.Write("info", mood == SupervisorMood.Restarting ? "restarting" : "shutting down");
        log.Dispose();
        return mood;
    }

    /// <summary>
    /// Binds a listener. On a restart (reload, SIGHUP) the previous run's listener on the same address may not be
    /// closed yet: a socket disposed while an accept is pending is closed once that accept has been aborted, which on
    /// a busy machine can come after this bind. So a restart retries "address in use" for up to 5 s instead of exiting
    /// as if another program held the port; a first start fails at once, as supervisord does.
    /// </summary>
    private static async Task<Socket> BindAsync(Func<Socket> bind, bool restarting, MainLog log, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return bind();
            }
            catch (SocketException e) when (restarting && e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 50)
            {
                if (attempt == 1)
                {
                    log.Write("info", "the previous listener is still closing; waiting to bind again");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
        }
    }

    private static Socket BindUnix(UnixServerOptions unix)
    {
        if (File.Exists(unix.File))
        {
            // A live server on it is an error; a stale file from a crash is removed (as supervisord does).
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(unix.File));
                throw new SocketException((int)SocketError.AddressAlreadyInUse);
            }
            catch (SocketException e) when (e.SocketErrorCode != SocketError.AddressAlreadyInUse)
            {
                File.Delete(unix.File);
            }
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(unix.File));
        File.SetUnixFileMode(unix.File, (UnixFileMode)unix.Chmod);
        if (unix.Chown is { } owner)
        {
            var (uid, gid) = PosixUser.UserAndGroup(owner);
            if (PosixUser.Chown(unix.File, uid, gid) is { } error)
            {
                throw new IOException($"could not chown {unix.File} to {owner}: {error}");
            }
        }
        socket.Listen(512);
        return socket;
    }

    private static Socket BindInet(InetServerOptions inet)
    {
        var address = inet.Host.Length == 0 ? IPAddress.Any
            : IPAddress.TryParse(inet.Host, out var ip) ? ip
            : Dns.GetHostAddresses(inet.Host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(address, inet.Port));
        socket.Listen(512);
        return socket;
    }

    /// <summary>
    /// Without -n (and nodaemon=false) supervisord daemonizes. A .NET process cannot fork, so start ourselves
    /// again in a new session (setsid) with -n semantics and wait until the pidfile names the new daemon.
    /// </summary>
    private async Task<int> DetachAsync(SupervisorConfig config, CancellationToken ct)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find our own executable");
        var commandLine = Environment.GetCommandLineArgs();
        var args = commandLine.Skip(1).ToList();
        var argv = new List<string> { "/usr/bin/setsid", self };
        // Under `dotnet slipway.dll …` the process is dotnet and the first command-line argument is the dll: keep it.
        if (!Path.GetFileNameWithoutExtension(self).Equals("slipway", StringComparison.Ordinal) && commandLine[0].EndsWith(".dll", StringComparison.Ordinal))
        {
            argv.Add(commandLine[0]);
        }

        argv.AddRange(args);
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string>((string)e.Key, (string?)e.Value ?? "")).ToList();
        env.Add(new(DetachedVariable, "1"));
        TryDelete(config.Daemon.PidFile);
        var child = new PosixSpawner().Spawn(new SpawnRequest("/usr/bin/setsid", argv, env));
        Posix.close(child.StdinFd);
        Posix.close(child.StdoutFd);
        if (child.StderrFd >= 0)
        {
            Posix.close(child.StderrFd);
        }

        for (var i = 0; i < 200; i++)
        {
            if (File.Exists(config.Daemon.PidFile))
            {
                return 0;
            }

            await Task.Delay(50, ct);
        }

        await options.ErrorWriter.WriteLineAsync($"Error: the daemon did not write {config.Daemon.PidFile}; see {config.Daemon.LogFile}");
        return 1;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // gone already
        }
    }
}

internal sealed class DisposableList<T>(List<T> items) : IDisposable
    where T : IDisposable
{
    public List<T> Items { get; } = items;

    public void Dispose()
    {
        foreach (var item in Items)
        {
            item.Dispose();
        }
    }
}

internal static class DisposableListExtensions
{
    public static DisposableList<T> AsDisposable<T>(this List<T> items)
        where T : IDisposable => new(items);
}
